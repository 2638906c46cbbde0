"""Merged cells and hidden rows and columns of `.xlsx` sheets (session 12, `qrules._xlsx`).

openpyxl's read-only reader reads a merged range as its first cell and empty
cells: a ``district`` or ``category`` merged down over its units read as
missing for all but the first. A merged range in a column read now reads as
its first cell's value in every row it covers, as the office sees it, in
registers, logs and figures alike; a range that means nothing as data is an
error naming it; hidden rows and columns are read and named in the notes.
Every workbook here is built with openpyxl, the merges and hidden rows as
Excel writes them.
"""

from __future__ import annotations

import io
import re
import signal
import zipfile
from collections.abc import Sequence
from pathlib import Path

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

import qrules
from qrules import _tabular, _xlsx
from qrules.records import read as rows_read
from tests.conftest import log_year, records_options, run

openpyxl = pytest.importorskip("openpyxl")

YEAR = log_year(2024)


def workbook(
    path: Path,
    rows: Sequence[Sequence[object]],
    *,
    merged: Sequence[str] = (),
    hidden_rows: Sequence[int] = (),
    hidden_columns: Sequence[str] = (),
    filtered: bool = False,
    title: str | None = None,
) -> Path:
    """A workbook of one sheet: ``rows`` written, then ``merged`` merged (which
    empties every cell of a range but its first, as Excel does), rows and
    columns hidden."""
    book = openpyxl.Workbook()
    sheet = book.active
    if title is not None:
        sheet.title = title
    for row in rows:
        sheet.append(list(row))
    for ref in merged:
        sheet.merge_cells(ref)
    for number in hidden_rows:
        sheet.row_dimensions[number].hidden = True
    for letter in hidden_columns:
        sheet.column_dimensions[letter].hidden = True
    if filtered:
        sheet.auto_filter.ref = sheet.dimensions
    book.save(path)
    return path


def edited(path: Path, change: dict[str, str], part: str = "xl/worksheets/sheet1.xml") -> Path:
    """The workbook with a part's XML (its sheet's) edited (``old`` → ``new``),
    as other writers write it."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    xml = parts[part].decode()
    for old, new in change.items():
        assert old in xml, old
        xml = xml.replace(old, new)
    parts[part] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


REGISTER = [
    ["unit", "name", "district", "category", "risk_level", "registered", "closed"],
    ["C1", "甲餐饮", "芝罘区", "catering", "high", "2020-01-01", None],
    ["C2", "乙餐饮", "芝罘区", "catering", "high", "2020-01-01", None],
    ["C3", "丙餐饮", "芝罘区", "catering", "high", "2020-01-01", None],
    ["C4", "丁餐饮", "福山区", "catering", "high", "2020-01-01", None],
]
#: The register as an office lays it out: the district and category merged
#: down over their units, the risk level over two.
MERGED = ("C2:C4", "D2:D5", "E2:E3")


def units(register: qrules.Register) -> list[tuple[object, ...]]:
    return [
        (
            u.unit,
            u.name,
            u.district,
            u.category,
            u.risk_level,
            u.registered,
            u.closed,
            u.flags,
            u.row,
        )
        for u in register.units
    ]


# -- registers ------------------------------------------------------------------


def test_a_register_with_its_district_and_category_merged_reads_them_for_every_unit(
    tmp_path: Path,
) -> None:
    plain = qrules.read_register(workbook(tmp_path / "plain.xlsx", REGISTER))
    merged = workbook(tmp_path / "merged.xlsx", REGISTER, merged=MERGED)
    for read in (qrules.read_register, rows_read.read_register):  # column-wise and row reader
        register = read(merged)
        assert units(register) == units(plain)
        assert register.rows_rejected == 0
        assert [n.en for n in register.notes] == [
            "merged cells read as their first cell's value, as the sheet shows them: "
            "C2:C4 (column 'district' (C), rows 3-4); D2:D5 (column 'category' (D), rows 3-5); "
            "E2:E3 (column 'risk_level' (E), rows 3)"
        ]
        assert [n.zh for n in register.notes] == [
            "合并单元格按其第一个单元格的值读取,与表中所见一致:"
            "C2:C4(列 'district' (C),第 3-4 行)、D2:D5(列 'category' (D),第 3-5 行)、"
            "E2:E3(列 'risk_level' (E),第 3 行)"
        ]


def test_before_the_merged_units_were_of_unknown_membership(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reading before, as openpyxl's read-only reader gives the cells (the
    layout's scan turned off): every merged cell but the first empty."""
    path = workbook(tmp_path / "merged.xlsx", REGISTER, merged=MERGED)
    monkeypatch.setattr(_tabular, "sheet_layout", lambda *_: _xlsx.SheetLayout())
    register = qrules.read_register(path)
    assert [u.unit for u in register.units] == ["C1"]
    assert [(u.unit, u.values["district"]) for u in register.rejected] == [
        ("C2", None),
        ("C3", None),
        ("C4", "福山区"),
    ]
    assert register.notes == ()


