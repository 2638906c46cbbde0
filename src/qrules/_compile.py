"""Compiled predicates: comparisons in exact integer form, and three-valued logic.

A comparison ``lhs op rhs`` is compiled to ``lhs - rhs op 0``, put over one
denominator, and stripped of its positive rational content, leaving a
polynomial with integer coefficients that has the same sign as ``lhs - rhs``
wherever the denominator is not zero. With counts as inputs, a verdict is then
decided by integer arithmetic alone: ``100 * passed / sampled >= 98.5`` becomes
``200*passed - 197*sampled >= 0`` (given ``sampled != 0``).
"""

from __future__ import annotations

import enum
import functools
import itertools
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import TypeAlias

import attrs
import sympy

from ._expr import (
    BinaryOp,
    Comparator,
    Compare,
    Logic,
    Name,
    Negate,
    Node,
    Not,
    Number,
    to_fraction,
    to_sympy,
)

__all__ = [
    "AllOf",
    "AnyOf",
    "Condition",
    "Negation",
    "Predicate",
    "Truth",
    "compile_predicate",
    "divides_by_zero",
    "evaluate_exact",
    "evaluate_predicate",
    "ignores_data",
    "integer_form",
]


class Truth(enum.Enum):
    """A value of Kleene's three-valued logic."""

    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"

    def __and__(self, other: Truth) -> Truth:
        if Truth.FALSE in (self, other):
            return Truth.FALSE
        if Truth.UNKNOWN in (self, other):
            return Truth.UNKNOWN
        return Truth.TRUE

    def __or__(self, other: Truth) -> Truth:
        if Truth.TRUE in (self, other):
            return Truth.TRUE
        if Truth.UNKNOWN in (self, other):
            return Truth.UNKNOWN
        return Truth.FALSE

    def __invert__(self) -> Truth:
        if self is Truth.UNKNOWN:
            return self
        return Truth.FALSE if self is Truth.TRUE else Truth.TRUE

    @classmethod
    def of(cls, value: bool) -> Truth:
        return cls.TRUE if value else cls.FALSE


def integer_form(expr: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr]:
    """Return ``(form, denominator)``: ``form`` has integer coefficients and the
    sign of ``expr`` wherever ``denominator`` is not zero.

    >>> p, s = sympy.symbols("p s", nonnegative=True)
    >>> integer_form(100 * p / s - sympy.Rational(197, 2))
    (200*p - 197*s, s)
    """
    numerator, denominator = sympy.fraction(sympy.together(expr))
    numerator = _expand(numerator)
    denominator = _expand(denominator)
    # Both contents are positive rationals, so dropping them keeps the sign.
    _, numerator = numerator.as_content_primitive()
    _, denominator = denominator.as_content_primitive()
    if denominator.is_positive or denominator.is_nonnegative:
        # Non-negative and (checked at evaluation) non-zero: positive.
        return numerator, denominator
    # sign(n / d) == sign(n * d) for any d != 0.
    return _expand(numerator * denominator), denominator


#: Expanding a product of sums, or the numerator of a sum of fractions, makes a
#: number of terms exponential in the length of the expression: beyond this
#: many, a form is left unexpanded (it is only ever evaluated, and still exact).
EXPAND_LIMIT = 1000


def _expand(expr: sympy.Expr) -> sympy.Expr:
    return sympy.expand(expr) if _terms(expr, {}) <= EXPAND_LIMIT else expr


def _terms(expr: sympy.Expr, seen: dict[sympy.Expr, int]) -> int:
    """An upper bound on the terms of ``expr`` expanded, capped past the limit."""
    if expr in seen:
        return seen[expr]
    count = 1
    if expr.is_Add:
        count = sum(_terms(a, seen) for a in expr.args)
    elif expr.is_Mul:
        for a in expr.args:
            count = min(count * _terms(a, seen), EXPAND_LIMIT + 1)
    elif expr.is_Pow and expr.exp.is_Integer and expr.exp > 0:
        # Past 2 ** 10 the count is over the limit anyway: keep the power small.
        count = _terms(expr.base, seen) ** min(int(expr.exp), 11)
    seen[expr] = count = min(count, EXPAND_LIMIT + 1)
    return count


