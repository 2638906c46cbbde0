"""Registers of units and logs of inspections, read as offices export them.

A `Register` holds one `UnitRecord` per unit, an `InspectionLog` one
`Inspection` per inspection, each with its accounting: rows read = rows used +
rows rejected, and a `Problem` (file, row, column) for every rejected row.
Readers take CSV (UTF-8, UTF-8 with BOM, UTF-16 with BOM or GB18030/GBK,
decided over the whole file), ``.xlsx``, Parquet and Arrow files, pandas and
polars DataFrames, Arrow tables, lists of mappings, and tables in a database
(a DB-API connection, or a ``duckdb:///`` or ``sqlite:///`` URL). A
`ColumnMapping` renames an office's columns and codes to the canonical ones
(``docs/records.md``).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
import numbers
import operator
import re
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeAlias, TypeVar

import attrs

from .._boundary import os_reason, toml_error, toml_long_integer, toml_number
from .._cells import blank, missing
from .._data import FiguresMapping, mapped_alike, written_day
from .._errors import DataError, Problem, suggestion
from .._fardates import FarDate
from .._limits import MAX_MAPPING_FILE_BYTES, number_problem
from .._messages import Text, listed, say
from .._once import once
from .._recordspec import (
    CATEGORIES,
    FLAGS,
    LOG_COLUMNS,
    POPULATION_COLUMNS,
    RECORD_CODES,
    REGISTER_COLUMNS,
)
from .._results import Reconciliation
from .._tabular import (
    MISSING_MARKERS,
    CellError,
    Formula,
    RawTable,
    TableSource,
    column_name,
    error_text,
    header_below,
    header_problems,
    header_text,
    not_a_cell,
    open_table,
    other_sheets,
    read_whole,
    require_regular,
    unread_cell,
    zoned_problem,
)
from .._tabular import cell_text as _text
from .._tabular import normal as _normal
from .._tabular import suggest as _suggest
from .._xlsx import spread
from .doubts import ANY_UNIT, RejectedInspection, RejectedUnit

__all__ = [
    "CATEGORY_APART",
    "CATEGORY_SPELLINGS",
    "FLAG_WORDS",
    "READ_DAYS",
    "ColumnMapping",
    "Inspection",
    "InspectionLog",
    "Register",
    "RowReader",
    "UnitRecord",
    "column_mapping",
    "named_category",
    "other_categories",
    "parse_date",
    "read_log",
    "read_register",
    "record_columns",
    "resolve_header",
    "unit_rejected",
]

#: Called now and then while a long input is read: ``progress(what, rows so far)``.
Progress: TypeAlias = Callable[[str, int], None]

_PROGRESS_EVERY = 50_000


# -- the records ----------------------------------------------------------------


@attrs.frozen
class UnitRecord:
    """One unit of a register. ``flags`` holds the flags that are true."""

    unit: str
    name: str
    category: str
    district: str | None = None
    risk_level: str | None = None
    size: str | None = None
    registered: dt.date | None = None
    closed: dt.date | None = None
    flags: frozenset[str] = frozenset()
    row: int = 0

    def value(self, column: str) -> str | bool | None:
        """The unit's value in a population column (a flag gives True or False)."""
        if column in FLAGS:
            return column in self.flags
        value: str | None = getattr(self, column)
        return value

    def active(self, start: dt.date, end: dt.date) -> bool:
        """Registered by ``end`` and not closed before ``start``."""
        return (self.registered is None or self.registered <= end) and (
            self.closed is None or self.closed >= start
        )


def _population_values(
    category: str | None,
    risk_level: str | None,
    size: str | None,
    district: str | None,
    flags: frozenset[str],
) -> dict[str, str | bool | None]:
    """A register row's values in the population columns, as `RejectedUnit`
    holds them (a flag ``True`` or ``False``)."""
    return {
        "category": category,
        "risk_level": risk_level,
        "size": size,
        "district": district,
        **{f: f in flags for f in FLAGS},
    }


def unit_rejected(table: str, unit: UnitRecord, unreadable: frozenset[str]) -> RejectedUnit:
    """A unit read, then rejected (a date or flag a database cannot read as the
    readers do, a doubtful date): its ``unreadable`` columns unknown, the others
    as read."""
    values = _population_values(
        unit.category, unit.risk_level, unit.size, unit.district, unit.flags
    )
    return RejectedUnit(
        table, unit.row, unit.unit, values, unit.registered, unit.closed, unreadable
    )


@attrs.frozen
class Inspection:
    """One row of an inspection log."""

    unit: str
    date: dt.date
    kind: str | None = None
    result: str | None = None
    inspection: str | None = None
    row: int = 0


_Row = TypeVar("_Row")


