"""Findings of session 14's adversarial review (helper hunt): figures as
offices write them, ... ; each a reproducer of a defect fixed here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import qrules
from qrules import parse_value

BOOK = "yantai-2023-2025"


@pytest.fixture(scope="module")
def book() -> qrules.Rulebook:
    return qrules.load(BOOK)


# -- a footnote's mark beside a figure -----------------------------------------------------------


def test_a_superscript_footnote_mark_is_no_digit_of_the_figure(
    tmp_path: Path, book: qrules.Rulebook
) -> None:
    """``1²`` (one quality-strong county, footnote 2) was read as 12 (NFKC
    makes ``²`` a ``2``): three years adding to 13 met "≥ 3" where the
    counties written add to 2. It is an error naming the mark."""
    path = tmp_path / "figures.csv"
    path.write_text(
        "year,district,measure,value\n"
        "2023,,quality_strong_counties,1\n"
        "2024,,quality_strong_counties,1²\n"
        "2025,,quality_strong_counties,0\n",
        encoding="utf-8",
    )
    with pytest.raises(qrules.DataError, match="'1²' holds '²'"):
        qrules.read_dataset(path, book)


@pytest.mark.parametrize("text", ["12²", "98.5①", "98.5¹", "3₁", "⒈5", "⁹⁸"])
def test_digits_that_are_no_decimal_digits_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="superscript, subscript or circled digit"):
        parse_value(text)


@pytest.mark.parametrize(
    ("text", "unit", "read"),
    [
        ("９８.５%", "percent", "197/2"),
        ("１,２３４", "count", "1234"),
        ("٣", "count", "3"),
        ("50㎡", "square_metres", "50"),  # (a unit's sign, not a digit)
    ],
)
def test_decimal_digits_of_any_width_or_script_are_read(
    text: str, unit: str, read: str, book: qrules.Rulebook
) -> None:
    units = {m.unit.id: m.unit for m in book.measures.values()}
    assert str(parse_value(text, units[unit])) == read


# -- a decimal comma is no thousands separator --------------------------------------------------


@pytest.mark.parametrize("text", ["0,985", "00,100", "+0,123", "0，985", "٠,985"])
def test_a_first_group_of_a_leading_zero_is_no_thousands(text: str) -> None:
    """``0,985`` (a decimal comma: 0.985) was read as 985 thousands-grouped;
    no grouping begins with a zero, so it is not a number."""
    with pytest.raises(ValueError, match="is not a number"):
        parse_value(text)


@pytest.mark.parametrize(
    ("text", "read"), [("1,234", 1234), ("１，２３４", 1234), ("-9,999.5", -19999 / 2)]
)
def test_thousands_are_read_as_ever(text: str, read: float) -> None:
    assert parse_value(text) == read