def test_a_merged_flag_reads_as_shown_never_as_an_empty_false(
    tmp_path: Path, yantai: qrules.Rulebook
) -> None:
    """An empty flag cell reads as false: a "是" merged over three central
    kitchens read as enrolled for the first only (not met, falsely)."""
    rows = [
        ["unit", "category", "internet_bright_kitchen"],
        ["K1", "central_kitchen", "是"],
        ["K2", "central_kitchen", None],
        ["K3", "central_kitchen", None],
    ]
    path = workbook(tmp_path / "register.xlsx", rows, merged=["C2:C4"])
    register = qrules.read_register(path)
    assert [u.flags for u in register.units] == [frozenset({"internet_bright_kitchen"})] * 3
    evaluation = qrules.evaluate_records(
        yantai,
        register,
        rules=yantai.select(ids=["central-kitchens-in-internet-bright-kitchen"]),
        log_until="2024-12-31",
    )
    assert {r.verdict.value for r in evaluation.results} == {"met"}


def test_a_unit_id_merged_over_rows_is_one_unit_given_twice_never_several(
    tmp_path: Path,
) -> None:
    rows = [
        ["unit", "category", "risk_level"],
        ["C1", "catering", "high"],
        [None, "catering", "low"],
    ]
    register = qrules.read_register(workbook(tmp_path / "r.xlsx", rows, merged=["A2:A3"]))
    assert register.rows_rejected == 2  # the same unit with another risk level: which holds?
    assert [u.row for u in register.rejected] == [2, 3]
    assert "unit 'C1' is given again in row 3" in " ".join(p.message for p in register.problems)


def test_hidden_rows_and_columns_are_read_and_named(tmp_path: Path) -> None:
    path = workbook(tmp_path / "r.xlsx", REGISTER, hidden_rows=[3, 5], hidden_columns=["B", "H"])
    register = qrules.read_register(path)
    assert [u.unit for u in register.units] == ["C1", "C2", "C3", "C4"]
    assert [n.en for n in register.notes] == [
        "hidden rows read as any other: rows 3, 5 (delete superseded rows rather than hide them)",
        "hidden columns read as any other: 'name' (B)",  # (H holds nothing read)
    ]
    assert [n.zh for n in register.notes] == [
        "隐藏的行与其他行一样读取:第 3、5 行(作废的行请删除,而不是隐藏)",
        "隐藏的列与其他列一样读取:'name' (B)",
    ]
    filtered = workbook(tmp_path / "f.xlsx", REGISTER, hidden_rows=[2, 3, 4], filtered=True)
    assert [n.en for n in qrules.read_register(filtered).notes] == [
        "hidden rows read as any other: rows 2-4 (the sheet has a filter on: the rows it hides "
        "are read too)"
    ]


@pytest.mark.parametrize(
    ("merged", "message"),
    [
        (
            "F2:G2",
            "cells F2:G2 merge columns of different meanings: 'registered' (F), 'closed' (G)",
        ),
        ("C1:C3", "cells C1:C3 are merged across the header row and data rows"),
        ("B3:C4", "cells B3:C4 merge columns of different meanings: 'name' (B), 'district' (C)"),
    ],
)
def test_a_merge_that_means_nothing_as_data_is_an_error_naming_it(
    tmp_path: Path, merged: str, message: str
) -> None:
    path = workbook(tmp_path / "r.xlsx", REGISTER, merged=[merged])
    with pytest.raises(qrules.DataError, match=re.escape(message)) as raised:
        qrules.read_register(path)
    assert "unmerge them" in str(raised.value)


def test_a_merge_reaching_into_a_column_read_from_one_not_read_is_an_error(
    tmp_path: Path,
) -> None:
    rows = [["备注", "unit", "category"], ["x", "C1", "catering"], [None, "C2", "catering"]]
    with pytest.raises(qrules.DataError, match=re.escape("'备注' (A), 'unit' (B)")):
        qrules.read_register(workbook(tmp_path / "r.xlsx", rows, merged=["A2:B2"]))
    # A merge over columns not read, or from a column read into ones not read, reads.
    rows = [["unit", "category", "备注", "说明"], ["C1", "catering", "x", None]]
    path = workbook(tmp_path / "ok.xlsx", [*rows, ["C2", None, None, None]], merged=["C2:D2"])
    assert len(qrules.read_register(path).units) == 1  # (C2: no category, rejected)
    rows = [["unit", "category", "备注"], ["C1", "catering", None], ["C2", None, None]]
    register = qrules.read_register(workbook(tmp_path / "ok2.xlsx", rows, merged=["B2:C3"]))
    assert [u.category for u in register.units] == ["catering", "catering"]