@attrs.frozen
class _Accounted(Generic[_Row]):
    """What a register and a log share: their rows, and how they were read
    (``rows_read == rows_used + rows_rejected``; ``problems`` says why each
    rejected row was, ``notes`` what else is worth a look)."""

    _kind: ClassVar[str]
    name: str
    rows: tuple[_Row, ...] = attrs.field(repr=False)
    rows_read: int
    problems: tuple[Problem, ...] = attrs.field(default=(), repr=False)
    rows_rejected: int = 0
    notes: tuple[Text, ...] = attrs.field(default=(), repr=False)

    @property
    def rows_used(self) -> int:
        return len(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[_Row]:
        return iter(self.rows)

    @property
    def reconciliation(self) -> Reconciliation:
        return Reconciliation(
            self.name,
            self._kind,
            self.rows_read,
            self.rows_used,
            self.rows_rejected,
            self.problems,
            self.notes,
        )


@attrs.frozen
class Register(_Accounted[UnitRecord]):
    """The units under supervision (``units``), and how their rows were read.

    Immutable, and safe to share between threads (its index by unit id is
    built whole, once, under a lock)."""

    _kind: ClassVar[str] = "register"
    #: The rejected rows, as far as each could be read: units of unknown
    #: membership and compliance (``docs/records.md``, "Bad rows").
    rejected: tuple[RejectedUnit, ...] = attrs.field(default=(), repr=False)
    #: The flags (`FLAGS`) the source has no column for: whether a unit has one
    #: is unknown (read as false), and a rule that needs it is unknown.
    absent: frozenset[str] = attrs.field(default=frozenset(), repr=False)
    #: The table's name of each canonical column read (problems name it so).
    columns: Mapping[str, str] = attrs.field(factory=dict, repr=False, eq=False)
    # The index by unit id, built once (see `qrules._once`).
    _lazy: dict[str, Mapping[str, UnitRecord]] = attrs.field(
        init=False, factory=dict, eq=False, repr=False
    )

    @property
    def units(self) -> tuple[UnitRecord, ...]:
        return self.rows

    def __contains__(self, unit: object) -> bool:
        return unit in self.index

    def __getitem__(self, unit: str) -> UnitRecord:
        return self.index[unit]

    @property
    def index(self) -> Mapping[str, UnitRecord]:
        """The units by id (built whole on first use, by one thread)."""
        # Rows kept as columns (`qrules._columns`) index themselves without
        # making every unit an object.
        own = getattr(self.rows, "unit_index", None)
        return once(
            self._lazy, "index", own if own is not None else lambda: {u.unit: u for u in self.rows}
        )


@attrs.frozen
class InspectionLog(_Accounted[Inspection]):
    """Inspections of the register's units (``inspections``), and how their rows
    were read. Immutable, and safe to share between threads (`by_unit` is built
    whole, once, under a lock)."""

    _kind: ClassVar[str] = "log"
    #: The rejected rows of units the register holds: inspections they may have had.
    rejected: tuple[RejectedInspection, ...] = attrs.field(default=(), repr=False)
    #: The table's name of each canonical column read (problems name it so).
    columns: Mapping[str, str] = attrs.field(factory=dict, repr=False, eq=False)
    # The index by unit, built once (see `qrules._once`).
    _lazy: dict[str, Mapping[str, tuple[Inspection, ...]]] = attrs.field(
        init=False, factory=dict, eq=False, repr=False
    )

    @property
    def inspections(self) -> tuple[Inspection, ...]:
        return self.rows

    def date_range(self) -> tuple[dt.date, dt.date] | None:
        """The earliest and the latest date of the inspections (``None``: none)."""
        own = getattr(self.rows, "date_range", None)
        if own is not None:
            found: tuple[dt.date, dt.date] | None = own("date")
            return found
        if not self.rows:
            return None
        dates = operator.attrgetter("date")  # two passes in C
        return min(map(dates, self.rows)), max(map(dates, self.rows))

    def by_unit(self) -> Mapping[str, tuple[Inspection, ...]]:
        """Each unit's inspections, in date order (then row order); built whole on
        first use, by one thread, so a log may be shared between threads."""
        return once(self._lazy, "by_unit", self._group_by_unit)

    def _group_by_unit(self) -> Mapping[str, tuple[Inspection, ...]]:
        grouped: dict[str, list[Inspection]] = {}
        for inspection in sorted(self.rows, key=operator.attrgetter("date", "row")):
            grouped.setdefault(inspection.unit, []).append(inspection)
        return {unit: tuple(rows) for unit, rows in grouped.items()}


def record_columns(
    records: Sequence[UnitRecord] | Sequence[Inspection], names: Sequence[str]
) -> dict[str, list[Any]]:
    """Records as columns: each named field's values, a flag as whether each
    unit has it (for the engines' staging tables and the column-wise reader)."""
    return {
        name: [name in r.flags for r in records]  # type: ignore[union-attr]
        if name in FLAGS
        else [getattr(r, name) for r in records]
        for name in names
    }


def reconciled(register: Register, log: InspectionLog | None) -> tuple[Reconciliation, ...]:
    """How the readers accounted for the rows of a register and a log."""
    return (register.reconciliation,) + ((log.reconciliation,) if log is not None else ())


# -- the mapping ----------------------------------------------------------------

_TABLES = {"register": REGISTER_COLUMNS, "log": LOG_COLUMNS}
#: Columns whose codes a mapping may translate.
_CODED = {
    "register": ("category", "district", "risk_level", "size", *FLAGS),
    "log": ("kind", "result"),
}

#: How a mapping file is named in the heading of its problems (not "dataset").
_MAPPING = "problems.mapping"


@attrs.frozen
class ColumnMapping:
    """How one office's export names the canonical columns and codes.

    ``register_columns`` maps a canonical column to the names it may have in a
    file (the first one present is read); ``register_codes`` maps, per
    canonical column, a code as written to the canonical code. The same for
    the log. ``figures`` is the part for sheets of reported figures. Load one
    from a TOML file with `ColumnMapping.load`; see ``docs/records.md`` and
    ``docs/datasets.md`` for the format.
    """

    register_columns: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    register_codes: Mapping[str, Mapping[str, str]] = attrs.field(factory=dict)
    log_columns: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    log_codes: Mapping[str, Mapping[str, str]] = attrs.field(factory=dict)
    name: str = "<mapping>"
    figures: FiguresMapping = attrs.field(factory=FiguresMapping)

    @classmethod
    def load(cls, path: str | Path) -> ColumnMapping:
        """Read a mapping file (TOML); every problem in it is raised at once."""
        path = Path(path)
        try:
            require_regular(path)  # a FIFO is never waited on, /dev/zero never read
        except DataError as error:  # (said of the mapping file, not of a dataset)
            raise DataError(error.source, error.problems, what=_MAPPING) from None
        if "\0" in str(path):  # (which the system's calls raise ValueError for)
            raise DataError(str(path), [Problem(path.name, say("nul.path"))], what=_MAPPING)
        try:
            raw = read_whole(path, MAX_MAPPING_FILE_BYTES, "tabular.big_mapping")
            # Its line ends read as text is read (``\r``, ``\r\n``: ``\n``).
            text = raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
            data = tomllib.loads(text)
        except OSError as error:
            raise DataError(
                str(path),
                [Problem(path.name, say("read.cannot_read", error=os_reason(error)))],
                what=_MAPPING,
            ) from None
        except UnicodeDecodeError as error:
            said = say("tabular.not_encoding", encoding="UTF-8", byte=error.start)
            raise DataError(str(path), [Problem(path.name, said)], what=_MAPPING) from None
        except tomllib.TOMLDecodeError as error:
            detail, where = toml_error(error)
            said = say("mapping.not_toml", detail=detail)
            raise DataError(
                str(path),
                [Problem(path.name, said, where=where, hint=say("load.toml_hint"))],
                what=_MAPPING,
            ) from None
        except RecursionError:
            raise DataError(
                str(path),
                [Problem(path.name, say("read.too_deep"), hint=say("mapping.shape"))],
                what=_MAPPING,
            ) from None
        except DataError:  # (the file over its bound, `read_whole`'s)
            raise
        except ValueError:  # (not its TOMLDecodeError: an integer too long to convert)
            raise DataError(
                str(path), [attrs.evolve(toml_long_integer(text), file=path.name)], what=_MAPPING
            ) from None
        if (found := toml_number(data)) is not None:
            raise DataError(str(path), [attrs.evolve(found, file=path.name)], what=_MAPPING)
        return cls.from_dict(data, name=path.name)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, name: str = "<mapping>") -> ColumnMapping:
        """A mapping from data shaped like the TOML file."""
        problems: list[Problem] = []
        out: dict[str, Any] = {}

        def problem(message: Text, key: str, hint: Text | None = None) -> None:
            problems.append(Problem(name, message, key=key, hint=hint))

        for table, value in data.items():
            if table not in _TABLES and table != "figures":
                problem(say("mapping.unknown_table"), table, _suggest(table, [*_TABLES, "figures"]))
                continue
            if not isinstance(value, Mapping):
                problem(say("mapping.expected_table"), table)
                continue
            if table == "figures":
                out["figures"] = FiguresMapping.parse(value, problem, name=name)
                continue
            for section, inner in value.items():
                key = f"{table}.{section}"
                if section not in ("columns", "codes") or not isinstance(inner, Mapping):
                    problem(
                        say("mapping.columns_or_codes"),
                        key,
                        _suggest(section, ["columns", "codes"]),
                    )
                    continue
                if section == "columns":
                    out[f"{table}_columns"] = _mapping_columns(table, inner, problem)
                else:
                    out[f"{table}_codes"] = _mapping_codes(table, inner, problem)
        if problems:
            raise DataError(name, problems, what=_MAPPING)
        return cls(**out, name=name)

    def columns(self, table: str) -> Mapping[str, tuple[str, ...]]:
        return self.register_columns if table == "register" else self.log_columns

    def codes(self, table: str) -> Mapping[str, Mapping[str, str]]:
        return self.register_codes if table == "register" else self.log_codes


