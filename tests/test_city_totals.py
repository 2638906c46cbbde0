"""More ways a figures sheet writes the whole city (session 9's review): a total
written `共计`, `总和` or `总数` (alone, after 全市 or 市, before 全市), the
words of all of it (`全部`, `所有区市`, `全部区市`, `整体`, `总体`, `All`,
`Overall`) are the city; the city's own name in English (`Yantai`, `Yantai
City`) is an error as `烟台` is; a part's total by those words stays an error.
Each was summed with the districts into the city's figure (a false "met")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import qrules

from .test_city_labels import BRANDS, city_result, long_sheet

CITY = [
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
    "All",
    "overall",
]


def _wide(path: Path, city: str) -> Path:
    """`long_sheet`'s figures with a column per district, the city's headed ``city``."""
    path.write_text(
        f"year,measure,芝罘区,福山区,{city}\n2025,{BRANDS},30,30,60\n", encoding="utf-8"
    )
    return path


@pytest.mark.parametrize(
    ("city", "sheet"),
    [*((c, long_sheet) for c in CITY), *((c, _wide) for c in ("共计", "所有区市", "All"))],
)
def test_each_further_way_of_writing_the_city_is_the_city(
    tmp_path: Path, yantai: qrules.Rulebook, city: str, sheet: Any
) -> None:
    """The city's own 60, not 60 + 30 + 30, in either layout."""
    result = city_result(yantai.evaluate(sheet(tmp_path / "figures.csv", city)))
    assert (result.observed, result.verdict.value) == (60, "not_met")


@pytest.mark.parametrize("name", ["Yantai", "yantai city", "烟台"])
def test_the_city_by_its_english_name_is_an_error(
    tmp_path: Path, yantai: qrules.Rulebook, name: str
) -> None:
    with pytest.raises(qrules.DataError) as raised:
        qrules.read_dataset(long_sheet(tmp_path / "figures.csv", name), yantai)
    [problem] = raised.value.problems
    assert "names the plan's city" in str(problem), problem
    with pytest.raises(qrules.DataError, match="names the plan's city"):
        qrules.read_dataset(_wide(tmp_path / "wide.csv", name), yantai)


@pytest.mark.parametrize("total", ["市区共计", "县市区总数", "全市小计"])
def test_a_part_total_by_those_words_is_still_an_error(
    tmp_path: Path, yantai: qrules.Rulebook, total: str
) -> None:
    with pytest.raises(qrules.DataError, match="is a total, not a district"):
        qrules.read_dataset(long_sheet(tmp_path / "figures.csv", total), yantai)
