"""Hypothesis strategies derived from compiled rules.

Each strategy builds data that meets a rule, misses it, or sits exactly on its
threshold *by construction*: the set of values that meets a requirement is
solved with sympy, and values are drawn from it (or from its complement), so
nothing is generated and then filtered away. Values are exact (`Fraction`)
and shrink towards small, readable numbers.

Needs Hypothesis (``pip install "qrules-plan[test]"``)::

    from hypothesis import given
    from qrules import load
    from qrules.strategies import measure_values

    rule = load("yantai-2023-2025")["food-safety-sampling-pass-rate"]

    @given(measure_values(rule, verdict="not_met", max_margin=1))
    def test_near_misses_are_flagged(value): ...
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Literal

import sympy
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from ._compile import AllOf, AnyOf, Condition, Negation, Predicate, expression_of
from ._data import Observation
from ._expr import rational
from ._figures import Dataset
from ._model import Aggregation, Measure, Rule
from ._recordspec import KINDS
from ._rulebook import Rulebook
from ._sets import Undecided, domain, fraction, requirement_values
from .records.read import InspectionLog, Register, read_log, read_register

__all__ = [
    "measure_values",
    "registers_and_logs",
    "reported_datasets",
    "rules_with_strategies",
    "threshold_values",
]

Outcome = Literal["met", "not_met", "threshold"]
_OUTCOMES = ("met", "not_met", "threshold")
#: How far above its largest threshold an unbounded set is drawn from.
_HEADROOM = 1000


# -- the sets -----------------------------------------------------------------


def _variable(rule: Rule) -> sympy.Symbol:
    names = rule.requirement.names
    if names != {rule.measure.id}:
        raise InvalidArgument(
            f"rule {rule.id!r}: strategies support requirements on the rule's own measure only; "
            f"this one also names {', '.join(sorted(names - {rule.measure.id}))}"
        )
    return rule.measure.symbol


def _thresholds(predicate: Predicate, x: sympy.Symbol, domain: sympy.Set) -> list[Fraction]:
    """Where each comparison in a requirement turns: its lhs equals its rhs."""
    if isinstance(predicate, Condition):
        points = sympy.solveset(predicate.expr, x, domain)
        return [fraction(p) for p in points] if isinstance(points, sympy.FiniteSet) else []
    if isinstance(predicate, Negation):
        return _thresholds(predicate.operand, x, domain)
    assert isinstance(predicate, AllOf | AnyOf)
    return sorted(
        set(_thresholds(predicate.left, x, domain) + _thresholds(predicate.right, x, domain))
    )


@functools.lru_cache(maxsize=1024)
def _threshold_points(rule: Rule) -> list[Fraction]:
    """Where the rule's verdict turns, within its measure's domain (once per rule)."""
    return _thresholds(
        rule.predicate({rule.measure.id: rule.measure}), _variable(rule), domain(rule.measure)
    )


@functools.lru_cache(maxsize=1024)
def _target_set(rule: Rule, outcome: Outcome, max_margin: Fraction | None) -> sympy.Set:
    """The values of the rule's measure that give ``outcome`` (solved once, then cached)."""
    within = domain(rule.measure)
    try:
        meets = requirement_values(rule)
    except Undecided as error:
        raise InvalidArgument(f"rule {rule.id!r}: cannot solve its requirement") from error
    points = _threshold_points(rule)
    if outcome == "threshold":
        return sympy.FiniteSet(*points)
    chosen = meets if outcome == "met" else within - meets
    if max_margin is not None:
        if not points:
            raise InvalidArgument(f"rule {rule.id!r} has no threshold to keep a margin from")
        near = sympy.Union(*(sympy.Interval(p - max_margin, p + max_margin) for p in points))
        chosen = sympy.Intersection(chosen, near)
    return chosen


# -- drawing from a set -------------------------------------------------------


def _components(values: sympy.Set) -> list[sympy.Set]:
    if isinstance(values, sympy.Union):
        return [c for arg in values.args for c in _components(arg)]
    if isinstance(values, sympy.FiniteSet):
        return [sympy.FiniteSet(v) for v in values]
    return [] if values is sympy.S.EmptySet else [values]


