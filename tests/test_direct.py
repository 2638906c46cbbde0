"""CSV files read by DuckDB's own reader (`qrules.records.direct`): the route
is taken on plain files, declined on every other, and the command line's
output is the same with the route as without it (the readers: the oracle)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qrules._recordspec import LOG_COLUMNS, REGISTER_COLUMNS
from qrules.records import direct
from tests.conftest import records_options, run
from tests.test_columns import VALUES

pytest.importorskip("duckdb")
pytest.importorskip("pyarrow")
pytest.importorskip("sqlglot")

RULEBOOK = "yantai-2023-2025"
#: The register's columns written (three of the six flags: the others are missing).
REGISTER = list(REGISTER_COLUMNS[:11])
LOG = list(LOG_COLUMNS)
CATEGORIES = ["catering", "food_retailer", "drug_retailer", "construction_site", "central_kitchen"]
KINDS = ["routine", "system", "special", "follow_up", "unannounced"]
RESULTS = ["compliant", "basically_compliant", "non_compliant"]


def _clean_register(units: int) -> list[list[str]]:
    return [
        [
            f"U{i}",
            f"单位{i}" if i % 3 else f"Unit {i}",
            ["芝罘区", "莱山区", "福山区"][i % 3],
            CATEGORIES[i % len(CATEGORIES)],
            ["low", "medium", "high"][i % 3],
            ["small", "medium", "large"][i % 3],
            f"20{10 + i % 13}-0{1 + i % 9}-1{i % 10}",
            "" if i % 7 else f"2024-0{1 + i % 9}-2{i % 9}",
            ["true", "false"][i % 2],
            ["true", "false"][i // 2 % 2],
            ["true", "false", ""][i % 3],
        ]
        for i in range(units)
    ]


def _clean_log(units: int, inspections: int) -> list[list[str]]:
    return [
        [
            f"J{i}",
            f"U{(i * 7) % units}",
            f"202{3 + i % 3}-{1 + i % 12:02d}-{1 + i % 28:02d}",
            KINDS[i % len(KINDS)],
            RESULTS[i % len(RESULTS)],
        ]
        for i in range(inspections)
    ]


def _write(
    path: Path,
    header: list[str],
    rows: list[list[str]],
    *,
    delimiter: str = ",",
    ending: str = "\n",
    encoding: str = "utf-8",
    quoting: int = csv.QUOTE_MINIMAL,
) -> Path:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=ending, quoting=quoting)
    writer.writerow(header)
    writer.writerows(rows)
    text = out.getvalue()
    data = (
        b"\xef\xbb\xbf" + text.encode("utf-8") if encoding == "utf-8-bom" else text.encode(encoding)
    )
    path.write_bytes(data)
    return path


def _files(tmp_path: Path, units: int = 30, inspections: int = 200) -> tuple[Path, Path]:
    return (
        _write(tmp_path / "register.csv", REGISTER, _clean_register(units)),
        _write(tmp_path / "log.csv", LOG, _clean_log(units, inspections)),
    )


def _both(monkeypatch: pytest.MonkeyPatch, *argv: str) -> tuple[Any, Any]:
    """The command's exit code, output and error with the route, and without."""
    found = []
    for enabled in (True, False):
        monkeypatch.setattr(direct, "ENABLED", enabled)
        found.append(run(*argv))
    monkeypatch.setattr(direct, "ENABLED", True)
    return found[0], found[1]


def _taken(register: Path, log: Path | None, mapping: Any = None) -> bool:
    found = direct.read_files(str(register), None if log is None else str(log), mapping=mapping)
    if found is not None:
        found.close()
    return found is not None


# -- the route is taken on plain files, and gives the readers' records ---------------


