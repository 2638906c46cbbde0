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
import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, TypeAlias

import attrs

from ._data import Observation
from ._errors import DataError, Problem
from ._expr import NEGATED, format_number, format_short
from ._forms import Condition, Form, Outcome, Predicate, Truth, compare, judge, names_of
from ._messages import joined, listed, say
from ._model import Aggregation, Measure, Rule, Target, Text
from ._observe import judged
from ._plausible import agrees, doubtful, implausible
from ._results import Change, Evaluation, Result, Verdict, year_span
from ._rollup import Derivation, Rollup, contradiction, roll_up

if TYPE_CHECKING:
    from ._figures import Dataset
    from ._rulebook import Rulebook

__all__ = [
    "expansion",
    "judge_figures",
    "judge_year",
    "judge_years",
    "observe_year",
]

_FROM_TRUTH = {
    Truth.TRUE: Verdict.MET,
    Truth.FALSE: Verdict.NOT_MET,
    Truth.UNKNOWN: Verdict.UNKNOWN,
}


# -- the engine ---------------------------------------------------------------

_FiguresByYear: TypeAlias = dict[int, dict[str, Observation]]


def judge_figures(
    rulebook: Rulebook,
    dataset: Dataset,
    *,
    rules: tuple[Rule, ...] | list[Rule] | None = None,
    strict: bool = False,
) -> Evaluation:
    """Judge a dataset against ``rules`` (default: all) of ``rulebook``
    (`Rulebook.evaluate` reads the data into the dataset first).

    A figure outside its measure's bounds or relations is a `DataError`, never
    judged; with ``strict``, so is a doubtful one (a reported share that its
    counts contradict).
    """
    # A dataset read by read_dataset was checked as it was read; one built by hand
    # is checked here, so that no path judges an impossible figure.
    problems = _unreadable(rulebook, dataset.observations, dataset.name)
    problems += implausible(rulebook, dataset.observations, dataset.name)
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
    problems = implausible(rulebook, city[len(reported) :], dataset.name)
    if problems:
        raise DataError(dataset.name, problems)
    tables: dict[str | None, _FiguresByYear] = {None: {}}
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
            judge = _Judge(
                rulebook,
                local,
                table,
                district,
                used,
                frames,
                rollup if district is None else Rollup(),
                scope,
            )
            results.extend(judge.results())
    # A derived row stands for the district rows it sums.
    for derivation in rollup.derived.values():
        derived = Observation(
            derivation.measure, derivation.year, derivation.value, None, derivation.describe()
        )
        if derived in used:
            used.update(derivation.sources)
    unused = tuple(o for o in dataset.observations if o not in used)
    return judged(
        Evaluation(
            rulebook,
            dataset.name,
            tuple(results),
            dataset.rows_read,
            dataset.rows_read - len(unused),
            unused,
            notes=rollup.notes(),
            dataset_notes=dataset.notes,
            cells=dataset.cells,
        )
    )


def judge_year(
    rulebook: Rulebook,
    rule: Rule,
    year: int,
    values: Mapping[str, Fraction],
    *,
    district: str | None = None,
    origin: str = "",
    contradicted: Mapping[int, Mapping[str, Fraction]] | None = None,
    derived: Mapping[int, Mapping[str, tuple[str, ...]]] | None = None,
) -> Result:
    """Judge one rule in one year on the given measure values (counts from records,
    say), exactly as if a dataset had reported them; ``contradicted``: the
    districts' sums that contradicted city values (`Result.contradicted`);
    ``derived``: the city values that were sums of districts (`Result.derived`)."""
    judge = _year_judge(rulebook, rule, year, values, district, origin)
    if contradicted or derived:
        rollup = _districts_read(rulebook, judge.table, contradicted, derived)
        judge = attrs.evolve(judge, rollup=rollup)
    return judge.single_year(year)


