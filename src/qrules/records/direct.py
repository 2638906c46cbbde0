"""CSV files read by DuckDB's own reader, when qrules can prove they are plain.

``qrules check --register reg.csv --log log.csv`` on the DuckDB engine first
tries this route: DuckDB reads both files into tables of the connection it
judges on, and a few queries there prove that the readers (`qrules._columns`,
and the row readers of `records.read`, their oracle) would read every row to
the same values, rejecting none and saying nothing else. The register and
the log are then judged where they are (`TableRows`: views of the tables,
`engines._staging`). When anything is not proven, `read_files` gives ``None``
and the readers read the files as ever: the same results, reasons and notes.

What is proven, and how:

- The file: a regular file, opened here (``os.open``; DuckDB is handed
  ``/dev/fd/<n>`` of that file, never a path or an option taken from input),
  UTF-8 (with or without a byte-order mark) over the whole file, no NUL and no
  ASCII control character but the line ends (and a tab delimiter), its header
  one plain line (`qrules._columns.utf8_head`: the row reader's header,
  delimiter and encoding, read from the file's start), no quotation mark past
  the header line, and as many records as non-empty lines (the readers number
  rows by record, DuckDB skips empty lines): all but the header proven in one
  pass (`_lines`) while DuckDB reads the file (which also tells a plain
  file: ASCII, or, in a file large enough to be counted with numpy, ASCII
  and CJK ideographs, proven UTF-8 there without decoding; no space).
  DuckDB reads the file
  strictly: a row with more or fewer cells, text that is not UTF-8, a date or
  a code it does not take, a line longer than the csv module's longest field
  is an error, and the route declines (a text cell longer is counted too, by
  a filter DuckDB answers from row groups' statistics); so is a file written
  while it is read (`_stamp`: its size and times, before its head is read
  and after DuckDB).
- Unit ids (and inspection ids, and names): a cell of ASCII not starting or
  ending with a space (the file holds no other ASCII space), or of the plain
  characters `qrules._columns` knows (ASCII and CJK ideographs), is its own
  normal form (NFKC leaves it, there is nothing to trim); one that is not, or
  is a missing marker ("NA", "—"), or starts with ``#`` as an Excel error
  value's text does (``#N/A``: `_hashed`), is left to the readers (a name
  that is a marker reads as no name, as theirs); in a plain file, only an
  empty cell, a marker or such a text is not (`_unclean`; a name, only an
  empty one or such a text). A category or district that is an error
  value's text declines (`_Table.mapped`). Unit ids given
  once in the register, inspection ids once in the log (the numbers their
  digits read to distinct, in a map of bits: `_Table.repeats`; else their
  hashes distinct: a collision only declines), every log row's unit in the
  register (an anti-join). These proofs of the log may run while the
  records are judged (`read_files` with ``defer``: `Direct.confirmed`).
- Dates: DuckDB's parser of ``%Y-%m-%d`` (`_DATE_COLUMNS`), kept between 1900
  and 2200, none 1970-01-01 (the day it also reads the word ``epoch`` to);
  codes of a closed set: an ENUM of the codes the readers read to
  themselves; flags, an ENUM of their words' spellings (`_spellings`), each
  read by ``RowReader.flag``. Other codes (few distinct values): each distinct value
  is read by the readers' own functions (`RowReader.code`, ``flag``); a value
  they reject declines; what each reads to is written into the query. No
  category, no log date, a unit closed before it was registered: declined.

The notes are the readers' (columns not read, other categories, the log's
reach); rows read = rows used, none rejected.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import functools
import itertools
import math
import os
import stat
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, overload

import attrs

from .._columns import HEAD_BYTES, ColumnRows, CsvHead, utf8_head
from .._errors import DataError
from .._idnumbers import fits, letters, number_sql, repeats_sql
from .._limits import MAX_CSV_FIELD_CHARS
from .._messages import Text, say
from .._once import once
from .._recordspec import FLAGS, LOG_COLUMNS, RECORD_CODES, REGISTER_COLUMNS
from .._tabular import MISSING_MARKERS, error_text, needs, source_kind
from .doubts import VACANT
from .read import (
    FLAG_WORDS,
    ColumnMapping,
    InspectionLog,
    Register,
    RowReader,
    column_mapping,
    fetched_rows,
    other_categories,
)

__all__ = ["ENABLED", "Direct", "TableRows", "read_files"]

#: Whether `read_files` tries the route at all (tests turn it off to compare).
ENABLED = True

#: Distinct values of a column of codes, flags or dates read in Python at most.
_MOST_DISTINCT = 100_000
#: Values read to something else than themselves (mapped in SQL) at most.
_MOST_MAPPED = 256
#: Spellings of a flag's words an ENUM holds at most (`_spellings`).
_MOST_SPELLINGS = 1024
#: The columns of dates, read by DuckDB's parser of ``%Y-%m-%d`` (which takes
#: spaces around the date, a year of one to four digits, a month and a day of
#: one or two, a day that exists: `tests/test_direct.py` holds it to
#: `parse_date` on every such text); the readers read those of 1900 to 2200.
_DATE_COLUMNS = frozenset(("registered", "closed", "date"))
_FIRST_DAY, _LAST_DAY = dt.date(1900, 1, 1), dt.date(2200, 12, 31)
#: The day the parser also reads from the word ``epoch`` (in any case, between
#: spaces), which the readers reject: a column holding it declines. (It reads
#: ``infinity`` and ``-infinity`` to 9999-12-31 and 0001-01-01, out of reach.)
_EPOCH = dt.date(1970, 1, 1)
#: The column of inspection ids.
_IDS = "inspection"
#: The table's column of the inspection ids' numbers (`_Table._numbered`).
_NUMBER = "qrules_number"
#: DuckDB's longest line (``max_line_size``): a field the csv module reads at most.
_LONGEST_LINE = MAX_CSV_FIELD_CHARS
#: Bytes read at a time while a file's lines are counted.
_CHUNK = 1 << 22
#: A plain cell of CJK ideographs and printable ASCII (`qrules._columns`' `_PLAIN`).
_PLAIN_CHAR = r"!-~\x{4e00}-\x{9fff}"
_PLAIN = f"[{_PLAIN_CHAR}](?:[ {_PLAIN_CHAR}]*[{_PLAIN_CHAR}])?"
#: The missing markers written in ASCII (read whatever their case), and the others.
_ASCII_MARKERS = tuple(sorted(m for m in MISSING_MARKERS if m and m.isascii()))
_OTHER_MARKERS = tuple(sorted(m for m in MISSING_MARKERS if m and not m.isascii()))
#: The longest missing marker written in ASCII, in characters.
_MARKER_CHARS = max(map(len, _ASCII_MARKERS))
#: The missing markers a `_Lines.plain` file may hold but those in ASCII: of
#: CJK ideographs (``无``, ``暂无``; the others hold dashes, never in such a file).
_IDEOGRAPH_MARKERS = tuple(
    m for m in _OTHER_MARKERS if all(c.isascii() or "\u4e00" <= c <= "\u9fff" for c in m)
)
#: The longest missing marker a `_Lines.plain` file may hold, in bytes.
_PLAIN_MARKER_BYTES = max(len(m.encode()) for m in (*_ASCII_MARKERS, *_IDEOGRAPH_MARKERS))


class _Declined(Exception):
    """Something not proven plain: the readers read the files."""


@attrs.frozen
class Direct:
    """A register and a log read by DuckDB, proven read as the readers read
    them (or, read with ``defer``, until `confirmed` says otherwise), and the
    connection holding them (to judge them on, then close)."""

    register: Register
    log: InspectionLog | None
    connection: Any
    #: The log's proofs still running (`read_files` with ``defer``), or ``None``.
    pending: _Pending | None = None

    def confirmed(self) -> bool:
        """Whether the records are proven read as the readers read them
        (waits for the log's proofs, when deferred): when not, nothing judged
        on them may be shown, and the readers read the files."""
        return self.pending is None or self.pending.proven()

    def close(self) -> None:
        if self.pending is not None:
            self.pending.proven()  # (waits for them: the connection is closed after)
        self.connection.close()


class _Pending:
    """The log's proofs (`_log_proofs`) running on a thread of their own, on a
    cursor of their own, while the records are judged."""

    def __init__(self, table: _Table, units: _Table, connection: Any) -> None:
        from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415 (files only)

        self._cursor = connection.cursor()
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="qrules-proofs")
        self._future = self._pool.submit(_log_proofs, table, units, self._cursor)
        self._error = needs("duckdb").Error
        self._found: bool | None = None

    def proven(self) -> bool:
        """Whether the proofs held (waits for them; the first call ends the thread)."""
        if self._found is None:
            try:
                self._future.result()
                self._found = True
            except (_Declined, self._error, MemoryError):
                self._found = False
            finally:
                self._pool.shutdown()
                self._cursor.close()
        return self._found


def read_files(
    register: str,
    log: str | None,
    *,
    mapping: ColumnMapping | str | Path | None = None,
    defer: bool = False,
) -> Direct | None:
    """The register's and log's CSV files read by DuckDB, or ``None`` when the
    route declines (the readers read them then): see the module. With
    ``defer``, the log's proofs (its units in the register, its inspection ids
    their own and given once) are still running when the records are given:
    they may be judged meanwhile (DuckDB on both cores, while Python judges),
    and nothing judged shown until `Direct.confirmed` (``False``: close it, and
    let the readers read the files)."""
    found = _read_files(register, log, mapping)
    if found is not None and not defer and not found.confirmed():
        found.close()
        return None
    return found


def _read_files(
    register: str, log: str | None, mapping: ColumnMapping | str | Path | None
) -> Direct | None:
    if not ENABLED or not _possible(register, log):
        return None
    try:
        mapped = column_mapping(mapping)
    except DataError:
        return None  # the readers say what is wrong with it
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415 (files only)

    with contextlib.ExitStack() as files:
        try:
            units = _Table(
                "qrules_direct_register", register, _opened(register, files), "register", mapped
            )
            inspections = (
                _Table("qrules_direct_log", log, _opened(log, files), "log", mapped)
                if log is not None
                else None
            )
        except (_Declined, OSError, MemoryError):
            return None  # (out of memory: the readers say so, or read it)
        tables = [units] if inspections is None else [units, inspections]
        # The files' lines are counted (and what their heads assumed proven)
        # on a thread of its own while DuckDB reads them (it lets go of the
        # interpreter's lock), once DuckDB is imported (meanwhile, on a thread
        # of records/cli.py: the counting would only slow the import down).
        duckdb = needs("duckdb")
        pool = files.enter_context(ThreadPoolExecutor(2, thread_name_prefix="qrules-direct"))
        # Declined, the pass over the files stops at its next chunk (this
        # callback runs before the pool is waited for, as it is entered later).
        declined = threading.Event()
        files.callback(declined.set)
        scanned = pool.submit(_scanned, tables, declined)
        connection = duckdb.connect(
            config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
        )
        try:
            connection.execute("SET enable_progress_bar = false")
            # The register is read on a thread of its own while the log is
            # (DuckDB reads a file of a few buffers on one core).
            cursor = files.enter_context(connection.cursor())
            aside = pool.submit(units.load_aside, cursor, connection) if inspections else None
            try:
                (inspections or units).load(connection)
            finally:
                if aside is not None:
                    aside.exception()  # (waits for it: the connection is closed after)
            if aside is not None:
                aside.result()
            # Nothing more is read from outside (docs/security.md).
            connection.execute("SET enable_external_access = false")
            connection.execute("SET lock_configuration = true")
            scanned.result()
            for table in tables:
                table.proven()
            # The log's proofs run on a thread of their own while the
            # register's are (a register of a few row groups is read on one
            # core), and while the records are judged (`Direct.confirmed`).
            pending = _Pending(inspections, units, connection) if inspections else None
            try:
                read_register = _register(units)
                read_log = _log(inspections) if inspections is not None else None
            except BaseException:
                if pending is not None:
                    pending.proven()  # (waits for them: the connection is closed after)
                raise
        except (_Declined, OSError, duckdb.Error, MemoryError):
            connection.close()
            return None
        except BaseException:
            connection.close()
            raise
    return Direct(read_register, read_log, connection, pending)


def _scanned(tables: Sequence[_Table], stop: threading.Event) -> None:
    """Each table's file looked at through (`_Table.scan`), until ``stop``."""
    for table in tables:
        table.scan(stop)


