"""Requirements on one measure as sets of its values, solved exactly with sympy.

Shared by ``qrules lint`` (which statements of a measure are equivalent, which
binds) and ``qrules.strategies`` (values drawn from the set that meets a rule,
or from its complement). A set is a union of intervals with rational ends
inside the measure's domain: the non-negative reals, a percentage at most 100,
and whole numbers only for a count.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING, TypeAlias

import attrs

from ._compile import compare
from ._expr import (
    RELATIONS,
    BinaryOp,
    Comparator,
    Compare,
    Logic,
    Name,
    Negate,
    Node,
    Not,
    Number,
    rational,
    to_fraction,
    to_sympy,
)
from ._limits import MAX_SYMBOLIC_DEGREE, MAX_SYMBOLIC_TERMS
from ._messages import say
from ._model import Measure, Rule, Text

if TYPE_CHECKING:
    import sympy
else:
    from ._sympy import sympy

__all__ = ["OverBudget", "Undecided", "domain", "over_budget", "requirement_values", "subset"]


class Undecided(Exception):
    """sympy could not reduce a requirement to a set of values of its measure."""


class OverBudget(Undecided):
    """A requirement beyond the budget of symbolic work (docs/security.md):
    not given to sympy; ``note`` says why."""

    def __init__(self, note: Text) -> None:
        super().__init__(note.en)
        self.note = note


# -- the budget ---------------------------------------------------------------
# Measured on qrules' own tree, before sympy sees anything: sympy's time and
# memory grow with the degree and the number of terms of what it expands and
# solves (a product of 40 factors took lint 101 s), and both are bounded here
# from the tree's shape, formulas included, without expanding anything.

#: Sizes are counted up to this, then stay there (a chain of formulas that
#: square each other would otherwise count to numbers of thousands of digits).
_CAP = 10**9


@attrs.frozen
class _Size:
    """Bounds on a quotient of polynomials in the measures, as its integer form
    would expand: the terms and degree of its numerator and of its denominator."""

    terms: int
    degree: int
    den_terms: int = 1
    den_degree: int = 0


def _times(a: int, b: int) -> int:
    return min(a * b, _CAP)


def _plus(a: int, b: int) -> int:
    return min(a + b, _CAP)


def _size(node: Node, sized: Callable[[str], _Size]) -> _Size:
    if isinstance(node, Number):
        return _Size(1, 0)
    if isinstance(node, Name):
        return sized(node.id)
    if isinstance(node, Negate):
        return _size(node.operand, sized)
    assert isinstance(node, BinaryOp), node
    a, b = _size(node.left, sized), _size(node.right, sized)
    if node.op == "*":
        return _Size(
            _times(a.terms, b.terms),
            _plus(a.degree, b.degree),
            _times(a.den_terms, b.den_terms),
            _plus(a.den_degree, b.den_degree),
        )
    if node.op == "/":
        return _Size(
            _times(a.terms, b.den_terms),
            _plus(a.degree, b.den_degree),
            _times(a.den_terms, b.terms),
            _plus(a.den_degree, b.degree),
        )
    return _difference(a, b)


def _difference(a: _Size, b: _Size) -> _Size:
    """A sum or difference: over the product of the denominators."""
    return _Size(
        _plus(_times(a.terms, b.den_terms), _times(b.terms, a.den_terms)),
        max(_plus(a.degree, b.den_degree), _plus(b.degree, a.den_degree)),
        _times(a.den_terms, b.den_terms),
        _plus(a.den_degree, b.den_degree),
    )


def _comparisons(node: Node, sized: Callable[[str], _Size]) -> tuple[int, int]:
    """The most terms and the highest degree of a comparison's integer form."""
    if isinstance(node, Compare):
        sizes = [_size(operand, sized) for operand in node.operands]
        found = [_difference(a, b) for a, b in itertools.pairwise(sizes)]
        return max(f.terms for f in found), max(f.degree for f in found)
    if isinstance(node, Not):
        return _comparisons(node.operand, sized)
    if not isinstance(node, Logic):  # a formula: its integer form is its numerator
        size = _size(node, sized)
        return size.terms, size.degree
    left = _comparisons(node.left, sized)
    right = _comparisons(node.right, sized)
    return max(left[0], right[0]), max(left[1], right[1])


