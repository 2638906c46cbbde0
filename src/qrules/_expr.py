"""The expression language: tokenizer, parser, printer and translation to sympy.

Rule files may come from outside, so their text is parsed here, by hand, into a
small tree of attrs nodes; sympy objects are then built node by node from that
tree. No text from a rule file ever reaches ``eval``, ``exec``, ``sympify``,
``parse_expr`` or ``lambdify``. The grammar is in ``docs/expressions.md``.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import attrs

from ._errors import ExpressionError
from ._limits import MAX_SHOWN_DIGITS
from ._messages import say

if TYPE_CHECKING:
    import sympy
else:
    from ._sympy import sympy

__all__ = [
    "COMPARATORS",
    "MAX_DEPTH",
    "MAX_DIGITS",
    "MAX_LENGTH",
    "MEASURE_ID",
    "NEGATED",
    "RELATIONS",
    "BinaryOp",
    "Compare",
    "Expression",
    "Logic",
    "Name",
    "Negate",
    "Node",
    "Not",
    "Number",
    "combine",
    "format_expression",
    "iter_names",
    "names_in",
    "parse_formula",
    "parse_requirement",
    "rational",
    "to_fraction",
    "to_sympy",
]

MAX_LENGTH = 1000
MAX_DEPTH = 32
MAX_DIGITS = 30

Comparator: TypeAlias = Literal[">=", ">", "<=", "<", "==", "!="]
COMPARATORS: tuple[Comparator, ...] = (">=", ">", "<=", "<", "==", "!=")
#: The comparison that holds exactly when the given one does not.
NEGATED: Mapping[Comparator, Comparator] = {
    ">=": "<",
    ">": "<=",
    "<=": ">",
    "<": ">=",
    "==": "!=",
    "!=": "==",
}

# -- the tree -----------------------------------------------------------------
# Spans (start, end offsets into the text) are kept for error messages but take
# no part in equality, so that a parsed, printed and re-parsed tree compares equal.


def _span() -> tuple[int, int]:
    return attrs.field(default=(0, 0), eq=False, repr=False)


@attrs.frozen
class Number:
    value: Fraction
    span: tuple[int, int] = _span()


@attrs.frozen
class Name:
    id: str
    span: tuple[int, int] = _span()


@attrs.frozen
class Negate:
    operand: Node
    span: tuple[int, int] = _span()


@attrs.frozen
class BinaryOp:
    op: Literal["+", "-", "*", "/"]
    left: Node
    right: Node
    span: tuple[int, int] = _span()


@attrs.frozen
class Compare:
    """A comparison, or a chain of them: ``90 <= x <= 100``."""

    operands: tuple[Node, ...]
    ops: tuple[Comparator, ...]
    span: tuple[int, int] = _span()


@attrs.frozen
class Not:
    operand: Node
    span: tuple[int, int] = _span()


@attrs.frozen
class Logic:
    op: Literal["and", "or"]
    left: Node
    right: Node
    span: tuple[int, int] = _span()


Node: TypeAlias = Number | Name | Negate | BinaryOp | Compare | Not | Logic
_NUMERIC = (Number, Name, Negate, BinaryOp)
_BOOLEAN = (Compare, Not, Logic)


@attrs.frozen
class Expression:
    """A parsed expression, with the text it was written as."""

    text: str = attrs.field(eq=False)
    tree: Node

    def __str__(self) -> str:
        return format_expression(self.tree)

    @functools.cached_property
    def names(self) -> frozenset[str]:
        return names_in(self.tree)


# -- tokens -------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>[0-9]+(?:\.[0-9]+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>>=|<=|==|!=|>|<|≥|≤|\+|-|\*|/|\(|\))
    """,
    re.VERBOSE,
)
_NAME = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*\Z")
_KEYWORDS = frozenset({"and", "or", "not"})
#: A measure id: a name that is not a keyword (what the loader accepts in a rulebook).
MEASURE_ID = re.compile(rf"(?!(?:{'|'.join(sorted(_KEYWORDS))})\Z){_NAME.pattern}")
_ALIASES = {"≥": ">=", "≤": "<="}


@attrs.frozen
class _Token:
    kind: Literal["number", "name", "op", "keyword", "end"]
    text: str
    start: int
    end: int


