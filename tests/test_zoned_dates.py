"""Dates given with a time zone: one reading on every route.

A value that carries its zone (an Arrow, Parquet, pandas or polars timestamp
with a time zone, text written with an offset such as
``2024-01-01T07:30:00+08:00``, an aware `datetime`) is read as its calendar
day in that zone, the day it shows. A database column whose type has a time
zone but stores none (DuckDB's and PostgreSQL's ``TIMESTAMPTZ``, Spark's
``TIMESTAMP``) has a day only in a session's time zone: it is refused, naming
the view to write (tests/test_spark.py holds Spark to it).

Each value here falls on another day in UTC than in its own zone, so that a
reading of the UTC day is seen.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import qrules
from qrules.engines import evaluate_tables

from .conftest import RECORDS, log_year, run

duckdb = pytest.importorskip("duckdb")
pa = pytest.importorskip("pyarrow")

SHANGHAI, NEW_YORK = ZoneInfo("Asia/Shanghai"), ZoneInfo("America/New_York")
#: 2024-01-01 07:30 in Shanghai is 2023-12-31 in UTC; 2024-12-31 20:00 in New
#: York is 2025-01-01 in UTC.
STAMPS = [
    dt.datetime(2024, 1, 1, 7, 30, tzinfo=SHANGHAI),
    dt.datetime(2024, 12, 31, 20, tzinfo=NEW_YORK),
]
DAYS = [("H1", dt.date(2024, 1, 1)), ("H2", dt.date(2024, 12, 31))]


def register() -> qrules.Register:
    return qrules.read_register(
        [
            {"unit": "H1", "category": "health_food_maker"},
            {"unit": "H2", "category": "health_food_maker"},
        ]
    )


def days(log: qrules.InspectionLog) -> list[tuple[str, dt.date]]:
    return sorted((i.unit, i.date) for i in log.inspections)


def arrow_log() -> Any:
    """Each stamp in a column of its own zone (Arrow holds one zone a column)."""
    return [
        pa.table(
            {
                "unit": ["H1"],
                "date": pa.array([STAMPS[0]], pa.timestamp("us", tz="Asia/Shanghai")),
            }
        ),
        pa.table(
            {
                "unit": ["H2"],
                "date": pa.array([STAMPS[1]], pa.timestamp("us", tz="America/New_York")),
            }
        ),
    ]


def test_arrow_tables_are_read_in_their_zone() -> None:
    found = [d for table in arrow_log() for d in days(qrules.read_log(table, register()))]
    assert found == DAYS


@pytest.mark.parametrize("suffix", [".parquet", ".feather"])
def test_arrow_files_are_read_in_their_zone(tmp_path: Path, suffix: str) -> None:
    from pyarrow import feather, parquet  # noqa: PLC0415

    found = []
    for i, table in enumerate(arrow_log()):
        path = tmp_path / f"log{i}{suffix}"
        (parquet.write_table if suffix == ".parquet" else feather.write_feather)(table, path)
        found += days(qrules.read_log(path, register()))
    assert found == DAYS


def test_pandas_frames_are_read_in_their_zone() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {"unit": ["H1", "H2"], "date": [pd.Timestamp(STAMPS[0]), pd.Timestamp(STAMPS[1])]}
    )
    assert days(qrules.read_log(frame, register())) == DAYS
    zoned = pd.DataFrame({"unit": ["H1"], "date": pd.Series([STAMPS[0]]).dt.tz_convert("UTC")})
    assert str(zoned["date"].dtype) == "datetime64[us, UTC]"
    # The same instant in a column kept in UTC is its UTC day: the day it shows.
    assert days(qrules.read_log(zoned, register())) == [("H1", dt.date(2023, 12, 31))]


def test_polars_frames_are_read_in_their_zone() -> None:
    pl = pytest.importorskip("polars")
    frame = pl.DataFrame(
        {"unit": ["H1"], "date": [STAMPS[0]]},
        schema={"unit": pl.String, "date": pl.Datetime("us", "Asia/Shanghai")},
    )
    assert days(qrules.read_log(frame, register())) == DAYS[:1]


def test_rows_and_text_with_an_offset_are_read_as_written(tmp_path: Path) -> None:
    assert (
        days(
            qrules.read_log(
                [{"unit": u, "date": s} for u, s in zip(("H1", "H2"), STAMPS, strict=True)],
                register(),
            )
        )
        == DAYS
    )
    csv = tmp_path / "log.csv"
    csv.write_text(
        "unit,date\nH1,2024-01-01T07:30:00+08:00\nH2,2024-12-31 20:00:00-05:00\n", encoding="utf-8"
    )
    assert days(qrules.read_log(csv, register())) == DAYS


def test_the_command_line_on_duckdb_reads_text_with_an_offset_alike(tmp_path: Path) -> None:
    """The DuckDB engine's own CSV reader (records/direct.py) declines such a
    file; the readers read it: the same verdict as the reference engine."""
    (tmp_path / "register.csv").write_text(
        "unit,category\nH1,health_food_maker\n", encoding="utf-8"
    )
    (tmp_path / "log.csv").write_text(
        "unit,date,kind\nH1,2024-01-01T07:30:00+08:00,system\n", encoding="utf-8"
    )
    outputs = []
    for engine in ("reference", "duckdb"):
        code, out, _ = run(
            "check",
            str(RECORDS),
            "--register",
            str(tmp_path / "register.csv"),
            "--log",
            str(tmp_path / "log.csv"),
            "--rule",
            "share",
            *log_year(2024),
            "--engine",
            engine,
        )
        outputs.append((code, out))
    assert outputs[0] == outputs[1]
    assert "share  2024  met      100 (1/1)" in outputs[0][1]


# -- tables in place ------------------------------------------------------------------


def zoned_tables(connection: Any, kind: str, stamp: str = "2024-01-01 07:30:00+08") -> None:
    cursor = connection.cursor()
    for statement in (
        "DROP TABLE IF EXISTS zoned_register",
        "DROP TABLE IF EXISTS zoned_log",
        "CREATE TABLE zoned_register (unit VARCHAR, category VARCHAR)",
        "INSERT INTO zoned_register VALUES ('H1', 'health_food_maker')",
        f"CREATE TABLE zoned_log (unit VARCHAR, date {kind}, kind VARCHAR)",
        f"INSERT INTO zoned_log VALUES ('H1', CAST('{stamp}' AS {kind}), 'system')",
    ):
        cursor.execute(statement)


@pytest.fixture(params=["duckdb", "postgres"])
def database(request: pytest.FixtureRequest) -> tuple[str, Any]:
    if request.param == "postgres":
        return "postgres", request.getfixturevalue("postgres")
    return "duckdb", duckdb.connect()


CASTS = {
    "duckdb": """CAST(timezone('Asia/Shanghai', "date") AS DATE)""",
    "postgres": """CAST("date" AT TIME ZONE 'Asia/Shanghai' AS DATE)""",
}


def test_a_timestamp_with_a_time_zone_is_refused_naming_the_view(
    database: tuple[str, Any],
) -> None:
    name, connection = database
    zoned_tables(connection, "TIMESTAMPTZ")
    book = qrules.load(RECORDS)
    with pytest.raises(qrules.DataError) as raised:
        evaluate_tables(book, connection, register="zoned_register", log="zoned_log")
    [problem] = raised.value.problems
    assert problem.message == (
        "column 'date' (log date) is a timestamp with a time zone, whose day depends on the "
        "session's time zone: qrules does not read it as a date"
    )
    assert problem.hint == (
        "give a DATE column, or a view reading its day in the records' time zone: "
        f"{CASTS[name]} (with your zone)"
    )
    zh = raised.value.render("zh")
    assert "时区" in zh
    # The table's kind in zh words: not "(log date)" inside Chinese text.
    assert "列 'date'(检查记录的 date 列)是带时区的时间戳" in zh, zh


def test_the_cast_named_reads_the_day_in_that_zone(database: tuple[str, Any]) -> None:
    """The hint's view, whatever the session's time zone: the day in Shanghai."""
    name, connection = database
    zoned_tables(connection, "TIMESTAMPTZ")
    cursor = connection.cursor()
    cursor.execute("SET TimeZone = 'America/New_York'")
    try:
        cursor.execute("DROP VIEW IF EXISTS zoned_view")
        cursor.execute(
            f"CREATE VIEW zoned_view AS SELECT unit, {CASTS[name]} AS date, kind FROM zoned_log"
        )
        [result] = evaluate_tables(
            qrules.load(RECORDS),
            connection,
            register="zoned_register",
            log="zoned_view",
            rules=[qrules.load(RECORDS)["share"]],
            log_from="2024-01-01",
            log_until="2024-12-31",
        )
    finally:
        cursor.execute("RESET TimeZone")
        cursor.execute("DROP VIEW IF EXISTS zoned_view")
    assert (result.year, result.verdict, result.meeting) == (2024, qrules.Verdict.MET, 1)


def test_a_timestamp_without_a_zone_is_read_as_its_date(database: tuple[str, Any]) -> None:
    _, connection = database
    zoned_tables(connection, "TIMESTAMP", "2024-12-31 23:30:00")
    book = qrules.load(RECORDS)
    [result] = evaluate_tables(
        book,
        connection,
        register="zoned_register",
        log="zoned_log",
        rules=[book["share"]],
        log_from="2024-01-01",
        log_until="2024-12-31",
    )
    assert (result.year, result.verdict, result.meeting) == (2024, qrules.Verdict.MET, 1)
