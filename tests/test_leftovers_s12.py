"""Items earlier sessions noticed and left (session 12, helper leftovers).

1. A date a Python driver cannot convert (a year BC, ``infinity``, a year
   after 9999) in a database table or an Arrow column: a rejected row, named,
   on every engine; never the run stopped, never a crash.
2. What audit and the readers say of a line or a file they cannot read is
   qrules' own words in both languages, naming the line, never a Python
   exception's text (``KeyError('rule')``, an English parser message under
   ``--lang zh``).
3. Figures from a database read the table ``table=`` names (``figures`` by
   default), as the records readers do; and from a URL on the command line.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

import qrules
from qrules.engines import evaluate_records, evaluate_tables
from qrules.records.read import read_register as read_register_rows
from tests.conftest import log_year, records_tables, run

BOOK = "yantai-2023-2025"
FORMULA = "infant-formula-makers-system-inspected-yearly"
YEAR_2024 = {"log_from": "2024-01-01", "log_until": "2024-12-31"}
YEAR_2024_ARGS = log_year(2024)
#: What the rejection says of a date out of the years read (`date.years`).
OUT_OF_YEARS = "is not in the years qrules reads (1900 to 2200)"


# -- 1. dates a driver cannot convert ----------------------------------------------------

#: Each engine's spelling of a date Python cannot hold, and how the rejection
#: names it in a DATE and in a TIMESTAMP column (PostgreSQL's and DuckDB's own
#: text; DuckDB's client gives its infinities as 9999-12-31 and 0001-01-01,
#: which are named so).
FAR = {
    "postgres": {
        "infinity": ("infinity", "infinity"),
        "-infinity": ("-infinity", "-infinity"),
        "0044-03-15 BC": ("0044-03-15 BC", "0044-03-15 00:00:00 BC"),
        "10000-01-01": ("10000-01-01", "10000-01-01 00:00:00"),
    },
    "duckdb": {
        "infinity": ("9999-12-31", "9999-12-31"),
        "-infinity": ("0001-01-01", "0001-01-01"),
        "0044-03-15 (BC)": ("0044-03-15 (BC)", "0044-03-15 (BC) 00:00:00"),
        "10000-01-01": ("10000-01-01", "10000-01-01 00:00:00"),
    },
}
FAR_CASES = [(engine, value) for engine, values in FAR.items() for value in values]


def _statements(date_type: str, value: str, where: str) -> list[str]:
    """IF01 and IF02, infant formula makers registered in 2020, IF02
    inspected (a system inspection) in 2024; ``value`` (of ``date_type``) is
    IF01's registration (``where`` ``register``) or the date of a second
    inspection, of IF01 (``log``)."""
    far = f"CAST('{value}' AS {date_type})"
    day = f"CAST('2020-01-01' AS {date_type})"
    registered = far if where == "register" else day
    logged = far if where == "log" else f"CAST('2024-06-01' AS {date_type})"
    return [
        f"CREATE TABLE {{s}}register(unit TEXT, name TEXT, category TEXT, registered {date_type})",
        "INSERT INTO {s}register VALUES "
        f"('IF01', 'a', 'infant_formula_maker', {registered}), "
        f"('IF02', 'b', 'infant_formula_maker', {day})",
        f"CREATE TABLE {{s}}inspections(unit TEXT, date {date_type}, kind TEXT)",
        "INSERT INTO {s}inspections VALUES "
        f"('IF02', CAST('2024-05-01' AS {date_type}), 'system'), ('IF01', {logged}, 'system')",
    ]


def _tables(
    engine: str, request: pytest.FixtureRequest, statements: list[str]
) -> tuple[Any, dict[str, str]]:
    """`records_tables` in this file's schema."""
    return records_tables(engine, request, statements, "leftovers_s12")


def _rejections(evaluation: qrules.Evaluation) -> list[tuple[str, str | None, str]]:
    """Each records table's rejected rows: its kind, where, and why."""
    return [(t.kind, p.where, p.message) for t in evaluation.records for p in t.problems]


