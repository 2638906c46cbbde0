"""No false verdicts from records (issue 11): rejected and doubtful rows bound the
counts, and a result they could change is unknown, naming them, on every engine.

Each example of the issue is judged by the reference engine on files, by
DuckDB and PostgreSQL on the records read (loaded), and by DuckDB and
PostgreSQL on the same rows as tables in place (text columns where the value
is not a clean date or flag): all give the same verdict.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qrules
from qrules import Verdict
from qrules.engines import _rejected, evaluate_tables
from qrules.records.read import parse_date

from .conftest import log_year, records_options, spied
from .records_fixtures import (
    LOG_TYPES,
    REGISTER_TYPES,
    YEAR_2024,
    assert_everywhere,
    everywhere,
    only,
    place,
    write,
)
from .records_strategies import corrupted_records, corruption, unit, visit


def test_a_typo_in_an_optional_column_makes_the_result_unknown(
    book: qrules.Rulebook, tmp_path: Path, engine: tuple[str, Any]
) -> None:
    """The issue's IF02: a register row with 2020-02-30 is a unit of unknown
    membership and compliance, not a unit that vanished."""
    units = [
        unit("C1", "catering", risk_level="high", registered="2020-01-01"),
        unit("C2", "catering", risk_level="high", registered="2020-02-30"),
    ]
    visits = [visit("C1", "2024-03-01"), visit("C1", "2024-06-01"), visit("C2", "2024-05-01")]
    found = everywhere(book, tmp_path, engine, units, visits, "twice", **YEAR_2024)
    for where, results in found.items():
        result = only(results, 2024)
        assert result.verdict is Verdict.UNKNOWN, where
        row = 3 if where != "in place" else 2  # a file's header is row 1
        assert result.reason.en.startswith(
            f"unknown: 1 rejected register row could change this (row {row}); 1 to 2 units "
            "in the population, 1 to 2 meeting it; as read: 1 of 1 units meet it"
        ), where
        assert "无法判定:登记册中被拒收的 1 行可能改变结论" in result.reason.zh
        assert result.rejected_rows == (("register", row),)


def test_the_log_row_of_a_rejected_unit_says_so(book: qrules.Rulebook) -> None:
    register = qrules.read_register(
        [unit("C1", "catering"), unit("C2", "catering", registered="2020-02-30")]
    )
    log = qrules.read_log([visit("C2", "2024-01-01"), visit("C3", "2024-01-01")], register)
    messages = [p.message for p in log.problems]
    assert messages == [
        "unit 'C2' is the unit of a rejected register row (row 2)",
        "unit 'C3' is not in the register <rows>",
    ]


def test_a_flag_that_is_neither_yes_nor_no_reads_the_same_everywhere(
    book: qrules.Rulebook, tmp_path: Path, engine: tuple[str, Any]
) -> None:
    """接入中 ("being connected") rejects the row from CSV and in place alike: the
    kitchen's enrolment is unknown, not false."""
    units = [
        unit("K1", "central_kitchen", internet_bright_kitchen="是"),
        unit("K2", "central_kitchen", internet_bright_kitchen="接入中"),
    ]
    found = everywhere(book, tmp_path, engine, units, [visit("K1", "2024-03-01")], "enrolled")
    verdicts = {where: only(results, 2025).verdict for where, results in found.items()}
    assert verdicts == dict.fromkeys(found, Verdict.UNKNOWN)
    reasons = {where: only(results, 2025).reason.en for where, results in found.items()}
    assert "1 rejected register row could change this" in reasons["in place"]
    # Read as false, K2 would make it "not met"; read as true, "met": neither is known.
    assert "as read: 1 of 1 units meet it" in reasons["reference"]


def test_a_flag_read_is_still_a_verdict(
    book: qrules.Rulebook, tmp_path: Path, engine: tuple[str, Any]
) -> None:
    """A rejected row that cannot change the verdict leaves it standing, naming the row."""
    units = [
        unit("K1", "central_kitchen", internet_bright_kitchen="否"),
        unit("K2", "central_kitchen", internet_bright_kitchen="接入中"),
    ]
    found = everywhere(book, tmp_path, engine, units, [visit("K1", "2024-03-01")], "enrolled")
    for where, results in found.items():
        result = only(results, 2025)
        assert result.verdict is Verdict.NOT_MET, where
        assert result.rejected_rows, where


def test_a_future_date_does_not_extend_the_log(
    book: qrules.Rulebook, tmp_path: Path, engine: tuple[str, Any]
) -> None:
    """A log row dated 2052 no longer makes the log "cover" 2025 (so every 2025
    result flipped from unknown to not met): it is rejected as a doubtful date."""
    units = [unit("C1", "catering", risk_level="high"), unit("C2", "catering", risk_level="high")]
    visits = [
        visit("C1", "2025-01-03"),
        visit("C1", "2025-06-01"),
        visit("C2", "2025-09-30"),
        visit("C2", "2052-03-01"),
    ]
    found = everywhere(book, tmp_path, engine, units, visits, "twice", log_from="2025-01-01")
    for where, results in found.items():
        result = only(results, 2025)
        assert result.verdict is Verdict.UNKNOWN, where
        assert result.reason.en.startswith("the log ends on 2025-09-30, before 2025 does"), where
    reference = qrules.evaluate_records(book, *_read(units, visits), log_from="2025-01-01")
    [log] = [t for t in reference.records if t.kind == "log"]
    assert (log.rows_read, log.rows_used, log.rows_rejected) == (4, 3, 1)
    assert any("1 log row dated after today" in n.en and "row 4" in n.en for n in log.notes)
    assert "2052-03-01 is after today" in log.problems[0].message


def test_a_future_date_after_a_declared_end_is_doubtful(book: qrules.Rulebook) -> None:
    """Declared complete to 2025-12-31, C2's later row could be a 2025 inspection
    mistyped: the 2025 result is unknown, not "not met"."""
    units = [unit("C1", "catering", risk_level="high"), unit("C2", "catering", risk_level="high")]
    visits = [
        visit("C1", "2025-01-03"),
        visit("C1", "2025-06-01"),
        visit("C2", "2025-09-30"),
        visit("C2", "2052-03-01"),
    ]
    [result] = qrules.evaluate_records(
        book,
        *_read(units, visits),
        rules=[book["twice"]],
        log_from="2025-01-01",
        log_until="2025-12-31",
    )
    assert result.verdict is Verdict.UNKNOWN
    assert "1 rejected log row could change this (row 4)" in result.reason.en
    # Without the doubtful row, C2 has one inspection of two: not met, whatever C1.
    [strict] = qrules.evaluate_records(
        book,
        *_read(units, visits[:3]),
        rules=[book["twice"]],
        log_from="2025-01-01",
        log_until="2025-12-31",
    )
    assert strict.verdict is Verdict.NOT_MET


def test_a_log_that_begins_late_does_not_decide_its_first_year(
    book: qrules.Rulebook, tmp_path: Path, engine: tuple[str, Any]
) -> None:
    units = [unit("C1", "catering", risk_level="high")]
    visits = [visit("C1", "2023-12-20"), visit("C1", "2024-03-01"), visit("C1", "2024-12-31")]
    found = everywhere(book, tmp_path, engine, units, visits, "twice")
    for where, results in found.items():
        first = only(results, 2023)
        assert first.verdict is Verdict.UNKNOWN, where
        assert first.reason.en.startswith("the log begins on 2023-12-20, after 2023 begins"), where
        assert only(results, 2024).verdict is Verdict.MET, where
    declared = everywhere(book, tmp_path, engine, units, visits, "twice", log_from="2023-01-01")
    assert {w: only(r, 2023).verdict for w, r in declared.items()} == dict.fromkeys(
        declared, Verdict.NOT_MET
    )


