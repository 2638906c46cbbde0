"""The column-wise readers (`qrules._columns`) against the row readers, their oracle.

Messy office files (every documented value form, every reason to reject a row,
misaligned and blank rows, repeated ids, CSV in UTF-8, UTF-8 with a BOM,
GB18030 and UTF-16, with each delimiter and line ending, ``.xlsx`` and Parquet
with typed columns) must give the same register and log both ways: the same
units and inspections, the same rows rejected with the same row numbers and
reasons, the same notes, the same errors.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qrules
from qrules import DataError, _columns
from qrules._limits import MAX_CSV_FIELD_CHARS
from qrules.engines._staging import LOG_TYPES, arrow, staged
from qrules.records import read as _records

pa = pytest.importorskip("pyarrow")
parquet = pytest.importorskip("pyarrow.parquet")

MAPPING = {
    "register": {
        "columns": {
            "unit": ["统一社会信用代码", "信用代码"],
            "category": "主体业态",
            "registered": "发证日期",
        },
        "codes": {
            "category": {"婴幼儿配方乳粉生产": "infant_formula_maker"},
            "risk_level": {"A": "low", "C": "high"},
            "internet_bright_kitchen": {"已接入": True, "Pending": False},
        },
    },
    "log": {
        "columns": {"unit": "统一社会信用代码", "date": "检查日期"},
        "codes": {"kind": {"体系检查": "system"}, "result": {"符合": "compliant"}},
    },
}

IDS = [
    "U1",
    "U2",
    "u1",
    "单位3",
    "Ｕ１",
    " U2 ",
    "U 4",
    "U\u30001",
    "U5\u00a0",
    "",
    "—",
    "NA",
    "null",
    "ｕ２",
    "U1\x1c",
    "甲\u0301",
    "#N/A",  # Excel's error values as text (session 14), and one that is none
    " #ref! ",
    "#1",
]
DATES = [
    "2024-03-05",
    "2024/3/5",
    "2024.3.5",
    "2024年3月5日",
    "2024 年 3 月 5 号",
    "20240305",
    "２０２４－０３－０５",
    "2024-03-05 14:30",
    "2024-03-05T14:30:05+08:00",
    "2024-03-05 14:30:05.5Z",
    "45356",
    "45356.5",
    "2024-02-30",
    "2020-01-01 anything",
    "2024-03-05 上午",
    "2024-03-05T00:00",
    "",
    "—",
    "-",
    "暂无",
    "9999",
    "1899-01-01",
    "2024-13-01",
    "2023-06-01",
    "2025-12-31",
    "2027-01-01",
    "1000",
    "110576",
    " 2024-01-02 ",
    "2024-1-2",
    "#VALUE!",
]
VALUES = {
    "unit": IDS,
    "name": [
        "甲乳业",
        "",
        "Name 1",
        "ｎａｍｅ",
        "无",
        " 乙 ",
        "甲,乙",
        'say "hi"',
        "a\nb",
        "x;\ty",
        "#NAME?",
        "＃ｎ/ａ",
        "#1号",
    ],
    "district": ["芝罘区", "", "A", " A ", "Ａ", "#N/A", "#GETTING_DATA"],
    "category": [
        "catering",
        "central_kitchen",
        "infant_formula_maker",
        "婴幼儿配方乳粉生产",
        "other_code",
        "",
        "无",
        "ＣＡＴＥＲＩＮＧ",
        "catering ",
        "#REF!",
        "#ref!",
    ],
    "risk_level": ["low", "medium", "high", "A", "C", "X", "", "HIGH", "ｌｏｗ", "#N/A"],
    "size": ["small", "large", "huge", "", "#NUM!"],
    "registered": DATES,
    "closed": DATES,
    "internet_bright_kitchen": [
        "是",
        "否",
        "Y",
        "TRUE",
        "接入中",
        "",
        "1",
        "0",
        "已接入",
        "√",
        "pending",
        "无",
        "yes ",
        "#N/A",
    ],
    "bright_kitchen": ["是", "否", "", "maybe", "#VALUE!"],
    "date": DATES,
    "kind": ["system", "routine", "体系检查", "bogus", "", "SYSTEM", "follow_up", "#N/A"],
    "result": ["compliant", "符合", "non_compliant", "", "nope", "#DIV/0!"],
    "inspection": ["I1", "I2", "I3", "", "Ｉ１", "I2 ", "#REF!", "#2"],
    "remark": ["", "x", "备注", '"', 'a"b', "c\rd"],
}
REGISTER_HEADERS = [
    "unit",
    "name",
    "district",
    "category",
    "risk_level",
    "size",
    "registered",
    "closed",
    "internet_bright_kitchen",
    "bright_kitchen",
    "remark",
]
LOG_HEADERS = ["inspection", "unit", "date", "kind", "result", "remark"]
MAPPED = {
    "unit": "统一社会信用代码",
    "category": "主体业态",
    "registered": "发证日期",
    "date": "检查日期",
}


@st.composite
def sheets(
    draw: st.DrawFn, headers: list[str], required: tuple[str, ...]
) -> tuple[list[str], list[list[str]]]:
    """A header (some columns left out, renamed as a mapping names them, spelled
    otherwise, or given twice) and rows of messy cells (misaligned, blank)."""
    chosen = [
        h
        for h in headers
        if (h in required and draw(st.integers(0, 30)) > 0)
        or (h not in required and draw(st.booleans()))
    ]
    if draw(st.integers(0, 20)) == 0 and chosen:
        chosen.append(draw(st.sampled_from(chosen)))  # a column given twice
    columns = list(draw(st.permutations(chosen)))
    header = [
        MAPPED[c]
        if c in MAPPED and draw(st.booleans())
        else c.upper()
        if draw(st.integers(0, 8)) == 0
        else c
        for c in columns
    ]
    rows = []
    for _ in range(draw(st.integers(0, 14))):
        shape = draw(st.integers(0, 20))
        if shape == 0:
            rows.append([])  # a blank line
            continue
        row = [draw(st.sampled_from(VALUES[c])) for c in columns]
        if shape == 1:
            row = row[: draw(st.integers(0, max(len(row) - 1, 0)))]  # cells lost
        elif shape == 2:
            row += [
                draw(st.sampled_from(["", "", "x", " "])) for _ in range(draw(st.integers(1, 2)))
            ]
        elif shape == 3:
            row = [""] * len(row)
        rows.append(row)
    return header, rows


def _csv_bytes(
    header: list[str],
    rows: list[list[str]],
    delimiter: str,
    ending: str,
    encoding: str,
    quoted: str,
) -> bytes:
    """``quoted``: ``all`` fields, the ``header``'s only (as pyarrow writes a
    file), or those that need it (``minimal``)."""
    out = io.StringIO()
    every = csv.writer(out, delimiter=delimiter, lineterminator=ending, quoting=csv.QUOTE_ALL)
    minimal = csv.writer(out, delimiter=delimiter, lineterminator=ending)
    (minimal if quoted == "minimal" else every).writerow(header)
    (every if quoted == "all" else minimal).writerows(rows)
    text = out.getvalue()
    if encoding == "utf-8-bom":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    if encoding == "utf-16":
        return text.encode("utf-16")
    return text.encode(encoding)


def _typed(column: str, cells: list[str], how: int) -> Any:
    """A Parquet column: text as written, or typed as a program would store it."""
    if how == 0 or column in ("name", "remark", "district"):
        return pa.array([c or None for c in cells], pa.string())
    if column in ("registered", "closed", "date"):
        if how == 1:
            return pa.array(
                [
                    dt.date(2020 + i % 6, 1 + i % 12, 1 + i % 28) if c else None
                    for i, c in enumerate(cells)
                ],
                pa.date32(),
            )
        if how == 2:
            return pa.array(
                [45_000 + 97 * i if c else None for i, c in enumerate(cells)], pa.int64()
            )
        return pa.array(
            [float(45_000 + i) + 0.25 if c else float("nan") for i, c in enumerate(cells)],
            pa.float64(),
        )
    if how == 1:
        return pa.array(
            [Decimal(10) ** 31 if c == "" else Decimal(i) for i, c in enumerate(cells)],
            pa.decimal128(38, 0),
        )
    if how == 2:
        return pa.array([i % 3 if c else None for i, c in enumerate(cells)], pa.int64())
    return pa.array([c == "是" for c in cells], pa.bool_())


@st.composite
def files(
    draw: st.DrawFn,
    tmp: Path,
    stem: str,
    headers: list[str],
    required: tuple[str, ...],
    forms: tuple[str, ...] = ("csv", "csv", "csv", "csv", "parquet", "xlsx"),
) -> Path:
    header, rows = draw(sheets(headers, required))
    form = draw(st.sampled_from(forms))
    if form == "csv":
        path = tmp / f"{stem}.{draw(st.sampled_from(['csv', 'tsv', 'txt']))}"
        path.write_bytes(
            _csv_bytes(
                header,
                rows,
                draw(st.sampled_from([",", "\t", ";"])),
                draw(st.sampled_from(["\n", "\r\n", "\r"])),
                draw(st.sampled_from(["utf-8", "utf-8-bom", "gb18030", "utf-16"])),
                draw(st.sampled_from(["minimal"] * 4 + ["all", "header"])),
            )
        )
        return path
    width = len(header)
    rows = [(r + [""] * width)[:width] for r in rows]  # a table has no ragged rows
    if form == "parquet":
        if len(set(header)) != len(header):
            header = [f"{h}{i}" if h in header[:i] else h for i, h in enumerate(header)]
        columns = [
            _typed(h, [r[i] for r in rows], draw(st.integers(0, 4)) // 2)
            for i, h in enumerate(header)
        ]
        path = tmp / f"{stem}.parquet"
        parquet.write_table(pa.table(columns, names=header), path)
        return path
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:  # a worksheet holds no control characters
        sheet.append([c.replace("\x1c", "") for c in row])
    path = tmp / f"{stem}.xlsx"
    book.save(path)
    return path


def _outcome(read: Any) -> Any:
    try:
        table = read()
    except DataError as error:
        return ("error", str(error)), None
    return (
        tuple(table.rows),
        table.rows_read,
        table.rows_rejected,
        table.problems,
        table.notes,
        table.rejected,
    ), table


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_both_readers_read_the_same(tmp_path: Path, data: st.DataObject) -> None:
    register_file = data.draw(files(tmp_path, "register", REGISTER_HEADERS, ("unit", "category")))
    log_file = data.draw(files(tmp_path, "log", LOG_HEADERS, ("unit", "date")))
    mapping = MAPPING if data.draw(st.booleans()) else None
    expected, register = _outcome(lambda: _records.read_register(register_file, mapping=mapping))
    found, columns = _outcome(lambda: _columns.read_register(register_file, mapping=mapping))
    assert found == expected
    if register is None:
        return
    assert len(columns.rows) == len(register.rows)
    expected, _ = _outcome(lambda: _records.read_log(log_file, register, mapping=mapping))
    found, _ = _outcome(lambda: _columns.read_log(log_file, columns, mapping=mapping))
    assert found == expected


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
@pytest.mark.parametrize("library", ["polars", "pandas"])
def test_a_data_frame_is_read_as_columns_as_its_rows_are(
    tmp_path: Path, data: st.DataObject, library: str
) -> None:
    """A polars or pandas DataFrame (typed columns as a program stores them) is
    read as Arrow columns, with the row reader's results (its oracle); some
    rows dropped, as a filter leaves a pandas frame's index."""
    module = pytest.importorskip(library)
    parquet_only = ("parquet",)
    register_file = data.draw(
        files(tmp_path, "register", REGISTER_HEADERS, ("unit", "category"), parquet_only)
    )
    log_file = data.draw(files(tmp_path, "log", LOG_HEADERS, ("unit", "date"), parquet_only))
    frames = module.read_parquet(register_file), module.read_parquet(log_file)
    if library == "pandas" and data.draw(st.booleans()):
        frames = frames[0].iloc[::2], frames[1].iloc[1::2]
    mapping = MAPPING if data.draw(st.booleans()) else None
    expected, register = _outcome(lambda: _records.read_register(frames[0], mapping=mapping))
    found, columns = _outcome(lambda: _columns.read_register(frames[0], mapping=mapping))
    assert found == expected
    if register is None:
        return
    # (A pandas column of Python objects other than text, dates or flags, a
    # Decimal, is the row reader's.)
    assert isinstance(columns.rows, _columns.ColumnRows) or library == "pandas"
    expected, _ = _outcome(lambda: _records.read_log(frames[1], register, mapping=mapping))
    found, _ = _outcome(lambda: _columns.read_log(frames[1], columns, mapping=mapping))
    assert found == expected


