"""PostgreSQL: records judged where they live, in a server (psycopg 3).

Tables already in the database are counted in place. Records read by qrules
are copied (``COPY``) into temporary tables of the session, dropped when the
evaluation ends.

The SQL qrules writes spells a backslash in a string literal as itself, as
PostgreSQL reads it with ``standard_conforming_strings`` on (its default since
9.1): every connection qrules opens or is given is set so first, whatever the
server, database or role says (`conforming`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .._tabular import needs
from ..records.read import InspectionLog, Register
from ._staging import canonical, python_lists, staged
from .sql import Table

__all__ = ["conforming", "connect", "loaded"]


def connect(url: str) -> Any:
    """A connection to ``postgresql://user@host:port/database``."""
    psycopg = needs("psycopg")
    return conforming(psycopg.connect(url, autocommit=True))


def conforming(connection: Any) -> Any:
    """``connection``, set to read a backslash in a string literal as a
    backslash (with it off, ``'a\\'b'`` is an escaped quote: a code with a
    backslash would match another value, or the query would not parse).

    On a connection in a transaction the setting holds from here on, and after
    the transaction once it commits (a rollback puts back what it was)."""
    connection.execute("SET standard_conforming_strings = on")
    return connection


@contextmanager
def loaded(
    connection: Any, register: Register, log: InspectionLog | None
) -> Iterator[tuple[Table, Table | None]]:
    """The register and log copied into temporary tables for as long as the
    block runs."""
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