# -- logs -------------------------------------------------------------------------


LOG = [
    ["inspection", "unit", "date", "kind"],
    ["J1", "C1", "2024-03-01", "routine"],
    ["J2", None, "2024-06-01", "routine"],
    ["J3", "C2", "2024-03-01", "routine"],
    ["J4", None, None, "routine"],
    ["J5", "C3", "2024-03-01", "routine"],
    ["J6", "C3", "2024-09-01", "routine"],
    ["J7", "C4", "2024-03-01", "routine"],
    ["J8", "C4", "2024-04-01", "routine"],
]


def twice_yearly(
    rulebook: qrules.Rulebook, register: qrules.Register, log: qrules.InspectionLog
) -> list[tuple[int, str]]:
    """The verdicts of "high-risk catering units inspected twice a year" in 2024."""
    evaluation = qrules.evaluate_records(
        rulebook,
        register,
        log,
        rules=rulebook.select(ids=["high-risk-catering-units-inspected-twice-yearly"]),
        log_from="2024-01-01",
        log_until="2024-12-31",
    )
    return [(r.year, r.verdict.value) for r in evaluation.results]


def test_a_log_with_units_and_dates_merged_reads_each_inspection(
    tmp_path: Path, yantai: qrules.Rulebook
) -> None:
    register = qrules.read_register(workbook(tmp_path / "r.xlsx", REGISTER, merged=MERGED))
    log_path = workbook(tmp_path / "log.xlsx", LOG, merged=["B2:B3", "B4:B5", "C4:C5"])
    log = qrules.read_log(log_path, register)
    assert [(i.unit, i.date.isoformat()) for i in log.inspections] == [
        ("C1", "2024-03-01"),
        ("C1", "2024-06-01"),
        ("C2", "2024-03-01"),
        ("C2", "2024-03-01"),
        ("C3", "2024-03-01"),
        ("C3", "2024-09-01"),
        ("C4", "2024-03-01"),
        ("C4", "2024-04-01"),
    ]
    assert log.rows_rejected == 0
    assert twice_yearly(yantai, register, log) == [(2024, "met")]


def test_an_inspection_id_merged_over_rows_counts_once_never_twice(
    tmp_path: Path, yantai: qrules.Rulebook
) -> None:
    """One inspection record over two rows (two findings): not two inspections
    (which would meet "twice a year"); the later row is a repeated id,
    rejected, and the verdict unknown."""
    rows = [["unit", "category", "risk_level"], ["C1", "catering", "high"]]
    register = qrules.read_register(workbook(tmp_path / "r.xlsx", rows))
    log_rows = [
        ["inspection", "unit", "date"],
        ["J1", "C1", "2024-03-01"],
        [None, "C1", "2024-03-01"],
    ]
    log = qrules.read_log(workbook(tmp_path / "l.xlsx", log_rows, merged=["A2:A3"]), register)
    assert log.rows_rejected == 1
    assert twice_yearly(yantai, register, log) == [(2024, "unknown")]


def test_the_command_line_on_merged_register_and_log(tmp_path: Path) -> None:
    register = workbook(tmp_path / "register.xlsx", REGISTER, merged=MERGED, hidden_rows=[4])
    log = workbook(tmp_path / "log.xlsx", LOG, merged=["B2:B3", "B4:B5", "C4:C5"])
    argv = ("check", "yantai-2023-2025", *records_options(register, log), *YEAR)
    for engine in ("reference", "duckdb"):
        code, out, err = run(
            *argv, "--engine", engine, "--rule", "high-risk-catering-units-inspected-twice-yearly"
        )
        assert (code, err) == (0, "")
        assert "high-risk-catering-units-inspec…  2024  met      100 (4/4)  == 100" in out
        assert (
            "merged cells read as their first cell's value, as the sheet shows them: C2:C4 "
            "(column 'district' (C), rows 3-4); D2:D5 (column 'category' (D), rows 3-5); "
            "E2:E3 (column 'risk_level' (E), rows 3)\n"
        ) in out
        assert "log log.xlsx: rows read 8 = used 8 + rejected 0\n" in out
        assert (
            "B2:B3 (column 'unit' (B), rows 3); B4:B5 (column 'unit' (B), rows 5); "
            "C4:C5 (column 'date' (C), rows 5)\n"
        ) in out
        assert "hidden rows read as any other: rows 4 (delete superseded" in out
    code, out, _ = run(*argv, "--lang", "zh")
    assert code in (0, 1)
    assert (
        "合并单元格按其第一个单元格的值读取,与表中所见一致:C2:C4(列 'district' (C),第 3-4 行)"
        in out
    )
    assert "隐藏的行与其他行一样读取:第 4 行" in out
    code, out, _ = run(*argv, "--format", "json")
    assert code in (0, 1)
    assert "E2:E3 (column 'risk_level' (E), rows 3)" in out  # (JSON's notes: English)


