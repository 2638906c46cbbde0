"""The reference engine for records: counting units exactly, in pure Python.

For each `RecordQuery` (one rule in one year, from `record_queries`) the engine
takes the register's units in the rule's population that year, decides for
each whether it meets the rule (enough inspections in the year, or its flag
set), and hands the two counts to `judge_counts`, which judges them as
reported figures are judged. Other engines (SQL) are tested against this one.

The records are put in a compact form once per evaluation: the register's
columns the rules read, a list each (`_Units`), and the inspections of the
units some rule counts, sorted by unit and day, days as integers (`_Index`).
Records read column-wise (`ColumnRows`) are put in that form from their Arrow
columns (filtered and sorted by Arrow's kernels), never made a Python object
per row; other records (read row by row, or built in Python: no pyarrow
needed) from their objects. The counting is the same Python code for both.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection, Mapping, Sequence
from itertools import compress, pairwise, repeat
from typing import TYPE_CHECKING, Any, overload

import attrs

from .._columns import ColumnRows, python_values, texts
from .._model import Rule
from .._recordspec import FLAGS, RecordSpec
from .._results import Evaluation
from .._tabular import needs
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
    register, log = ready.register, ready.log
    chosen = [r for r in (rulebook.rules if rules is None else rules) if r.records is not None]
    # The log's reach: its first and last dates are all Coverage reads of them.
    reach = log.date_range() if log is not None else None
    coverage = Coverage.of(
        list(reach) if reach is not None else [],
        log_until=ready.log_until,
        has_log=log is not None,
        log_from=ready.log_from,
    )
    queries = record_queries(rulebook, chosen, coverage)
    units = _Units(register.rows)
    districts = (
        sorted({d for d in units.column("district") if d is not None}) if by_district else []
    )
    populations = {
        spec: _selected(units, spec)
        for spec in dict.fromkeys(r.records for r in chosen if r.records is not None)
    }
    # Only the units some rule counts the inspections of are indexed.
    ids = units.column("unit")
    counted = {ids[p] for spec, found in populations.items() if _counts_log(spec) for p in found}
    index = _Index.of(log.rows if log is not None else (), counted)

    def counts_of(query: RecordQuery) -> dict[str | None, Counts]:
        return _count(query, populations[query.spec], units, index, by_district)

    return judge_all(
        rulebook, queries, counts_of, districts, reconciled(register, log), progress, ready.doubts
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
    units = _Units(population)
    return _count(query, range(len(units)), units, _Index.of(rows), by_district)


# -- the compact form ------------------------------------------------------------

#: `date.toordinal` of Arrow's day 0 (a ``date32`` counts days from 1970-01-01).
_EPOCH = dt.date(1970, 1, 1).toordinal()
_UNIT = operator.attrgetter("unit")
_DATE = operator.attrgetter("date")


class _Units:
    """The register's units column by column: each column a list in register
    order, made when first asked for (a flag: whether the unit has it, as
    `UnitRecord.value` says; ``row``: the unit's row). Rows kept as columns
    (`ColumnRows`) give their Arrow columns' values, other rows their objects'
    fields."""

    def __init__(self, rows: Sequence[UnitRecord]) -> None:
        self.rows = rows
        # The table of the canonical columns and ``row`` (see `ColumnRows`).
        self.table = rows.table if isinstance(rows, ColumnRows) else None
        self.made: dict[str, list[Any]] = {}
        self.categories: dict[str, list[int]] | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> list[Any]:
        found = self.made.get(name)
        if found is None:
            found = self.made[name] = (
                self._arrow(name) if self.table is not None else self._of(name)
            )
        return found

    def _of(self, name: str) -> list[Any]:
        if name in FLAGS:  # one pass in C over the units' sets of flags
            return list(map(operator.contains, self.column("flags"), repeat(name)))
        return list(map(operator.attrgetter(name), self.rows))

    def _arrow(self, name: str) -> list[Any]:
        assert self.table is not None
        values = python_values(self.table.column(name))
        if name in FLAGS:  # a missing flag is false, as `ColumnRows` makes it
            return [value is True for value in values]
        return values

    def by_category(self) -> Mapping[str, list[int]]:
        """Each category's units (positions), in register order."""
        if self.categories is None:
            grouped: dict[str, list[int]] = {}
            for position, category in enumerate(self.column("category")):
                grouped.setdefault(category, []).append(position)
            self.categories = grouped
        return self.categories


def _selected(units: _Units, spec: RecordSpec) -> list[int]:
    """The units (positions) whose columns match the population, whatever the
    year, in register order (several categories: in row order)."""
    filters = dict(spec.population)
    categories = filters.pop("category", None)
    positions: Sequence[int]
    if categories is None:
        positions = range(len(units))
    elif len(categories) == 1:
        positions = units.by_category().get(str(categories[0]), [])  # in register order already
    else:
        by_category, rows = units.by_category(), units.column("row")
        positions = sorted(
            (p for c in categories for p in by_category.get(str(c), ())), key=rows.__getitem__
        )
    for column, allowed in filters.items():
        values = units.column(column)
        positions = [p for p in positions if values[p] in allowed]
    return list(positions)


def _counts_log(spec: RecordSpec) -> bool:
    """Whether a unit meets the rule by the number of its inspections."""
    return spec.flag is None and bool(spec.inspections)


@attrs.frozen
class _Index:
    """The log grouped by unit, once per evaluation, in a compact form: the
    inspections of the units counted, each unit's together and in date order,
    as flat sequences of their days (`date.toordinal`), kinds and results;
    ``spans`` holds each unit's ``(start, end)`` in them."""

    spans: Mapping[str, tuple[int, int]]
    days: Sequence[int]
    kinds: Sequence[str | None]
    results: Sequence[str | None]

    @classmethod
    def of(cls, inspections: Sequence[Inspection], units: Collection[str] | None = None) -> _Index:
        """The index of ``inspections`` of ``units`` (``None``: of every unit).

        Sorted by day alone within a unit: the inspections of one day are all
        in a year or all out of it, so their order among themselves changes no
        count."""
        if isinstance(inspections, ColumnRows):
            return _of_columns(inspections.table, units)
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
        spans: dict[str, tuple[int, int]] = {}
        ordered: list[Inspection] = []
        for unit, rows in grouped.items():
            rows.sort(key=_DATE)
            spans[unit] = (len(ordered), len(ordered) + len(rows))
            ordered += rows
        # Kinds and results are read only for the few rules that count some
        # kinds or results, from the inspections themselves.
        return cls(
            spans,
            list(map(dt.date.toordinal, map(_DATE, ordered))),
            _Field(ordered, "kind"),
            _Field(ordered, "result"),
        )


class _Field(Sequence[Any]):
    """One field of each of some records, read when asked for."""

    def __init__(self, rows: Sequence[Any], name: str) -> None:
        self.rows = rows
        self.field = operator.attrgetter(name)

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Any]: ...
    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self.field(r) for r in self.rows[index]]
        return self.field(self.rows[index])