def _mapping_columns(
    table: str, data: Mapping[str, Any], problem: Callable[..., None]
) -> dict[str, tuple[str, ...]]:
    columns: dict[str, tuple[str, ...]] = {}
    for canonical, names in data.items():
        key = f"{table}.columns.{canonical}"
        if canonical not in _TABLES[table]:
            problem(
                say(f"mapping.unknown_{table}_column"), key, _suggest(canonical, _TABLES[table])
            )
            continue
        listed = [names] if isinstance(names, str) else names
        if (
            not isinstance(listed, list)
            or not listed
            or not all(isinstance(n, str) and n.strip() for n in listed)
        ):
            problem(say("mapping.column_names"), key)
            continue
        columns[canonical] = tuple(_normal(n) for n in listed)
    return columns


def _mapping_codes(
    table: str, data: Mapping[str, Any], problem: Callable[..., None]
) -> dict[str, dict[str, str]]:
    codes: dict[str, dict[str, str]] = {}
    for column, table_codes in data.items():
        key = f"{table}.codes.{column}"
        if column not in _CODED[table]:
            problem(
                say("mapping.no_codes", table=say(f"records.{table}"), column=column),
                key,
                _suggest(column, _CODED[table]),
            )
            continue
        if not isinstance(table_codes, Mapping):
            problem(say("mapping.codes_table"), key)
            continue
        options: Iterable[str] | None = RECORD_CODES.get(column)
        if column in FLAGS:
            options = ("true", "false")
        mapped: dict[str, str] = {}
        read: list[tuple[str, str]] = []
        for written, given in table_codes.items():
            if _normal(str(written)).lower() in MISSING_MARKERS:
                # Read as missing by every route before any mapping: never a code.
                problem(say("mapping.marker_code", code=written), f"{key}.{written}")
                continue
            if error_text(str(written)) is not None:
                # Rejected by every route before any mapping (`unread_cell`): never a code.
                problem(say("mapping.error_code", code=written), f"{key}.{written}")
                continue
            canonical = (
                ("true" if given else "false")
                if isinstance(given, bool) and column in FLAGS
                else given
            )
            if not isinstance(canonical, str) or not canonical.strip():
                problem(say("mapping.expected_code"), f"{key}.{written}")
                continue
            if options is not None and canonical not in options:
                problem(
                    say("mapping.not_canonical", code=canonical),
                    f"{key}.{written}",
                    _suggest(canonical, list(options)),
                )
                continue
            mapped[_normal(written)] = canonical
            read.append((written, canonical))
        # (A flag's codes looked up in lower case, `flag_codes`: compared so.)
        mapped_alike(key, read, problem, _flag_key if column in FLAGS else _normal)
        codes[column] = mapped
    return codes


# -- values ---------------------------------------------------------------------


class _Bad(ValueError):
    """A cell that cannot be read; the caller says where it is. ``said`` is
    the message in both languages (``str()`` its English)."""

    def __init__(self, said: Text) -> None:
        self.said = said
        super().__init__(said.en)


_SERIAL = re.compile(r"\d{5,6}(?:\.\d+)?\Z")
_EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 is 1900-01-01 in Excel's (leap-1900) count
#: 1904-01-01 (serial 0 of a workbook in the 1904 date system) is serial 1462
#: of the 1900 system.
_DAYS_1904 = 1462
_SERIALS = (10_000, 110_575)  # 1927-05-18 to 2202-09-22: no other number is read as a date
_YEARS = (1900, 2200)
#: The first and last day a date is read on (years `_YEARS`): a date object
#: outside them (``0001-01-01``, a placeholder for no date) is rejected.
READ_DAYS = (dt.date(_YEARS[0], 1, 1), dt.date(_YEARS[1], 12, 31))


