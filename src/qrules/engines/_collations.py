"""Text compared byte for byte: a table judged in place whose text a collation
compares otherwise is refused.

A file reader holds two ids, codes or districts the same only when they are
spelled the same (after NFKC, which `_spelled` makes the database's reading
agree with). A database compares text under the column's collation, or the
connection's default: under DuckDB's ``NOCASE`` a log row of unit ``if01``
joins register unit ``IF01``, which a reader rejects as a unit not in the
register; under ``NOACCENT`` the districts ``Café`` and ``Cafe`` are one; under
a nondeterministic ICU collation in PostgreSQL the same. The counting query's
joins, its ``COUNT(DISTINCT)``, its grouping by district and the key check's
anti-join would all compare that way, and a verdict be met that a reader finds
not met. So, before anything is counted, the columns qrules compares (every
column it reads but the unit's name, which is only shown) are read from the
catalog, once per table (on DuckDB, the register's and the log's in one
query), and one whose collation is not binary is a
`DataError` naming the table, the column and the collation, and what to do:

- DuckDB: each column's type as DuckDB binds it (its collation is part of it,
  not shown by ``duckdb_columns()``: taken from ``json_serialize_plan`` of a
  query of the columns, optimized to an empty result, which DuckDB serializes
  whatever the table is scanned by: a registered Arrow table or DataFrame's
  scan it does not), and the connection's ``default_collation``; binary is
  no collation, ``binary``, ``c`` or ``posix`` (``nfc``, ``noaccent``,
  ``nocase`` and every ICU locale collation hold some different values equal);
- PostgreSQL: each column's collation (``pg_attribute.attcollation``) and
  whether it is deterministic (``pg_collation.collisdeterministic``). A
  deterministic collation, ICU ones and a database's default included (which
  PostgreSQL keeps deterministic), holds two values equal only when their bytes
  are, so it only orders, and is accepted;
- Spark (4.0 on): each column's type as ``DESCRIBE QUERY`` gives it (``string
  collate UTF8_LCASE``); only ``UTF8_BINARY`` (a plain ``string``) is binary.
  And the session's default collation (``spark.sql.session.collation.default``),
  which Spark documents as the collation of string literals, casts and the
  strings builtins make, and which Databricks applies to every comparison
  without a collation of its own (``SELECT 'a' = 'A'`` true under
  ``UTF8_LCASE``): not binary, it is refused as DuckDB's ``default_collation``
  is, though Spark 4.3 as measured still compares literals byte for byte under
  it (a column's own binary collation takes precedence over a default anyway:
  refused because a comparison of two values of no column would not be).

Refused rather than compared ``COLLATE "C"`` everywhere: one look at the
catalog per table (under a millisecond) against a collation in every join,
``DISTINCT`` and grouping of the counting query. The key check's look once per
distinct value of the register's few-valued columns keeps its ``COLLATE "C"``
(``_holdings``): the same under a binary collation, and right for a `Table`
that did not come through this check (`summarize` called as it is).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .._errors import DataError, Problem
from .._messages import Text, data, say
from ._sqltext import exp, rendered, spoken

if TYPE_CHECKING:
    from .sql import Database, Table

__all__ = ["LOOKED", "collation_look", "refuse_collated", "refuse_default_collation"]

#: DuckDB's names for comparing byte for byte (each part of a combined
#: collation, ``nocase.noaccent``, lower-cased).
_DUCKDB_BINARY = frozenset({"", "binary", "c", "posix"})

#: Each dialect's binary collation, as a column is declared with it.
_BINARY = {"duckdb": '"C"', "postgres": '"C"', "spark": "UTF8_BINARY"}

#: The canonical columns only shown, never compared.
_SHOWN = frozenset({"name"})


def refuse_collated(
    database: Database,
    table: Table,
    kind: str,
    log: tuple[Table, str] | None = None,
    *,
    looked: Sequence[Any] | None = None,
) -> None:
    """A `DataError` when a column of ``table`` that qrules compares (or, on
    DuckDB, the connection) has a collation that is not binary; with ``log``
    (a second table and its kind), that table's columns too, after
    ``table``'s: on DuckDB, both read from one plan (`_duckdb_together`;
    ``looked``: the values of `collation_look`'s columns, fetched already in
    a query of the caller's)."""
    tables = [(table, kind), *([log] if log is not None else [])]
    if database.dialect == "duckdb" and log is not None:
        together = _duckdb_together(database, tables, looked)
        if together is not None:
            for (each, each_kind), (default, found) in zip(tables, together, strict=True):
                _refuse(database, each, each_kind, default, found)
            return
    for each, each_kind in tables:
        _refuse_one(database, each, each_kind)


