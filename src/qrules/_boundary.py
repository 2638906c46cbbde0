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

import contextlib
import csv
import decimal
import errno
import io
import os
import re
import stat
import sys
import tomllib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO, TypeVar

from ._errors import DataError, Problem, QRulesError
from ._escape import terminal
from ._limits import MAX_CSV_FIELD_CHARS, number_problem
from ._messages import Text, data, joined, say

__all__ = [
    "OutputError",
    "address_reason",
    "first_line",
    "guarded",
    "link_target",
    "os_error",
    "os_reason",
    "outside",
    "postgres_folded",
    "replace_file",
    "table_problem",
    "toml_long_integer",
    "toml_number",
    "translated",
    "without_password",
    "without_secret",
    "write_file",
    "write_stream",
    "writing",
]

_Item = TypeVar("_Item")

#: The drivers whose errors are a database's answer, by their module's first name.
_DRIVERS = {
    "psycopg": "PostgreSQL",
    "psycopg2": "PostgreSQL",
    "duckdb": "DuckDB",
    "_duckdb": "DuckDB",
    "sqlite3": "SQLite",
    "pyarrow": "Arrow",
    "openpyxl": "openpyxl",
    "pyspark": "Spark",
    "py4j": "Spark",
    "grpc": "Spark",
}

#: What to do about a Spark error, by its error class (Spark's ``[CLASS]`` prefix).
_SPARK_HINTS = {
    "TABLE_OR_VIEW_NOT_FOUND": "driver.spark_tables",
    "UNRESOLVED_COLUMN": "driver.spark_columns",
    "CAST_INVALID_INPUT": "driver.spark_type",
    "DATATYPE_MISMATCH": "driver.spark_type",
}


class OutputError(QRulesError, OSError):
    """A file that qrules was asked to write cannot be written there."""


def first_line(error: BaseException) -> str:
    """The first line of an error's message (a driver's may run to several),
    its control characters shown, not run (`terminal`): outside code's words
    may quote the input's bytes (pyarrow's "don't know what type: \\x0e" of a
    damaged Parquet footer), and a message is text for a terminal."""
    text = str(error).strip()
    return terminal(text.splitlines()[0]) if text else type(error).__name__


def csv_problem(error: Exception) -> tuple[Text, Text | None]:
    """What the csv module's error says, in qrules' words, and what to do."""
    detail = first_line(error)
    if detail.startswith("field larger than field limit"):
        return say("read.csv_field_too_long", limit=MAX_CSV_FIELD_CHARS, detail=detail), None
    return say("read.not_csv", detail=detail), say("read.csv_hint")


#: Where tomllib says a TOML file's error is: "… (at line 3, column 5)", "… (at end of document)".
_TOML_AT = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")


def toml_error(error: ValueError) -> tuple[str, Text | None]:
    """A TOML parser's error: its own words (English, which an English message
    quotes) without their place, and the place in qrules' words (line and
    column, or the end of the file), when it says one."""
    text = first_line(error)
    found = _TOML_AT.search(text)
    if found is None:
        return text, None
    if found.group(1) is None:
        return text[: found.start()], say("where.end_of_document")
    line, column = int(found.group(1)), int(found.group(2))
    return text[: found.start()], say("where.line_column_number", line=line, column=column)


def toml_long_integer(text: str) -> Problem:
    """The problem of TOML text for which tomllib raised a bare `ValueError`
    (not its `TOMLDecodeError`): an integer longer than Python converts (4,300
    digits), said of the line that writes it. ``Problem.file`` is left empty
    for the caller to name (as `toml_number`'s)."""
    found = _long_integer(text)
    where = None if found is None else say("where.line", line=text.count("\n", 0, found) + 1)
    return Problem("", say("limits.too_long"), where, hint=say("limits.toml_number_hint"))


#: A run of digits too long for Python to convert, whatever it is in TOML (a
#: number, a bare key, a string's or a comment's text).
_LONG_RUN = re.compile(r"[0-9_]{4301,}")


