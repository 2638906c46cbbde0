"""Registers and logs read column by column (Arrow), exactly as the row readers read them.

`read_register` and `read_log` here take the same sources and options as the
row readers of `qrules._records` and give the same registers and logs: the
same values, the same rows rejected with the same row numbers and reasons,
the same errors. CSV/TSV files and Parquet/Arrow files (and Arrow tables) are
read with pyarrow, column by column; the rows are kept as Arrow columns
(`ColumnRows`), which the DuckDB engine registers as they are, and become
Python objects only when something asks for them (the reference engine, say).

How each value is read, so that it is the row reader's value:

1. A column of few distinct values (codes, dates, flags) is read value by
   value with the row reader's own functions, once per distinct value, and
   mapped back to the rows (a dictionary lookup). A CSV file's are read
   dictionary-encoded by Arrow's reader (the dictionary is the distinct
   values, the rows positions in it); a log's kinds and results stay so.
2. A column of many (unit ids, names, inspection ids): a cell of printable
   ASCII and CJK ideographs, not starting or ending with a space, is its own
   normal form (NFKC leaves it as it is, there is nothing to trim); only the
   other cells are normalised one by one, in Python.
3. A row that is, or may be, rejected is read by the row reader itself: a row
   some value of which does not read, a row with more or fewer cells than the
   header, every row of a unit id (inspection id) that is given more than once.
   The row reader sees these rows alone, in order, and says why each is
   rejected; every other row is read once, here.

Arrow parses a CSV file when each of its lines is one record as the csv
module reads it: quoted fields only whole and on one line (checked line by
line with one regular expression when the file holds a quotation mark past
its header line; the header line alone when only it does). Whole files go to
the row reader otherwise (a quoted line break, a quotation mark
inside an unquoted field), and when their text holds a NUL, a line longer
than Arrow's block or a field longer than the csv module reads
(`MAX_CSV_FIELD_CHARS`; the row reader then says so), or a column of a type
Arrow's kernels do not take; ``.xlsx`` files, DataFrames, databases and lists
of rows are read by the row reader too. Both files' reading is measured in
``benchmarks/bench_files.py``: Arrow's CSV reader was about three times as
quick as DuckDB's on the same log, which moreover reads no GB18030.
"""

from __future__ import annotations

import array
import codecs
import datetime as dt
import functools
import heapq
import itertools
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar, overload

import attrs

from ._boundary import outside
from ._bulk import made_at_once
from ._errors import DataError
from ._fardates import python_list
from ._limits import MAX_CSV_FIELD_CHARS, number_problem
from ._messages import say
from ._model import Text
from ._once import once
from ._recordspec import FLAGS, LOG_COLUMNS, REGISTER_COLUMNS
from ._tabular import (
    EXCEL_ERRORS,
    INEXACT_FLOATS,
    MISSING_MARKERS,
    RawTable,
    TableSource,
    arrow_batches,
    cell_text,
    decode,
    error_text,
    needs,
    read_whole,
    source_kind,
)
from .records.read import (
    ColumnMapping,
    Inspection,
    InspectionLog,
    Progress,
    Register,
    RowReader,
    UnitRecord,
    column_mapping,
    fetched_rows,
    other_categories,
    parse_date,
    record_columns,
)
from .records.read import read_log as read_log_rows
from .records.read import read_register as read_register_rows

__all__ = [
    "HEAD_BYTES",
    "ColumnRows",
    "CsvHead",
    "arrow_columns",
    "csv_head",
    "python_values",
    "read_log",
    "read_records",
    "read_register",
    "texts",
    "utf8_head",
]

#: The characters that `str.strip` removes (`str.isspace`), as a class of RE2,
#: the regular expressions of Arrow: a cell of these alone is blank.
_SPACE = (
    r"\t\n\x0b\x0c\r\x1c-\x20\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}"
    r"\x{202f}\x{205f}\x{3000}"
)
_BLANK = f"^[{_SPACE}]*$"
#: A cell that is its own normal form: printable ASCII and CJK unified
#: ideographs (which NFKC leaves alone), spaces inside only.
_PLAIN_CHAR = r"!-~\x{4e00}-\x{9fff}"
_PLAIN = f"^[{_PLAIN_CHAR}](?:[ {_PLAIN_CHAR}]*[{_PLAIN_CHAR}])?$"
#: The longest missing marker, in UTF-8 bytes.
_LONGEST_MARKER = max(len(marker.encode()) for marker in MISSING_MARKERS)
#: Bytes read at a time while a UTF-8 file is checked (it is never held whole).
_CHUNK = 1 << 22
#: Bytes Arrow parses at a time (its default): a larger block holds more in
#: memory at once; a line longer than a block is left to the row reader.
_BLOCK = 1 << 20
#: A file kind read column-wise here.
_KINDS = ("csv", "arrow")


# -- the rows, kept as columns ----------------------------------------------------------


class ColumnRows(Sequence[Any]):
    """The rows of a register (`UnitRecord`) or a log (`Inspection`) held as an
    Arrow table with the canonical columns and ``row``; made Python objects,
    all at once and once only, when first asked for one (equal to a tuple of
    them). `arrow_columns` hands the table to an engine as it is."""

    def __init__(self, table: Any, kind: str) -> None:
        self.table = table
        self.kind = kind
        self._lazy: dict[str, Any] = {}

    def __len__(self) -> int:
        return int(self.table.num_rows)

    def _rows(self) -> tuple[Any, ...]:
        return once(self._lazy, "rows", self._made)

    def _made(self) -> tuple[Any, ...]:
        with made_at_once():  # a million small objects, none of them in a cycle
            return self._objects()

    def _objects(self) -> tuple[Any, ...]:
        columns = {name: python_values(self.table.column(name)) for name in self.table.column_names}
        if self.kind == "log":
            return tuple(
                map(
                    Inspection,
                    columns["unit"],
                    columns["date"],
                    columns["kind"],
                    columns["result"],
                    columns["inspection"],
                    columns["row"],
                )
            )
        flags = (
            [
                frozenset(f for f, on in zip(FLAGS, values, strict=True) if on)
                for values in zip(*(columns[f] for f in FLAGS), strict=True)
            ]
            if len(self)
            else []
        )
        return tuple(
            map(
                UnitRecord,
                columns["unit"],
                columns["name"],
                columns["category"],
                columns["district"],
                columns["risk_level"],
                columns["size"],
                columns["registered"],
                columns["closed"],
                flags,
                columns["row"],
            )
        )

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Any, ...]: ...
    def __getitem__(self, index: int | slice) -> Any:
        return self._rows()[index]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._rows())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return len(self) == len(other) and tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._rows())

    def __repr__(self) -> str:
        return f"<{len(self)} {self.kind} rows as columns>"

    def of_units(self, units: Iterable[str]) -> tuple[Any, ...]:
        """The rows of these units only, made Python objects (a filter in Arrow
        first: the reference engine needs the inspections of the few units its
        rules count, not the whole log's)."""
        pa = needs("pyarrow")
        wanted = _compute().is_in(
            self.table.column("unit"), value_set=_array(list(units), pa.string())
        )
        return ColumnRows(self.table.filter(wanted), self.kind)._rows()

    def lacking(
        self, units: Iterable[str] | None, columns: Iterable[str], *, every: bool = False
    ) -> tuple[Any, ...]:
        """The log rows of these units (``None``: one row of any, if any; with
        ``every``, all of them) with no value in one of ``columns``
        (`qrules.records.doubts`), filtered in Arrow. (Of a register: its units.)"""
        columns = list(columns)
        if not columns or not any(self.table.column(c).null_count for c in columns):
            return ()  # (from the columns' validity: no mask made)
        pa, pc = needs("pyarrow"), _compute()
        empty = None
        for column in columns:
            null = pc.is_null(self.table.column(column))
            empty = null if empty is None else pc.or_(empty, null)
        if units is None:
            found = self.table.filter(empty)
            found = found if every else found.slice(0, 1)
        else:
            wanted = pc.is_in(self.table.column("unit"), value_set=_array(list(units), pa.string()))
            found = self.table.filter(pc.and_(wanted, empty))
        return ColumnRows(found, self.kind)._rows() if found.num_rows else ()

    def vacant(self, columns: Iterable[str]) -> tuple[Any, ...]:
        """The register's units with no value in one of ``columns``
        (`qrules.records.doubts.Vacant`), filtered in Arrow."""
        return self.lacking(None, columns, every=True)

    def repeated(self) -> tuple[Any, ...]:
        """Every row of the log's units that have two rows without an inspection
        id alike in day, kind and result (`qrules.records.doubts.Repeated`),
        found in Arrow; none, from the column's validity, when every row has an id."""
        ids = self.table.column("inspection")
        if not ids.null_count:
            return ()
        pc = _compute()
        keys = ["unit", "date", "kind", "result"]
        alike = (
            self.table.filter(pc.is_null(ids))
            .select(keys)
            .group_by(keys, use_threads=False)
            .aggregate([([], "count_all")])
        )
        units = pc.unique(alike.filter(pc.greater(alike.column("count_all"), 1)).column("unit"))
        return self.of_units(units.to_pylist()) if len(units) else ()

    def unit_index(self) -> Mapping[str, Any]:
        """The units by id: an index of positions, a unit made when looked up."""
        return once(self._lazy, "index", lambda: _UnitIndex(self))

    def date_range(self, column: str) -> tuple[dt.date, dt.date] | None:
        """The earliest and latest date of a column (``None`` when it has none)."""
        pc = needs("pyarrow.compute")
        found = pc.min_max(self.table.column(column)).as_py()
        return None if found["min"] is None else (found["min"], found["max"])