@pytest.mark.parametrize("check_keys", [True, False], ids=["keys-checked", "keys-trusted"])
@pytest.mark.parametrize("where", ["register", "log"])
@pytest.mark.parametrize("date_type", ["DATE", "TIMESTAMP"])
@pytest.mark.parametrize(("engine", "value"), FAR_CASES)
def test_a_date_python_cannot_hold_in_place_is_a_rejected_row(
    engine: str,
    value: str,
    date_type: str,
    where: str,
    check_keys: bool,
    request: pytest.FixtureRequest,
) -> None:
    """Before: on PostgreSQL a `DataError` stopped the run ("PostgreSQL: date
    too large (after year 10K): 'infinity'", exit 2); on DuckDB a year after
    9999 was a `TypeError` (exit 3, "'<=' not supported between instances of
    'str' and 'datetime.date'"). Now the row is rejected, named, and the rule
    it could change unknown: IF01, whose registration is out of reach, may be
    in the population (uninspected), or its second inspection may be counted."""
    book = qrules.load(BOOK)
    connection, names = _tables(engine, request, _statements(date_type, value, where))
    evaluation = evaluate_tables(
        book, connection, rules=[book[FORMULA]], **names, **YEAR_2024, check_keys=check_keys
    )
    [result] = evaluation
    assert result.verdict.value == "unknown"
    row = 1 if where == "register" else 2
    assert f"1 rejected {where} row could change this (row {row})" in result.reason.en
    shown = FAR[engine][value][date_type == "TIMESTAMP"]
    assert (
        where,
        f"row {row}, column '{'registered' if where == 'register' else 'date'}'",
        f"{shown} {OUT_OF_YEARS}: if it stands for no date (as 0001-01-01 or 9999-12-31 do),"
        " leave the cell empty",
    ) in _rejections(evaluation)


@pytest.mark.parametrize("engine", ["duckdb", "postgres"])
def test_a_zoned_date_column_holding_infinity_is_refused_as_any_zoned_one(
    engine: str, request: pytest.FixtureRequest
) -> None:
    """TIMESTAMP WITH TIME ZONE dates (a log date of DuckDB's ``infinity`` or
    PostgreSQL's): their day depends on the session's zone, so the column is
    refused whole, in place and read through a connection alike, with the
    view to write (one `DataError`, exit 2), whatever its values: never a
    crash. (As it was: the refusal comes before any value is fetched.)"""
    book = qrules.load(BOOK)
    connection, names = _tables(engine, request, _statements("TIMESTAMPTZ", "infinity", "log"))
    with pytest.raises(qrules.DataError, match="timestamp with a time zone") as raised:
        evaluate_tables(book, connection, rules=[book[FORMULA]], **names, **YEAR_2024)
    assert len(raised.value.problems) == 1
    if engine == "postgres":
        connection = request.getfixturevalue("postgres")
    with pytest.raises(qrules.DataError, match="timestamp with a time zone"):
        qrules.read_register(connection, table=names["register"])


def _far_register(connection: Any) -> None:
    """A DuckDB table ``register`` of five infant formula makers: IF01 of 44 BC,
    IF02 of DuckDB's infinity, IF03 of the year 10000, IF04 of 2020, IF05 of
    -infinity."""
    connection.execute(
        "CREATE TABLE register AS SELECT * FROM (VALUES "
        "('IF01', 'a', 'infant_formula_maker', DATE '0044-03-15 (BC)'), "
        "('IF02', 'b', 'infant_formula_maker', DATE 'infinity'), "
        "('IF03', 'c', 'infant_formula_maker', DATE '10000-01-01'), "
        "('IF04', 'd', 'infant_formula_maker', DATE '2020-01-01'), "
        "('IF05', 'e', 'infant_formula_maker', DATE '-infinity'))"
        " t(unit, name, category, registered)"
    )


