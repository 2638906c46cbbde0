"""How a figures sheet writes the whole city in its district column.

`全市合计` was the city while `全市总计` (the same words but for 合 and 总) was
refused as a total "not a district", and `全市汇总`, `汇总`, `city total`
too: the common ways of writing the city's total row are now all the city,
one list (`_figures._CITY`); a part's total (`小计`, `全市小计`, `市区合计`,
the urban districts' only), a running total (`累计`) and anything else with a
total's word stay an error naming the row, never a district summed with the
districts it totals.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import qrules

BRANDS = "provincial_high_end_brand_enterprises"
RULE = "provincial-high-end-brand-enterprises-table"

CITY = [
    "全市",
    "全市合计",
    "全市总计",
    "全市汇总",
    "市合计",
    "市总计",
    "市汇总",
    "合计",
    "总计",
    "汇总",
    "合计(全市)",
    "总计（全市）",
    "全 市 合 计",
    "city",
    "whole city",
    "city total",
    "citywide",
    "City-wide",
    "total",
    "Grand Total",
]


def long_sheet(path: Path, city: str) -> Path:
    """Two districts' 30 each, and the city's 60 written as ``city``."""
    path.write_text(
        "year,district,measure,value\n"
        f"2025,芝罘区,{BRANDS},30\n2025,福山区,{BRANDS},30\n2025,{city},{BRANDS},60\n",
        encoding="utf-8",
    )
    return path


def city_result(evaluation: qrules.Evaluation) -> qrules.Result:
    [found] = [r for r in evaluation if r.rule_id == RULE and r.district is None]
    return found


@pytest.mark.parametrize("city", CITY)
def test_each_way_of_writing_the_city_is_the_city(
    tmp_path: Path, yantai: qrules.Rulebook, city: str
) -> None:
    result = city_result(yantai.evaluate(long_sheet(tmp_path / "figures.csv", city)))
    # The city's own 60, not 60 + 30 + 30: not met against >= 100.
    assert (result.observed, result.verdict.value) == (60, "not_met")


def test_a_column_per_district_headed_by_the_city(tmp_path: Path, yantai: qrules.Rulebook) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(
        f"year,measure,芝罘区,福山区,全市总计\n2025,{BRANDS},30,30,60\n", encoding="utf-8"
    )
    result = city_result(yantai.evaluate(path))
    assert (result.observed, result.verdict.value) == (60, "not_met")


@pytest.mark.parametrize(
    "total", ["小计", "全市小计", "市区合计", "累计", "Subtotal", "县市区合计"]
)
def test_a_total_of_some_districts_is_still_an_error(
    tmp_path: Path, yantai: qrules.Rulebook, total: str
) -> None:
    with pytest.raises(qrules.DataError) as raised:
        qrules.read_dataset(long_sheet(tmp_path / "figures.csv", total), yantai)
    [problem] = raised.value.problems
    assert str(problem).startswith(
        f"figures.csv, row 4, column 'district': '{total}' is a total, not a district"
    )