def test_the_command_line_refuses_a_merge_across_columns_in_one_line(tmp_path: Path) -> None:
    register = workbook(tmp_path / "register.xlsx", REGISTER, merged=["F3:G3"])
    code, out, err = run("check", "yantai-2023-2025", "--register", str(register))
    assert code == 2
    assert out == ""
    assert "cells F3:G3 merge columns of different meanings: 'registered' (F), 'closed' (G)" in err
    assert "Traceback" not in err
    code, _, err = run("check", "yantai-2023-2025", "--register", str(register), "--lang", "zh")
    assert code == 2
    assert "单元格 F3:G3 把含义不同的列合并在一起" in err
    assert "请取消合并,在每一列写该列的值" in err


def test_a_range_stretched_over_blank_rows_makes_no_records_of_them(
    tmp_path: Path, yantai: qrules.Rulebook
) -> None:
    """A unit and a date merged down over the blank rows below a table (a
    layout): those rows are blank, never inspections that meet "twice a year"
    (nor register rows without an id, which leave units' membership unknown)."""
    rows = [["unit", "category", "risk_level"], ["C1", "catering", "high"], [None, "catering"]]
    register = qrules.read_register(workbook(tmp_path / "r.xlsx", rows, merged=["B2:B4"]))
    assert register.rows_rejected == 0
    assert [u.unit for u in register.units] == ["C1"]
    log_rows = [["inspection", "unit", "date", "kind"], ["J1", "C1", "2024-03-01", "routine"]]
    log_path = workbook(tmp_path / "l.xlsx", [*log_rows, [], []], merged=["B2:B4", "C2:C4"])
    for read in (qrules.read_log, rows_read.read_log):
        log = read(log_path, register)
        assert [(i.unit, i.date.isoformat()) for i in log.inspections] == [("C1", "2024-03-01")]
        assert log.rows_rejected == 0
        assert twice_yearly(yantai, register, log) == [(2024, "not_met")]


# -- figures --------------------------------------------------------------------


FIGURES = [
    ["2024年指标完成情况表", None, None, None],
    ["指标名称", "区市", "2024年", "备注"],
    ["一、食品安全", None, None, None],
    ["食品安全抽检合格批次", "芝罘区", 980, None],
    ["食品安全抽检批次", None, 1000, None],
    ["食品安全抽检合格批次", "福山区", 495, None],
    ["食品安全抽检批次", None, 500, None],
]


def figures(dataset: qrules.Dataset) -> set[tuple[str, int, str | None, object]]:
    return {(o.measure, o.year, o.district, o.value) for o in dataset.observations}


def test_a_district_merged_right_of_the_measure_column_is_read_for_each_row(
    tmp_path: Path, yantai: qrules.Rulebook
) -> None:
    """Right of the measure column, a blank district cell is an error (the
    city's figure, or the district's?); a merged one is the district's."""
    merged = ["A1:D1", "A3:D3", "B4:B5", "B6:B7"]
    path = workbook(tmp_path / "figures.xlsx", FIGURES, merged=merged)
    dataset = qrules.read_dataset(path, yantai)
    assert figures(dataset) == {
        ("food_samples_passed", 2024, "芝罘区", 980),
        ("food_samples_tested", 2024, "芝罘区", 1000),
        ("food_samples_passed", 2024, "福山区", 495),
        ("food_samples_tested", 2024, "福山区", 500),
    }
    notes = [n.en for n in dataset.notes]
    assert (
        "merged cells read as their first cell's value, as the sheet shows them: "
        "B4:B5 (column '区市' (B), rows 5); B6:B7 (column '区市' (B), rows 7)"
    ) in notes
    assert "heading rows not read (no measure, no figures): rows 3" in notes
    blank = workbook(tmp_path / "blank.xlsx", FIGURES)
    with pytest.raises(qrules.DataError, match="a blank district cell below"):
        qrules.read_dataset(blank, yantai)


