"""A differential hunt for false verdicts on the command line's routes over
files (session 19), where sessions 17 and 18 (``test_diff_s17.py``,
``test_diff_s18.py``) did not look.

``qrules check RULEBOOK --register R --log L`` with ``--engine reference``
against the default engine (DuckDB: plain CSV files read by DuckDB itself,
``qrules.records.direct``; every other file by the column-wise readers, handed
to DuckDB as Arrow columns), and, when ``QRULES_POSTGRES_URL`` names a server,
``--engine postgres`` (the records read by qrules, copied into it), on messy
office files in every form a supervision office exports: CSV in UTF-8, with a
byte-order mark and in GB18030, TSV, ``.xlsx`` (dates as date cells, as Excel
serials and as text, numbers as text, Chinese headers through a mapping file),
Parquet (typed and all text); quoted fields holding commas and line breaks,
ragged rows, duplicate or reordered headers, blank lines, padded and
full-width ids, a unit id given twice, inspection ids repeated or spelled
otherwise, rows dated at year boundaries and after ``--as-of`` or
``--log-until``, missing markers and Excel error texts in every column.

Every route must print the same JSON (verdicts, reasons, rejected rows with
their numbers and reasons, notes) and exit with the same code: in particular
no route says met where another says not met or unknown.

The suite runs a derandomized profile of a bounded number of examples; set
``QRULES_DIFF_EXAMPLES`` (and ``QRULES_DIFF_SEED``) to hunt more widely.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, seed
from hypothesis import strategies as st

from tests.conftest import run
from tests.test_diff_s18 import SETTINGS
from tests.test_direct import routes_taken

pytest.importorskip("duckdb")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
openpyxl = pytest.importorskip("openpyxl")

RULEBOOK = "yantai-2023-2025"
SEED = seed(int(os.environ.get("QRULES_DIFF_SEED", "19")))
POSTGRES = os.environ.get("QRULES_POSTGRES_URL")
D = dt.date

# -- the cells an office writes ----------------------------------------------------------------

#: Missing markers and Excel errors' texts, which may turn up in any column.
MARKERS = ["", "NA", "—", "无", "#N/A", "#REF!", " ", "N/A"]
IDS = [101, 102, 103, 104]
CATEGORIES = [
    "infant_formula_maker",
    "central_kitchen",
    "catering",
    "catering",
    "餐饮服务单位",  # a category by its Chinese name: rejected, naming the code
    "Central_Kitchen",
    "food_retailer",
    "health_food_maker",
    "tableware_disinfection",
    "special_drug_retailer",
]
RISKS = ["high", "high", "low", "medium", "HIGH", "很高", "ｈｉｇｈ"]
FLAGS: list[Any] = ["是", "否", "true", "false", "1", "0", "Y", "maybe", True, False]
DISTRICTS = ["芝罘区", "福山区", "芝罘区 ", "Ａ"]
KINDS = ["system", "routine", "system", "体系检查", "SYSTEM", "bogus"]
RESULTS = ["compliant", "non_compliant", "符合", "nope"]
#: Days at and across year boundaries, and after the windows.
DAYS = [
    D(2023, 12, 31),
    D(2024, 1, 1),
    D(2024, 6, 30),
    D(2024, 12, 31),
    D(2025, 1, 1),
    D(2025, 12, 31),
    D(2026, 1, 1),
    D(2099, 1, 1),
]
#: The windows (--log-from, --log-until, --as-of), each maybe absent.
WINDOWS: list[tuple[str | None, str | None, str | None]] = [
    (None, None, None),
    ("2024-01-01", "2024-12-31", None),
    ("2024-01-01", "2025-12-31", None),
    ("2023-12-31", "2025-01-01", None),
    ("2024-01-01", None, "2024-12-31"),
    ("2024-01-01", "2025-12-31", "2025-01-01"),
    (None, None, "2024-06-30"),
    ("2024-06-30", "2024-12-31", None),
    ("2025-01-01", None, None),
    (None, "2024-12-31", None),
    ("2024-01-01", "2099-12-31", None),
    ("2023-01-01", "2030-12-31", "2025-06-30"),
]

#: The columns' Chinese names, read through a mapping file.
ZH_REGISTER = {
    "unit": "统一社会信用代码",
    "name": "单位名称",
    "district": "所属区市",
    "category": "主体业态",
    "risk_level": "风险等级",
    "registered": "发证日期",
    "closed": "注销日期",
    "internet_bright_kitchen": "互联网+明厨亮灶",
    "size": "规模",
    "bright_kitchen": "明厨亮灶",
}
ZH_LOG = {
    "inspection": "检查编号",
    "unit": "统一社会信用代码",
    "date": "检查日期",
    "kind": "检查类型",
    "result": "检查结果",
}
MAPPING = """\
[register.columns]
{register}

