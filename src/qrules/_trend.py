"""Where a measure is heading: its path over the years a dataset gives, and
whether, at its recent pace, it meets its rule's target in time.

1. The *path* is the measure's value in each year the dataset gives for it,
   taken exactly as the engine takes it (computed from the counts in its
   formula when they are all reported, else the value reported; see
   `observe_year`).
2. The *pace* is the change between the last two years with a value, per
   year: ``(v_last - v_prev) / (y_last - y_prev)``. It is what an office can
   check by hand on two figures; with the two or three yearly figures of a
   plan's life, a least-squares line over all of them would mostly damp the
   most recent change, which is the one the question is about.
3. The *outlook* is the value the rule's target is judged on in its year (the
   due year; the period's last year for ``every_year``): the value observed in
   that year when the dataset has it, else the last value carried forward at
   the pace (never below 0: measures are not negative). A ``new`` rule adds
   the years from the plan's start to its due year, an ``annual_average`` rule
   averages them, each year observed or, after the last one, projected.
4. The outlook is compared with the target exactly (`Fraction`): *on track*
   or *off track* when projected, *reached* or *not reached* when observed.
   It is unknown with fewer than two years of values, without a single
   threshold, or when a year the rule needs falls before the last value and
   is missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import TypeAlias

import attrs

from . import _escape
from ._compile import compare
from ._expr import format_number, format_short
from ._figures import Dataset
from ._judge import observe_year
from ._messages import listed, say
from ._model import Aggregation, Lang, Rule, Text
from ._results import Verdict, year_span
from ._rulebook import Rulebook

__all__ = [
    "Series",
    "Trend",
    "measure_paths",
    "pace",
    "project",
    "trend",
    "trends",
    "trends_markdown",
]

#: A measure's values by year, in order of the years.
Series: TypeAlias = tuple[tuple[int, Fraction], ...]


@attrs.frozen
class Trend:
    """A rule's outlook for one district (``None``: the whole area)."""

    rule: Rule = attrs.field(repr=False)
    district: str | None
    #: The measure's value in each year the dataset gives.
    path: Series
    #: The year the target is judged in.
    year: int
    #: Change per year over the last two years with a value; ``None`` with fewer.
    pace: Fraction | None
    #: The value the target is judged on: observed, or (partly) projected.
    outlook: Fraction | None
    #: Whether ``outlook`` uses any projected year.
    projected: bool
    #: ``MET``: reaches the target (at this pace); ``NOT_MET``: falls short.
    verdict: Verdict
    reason: Text
    #: The projected values for the years after the path's last, up to ``year``.
    projection: Series = ()

    def label(self, lang: Lang = "en") -> str:
        """*on track*, *off track*, *reached*, *not reached*, or *no trend*."""
        if self.verdict is Verdict.UNKNOWN:
            return say("trend.unknown").get(lang)
        key = ("on" if self.verdict is Verdict.MET else "off") + (
            "_projected" if self.projected else "_observed"
        )
        return say(f"trend.{key}").get(lang)


def pace(path: Series) -> Fraction | None:
    """The change per year between the last two years of ``path``.

    >>> pace(((2023, Fraction(120)), (2024, Fraction(141))))
    Fraction(21, 1)
    """
    if len(path) < 2:
        return None
    (y0, v0), (y1, v1) = path[-2], path[-1]
    return (v1 - v0) / (y1 - y0)


def project(path: Series, year: int) -> tuple[Fraction | None, bool]:
    """The value in ``year``: ``(observed, False)`` when the path has it,
    ``(projected, True)`` after its last year at its pace (at least 0), else
    ``(None, False)``."""
    values = dict(path)
    if year in values:
        return values[year], False
    step = pace(path)
    if step is None or year < path[-1][0]:
        return None, False
    last_year, last = path[-1]
    return max(Fraction(0), last + step * (year - last_year)), True


def _judged_years(rulebook: Rulebook, rule: Rule) -> tuple[int, range]:
    """The year the target is judged in, and the years that go into it."""
    span = rule.span(rulebook.period)
    if rule.aggregation in (Aggregation.NEW, Aggregation.ANNUAL_AVERAGE):
        return span[-1], span
    return span[-1], range(span[-1], span[-1] + 1)


