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

    WITH qrules_counted AS (-- inspections per unit and year, one column per kind/result filter
      SELECT unit, <window of date> AS w, COUNT(*) FILTER (WHERE kind IN (...)) AS n0, ...
      FROM l WHERE unit IN (SELECT unit FROM r WHERE <any inspection population>)
      GROUP BY unit, w),
    qrules_members AS (-- per rule and year: each unit of the population, and how short it is
      SELECT k.spec, k.w, unit, name, district,
             CASE k.spec WHEN 0 THEN <inspections or flag short> ... END AS short
      FROM r JOIN (VALUES (0, 0, 'catering', DATE '2023-01-01', DATE '2023-12-31'), ...)
                  AS k(spec, w, category, first_day, last_day)
             ON k.category = r.category                      -- a hash join
            AND <registered and not closed in the window>
            AND CASE k.spec WHEN 0 THEN <the rest of the population> ... ELSE TRUE END
      LEFT JOIN qrules_counted c ON c.unit = r.unit AND c.w = k.w)
    SELECT 0 AS part, spec, w, ..., COUNT(*) AS total,
           COUNT(*) FILTER (WHERE short = 0) AS meeting
      FROM qrules_members GROUP BY spec, w                                 -- the counts
    UNION ALL SELECT 1, ... GROUP BY spec, w, district              -- each district's
    UNION ALL SELECT 2, spec, w, unit, name, district, short, ...
      FROM qrules_members WHERE short > 0                                  -- the failing units
    ORDER BY part, spec, w, unit

Before it, `summarize` reads what the tables hold (and checks their keys), in
queries of its own.

Every number that decides anything is an integer count; there are no floats.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import functools
import hashlib
import itertools
import sys
import threading
import uuid
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol, overload

import attrs

from .._bulk import made_at_once
from .._errors import DataError, Problem, QRulesError
from .._fardates import held, held_rows
from .._messages import say
from .._model import Rule
from .._recordspec import FLAGS, LOG_COLUMNS, REGISTER_COLUMNS, RecordSpec
from .._results import Evaluation, FailingUnit, Reconciliation
from .._rulebook import Rulebook
from .._tabular import IDENTIFIER
from ..records.doubts import Doubts, judge_all
from ..records.judge import Counts, listed_units
from ..records.plan import Coverage, RecordQuery, record_queries
from ..records.prepare import start_note
from ..records.read import flag_codes, flag_spellings
from ._builders import (
    count,
    date_literal,
    dated,
    marked,
    not_null,
    number,
    rendered,
    text_date,
    usable,
)
from ._holdings import Summary, reconciliations, summarize
from ._rejected import Rejections
from ._sqltext import exp, quoted_column, spoken

__all__ = [
    "DIALECTS",
    "Connection",
    "Database",
    "Plan",
    "Summary",
    "Table",
    "judge_tables",
    "select",
    "summarize",
]

#: The SQL dialects the queries are rendered in.
DIALECTS = ("duckdb", "postgres", "spark")

#: The date columns of a register and a log.
_DATES = ("registered", "closed", "date")

# The ``part`` column of the result: what a row is.
_WHOLE, _DISTRICT, _FAILING = 0, 1, 2
#: A failing unit's row's columns that `_collect` reads (part, spec, window,
#: unit id, name, district, shortfall): the first of every row.
_LISTED = 7

Filter = tuple[tuple[str, ...] | None, tuple[str, ...] | None]


class Database(Protocol):
    """Where the generated SQL runs: a dialect, a query's rows, a query's columns."""

    @property
    def dialect(self) -> str: ...

    def fetch(self, sql: str, *, again: bool = False) -> Sequence[Sequence[Any]]:
        """A query's rows. ``again``: a query run at every evaluation, which a
        database may keep parsed (`Connection._again`)."""

    def stream(self, sql: str) -> Iterable[Sequence[Any]]:
        """A query's rows as the database hands them over, a batch at a time
        (the counting query's, whose failing units may be many)."""

    def execute(self, sql: str) -> None:
        """Run a statement that returns no rows (and commit it)."""

    def columns(self, sql: str) -> list[tuple[str, str]]:
        """A query's columns: each one's name, and its type (`column_type`)."""

    def stage(self, values: Sequence[str]) -> str | None:
        """``values`` as a table of one text column ``value`` of the session,
        under a new name no table or view of the session has (`unstage` drops
        it): the name to read it by; ``None`` where the session may make no
        table (PostgreSQL read only, a standby, or a role without the
        ``TEMPORARY`` privilege: `Staged`)."""

    def unstage(self, name: str) -> None:
        """The table `stage` made gone."""


#: Whether a PostgreSQL session may make no temporary table: a read-only
#: transaction (or session default), a hot standby, or a role without the
#: ``TEMPORARY`` privilege on the database.
_POSTGRES_READ_ONLY = (
    "SELECT current_setting('transaction_read_only') = 'on' OR pg_is_in_recovery()"
    " OR NOT has_database_privilege(current_database(), 'TEMPORARY')"
)

#: Where the ids of `Table.twins` are read: the name of a table `Database.stage`
#: made, or (a session that may make none) the ids themselves, written into
#: the query as a list of values.
Staged = str | tuple[str, ...]


def staged_name(taken: Callable[[str], bool]) -> str:
    """A name for a table qrules stages, random, that ``taken`` says no table
    or view has (so that it never reads, replaces or drops a user's)."""
    while True:
        name = f"qrules_ids_{uuid.uuid4().hex}"
        if not taken(name):
            return name


#: Rows fetched at a time from a cursor (`Connection.stream`).
_BATCH = 10_000


#: PostgreSQL's type OIDs, as qrules reads each (`column_type`).
_POSTGRES_TYPES = {
    16: "boolean",
    20: "integer",
    21: "integer",
    23: "integer",
    25: "text",
    1042: "char",
    1043: "text",
    1082: "date",
    1114: "timestamp",
    1184: "timestamptz",
    19: "text",
}


def column_type(dialect: str, stored: object) -> str:
    """How qrules reads a column of a stored type: ``boolean``, ``date``,
    ``timestamp`` (without a time zone: its date is read; ``timestamp_ns``,
    DuckDB's in nanoseconds, whose cast to DATE rounds to microseconds
    first), ``timestamptz``
    (an instant, whose day is the session's time zone's: refused, see
    ``docs/records.md``), ``text``, ``integer`` (codes compared as text), or
    ``char`` (PostgreSQL's ``char(n)``: text its values padded with spaces,
    `Table.padded`), ``enum`` (DuckDB's ``ENUM``, a pandas or polars
    categorical registered; PostgreSQL's enum types, `_postgres_kinds`: read
    as its text, `Table.enums`), ``other``
    (refused where it matters: a float, a decimal, …). Spark's
    ``TIMESTAMP`` is such an instant (``TIMESTAMP_LTZ``); its
    ``TIMESTAMP_NTZ`` is DuckDB's and PostgreSQL's ``TIMESTAMP``."""
    if dialect == "postgres":
        return _POSTGRES_TYPES.get(int(str(stored)), "other")
    name = str(stored).upper()
    if name in ("BOOLEAN", "BOOL"):
        return "boolean"
    if name == "DATE":
        return "date"
    if name in ("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ", "TIMESTAMP_LTZ") or (
        dialect == "spark" and name == "TIMESTAMP"
    ):
        return "timestamptz"
    if name == "TIMESTAMP_NS" and dialect == "duckdb":
        return "timestamp_ns"
    if name in (
        "TIMESTAMP",
        "TIMESTAMP_NTZ",
        "DATETIME",
        "TIMESTAMP_MS",
        "TIMESTAMP_S",
    ):
        return "timestamp"
    if name in ("VARCHAR", "STRING", "TEXT") or name.startswith(("VARCHAR(", "CHAR")):
        return "text"
    if dialect == "duckdb" and name.startswith("ENUM("):
        return "enum"
    if name in (
        "TINYINT",
        "SMALLINT",
        "INTEGER",
        "BIGINT",
        "HUGEINT",
        "UTINYINT",
        "USMALLINT",
        "UINTEGER",
        "UBIGINT",
        "INT",
        "LONG",
        "SHORT",
        "BYTE",
    ):
        return "integer"
    return "other"


