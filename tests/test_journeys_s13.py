"""Session 13's journeys (helper journeys): qrules' users walked end to end as
the docs tell them (an analyst's Excel sheets, a supervision office's register
and log exported from its systems, a drafter's revision, a data team's
tests), in English and in Chinese; each test a defect met on the way, failing
before its fix.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import log_year, records_options, run

openpyxl = pytest.importorskip("openpyxl")

BOOK = "yantai-2023-2025"
SAMPLING = "food-safety-sampling-pass-rate"  # >= 98.5 in 2025
BRANDS = "provincial-high-end-brand-enterprises-table"  # >= 100 in 2025


def _workbook(path: Path, rows: list[list[object]], formats: dict[str, str] | None = None) -> Path:
    """An ``.xlsx`` file as an office saves one: the rows, and number formats."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for cell, number_format in (formats or {}).items():
        sheet[cell].number_format = number_format
    book.save(path)
    return path


# -- an analyst's sheet: the value column's header says its unit ---------------------------


@pytest.mark.parametrize(
    "header", ["数值(%)", "数值（%）", "数值 (%)", "value (%)", "数值(单位:%)"]
)
def test_a_value_column_headed_with_its_unit_is_the_value_column(
    tmp_path: Path, header: str
) -> None:
    """``年份, 指标, 数值(%)``: an office writes the unit in the header. It was
    taken for a district's column and refused as "no district's name", with a
    hint to delete it or map it as a district."""
    sheet = _workbook(
        tmp_path / "figures.xlsx",
        [["年份", "指标", header], [2025, "食品安全抽检合格率", 98.4]],
    )
    code, out, err = run("check", BOOK, str(sheet), "--rule", SAMPLING)
    assert (code, err) == (1, "")
    assert "not met  98.4" in out, out


def test_a_unit_in_the_value_header_is_checked_against_each_measure(tmp_path: Path) -> None:
    """A count under ``数值(%)`` is no percentage: an error naming the cell,
    never a figure read as a count (as the 单位 column is checked)."""
    sheet = _workbook(
        tmp_path / "figures.xlsx",
        [
            ["年份", "指标", "数值(%)"],
            [2025, "食品安全抽检合格批次", 39360],
            [2025, "食品安全抽检批次", 40000],
        ],
    )
    code, out, err = run("check", BOOK, str(sheet), "--rule", SAMPLING, "--lang", "zh")
    assert (code, out) == (2, ""), out
    assert "第 2 行,列 '数值(%)'" in err, err
    assert "批次" in err, err


def test_a_unit_in_the_value_header_agrees_with_its_scale(tmp_path: Path) -> None:
    """``数值(万)`` scaled by the mapping file (``[figures.scale]``, 万): the
    header's unit is the scale's, read 10,000 times."""
    sheet = _workbook(
        tmp_path / "figures.xlsx",
        [["年份", "指标", "数值(万)"], [2025, "省级高端品牌培育企业", "0.0104"]],
    )
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('[figures.scale]\n"数值(万)" = "万"\n', encoding="utf-8")
    code, out, err = run("check", BOOK, str(sheet), "--mapping", str(mapping), "--rule", BRANDS)
    assert (code, err) == (0, ""), err
    assert "met      104" in out, out


def test_a_column_not_a_place_beside_year_and_measure_says_how_to_map_it_as_the_values(
    tmp_path: Path,
) -> None:
    """``年份, 指标, 合格率(%)``: the figures' column under a name qrules does not
    know. The error said only "delete the column", or map it as a district;
    it now says how to name it as the values' column too, in both languages."""
    sheet = _workbook(
        tmp_path / "figures.xlsx",
        [["年份", "指标", "合格率(%)"], [2025, "食品安全抽检合格率", 98.4]],
    )
    code, out, err = run("check", BOOK, str(sheet), "--rule", SAMPLING)
    assert (code, out) == (2, "")
    assert '[figures.columns]: value = "合格率(%)"' in err, err
    code, out, err = run("check", BOOK, str(sheet), "--rule", SAMPLING, "--lang", "zh")
    assert '[figures.columns] 中写 value = "合格率(%)"' in err, err


# -- a supervision office's register exported with a title row above its header ------------