def python_values(column: Any) -> list[Any]:
    """A column's Python values; a column of few distinct values (dates, codes)
    makes one object per distinct value, shared by its rows (quicker, smaller)."""
    pc = _compute()
    if needs("pyarrow").types.is_dictionary(column.type):
        dictionary, indices = _parts(column)
        values = dictionary.to_pylist()
        return [None if i is None else values[i] for i in indices.to_pylist()]
    if len(column) < 1024:
        return list(column.to_pylist())
    distinct = pc.unique(column)
    if len(distinct) * 4 > len(column):
        return list(column.to_pylist())
    values = distinct.to_pylist()
    return [values[i] for i in pc.index_in(column, value_set=distinct).to_pylist()]


class _UnitIndex(Mapping[str, UnitRecord]):
    """Positions by unit id, made when first looked in (the row reader of a
    log's few rows left to it asks for the index, and looks in it only if
    some row is there: a million ids hashed for nothing otherwise)."""

    def __init__(self, rows: ColumnRows) -> None:
        self.rows = rows
        self._lazy: dict[str, dict[str, int]] = {}

    @property
    def positions(self) -> dict[str, int]:
        return once(self._lazy, "positions", self._positions)

    def _positions(self) -> dict[str, int]:
        units = self.rows.table.column("unit").to_pylist()
        return {unit: i for i, unit in enumerate(units)}

    def __getitem__(self, unit: str) -> UnitRecord:
        record: UnitRecord = self.rows[self.positions[unit]]
        return record

    def __contains__(self, unit: object) -> bool:
        return unit in self.positions

    def __iter__(self) -> Iterator[str]:
        return iter(self.positions)

    def __len__(self) -> int:
        return len(self.positions)


def arrow_columns(rows: Sequence[Any]) -> dict[str, Any] | None:
    """The canonical columns of rows kept as columns (``None`` for other rows)."""
    if not isinstance(rows, ColumnRows):
        return None
    order = REGISTER_COLUMNS if rows.kind == "register" else LOG_COLUMNS  # as loaded before
    return {name: rows.table.column(name) for name in order}


# -- reading --------------------------------------------------------------------------


def read_register(
    source: TableSource,
    *,
    mapping: ColumnMapping | Mapping[str, Any] | str | Path | None = None,
    encoding: str | None = None,
    table: str | None = None,
    sheet: str | None = None,
    name: str | None = None,
    progress: Progress | None = None,
) -> Register:
    """Read a register of units (see ``docs/records.md`` for columns and codes).

    ``source`` is a file (``.csv``, ``.xlsx``, ``.parquet``, ``.arrow``), a
    database URL (``duckdb:///path.db?table=register``) or DB-API connection
    (with ``table``), a pandas or polars DataFrame, an Arrow table, or a list
    of dicts. A row that cannot be read is rejected, not dropped: each one is
    in ``problems`` with its row and column, and ``rows_read == rows_used +
    rows_rejected``. A missing required column raises `DataError`. CSV,
    Parquet, Arrow and DataFrames are read column by column when pyarrow is
    installed, with the same results as row by row.
    """
    mapped = column_mapping(mapping)
    rows = functools.partial(
        read_register_rows,
        source,
        mapping=mapped,
        encoding=encoding,
        table=table,
        sheet=sheet,
        name=name,
        progress=progress,
    )
    where = {"encoding": encoding, "table": table, "sheet": sheet}
    few = functools.partial(_positions, "register", mapped, ("unit", "category"), _FEW_REGISTER)
    return _read(source, name, where, rows, lambda cells: _Register(cells, mapped, progress), few)


def read_log(
    source: TableSource,
    register: Register,
    *,
    mapping: ColumnMapping | Mapping[str, Any] | str | Path | None = None,
    encoding: str | None = None,
    table: str | None = None,
    sheet: str | None = None,
    name: str | None = None,
    progress: Progress | None = None,
) -> InspectionLog:
    """Read an inspection log of the units in ``register``.

    Sources and accounting as for `read_register`. A row whose unit is not in
    the register, whose date does not parse, or whose inspection id repeats an
    earlier one is rejected with its row and column.
    """
    return _log(
        source,
        register,
        column_mapping(mapping),
        {"encoding": encoding, "table": table, "sheet": sheet},
        name,
        progress,
    )


def read_records(
    register_source: TableSource,
    log_source: TableSource | None,
    *,
    mapping: ColumnMapping | Mapping[str, Any] | str | Path | None = None,
    register_encoding: str | None = None,
    log_encoding: str | None = None,
    register_sheet: str | None = None,
    log_sheet: str | None = None,
    progress: Progress | None = None,
) -> tuple[Register, InspectionLog | None]:
    """`read_register` of one source and `read_log` of the other (if any), as
    those read them, the log's file parsed by Arrow on a thread of its own
    while the register is read (Arrow's threads, and the interpreter, are
    idle part of the time otherwise). What the log's parsing raises is raised
    where `read_log` would raise it: after the register is read."""
    mapped = column_mapping(mapping)
    registered = functools.partial(
        read_register,
        register_source,
        mapping=mapped,
        encoding=register_encoding,
        sheet=register_sheet,
        progress=progress,
    )
    if log_source is None:
        return registered(), None
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415 (files only)

    where = {"encoding": log_encoding, "table": None, "sheet": log_sheet}
    few = functools.partial(_positions, "log", mapped, ("unit", "date"), _FEW_LOG)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="qrules-log") as pool:
        ahead = pool.submit(functools.partial(_cells, log_source, name=None, few=few, **where))
        register = registered()
    return register, _log(log_source, register, mapped, where, None, progress, ahead.result)


def _log(
    source: TableSource,
    register: Register,
    mapped: ColumnMapping,
    where: Mapping[str, str | None],
    name: str | None,
    progress: Progress | None,
    ahead: Callable[[], Any] | None = None,
) -> InspectionLog:
    """`read_log` (``ahead``: its cells, read already)."""
    rows = functools.partial(
        read_log_rows,
        source,
        register,
        mapping=mapped,
        name=name,
        progress=progress,
        **where,
    )
    few = functools.partial(_positions, "log", mapped, ("unit", "date"), _FEW_LOG)
    return _read(
        source,
        name,
        where,
        rows,
        lambda cells: _Log(cells, register, mapped, progress),
        few,
        ahead,
    )


