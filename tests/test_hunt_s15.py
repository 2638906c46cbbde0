"""Findings of session 15's adversarial review (helper hunt): each a
reproducer of a defect fixed here (a false verdict or a boundary failure).
"""

from __future__ import annotations

import pytest

import qrules

BOOK = "yantai-2023-2025"


@pytest.fixture(scope="module")
def book() -> qrules.Rulebook:
    return qrules.load(BOOK)


# -- a district written in simplified and in traditional characters --------------------------


BRANDS = "provincial_high_end_brand_enterprises"  # the city's ≥ 100, a count


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
