"""Small sqlglot expression builders that the generated queries share."""

from __future__ import annotations

import datetime as dt
import functools
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .._data import MISSING_MARKERS
from .._recordspec import CATEGORIES, FLAGS, RECORD_CODES
from .._tabular import EXCEL_ERRORS, NUMBER_SIGNS, error_text
from ..records.read import (
    CATEGORY_APART,
    CATEGORY_SPELLINGS,
    FALSE_WORDS,
    READ_DAYS,
    TRUE_WORDS,
    flag_codes,
    flag_spellings,
    named_category,
)
from ._spelled import TEXT_COLUMNS, spelled, spelled_otherwise, spelled_text
from ._sqltext import exp, rendered

if TYPE_CHECKING:
    from .sql import Staged, Table

__all__ = [
    "CODED",
    "MARKER_SPELLINGS",
    "coded_filled",
    "coded_rejected",
    "count",
    "date_literal",
    "dated",
    "erred",
    "error_valued",
    "filtered",
    "lacks",
    "marked",
    "not_null",
    "number",
    "out_of_years",
    "rejected_log",
    "rejected_register",
    "rendered",
    "staged_ids",
    "text_date",
    "usable",
]


def date_literal(day: dt.date) -> exp.Expr:
    """A DATE literal."""
    return exp.cast(exp.Literal.string(day.isoformat()), "DATE")


def count(where: exp.Expr | None = None) -> exp.Expr:
    """``COUNT(*)``, of the rows ``where`` holds when given."""
    counted = exp.Count(this=exp.Star())
    return counted if where is None else filtered(counted, where)


def filtered(aggregate: exp.Expr, where: exp.Expr) -> exp.Expr:
    """An aggregate over the rows ``where`` holds (``FILTER (WHERE …)``)."""
    return exp.Filter(this=aggregate, expression=exp.Where(this=where))


def not_null(value: exp.Expr) -> exp.Expr:
    return exp.not_(exp.Is(this=value, expression=exp.null()))


def _text(value: exp.Expr, alias: str = "") -> exp.Expr:
    return exp.Lower(this=exp.cast(value, "VARCHAR"))


def _cased(word: str) -> set[str]:
    """Every way of writing a word in upper and lower case (``na``: ``NA``, ``Na``, …)."""
    spellings = {""}
    for char in word:
        spellings = {s + c for s in spellings for c in {char.lower(), char.upper()}}
    return spellings


#: The missing markers as they may be written, so that a column is compared as
#: stored (a plain ``IN``, which a database answers from its dictionary of
#: values) rather than through ``LOWER`` row by row.
_MARKERS = sorted(set().union(*(_cased(m) for m in MISSING_MARKERS)))
_LONGEST = max(map(len, _MARKERS))
#: Every spelling of a missing marker that `marked` finds.
MARKER_SPELLINGS = tuple(_MARKERS)


def marked(value: exp.Expr) -> exp.Expr:
    """Missing as the readers read it: NULL, or a marker (``—``, ``无``, ``NA``, …).
    The length is tested first: most values are longer than any marker, and a
    database tests a length far faster than a list of strings."""
    text = exp.cast(value.copy(), "VARCHAR")
    # (A CASE, not an AND: a database would test the list on every value, as a
    # join, where the CASE tests it on the short values only.)
    return exp.or_(
        exp.Is(this=value, expression=exp.null()),
        exp.Case()
        .when(
            exp.LTE(this=exp.Length(this=text), expression=number(_LONGEST)),
            text.copy().isin(*(exp.Literal.string(m) for m in _MARKERS)),
        )
        .else_(exp.false()),
    )


#: ASCII's small letters, which `erred` makes capital (the ones of no other
#: alphabet: as the readers, `error_text`, read an error value's text).
_SMALL = "abcdefghijklmnopqrstuvwxyz"


def erred(table: Table, column: str, alias: str) -> exp.Expr | None:
    """A text value of ``column`` that is an Excel error value's (``#N/A``,
    ``#REF!``: as the readers read it, `error_text`), whose row the readers
    reject as an ``.xlsx`` error cell's, whatever the column; ``None`` when
    the table has no such column or it is not text. See `error_valued`."""
    if not table.has(column) or table.type(column) != "text":
        return None
    return error_valued(table.raw(column, alias), respelled=column != "name", utf8=table.utf8)