def _pandas_frames() -> dict[str, Any]:
    pd = pytest.importorskip("pandas")
    np = pytest.importorskip("numpy")
    two = ["catering", "catering"]
    return {
        "gaps": pd.DataFrame(
            {"unit": ["A", np.nan], "category": two, "registered": ["2020-02-30", np.nan]}
        ),
        "zoned": pd.DataFrame(
            {
                "unit": ["A", "B"],
                "category": two,
                "registered": pd.to_datetime(["2020-01-01", None]).tz_localize("Asia/Shanghai"),
            }
        ),
        "nullable": pd.DataFrame(
            {
                "unit": pd.array(["A", None], dtype="string"),
                "category": two,
                "bright_kitchen": pd.array([True, None], dtype="boolean"),
                "size": pd.array([1, None], dtype="Int64"),
            }
        ),
        "numbers": pd.DataFrame({"unit": [1.0, 2.5], "category": two, "registered": [45000.0, 0]}),
        "mixed": pd.DataFrame({"unit": ["A", 1], "category": two}),  # (Arrow holds no such column)
        "categorical": pd.DataFrame({"unit": ["A", "B"], "category": pd.Categorical(two)}),
        "named index": pd.DataFrame({"category": two}, index=pd.Index(["A", "B"], name="unit")),
        "twice": pd.DataFrame([["A", "catering", "B"]], columns=["unit", "category", "unit"]),
        # Aware datetimes of two zones, one column of objects: Arrow would make
        # them one zone's, and 2024-12-31 20:00 in New York a day later.
        "zones": pd.DataFrame(
            {
                "unit": ["A", "B"],
                "category": two,
                "registered": [
                    dt.datetime(2024, 1, 1, 7, 30, tzinfo=ZoneInfo("Asia/Shanghai")),
                    dt.datetime(2024, 12, 31, 20, tzinfo=ZoneInfo("America/New_York")),
                ],
            }
        ),
        "ints and floats": pd.DataFrame({"unit": [1, 2.5], "category": two}, dtype=object),
        "text and dates": pd.DataFrame(
            {"unit": ["A", "B"], "category": two, "registered": [dt.date(2020, 1, 1), None]}
        ),
    }


