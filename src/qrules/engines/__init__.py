"""Engines that count records: the reference engine (pure Python) and SQL.

One query per evaluation is generated from the rules (``engines/sql.py``, with
sqlglot) and rendered for the engine's dialect:

- ``duckdb``: the default fast engine, embedded (``pip install 'qrules-plan[sql]'``);
- ``postgres``: records judged where they live, in a PostgreSQL server
  (``qrules-plan[postgres]``);
- ``spark``: Spark SQL through a `SparkSession` you pass in (``qrules-plan[spark]``).

`qrules.evaluate_records(..., engine=...)` counts records that qrules has read;
`evaluate_tables` counts a register and a log that are tables in a database,
where they are. Every engine gives the reference engine's results
(``tests/test_engines.py``). ``docs/engines.md`` says how to run each.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .._boundary import first_line, outside
from .._errors import DataError, Problem, QRulesError
from .._evaluate import Evaluation
from .._model import Rule, Rulebook
from .._records import (
    ColumnMapping,
    InspectionLog,
    Register,
    _as_mapping,
    _resolve_header,
    reconciled,
)
from .._records_engine import _as_date
from .._recordspec import FLAGS
from .._tabular import Table as _Table
from .._tabular import needs as _needs

if TYPE_CHECKING:
    from . import sql

__all__ = ["ENGINES", "default_engine", "engine_of", "evaluate_loaded", "evaluate_tables",
           "sql_for"]

#: The engines, by name.
ENGINES = ("reference", "duckdb", "postgres", "spark")


def default_engine() -> str:
    """``duckdb`` when DuckDB, sqlglot and pyarrow are installed, else ``reference``."""
    wanted = ("duckdb", "sqlglot", "pyarrow")
    return "duckdb" if all(importlib.util.find_spec(m) for m in wanted) else "reference"


def _sql_engine(engine: str) -> str:
    """``engine`` when it counts in SQL; else a clear error."""
    if engine == "reference":
        raise QRulesError("the reference engine counts records qrules has read "
                          "(qrules.evaluate_records); tables in a database are counted by "
                          f"{', '.join(ENGINES[1:])}")
    if engine not in ENGINES:
        raise QRulesError(f"unknown engine {engine!r}; known: {', '.join(ENGINES)}")
    return engine


def _database(engine: str, connection: Any) -> Any:
    """The engine's database wrapper around a connection (or session)."""
    if engine == "spark":
        from .spark import Spark  # noqa: PLC0415 (each engine loads only when used)

        return Spark(connection)
    from .sql import Connection  # noqa: PLC0415

    return Connection(connection, engine)


@contextlib.contextmanager
def _connection(engine: str, connection: Any) -> Iterator[Any]:
    """The connection given, or one opened from a URL (and closed after)."""
    _sql_engine(engine)
    if connection is not None and not isinstance(connection, str):
        yield connection
        return
    if engine == "duckdb":
        from .duckdb import connect  # noqa: PLC0415

        opened = connect(connection)
    elif engine == "postgres":
        if connection is None:
            raise QRulesError("the postgres engine needs connection= (a psycopg connection "
                              "or a postgresql:// URL)")
        from .postgres import connect as connect_postgres  # noqa: PLC0415

        opened = connect_postgres(connection)
    else:
        raise QRulesError(f"the {engine} engine needs connection= (a SparkSession)")
    try:
        yield opened
    finally:
        opened.close()


def engine_of(connection: Any) -> str:
    """The engine for a connection, session or database URL."""
    if isinstance(connection, str):
        if connection.startswith("duckdb:"):
            return "duckdb"
        if connection.startswith(("postgresql:", "postgres:")):
            return "postgres"
        raise DataError(connection, [Problem(connection, "not a database URL",
                                             hint="postgresql://user@host/db or "
                                                  "duckdb:///path.db")])
    module = type(connection).__module__
    for name, engine in (("duckdb", "duckdb"), ("psycopg", "postgres"), ("pyspark", "spark")):
        if module.startswith((name, f"_{name}")):
            return engine
    raise QRulesError(f"cannot tell the engine of a {type(connection).__name__}: "
                      "pass engine=")


