"""Items earlier sessions noticed and left (session 14, helper leftovers).

1. A year written beside the value column's name in a figures header
   (``value (2024)``, ``数值（2024）``, ``2024年数值``) is that year's column, as
   ``2024年`` is (a sheet wide by year), not the value column in the unit
   "2024"; a year column beside columns of years is refused (it was ignored:
   a row of 2023 under the column 2024 was read as 2024's figure).
2. A register or log exported with a title (and a blank row) above its header
   is read from its header, found by the figures' own helper
   (`_tabular.header_below`), the row numbers the file's.
3. ``--log-until 2024/12/31`` (and ``log_until=``) reads the forms a log's
   date cells are read in, by the same code (`_data.written_day`); a serial
   is refused with a message naming the forms.
4. DuckDB's name for a second column of a name (``Unit_1`` beside ``unit``,
   a registered DataFrame's or Arrow table's) is refused, as a file with both
   columns is, never judged on one of them.
5. A CSV file's lines are split from its text without a StringIO of the
   whole (four bytes a character).
"""

from __future__ import annotations

import io
import json
import shutil
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qrules
from qrules import _tabular
from tests.conftest import records_options, run

BOOK = "yantai-2023-2025"
SAMPLES = Path(__file__).parent.parent / "rules" / BOOK / "samples" / "records"
PASSED = "food_samples_passed"


# -- 1. a year in a figures header --------------------------------------------------------


def _figures(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "column",
    ["value (2024)", "数值（2024）", "数值(2024年)", "2024年数值", "2024 value", "数值2024"],
)
def test_a_year_beside_the_value_columns_name_is_that_years_column(
    tmp_path: Path, column: str
) -> None:
    """Was: the value column in the unit '2024' ("the sheet gives its unit as
    '2024', but the measure is in batches"), or no district's column."""
    data = _figures(tmp_path / "f.csv", f"measure,{column}\n{PASSED},100\n")
    dataset = qrules.read_dataset(data, qrules.load(BOOK))
    [observation] = dataset.observations
    assert (observation.measure, observation.year, observation.value) == (PASSED, 2024, 100)
    assert any("a column per year" in str(note) for note in dataset.notes)


def test_two_years_columns_so_written_are_a_sheet_wide_by_year(tmp_path: Path) -> None:
    data = _figures(tmp_path / "f.csv", f"指标,数值(2023),数值(2024)\n{PASSED},90,100\n")
    dataset = qrules.read_dataset(data, qrules.load(BOOK))
    assert sorted((o.year, o.value) for o in dataset.observations) == [(2023, 90), (2024, 100)]


@pytest.mark.parametrize("column", ["value (2024)", "2024"])
def test_a_year_column_beside_columns_of_years_is_refused(tmp_path: Path, column: str) -> None:
    """A row's year 2023 under the column 2024: was read as 2024's figure, the
    year column not read and not listed as such."""
    data = _figures(tmp_path / "f.csv", f"year,measure,{column}\n2023,{PASSED},100\n")
    code, out, err = run("check", BOOK, str(data))
    assert (code, out) == (2, "")
    assert f"a year column 'year' beside columns of years ('{column}')" in err, err
    assert "delete the year column" in err, err
    code, _, err = run("check", BOOK, str(data), "--lang", "zh")
    assert code == 2
    assert "年份列 'year' 与各年的列" in err, err


def test_a_unit_in_the_value_columns_header_is_still_a_unit(tmp_path: Path) -> None:
    """``数值(%)`` stays the value column with its unit (session 13), and a
    header that only looks alike is no year's column."""
    data = _figures(tmp_path / "f.csv", f"year,measure,数值(批次)\n2024,{PASSED},100\n")
    [observation] = qrules.read_dataset(data, qrules.load(BOOK)).observations
    assert (observation.year, observation.value) == (2024, 100)
    data = _figures(tmp_path / "g.csv", f"year,measure,数值(20245)\n2024,{PASSED},100\n")
    code, _, err = run("check", BOOK, str(data))
    assert code == 2
    assert "'20245'" in err, err


# -- 2. a register and a log with a title above their header ----------------------------------


def _titled(source: Path, target: Path, title: str, encoding: str = "utf-8") -> Path:
    """``source`` with a title row and a blank row above its header, and a
    row that cannot be read (a unit with no category) at the end."""
    text = source.read_text(encoding="utf-8")
    width = text.split("\n", 1)[0].count(",")
    target.write_bytes((title + "," * width + "\n" + "," * width + "\n" + text).encode(encoding))
    return target


def _report(*argv: str) -> tuple[int, dict[str, Any]]:
    code, out, err = run(*argv, "--format", "json")
    assert code in (0, 1), err
    return code, json.loads(out)


