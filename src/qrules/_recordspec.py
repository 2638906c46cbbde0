"""Rules over records: the canonical vocabulary, and what a rule counts.

This module is the one place where a rule's ``[rule.records]`` table becomes
*what to count*, so that every engine counting records (the pure-Python
reference engine in ``_records_evaluate``, or SQL generated from the same
model) counts the same thing and hands the two counts to the same judge:

1. `RecordSpec` (on `Rule.records`, built by the loader) says which register
   units form the population and what each unit must have;
2. `Coverage` says how far the inspection log reaches;
3. `record_queries` turns both into one `RecordQuery` per rule and year judged,
   with the year's dates spelled out, or the reason the records cannot decide;
4. an engine counts, for a query (and district), the units in the population
   and the units meeting it: `Counts`;
5. `judge_counts` gives the verdict, through the same exact machinery as
   reported figures (the counts are observations of the rule's ``meeting``
   and ``total`` measures).

No I/O happens here. The semantics, in SQL over a register ``r`` and a log
``l`` (``docs/records.md`` says it in words)::

    population(q)  = SELECT * FROM r WHERE <each population column IN its values>
                       AND (r.registered IS NULL OR r.registered <= q.end)
                       AND (r.closed IS NULL OR r.closed >= q.start)
    inspections(u) = SELECT count(*) FROM l WHERE l.unit = u.unit
                       AND l.date BETWEEN q.start AND q.end
                       [AND l.kind IN q.kinds] [AND l.result IN q.results]
    meets(u)       = inspections(u) >= q.inspections      -- or: u.<q.flag> IS TRUE
    total, meeting = count(population), count(population WHERE meets)
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, TypeAlias

import attrs

from ._evaluate import FailingUnit, Result, Verdict, judge_year
from ._messages import joined, say
from ._model import Aggregation, Text

if TYPE_CHECKING:
    from ._model import Rule, Rulebook

__all__ = [
    "CATEGORIES",
    "FLAGS",
    "KINDS",
    "LOG_COLUMNS",
    "POPULATION_COLUMNS",
    "REGISTER_COLUMNS",
    "RESULTS",
    "RISK_LEVELS",
    "SIZES",
    "Counts",
    "Coverage",
    "RecordQuery",
    "RecordSpec",
    "judge_counts",
    "needs",
    "record_queries",
]

# -- the canonical vocabulary (docs/records.md) ---------------------------------

#: Unit categories a rule may select. A register may hold other codes too: such
#: units belong to no population a rule names.
CATEGORIES: Mapping[str, Text] = {
    "infant_formula_maker": Text("婴幼儿配方乳粉生产企业", "infant formula milk powder maker"),
    "special_medical_food_maker": Text("特殊医学用途配方食品生产企业",
                                       "maker of food for special medical purposes"),
    "health_food_maker": Text("保健食品生产企业", "health food maker"),
    "food_maker": Text("其他食品生产企业", "other food maker"),
    "food_retailer": Text("食品销售经营者", "food retailer"),
    "catering": Text("餐饮服务单位", "catering unit"),
    "central_kitchen": Text("中央厨房", "central kitchen"),
    "collective_meal_supplier": Text("集体用餐配送单位", "collective meal delivery unit"),
    "tableware_disinfection": Text("餐饮具集中消毒单位", "central tableware disinfection unit"),
    "special_drug_retailer": Text("药品零售环节特殊药品经营企业",
                                  "drug retailer dealing in special drugs"),
    "drug_retailer": Text("药品零售企业", "drug retailer"),
    "drug_user": Text("药品使用单位", "drug-using institution"),
    "construction_site": Text("在建工地", "construction site"),
    "construction_project": Text("房屋和市政基础设施工程",
                                 "building or municipal infrastructure project"),
    "key_industry_chain": Text("重点产业链", "key industrial chain"),
}
RISK_LEVELS: Mapping[str, Text] = {
    "low": Text("低风险", "low risk"),
    "medium": Text("中风险", "medium risk"),
    "high": Text("高风险", "high risk"),
}
SIZES: Mapping[str, Text] = {
    "small": Text("小型", "small"),
    "medium": Text("中型", "medium"),
    "large": Text("大型", "large"),
}
#: Boolean register columns: what a unit has or is enrolled in.
FLAGS: Mapping[str, Text] = {
    "bright_kitchen": Text("“明厨亮灶”", "bright kitchen"),
    "internet_bright_kitchen": Text("“互联网+明厨亮灶”", "Internet + bright kitchen"),
    "grid_supervision": Text("网格化监管", "grid supervision"),
    "smart_site": Text("智慧工地", "smart site"),
    "smart_site_platform": Text("智慧工地监管平台", "smart site supervision platform"),
    "leading_platform": Text("引领性产业平台", "a leading industry platform"),
}
KINDS: Mapping[str, Text] = {
    "system": Text("体系检查", "system inspection"),
    "routine": Text("日常监督检查", "routine inspection"),
    "special": Text("专项检查", "special inspection"),
    "follow_up": Text("跟踪检查", "follow-up inspection"),
    "unannounced": Text("飞行检查", "unannounced inspection"),
}
RESULTS: Mapping[str, Text] = {
    "compliant": Text("符合", "compliant"),
    "basically_compliant": Text("基本符合", "basically compliant"),
    "non_compliant": Text("不符合", "non-compliant"),
}

#: Register columns, in the order documented. ``unit`` and ``category`` are required.
REGISTER_COLUMNS: tuple[str, ...] = (
    "unit", "name", "district", "category", "risk_level", "size", "registered", "closed",
    *FLAGS,
)
#: Inspection log columns. ``unit`` and ``date`` are required.
LOG_COLUMNS: tuple[str, ...] = ("inspection", "unit", "date", "kind", "result")
#: Register columns a rule's population may select on.
POPULATION_COLUMNS: tuple[str, ...] = ("category", "risk_level", "size", "district", *FLAGS)
#: The closed sets of codes, by column; ``category`` and ``district`` are open.
CODES: Mapping[str, Mapping[str, Text]] = {
    "category": CATEGORIES, "risk_level": RISK_LEVELS, "size": SIZES,
    "kind": KINDS, "result": RESULTS,
}

PopulationValue: TypeAlias = str | bool


# -- the rule model -------------------------------------------------------------


@attrs.frozen
class RecordSpec:
    """How a rule is judged from a register and an inspection log (``[rule.records]``).

    ``population`` is ``((column, allowed values), ...)``, sorted by column: a
    unit belongs when its value in every column is one of the allowed ones
    (flag columns take ``True`` or ``False``). Each unit then meets the rule
    when it has at least ``inspections`` log rows in the year (of one of
    ``kinds`` and ``results``, when given), or when its ``flag`` is true.
    ``meeting`` and ``total`` are the measures of the rule's formula
    ``100 * meeting / total`` that the two counts are observations of.
    """

    meeting: str
    total: str
    population: tuple[tuple[str, tuple[PopulationValue, ...]], ...] = ()
    inspections: int | None = None
    kinds: tuple[str, ...] | None = None
    results: tuple[str, ...] | None = None
    flag: str | None = None

    @property
    def needs_log(self) -> bool:
        return self.inspections is not None

    def describe_population(self) -> str:
        """``category = catering, risk_level = high``; ``all units`` when unfiltered."""
        parts = []
        for column, values in self.population:
            shown = [str(v).lower() if isinstance(v, bool) else v for v in values]
            parts.append(f"{column} = {shown[0]}" if len(shown) == 1
                         else f"{column} in ({', '.join(shown)})")
        return ", ".join(parts) or "all units"  # rule-file syntax, in English

    def describe_each(self, lang: str = "en") -> str:
        """What each unit must have: ``at least 2 system inspections a year``."""
        if self.flag is not None:
            said = say("records.enrolled", flag=FLAGS[self.flag])
            return said.get("zh" if lang == "zh" else "en")
        count = self.inspections or 0
        return say("records.a_year", inspections=_inspections(
            count, self.kinds, self.results)).get("zh" if lang == "zh" else "en")


def inspections_text(count: int, kinds: tuple[str, ...] | None,
                     results: tuple[str, ...] | None, lang: str, *, more: bool = False) -> str:
    """``2 more system inspections with result compliant`` / ``再接受 2 次体系检查(结果为符合)``."""
    return _inspections(count, kinds, results, more=more).get("zh" if lang == "zh" else "en")


def _inspections(count: int, kinds: tuple[str, ...] | None, results: tuple[str, ...] | None,
                 *, more: bool = False) -> Text:
    kind = joined(tuple(KINDS[k] for k in kinds), say("records.or")) if kinds else None
    said = say("records.inspections_more" if more else "records.inspections", count=count,
               kind=kind if kind is not None else say(
                   "records.inspection" if count == 1 else "records.inspections_word"),
               s="s" if count != 1 and kind is not None else "")
    if results:
        said = say("records.with_result", inspections=said,
                   results=joined(tuple(RESULTS[r] for r in results), say("records.or")))
    return said


def needs(spec: RecordSpec, more: int, end: dt.date) -> Text:
    """What a failing unit needs: ``more`` inspections by ``end``, or its flag."""
    if spec.flag is not None:
        return say("records.not_enrolled", flag=FLAGS[spec.flag])
    return say("records.needs", inspections=_inspections(more, spec.kinds, spec.results,
                                                         more=True), end=str(end))


#: A failing unit as an engine finds it: unit id, name, district, and how many
#: more inspections it needs (for a flag, 1).
Shortfall: TypeAlias = tuple[str, str, "str | None", int]


def failing_units(spec: RecordSpec, end: dt.date, rows: Iterable[Shortfall]
                  ) -> tuple[FailingUnit, ...]:
    """Failing units, sorted by unit id, each with what it needs by ``end``: built
    by every engine the same way, and only for a result that is not met (an
    engine hands `Counts` this function with its rows, not the units)."""
    ordered = sorted(rows, key=operator.itemgetter(0))  # one pass when already in order
    texts = {more: needs(spec, more, end) for more in {r[3] for r in ordered}}
    counted = spec.needs_log
    # tuple.__new__ is what FailingUnit._make calls, without a Python frame per unit.
    new = tuple.__new__
    return tuple([new(FailingUnit, (unit, name, district, texts[more],
                                    more if counted else None))
                  for unit, name, district, more in ordered])


# -- coverage and queries -------------------------------------------------------


@attrs.frozen
class Coverage:
    """How far the inspection log reaches, at both ends.

    ``first`` is the date declared with ``log_from`` or else the earliest date
    in the log; ``last`` is the date declared with ``log_until`` or else the
    latest date in the log. Both are ``None`` when there is no log (or an
    empty one, and nothing declared). A year that the log does not cover from
    1 January to 31 December is undecided.
    """

    first: dt.date | None = None
    last: dt.date | None = None
    declared: bool = False
    has_log: bool = True
    declared_first: bool = False

    @classmethod
    def of(cls, dates: Iterable[dt.date], *, log_until: dt.date | None = None,
           has_log: bool = True, log_from: dt.date | None = None) -> Coverage:
        listed = list(dates)
        first, last = (min(listed), max(listed)) if listed else (None, None)
        if log_from is not None:
            first = log_from
        if log_until is not None:
            last = log_until
        return cls(first, last, declared=log_until is not None, has_log=has_log,
                   declared_first=log_from is not None)

    def years(self, period_years: range) -> list[int]:
        """The years of a period that the records cover: from the log's first
        year to its last (or every year of the period, without a log)."""
        return [y for y in period_years
                if (self.first is None or y >= self.first.year)
                and (self.last is None or y <= self.last.year)]

    def gap(self, year: int) -> Text | None:
        """Why the log cannot decide ``year``, or ``None`` when it can."""
        said = self.gap_said(year)
        return None if said is None else _said(said)

    def gap_said(self, year: int) -> Said | None:
        """`gap` as a message id and its parameters, to which the judge adds
        what was counted so far."""
        if not self.has_log:
            return ("log.none", ())
        if self.last is None:
            return ("log.empty", ())
        end = dt.date(year, 12, 31)
        if self.last < end:
            return ("log.declared_end" if self.declared else "log.ends",
                    (("last", str(self.last)), ("year", year)))
        if self.first is not None and self.first > dt.date(year, 1, 1):
            return ("log.declared_begin" if self.declared_first else "log.begins",
                    (("first", str(self.first)), ("year", year)))
        return None


#: A message of the catalog not yet said: its id and parameters.
Said: TypeAlias = tuple[str, tuple[tuple[str, object], ...]]


def _said(said: Said, so_far: Text | str = "") -> Text:
    return say(said[0], **dict(said[1]), so_far=so_far)


@attrs.frozen
class RecordQuery:
    """What to count for one rule in one year (``start`` to ``end``, inclusive).

    ``unknown`` is set when the log cannot decide the year whatever it holds;
    an engine still counts the population (it is reported), but the verdict is
    unknown with that reason (``unknown_said``: its message, to which the judge
    adds the counts so far).
    """

    rule: str
    year: int
    start: dt.date
    end: dt.date
    spec: RecordSpec
    unknown: Text | None = None
    unknown_said: Said | None = None

    @property
    def population(self) -> tuple[tuple[str, tuple[PopulationValue, ...]], ...]:
        return self.spec.population

    @property
    def meeting(self) -> str:
        return self.spec.meeting

    @property
    def total(self) -> str:
        return self.spec.total


def judged_years(rulebook: Rulebook, rule: Rule, coverage: Coverage) -> tuple[list[int], bool]:
    """The years a records rule is judged in, and whether the records cover them.

    ``every_year``: each year of the rule's period that the records cover (if
    none, the period's last year, uncovered); ``level``: the year of ``due``.
    """
    if rule.aggregation is Aggregation.EVERY_YEAR:
        period = rule.period or rulebook.period
        years = coverage.years(period.years)
        return (years, True) if years else ([period.years[-1]], False)
    assert rule.due is not None  # the loader requires it
    return [rule.due.year], True


def record_queries(rulebook: Rulebook, rules: tuple[Rule, ...] | list[Rule],
                   coverage: Coverage) -> tuple[RecordQuery, ...]:
    """One query per rule with ``[rule.records]`` and year judged, in rule order."""
    queries = []
    for rule in rules:
        spec = rule.records
        if spec is None:
            continue
        years, covered = judged_years(rulebook, rule, coverage)
        # A year is judged by the rule as it stood on its last day (issue 5's dated
        # targets): a year in which the rule was not in force is not judged.
        for year in (y for y in years if rule.in_force(dt.date(y, 12, 31))):
            said: Said | None = None
            if not covered:
                period = rule.period or rulebook.period
                said = ("log.no_year", (("span", f"{period.start.year}–{period.end.year}"),
                                        ("first", str(coverage.first)),
                                        ("last", str(coverage.last))))
            elif spec.needs_log:
                said = coverage.gap_said(year)
            queries.append(RecordQuery(rule.id, year, dt.date(year, 1, 1),
                                       dt.date(year, 12, 31), spec,
                                       None if said is None else _said(said), said))
    return tuple(queries)


# -- judging the counts ---------------------------------------------------------


@attrs.frozen
class Counts:
    """What an engine counted for one query (and district)."""

    total: int
    meeting: int
    #: Units of the population that do not meet the rule, sorted by unit id; or a
    #: function that lists them, so that an engine need build them only for a
    #: result that is not met (see `units`).
    failing: tuple[FailingUnit, ...] | Callable[[], tuple[FailingUnit, ...]] = ()

    def units(self) -> tuple[FailingUnit, ...]:
        return self.failing() if callable(self.failing) else self.failing


def judge_counts(rulebook: Rulebook, query: RecordQuery, counts: Counts,
                 district: str | None = None) -> Result:
    """The result of a rule in a year from its two counts.

    The counts are judged as observations of the ``meeting`` and ``total``
    measures, by the engine that judges reported figures (verdict, gap and
    smallest change are the same code); an empty population, or a year the
    log cannot decide, is unknown.
    """
    rule = rulebook[query.rule]
    scope = "district-target" if rule.district_target(district) else rule.scope
    # A district with a target of its own is judged against it.
    rule = (rule.in_district(district) or rule) if district is not None else rule
    where = say("records.in_district", district=district) if district else Text("", "")
    population = query.spec.describe_population()
    if counts.total == 0:
        reason = say("records.empty_population", year=query.year, where=where,
                     population=population)
        return Result(rule, query.year, Verdict.UNKNOWN, reason, district, years=(query.year,),
                      population=0, meeting=0, scope=scope)
    if query.unknown is not None:
        so_far = say("records.so_far", total=counts.total, meeting=counts.meeting)
        reason = (_said(query.unknown_said, so_far) if query.unknown_said is not None
                  else Text(query.unknown.zh + so_far.zh, query.unknown.en + so_far.en))
        return Result(rule, query.year, Verdict.UNKNOWN, reason, district, years=(query.year,),
                      population=counts.total, meeting=None, scope=scope)
    values = {query.meeting: Fraction(counts.meeting), query.total: Fraction(counts.total)}
    result = judge_year(rulebook, rule, query.year, values, district=district,
                        origin="records")
    failing = counts.units() if result.verdict is Verdict.NOT_MET else ()
    return attrs.evolve(result, reason=say("records.tally", total=counts.total,
                                           meeting=counts.meeting, reason=result.reason),
                        population=counts.total, meeting=counts.meeting,
                        failing_units=failing, scope=scope)

