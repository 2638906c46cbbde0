"""A result's failing units, fetched as Arrow columns by DuckDB, are made into
`FailingUnit` tuples when first read (`FailingUnitsLater`), not as the result
is judged: the same units as made at once, on every engine, read from another
thread or after the connection closed, compared and copied as a tuple is."""

from __future__ import annotations

import copy
import pickle
import threading
from pathlib import Path

import attrs
import pytest

import qrules
from qrules._results import FailingUnitsLater
from qrules.engines import evaluate_tables

duckdb = pytest.importorskip("duckdb")
pytest.importorskip("pyarrow")  # (DuckDB's rows fetched as Arrow columns)

RULE = "health-food-makers-system-inspected-yearly"


def _tables(connection: object) -> None:
    run = connection.execute  # type: ignore[attr-defined]
    run(
        "CREATE TABLE register AS SELECT 'H' || lpad(i::TEXT, 3, '0') AS unit, "
        "'保健食品' || i AS name, CASE WHEN i % 2 = 0 THEN '芝罘区' ELSE '福山区' END AS district, "
        "'health_food_maker' AS category FROM range(1, 41) t(i)"
    )
    # Units 1-4 get a system inspection each year: 4 of 40, fewer than 20%.
    run(
        "CREATE TABLE log AS SELECT 'I' || i || '-' || y AS inspection, "
        "'H' || lpad(i::TEXT, 3, '0') AS unit, make_date(y, 6, 1) AS date, "
        "'system' AS kind, 'compliant' AS result "
        "FROM range(1, 5) t(i), (VALUES (2023), (2024), (2025)) y(y) "
        "UNION ALL SELECT 'J' || y, 'H040', make_date(y, 12, 31), 'routine', 'compliant' "
        "FROM (VALUES (2023), (2024), (2025)) y(y)"
    )


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "records.duckdb"
    with duckdb.connect(str(path)) as connection:
        _tables(connection)
    return path


def test_failing_units_are_made_when_first_read_and_are_those_made_at_once(
    database: Path,
) -> None:
    book = qrules.load("yantai-2023-2025")
    with duckdb.connect(str(database)) as connection:
        later = evaluate_tables(
            book, connection, register="register", log="log", rules=[RULE], by_district=True
        )
    not_met = [r for r in later if r.verdict is qrules.Verdict.NOT_MET]
    assert not_met
    assert all(isinstance(r._failing, FailingUnitsLater) for r in not_met)
    # Read after the connection closed: made of what was fetched, no query.
    made = [r.failing_units for r in not_met]
    assert all(isinstance(units, tuple) for units in made)
    assert any(made)
    assert all(u.unit >= "H005" for units in made for u in units)
    assert all(r.failing_units is units for r, units in zip(not_met, made, strict=True))
    # The districts' results hold their own district's units only.
    for result in not_met:
        if result.district is not None:
            assert {u.district for u in result.failing_units} == {result.district}
    # A result made later equals one whose units are made (compared as tuples;
    # every engine's agreement is tests/test_engines.py's).
    with duckdb.connect(str(database)) as connection:
        again = evaluate_tables(
            book, connection, register="register", log="log", rules=[RULE], by_district=True
        )
    unread = [r for r in again if r.verdict is qrules.Verdict.NOT_MET]
    assert all(isinstance(r._failing, FailingUnitsLater) for r in unread)
    assert list(again) == list(later)  # (their units made to be compared)
    assert [r.failing_units for r in again] == [r.failing_units for r in later]
    copied = attrs.evolve(not_met[0], verdict=qrules.Verdict.NOT_MET)
    assert copied == not_met[0]
    assert copied.failing_units == not_met[0].failing_units


def test_failing_units_made_later_are_made_once_whichever_thread_reads(database: Path) -> None:
    book = qrules.load("yantai-2023-2025")
    with duckdb.connect(str(database)) as connection:
        evaluation = evaluate_tables(book, connection, register="register", log="log", rules=[RULE])
    result = next(r for r in evaluation if r.verdict is qrules.Verdict.NOT_MET)
    seen: list[object] = []
    barrier = threading.Barrier(8)

    def read() -> None:
        barrier.wait()
        seen.append(result.failing_units)

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 8
    assert all(units is seen[0] for units in seen)
    assert len(seen[0]) == 36  # type: ignore[arg-type]


def test_a_result_with_units_made_later_copies_and_pickles_as_before(database: Path) -> None:
    """Copied or pickled (a process pool's result), a result's units made later
    are its units, a tuple (the review of session 22: the lock they are made
    under cannot be pickled); units given as a list are kept as given."""
    book = qrules.load("yantai-2023-2025")
    with duckdb.connect(str(database)) as connection:
        evaluation = evaluate_tables(book, connection, register="register", log="log", rules=[RULE])
    result = next(r for r in evaluation if r.verdict is qrules.Verdict.NOT_MET)
    assert isinstance(result._failing, FailingUnitsLater)
    for copied in (copy.deepcopy(result), pickle.loads(pickle.dumps(result))):
        assert copied == result
        assert isinstance(copied._failing, tuple)
        assert copied.failing_units == result.failing_units
    assert pickle.loads(pickle.dumps(evaluation)).results == evaluation.results
    listed = [qrules.FailingUnit("U1", "一", None, qrules.Text("", ""))]
    assert attrs.evolve(result, failing_units=listed).failing_units == listed