def _possible(register: str, log: str | None) -> bool:
    """Whether the route can be tried: CSV files, ``/dev/fd``, DuckDB, pyarrow,
    sqlglot (to generate the counting query, when its text is not kept)."""
    import importlib.util  # noqa: PLC0415

    return (
        all(source_kind(s) == "csv" for s in (register, log) if s is not None)
        and os.path.isdir("/dev/fd")
        and all(importlib.util.find_spec(m) for m in ("duckdb", "pyarrow", "sqlglot"))
    )


def _opened(path: str, stack: contextlib.ExitStack) -> int:
    """A descriptor of the regular file at ``path`` (closed with ``stack``);
    `_Declined` for anything else (a folder, a FIFO: the readers say what)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    descriptor = os.open(path, flags)
    stack.callback(os.close, descriptor)
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        raise _Declined
    return descriptor


def _stamp(descriptor: int) -> tuple[int, int, int]:
    """What writing to the open file changes: its size, when its data and
    when its inode last changed."""
    found = os.fstat(descriptor)
    return found.st_size, found.st_mtime_ns, found.st_ctime_ns


def _fd_path(descriptor: int) -> str:
    """The name by which the file open as ``descriptor`` is read again from its
    start (``/dev/fd/<n>``; where that shares the offset, it is set to 0)."""
    os.lseek(descriptor, 0, os.SEEK_SET)
    return f"/dev/fd/{int(descriptor)}"


def _head(descriptor: int) -> tuple[CsvHead, int, bytes]:
    """The file's head as `csv_head` finds it (`utf8_head`), from the file's
    start alone, where its first line ends (in bytes), and the start; `_Declined` when
    the start is not UTF-8, the header not one plain line, the first line
    longer than the start. What the head assumes of the rest of the file (UTF-8,
    no NUL, no quotation mark past the first line) `_lines` proves."""
    start = _read(descriptor, HEAD_BYTES, 0)
    ends = [i for i in (start.find(b"\n"), start.find(b"\r")) if i >= 0]
    if not ends and len(start) >= HEAD_BYTES:
        raise _Declined  # a first line longer than the head: csv_head's None
    line_end = min(ends) if ends else len(start)
    try:
        head = utf8_head(start, "header" if b'"' in start[:line_end] else False)
    except UnicodeDecodeError:
        raise _Declined from None  # not UTF-8: read in another encoding by the readers
    if head is None:
        raise _Declined
    return head, line_end, start


def _read(descriptor: int, size: int, offset: int) -> bytes:
    """Up to ``size`` bytes of the file from ``offset`` (fewer at its end only),
    read without moving the descriptor's offset (DuckDB reads it meanwhile)."""
    found = b""
    while len(found) < size and (more := os.pread(descriptor, size - len(found), offset)):
        found += more
        offset += len(more)
    return found


