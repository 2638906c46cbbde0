"""Records counted in SQL: the rules' queries as one sqlglot expression tree.

`record_queries` (in ``qrules._recordspec``) says what to count for each rule
and year; this module turns all of them into **one** SELECT, built with
sqlglot's expression builders (never by formatting values into SQL text:
codes are string literals, dates DATE literals, table and column names quoted
identifiers), and rendered for DuckDB, PostgreSQL or Spark SQL. The database
counts; Python judges the counts with `judge_counts`, the same code as the
reference engine, so verdicts, gaps and smallest changes stay one
implementation.

The query, for a register ``r`` and a log ``l`` (``docs/engines.md`` shows one
as emitted)::

    WITH qrules_windows (w, first_day, last_day) AS (VALUES (0, DATE '2023-01-01', ...), ...),
    qrules_counted AS (-- inspections per unit and year, one column per kind/result filter
      SELECT unit, <window of date> AS w, COUNT(*) FILTER (WHERE kind IN (...)) AS n0, ...
      FROM l WHERE unit IN (SELECT unit FROM r WHERE <any inspection population>)
      GROUP BY unit, w),
    qrules_units AS (  -- each unit in each window it is registered in, with its counts
      SELECT r.<columns used> AS <canonical names>, w.w, COALESCE(c.n0, 0) AS n0, ...
      FROM r JOIN qrules_windows w ON <registered and not closed in the window>
      LEFT JOIN qrules_counted c ON c.unit = r.unit AND c.w = w.w),
    qrules_members AS (-- per rule and year: each unit of the population, and how short it is
      SELECT <rule> AS spec, w, unit, name, district, <inspections or flag short> AS short
      FROM qrules_units WHERE <population> [AND w IN (<the rule's years>)]
      UNION ALL ...)
    SELECT 0 AS part, spec, w, COUNT(*) AS total, COUNT(*) FILTER (WHERE short = 0) AS meeting
      FROM qrules_members GROUP BY spec, w                                 -- the counts
    UNION ALL SELECT 1, ... GROUP BY spec, w, district              -- each district's
    UNION ALL SELECT 2, spec, w, unit, name, district, short
      FROM qrules_members WHERE short > 0                                  -- the failing units

Every number that decides anything is an integer count; there are no floats.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol

import attrs
from sqlglot import exp

from .._errors import DataError, Problem
from .._evaluate import Evaluation, FailingUnit, Reconciliation, Result
from .._model import Rule, Rulebook, Text
from .._records import _IDENTIFIER, _TRUE
from .._recordspec import (
    FLAGS,
    LOG_COLUMNS,
    REGISTER_COLUMNS,
    Counts,
    Coverage,
    RecordQuery,
    RecordSpec,
    judge_counts,
    needs,
    record_queries,
)

__all__ = ["DIALECTS", "Connection", "Database", "Plan", "Table", "evaluate", "select"]

#: The SQL dialects the queries are rendered in.
DIALECTS = ("duckdb", "postgres", "spark")

# The ``part`` column of the result: what a row is.
_WHOLE, _DISTRICT, _FAILING = 0, 1, 2

Filter = tuple[tuple[str, ...] | None, tuple[str, ...] | None]


class Database(Protocol):
    """Where the generated SQL runs: a dialect, a query's rows, a query's column names."""

    @property
    def dialect(self) -> str: ...

    def fetch(self, sql: str) -> Sequence[Sequence[Any]]: ...

    def names(self, sql: str) -> list[str]: ...


class Connection:
    """A connection whose ``execute`` gives a DB-API cursor (DuckDB, psycopg 3)."""

    def __init__(self, connection: Any, dialect: str) -> None:
        self.connection = connection
        self.dialect = dialect

    def fetch(self, sql: str) -> Sequence[Sequence[Any]]:
        rows: list[tuple[Any, ...]] = self.connection.execute(sql).fetchall()
        return rows

    def names(self, sql: str) -> list[str]:
        return [str(d[0]) for d in self.connection.execute(sql).description]


# -- tables ---------------------------------------------------------------------


@attrs.frozen
class Table:
    """A register or log table as the generated SQL reads it.

    ``columns`` maps a canonical column (``docs/records.md``) to the table's
    column; a canonical column the table lacks reads as missing (NULL; a flag
    as false). ``codes`` maps, per canonical column, a code as stored to the
    canonical code (a `ColumnMapping`'s codes): filters then compare with the
    stored codes, so the table is read where it is, as it is.
    """

    name: str
    columns: Mapping[str, str]
    codes: Mapping[str, Mapping[str, str]] = attrs.field(factory=dict)
    #: Whether the flag columns are BOOLEAN (tables qrules loads itself).
    boolean: bool = False

    def __attrs_post_init__(self) -> None:
        if not _IDENTIFIER.match(self.name):
            raise DataError(self.name, [Problem(self.name, f"{self.name!r} is not a table name",
                                                hint="a name, or schema.name")])

    @classmethod
    def canonical(cls, name: str, kind: str) -> Table:
        """A table qrules loaded: every canonical column under its own name, typed
        (dates DATE, flags BOOLEAN)."""
        return cls(name, {c: c for c in (REGISTER_COLUMNS if kind == "register"
                                          else LOG_COLUMNS)}, boolean=True)

    def ref(self, alias: str) -> exp.Table:
        *schema, name = self.name.split(".")
        return exp.table_(name, db=schema[0] if schema else None, alias=alias, quoted=True)

    def empty(self) -> exp.Select:
        """``SELECT * FROM table WHERE FALSE``: the table's columns, no rows."""
        return exp.select("*").from_(self.ref("t")).where(exp.false())

    def has(self, column: str) -> bool:
        return column in self.columns

    def column(self, column: str, alias: str) -> exp.Expr:
        """The table's column for a canonical one (NULL when the table has none)."""
        if column not in self.columns:
            return exp.null()
        return exp.column(self.columns[column], table=alias, quoted=True)

    def stored(self, column: str, values: Iterable[str]) -> list[str]:
        """The codes, as stored, that read as one of ``values``."""
        codes = self.codes.get(column, {})
        wanted = set(values)
        found = [written for written, code in codes.items() if code in wanted]
        return sorted({*found, *(v for v in wanted if v not in codes)})

    def isin(self, column: str, alias: str, values: Iterable[str]) -> exp.Expr:
        """The column holds one of ``values`` (canonical codes)."""
        stored = self.stored(column, values)
        if not stored or column not in self.columns:
            return exp.false()
        return self.column(column, alias).isin(*(exp.Literal.string(s) for s in stored))

    def value(self, column: str, alias: str) -> exp.Expr:
        """A column's canonical value: its codes translated (``CASE``), as text."""
        stored = self.column(column, alias)
        codes = self.codes.get(column)
        if codes:
            case = exp.Case(this=stored)
            for written, code in sorted(codes.items()):
                case = case.when(exp.Literal.string(written), exp.Literal.string(code))
            stored = case.else_(stored)
        return exp.cast(stored, "VARCHAR")

    def flag(self, flag: str, alias: str) -> exp.Expr:
        """True when the unit has the flag, never NULL. A BOOLEAN column of a table
        qrules loaded is tested as it is; any other column reads as the readers
        read a flag cell: true for ``是``, ``1``, ``true``, … or a code the
        mapping maps to true (a BOOLEAN casts to ``true``)."""
        if flag not in self.columns:
            return exp.false()
        column = self.column(flag, alias)
        codes = {w.lower(): c for w, c in self.codes.get(flag, {}).items()}
        if self.boolean and not codes:
            return exp.Is(this=column, expression=exp.true())
        true = sorted({w for w, c in codes.items() if c == "true"}
                      | {w for w in _TRUE if w not in codes})
        text = exp.Lower(this=exp.cast(column, "VARCHAR"))
        return exp.Coalesce(this=text.isin(*(exp.Literal.string(t) for t in true)),
                            expressions=[exp.false()])


# -- the plan -------------------------------------------------------------------


@attrs.frozen
class Plan:
    """The queries of one evaluation, and what they share: distinct specs, year
    windows and inspection filters (kinds × results), each numbered."""

    queries: tuple[RecordQuery, ...]
    specs: tuple[RecordSpec, ...]
    windows: tuple[tuple[dt.date, dt.date], ...]
    filters: tuple[Filter, ...]

    @classmethod
    def of(cls, queries: Sequence[RecordQuery]) -> Plan:
        inspections = [q.spec for q in queries if q.spec.needs_log]
        return cls(tuple(queries), tuple(dict.fromkeys(q.spec for q in queries)),
                   tuple(sorted({(q.start, q.end) for q in queries})),
                   tuple(dict.fromkeys((s.kinds, s.results) for s in inspections)))

    def key(self, query: RecordQuery) -> tuple[int, int]:
        """The (spec, window) a query's rows come under."""
        return self.specs.index(query.spec), self.windows.index((query.start, query.end))


def _date(day: dt.date) -> exp.Expr:
    return exp.cast(exp.Literal.string(day.isoformat()), "DATE")


def _count(where: exp.Expr | None = None) -> exp.Expr:
    count = exp.Count(this=exp.Star())
    return count if where is None else exp.Filter(this=count, expression=exp.Where(this=where))


def _number(value: int) -> exp.Expr:
    return exp.Literal.number(value)


def _population(spec: RecordSpec, register: Table, alias: str = "r") -> exp.Expr:
    """The register's units whose columns match the spec's population."""
    conditions: list[exp.Expr] = []
    for column, allowed in spec.population:
        if column in FLAGS:
            if set(allowed) == {True, False}:
                continue
            flag = register.flag(column, alias)
            conditions.append(flag if allowed == (True,) else exp.not_(flag))
        else:
            conditions.append(register.isin(column, alias, (str(v) for v in allowed)))
    return exp.and_(*conditions) if conditions else exp.true()


def _active(register: Table) -> exp.Expr:
    """Registered by the window's last day and not closed before its first."""
    parts: list[exp.Expr] = []
    for column, bound, compare in (("registered", "last_day", exp.LTE),
                                   ("closed", "first_day", exp.GTE)):
        if register.has(column):
            stored = register.column(column, "r")
            parts.append(exp.paren(exp.or_(
                exp.Is(this=stored, expression=exp.null()),
                compare(this=stored.copy(), expression=exp.column(bound, "w")))))
    return exp.and_(*parts) if parts else exp.true()


def _windows(plan: Plan) -> exp.Select:
    rows = [(_number(i), _date(start), _date(end)) for i, (start, end) in enumerate(plan.windows)]
    values = exp.values(rows, alias="v", columns=["w", "first_day", "last_day"])
    return exp.select("w", "first_day", "last_day").from_(values)


def _counted(plan: Plan, register: Table, log: Table) -> exp.Select:
    """Inspections per unit and window, one column per filter, counting only
    units that some inspection rule's population holds."""
    date = log.column("date", "l")
    window = exp.Case()
    for index, (start, end) in enumerate(plan.windows):
        window = window.when(date.copy().between(_date(start), _date(end)), _number(index))
    columns: list[exp.Expr] = [exp.alias_(log.column("unit", "l"), "unit"),
                                     exp.alias_(window, "w")]
    for index, (kinds, results) in enumerate(plan.filters):
        where = [log.isin(column, "l", wanted)
                 for column, wanted in (("kind", kinds), ("result", results)) if wanted]
        columns.append(exp.alias_(_count(exp.and_(*where) if where else None), f"n{index}"))
    inspected = exp.or_(*(_population(s, register) for s in plan.specs if s.needs_log))
    units = exp.select(register.column("unit", "r")).from_(register.ref("r")).where(inspected)
    first, last = plan.windows[0][0], max(end for _, end in plan.windows)
    return (exp.select(*columns).from_(log.ref("l"))
            .where(exp.and_(log.column("unit", "l").isin(query=units),
                            date.copy().between(_date(first), _date(last))))
            .group_by(log.column("unit", "l"), window.copy()))


def _units(plan: Plan, register: Table, log: Table | None) -> tuple[exp.Select, Table]:
    """The register's units in each window they are registered in, with their
    inspections in it (one column per filter), and that CTE as a `Table` whose
    columns are the canonical names (the codes as stored)."""
    used = {"unit", "name", "district"} | {c for s in plan.specs for c, _ in s.population} \
        | {s.flag for s in plan.specs if s.flag is not None}
    columns = [c for c in REGISTER_COLUMNS if c in used and register.has(c)]
    select = (exp.select(*(exp.alias_(register.column(c, "r"), c) for c in columns),
                         exp.column("w", "w"))
              .from_(register.ref("r"), copy=False)
              .join(exp.to_table("qrules_windows").as_("w"), on=_active(register),
                    join_type="inner", copy=False))
    if log is not None and plan.filters:
        select = select.select(*(exp.alias_(exp.Coalesce(this=exp.column(f"n{i}", "c"),
                                                         expressions=[_number(0)]), f"n{i}")
                                 for i in range(len(plan.filters))), copy=False)
        on = exp.and_(exp.column("unit", "c").eq(register.column("unit", "r")),
                      exp.column("w", "c").eq(exp.column("w", "w")))
        select = select.join(exp.to_table("qrules_counted").as_("c"), join_type="left", on=on,
                             copy=False)
    select = select.where(exp.not_(exp.Is(this=register.column("unit", "r"),
                                          expression=exp.null())), copy=False)
    view = attrs.evolve(register, name="qrules_units", columns={c: c for c in columns})
    return select, view


def _members(plan: Plan, units: Table, log: Table | None) -> exp.Expr:
    """Per spec and window: each unit of the population, with how short it falls."""
    branches = []
    for index, spec in enumerate(plan.specs):
        windows = sorted({plan.windows.index((q.start, q.end)) for q in plan.queries
                          if q.spec == spec})
        where = _population(spec, units, "u")
        if len(windows) < len(plan.windows):
            where = exp.and_(exp.column("w", "u").isin(*map(_number, windows)), where)
        branches.append(exp.select(
            exp.alias_(_number(index), "spec"), exp.column("w", "u"),
            exp.alias_(exp.cast(units.column("unit", "u"), "VARCHAR"), "unit"),
            exp.alias_(exp.cast(units.column("name", "u"), "VARCHAR"), "name"),
            exp.alias_(units.value("district", "u"), "district"),
            exp.alias_(_short(plan, spec, units, log), "short"))
            .from_(units.ref("u"), copy=False).where(where, copy=False))
    return branches[0] if len(branches) == 1 else exp.union(*branches, distinct=False, copy=False)


def _short(plan: Plan, spec: RecordSpec, units: Table, log: Table | None) -> exp.Expr:
    """How many more inspections the unit needs (0 when it meets the rule); for a
    flag, 1 when it is not set."""
    if spec.flag is not None:
        return exp.Case().when(units.flag(spec.flag, "u"), _number(0)).else_(_number(1))
    wanted = _number(spec.inspections or 0)
    if log is None:
        return wanted
    found = exp.column(f"n{plan.filters.index((spec.kinds, spec.results))}", "u")
    return (exp.Case().when(exp.GTE(this=found, expression=wanted), _number(0))
            .else_(exp.Sub(this=wanted.copy(), expression=found.copy())))


def select(plan: Plan, register: Table, log: Table | None, *,
           by_district: bool = False) -> exp.Select:
    """The one query that counts every query of the plan (see the module's doc)."""
    spec, window, district, short = (exp.column(c) for c in ("spec", "w", "district", "short"))

    def null(kind: str, name: str) -> exp.Expr:
        return exp.alias_(exp.cast(exp.null(), kind), name)

    def rows(part: int, where: exp.Expr | None, *columns: exp.Expr) -> exp.Select:
        select = exp.select(exp.alias_(_number(part), "part"), spec.copy(), window.copy(),
                            *columns).from_("qrules_members", copy=False)
        return select if where is None else select.where(where, copy=False)

    def counts(part: int, by: exp.Expr | None) -> exp.Select:
        counted = rows(part, None if by is None else exp.not_(exp.Is(
            this=by.copy(), expression=exp.null())),
            exp.alias_(by, "district") if by is not None else null("VARCHAR", "district"),
            exp.alias_(_count(), "total"),
            exp.alias_(_count(short.copy().eq(_number(0))), "meeting"),
            null("VARCHAR", "unit"), null("VARCHAR", "name"), null("BIGINT", "short"))
        return counted.group_by(spec.copy(), window.copy(), *([by.copy()] if by else []),
                                copy=False)

    failing = rows(_FAILING, exp.GT(this=short.copy(), expression=_number(0)), district.copy(),
                   null("BIGINT", "total"), null("BIGINT", "meeting"),
                   exp.column("unit"), exp.column("name"), short.copy())
    parts = [counts(_WHOLE, None), *([counts(_DISTRICT, district)] if by_district else []),
             failing]
    query = exp.select("*").from_(exp.paren(exp.union(*parts, distinct=False, copy=False))
                                  .as_("result"), copy=False)
    query = query.with_("qrules_windows", as_=_windows(plan), copy=False)
    if log is not None and plan.filters:
        query = query.with_("qrules_counted", as_=_counted(plan, register, log), copy=False)
    units, table = _units(plan, register, log)
    query = query.with_("qrules_units", as_=units, copy=False)
    return query.with_("qrules_members", as_=_members(plan, table, log), copy=False)


# -- reading what the database holds -----------------------------------------------


_SUMMARIES: dict[tuple[str, str, str], str] = {}


def _summary_sql(register: Table, log: Table | None, dialect: str) -> str:
    """`_summary`'s text, generated once per pair of tables and dialect."""
    key = (repr(register), repr(log), dialect)
    if key not in _SUMMARIES:
        if len(_SUMMARIES) >= 64:
            _SUMMARIES.clear()
        _SUMMARIES[key] = _summary(register, log).sql(dialect=dialect)
    return _SUMMARIES[key]


def _summary(register: Table, log: Table | None) -> exp.Select:
    """The register's rows, and those without a unit id or category; the log's
    rows, those with a unit id and a date, and the first and last of those dates:
    one pass over each table."""
    unit, category = register.column("unit", "r"), register.column("category", "r")
    unusable = exp.or_(exp.Is(this=unit, expression=exp.null()),
                       exp.Is(this=category, expression=exp.null()))
    registers = exp.select(exp.alias_(_count(), "register_rows"),
                           exp.alias_(_count(unusable), "register_unusable")
                           ).from_(register.ref("r"))
    if log is None:
        return registers
    date = log.column("date", "l")
    dated = exp.and_(exp.not_(exp.Is(this=log.column("unit", "l"), expression=exp.null())),
                     exp.not_(exp.Is(this=date.copy(), expression=exp.null())))

    def within(aggregate: exp.Expr) -> exp.Expr:
        return exp.Filter(this=aggregate, expression=exp.Where(this=dated.copy()))

    logs = exp.select(
        exp.alias_(_count(), "log_rows"), exp.alias_(_count(dated), "log_used"),
        exp.alias_(within(exp.Min(this=date.copy())), "first_day"),
        exp.alias_(within(exp.Max(this=date.copy())), "last_day"),
    ).from_(log.ref("l"))
    names = ("register_rows", "register_unusable", "log_rows", "log_used", "first_day",
             "last_day")
    return (exp.select(*(exp.column(n, "s" if n.startswith("register") else "g")
                         for n in names))
            .from_(registers.subquery("s")).join(logs.subquery("g"), join_type="cross"))


def _districts(register: Table) -> exp.Select:
    district = register.value("district", "r")
    return (exp.select(exp.alias_(district, "district")).distinct().from_(register.ref("r"))
            .where(exp.not_(exp.Is(this=district.copy(), expression=exp.null()))))


_CACHE: dict[tuple[Plan, str, str, bool, str], str] = {}


def _sql(plan: Plan, register: Table, log: Table | None, by_district: bool, dialect: str
         ) -> str:
    """The query's text, generated once per plan, tables and dialect."""
    key = (plan, repr(register), repr(log), by_district, dialect)
    if key not in _CACHE:
        if len(_CACHE) >= 64:
            _CACHE.clear()
        _CACHE[key] = select(plan, register, log, by_district=by_district).sql(
            dialect=dialect)
    return _CACHE[key]


# -- judging --------------------------------------------------------------------


def _collect(plan: Plan, rows: Iterable[Sequence[Any]]
             ) -> dict[tuple[int, int], dict[str | None, Counts]]:
    """The result rows as counts per (spec, window) and district; failing units
    sorted by unit id (as text), each with what it needs."""
    tallies: dict[tuple[int, int], dict[str | None, tuple[int, int]]] = {}
    short: dict[tuple[int, int], list[tuple[str, str, str | None, int]]] = {}
    for part, spec, window, district, total, meeting, unit, name, more in rows:
        key = (int(spec), int(window))
        if part == _FAILING:
            short.setdefault(key, []).append((str(unit), name or "", district, int(more)))
        else:
            tallies.setdefault(key, {})[None if part == _WHOLE else district] = (
                int(total), int(meeting))
    counted: dict[tuple[int, int], dict[str | None, Counts]] = {}
    for key, by_district in tallies.items():
        spec = plan.specs[key[0]]
        end = plan.windows[key[1]][1]
        rows_short = short.get(key, [])
        counted[key] = {
            district: Counts(total, meeting, functools.partial(
                _failing_units, spec, end, rows_short, district))
            for district, (total, meeting) in by_district.items()}
    return counted


def _failing_units(spec: RecordSpec, end: dt.date,
                   rows: list[tuple[str, str, str | None, int]], district: str | None
                   ) -> tuple[FailingUnit, ...]:
    """The failing units of a result (of a district), sorted by unit id, each with
    what it needs: built only for a result that is not met."""
    texts: dict[int, Text] = {}
    units = []
    for unit, name, where, more in sorted(rows, key=lambda u: u[0]):
        if district is not None and where != district:
            continue
        if more not in texts:
            texts[more] = needs(spec, more, end)
        units.append(FailingUnit(unit, name, where, texts[more],
                                 more if spec.needs_log else None))
    return tuple(units)


def _reconciliations(register: Table, log: Table | None, row: Sequence[Any]
                     ) -> tuple[Reconciliation, ...]:
    """How the tables' rows were counted: rows without a unit id or category (the
    register), or without a unit id or date (the log), are not."""
    register_rows, unusable = int(row[0]), int(row[1])
    tables = [Reconciliation(register.name, "register", register_rows,
                             register_rows - unusable, unusable, tuple(
                                 [Problem(register.name, f"{unusable} rows have no unit id or "
                                                         "no category: not counted")]
                                 if unusable else []))]
    if log is not None:
        rows, used = int(row[2]), int(row[3])
        tables.append(Reconciliation(log.name, "log", rows, used, rows - used, tuple(
            [Problem(log.name, f"{rows - used} rows have no unit id or no date: not counted"
                     )] if rows > used else [])))
    return tuple(tables)


def evaluate(
    rulebook: Rulebook,
    database: Database,
    register: Table,
    log: Table | None,
    *,
    rules: Sequence[Rule] | None = None,
    by_district: bool = False,
    log_until: dt.date | None = None,
    tables: tuple[Reconciliation, ...] | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> Evaluation:
    """Judge the rules with ``[rule.records]`` on a register and log table in a
    database, counting in SQL. ``tables`` are the reconciliations to report (of
    records read by qrules); by default, the tables' own (rows counted or not).
    The results are those of the reference engine (`evaluate_records`)."""
    dialect = database.dialect
    chosen = [r for r in (rulebook.rules if rules is None else rules) if r.records is not None]
    [summary] = database.fetch(_summary_sql(register, log, dialect))
    days = [d for d in summary[4:6] if d is not None] if log is not None else []
    coverage = Coverage.of(days, log_until=log_until, has_log=log is not None)
    queries = record_queries(rulebook, chosen, coverage)
    districts = sorted(str(d) for (d,) in database.fetch(_districts(register).sql(
        dialect=dialect))) if by_district else []
    results: list[Result] = []
    if queries:
        plan = Plan.of(queries)
        counted = _collect(plan, database.fetch(_sql(plan, register, log, by_district,
                                                     dialect)))
        for done, query in enumerate(queries, start=1):
            counts = counted.get(plan.key(query), {})
            results.extend(judge_counts(rulebook, query, counts.get(d, Counts(0, 0)), d)
                           for d in (None, *districts))
            if progress is not None:
                progress(f"rules × years judged of {len(queries)}", done)
    if tables is None:
        tables = _reconciliations(register, log, summary)
    return Evaluation(rulebook, "", tuple(results), 0, 0, (), records=tables)