#: How `_far_register`'s rows are rejected when read from Arrow (DuckDB's
#: infinities are the largest and smallest days of Arrow's ``date32``; 44 BC
#: is the year -43 in Arrow's count).
ARROW_REJECTED = [
    ("row 1, column 'registered'", "-0043-03-15"),
    ("row 2, column 'registered'", "infinity"),
    ("row 3, column 'registered'", "10000-01-01"),
    ("row 5, column 'registered'", "-infinity"),
]


def _rejected(read: qrules.Register | qrules.InspectionLog) -> list[tuple[str | None, str]]:
    """A table's rejected rows: where, and the date named (of `OUT_OF_YEARS`)."""
    return [(p.where, p.message.split(f" {OUT_OF_YEARS}")[0]) for p in read.problems]


def test_dates_arrow_cannot_give_python_are_rejected_rows(tmp_path: Path) -> None:
    """An Arrow table (DuckDB's, a Parquet file it wrote) holding a year BC,
    DuckDB's infinities or a year after 9999: before, pyarrow's
    `OverflowError` ("date value out of range") was a crash (exit 3); now each
    row is rejected naming its date, by the column reader and the row reader
    alike, and the command judges the rest."""
    duckdb = pytest.importorskip("duckdb")
    pq = pytest.importorskip("pyarrow.parquet")

    connection = duckdb.connect()
    _far_register(connection)
    table = connection.sql("SELECT * FROM register").to_arrow_table()
    for register in (qrules.read_register(table), read_register_rows(table)):
        assert [u.unit for u in register.units] == ["IF04"]
        assert _rejected(register) == ARROW_REJECTED
    pq.write_table(table, tmp_path / "register.parquet")
    (tmp_path / "log.csv").write_text("unit,date,kind\nIF04,2024-05-01,system\n", encoding="utf-8")
    code, out, err = run(
        "check", BOOK, "--register", str(tmp_path / "register.parquet"),
        "--log", str(tmp_path / "log.csv"), *YEAR_2024_ARGS, "--rule", FORMULA,
    )  # fmt: skip
    assert (code, err) == (1, "")
    assert "4 rejected register rows could change this (rows 1, 2, 3, 5)" in out
    assert f"row 2, column 'registered': infinity {OUT_OF_YEARS}" in out


def test_dates_duckdb_gives_as_text_are_rejected_rows_read_through_a_connection() -> None:
    """Read through a DuckDB connection, a year BC or after 9999 came as text
    and was rejected as "'0044-03-15 (BC)' is not a date; write 2024-03-05…";
    now as any date out of the years read, naming it (DuckDB's client gives
    its infinities as 9999-12-31 and 0001-01-01)."""
    duckdb = pytest.importorskip("duckdb")
    connection = duckdb.connect()
    _far_register(connection)
    register = qrules.read_register(connection, table="register")
    assert [u.unit for u in register.units] == ["IF04"]
    assert _rejected(register) == [
        ("row 1, column 'registered'", "0044-03-15 (BC)"),
        ("row 2, column 'registered'", "9999-12-31"),
        ("row 3, column 'registered'", "10000-01-01"),
        ("row 5, column 'registered'", "0001-01-01"),
    ]