@attrs.frozen
class _Lines:
    """What one pass over a file's bytes found (`_lines`)."""

    #: The file's lines as the csv module ends them.
    count: int
    #: Every character ASCII (or, in a file counted with numpy, a CJK
    #: ideograph: `_ideographic`) and none a space: with no control character
    #: but the line ends (and a tab delimiter), a text cell holds nothing
    #: `cell_text` changes (`_unclean`).
    plain: bool
    #: Every byte ASCII (no missing marker of ideographs: `_unclean`).
    ascii: bool = True


def _lines(
    descriptor: int, delimiter: str, line_end: int, stop: threading.Event | None = None
) -> _Lines:
    """The file's lines as the csv module ends them (``\r\n``, ``\r`` or
    ``\n``; a last line without an end counts), counted in one pass that
    also proves what `_head` assumed (the whole file UTF-8, no quotation mark
    past the first line, which ends at byte ``line_end``) and finds any ASCII
    control character but the line ends and a tab delimiter (without them,
    the only character `str.strip` removes from an ASCII cell is the space;
    NUL is one): `_Declined` then; and whether the file is `_Lines.plain`.
    Read with ``pread`` (DuckDB reads the file meanwhile, through a
    descriptor of its own); `_Declined` too once ``stop`` is set (the route
    declined otherwise: the rest is not read). Counted with numpy, a chunk
    ends where a character does (`_whole`), and one of ASCII and CJK
    ideographs alone is proven UTF-8 by `_ideographic` (not decoded)."""
    numpy = _numpy() if os.fstat(descriptor).st_size > _NUMPY_BYTES else None
    count = _counter_with(numpy)
    ideographic = _ideographic_with(numpy) if numpy is not None else None
    decoder = codecs.getincrementaldecoder("utf-8")()
    pending = False  # bytes of a character begun at the end of the last chunk
    ends = 0
    last = b""
    previous_cr = False
    plain = every_ascii = True
    at = 0
    try:
        while data := os.pread(descriptor, _CHUNK, at):
            if stop is not None and stop.is_set():
                raise _Declined
            if ideographic is not None and len(data) == _CHUNK:
                data = data[: _whole(data)]  # (the rest read with the next chunk)
            if data.find(b'"', max(0, line_end - at)) >= 0:
                raise _Declined  # a quotation mark past the header: the readers' csv module
            ascii_only = data.isascii()
            cjk = not ascii_only and not pending and ideographic is not None and ideographic(data)
            if (pending or not ascii_only) and not cjk:
                decoder.decode(data)
                pending = bool(decoder.getstate()[0])
            controls, spaces, newlines, returns, tabs, pairs = count(data)
            if controls != newlines + returns + (tabs if delimiter == "\t" else 0):
                raise _Declined
            plain = plain and (ascii_only or cjk) and not spaces
            every_ascii = every_ascii and ascii_only
            if previous_cr and data[0] == 0x0A:
                pairs += 1  # a \r\n split between two chunks
            ends += newlines + returns - pairs
            previous_cr = data[-1] == 0x0D
            last = data[-1:]
            at += len(data)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise _Declined from None  # not UTF-8 over the whole file
    return _Lines(ends + (1 if last and last not in b"\r\n" else 0), plain, every_ascii)


#: How many bytes of a chunk are below 0x20 (NUL among them), how many are
#: spaces, ``\n``, ``\r`` and ``\t``, and how many ``\r\n`` it holds.
_Counts = tuple[int, int, int, int, int, int]


#: Files larger than this are counted with numpy (its import costs more than
#: counting a smaller file without it).
_NUMPY_BYTES = 64 << 20
#: The bytes that are neither control characters nor the space (deleted to count the others).
_PRINTED = bytes(range(0x21, 0x100))


def _counter(size: int) -> Callable[[bytes | memoryview], _Counts]:
    """`_Counts` of a chunk: with numpy for a large file where it is installed
    (pyarrow's companion), else with `bytes.translate` and `bytes.count`."""
    return _counter_with(_numpy() if size > _NUMPY_BYTES else None)


def _counter_with(numpy: Any) -> Callable[[bytes | memoryview], _Counts]:
    """`_Counts` of a chunk, with ``numpy`` (or without: ``None``)."""
    if numpy is None:

        def plain(chunk: bytes | memoryview) -> _Counts:
            data = bytes(chunk)  # (bytes: the same object, not copied)
            low = data.translate(None, _PRINTED)
            spaces = low.count(b" ")
            returns = low.count(b"\r")
            pairs = data.count(b"\r\n") if returns else 0
            newlines, tabs = low.count(b"\n"), low.count(b"\t")
            return len(low) - spaces, spaces, newlines, returns, tabs, pairs

        return plain

    def counted(chunk: bytes | memoryview) -> _Counts:
        data = numpy.frombuffer(chunk, numpy.uint8)
        low = int(numpy.count_nonzero(data <= 0x20))
        newlines = int(numpy.count_nonzero(data == 0x0A))
        if low == newlines:  # the common case: two passes
            return newlines, 0, newlines, 0, 0, 0
        controls = int(numpy.count_nonzero(data < 0x20))
        returned = data == 0x0D
        returns = int(numpy.count_nonzero(returned))
        pairs = int(numpy.count_nonzero(returned[:-1] & (data[1:] == 0x0A))) if returns else 0
        tabs = int(numpy.count_nonzero(data == 0x09))
        return controls, low - controls, newlines, returns, tabs, pairs

    return counted