_Read = TypeVar("_Read", Register, InspectionLog)


def _read(
    source: TableSource,
    name: str | None,
    where: Mapping[str, str | None],
    rows: Callable[[], _Read],
    reader: Callable[[Any], Any],
    few: Callable[[list[str]], frozenset[int]],
    ahead: Callable[[], _Cells | None] | None = None,
) -> _Read:
    """The table read column by column by ``reader`` (made from its cells), or
    by the row reader ``rows`` where there are no cells to read (a source
    Arrow does not read) or a column Arrow's kernels do not take. ``few``:
    the positions in a header of the columns of few distinct values
    (`_positions`); ``ahead``: the cells, read already (what reading them
    raised, raised here)."""
    with outside(_shown(source, name)):
        cells = ahead() if ahead is not None else _cells(source, name=name, few=few, **where)
    if cells is None:
        return rows()
    try:
        with outside(cells.name):
            reading = reader(cells)
            del cells  # the reading holds them; they go with it
            found: _Read = reading.read()
            del reading
    except _HeaderBelow:
        return rows()  # (found again by the row reader, which reads the rows under it)
    except _UNREAD as error:
        if isinstance(error, DataError):
            raise  # the header's problems, as the row reader names them
        # A column of a type Arrow's kernels do not take: the row reader reads it.
        return rows()
    _give_back()
    return found


#: The canonical columns of few distinct values (codes, dates, flags), read
#: from a CSV file dictionary-encoded: each distinct value is kept once, the
#: rows become positions in the dictionary, and every value is read once.
_FEW_REGISTER = frozenset(
    ("category", "district", "risk_level", "size", "registered", "closed", *FLAGS)
)
_FEW_LOG = frozenset(("date", "kind", "result"))


def _positions(
    kind: str,
    mapping: ColumnMapping,
    required: tuple[str, ...],
    canonical: frozenset[str],
    header: list[str],
) -> frozenset[int]:
    """Where in ``header`` the ``canonical`` columns are, as the row reader finds
    them (none when the header has a problem: the reading names it later)."""
    try:
        found = RowReader(fetched_rows("", header, iter(())), kind, mapping, required, None)
    except DataError:
        return frozenset()
    return frozenset(p for c, p in found.positions.items() if c in canonical)


def _give_back() -> None:
    """The memory a reading left free (the file's cells, the hash tables of its
    checks) handed back to the system: Arrow's allocator would keep it for the
    process's life, under the counting that follows (about 60 MiB of the peak
    with a 1,000,000-row log)."""
    needs("pyarrow").default_memory_pool().release_unused()


class _HeaderBelow(Exception):
    """The header is a row below the first (a title above it, `resolve_header`):
    the columns read are under the title's cells, so the row reader reads the
    file (a rare export, read as files were before this reader)."""


#: What Arrow raises for a column its kernels do not take (an extension type,
#: text that is not UTF-8 in a Parquet file, say): the file is then read by
#: the row reader, which reads it or names the problem (a `DataError`, also a
#: `ValueError`, is raised as it is).
_UNREAD = (NotImplementedError, TypeError, ValueError)


@attrs.frozen
class _Cells:
    """A source's cells as Arrow columns: one per column of the header, one
    value per row whose cells line up with the header (``numbers``: each one's
    row number); ``odd``: the other rows, as ``(number, cells)``."""

    name: str
    header: list[str]
    columns: list[Any]
    numbers: Any
    odd: list[tuple[int, list[object]]]
    notes: tuple[Text, ...] = ()
    #: A row with fewer cells than the header is misaligned (CSV), as `RawTable`'s.
    strict_width: bool = False


def _first_rows(cells: _Cells, count: int = 10) -> Iterator[tuple[int, list[object]]]:
    """The first rows under the header, in order: looked at only when the
    header is refused (a title above it: `resolve_header` says where it is)."""
    aligned = (
        (cells.numbers[i].as_py(), [c[i].as_py() for c in cells.columns])
        for i in range(min(count, len(cells.numbers)))
    )
    yield from itertools.islice(heapq.merge(aligned, cells.odd[:count]), count)


def _shown(source: TableSource, name: str | None) -> str:
    """How a source is named in messages (as `open_table` names it)."""
    return str(source) if isinstance(source, str | Path) else name or f"<{type(source).__name__}>"


def _available() -> bool:
    import importlib.util  # noqa: PLC0415 (only a file read needs it)

    return importlib.util.find_spec("pyarrow") is not None


def _cells(
    source: TableSource,
    *,
    encoding: str | None,
    table: str | None,
    sheet: str | None,
    name: str | None,
    few: Callable[[list[str]], frozenset[int]] = lambda header: frozenset(),
) -> _Cells | None:
    """The source's cells as columns, or ``None`` when the row reader reads it
    (the columns at the positions ``few`` finds in a CSV file's header
    dictionary-encoded)."""
    if table is not None or sheet is not None or not _available():
        return None  # an option that does not apply: the row reader says so
    pa = needs("pyarrow")
    if (
        hasattr(source, "to_batches")
        and hasattr(source, "column_names")
        and hasattr(source, "schema")
    ):
        return _of_arrow(source, name or "<Arrow table>") if encoding is None else None
    if hasattr(source, "iter_rows") and hasattr(source, "to_arrow") and encoding is None:
        # A polars DataFrame holds Arrow columns: read as an Arrow table is
        # (the row reader made a Python object of every cell, 20 times slower).
        try:
            arrow = source.to_arrow()
        except Exception:  # (polars' own errors: a column Arrow cannot hold) the row reader's
            return None
        return _of_arrow(arrow, name or "<polars DataFrame>")
    if hasattr(source, "itertuples") and hasattr(source, "columns") and encoding is None:
        arrow = _pandas_arrow(source)
        return None if arrow is None else _of_arrow(arrow, name or "<pandas DataFrame>")
    if not isinstance(source, str | Path) or source_kind(source) not in _KINDS:
        return None
    path = Path(source)
    if not path.is_file() or (source_kind(source) == "arrow" and encoding is not None):
        return None
    try:
        if source_kind(source) == "csv":
            return _of_csv(path, encoding, few)
        if path.suffix.lower() in (".parquet", ".pq", ".arrow", ".feather", ".ipc"):
            # (bounded as the row reader reads it: its footer or size, then
            # what each batch expands to)
            schema, batches = arrow_batches(path)
            return _of_arrow(pa.Table.from_batches(list(batches), schema=schema), path.name)
    except (pa.ArrowException, OSError, ValueError) as error:
        if isinstance(error, DataError):
            raise
        return None  # what Arrow cannot read, the row reader reads or names
    return None


def _pandas_arrow(frame: Any) -> Any | None:
    """A pandas DataFrame as an Arrow table (made 30 times faster than its rows
    are read), when it holds what the row reader reads: ``None`` when an index
    level is named (the row reader reads those as columns too), a column is
    one Arrow cannot hold (objects of mixed types), or a column of Python
    objects would be converted to anything but text, dates or flags (aware
    datetimes of several zones made one zone's, ints made floats)."""
    pa = needs("pyarrow")
    types = pa.types
    faithful = (
        types.is_string,
        types.is_large_string,
        types.is_null,
        types.is_date32,
        types.is_boolean,
    )
    try:
        if any(level is not None for level in frame.index.names):
            return None
        table = pa.Table.from_pandas(frame, preserve_index=False)
        for dtype, field in zip(frame.dtypes, table.schema, strict=True):
            if str(dtype) == "object" and not any(kind(field.type) for kind in faithful):
                return None
    except Exception:  # (pyarrow's and pandas' own errors; a frame like pandas') the row reader's
        return None
    return table


