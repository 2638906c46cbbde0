"""Dates and reading rules of records (session 10, helper dates): a date after
today is doubtful in the register as in the log, on every route; a declared
date is written as a date cell is (never a serial); a mapping never maps a missing marker."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

import qrules
from qrules.engines import evaluate_tables
from qrules.records.prepare import log_end, prepared
from tests.conftest import run

BOOK = "yantai-2023-2025"
FORMULA = "infant-formula-makers-system-inspected-yearly"
YEAR_2024 = {"log_from": "2024-01-01", "log_until": "2024-12-31"}

_REGISTER = (
    "CREATE TABLE register(unit TEXT, name TEXT, category TEXT, registered DATE, closed DATE)",
    "INSERT INTO register VALUES ('IF01', 'a', 'infant_formula_maker', DATE '2020-01-01', NULL),"
    " ('IF02', 'b', 'infant_formula_maker', DATE '2052-03-01', NULL)",
    "CREATE TABLE inspections(unit TEXT, date DATE, kind TEXT)",
    "INSERT INTO inspections VALUES ('IF01', DATE '2024-05-01', 'system')",
)


def _verdicts(evaluation: qrules.Evaluation) -> set[tuple[int | None, str]]:
    return {(r.year, r.verdict.value) for r in evaluation if r.district is None}


def _problems(evaluation: qrules.Evaluation, kind: str) -> list[qrules.Problem]:
    return [p for t in evaluation.records if t.kind == kind for p in t.problems]


# -- a registration date after today ----------------------------------------------------------


def test_a_unit_registered_after_an_injected_today_is_rejected_naming_its_column() -> None:
    register = qrules.read_register(
        [
            {"单位": "IF01", "category": "infant_formula_maker", "登记日期": "2020-01-01"},
            {"单位": "IF02", "category": "infant_formula_maker", "登记日期": "2024-07-01"},
        ],
        mapping={"register": {"columns": {"unit": "单位", "registered": "登记日期"}}},
    )
    ready = prepared(register, None, today=dt.date(2024, 6, 1))
    assert [u.unit for u in ready.register.units] == ["IF01"]
    assert ready.register.rows_rejected == 1
    [problem] = ready.register.problems
    assert "row 2, column '登记日期'" in str(problem), str(problem)
    assert "registered 2024-07-01, after today (2024-06-01)" in str(problem)
    assert "晚于今天" in problem.render("zh")
    [unit] = ready.doubts.units
    assert (unit.unit, unit.unreadable) == ("IF02", frozenset({"registered"}))
    # The day after, the same register is read as it stands.
    assert prepared(register, None, today=dt.date(2024, 7, 1)).register is register


def test_a_closing_date_after_today_is_read_as_it_stands() -> None:
    """A closure after today (scheduled, or mistyped) leaves the unit open today,
    in every year judged so far: read, not rejected (docs/records.md)."""
    register = qrules.read_register(
        [{"unit": "IF01", "category": "infant_formula_maker", "closed": "2052-01-01"}]
    )
    ready = prepared(register, None)
    assert ready.register.rows_rejected == 0
    assert ready.register.units[0].closed == dt.date(2052, 1, 1)


def _duckdb(*statements: str) -> Any:
    """An in-memory DuckDB database where ``statements`` ran (as one script)."""
    return pytest.importorskip("duckdb").connect().execute(";\n".join(statements))


def test_a_unit_registered_after_today_in_a_date_column_in_place_is_doubtful() -> None:
    """A DATE column: the tables look clean to the cheap checks (watched), the key
    check's pass finds the row, and it is read as the readers read it."""
    book = qrules.load(BOOK)
    evaluation = evaluate_tables(book, _duckdb(*_REGISTER), rules=[book[FORMULA]], **YEAR_2024)
    assert _verdicts(evaluation) == {(2024, "unknown")}
    [problem] = _problems(evaluation, "register")
    assert "row 2, column 'registered'" in str(problem), str(problem)
    assert "registered 2052-03-01, after today" in str(problem)


def test_a_unit_registered_after_today_in_place_with_the_keys_trusted_is_doubtful() -> None:
    """With the keys trusted, no key check's pass looks at the register: its
    latest registration, asked with the plain counts, shows the row."""
    book = qrules.load(BOOK)
    evaluation = evaluate_tables(
        book, _duckdb(*_REGISTER), rules=[book[FORMULA]], check_keys=False, **YEAR_2024
    )
    assert _verdicts(evaluation) == {(2024, "unknown")}


def test_a_unit_registered_after_today_in_postgres_is_doubtful(postgres_url: str) -> None:
    psycopg = pytest.importorskip("psycopg")
    book = qrules.load(BOOK)
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute("DROP TABLE IF EXISTS register, inspections")
        for statement in _REGISTER:
            connection.execute(statement)
        try:
            evaluation = evaluate_tables(book, connection, rules=[book[FORMULA]], **YEAR_2024)
        finally:
            connection.execute("DROP TABLE IF EXISTS register, inspections")
    assert _verdicts(evaluation) == {(2024, "unknown")}
    assert "2052-03-01" in str(_problems(evaluation, "register")[0])


