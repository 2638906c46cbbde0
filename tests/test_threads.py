"""Rulebooks, registers and logs shared between threads (docs/security.md#threads).

What they work out lazily (a log's index by unit, a register's index by id, a
rule's compiled predicates and the rule as it stood on a date) is built whole
by one thread and only then published. Before, a second thread could find half
an index: a unit of the register reported missing, or "dictionary changed size
during iteration" from `evaluate_records` on a 300k-row log.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import qrules
from qrules import InspectionLog, Register
from qrules.records.read import Inspection, UnitRecord

from .conftest import MINI, RECORDS, ROOT

THREADS = 8
ROWS = 300_000
UNITS = 100_000
_START = dt.date(2023, 1, 1)
_CATEGORIES = ("health_food_maker", "catering", "central_kitchen", "tableware_disinfection")


def _units(count: int) -> tuple[UnitRecord, ...]:
    return tuple(
        UnitRecord(
            f"U{i}",
            f"unit {i}",
            _CATEGORIES[i % 4],
            district="a",
            risk_level="high",
            registered=dt.date(2020, 1, 1),
            row=i + 2,
        )
        for i in range(count)
    )


def _inspections(count: int, units: int) -> tuple[Inspection, ...]:
    return tuple(
        Inspection(
            f"U{i % units}",
            _START + dt.timedelta(days=i % 1000),
            "routine",
            "compliant",
            f"I{i}",
            i + 2,
        )
        for i in range(count)
    )


def _hammer(work: Callable[[], Any]) -> list[Any]:
    """``work()`` in 8 threads at once: what each returned; an exception fails."""
    results: list[Any] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def run() -> None:
        barrier.wait()
        try:
            results.append(work())
        except BaseException as error:  # reported in the main thread
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[0]
    return results


def test_a_log_and_a_register_are_indexed_whole_for_every_thread() -> None:
    rows, units = _inspections(ROWS, UNITS), _units(ROWS)
    for _ in range(3):
        log = InspectionLog(name="log", rows=rows, rows_read=ROWS)
        register = Register(name="register", rows=units, rows_read=ROWS)

        def work(log: InspectionLog = log, register: Register = register) -> bool:
            # Each thread asks many times: one of them finds the index being built.
            for _ in range(1_000):
                assert len(log.by_unit()) == UNITS
                assert f"U{ROWS - 1}" in register
                assert len(register.index) == ROWS
            return sum(len(found) for found in log.by_unit().values()) == ROWS

        assert _hammer(work) == [True] * THREADS


def test_records_are_judged_alike_from_8_threads() -> None:
    book = qrules.load(RECORDS)
    units = _units(UNITS // 10)
    rows = _inspections(ROWS // 10, UNITS // 10)
    expected = qrules.evaluate_records(
        book,
        Register(name="r", rows=units, rows_read=len(units)),
        InspectionLog(name="l", rows=rows, rows_read=len(rows)),
    )
    for _ in range(3):
        register = Register(name="r", rows=units, rows_read=len(units))
        log = InspectionLog(name="l", rows=rows, rows_read=len(rows))
        fresh = qrules.load(RECORDS)  # its rules' caches empty

        def work(
            register: Register = register, log: InspectionLog = log, fresh: qrules.Rulebook = fresh
        ) -> list[tuple[str, int, str]]:
            evaluation = qrules.evaluate_records(fresh, register, log)
            return [(r.rule.id, r.year, r.verdict.value) for r in evaluation.results]

        found = _hammer(work)
        assert all(f == found[0] for f in found)
        assert found[0] == [(r.rule.id, r.year, r.verdict.value) for r in expected.results]


def test_a_rulebook_is_judged_alike_from_8_threads() -> None:
    sample = ROOT / "rules" / "yantai-2023-2025" / "samples" / "synthetic-2023-2025.csv"
    for source in (MINI, ROOT / "rules" / "yantai-2023-2025"):
        rulebook = qrules.load(source)  # fresh: nothing compiled yet
        data = qrules.read_dataset(
            sample if source != MINI else next((MINI / "samples").glob("*.csv")), rulebook
        )
        dates = [dt.date(year, 6, 30) for year in rulebook.period.years]

        def work(
            rulebook: qrules.Rulebook = rulebook, data: Any = data, dates: list[dt.date] = dates
        ) -> tuple[Any, ...]:
            stood = tuple(id(rule.at(day)) for rule in rulebook for day in dates)
            evaluation = rulebook.evaluate(data)
            return stood, tuple((r.rule.id, r.year, r.verdict) for r in evaluation.results)

        found = _hammer(work)
        # Every thread got the same verdicts, and the same rule as it stood on a date.
        assert all(f == found[0] for f in found)
