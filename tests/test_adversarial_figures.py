"""Reported figures as a new user (or an attacker) hands them over: each case
once gave a verdict that did not hold for every reading of what was read, or a
crash where a one-line error (or a plain reading) was due."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterable, Iterator
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from openpyxl.chart import BarChart, Reference
from openpyxl.worksheet.formula import ArrayFormula

import qrules
from qrules.testing import assert_meets
from tests.conftest import run

RATE = "food_safety_sampling_pass_rate"
RULE = "food-safety-sampling-pass-rate"


def only_problem(source: Path, rulebook: qrules.Rulebook, **options: Any) -> str:
    """The one problem reading ``source`` finds, as the English message."""
    with pytest.raises(qrules.DataError) as caught:
        qrules.read_dataset(source, rulebook, **options)
    (problem,) = caught.value.problems
    return str(problem)


def by_district(path: Path, rows: Iterable[tuple[str, int]]) -> Path:
    """A long CSV of provincial high-end brand enterprises by district, in 2025."""
    lines = [f"2025,{district},{BRANDS},{value}\n" for district, value in rows]
    path.write_text("year,district,measure,value\n" + "".join(lines), encoding="utf-8")
    return path


def verdict(evaluation: qrules.Evaluation, rule: str = RULE) -> str:
    (result,) = [r for r in evaluation if r.rule_id == rule and r.district is None]
    return result.verdict.value


# -- hidden sheets ------------------------------------------------------------------


def hidden_first(path: Path) -> Path:
    """Last year's figures kept in a hidden first sheet, this year's in the one shown."""
    book = openpyxl.Workbook()
    old = book.active
    old.title = "old"
    old.append(["year", "measure", "value"])
    old.append([2025, RATE, 99])
    old.sheet_state = "hidden"
    shown = book.create_sheet("2025")
    shown.append(["year", "measure", "value"])
    shown.append([2025, RATE, 97])
    book.active = 1
    book.save(path)
    return path


def test_a_hidden_first_sheet_is_not_the_sheet_read(
    tmp_path: Path, yantai: qrules.Rulebook
) -> None:
    # The office sees 97 (not met); the hidden sheet's 99 was read: "met".
    path = hidden_first(tmp_path / "figures.xlsx")
    dataset = qrules.read_dataset(path, yantai)
    assert dataset.name == "figures.xlsx[2025]"
    assert any("hidden sheet" in str(n) and "'old'" in str(n) for n in dataset.notes)
    assert verdict(yantai.evaluate(dataset)) == "not_met"
    # Named, a hidden sheet is read.
    assert verdict(yantai.evaluate(path, sheet="old")) == "met"
    code, out, _ = run("--lang", "zh", "check", "yantai-2023-2025", str(path), "--rule", RULE)
    assert code == 1
    assert "隐藏" in out


# -- a district named two ways --------------------------------------------------------

BRANDS = "provincial_high_end_brand_enterprises"


def test_a_district_named_two_ways_is_not_two_districts(
    tmp_path: Path, yantai: qrules.Rulebook
) -> None:
    # 芝罘 and 芝罘区 were two districts: 60 + 60 summed into the city's 120 >= 100, "met".
    path = by_district(tmp_path / "d.csv", [("芝罘", 60), ("芝罘 区", 60), ("福山区", 1)])
    assert only_problem(path, yantai).startswith(
        "d.csv, row 3, column 'district': districts '芝罘', '芝罘 区' may be one district "
        "written two ways (first at row 2, column 'district')"
    )
    code, _, err = run("--lang", "zh", "check", "yantai-2023-2025", str(path))
    assert code == 2
    assert "可能是同一区县的两种写法" in err
    # A sheet with a column per district likewise.
    wide = tmp_path / "w.csv"
    wide.write_text(f"year,measure,芝罘,芝罘区\n2025,{BRANDS},60,60\n", encoding="utf-8")
    with pytest.raises(qrules.DataError, match="'芝罘', '芝罘区' may be one district"):
        qrules.read_dataset(wide, yantai)
    # Mapped to one name, the file is read (and the two rows are one district's, twice).
    mapping = tmp_path / "m.toml"
    mapping.write_text('[figures.districts]\n"芝罘" = "芝罘区"\n"芝罘 区" = "芝罘区"\n')
    with pytest.raises(qrules.DataError, match="given twice"):
        qrules.read_dataset(path, yantai, mapping=mapping)
    # Two places whose names differ only so are declared, each mapped to itself.
    mapping.write_text('[figures.districts]\n"芝罘" = "芝罘"\n"芝罘 区" = "芝罘 区"\n')
    dataset = qrules.read_dataset(path, yantai, mapping=mapping)
    assert {o.district for o in dataset.observations} == {"芝罘", "芝罘 区", "福山区"}


def test_the_city_by_its_own_name_is_not_a_district(
    tmp_path: Path, yantai: qrules.Rulebook
) -> None:
    # 烟台市 (the plan's city, as its title names it) was one more district: its 90
    # plus 芝罘区's 20 made the city 110 >= 100, "met"; the city's own figure is 90.
    path = by_district(tmp_path / "c.csv", [("烟台市", 90), ("芝罘区", 20)])
    assert only_problem(path, yantai).startswith(
        "c.csv, row 2, column 'district': '烟台市' names the plan's city"
    )
    code, _, err = run("--lang", "zh", "check", "yantai-2023-2025", str(path))
    assert code == 2
    assert "是本规划的城市" in err
    mapping = tmp_path / "m.toml"
    mapping.write_text('[figures.districts]\n"烟台市" = ""\n')
    dataset = qrules.read_dataset(path, yantai, mapping=mapping)
    assert verdict(yantai.evaluate(dataset), "provincial-high-end-brand-enterprises-table") == (
        "not_met"
    )


# -- numbers as Python and the DataFrame libraries hold them ----------------------------


def test_a_float_is_the_decimal_it_stands_for_not_its_binary_error(
    yantai: qrules.Rulebook,
) -> None:
    # 209 of 220 standards covered is 95 %; pandas' 209 / (220 / 100) is
    # 94.99999999999999, and 7 / (7 / 100) is 99.99999999999999: "not met", where
    # the figure is 95 and 100. 100.00000000000001 was even out of bounds.
    cases = {
        "mandatory-verification-standards-coverage-table": (
            "mandatory_verification_standards_coverage",
            209 / (220 / 100),
        ),
        "nonconforming-food-disposal-rate": ("nonconforming_food_disposal_rate", 7 / (7 / 100)),
    }
    for rule, (measure, value) in cases.items():
        assert value != round(value)
        frame = pd.DataFrame({"year": [2025], "measure": [measure], "value": [value]})
        assert verdict(yantai.evaluate(frame), rule) == "met", rule
    assert qrules.parse_value(100.00000000000001) == 100
    assert qrules.parse_value(0.1) == Fraction(1, 10)
    assert qrules.parse_value(98.46) == Fraction(9846, 100)
    assert qrules.parse_value(2 / 3) == Fraction(666666666666667, 10**15)
    assert qrules.parse_value(1e20) == 10**20


def test_numpy_and_nullable_values_read_as_their_numbers(yantai: qrules.Rulebook) -> None:
    # np.float64 (a pandas Float64 column's cells) raised decimal.InvalidOperation;
    # np.float32 and pd.NA were refused as "not a number".
    frame = pd.DataFrame(
        {"year": [2025], "measure": [RATE], "value": pd.array([98.5], dtype="Float64")}
    )
    assert verdict(yantai.evaluate(frame)) == "met"
    for value in (np.float64(98.5), np.float32(98.5), np.longdouble("98.5")):
        assert verdict(yantai.evaluate({RATE: value})) == "met", repr(value)
    assert qrules.parse_value(np.float32(1.1)) == Fraction(11, 10)
    for value in (pd.NA, pd.NaT, np.float64("nan"), np.datetime64("NaT")):
        assert qrules.parse_value(value) is None, repr(value)
    counts = pd.DataFrame(
        {
            "year": [2025, 2025],
            "measure": ["food_samples_passed", "food_samples_tested"],
            "value": pd.array([1232, pd.NA], dtype="Int64"),
        }
    )
    assert verdict(yantai.evaluate(counts)) == "unknown"
    # What is not a number is still refused, with its row and column.
    with pytest.raises(qrules.DataError, match="row 1, column 'value'"):
        yantai.evaluate(pd.DataFrame({"year": [2025], "measure": [RATE], "value": [np.bool_(1)]}))


def test_assert_meets_takes_one_rule_id_as_a_string(yantai: qrules.Rulebook) -> None:
    # rules="food-…" was read letter by letter: "no rule 'f' in rulebook …".
    frame = pd.DataFrame({"year": [2025], "measure": [RATE], "value": [98.5]})
    assert_meets(frame, yantai, rules=RULE)
    low = pd.DataFrame({"year": [2025], "measure": [RATE], "value": [97]})
    assert_meets(low, yantai, rules=RULE, known_failures=f"{RULE}@2025")
    with pytest.raises(AssertionError, match=RULE):
        assert_meets(low, yantai, rules=RULE)
    tagged = next(iter(yantai.rules[0].tags))
    assert_meets({}, yantai, tags=tagged, allow_unknown=True)


def test_a_header_row_past_the_end_is_said_in_chinese(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text(f"year,measure,value\n2025,{RATE},98.5\n", encoding="utf-8")
    code, _, err = run("--lang", "zh", "check", "yantai-2023-2025", str(path), "--header-row", "9")
    assert code == 2
    assert "f.csv:没有第 9 行:这张表只有 2 行" in err


# -- inputs that are not files ------------------------------------------------------------


@pytest.fixture
def prompt() -> Iterator[None]:
    """Fail, rather than hang, when a read waits on a FIFO."""

    def expire(*_: object) -> None:
        raise TimeoutError("the read waited on a FIFO")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(20)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.usefixtures("prompt")
def test_a_fifo_or_a_device_is_refused_as_every_input_file(tmp_path: Path) -> None:
    # A FIFO named figures.json, mapping.toml, a decision log or a coverage report
    # was opened and waited on for ever; /dev/zero behind one was read until memory
    # ran out.
    figures = tmp_path / "figures.csv"
    figures.write_text(f"year,measure,value\n2025,{RATE},98.5\n", encoding="utf-8")
    for name in ("fifo.json", "fifo.toml", "fifo.jsonl"):
        os.mkfifo(tmp_path / name)
    for name in ("zero.json", "zero.toml", "zero.jsonl"):
        (tmp_path / name).symlink_to("/dev/zero")
    for kind in ("fifo", "zero"):
        commands = {
            "json": ("check", "yantai-2023-2025", str(tmp_path / f"{kind}.json")),
            "mapping": (
                "check",
                "yantai-2023-2025",
                str(figures),
                "--mapping",
                str(tmp_path / f"{kind}.toml"),
            ),
            "audit": ("audit", str(tmp_path / f"{kind}.jsonl")),
            "coverage": ("coverage", str(tmp_path / f"{kind}.json")),
        }
        for what, argv in commands.items():
            code, _, err = run(*argv)
            assert code == 2, (kind, what, err)
            assert "not a regular file" in err, (kind, what, err)
            assert len(err.splitlines()) <= 2, err


def test_a_subtotal_is_not_a_district(tmp_path: Path, yantai: qrules.Rulebook) -> None:
    # 小计 (and 全市小计) were districts: 30 + 30 + their 60 summed into the
    # city's 120 >= 100, "met"; the city has 60. (全市总计 is the city:
    # tests/test_city_totals.py.)
    for total in ("小计", "全市小计", "市区合计", "Subtotal"):
        path = by_district(tmp_path / "s.csv", [("芝罘区", 30), ("福山区", 30), (total, 60)])
        assert only_problem(path, yantai).startswith(
            f"s.csv, row 4, column 'district': '{total}' is a total, not a district"
        ), total
    code, _, err = run("--lang", "zh", "check", "yantai-2023-2025", str(path))
    assert code == 2
    assert "是合计,不是区县" in err
    # The city's own total words are the city, as before.
    by_district(path, [("芝罘区", 30), ("全市合计", 60)])
    assert verdict(yantai.evaluate(path), "provincial-high-end-brand-enterprises-table") == (
        "not_met"
    )


def test_a_chart_sheet_is_not_read_as_cells(tmp_path: Path, yantai: qrules.Rulebook) -> None:
    # A workbook whose first sheet is a chart: AttributeError, exit 3.
    book = openpyxl.Workbook()
    data = book.active
    data.title = "data"
    data.append(["year", "measure", "value"])
    data.append([2025, RATE, 97])
    chart = BarChart()
    chart.add_data(Reference(data, min_col=3, min_row=1, max_row=2))
    book.create_chartsheet("chart", 0).add_chart(chart)
    path = tmp_path / "chart.xlsx"
    book.save(path)
    assert verdict(yantai.evaluate(path)) == "not_met"
    code, _, err = run("check", "yantai-2023-2025", str(path), "--sheet", "chart")
    assert code == 2
    assert err.splitlines()[-1].endswith(
        "chart.xlsx: sheet 'chart' is a chart, not a sheet of cells (name a sheet of cells: 'data')"
    ), err
    code, _, err = run("--lang", "zh", "check", "yantai-2023-2025", str(path), "--sheet", "chart")
    assert "是图表" in err


def test_an_array_formula_without_a_saved_value_is_refused(
    tmp_path: Path, yantai: qrules.Rulebook
) -> None:
    # openpyxl gives an array formula as an object, not text: it was read as empty.
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["year", "measure", "value"])
    sheet.append([2025, RATE, None])
    sheet["C2"] = ArrayFormula("C2", "=MAX(99,1)")
    path = tmp_path / "array.xlsx"
    book.save(path)
    assert only_problem(path, yantai).startswith(
        "array.xlsx, row 2, column 'value': the formula =MAX(99,1) has no saved value"
    )


# -- a unit column ------------------------------------------------------------------------


def test_a_unit_column_that_contradicts_the_measure_is_an_error(
    tmp_path: Path, yantai: qrules.Rulebook
) -> None:
    # 单位 was shown, never read: 210 (万平方米, 2,100,000 m²) of 5,000,000 m² read as
    # 210 m², 0.0042 %, "not met" where the sheet says 42 %; 4 (百家) read as 4.
    path = tmp_path / "u.csv"
    path.write_text(
        "指标,单位,2025年\n"
        "新开工装配式建筑面积,万平方米,210\n"
        "新建建筑面积,平方米,5000000\n"
        "食品安全抽检合格率,%,98.6\n"
        "食品安全抽检合格批次,个,1232\n"
        "食品安全抽检批次,,1250\n",
        encoding="utf-8",
    )
    problem = only_problem(path, yantai)
    assert problem.startswith(
        "u.csv, row 2, column '单位': prefabricated_floor_area_started: the sheet gives its "
        "unit as '万平方米', but the measure is in m² (平方米)"
    ), problem
    code, _, err = run("--lang", "zh", "check", "yantai-2023-2025", str(path))
    assert code == 2
    assert "表中写明的单位是 '万平方米'" in err
    # The measure's own unit (or 个 for a count, or none) is read as before.
    path.write_text(path.read_text(encoding="utf-8").replace("万平方米,210", "平方米,2100000"))
    dataset = qrules.read_dataset(path, yantai)
    assert len(dataset.observations) == 5


def test_a_unit_column_agrees_with_the_scale_the_mapping_declares(
    tmp_path: Path, yantai: qrules.Rulebook
) -> None:
    # A column in 万 declared in [figures.scale] says 万平方米 beside its figures: as
    # the mapping reads them, not an error (it was refused, though read right).
    path = tmp_path / "s.csv"
    path.write_text(
        "指标,单位,2024年,2025年\n新开工装配式建筑面积,万平方米,150,210\n", encoding="utf-8"
    )
    mapping = tmp_path / "m.toml"
    mapping.write_text('[figures.scale]\n"2024年" = "万"\n"2025年" = 10000\n', encoding="utf-8")
    dataset = qrules.read_dataset(path, yantai, mapping=str(mapping))
    assert sorted(o.value for o in dataset.observations) == [1_500_000, 2_100_000]
    # The unit itself, as without a scale (rates kept as fractions beside %, scaled by 100).
    written = path.read_text(encoding="utf-8")
    path.write_text(written.replace("万平方米", "平方米"), encoding="utf-8")
    assert len(qrules.read_dataset(path, yantai, mapping=str(mapping)).observations) == 2
    # Columns scaled unlike: the scaled unit is not theirs.
    mapping.write_text('[figures.scale]\n"2025年" = "万"\n', encoding="utf-8")
    path.write_text(
        "指标,单位,2024年,2025年\n新开工装配式建筑面积,万平方米,1500000,210\n", encoding="utf-8"
    )
    assert "the sheet gives its unit as" in only_problem(path, yantai, mapping=str(mapping))
    # Another scale's unit is still an error.
    mapping.write_text('[figures.scale]\n"2024年" = "千"\n"2025年" = "千"\n', encoding="utf-8")
    assert "the sheet gives its unit as" in only_problem(path, yantai, mapping=str(mapping))


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e25, max_value=1e25))
def test_a_float_reads_as_its_decimal_of_fifteen_digits(value: float) -> None:
    # A decimal written with at most 15 digits comes back as written; any other
    # float is read within its own binary error, never further.
    try:
        read = qrules.parse_value(value)
    except ValueError:
        return  # a number past the limits on what is read (docs/security.md)
    assert read is not None
    written = Decimal(repr(value))
    if len(written.as_tuple().digits) <= 15:
        assert read == Fraction(written)
    assert abs(read - Fraction(value)) <= abs(Fraction(value)) / 10**14


def test_a_dataframes_named_index_is_read_as_its_columns(yantai: qrules.Rulebook) -> None:
    # A district kept in the index (set_index, groupby) was dropped: 芝罘区's 60 was
    # read as the city's, "not met" against the city's 100 (the other districts
    # may have the rest).
    frame = pd.DataFrame({"year": [2025], "district": ["芝罘区"], "measure": [BRANDS]})
    frame["value"] = 60
    indexed = frame.set_index("district")
    assert {o.district for o in qrules.read_dataset(indexed, yantai).observations} == {"芝罘区"}
    rule = "provincial-high-end-brand-enterprises-table"
    assert verdict(yantai.evaluate(indexed), rule) == "unknown"
    # A pivot table: the measure in the index, a column per year.
    long = pd.DataFrame({"year": [2024, 2025], "measure": [RATE, RATE], "value": [97, 98.6]})
    pivot = long.pivot_table(index="measure", columns="year", values="value")
    assert verdict(yantai.evaluate(pivot)) == "met"
    # An unnamed index (0, 1, … or what filtering left) is no column.
    assert verdict(yantai.evaluate(long[long.year == 2025])) == "met"


def test_a_dataframes_index_of_row_labels_is_no_district(yantai: qrules.Rulebook) -> None:
    # A sheet read with index_col="序号" (its serial numbers), a column per district:
    # the index was read as one more district, 序号, its number summed into the
    # city's figure (12 + 60 + 30 = 102 brand enterprises, "met" against 100).
    frame = pd.DataFrame({"序号": [12], "year": [2025], "measure": [BRANDS], "芝罘区": [60]})
    frame["莱山区"] = [30]
    indexed = frame.set_index("序号")
    dataset = qrules.read_dataset(indexed, yantai)
    assert {o.district for o in dataset.observations} == {"芝罘区", "莱山区"}
    assert any("序号" in str(note) for note in dataset.notes), dataset.notes  # not read
    rule = "provincial-high-end-brand-enterprises-table"
    assert verdict(yantai.evaluate(indexed), rule) == "unknown"
    # A level kept as a column too (set_index(..., drop=False)) is read once: it was
    # a column given twice, an error.
    by_district = pd.DataFrame({"year": [2025, 2025], "district": ["芝罘区", "莱山区"]})
    by_district["measure"], by_district["value"] = BRANDS, [60, 50]
    both = by_district.set_index("district", drop=False)
    read = qrules.read_dataset(both, yantai).observations
    assert sorted((o.district, o.value) for o in read) == [("芝罘区", 60), ("莱山区", 50)]
    # Unless the two differ: which one is meant is not known.
    both["district"] = ["福山区", "莱山区"]
    assert "all give 'district'" in only_problem(both, yantai)  # type: ignore[arg-type]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_a_full_disk_is_said_in_chinese(tmp_path: Path) -> None:
    # -o on a full disk: "无法写入 '/dev/full':无法写入:No space left on device".
    figures = tmp_path / "f.csv"
    figures.write_text(f"year,measure,value\n2025,{RATE},98.5\n", encoding="utf-8")
    argv = ("report", "yantai-2023-2025", str(figures), "-o", "/dev/full")
    code, _, err = run("--lang", "zh", *argv)
    assert code == 2
    assert err == "qrules:无法写入 '/dev/full':无法写入:磁盘空间不足\n"
    code, _, err = run(*argv)
    assert err == "qrules: cannot write '/dev/full': cannot be written: no space left on device\n"
