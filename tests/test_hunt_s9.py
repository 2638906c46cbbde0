"""Findings of session 9's adversarial review (helper hunt): each a reproducer.

A test marked ``xfail(strict=True)`` pins a bug whose fix lies in a file
another helper owns this session (the reason says where); the others hold
fixes made here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import qrules
from tests.conftest import run

BOOK = "yantai-2023-2025"
FORMULA = "infant-formula-makers-system-inspected-yearly"


def _records(tmp_path: Path, log: str) -> tuple[Path, Path]:
    register = tmp_path / "register.csv"
    register.write_text("unit,name,category\nIF01,甲,infant_formula_maker\n", encoding="utf-8")
    inspections = tmp_path / "log.csv"
    inspections.write_text(log, encoding="utf-8")
    return register, inspections


# -- a doubtful date (after the log's end) ----------------------------------------------


@pytest.mark.parametrize("engine", ["duckdb", "reference"])
def test_a_doubtful_date_is_said_in_chinese_and_does_not_extend_the_reach_shown(
    tmp_path: Path, engine: str
) -> None:
    """A log row dated after the declared end was rejected with an English
    message under ``--lang zh`` (``row 3``, ``... is after the log's declared
    end ...: a doubtful date, not counted``), and the log's note still said it
    ran to that date ("inspections from 2024-05-01 to 2052-03-01"), beside the
    note that such a row does not extend the log's reach."""
    register, log = _records(
        tmp_path, "unit,date,kind\nIF01,2024-05-01,system\nIF01,2052-03-01,system\n"
    )
    argv = ("check", BOOK, "--register", str(register), "--log", str(log), "--rule", FORMULA)
    dates = ("--log-from", "2024-01-01", "--log-until", "2024-12-31", "--engine", engine)
    code, out, _ = run("--lang", "zh", *argv, *dates)
    assert code == 0, out
    assert "log.csv,第 3 行,键 'date':2052-03-01 晚于声明的截止日期(2024-12-31)" in out, out
    assert "is after" not in out
    assert "检查日期从 2024-05-01 到 2024-05-01" in out, out
    assert "到 2052-03-01" not in out
    code, out, _ = run(*argv, *dates)
    assert (
        "log.csv, row 3, key 'date': 2052-03-01 is after the log's declared end (2024-12-31):"
        " a doubtful date, not counted" in out
    ), out
    assert "inspections from 2024-05-01 to 2024-05-01" in out, out


def test_a_log_of_doubtful_dates_alone_notes_no_reach(tmp_path: Path) -> None:
    """Every row after the end: no row counted, so no 'inspections from' note."""
    register, log = _records(tmp_path, "unit,date,kind\nIF01,2052-03-01,system\n")
    book = qrules.load(BOOK)
    registered = qrules.read_register(str(register))
    evaluation = qrules.evaluate_records(
        book,
        registered,
        qrules.read_log(str(log), registered),
        rules=[book[FORMULA]],
        log_until="2024-12-31",
    )
    [table] = [t for t in evaluation.records if t.kind == "log"]
    assert not any("inspections from" in n.en for n in table.notes), table.notes
    assert (table.rows_used, table.rows_rejected) == (0, 1)
