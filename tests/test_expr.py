"""The expression language: parsing, printing, and rejecting with a marker.

Trees compare by structure (spans take no part in equality), so a printed and
re-parsed tree can be compared with the one it was printed from.
"""

from __future__ import annotations

import string
import time
from collections.abc import Callable
from fractions import Fraction

import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from qrules import ExpressionError
from qrules._expr import (
    COMPARATORS,
    MAX_DEPTH,
    MAX_DIGITS,
    MAX_LENGTH,
    BinaryOp,
    Compare,
    Expression,
    Logic,
    Name,
    Negate,
    Node,
    Not,
    Number,
    format_expression,
    format_number,
    parse_formula,
    parse_requirement,
    to_sympy,
)

from .strategies import (
    boolean_trees,
    comparators,
    decimals,
    language_text,
    measure_ids,
    numeric_trees,
)


def parse_like(tree: Node, text: str) -> Expression:
    """Parse ``text`` with the parser for the kind of thing ``tree`` is."""
    if isinstance(tree, Compare | Not | Logic):
        return parse_requirement(text)
    return parse_formula(text)


def subtrees(node: Node) -> list[Node]:
    found = [node]
    if isinstance(node, Negate | Not):
        found += subtrees(node.operand)
    elif isinstance(node, Compare):
        for operand in node.operands:
            found += subtrees(operand)
    elif isinstance(node, BinaryOp | Logic):
        found += subtrees(node.left) + subtrees(node.right)
    return found


# -- printing and parsing -------------------------------------------------------


class TestRoundTrip:
    @given(numeric_trees())
    def test_formula(self, tree: Node) -> None:
        assert parse_formula(format_expression(tree)).tree == tree

    @given(boolean_trees())
    def test_requirement(self, tree: Node) -> None:
        assert parse_requirement(format_expression(tree)).tree == tree

    @given(st.one_of(numeric_trees(), boolean_trees()))
    def test_printing_is_idempotent(self, tree: Node) -> None:
        printed = format_expression(tree)
        assert format_expression(parse_like(tree, printed).tree) == printed

    @given(st.one_of(numeric_trees(), boolean_trees()))
    def test_str_of_an_expression_is_its_canonical_form(self, tree: Node) -> None:
        printed = format_expression(tree)
        assert str(parse_like(tree, printed)) == printed

    @given(language_text())
    def test_whatever_parses_round_trips(self, text: str) -> None:
        for parse in (parse_formula, parse_requirement):
            try:
                expression = parse(text)
            except ExpressionError:
                continue
            printed = str(expression)
            if len(printed) <= MAX_LENGTH:
                assert parse(printed) == expression

    @given(boolean_trees())
    def test_every_span_covers_the_text_of_its_node(self, tree: Node) -> None:
        # The spans are what error markers point at; each must cover exactly
        # the text that parses to its node.
        text = format_expression(tree)
        for node in subtrees(parse_requirement(text).tree):
            start, end = node.span
            assert parse_like(node, text[start:end]).tree == node

    @pytest.mark.parametrize(
        ("text", "canonical"),
        [
            pytest.param("100*passed/sampled", "100 * passed / sampled", id="spacing"),
            pytest.param("((a))", "a", id="redundant-parens"),
            pytest.param("a - (b - c)", "a - (b - c)", id="right-operand-keeps-parens"),
            pytest.param("(a - b) - c", "a - b - c", id="left-associative"),
            pytest.param("a / (b * c)", "a / (b * c)", id="division-keeps-parens"),
            pytest.param("(a + b) * c", "(a + b) * c", id="precedence"),
            pytest.param("- -a", "--a", id="double-negation"),
            pytest.param("-(a + b)", "-(a + b)", id="negated-sum"),
            pytest.param("098.50", "98.5", id="number-normalized"),
            pytest.param("0.000", "0", id="zero"),
        ],
    )
    def test_canonical_formula(self, text: str, canonical: str) -> None:
        assert str(parse_formula(text)) == canonical

    @pytest.mark.parametrize(
        ("text", "canonical"),
        [
            pytest.param("x>=1 and y<2", "x >= 1 and y < 2", id="spacing"),
            pytest.param(
                "(x >= 1 and y < 2) or z == 0", "x >= 1 and y < 2 or z == 0", id="and-binds-tighter"
            ),
            pytest.param(
                "x >= 1 and (y < 2 or z == 0)", "x >= 1 and (y < 2 or z == 0)", id="or-inside-and"
            ),
            pytest.param("not (x >= 1)", "not x >= 1", id="not-binds-looser-than-compare"),
            pytest.param("not (x >= 1 or y > 2)", "not (x >= 1 or y > 2)", id="not-over-or"),
            pytest.param(
                "x >= 1 and (y > 2 and z > 3)",
                "x >= 1 and (y > 2 and z > 3)",
                id="right-nested-and",
            ),
            pytest.param("90 <= x <= 100", "90 <= x <= 100", id="chain"),
        ],
    )
    def test_canonical_requirement(self, text: str, canonical: str) -> None:
        assert str(parse_requirement(text)) == canonical

    @pytest.mark.parametrize(
        "text",
        [
            pytest.param("1-" * 499 + "1", id="subtraction"),
            pytest.param("a*" * 499 + "a", id="product"),
            pytest.param("1/" * 499 + "1", id="division"),
            pytest.param("a > 1 or " * 110 + "b < 2", id="disjunction"),
        ],
    )
    def test_a_long_chain_prints_without_recursion_error(self, text: str) -> None:
        # A chain is as deep as it is long; printing it must not exhaust the stack.
        parse = parse_requirement if "<" in text else parse_formula
        expression = parse(text)
        printed = str(expression)
        assert printed.replace(" ", "") == text.replace(" ", "")