def test_a_rejected_log_row_bounds_its_unit(
    book: qrules.Rulebook, tmp_path: Path, engine: tuple[str, Any]
) -> None:
    """A log row of a known unit with a date that does not parse could be the
    inspection it lacks, in any year; one with a kind that is not canonical, in
    its year."""
    units = [unit("C1", "catering", risk_level="high")]
    visits = [
        visit("C1", "2024-03-01"),
        visit("C1", "2024-13-01"),
        visit("C1", "2023-01-05"),
        visit("C1", "2023-02-05"),
    ]
    found = everywhere(
        book,
        tmp_path,
        engine,
        units,
        visits,
        "twice",
        log_from="2023-01-01",
        log_until="2024-12-31",
    )
    for where, results in found.items():
        assert only(results, 2023).verdict is Verdict.MET, where
        late = only(results, 2024)
        assert late.verdict is Verdict.UNKNOWN, where
        assert "1 rejected log row could change this" in late.reason.en, where


def test_strict_makes_any_rejected_row_an_error(
    book: qrules.Rulebook, tmp_path: Path, engine: tuple[str, Any]
) -> None:
    units = [
        unit("C1", "catering", risk_level="high"),
        unit("C2", "catering", risk_level="high", registered="2020-02-30"),
    ]
    register, log = _read(units, [visit("C1", "2024-03-01")])
    with pytest.raises(qrules.DataError, match="no such day"):
        qrules.evaluate_records(book, register, log, strict=True)
    name, connection = engine
    with pytest.raises(qrules.DataError, match="no such day"):
        qrules.evaluate_records(
            book, register, log, strict=True, engine=name, connection=connection
        )
    place(connection, name, "doubt_register", units, REGISTER_TYPES)
    place(connection, name, "doubt_log", [visit("C1", "2024-03-01")], LOG_TYPES)
    with pytest.raises(qrules.DataError, match="no such day"):
        evaluate_tables(book, connection, register="doubt_register", log="doubt_log", strict=True)
    clean = [unit("C1", "catering", risk_level="high")]
    place(connection, name, "doubt_register", clean, REGISTER_TYPES)
    assert evaluate_tables(
        book, connection, register="doubt_register", log="doubt_log", strict=True
    )


def test_strict_on_the_command_line_path(book: qrules.Rulebook, tmp_path: Path) -> None:
    """The records half of ``check --strict`` (the option itself is ``cli.py``'s)."""
    from qrules.records.cli import records_evaluation  # noqa: PLC0415

    path = write(
        tmp_path / "r.csv", [unit("C1", "catering", registered="2020-02-30")], list(REGISTER_TYPES)
    )
    args = argparse.Namespace(
        register=str(path),
        log=None,
        mapping=None,
        encoding=None,
        by_district=False,
        log_until=None,
        log_from=None,
        engine="reference",
        database=None,
        register_table=None,
        log_table=None,
        trust_keys=False,
        register_sheet=None,
        log_sheet=None,
        strict=True,
    )
    with pytest.raises(qrules.DataError, match="no such day"):
        records_evaluation(book, book.rules, args, err=_Sink())
    assert (
        records_evaluation(
            book, book.rules, argparse.Namespace(**{**vars(args), "strict": False}), err=_Sink()
        )
        is not None
    )


class _Sink:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


def _read(
    units: list[dict[str, Any]], visits: list[dict[str, Any]]
) -> tuple[qrules.Register, qrules.InspectionLog]:
    register = qrules.read_register(units)
    return register, qrules.read_log(visits, register)


# -- one reading of every value on every engine -------------------------------------


def typed(connection: Any, table: str, columns: str, values: str | None = None) -> None:
    """A table with typed columns, and its rows (SQL literals)."""
    cursor = connection.cursor()
    cursor.execute(f"DROP TABLE IF EXISTS {table}")
    cursor.execute(f"CREATE TABLE {table} ({columns})")
    if values is not None:
        cursor.execute(f"INSERT INTO {table} VALUES {values}")


def typed_log(engine: tuple[str, Any], uid: str, columns: str, values: str) -> None:
    """A register of one high-risk catering unit, and a log with typed columns."""
    name, connection = engine
    place(
        connection,
        name,
        "doubt_register",
        [unit(uid, "catering", risk_level="high")],
        {"unit": "VARCHAR", "category": "VARCHAR", "risk_level": "VARCHAR"},
    )
    typed(connection, "doubt_log", columns, values)


def test_a_timestamp_is_read_as_its_date(book: qrules.Rulebook, engine: tuple[str, Any]) -> None:
    """Issue 18's reproduction: an inspection on 31 December at 14:30 counts."""
    typed_log(
        engine,
        "U1",
        "unit VARCHAR, date TIMESTAMP",
        "('U1', TIMESTAMP '2024-06-01 09:00:00'), ('U1', TIMESTAMP '2024-12-31 14:30:00')",
    )
    _, connection = engine
    [result] = evaluate_tables(
        book,
        connection,
        register="doubt_register",
        log="doubt_log",
        rules=[book["twice"]],
        log_until="2024-12-31",
        log_from="2024-01-01",
    )
    assert (result.year, result.verdict) == (2024, Verdict.MET)


def test_integer_codes_with_a_mapping_are_matched_as_text(
    book: qrules.Rulebook, engine: tuple[str, Any]
) -> None:
    _, connection = engine
    typed(
        connection,
        "doubt_register",
        "unit INTEGER, category INTEGER, risk_level INTEGER",
        "(1, 7, 3), (2, 7, 1)",
    )
    typed(
        connection,
        "doubt_log",
        "unit INTEGER, date DATE",
        "(1, DATE '2024-01-01'), (1, DATE '2024-12-31')",
    )
    mapping = {
        "register": {
            "codes": {"category": {"7": "catering"}, "risk_level": {"1": "low", "3": "high"}}
        }
    }
    [result] = evaluate_tables(
        book,
        connection,
        register="doubt_register",
        log="doubt_log",
        mapping=mapping,
        rules=[book["twice"]],
        log_until="2024-12-31",
        log_from="2024-01-01",
    )
    assert (result.verdict, result.population, result.meeting) == (Verdict.MET, 1, 1)


def test_a_type_qrules_does_not_read_is_refused(
    book: qrules.Rulebook, engine: tuple[str, Any]
) -> None:
    _, connection = engine
    typed(connection, "doubt_register", "unit VARCHAR, category VARCHAR, registered INTEGER")
    with pytest.raises(qrules.DataError) as raised:
        evaluate_tables(book, connection, register="doubt_register", log=None)
    message = str(raised.value)
    assert "column 'registered' (register registered) is INTEGER" in message
    assert """DATE '1899-12-30' + CAST("registered" AS INTEGER)""" in message
    assert len(message.splitlines()) <= 2


