"""Log rows dated before the log's declared start (``--log-from``): counted
where they fall, in years the log does not cover whole (unknown), and said in
the reconciliation, never counted silently (session 11, helper noticed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import qrules
from qrules.engines import evaluate_tables
from tests.conftest import records_options, run

BOOK = "yantai-2023-2025"
RULE = "infant-formula-makers-system-inspected-yearly"
UNITS = [
    {"unit": "IF01", "name": "a", "category": "infant_formula_maker", "registered": "2020-01-01"},
    {"unit": "IF02", "name": "b", "category": "infant_formula_maker", "registered": "2020-01-01"},
]
VISITS = [
    {"inspection": "J1", "unit": "IF01", "date": "2024-02-10", "kind": "system"},
    {"inspection": "J2", "unit": "IF02", "date": "2024-05-01", "kind": "system"},
    {"inspection": "J3", "unit": "IF01", "date": "2023-12-20", "kind": "system"},
]
NOTE = (
    "the log holds rows dated before its declared start, 2024-03-01 (the first on 2023-12-20):"
    " counted in the years they fall in, which the log does not cover whole"
    " (their results are unknown)"
)
NOTE_ZH = "检查记录中有日期早于其声明起始日 2024-03-01 的行(最早为 2023-12-20)"


def _log_notes(evaluation: qrules.Evaluation) -> list[qrules.Text]:
    return [n for t in evaluation.records if t.kind == "log" for n in t.notes]


def _connection(engine: str, request: pytest.FixtureRequest) -> Any:
    if engine == "duckdb":
        pytest.importorskip("duckdb")
    return request.getfixturevalue("postgres_url") if engine == "postgres" else None


def _judged(
    engine: str, request: pytest.FixtureRequest, visits: list[dict[str, str]], start: str
) -> qrules.Evaluation:
    book = qrules.load(BOOK)
    register = qrules.read_register(UNITS)
    return qrules.evaluate_records(
        book,
        register,
        qrules.read_log(visits, register),
        rules=[book[RULE]],
        log_from=start,
        log_until="2024-12-31",
        engine=engine,
        connection=_connection(engine, request),
    )


@pytest.mark.parametrize("engine", ["reference", "duckdb", "postgres"])
def test_rows_before_the_declared_start_are_said_in_the_reconciliation(
    engine: str, request: pytest.FixtureRequest
) -> None:
    evaluation = _judged(engine, request, VISITS, "2024-03-01")
    # The years the early rows fall in are not covered whole: never judged on them.
    assert {(r.year, r.verdict.value) for r in evaluation} == {(2024, "unknown")}
    notes = _log_notes(evaluation)
    assert [n.en for n in notes if "declared start" in n.en] == [NOTE]
    assert any(n.zh.startswith(NOTE_ZH) for n in notes)
    # A log that begins on its declared start: no such note.
    evaluation = _judged(engine, request, VISITS[:2], "2024-02-10")
    assert not [n for n in _log_notes(evaluation) if "declared start" in n.en]


@pytest.mark.parametrize("engine", ["reference", "duckdb"])
def test_rows_before_the_declared_start_are_said_from_files(tmp_path: Path, engine: str) -> None:
    register, log = tmp_path / "register.csv", tmp_path / "log.csv"
    register.write_text(
        "unit,name,category,registered\n"
        + "".join(f"{u['unit']},{u['name']},{u['category']},{u['registered']}\n" for u in UNITS),
        encoding="utf-8",
    )
    log.write_text(
        "inspection,unit,date,kind\n"
        + "".join(f"{v['inspection']},{v['unit']},{v['date']},{v['kind']}\n" for v in VISITS),
        encoding="utf-8",
    )
    base = ["check", BOOK, *records_options(register, log), "--rule", RULE]
    base += ["--log-from", "2024-03-01", "--log-until", "2024-12-31", "--engine", engine]
    code, out, err = run(*base)
    assert code == 1, err  # unknown
    assert NOTE in out, out
    code, out, err = run("--lang", "zh", *base)
    assert NOTE_ZH in out, out


def test_rows_before_the_declared_start_are_said_in_place() -> None:
    duckdb = pytest.importorskip("duckdb")
    connection = duckdb.connect()
    connection.execute(
        "CREATE TABLE register(unit TEXT, name TEXT, category TEXT, registered DATE);"
        "INSERT INTO register VALUES ('IF01', 'a', 'infant_formula_maker', DATE '2020-01-01'),"
        " ('IF02', 'b', 'infant_formula_maker', DATE '2020-01-01');"
        "CREATE TABLE inspections(inspection TEXT, unit TEXT, date DATE, kind TEXT);"
        "INSERT INTO inspections VALUES ('J1', 'IF01', DATE '2024-02-10', 'system'),"
        " ('J2', 'IF02', DATE '2024-05-01', 'system'), ('J3', 'IF01', DATE '2023-12-20', 'system')"
    )
    book = qrules.load(BOOK)
    evaluation = evaluate_tables(
        book, connection, rules=[book[RULE]], log_from="2024-03-01", log_until="2024-12-31"
    )
    assert {(r.year, r.verdict.value) for r in evaluation} == {(2024, "unknown")}
    assert NOTE in [n.en for n in _log_notes(evaluation)]