class Connection:
    """A connection whose ``execute`` gives a DB-API cursor (DuckDB, psycopg 3)."""

    def __init__(self, connection: Any, dialect: str) -> None:
        self.connection = connection
        self.dialect = dialect

    def _run(self, sql: str) -> Any:
        if self.dialect == "postgres":
            # Never a server-side prepared statement: psycopg prepares a query
            # run often, and a prepared plan fails once its table is created
            # again with other column types ("cached plan must not change
            # result type"), as a long-lived connection's tables may be. A
            # date Python cannot hold (``infinity``, a year BC) is fetched as
            # a `FarDate` (`held`: the cursor's loaders, not the connection's).
            return held(self.connection.cursor()).execute(sql, prepare=False)
        return self.connection.execute(sql)

    def fetch(self, sql: str, *, again: bool = False) -> Sequence[Sequence[Any]]:
        cursor = self._again(sql) if again else self._run(sql)
        description = cursor.description  # (DuckDB's dates out of reach come as text)
        return list(held_rows(cursor.fetchall(), description))

    def execute(self, sql: str) -> None:
        self._run(sql)
        if self.dialect == "postgres":
            self.connection.commit()

    def stream(self, sql: str) -> Iterable[Sequence[Any]]:
        if self.dialect == "duckdb":
            return self._prepared(sql)
        return self._batches(sql)

    def _prepared(self, sql: str) -> Fetched:
        """The counting query, run at every evaluation and fetched (`_fetched`)
        as DuckDB's relation over a statement prepared once on this connection
        (``EXECUTE``): DuckDB's Python relation over a ``SELECT`` binds and
        plans it twice, once to describe it and once to run it, and one over
        ``EXECUTE`` runs at once (about 10 ms less at 100,000 units; a cursor
        would give the rows as Python tuples, or Arrow with a warning of an
        extra copy). DuckDB binds a prepared statement again when the tables
        it reads have changed; one that fails is prepared again, and fails as
        the query would."""
        try:
            with _PREPARING:
                prepared = _PREPARED.setdefault(self.connection, {})
        except TypeError:  # a connection that cannot be weakly referenced: planned each time
            return _fetched(self.connection.sql(sql))
        name = prepared.get(sql)
        if name is not None:
            try:
                return _fetched(self.connection.sql(f"EXECUTE {name}"))
            except Exception:  # deallocated, or no longer bound: prepared again
                prepared.pop(sql, None)
        if len(prepared) >= _MOST_PREPARED:
            for old in prepared.values():
                with contextlib.suppress(Exception):
                    self.connection.execute(f"DEALLOCATE {old}")
            prepared.clear()
        name = "qrules_" + hashlib.sha256(sql.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        self.connection.execute(f"PREPARE {name} AS {sql}")
        prepared[sql] = name
        return _fetched(self.connection.sql(f"EXECUTE {name}"))

    def _again(self, sql: str) -> Any:
        """The cursor of a query run at every evaluation (the key check's),
        from the statement DuckDB parsed of its text once on this connection
        (`_PARSED`): not parsed again at every evaluation (about 4 ms at
        100,000 units: the texts are long). DuckDB binds and plans a parsed
        statement at each run, so it reads the tables as they are then (rows
        added, a table created again with other columns) and fails as the
        text would. (Not prepared: a cursor over a ``SELECT`` is planned once
        already, DuckDB plans a prepared statement again at each ``EXECUTE``
        too, and ``PREPARE`` plans it once more, on a process's first call.)
        Other dialects, and a wrapper of a DuckDB connection: run as it is."""
        if self.dialect != "duckdb":
            return self._run(sql)
        statement = _parsed(self.connection, sql)
        return self.connection.execute(sql if statement is None else statement)

    def _batches(self, sql: str) -> Iterator[Sequence[Any]]:
        cursor = self._run(sql)
        while batch := cursor.fetchmany(_BATCH):
            yield from batch

    def stage(self, values: Sequence[str]) -> str | None:
        if self.dialect == "postgres":
            # (Asked, not tried: a failed CREATE would end a transaction of the user's.)
            if self.fetch(_POSTGRES_READ_ONLY)[0][0]:
                return None
            # In the session's own schema, named so (unqualified, pg_temp is
            # searched first: a user's table of that name would be hidden);
            # ``to_regclass`` reads a name as SQL does, a failed query would
            # end a transaction of the user's.
            name = "pg_temp." + staged_name(
                lambda n: self.fetch(f"SELECT to_regclass('{n}') IS NOT NULL")[0][0]
            )
            with self.connection.cursor() as cursor:
                cursor.execute(f"CREATE TEMPORARY TABLE {name} (value TEXT)")
                try:
                    with cursor.copy(f"COPY {name} (value) FROM STDIN") as copy:
                        for value in values:
                            copy.write_row((value,))
                    cursor.execute(f"ANALYZE {name}")
                except BaseException:  # (made, not handed back: dropped here)
                    with contextlib.suppress(Exception):
                        self.unstage(name)
                    raise
            return name
        # DuckDB: a temporary table (a database opened read only may have one).
        name = staged_name(
            lambda n: bool(
                self.connection.execute(
                    "SELECT count(*) FROM (SELECT table_name AS n FROM duckdb_tables()"
                    " UNION ALL SELECT view_name FROM duckdb_views()) WHERE lower(n) = ?",
                    [n],
                ).fetchall()[0][0]
            )
        )
        self.connection.execute(
            f"CREATE TEMPORARY TABLE {name} AS SELECT unnest(?::VARCHAR[]) AS value",
            [list(values)],
        )
        return name

    def unstage(self, name: str) -> None:
        if self.dialect == "postgres":
            with self.connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {name}")
        else:
            self.connection.execute(f"DROP TABLE IF EXISTS temp.main.{name}")

    def columns(self, sql: str) -> list[tuple[str, str]]:
        if self.dialect == "duckdb":
            # A DuckDB relation is bound, not run, to know its columns.
            relation = self.connection.sql(sql)
            return [
                (str(n), column_type("duckdb", t))
                for n, t in zip(relation.columns, relation.types, strict=True)
            ]
        described = [(str(d[0]), d[1]) for d in self._run(sql).description]
        if self.dialect == "postgres":
            kinds = _postgres_kinds(self, [t for _, t in described])
            return [(n, kinds.get(int(t), "other")) for n, t in described]
        return [(n, column_type(self.dialect, t)) for n, t in described]


def _postgres_kinds(database: Database, oids: Sequence[Any]) -> dict[int, str]:
    """How qrules reads each PostgreSQL type (`column_type`), by its OID; a
    type of its own (``CREATE TYPE … AS ENUM``, which a supervision system's
    schema often has) asked of ``pg_type``: an enum is read as its text
    (``enum``, `Table.enums`). (A domain's columns are described by the type
    it is over.)"""
    kinds = {int(o): _POSTGRES_TYPES.get(int(o), "other") for o in oids}
    if asked := sorted(o for o, kind in kinds.items() if kind == "other"):
        listed = ", ".join(map(str, asked))  # (integers the driver gave)
        for (oid,) in database.fetch(
            f"SELECT oid FROM pg_catalog.pg_type WHERE typtype = 'e' AND oid IN ({listed})"
        ):
            kinds[int(oid)] = "enum"
    return kinds


#: The statements prepared on each DuckDB connection: each one's name by its
#: query's text (`Connection._prepared`), at most `_MOST_PREPARED` (then all
#: deallocated), forgotten with the connection.
_PREPARED: weakref.WeakKeyDictionary[Any, dict[str, str]] = weakref.WeakKeyDictionary()
_PREPARING = threading.Lock()
_MOST_PREPARED = 16

#: The statements DuckDB parsed on each DuckDB connection, by their query's
#: text (`Connection._again`): at most `_MOST_PARSED` (then all forgotten),
#: forgotten with the connection.
_PARSED: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()
_PARSING = threading.Lock()
_MOST_PARSED = 16


def _parsed(connection: Any, sql: str) -> Any:
    """The statement DuckDB parsed of ``sql`` on ``connection``, kept for the
    next time (`_PARSED`); ``None`` for anything but a DuckDB connection or
    cursor itself (a wrapper of yours, whose ``execute`` may expect a text):
    the text is run. (A setting DuckDB applies as it parses, such as
    ``integer_division``, is read when the text is first parsed on the
    connection; the key check's texts hold no arithmetic it changes.)"""
    duckdb = sys.modules.get("duckdb")
    if duckdb is None or not isinstance(connection, duckdb.DuckDBPyConnection):
        return None
    with _PARSING:
        kept = _PARSED.setdefault(connection, {})
    statement = kept.get(sql)
    if statement is None:
        statements = connection.extract_statements(sql)
        if len(statements) != 1:
            return None
        [statement] = statements
        with _PARSING:
            if len(kept) >= _MOST_PARSED:
                kept.clear()
            kept[sql] = statement
    return statement


def _fetched(relation: Any) -> Fetched:
    """A DuckDB relation's rows: column by column (Arrow), not a Python tuple
    of every value of each row (the failing units' rows are many), where
    pyarrow is imported; as rows otherwise (the command line on files DuckDB
    read, `records.direct`: importing pyarrow costs more than the rows; a
    ``None`` in `sys.modules`, an import blocked, is not imported)."""
    if sys.modules.get("pyarrow") is not None:
        return Fetched.arrow(relation.to_arrow_table())
    return Fetched.of(relation.fetchall())


@attrs.frozen
class Fetched:
    """The counting query's result as `_collect` reads it: its first rows (the
    counts') as rows, and its failing units' rows (``part``
    2, the many) as columns: part, spec, window, unit id, name, district and
    shortfall. Iterated, its rows in order, as `Database.stream` gives them."""

    head: Sequence[Sequence[Any]]
    failing: tuple[Sequence[Any], ...]
    tail: Callable[[], Iterable[Sequence[Any]]] = attrs.field(eq=False, repr=False)

    def __iter__(self) -> Iterator[Sequence[Any]]:
        return itertools.chain(self.head, self.tail())

    @classmethod
    def of(cls, rows: Iterable[Sequence[Any]]) -> Fetched:
        """A result's rows as they come (split at its first failing unit's row)."""
        if isinstance(rows, Fetched):
            return rows
        found = rows if isinstance(rows, list) else list(rows)
        cut = next((i for i, row in enumerate(found) if row[0] == _FAILING), len(found))
        tail = found[cut:]
        columns = list(zip(*tail, strict=True))[:_LISTED] if tail else [()] * _LISTED
        return cls(found[:cut], tuple(columns), lambda: tail)

    @classmethod
    def arrow(cls, table: Any) -> Fetched:
        """A result as an Arrow table (DuckDB's), in order by part."""
        parts = table.column(0)
        cut = bisect.bisect_left(range(table.num_rows), _FAILING, key=lambda i: parts[i].as_py())
        head = list(zip(*(c.to_pylist() for c in table.slice(0, cut).columns), strict=True))
        tail = table.slice(cut)
        return cls(
            head,
            tuple(_Looked(tail.column(i), few=i == _DISTRICT_COLUMN) for i in range(_LISTED)),
            lambda: zip(*(c.to_pylist() for c in tail.columns), strict=True),
        )


#: The column of a result's row that holds a failing unit's district.
_DISTRICT_COLUMN = 5


class _Looked(Sequence[Any]):
    """An Arrow column kept as fetched, of which Python objects are made only
    for what is looked at: a few values (the failing units' part, spec and
    window, at each run's ends: `_collect`), and a run's slice when its
    result's failing units are read (`FailingUnitsLater`; ``few``: a column
    of few distinct values, the districts, each made once, `_few`)."""

    def __init__(self, column: Any, *, few: bool = False) -> None:
        self._column = column
        self._few = few

    def __len__(self) -> int:
        return len(self._column)

    @overload
    def __getitem__(self, index: int) -> Any: ...

    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if not isinstance(index, slice):
            return self._column[index].as_py()
        start, stop, step = index.indices(len(self._column))
        if step != 1:
            return list(self)[index]
        part = self._column.slice(start, max(stop - start, 0))
        return _few(part) if self._few else part.to_pylist()

    def __iter__(self) -> Iterator[Any]:
        return iter(_few(self._column) if self._few else self._column.to_pylist())


def _few(column: Any) -> list[Any]:
    """A text column of few distinct values (the failing units' districts) as
    Python objects, each distinct value made once (Arrow's dictionary of it)
    rather than once per row."""
    try:
        encoded = column.dictionary_encode()
    except (NotImplementedError, TypeError, ValueError):  # a type an older pyarrow cannot
        return list(column.to_pylist())
    values: list[Any] = []
    for chunk in encoded.chunks:
        words = chunk.dictionary.to_pylist()
        words.append(None)  # a row without a district
        values += map(words.__getitem__, chunk.indices.fill_null(len(words) - 1).to_pylist())
    return values


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
    #: Each canonical column's type as qrules reads it (`column_type`): a date
    #: column ``date``, ``timestamp`` or ``timestamp_ns`` (its date) or ``text`` (``YYYY-MM-DD``
    #: only; other text rejects the row), a flag ``boolean`` (tested as it is)
    #: or text words, a code ``integer`` (compared as text). Unlisted: a date
    #: column DATE, any other text.
    types: Mapping[str, str] = attrs.field(factory=dict)
    #: A log's last day: a row dated later is rejected (a doubtful date); a
    #: register's, today: a unit registered later is rejected so.
    until: dt.date | None = None
    #: Loaded by qrules from records its readers checked: no row is rejected in SQL.
    checked: bool = False
    #: A table counted as it is (``checked``) on the word of cheap checks (its
    #: plain counts and latest date), whose codes, flags and markers the key
    #: check checks in its pass (`summarize`): if any would be rejected, the
    #: tables are checked row by row and counted again.
    watched: bool = False
    #: The database stores its text in UTF-8 (see `_spelled.spelled`).
    utf8: bool = True
    #: Its rows are records read by qrules' readers (staged by an engine): their
    #: values are read already (a missing marker is NULL).
    read: bool = False
    #: Its stored columns whose values come padded with spaces to their length
    #: (PostgreSQL's ``char(n)``, Spark's ``CHAR(n)``), read without their
    #: trailing spaces (`stored_column`), as PostgreSQL compares them: a reader trims them.
    padded: frozenset[str] = frozenset()
    #: Its stored columns of an enumerated type (DuckDB's ``ENUM``: a pandas or
    #: polars categorical registered; a PostgreSQL enum type), read as their
    #: text (`stored_column`): compared with a code the type does not hold, an
    #: enum is the database's error, and a minimum or maximum of one follows
    #: its order, not the text's.
    enums: frozenset[str] = frozenset()
    #: A log's inspection ids that another row spells otherwise (``'Ｊ1'`` for
    #: ``J1``): a reader reads both rows as one inspection and rejects the later;
    #: compared as stored, every row whose id is one of these is rejected too,
    #: whichever comes first (the bounds then hold for either reading). A
    #: register's unit ids that a rejected row gives (``' C1 '`` for ``C1``,
    #: or ``C1`` with a risk level no reader reads) and a counted row stores: a
    #: reader reads one unit given twice, its rows kept or not as their values
    #: say; every such row fetched and read so.
    twins: frozenset[str] = attrs.field(default=frozenset(), repr=False)
    #: The table of the session (`Database.stage`) whose ``value`` column
    #: holds the ids of every such row (a register's: the unit ids rejected
    #: rows give, as a reader reads them, a superset of `twins` whose other
    #: ids are only rejected rows'; a log's: `twins`), read by a semi-join.
    twins_at: Staged | None = None

    def __attrs_post_init__(self) -> None:
        if not IDENTIFIER.match(self.name):
            raise DataError(
                self.name,
                [
                    Problem(
                        self.name,
                        say("tabular.not_a_table", table=self.name),
                        hint=say("engines.table_name_hint"),
                    )
                ],
            )

    @classmethod
    def canonical(cls, name: str, kind: str, *, checked: bool = False) -> Table:
        """A table with every canonical column under its own name, typed (dates
        DATE, flags BOOLEAN); ``checked`` when qrules loaded it from records it read."""
        return cls(
            name,
            {c: c for c in (REGISTER_COLUMNS if kind == "register" else LOG_COLUMNS)},
            types={**dict.fromkeys(FLAGS, "boolean"), **dict.fromkeys(_DATES, "date")},
            checked=checked,
            read=checked,
        )

    def ref(self, alias: str) -> exp.Table:
        """The table, each part of its name (catalog, schema, table) quoted."""
        *parts, name = self.name.split(".")
        catalog, schema = [None] * (2 - len(parts)) + parts
        return exp.table_(name, db=schema, catalog=catalog, alias=alias, quoted=True)

    def empty(self, dialect: str) -> str:
        """``SELECT * FROM table WHERE FALSE`` in the dialect: the table's columns,
        no rows."""
        return _empty(self.name, dialect)

    def has(self, column: str) -> bool:
        return column in self.columns

    def raw(self, column: str, alias: str) -> exp.Expr:
        """The table's column for a canonical one as stored (NULL when none)."""
        if column not in self.columns:
            return exp.null()
        return self.stored_column(self.columns[column], alias)

    def reread(self, stored: str) -> bool:
        """Whether the SQL reads a stored column through an expression
        (`stored_column`), not as it is stored."""
        return stored in self.padded or stored in self.enums

    def stored_column(self, stored: str, alias: str) -> exp.Expr:
        """A stored column as the SQL reads it (`padded`: its text, without the
        spaces that pad it: ``TRIM(TRAILING FROM …)``, which PostgreSQL reads
        of a ``char(n)`` cast to text, and Spark of its ``CHAR(n)`` string;
        `enums`: its text)."""
        column = exp.column(stored, table=alias, quoted=True)
        if stored in self.enums:
            return exp.cast(column, "VARCHAR")
        if stored not in self.padded:
            return column
        return exp.Trim(this=column, position="TRAILING")

    def type(self, column: str) -> str:
        return self.types.get(column, "date" if column in _DATES else "text")

    def column(self, column: str, alias: str) -> exp.Expr:
        """The table's column for a canonical one, read as qrules reads it: a
        date as a DATE (a timestamp's date, a text date parsed), a code as text
        (NULL when the table has none)."""
        raw = self.raw(column, alias)
        kind = self.type(column)
        if column in _DATES and column in self.columns:
            if kind == "timestamp":
                return exp.cast(raw, "DATE")
            if kind == "timestamp_ns":
                return _day_of_nanoseconds(raw)
            if kind == "text":
                return text_date(raw)
            return raw
        if kind == "integer" and column not in FLAGS:
            return exp.cast(raw, "VARCHAR")
        return raw

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
        """A column's canonical value: its codes translated (``CASE``), as text;
        NULL when missing, a marker such as ``无`` or ``—`` included, as the
        readers read a cell."""
        stored = self.column(column, alias)
        codes = self.codes.get(column)
        read = stored.copy()
        if codes:
            case = exp.Case(this=stored)
            for written, code in sorted(codes.items()):
                case = case.when(exp.Literal.string(written), exp.Literal.string(code))
            read = case.else_(stored.copy())
        if self.read:  # its markers were read as missing already
            return exp.cast(read, "VARCHAR")
        return exp.cast(exp.Case().when(marked(stored.copy()), exp.null()).else_(read), "VARCHAR")

    def flag(self, flag: str, alias: str) -> exp.Expr:
        """True when the unit has the flag, never NULL. A BOOLEAN column is tested
        as it is (unless the mapping gives it codes); any other column reads as
        the readers read a flag cell: true for ``是``, ``1``, ``true``, … or a
        code the mapping maps to true (a BOOLEAN casts to ``true``)."""
        if flag not in self.columns:
            return exp.false()
        column = self.raw(flag, alias)
        codes = flag_codes(self.codes.get(flag, {}))
        if self.type(flag) == "boolean" and not codes:
            return exp.Is(this=column, expression=exp.true())
        # Its spellings as stored, not through a database's LOWER (`flag_spellings`).
        true = [w for w, read in flag_spellings(self.codes.get(flag, {})).items() if read]
        text = exp.cast(column, "VARCHAR")
        return exp.Coalesce(
            this=text.isin(*(exp.Literal.string(t) for t in true)), expressions=[exp.false()]
        )


#: Nanoseconds in a day.
_DAY_NS = 86_400_000_000_000


def _day_of_nanoseconds(timestamp: exp.Expr) -> exp.Expr:
    """The day a DuckDB ``TIMESTAMP_NS`` shows, as a DATE. DuckDB casts one to
    a DATE through microseconds, rounded: 23:59:59.9999995 would be the next
    day, where every reader (Python, Arrow, pandas) takes the day it shows.
    Its nanoseconds since 1970 floored to whole days are that day, exactly
    (DuckDB's ``//`` truncates towards zero: the remainder is taken off first,
    made positive for days before 1970); a ninth of the time of going
    through its text."""
    since = exp.Anonymous(this="epoch_ns", expressions=[timestamp])
    day = exp.Literal.number(_DAY_NS)
    into = exp.Mod(
        this=exp.paren(exp.Add(this=exp.Mod(this=since, expression=day), expression=day.copy())),
        expression=day.copy(),
    )
    days = exp.IntDiv(
        this=exp.paren(exp.Sub(this=since.copy(), expression=into)), expression=day.copy()
    )
    return exp.Add(
        this=exp.cast(exp.Literal.string("1970-01-01"), "DATE"),
        expression=exp.cast(days, "INT"),
    )


def _empty(name: str, dialect: str) -> str:
    return rendered(
        ("empty", name),
        lambda: exp.select("*").from_(Table(name, {}).ref("t")).where(exp.false()),
        dialect,
    )


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
        return cls(
            tuple(queries),
            tuple(dict.fromkeys(q.spec for q in queries)),
            tuple(sorted({(q.start, q.end) for q in queries})),
            tuple(dict.fromkeys((s.kinds, s.results) for s in inspections)),
        )

    def key(self, query: RecordQuery) -> tuple[int, int]:
        """The (spec, window) a query's rows come under."""
        return self._numbers[0][query.spec], self._numbers[1][query.start, query.end]

    def judged_windows(self, spec: int) -> list[int]:
        """The windows spec number ``spec`` is judged in."""
        return self._numbers[3][spec]

    def filter_number(self, spec: RecordSpec) -> int:
        """The number of the spec's inspection filter (its ``n`` column)."""
        return self._numbers[2][spec.kinds, spec.results]

    @functools.cached_property
    def _numbers(
        self,
    ) -> tuple[
        dict[RecordSpec, int],
        dict[tuple[dt.date, dt.date], int],
        dict[Filter, int],
        dict[int, list[int]],
    ]:
        """The numbers of the specs, windows and filters; each spec's windows."""
        specs = {spec: i for i, spec in enumerate(self.specs)}
        windows = {window: i for i, window in enumerate(self.windows)}
        judged: dict[int, set[int]] = {}
        for q in self.queries:
            judged.setdefault(specs[q.spec], set()).add(windows[q.start, q.end])
        return (
            specs,
            windows,
            {f: i for i, f in enumerate(self.filters)},
            {spec: sorted(found) for spec, found in judged.items()},
        )


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
    for column, bound, compare in (
        ("registered", "last_day", exp.LTE),
        ("closed", "first_day", exp.GTE),
    ):
        if register.has(column):
            stored = register.column(column, "r")
            parts.append(
                exp.paren(
                    exp.or_(
                        exp.Is(this=stored, expression=exp.null()),
                        compare(this=stored.copy(), expression=exp.column(bound, "k")),
                    )
                )
            )
    return exp.and_(*parts) if parts else exp.true()


@attrs.frozen
class Share:
    """A share that meets its target: ``100 * meeting / total`` at least
    ``num / den`` (more than, when ``strict``), as the rules over records read
    it. A hint for the query only (`select`'s ``met``): a result judged not met
    whose units were left out has them fetched again (`_collect`)."""

    num: int
    den: int
    strict: bool

    def holds(self, meeting: int, total: int) -> bool:
        found, wanted = 100 * self.den * meeting, self.num * total
        return found > wanted if self.strict else found >= wanted

    def sql(self, meeting: exp.Expr, total: exp.Expr) -> exp.Expr:
        found = exp.Mul(this=number(100 * self.den), expression=meeting)
        wanted = exp.Mul(this=number(self.num), expression=total)
        return (exp.GT if self.strict else exp.GTE)(this=found, expression=wanted)


def _met_shares(
    rulebook: Rulebook, plan: Plan, doubts: Doubts | None, rejected: Rejections
) -> dict[tuple[int, int], Share]:
    """The (spec, window)s whose failing units need not be listed when their
    counts meet a share: each of their queries decided by the log, judged
    against one lower bound (``>=`` or ``>``, the rules' shares), with no
    rejected log row that needs the failing units to bound the counts."""
    if (doubts is not None and doubts.inspections) or rejected.inspections:
        return {}
    found: dict[tuple[int, int], set[Share | None]] = {}
    for query in plan.queries:
        rule = query.judged_in(rulebook)
        stood = rule.at(dt.date(query.year, 12, 31)) or rule
        target = stood.target
        share = (
            Share(target.value.numerator, target.value.denominator, target.op == ">")
            if query.unknown is None and target is not None and target.op in (">=", ">")
            else None
        )
        found.setdefault(plan.key(query), set()).add(share)
    return {
        key: share
        for key, shares in found.items()
        if len(shares) == 1 and (share := next(iter(shares))) is not None
    }


def _inspected(plan: Plan, register: Table) -> exp.Expr:
    """A register row in the population of some rule that counts inspections."""
    return _inspecting(plan.specs, register)


def _inspecting(specs: Iterable[RecordSpec], register: Table) -> exp.Expr:
    """A register row in the population of one of ``specs`` counting inspections."""
    found = [_population(s, register) for s in specs if s.needs_log]
    return exp.or_(*found) if found else exp.false()


def _counted(plan: Plan, register: Table, log: Table) -> exp.Select:
    """Inspections per unit and window, one column per filter, counting only
    units that some inspection rule's population holds."""
    date = log.column("date", "l")
    window = _window(plan, date)
    columns: list[exp.Expr] = [exp.alias_(log.column("unit", "l"), "unit"), exp.alias_(window, "w")]
    for index, (kinds, results) in enumerate(plan.filters):
        wanted_rows = [
            log.isin(column, "l", wanted)
            for column, wanted in (("kind", kinds), ("result", results))
            if wanted
        ]
        columns.append(
            exp.alias_(count(exp.and_(*wanted_rows) if wanted_rows else None), f"n{index}")
        )
    first, last = plan.windows[0][0], max(end for _, end in plan.windows)
    within = date.copy().between(date_literal(first), date_literal(last))
    units = (
        exp.select(register.column("unit", "r"))
        .from_(register.ref("r"))
        .where(_inspected(plan, register))
    )
    return (
        exp.select(*columns)
        .from_(log.ref("l"))
        .where(
            exp.and_(
                log.column("unit", "l").isin(query=units),
                within,
                *([] if log.checked else [dated(log)]),
            )
        )
        .group_by(log.column("unit", "l"), window.copy())
    )


def _window(plan: Plan, date: exp.Expr) -> exp.Expr:
    """The number of the window a log row's date falls in (the rows are those
    of the windows' span): when the windows are whole years one after the
    other, as a year's rules have them, its year's distance from the first
    (one function, no comparison per window); otherwise a ``CASE``."""
    first = plan.windows[0][0].year
    if all(
        (start, end) == (dt.date(first + index, 1, 1), dt.date(first + index, 12, 31))
        for index, (start, end) in enumerate(plan.windows)
    ):
        return exp.cast(exp.Sub(this=exp.Year(this=date), expression=number(first)), "INT")
    window = exp.Case()
    for index, (start, end) in enumerate(plan.windows):
        window = window.when(
            date.copy().between(date_literal(start), date_literal(end)), number(index)
        )
    return window


def _keys(plan: Plan, register: Table) -> tuple[exp.Expr, exp.Expr]:
    """The rules' keys (``VALUES``): one row per spec, window it is judged in
    and category code (as stored) of its population, with the window's first and
    last day; and the join of the register with them: on the category (a hash
    join), the unit registered by the window's last day and not closed before
    its first, and the rest of the spec's population (a ``CASE`` on the spec).
    A spec whose population names no category matches every category (its key's
    category NULL)."""
    rows, rest = [], exp.Case(this=exp.column("spec", "k"))
    for index, spec in enumerate(plan.specs):
        allowed = dict(spec.population).get("category")
        codes: list[exp.Expr] = (
            [exp.Literal.string(c) for c in register.stored("category", (str(v) for v in allowed))]
            if allowed is not None
            else [exp.null()]
        )
        for window in plan.judged_windows(index):
            first, last = plan.windows[window]
            rows += [
                (
                    number(index),
                    number(window),
                    code.copy(),
                    date_literal(first),
                    date_literal(last),
                )
                for code in codes
            ]
        others = attrs.evolve(
            spec, population=tuple((c, v) for c, v in spec.population if c != "category")
        )
        if others.population:
            rest = rest.when(number(index), _population(others, register), copy=False)
    keys = exp.values(rows, alias="k", columns=["spec", "w", "category", "first_day", "last_day"])
    category = exp.column("category", "k")
    same: exp.Expr = category.copy().eq(register.column("category", "r"))
    if any("category" not in dict(s.population) for s in plan.specs):
        same = exp.or_(exp.Is(this=category.copy(), expression=exp.null()), same)
    on = exp.and_(
        same,
        _active(register),
        *([rest.else_(exp.true(), copy=False)] if rest.args.get("ifs") else []),
    )
    return keys, on


def _members(plan: Plan, register: Table, log: Table | None, *, inline: bool = False) -> exp.Select:
    """Per spec and window: each unit of the population, with how short it falls.

    The register joined with the rules' keys (`_keys`) on the category, a hash
    join, then with the counts of the log on unit and window: one pipeline for
    the database, each spec's shortfall picked by a ``CASE``. ``inline``: the
    counts as a subquery, not the CTE ``qrules_counted``.
    """
    spec = exp.column("spec", "k")
    keys, on = _keys(plan, register)
    short = exp.Case(this=spec)
    for index, each in enumerate(plan.specs):
        short = short.when(number(index), _short(plan, each, register, log), copy=False)
    select = (
        exp.select(
            exp.alias_(spec.copy(), "spec"),
            exp.alias_(exp.column("w", "k"), "w"),
            exp.alias_(exp.cast(register.column("unit", "r"), "VARCHAR"), "unit"),
            exp.alias_(
                exp.Coalesce(
                    this=exp.cast(register.column("name", "r"), "VARCHAR"),
                    expressions=[exp.Literal.string("")],
                ),
                "name",
            ),
            # As stored: read (`_district`) only in the rows that show it.
            exp.alias_(
                register.raw("district", "r")
                if register.has("district")
                else exp.cast(exp.null(), "VARCHAR"),
                "district",
            ),
            exp.alias_(short, "short"),
        )
        .from_(register.ref("r"), copy=False)
        .join(keys, join_type="inner", on=on, copy=False)
    )
    if log is not None and plan.filters:
        on = exp.and_(
            exp.column("unit", "c").eq(register.column("unit", "r")),
            exp.column("w", "c").eq(exp.column("w", "k")),
        )
        counted = (
            _counted(plan, register, log).subquery("c")
            if inline
            else exp.to_table("qrules_counted").as_("c")
        )
        select = select.join(counted, join_type="left", on=on, copy=False)
    return select.where(usable(register), copy=False)


def _short(plan: Plan, spec: RecordSpec, register: Table, log: Table | None) -> exp.Expr:
    """How many more inspections the unit needs (0 when it meets the rule); for a
    flag, 1 when it is not set."""
    if spec.flag is not None:
        return exp.Case().when(register.flag(spec.flag, "r"), number(0)).else_(number(1))
    wanted = number(spec.inspections or 0)
    if log is None:
        return wanted
    found = exp.Coalesce(
        this=exp.column(f"n{plan.filter_number(spec)}", "c"), expressions=[number(0)]
    )
    return (
        exp.Case()
        .when(exp.GTE(this=found, expression=wanted), number(0))
        .else_(exp.Sub(this=wanted.copy(), expression=found.copy()))
    )


def _district(register: Table, alias: str) -> exp.Expr:
    """A member's district as the readers read it (`Table.value`: codes
    translated, a missing marker NULL), from the members' ``district`` column,
    which holds it as stored: read in the rows that show it (the failing units
    and the districts' counts), not in every member's."""
    members = attrs.evolve(
        register, columns={"district": "district"} if register.has("district") else {}
    )
    return members.value("district", alias)


def select(
    plan: Plan,
    register: Table,
    log: Table | None,
    *,
    by_district: bool = False,
    failing: bool = True,
    members: str | None = None,
    met: Mapping[tuple[int, int], Share] | None = None,
) -> exp.Select:
    """The one query that counts every query of the plan (see the module's doc);
    without the failing units' rows when not ``failing``; reading the members
    from the view ``members`` (`materialized`) rather than computing them.

    ``met``: the (spec, window)s whose failing units are not listed when their
    counts meet a share (`Share`): those of results that are met."""
    spec, window, short = (exp.column(c) for c in ("spec", "w", "short"))
    district = _district(register, "m")

    def null(kind: str, name: str) -> exp.Expr:
        return exp.alias_(exp.cast(exp.null(), kind), name)

    def source() -> exp.Expr:
        return exp.to_table(members or "qrules_members").as_("m")

    def rows(part: int, where: exp.Expr | None, *columns: exp.Expr) -> exp.Select:
        select = exp.select(
            exp.alias_(number(part), "part"),
            spec.copy(),
            window.copy(),
            *columns,
        ).from_(source(), copy=False)
        return select if where is None else select.where(where, copy=False)

    def counts(part: int, by: exp.Expr | None) -> exp.Select:
        counted = rows(
            part,
            None if by is None else not_null(by.copy()),
            null("VARCHAR", "unit"),
            null("VARCHAR", "name"),
            exp.alias_(by, "district") if by is not None else null("VARCHAR", "district"),
            null("BIGINT", "short"),
            exp.alias_(count(), "total"),
            exp.alias_(count(short.copy().eq(number(0))), "meeting"),
        )
        return counted.group_by(
            spec.copy(), window.copy(), *([by.copy()] if by else []), copy=False
        )

    # A failing unit's row ends in the columns `_collect` keys as they come.
    failed = rows(
        _FAILING,
        exp.GT(this=short.copy(), expression=number(0)),
        exp.column("unit"),
        exp.column("name"),
        exp.alias_(district.copy(), "district"),
        short.copy(),
        null("BIGINT", "total"),
        null("BIGINT", "meeting"),
    )
    if met:
        # Whether each share of ``met`` is met, as one row beside the failing
        # units (one pass over the members, none per share, no join on them),
        # to leave out the units of those that are.
        keyed = sorted(met.items())

        def of(key: tuple[int, int], *more: exp.Expr) -> exp.Expr:
            return count(
                exp.and_(spec.copy().eq(number(key[0])), window.copy().eq(number(key[1])), *more)
            )

        shares = exp.select(
            *(
                exp.alias_(
                    share.sql(of(key, short.copy().eq(number(0))), of(key)), f"qrules_met{index}"
                )
                for index, (key, share) in enumerate(keyed)
            )
        ).from_(source())
        failed = failed.join(shares.subquery("qrules_t"), join_type="cross", copy=False).where(
            exp.not_(
                exp.or_(
                    *(
                        exp.and_(
                            spec.copy().eq(number(key[0])),
                            window.copy().eq(number(key[1])),
                            exp.column(f"qrules_met{index}"),
                        )
                        for index, (key, _) in enumerate(keyed)
                    )
                )
            ),
            copy=False,
        )
    parts = [
        counts(_WHOLE, None),
        *([counts(_DISTRICT, district)] if by_district else []),
        *([failed] if failing else []),
    ]
    # In order, so that each rule and year's failing units are one run of rows
    # (`_collect` slices them), by unit id as far as the database's collation
    # agrees with Python's (which then sorts them in one pass, and sorts anyway).
    united = exp.union(*parts, distinct=False, copy=False) if len(parts) > 1 else parts[0]
    query = (
        exp.select("*")
        .from_(exp.paren(united).as_("result"), copy=False)
        .order_by("part", "spec", "w", "unit", copy=False)
    )
    return query if members else _with_members(plan, register, log, query)


def _with_members(plan: Plan, register: Table, log: Table | None, query: exp.Select) -> exp.Select:
    """``query`` reading ``qrules_members`` (and the CTEs it is built from)."""
    if log is not None and plan.filters:
        query = query.with_("qrules_counted", as_=_counted(plan, register, log), copy=False)
    return query.with_("qrules_members", as_=_members(plan, register, log), copy=False)


def stored(
    plan: Plan,
    register: Table,
    log: Table | None,
    target: Table,
    members: str | None = None,
    verdicts: Mapping[tuple[str, int], str] | None = None,
) -> exp.Create:
    """``CREATE TABLE target AS``: each rule and year's failing units (rule id,
    year, unit id, name, district, how many inspections it lacks, or 1 for a
    flag not set, and the verdict of the rule in that year: ``verdicts``, by
    rule id and year, the whole register's), written where the tables are
    rather than fetched: those of the rules and years the log can decide. A
    unit of a result that is ``unknown`` (rows that could not be read, or
    lack a kind, could change it) is one as read, not for certain."""
    verdicts = verdicts or {}
    decided = [
        (*plan.key(q), q.rule, q.year, verdicts.get((q.rule, q.year), "unknown"))
        for q in plan.queries
        if q.unknown is None
    ]
    # With none, a key no member has: the table is made, empty.
    keys = exp.values(
        [
            (
                number(spec),
                number(window),
                exp.Literal.string(rule),
                number(year),
                exp.Literal.string(verdict),
            )
            for spec, window, rule, year, verdict in decided or [(-1, -1, "", 0, "")]
        ],
        alias="q",
        columns=["spec", "w", "rule", "year", "verdict"],
    )
    rows = (
        exp.select(
            exp.column("rule", "q"),
            exp.column("year", "q"),
            *(exp.column(c, "m") for c in ("unit", "name")),
            exp.alias_(_district(register, "m"), "district"),
            exp.column("short", "m"),
            exp.column("verdict", "q"),
        )
        .from_(exp.to_table(members or "qrules_members").as_("m"))
        .join(
            keys,
            join_type="inner",
            on=exp.and_(
                exp.column("spec", "q").eq(exp.column("spec", "m")),
                exp.column("w", "q").eq(exp.column("w", "m")),
            ),
        )
        .where(exp.GT(this=exp.column("short", "m"), expression=number(0)))
    )
    return exp.Create(
        this=_plain(target),
        kind="TABLE",
        expression=rows if members else _with_members(plan, register, log, rows),
    )


def materialized(plan: Plan, register: Table, log: Table | None, name: str) -> exp.Expr:
    """``CACHE TABLE name AS SELECT * FROM qrules_members`` (Spark): the members
    computed once, with the one scan of the log, for the counts, the districts'
    counts, the failing units and a table of them to read (Spark computes a
    CTE again in each branch that reads it; DuckDB and PostgreSQL compute a CTE
    read more than once only once). Without a CTE: Spark finds a cached relation
    in a query by its plan, which a CTE's numbering makes differ at each use."""
    return exp.Cache(
        this=exp.to_table(name), lazy=False, expression=_members(plan, register, log, inline=True)
    )


@contextlib.contextmanager
def _members_once(
    database: Database, plan: Plan, register: Table, log: Table | None
) -> Iterator[str | None]:
    """On Spark, the name of a cached view of the members, for as long as the
    block runs (uncached and dropped after); elsewhere ``None`` (a CTE)."""
    if database.dialect != "spark":
        yield None
        return
    name = f"qrules_members_{uuid.uuid4().hex}"
    database.execute(materialized(plan, register, log, name).sql(dialect="spark"))
    try:
        yield name
    finally:
        database.execute(exp.Uncache(this=exp.to_table(name), exists=True).sql(dialect="spark"))
        database.execute(
            exp.Drop(tables=[exp.to_table(name)], kind="VIEW", exists=True).sql(dialect="spark")
        )


def _plain(table: Table) -> exp.Table:
    """A table's name, each part quoted, without an alias."""
    found = table.ref("t")
    found.set("alias", None)
    return found


class Unclean(QRulesError):
    """A watched log holds rows to reject: check it row by row, and count again."""


# -- the districts ---------------------------------------------------------------


def _districts(register: Table) -> exp.Select:
    district = register.value("district", "r")
    return (
        exp.select(exp.alias_(district, "district"))
        .distinct()
        .from_(register.ref("r"))
        .where(exp.and_(usable(register), not_null(district.copy())))
    )


def _sql(
    plan: Plan,
    register: Table,
    log: Table | None,
    by_district: bool,
    dialect: str,
    failing: bool = True,
    members: str | None = None,
    met: Mapping[tuple[int, int], Share] | None = None,
) -> str:
    """The query's text, generated once per plan, tables and dialect."""
    if members:  # a view of its own each time: not worth keeping
        return select(
            plan, register, log, by_district=by_district, failing=failing, members=members, met=met
        ).sql(dialect=spoken(dialect))
    return rendered(
        (
            "count",
            plan,
            repr(register),
            repr(log),
            by_district,
            failing,
            tuple(sorted((met or {}).items())),
        ),
        lambda: select(plan, register, log, by_district=by_district, failing=failing, met=met),
        dialect,
    )


# -- judging --------------------------------------------------------------------


def _collect(
    plan: Plan,
    result: Iterable[Sequence[Any]],
    *,
    failing: bool = True,
    met: Mapping[tuple[int, int], Share] | None = None,
    unlisted: Callable[[], Fetched] | None = None,
) -> dict[tuple[int, int], dict[str | None, Counts]]:
    """The result rows as counts per (spec, window) and district, with their
    failing units (built when asked for).

    The rows come ordered by part, spec and window: the counts first, then each
    (spec, window)'s failing units as one run, as many as its units that do
    not meet it (``total - meeting``). So the failing units are sliced, not
    looked at one by one; each run's first and last row are checked. A (spec,
    window) whose counts meet its share in ``met`` has no run: its failing
    units, if a result asks for them after all, are ``unlisted()``'s.
    """
    found = Fetched.of(result)
    tallies: dict[tuple[int, int], dict[str | None, tuple[int, int]]] = {}
    for row in found.head:
        tallies.setdefault((row[1], row[2]), {})[None if row[0] == _WHOLE else row[5]] = (
            int(row[7]),
            int(row[8]),
        )
    parts, specs, windows = found.failing[:3]
    listed = len(parts)
    counted: dict[tuple[int, int], dict[str | None, Counts]] = {}
    start = 0
    for key in sorted(tallies):
        by_district = tallies[key]
        total, meeting = by_district[None]
        if not failing:  # written to a table (`stored`), not fetched
            counted[key] = {district: Counts(*counts) for district, counts in by_district.items()}
            continue
        spec = plan.specs[key[0]]
        end = plan.windows[key[1]][1]
        share = (met or {}).get(key)
        if share is not None and share.holds(meeting, total):
            assert unlisted is not None
            counted[key] = {
                district: Counts(
                    t, m, functools.partial(_unlisted_units, unlisted, key, spec, end, district)
                )
                for district, (t, m) in by_district.items()
            }
            continue
        stop = start + total - meeting
        if stop > listed or any(
            (parts[i], specs[i], windows[i]) != (_FAILING, *key)
            for i in ({start, stop - 1} if stop > start else ())
        ):
            raise QRulesError(say("engines.out_of_order"))
        counted[key] = {
            district: Counts(
                total,
                meeting,
                functools.partial(_failing_units, spec, end, found.failing, start, stop, district),
                fetched=True,
            )
            for district, (total, meeting) in by_district.items()
        }
        start = stop
    if start != listed:
        raise QRulesError(say("engines.out_of_order"))
    return counted


def _listed(
    database: Database, plan: Plan, register: Table, log: Table | None, by_district: bool
) -> Fetched:
    """Every (spec, window)'s failing units' rows: the counting query again,
    each unit listed (run only when a share the query took as met is not)."""
    return Fetched.of(database.stream(_sql(plan, register, log, by_district, database.dialect)))


def _unlisted_units(
    unlisted: Callable[[], Fetched],
    key: tuple[int, int],
    spec: RecordSpec,
    end: dt.date,
    district: str | None,
) -> tuple[FailingUnit, ...]:
    """`_failing_units` of a (spec, window) whose units the query left out."""
    found = unlisted()
    at = [i for i, run in enumerate(zip(*found.failing[1:3], strict=True)) if run == key]
    start, stop = (at[0], at[-1] + 1) if at else (0, 0)
    return _failing_units(spec, end, found.failing, start, stop, district)


def _failing_units(
    spec: RecordSpec,
    end: dt.date,
    failing: Sequence[Sequence[Any]],
    start: int,
    stop: int,
    district: str | None,
) -> tuple[FailingUnit, ...]:
    """The failing units of a result (of a district), from the rows ``start`` to
    ``stop`` of the query's failing-unit columns (`Fetched.failing`)."""
    columns = [c[start:stop] for c in failing[3:_LISTED]]
    if district is not None:
        keep = [d == district for d in columns[2]]
        columns = [list(itertools.compress(c, keep)) for c in columns]
    return listed_units(spec, end, *columns)


def judge_tables(
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
    check_keys: bool = False,
    failing_units_to: Table | None = None,
    log_from: dt.date | None = None,
    doubts: Doubts | None = None,
    rejected: Rejections | None = None,
) -> Evaluation:
    """Judge the rules with ``[rule.records]`` on a register and log table in a
    database, counting in SQL. ``tables`` are the reconciliations to report (of
    records read by qrules); by default, the tables' own (rows counted or not).
    ``check_keys``: see `summarize`. ``doubts`` (records read by qrules) or
    ``rejected`` (tables in place) are the rejected rows that bound the counts.
    The results are those of the reference engine (`evaluate_records`); with
    ``failing_units_to``, the failing units are written to that new table
    (`stored`) and the results list none."""
    dialect = database.dialect
    chosen = [r for r in (rulebook.rules if rules is None else rules) if r.records is not None]
    # Tables in place: whether the log lacks a kind (result) some rule filters
    # on is answered by a pass made anyway, for the doubts (`Summary.lacks`).
    asked = (
        frozenset(c for r in chosen if r.records is not None for c in r.records.filtered)
        if rejected is not None and doubts is not None and doubts.unset is not None
        else frozenset()
    )
    in_place = rejected is not None
    rejected = rejected or Rejections()
    summary = summarize(
        database,
        register,
        log,
        check_keys=check_keys,
        exact_log=bool(rejected.log_rows),
        plain=rejected.plain,
        lacking=asked,
    )
    if summary.unclean:
        raise Unclean(f"{register.name} or its log holds rows to reject")
    if summary.lacks and doubts is not None:
        doubts = attrs.evolve(doubts, told=dict(summary.lacks))
    if summary.ids_given is not None and doubts is not None:
        # (No row without an inspection id: none to ask of, `_rejected.repeats`;
        # else what told it is not read again, `Doubts.stated`.)
        doubts = attrs.evolve(
            doubts,
            repeats=None if summary.ids_given else doubts.repeats,
            stated=summary.ids_given,
        )
    if in_place and summary.filled and doubts is not None:
        # (Tables in place: their vacant units asked as `summarize` told it.)
        doubts = attrs.evolve(doubts, filled=summary.filled)
    queries = _planned(rulebook, chosen, summary, log, log_until, log_from, dialect)
    districts = (
        sorted(
            str(d)
            for (d,) in database.fetch(
                rendered(("districts", repr(register)), lambda: _districts(register), dialect)
            )
        )
        if by_district and register.has("district")
        else []
    )
    if tables is None:
        tables = reconciliations(register, log, summary, rejected)
        # (The note of where the log starts, as the readers' records get it.)
        first = summary.first_day if isinstance(summary.first_day, dt.date) else None
        if log is not None and (note := start_note(first, log_from)) is not None:
            tables = (*tables[:-1], attrs.evolve(tables[-1], notes=(*tables[-1].notes, note)))
    counted: dict[tuple[int, int], dict[str | None, Counts]] = {}

    def judged() -> Evaluation:
        return judge_all(
            rulebook,
            queries,
            lambda query: counted.get(plan.key(query), {}),
            districts,
            tables,
            progress,
            doubts if doubts is not None else Doubts.of(rejected.units, rejected.inspections),
        )

    # The rows fetched and the failing units made of them are many small
    # objects (`made_at_once`).
    with made_at_once():
        if queries:
            plan = Plan.of(queries)
            # Written to a table, the failing units are fetched as well where
            # rows that bound the counts need them (`_doubted`).
            listing = failing_units_to is None or _doubted(plan, doubts, rejected)
            met = _met_shares(rulebook, plan, doubts, rejected) if listing else {}
            with _members_once(database, plan, register, log) as members:
                counted = _collect(
                    plan,
                    database.stream(
                        _sql(
                            plan,
                            register,
                            log,
                            by_district,
                            dialect,
                            listing,
                            members,
                            met=met,
                        )
                    ),
                    failing=listing,
                    met=met,
                    unlisted=functools.cache(
                        functools.partial(_listed, database, plan, register, log, by_district)
                    ),
                )
                if failing_units_to is not None:
                    # Written once judged, each row with its result's verdict.
                    evaluation = judged()
                    verdicts = {
                        (r.rule.id, r.year): r.verdict.value
                        for r in evaluation
                        if r.district is None and r.year is not None
                    }
                    database.execute(
                        stored(plan, register, log, failing_units_to, members, verdicts).sql(
                            dialect=spoken(dialect)
                        )
                    )
                    unlisted = tuple(attrs.evolve(r, failing_units=()) for r in evaluation)
                    return attrs.evolve(evaluation, results=unlisted)
        evaluation = judged()
        # The fetched columns let go before the collector runs again (as the
        # block ends), which would walk them: but for the runs of results not
        # met, kept until their units are first read (`FailingUnitsLater`).
        counted.clear()
    return evaluation


def _doubted(plan: Plan, doubts: Doubts | None, rejected: Rejections) -> bool:
    """Whether rows that bound the counts may need the failing units: a log
    row rejected of a unit the register holds, or (for a rule counting only
    some kinds or results) a counted row lacking one, which could bring a
    failing unit to the number wanted (`Doubts.of_query`)."""
    if doubts is None:
        return bool(rejected.inspections)
    if doubts.inspections:
        return True
    # (Asked as the doubts ask it, once: told by the key check's pass, or a query.)
    return any(doubts.any_lacking(s.filtered) for s in plan.specs if s.needs_log)


def _planned(
    rulebook: Rulebook,
    chosen: Sequence[Rule],
    summary: Summary,
    log: Table | None,
    log_until: dt.date | None,
    log_from: dt.date | None,
    dialect: str,
) -> list[RecordQuery]:
    """The queries to count, in the years that the summary's first and last
    dates (and those declared) cover (a column whose dates are not dates: a
    `DataError` with the cast to use, in ``dialect``'s SQL)."""
    days = [d for d in (summary.first_day, summary.last_day) if d is not None]
    if log is not None and not all(isinstance(d, dt.date) for d in days):
        column = log.columns.get("date", "date")
        found = next(type(d).__name__ for d in days if not isinstance(d, dt.date))
        raise DataError(
            log.name,
            [
                Problem(
                    log.name,
                    say("engines.not_dates", column=column, found=found),
                    hint=say("engines.not_dates_hint", column=quoted_column(column, dialect)),
                )
            ],
        )
    coverage = Coverage.of(days, log_until=log_until, has_log=log is not None, log_from=log_from)
    return list(record_queries(rulebook, list(chosen), coverage))