@attrs.frozen
class Condition:
    """One comparison, ``expr op 0``, judged exactly as ``integer op 0``."""

    op: Comparator
    expr: sympy.Expr
    integer: sympy.Expr
    denominator: sympy.Expr
    #: Every divisor the comparison was written with (its own and its measures'
    #: formulas'): the comparison is unknown when one is zero, even where sympy
    #: has cancelled it away, as in ``x / x`` or ``x * y / y``.
    guards: tuple[sympy.Expr, ...] = ()
    #: Every input the comparison names, even where it cancels, as in ``x - x``.
    inputs: frozenset[sympy.Symbol] = frozenset()

    @functools.cached_property
    def divisors(self) -> tuple[sympy.Expr, ...]:
        """The denominator and the guards, each once (a guard is often the
        denominator itself, as in ``100 * passed / sampled``)."""
        return tuple(dict.fromkeys((self.denominator, *self.guards)))

    @functools.cached_property
    def symbols(self) -> frozenset[sympy.Symbol]:
        """Every input the comparison depends on (worked out once: a predicate is
        judged many times)."""
        found = set(self.integer.free_symbols | self.denominator.free_symbols | self.inputs)
        for guard in self.guards:
            found |= guard.free_symbols
        return frozenset(found)


@attrs.frozen
class Negation:
    operand: Predicate


@attrs.frozen
class AllOf:
    left: Predicate
    right: Predicate


@attrs.frozen
class AnyOf:
    left: Predicate
    right: Predicate


Predicate: TypeAlias = Condition | Negation | AllOf | AnyOf


def _condition(
    op: Comparator, left: sympy.Expr, right: sympy.Expr, guards: tuple[sympy.Expr, ...] = (),
    inputs: frozenset[sympy.Symbol] = frozenset(),
) -> Condition:
    expr = left - right
    integer, denominator = integer_form(expr)
    return Condition(op, expr, integer, denominator, guards, inputs)


def _guards(node: Node, symbols: Callable[[str], sympy.Expr],
            found: dict[sympy.Expr, None], inputs: set[sympy.Symbol]) -> None:
    """Collect the divisors in ``node`` and in the formulas of the measures it
    names, and the inputs it names, before sympy can cancel any of them."""
    if isinstance(node, Name):
        resolved = symbols(node.id)
        inputs.update(resolved.free_symbols)
        for power in resolved.atoms(sympy.Pow):
            if power.exp.is_negative:
                found.setdefault(power.base, None)
    elif isinstance(node, Negate):
        _guards(node.operand, symbols, found, inputs)
    elif isinstance(node, BinaryOp):
        _guards(node.left, symbols, found, inputs)
        _guards(node.right, symbols, found, inputs)
        if node.op == "/":
            found.setdefault(to_sympy(node.right, symbols), None)


def compile_predicate(tree: Node, resolve: Callable[[str], sympy.Expr]) -> Predicate:
    """Compile a requirement's tree; ``resolve`` gives each measure's expression."""
    if isinstance(tree, Compare):
        operands = [to_sympy(o, resolve) for o in tree.operands]
        conditions: list[Predicate] = []
        for index, (op, a, b) in enumerate(
            zip(tree.ops, operands, operands[1:], strict=False)
        ):
            found: dict[sympy.Expr, None] = {}
            inputs: set[sympy.Symbol] = set()
            for node in tree.operands[index : index + 2]:
                _guards(node, resolve, found, inputs)
            conditions.append(_condition(op, a, b, tuple(found), frozenset(inputs)))
        result = conditions[0]
        for condition in conditions[1:]:
            result = AllOf(result, condition)
        return result
    if isinstance(tree, Not):
        return Negation(compile_predicate(tree.operand, resolve))
    if isinstance(tree, Logic):
        left = compile_predicate(tree.left, resolve)
        right = compile_predicate(tree.right, resolve)
        return AllOf(left, right) if tree.op == "and" else AnyOf(left, right)
    raise TypeError(f"not a truth value: {tree!r}")  # the parser never lets this through


_COMPARE: dict[str, Callable[[Fraction], bool]] = {
    ">=": lambda v: v >= 0,
    ">": lambda v: v > 0,
    "<=": lambda v: v <= 0,
    "<": lambda v: v < 0,
    "==": lambda v: v == 0,
    "!=": lambda v: v != 0,
}