def routes_taken(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether the route was taken (`direct.read_files` gave the records), each
    time it is asked from here on (also ``tests/test_diff_s19.py``'s)."""
    taken: list[bool] = []
    real = direct.read_files

    def spy(*args: Any, **kwargs: Any) -> Any:
        found = real(*args, **kwargs)
        taken.append(found is not None)
        return found

    monkeypatch.setattr(direct, "read_files", spy)
    return taken


def test_plain_files_take_the_route_and_read_as_the_readers(tmp_path: Path) -> None:
    from qrules._columns import read_records  # noqa: PLC0415

    register, log = _files(tmp_path)
    found = direct.read_files(str(register), str(log))
    assert found is not None
    try:
        assert isinstance(found.register.rows, direct.TableRows)
        readers = read_records(str(register), str(log))
        assert found.register == readers[0]
        assert found.log == readers[1]
        assert found.register.notes == readers[0].notes
        assert found.log is not None
        assert readers[1] is not None
        assert found.log.notes == readers[1].notes
        assert found.log.date_range() == readers[1].date_range()
    finally:
        found.close()


def test_the_command_line_judges_plain_files_in_duckdb(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    register, log = _files(tmp_path)
    taken = routes_taken(monkeypatch)
    argv = (RULEBOOK, *records_options(register, log))
    for form in ("json", "table", "junit", "markdown"):
        with_route, without = _both(monkeypatch, "check", *argv, "--format", form)
        assert with_route == without
    assert taken == [True, False] * 4  # taken, and declined when turned off


@pytest.mark.parametrize(
    "options",
    [
        ("--engine", "reference"),
        ("--encoding", "utf-8"),
    ],
)
def test_other_engines_and_options_keep_the_readers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, options: tuple[str, ...]
) -> None:
    register, log = _files(tmp_path)
    called = []
    monkeypatch.setattr(direct, "read_files", lambda *a, **k: called.append(a))
    run("check", RULEBOOK, *records_options(register, log), *options)
    assert not called


# -- declined on every form the readers read otherwise ------------------------------


def _mutated(rows: list[list[str]], row: int, column: int, value: str) -> list[list[str]]:
    changed = [list(r) for r in rows]
    changed[row][column] = value
    return changed


REGISTER_FORMS = {
    "unit with spaces": (0, " U5"),
    "unit full-width": (0, "Ｕ5"),
    "unit missing": (0, ""),
    "unit a marker": (0, "NA"),
    "unit given twice": (0, "U1"),
    "unit with a tab": (0, "U5\t"),
    "name with spaces": (1, " 单位 "),
    "name full-width": (1, "ｎａｍｅ"),
    "category missing": (3, ""),
    "category a marker": (3, "无"),
    "risk level not a code": (4, "A"),
    "risk level upper case": (4, "HIGH"),
    "risk level with a space": (4, "high "),
    "risk level a marker": (4, "NA"),
    "date not a date": (6, "2024-02-30"),
    "date before 1900": (6, "1850-01-01"),
    "closed before registered": (7, "2001-01-01"),
    "flag not a flag": (8, "maybe"),
}


LOG_FORMS = {
    "inspection given twice": (0, "J1"),
    "inspection with a space": (0, "J5 "),
    "inspection a marker": (0, "null"),
    "inspection full-width": (0, "Ｊ5"),
    "unit unknown": (1, "U999"),
    "unit missing": (1, ""),
    "unit with spaces": (1, " U1"),
    "date missing": (2, ""),
    "date no such day": (2, "2024-02-30"),
    "date a marker": (2, "—"),
    "date after 2200": (2, "2201-01-01"),
    "date of three digits": (2, "202-01-01"),
    "date in another form": (2, "2024/3/5"),
    "date in Chinese": (2, "2024年3月5日"),
    "date compact": (2, "20240305"),
    "date an Excel serial": (2, "45356"),
    "date with a time": (2, "2024-03-05 14:30"),
    "date with a word after it": (2, "2024-03-05 上午"),
    "date with a T and a time": (2, "2024-03-05T00:00"),
    "kind a label": (3, "日常监督检查"),
    "kind not a code": (3, "bogus"),
    "result upper case": (4, "COMPLIANT"),
    "result with a space": (4, " compliant"),
}


FORMS = {
    **{f"register: {form}": ("register", *change) for form, change in REGISTER_FORMS.items()},
    **{f"log: {form}": ("log", *change) for form, change in LOG_FORMS.items()},
}


@pytest.mark.parametrize("form", sorted(FORMS))
def test_the_route_declines_a_value_not_plain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, form: str
) -> None:
    """One cell of a plain register or log written as the readers read
    otherwise, or reject: the route declines, the output is the readers'."""
    table, column, value = FORMS[form]
    register_rows, log_rows = _clean_register(30), _clean_log(30, 50)
    if table == "register":
        register_rows = _mutated(register_rows, 5, column, value)
    else:
        log_rows = _mutated(log_rows, 7, column, value)
    register = _write(tmp_path / "register.csv", REGISTER, register_rows)
    log = _write(tmp_path / "log.csv", LOG, log_rows)
    assert not _taken(register, log)
    argv = ("check", RULEBOOK, *records_options(register, log), "--format", "json")
    with_route, without = _both(monkeypatch, *argv)
    assert with_route == without


@pytest.mark.parametrize("inspections", [50, 300])
@pytest.mark.parametrize("unit", [None, "U999", ""])
def test_the_log_units_are_proven_in_the_register_by_either_pass(
    tmp_path: Path, inspections: int, unit: str | None
) -> None:
    """Every log row's unit in the register, proven by an anti-join of the
    log's rows (a log of fewer than two rows a unit) or of its distinct
    units (more: `_log_proofs`): a unit the register does not hold, or none,
    declines either way."""
    log_rows = _clean_log(30, inspections)
    if unit is not None:
        log_rows = _mutated(log_rows, inspections - 3, 1, unit)
    register = _write(tmp_path / "register.csv", REGISTER, _clean_register(30))
    log = _write(tmp_path / "log.csv", LOG, log_rows)
    assert _taken(register, log) == (unit is None)


FILE_FORMS: dict[str, Any] = {
    "GB18030": {"encoding": "gb18030"},
    "quoted fields": {"quoting": csv.QUOTE_ALL},
}


@pytest.mark.parametrize("form", sorted(FILE_FORMS))
def test_the_route_declines_a_file_not_plain(tmp_path: Path, form: str) -> None:
    register = _write(tmp_path / "register.csv", REGISTER, _clean_register(30), **FILE_FORMS[form])
    log = _write(tmp_path / "log.csv", LOG, _clean_log(30, 50))
    assert not _taken(register, log)


def _bytes_changed(tmp_path: Path, change: Any) -> tuple[Path, Path]:
    register, log = _files(tmp_path)
    log.write_bytes(change(log.read_bytes()))
    return register, log


BYTE_FORMS = {
    "an empty line": lambda b: b.replace(b"\nJ3,", b"\n\nJ3,", 1),
    "a blank row": lambda b: b.replace(b"\nJ3,", b"\n,,,,\nJ3,", 1),
    "a row of spaces": lambda b: b.replace(b"\nJ3,", b"\n  \nJ3,", 1),
    "a short row": lambda b: b.replace(b"\nJ3,", b"\nJ99,U1\nJ3,", 1),
    "a long row": lambda b: b.replace(b"\nJ3,", b"\nJ99,U1,2024-01-01,routine,compliant,x\nJ3,", 1),
    "a quotation mark": lambda b: b.replace(b"\nJ3,", b'\nJ"3,', 1),
    "a quoted field": lambda b: b.replace(b"\nJ3,", b'\n"J3",', 1),
    "a quoted line break": lambda b: b.replace(b"\nJ3,", b'\n"J\n3",', 1),
    "a NUL": lambda b: b.replace(b"\nJ3,", b"\nJ\x003,", 1),
    "a control character": lambda b: b.replace(b"\nJ3,", b"\nJ\x1f3,", 1),
    "a lone carriage return": lambda b: b.replace(b"\nJ3,", b"\rJ3,", 1),
    "text not UTF-8": lambda b: b.replace(b"\nJ3,", b"\nJ\xff3,", 1),
    "the file in UTF-16": lambda b: b.decode().encode("utf-16"),
    "an empty line at the end": lambda b: b + b"\n",
}


@pytest.mark.parametrize("form", sorted(BYTE_FORMS))
def test_the_route_declines_a_file_with(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, form: str
) -> None:
    register, log = _bytes_changed(tmp_path, BYTE_FORMS[form])
    assert not _taken(register, log)
    argv = ("check", RULEBOOK, *records_options(register, log), "--format", "json")
    with_route, without = _both(monkeypatch, *argv)
    assert with_route == without


PLAIN_FORMS: dict[str, Any] = {
    "CRLF": {"ending": "\r\n"},
    "a byte-order mark": {"encoding": "utf-8-bom"},
    "tabs": {"delimiter": "\t"},
    "semicolons": {"delimiter": ";"},
}


@pytest.mark.parametrize("form", sorted(PLAIN_FORMS))
def test_the_route_takes_plain_files_in_other_forms(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, form: str
) -> None:
    options = PLAIN_FORMS[form]
    register = _write(tmp_path / "register.tsv", REGISTER, _clean_register(30), **options)
    log = _write(tmp_path / "log.txt", LOG, _clean_log(30, 80), **options)
    assert _taken(register, log)
    argv = ("check", RULEBOOK, *records_options(register, log), "--format", "json")
    with_route, without = _both(monkeypatch, *argv)
    assert with_route == without


def test_values_read_to_others_are_mapped_in_duckdb(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Codes, flags and markers the readers read to something else than
    themselves: the route maps each, the results the readers'."""
    rows = _clean_register(30)
    rows[1][2] = " 莱山区 "  # a district with spaces
    rows[3][8] = "是"  # a flag in Chinese
    rows[4][9] = "Y"
    rows[7][1] = "—"  # no name
    rows[8][3] = "other_code"  # another category: a note
    register = _write(tmp_path / "register.csv", REGISTER, rows)
    log_rows = _clean_log(30, 80)
    log_rows[3][2] = " 2024-3-5 "  # a date DuckDB reads as the readers
    log_rows[5][0] = ""  # no inspection id
    log_rows[6][3] = ""  # no kind
    log = _write(tmp_path / "log.csv", LOG, log_rows)
    assert _taken(register, log)
    argv = ("check", RULEBOOK, *records_options(register, log), "--format", "json")
    with_route, without = _both(monkeypatch, *argv)
    assert with_route == without
    assert "other_code" in with_route[1]


def test_a_mapping_is_read_as_the_readers_read_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(
        '[register.columns]\nunit = "统一社会信用代码"\n'
        '[register.codes.category]\n"餐饮" = "catering"\n'
        '[register.codes.internet_bright_kitchen]\n"已接入" = true\n'
        '[log.columns]\ndate = "检查日期"\n',
        encoding="utf-8",
    )
    rows = _clean_register(30)
    rows[2][3] = "餐饮"
    rows[4][9] = "已接入"
    register = _write(tmp_path / "register.csv", ["统一社会信用代码", *REGISTER[1:]], rows)
    log = _write(tmp_path / "log.csv", [*LOG[:2], "检查日期", *LOG[3:]], _clean_log(30, 50))
    assert _taken(register, log, mapping)
    argv = ("check", RULEBOOK, *records_options(register, log))
    with_route, without = _both(monkeypatch, *argv, "--mapping", str(mapping), "--format", "json")
    assert with_route == without


@pytest.mark.parametrize(
    "options",
    [
        ("--log-until", "2024-06-30"),  # rows after it: doubtful dates, named by row
        ("--log-from", "2024-01-01"),
        ("--by-district",),
        ("--strict", "--log-until", "2024-06-30"),
    ],
)
def test_options_on_the_route(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, options: tuple[str, ...]
) -> None:
    register, log = _files(tmp_path)
    argv = ("check", RULEBOOK, *records_options(register, log), *options)
    with_route, without = _both(monkeypatch, *argv, "--format", "json")
    assert with_route == without
    if "--strict" not in options and "--log-until" in options:
        assert "doubtful" in with_route[1]


def test_a_register_without_a_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    register, _ = _files(tmp_path)
    assert _taken(register, None)
    with_route, without = _both(monkeypatch, "check", RULEBOOK, "--register", str(register))
    assert with_route == without


def test_row_numbers_across_duckdb_buffers(tmp_path: Path) -> None:
    """A log longer than DuckDB reads at once (read in parallel): its rows in
    the file's order, numbered as the readers number them."""
    from qrules._columns import read_records  # noqa: PLC0415

    register, log = _files(tmp_path, units=500, inspections=400_000)
    found = direct.read_files(str(register), str(log))
    assert found is not None
    try:
        readers = read_records(str(register), str(log))
        assert found.log is not None
        assert readers[1] is not None
        columns = found.log.rows.columns().table  # type: ignore[attr-defined]
        theirs = readers[1].rows.table.select(columns.column_names)  # type: ignore[attr-defined]
        assert columns.equals(theirs.cast(columns.schema))
    finally:
        found.close()


# -- safety ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["reg*.csv", "reg'.csv", "reg?.csv", "reg[1].csv", "r{a,b}.csv"])
def test_a_path_is_never_read_as_a_pattern_or_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    register, log = _files(tmp_path)
    (tmp_path / "register2.csv").write_bytes(b"unit,category\nX,catering\n")  # a glob's match
    odd = register.rename(tmp_path / name)
    assert _taken(odd, log)
    argv = ("check", RULEBOOK, *records_options(odd, log), "--format", "json")
    with_route, without = _both(monkeypatch, *argv)
    assert with_route == without
    assert json.loads(with_route[1])["records"][0]["rows_read"] == 30


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_a_folder_and_a_missing_file_are_declined(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, log = _files(tmp_path)
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    for source in (fifo, folder, tmp_path / "missing.csv"):
        assert not _taken(source, log)  # returns at once: a FIFO is never waited on
        with_route, without = _both(monkeypatch, "check", RULEBOOK, *records_options(source, log))
        assert with_route == without
        assert with_route[0] == 2


def test_a_symlink_is_read_as_the_readers_read_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    register, log = _files(tmp_path)
    link = tmp_path / "link.csv"
    link.symlink_to(register)
    assert _taken(link, log)
    argv = ("check", RULEBOOK, *records_options(link, log), "--format", "json")
    with_route, without = _both(monkeypatch, *argv)
    assert with_route == without


def test_the_connection_reads_nothing_more_from_outside(tmp_path: Path) -> None:
    import duckdb  # noqa: PLC0415

    register, log = _files(tmp_path)
    found = direct.read_files(str(register), str(log))
    assert found is not None
    try:
        with pytest.raises(duckdb.Error):
            found.connection.execute(f"SELECT * FROM read_csv('{register}')")
        with pytest.raises(duckdb.Error):
            found.connection.execute("SET enable_external_access = true")
    finally:
        found.close()


# -- the oracle: generated office files, with the route and without ------------------


@st.composite
def _office_files(draw: st.DrawFn, tmp: Path) -> tuple[Path, Path, list[str], bool]:
    """A register and a log mostly plain, each cell now and then one of the
    messy forms the readers know (`tests.test_columns`' values), and the file
    now and then in another form (encoding, line ends, quotation marks,
    delimiter, blank lines, misaligned rows); and whether they are plain
    (made so: the route must be taken)."""
    units = draw(st.integers(1, 12))
    mess = draw(st.sampled_from([0, 0, 30, 8]))  # a messy cell one time in `mess` (0: never)

    def cell(column: str, clean: str) -> str:
        if mess and draw(st.integers(0, mess - 1)) == 0:
            return str(draw(st.sampled_from(VALUES.get(column) or VALUES["bright_kitchen"])))
        return clean

    register_rows = [
        [cell(c, v) for c, v in zip(REGISTER, row, strict=True)] for row in _clean_register(units)
    ]
    log_rows = [
        [cell(c, v) for c, v in zip(LOG, row, strict=True)]
        for row in _clean_log(units, draw(st.integers(0, 40)))
    ]
    plain = not mess
    if draw(st.integers(0, 5)) == 0 and log_rows:
        log_rows.append(list(draw(st.sampled_from(log_rows))))  # a row given twice
        plain = False
    if draw(st.integers(0, 5)) == 0:
        log_rows.insert(0, ["J-x", "U404", "2024-01-01", "routine", "compliant"])  # unknown unit
        plain = False
    if draw(st.integers(0, 6)) == 0:
        log_rows.append(["J-f", "U0", "2099-01-01", "routine", "compliant"])  # a future date
    if draw(st.integers(0, 8)) == 0:
        register_rows.insert(draw(st.integers(0, len(register_rows))), [])  # an empty line
        plain = False
    if draw(st.integers(0, 8)) == 0 and log_rows:
        log_rows[0] = log_rows[0][: draw(st.integers(1, 4))]  # a short row
        plain = False
    options: dict[str, Any] = {
        "delimiter": draw(st.sampled_from([",", ",", "\t", ";"])),
        "ending": draw(st.sampled_from(["\n", "\n", "\r\n"])),
        "encoding": draw(st.sampled_from(["utf-8", "utf-8", "utf-8-bom", "gb18030"])),
        "quoting": draw(st.sampled_from([csv.QUOTE_MINIMAL] * 3 + [csv.QUOTE_ALL])),
    }
    register = _write(tmp / "register.csv", REGISTER, register_rows, **options)
    log = _write(tmp / "log.csv", LOG, log_rows, **options)
    extra = draw(
        st.sampled_from(
            [[], [], ["--log-until", "2024-12-31"], ["--log-from", "2024-01-01"], ["--strict"]]
        )
    )
    plain = plain and options["encoding"] != "gb18030" and options["quoting"] != csv.QUOTE_ALL
    return register, log, extra, plain


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_the_command_line_says_the_same_with_the_route_and_without(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: st.DataObject
) -> None:
    register, log, extra, plain = data.draw(_office_files(tmp_path))
    if plain:  # not vacuous: the files made plain take the route
        assert _taken(register, log)
    argv = ("check", RULEBOOK, *records_options(register, log), *extra)
    for form in ("json", "table"):
        with_route, without = _both(monkeypatch, *argv, "--format", form)
        assert with_route == without


def test_a_mapping_file_with_problems_is_the_readers(tmp_path: Path) -> None:
    register, log = _files(tmp_path)
    bad = tmp_path / "mapping.toml"
    bad.write_text("[nothing]\n", encoding="utf-8")
    assert direct.read_files(str(register), str(log), mapping=str(bad)) is None
    code, _, _ = run("check", RULEBOOK, "--register", str(register), "--mapping", str(bad))
    assert code == 2


# -- DuckDB's parsers, held to the readers' -------------------------------------------


def _one_row_log(tmp: Path, date: str, kind: str) -> tuple[Path, Path]:
    register = _write(tmp / "register.csv", REGISTER, _clean_register(1))
    log = tmp / "log.csv"
    log.write_bytes(f"inspection,unit,date,kind,result\nJ1,U0,{date},{kind},compliant\n".encode())
    return register, log


_DIGITS = st.text(alphabet="0123456789", min_size=0, max_size=5)
_SPACES = st.sampled_from(["", " ", "  ", "\u3000", "\u00a0", "\t"])


@st.composite
def _date_texts(draw: st.DrawFn) -> str:
    """Texts near a date written ``%Y-%m-%d``: spaces, digits too few or too
    many, other separators, a sign, a time, other characters."""
    separators = st.sampled_from(["-", "-", "-", "/", ".", " ", "--", "年", ""])
    built = (
        draw(_SPACES)
        + draw(st.sampled_from(["", "", "+", "-", "0"]))
        + draw(_DIGITS)
        + draw(separators)
        + draw(_DIGITS)
        + draw(separators)
        + draw(_DIGITS)
        + draw(_SPACES)
        + draw(st.sampled_from(["", "", "", "x", " 12:00", "T00:00", "日", "Z"]))
    )
    day = draw(st.dates(dt.date(1850, 1, 1), dt.date(2250, 12, 31)))
    widths = [draw(st.integers(1, 5)), draw(st.integers(1, 3)), draw(st.integers(1, 3))]
    written = (
        draw(_SPACES)
        + f"{day.year:0{widths[0]}d}-{day.month:0{widths[1]}d}-{day.day:0{widths[2]}d}"
        + draw(_SPACES)
    )
    return draw(
        st.sampled_from([built, written, written])
        | st.sampled_from([d for d in VALUES["date"] if "\n" not in d])
        | st.text(alphabet="0123456789-/.: T+年月日", max_size=14)
        # (words DuckDB's parser takes as days: epoch, infinity)
        | st.sampled_from(["epoch", " Epoch ", "EPOCH", "infinity", "-Infinity"])
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_date_texts())
def test_a_date_duckdb_reads_is_the_readers_date(tmp_path_factory: Any, text: str) -> None:
    """Every text DuckDB's parser of ``%Y-%m-%d`` takes as a date (and the
    route keeps: 1900 to 2200) is read by `parse_date` to the same day; any
    other declines the route."""
    from qrules.records.read import parse_date  # noqa: PLC0415

    if any(c in text for c in ',"\r\n'):
        return  # not one cell of a plain file
    register, log = _one_row_log(tmp_path_factory.mktemp("d"), text, "routine")
    found = direct.read_files(str(register), str(log))
    try:
        expected = parse_date(text)
    except ValueError:
        assert found is None
        return
    if found is None:
        return  # declined: the readers read it
    try:
        assert found.log is not None
        assert [i.date for i in found.log] == [expected]
    finally:
        found.close()


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2024-03-05", dt.date(2024, 3, 5)),
        (" 2024-3-5 ", dt.date(2024, 3, 5)),
        ("1900-01-01", dt.date(1900, 1, 1)),
        ("2200-12-31", dt.date(2200, 12, 31)),
        ("1899-12-31", None),
        ("2201-01-01", None),
        ("202-01-01", None),
        ("02024-03-05", None),
        ("2024-02-30", None),
        ("2024/03/05", None),
        ("epoch", None),  # 1970-01-01 to DuckDB's parser
        ("1970-01-01", None),  # what epoch reads to: declined as well
        ("0-03-01", None),  # 1 BC to DuckDB's parser
    ],
)
def test_dates_duckdb_reads_or_not(tmp_path: Path, text: str, day: dt.date | None) -> None:
    """The property test above is not vacuous: these are taken, those declined."""
    register, log = _one_row_log(tmp_path, text, "routine")
    found = direct.read_files(str(register), str(log))
    assert (found is not None) == (day is not None)
    if found is not None:
        try:
            assert found.log is not None
            assert [i.date for i in found.log] == [day]
        finally:
            found.close()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.sampled_from([*KINDS, "", "NA", "无"]).flatmap(
        lambda code: st.sampled_from(
            [code, code.upper(), code.title(), f" {code}", f"{code} ", f"{code}\u3000"]
        )
    )
    | st.text(alphabet="routinesymRSTU _-ｒ", max_size=10)
)
def test_a_code_duckdb_reads_is_the_readers_code(tmp_path_factory: Any, text: str) -> None:
    """A code of a closed set that DuckDB's ENUM takes is one the readers read
    to itself; any other declines the route."""
    register, log = _one_row_log(tmp_path_factory.mktemp("k"), "2024-03-05", text)
    found = direct.read_files(str(register), str(log))
    if found is None:
        return
    try:
        assert found.log is not None
        kinds = [i.kind for i in found.log]
        assert kinds == [text or None]
        assert text in ("", *KINDS)
    finally:
        found.close()