def _whole(chunk: bytes) -> int:
    """How many bytes of ``chunk`` end where a character does: all, unless
    its last three hold the first byte of a character of UTF-8 (0xC0 or
    more) with fewer bytes after it than it begins (two, three or four),
    and it is not the chunk's first (a chunk is never cut to nothing)."""
    for back in (1, 2, 3):
        if len(chunk) < back:
            break
        byte = chunk[-back]
        if byte >= 0xC0:
            size = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return len(chunk) - back if size > back and back < len(chunk) else len(chunk)
        if byte < 0x80:
            break
    return len(chunk)


#: The first bytes in UTF-8 of the CJK ideographs U+4E00 to U+9FFF (``E4 B8 80``
#: to ``E9 BF BF``; after ``E4``, the second byte is ``B8`` or more).
_FIRST_LEAD, _LAST_LEAD, _LEAST_AFTER_FIRST = 0xE4, 0xE9, 0xB8


def _ideographic_with(numpy: Any) -> Callable[[bytes], bool]:
    """Whether a chunk is UTF-8 of ASCII and the CJK ideographs U+4E00 to
    U+9FFF alone, told with numpy: every byte of 0xC0 or more is a first
    byte ``E4`` to ``E9``, each followed by two continuation bytes (0x80 to
    0xBF; after ``E4``, the first 0xB8 or more), and the bytes of 0x80 or
    more are three for each of them (so none other is a continuation byte).
    Such sequences are UTF-8 (never an overlong form nor a surrogate, which
    begin ``E0`` and ``ED``) of exactly those code points."""

    def ideographic(chunk: bytes) -> bool:
        data = numpy.frombuffer(chunk, numpy.uint8)
        leads = numpy.flatnonzero((data >= _FIRST_LEAD) & (data <= _LAST_LEAD))
        if int(numpy.count_nonzero(data >= 0xC0)) != len(leads):
            return False
        if int(numpy.count_nonzero(data >= 0x80)) != 3 * len(leads):
            return False
        if not len(leads):
            return True
        if leads[-1] + 2 >= len(data):
            return False  # a character cut at the end
        second, third = data[leads + 1], data[leads + 2]
        if numpy.any((second < 0x80) | (second > 0xBF) | (third < 0x80) | (third > 0xBF)):
            return False
        return not numpy.any(second[data[leads] == _FIRST_LEAD] < _LEAST_AFTER_FIRST)

    return ideographic


def _numpy() -> Any:
    try:
        import numpy  # noqa: PLC0415 (large files only)
    except ImportError:
        return None
    return numpy


def _clean(column: str) -> str:
    """SQL: the text cell ``column`` (not null) is its own normal form and no
    missing marker: `cell_text` reads it to itself. An ASCII cell (the file
    holds no control character: `_lines`) not starting or ending with a space;
    another made of the plain characters (`_PLAIN`: no space at either end)."""
    return (
        f"(CASE WHEN strlen({column}) = length({column})"
        f" THEN {column} >= '!' AND NOT suffix({column}, ' ') AND NOT {_ascii_marker(column)}"
        f" AND NOT {_hashed(column)}"
        f" ELSE regexp_full_match({column}, '{_PLAIN}')"
        f" AND {column} NOT IN ({_listed(_OTHER_MARKERS)}) END)"
    )


def _hashed(column: str) -> str:
    """SQL: the text cell ``column`` starts with ``#``, as an Excel error
    value's text does (`error_text`): left to the readers, which reject it
    (an id that merely starts so too, rare, is read by them as well). A range
    of values, which DuckDB answers from each row group's statistics; an
    error value's text in other characters (``＃N/A``) is no plain cell."""
    return f"({column} >= '#' AND {column} < '$')"


def _unclean(column: str, lines: _Lines) -> str:
    """SQL: the text cell ``column`` (not null) of a file whose bytes are
    ``lines`` is not `_clean`. In a `_Lines.plain` file (ASCII and, counted
    with numpy, CJK ideographs; no space, no control character) a cell is
    unclean only when empty or a missing marker, none longer than
    `_MARKER_CHARS` (ASCII: `_Lines.ascii`) or `_PLAIN_MARKER_BYTES`, or
    when it starts with ``#`` (`_hashed`: an Excel error value's text, up
    to 13 characters): filters DuckDB answers from each row group's
    statistics, reading no text where the shortest is longer and none
    starts so (`_clean` reads every cell)."""
    if not lines.plain:
        return f"NOT {_clean(column)}"
    longest, others = _MARKER_CHARS, ""
    if not lines.ascii:
        longest = _PLAIN_MARKER_BYTES
        others = f" OR {column} IN ({_listed(_IDEOGRAPH_MARKERS)})" if _IDEOGRAPH_MARKERS else ""
    # (An Excel error value's text is longer than a marker may be, `_hashed`:
    # tested apart, so that the markers' test stays a short cell's.)
    return (
        f"((strlen({column}) <= {longest}"
        f" AND ({column} = '' OR lower({column}) IN ({_listed(_ASCII_MARKERS)}){others}))"
        f" OR {_hashed(column)})"
    )


def _ascii_marker(column: str) -> str:
    """SQL: the ASCII text cell ``column`` is a missing marker, in any case."""
    return (
        f"(CASE WHEN strlen({column}) <= {_MARKER_CHARS}"
        f" THEN lower({column}) IN ({_listed(_ASCII_MARKERS)}) ELSE false END)"
    )


def _marker(column: str) -> str:
    """SQL: the text cell ``column`` is a missing marker as written."""
    return (
        f"(CASE WHEN strlen({column}) = length({column}) THEN {_ascii_marker(column)}"
        f" ELSE {column} IN ({_listed(_OTHER_MARKERS)}) END)"
    )


def _listed(values: Sequence[str]) -> str:
    """Fixed texts of this module as SQL literals (none holds a quotation mark)."""
    assert all("'" not in v for v in values)
    return ", ".join(f"'{v}'" for v in values)


