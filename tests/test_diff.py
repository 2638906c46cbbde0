"""The semantic diff: requirement comparisons agree with brute force."""

from __future__ import annotations

import itertools
from fractions import Fraction

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

import qrules
from qrules._compile import Truth, predicate_outcome
from qrules._diff import Comparison, compare_requirements
from qrules._expr import parse_requirement

from .conftest import MINI

BOOK = qrules.load(MINI)
RATE = BOOK["pass-rate"]  # a percent measure: its domain is [0, 100]
MEASURES = dict(BOOK.measures)
OPS = [">=", ">", "<=", "<", "==", "!="]


def rule_with(requirement: str) -> qrules.Rule:
    return attrs.evolve(RATE, requirement=parse_requirement(requirement, RATE.measure.id))


thresholds = st.integers(0, 200).map(lambda k: Fraction(k, 2))


def _decimal(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):.1f}"


comparisons = st.builds(
    lambda op, t: f"pass_rate {op} {_decimal(t)}", st.sampled_from(OPS), thresholds
)
ranges = st.builds(
    lambda a, b: f"{_decimal(min(a, b))} <= pass_rate <= {_decimal(max(a, b))}",
    thresholds,
    thresholds,
)
requirements = st.recursive(
    comparisons | ranges,
    lambda inner: st.one_of(
        st.builds(lambda a, b: f"({a}) and ({b})", inner, inner),
        st.builds(lambda a, b: f"({a}) or ({b})", inner, inner),
        st.builds(lambda a: f"not ({a})", inner),
    ),
    max_leaves=4,
)


def truth(rule: qrules.Rule, value: Fraction) -> bool:
    outcome = predicate_outcome(rule.predicate(MEASURES), {RATE.measure.symbol: value})
    assert outcome.truth is not Truth.UNKNOWN
    return outcome.truth is Truth.TRUE


def candidates(*rules: qrules.Rule) -> list[Fraction]:
    """Points that decide any univariate comparison of these rules: every
    threshold, the points between and beyond them, and the domain's ends."""
    points = {Fraction(0), Fraction(100)}
    for rule in rules:
        for token in rule.requirement.text.replace("(", " ").replace(")", " ").split():
            if token[0].isdigit():
                points.add(Fraction(token))
    ordered = sorted(p for p in points if 0 <= p <= 100)
    between = [(a + b) / 2 for a, b in itertools.pairwise(ordered)]
    return sorted(set(ordered + between))


def brute_force(old: qrules.Rule, new: qrules.Rule) -> Comparison:
    points = candidates(old, new)
    forward = all(truth(old, v) for v in points if truth(new, v))
    backward = all(truth(new, v) for v in points if truth(old, v))
    if forward and backward:
        return Comparison.EQUIVALENT
    if forward:
        return Comparison.STRICTER
    if backward:
        return Comparison.LOOSER
    return Comparison.INCOMPARABLE


@settings(max_examples=150, deadline=None)
@given(old=requirements, new=requirements)
def test_classification_agrees_with_brute_force(old: str, new: str) -> None:
    old_rule, new_rule = rule_with(old), rule_with(new)
    assert compare_requirements(old_rule, new_rule, MEASURES) is brute_force(old_rule, new_rule)


COUNTS = st.integers(0, 60)


@settings(max_examples=60, deadline=None)
@given(old=thresholds, new=thresholds, scale=st.sampled_from([1, 10, 100]))
def test_formulas_over_counts_against_a_rate(old: Fraction, new: Fraction, scale: int) -> None:
    # The same threshold written over counts, as a multiple: passed >= k * sampled.
    old_rule = rule_with(f"pass_rate >= {_decimal(old)}")
    k = new / 100
    written = f"passed * {scale * k.denominator} >= {scale * k.numerator} * sampled"
    new_rule = rule_with(written)
    result = compare_requirements(old_rule, new_rule, MEASURES)
    expected = (
        Comparison.EQUIVALENT
        if new == old
        else Comparison.STRICTER
        if new > old
        else Comparison.LOOSER
    )
    if old == 100 and new > 100:  # pragma: no cover - thresholds stay within 0..100
        expected = Comparison.EQUIVALENT
    # Brute force over whole counts confirms each implication that is claimed.
    grid = [(p, s) for p in range(0, 41) for s in range(1, 41)]

    def holds(rule: qrules.Rule, p: int, s: int) -> bool:
        env = {
            BOOK.measures["passed"].symbol: Fraction(p),
            BOOK.measures["sampled"].symbol: Fraction(s),
            BOOK.measures["pass_rate"].symbol: Fraction(100 * p, s),
        }
        expand = frozenset({"pass_rate"})
        predicate = rule.predicate(MEASURES, expand)
        return predicate_outcome(predicate, env).truth is Truth.TRUE

    if result in (Comparison.STRICTER, Comparison.EQUIVALENT):
        assert all(holds(old_rule, p, s) for p, s in grid if holds(new_rule, p, s))
    if result in (Comparison.LOOSER, Comparison.EQUIVALENT):
        assert all(holds(new_rule, p, s) for p, s in grid if holds(old_rule, p, s))
    assert result is expected


def test_examples() -> None:
    cases = {
        (">= 98.5", ">= 99"): Comparison.STRICTER,
        (">= 98.5", "> 98.5"): Comparison.STRICTER,
        (">= 98.5", ">= 98"): Comparison.LOOSER,
        (">= 100", "== 100"): Comparison.EQUIVALENT,  # a percentage is at most 100
        ("90 <= pass_rate <= 95", ">= 92"): Comparison.INCOMPARABLE,
        ("100 * passed / sampled >= 98.5", "passed >= 0.99 * sampled"): Comparison.STRICTER,
        ("passed * sampled >= 4", "passed >= 1"): Comparison.UNDECIDED,
        # Divided by a constant 0: always unknown when judged, nothing to compare.
        (">= 90", "> 1 / 0"): Comparison.UNDECIDED,
        (">= 90", "pass_rate > 1 / (passed - passed)"): Comparison.UNDECIDED,
    }
    for (old, new), expected in cases.items():
        assert compare_requirements(rule_with(old), rule_with(new), MEASURES) is expected, (
            old,
            new,
        )
