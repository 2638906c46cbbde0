"""Session 13, the lead's: tables in place whose columns are of an enumerated
type (DuckDB's ENUM: a pandas or polars categorical registered; a
PostgreSQL enum type)."""

from __future__ import annotations

import datetime as dt
import zlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qrules
from qrules import evaluate_tables
from qrules.engines.sql import Table
from tests.conftest import records_tables

duckdb = pytest.importorskip("duckdb")

_REGISTER = [
    # unit, category, risk_level, district, registered
    ("IF01", "infant_formula_maker", "low", "芝罘区", "2020-01-01"),
    ("IF02", "infant_formula_maker", "low", "福山区", "2020-01-01"),
    ("HF01", "health_food_maker", "medium", "芝罘区", "2019-05-01"),
    ("HF02", "health_food_maker", "medium", "莱山区", "2019-05-01"),
    ("CT01", "catering", "high", "莱山区", "2018-03-01"),
    ("CT02", "catering", "high", "福山区", "2018-03-01"),
    ("XX01", "—", "low", "福山区", "2018-03-01"),  # a category written as a missing marker
]
_LOG = [
    # inspection, unit, date, kind, result
    ("J1", "IF01", "2024-03-01", "system", "compliant"),
    ("J2", "IF02", "2024-04-01", "routine", "compliant"),
    ("J3", "HF01", "2024-05-01", "system", "compliant"),
    ("J4", "CT01", "2024-02-01", "routine", "compliant"),
    ("J5", "CT01", "2024-09-01", "special", "compliant"),
    ("J6", "CT02", "2024-06-01", "bogus", "compliant"),  # a kind no reader reads
    ("J7", "IF02", "2024-06-01", "system", "non_compliant"),
]


def _statements(enum: frozenset[str]) -> list[str]:
    """The register and log as tables (``{s}``: the schema's prefix), the
    columns named in ``enum`` of an enum type of their own holding their
    values (as a categorical registered in DuckDB is, or a supervision
    system's PostgreSQL schema has), the others text."""
    columns = {
        "register": ("unit", "category", "risk_level", "district", "registered"),
        "inspections": ("inspection", "unit", "date", "kind", "result"),
    }
    statements = []
    for table, rows in (("register", _REGISTER), ("inspections", _LOG)):
        names = columns[table]
        typed = []
        for index, name in enumerate(names):
            if name in ("registered", "date"):
                typed.append(f'"{name}" DATE')
            elif name in enum:
                values = sorted({row[index] for row in rows} | {"zzz_unused"})
                listed = ", ".join(_literal(v) for v in values)
                statements.append(f"CREATE TYPE {{s}}{table}_{name} AS ENUM ({listed})")
                typed.append(f'"{name}" {{s}}{table}_{name}')
            else:
                typed.append(f'"{name}" VARCHAR')
        statements.append(f"CREATE TABLE {{s}}{table} ({', '.join(typed)})")
        values = ", ".join(f"({', '.join(map(_literal, row))})" for row in rows)
        statements.append(f"INSERT INTO {{s}}{table} VALUES {values}")
    return statements


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _in_2024(evaluation: Any) -> list[tuple[Any, ...]]:
    """The city's results of 2024, as compared."""
    return [
        (
            r.rule.id,
            r.year,
            r.verdict.value,
            str(r.observed),
            str(r.reason),
            r.population,
            r.meeting,
        )
        for r in evaluation
        if r.year == 2024 and r.district is None
    ]


def _judged(
    engine: str, request: pytest.FixtureRequest, enum: frozenset[str], **options: Any
) -> list[tuple[Any, ...]]:
    connection, names = records_tables(
        engine,
        request,
        _statements(enum),
        f"lead_s13_{zlib.crc32(','.join(sorted(enum)).encode())}",
    )
    evaluation = evaluate_tables(
        qrules.load("yantai-2023-2025"),
        connection,
        **names,
        log_from="2024-01-01",
        log_until="2024-12-31",
        **options,
    )
    return _in_2024(evaluation)