[register.codes.risk_level]
C = "high"

[log.columns]
{log}

[register.codes.internet_bright_kitchen]
"已接入" = true

[log.codes.kind]
"日常检查" = "routine"
"""
#: With the mapping, these codes written as the office's (cells are read through it).
OFFICE_CODES = {"risk_level": {"high": "C"}, "internet_bright_kitchen": {"true": "已接入"}}
OFFICE_LOG_CODES = {"kind": {"routine": "日常检查"}}


def office_codes(
    rows: list[dict[str, Any]], codes: dict[str, dict[str, str]]
) -> list[dict[str, Any]]:
    """The rows with some canonical codes written as the mapping's."""
    return [
        {c: codes.get(c, {}).get(v, v) if isinstance(v, str) else v for c, v in row.items()}
        for row in rows
    ]


def serial(day: dt.date) -> int:
    """An Excel serial date (1900 system)."""
    return (day - D(1899, 12, 30)).days


@st.composite
def ids(draw: st.DrawFn, pool: list[str]) -> Any:
    """A unit id as offices write it: plain, padded, full-width, or a marker."""
    uid = draw(st.sampled_from(pool))
    form = draw(st.integers(0, 14))
    if uid.isdigit() and form >= 10:
        # A number: a number cell (typed Parquet, .xlsx), a leading zero, a decimal.
        return draw(st.sampled_from([int(uid), int(uid), f"0{uid}", f"{uid}.0"]))
    if form == 0:
        return f" {uid} "
    if form == 1:
        return uid.translate(str.maketrans("U0123456789J", "Ｕ０１２３４５６７８９Ｊ"))
    if form == 2:
        return draw(st.sampled_from(MARKERS))
    if form == 3:
        return uid.lower()
    return uid


@st.composite
def dates(draw: st.DrawFn, *, empty: int = 3) -> Any:
    """A day as offices write it (ISO, slashes, 年月日, an Excel serial as a
    number or text, a date cell), a day that does not exist, or a marker."""
    if draw(st.integers(0, 9)) < empty:
        return draw(st.sampled_from(MARKERS))
    day = draw(st.sampled_from(DAYS))
    form = draw(st.integers(0, 9))
    if form == 0:
        return f"{day.year}/{day.month}/{day.day}"
    if form == 1:
        return f"{day.year}年{day.month}月{day.day}日"
    if form == 2:
        return str(serial(day))
    if form == 3:
        return serial(day)
    if form == 4:
        return day
    if form == 5:
        return draw(st.sampled_from(["2024-02-30", "2024-13-01", "1970-01-01", "epoch"]))
    if form == 6:
        return f" {day.isoformat()} "
    return day.isoformat()


def some(draw: st.DrawFn, values: list[Any], markers: int = 2) -> Any:
    """One of ``values``, or now and then a marker or an Excel error's text."""
    if draw(st.integers(0, 9)) < markers:
        return draw(st.sampled_from(MARKERS))
    return draw(st.sampled_from(values))


