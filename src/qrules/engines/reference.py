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
from typing import TYPE_CHECKING

import attrs

from .._model import Rule
from .._recordspec import RecordSpec
from .._results import Evaluation
from ..records.doubts import judge_all
from ..records.judge import Counts, Shortfall, failing_units
from ..records.plan import Coverage, RecordQuery, record_queries
from ..records.prepare import prepared
from ..records.read import Inspection, InspectionLog, Register, UnitRecord, reconciled

if TYPE_CHECKING:
    from .._rulebook import Rulebook

__all__ = ["count_query", "judge_records"]


def judge_records(
    rulebook: Rulebook,
    register: Register,
    log: InspectionLog | None = None,
    *,
    rules: Sequence[Rule] | None = None,
    by_district: bool = False,
    log_until: dt.date | str | None = None,
    progress: Callable[[str, int], None] | None = None,
    log_from: dt.date | str | None = None,
    strict: bool = False,
) -> Evaluation:
    """Judge the rules with ``[rule.records]`` on records read by qrules,
    counted in pure Python: `qrules.evaluate_records` with the reference engine
    (its options are that function's)."""
    ready = prepared(register, log, log_until=log_until, log_from=log_from, strict=strict)
    log = ready.log
    chosen = [r for r in (rulebook.rules if rules is None else rules) if r.records is not None]
    rows = log.inspections if log is not None else ()
    # The log's reach: its first and last dates are all Coverage reads of them.
    coverage = Coverage.of(
        [min(map(_DATE, rows)), max(map(_DATE, rows))] if rows else [],
        log_until=ready.log_until,
        has_log=log is not None,
        log_from=ready.log_from,
    )
    queries = record_queries(rulebook, chosen, coverage)
    districts = (
        sorted({u.district for u in register.units if u.district is not None})
        if by_district
        else []
    )
    by_category: dict[str, list[UnitRecord]] = {}
    for unit in register.units:
        by_category.setdefault(unit.category, []).append(unit)
    populations = {
        spec: _selected(register.units, by_category, spec)
        for spec in dict.fromkeys(r.records for r in chosen if r.records is not None)
    }
    # Only the units some rule counts the inspections of are indexed.
    counted = {u.unit for spec, units in populations.items() if _counts_log(spec) for u in units}
    index = _Index.of(rows, counted)

    def counts_of(query: RecordQuery) -> dict[str | None, Counts]:
        return _count(query, populations[query.spec], index, by_district)

    return judge_all(
        rulebook, queries, counts_of, districts, reconciled(register, log), progress, ready.doubts
    )


def _selected(
    units: Sequence[UnitRecord], by_category: Mapping[str, Sequence[UnitRecord]], spec: RecordSpec
) -> list[UnitRecord]:
    """The units whose columns match the population, whatever the year, in
    register order."""
    filters = dict(spec.population)
    categories = filters.pop("category", None)
    if categories is not None and len(categories) == 1:
        units = by_category.get(str(categories[0]), [])  # in register order already
    elif categories is not None:
        units = sorted(
            (u for c in categories for u in by_category.get(str(c), ())),
            key=operator.attrgetter("row"),
        )
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
    def of(cls, inspections: Sequence[Inspection], units: Container[str] | None = None) -> _Index:
        """The index of ``inspections`` of ``units`` (``None``: of every unit)."""
        if units is not None:  # one pass in C over the log: most units are not counted
            inspections = list(
                compress(inspections, map(units.__contains__, map(_UNIT, inspections)))
            )
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
        return cls(
            {unit: [d.toordinal() for d in map(_DATE, rows)] for unit, rows in grouped.items()},
            grouped,
        )


def count_query(
    query: RecordQuery,
    population: Sequence[UnitRecord],
    by_unit: Mapping[str, Sequence[Inspection]],
    by_district: bool = False,
) -> dict[str | None, Counts]:
    """Count one query over units already selected by the population's columns
    (`RecordSpec.population`): the whole register under ``None``, and each
    district under its name when ``by_district``. ``by_unit`` holds each unit's
    inspections (`InspectionLog.by_unit`)."""
    rows = [i for unit in population for i in by_unit.get(unit.unit, ())]
    return _count(query, population, _Index.of(rows), by_district)


def _count(
    query: RecordQuery, population: Sequence[UnitRecord], index: _Index, by_district: bool
) -> dict[str | None, Counts]:
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
        if (unit.registered is not None and unit.registered > end) or (
            unit.closed is not None and unit.closed < start
        ):
            continue  # not active in the year (`UnitRecord.active`)
        if spec.flag is not None:
            more = None if spec.flag in unit.flags else 1
        elif not wanted:
            more = None
        else:
            days = by_days.get(unit.unit, empty)
            low, high = bisect_left(days, first), bisect_right(days, last)
            found = (
                high - low
                if (kinds is None and results is None) or low == high
                else sum(
                    1
                    for i in by_rows[unit.unit][low:high]
                    if (kinds is None or i.kind in kinds)
                    and (results is None or i.result in results)
                )
            )
            more = None if found >= wanted else wanted - found
        keys: tuple[str | None, ...] = (
            (None,) if not by_district or unit.district is None else (None, unit.district)
        )
        for key in keys:
            totals[key] = totals.get(key, 0) + 1
            if more is None:
                meeting[key] = meeting.get(key, 0) + 1
            else:
                failing.setdefault(key, []).append((unit.unit, unit.name, unit.district, more))
    return {
        key: Counts(
            total,
            meeting.get(key, 0),
            functools.partial(failing_units, spec, end, failing.get(key, [])),
        )
        for key, total in totals.items()
    }
