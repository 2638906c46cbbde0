"""Ids and codes that a file reader would read otherwise, found in SQL.

The readers read every cell NFKC-normalised and trimmed (``'IF01 '`` and
full-width ``ＩＦ01`` are both ``IF01``); a database compares a table's text as
stored, so such a value in a table judged in place would silently fail to
match (a log row not counted for its unit, a unit left out of its category's
population). DuckDB and Spark have no NFKC; rather than normalise on some
engines only, the generated SQL finds the values that normalising could
change, on every engine alike (`spelled_otherwise`): a value with a character
outside the characters that NFKC leaves as they are in any text, or with
white space at either end. Such a row is rejected like any other row the SQL
cannot read as the readers do: fetched, read by the readers' code, and a
bound on the counts (`qrules.records.doubts`), so a result it could change is
unknown, naming it. `read_otherwise` says, in Python, which of a fetched
row's values a reader reads otherwise.
"""

from __future__ import annotations

import functools
import unicodedata
from typing import TYPE_CHECKING

from .._recordspec import CATEGORIES
from .._tabular import normal
from ._sqltext import exp

if TYPE_CHECKING:
    from .sql import Table

__all__ = ["TEXT_COLUMNS", "read_otherwise", "spelled", "spelled_otherwise"]

#: The columns whose text is compared as stored: ids and open codes (a closed
#: set's code that is not spelled as one is rejected already). The log's
#: inspection ids too: two that differ in spelling only are one inspection
#: repeated to a file reader, two inspections to a table compared as stored.
TEXT_COLUMNS = {"register": ("unit", "category", "district"), "log": ("unit", "inspection")}


def read_otherwise(value: object) -> str | None:
    """What a reader reads for a text value it would read otherwise, else ``None``."""
    if not isinstance(value, str):
        return None
    read = normal(value)
    return read if read != value else None


@functools.cache
def _pattern() -> str:
    """A regular expression that finds a value NFKC or trimming could change: a
    character outside those that stay as they are in any text (Basic
    Multilingual Plane characters with no compatibility or canonical mapping,
    no combining class, that no composition can take as its second part; no
    control character), or a white space at either end. Written with literal
    characters, so that DuckDB (RE2), PostgreSQL and Spark (Java) read it alike,
    and unanchored at the end: Java's ``$`` also matches before a final line
    break."""
    seconds = set()
    for code in range(0x10000):
        decomposition = unicodedata.decomposition(chr(code))
        parts = decomposition.split()
        if parts and not decomposition.startswith("<") and len(parts) == 2:
            seconds.add(int(parts[1], 16))

    def stays(code: int) -> bool:
        char = chr(code)
        category = unicodedata.category(char)
        return not (
            category in ("Cc", "Cn", "Co", "Cs")
            or category.startswith("M")
            or unicodedata.combining(char)
            or code in seconds
            or 0x1100 <= code <= 0x11FF
            or 0xA960 <= code <= 0xA97F
            or 0xAC00 <= code <= 0xD7FF  # Hangul, composed from its jamo
            or unicodedata.normalize("NFKC", char) != char
        )

    ranges: list[tuple[int, int]] = []
    for code in range(0x10000):
        if not stays(code):
            continue
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    spaces = "".join(
        _literal(ord(c)) for a, b in ranges for c in map(chr, range(a, b + 1)) if c.isspace()
    )

    def literal_range(first: int, last: int) -> str:
        return _literal(first) if first == last else f"{_literal(first)}-{_literal(last)}"

    kept = "".join(literal_range(a, b) for a, b in ranges)
    return f"[^{kept}]|^[{spaces}]|[{spaces}]$"


def _literal(code: int) -> str:
    char = chr(code)
    return "\\" + char if char in "\\]^-[&" else char


def spelled_otherwise(
    table: Table, column: str, alias: str, *, exact: bool = True
) -> exp.Expr | None:
    """A value of a text column (`TEXT_COLUMNS`) that a reader could read
    otherwise; ``None`` when the table has no such column or it is not text.
    ``exact=False``: `spelled`'s first look."""
    if not table.has(column) or table.type(column) != "text":
        return None
    utf8 = table.utf8
    if column == "category":
        # A category is nearly always one of the codes (as stored): those are
        # spelled as read, and a database tests them from its dictionary of
        # values, so only the others are tested one by one.
        return (
            exp.Case()
            .when(table.isin(column, alias, CATEGORIES), exp.false())
            .else_(spelled(table.raw(column, alias), utf8=utf8, exact=exact))
        )
    return spelled(table.raw(column, alias), utf8=utf8, exact=exact)


def spelled(raw: exp.Expr, *, utf8: bool = True, exact: bool = True) -> exp.Expr:
    """A text value (as stored) that a reader could read otherwise.

    ``utf8``: the database stores text in UTF-8 (DuckDB and Spark always;
    PostgreSQL when its server encoding is UTF8), so that a value whose length
    in bits is eight times its length in characters is plain ASCII. Such a
    value whose first and last characters are printable and not a space is
    read as it is (NFKC leaves ASCII as it is; trimming takes only white space
    at either end), and is not put to the regular expression, which costs a
    database several times more per value: most ids are plain ASCII. (A
    control character inside such a value, which the expression flags, is
    read as it is by the readers too, so it is compared as stored.)

    ``exact=False`` (UTF-8 only): a first look, without the expression, that
    is true for every value but those plain ASCII ones: true for every value
    the exact test finds, and for others (those it puts to the expression).
    A database compiles the expression, some 3 KB of characters, each time it
    plans a query that holds it; where the first look finds nothing, nothing
    is spelled otherwise, and where it finds some, the exact test says which."""
    present = exp.not_(exp.Is(this=raw, expression=exp.null()))
    test = exp.and_(
        present,
        exp.RegexpLike(this=raw.copy(), expression=exp.Literal.string(_pattern())),
    )
    if not utf8:
        return test
    if not exact:
        test = present.copy()

    def printable(char: exp.Expr) -> exp.Expr:
        return exp.Ascii(this=char).between(exp.Literal.number(33), exp.Literal.number(126))

    # (The last character by its position: a database takes it faster than
    # the rightmost one, which it finds by counting the characters again.)
    plain = exp.and_(
        exp.EQ(
            this=exp.BitLength(this=raw.copy()),
            expression=exp.Mul(this=exp.Literal.number(8), expression=exp.Length(this=raw.copy())),
        ),
        printable(raw.copy()),
        printable(exp.Substring(this=raw.copy(), start=exp.Length(this=raw.copy()))),
    )
    return exp.Case().when(plain, exp.false()).else_(test)
