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
