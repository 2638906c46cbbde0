"""Where qrules calls outside code, that code's exceptions become qrules' errors.

In the spirit of httpx's ``map_exceptions``: each point where qrules opens a
file, parses one with a library (csv, json, tomllib, openpyxl, pyarrow) or
talks to a database driver (psycopg, duckdb, sqlite3, pyspark) runs inside
`outside`, which turns the failures that input can cause into a `DataError`
naming the file, database or table (and the row, when known) and what to do::

    with outside("register.parquet"):
        file = parquet.ParquetFile(path)

Only the kinds listed in `translated` are turned; anything else goes on, so
that ``qrules`` reports it as a bug (exit 3) rather than as bad input.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar
from xml.etree.ElementTree import ParseError

from ._errors import DataError, Problem, QRulesError

__all__ = ["OutputError", "first_line", "guarded", "outside", "translated", "writing"]

_Item = TypeVar("_Item")

#: The drivers whose errors are a database's answer, by their module's first name.
_DRIVERS = {"psycopg": "PostgreSQL", "psycopg2": "PostgreSQL", "duckdb": "DuckDB",
            "_duckdb": "DuckDB", "sqlite3": "SQLite", "pyarrow": "Arrow", "openpyxl": "openpyxl",
            "pyspark": "Spark", "py4j": "Spark", "grpc": "Spark"}

#: What to do about a Spark error, by its error class (Spark's ``[CLASS]`` prefix).
_SPARK_HINTS = {
    "TABLE_OR_VIEW_NOT_FOUND": "name the tables with register= and log= (--register-table, "
                               "--log-table): table, schema.table or catalog.schema.table",
    "UNRESOLVED_COLUMN": "name the columns with a mapping (docs/records.md#the-mapping-file)",
    "CAST_INVALID_INPUT": "a column has another type than qrules reads: cast it in a view, "
                          "and judge the view",
    "DATATYPE_MISMATCH": "a column has another type than qrules reads: cast it in a view, "
                         "and judge the view",
}


class OutputError(QRulesError, OSError):
    """A file that qrules was asked to write cannot be written there."""


def first_line(error: BaseException) -> str:
    """The first line of an error's message (a driver's may run to several)."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _os_problem(error: OSError, verb: str = "read") -> tuple[str, str | None]:
    """What an OS error says about a path, and what to do."""
    if isinstance(error, FileNotFoundError):
        return "no such file or folder", "check the path"
    if isinstance(error, IsADirectoryError):
        return "is a folder, where a file is expected", "give a file's path"
    if isinstance(error, NotADirectoryError):
        return "a part of the path is a file, not a folder", "check the path"
    if isinstance(error, PermissionError):
        return "permission denied", "check the file's permissions"
    return f"cannot be {verb}: {error.strerror or first_line(error)}", None


def _driver_problem(error: BaseException, driver: str) -> tuple[str, str | None]:
    message = first_line(error)
    lowered = str(error).lower()
    if driver == "PostgreSQL":
        if "does not exist" in lowered and "database" in lowered:
            return f"PostgreSQL: {message}", "check the database name in the URL"
        if "connection" in lowered or "connect" in lowered:
            return (f"PostgreSQL: {message}",
                    "is the server running, and are the host, port and user in the URL right?")
        if "relation" in lowered and "does not exist" in lowered:
            return (f"PostgreSQL: {message}",
                    "name the tables with --register-table and --log-table")
        if "operator does not exist" in lowered or "invalid input syntax" in lowered:
            return (f"PostgreSQL: {message}", "a column has another type than qrules reads "
                    "(dates are DATE columns): cast it in a view, and judge the view")
        return f"PostgreSQL: {message}", None
    if driver == "DuckDB":
        return f"DuckDB: {message}", "give a DuckDB database file (duckdb:///path.db)"
    if driver == "Spark":
        return _spark_problem(error)
    if driver == "SQLite":
        return f"SQLite: {message}", "give an SQLite database file (sqlite:///path.db)"
    if driver == "Arrow":
        return (f"not a readable Parquet or Arrow file: {message}",
                "export the table again; the file may be damaged or cut short")
    return f"not a readable file: {message}", None