@pytest.mark.parametrize("case", list(_pandas_frames()))
def test_a_pandas_frame_is_read_as_its_rows_are(case: str) -> None:
    frame = _pandas_frames()[case]
    found, columns = _outcome(lambda: _columns.read_register(frame))
    assert found == _outcome(lambda: _records.read_register(frame))[0]
    rowwise = case in ("mixed", "categorical", "named index", "zones", "ints and floats")
    assert columns is None or isinstance(columns.rows, _columns.ColumnRows) != rowwise


def test_text_held_as_views_is_read_as_text() -> None:
    """Arrow's string views (polars' and DuckDB's newer output): before, the
    column reader refused the table as "not a readable Parquet or Arrow file"."""
    views = pa.table(
        {
            "unit": pa.array(["U1", "U2", None], pa.string_view()),
            "category": pa.array(["catering", "nothing", "catering"], pa.string_view()),
            "registered": pa.array(["2020-01-01", "2020-13-01", None], pa.string_view()),
        }
    )
    register = _columns.read_register(views)
    assert isinstance(register.rows, _columns.ColumnRows)
    plain = views.cast(pa.schema([(n, pa.string()) for n in views.column_names]))
    assert _outcome(lambda: register)[0] == _outcome(lambda: _records.read_register(plain))[0]
    assert register.rows_rejected == 2


