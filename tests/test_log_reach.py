"""The log's declared reach: a start after its end is an error, on every entry point.

``--log-from`` later than ``--log-until`` (``log_from`` after ``log_until``)
was accepted silently: every year was then outside the log's reach, or the
rows after the end were rejected as doubtful dates while the start said they
were inside it. It is now one line naming both dates, exit 2, in either
language, before anything is read or connected to.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import qrules
from qrules.records.plan import Coverage

from .conftest import RECORDS, records_options, run

INVERTED = {"log_from": "2024-07-01", "log_until": "2024-06-30"}
#: The same on the command line.
OPTIONS = ("--log-from", "2024-07-01", "--log-until", "2024-06-30")


def records(folder: Path) -> tuple[Path, Path]:
    register = folder / "register.csv"
    register.write_text("unit,category\nH1,health_food_maker\n", encoding="utf-8")
    log = folder / "log.csv"
    log.write_text("unit,date,kind\nH1,2024-03-01,system\n", encoding="utf-8")
    return register, log


@pytest.mark.parametrize("engine", ["reference", "duckdb"])
def test_evaluate_records_refuses_a_start_after_the_end(book: qrules.Rulebook, engine: str) -> None:
    register = qrules.read_register([{"unit": "H1", "category": "health_food_maker"}])
    log = qrules.read_log([{"unit": "H1", "date": "2024-03-01"}], register)
    with pytest.raises(qrules.QRulesError) as raised:
        qrules.evaluate_records(book, register, log, engine=engine, **INVERTED)
    assert isinstance(raised.value, ValueError)
    assert str(raised.value) == (
        "log_from 2024-07-01 is after log_until 2024-06-30: the log cannot begin after it "
        "ends (give the first and the last day it covers)"
    )


def test_dates_given_as_dates_are_refused_alike(book: qrules.Rulebook) -> None:
    register = qrules.read_register([{"unit": "H1", "category": "health_food_maker"}])
    with pytest.raises(qrules.QRulesError, match="log_from 2025-01-01 is after log_until"):
        qrules.evaluate_records(
            book, register, None, log_from=dt.date(2025, 1, 1), log_until=dt.date(2024, 12, 31)
        )


def test_one_day_is_a_reach(book: qrules.Rulebook) -> None:
    register = qrules.read_register([{"unit": "H1", "category": "health_food_maker"}])
    log = qrules.read_log([{"unit": "H1", "date": "2024-03-01"}], register)
    evaluation = qrules.evaluate_records(
        book, register, log, log_from="2024-03-01", log_until="2024-03-01"
    )
    assert list(evaluation)


def test_evaluate_tables_refuses_it_before_reading_a_table(book: qrules.Rulebook) -> None:
    duckdb = pytest.importorskip("duckdb")
    connection = duckdb.connect()  # no tables at all: the dates are refused first
    with pytest.raises(qrules.QRulesError, match="log_from 2024-07-01 is after log_until"):
        qrules.evaluate_tables(book, connection, **INVERTED)


def test_evaluate_tables_on_postgres(book: qrules.Rulebook, postgres_url: str) -> None:
    with pytest.raises(qrules.QRulesError, match="log_from 2024-07-01 is after log_until"):
        qrules.evaluate_tables(book, postgres_url, register="no_such_table", **INVERTED)


def test_coverage_of_refuses_it() -> None:
    with pytest.raises(qrules.QRulesError, match="log_from 2024-07-01 is after"):
        Coverage.of([], log_from=dt.date(2024, 7, 1), log_until=dt.date(2024, 6, 30))


@pytest.mark.parametrize(
    ("extra", "lang", "expected"),
    [
        (
            (),
            "en",
            "qrules: --log-from 2024-07-01 is after --log-until 2024-06-30: the log cannot "
            "begin after it ends (give the first and the last day it covers)\n",
        ),
        (
            ("--lang", "zh"),
            "zh",
            "--log-from 2024-07-01 晚于 --log-until 2024-06-30",
        ),
    ],
)
def test_the_command_line_says_both_dates(
    tmp_path: Path, extra: tuple[str, ...], lang: str, expected: str
) -> None:
    register, log = records(tmp_path)
    code, out, err = run("check", str(RECORDS), *records_options(register, log), *OPTIONS, *extra)
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1
    assert (err == expected) if lang == "en" else (expected in err)


def test_the_command_line_refuses_it_on_a_database(tmp_path: Path) -> None:
    database = f"duckdb:///{tmp_path / 'absent.db'}"
    code, out, err = run("check", str(RECORDS), "--database", database, *OPTIONS)
    assert (code, out) == (2, "")
    assert "--log-from 2024-07-01 is after --log-until 2024-06-30" in err