def compare(op: Comparator, value: Fraction) -> bool:
    """Whether ``value op 0`` holds."""
    return _COMPARE[op](value)


def evaluate_exact(expr: sympy.Expr, env: Mapping[sympy.Symbol, Fraction]) -> Fraction:
    """Evaluate a sympy expression exactly with ``Fraction`` inputs.

    Walks the expression tree itself (no ``lambdify``), once per expression:
    the walk builds a tree of closures over `Fraction` arithmetic, kept for the
    next call. Raises ``KeyError`` for a symbol without a value and
    ``ZeroDivisionError`` for a zero denominator.
    """
    return _evaluator(expr)(env)


_Evaluator: TypeAlias = Callable[[Mapping[sympy.Symbol, Fraction]], Fraction]


@functools.lru_cache(maxsize=8192)
def _evaluator(expr: sympy.Expr) -> _Evaluator:
    if expr.is_Symbol:
        return lambda env: env[expr]
    if expr is sympy.zoo or expr is sympy.nan:
        # What sympy makes of a division by a constant zero, such as x / 0.
        def undefined(env: Mapping[sympy.Symbol, Fraction]) -> Fraction:
            raise ZeroDivisionError(f"{expr} comes of a division by zero")

        return undefined
    if expr.is_Rational:
        constant = to_fraction(expr)
        return lambda env: constant
    if expr.is_Add or expr.is_Mul:
        parts = tuple(_evaluator(a) for a in expr.args)
        if expr.is_Add:
            return lambda env: sum((part(env) for part in parts), Fraction(0))

        def product(env: Mapping[sympy.Symbol, Fraction]) -> Fraction:
            result = Fraction(1)
            for part in parts:
                result *= part(env)
            return result

        return product
    if expr.is_Pow and expr.exp.is_Integer:
        base, exponent = _evaluator(expr.base), int(expr.exp)
        return lambda env: base(env) ** exponent
    raise TypeError(f"cannot evaluate {expr!r} exactly")  # the language builds no such node


@attrs.frozen
class Outcome:
    """What a predicate came to, and, when unknown, why."""

    truth: Truth
    missing: frozenset[sympy.Symbol] = frozenset()
    zero_denominator: bool = False


def evaluate_predicate(predicate: Predicate, env: Mapping[sympy.Symbol, Fraction]) -> Outcome:
    """Judge a predicate in three-valued logic; a missing input is unknown."""
    if isinstance(predicate, Condition):
        if not predicate.symbols <= env.keys():
            missing = frozenset(s for s in predicate.symbols if s not in env)
            return Outcome(Truth.UNKNOWN, missing=missing)
        try:
            # A guard is itself a quotient when divisions nest, as in 1 / (1 / x).
            if any(evaluate_exact(d, env) == 0 for d in predicate.divisors):
                return Outcome(Truth.UNKNOWN, zero_denominator=True)
            value = evaluate_exact(predicate.integer, env)
        except ZeroDivisionError:
            return Outcome(Truth.UNKNOWN, zero_denominator=True)
        return Outcome(Truth.of(compare(predicate.op, value)))
    if isinstance(predicate, Negation):
        inner = evaluate_predicate(predicate.operand, env)
        return attrs.evolve(inner, truth=~inner.truth)
    left = evaluate_predicate(predicate.left, env)
    right = evaluate_predicate(predicate.right, env)
    truth = left.truth & right.truth if isinstance(predicate, AllOf) else left.truth | right.truth
    if truth is not Truth.UNKNOWN:
        return Outcome(truth)
    return Outcome(
        truth,
        missing=left.missing | right.missing,
        zero_denominator=left.zero_denominator or right.zero_denominator,
    )


def single_threshold(tree: Node, measure: str) -> tuple[Comparator, Fraction] | None:
    """``(op, value)`` when a requirement is ``measure op constant`` (either way round)."""
    if not isinstance(tree, Compare) or len(tree.ops) != 1:
        return None
    left, right = tree.operands
    op = tree.ops[0]
    if isinstance(right, Name) and right.id == measure and not isinstance(left, Name):
        left, right = right, left
        op = _FLIPPED[op]
    if not (isinstance(left, Name) and left.id == measure):
        return None
    value = constant_value(right)
    return None if value is None else (op, value)