def test_csv_files_are_read_as_columns(tmp_path: Path) -> None:
    """The common case is not left to the row reader: clean rows stay columns,
    in UTF-8 and GB18030 alike, and a bad row is the row reader's alone."""
    for encoding in ("utf-8", "gb18030"):
        path = tmp_path / f"register-{encoding}.csv"
        path.write_bytes(
            "unit,name,category,registered\nU1,甲乳业,catering,2024-01-01\n"
            "U2,乙乳业,catering,2024-02-30\nU3,丙,catering,\n".encode(encoding)
        )
        register = _columns.read_register(path)
        assert isinstance(register.rows, _columns.ColumnRows)
        assert [u.unit for u in register.units] == ["U1", "U3"]
        assert register.problems == _records.read_register(path).problems
        log = tmp_path / f"log-{encoding}.csv"
        log.write_bytes("unit,date\nU1,2024-03-01\nU2,2024-03-02\n".encode(encoding))
        read = _columns.read_log(log, register)
        assert isinstance(read.rows, _columns.ColumnRows)
        assert read.problems == _records.read_log(log, _records.read_register(path)).problems


def test_quoted_csv_files(tmp_path: Path) -> None:
    """Whole quoted fields are read as columns; other quoting (a quoted line
    break, a quotation mark inside a field) is the row reader's, whole file."""
    path = tmp_path / "register.csv"
    path.write_text('"unit","name","category"\nU1,"甲,""乳业""",catering\n', encoding="utf-8")
    register = _columns.read_register(path)
    assert isinstance(register.rows, _columns.ColumnRows)
    assert register == _records.read_register(path)
    assert register.units[0].name == '甲,"乳业"'
    for text in (
        'unit,name,category\nU1,"甲\n乳业",catering\n',
        'unit,name,category\nU1,甲"乳业,catering\n',
    ):
        path.write_text(text, encoding="utf-8")
        register = _columns.read_register(path)
        assert not isinstance(register.rows, _columns.ColumnRows)
        assert register == _records.read_register(path)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_quoted_header_alone_is_read_as_columns(tmp_path: Path, encoding: str) -> None:
    """Quotation marks in the header line only (as pyarrow and some databases
    write a file): the header alone is looked at, the rows are read as columns;
    a header whose quotation marks are not whole fields is the row reader's."""
    path = tmp_path / "register.csv"
    rows = "U1,甲,catering\nU2,乙,catering\nU1,丙,catering\n"
    path.write_bytes(f'"unit","name",category\n{rows}'.encode(encoding))
    register = _columns.read_register(path)
    assert isinstance(register.rows, _columns.ColumnRows)
    assert register == _records.read_register(path)
    assert [u.name for u in register.units] == ["甲", "乙"]  # the repeated U1 rejected
    for header in ('unit,na"me,category', '"unit","name"x,category', '"unit,"name",category'):
        path.write_bytes(f"{header}\r\n{rows}".encode(encoding))
        assert _outcome(lambda: _columns.read_register(path)) == _outcome(
            lambda: _records.read_register(path)
        )
    path.write_bytes(f'"unit","name",category\n{rows}U3,"丁\n",catering\n'.encode(encoding))
    assert not isinstance(_columns.read_register(path).rows, _columns.ColumnRows)


