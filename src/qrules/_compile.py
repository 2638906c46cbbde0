"""Compiled predicates: comparisons in exact integer form, and three-valued logic.

A comparison ``lhs op rhs`` is compiled to ``lhs - rhs op 0``, put over one
denominator, and stripped of its positive rational content, leaving a
polynomial with integer coefficients that has the same sign as ``lhs - rhs``
wherever the denominator is not zero. With counts as inputs, a verdict is then
decided by integer arithmetic alone: ``100 * passed / sampled >= 98.5`` becomes
``200*passed - 197*sampled >= 0`` (given ``sampled != 0``).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, TypeAlias

import attrs

from . import _forms
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
    combine,
    to_fraction,
    to_sympy,
)
from ._forms import AllOf, AnyOf, Form, Negation, Outcome, Truth, compare

if TYPE_CHECKING:
    import sympy

    from ._model import Measure
else:
    from ._sympy import sympy

__all__ = [
    "AllOf",
    "AnyOf",
    "Condition",
    "Negation",
    "Predicate",
    "Truth",
    "compare",
    "compile_predicate",
    "divides_by_zero",
    "exact_value",
    "expression_of",
    "form_of",
    "ignores_data",
    "integer_form",
    "predicate_form",
    "predicate_outcome",
]


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


#: A compiled requirement: comparisons under `_forms`' logic nodes.
Predicate: TypeAlias = Condition | Negation[Condition] | AllOf[Condition] | AnyOf[Condition]


def _condition(
    op: Comparator,
    left: sympy.Expr,
    right: sympy.Expr,
    guards: tuple[sympy.Expr, ...] = (),
    inputs: frozenset[sympy.Symbol] = frozenset(),
) -> Condition:
    expr = left - right
    integer, denominator = integer_form(expr)
    return Condition(op, expr, integer, denominator, guards, inputs)


def _guards(
    node: Node,
    symbols: Callable[[str], sympy.Expr],
    found: dict[sympy.Expr, None],
    inputs: set[sympy.Symbol],
) -> None:
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
        for index, (op, a, b) in enumerate(zip(tree.ops, operands, operands[1:], strict=False)):
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


def exact_value(expr: sympy.Expr, env: Mapping[sympy.Symbol, Fraction]) -> Fraction:
    """Evaluate a sympy expression exactly with ``Fraction`` inputs, as its
    `Form` (no ``lambdify``). Raises ``KeyError`` for a symbol without a value
    and ``ZeroDivisionError`` for a zero denominator.
    """
    return form_of(expr).value({s.name: v for s, v in env.items()})


def predicate_outcome(predicate: Predicate, env: Mapping[sympy.Symbol, Fraction]) -> Outcome:
    """Judge a predicate in three-valued logic, as `_forms.judge` does its form
    (the missing inputs are named)."""
    return _forms.judge(
        predicate_form(predicate, linear=False), {s.name: v for s, v in env.items()}
    )


@functools.lru_cache(maxsize=8192)
def form_of(expr: sympy.Expr) -> Form:
    """A sympy expression as a `Form`, node by node."""
    return Form(_tree(expr))


def _tree(expr: sympy.Expr) -> _forms.Tree:
    if expr.is_Symbol:
        return ("n", expr.name)
    if expr is sympy.zoo or expr is sympy.nan:
        # What sympy makes of a division by a constant zero, such as x / 0.
        return ("u",)
    if expr.is_Rational:
        return ("q", int(expr.p), int(expr.q))
    if expr.is_Add or expr.is_Mul:
        return ("+" if expr.is_Add else "*", tuple(_tree(a) for a in expr.args))
    if expr.is_Pow and expr.exp.is_Integer:
        return ("^", _tree(expr.base), int(expr.exp))
    raise TypeError(f"cannot evaluate {expr!r} exactly")  # the language builds no such node


@functools.lru_cache(maxsize=4096)
def predicate_form(predicate: Predicate, linear: bool = True) -> _forms.Predicate:
    """A compiled predicate as `_forms` judge it without sympy; with ``linear``,
    each comparison also carries its parts linear in each input (for the
    smallest change)."""
    if isinstance(predicate, Condition):
        parts: list[tuple[str, Form, Form]] = []
        if linear:
            for symbol in sorted(predicate.integer.free_symbols, key=lambda s: s.name):
                a = sympy.diff(predicate.integer, symbol)
                if symbol not in a.free_symbols:
                    b = sympy.expand(predicate.integer - a * symbol)
                    parts.append((symbol.name, form_of(a), form_of(b)))
        return _forms.Condition(
            predicate.op,
            form_of(predicate.integer),
            tuple(form_of(d) for d in predicate.divisors),
            frozenset(s.name for s in predicate.symbols),
            tuple(parts),
        )
    if isinstance(predicate, Negation):
        return _forms.Negation(predicate_form(predicate.operand, linear))
    left = predicate_form(predicate.left, linear)
    right = predicate_form(predicate.right, linear)
    return _forms.AllOf(left, right) if isinstance(predicate, AllOf) else _forms.AnyOf(left, right)


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
    ">=": "<=",
    "<=": ">=",
    ">": "<",
    "<": ">",
    "==": "==",
    "!=": "!=",
}


def constant_value(node: Node) -> Fraction | None:
    """The exact value of an expression without measures, or ``None`` (also
    for a division by zero): worked out with ``Fraction``, as sympy would."""
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Negate):
        inner = constant_value(node.operand)
        return None if inner is None else -inner
    if not isinstance(node, BinaryOp):
        return None
    left, right = constant_value(node.left), constant_value(node.right)
    if left is None or right is None or (node.op == "/" and right == 0):
        return None
    value: Fraction = combine(node.op, left, right)
    return value


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
    for a percentage). The message is the id of the catalog's message (the
    loader says it in either language; a cache keeps the id)."""
    found: list[tuple[str, tuple[int, int]]] = []
    truth = _constant(tree, bounds, found)
    if truth is None and not found:
        truth = _same_everywhere(tree, bounds)
    if truth is not None and not found:
        found.append(
            (
                "compile.always_met" if truth is Truth.TRUE else "compile.never_met",
                tree.span,
            )
        )
    return found


