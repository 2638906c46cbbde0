"""Spark SQL: the path past one machine.

The query is rendered in Spark's dialect and run through a `SparkSession`
you pass in (qrules does not start one). Tables known to the session
(``spark.table(...)``, a catalog's tables, temporary views) are counted where
they are; records read by qrules become temporary views for the evaluation.
"""

from __future__ import annotations

import importlib.util
import socket
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from .._boundary import address_reason, first_line, os_reason, without_password
from .._errors import DataError, Problem, QRulesError
from .._messages import Text, data, say
from .._tabular import needs
from ..records.read import InspectionLog, Register
from ._staging import arrow, canonical, python_lists, staged
from .sql import Table, column_type

__all__ = ["Spark", "connect", "loaded"]


def _session(session: Any) -> Any:
    """``session``, when it is a SparkSession (classic or Spark Connect): a
    SparkContext, say, has no SQL to run the query with."""
    if not callable(getattr(session, "sql", None)) or not hasattr(session, "catalog"):
        raise QRulesError(say("engines.spark_session", kind=type(session).__name__))
    return session


def _refusal(error: OSError | ValueError) -> Text:
    """Why the server could not be reached: the system's words (in Chinese,
    the catalog's for the common refusals), or, for an address that cannot be
    read (a bad port, brackets that do not pair), the catalog's."""
    if isinstance(error, socket.gaierror):
        return Text(say("os.no_such_host").zh, data(error.strerror or first_line(error)))
    if isinstance(error, OSError):
        return os_reason(error)
    return address_reason(error)


def connect(url: str) -> Any:
    """A new Spark Connect session to the server at ``sc://host:port`` (15002
    when no port is given); the caller stops it.

    The server is reached first, in at most ten seconds: pyspark's client would
    otherwise retry an unreachable server for minutes before saying so."""
    try:
        parts = urlsplit(url)  # (a bracket left open: "Invalid IPv6 URL")
        address = (parts.hostname or "localhost", parts.port or 15002)
        socket.create_connection(address, timeout=10).close()
    except (OSError, ValueError) as error:  # refused, timed out, no such host, bad port
        shown = without_password(url)
        raise DataError(
            shown,
            [
                Problem(
                    shown,
                    say(
                        "engines.spark_unreachable",
                        error=_refusal(error),
                    ),
                    hint=say("engines.spark_unreachable_hint"),
                )
            ],
        ) from None
    needs("pyspark")
    try:
        with _quiet():
            session = importlib.import_module("pyspark.sql.connect.session").SparkSession
    except ImportError as error:  # pyspark without grpcio and the rest of its connect extra
        raise DataError(
            without_password(url),
            [
                Problem(
                    without_password(url),
                    say("engines.spark_connect_needs", error=first_line(error)),
                    hint=say("engines.spark_connect_install"),
                )
            ],
        ) from None
    # Spark Connect's own builder, and a new session: pyspark's getOrCreate()
    # refuses a remote session beside a classic one, or hands back a shared one.
    # (The rest of the URL, its ;parameters, is read here: pyspark's error, a
    # driver's, is exit 2 at the boundary.)
    with _quiet():
        return session.builder.remote(url).create()


@contextmanager
def _quiet() -> Iterator[None]:
    """pyspark's warnings about the versions of its own dependencies (pandas
    3 "not yet fully supported") are not the user's to act on: not printed
    above qrules' output, nor an error where warnings are errors."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        yield


class Spark:
    """A SparkSession, as the SQL engine runs queries on it."""

    dialect = "spark"

    def __init__(self, session: Any) -> None:
        self.session = _session(session)

    def fetch(self, sql: str) -> Sequence[Sequence[Any]]:
        return [tuple(row) for row in self.session.sql(sql).collect()]

    def execute(self, sql: str) -> None:
        self.session.sql(sql)  # a statement runs when it is issued

    def stream(self, sql: str) -> Iterator[Sequence[Any]]:
        """The rows a partition at a time (``toLocalIterator``), in order: never
        the whole result on the driver at once (``spark.driver.maxResultSize``)."""
        for row in self.session.sql(sql).toLocalIterator():
            yield tuple(row)

    def columns(self, sql: str) -> list[tuple[str, str]]:
        return [
            (f.name, column_type("spark", f.dataType.typeName()))
            for f in self.session.sql(sql).schema.fields
        ]


def _frame(session: Any, columns: Mapping[str, Any], types: dict[str, str]) -> Any:
    """A DataFrame of the columns: sent as Arrow record batches where pyspark
    takes an Arrow table (4.0 on; classic and Spark Connect), else as rows."""
    if importlib.util.find_spec("pyarrow") and _takes_arrow():
        return session.createDataFrame(arrow(columns, types, dictionaries=False))
    schema = ", ".join(f"{c} {'STRING' if types[c] == 'VARCHAR' else types[c]}" for c in columns)
    return session.createDataFrame(
        list(zip(*python_lists(columns).values(), strict=True)), schema=schema
    )


def _takes_arrow() -> bool:
    # pyspark is there (a session is), but not always where mypy runs: no import
    # the type checker must resolve.
    version = str(importlib.import_module("pyspark").__version__)
    return int(version.split(".", 1)[0]) >= 4


@contextmanager
def loaded(
    session: Any, register: Register, log: InspectionLog | None
) -> Iterator[tuple[Table, Table | None]]:
    """The register and log as temporary views for as long as the block runs."""
    _session(session)
    with staged(register, log) as tables:
        try:
            for name, _, columns, types in tables:
                _frame(session, columns, types).createOrReplaceTempView(name)
            yield canonical(tables)
        finally:
            for name, *_ in tables:
                session.catalog.dropTempView(name)
