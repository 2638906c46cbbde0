"""The reference engine: judging reported figures exactly, in three-valued logic.

For each rule (and each district the dataset names) the engine

1. picks the years the rule is judged in, from its aggregation;
2. takes each measure the requirement needs from the dataset: computed from the
   counts in its formula when all of them are reported (exact, and it lets the
   engine say which count must change), else the value reported for it;
3. judges the compiled predicate with exact rationals: a missing value or a
   zero denominator makes the result unknown, never met and never zero;
4. works out the gap to a single threshold and, from counts, the smallest
   change to one count that would meet the rule.
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from fractions import Fraction
from typing import Any, Literal, NamedTuple, TypeAlias

import attrs

from ._data import Dataset, Observation
from ._errors import DataError, Problem
from ._expr import NEGATED, format_number, format_short
from ._forms import Condition, Form, Outcome, Predicate, Truth, compare, judge, names_of
from ._model import Aggregation, Lang, Measure, Rule, Rulebook, Target, Text
from ._observe import judged
from ._plausible import agrees, doubtful, implausible
from ._rollup import Derivation, Rollup, roll_up

__all__ = [
    "SOURCES",
    "Change",
    "DataInput",
    "Evaluation",
    "FailingUnit",
    "Reconciliation",
    "Result",
    "SourceKind",
    "Verdict",
    "combined",
    "evaluate",
    "expansion",
    "judge_year",
    "judge_years",
    "merge",
    "observe_year",
    "year_span",
]

#: A `Dataset`, a mapping of measure to value, or anything `read_dataset` reads
#: (a file, a DataFrame, an Arrow table, a list of dicts).
DataInput: TypeAlias = Dataset | Mapping[str, object] | Any
#: What a result was judged from (not to be confused with a rule's `Source`, where
#: the plan states it).
SourceKind: TypeAlias = Literal["figures", "records"]
SOURCES: Mapping[SourceKind, Text] = {
    "figures": Text("报告数据", "reported figures"),
    "records": Text("记录", "records"),
}


class Verdict(enum.Enum):
    """Whether a rule is met; ``UNKNOWN`` when the data cannot decide."""

    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"

    def label(self, lang: Lang = "en") -> str:
        return _VERDICT_LABELS[self].get(lang)


_VERDICT_LABELS = {
    Verdict.MET: Text("达标", "met"),
    Verdict.NOT_MET: Text("未达标", "not met"),
    Verdict.UNKNOWN: Text("无法判定", "unknown"),
}
_FROM_TRUTH = {
    Truth.TRUE: Verdict.MET, Truth.FALSE: Verdict.NOT_MET, Truth.UNKNOWN: Verdict.UNKNOWN,
}


@attrs.frozen
class Change:
    """The smallest change to one reported count that alone would meet a rule."""

    measure: str
    name: Text
    observed: Fraction
    needed: Fraction
    #: ``needed`` itself does not suffice: the value must exceed it.
    strict: bool = False

    @property
    def delta(self) -> Fraction:
        return self.needed - self.observed

    def describe(self, lang: Lang = "en") -> str:
        delta = format_number(self.delta)
        if lang == "zh":
            bound = "超过" if self.strict else ""
            return (f"{self.name.zh}需{bound}增加 {delta}"
                    f"({format_number(self.observed)} → {format_number(self.needed)})")
        more = "more than " if self.strict else ""
        return (f"{more}{delta} more {self.name.en.lower()} "
                f"({format_number(self.observed)} → {format_number(self.needed)})")



def combined(verdicts: Iterable[Verdict]) -> Verdict:
    """Several verdicts as one: not met if any is, else unknown if any is (or
    there are none), else met."""
    found = set(verdicts)
    if Verdict.NOT_MET in found:
        return Verdict.NOT_MET
    if Verdict.UNKNOWN in found or not found:
        return Verdict.UNKNOWN
    return Verdict.MET


def year_span(years: Sequence[int]) -> str:
    """``2025``, or ``2023–2025`` for several years (in order)."""
    return f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])

class FailingUnit(NamedTuple):
    """A unit of a records rule's population that does not meet it, and what it needs.

    A named tuple, not an attrs class: an engine may list tens of thousands.
    """

    unit: str
    name: str
    district: str | None
    needs: Text
    #: How many more inspections the unit needs; ``None`` for a flag.
    more: int | None = None


@attrs.frozen
class Result:
    """How one rule fared in one year (and district)."""

    rule: Rule = attrs.field(repr=False)
    year: int
    verdict: Verdict
    reason: Text
    district: str | None = None
    observed: Fraction | None = None
    gap: Fraction | None = None
    changes: tuple[Change, ...] = ()
    #: The values the verdict was computed from, by measure id.
    inputs: Mapping[str, Fraction] = attrs.field(factory=dict, repr=False)
    years: tuple[int, ...] = ()
    #: A sum or average over years: each year's values read (counts and the
    #: reported shares that their counts contradict), for judging it again
    #: (`judge_years`); empty for one year.
    yearly: Mapping[int, Mapping[str, Fraction]] = attrs.field(factory=dict, repr=False)
    #: Judged from records: the units in the population, and those meeting the
    #: rule (``None`` when the records cannot decide); else both ``None``.
    population: int | None = None
    meeting: int | None = None
    #: Judged from records and not met: the units that do not meet it.
    failing_units: tuple[FailingUnit, ...] = attrs.field(default=(), repr=False)
    #: Judged from records: the rejected rows that bear on it, as (table kind,
    #: row): ``("register", 7)``. The result is unknown when they could change it.
    rejected_rows: tuple[tuple[str, int], ...] = attrs.field(default=(), repr=False)
    #: Where the rule applies (its ``scope``), or ``district-target`` when the
    #: district was judged against a target of its own.
    scope: str = "city"
    #: City values the result used that were derived as sums of the districts'.
    derived: tuple[Derivation, ...] = ()
    #: What the verdict was judged from: reported figures, or records (a register
    #: and an inspection log).
    source: SourceKind = "figures"
    #: When figures and records both judge the rule in the year (and district)
    #: and do not agree: what the other gave (see `merge`).
    disagreement: Text | None = None

    @property
    def rule_id(self) -> str:
        return self.rule.id

    @property
    def target(self) -> Target | None:
        return self.rule.target

    @property
    def when(self) -> str:
        """The year judged, or the years a sum or average covers: ``2023–2025``."""
        return year_span(self.years or (self.year,))

    def __str__(self) -> str:
        place = f", {self.district}" if self.district else ""
        return f"{self.rule.id} ({self.year}{place}): {self.verdict.value}: {self.reason.en}"


@attrs.frozen
class Reconciliation:
    """How the rows of one records table were read: ``rows_read == rows_used +
    rows_rejected``; ``problems`` says why each rejected row was (a row may have
    several), ``notes`` what was read but is worth a look."""

    name: str
    kind: str
    rows_read: int
    rows_used: int
    rows_rejected: int
    problems: tuple[Problem, ...] = attrs.field(default=(), repr=False)
    notes: tuple[Text, ...] = attrs.field(default=(), repr=False)


@attrs.frozen
class Evaluation:
    """Every result of judging one dataset, tied to the rulebook that judged it."""

    rulebook: Rulebook = attrs.field(repr=False)
    dataset: str
    results: tuple[Result, ...] = attrs.field(repr=False)
    rows_read: int
    rows_used: int
    unused: tuple[Observation, ...] = attrs.field(repr=False)
    #: The records tables judged, if any: how their rows were read.
    records: tuple[Reconciliation, ...] = ()
    #: What the reader should know of the judgement: city rows that their
    #: districts' rows contradict, results not shown.
    notes: tuple[Text, ...] = ()
    #: How the dataset was read (its encoding, header row, layout).
    dataset_notes: tuple[Text, ...] = attrs.field(default=(), repr=False)
    #: The dataset is a wide sheet: its figures are cells, not rows.
    cells: bool = False

    def __iter__(self) -> Iterator[Result]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    @property
    def version(self) -> str:
        return self.rulebook.version

    @property
    def fingerprint(self) -> str:
        return self.rulebook.fingerprint

    @property
    def verdict(self) -> Verdict:
        """``MET`` only when there are results and every one is met."""
        return combined(r.verdict for r in self.results)

    @property
    def ok(self) -> bool:
        return self.verdict is Verdict.MET

    def counts(self) -> dict[Verdict, int]:
        counts = dict.fromkeys(Verdict, 0)
        for result in self.results:
            counts[result.verdict] += 1
        return counts

    def failures(self) -> tuple[Result, ...]:
        """Results that are not met or unknown."""
        return tuple(r for r in self.results if r.verdict is not Verdict.MET)


def merge(figures: Evaluation, records: Evaluation) -> Evaluation:
    """One evaluation of reported figures and records together.

    Each result judged from records follows the one judged from figures for the
    same rule, year and district, if any; when the two disagree (verdicts that
    are both known and differ, or observed values that differ by more than the
    figure's rounding), each carries a `Result.disagreement` saying what the
    other gave.
    """
    def key(result: Result) -> tuple[str, int, str | None]:
        return (result.rule.id, result.year, result.district)

    pending: dict[tuple[str, int, str | None], list[Result]] = {}
    for result in records.results:
        pending.setdefault(key(result), []).append(result)
    results: list[Result] = []
    for figure in figures.results:
        judged = [figure]
        for other in pending.pop(key(figure), []):
            if _disagree(figure, other):
                judged[0] = attrs.evolve(judged[0], disagreement=_gave(other))
                judged.append(attrs.evolve(other, disagreement=_gave(figure)))
            else:
                judged.append(other)
        results.extend(judged)
    results.extend(r for rs in pending.values() for r in rs)
    return attrs.evolve(figures, results=tuple(results),
                        records=figures.records + records.records)


def _disagree(figure: Result, other: Result) -> bool:
    """Verdicts both known and different, or observed values that differ by more
    than the figure's rounding (a reported 98.6 agrees with 493 of 500 units)."""
    known = Verdict.UNKNOWN not in (figure.verdict, other.verdict)
    if known and figure.verdict is not other.verdict:
        return True
    return figure.observed is not None and other.observed is not None \
        and not agrees(figure.observed, other.observed)


def _gave(result: Result) -> Text:
    """What a result gave, for the note on the other: ``the records give: not met,
    72.73 (8/11)``."""
    shown = "" if result.observed is None else format_short(result.observed)
    if result.population is not None and result.meeting is not None:
        shown += f" ({result.meeting}/{result.population})"
    source = SOURCES[result.source]
    zh = f"{source.zh}得出:{result.verdict.label('zh')}" + (f" {shown}" if shown else "")
    en = (f"the {source.en} give: {result.verdict.label('en')}"
          + (f", {shown.strip()}" if shown else ""))
    return Text(zh, en)


# -- the engine ---------------------------------------------------------------

_Table: TypeAlias = dict[int, dict[str, Observation]]


def evaluate(
    rulebook: Rulebook,
    data: DataInput,
    *,
    year: int | None = None,
    rules: tuple[Rule, ...] | list[Rule] | None = None,
    strict: bool = False,
) -> Evaluation:
    """Judge ``data`` against ``rules`` (default: all) of ``rulebook``.

    A figure outside its measure's bounds or relations is a `DataError`, never
    judged; with ``strict``, so is a doubtful one (a reported share that its
    counts contradict).
    """
    if isinstance(data, Dataset):
        if year is not None:
            raise TypeError("year= is for a mapping of values; a dataset gives its own years")
        dataset = data
    else:
        dataset = Dataset.from_mapping(
            rulebook, data, year=year if year is not None else rulebook.period.end.year
        )
    # A dataset read by read_dataset was checked as it was read; one built by hand
    # is checked here, so that no path judges an impossible figure.
    problems = implausible(rulebook, dataset.observations, dataset.name)
    if strict:
        problems += doubtful(rulebook, dataset.observations, dataset.name)
    if problems:
        raise DataError(dataset.name, problems)
    # The city's rows are those reported for it and those its districts' rows add up to.
    # Every district the rulebook names (in plan.toml, or with a target of its
    # own) must report before its districts' rows add up to the city's.
    named = (*rulebook.districts, *(d for rule in rulebook.rules for d, _ in rule.districts))
    rollup = roll_up(rulebook.measures, dataset, named, complete=bool(rulebook.districts))
    reported = [o for o in dataset.observations if o.district is None]
    city = rollup.city_rows(reported)
    # A sum is a figure too: one beyond its measure's bounds is not judged.
    problems = implausible(rulebook, city[len(reported):], dataset.name)
    if problems:
        raise DataError(dataset.name, problems)
    tables: dict[str | None, _Table] = {None: {}}
    for observation in [*city, *(o for o in dataset.observations if o.district is not None)]:
        table = tables.setdefault(observation.district, {})
        table.setdefault(observation.year, {})[observation.measure] = observation
    chosen = tuple(rulebook.rules if rules is None else rules)
    # A dataset by district: every district known is judged, on no rows if it has none.
    for name in rollup.districts:
        tables.setdefault(name, {})
    used: set[Observation] = set()
    results = []
    for district in sorted(tables, key=lambda d: (d is not None, d or "")):
        table = tables[district]
        frames: dict[int, _Frame] = {}  # shared by every rule's judge of this district
        for rule in chosen:
            # The city is judged on every rule; a district on those that apply to it.
            local = rule if district is None else rule.in_district(district)
            if local is None:
                continue
            scope = "district-target" if rule.district_target(district) else rule.scope
            judge = _Judge(rulebook, local, table, district, used, frames,
                           rollup if district is None else Rollup(), scope)
            results.extend(judge.results())
    # A derived row stands for the district rows it sums.
    for derivation in rollup.derived.values():
        derived = Observation(derivation.measure, derivation.year, derivation.value, None,
                              derivation.describe())
        if derived in used:
            used.update(derivation.sources)
    unused = tuple(o for o in dataset.observations if o not in used)
    return judged(Evaluation(rulebook, dataset.name, tuple(results), dataset.rows_read,
                             dataset.rows_read - len(unused), unused,
                             notes=rollup.notes(), dataset_notes=dataset.notes,
                             cells=dataset.cells))


def judge_year(rulebook: Rulebook, rule: Rule, year: int, values: Mapping[str, Fraction], *,
               district: str | None = None, origin: str = "") -> Result:
    """Judge one rule in one year on the given measure values (counts from records,
    say), exactly as if a dataset had reported them."""
    return _year_judge(rulebook, rule, year, values, district, origin).single_year(year)


def judge_years(rulebook: Rulebook, rule: Rule, years: Sequence[int],
                yearly: Mapping[int, Mapping[str, Fraction]], *,
                district: str | None = None) -> Result:
    """Judge a sum or average over ``years`` on each year's values (a result's
    `Result.yearly`), exactly as the engine judged it: every reading of the
    shares that their counts contradict included."""
    table = {year: {m: Observation(m, year, v, district, "") for m, v in values.items()}
             for year, values in yearly.items()}
    span = range(years[0], years[-1] + 1)
    return _Judge(rulebook, rule, table, district, set()).over_years(span)


def observe_year(rulebook: Rulebook, rule: Rule, year: int, values: Mapping[str, Fraction], *,
                 district: str | None = None) -> Fraction | None:
    """The value of the rule's measure in one year on the given values (computed
    from its formula where its inputs are given): `judge_year`'s ``observed``,
    without the judging."""
    judge = _year_judge(rulebook, rule, year, values, district, "")
    known, env = judge.frame(year)
    return judge.observed(judge.expansion(known), env)


def _year_judge(rulebook: Rulebook, rule: Rule, year: int, values: Mapping[str, Fraction],
                district: str | None, origin: str) -> _Judge:
    row = {m: Observation(m, year, v, district, origin) for m, v in values.items()}
    # The target in force at the end of the year (the latest one if the rule was not
    # in force then: the records layer asks only for years it judges).
    stood = rule.at(dt.date(year, 12, 31)) or rule
    return _Judge(rulebook, stood, {year: row}, district, set())


#: A year's reported values, by measure id, and the values the compiled forms
#: are evaluated with (the same).
_Frame: TypeAlias = tuple[dict[str, Fraction], dict[str, Fraction]]
#: A year's frame and the measures computed from counts in it (`expansion`).
_YearFrame: TypeAlias = tuple[dict[str, Fraction], dict[str, Fraction], frozenset[str]]


@attrs.define
class _Judge:
    rulebook: Rulebook
    rule: Rule
    table: _Table
    district: str | None
    used: set[Observation]
    #: Each year's values (`frame`), worked out once for all the rules judged on
    #: the table; never changed once made.
    frames: dict[int, _Frame] = attrs.field(factory=dict)
    #: For the city: the values derived from its districts, and why others were not.
    rollup: Rollup = attrs.field(factory=Rollup)
    scope: str = "city"

    @property
    def measures(self) -> Mapping[str, Measure]:
        return self.rulebook.measures

    def results(self) -> list[Result]:
        rule = self.rule
        span = rule.span(self.rulebook.period)
        if rule.aggregation is Aggregation.EVERY_YEAR:
            years = [y for y in span if y in self.table] or [span[-1]]
            judged = [(y, self.as_of(dt.date(y, 12, 31))) for y in years]
            return [judge.single_year(y) for y, judge in judged if judge is not None]
        assert rule.due is not None  # the loader requires it
        judge = self.as_of(rule.due)
        if judge is None:
            return []
        if rule.aggregation in (Aggregation.LEVEL, Aggregation.CUMULATIVE):
            return [judge.single_year(rule.due.year)]
        return [judge.over_years(span)]

    def as_of(self, date: dt.date) -> _Judge | None:
        """This judge for the rule as it stood on ``date`` (the last day of the year
        judged, or the due date): data for 2024 is judged by what applied in 2024."""
        stood = self.rule.at(date)
        if stood is None:
            return None
        return self if stood is self.rule else attrs.evolve(self, rule=stood)

    # 1. values ---------------------------------------------------------------

    def frame(self, year: int) -> _Frame:
        """The year's reported values, by measure id."""
        found = self.frames.get(year)
        if found is None:
            row = self.table.get(year, {})
            values = {m: o.value for m, o in row.items() if o.value is not None}
            found = self.frames[year] = (values, values)
        return found

    def expansion(self, values: Mapping[str, Fraction]) -> frozenset[str]:
        """Measures to compute from their formulas: those whose inputs are all there."""
        return expansion(self.rule, self.measures, values)

    def mark_used(self, year: int, names: frozenset[str] | set[str]) -> None:
        row = self.table.get(year, {})
        for name in names:
            if name in row:
                self.used.add(row[name])

    # 2. one year -------------------------------------------------------------

    def single_year(self, year: int) -> Result:
        rule = self.rule
        values, env = self.frame(year)
        expand = self.expansion(values)
        predicate = self.predicate(expand)
        outcome = judge(predicate, env)
        needed = set(names_of(predicate)) | {rule.measure.id}
        self.mark_used(year, needed | expand)
        observed = self.observed(expand, env)
        # Reported shares that their counts contradict: inputs too (the audit judges again).
        doubtful = self.doubtful(year, expand, env)
        needed |= {m for m, _ in doubtful}
        inputs = {m: values[m] for m in sorted(needed) if m in values}
        verdict = _FROM_TRUTH[outcome.truth]
        changes: tuple[Change, ...] = ()
        if (verdict is Verdict.NOT_MET and isinstance(predicate, Condition)
                and rule.measure.id in expand):
            changes = self.smallest_changes(predicate, env, values)
        reason = self.reason(outcome, observed, year, (year,), values, expand)
        notes = self.disagreement(year, expand, observed)
        derived, said = self.from_districts(year, needed | expand, values)
        for note in [*([] if notes is None else [notes]), *said]:
            reason = _joined(reason, note)
        partial = self.partial_sum(verdict, derived)
        doubt = partial or self.two_readings(year, expand, env, outcome, doubtful)
        if partial is not None:
            verdict, reason, changes = Verdict.UNKNOWN, partial, ()
        elif doubt is not None:
            verdict, reason, changes, observed = Verdict.UNKNOWN, doubt, (), None
        return Result(rule, year, verdict, reason, self.district, observed,
                      self.gap(verdict, observed), changes, inputs, (year,),
                      scope=self.scope, derived=derived)

    def partial_sum(self, verdict: Verdict, derived: Sequence[Derivation]) -> Text | None:
        """Why a verdict on city values summed from districts does not hold, if it
        does not. When the rulebook does not list its districts (``plan.toml``'s
        ``districts``), the districts a dataset names may be only some of the
        city's, so a sum is the least the city's value can be (the others can
        only add to a count). A verdict holds for every reading then only when
        the rule is a count's own "at least" target, met by the sum already;
        anything else on a partial sum is unknown, and this says why."""
        if not derived or self.rulebook.districts:
            return None
        rule = self.rule
        own = rule.measure.id
        target = rule.target
        if (verdict is Verdict.MET and target is not None and target.op in (">=", ">")
                and rule.requirement.names == {own} and rule.measure.lower >= 0
                and all(d.measure == own for d in derived)):
            return None
        names = sorted({n for d in derived for n in d.districts})
        return Text(
            f"全市数值由数据所列的 {len(names)} 个区县({'、'.join(names)})合计得出;"
            "规则集未列出全部区县,可能另有区县未报告:只有已达到“不低于”目标的计数合计可以判定"
            "(在 plan.toml 的 districts 中列出全部区县,或报告全市数值)",
            f"the city's value is summed from the {len(names)} districts the dataset names "
            f"({', '.join(names)}); the rulebook does not list its districts, so others may "
            "not have reported: only a count's sum that already meets an 'at least' target "
            "can be judged (list every district in plan.toml's districts, or report the "
            "city's figure)")

    def from_districts(self, year: int, names: Iterable[str], values: Mapping[str, Fraction]
                       ) -> tuple[tuple[Derivation, ...], list[Text]]:
        """The derived city values among ``names`` in ``year``, and what to say of
        the districts' rows: sums that contradict the city's row, and why a
        missing value was not derived from them."""
        rollup = self.rollup
        if not rollup.districts:
            return (), []
        closure: set[str] = set()
        stack = list(names)
        while stack:
            name = stack.pop()
            if name in closure:
                continue
            closure.add(name)
            formula = self.measures[name].formula
            if formula is not None and name not in values:
                stack.extend(formula.names)
        derived = tuple(rollup.derived[(year, m)] for m in sorted(closure)
                        if (year, m) in rollup.derived and m in values)
        said = [rollup.conflicts[(year, m)] for m in sorted(closure)
                if (year, m) in rollup.conflicts and m in values]
        said += [rollup.gaps[(year, m)] for m in sorted(closure)
                 if (year, m) in rollup.gaps and m not in values]
        return derived, said

    def predicate(self, expand: frozenset[str]) -> Predicate:
        """The rule's requirement compiled (`Rulebook.compiled`: no sympy when cached)."""
        return self.rulebook.compiled.predicate(self.measures, self.rule, expand)

    def expression(self, expand: frozenset[str], name: str | None = None) -> Form:
        """A measure (by default the rule's) as a compiled form."""
        return self.rulebook.compiled.expression(
            self.measures, name or self.rule.measure.id, expand, self.rule)

    def observed(self, expand: frozenset[str], env: Mapping[str, Fraction]
                 ) -> Fraction | None:
        try:
            return self.expression(expand).value(env)
        except (KeyError, ZeroDivisionError):
            return None

    def disagreement(self, year: int, expand: frozenset[str], observed: Fraction | None
                     ) -> Text | None:
        """Say so when a reported rate differs from the one its counts give."""
        measure = self.rule.measure
        row = self.table.get(year, {})
        reported = row.get(measure.id)
        if measure.id not in expand or observed is None or reported is None:
            return None
        if reported.value is None or reported.value == observed:
            return None
        r, o = format_number(reported.value), format_short(observed)
        return Text(f"报告值 {r} 与由计数算得的 {o} 不一致,按计数判定",
                    f"the reported {r} differs from {o} computed from the counts; "
                    "judged on the counts")

    def two_readings(self, year: int, expand: frozenset[str],
                     env: Mapping[str, Fraction], outcome: Outcome,
                     doubtful: Sequence[tuple[str, Fraction]]) -> Text | None:
        """When a reported share and its counts disagree beyond rounding, either may
        be the wrong one: a verdict must hold on both readings of every such share
        the requirement reads (its own measure or another; see `doubtful`). If two
        readings give different verdicts, the reason to make the result unknown,
        naming the rows."""
        if len(doubtful) > _MAX_DOUBTFUL:
            return _too_many([(year, n, c) for n, c in doubtful])
        # Each way of reading them: some shares as reported, the others from counts.
        readings = (chosen for size in range(1, len(doubtful) + 1)
                    for chosen in itertools.combinations(doubtful, size))
        for chosen in readings:
            other = judge(self.predicate(expand - {n for n, _ in chosen}), env)
            if other.truth is not outcome.truth:
                return self.readings_text([(year, n, c) for n, c in chosen], other.truth,
                                          outcome.truth, False)
        return None

    def doubtful(self, year: int, expand: frozenset[str],
                 env: Mapping[str, Fraction]) -> list[tuple[str, Fraction]]:
        """The measures computed from counts in ``year`` whose reported value the
        counts contradict (beyond its rounding), each with the value computed
        (the rule's own measure first)."""
        row = self.table.get(year, {})
        found = []
        for name in sorted(expand, key=lambda n: (n != self.rule.measure.id, n)):
            reported = row.get(name)
            if reported is None or reported.value is None:
                continue
            try:
                computed = self.expression(expand, name).value(env)
            except (KeyError, ZeroDivisionError):
                continue
            if not agrees(reported.value, computed):
                found.append((name, computed))
        return found

    # 3. several years --------------------------------------------------------

    def over_years(self, years: range) -> Result:
        rule = self.rule
        names = rule.requirement.names | {rule.measure.id}
        frames = {}
        for year in years:
            values, env = self.frame(year)
            frames[year] = (values, env, self.expansion(values))
        totals, missing, read = self.totals(names, frames, {})
        for year, used in read.items():
            self.mark_used(year, used)
        inputs = dict(totals)
        # Each year's values read, and the reported shares their counts contradict:
        # kept, so that the audit judges every reading again (`judge_years`).
        doubtful = [(year, name, computed) for year, (_, env, expand) in frames.items()
                    for name, computed in self.doubtful(year, expand, env)]
        yearly = {year: {m: frames[year][0][m] for m in sorted(
            read.get(year, set()) | {n for y, n, _ in doubtful if y == year})}
            for year in years}
        derived: list[Derivation] = []
        said: list[Text] = []
        for year in years:
            values, _ = self.frame(year)
            found, notes = self.from_districts(year, names, values)
            derived += found
            said += notes
        outcome = judge(self.predicate(frozenset()), totals)
        observed = totals.get(rule.measure.id)
        verdict = _FROM_TRUTH[outcome.truth]
        if missing:
            reason = _missing_years(self.measures, missing, years, rule.aggregation)
        else:
            reason = self.reason(outcome, observed, years[-1], tuple(years), totals, frozenset())
        for note in said:
            reason = _joined(reason, note)
        partial = self.partial_sum(verdict, derived)
        doubt = None if missing else self.every_reading(names, frames, outcome, doubtful)
        if partial is not None:
            verdict, reason = Verdict.UNKNOWN, partial
        elif doubt is not None:
            verdict, reason, observed = Verdict.UNKNOWN, doubt, None
        return Result(rule, years[-1], verdict, reason, self.district, observed,
                      self.gap(verdict, observed), (), inputs, tuple(years),
                      scope=self.scope, derived=tuple(derived), yearly=yearly)

    def totals(self, names: Iterable[str], frames: Mapping[int, _YearFrame],
               reported: Mapping[int, frozenset[str]]
               ) -> tuple[dict[str, Fraction], dict[str, list[int]], dict[int, set[str]]]:
        """Each measure's sum (or average) over the years of ``frames``, those
        computed from counts except the ``reported`` ones of each year (read as
        reported); the years each measure lacks; the measures read in each year."""
        totals: dict[str, Fraction] = {}
        missing: dict[str, list[int]] = {}
        read: dict[int, set[str]] = {}
        for name in sorted(names):
            yearly = []
            for year, (_, env, expand) in frames.items():
                expr = self.expression(expand - reported.get(year, frozenset()), name)
                try:
                    yearly.append(expr.value(env))
                    read.setdefault(year, set()).update(expr.names)
                except (KeyError, ZeroDivisionError):
                    missing.setdefault(name, []).append(year)
            if name not in missing:
                total = sum(yearly, Fraction(0))
                if self.rule.aggregation is Aggregation.ANNUAL_AVERAGE:
                    total /= len(frames)
                totals[name] = total
        return totals, missing, read

    def every_reading(self, names: Iterable[str], frames: Mapping[int, _YearFrame],
                      outcome: Outcome, doubtful: Sequence[tuple[int, str, Fraction]]
                      ) -> Text | None:
        """`two_readings` over several years: the sums (or averages) for each way
        of reading the shares their counts contradict, in any of the years, as
        reported or from the counts. If two readings give different verdicts,
        the reason to make the result unknown, naming the rows."""
        if len(doubtful) > _MAX_DOUBTFUL:
            return _too_many(doubtful)
        predicate = self.predicate(frozenset())
        for size in range(1, len(doubtful) + 1):
            for chosen in itertools.combinations(doubtful, size):
                reported: dict[int, frozenset[str]] = {}
                for year, name, _ in chosen:
                    reported[year] = reported.get(year, frozenset()) | {name}
                totals, missing, _ = self.totals(names, frames, reported)
                other = judge(predicate, totals)
                if not missing and other.truth is not outcome.truth:
                    return self.readings_text(chosen, other.truth, outcome.truth, True)
        return None

    def readings_text(self, chosen: Sequence[tuple[int, str, Fraction]], mine: Truth,
                      theirs: Truth, years: bool) -> Text:
        """Why a result is unknown: the shares reported, ``chosen`` as (year,
        measure, value from counts), give one verdict (``mine``), their counts
        another (``theirs``); naming the rows (and the years when ``years``)."""
        own = self.rule.measure.id
        origins = []
        for year, name, _ in chosen:
            row = self.table.get(year, {})
            formula = self.measures[name].formula
            origins += [row[name].origin] + [row[n].origin for n in sorted(
                formula.names if formula is not None else ()) if n in row]
        where = _rows_text([o for o in dict.fromkeys(origins) if o])

        def listed(lang: Lang, counted: bool) -> str:
            parts = []
            for year, name, computed in chosen:
                value = format_short(computed) if counted else format_number(
                    self.table[year][name].value or Fraction(0))
                when = "" if not years else f"({year} 年)" if lang == "zh" else f" in {year}"
                parts.append(("" if name == own else f"{name} = ") + value + when)
            return ", ".join(parts)

        r_zh, r_en, o_zh, o_en = (listed("zh", False), listed("en", False),
                                  listed("zh", True), listed("en", True))
        one, other = _FROM_TRUTH[mine], _FROM_TRUTH[theirs]
        return Text(
            f"报告值 {r_zh} 为{one.label('zh')},由计数算得 {o_zh},为{other.label('zh')};"
            f"两者必有一误,无法判定({where}),请更正其一",
            f"the reported {r_en} would be {one.label()}, its counts give {o_en}, "
            f"{other.label()}: one of them is wrong ({where}); correct it")

    # 4. gap and smallest change ---------------------------------------------

    def gap(self, verdict: Verdict, observed: Fraction | None) -> Fraction | None:
        target = self.rule.target
        if target is None or observed is None or verdict is Verdict.UNKNOWN:
            return None
        if verdict is Verdict.MET:
            return Fraction(0)
        if target.op in (">=", ">"):
            return target.value - observed
        if target.op in ("<=", "<"):
            return observed - target.value
        if target.op == "==":
            return abs(observed - target.value)
        return None

    def smallest_changes(
        self, condition: Condition, env: Mapping[str, Fraction],
        values: Mapping[str, Fraction],
    ) -> tuple[Change, ...]:
        """For each input, the smallest increase that alone meets the condition.

        The integer form is linear in each count, ``a*v + b op 0``, so the bound
        is ``-b/a`` (the compiler worked out ``a`` and ``b``: an input the form is
        not linear in gets no closed form); each answer is checked by judging the
        condition again.
        """
        changes = []
        for name, a_form, b_form in condition.linear:
            try:
                a = a_form.value(env)
                b = b_form.value(env)
                current = env[name]
            except (KeyError, ZeroDivisionError):
                continue
            integer = self.measures[name].unit.integer
            needed = _least_increase(condition.op, a, b, current, integer)
            if needed is None:
                continue
            value, strict = needed
            trial = {**env, name: value if not strict else value + _just_above(value)}
            if judge(condition, trial).truth is not Truth.TRUE:
                continue
            measure = self.measures[name]
            changes.append(Change(measure.id, measure.name, current, value, strict))
        return tuple(changes)

    # 5. words ----------------------------------------------------------------

    def reason(self, outcome: Outcome, observed: Fraction | None, year: int,
               years: tuple[int, ...], values: Mapping[str, Fraction],
               expand: frozenset[str]) -> Text:
        rule = self.rule
        when = year_span(years)
        if outcome.truth is Truth.UNKNOWN:
            if outcome.zero_denominator:
                return Text(f"{when} 年{rule.measure.name.zh}的分母为 0,无法计算",
                            f"{rule.measure.name.en} cannot be computed for {when}: "
                            "its denominator is 0")
            names = sorted(outcome.missing)
            return _missing_values(self.measures, names, when)
        target = rule.target
        shown = format_short(observed) if observed is not None else "?"
        if target is None:
            inputs = ", ".join(f"{m} = {format_short(v)}" for m, v in sorted(values.items())
                               if m in rule.requirement.names)
            word = ("满足", "holds") if outcome.truth is Truth.TRUE else ("不满足", "does not hold")
            return Text(f"{rule.requirement.text} {word[0]}({inputs})",
                        f"{rule.requirement.text} {word[1]} ({inputs})")
        relation = _relation(observed, target) if observed is not None else target.op
        return Text(f"{when} 年观测值 {shown} {relation} 目标 {format_number(target.value)}",
                    f"observed {shown} in {when} {relation} target {format_number(target.value)}")


def expansion(rule: Rule, measures: Mapping[str, Measure], values: Mapping[str, Fraction]
              ) -> frozenset[str]:
    """The measures a rule's judging computes from their formulas for one year's
    ``values``: those whose formula's inputs are all given (or computed in turn).
    The engine and the audit's re-judging (`_replay`) both take it from here."""
    expand: set[str] = set()

    def available(name: str) -> bool:
        formula = measures[name].formula
        if formula is not None and all(available(n) for n in formula.names):
            expand.add(name)
            return True
        return name in values

    for name in rule.requirement.names | {rule.measure.id}:
        available(name)
    return frozenset(expand)


def _joined(reason: Text, note: Text) -> Text:
    return Text(f"{reason.zh};{note.zh}", f"{reason.en}; {note.en}")


def _just_above(value: Fraction) -> Fraction:
    # A strict bound on a continuous input has no least value; probe just above it.
    return Fraction(1, 10**6) * max(Fraction(1), abs(value))


def _least_increase(op: str, a: Fraction, b: Fraction, current: Fraction, integer: bool
                    ) -> tuple[Fraction, bool] | None:
    """The least ``v > current`` with ``a*v + b op 0``, as ``(v, strict)``."""
    if a == 0:
        return None
    bound = -b / a
    # Which side of the bound satisfies the comparison.
    if op in (">=", ">"):
        lower, strict = a > 0, op == ">"
    elif op in ("<=", "<"):
        lower, strict = a < 0, op == "<"
    elif op == "==":
        if bound <= current or (integer and bound.denominator != 1):
            return None
        return bound, False
    else:
        return None
    if not lower:
        return None  # only a decrease would do; qrules advises doing more, not less
    if integer:
        value = Fraction(math.floor(bound) + 1) if strict else Fraction(math.ceil(bound))
        strict = False
    else:
        value = bound
    if value <= current:
        return None
    return value, strict


def _relation(observed: Fraction, target: Target) -> str:
    return target.op if compare(target.op, observed - target.value) else NEGATED[target.op]


#: The most shares read both ways in one result (2^n readings are judged); a
#: result with more is unknown.
_MAX_DOUBTFUL = 8


def _too_many(doubtful: Sequence[tuple[int, str, Fraction]]) -> Text:
    shown = ", ".join(f"{name} ({year})" for year, name, _ in doubtful[:10])
    return Text(f"{len(doubtful)} 个报告值与其计数不一致({shown}),读法过多,无法判定;"
                "请更正报告值或计数",
                f"{len(doubtful)} reported values differ from their counts ({shown}): too "
                "many readings to judge; correct the figures or the counts")


def _rows_text(origins: Sequence[str]) -> str:
    """Rows as ``figures.csv: row 2, row 3``: each file named once."""
    by_file: dict[str, list[str]] = {}
    for origin in origins:
        file, sep, row = origin.rpartition(": ")
        by_file.setdefault(file if sep else "", []).append(row)
    return "; ".join(f"{file}: {', '.join(rows)}" if file else ", ".join(rows)
                     for file, rows in by_file.items())


def _missing_values(measures: Mapping[str, Measure], names: list[str], when: str) -> Text:
    en, zh = [], []
    for name in names:
        measure = measures[name]
        formula = measure.formula
        if formula is None:
            en.append(name)
            zh.append(f"{measure.name.zh}({name})")
        else:
            inputs = ", ".join(sorted(formula.names))
            en.append(f"{name} (nor all of {inputs}, which it is computed from)")
            zh.append(f"{measure.name.zh}({name},或计算它所需的 {inputs})")
    return Text(f"缺少 {when} 年的数据:{'、'.join(zh)}",
                f"no value for {'; '.join(en)} in {when}")


def _missing_years(measures: Mapping[str, Measure], missing: Mapping[str, list[int]],
                   years: range, aggregation: Aggregation) -> Text:
    how = ("sum", "合计") if aggregation is Aggregation.NEW else ("average", "平均")
    parts_en = [f"{n} in {', '.join(map(str, ys))}" for n, ys in sorted(missing.items())]
    parts_zh = [f"{measures[n].name.zh}({n})缺 {'、'.join(map(str, ys))} 年"
                for n, ys in sorted(missing.items())]
    span = year_span(years)
    return Text(f"{span} 年{how[1]}需要每年的数据:{';'.join(parts_zh)}",
                f"the {how[0]} over {span} needs every year; no value for {'; '.join(parts_en)}")
