"""Records ready to count, on any engine: the log without its doubtful dates
(rows dated after its end), the rejected rows as `Doubts` (the bounds of every
count), and the dates declared for the log's reach.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable

import attrs

from .._errors import DataError, Problem
from .._messages import Text, say
from .doubts import (
    Doubts,
    RejectedInspection,
    RejectedUnit,
    Unset,
    Vacant,
    doubtful_dates,
    unset_rows,
    vacant_units,
)
from .plan import refuse_inverted_reach
from .read import Inspection, InspectionLog, Register, parse_date

__all__ = [
    "Prepared",
    "as_date",
    "declared_reach",
    "prepared",
    "vacant_of",
    "without_doubtful_dates",
]


@attrs.frozen
class Prepared:
    """Records ready to count, on any engine: the log without its doubtful
    dates, the rows every engine bounds the counts with, and the dates the
    log's coverage is computed from."""

    register: Register
    log: InspectionLog | None
    doubts: Doubts
    log_until: dt.date | None
    log_from: dt.date | None


def prepared(
    register: Register,
    log: InspectionLog | None,
    *,
    log_until: dt.date | str | None = None,
    log_from: dt.date | str | None = None,
    strict: bool = False,
    today: dt.date | None = None,
) -> Prepared:
    """The records as every engine counts them.

    1. A log row dated after the log's end (``log_until``, or today when none
       is declared) is rejected as a doubtful date: it is not counted, does not
       extend the log's reach, and may be an inspection of any year.
    2. ``strict``: any rejected row is a `DataError`.
    3. The rejected rows become `Doubts`, the bounds of every count.
    """
    until, start = declared_reach(log_until, log_from)
    if log is not None:
        log = without_doubtful_dates(log, until or today or dt.date.today(), until is not None)
        if start is None and (reach := log.date_range()) is not None:
            first = reach[0]
            log = attrs.evolve(log, notes=(*log.notes, say("log.taken_to_begin", first=str(first))))
    if strict:
        problems = [p for table in (register, log) if table is not None for p in table.problems]
        if problems:
            raise DataError(problems[0].file, problems)
    doubts = Doubts.of(
        register.rejected,
        log.rejected if log is not None else (),
        None if log is None else _unset_of(log),
        strict,
        vacant=vacant_of(register),
        absent=register.absent,
    )
    return Prepared(register, log, doubts, until, start)


def vacant_of(register: Register) -> Vacant:
    """The register's counted units with no value in one of some columns (rows
    kept as columns are filtered where they are)."""
    rows = register.units

    def vacant(columns: frozenset[str], categories: frozenset[str] | None) -> list[RejectedUnit]:
        own = getattr(rows, "vacant", None)  # (rows kept as columns, or in DuckDB)
        found = own(columns) if own is not None else rows
        return vacant_units(
            register.name,
            (
                u
                for u in found
                if (categories is None or u.category in categories)
                and any(getattr(u, c) is None for c in columns)
            ),
        )

    return vacant


def _unset_of(log: InspectionLog) -> Unset:
    """The log's counted rows of some units that lack one of some columns (rows
    kept as columns, or in DuckDB, are filtered where they are: `lacking`)."""
    rows = log.inspections

    def unset(units: frozenset[str] | None, columns: frozenset[str]) -> list[RejectedInspection]:
        own = getattr(rows, "lacking", None)
        if own is not None:
            return unset_rows(log.name, own(units, columns))
        found: Iterable[Inspection] = (
            i
            for i in rows
            if (units is None or i.unit in units) and any(getattr(i, c) is None for c in columns)
        )
        if units is None:
            found = itertools.islice(found, 1)
        return unset_rows(log.name, found)

    return unset


def without_doubtful_dates(log: InspectionLog, until: dt.date, declared: bool) -> InspectionLog:
    """The log without its rows dated after ``until``: each rejected as a
    doubtful date (an inspection of its unit in any year), with a note."""
    reach = log.date_range()
    if reach is None or reach[1] <= until:
        return log  # the common case: one pass, nothing built
    late, note = doubtful_dates(((i.unit, i.row, i.date) for i in log.inspections), until, declared)
    if not late:
        return log
    rows = set(late)
    what = say("doubts.declared_end" if declared else "doubts.today")
    problems = tuple(
        Problem(
            log.name,
            say("prepare.doubtful_date", date=str(i.date), what=what, until=str(until)),
            where=say("where.row", row=i.row),
            key="date",
        )
        for i in log.inspections
        if i.row in rows
    )
    doubtful = tuple(
        RejectedInspection(log.name, i.row, i.unit, None, i.kind, i.result)
        for i in log.inspections
        if i.row in rows
    )
    assert note is not None
    kept = tuple(i for i in log.inspections if i.row not in rows)
    return attrs.evolve(
        log,
        rows=kept,
        rows_rejected=log.rows_rejected + len(late),
        problems=log.problems + problems,
        notes=(*_reach_noted(log.notes, reach, kept), note),
        rejected=log.rejected + doubtful,
    )


def _reach_noted(
    notes: tuple[Text, ...], reach: tuple[dt.date, dt.date], kept: tuple[Inspection, ...]
) -> tuple[Text, ...]:
    """The log's notes with the dates it runs over (``reach``, as read) said of
    the rows kept: a doubtful date does not extend the log's reach, nor the
    note of it (none when no row is kept)."""
    read = say("records.inspections_from", low=str(reach[0]), high=str(reach[1]))
    dates = [i.date for i in kept]
    shown = (
        (say("records.inspections_from", low=str(min(dates)), high=str(max(dates))),)
        if dates
        else ()
    )
    return tuple(n for note in notes for n in (shown if note == read else (note,)))


def declared_reach(
    log_until: dt.date | str | None, log_from: dt.date | str | None
) -> tuple[dt.date | None, dt.date | None]:
    """The declared end and start of the log (``log_until``, ``log_from``), read
    as dates; a start after the end is an error naming both."""
    until, start = as_date(log_until, "log_until"), as_date(log_from, "log_from")
    refuse_inverted_reach(start, until)
    return until, start


def as_date(value: dt.date | str | None, name: str = "log_until") -> dt.date | None:
    """A declared date (``log_until``, ``log_from``), given as a date or text."""
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return parse_date(value)
    except ValueError as error:
        raise ValueError(f"{name}: {error}") from None
