"""qrules' own guard: every rule of the shipped rulebook, judged on generated data.

Data from the "meets" strategies always meets, from the "misses" strategies
always misses, and values exactly on a threshold are judged exactly — given
as the measure's value, and as the counts its formula is computed from.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qrules
from qrules import Verdict
from qrules._compile import Truth, predicate_outcome
from qrules.strategies import (
    registers_and_logs,
    reported_datasets,
    rules_with_strategies,
    threshold_values,
)

RULEBOOK = qrules.load("yantai-2023-2025")
RULES = [rule.id for rule in rules_with_strategies(RULEBOOK)]
EXPECTED = {"met": {Verdict.MET}, "not_met": {Verdict.NOT_MET}}
GUARD = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def test_every_rule_is_guarded() -> None:
    assert len(RULES) == len(RULEBOOK)


@pytest.mark.parametrize("rule_id", RULES)
@GUARD
@given(data=st.data(), verdict=st.sampled_from(["met", "not_met"]), counts=st.booleans())
def test_generated_data_gets_the_verdict_it_was_built_for(
    rule_id: str, data: st.DataObject, verdict: str, counts: bool
) -> None:
    dataset = data.draw(
        reported_datasets(
            RULEBOOK,
            rule=rule_id,
            verdict=verdict,  # type: ignore[arg-type]
            counts=counts,
        )
    )
    results = list(RULEBOOK.evaluate(dataset, rules=[RULEBOOK[rule_id]]))
    verdicts = {r.verdict for r in results}
    if verdict == "met":
        assert verdicts == {Verdict.MET}
    else:
        assert Verdict.NOT_MET in verdicts
        assert Verdict.UNKNOWN not in verdicts


@pytest.mark.parametrize("rule_id", RULES)
@GUARD
@given(data=st.data(), counts=st.booleans())
def test_threshold_values_are_judged_exactly(
    rule_id: str, data: st.DataObject, counts: bool
) -> None:
    rule = RULEBOOK[rule_id]
    value = data.draw(threshold_values(rule))
    predicate = rule.predicate(RULEBOOK.measures)
    on_threshold = predicate_outcome(predicate, {rule.measure.symbol: value}).truth
    dataset = data.draw(
        reported_datasets(RULEBOOK, rule=rule_id, verdict="threshold", counts=counts)
    )
    verdicts = {r.verdict for r in RULEBOOK.evaluate(dataset, rules=[rule])}
    if on_threshold is Truth.TRUE:
        assert verdicts == {Verdict.MET}
    else:
        assert Verdict.NOT_MET in verdicts
        assert Verdict.UNKNOWN not in verdicts
    target = rule.target
    if target is not None:
        # On the threshold itself: met exactly when the comparison admits equality.
        assert value == target.value
        assert (on_threshold is Truth.TRUE) == (target.op in (">=", "<=", "=="))


RECORD_RULES = [rule.id for rule in RULEBOOK if rule.records is not None]


def test_every_record_rule_is_guarded() -> None:
    assert len(RECORD_RULES) == 13


@pytest.mark.parametrize("rule_id", RECORD_RULES)
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data(), verdict=st.sampled_from(["met", "not_met", "threshold"]))
def test_generated_records_get_the_verdict_they_were_built_for(
    rule_id: str, data: st.DataObject, verdict: str
) -> None:
    rule = RULEBOOK[rule_id]
    register, log = data.draw(registers_and_logs(RULEBOOK, rule=rule_id, verdict=verdict))  # type: ignore[arg-type]
    year = rule.due.year if rule.due is not None else RULEBOOK.period.end.year
    [result] = [
        r
        for r in qrules.evaluate_records(RULEBOOK, register, log, rules=[rule])
        if r.year == year and r.district is None
    ]
    target = rule.target
    assert target is not None
    expected = {
        "met": Verdict.MET,
        "not_met": Verdict.NOT_MET,
        "threshold": Verdict.MET if target.op in (">=", "<=", "==") else Verdict.NOT_MET,
    }
    assert result.verdict is expected[verdict]
    if verdict == "threshold":
        assert result.observed == target.value
