"""Reading registers and logs as offices export them, and every bad row reported.

Every kind of source reads the same two units and three inspections; every
kind of bad row is rejected with its file, row and column, and the rows
reconcile: read = used + rejected.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import pytest

import qrules
from qrules.records.read import parse_date

REGISTER_CSV = (
    "unit,name,district,category,risk_level,size,registered,closed,bright_kitchen\n"
    "U1,甲餐厅,芝罘区,catering,high,large,2020-01-01,,是\n"
    "U2,乙餐厅,莱山区,catering,low,small,2024/3/5,,否\n"
)
LOG_CSV = (
    "unit,date,kind,result\nU1,2024-01-01,routine,compliant\nU1,2024年12月31日,system,\n"
    "U2,45356,special,non_compliant\n"
)


def check_register(register: qrules.Register) -> None:
    assert register.rows_read == 2
    assert register.rows_rejected == 0
    assert register.problems == ()
    one, two = register.units
    assert (one.unit, one.name, one.district, one.category, one.risk_level, one.size) == (
        "U1",
        "甲餐厅",
        "芝罘区",
        "catering",
        "high",
        "large",
    )
    assert one.flags == frozenset({"bright_kitchen"})
    assert two.flags == frozenset()
    assert (one.registered, one.closed) == (dt.date(2020, 1, 1), None)
    assert two.registered == dt.date(2024, 3, 5)


def check_log(log: qrules.InspectionLog) -> None:
    assert log.rows_read == log.rows_used == 3
    assert [(i.unit, i.date, i.kind, i.result) for i in log] == [
        ("U1", dt.date(2024, 1, 1), "routine", "compliant"),
        ("U1", dt.date(2024, 12, 31), "system", None),
        ("U2", dt.date(2024, 3, 5), "special", "non_compliant"),
    ]


# -- CSV and its encodings --------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "prefix", "note"),
    [
        ("utf-8", b"", None),
        ("utf-8", b"\xef\xbb\xbf", None),
        ("gbk", b"", "read as GB18030"),
        ("gb18030", b"", "read as GB18030"),
        ("utf-16-le", b"\xff\xfe", "read as UTF-16"),
    ],
    ids=["utf-8", "utf-8-bom", "gbk", "gb18030", "utf-16-bom"],
)
def test_csv_encodings_are_decided_over_the_whole_file(
    tmp_path: Path, encoding: str, prefix: bytes, note: str | None
) -> None:
    path = tmp_path / "register.csv"
    path.write_bytes(prefix + REGISTER_CSV.encode(encoding))
    register = qrules.read_register(path)
    check_register(register)
    notes = [n.en for n in register.notes]
    assert (note in notes) if note else not any(n.startswith("read as") for n in notes)


def test_a_late_gbk_character_still_decides_the_encoding(tmp_path: Path) -> None:
    # Only the last row is not UTF-8: the whole file is read as GB18030, not mixed.
    text = REGISTER_CSV.replace("乙餐厅", "乙") + "U3,丙餐厅,福山区,catering,,,,,\n"
    path = tmp_path / "register.csv"
    path.write_bytes(text.encode("utf-8")[:-20] + text[-20:].encode("gbk"))
    with pytest.raises(qrules.DataError):
        qrules.read_register(path)  # mixed bytes: neither encoding reads it all
    path.write_bytes(text.encode("gbk"))
    assert [u.name for u in qrules.read_register(path)] == ["甲餐厅", "乙", "丙餐厅"]


def test_encoding_can_be_given(tmp_path: Path) -> None:
    path = tmp_path / "register.csv"
    path.write_bytes(REGISTER_CSV.encode("utf-16-le"))  # no byte-order mark to tell
    check_register(qrules.read_register(path, encoding="utf-16-le"))
    with pytest.raises(qrules.DataError, match="unknown encoding 'nope'"):
        qrules.read_register(path, encoding="nope")
    path.write_bytes(REGISTER_CSV.encode("gbk"))
    with pytest.raises(qrules.DataError, match="not utf-8 at byte"):
        qrules.read_register(path, encoding="utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + REGISTER_CSV.encode("utf-8"))
    check_register(qrules.read_register(path, encoding="utf-8"))  # the mark is not a column


def test_tab_separated_and_blank_rows(tmp_path: Path) -> None:
    path = tmp_path / "register.tsv"
    path.write_text(REGISTER_CSV.replace(",", "\t").replace("\n", "\n\n", 1), encoding="utf-8")
    register = qrules.read_register(path)
    check_register(register)
    assert [u.row for u in register] == [3, 4]  # the blank row keeps its number, unread


def test_csv_log(tmp_path: Path) -> None:
    register = qrules.read_register(_write(tmp_path / "r.csv", REGISTER_CSV))
    check_log(qrules.read_log(_write(tmp_path / "l.csv", LOG_CSV), register))


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# -- spreadsheets, columnar files, DataFrames, databases ---------------------------


def _rows(text: str) -> list[dict[str, Any]]:
    lines = [line.split(",") for line in text.strip().split("\n")]
    return [dict(zip(lines[0], (c or None for c in line), strict=True)) for line in lines[1:]]


def test_xlsx_with_date_cells_and_serial_numbers(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["unit", "date", "kind", "result"])
    sheet.append(["U1", dt.datetime(2024, 1, 1, 9, 30), "routine", "compliant"])
    sheet.append(["U1", "2024年12月31日", "system", None])
    sheet.append(["U2", 45356, "special", "non_compliant"])  # an unformatted date cell
    sheet.append([None, None, None, None])
    other = book.create_sheet("other")
    other.append(["unit", "date"])
    path = tmp_path / "log.xlsx"
    book.save(path)
    register = qrules.read_register(_rows(REGISTER_CSV))
    check_log(qrules.read_log(path, register))
    assert qrules.read_log(path, register, sheet="other").rows_read == 0
    with pytest.raises(qrules.DataError, match="no sheet 'othre'"):
        qrules.read_log(path, register, sheet="othre")


def test_parquet_and_arrow(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    parquet = pytest.importorskip("pyarrow.parquet")
    feather = pytest.importorskip("pyarrow.feather")
    table = pa.table(
        {
            "unit": ["U1", "U2"],
            "name": ["甲餐厅", "乙餐厅"],
            "district": ["芝罘区", "莱山区"],
            "category": ["catering", "catering"],
            "risk_level": ["high", "low"],
            "size": ["large", "small"],
            "registered": [dt.date(2020, 1, 1), dt.date(2024, 3, 5)],
            "closed": [None, None],
            "bright_kitchen": [True, False],
        }
    )
    check_register(qrules.read_register(table))
    parquet.write_table(table, tmp_path / "register.parquet")
    check_register(qrules.read_register(tmp_path / "register.parquet"))
    feather.write_feather(table, tmp_path / "register.arrow")
    check_register(qrules.read_register(tmp_path / "register.arrow"))


def test_pandas_dataframe() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {
            "unit": ["U1", "U2"],
            "name": ["甲餐厅", "乙餐厅"],
            "district": ["芝罘区", "莱山区"],
            "category": ["catering", "catering"],
            "risk_level": ["high", "low"],
            "size": ["large", "small"],
            "registered": pd.to_datetime(["2020-01-01", "2024-03-05"]),
            "closed": pd.to_datetime([None, None]),
            "bright_kitchen": [1, 0],
        }
    )
    register = qrules.read_register(frame)
    check_register(register)
    assert register.name == "<pandas DataFrame>"
    log = pd.DataFrame(
        {
            "unit": ["U1", "U1", "U2"],
            "date": ["2024-01-01", "2024-12-31", 45356],
            "kind": ["routine", "system", "special"],
            "result": ["compliant", float("nan"), "non_compliant"],
        }
    )
    check_log(qrules.read_log(log, register))


def test_polars_dataframe() -> None:
    pl = pytest.importorskip("polars")
    frame = pl.DataFrame(_rows(REGISTER_CSV))
    register = qrules.read_register(frame, name="register (polars)")
    check_register(register)
    assert register.name == "register (polars)"
    log = pl.DataFrame(
        {
            "unit": ["U1", "U1", "U2"],
            "date": [dt.date(2024, 1, 1), dt.date(2024, 12, 31), dt.date(2024, 3, 5)],
            "kind": ["routine", "system", "special"],
            "result": ["compliant", None, "non_compliant"],
        }
    )
    check_log(qrules.read_log(log, register))


def _sqlite(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE register (unit, name, district, category, risk_level, "
            "size, registered, closed, bright_kitchen)"
        )
        connection.executemany(
            "INSERT INTO register VALUES (?,?,?,?,?,?,?,?,?)",
            [tuple(r.values()) for r in _rows(REGISTER_CSV)],
        )
        connection.execute('CREATE TABLE "检查记录" (unit, date, kind, result)')
        connection.executemany(
            'INSERT INTO "检查记录" VALUES (?,?,?,?)', [tuple(r.values()) for r in _rows(LOG_CSV)]
        )
    connection.close()


def test_sqlite_connection_and_url(tmp_path: Path) -> None:
    path = tmp_path / "records.db"
    _sqlite(path)
    connection = sqlite3.connect(path)
    register = qrules.read_register(connection, table="register")
    check_register(register)
    check_log(qrules.read_log(connection, register, table="检查记录"))
    connection.close()
    register = qrules.read_register(f"sqlite:///{path}")
    assert register.name == "records.db:register"
    check_register(register)
    check_log(qrules.read_log(f"sqlite:///{path}?table=检查记录", register))


def test_a_table_name_is_an_identifier_only(tmp_path: Path) -> None:
    path = tmp_path / "records.db"
    _sqlite(path)
    with pytest.raises(qrules.DataError, match="is not a table name"):
        qrules.read_register(f"sqlite:///{path}?table=register; DROP TABLE register")
    with pytest.raises(qrules.DataError, match="the database has no table 'nope'"):
        qrules.read_register(f"sqlite:///{path}?table=nope")
    with pytest.raises(qrules.DataError, match="no database file"):
        qrules.read_register(f"sqlite:///{tmp_path / 'none.db'}")


def test_duckdb_url(tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    path = tmp_path / "records.duckdb"
    connection = duckdb.connect(str(path))
    connection.execute(
        "CREATE TABLE register (unit VARCHAR, name VARCHAR, district VARCHAR, "
        "category VARCHAR, risk_level VARCHAR, size VARCHAR, registered DATE, "
        "closed DATE, bright_kitchen BOOLEAN)"
    )
    connection.execute(
        "INSERT INTO register VALUES ('U1', '甲餐厅', '芝罘区', 'catering', "
        "'high', 'large', '2020-01-01', NULL, true), ('U2', '乙餐厅', '莱山区', "
        "'catering', 'low', 'small', '2024-03-05', NULL, false)"
    )
    connection.close()
    check_register(qrules.read_register(f"duckdb:///{path}"))


# -- values ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "date"),
    [
        ("2024-03-05", dt.date(2024, 3, 5)),
        ("2024/3/5", dt.date(2024, 3, 5)),
        ("2024.03.05", dt.date(2024, 3, 5)),
        ("2024年3月5日", dt.date(2024, 3, 5)),
        ("２０２４年３月５日", dt.date(2024, 3, 5)),
        ("２０２４－０３－０５", dt.date(2024, 3, 5)),
        ("20240305", dt.date(2024, 3, 5)),
        ("2024-03-05 14:30:00", dt.date(2024, 3, 5)),
        ("45356", dt.date(2024, 3, 5)),
        (45356, dt.date(2024, 3, 5)),
        (45356.75, dt.date(2024, 3, 5)),
        (20240305, dt.date(2024, 3, 5)),
        ("2024-02-29", dt.date(2024, 2, 29)),
        (dt.datetime(2024, 3, 5, 23, 59), dt.date(2024, 3, 5)),
        ("—", None),
        ("无", None),
        ("", None),
        (None, None),
        (float("nan"), None),
    ],
)
def test_dates_as_offices_write_them(written: object, date: dt.date | None) -> None:
    assert parse_date(written) == date


@pytest.mark.parametrize(
    "written",
    ["2023-02-29", "2024-13-01", "next week", "2024", 2024, True, "3/5/2024", "1800-01-01"],
)
def test_what_is_not_a_date(written: object) -> None:
    with pytest.raises(ValueError, match=r"not a date|truth value"):
        parse_date(written)


# -- the mapping -------------------------------------------------------------------

MAPPING = """
[register.columns]
unit = ["统一社会信用代码", "信用代码"]
name = "单位名称"
category = "主体业态"
risk_level = "风险等级"
registered = "发证日期"
internet_bright_kitchen = "互联网+明厨亮灶"

