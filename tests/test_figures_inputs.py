"""Reported figures as offices keep them: every source and layout reads the same figures.

Each office file (GB18030 CSV with Chinese headers, a wide .xlsx with a title
row and merged-looking blank cells, a TSV, DataFrames, an Arrow table) is
checked against the canonical long UTF-8 CSV of the same figures: the same
observations and the same verdicts. A property test does the same over
generated sheets in every layout, encoding and way of naming a measure.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
import openpyxl
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from pyarrow import feather, parquet

import qrules
from qrules._html import report_data
from qrules._measures import template_rows
from qrules.testing import assert_meets
from tests.conftest import run

Key = tuple[str, int, "str | None"]


def observed(dataset: qrules.Dataset) -> set[tuple[str, int, str | None, Fraction | None]]:
    return {(o.measure, o.year, o.district, o.value) for o in dataset.observations}


def verdicts(evaluation: qrules.Evaluation) -> list[tuple[str, int, str | None, str, Any]]:
    return sorted(
        ((r.rule_id, r.year, r.district, r.verdict.value, r.observed) for r in evaluation), key=repr
    )


def canonical_csv(path: Path, figures: dict[Key, str]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["year", "district", "measure", "value"])
        for (measure, year, district), value in figures.items():
            writer.writerow([year, district or "", measure, value])
    return path


def write_csv(
    path: Path, rows: Sequence[Sequence[object]], *, encoding: str = "utf-8", delimiter: str = ","
) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[object]], sheet: str = "Sheet1") -> Path:
    book = openpyxl.Workbook()
    worksheet = book.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(list(row))
    book.save(path)
    return path


# -- an office's figures, in the shipped rulebook -------------------------------

FIGURES: dict[Key, str] = {
    ("food_samples_passed", 2024, None): "37430",
    ("food_samples_tested", 2024, None): "38000",
    ("food_samples_passed", 2025, None): "39360",
    ("food_samples_tested", 2025, None): "40000",
    ("provincial_high_end_brand_enterprises", 2025, None): "",
    ("food_samples_passed", 2025, "芝罘区"): "9870",
    ("food_samples_tested", 2025, "芝罘区"): "10000",
    ("provincial_high_end_brand_enterprises", 2025, "芝罘区"): "12",
    ("food_samples_passed", 2024, "芝罘区"): "",
    ("food_samples_tested", 2024, "芝罘区"): "",
    ("provincial_high_end_brand_enterprises", 2024, "芝罘区"): "9",
    ("provincial_high_end_brand_enterprises", 2024, None): "",
}
MAPPING = """
[figures.columns]
year = "年度"
district = "区市"
measure = "指标名称"
value = "完成值"

[figures.measures]
"省级高端品牌培育企业" = "provincial_high_end_brand_enterprises"

