"""Registers and logs read by qrules, as columns for a database to load.

The SQL engines count records that qrules has read (and checked) the same way
as tables already in a database: the `Register` and `InspectionLog` become two
tables with the canonical columns, typed (dates DATE, flags BOOLEAN).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from .._columns import arrow_columns
from .._recordspec import FLAGS, LOG_COLUMNS, REGISTER_COLUMNS
from ..records.direct import TableRows
from ..records.read import InspectionLog, Register, record_columns
from .sql import Table

__all__ = [
    "LOG_TYPES",
    "REGISTER_TYPES",
    "InPlace",
    "Staged",
    "arrow",
    "canonical",
    "load",
    "log_columns",
    "python_lists",
    "register_columns",
    "staged",
    "unload",
]

#: The SQL type of each canonical column of a loaded register and log.
REGISTER_TYPES: dict[str, str] = {
    **dict.fromkeys(REGISTER_COLUMNS, "VARCHAR"),
    "registered": "DATE",
    "closed": "DATE",
    **dict.fromkeys(FLAGS, "BOOLEAN"),
}
LOG_TYPES: dict[str, str] = {**dict.fromkeys(LOG_COLUMNS, "VARCHAR"), "date": "DATE"}


#: A table to load: its name, its kind (register or log), its columns and their types.
Staged = tuple[str, str, Mapping[str, Any], dict[str, str]]


#: The numbers of the staged tables' names in use in this process.
_IN_USE: set[int] = set()
_NAMING = threading.Lock()


@contextmanager
def staged(register: Register, log: InspectionLog | None) -> Iterator[list[Staged]]:
    """The register and the log as tables to load, for as long as the block
    runs, each under a name no other evaluation of this process is using
    (``qrules_register_<n>``, the smallest ``n`` free), so that evaluations
    never meet. The same names come back run after run: the text of the
    queries generated over them is kept between runs (`engines._sqltext`)."""
    with _NAMING:
        number = min(set(range(1, len(_IN_USE) + 2)) - _IN_USE)
        _IN_USE.add(number)
    try:
        tables = [
            (f"qrules_register_{number}", "register", register_columns(register), REGISTER_TYPES)
        ]
        if log is not None:
            tables.append((f"qrules_log_{number}", "log", log_columns(log), LOG_TYPES))
        yield tables
    finally:
        with _NAMING:
            _IN_USE.discard(number)


def canonical(tables: list[Staged]) -> tuple[Table, Table | None]:
    """The loaded register and log as the generated SQL reads them."""
    found = [Table.canonical(name, kind, checked=True) for name, kind, _, _ in tables]
    return found[0], found[1] if len(found) > 1 else None


def register_columns(register: Register) -> Mapping[str, Any]:
    """The register's columns: lists, Arrow columns as read (not copied), or
    a table in DuckDB (`InPlace`)."""
    if isinstance(register.rows, TableRows):
        return InPlace(register.rows)
    if (columns := arrow_columns(register.rows)) is not None:
        return columns
    return record_columns(register.units, REGISTER_COLUMNS)


def log_columns(log: InspectionLog) -> Mapping[str, Any]:
    """The log's columns: lists, Arrow columns as read (not copied), or a
    table in DuckDB (`InPlace`)."""
    if isinstance(log.rows, TableRows):
        return InPlace(log.rows)
    if (columns := arrow_columns(log.rows)) is not None:
        return columns
    return record_columns(log.inspections, LOG_COLUMNS)


class InPlace(Mapping[str, Any]):
    """Rows that DuckDB read (`records.direct.TableRows`): a view of their
    table on the connection holding it (`load`); elsewhere their Arrow
    columns, fetched when first asked for."""

    def __init__(self, rows: TableRows) -> None:
        self.rows = rows

    def _columns(self) -> dict[str, Any]:
        columns = arrow_columns(self.rows.columns())
        assert columns is not None
        return columns

    def __getitem__(self, name: str) -> Any:
        return self._columns()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(REGISTER_COLUMNS if self.rows.kind == "register" else LOG_COLUMNS)

    def __len__(self) -> int:
        return len(REGISTER_COLUMNS if self.rows.kind == "register" else LOG_COLUMNS)


def load(connection: Any, name: str, columns: Mapping[str, Any], types: dict[str, str]) -> None:
    """A staged table on a DuckDB connection under ``name``: a view of rows
    DuckDB holds on this connection, judged where they are; otherwise the
    Arrow table of the columns, registered (not copied)."""
    if isinstance(columns, InPlace) and columns.rows.connection is connection:
        connection.execute(f"CREATE TEMP VIEW {name} AS {columns.rows.query}")
    else:
        connection.register(name, arrow(dict(columns), types))


def unload(connection: Any, name: str, columns: Mapping[str, Any]) -> None:
    """The staged table ``name`` gone from the connection (`load`)."""
    if isinstance(columns, InPlace) and columns.rows.connection is connection:
        connection.execute(f"DROP VIEW IF EXISTS {name}")
    else:
        connection.unregister(name)


def arrow(columns: Mapping[str, Any], types: dict[str, str], *, dictionaries: bool = True) -> Any:
    """An Arrow table of the columns (needs pyarrow); Arrow columns are not
    copied. Text read dictionary-encoded (`qrules._columns`: a log's kinds and
    results) stays so, as DuckDB reads it, unless ``dictionaries`` is false
    (for a database that does not read it)."""
    from .._tabular import needs  # noqa: PLC0415 (pyarrow loads only when used)

    pa = needs("pyarrow")
    kinds = {"VARCHAR": pa.string(), "DATE": pa.date32(), "BOOLEAN": pa.bool_()}
    encoded = {
        name
        for name, values in columns.items()
        if dictionaries
        and types[name] == "VARCHAR"
        and isinstance(getattr(values, "type", None), pa.DictionaryType)
    }
    schema = pa.schema(
        [(name, columns[name].type if name in encoded else kinds[types[name]]) for name in columns]
    )
    return pa.table(columns, schema=schema)


def python_lists(columns: Mapping[str, Any]) -> dict[str, list[Any]]:
    """The columns as lists of Python values (for a driver that copies rows)."""
    return {
        name: values.to_pylist() if hasattr(values, "to_pylist") else values
        for name, values in columns.items()
    }
