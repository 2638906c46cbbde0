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
import functools
import importlib.util
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import attrs

from .._boundary import outside, table_problem, without_password
from .._data import spelled_twice
from .._errors import DataError, Problem, QRulesError
from .._messages import listed, say
from .._model import Rule
from .._recordspec import FLAGS
from .._results import Evaluation
from .._rulebook import Rulebook, RulesInput
from .._tabular import ZONED_DAY, RawTable, needs
from ..records import ENGINES
from ..records.doubts import Doubts
from ..records.prepare import declared_reach, log_end, prepared
from ..records.read import (
    ColumnMapping,
    InspectionLog,
    Register,
    column_mapping,
    reconciled,
    resolve_header,
)
from ._collations import LOOKED, collation_look, refuse_collated, refuse_default_collation
from ._sqltext import needs_sqlglot, quoted_column, spoken
from .reference import judge_records

if TYPE_CHECKING:
    from . import sql
    from ._rejected import Rejections

__all__ = [
    "ENGINES",
    "default_engine",
    "engine_of",
    "evaluate_loaded",
    "evaluate_records",
    "evaluate_tables",
    "sql_for",
]


def default_engine() -> str:
    """``duckdb`` when DuckDB, sqlglot and pyarrow are installed, else ``reference``."""
    wanted = ("duckdb", "sqlglot", "pyarrow")
    return "duckdb" if all(importlib.util.find_spec(m) for m in wanted) else "reference"


def _sql_engine(engine: str) -> str:
    """``engine`` when it counts in SQL; else a clear error."""
    if engine == "reference":
        raise QRulesError(say("engines.reference_reads", engines=listed(ENGINES[1:])))
    if engine not in ENGINES:
        raise QRulesError(say("engines.unknown", engine=engine, known=listed(ENGINES)))
    return engine


def _database(engine: str, connection: Any) -> Any:
    """The engine's database wrapper around a connection (or session)."""
    if engine == "spark":
        from .spark import Spark  # noqa: PLC0415 (each engine loads only when used)

        return Spark(connection)
    from .sql import Connection  # noqa: PLC0415

    if engine == "postgres":
        from .postgres import refuse_other_encodings  # noqa: PLC0415

        refuse_other_encodings(connection)  # (qrules' queries are UTF-8 text)
    return Connection(connection, engine)


@contextlib.contextmanager
def _connection(engine: str, connection: Any) -> Iterator[Any]:
    """The connection given, or one opened from a URL (and closed after)."""
    _sql_engine(engine)
    if connection is not None and not isinstance(connection, str):
        _refuse_psycopg2(connection)
        yield connection
        return
    if engine == "duckdb":
        from .duckdb import connect  # noqa: PLC0415

        opened = connect(connection)
    elif engine == "postgres":
        if connection is None:
            raise QRulesError(say("engines.postgres_connection"))
        from .postgres import connect as connect_postgres  # noqa: PLC0415

        opened = connect_postgres(connection)
    elif connection is None:
        raise QRulesError(say("engines.spark_connection", engine=engine))
    else:
        from .spark import connect as connect_spark  # noqa: PLC0415

        opened = connect_spark(connection)
    try:
        yield opened
    finally:
        # A Spark Connect session is stopped (the server goes on); a connection closed.
        if engine == "spark":
            opened.stop()
        else:
            opened.close()


def _refuse_psycopg2(connection: Any) -> None:
    """A psycopg2 connection refused, saying what to pass: the postgres engine
    talks to its server through psycopg 3's interface (``connection.info``,
    ``COPY``, per-cursor loaders), which psycopg2's connection has not; its
    module's name, ``psycopg2``, starts as psycopg's does. qrules does not
    depend on psycopg2 and does not test it: refused, never half run."""
    if type(connection).__module__.split(".", 1)[0] in ("psycopg2", "_psycopg2"):
        raise QRulesError(say("engines.psycopg2"))


def engine_of(connection: Any) -> str:
    """The engine for a connection, session or database URL."""
    if isinstance(connection, str):
        if connection.startswith("duckdb:"):
            return "duckdb"
        if connection.startswith(("postgresql:", "postgres:")):
            return "postgres"
        if connection.startswith("sc:"):
            return "spark"
        raise DataError(
            connection,
            [
                Problem(
                    connection,
                    say("engines.not_a_url"),
                    hint=say("engines.urls"),
                )
            ],
        )
    _refuse_psycopg2(connection)
    module = type(connection).__module__
    for name, engine in (("duckdb", "duckdb"), ("psycopg", "postgres"), ("pyspark", "spark")):
        if module.startswith((name, f"_{name}")):
            return engine
    raise QRulesError(say("engines.which", kind=type(connection).__name__))


