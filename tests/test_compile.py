"""Exact thresholds, integer forms, monotonicity, three-valued logic, smallest changes.

Every verdict here is checked against plain `Fraction` arithmetic, never
against floats: the point of compiling to integer form is that
``100 * 29 / 100 >= 29`` holds, which in floats it does not.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from fractions import Fraction
from itertools import product
from typing import Any

import attrs
import pytest
import sympy
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import qrules
from qrules import DataError, Result, Rule, Verdict
from qrules._compile import (
    AllOf,
    AnyOf,
    Condition,
    Negation,
    Truth,
    compile_predicate,
    exact_value,
    integer_form,
    predicate_outcome,
    single_threshold,
)
from qrules._expr import (
    COMPARATORS,
    BinaryOp,
    Compare,
    Logic,
    Name,
    Negate,
    Node,
    Not,
    Number,
    parse_formula,
    parse_requirement,
    to_sympy,
)
from qrules._forms import Form

from .conftest import MINI
from .strategies import boolean_trees, decimal_text, decimals, numeric_trees

MINI_BOOK = qrules.load(MINI)
PASS_RATE = MINI_BOOK["pass-rate"]  # pass_rate = 100 * passed / sampled, in percent
COVERAGE = MINI_BOOK["coverage"]  # coverage = 100 * inspected / units, every year

HOLDS: Mapping[str, Callable[[Fraction, Fraction], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}
EXACT = settings(max_examples=40, deadline=None)  # sympy is slow on a first call


def with_requirement(rule: Rule, text: str) -> Rule:
    """``rule`` with another requirement (and so its own compiled predicates)."""
    return attrs.evolve(rule, requirement=parse_requirement(text, rule.measure.id))


def judge(rule: Rule, values: Mapping[str, object]) -> Result:
    (result,) = MINI_BOOK.evaluate(values, year=2025, rules=[rule]).results
    return result


def verdict(holds: bool) -> Verdict:
    return Verdict.MET if holds else Verdict.NOT_MET


def counts_for(rate: Fraction, scale: int = 1) -> tuple[int, int]:
    """``(passed, sampled)`` with ``100 * passed / sampled == rate`` exactly."""
    share = rate / 100
    return share.numerator * scale, share.denominator * scale


# -- exact boundaries -------------------------------------------------------------

thresholds = decimals(max_digits=4, max_places=2, max_value=Fraction(99))


@pytest.mark.parametrize("op", COMPARATORS)
@EXACT
@given(
    threshold=thresholds,
    places=st.integers(1, 6),
    side=st.sampled_from([-1, 0, 1]),
    scale=st.integers(1, 7),
)
def test_every_way_of_giving_a_value_is_judged_exactly(
    op: str, threshold: Fraction, places: int, side: int, scale: int
) -> None:
    value = threshold + side * Fraction(1, 10**places)
    assume(value >= 0)
    rule = with_requirement(PASS_RATE, f"{op} {decimal_text(threshold)}")
    expected = verdict(HOLDS[op](value, threshold))
    text = decimal_text(value)
    as_float = float(text)
    assert Fraction(repr(as_float)) == value  # the float prints as the decimal
    given_as: dict[str, object] = {
        "fraction": value,
        "decimal": text,
        "percent": f"{text}%",
        "float": as_float,
    }
    for how, given_value in given_as.items():
        if 0 < value <= 1 and how != "percent":  # 0.5 % or 50 %? (docs/datasets.md)
            with pytest.raises(DataError, match="ambiguous as a percentage"):
                judge(rule, {"pass_rate": given_value})
            continue
        result = judge(rule, {"pass_rate": given_value})
        assert (how, result.verdict, result.observed) == (how, expected, value)
    passed, sampled = counts_for(value, scale)
    result = judge(rule, {"passed": passed, "sampled": sampled})
    assert (result.verdict, result.observed) == (expected, value)
    assert result.inputs == {"passed": passed, "sampled": sampled}


@pytest.mark.parametrize("op", COMPARATORS)
@EXACT
@given(
    threshold=decimals(max_digits=6, max_places=3),
    places=st.integers(1, 9),
    side=st.sampled_from([-1, 0, 1]),
)
def test_a_compiled_threshold_agrees_with_fraction_arithmetic(
    op: str, threshold: Fraction, places: int, side: int
) -> None:
    x = sympy.Symbol("x", nonnegative=True)
    predicate = compile_predicate(
        parse_requirement(f"x {op} {decimal_text(threshold)}").tree, lambda name: x
    )
    value = threshold + side * Fraction(1, 10**places)
    truth = predicate_outcome(predicate, {x: value}).truth
    assert truth is Truth.of(HOLDS[op](value, threshold))


def test_a_rule_with_another_requirement_is_judged_by_it() -> None:
    judge(PASS_RATE, {"pass_rate": 90})  # compiles, and caches, the original
    result = judge(with_requirement(PASS_RATE, "<= 95"), {"pass_rate": 90})
    assert result.verdict is Verdict.MET


class TestFloatsWouldGetThisWrong:
    def test_the_trap(self) -> None:
        assert 29 / 100 * 100 < 29
        assert 57 / 100 * 100 < 57

    @pytest.mark.parametrize(
        "values",
        [
            pytest.param({"pass_rate": "29"}, id="decimal"),
            pytest.param({"pass_rate": "29%"}, id="percent"),
            pytest.param({"pass_rate": 29}, id="integer"),
            pytest.param({"pass_rate": 29.0}, id="float"),
            pytest.param({"passed": 29, "sampled": 100}, id="counts"),
            pytest.param({"passed": 29_000, "sampled": 100_000}, id="large-counts"),
        ],
    )
    def test_twenty_nine_percent_meets_at_least_twenty_nine(
        self, values: dict[str, object]
    ) -> None:
        rule = with_requirement(PASS_RATE, ">= 29")
        result = judge(rule, values)
        assert (result.verdict, result.observed) == (Verdict.MET, 29)

    def test_a_float_is_judged_as_the_decimal_it_stands_for(self) -> None:
        # 0.29 * 100 is 28.999999999999996, its binary error past the 15 digits a
        # double keeps of a decimal: the figure is 29, and it meets the target.
        result = judge(with_requirement(PASS_RATE, ">= 29"), {"pass_rate": 0.29 * 100})
        assert result.verdict is Verdict.MET
        assert result.observed == 29
        # A float that is a decimal of 15 digits is that decimal, and misses.
        result = judge(with_requirement(PASS_RATE, ">= 29"), {"pass_rate": 28.9999999999999})
        assert result.verdict is Verdict.NOT_MET
        assert result.observed == Fraction("28.9999999999999")

    @pytest.mark.parametrize(
        ("inspected", "units", "expected"),
        [
            pytest.param(1, 5, Verdict.MET, id="one-in-five"),
            pytest.param(57, 285, Verdict.MET, id="57-of-285"),
            pytest.param(56, 281, Verdict.NOT_MET, id="just-below"),
            pytest.param(0, 0, Verdict.UNKNOWN, id="no-units"),
        ],
    )
    def test_coverage_of_twenty_percent(
        self, inspected: int, units: int, expected: Verdict
    ) -> None:
        result = judge(COVERAGE, {"inspected": inspected, "units": units})
        assert result.verdict is expected

    def test_the_shipped_pass_rate_rule(self) -> None:
        assert judge(PASS_RATE, {"passed": 1231, "sampled": 1250}).verdict is Verdict.NOT_MET
        assert judge(PASS_RATE, {"passed": 1232, "sampled": 1250}).verdict is Verdict.MET
        assert judge(PASS_RATE, {"passed": 197, "sampled": 200}).verdict is Verdict.MET
        assert judge(PASS_RATE, {"pass_rate": "98.5%"}).verdict is Verdict.MET
        # 98.5 stored as a float by arithmetic (98.49999999999999) is 98.5: a float's
        # binary error never decides a boundary; a 15-digit decimal is as written.
        assert judge(PASS_RATE, {"pass_rate": 98.49999999999999}).verdict is Verdict.MET
        assert judge(PASS_RATE, {"pass_rate": 98.4999999999999}).verdict is Verdict.NOT_MET


# -- integer form -------------------------------------------------------------------

NAMES = ("a", "b", "c")
small_values = st.sampled_from(
    [Fraction(0), Fraction(1), Fraction(2), Fraction(1, 2), Fraction(3, 10)]
)


def symbols_for(nonnegative: bool) -> dict[str, sympy.Symbol]:
    if nonnegative:
        return {n: sympy.Symbol(n, nonnegative=True) for n in NAMES}
    return {n: sympy.Symbol(n, real=True) for n in NAMES}


def points(nonnegative: bool) -> st.SearchStrategy[dict[str, Fraction]]:
    low = 0 if nonnegative else -3
    value = st.fractions(min_value=low, max_value=3, max_denominator=4)
    return st.fixed_dictionaries(dict.fromkeys(NAMES, value))


def value_of(node: Node, env: Mapping[str, Fraction]) -> Fraction:
    """Plain exact arithmetic over the tree; ``ZeroDivisionError`` for x / 0."""
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Name):
        return env[node.id]
    if isinstance(node, Negate):
        return -value_of(node.operand, env)
    assert isinstance(node, BinaryOp)
    left, right = value_of(node.left, env), value_of(node.right, env)
    return {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}[
        node.op
    ](left, right)


def sign(value: Fraction) -> int:
    return (value > 0) - (value < 0)


def is_integer_polynomial(expr: sympy.Expr) -> bool:
    numbers_are_integers = all(r.is_Integer for r in expr.atoms(sympy.Rational))
    powers_are_whole = all(p.exp.is_Integer and p.exp > 0 for p in expr.atoms(sympy.Pow))
    return numbers_are_integers and powers_are_whole and not expr.has(sympy.zoo, sympy.nan)


class TestIntegerForm:
    @pytest.mark.parametrize("nonnegative", [True, False], ids=["nonnegative", "real"])
    @settings(max_examples=100, deadline=None)
    @given(tree=numeric_trees(names=st.sampled_from(NAMES), values=small_values), data=st.data())
    def test_integer_coefficients_and_the_sign_of_the_expression(
        self, nonnegative: bool, tree: Node, data: st.DataObject
    ) -> None:
        symbols = symbols_for(nonnegative)
        expr = to_sympy(tree, symbols)
        form, denominator = integer_form(expr)
        point = data.draw(points(nonnegative))
        try:
            expected = value_of(tree, point)
        except ZeroDivisionError:
            return  # undefined here: nothing to compare
        assert is_integer_polynomial(form)
        assert is_integer_polynomial(denominator)
        env = {symbols[n]: v for n, v in point.items()}
        assert exact_value(denominator, env) != 0
        assert sign(exact_value(form, env)) == sign(expected)

    def test_a_pass_rate_threshold(self) -> None:
        p, s = sympy.symbols("p s", nonnegative=True)
        form, denominator = integer_form(100 * p / s - sympy.Rational(197, 2))
        assert sympy.expand(form - (200 * p - 197 * s)) == 0
        assert denominator == s

    def test_a_denominator_of_unknown_sign_multiplies_the_numerator(self) -> None:
        a, b, c = sympy.symbols("a b c", nonnegative=True)
        form, denominator = integer_form(a / (b - c))
        assert sympy.expand(denominator - (b - c)) == 0
        assert sympy.expand(form - a * (b - c)) == 0
        # b < c makes the quotient negative, whatever a is: so must be the form.
        env = {a: Fraction(5), b: Fraction(1), c: Fraction(3)}
        assert exact_value(form, env) < 0

    def test_a_nonnegative_denominator_is_dropped(self) -> None:
        a, b, c = sympy.symbols("a b c", nonnegative=True)
        form, denominator = integer_form(a / (b * c) - sympy.Rational(1, 3))
        assert sympy.expand(form - (3 * a - b * c)) == 0
        assert denominator == b * c

    def test_a_denominator_of_real_symbols_is_of_unknown_sign(self) -> None:
        a, b = sympy.symbols("a b", real=True)
        form, denominator = integer_form(a / b)
        assert (form, denominator) == (a * b, b)

    @pytest.mark.parametrize(
        "text",
        [
            pytest.param("*".join(["(a+b+c+d+e)"] * 80), id="product-of-sums"),
            pytest.param("+".join(f"1/(a+{i})" for i in range(80)), id="sum-of-fractions"),
        ],
    )
    def test_a_long_expression_compiles_quickly(self, text: str) -> None:
        # Expanding either would take longer than the universe has; the form is
        # never expanded, only evaluated.
        symbols = {n: sympy.Symbol(n, nonnegative=True) for n in "abcde"}
        requirement = parse_requirement(f"{text} >= 1")
        assert len(requirement.text) <= 1000
        predicate = compile_predicate(requirement.tree, symbols.__getitem__)
        env = dict.fromkeys(symbols.values(), Fraction(1))
        expected = value_of(requirement.tree.operands[0], dict.fromkeys("abcde", Fraction(1)))
        assert predicate_outcome(predicate, env).truth is Truth.of(expected >= 1)


# -- monotonicity -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("op", "raising"),
    [(">=", True), (">", True), ("<=", False), ("<", False)],
    ids=[">=", ">", "<=", "<"],
)
@settings(max_examples=100, deadline=None)
@given(
    threshold=thresholds,
    values=st.lists(decimals(max_digits=6, max_places=3), min_size=2, max_size=6),
)
def test_moving_the_right_way_never_unmeets(
    op: str, raising: bool, threshold: Fraction, values: list[Fraction]
) -> None:
    x = sympy.Symbol("x", nonnegative=True)
    predicate = compile_predicate(
        parse_requirement(f"x {op} {decimal_text(threshold)}").tree, lambda name: x
    )
    ordered = sorted(values, reverse=not raising)
    truths = [predicate_outcome(predicate, {x: v}).truth for v in ordered]
    assert Truth.UNKNOWN not in truths
    met = [t is Truth.TRUE for t in truths]
    assert met == sorted(met), "met, then not met, as the value moved the right way"


@pytest.mark.parametrize("op", [">=", ">"])
@settings(max_examples=60, deadline=None)
@given(threshold=thresholds, sampled=st.integers(1, 5000), data=st.data())
def test_more_passed_samples_never_unmeet(
    op: str, threshold: Fraction, sampled: int, data: st.DataObject
) -> None:
    rule = with_requirement(PASS_RATE, f"{op} {decimal_text(threshold)}")
    predicate = rule.predicate(MINI_BOOK.measures, frozenset({"pass_rate"}))
    passed_symbol = MINI_BOOK.measures["passed"].symbol
    sampled_symbol = MINI_BOOK.measures["sampled"].symbol
    passed = sorted(data.draw(st.lists(st.integers(0, sampled), min_size=2, max_size=6)))
    met = [
        predicate_outcome(
            predicate, {passed_symbol: Fraction(p), sampled_symbol: Fraction(sampled)}
        ).truth
        is Truth.TRUE
        for p in passed
    ]
    assert met == sorted(met)
    assert met == [HOLDS[op](Fraction(100 * p, sampled), threshold) for p in passed]


# -- three-valued logic --------------------------------------------------------------

T, F, U = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN

# Kleene's tables, written out.
AND = {
    (T, T): T,
    (T, U): U,
    (T, F): F,
    (U, T): U,
    (U, U): U,
    (U, F): F,
    (F, T): F,
    (F, U): F,
    (F, F): F,
}
OR = {
    (T, T): T,
    (T, U): T,
    (T, F): T,
    (U, T): T,
    (U, U): U,
    (U, F): U,
    (F, T): T,
    (F, U): U,
    (F, F): F,
}
NOT = {T: F, U: U, F: T}


@pytest.mark.parametrize(("x", "y"), list(AND), ids=lambda t: t.value)
def test_and_table(x: Truth, y: Truth) -> None:
    assert x & y is AND[x, y]


@pytest.mark.parametrize(("x", "y"), list(OR), ids=lambda t: t.value)
def test_or_table(x: Truth, y: Truth) -> None:
    assert x | y is OR[x, y]


@pytest.mark.parametrize("x", list(NOT), ids=lambda t: t.value)
def test_not_table(x: Truth) -> None:
    assert ~x is NOT[x]


def test_of() -> None:
    assert (Truth.of(True), Truth.of(False)) == (T, F)


LAWS: dict[str, Callable[[Truth, Truth, Truth], tuple[Truth, Truth]]] = {
    "and-commutes": lambda x, y, z: (x & y, y & x),
    "or-commutes": lambda x, y, z: (x | y, y | x),
    "and-associates": lambda x, y, z: ((x & y) & z, x & (y & z)),
    "or-associates": lambda x, y, z: ((x | y) | z, x | (y | z)),
    "and-distributes": lambda x, y, z: (x & (y | z), (x & y) | (x & z)),
    "or-distributes": lambda x, y, z: (x | (y & z), (x | y) & (x | z)),
    "de-morgan-and": lambda x, y, z: (~(x & y), ~x | ~y),
    "de-morgan-or": lambda x, y, z: (~(x | y), ~x & ~y),
    "double-negation": lambda x, y, z: (~~x, x),
    "and-identity": lambda x, y, z: (x & T, x),
    "or-identity": lambda x, y, z: (x | F, x),
    "and-annihilator": lambda x, y, z: (x & F, F),
    "or-annihilator": lambda x, y, z: (x | T, T),
    "and-idempotent": lambda x, y, z: (x & x, x),
    "or-idempotent": lambda x, y, z: (x | x, x),
    "and-absorbs": lambda x, y, z: (x & (x | y), x),
    "or-absorbs": lambda x, y, z: (x | (x & y), x),
}


@pytest.mark.parametrize("law", list(LAWS))
def test_kleene_law(law: str) -> None:
    for x, y, z in product(Truth, repeat=3):
        left, right = LAWS[law](x, y, z)
        assert left is right, (x, y, z)


def test_unknown_excludes_no_middle() -> None:
    # Kleene logic has no law of the excluded middle: unknown stays unknown.
    assert U | ~U is U
    assert U & ~U is U
    assert (T | ~T, F & ~F) == (T, F)


def reference(node: Node, env: Mapping[str, Fraction | None]) -> Truth:
    """Three-valued truth of a requirement, by brute force over its tree: a
    comparison over a missing value, or with a zero divisor, is unknown."""
    if isinstance(node, Not):
        return NOT[reference(node.operand, env)]
    if isinstance(node, Logic):
        table = AND if node.op == "and" else OR
        return table[reference(node.left, env), reference(node.right, env)]
    assert isinstance(node, Compare)
    result = T  # a chain is the conjunction of its links
    for op, left, right in zip(node.ops, node.operands, node.operands[1:], strict=False):
        link: Truth
        if any(env.get(n) is None for n in names(left) | names(right)):
            link = U
        else:
            known = {k: v for k, v in env.items() if v is not None}
            try:
                link = Truth.of(HOLDS[op](value_of(left, known), value_of(right, known)))
            except ZeroDivisionError:
                link = U
        result = AND[result, link]
    return result


def names(node: Node) -> set[str]:
    if isinstance(node, Name):
        return {node.id}
    if isinstance(node, Number):
        return set()
    if isinstance(node, Negate):
        return names(node.operand)
    assert isinstance(node, BinaryOp)
    return names(node.left) | names(node.right)


def environments(nonnegative: bool) -> st.SearchStrategy[dict[str, Fraction | None]]:
    low = 0 if nonnegative else -2
    value = st.none() | st.integers(low, 3).map(Fraction) | st.just(Fraction(1, 2))
    return st.fixed_dictionaries(dict.fromkeys(NAMES, value))


@pytest.mark.parametrize("nonnegative", [True, False], ids=["nonnegative", "real"])
@settings(max_examples=150, deadline=None)
@given(tree=boolean_trees(names=st.sampled_from(NAMES), values=small_values), data=st.data())
def test_predicate_outcome_agrees_with_brute_force(
    nonnegative: bool, tree: Node, data: st.DataObject
) -> None:
    symbols = symbols_for(nonnegative)
    predicate = compile_predicate(tree, symbols.__getitem__)
    env = data.draw(environments(nonnegative))
    outcome = predicate_outcome(predicate, {symbols[n]: v for n, v in env.items() if v is not None})
    assert outcome.truth is reference(tree, env)
    if outcome.truth is U:
        assert outcome.missing or outcome.zero_denominator
        assert all(env[str(s)] is None for s in outcome.missing)


@pytest.mark.parametrize(
    ("text", "env", "expected"),
    [
        pytest.param("x / x >= 1", {"x": 0}, U, id="cancelled-zero-divisor"),
        pytest.param("x * y / y >= 0", {"x": 1, "y": 0}, U, id="cancelled-zero-divisor-2"),
        pytest.param("1 / (1 / x) >= 1", {"x": 0}, U, id="nested-zero-divisor"),
        pytest.param("x / 0 >= 1", {"x": 1}, U, id="literal-zero-divisor"),
        pytest.param("x >= 1 / (2 - 2)", {"x": 1}, U, id="constant-zero-divisor"),
        pytest.param("0 / 0 >= 1", {}, U, id="nothing-over-nothing"),
        pytest.param("x - x >= 0", {}, U, id="cancelled-missing-input"),
        pytest.param("0 * x >= 0", {}, U, id="annihilated-missing-input"),
        pytest.param("x - x >= 0", {"x": 5}, T, id="cancelled-but-given"),
        pytest.param("x >= 1 or y >= 1", {"y": 2}, T, id="unknown-or-true"),
        pytest.param("x >= 1 and y >= 1", {"y": 0}, F, id="unknown-and-false"),
        pytest.param("x >= 1 and y >= 1", {"y": 2}, U, id="unknown-and-true"),
        pytest.param("not x >= 1", {}, U, id="not-unknown"),
        pytest.param("0 <= x <= y", {"x": 5}, U, id="chain-with-missing-end"),
        pytest.param("9 <= x <= y", {"x": 5}, F, id="chain-with-a-false-link"),
        pytest.param("1 / x < 2 or y > 1", {"x": 0, "y": 2}, T, id="zero-divisor-or-true"),
    ],
)
def test_unknown_cases(text: str, env: dict[str, int], expected: Truth) -> None:
    symbols = {n: sympy.Symbol(n, nonnegative=True) for n in ("x", "y")}
    predicate = compile_predicate(parse_requirement(text).tree, symbols.__getitem__)
    values = {symbols[n]: Fraction(v) for n, v in env.items()}
    assert predicate_outcome(predicate, values).truth is expected


def test_a_zero_denominator_in_a_measure_formula_is_unknown() -> None:
    # pass_rate * sampled / 100 cancels sampled; its formula still divides by it.
    rule = with_requirement(PASS_RATE, "pass_rate * sampled / 100 >= passed")
    result = judge(rule, {"passed": 0, "sampled": 0})
    assert result.verdict is Verdict.UNKNOWN
    assert judge(rule, {"passed": 3, "sampled": 4}).verdict is Verdict.MET


@pytest.mark.parametrize(
    ("text", "shape"),
    [
        pytest.param("x >= 1", Condition, id="comparison"),
        pytest.param("1 <= x <= 2", AllOf, id="chain"),
        pytest.param("x >= 1 and y >= 1", AllOf, id="and"),
        pytest.param("x >= 1 or y >= 1", AnyOf, id="or"),
        pytest.param("not x >= 1", Negation, id="not"),
    ],
)
def test_compiled_shapes(text: str, shape: type) -> None:
    symbols = {n: sympy.Symbol(n, nonnegative=True) for n in ("x", "y")}
    assert isinstance(compile_predicate(parse_requirement(text).tree, symbols.__getitem__), shape)


def test_a_formula_is_not_a_predicate() -> None:
    with pytest.raises(TypeError, match="not a truth value"):
        compile_predicate(parse_formula("x + 1").tree, sympy.Symbol)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(">= 98.5", (">=", Fraction(197, 2)), id="shorthand"),
        pytest.param("98.5 <= m", (">=", Fraction(197, 2)), id="flipped"),
        pytest.param("m < 1 / 3", ("<", Fraction(1, 3)), id="constant-expression"),
        pytest.param("m != -2", ("!=", Fraction(-2)), id="negative"),
        pytest.param("m >= 1 / 0", None, id="division-by-zero"),
        pytest.param("m >= other", None, id="not-a-constant"),
        pytest.param("1 <= m <= 2", None, id="chain"),
        pytest.param("m >= 1 and m <= 2", None, id="conjunction"),
        pytest.param("other >= 1", None, id="another-measure"),
    ],
)
def test_single_threshold(text: str, expected: tuple[str, Fraction] | None) -> None:
    assert single_threshold(parse_requirement(text, "m").tree, "m") == expected


# -- the smallest change -----------------------------------------------------------


@pytest.mark.parametrize("op", [">=", ">"])
@settings(max_examples=60, deadline=None)
@given(
    threshold=decimals(max_digits=4, max_places=2, min_value=Fraction(1), max_value=Fraction(99)),
    sampled=st.integers(1, 10_000),
    data=st.data(),
)
def test_the_change_offered_is_the_least_that_meets(
    op: str, threshold: Fraction, sampled: int, data: st.DataObject
) -> None:
    def meets(passed: Fraction) -> bool:
        return HOLDS[op](100 * passed / sampled, threshold)

    bound = threshold * sampled / 100
    least = math.floor(bound) + 1 if op == ">" else math.ceil(bound)
    assert meets(Fraction(least))
    assert not meets(Fraction(least - 1))
    assume(least >= 1)
    passed = data.draw(st.integers(0, least - 1))

    rule = with_requirement(PASS_RATE, f"{op} {decimal_text(threshold)}")
    result = judge(rule, {"passed": passed, "sampled": sampled})
    assert result.verdict is Verdict.NOT_MET
    # Only more passed samples will do: fewer samples tested is not advice.
    (change,) = result.changes
    assert (change.measure, change.observed, change.strict) == ("passed", passed, False)
    assert change.needed == least
    assert change.delta == least - passed
    assert judge(rule, {"passed": change.needed, "sampled": sampled}).verdict is Verdict.MET
    assert judge(rule, {"passed": change.needed - 1, "sampled": sampled}).verdict is Verdict.NOT_MET


def test_the_change_for_the_shipped_rule() -> None:
    result = judge(PASS_RATE, {"passed": 1231, "sampled": 1250})
    (change,) = result.changes
    assert (change.needed, change.delta) == (1232, 1)
    assert result.gap == Fraction(197, 2) - Fraction(1231 * 100, 1250)


def test_a_measure_symbol_assumes_only_what_its_unit_says() -> None:
    """A count is a non-negative integer; a rate only non-negative: sympy must not
    take a percentage for a non-integer, or ``pass_rate == 98`` would be false."""
    rate = MINI_BOOK.measures["pass_rate"].symbol
    count = MINI_BOOK.measures["passed"].symbol
    assert (rate.is_nonnegative, rate.is_integer) == (True, None)
    assert (count.is_nonnegative, count.is_integer) == (True, True)
    assert sympy.Eq(rate, 98) is not sympy.false


# -- compiled forms evaluated ------------------------------------------------------

_FORM_NAMES = ("a", "b", "c")


def _form_trees() -> st.SearchStrategy[tuple[object, ...]]:
    """Form trees (`qrules._forms`): names, constants, sums, products and
    integer powers (negative ones: quotients), nested."""
    leaves = st.one_of(
        st.sampled_from(_FORM_NAMES).map(lambda n: ("n", n)),
        st.fractions(min_value=-5, max_value=5, max_denominator=4).map(
            lambda q: ("q", q.numerator, q.denominator)
        ),
    )
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.tuples(st.sampled_from(["+", "*"]), st.lists(inner, min_size=1, max_size=4)).map(
                lambda t: (t[0], tuple(t[1]))
            ),
            st.tuples(inner, st.sampled_from([-3, -2, -1, 1, 2])).map(lambda t: ("^", *t)),
        ),
        max_leaves=8,
    )


def _plain_value(tree: Any, env: Mapping[str, Fraction]) -> Fraction:
    """A form's value in plain `Fraction` arithmetic, part by part in order."""
    kind = tree[0]
    if kind == "n":
        return env[tree[1]]
    if kind == "q":
        return Fraction(tree[1], tree[2])
    if kind == "^":
        power: Fraction = _plain_value(tree[1], env) ** tree[2]
        return power
    parts = [_plain_value(t, env) for t in tree[1]]
    total = parts[0]
    for part in parts[1:]:
        total = total + part if kind == "+" else total * part
    return total


@settings(max_examples=300, deadline=None)
@given(
    tree=_form_trees(),
    env=st.dictionaries(
        st.sampled_from(_FORM_NAMES),
        st.fractions(min_value=-4, max_value=4, max_denominator=3),
    ),
)
def test_a_form_is_worth_its_plain_fraction_value(
    tree: tuple[object, ...], env: dict[str, Fraction]
) -> None:
    """`Form.value` (whole numbers as ints, a product's numerator and denominator
    multiplied apart) is plain `Fraction` arithmetic's value, and fails where it
    does: a name without a value, a division by zero."""
    form = Form(tree)
    try:
        expected: Fraction | type[Exception] = _plain_value(tree, env)
    except (KeyError, ZeroDivisionError) as error:
        expected = type(error)
    try:
        found: Fraction | type[Exception] = form.value(env)
    except (KeyError, ZeroDivisionError) as error:
        found = type(error)
    assert found == expected
    if isinstance(found, Fraction):
        assert type(found) is Fraction
        assert form.exact(env) == found