def _judged(evaluation: Any) -> list[Any]:
    return [
        (
            r.rule.id,
            r.year,
            r.district,
            r.verdict,
            r.observed,
            r.population,
            r.meeting,
            r.reason,
            r.failing_units,
            r.rejected_rows,
        )
        for r in evaluation.results
    ]


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_records_read_as_columns_are_judged_the_same(tmp_path: Path, data: st.DataObject) -> None:
    """Never a false pass: the rows read column-wise, counted on DuckDB from their
    Arrow columns, give the reference engine's results on the rows read row by
    row; the rejected rows bound the counts the same way."""
    pytest.importorskip("duckdb")
    register_file = data.draw(files(tmp_path, "register", REGISTER_HEADERS, ("unit", "category")))
    log_file = data.draw(files(tmp_path, "log", LOG_HEADERS, ("unit", "date")))
    try:
        register = _records.read_register(register_file, mapping=MAPPING)
        log = _records.read_log(log_file, register, mapping=MAPPING)
    except DataError:
        return
    columns = _columns.read_register(register_file, mapping=MAPPING)
    columns_log = _columns.read_log(log_file, columns, mapping=MAPPING)
    rulebook = qrules.load("yantai-2023-2025")
    options: dict[str, Any] = {
        "log_until": "2025-12-31",
        "log_from": "2023-01-01",
        "by_district": True,
    }
    expected = qrules.evaluate_records(rulebook, register, log, **options)
    assert _judged(
        qrules.evaluate_records(rulebook, columns, columns_log, engine="duckdb", **options)
    ) == _judged(expected)
    assert _judged(qrules.evaluate_records(rulebook, columns, columns_log, **options)) == _judged(
        expected
    )


def test_a_column_arrow_cannot_count_is_the_row_readers(tmp_path: Path) -> None:
    """A Parquet column of a type Arrow's kernels do not take (a list) is read
    by the row reader, whole file: the same register, never a crash."""
    path = tmp_path / "register.parquet"
    parquet.write_table(
        pa.table(
            {
                "unit": ["U1", "U2"],
                "category": ["catering", "catering"],
                "remark": pa.array([[1], [2]]),
            }
        ),
        path,
    )
    register = _columns.read_register(path)
    assert not isinstance(register.rows, _columns.ColumnRows)
    assert register == _records.read_register(path)