def evaluate_records(
    rulebook: Rulebook,
    register: Register,
    log: InspectionLog | None = None,
    *,
    rules: RulesInput = None,
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

    ``rules`` (rules or rule ids, `Rulebook.chosen`) defaults to every rule of
    the rulebook (those without records are passed over). With ``by_district``,
    each rule and year is judged for the whole register and for each district
    in it. ``log_until`` declares the last day the log covers (default: its
    latest date; a row dated later, or after today, is rejected as a doubtful
    date), ``log_from`` the first (default: its earliest date); a year the log
    does not cover from 1 January to 31 December is unknown. Rejected rows
    bound the counts: a result they could change is unknown, naming them;
    ``strict=True`` makes any rejected row a `DataError` instead. See
    ``docs/records.md``.

    ``engine`` counts: ``reference`` (`qrules.engines.reference`, pure Python), ``duckdb``
    (in memory, or on the DuckDB ``connection`` given), ``postgres`` (a psycopg
    ``connection`` or a ``postgresql://`` URL: the records are copied into
    temporary tables) or ``spark`` (``connection`` is a SparkSession). Every
    engine gives the same results; see ``docs/engines.md``.

    ``decision_log``: a JSON Lines file to append each result to, with the
    digests of the register's and log's rows (``docs/audit.md``).
    """
    judged = rulebook.chosen(rules)
    if engine == "reference":
        evaluation = judge_records(
            rulebook,
            register,
            log,
            rules=judged,
            by_district=by_district,
            log_until=log_until,
            progress=progress,
            log_from=log_from,
            strict=strict,
        )
    else:
        evaluation = evaluate_loaded(
            rulebook,
            register,
            log,
            engine=engine,
            connection=connection,
            rules=judged,
            by_district=by_district,
            log_until=log_until,
            progress=progress,
            log_from=log_from,
            strict=strict,
        )
    _one_spelling(evaluation, register.name, register)
    return _logged(decision_log, engine, register, log, evaluation)


def _one_spelling(evaluation: Evaluation, name: str, register: Register | None) -> None:
    """A `DataError` when the results judge one district written two ways
    (``芝罘``, ``芝罘区``: `spelled_twice`, as a sheet of figures refuses it) as
    two districts, naming the spellings and, in a ``register`` read, the first
    row of each (looked up only then: a register kept as columns stays so)."""
    twice = spelled_twice(r.district for r in evaluation if r.district is not None)
    if not twice:
        return
    rows: dict[str, int] = {}
    if register is not None:
        rows = {u.district: u.row for u in reversed(register.units) if u.district is not None}
    problems = []
    for names in twice:
        names.sort(key=lambda n: rows.get(n, 1 << 62))
        first = [n for n in names if n in rows]
        problems.append(
            Problem(
                name,
                say(
                    "records.district_twice",
                    districts=listed(map(repr, names)),
                    rows=listed(rows[n] for n in first),
                )
                if first
                else say("records.district_twice_tables", districts=listed(map(repr, names))),
                hint=say("records.district_twice_hint"),
            )
        )
    if problems:
        raise DataError(name, problems)


def _logged(
    decision_log: str | Path | None,
    engine: str,
    register: Register,
    log: InspectionLog | None,
    evaluation: Evaluation,
) -> Evaluation:
    """``evaluation``, appended to the decision log if one is asked for."""
    if decision_log is not None:
        from .._decisions import append_decisions, records_digests  # noqa: PLC0415

        append_decisions(
            decision_log, evaluation, engine=engine, sources=records_digests(register, log)
        )
    return evaluation


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
    log_from: dt.date | str | None = None,
    strict: bool = False,
) -> Evaluation:
    """Count records read by qrules on a SQL engine (`qrules.evaluate_records`
    with ``engine=``): they are loaded into the engine for the evaluation (the
    rows the readers rejected bound the counts, as on the reference engine)."""
    needs_sqlglot()
    from . import sql  # noqa: PLC0415

    module = importlib.import_module(f"{__name__}.{_sql_engine(engine)}")
    ready = prepared(register, log, log_until=log_until, log_from=log_from, strict=strict)
    tables = reconciled(ready.register, ready.log)
    with (
        outside(_shown(connection, engine)),
        _connection(engine, connection) as opened,
        module.loaded(opened, ready.register, ready.log) as (register_table, log_table),
    ):
        refuse_default_collation(_database(engine, opened), ready.register.name)
        return sql.judge_tables(
            rulebook,
            _database(engine, opened),
            register_table,
            log_table,
            rules=rules,
            by_district=by_district,
            log_until=ready.log_until,
            tables=tables,
            progress=progress,
            log_from=ready.log_from,
            doubts=ready.doubts,
        )


def _shown(connection: Any, engine: str) -> str:
    """How a database is named in messages: its URL without a password."""
    if not isinstance(connection, str):
        return f"<{engine} connection>"
    try:
        parts = urlsplit(connection)
    except ValueError:  # a bracket left open ("Invalid IPv6 URL"): its reader says so
        return without_password(connection)
    if parts.password is not None:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
        connection = parts._replace(netloc=netloc).geturl()
    return without_password(connection)  # (a Spark Connect URL's ;token=)


def _table(database: Any, name: str, kind: str, mapping: ColumnMapping) -> sql.Table:
    """A table of the database as the SQL reads it: its columns found as the
    readers find them in a file's header (the mapping's names, or the canonical
    ones), its codes translated as the mapping says."""
    needs_sqlglot()
    from . import sql  # noqa: PLC0415

    table = sql.Table(name, {})  # checks the name
    try:
        columns = database.columns(table.empty(database.dialect))
    except Exception as error:  # each driver has its own error classes
        message, hint = table_problem(error, name)
        raise DataError(name, [Problem(name, message, hint=hint)]) from None
    header = [column for column, _ in columns]
    required = ("unit", "category") if kind == "register" else ("unit", "date")
    positions, _, _, _ = resolve_header(RawTable(name, header, iter(())), kind, mapping, required)
    if database.dialect == "duckdb" and (twins := _renamed_twins(name, header, positions)):
        raise DataError(name, twins)
    types = {c: columns[i][1] for c, i in positions.items()}
    # (PostgreSQL's char(n): text whose padding the SQL drops, `Table.padded`.)
    padded = frozenset(header[positions[c]] for c, t in types.items() if t == "char")
    # (DuckDB's ENUM, a categorical registered: read as its text, `Table.enums`.)
    enums = frozenset(header[positions[c]] for c, t in types.items() if t == "enum")
    types = {c: "text" if t in ("char", "enum") else t for c, t in types.items()}
    _check_types(
        name, kind, {c: (header[positions[c]], t) for c, t in types.items()}, database.dialect
    )
    return sql.Table(
        name,
        {c: header[i] for c, i in positions.items()},
        mapping.codes(kind),
        types,
        utf8=_utf8(database),
        padded=padded,
        enums=enums,
    )


def _renamed_twins(name: str, header: Sequence[str], positions: Mapping[str, int]) -> list[Problem]:
    """A problem for each column read whose name DuckDB also gave another
    column, renamed (``Unit_1`` beside ``unit``): DuckDB holds column names
    equal in any case, and names the second of a registered DataFrame's or
    Arrow table's (or a CSV file's it reads) so. A file or a frame with both
    is refused (`resolve_header`: two columns that give ``unit``); here, read
    on one of them, a verdict would rest on whichever DuckDB kept first. A
    table's own column ``unit_1`` beside ``unit`` reads the same: refused too,
    with what to do."""
    problems = []
    # (Only a name ending in ``_`` and digits can be one: most headers have
    # none, and no pattern is compiled for them.)
    suffixed = [h for h in header if "_" in h and h.rsplit("_", 1)[1].isdecimal()]
    for canonical, position in positions.items() if suffixed else ():
        column = header[position]
        renamed = re.compile(re.escape(column) + r"_\d+", re.IGNORECASE)
        for twin in (h for h in suffixed if renamed.fullmatch(h)):
            problems.append(
                Problem(
                    name,
                    say("engines.renamed_twin", column=column, twin=twin, canonical=canonical),
                    where=say("where.header"),
                    hint=say("engines.renamed_twin_hint", column=column, twin=twin),
                )
            )
    return problems


def _utf8(database: Any) -> bool:
    """Whether the database stores text in UTF-8: DuckDB and Spark always, a
    PostgreSQL server when its encoding is UTF8."""
    if database.dialect != "postgres":
        return True
    return str(database.fetch("SHOW server_encoding")[0][0]).upper() in ("UTF8", "UTF-8")


#: The column types qrules reads, by kind of column, and the cast to use otherwise.
_READ_TYPES = {
    "date": (("date", "timestamp", "timestamp_ns", "text"), "DATE"),
    "flag": (("boolean", "text", "integer"), "BOOLEAN"),
    "code": (("text", "integer"), "VARCHAR"),
}


#: A view's expression of the day of an integer date column, as the readers
#: read a number in a date column: an Excel serial (45356 is 2024-03-05), or
#: digits written YYYYMMDD (``{column}``: the column, quoted), by dialect.
_NUMBER_DAY = {
    "duckdb": (
        "DATE '1899-12-30' + CAST({column} AS INTEGER)",
        "CAST(strptime(CAST({column} AS VARCHAR), '%Y%m%d') AS DATE)",
    ),
    "postgres": (
        "DATE '1899-12-30' + CAST({column} AS INTEGER)",
        "to_date(CAST({column} AS TEXT), 'YYYYMMDD')",
    ),
    "spark": (
        "date_add(DATE '1899-12-30', CAST({column} AS INT))",
        "to_date(CAST({column} AS STRING), 'yyyyMMdd')",
    ),
}


def _check_types(
    name: str, kind: str, columns: Mapping[str, tuple[str, str]], dialect: str
) -> None:
    """A `DataError` for a column of a type qrules does not read (naming the
    column, its type and the cast to use; for a timestamp with a time zone,
    the view reading its day in a zone: `ZONED_DAY`)."""

    problems = []
    for canonical, (stored, found) in columns.items():
        role = (
            "date"
            if canonical in ("registered", "closed", "date")
            else "flag"
            if canonical in FLAGS
            else "code"
        )
        accepted, cast = _READ_TYPES[role]
        if role == "date" and found == "timestamptz":
            problems.append(
                Problem(
                    name,
                    say(
                        "engines.zoned_type",
                        column=stored,
                        kind=say(f"table.{kind}"),
                        canonical=canonical,
                    ),
                    hint=say(
                        "engines.zoned_cast",
                        cast=ZONED_DAY[dialect].format(column=quoted_column(stored, dialect)),
                    ),
                )
            )
        elif found not in accepted:
            shown = (
                say("engines.other_type")
                if found == "other"
                else say("data.value", value=found.upper())
            )
            problems.append(
                Problem(
                    name,
                    say(
                        "engines.unread_type",
                        column=stored,
                        kind=say(f"table.{kind}"),
                        canonical=canonical,
                        shown=shown,
                        role=say(f"engines.role_{role}"),
                    ),
                    hint=say(
                        "engines.number_day",
                        serial=_NUMBER_DAY[dialect][0].format(
                            column=quoted_column(stored, dialect)
                        ),
                        compact=_NUMBER_DAY[dialect][1].format(
                            column=quoted_column(stored, dialect)
                        ),
                    )
                    if role == "date" and found == "integer" and dialect in _NUMBER_DAY
                    else say("engines.cast", column=quoted_column(stored, dialect), cast=cast),
                )
            )
    if problems:
        raise DataError(name, problems)


def evaluate_tables(
    rulebook: Rulebook,
    connection: Any,
    *,
    register: str = "register",
    log: str | None = "inspections",
    mapping: ColumnMapping | Mapping[str, Any] | str | Path | None = None,
    engine: str | None = None,
    rules: RulesInput = None,
    by_district: bool = False,
    log_until: dt.date | str | None = None,
    progress: Callable[[str, int], None] | None = None,
    check_keys: bool = True,
    log_from: dt.date | str | None = None,
    strict: bool = False,
    decision_log: str | Path | None = None,
    failing_units_to: str | None = None,
) -> Evaluation:
    """Judge a register and an inspection log that are tables in a database,
    where they are: one query is generated and run there.

    ``connection`` is a DuckDB or psycopg connection, a SparkSession, or a URL
    (``postgresql://user@host:5432/db``, ``duckdb:///path.db``, a Spark Connect
    server's ``sc://host:15002``), opened and closed here. ``register`` and
    ``log`` name the tables (``schema.table`` allowed; ``log=None``: no log).
    Their columns are the canonical ones, or those a ``mapping`` names (its
    codes are translated in the query, so nothing is copied). Dates are DATE or
    TIMESTAMP (its date; with a time zone, refused: its day is the session's
    zone's) columns, or text written YYYY-MM-DD; a flag is
    BOOLEAN, or text read as the readers read it; a code is text (an enum
    type, DuckDB's or PostgreSQL's, read as its text) or an integer
    (compared as text); another type is a `DataError` naming the cast to use.
    Rows a reader would reject (no unit id or category, a date or flag that
    does not read, a log row dated after ``log_until`` or today, …) are not
    counted: they are read by the readers' code, named in the reconciliation,
    and bound the counts as on every engine (``strict=True``: a `DataError`).
    See ``docs/engines.md``.

    ``check_keys`` (the default) checks what a database may not enforce: a
    unit id in more than one register row, or an inspection id in more than one
    log row, is a `DataError` (they would be counted twice), and log rows whose
    unit is not in the register are not counted and are reported, with a few
    of their units, in the log's reconciliation. It costs a pass over the log;
    ``check_keys=False`` trusts a database whose register has the unit id as
    its key and whose log has the inspection id as its key and the unit id as
    a foreign key, and which enforces its values too: that pass is also where
    the tables' codes (category, risk level, size, kind, result), flags and
    missing markers are checked to read as a file reader reads them, so they
    are trusted as well (a kind or result is taken as one of its set or NULL,
    a flag as the database's boolean or text reads). Rows are still checked
    one by one when the plain counts, the register's latest registration or
    the log's latest date show rows to reject, or a date column is text;
    ``strict=True`` still checks each log row's unit.

    ``decision_log``: a JSON Lines file to append each result to, with the
    tables' names and rows counted (``docs/audit.md``).

    ``failing_units_to``: a new table (``table``, ``schema.table`` or
    ``catalog.schema.table``) to write the failing units to, where the tables
    are, rather than fetch them (as dbt's ``store_failures``): one row per rule,
    year and unit that does not meet it (``rule``, ``year``, ``unit``, ``name``,
    ``district``, ``short``: inspections lacking, or 1 for a flag not set, and
    ``verdict``: the rule's result in that year, ``unknown`` when rows that
    could not be read could change it). The results then list no failing units.
    """
    needs_sqlglot()
    from . import sql  # noqa: PLC0415
    from ._holdings import plain_counts  # noqa: PLC0415
    from ._rejected import Staging, rejections  # noqa: PLC0415

    judged = rulebook.chosen(rules)
    chosen = engine or engine_of(connection)
    mapped = column_mapping(mapping)
    until, start = declared_reach(log_until, log_from)
    # (A date after today is doubtful: a log's after its end or today, `log_end`.)
    today = dt.date.today()
    end, declared = log_end(until, today)
    # (The twins' ids staged, `Staging`: dropped as the block ends, the
    # connection still open.)
    with (
        outside(_shown(connection, chosen)),
        _connection(chosen, connection) as opened,
        Staging() as staging,
    ):
        # (Its queries name the tables staged by placeholders: `Staging`.)
        database = staging.placing(_database(chosen, opened))
        register_table = attrs.evolve(_table(database, register, "register", mapped), until=today)
        try:
            log_table = (
                None
                if log is None
                else attrs.evolve(_table(database, log, "log", mapped), until=end)
            )
        except DataError:  # the register's collations are refused first, as ever
            refuse_collated(database, register_table, "register")
            raise
        stored = None if failing_units_to is None else sql.Table(failing_units_to, {})
        if stored is not None and database.dialect == "postgres":
            from .postgres import refuse_case_twin  # noqa: PLC0415

            # (The table a later unquoted name reads: one question, asked before
            # any row is read, so that it is not said after the rows' problems
            # nor after the rows rejected were fetched and read.)
            refuse_case_twin(database, stored)
        if stored is not None and database.dialect == "duckdb":
            from .duckdb import refuse_made  # noqa: PLC0415

            # (Said as DuckDB says it making the table, before any row is read.)
            refuse_made(database, stored)
        # Text compared byte for byte, or refused (both tables in one look, on
        # DuckDB asked with the plain counts: one round trip for both).
        looks = None if log_table is None else collation_look(database, [register_table, log_table])
        plain = looked = None
        if looks is not None:
            row = plain_counts(database, register_table, log_table, looks)
            plain, looked = row[:-LOOKED], row[-LOOKED:]
        refuse_collated(
            database,
            register_table,
            "register",
            None if log_table is None else (log_table, "log"),
            looked=looked,
        )
        # (``declared``: else the log's end is today, `rejections`.)
        rejected_rows = functools.partial(
            rejections,
            database,
            register_table,
            log_table,
            mapped,
            strict=strict,
            declared=declared,
            staging=staging,
        )
        rejected = rejected_rows(plain=plain)
        options: dict[str, Any] = {
            "rules": judged,
            "by_district": by_district,
            "log_until": until,
            "progress": progress,
            "check_keys": check_keys,
            "log_from": start,
            "failing_units_to": stored,
        }
        try:
            evaluation = sql.judge_tables(
                rulebook,
                database,
                *_counted_as(register_table, log_table, rejected),
                rejected=rejected,
                # Trusted codes are one of their sets or NULL (see `lacking`).
                doubts=_doubts(
                    database,
                    register_table,
                    log_table,
                    mapped,
                    rejected,
                    strict,
                    proven=not check_keys,
                ),
                **options,
            )
        except sql.Unclean:  # the tables hold rows to reject after all: find them
            rejected = rejected_rows(watch=False)
            evaluation = sql.judge_tables(
                rulebook,
                database,
                *_counted_as(register_table, log_table, rejected),
                rejected=rejected,
                doubts=_doubts(
                    database, register_table, log_table, mapped, rejected, strict, proven=False
                ),
                **options,
            )
    _one_spelling(evaluation, register, None)
    if decision_log is not None:
        from .._decisions import append_decisions, table_digests  # noqa: PLC0415

        append_decisions(
            decision_log,
            evaluation,
            engine=chosen,
            sources=table_digests(evaluation),
            listed=failing_units_to is None,
        )
    return evaluation


def _doubts(
    database: Any,
    register: sql.Table,
    log: sql.Table | None,
    mapping: ColumnMapping,
    rejected: Rejections,
    strict: bool,
    *,
    proven: bool,
) -> Doubts:
    """The rows that bound the counts of tables judged in place: those rejected,
    the log's rows lacking a kind or result (`lacking`; ``proven``: see it), and
    the register's units with an empty population column (`vacant`)."""
    from ._rejected import lacking, repeats, vacant  # noqa: PLC0415

    return Doubts.of(
        rejected.units,
        rejected.inspections,
        None if log is None else lacking(database, log, mapping, proven=proven),
        strict,
        # (The register as counted: a table without a row to reject tested plainly.)
        vacant=vacant(database, _counted_as(register, None, rejected)[0], mapping, proven=proven),
        absent=frozenset(f for f in FLAGS if not register.has(f)),
        repeats=None
        if log is None
        else repeats(
            database,
            _counted_as(register, None, rejected)[0],
            log,
            mapping,
            frozenset(i.row for i in rejected.inspections),
        ),
    )


def _counted_as(
    register: sql.Table, log: sql.Table | None, rejected: Rejections
) -> tuple[sql.Table, sql.Table | None]:
    """The tables as the counting query reads them: a table without a row to
    reject as it is (no check row by row), watched when cheap checks found none."""
    register = attrs.evolve(
        register,
        checked=not rejected.register_rows,
        watched=rejected.watched,
        twins=rejected.register_twins,
        twins_at=rejected.register_twins_at,
    )
    if log is not None:
        log = attrs.evolve(
            log,
            checked=not rejected.log_rows,
            watched=rejected.watched,
            twins=rejected.twins,
            twins_at=rejected.twins_at,
        )
    return register, log


def sql_for(
    rulebook: Rulebook,
    *,
    dialect: str = "duckdb",
    register: str = "register",
    log: str = "inspections",
    rules: RulesInput = None,
    years: Sequence[int] | None = None,
    by_district: bool = False,
    pretty: bool = True,
) -> str:
    """The query that counts the rules on canonical tables ``register`` and
    ``log`` whose rows are all readable, in a dialect: to read, or to run
    elsewhere. ``years`` are the years the log covers (default: the rulebook's
    period)."""
    needs("sqlglot")  # pip install 'qrules-plan[sql]', said plainly
    from ..records.plan import Coverage, record_queries  # noqa: PLC0415
    from . import sql  # noqa: PLC0415

    period = rulebook.period.years
    covered = list(years) if years is not None else list(period)
    coverage = Coverage(dt.date(min(covered), 1, 1), dt.date(max(covered), 12, 31))
    judged = rulebook.chosen(rules)
    chosen = [r for r in (rulebook.rules if judged is None else judged) if r.records is not None]
    plan = sql.Plan.of(record_queries(rulebook, chosen, coverage))
    # Tables whose rows are checked (evaluate_tables first finds the rows to reject).
    tables = (
        sql.Table.canonical(register, "register", checked=True),
        sql.Table.canonical(log, "log", checked=True),
    )
    return sql.select(plan, *tables, by_district=by_district).sql(
        dialect=spoken(dialect), pretty=pretty
    )
