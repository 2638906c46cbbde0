"""Session 13, the lead's: tables in place whose columns are of an enumerated
type (DuckDB's ENUM: a pandas or polars categorical registered; a
PostgreSQL enum type)."""

from __future__ import annotations

import datetime as dt
import zlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qrules
from qrules import evaluate_tables
from qrules._idnumbers import from_statistics
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


# -- inspection ids told distinct by a map of their numbers ---------------------------------


def _large_log(connection: Any, ids: str) -> None:
    """A register of 2,000 units and a log of 300,000 inspections (enough for
    the statistics' look, `_heads`), whose inspection ids are ``ids`` (SQL of
    ``i``, the row's number)."""
    connection.execute(
        "CREATE OR REPLACE TABLE register AS SELECT printf('U%04d', i) AS unit,"
        " CASE WHEN i % 2 = 0 THEN 'infant_formula_maker' ELSE 'catering' END AS category,"
        " 'high' AS risk_level, DATE '2020-01-01' AS registered FROM range(2000) AS t(i)"
    )
    connection.execute(
        f"CREATE OR REPLACE TABLE inspections AS SELECT {ids} AS inspection,"
        " printf('U%04d', i % 2000) AS unit, DATE '2024-01-01' + CAST(i % 366 AS INT) AS date,"
        " CASE WHEN i % 3 = 0 THEN 'system' ELSE 'routine' END AS kind,"
        " 'compliant' AS result FROM range(300000) AS t(i)"
    )


def _judged_large(ids: str) -> list[tuple[Any, ...]]:
    connection = duckdb.connect()
    _large_log(connection, ids)
    return _in_2024(
        evaluate_tables(
            qrules.load("yantai-2023-2025"),
            connection,
            log_from="2024-01-01",
            log_until="2024-12-31",
        )
    )


@pytest.mark.parametrize(
    "ids",
    [
        # numbers repeat, ids do not: K5 beside J5
        "CASE WHEN i = 7 THEN 'K5' ELSE 'J' || i END",
        # an id without a number
        "CASE WHEN i = 7 THEN 'Jx' ELSE 'J' || i END",
        # a number out of where the statistics say numbers lie
        "CASE WHEN i = 7 THEN 'J-5' ELSE 'J' || i END",
        # ids of one length, numbers from the least to the greatest
        "'JC' || (20240000000 + i)",
        # numbers too far apart for a map of bits
        "'J' || (i * 1000000000)",
    ],
)
def test_inspection_ids_told_distinct_by_their_numbers_or_else_exactly(ids: str) -> None:
    """A log's inspection ids are told distinct by a map of their numbers
    where the statistics say where they lie (`_idnumbers.from_statistics`); where numbers
    repeat or an id has none, the ids are compared exactly: distinct ids are
    judged as ever, never said to repeat."""
    assert _judged_large(ids) == _judged_large("'J' || i")


@pytest.mark.parametrize(
    "ids", ["CASE WHEN i = 7 THEN 'J5' ELSE 'J' || i END", "'JC' || (20240000000 + i % 299999)"]
)
def test_a_repeated_inspection_id_is_found_when_numbers_tell(ids: str) -> None:
    connection = duckdb.connect()
    _large_log(connection, ids)
    with pytest.raises(qrules.DataError, match="J"):
        evaluate_tables(qrules.load("yantai-2023-2025"), connection, log_from="2024-01-01")


@pytest.mark.parametrize(
    ("statistics", "numbers"),
    [
        (
            {"min": "J0", "max": "J999999", "min_string_length": 2, "max_string_length": 7},
            (1, 0, 999_999),
        ),
        (
            {
                "min": "JC20240001",
                "max": "JC20249999",
                "min_string_length": 10,
                "max_string_length": 10,
            },
            (2, 20_240_001, 20_249_999),
        ),
        (
            {"min": "0001", "max": "9999", "min_string_length": 4, "max_string_length": 4},
            (0, 1, 9_999),
        ),
        # letters before the number of another length: no map
        ({"min": "A1", "max": "BB2", "min_string_length": 2, "max_string_length": 3}, None),
        # ids numbered by prefix: their numbers would repeat
        (
            {"min": "FS000123", "max": "ZF000999", "min_string_length": 8, "max_string_length": 8},
            None,
        ),
        # one id of ten million characters: said at once, not 10 ** 10,000,000 first
        ({"min": "J0", "max": "J9", "min_string_length": 2, "max_string_length": 10**7}, None),
        # too many digits for the rows
        (
            {"min": "J0", "max": "J99999999999", "min_string_length": 2, "max_string_length": 12},
            None,
        ),
        # no digits left
        ({"min": "JA", "max": "JB", "min_string_length": 2, "max_string_length": 2}, None),
        ({"min": None, "max": "J1", "min_string_length": 2, "max_string_length": 2}, None),
        ("not statistics", None),
    ],
)
def test_where_numbers_lie_by_the_statistics(statistics: Any, numbers: Any) -> None:
    found = from_statistics(statistics, 1_000_000)
    assert (None if found is None else (found.skip, found.low, found.high)) == numbers


