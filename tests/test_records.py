"""Rules over records: the reference engine, judged exactly at every boundary.

The engine's counts are checked against a brute-force count written here
independently (also on generated registers and logs), and against the
boundaries of the population rule and of the calendar year.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qrules
from qrules import FailingUnit, Text, Verdict
from qrules.engines import reference
from qrules.engines.reference import count_query
from qrules.records.judge import Counts, judge_counts
from qrules.records.plan import Coverage, record_queries

from .conftest import ROOT, SAMPLE_RECORDS, SAMPLES, run
from .records_strategies import records, unit, visit


def judge(
    book: qrules.Rulebook,
    units: list[dict[str, Any]],
    visits: list[dict[str, Any]] | None,
    rule: str,
    **options: Any,
) -> list[qrules.Result]:
    register = qrules.read_register(units)
    log = None if visits is None else qrules.read_log(visits, register)
    evaluation = qrules.evaluate_records(book, register, log, rules=[book[rule]], **options)
    return list(evaluation)


def year(results: list[qrules.Result], when: int, district: str | None = None) -> qrules.Result:
    [found] = [r for r in results if r.year == when and r.district == district]
    return found


FULL = {"log_until": "2025-12-31", "log_from": "2023-01-01"}


# -- shares and every-unit rules -------------------------------------------------


def makers(count: int) -> list[dict[str, Any]]:
    return [unit(f"H{i}", "health_food_maker") for i in range(count)]


def test_a_share_of_exactly_20_percent_is_met(book: qrules.Rulebook) -> None:
    visits = [visit("H0", "2024-05-01", "system")]
    result = year(judge(book, makers(5), visits, "share", **FULL), 2024)
    assert result.verdict is Verdict.MET
    assert (result.population, result.meeting, result.observed) == (5, 1, 20)
    assert result.failing_units == ()
    assert result.gap == 0
    assert result.inputs == {"makers_inspected": 1, "makers": 5}
    assert result.reason.en == "1 of 5 units meet it; observed 20 in 2024 >= target 20"


def test_a_share_below_says_how_many_more_units(book: qrules.Rulebook) -> None:
    visits = [visit("H0", "2024-05-01", "system"), visit("H1", "2024-05-01", "routine")]
    result = year(judge(book, makers(11), visits, "share", **FULL), 2024)
    assert result.verdict is Verdict.NOT_MET
    assert result.observed == Fraction(100, 11)
    [change] = result.changes
    assert (change.measure, change.observed, change.needed) == ("makers_inspected", 1, 3)
    assert change.describe() == "2 more health food makers system-inspected (1 → 3)"
    # Every unit not meeting it is listed, the routine-inspected one too.
    # (sorted by unit id, as text)
    assert [u.unit for u in result.failing_units] == sorted(f"H{i}" for i in range(1, 11))
    assert result.failing_units[0].needs.en == "1 more system inspection by 2024-12-31"
    assert result.failing_units[0].needs.zh == "需在 2024-12-31 前再接受 1 次体系检查"
    assert result.failing_units[0].more == 1


def catering(count: int, **fields: Any) -> list[dict[str, Any]]:
    return [unit(f"C{i}", "catering", risk_level="high", **fields) for i in range(count)]


def test_exactly_two_inspections_meet_and_one_does_not(book: qrules.Rulebook) -> None:
    visits = [visit("C0", "2024-03-01"), visit("C0", "2024-03-01"), visit("C1", "2024-06-30")]
    visits = [{**v, "inspection": f"J{i}"} for i, v in enumerate(visits)]  # (three inspections)
    result = year(judge(book, catering(2), visits, "twice", **FULL), 2024)
    assert result.verdict is Verdict.NOT_MET
    assert (result.population, result.meeting) == (2, 1)
    [failing] = result.failing_units
    assert (failing.unit, failing.name, failing.more) == ("C1", "name of C1", 1)
    assert failing.needs.en == "1 more inspection by 2024-12-31"


def test_a_unit_with_no_inspection_fails_an_every_unit_rule(book: qrules.Rulebook) -> None:
    visits = [visit("C0", "2024-01-10"), visit("C0", "2024-11-10")]
    result = year(judge(book, catering(2), visits, "twice", **FULL), 2024)
    assert result.verdict is Verdict.NOT_MET
    [failing] = result.failing_units
    assert (failing.unit, failing.more) == ("C1", 2)
    assert failing.needs.en == "2 more inspections by 2024-12-31"
    [change] = result.changes
    assert change.describe() == "1 more high-risk units inspected twice (1 → 2)"


def test_the_first_and_last_days_of_the_year_count_in_it(book: qrules.Rulebook) -> None:
    visits = [
        visit("C0", "2024-01-01"),
        visit("C0", "2024-12-31"),
        visit("C1", "2023-12-31"),
        visit("C1", "2024-07-01"),
        visit("C1", "2025-01-01"),
    ]
    results = judge(book, catering(2), visits, "twice", **FULL)
    assert year(results, 2024).meeting == 1
    assert [u.unit for u in year(results, 2024).failing_units] == ["C1"]
    assert year(results, 2023).meeting == 0
    assert year(results, 2025).meeting == 0


def test_a_leap_day_counts_in_its_year(book: qrules.Rulebook) -> None:
    # (Two inspections by their ids: without them, two rows of one day alike
    # may be one inspection exported twice, docs/records.md.)
    visits = [
        {**visit("C0", "2024-02-29"), "inspection": "J1"},
        {**visit("C0", "2024年2月29日"), "inspection": "J2"},
    ]
    result = year(judge(book, catering(1), visits, "twice", **FULL), 2024)
    assert result.verdict is Verdict.MET


def test_a_unit_registered_on_31_december_belongs_to_that_year(book: qrules.Rulebook) -> None:
    units = [
        *catering(1),
        unit("NEW", "catering", risk_level="high", registered="2024-12-31"),
        unit("NEXT", "catering", risk_level="high", registered="2025-01-01"),
    ]
    visits = [visit("C0", "2024-02-01"), visit("C0", "2024-03-01")]
    result = year(judge(book, units, visits, "twice", **FULL), 2024)
    assert (result.population, result.meeting) == (2, 1)
    assert [u.unit for u in result.failing_units] == ["NEW"]


def test_a_unit_closed_on_1_january_belongs_to_that_year(book: qrules.Rulebook) -> None:
    units = [
        *catering(1),
        unit("SHUT", "catering", risk_level="high", closed="2024-01-01"),
        unit("GONE", "catering", risk_level="high", closed="2023-12-31"),
    ]
    visits = [visit("C0", "2023-02-01"), visit("C0", "2024-02-01"), visit("C0", "2024-03-01")]
    results = judge(book, units, visits, "twice", **FULL)
    assert [u.unit for u in year(results, 2024).failing_units] == ["SHUT"]
    assert year(results, 2025).population == 1
    assert year(results, 2023).population == 3


def test_population_selects_on_every_column(book: qrules.Rulebook) -> None:
    units = [
        unit("A", "catering", risk_level="high"),
        unit("B", "central_kitchen", risk_level="high"),
        unit("C", "catering", risk_level="medium"),
        unit("D", "catering"),
        unit("E", "food_retailer", risk_level="high"),
    ]
    result = year(judge(book, units, [visit("A", "2024-01-01")], "twice", **FULL), 2024)
    assert result.population == 2
    assert [u.unit for u in result.failing_units] == ["A", "B"]


def test_kind_and_result_filter_the_log(book: qrules.Rulebook) -> None:
    units = [unit(f"T{i}", "tableware_disinfection") for i in range(5)]
    visits = [
        visit("T0", "2024-05-01", "routine", "compliant"),
        visit("T1", "2024-05-01", "special", "compliant"),
        visit("T2", "2024-05-01", "system", "compliant"),
        visit("T3", "2024-05-01", "routine", "non_compliant"),
        visit("T4", "2024-05-01", "routine"),
    ]
    result = year(judge(book, units, visits, "compliant", **FULL), 2024)
    assert (result.population, result.meeting) == (5, 2)
    assert result.failing_units[0].needs.en == (
        "1 more routine inspection or special inspection with result compliant by 2024-12-31"
    )


def test_a_flag_rule_lists_the_units_not_enrolled(book: qrules.Rulebook) -> None:
    units = [
        unit("K1", "central_kitchen", internet_bright_kitchen="是"),
        unit("K2", "central_kitchen", internet_bright_kitchen="否"),
        unit("K3", "central_kitchen"),
    ]
    [result] = judge(book, units, None, "enrolled")
    assert result.year == 2025
    assert result.verdict is Verdict.NOT_MET
    assert [(u.unit, u.needs.en, u.more) for u in result.failing_units] == [
        ("K2", "not enrolled in Internet + bright kitchen", None),
        ("K3", "not enrolled in Internet + bright kitchen", None),
    ]
    assert result.failing_units[0].needs.zh == "未纳入“互联网+明厨亮灶”"


# -- unknown ---------------------------------------------------------------------


def test_an_empty_population_is_unknown(book: qrules.Rulebook) -> None:
    results = judge(book, [unit("X", "catering", risk_level="low")], [], "twice", **FULL)
    assert {r.verdict for r in results} == {Verdict.UNKNOWN}
    result = year(results, 2024)
    assert (result.population, result.meeting, result.observed, result.gap) == (0, 0, None, None)
    assert result.reason.en == (
        "no unit in the register belongs to the population in 2024 "
        "(category in (catering, central_kitchen), risk_level = high)"
    )


def test_a_log_that_ends_early_makes_the_year_unknown(book: qrules.Rulebook) -> None:
    visits = [visit("C0", "2024-01-10"), visit("C0", "2024-09-30")]
    results = judge(book, catering(1), visits, "twice")
    assert [r.year for r in results] == [2024]  # the years the log covers
    [result] = results
    assert result.verdict is Verdict.UNKNOWN
    assert result.population == 1
    assert result.meeting is None
    assert result.reason.en == (
        "the log ends on 2024-09-30, before 2024 does (so far 1 of 1 units meet it); if it "
        "is complete, declare its end with --log-until (log_until=)"
    )


def test_a_declared_end_decides_the_year(book: qrules.Rulebook) -> None:
    visits = [visit("C0", "2024-01-10"), visit("C0", "2024-09-30")]
    [result] = judge(
        book, catering(1), visits, "twice", log_until=dt.date(2024, 12, 31), log_from="2024-01-01"
    )
    assert result.verdict is Verdict.MET
    [early] = judge(
        book, catering(1), visits, "twice", log_until="2024-12-30", log_from="2024-01-01"
    )
    assert early.verdict is Verdict.UNKNOWN
    assert early.reason.en.startswith("the log is declared to end on 2024-12-30, before 2024")


def test_a_log_ending_on_31_december_covers_the_year(book: qrules.Rulebook) -> None:
    visits = [visit("C0", "2024-01-10"), visit("C0", "2024-12-31")]
    [result] = judge(book, catering(1), visits, "twice", log_from="2024-01-01")
    assert result.verdict is Verdict.MET


def test_without_a_log_inspections_are_unknown_but_flags_are_judged(book: qrules.Rulebook) -> None:
    units = [*catering(1), unit("K", "central_kitchen", internet_bright_kitchen="1")]
    register = qrules.read_register(units)
    evaluation = qrules.evaluate_records(book, register)
    verdicts = {(r.rule.id, r.year): r.verdict for r in evaluation}
    assert verdicts[("enrolled", 2025)] is Verdict.MET
    assert verdicts[("twice", 2023)] is Verdict.UNKNOWN
    twice = [r for r in evaluation if r.rule.id == "twice"]
    assert [r.year for r in twice] == [2023, 2024, 2025]  # no log: every year of the period
    assert twice[0].reason.en.startswith("no inspection log was given")
    # The aggregate-only rule is not judged from records at all.
    assert "disposal" not in {r.rule.id for r in evaluation}


def test_an_empty_log_is_unknown(book: qrules.Rulebook) -> None:
    results = judge(book, catering(1), [], "twice")
    assert {r.verdict for r in results} == {Verdict.UNKNOWN}
    assert results[0].reason.en.startswith("the inspection log has no row that was read")


def test_a_period_the_log_does_not_reach_gives_one_unknown(book: qrules.Rulebook) -> None:
    visits = [visit("C0", "2022-03-01")]
    [result] = judge(book, catering(1), visits, "twice")
    assert (result.year, result.verdict) == (2025, Verdict.UNKNOWN)
    assert result.reason.en.startswith("the records cover no year of 2023–2025")


def test_the_years_judged_follow_the_log(book: qrules.Rulebook) -> None:
    late = Coverage(dt.date(2026, 1, 5), dt.date(2026, 12, 31))
    [query] = record_queries(book, [book["enrolled"]], late)
    assert query.unknown is None  # a flag does not need the log
    gap = late.undecided(2025)
    assert gap is not None
    assert gap.en == (
        "the log begins on 2026-01-05, after 2025 begins; if it is complete, "
        "declare its start with --log-from (log_from=)"
    )
    queries = record_queries(
        book, [book["share"]], Coverage(dt.date(2024, 1, 5), dt.date(2025, 12, 31))
    )
    # A log that begins on 5 January does not decide its first year (issue 11).
    assert [(q.year, q.unknown is None) for q in queries] == [(2024, False), (2025, True)]
    declared = Coverage.of(
        [dt.date(2024, 1, 5)], log_from=dt.date(2024, 1, 1), log_until=dt.date(2025, 12, 31)
    )
    assert [q.unknown for q in record_queries(book, [book["share"]], declared)] == [None, None]


# -- districts -------------------------------------------------------------------


def test_by_district_judges_the_whole_and_each_district(book: qrules.Rulebook) -> None:
    units = [
        *catering(2, district="芝罘区"),
        unit("L", "catering", risk_level="high", district="莱山区"),
        unit("N", "catering", risk_level="high"),
        unit("F", "food_retailer", district="福山区"),
    ]
    visits = [
        visit("C0", "2024-01-02"),
        visit("C0", "2024-01-03"),
        visit("C1", "2024-01-02"),
        visit("C1", "2024-01-03"),
    ]
    results = [
        r for r in judge(book, units, visits, "twice", by_district=True, **FULL) if r.year == 2024
    ]
    shown = {r.district: (r.verdict, r.population, r.meeting) for r in results}
    assert shown == {
        None: (Verdict.NOT_MET, 4, 2),
        # N, never inspected and of no district, may be 芝罘区's (issue 11)
        "芝罘区": (Verdict.UNKNOWN, 2, None),
        "莱山区": (Verdict.NOT_MET, 1, 0),  # whatever N is
        "福山区": (Verdict.UNKNOWN, 0, None),  # no high-risk catering there, but N may be
    }
    assert [r.district for r in results] == [None, "福山区", "芝罘区", "莱山区"]


# -- the same counts from generated records --------------------------------------


def brute_force(
    units: list[dict[str, Any]],
    visits: list[dict[str, Any]],
    spec: qrules.RecordSpec,
    year: int,
    district: str | None,
) -> tuple[int, int]:
    """The population and the units meeting it, counted the plain way."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    total = meeting = 0
    for row in units:
        registered, closed = row["registered"], row["closed"]
        if registered is not None and registered > end:
            continue
        if closed is not None and closed < start:
            continue
        if district is not None and row["district"] != district:
            continue
        selected = True
        for column, allowed in spec.population:
            value: object = row.get(column) or None
            if column == "internet_bright_kitchen":
                value = bool(row[column])
            selected = selected and value in allowed
        if not selected:
            continue
        total += 1
        if spec.flag is not None:
            meeting += bool(row[spec.flag])
            continue
        found = 0
        for v in visits:
            day = dt.date.fromisoformat(v["date"])
            if v["unit"] != row["unit"] or not start <= day <= end:
                continue
            if spec.kinds is not None and v["kind"] not in spec.kinds:
                continue
            if spec.results is not None and v["result"] not in spec.results:
                continue
            found += 1
        meeting += found >= (spec.inspections or 0)
    return total, meeting