def error_valued(value: exp.Expr, *, respelled: bool = True, utf8: bool = True) -> exp.Expr:
    """`erred` of a text value as stored. Only a value starting with ``#`` is
    compared (a prefix, rare: a CASE), its ASCII letters made capital by
    ``TRANSLATE`` (never a database's ``UPPER``, whose locale may make an
    ``I`` of ``ı``), with the codes (`EXCEL_ERRORS`).

    ``respelled``: a value that the readers read otherwise (`` #N/A``,
    ``＃N/A``) is rejected already (`spelled_otherwise`: the ids and open
    codes). Else (a name) a value holding a number sign of any width and not
    spelled as it is read (`spelled`) is rejected too: the readers then say
    whether it reads as an error value."""
    text = exp.cast(value.copy(), "VARCHAR")
    exact = exp.Anonymous(
        this="TRANSLATE",
        expressions=[text.copy(), exp.Literal.string(_SMALL), exp.Literal.string(_SMALL.upper())],
    ).isin(*(exp.Literal.string(c) for c in sorted(EXCEL_ERRORS)))
    test = exp.Case().when(exp.Like(this=text, expression=exp.Literal.string("#%")), exact)
    if not respelled:
        signs = exp.or_(
            *(
                exp.Like(this=text.copy(), expression=exp.Literal.string(f"%{sign}%"))
                for sign in NUMBER_SIGNS
            )
        )
        test = test.when(signs, spelled(text.copy(), utf8=utf8))
    return test.else_(exp.false())