def _grid(interval: sympy.Interval, integer: bool, places: int) -> tuple[int, int, int] | None:
    """``(scale, low, high)``: the multiples ``k / scale`` with ``low <= k <= high``
    that lie in ``interval``; ``None`` when there are none."""
    start = fraction(interval.start)
    end = (
        max(start, Fraction(0)) + _HEADROOM if interval.end is sympy.oo else fraction(interval.end)
    )
    for scale in (1,) if integer else (10**places, 10 ** (places + 2)):
        low = math.ceil(start * scale)
        if interval.left_open and Fraction(low, scale) == start:
            low += 1
        high = math.floor(end * scale)
        if interval.right_open and Fraction(high, scale) == end:
            high -= 1
        if low <= high:
            return scale, low, high
    return None


def _from_set(
    values: sympy.Set, integer: bool, places: int, what: str
) -> st.SearchStrategy[Fraction]:
    options: list[st.SearchStrategy[Fraction]] = []
    for component in _components(values):
        if isinstance(component, sympy.FiniteSet):
            value = fraction(next(iter(component)))
            if not integer or value.denominator == 1:
                options.append(st.just(value))
            continue
        if not isinstance(component, sympy.Interval):
            continue
        grid = _grid(component, integer, places)
        if grid is not None:
            scale, low, high = grid
            options.append(st.integers(low, high).map(functools.partial(_scaled, scale)))
        elif not integer:
            # An interval too narrow for the grid still has its exact midpoint.
            middle = (fraction(component.start) + fraction(component.end)) / 2
            options.append(st.just(middle))
    if not options:
        return st.nothing().map(lambda _: _raise(f"no value {what}"))
    return st.one_of(options)


def _scaled(scale: int, k: int) -> Fraction:
    return Fraction(k, scale)


def _raise(message: str) -> Fraction:
    raise InvalidArgument(message)


def _check(outcome: str, max_margin: object) -> Fraction | None:
    if outcome not in _OUTCOMES:
        raise InvalidArgument(f"verdict={outcome!r}; expected one of {', '.join(_OUTCOMES)}")
    if max_margin is None:
        return None
    margin = Fraction(str(max_margin)) if not isinstance(max_margin, Fraction) else max_margin
    if margin <= 0:
        raise InvalidArgument(f"max_margin={max_margin!r} must be positive")
    return margin


# -- public strategies --------------------------------------------------------


def _measure_values(
    rule: Rule, verdict: Outcome, max_margin: object, places: int
) -> st.SearchStrategy[Fraction]:
    margin = _check(verdict, max_margin)
    values = _target_set(rule, verdict, margin)
    what = f"of {rule.measure.id} gives verdict {verdict!r} for rule {rule.id!r}" + (
        f" within {max_margin}" if margin else ""
    )
    strategy = _from_set(values, rule.measure.unit.integer, places, what)
    if strategy.is_empty:
        raise InvalidArgument(f"no value {what}")
    return strategy


def measure_values(
    rule: Rule, *, verdict: Outcome = "met", max_margin: object = None, places: int = 2
) -> st.SearchStrategy[Fraction]:
    """Values of ``rule``'s measure that meet it (``verdict="met"``), miss it
    (``"not_met"``) or sit exactly on a threshold (``"threshold"``).

    ``max_margin`` keeps values within that distance of a threshold ("misses
    narrowly"); ``places`` is how many decimals drawn values have (more are
    used where an interval is too narrow). Whole units give whole numbers.
    """
    # Built when first drawn from (so that a bad argument is reported there, as
    # Hypothesis does), and then once only, not for every example.
    return st.deferred(lambda: _measure_values(rule, verdict, max_margin, places))


def threshold_values(rule: Rule) -> st.SearchStrategy[Fraction]:
    """The values at which ``rule`` turns: exactly on each threshold."""
    return measure_values(rule, verdict="threshold")


