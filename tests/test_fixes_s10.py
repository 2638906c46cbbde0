"""Leftovers of earlier sessions (session 10): tables in place say what the
file readers say, and nothing is read two ways or judged on a guess."""

from __future__ import annotations

from typing import Any

import duckdb
import pytest

import qrules
from qrules.engines import evaluate_tables

from .records_strategies import unit, visit
from .test_doubts import LOG_TYPES, REGISTER_TYPES, place


@pytest.fixture(params=["duckdb", "postgres"])
def engine(request: pytest.FixtureRequest) -> tuple[str, Any]:
    if request.param == "postgres":
        return "postgres", request.getfixturevalue("postgres")
    return "duckdb", duckdb.connect()


# -- 1. a log row of a unit whose register row was rejected -----------------------------


def _log_problems(evaluation: qrules.Evaluation) -> list[str]:
    [log] = [t for t in evaluation.records if t.kind == "log"]
    return [p.message for p in log.problems]


def test_a_log_row_of_a_rejected_register_row_is_not_said_unregistered(
    book: qrules.Rulebook, engine: tuple[str, Any]
) -> None:
    """C2 is in the register (its row was rejected), C3 is not: in place as from
    files, the two are told apart, counted row (C2 2024-05-01) or rejected row
    (C2 2024-05-41) alike."""
    units = [unit("C1", "catering"), unit("C2", "catering", registered="2020-02-30")]
    name, connection = engine
    place(connection, name, "s10_register", units, REGISTER_TYPES)
    for day, expected in [
        (
            "2024-05-01",
            [
                "1 rows name a unit whose register row was rejected ('C2'): not counted",
                "1 rows name a unit that is not in the register ('C3'): not counted",
            ],
        ),
        (
            "2024-05-41",
            [
                "unit 'C2' is the unit of a rejected register row (row 2)",
                "'2024-05-41' is not a date: no such day",
                "1 rows name a unit that is not in the register ('C3'): not counted",
            ],
        ),
    ]:
        visits = [visit("C1", "2024-03-01"), visit("C2", day), visit("C3", "2024-05-01")]
        register = qrules.read_register(units)
        read = qrules.evaluate_records(book, register, qrules.read_log(visits, register))
        assert "unit 'C2' is the unit of a rejected register row (row 2)" in _log_problems(read)
        place(connection, name, "s10_log", visits, LOG_TYPES)
        in_place = evaluate_tables(book, connection, register="s10_register", log="s10_log")
        assert _log_problems(in_place) == expected, (name, day)
        [log] = [t for t in in_place.records if t.kind == "log"]
        assert (log.rows_read, log.rows_used, log.rows_rejected) == (3, 1, 2)
        if day == "2024-05-01":
            assert "其登记行被拒绝('C2')" in log.problems[0].render("zh")
