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
from contextlib import ExitStack, contextmanager
from typing import Any
from urllib.parse import urlsplit

from .._boundary import address_reason, first_line, os_reason, without_password
from .._errors import DataError, Problem, QRulesError
from .._fardates import held_text
from .._messages import Text, say
from .._tabular import needs
from ..records.read import InspectionLog, Register
from ._staging import arrow, canonical, python_lists, staged
from .sql import Table, column_type, staged_name

__all__ = ["Spark", "connect", "loaded"]


def _session(session: Any) -> Any:
    """``session``, when it is a SparkSession (classic or Spark Connect): a
    SparkContext, say, has no SQL to run the query with."""
    if not callable(getattr(session, "sql", None)) or not hasattr(session, "catalog"):
        raise QRulesError(say("engines.spark_session", kind=type(session).__name__))
    return session


def _refusal(error: OSError | ValueError) -> Text:
    """Why the server could not be reached (`os_reason`: the catalog's words
    for the common refusals, a host not found among them), or, for an address
    that cannot be read (a bad port, brackets that do not pair), the catalog's."""
    if isinstance(error, OSError):
        return os_reason(error)
    return address_reason(error)


#: How long the server has to be reached, and to answer as a gRPC server does.
CONNECT_SECONDS = 10

#: HTTP/2's client connection preface, then an empty SETTINGS frame (RFC 9113 3.4).
_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + bytes([0, 0, 0, 4, 0, 0, 0, 0, 0])


def connect(url: str) -> Any:
    """A new Spark Connect session to the server at ``sc://host:port`` (15002
    when no port is given); the caller stops it.

    The server is reached first, in at most ten seconds: pyspark's client would
    otherwise retry an unreachable server for minutes before saying so. Then,
    once pyspark has read the URL, the server must answer as a gRPC server
    does (`_answers_http2`), in ten seconds more: pyspark would wait on a port
    that accepts and says nothing (or says something else) for minutes too."""
    try:
        parts = urlsplit(url)  # (a bracket left open: "Invalid IPv6 URL")
        address = (parts.hostname or "localhost", parts.port or 15002)
        socket.create_connection(address, timeout=CONNECT_SECONDS).close()
    except (OSError, ValueError) as error:  # refused, timed out, no such host, bad port
        raise _refused(
            url,
            say("engines.spark_unreachable", error=_refusal(error)),
            say("engines.spark_unreachable_hint"),
        ) from None
    needs("pyspark")
    try:
        with _quiet():
            session = importlib.import_module("pyspark.sql.connect.session").SparkSession
    except ImportError as error:  # pyspark without grpcio and the rest of its connect extra
        raise _refused(
            url,
            say("engines.spark_connect_needs", error=first_line(error)),
            say("engines.spark_connect_install"),
        ) from None
    # Spark Connect's own builder, and a new session: pyspark's getOrCreate()
    # refuses a remote session beside a classic one, or hands back a shared one.
    # (The rest of the URL, its ;parameters, is read here: pyspark's error, a
    # driver's, is exit 2 at the boundary.)
    with _quiet():
        created = session.builder.remote(url).create()
    failed = _answers_http2(address, _over_tls(url))
    if failed is not None:
        created.client.close()  # (its stop() would ask the server to end the session)
        raise _refused(
            url,
            say(
                "engines.spark_not_connect",
                address=f"{address[0]}:{address[1]}",
                seconds=CONNECT_SECONDS,
                error=failed,
            ),
            say("engines.spark_not_connect_hint"),
        )
    return created


def _refused(url: str, message: Text, hint: Text) -> DataError:
    """The error of a Spark Connect URL, shown without its token."""
    shown = without_password(url)
    return DataError(shown, [Problem(shown, message, hint=hint)])


def _over_tls(url: str) -> bool:
    """Whether pyspark reaches the server over TLS: ``use_ssl=true``, or a token
    (in the URL or ``SPARK_CONNECT_AUTHENTICATE_TOKEN``) to a host other than
    ``localhost`` (pyspark's ``ChannelBuilder.toChannel``; the URL already read
    by pyspark, so well formed)."""
    with _quiet():
        client = importlib.import_module("pyspark.sql.connect.client")
    channel = client.DefaultChannelBuilder(url)
    return bool(channel.use_ssl or (channel.token is not None and channel.host != "localhost"))