def parse_date(value: object, *, date1904: bool = False) -> dt.date | None:
    """Read a date as offices write it; ``None`` means missing.

    ``2024-03-05``, ``2024/3/5``, ``2024.3.5``, ``2024年3月5日``, ``20240305``,
    full-width digits, a date-time (its date), an Excel serial number
    (``45356``, as an int, a float, a `~decimal.Decimal` or text) or a
    `datetime.date`. Raises `ValueError` for anything else.
    ``date1904``: a serial (a number, or one written as text) is of a
    workbook in the 1904 date system, counted from 1904-01-01 (43894 is
    2024-03-05).

    >>> parse_date("２０２４年３月５日"), parse_date(45356), parse_date("—")
    (datetime.date(2024, 3, 5), datetime.date(2024, 3, 5), None)
    """
    if missing(value):
        return None
    if isinstance(value, FarDate):
        # (A database's or an Arrow column's date that Python cannot hold:
        # ``infinity``, a year BC or after 9999, rejected as a date out of the
        # years read is.)
        raise _Bad(say("date.years", value=value.text))
    if isinstance(value, dt.date):
        # A date object (a date cell, an Arrow, Parquet or DataFrame date, a
        # database DATE) is read in the years a written date is: 0001-01-01 or
        # 9999-12-31 is a placeholder for no date, never a closing in year 1.
        day = value.date() if isinstance(value, dt.datetime) else value
        if not _YEARS[0] <= day.year <= _YEARS[1]:
            raise _Bad(say("date.years", value=day.isoformat()))
        return day
    if isinstance(value, dt.time):
        raise _Bad(say("date.time_only", value=value.isoformat()))
    if isinstance(value, bool):
        raise _Bad(say("date.truth", value=repr(value)))
    # (A Decimal is a number as an int is: a DataFrame's, an Arrow or Parquet
    # decimal column's, a database driver's NUMERIC.)
    if isinstance(value, numbers.Real | Decimal):
        return _serial(float(value), repr(value), _DAYS_1904 if date1904 else 0)
    if not isinstance(value, str):
        raise _Bad(say("date.not_a_date", value=repr(value)))
    return _date_of(value, date1904)


@functools.lru_cache(maxsize=1 << 14)
def _date_of(value: str, date1904: bool = False) -> dt.date | None:
    text = _normal(value)
    if text.lower() in MISSING_MARKERS:
        return None
    written = written_day(text)
    if written is not None and _YEARS[0] <= written[0] <= _YEARS[1]:
        try:
            return dt.date(*written)
        except ValueError:
            raise _Bad(say("date.no_such_day", value=value)) from None
    if _SERIAL.match(text):
        return _serial(float(text), f"'{value}'", _DAYS_1904 if date1904 else 0)
    raise _Bad(say("date.write", value=value))


def _serial(number: float, shown: str, later: int = 0) -> dt.date:
    """An Excel serial's day; ``later``: the days its date system's serial 0
    is after the 1900 system's (`_DAYS_1904`), the bounds being of days."""
    if number.is_integer() and written_day(str(int(number))) is not None:
        return parse_date(str(int(number))) or _EXCEL_EPOCH  # 20240305
    number += later
    if not (_SERIALS[0] <= number <= _SERIALS[1]) or math.isnan(number):
        raise _Bad(say("date.serial", value=shown))
    return _EXCEL_EPOCH + dt.timedelta(days=math.floor(number))


_TRUE = frozenset(
    {"1", "true", "yes", "y", "t", "是", "有", "已", "已纳入", "已实现", "已接入", "√", "✓", "✔"}
)
_FALSE = frozenset(
    {"0", "false", "no", "n", "f", "否", "未", "未纳入", "未实现", "未接入", "×", "✗", "✘"}
)
#: The words a flag cell is read as, in any case (with a mapping's codes).
FLAG_WORDS = _TRUE | _FALSE


#: The words a flag cell reads as true, and as false (lower case, normalised).
TRUE_WORDS, FALSE_WORDS = _TRUE, _FALSE


def _flag_key(written: str) -> str:
    """A flag code of a mapping file as a cell is looked up (`flag_codes`)."""
    return _normal(written).lower()


def flag_codes(codes: Mapping[str, str]) -> dict[str, str]:
    """A flag column's mapping codes, keyed in lower case: a flag cell is read
    without regard to case (``Y``, ``y``), its mapped codes as the built-in
    words. The readers and the SQL engines both read flags through this."""
    return {written.lower(): code for written, code in codes.items()}


#: A word's spellings in every case that `flag_spellings` lists at most (more:
#: its lower, upper and capitalised forms only).
_MOST_CASED = 256


def flag_spellings(codes: Mapping[str, str]) -> dict[str, bool]:
    """Every text that a flag cell written exactly so is read to a value as it
    is stored (its own normal form), with that value: each word (`FLAG_WORDS`
    and the mapping's ``codes``) in every case (a word of more spellings than
    `_MOST_CASED`, in three), each read by the readers' own code. The SQL
    engines compare a flag column's text against these as stored, never
    through a database's ``LOWER`` (DuckDB and PostgreSQL lower ``Sİ`` to
    ``si``, Python to ``si̇``, which no word is); a text outside them is a
    row for the readers to read."""
    return dict(_spellings(tuple(sorted(codes.items()))))


@functools.cache
def _spellings(codes: tuple[tuple[str, str], ...]) -> tuple[tuple[str, bool], ...]:
    lowered = flag_codes(dict(codes))
    found: dict[str, bool] = {}
    for word in sorted({*FLAG_WORDS, *lowered}):
        cased = [sorted({c, c.lower(), c.upper()}) for c in word]
        every: Iterable[tuple[str, ...]] = itertools.product(*cased)
        if math.prod(map(len, cased)) > _MOST_CASED:
            every = [(word.lower(),), (word.upper(),), (word.capitalize(),)]
        for letters in every:
            text = "".join(letters)
            if _text(text) != text:
                continue  # read otherwise (or missing): not as stored
            try:
                found[text] = _flag(lowered.get(text.lower(), text))
            except _Bad:
                continue
    return tuple(sorted(found.items()))


def _flag(text: str | None) -> bool:
    if text is None:
        return False
    word = text.lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise _Bad(say("flag.not_a_flag", text=text))


