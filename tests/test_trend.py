"""Trends: a measure's path, its recent pace and the outlook, exactly."""

from __future__ import annotations

from fractions import Fraction as F

import attrs
from hypothesis import given
from hypothesis import strategies as st

import qrules
from qrules import Verdict
from qrules._trend import Series, measure_paths, pace, project, trend, trends, trends_markdown

SAMPLE = "synthetic-2023-2025.csv"


def path(*points: tuple[int, object]) -> Series:
    return tuple((year, F(str(value))) for year, value in points)


def test_pace_is_the_change_over_the_last_two_years() -> None:
    assert pace(path((2023, 120), (2024, 141))) == 21
    assert pace(path((2021, 0), (2023, 98.4), (2024, 98.7))) == F(3, 10)
    assert pace(path((2022, 10), (2025, 11))) == F(1, 3)  # a gap of years: per year
    assert pace(path((2024, 5))) is None
    assert pace(()) is None


def test_project_observes_projects_or_says_nothing() -> None:
    series = path((2023, 10), (2024, 13))
    assert project(series, 2024) == (13, False)
    assert project(series, 2025) == (16, True)
    assert project(series, 2022) == (None, False)
    # Never below 0: measures are not negative.
    assert project(path((2023, 10), (2024, 4)), 2026) == (0, True)


def test_a_level_rule_projected_to_its_due_year(mini: qrules.Rulebook) -> None:
    firms = mini["firms"]  # cumulative, >= 300 by 2025
    on = trend(mini, firms, path((2023, 260), (2024, 280)))
    assert (on.outlook, on.projected, on.verdict) == (300, True, Verdict.MET)
    assert on.label() == "on track"
    assert on.label("zh") == "有望达标"
    assert on.projection == ((2025, F(300)),)
    assert on.reason.en == "at the 2023→2024 pace (+20 a year), 2025 would be 300 (target ≥ 300)"
    off = trend(mini, firms, path((2023, 260), (2024, 279)))
    assert (off.outlook, off.verdict, off.label()) == (298, Verdict.NOT_MET, "off track")


def test_an_observed_due_year_is_not_projected(mini: qrules.Rulebook) -> None:
    result = trend(mini, mini["firms"], path((2023, 260), (2024, 280), (2025, 299)))
    assert (result.outlook, result.projected, result.verdict) == (299, False, Verdict.NOT_MET)
    assert result.label() == "not reached"
    assert result.reason.en == "2025 is 299 (target ≥ 300)"


def test_exact_fractions_decide_a_projection_on_the_threshold(mini: qrules.Rulebook) -> None:
    # 98.2 -> 98.35: 0.15 a year, exactly 98.5 in 2025; a float would land at 98.49999...
    result = trend(mini, mini["pass-rate"], path((2023, "98.2"), (2024, "98.35")))
    assert result.outlook == F("98.5")
    assert result.verdict is Verdict.MET


def test_a_new_rule_adds_observed_and_projected_years(mini: qrules.Rulebook) -> None:
    rule = mini["new-standards"]  # new, >= 100 over 2023-2025
    result = trend(mini, rule, path((2023, 30), (2024, 33)))
    assert result.outlook == 30 + 33 + 36
    assert result.verdict is Verdict.NOT_MET
    assert "the 2023–2025 total would be 99" in result.reason.en
    gap = trend(mini, rule, path((2022, 30), (2024, 33)))  # 2023 missing, before the last
    assert gap.verdict is Verdict.UNKNOWN
    assert gap.reason.en == "no value for 2023"


def test_an_annual_average_rule_averages_the_years(yantai: qrules.Rulebook) -> None:
    rule = next(r for r in yantai if r.aggregation is qrules.Aggregation.ANNUAL_AVERAGE)
    assert rule.target is not None
    value = rule.target.value
    result = trend(yantai, rule, path((2023, value - 1), (2024, value)))
    # value - 1, value, value + 1: the average is the target itself.
    assert result.outlook == value
    assert result.verdict is Verdict.MET