_MAPPING = """
[register.columns]
unit = "统一社会信用代码"
name = "单位名称"
category = "主体业态"
registered = "发证日期"

[register.codes.category]
"婴幼儿配方乳粉生产" = "infant_formula_maker"

[log.columns]
unit = "统一社会信用代码"
date = "检查日期"
kind = "检查类型"

[log.codes.kind]
"体系检查" = "system"
"""


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_register_with_a_title_row_is_read_from_its_header(tmp_path: Path, suffix: str) -> None:
    """A register exported from an office's system with a title row above its
    header (烟台市食品生产企业登记表): the error said the mapping's columns
    were "none in the file", though they are, in row 2. Session 13 named the
    row; session 14 reads the register from it (`header_below`, as figures),
    the output saying where the header was found."""
    rows: list[list[object]] = [
        ["烟台市食品生产企业登记表", "", "", ""],
        ["统一社会信用代码", "单位名称", "主体业态", "发证日期"],
        ["91370600MA001", "甲乳业", "婴幼儿配方乳粉生产", "2019/3/5"],
    ]
    if suffix == ".xlsx":
        register = _workbook(tmp_path / "register.xlsx", rows)
    else:
        register = tmp_path / "register.csv"
        text = "".join(",".join(map(str, r)) + "\n" for r in rows)
        register.write_bytes(text.encode("gb18030"))
    log = tmp_path / "log.csv"
    log.write_text("统一社会信用代码,检查日期,检查类型\n91370600MA001,2024/3/5,体系检查\n", "utf-8")
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(_MAPPING, encoding="utf-8")
    argv = [
        "check",
        BOOK,
        *records_options(register, log),
        "--mapping",
        str(mapping),
    ]
    code, out, err = run(*argv)
    assert code in (0, 1), err
    assert "header found in row 2" in out, out
    assert "rows read 1 = used 1" in out, out
    code, out, err = run(*argv, "--lang", "zh")
    assert code in (0, 1), err
    assert "第 2 行" in out, out


# -- a drafter's copy of the rulebook, named bare ------------------------------------------