def _dates(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records(), st.sampled_from(["share", "twice", "enrolled", "compliant"]), st.booleans())
def test_counts_equal_a_brute_force_count(
    book: qrules.Rulebook,
    generated: tuple[list[dict[str, Any]], list[dict[str, Any]]],
    rule_id: str,
    by_district: bool,
) -> None:
    units, visits = generated
    rows = [
        {**u, "registered": _dates(u["registered"]), "closed": _dates(u["closed"])} for u in units
    ]
    register = qrules.read_register(rows)
    assert register.rows_used == len(units)
    log = qrules.read_log(visits, register)
    assert log.rows_used == len(visits)
    evaluation = qrules.evaluate_records(
        book,
        register,
        log,
        rules=[book[rule_id]],
        by_district=by_district,
        log_until="2026-12-31",
        log_from="2022-01-01",
    )
    spec = book[rule_id].records
    assert spec is not None
    for result in evaluation:
        total, meeting = brute_force(units, visits, spec, result.year, result.district)
        assert result.population == total
        if total == 0:
            assert result.verdict is Verdict.UNKNOWN
            continue
        if result.meeting is None:
            assert result.verdict is Verdict.UNKNOWN
            reason = result.reason.en
            population = dict(spec.population)
            filtered = [c for c in population if c in ("risk_level", "size")]
            # A unit of the rule's categories with an empty population column
            # (or no district, for a district's result) may belong (issue 11).
            vacant = any(
                u["category"] in population.get("category", (u["category"],))
                and (
                    any(not u.get(c) for c in filtered)
                    or (result.district is not None and not u.get("district"))
                )
                for u in units
            )
            lacking = any(v.get("kind") is None or v.get("result") is None for v in visits)
            assert (
                # the log decides no year: it begins after the period
                all(d.year > 2025 for d in (dt.date.fromisoformat(v["date"]) for v in visits))
                or (vacant and "empty population column" in reason)
                or (lacking and ("with no kind" in reason or "with no result" in reason))
            ), reason
            continue
        assert result.meeting == meeting
        assert result.observed == Fraction(100 * meeting, total)
        threshold = book[rule_id].target
        assert threshold is not None
        met = (
            Fraction(100 * meeting, total) >= threshold.value
            if threshold.op == ">="
            else 100 * meeting == 100 * total
        )
        assert result.verdict is (Verdict.MET if met else Verdict.NOT_MET)
        assert len(result.failing_units) == (0 if met else total - meeting)
        if spec.inspections is not None and not met:
            assert all(1 <= (u.more or 0) <= spec.inspections for u in result.failing_units)


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 60), st.integers(0, 60))
def test_the_smallest_change_is_the_least_number_of_units(
    book: qrules.Rulebook, total: int, meeting: int
) -> None:
    meeting = min(meeting, total)
    [query] = [
        q
        for q in record_queries(
            book, [book["share"]], Coverage(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
        )
        if q.year == 2024
    ]
    result = judge_counts(book, query, Counts(total, meeting))
    least = next(m for m in range(total + 1) if 5 * m >= total)  # 100 m / t >= 20
    if meeting >= least:
        assert result.verdict is Verdict.MET
        assert result.changes == ()
    else:
        assert result.verdict is Verdict.NOT_MET
        [change] = result.changes
        assert change.needed == least


def test_failing_units_are_listed_once_however_often_asked(book: qrules.Rulebook) -> None:
    """Judging and the doubts both ask a result for its failing units: an engine's
    function lists them once, and every ask gets that one list."""
    asked: list[int] = []
    unit = FailingUnit("U1", "一", None, Text("", ""), 1)

    def listing() -> tuple[FailingUnit, ...]:
        asked.append(1)
        return (unit,)

    counts = Counts(5, 0, listing)
    assert counts.units() is counts.units()
    assert counts.units() == (unit,)
    assert asked == [1]
    assert Counts(5, 0, listing) == counts  # what it listed is no part of its value
    assert Counts(5, 0, (unit,)).units() == (unit,)


# -- the contract with other engines ----------------------------------------------


def test_queries_spell_out_what_to_count(book: qrules.Rulebook) -> None:
    coverage = Coverage.of(
        [dt.date(2023, 2, 1), dt.date(2024, 9, 30)], log_from=dt.date(2023, 1, 1)
    )
    queries = record_queries(book, book.rules, coverage)
    shown = [(q.rule, q.year, q.unknown is not None) for q in queries]
    assert shown == [
        ("share", 2023, False),
        ("share", 2024, True),
        ("twice", 2023, False),
        ("twice", 2024, True),
        ("enrolled", 2025, False),
        ("compliant", 2024, True),
    ]
    first = queries[0]
    assert (first.start, first.end) == (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert (first.meeting, first.total) == ("makers_inspected", "makers")
    assert first.population == (("category", ("health_food_maker",)),)


def test_count_query_is_usable_on_its_own(book: qrules.Rulebook) -> None:
    register = qrules.read_register(catering(3))
    log = qrules.read_log([visit("C0", "2024-01-01"), visit("C0", "2024-02-01")], register)
    [query] = [
        q
        for q in record_queries(
            book, [book["twice"]], Coverage(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
        )
        if q.year == 2024
    ]
    counts = count_query(query, register.units, log.by_unit())
    assert counts[None].total == 3
    assert counts[None].meeting == 1


def test_the_reference_engine_indexes_only_the_units_it_counts(
    book: qrules.Rulebook, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The log is grouped once, for the units a rule counts the inspections of
    (here the high-risk caterers of "twice", not the retailer), not sorted
    whole (`InspectionLog.by_unit`)."""
    register = qrules.read_register([*catering(3), unit("R0", "food_retailer")])
    log = qrules.read_log(
        [
            visit("C0", "2024-03-01"),
            visit("C1", "2024-01-01"),
            visit("R0", "2024-01-01"),
            visit("C0", "2024-02-01"),
        ],
        register,
    )
    indexed: list[set[str]] = []
    real = reference._Index.of.__func__  # type: ignore[attr-defined]

    def of(cls: Any, inspections: Any, units: Any = None) -> Any:
        index = real(cls, inspections, units)
        indexed.append(set(index.spans))
        return index

    monkeypatch.setattr(reference._Index, "of", classmethod(of))
    monkeypatch.setattr(type(log), "by_unit", lambda self: pytest.fail("sorted the whole log"))
    evaluation = qrules.evaluate_records(
        book, register, log, rules=[book["twice"]], log_until="2024-12-31", log_from="2024-01-01"
    )
    assert indexed == [{"C0", "C1"}]
    [result] = [r for r in evaluation if r.year == 2024]
    assert (result.population, result.meeting) == (3, 1)


#: The generated records' columns, typed as an Arrow table holds them.
REGISTER_TYPES = {
    "unit": "string",
    "name": "string",
    "category": "string",
    "risk_level": "string",
    "district": "string",
    "registered": "date32",
    "closed": "date32",
    "internet_bright_kitchen": "bool_",
}
LOG_TYPES = {"unit": "string", "date": "string", "kind": "string", "result": "string"}


def arrow_table(rows: list[dict[str, Any]], types: dict[str, str]) -> Any:
    pa = pytest.importorskip("pyarrow")
    return pa.table(
        {
            name: pa.array([r.get(name) for r in rows], getattr(pa, kind)())
            for name, kind in types.items()
        }
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    records(),
    st.sampled_from([None, "2025-12-31", "2024-12-30"]),
    st.booleans(),
    st.booleans(),
)
def test_records_kept_as_columns_are_counted_as_rows_are(
    book: qrules.Rulebook,
    generated: tuple[list[dict[str, Any]], list[dict[str, Any]]],
    log_until: str | None,
    by_district: bool,
    with_log: bool,
) -> None:
    """The reference engine's compact form made from Arrow columns (records read
    column-wise) gives exactly the results of the one made from Python objects
    (records read row by row): verdicts, counts, reasons, failing units, rows."""
    from qrules._columns import ColumnRows  # noqa: PLC0415 (pyarrow: an extra)

    units, visits = generated
    register = qrules.read_register(units, name="register")
    log = qrules.read_log(visits, register, name="log") if with_log else None
    columns = qrules.read_register(arrow_table(units, REGISTER_TYPES), name="register")
    columns_log = (
        qrules.read_log(arrow_table(visits, LOG_TYPES), columns, name="log") if with_log else None
    )
    assert isinstance(columns.rows, ColumnRows)
    assert columns_log is None or isinstance(columns_log.rows, ColumnRows)
    options: dict[str, Any] = {"log_until": log_until, "by_district": by_district}
    expected = qrules.evaluate_records(book, register, log, **options)
    found = qrules.evaluate_records(book, columns, columns_log, **options)
    assert list(found) == list(expected)
    assert found.records == expected.records


def test_records_kept_as_columns_are_never_made_objects(
    yantai: qrules.Rulebook, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reference engine counts a register and a log read column-wise from
    their Arrow columns: no `UnitRecord` or `Inspection` per row is made."""
    from qrules._columns import ColumnRows  # noqa: PLC0415 (pyarrow: an extra)
    from qrules.records import read as rows  # noqa: PLC0415

    register_file, log_file = SAMPLES / "register.csv", SAMPLES / "inspections.csv"
    options: dict[str, Any] = {"log_until": "2025-12-31", "by_district": True}
    register = rows.read_register(register_file)
    expected = qrules.evaluate_records(
        yantai, register, rows.read_log(log_file, register), **options
    )
    columns = qrules.read_register(register_file)
    columns_log = qrules.read_log(log_file, columns)
    assert isinstance(columns.rows, ColumnRows)
    assert isinstance(columns_log.rows, ColumnRows)
    monkeypatch.setattr(ColumnRows, "_rows", lambda self: pytest.fail("made Python objects"))
    found = qrules.evaluate_records(yantai, columns, columns_log, **options)
    assert list(found) == list(expected)
    assert found.records == expected.records


#: Run in a fresh interpreter: the command line, as if pyarrow and DuckDB were
#: not installed (a module None in `sys.modules` is not found, nor imported).
WITHOUT_PYARROW = """
import io, sys
sys.modules.update(pyarrow=None, duckdb=None)
from qrules.cli import main
out = io.StringIO()
main(sys.argv[1:], stdout=out, stderr=sys.stderr)
print(out.getvalue())
"""


def test_the_reference_engine_counts_without_pyarrow() -> None:
    """pyarrow is an extra: without it the files are read row by row and the
    reference engine counts their objects, with the results it gives on the
    columns."""
    argv = ["check", "yantai-2023-2025", *SAMPLE_RECORDS]
    argv += ["--engine", "reference", "--log-until", "2025-12-31", "--format", "json"]
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_PYARROW, *argv],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        timeout=300,
    )
    code, out, _ = run(*argv)
    assert code == 1
    assert json.loads(done.stdout) == json.loads(out)


# -- the rule model ----------------------------------------------------------------


def test_the_yantai_records_rules() -> None:
    yantai = qrules.load("yantai-2023-2025")
    tagged = yantai.select(tags=["records"])
    assert len(tagged) == 16
    aggregate_only = {r.id for r in tagged if r.records is None}
    assert aggregate_only == {
        "drug-device-cosmetic-nonconforming-disposal-rate",
        "drug-violation-leads-investigation-rate",
        "nonconforming-food-disposal-rate",
    }
    spec = yantai["high-risk-catering-units-inspected-twice-yearly"].records
    assert spec is not None
    assert spec.inspections == 2
    assert spec.describe_population() == (
        "category in (catering, central_kitchen, collective_meal_supplier), risk_level = high"
    )
    assert spec.describe_each() == "2 inspections a year"
    assert all(r.records is None for r in yantai if "records" not in r.tags)


def write_rule(
    folder: Path,
    records: str,
    *,
    aggregation: str = 'aggregation = "every_year"',
    measure: str = "coverage",
) -> None:
    (folder / "records.toml").write_text(
        f"""
[[rule]]
id = "coverage-records"
title = {{ zh = "检查覆盖率", en = "Inspection coverage" }}
measure = "{measure}"
{aggregation}
requirement = ">= 20"
responsible = ["市市场监管局"]
[rule.source]
section = "二"
quote = "每年检查覆盖率不少于20%"
{records}
""",
        encoding="utf-8",
    )


GOOD = """[rule.records]
population = { category = "catering" }
meeting = "inspected"
total = "units"
[rule.records.each]
inspections = 1
"""


def test_a_valid_records_table_loads(mini_copy: Path) -> None:
    write_rule(mini_copy, GOOD)
    rule = qrules.load(mini_copy)["coverage-records"]
    assert rule.records == qrules.RecordSpec(
        "inspected", "units", (("category", ("catering",)),), inspections=1
    )


@pytest.mark.parametrize(
    ("records", "message"),
    [
        (
            GOOD.replace("category =", "categroy ="),
            "key 'records.population.categroy': unknown register column 'categroy' "
            "(did you mean 'category'?)",
        ),
        (
            GOOD.replace('"catering"', '"caterng"'),
            "key 'records.population.category': 'caterng' is not a canonical category "
            "(did you mean 'catering'?)",
        ),
        (
            GOOD.replace('"inspected"', '"units"'),
            "key 'records.meeting': 'units' is not the numerator of 'coverage'",
        ),
        (
            GOOD.replace('"units"', '"inspected"'),
            "key 'records.total': 'inspected' is not the denominator of 'coverage'",
        ),
        (
            GOOD + 'flag = "bright_kitchen"\n',
            "key 'records.each': give either inspections (with kind and result, optionally) "
            "or flag",
        ),
        (
            GOOD.replace("inspections = 1", 'flag = "bright_kitchen"\nkind = "system"'),
            "key 'records.each.kind': kind is for inspections, not for a flag",
        ),
        (
            GOOD.replace("inspections = 1", "inspections = 0"),
            "key 'records.each.inspections': expected an integer of at least 1, got 0",
        ),
        (
            GOOD.replace("inspections = 1", 'inspections = 1\nkind = "sytem"'),
            "'sytem' is not a canonical kind (did you mean 'system'?)",
        ),
        (
            GOOD.replace("inspections = 1", 'flag = "brite_kitchen"'),
            "key 'records.each.flag': 'brite_kitchen' is not one of",
        ),
        (
            GOOD.replace('category = "catering"', 'bright_kitchen = "yes"'),
            "a flag is selected with true or false",
        ),
        (GOOD.replace('total = "units"\n', ""), "key 'records.total': missing required key"),
        (
            GOOD.replace("[rule.records.each]\ninspections = 1\n", ""),
            "key 'records.each': missing required key",
        ),
        (GOOD.replace("meeting", "meting"), "key 'records.meting': unknown key"),
    ],
    ids=[
        "unknown-column",
        "bad-category",
        "meeting-swapped",
        "total-swapped",
        "both",
        "kind-with-flag",
        "zero",
        "bad-kind",
        "bad-flag",
        "flag-not-bool",
        "no-total",
        "no-each",
        "misspelt-key",
    ],
)
def test_records_problems_name_file_rule_and_key(
    mini_copy: Path, records: str, message: str
) -> None:
    write_rule(mini_copy, records)
    with pytest.raises(qrules.RulebookError) as caught:
        qrules.load(mini_copy)
    text = str(caught.value)
    assert "records.toml, rule 'coverage-records'" in text
    assert message in text


def test_records_need_a_share_of_two_counts(mini_copy: Path) -> None:
    write_rule(mini_copy, GOOD.replace('"inspected"', '"firms"'), measure="firms")
    with pytest.raises(qrules.RulebookError) as caught:
        qrules.load(mini_copy)
    assert (
        "records need the rule's measure to be a share of two counts, "
        "'100 * firms / units'; 'firms' has no formula"
    ) in str(caught.value)


def test_records_are_judged_year_by_year(mini_copy: Path) -> None:
    write_rule(mini_copy, GOOD, aggregation='aggregation = "new"\ndue = 2025-12-31')
    with pytest.raises(qrules.RulebookError) as caught:
        qrules.load(mini_copy)
    assert "records are judged year by year: a new rule cannot have them" in str(caught.value)


# -- the shipped sample, the API and the command line --------------------------------


def test_the_sample_shows_every_verdict() -> None:
    yantai = qrules.load("yantai-2023-2025")
    register = qrules.read_register(SAMPLES / "register.csv")
    log = qrules.read_log(SAMPLES / "inspections.csv", register)
    evaluation = qrules.evaluate_records(yantai, register, log, log_from="2023-01-01")
    verdicts = {(r.rule.id, r.year): r.verdict.value for r in evaluation}
    assert verdicts[("health-food-makers-system-inspected-yearly", 2023)] == "met"  # 2 of 10
    assert verdicts[("health-food-makers-system-inspected-yearly", 2024)] == "not_met"
    assert verdicts[("infant-formula-makers-system-inspected-yearly", 2025)] == "unknown"
    assert verdicts[("smart-construction-site-full-coverage", 2025)] == "unknown"
    assert evaluation.counts() == {Verdict.MET: 15, Verdict.NOT_MET: 7, Verdict.UNKNOWN: 9}
    assert register.rows_read == register.rows_used + register.rows_rejected
    assert "synthetic" in (SAMPLES.parent / "README.md").read_text(encoding="utf-8").lower()


def test_check_with_records_only() -> None:
    code, out, err = run(
        "check",
        "yantai-2023-2025",
        *SAMPLE_RECORDS,
        "--log-from",
        "2023-01-01",
    )
    assert code == 1
    assert err == ""  # not a terminal: no progress
    assert "20 (2/10)" in out
    assert "CT05  样例餐饮单位05  福山区  1 more inspection by 2023-12-31" in out
    assert "register register.csv: rows read 99 = used 99 + rejected 0" in out
    assert "log inspections.csv: rows read 243 = used 243 + rejected 0" in out
    assert "15 met, 7 not met, 9 unknown" in out


def test_check_with_figures_and_records_as_json() -> None:
    code, out, _ = run(
        "check",
        "yantai-2023-2025",
        "--sample",
        *SAMPLE_RECORDS,
        "--log-from",
        "2023-01-01",
        "--format",
        "json",
        "--log-until",
        "2025-12-31",
    )
    assert code == 1
    document = json.loads(out)
    assert document["dataset"]["name"] == "synthetic-2023-2025.csv"
    assert [t["kind"] for t in document["records"]] == ["register", "log"]
    assert document["records"][1]["rows_read"] == 243
    from_records = [r for r in document["results"] if r["population"] is not None]
    from_figures = [r for r in document["results"] if r["population"] is None]
    assert len(from_figures) > len(from_records) > 0
    assert all(r["failing_units"] == [] for r in from_figures)
    # Enrolment is judged every year (the rulebook's reading of 全部纳入): 2025 here.
    [collective] = [
        r
        for r in from_records
        if r["id"] == "collective-meal-suppliers-in-internet-bright-kitchen" and r["year"] == 2025
    ]
    assert (collective["population"], collective["meeting"]) == (4, 3)
    assert collective["failing_units"] == [
        {
            "unit": "CM04",
            "name": "样例集体用餐配送单位04",
            "district": "龙口市",
            "needs": "not enrolled in Internet + bright kitchen",
        }
    ]


def test_check_records_only_json_has_no_dataset() -> None:
    _, out, _ = run(
        "check",
        "yantai-2023-2025",
        "--register",
        "sample",
        "--format",
        "json",
        "--rule",
        "large-catering-units-bright-kitchen-rate",
    )
    document = json.loads(out)
    assert document["dataset"] is None
    [result] = document["results"]
    assert result["verdict"] == "not_met"
    assert result["failing_units"][0]["unit"] == "CT12"


@pytest.mark.parametrize("fmt", ["markdown", "junit"])
def test_other_formats_show_failing_units(fmt: str) -> None:
    _, out, _ = run(
        "check",
        "yantai-2023-2025",
        *SAMPLE_RECORDS,
        "--log-from",
        "2023-01-01",
        "--format",
        fmt,
        "--lang",
        "zh",
    )
    assert "CT05" in out
    assert "需在 2023-12-31 前再接受 1 次检查" in out


def test_check_records_by_district() -> None:
    _, out, _ = run(
        "check",
        "yantai-2023-2025",
        *SAMPLE_RECORDS,
        "--log-from",
        "2023-01-01",
        "--by-district",
        "--rule",
        "high-risk-catering-units-inspected-twice-yearly",
    )
    # (the table cuts a long id short: it fits a terminal of 100 columns)
    assert "high-risk-catering-units-inspec…  2023 福山区  not met" in out


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_on_a_terminal_only() -> None:
    terminal = _Terminal()
    code, _, err = run(
        "check",
        "yantai-2023-2025",
        *SAMPLE_RECORDS,
        "--log-from",
        "2023-01-01",
        stderr=terminal,
    )
    assert code == 1
    assert "judged" in err
    assert err.endswith("\r\x1b[K")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--log", "sample"), "--log needs --register"),
        (("--register", "sample:nope.csv"), "has no such sample"),
        (
            (*SAMPLE_RECORDS, "--log-until", "soon"),
            "'soon' is not a date",
        ),
        # A reach given for no log is said, not ignored.
        (("--register", "sample", "--log-from", "2024-01-01"), "--log-from and --log-until"),
        (("--sample", "--log-until", "2024-12-31"), "they need --log"),
        (("--register", "nowhere.csv"), "no such file"),
    ],
)
def test_check_records_bad_input_exits_2(argv: tuple[str, ...], message: str) -> None:
    code, _, err = run("check", "yantai-2023-2025", *argv)
    assert code == 2
    assert message in err