@st.composite
def registers(draw: st.DrawFn, plain: bool, prefix: str, rate: int) -> list[dict[str, Any]]:
    """A register's rows; ``plain``: clean cells alone (ids, codes and ISO dates
    as written by a careful office), which DuckDB's own CSV reader takes; else
    a row messy one time in ``rate + 1``, a clean row of a unit id that may repeat."""
    rows = []
    for index in range(draw(st.integers(1, 9))):
        if plain or draw(st.integers(0, rate)):
            number = index + 101 if plain else draw(st.sampled_from(IDS))
            rows.append(
                {
                    "unit": f"{prefix}{number}",
                    "name": draw(st.sampled_from(["单位", "Unit", "甲"])),
                    "district": draw(st.sampled_from(["芝罘区", "福山区"])),
                    "category": draw(st.sampled_from(CATEGORIES[:3] + CATEGORIES[-3:])),
                    "risk_level": draw(st.sampled_from(["high", "low", ""])),
                    "registered": draw(st.sampled_from(["", *(d.isoformat() for d in DAYS[:3])])),
                    "closed": draw(st.sampled_from(["", "", *(d.isoformat() for d in DAYS[3:7])])),
                    "internet_bright_kitchen": draw(st.sampled_from(["true", "false", ""])),
                    "size": draw(st.sampled_from(["large", "small", ""])),
                    "bright_kitchen": draw(st.sampled_from(["是", "否", ""])),
                }
            )
            continue
        rows.append(
            {
                "unit": draw(ids([f"{prefix}{n}" for n in IDS])),
                "name": draw(st.sampled_from(["甲,乙", "a\nb", 'say "hi"', "单位", "", "NA"])),
                "district": some(draw, DISTRICTS),
                "category": some(draw, CATEGORIES, 1),
                "risk_level": some(draw, RISKS, 3),
                "registered": draw(dates(empty=6)),
                "closed": draw(dates(empty=8)),
                "internet_bright_kitchen": some(draw, FLAGS, 2),
                "size": some(draw, ["large", "small", "LARGE", "大型"], 3),
                "bright_kitchen": some(draw, FLAGS, 2),
            }
        )
    return rows


@st.composite
def logs(draw: st.DrawFn, plain: bool, units: int, prefix: str, rate: int) -> list[dict[str, Any]]:
    """A log's rows (``plain``: clean cells alone, as for `registers`, of the
    register's ``units``; unit ids ``prefix`` and a number)."""
    rows = []
    for n in range(draw(st.integers(0, 14))):
        inspection = f"J{draw(st.integers(0, n))}"
        if plain or draw(st.integers(0, rate)):
            rows.append(
                {
                    "inspection": f"J{n}" if plain or draw(st.integers(0, 5)) else inspection,
                    "unit": f"{prefix}{draw(st.integers(101, units + 100))}",
                    "date": draw(st.sampled_from(DAYS)).isoformat(),
                    "kind": draw(st.sampled_from(["system", "routine", ""])),
                    "result": draw(st.sampled_from(["compliant", "non_compliant", ""])),
                }
            )
            continue
        form = draw(st.integers(0, 9))
        if form == 0:
            inspection = draw(st.sampled_from(MARKERS))
        elif form == 1:
            inspection = f"{inspection} "
        elif form == 2:
            inspection = inspection.replace("J", "Ｊ")
        rows.append(
            {
                "inspection": inspection,
                "unit": draw(ids([f"{prefix}{n}" for n in [*IDS, 999]])),
                "date": draw(dates(empty=1)),
                "kind": some(draw, KINDS, 2),
                "result": some(draw, RESULTS, 3),
            }
        )
    return rows


# -- the files -----------------------------------------------------------------------------------

FORMATS = ["utf-8", "utf-8-sig", "gb18030", "tsv", "xlsx", "parquet", "parquet-typed"]