def text_date(raw: exp.Expr) -> exp.Expr:
    """A date written as text, read in SQL: ``YYYY-MM-DD`` (a real day, years
    1900 to 2200) as its DATE, anything else NULL (and the row rejected)."""

    def part(start: int, length: int) -> exp.Expr:
        return exp.cast(
            exp.Substring(this=raw.copy(), start=number(start), length=number(length)), "INT"
        )

    year, month, day = part(1, 4), part(6, 2), part(9, 2)
    leap = exp.or_(
        exp.and_(
            exp.Mod(this=year.copy(), expression=number(4)).eq(number(0)),
            exp.Mod(this=year.copy(), expression=number(100)).neq(number(0)),
        ),
        exp.Mod(this=year.copy(), expression=number(400)).eq(number(0)),
    )
    days = (
        exp.Case(this=month.copy())
        .when(number(2), exp.Case().when(leap, number(29)).else_(number(28)))
        .when(number(4), number(30))
        .when(number(6), number(30))
        .when(number(9), number(30))
        .when(number(11), number(30))
        .else_(number(31))
    )
    valid = exp.and_(
        year.between(number(1900), number(2200)),
        month.between(number(1), number(12)),
        day.between(number(1), days),
    )
    shaped = exp.RegexpLike(
        this=raw.copy(), expression=exp.Literal.string("^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    )
    # Nested, so that no database parses the parts of a value of another shape.
    return exp.Case().when(shaped, exp.Case().when(valid, exp.cast(raw.copy(), "DATE")))


def _bad_date(table: Table, column: str, alias: str) -> exp.Expr | None:
    if not table.has(column) or table.type(column) != "text":
        return None
    return exp.and_(
        exp.not_(marked(table.raw(column, alias))),
        exp.Is(this=table.column(column, alias), expression=exp.null()),
    )


def out_of_years(table: Table, column: str, alias: str, *, after: bool = True) -> exp.Expr | None:
    """A date of a DATE or TIMESTAMP column outside the years the readers read
    (`READ_DAYS`: ``0001-01-01``, a placeholder for no date), which they reject
    as they reject its text (`text_date`'s test); ``after=False``: before them
    only (a column whose dates after them are rejected already, as after the
    log's end or today). ``None`` for a text column (`text_date` tests it)."""
    if not table.has(column) or table.type(column) == "text":
        return None
    day = table.column(column, alias)
    first, last = READ_DAYS
    before = exp.LT(this=day, expression=date_literal(first))
    if not after:
        return _known(before)
    return _known(exp.or_(before, exp.GT(this=day.copy(), expression=date_literal(last))))


def _bad_code(table: Table, column: str, alias: str) -> exp.Expr | None:
    """A code of a closed set that is not one (after the mapping)."""
    if not table.has(column):
        return None
    # The set first: a database tests the marker only for the rare value outside
    # it (a CASE, where an AND would have the set tested as a join on every row).
    return (
        exp.Case()
        .when(table.isin(column, alias, RECORD_CODES[column]), exp.false())
        .else_(exp.not_(marked(table.column(column, alias))))
    )


@functools.cache
def _folded_apart() -> tuple[str, str, tuple[tuple[str, str], ...]]:
    """How `named_category` compares a text, in SQL's plain functions: the
    characters it compares without (`CATEGORY_APART`: white space, ``_``,
    ``-``) and the capital ASCII letters, which ``TRANSLATE`` maps to ``-``
    and to small letters (``from``, ``to``), and the characters whose case
    folding gives ASCII letters, more than one (``ß``: ``ss``), replaced. A
    character whose case folding gives another (``É``) or one outside ASCII
    (``İ``) cannot spell a built-in category's code or name, ASCII or
    Chinese; one that a reader reads otherwise (NFKC) is found by
    `spelled_otherwise` already."""
    apart = [chr(c) for c in range(0x10000) if CATEGORY_APART.fullmatch(chr(c))]
    capitals = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    source = "".join(capitals) + "".join(apart)
    target = "".join(c.lower() for c in capitals) + "-" * len(apart)
    wide = tuple(
        (chr(c), chr(c).casefold())
        for c in range(0x80, 0x10000)
        if len(chr(c).casefold()) > 1
        and chr(c).casefold().isascii()
        and unicodedata.normalize("NFKC", chr(c)) == chr(c)
    )
    return source, target, wide


def _named_category(table: Table, alias: str) -> exp.Expr | None:
    """A category (mapped) that names a built-in one otherwise than by its code
    (婴幼儿配方乳粉生产企业, ``Catering``), which the readers reject
    (`named_category`): compared as they compare it, without case, white
    space, hyphens or underscores. Tested only on a value that is not one of
    the codes as stored (a CASE, as `spelled_otherwise`'s)."""
    if not table.has("category") or (
        table.type("category") != "text" and not table.codes.get("category")
    ):
        return None
    source, target, wide = _folded_apart()
    gone = ["-"]
    if not table.utf8:  # (TRANSLATE would take a character's bytes apart)
        gone += [c for c in source if not c.isascii()]
        pairs = [(a, b) for a, b in zip(source, target, strict=True) if a.isascii()]
        source, target = "".join(a for a, _ in pairs), "".join(b for _, b in pairs)
    folded: exp.Expr = exp.Anonymous(
        this="TRANSLATE",
        expressions=[
            table.value("category", alias),
            exp.Literal.string(source),
            exp.Literal.string(target),
        ],
    )
    for char in gone:
        folded = exp.Anonymous(
            this="REPLACE",
            expressions=[folded, exp.Literal.string(char), exp.Literal.string("")],
        )
    for char, read in wide:
        folded = exp.Anonymous(
            this="REPLACE",
            expressions=[folded, exp.Literal.string(char), exp.Literal.string(read)],
        )
    return (
        exp.Case()
        .when(table.isin("category", alias, CATEGORIES), exp.false())
        .else_(_known(folded.isin(*(exp.Literal.string(s) for s in sorted(CATEGORY_SPELLINGS)))))
    )


def lacks(log: Table, columns: Iterable[str], alias: str = "l") -> exp.Expr:
    """A log row with none of the codes of one of ``columns`` (``kind``,
    ``result``; after the mapping): NULL, a marker, or (in a table not known
    clean) a value to reject; every row when the column is missing."""
    # (A CASE: a NULL code is not one of them either. Written alike wherever it
    # is asked, the key check's pass and the probe, so DuckDB tests the set
    # once for both in a query that also tests `_bad_code`.)
    return exp.or_(
        *(
            exp.Case().when(log.isin(c, alias, RECORD_CODES[c]), exp.false()).else_(exp.true())
            for c in sorted(columns)
        )
    )


def _bad_flag(table: Table, flag: str, alias: str) -> exp.Expr | None:
    """A flag that is neither yes nor no."""
    codes = flag_codes(table.codes.get(flag, {}))
    if not table.has(flag) or (table.type(flag) == "boolean" and not codes):
        return None
    # Its spellings as stored, not through a database's LOWER (`flag_spellings`).
    words = flag_spellings(table.codes.get(flag, {}))
    return exp.and_(
        exp.not_(
            exp.cast(table.raw(flag, alias), "VARCHAR").isin(
                *(exp.Literal.string(w) for w in words)
            )
        ),
        exp.not_(marked(table.raw(flag, alias))),
    )


def _known(condition: exp.Expr) -> exp.Expr:
    """A comparison that is false, not NULL, when a side is NULL (so that a row
    with an empty date is not lost by the three-valued ``OR`` around it)."""
    return exp.Coalesce(this=condition, expressions=[exp.false()])


def _spelled(table: Table, kind: str, alias: str) -> list[exp.Expr]:
    """An id or code the readers would read otherwise (`spelled_otherwise`)."""
    return [
        p for p in (spelled_otherwise(table, c, alias) for c in TEXT_COLUMNS[kind]) if p is not None
    ]


#: The register's columns of few distinct values (codes, districts, flags),
#: which a watched register's key check tests once per distinct value.
CODED = ("category", "district", "risk_level", "size", *FLAGS)


def rejected_register(
    register: Table,
    alias: str = "r",
    *,
    every: bool = False,
    part: str = "all",
    exact: bool = True,
) -> exp.Expr:
    """A register row the readers would reject, or read otherwise: no unit id
    or category, a date or flag that does not read, a risk level or size that
    is not canonical, closed before registered, registered after today
    (`Table.until`: a doubtful date), an id or code that is not spelled as the
    readers read it. ``every``: checked in a table counted as it
    is. ``part``: ``coded``, the tests of the `CODED` columns alone (on their
    values, as a watched register's key check tests them once per distinct
    value); ``row``, the others; ``all``, both. ``exact=False``: without the
    unit id's spelling, which the lean key check tests over the whole column
    at a first look (`spelled_among`); the `CODED` columns' values, few, are
    tested exactly."""
    if register.checked and not every:
        return exp.false()
    # No unit id or no category: NULL, or a marker the readers read as missing.
    row: list[exp.Expr] = [marked(register.column("unit", alias))]
    coded: list[exp.Expr] = [marked(register.column("category", alias))]
    # An Excel error value's text (`erred`: codes of a closed set, flags and
    # dates are none of theirs already; a unit id's, at a first look, with
    # its spelling: `spelled_among` looks at an id starting with ``#``).
    row += [
        p
        for p in (erred(register, c, alias) for c in ("unit", "name") if exact or c != "unit")
        if p is not None
    ]
    coded += [
        p for p in (erred(register, c, alias) for c in ("category", "district")) if p is not None
    ]
    for column in TEXT_COLUMNS["register"]:
        if not exact and column not in CODED:
            continue
        test = spelled_otherwise(register, column, alias)
        if test is not None:
            (coded if column in CODED else row).append(test)
    row += [p for p in (_bad_date(register, c, alias) for c in ("registered", "closed")) if p]
    if not register.watched:  # (a watched one's are in them: `plain_counts`)
        # (A registration after today is rejected already, below.)
        row += [
            p
            for p in (
                out_of_years(register, "registered", alias, after=register.until is None),
                out_of_years(register, "closed", alias),
            )
            if p is not None
        ]
    coded += [
        p
        for p in (
            _named_category(register, alias),
            *(_bad_code(register, c, alias) for c in ("risk_level", "size")),
            *(_bad_flag(register, f, alias) for f in FLAGS),
        )
        if p is not None
    ]
    if register.until is not None and register.has("registered"):  # a doubtful date
        row.append(
            _known(
                exp.GT(
                    this=register.column("registered", alias),
                    expression=date_literal(register.until),
                )
            )
        )
    if register.has("registered") and register.has("closed"):
        row.append(
            _known(
                exp.LT(
                    this=register.column("closed", alias),
                    expression=register.column("registered", alias),
                )
            )
        )
    if register.twins_at is not None:  # (a semi-join: the ids staged once)
        # (Compared as text: an INTEGER unit id cast, `Table.column`.)
        staged = staged_ids(register.twins_at)
        row.append(_known(register.column("unit", alias).isin(query=staged)))
    return exp.or_(*{"row": row, "coded": coded, "all": row + coded}[part])


def rejected_log(
    log: Table, alias: str = "l", *, every: bool = False, exact: bool = True
) -> exp.Expr:
    """A log row the readers would reject (no unit id or date, a date that does
    not read, a kind or result that is not canonical, an Excel error value's
    text) or read otherwise (an id not spelled as they read it), or dated
    after the log's last day (a doubtful date). ``every``: checked in a table
    counted as it is; with ``exact=False``, without its inspection id's error
    value, which the lean key check's first look over the whole column finds
    (`spelled_among`: an id starting with ``#`` is looked at exactly)."""
    if log.checked and not every:
        return exp.false()
    if every:  # watched: its counts and dates are known clean; its codes are not
        # (its unit ids are checked among the rows of units not in the register)
        # (and its inspection ids on every row)
        found = [
            p
            for p in (
                *(_bad_code(log, c, alias) for c in ("kind", "result")),
                erred(log, "inspection", alias) if exact else None,
            )
            if p is not None
        ]
        return exp.or_(*found) if found else exp.false()
    # No unit id: NULL, or a marker the readers read as missing (an inspection
    # of one of the register's units, which one unknown: `ANY_UNIT`); no date.
    parts: list[exp.Expr] = [
        marked(log.column("unit", alias)),
        exp.Is(this=log.column("date", alias), expression=exp.null()),
    ]
    parts += [
        p
        for p in (
            _bad_date(log, "date", alias),
            # (A date after the log's last day is rejected already, below.)
            out_of_years(log, "date", alias, after=log.until is None),
            *(_bad_code(log, c, alias) for c in ("kind", "result")),
            # (An Excel error value's text: `erred`.)
            *(erred(log, c, alias) for c in ("unit", "inspection")),
        )
        if p is not None
    ]
    parts += _spelled(log, "log", alias)
    if log.twins_at is not None:  # (a semi-join: the ids staged once)
        parts.append(_known(log.raw("inspection", alias).isin(query=staged_ids(log.twins_at))))
    if log.until is not None:
        parts.append(
            _known(exp.GT(this=log.column("date", alias), expression=date_literal(log.until)))
        )
    return exp.or_(*parts)


def staged_ids(name: Staged) -> exp.Select:
    """The ids of a table `Database.stage` made (``pg_temp.…`` on PostgreSQL),
    or, a session that may make none, the ids themselves as a list of values."""
    if isinstance(name, tuple):
        values = exp.Values(
            expressions=[exp.Tuple(expressions=[exp.Literal.string(v)]) for v in name],
            alias=exp.TableAlias(
                this=exp.to_identifier("qrules_ids"),
                columns=[exp.to_identifier("value", quoted=True)],
            ),
        )
        return exp.select(exp.column("value", quoted=True)).from_(values)
    *schema, table = name.split(".")
    source = exp.table_(table, db=schema[0] if schema else None, quoted=True)
    return exp.select(exp.column("value", quoted=True)).from_(source)


def coded_rejected(register: Table, column: str, value: object) -> bool:
    """`rejected_register`'s test of a `CODED` column (``part="coded"``), in
    Python, of one of its values as stored (fetched from the database): a
    watched register's lean key check tests each distinct value so, with no
    test row by row and no regular expression in its query. True whenever the
    SQL test is; also for a flag word written with capitals (``Y``), which the
    SQL test then decides (its ``LOWER`` is a database's, which a locale may
    make another than Python's)."""
    if value is None:  # (missing: no test rejects it; no category is, in a counted row)
        return False
    kind = register.type(column)
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    if column in ("category", "district"):
        if (column == "category" and _marker(text)) or error_text(text) is not None:
            return True
        if column == "category" and text not in register.stored(column, CATEGORIES):
            # (A built-in category named otherwise: `_named_category`.)
            codes = register.codes.get(column, {})
            if (kind == "text" or codes) and named_category(codes.get(text, text)) is not None:
                return True
        return (
            kind == "text"
            and (column != "category" or text not in register.stored(column, CATEGORIES))
            and spelled_text(text, utf8=register.utf8)
        )
    if column in FLAGS:
        codes = flag_codes(register.codes.get(column, {}))
        if kind == "boolean" and not codes:
            return False
        words = TRUE_WORDS | FALSE_WORDS | set(codes)
        return not ((text in words and text.lower() == text) or _marker(text))
    return text not in register.stored(column, RECORD_CODES[column]) and not _marker(text)


def coded_filled(register: Table, column: str, value: object) -> bool:
    """Whether a unit with ``value`` (not NULL, as stored) in a column of
    `VACANT` has a value there as `vacant` asks it with the codes not trusted,
    in Python: a code of its set (as stored, compared as text), or a
    district that is not a missing marker."""
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    if column in RECORD_CODES:
        return text in register.stored(column, RECORD_CODES[column])
    return not _marker(text)


def _marker(text: str) -> bool:
    """`marked` of a value's text, in Python."""
    return text in _MARKER_SET


_MARKER_SET = frozenset(_MARKERS)


def usable(register: Table, alias: str = "r") -> exp.Expr:
    """A register row that is counted: one the readers would not reject."""
    if register.checked:  # (the plain test still helps a database plan its joins)
        return exp.and_(*(not_null(register.column(c, alias)) for c in ("unit", "category")))
    return exp.not_(exp.paren(rejected_register(register, alias)))


def dated(log: Table, alias: str = "l") -> exp.Expr:
    """A log row that can be counted: one the readers would not reject."""
    if log.checked:
        return exp.and_(*(not_null(log.column(c, alias)) for c in ("unit", "date")))
    return exp.not_(exp.paren(rejected_log(log, alias)))


def number(value: int) -> exp.Expr:
    """An integer literal."""
    return exp.Literal.number(value)