@pytest.mark.parametrize("check_keys", [True, False])
@pytest.mark.parametrize(
    "enum",
    [
        frozenset({"category"}),
        frozenset({"kind", "result"}),
        frozenset({"unit", "inspection"}),
        frozenset({"category", "risk_level", "district", "kind", "result", "unit", "inspection"}),
    ],
)
@pytest.mark.parametrize("engine", ["duckdb", "postgres"])
def test_an_enum_column_is_read_as_its_text(
    engine: str, enum: frozenset[str], check_keys: bool, request: pytest.FixtureRequest
) -> None:
    """A column of an enum type (a pandas categorical registered in DuckDB, a
    PostgreSQL enum type) is judged as the same column of text is, rows
    rejected alike; before, it was refused as a type qrules does not read."""
    expected = _judged(engine, request, frozenset(), check_keys=check_keys)
    assert expected  # (rules judged in 2024)
    assert _judged(engine, request, enum, check_keys=check_keys) == expected


@pytest.mark.parametrize("engine", ["duckdb", "postgres"])
def test_an_enum_column_by_district(engine: str, request: pytest.FixtureRequest) -> None:
    every = frozenset({"category", "risk_level", "district", "kind", "result", "unit"})
    assert _judged(engine, request, every, by_district=True) == _judged(
        engine, request, frozenset(), by_district=True
    )


def test_a_pandas_categorical_registered_is_judged_in_place(
    request: pytest.FixtureRequest,
) -> None:
    pandas = pytest.importorskip("pandas")
    register = pandas.DataFrame(
        _REGISTER, columns=["unit", "category", "risk_level", "district", "registered"]
    )
    log = pandas.DataFrame(_LOG, columns=["inspection", "unit", "date", "kind", "result"])
    for frame, dates in ((register, "registered"), (log, "date")):
        frame[dates] = pandas.to_datetime(frame[dates]).dt.date
    for column in ("category", "risk_level", "district"):
        register[column] = register[column].astype("category")
    for column in ("kind", "result", "unit"):
        log[column] = log[column].astype("category")
    connection = duckdb.connect()
    connection.register("register_frame", register)
    connection.register("log_frame", log)
    assert "ENUM" in str(connection.sql("SELECT kind FROM log_frame").types[0])
    evaluation = evaluate_tables(
        qrules.load("yantai-2023-2025"),
        connection,
        register="register_frame",
        log="log_frame",
        log_from="2024-01-01",
        log_until="2024-12-31",
    )
    judged = _in_2024(evaluation)
    assert judged == _judged("duckdb", request, frozenset())


@settings(max_examples=300, deadline=None)
@given(
    nanoseconds=st.integers(
        min_value=-2_208_988_800 * 10**9,  # 1900-01-01
        max_value=7_258_118_400 * 10**9 - 1,  # the last nanosecond of 2199
    )
    | st.integers(min_value=-5, max_value=5).map(lambda d: d * 86_400 * 10**9 - 1)
)
def test_a_nanosecond_timestamp_reads_as_the_day_it_shows(nanoseconds: int) -> None:
    """The day qrules reads of a DuckDB TIMESTAMP_NS (`Table.column`), in
    DuckDB, is the day Python shows of it: the last nanosecond of a day,
    before 1970 too, is that day, not the next (DuckDB's own cast rounds)."""
    table = Table("t", {"date": "d"}, types={"date": "timestamp_ns"})
    read = table.column("date", "t").sql(dialect="duckdb")
    connection = duckdb.connect()
    connection.execute(
        "CREATE TABLE t AS SELECT make_timestamp_ns(CAST(? AS BIGINT)) AS d", [nanoseconds]
    )
    (day,) = connection.execute(f"SELECT {read} FROM t AS t").fetchone()
    shown = dt.datetime(1970, 1, 1) + dt.timedelta(microseconds=nanoseconds // 1000)
    assert day == shown.date()