@pytest.mark.parametrize("engine", ["reference", "duckdb"])
def test_records_below_a_title_are_read_as_without_it(tmp_path: Path, engine: str) -> None:
    """Was: refused, "row 1 is not the header: row 3 is". The verdicts are the
    ones of the files without the title, and a rejected row is named by its
    line in the file (two more than without the title rows)."""
    register = tmp_path / "plain_register.csv"
    shutil.copy(SAMPLES / "register.csv", register)
    with register.open("a", encoding="utf-8") as out:
        out.write("ZZ01,无类别,芝罘区,,medium,large,2020-01-01,,,,\n")
    log = SAMPLES / "inspections.csv"
    titled_register = _titled(
        register, tmp_path / "register.csv", "烟台市食品生产企业名录（2024年）"
    )
    titled_log = _titled(log, tmp_path / "log.csv", "检查记录（2024年）", "gb18030")
    plain = ["check", BOOK, *records_options(register, log), "--engine", engine]
    titled = ["check", BOOK, *records_options(titled_register, titled_log)]
    code, before = _report(*plain)
    again, after = _report(*titled, "--engine", engine)
    assert again == code
    assert [r["verdict"] for r in after["results"]] == [r["verdict"] for r in before["results"]]
    last = len(register.read_text(encoding="utf-8").splitlines())
    text = json.dumps(after, ensure_ascii=False)
    assert f"row {last + 2}, column 'category'" in text, text[:3000]
    assert "header found in row 3" in text, text[:3000]


def test_records_below_a_title_in_an_xlsx_sheet(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["烟台市食品生产企业名录（2024年）"])
    sheet.merge_cells("A1:D1")
    sheet.append([])
    sheet.append(["unit", "name", "category", "registered"])
    sheet.append(["IF01", "甲", "infant_formula_maker", "2020-01-01"])
    sheet.append(["IF02", "乙", "", "2020-01-01"])
    book.save(tmp_path / "register.xlsx")
    register = qrules.read_register(tmp_path / "register.xlsx")
    assert [u.unit for u in register.units] == ["IF01"]
    [problem] = register.problems
    assert problem.where == "row 5, column 'category'"


def test_a_title_is_never_taken_for_a_header(tmp_path: Path) -> None:
    """A row below that names not every required column is no header: the
    register is refused, naming the columns missing."""
    path = tmp_path / "register.csv"
    path.write_text("名录,,\nunit,name,类别\nIF01,甲,infant_formula_maker\n", encoding="utf-8")
    code, out, err = run("check", BOOK, "--register", str(path))
    assert (code, out) == (2, "")
    assert "no 'category' column" in err, err
    assert "header found" not in err


def test_a_frame_whose_first_row_is_its_header(tmp_path: Path) -> None:
    """A DataFrame read with ``header=None`` (its columns 0, 1, 2, the header
    in its first row): read from it, as a sheet of figures is."""
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame([["名录", None], ["unit", "category"], ["IF01", "infant_formula_maker"]])
    register = qrules.read_register(frame)
    assert [u.unit for u in register.units] == ["IF01"]


# -- 3. --log-until as a date cell is written ----------------------------------------------------


@pytest.mark.parametrize(
    "written", ["2024/12/31", "2024年12月31日", "2024.12.31", "20241231", "２０２４－１２－３１"]
)
def test_a_declared_end_reads_as_a_date_cell(tmp_path: Path, written: str) -> None:
    """Was: "'2024/12/31' is not a date written YYYY-MM-DD"."""
    argv = ["check", BOOK, "--register", str(SAMPLES / "register.csv")]
    argv += ["--log", str(SAMPLES / "inspections.csv"), "--format", "json"]
    code, out, err = run(*argv, "--log-until", written)
    assert code in (0, 1), err
    again, same, _ = run(*argv, "--log-until", "2024-12-31")
    assert (code, out) == (again, same)
    register = qrules.read_register(SAMPLES / "register.csv")
    log = qrules.read_log(SAMPLES / "inspections.csv", register)
    book = qrules.load(BOOK)
    assert [r.verdict for r in qrules.evaluate_records(book, register, log, log_until=written)] == [
        r.verdict for r in qrules.evaluate_records(book, register, log, log_until="2024-12-31")
    ]


def test_a_declared_end_that_is_no_day_is_refused() -> None:
    code, _, err = run(
        "check", BOOK, "--register", str(SAMPLES / "register.csv"), "--log",
        str(SAMPLES / "inspections.csv"), "--log-until", "2024/2/30",
    )  # fmt: skip
    assert code == 2
    assert "2024/2/30" in err, err


# -- 4. DuckDB's name for a second column of a name ------------------------------------------------


def _frames(kind: str) -> tuple[Any, Any]:
    units, categories, others = ["IF01", "IF02"], ["infant_formula_maker"] * 2, ["IF09", "IF08"]
    if kind == "pandas":
        pd = pytest.importorskip("pandas")
        frame = pd.DataFrame({"unit": units, "category": categories})
        frame.insert(2, "Unit", others)
    elif kind == "polars":
        pl = pytest.importorskip("polars")
        frame = pl.DataFrame({"unit": units, "category": categories, "UNIT": others})
    else:
        pa = pytest.importorskip("pyarrow")
        frame = pa.table([units, categories, others], names=["unit", "category", "unit"])
    pa = pytest.importorskip("pyarrow")
    log = pa.table({"unit": ["IF01"], "date": ["2024-05-01"], "kind": ["system"]})
    return frame, log