class TestTrees:
    def test_spans_take_no_part_in_equality(self) -> None:
        assert parse_requirement("x>=1") == parse_requirement("  x  >=  1  ")
        assert parse_requirement("x>=1").tree.span != parse_requirement("  x >= 1").tree.span

    def test_the_text_takes_no_part_in_equality(self) -> None:
        assert parse_formula("(a)") == parse_formula("a")
        assert parse_formula("(a)").text == "(a)"

    @pytest.mark.parametrize(
        ("text", "tree"),
        [
            pytest.param("98.5", Number(Fraction(197, 2)), id="decimal-is-exact"),
            pytest.param("0.1", Number(Fraction(1, 10)), id="tenth-is-exact"),
            pytest.param("-2", Negate(Number(Fraction(2))), id="minus-is-a-node"),
            pytest.param(
                "a - b - c",
                BinaryOp("-", BinaryOp("-", Name("a"), Name("b")), Name("c")),
                id="left-associative",
            ),
            pytest.param(
                "a + b * c",
                BinaryOp("+", Name("a"), BinaryOp("*", Name("b"), Name("c"))),
                id="precedence",
            ),
        ],
    )
    def test_formula_trees(self, text: str, tree: Node) -> None:
        assert parse_formula(text).tree == tree

    def test_a_chain_is_one_comparison(self) -> None:
        tree = parse_requirement("90 <= x < 100").tree
        assert tree == Compare(
            (Number(Fraction(90)), Name("x"), Number(Fraction(100))), ("<=", "<")
        )

    def test_names(self) -> None:
        expression = parse_requirement("a + b / a >= c and not d_1 < 2 or e == 0")
        assert expression.names == frozenset({"a", "b", "c", "d_1", "e"})

    @given(decimals(max_digits=MAX_DIGITS, max_places=10))
    def test_numbers_print_as_the_decimal_they_are(self, value: Fraction) -> None:
        printed = format_number(value)
        assert "/" not in printed
        assert Fraction(printed) == value
        assert parse_formula(printed).tree == Number(value)

    @pytest.mark.parametrize(
        ("value", "printed"),
        [
            pytest.param(Fraction(197, 2), "98.5", id="half"),
            pytest.param(Fraction(1, 3), "1/3", id="no-decimal"),
            pytest.param(Fraction(-1, 8), "-0.125", id="negative"),
            pytest.param(Fraction(1, 10**6), "0.000001", id="leading-zeros"),
            pytest.param(Fraction(300), "300", id="whole"),
        ],
    )
    def test_format_number(self, value: Fraction, printed: str) -> None:
        assert format_number(value) == printed