@settings(max_examples=100, deadline=None)
@given(
    data=st.binary(max_size=300)
    | st.lists(st.sampled_from([b"a,b", b"\r", b"\n", b"\t", b"\x01", b"\r\n"])).map(b"".join)
)
def test_lines_are_counted_alike_with_numpy_or_without(data: bytes) -> None:
    pytest.importorskip("numpy")
    plain, counted = direct._counter(0), direct._counter(1 << 40)
    assert plain(memoryview(data)) == counted(memoryview(data)) or not data


def test_a_field_longer_than_the_readers_read_is_theirs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    register, log = _files(tmp_path)
    rows = _clean_register(30)
    rows[3][1] = "x" * 131_073  # MAX_CSV_FIELD_CHARS + 1: the csv module refuses it
    _write(register, REGISTER, rows)
    assert not _taken(register, log)
    with_route, without = _both(monkeypatch, "check", RULEBOOK, *records_options(register, log))
    assert with_route == without
    assert with_route[0] == 2


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"))
    | st.text(alphabet="'\\\"% _\n\r\t$?;-/*", max_size=12)
)
def test_a_literal_is_read_back_by_duckdb_unchanged(text: str) -> None:
    """The route writes its texts (codes, flags, their readings) as DuckDB
    literals without sqlglot: DuckDB reads each back as it was, quotes,
    backslashes and all."""
    import duckdb  # noqa: PLC0415

    with duckdb.connect() as connection:
        found = connection.execute(f"SELECT {direct._literal(text)}").fetchall()
    assert found == [(text,)]


