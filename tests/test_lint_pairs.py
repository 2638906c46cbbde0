"""``conflicting-rules`` and ``redundant-rule``: pairs of rules decided exactly,
checked against a brute-force search over a grid of values."""

from __future__ import annotations

import datetime as dt
import itertools
from fractions import Fraction

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

import qrules
from qrules import lint
from qrules._expr import parse_formula, parse_requirement
from qrules._lint import blocking
from qrules._model import UNITS, Aggregation, Measure, Rule, Source, Text

SCORE = UNITS["score"]
MEASURES = {
    "a": Measure("a", Text("甲", "A"), SCORE),
    "b": Measure("b", Text("乙", "B"), SCORE),
    "total": Measure("total", Text("合计", "Total"), SCORE, parse_formula("a + b")),
}
OPS = (">=", ">", "<=", "<", "==")
#: Every value the measures' constants (0 to 10) can tell apart: halves up to 12.
GRID = [Fraction(n, 2) for n in range(25)]


def make(rule_id: str, measure: str, op: str, value: int) -> Rule:
    return Rule(
        id=rule_id,
        title=Text(rule_id, rule_id),
        measure=MEASURES[measure],
        aggregation=Aggregation.LEVEL,
        requirement=parse_requirement(f"{op} {value}", measure),
        source=Source("一", "q"),
        responsible=(),
        file="x.toml",
        due=dt.date(2025, 12, 31),
    )


def book(mini: qrules.Rulebook, *rules: Rule) -> qrules.Rulebook:
    return attrs.evolve(mini, text="", measures=MEASURES, rules=rules)


def holds(rule: Rule, a: Fraction, b: Fraction) -> bool:
    value = {"a": a, "b": b, "total": a + b}[rule.measure.id]
    target = rule.target
    assert target is not None
    return {
        ">=": value >= target.value,
        ">": value > target.value,
        "<=": value <= target.value,
        "<": value < target.value,
        "==": value == target.value,
    }[target.op]


def brute(first: Rule, second: Rule) -> tuple[bool, bool, bool]:
    """On the grid: whether both can hold, whether the first implies the second,
    and whether the second implies the first."""
    points = list(itertools.product(GRID, GRID))
    together = any(holds(first, a, b) and holds(second, a, b) for a, b in points)
    forward = all(holds(second, a, b) for a, b in points if holds(first, a, b))
    backward = all(holds(first, a, b) for a, b in points if holds(second, a, b))
    return together, forward, backward


rules = st.tuples(st.sampled_from(list(MEASURES)), st.sampled_from(OPS), st.integers(0, 10))


@settings(max_examples=80, deadline=None)
@given(rules, rules)
def test_pairs_are_classified_as_a_grid_search_finds(
    mini: qrules.Rulebook, one: tuple[str, str, int], two: tuple[str, str, int]
) -> None:
    first, second = make("first", *one), make("second", *two)
    findings = [
        f
        for f in lint(book(mini, first, second))
        if f.code
        in ("conflicting-rules", "redundant-rule", "disagreeing-targets", "differing-requirements")
    ]
    codes = {f.code for f in findings}
    together, forward, backward = brute(first, second)
    alone = [brute(rule, rule)[0] for rule in (first, second)]
    # A rule no value meets (b < 0) is a conflict of its own; two rules no values
    # meet together are one.
    assert ("conflicting-rules" in codes) == (not together)
    if not all(alone):
        assert {f.rules for f in findings if f.code == "conflicting-rules"} >= {
            (rule.id,) for rule, ok in zip((first, second), alone, strict=True) if not ok
        }
    if not together:
        return
    same = first.measure.id == second.measure.id
    linked = "total" in (first.measure.id, second.measure.id)
    if not (same or linked):
        assert findings == []  # a and b say nothing of each other
        return
    if same:
        assert ("redundant-rule" in codes) is False
        assert bool(codes) == (not (forward and backward))
        return
    if forward or backward:
        [finding] = findings
        assert finding.code == "redundant-rule"
        redundant = finding.message.en.split(" implies ")[1].split(" (")[0]
        binding = second if redundant == "first" else first
        other = first if binding is second else second
        assert brute(binding, other)[1]  # the binding rule implies the redundant one
    else:
        assert findings == []


def test_a_generated_redundant_pair(mini: qrules.Rulebook) -> None:
    rulebook = book(mini, make("total-5", "total", ">=", 5), make("a-8", "a", ">=", 8))
    [finding] = lint(rulebook)
    assert (finding.code, finding.severity) == ("redundant-rule", "info")
    assert finding.message.en == (
        "Total and A: ≥5 (一) vs ≥8 (一): by the formulas, a-8 (≥8) implies total-5 (≥5), "
        "which adds nothing."
    )
    assert "后者是多余的" in finding.message.zh


def test_a_generated_conflicting_pair(mini: qrules.Rulebook) -> None:
    rulebook = book(mini, make("total-5", "total", "<=", 5), make("a-8", "a", ">=", 8))
    [finding] = lint(rulebook)
    assert (finding.code, finding.severity) == ("conflicting-rules", "error")
    assert finding.message.en.endswith(
        "by the formulas, no values meet both; the rules cannot both be met."
    )
    assert blocking([finding])  # an error: qrules lint exits 1


def test_a_rule_no_value_meets(mini: qrules.Rulebook) -> None:
    [finding] = lint(book(mini, make("never", "b", "<", 0)))
    assert (finding.code, finding.rules) == ("conflicting-rules", ("never",))
    assert finding.message.en == (
        "B: <0 (一): no value the measure can take meets it; the rule cannot be met."
    )
