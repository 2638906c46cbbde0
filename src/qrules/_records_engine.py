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
from pathlib import Path
from typing import Any

from ._evaluate import Evaluation
from ._model import Rule, Rulebook
from ._records import Inspection, InspectionLog, Register, UnitRecord, parse_date, reconciled
from ._recordspec import (
    Counts,
    Coverage,
    RecordQuery,
    RecordSpec,
    Shortfall,
    failing_units,
    judge_all,
    record_queries,
)

__all__ = ["count_query", "evaluate_records"]

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
    decision_log: str | Path | None = None,
) -> Evaluation:
    """Judge the rules that have ``[rule.records]`` on a register and a log.

    ``rules`` defaults to every rule of the rulebook (those without records are
    passed over). With ``by_district``, each rule and year is judged for the
    whole register and for each district in it. ``log_until`` declares the
    last day the log covers (default: its latest date). See ``docs/records.md``.

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
            by_district=by_district, log_until=log_until, progress=progress))
    until = _as_date(log_until)
    chosen = [r for r in (rulebook.rules if rules is None else rules) if r.records is not None]
    coverage = Coverage.of([i.date for i in log.inspections] if log is not None else [],
                           log_until=until, has_log=log is not None)
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

    return _logged(decision_log, engine, register, log, judge_all(
        rulebook, queries, counts_of, districts, reconciled(register, log), progress))


def _logged(decision_log: str | Path | None, engine: str, register: Register,
            log: InspectionLog | None, evaluation: Evaluation) -> Evaluation:
    """``evaluation``, appended to the decision log if one is asked for."""
    if decision_log is not None:
        from ._decisions import append_decisions, records_digests  # noqa: PLC0415

        append_decisions(decision_log, evaluation, engine=engine,
                         sources=records_digests(register, log))
    return evaluation


def _as_date(value: dt.date | str | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return parse_date(value)
    except ValueError as error:
        raise ValueError(f"log_until: {error}") from None


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