def test_unknown_with_fewer_than_two_years(mini: qrules.Rulebook) -> None:
    result = trend(mini, mini["firms"], path((2023, 260)))
    assert result.verdict is Verdict.UNKNOWN
    assert result.label() == "no trend"
    assert result.reason.en == "only 2023 has a value: a pace needs two years"
    assert trend(mini, mini["firms"], ()).reason.en == "no value in any year"
    # One year is enough when it is the year the target is judged in.
    assert trend(mini, mini["firms"], path((2025, 300))).verdict is Verdict.MET


def test_unknown_without_a_single_threshold(mini: qrules.Rulebook) -> None:
    rule = attrs.evolve(
        mini["firms"], requirement=qrules.parse_requirement("firms >= 300 and new_standards >= 1")
    )
    result = trend(mini, rule, path((2023, 260), (2024, 280)))
    assert result.verdict is Verdict.UNKNOWN


@given(st.integers(0, 10**6), st.integers(-1000, 1000), st.integers(1, 4))
def test_a_straight_line_is_projected_exactly(start: int, step: int, years: int) -> None:
    points = tuple((2020 + i * years, F(start + step * i * years, 7)) for i in range(2))
    value, projected = project(points, 2020 + 2 * years)
    assert projected
    assert value == max(F(0), F(start + step * 2 * years, 7))


def test_paths_are_the_engines_values(yantai: qrules.Rulebook) -> None:
    """Each path's value in a rule's judged year is the value the engine judged."""
    dataset = qrules.read_dataset(f"{yantai.path}/samples/{SAMPLE}", yantai)
    evaluation = yantai.evaluate(dataset)
    paths = measure_paths(yantai, dataset)
    checked = 0
    for result in evaluation:
        if len(result.years) != 1 or result.observed is None:
            continue
        assert dict(paths[result.rule.measure.id, None])[result.year] == result.observed
        checked += 1
    assert checked > 60


def test_an_observed_outlook_agrees_with_the_verdict(yantai: qrules.Rulebook) -> None:
    dataset = qrules.read_dataset(f"{yantai.path}/samples/{SAMPLE}", yantai)
    evaluation = yantai.evaluate(dataset)
    last = {r.rule.id: r for r in evaluation}  # every_year: the period's last year
    found = trends(yantai, dataset)
    assert len(found) == len(yantai)
    agreed = 0
    for each in found:
        if each.verdict is not Verdict.UNKNOWN and not each.projected:
            assert each.verdict is last[each.rule.id].verdict, each.rule.id
            agreed += 1
    assert agreed > 60
    # The sample leaves some 2025 values empty: those are projected.
    assert any(t.projected for t in found)


def test_trends_per_district(mini: qrules.Rulebook) -> None:
    dataset = qrules.Dataset(
        "d",
        tuple(
            qrules.Observation("firms", year, F(value), district)
            for district, values in (("east", (250, 280)), ("west", (290, 291)))
            for year, value in zip((2023, 2024), values, strict=True)
        ),
    )
    found = {(t.rule.id, t.district): t for t in trends(mini, dataset)}
    assert found["firms", "east"].label() == "on track"  # 280 + 30 = 310
    assert found["firms", "west"].label() == "off track"  # 291 + 1 = 292
    assert found["pass-rate", "east"].label() == "no trend"


def test_trends_markdown(mini: qrules.Rulebook) -> None:
    dataset = qrules.Dataset(
        "d",
        tuple(
            qrules.Observation("firms", year, F(value))
            for year, value in ((2023, 250), (2024, 280))
        ),
    )
    text = trends_markdown(trends(mini, dataset))
    assert "| firms |  | 2023: 250, 2024: 280 | at the 2023→2024 pace (+30 a year)" in text
    assert text.rstrip().endswith("| on track |")
    assert trends_markdown(()) == ""