def _text(value: Any) -> str:
    """A cell as a text file holds it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@st.composite
def layouts(draw: st.DrawFn, columns: list[str], rows: int, plain: bool) -> dict[str, Any]:
    """How one file is laid out: its form, its header (canonical or Chinese,
    columns reordered, a column given twice), blank lines, a ragged row
    (``plain``: a CSV file in UTF-8 as it is, most often)."""
    if plain and draw(st.integers(0, 3)):
        return {
            "form": "utf-8",
            "order": list(columns),
            "twice": None,
            "blank": None,
            "ragged": None,
            "quote_all": False,
        }
    order = draw(st.permutations(columns)) if draw(st.integers(0, 3)) == 0 else list(columns)
    return {
        "form": draw(st.sampled_from(FORMATS)),
        "order": list(order),
        "twice": (
            draw(st.sampled_from(["remark", "remark", *columns]))
            if draw(st.integers(0, 19)) == 0
            else None
        ),
        "blank": draw(st.integers(0, rows)) if draw(st.integers(0, 5)) == 0 else None,
        "ragged": (
            (draw(st.integers(0, rows - 1)), draw(st.sampled_from([-2, -1, 1])))
            if rows and draw(st.integers(0, 7)) == 0
            else None
        ),
        "quote_all": draw(st.integers(0, 4)) == 0,
    }


def write_table(
    path: Path, rows: list[dict[str, Any]], layout: dict[str, Any], names: dict[str, str]
) -> Path:
    """The rows written as ``layout`` says, under ``names`` (a column's name in the
    header); returns the file's path (its suffix the form's)."""
    order = layout["order"]
    header = [names.get(c, c) for c in order]
    cells = [[row.get(c) for c in order] for row in rows]
    twice = layout["twice"]
    if twice is not None:
        # A column given twice: a remark (read by nobody) or a column the readers read.
        header.append(names.get(twice, twice))
        cells = [[*r, row.get(twice, "x")] for r, row in zip(cells, rows, strict=True)]
    form = layout["form"]
    if form.startswith("parquet"):
        return _parquet(path.with_suffix(".parquet"), header, cells, typed=form.endswith("typed"))
    if form == "xlsx":
        return _xlsx(path.with_suffix(".xlsx"), header, cells, layout)
    lines: list[list[str] | None] = [[_text(v) for v in r] for r in cells]
    if layout["ragged"] is not None:
        at, change = layout["ragged"]
        row = lines[at]
        assert row is not None
        lines[at] = row[:change] if change < 0 else [*row, "extra"]
    if layout["blank"] is not None:
        lines.insert(layout["blank"], None)
    out = io.StringIO()
    writer = csv.writer(
        out,
        delimiter="\t" if form == "tsv" else ",",
        lineterminator="\r\n" if form == "gb18030" else "\n",
        quoting=csv.QUOTE_ALL if layout["quote_all"] else csv.QUOTE_MINIMAL,
    )
    writer.writerow(header)
    for line in lines:
        if line is None:
            out.write("\n")
        else:
            writer.writerow(line)
    encoding = "utf-8" if form == "tsv" else form
    target = path.with_suffix(".tsv" if form == "tsv" else ".csv")
    target.write_bytes(out.getvalue().encode(encoding))
    return target


def _xlsx(path: Path, header: list[str], cells: list[list[Any]], layout: dict[str, Any]) -> Path:
    """A workbook: date cells, serials as numbers, everything else as text (a
    blank line an empty row)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    rows: list[list[Any] | None] = list(cells)
    if layout["blank"] is not None:
        rows.insert(layout["blank"], None)
    for row in rows:
        if row is None:
            sheet.append([])
            continue
        sheet.append([v if isinstance(v, (dt.date, int)) else _text(v) or None for v in row])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy-mm-dd"
    book.save(path)
    return path


def _parquet(path: Path, header: list[str], cells: list[list[Any]], *, typed: bool) -> Path:
    """A Parquet file: all text, or each column typed when its values are of
    one type (dates, integers, booleans), text otherwise."""
    columns = []
    for index in range(len(header)):
        values = [row[index] for row in cells]
        kinds = {type(v) for v in values if v not in (None, "")}
        if typed and kinds == {dt.date}:
            columns.append(pa.array([v or None for v in values], pa.date32()))
        elif typed and kinds == {bool}:
            columns.append(pa.array([None if v == "" else v for v in values], pa.bool_()))
        elif typed and kinds == {int}:
            columns.append(pa.array([None if v == "" else v for v in values], pa.int64()))
        else:
            columns.append(pa.array([None if v is None else _text(v) for v in values], pa.string()))
    pq.write_table(pa.Table.from_arrays(columns, names=header), path)
    return path


REGISTER_COLUMNS = list(ZH_REGISTER)
LOG_COLUMNS = list(ZH_LOG)