@pytest.mark.parametrize("text", ["a\x00b", "\ud800", "x\udfff"])
def test_a_text_duckdb_cannot_hold_declines(text: str) -> None:
    with pytest.raises(direct._Declined):
        direct._literal(text)


def test_literals_of_none_and_a_date() -> None:
    import duckdb  # noqa: PLC0415

    with duckdb.connect() as connection:
        found = connection.execute(
            f"SELECT {direct._literal(None)}, {direct._literal(dt.date(2024, 2, 29))}"
        ).fetchall()
    assert found == [(None, dt.date(2024, 2, 29))]


#: The command line on two files in a new process: its output, whether the
#: route was taken, and whether sqlglot was imported.
_ROUTE = """
import io, sys
from qrules.records import direct
from qrules.cli import main
real, taken = direct.read_files, []
def spy(*args, **kwargs):
    found = real(*args, **kwargs)
    taken.append(found is not None)
    return found
direct.read_files = spy
out = io.StringIO()
code = main(["check", "yantai-2023-2025", "--register", sys.argv[1], "--log", sys.argv[2],
             "--log-until", "2025-12-31", "--format", "json"], stdout=out, stderr=io.StringIO())
print(code, taken, "pyarrow" in sys.modules, "sqlglot" in sys.modules)
print(out.getvalue())
"""