def _years(rule: Rule, rulebook: Rulebook) -> list[int]:
    return list(rule.span(rulebook.period))


@st.composite
def _split(draw: st.DrawFn, total: Fraction, parts: int, integer: bool) -> list[Fraction]:
    """``parts`` non-negative values that add up to ``total``."""
    if parts == 1:
        return [total]
    if integer:
        cuts = sorted(
            draw(st.lists(st.integers(0, int(total)), min_size=parts - 1, max_size=parts - 1))
        )
        edges = [0, *cuts, int(total)]
        return [Fraction(b - a) for a, b in itertools.pairwise(edges)]
    weights = draw(st.lists(st.integers(0, 100), min_size=parts, max_size=parts))
    if sum(weights) == 0:
        return [total / parts] * parts
    return [total * w / sum(weights) for w in weights]


@st.composite
def _counts(
    draw: st.DrawFn, measure: Measure, rulebook: Rulebook, value_set: sympy.Set, max_count: int
) -> dict[str, Fraction] | None:
    """Inputs of ``measure``'s formula whose result lies in ``value_set``."""
    formula = measure.formula
    assert formula is not None
    names = sorted(formula.names)
    measures = rulebook.measures
    expr = expression_of(measure.id, measures, frozenset({measure.id}))
    free = measures[names[0]]  # solved for; the others are drawn
    given = {name: Fraction(draw(st.integers(1, max_count))) for name in names[1:]}
    for scale in (1, 10, 100, 1000):
        scaled = {n: v * scale for n, v in given.items()}
        fixed = expr.subs({measures[n].symbol: rational(v) for n, v in scaled.items()})
        preimage = _preimage(fixed, free.symbol, value_set)
        strategy = _from_set(preimage, free.unit.integer, 2, "")
        if not strategy.is_empty:
            return {**scaled, free.id: draw(strategy)}
    return None


def _preimage(expr: sympy.Expr, x: sympy.Symbol, values: sympy.Set) -> sympy.Set:
    """The non-negative ``x`` for which ``expr`` lies in ``values``."""
    domain = sympy.Interval(0, sympy.oo)
    return sympy.Union(*(_solve_component(expr, x, c, domain) for c in _components(values)))


def _solve_component(
    expr: sympy.Expr, x: sympy.Symbol, component: sympy.Set, domain: sympy.Set
) -> sympy.Set:
    if isinstance(component, sympy.FiniteSet):
        return sympy.solveset(expr - next(iter(component)), x, domain)
    assert isinstance(component, sympy.Interval)
    low = (expr > component.start) if component.left_open else (expr >= component.start)
    high = (expr < component.end) if component.right_open else (expr <= component.end)
    result = domain
    for relation in (low, high):
        if relation is sympy.true:
            continue
        result = sympy.Intersection(
            result, sympy.solve_univariate_inequality(relation, x, relational=False, domain=domain)
        )
    return result


@st.composite
def _reported_datasets(
    draw: st.DrawFn,
    rulebook: Rulebook,
    rule_id: str,
    verdict: Outcome,
    max_margin: object,
    counts: bool,
    max_count: int,
) -> Dataset:
    margin = _check(verdict, max_margin)
    rule = rulebook[rule_id]
    measure = rule.measure
    years = _years(rule, rulebook)
    integer = measure.unit.integer
    value_set = _target_set(rule, verdict, margin)
    meets_set = _target_set(rule, "met", None)
    what = f"of {measure.id} gives verdict {verdict!r} for rule {rule.id!r}"
    if rule.aggregation in (Aggregation.NEW, Aggregation.ANNUAL_AVERAGE):
        total = draw(_from_set(value_set, integer, 2, what))
        if rule.aggregation is Aggregation.ANNUAL_AVERAGE:
            total *= len(years)
        if integer and total.denominator != 1:
            raise InvalidArgument(
                f"rule {rule.id!r}: an average of whole counts that is not "
                "whole cannot come from whole yearly counts"
            )
        yearly = dict(zip(years, draw(_split(total, len(years), integer)), strict=True))
        sets: dict[int, sympy.Set] = {}  # a sum is given year by year, never as counts
    else:
        # Every year judged gets the outcome asked for, except that a year-by-year
        # rule misses in one drawn year only, and meets in the others.
        missing_year = draw(st.sampled_from(years)) if verdict != "met" else None
        yearly = {}
        sets = {}
        for year in years:
            sets[year] = value_set if missing_year in (None, year) else meets_set
            yearly[year] = draw(_from_set(sets[year], integer, 2, what))
    observations: list[Observation] = []
    for year, value in yearly.items():
        if counts and measure.formula is not None and year in sets:
            inputs = draw(_counts(measure, rulebook, sets[year], max_count))
            if inputs is not None:
                observations.extend(Observation(n, year, v) for n, v in sorted(inputs.items()))
                continue
        observations.append(Observation(measure.id, year, value))
    return Dataset(f"generated for {rule.id}", tuple(observations))


