"""Workbooks in the 1904 date system (Excel for Mac's old default).

A workbook whose property ``date1904`` is set counts its serial dates from
1904-01-01, not from 1899-12-30: the same serial is 1462 days later. A date
cell (a number in a date format) was read right (openpyxl converts it), but a
bare number in a date column, read as an Excel serial, was read in the 1900
system: 4 years and a day early.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import qrules

openpyxl = pytest.importorskip("openpyxl")

DAY = dt.date(2024, 3, 5)  # 45356 in the 1900 system, 43894 in the 1904 system


def workbook(path: Path, rows: list[list[object]], *, date1904: bool) -> Path:
    from openpyxl.utils.datetime import CALENDAR_MAC_1904  # noqa: PLC0415

    book = openpyxl.Workbook()
    if date1904:
        book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize(("date1904", "serial"), [(True, 43894), (False, 45356)])
def test_serials_are_read_in_the_workbooks_date_system(
    tmp_path: Path, date1904: bool, serial: int
) -> None:
    path = workbook(
        tmp_path / "register.xlsx",
        [
            ["unit", "category", "registered", "closed"],
            ["A", "health_food_maker", serial, None],
            ["B", "health_food_maker", DAY, serial + 0.5],  # a date cell; a serial with a time
            ["C", "health_food_maker", 20240305, None],  # digits of a date: no serial at all
        ],
        date1904=date1904,
    )
    register = qrules.read_register(path)
    assert register.problems == ()
    assert [(u.unit, u.registered, u.closed) for u in register.units] == [
        ("A", DAY, None),
        ("B", DAY, DAY),
        ("C", DAY, None),
    ]


def test_a_log_in_the_1904_system(tmp_path: Path) -> None:
    register = qrules.read_register([{"unit": "A", "category": "health_food_maker"}])
    path = workbook(
        tmp_path / "log.xlsx", [["unit", "date"], ["A", 43894], ["A", DAY]], date1904=True
    )
    log = qrules.read_log(path, register)
    assert [i.date for i in log.inspections] == [DAY, DAY]


def test_the_1904_range_of_serials(tmp_path: Path) -> None:
    """Serials stand for the same days in either system: 1927 to 2202."""
    register = qrules.read_register(
        workbook(
            tmp_path / "register.xlsx",
            [
                ["unit", "category", "registered"],
                ["A", "health_food_maker", 10_000 - 1462],
                ["B", "health_food_maker", 10_000 - 1463],
            ],
            date1904=True,
        )
    )
    assert [(u.unit, u.registered) for u in register.units] == [("A", dt.date(1927, 5, 18))]
    [problem] = register.problems
    assert "row 3" in str(problem)