@pytest.mark.parametrize("kind", ["pandas", "polars", "arrow"])
def test_a_registered_frame_with_two_unit_columns_is_refused(kind: str) -> None:
    """Was: judged on the first, DuckDB having named the second ``Unit_1``."""
    duckdb = pytest.importorskip("duckdb")
    frame, log = _frames(kind)
    with pytest.raises(qrules.DataError, match="all give 'unit'"):
        qrules.read_register(frame)
    connection = duckdb.connect()
    connection.register("register", frame)
    connection.register("inspections", log)
    with pytest.raises(qrules.DataError) as raised:
        qrules.evaluate_tables(qrules.load(BOOK), connection)
    message = str(raised.value)
    assert "DuckDB names" in message, message
    assert "_1'" in message, message


def test_a_csv_file_with_two_unit_columns_read_by_duckdb_is_refused(tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    path = tmp_path / "register.csv"
    path.write_text("unit,category,Unit\nIF01,infant_formula_maker,IF09\n", encoding="utf-8")
    connection = duckdb.connect()
    connection.execute(f"CREATE TABLE register AS SELECT * FROM read_csv('{path}')")
    connection.execute("CREATE TABLE inspections (unit TEXT, date DATE, kind TEXT)")
    with pytest.raises(qrules.DataError, match="'unit' and 'Unit_1'"):
        qrules.evaluate_tables(qrules.load(BOOK), connection)


def test_a_column_of_another_name_beside_is_read() -> None:
    duckdb = pytest.importorskip("duckdb")
    connection = duckdb.connect()
    connection.execute(
        "CREATE TABLE register AS SELECT 'IF01' AS unit, 'infant_formula_maker' AS category,"
        " 'x' AS unit_code"
    )
    connection.execute("CREATE TABLE inspections (unit TEXT, date DATE, kind TEXT)")
    assert qrules.evaluate_tables(qrules.load(BOOK), connection).results


# -- 5. a CSV file's lines without a StringIO of the whole ---------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet='ab,"\r\n', max_size=60), st.integers(1, 8))
def test_the_lines_are_a_stringios(text: str, size: int) -> None:
    old = _tabular._LINES_AT_ONCE
    _tabular._LINES_AT_ONCE = size
    try:
        assert list(_tabular._text_lines(text)) == list(io.StringIO(text, newline=""))
    finally:
        _tabular._LINES_AT_ONCE = old


def test_reading_a_csv_file_takes_not_four_times_its_text(tmp_path: Path) -> None:
    """A StringIO of the whole text held it four bytes a character: reading
    a 4 MB register took 16 MB more than its text."""
    path = tmp_path / "register.csv"
    row = "IF{:06d},infant_formula_maker\n"
    path.write_text("unit,category\n" + "".join(row.format(i) for i in range(150_000)), "utf-8")
    size = path.stat().st_size
    tracemalloc.start()
    try:
        table = _tabular.open_table(path)
        for _ in table.rows:
            pass
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 3 * size, (peak, size)


_NAMES = st.text(st.sampled_from("uUnNiItT_1٣²ſsSkK\u212a"), min_size=1, max_size=8)
#: Names and, often, a name again in another case with ``_`` and digits.
_HEADERS = st.lists(_NAMES, min_size=1, max_size=4, unique=True).flatmap(
    lambda names: st.lists(
        st.sampled_from(names).flatmap(
            lambda n: st.tuples(
                st.sampled_from([n, n.upper(), n.lower(), n.swapcase()]),
                st.text(st.sampled_from("1٣²x_"), min_size=1, max_size=3),
            ).map(lambda p: f"{p[0]}_{p[1]}")
        ),
        max_size=3,
    ).map(lambda twins: list(dict.fromkeys([*names, *twins])))
)


@settings(max_examples=300, deadline=None)
@given(_HEADERS, st.data())
def test_the_renamed_twins_are_those_of_a_pattern_for_each_column(
    header: list[str], data: st.DataObject
) -> None:
    """A header's twins found without a pattern compiled for names that cannot
    be one are those that each column's pattern finds (Unicode digits, names
    equal in another case, the long s and the Kelvin sign included)."""
    import re  # noqa: PLC0415

    from qrules.engines import _renamed_twins  # noqa: PLC0415

    read = data.draw(st.lists(st.sampled_from(range(len(header))), unique=True, min_size=1))
    positions = {f"c{i}": p for i, p in enumerate(read)}
    expected = [
        (header[p], h)
        for p in positions.values()
        for h in header
        if re.compile(re.escape(header[p]) + r"_\d+", re.IGNORECASE).fullmatch(h)
    ]
    found = _renamed_twins("t", header, positions)
    assert len(found) == len(expected)
    for problem, (column, twin) in zip(found, expected, strict=True):
        assert f"'{column}'" in str(problem)
        assert f"'{twin}'" in str(problem)