def test_text_dates_in_a_table_other_than_iso_are_rejected_not_guessed(
    book: qrules.Rulebook, tmp_path: Path, engine: tuple[str, Any]
) -> None:
    """In a text column, only YYYY-MM-DD is read in SQL: 2024/3/5 is a row the
    readers could read but the database cannot, so it bounds the counts."""
    units = [unit("C1", "catering", risk_level="high")]
    visits = [visit("C1", "2024-03-01"), visit("C1", "2024/3/5")]
    found = everywhere(book, tmp_path, engine, units, visits, "twice", **YEAR_2024)
    assert only(found["reference"], 2024).verdict is Verdict.MET
    in_place = only(found["in place"], 2024)
    assert in_place.verdict is Verdict.UNKNOWN
    assert "1 rejected log row could change this (row 2)" in in_place.reason.en


@pytest.mark.parametrize(
    ("units", "visits", "table", "row"),
    [
        # A log row's unit id with a space after it: a reader reads it as C1's.
        (
            [unit("C1", "catering", risk_level="high")],
            [visit("C1", "2024-03-01"), visit("C1 ", "2024-06-01")],
            "log",
            2,
        ),
        # A register's unit id written in full-width letters: a reader reads C1.
        (
            [unit("Ｃ1", "catering", risk_level="high")],
            [visit("C1", "2024-03-01"), visit("C1", "2024-06-01")],
            "register",
            1,
        ),
        # A category with a space before it: a reader reads it as catering, so C2
        # (never inspected) is in the population; compared as stored, it was not.
        (
            [unit("C1", "catering", risk_level="high"), unit("C2", " catering", risk_level="high")],
            [visit("C1", "2024-03-01"), visit("C1", "2024-06-01")],
            "register",
            2,
        ),
    ],
)
def test_an_id_or_code_spelled_otherwise_in_a_table_is_never_misread(
    book: qrules.Rulebook,
    tmp_path: Path,
    engine: tuple[str, Any],
    units: list[dict[str, Any]],
    visits: list[dict[str, Any]],
    table: str,
    row: int,
) -> None:
    """Ids and codes are read NFKC-normalised and trimmed from files; a table
    judged in place compares them as stored, so a row whose id or code a reader
    reads otherwise is a rejected row there, naming it: its result is the
    reference's or unknown, never another verdict."""
    found = everywhere(book, tmp_path, engine, units, visits, "twice", **YEAR_2024)
    reference = only(found["reference"], 2024)
    assert only(found["loaded"], 2024).verdict is reference.verdict
    in_place = only(found["in place"], 2024)
    assert in_place.verdict is Verdict.UNKNOWN, in_place
    assert f"1 rejected {table} row could change this (row {row})" in in_place.reason.en
    assert in_place.rejected_rows == ((table, row),)
    _, connection = engine
    evaluation = evaluate_tables(
        book,
        connection,
        register="doubt_register",
        log="doubt_log",
        rules=[book["twice"]],
        **YEAR_2024,
    )
    [reconciled] = [t for t in evaluation.records if t.kind == table]
    assert reconciled.rows_rejected == 1
    [problem] = reconciled.problems
    assert problem.where.startswith(f"row {row}, column ")
    assert (
        "(invisible characters removed, NFKC, trimmed), but a database table's ids and codes"
        " are compared as stored" in problem.message
    )


def test_ids_that_a_reader_reads_as_they_are_stay_counted(
    book: qrules.Rulebook, tmp_path: Path, engine: tuple[str, Any]
) -> None:
    """Chinese ids and codes, inner spaces, accents: NFKC leaves them as they are,
    so nothing is rejected and every engine gives the reference's verdict."""
    units = [
        unit("单位 1", "catering", risk_level="high"),
        unit("Café·2", "catering", risk_level="high"),
    ]
    visits = [
        visit("单位 1", "2024-03-01"),
        visit("单位 1", "2024-06-01"),
        visit("Café·2", "2024-03-01"),
    ]
    found = everywhere(book, tmp_path, engine, units, visits, "twice", **YEAR_2024)
    for where, results in found.items():
        result = only(results, 2024)
        assert (result.verdict, result.meeting, result.rejected_rows) == (Verdict.NOT_MET, 1, ()), (
            where
        )


def test_an_id_spelled_otherwise_in_a_typed_table_is_found_in_the_key_check(
    book: qrules.Rulebook, engine: tuple[str, Any]
) -> None:
    """Typed tables whose plain counts are clean are counted as they are, their
    ids checked in the key check's pass: one spelled otherwise is found, and it
    bounds its unit's count as a rejected row does."""
    typed_log(
        engine,
        "C1",
        "unit VARCHAR, date DATE",
        "('C1', DATE '2024-01-02'), ('C1\u3000', DATE '2024-12-30')",
    )
    _, connection = engine
    options: dict[str, Any] = {"rules": [book["twice"]], **YEAR_2024}
    [found] = evaluate_tables(
        book, connection, register="doubt_register", log="doubt_log", **options
    )
    assert found.verdict is Verdict.UNKNOWN
    assert found.rejected_rows == (("log", 2),)
    register = qrules.read_register([unit("C1", "catering", risk_level="high")])
    log = qrules.read_log([visit("C1", "2024-01-02"), visit("C1\u3000", "2024-12-30")], register)
    [expected] = qrules.evaluate_records(book, register, log, **options)
    assert expected.verdict is Verdict.MET  # read from a file: C1's second inspection


@pytest.mark.parametrize("date_type", ["DATE", "VARCHAR"])
@pytest.mark.parametrize("respelled", ["J1 ", "Ｊ1", "\u3000J1"])
def test_an_inspection_id_spelled_otherwise_is_never_a_second_inspection(
    book: qrules.Rulebook, engine: tuple[str, Any], date_type: str, respelled: str
) -> None:
    """A file reader reads 'J1 ' and full-width 'Ｊ1' as J1, so the second row
    repeats J1's id and is rejected; compared as stored in a table, the two ids
    were two inspections, and C1 (inspected once) met "twice a year". In place
    the row is rejected for its spelling, named, and bounds C1's count: the
    result is unknown, as from the file, never met. (A DATE log is counted as it
    is and its ids tested in the key check's pass; a text one row by row.)"""
    typed_log(
        engine,
        "C1",
        f"inspection VARCHAR, unit VARCHAR, date {date_type}",
        f"('J1', 'C1', '2024-03-01'), ('{respelled}', 'C1', '2024-06-01')",
    )
    _, connection = engine
    options: dict[str, Any] = {"rules": [book["twice"]], **YEAR_2024}
    [found] = evaluate_tables(
        book, connection, register="doubt_register", log="doubt_log", **options
    )
    register = qrules.read_register([unit("C1", "catering", risk_level="high")])
    log = qrules.read_log(
        [
            {"inspection": "J1", "unit": "C1", "date": "2024-03-01"},
            {"inspection": respelled, "unit": "C1", "date": "2024-06-01"},
        ],
        register,
    )
    [expected] = qrules.evaluate_records(book, register, log, **options)
    assert expected.verdict is Verdict.UNKNOWN  # read from a file: J1 repeated
    assert found.verdict is Verdict.UNKNOWN, found
    assert found.rejected_rows == (("log", 2),)
    [reconciled] = [t for t in found_tables(book, connection, options) if t.kind == "log"]
    [problem] = reconciled.problems
    assert problem.where == "row 2, column 'inspection'"
    assert "inspection" in problem.message
    assert "compared as stored" in problem.message