def _of_columns(table: Any, units: Collection[str] | None) -> _Index:
    """`_Index.of` a log's Arrow columns (`ColumnRows.table`): the rows of
    ``units`` filtered and sorted by unit and date by Arrow, so that only the
    rows counted become Python values (each unit's rows a run of the sorted
    unit column)."""
    pa, pc = needs("pyarrow"), needs("pyarrow.compute")
    table = table.select(["unit", "date", "kind", "result"])
    if units is not None:
        column = table.column("unit")
        table = table.filter(pc.is_in(column, value_set=texts(units)))  # not pa.array: pandas
    table = table.take(
        pc.sort_indices(table, sort_keys=[("unit", "ascending"), ("date", "ascending")])
    )
    runs = pc.run_end_encode(table.column("unit").combine_chunks())
    ends = runs.run_ends.to_pylist()
    # Ordinals added here: a Python number in an Arrow kernel's call imports pandas.
    days = table.column("date").cast(pa.date32()).cast(pa.int32()).to_pylist()
    return _Index(
        dict(zip(runs.values.to_pylist(), pairwise([0, *ends]), strict=True)),
        list(map(_EPOCH.__add__, days)),  # a log row always has a date
        python_values(table.column("kind")),
        python_values(table.column("result")),
    )


# -- counting --------------------------------------------------------------------


def _count(
    query: RecordQuery,
    population: Sequence[int],
    units: _Units,
    index: _Index,
    by_district: bool,
) -> dict[str | None, Counts]:
    """`count_query` on the units (positions in ``units``) of the population,
    with the log's index (`_Index`), which holds every unit of the population
    whose inspections the query counts."""
    spec = query.spec
    start, end = query.start, query.end
    first, last = start.toordinal(), end.toordinal()  # the index's days
    kinds = frozenset(spec.kinds) if spec.kinds is not None else None
    results = frozenset(spec.results) if spec.results is not None else None
    wanted = spec.inspections or 0
    ids, names, districts = units.column("unit"), units.column("name"), units.column("district")
    registered, closed = units.column("registered"), units.column("closed")
    flagged = units.column(spec.flag) if spec.flag is not None else None
    spans, days, of_kind, of_result = index.spans, index.days, index.kinds, index.results
    totals: dict[str | None, int] = {}
    meeting: dict[str | None, int] = {}
    failing: dict[str | None, list[Shortfall]] = {}
    none = (0, 0)
    for p in population:
        since, until = registered[p], closed[p]
        if (since is not None and since > end) or (until is not None and until < start):
            continue  # not active in the year (`UnitRecord.active`)
        if flagged is not None:
            more = None if flagged[p] else 1
        elif not wanted:
            more = None
        else:
            low, high = spans.get(ids[p], none)
            if low < high:
                low = bisect_left(days, first, low, high)
                high = bisect_right(days, last, low, high)
            found = (
                high - low
                if (kinds is None and results is None) or low == high
                else sum(
                    1
                    for i in range(low, high)
                    if (kinds is None or of_kind[i] in kinds)
                    and (results is None or of_result[i] in results)
                )
            )
            more = None if found >= wanted else wanted - found
        district = districts[p]
        keys: tuple[str | None, ...] = (
            (None,) if not by_district or district is None else (None, district)
        )
        for key in keys:
            totals[key] = totals.get(key, 0) + 1
            if more is None:
                meeting[key] = meeting.get(key, 0) + 1
            else:
                failing.setdefault(key, []).append((ids[p], names[p], district, more))
    return {
        key: Counts(
            total,
            meeting.get(key, 0),
            functools.partial(failing_units, spec, end, failing.get(key, [])),
            fetched=True,
        )
        for key, total in totals.items()
    }
