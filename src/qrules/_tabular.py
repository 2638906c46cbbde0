"""Tables of cells from any source, read as offices export them.

Shared by the readers of reported figures (`qrules._figures`) and of records
(`qrules.records.read`): a `RawTable` is a header and numbered rows of cells, opened
from a CSV/TSV file (decoded over the whole file: UTF-8, UTF-8 with BOM,
UTF-16 with BOM, else GB18030), an ``.xlsx`` sheet, a Parquet or Arrow file, a
pandas or polars DataFrame, an Arrow table (duck-typed: neither library is
imported), a list of mappings, or a table in a database.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
import io
import itertools
import math
import os
import re
import struct
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Set
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeAlias
from urllib.parse import parse_qs, urlsplit

import attrs

from ._boundary import csv_problem, first_line, guarded, outside, table_problem
from ._cells import missing
from ._errors import DataError, Problem, suggestion
from ._fardates import held, held_rows, python_list
from ._limits import (
    MAX_ARROW_BYTES,
    MAX_ARROW_CELLS,
    MAX_WHOLE_FILE_BYTES,
    MAX_XLSX_PART_BYTES,
    MAX_XLSX_RATIO,
    MAX_XLSX_SHARED_STRINGS,
)
from ._messages import Text, joined, listed, say
from ._xlsx import SheetLayout, column_letter, shared_strings, sheet_layout, sheet_rows

__all__ = [
    "DUCKDB_SAFE_CONFIG",
    "EXCEL_ERRORS",
    "HEADER_SEARCH",
    "IDENTIFIER",
    "INEXACT_FLOATS",
    "INVISIBLE",
    "MISSING_MARKERS",
    "NUMBER_SIGNS",
    "CellError",
    "Formula",
    "RawTable",
    "TableSource",
    "arrow_batches",
    "cell_text",
    "check_options",
    "column_name",
    "database_file",
    "duckdb_connection",
    "error_text",
    "header_below",
    "header_problems",
    "header_text",
    "needs",
    "normal",
    "not_a_cell",
    "open_table",
    "read_whole",
    "source_kind",
    "suggest",
    "too_large",
    "unread_cell",
]

#: A file path, a database URL or connection, a DataFrame, an Arrow table, rows.
TableSource: TypeAlias = Any

#: Texts that offices write for "no figure": each reads as missing, never as zero.
MISSING_MARKERS = frozenset(
    {"", "—", "——", "-", "–", "无", "暂无", "na", "n/a", "null", "none", "/"}
)


#: The error values of Excel's formulas, as a sheet shows them and as Excel
#: writes them into a CSV file saved from it: the seven of old (``XlCVError``:
#: ``#NULL!``, ``#DIV/0!``, ``#VALUE!``, ``#REF!``, ``#NAME?``, ``#NUM!``,
#: ``#N/A``) and those of dynamic arrays, data types and linked data
#: (``#SPILL!``, ``#CALC!``, ``#GETTING_DATA``, ``#FIELD!``, ``#BLOCKED!``,
#: ``#CONNECT!``, ``#BUSY!``, ``#UNKNOWN!``, ``#EXTERNAL!``). A cell holding
#: one, as an ``.xlsx`` error cell (`CellError`) or as its text
#: (`error_text`), holds no data: the formula that was to give it failed.
EXCEL_ERRORS = frozenset(
    {
        "#NULL!",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#N/A",
        "#SPILL!",
        "#CALC!",
        "#GETTING_DATA",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
        "#EXTERNAL!",
    }
)
#: The characters that NFKC reads as ``#`` (and the full-width and the small
#: number sign): a text without one of them is no error value's.
NUMBER_SIGNS = "#\ufe5f\uff03"


def suggest(word: str, options: Sequence[str]) -> Text:
    return suggestion(word, options) or say("tabular.known", options=listed(options))


#: Invisible format characters (Unicode category Cf that draws nothing: the
#: soft hyphen, zero-width spaces and joiners, direction marks and embeddings,
#: the word joiner and invisible operators, a byte-order mark inside text).
#: Office exports and copy-paste leave them in cells, where ``IF01`` followed
#: by a zero-width space would be a second unit that reads as ``IF01``.
INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]"
)


def normal(text: str) -> str:
    """A cell's text as every reader matches it: invisible format characters
    removed, NFKC (full-width forms as ASCII), trimmed."""
    if not text.isascii():
        text = INVISIBLE.sub("", text)
    return unicodedata.normalize("NFKC", text).strip()


def column_name(text: str) -> str:
    """A column's name as it is compared with a name given for it (canonical,
    or a mapping file's, records and figures alike): read as a cell is read
    (`normal`) and in any case, as DuckDB and Spark compare names and as
    PostgreSQL holds one made without quotes (``UnitID``: ``unitid``)."""
    return normal(text).lower()


@functools.lru_cache(maxsize=1 << 16)
def _text_of(value: str) -> str | None:
    text = normal(value)
    return None if text.lower() in MISSING_MARKERS else text


#: The most digits a number cell is written out in full with, as text.
_SHORT_DIGITS = 64


def cell_text(value: object) -> str | None:
    """A cell as normalised text; ``None`` when missing."""
    if isinstance(value, str):
        return _text_of(value)  # codes and dates repeat: each text is normalised once
    if missing(value):
        return None
    if isinstance(value, bool):
        text = str(value).lower()
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))  # a code that a spreadsheet made a number
    elif isinstance(value, Decimal):
        # (Written out in full when short: ``1E+999999999`` stays as it is, never
        # a billion digits, nor normalised past the context's exponents.)
        short = value.is_finite() and -_SHORT_DIGITS < value.adjusted() < _SHORT_DIGITS
        text = format(value.normalize(), "f") if short else str(value)
    elif isinstance(value, dt.datetime):
        text = value.date().isoformat()
    else:
        text = normal(str(value))
    return None if text.lower() in MISSING_MARKERS else text


@attrs.frozen
class RawTable:
    """Rows of cells under a header, from any source, each with the number it is
    given in messages (in a file the header is row 1; in a table, the first row)."""

    name: str
    header: list[str]
    rows: Iterator[tuple[int, Sequence[object]]]
    notes: tuple[Text, ...] = ()
    #: A row with fewer cells than the header is misaligned (CSV: a lost
    #: delimiter), not short of empty cells.
    strict_width: bool = False
    #: How many first columns are a DataFrame's index levels: each row's labels
    #: (a district, a measure, or only a serial number), never figures.
    labels: int = 0
    #: A workbook in the 1904 date system (``date1904``): a number in a date
    #: column is a serial counted from 1904-01-01, not from 1899-12-30.
    date1904: bool = False
    #: The columns of a database table that hold a timestamp with a time zone
    #: (by position), each with the view's expression of its day in a zone named
    #: (`ZONED_DAY`): a driver gives its value in the session's time zone, so its
    #: day would depend on the session. A reader refuses such a date column.
    zoned: Mapping[int, str] = attrs.field(factory=dict)
    #: An ``.xlsx`` sheet's merged ranges and hidden rows and columns, which
    #: its rows do not show: a reader spreads them (`qrules._xlsx.spread`),
    #: knowing its header row and the columns it reads.
    layout: SheetLayout | None = None
    #: An ``.xlsx`` workbook's sheet read when none was named (the first
    #: visible), and its other sheets of cells: a reader that finds no header
    #: there names them (a cover sheet of instructions before the data).
    sheet_read: str | None = None
    other_sheets: tuple[str, ...] = ()
    #: The first row's cells that cannot be read (`header_problems`; of an
    #: ``.xlsx`` sheet, its cells as stored, else its header): a reader whose
    #: header it is refuses the table (a title above a header found lower
    #: down is no header).
    unread_header: tuple[Problem, ...] = attrs.field(
        default=attrs.Factory(lambda table: header_problems(table.name, table.header), True)
    )

    def close(self) -> None:
        """Let go of what the rows hold open (an `.xlsx` file's workbooks)
        before they are all read: a reader that refuses the table says so."""
        close = getattr(self.rows, "close", None)
        if close is not None:
            close()


URL = re.compile(r"(duckdb|sqlite)://(.*)\Z")
#: A table name: one, two or three identifiers (``table``, ``schema.table``,
#: ``catalog.schema.table``), each quoted where it is used.
IDENTIFIER = re.compile(r"[^\W\d]\w*(?:\.[^\W\d]\w*){0,2}\Z")


_FILE_KINDS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".parquet": "arrow",
    ".pq": "arrow",
    ".arrow": "arrow",
    ".feather": "arrow",
    ".ipc": "arrow",
    ".json": "json",
}
_KIND_NAMES = {
    "csv": "tabular.csv",
    "xlsx": "tabular.xlsx",
    "arrow": "tabular.arrow",
    "json": "tabular.json",
    "database": "tabular.database",
    "frame": "tabular.frame",
    "rows": "tabular.rows",
}
#: Which kinds of source each reading option applies to (an option given for
#: another kind is an error, never silently ignored).
_OPTIONS = {
    "sheet": ("xlsx",),
    "header_row": ("csv", "xlsx"),
    "encoding": ("csv",),
    "table": ("database",),
}


def other_sheets(table: RawTable, option: str) -> Problem | None:
    """When a workbook's sheet read by default has no header a reader can
    use: which sheet that was, and the workbook's other sheets, to name with
    ``option`` (``--sheet``); None for any other table."""
    if table.sheet_read is None or not table.other_sheets:
        return None
    return Problem(
        table.name,
        say(
            "tabular.other_sheets",
            sheet=repr(table.sheet_read),
            sheets=listed(map(repr, table.other_sheets)),
        ),
        hint=say("tabular.other_sheets_hint", option=option),
    )


def source_kind(source: TableSource) -> str:
    """What kind of source this is: ``csv``, ``xlsx``, ``arrow``, ``json``,
    ``database``, ``frame``, ``rows`` (or ``unknown``)."""
    if isinstance(source, str) and re.match(r"[a-z][a-z0-9+.-]*://", source):
        return "database"
    if isinstance(source, str | Path):
        return _FILE_KINDS.get(Path(source).suffix.lower(), "unknown")
    # (``columns`` asked last: a polars LazyFrame, no frame to read, warns when
    # asked it, as it resolves its schema.)
    if (
        (hasattr(source, "iter_rows") and hasattr(source, "columns"))
        or (hasattr(source, "to_batches") and hasattr(source, "column_names"))
        or (hasattr(source, "itertuples") and hasattr(source, "columns"))
    ):
        return "frame"
    if hasattr(source, "cursor"):
        return "database"
    return "rows"


def check_options(
    source: TableSource, name: str, *, flags: Mapping[str, str] | None = None, **options: object
) -> None:
    """A `DataError` naming each option given (not ``None``) that does not apply
    to this kind of source: ``sheet=`` on a CSV file, say. ``flags``: an
    option's name on the command line where it is not ``--sheet`` for
    ``sheet`` (``--register-sheet``)."""
    kind = source_kind(source)
    problems = []
    for option, value in options.items():
        if value is None or kind in _OPTIONS[option] or kind == "unknown":
            continue
        flag = (flags or {}).get(option, option.replace("_", "-"))
        applies = joined(tuple(say(_KIND_NAMES[k]) for k in _OPTIONS[option]), say("list.or"))
        problems.append(
            Problem(
                name,
                say(
                    "tabular.option",
                    flag=f"--{flag}",
                    option=option,
                    applies=applies,
                    kind=say(_KIND_NAMES[kind]),
                ),
                hint=say("figures.drop_option", option=f"--{flag}"),
            )
        )
    if problems:
        raise DataError(name, problems)


def open_table(
    source: TableSource,
    *,
    columns: Sequence[str] = (),
    default_table: str = "",
    table: str | None = None,
    sheet: str | None = None,
    encoding: str | None = None,
    name: str | None = None,
    what: str = "records",
) -> RawTable:
    """The table a source holds. ``columns`` is the header of an empty list of
    rows; ``default_table`` the table read from a database when ``table`` is
    not given. An option that does not apply to the source is a `DataError`;
    so is what the libraries and drivers that read it raise, as they open it
    or as its rows are read (`qrules._boundary`)."""
    shown = str(source) if isinstance(source, str | Path) else name or f"<{type(source).__name__}>"
    check_options(source, shown, sheet=sheet, encoding=encoding, table=table)
    with outside(shown):
        opened = _open_source(
            source,
            columns=columns,
            default_table=default_table,
            table=table,
            sheet=sheet,
            encoding=encoding,
            name=name,
            what=what,
        )
    if source_kind(source) in ("frame", "rows"):
        opened = attrs.evolve(opened, rows=_text_only(opened))
    return attrs.evolve(opened, rows=guarded(opened.rows, opened.name))


#: Half of a surrogate pair (``\ud800``), which no text is made of: a JSON
#: escape makes one, and Python objects (rows, a DataFrame's object column)
#: hold it, though it cannot be written as UTF-8 (a decision log, an output).
SURROGATE = re.compile("[\ud800-\udfff]")


def _text_only(table: RawTable) -> Iterator[tuple[int, Sequence[object]]]:
    """The rows of a table of Python objects, each cell that is a string being
    text: one holding a lone surrogate (`SURROGATE`) is a `DataError` naming
    its row and column. (Files are decoded strictly; Arrow and polars hold
    only text.)"""
    for number, row in table.rows:
        for position, cell in enumerate(row):
            if isinstance(cell, str) and not cell.isascii() and SURROGATE.search(cell):
                column = table.header[position] if position < len(table.header) else position
                where = say("where.row_column", row=number, column=column)
                problem = Problem(table.name, say("figures.surrogate"), where=where)
                raise DataError(table.name, [problem])
        yield number, row


def _open_source(
    source: TableSource,
    *,
    columns: Sequence[str],
    default_table: str,
    table: str | None,
    sheet: str | None,
    encoding: str | None,
    name: str | None,
    what: str,
) -> RawTable:
    if isinstance(source, RawTable):  # rows already fetched, numbered (the SQL engines')
        return source
    if isinstance(source, str) and URL.match(source):
        return from_url(source, default_table if table is None else table)
    if isinstance(source, str) and re.match(r"[a-z][a-z0-9+.-]*://", source):
        raise DataError(
            source, [Problem(source, say("tabular.urls"), hint=say("tabular.urls_hint"))]
        )
    if isinstance(source, str | Path):
        return from_file(Path(source), sheet=sheet, encoding=encoding)
    if hasattr(source, "iter_rows") and hasattr(source, "columns"):  # polars
        return RawTable(
            name or "<polars DataFrame>",
            [str(c) for c in source.columns],
            numbered(_narrowed(source.iter_rows(), [str(t) for t in source.dtypes])),
        )
    if hasattr(source, "to_batches") and hasattr(source, "column_names"):  # Arrow table
        return RawTable(
            name or "<Arrow table>",
            [str(c) for c in source.column_names],
            numbered(arrow_rows(source.to_batches())),
        )
    if hasattr(source, "itertuples") and hasattr(source, "columns"):  # pandas
        return _pandas_table(source, name or "<pandas DataFrame>")
    if hasattr(source, "cursor"):  # a DB-API connection
        return from_connection(source, default_table if table is None else table, name)
    if isinstance(source, Sequence) and all(isinstance(r, Mapping) for r in source):
        header = list(dict.fromkeys(str(k) for row in source for k in row)) or list(
            columns
        )  # no rows: nothing is missing
        return RawTable(
            name or "<rows>", header, numbered([row.get(h) for h in header] for row in source)
        )
    raise TypeError(
        f"cannot read {what} from {type(source).__name__}: give a file, a "
        "database URL or connection, a DataFrame, an Arrow table or a list of dicts"
    )


def _pandas_table(frame: Any, name: str) -> RawTable:
    """A pandas DataFrame's rows, its named index levels first, as columns
    (`RawTable.labels`): a district or measure kept in the index
    (``set_index``, ``groupby``, a pivot table) was dropped, and the rows read
    as the city's. An unnamed index (``0, 1, …``, or what filtering left of
    it) is no column, nor a level kept as a column too, with the same values
    (``set_index(..., drop=False)``)."""
    columns = {str(c): c for c in reversed(list(frame.columns))}
    kept = [
        (k, level)
        for k, level in enumerate(frame.index.names)
        if level is not None
        and not (
            str(level) in columns
            and list(frame.index.get_level_values(k)) == list(frame[columns[str(level)]])
        )
    ]
    kinds = [_kind(kind) for kind in frame.dtypes]
    if not kept:
        return RawTable(
            name,
            [str(c) for c in frame.columns],
            numbered(_narrowed(frame.itertuples(index=False, name=None), kinds)),
        )
    several = frame.index.nlevels > 1

    def rows() -> Iterator[tuple[object, ...]]:
        for index, *cells in frame.itertuples(index=True, name=None):
            labels = index if several else (index,)
            yield (*(labels[k] for k, _ in kept), *cells)

    header = [*(str(level) for _, level in kept), *(str(c) for c in frame.columns)]
    # (An index level's values are of its own type: float32 ones read as a
    # float32 column's, `_narrowed`.)
    kinds = [_kind(frame.index.get_level_values(k).dtype) for k, _ in kept] + kinds
    return RawTable(name, header, numbered(_narrowed(rows(), kinds)), labels=len(kept))


def _kind(dtype: Any) -> str:
    """A pandas column's (or index level's) type as `_SINGLE` names it: a
    categorical's, its categories' (float32 ones are read as a float32
    column's)."""
    return str(getattr(getattr(dtype, "categories", None), "dtype", dtype))


def numbered(
    rows: Iterable[Sequence[object]], first: int = 1
) -> Iterator[tuple[int, Sequence[object]]]:
    return enumerate(rows, start=first)


def arrow_rows(batches: Iterable[Any]) -> Iterator[tuple[object, ...]]:
    for batch in batches:
        columns = []
        for column in batch.columns:
            # (A dictionary's or a run-end encoded column's values are of their own
            # type: float32 values encoded so are read as a float32 column's.)
            layout = _SINGLE.get(str(getattr(column.type, "value_type", column.type)))
            columns.append(
                python_list(column)
                if layout is None
                else [_single(v, layout) for v in column.to_pylist()]
            )
        yield from zip(*columns, strict=True)


#: The floating-point types of a single (or half) precision, as pandas, polars
#: and Arrow name them, and their `struct` format.
_SINGLE = {
    "float32": "<f",
    "Float32": "<f",
    "float": "<f",
    "float16": "<e",
    "Float16": "<e",
    "halffloat": "<e",
    # pandas' Arrow-backed dtypes (dtype_backend="pyarrow"), named by Arrow's type.
    "float[pyarrow]": "<f",
    "halffloat[pyarrow]": "<e",
}


#: The bits of the whole numbers each layout of `_SINGLE` holds exactly: a
#: float32 holds 2**24 + 1 as 2**24.
_EXACT_BITS = {"<f": 24, "<e": 11}


class NarrowWhole(Decimal):
    """A value of a float32 (float16) column of `_EXACT_BITS` or more, read as
    its shortest decimal as any of the column's values is (a figure), which
    that type holds as a whole number only to the nearest 2, 4, …: as a
    record's id it may be any of several, and `not_a_cell` refuses it."""

    bits: int

    def __new__(cls, text: str, bits: int) -> NarrowWhole:
        made = super().__new__(cls, text)
        made.bits = bits
        return made

    def __reduce__(self) -> tuple[type[NarrowWhole], tuple[str, int]]:  # type: ignore[override]
        # (Copied or pickled, it is made again from its text and its bits.)
        return type(self), (str(self), self.bits)


def _narrowed(rows: Iterable[Sequence[object]], kinds: Sequence[str]) -> Iterable[Sequence[object]]:
    """``rows`` of a DataFrame whose columns are of ``kinds``, a value of a
    float32 (or float16) column read as `_single` reads it."""
    single = [(k, _SINGLE[kind]) for k, kind in enumerate(kinds) if kind in _SINGLE]
    if not single:
        return rows
    return (_narrowed_row(row, single) for row in rows)


def _narrowed_row(row: Sequence[object], single: Sequence[tuple[int, str]]) -> Sequence[object]:
    cells = list(row)
    for k, layout in single:
        cells[k] = _single(cells[k], layout)
    return cells


def _single(value: object, layout: str) -> object:
    """A value of a float32 (``layout`` ``<f``) or float16 (``<e``) column,
    which the library widened to a double on the way out (pandas'
    ``itertuples``, polars' rows, Arrow's ``to_pylist``): the shortest decimal
    that is the same float32 (float16), as the column holds it. Widened,
    98.48 reads 98.4800033569336, which its counts (98.48) contradict and a
    target of 99.2 misses at 99.1999969482422."""
    if not isinstance(value, float) or not math.isfinite(value):
        return value
    for digits in range(1, 10):
        text = format(value, f".{digits}g")
        try:
            if struct.unpack(layout, struct.pack(layout, float(text)))[0] == value:
                bits = _EXACT_BITS[layout]
                return Decimal(text) if abs(value) < 2**bits else NarrowWhole(text, bits)
        except OverflowError:  # rounded beyond the type's largest value
            continue
    return value


def needs(module: str) -> Any:
    import importlib  # noqa: PLC0415 (optional dependencies load only when used)

    try:
        return importlib.import_module(module)
    except ImportError:
        package = module.split(".", maxsplit=1)[0]
        extra = {
            "openpyxl": "records",
            "pyarrow": "records",
            "duckdb": "sql",
            "sqlglot": "sql",
            "psycopg": "postgres",
            "pyspark": "spark",
        }.get(package)
        hint = say(
            "tabular.install",
            command=f"pip install 'qrules-plan[{extra}]'" if extra else f"pip install {package}",
        )
        raise DataError(
            module, [Problem(module, say("tabular.needs", package=package), hint=hint)]
        ) from None


def _not_a_file(path: Path) -> tuple[Text, Text | None]:
    """Why ``path``, which is not a regular file, cannot be read, and what to do."""
    if path.is_dir():
        return say("os.is_a_folder"), say("os.give_a_file")
    if path.exists():
        return say("tabular.not_regular"), say("os.give_a_file")
    return say("tabular.no_such_file"), None


def irregular(path: Path) -> bool:
    """Whether ``path`` is there but is neither a regular file nor a folder (a
    FIFO, whose reading waits for a writer for ever; a device such as /dev/zero,
    which never ends): such an input is refused before it is opened. A missing
    path or a folder is not irregular: opening it says so."""
    return os.path.exists(path) and not path.is_file() and not path.is_dir()


def require_regular(path: Path) -> None:
    """A `DataError` when ``path`` is `irregular`."""
    if irregular(path):
        message, hint = _not_a_file(path)
        raise DataError(str(path), [Problem(path.name, message, hint=hint)])


def from_file(path: Path, *, sheet: str | None, encoding: str | None) -> RawTable:
    name = path.name
    suffix = path.suffix.lower()
    if not path.is_file():
        message, hint = _not_a_file(path)
        raise DataError(str(path), [Problem(name, message, hint=hint)])
    if suffix in (".csv", ".tsv", ".txt"):
        return from_csv(path, encoding)
    if suffix in (".xlsx", ".xlsm"):
        return from_xlsx(path, sheet)
    if suffix in (".parquet", ".pq", ".arrow", ".feather", ".ipc"):
        schema, batches = arrow_batches(path)
        return RawTable(name, list(schema.names), numbered(arrow_rows(batches)))
    raise DataError(
        str(path),
        [
            Problem(
                name,
                say("tabular.file_type", suffix=suffix) if suffix else say("tabular.no_file_type"),
                hint=say("tabular.file_types"),
            )
        ],
    )


def read_whole(path: Path, limit: int | None = None, hint: str = "tabular.big_csv") -> bytes:
    """The bytes of a file read whole, at most ``limit`` of them (by default
    `MAX_WHOLE_FILE_BYTES`): a larger file is a `DataError` naming it, its
    size and the bound, before it is read (``hint``: the catalog's word on
    what to do with such a file)."""
    limit = MAX_WHOLE_FILE_BYTES if limit is None else limit
    with path.open("rb") as file:
        size = os.fstat(file.fileno()).st_size
        # (Its size and one byte more: ``read(limit + 1)`` took a buffer of
        # the limit, 2 GiB, for any file; one that grew is read on.)
        data = b"" if size > limit else file.read(size + 1)
        if len(data) > size:
            data += file.read(limit + 1 - len(data))
    if size > limit or len(data) > limit:
        raise too_large(path, max(size, len(data)), limit, hint)
    return data


def too_large(path: Path, size: int, limit: int, hint: str) -> DataError:
    """A file (or what it expands to) over ``limit`` bytes."""
    return DataError(
        str(path),
        [
            Problem(
                path.name,
                say("tabular.too_large", size=size, mib=limit // 2**20),
                hint=say(hint, mib=limit // 2**20),
            )
        ],
    )


def _arrow_size(path: Path) -> None:
    """Refuse a Parquet file whose data would take more than `MAX_ARROW_BYTES`
    encoded and uncompressed (its row groups' sizes), or that holds more than
    `MAX_ARROW_CELLS` cells, both read from its footer, or an Arrow IPC file
    larger than `MAX_ARROW_BYTES`, before a row is read."""
    if path.suffix.lower() in (".parquet", ".pq"):
        with outside(str(path)), _damaged(path):
            metadata = needs("pyarrow.parquet").ParquetFile(path).metadata
            size = sum(
                metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups)
            )
            rows, columns = metadata.num_rows, metadata.num_columns
            # (A column of fixed width decodes to its width a row however it
            # is encoded: a value repeated through a dictionary or in a run.)
            schema = metadata.schema
            fixed = sum(
                _WIDTHS.get(schema.column(i).physical_type, 0) or schema.column(i).length or 0
                for i in range(columns)
                if schema.column(i).physical_type != "BYTE_ARRAY"
            )
            size = max(size, rows * fixed)
        if rows * columns > MAX_ARROW_CELLS:
            raise DataError(
                str(path),
                [
                    Problem(
                        path.name,
                        say(
                            "tabular.too_many_cells",
                            rows=rows,
                            columns=columns,
                            limit=MAX_ARROW_CELLS,
                        ),
                        hint=say("tabular.big_arrow"),
                    )
                ],
            )
    else:
        size = path.stat().st_size
    if size > MAX_ARROW_BYTES:
        raise too_large(path, size, MAX_ARROW_BYTES, "tabular.big_arrow")


def arrow_batches(path: Path) -> tuple[Any, Iterator[Any]]:
    """The schema and the record batches of a Parquet or Arrow IPC file, each
    batch bounded before it is decoded: what the file's data expands to in
    all (a value repeated through a dictionary, a compressed body) is at most
    `MAX_ARROW_BYTES`, else a `DataError` naming the file (`_arrow_size` has
    looked at its footer or size first)."""
    _arrow_size(path)
    with outside(str(path)), _damaged(path):
        if path.suffix.lower() in (".parquet", ".pq"):
            return _parquet_batches(path)
        return _ipc_batches(path)


def _parquet_batches(path: Path) -> tuple[Any, Iterator[Any]]:
    """A Parquet file's batches, its text and bytes read dictionary-encoded
    (as stored: a value written once in a column chunk's dictionary stays
    once however many rows hold it), their decoded size counted (`_decoded`)
    before each batch is decoded to the types the file gives."""
    pa, parquet = needs("pyarrow"), needs("pyarrow.parquet")
    plain = parquet.ParquetFile(path)
    # (The types the file gives, not those read dictionary-encoded: each batch
    # is decoded to them once counted, so that the column readers take it.)
    schema, target = plain.schema, plain.schema_arrow
    texts = [
        schema.column(i).path
        for i in range(len(schema))
        if schema.column(i).physical_type == "BYTE_ARRAY"
    ]
    file = parquet.ParquetFile(path, read_dictionary=texts)

    def batches() -> Iterator[Any]:
        for batch in _bounded(path, file.iter_batches(batch_size=65_536)):
            if batch.schema == target:
                yield batch
            else:  # (a table's cast: every pyarrow qrules takes has it)
                yield from pa.Table.from_batches([batch]).cast(target).to_batches()

    return target, batches()


def _ipc_batches(path: Path) -> tuple[Any, Iterator[Any]]:
    """An Arrow IPC (Feather) file's batches, read through its footer as
    ``pyarrow.ipc.open_file`` reads them. Each block the footer names (every
    dictionary and record batch) is measured as it would be decompressed
    (`_ipc_body`) before any is read, the blocks checked against the file's
    size first; the batches are then read from those same blocks, and a
    dictionary's expansion counted as in a Parquet file. (Not the stream of
    messages after the magic: a writer such as polars lays it out otherwise,
    and the footer is what a reader of the file reads.) A Feather version 1
    file is refused unread: pyarrow reads its metadata and slices its buffers
    as they say, unchecked, and a damaged one crashed the process (a
    segmentation fault, found by flipping bytes), where no validation can
    come first."""
    pa = needs("pyarrow")
    source = pa.memory_map(str(path))
    try:
        head = source.read(8)
        if head != b"ARROW1\0\0":
            version_1 = head[:4] == b"FEA1"
            message = say("arrow.feather_v1" if version_1 else "arrow.not_arrow")
            hint = say("arrow.feather_v1_hint" if version_1 else "driver.arrow_again")
            raise DataError(str(path), [Problem(path.name, message, hint=hint)])
        total = 0
        for offset, length, dictionary in _ipc_blocks(path, source):
            source.seek(offset)
            try:
                message = pa.ipc.read_message(source.read_buffer(length))
            except EOFError:  # (a block whose message is the stream's end)
                raise _damaged_footer(path) from None
            if message.type != ("dictionary" if dictionary else "record batch"):
                raise _damaged_footer(path)
            total += _ipc_body(message.metadata.to_pybytes(), message.body, dictionary=dictionary)
            if total > MAX_ARROW_BYTES:
                raise _expands(path)
        reader = pa.ipc.open_file(source)
    except BaseException:
        source.close()
        raise

    def batches() -> Iterator[Any]:
        with source:
            read = (_valid(reader.get_batch(i)) for i in range(reader.num_record_batches))
            yield from _bounded(path, read)

    return reader.schema, batches()


def _valid(batch: Any) -> Any:
    """A record batch read from an IPC file, its buffers checked against its
    offsets and indices (``validate(full=True)``) before anything reads it:
    pyarrow reads a batch's buffers as its metadata says, so that an offset
    past its data crashed the process as it was read."""
    batch.validate(full=True)
    return batch


def _ipc_blocks(path: Path, source: Any) -> list[tuple[int, int, bool]]:
    """The blocks an Arrow IPC file's footer names: each message's offset,
    its length (metadata and body), and whether it is a dictionary batch
    (the ``Footer`` flatbuffer's ``dictionaries``, then its
    ``recordBatches``: ``Block`` structs of 24 bytes). The footer's length,
    each vector's count and each block are checked against the file's size;
    a footer that does not hold together is a `DataError` naming the file."""
    size = source.size()
    tail = source.read_at(10, size - 10) if size >= 18 else b""
    length = int.from_bytes(tail[:4], "little", signed=True)
    if tail[4:] != b"ARROW1" or not 0 < length <= size - 18:
        raise _damaged_footer(path)
    end = size - 10 - length
    footer = _Flatbuffer(source.read_at(length, end))
    blocks: list[tuple[int, int, bool]] = []
    try:
        root = footer.number(0, 4)
        for index, dictionary in ((2, True), (3, False)):
            at = footer.table_at(footer.field(root, index))
            if at is None:
                continue
            count = footer.number(at, 4)
            if count * 24 > length:
                raise _damaged_footer(path)
            for k in range(count):
                block = at + 4 + 24 * k
                offset, metadata = footer.number(block, 8, True), footer.number(block + 8, 4, True)
                body = footer.number(block + 16, 8, True)
                if offset < 8 or metadata <= 0 or body < 0 or offset + metadata + body > end:
                    raise _damaged_footer(path)
                blocks.append((offset, metadata + body, dictionary))
    except IndexError:
        raise _damaged_footer(path) from None
    return blocks


def _damaged_footer(path: Path) -> DataError:
    """An Arrow IPC file whose footer does not hold together."""
    return DataError(
        str(path),
        [Problem(path.name, say("arrow.damaged_footer"), hint=say("driver.arrow_again"))],
    )


@attrs.frozen
class _Flatbuffer:
    """The bytes of a flatbuffer, read field by field; every offset checked
    against them (an `IndexError` past them), so that bytes that do not hold
    together never read outside."""

    data: bytes

    def number(self, at: int, size: int, signed: bool = False) -> int:
        if at < 0 or at + size > len(self.data):
            raise IndexError(at)
        return int.from_bytes(self.data[at : at + size], "little", signed=signed)

    def field(self, table: int, index: int) -> int | None:
        """Where field ``index`` of the table at ``table`` is, if present."""
        vtable = table - self.number(table, 4, signed=True)
        if 4 + 2 * index >= self.number(vtable, 2):
            return None
        offset = self.number(vtable + 4 + 2 * index, 2)
        return table + offset if offset else None

    def table_at(self, at: int | None) -> int | None:
        """What the offset at ``at`` (a table's or a vector's) points to."""
        return None if at is None else at + self.number(at, 4)


def _ipc_body(metadata: bytes, body: Any, *, dictionary: bool) -> int:
    """The bytes an IPC message's body (a record or dictionary batch) takes
    once decompressed: its buffers' lengths, each compressed buffer's as its
    first eight bytes say (the IPC format's ``BodyCompression``), read from
    the message's flatbuffer (``Message.header`` → ``RecordBatch.buffers``,
    ``.compression``) without decompressing anything. A flatbuffer that does
    not hold together is measured as its body's size: reading it fails."""
    flat = _Flatbuffer(metadata)
    try:
        header = flat.table_at(flat.field(flat.number(0, 4), 2))
        if header is not None and dictionary:  # (``DictionaryBatch.data``)
            header = flat.table_at(flat.field(header, 1))
        if header is None:
            return int(body.size)
        at = flat.table_at(flat.field(header, 2))
        compressed = flat.field(header, 3) is not None
        if at is None or not compressed:
            return int(body.size)
        count = flat.number(at, 4)
        if count * 16 > len(metadata):
            return int(body.size)
        total = 0
        for k in range(count):
            start = flat.number(at + 4 + 16 * k, 8, True)
            length = flat.number(at + 12 + 16 * k, 8, True)
            if length < 8 or start < 0 or start + 8 > body.size:
                total += max(length, 0)
                continue
            head = body.slice(start, 8).to_pybytes()
            stated = int.from_bytes(head, "little", signed=True)
            total += length - 8 if stated == -1 else max(stated, 0)
        return total
    except IndexError:
        return int(body.size)


def _bounded(path: Path, batches: Iterable[Any]) -> Iterator[Any]:
    """The batches, their decoded sizes summed (`_decoded`), refused past
    `MAX_ARROW_BYTES` before the batch that would pass it is decoded."""
    total = 0
    with _damaged(path):
        for batch in batches:
            total += sum(_decoded(column) for column in batch.columns)
            if total > MAX_ARROW_BYTES:
                raise _expands(path)
            yield batch


@contextmanager
def _damaged(path: Path) -> Iterator[None]:
    """Read a Parquet or Arrow file with pyarrow: what it says of damaged data
    as an `OSError` of no errno ("Couldn't deserialize thrift", "Corrupt
    snappy compressed data": Arrow's IO status, raised as the builtin) is
    said as a damaged file, with what to do, not as a file the system could
    not read. (An error the system raised has its errno.)"""
    try:
        yield
    except OSError as error:
        if error.errno is not None:
            raise
        message = say("driver.arrow", message=first_line(error))
        raise DataError(
            str(path), [Problem(path.name, message, hint=say("driver.arrow_again"))]
        ) from None


def _decoded(array: Any) -> int:
    """The bytes an Arrow array takes with its dictionaries decoded: its
    buffers, and for each dictionary the lengths of the values its indices
    name (a megabyte value named by a million indices, a terabyte), computed
    from the indices without decoding them."""
    pa = needs("pyarrow")
    kind = array.type
    if pa.types.is_dictionary(kind):
        values = array.dictionary
        if len(array) == 0 or len(values) == 0:
            return int(array.nbytes)
        value = values.type
        if (
            pa.types.is_string(value)
            or pa.types.is_large_string(value)
            or (pa.types.is_binary(value) or pa.types.is_large_binary(value))
        ):
            widths = _compute().binary_length(values)
        else:
            widths = pa.array([_decoded(values) // len(values) + 1] * len(values), pa.int64())
        taken = _compute().sum(_compute().take(widths.cast(pa.int64()), array.indices)).as_py()
        return int(array.indices.nbytes) + 8 * len(array) + int(taken or 0)
    if isinstance(array, pa.ChunkedArray):
        return sum(_decoded(chunk) for chunk in array.chunks)
    if pa.types.is_struct(kind):
        own = array.buffers()[0]
        return (0 if own is None else own.size) + sum(
            _decoded(array.field(i)) for i in range(kind.num_fields)
        )
    if (
        pa.types.is_list(kind)
        or pa.types.is_large_list(kind)
        or pa.types.is_map(kind)
        or (pa.types.is_fixed_size_list(kind) or pa.types.is_list_view(kind))
    ):
        children = array.values
        return int(array.nbytes) - int(children.nbytes) + _decoded(children)
    return int(array.nbytes)


def _compute() -> Any:
    return needs("pyarrow.compute")


def _expands(path: Path) -> DataError:
    """A Parquet or Arrow file whose data expands beyond `MAX_ARROW_BYTES`."""
    return DataError(
        str(path),
        [
            Problem(
                path.name,
                say("tabular.expands", mib=MAX_ARROW_BYTES // 2**20),
                hint=say("tabular.big_arrow"),
            )
        ],
    )


#: Bytes a value of each fixed-width Parquet type takes decoded (a
#: ``FIXED_LEN_BYTE_ARRAY`` column's are its own length).
_WIDTHS = {"BOOLEAN": 1, "INT32": 4, "FLOAT": 4, "INT64": 8, "DOUBLE": 8, "INT96": 12}


def decode(name: str, raw: bytes, encoding: str | None) -> tuple[str, str]:
    """The text of a whole file, and the encoding it was read in."""
    if encoding is not None:
        try:
            codec = codecs.lookup(encoding).name
            return raw.decode(codec), codec
        except LookupError:
            raise DataError(
                name, [Problem(name, say("tabular.encoding", encoding=encoding))]
            ) from None
        except UnicodeDecodeError as error:
            raise DataError(
                name,
                [Problem(name, say("tabular.not_encoding", encoding=encoding, byte=error.start))],
            ) from None
    if raw.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030"]
    errors = []
    for codec in candidates:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError as error:
            errors.append(error.start)
            continue
        if codec == "gb18030":
            _one_encoding(name, raw)
        return text, codec
    tried = [c.upper().removesuffix("-SIG") for c in candidates]
    said = (
        say("tabular.not_encoding", encoding=tried[0], byte=errors[0])
        if len(tried) == 1
        # (Where each fails, with its line: a GB18030 file with one bad
        # sequence a megabyte in was said to fail at its first Chinese
        # character, where UTF-8 failed.)
        else say(
            "tabular.neither",
            first=tried[0],
            second=tried[1],
            byte=errors[0],
            line=raw.count(b"\n", 0, errors[0]) + 1,
            other=errors[1],
            other_line=raw.count(b"\n", 0, errors[1]) + 1,
        )
    )
    raise DataError(name, [Problem(name, said, hint=say("tabular.give_encoding"))])


#: A CJK ideograph (U+3400 to U+9FFF) as UTF-8 writes it: three bytes, which
#: text in GB18030 hardly ever holds on a line that is all valid UTF-8.
_UTF8_IDEOGRAPH = re.compile(rb"(?:\xe3[\x90-\xbf]|[\xe4-\xe9][\x80-\xbf])[\x80-\xbf]")


def _one_encoding(name: str, raw: bytes) -> None:
    """Refuse a file read as GB18030 (it is not UTF-8 as a whole) that has a
    line of Chinese in UTF-8: rows of two exports pasted together, whose UTF-8
    rows GB18030 would read as other characters (保健食品生产 as 淇濆仴椋熷搧鐢熶骇),
    codes no mapping names, so that their units would silently leave every
    population. A `DataError` naming the first such line."""
    at = 0
    while (found := _UTF8_IDEOGRAPH.search(raw, at)) is not None:
        start = raw.rfind(b"\n", 0, found.start()) + 1
        end = raw.find(b"\n", found.end())
        end = len(raw) if end < 0 else end
        try:
            raw[start:end].decode("utf-8")
        except UnicodeDecodeError:
            at = end + 1
            continue
        raise DataError(
            name,
            [
                Problem(
                    name,
                    say("tabular.two_encodings"),
                    where=say("where.line", line=raw.count(b"\n", 0, start) + 1),
                    hint=say("tabular.one_encoding"),
                )
            ],
        )


def from_csv(path: Path, encoding: str | None) -> RawTable:
    name = path.name
    text, codec = decode(name, read_whole(path), encoding)
    text = text.removeprefix("\ufeff")  # a byte-order mark read with encoding="utf-8"
    # The delimiter is the commonest of comma, tab and semicolon over the first
    # lines (a title line above the header may have none).
    head = text[:8192].split("\n")[:10]
    delimiter = max(",\t;", key=lambda d: sum(line.count(d) for line in head))
    reader = csv.reader(_text_lines(text), delimiter=delimiter)
    lines = _csv_lines(reader, name)
    header = next(lines, [])
    notes = (
        () if codec in ("utf-8", "utf-8-sig") else (say("tabular.read_as", codec=codec.upper()),)
    )
    return RawTable(name, header, numbered(lines, first=2), notes, strict_width=True)


#: Characters of a CSV file's text split into lines at a time (`_text_lines`).
_LINES_AT_ONCE = 1 << 20


def _text_lines(text: str) -> Iterator[str]:
    """The lines of a file's text as ``io.StringIO(text, newline="")`` gives
    them (ended by ``\\n``, ``\\r\\n`` or ``\\r``, kept), a part of about
    `_LINES_AT_ONCE` characters at a time, each ending after a ``\\n``, where
    a line ends whatever the ending: a StringIO holds its text four bytes a
    character, which read a 100 MB file with 400 MB more."""
    start = 0
    while start < len(text):
        end = text.find("\n", start + _LINES_AT_ONCE) + 1 or len(text)
        yield from io.StringIO(text[start:end], newline="")
        start = end


def _csv_lines(reader: Any, name: str) -> Iterator[list[str]]:
    """The reader's rows; a field it refuses (over 131,072 characters) is a
    `DataError` naming the line."""
    try:
        yield from reader
    except csv.Error as error:
        message, hint = csv_problem(error)
        where = say("where.line", line=reader.line_num)
        raise DataError(name, [Problem(name, message, where=where, hint=hint)]) from None


def _xlsx_parts(path: Path) -> None:
    """Refuse an ``.xlsx`` file whose parts would expand beyond the limits, from
    the sizes in its zip directory, before any part is read (zipfile reads no
    more than a part's stated size), or whose shared strings are more than
    `MAX_XLSX_SHARED_STRINGS` (counted before openpyxl reads them)."""
    import zipfile  # noqa: PLC0415 (.xlsx files only: a quick start otherwise)

    with outside(str(path)), zipfile.ZipFile(path) as archive:
        for part in archive.infolist():
            ratio = part.file_size / max(part.compress_size, 1)
            if part.file_size > MAX_XLSX_PART_BYTES or (
                part.file_size > 1024 * 1024 and ratio > MAX_XLSX_RATIO
            ):
                raise DataError(
                    str(path),
                    [
                        Problem(
                            path.name,
                            say(
                                "tabular.bomb", part=part.filename, size=part.file_size, ratio=ratio
                            ),
                            hint=say(
                                "tabular.bomb_hint",
                                mib=MAX_XLSX_PART_BYTES // 2**20,
                                ratio=MAX_XLSX_RATIO,
                            ),
                        )
                    ],
                )
        strings = shared_strings(archive)
        if strings is not None and strings[1] > MAX_XLSX_SHARED_STRINGS:
            raise DataError(
                str(path),
                [
                    Problem(
                        path.name,
                        say(
                            "xlsx.too_many_strings",
                            part=strings[0],
                            count=strings[1],
                            limit=MAX_XLSX_SHARED_STRINGS,
                        ),
                        hint=say("xlsx.too_many_strings_hint"),
                    )
                ],
            )


@attrs.frozen
class Formula:
    """A formula cell of an ``.xlsx`` file that has no saved value (the file was
    written by a program that does not compute formulas): never read as empty."""

    text: str

    def __str__(self) -> str:
        return self.text


@attrs.frozen
class CellError:
    """An error value of an ``.xlsx`` cell (``#DIV/0!``, ``#N/A``, ``#REF!``):
    the formula that gave it failed. Never read as the text it shows (a unit
    ``#N/A``, a district ``#REF!``)."""

    code: str

    def __str__(self) -> str:
        return self.code


def error_text(value: object) -> str | None:
    """The Excel error value (`EXCEL_ERRORS`) a cell holds, or ``None``: an
    ``.xlsx`` error cell's, or a text that reads as one as every reader reads
    a cell (`normal`: NFKC, trimmed; in any case: Excel itself reads a typed
    ``#n/a`` as ``#N/A``), wherever it comes from (a CSV file saved by Excel,
    a DataFrame, a database). The one rule of every route: a text of
    characters beyond ASCII once normalised is none (its case is not folded:
    ``ı`` is no ``I``), so that SQL can tell it too (`engines._builders`).

    >>> error_text(" #n/a "), error_text("＃ＲＥＦ！"), error_text("#1")
    ('#N/A', '#REF!', None)
    """
    if type(value) is str:  # the common case first, and quickly: no number sign
        return None if _signless(value) else _error_of(value)
    if isinstance(value, CellError):
        return value.code
    if isinstance(value, str):  # (a subclass of str: numpy's, say)
        return error_text(str(value))
    return None


def _signless(text: str) -> bool:
    """Whether a text holds none of the `NUMBER_SIGNS` (a few scans in C, no
    regular expression: every cell read is asked)."""
    return "#" not in text and (text.isascii() or ("\uff03" not in text and "\ufe5f" not in text))


@functools.lru_cache(maxsize=1 << 8)
def _error_of(text: str) -> str | None:
    read = normal(text)
    if not read.isascii():
        return None
    code = read.upper()
    return code if code in EXCEL_ERRORS else None


def unread_cell(value: object) -> tuple[Text, Text] | None:
    """Why a cell cannot be read whatever it was meant to hold, and what to do
    (a formula without a saved value, an error value, or its text: `error_text`);
    ``None`` for any other cell. The one rule of every reader of cells, for
    headers, labels and values alike."""
    if type(value) is str and _signless(value):  # (the commonest cell: quickly)
        return None
    if isinstance(value, Formula):
        return say("records.formula", formula=value.text), say("records.formula_hint")
    code = error_text(value)
    if code is not None:
        return say("tabular.error_value", code=code), say("tabular.error_value_hint")
    return None


def not_a_cell(value: object) -> tuple[Text, Text] | None:
    """Why a records cell is not read, and what to do, when it holds no value
    of a cell: bytes (an Arrow or Parquet binary column, a database's BLOB) or
    several values (a list, a table); ``None`` for any other. Their Python
    text (``b'IF01'``, ``['IF01']``) would be read as a unit id or a code that
    no one wrote: a register's ``b'IF01'`` is not the log's ``IF01``, and its
    inspections would go uncounted. (A figure's value is refused as such by
    `qrules._data.parse_value`, naming its measure.) A float of
    `INEXACT_FLOATS` or more (a float32 of 2**24, `NarrowWhole`) is not read
    either: it holds no whole number exactly, and the id it was (a float64
    column of 18-digit ids, as pandas reads a column with a blank cell) may
    be any of several, 16 for ``123456789012345680``."""
    if type(value) in _SCALARS:
        return None  # (the cells of most rows: one test)
    if (bits := _inexact_bits(value)) is not None:
        whole = float(value)  # type: ignore[arg-type]  # (a float, a NarrowWhole or numpy's)
        step = int(math.ulp(whole) * 2 ** (_DOUBLE_BITS - bits))  # (a float32's spacing, say)
        shown = say("tabular.inexact_float", value=int(whole), exact=f"2**{bits}", step=step)
        return shown, say("tabular.inexact_float_hint")
    if isinstance(value, float):
        return None  # (a whole number exactly, or none; numpy's float64 too)
    if isinstance(value, bytes | bytearray | memoryview):
        head = bytes(value[:24])
        held = say("tabular.bytes", value=repr(head) + ("…" if len(value) > 24 else ""))
    elif isinstance(value, Mapping):
        held = say("value.an_object")
    elif (isinstance(value, Sequence | Set) and not isinstance(value, str)) or _dimensions(value):
        # (A list, tuple, set or range is a `Sequence` or a `Set`; a text, one
        # too, is one value, a subclass's (numpy's ``str_``) as well. And an
        # array, numpy's or pandas', of one value or more: its text is
        # ``['IF01']``, not the value; a scalar of numpy's has no dimension.)
        held = say("value.a_list")
    else:
        return None
    return say("tabular.not_a_cell", kind=held), say("tabular.not_a_cell_hint")


#: PostgreSQL's ``real`` (float4), by its OID: a float32 (`read_table`).
_POSTGRES_REAL = 700

#: The least whole number that a float (a double) cannot tell from the next:
#: 2**53 + 1 is held as 2**53 (`not_a_cell`).
_DOUBLE_BITS = 53
INEXACT_FLOATS = 2**_DOUBLE_BITS


def _inexact_bits(value: object) -> int | None:
    """The bits of the whole numbers a float holds exactly, when ``value`` is
    one past them (`not_a_cell`): 53 for a double, 24 for a float32 (read
    from its column, `NarrowWhole`, or a numpy ``float32`` as it is), 11 for
    a float16."""
    if isinstance(value, NarrowWhole):
        return value.bits
    if isinstance(value, float):
        bits = _DOUBLE_BITS
    else:
        # (numpy's float32 and float16 are no Python float: told by their type.)
        dtype = getattr(value, "dtype", None)
        if getattr(dtype, "kind", None) != "f" or getattr(dtype, "itemsize", 0) not in (2, 4):
            return None
        bits = _EXACT_BITS["<f" if dtype.itemsize == 4 else "<e"]  # type: ignore[union-attr]
        value = float(value)  # type: ignore[arg-type]
    return bits if math.isfinite(value) and abs(value) >= 2**bits else None


#: The types of most cells, each one value (`not_a_cell`; a float is one, when
#: it is a whole number exactly).
_SCALARS = frozenset({str, int, bool, type(None), Decimal, dt.date, dt.datetime})


def _dimensions(value: object) -> int:
    """An array's dimensions (numpy's ``ndim``: 0 for a scalar), 0 for any other value."""
    dimensions = getattr(value, "ndim", 0)
    return dimensions if isinstance(dimensions, int) else 0


def header_text(value: object) -> str:
    """A header cell as text: ``2023`` for a number cell 2023 (or 2023.0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


#: A formula's start tag, with the namespace prefix some writers give every
#: tag (``<x:f>``: the .NET Open XML SDK's), which openpyxl reads as any other.
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")
#: The longest start of a tag kept for the next chunk; a longer one (no tag's
#: prefix is that long) is taken for a formula's, so that none is missed.
_TAG_START = 256
#: How much of a sheet's XML is searched at once.
_FORMULA_CHUNK = 1 << 20


def _has_formulas(path: Path) -> bool:
    """Whether any sheet of the workbook holds a formula (read in chunks, after
    `_xlsx_parts` has bounded each part's size)."""
    import zipfile  # noqa: PLC0415 (.xlsx files only)

    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            with archive.open(info) as member:
                tail = b""
                while chunk := member.read(_FORMULA_CHUNK):
                    text = tail + chunk
                    if _FORMULA_TAG.search(text):
                        return True
                    # (A tag cut by the chunk's end is read whole with the next.)
                    at = text.rfind(b"<")
                    tail = text[at:] if at >= 0 and b">" not in text[at:] else b""
                    if len(tail) > _TAG_START:
                        return True
    return False


def from_xlsx(path: Path, sheet: str | None) -> RawTable:
    openpyxl = needs("openpyxl")
    _xlsx_parts(path)
    book = formulas = None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        formulas = (
            openpyxl.load_workbook(path, read_only=True, data_only=False)
            if _has_formulas(path)
            else None
        )
    except Exception as error:  # openpyxl raises many kinds for a file it cannot read
        _closed(book, formulas)
        raise DataError(
            str(path),
            [
                Problem(
                    path.name,
                    say("read.not_xlsx", detail=first_line(error)),
                    hint=say("read.xlsx_hint"),
                )
            ],
        ) from None
    books = (book, formulas)
    named = sheet is not None
    if sheet is not None and sheet not in book.sheetnames:
        raise _no_sheet(
            books, path, say("tabular.no_sheet", sheet=sheet), suggest(sheet, book.sheetnames)
        )
    notes: tuple[Text, ...] = ()
    cells = [w.title for w in book.worksheets]  # not the chart sheets
    if sheet is not None and sheet not in cells:
        raise _no_sheet(
            books,
            path,
            say("tabular.chart_sheet", sheet=sheet),
            say("tabular.name_cells", sheets=listed(map(repr, cells))),
        )
    if sheet is None:
        # The first sheet of cells the office sees, not a hidden one (last year's
        # figures, a lookup list): read blindly, a hidden sheet's figures were judged.
        hidden = list(itertools.takewhile(lambda s: s.sheet_state != "visible", book.worksheets))
        if len(hidden) == len(book.worksheets):
            raise _no_sheet(
                books,
                path,
                say("tabular.no_visible_sheet"),
                say("tabular.name_a_sheet", sheets=listed(book.sheetnames)),
            )
        chosen = book.worksheets[len(hidden)].title
        if chosen != book.sheetnames[0]:
            sheet = chosen
        if hidden:
            notes = (
                say(
                    "tabular.hidden_sheets",
                    sheets=listed(repr(s.title) for s in hidden),
                    sheet=repr(chosen),
                ),
            )
    title = sheet if sheet is not None else book.sheetnames[0]
    name = path.name if sheet is None else f"{path.name}[{sheet}]"
    layout = _layout(path, name, title, books)
    rows: Iterator[Sequence[object]] = (
        tuple(map(_shown_value, row)) for row in sheet_rows(name, book[title])
    )
    if formulas is not None:
        rows = _with_formulas(rows, sheet_rows(name, formulas[title], values_only=True))
    first = _first_row(rows, books)
    header = [header_text(c) for c in first]

    def body() -> Iterator[tuple[int, Sequence[object]]]:
        try:
            yield (0, ())  # (started: closed before the rows are read, it closes the books)
            yield from numbered(rows, first=2)
        finally:
            _closed(*books)

    started = body()
    next(started)
    date1904 = getattr(book, "epoch", None) == _EPOCH_1904
    others = tuple(
        w.title
        for w in book.worksheets
        if not named and w.title != title and w.sheet_state == "visible"
    )
    return RawTable(
        name,
        header,
        started,
        notes,
        date1904=date1904,
        layout=layout,
        sheet_read=title,
        other_sheets=others,
        unread_header=header_problems(name, first),
    )


def _first_row(rows: Iterator[Sequence[object]], books: tuple[Any, Any]) -> Sequence[object]:
    """The sheet's first row; on an error, the rows and workbooks closed."""
    try:
        return next(rows, ())
    except BaseException:
        # (The sheet's rows closed first: a generator an error's frames keep
        # holds its part of the archive open.)
        close = getattr(rows, "close", None)
        if close is not None:
            close()
        _closed(*books)
        raise


def header_problems(name: str, cells: Sequence[object]) -> tuple[Problem, ...]:
    """A problem for each header cell that cannot be read (`unread_cell`):
    read as the text it shows, ``=1+1`` named a column no reader knows, and the
    column it stood for (a register's ``closed``) was left unread."""
    return tuple(
        Problem(
            name,
            why[0],
            where=say("where.header_column", column=column_letter(position)),
            hint=why[1],
        )
        for position, cell in enumerate(cells)
        if (why := unread_cell(cell)) is not None
    )


#: How far down a table its header is looked for when its first row is none:
#: a title and a blank row or two above it (``2023—2025年指标完成情况表``, an
#: export's ``烟台市食品生产企业名录（2024年）``).
HEADER_SEARCH = 10


def header_below(
    table: RawTable, is_header: Callable[[Sequence[object]], bool]
) -> tuple[tuple[int, Sequence[object]] | None, list[tuple[int, Sequence[object]]]]:
    """The header under a table's first row, for the figures' and the records'
    readers alike: the first of the next `HEADER_SEARCH` rows that
    ``is_header`` takes, as ``(number, cells)`` (None when none does), and the
    rows looked at above it, taken from ``table.rows`` (the rows under it are
    left there). The reader's ``is_header`` holds a header to the columns it
    needs, so that a title is never taken for one."""
    seen: list[tuple[int, Sequence[object]]] = []
    for number, cells in itertools.islice(table.rows, HEADER_SEARCH):
        if is_header(cells):
            return (number, cells), seen
        seen.append((number, cells))
    return None, seen


def _layout(path: Path, name: str, title: str, books: tuple[Any, Any]) -> SheetLayout:
    """The sheet's merged ranges and hidden rows and columns; on an error, the
    workbooks closed."""
    # (The part openpyxl reads the cells from: its read-only sheet's
    # ``_worksheet_path``, where it has one.)
    part = getattr(books[0][title], "_worksheet_path", None)
    try:
        with outside(str(path)):
            return sheet_layout(str(path), name, title, part if isinstance(part, str) else None)
    except BaseException:
        _closed(*books)
        raise


def float_decimal(value: float) -> Decimal:
    """The decimal a float stands for: its value to 15 significant digits, the
    most a double holds of any decimal (and what Excel shows). A decimal written
    with at most 15 digits comes back as written (``0.1`` is one tenth); a
    float made by arithmetic loses its binary error (``7 / (7 / 100)`` is
    99.99999999999999: 100), which would otherwise decide a verdict on a
    boundary."""
    return Decimal(format(value, ".15g"))


#: The day serial 0 stands for in a workbook of the 1904 date system
#: (openpyxl's ``CALENDAR_MAC_1904``, its ``Workbook.epoch``).
_EPOCH_1904 = dt.datetime(1904, 1, 1)


def _no_sheet(books: tuple[Any, Any], path: Path, message: Text, hint: Text) -> DataError:
    """The workbooks closed (its values', and its formulas' if opened), and
    the error that it has no such sheet to read."""
    _closed(*books)
    return DataError(str(path), [Problem(path.name, message, hint=hint)])


def _closed(*books: Any) -> None:
    """Each workbook opened (``None``: not opened) closed."""
    for book in books:
        if book is not None:
            book.close()


def _shown_value(cell: Any) -> object:
    """A cell's saved value, a number in a percent format as the percentage it
    shows: Excel keeps 98.5 % as 0.985, which read bare is 0.985 %."""
    value = cell.value
    if getattr(cell, "data_type", None) == "e" and isinstance(value, str):
        return CellError(value)
    if (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and _percent_format(getattr(cell, "number_format", None) or "")
    ):
        if isinstance(value, float) and not math.isfinite(value):
            return value
        number = float_decimal(value) if isinstance(value, float) else Decimal(value)
        return f"{number.scaleb(2):f}%"
    return value


def _percent_format(number_format: str) -> bool:
    """Whether an Excel number format shows its number times 100 with ``%`` (a
    ``%`` in quotes or after a backslash is a literal sign, and scales nothing)."""
    return "%" in re.sub(r'"[^"]*"|\\.', "", number_format)


def _with_formulas(
    values: Iterable[Sequence[object]], texts: Iterable[Sequence[object]]
) -> Iterator[Sequence[object]]:
    """The saved values, with a `Formula` where a formula cell has none."""
    for row, written in zip(values, texts, strict=False):
        formulas = [
            _formula_text(t) if v is None else None for v, t in zip(row, written, strict=False)
        ]
        if any(formulas):
            yield tuple(v if f is None else Formula(f) for v, f in zip(row, formulas, strict=False))
        else:
            yield row


def _formula_text(written: object) -> str | None:
    """A cell's formula as written, if it is one: ``=B2+15``, or an array or data
    table formula (which openpyxl gives as objects: read as empty, an array
    formula's flag was false)."""
    if isinstance(written, str):
        return written if written.startswith("=") else None
    if type(written).__module__.startswith("openpyxl.worksheet.formula"):
        text = getattr(written, "text", None)
        return text if isinstance(text, str) and text else "=TABLE()"
    return None


#: DuckDB settings for every database qrules opens (see docs/security.md): a
#: database file may come from an untrusted source, and its views run when they
#: are read. With external access off, a view over ``read_text('/etc/passwd')``
#: or ``read_csv('https://…')`` fails; no extension is installed or loaded; and
#: the configuration is locked, so no SQL can set it back (``SET``, ``RESET``).
DUCKDB_SAFE_CONFIG = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "lock_configuration": True,
}


def duckdb_connection(path: str | None = None) -> Any:
    """A DuckDB connection with `DUCKDB_SAFE_CONFIG`: in memory, or to the
    database file ``path``, read only."""
    duckdb = needs("duckdb")
    if path is None:
        return duckdb.connect(config=DUCKDB_SAFE_CONFIG)
    return duckdb.connect(path, read_only=True, config=DUCKDB_SAFE_CONFIG)


def database_file(url: str, scheme: str, path: str) -> str:
    """The file a ``scheme:///relative/path.db`` (or ``scheme:////absolute``) URL's
    path names; a `DataError` when there is none."""
    path = path[1:] if path.startswith("/") else path
    if path and Path(path).exists() and not Path(path).is_file():
        message, hint = _not_a_file(Path(path))
        raise DataError(
            url,
            [Problem(url, say("tabular.database_not_file", path=path, reason=message), hint=hint)],
        )
    if not path or not Path(path).is_file():
        raise DataError(
            url,
            [
                Problem(
                    url,
                    say("tabular.no_database", path=path),
                    hint=say("tabular.database_path", scheme=scheme),
                )
            ],
        )
    return path


def from_url(url: str, table: str) -> RawTable:
    match = URL.match(url)
    assert match is not None
    scheme, rest = match.groups()
    parts = urlsplit(f"{scheme}://{rest}")
    path = database_file(url, scheme, parts.path)
    table = parse_qs(parts.query).get("table", [table])[0]
    if scheme == "duckdb":
        connection = duckdb_connection(path)
    else:
        import sqlite3  # noqa: PLC0415

        connection = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
    return from_connection(connection, table, f"{Path(path).name}:{table}", close=True)


def from_connection(
    connection: Any, table: str, name: str | None, *, close: bool = False
) -> RawTable:
    name = name or f"<database>:{table}"
    if not IDENTIFIER.match(table):
        raise DataError(name, [Problem(name, say("tabular.not_a_table", table=table))])
    quoted = ".".join(f'"{part}"' for part in table.split("."))
    cursor = held(connection.cursor())  # (a date Python cannot hold: a `FarDate`)
    try:
        if close:  # (a database file qrules opened: bounded as a Parquet file is)
            _bounded_table(connection, quoted, name)
        cursor.execute(f"SELECT * FROM {quoted}")  # a checked, quoted identifier
    except DataError:
        if close:  # (a connection of the caller's stays open, as below)
            connection.close()
        raise
    except Exception as error:  # each driver has its own error classes
        if close:
            connection.close()
        message, hint = table_problem(error, table)
        raise DataError(name, [Problem(name, message, hint=hint)]) from None
    header = [str(d[0]) for d in cursor.description]
    dialect = "duckdb" if "duckdb" in type(connection).__module__ else "postgres"
    zoned = {
        i: ZONED_DAY[dialect].format(column='"' + column.replace('"', '""') + '"')
        for i, (column, d) in enumerate(zip(header, cursor.description, strict=True))
        if _zoned_type(d[1])
    }

    # DuckDB hands a REAL (FLOAT) column's values out widened to doubles: read
    # them in their own precision, as a DataFrame's float32 (`_narrowed`).
    # (psycopg reads PostgreSQL's real, OID 700, from its text, already the
    # shortest: marked too, so that a whole number past 2**24 is told, as a
    # float32's is, `NarrowWhole`.)
    kinds = [
        "float"
        if str(d[1]) == "FLOAT" or (dialect == "postgres" and d[1] == _POSTGRES_REAL)
        else ""
        for d in cursor.description
    ]

    def rows() -> Iterator[Sequence[object]]:
        try:
            while batch := cursor.fetchmany(10_000):
                yield from held_rows(batch, cursor.description)
        finally:
            if close:
                connection.close()

    return RawTable(name, header, numbered(_narrowed(rows(), kinds)), zoned=zoned)


def _bounded_table(connection: Any, quoted: str, name: str) -> None:
    """Refuse a table of a database file (``duckdb:///``, ``sqlite:///``) whose
    rows hold more than `MAX_ARROW_CELLS` cells or more than `MAX_ARROW_BYTES`
    bytes of values as text, before a row is read: counted by the database,
    over at most one row more than the cells allow (a view of rows without
    end is stopped there). A value repeated through DuckDB's compression
    takes a few bytes in the file however many rows hold it."""
    duckdb = "duckdb" in type(connection).__module__
    # (bytes, not characters; checked, quoted identifiers and numbers of ours)
    width = "strlen(CAST({} AS VARCHAR))" if duckdb else "length(CAST({} AS BLOB))"
    cursor = connection.cursor()
    try:
        cursor.execute(f"SELECT * FROM {quoted} LIMIT 0")
        columns = ['"' + str(d[0]).replace('"', '""') + '"' for d in cursor.description]
        sizes = " + ".join(f"coalesce(sum({width.format(c)}), 0)" for c in columns) or "0"
        most = MAX_ARROW_CELLS // max(len(columns), 1) + 1
        cursor.execute(f"SELECT count(*), {sizes} FROM (SELECT * FROM {quoted} LIMIT {most})")
        rows, size = cursor.fetchone()
    finally:
        cursor.close()
    if rows * len(columns) > MAX_ARROW_CELLS or size > MAX_ARROW_BYTES:
        raise DataError(
            name,
            [
                Problem(
                    name,
                    say(
                        "tabular.table_too_big",
                        columns=len(columns),
                        limit=MAX_ARROW_CELLS,
                        mib=MAX_ARROW_BYTES // 2**20,
                    ),
                    hint=say("tabular.table_in_place"),
                )
            ],
        )


#: A view's expression of the day, in a time zone named, of a timestamp with a
#: time zone, whatever the session's (``{column}``: the column, quoted), by
#: dialect: the hint of a reader refusing such a column (and of `evaluate_tables`).
ZONED_DAY = {
    "duckdb": "CAST(timezone('Asia/Shanghai', {column}) AS DATE)",
    "postgres": "CAST({column} AT TIME ZONE 'Asia/Shanghai' AS DATE)",
    "spark": "CAST(convert_timezone('Asia/Shanghai', {column}) AS DATE)",
}


def _zoned_type(code: object) -> bool:
    """Whether a DB-API column's type code is a timestamp with a time zone:
    PostgreSQL's ``timestamptz`` (oid 1184, psycopg and psycopg2) or DuckDB's
    ``TIMESTAMP WITH TIME ZONE``."""
    if isinstance(code, int) and not isinstance(code, bool):
        return code == 1184  # (PostgreSQL's oid of timestamptz)
    return str(code).upper() in ("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ")


def zoned_problem(table: RawTable, position: int, kind: str, canonical: str) -> Problem | None:
    """A problem when the column at ``position``, read as ``kind``'s ``canonical``
    date column, holds a timestamp with a time zone (`RawTable.zoned`)."""
    cast = table.zoned.get(position)
    if cast is None:
        return None
    return Problem(
        table.name,
        say(
            "engines.zoned_type",
            column=table.header[position],
            kind=say(f"table.{kind}"),
            canonical=canonical,
        ),
        hint=say("engines.zoned_cast", cast=cast),
    )