def test_the_csv_route_leaves_a_register_date_after_today_to_the_readers(tmp_path: Path) -> None:
    pytest.importorskip("duckdb")
    from qrules.records.direct import read_files  # noqa: PLC0415

    register, log = tmp_path / "register.csv", tmp_path / "log.csv"
    log.write_text("unit,date,kind\nIF01,2024-05-01,system\n", encoding="utf-8")
    clean = "unit,name,category,registered\nIF01,a,infant_formula_maker,2020-01-01\n"
    register.write_text(clean, encoding="utf-8")
    direct = read_files(str(register), str(log))
    assert direct is not None
    assert direct.register.units.date_range("registered") == (dt.date(2020, 1, 1),) * 2
    direct.close()
    register.write_text(clean + "IF02,b,infant_formula_maker,2052-03-01\n", encoding="utf-8")
    assert read_files(str(register), str(log)) is None


# -- a log date after today, whatever end is declared ------------------------------------------


def test_the_log_end_is_the_earlier_of_the_declared_end_and_today() -> None:
    today = dt.date(2026, 6, 1)
    assert log_end(None, today) == (today, False)
    assert log_end(dt.date(2025, 12, 31), today) == (dt.date(2025, 12, 31), True)
    assert log_end(dt.date(2199, 12, 31), today) == (today, False)


def test_a_log_date_after_today_is_doubtful_in_place_with_a_later_declared_end() -> None:
    book = qrules.load(BOOK)
    connection = _duckdb(
        "CREATE TABLE register(unit TEXT, name TEXT, category TEXT)",
        "INSERT INTO register VALUES ('IF01', 'a', 'infant_formula_maker')",
        "CREATE TABLE inspections(unit TEXT, date DATE, kind TEXT)",
        "INSERT INTO inspections VALUES ('IF01', DATE '2025-05-01', 'system'),"
        " ('IF01', DATE '2099-06-01', 'system')",
    )
    evaluation = evaluate_tables(
        book, connection, rules=[book[FORMULA]], log_from="2025-01-01", log_until="2199-12-31"
    )
    [problem] = _problems(evaluation, "log")
    assert "2099-06-01 is after today" in str(problem), str(problem)
    assert "row 2, column 'date'" in str(problem), str(problem)


def test_a_log_date_after_today_is_said_so_from_files(tmp_path: Path) -> None:
    (tmp_path / "register.csv").write_text(
        "unit,name,category\nIF01,a,infant_formula_maker\n", encoding="utf-8"
    )
    (tmp_path / "log.csv").write_text(
        "unit,检查日期,kind\nIF01,2025-05-01,system\nIF01,2099-06-01,system\n", encoding="utf-8"
    )
    (tmp_path / "mapping.toml").write_text('[log.columns]\ndate = "检查日期"\n', "utf-8")
    base = ["check", BOOK, "--register", str(tmp_path / "register.csv")]
    base += ["--log", str(tmp_path / "log.csv"), "--mapping", str(tmp_path / "mapping.toml")]
    base += ["--rule", FORMULA, "--log-from", "2025-01-01", "--log-until", "2199-12-31"]
    for engine in ("reference", "duckdb"):
        code, out, err = run(*base, "--engine", engine)
        assert code in (0, 1), err
        assert "row 3, column '检查日期': 2099-06-01 is after today" in out, out


# -- a declared date is written as a date cell is, never as a serial -----------------------------


@pytest.mark.parametrize("written", ["45292", "2024-13-01x", "yesterday"])
def test_a_declared_end_that_is_not_a_written_date_is_refused(tmp_path: Path, written: str) -> None:
    """(Session 14: ``2024/12/31`` and ``2024年12月31日`` are read, as a log's
    date cells are; a serial, which a cell may be, is no date one types.)"""
    (tmp_path / "register.csv").write_text(
        "unit,name,category\nIF01,a,infant_formula_maker\n", encoding="utf-8"
    )
    (tmp_path / "log.csv").write_text("unit,date,kind\nIF01,2024-05-01,system\n", "utf-8")
    base = ["check", BOOK, "--register", str(tmp_path / "register.csv")]
    base += ["--log", str(tmp_path / "log.csv"), "--log-until", written]
    code, _, err = run(*base)
    assert code == 2, err
    assert f"option --log-until: {written!r} is not a date: write 2024-12-31, 2024/12/31" in err
    assert "not an Excel serial" in err, err
    code, _, err = run("--lang", "zh", *base)
    assert code == 2, err
    assert "不是日期:请写作 2024-12-31、2024/12/31" in err, err
    register = qrules.read_register(tmp_path / "register.csv")
    with pytest.raises(ValueError, match=r"log_until: .* 2024年12月31日"):
        qrules.evaluate_records(qrules.load(BOOK), register, None, log_until=written)


# -- a mapping of a missing marker --------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "column", "written", "code"),
    [
        ("register", "risk_level", "无", "high"),
        ("log", "kind", "NA", "system"),
        ("register", "bright_kitchen", "—", True),
        ("register", "category", "", "catering"),
    ],
)
def test_a_mapping_of_a_missing_marker_is_refused(
    table: str, column: str, written: str, code: object
) -> None:
    with pytest.raises(qrules.DataError) as raised:
        qrules.records.read.ColumnMapping.from_dict({table: {"codes": {column: {written: code}}}})
    said = str(raised.value)
    assert f"{written!r} is a marker of a missing value" in said, said
    assert "表示缺失值" in raised.value.render("zh")