def _constant(node: Node, bounds: Bounds, found: list[tuple[str, tuple[int, int]]]) -> Truth | None:
    """The truth of a requirement when the data cannot change it, else ``None``."""
    if isinstance(node, Compare):
        truths = [
            _constant_comparison(op, a, b, bounds, found)
            for op, a, b in zip(node.ops, node.operands, node.operands[1:], strict=False)
        ]
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


def _constant_comparison(
    op: Comparator, a: Node, b: Node, bounds: Bounds, found: list[tuple[str, tuple[int, int]]]
) -> Truth | None:
    span = (min(a.span[0], b.span[0]), max(a.span[1], b.span[1]))
    if divides_by_zero(a) or divides_by_zero(b):
        found.append(("compile.divides_by_zero", span))
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
    found.append(("compile.always_true" if truth is Truth.TRUE else "compile.always_false", span))
    return truth


def _within_bounds(
    op: Comparator, value: Fraction, lower: Fraction, upper: Fraction | None
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
        inside = sorted(
            {lower, *(v for v in values if v >= lower and (upper is None or v <= upper))}
            | (set() if upper is None else {upper})
        )
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

        return all(
            compare(op, value(a) - value(b))
            for op, a, b in zip(node.ops, node.operands, node.operands[1:], strict=False)
        )
    if isinstance(node, Not):
        return not _holds(node.operand, env)
    assert isinstance(node, Logic)
    if node.op == "and":
        return _holds(node.left, env) and _holds(node.right, env)
    return _holds(node.left, env) or _holds(node.right, env)


def expression_of(name: str, measures: Mapping[str, Measure], expand: frozenset[str]) -> sympy.Expr:
    """A measure as a sympy expression: its symbol, or its formula if expanded."""
    measure = measures[name]
    if name in expand and measure.formula is not None:
        return to_sympy(measure.formula.tree, lambda n: expression_of(n, measures, expand))
    return measure.symbol
