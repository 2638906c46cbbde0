"""Session 17 (lead): a rule changed with ``attrs.evolve`` and given to judge
(``rules=``: "judged as it is") was judged by its own target but bounded by the
rulebook's: the doubts took the rulebook's ``>=`` to mean that rows lacking a
kind could only help, a false "met" for a rule changed to ``<=`` or ``==``, on
every engine. (The SQL engines also chose which failing units to fetch with
the counts by the rulebook's target; a second query fetched them, so the last
test held before and guards that path now.)"""

from __future__ import annotations

from pathlib import Path

import attrs
import duckdb
import pytest

import qrules
from qrules import Verdict
from qrules._expr import parse_requirement

BOOK = "yantai-2023-2025"
SHARE = "health-food-makers-system-inspected-yearly"  # >= 20 (%)
YEAR = {"log_from": "2024-01-01", "log_until": "2024-12-31"}
REGISTER = "unit,name,category\n" + "".join(f"H{i},u{i},health_food_maker\n" for i in range(1, 6))


def _changed(book: qrules.Rulebook, requirement: str) -> qrules.Rule:
    rule = book[SHARE]
    return attrs.evolve(rule, requirement=parse_requirement(requirement, rule.measure.id))


def _results(tmp_path: Path, log: str, rule: qrules.Rule, book: qrules.Rulebook) -> dict:
    """The one result of ``rule`` on the reference engine and on DuckDB tables."""
    (tmp_path / "reg.csv").write_text(REGISTER, encoding="utf-8")
    (tmp_path / "log.csv").write_text(log, encoding="utf-8")
    register = qrules.read_register(tmp_path / "reg.csv")
    inspections = qrules.read_log(tmp_path / "log.csv", register)
    found = {
        "reference": qrules.evaluate_records(book, register, inspections, rules=[rule], **YEAR)
    }
    con = duckdb.connect()
    for name in ("reg", "log"):
        path = (tmp_path / f"{name}.csv").as_posix()
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_csv('{path}', all_varchar = true)")
    found["duckdb"] = qrules.evaluate_tables(
        book, con, register="reg", log="log", rules=[rule], **YEAR
    )
    return {engine: next(iter(evaluation)) for engine, evaluation in found.items()}


@pytest.fixture(scope="module")
def book() -> qrules.Rulebook:
    return qrules.load(BOOK)


@pytest.mark.parametrize("requirement", ["<= 20", "== 20", "<= 30", "> 30"])
def test_a_row_lacking_a_kind_bounds_a_changed_rule(
    tmp_path: Path, book: qrules.Rulebook, requirement: str
) -> None:
    # 1 of 5 system-inspected (20%); H2's row has no kind: 1 or 2 of 5 (20% or 40%).
    log = (
        "inspection,unit,date,kind,result\n"
        "J1,H1,2024-03-01,system,compliant\n"
        "J2,H2,2024-04-01,,compliant\n"
    )
    for engine, result in _results(tmp_path, log, _changed(book, requirement), book).items():
        assert result.verdict is Verdict.UNKNOWN, (engine, result.reason.en)
        assert "no kind" in result.reason.en


def test_the_rulebooks_own_lower_bound_is_still_met(tmp_path: Path, book: qrules.Rulebook) -> None:
    # (More meeting units cannot undo ">= 20": the row lacking a kind is no doubt.)
    log = (
        "inspection,unit,date,kind,result\n"
        "J1,H1,2024-03-01,system,compliant\n"
        "J2,H2,2024-04-01,,compliant\n"
    )
    for engine, result in _results(tmp_path, log, book[SHARE], book).items():
        assert result.verdict is Verdict.MET, (engine, result.reason.en)


def test_failing_units_of_a_changed_upper_bound_are_listed(
    tmp_path: Path, book: qrules.Rulebook
) -> None:
    # 2 of 5 (40%): the rulebook's ">= 20" would be met (no failing units to
    # fetch); the changed "<= 20" is not, and names H3, H4 and H5 on every engine.
    log = (
        "inspection,unit,date,kind,result\n"
        "J1,H1,2024-03-01,system,compliant\n"
        "J2,H2,2024-04-01,system,compliant\n"
    )
    results = _results(tmp_path, log, _changed(book, "<= 20"), book)
    for engine, result in results.items():
        assert result.verdict is Verdict.NOT_MET, (engine, result.reason.en)
        assert [u.unit for u in result.failing_units] == ["H3", "H4", "H5"], engine