def over_budget(
    tree: Node, formula: Callable[[str], Node | None] = lambda name: None
) -> Text | None:
    """Why a requirement (or a formula) is beyond the budget of symbolic work,
    or ``None``.

    ``formula`` gives the formula that stands for a measure, when formulas are
    expanded (``diff``), or ``None``. Cheap: a walk over the trees, each formula
    measured once.
    """

    @functools.cache  # each measure's formula measured once, however often it is named
    def sized(name: str) -> _Size:
        expanded = formula(name)
        return _Size(1, 1) if expanded is None else _size(expanded, sized)

    terms, degree = _comparisons(tree, sized)
    if degree > MAX_SYMBOLIC_DEGREE:
        return say("sets.degree", shown=_shown(degree), budget=MAX_SYMBOLIC_DEGREE)
    if terms > MAX_SYMBOLIC_TERMS:
        return say("sets.terms", shown=_shown(terms), budget=MAX_SYMBOLIC_TERMS)
    return None


def _shown(size: int) -> Text:
    """A size as the budget messages say it: ``1,200``, or ``over 1,000,000``."""
    return say("sets.size", size=size) if size < _CAP else say("sets.over", size=_CAP)


@functools.cache
def _value() -> sympy.Dummy:
    """The measure's value, one real variable (made on first use: sympy is
    imported only when needed)."""
    return sympy.Dummy("value", real=True)


def domain(measure: Measure) -> sympy.Set:
    """The values a measure can take: its bounds (by default non-negative, and
    at most 100 for a percentage)."""
    upper = measure.upper
    return sympy.Interval(rational(measure.lower), sympy.oo if upper is None else rational(upper))


def _only(measure: str) -> Callable[[str], sympy.Symbol]:
    """The rule's own measure as one real variable; any other measure is undecided."""

    def lookup(name: str) -> sympy.Symbol:
        if name != measure:
            raise Undecided(name)
        return _value()

    return lookup


def requirement_values(rule: Rule) -> sympy.Set:
    """The values of the rule's measure that meet its requirement: a union of
    intervals of its domain, with whole-number ends for a count (so that two
    requirements on a count are equal as sets exactly when they admit the same
    whole numbers: ``> 299`` and ``>= 300``). Raises `Undecided`."""
    note = over_budget(rule.requirement.tree)
    if note is not None:
        raise OverBudget(note)
    within = domain(rule.measure)
    found = _solve_node(rule.requirement.tree, _only(rule.measure.id), within)
    pieces = _pieces(found)
    if rule.measure.unit.integer:
        pieces = _whole(pieces)
    return _as_set(pieces)


def _solve_node(node: Node, symbols: Callable[[str], sympy.Symbol], within: sympy.Set) -> sympy.Set:
    if isinstance(node, Compare):
        operands = [to_sympy(o, symbols) for o in node.operands]
        result: sympy.Set = within
        for op, left, right in zip(node.ops, operands, operands[1:], strict=False):
            result = sympy.Intersection(result, _solve(op, sympy.expand(left - right), within))
        return result
    if isinstance(node, Not):
        return sympy.Complement(within, _solve_node(node.operand, symbols, within))
    if isinstance(node, Logic):
        left = _solve_node(node.left, symbols, within)
        right = _solve_node(node.right, symbols, within)
        return sympy.Intersection(left, right) if node.op == "and" else sympy.Union(left, right)
    raise Undecided(node)  # the parser lets no bare number through