def evaluate_loaded(
    rulebook: Rulebook,
    register: Register,
    log: InspectionLog | None,
    *,
    engine: str,
    connection: Any = None,
    rules: Sequence[Rule] | None = None,
    by_district: bool = False,
    log_until: dt.date | str | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> Evaluation:
    """Count records read by qrules on a SQL engine (`qrules.evaluate_records`
    with ``engine=``): they are loaded into the engine for the evaluation."""
    _needs("sqlglot")
    from . import sql  # noqa: PLC0415

    module = importlib.import_module(f"{__name__}.{_sql_engine(engine)}")
    tables = reconciled(register, log)
    with (outside(_shown(connection, engine)), _connection(engine, connection) as opened,
          module.loaded(opened, register, log) as (register_table, log_table)):
        return sql.evaluate(rulebook, _database(engine, opened), register_table, log_table,
                            rules=rules, by_district=by_district, log_until=_as_date(log_until),
                            tables=tables, progress=progress)


def _shown(connection: Any, engine: str) -> str:
    """How a database is named in messages: its URL without a password."""
    if not isinstance(connection, str):
        return f"<{engine} connection>"
    parts = urlsplit(connection)
    if parts.password is None:
        return connection
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def _table(database: Any, name: str, kind: str, mapping: ColumnMapping) -> sql.Table:
    """A table of the database as the SQL reads it: its columns found as the
    readers find them in a file's header (the mapping's names, or the canonical
    ones), its codes translated as the mapping says."""
    _needs("sqlglot")
    from . import sql  # noqa: PLC0415

    table = sql.Table(name, {})  # checks the name
    try:
        columns = database.columns(table.empty(database.dialect))
    except Exception as error:  # each driver has its own error classes
        raise DataError(name, [Problem(name, f"cannot read table {name!r}: {first_line(error)}")]
                        ) from None
    header = [column for column, _ in columns]
    required = ("unit", "category") if kind == "register" else ("unit", "date")
    positions, _, _ = _resolve_header(_Table(name, header, iter(())), kind, mapping, required)
    booleans = frozenset(c for c, i in positions.items() if c in FLAGS and columns[i][1])
    return sql.Table(name, {c: header[i] for c, i in positions.items()}, mapping.codes(kind),
                     booleans)


def evaluate_tables(
    rulebook: Rulebook,
    connection: Any,
    *,
    register: str = "register",
    log: str | None = "inspections",
    mapping: ColumnMapping | Mapping[str, Any] | str | Path | None = None,
    engine: str | None = None,
    rules: Sequence[Rule] | None = None,
    by_district: bool = False,
    log_until: dt.date | str | None = None,
    progress: Callable[[str, int], None] | None = None,
    check_keys: bool = True,
    decision_log: str | Path | None = None,
    failing_units_to: str | None = None,
) -> Evaluation:
    """Judge a register and an inspection log that are tables in a database,
    where they are: one query is generated and run there.

    ``connection`` is a DuckDB or psycopg connection, a SparkSession, or a URL
    (``postgresql://user@host:5432/db``, ``duckdb:///path.db``), opened and
    closed here. ``register`` and ``log`` name the tables (``schema.table``
    allowed; ``log=None``: no log). Their columns are the canonical ones, or
    those a ``mapping`` names (its codes are translated in the query, so
    nothing is copied). Dates are DATE columns; a flag is BOOLEAN, or text
    read as the readers read it. Rows without a unit id or category, and log
    rows without a unit id or date, are not counted; the reconciliation says
    how many. See ``docs/engines.md``.

    ``check_keys`` (the default) checks what a database may not enforce: a
    unit id in more than one register row, or an inspection id in more than one
    log row, is a `DataError` (they would be counted twice), and log rows whose
    unit is not in the register are not counted and are reported, with a few
    of their units, in the log's reconciliation. It costs a pass over the log;
    ``check_keys=False`` trusts a database whose register has the unit id as
    its key and whose log has the inspection id as its key and the unit id as
    a foreign key.

    ``decision_log``: a JSON Lines file to append each result to, with the
    tables' names and rows counted (``docs/audit.md``).

    ``failing_units_to``: a new table (``table``, ``schema.table`` or
    ``catalog.schema.table``) to write the failing units to, where the tables
    are, rather than fetch them (as dbt's ``store_failures``): one row per rule,
    year and unit that does not meet it (``rule``, ``year``, ``unit``, ``name``,
    ``district``, ``short``: inspections lacking, or 1 for a flag not set). The
    results then list no failing units.
    """
    _needs("sqlglot")
    from . import sql  # noqa: PLC0415

    chosen = engine or engine_of(connection)
    mapped = _as_mapping(mapping)
    with outside(_shown(connection, chosen)), _connection(chosen, connection) as opened:
        database = _database(chosen, opened)
        register_table = _table(database, register, "register", mapped)
        log_table = _table(database, log, "log", mapped) if log is not None else None
        evaluation = sql.evaluate(rulebook, database, register_table, log_table, rules=rules,
                                  by_district=by_district, log_until=_as_date(log_until),
                                  progress=progress, check_keys=check_keys,
                                  failing_units_to=None if failing_units_to is None
                                  else sql.Table(failing_units_to, {}))
    if decision_log is not None:
        from .._decisions import append_decisions, table_digests  # noqa: PLC0415

        append_decisions(decision_log, evaluation, engine=chosen,
                         sources=table_digests(evaluation))
    return evaluation


def sql_for(rulebook: Rulebook, *, dialect: str = "duckdb", register: str = "register",
            log: str = "inspections", rules: Sequence[Rule] | None = None,
            years: Sequence[int] | None = None, by_district: bool = False,
            pretty: bool = True) -> str:
    """The query that counts the rules on canonical tables ``register`` and
    ``log``, in a dialect: to read, or to run elsewhere. ``years`` are the years
    the log covers (default: the rulebook's period)."""
    _needs("sqlglot")  # pip install 'qrules-plan[sql]', said plainly
    from .._recordspec import Coverage, record_queries  # noqa: PLC0415
    from . import sql  # noqa: PLC0415

    period = rulebook.period.years
    covered = list(years) if years is not None else list(period)
    coverage = Coverage(dt.date(min(covered), 1, 1), dt.date(max(covered), 12, 31))
    chosen = [r for r in (rulebook.rules if rules is None else rules) if r.records is not None]
    plan = sql.Plan.of(record_queries(rulebook, chosen, coverage))
    tables = sql.Table.canonical(register, "register"), sql.Table.canonical(log, "log")
    return sql.select(plan, *tables, by_district=by_district).sql(dialect=dialect, pretty=pretty)