def test_the_route_with_its_queries_kept_runs_without_sqlglot(tmp_path: Path) -> None:
    """Run again with the generated queries kept (`engines._sqltext`), the
    route imports no sqlglot at all (its literals are its own), nor pyarrow
    (the counts fetched as rows: `engines.sql._fetched`), and says the same
    as in a process where pyarrow is imported (fetched as Arrow)."""
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    register, log = _files(tmp_path, 300, 3000)
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(__file__).parents[1] / "src"),
        "QRULES_CACHE_DIR": str(tmp_path / "cache"),
    }
    found = [
        subprocess.run(
            [sys.executable, "-c", _ROUTE, str(register), str(log)],
            capture_output=True,
            text=True,
            check=True,
            env=env,
            timeout=300,
        ).stdout.split("\n", 1)
        for _ in range(2)
    ]
    code, out, _ = run(
        "check", RULEBOOK, *records_options(register, log),
        "--log-until", "2025-12-31", "--format", "json",
    )  # fmt: skip
    assert found[0][0].startswith(f"{code} [True] False ")
    assert found[1][0] == f"{code} [True] False False"
    assert found[0][1] == found[1][1] == out + "\n"
    assert json.loads(out)["results"]


_HEAD_PARTS = st.sampled_from(
    [
        "unit",
        "category",
        "单位",
        '"unit"',
        '"a,b"',
        "date",
        "x" * 70_000,
        "名" * 20_000,
        ",",
        "\t",
        ";",
        '"',
        "\ufeff",
        "\r\n",
        "\n",
        "\r",
        "U1",
        "\x00",
        "\x01",
    ]
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    parts=st.lists(_HEAD_PARTS, max_size=12),
    bom=st.booleans(),
    tail=st.sampled_from([b"", b"\xff", b"\xe5\x8d", b"\xed\xa0\x80", "单位".encode("gb18030")]),
)
def test_the_head_read_from_the_start_is_the_readers_head(
    tmp_path_factory: Any, parts: list[str], bom: bool, tail: bytes
) -> None:
    """The route reads a file's head from its start (`_head`) and proves the
    rest in its pass over the whole file (`_lines`): whenever both take the
    file, the head is the one `csv_head` finds reading all of it."""
    from qrules._columns import csv_head  # noqa: PLC0415

    data = (b"\xef\xbb\xbf" if bom else b"") + "".join(parts).encode("utf-8") + tail
    path = tmp_path_factory.mktemp("h") / "f.csv"
    path.write_bytes(data)
    descriptor = os.open(path, os.O_RDONLY)
    try:
        head, line_end, _ = direct._head(descriptor)
        direct._lines(descriptor, head.delimiter, line_end)
    except direct._Declined:
        return
    finally:
        os.close(descriptor)
    assert csv_head(path, None) == head
    assert head.data is None
    assert head.quoted is not True


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ids=st.lists(
        st.sampled_from(["J", "JX", "", "J0", "K", "a-", "_"]).flatmap(
            lambda prefix: (
                st.integers(0, 40).map(lambda n: f"{prefix}{n}")
                | st.integers(0, 40).map(lambda n: f"{prefix}{n:04d}")
                | st.sampled_from([f"{prefix}x", f"{prefix}9223372036854775808", f"{prefix}-3"])
            )
        ),
        min_size=1,
        max_size=12,
    )
)
def test_inspection_ids_given_twice_are_found_by_numbers_or_hashes(
    tmp_path_factory: Any, ids: list[str]
) -> None:
    """Inspection ids are proven distinct by their numbers (a map of bits) or,
    where numbers repeat or are missing, by their hashes: the route is taken
    exactly when no id is given twice (everything else being plain), and
    then reads every row as the readers do."""
    from qrules._columns import read_records  # noqa: PLC0415

    folder = tmp_path_factory.mktemp("ids")
    register = _write(folder / "register.csv", REGISTER, _clean_register(30))
    rows = _clean_log(30, len(ids))
    for row, inspection in zip(rows, ids, strict=True):
        row[0] = inspection
    log = _write(folder / "log.csv", LOG, rows)
    found = direct.read_files(str(register), str(log))
    assert (found is not None) == (len(set(ids)) == len(ids))
    if found is not None:
        try:
            assert found.log == read_records(str(register), str(log))[1]
        finally:
            found.close()


@pytest.mark.parametrize(
    ("ids", "numbered"),
    [
        (["J1", "J2", "J3"], True),
        (["J1", "J01"], True),  # numbers repeat, ids do not: the hashes tell
        (["INS-7", "INS-8"], True),
        (["1", "2", "x"], False),  # an id without a number: the hashes alone
        (["J1", "J100000000000"], False),  # numbers too far apart for a map of bits
    ],
)
def test_ids_read_as_numbers_where_they_can_be(
    tmp_path: Path, ids: list[str], numbered: bool
) -> None:
    register = _write(tmp_path / "register.csv", REGISTER, _clean_register(30))
    rows = _clean_log(30, len(ids))
    for row, inspection in zip(rows, ids, strict=True):
        row[0] = inspection
    log = _write(tmp_path / "log.csv", LOG, rows)
    seen: list[bool] = []
    real = direct._Table.repeated

    def spy(self: Any) -> str:
        seen.append(True)
        return real(self)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(direct._Table, "repeated", spy)
        found = direct.read_files(str(register), str(log))
    assert found is not None
    found.close()
    assert bool(seen) == (not numbered or len({int(i.lstrip("JINS-")) for i in ids}) < len(ids))