# -- the shorthand and the aliases ---------------------------------------------


class TestShorthand:
    @given(op=comparators, measure=measure_ids(), right=numeric_trees())
    def test_a_leading_comparator_applies_to_the_measure(
        self, op: str, measure: str, right: Node
    ) -> None:
        shorthand = parse_requirement(f"{op} {format_expression(right)}", measure)
        assert shorthand.tree == Compare((Name(measure), right), (op,))
        assert shorthand == parse_requirement(f"{measure} {op} {format_expression(right)}")

    @pytest.mark.parametrize("op", COMPARATORS)
    def test_shorthand_equals_the_written_out_comparison(self, op: str) -> None:
        assert parse_requirement(f"{op} 98.5", "m") == parse_requirement(f"m {op} 98.5")

    def test_the_measure_is_ignored_when_the_requirement_names_its_own(self) -> None:
        assert parse_requirement("x >= 1", "m") == parse_requirement("x >= 1")

    @pytest.mark.parametrize(
        ("text", "same_as"),
        [
            pytest.param("x ≥ 1", "x >= 1", id="greater-equal"),
            pytest.param("x ≤ 1", "x <= 1", id="less-equal"),
            pytest.param("90 ≤ x ≤ 100", "90 <= x <= 100", id="chain"),
            pytest.param("x≥1 and y≤2", "x >= 1 and y <= 2", id="unspaced"),
        ],
    )
    def test_aliases(self, text: str, same_as: str) -> None:
        assert parse_requirement(text) == parse_requirement(same_as)
        assert str(parse_requirement(text)) == same_as

    @pytest.mark.parametrize(
        ("text", "same_as"),
        [
            pytest.param("≥ 98.5", "m >= 98.5", id="greater-equal"),
            pytest.param("≤ 5", "m <= 5", id="less-equal"),
        ],
    )
    def test_aliases_in_shorthand(self, text: str, same_as: str) -> None:
        assert parse_requirement(text, "m") == parse_requirement(same_as)


# -- rejections -----------------------------------------------------------------

R, F = "requirement", "formula"


def reject(kind: str, text: str, measure: str | None = None) -> ExpressionError:
    parse = parse_formula if kind == F else lambda t: parse_requirement(t, measure)
    with pytest.raises(ExpressionError) as info:
        parse(text)
    return info.value


def case(
    id: str,
    kind: str,
    text: str,
    fragment: str,
    start: int,
    end: int,
    *,
    measure: str | None = None,
    column: int | None = None,
    carets: int | None = None,
) -> object:
    """A rejected expression, what the message says, and where the marker is:
    ``column`` and ``carets`` default to ``start`` and ``end - start`` (they
    differ only when wide characters take two columns)."""
    column = start if column is None else column
    carets = end - start if carets is None else carets
    return pytest.param(kind, text, measure, fragment, start, end, column, carets, id=id)