@pytest.mark.parametrize("date_type", ["DATE", "VARCHAR"])
@pytest.mark.parametrize("first", ["C2", "X1"])
def test_an_id_spelled_otherwise_before_the_id_it_repeats_rejects_the_same_row(
    book: qrules.Rulebook, engine: tuple[str, Any], date_type: str, first: str
) -> None:
    """A file reader reads the first row's 'Ｊ1' as J1 and rejects C1's later
    J1 as its repeat: C1 (J1, J2) may have been inspected once, unknown. In
    place the first row was rejected for its spelling and C1's two rows counted:
    met. Whether the first row is of a unit a rule counts (C2, inspected twice
    besides) or not (X1, a maker) does not matter."""
    units = [
        unit("C1", "catering", risk_level="high"),
        unit("C2", "catering", risk_level="high"),
        unit("X1", "health_food_maker"),
    ]
    visits = [
        {"inspection": "Ｊ1", "unit": first, "date": "2024-02-01"},
        {"inspection": "J1", "unit": "C1", "date": "2024-03-01"},
        {"inspection": "J2", "unit": "C1", "date": "2024-06-01"},
        {"inspection": "K2", "unit": "C2", "date": "2024-03-01"},
        {"inspection": "K3", "unit": "C2", "date": "2024-04-01"},
    ]
    options: dict[str, Any] = {"rules": [book["twice"]], **YEAR_2024}
    register = qrules.read_register(units)
    [expected] = qrules.evaluate_records(
        book, register, qrules.read_log(visits, register), **options
    )
    assert expected.verdict is Verdict.UNKNOWN
    name, connection = engine
    place(connection, name, "doubt_register", units, REGISTER_TYPES)
    types = {"inspection": "VARCHAR", "unit": "VARCHAR", "date": date_type}
    place(connection, name, "doubt_log", visits, types)
    [found] = evaluate_tables(
        book, connection, register="doubt_register", log="doubt_log", **options
    )
    assert found.verdict is Verdict.UNKNOWN, found


def found_tables(
    book: qrules.Rulebook, connection: Any, options: dict[str, Any]
) -> tuple[qrules.Reconciliation, ...]:
    """The reconciliations of the tables in place."""
    evaluation = evaluate_tables(
        book, connection, register="doubt_register", log="doubt_log", **options
    )
    return evaluation.records


def test_plain_inspection_ids_in_a_typed_log_stay_counted(
    book: qrules.Rulebook, engine: tuple[str, Any]
) -> None:
    """Inspection ids that a reader reads as stored (ASCII with inner spaces,
    Chinese) are not rejected: the typed log is counted as it is."""
    typed_log(
        engine,
        "C1",
        "inspection VARCHAR, unit VARCHAR, date DATE",
        "('J 1', 'C1', DATE '2024-03-01'), ('检查2', 'C1', DATE '2024-06-01')",
    )
    _, connection = engine
    [found] = evaluate_tables(
        book,
        connection,
        register="doubt_register",
        log="doubt_log",
        rules=[book["twice"]],
        **YEAR_2024,
    )
    assert (found.verdict, found.rejected_rows) == (Verdict.MET, ())


@pytest.mark.parametrize("marker", ["无", "—", "NA", "暂无"])
def test_a_district_written_as_a_missing_marker_is_missing_in_place(
    book: qrules.Rulebook, tmp_path: Path, engine: tuple[str, Any], marker: str
) -> None:
    """A file reader reads a district written 无 (or —, NA, …) as missing: the
    unit counts in the whole register only, and no district is named 无; it may
    be 芝罘区's, never inspected, so 芝罘区 is unknown (not met, 1 of 1). A
    table judged in place reads it the same way."""
    units = [
        unit("C1", "catering", risk_level="high", district="芝罘区"),
        unit("C2", "catering", risk_level="high", district=marker),
    ]
    visits = [visit("C1", "2024-03-01"), visit("C1", "2024-06-01")]
    name, connection = engine
    types = {**REGISTER_TYPES, "district": "VARCHAR"}
    register = qrules.read_register(write(tmp_path / "register.csv", units, list(types)))
    log = qrules.read_log(write(tmp_path / "log.csv", visits, list(LOG_TYPES)), register)
    options: dict[str, Any] = {"rules": [book["twice"]], "by_district": True, **YEAR_2024}
    place(connection, name, "doubt_register", units, types)
    place(connection, name, "doubt_log", visits, LOG_TYPES)
    expected = qrules.evaluate_records(book, register, log, **options)
    in_place = evaluate_tables(
        book, connection, register="doubt_register", log="doubt_log", **options
    )

    def seen(results: Iterable[qrules.Result]) -> list[tuple[str | None, Verdict, int | None]]:
        return [(r.district, r.verdict, r.population) for r in results]

    assert seen(expected) == [(None, Verdict.NOT_MET, 2), ("芝罘区", Verdict.UNKNOWN, 1)]
    assert seen(in_place) == seen(expected)


# -- strict record files -------------------------------------------------------------


def test_a_row_with_fewer_cells_than_the_header_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        "unit,category,internet_bright_kitchen\nK1,central_kitchen,是\nK2,central_kitchen\n",
        encoding="utf-8",
    )
    register = qrules.read_register(path)
    assert [str(p) for p in register.problems] == [
        "r.csv, row 3: 2 cells, fewer than the 3 columns of the header"
    ]
    [rejected] = register.rejected
    assert (rejected.row, rejected.unit) == (3, "K2")
    assert "internet_bright_kitchen" in rejected.unreadable


def test_a_date_with_trailing_text_is_not_a_date() -> None:
    assert parse_date("2020-01-01 14:30") == dt.date(2020, 1, 1)
    assert parse_date("2020-01-01T14:30:05+08:00") == dt.date(2020, 1, 1)
    assert parse_date("2020年1月1日 9:05") == dt.date(2020, 1, 1)
    for text in ("2020-01-01 anything", "2020-01-01 14:30 maybe", "2020年1月1日前"):
        with pytest.raises(ValueError, match="is not a date"):
            parse_date(text)
    register = qrules.read_register([unit("C1", "catering", registered="2020-01-01 anything")])
    assert "row 1, column 'registered'" in str(register.problems[0])


def test_a_formula_without_a_cached_value_is_rejected(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["unit", "category", "internet_bright_kitchen"])
    sheet.append(["K1", "central_kitchen", "是"])
    sheet.append(["K2", "central_kitchen", '=IF(1,"是","否")'])
    book.save(tmp_path / "r.xlsx")
    register = qrules.read_register(tmp_path / "r.xlsx")
    assert [str(p) for p in register.problems] == [
        "r.xlsx, row 3, column 'internet_bright_kitchen': a formula without a cached value "
        '(=IF(1,"是","否")) (open the file in Excel and save it, so each formula\'s value '
        "is stored)"
    ]
    [rejected] = register.rejected
    assert rejected.unreadable == frozenset({"internet_bright_kitchen"})


# -- the property: no verdict but the verdict of every reading -------------------------

