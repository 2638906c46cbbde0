"""A unit whose population column is empty, and a register without a flag's
column (issue 11, session 10's hunt): every engine says unknown exactly when
the empty value or the missing column could change a verdict, and keeps every
other verdict as it was.

Each case runs on the reference engine from files, on DuckDB and PostgreSQL
loaded from the rows read, and on both databases' tables in place (text columns).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import qrules
from qrules import Verdict
from tests.conftest import log_year, records_options, run

from .records_fixtures import (
    BOOK,
    DRUGS,
    HIGH_RISK,
    KITCHENS,
    LARGE,
    YEAR_2025,
    on_every_route,
    place_csv,
)

LOG = "unit,date,kind\n"
#: A, a high-risk catering unit; B, a catering unit of no risk level.
HIGH_AND_EMPTY = "unit,name,category,risk_level\nA,a,catering,high\nB,b,catering,\n"


def _results(
    tmp_path: Path, engine: tuple[str, Any], register: str, log: str, rule: str, **options: Any
) -> dict[str, list[qrules.Result]]:
    _, connection = engine
    book = qrules.load(BOOK)
    (tmp_path / "register.csv").write_text(register, encoding="utf-8")
    (tmp_path / "log.csv").write_text(log, encoding="utf-8")
    read = qrules.read_register(tmp_path / "register.csv")
    logged = qrules.read_log(tmp_path / "log.csv", read)
    chosen = {"rules": [book[rule]], **YEAR_2025, **options}
    place_csv(connection, "vacant_register", tmp_path / "register.csv")
    place_csv(connection, "vacant_log", tmp_path / "log.csv")
    return on_every_route(book, engine, read, logged, ("vacant_register", "vacant_log"), **chosen)


def _seen(found: dict[str, list[qrules.Result]]) -> set[frozenset[tuple[str | None, str]]]:
    """The (district, verdict) pairs, one set of them per route: all alike."""
    return {frozenset((r.district, r.verdict.value) for r in v) for v in found.values()}


def test_an_empty_risk_level_is_unknown_membership_named_by_row(
    tmp_path: Path, engine: tuple[str, Any]
) -> None:
    found = _results(
        tmp_path,
        engine,
        HIGH_AND_EMPTY,
        LOG + "A,2025-05-01,routine\nA,2025-06-01,routine\n",
        HIGH_RISK,
    )
    for route, results in found.items():
        [result] = results
        assert result.verdict is Verdict.UNKNOWN
        # B's row: a file's (its header row 1), a table's (its first row 1).
        assert ("(row 2)" if route == "in place" else "(row 3)") in result.reason.en
        assert "empty population column" in result.reason.en
        assert "为空" in result.reason.zh


def test_an_empty_risk_level_of_a_unit_outside_the_category_changes_nothing(
    tmp_path: Path, engine: tuple[str, Any]
) -> None:
    """A drug retailer's empty risk level: the high-risk catering rule cannot
    count it, and the drug retailers' rule does not ask (it stays counted)."""
    register = "unit,name,category,risk_level\nA,a,catering,high\nD,d,special_drug_retailer,\n"
    log = LOG + "A,2025-05-01,routine\nA,2025-06-01,routine\nD,2025-03-01,routine\n"
    assert _seen(_results(tmp_path, engine, register, log, HIGH_RISK)) == {
        frozenset({(None, "met")})
    }
    (tmp_path / "drugs").mkdir()
    drugs = _results(tmp_path / "drugs", engine, register, log, DRUGS)
    assert _seen(drugs) == {frozenset({(None, "met")})}
    assert {r.population for v in drugs.values() for r in v} == {1}