def _of_arrow(table: Any, name: str) -> _Cells | None:
    pa = needs("pyarrow")
    try:
        columns = [table.column(i) for i in range(table.num_columns)]
        # Text held as views (polars, DuckDB may hand them over) as plain text:
        # Arrow's kernels take no views.
        columns = [
            c.cast(pa.large_string()) if pa.types.is_string_view(c.type) else c for c in columns
        ]
    except pa.ArrowException:
        return None
    if any(
        pa.types.is_nested(c.type)
        or pa.types.is_dictionary(c.type)
        # (bytes, whose cells the row reader refuses, `unread_cell`; an extension
        # type, such as a pandas Period's, that Arrow's kernels do not take)
        or pa.types.is_binary(c.type)
        or pa.types.is_large_binary(c.type)
        or pa.types.is_fixed_size_binary(c.type)
        or pa.types.is_binary_view(c.type)
        or isinstance(c.type, pa.BaseExtensionType)
        # (single or half precision: the row reader reads each value as the
        # column holds it, `_tabular`'s `_single`, not widened to a double)
        or (pa.types.is_floating(c.type) and c.type.bit_width < 64)
        for c in columns
    ):
        return None
    numbers = _arange(1, table.num_rows)
    return _Cells(name, [str(c) for c in table.column_names], columns, numbers, [])


def _of_csv(
    path: Path, encoding: str | None, few: Callable[[list[str]], frozenset[int]]
) -> _Cells | None:
    """A CSV file's cells, or ``None`` when the row reader reads it (see the module)."""
    pa, pc = needs("pyarrow"), _compute()
    csv = needs("pyarrow.csv")
    name = path.name
    found = csv_head(path, encoding)
    if found is None:
        return None
    header, delimiter, codec, data, quoted = (
        found.header,
        found.delimiter,
        found.codec,
        found.data,
        found.quoted,
    )
    if quoted is True and not _plainly_quoted(path if data is None else data, delimiter):
        return None
    width = len(header)
    notes = (
        () if codec in ("utf-8", "utf-8-sig") else (say("tabular.read_as", codec=codec.upper()),)
    )
    if width == 0:
        return _Cells(name, header, [], _array([], pa.int64()), [], notes, True)
    odd: list[tuple[int, str]] = []

    def invalid(row: Any) -> str:
        odd.append((row.number, row.text))
        return "skip"

    names = [f"c{i}" for i in range(width)]
    coded = few(header)
    parsing: dict[str, Any] = {
        "delimiter": delimiter,
        "quote_char": '"' if quoted else False,
        "double_quote": True,
        "escape_char": False,
        "newlines_in_values": False,
        "ignore_empty_lines": False,
    }
    options = {
        "parse_options": csv.ParseOptions(**parsing, invalid_row_handler=invalid),
        "convert_options": csv.ConvertOptions(
            column_types={
                n: _dictionary_type() if i in coded else pa.string() for i, n in enumerate(names)
            },
            strings_can_be_null=False,
            null_values=[],
            quoted_strings_can_be_null=False,
        ),
    }

    def read_with(threads: bool) -> Any:
        odd.clear()
        source = path if data is None else pa.BufferReader(data)
        read_options = csv.ReadOptions(
            column_names=names, skip_rows=1, use_threads=threads, block_size=_BLOCK
        )
        if threads:
            # (No function of ours on Arrow's threads: one of their tasks that
            # outlives the read may let go of it as Python ends, and a thread
            # taking Python's lock then aborts the process after its last word.)
            return csv.read_csv(source, read_options=read_options, **unhandled)
        return csv.open_csv(source, read_options=read_options, **options).read_all()

    unhandled = {**options, "parse_options": csv.ParseOptions(**parsing)}
    try:
        read = read_with(True)
    except pa.ArrowInvalid:
        # A row of another width (or a cell Arrow cannot read, which the
        # reading on one thread raises again): Arrow numbers the lines of
        # misaligned rows when it reads on one thread only.
        read = read_with(False)
    _give_back()  # what the reader's threads left free (about 60 MiB with 1,000,000 rows)
    columns = [_unified(read.column(i)) for i in range(width)]
    if any(_longest(c) > MAX_CSV_FIELD_CHARS for c in columns):
        return None
    # Arrow numbers the lines from 1 with the header; the row reader numbers
    # records the same way (each line is one record: no quoted line break).
    total = read.num_rows + len(odd)
    everyone = _arange(2, total)
    numbers = (
        everyone.filter(
            pc.invert(
                pc.is_in(everyone, value_set=_array([number for number, _ in odd], pa.int64()))
            )
        )
        if odd
        else everyone
    )
    rows: list[tuple[int, list[object]]] = []
    for number, text in odd:
        cells: list[object] = list(_fields(text, delimiter))
        if any(len(str(c)) > MAX_CSV_FIELD_CHARS for c in cells):
            return None
        rows.append((number, cells))
    return _Cells(name, header, columns, numbers, rows, notes, True)


@attrs.frozen
class CsvHead:
    """What the start of a CSV file says (`csv_head`): its header as the csv
    module reads it, its delimiter and encoding, the whole text as UTF-8 when
    the file is in another encoding (else ``None``), and where it holds
    quotation marks (`Quoted`)."""

    header: list[str]
    delimiter: str
    codec: str
    data: bytes | None
    quoted: Quoted


def csv_head(path: Path, encoding: str | None) -> CsvHead | None:
    """A CSV file's header, delimiter and encoding, found as the row reader
    finds them (``_tabular.from_csv``), or ``None`` when the header is not one
    plain line (a quoted line break, a line longer than what is looked at, a
    field longer than the csv module reads) or the file holds a NUL: the row
    reader's then. Reads the whole file once (its encoding is decided over
    all of it); a file that decodes in no encoding tried is the row reader's
    `DataError`."""
    found = _text_head(path, encoding)
    if found is None:
        return None
    return _head_of(*found)


def utf8_head(start: bytes, quoted: Quoted) -> CsvHead | None:
    """What `csv_head` finds in a file that its caller proved is UTF-8 over
    all of it (with or without a byte-order mark) and holds no NUL, from the
    file's first `HEAD_BYTES` bytes (all of them, if fewer) and where the file
    holds quotation marks: the same header, delimiter and encoding, without
    reading the rest. `UnicodeDecodeError` when ``start`` is not UTF-8."""
    text = codecs.getincrementaldecoder("utf-8")().decode(start[:HEAD_BYTES])
    codec = "utf-8-sig" if start.startswith(codecs.BOM_UTF8) else "utf-8"
    return _head_of(_unmarked(text)[:_HEAD], codec, None, quoted)


def _head_of(head: str, codec: str, data: bytes | None, quoted: Quoted) -> CsvHead | None:
    """`csv_head` of a file's first `_HEAD` characters (without a byte-order
    mark; all of its text if shorter), its encoding, its text as UTF-8 when in
    another encoding, and where it holds quotation marks."""
    lines = head[:8192].split("\n")[:10]
    delimiter = max(",\t;", key=lambda d: sum(line.count(d) for line in lines))
    first = re.split(r"\r\n|\r|\n", head, maxsplit=1)
    if len(first) == 1 and len(head) >= _HEAD:
        return None  # a header line longer than what was looked at
    if quoted == "header" and not re.fullmatch(_line_pattern(delimiter), first[0]):
        return None  # quotation marks in the header line only: it alone is looked at
    header = _fields(first[0], delimiter)
    if any(len(h) > MAX_CSV_FIELD_CHARS for h in header):
        return None
    return CsvHead(header, delimiter, codec, data, quoted)


def _longest(column: Any) -> int:
    """The most characters in a cell of a text column (counted only when its
    longest cell has more bytes than the limit: no character is less than one)."""
    pc = _compute()
    if needs("pyarrow").types.is_dictionary(column.type):
        return _longest(_parts(column)[0])
    if (pc.max(pc.binary_length(column)).as_py() or 0) <= MAX_CSV_FIELD_CHARS:
        return 0
    return int(pc.max(pc.utf8_length(column)).as_py() or 0)


