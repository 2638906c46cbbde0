"""Excel's error values written as text are read as the error values they are,
on every route (session 14, helper errortext).

Excel writes a cell's error value (``#N/A``, ``#REF!``, ``#DIV/0!``) as its
text when the sheet is saved as CSV, and a DataFrame or a database table made
from a sheet holds the same text. Session 13 read an ``.xlsx`` error cell as
no data (`qrules._tabular.unread_cell`); its text was read as a value: a
register's category ``#REF!`` took its unit out of every rule's population (a
rule met only because its one failing unit was dropped), a log's unit
``#N/A`` was a unit the register lacks (a foreign-key miss, not a row that
could be any unit's), a district ``#N/A`` a district of its own. Now such a
text (normalised as every cell is: NFKC, trimmed, in any case) is the error
value (`qrules._tabular.error_text`): a header or a figure is refused, a
record's row rejected with the same reason, on the row readers, the
column-wise reader, the direct CSV route on DuckDB (which declines), tables
judged in place (DuckDB, PostgreSQL, DataFrames registered) and the
reference engine.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

import qrules
from qrules import _columns
from qrules._tabular import EXCEL_ERRORS, error_text
from qrules.engines import _holdings, evaluate_records, evaluate_tables
from qrules.records import direct
from qrules.records import read as rows_read
from tests.conftest import log_year, records_options, records_tables, run

BOOK = "yantai-2023-2025"
RATE = "food_safety_sampling_pass_rate"
FORMULA = "infant-formula-makers-system-inspected-yearly"
YEAR_2024 = {"log_from": "2024-01-01", "log_until": "2024-12-31"}
ERROR = "an error value {} (its formula failed), not data"
HINT = "(correct the formula in Excel or write the value, then save the file)"


@pytest.fixture(scope="module")
def book() -> qrules.Rulebook:
    return qrules.load(BOOK)


# -- the rule ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("#N/A", "#N/A"),
        ("#n/a", "#N/A"),
        (" #REF! ", "#REF!"),
        ("＃ＲＥＦ！", "#REF!"),
        ("\ufe5fVALUE!", "#VALUE!"),
        ("#div/0!", "#DIV/0!"),
        ("#Getting_Data", "#GETTING_DATA"),
        ("\u200b#SPILL!", "#SPILL!"),
        ("#N/A#", None),
        ("#1", None),
        ("N/A", None),
        ("#fıeld!", None),  # (a dotless i is no I: no ASCII, no error value)
        ("", None),
    ],
)
def test_an_error_value_text_is_one_normalised_in_any_case(text: str, code: str | None) -> None:
    assert error_text(text) == code


def test_the_error_values_are_excels() -> None:
    assert {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"} < EXCEL_ERRORS
    assert {"#SPILL!", "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!"} < EXCEL_ERRORS
    assert {"#CONNECT!", "#BUSY!", "#UNKNOWN!"} < EXCEL_ERRORS


# -- figures ----------------------------------------------------------------------------


def _figures_problems(source: Any, book: qrules.Rulebook, **options: Any) -> list[str]:
    with pytest.raises(qrules.DataError) as caught:
        qrules.read_dataset(source, book, **options)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize("encoding", ["utf-8", "gbk", "gb18030", "utf-8-sig"])
def test_a_figure_of_a_csv_file_holding_an_error_value_is_said_as_one(
    tmp_path: Path, book: qrules.Rulebook, encoding: str
) -> None:
    # Was "'#DIV/0!' is not a number": a figure no one wrote, a formula that failed.
    path = tmp_path / "v.csv"
    path.write_bytes(f"年份,指标,数值\n2025,{RATE},#DIV/0!\n".encode(encoding))
    assert _figures_problems(path, book)[0].startswith(
        f"v.csv, row 2, column '数值': {ERROR.format('#DIV/0!')}"
    )


@pytest.mark.parametrize(
    ("name", "text", "where", "value"),
    [
        # Was a district of its own ('#N/A'), said to be no district of the plan.
        (
            "d.csv",
            f"year,district,measure,value\n2025,#N/A,{RATE},99\n",
            "row 2, column 'district'",
            "#N/A",
        ),
        # A wide sheet whose third district's name failed: was a district '#REF!'.
        ("h.csv", f"year,measure,芝罘区,#REF!\n2025,{RATE},99,98\n", "header, column D", "#REF!"),
    ],
    ids=["district", "header"],
)
def test_a_district_or_a_header_of_a_csv_file_holding_an_error_value_is_refused(
    tmp_path: Path, book: qrules.Rulebook, name: str, text: str, where: str, value: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert _figures_problems(path, book) == [f"{name}, {where}: {ERROR.format(value)} {HINT}"]


def test_figures_of_a_dataframe_and_a_mapping_holding_error_values(book: qrules.Rulebook) -> None:
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame({"year": [2025], "measure": [RATE], "value": [" #n/a "]})
    assert _figures_problems(frame, book)[0].startswith(
        f"<pandas DataFrame>, row 1, column 'value': {ERROR.format('#N/A')}"
    )
    with pytest.raises(qrules.DataError, match="an error value #VALUE!"):
        book.evaluate({RATE: "#VALUE!"})
    with pytest.raises(ValueError, match="an error value #NUM!"):
        qrules.parse_value("#NUM!")


# -- records read by the readers ----------------------------------------------------------


def _register_csv(tmp_path: Path, rows: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "r.csv"
    path.write_bytes(("unit,name,category,district,registered\n" + rows).encode(encoding))
    return path


REGISTER_ROWS = "IF01,A,infant_formula_maker,芝罘区,2020-01-01\nIF02,B,#REF!,芝罘区,2020-01-01\n"


@pytest.mark.parametrize("reader", ["rows", "columns"])
@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_register_category_holding_an_error_value_rejects_its_row(
    tmp_path: Path, reader: str, encoding: str
) -> None:
    # Was a category '#REF!' that no rule selects: IF02 left every population.
    path = _register_csv(tmp_path, REGISTER_ROWS, encoding)
    read = rows_read.read_register if reader == "rows" else _columns.read_register
    register = read(path)
    assert [u.unit for u in register.units] == ["IF01"]
    assert [str(p) for p in register.problems] == [
        f"r.csv, row 3, column 'category': {ERROR.format('#REF!')} {HINT}"
    ]
    [rejected] = register.rejected
    assert rejected.unit == "IF02"
    assert "category" in rejected.unreadable


@pytest.mark.parametrize("reader", ["rows", "columns"])
@pytest.mark.parametrize(
    ("column", "row"),
    [
        ("unit", "#N/A,B,infant_formula_maker,芝罘区,2020-01-01"),
        ("name", "IF02,＃n/a,infant_formula_maker,芝罘区,2020-01-01"),
        ("district", "IF02,B,infant_formula_maker, #N/A ,2020-01-01"),
        ("registered", "IF02,B,infant_formula_maker,芝罘区,#VALUE!"),
    ],
)
def test_any_register_cell_holding_an_error_value_rejects_its_row(
    tmp_path: Path, reader: str, column: str, row: str
) -> None:
    path = _register_csv(tmp_path, f"IF01,A,infant_formula_maker,芝罘区,2020-01-01\n{row}\n")
    read = rows_read.read_register if reader == "rows" else _columns.read_register
    register = read(path)
    assert [u.unit for u in register.units] == ["IF01"]
    [problem] = register.problems
    assert str(problem).startswith(f"r.csv, row 3, column {column!r}: an error value #")


@pytest.mark.parametrize("reader", ["rows", "columns"])
def test_a_log_unit_holding_an_error_value_is_any_units_row(tmp_path: Path, reader: str) -> None:
    # Was a unit the register does not hold (a foreign-key miss, not counted
    # and bounding nothing): the row could be any unit's inspection.
    register = rows_read.read_register(
        _register_csv(tmp_path, "IF01,A,infant_formula_maker,芝罘区,2020-01-01\n")
    )
    path = tmp_path / "l.csv"
    path.write_text(
        "inspection,unit,date,kind\nJ1,IF01,2024-03-01,system\nJ2,#N/A,2024-04-01,system\n"
        "#REF!,IF01,2024-05-01,system\nJ4,IF01,2024-06-01,#N/A\n",
        encoding="utf-8",
    )
    read = rows_read.read_log if reader == "rows" else _columns.read_log
    log = read(path, register)
    assert [i.row for i in log.inspections] == [2]
    assert [str(p) for p in log.problems] == [
        f"l.csv, row 3, column 'unit': {ERROR.format('#N/A')} {HINT}",
        f"l.csv, row 4, column 'inspection': {ERROR.format('#REF!')} {HINT}",
        f"l.csv, row 5, column 'kind': {ERROR.format('#N/A')} {HINT}",
    ]
    assert [(r.row, r.unit) for r in log.rejected] == [
        (3, rows_read.ANY_UNIT),
        (4, "IF01"),
        (5, "IF01"),
    ]


def test_a_header_holding_an_error_value_refuses_the_register(tmp_path: Path) -> None:
    # Was a column not read (a note): every unit's closing date unread.
    path = tmp_path / "r.csv"
    path.write_text("unit,category,#REF!\nK1,catering,2021-01-01\n", encoding="utf-8")
    with pytest.raises(qrules.DataError) as caught:
        qrules.read_register(path)
    assert [str(p) for p in caught.value.problems] == [
        f"r.csv, header, column C: {ERROR.format('#REF!')} {HINT}"
    ]


def test_the_command_refuses_a_register_whose_header_holds_an_error_value(
    tmp_path: Path,
) -> None:
    # Was read (the column not read, a note), on the direct route too.
    register, log = _files(tmp_path, "catering")
    register.write_text("unit,category,#N/A\nIF01,catering,x\n", encoding="utf-8")
    code, _, err = _check(register, log)
    assert code == 2, err
    assert f"register.csv, header, column C: {ERROR.format('#N/A')}" in err
    assert "Traceback" not in err


def test_a_mapping_code_that_is_an_error_value_is_refused() -> None:
    with pytest.raises(qrules.DataError) as caught:
        qrules.ColumnMapping.from_dict({"register": {"codes": {"category": {"#N/A": "catering"}}}})
    assert "'#N/A' is an Excel error value" in str(caught.value.problems[0])


# -- the false met, on every route --------------------------------------------------------


def _files(tmp_path: Path, category: str = "#REF!") -> tuple[Path, Path]:
    """IF01 an infant formula maker inspected in 2024; IF02 of ``category``,
    not inspected."""
    register = tmp_path / "register.csv"
    register.write_text(
        "unit,name,category,registered\nIF01,A,infant_formula_maker,2020-01-01\n"
        f"IF02,B,{category},2020-01-01\n",
        encoding="utf-8",
    )
    log = tmp_path / "log.csv"
    log.write_text("unit,date,kind\nIF01,2024-03-01,system\n", encoding="utf-8")
    return register, log


def _check(register: Path, log: Path, *extra: str) -> tuple[int, str, str]:
    return run(
        "check",
        BOOK,
        *records_options(register, log),
        "--rule",
        FORMULA,
        *log_year(2024),
        *extra,
    )


@pytest.mark.parametrize("engine", ["duckdb", "reference"])
def test_the_command_no_longer_passes_a_rule_a_ref_category_met(
    tmp_path: Path, engine: str
) -> None:
    # Was exit 0, "met 100 (1/1)": IF02, of category '#REF!', left the population.
    code, out, err = _check(*_files(tmp_path), "--engine", engine)
    assert code == 1, err
    assert "unknown" in out
    assert "rejected register row could change this (row 3)" in " ".join(out.split())
    assert f"register.csv, row 3, column 'category': {ERROR.format('#REF!')}" in out
    # (IF02 an infant formula maker: not met, as ever; of another category: met.)
    for category, verdict in (("infant_formula_maker", "not met"), ("catering", "met")):
        folder = tmp_path / category
        folder.mkdir()
        code, out, err = _check(*_files(folder, category), "--engine", engine)
        assert (code, verdict in out) == (int(verdict != "met"), True), err


def test_the_direct_route_declines_error_values(tmp_path: Path) -> None:
    register, log = _files(tmp_path)
    assert direct.read_files(str(register), str(log)) is None
    for text in ("#N/A", "#ref!"):  # a unit id, an inspection id
        plain_register, _ = _files(tmp_path, "infant_formula_maker")
        plain_register.write_text(
            plain_register.read_text(encoding="utf-8") + f"{text},C,catering,2020-01-01\n",
            encoding="utf-8",
        )
        assert direct.read_files(str(plain_register), str(log)) is None
    _, log = _files(tmp_path, "infant_formula_maker")
    register, _ = _files(tmp_path, "infant_formula_maker")
    log.write_text("inspection,unit,date,kind\n#NAME?,IF01,2024-03-01,system\n", encoding="utf-8")
    assert direct.read_files(str(register), str(log)) is None
    log.write_text("inspection,unit,date,kind\nJ1,IF01,2024-03-01,system\n", encoding="utf-8")
    found = direct.read_files(str(register), str(log))
    assert found is not None  # (not vacuous: plain files take the route)
    found.close()


def _in_place_statements(category: str) -> list[str]:
    return [
        "CREATE TABLE {s}register(unit TEXT, name TEXT, category TEXT, district TEXT,"
        " registered DATE)",
        "INSERT INTO {s}register VALUES ('IF01', 'A', 'infant_formula_maker', NULL,"
        f" DATE '2020-01-01'), ('IF02', 'B', '{category}', NULL, DATE '2020-01-01')",
        "CREATE TABLE {s}inspections(inspection TEXT, unit TEXT, date DATE, kind TEXT)",
        "INSERT INTO {s}inspections VALUES ('J1', 'IF01', DATE '2024-03-01', 'system')",
    ]


@pytest.mark.parametrize("engine", ["duckdb", "postgres"])
def test_a_ref_category_in_place_no_longer_passes_a_rule(
    request: pytest.FixtureRequest, book: qrules.Rulebook, engine: str
) -> None:
    # Was met (1 of 1): IF02, of category '#REF!', out of the population.
    connection, names = records_tables(
        engine, request, _in_place_statements("#REF!"), "errortext_s14"
    )
    evaluation = evaluate_tables(book, connection, rules=[book[FORMULA]], **names, **YEAR_2024)
    assert [r.verdict.value for r in evaluation] == ["unknown"]
    [register, _] = evaluation.records
    assert [str(p) for p in register.problems] == [
        f"{names['register']}, row 2, column 'category': {ERROR.format('#REF!')} {HINT}"
    ]


@pytest.mark.parametrize("engine", ["duckdb", "postgres"])
@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("unit", "#N/A"),
        ("inspection", "#ref!"),
        ("name", "#NAME?"),
        ("name", "＃n/a"),
        ("district", "#NULL!"),
    ],
)
def test_any_cell_in_place_holding_an_error_value_rejects_its_row(
    request: pytest.FixtureRequest, book: qrules.Rulebook, engine: str, column: str, value: str
) -> None:
    statements = [
        "CREATE TABLE {s}register(unit TEXT, name TEXT, category TEXT, district TEXT,"
        " registered DATE)",
        "INSERT INTO {s}register VALUES"
        " ('IF01', 'A', 'infant_formula_maker', NULL, DATE '2020-01-01'),"
        " ('IF02', 'B', 'infant_formula_maker', NULL, DATE '2020-01-01')",
        "CREATE TABLE {s}inspections(inspection TEXT, unit TEXT, date DATE, kind TEXT)",
        "INSERT INTO {s}inspections VALUES ('J1', 'IF01', DATE '2024-03-01', 'system'),"
        " ('J2', 'IF02', DATE '2024-03-01', 'system')",
    ]
    table = "register" if column in ("name", "district") else "inspections"
    statements.append(
        f"UPDATE {{s}}{table} SET {column} = '{value}' WHERE unit = 'IF02'"
        if column != "unit"
        else f"UPDATE {{s}}{table} SET unit = '{value}' WHERE inspection = 'J2'"
    )
    connection, names = records_tables(engine, request, statements, "errortext_s14")
    evaluation = evaluate_tables(book, connection, rules=[book[FORMULA]], **names, **YEAR_2024)
    # Was met (2 of 2; a log unit '#N/A': not met, 1 of 2, a foreign-key miss).
    assert [r.verdict.value for r in evaluation] == ["unknown"]
    problems = [str(p) for r in evaluation.records for p in r.problems]
    code = error_text(value)
    assert any(f"column {column!r}: {ERROR.format(code)}" in p for p in problems), problems


@pytest.mark.parametrize(("column", "value"), [("unit", "#N/A"), ("inspection", "#ref!")])
def test_ids_in_place_holding_an_error_value_are_found_at_a_look_from_statistics(
    request: pytest.FixtureRequest,
    book: qrules.Rulebook,
    monkeypatch: pytest.MonkeyPatch,
    column: str,
    value: str,
) -> None:
    # The lean key check's first look at a large table's ids takes only their
    # last characters when DuckDB's statistics prove their first ones plain:
    # a first '#' is not (`plain_heads`), and the look then tells.
    monkeypatch.setattr(_holdings, "_HEADS_FROM", 1)
    test_any_cell_in_place_holding_an_error_value_rejects_its_row(
        request, book, "duckdb", column, value
    )


def test_a_ref_category_in_a_pandas_dataframe_no_longer_passes_a_rule(
    book: qrules.Rulebook,
) -> None:
    pandas = pytest.importorskip("pandas")
    duckdb = pytest.importorskip("duckdb")
    register = pandas.DataFrame(
        {
            "unit": ["IF01", "IF02"],
            "category": ["infant_formula_maker", "#REF!"],
            "registered": [dt.date(2020, 1, 1)] * 2,
        }
    )
    log = pandas.DataFrame({"unit": ["IF01"], "date": [dt.date(2024, 3, 1)], "kind": ["system"]})
    connection = duckdb.connect()
    connection.register("register_frame", register)
    connection.register("log_frame", log)
    evaluation = evaluate_tables(
        book,
        connection,
        rules=[book[FORMULA]],
        register="register_frame",
        log="log_frame",
        **YEAR_2024,
    )
    assert [r.verdict.value for r in evaluation] == ["unknown"]
    # The same frames read by the readers, judged on the reference engine.
    read = qrules.read_register(register)
    evaluation = evaluate_records(
        book, read, qrules.read_log(log, read), rules=[book[FORMULA]], **YEAR_2024
    )
    assert [r.verdict.value for r in evaluation] == ["unknown"]


def test_the_reference_engine_no_longer_passes_a_rule_a_ref_category_met(
    book: qrules.Rulebook,
) -> None:
    register = qrules.read_register(
        [
            {"unit": "IF01", "category": "infant_formula_maker", "registered": "2020-01-01"},
            {"unit": "IF02", "category": "#REF!", "registered": "2020-01-01"},
        ]
    )
    log = qrules.read_log([{"unit": "IF01", "date": "2024-03-01", "kind": "system"}], register)
    evaluation = evaluate_records(
        book, register, log, rules=[book[FORMULA]], engine="reference", **YEAR_2024
    )
    assert [r.verdict.value for r in evaluation] == ["unknown"]
