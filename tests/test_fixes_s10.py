"""Leftovers of earlier sessions (session 10): tables in place say what the
file readers say, and nothing is read two ways or judged on a guess."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

import qrules
from qrules import Verdict
from qrules.engines import evaluate_tables
from qrules.records.read import parse_date
from tests.conftest import log_year, records_options, run

from .records_fixtures import LOG_TYPES, REGISTER_TYPES, place
from .records_strategies import unit, visit

# -- 1. a log row of a unit whose register row was rejected -----------------------------


def _log_problems(evaluation: qrules.Evaluation) -> list[str]:
    [log] = [t for t in evaluation.records if t.kind == "log"]
    return [p.message for p in log.problems]


def test_a_log_row_of_a_rejected_register_row_is_not_said_unregistered(
    book: qrules.Rulebook, engine: tuple[str, Any]
) -> None:
    """C2 is in the register (its row was rejected), C3 is not: in place as from
    files, the two are told apart, counted row (C2 2024-05-01) or rejected row
    (C2 2024-05-41) alike."""
    units = [unit("C1", "catering"), unit("C2", "catering", registered="2020-02-30")]
    name, connection = engine
    place(connection, name, "s10_register", units, REGISTER_TYPES)
    for day, expected in [
        (
            "2024-05-01",
            [
                "1 row naming the unit of a rejected register row ('C2'): not counted",
                "1 rows name a unit that is not in the register ('C3'): not counted",
            ],
        ),
        (
            "2024-05-41",
            [
                "unit 'C2' is the unit of a rejected register row (row 2)",
                "'2024-05-41' is not a date: no such day",
                "1 rows name a unit that is not in the register ('C3'): not counted",
            ],
        ),
    ]:
        visits = [visit("C1", "2024-03-01"), visit("C2", day), visit("C3", "2024-05-01")]
        register = qrules.read_register(units)
        read = qrules.evaluate_records(book, register, qrules.read_log(visits, register))
        assert "unit 'C2' is the unit of a rejected register row (row 2)" in _log_problems(read)
        place(connection, name, "s10_log", visits, LOG_TYPES)
        in_place = evaluate_tables(book, connection, register="s10_register", log="s10_log")
        assert _log_problems(in_place) == expected, (name, day)
        [log] = [t for t in in_place.records if t.kind == "log"]
        assert (log.rows_read, log.rows_used, log.rows_rejected) == (3, 1, 2)
        if day == "2024-05-01":
            assert "登记册中被拒收行的单位('C2')" in log.problems[0].render("zh")


# -- 2. strict=True in place names every row, as the file route does ----------------------


def test_strict_in_place_names_the_rows_a_reader_names(
    book: qrules.Rulebook, engine: tuple[str, Any]
) -> None:
    """Rejected register rows, a log row of a rejected unit and one of a unit not
    in the register: the `DataError` names each row, in place as from files (it
    named only the rejected register rows, and a clean register with a log row
    of an unknown unit was no error at all)."""
    name, connection = engine
    units = [
        unit("C1", "catering"),
        unit("C2", "catering", registered="2020-02-30"),
        unit("C3", "catering", registered="2020-13-01"),
    ]
    visits = [visit("C1", "2024-03-01"), visit("C2", "2024-05-01"), visit("C9", "2024-05-01")]
    place(connection, name, "s10_register", units, REGISTER_TYPES)
    place(connection, name, "s10_log", visits, LOG_TYPES)
    for kept in (units, units[:1]):
        register = qrules.read_register(kept)
        log = qrules.read_log(visits, register)
        with pytest.raises(qrules.DataError) as from_rows:
            qrules.evaluate_records(book, register, log, strict=True)
        place(connection, name, "s10_register", kept, REGISTER_TYPES)
        for check_keys in (True, False):
            with pytest.raises(qrules.DataError) as in_place:
                evaluate_tables(
                    book,
                    connection,
                    register="s10_register",
                    log="s10_log",
                    strict=True,
                    check_keys=check_keys,
                )
            said = [
                (p.where, p.key, p.message.replace("s10_register", "<rows>"))
                for p in in_place.value.problems
            ]
            assert said == [(p.where, p.key, p.message) for p in from_rows.value.problems]
    assert "unit 'C9' is not in the register" in str(in_place.value)


# -- 3. the casts a hint names run, whatever the column's name ----------------------------

AWKWARD = ["Registered On", "检查 日期", "Date", "select"]


@pytest.mark.parametrize("column", AWKWARD)
def test_the_view_a_hint_names_runs(engine: tuple[str, Any], column: str) -> None:
    """A TIMESTAMPTZ column named with spaces, upper case, Chinese or a keyword:
    the hint's cast, pasted into a view, runs (and the view is then judged)."""
    _, connection = engine
    cursor = connection.cursor()
    quoted = '"' + column + '"'
    for statement in (
        "DROP VIEW IF EXISTS s10_view",
        "DROP TABLE IF EXISTS s10_zoned",
        "DROP TABLE IF EXISTS s10_units",
        "CREATE TABLE s10_units (unit VARCHAR, category VARCHAR)",
        "INSERT INTO s10_units VALUES ('H1', 'catering')",
        f"CREATE TABLE s10_zoned (unit VARCHAR, {quoted} TIMESTAMPTZ)",
        "INSERT INTO s10_zoned VALUES ('H1', CAST('2024-01-01 07:30:00+08' AS TIMESTAMPTZ))",
    ):
        cursor.execute(statement)
    book = qrules.load("yantai-2023-2025")
    mapping = {"log": {"columns": {"date": column}}}
    with pytest.raises(qrules.DataError) as raised:
        evaluate_tables(book, connection, register="s10_units", log="s10_zoned", mapping=mapping)
    [problem] = raised.value.problems
    cast = (problem.hint or "").split(": ", 1)[1].removesuffix(" (with your zone)")
    assert quoted in cast
    assert quoted in problem.render("zh")
    cursor.execute(f"CREATE VIEW s10_view AS SELECT unit, {cast} AS day FROM s10_zoned")
    cursor.execute("SELECT day FROM s10_view")
    assert [tuple(r) for r in cursor.fetchall()] == [(dt.date(2024, 1, 1),)]


