"""Inspection ids told apart by their numbers, for DuckDB's map of bits.

An id such as ``JC20240001`` is its letters (``JC``) and a number (20240001).
Equal ids read to equal numbers, so ids of distinct numbers are distinct,
whatever ids the numbers are read from: a map of a bit for each number
(DuckDB's ``bitstring_agg``) then tells that no id repeats, without a hash
table of the ids. Where numbers repeat (``J1`` and ``J01``, or an id given
twice), or an id has no number where the map looks, the count is positive and
the ids are compared exactly.

One home for both DuckDB routes that look for repeated ids: CSV files read by
DuckDB (`qrules.records.direct`, bounds from a pass over the numbers) and
tables judged in place (`qrules.engines._holdings`, bounds from DuckDB's
statistics, `from_statistics`). Only where to look comes from those bounds,
never a verdict.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

__all__ = ["Numbers", "fits", "from_statistics", "letters", "number_sql", "repeats_sql"]

#: The characters an id's number follows: ``JC`` of ``JC20240001``, ``J-`` of ``J-7``.
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-"
#: Bits of a map of ids' numbers beyond eight a row, at most.
MOST_BITS = 1 << 16
#: The most digits of a number a BIGINT holds whatever they are.
MOST_DIGITS = 18


@attrs.frozen
class Numbers:
    """Where the numbers of a column's ids are looked for: each id's
    characters after its first ``skip`` read as a number (`number_sql`), from
    ``low`` to ``high``."""

    skip: int
    low: int
    high: int


def letters(text: str) -> int:
    """How many of `LETTERS` begin ``text``."""
    return len(text) - len(text.lstrip(LETTERS))


def fits(low: int, high: int, rows: int) -> bool:
    """Whether a map of the numbers ``low`` to ``high`` takes at most eight
    bits a row of ``rows`` (`MOST_BITS` more)."""
    return high - low < 8 * rows + MOST_BITS


def from_statistics(statistics: object, rows: int) -> Numbers | None:
    """Where the numbers of a text column's ids lie, by DuckDB's statistics
    of it (its ``stats()``): after the letters that the least and greatest
    values both begin with (so every value between them does), from 0 to the
    most digits the longest value leaves (``J0`` to ``J999999``: 0 to
    999,999), or, all values as long, from the least value's number to the
    greatest's (``JC20240001`` to ``JC20249999``); ``None`` when they do not
    say, or the map would not `fit`. A value whose number is not there is
    counted as a repeat (`repeats_sql`), and the ids are then compared
    exactly."""
    if not isinstance(statistics, Mapping):
        return None
    least, greatest = statistics.get("min"), statistics.get("max")
    shortest, longest = statistics.get("min_string_length"), statistics.get("max_string_length")
    if not (isinstance(least, str) and isinstance(greatest, str) and isinstance(longest, int)):
        return None
    skip = letters(least)
    if least[:skip] != greatest[:skip] or not 0 < longest - skip <= MOST_DIGITS:
        # (Letters the least and greatest values share begin every value: ids
        # numbered by prefix, ZF000123 beside FS000123, would repeat numbers.)
        return None
    low, high = 0, 10 ** (longest - skip) - 1
    tails = least[skip:], greatest[skip:]
    if shortest == longest == len(least) == len(greatest) and all(
        t.isascii() and t.isdigit() for t in tails
    ):
        low, high = int(tails[0]), int(tails[1])  # (as long: ordered as their numbers)
    if not fits(low, high, rows):
        return None
    return Numbers(skip, low, high)


def number_sql(column: str, skip: int) -> str:
    """DuckDB SQL: the number of each id of ``column`` (SQL) after its first
    ``skip`` characters; ``NULL`` where they are not a number."""
    return f"TRY_CAST(substr({column}, {skip + 1}) AS BIGINT)"


def repeats_sql(ids: str, number: str, low: int, high: int) -> str:
    """DuckDB SQL, an aggregate: how many more ids (``ids``, SQL) than
    distinct numbers between ``low`` and ``high`` among them (``number``,
    SQL: `number_sql`, or a column holding it); an id without one counts as a
    repeat. At least the ids' own repeats, so none when it is none."""
    kept = f"CASE WHEN {number} BETWEEN {int(low)} AND {int(high)} THEN {number} END"
    return f"count({ids}) - coalesce(bit_count(bitstring_agg({kept}, {int(low)}, {int(high)})), 0)"