def judge_years(
    rulebook: Rulebook,
    rule: Rule,
    years: Sequence[int],
    yearly: Mapping[int, Mapping[str, Fraction]],
    *,
    district: str | None = None,
    contradicted: Mapping[int, Mapping[str, Fraction]] | None = None,
    derived: Mapping[int, Mapping[str, tuple[str, ...]]] | None = None,
) -> Result:
    """Judge a sum or average over ``years`` on each year's values (a result's
    `Result.yearly`), exactly as the engine judged it: every reading of the
    shares that their counts contradict included, and of the city values that
    their districts' sums contradict (``contradicted``)."""
    table = {
        year: {m: Observation(m, year, v, district, "") for m, v in values.items()}
        for year, values in yearly.items()
    }
    span = range(years[0], years[-1] + 1)
    rollup = _districts_read(rulebook, table, contradicted, derived)
    return _Judge(rulebook, rule, table, district, None, rollup=rollup).over_years(span)


def observe_year(
    rulebook: Rulebook,
    rule: Rule,
    year: int,
    values: Mapping[str, Fraction],
    *,
    district: str | None = None,
) -> Fraction | None:
    """The value of the rule's measure in one year on the given values (computed
    from its formula where its inputs are given): `judge_year`'s ``observed``,
    without the judging."""
    judge = _year_judge(rulebook, rule, year, values, district, "")
    known, env = judge.frame(year)
    return judge.observed(judge.expansion(known), env)


def _year_judge(
    rulebook: Rulebook,
    rule: Rule,
    year: int,
    values: Mapping[str, Fraction],
    district: str | None,
    origin: str,
) -> _Judge:
    row = {m: Observation(m, year, v, district, origin) for m, v in values.items()}
    # The target in force at the end of the year (the latest one if the rule was not
    # in force then: the records layer asks only for years it judges).
    stood = rule.at(dt.date(year, 12, 31)) or rule
    return _Judge(rulebook, stood, {year: row}, district, None)


#: A year's reported values, by measure id, and the values the compiled forms
#: are evaluated with (the same).
_Frame: TypeAlias = tuple[dict[str, Fraction], dict[str, Fraction]]
#: City values that their districts' rows contradict, by (year, measure): the
#: districts' sum, and the rows (the city's first): `Rollup.contradicting`.
_Contradicted: TypeAlias = Mapping[tuple[int, str], tuple[Fraction, tuple[Observation, ...]]]
#: A year's frame and the measures computed from counts in it (`expansion`).
_YearFrame: TypeAlias = tuple[dict[str, Fraction], dict[str, Fraction], frozenset[str]]