@pytest.mark.parametrize("engine", ["duckdb", "postgres"])
@pytest.mark.parametrize("marker", ["NA", "—", ""])
def test_inspection_ids_written_as_missing_markers_repeat_none(
    engine: str, marker: str, request: pytest.FixtureRequest
) -> None:
    """Two log rows whose inspection id is a missing marker (``NA``, ``—``)
    have no id, as the readers read them: two inspections, not one id
    repeated (a `DataError` in place, where files judged the rules)."""
    rows = [*_LOG[:5], ("J6", "CT02", "2024-06-01", "routine", "compliant")]
    rows[0] = (marker, *rows[0][1:])
    rows[1] = (marker, *rows[1][1:])
    statements = [
        'CREATE TABLE {s}register ("unit" VARCHAR, "category" VARCHAR, "risk_level" VARCHAR,'
        ' "district" VARCHAR, "registered" DATE)',
        "INSERT INTO {s}register VALUES "
        + ", ".join(f"({', '.join(map(_literal, r))})" for r in _REGISTER[:6]),
        'CREATE TABLE {s}inspections ("inspection" VARCHAR, "unit" VARCHAR, "date" DATE,'
        ' "kind" VARCHAR, "result" VARCHAR)',
        "INSERT INTO {s}inspections VALUES "
        + ", ".join(f"({', '.join(map(_literal, r))})" for r in rows),
    ]
    connection, names = records_tables(engine, request, statements, "lead_s13_markers")
    rulebook = qrules.load("yantai-2023-2025")
    judged = _in_2024(
        evaluate_tables(
            rulebook, connection, **names, log_from="2024-01-01", log_until="2024-12-31"
        )
    )
    register = qrules.read_register(
        [
            dict(zip(("unit", "category", "risk_level", "district", "registered"), r, strict=True))
            for r in _REGISTER[:6]
        ]
    )
    log = qrules.read_log(
        [dict(zip(("inspection", "unit", "date", "kind", "result"), r, strict=True)) for r in rows],
        register,
    )
    read = _in_2024(
        qrules.evaluate_records(
            rulebook, register, log, log_from="2024-01-01", log_until="2024-12-31"
        )
    )
    assert judged == read


def test_inspection_ids_written_as_missing_markers_in_a_large_log() -> None:
    """The same where the map of numbers tells repeats: a marker has no number,
    and the ids compared exactly repeat none."""
    assert _judged_large("CASE WHEN i IN (7, 8) THEN 'NA' ELSE 'J' || i END") == _judged_large(
        "'J' || i"
    )


def test_a_rule_chosen_twice_is_judged_once_and_bytes_are_no_ids() -> None:
    rulebook = qrules.load("yantai-2023-2025")
    rule = next(r for r in rulebook if r.records is not None)
    assert rulebook.chosen([rule.id, rule, rule.id]) == (rule,)
    with pytest.raises(TypeError, match="bytes"):
        rulebook.chosen(rule.id.encode())


def test_a_right_other_than_reading_is_not_said_to_be_reading(
    postgres: Any, postgres_url: str
) -> None:
    """``failing_units_to`` in a schema the user may not create tables in:
    said as PostgreSQL says it (no CREATE on the schema), not as a table the
    user may not read (the user reads both tables)."""
    psycopg = pytest.importorskip("psycopg")
    postgres.execute(
        "DROP SCHEMA IF EXISTS lead_s13_locked CASCADE; CREATE SCHEMA lead_s13_locked;"
        "DROP TABLE IF EXISTS lead_s13_register, lead_s13_log;"
        "CREATE TABLE lead_s13_register (unit text, category text);"
        "CREATE TABLE lead_s13_log (unit text, date date);"
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'qrules_s13_lead')"
        " THEN CREATE ROLE qrules_s13_lead LOGIN; END IF; END $$;"
        "GRANT SELECT ON lead_s13_register, lead_s13_log TO qrules_s13_lead;"
        "GRANT USAGE ON SCHEMA lead_s13_locked TO qrules_s13_lead;"
        "REVOKE CREATE ON SCHEMA lead_s13_locked FROM qrules_s13_lead;"
    )
    url = postgres_url.replace("postgres@", "qrules_s13_lead@", 1)
    try:
        with (
            psycopg.connect(url) as connection,
            pytest.raises(qrules.DataError) as raised,
        ):
            evaluate_tables(
                qrules.load("yantai-2023-2025"),
                connection,
                register="lead_s13_register",
                log="lead_s13_log",
                failing_units_to="lead_s13_locked.failed",
            )
        said = str(raised.value)
        assert "schema" in said
        assert "may not read" not in said
    finally:
        postgres.execute(
            "DROP SCHEMA lead_s13_locked CASCADE; DROP TABLE lead_s13_register, lead_s13_log;"
            "DROP OWNED BY qrules_s13_lead; DROP ROLE qrules_s13_lead"
        )


def test_a_rule_id_in_another_case_finds_the_likely_one() -> None:
    rulebook = qrules.load("yantai-2023-2025")
    rule = next(iter(rulebook))
    with pytest.raises(qrules.UnknownRuleError, match=rule.id):
        rulebook.chosen(rule.id.upper())


def test_a_unit_in_the_value_header_of_rows_in_other_units_says_to_name_it_without(
    tmp_path: Path,
) -> None:
    """数值(%) heading rows of counts: the hint names the header, not a unit
    cell to leave empty (there is none)."""
    sheet = tmp_path / "figures.csv"
    sheet.write_text(
        "年份,指标,数值(%)\n2025,食品安全抽检合格率,98.7\n2025,食品安全抽检批次,1250\n",
        encoding="utf-8",
    )
    with pytest.raises(qrules.DataError) as raised:
        qrules.load("yantai-2023-2025").evaluate(sheet)
    [problem] = raised.value.problems
    assert "the header '数值(%)' gives every row the unit '%'" in str(problem.hint)