class _Table:
    """One CSV file loaded into a DuckDB table of text columns (the canonical
    columns under their names, the others ``_<position>``), with its header
    resolved by the row reader's own code."""

    def __init__(
        self, name: str, shown: str, descriptor: int, kind: str, mapping: ColumnMapping
    ) -> None:
        self.stamp = _stamp(descriptor)
        head, self.line_end, self.start = _head(descriptor)
        required = ("unit", "category") if kind == "register" else ("unit", "date")
        try:
            self.rows = RowReader(
                fetched_rows(Path(shown).name, head.header, iter(())),
                kind,
                mapping,
                required,
                None,
            )
        except DataError:
            raise _Declined from None  # the readers name the header's problem
        self.name = name
        self.kind = kind
        self.descriptor = descriptor
        self.delimiter = head.delimiter
        self.width = len(head.header)
        self.lines = _Lines(0, False, False)
        self.connection: Any = None
        self.count = 0
        self.complete: frozenset[str] = frozenset()
        self.identified = False  # every row has an inspection id
        self._few: dict[str, list[tuple[str | None, int]]] = {}
        self._dates: dict[str, Sequence[Any]] = {}
        self._numbers: tuple[int | None, int | None] | None = None
        #: The flags read as an ENUM of their spellings, and what each reads to.
        self.spellings: dict[str, dict[str, bool]] = {}
        if not self.width:
            raise _Declined

    def load(self, connection: Any) -> None:
        """The file read by DuckDB into the table (its records the file's lines:
        `proven`). Dates are read by DuckDB's parser of the
        one form ``%Y-%m-%d`` (`_DATES`), codes of a closed set as an ENUM of
        the codes the readers read to themselves (DuckDB takes a member
        exactly as written, nothing else), any other column as text."""
        self.connection = connection
        canonical = {position: column for column, position in self.rows.positions.items()}
        columns = [canonical.get(i, f"_{i}") for i in range(self.width)]
        types = {c: self._type(c) for c in columns}
        listed_types = ", ".join(f"'{c}': '{t}'" for c, t in types.items())
        delimiter = {",": "','", "\t": "'\\t'", ";": "';'"}[self.delimiter]
        numbered = self._numbered()
        number = f", {numbered} AS {_NUMBER}" if numbered is not None else ""
        self.connection.execute(
            f"CREATE TABLE {self.name} AS SELECT *{number}"
            f" FROM read_csv('{_fd_path(self.descriptor)}',"
            f" header = true, auto_detect = false, delim = {delimiter}, quote = '\"',"
            f" escape = '\"', strict_mode = true, null_padding = false,"
            # A line longer than a field the csv module reads is DuckDB's
            # error: no cell is then longer (not even one DuckDB reads as a
            # date, which may be padded with spaces: ``longer`` sees text only).
            f" max_line_size = {_LONGEST_LINE},"
            f" dateformat = '%Y-%m-%d', columns = {{{listed_types}}})"
        )
        # What is known of the whole table, in one pass: its rows, its texts
        # longer than the csv module reads (``longer``: a filter DuckDB answers
        # from each row group's statistics, reading no text where the longest
        # is shorter), its dates that may have been ``epoch`` (`_EPOCH`), the
        # reach of each column of dates.
        texts = [c for c, t in types.items() if t == "VARCHAR"]
        dates = [c for c, t in types.items() if t == "DATE"]
        epoch = _literal(_EPOCH)
        longer = " OR ".join(f"strlen({c}) > {MAX_CSV_FIELD_CHARS}" for c in texts) or "false"
        facts = [
            "count(*)",
            f"(SELECT count(*) FROM {self.name} WHERE {longer})",
            f"count(*) FILTER (WHERE {' OR '.join(f'{c} = {epoch}' for c in dates) or 'false'})",
            *(f"min({c}), max({c}), count({c})" for c in dates),
        ]
        # (A log's kinds and results: how many rows have one, `TableRows.lacking`.)
        coded = [c for c in ("kind", "result") if c in types] if self.kind == "log" else []
        facts += [f"count({c})" for c in coded]
        if numbered is not None:
            facts.append(f"min({_NUMBER}), max({_NUMBER}), count({_NUMBER}), count({_IDS})")
        found = self.connection.execute(f"SELECT {', '.join(facts)} FROM {self.name}").fetchall()[0]
        self.count, longer_texts, epochs = int(found[0]), found[1], found[2]
        self._dates = {c: found[3 + 3 * i : 6 + 3 * i] for i, c in enumerate(dates)}
        self.complete = frozenset(
            c for i, c in enumerate(coded) if found[3 + 3 * len(dates) + i] == self.count
        )
        if numbered is not None:
            low, high, numbers, ids = found[-4:]
            self.identified = ids == self.count
            if numbers == ids and (not ids or fits(low, high, ids)):
                self._numbers = (low, high)
        if longer_texts:
            raise _Declined  # a field longer than the csv module reads (bytes: at least as many)
        if epochs:
            raise _Declined  # 1970-01-01, or the word epoch, which the readers reject

    def _numbered(self) -> str | None:
        """SQL: a number read from each inspection id of a log (the digits
        after as many characters as the first record's id has letters, as
        its line in the file's start is split; ``NULL`` where there are
        none), kept in the table (`_NUMBER`: read once), or ``None``: ids of
        distinct numbers are distinct (`repeats`), whatever ids the numbers
        are read from."""
        if self.kind != "log" or not self.has(_IDS):
            return None
        rest = self.start[self.line_end :].lstrip(b"\r\n")
        ends = [i for i in (rest.find(b"\n"), rest.find(b"\r")) if i >= 0]
        fields = rest[: min(ends, default=0)].decode("utf-8", "replace").split(self.delimiter)
        position = self.rows.positions[_IDS]
        first = fields[position] if position < len(fields) else ""
        return number_sql(_IDS, letters(first))

    def repeats(self) -> str:
        """SQL: how many of the log's inspection ids repeat another, or (when
        their numbers, `_numbered`, are all distinct, as a map of bits tells:
        no hash table) ``0``; a positive count may be numbers alone repeating
        (``'J1'``, ``'J01'``): `repeated` tells by the ids' hashes."""
        if self._numbers is None:
            return self.repeated()
        low, high = self._numbers
        if low is None or high is None:
            return "0"  # no id
        return f"(SELECT {repeats_sql(_IDS, _NUMBER, low, high)} FROM {self.name})"

    def repeated(self) -> str:
        """SQL: how many inspection ids of the log repeat another (their
        hashes: a collision only declines)."""
        return (
            f"(SELECT count(*) - count(DISTINCT hash({_IDS})) FROM {self.name}"
            f" WHERE {_IDS} IS NOT NULL)"
        )

    def load_aside(self, cursor: Any, connection: Any) -> None:
        """`load` on ``cursor``, a cursor of ``connection`` (the same
        database; a thread of its own may use it while another uses
        ``connection``), the table then read on ``connection``."""
        self.load(cursor)
        self.connection = connection

    def scan(self, stop: threading.Event | None = None) -> None:
        """The file's lines counted and what `_head` assumed proven (`_lines`;
        not all of them once ``stop`` is set)."""
        self.lines = _lines(self.descriptor, self.delimiter, self.line_end, stop)

    def unclean(self, column: str) -> str:
        """SQL: how many cells of the text ``column`` `cell_text` does not
        read to themselves, or reads to no value (`_unclean`)."""
        return self.counted(f"{column} IS NOT NULL AND {_unclean(column, self.lines)}")

    def counted(self, condition: str) -> str:
        """SQL: how many rows meet ``condition``, a query of its own: its
        filter is the scan's, which DuckDB answers from each row group's
        statistics where they tell (a ``FILTER`` of an aggregate is tested
        row by row)."""
        return f"(SELECT count(*) FROM {self.name} WHERE {condition})"

    def proven(self) -> None:
        """`_Declined` unless the records DuckDB read (`load`) are the file's
        lines (`scan`) but the header: an empty line is skipped by DuckDB and
        numbered by the readers; or when the file was written since it was
        first looked at (`_stamp`): its head and proofs of one version over
        the rows of another would be a reading of neither."""
        if self.count + 1 != self.lines.count or _stamp(self.descriptor) != self.stamp:
            raise _Declined

    def _type(self, column: str) -> str:
        """The type ``column`` is read as (an ENUM made on the connection)."""
        if column in _DATE_COLUMNS:
            return "DATE"
        if column in FLAGS:
            spellings = _spellings(self.rows, column)
            if spellings is None:
                return "VARCHAR"  # (its distinct values read one by one: `_register`)
            self.spellings[column] = spellings
            # (Those read to true first: a cell is true when its code is less
            # than their number, `_register`.)
            return self._enum(column, sorted(spellings, key=lambda t: (not spellings[t], t)))
        if column not in RECORD_CODES or column == "category":
            return "VARCHAR"
        members = [c for c in RECORD_CODES[column] if self.rows.canonical(column, c) == c]
        if not members:
            raise _Declined  # the mapping reads every code to another
        return self._enum(column, members)

    def _enum(self, column: str, members: Sequence[str]) -> str:
        """An ENUM of ``members`` made on the connection, for ``column``."""
        name = f"{self.name}_{column}"
        self.connection.execute(f"CREATE TYPE {name} AS ENUM ({', '.join(map(_literal, members))})")
        return name

    def dates(self, column: str) -> tuple[dt.date | None, dt.date | None, int]:
        """The earliest and latest date of a date column, and how many rows
        have one; `_Declined` for a date before 1900 or after 2200 (DuckDB's
        parser reads years of one to four digits; the readers, 1900 to 2200;
        year 0, 1 BC, DuckDB gives Python as text, ``'0001-01-01 (BC)'``)."""
        low, high, present = self._dates[column]
        if present and not (
            isinstance(low, dt.date)
            and isinstance(high, dt.date)
            and low >= _FIRST_DAY
            and high <= _LAST_DAY
        ):
            raise _Declined
        return low, high, int(present)

    def rows_of(
        self,
        selected: list[str],
        columns: Sequence[str],
        reach: tuple[dt.date, dt.date] | None,
    ) -> TableRows:
        """The rows, as the expressions ``selected`` read them (the canonical
        ``columns``, in their order, then ``row``: the record's number, the
        header being row 1; DuckDB keeps the rows in the file's order)."""
        named = {expression.rsplit(" AS ", 1)[-1]: expression for expression in selected}
        shown = ", ".join([*(named[c] for c in columns), "rowid + 2 AS row"])
        return TableRows(
            self.connection, f"SELECT {shown} FROM {self.name}", self.kind, self.count, reach
        )

    def value(self, query: str, parameters: Sequence[object] = ()) -> Any:
        return self.connection.execute(query, list(parameters)).fetchall()[0][0]

    def has(self, column: str) -> bool:
        return column in self.rows.positions

    def distinct(self, column: str) -> list[tuple[str | None, int]]:
        """The column's distinct values and how many rows hold each (`_Declined`
        when there are too many to read one by one), found with the others'
        (`few`) in one pass."""
        if column not in self._few:
            self.few([column])
        return self._few[column]

    def few(self, columns: Sequence[str]) -> None:
        """The distinct values of these columns (few each: codes, flags, dates),
        found in one pass over the table; `_Declined` when one has more than
        `_MOST_DISTINCT` (no more rows fetched than all may have)."""
        wanted = [c for c in columns if self.has(c)]
        if not wanted:
            return
        sets = ", ".join(f"({c})" for c in wanted)
        marks = ", ".join(f"grouping({c})" for c in wanted)
        width = len(wanted)
        most = width * _MOST_DISTINCT  # more rows: one column has too many values
        found = self.connection.execute(
            f"SELECT {', '.join(wanted)}, {marks}, count(*) FROM {self.name}"
            f" GROUP BY GROUPING SETS ({sets})"
        ).fetchmany(most + 1)
        if len(found) > most:
            raise _Declined  # not all fetched: what is read is bounded
        for i, column in enumerate(wanted):
            values = [(row[i], int(row[-1])) for row in found if row[width + i] == 0]
            if len(values) > _MOST_DISTINCT:
                raise _Declined
            self._few[column] = values

    def mapped(
        self, column: str, read: Callable[[object], object]
    ) -> tuple[str, dict[object, int]]:
        """SQL giving what ``read`` reads each value of the text ``column``
        to, and how many rows read to each value (`_Declined` when ``read``
        rejects one: the readers say why)."""
        reads: dict[object, int] = {}
        differ: list[tuple[str, object]] = []
        for value, count in self.distinct(column):
            if error_text(value) is not None:
                raise _Declined  # an Excel error value's text: a row the readers reject
            try:
                read_to = read(value)
            except ValueError:
                raise _Declined from None
            reads[read_to] = reads.get(read_to, 0) + count
            if value is None and read_to is not None:
                raise _Declined  # a blank cell read to a value: never, but not proven
            if value is not None and read_to != value:
                differ.append((value, read_to))
        if len(differ) > _MOST_MAPPED:
            raise _Declined
        if not differ:
            return column, reads
        cases = " ".join(f"WHEN {_literal(v)} THEN {_literal(r)}" for v, r in differ)
        return f"(CASE {column} {cases} ELSE {column} END)", reads


