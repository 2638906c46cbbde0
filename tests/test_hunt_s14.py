"""Findings of session 14's adversarial review (helper hunt): figures as
offices write them (a footnote's mark, a decimal comma) and the rows of an
.xlsx sheet its XML holds; each a reproducer of a defect fixed here.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

import qrules
from qrules import parse_value
from tests.conftest import run

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


# -- the rows an .xlsx sheet's XML holds, all of them, in order --------------------------------

_REGISTER = [
    ["unit", "name", "district", "category", "registered"],
    *([f"CT0{i}", f"餐饮{i}", "芝罘区", "catering", "2020-01-01"] for i in range(1, 6)),
]


def _workbook(path: Path, edit: Callable[[bytes], bytes]) -> Path:
    """A register workbook whose sheet's XML ``edit`` rewrites (as a writer
    other than Excel may write it)."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    for row in _REGISTER:
        book.active.append(row)
    plain = path.with_name("plain.xlsx")
    book.save(plain)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                edited = edit(data)
                assert edited != data
                data = edited
            target.writestr(info.filename, data)
    return path


@pytest.mark.parametrize(
    "stated",
    [
        b'<dimension ref="A1:E3"',  # two units of five
        b'<dimension ref="A1"',
        b'<dimension ref="A1:C6"',  # no category read: every unit's column past C
    ],
)
def test_a_stale_stated_size_leaves_no_row_or_column_unread(tmp_path: Path, stated: bytes) -> None:
    """openpyxl's read-only sheet stops at the size the sheet states
    (``<dimension>``), which writers other than Excel leave stale: units past
    it were left out of the register, unseen (its population smaller), and
    columns past it unread."""
    path = _workbook(
        tmp_path / "register.xlsx", lambda x: x.replace(b'<dimension ref="A1:E6"', stated)
    )
    register = qrules.read_register(path)
    assert [u.unit for u in register.units] == [f"CT0{i}" for i in range(1, 6)]
    assert {u.category for u in register.units} == {"catering"}


def test_a_row_beyond_the_stated_size_is_read(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "register.xlsx", lambda x: x.replace(b'<row r="6"', b'<row r="9"'))
    assert len(qrules.read_register(path).units) == 5


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        # a row numbered before one read: openpyxl passed over it
        ((b'<row r="3"', b'<row r="-3"'), "gives row -3 after row 2"),
        ((b'<row r="4"', b'<row r="2"'), "gives row 2 after row 3"),
        # beyond Excel's last row: it made every row up to it (a hang)
        ((b'<row r="6"', b'<row r="99999999999"'), "gives row 99999999999 after row 5"),
        # cells openpyxl cannot read: a bug (exit 3) before
        ((b't="inlineStr"><is><t>CT02', b't="s"><v>99</v><is><t>CT02'), "list index out of range"),
        ((b't="inlineStr"><is><t>CT02', b't="n"><v>NaN</v><is><t>CT02'), "invalid literal"),
        ((b'<c r="A3" ', b'<c r="3A" '), "invalid literal"),
    ],
)
def test_rows_out_of_order_and_unreadable_cells_are_refused(
    tmp_path: Path, edit: tuple[bytes, bytes], said: str
) -> None:
    path = _workbook(tmp_path / "register.xlsx", lambda x: x.replace(*edit, 1))
    with pytest.raises(qrules.DataError, match=r"not a readable \.xlsx file") as caught:
        qrules.read_register(path)
    assert said in str(caught.value)


def test_the_command_line_refuses_an_unreadable_cell_with_exit_2(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "register.xlsx",
        lambda x: x.replace(b't="inlineStr"><is><t>CT02', b't="s"><v>99</v><is><t>CT02', 1),
    )
    code, _, err = run("check", BOOK, "--register", str(path), "--lang", "zh")
    assert code == 2
    assert "不是可读的 .xlsx 文件" in err
    assert len(err.strip().splitlines()) == 2