REJECTED = [
    # parentheses
    case("unclosed-paren", R, "(x >= 1", "'(' is never closed", 0, 1),
    case("unclosed-inner-paren", R, "x >= (1 + 2", "'(' is never closed", 5, 6),
    case("extra-close-paren", R, "x >= 1)", "unbalanced ')'", 6, 7),
    case("extra-close-paren-shorthand", R, ">= 98.5)", "unbalanced ')'", 7, 8, measure="m"),
    case("extra-close-paren-formula", F, "(a + b))", "unbalanced ')'", 7, 8),
    case("empty-parens", F, "a * ()", "expected a number, a measure or '(', got ')'", 5, 6),
    # characters that are not in the language
    case("percent", R, ">= 98.5%", "write a percentage as a number", 7, 8, measure="m"),
    case("spaced-percent", R, "x >= 98.5 %", "unexpected character '%'", 10, 11),
    case("percent-formula", F, "passed % sampled", "unexpected character '%'", 7, 8),
    case("single-equals", R, "x = 1", "comparisons are >=, >, <=, <, == and !=", 2, 3),
    case("arrow", R, "x => 1", "unexpected character '='", 2, 3),
    case("lone-bang", R, "x >= 1 ! y", "unexpected character '!'", 7, 8),
    case("power", R, "x ** 2 >= 1", "expected a number, a measure or '(', got '*'", 3, 4),
    case("attribute", R, "x.__class__ >= 1", "unexpected character '.'", 1, 2),
    case("semicolon", F, "a; b", "unexpected character ';'", 1, 2),
    case("string", R, "x >= '1'", 'unexpected character "\'"', 5, 6),
    # a truth value where a number belongs, and the other way round
    case("comparison-in-sum", R, "(x >= 1) + 1 >= 2", "expected a number here", 0, 8),
    case("comparison-as-operand", R, "x >= (y >= 1)", "expected a number here", 5, 13),
    case("negated-comparison", R, "-(x > 1) < 2", "expected a number here", 1, 8),
    case("comparison-as-formula", F, "x >= 1", "expected a number here", 0, 6),
    case("number-after-and", R, "x >= 1 and 2", "expected a comparison here", 11, 12),
    case("number-after-or", R, "x >= 1 or y", "expected a comparison here", 10, 11),
    case("number-before-and", R, "(x) and y > 1", "expected a comparison here", 0, 3),
    case("not-a-number", R, "not x", "expected a comparison here", 4, 5),
    case("not-in-formula", F, "not x", "expected a comparison here", 4, 5),
    case("number-as-requirement", R, "x + 1", "a requirement must compare something", 0, 5),
    # nothing, or not enough
    case("empty-requirement", R, "", "got the end of the expression", 0, 1),
    case("empty-formula", F, "", "got the end of the expression", 0, 1),
    case("empty-with-measure", R, "", "got the end of the expression", 0, 1, measure="m"),
    case("blank", R, "   ", "got the end of the expression", 3, 4),
    case("trailing-plus", R, "x >= 1 +", "expected a number, a measure or '('", 8, 9),
    case("trailing-comparator", R, "x >=", "expected a number, a measure or '('", 4, 5),
    case("trailing-and", R, "x >= 1 and", "expected a number, a measure or '('", 10, 11),
    case("lone-not", R, "not", "expected a number, a measure or '('", 3, 4),
    case("trailing-times", F, "a *", "got the end of the expression", 3, 4),
    case("comparator-only", R, ">=", "got the end of the expression", 2, 3, measure="m"),
    case("shorthand-without-measure", R, ">= 1", "needs a measure to apply to", 0, 2),
    case("double-comparator", R, "x >= >= 1", "got '>='", 5, 7),
    case("shorthand-then-and", R, ">= 1 and x < 2", "got 'and'", 5, 8, measure="m"),
    case("two-numbers", R, "x >= 1 1", "expected an operator or the end", 7, 8),
    # names that are not measure ids
    case("uppercase", R, "X >= 1", "'X' is not a measure id", 0, 1),
    case("capitalized", R, "Pass_rate >= 1", "'Pass_rate' is not a measure id", 0, 9),
    case("dunder", R, "__class__ >= 1", "'__class__' is not a measure id", 0, 9),
    case("dunder-formula", F, "__import__", "'__import__' is not a measure id", 0, 10),
    case("double-underscore", R, "pass__rate >= 1", "not a measure id", 0, 10),
    case("trailing-underscore", R, "x_ >= 1", "not a measure id", 0, 2),
    case("leading-digit", R, "1x >= 1", "got 'x'", 1, 2),
    # numbers that are not exact decimals
    case("exponent", R, "x >= 1e5", "got 'e5'", 6, 8),
    case("negative-exponent", F, "1.5e-3", "got 'e'", 3, 4),
    case("leading-point", R, "x >= .5", "unexpected character '.'", 5, 6),
    case("trailing-point", R, "x >= 1.", "unexpected character '.'", 6, 7),
    # other scripts: a character that is not ASCII is never a digit or a letter
    case("fullwidth-letter", R, "ｘ >= 1", "FULLWIDTH LATIN SMALL LETTER X", 0, 1, carets=2),
    case("cyrillic-letter", R, "pаss_rate >= 1", "CYRILLIC SMALL LETTER A", 1, 2),
    case("chinese", R, "合格率 >= 98.5", "CJK UNIFIED IDEOGRAPH", 0, 1, carets=2),
    case(
        "chinese-after-aliases",
        R,
        "x ≥ 1 and y ≤ 2 and 合",
        "CJK UNIFIED IDEOGRAPH",
        20,
        21,
        carets=2,
    ),
    case("fullwidth-digit", R, "x >= ９８.５", "FULLWIDTH DIGIT NINE", 5, 6, carets=2),
    case("bengali-four-looks-like-eight", R, "x >= ৪", "BENGALI DIGIT FOUR", 5, 6),
    case("arabic-indic-digit", F, "٣", "ARABIC-INDIC DIGIT THREE", 0, 1),
    case("superscript", F, "x²", "SUPERSCRIPT TWO", 1, 2),
    # limits
    case("too-long", F, "x" * (MAX_LENGTH + 1), "the limit is 1000", MAX_LENGTH, MAX_LENGTH + 1),
    case(
        "too-long-wide",
        F,
        "合" * (MAX_LENGTH + 5),
        "the limit is 1000",
        MAX_LENGTH,
        MAX_LENGTH + 5,
        column=2 * MAX_LENGTH,
        carets=10,
    ),
    case("too-many-parens", F, "(" * 33 + "x" + ")" * 33, "nests more than 32", 32, 33),
    case("too-many-minus-signs", F, "-" * 33 + "x", "nests more than 32", 32, 33),
    case("too-many-nots", R, "not " * 33 + "x > 1", "nests more than 32", 128, 129),
    case("nots-and-parens", R, "not (" * 17 + "x > 1" + ")" * 17, "nests more than 32", 80, 81),
    case("minus-signs-and-parens", F, "-(" * 17 + "x" + ")" * 17, "nests more than 32", 32, 33),
    case("too-many-digits", R, "x >= " + "1" * 31, "more than 30 digits", 5, 36),
    case("too-many-digits-with-point", F, "1" * 20 + "." + "1" * 11, "more than 30 digits", 0, 32),
    case("power-tower", F, "9**9**9", "got '*'", 2, 3),
]