def _spellings(rows: RowReader, flag: str) -> dict[str, bool] | None:
    """Every text the readers read a flag cell written exactly so to a value
    (each of its words, `FLAG_WORDS` and the mapping's codes, in every case:
    a flag is read without regard to case), with that value (`RowReader.flag`
    reads each); ``None`` when there would be more than `_MOST_SPELLINGS`.
    Read as an ENUM of these, a flag column holds nothing else (DuckDB takes a
    member only exactly as written; another text is its error: the readers
    read the file), and needs no pass to find its values."""
    words = {*FLAG_WORDS, *rows.flag_codes[flag]}
    cased = [[{c, c.lower(), c.upper()} for c in word] for word in words]
    if sum(math.prod(map(len, word)) for word in cased) > _MOST_SPELLINGS:
        return None
    found: dict[str, bool] = {}
    for word in cased:
        for spelling in itertools.product(*word):
            text = "".join(spelling)
            if "\x00" in text or not _encodable(text):
                continue  # (DuckDB cannot hold it: no cell is written so)
            try:
                found[text] = rows.flag(flag, text)
            except ValueError:
                continue  # rejected by the readers: DuckDB's error, if a cell is written so
    return found


def _literal(value: object) -> str:
    """A value as a DuckDB literal (text, a date, ``NULL``): text in single
    quotes, each quote doubled (DuckDB reads no escape in ``'...'``; a
    backslash is itself), without sqlglot (its import costs more than reading
    a register). Text DuckDB cannot hold (a NUL, a lone surrogate) declines."""
    if value is None:
        return "NULL"
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    text = str(value)
    if "\x00" in text or not _encodable(text):
        raise _Declined
    return "'" + text.replace("'", "''") + "'"


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _register(table: _Table) -> Register:
    rows = table.rows
    name = table.name
    # A name is unclean when not a marker (read as no name) nor `_clean`: in
    # a plain file, only when empty (`_unclean`). Names that are markers are
    # counted: with none, the rows' names need no test. (In a plain file,
    # each count a query of its own, answered from statistics: `counted`.)
    names = (
        ("0", "0")
        if not table.has("name")
        else (
            table.counted(f"name = '' OR {_hashed('name')}"),
            table.counted(_unclean("name", table.lines)),
        )
        if table.lines.plain
        else (
            f"count(*) FILTER (WHERE name IS NOT NULL AND NOT {_marker('name')}"
            f" AND NOT {_clean('name')})",
            f"count(*) FILTER (WHERE {_marker('name')})",
        )
    )
    units = (
        table.counted(_unclean("unit", table.lines))
        if table.lines.plain
        else f"count(*) FILTER (WHERE {_unclean('unit', table.lines)})"
    )
    present, distinct, unclean, names_unclean, marked = table.connection.execute(
        f"SELECT count(unit), count(DISTINCT unit), {units}, {', '.join(names)} FROM {name}"
    ).fetchall()[0]
    if present != table.count or distinct != table.count or unclean or names_unclean:
        raise _Declined  # a unit id missing, given twice or not its own normal form
    table.few(["category", "district", *(f for f in FLAGS if f not in table.spellings)])
    selected = [
        "unit",
        "'' AS name"
        if not table.has("name")
        else f"CASE WHEN name IS NULL OR {_marker('name')} THEN '' ELSE name END AS name"
        if marked
        else "coalesce(name, '') AS name",
    ]
    categories: dict[object, int] = {}
    for column in ("category", "district"):
        if not table.has(column):
            selected.append(f"NULL::VARCHAR AS {column}")
            continue
        sql, reads = table.mapped(
            column, rows.category if column == "category" else functools.partial(rows.code, column)
        )
        if column == "category":
            if None in reads:
                raise _Declined  # a row without a category: rejected
            categories = reads
        selected.append(f"{sql} AS {column}")
    for column in ("risk_level", "size"):  # ENUMs of the codes read to themselves
        cast = f"CAST({column} AS VARCHAR)" if table.has(column) else "NULL::VARCHAR"
        selected.append(f"{cast} AS {column}")
    for column in ("registered", "closed"):
        if table.has(column):
            table.dates(column)
        selected.append(f"{column if table.has(column) else 'NULL::DATE'} AS {column}")
    registered: tuple[dt.date, dt.date] | None = None
    if table.has("registered"):
        # A unit closed before it was registered, or registered after today (a
        # doubtful date, `records.prepare`, told by the latest date): rejected.
        closed = "count(*) FILTER (WHERE closed < registered)" if table.has("closed") else "0"
        wrong, low, high = table.connection.execute(
            f"SELECT {closed}, min(registered), max(registered) FROM {name}"
        ).fetchall()[0]
        if wrong or (high is not None and high > dt.date.today()):
            raise _Declined
        registered = None if low is None else (low, high)
    for flag in FLAGS:
        spelled = table.spellings.get(flag)
        true: list[str | None] = [text for text, read in (spelled or {}).items() if read]
        if spelled is not None and true:
            # An ENUM of its spellings, those read to true first (`_Table._type`).
            selected.append(f"coalesce(enum_code({flag}) < {len(true)}, false) AS {flag}")
            continue
        for value, _ in table.distinct(flag) if spelled is None and table.has(flag) else []:
            try:
                if rows.flag(flag, value):
                    true.append(value)
            except ValueError:
                raise _Declined from None
        listed_true = ", ".join(map(_literal, true))
        selected.append(
            f"coalesce({flag} IN ({listed_true}), false) AS {flag}" if true else f"false AS {flag}"
        )
    notes: list[Text] = list(rows.notes)
    other = other_categories({str(c): n for c, n in categories.items()})
    if other is not None:
        notes.append(other)
    return Register(
        table.rows.table.name,
        table.rows_of(selected, REGISTER_COLUMNS, registered),  # type: ignore[arg-type]
        table.count,
        (),
        0,
        tuple(notes),
        (),
        frozenset(f for f in FLAGS if not table.has(f)),
        table.rows.columns,
    )