def test_units_outside_the_categories_are_not_read_one_by_one(
    tmp_path: Path, engine: tuple[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Drug retailers, construction sites and the like have no risk level: a
    register of many is not read unit by unit (in place, past `LIMIT` such
    rows would be an error), only the units of the categories a rule filtering
    on the empty column counts (here, at most one is allowed)."""
    from qrules.engines import _rejected  # noqa: PLC0415

    monkeypatch.setattr(_rejected, "LIMIT", 1)
    register = "unit,name,category,risk_level\nA,a,catering,high\nB,b,catering,\n" + "".join(
        f"D{i},d,special_drug_retailer,\n" for i in range(3)
    )
    log = LOG + "A,2025-05-01,routine\nA,2025-06-01,routine\n"
    found = _results(tmp_path, engine, register, log, HIGH_RISK)
    assert _seen(found) == {frozenset({(None, "unknown")})}
    for results in found.values():
        assert all("D" not in r.reason.en.split("(row")[-1] for r in results)


def test_an_empty_risk_level_does_not_touch_a_rule_that_ignores_it(
    tmp_path: Path, engine: tuple[str, Any]
) -> None:
    """A large catering unit with no risk level is counted by the large units'
    rule as read (it does not filter on the risk level)."""
    found = _results(
        tmp_path,
        engine,
        "unit,name,category,risk_level,size,bright_kitchen\n"
        "A,a,catering,high,large,是\nB,b,catering,,large,否\n",
        LOG + "A,2025-05-01,system\n",
        LARGE,
    )
    assert _seen(found) == {frozenset({(None, "not_met")})}
    assert {(r.population, r.meeting) for v in found.values() for r in v} == {(2, 1)}


def test_an_empty_risk_level_that_cannot_change_the_verdict_keeps_it(
    tmp_path: Path, engine: tuple[str, Any]
) -> None:
    """A, high risk and never inspected, fails the rule whatever B is."""
    found = _results(
        tmp_path,
        engine,
        HIGH_AND_EMPTY,
        LOG + "B,2025-05-01,routine\n",
        HIGH_RISK,
    )
    assert _seen(found) == {frozenset({(None, "not_met")})}


def test_a_unit_with_no_district_leaves_the_city_and_other_categories_alone(
    tmp_path: Path, engine: tuple[str, Any]
) -> None:
    """B, with no district, is no infant formula maker: 芝罘区 stays met; the
    city counts every unit as read."""
    found = _results(
        tmp_path,
        engine,
        "unit,name,category,district\nA,a,infant_formula_maker,芝罘区\nB,b,catering,\n",
        LOG + "A,2025-05-01,system\n",
        "infant-formula-makers-system-inspected-yearly",
        by_district=True,
    )
    assert _seen(found) == {frozenset({(None, "met"), ("芝罘区", "met")})}


def test_a_missing_flag_column_is_named_and_other_rules_keep_their_verdicts(
    tmp_path: Path, engine: tuple[str, Any]
) -> None:
    register = (
        "unit,name,category,size,bright_kitchen\nC2,d,central_kitchen,,是\nL,l,catering,large,是\n"
    )
    log = LOG + "C2,2025-05-01,system\n"
    kitchens = _results(tmp_path, engine, register, log, KITCHENS)
    for results in kitchens.values():
        [result] = results
        assert result.verdict is Verdict.UNKNOWN
        assert "internet_bright_kitchen" in result.reason.en
        assert "internet_bright_kitchen" in result.reason.zh
        assert result.population == 1
    # The large units' rule reads bright_kitchen, which the register has.
    (tmp_path / "large").mkdir()
    assert _seen(_results(tmp_path / "large", engine, register, log, LARGE)) == {
        frozenset({(None, "met")})
    }


@pytest.mark.parametrize("engine_name", ["reference", "duckdb"])
def test_the_command_line_says_the_same_of_an_empty_risk_level_and_a_missing_flag(
    tmp_path: Path, engine_name: str
) -> None:
    """``qrules check`` on plain CSV files (DuckDB reads them where they are)."""
    register = tmp_path / "register.csv"
    register.write_text(
        "unit,name,category,risk_level\nA,a,catering,high\nB,b,catering,\nK,k,central_kitchen,\n",
        encoding="utf-8",
    )
    log = tmp_path / "log.csv"
    log.write_text(LOG + "A,2025-05-01,routine\nA,2025-06-01,routine\n", encoding="utf-8")
    _code, out, err = run(
        "check", BOOK, *records_options(register, log), "--engine", engine_name,
        *log_year(2025),
        "--rule", HIGH_RISK, "--rule", KITCHENS, "--format", "json",
    )  # fmt: skip
    assert err == ""
    found = {r["id"]: r for r in json.loads(out)["results"]}
    assert found[HIGH_RISK]["verdict"] == "unknown"
    assert "(rows 3, 4)" in found[HIGH_RISK]["reason"]  # B, and K: a central kitchen
    assert found[KITCHENS]["verdict"] == "unknown"
    assert "internet_bright_kitchen" in found[KITCHENS]["reason"]