@attrs.define
class _Judge:
    rulebook: Rulebook
    rule: Rule
    table: _FiguresByYear
    district: str | None
    #: The observations judging reads (``None``: not kept, for a judge of
    #: values given, whose observations nobody asks after).
    used: set[Observation] | None
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
        if self.used is None:
            return
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
        if (
            verdict is Verdict.NOT_MET
            and isinstance(predicate, Condition)
            and rule.measure.id in expand
        ):
            changes = self.smallest_changes(predicate, env, values)
        reason = self.reason(outcome, observed, year, (year,), values, expand)
        notes = self.disagreement(year, expand, observed)
        derived, said = self.from_districts(year, needed | expand, values)
        for note in [*([] if notes is None else [notes]), *said]:
            reason = _joined(reason, note)
        partial = self.partial_sum(verdict, derived)
        contradicted = self.contradicted({year: names_of(predicate)})
        doubt = (
            partial
            or self.two_readings(year, expand, env, outcome, doubtful)
            or self.city_readings(
                contradicted,
                {year: env},
                outcome,
                lambda values: judge(predicate, values[year]).truth,
            )
        )
        if partial is not None:
            verdict, reason, changes = Verdict.UNKNOWN, partial, ()
        elif doubt is not None:
            verdict, reason, changes, observed = Verdict.UNKNOWN, doubt, (), None
        return Result(
            rule,
            year,
            verdict,
            reason,
            self.district,
            observed,
            self.gap(verdict, observed),
            changes,
            inputs,
            (year,),
            scope=self.scope,
            derived=derived,
            contradicted=_by_year(contradicted),
        )

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
        if verdict is Verdict.MET and self.rises_with({d.measure for d in derived}):
            return None
        names = sorted({n for d in derived for n in d.districts})
        return say(
            "evaluate.unlisted_districts",
            count=len(names),
            names=listed(names),
        )

    def rises_with(self, measures: Iterable[str]) -> bool:
        """Whether ``measures`` are only the rule's own measure, a count with an
        "at least" target: a verdict of met at a value is met at every larger
        one (a sum over some districts is the least the city's value can be)."""
        rule = self.rule
        target = rule.target
        return (
            target is not None
            and target.op in (">=", ">")
            and rule.requirement.names == {rule.measure.id}
            and rule.measure.lower >= 0
            and set(measures) <= {rule.measure.id}
        )

    def contradicted(self, read: Mapping[int, Iterable[str]]) -> _Contradicted:
        """Of the measures ``read`` in each year, the city values that their
        districts' rows contradict (`Rollup.contradicting`); their rows count
        as used, read to decide the verdict."""
        rollup = self.rollup
        found = {
            (year, m): rollup.contradicting[(year, m)]
            for year, names in read.items()
            for m in sorted(set(names))
            if (year, m) in rollup.contradicting
        }
        if self.used is not None:
            self.used.update(row for _, rows in found.values() for row in rows)
        return found

    def city_readings(
        self,
        found: _Contradicted,
        envs: Mapping[int, Mapping[str, Fraction]],
        outcome: Outcome,
        again: Callable[[Mapping[int, Mapping[str, Fraction]]], Truth],
    ) -> Text | None:
        """When a city's row and its districts' sum disagree (``found``, from
        `contradicted`), either may be the wrong one: a verdict on the city's
        rows must hold on the districts' reading too. ``envs`` holds each
        year's values and ``again`` judges other values of the years. The
        districts' reading puts their sum in place of each city value it
        contradicts; when the rulebook does not list every district, the sum is
        the least the city's value can be, so that reading decides only a
        count's own "at least" target that the sum meets. If the verdict does
        not hold on it, the reason to make the result unknown, naming the rows."""
        if not found:
            return None
        other = again(
            {
                year: {**env, **{m: total for (y, m), (total, _) in found.items() if y == year}}
                for year, env in envs.items()
            }
        )
        holds = other is outcome.truth
        if holds and not self.rollup.complete:
            holds = other is Truth.TRUE and self.rises_with(m for _, m in found)
        if holds:
            return None
        shown = tuple(
            contradiction(
                self.measures[m], year, total, rows[0], _rows_text(rows[1:]), len(rows) - 1
            )
            for (year, m), (total, rows) in sorted(found.items())
        )
        return say("evaluate.city_contradicted", conflicts=joined(shown, say("list.semicolon")))

    def from_districts(
        self, year: int, names: Iterable[str], values: Mapping[str, Fraction]
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
        derived = tuple(
            rollup.derived[(year, m)]
            for m in sorted(closure)
            if (year, m) in rollup.derived and m in values
        )
        said = [
            rollup.conflicts[(year, m)]
            for m in sorted(closure)
            if (year, m) in rollup.conflicts and m in values
        ]
        said += [
            rollup.gaps[(year, m)]
            for m in sorted(closure)
            if (year, m) in rollup.gaps and m not in values
        ]
        return derived, said

    def predicate(self, expand: frozenset[str]) -> Predicate:
        """The rule's requirement compiled (`Rulebook.compiled`: no sympy when cached)."""
        return self.rulebook.compiled.predicate(self.measures, self.rule, expand)

    def expression(self, expand: frozenset[str], name: str | None = None) -> Form:
        """A measure (by default the rule's) as a compiled form."""
        return self.rulebook.compiled.expression(
            self.measures, name or self.rule.measure.id, expand, self.rule
        )

    def observed(self, expand: frozenset[str], env: Mapping[str, Fraction]) -> Fraction | None:
        try:
            return self.expression(expand).value(env)
        except (KeyError, ZeroDivisionError):
            return None

    def disagreement(
        self, year: int, expand: frozenset[str], observed: Fraction | None
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
        return say("evaluate.reported_differs", reported=r, computed=o)

    def two_readings(
        self,
        year: int,
        expand: frozenset[str],
        env: Mapping[str, Fraction],
        outcome: Outcome,
        doubtful: Sequence[tuple[str, Fraction]],
    ) -> Text | None:
        """When a reported share and its counts disagree beyond rounding, either may
        be the wrong one: a verdict must hold on both readings of every such share
        the requirement reads (its own measure or another; see `doubtful`). If two
        readings give different verdicts, the reason to make the result unknown,
        naming the rows."""
        if len(doubtful) > _MAX_DOUBTFUL:
            return _too_many([(year, n, c) for n, c in doubtful])
        # Each way of reading them: some shares as reported, the others from counts.
        readings = (
            chosen
            for size in range(1, len(doubtful) + 1)
            for chosen in itertools.combinations(doubtful, size)
        )
        for chosen in readings:
            other = judge(self.predicate(expand - {n for n, _ in chosen}), env)
            if other.truth is not outcome.truth:
                return self.readings_text(
                    [(year, n, c) for n, c in chosen], other.truth, outcome.truth, False
                )
        return None

    def doubtful(
        self, year: int, expand: frozenset[str], env: Mapping[str, Fraction]
    ) -> list[tuple[str, Fraction]]:
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
        doubtful = [
            (year, name, computed)
            for year, (_, env, expand) in frames.items()
            for name, computed in self.doubtful(year, expand, env)
        ]
        yearly = {
            year: {
                m: frames[year][0][m]
                for m in sorted(read.get(year, set()) | {n for y, n, _ in doubtful if y == year})
            }
            for year in years
        }
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
        contradicted = self.contradicted(read)
        doubt = (
            None
            if missing
            else self.every_reading(names, frames, outcome, doubtful)
            or self.city_readings(
                contradicted,
                {year: env for year, (_, env, _) in frames.items()},
                outcome,
                lambda values: self.summed_again(names, frames, values),
            )
        )
        if partial is not None:
            verdict, reason = Verdict.UNKNOWN, partial
        elif doubt is not None:
            verdict, reason, observed = Verdict.UNKNOWN, doubt, None
        return Result(
            rule,
            years[-1],
            verdict,
            reason,
            self.district,
            observed,
            self.gap(verdict, observed),
            (),
            inputs,
            tuple(years),
            scope=self.scope,
            derived=tuple(derived),
            yearly=yearly,
            contradicted=_by_year(contradicted),
        )

    def summed_again(
        self,
        names: Iterable[str],
        frames: Mapping[int, _YearFrame],
        values: Mapping[int, Mapping[str, Fraction]],
    ) -> Truth:
        """The truth of the requirement on the sums (averages) of other
        ``values`` of each year of ``frames``."""
        other = {year: (v, dict(values[year]), e) for year, (v, _, e) in frames.items()}
        totals, missing, _ = self.totals(names, other, {})
        return Truth.UNKNOWN if missing else judge(self.predicate(frozenset()), totals).truth

    def totals(
        self,
        names: Iterable[str],
        frames: Mapping[int, _YearFrame],
        reported: Mapping[int, frozenset[str]],
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

    def every_reading(
        self,
        names: Iterable[str],
        frames: Mapping[int, _YearFrame],
        outcome: Outcome,
        doubtful: Sequence[tuple[int, str, Fraction]],
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

    def readings_text(
        self, chosen: Sequence[tuple[int, str, Fraction]], mine: Truth, theirs: Truth, years: bool
    ) -> Text:
        """Why a result is unknown: the shares reported, ``chosen`` as (year,
        measure, value from counts), give one verdict (``mine``), their counts
        another (``theirs``); naming the rows (and the years when ``years``)."""
        own = self.rule.measure.id
        origins = []
        for year, name, _ in chosen:
            row = self.table.get(year, {})
            formula = self.measures[name].formula
            origins += [row[name]] + [
                row[n] for n in sorted(formula.names if formula is not None else ()) if n in row
            ]
        where = _rows_text([o for o in dict.fromkeys(origins) if o.origin])

        def listed(counted: bool) -> Text:
            parts = []
            for year, name, computed in chosen:
                value = (
                    format_short(computed)
                    if counted
                    else format_number(self.table[year][name].value or Fraction(0))
                )
                parts.append(
                    say(
                        "evaluate.value_in_year" if years else "evaluate.value",
                        name="" if name == own else f"{name} = ",
                        value=value,
                        year=year,
                    )
                )
            return joined(tuple(parts), say("list.comma_ascii"))

        return say(
            "evaluate.two_readings",
            reported=listed(False),
            mine=_FROM_TRUTH[mine].said(),
            computed=listed(True),
            theirs=_FROM_TRUTH[theirs].said(),
            where=where,
        )

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
        self,
        condition: Condition,
        env: Mapping[str, Fraction],
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
                a = a_form.exact(env)
                b = b_form.exact(env)
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

    def reason(
        self,
        outcome: Outcome,
        observed: Fraction | None,
        year: int,
        years: tuple[int, ...],
        values: Mapping[str, Fraction],
        expand: frozenset[str],
    ) -> Text:
        rule = self.rule
        when = year_span(years)
        if outcome.truth is Truth.UNKNOWN:
            if outcome.zero_denominator:
                return say("evaluate.zero_denominator", when=when, measure=rule.measure.name)
            names = sorted(outcome.missing)
            return _missing_values(self.measures, names, when)
        target = rule.target
        shown = format_short(observed) if observed is not None else "?"
        if target is None:
            inputs = listed(
                f"{m} = {format_short(v)}"
                for m, v in sorted(values.items())
                if m in rule.requirement.names
            )
            return say(
                "evaluate.holds" if outcome.truth is Truth.TRUE else "evaluate.does_not_hold",
                requirement=rule.requirement.text,
                inputs=inputs,
            )
        relation = _relation(observed, target) if observed is not None else target.op
        return say(
            "evaluate.observed",
            when=when,
            observed=shown,
            relation=relation,
            target=format_number(target.value),
        )


def expansion(
    rule: Rule, measures: Mapping[str, Measure], values: Mapping[str, Fraction]
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


def _unreadable(
    rulebook: Rulebook, observations: Sequence[Observation], file: str
) -> list[Problem]:
    """What `read_dataset` refuses that a dataset built by hand may hold: a
    measure the rulebook does not have (never judged, so its rule read no
    value), and a measure given twice for a year and district (the table keeps
    one: the other reading may give another verdict)."""
    problems: list[Problem] = []
    first: dict[tuple[str, int, str | None], tuple[int, Observation]] = {}

    def place(item: int, observation: Observation) -> Text:
        # Where it was read, else its place among the observations (from 1):
        # said only for a problem (most datasets have none).
        return observation.said_origin() if observation.origin else say("where.item", item=item)

    for item, observation in enumerate(observations, start=1):
        if observation.measure not in rulebook.measures:
            problems.append(
                Problem(
                    file,
                    say("figures.unknown_measure", text=observation.measure, rulebook=rulebook.id),
                    place(item, observation),
                )
            )
            continue
        key = (observation.measure, observation.year, observation.district)
        if key in first:
            problems.append(
                Problem(
                    file,
                    say(
                        "figures.twice_district" if observation.district else "figures.twice",
                        measure=observation.measure,
                        year=observation.year,
                        district=observation.district,
                        first=place(*first[key]),
                    ),
                    place(item, observation),
                )
            )
        else:
            first[key] = (item, observation)
    return problems


def _by_year(found: _Contradicted) -> dict[int, dict[str, Fraction]]:
    """The districts' sums of ``found``, by year and measure (`Result.contradicted`)."""
    sums: dict[int, dict[str, Fraction]] = {}
    for (year, measure), (total, _) in sorted(found.items()):
        sums.setdefault(year, {})[measure] = total
    return sums


def _districts_read(
    rulebook: Rulebook,
    table: _FiguresByYear,
    contradicted: Mapping[int, Mapping[str, Fraction]] | None,
    derived: Mapping[int, Mapping[str, tuple[str, ...]]] | None = None,
) -> Rollup:
    """The districts' reading a result was judged on (`Result.contradicted`),
    for judging it again on its inputs: each sum against the city's value; and
    the city values that were sums of districts (`Result.derived`: by year,
    measure and the districts summed), judged as such sums again."""
    found = {
        (year, m): (total, (table[year][m],))
        for year, sums in (contradicted or {}).items()
        for m, total in sums.items()
        if m in table.get(year, {})
    }
    sums = {
        (year, m): Derivation(m, year, table[year][m].value or Fraction(0), names, ())
        for year, summed in (derived or {}).items()
        for m, names in summed.items()
        if m in table.get(year, {}) and table[year][m].value is not None
    }
    districts = tuple(sorted({n for d in sums.values() for n in d.districts}))
    return Rollup(districts, sums, contradicting=found, complete=bool(rulebook.districts))


def _joined(reason: Text, note: Text) -> Text:
    return say("evaluate.and_note", reason=reason, note=note)


def _just_above(value: Fraction) -> Fraction:
    # A strict bound on a continuous input has no least value; probe just above it.
    return Fraction(1, 10**6) * max(Fraction(1), abs(value))


def _least_increase(
    op: str, a: int | Fraction, b: int | Fraction, current: Fraction, integer: bool
) -> tuple[Fraction, bool] | None:
    """The least ``v > current`` with ``a*v + b op 0``, as ``(v, strict)``."""
    if a == 0:
        return None
    # The bound -b/a, exact: two ints divide into a Fraction (``/``: a float).
    bound = Fraction(-b, a) if isinstance(a, int) and isinstance(b, int) else Fraction(-b) / a
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
    # The sign of observed - target, without making the difference.
    sign = (observed > target.value) - (observed < target.value)
    return target.op if compare(target.op, sign) else NEGATED[target.op]


#: The most shares read both ways in one result (2^n readings are judged); a
#: result with more is unknown.
_MAX_DOUBTFUL = 8


def _too_many(doubtful: Sequence[tuple[int, str, Fraction]]) -> Text:
    shown = listed((f"{name} ({year})" for year, name, _ in doubtful), most=10)
    return say("evaluate.too_many_readings", count=len(doubtful), shown=shown)


def _rows_text(observations: Sequence[Observation]) -> Text:
    """The rows of ``observations`` as ``figures.csv: row 2, row 3``: each file named once."""
    by_file: dict[str, list[Text]] = {}
    for observation in observations:
        if observation.place is not None:
            file, where = observation.place
        else:
            file, sep, row = observation.origin.rpartition(": ")
            file, where = (file if sep else ""), say("data.value", value=row)
        by_file.setdefault(file, []).append(where)
    files = tuple(
        say("figures.origin", file=file, where=joined(tuple(rows), say("list.enumeration")))
        if file
        else joined(tuple(rows), say("list.enumeration"))
        for file, rows in by_file.items()
    )
    return joined(files, say("list.semicolon"))


def _missing_values(measures: Mapping[str, Measure], names: list[str], when: str) -> Text:
    parts = []
    for name in names:
        measure = measures[name]
        formula = measure.formula
        if formula is None:
            parts.append(say("evaluate.missing_measure", measure=measure.name, id=name))
        else:
            parts.append(
                say(
                    "evaluate.missing_computed",
                    measure=measure.name,
                    id=name,
                    inputs=listed(sorted(formula.names)),
                )
            )
    return say("evaluate.no_value", values=joined(tuple(parts), say("evaluate.list")), when=when)


def _missing_years(
    measures: Mapping[str, Measure],
    missing: Mapping[str, list[int]],
    years: range,
    aggregation: Aggregation,
) -> Text:
    how = say("evaluate.sum" if aggregation is Aggregation.NEW else "evaluate.average")
    parts = tuple(
        say(
            "evaluate.missing_years",
            measure=measures[n].name,
            id=n,
            years=listed(ys),
        )
        for n, ys in sorted(missing.items())
    )
    return say(
        "evaluate.every_year_needed",
        span=year_span(years),
        how=how,
        values=joined(parts, say("model.semicolon")),
    )
