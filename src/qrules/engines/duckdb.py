"""DuckDB: the default fast engine (embedded, nothing to start).

Records read by qrules are handed to DuckDB as Arrow tables (registered, not
copied); tables already in a DuckDB database are counted where they are.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .._records import InspectionLog, Register, _needs, database_file
from ._load import LOG_TYPES, REGISTER_TYPES, arrow, log_columns, register_columns
from .sql import Table

__all__ = ["connect", "loaded"]


def connect(url: str | None = None) -> Any:
    """A new connection: in memory, or to ``duckdb:///path.db`` (read only)."""
    duckdb = _needs("duckdb")
    if url is None:
        return duckdb.connect()
    return duckdb.connect(database_file(url, "duckdb", url.removeprefix("duckdb://")),
                          read_only=True)


@contextmanager
def loaded(connection: Any, register: Register, log: InspectionLog | None
           ) -> Iterator[tuple[Table, Table | None]]:
    """The register and log as Arrow tables registered on the connection (under
    names of their own), for as long as the block runs."""
    suffix = uuid.uuid4().hex[:12]
    names = [f"qrules_register_{suffix}"]
    connection.register(names[0], arrow(register_columns(register), REGISTER_TYPES))
    if log is not None:
        names.append(f"qrules_log_{suffix}")
        connection.register(names[1], arrow(log_columns(log), LOG_TYPES))
    try:
        yield (Table.canonical(names[0], "register"),
               Table.canonical(names[1], "log") if log is not None else None)
    finally:
        for name in names:
            connection.unregister(name)
