"""How a figures sheet writes the whole city in its district column (or over a
column of a sheet with a column per district): the one list of the city's
spellings (`_figures._CITY`, docs/datasets.md "Districts and the city").

Each spelling below was once refused, or summed with the districts it totals
into the city's figure (a false "met"): `全市总计` where `全市合计` was the
city; `汇总`, `city total`; a total written `共计`, `总和` or `总数` (alone,
after 全市 or 市, before 全市); the words of all of it (`全部`, `所有区市`,
`全部区市`, `整体`, `总体`, `All`, `Overall`). They are all the city. A part's
total (`小计`, `全市小计`, `市区合计`, the urban districts' only), a running
total (`累计`) and anything else with a total's word stay an error naming the
row; so does the plan's city by its own name (`烟台`, `Yantai`, `Yantai City`).
"""

from __future__ import annotations

from collections.abc import Callable
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
    "共计",
    "总和",
    "总数",
    "全市共计",
    "市总数",
    "全市总和",
    "共计(全市)",
    "全部",
    "所有区市",
    "全部区市",
    "整体",
    "总体",
    "city",
    "whole city",
    "city total",
    "citywide",
    "City-wide",
    "total",
    "Grand Total",
    "All",
    "overall",
]

#: Totals of some districts, never the city.
PART_TOTALS = [
    "小计",
    "全市小计",
    "市区合计",
    "累计",
    "Subtotal",
    "县市区合计",
    "市区共计",
    "县市区总数",
]


def long_sheet(path: Path, city: str) -> Path:
    """Two districts' 30 each, and the city's 60 written as ``city``."""
    path.write_text(
        "year,district,measure,value\n"
        f"2025,芝罘区,{BRANDS},30\n2025,福山区,{BRANDS},30\n2025,{city},{BRANDS},60\n",
        encoding="utf-8",
    )
    return path


def wide_sheet(path: Path, city: str) -> Path:
    """`long_sheet`'s figures with a column per district, the city's headed ``city``."""
    path.write_text(
        f"year,measure,芝罘区,福山区,{city}\n2025,{BRANDS},30,30,60\n", encoding="utf-8"
    )
    return path


def city_result(evaluation: qrules.Evaluation) -> qrules.Result:
    [found] = [r for r in evaluation if r.rule_id == RULE and r.district is None]
    return found


def the_problem(path: Path, yantai: qrules.Rulebook) -> str:
    """The one problem reading the sheet at ``path`` raises."""
    with pytest.raises(qrules.DataError) as raised:
        qrules.read_dataset(path, yantai)
    [problem] = raised.value.problems
    return str(problem)


@pytest.mark.parametrize(
    ("city", "sheet"),
    [
        *((c, long_sheet) for c in CITY),
        *((c, wide_sheet) for c in ("全市总计", "共计", "所有区市", "All")),
    ],
)
def test_each_way_of_writing_the_city_is_the_city(
    tmp_path: Path, yantai: qrules.Rulebook, city: str, sheet: Callable[[Path, str], Path]
) -> None:
    """The city's own 60, not 60 + 30 + 30 (not met against >= 100), in either layout."""
    result = city_result(yantai.evaluate(sheet(tmp_path / "figures.csv", city)))
    assert (result.observed, result.verdict.value) == (60, "not_met")


@pytest.mark.parametrize("total", PART_TOTALS)
def test_a_total_of_some_districts_is_still_an_error(
    tmp_path: Path, yantai: qrules.Rulebook, total: str
) -> None:
    assert the_problem(long_sheet(tmp_path / "figures.csv", total), yantai).startswith(
        f"figures.csv, row 4, column 'district': '{total}' is a total, not a district"
    )


@pytest.mark.parametrize("name", ["Yantai", "yantai city", "烟台"])
def test_the_city_by_its_own_name_is_an_error(
    tmp_path: Path, yantai: qrules.Rulebook, name: str
) -> None:
    assert "names the plan's city" in the_problem(
        long_sheet(tmp_path / "figures.csv", name), yantai
    )
    assert "names the plan's city" in the_problem(wide_sheet(tmp_path / "wide.csv", name), yantai)


@pytest.mark.parametrize(
    ("label", "says"),
    [
        ("市区", "is a group of districts"),
        ("县市区", "is a group of districts"),
        ("合 計 (部分)", "is a total, not a district"),
        ("Totals", "is a total, not a district"),
        ("Total Yantai", "names the plan's city"),
        ("煙台", "names the plan's city"),
        ("烟台市本级", "names the plan's city"),
    ],
)
def test_a_label_that_looks_like_a_total_or_the_city_is_an_error(
    tmp_path: Path, yantai: qrules.Rulebook, label: str, says: str
) -> None:
    """The one rule (`_Reader.not_a_district`): never summed as one more district."""
    assert says in the_problem(long_sheet(tmp_path / "figures.csv", label), yantai)


def test_a_district_the_rulebook_does_not_list_is_an_error(
    tmp_path: Path, yantai: qrules.Rulebook
) -> None:
    """With the rulebook's districts listed, a name that is none of them (here the
    urban districts' '城区') is an error naming them; one of them written without
    its 区 is that district."""
    import attrs  # noqa: PLC0415

    listed = attrs.evolve(yantai, districts=("芝罘区", "福山区"))
    said = the_problem(long_sheet(tmp_path / "figures.csv", "城区"), listed)
    assert "'城区' is not one of the districts the rulebook lists (芝罘区, 福山区)" in said
    path = tmp_path / "known.csv"
    path.write_text(f"year,district,measure,value\n2025,芝罘,{BRANDS},30\n", encoding="utf-8")
    [observation] = qrules.read_dataset(path, listed).observations
    assert observation.district == "芝罘"


@pytest.mark.parametrize(
    "zone",
    ["烟台开发区", "烟台高新区", "Yantai Economic Development Area", "Yantai High-tech Zone"],
)
def test_a_place_named_after_the_city_is_a_district(tmp_path: Path, zone: str) -> None:
    """Yantai's figures report its development zones beside its districts, by
    names that hold the city's: each is read as a district (summed with the
    others), not refused as the city's name (``烟台市区``, ``Yantai
    Municipality`` are the city's)."""
    yantai = qrules.load("yantai-2023-2025")
    path = tmp_path / "figures.csv"
    path.write_text(
        f"year,district,measure,value\n2025,芝罘区,{BRANDS},30\n2025,{zone},{BRANDS},30\n",
        encoding="utf-8",
    )
    evaluation = yantai.evaluate(path)
    assert {r.district for r in evaluation if r.district} >= {zone}