def _log_proofs(table: _Table, units: _Table, cursor: Any) -> None:
    """`_Declined` for a log row without a unit or with one the register does
    not hold, an inspection id not proven read to itself or given twice
    (`_Table.repeats`, then `_Table.repeated`): one statement (DuckDB runs its
    parts side by side: cheaper than three), on ``cursor``, a cursor of the
    table's connection (run on a thread of its own)."""
    name = table.name
    # (A log of many rows a unit: its distinct units first, as grouping its
    # rows costs DuckDB less than probing the register's units with each.)
    logged = f"(SELECT DISTINCT unit FROM {name})" if table.count >= 2 * units.count else name
    proofs = [f"(SELECT count(*) FROM {logged} AS l ANTI JOIN {units.name} USING (unit))"]
    if table.has(_IDS):
        proofs += [
            table.unclean(_IDS),
            table.repeats(),
        ]
    found = cursor.execute(f"SELECT {', '.join(proofs)}").fetchall()[0]
    if any(found[:2]):
        raise _Declined
    numbers_repeat = len(found) > 2 and found[2]
    if numbers_repeat and cursor.execute(f"SELECT {table.repeated()}").fetchall()[0][0]:
        raise _Declined


def _log(table: _Table) -> InspectionLog:
    """The log DuckDB read (`_log_proofs` proven)."""
    rows = table.rows
    inspection = table.has("inspection")
    low, high, present = table.dates("date")
    if present != table.count:
        raise _Declined  # a row without a date
    selected = ["unit", "date"]
    for column in ("kind", "result"):  # ENUMs of the codes read to themselves
        cast = f"CAST({column} AS VARCHAR)" if table.has(column) else "NULL::VARCHAR"
        selected.append(f"{cast} AS {column}")
    selected.append("inspection" if inspection else "NULL::VARCHAR AS inspection")
    notes: list[Text] = list(rows.notes)
    reach = None
    if low is not None and high is not None:
        reach = low, high
        notes.append(say("records.inspections_from", low=str(low), high=str(high)))
    found = table.rows_of(selected, LOG_COLUMNS, reach)
    found.complete = table.complete
    found.identified = table.identified
    return InspectionLog(
        table.rows.table.name,
        found,  # type: ignore[arg-type]
        table.count,
        (),
        0,
        tuple(notes),
        (),
        table.rows.columns,
    )


