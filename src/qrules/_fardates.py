"""Dates a database or an Arrow column holds that Python's `datetime` cannot.

PostgreSQL keeps dates from 4713 BC to the year 5874897 and the words
``infinity`` and ``-infinity``; DuckDB, dates of some 290,000 years either way
and its own infinities; an Arrow or Parquet ``date32`` column, millions of
years. Python's `datetime.date` holds the years 1 to 9999. Left to the
drivers, psycopg refuses such a value as it fetches its row ("date too large
(after year 10K): 'infinity'", which stopped the run), DuckDB's Python client
gives it as text (``'0044-03-15 (BC)'``, ``'10000-01-01'``; its infinities as
9999-12-31 and 0001-01-01), and pyarrow raises `OverflowError`.

Here each one is a `FarDate`, its text as the database writes it, which the
readers reject as they reject any date outside the years they read
(`qrules.records.read.parse_date`: "'0044-03-15 BC' is not in the years
qrules reads (1900 to 2200)"): its row is rejected and named, the results it
could change unknown, never the run stopped. The SQL engines reject such a
row in SQL already (`engines._builders.out_of_years`: it is before 1900 or
after 2200 in every database's order); its values are fetched to name it.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

__all__ = ["FarDate", "held", "held_rows", "held_text", "python_list"]


@attrs.frozen
class FarDate:
    """A date (or a timestamp) that Python cannot hold, as its source writes
    it: ``infinity``, ``0044-03-15 BC``, ``10000-01-01``."""

    text: str

    def __str__(self) -> str:
        return self.text


#: PostgreSQL's type OIDs whose text psycopg reads to a `datetime` value:
#: date, timestamp, timestamptz (to a `FarDate` when it cannot); time, timetz
#: and interval (``24:00:00``; an interval of more than 999,999,999 days: to
#: their text).
_DATES = (1082, 1114, 1184)
_OTHER_TIMES = (1083, 1266, 1186)


def held(cursor: Any) -> Any:
    """``cursor``, a psycopg 3 cursor reading a date or a time that Python
    cannot hold as a `FarDate` (or its text) rather than refusing its row; any
    other cursor as it is. The loaders are the cursor's own: the connection
    (perhaps a caller's) is left as it was."""
    adapters = getattr(cursor, "adapters", None)
    if adapters is None or not type(cursor).__module__.startswith("psycopg"):
        return cursor
    from psycopg.pq import Format  # noqa: PLC0415 (a psycopg cursor: psycopg is installed)

    for oid in (*_DATES, *_OTHER_TIMES):
        base = adapters.get_loader(oid, Format.TEXT)
        if base is not None:
            adapters.register_loader(oid, _lenient(base, oid in _DATES))
    return cursor


@functools.cache
def _lenient(base: type, dated: bool) -> type:
    """A psycopg loader reading as ``base`` does, a value it refuses (psycopg's
    `DataError`) to a `FarDate` of its text (``dated``) or to its text."""
    import psycopg  # noqa: PLC0415 (see `held`)
    from psycopg.adapt import Loader  # noqa: PLC0415

    class Lenient(Loader):
        def __init__(self, oid: int, context: Any = None) -> None:
            super().__init__(oid, context)
            self._base = base(oid, context)

        def load(self, data: Any) -> Any:
            try:
                return self._base.load(data)
            except psycopg.DataError:
                text = bytes(data).decode("utf-8", "replace")
                return FarDate(text) if dated else text

    return Lenient


#: DuckDB's types of dates and timestamps, as its cursor's description names them.
_DUCKDB_DATES = frozenset(
    {
        "DATE",
        "TIMESTAMP",
        "TIMESTAMP_S",
        "TIMESTAMP_MS",
        "TIMESTAMP_NS",
        "TIMESTAMP WITH TIME ZONE",
        "TIMESTAMPTZ",
    }
)


def held_rows(
    rows: Iterable[Sequence[Any]], description: Sequence[Sequence[Any]] | None
) -> Iterable[Sequence[Any]]:
    """DuckDB's rows (of a cursor's ``description``), a date column's text (a
    date Python cannot hold: ``'0044-03-15 (BC)'``) as a `FarDate`; the rows
    themselves when no column is of a date type."""
    dated = [
        i for i, column in enumerate(description or ()) if str(column[1]).upper() in _DUCKDB_DATES
    ]
    if not dated:
        return rows
    return (_held_row(row, dated) for row in rows)


def _held_row(row: Sequence[Any], dated: Sequence[int]) -> Sequence[Any]:
    if not any(isinstance(row[i], str) for i in dated):
        return row
    cells = list(row)
    for i in dated:
        if isinstance(cells[i], str):
            cells[i] = FarDate(cells[i])
    return tuple(cells)


def held_text(text: str | None) -> Any:
    """A date or timestamp a database wrote as text (Spark's ``CAST(… AS
    STRING)``): its `datetime.date` or `datetime.datetime`, or a `FarDate`
    when Python cannot hold it (``+10000-01-01``); ``None`` for ``None``."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else dt.datetime.fromisoformat(text)
    except ValueError:
        return FarDate(text)


def python_list(values: Any) -> list[Any]:
    """An Arrow array's (or chunked array's) values as Python's (`to_pylist`),
    a date or timestamp that Python cannot hold as a `FarDate`: ``infinity``
    or ``-infinity`` for the largest and smallest value of its type (DuckDB's
    infinities), else Arrow's text of it (``10183-09-21``)."""
    try:
        return list(values.to_pylist())
    except (OverflowError, ValueError):
        if not _arrow().types.is_temporal(values.type):
            raise
    return [_python_value(v) for v in values]


def _arrow() -> Any:
    """pyarrow (an Arrow array is at hand: it is installed)."""
    return importlib.import_module("pyarrow")


def _python_value(scalar: Any) -> Any:
    try:
        return scalar.as_py()
    except (OverflowError, ValueError):
        pa = _arrow()
    stored = scalar.cast(pa.int32() if scalar.type == pa.date32() else pa.int64()).as_py()
    largest = (1 << 31) - 1 if scalar.type == pa.date32() else (1 << 63) - 1
    if stored == largest:
        return FarDate("infinity")
    if stored in (-largest, -largest - 1):
        return FarDate("-infinity")
    return FarDate(str(scalar.cast(pa.string()).as_py()))