#: Generated cases per engine; QRULES_ENGINE_EXAMPLES for a longer run.
EXAMPLES = max(5, int(os.environ.get("QRULES_ENGINE_EXAMPLES", "100")) // 4)
DECLARED = {"log_from": "2023-01-01", "log_until": "2025-12-31", "by_district": False}


def _verdicts(results: Iterable[qrules.Result]) -> dict[tuple[str, int], Verdict]:
    return {(r.rule.id, r.year): r.verdict for r in results}


def readings(
    units: list[dict[str, Any]], visits: list[dict[str, Any]], corrupted: list[tuple[str, int, str]]
) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """Every way of reading the corrupted cells (each a value it could have held)."""
    choices = [corruption(column)[1][1] for _, _, column in corrupted]
    for values in itertools.product(*choices):
        register, log = [dict(u) for u in units], [dict(v) for v in visits]
        for (table, index, column), value in zip(corrupted, values, strict=True):
            (register if table == "register" else log)[index][corruption(column)[0]] = value
        # (A row copied whole, read as a second inspection or not.)
        yield register, [v for v in log if v.pop("repeat", True)]


def brute_force(
    book: qrules.Rulebook,
    units: list[dict[str, Any]],
    visits: list[dict[str, Any]],
    corrupted: list[tuple[str, int, str]],
) -> dict[tuple[str, int], set[Verdict]]:
    """Each rule and year's verdicts over every reading, on the reference engine."""
    found: dict[tuple[str, int], set[Verdict]] = {}
    for register, log in readings(units, visits, corrupted):
        read = qrules.read_register(register)
        assert not read.problems
        judged = qrules.evaluate_records(book, read, qrules.read_log(log, read), **DECLARED)
        for key, verdict in _verdicts(judged).items():
            found.setdefault(key, set()).add(verdict)
    return found


def check_no_false_verdict(
    book: qrules.Rulebook,
    engine: str,
    connection: Any,
    generated: tuple[list[dict[str, Any]], list[dict[str, Any]], list[tuple[str, int, str]]],
) -> None:
    units, visits, corrupted = generated
    register = qrules.read_register(units)
    log = qrules.read_log(visits, register)
    reference = _verdicts(qrules.evaluate_records(book, register, log, **DECLARED))
    loaded = _verdicts(
        qrules.evaluate_records(
            book, register, log, engine=engine, connection=connection, **DECLARED
        )
    )
    place(connection, engine, "doubt_register", units, REGISTER_TYPES)
    place(connection, engine, "doubt_log", visits, LOG_TYPES)
    in_place = _verdicts(
        evaluate_tables(book, connection, register="doubt_register", log="doubt_log", **DECLARED)
    )
    assert loaded == reference
    assert in_place == reference
    every = brute_force(book, units, visits, corrupted)
    for key, verdict in reference.items():
        if verdict is not Verdict.UNKNOWN:
            assert every.get(key, {verdict}) == {verdict}, (key, verdict, every.get(key))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(corrupted_records())
def test_no_verdict_that_a_reading_of_the_rejected_rows_contradicts_on_duckdb(
    book: qrules.Rulebook,
    generated: tuple[list[dict[str, Any]], list[dict[str, Any]], list[tuple[str, int, str]]],
) -> None:
    check_no_false_verdict(book, "duckdb", duckdb.connect(), generated)


@settings(
    max_examples=max(3, EXAMPLES // 3),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(corrupted_records())
def test_no_verdict_that_a_reading_of_the_rejected_rows_contradicts_on_postgres(
    book: qrules.Rulebook,
    postgres: Any,
    generated: tuple[list[dict[str, Any]], list[dict[str, Any]], list[tuple[str, int, str]]],
) -> None:
    check_no_false_verdict(book, "postgres", postgres, generated)


#: Ways of writing an id or code that a file reader reads as the plain one.
RESPELLINGS = (
    lambda t: t + " ",
    lambda t: "\u3000" + t,
    lambda t: t.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)}),
)


@st.composite
def respelled_records(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Clean small records (no corruption), with up to three unit ids or
    categories, of the register, or unit or inspection ids of the log, written
    otherwise (a space after, an ideographic space before, full-width letters);
    the inspection ids are J0, J1, …, and a row may be copied with its id
    written otherwise (one inspection to a reader, two as stored), before or
    after it, of its unit or another."""
    units, visits, _ = draw(corrupted_records().filter(lambda g: not g[2]))
    visits = [{**v, "inspection": f"J{i}"} for i, v in enumerate(visits)]
    if visits and draw(st.booleans()):
        copied = visits[draw(st.integers(0, len(visits) - 1))]
        respell = draw(st.sampled_from(RESPELLINGS))
        unit = draw(st.sampled_from([copied["unit"], *(u["unit"] for u in units)]))
        copy = {**copied, "unit": unit, "inspection": respell(copied["inspection"])}
        visits.insert(draw(st.integers(0, len(visits))), copy)
    places = [("register", i, c) for i in range(len(units)) for c in ("unit", "category")] + [
        ("log", i, c) for i in range(len(visits)) for c in ("unit", "inspection")
    ]
    for table, index, column in draw(st.lists(st.sampled_from(places), max_size=3, unique=True)):
        rows = units if table == "register" else visits
        respell = draw(st.sampled_from(RESPELLINGS))
        rows[index] = {**rows[index], column: respell(rows[index][column])}
    return units, visits


def check_one_reading(
    engine: str,
    connection: Any,
    book: qrules.Rulebook,
    generated: tuple[list[dict[str, Any]], list[dict[str, Any]]],
) -> None:
    """The readers read respelled ids as the plain ones; in place, each verdict
    is the readers' verdict or unknown, never another."""
    units, visits = generated
    register = qrules.read_register(units)
    reference = _verdicts(
        qrules.evaluate_records(book, register, qrules.read_log(visits, register), **DECLARED)
    )
    place(connection, engine, "doubt_register", units, REGISTER_TYPES)
    place(connection, engine, "doubt_log", visits, {"inspection": "VARCHAR", **LOG_TYPES})
    in_place = _verdicts(
        evaluate_tables(book, connection, register="doubt_register", log="doubt_log", **DECLARED)
    )
    assert in_place.keys() == reference.keys()
    for key, verdict in in_place.items():
        assert verdict in (reference[key], Verdict.UNKNOWN), (key, verdict, reference[key])


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.filter_too_much,
    ],
)
@given(respelled_records())
def test_ids_written_otherwise_never_change_a_verdict_on_duckdb(
    book: qrules.Rulebook, generated: tuple[list[dict[str, Any]], list[dict[str, Any]]]
) -> None:
    check_one_reading("duckdb", duckdb.connect(), book, generated)


@settings(
    max_examples=max(3, EXAMPLES // 3),
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.filter_too_much,
    ],
)
@given(respelled_records())
def test_ids_written_otherwise_never_change_a_verdict_on_postgres(
    book: qrules.Rulebook,
    postgres: Any,
    generated: tuple[list[dict[str, Any]], list[dict[str, Any]]],
) -> None:
    check_one_reading("postgres", postgres, book, generated)


