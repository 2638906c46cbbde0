"""The shipped rulebook's rule coverage: every rule seen met, not met, unknown
and exactly on its threshold, and every records rule listing a failing unit.

The data is drawn by `qrules.strategies` from each rule itself (never a list of
figures written by hand), so a new rule is covered the day it is added. The
run's rule coverage (pyproject.toml: ``qrules_coverage``, gated at 100 % for
``yantai-2023-2025`` on a run of the whole suite) counts these judgements; see
docs/testing.md.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qrules
from qrules import Verdict
from qrules._replay import comparison_signs
from qrules.strategies import registers_and_logs, reported_datasets

RULEBOOK = qrules.load("yantai-2023-2025")
RULES = [rule.id for rule in RULEBOOK]
RECORD_RULES = [rule.id for rule in RULEBOOK if rule.records is not None]
#: One drawn example per rule and outcome: the point is reaching each outcome,
#: which the strategies do by construction (tests/test_guard.py draws more).
ONCE = settings(
    max_examples=1,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.parametrize("rule_id", RULES)
@ONCE
@given(data=st.data())
def test_each_rule_is_met_missed_and_judged_on_its_threshold(
    rule_id: str, data: st.DataObject
) -> None:
    rule = RULEBOOK[rule_id]
    for outcome in ("met", "not_met", "threshold"):
        dataset = data.draw(
            reported_datasets(RULEBOOK, rule=rule_id, verdict=outcome), label=outcome
        )
        results = list(RULEBOOK.evaluate(dataset, rules=[rule]))
        verdicts = {r.verdict for r in results}
        if outcome == "met":
            assert verdicts == {Verdict.MET}
        elif outcome == "not_met":
            assert Verdict.NOT_MET in verdicts
        else:
            # Some result sat exactly on the threshold: its comparison's integer form is 0.
            signs = {comparison_signs(RULEBOOK, r.rule, r.years, r.inputs) for r in results}
            assert any(0 in s for s in signs), signs


@pytest.mark.parametrize("rule_id", RULES)
def test_each_rule_is_unknown_without_its_figures(rule_id: str) -> None:
    rule = RULEBOOK[rule_id]
    results = list(RULEBOOK.evaluate({}, rules=[rule]))
    assert results
    assert {r.verdict for r in results} == {Verdict.UNKNOWN}


@pytest.mark.parametrize("rule_id", RECORD_RULES)
@ONCE
@given(data=st.data())
def test_each_records_rule_lists_its_failing_units(rule_id: str, data: st.DataObject) -> None:
    rule = RULEBOOK[rule_id]
    register, log = data.draw(registers_and_logs(RULEBOOK, rule=rule_id, verdict="not_met"))
    failing = [
        r
        for r in qrules.evaluate_records(RULEBOOK, register, log, rules=[rule])
        if r.verdict is Verdict.NOT_MET
    ]
    assert failing
    assert all(r.failing_units for r in failing)
    assert len(failing[0].failing_units) == failing[0].population - failing[0].meeting
