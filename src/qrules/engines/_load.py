"""Registers and logs read by qrules, as columns for a database to load.

The SQL engines count records that qrules has read (and checked) the same way
as tables already in a database: the `Register` and `InspectionLog` become two
tables with the canonical columns, typed (dates DATE, flags BOOLEAN).
"""

from __future__ import annotations

from typing import Any

from .._records import InspectionLog, Register
from .._recordspec import FLAGS, LOG_COLUMNS, REGISTER_COLUMNS

__all__ = ["LOG_TYPES", "REGISTER_TYPES", "arrow", "log_columns", "register_columns"]

#: The SQL type of each canonical column of a loaded register and log.
REGISTER_TYPES: dict[str, str] = {
    **dict.fromkeys(REGISTER_COLUMNS, "VARCHAR"), "registered": "DATE", "closed": "DATE",
    **dict.fromkeys(FLAGS, "BOOLEAN")}
LOG_TYPES: dict[str, str] = {**dict.fromkeys(LOG_COLUMNS, "VARCHAR"), "date": "DATE"}


def register_columns(register: Register) -> dict[str, list[Any]]:
    units = register.units
    columns: dict[str, list[Any]] = {
        column: [getattr(u, column) for u in units] for column in REGISTER_COLUMNS
        if column not in FLAGS}
    for flag in FLAGS:
        columns[flag] = [flag in u.flags for u in units]
    return {column: columns[column] for column in REGISTER_COLUMNS}


def log_columns(log: InspectionLog) -> dict[str, list[Any]]:
    rows = log.inspections
    return {column: [getattr(i, column) for i in rows] for column in LOG_COLUMNS}


def arrow(columns: dict[str, list[Any]], types: dict[str, str]) -> Any:
    """An Arrow table of the columns (needs pyarrow)."""
    from .._records import _needs  # noqa: PLC0415 (pyarrow loads only when used)

    pa = _needs("pyarrow")
    kinds = {"VARCHAR": pa.string(), "DATE": pa.date32(), "BOOLEAN": pa.bool_()}
    schema = pa.schema([(name, kinds[types[name]]) for name in columns])
    return pa.table(columns, schema=schema)
