"""Strict reading of ``.xlsx`` cells in every reader (session 13, issue 11).

A formula cell without a cached value and an error value (``#DIV/0!``,
``#N/A``, ``#REF!``) hold no data whatever their column. Read as the text
they show, ``=1+1`` or ``#REF!`` was a district of the figures, ``#N/A`` a
register's unit, and a header ``="closed"`` left the register's closing
dates unread (every unit open). Now each is refused (a header, a label of
the figures) or rejected (a register's or log's cell: its row, naming row
and column), in the figures and the records readers alike
(`qrules._tabular.unread_cell`).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest

import qrules
from qrules import _tabular
from tests.conftest import records_options, run

openpyxl = pytest.importorskip("openpyxl")

RATE = "food_safety_sampling_pass_rate"
FORMULA = "a formula without a cached value (=1+1)"
ERROR = "an error value {} (its formula failed), not data"


def workbook(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    """A workbook of one sheet (openpyxl writes ``=1+1`` as a formula without a
    cached value, and ``#N/A`` as an error value)."""
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(list(row))
    book.save(path)
    return path


def figures_problems(path: Path, rulebook: qrules.Rulebook) -> list[str]:
    with pytest.raises(qrules.DataError) as caught:
        qrules.read_dataset(path, rulebook)
    return [str(p) for p in caught.value.problems]


# -- figures --------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["=1+1", "#REF!"])
def test_a_district_cell_that_holds_no_value_is_refused(
    tmp_path: Path, yantai: qrules.Rulebook, written: str
) -> None:
    # Read as a district named '=1+1' (or '#REF!'), its figure judged.
    path = workbook(
        tmp_path / "d.xlsx",
        [["year", "district", "measure", "value"], [2025, written, RATE, 99]],
    )
    said = FORMULA if written == "=1+1" else ERROR.format(written)
    assert figures_problems(path, yantai)[0].startswith(f"d.xlsx, row 2, column 'district': {said}")


@pytest.mark.parametrize("column", ["year", "measure"])
@pytest.mark.parametrize("written", ["=1+1", "#N/A"])
def test_a_year_or_measure_cell_that_holds_no_value_is_refused(
    tmp_path: Path, yantai: qrules.Rulebook, column: str, written: str
) -> None:
    row = {"year": 2025, "measure": RATE, "value": 99, column: written}
    path = workbook(tmp_path / "m.xlsx", [list(row), list(row.values())])
    said = FORMULA if written == "=1+1" else ERROR.format(written)
    assert figures_problems(path, yantai) == [
        f"m.xlsx, row 2, column {column!r}: {said} ("
        + (
            "open the file in Excel and save it, so each formula's value is stored)"
            if written == "=1+1"
            else "correct the formula in Excel or write the value, then save the file)"
        )
    ]


@pytest.mark.parametrize("written", ["#DIV/0!", "#N/A"])
def test_an_error_value_among_the_figures_is_said_as_one(
    tmp_path: Path, yantai: qrules.Rulebook, written: str
) -> None:
    # Was "'#DIV/0!' is not a number; write a decimal such as 98.5": the cell
    # holds no number the user wrote, but a formula that failed.
    path = workbook(tmp_path / "v.xlsx", [["year", "measure", "value"], [2025, RATE, written]])
    assert figures_problems(path, yantai)[0].startswith(
        f"v.xlsx, row 2, column 'value': {ERROR.format(written)}"
    )


@pytest.mark.parametrize(
    "rows",
    [
        [["year", "measure", "=1+1"], [2025, RATE, 99]],  # long: the value's column
        [["measure", "=2024+1"], [RATE, 99]],  # wide: a year's column
        [["year", "measure", "芝罘区", "=1+1"], [2025, RATE, 99, 98]],  # a district's
    ],
)
def test_a_header_cell_that_holds_no_value_is_refused(
    tmp_path: Path, yantai: qrules.Rulebook, rows: list[list[object]]
) -> None:
    path = workbook(tmp_path / "h.xlsx", rows)
    letter = "ABCD"[len(rows[0]) - 1]
    assert figures_problems(path, yantai) == [
        f"h.xlsx, header, column {letter}: a formula without a cached value ({rows[0][-1]}) "
        "(open the file in Excel and save it, so each formula's value is stored)"
    ]


def test_a_header_found_below_a_title_is_read_strictly(
    tmp_path: Path, yantai: qrules.Rulebook
) -> None:
    path = workbook(
        tmp_path / "t.xlsx",
        [["2025年报表"], ["year", "measure", "#REF!"], [2025, RATE, 99]],
    )
    assert figures_problems(path, yantai)[0].startswith(
        f"t.xlsx, header, column C: {ERROR.format('#REF!')}"
    )


# -- records --------------------------------------------------------------------------


@pytest.mark.parametrize("column", ["unit", "category"])
def test_a_register_cell_holding_an_error_value_rejects_its_row(
    tmp_path: Path, column: str
) -> None:
    # '#N/A' was a unit of the register (or a category no rule selects): now
    # its row is rejected, its unit of unknown membership.
    row = {"unit": "K2", "category": "catering", "registered": "2020-01-01", column: "#N/A"}
    path = workbook(
        tmp_path / "r.xlsx", [list(row), ["K1", "catering", "2020-01-01"], list(row.values())]
    )
    register = qrules.read_register(path)
    assert [u.unit for u in register.units] == ["K1"]
    assert [str(p) for p in register.problems] == [
        f"r.xlsx, row 3, column {column!r}: {ERROR.format('#N/A')} "
        "(correct the formula in Excel or write the value, then save the file)"
    ]
    [rejected] = register.rejected
    assert column in rejected.unreadable


def test_a_log_kind_holding_an_error_value_rejects_its_row(tmp_path: Path) -> None:
    register = qrules.read_register(
        workbook(tmp_path / "r.xlsx", [["unit", "category"], ["K1", "catering"]])
    )
    log = qrules.read_log(
        workbook(
            tmp_path / "l.xlsx",
            [["unit", "date", "kind"], ["K1", "2024-03-01", "#N/A"]],
        ),
        register,
    )
    assert [str(p) for p in log.problems] == [
        f"l.xlsx, row 2, column 'kind': {ERROR.format('#N/A')} "
        "(correct the formula in Excel or write the value, then save the file)"
    ]


@pytest.mark.parametrize("written", ["=1+1", '="closed"', "#NAME?"])
def test_a_register_header_cell_that_holds_no_value_is_refused(
    tmp_path: Path, written: str
) -> None:
    # A header ="closed" was a column not read (a note): every unit's closing
    # date unread, closed units counted open.
    path = workbook(
        tmp_path / "r.xlsx",
        [
            ["unit", "category", "registered", written],
            ["K1", "catering", "2020-01-01", "2021-01-01"],
        ],
    )
    with pytest.raises(qrules.DataError) as caught:
        qrules.read_register(path)
    assert [str(p).partition(":")[0] for p in caught.value.problems] == ["r.xlsx, header, column D"]


def test_the_command_refuses_a_register_header_formula(tmp_path: Path) -> None:
    register = workbook(
        tmp_path / "r.xlsx",
        [["unit", "category", '="closed"'], ["K1", "catering", "2021-01-01"]],
    )
    log = tmp_path / "l.csv"
    log.write_text("unit,date,kind\nK1,2024-03-01,system\n", encoding="utf-8")
    code, _, err = run("check", "yantai-2023-2025", *records_options(register, log))
    assert code == 2, err
    assert "r.xlsx, header, column C: a formula without a cached value" in err
    assert "Traceback" not in err
    code, _, err = run("--lang", "zh", "check", "yantai-2023-2025", *records_options(register, log))
    assert code == 2
    assert "表头,第 C 列" in err


# -- a formula written with a namespace prefix ------------------------------------------


def prefixed(path: Path) -> Path:
    """The workbook with every tag of its sheet given a namespace prefix
    (``<x:c>``, ``<x:f>``), as the .NET Open XML SDK writes them."""
    with zipfile.ZipFile(path) as archive:
        parts = {i.filename: archive.read(i.filename) for i in archive.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet = sheet.replace('xmlns="http://schemas', 'xmlns:x="http://schemas')
    parts["xl/worksheets/sheet1.xml"] = re.sub(r"<(/?)([A-Za-z])", r"<\1x:\2", sheet).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize("chunk", [1 << 20, 5, 7])
def test_a_formula_with_a_prefix_is_never_read_as_empty(
    tmp_path: Path, yantai: qrules.Rulebook, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    # <x:f> was not found by the search for <f>: the formula's cell read as
    # empty (a figure missing, a register's flag not set). Each chunk size cuts
    # the tags elsewhere.
    monkeypatch.setattr(_tabular, "_FORMULA_CHUNK", chunk)
    path = prefixed(
        workbook(tmp_path / "p.xlsx", [["year", "measure", "value"], [2025, RATE, "=MAX(99,1)"]])
    )
    assert figures_problems(path, yantai)[0].startswith(
        "p.xlsx, row 2, column 'value': the formula =MAX(99,1) has no saved value"
    )
    register = qrules.read_register(
        prefixed(
            workbook(
                tmp_path / "r.xlsx",
                [
                    ["unit", "category", "internet_bright_kitchen"],
                    ["K1", "catering", '=IF(1,"是","否")'],
                ],
            )
        )
    )
    assert [str(p).partition(":")[0] for p in register.problems] == [
        "r.xlsx, row 2, column 'internet_bright_kitchen'"
    ]


# -- a row of an .xlsx sheet that stores fewer cells than its header ---------------------


def undimensioned(path: Path) -> Path:
    """The workbook without its sheet's ``<dimension>`` (which many writers
    leave out): openpyxl gives each row the cells it stores, no more."""
    with zipfile.ZipFile(path) as archive:
        parts = {i.filename: archive.read(i.filename) for i in archive.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = re.sub(r"<dimension[^>]*/>", "", sheet).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def test_an_xlsx_row_storing_fewer_cells_than_its_header_reads_them_as_empty(
    tmp_path: Path, yantai: qrules.Rulebook
) -> None:
    # A cell an .xlsx sheet does not store is an empty cell, as the records
    # readers read it: the figures reader refused the row ("row 3: 3 cells,
    # but the header has 4 columns"), which a CSV row's missing cells only
    # justify (there, which cell is missing cannot be told).
    path = undimensioned(
        workbook(
            tmp_path / "s.xlsx",
            [
                ["year", "measure", "value", "备注"],
                [2025, RATE, 99, "x"],
                [2024, RATE, 98],
            ],
        )
    )
    dataset = qrules.read_dataset(path, yantai)
    assert sorted((o.year, o.value) for o in dataset.observations) == [(2024, 98), (2025, 99)]
    # (A CSV row with fewer cells is refused as before.)
    csv = tmp_path / "s.csv"
    csv.write_text(f"year,measure,value,备注\n2025,{RATE},99,x\n2024,{RATE},98\n", encoding="utf-8")
    assert figures_problems(csv, yantai) == [
        "s.csv, row 3: 3 cells, but the header has 4 columns (a row must have a cell "
        "(empty or not) under each column)"
    ]


def test_a_title_above_the_header_is_no_header(tmp_path: Path, yantai: qrules.Rulebook) -> None:
    # Only a header's cells refuse the file: a title row holding a formula
    # without a saved value, above the header the reader finds, is read as before.
    path = workbook(
        tmp_path / "t.xlsx",
        [['="年报"&2025'], ["year", "measure", "value"], [2025, RATE, 99]],
    )
    dataset = qrules.read_dataset(path, yantai)
    assert [(o.year, o.value) for o in dataset.observations] == [(2025, 99)]