def test_a_figure_merged_over_rows_is_an_error(tmp_path: Path, yantai: qrules.Rulebook) -> None:
    rows = [
        ["区市", "指标名称", "2024年"],
        ["芝罘区", "食品安全抽检合格批次", 980],
        ["福山区", "食品安全抽检合格批次", None],
    ]
    path = workbook(tmp_path / "figures.xlsx", rows, merged=["C2:C3"])
    with pytest.raises(qrules.DataError) as raised:
        qrules.read_dataset(path, yantai)
    assert (
        "cells C2:C3 merge the figures of rows 2-3 into one: whether it is each row's figure "
        "or their total cannot be told"
    ) in str(raised.value)
    code, _, err = run("check", "yantai-2023-2025", str(path), "--lang", "zh")
    assert code == 2
    assert "单元格 C2:C3 把第 2-3 行的数值合并为一个" in err
    assert "请取消合并,在每一行写该行的数(合计另起一行)" in err


def test_a_long_sheet_with_its_year_and_district_merged(
    tmp_path: Path, yantai: qrules.Rulebook
) -> None:
    rows = [
        ["year", "district", "measure", "value"],
        [2024, "芝罘区", "food_samples_passed", 980],
        [None, None, "food_samples_tested", 1000],
        [None, "福山区", "food_samples_passed", 495],
        [None, None, "food_samples_tested", 500],
    ]
    path = workbook(tmp_path / "long.xlsx", rows, merged=["A2:A5", "B2:B3", "B4:B5"])
    assert figures(qrules.read_dataset(path, yantai)) == {
        ("food_samples_passed", 2024, "芝罘区", 980),
        ("food_samples_tested", 2024, "芝罘区", 1000),
        ("food_samples_passed", 2024, "福山区", 495),
        ("food_samples_tested", 2024, "福山区", 500),
    }
    # Without the merges, the rows below read as the city's, of no year: errors.
    with pytest.raises(qrules.DataError, match="not a year"):
        qrules.read_dataset(workbook(tmp_path / "blank.xlsx", rows), yantai)
    # A year merged into the district column: which district?
    full = [rows[0], *([2024, *r[1:]] for r in rows[1:])]
    across = workbook(tmp_path / "across.xlsx", full, merged=["A3:B3"])
    with pytest.raises(qrules.DataError) as raised:
        qrules.read_dataset(across, yantai)
    assert "cells A3:B3 merge columns of different meanings: 'year' (A), 'district' (B)" in str(
        raised.value
    )


def test_a_figures_sheet_with_hidden_rows_reads_them_and_says_so(
    tmp_path: Path, yantai: qrules.Rulebook
) -> None:
    path = workbook(
        tmp_path / "figures.xlsx",
        FIGURES,
        merged=["B4:B5", "B6:B7"],
        hidden_rows=[1, 6, 7],
        hidden_columns=["C", "D"],
    )
    dataset = qrules.read_dataset(path, yantai)
    assert len(dataset.observations) == 4
    notes = [n.en for n in dataset.notes]
    assert (
        "hidden rows read as any other: rows 6-7 (delete superseded rows rather than hide them)"
        in notes
    )
    assert "hidden columns read as any other: '2024年' (C)" in notes  # (备注 is not read)
    code, out, _ = run("check", "yantai-2023-2025", str(path), "--lang", "zh")
    assert code in (0, 1)
    assert "隐藏的行与其他行一样读取:第 6-7 行" in out


# -- the sheet's XML, as writers write it ---------------------------------------------