# -- sources --------------------------------------------------------------------


def _open(
    source: TableSource,
    kind: str,
    *,
    table: str | None,
    sheet: str | None,
    encoding: str | None,
    name: str | None,
) -> RawTable:
    return open_table(
        source,
        columns=_TABLES[kind],
        default_table="register" if kind == "register" else "inspections",
        table=table,
        sheet=sheet,
        encoding=encoding,
        name=name,
    )


def fetched_rows(
    name: str, header: Sequence[str], rows: Iterable[tuple[int, Sequence[object]]]
) -> RawTable:
    """Rows already fetched, each with the number it is given in messages: a
    source the readers take as they are (the SQL engines read the rows of a
    table they reject this way)."""
    return RawTable(name, list(header), iter(rows))


# -- reading --------------------------------------------------------------------


def column_mapping(mapping: ColumnMapping | Mapping[str, Any] | str | Path | None) -> ColumnMapping:
    if mapping is None:
        return ColumnMapping()
    if isinstance(mapping, ColumnMapping):
        return mapping
    if isinstance(mapping, str | Path):
        return ColumnMapping.load(mapping)
    return ColumnMapping.from_dict(mapping)


def resolve_header(
    table: RawTable, kind: str, mapping: ColumnMapping, required: tuple[str, ...]
) -> tuple[dict[str, int], list[str], list[Text], int]:
    """Canonical column → position, the file's name of each, notes, and the
    header's row number: the first row's, or, when it names not every
    ``required`` column (and none twice), the first row below it that does
    (`header_below`: a title and a blank row above an export's header, the
    rows above it not read and the output saying so)."""
    names = mapping.columns(kind)
    positions, twice = _columns_named(table.header, kind, names)
    row = 1
    if any(c not in positions for c in required) and not twice:

        def names_all(cells: Sequence[object]) -> bool:
            found, again = _columns_named([header_text(c) for c in cells], kind, names)
            return all(c in found or c in again for c in required)

        below, above = header_below(table, names_all)
        held = [
            number
            for number, cells in ((1, table.header), *above)
            if sum(not blank(c) for c in cells) > 1
            # (A frame read without a header: its columns' labels 0, 1, 2, ….)
            and [header_text(c) for c in cells] != [str(i) for i in range(len(cells))]
        ]
        if below is not None and held:
            # Rows above a header are not read: a row of more than a title
            # (records, a second header) would be left out unseen.
            raise DataError(
                table.name,
                [
                    Problem(
                        table.name,
                        say("records.above_header", row=below[0], held=held[0]),
                        where=say("where.header"),
                        hint=say("records.above_header_hint"),
                    )
                ],
            )
        if below is not None:
            row, cells = below
            table = attrs.evolve(
                table,
                header=[header_text(c) for c in cells],
                unread_header=header_problems(table.name, cells),
            )
            positions, twice = _columns_named(table.header, kind, names)
    problems = list(table.unread_header)
    for canonical, found in twice.items():
        shown = listed(repr(table.header[i]) for i in found)
        problems.append(
            Problem(
                table.name,
                say("figures.columns_give", columns=shown, column=canonical),
                where=say("where.header"),
            )
        )
    for canonical in ("registered", "closed", "date"):  # (the date columns)
        zoned = zoned_problem(table, positions.get(canonical, -1), kind, canonical)
        if zoned is not None:
            problems.append(zoned)
    # (A column given twice is there: not also said to be missing.)
    lacking = [c for c in required if c not in positions and c not in twice]
    for canonical in lacking:
        hint = (
            say("records.map_column", table=kind)
            if not names.get(canonical)
            else say("records.mapping_names", names=listed(map(repr, names[canonical])))
        )
        problems.append(
            Problem(
                table.name,
                say("records.no_column", column=canonical),
                where=say("where.header"),
                hint=hint,
            )
        )
    other = other_sheets(table, f"--{kind}-sheet") if lacking else None
    if other is not None:
        problems.append(other)
    if problems:
        raise DataError(table.name, problems)
    unread = [
        table.header[i]
        for i in range(len(table.header))
        if i not in positions.values() and _normal(table.header[i])
    ]
    notes = list(table.notes)
    if row != 1:
        notes.append(say("figures.header_found", row=row))
    if unread:
        shown = listed(unread)
        notes.append(say("figures.columns_not_read", columns=shown))
    return positions, list(table.header), notes, row


def _columns_named(
    header: Sequence[str], kind: str, names: Mapping[str, Sequence[str]]
) -> tuple[dict[str, int], dict[str, list[int]]]:
    """Where each canonical column of a ``kind`` of table is in ``header``
    (by its name or a name the mapping gives it, in any case), and the
    columns given twice (their positions).

    A mapping's name is compared in any case, as a canonical name is, and as
    DuckDB and Spark compare a column's name: a table PostgreSQL made
    without quotes holds ``UnitID`` as ``unitid``, which a mapping's
    ``UnitID`` did not find there while DuckDB's same table kept ``UnitID``
    (two engines, one mapping, two readings). Two columns that differ only
    in case (``"UnitID"`` beside ``unitid``) both give it: refused, named."""
    folded = [column_name(str(h)) for h in header]
    positions: dict[str, int] = {}
    twice: dict[str, list[int]] = {}
    for canonical in _TABLES[kind]:
        wanted = {*(column_name(n) for n in names.get(canonical, ())), canonical}
        found = [i for i, h in enumerate(folded) if h in wanted]
        if len(found) > 1:
            twice[canonical] = found
        elif found:
            positions[canonical] = found[0]
    return positions, twice


#: The cells that are measured as numbers before they are read (a float is
#: bounded by its type).
_NUMBERS = (int, Decimal, Fraction)


