"""Findings of session 12's adversarial review (helper hunt): qrules as its
users meet it (an analyst's sheets of figures, the command line end to end, a
data team's tests, a drafter's versions), each a reproducer.

A test marked ``xfail(strict=True)`` pins a bug whose fix lies beyond this
review (the reason says where); the others hold fixes made here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run

BOOK = "yantai-2023-2025"
BRANDS = "provincial-high-end-brand-enterprises-table"  # >= 100 in 2025


# -- a column per district beside a column that is no district -------------------------------


@pytest.mark.parametrize(
    ("column", "cell"),
    [("序号", "3"), ("No.", "3"), ("目标值", "100"), ("2025年目标", "100"), ("备注", "3")],
)
def test_a_column_beside_the_districts_is_not_summed_as_one(
    tmp_path: Path, column: str, cell: str
) -> None:
    """A sheet with a column per district and, as office sheets have, a serial
    number (序号), a target (目标值) or a remark (备注) column: the user saw
    "met 101 (Σ 3 districts)": the two districts' 98 brand enterprises (a sum of
    only the districts the sheet names, which decides nothing below 100) plus
    the serial number 3, read as a third district's figure."""
    sheet = tmp_path / "figures.csv"
    sheet.write_text(
        f"{column},year,measure,芝罘区,福山区\n"
        f"1,2025,food_samples_passed,30,40\n"
        f"{cell},2025,provincial_high_end_brand_enterprises,48,50\n",
        encoding="utf-8",
    )
    code, out, err = run("check", BOOK, str(sheet), "--rule", BRANDS)
    assert (code, err) == (1, "")
    assert "unknown  98 (Σ 2 districts)" in out, out
    assert f"columns not read: {column}" in out