def _answers_http2(address: tuple[str, int], tls: bool) -> Text | None:
    """``None`` when the server at ``address`` answers HTTP/2's connection
    preface with a SETTINGS frame (every gRPC server, Spark Connect's
    included, does at once), within `CONNECT_SECONDS` in all; else what it did.
    Over TLS (``h2`` asked for), the server's certificate is not checked here:
    only whether it speaks the protocol (pyspark checks the certificate)."""
    import ssl  # noqa: PLC0415 (only Spark Connect needs it)
    import time  # noqa: PLC0415

    deadline = time.monotonic() + CONNECT_SECONDS
    header = b""
    try:
        with ExitStack() as closing:
            stream = closing.enter_context(
                socket.create_connection(address, timeout=CONNECT_SECONDS)
            )
            if tls:
                context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
                context.set_alpn_protocols(["h2"])
                stream = closing.enter_context(
                    context.wrap_socket(stream, server_hostname=address[0])
                )
            stream.sendall(_PREFACE)
            while len(header) < 9:  # a frame's header: length, type, flags, stream
                stream.settimeout(max(deadline - time.monotonic(), 0.001))
                chunk = stream.recv(9 - len(header))
                if not chunk:
                    return say("engines.spark_not_connect_closed")
                header += chunk
    except TimeoutError:  # (a frame's header begun and never ended is no answer either)
        return say(
            "engines.spark_not_connect_other" if header else "engines.spark_not_connect_silent"
        )
    except (OSError, ValueError) as error:  # reset, TLS refused, ...
        return _refusal(error)
    if header[3] != 4 or header[4] & 1 or any(header[5:]):  # SETTINGS, no ACK, stream 0
        return say("engines.spark_not_connect_other")
    return None


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

    def fetch(self, sql: str, *, again: bool = False) -> Sequence[Sequence[Any]]:
        frame = self.session.sql(sql)
        try:
            return [tuple(row) for row in frame.collect()]
        except (OverflowError, ValueError):
            # A date pyspark cannot make a Python date of (a Parquet file's
            # year 10000, or DuckDB's infinity): the dates fetched as text.
            dated = [i for i, f in enumerate(frame.schema.fields) if _dated(f.dataType)]
            if not dated:
                raise
        names = [f"c{i}" for i in range(len(frame.columns))]
        renamed = frame.toDF(*names)
        texts = renamed.select(
            *(renamed[n].cast("string") if i in dated else renamed[n] for i, n in enumerate(names))
        )
        return [
            tuple(held_text(v) if i in dated else v for i, v in enumerate(row))
            for row in texts.collect()
        ]

    def execute(self, sql: str) -> None:
        self.session.sql(sql)  # a statement runs when it is issued

    def stream(self, sql: str) -> Iterator[Sequence[Any]]:
        """The rows a partition at a time (``toLocalIterator``), in order: never
        the whole result on the driver at once (``spark.driver.maxResultSize``)."""
        for row in self.session.sql(sql).toLocalIterator():
            yield tuple(row)

    def columns(self, sql: str) -> list[tuple[str, str]]:
        return [(f.name, _column_type(f)) for f in self.session.sql(sql).schema.fields]

    def stage(self, values: Sequence[str]) -> str:
        """A temporary view of the session (`Database.stage`)."""
        name = staged_name(self.session.catalog.tableExists)
        frame = self.session.createDataFrame([(v,) for v in values], schema="value STRING")
        frame.createTempView(name)  # (not createOrReplace: never a view of the user's)
        return name

    def unstage(self, name: str) -> None:
        self.session.catalog.dropTempView(name)


def _dated(kind: Any) -> bool:
    """Whether a Spark type is of dates (DATE, TIMESTAMP, TIMESTAMP_NTZ)."""
    return str(kind.typeName()) in ("date", "timestamp", "timestamp_ntz")


def _column_type(field: Any) -> str:
    """How qrules reads a column of a Spark schema (`column_type`): a
    ``CHAR(n)`` column, which Spark gives as a string padded with spaces to
    its length (and names in the field's metadata), ``char`` (`Table.padded`)."""
    written = str((field.metadata or {}).get("__CHAR_VARCHAR_TYPE_STRING", ""))
    if written.lower().startswith("char(") or field.dataType.typeName() == "char":
        return "char"
    return column_type("spark", field.dataType.typeName())


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