def test_a_kind_outside_its_set_in_a_typed_log_is_found(
    book: qrules.Rulebook, engine: tuple[str, Any]
) -> None:
    """A log whose counts and dates are clean is counted as it is, its kinds and
    results checked in the key check's pass: one outside its set is found, and
    it bounds its unit's count as on the reference engine."""
    typed_log(
        engine,
        "C1",
        "unit VARCHAR, date DATE, kind VARCHAR",
        "('C1', DATE '2024-01-02', 'routine'), ('C1', DATE '2024-12-30', '体系?')",
    )
    _, connection = engine
    options: dict[str, Any] = {"rules": [book["twice"]], **YEAR_2024}
    [found] = evaluate_tables(
        book, connection, register="doubt_register", log="doubt_log", **options
    )
    register = qrules.read_register([unit("C1", "catering", risk_level="high")])
    log = qrules.read_log(
        [visit("C1", "2024-01-02", "routine"), visit("C1", "2024-12-30", "体系?")], register
    )
    [expected] = qrules.evaluate_records(book, register, log, **options)
    assert (found.verdict, found.reason, found.rejected_rows) == (
        expected.verdict,
        expected.reason,
        expected.rejected_rows,
    )
    assert found.verdict is Verdict.UNKNOWN
    assert found.rejected_rows == (("log", 2),)
    # Trusting the database's keys and codes (check_keys=False), the row is read as it is.
    [trusted] = evaluate_tables(
        book, connection, register="doubt_register", log="doubt_log", check_keys=False, **options
    )
    assert (trusted.verdict, trusted.meeting) == (Verdict.MET, 1)


# -- a counted log row lacking the kind or result a rule filters on ------------------

INFANT = "infant-formula-makers-system-inspected-yearly"
#: The reviewer's register: two infant formula makers.
MAKERS = [unit("IF01", "infant_formula_maker"), unit("IF02", "infant_formula_maker")]


def _lacking_everywhere(
    book: qrules.Rulebook,
    tmp_path: Path,
    engine: tuple[str, Any],
    visits: list[dict[str, Any]],
    log_columns: list[str],
    rule: str,
) -> dict[str, list[qrules.Result]]:
    """`everywhere` on the two makers, in 2024, with a log of these columns only."""
    return everywhere(book, tmp_path, engine, MAKERS, visits, rule, log_columns, **YEAR_2024)


@pytest.mark.parametrize(
    ("visits", "columns", "reason"),
    [
        (  # no kind column: "not met 0 (0/2)" before
            [visit("IF01", "2024-05-01"), visit("IF02", "2024-05-01")],
            ["unit", "date"],
            "unknown: 2 log rows with no kind could change this (rows 2, 3); "
            "2 to 2 units in the population, 0 to 2 meeting it",
        ),
        (  # an empty kind cell: "not met 50 (1/2)" before
            [visit("IF01", "2024-05-01", "system"), visit("IF02", "2024-05-01")],
            ["unit", "date", "kind"],
            "unknown: 1 log row with no kind could change this (row 3); "
            "2 to 2 units in the population, 1 to 2 meeting it",
        ),
    ],
)
def test_a_log_row_without_a_kind_could_be_the_kind_a_rule_counts(
    yantai: qrules.Rulebook,
    tmp_path: Path,
    engine: tuple[str, Any],
    visits: list[dict[str, Any]],
    columns: list[str],
    reason: str,
) -> None:
    found = _lacking_everywhere(yantai, tmp_path, engine, visits, columns, INFANT)
    for where, results in found.items():
        result = only(results, 2024)
        assert result.verdict is Verdict.UNKNOWN, where
        # (In place, rows are numbered from 1, as a table's rows are.)
        expected = (
            reason
            if where != "in place"
            else reason.replace("2, 3", "1, 2").replace("(row 3)", "(row 2)")
        )
        assert expected in result.reason.en, (where, result.reason.en)
        assert "检查类型" in result.reason.zh
        assert result.rejected_rows == ()  # counted rows, not rejected ones


@pytest.mark.parametrize(
    "second",
    [
        visit("IF02", "2024-02-30"),  # rejected for its date: of any year
        visit("IF02", "2024-05-01", None, "bogus"),  # rejected for its result
        visit("IF02", "2052-03-01"),  # a doubtful date (after the log's end)
        visit("IF02", "2024-02-30", "体系?"),  # and its kind unreadable too
    ],
)
def test_a_rejected_log_row_without_a_kind_could_be_the_kind_a_rule_counts(
    yantai: qrules.Rulebook, tmp_path: Path, engine: tuple[str, Any], second: dict[str, Any]
) -> None:
    """A rejected row with no kind, read, would be a row with no kind, which could
    count (as a counted one does): unknown, not "not met 50 (1/2)", on files, on
    the engine and in place; with a kind the rule does not count, not met."""
    visits = [visit("IF01", "2024-05-01", "system"), second]
    found = _lacking_everywhere(yantai, tmp_path, engine, visits, list(LOG_TYPES), INFANT)
    assert_everywhere(found, 2024, Verdict.UNKNOWN, said="1 rejected log row could change this")
    routine = [visits[0], {**second, "kind": "routine"}]
    found = _lacking_everywhere(yantai, tmp_path, engine, routine, list(LOG_TYPES), INFANT)
    assert {w: only(r, 2024).verdict for w, r in found.items()} == dict.fromkeys(
        found, Verdict.NOT_MET
    )


def test_a_log_row_without_a_kind_that_cannot_change_the_verdict_keeps_it(
    yantai: qrules.Rulebook, tmp_path: Path, engine: tuple[str, Any]
) -> None:
    """A unit that needs none, or a rule that counts every kind, is exact as read."""
    visits = [
        visit("IF01", "2024-05-01", "system"),
        visit("IF01", "2024-06-01"),
        visit("IF02", "2024-05-01", "routine"),
    ]
    found = _lacking_everywhere(yantai, tmp_path, engine, visits, ["unit", "date", "kind"], INFANT)
    # IF02 has no row that could count
    assert_everywhere(found, 2024, Verdict.NOT_MET, unsaid="with no kind")


def test_a_rule_counting_every_kind_counts_a_row_without_one(
    book: qrules.Rulebook, tmp_path: Path, engine: tuple[str, Any]
) -> None:
    units = [unit("C1", "catering", risk_level="high")]
    visits = [visit("C1", "2024-03-01"), visit("C1", "2024-05-01", None, None)]
    found = everywhere(book, tmp_path, engine, units, visits, "twice", **YEAR_2024)
    assert_everywhere(found, 2024, Verdict.MET, unsaid="no kind")


def test_a_log_row_without_a_result_could_be_the_result_a_rule_counts(
    book: qrules.Rulebook, tmp_path: Path, engine: tuple[str, Any]
) -> None:
    units = [unit("T1", "tableware_disinfection")]
    visits = [visit("T1", "2024-03-01", "routine", None)]
    found = everywhere(book, tmp_path, engine, units, visits, "compliant", **YEAR_2024)
    assert_everywhere(
        found, 2024, Verdict.UNKNOWN, said="1 log row with no result could change this"
    )


def test_strict_refuses_a_row_without_a_kind_that_could_change_a_verdict(
    yantai: qrules.Rulebook, engine: tuple[str, Any]
) -> None:
    visits = [visit("IF01", "2024-05-01", "system"), visit("IF02", "2024-05-01")]
    register, log = _read(MAKERS, visits)
    options = {"rules": [yantai[INFANT]], "strict": True, **YEAR_2024}
    with pytest.raises(qrules.DataError, match="1 log row with no kind could change this"):
        qrules.evaluate_records(yantai, register, log, **options)
    name, connection = engine
    with pytest.raises(qrules.DataError, match="with no kind"):
        qrules.evaluate_records(
            yantai, register, log, engine=name, connection=connection, **options
        )
    place(connection, name, "doubt_register", MAKERS, REGISTER_TYPES)
    place(connection, name, "doubt_log", visits, LOG_TYPES)
    with pytest.raises(qrules.DataError, match="with no kind"):
        evaluate_tables(yantai, connection, register="doubt_register", log="doubt_log", **options)
    # (A row that cannot change it is no error.)
    exact = [visit("IF01", "2024-05-01", "system"), visit("IF01", "2024-06-01")]
    register, log = _read(MAKERS, exact)
    assert qrules.evaluate_records(yantai, register, log, **options)