[figures.districts]
"芝罘" = "芝罘区"
"全市" = ""
"""


@pytest.fixture
def canonical(tmp_path: Path, yantai: qrules.Rulebook) -> qrules.Dataset:
    return qrules.read_dataset(canonical_csv(tmp_path / "canonical.csv", FIGURES), yantai)


@pytest.fixture
def mapping(tmp_path: Path) -> Path:
    path = tmp_path / "mapping.toml"
    path.write_text(MAPPING, encoding="utf-8")
    return path


def same(dataset: qrules.Dataset, canonical: qrules.Dataset, rulebook: qrules.Rulebook) -> None:
    assert observed(dataset) == observed(canonical)
    assert verdicts(rulebook.evaluate(dataset)) == verdicts(rulebook.evaluate(canonical))


def zh(rulebook: qrules.Rulebook, measure: str) -> str:
    return rulebook.measures[measure].name.zh


def test_a_gb18030_csv_with_chinese_headers_and_names(
    tmp_path: Path, yantai: qrules.Rulebook, canonical: qrules.Dataset, mapping: Path
) -> None:
    rows = [["区市", "年度", "指标名称", "完成值", "备注"]]
    for (measure, year, district), value in FIGURES.items():
        name = "省级高端品牌培育企业" if measure.startswith("provincial") else zh(yantai, measure)
        rows.append(
            [
                "芝罘" if district else "全市",
                f"{year}年",
                name,
                f"{value}批次" if value and "samples" in measure else value,
                "",
            ]
        )
    path = write_csv(tmp_path / "指标完成情况.csv", rows, encoding="gb18030")
    dataset = qrules.read_dataset(path, yantai, mapping=mapping)
    same(dataset, canonical, yantai)
    assert [n.en for n in dataset.notes] == ["read as GB18030", "columns not read: 备注"]


def office_wide_rows(rulebook: qrules.Rulebook) -> list[list[object]]:
    """A wide sheet as an office lays it out: a title row, the district written
    once for its group (the cells below it merged, or left blank), a heading
    row, values with units and missing markers."""
    rows: list[list[object]] = [
        ["2024-2025年质量强市指标完成情况表", None, None, None, None],
        ["区市", "指标名称", "2024年", "2025年", "备注"],
        [None, "一、食品安全", None, None, None],
    ]
    for district in (None, "芝罘区"):
        first = True
        for measure in (
            "food_samples_passed",
            "food_samples_tested",
            "provincial_high_end_brand_enterprises",
        ):
            values = [FIGURES.get((measure, year, district), "") for year in (2024, 2025)]
            cells: list[object] = [
                int(v) if v and i else (f"{v}家" if v and "brand" in measure else v or "—")
                for i, v in enumerate(values)
            ]
            rows.append(
                [
                    ("全市" if district is None else district) if first else None,
                    zh(rulebook, measure),
                    *cells,
                ]
            )
            first = False
    return rows


def test_a_wide_xlsx_with_a_title_row_and_merged_looking_cells(
    tmp_path: Path, yantai: qrules.Rulebook, canonical: qrules.Dataset, mapping: Path
) -> None:
    path = write_xlsx(tmp_path / "指标完成情况.xlsx", office_wide_rows(yantai), sheet="汇总")
    dataset = qrules.read_dataset(path, yantai, mapping=mapping)
    same(dataset, canonical, yantai)
    assert dataset.cells
    notes = [n.en for n in dataset.notes]
    assert notes[0] == "header found in row 2 (the rows above it were not read)"
    assert "heading rows not read (no measure, no figures): rows 3" in notes
    assert any(n.startswith("blank district cells read as the one above") for n in notes)
    assert "columns not read: 备注" in notes
    # The header row and the sheet may be named; a sheet that is not there is an error.
    assert observed(
        qrules.read_dataset(path, yantai, mapping=mapping, sheet="汇总", header_row=2)
    ) == observed(canonical)
    with pytest.raises(qrules.DataError, match="no sheet '汇总表'"):
        qrules.read_dataset(path, yantai, mapping=mapping, sheet="汇总表")


def test_a_tsv_with_built_in_chinese_headers(
    tmp_path: Path, yantai: qrules.Rulebook, canonical: qrules.Dataset
) -> None:
    rows = [["年份", "区县", "指标", "数值"]]
    rows += [
        [year, district or "", yantai.measures[measure].name.en, value]
        for (measure, year, district), value in FIGURES.items()
    ]
    path = write_csv(tmp_path / "figures.tsv", rows, delimiter="\t", encoding="utf-16")
    same(qrules.read_dataset(path, yantai), canonical, yantai)


def frame_rows() -> list[dict[str, object]]:
    return [
        {
            "year": year,
            "district": district,
            "measure": measure,
            "value": float(value) if value else None,
        }
        for (measure, year, district), value in FIGURES.items()
    ]


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(pd.DataFrame, id="pandas"),
        pytest.param(pl.DataFrame, id="polars"),
        pytest.param(pa.Table.from_pylist, id="arrow"),
        pytest.param(lambda rows: rows, id="list of dicts"),
    ],
)
def test_dataframes_and_arrow_tables(
    make: Any, yantai: qrules.Rulebook, canonical: qrules.Dataset
) -> None:
    frame = make(frame_rows())
    same(qrules.read_dataset(frame, yantai), canonical, yantai)
    # rulebook.evaluate takes them as they are, as a unit test holds them.
    assert verdicts(yantai.evaluate(frame)) == verdicts(yantai.evaluate(canonical))


def test_parquet_and_arrow_files(
    tmp_path: Path, yantai: qrules.Rulebook, canonical: qrules.Dataset
) -> None:
    table = pa.Table.from_pylist(frame_rows())
    parquet.write_table(table, tmp_path / "figures.parquet")
    feather.write_feather(table, tmp_path / "figures.arrow")
    for name in ("figures.parquet", "figures.arrow"):
        same(qrules.read_dataset(tmp_path / name, yantai), canonical, yantai)


def test_a_pandas_frame_with_chinese_columns_and_a_mapping(
    yantai: qrules.Rulebook, canonical: qrules.Dataset, mapping: Path
) -> None:
    frame = pd.DataFrame(
        [
            {"年度": y, "区市": d or "全市", "指标名称": zh(yantai, m), "完成值": v}
            for (m, y, d), v in FIGURES.items()
        ]
    )
    same(qrules.read_dataset(frame, yantai, mapping=mapping), canonical, yantai)


# -- every layout, encoding and naming: the property ----------------------------

MEASURES = ("passed", "sampled", "pass_rate", "firms", "new_standards", "inspected", "units")
DISTRICTS = (None, "芝罘区", "福山区")
YEARS = (2023, 2024, 2025)


@st.composite
def grids(draw: st.DrawFn) -> dict[Key, Fraction | None]:
    """Figures for the mini rulebook: some measures and districts, every year,
    some values missing; counts consistent (passed ≤ sampled, inspected ≤ units)."""
    measures = draw(st.lists(st.sampled_from(MEASURES), min_size=1, max_size=5, unique=True))
    districts = draw(st.lists(st.sampled_from(DISTRICTS), min_size=1, max_size=2, unique=True))
    districts.sort(key=lambda d: (d is not None, d or ""))  # the whole city first
    grid: dict[Key, Fraction | None] = {}
    for district in districts:
        for year in YEARS:
            whole = {"sampled": draw(st.integers(1, 2000)), "units": draw(st.integers(1, 500))}
            for measure in measures:
                if draw(st.integers(0, 5)) == 0:
                    grid[(measure, year, district)] = None
                elif measure == "pass_rate":
                    grid[(measure, year, district)] = Fraction(draw(st.integers(900, 1000)), 10)
                elif measure in ("passed", "inspected"):
                    bound = whole["sampled" if measure == "passed" else "units"]
                    grid[(measure, year, district)] = Fraction(draw(st.integers(0, bound)))
                elif measure in whole:
                    grid[(measure, year, district)] = Fraction(whole[measure])
                else:
                    grid[(measure, year, district)] = Fraction(draw(st.integers(0, 400)))
    return grid


def written(value: Fraction | None, unit: qrules.Unit, style: int) -> str:
    if value is None:
        return ["", "—", "无", "NA"][style % 4]
    text = str(value.numerator) if value.denominator == 1 else f"{float(value):g}"
    if unit.id == "percent":
        return text + ["", "%", "％"][style % 3]
    if style % 3 == 1:
        return f"{int(value):,}"
    if style % 3 == 2:
        return text + unit.zh
    return text


def named(rulebook: qrules.Rulebook, measure: str, style: int) -> str:
    found = rulebook.measures[measure]
    return [
        found.id,
        found.name.zh,
        found.name.en.upper(),
        f" {found.name.zh[:2]} {found.name.zh[2:]} ",
    ][style % 4]


def sheet_rows(
    rulebook: qrules.Rulebook, grid: dict[Key, Fraction | None], layout: str, style: int
) -> list[list[object]]:
    def cell(key: Key) -> str:
        return written(grid[key], rulebook.measures[key[0]].unit, style + hash(key) % 7)

    measures = list(dict.fromkeys(k[0] for k in grid))
    districts = list(dict.fromkeys(k[2] for k in grid))
    if layout == "long":
        return [["year", "district", "measure", "value"]] + [
            [year, district or "", named(rulebook, measure, style), cell(key)]
            for key in grid
            for measure, year, district in [key]
        ]
    if layout == "wide-by-year":
        rows: list[list[object]] = [["district", "measure", *(f"{y}年" for y in YEARS)]]
        for district in districts:
            for index, measure in enumerate(measures):
                shown = (district or "") if index == 0 else ""  # merged-looking cells
                rows.append(
                    [
                        shown,
                        named(rulebook, measure, style),
                        *(cell((measure, y, district)) for y in YEARS),
                    ]
                )
        return rows
    names = {None: "全市", "芝罘区": "芝罘区", "福山区": "福山"}
    rows = [["year", "measure", *(names[d] for d in districts)]]
    for year in YEARS:
        rows += [
            [year, named(rulebook, measure, style), *(cell((measure, year, d)) for d in districts)]
            for measure in measures
        ]
    return rows


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    grid=grids(),
    layout=st.sampled_from(["long", "wide-by-year", "wide-by-district"]),
    form=st.sampled_from(["csv", "tsv", "xlsx"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030"]),
    title=st.booleans(),
    style=st.integers(0, 11),
)
def test_every_layout_and_encoding_reads_the_same_figures(
    tmp_path_factory: pytest.TempPathFactory,
    mini: qrules.Rulebook,
    grid: dict[Key, Fraction | None],
    layout: str,
    form: str,
    encoding: str,
    title: bool,
    style: int,
) -> None:
    folder = tmp_path_factory.mktemp("sheets")
    canonical = qrules.read_dataset(
        canonical_csv(
            folder / "canonical.csv", {k: "" if v is None else str(v) for k, v in grid.items()}
        ),
        mini,
    )
    rows = sheet_rows(mini, grid, layout, style)
    if title:
        rows.insert(0, ["2023—2025年指标完成情况"])
    mapping = {"figures": {"districts": {"全市": "", "福山": "福山区"}}}
    if form == "xlsx":
        path = write_xlsx(folder / "sheet.xlsx", rows)
    else:
        width = len(rows[-1])
        rows = [list(r) + [""] * (width - len(r)) for r in rows]  # as Excel saves a title
        path = write_csv(
            folder / f"sheet.{form}",
            rows,
            encoding=encoding,
            delimiter="\t" if form == "tsv" else ",",
        )
    dataset = qrules.read_dataset(path, mini, mapping=mapping)
    assert observed(dataset) == observed(canonical)
    assert verdicts(mini.evaluate(dataset)) == verdicts(mini.evaluate(canonical))
    assert dataset.cells == (layout != "long")


# -- templates --------------------------------------------------------------------


@pytest.mark.parametrize("form", ["csv", "xlsx"])
@pytest.mark.parametrize("layout", ["long", "wide"])
def test_a_template_reads_back_unchanged_blank_and_filled(
    tmp_path: Path, yantai: qrules.Rulebook, form: str, layout: str
) -> None:
    path = tmp_path / f"template.{form}"
    code, out, err = run(
        "template",
        "yantai-2023-2025",
        "--format",
        form,
        "--layout",
        layout,
        "--district",
        "芝罘区",
        "-o",
        str(path),
    )
    assert (code, err) == (0, ""), err
    blank = qrules.read_dataset(path, yantai)  # no problem: a DataError would be raised
    assert blank.observations
    assert all(o.value is None for o in blank.observations)
    assert {o.district for o in blank.observations} == {"芝罘区"}
    code, out, err = run("check", "yantai-2023-2025", str(path))
    assert code == 1
    assert "problem" not in err
    assert "unknown" in out
    # Filled in (2 wherever a figure goes), it reads as the long CSV of the same figures.
    rows = template_rows(
        yantai, layout="long" if layout == "long" else "wide", districts=["芝罘区"]
    )
    first = rows[0].index("value") if layout == "long" else 4
    filled = [rows[0]] + [[*r[:first], *(["2"] * (len(r) - first))] for r in rows[1:]]
    if form == "csv":
        write_csv(path, filled, encoding="utf-8-sig")
    else:
        write_xlsx(path, filled)
    dataset = qrules.read_dataset(path, yantai)
    figures = {(o.measure, o.year, o.district): "2" for o in dataset.observations}
    assert len(figures) == len(blank.observations)
    canonical = qrules.read_dataset(canonical_csv(tmp_path / "canonical.csv", figures), yantai)
    assert verdicts(yantai.evaluate(dataset)) == verdicts(yantai.evaluate(canonical))


def test_a_template_puts_counts_before_rates_with_zh_names(tmp_path: Path) -> None:
    code, out, _ = run(
        "template",
        "yantai-2023-2025",
        "--rule",
        "food-safety-sampling-pass-rate",
        "--years",
        "2024-2025",
    )
    assert code == 0
    assert out.splitlines() == [
        "year,measure,name,unit,value",
        "2024,food_samples_passed,食品安全抽检合格批次,批次,",
        "2024,food_samples_tested,食品安全抽检批次,批次,",
        "2024,food_safety_sampling_pass_rate,食品安全抽检合格率,%,",
        "2025,food_samples_passed,食品安全抽检合格批次,批次,",
        "2025,food_samples_tested,食品安全抽检批次,批次,",
        "2025,food_safety_sampling_pass_rate,食品安全抽检合格率,%,",
    ]
    code, out, _ = run(
        "template",
        "yantai-2023-2025",
        "--format",
        "xlsx",
        "--lang",
        "zh",
        "-o",
        str(tmp_path / "模板.xlsx"),
    )
    assert code == 0
    assert out.startswith("已写入 ")
    assert out.endswith(" 行待填\n")
    # An .xlsx template named .csv (or a CSV one named .xlsx) could not be read back.
    for form, name in (("xlsx", "t.csv"), ("csv", "t.xlsx")):
        argv = ("template", "yantai-2023-2025", "--format", form, "-o", str(tmp_path / name))
        code, _, err = run(*argv)
        assert code == 2
        assert f"a {form} template's name ends in .{form}" in err
        assert not (tmp_path / name).exists()
    code, _, err = run("template", "yantai-2023-2025", "--format", "xlsx")
    assert code == 2
    assert "give -o FILE.xlsx" in err
    code, _, _ = run("template", "yantai-2023-2025", "--years", "2025-2023")
    assert code == 2  # argparse says why, on the real standard error
    # Without --format, -o's name tells it: an .xlsx workbook read back as one.
    code, out, _ = run("template", "yantai-2023-2025", "-o", str(tmp_path / "T.XLSX"))
    assert code == 0
    assert (tmp_path / "T.XLSX").read_bytes()[:2] == b"PK"
    code, out, _ = run("template", "yantai-2023-2025", "-o", str(tmp_path / "t.txt"))
    assert code == 0
    assert (tmp_path / "t.txt").read_text(encoding="utf-8-sig").startswith("year,measure,")


def test_measures_lists_ids_names_units_formulas_rules_and_years(yantai: qrules.Rulebook) -> None:
    code, out, _ = run("measures", "yantai-2023-2025")
    assert code == 0
    assert out.startswith(f"rulebook yantai-2023-2025 {yantai.version} (fingerprint ")
    assert ": 122 measures" in out.splitlines()[0]
    assert (
        "food_safety_sampling_pass_rate  食品安全抽检合格率 / Food safety sampling pass rate\n"
        "  unit: %   formula: 100 * food_samples_passed / food_samples_tested   "
        "years: 2025\n  rules: food-safety-sampling-pass-rate\n"
    ) in out
    code, out, _ = run(
        "measures", "yantai-2023-2025", "--lang", "zh", "--rule", "food-safety-sampling-pass-rate"
    )
    assert code == 0
    assert out.splitlines()[0].endswith(":3 个指标")
    assert "  单位: 批次   年份: 2025" in out
    assert "所需规则: food-safety-sampling-pass-rate" in out


# -- names, units, mappings ---------------------------------------------------------


def test_a_measure_by_any_of_its_names(mini: qrules.Rulebook) -> None:
    values = {
        "抽检合格批次": 985,
        "SAMPLES TESTED": "1，000",
        "firms": "３００家",
        "新增 标准": "12项",
    }
    dataset = qrules.Dataset.from_mapping(mini, values, year=2025)
    assert {o.measure: o.value for o in dataset.observations} == {
        "passed": 985,
        "sampled": 1000,
        "firms": 300,
        "new_standards": 12,
    }


def test_an_unknown_name_gets_the_closest_in_both_languages(mini: qrules.Rulebook) -> None:
    with pytest.raises(qrules.DataError) as caught:
        mini.evaluate({"食品安全抽检合格": "98.6%"})
    (problem,) = caught.value.problems
    assert problem.message == "unknown measure '食品安全抽检合格' in rulebook 'mini'"
    assert problem.hint == (
        "did you mean '食品安全抽检合格率'? (pass_rate / Food safety "
        "sampling pass rate; `qrules measures mini` lists every measure)"
    )


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"firms": "30%"}, "'30%' is a percentage, but the measure is in enterprises (家)"),
        ({"pass_rate": "3亿元"}, "'3亿元' is in 亿元, but the measure is in %"),
        ({"firms": "3项"}, "'3项' is in 项, but the measure is in enterprises (家)"),
        ({"firms": "3 apples"}, "'3 apples' is not a number"),
        ({"pass_rate": "98.6批次"}, "'98.6批次' is in 批次, but the measure is in %"),
    ],
)
def test_a_unit_that_contradicts_the_measure_is_an_error(
    mini: qrules.Rulebook, values: dict[str, str], message: str
) -> None:
    with pytest.raises(qrules.DataError) as caught:
        mini.evaluate(values)
    assert caught.value.problems[0].message.startswith(f"{next(iter(values))}: {message}")


def test_a_scale_multiplies_a_column(tmp_path: Path, mini: qrules.Rulebook) -> None:
    path = write_csv(
        tmp_path / "f.csv", [["year", "measure", "抽检批次(万)"], [2025, "sampled", "1.25"]]
    )
    mapping = {"figures": {"columns": {"value": "抽检批次(万)"}, "scale": {"抽检批次(万)": "万"}}}
    (observation,) = qrules.read_dataset(path, mini, mapping=mapping).observations
    assert observation.value == 12500


def test_every_problem_of_the_figures_mapping_at_once(
    tmp_path: Path, mini: qrules.Rulebook
) -> None:
    path = tmp_path / "mapping.toml"
    path.write_text(
        '[figures.columns]\nvalu = "数值"\nyear = 3\n'
        '[figures.scale]\n"数值" = "half"\n[figures.mesures]\n',
        encoding="utf-8",
    )
    with pytest.raises(qrules.DataError) as caught:
        qrules.read_dataset([], mini, mapping=path)
    assert [(p.key, p.message) for p in caught.value.problems] == [
        ("figures.columns.valu", "unknown figures column"),
        ("figures.columns.year", "expected a column name or an array of them"),
        (
            "figures.scale.数值",
            "expected a positive whole number, a decimal or ratio in "
            'quotes ("0.01"), or 百, 千, 万 or 亿',
        ),
        (
            "figures.mesures",
            "expected [figures.columns], [figures.measures], "
            "[figures.districts] or [figures.scale] tables",
        ),
    ]
    with pytest.raises(qrules.DataError, match="'pass_rat' is not a measure of rulebook"):
        qrules.read_dataset([], mini, mapping={"figures": {"measures": {"x": "pass_rat"}}})
    with pytest.raises(qrules.DataError, match="cannot read"):
        qrules.read_dataset([], mini, mapping=tmp_path / "missing.toml")


# -- strict reading -----------------------------------------------------------------


def test_what_cannot_be_read_exactly_is_refused(tmp_path: Path, mini: qrules.Rulebook) -> None:
    cases = {
        "twice.csv": (
            "year,measure,value,value\n2025,firms,1231,1250\n",
            "header: columns 'value', 'value' all give 'value'",
        ),
        "short.csv": (
            "year,district,measure,value\n2025,,firms\n",
            "row 2: 3 cells, but the header has 4 columns",
        ),
        "long.csv": (
            "year,measure,value\n2025,firms,300,7\n",
            "row 2, column 4: a value in a column without a header",
        ),
        "twice.json": (
            '[{"year": 2025, "measure": "firms", "value": 1231, "value": 1250}]',
            "item 0: key 'value' is given twice",
        ),
        "nokey.json": (
            '[{"year": 2025, "measure": "firms", "value": 1}, {"year": 2024, "measure": "firms"}]',
            "item 1: no key 'value'",
        ),
    }
    for name, (text, message) in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        with pytest.raises(qrules.DataError) as caught:
            qrules.read_dataset(tmp_path / name, mini)
        assert f"{name}, {message}" in str(caught.value), name
    # Excel's trailing empty columns are not columns.
    (tmp_path / "excel.csv").write_text(
        "year,district,measure,value,,\n2025,,firms,300,,\n", encoding="utf-8"
    )
    assert qrules.read_dataset(tmp_path / "excel.csv", mini).observations[0].value == 300


def test_a_formula_without_a_saved_value_is_refused(tmp_path: Path, mini: qrules.Rulebook) -> None:
    path = write_xlsx(
        tmp_path / "f.xlsx",
        [["year", "measure", "value"], [2025, "passed", 985], [2025, "sampled", "=B2+15"]],
    )
    with pytest.raises(qrules.DataError) as caught:
        qrules.read_dataset(path, mini)
    assert str(caught.value.problems[0]) == (
        "f.xlsx, row 3, column 'value': the formula =B2+15 has no saved value (open the "
        "file in Excel or LibreOffice and save it, so that the values of its formulas are "
        "stored)"
    )


def test_an_option_that_does_not_apply_is_an_error(
    tmp_path: Path, mini: qrules.Rulebook, mini_copy: Path
) -> None:
    path = canonical_csv(tmp_path / "f.csv", {("firms", 2025, None): "300"})
    for options, message in [
        ({"sheet": "Sheet1"}, "--sheet (sheet=) applies to an .xlsx file; this is a CSV file"),
        ({"year": 2025}, "--year (year=) applies to a sheet without a year column"),
        (
            {"district": "芝罘区"},
            "--district (district=) applies to a sheet without a district column",
        ),
    ]:
        with pytest.raises(qrules.DataError, match=message.replace("(", r"\(").replace(")", r"\)")):
            qrules.read_dataset(path, mini, **options)  # type: ignore[arg-type]
    with pytest.raises(qrules.DataError, match=r"--encoding \(encoding=\) applies to a CSV"):
        qrules.read_dataset(pd.DataFrame(frame_rows()), mini, encoding="gbk")
    code, _, err = run("check", str(mini_copy), str(path), "--sheet", "x")
    assert code == 2
    assert "--sheet (sheet=) applies to an .xlsx file" in err
    code, _, err = run("check", str(mini_copy), "--header-row", "2", "--register", "r.csv")
    assert code == 2
    assert "--header-row: it applies to a figures file, and none is given" in err
    xlsx = write_xlsx(tmp_path / "f.xlsx", [["year", "measure", "value"], [2025, "firms", 300]])
    code, _, err = run("check", str(mini_copy), str(xlsx), "--encoding", "gbk")
    assert code == 2
    assert "--encoding applies to CSV files, and no input is one" in err
    code, _, err = run("check", str(mini_copy), str(path), "--mapping", "missing.toml")
    assert code == 2
    assert "missing.toml" in err


def test_the_cli_reads_an_office_sheet_in_chinese(
    tmp_path: Path, yantai: qrules.Rulebook, mapping: Path
) -> None:
    path = write_xlsx(tmp_path / "指标.xlsx", office_wide_rows(yantai))
    code, out, err = run(
        "check",
        "yantai-2023-2025",
        str(path),
        "--mapping",
        str(mapping),
        "--lang",
        "zh",
        "--rule",
        "food-safety-sampling-pass-rate",
    )
    assert (code, err) == (1, "")
    assert "读取 12 个单元格 = 使用 2 个单元格 + 未使用 10 个单元格" in out
    assert "  表头在第 2 行(其上各行未读取)" in out
    code, out, err = run(
        "check",
        "yantai-2023-2025",
        str(path),
        "--mapping",
        str(mapping),
        "--format",
        "json",
        "--rule",
        "food-safety-sampling-pass-rate",
    )
    assert '"counted": "cells"' in out


@pytest.mark.parametrize("page", ["docs/datasets.md", "docs/how-to/analyst.md"])
def test_the_documented_office_sheet_gives_the_documented_output(page: str) -> None:
    root = Path(__file__).parent.parent
    text = (root / page).read_text(encoding="utf-8")
    block = text.split("<!-- office-sheet-output")[1].split("```console\n")[1].split("```")[0]
    command, _, shown = block.partition("\n")
    more, _, shown = shown.partition("\n")
    argv = (command.removeprefix("$ qrules ").rstrip("\\") + more).split()
    office = root / "docs" / "examples" / "office"
    argv = [str(office / a) if (office / a).is_file() else a for a in argv]
    code, out, err = run(*argv)
    assert (code, err) == (1, "")

    def unpinned(text: str) -> str:  # the rulebook's version and fingerprint move with it
        return re.sub(
            r"yantai-2023-2025 [0-9.]+ ?[(（](指纹 |fingerprint )[0-9a-f]{12}",
            r"yantai-2023-2025 … (\1…",
            text,
        )

    assert len(shown.splitlines()) > 10
    assert unpinned(out) == unpinned(shown)


def test_assert_meets_takes_the_dataframe_a_test_holds(yantai: qrules.Rulebook) -> None:
    frame = pd.DataFrame(
        [
            {"year": 2025, "measure": "食品安全抽检合格批次", "value": 1240},
            {"year": 2025, "measure": "food_samples_tested", "value": 1250},
        ]
    )
    assert_meets(frame, yantai, rules=["food-safety-sampling-pass-rate"])
    frame.loc[0, "value"] = 1230
    with pytest.raises(AssertionError, match="food-safety-sampling-pass-rate"):
        assert_meets(frame, yantai, rules=["food-safety-sampling-pass-rate"])


def test_the_records_readers_share_the_sources_and_their_strictness(tmp_path: Path) -> None:
    register = write_csv(tmp_path / "register.csv", [["unit", "category"], ["U1", "catering"]])
    with pytest.raises(qrules.DataError, match=r"--sheet \(sheet=\) applies to an .xlsx file"):
        qrules.read_register(register, sheet="Sheet1")
    with pytest.raises(qrules.DataError, match=r"--table \(table=\) applies to a database"):
        qrules.read_register(register, table="register")
    # A formula without a saved value is never read as an empty cell.
    book = write_xlsx(
        tmp_path / "register.xlsx",
        [["unit", "category", "registered"], ["U1", "catering", "=TODAY()"]],
    )
    read = qrules.read_register(book)
    assert read.rows_rejected == 1
    assert "=TODAY()" in str(read.problems[0])


def test_the_html_report_counts_cells_and_says_how_the_sheet_was_read(
    tmp_path: Path, yantai: qrules.Rulebook, mapping: Path
) -> None:
    path = write_xlsx(tmp_path / "指标.xlsx", office_wide_rows(yantai))
    data = report_data(yantai.evaluate(path, mapping=mapping), "zh")
    assert data["labels"]["rows"].startswith("读取 {read} 个单元格")
    assert "表头在第 2 行(其上各行未读取)" in data["notes"]


def test_an_impossible_figure_in_a_wide_sheet_is_refused_at_its_cell(
    tmp_path: Path, yantai: qrules.Rulebook
) -> None:
    path = write_xlsx(
        tmp_path / "wide.xlsx",
        [
            ["指标", "2024年", "2025年"],
            ["食品安全抽检合格批次", 37430, 1300],
            ["食品安全抽检批次", 38000, 1250],
            ["食品安全抽检合格率", "98.5%", "150%"],
        ],
    )
    with pytest.raises(qrules.DataError) as caught:
        qrules.read_dataset(path, yantai)
    shown = [str(p) for p in caught.value.problems]
    assert len(shown) == 2
    assert shown[0].startswith(
        "wide.xlsx, row 2, column '2025年': food_samples_passed = 1300 "
        "is more than food_samples_tested = 1250 (row 3, column "
        "'2025年') in 2025"
    )
    assert shown[1].startswith(
        "wide.xlsx, row 4, column '2025年': food_safety_sampling_pass_rate = 150 in 2025 is outside"
    )


@pytest.mark.parametrize("city", ["全市", "合计", "Total"])
def test_a_city_total_beside_the_districts_is_the_city(
    tmp_path: Path, yantai: qrules.Rulebook, city: str
) -> None:
    # Read as a fourth district, the sheet's total was summed with the districts
    # it totals: 84 "met" against >= 50, where the city reports 42.
    brands = "provincial_high_end_brand_enterprises"
    wide = write_csv(
        tmp_path / "wide.csv",
        [["measure", "year", "芝罘区", "莱山区", "福山区", city], [brands, 2025, 12, 20, 10, 42]],
    )
    long = write_csv(
        tmp_path / "long.csv",
        [
            ["district", "measure", "year", "value"],
            [city, brands, 2025, 42],
            ["芝罘区", brands, 2025, 12],
            ["莱山区", brands, 2025, 20],
            ["福山区", brands, 2025, 10],
        ],
    )
    for path in (wide, long):
        dataset = qrules.read_dataset(path, yantai)
        assert (brands, 2025, None, 42) in observed(dataset)
        rules = yantai.select(ids=["provincial-high-end-brand-enterprises-brands-paragraph"])
        [city_result] = [
            r for r in yantai.evaluate(dataset, rules=rules).results if r.district is None
        ]
        assert (city_result.verdict, city_result.observed) == (qrules.Verdict.NOT_MET, 42)


def test_an_xlsx_percent_cell_is_the_percentage_it_shows(
    tmp_path: Path, yantai: qrules.Rulebook
) -> None:
    # Excel keeps a cell showing 98.5% as 0.985: read bare, 0.985 % was "not met"
    # against >= 98 (gap 97.015). A "%" in quotes is a literal sign and scales nothing.
    rate = "agricultural_product_monitoring_pass_rate"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["year", "measure", "value"])
    sheet.append([2024, rate, 0.985])
    sheet.append([2025, rate, 98.5])
    sheet.append([2023, "quality_strong_counties", 1])
    sheet["C2"].number_format = "0.0%"
    sheet["C3"].number_format = '0.0"%"'
    sheet["C4"].number_format = "0%"
    book.save(tmp_path / "pct.xlsx")
    with pytest.raises(qrules.DataError, match="quality_strong_counties"):
        qrules.read_dataset(tmp_path / "pct.xlsx", yantai)  # 100% of a count
    sheet.delete_rows(4)
    book.save(tmp_path / "pct.xlsx")
    dataset = qrules.read_dataset(tmp_path / "pct.xlsx", yantai)
    assert observed(dataset) == {
        (rate, 2024, None, Fraction(197, 2)),
        (rate, 2025, None, Fraction(197, 2)),
    }


@pytest.mark.parametrize("unit", ["%", "％", "percent"])
@pytest.mark.parametrize("reader", ["csv", "xlsx", "csv-wide", "xlsx-wide"])
def test_a_unit_column_saying_percent_does_not_make_a_share_a_percentage(
    tmp_path: Path, yantai: qrules.Rulebook, unit: str, reader: str
) -> None:
    """``qrules template`` writes ``%`` in the unit column before anyone fills
    the value: a 0.9 typed beside it may be the share 90 % as well as 0.9 %, and
    stays ambiguous (read as 0.9 %, a template filled with shares would be
    judged "not met" for figures that meet it)."""
    rate = "food_safety_sampling_pass_rate"
    header, row = (
        (["measure", "unit", "2025"], [rate, unit, 0.9])
        if reader.endswith("wide")
        else (["year", "measure", "unit", "value"], [2025, rate, unit, 0.9])
    )
    path = tmp_path / f"f.{reader.partition('-')[0]}"
    if path.suffix == ".csv":
        path.write_text(f"{','.join(header)}\n{','.join(map(str, row))}\n", encoding="utf-8")
    else:
        book = openpyxl.Workbook()
        book.active.append(header)
        book.active.append(row)
        book.save(path)
    with pytest.raises(qrules.DataError, match=r"0\.9 is ambiguous as a percentage") as raised:
        qrules.read_dataset(path, yantai)
    assert "作为百分比有歧义" in raised.value.render("zh")
    assert [p.where for p in raised.value.problems] == [
        "row 2, column '2025'" if reader.endswith("wide") else "row 2, column 'value'"
    ]


def test_a_long_sheets_blank_district_below_a_named_one_is_refused_when_it_could_be_either(
    yantai: qrules.Rulebook,
) -> None:
    """In a long sheet an empty district is the whole city (docs/datasets.md);
    one below a row naming a district may as well be that district's cell
    merged down, read by pandas (which leaves a merged cell's other rows
    empty). When either reading fits, the cell is refused, naming it and
    what to do; a blank district above every named one is the city."""
    measure, other = "advanced_quality_management_adopter_enterprises", "quality_strong_counties"
    frame = pd.DataFrame(
        {
            "year": [2024, 2025, 2025, 2025],
            "district": [None, "芝罘区", None, "福山区"],
            "measure": [measure, measure, other, measure],
            "value": [60, 10, 3, 20],
        }
    )
    with pytest.raises(qrules.DataError) as raised:
        qrules.read_dataset(frame, yantai)
    (problem,) = raised.value.problems
    assert problem.where == "row 3, column 'district'"
    assert "below 芝罘区's row" in raised.value.render("en")
    assert "全市" in raised.value.render("en")
    assert "ffill" in raised.value.render("en")
    assert "第 3 行" in raised.value.render("zh")
    assert "向下合并" in raised.value.render("zh")
    filled = frame.assign(district=frame["district"].ffill())
    assert [o.district for o in qrules.read_dataset(filled, yantai).observations] == [
        None,
        "芝罘区",
        "芝罘区",
        "福山区",
    ]
    city = frame.assign(district=["", "芝罘区", "全市", "福山区"])
    assert [o.district for o in qrules.read_dataset(city, yantai).observations] == [
        None,
        "芝罘区",
        None,
        "福山区",
    ]


def test_an_xlsx_blank_district_below_a_named_one_is_refused_without_asking_for_the_xlsx(
    yantai: qrules.Rulebook, tmp_path: Path
) -> None:
    """In an ``.xlsx`` sheet qrules reads merged cells as merged: a district
    cell left blank (not merged) below a named one is as ambiguous as in a
    CSV file, and refused so, but the hint does not ask for the ``.xlsx``
    (the review of session 22)."""
    measure, other = "advanced_quality_management_adopter_enterprises", "quality_strong_counties"
    path = write_xlsx(
        tmp_path / "figures.xlsx",
        [
            ["year", "district", "measure", "value"],
            [2025, "芝罘区", measure, 10],
            [2025, None, other, 3],
        ],
    )
    with pytest.raises(qrules.DataError) as raised:
        qrules.read_dataset(path, yantai)
    (problem,) = raised.value.problems
    assert problem.where == "row 3, column 'district'"
    for lang in ("en", "zh"):
        said = raised.value.render(lang)
        assert "全市" in said
        assert ".xlsx" not in said.replace("figures.xlsx", "")


def test_a_long_sheets_blank_district_that_cannot_be_the_one_above_is_the_city(
    yantai: qrules.Rulebook,
) -> None:
    """A merged cell covers its rows from the named one down: a blank row that,
    read as the district above, would give it a figure twice is the city's,
    and so is every blank row below it up to the next named one (a table
    sorted with the city's rows last, or by measure, as a database writes
    NULLs last). Only the rows above it, which either reading fits, are
    refused."""
    measure, other = "advanced_quality_management_adopter_enterprises", "quality_strong_counties"
    last = pd.DataFrame(
        {
            "year": [2025, 2025, 2025, 2025, 2025],
            "district": ["芝罘区", "福山区", "福山区", None, None],
            "measure": [measure, measure, other, measure, other],
            "value": [10, 20, 1, 60, 3],
        }
    )
    dataset = qrules.read_dataset(last, yantai)
    assert [(o.measure, o.district) for o in dataset.observations][3:] == [
        (measure, None),
        (other, None),
    ]
    by_measure = pd.DataFrame(
        {
            "year": [2025, 2025, 2025, 2025],
            "district": ["芝罘区", None, "芝罘区", None],
            "measure": [measure, measure, other, other],
            "value": [10, 60, 1, 3],
        }
    )
    assert [o.district for o in qrules.read_dataset(by_measure, yantai).observations] == [
        "芝罘区",
        None,
        "芝罘区",
        None,
    ]
    first_either = pd.DataFrame(
        {
            "year": [2025, 2025, 2025, 2024],
            "district": ["芝罘区", None, None, None],
            "measure": [measure, other, measure, other],
            "value": [10, 3, 60, 4],
        }
    )
    with pytest.raises(qrules.DataError) as raised:
        qrules.read_dataset(first_either, yantai)
    assert [p.where for p in raised.value.problems] == ["row 2, column 'district'"]