def test_dates_psycopg_refuses_are_rejected_rows_read_through_a_connection(
    postgres: Any, postgres_url: str
) -> None:
    """Read through a psycopg connection (`read_register`, `read_log`), a
    DATE of ``infinity``, a TIMESTAMP of 44 BC: before, psycopg refused the
    row and the run stopped ("PostgreSQL: date too large (after year 10K):
    'infinity'"); now the row is rejected naming the value, and the rule it
    could change is unknown. Columns not read (a ``timestamptz`` of
    ``-infinity``, a time of ``24:00:00``, an interval beyond Python's) no
    longer stop the read either. The caller's connection is left as it was:
    it still refuses such a date itself."""
    psycopg = pytest.importorskip("psycopg")
    postgres.execute(
        "DROP SCHEMA IF EXISTS leftovers_s12 CASCADE; CREATE SCHEMA leftovers_s12;"
        "CREATE TABLE leftovers_s12.register(unit TEXT, name TEXT, category TEXT,"
        " registered DATE, updated TIMESTAMPTZ, opens TIME, lasts INTERVAL);"
        "INSERT INTO leftovers_s12.register VALUES"
        " ('IF01', 'a', 'infant_formula_maker', 'infinity', '-infinity', '24:00:00',"
        " '100000000 years'),"
        " ('IF02', 'b', 'infant_formula_maker', '2020-01-01', 'infinity', '08:00', '1 day');"
        "CREATE TABLE leftovers_s12.inspections(unit TEXT, date TIMESTAMP, kind TEXT);"
        "INSERT INTO leftovers_s12.inspections VALUES"
        " ('IF02', '2024-05-01', 'system'), ('IF02', '0044-03-15 BC', 'system')"
    )
    book = qrules.load(BOOK)
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        register = qrules.read_register(connection, table="leftovers_s12.register")
        log = qrules.read_log(connection, register, table="leftovers_s12.inspections")
        assert _rejected(register) == [("row 1, column 'registered'", "infinity")]
        assert _rejected(log) == [("row 2, column 'date'", "0044-03-15 00:00:00 BC")]
        [result] = evaluate_records(book, register, log, rules=[book[FORMULA]], **YEAR_2024)
        assert result.verdict.value == "unknown"
        assert "rejected register row could change this (row 1)" in result.reason.en
        with pytest.raises(psycopg.DataError, match="date too large"):
            connection.execute("SELECT 'infinity'::date").fetchone()


def test_a_view_of_a_zoned_infinity_is_a_rejected_row_in_place(
    postgres: Any, postgres_url: str
) -> None:
    """A ``timestamptz`` log date is refused (its day is the session's zone's);
    the view the refusal suggests (``CAST(date AT TIME ZONE … AS DATE)``) of
    an ``infinity`` gives the DATE ``infinity``: a rejected row, keys checked
    or trusted, where it stopped the run."""
    postgres.execute(
        "DROP SCHEMA IF EXISTS leftovers_s12 CASCADE; CREATE SCHEMA leftovers_s12;"
        "CREATE TABLE leftovers_s12.register(unit TEXT, name TEXT, category TEXT, registered DATE);"
        "INSERT INTO leftovers_s12.register VALUES"
        " ('IF01', 'a', 'infant_formula_maker', '2020-01-01'),"
        " ('IF02', 'b', 'infant_formula_maker', '2020-01-01');"
        "CREATE TABLE leftovers_s12.zoned(unit TEXT, date TIMESTAMPTZ, kind TEXT);"
        "INSERT INTO leftovers_s12.zoned VALUES"
        " ('IF02', '2024-05-01 00:00+08', 'system'), ('IF01', 'infinity', 'system');"
        "CREATE VIEW leftovers_s12.inspections AS SELECT unit,"
        " CAST(date AT TIME ZONE 'Asia/Shanghai' AS DATE) AS date, kind FROM leftovers_s12.zoned"
    )
    book = qrules.load(BOOK)
    names = {"register": "leftovers_s12.register", "log": "leftovers_s12.inspections"}
    for check_keys in (True, False):
        evaluation = evaluate_tables(
            book, postgres_url, rules=[book[FORMULA]], **names, **YEAR_2024, check_keys=check_keys
        )
        assert [r.verdict.value for r in evaluation] == ["unknown"]
        assert ("log", "row 2, column 'date'") in [r[:2] for r in _rejections(evaluation)]