@pytest.mark.parametrize(
    ("kind", "text", "measure", "fragment", "start", "end", "column", "carets"), REJECTED
)
def test_rejected(
    kind: str,
    text: str,
    measure: str | None,
    fragment: str,
    start: int,
    end: int,
    column: int,
    carets: int,
) -> None:
    error = reject(kind, text, measure)
    assert fragment in error.message
    assert (error.start, error.end) == (start, end)
    assert error.text == text
    assert str(error) == f"{error.message}\n    {text}\n    {' ' * column}{'^' * carets}"


def test_a_rejected_multi_line_expression_says_which_line() -> None:
    text = "a >= 1 and\n  b >= 2 and\n  (c + ) > 1"
    error = reject(R, text, None)
    assert error.lineno == 3
    assert str(error) == (
        f"{error.message} (line 3 of the expression)\n      (c + ) > 1\n           ^"
    )


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        pytest.param(F, "(" * 32 + "x" + ")" * 32, id="parens"),
        pytest.param(F, "-" * 32 + "x", id="minus-signs"),
        pytest.param(R, "not " * 32 + "x > 1", id="nots"),
        pytest.param(R, "x >= " + "9" * 30, id="digits"),
        pytest.param(R, "x >= 0.000" + "1" * 30, id="leading-zeros-are-not-digits"),
        pytest.param(F, "a+" * 499 + "a", id="length"),
    ],
)
def test_at_the_limits_is_accepted(kind: str, text: str) -> None:
    assert len(text) <= MAX_LENGTH
    parsed = parse_requirement(text) if kind == R else parse_formula(text)
    assert parsed.text == text


