"""Records ready to count, on any engine: the log without its doubtful dates
(rows dated after its end), the rejected rows as `Doubts` (the bounds of every
count), and the dates declared for the log's reach.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable

import attrs

from .._cells import missing
from .._errors import DataError, Problem, QRulesError
from .._messages import Text, say
from .doubts import (
    Doubts,
    RejectedInspection,
    RejectedUnit,
    Repeated,
    Repeats,
    Unset,
    Vacant,
    doubtful_dates,
    repeated_rows,
    unset_rows,
    vacant_units,
)
from .plan import declared_date, refuse_inverted_reach
from .read import Inspection, InspectionLog, Register, unit_rejected

__all__ = [
    "Prepared",
    "as_date",
    "declared_reach",
    "log_end",
    "prepared",
    "start_note",
    "vacant_of",
    "without_doubtful_dates",
    "without_doubtful_registrations",
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

    1. A register row registered after today (``today``: the day it is) is
       rejected as a doubtful date: a unit of unknown membership
       (`without_doubtful_registrations`).
    2. A log row dated after the log's end (``log_until``) or after today, the
       earlier of the two (`log_end`), is rejected as a doubtful date: it is
       not counted, does not extend the log's reach, and may be an inspection
       of any year.
    3. A log row dated before the log's declared start (``log_from``) is
       counted where it falls, in a year the log does not cover whole (whose
       results are unknown), and said in a note (`start_note`).
    4. ``strict``: any rejected row is a `DataError`.
    5. The rejected rows become `Doubts`, the bounds of every count.
    """
    until, start = declared_reach(log_until, log_from)
    day = today or dt.date.today()
    register = without_doubtful_registrations(register, day)
    if log is not None:
        log = without_doubtful_dates(log, *log_end(until, day))
        reach = log.date_range()
        if (note := start_note(reach[0] if reach else None, start)) is not None:
            log = attrs.evolve(log, notes=(*log.notes, note))
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
        repeats=None if log is None else _repeats_of(register, log),
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


def _repeats_of(register: Register, log: InspectionLog) -> Repeats:
    """The log's units whose rows without an inspection id repeat (rows kept
    as columns, or in DuckDB, are found where they are: `repeated`)."""

    def repeats(*, stated: bool | None = None) -> Repeated:
        # (``stated``: a database's answer; these rows are read, and looked at.)
        own = getattr(log.inspections, "repeated", None)
        rows = repeated_rows(own() if own is not None else log.inspections)
        if not rows:
            return Repeated(log.name)  # (the register not indexed: rows in DuckDB stay there)
        index = register.index
        held = [index[u] for u in rows if u in index]
        units = {u.unit: u for u in vacant_units(register.name, held) if u.unit is not None}
        return Repeated(log.name, rows, units)

    return repeats


def start_note(first: dt.date | None, start: dt.date | None) -> Text | None:
    """The note of where a log whose first counted row is dated ``first``
    starts, on every engine: with no declared start (``start``), that it is
    taken to begin on its first date; with one, a log holding rows dated
    before it, not counted silently. They are inspections all the same (a
    year they fall in is not covered whole, so its results are unknown, and
    they count only towards what such a result says so far). ``None`` when
    there is nothing to say (no row, or none before the start)."""
    if first is None:
        return None
    if start is None:
        return say("log.taken_to_begin", first=str(first))
    if first >= start:
        return None
    return say("prepare.before_start", start=str(start), first=str(first))


def log_end(until: dt.date | None, today: dt.date | None = None) -> tuple[dt.date, bool]:
    """The last day a log row may be dated: the log's declared end (``until``)
    or today, whichever is earlier (a day after today has not come, whatever
    end is declared); and whether it is the declared end (the reasons say
    which it is)."""
    day = today or dt.date.today()
    if until is not None and until <= day:
        return until, True
    return day, False


def without_doubtful_registrations(register: Register, today: dt.date) -> Register:
    """The register without its units registered after ``today``: each rejected
    as a doubtful date (2052 typed for 2022: the unit may have been registered
    in any year), a unit of unknown membership, as a rejected row whose
    registration date could not be read. (A closing date after today is read
    as it stands: the unit is open today, in every year judged so far, a
    closure scheduled or not; ``docs/records.md``.)"""
    own = getattr(register.units, "date_range", None)
    if own is not None:
        reach = own("registered")
        if reach is None or reach[1] <= today:
            return register  # the common case: the columns' statistics, nothing built
    late = [u for u in register.units if u.registered is not None and u.registered > today]
    if not late:
        return register
    column = register.columns.get("registered", "registered")
    problems = tuple(
        Problem(
            register.name,
            say("prepare.doubtful_registered", date=str(u.registered), today=str(today)),
            where=say("where.row_column", row=u.row, column=column),
        )
        for u in late
    )
    doubtful = tuple(unit_rejected(register.name, u, frozenset({"registered"})) for u in late)
    rows = {u.row for u in late}
    return attrs.evolve(
        register,
        rows=tuple(u for u in register.units if u.row not in rows),
        rows_rejected=register.rows_rejected + len(late),
        problems=register.problems + problems,
        rejected=register.rejected + doubtful,
    )


def without_doubtful_dates(log: InspectionLog, until: dt.date, declared: bool) -> InspectionLog:
    """The log without its rows dated after ``until``: each rejected as a
    doubtful date (an inspection of its unit in any year), with a note. A row
    rejected already (one without a unit id, `ANY_UNIT`) dated so is of any
    year too."""
    log = _redated(log, until)
    reach = log.date_range()
    if reach is None or reach[1] <= until:
        return log  # the common case: one pass, nothing built
    late, note = doubtful_dates(((i.unit, i.row, i.date) for i in log.inspections), until, declared)
    if not late:
        return log
    rows = set(late)
    what = say("doubts.declared_end" if declared else "doubts.today")
    column = log.columns.get("date", "date")
    problems = tuple(
        Problem(
            log.name,
            say("prepare.doubtful_date", date=str(i.date), what=what, until=str(until)),
            where=say("where.row_column", row=i.row, column=column),
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


def _redated(log: InspectionLog, until: dt.date) -> InspectionLog:
    """The log with its rejected rows dated after ``until`` of no date (any
    year): a doubtful date, as a counted row's."""
    if not any(i.date is not None and i.date > until for i in log.rejected):
        return log
    rejected = tuple(
        attrs.evolve(i, date=None) if i.date is not None and i.date > until else i
        for i in log.rejected
    )
    return attrs.evolve(log, rejected=rejected)


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
    """A declared date (``log_until``, ``log_from``), given as a date or text.
    A date-time (a pandas ``Timestamp``: ``df.date.max()``) is its day in its
    own time zone, as a log's date-time cell is read; it was compared with
    days, and raised ``TypeError``. Anything else is read as its text (a
    numpy ``datetime64``'s ``2024-12-31``): ``NaT``, or a number that is not
    written as a day (an Excel serial), is a `ValueError` saying what to
    write."""
    if value is None:
        return value
    if isinstance(value, dt.date) and not missing(value):
        return value.date() if isinstance(value, dt.datetime) else value
    try:
        return declared_date(str(value))
    except ValueError as error:
        # (In both languages: `declared_date` says what to write.)
        said = getattr(error, "said", None) or Text(str(error), str(error))
        raise _DeclaredReachError(say("plan.declared_date", name=name, problem=said)) from None


class _DeclaredReachError(QRulesError, ValueError):
    """A declared end or start of the log (``log_until``, ``log_from``) that is
    no date, in both languages."""