def _tokens(text: str) -> Iterator[_Token]:
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            char = text[pos]
            name = unicodedata.name(char, "")
            said = (
                say("expr.character_named", char=char, name=name)
                if name
                else say("expr.character", char=char)
            )
            if char == "%":
                said = say("expr.percent", message=said)
            elif char in "=!":
                said = say("expr.comparisons", message=said)
            raise ExpressionError(said, text, pos)
        kind = match.lastgroup
        assert kind is not None
        if kind != "space":
            value = match.group()
            if kind == "name" and value in _KEYWORDS:
                yield _Token("keyword", value, match.start(), match.end())
            elif kind == "op":
                yield _Token("op", _ALIASES.get(value, value), match.start(), match.end())
            else:
                yield _Token(kind, value, match.start(), match.end())  # type: ignore[arg-type]
        pos = match.end()
    yield _Token("end", "", len(text), len(text))


# -- parser -------------------------------------------------------------------


class _Parser:
    """A recursive-descent parser, one method per grammar rule."""

    def __init__(self, text: str) -> None:
        if len(text) > MAX_LENGTH:
            raise ExpressionError(
                say("expr.too_long", length=len(text), limit=MAX_LENGTH),
                text,
                MAX_LENGTH,
                len(text),
            )
        self.text = text
        self.tokens = list(_tokens(text))
        self.index = 0
        self.depth = 0

    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def advance(self) -> _Token:
        token = self.current
        if token.kind != "end":
            self.index += 1
        return token

    def fail(self, expected: str, token: _Token | None = None) -> ExpressionError:
        """``expected`` (the catalog's ``expr.expected_...`` message), and what came."""
        token = token or self.current
        got = say("expr.the_end") if token.kind == "end" else say("expr.token", token=token.text)
        return ExpressionError(
            say("expr.expected", expected=say(f"expr.expected_{expected}"), got=got),
            self.text,
            token.start,
            token.end,
        )

    def expect_end(self) -> None:
        if self.current.kind != "end":
            if self.current.text == ")":
                raise self.fail("end_unbalanced")
            raise self.fail("operator_or_end")

    def enter(self, token: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(say("expr.too_deep", limit=MAX_DEPTH), self.text, token.start)

    # disjunction ::= conjunction ("or" conjunction)*
    def disjunction(self) -> Node:
        left = self.conjunction()
        while self.current.kind == "keyword" and self.current.text == "or":
            self.advance()
            right = self.conjunction()
            left = Logic(
                "or",
                _boolean(left, self.text),
                _boolean(right, self.text),
                span=(_start(left), _end(right)),
            )
        return left

    # conjunction ::= negation ("and" negation)*
    def conjunction(self) -> Node:
        left = self.negation()
        while self.current.kind == "keyword" and self.current.text == "and":
            self.advance()
            right = self.negation()
            left = Logic(
                "and",
                _boolean(left, self.text),
                _boolean(right, self.text),
                span=(_start(left), _end(right)),
            )
        return left

    # negation ::= "not" negation | comparison
    def negation(self) -> Node:
        token = self.current
        if token.kind == "keyword" and token.text == "not":
            self.advance()
            self.enter(token)
            operand = self.negation()
            self.depth -= 1
            return Not(_boolean(operand, self.text), span=(token.start, _end(operand)))
        return self.comparison()

    # comparison ::= sum (comparator sum)*
    def comparison(self) -> Node:
        first = self.sum()
        operands: list[Node] = [first]
        ops: list[Comparator] = []
        while self.current.kind == "op" and self.current.text in COMPARATORS:
            ops.append(self.advance().text)  # type: ignore[arg-type]
            operands.append(self.sum())
        if not ops:
            return first
        for operand in operands:
            _numeric(operand, self.text)
        return Compare(tuple(operands), tuple(ops), span=(_start(first), _end(operands[-1])))

    # sum ::= product (("+" | "-") product)*
    def sum(self) -> Node:
        left = self.product()
        while self.current.kind == "op" and self.current.text in ("+", "-"):
            op = self.advance().text
            right = self.product()
            left = BinaryOp(
                op,  # type: ignore[arg-type]
                _numeric(left, self.text),
                _numeric(right, self.text),
                span=(_start(left), _end(right)),
            )
        return left

    # product ::= unary (("*" | "/") unary)*
    def product(self) -> Node:
        left = self.unary()
        while self.current.kind == "op" and self.current.text in ("*", "/"):
            op = self.advance().text
            right = self.unary()
            left = BinaryOp(
                op,  # type: ignore[arg-type]
                _numeric(left, self.text),
                _numeric(right, self.text),
                span=(_start(left), _end(right)),
            )
        return left

    # unary ::= "-" unary | atom
    def unary(self) -> Node:
        token = self.current
        if token.kind == "op" and token.text == "-":
            self.advance()
            self.enter(token)
            operand = self.unary()
            self.depth -= 1
            return Negate(_numeric(operand, self.text), span=(token.start, _end(operand)))
        return self.atom()

    # atom ::= NUMBER | NAME | "(" disjunction ")"
    def atom(self) -> Node:
        token = self.current
        if token.kind == "number":
            self.advance()
            digits = token.text.replace(".", "").lstrip("0")
            if len(digits) > MAX_DIGITS:
                raise ExpressionError(
                    say("expr.too_many_digits", limit=MAX_DIGITS), self.text, token.start, token.end
                )
            return Number(Fraction(token.text), span=(token.start, token.end))
        if token.kind == "name":
            self.advance()
            if not _NAME.match(token.text):
                raise ExpressionError(
                    say("expr.not_an_id", name=token.text),
                    self.text,
                    token.start,
                    token.end,
                )
            return Name(token.text, span=(token.start, token.end))
        if token.kind == "op" and token.text == "(":
            self.advance()
            self.enter(token)
            inner = self.disjunction()
            self.depth -= 1
            if self.current.text != ")" or self.current.kind != "op":
                if self.current.kind == "end":
                    raise ExpressionError(say("expr.never_closed"), self.text, token.start)
                raise self.fail("closing_or_operator")
            self.advance()
            return attrs.evolve(inner, span=(token.start, self.tokens[self.index - 1].end))
        if token.kind == "op" and token.text in COMPARATORS:
            raise self.fail("before_comparison")
        raise self.fail("operand")


def _start(node: Node) -> int:
    return node.span[0]


def _end(node: Node) -> int:
    return node.span[1]


def _numeric(node: Node, text: str) -> Node:
    if isinstance(node, _BOOLEAN):
        raise ExpressionError(say("expr.not_a_number"), text, *node.span)
    return node


def _boolean(node: Node, text: str) -> Node:
    if isinstance(node, _NUMERIC):
        raise ExpressionError(say("expr.not_a_comparison"), text, *node.span)
    return node


def parse_formula(text: str) -> Expression:
    """Parse a formula: an arithmetic expression over measure ids.

    >>> str(parse_formula("100 * passed / sampled"))
    '100 * passed / sampled'
    """
    parser = _Parser(text)
    tree = parser.disjunction()
    parser.expect_end()
    return Expression(text, _numeric(tree, text))


def parse_requirement(text: str, measure: str | None = None) -> Expression:
    """Parse a requirement: a truth value over measure ids.

    A requirement that starts with a comparator applies to ``measure``:
    ``parse_requirement(">= 98.5", "rate")`` is ``rate >= 98.5``.
    """
    parser = _Parser(text)
    first = parser.current
    if first.kind == "op" and first.text in COMPARATORS:
        if measure is None:
            raise ExpressionError(
                say("expr.no_subject"),
                text,
                first.start,
                first.end,
            )
        parser.advance()
        right = parser.sum()
        parser.expect_end()
        subject = Name(measure, span=(first.start, first.start))
        tree: Node = Compare(
            (subject, _numeric(right, text)), (first.text,), span=(first.start, _end(right))
        )
    else:
        tree = parser.disjunction()
        parser.expect_end()
    if not isinstance(tree, _BOOLEAN):
        raise ExpressionError(
            say("expr.compares_nothing"),
            text,
            0,
            len(text),
        )
    return Expression(text, tree)


# -- printer ------------------------------------------------------------------

_PRECEDENCE: dict[str, int] = {
    "or": 1,
    "and": 2,
    "not": 3,
    "compare": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "/": 6,
    "neg": 7,
}


def _precedence(node: Node) -> int:
    if isinstance(node, Logic):
        return _PRECEDENCE[node.op]
    if isinstance(node, Not):
        return _PRECEDENCE["not"]
    if isinstance(node, Compare):
        return _PRECEDENCE["compare"]
    if isinstance(node, BinaryOp):
        return _PRECEDENCE[node.op]
    if isinstance(node, Negate):
        return _PRECEDENCE["neg"]
    if isinstance(node, Number) and "/" in format_number(node.value):
        return _PRECEDENCE["/"]  # printed as a division (1/3), it binds like one
    return 100


def format_number(value: Fraction) -> str:
    """Write an exact value as a decimal when it has one, else as ``p/q``.

    >>> format_number(Fraction(197, 2)), format_number(Fraction(1, 3))
    ('98.5', '1/3')
    """
    # On the numerator and denominator (integers): cheaper than Fraction arithmetic.
    numerator, denominator = value.numerator, value.denominator
    sign = "-" if numerator < 0 else ""
    numerator = abs(numerator)
    if max(numerator, denominator).bit_length() > _SHOWN_BITS:
        return _rounded(abs(value), sign)
    if denominator == 1:
        return sign + str(numerator)
    odd = denominator
    twos = fives = 0
    while odd % 2 == 0:
        odd //= 2
        twos += 1
    while odd % 5 == 0:
        odd //= 5
        fives += 1
    if odd != 1:
        return f"{sign}{numerator}/{denominator}"
    places = max(twos, fives)
    scaled, rest = divmod(numerator * 10**places, denominator)
    assert rest == 0
    digits = str(scaled).rjust(places + 1, "0")
    if places == 0:
        return sign + digits
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


#: A value whose numerator or denominator is longer than MAX_SHOWN_DIGITS is
#: written rounded (a computed value can be far longer than any value read, and
#: Python does not print integers of more than 4,300 digits).
_SHOWN_BITS = int(MAX_SHOWN_DIGITS * math.log2(10))


def _rounded(value: Fraction, sign: str) -> str:
    """A positive value rounded to six significant digits, marked as rounded:
    ``≈19.9999``, ``≈1.23457e+4470`` (plain from 10^-6 to 10^15)."""
    numerator, denominator = value.numerator, value.denominator
    # An estimate of the power of ten, then corrected: 10^5 <= scaled < 10^6.
    power = int((numerator.bit_length() - denominator.bit_length()) * math.log10(2))
    while True:
        shift = 5 - power
        top, bottom = (
            (numerator * 10**shift, denominator)
            if shift >= 0
            else (numerator, denominator * 10**-shift)
        )
        scaled = (2 * top + bottom) // (2 * bottom)  # to the nearest
        if scaled >= 10**6:
            power += 1
        elif scaled < 10**5:
            power -= 1
        else:
            break
    if -6 <= power < 16:
        return "≈" + format_number(Fraction(int(f"{sign}{scaled}"), 10**5) * Fraction(10) ** power)
    digits = str(scaled).rstrip("0")
    return f"≈{sign}{digits[0]}.{digits[1:] or '0'}e{power:+d}"


def format_short(value: Fraction) -> str:
    """A value for people: exact when it has a short decimal, else rounded.

    >>> format_short(Fraction(197, 2)), format_short(Fraction(1, 3))
    ('98.5', '≈0.33')
    """
    text = format_number(value)
    if "/" not in text:
        return text
    # round(value, 2) on the integers (half to even, as Fraction rounds).
    floor, rest = divmod(value.numerator * 100, value.denominator)
    twice = 2 * rest
    hundredths = floor + (twice > value.denominator or (twice == value.denominator and floor % 2))
    return "≈" + format_number(Fraction(hundredths, 100))


def format_expression(node: Node) -> str:
    """Print a tree in canonical form, with only the parentheses it needs."""

    def wrap(child: Node, minimum: int) -> str:
        text = format_expression(child)
        return f"({text})" if _precedence(child) < minimum else text

    if isinstance(node, Number):
        return format_number(node.value)  # a fraction as p/q: see `_precedence`
    if isinstance(node, Name):
        return node.id
    if isinstance(node, Negate):
        return "-" + wrap(node.operand, _PRECEDENCE["neg"])
    if isinstance(node, BinaryOp | Logic):
        # Left-associative: the right operand needs parentheses at equal precedence.
        # A chain such as 1 - 1 - ... - 1 is as deep as it is long, so its left
        # spine is walked in a loop rather than by recursion.
        mine = _PRECEDENCE[node.op]
        tail: list[str] = []
        left: Node = node
        while isinstance(left, BinaryOp | Logic) and _PRECEDENCE[left.op] == mine:
            tail.append(f" {left.op} {wrap(left.right, mine + 1)}")
            left = left.left
        return wrap(left, mine) + "".join(reversed(tail))
    if isinstance(node, Compare):
        parts = [wrap(node.operands[0], _PRECEDENCE["compare"] + 1)]
        for op, operand in zip(node.ops, node.operands[1:], strict=True):
            parts.append(f"{op} {wrap(operand, _PRECEDENCE['compare'] + 1)}")
        return " ".join(parts)
    return "not " + wrap(node.operand, _PRECEDENCE["not"])


def names_in(node: Node) -> frozenset[str]:
    """The measure ids an expression refers to."""
    return frozenset(iter_names(node))


def iter_names(node: Node) -> Iterator[str]:
    """Each occurrence of a measure id in an expression, in the order written
    (a walk with a stack, not recursion: a tree may be as deep as it is long)."""
    stack = [node]
    while stack:
        node = stack.pop()
        if isinstance(node, Name):
            yield node.id
        elif isinstance(node, Negate | Not):
            stack.append(node.operand)
        elif isinstance(node, Compare):
            stack.extend(reversed(node.operands))
        elif isinstance(node, BinaryOp | Logic):
            stack.extend((node.right, node.left))


# -- sympy --------------------------------------------------------------------

RELATIONS = {
    ">=": "GreaterThan",
    ">": "StrictGreaterThan",
    "<=": "LessThan",
    "<": "StrictLessThan",
    "==": "Eq",
    "!=": "Ne",
}


def to_sympy(
    node: Node, symbols: Mapping[str, sympy.Expr] | Callable[[str], sympy.Expr]
) -> sympy.Basic:
    """Build the sympy object for a tree, node by node.

    ``symbols`` gives each measure id its symbol (or the expression that stands
    for it, such as its formula): a mapping, or a function of the id. Relations
    are built unevaluated, so that a comparison of two constants stays one.
    """
    lookup = symbols.__getitem__ if isinstance(symbols, Mapping) else symbols
    return _to_sympy(node, lookup)


def combine(op: str, left: Any, right: Any) -> Any:
    """``left op right`` for an arithmetic operator of the language (``+ - * /``),
    on sympy expressions and `Fraction`s alike."""
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op == "*":
        return left * right
    return left / right


def rational(value: Fraction) -> sympy.Rational:
    """An exact value as sympy's rational."""
    return sympy.Rational(value.numerator, value.denominator)


def to_fraction(value: sympy.Rational) -> Fraction:
    """A sympy rational as an exact `Fraction` (never through its text)."""
    return Fraction(int(value.p), int(value.q))


def _to_sympy(node: Node, symbols: Callable[[str], sympy.Expr]) -> sympy.Basic:
    if isinstance(node, Number):
        return rational(node.value)
    if isinstance(node, Name):
        return symbols(node.id)
    if isinstance(node, Negate):
        return -_to_sympy(node.operand, symbols)
    if isinstance(node, BinaryOp):
        return combine(node.op, _to_sympy(node.left, symbols), _to_sympy(node.right, symbols))
    if isinstance(node, Compare):
        operands = [_to_sympy(o, symbols) for o in node.operands]
        relations = [
            getattr(sympy, RELATIONS[op])(a, b, evaluate=False)
            for op, a, b in zip(node.ops, operands, operands[1:], strict=False)
        ]
        return relations[0] if len(relations) == 1 else sympy.And(*relations, evaluate=False)
    if isinstance(node, Not):
        return sympy.Not(_to_sympy(node.operand, symbols))
    if node.op == "and":
        return sympy.And(_to_sympy(node.left, symbols), _to_sympy(node.right, symbols))
    return sympy.Or(_to_sympy(node.left, symbols), _to_sympy(node.right, symbols))