def _compared(table: Table) -> dict[str, str]:
    """The table's columns that qrules compares: canonical to stored."""
    return {c: s for c, s in table.columns.items() if c not in _SHOWN}


def _refuse_one(database: Database, table: Table, kind: str) -> None:
    """`refuse_collated` of one table, in a look of its own."""
    compared = _compared(table)
    default: str | None = None
    if database.dialect == "duckdb":
        default, found = _duckdb(database, table, compared)
    elif database.dialect == "postgres":
        found = _postgres(database, table) if compared else {}
    elif database.dialect == "spark":
        default = _spark_default(database)
        found = _spark(database, table, compared) if compared else {}
    else:
        found = {}
    _refuse(database, table, kind, default, found)


def _refuse(
    database: Database, table: Table, kind: str, default: str | None, found: Mapping[str, str]
) -> None:
    """The `DataError` for the table's columns ``found`` collated (stored
    column to collation), and the connection's ``default`` collation, if any."""
    compared = _compared(table)
    problems = [] if default is None else [_default_problem(database, table.name, default)]
    problems += [
        Problem(
            table.name,
            say(
                "collate.column",
                column=stored,
                kind=say(f"table.{kind}"),
                canonical=canonical,
                collation=found[stored],
            ),
            hint=say(
                "collate.column_hint",
                collation=found[stored],
                binary=_BINARY.get(database.dialect, '"C"'),
            ),
        )
        for canonical, stored in compared.items()
        if stored in found
    ]
    if problems:
        raise DataError(table.name, problems)


def refuse_default_collation(database: Database, source: str) -> None:
    """A `DataError` when the connection (DuckDB's ``default_collation``,
    Spark's session default) compares text that is not in a column of its own
    under a collation that is not binary: records qrules loads into it
    (``source``) would be compared so."""
    if database.dialect == "duckdb":
        query = rendered(("default collation",), lambda: exp.select(_duckdb_setting()), "duckdb")
        default = _duckdb_default(database.fetch(query)[0][0])
    elif database.dialect == "spark":
        default = _spark_default(database)
    else:
        return
    if default is not None:
        raise DataError(source, [_default_problem(database, source, default)])


def _default_problem(database: Database, source: str, collation: str) -> Problem:
    spark = database.dialect == "spark"
    return Problem(
        source,
        say(
            "collate.spark_default" if spark else "collate.default",
            source=source,
            collation=collation,
        ),
        hint=say("collate.spark_default_hint" if spark else "collate.default_hint"),
    )


def _columns(table: Table, columns: Mapping[str, str]) -> exp.Select:
    """``SELECT`` the stored columns ``FROM`` the table (no rows are read)."""
    return (
        exp.select(*(exp.column(c, "t", quoted=True) for c in columns.values()))
        .from_(table.ref("t"))
        .where(exp.false())
    )


def _duckdb_setting() -> exp.Expr:
    return exp.func("current_setting", exp.Literal.string("default_collation"))