def reported_datasets(
    rulebook: Rulebook,
    *,
    rule: str,
    verdict: Outcome = "met",
    max_margin: object = None,
    counts: bool = False,
    max_count: int = 10_000,
) -> st.SearchStrategy[Dataset]:
    """Datasets of reported figures on which ``rule`` gets ``verdict``.

    Every year the rule is judged in gets a value (for ``new`` and
    ``annual_average`` rules, yearly values whose sum or mean has the outcome).
    With ``counts=True`` a measure with a formula is given by its inputs, drawn
    so that the formula's exact value is the drawn value; where the drawn
    denominators cannot produce it, the rate itself is reported.
    """
    return _reported_datasets(rulebook, rule, verdict, max_margin, counts, max_count)


def rules_with_strategies(rulebook: Rulebook) -> Sequence[Rule]:
    """The rules these strategies support: requirements on the rule's own measure."""
    return [r for r in rulebook if r.requirement.names == {r.measure.id}]


# -- registers and inspection logs --------------------------------------------


def _record_year(rule: Rule, rulebook: Rulebook, year: int | None) -> int:
    return year if year is not None else rule.span(rulebook.period)[-1]


@st.composite
def _counts_of_units(
    draw: st.DrawFn, rule: Rule, verdict: Outcome, max_margin: int | None, max_units: int
) -> tuple[int, int]:
    """``(n, m)``: n units in the population, m of which meet, so that the share
    ``100 * m / n`` gets ``verdict`` (or sits on the threshold)."""
    if verdict == "threshold":
        points = _threshold_points(rule)
        if not points:
            raise InvalidArgument(f"rule {rule.id!r} has no threshold")
        point = draw(st.sampled_from(points))
        step = (point / 100).denominator  # n must make 100 * m / n land on the point
        size = step * draw(st.integers(1, max(1, max_units // step)))
        return size, int(point * size / 100)
    size = draw(st.integers(1, max_units))
    meets = _target_set(rule, "met", None)  # solved once per rule
    gives = [
        bool(meets.contains(rational(Fraction(100 * m, size)))) == (verdict == "met")
        for m in range(size + 1)
    ]
    flips = [m for m, given in enumerate(gives) if not given]
    options = [
        m
        for m, given in enumerate(gives)
        if given
        and (max_margin is None or not flips or min(abs(m - f) for f in flips) <= max_margin)
    ]
    if not options:
        raise InvalidArgument(
            f"no count of {size} units gives verdict {verdict!r} for "
            f"rule {rule.id!r} within {max_margin} units"
        )
    return size, draw(st.sampled_from(options))


@st.composite
def _registers_and_logs(
    draw: st.DrawFn,
    rulebook: Rulebook,
    rule_id: str,
    verdict: Outcome,
    max_margin: int | None,
    year: int | None,
    max_units: int,
) -> tuple[Register, InspectionLog]:
    rule = rulebook[rule_id]
    spec = rule.records
    if spec is None:
        raise InvalidArgument(
            f"rule {rule.id!r} has no [rule.records]: it is not judged on registers and logs"
        )
    if verdict not in _OUTCOMES:
        raise InvalidArgument(f"verdict={verdict!r}; expected one of {', '.join(_OUTCOMES)}")
    if max_margin is not None and max_margin < 0:
        raise InvalidArgument(f"max_margin={max_margin!r} must be a count of units, >= 0")
    judged = _record_year(rule, rulebook, year)
    start, end = dt.date(judged, 1, 1), dt.date(judged, 12, 31)
    size, meeting = draw(_counts_of_units(rule, verdict, max_margin, max_units))

    # The register: the population, and units that must not count.
    units: list[dict[str, object]] = []
    for index in range(size):
        unit: dict[str, object] = {
            "unit": f"U{index:04d}",
            "name": f"单位{index}",
            "registered": start - dt.timedelta(days=draw(st.integers(0, 800))),
            "district": draw(st.sampled_from(["芝罘区", "莱山区", "福山区"])),
        }
        for column, values in spec.population:
            unit[column] = draw(st.sampled_from(values))
        if spec.flag is not None:
            unit[spec.flag] = "是" if index < meeting else "否"
        units.append(unit)
    units.append({"unit": "X0001", "name": "其他单位", "category": "other", "registered": start})
    units.append(
        dict(
            units[0],
            unit="X0002",
            registered=start - dt.timedelta(days=900),
            closed=start - dt.timedelta(days=1),
        )
    )

    # The log: qualifying inspections within the year for the units that meet,
    # fewer for the rest, inspections that must not count, and one on the year's
    # first and last days, so that the log covers the year.
    log: list[dict[str, object]] = [
        {"unit": "X0001", "date": start, "kind": "routine"},
        {"unit": "X0001", "date": end, "kind": "routine"},
    ]
    if spec.inspections is not None:
        kinds = spec.kinds or ("routine",)
        other_kinds = [k for k in KINDS if spec.kinds and k not in spec.kinds]
        dates = st.dates(min_value=start, max_value=end)
        for index, unit in enumerate(units[:size]):
            needed = (
                spec.inspections if index < meeting else draw(st.integers(0, spec.inspections - 1))
            )
            # (On distinct days: two rows alike without an inspection id may be
            # one inspection, and a unit meeting the rule on them is unknown.)
            days = draw(st.lists(dates, min_size=needed, max_size=needed, unique=True))
            log.extend(
                {
                    "unit": unit["unit"],
                    "date": day,
                    "kind": draw(st.sampled_from(kinds)),
                    "result": draw(st.sampled_from(spec.results or ("compliant",))),
                }
                for day in days
            )
            if len(other_kinds) > 0 and draw(st.booleans()):
                log.append(
                    {
                        "unit": unit["unit"],
                        "date": draw(dates),
                        "kind": draw(st.sampled_from(other_kinds)),
                    }
                )
            if draw(st.booleans()):
                log.append(
                    {"unit": unit["unit"], "date": start - dt.timedelta(days=1), "kind": kinds[0]}
                )
    register = read_register(units, name="generated register")
    return register, read_log(log, register, name="generated log")


def registers_and_logs(
    rulebook: Rulebook,
    *,
    rule: str,
    verdict: Outcome = "met",
    max_margin: int | None = None,
    year: int | None = None,
    max_units: int = 30,
) -> st.SearchStrategy[tuple[Register, InspectionLog]]:
    """A register and an inspection log on which a record-level ``rule`` gets
    ``verdict`` in ``year`` (default: its due year, or its period's last).

    Built to the count, not filtered: ``n`` units in the rule's population, of
    which exactly ``m`` meet it (enough qualifying inspections in the year, or
    the flag), with ``100 * m / n`` drawn from the shares that give the verdict
    (or exactly on the threshold). ``max_margin`` keeps ``m`` within that many
    units of a count that would flip the verdict. Units outside the population,
    a unit closed before the year, and inspections of another kind or year are
    added, and must not count.
    """
    return _registers_and_logs(rulebook, rule, verdict, max_margin, year, max_units)