def _spark_problem(error: BaseException) -> tuple[str, str | None]:
    """A Spark error in one line: its error class and message without the query
    plan Spark appends (the plan stays in the exception chain, for --debug)."""
    condition = getattr(error, "getCondition", None) or getattr(error, "getErrorClass", None)
    try:
        kind = str(condition()) if callable(condition) else ""
    except Exception:  # a Py4J error without a JVM behind it, …
        kind = ""
    message = first_line(error).split("; line ", 1)[0]
    if "java.lang.OutOfMemoryError" in str(error):
        return ("Spark: Java heap space (the driver or an executor ran out of memory)",
                "raise spark.driver.memory or spark.executor.memory")
    if len(message) > 300:
        message = message[:297] + "…"
    return f"Spark: {message}", _SPARK_HINTS.get(kind.split(".", 1)[0])


def translated(error: BaseException, source: str, where: str | None = None
               ) -> QRulesError | None:
    """The qrules error that ``error``, raised while reading ``source``, stands
    for; ``None`` when it is not an error that input can cause."""
    name = Path(source).name or source if "://" not in source else source
    hint: str | None = None
    if isinstance(error, QRulesError):
        return error
    if isinstance(error, OSError) and not _driver_of(error):
        message, hint = _os_problem(error)
        if error.filename is not None and str(error.filename) != source:
            message = f"{error.filename}: {message}"
    elif isinstance(error, RecursionError):
        message, hint = "nested too deeply to read", "is this the file you meant?"
    elif isinstance(error, MemoryError):
        message = "too large to read into memory"
        hint = ("load it into a database and judge it there with --database "
                "(docs/engines.md)")
    elif isinstance(error, UnicodeError):
        message = f"not text qrules can read: {first_line(error)}"
    elif isinstance(error, csv.Error):
        message = f"not a readable CSV file: {first_line(error)}"
    elif isinstance(error, zipfile.BadZipFile | zipfile.LargeZipFile):
        message = f"not a readable .xlsx file: {first_line(error)}"
    elif isinstance(error, ParseError):
        message = f"not a readable .xlsx file: damaged XML ({first_line(error)})"
    elif driver := _driver_of(error):
        message, hint = _driver_problem(error, driver)
    else:
        return None
    return DataError(source, [Problem(name, message, where=where, hint=hint)])


def _driver_of(error: BaseException) -> str | None:
    for kind in type(error).__mro__:
        driver = _DRIVERS.get(kind.__module__.split(".", 1)[0])
        if driver is not None:
            return driver
    return None


@contextmanager
def outside(source: str, *, where: str | None = None) -> Iterator[None]:
    """Run outside code on ``source``; what input can make it raise is raised
    as a qrules error naming ``source`` (and ``where``)."""
    try:
        yield
    except QRulesError:
        raise
    except Exception as error:  # translated, or raised again as it was
        found = translated(error, source, where)
        if found is None:
            raise
        raise found from None


def guarded(items: Iterable[_Item], source: str) -> Iterator[_Item]:
    """``items`` read as `outside` reads: for rows that a driver or a parser
    produces lazily, whose errors surface only as they are read (one ``try``
    around the whole loop, nothing per row)."""
    try:
        yield from items
    except QRulesError:
        raise
    except Exception as error:  # translated, or raised again as it was
        found = translated(error, source)
        if found is None:
            raise
        raise found from None


@contextmanager
def writing(path: Path) -> Iterator[None]:
    """Write ``path``; an OS error is an `OutputError` naming it."""
    try:
        yield
    except OSError as error:
        message, hint = _os_problem(error, "written")
        raise OutputError(f"cannot write {str(path)!r}: {message}"
                          + (f" ({hint})" if hint else "")) from None