_FLIPPED: dict[Comparator, Comparator] = {
    ">=": "<=", "<=": ">=", ">": "<", "<": ">", "==": "==", "!=": "!=",
}


def constant_value(node: Node) -> Fraction | None:
    """The exact value of an expression without measures, or ``None``."""
    if isinstance(node, Number):
        return node.value
    try:
        expr = to_sympy(node, _no_measures)
    except _NotConstant:
        return None
    if not expr.is_Rational:
        return None
    return to_fraction(expr)


def _no_measures(name: str) -> sympy.Expr:
    raise _NotConstant


class _NotConstant(Exception):
    pass


# -- requirements that ignore the data ----------------------------------------

#: A measure's plausible values: its lower bound and its upper (``None``: none).
Bounds: TypeAlias = Callable[[str], tuple[Fraction, Fraction | None]]


def _plain(name: str) -> sympy.Expr:
    return sympy.Symbol(name, nonnegative=True)


def _is_zero(expr: sympy.Expr) -> bool:
    return not expr.free_symbols and (expr == 0 or _expand(expr) == 0)


def divides_by_zero(tree: Node) -> bool:
    """Whether an expression divides by something that is zero whatever the data:
    ``1 / 0``, ``x / (a - a)``; a comparison with such a division is always
    unknown, so a rule with one could never be judged."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, BinaryOp):
            if node.op == "/":
                divisor = to_sympy(node.right, _plain)
                if divisor.has(sympy.zoo, sympy.nan) or _is_zero(divisor):
                    return True
            stack.extend((node.left, node.right))
        elif isinstance(node, Negate | Not):
            stack.append(node.operand)
        elif isinstance(node, Compare):
            stack.extend(node.operands)
        elif isinstance(node, Logic):
            stack.extend((node.left, node.right))
    return False


def ignores_data(tree: Node, bounds: Bounds) -> list[tuple[str, tuple[int, int]]]:
    """The parts of a requirement that make it ignore the data, each as
    ``(message, span)``: a comparison that divides by a constant zero (always
    unknown), one whose sides differ by a constant (``1 >= 0``, ``rate >= rate``:
    always true or always false), and a requirement that holds, or fails, for
    every value within its measures' ``bounds`` (``rate >= 0``, ``rate > 100``
    for a percentage)."""
    found: list[tuple[str, tuple[int, int]]] = []
    truth = _constant(tree, bounds, found)
    if truth is None and not found:
        truth = _same_everywhere(tree, bounds)
    if truth is not None and not found:
        word = "met" if truth is Truth.TRUE else "not met"
        found.append((f"the requirement is {word} whatever values within the measures' "
                      "bounds are reported: it does not depend on the data", tree.span))
    return found


def _constant(node: Node, bounds: Bounds, found: list[tuple[str, tuple[int, int]]]
              ) -> Truth | None:
    """The truth of a requirement when the data cannot change it, else ``None``."""
    if isinstance(node, Compare):
        truths = [_constant_comparison(op, a, b, bounds, found)
                  for op, a, b in zip(node.ops, node.operands, node.operands[1:], strict=False)]
        if Truth.FALSE in truths:
            return Truth.FALSE
        return Truth.TRUE if all(t is Truth.TRUE for t in truths) else None
    if isinstance(node, Not):
        inner = _constant(node.operand, bounds, found)
        return None if inner is None else ~inner
    if isinstance(node, Logic):
        left = _constant(node.left, bounds, found)
        right = _constant(node.right, bounds, found)
        absorbing = Truth.FALSE if node.op == "and" else Truth.TRUE
        if absorbing in (left, right):
            return absorbing
        return left if left is not None and left == right else None
    return None


def _constant_comparison(op: Comparator, a: Node, b: Node, bounds: Bounds,
                         found: list[tuple[str, tuple[int, int]]]) -> Truth | None:
    span = (min(a.span[0], b.span[0]), max(a.span[1], b.span[1]))
    if divides_by_zero(a) or divides_by_zero(b):
        found.append(("divides by zero whatever the data: this comparison could never be "
                      "judged", span))
        return None
    for name, other, written in ((a, b, op), (b, a, _FLIPPED[op])):
        if isinstance(name, Name):
            value = constant_value(other)
            if value is not None:
                return _within_bounds(written, value, *bounds(name.id))
    form, _ = integer_form(to_sympy(a, _plain) - to_sympy(b, _plain))
    if form.free_symbols:
        return None
    truth = Truth.of(compare(op, to_fraction(form)))
    word = "true" if truth is Truth.TRUE else "false"
    found.append((f"does not depend on the data: it is always {word}", span))
    return truth


def _within_bounds(op: Comparator, value: Fraction, lower: Fraction, upper: Fraction | None
                   ) -> Truth | None:
    """``x op value`` for every ``x`` in ``[lower, upper]``: true, false, or ``None``
    when it depends on ``x``."""
    ends = [compare(op, lower - value)]
    if upper is None:
        # Large enough values: x > value for every op that has a limit.
        ends.append(op in (">=", ">", "!="))
    else:
        ends.append(compare(op, upper - value))
    inside = lower < value and (upper is None or value < upper)
    if op in ("==", "!=") and inside and (upper is None or lower != upper):
        ends.append(op == "==")  # value itself is reachable
    if all(ends):
        return Truth.TRUE
    return Truth.FALSE if not any(ends) else None


#: How many combinations of values `_same_everywhere` tries at most.
_MAX_POINTS = 4096


def _same_everywhere(tree: Node, bounds: Bounds) -> Truth | None:
    """For a requirement made of thresholds on measures (``x >= 90 or x < 90``):
    its truth, when it is the same for every value within the bounds. Between
    two thresholds nothing changes, so the thresholds, the points between them
    and the bounds are every case there is."""
    thresholds: dict[str, set[Fraction]] = {}
    if not _thresholds(tree, thresholds):
        return None
    axes = []
    for name, values in sorted(thresholds.items()):
        lower, upper = bounds(name)
        inside = sorted({lower, *(v for v in values if v >= lower
                                  and (upper is None or v <= upper))}
                        | (set() if upper is None else {upper}))
        cases = set(inside) | {(a + b) / 2 for a, b in itertools.pairwise(inside)}
        if upper is None:
            cases.add(inside[-1] + 1)
        axes.append((name, sorted(cases)))
    size = 1
    for _, points in axes:
        size *= len(points)
    if size > _MAX_POINTS:
        return None
    seen: set[bool] = set()
    for combination in itertools.product(*(points for _, points in axes)):
        env = dict(zip((name for name, _ in axes), combination, strict=True))
        seen.add(_holds(tree, env))
        if len(seen) > 1:
            return None
    return Truth.of(seen.pop()) if seen else None


def _thresholds(node: Node, found: dict[str, set[Fraction]]) -> bool:
    """Collect each measure's thresholds; ``False`` unless every comparison is
    one of a measure with a constant."""
    if isinstance(node, Compare):
        for a, b in zip(node.operands, node.operands[1:], strict=False):
            name, other = (a, b) if isinstance(a, Name) else (b, a)
            value = constant_value(other) if isinstance(name, Name) else None
            if value is None:
                return False
            assert isinstance(name, Name)
            found.setdefault(name.id, set()).add(value)
        return True
    if isinstance(node, Not):
        return _thresholds(node.operand, found)
    if isinstance(node, Logic):
        return _thresholds(node.left, found) and _thresholds(node.right, found)
    return False


def _holds(node: Node, env: Mapping[str, Fraction]) -> bool:
    """A requirement of thresholds (see `_thresholds`) at given values."""
    if isinstance(node, Compare):
        def value(operand: Node) -> Fraction:
            if isinstance(operand, Name):
                return env[operand.id]
            found = constant_value(operand)
            assert found is not None
            return found

        return all(compare(op, value(a) - value(b))
                   for op, a, b in zip(node.ops, node.operands, node.operands[1:], strict=False))
    if isinstance(node, Not):
        return not _holds(node.operand, env)
    assert isinstance(node, Logic)
    if node.op == "and":
        return _holds(node.left, env) and _holds(node.right, env)
    return _holds(node.left, env) or _holds(node.right, env)