def test_rows_of_some_units(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text("unit,date\nU1,2024-01-01\nU2,2024-01-02\nU1,2024-01-03\n", encoding="utf-8")
    register = _columns.read_register([{"unit": u, "category": "catering"} for u in ("U1", "U2")])
    log = _columns.read_log(path, register)
    assert isinstance(log.rows, _columns.ColumnRows)
    assert log.rows.of_units({"U1"}) == tuple(i for i in log.rows if i.unit == "U1")


def test_many_other_categories_are_noted_alike(tmp_path: Path) -> None:
    """More than ten non-canonical categories: the note ("… N more") is the row
    reader's in both languages."""
    path = tmp_path / "register.csv"
    path.write_text(
        "unit,category\n" + "".join(f"U{i},code{i}\n" for i in range(12)), encoding="utf-8"
    )
    expected = _records.read_register(path).notes
    found = _columns.read_register(path).notes
    assert found == expected
    assert "另有 2 个" in found[-1].zh


def test_row_numbers_with_or_without_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Row numbers are numpy's when it is there (pyarrow no longer needs it), else Arrow's."""
    expected = list(range(2, 2 + 1000))
    assert _columns._arange(2, 1000).to_pylist() == expected
    monkeypatch.setitem(sys.modules, "numpy", None)
    assert _columns._arange(2, 1000).to_pylist() == expected
    assert _columns._arange(5, 0).to_pylist() == []


@pytest.mark.parametrize("chosen", [None, "system", "mimalloc"])
def test_the_command_line_reads_files_with_an_allocator_giving_memory_back(
    tmp_path: Path, chosen: str | None
) -> None:
    """`qrules check --register R.csv` gives Arrow jemalloc told to purge at
    once (the C library's allocator where pyarrow has no jemalloc): both
    return freed memory; unless the process chose an allocator itself."""
    (tmp_path / "r.csv").write_text("unit,category\nU1,catering\n", encoding="utf-8")
    (tmp_path / "l.csv").write_text("unit,date\nU1,2024-01-02\n", encoding="utf-8")
    script = (
        "import sys, pyarrow, qrules.cli\n"
        "try:\n"
        "    qrules.cli.main(['check', 'yantai-2023-2025', '--register', sys.argv[1],"
        " '--log', sys.argv[2], '--engine', 'reference', '--format', 'json'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(pyarrow.default_memory_pool().backend_name, file=sys.stderr)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    if chosen is not None:
        env["ARROW_DEFAULT_MEMORY_POOL"] = chosen
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "r.csv"), str(tmp_path / "l.csv")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    try:
        pa.jemalloc_memory_pool()
        lean = "jemalloc"
    except NotImplementedError:
        lean = "system"
    assert done.stderr.strip().splitlines()[-1] == (chosen or lean), done.stderr


def test_staged_tables_are_named_the_same_run_after_run() -> None:
    """The tables an engine loads records into take the smallest number no
    evaluation of the process is using: the same names every run (the text of
    the queries generated over them is kept between runs), never two
    evaluations' at once."""
    register = _columns.read_register([{"unit": "U1", "category": "catering"}])
    with staged(register, None) as first:
        assert [name for name, *_ in first] == ["qrules_register_1"]
        with staged(register, None) as second:
            assert [name for name, *_ in second] == ["qrules_register_2"]
    with staged(register, None) as again:
        assert [name for name, *_ in again] == ["qrules_register_1"]
    with pytest.raises(RuntimeError), staged(register, None):
        raise RuntimeError
    with staged(register, None) as after_error:
        assert after_error[0][0] == "qrules_register_1"


@settings(max_examples=80, deadline=None)
@given(
    values=st.lists(
        st.sampled_from(["I1", "I2", "J1", "单位1", "单位", "x", "12", "22", "2", "I1 "])
        | st.text(max_size=3),
        max_size=40,
    ),
    part=st.integers(1, 6),
)
def test_values_given_twice_are_found_part_by_part(values: list[str], part: int) -> None:
    """A long column is looked at in parts split by the values' last byte: the
    values given more than once are those of the whole column, whatever the
    parts (an empty value: the column whole)."""
    found = _columns._given_twice(pa.chunked_array([values[:7], values[7:]], pa.string()), part)
    expected = {v for v in values if values.count(v) > 1}
    assert (set(found.to_pylist()) if found is not None else set()) == expected
    assert found is None or len(found) == len(expected)


def test_codes_dates_and_flags_are_read_dictionary_encoded(tmp_path: Path) -> None:
    """A CSV file's columns of few values (codes, dates, flags) are read
    dictionary-encoded, each value read once; the log keeps its kinds and
    results so (DuckDB reads them as text), and every value, rejection and
    reason is the row reader's, whether the column turns out to hold few
    values or many."""
    register = tmp_path / "register.csv"
    rows = [
        f"U{i},甲{i},{'catering' if i % 3 else '婴幼儿配方乳粉生产'},2020-01-{1 + i % 28:02d},"
        f"{'是' if i % 2 else 'pending'}\n"
        for i in range(3000)
    ]
    register.write_text(
        "unit,name,category,registered,internet_bright_kitchen\n" + "".join(rows),
        encoding="utf-8",
    )
    log = tmp_path / "log.csv"
    log.write_text(
        "inspection,unit,date,kind,result\n"
        + "".join(
            f"I{i},U{i % 3000},2024-{1 + i % 12:02d}-{1 + i % 28:02d},"
            f"{'体系检查' if i % 5 else f'kind{i}'},{'符合' if i % 7 else ' COMPLIANT '}\n"
            for i in range(6000)
        ),
        encoding="utf-8",
    )
    cells = _columns._cells(
        register,
        encoding=None,
        table=None,
        sheet=None,
        name=None,
        few=lambda header: frozenset({2, 3, 4}),
    )
    assert cells is not None
    assert [pa.types.is_dictionary(c.type) for c in cells.columns] == [
        False,
        False,
        True,
        True,
        True,
    ]
    expected = _records.read_register(register, mapping=MAPPING)
    found = _columns.read_register(register, mapping=MAPPING)
    assert isinstance(found.rows, _columns.ColumnRows)
    assert _outcome(lambda: found) == _outcome(lambda: expected)
    expected_log = _records.read_log(log, expected, mapping=MAPPING)
    found_log = _columns.read_log(log, found, mapping=MAPPING)
    assert isinstance(found_log.rows, _columns.ColumnRows)
    assert pa.types.is_dictionary(found_log.rows.table.schema.field("kind").type)
    assert _outcome(lambda: found_log) == _outcome(lambda: expected_log)
    assert found_log.rows_rejected >= 1200  # the kinds no code maps, at least


def test_a_long_cell_in_a_column_of_codes_is_the_row_readers(tmp_path: Path) -> None:
    """A cell longer than the csv module reads, in a column read
    dictionary-encoded: the whole file is the row reader's (which names it)."""
    path = tmp_path / "register.csv"
    path.write_text(
        f"unit,category\nU1,catering\nU2,{'c' * (MAX_CSV_FIELD_CHARS + 1)}\n", encoding="utf-8"
    )
    assert _outcome(lambda: _columns.read_register(path)) == _outcome(
        lambda: _records.read_register(path)
    )
    assert _outcome(lambda: _columns.read_register(path))[0][0] == "error"


def test_a_header_with_a_problem_is_named_as_the_row_reader_names_it(tmp_path: Path) -> None:
    """No column is read dictionary-encoded when the header cannot be read
    (a column given twice): the error is the row reader's, word for word."""
    path = tmp_path / "log.csv"
    path.write_text("unit,date,date\nU1,2024-01-01,2024-01-02\n", encoding="utf-8")
    register = _records.read_register([{"unit": "U1", "category": "catering"}])
    found = _outcome(lambda: _columns.read_log(path, register))
    assert found[0][0] == "error"
    assert found == _outcome(lambda: _records.read_log(path, register))


def test_staged_text_stays_dictionary_encoded_where_the_engine_reads_it() -> None:
    kinds = pa.chunked_array([pa.array(["system", None, "system"]).dictionary_encode()])
    columns = {"kind": kinds, "unit": ["U1", "U2", "U3"]}
    types = {"kind": LOG_TYPES["kind"], "unit": LOG_TYPES["unit"]}
    kept = arrow(columns, types)
    assert pa.types.is_dictionary(kept.schema.field("kind").type)
    decoded = arrow(columns, types, dictionaries=False)
    assert decoded.schema.field("kind").type == pa.string()
    assert decoded.column("kind").to_pylist() == kept.column("kind").to_pylist()
    assert _columns.python_values(kinds) == ["system", None, "system"]


def test_the_reference_engine_on_columns_imports_no_pandas(tmp_path: Path) -> None:
    """An Arrow call given a Python value (`pa.array`, a number) imports pandas
    to ask whether it is one: 40 MiB and 0.15 s the column-wise path avoids."""
    pytest.importorskip("pandas")
    (tmp_path / "r.csv").write_text(
        "unit,category,internet_bright_kitchen\nU1,catering,是\n", encoding="utf-8"
    )
    (tmp_path / "l.csv").write_text("unit,date\nU1,2024-01-02\n", encoding="utf-8")
    script = (
        "import sys, qrules.cli\n"
        "try:\n"
        "    qrules.cli.main(['check', 'yantai-2023-2025', '--register', sys.argv[1],"
        " '--log', sys.argv[2], '--engine', 'reference', '--format', 'json'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('pandas' in sys.modules, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "r.csv"), str(tmp_path / "l.csv")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.stderr.strip().splitlines()[-1] == "False", done.stderr


def test_a_register_and_its_log_read_together_are_read_as_apart(tmp_path: Path) -> None:
    """`read_records` parses the log's file while the register is read: the
    same register and log as `read_register` then `read_log`, and the same
    error first (the register's, else the log's, raised after the register
    is read)."""
    register = tmp_path / "register.csv"
    register.write_text("unit,category\nU1,catering\nU2,catering\nU2,x\n", encoding="utf-8")
    log = tmp_path / "log.csv"
    log.write_text("unit,date,kind\nU1,2024-01-02,system\nU3,2024-01-03,x\n", encoding="utf-8")
    alone = _columns.read_register(register, mapping=MAPPING)
    together = _columns.read_records(register, log, mapping=MAPPING)
    assert _outcome(lambda: together[0]) == _outcome(lambda: alone)
    assert _outcome(lambda: together[1]) == _outcome(
        lambda: _columns.read_log(log, alone, mapping=MAPPING)
    )
    assert _columns.read_records(register, None)[1] is None
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"unit,date\nU1,\x80\xff\x80\n")
    with pytest.raises(DataError) as log_error:
        _columns.read_log(broken, alone)
    with pytest.raises(DataError) as found:
        _columns.read_records(register, broken)
    assert str(found.value) == str(log_error.value)
    headless = tmp_path / "headless.csv"
    headless.write_text("name\nx\n", encoding="utf-8")
    with pytest.raises(DataError) as register_error:
        _columns.read_register(headless)
    with pytest.raises(DataError) as found:
        _columns.read_records(headless, broken)
    assert str(found.value) == str(register_error.value)


def test_parquet_columns_stored_dictionary_encoded_are_read_as_the_row_reader_reads_them(
    tmp_path: Path,
) -> None:
    """A Parquet file whose text columns are dictionary-encoded (pandas'
    categories; Arrow reads them so), a dictionary per row group, with missing
    cells, missing markers, values alike after NFKC and trimming, a value
    twice in one dictionary, and values that do not read: the column-wise
    reader's register and log are the row reader's."""

    def coded(at: list[int | None], values: list[str]) -> Any:
        return pa.DictionaryArray.from_arrays(pa.array(at, pa.int32()), pa.array(values))

    categories = ["婴幼儿配方乳粉生产", "catering", "", " catering ", "NA", "ｃａｔｅｒｉｎｇ"]
    categories.append("catering")  # (twice in the dictionary)
    dates = ["2020-01-01", "2020/1/2", "", "2020-02-30", "NA"]
    flags = ["是", "否", "", "接入中", "已接入"]
    register_file = tmp_path / "register.parquet"
    groups = [
        pa.table(
            {
                "unit": pa.array(["U1", "U2", "U3", "U4", "U5", "U6"]),
                "category": coded(at, categories),
                "registered": coded([0, 1, None, 2, 3, 4], dates),
                "internet_bright_kitchen": coded([0, 1, 2, None, 3, 4], flags),
            }
        )
        for at in ([0, 1, 2, 3, 4, 5], [None, 1, 1, 0, 5, 3], [6, 6, 1, 1, 2, 4])
    ]
    other = pa.table(
        {
            "unit": pa.array(["U7", "U8"]),
            "category": coded([0, 1], ["catering ", "Catering"]),
            "registered": coded([0, None], ["2021-01-01"]),
            "internet_bright_kitchen": coded([0, None], ["是"]),
        }
    )
    log_file = tmp_path / "log.parquet"
    parquet.write_table(
        pa.table(
            {
                "unit": coded([0, 1, 2, None, 3, 0], ["U1", "U2 ", "", "Ｕ1"]),
                "date": coded([0, 1, 2, 3, None, 0], ["2024-03-05", "2024/3/5", "", "2024-13-01"]),
                "kind": coded([0, 1, None, 2, 3, 0], ["system", "体系检查", "", "routine "]),
                "inspection": coded([0, 1, 2, 3, 4, 0], ["J1", "J2", "J3", "J4", "J5"]),
            }
        ),
        log_file,
    )
    compared = 0
    for group in groups:
        with parquet.ParquetWriter(register_file, group.schema) as writer:
            writer.write_table(group)
            writer.write_table(other)
        assert pa.types.is_dictionary(parquet.read_table(register_file).schema.field(1).type)
        for mapping in (None, MAPPING):
            expected, register = _outcome(
                functools.partial(_records.read_register, register_file, mapping=mapping)
            )
            found, columns = _outcome(
                functools.partial(_columns.read_register, register_file, mapping=mapping)
            )
            assert found == expected
            if register is None:
                continue
            expected, _ = _outcome(
                functools.partial(_records.read_log, log_file, register, mapping=mapping)
            )
            found, _ = _outcome(
                functools.partial(_columns.read_log, log_file, columns, mapping=mapping)
            )
            assert found == expected
            compared += 1
    assert compared  # (some registers read, their logs compared)