def trend(rulebook: Rulebook, rule: Rule, path: Series, district: str | None = None) -> Trend:
    """``rule``'s outlook from its measure's ``path`` (exact; see the module)."""
    path = tuple(sorted(path))
    year, years = _judged_years(rulebook, rule)
    step = pace(path)

    def unknown(reason: Text) -> Trend:
        return Trend(rule, district, path, year, step, None, False, Verdict.UNKNOWN, reason)

    target = rule.target
    if target is None:
        return unknown(say("trend.not_a_threshold"))
    if not path:
        return unknown(say("trend.no_value"))
    if len(path) < 2 and path[-1][0] < years[-1]:
        return unknown(say("trend.one_year", year=path[0][0]))
    values: list[Fraction] = []
    projected = False
    for each in years:
        value, guessed = project(path, each)
        if value is None:
            return unknown(say("trend.missing_year", year=each))
        values.append(value)
        projected |= guessed
    outlook = sum(values, Fraction(0))
    if rule.aggregation is Aggregation.ANNUAL_AVERAGE:
        outlook /= len(values)
    verdict = Verdict.MET if compare(target.op, outlook - target.value) else Verdict.NOT_MET
    projection = tuple(
        (y, v)
        for y in range(path[-1][0] + 1, year + 1)
        for v in [project(path, y)[0]]
        if v is not None
    )
    result = Trend(
        rule, district, path, year, step, outlook, projected, verdict, Text("", ""), projection
    )
    return attrs.evolve(result, reason=_words(result, years))


def _words(result: Trend, years: range) -> Text:
    rule = result.rule
    assert rule.target is not None
    assert result.outlook is not None
    target = f"{rule.target.sign} {format_number(rule.target.value)}"
    value = format_short(result.outlook)
    span = year_span(years)
    what = say(
        {Aggregation.NEW: "trend.total", Aggregation.ANNUAL_AVERAGE: "trend.average"}.get(
            rule.aggregation, "trend.span"
        ),
        span=span,
    )
    if not result.projected:
        return say("trend.actual", what=what, value=value, target=target)
    assert result.pace is not None
    (y0, _), (y1, _) = result.path[-2], result.path[-1]
    step = ("+" if result.pace >= 0 else "") + format_short(result.pace)
    return say(
        "trend.projected", first=y0, last=y1, step=step, what=what, value=value, target=target
    )


def measure_paths(
    rulebook: Rulebook, dataset: Dataset, rules: Iterable[Rule] | None = None
) -> dict[tuple[str, str | None], Series]:
    """Each rule measure's path in each district of ``dataset``, by
    ``(measure id, district)``; only the years with a value."""
    rows: dict[str | None, dict[int, dict[str, Fraction]]] = {}
    for observation in dataset.observations:
        if observation.value is not None:
            row = rows.setdefault(observation.district, {}).setdefault(observation.year, {})
            row[observation.measure] = observation.value
    # One rule per measure: every rule on a measure computes it the same way.
    by_measure: dict[str, Rule] = {}
    for rule in rulebook.rules if rules is None else rules:
        by_measure.setdefault(rule.measure.id, rule)
    paths: dict[tuple[str, str | None], Series] = {}
    for measure, rule in by_measure.items():
        # Only the values the measure is computed from: the rest would only be
        # carried along.
        names = _inputs(rulebook, rule.requirement.names | {measure})
        for district, table in rows.items():
            path = []
            for year in sorted(table):
                values = {n: v for n, v in table[year].items() if n in names}
                observed = observe_year(rulebook, rule, year, values, district=district)
                if observed is not None:
                    path.append((year, observed))
            paths[measure, district] = tuple(path)
    return paths


def _inputs(rulebook: Rulebook, names: Iterable[str]) -> frozenset[str]:
    """``names`` and every measure their formulas use, however deep."""
    found: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            formula = rulebook.measures[name].formula
            todo.extend(() if formula is None else formula.names)
    return frozenset(found)


def trends(
    rulebook: Rulebook, dataset: Dataset, rules: Sequence[Rule] | None = None
) -> tuple[Trend, ...]:
    """The outlook of each rule in each district of ``dataset`` (the whole
    area first), in the rulebook's order."""
    chosen = tuple(rulebook.rules if rules is None else rules)
    paths: Mapping[tuple[str, str | None], Series] = measure_paths(rulebook, dataset, chosen)
    districts = sorted({d for _, d in paths}, key=lambda d: (d is not None, d or ""))
    return tuple(
        trend(rulebook, rule, paths.get((rule.measure.id, district), ()), district)
        for district in districts
        for rule in chosen
    )


def trends_markdown(found: Iterable[Trend], lang: Lang = "en") -> str:
    """A Markdown section of the outlooks that have a path of two years or more."""
    shown = [t for t in found if len(t.path) >= 2]
    if not shown:
        return ""
    lines = [
        say("trend.heading").get(lang),
        "",
        say("trend.explained").get(lang),
        "",
        say("trend.columns").get(lang),
        "|---|---|---|---|---|",
    ]
    for each in shown:
        path = listed(f"{y}: {format_short(v)}" for y, v in each.path).get(lang)
        cells = (each.rule.id, each.district or "", path, each.reason.get(lang), each.label(lang))
        # A district name is data: escaped, it cannot add a cell and forge a status.
        lines.append("| " + " | ".join(_escape.markdown(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"