def _duckdb(
    database: Database, table: Table, columns: Mapping[str, str]
) -> tuple[str | None, dict[str, str]]:
    """The connection's default collation when it is not binary, and the stored
    columns' collations that are not binary, as DuckDB binds the columns
    (`json_serialize_plan`, optimized: its plan's root is an empty result of
    them, or projects them, in order, each with its type, a collation in the
    type's ``type_info``), in one query."""

    def planned() -> exp.Expr:
        selected: list[exp.Expr] = [_duckdb_setting()]
        if columns:
            inner = _columns(table, columns).sql(dialect=spoken("duckdb"))
            optimized = exp.PropertyEQ(this=exp.var("optimize"), expression=exp.true())
            selected.append(exp.func("json_serialize_plan", exp.Literal.string(inner), optimized))
        return exp.select(*selected)

    query = rendered(("collations", table.name, tuple(columns.values())), planned, "duckdb")
    row = database.fetch(query)[0]
    collated: dict[str, str] = {}
    if columns:
        bound = _bound(str(row[1]), len(columns))
        if isinstance(bound, Text):
            message = say("collate.unread", table=table.name, error=bound)
            raise DataError(table.name, [Problem(table.name, message)])
        for stored, collation in zip(columns.values(), bound, strict=True):
            if not _duckdb_binary(collation):
                collated[stored] = collation
    return _duckdb_default(row[0]), collated


#: The values `collation_look`'s columns give (`refuse_collated`'s ``looked``).
LOOKED = 2


def collation_look(
    database: Database, tables: Sequence[Table]
) -> tuple[Hashable, Callable[[], list[exp.Expr]]] | None:
    """`_duckdb_together`'s one query (DuckDB) for a caller to ask beside its
    own (one round trip fewer) and hand its values (`LOOKED` of them, last) to
    `refuse_collated` as ``looked``: a key naming its inputs, and its columns'
    builder (called once per key: the caller's text is kept, `rendered`);
    ``None`` elsewhere, or when a table has no column to look at (each is
    then looked at on its own)."""
    if database.dialect != "duckdb" or len(tables) < 2:
        return None
    columns = [_compared(table) for table in tables]
    if not all(columns):
        return None
    key = (
        "collations together",
        *((t.name, tuple(c.values())) for t, c in zip(tables, columns, strict=True)),
    )

    def build() -> list[exp.Expr]:
        aliases = [f"t{index}" for index in range(len(tables))]
        first, *rest = tables
        inner = exp.select(
            *(
                exp.column(c, alias, quoted=True)
                for alias, each in zip(aliases, columns, strict=True)
                for c in each.values()
            )
        ).from_(first.ref(aliases[0]))
        for alias, table in zip(aliases[1:], rest, strict=True):
            inner = inner.join(table.ref(alias), join_type="cross")
        text = inner.where(exp.false()).sql(dialect=spoken("duckdb"))
        optimized = exp.PropertyEQ(this=exp.var("optimize"), expression=exp.true())
        return [
            _duckdb_setting(),
            exp.func("json_serialize_plan", exp.Literal.string(text), optimized),
        ]

    return key, build


def _duckdb_together(
    database: Database, tables: list[tuple[Table, str]], looked: Sequence[Any] | None = None
) -> list[tuple[str | None, dict[str, str]]] | None:
    """`_duckdb` for several tables in one query (one plan of all their
    columns, the tables cross joined, optimized to an empty result:
    `collation_look`; ``looked``: its values, fetched already): for each, the
    connection's default collation when it is not binary and its columns'
    collations that are not binary. ``None`` when a table has no column to
    look at or the plan does not read: each table is then looked at on its own
    (whose error names it)."""
    columns = [_compared(table) for table, _ in tables]
    if not all(columns):
        return None
    if looked is None:
        look = collation_look(database, [t for t, _ in tables])
        assert look is not None
        key, build = look
        looked = database.fetch(rendered(key, lambda: exp.select(*build()), "duckdb"))[0]
    row = looked
    bound = _bound(str(row[1]), sum(len(c) for c in columns))
    if isinstance(bound, Text):
        return None
    default = _duckdb_default(row[0])
    found: list[tuple[str | None, dict[str, str]]] = []
    start = 0
    for each in columns:
        collations = bound[start : start + len(each)]
        start += len(each)
        found.append(
            (
                default,
                {
                    stored: collation
                    for stored, collation in zip(each.values(), collations, strict=True)
                    if not _duckdb_binary(collation)
                },
            )
        )
    return found