@pytest.mark.parametrize("column", AWKWARD)
def test_the_views_a_hint_names_for_numbers_run(engine: tuple[str, Any], column: str) -> None:
    """A date column of integers: the hint names the views that read them as the
    file readers read a number in a date column, an Excel serial or YYYYMMDD
    digits (it named ``CAST(registered AS DATE)``, which neither database runs
    on an INTEGER), with the column quoted; each runs and gives the readers' day."""
    _, connection = engine
    cursor = connection.cursor()
    quoted = '"' + column + '"'
    cursor.execute("DROP VIEW IF EXISTS s10_view")
    cursor.execute("DROP TABLE IF EXISTS s10_numbered")
    cursor.execute(f"CREATE TABLE s10_numbered (unit VARCHAR, category VARCHAR, {quoted} INTEGER)")
    mapping = {"register": {"columns": {"registered": column}}}
    with pytest.raises(qrules.DataError) as raised:
        evaluate_tables(
            qrules.load("yantai-2023-2025"),
            connection,
            register="s10_numbered",
            log=None,
            mapping=mapping,
        )
    [problem] = raised.value.problems
    hint = problem.hint or ""
    assert quoted in problem.render("zh")
    serial = hint.split("a date, ", 1)[1].split(" (serials) or ", 1)[0]
    compact = hint.split(" (serials) or ", 1)[1].removesuffix(" (YYYYMMDD)")
    for expression, value in ((serial, 45356), (compact, 20240305)):
        assert quoted in expression
        cursor.execute("DELETE FROM s10_numbered")
        cursor.execute(f"INSERT INTO s10_numbered VALUES ('U1', 'catering', {value})")
        cursor.execute(f"SELECT {expression} FROM s10_numbered")
        [(day,)] = cursor.fetchall()
        assert day == dt.date(2024, 3, 5) == parse_date(value), expression


# -- 4. a bare number in a date column: one reading on every route ------------------------