@pytest.mark.parametrize("columns", [["unit", "date"], ["unit", "date", "kind"]])
def test_the_csv_route_reads_a_row_without_a_kind_as_the_readers_do(
    tmp_path: Path, columns: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the command line, CSV files judged in DuckDB (`records.direct`) or read
    by the readers give the same unknown, and ``--strict`` exit 2."""
    from qrules.records import direct  # noqa: PLC0415

    from .conftest import run  # noqa: PLC0415

    visits = [visit("IF01", "2024-05-01", "system"), visit("IF02", "2024-05-01")]
    register = write(tmp_path / "register.csv", MAKERS, ["unit", "name", "category"])
    log = write(tmp_path / "log.csv", visits, columns)
    assert direct.read_files(str(register), str(log)) is not None  # the route is taken
    argv = ["check", "yantai-2023-2025", *records_options(register, log)]
    argv += [*log_year(2024), "--rule", INFANT]
    found = []
    for enabled in (True, False):
        monkeypatch.setattr(direct, "ENABLED", enabled)
        code, out, _ = run(*argv, "--format", "json")
        found.append((code, out))
        assert "with no kind could change this" in out
        code, _, err = run(*argv, "--strict")
        assert code == 2, err
        assert "with no kind" in err
    assert found[0] == found[1]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["system", "routine", None]), min_size=1, max_size=4), st.data())
def test_the_verdict_is_that_of_every_kind_the_rows_without_one_could_have(
    yantai: qrules.Rulebook, kinds: list[str | None], data: st.DataObject
) -> None:
    """Brute force on the reference engine: a verdict that is not unknown is the
    verdict for every assignment of kinds to the rows without one."""
    owners = data.draw(
        st.lists(st.sampled_from(["IF01", "IF02"]), min_size=len(kinds), max_size=len(kinds))
    )
    visits = [visit(u, "2024-05-01", k) for u, k in zip(owners, kinds, strict=True)]
    register, log = _read(MAKERS, visits)
    options = {"rules": [yantai[INFANT]], **YEAR_2024}
    [judged] = list(qrules.evaluate_records(yantai, register, log, **options))
    blanks = [i for i, k in enumerate(kinds) if k is None]
    every = set()
    for filled in itertools.product(["system", "routine", "special"], repeat=len(blanks)):
        assigned = [dict(v) for v in visits]
        for index, kind in zip(blanks, filled, strict=True):
            assigned[index]["kind"] = kind
        register, log = _read(MAKERS, assigned)
        [one] = list(qrules.evaluate_records(yantai, register, log, **options))
        every.add(one.verdict)
    if judged.verdict is not Verdict.UNKNOWN:
        assert every == {judged.verdict}
    else:
        assert len(every) > 1  # unknown only where the kinds could change it


def _two_makers(second_kind: str | None) -> duckdb.DuckDBPyConnection:
    """The reviewer's two makers in DuckDB tables, one system inspection of
    IF01 and one of IF02 of kind ``second_kind``, in 2024."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE register (unit VARCHAR, name VARCHAR, category VARCHAR, registered DATE)"
    )
    con.execute(
        "INSERT INTO register VALUES ('IF01', 'a', 'infant_formula_maker', '2020-01-01'),"
        " ('IF02', 'b', 'infant_formula_maker', '2020-01-01')"
    )
    con.execute(
        "CREATE TABLE inspections (inspection VARCHAR, unit VARCHAR, date DATE, kind VARCHAR)"
    )
    con.execute(
        "INSERT INTO inspections VALUES ('J1', 'IF01', '2024-03-01', 'system'),"
        " ('J2', 'IF02', '2024-04-01', ?)",
        [second_kind],
    )
    return con