[register.codes.category]
"中央厨房" = "central_kitchen"
"餐饮服务" = "catering"

[register.codes.risk_level]
A = "low"
B = "medium"
C = "high"
D = "high"

[register.codes.internet_bright_kitchen]
"已接入" = true

[log.columns]
unit = "信用代码"
date = "检查日期"
kind = "检查类型"

[log.codes.kind]
"体系检查" = "system"
"日常检查" = "routine"
"""


def test_a_mapping_file_renames_columns_and_codes(tmp_path: Path) -> None:
    mapping = _write(tmp_path / "mapping.toml", MAPPING)
    register = _write(
        tmp_path / "台账.csv",
        "信用代码,单位名称,主体业态,风险等级,发证日期,互联网+明厨亮灶,地址\n"
        "X1,某中央厨房,中央厨房,D,2019年5月1日,已接入,某路1号\n"
        "X2,某饭店,餐饮服务,B,,,某路2号\n"
        "X3,某超市,食品销售,A,,,某路3号\n",
    )
    read = qrules.read_register(register, mapping=mapping)
    assert [(u.unit, u.category, u.risk_level, u.flags) for u in read] == [
        ("X1", "central_kitchen", "high", frozenset({"internet_bright_kitchen"})),
        ("X2", "catering", "medium", frozenset()),
        ("X3", "食品销售", "low", frozenset()),
    ]
    notes = [n.en for n in read.notes]
    assert "columns not read: 地址" in notes
    assert "categories no rule selects (not canonical codes): 食品销售 (1)" in notes
    log = _write(tmp_path / "检查.csv", "信用代码,检查日期,检查类型\nX1,2024-05-01,体系检查\n")
    [inspection] = qrules.read_log(log, read, mapping=qrules.ColumnMapping.load(mapping))
    assert (inspection.unit, inspection.kind) == ("X1", "system")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[regster.columns]\nunit = 'x'\n",
            "key 'regster': unknown table (did you mean 'register'?)",
        ),
        (
            "[register.columns]\nunti = 'x'\n",
            "key 'register.columns.unti': unknown register column (did you mean 'unit'?)",
        ),
        (
            "[register.codes.risk_level]\nA = 'lo'\n",
            "key 'register.codes.risk_level.A': 'lo' is not a canonical code (did you mean 'low'?)",
        ),
        (
            "[log.codes.category]\nA = 'catering'\n",
            "key 'log.codes.category': no codes to map in log column 'category'",
        ),
        (
            "[register.columns]\nunit = []\n",
            "key 'register.columns.unit': expected a column name or an array of them",
        ),
        ("[register.rows]\n", "key 'register.rows': expected [.columns] or [.codes] tables"),
    ],
)
def test_a_bad_mapping_is_reported_with_its_key(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path / "mapping.toml", text)
    with pytest.raises(qrules.DataError) as caught:
        qrules.ColumnMapping.load(path)
    assert f"mapping.toml, {message}" in str(caught.value)


def test_a_missing_column_says_how_to_map_it(tmp_path: Path) -> None:
    path = _write(tmp_path / "r.csv", "信用代码,业态\nX1,catering\n")
    with pytest.raises(qrules.DataError) as caught:
        qrules.read_register(path)
    text = str(caught.value)
    assert (
        "r.csv, header: no 'unit' column (map your column to it in the mapping file's "
        "[register.columns])" in text
    )
    assert "no 'category' column" in text
    with pytest.raises(qrules.DataError, match="the mapping names '统一社会信用代码'; none is"):
        qrules.read_register(
            path,
            mapping={"register": {"columns": {"unit": "统一社会信用代码", "category": "业态"}}},
        )


# -- bad rows ------------------------------------------------------------------------


def test_every_bad_register_row_is_reported_and_counted(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "register.csv",
        "unit,category,risk_level,size,registered,closed,bright_kitchen\n"
        "U1,catering,high,large,2020-01-01,,是\n"  # 2: good
        "U1,catering,high,large,2020-01-01,,是\n"  # 3: duplicate id (given alike)
        ",catering,,,,,\n"  # 4: no id
        "U3,,,,,,\n"  # 5: no category
        "U4,catering,severe,,,,\n"  # 6: risk level
        "U5,catering,,huge,,,\n"  # 7: size
        "U6,catering,,,2024-02-30,,\n"  # 8: no such day
        "U7,catering,,,2024-05-01,2024-04-30,\n"  # 9: closed before
        "U8,catering,,,,,maybe\n"  # 10: flag
        "U9,catering,,,,,,extra\n"  # 11: too many cells
        "U10,catering,,,,,\n",
    )  # 12: good
    register = qrules.read_register(path)
    assert [u.unit for u in register] == ["U1", "U10"]
    assert register.rows_read == 11
    assert register.rows_rejected == 9
    assert register.rows_read == register.rows_used + register.rows_rejected
    shown = [str(p) for p in register.problems]
    assert shown == [
        "register.csv, row 3, column 'unit': unit 'U1' is given twice (first in row 2)",
        "register.csv, row 4, column 'unit': no unit id",
        "register.csv, row 5, column 'category': no category",
        "register.csv, row 6, column 'risk_level': 'severe' is not a canonical risk level "
        "(low, medium, high); map it in the mapping file's [register.codes.risk_level] "
        '("severe" = "<code>")',
        "register.csv, row 7, column 'size': 'huge' is not a canonical size (small, medium, "
        'large); map it in the mapping file\'s [register.codes.size] ("huge" = "<code>")',
        "register.csv, row 8, column 'registered': '2024-02-30' is not a date: no such day",
        "register.csv, row 9, column 'closed': closed 2024-04-30 before it was registered "
        "2024-05-01",
        "register.csv, row 10, column 'bright_kitchen': 'maybe' is not yes or no; write "
        "是/否, 1/0 or true/false",
        "register.csv, row 11: more cells than columns",
    ]


def test_every_bad_log_row_is_reported_and_counted(tmp_path: Path) -> None:
    register = qrules.read_register(_rows(REGISTER_CSV))
    path = _write(
        tmp_path / "log.csv",
        "inspection,unit,date,kind,result\n"
        "J1,U1,2024-01-01,routine,compliant\n"  # 2: good
        "J2,U9,2024-01-01,,\n"  # 3: not in the register
        "J3,U1,someday,,\n"  # 4: bad date
        "J4,U1,,,\n"  # 5: no date
        "J5,U1,2024-01-01,inspection,\n"  # 6: bad kind
        "J6,U1,2024-01-01,,ok\n"  # 7: bad result
        "J1,U2,2024-01-02,,\n"  # 8: same inspection id
        "J8,,2024-01-02,,\n"  # 9: no unit
        "J9,U2,2024-01-03,,\n",
    )  # 10: good
    log = qrules.read_log(path, register)
    assert [i.inspection for i in log] == ["J1", "J9"]
    assert (log.rows_read, log.rows_used, log.rows_rejected) == (9, 2, 7)
    shown = [str(p) for p in log.problems]
    assert shown == [
        "log.csv, row 3, column 'unit': unit 'U9' is not in the register <rows>",
        "log.csv, row 4, column 'date': 'someday' is not a date; write 2024-03-05, 2024/3/5 or "
        "2024年3月5日",
        "log.csv, row 5, column 'date': no date",
        "log.csv, row 6, column 'kind': 'inspection' is not a canonical kind (system, routine, "
        "special, follow_up, unannounced); map it in the mapping file's [log.codes.kind] "
        '("inspection" = "<code>")',
        "log.csv, row 7, column 'result': 'ok' is not a canonical result (compliant, "
        "basically_compliant, non_compliant); map it in the mapping file's [log.codes.result] "
        '("ok" = "<code>")',
        "log.csv, row 8, column 'inspection': inspection 'J1' is given twice (first in row 2)",
        "log.csv, row 9, column 'unit': no unit id",
    ]


def test_rejected_rows_are_in_every_report(tmp_path: Path) -> None:
    from qrules._report import evaluation_json, evaluation_table  # noqa: PLC0415

    book = qrules.load("yantai-2023-2025")
    register = qrules.read_register(
        _write(
            tmp_path / "r.csv", REGISTER_CSV + "U1,x,芝罘区,catering,high,large,2020-01-01,,是\n"
        )
    )
    log = qrules.read_log(_write(tmp_path / "l.csv", LOG_CSV + "U7,2024-01-01,,\n"), register)
    evaluation = qrules.evaluate_records(book, register, log, log_until="2024-12-31")
    table = evaluation_table(evaluation)
    assert "register r.csv: rows read 3 = used 2 + rejected 1" in table
    assert "log l.csv: rows read 4 = used 3 + rejected 1" in table
    assert (
        "  rejected: l.csv, row 5, column 'unit': unit 'U7' is not in the register r.csv" in table
    )
    document = evaluation_json(evaluation)
    assert "r.csv, row 4, column 'unit': unit 'U1' is given twice (first in row 2)" in document


def test_unknown_sources_and_files(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="cannot read records from int"):
        qrules.read_register(42)
    with pytest.raises(qrules.DataError, match=r"unknown file type '\.doc'"):
        qrules.read_register(_write(tmp_path / "r.doc", "x"))


def test_other_database_urls_want_a_connection() -> None:
    with pytest.raises(qrules.DataError, match="pass a DB-API connection and table="):
        qrules.read_register("postgresql://localhost/registry")


def test_undecodable_bytes_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "register.csv"
    path.write_bytes(b"unit,category\nU1,\x80\xff\n")
    with pytest.raises(
        qrules.DataError, match=r"neither UTF-8 \(byte 17, line 2\) nor GB18030 \(byte 17, line 2\)"
    ):
        qrules.read_register(path)
