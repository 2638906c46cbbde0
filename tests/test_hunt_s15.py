"""Findings of session 15's adversarial review (helper hunt): each a
reproducer of a defect fixed here (a false verdict or a boundary failure).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import qrules
from qrules._diff import Bump, diff_rulebooks, diff_text
from qrules._load import shipped_rulebooks

BOOK = "yantai-2023-2025"


@pytest.fixture(scope="module")
def book() -> qrules.Rulebook:
    return qrules.load(BOOK)


# -- a district written in simplified and in traditional characters --------------------------


BRANDS = "provincial_high_end_brand_enterprises"  # a count
TABLE = "provincial-high-end-brand-enterprises-table"  # its rule of the city's ≥ 100


@pytest.mark.parametrize(
    ("simplified", "traditional"),
    [("莱山区", "萊山區"), ("龙口市", "龍口市"), ("长岛", "長島"), ("招远市", "招遠市")],
)
def test_a_district_in_traditional_characters_is_not_summed_twice(
    book: qrules.Rulebook, simplified: str, traditional: str
) -> None:
    """60 brand enterprises reported for 莱山区 and again for 萊山區 (the same
    district in traditional characters) were two districts: their sum, 120,
    met the city's "≥ 100" (its least value, with the rulebook listing no
    districts). The table of traditional forms knew 區 but not 萊; any two
    names alike but where one writes a character outside GB 2312 are now
    refused as one district written two ways, as 芝罘区 and 芝罘區 were."""
    rows = [
        {"year": 2025, "district": name, "measure": BRANDS, "value": 60}
        for name in (simplified, traditional)
    ]
    with pytest.raises(qrules.DataError, match="may be one district written two ways"):
        book.evaluate(rows)


def test_districts_differing_in_a_simplified_character_are_two(book: qrules.Rulebook) -> None:
    """莱山区 and 莱州市 (stems 莱山 and 莱州, both in GB 2312) are two
    districts, summed: 60 + 60 meets "≥ 100"."""
    rows = [
        {"year": 2025, "district": name, "measure": BRANDS, "value": 60}
        for name in ("莱山区", "莱州市")
    ]
    city = [r for r in book.evaluate(rows) if r.rule.measure.id == BRANDS and r.district is None]
    assert city
    assert {(r.year, r.verdict, r.observed) for r in city} == {(2025, qrules.Verdict.MET, 120)}


@pytest.mark.parametrize(
    ("short", "long"),
    [("芝罘区", "烟台市芝罘区"), ("芝罘", "烟台市芝罘区"), ("高新区", "烟台高新区")],
)
def test_a_district_with_and_without_its_city_is_not_summed_twice(
    book: qrules.Rulebook, short: str, long: str
) -> None:
    """芝罘区 and 烟台市芝罘区 (the district with its city's name before it,
    as statistics bulletins write it) were two districts: 60 and 60 met the
    city's "≥ 100". A name that ends with another of two Chinese characters
    or more is that district written two ways."""
    rows = [
        {"year": 2025, "district": name, "measure": BRANDS, "value": 60} for name in (short, long)
    ]
    with pytest.raises(qrules.DataError, match="may be one district written two ways"):
        book.evaluate(rows)


def test_a_district_named_as_written_twice_in_the_mapping_is_as_declared(
    book: qrules.Rulebook,
) -> None:
    """Two places the mapping file declares are as declared (a development
    zone and the district it is named after, each mapped to itself)."""
    rows = [
        {"year": 2025, "district": name, "measure": BRANDS, "value": 60}
        for name in ("高新区", "烟台高新区")
    ]
    mapping = {"figures": {"districts": {"高新区": "高新区", "烟台高新区": "烟台高新区"}}}
    city = [
        r
        for r in book.evaluate(rows, mapping=mapping)
        if r.rule.measure.id == BRANDS and r.district is None
    ]
    assert {r.verdict for r in city} == {qrules.Verdict.MET}


def _city_and_zhifu(total: str) -> list[dict[str, object]]:
    return [
        {"year": 2025, "district": total, "measure": BRANDS, "value": 95},
        {"year": 2025, "district": "芝罘区", "measure": BRANDS, "value": 10},
    ]


@pytest.mark.parametrize("total", ["entire city", "All districts", "全域"])
def test_the_whole_city_in_other_words_is_no_district(book: qrules.Rulebook, total: str) -> None:
    """A row of the whole city written "entire city", "All districts" or 全域
    was one more district: its 95 and 芝罘区's 10 summed to 105, a false
    "met" of "≥ 100" where the city reported 95."""
    city = [
        r
        for r in book.evaluate(_city_and_zhifu(total))
        if r.rule.id == TABLE and r.district is None
    ]
    assert [(r.verdict, r.observed) for r in city] == [(qrules.Verdict.NOT_MET, 95)]


def test_the_city_of_its_name_is_no_district(book: qrules.Rulebook) -> None:
    """ "City of Yantai" names the plan's city, as "Yantai City" does: an error
    asking for the city's row, not a district summed with 芝罘区's."""
    with pytest.raises(qrules.DataError, match="names the plan's city"):
        book.evaluate(_city_and_zhifu("City of Yantai"))


# -- qrules diff: a change to the rulebook that no rule shows -----------------------------------


def _edited(tmp_path: Path, file: str, old: str, new: str) -> Path:
    folder = tmp_path / "edited"
    shutil.copytree(shipped_rulebooks()[BOOK], folder)
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def test_a_changed_plan_text_is_a_change(book: qrules.Rulebook, tmp_path: Path) -> None:
    """plan.txt edited outside every quote (决策启动 → 决策终止): the fingerprint
    that results are tied to changed, yet ``qrules diff`` said "0 rule
    changes, bump none" and exited 0, "nothing changed". The text's first
    changed line is shown, a patch."""
    new = qrules.load(_edited(tmp_path, "plan.txt", "决策启动", "决策终止"))
    assert new.fingerprint != book.fingerprint
    diff = diff_rulebooks(book, new)
    assert diff.changed
    assert [(f.field, f.old, f.new) for f in diff.plan] == [("text", "决策启动", "决策终止")]
    assert diff.bump is Bump.PATCH
    assert "plan text: 决策启动 → 决策终止" in diff_text(diff)
    assert "规划原文:决策启动 → 决策终止" in diff_text(diff, "zh")


@pytest.mark.parametrize(
    ("old", "new", "field", "bump"),
    [
        ('handled_by = "烟台市市场监督管理局"', 'handled_by = "烟台市人民政府"', "content",
         Bump.PATCH),
        ("start = 2023-01-01\nend = 2025-12-31\n\n[consultation]",
         "start = 2023-01-01\nend = 2025-12-31\n\n[effective]\nstart = 2023-01-01\n"
         "end = 2026-12-31\n\n[consultation]", "effective", Bump.MAJOR),
    ],
)  # fmt: skip
def test_a_changed_plan_is_a_change(
    book: qrules.Rulebook, tmp_path: Path, old: str, new: str, field: str, bump: Bump
) -> None:
    """The consultation record (shown by the fingerprints) and the effective
    period (the dates ``--as-of`` judges) changed: "nothing changed" before."""
    diff = diff_rulebooks(book, qrules.load(_edited(tmp_path, "plan.toml", old, new)))
    assert [f.field for f in diff.plan] == [field]
    assert diff.bump is bump


def test_the_same_rulebook_is_no_change(book: qrules.Rulebook) -> None:
    diff = diff_rulebooks(book, qrules.load(BOOK))
    assert not diff.changed
    assert diff.bump is Bump.NONE


# -- a lone surrogate in a cell of rows or a DataFrame given in Python ---------------------------


def _register_rows(district: str) -> list[dict[str, str]]:
    return [
        {"unit": unit, "name": "n", "category": "infant_formula_maker", "district": where,
         "registered": "2020-01-01"}
        for unit, where in (("IF01", "芝罘区"), ("IF02", district))
    ]  # fmt: skip


def test_a_lone_surrogate_in_a_register_row_is_refused_naming_its_cell() -> None:
    """A district holding half of a surrogate pair (``福\\ud800山区``, as a
    JSON file's ``\\ud800`` escape gives it) was read, then judged as a
    district on the reference engine, refused on DuckDB without its row
    ("save the file as UTF-8"), and the decision log could not be written
    (UnicodeEncodeError, no qrules error). It is no text, as a JSON file's is:
    refused as it is read, naming its row and column, for every engine."""
    with pytest.raises(qrules.DataError, match=r"row 2, column 'district'.*lone surrogate"):
        qrules.read_register(_register_rows("福\ud800山区"))


def test_a_lone_surrogate_in_figures_given_in_python_is_refused(
    book: qrules.Rulebook, tmp_path: Path
) -> None:
    pd = pytest.importorskip("pandas")
    rows = [{"year": 2025, "district": "\udc80", "measure": BRANDS, "value": 60}]
    for data in (rows, pd.DataFrame(rows, dtype=object)):
        with pytest.raises(qrules.DataError, match=r"row 1, column 'district'.*lone surrogate"):
            book.evaluate(data, decision_log=tmp_path / "decisions.jsonl")
