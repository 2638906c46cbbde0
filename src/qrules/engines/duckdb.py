"""DuckDB: the default fast engine (embedded, nothing to start).

Records read by qrules are handed to DuckDB as Arrow tables (registered, not
copied); tables already in a DuckDB database are counted where they are.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .._tabular import database_file, duckdb_connection
from ..records.read import InspectionLog, Register
from ._staging import canonical, load, staged, unload
from .sql import Table

__all__ = ["connect", "loaded"]


def connect(url: str | None = None) -> Any:
    """A new connection: in memory, or to ``duckdb:///path.db`` (read only), with
    external access, extension loading and configuration changes switched off
    (see docs/security.md)."""
    if url is None:
        return duckdb_connection()
    return duckdb_connection(database_file(url, "duckdb", url.removeprefix("duckdb://")))


@contextmanager
def loaded(
    connection: Any, register: Register, log: InspectionLog | None
) -> Iterator[tuple[Table, Table | None]]:
    """The register and log as Arrow tables registered on the connection (under
    names of their own), for as long as the block runs."""
    with staged(register, log) as tables:
        try:
            for name, _, columns, types in tables:
                load(connection, name, columns, types)
            yield canonical(tables)
        finally:
            for name, _, columns, _ in tables:
                unload(connection, name, columns)


def refuse_made(database: Any, table: Table) -> None:
    """DuckDB's own refusal of a table to make (``failing_units_to``) that is
    there already, raised before any row is read, not once the rules are
    judged (where DuckDB would raise it making the table): the same error
    (``Catalog Error: Table with name "x" already exists!``), said by the
    error boundary in the same words. The name is looked up as ``CREATE
    TABLE`` resolves it (without case; a table or view of the database, not
    a temporary one nor a frame registered, which the new table would sit
    beside); a two-part name that could be a schema's or a database's is
    left to DuckDB, which refuses it as ambiguous or makes it."""
    import duckdb  # noqa: PLC0415 (its error, raised as DuckDB raises it)

    *parts, name = table.name.split(".")
    found = _made_already(database, parts, name)
    if found is not None:
        raise duckdb.CatalogException(f'Catalog Error: {found} with name "{name}" already exists!')


def _made_already(database: Any, parts: list[str], name: str) -> str | None:
    """``Table`` or ``View``: what of that name is where ``CREATE TABLE``
    would make the table (``parts``: its database and schema, as given)."""
    from ._sqltext import exp, spoken  # noqa: PLC0415 (sqlglot only when a table is written)

    def text(value: str) -> str:
        return str(exp.Literal.string(value).sql(dialect=spoken("duckdb")))

    if len(parts) == 2:
        places = [(text(parts[0]), text(parts[1]))]
    elif len(parts) == 1:
        # (A schema of the database, or a database's own schema ``main``.)
        schemas = database.fetch(
            "SELECT count(*) FROM duckdb_schemas() WHERE lower(database_name) ="
            f" lower(current_database()) AND lower(schema_name) = lower({text(parts[0])})"
        )[0][0]
        databases = database.fetch(
            "SELECT count(*) FROM duckdb_databases()"
            f" WHERE lower(database_name) = lower({text(parts[0])})"
        )[0][0]
        if schemas and databases:
            return None  # (DuckDB's to refuse: ambiguous)
        places = (
            [("current_database()", text(parts[0]))] if schemas else [(text(parts[0]), "'main'")]
        )
    else:
        places = [("current_database()", "current_schema()")]
    [(database_name, schema)] = places
    kinds = database.fetch(
        "SELECT kind FROM (SELECT database_name AS d, schema_name AS s, table_name AS n,"
        " 'Table' AS kind FROM duckdb_tables() WHERE NOT temporary UNION ALL"
        " SELECT database_name, schema_name, view_name, 'View' FROM duckdb_views()"
        " WHERE NOT temporary AND NOT internal)"
        f" WHERE lower(d) = lower({database_name}) AND lower(s) = lower({schema})"
        f" AND lower(n) = lower({text(name)}) LIMIT 1"
    )
    return str(kinds[0][0]) if kinds else None