def test_check_records_with_a_mapping(tmp_path: Path) -> None:
    register = tmp_path / "台账.csv"
    register.write_text(
        "统一社会信用代码,单位名称,业态,明厨亮灶,规模\n"
        "A1,甲,大型餐饮,是,大\nA2,乙,大型餐饮,否,大\n",
        encoding="gbk",
    )
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(
        """
[register.columns]
unit = "统一社会信用代码"
name = "单位名称"
category = "业态"
bright_kitchen = "明厨亮灶"
size = "规模"

[register.codes.category]
"大型餐饮" = "catering"

[register.codes.size]
"大" = "large"
""",
        encoding="utf-8",
    )
    code, out, _ = run(
        "check",
        "yantai-2023-2025",
        "--register",
        str(register),
        "--mapping",
        str(mapping),
        "--rule",
        "large-catering-units-bright-kitchen-rate",
    )
    assert code == 1
    assert "A2" in out
    assert "not enrolled in bright kitchen" in out
    assert "read as GB18030" in out


def test_the_sample_folder_is_not_a_figures_sample() -> None:
    # --sample alone still finds exactly one figures file.
    code, out, _ = run("check", "yantai-2023-2025", "--sample")
    assert code == 1
    assert "dataset synthetic-2023-2025.csv" in out


def test_export_and_show_carry_the_records_table() -> None:
    _, out, _ = run(
        "export", "yantai-2023-2025", "--rule", "central-kitchens-in-internet-bright-kitchen"
    )
    [rule] = json.loads(out)["rules"]
    assert rule["records"] == {
        "population": {"category": ["central_kitchen"]},
        "meeting": "central_kitchens_internet_bright_kitchen",
        "total": "central_kitchens",
        "each": {
            "inspections": None,
            "flag": "internet_bright_kitchen",
            "kind": None,
            "result": None,
        },
    }
    _, out, _ = run("show", "yantai-2023-2025", "health-food-makers-system-inspected-yearly")
    assert (
        "records         each unit of category = health_food_maker: 1 system inspection "
        "a year" in out
    )
    _, out, _ = run("export", "yantai-2023-2025", "--rule", "food-safety-sampling-pass-rate")
    assert json.loads(out)["rules"][0]["records"] is None
