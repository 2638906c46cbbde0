"""The reference engine on the mini rulebook: verdicts, reasons, gaps, changes."""

from __future__ import annotations

from fractions import Fraction

import pytest

import qrules
from qrules import Verdict


def judge(
    rulebook: qrules.Rulebook, values: dict[str, object], rule: str, year: int = 2025
) -> qrules.Result:
    [result] = [r for r in rulebook.evaluate(values, year=year) if r.rule.id == rule]
    return result


def test_counts_on_the_threshold_meet(mini: qrules.Rulebook) -> None:
    # 100 * 197 / 200 == 98.5 exactly.
    result = judge(mini, {"passed": 197, "sampled": 200}, "pass-rate")
    assert result.verdict is Verdict.MET
    assert result.observed == Fraction(197, 2)
    assert result.gap == 0
    assert result.inputs == {"passed": 197, "sampled": 200}


def test_counts_below_give_the_smallest_change(mini: qrules.Rulebook) -> None:
    result = judge(mini, {"passed": 1231, "sampled": 1250}, "pass-rate")
    assert result.verdict is Verdict.NOT_MET
    assert result.gap == Fraction(98.5) - Fraction(123100, 1250)
    [change] = result.changes
    assert (change.measure, change.observed, change.needed, change.delta) == (
        "passed",
        1231,
        1232,
        1,
    )
    assert change.describe() == "1 more samples that passed (1231 → 1232)"
    assert "observed 98.48 in 2025 < target 98.5" in result.reason.en


def test_reported_rate_is_used_without_counts(mini: qrules.Rulebook) -> None:
    result = judge(mini, {"pass_rate": "98.4%"}, "pass-rate")
    assert result.verdict is Verdict.NOT_MET
    assert result.gap == Fraction(1, 10)
    assert result.changes == ()


def test_counts_win_over_a_reported_rate_and_the_difference_is_said(mini: qrules.Rulebook) -> None:
    result = judge(mini, {"pass_rate": "98.5", "passed": 1231, "sampled": 1250}, "pass-rate")
    assert result.verdict is Verdict.NOT_MET
    assert "the reported 98.5 differs from 98.48 computed from the counts" in result.reason.en


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({}, "no value for pass_rate (nor all of passed, sampled"),
        ({"passed": 3}, "no value for pass_rate"),
        ({"pass_rate": "—"}, "no value for pass_rate"),
        ({"passed": 0, "sampled": 0}, "its denominator is 0"),
    ],
    ids=["empty", "half-the-counts", "reported-missing", "zero-denominator"],
)
def test_unknown_is_never_met_nor_zero(
    mini: qrules.Rulebook, values: dict[str, object], reason: str
) -> None:
    result = judge(mini, values, "pass-rate")
    assert result.verdict is Verdict.UNKNOWN
    assert result.observed is None
    assert result.gap is None
    assert reason in result.reason.en


def test_an_empty_dataset_is_not_a_pass(mini: qrules.Rulebook) -> None:
    evaluation = mini.evaluate({})
    assert evaluation.verdict is Verdict.UNKNOWN
    assert not evaluation.ok
    assert {r.verdict for r in evaluation} == {Verdict.UNKNOWN}


def test_new_sums_every_year_of_the_period(mini: qrules.Rulebook) -> None:
    dataset = qrules.Dataset(
        "d",
        tuple(
            qrules.Observation("new_standards", year, Fraction(value))
            for year, value in ((2023, 30), (2024, 35), (2025, 35))
        ),
    )
    [result] = [r for r in mini.evaluate(dataset) if r.rule.id == "new-standards"]
    assert result.verdict is Verdict.MET
    assert result.observed == 100
    assert result.years == (2023, 2024, 2025)


def test_new_with_a_missing_year_is_unknown(mini: qrules.Rulebook) -> None:
    dataset = qrules.Dataset("d", (qrules.Observation("new_standards", 2025, Fraction(100)),))
    [result] = [r for r in mini.evaluate(dataset) if r.rule.id == "new-standards"]
    assert result.verdict is Verdict.UNKNOWN
    assert "needs every year; no value for new_standards in 2023, 2024" in result.reason.en


def test_every_year_is_judged_per_year_present(mini: qrules.Rulebook) -> None:
    dataset = qrules.Dataset(
        "d",
        (
            qrules.Observation("coverage", 2023, Fraction(25)),
            qrules.Observation("inspected", 2024, Fraction(19)),
            qrules.Observation("units", 2024, Fraction(100)),
        ),
    )
    results = [r for r in mini.evaluate(dataset) if r.rule.id == "coverage"]
    assert [(r.year, r.verdict) for r in results] == [(2023, Verdict.MET), (2024, Verdict.NOT_MET)]
    [change] = results[1].changes
    assert (change.measure, change.needed) == ("inspected", 20)


def test_rows_reconcile(mini: qrules.Rulebook) -> None:
    dataset = qrules.Dataset(
        "d",
        (
            qrules.Observation("firms", 2025, Fraction(300)),
            qrules.Observation("firms", 2024, Fraction(290)),
        ),
    )
    evaluation = mini.evaluate(dataset)
    assert evaluation.rows_read == 2
    assert evaluation.rows_used == 1
    assert [o.year for o in evaluation.unused] == [2024]


def test_a_city_rule_is_not_judged_in_districts(mini: qrules.Rulebook) -> None:
    dataset = qrules.Dataset(
        "d",
        (
            qrules.Observation("firms", 2025, Fraction(300), "芝罘区"),
            qrules.Observation("firms", 2025, Fraction(310)),
        ),
    )
    firms = [(r.district, r.verdict) for r in mini.evaluate(dataset) if r.rule.id == "firms"]
    assert firms == [(None, Verdict.MET)]


def test_results_name_the_rulebook(mini: qrules.Rulebook) -> None:
    evaluation = mini.evaluate({"firms": 1})
    assert evaluation.version == "1.0.0"
    assert evaluation.fingerprint == mini.fingerprint


def test_year_belongs_to_mappings_only(mini: qrules.Rulebook) -> None:
    with pytest.raises(TypeError, match="a dataset gives its own years"):
        mini.evaluate(qrules.Dataset("d", ()), year=2025)


def test_rule_selection(mini: qrules.Rulebook) -> None:
    evaluation = mini.evaluate({"firms": 300}, rules=mini.select(ids=["firms"]))
    assert [r.rule.id for r in evaluation] == ["firms"]
    assert evaluation.ok