class TableRows(Sequence[Any]):
    """The rows of a register or a log read by DuckDB: a query over its table
    (the canonical columns, typed, and ``row``), judged where it is by the
    DuckDB engine given ``connection`` (`engines._staging`); made `ColumnRows`
    (an Arrow table) when anything else asks for them."""

    def __init__(
        self,
        connection: Any,
        query: str,
        kind: str,
        count: int,
        reach: tuple[dt.date, dt.date] | None,
    ) -> None:
        self.connection = connection
        self.query = query
        self.kind = kind
        self.size = count
        self.reach = reach
        self._lazy: dict[str, ColumnRows] = {}
        #: The columns (kind, result) that every row has a value in (`lacking`).
        self.complete: frozenset[str] = frozenset()
        #: Every row has an inspection id (`repeated`).
        self.identified = False

    def columns(self) -> ColumnRows:
        """The rows as Arrow columns, fetched once, in the file's order."""
        return once(self._lazy, "rows", self._fetched)

    def _fetched(self) -> ColumnRows:
        pc = needs("pyarrow.compute")
        found = self.connection.sql(self.query).to_arrow_table()
        numbers = found.column("row")
        if len(numbers) and not (
            numbers[0].as_py() == 2
            and pc.all(pc.equal(pc.subtract(numbers[1:], numbers[:-1]), 1)).as_py() is not False
        ):
            raise AssertionError("DuckDB gave the rows out of the file's order")
        return ColumnRows(found, self.kind)

    def __len__(self) -> int:
        return self.size

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Any, ...]: ...
    def __getitem__(self, index: int | slice) -> Any:
        return self.columns()[index]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.columns())

    def __eq__(self, other: object) -> bool:
        return self.columns() == other

    def __hash__(self) -> int:
        return hash(self.columns())

    def __repr__(self) -> str:
        return f"<{self.size} {self.kind} rows in DuckDB>"

    def of_units(self, units: Iterable[str]) -> tuple[Any, ...]:
        return self.columns().of_units(units)

    def unit_index(self) -> Mapping[str, Any]:
        return self.columns().unit_index()

    def lacking(self, units: Iterable[str] | None, columns: Iterable[str]) -> tuple[Any, ...]:
        """The log rows of these units (``None``: one row of any, if any) with no
        value in one of ``columns`` (`qrules.records.doubts`), filtered in DuckDB
        (the whole log is not fetched)."""
        if units is None and self.complete.issuperset(columns):
            return ()  # (known when the file was read)
        if "rows" in self._lazy:
            return self.columns().lacking(units, columns)
        empty = " OR ".join(f'q."{c}" IS NULL' for c in sorted(columns) if c in ("kind", "result"))
        if not empty:
            return ()
        if units is None:
            query = f"SELECT * FROM ({self.query}) AS q WHERE ({empty}) LIMIT 1"
            found = self.connection.sql(query).to_arrow_table()
        else:
            found = self.connection.sql(
                f"SELECT * FROM ({self.query}) AS q WHERE ({empty})"
                ' AND list_contains($units, q.unit) ORDER BY q."row"',
                params={"units": sorted(units)},
            ).to_arrow_table()
        return ColumnRows(found, self.kind)._rows() if found.num_rows else ()

    def repeated(self) -> tuple[Any, ...]:
        """Every row of the log's units that have two rows without an inspection
        id alike in day, kind and result (`qrules.records.doubts.Repeated`),
        found in DuckDB; none when every row has an id (known when the file was read)."""
        if self.identified:
            return ()
        if "rows" in self._lazy:
            return self.columns().repeated()
        units = [
            unit
            for (unit,) in self.connection.execute(
                f"SELECT DISTINCT a.unit FROM ({self.query}) AS a WHERE a.inspection IS NULL"
                " GROUP BY a.unit, a.date, a.kind, a.result HAVING count(*) > 1"
            ).fetchall()
        ]
        if not units:
            return ()  # (fetched as rows: no Arrow table made, pyarrow not imported)
        found = self.connection.sql(
            f"SELECT * FROM ({self.query}) AS q"
            ' WHERE list_contains($units, q.unit) ORDER BY q."row"',
            params={"units": units},
        ).to_arrow_table()
        return ColumnRows(found, self.kind)._rows()

    def vacant(self, columns: Iterable[str]) -> tuple[Any, ...]:
        """The register's units with no value in one of ``columns``
        (`qrules.records.doubts.Vacant`), filtered in DuckDB."""
        if "rows" in self._lazy:
            return self.columns().vacant(columns)
        empty = " OR ".join(f'q."{c}" IS NULL' for c in sorted(columns) if c in VACANT)
        if not empty:
            return ()
        probe = f"SELECT 1 FROM ({self.query}) AS q WHERE ({empty}) LIMIT 1"
        if not self.connection.execute(probe).fetchall():
            return ()  # (the common case: nothing fetched, no Arrow table made)
        found = self.connection.sql(
            f'SELECT * FROM ({self.query}) AS q WHERE ({empty}) ORDER BY q."row"'
        ).to_arrow_table()
        return ColumnRows(found, self.kind)._rows() if found.num_rows else ()

    def date_range(self, column: str) -> tuple[dt.date, dt.date] | None:
        # (``reach``: the log's dates, the register's registration dates.)
        if column == ("date" if self.kind == "log" else "registered"):
            return self.reach
        return self.columns().date_range(column)