def _read_days(source: Any) -> list[dt.date]:
    register = qrules.read_register([{"unit": "U1", "category": "catering"}])
    log = qrules.read_log(source, register)
    assert not log.problems, [p.message for p in log.problems]
    return [i.date for i in log.inspections]


def test_a_number_in_a_date_column_is_an_excel_serial_on_every_route(tmp_path: Path) -> None:
    """45356 is 2024-03-05 (docs/records.md), whether an int, a float, text, a
    `Decimal` in rows or a DataFrame, or an Arrow, Parquet or polars decimal
    (a decimal was "not a date" where the same number as an int was read)."""
    pa = pytest.importorskip("pyarrow")
    pd = pytest.importorskip("pandas")
    from pyarrow import parquet  # noqa: PLC0415

    day = [dt.date(2024, 3, 5)]
    decimal_column = pa.array([Decimal("45356")], pa.decimal128(10, 0))
    (tmp_path / "log.csv").write_text("unit,date\nU1,45356\n", encoding="utf-8")
    parquet.write_table(pa.table({"unit": ["U1"], "date": decimal_column}), tmp_path / "l.parquet")
    sources: list[Any] = [
        *([{"unit": "U1", "date": v}] for v in (45356, 45356.0, "45356", Decimal("45356"))),
        [{"unit": "U1", "date": Decimal("45356.25")}],  # (its time of day)
        tmp_path / "log.csv",
        tmp_path / "l.parquet",
        pd.DataFrame({"unit": ["U1"], "date": [Decimal("45356")]}),
        pd.DataFrame({"unit": ["U1"], "date": [45356]}),
        pa.table({"unit": ["U1"], "date": decimal_column}),
    ]
    pl = pytest.importorskip("polars")
    sources.append(pl.DataFrame({"unit": ["U1"], "date": [Decimal("45356")]}))
    for source in sources:
        assert _read_days(source) == day, source
    registered = qrules.read_register(
        [{"unit": "U1", "category": "catering", "registered": Decimal("45356")}]
    )
    assert [u.registered for u in registered.units] == day
    # Out of the serials' range, a decimal is refused as an int is.
    for value in (Decimal("123"), 123):
        register = qrules.read_register([{"unit": "U1", "category": "catering"}])
        [problem] = qrules.read_log([{"unit": "U1", "date": value}], register).problems
        assert "serial" in problem.message or "date" in problem.message


def test_a_number_column_in_place_is_refused_not_read_otherwise(
    engine: tuple[str, Any],
) -> None:
    """In place a date column of numbers is refused (its type named, with a
    cast), and text ``45356`` rejects its row: never read as another day."""
    name, connection = engine
    cursor = connection.cursor()
    book = qrules.load("yantai-2023-2025")
    for kind in ("INTEGER", "DECIMAL(10,0)"):
        cursor.execute("DROP TABLE IF EXISTS s10_numbered")
        cursor.execute(
            f"CREATE TABLE s10_numbered (unit VARCHAR, category VARCHAR, registered {kind})"
        )
        with pytest.raises(qrules.DataError, match="does not read as a date") as raised:
            evaluate_tables(book, connection, register="s10_numbered", log=None)
        assert "(register registered)" in raised.value.render("en")
        assert "列 'registered'(登记册的 registered 列)的类型是" in raised.value.render("zh")
    units = [unit("U1", "catering")]
    place(connection, name, "s10_register", units, REGISTER_TYPES)
    place(connection, name, "s10_log", [visit("U1", "45356")], LOG_TYPES)
    evaluation = evaluate_tables(book, connection, register="s10_register", log="s10_log")
    [log] = [t for t in evaluation.records if t.kind == "log"]
    assert (log.rows_used, log.rows_rejected) == (0, 1)
    assert "read as 2024-03-05 by qrules" in log.problems[0].message


# -- 5. a percentage without its sign from 0 to 1: ambiguous, on every reader ------------

RATE = "food_safety_sampling_pass_rate"
AMBIGUOUS = (
    f"{RATE}: 0.985 is ambiguous as a percentage: 0.985 % or a share of 98.5 %; "
    "write 98.5% (or 98.5) for 98.5 %, 0.985% for 0.985 %"
)


