"""``failing_units_to``: the table of failing units says how sure each row is.

Written where the tables are, it lists every unit that does not meet a rule
in a year the log decides. Two things went wrong where rows could not be read
(issue 11's doubts):

- the results themselves: the rows that bound the counts need the failing
  units (which of them a rejected log row, or one lacking a kind, could
  bring to the number wanted), and with ``failing_units_to`` none were
  fetched, so such rows were passed over: "not met" where the reference
  engine, and the same call without ``failing_units_to``, say *unknown*;
- the table: its rows of a result made unknown read as definite failures.

Now the failing units are fetched as well when rows could change a count (the
results still list none), and each row of the table carries its result's
``verdict`` (``met``, ``not_met``, ``unknown``).
"""

from __future__ import annotations

from typing import Any

import pytest

import qrules
from qrules import Verdict
from qrules.engines import evaluate_tables

duckdb = pytest.importorskip("duckdb")

RULE = "infant-formula-makers-system-inspected-yearly"
YEAR = {"log_from": "2024-01-01", "log_until": "2024-12-31"}


@pytest.fixture(params=["duckdb", "postgres"])
def database(request: pytest.FixtureRequest) -> Any:
    if request.param == "postgres":
        return request.getfixturevalue("postgres")
    return duckdb.connect()


def tables(connection: Any, register: list[str], log: list[str]) -> None:
    cursor = connection.cursor()
    for statement in (
        "DROP TABLE IF EXISTS failing_out",
        "DROP TABLE IF EXISTS stored_register",
        "DROP TABLE IF EXISTS stored_log",
        "CREATE TABLE stored_register (unit VARCHAR, category VARCHAR, registered VARCHAR)",
        "CREATE TABLE stored_log (unit VARCHAR, date VARCHAR, kind VARCHAR)",
        "INSERT INTO stored_register VALUES " + ", ".join(register),
        "INSERT INTO stored_log VALUES " + ", ".join(log),
    ):
        cursor.execute(statement)


def judged(connection: Any, yantai: qrules.Rulebook, **options: Any) -> list[qrules.Result]:
    return list(
        evaluate_tables(
            yantai,
            connection,
            register="stored_register",
            log="stored_log",
            rules=[yantai[RULE]],
            **YEAR,
            **options,
        )
    )


def written(connection: Any) -> list[tuple[Any, ...]]:
    cursor = connection.cursor()
    cursor.execute("SELECT rule, year, unit, short, verdict FROM failing_out ORDER BY unit")
    return [tuple(row) for row in cursor.fetchall()]


MAKER = "'infant_formula_maker', '2020-01-01'"


def test_rows_that_could_meet_make_the_result_unknown_and_the_rows_say_so(
    yantai: qrules.Rulebook, database: Any
) -> None:
    """IF03's one log row has a date that does not read, IF04's no kind: either
    could be its system inspection, and with both all three units meet it."""
    tables(
        database,
        [f"('IF01', {MAKER})", f"('IF03', {MAKER})", f"('IF04', {MAKER})"],
        [
            "('IF01', '2024-03-01', 'system')",
            "('IF03', '2024-13-01', 'system')",
            "('IF04', '2024-03-01', NULL)",
        ],
    )
    [fetched] = judged(database, yantai)
    [stored] = judged(database, yantai, failing_units_to="failing_out")
    assert fetched.verdict is Verdict.UNKNOWN
    assert stored == fetched  # the same result, its failing units (none: unknown) alike
    assert written(database) == [
        (RULE, 2024, "IF03", 1, "unknown"),
        (RULE, 2024, "IF04", 1, "unknown"),
    ]


def test_a_result_not_met_for_certain_lists_its_units_as_not_met(
    yantai: qrules.Rulebook, database: Any
) -> None:
    tables(
        database,
        [f"('IF01', {MAKER})", f"('IF05', {MAKER})", f"('IF06', {MAKER})"],
        ["('IF01', '2024-03-01', 'system')", "('IF05', '2024-03-01', 'routine')"],
    )
    [fetched] = judged(database, yantai)
    [stored] = judged(database, yantai, failing_units_to="failing_out")
    assert fetched.verdict is Verdict.NOT_MET
    assert [u.unit for u in fetched.failing_units] == ["IF05", "IF06"]
    assert stored.verdict is Verdict.NOT_MET
    assert stored.failing_units == ()
    assert written(database) == [
        (RULE, 2024, "IF05", 1, "not_met"),
        (RULE, 2024, "IF06", 1, "not_met"),
    ]


def test_a_share_met_lists_the_units_short_of_it_as_met(yantai: qrules.Rulebook) -> None:
    connection = duckdb.connect()
    connection.execute("CREATE TABLE stored_register (unit VARCHAR, category VARCHAR)")
    connection.execute(
        "INSERT INTO stored_register VALUES "
        + ", ".join(f"('H{i}', 'health_food_maker')" for i in range(5))
    )
    connection.execute("CREATE TABLE stored_log (unit VARCHAR, date DATE, kind VARCHAR)")
    connection.execute("INSERT INTO stored_log VALUES ('H0', DATE '2024-05-01', 'system')")
    [result] = evaluate_tables(
        yantai,
        connection,
        register="stored_register",
        log="stored_log",
        rules=[yantai["health-food-makers-system-inspected-yearly"]],
        failing_units_to="failing_out",
        **YEAR,
    )
    assert result.verdict is Verdict.MET
    rows = connection.execute("SELECT DISTINCT verdict FROM failing_out").fetchall()
    assert rows == [("met",)]
    assert connection.execute("SELECT count(*) FROM failing_out").fetchall() == [(4,)]
