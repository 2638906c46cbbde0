"""An `.xlsx` file that cannot be read as asked is closed before the error.

A workbook with formulas is opened twice (its saved values, and its formulas
for a formula cell without one); when the sheet asked for is missing, a chart
sheet, or every sheet is hidden, the second workbook was left open (its file
held until the error's traceback went away).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import qrules

openpyxl = pytest.importorskip("openpyxl")


def open_files() -> set[str]:
    folder = Path(f"/proc/{os.getpid()}/fd")
    if not folder.is_dir():
        pytest.skip("needs /proc to count open files")
    found = set()
    for entry in folder.iterdir():
        try:
            found.add(os.readlink(entry))
        except OSError:  # closed while listed
            continue
    return found


def formulas(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["unit", "category", "registered"])
    sheet.append(["A", "health_food_maker", "=TODAY()"])
    from openpyxl.chart import BarChart, Reference  # noqa: PLC0415

    chart = BarChart()
    chart.add_data(Reference(sheet, min_col=1, min_row=1, max_row=2))
    book.create_chartsheet("chart").add_chart(chart)
    book.save(path)
    return path


@pytest.mark.parametrize(("sheet", "message"), [("nope", "no sheet"), ("chart", "chart")])
def test_both_workbooks_are_closed_when_no_sheet_is_read(
    tmp_path: Path, sheet: str, message: str
) -> None:
    path = formulas(tmp_path / "register.xlsx")
    before = open_files()
    with pytest.raises(qrules.DataError, match=message) as raised:
        qrules.read_register(path, sheet=sheet)
    assert str(path) not in open_files() - before
    del raised


def test_both_workbooks_are_closed_when_the_header_is_refused(tmp_path: Path) -> None:
    """A required column missing: the rows are never read, the files closed all the same."""
    book = openpyxl.Workbook()
    book.active.append(["unit", "registered"])
    book.active.append(["A", "=TODAY()"])
    path = tmp_path / "register.xlsx"
    book.save(path)
    before = open_files()
    with pytest.raises(qrules.DataError, match="category") as raised:
        qrules.read_register(path)
    assert str(path) not in open_files() - before
    del raised


def test_a_figures_workbook_refused_is_closed(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["year", "measure", "value", "value"])
    book.active.append([2025, "food_samples_passed", "=1+1", 3])
    path = tmp_path / "figures.xlsx"
    book.save(path)
    yantai = qrules.load("yantai-2023-2025")
    before = open_files()
    with pytest.raises(qrules.DataError) as raised:
        qrules.read_dataset(path, yantai)
    assert str(path) not in open_files() - before
    del raised
