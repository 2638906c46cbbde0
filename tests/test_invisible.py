"""Invisible format characters: ``IF01`` and ``IF01`` followed by a zero-width
space are one unit to every reader and engine (docs/records.md, reading values).

Before, the readers kept the zero-width space (NFKC leaves it), so a register
holding both had two units that look alike, and an uninspected "second" IF01
made the rule "not met 50 (1/2)", on every engine.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import qrules
from qrules._tabular import INVISIBLE, normal
from tests.conftest import log_year, records_options, run

BOOK = "yantai-2023-2025"
FORMULA = "infant-formula-makers-system-inspected-yearly"
YEAR_2024 = {"log_from": "2024-01-01", "log_until": "2024-12-31"}

#: One of each kind the readers remove.
SAMPLES = (
    "\u00ad",  # soft hyphen
    "\u200b",  # zero-width space
    "\u200c",  # zero-width non-joiner
    "\u200d",  # zero-width joiner
    "\u200e",  # left-to-right mark
    "\u202e",  # right-to-left override
    "\u2060",  # word joiner
    "\ufeff",  # a byte-order mark inside text
)


@pytest.mark.parametrize("char", SAMPLES)
def test_the_readers_remove_an_invisible_character(char: str) -> None:
    assert INVISIBLE.fullmatch(char)
    assert normal(f" IF{char}01{char} ") == "IF01"
    assert normal(f"芝罘区{char}") == "芝罘区"


def test_visible_text_is_left_as_it_was() -> None:
    for text in ("IF01", "芝罘区", "a b", "Café", "😀"):
        assert normal(text) == text


def _verdicts(evaluation: qrules.Evaluation) -> set[tuple[int | None, str]]:
    return {(r.year, r.verdict.value) for r in evaluation if r.district is None}


REGISTER = [
    {"unit": "IF01", "name": "a", "category": "infant_formula_maker"},
    {"unit": "IF01\u200b", "name": "b", "category": "infant_formula_maker"},
]
LOG = [{"unit": "IF01", "date": "2024-05-01", "kind": "system"}]


def test_a_unit_and_its_invisible_twin_are_one_unit_given_twice() -> None:
    book = qrules.load(BOOK)
    units = qrules.read_register(REGISTER)
    assert [u.unit for u in units] == ["IF01"]
    [rejected] = units.rejected
    assert (rejected.row, rejected.unit) == (2, "IF01")
    evaluation = qrules.evaluate_records(
        book, units, qrules.read_log(LOG, units), rules=[book[FORMULA]], **YEAR_2024
    )
    assert _verdicts(evaluation) == {(2024, "unknown")}


@pytest.mark.parametrize("engine", ["duckdb", "reference"])
def test_on_the_command_line_from_csv(tmp_path: Path, engine: str) -> None:
    register, log = tmp_path / "register.csv", tmp_path / "log.csv"
    register.write_text(
        "unit,name,category\nIF01,a,infant_formula_maker\nIF01\u200b,b,infant_formula_maker\n",
        encoding="utf-8",
    )
    log.write_text("unit,date,kind\nIF01,2024-05-01,system\n", encoding="utf-8")
    code, out, err = run(
        "check", BOOK, *records_options(register, log), "--rule", FORMULA,
        *log_year(2024), "--engine", engine,
        "--format", "json",
    )  # fmt: skip
    assert not err
    assert code == 1
    assert [r["verdict"] for r in json.loads(out)["results"]] == ["unknown"]


def test_a_header_with_an_invisible_character_is_its_column() -> None:
    units = qrules.read_register(
        [{"unit\u200b": "IF01", "name": "a", "\ufeffcategory": "infant_formula_maker"}]
    )
    assert [(u.unit, u.category) for u in units] == [("IF01", "infant_formula_maker")]


_STATEMENTS = (
    "CREATE TABLE register(unit TEXT, name TEXT, category TEXT)",
    "INSERT INTO register VALUES ('IF01', 'a', 'infant_formula_maker'),"
    " ('IF01\u200b', 'b', 'infant_formula_maker')",
    "CREATE TABLE inspections(unit TEXT, date DATE, kind TEXT)",
    "INSERT INTO inspections VALUES ('IF01', DATE '2024-05-01', 'system')",
)


def _in_place(connection: Any) -> set[tuple[int | None, str]]:
    from qrules.engines import evaluate_tables  # noqa: PLC0415

    book = qrules.load(BOOK)
    evaluation = evaluate_tables(book, connection, rules=[book[FORMULA]], **YEAR_2024)
    [register] = [t for t in evaluation.records if t.kind == "register"]
    # Both rows: 'IF01\u200b' read otherwise, and 'IF01', whose id it is
    # to a file reader (`Table.twins`: read together, as a reader reads them;
    # the bounds are the files').
    assert register.rows_rejected == 2
    said = " ".join(str(p) for p in register.problems)
    assert "unit 'IF01' is given twice (first in row 1)" in said
    assert "another row gives this unit id too" in said
    return _verdicts(evaluation)


def test_in_place_in_duckdb() -> None:
    duckdb = pytest.importorskip("duckdb")
    connection = duckdb.connect()
    for statement in _STATEMENTS:
        connection.execute(statement)
    assert _in_place(connection) == {(2024, "unknown")}


def test_in_place_in_postgres(postgres_url: str) -> None:
    psycopg = pytest.importorskip("psycopg")
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute("DROP TABLE IF EXISTS register, inspections")
        for statement in _STATEMENTS:
            connection.execute(statement)
        try:
            assert _in_place(connection) == {(2024, "unknown")}
        finally:
            connection.execute("DROP TABLE IF EXISTS register, inspections")


def test_a_district_label_with_an_invisible_character_is_that_district() -> None:
    book = qrules.load(BOOK)
    rows = [
        {"year": 2025, "district": "芝罘区\u200b", "measure": "food_samples_passed", "value": 990},
        {"year": 2025, "district": "芝罘区", "measure": "food_samples_tested", "value": 1000},
    ]
    dataset = qrules.read_dataset(rows, rulebook=book)
    assert {o.district for o in dataset.observations} == {"芝罘区"}