def _bound(plan: str, count: int) -> list[str] | Text:
    """The collations (``''``: none) of the ``count`` columns a query projects,
    from its plan as ``json_serialize_plan`` gives it; or, when the plan is an
    error or not shaped so, what is wrong."""
    try:
        found = json.loads(plan)
        if found.get("error"):
            error = data(found.get("error_message") or found.get("error_type"))
            return Text(error, error)  # DuckDB's own words
        root = found["plans"][0]
        if "return_types" in root:  # an empty result (optimized: ``WHERE false``)
            types = list(root["return_types"])
        else:
            types = [e["return_type"] for e in root["expressions"]]
        if len(types) != count or any(t.get("id") is None for t in types):
            raise ValueError(len(types))
        return [str((t.get("type_info") or {}).get("collation") or "") for t in types]
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return say("collate.plan_unread")


def _duckdb_binary(collation: str) -> bool:
    return all(part.strip().lower() in _DUCKDB_BINARY for part in collation.split("."))


def _duckdb_default(setting: object) -> str | None:
    """DuckDB's ``default_collation`` setting when it is not binary."""
    collation = str(setting or "")
    return None if _duckdb_binary(collation) else collation


def _postgres(database: Database, table: Table) -> dict[str, str]:
    """The table's columns whose collation is nondeterministic, by name (the
    table found as a query finds it: ``to_regclass`` of its quoted name)."""
    return {
        str(c): str(n)
        for c, n in database.fetch(
            rendered(("collations", table.name), lambda: _nondeterministic(table), "postgres")
        )
    }


def _nondeterministic(table: Table) -> exp.Expr:
    """PostgreSQL's query for `_postgres`."""
    name = table.ref("t")
    name.set("alias", None)
    attribute, collation = exp.column("attname", "a"), exp.column("collname", "c")
    return (
        exp.select(attribute, collation)
        .from_(exp.table_("pg_attribute", db="pg_catalog").as_("a"))
        .join(
            exp.table_("pg_collation", db="pg_catalog").as_("c"),
            on=exp.column("oid", "c").eq(exp.column("attcollation", "a")),
            join_type="inner",
        )
        .where(
            exp.and_(
                exp.column("attrelid", "a").eq(
                    exp.func(
                        "to_regclass", exp.Literal.string(name.sql(dialect=spoken("postgres")))
                    )
                ),
                exp.GT(this=exp.column("attnum", "a"), expression=exp.Literal.number(0)),
                exp.not_(exp.column("attisdropped", "a")),
                exp.not_(exp.column("collisdeterministic", "c")),
            )
        )
    )


#: Spark's setting of the session's default collation.
_SPARK_DEFAULT = "spark.sql.session.collation.default"


def _spark_default(database: Database) -> str | None:
    """The Spark session's default collation when it is not binary (``SET key``
    answers ``<undefined>`` where it was never set, and on a Spark without
    collations; ``UTF8_BINARY`` may come qualified, ``SYSTEM.BUILTIN.UTF8_BINARY``)."""
    rows = database.fetch(f"SET {_SPARK_DEFAULT}")
    value = str(rows[0][1] or "").strip() if rows and len(rows[0]) > 1 else ""
    if value in ("", "<undefined>") or value.rsplit(".", 1)[-1].upper() == "UTF8_BINARY":
        return None
    return value


def _spark(database: Database, table: Table, columns: Mapping[str, str]) -> dict[str, str]:
    """The stored columns whose type ``DESCRIBE QUERY`` gives with a collation
    other than ``UTF8_BINARY`` (``string collate UTF8_LCASE``)."""
    key = ("collations", table.name, tuple(columns.values()))
    rows = database.fetch(
        "DESCRIBE QUERY " + rendered(key, lambda: _columns(table, columns), "spark")
    )
    collated: dict[str, str] = {}
    for column, described, *_ in rows:
        _, marker, collation = str(described).partition(" collate ")
        name = collation.strip().rsplit(".", 1)[-1]
        if marker and name.upper() != "UTF8_BINARY":
            collated[str(column)] = collation.strip()
    return collated
