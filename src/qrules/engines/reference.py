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
from collections.abc import Callable, Mapping, Sequence

from .._model import Rule
from .._recordspec import RecordSpec
from .._results import Evaluation
from .._rulebook import Rulebook
from ..records.doubts import judge_all
from ..records.judge import Counts, Shortfall, failing_units
from ..records.plan import Coverage, RecordQuery, record_queries
from ..records.prepare import prepared
from ..records.read import Inspection, InspectionLog, Register, UnitRecord, reconciled

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
    coverage = Coverage.of([i.date for i in log.inspections] if log is not None else [],
                           log_until=ready.log_until, has_log=log is not None,
                           log_from=ready.log_from)
    queries = record_queries(rulebook, chosen, coverage)
    by_unit = log.by_unit() if log is not None else {}
    dates = {unit: [i.date for i in rows] for unit, rows in by_unit.items()}
    districts = sorted({u.district for u in register.units if u.district is not None}) \
        if by_district else []
    by_category: dict[str, list[UnitRecord]] = {}
    for unit in register.units:
        by_category.setdefault(unit.category, []).append(unit)
    populations: dict[RecordSpec, list[UnitRecord]] = {}

    def counts_of(query: RecordQuery) -> dict[str | None, Counts]:
        if query.spec not in populations:
            populations[query.spec] = _selected(register.units, by_category, query.spec)
        return count_query(query, populations[query.spec], by_unit, by_district, dates)

    return judge_all(rulebook, queries, counts_of, districts, reconciled(register, log),
                     progress, ready.doubts)


def _selected(units: Sequence[UnitRecord], by_category: Mapping[str, Sequence[UnitRecord]],
              spec: RecordSpec) -> list[UnitRecord]:
    """The units whose columns match the population, whatever the year, in
    register order."""
    filters = dict(spec.population)
    categories = filters.pop("category", None)
    if categories is not None:
        units = sorted((u for c in categories for u in by_category.get(str(c), ())),
                       key=operator.attrgetter("row"))
    for column, allowed in filters.items():
        units = [u for u in units if u.value(column) in allowed]
    return list(units)


def count_query(query: RecordQuery, population: Sequence[UnitRecord],
                by_unit: Mapping[str, Sequence[Inspection]], by_district: bool = False,
                dates: Mapping[str, Sequence[dt.date]] | None = None,
                ) -> dict[str | None, Counts]:
    """Count one query over units already selected by the population's columns
    (`RecordSpec.population`): the whole register under ``None``, and each
    district under its name when ``by_district``. ``by_unit`` holds each unit's
    inspections in date order (`InspectionLog.by_unit`); ``dates``, their dates
    (computed when not given)."""
    spec = query.spec
    start, end = query.start, query.end
    kinds = frozenset(spec.kinds) if spec.kinds is not None else None
    results = frozenset(spec.results) if spec.results is not None else None
    wanted = spec.inspections or 0
    totals: dict[str | None, int] = {}
    meeting: dict[str | None, int] = {}
    failing: dict[str | None, list[Shortfall]] = {}
    for unit in population:
        if not unit.active(start, end):
            continue
        if spec.flag is not None:
            more = None if spec.flag in unit.flags else 1
        else:
            rows = by_unit.get(unit.unit, ())
            days = dates[unit.unit] if dates is not None and rows else [i.date for i in rows]
            low, high = bisect_left(days, start), bisect_right(days, end)
            found = high - low if kinds is None and results is None else sum(
                1 for i in rows[low:high]
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

