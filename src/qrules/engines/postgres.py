"""PostgreSQL: records judged where they live, in a server (psycopg 3).

Tables already in the database are counted in place. Records read by qrules
are copied (``COPY``) into temporary tables of the session, dropped when the
evaluation ends.

The SQL qrules writes reads the same whatever ``standard_conforming_strings``
says (a string literal holding a backslash is an escape string ``E'...'``,
`_sqltext.spoken`), so qrules sets nothing on a connection, its own or one it
is given.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .._boundary import postgres_folded, without_secret
from .._errors import DataError, Problem
from .._messages import data, say
from .._tabular import needs
from ..records.read import InspectionLog, Register
from ._sqltext import exp, spoken
from ._staging import canonical, python_lists, staged
from .sql import Table

__all__ = ["connect", "loaded", "refuse_case_twin", "refuse_other_encodings"]


def connect(url: str) -> Any:
    """A connection to ``postgresql://user@host:port/database``.

    A driver's error says no part of the URL's password: libpq and psycopg
    quote what they cannot read of a URL (``unexpected spaces found in "pa
    ss"``), or a tail of a password with an ``@`` read as a host (``u:p@ss@h``:
    ``failed to resolve host 'ss@h'``); the error is raised again, of its
    class, its message without them (`without_secret`) and without the first
    (whose message holds them) chained."""
    psycopg = needs("psycopg")
    try:
        return psycopg.connect(url, autocommit=True)
    except psycopg.Error as error:
        raise type(error)(without_secret(str(error), url)) from None


def refuse_other_encodings(connection: Any) -> None:
    """A `DataError` when qrules' queries cannot run on the connection, saying
    what to do (no round trip: psycopg knows both encodings).

    1. The database's encoding: qrules' queries look for values spelled
       otherwise (full-width letters, which a reader reads as ASCII), so they
       hold characters beyond ASCII and Latin-1, which a ``LATIN1`` (or any
       other single-byte) database cannot hold: PostgreSQL refuses the query
       ("has no equivalent in encoding"). They run in ``UTF8``, and in
       ``SQL_ASCII``, which stores the bytes it is given (`_spelled`).
    2. The client encoding: psycopg sends the queries in it, and cannot in
       ``SQL_ASCII`` (what a connection to such a database has unless it asks
       otherwise: "'ascii' codec can't encode character")."""
    info = connection.info
    server = str(info.parameter_status("server_encoding") or "")
    if server.upper() not in ("UTF8", "SQL_ASCII", ""):
        message, hint = "engines.postgres_server_encoding", "engines.postgres_server_encoding_hint"
    elif str(info.encoding).lower().replace("_", "-") not in ("utf-8", "utf8"):
        message, hint = "engines.postgres_encoding", "engines.postgres_encoding_hint"
    else:
        return
    client = str(info.parameter_status("client_encoding") or info.encoding)
    name = str(info.dbname)
    raise DataError(
        name,
        [
            Problem(
                name,
                say(message, client=data(client), server=data(server)),
                hint=say(hint, server=data(server)),
            )
        ],
    )


def refuse_case_twin(database: Any, table: Table) -> None:
    """A `DataError` when ``table``, a table qrules is to make
    (``failing_units_to``), has a twin: the table its name names in SQL
    written without double quotes. qrules takes a name as given, each part
    quoted, to make a table as to read one (`Table.ref`); PostgreSQL holds a
    name written without quotes in lower case, so ``Out2`` would be made as
    ``"Out2"`` beside an ``out2`` made so, and a later ``SELECT * FROM Out2``
    would read ``out2``: the old rows, taken for the new. DuckDB and Spark hold
    names without case, and refuse the same call (the table is there). Asked
    of the server (``to_regclass`` reads its text as such SQL does), and only
    for a name with a capital letter (`postgres_folded`: a name without one is its own)."""
    if postgres_folded(table.name) == table.name:
        return
    # (The name, checked as an identifier, as a string literal: no SQL of it.)
    unquoted = exp.func("to_regclass", exp.Literal.string(table.name))
    [(twin,)] = database.fetch(
        exp.select(exp.cast(unquoted, "TEXT")).sql(dialect=spoken("postgres"))
    )
    if twin is None:
        return
    quoted = ".".join(part.sql(dialect="postgres") for part in table.ref("t").parts)
    raise DataError(
        table.name,
        [
            Problem(
                table.name,
                say("engines.postgres_twin", twin=str(twin), table=table.name, quoted=quoted),
                hint=say("engines.postgres_twin_hint", twin=str(twin)),
            )
        ],
    )


@contextmanager
def loaded(
    connection: Any, register: Register, log: InspectionLog | None
) -> Iterator[tuple[Table, Table | None]]:
    """The register and log copied into temporary tables for as long as the
    block runs."""
    refuse_other_encodings(connection)
    with staged(register, log) as names, connection.cursor() as cursor:
        # In the session's own schema, named so: the staged names are the same
        # run after run, and unqualified they could name a user's table (read
        # instead, under a search_path with pg_temp after it; dropped, after a
        # failure before the temporary one was made).
        tables = [(f"pg_temp.{name}", kind, columns, types) for name, kind, columns, types in names]
        try:
            for name, _, columns, types in tables:
                # Names made here and fixed column names and types: no value is in the text.
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {name} ("
                    + ", ".join(f"{c} {types[c]}" for c in columns)
                    + ")"
                )
                with cursor.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in zip(*python_lists(columns).values(), strict=True):
                        copy.write_row(row)
                cursor.execute(f"ANALYZE {name}")
            yield canonical(tables)
        finally:
            for name, *_ in tables:
                cursor.execute(f"DROP TABLE IF EXISTS {name}")
