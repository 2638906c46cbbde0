"""The reference engine for records: counting units exactly, in pure Python.

For each `RecordQuery` (one rule in one year, from `record_queries`) the engine
takes the register's units in the rule's population that year, decides for
each whether it meets the rule (enough inspections in the year, or its flag
set), and hands the two counts to `judge_counts`, which judges them as
reported figures are judged. Other engines (SQL) are tested against this one.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Container, Mapping, Sequence
from itertools import compress
from pathlib import Path
from typing import Any

import attrs

from ._doubts import Doubts, RejectedInspection, doubtful_dates, judge_all
from ._errors import DataError, Problem
from ._evaluate import Evaluation
from ._messages import say
from ._model import Rule, Rulebook
from ._records import Inspection, InspectionLog, Register, UnitRecord, parse_date, reconciled
from ._recordspec import (
    Counts,
    Coverage,
    RecordQuery,
    RecordSpec,
    Shortfall,
    failing_units,
    record_queries,
)

__all__ = ["Prepared", "as_date", "count_query", "evaluate_records", "prepared",
           "without_doubtful_dates"]


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


def prepared(register: Register, log: InspectionLog | None, *,
             log_until: dt.date | str | None = None, log_from: dt.date | str | None = None,
             strict: bool = False, today: dt.date | None = None) -> Prepared:
    """The records as every engine counts them.

    1. A log row dated after the log's end (``log_until``, or today when none
       is declared) is rejected as a doubtful date: it is not counted, does not
       extend the log's reach, and may be an inspection of any year.
    2. ``strict``: any rejected row is a `DataError`.
    3. The rejected rows become `Doubts`, the bounds of every count.
    """
    until, start = as_date(log_until, "log_until"), as_date(log_from, "log_from")
    if log is not None:
        log = without_doubtful_dates(log, until or today or dt.date.today(), until is not None)
        if start is None and (reach := log.date_range()) is not None:
            first = reach[0]
            log = attrs.evolve(log, notes=(*log.notes, say("log.taken_to_begin",
                                                           first=str(first))))
    if strict:
        problems = [p for table in (register, log) if table is not None
                    for p in table.problems]
        if problems:
            raise DataError(problems[0].file, problems)
    doubts = Doubts.of(register.rejected, log.rejected if log is not None else ())
    return Prepared(register, log, doubts, until, start)


def without_doubtful_dates(log: InspectionLog, until: dt.date, declared: bool
                           ) -> InspectionLog:
    """The log without its rows dated after ``until``: each rejected as a
    doubtful date (an inspection of its unit in any year), with a note."""
    reach = log.date_range()
    if reach is None or reach[1] <= until:
        return log  # the common case: one pass, nothing built
    late, note = doubtful_dates(((i.unit, i.row, i.date) for i in log.inspections), until,
                                declared)
    if not late:
        return log
    rows = set(late)
    what = "the log's declared end" if declared else "today"
    problems = tuple(Problem(log.name, f"{i.date} is after {what} ({until}): a doubtful date, "
                                       "not counted", where=f"row {i.row}", key="date")
                     for i in log.inspections if i.row in rows)
    doubtful = tuple(RejectedInspection(log.name, i.row, i.unit, None, i.kind, i.result)
                     for i in log.inspections if i.row in rows)
    assert note is not None
    return attrs.evolve(log, rows=tuple(i for i in log.inspections if i.row not in rows),
                        rows_rejected=log.rows_rejected + len(late),
                        problems=log.problems + problems, notes=(*log.notes, note),
                        rejected=log.rejected + doubtful)


def evaluate_records(
    rulebook: Rulebook,
    register: Register,
    log: InspectionLog | None = None,
    *,
    rules: Sequence[Rule] | None = None,
    by_district: bool = False,
    log_until: dt.date | str | None = None,
    progress: Callable[[str, int], None] | None = None,
    engine: str = "reference",
    connection: Any = None,
    log_from: dt.date | str | None = None,
    strict: bool = False,
    decision_log: str | Path | None = None,
) -> Evaluation:
    """Judge the rules that have ``[rule.records]`` on a register and a log.

    ``rules`` defaults to every rule of the rulebook (those without records are
    passed over). With ``by_district``, each rule and year is judged for the
    whole register and for each district in it. ``log_until`` declares the
    last day the log covers (default: its latest date; a row dated later, or
    after today, is rejected as a doubtful date), ``log_from`` the first
    (default: its earliest date); a year the log does not cover from 1 January
    to 31 December is unknown. Rejected rows bound the counts: a result they
    could change is unknown, naming them; ``strict=True`` makes any rejected
    row a `DataError` instead. See ``docs/records.md``.

    ``engine`` counts: ``reference`` (this module, pure Python), ``duckdb``
    (in memory, or on the DuckDB ``connection`` given), ``postgres`` (a psycopg
    ``connection`` or a ``postgresql://`` URL: the records are copied into
    temporary tables) or ``spark`` (``connection`` is a SparkSession). Every
    engine gives the same results; see ``docs/engines.md``.

    ``decision_log``: a JSON Lines file to append each result to, with the
    digests of the register's and log's rows (``docs/audit.md``).
    """
    if engine != "reference":
        from .engines import evaluate_loaded  # noqa: PLC0415 (SQL engines load when used)

        return _logged(decision_log, engine, register, log, evaluate_loaded(
            rulebook, register, log, engine=engine, connection=connection, rules=rules,
            by_district=by_district, log_until=log_until, progress=progress,
            log_from=log_from, strict=strict))
    ready = prepared(register, log, log_until=log_until, log_from=log_from, strict=strict)
    log = ready.log
    chosen = [r for r in (rulebook.rules if rules is None else rules) if r.records is not None]
    rows = log.inspections if log is not None else ()
    # The log's reach: its first and last dates are all Coverage reads of them.
    coverage = Coverage.of([min(map(_DATE, rows)), max(map(_DATE, rows))] if rows else [],
                           log_until=ready.log_until, has_log=log is not None,
                           log_from=ready.log_from)
    queries = record_queries(rulebook, chosen, coverage)
    districts = sorted({u.district for u in register.units if u.district is not None}) \
        if by_district else []
    by_category: dict[str, list[UnitRecord]] = {}
    for unit in register.units:
        by_category.setdefault(unit.category, []).append(unit)
    populations = {spec: _selected(register.units, by_category, spec)
                   for spec in dict.fromkeys(r.records for r in chosen if r.records is not None)}
    # Only the units some rule counts the inspections of are indexed.
    counted = {u.unit for spec, units in populations.items() if _counts_log(spec)
               for u in units}
    index = _Index.of(rows, counted)

    def counts_of(query: RecordQuery) -> dict[str | None, Counts]:
        return _count(query, populations[query.spec], index, by_district)

    return _logged(decision_log, engine, register, log, judge_all(
        rulebook, queries, counts_of, districts, reconciled(register, log), progress,
        ready.doubts))


def _logged(decision_log: str | Path | None, engine: str, register: Register,
            log: InspectionLog | None, evaluation: Evaluation) -> Evaluation:
    """``evaluation``, appended to the decision log if one is asked for."""
    if decision_log is not None:
        from ._decisions import append_decisions, records_digests  # noqa: PLC0415

        append_decisions(decision_log, evaluation, engine=engine,
                         sources=records_digests(register, log))
    return evaluation


def as_date(value: dt.date | str | None, name: str = "log_until") -> dt.date | None:
    """A declared date (``log_until``, ``log_from``), given as a date or text."""
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return parse_date(value)
    except ValueError as error:
        raise ValueError(f"{name}: {error}") from None


def _selected(units: Sequence[UnitRecord], by_category: Mapping[str, Sequence[UnitRecord]],
              spec: RecordSpec) -> list[UnitRecord]:
    """The units whose columns match the population, whatever the year, in
    register order."""
    filters = dict(spec.population)
    categories = filters.pop("category", None)
    if categories is not None and len(categories) == 1:
        units = by_category.get(str(categories[0]), [])  # in register order already
    elif categories is not None:
        units = sorted((u for c in categories for u in by_category.get(str(c), ())),
                       key=operator.attrgetter("row"))
    for column, allowed in filters.items():
        units = [u for u in units if u.value(column) in allowed]
    return list(units)


_DATE = operator.attrgetter("date")
_UNIT = operator.attrgetter("unit")


def _counts_log(spec: RecordSpec) -> bool:
    """Whether a unit meets the rule by the number of its inspections."""
    return spec.flag is None and bool(spec.inspections)


@attrs.frozen
class _Index:
    """The log grouped by unit, once per evaluation, in a compact form: for each
    unit counted, the days of its inspections (`date.toordinal`) in order, and
    its inspections in the same order, for the rules that count only some
    kinds or results."""

    days: Mapping[str, list[int]]
    rows: Mapping[str, Sequence[Inspection]]

    @classmethod
    def of(cls, inspections: Sequence[Inspection], units: Container[str] | None = None
           ) -> _Index:
        """The index of ``inspections`` of ``units`` (``None``: of every unit)."""
        if units is not None:  # one pass in C over the log: most units are not counted
            inspections = list(compress(inspections, map(units.__contains__,
                                                         map(_UNIT, inspections))))
        grouped: dict[str, list[Inspection]] = {}
        for inspection in inspections:
            found = grouped.get(inspection.unit)
            if found is None:
                grouped[inspection.unit] = [inspection]
            else:
                found.append(inspection)
        # By date alone: the inspections of one day are all in a year or all out
        # of it, so their order among themselves changes no count.
        for rows in grouped.values():
            rows.sort(key=_DATE)
        return cls({unit: [d.toordinal() for d in map(_DATE, rows)]
                    for unit, rows in grouped.items()}, grouped)


def count_query(query: RecordQuery, population: Sequence[UnitRecord],
                by_unit: Mapping[str, Sequence[Inspection]], by_district: bool = False,
                ) -> dict[str | None, Counts]:
    """Count one query over units already selected by the population's columns
    (`RecordSpec.population`): the whole register under ``None``, and each
    district under its name when ``by_district``. ``by_unit`` holds each unit's
    inspections (`InspectionLog.by_unit`)."""
    rows = [i for unit in population for i in by_unit.get(unit.unit, ())]
    return _count(query, population, _Index.of(rows), by_district)


def _count(query: RecordQuery, population: Sequence[UnitRecord], index: _Index,
           by_district: bool) -> dict[str | None, Counts]:
    """`count_query` on the log's index (`_Index`), which holds every unit of
    the population whose inspections the query counts."""
    spec = query.spec
    start, end = query.start, query.end
    first, last = start.toordinal(), end.toordinal()
    kinds = frozenset(spec.kinds) if spec.kinds is not None else None
    results = frozenset(spec.results) if spec.results is not None else None
    wanted = spec.inspections or 0
    totals: dict[str | None, int] = {}
    meeting: dict[str | None, int] = {}
    failing: dict[str | None, list[Shortfall]] = {}
    by_days, by_rows = index.days, index.rows
    empty: list[int] = []
    for unit in population:
        if ((unit.registered is not None and unit.registered > end)
                or (unit.closed is not None and unit.closed < start)):
            continue  # not active in the year (`UnitRecord.active`)
        if spec.flag is not None:
            more = None if spec.flag in unit.flags else 1
        elif not wanted:
            more = None
        else:
            days = by_days.get(unit.unit, empty)
            low, high = bisect_left(days, first), bisect_right(days, last)
            found = high - low if (kinds is None and results is None) or low == high else sum(
                1 for i in by_rows[unit.unit][low:high]
                if (kinds is None or i.kind in kinds) and (results is None or i.result in results))
            more = None if found >= wanted else wanted - found
        keys: tuple[str | None, ...] = (None,) if not by_district or unit.district is None \
            else (None, unit.district)
        for key in keys:
            totals[key] = totals.get(key, 0) + 1
            if more is None:
                meeting[key] = meeting.get(key, 0) + 1
            else:
                failing.setdefault(key, []).append((unit.unit, unit.name, unit.district, more))
    return {key: Counts(total, meeting.get(key, 0), functools.partial(
                failing_units, spec, end, failing.get(key, [])))
            for key, total in totals.items()}