def _long_integer(text: str) -> int | None:
    """Where in ``text`` the integer that tomllib cannot convert begins.

    tomllib's words name no place, and a run of digits may as well be a bare
    key or be inside a string or a comment: the runs are written short (each
    its own digits, so keys stay distinct) and given back in halves, and the
    first run whose return makes tomllib fail so is the integer (tomllib parses
    in order; a few parses of a file already bounded in size). ``None`` when no
    run is (then tomllib failed for another reason)."""
    runs = [m for m in _LONG_RUN.finditer(text) if len(m[0].replace("_", "")) > 4300]

    def fails(given_back: int) -> bool:
        # The first ``given_back`` runs as written, the others short.
        parts, at = [], 0
        for i, run in enumerate(runs[given_back:], given_back):
            parts += [text[at : run.start()], str(10**6 + i)]
            at = run.end()
        try:
            tomllib.loads("".join(parts) + text[at:])
        except ValueError as error:
            return not isinstance(error, tomllib.TOMLDecodeError)
        except (RecursionError, ArithmeticError):
            return False
        return False

    low, high = 0, len(runs)  # (fails(low) is false, fails(high) true: bisect between)
    if not runs or fails(low):
        return None  # (no such run, or another cause)
    if not fails(high):
        return runs[0].start()
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if fails(middle) else (middle, high)
    return runs[high - 1].start()


