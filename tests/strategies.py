"""Hypothesis strategies for qrules' own tests: expression trees, values, thresholds.

The trees are built from the AST nodes of ``qrules._expr`` directly, in the
shapes the parser produces: numbers are non-negative exact decimals (a minus
sign is a `Negate`), names are measure ids, and a comparison never holds a
truth value. Every tree stays within the parser's limits once printed.
"""

from __future__ import annotations

import math
import string
from fractions import Fraction

from hypothesis import assume
from hypothesis import strategies as st

from qrules._expr import (
    COMPARATORS,
    MAX_DEPTH,
    MAX_LENGTH,
    BinaryOp,
    Compare,
    Logic,
    Name,
    Negate,
    Node,
    Not,
    Number,
    format_expression,
    format_number,
)

__all__ = [
    "ARITHMETIC",
    "KEYWORDS",
    "LANGUAGE_TOKENS",
    "boolean_trees",
    "comparators",
    "decimal_text",
    "decimals",
    "depth",
    "language_text",
    "measure_ids",
    "numbers",
    "numeric_trees",
]

KEYWORDS = frozenset({"and", "or", "not"})
ARITHMETIC = ("+", "-", "*", "/")

_LOWER = string.ascii_lowercase
_LOWER_DIGITS = string.ascii_lowercase + string.digits

comparators = st.sampled_from(COMPARATORS)


def measure_ids(max_parts: int = 2) -> st.SearchStrategy[str]:
    """Ids matching ``[a-z][a-z0-9]*(_[a-z0-9]+)*``, never a keyword."""
    head = st.builds(str.__add__, st.sampled_from(_LOWER), st.text(_LOWER_DIGITS, max_size=5))
    tail = st.lists(st.text(_LOWER_DIGITS, min_size=1, max_size=4), max_size=max_parts)
    return st.builds(lambda h, t: "_".join([h, *t]), head, tail).filter(
        lambda name: name not in KEYWORDS
    )


def decimals(
    max_digits: int = 8,
    max_places: int = 4,
    *,
    min_value: Fraction | None = None,
    max_value: Fraction | None = None,
) -> st.SearchStrategy[Fraction]:
    """Non-negative exact decimals of at most ``max_digits`` digits and
    ``max_places`` decimal places, within the bounds given."""

    @st.composite
    def build(draw: st.DrawFn) -> Fraction:
        places = draw(st.integers(0, max_places))
        scale = 10**places
        low = 0 if min_value is None else max(0, math.ceil(min_value * scale))
        high = 10**max_digits - 1
        if max_value is not None:
            high = min(high, math.floor(max_value * scale))
        assume(low <= high)
        return Fraction(draw(st.integers(low, high)), scale)

    return build()


def decimal_text(value: Fraction) -> str:
    """An exact decimal written out as a person would: ``98.5``."""
    text = format_number(value)
    assert "/" not in text, f"{value} is not a decimal"
    return text


def numbers(max_digits: int = 8) -> st.SearchStrategy[Number]:
    return decimals(max_digits).map(Number)


def numeric_trees(
    names: st.SearchStrategy[str] | None = None,
    values: st.SearchStrategy[Fraction] | None = None,
    max_leaves: int = 8,
) -> st.SearchStrategy[Node]:
    """Arithmetic: numbers and measure ids under ``-``, ``+``, ``-``, ``*``, ``/``."""
    names = measure_ids() if names is None else names
    values = decimals() if values is None else values
    leaves = st.one_of(values.map(Number), names.map(Name))

    def extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
        return st.one_of(
            children.map(Negate),
            st.builds(BinaryOp, st.sampled_from(ARITHMETIC), children, children),
        )

    return st.recursive(leaves, extend, max_leaves=max_leaves).filter(_within_limits)


def boolean_trees(
    names: st.SearchStrategy[str] | None = None,
    values: st.SearchStrategy[Fraction] | None = None,
    max_leaves: int = 4,
    max_chain: int = 3,
    operand_leaves: int = 4,
) -> st.SearchStrategy[Node]:
    """Comparisons, chains of them, and ``not``/``and``/``or`` over them."""
    operands = numeric_trees(names, values, max_leaves=operand_leaves)

    @st.composite
    def comparisons(draw: st.DrawFn) -> Compare:
        count = draw(st.integers(1, max_chain))
        ops = tuple(draw(comparators) for _ in range(count))
        return Compare(tuple(draw(operands) for _ in range(count + 1)), ops)

    def extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
        return st.one_of(
            children.map(Not),
            st.builds(Logic, st.sampled_from(("and", "or")), children, children),
        )

    return st.recursive(comparisons(), extend, max_leaves=max_leaves).filter(_within_limits)


def depth(node: Node) -> int:
    """The length of the longest path from the root: a bound on how deeply the
    printed text nests parentheses, minus signs and ``not``."""
    if isinstance(node, Number | Name):
        return 1
    if isinstance(node, Negate | Not):
        return 1 + depth(node.operand)
    if isinstance(node, Compare):
        return 1 + max(depth(o) for o in node.operands)
    return 1 + max(depth(node.left), depth(node.right))


def _within_limits(node: Node) -> bool:
    return depth(node) <= MAX_DEPTH and len(format_expression(node)) <= MAX_LENGTH


#: Pieces of the language and near misses, for text that gets past the tokenizer
#: often enough to reach the parser and the printer.
LANGUAGE_TOKENS = (
    "x",
    "y_1",
    "pass_rate",
    "a",
    "and",
    "or",
    "not",
    "X",
    "_x",
    "__class__",
    "0",
    "1",
    "98.5",
    "007",
    "1.",
    ".5",
    "1e5",
    "12345678901234567890123456789012",
    "+",
    "-",
    "*",
    "/",
    "**",
    "(",
    ")",
    ">=",
    ">",
    "<=",
    "<",
    "==",
    "!=",
    "=",
    "!",
    "≥",
    "≤",
    "%",
    ".",
    ",",
    ";",
    "'",
    '"',
    "`",
    "{",
    "}",
    "[",
    "]",
    " ",
    "  ",
    "\t",
    "\n",
    "合格率",
    "ｘ",
    "а",
    "৪",
    "\x00",
)


def language_text(max_tokens: int = 30) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(LANGUAGE_TOKENS), max_size=max_tokens).map("".join)