def _figures(tmp_path: Path, value: Any) -> list[tuple[str, Any]]:
    """The figure ``value`` of the pass rate in 2025, as each reader takes it."""
    pd = pytest.importorskip("pandas")
    openpyxl = pytest.importorskip("openpyxl")
    rows = [{"year": 2025, "measure": RATE, "value": value}]
    (tmp_path / "f.csv").write_text(f"year,measure,value\n2025,{RATE},{value}\n", encoding="utf-8")
    json_value = value if isinstance(value, str) else str(value)
    (tmp_path / "f.json").write_text(
        f'[{{"year": 2025, "measure": "{RATE}", "value": {json_value}}}]'
        if not isinstance(value, str)
        else f'[{{"year": 2025, "measure": "{RATE}", "value": "{value}"}}]',
        encoding="utf-8",
    )
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["year", "measure", "value"])
    sheet.append([2025, RATE, float(value) if not isinstance(value, str) else value])
    book.save(tmp_path / "f.xlsx")
    return [
        ("csv", tmp_path / "f.csv"),
        ("json", tmp_path / "f.json"),
        ("xlsx", tmp_path / "f.xlsx"),
        ("rows", rows),
        ("frame", pd.DataFrame(rows)),
        ("mapping", {RATE: value}),
    ]


@pytest.mark.parametrize("value", ["0.985", 0.985, Decimal("0.985"), "1", 1])
def test_a_bare_share_in_a_percent_measure_is_a_data_error(tmp_path: Path, value: Any) -> None:
    """0.985 meant as 98.5 % was judged 0.985 % and "not met" against 98.5: a
    false verdict. Every reader now refuses it, naming where it is."""
    book = qrules.load("yantai-2023-2025")
    for reader, source in _figures(tmp_path, value):
        with pytest.raises(qrules.DataError) as raised:
            book.evaluate(source)
        [problem] = raised.value.problems
        assert "is ambiguous as a percentage" in problem.message, reader
        where = {
            "mapping": f"key '{RATE}'",
            "json": "item 0, key 'value'",
            "rows": "row 1, column 'value'",  # (in DataFrames and tables, the first row is 1)
            "frame": "row 1, column 'value'",
        }
        assert problem.where == where.get(reader, "row 2, column 'value'"), reader
        if value in ("0.985", 0.985):
            assert problem.message == AMBIGUOUS, reader
        assert "作为百分比有歧义" in problem.render("zh"), reader


@pytest.mark.parametrize(
    ("value", "verdict"),
    [
        ("98.5", Verdict.MET),
        ("98.5%", Verdict.MET),
        ("0.985%", Verdict.NOT_MET),
        (0, Verdict.NOT_MET),
    ],
)
def test_a_percentage_written_plainly_is_read_as_written(
    tmp_path: Path, value: Any, verdict: Verdict
) -> None:
    book = qrules.load("yantai-2023-2025")
    rule = book["food-safety-sampling-pass-rate"]
    for reader, source in _figures(tmp_path, value):
        [result] = [r for r in book.evaluate(source, rules=[rule]) if r.year == 2025]
        assert result.verdict is verdict, reader


