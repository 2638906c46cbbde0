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


# -- 2. strict=True in place names every row, as the file route does ----------------------


def test_strict_in_place_names_the_rows_a_reader_names(
    book: qrules.Rulebook, engine: tuple[str, Any]
) -> None:
    """Rejected register rows, a log row of a rejected unit and one of a unit not
    in the register: the `DataError` names each row, in place as from files (it
    named only the rejected register rows, and a clean register with a log row
    of an unknown unit was no error at all)."""
    name, connection = engine
    units = [
        unit("C1", "catering"),
        unit("C2", "catering", registered="2020-02-30"),
        unit("C3", "catering", registered="2020-13-01"),
    ]
    visits = [visit("C1", "2024-03-01"), visit("C2", "2024-05-01"), visit("C9", "2024-05-01")]
    place(connection, name, "s10_register", units, REGISTER_TYPES)
    place(connection, name, "s10_log", visits, LOG_TYPES)
    for kept in (units, units[:1]):
        register = qrules.read_register(kept)
        log = qrules.read_log(visits, register)
        with pytest.raises(qrules.DataError) as from_rows:
            qrules.evaluate_records(book, register, log, strict=True)
        place(connection, name, "s10_register", kept, REGISTER_TYPES)
        for check_keys in (True, False):
            with pytest.raises(qrules.DataError) as in_place:
                evaluate_tables(
                    book,
                    connection,
                    register="s10_register",
                    log="s10_log",
                    strict=True,
                    check_keys=check_keys,
                )
            said = [
                (p.where, p.key, p.message.replace("s10_register", "<rows>"))
                for p in in_place.value.problems
            ]
            assert said == [(p.where, p.key, p.message) for p in from_rows.value.problems]
    assert "unit 'C9' is not in the register" in str(in_place.value)