def test_the_command_line_names_a_far_date_of_a_postgres_table(
    request: pytest.FixtureRequest,
) -> None:
    """``qrules check --database postgresql://…``: before, "qrules: records
    'postgresql://…' has 1 problem: … PostgreSQL: date too large (after year
    10K): 'infinity'" (exit 2, in English whatever the language); now the
    results, the rows rejected named (exit 1), in Chinese with ``--lang zh``."""
    _, names = _tables("postgres", request, _statements("DATE", "0044-03-15 BC", "register"))
    url = request.getfixturevalue("postgres_url")
    command = (
        "check", BOOK, "--database", url, "--register-table", names["register"],
        "--log-table", names["log"], *YEAR_2024_ARGS, "--rule", FORMULA,
    )  # fmt: skip
    code, out, err = run(*command, "--format", "json")
    assert (code, err) == (1, "")
    report = json.loads(out)
    assert [r["verdict"] for r in report["results"]] == ["unknown"]
    [rejected] = [r for r in report["rejected_rows"] if r["kind"] == "register"]
    assert rejected["row"] == 1
    [problem] = rejected["problems"]
    assert problem["reason"].startswith(f"0044-03-15 BC {OUT_OF_YEARS}")
    code, out, err = run(*command, "--lang", "zh")
    assert (code, err) == (1, "")
    assert "第 1 行,列 'registered':0044-03-15 BC 不在 qrules 读取的年份(1900 至 2200 年)内" in out


# -- 3. figures from a database: table= --------------------------------------------------

PASS_RATE = "food-safety-sampling-pass-rate"
FIGURES_COLUMNS = "(measure TEXT, year INTEGER, value TEXT)"


def _figures(passed: int) -> str:
    return f"('food_samples_tested', 2025, '1000'), ('food_samples_passed', 2025, '{passed}')"


def _figure_tables(engine: str, request: pytest.FixtureRequest) -> tuple[Any, str]:
    """A DB-API connection to ``engine`` holding two tables of figures:
    ``figures`` (the pass rate 99%, met) and ``{schema}figures_2024`` (90%,
    not met); and the second's name."""
    if engine == "duckdb":
        duckdb = pytest.importorskip("duckdb")
        connection: Any = duckdb.connect()
        schema = "office"
        connection.execute("CREATE SCHEMA office")
    else:
        connection = request.getfixturevalue("postgres")
        schema = "leftovers_s12"
        connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
        connection.execute("DROP TABLE IF EXISTS figures")
    connection.execute(f"CREATE TABLE figures {FIGURES_COLUMNS}")
    connection.execute(f"INSERT INTO figures VALUES {_figures(990)}")
    connection.execute(f"CREATE TABLE {schema}.figures_2024 {FIGURES_COLUMNS}")
    connection.execute(f"INSERT INTO {schema}.figures_2024 VALUES {_figures(900)}")
    return connection, f"{schema}.figures_2024"


@pytest.mark.parametrize("engine", ["duckdb", "postgres"])
def test_figures_are_read_from_the_table_named(engine: str, request: pytest.FixtureRequest) -> None:
    """`read_dataset` and `Rulebook.evaluate` take ``table=`` (before: a
    `TypeError`, "unexpected keyword argument 'table'", and only the table
    ``figures`` could be read), ``figures`` by default."""
    book = qrules.load(BOOK)
    rules = book.select(ids=[PASS_RATE])
    connection, named = _figure_tables(engine, request)
    try:
        assert [r.verdict.value for r in book.evaluate(connection, rules=rules)] == ["met"]
        evaluation = book.evaluate(connection, rules=rules, table=named)
        assert [r.verdict.value for r in evaluation] == ["not_met"]
        dataset = qrules.read_dataset(connection, book, table=named)
        assert dataset.name == f"<database>:{named}"
        assert {o.measure: o.value for o in dataset.observations}["food_samples_passed"] == 900
    finally:
        if engine == "postgres":
            connection.execute("DROP TABLE IF EXISTS figures")


