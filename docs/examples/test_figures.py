"""An example test file: copy it into your project's tests and run pytest.

It validates a year's reported figures against the Yantai plan, and
property-tests a small pipeline with qrules' strategies. Two tests fail on
purpose, to show what a failure tells you.
"""

from fractions import Fraction

import pytest
from hypothesis import given

from qrules.strategies import measure_values
from qrules.testing import assert_meets

FIGURES_2025 = {
    "food_samples_passed": 39360,  # 98.4 %: the plan asks for at least 98.5 %
    "food_samples_tested": 40000,
    "provincial_high_end_brand_enterprises": 120,
}


@pytest.mark.qrules(rulebook="yantai-2023-2025")
def test_reported_figures_meet_the_plan(qrules_rulebook):
    assert_meets(
        FIGURES_2025,
        qrules_rulebook,
        rules=["food-safety-sampling-pass-rate", "provincial-high-end-brand-enterprises-table"],
        year=2025,
    )


@pytest.mark.qrules(rulebook="yantai-2023-2025")
def test_known_gaps_are_tracked(qrules_rulebook):
    # A rule expected to fail for now; the test fails as soon as it is met,
    # so the exception cannot outlive the problem.
    assert_meets(
        FIGURES_2025,
        qrules_rulebook,
        rules=["food-safety-sampling-pass-rate"],
        known_failures={"food-safety-sampling-pass-rate": "2025 samples still being re-tested"},
    )


def displayed(rate: Fraction) -> Fraction:
    """The pipeline under test: a rate as the dashboard shows it, to one decimal."""
    return round(rate, 1)


def test_the_dashboard_never_shows_a_miss_as_met(qrules_load):
    rule = qrules_load("yantai-2023-2025")["food-safety-sampling-pass-rate"]

    @given(measure_values(rule, verdict="not_met", max_margin=1))
    def check(rate):
        # Hypothesis finds 98.46: a narrow miss that rounding shows as 98.5.
        assert displayed(rate) < Fraction(197, 2)

    check()