def test_an_xlsx_percent_cell_is_the_percentage_it_shows(tmp_path: Path) -> None:
    """Excel keeps 98.5 % as 0.985 in a cell formatted ``0.0%``: read as 98.5."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["year", "measure", "value"])
    sheet.append([2025, RATE, 0.985])
    sheet.cell(row=2, column=3).number_format = "0.0%"
    book.save(tmp_path / "shown.xlsx")
    rulebook = qrules.load("yantai-2023-2025")
    [observation] = qrules.read_dataset(tmp_path / "shown.xlsx", rulebook).observations
    assert observation.value == Fraction(197, 2)
    [result] = rulebook.evaluate(
        tmp_path / "shown.xlsx", rules=[rulebook["food-safety-sampling-pass-rate"]]
    )
    assert result.verdict is Verdict.MET


# -- 6. a failing unit that rows not counted could make meet is said to be one -------------

MAY_MEET = "(or it may meet it already: log row 2, not counted, could be its inspections)"


def test_a_failing_unit_that_a_rejected_row_could_make_meet_is_marked(
    book: qrules.Rulebook, engine: tuple[str, Any]
) -> None:
    """C2 is never inspected: "not met" stands. C1 has one inspection and a log
    row dated 2024-13-01 that could be its second: listed as failing, it says
    so (it was listed as surely failing), on every engine, files and in place."""
    name, connection = engine
    units = [unit("C1", "catering", risk_level="high"), unit("C2", "catering", risk_level="high")]
    visits = [visit("C1", "2024-03-01"), visit("C1", "2024-13-01")]
    register = qrules.read_register(units)
    log = qrules.read_log(visits, register)
    options: dict[str, Any] = {"rules": [book["twice"]], **YEAR}
    place(connection, name, "s10_register", units, REGISTER_TYPES)
    place(connection, name, "s10_log", visits, LOG_TYPES)
    found = {
        "reference": qrules.evaluate_records(book, register, log, **options),
        "loaded": qrules.evaluate_records(
            book, register, log, engine=name, connection=connection, **options
        ),
        "in place": evaluate_tables(
            book, connection, register="s10_register", log="s10_log", **options
        ),
    }
    for where, evaluation in found.items():
        [result] = [r for r in evaluation if r.district is None]
        assert result.verdict is Verdict.NOT_MET, where
        needs = {f.unit: f.needs for f in result.failing_units}
        # (Rows of rows and of tables alike: the first row is 1.)
        assert needs["C1"].en == f"1 more inspection by 2024-12-31 {MAY_MEET}", where
        assert "也可能已达到:检查记录第 2 行未计入" in needs["C1"].zh, where
        assert needs["C2"].en == "2 more inspections by 2024-12-31", where


YEAR = {"log_from": "2024-01-01", "log_until": "2024-12-31"}


@pytest.mark.parametrize(
    ("command", "form"),
    [
        ("check", "table"),
        ("check", "json"),
        ("check", "markdown"),
        ("check", "junit"),
        ("report", "html"),
    ],
)
def test_every_output_marks_it(tmp_path: Path, command: str, form: str) -> None:
    from .conftest import RECORDS, run  # noqa: PLC0415
    from .records_fixtures import write  # noqa: PLC0415

    units = [unit("C1", "catering", risk_level="high"), unit("C2", "catering", risk_level="high")]
    visits = [visit("C1", "2024-03-01"), visit("C1", "2024-13-01")]
    register = write(tmp_path / "register.csv", units, list(REGISTER_TYPES))
    log = write(tmp_path / "log.csv", visits, list(LOG_TYPES))
    out = tmp_path / f"out.{form}"
    code, _, err = run(
        command,
        str(RECORDS),
        *records_options(register, log),
        "--rule",
        "twice",
        *log_year(2024),
        "--format",
        form,
        "-o",
        str(out),
    )
    assert code == (1 if command == "check" else 0), err
    text = out.read_text(encoding="utf-8")
    # (A file's header is row 1: the rejected log row is row 3.)
    assert MAY_MEET.replace("row 2", "row 3") in text.replace("\\n", " "), form


def test_a_share_in_a_column_of_declared_scale_is_not_ambiguous(tmp_path: Path) -> None:
    """A column of shares (0.985) declared ×100 in the mapping file says how to
    read them: 98.5, met (the ambiguity rule reads values of no declared scale)."""
    (tmp_path / "p.csv").write_text(f"year,measure,share\n2025,{RATE},0.985\n", encoding="utf-8")
    (tmp_path / "m.toml").write_text(
        '[figures.columns]\nyear = "year"\nmeasure = "measure"\nvalue = "share"\n'
        '[figures.scale]\n"share" = 100\n',
        encoding="utf-8",
    )
    code, out, _ = run(
        "check",
        "yantai-2023-2025",
        str(tmp_path / "p.csv"),
        "--mapping",
        str(tmp_path / "m.toml"),
        "--rule",
        "food-safety-sampling-pass-rate",
        "--format",
        "json",
    )
    assert code == 0, out
    [result] = json.loads(out)["results"]
    assert result["verdict"] == "met"