@st.composite
def cases(draw: st.DrawFn) -> dict[str, Any]:
    """A register and a log, their layouts, and the command's options."""
    plain = draw(st.integers(0, 2)) == 0
    prefix = draw(st.sampled_from(["U", "U", ""]))
    rate = draw(st.sampled_from([0, 1, 3, 6]))
    register = draw(registers(plain, prefix, rate))
    log = draw(logs(plain, len(register), prefix, rate))
    log_columns = LOG_COLUMNS if draw(st.integers(0, 4)) else LOG_COLUMNS[1:]
    register_columns = REGISTER_COLUMNS if draw(st.integers(0, 3)) else REGISTER_COLUMNS[:-2]
    return {
        "register": register,
        "log": log,
        "register_layout": draw(layouts(register_columns, len(register), plain)),
        "log_layout": draw(layouts(log_columns, len(log), plain)),
        "chinese": draw(st.integers(0, 3)) == 0,
        "office_codes": draw(st.booleans()),
        "window": draw(st.sampled_from(WINDOWS)),
        "by_district": draw(st.booleans()),
        "strict": draw(st.integers(0, 9)) == 0,
    }


def argv_of(case: dict[str, Any], folder: Path) -> list[str]:
    """The files written into ``folder``, and ``qrules check``'s arguments."""
    names_register = ZH_REGISTER if case["chinese"] else {}
    names_log = ZH_LOG if case["chinese"] else {}
    register_rows, log_rows = case["register"], case["log"]
    if case["chinese"] and case.get("office_codes", True):
        # (docs/engines.md: a closed set's code read through the mapping, C for
        # high, declines DuckDB's own CSV reader; the readers read the file.)
        register_rows = office_codes(register_rows, OFFICE_CODES)
        log_rows = office_codes(log_rows, OFFICE_LOG_CODES)
    register = write_table(
        folder / "register", register_rows, case["register_layout"], names_register
    )
    log = write_table(folder / "log", log_rows, case["log_layout"], names_log)
    argv = ["check", RULEBOOK, "--register", str(register), "--log", str(log), "--format", "json"]
    if case["chinese"]:
        mapping = folder / "mapping.toml"
        mapping.write_text(
            MAPPING.format(
                register="\n".join(f'{c} = "{n}"' for c, n in ZH_REGISTER.items()),
                log="\n".join(f'{c} = "{n}"' for c, n in ZH_LOG.items()),
            ),
            encoding="utf-8",
        )
        argv += ["--mapping", str(mapping)]
    log_from, log_until, as_of = case["window"]
    for option, value in (("--log-from", log_from), ("--log-until", log_until), ("--as-of", as_of)):
        if value is not None:
            argv += [option, value]
    if case["by_district"]:
        argv.append("--by-district")
    if case["strict"]:
        argv.append("--strict")
    return argv


def on_every_route(case: dict[str, Any]) -> dict[str, tuple[int, str, str]]:
    """Each route's exit code, output and error on the case's files."""
    with tempfile.TemporaryDirectory(dir=os.environ.get("QRULES_DIFF_TMP")) as name:
        folder = Path(name)
        argv = argv_of(case, folder)
        found = {
            "reference": run(*argv, "--engine", "reference"),
            "default": run(*argv),
        }
        if POSTGRES:
            found["postgres"] = run(*argv, "--engine", "postgres", "--database", POSTGRES)
        # Paths differ by nothing: the same folder.
    return found


def verdicts(output: str) -> dict[Any, str]:
    if not output:
        return {}
    return {
        (r["id"], r["year"], r["district"]): r["verdict"] for r in json.loads(output)["results"]
    }


def assert_routes_agree(found: dict[str, tuple[int, str, str]]) -> None:
    """Every route the reference's exit code, output and error; first, no
    route met where another is not met or unknown."""
    code, output, error = found["reference"]
    assert code in (0, 1, 2), (code, error)
    reference = verdicts(output)
    for route, (their_code, their_output, their_error) in found.items():
        theirs = verdicts(their_output)
        for key in reference.keys() & theirs.keys():
            pair = {reference[key], theirs[key]}
            assert pair == {reference[key]}, (route, key, reference[key], theirs[key])
        assert (their_code, their_error) == (code, error), (route, their_code, their_error, error)
        assert their_output == output, route


