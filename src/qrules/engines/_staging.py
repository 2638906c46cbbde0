"""Registers and logs read by qrules, as columns for a database to load.

The SQL engines count records that qrules has read (and checked) the same way
as tables already in a database: the `Register` and `InspectionLog` become two
tables with the canonical columns, typed (dates DATE, flags BOOLEAN).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .._columns import arrow_columns
from .._recordspec import FLAGS, LOG_COLUMNS, REGISTER_COLUMNS
from ..records.read import InspectionLog, Register, record_columns
from .sql import Table

__all__ = [
    "LOG_TYPES",
    "REGISTER_TYPES",
    "Staged",
    "arrow",
    "canonical",
    "log_columns",
    "python_lists",
    "register_columns",
    "staged",
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
Staged = tuple[str, str, dict[str, Any], dict[str, str]]


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


def register_columns(register: Register) -> dict[str, Any]:
    """The register's columns: lists, or Arrow columns as read (not copied)."""
    if (columns := arrow_columns(register.rows)) is not None:
        return columns
    return record_columns(register.units, REGISTER_COLUMNS)


def log_columns(log: InspectionLog) -> dict[str, Any]:
    """The log's columns: lists, or Arrow columns as read (not copied)."""
    if (columns := arrow_columns(log.rows)) is not None:
        return columns
    return record_columns(log.inspections, LOG_COLUMNS)


def arrow(columns: dict[str, Any], types: dict[str, str], *, dictionaries: bool = True) -> Any:
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


def python_lists(columns: dict[str, Any]) -> dict[str, list[Any]]:
    """The columns as lists of Python values (for a driver that copies rows)."""
    return {
        name: values.to_pylist() if hasattr(values, "to_pylist") else values
        for name, values in columns.items()
    }
