"""Session 14, the lead's: one map of numbers for both DuckDB routes."""

from __future__ import annotations

import duckdb
import pytest

from qrules._idnumbers import Numbers, from_statistics, letters, number_sql, repeats_sql


def _repeats(ids: list[str | None], numbers: Numbers) -> int:
    connection = duckdb.connect()
    connection.execute("CREATE TABLE t (i VARCHAR)")
    connection.executemany("INSERT INTO t VALUES (?)", [(i,) for i in ids])
    text = repeats_sql("i", number_sql("i", numbers.skip), numbers.low, numbers.high)
    return int(connection.execute(f"SELECT {text} FROM t").fetchall()[0][0])


@pytest.mark.parametrize(
    ("ids", "counted"),
    [
        (["J1", "J2", "J3"], 0),  # distinct numbers: no repeat, no hash table
        (["J1", "J01"], 1),  # a number twice: the ids are then compared exactly
        (["J1", "J1"], 1),  # a real repeat is never missed
        (["J1", "NA"], 1),  # no number: counted as a repeat
        (["J1", "J99999"], 1),  # out of where the map looks: counted as a repeat
        (["J1", None], 0),  # no id is no repeat
    ],
)
def test_the_map_counts_at_least_the_repeats(ids: list[str | None], counted: int) -> None:
    assert _repeats(ids, Numbers(skip=1, low=0, high=999)) == counted


def test_hyphen_and_underscore_are_letters_before_the_number() -> None:
    """``J-000001``: the number follows ``J-`` (before, ``-000001`` read as a
    negative number, out of the map, and every log of such ids was sent to the
    exact count); both routes read the letters alike."""
    assert letters("J-000001") == 2
    assert letters("ZF_12") == 3
    assert letters("123") == 0
    statistics = {
        "min": "J-000001",
        "max": "J-999999",
        "min_string_length": 8,
        "max_string_length": 8,
    }
    assert from_statistics(statistics, 1_000_000) == Numbers(skip=2, low=1, high=999_999)
    ids = [f"J-{n:06d}" for n in range(1, 50)]
    assert _repeats(ids, Numbers(skip=2, low=1, high=999_999)) == 0