def _solve(op: Comparator, expr: sympy.Expr, within: sympy.Set) -> sympy.Set:
    """The values of the measure in ``within`` where ``expr op 0``."""
    if not expr.free_symbols:
        return within if compare(op, fraction(expr)) else sympy.S.EmptySet
    try:
        if op in ("==", "!="):
            roots = sympy.solveset(sympy.Eq(expr, 0), _value(), sympy.S.Reals)
            found = roots if op == "==" else sympy.Complement(sympy.S.Reals, roots)
        else:
            relation = getattr(sympy, RELATIONS[op])(expr, 0, evaluate=False)
            found = sympy.solve_univariate_inequality(
                relation, _value(), relational=False, domain=sympy.S.Reals
            )
    except (NotImplementedError, ValueError, TypeError) as error:
        raise Undecided(expr) from error
    return sympy.Intersection(found, within)


# A piece is an interval (low, low_open, high, high_open); high None is infinity.
_Piece: TypeAlias = tuple[Fraction, bool, Fraction | None, bool]


def fraction(value: sympy.Expr) -> Fraction:
    """A sympy rational as a `Fraction`; anything else is undecided."""
    if not value.is_Rational:
        raise Undecided(value)
    return to_fraction(value)


def _pieces(found: sympy.Set) -> list[_Piece]:
    """A set of reals as sorted, merged intervals with rational ends."""
    if found.is_empty:
        return []
    parts = found.args if isinstance(found, sympy.Union) else (found,)
    pieces: list[_Piece] = []
    for part in parts:
        if isinstance(part, sympy.Interval):
            high = None if part.end is sympy.oo else fraction(part.end)
            pieces.append((fraction(part.start), bool(part.left_open), high, bool(part.right_open)))
        elif isinstance(part, sympy.FiniteSet):
            for point in part.args:
                value = fraction(point)
                pieces.append((value, False, value, False))
        elif part.is_empty:
            continue
        else:
            raise Undecided(part)
    return _merge(pieces)


def _merge(pieces: list[_Piece]) -> list[_Piece]:
    merged: list[_Piece] = []
    for piece in sorted(pieces, key=lambda p: (p[0], p[1])):
        if merged:
            low, low_open, high, high_open = merged[-1]
            touches = (
                high is None
                or piece[0] < high
                or (piece[0] == high and not (piece[1] and high_open))
            )
            if touches:
                if high is not None:
                    if piece[2] is None or piece[2] > high:
                        high, high_open = piece[2], piece[3]
                    elif piece[2] == high:
                        high_open = high_open and piece[3]
                merged[-1] = (low, low_open, high, high_open)
                continue
        merged.append(piece)
    return merged


def _whole(pieces: list[_Piece]) -> list[_Piece]:
    """The whole numbers in each interval, as closed intervals with whole ends,
    adjacent runs joined: two sets of whole numbers are equal exactly when
    these forms are."""
    whole: list[_Piece] = []
    for low, low_open, high, high_open in pieces:
        first = Fraction(math.floor(low) + 1 if low_open else math.ceil(low))
        last = (
            None
            if high is None
            else Fraction(math.ceil(high) - 1 if high_open else math.floor(high))
        )
        if last is not None and first > last:
            continue
        if whole:
            end = whole[-1][2]
            if end is None:
                break  # the run before reaches infinity
            if first <= end + 1:
                whole[-1] = (whole[-1][0], False, last, False)
                continue
        whole.append((first, False, last, False))
    return whole


def _as_set(pieces: list[_Piece]) -> sympy.Set:
    return sympy.Union(
        *(
            sympy.Interval(
                rational(low),
                sympy.oo if high is None else rational(high),
                left_open=low_open,
                right_open=high is None or high_open,
            )
            for low, low_open, high, high_open in pieces
        )
    )


def subset(inner: sympy.Set | None, outer: sympy.Set | None) -> bool:
    """Whether ``inner`` lies within ``outer``; never when either is undecided."""
    if inner is None or outer is None:
        return False
    return bool(sympy.Complement(inner, outer).is_empty)