@pytest.mark.parametrize("engine", ["duckdb", "postgres"])
@pytest.mark.parametrize(
    ("table", "said"),
    [
        ("office.nowhere", "the database has no table 'office.nowhere'"),
        ('figures"; DROP TABLE figures; --', "is not a table name"),
        ("", "'' is not a table name"),
        ("a.b.c.d", "'a.b.c.d' is not a table name"),
    ],
)
def test_a_figures_table_not_named_well_or_not_there_is_a_data_error(
    engine: str, table: str, said: str, request: pytest.FixtureRequest
) -> None:
    """As for a register's or log's table: a name that is not an identifier
    (checked before any SQL is written), or no such table, is a `DataError`
    naming it; an empty name is one too, never the default table."""
    book = qrules.load(BOOK)
    connection, _ = _figure_tables(engine, request)
    try:
        with pytest.raises(qrules.DataError, match=re.escape(said)):
            qrules.read_dataset(connection, book, table=table)
        assert connection.execute("SELECT COUNT(*) FROM figures").fetchone() == (2,)
    finally:
        if engine == "postgres":
            connection.execute("DROP TABLE IF EXISTS figures")


def test_table_is_refused_where_it_does_not_apply(tmp_path: Path) -> None:
    """``table=`` on a file, a mapping of figures or a `Dataset` is refused, as
    on a register's file: never ignored."""
    book = qrules.load(BOOK)
    figures = tmp_path / "figures.csv"
    figures.write_text("measure,year,value\nfood_samples_tested,2025,1000\n", encoding="utf-8")
    for source in (figures, {"food_samples_tested": 1000}):
        with pytest.raises(qrules.DataError, match=r"table=\) applies to a database table"):
            qrules.read_dataset(source, book, table="figures")
    with pytest.raises(TypeError, match="already read"):
        book.evaluate(qrules.read_dataset(figures, book), table="figures")


def test_the_command_line_reads_figures_from_a_database_url(tmp_path: Path) -> None:
    """``qrules check RULEBOOK duckdb:///office.db?table=…``: before, the URL
    was made a path ("duckdb:/office.db?table=…: no such file", exit 2); now
    the table it names is read (``figures`` when it names none), and a
    decision log records the URL (no digest: a database is not a file)."""
    duckdb = pytest.importorskip("duckdb")
    path = tmp_path / "office.db"
    connection = duckdb.connect(str(path))
    connection.execute("CREATE SCHEMA yearly")
    for name, passed in (("figures", 990), ("yearly.figures_2024", 900)):
        connection.execute(f"CREATE TABLE {name} {FIGURES_COLUMNS}")
        connection.execute(f"INSERT INTO {name} VALUES {_figures(passed)}")
    connection.close()
    url = f"duckdb:///{path}"
    log = tmp_path / "decisions.jsonl"
    for source, code, verdict in (
        (url, 0, "met"),
        (f"{url}?table=yearly.figures_2024", 1, "not_met"),
    ):
        found, out, err = run(
            "check", BOOK, source, "--rule", PASS_RATE, "--format", "json",
            "--decision-log", str(log),
        )  # fmt: skip
        assert (found, err) == (code, "")
        assert [r["verdict"] for r in json.loads(out)["results"]] == [verdict]
    logged = [json.loads(line)["sources"] for line in log.read_text(encoding="utf-8").splitlines()]
    assert logged == [
        [{"kind": "dataset", "name": url, "digest": None, "rows": 2}],
        [
            {
                "kind": "dataset",
                "name": f"{url}?table=yearly.figures_2024",
                "digest": None,
                "rows": 2,
            }
        ],
    ]
    found, out, err = run("check", BOOK, f"{url}?table=nowhere", "--rule", PASS_RATE)
    assert found == 2
    assert "the database has no table 'nowhere'" in err


# -- 2. no Python exception text in what qrules says ---------------------------------------

#: Words of Python's and its libraries' exceptions that no message may show.
PYTHON_WORDS = (
    "Error(",
    "Error:",
    "invalid literal",
    "not subscriptable",
    "not iterable",
    "isoformat",
    "is not a valid Verdict",
    "codec can't",
    "Expected",
    "Expecting",
    "zip file",
    "Traceback",
)


