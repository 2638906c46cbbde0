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
    "evaluate_exact",
    "evaluate_predicate",
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