@SETTINGS
@SEED
@given(case=cases())
def test_every_route_over_files_says_the_same(case: dict[str, Any]) -> None:
    assert_routes_agree(on_every_route(case))


def _fixed_case(form: str, *, chinese: bool) -> dict[str, Any]:
    """One register and log every route judges, in ``form``: a unit registered on
    31 December, one closed on 1 January, inspections on each boundary and after
    --log-until, two rows of one unit without ids, a kitchen enrolled, another not."""
    register = [
        {"unit": "U101", "name": "甲,乙", "district": "芝罘区", "category": "infant_formula_maker",
         "risk_level": "", "registered": D(2024, 12, 31), "closed": "",
         "internet_bright_kitchen": "", "size": "", "bright_kitchen": ""},
        {"unit": "U102", "name": "a\nb", "district": "福山区", "category": "catering",
         "risk_level": "high", "registered": "", "closed": D(2025, 1, 1),
         "internet_bright_kitchen": "", "size": "large", "bright_kitchen": True},
        {"unit": "U103", "name": "丙", "district": "芝罘区", "category": "central_kitchen",
         "risk_level": "high", "registered": "", "closed": "",
         "internet_bright_kitchen": True, "size": "", "bright_kitchen": ""},
        {"unit": "U104", "name": "丁", "district": "福山区", "category": "central_kitchen",
         "risk_level": "low", "registered": "", "closed": "",
         "internet_bright_kitchen": False, "size": "", "bright_kitchen": ""},
    ]  # fmt: skip
    log = [
        {"inspection": "J1", "unit": "U101", "date": D(2024, 12, 31), "kind": "system",
         "result": "compliant"},
        {"inspection": "J2", "unit": "U102", "date": D(2024, 1, 1), "kind": "routine",
         "result": ""},
        {"inspection": "J3", "unit": "U102", "date": D(2024, 12, 31), "kind": "routine",
         "result": "non_compliant"},
        {"inspection": "J4", "unit": "U103", "date": D(2025, 1, 1), "kind": "routine",
         "result": ""},
        {"inspection": "J5", "unit": "U103", "date": D(2024, 6, 30), "kind": "routine",
         "result": ""},
    ]  # fmt: skip
    plain = {"twice": None, "blank": None, "ragged": None, "quote_all": False}
    return {
        "register": register,
        "log": log,
        "register_layout": {"form": form, "order": REGISTER_COLUMNS, **plain},
        "log_layout": {"form": form, "order": LOG_COLUMNS, **plain},
        "chinese": chinese,
        "window": ("2024-01-01", "2024-12-31", None),
        "by_district": True,
        "strict": False,
    }


@pytest.mark.parametrize("chinese", [False, True])
@pytest.mark.parametrize("form", FORMATS)
def test_every_route_over_files_says_the_same_on_a_case_each_judges(
    form: str, chinese: bool
) -> None:
    """The property's routes, on one case of every form, in English and in
    Chinese headers: not vacuous (met and not met both said, in 2024)."""
    found = on_every_route(_fixed_case(form, chinese=chinese))
    assert_routes_agree(found)
    said = {v for (_, year, _), v in verdicts(found["reference"][1]).items() if year == 2024}
    assert {"met", "not_met"} <= said, said


@pytest.mark.parametrize("chinese", [False, True])
def test_plain_files_judged_by_duckdb_itself_say_what_the_reference_says(
    monkeypatch: pytest.MonkeyPatch, chinese: bool
) -> None:
    """The same case in plain CSV files (no name quoted, no marker), which the
    default route reads with DuckDB's own CSV reader (``records.direct``): the
    route is taken, and says what the reference engine says."""
    taken = routes_taken(monkeypatch)
    case = _fixed_case("utf-8", chinese=chinese) | {"office_codes": False}
    case["register"] = [
        {**row, "name": f"单位{n}", "district": row["district"]}
        for n, row in enumerate(case["register"])
    ]
    found = on_every_route(case)
    assert taken == [True], taken
    assert_routes_agree(found)