def test_the_layout_is_read_from_xml_as_other_writers_write_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Single quotes, a ``>`` in an attribute, a namespace prefix, the word
    ``hidden`` in a cell's text, and tags cut by the chunks' ends."""
    path = workbook(tmp_path / "r.xlsx", REGISTER, merged=MERGED, hidden_rows=[3])
    edited(
        path,
        {
            '<row r="3" hidden="1">': "<row note='a>b' r='3' hidden='true'>",
            "甲餐饮": "hidden 甲",
            '<mergeCell ref="C2:C4" />': "<mergeCell  ref = 'C2:C4' />",
        },
    )
    monkeypatch.setattr(_xlsx, "_CHUNK", 7)
    layout = _xlsx.sheet_layout(str(path), "r.xlsx", "Sheet")
    assert sorted(layout.ranges) == [(2, 2, 4, 2), (2, 3, 5, 3), (2, 4, 3, 4)]
    assert list(layout.hidden_rows) == [3]
    assert not layout.filtered
    register = qrules.read_register(path)
    assert [u.district for u in register.units] == ["芝罘区", "芝罘区", "芝罘区", "福山区"]
    assert register.units[0].name == "hidden 甲"


def test_a_prefixed_sheet_and_a_hidden_row_without_a_number(tmp_path: Path) -> None:
    path = workbook(tmp_path / "r.xlsx", REGISTER, merged=["C2:C4"], hidden_rows=[5])
    edited(
        path,
        {
            "<mergeCells": "<x:mergeCells",
            "<mergeCell ": "<x:mergeCell ",
            "</mergeCells>": "</x:mergeCells>",
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">': (
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            ),
        },
    )
    register = qrules.read_register(path)
    assert [u.district for u in register.units] == ["芝罘区", "芝罘区", "芝罘区", "福山区"]
    edited(path, {'<row r="5" hidden="1">': '<row hidden="1">'})
    notes = qrules.read_register(path).notes
    assert notes[-1].en == (
        "hidden rows read as any other: rows the file does not number "
        "(delete superseded rows rather than hide them)"
    )
    assert notes[-1].zh == "隐藏的行与其他行一样读取:文件中未写行号的行(作废的行请删除,而不是隐藏)"


def test_the_sheet_is_found_in_a_workbook_of_the_strict_form(tmp_path: Path) -> None:
    path = workbook(tmp_path / "r.xlsx", REGISTER, merged=["C2:C4"], title="登记")
    edited(
        path,
        {
            "http://schemas.openxmlformats.org/spreadsheetml/2006/main": (
                "http://purl.oclc.org/ooxml/spreadsheetml/main"
            ),
            "http://schemas.openxmlformats.org/officeDocument/2006/relationships": (
                "http://purl.oclc.org/ooxml/officeDocument/relationships"
            ),
        },
        part="xl/workbook.xml",
    )
    assert list(_xlsx.sheet_layout(str(path), "r.xlsx", "登记").ranges) == [(2, 2, 4, 2)]
    assert list(_xlsx.sheet_layout(str(path), "r.xlsx", "其他").ranges) == []


def test_the_sheet_named_is_the_one_whose_layout_is_read(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    first = book.active
    first.title = "说明"
    first.append(["这是说明"])
    first.merge_cells("A1:C9")
    second = book.create_sheet("登记")
    for row in REGISTER:
        second.append(row)
    second.merge_cells("C2:C4")
    path = tmp_path / "book.xlsx"
    book.save(path)
    register = qrules.read_register(path, sheet="登记")
    assert [u.district for u in register.units] == ["芝罘区", "芝罘区", "芝罘区", "福山区"]


def test_a_broken_merge_and_too_many_merges_are_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = edited(
        workbook(tmp_path / "r.xlsx", REGISTER, merged=["C2:C4"]),
        {'ref="C2:C4"': 'ref="C2:ZZZZ4"'},
    )
    code, _, err = run("check", "yantai-2023-2025", "--register", str(path))
    assert code == 2
    assert "merged range 'C2:ZZZZ4' is not a range of cells" in err
    assert "open the file in Excel or LibreOffice and save it again" in err
    code, _, err = run("check", "yantai-2023-2025", "--register", str(path), "--lang", "zh")
    assert code == 2
    assert "合并区域 'C2:ZZZZ4' 不是单元格区域" in err
    monkeypatch.setattr(_xlsx, "MAX_XLSX_MERGES", 2)
    path = workbook(tmp_path / "many.xlsx", REGISTER, merged=MERGED)
    with pytest.raises(qrules.DataError, match="more than 2 merged ranges"):
        qrules.read_register(path)


# -- merged reads as written ------------------------------------------------------------


@st.composite
def merged_registers(draw: st.DrawFn) -> tuple[list[list[object]], list[str]]:
    """A register's rows with every cell written, and vertical ranges of its
    columns (unit ids too) whose cells all hold their first cell's value."""
    count = draw(st.integers(2, 7))
    codes = {
        0: st.sampled_from(["C1", "C2", "C3", "C4", "C5", "C6", "C7"]),
        1: st.sampled_from(["芝罘区", "福山区", None]),
        2: st.sampled_from(["catering", "central_kitchen", "婴幼儿配方乳粉生产企业", None]),
        3: st.sampled_from(["high", "low", "B", None]),
        4: st.sampled_from(["是", "否", "maybe", None]),
    }
    rows = [
        [draw(codes[c]) for c in range(5)] for _ in range(count)
    ]  # (data rows, the sheet's rows 2 to count + 1)
    merged = []
    for column in range(5):
        row = 0
        while row < count:
            length = draw(st.integers(1, count - row))
            if length > 1:
                for below in range(row + 1, row + length):
                    rows[below][column] = rows[row][column]
                letter = "ABCDE"[column]
                merged.append(f"{letter}{row + 2}:{letter}{row + length + 1}")
            row += length
    return rows, merged


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(merged_registers())
def test_a_merged_register_reads_as_the_same_register_written_out(
    tmp_path_factory: pytest.TempPathFactory, case: tuple[list[list[object]], list[str]]
) -> None:
    rows, merged = case
    folder = tmp_path_factory.mktemp("merged")
    header = ["unit", "district", "category", "risk_level", "internet_bright_kitchen"]
    # (A row with nothing of its own, every cell of it empty or below the first
    # row of a range, is a blank row: written out, it is not written.)
    below = {
        (row, "ABCDE".index(ref[0]))
        for ref in merged
        for row in range(int(ref.split(":")[0][1:]), int(ref.split(":")[1][1:]))
    }
    written_rows = [
        row if any(v is not None and (n, c) not in below for c, v in enumerate(row)) else []
        for n, row in enumerate(rows, start=1)
    ]
    written = workbook(folder / "written.xlsx", [header, *written_rows])
    shown = workbook(folder / "merged.xlsx", [header, *rows], merged=merged)
    for read in (qrules.read_register, rows_read.read_register):
        expected, found = read(written), read(shown)
        assert units(found) == units(expected)
        assert [(u.row, u.unit, dict(u.values)) for u in found.rejected] == [
            (u.row, u.unit, dict(u.values)) for u in expected.rejected
        ]
        assert [p.message for p in found.problems] == [p.message for p in expected.problems]


