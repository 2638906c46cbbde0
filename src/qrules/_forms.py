"""Compiled comparisons without sympy: exact forms, judged with `Fraction`s.

The compiler (`_compile`, with sympy) turns a requirement into comparisons in
integer form; this module holds what it produces, in a shape that needs no
sympy to judge and that is written to and read from JSON (`_cache`), so that
judging figures and records starts without importing sympy.

A `Form` is an exact expression over measures: a tree of names, rational
constants, sums, products and integer powers, evaluated with ``Fraction``
arithmetic. Its JSON is a nested list::

    ["n", "passed"]              a measure
    ["q", 197, 2]                the constant 197/2
    ["+", [f, ...]]              a sum
    ["*", [f, ...]]              a product
    ["^", f, -1]                 an integer power
    ["u"]                        undefined (what a division by a constant zero gives)

Reading JSON back is strict (`form_from_json`, `predicate_from_json`): any other
shape raises `ValueError`.
"""

from __future__ import annotations

import enum
import functools
import math
from collections.abc import Callable, Collection, Mapping
from fractions import Fraction
from typing import Any, Generic, TypeAlias, TypeVar

import attrs

from ._expr import COMPARATORS, Comparator

__all__ = [
    "AllOf",
    "AnyOf",
    "Condition",
    "Form",
    "Negation",
    "Outcome",
    "Predicate",
    "Truth",
    "compare",
    "form_from_json",
    "judge",
    "predicate_from_json",
    "predicate_to_json",
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


_COMPARE: dict[str, Callable[[int | Fraction], bool]] = {
    ">=": lambda v: v >= 0,
    ">": lambda v: v > 0,
    "<=": lambda v: v <= 0,
    "<": lambda v: v < 0,
    "==": lambda v: v == 0,
    "!=": lambda v: v != 0,
}


def compare(op: Comparator, value: int | Fraction) -> bool:
    """Whether ``value op 0`` holds."""
    return _COMPARE[op](value)


# -- forms --------------------------------------------------------------------

#: A form's tree: the JSON shape above, with tuples for lists.
Tree: TypeAlias = tuple[Any, ...]
_Env: TypeAlias = Mapping[str, Fraction]
_Evaluator: TypeAlias = Callable[[_Env], Fraction]


@attrs.frozen
class Form:
    """An exact expression over measures (see the module's docstring)."""

    tree: Tree

    @functools.cached_property
    def value(self) -> _Evaluator:
        """``value(env)``: the form's exact value with the measures in ``env``.

        Raises ``KeyError`` for a measure without a value and ``ZeroDivisionError``
        for a zero denominator. The tree is walked once, into closures kept for
        the next call (`_evaluator`).
        """
        exact = self.exact

        def value(env: _Env) -> Fraction:
            found = exact(env)
            return found if type(found) is Fraction else Fraction(found)

        return value

    @functools.cached_property
    def exact(self) -> Callable[[_Env], _Exact]:
        """`value`, as an ``int`` when it is a whole number (cheaper to compare)."""
        return _evaluator(self.tree)

    @functools.cached_property
    def names(self) -> frozenset[str]:
        """The measures the form names."""
        found: set[str] = set()
        stack = [self.tree]
        while stack:
            tree = stack.pop()
            if tree[0] == "n":
                found.add(tree[1])
            elif tree[0] in ("+", "*"):
                stack.extend(tree[1])
            elif tree[0] == "^":
                stack.append(tree[1])
        return frozenset(found)

    def to_json(self) -> Any:
        return _tree_to_json(self.tree)


#: An exact value as a form's closures compute it: an ``int`` while it is a
#: whole number (Python's integer arithmetic, much cheaper than `Fraction`'s),
#: a `Fraction` otherwise; `Form.value` gives a `Fraction` either way.
_Exact: TypeAlias = "int | Fraction"


def _whole(value: Fraction) -> _Exact:
    """A measure's value, an ``int`` when it is a whole number."""
    return value.numerator if value.denominator == 1 else value


def _evaluator(tree: Tree) -> Callable[[_Env], _Exact]:
    """A form's tree as closures over exact arithmetic: whole numbers as ``int``
    (exact, as `Fraction` is), other values as `Fraction`; the same value as
    `Fraction` arithmetic throughout gives."""
    kind = tree[0]
    if kind == "n":
        name = tree[1]

        def named(env: _Env) -> _Exact:
            value = env[name]
            return value.numerator if value.denominator == 1 else value

        return named
    if kind == "q":
        constant = _whole(Fraction(tree[1], tree[2]))
        return lambda env: constant
    if kind == "u":

        def undefined(env: _Env) -> _Exact:
            raise ZeroDivisionError("the form comes of a division by zero")

        return undefined
    if kind == "^":
        base, exponent = _evaluator(tree[1]), tree[2]
        if exponent < 0:  # an int to a negative power would be a float
            return lambda env: _whole(Fraction(base(env)) ** exponent)
        return lambda env: base(env) ** exponent
    if kind == "+":
        parts = tuple(_evaluator(t) for t in tree[1])
        return lambda env: sum(part(env) for part in parts)
    if not tree[1]:
        return lambda env: 1
    if not any(t[0] == "^" and t[2] < 0 for t in tree[1]):
        first, *rest = (_evaluator(t) for t in tree[1])

        def multiplied(env: _Env) -> _Exact:
            result = first(env)
            for part in rest:
                result *= part(env)
            return result

        return multiplied
    # Each factor, or the base of one to a negative power with that power made
    # positive: the product's numerator and denominator are multiplied as
    # integers, in order, and one `Fraction` made of them at the end (a share,
    # 100 * a * b^-1, is one, not three).
    factors = tuple(
        (_evaluator(t[1]), -t[2]) if t[0] == "^" and t[2] < 0 else (_evaluator(t), 0)
        for t in tree[1]
    )

    def product(env: _Env) -> _Exact:
        numerator = denominator = 1
        for factor, power in factors:
            value = factor(env)
            if power and value == 0:
                raise ZeroDivisionError("the form divides by zero")
            top, bottom = (value, 1) if type(value) is int else value.as_integer_ratio()
            if power:
                top, bottom = bottom**power, top**power
            numerator *= top
            denominator *= bottom
        if denominator == 1:
            return numerator
        return _whole(Fraction(numerator, denominator))

    return product


def _tree_to_json(tree: Tree) -> Any:
    if tree[0] in ("+", "*"):
        return [tree[0], [_tree_to_json(t) for t in tree[1]]]
    if tree[0] == "^":
        return ["^", _tree_to_json(tree[1]), tree[2]]
    return list(tree)


#: Bounds on a form read from JSON: how deep its tree, how large a power.
MAX_FORM_DEPTH = 200
MAX_EXPONENT = 10_000


def form_from_json(data: Any, names: Collection[str]) -> Form:
    """A form from its JSON, naming only measures in ``names``; ``ValueError``
    for anything else."""
    return Form(_tree_from_json(data, names, 0))


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _tree_from_json(data: Any, names: Collection[str], depth: int) -> Tree:
    if depth > MAX_FORM_DEPTH or not isinstance(data, list) or not data:
        raise ValueError("not a form")
    kind = data[0]
    if kind == "n" and len(data) == 2 and isinstance(data[1], str) and data[1] in names:
        return ("n", data[1])
    if (
        kind == "q"
        and len(data) == 3
        and _is_int(data[1])
        and _is_int(data[2])
        and data[2] > 0
        and math.gcd(data[1], data[2]) == 1
    ):
        return ("q", data[1], data[2])
    if kind == "u" and len(data) == 1:
        return ("u",)
    if kind in ("+", "*") and len(data) == 2 and isinstance(data[1], list) and data[1]:
        return (kind, tuple(_tree_from_json(t, names, depth + 1) for t in data[1]))
    if (
        kind == "^"
        and len(data) == 3
        and _is_int(data[2])
        and data[2] != 0
        and abs(data[2]) <= MAX_EXPONENT
    ):
        return ("^", _tree_from_json(data[1], names, depth + 1), data[2])
    raise ValueError("not a form")


# -- predicates ---------------------------------------------------------------


@attrs.frozen
class Condition:
    """One comparison, ``integer op 0``, judged where no divisor is zero."""

    op: Comparator
    #: The comparison in integer form (`_compile.integer_form`).
    integer: Form
    #: The denominator and every divisor the comparison was written with: it is
    #: unknown when one is zero, even where the compiler cancelled it away.
    divisors: tuple[Form, ...]
    #: Every input the comparison depends on, even where it cancels (``x - x``).
    names: frozenset[str]
    #: ``(name, a, b)`` with ``integer == a * name + b``, for each input the
    #: integer form is linear in, by name: what the smallest change solves.
    linear: tuple[tuple[str, Form, Form], ...] = ()


#: A comparison, as compiled: a `Condition` here, or `_compile.Condition`
#: (with sympy) before it is turned into one; the logic above them is the same.
_Leaf = TypeVar("_Leaf")


@attrs.frozen
class Negation(Generic[_Leaf]):
    operand: _Leaf | Negation[_Leaf] | AllOf[_Leaf] | AnyOf[_Leaf]


@attrs.frozen
class AllOf(Generic[_Leaf]):
    left: _Leaf | Negation[_Leaf] | AllOf[_Leaf] | AnyOf[_Leaf]
    right: _Leaf | Negation[_Leaf] | AllOf[_Leaf] | AnyOf[_Leaf]


@attrs.frozen
class AnyOf(Generic[_Leaf]):
    left: _Leaf | Negation[_Leaf] | AllOf[_Leaf] | AnyOf[_Leaf]
    right: _Leaf | Negation[_Leaf] | AllOf[_Leaf] | AnyOf[_Leaf]


Predicate: TypeAlias = Condition | Negation[Condition] | AllOf[Condition] | AnyOf[Condition]


@attrs.frozen
class Outcome:
    """What a predicate came to, and, when unknown, why."""

    truth: Truth
    #: The measures without a value.
    missing: frozenset[str] = frozenset()
    zero_denominator: bool = False


def judge(predicate: Predicate, env: Mapping[str, Fraction]) -> Outcome:
    """Judge a predicate in three-valued logic; a missing input is unknown."""
    if isinstance(predicate, Condition):
        if not predicate.names <= env.keys():
            return Outcome(Truth.UNKNOWN, missing=predicate.names - env.keys())
        try:
            # A divisor is itself a quotient when divisions nest, as in 1 / (1 / x).
            if any(d.exact(env) == 0 for d in predicate.divisors):
                return Outcome(Truth.UNKNOWN, zero_denominator=True)
            value = predicate.integer.exact(env)
        except ZeroDivisionError:
            return Outcome(Truth.UNKNOWN, zero_denominator=True)
        return Outcome(Truth.of(compare(predicate.op, value)))
    if isinstance(predicate, Negation):
        inner = judge(predicate.operand, env)
        return attrs.evolve(inner, truth=~inner.truth)
    left = judge(predicate.left, env)
    right = judge(predicate.right, env)
    truth = left.truth & right.truth if isinstance(predicate, AllOf) else left.truth | right.truth
    if truth is not Truth.UNKNOWN:
        return Outcome(truth)
    return Outcome(
        truth,
        missing=left.missing | right.missing,
        zero_denominator=left.zero_denominator or right.zero_denominator,
    )


def names_of(predicate: Predicate) -> frozenset[str]:
    """Every input a predicate depends on."""
    if isinstance(predicate, Condition):
        return predicate.names
    if isinstance(predicate, Negation):
        return names_of(predicate.operand)
    return names_of(predicate.left) | names_of(predicate.right)


def predicate_to_json(predicate: Predicate) -> Any:
    if isinstance(predicate, Condition):
        return [
            "c",
            predicate.op,
            predicate.integer.to_json(),
            [d.to_json() for d in predicate.divisors],
            sorted(predicate.names),
            [[name, a.to_json(), b.to_json()] for name, a, b in predicate.linear],
        ]
    if isinstance(predicate, Negation):
        return ["not", predicate_to_json(predicate.operand)]
    word = "and" if isinstance(predicate, AllOf) else "or"
    return [word, predicate_to_json(predicate.left), predicate_to_json(predicate.right)]


def predicate_from_json(data: Any, names: Collection[str], depth: int = 0) -> Predicate:
    """A predicate from its JSON, naming only measures in ``names``;
    ``ValueError`` for anything else."""
    if depth > MAX_FORM_DEPTH or not isinstance(data, list) or not data:
        raise ValueError("not a predicate")
    kind = data[0]
    if kind == "c" and len(data) == 6 and data[1] in COMPARATORS:
        _, op, integer, divisors, inputs, linear = data
        if not (
            isinstance(divisors, list) and isinstance(inputs, list) and isinstance(linear, list)
        ):
            raise ValueError("not a predicate")
        if not all(isinstance(n, str) and n in names for n in inputs):
            raise ValueError("not a predicate")
        parts = []
        for part in linear:
            if not (
                isinstance(part, list)
                and len(part) == 3
                and isinstance(part[0], str)
                and part[0] in names
            ):
                raise ValueError("not a predicate")
            parts.append((part[0], form_from_json(part[1], names), form_from_json(part[2], names)))
        return Condition(
            op,
            form_from_json(integer, names),
            tuple(form_from_json(d, names) for d in divisors),
            frozenset(inputs),
            tuple(parts),
        )
    if kind == "not" and len(data) == 2:
        return Negation(predicate_from_json(data[1], names, depth + 1))
    if kind in ("and", "or") and len(data) == 3:
        left = predicate_from_json(data[1], names, depth + 1)
        right = predicate_from_json(data[2], names, depth + 1)
        return AllOf(left, right) if kind == "and" else AnyOf(left, right)
    raise ValueError("not a predicate")