def test_a_bare_folder_name_says_to_write_it_as_a_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``cp -r … my-plan`` then ``qrules validate my-plan``: the English said
    "the folder 'my-plan' is loaded as ./my-plan", as if it had been; the
    Chinese said what to do (请写作 ./my-plan). Both now say to write it so."""
    (tmp_path / "my-plan").mkdir()
    monkeypatch.chdir(tmp_path)
    code, out, err = run("validate", "my-plan")
    assert code == 2
    assert "to load the folder 'my-plan', write ./my-plan" in out + err, out + err


# -- a workbook whose first sheet is its instructions ---------------------------------------


def _with_cover(path: Path, name: str, rows: list[list[object]]) -> Path:
    """A workbook as offices hand them round: a sheet of instructions
    (填报说明) first, the data on the sheet after it."""
    book = openpyxl.Workbook()
    cover = book.active
    cover.title = "填报说明"
    cover.append(["请按指标填写2025年数据"])
    sheet = book.create_sheet(name)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_figures_on_a_second_sheet_are_named_in_the_error(tmp_path: Path) -> None:
    """The error said only "no measure column": not which sheet was read, nor
    that the workbook's other sheet holds the figures. It names both and says
    to give --sheet."""
    book = _with_cover(
        tmp_path / "figures.xlsx",
        "2025年数据",
        [["年份", "指标", "数值"], [2025, "食品安全抽检合格率", 98.6]],
    )
    code, out, err = run("check", BOOK, str(book), "--rule", SAMPLING)
    assert (code, out) == (2, "")
    assert "'填报说明'" in err, err
    assert "--sheet" in err, err
    assert "'2025年数据'" in err, err
    code, out, err = run("check", BOOK, str(book), "--rule", SAMPLING, "--lang", "zh")
    assert "工作表 '填报说明'" in err, err
    code, out, err = run("check", BOOK, str(book), "--rule", SAMPLING, "--sheet", "2025年数据")
    assert (code, err) == (0, ""), err


def test_a_register_on_a_second_sheet_is_named_in_the_error(tmp_path: Path) -> None:
    book = _with_cover(
        tmp_path / "register.xlsx",
        "在册企业",
        [["unit", "category"], ["IF01", "infant_formula_maker"]],
    )
    log = tmp_path / "log.csv"
    log.write_text("unit,date,kind\nIF01,2024-03-05,system\n", encoding="utf-8")
    code, out, err = run("check", BOOK, *records_options(book, log))
    assert (code, out) == (2, "")
    assert "'在册企业'" in err, err
    assert "--register-sheet" in err, err


def test_a_register_and_log_on_second_sheets_are_read_with_their_options(tmp_path: Path) -> None:
    """The records of a workbook whose first sheet is a cover could not be
    read from the command line at all (--sheet is the figures'; "it applies
    to a figures file"): --register-sheet and --log-sheet name their sheets,
    as ``sheet=`` does in Python."""
    register = _with_cover(
        tmp_path / "register.xlsx",
        "在册企业",
        [["unit", "category"], ["IF01", "infant_formula_maker"], ["IF02", "infant_formula_maker"]],
    )
    log = _with_cover(
        tmp_path / "log.xlsx",
        "检查记录",
        [["unit", "date", "kind"], ["IF01", "2024/3/5", "system"]],
    )
    argv = ["check", BOOK, *records_options(register, log)]
    reach = list(log_year(2024))
    rule = ["--rule", "infant-formula-makers-system-inspected-yearly"]
    code, out, err = run(
        *argv, "--register-sheet", "在册企业", "--log-sheet", "检查记录", *reach, *rule
    )
    assert (code, err) == (1, ""), err
    assert "not met  50 (1/2)" in out, out
    code, out, err = run(*argv, "--register-sheet", "在册企业", *reach, *rule)
    assert code == 2
    assert "--log-sheet" in err, err
    code, out, err = run("check", BOOK, "--sample", "--register-sheet", "x")
    assert code == 2
    assert "--register-sheet" in err, err


# -- a supervision office's own risk grades --------------------------------------------------


def test_a_code_not_canonical_names_the_mapping_table_to_write(tmp_path: Path) -> None:
    """A register's 风险等级 written 高: the rejection said to map it in the
    mapping file's ``codes.risk_level``, a table that is not the mapping file's
    (a mapping file with ``[codes.risk_level]`` is an error); it is
    ``[register.codes.risk_level]``, with the line to write."""
    register = tmp_path / "register.csv"
    register.write_text("unit,category,risk_level\nC1,catering,高\n", encoding="utf-8")
    log = tmp_path / "log.csv"
    log.write_text("unit,date\nC1,2024-03-05\n", encoding="utf-8")
    argv = ["check", BOOK, *records_options(register, log)]
    code, out, err = run(*argv, "--rule", "high-risk-catering-units-inspected-twice-yearly")
    assert code == 1, err
    assert """map it in the mapping file's [register.codes.risk_level] ("高" = "<code>")""" in out
    code, out, err = run(
        *argv, "--lang", "zh", "--rule", "high-risk-catering-units-inspected-twice-yearly"
    )
    assert code == 1, err
    assert '[register.codes.risk_level] 中映射它(如 "高" = "<代码>")' in out, out


def test_a_code_written_by_its_name_is_given_the_code_to_map_it_to(tmp_path: Path) -> None:
    """A log's 检查类型 written 体系检查, the name docs/records.md gives the
    kind ``system``: the line to write in the mapping file names the code."""
    register = tmp_path / "register.csv"
    register.write_text("unit,category\nIF01,infant_formula_maker\n", encoding="utf-8")
    log = tmp_path / "log.csv"
    log.write_text("unit,date,kind,result\nIF01,2024-03-05,体系检查,符合\n", encoding="utf-8")
    code, out, err = run(
        "check", BOOK, *records_options(register, log),
        "--rule", "infant-formula-makers-system-inspected-yearly",
    )  # fmt: skip
    assert code == 1, err
    assert '[log.codes.kind] ("体系检查" = "system")' in out, out
    assert '[log.codes.result] ("符合" = "compliant")' in out, out


# -- a drafter audits last year's verdicts against the revision -------------------------------


def test_an_audit_of_one_line_says_one_line(tmp_path: Path) -> None:
    """``qrules audit`` of a one-line decision log said "1 lines judged by"."""
    figures = tmp_path / "figures.csv"
    figures.write_text(
        "year,measure,value\n2025,food_samples_passed,39400\n2025,food_samples_tested,40000\n",
        encoding="utf-8",
    )
    log = tmp_path / "decisions.jsonl"
    code, _, err = run("check", BOOK, str(figures), "--rule", SAMPLING, "--decision-log", str(log))
    assert (code, err) == (0, "")
    code, out, err = run("audit", str(log))
    assert (code, err) == (0, "")
    assert "  1 line judged by yantai-2023-2025" in out, out


def test_show_in_chinese_gives_the_unit_in_chinese() -> None:
    """``qrules show … --lang zh`` wrote the measure's unit by its id,
    ``(省级高端品牌培育企业,enterprises)``, where ``qrules measures`` says 家."""
    code, out, err = run("show", BOOK, BRANDS, "--lang", "zh")
    assert (code, err) == (0, "")
    assert "(省级高端品牌培育企业,家)" in out, out
    code, out, err = run("show", BOOK, BRANDS)
    assert "(Provincial high-end brand cultivation enterprises, enterprises)" in out, out