def test_many_ranges_that_mean_nothing_are_said_in_a_few_lines_quickly(tmp_path: Path) -> None:
    """Ranges across every column of the sheet, row by row: the columns read
    are looked up in each, not each column (16,384) of each; ten are named."""
    rows = [REGISTER[0], *([f"C{i}", *REGISTER[1][1:]] for i in range(2000))]
    path = workbook(tmp_path / "r.xlsx", rows)
    merges = "".join(f'<mergeCell ref="A{r}:XFD{r}"/>' for r in range(2, 2002))
    edited(path, {"</sheetData>": f"</sheetData><mergeCells>{merges}</mergeCells>"})
    with pytest.raises(qrules.DataError) as raised:
        qrules.read_register(path)
    problems = raised.value.problems
    assert len(problems) == 11
    assert problems[0].message.startswith("cells A2:XFD2 merge columns of different meanings")
    assert problems[-1].message == "and 1990 more merged ranges that cannot be read, alike"


@pytest.mark.parametrize(
    "xml",
    [
        b"<row hidden " * 100_000,  # tags never closed
        b'<row x="' + b"hidden mergeCell " * 100_000,  # a quote never closed
        b"<row a='" + b"<row hidden " * 100_000,
        b"<row " + b"autoFilter " * 400_000,  # one tag of 4 MiB, no '<' after it
    ],
    ids=["unclosed tags", "unclosed quote", "quote then tags", "one long tag"],
)
def test_a_sheet_xml_made_to_be_slow_is_read_in_linear_time(xml: bytes) -> None:
    """An XML part crafted against the tag scan (each of the words' many
    places tried from the same '<', or a tag never closed, read to the end
    each time): it took minutes for 240 KB; each '<' is now tried once and no
    further than the next one. (A guard of 60 s against hours, not a timing.)"""

    def stop(*_: object) -> None:
        raise TimeoutError

    signal.signal(signal.SIGALRM, stop)
    signal.alarm(60)
    try:
        assert list(_xlsx._tags(io.BytesIO(b"<worksheet><sheetData>" + xml))) == []
    finally:
        signal.alarm(0)


# -- found by the review of session 12 ---------------------------------------------------


def test_a_second_line_beside_a_merged_unit_and_date_is_no_second_inspection_for_sure(
    tmp_path: Path, yantai: qrules.Rulebook
) -> None:
    """One inspection, two lines of findings in a column not read, its unit
    and date merged over both: it was two inspections, a false "met" of "twice
    a year". The second line may be another inspection or the same one's: a
    row without a unit or date of its own, rejected, and the verdict unknown."""
    register = qrules.read_register(
        workbook(
            tmp_path / "r.xlsx", [["unit", "category", "risk_level"], ["C1", "catering", "high"]]
        )
    )
    rows = [["unit", "date", "发现问题"], ["C1", "2024-03-01", "问题一"], [None, None, "问题二"]]
    path = workbook(tmp_path / "l.xlsx", rows, merged=["A2:A3", "B2:B3"])
    for read in (qrules.read_log, rows_read.read_log):
        log = read(path, register)
        assert [(i.unit, i.row) for i in log.inspections] == [("C1", 2)]
        assert log.rows_rejected == 1
        assert twice_yearly(yantai, register, log) == [(2024, "unknown")]