class RowReader:
    """Reads the rows of a table, keeping the accounting."""

    def __init__(
        self,
        table: RawTable,
        kind: str,
        mapping: ColumnMapping,
        required: tuple[str, ...],
        progress: Progress | None,
    ) -> None:
        self.table = table
        self.kind = kind
        try:
            self.positions, self.header, self.notes, self.header_row = resolve_header(
                table, kind, mapping, required
            )
            # (An .xlsx sheet's merged cells read as the office sees them.)
            self.rows, laid = spread(
                table.name,
                self.header,
                table.layout,
                table.rows,
                header_row=self.header_row,
                read=self.positions.values(),
            )
        except DataError:
            table.close()  # (an .xlsx file's workbooks, which no row will be read from)
            raise
        self.notes += laid
        self.codes = mapping.codes(kind)
        self.flag_codes = {f: flag_codes(self.codes.get(f, {})) for f in FLAGS}
        self.progress = progress
        self.read = 0
        self.rejected = 0
        self.problems: list[Problem] = []
        #: Dates read as the table's date system has them (`parse_date`).
        self.parse_date: Callable[[object], dt.date | None] = (
            functools.partial(parse_date, date1904=True) if table.date1904 else parse_date
        )

    def __iter__(self) -> Iterator[tuple[int, Callable[[str], object], dict[str, Problem]]]:
        """``(row number, cell, broken)`` for each non-blank row; ``cell(column)``
        gives the raw value of a canonical column (``None`` if the file has none);
        ``broken`` the canonical columns that cannot be read whatever they hold,
        each with its problem: every column of a row with more or fewer cells than
        the header (which cell is missing or extra cannot be told), a formula cell
        without a cached value."""
        width = len(self.header)
        for number, cells in self.rows:
            if all(blank(c) for c in cells):
                continue
            self.read += 1
            if self.progress is not None and self.read % _PROGRESS_EVERY == 0:
                self.progress(self.table.name, self.read)
            broken: dict[str, Problem] = {}
            if len(cells) > width and any(_text(c) is not None for c in cells[width:]):
                broken = self._misaligned(number, say("records.more_cells"))
            elif len(cells) < width and self.table.strict_width:
                broken = self._misaligned(
                    number, say("records.fewer_cells", cells=len(cells), width=width)
                )
            else:
                for column, position in self.positions.items():
                    if position < len(cells) and (
                        why := unread_cell(cells[position]) or not_a_cell(cells[position])
                    ):
                        broken[column] = self.problem(number, column, why[0], hint=why[1])
            # A number is measured before it is made text or a date (docs/security.md):
            # its cell is unreadable, whatever it was meant to be.
            columns = {i: c for c, i in self.positions.items()}
            for i, c in enumerate(cells[:width]):
                if (
                    type(c) is not str
                    and isinstance(c, _NUMBERS)
                    and not isinstance(c, bool)
                    and (found := number_problem(c))
                ):
                    broken[columns.get(i, f"#{i}")] = Problem(
                        self.table.name,
                        say("records.too_large", problem=say(found)),
                        where=say("where.row_column", row=number, column=self.header[i]),
                    )

            # A cell too large to read, or a formula without its value, is never read.
            row_only = say("where.row", row=number).en
            unsafe = frozenset(c for c, p in broken.items() if p.where != row_only)

            def cell(
                column: str, cells: Sequence[object] = cells, unsafe: frozenset[str] = unsafe
            ) -> object:
                position = self.positions.get(column)
                value = (
                    cells[position]
                    if position is not None and position < len(cells) and column not in unsafe
                    else None
                )
                return None if isinstance(value, (Formula, CellError)) else value

            yield number, cell, broken

    def _misaligned(self, number: int, message: Text) -> dict[str, Problem]:
        problem = Problem(self.table.name, message, where=say("where.row", row=number))
        return dict.fromkeys(self.positions, problem)

    @property
    def columns(self) -> dict[str, str]:
        """The table's name of each canonical column it has."""
        return {c: self.header[i] for c, i in self.positions.items()}

    def where(self, number: int, column: str) -> Text:
        return say("where.row_column", row=number, column=self.header[self.positions[column]])

    def problem(self, number: int, column: str, message: Text, hint: Text | None = None) -> Problem:
        return Problem(self.table.name, message, where=self.where(number, column), hint=hint)

    def reject(self, problems: list[Problem]) -> None:
        self.rejected += 1
        self.problems.extend(problems)

    def code(self, column: str, value: object) -> str | None:
        text = _text(value)
        if text is None:
            return None
        return self.codes.get(column, {}).get(text, text)

    def flag(self, column: str, value: object) -> bool:
        text = _text(value)
        return text is not None and _flag(self.flag_codes[column].get(text.lower(), text))

    def category(self, value: object) -> str | None:
        """A category code (mapped); a `CategoryNamed` when it is not a code but
        a built-in category written otherwise (its Chinese or English name, or
        its code in other letters: 婴幼儿配方乳粉生产企业, ``Catering``). Read as
        another category, its unit would silently leave the population of
        every rule on that category (a false "met" beside its other units)."""
        code = self.code("category", value)
        if code is None:
            return code
        named = named_category(code)
        if named is not None:
            raise CategoryNamed(named, say("records.category_named", written=code, code=named))
        return code

    def canonical(self, column: str, value: object) -> str | None:
        """A code of a closed set: mapped, then checked."""
        code = self.code(column, value)
        options = RECORD_CODES[column]
        if code is not None and code not in options:
            # (A code written by its name, 体系检查 for system: the line says so.)
            meant = next((o for o in options if _spelling(code) in _named(column, o)), None)
            raise _Bad(
                say(
                    "records.not_canonical",
                    code=code,
                    column=column,
                    table=self.kind,
                    meant=meant or say("records.a_code"),
                    words=column.replace("_", " "),
                    options=listed(options),
                )
            )
        return code


class CategoryNamed(_Bad):
    """A category cell naming a built-in category otherwise than by its code:
    the row is rejected, its unit of unknown membership in ``code``'s rules."""

    def __init__(self, code: str, said: Text) -> None:
        super().__init__(said)
        self.code = code


def _category(rows: RowReader, number: int, value: object, problems: list[Problem]) -> str | None:
    """A register row's category; one `CategoryNamed` a problem of the row,
    read as the category it names (its unit may be of that category's rules)."""
    try:
        return rows.category(value)
    except CategoryNamed as named:
        problems.append(rows.problem(number, "category", named.said))
        return named.code


#: What a category's text is compared without (`named_category`): white
#: space, hyphens and underscores (and, casefolded, its case).
CATEGORY_APART = re.compile(r"[\s_-]+")


