"""qrules.strategies keeps its promises, and reports bad arguments at draw time."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import qrules
from qrules import Verdict
from qrules.strategies import (
    measure_values,
    registers_and_logs,
    reported_datasets,
    threshold_values,
)

from .conftest import MINI

MINI_BOOK = qrules.load(MINI)
PASS_RATE = MINI_BOOK["pass-rate"]
FIRMS = MINI_BOOK["firms"]


@settings(max_examples=50, deadline=None)
@given(measure_values(PASS_RATE, verdict="met"))
def test_met_values_meet(value: Fraction) -> None:
    assert Fraction(197, 2) <= value <= 100


@settings(max_examples=50, deadline=None)
@given(measure_values(PASS_RATE, verdict="not_met", max_margin="0.5"))
def test_narrow_misses_stay_within_the_margin(value: Fraction) -> None:
    assert 98 <= value < Fraction(197, 2)


@settings(max_examples=20, deadline=None)
@given(threshold_values(PASS_RATE))
def test_threshold_values_sit_on_the_threshold(value: Fraction) -> None:
    assert value == Fraction(197, 2)


@settings(max_examples=50, deadline=None)
@given(measure_values(FIRMS, verdict="not_met"))
def test_whole_units_give_whole_numbers(value: Fraction) -> None:
    assert value.denominator == 1
    assert 0 <= value < 300


@settings(max_examples=30, deadline=None)
@given(reported_datasets(MINI_BOOK, rule="pass-rate", verdict="threshold", counts=True))
def test_counts_on_the_threshold(dataset: qrules.Dataset) -> None:
    values = {o.measure: o.value for o in dataset.observations}
    if "passed" in values:
        assert 100 * values["passed"] / values["sampled"] == Fraction(197, 2)
    [result] = MINI_BOOK.evaluate(dataset, rules=[PASS_RATE])
    assert result.verdict is Verdict.MET


@settings(max_examples=30, deadline=None)
@given(reported_datasets(MINI_BOOK, rule="new-standards", verdict="met"))
def test_new_rules_get_every_year_summing_to_the_total(dataset: qrules.Dataset) -> None:
    assert [o.year for o in dataset.observations] == [2023, 2024, 2025]
    assert sum(o.value or 0 for o in dataset.observations) >= 100


def test_shrinks_towards_the_threshold() -> None:
    from hypothesis import find  # noqa: PLC0415

    assert find(measure_values(PASS_RATE, verdict="met"), lambda v: True) == Fraction(197, 2)
    assert find(measure_values(FIRMS, verdict="met"), lambda v: True) == 300


@pytest.mark.parametrize(
    ("strategy", "message"),
    [
        (measure_values(PASS_RATE, verdict="sometimes"), "verdict='sometimes'"),  # type: ignore[arg-type]
        (measure_values(PASS_RATE, max_margin=-1), "must be positive"),
        (reported_datasets(MINI_BOOK, rule="nope"), "no rule 'nope'"),
    ],
    ids=["bad-verdict", "bad-margin", "unknown-rule"],
)
def test_invalid_arguments_at_draw_time(strategy: st.SearchStrategy[object], message: str) -> None:
    @given(strategy)
    def draw(_: object) -> None:
        pass

    with pytest.raises((InvalidArgument, KeyError), match=message):
        draw()


RECORDS_BOOK = qrules.load("yantai-2023-2025")


@settings(max_examples=30, deadline=None)
@given(
    registers_and_logs(
        RECORDS_BOOK,
        rule="health-food-makers-system-inspected-yearly",
        verdict="not_met",
        max_margin=1,
    )
)
def test_records_that_miss_by_one_unit(pair: tuple[qrules.Register, qrules.InspectionLog]) -> None:
    register, log = pair
    rule = RECORDS_BOOK["health-food-makers-system-inspected-yearly"]
    [result] = [
        r
        for r in qrules.evaluate_records(RECORDS_BOOK, register, log, rules=[rule])
        if r.year == 2025
    ]
    assert result.verdict is Verdict.NOT_MET
    # One more unit inspected meets it: the margin is one unit.
    assert result.population is not None
    assert result.meeting is not None
    assert 100 * (result.meeting + 1) >= 20 * result.population


def test_records_strategies_refuse_a_rule_without_records() -> None:
    @given(registers_and_logs(RECORDS_BOOK, rule="food-safety-sampling-pass-rate"))
    def draw(_: object) -> None:
        pass

    with pytest.raises(InvalidArgument, match=r"has no \[rule.records\]"):
        draw()