def test_overlapping_merged_ranges_are_an_error_read_quickly(tmp_path: Path) -> None:
    """Ranges that overlap (a file Excel calls damaged): no one value for their
    cells, and thousands open at once made the read take rows × ranges."""
    rows = [["unit", "category", "risk_level"], *([f"C{i}", None, "high"] for i in range(3000))]
    path = workbook(tmp_path / "r.xlsx", rows, merged=["B2:B3001"])
    tag = '<mergeCell ref="B2:B3001" />'
    edited(path, {f'<mergeCells count="1">{tag}': '<mergeCells count="3000">' + tag * 3000})
    with pytest.raises(qrules.DataError) as raised:
        qrules.read_register(path)
    assert raised.value.problems[0].message == (
        "not a readable .xlsx file: merged ranges B2:B3001 and B2:B3001 overlap, "
        "and their cells have no one value"
    )
    nested = workbook(tmp_path / "n.xlsx", REGISTER)
    edited(
        nested,
        {
            "</sheetData>": '</sheetData><mergeCells><mergeCell ref="C2:C4"/>'
            '<mergeCell ref="C3:C5"/></mergeCells>'
        },
    )
    with pytest.raises(qrules.DataError, match="C2:C4 and C3:C5 overlap"):
        qrules.read_register(nested)


def test_hidden_columns_are_kept_as_spans_not_column_by_column(tmp_path: Path) -> None:
    """100,000 tags each hiding all 16,384 columns made a set of 16,384
    entries each time (half a minute for an 800 KB file)."""
    path = workbook(tmp_path / "r.xlsx", REGISTER)
    cols = "".join(f'<col min="1" max="16384" width="{i}" hidden="1"/>' for i in range(20_000))
    edited(path, {"<sheetData>": f"<cols>{cols}</cols><sheetData>"})
    layout = _xlsx.sheet_layout(str(path), "r.xlsx", "Sheet")
    assert len(layout.hidden_columns) == 2 * 20_000
    assert layout.hidden_column(0)
    assert layout.hidden_column(16_383)
    register = qrules.read_register(path)
    assert register.notes[-1].en.startswith("hidden columns read as any other: 'unit' (A)")


def test_odd_numbers_in_the_layout_are_no_crash(tmp_path: Path) -> None:
    """A reversed range (openpyxl fails on it as the rows are read: it was "a
    bug in qrules") is refused before; column 0 and digits past any sheet's
    read as no number."""
    rows = [
        ["区市", "指标名称", "2024年"],
        ["芝罘区", "食品安全抽检合格批次", 980],
        ["福山区", "x", None],
    ]
    path = workbook(tmp_path / "f.xlsx", rows, merged=["C2:C3"])
    edited(path, {'ref="C2:C3"': 'ref="C3:C2"'})
    with pytest.raises(qrules.DataError, match="merged range 'C3:C2' is not a range of cells"):
        qrules.read_dataset(path, qrules.load("yantai-2023-2025"))
    odd = workbook(tmp_path / "o.xlsx", REGISTER, hidden_rows=[3])
    edited(
        odd,
        {
            '<row r="3" hidden="1">': f'<row r="{"9" * 5000}" hidden="1">',
            "<sheetData>": '<cols><col min="0" max="2" hidden="1"/></cols><sheetData>',
        },
    )
    layout = _xlsx.sheet_layout(str(odd), "o.xlsx", "Sheet")
    assert layout.unnumbered
    assert list(layout.hidden_columns) == []


def test_the_layout_comes_from_the_part_the_cells_come_from(tmp_path: Path) -> None:
    """A package whose root relationships name another workbook part, whose
    sheet of the same name is another part with a merge: openpyxl reads the
    cells of the first, and the merge of the other filled C3 with C2's value."""
    path = workbook(
        tmp_path / "r.xlsx",
        [["unit", "category", "risk_level"], ["C1", "catering", "high"], ["C2", "catering", "low"]],
    )
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/decoy.xml"] = parts["xl/workbook.xml"]
    parts["xl/_rels/decoy.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"sheet1.xml", b"sheet2.xml"
    )
    parts["xl/worksheets/sheet2.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
        b"<pageMargins", b'<mergeCells count="1"><mergeCell ref="C2:C3"/></mergeCells><pageMargins'
    )
    parts["_rels/.rels"] = parts["_rels/.rels"].replace(b"xl/workbook.xml", b"xl/decoy.xml")
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    register = qrules.read_register(path)
    assert [(u.unit, u.risk_level) for u in register.units] == [("C1", "high"), ("C2", "low")]
    assert register.notes == ()