def _spelling(text: str) -> str:
    """A category's text compared with the built-in ones' codes and names:
    without regard to case, spaces, hyphens or underscores."""
    return CATEGORY_APART.sub("", text.casefold())


#: Each built-in category by its code and its names, as `_spelling` writes them.
CATEGORY_SPELLINGS: Mapping[str, str] = {
    _spelling(text): code for code, name in CATEGORIES.items() for text in (code, name.zh, name.en)
}


@functools.cache
def _named(column: str, code: str) -> frozenset[str]:
    """A closed set's code and its names (`_spelling`s): ``体系检查`` is
    ``system``'s (the vocabulary its results are written in)."""
    name = say(f"vocabulary.{column}.{code}")
    return frozenset(map(_spelling, (code, name.zh, name.en)))


def named_category(code: str) -> str | None:
    """The built-in category that a category code (mapped) names otherwise
    than by its code (its Chinese or English name, or its code in other
    letters), which a reader rejects (`RowReader.category`); ``None`` for a
    built-in code itself, or a text naming none."""
    if code in CATEGORIES:
        return None
    return CATEGORY_SPELLINGS.get(_spelling(code))


def other_categories(counts: Mapping[str, int]) -> Text | None:
    """The note on a register's categories outside the built-in ones (every
    reader's): the first ten, each with how many units have it; ``None`` when
    there is none. ``counts``: the units of each category."""
    other = {code: n for code, n in counts.items() if code not in CATEGORIES}
    if not other:
        return None
    shown = listed(f"{code} ({n})" for code, n in sorted(other.items())[:10])
    more = say("records.more", more=len(other) - 10) if len(other) > 10 else ""
    return say("records.other_categories", categories=shown, more=more)


def read_register(  # noqa: PLR0915 (one pass over the rows, each column read in turn)
    source: TableSource,
    *,
    mapping: ColumnMapping | Mapping[str, Any] | str | Path | None = None,
    encoding: str | None = None,
    table: str | None = None,
    sheet: str | None = None,
    name: str | None = None,
    progress: Progress | None = None,
) -> Register:
    """`qrules.read_register`, row by row: the oracle of the column-wise
    reader (`qrules._columns`), and the reader of every source that one
    leaves to it."""
    mapped = column_mapping(mapping)
    rows = RowReader(
        _open(source, "register", table=table, sheet=sheet, encoding=encoding, name=name),
        "register",
        mapped,
        ("unit", "category"),
        progress,
    )
    units: list[UnitRecord] = []
    rejected: list[RejectedUnit] = []
    # The first row of each unit id, kept or rejected, and every row of an id
    # given more than once, read together after the loop (`_read_together`).
    first: dict[str, UnitRecord | RejectedUnit] = {}
    again: dict[str, list[UnitRecord | RejectedUnit]] = {}
    for number, cell, broken in rows:
        problems: list[Problem] = list(dict.fromkeys(broken.values()))
        unreadable: set[str] = set(broken)

        def read(
            column: str,
            parse: Callable[[object], Any],
            number: int = number,
            problems: list[Problem] = problems,
            unreadable: set[str] = unreadable,
            cell: Callable[[str], object] = cell,
        ) -> Any:
            if column in unreadable:
                return None
            try:
                return parse(cell(column))
            except _Bad as error:
                problems.append(rows.problem(number, column, error.said))
                unreadable.add(column)
                return None

        unit = _text(cell("unit"))
        category = _category(rows, number, cell("category"), problems)
        registered = read("registered", rows.parse_date)
        closed = read("closed", rows.parse_date)
        risk_level = read("risk_level", lambda v: rows.canonical("risk_level", v))
        size = read("size", lambda v: rows.canonical("size", v))
        flags = frozenset(
            f for f in FLAGS if f in rows.positions and read(f, functools.partial(rows.flag, f))
        )
        earlier: UnitRecord | RejectedUnit | None = None
        if broken:
            pass  # the row's cells are not where the header says: nothing more to say
        elif unit is None:
            problems.insert(0, rows.problem(number, "unit", say("records.no_unit")))
        elif (earlier := first.get(unit)) is not None and type(earlier) is UnitRecord:
            said = say("records.unit_twice", unit=unit, row=earlier.row)
            problems.insert(0, rows.problem(number, "unit", said))
        if category is None and "category" not in broken:
            problems.append(rows.problem(number, "category", say("records.no_category")))
            unreadable.add("category")  # no category: it could be any
        if registered and closed and closed < registered:
            problems.append(
                rows.problem(
                    number,
                    "closed",
                    say("records.closed_before", closed=str(closed), registered=str(registered)),
                )
            )
            unreadable.update(("registered", "closed"))
        if problems:
            rows.reject(problems)
            district = None if "district" in unreadable else rows.code("district", cell("district"))
            values = _population_values(category, risk_level, size, district, flags)
            refused = RejectedUnit(
                rows.table.name, number, unit, values, registered, closed, frozenset(unreadable)
            )
            rejected.append(refused)
            if broken or unit is None:
                continue
        else:
            assert unit is not None
            assert category is not None
            record = UnitRecord(
                unit,
                _text(cell("name")) or "",
                category,
                rows.code("district", cell("district")),
                risk_level,
                size,
                registered,
                closed,
                flags,
                number,
            )
            units.append(record)
        row = refused if problems else record
        if earlier is None:
            first[unit] = row
        else:
            again.setdefault(unit, [earlier]).append(row)
    if again:
        units = _read_together(rows, units, rejected, again)
    # (Which repeated rows a counted row of their id is beside.)
    if any(r.repeated for r in rejected):
        counted = {u.unit for u in units}
        rejected = [
            attrs.evolve(r, beside_counted=True) if r.repeated and r.unit in counted else r
            for r in rejected
        ]
    notes = rows.notes
    other = other_categories(Counter(u.category for u in units))
    if other is not None:
        notes.append(other)
    return Register(
        rows.table.name,
        tuple(units),
        rows.read,
        tuple(rows.problems),
        rows.rejected,
        tuple(notes),
        tuple(rejected),
        frozenset(f for f in FLAGS if f not in rows.positions),
        rows.columns,
    )