def toml_number(data: object) -> Problem | None:
    """The problem of parsed TOML's first number (an integer, or a float
    whatever its type) beyond `number_problem`'s limits, said of its key
    (``a.b[2].c``); ``None`` when every number is within them. A longer one
    (``0xfff…`` of 4,000 digits) made a message or a JSON output raise
    Python's own ValueError: exit 3. ``Problem.file`` is left empty for the
    caller to name.

    A walk of its own, after tomllib's: tomllib's one hook, ``parse_float``,
    sees floats alone and no key, and the loader's checks read each key by
    its own checker (a number may stand under any of them, or under a key no
    checker reads), so the number check cannot sit in either without a
    checker per key. It is cheap beside the parse (a few per cent of a load
    not served from the snapshot)."""
    stack: list[tuple[str, object]] = [("", data)]
    while stack:  # (depth first, in the file's order, without recursion)
        key, value = stack.pop()
        if isinstance(value, dict):
            stack.extend((f"{key}.{k}" if key else str(k), v) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend((f"{key}[{i}]", v) for i, v in reversed(list(enumerate(value))))
        elif isinstance(value, int | float | decimal.Decimal) and not isinstance(value, bool):
            # (A binary float as TOML wrote it, its shortest form: ``0.0015``,
            # not the sixty-odd digits of the double nearest it.)
            number = decimal.Decimal(repr(value)) if isinstance(value, float) else value
            if (why := number_problem(number)) is not None:
                return Problem("", say(why), key=key, hint=say("limits.toml_number_hint"))
    return None


#: A URL's password (``scheme://user:password@``), wherever a URL is in a text.
_PASSWORD = re.compile(r"(\w://[^/@\s\"']*?:)[^/@\s\"']*@")
#: A Spark Connect URL's token (``sc://host/;token=…``).
_TOKEN = re.compile(r"(;token=)[^;\s\"']*", re.IGNORECASE)
#: A password given as a URL's query parameter (``postgresql://host/db?password=…``,
#: which libpq reads as the password too).
_QUERY_PASSWORD = re.compile(r"([?&](?:ssl)?password=)[^&#\s\"']*", re.IGNORECASE)


def without_password(text: str) -> str:
    """``text`` with the password or token of each URL in it shown as ``***``:
    a URL the URL parser cannot read, a Spark Connect URL, or a driver's
    message that quotes one."""
    text = _QUERY_PASSWORD.sub(r"\1***", _PASSWORD.sub(r"\1***@", text))
    return _TOKEN.sub(r"\1***", text)


def without_secret(text: str, url: str) -> str:
    """``text``, a driver's message about ``url``, without the secret of the
    URL's user information (after its first ``:``, up to its last ``@``)
    wherever it is, nor any piece of it the driver read as something else and
    quotes (``u:p@ss@host``: libpq's password is ``p``, its host ``ss@host``),
    and without any URL's password (`without_password`)."""
    _, found, rest = url.partition("://")
    userinfo = re.split(r"[?#]", rest, maxsplit=1)[0].rpartition("@")[0]
    secret = userinfo.partition(":")[2] if found else ""
    if len(secret) >= _SHORT:
        # The whole secret wherever it stands apart (not inside a longer word:
        # a password ``pass`` leaves ``password`` alone).
        text = re.sub(rf"(?<![^\W_]){re.escape(secret)}(?![^\W_])", "***", text)
    if secret:
        text = _without_pieces(text, secret)
    return without_password(text)


#: A run of a secret shorter than this is masked only as the whole of a quoted
#: text (``'a'``): a one-character password masks no ``a`` of a message.
_SHORT = 3


def _without_pieces(text: str, secret: str) -> str:
    """``text`` with each run that starts a word or a quoted text and reads
    as the secret from its start or from after an ``@`` or ``:`` in it, not
    running on into a word, shown as ``***``: a run of `_SHORT` characters or
    more, or from after an ``@`` or ``:`` one of two or all the rest of the
    secret (a tail read as a host: ``'ss@host'``); shorter than `_SHORT` from
    the secret's start, only the whole of a quoted text."""
    starts = [0, *(k + 1 for k, c in enumerate(secret) if c in "@:")]
    shown: list[str] = []
    at = 0
    while at < len(text):
        longest = 0
        if at == 0 or text[at - 1] in " \t'\"=(/:":
            for start in starts:
                n = 0
                while at + n < len(text) and start + n < len(secret):
                    if text[at + n] != secret[start + n]:
                        break
                    n += 1
                whole = start + n == len(secret)
                apart = at + n == len(text) or not text[at + n].isalnum()
                quoted = (
                    whole
                    and at > 0
                    and text[at - 1] in "'\""
                    and at + n < len(text)
                    and text[at + n] == text[at - 1]
                )
                long_enough = n >= _SHORT or (start > 0 and (n >= 2 or whole)) or quoted
                if n and long_enough and apart:
                    longest = max(longest, n)
        if longest:
            shown.append("***")
            at += longest
        else:
            shown.append(text[at])
            at += 1
    return "".join(shown)


def _os_problem(error: OSError, verb: str = "read") -> tuple[Text, Text | None]:
    """What an OS error says about a path, and what to do: a path that is not
    there, a folder, or not to be read, said alone with what to do; any other
    refusal as the path that cannot be read (or written) and why."""
    number = None if _raised_by(error, "socket", "gaierror") else _errno_of(error)
    if number in _HINTS:
        return os_reason(error), say(_HINTS[number])
    return say(f"os.cannot_be_{verb}", error=os_reason(error)), None


def os_reason(error: OSError) -> Text:
    """Why the system refused, for a message that says what qrules was doing,
    in either language: the catalog's words for the common refusals (by
    errno, or by the error's class where it has none), else the system's
    own words, as data. The one place an OS error's text is said."""
    if _raised_by(error, "socket", "gaierror"):  # (the resolver's codes, not errno's)
        found = sys.modules["socket"]
        unknown = {getattr(found, name, None) for name in ("EAI_NONAME", "EAI_NODATA")}
        return say("os.no_such_host" if error.errno in unknown else "os.host_not_looked_up")
    number = _errno_of(error)
    if number in _REASONS:
        return say(_REASONS[number])
    system = data(error.strerror or first_line(error))
    return Text(system, system)


def _errno_of(error: OSError) -> int | None:
    """The error's errno, or the one its class stands for when it has none
    (``TimeoutError("timed out")``, as a socket raises it)."""
    if error.errno is not None:
        return int(error.errno)
    return next((n for kind, n in _CLASSES if isinstance(error, kind)), None)


#: The system's common refusals, by errno: the catalog's words for each.
_REASONS = {
    errno.ENOENT: "os.not_found",
    errno.EACCES: "os.permission",
    errno.EPERM: "os.not_permitted",
    errno.EISDIR: "os.is_a_folder",
    errno.ENOTDIR: "os.not_a_folder",
    errno.ENOSPC: "os.no_space",
    errno.EROFS: "os.read_only",
    errno.ELOOP: "os.too_many_links",
    errno.ENAMETOOLONG: "os.name_too_long",
    errno.EEXIST: "os.exists",
    errno.EMFILE: "os.too_many_open",
    errno.ECONNREFUSED: "os.connection_refused",
    errno.ETIMEDOUT: "os.timed_out",
    errno.ENETUNREACH: "os.network_unreachable",
    errno.EHOSTUNREACH: "os.host_unreachable",
    errno.ECONNRESET: "os.connection_reset",
    errno.EADDRNOTAVAIL: "os.address_unavailable",
}
#: What to do about the refusals `_os_problem` says alone.
_HINTS = {
    errno.ENOENT: "os.check_path",
    errno.EISDIR: "os.give_a_file",
    errno.ENOTDIR: "os.check_path",
    errno.EACCES: "os.check_permissions",
    errno.EPERM: "os.check_permissions",
}
#: The errno an error of each class stands for, when it carries none.
_CLASSES: tuple[tuple[type[OSError], int], ...] = (
    (FileNotFoundError, errno.ENOENT),
    (IsADirectoryError, errno.EISDIR),
    (NotADirectoryError, errno.ENOTDIR),
    (PermissionError, errno.EACCES),
    (FileExistsError, errno.EEXIST),
    (ConnectionRefusedError, errno.ECONNREFUSED),
    (ConnectionResetError, errno.ECONNRESET),
    (TimeoutError, errno.ETIMEDOUT),
)
_NOT_A_PORT = re.compile(r"Port could not be cast to integer value as (.*)")
_NOT_AN_IP = re.compile(r"(.*) does not appear to be an IPv4 or IPv6 address")


def address_reason(error: ValueError) -> Text:
    """Why an address cannot be read (by Python's URL parser, as a port, as a
    host name), in the catalog's words; else Python's, as data."""
    message = first_line(error)
    if port := _NOT_A_PORT.fullmatch(message):
        return say("os.port_not_a_number", port=port.group(1))
    if host := _NOT_AN_IP.fullmatch(message):
        return say("os.not_an_ip", host=host.group(1))
    if message.startswith("Port out of range"):
        return say("os.port_out_of_range")
    if message == "Invalid IPv6 URL":
        return say("os.brackets")
    if isinstance(error, UnicodeError) and "idna" in message:
        return say("os.bad_host")
    return say("os.bad_address_said", detail=message)


#: A table a driver's error says is missing, by its own words: PostgreSQL's
#: ``relation "x" does not exist``, DuckDB's ``Table with name x does not
#: exist``, Spark's ``The table or view `x` cannot be found``.
_NO_TABLE = re.compile(
    r'relation "(?P<pg>[^"]+)" does not exist'
    r"|table with name (?P<duck>\S+) does not exist"
    r"|the table or view (?P<spark>\S+) cannot be found"
    r"|no such table: (?P<lite>\S+)",
    re.IGNORECASE,
)
#: A column a driver's error says is missing, by its own words (PostgreSQL,
#: DuckDB, Spark, SQLite).
_NO_COLUMN = re.compile(
    r'column "([^"]+)" does not exist'
    r'|referenced column "?([^"\s]+)"? not found'
    r"|with name `([^`]+)` cannot be resolved"
    r"|no such column: (\S+)",
    re.IGNORECASE,
)
#: A right PostgreSQL says is missing that is not reading a table: its words
#: name what the right is on (``permission denied for schema locked``).
_READ_RIGHT_ELSEWHERE = re.compile(
    r"permission denied for "
    r"(schema|database|tablespace|function|procedure|sequence|language|type)\b"
)
#: What PostgreSQL (libpq) says of a URL it cannot read: a part of it, not the server.
_PG_URL = (
    "invalid uri",
    "uri query parameter",
    "connection option",
    "invalid sslmode",
    "invalid connection option",
    'missing "="',
    "end of string reached",
    "unterminated quoted string",
    "invalid percent-encoded",
    "invalid integer value",
    "invalid value for parameter",
)
#: What a driver says when it cannot reach its server at all.
_UNREACHABLE = (
    "connection refused",
    "failed to resolve host",
    "could not translate host name",
    "name or service not known",
    "timeout expired",
    "timed out",
    "no route to host",
    "network is unreachable",
    "could not connect to server",
)


def table_problem(error: BaseException, table: str) -> tuple[Text, Text | None]:
    """Why a driver could not read ``table``, in the catalog's words, and what
    to do: the table missing, a column missing, the user not allowed to read it
    (each said in both languages, the driver's words left out); any other error
    of a driver as `translated` says it; else the error's own first line."""
    driver = _driver_of(error)
    if driver is not None:
        said = _said_in_words(error, driver, str(error).lower(), table)
        if said is not None:
            return said
    return say("tabular.cannot_read_table", table=table, error=first_line(error)), None


def _said_in_words(
    error: BaseException, driver: str, lowered: str, table: str | None
) -> tuple[Text, Text | None] | None:
    """What a driver's error means, in the catalog's words (zh and en), when it
    is one a user meets and can act on: no such table, column or database, no
    right to read a table, a login refused, a server not reached, a URL not
    read. ``None`` for any other: the driver's words then stand, in a frame of
    the catalog's (`_driver_problem`)."""
    state = str(getattr(error, "sqlstate", None) or getattr(error, "pgcode", None) or "")
    kind = _spark_class(error).split(".", 1)[0] if driver == "Spark" else ""
    found = _NO_TABLE.search(str(error))
    if state == "42P01" or kind == "TABLE_OR_VIEW_NOT_FOUND" or found is not None:
        named = table or next((g for g in found.groups() if g), None) if found else table
        if named:
            hint = "driver.spark_tables" if driver == "Spark" else "driver.tables_hint"
            return say("driver.no_table", driver=driver, table=named.strip("`")), _folded_hint(
                driver, named, say(hint)
            )
    if (
        state == "42703"
        or kind == "UNRESOLVED_COLUMN"
        or (driver == "PostgreSQL" and "column" in lowered and "does not exist" in lowered)
        or (driver == "DuckDB" and "referenced column" in lowered and "not found" in lowered)
        or (driver == "SQLite" and "no such column" in lowered)
    ):
        column = _NO_COLUMN.search(str(error))
        named = next((g for g in column.groups() if g), "") if column else ""
        message = (
            say("driver.no_column_named", driver=driver, column=named)
            if named
            else say("driver.no_column", driver=driver)
        )
        return message, say("driver.spark_columns")
    # (DuckDB's "Permission denied" is the system's, of a file: said as other
    # errors of its files are. A right other than reading a table, CREATE on
    # a schema for failing_units_to, say, is said in the driver's words.)
    if (
        state == "42501"
        or kind.startswith("INSUFFICIENT_PERMISSIONS")
        or (driver in ("PostgreSQL", "Spark") and "permission denied" in lowered)
    ) and not _READ_RIGHT_ELSEWHERE.search(lowered):
        where = say("driver.table_named", table=table) if table else say("driver.a_table")
        return say("driver.no_permission", driver=driver, table=where), say(
            "driver.permission_hint"
        )
    if driver != "PostgreSQL":
        return None
    database = re.search(r'database "([^"]+)" does not exist', str(error))
    if state == "3D000" or database is not None:
        name = database.group(1) if database else ""
        return say("driver.no_database", driver=driver, database=name), say(
            "driver.postgres_database"
        )
    if state in ("28000", "28P01") or any(
        w in lowered for w in ("password authentication failed", "no password supplied", 'role "')
    ):
        return say("driver.login_refused", driver=driver), say("driver.login_hint")
    if any(w in lowered for w in _PG_URL):
        detail = data(without_password(first_line(error)))
        return say("driver.bad_url", driver=driver, detail=detail), say("driver.url_hint")
    if any(w in lowered for w in _UNREACHABLE):
        return say("driver.unreachable", driver=driver), say("driver.postgres_connection")
    return None


def _folded_hint(driver: str, name: str, hint: Text | None) -> Text | None:
    """``hint``, or on PostgreSQL, for a ``name`` (a table's, a schema's) not
    found that holds a capital letter, what such a name is called there: the
    server holds a name made without double quotes in lower case (``CREATE
    TABLE Register`` makes ``register``), and qrules takes a name as given,
    quoted, as it writes one (``failing_units_to``)."""
    folded = postgres_folded(name)
    if driver != "PostgreSQL" or folded == name:
        return hint
    said = say("driver.postgres_folded", folded=folded)
    return said if hint is None else joined((hint, said), say("list.semicolon"))


def postgres_folded(name: str) -> str:
    """``name`` as PostgreSQL holds it when written without double quotes: its
    capital ASCII letters small (other letters it keeps, in a UTF-8 database)."""
    return name.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _driver_problem(error: BaseException, driver: str) -> tuple[Text, Text | None]:
    message = without_password(first_line(error))  # (libpq quotes a URL it cannot parse)
    lowered = str(error).lower()
    if driver in ("PostgreSQL", "DuckDB", "Spark", "SQLite"):
        in_words = _said_in_words(error, driver, lowered, None)
        if in_words is not None:
            return in_words
    if driver in ("PostgreSQL", "DuckDB") and "already exists" in lowered:
        # (A table to write, failing_units_to's, that is there already: a new
        # name, not a database file, is what to give.)
        return say("driver.said", driver=driver, message=message), say("driver.table_exists")
    if driver == "PostgreSQL":
        said = say("driver.said", driver=driver, message=message)
        schema = re.search(r'schema "([^"]+)" does not exist', str(error))
        if schema is not None:  # (a table to write, failing_units_to's, in no such schema)
            return said, _folded_hint(driver, schema.group(1), None)
        if "connection" in lowered or "connect" in lowered:
            return said, say("driver.postgres_connection")
        if "operator does not exist" in lowered or "invalid input syntax" in lowered:
            return said, say("driver.postgres_type")
        if "invalid byte sequence for encoding" in lowered:  # SQL_ASCII text, not UTF-8
            return said, say("driver.postgres_bytes")
        return said, None
    if driver == "DuckDB":
        written = "cannot execute statement" in lowered and "read-only mode" in lowered
        hint = (
            # (A duckdb:/// URL is opened read only: a table cannot be written there.)
            say("driver.duckdb_read_only", option="failing_units_to", call="duckdb.connect(path)")
            if written
            else say("driver.duckdb_file")
        )
        return say("driver.said", driver=driver, message=message), hint
    if driver == "Spark":
        return _spark_problem(error)
    if driver == "SQLite":
        return say("driver.said", driver=driver, message=message), say("driver.sqlite_file")
    if driver == "Arrow":
        return say("driver.arrow", message=message), say("driver.arrow_again")
    return say("driver.unreadable", message=message), None


def _spark_class(error: BaseException) -> str:
    """A Spark error's class (``TABLE_OR_VIEW_NOT_FOUND``), or ``""``."""
    condition = getattr(error, "getCondition", None) or getattr(error, "getErrorClass", None)
    try:
        return str(condition() or "") if callable(condition) else ""
    except Exception:  # a Py4J error without a JVM behind it, …
        return ""


def _spark_problem(error: BaseException) -> tuple[Text, Text | None]:
    """A Spark error in one line: its error class and message without the query
    plan Spark appends (the plan stays in the exception chain, for --debug)."""
    kind = _spark_class(error)
    message = without_password(first_line(error).split("; line ", 1)[0])
    if "java.lang.OutOfMemoryError" in str(error):
        return say("driver.spark_memory"), say("driver.spark_memory_hint")
    if len(message) > 300:
        message = message[:297] + "…"
    hint = _SPARK_HINTS.get(kind.split(".", 1)[0])
    return say("driver.said", driver="Spark", message=message), None if hint is None else say(hint)


def translated(
    error: BaseException, source: str, where: str | Text | None = None
) -> QRulesError | None:
    """The qrules error that ``error``, raised while reading ``source``, stands
    for; ``None`` when it is not an error that input can cause."""
    name = Path(source).name or source if "://" not in source else source
    hint: Text | None = None
    if isinstance(error, QRulesError):
        return error
    if isinstance(error, OSError) and not _driver_of(error):
        message, hint = _os_problem(error)
        if error.filename is not None and str(error.filename) != source:
            message = say("os.of_file", file=str(error.filename), message=message)
    elif isinstance(error, RecursionError):
        message, hint = say("read.too_deep"), say("read.meant")
    elif isinstance(error, MemoryError):
        message, hint = say("read.too_large"), say("read.use_database")
    elif isinstance(error, UnicodeError):
        message, hint = say("read.not_text", detail=first_line(error)), say("read.text_hint")
    elif isinstance(error, csv.Error):
        message, hint = csv_problem(error)
    elif _raised_by(error, "zipfile", "BadZipFile", "LargeZipFile"):
        message, hint = say("read.not_xlsx", detail=first_line(error)), say("read.xlsx_hint")
    elif _raised_by(error, "xml.etree.ElementTree", "ParseError"):
        message, hint = say("read.damaged_xml", detail=first_line(error)), say("read.xlsx_hint")
    elif driver := _driver_of(error):
        message, hint = _driver_problem(error, driver)
    else:
        return None
    return DataError(source, [Problem(name, message, where=where, hint=hint)])


def _raised_by(error: BaseException, module: str, *names: str) -> bool:
    """Whether ``error`` is one of these exceptions of ``module``: a module not
    imported has raised none (so that a quick start imports neither zipfile nor
    an XML parser)."""
    found = sys.modules.get(module)
    return found is not None and isinstance(error, tuple(getattr(found, n) for n in names))


def _driver_of(error: BaseException) -> str | None:
    for kind in type(error).__mro__:
        driver = _DRIVERS.get(kind.__module__.split(".", 1)[0])
        if driver is not None:
            return driver
    return None


def os_error(error: OSError) -> QRulesError:
    """An OS error that no reading or writing point translated, as qrules'
    error: why the system refused, after the file it names, if any (not
    called a dataset, nor said to be read: which it was is not known here),
    and what to do, where the catalog knows."""
    reason = os_reason(error)
    if error.filename is not None:
        reason = say("os.of_file", file=str(error.filename), message=reason)
    number = _errno_of(error)
    hint = say("hint", hint=say(_HINTS[number])) if number in _HINTS else ""
    return QRulesError(say("os.refused", message=reason, hint=hint))


@contextmanager
def outside(source: str, *, where: str | Text | None = None) -> Iterator[None]:
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
    """Write ``path``; an OS error is an `OutputError` naming it (qrules' own
    errors, an `OutputError` among them, go on as they are)."""
    try:
        yield
    except QRulesError:
        raise
    except OSError as error:
        message, hint = _os_problem(error, "written")
        raise OutputError(
            say(
                "os.cannot_write",
                path=str(path),
                message=message,
                hint=say("hint", hint=hint) if hint else "",
            )
        ) from None


def write_file(path: Path, data: bytes) -> None:
    """Write ``data`` as the file ``path`` names, an output of qrules (``-o``):
    a new file put in its place by `replace_file` (what was there is kept
    whole until the new file is, and never half written), with the mode the
    old file had, or a new file's. A symbolic link is never written through to
    a file (a link an attacker left in a shared folder would make qrules
    overwrite the file it names): refused, an `OutputError`; so is one to a
    device or a FIFO (a disk's), but the system's names of the process's own
    streams (`_STREAM_NAMES`: ``/dev/stdout``, ``/dev/fd/1``). Where ``path``
    names no file (``/dev/null``, ``/dev/stdout`` on a pipe, a FIFO), it is
    written to as it is. Its OS errors are `writing`'s to say.

    ``path`` is looked at once, not following a link (`_status`); only a
    stream's name is followed, to what it names. So what is judged a file, a
    device or a link is what one look saw, and a name that is no link is never
    followed to one put in its place since."""
    seen = _status(path, follow=False)
    linked = seen is not None and stat.S_ISLNK(seen.st_mode)
    if linked and not _stream_name(path):
        raise OutputError(say("cli.output_link", path=str(path), target=link_target(path)))
    found = _status(path, follow=True) if linked else seen  # (a stream's name: what it names)
    if found is not None and not stat.S_ISREG(found.st_mode):
        # (No file: a device, a FIFO, written to as it is. O_NOFOLLOW but for
        # a stream's name: a link put in its place since the look is refused
        # by the system, not followed to the file it names.)
        nofollow = 0 if linked else getattr(os, "O_NOFOLLOW", 0)
        with os.fdopen(os.open(path, os.O_WRONLY | nofollow), "wb") as file:
            file.write(data)
        return
    if linked:  # (a stream's name that names a file, or nothing: not written through)
        raise OutputError(say("cli.output_link", path=str(path), target=link_target(path)))
    replace_file(path, data, mode=stat.S_IMODE(found.st_mode) if found else 0o666 & ~_umask())


def _status(path: Path, *, follow: bool) -> os.stat_result | None:
    """What ``path`` names (``follow``: through a link; else the link itself),
    ``None`` where nothing is there; any other OS error is raised."""
    try:
        return os.stat(path, follow_symlinks=follow)
    except FileNotFoundError:
        return None


def link_target(path: Path) -> str:
    """What the symbolic link ``path`` names, for a message refusing it (``?``
    when it went away since it was seen: it is refused all the same)."""
    try:
        return os.readlink(path)
    except OSError:
        return "?"


#: The links the system keeps for a process's own streams (Linux's ``/dev``),
#: written through by `write_file` to what they name when it is no file (``-o
#: /dev/stdout`` on a pipe).
_STREAM_NAMES = ("/dev/stdout", "/dev/stderr")
_STREAM_FOLDERS = ("/dev/fd/", "/proc/self/fd/")


def _stream_name(path: Path) -> bool:
    text = str(path)
    return text in _STREAM_NAMES or text.startswith(_STREAM_FOLDERS)


def write_stream(stream: TextIO, text: str) -> None:
    """Write ``text`` whole to ``stream`` (standard output, a report).

    Python's unbuffered standard output (``PYTHONUNBUFFERED=1``, as many
    containers set it, or ``python -u``) is a text layer straight over the
    file, which does not finish a write the system cut short: a process
    stopped and continued (Ctrl-Z then ``fg``; a supervisor pausing it)
    while a full pipe held it wrote 65,536 bytes of its report, lost the rest
    without an error, and exited 1 as if the whole report had been written.
    Here each write goes on from where the last one ended (a buffered layer
    does so itself), and a file that would block (``O_NONBLOCK``, which a
    parent may set on a shared pipe: the write writes nothing) is waited
    for, not given up; so is Python's buffered standard output (the default),
    whose buffer, on such a pipe, raised `BlockingIOError` once full: what it
    holds is written first, then the report under it, on its file. Python
    opens its standard streams translating no line end (``newline="\\n"``) on
    POSIX, so the bytes are the text layer's own."""
    buffer = getattr(stream, "buffer", None)
    raw = getattr(buffer, "raw", buffer)  # (a buffered layer's file, or the file)
    if not isinstance(stream, io.TextIOWrapper) or not isinstance(raw, io.RawIOBase):
        stream.write(text)
        return
    while True:  # (what was written before, first)
        try:
            stream.flush()
            break
        except BlockingIOError:
            _writable(raw)
    data = memoryview(text.encode(stream.encoding, stream.errors or "strict"))
    while data:
        written = raw.write(data)
        if written is None:  # (it would block: wait until it can be written)
            _writable(raw)
            continue
        data = data[written:]


def _writable(file: io.RawIOBase) -> None:
    """Wait until ``file``, which would block, can be written to."""
    import select  # noqa: PLC0415 (seldom needed)

    select.select([], [file], [])


def replace_file(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Put a file holding ``data`` at ``path``, atomically: a temporary file
    beside it (in its folder, so that the rename stays on one file system),
    written, given ``mode`` (``None``: the temporary file's own, 0600), then
    renamed over ``path`` (a reader sees the old file or the new one, never
    half of one; a symbolic link at ``path`` is replaced, not written
    through). On any failure the temporary file is removed and the error
    raised: what to make of it (an output's error, a cache not written) is
    the caller's."""
    import tempfile  # noqa: PLC0415 (seldom needed, and slow to import)

    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _umask() -> int:
    """The process's umask: read from ``/proc/self/status`` where the system
    says it there (Linux 4.7 and later), else by setting it and setting it
    back, which another thread's file made in between would be made with."""
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