def test_limit_constants_match_the_documentation() -> None:
    assert (MAX_LENGTH, MAX_DEPTH, MAX_DIGITS) == (1000, 32, 30)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("(" * 999, id="open-parens"),
        pytest.param("(" * 500 + ")" * 500, id="balanced-parens"),
        pytest.param("-" * 999 + "x", id="minus-signs"),
        pytest.param("not " * 249 + "x>1", id="nots"),
        pytest.param("(-" * 499 + "x", id="alternating"),
        pytest.param("x" * 10**6, id="megabyte-name"),
        pytest.param("(" * 10**6, id="megabyte-of-parens"),
        pytest.param("9" * 10**6, id="megabyte-number"),
        pytest.param("9" * 999, id="long-number"),
    ],
)
@pytest.mark.parametrize("parse", [parse_formula, parse_requirement], ids=[F, R])
def test_hostile_text_is_rejected_quickly_and_without_recursion(
    text: str, parse: Callable[[str], Expression]
) -> None:
    began = time.perf_counter()
    with pytest.raises(ExpressionError):  # a RecursionError would escape this
        parse(text)
    assert time.perf_counter() - began < 1.0


# -- fuzzing -------------------------------------------------------------------


def outcome(parse: Callable[[str], Expression], text: str) -> ExpressionError | None:
    """The error ``parse`` raises for ``text``, or ``None`` when it parses."""
    try:
        parse(text)
    except ExpressionError as error:
        return error
    return None


def check_only_expression_errors(text: str, measure: str | None) -> None:
    for parse in (parse_formula, lambda t: parse_requirement(t, measure)):
        error = outcome(parse, text)  # anything but an ExpressionError escapes
        if error is not None:
            assert 0 <= error.start < error.end
            assert error.start <= len(text)
            assert str(error).endswith("^")  # the marker can always be drawn


@given(text=st.text(), measure=st.none() | measure_ids())
def test_any_text_gives_an_expression_or_an_expression_error(
    text: str, measure: str | None
) -> None:
    check_only_expression_errors(text, measure)


@given(text=language_text(), measure=st.none() | measure_ids())
def test_text_from_the_language_gives_an_expression_or_an_expression_error(
    text: str, measure: str | None
) -> None:
    check_only_expression_errors(text, measure)


@given(st.characters(codec="utf-8") | st.characters(categories=["Nd", "Nl", "No"]))
def test_only_ascii_makes_names_and_numbers(char: str) -> None:
    # Letters and digits of other scripts, and their full-width forms, are
    # rejected where they stand, so that a rule cannot read as what it is not.
    error = outcome(parse_requirement, f"x >= 1 + {char}")
    if error is None:
        assert char in string.ascii_lowercase + string.digits
    elif not char.isascii() and not char.isspace() and char not in "≥≤":
        assert "unexpected character" in error.message
        assert (error.start, error.end) == (9, 10)


def test_a_fraction_is_printed_in_parentheses_where_a_division_would_be() -> None:
    """A tree built outside the parser (lint substitutes values) may hold 1/3 as a
    number; printed, it must read back as the same value, not as a division."""
    tree = BinaryOp("/", Name("a"), Number(Fraction(1, 3)))
    assert format_expression(tree) == "a / (1/3)"
    assert to_sympy(parse_formula(format_expression(tree)).tree, {"a": sympy.Symbol("a")}) == (
        to_sympy(tree, {"a": sympy.Symbol("a")})
    )
    assert format_expression(BinaryOp("*", Number(Fraction(1, 3)), Name("a"))) == "1/3 * a"