def _read_together(
    rows: RowReader,
    units: list[UnitRecord],
    rejected: list[RejectedUnit],
    again: Mapping[str, list[UnitRecord | RejectedUnit]],
) -> list[UnitRecord]:
    """``units`` but the rows of an id given more than once (``again``: its rows
    in order) that cannot be told from another row of it, each rejected (into
    ``rejected``, sorted by row); every rejected row of such an id may be
    another row's unit as much as its own, so is in doubt
    (`RejectedUnit.repeated`), and every reading (this row, another, or two
    units sharing an id) bounds the counts (`records.doubts`).

    Whichever row comes first, one rule:

    1. The id's first row kept: every later row is rejected already (the id
       given twice); the first is rejected too when a later one reads
       otherwise (`_otherwise`), naming the first such row.
    2. The id's first row rejected (for anything else): every later row kept
       is rejected, naming it (a rejected row has a column it could not read,
       so the two always differ).
    """
    table = rows.table.name
    hint = say("records.unit_otherwise_hint")
    dropped: set[int] = set()
    doubtful: dict[int, RejectedUnit] = {}
    for unit, (head, *later) in again.items():
        if isinstance(head, UnitRecord):
            for row in later:
                if isinstance(row, RejectedUnit) and (differing := _otherwise(head, row)):
                    said = say(
                        "records.unit_otherwise", unit=unit, row=row.row, columns=listed(differing)
                    )
                    rows.reject([rows.problem(head.row, "unit", said, hint=hint)])
                    dropped.add(head.row)
                    break
        else:
            for row in later:
                if isinstance(row, UnitRecord):
                    said = say(
                        "records.unit_given_before",
                        unit=unit,
                        row=head.row,
                        columns=listed(_otherwise(row, head)),
                    )
                    rows.reject([rows.problem(row.row, "unit", said, hint=hint)])
                    dropped.add(row.row)
        for row in (head, *later):
            if isinstance(row, RejectedUnit):
                doubtful[row.row] = attrs.evolve(row, repeated=True)
            elif row.row in dropped:
                read = unit_rejected(table, row, frozenset())
                doubtful[row.row] = attrs.evolve(read, repeated=True)
                rejected.append(read)
    rejected[:] = sorted((doubtful.get(r.row, r) for r in rejected), key=lambda r: r.row)
    return [u for u in units if u.row not in dropped] if dropped else units


def _otherwise(unit: UnitRecord, again: RejectedUnit) -> list[str]:
    """The population columns and dates in which a rejected row of a unit's
    id reads otherwise than the unit's row, or cannot be read."""
    dates = ("registered", "closed")
    return [
        column
        for column in (*POPULATION_COLUMNS, *dates)
        if column in again.unreadable
        or (
            getattr(again, column) != getattr(unit, column)
            if column in dates
            else again.values.get(column, False if column in FLAGS else None) != unit.value(column)
        )
    ]


def read_log(  # noqa: PLR0915 (one pass over the rows, each column read in turn)
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
    """`qrules.read_log`, row by row (see `read_register`)."""
    mapped = column_mapping(mapping)
    rows = RowReader(
        _open(source, "log", table=table, sheet=sheet, encoding=encoding, name=name),
        "log",
        mapped,
        ("unit", "date"),
        progress,
    )
    known = register.index
    # The unit ids of the register's rejected rows: a log row of one is rejected
    # with its own reason, not as a unit the register does not hold.
    doubtful = {u.unit: u.row for u in register.rejected if u.unit is not None}
    inspections: list[Inspection] = []
    rejected: list[RejectedInspection] = []
    first: dict[str, int] = {}
    for number, cell, broken in rows:
        problems: list[Problem] = list(dict.fromkeys(broken.values()))
        unreadable: set[str] = set(broken)
        unit = _text(cell("unit"))
        if broken:
            pass
        elif unit is None:
            problems.append(rows.problem(number, "unit", say("records.no_unit")))
        elif unit not in known:
            if unit in doubtful:
                problems.append(
                    rows.problem(
                        number, "unit", say("records.rejected_unit", unit=unit, row=doubtful[unit])
                    )
                )
            else:
                # A suggestion is looked for in small registers only: it costs a pass.
                problems.append(
                    rows.problem(
                        number,
                        "unit",
                        say("records.unknown_unit", unit=unit, register=register.name),
                        suggestion(unit, known, cutoff=0.9) if len(known) <= 2_000 else None,
                    )
                )
        date = kind = result = None
        if "date" not in unreadable:
            try:
                date = rows.parse_date(cell("date"))
                if date is None:
                    problems.append(rows.problem(number, "date", say("records.no_date")))
            except _Bad as error:
                problems.append(rows.problem(number, "date", error.said))
                unreadable.add("date")
        for column in ("kind", "result"):
            if column in unreadable:
                continue
            try:
                value = rows.canonical(column, cell(column))
            except _Bad as error:
                problems.append(rows.problem(number, column, error.said))
                unreadable.add(column)
                continue
            if column == "kind":
                kind = value
            else:
                result = value
        inspection = _text(cell("inspection"))
        if inspection is not None and inspection in first and not broken:
            problems.append(
                rows.problem(
                    number,
                    "inspection",
                    say("records.inspection_twice", inspection=inspection, row=first[inspection]),
                )
            )
        if problems:
            rows.reject(problems)
            # (A row without a unit id is some registered unit's inspection: `ANY_UNIT`.)
            if unit is None or unit in known:
                rejected.append(
                    RejectedInspection(
                        rows.table.name,
                        number,
                        ANY_UNIT if unit is None else unit,
                        date,
                        kind,
                        result,
                        frozenset(unreadable),
                    )
                )
            continue
        assert unit is not None
        assert date is not None
        if inspection is not None:
            first[inspection] = number
        inspections.append(Inspection(unit, date, kind, result, inspection, number))
    notes = rows.notes
    if inspections:
        low = min(i.date for i in inspections)
        high = max(i.date for i in inspections)
        notes.append(say("records.inspections_from", low=str(low), high=str(high)))
    return InspectionLog(
        rows.table.name,
        tuple(inspections),
        rows.read,
        tuple(rows.problems),
        rows.rejected,
        tuple(notes),
        tuple(rejected),
        rows.columns,
    )