#: Characters of a CSV file's start looked at (the delimiter, the header).
_HEAD = 16_384
#: Bytes of a UTF-8 file's start holding its first `_HEAD` characters and two
#: more (a byte-order mark, one over: `utf8_head`), four bytes at most each.
HEAD_BYTES = 4 * (_HEAD + 2)


def _arange(start: int, count: int) -> Any:
    """``start, start + 1, …`` (``count`` of them), as Arrow int64: numpy's
    numbers as they are (pyarrow's companion), else summed by Arrow."""
    pa, pc = needs("pyarrow"), _compute()
    if not count:
        return _array([], pa.int64())
    try:
        import numpy  # noqa: PLC0415 (pyarrow's own companion, optional since pyarrow 16)
    except ImportError:
        ones = pa.repeat(_scalar(1, pa.int64()), count)
        return pc.cumulative_sum(ones, start=_scalar(start - 1, pa.int64()))
    numbers = numpy.arange(start, start + count, dtype=numpy.int64)
    return pa.Array.from_buffers(pa.int64(), count, [None, pa.py_buffer(numbers)])


def _fields(line: str, delimiter: str) -> list[str]:
    """One line's fields as the csv module reads them."""
    import csv  # noqa: PLC0415 (a few lines only)

    return next(csv.reader([line], delimiter=delimiter), [])


def _plainly_quoted(source: Path | bytes, delimiter: str) -> bool:
    """Whether every line's quoted fields are whole fields, each on one line:
    ``"a,b"`` and ``"a ""b"" c"`` are, ``a"b`` and a quoted line break are not
    (there the csv module's reading is its own, and lines are not records).
    Read line by line with Arrow, each checked with one regular expression."""
    pa, pc = needs("pyarrow"), _compute()
    csv = needs("pyarrow.csv")
    line = f"^{_line_pattern(delimiter)}$"
    try:
        # (No invalid row handler: a function of ours on Arrow's threads may
        # abort the process as Python ends, `_of_csv`.)
        reader = csv.open_csv(
            source if isinstance(source, Path) else pa.BufferReader(source),
            read_options=csv.ReadOptions(
                column_names=["line"], use_threads=True, block_size=_BLOCK
            ),
            parse_options=csv.ParseOptions(
                delimiter="\x01", quote_char=False, ignore_empty_lines=True
            ),
            convert_options=csv.ConvertOptions(
                column_types={"line": pa.string()}, strings_can_be_null=False, null_values=[]
            ),
        )
        for batch in reader:
            if not pc.all(pc.match_substring_regex(batch.column(0), line)).as_py():
                return False
    except pa.ArrowInvalid:  # a line holding the character read as a delimiter
        return False
    return True


def _line_pattern(delimiter: str) -> str:
    """A line whose quoted fields are whole fields (see `_plainly_quoted`), as
    a regular expression both Python's and Arrow's (RE2) read alike."""
    d = re.escape(delimiter)
    field = f'(?:[^"{d}]*|"(?:[^"]|"")*")'
    return f"{field}(?:{d}{field})*"


#: Where a CSV file holds quotation marks: nowhere (``False``), in its first
#: line only (``"header"``: a header quoted by the program that wrote it), or
#: further on (``True``).
Quoted = bool | str


def _unmarked(text: str) -> str:
    """UTF-8 text decoded with its byte-order mark, without it, as the row
    reader reads it (``_tabular.decode``: ``utf-8-sig``, then one more mark
    removed): two marks at most."""
    return text.removeprefix("\ufeff").removeprefix("\ufeff")


def _text_head(path: Path, encoding: str | None) -> tuple[str, str, bytes | None, Quoted] | None:
    """The start of a CSV file's text (without a byte-order mark), its encoding,
    the whole text as UTF-8 for Arrow when the file is in another encoding,
    and where it holds quotation marks (`Quoted`); ``None`` for a file with a
    NUL (the row reader's). A file that decodes in no encoding tried is the
    row reader's `DataError`."""
    with path.open("rb") as file:
        start = file.read(4)
        file.seek(0)
        if encoding is None and not start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            codec = "utf-8-sig" if start.startswith(codecs.BOM_UTF8) else "utf-8"
            decoder = codecs.getincrementaldecoder("utf-8")()
            head = ""
            quoted: Quoted = False
            line_end = -1  # where the first line ends, in the file's bytes, once seen
            at = 0  # where the chunk starts, in the file's bytes
            chunk = bytearray(_CHUNK)  # one buffer, read into again and again
            try:
                while size := file.readinto(chunk):
                    if chunk.find(b"\0", 0, size) >= 0:
                        return None
                    if line_end < 0:
                        ends = [chunk.find(end, 0, size) for end in (b"\n", b"\r")]
                        found = [i for i in ends if i >= 0]
                        line_end = at + min(found) if found else -1
                    if quoted is not True:
                        split = size if line_end < 0 else max(0, line_end - at)
                        if chunk.find(b'"', split, size) >= 0:
                            quoted = True
                        elif chunk.find(b'"', 0, split) >= 0:
                            quoted = "header"
                    text = decoder.decode(memoryview(chunk)[:size])
                    if len(head) < _HEAD + 1:
                        head += text[: _HEAD + 1]
                    at += size
                decoder.decode(b"", final=True)
                return _unmarked(head)[:_HEAD], codec, None, quoted
            except UnicodeDecodeError:
                file.seek(0)  # GB18030 (or none): decided over the whole file, as the row reader
    raw = read_whole(path)  # (the row reader's bound: GB18030 is decoded whole)
    text, codec = decode(path.name, raw, encoding)
    del raw
    text = text.removeprefix("\ufeff")
    if "\0" in text:
        return None
    first = re.split(r"\r\n|\r|\n", text, maxsplit=1)
    quoted = True if len(first) > 1 and '"' in first[1] else "header" if '"' in first[0] else False
    return text[:_HEAD], codec, text.encode("utf-8"), quoted


# -- values, column by column --------------------------------------------------------


def _compute() -> Any:
    return needs("pyarrow.compute")


#: A 32-bit integer's code in `array.array`.
_INT32 = next(code for code in "ilh" if array.array(code).itemsize == 4)
#: Arrow's day 0 (a date32 counts days from it), as an ordinal.
_DAY0 = dt.date(1970, 1, 1).toordinal()


def _array(values: Sequence[Any], kind: Any) -> Any:
    """An Arrow array of Python values (``None``: null) of type ``kind`` (text,
    truth, int64, date32), made from their bytes. `pa.array` and `pa.scalar`
    first ask whether the values are pandas objects, importing pandas to ask
    when it is installed (about 0.15 s and 50 MiB: more than reading a
    100,000-row register), which reading files never needs."""
    pa = needs("pyarrow")
    count = len(values)
    present = [v is not None for v in values]
    missing = count - sum(present)
    validity = _bitmap(present) if missing else None
    if pa.types.is_string(kind):
        data = [b"" if v is None else str(v).encode() for v in values]
        offsets = array.array("q", itertools.accumulate(map(len, data), initial=0))
        buffers = [validity, pa.py_buffer(offsets), pa.py_buffer(b"".join(data))]
        return pa.Array.from_buffers(pa.large_string(), count, buffers, missing).cast(kind)
    if pa.types.is_boolean(kind):
        bits = _bitmap([bool(v) for v in values])
        return pa.Array.from_buffers(kind, count, [validity, bits], missing)
    if pa.types.is_int64(kind):
        numbers = array.array("q", (0 if v is None else v for v in values))
        return pa.Array.from_buffers(kind, count, [validity, pa.py_buffer(numbers)], missing)
    if pa.types.is_date32(kind):
        days = array.array(_INT32, (0 if v is None else v.toordinal() - _DAY0 for v in values))
        return pa.Array.from_buffers(kind, count, [validity, pa.py_buffer(days)], missing)
    if pa.types.is_null(kind):
        return pa.nulls(count)
    if pa.types.is_dictionary(kind):
        return _array(values, kind.value_type).dictionary_encode().cast(kind)
    return pa.array(values, kind)  # no other type is made here