@pytest.mark.parametrize(
    ("second_kind", "checked", "trusted"),
    [
        (None, Verdict.UNKNOWN, Verdict.UNKNOWN),
        # A marker is read as no kind by the key check as by the readers; with
        # the keys trusted, codes are trusted as a database enforcing them
        # would hold them (one of the set, or NULL), as a bogus code is.
        ("无", Verdict.UNKNOWN, Verdict.NOT_MET),
        ("", Verdict.UNKNOWN, Verdict.NOT_MET),
        ("bogus", Verdict.UNKNOWN, Verdict.NOT_MET),
        ("routine", Verdict.NOT_MET, Verdict.NOT_MET),
    ],
)
def test_rows_lacking_a_kind_in_place_checked_and_trusted(
    yantai: qrules.Rulebook,
    second_kind: str | None,
    checked: Verdict,
    trusted: Verdict,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """(With the keys trusted, on DuckDB, the collations, the plain counts and
    whether a log row lacks a kind are one round trip before the count: they
    were three.)"""

    fetched = spied(monkeypatch, "fetch")
    for check_keys, expected in ((True, checked), (False, trusted)):
        fetched.clear()
        evaluation = evaluate_tables(
            yantai,
            _two_makers(second_kind),
            rules=[yantai[INFANT]],
            check_keys=check_keys,
            log_from="2024-01-01",
            log_until="2024-12-31",
        )
        assert only(evaluation.results, 2024).verdict is expected, (second_kind, check_keys)
        if not check_keys:
            looks = [t for t in fetched if "qrules_" not in t]  # (the failing units' rows aside)
            assert len(looks) == 1, fetched
            assert "CURRENT_SETTING" in looks[0].upper()
            assert "log_kinds" in looks[0]


def _counting_probes(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """The times an evaluation asks (in a query of its own) whether any log
    row lacks a kind or result: `lacking`'s ``unset`` called without units."""
    asked: list[bool] = []
    made = _rejected.lacking

    def counting(*args: Any, **kwargs: Any) -> Any:
        unset = made(*args, **kwargs)

        def answered(units: Any, columns: Any) -> Any:
            if units is None:
                asked.append(True)
            return unset(units, columns)

        return answered

    monkeypatch.setattr(_rejected, "lacking", counting)
    return asked


@pytest.mark.parametrize(
    ("second_kind", "rejected_row", "checked", "trusted", "probes"),
    [
        # Clean tables: the key check's pass (checked) or the plain counts
        # (trusted) tell whether a row lacks a kind; no probe of its own.
        ("routine", False, Verdict.NOT_MET, Verdict.NOT_MET, [0, 0]),
        (None, False, Verdict.UNKNOWN, Verdict.UNKNOWN, [0, 0]),
        ("无", False, Verdict.UNKNOWN, Verdict.NOT_MET, [0, 0]),
        # A register row to reject: the log is not watched (its codes not tested
        # in the key check's pass): checked, the probe is asked, once.
        ("routine", True, Verdict.NOT_MET, Verdict.NOT_MET, [1, 0]),
        (None, True, Verdict.UNKNOWN, Verdict.UNKNOWN, [1, 0]),
        ("无", True, Verdict.UNKNOWN, Verdict.NOT_MET, [1, 0]),
    ],
)
def test_whether_any_row_lacks_a_kind_is_asked_at_most_once_an_evaluation(
    yantai: qrules.Rulebook,
    monkeypatch: pytest.MonkeyPatch,
    engine: tuple[str, Any],
    second_kind: str | None,
    rejected_row: bool,
    checked: Verdict,
    trusted: Verdict,
    probes: list[int],
) -> None:
    """Each result a rule filtering on kind gives asks whether a row lacks
    one: the answer is kept for the evaluation (it was asked for each), and
    told by a pass over the log made anyway when there is one (it was a query
    of its own: about 8 ms a million rows, checked, on DuckDB), with the same
    verdicts."""
    asked = _counting_probes(monkeypatch)
    name, connection = engine
    units = [
        {"unit": u, "name": u, "category": "infant_formula_maker", "registered": "2020-01-01"}
        for u in ("IF01", "IF02")
    ]
    if rejected_row:
        units.append({"unit": "IF09", "name": "x", "registered": "2020-01-01"})  # no category
    visits = [
        {"inspection": "J1", "unit": "IF01", "date": "2024-03-01", "kind": "system"},
        {"inspection": "J2", "unit": "IF02", "date": "2024-04-01", "kind": second_kind},
        *(
            {"inspection": f"K{y}", "unit": "IF01", "date": f"{y}-02-01", "kind": "routine"}
            for y in (2023, 2024)
        ),
    ]
    text = {"unit": "VARCHAR", "name": "VARCHAR", "category": "VARCHAR", "registered": "DATE"}
    place(connection, name, "lack_register", units, text)
    logged = {"inspection": "VARCHAR", "unit": "VARCHAR", "date": "DATE", "kind": "VARCHAR"}
    place(connection, name, "lack_log", visits, logged)
    for check_keys, expected, probed in ((True, checked, probes[0]), (False, trusted, probes[1])):
        asked.clear()
        evaluation = evaluate_tables(
            yantai,
            connection,
            register="lack_register",
            log="lack_log",
            rules=[yantai[INFANT]],
            check_keys=check_keys,
            log_from="2023-01-01",
            log_until="2024-12-31",
        )
        assert [r.verdict for r in evaluation.results] == [Verdict.NOT_MET, expected], check_keys
        assert len(asked) == probed, check_keys


def test_with_keys_trusted_only_a_null_kind_is_no_kind(yantai: qrules.Rulebook) -> None:
    """Asked whether any row lacks a kind, and which, alike: with the keys
    trusted, a marker beside a NULL is trusted as a code (a kind the rule
    does not count: IF03 fails whatever IF02's kind), where checked it is no
    kind."""
    con = _two_makers(None)
    con.execute("INSERT INTO register VALUES ('IF03', 'c', 'infant_formula_maker', '2020-01-01')")
    con.execute("INSERT INTO inspections VALUES ('J3', 'IF03', '2024-05-01', '无')")
    results = {
        check_keys: only(
            evaluate_tables(
                yantai,
                con,
                rules=[yantai[INFANT]],
                check_keys=check_keys,
                log_from="2024-01-01",
                log_until="2024-12-31",
            ).results,
            2024,
        )
        for check_keys in (True, False)
    }
    assert results[True].verdict is Verdict.UNKNOWN
    assert "2 log rows with no kind could change this (rows 2, 3)" in results[True].reason.en
    assert results[False].verdict is Verdict.NOT_MET
    assert results[False].reason.en.startswith("1 of 3 units meet it")


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Sİ", Verdict.UNKNOWN),  # LOWER: 'si' in the databases, 'si̇' in Python
        ("SI", Verdict.MET),  # a mapped code in capitals, as the readers read it
        ("YES", Verdict.MET),
        # Read yes, but not as stored: the readers read the row, and their
        # reading is used (session 19, mend19: it was unknown, where the
        # files say met).
        ("ｙｅｓ", Verdict.MET),
    ],
)
def test_a_flag_in_place_is_compared_as_the_readers_read_it(
    yantai: qrules.Rulebook, engine: tuple[str, Any], written: str, expected: Verdict
) -> None:
    """A flag cell is compared with its spellings as stored (`flag_spellings`),
    never through the database's ``LOWER``."""
    name, connection = engine
    units = [
        unit("CK1", "central_kitchen", internet_bright_kitchen=written),
        unit("CK2", "central_kitchen", internet_bright_kitchen="si"),
    ]
    place(connection, name, "doubt_register", units, REGISTER_TYPES)
    mapping = {"register": {"codes": {"internet_bright_kitchen": {"si": True}}}}
    evaluation = evaluate_tables(
        yantai,
        connection,
        register="doubt_register",
        log=None,
        mapping=mapping,
        rules=[yantai["central-kitchens-in-internet-bright-kitchen"]],
    )
    assert {r.verdict for r in evaluation.results} == {expected}, written


def _one_maker_in_place(
    yantai: qrules.Rulebook,
    engine: tuple[str, Any],
    visits: list[dict[str, Any]],
    types: dict[str, str],
    **options: Any,
) -> qrules.Evaluation:
    """The infant formula rule judged in place: IF01 the one unit, these visits."""
    name, connection = engine
    place(connection, name, "doubt_register", MAKERS[:1], REGISTER_TYPES)
    place(connection, name, "doubt_log", visits, types)
    return evaluate_tables(
        yantai,
        connection,
        register="doubt_register",
        log="doubt_log",
        rules=[yantai[INFANT]],
        **options,
    )


@pytest.mark.parametrize(
    ("inspection", "expected"),
    [
        ("J😀1", Verdict.MET),  # beyond the BMP, kept as it is: read as stored
        ("J\U000e0041", Verdict.UNKNOWN),  # a tag: not checked, the row rejected
    ],
)
def test_an_inspection_id_in_place_is_never_blamed_on_a_date_column_of_dates(
    yantai: qrules.Rulebook, engine: tuple[str, Any], inspection: str, expected: Verdict
) -> None:
    visits = [{**visit("IF01", "2024-05-01", "system"), "inspection": inspection}]
    types = {"inspection": "VARCHAR", "unit": "VARCHAR", "date": "DATE", "kind": "VARCHAR"}
    evaluation = _one_maker_in_place(yantai, engine, visits, types, **YEAR_2024)
    assert {r.verdict for r in evaluation.results} == {expected}
    problems = [p for t in evaluation.records for p in t.problems]
    assert not any("text date" in str(p) for p in problems), problems
    if expected is Verdict.UNKNOWN:
        assert "does not check" in str(problems[0]), problems
        assert "不核对" in problems[0].render("zh"), problems


def test_a_doubtful_date_is_after_today_everywhere_when_no_end_was_declared(
    yantai: qrules.Rulebook, tmp_path: Path, engine: tuple[str, Any]
) -> None:
    """Tables in place said "after the log's declared end <today>"."""
    visits = [visit("IF01", "2024-05-01", "system"), visit("IF01", "2052-03-01", "system")]
    for types in (LOG_TYPES, {**LOG_TYPES, "date": "DATE"}):
        evaluation = _one_maker_in_place(yantai, engine, visits, types, log_from="2024-01-01")
        [log] = [t for t in evaluation.records if t.kind == "log"]
        [problem] = log.problems
        assert "is after today" in problem.message, problem
        assert "晚于今天" in problem.render("zh"), problem