def _logged_line(tmp_path: Path) -> dict[str, Any]:
    """One line of a decision log qrules wrote (the pass rate, met), as data."""
    book = qrules.load(BOOK)
    log = tmp_path / "written.jsonl"
    book.evaluate(
        {"food_samples_tested": 1000, "food_samples_passed": 990},
        year=2025,
        rules=book.select(ids=[PASS_RATE]),
        decision_log=log,
    )
    line: dict[str, Any] = json.loads(log.read_text(encoding="utf-8").splitlines()[0])
    return line


#: A logged line changed, and what audit says of it, in English and Chinese.
MALFORMED: dict[str, tuple[Any, str, str]] = {
    "no-rule": (("rule", None), "rule is missing", "缺少 rule"),
    "no-rulebook-id": (
        ("rulebook", {"version": "2.0.0"}),
        "rulebook.id is missing",
        "缺少 rulebook.id",
    ),
    "as-of-word": (
        ("as_of", "yesterday"),
        'as_of is "yesterday", not a date written YYYY-MM-DD',
        'as_of 的值 "yesterday" 不是 YYYY-MM-DD 格式的日期',
    ),
    "as-of-number": (("as_of", 5), "as_of is 5, not a date", "as_of 的值 5 不是"),
    "year-word": (("year", "x"), 'year: "x" is not a year (such as 2025)', 'year:"x" 不是年份'),
    "year-null": (("year", None), "year: null is not a year", "year:null 不是年份"),
    "year-fraction": (("year", 2025.5), "year: 2025.5 is not a year", "year:2025.5 不是年份"),
    "years-word": (("years", ["x"]), 'years: "x" is not a year', 'years:"x" 不是年份'),
    "verdict-word": (
        ("verdict", "maybe"),
        'verdict is "maybe", not one of met, not_met, unknown',
        '记录的判定 "maybe" 不是 met、not_met、unknown 之一',
    ),
    "target-number": (("target", 5), "target is not a table", "target 应是键值表"),
    "target-no-op": (("target", {"value": "95"}), "target.op is missing", "缺少 target.op"),
    "district-list": (("district", [1]), "district is [1], not text", "district 的值 [1] 应是文本"),
    "yearly-key": (("yearly", {"x": {}}), 'yearly: "x" is not a year', 'yearly:"x" 不是年份'),
    "derived-number": (
        ("derived", {"2025": {"food_samples_passed": 5}}),
        "derived is not a list",
        "derived 应是列表",
    ),
    "input-divided-by-zero": (
        ("inputs", {"food_samples_tested": "1/0", "food_samples_passed": "990"}),
        "'1/0' is not a number as qrules logs them",
        "'1/0' 不是 qrules 记录的数字",
    ),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_audit_names_a_malformed_line_in_its_own_words(tmp_path: Path, case: str) -> None:
    """Before, audit put a Python exception's repr in its finding, in English
    whatever the language: "a malformed record (KeyError('rule'))",
    "(ValueError(\"invalid literal for int() with base 10: 'x'\"))",
    "(TypeError(\"'int' object is not subscriptable\"))"; a year of 2025.5,
    a district [1] passed as if qrules had written them. Now each is named
    by its key, in either language, with what to do; the exit code is 1."""
    (key, value), english, chinese = MALFORMED[case]
    line = _logged_line(tmp_path)
    line["prev"] = None
    if value is None and key != "year":
        del line[key]
    else:
        line[key] = value
    log = tmp_path / "decisions.jsonl"
    log.write_text(json.dumps(line) + "\n", encoding="utf-8")
    code, out, err = run("audit", str(log))
    assert (code, err) == (1, "")
    assert f"decision log {log}: 1 line" in out
    assert f"  line 1: a malformed record ({english}" in out
    assert "compare it with a copy of the log" in out
    code, out, err = run("audit", str(log), "--lang", "zh")
    assert (code, err) == (1, "")
    assert f"  第 1 行:记录不完整或有误({chinese}" in out
    assert "请与日志的副本核对" in out
    for word in PYTHON_WORDS:
        assert word not in out


def test_a_toml_file_that_does_not_parse_is_named_by_line_and_column(tmp_path: Path) -> None:
    """A rulebook's or a mapping's TOML that does not parse: before, tomllib's
    English ("Expected ']' at the end of a table declaration (at line 1,
    column 9)") was the message under ``--lang zh`` too; now the place is
    qrules' (line and column) and what to do, the parser's words in English
    only."""
    folder = tmp_path / "book"
    shutil.copytree(qrules.load(BOOK).path, folder)
    with (folder / "rules.toml").open("a", encoding="utf-8") as rules:
        rules.write("\n[[rule]\n")
    lines = (folder / "rules.toml").read_text(encoding="utf-8").count("\n")
    code, _, err = run("lint", str(folder), "--lang", "zh")
    assert code == 2
    assert (
        f"rules.toml,第 {lines} 行,第 7 列:不是有效的 TOML(请检查该处的方括号、引号、逗号和等号)"
        in err
    )
    code, _, err = run("lint", str(folder))
    assert code == 2
    assert (
        f"rules.toml, line {lines}, column 7: not valid TOML (Expected ']]' at the end of an"
        " array declaration) (check the brackets, quotation marks, commas and = signs there)"
    ) in err
    mapping = tmp_path / "mapping.toml"
    mapping.write_text("[figures\nx = 1\n", encoding="utf-8")
    with pytest.raises(qrules.DataError) as raised:
        qrules.read_register([{"unit": "U1", "category": "catering"}], mapping=mapping)
    [problem] = raised.value.problems
    assert (problem.where, problem.render("zh").split(":", 1)[-1]) == (
        "line 1, column 9",
        "不是有效的 TOML(请检查该处的方括号、引号、逗号和等号)",
    )
    mapping.write_bytes(b"[figures]\nx = '\xff'\n")
    with pytest.raises(qrules.DataError, match="not UTF-8 at byte"):
        qrules.read_register([{"unit": "U1", "category": "catering"}], mapping=mapping)


def test_a_file_a_library_refuses_is_said_in_the_language_asked(tmp_path: Path) -> None:
    """A JSON file of figures that does not parse, an ``.xlsx`` file that is not
    one, a CSV cell over the csv module's limit, a coverage report that is not
    UTF-8: before, the library's English ("Expecting property name enclosed
    in double quotes", "File is not a zip file", "field larger than field
    limit (131072)", "'utf-8' codec can't decode byte 0xff") under ``--lang
    zh``; now qrules' words, the place and what to do."""
    figures = tmp_path / "figures.json"
    figures.write_text('[{"measure": "food_samples_tested", "year": 2025, "value": 1,}]')
    code, _, err = run("check", BOOK, str(figures), "--lang", "zh")
    assert code == 2
    assert "figures.json,第 1 行,第 62 列:不是有效的 JSON(请检查该处的括号、引号和逗号" in err
    code, _, err = run("check", BOOK, str(figures))
    assert "line 1, column 62: not valid JSON (Expecting property name enclosed" in err
    book = tmp_path / "figures.xlsx"
    book.write_bytes(b"PK\x03\x04 not a workbook")
    code, _, err = run("check", BOOK, str(book), "--lang", "zh")
    assert code == 2
    assert "figures.xlsx:不是可读的 .xlsx 文件(请用 Excel 打开并另存为 .xlsx)" in err
    long = tmp_path / "long.csv"
    long.write_text("year,measure,value\n2025," + "x" * 131_073 + ",1\n", encoding="utf-8")
    code, _, err = run("check", BOOK, str(long), "--lang", "zh")
    assert code == 2
    assert "long.csv,第 2 行:有单元格超过 131,072 个字符" in err
    assert "field larger" not in err
    report = tmp_path / "coverage.json"
    report.write_bytes(b"\xff{}")
    code, _, err = run("coverage", str(report), "--lang", "zh")
    assert code == 2
    assert "不是 UTF-8 编码(第 0 字节)" in err
    for said in (err,):
        for word in PYTHON_WORDS:
            assert word not in said