def texts(values: Iterable[str]) -> Any:
    """An Arrow array of text, made without importing pandas (see `_array`)."""
    return _array(list(values), needs("pyarrow").string())


def _scalar(value: Any, kind: Any) -> Any:
    """An Arrow scalar (see `_array`: `pa.scalar` would import pandas)."""
    return _array([value], kind)[0]


def _bitmap(flags: Sequence[bool]) -> Any:
    """Arrow's bitmap of truths (the first one in the lowest bit of the first byte)."""
    pa = needs("pyarrow")
    bits = "".join("1" if flag else "0" for flag in reversed(flags)) or "0"
    return pa.py_buffer(int(bits, 2).to_bytes((len(flags) + 7) // 8, "little"))


def _each_value(
    column: Any,
    read: Callable[[object], object],
    kind: Any,
    *,
    encoded: bool = False,
    errors: bool = True,
) -> tuple[Any, Any]:
    """``read`` of each distinct value, mapped back to the rows: the values (of
    Arrow type ``kind``) and where ``read`` raised `ValueError` (a row to
    reject; ``None`` when it raised for none), or (``errors``) the value is an
    Excel error value's text (`error_text`). A dictionary-encoded column's
    dictionary is its distinct values, its indices where each row's is; with
    ``encoded``, text read from one is dictionary-encoded too (`_encoded`)."""
    pa, pc = needs("pyarrow"), _compute()
    if pa.types.is_dictionary(column.type):
        distinct, at = _parts(column)
    else:
        distinct = pc.unique(column)
        at = None
    values: list[object] = []
    bad: list[bool] = []
    for value in python_list(distinct):
        try:
            if errors and error_text(value) is not None:
                # (An Excel error value's text, in any column: its row is the
                # row reader's, which rejects it, `unread_cell`.)
                raise ValueError(value)
            values.append(read(value))
            bad.append(False)
        except ValueError:
            values.append(None)
            bad.append(True)
    if at is None:
        at = pc.index_in(column, value_set=distinct)
    rejected = _array(bad, pa.bool_()).take(at) if any(bad) else None
    if encoded and pa.types.is_dictionary(column.type) and pa.types.is_string(kind):
        return _encoded(_array(values, kind), at), rejected
    return _array(values, kind).take(at), rejected


def _dictionary_type() -> Any:
    """The type of a column read dictionary-encoded."""
    pa = needs("pyarrow")
    return pa.dictionary(pa.int32(), pa.string())


def _unified(column: Any) -> Any:
    """A column read from a CSV file, a dictionary-encoded one with one
    dictionary for all its chunks (Arrow's reader makes one per block)."""
    if needs("pyarrow").types.is_dictionary(column.type):
        return column.unify_dictionaries()
    return column


def _encoded(values: Any, at: Any) -> Any:
    """``values`` (text, ``null`` for none) at positions ``at`` (a chunked
    array), dictionary-encoded: four bytes a row (the dictionary holds each
    value once: codes read alike share an entry)."""
    pa = needs("pyarrow")
    encoded = values.dictionary_encode()
    indices = encoded.indices.take(at)
    chunks = indices.chunks if isinstance(indices, pa.ChunkedArray) else [indices]
    return pa.chunked_array(
        [pa.DictionaryArray.from_arrays(c, encoded.dictionary) for c in chunks],
        _dictionary_type(),
    )


def _parts(column: Any) -> tuple[Any, Any]:
    """A dictionary-encoded column's dictionary (its distinct values) and its
    indices (each row's position in the dictionary, ``null`` for a missing one)."""
    pa = needs("pyarrow")
    if not isinstance(column, pa.ChunkedArray):
        return column.dictionary, column.indices
    column = column.unify_dictionaries()  # one dictionary (quick when it already is)
    dictionary = (
        column.chunk(0).dictionary if column.num_chunks else _array([], column.type.value_type)
    )
    indices = pa.chunked_array([c.indices for c in column.chunks], type=column.type.index_type)
    return dictionary, indices


def _per_value(column: Any, read: Callable[[Any], Any]) -> Any:
    """``read`` (a function of an Arrow array of text) of a dictionary-encoded
    column: of its dictionary, mapped back to the rows."""
    dictionary, indices = _parts(column)
    return read(dictionary).take(indices)


def _texts(column: Any) -> Any:
    """Each cell as `cell_text` reads it (``null`` for missing; an Excel error
    value's text as it reads, for `_erred` to find)."""
    pa, pc = needs("pyarrow"), _compute()
    if pa.types.is_dictionary(column.type):
        return _per_value(column, _texts)
    if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
        return _each_value(column, cell_text, pa.string(), errors=False)[0]
    column = column.cast(pa.string()) if pa.types.is_large_string(column.type) else column
    plain = _plain(column)
    # A missing marker is short: only short cells are looked up (ids seldom are).
    short = pc.less_equal(pc.binary_length(column), _scalar(_LONGEST_MARKER, pa.int64()))
    shown = column
    markers = _array(sorted(MISSING_MARKERS - {""}), pa.string())
    if (
        pc.any(short).as_py()
        and pc.any(pc.is_in(pc.utf8_lower(column.filter(short)), value_set=markers)).as_py()
    ):  # else the column as it is (no copy)
        marker = pc.is_in(
            pc.utf8_lower(pc.if_else(short, column, _scalar("", pa.string()))), value_set=markers
        )
        shown = pc.if_else(marker, _scalar(None, pa.string()), column)
    others = pc.and_(pc.invert(plain), pc.is_valid(column))
    if not pc.any(others).as_py():
        return shown
    others = _whole(pc.fill_null(others, _scalar(False, pa.bool_())))
    read, _ = _each_value(column.filter(others), cell_text, pa.string(), errors=False)
    return pc.replace_with_mask(_whole(shown), others, _whole(read))


def _erred(texts: Any) -> Any | None:
    """Where a cell read (`_texts`: normalised) is an Excel error value's
    text (`error_text`: such a row is the row reader's, which rejects it), or
    ``None`` when none is: no cell starts with ``#`` (most columns, told by
    one quick kernel)."""
    pa, pc = needs("pyarrow"), _compute()
    if not pc.any(pc.starts_with(texts, "#")).as_py():
        return None
    codes = _array(sorted(EXCEL_ERRORS), pa.string())
    return pc.is_in(pc.ascii_upper(texts), value_set=codes)


def _plain(column: Any) -> Any:
    """Where a text cell is its own normal form (`_PLAIN`). Printable ASCII not
    starting or ending with a space is told by quick kernels; the regular
    expression runs only when some cell is not that (CJK, say)."""
    pa, pc = needs("pyarrow"), _compute()
    ascii_plain = pc.and_(
        pc.and_(
            pc.ascii_is_printable(column),  # true for "" too: a blank cell is not plain
            pc.greater(pc.binary_length(column), _scalar(0, pa.int64())),
        ),
        pc.invert(pc.or_(pc.starts_with(column, " "), pc.ends_with(column, " "))),
    )
    if pc.all(pc.or_(ascii_plain, pc.is_null(column))).as_py():
        return ascii_plain
    return pc.match_substring_regex(column, _PLAIN)


def _whole(values: Any) -> Any:
    """An Arrow array in one piece (a chunked array's chunks joined)."""
    return values.combine_chunks() if hasattr(values, "combine_chunks") else values


def _blank(column: Any) -> Any:
    """Where a cell is blank as the row reader sees it (missing, or spaces)."""
    pa, pc = needs("pyarrow"), _compute()
    if pa.types.is_dictionary(column.type):
        return pc.fill_null(_per_value(column, _blank), _scalar(True, pa.bool_()))
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return pc.fill_null(pc.match_substring_regex(column, _BLANK), _scalar(True, pa.bool_()))
    if pa.types.is_floating(column.type):
        return pc.fill_null(pc.is_nan(column), _scalar(True, pa.bool_()))
    return pc.is_null(column)


def _too_large(column: Any) -> Any | None:
    """Where a number is beyond what qrules reads (of Arrow's numbers, only a
    decimal can be), or a float that holds no whole number exactly
    (`INEXACT_FLOATS`: an id it stands for cannot be told, `not_a_cell`):
    rows the row reader reads, and rejects when the column is one it reads."""
    pa, pc = needs("pyarrow"), _compute()
    if pa.types.is_floating(column.type):
        inexact = pc.and_(
            pc.is_finite(column),
            pc.greater_equal(pc.abs(column), _scalar(INEXACT_FLOATS, pa.int64())),
        )
        inexact = pc.fill_null(inexact, _scalar(False, pa.bool_()))
        return inexact if pc.any(inexact).as_py() else None
    if not pa.types.is_decimal(column.type):
        return None
    return _each_value(column, _bounded, pa.null())[1]


def _bounded(value: object) -> None:
    if isinstance(value, Decimal) and number_problem(value):
        raise ValueError(value)


class _Reading:
    """What reading a register and a log share: the header resolved by the row
    reader's code, the rows to read, and the rows left to the row reader."""

    def __init__(
        self,
        cells: _Cells,
        kind: str,
        mapping: ColumnMapping,
        required: tuple[str, ...],
        progress: Progress | None,
    ) -> None:
        pc = _compute()
        self.cells = cells
        self.kind = kind
        self.mapping = mapping
        self.progress = progress
        # The row reader's own header resolution: the same errors, positions, notes.
        self.rows = RowReader(
            fetched_rows(cells.name, cells.header, _first_rows(cells)),
            kind,
            mapping,
            required,
            None,
        )
        if self.rows.header_row != 1:
            raise _HeaderBelow
        self.rows.notes[:0] = list(cells.notes)
        self.suspects: Any = None
        count = len(cells.numbers)
        # Blank rows: each column looked at only in the rows blank so far (few
        # after the first column).
        pa = needs("pyarrow")
        maybe = None  # the rows blank so far (positions); None: every row
        for column in cells.columns:
            if maybe is not None and not len(maybe):
                break
            maybe = (
                pc.indices_nonzero(_blank(column))
                if maybe is None
                else maybe.filter(_blank(column.take(maybe)))
            )
        # Whether every row is read (no blank row): most files.
        self.everyone = maybe is not None and not len(maybe)
        self.used = (
            pc.invert(pc.is_in(_arange(0, count), value_set=maybe.cast(pa.int64())))
            if maybe is not None and len(maybe)
            else pa.repeat(_scalar(bool(cells.columns), pa.bool_()), count)
        )
        for column in cells.columns:
            if (large := _too_large(column)) is not None:
                self.suspect(large)

    def column(self, canonical: str) -> Any | None:
        position = self.rows.positions.get(canonical)
        return None if position is None else self.cells.columns[position]

    def suspect(self, mask: Any) -> None:
        """Rows that the row reader reads (``mask`` true: unreadable, or may be;
        ``None``: none)."""
        if mask is None:
            return
        pc = _compute()
        mask = pc.fill_null(mask, _scalar(True, needs("pyarrow").bool_()))
        self.suspects = mask if self.suspects is None else pc.or_(self.suspects, mask)

    def used_rows(self) -> Any | None:
        """The rows read (not blank), as a mask; ``None`` when every row is."""
        return None if self.everyone else self.used

    def repeated(self, values: Any, odd_values: list[str | None]) -> None:
        """Every row of a value given more than once is the row reader's."""
        if (mask := _repeats(values, self.used_rows(), odd_values)) is not None:
            self.suspect(mask)

    def odd_texts(self, canonical: str) -> list[str | None]:
        position = self.rows.positions.get(canonical)
        if position is None:
            return []
        return [
            cell_text(cells[position]) if position < len(cells) else None
            for _, cells in self.cells.odd
        ]

    def split(self) -> tuple[Any, RawTable, int]:
        """The rows read here (a mask), the rows left to the row reader (a
        table), and how many rows were read here."""
        pa, pc = needs("pyarrow"), _compute()
        suspects = (
            self.suspects
            if self.suspects is not None
            else pa.repeat(_scalar(False, pa.bool_()), len(self.cells.numbers))
        )
        clean = pc.and_(self.used, pc.invert(suspects))
        left = pc.indices_nonzero(pc.and_(self.used, suspects))
        width = len(self.cells.header)
        numbers = self.cells.numbers.take(left).to_pylist()
        columns = [python_list(c.take(left)) for c in self.cells.columns]
        rows: list[tuple[int, Sequence[object]]] = [
            (number, [columns[i][j] for i in range(width)]) for j, number in enumerate(numbers)
        ]
        rows += [(n, c) for n, c in self.cells.odd]
        rows.sort(key=lambda r: r[0])
        # No progress to show: reading column-wise takes seconds, not minutes.
        read_here = int(pc.sum(clean).as_py() or 0)
        return (
            clean,
            RawTable(
                self.cells.name, self.cells.header, iter(rows), strict_width=self.cells.strict_width
            ),
            read_here,
        )


def _repeats(values: Any, used: Any | None, odd_values: list[str | None]) -> Any | None:
    """Where a row holds a value given more than once (among the rows ``used``,
    every row when ``None``, and the misaligned ones), or ``None`` when each is
    given once."""
    pa, pc = needs("pyarrow"), _compute()
    present = (values if used is None else values.filter(used)).drop_null()
    twice = _given_twice(present)
    odd = _array([v for v in odd_values if v is not None], pa.string())
    if (
        twice is None
        and not (len(odd) and pc.any(pc.is_in(present, value_set=odd)).as_py())
        and len(pc.unique(odd)) == len(odd)
    ):
        return None  # the common case: each value once
    # Every row of a misaligned row's value is the row reader's.
    found = odd if twice is None else pa.concat_arrays([twice, odd])
    return pc.is_in(values, value_set=found) if len(found) else None


#: Values counted at a time when looking for one given twice: a hash table of
#: all of a 10,000,000-row column's values takes 730 MiB, one of a
#: 1,000,000-row column's 50 MiB of a 200 MiB peak (and either longer to fill
#: than several of a part each).
_PART = 100_000


def _given_twice(present: Any, part: int = _PART) -> Any | None:
    """The values ``present`` (text, no ``null``) holds more than once, or
    ``None`` when it holds each once. A long column is split by the last byte
    of its values (equal values end alike), its parts looked at one by one,
    two at a time (about ``part`` values each)."""
    pa, pc = needs("pyarrow"), _compute()

    def twice_in(values: Any) -> Any | None:
        if len(pc.unique(values)) == len(values):
            return None
        counted = pc.value_counts(values)
        more = pc.greater(counted.field("counts"), _scalar(1, pa.int64()))
        return pc.filter(counted.field("values"), more).cast(pa.string())

    if len(present) <= 2 * part:
        return twice_in(present)
    ends = _last_bytes(present)
    counted = pc.value_counts(ends) if ends is not None else None
    if counted is None or len(counted) < 2:
        return twice_in(present)  # no split to make
    parts = -(-len(present) // part)
    # Each ending to the part holding the fewest values so far, the commonest first.
    sizes = [0] * parts
    part_of = [0] * 256
    for ending, count in sorted(
        zip(counted.field("values").to_pylist(), counted.field("counts").to_pylist(), strict=True),
        key=lambda e: -e[1],
    ):
        smallest = sizes.index(min(sizes))
        part_of[ending] = smallest
        sizes[smallest] += count
    where = _array(part_of, pa.int64()).take(ends)
    del ends, counted
    found = [
        f
        for f in _concurrently(
            *(
                functools.partial(
                    lambda p: twice_in(present.filter(pc.equal(where, _scalar(p, pa.int64())))), p
                )
                for p in range(parts)
                if sizes[p]
            )
        )
        if f is not None
    ]
    return pa.concat_arrays(found) if found else None


def _last_bytes(texts: Any) -> Any | None:
    """The last byte of each text (``None`` if one is empty), as numbers."""
    pa, pc = needs("pyarrow"), _compute()
    if not len(texts) or pc.min(pc.binary_length(texts)).as_py() < 1:
        return None
    last = pc.binary_slice(texts.cast(pa.binary()), -1).cast(pa.binary(1))
    return pa.chunked_array(
        [
            pa.Array.from_buffers(pa.uint8(), len(c), [None, c.buffers()[1]], 0, c.offset)
            for c in (last.chunks if isinstance(last, pa.ChunkedArray) else [last])
        ],
        pa.uint8(),
    )


def _concurrently(*work: Callable[[], Any]) -> list[Any]:
    """Each piece of work's result, the pieces run on threads (Arrow's kernels
    let go of the interpreter's lock while they work)."""
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415 (large files only)

    if len(work) < 2 or (os.cpu_count() or 1) < 2:
        return [w() for w in work]
    with ThreadPoolExecutor(max_workers=min(len(work), os.cpu_count() or 1)) as pool:
        return list(pool.map(lambda w: w(), work))


def _kept(table: Any, clean: Any) -> Any:
    """The table's clean rows (the table itself when every row is: no copy)."""
    return table if _compute().all(clean).as_py() is not False else table.filter(clean)


def _merged(
    here: Any,
    there: Sequence[Any],
    kind: str,
    names: Sequence[str],
) -> ColumnRows:
    """The rows read here and those the row reader read, in row order."""
    pa = needs("pyarrow")
    if not there:
        return ColumnRows(here, kind)
    other = pa.table(
        {n: _array(v, here.schema.field(n).type) for n, v in record_columns(there, names).items()},
        schema=here.schema,
    )
    table = pa.concat_tables([here, other])
    return ColumnRows(table.take(_compute().sort_indices(table.column("row"))), kind)


class _Register(_Reading):
    def __init__(self, cells: _Cells, mapping: ColumnMapping, progress: Progress | None) -> None:
        super().__init__(cells, "register", mapping, ("unit", "category"), progress)

    def read(self) -> Register:
        pa, pc = needs("pyarrow"), _compute()
        rows = self.rows
        count = len(self.cells.numbers)
        nulls = pa.nulls(count, pa.string())
        unit = _texts(self.column("unit"))
        self.suspect(pc.is_null(unit))
        self.suspect(_erred(unit))
        self.repeated(unit, self.odd_texts("unit"))
        category, _ = _each_value(self.column("category"), rows.category, pa.string())
        self.suspect(pc.is_null(category))
        name_column = self.column("name")
        name = pa.repeat(_scalar("", pa.string()), count)
        if name_column is not None:
            names = _texts(name_column)
            self.suspect(_erred(names))
            name = pc.fill_null(names, _scalar("", pa.string()))
        district = self._read("district", functools.partial(rows.code, "district"), pa.string())
        dates = {}
        for column in ("registered", "closed"):
            dates[column] = self._read(column, parse_date, pa.date32())
        no = _scalar(False, pa.bool_())
        self.suspect(pc.fill_null(pc.less(dates["closed"], dates["registered"]), no))
        risk = self._read(
            "risk_level", functools.partial(rows.canonical, "risk_level"), pa.string()
        )
        size = self._read("size", functools.partial(rows.canonical, "size"), pa.string())
        flags = {
            f: self._read(f, functools.partial(rows.flag, f), pa.bool_())
            if f in rows.positions
            else pa.repeat(no, count)
            for f in FLAGS
        }
        clean, left, read_here = self.split()
        table = pa.table(
            {
                "unit": unit,
                "name": name,
                "category": category,
                "district": district if district is not None else nulls,
                "risk_level": risk if risk is not None else nulls,
                "size": size if size is not None else nulls,
                "registered": dates["registered"],
                "closed": dates["closed"],
                **{f: pc.fill_null(flags[f], no) for f in FLAGS},
                "row": self.cells.numbers,
            }
        )
        table = _kept(table, clean)
        other = read_register_rows(left, mapping=self.mapping)
        units = _merged(table, other.units, "register", (*REGISTER_COLUMNS, "row"))
        notes = list(rows.notes)
        counted = pc.value_counts(units.table.column("category"))
        other_codes = other_categories(
            dict(
                zip(
                    counted.field("values").to_pylist(),
                    counted.field("counts").to_pylist(),
                    strict=True,
                )
            )
        )
        if other_codes is not None:
            notes.append(other_codes)
        return Register(
            self.cells.name,
            units,  # type: ignore[arg-type]
            read_here + other.rows_read,
            other.problems,
            other.rows_rejected,
            tuple(notes),
            other.rejected,
            frozenset(f for f in FLAGS if f not in rows.positions),
            rows.columns,
        )

    def _read(self, canonical: str, read: Callable[[object], object], kind: Any) -> Any:
        """A column read value by value (``null`` for all when the file has none);
        a value that does not read leaves its row to the row reader."""
        pa = needs("pyarrow")
        column = self.column(canonical)
        if column is None:
            return pa.nulls(len(self.cells.numbers), kind)
        values, bad = _each_value(column, read, kind)
        self.suspect(bad)
        return values


class _Log(_Reading):
    def __init__(
        self, cells: _Cells, register: Register, mapping: ColumnMapping, progress: Progress | None
    ) -> None:
        super().__init__(cells, "log", mapping, ("unit", "date"), progress)
        self.register = register

    def read(self) -> InspectionLog:
        pa, pc = needs("pyarrow"), _compute()
        rows = self.rows
        count = len(self.cells.numbers)
        nulls = pa.nulls(count, pa.string())
        known = self.register.rows
        ids = (
            known.table.column("unit")
            if isinstance(known, ColumnRows)
            else _array([u.unit for u in self.register.units], pa.string())
        )

        def units() -> tuple[Any, Any]:
            unit = _texts(self.column("unit"))
            return unit, pc.invert(pc.is_in(unit, value_set=ids))

        def coded(column: str) -> tuple[Any, Any]:
            found = self.column(column)
            if found is None:
                return nulls, None
            return _each_value(
                found, functools.partial(rows.canonical, column), pa.string(), encoded=True
            )

        def inspection_ids() -> tuple[Any, Any]:
            found = self.column("inspection")
            if found is None:
                return nulls, None
            inspection = _texts(found)
            repeated = _repeats(inspection, self.used_rows(), self.odd_texts("inspection"))
            erred = _erred(inspection)
            if erred is not None:
                repeated = erred if repeated is None else pc.or_(repeated, erred)
            return inspection, repeated

        (
            (unit, unknown),
            (date, bad),
            (kind, bad_kind),
            (result, bad_result),
            (inspection, repeated),
        ) = _concurrently(
            units,
            lambda: _each_value(self.column("date"), parse_date, pa.date32()),
            lambda: coded("kind"),
            lambda: coded("result"),
            inspection_ids,
        )
        for mask in (unknown, bad, pc.is_null(date), bad_kind, bad_result, repeated):
            if mask is not None:
                self.suspect(mask)
        kinds = {"kind": kind, "result": result}
        clean, left, read_here = self.split()
        table = pa.table(
            {
                "unit": unit,
                "date": date,
                "kind": kinds["kind"],
                "result": kinds["result"],
                "inspection": inspection,
                "row": self.cells.numbers,
            }
        )
        table = _kept(table, clean)
        other = read_log_rows(left, self.register, mapping=self.mapping)
        inspections = _merged(table, other.inspections, "log", (*LOG_COLUMNS, "row"))
        notes = list(rows.notes)
        reach = inspections.date_range("date")
        if reach is not None:
            low, high = reach
            notes.append(say("records.inspections_from", low=str(low), high=str(high)))
        return InspectionLog(
            self.cells.name,
            inspections,  # type: ignore[arg-type]
            read_here + other.rows_read,
            other.problems,
            other.rows_rejected,
            tuple(notes),
            other.rejected,
            rows.columns,
        )
