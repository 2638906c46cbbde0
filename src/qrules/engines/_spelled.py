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
import re
import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING

from .._recordspec import CATEGORIES
from .._tabular import INVISIBLE, normal
from ._sqltext import exp

if TYPE_CHECKING:
    from collections.abc import Iterator

    from .sql import Table

__all__ = [
    "TEXT_COLUMNS",
    "plain_heads",
    "read_otherwise",
    "spelled",
    "spelled_among",
    "spelled_otherwise",
    "spelled_somewhere",
    "spelled_text",
]

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


#: The last character `_pattern` may keep (the end of plane 3): beyond it lie
#: only tags, variation selectors and private use, which a row holding one
#: has read by the readers' code (rejected, never miscounted).
_LAST = 0x3FFFF


@functools.cache
def _pattern() -> str:
    """A regular expression that finds a value NFKC or trimming could change: a
    character outside those that stay as they are in any text (characters up
    to `_LAST` with no compatibility or canonical mapping, no combining class,
    that no composition can take as its second part; no control character:
    an emoji or a CJK Extension B ideograph stays, as the readers keep it),
    or a white space at either end. Written with literal characters, so that
    DuckDB (RE2), PostgreSQL and Spark (Java) read it alike, and unanchored at
    the end: Java's ``$`` also matches before a final line break."""
    ranges = _kept()
    spaces = "".join(
        _literal(ord(c)) for a, b in ranges for c in map(chr, range(a, b + 1)) if c.isspace()
    )

    def literal_range(first: int, last: int) -> str:
        return _literal(first) if first == last else f"{_literal(first)}-{_literal(last)}"

    kept = "".join(literal_range(a, b) for a, b in ranges)
    return f"[^{kept}]|^[{spaces}]|[{spaces}]$"


@functools.cache
def _kept() -> list[tuple[int, int]]:
    """The characters that stay as they are in any text (`_pattern`), as
    ranges of their codes."""
    ranges: list[tuple[int, int]] = []
    for code in range(_LAST + 1):
        if not _stays(code):
            continue
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return ranges


@functools.cache
def _seconds() -> frozenset[int]:
    """The characters a canonical decomposition of two characters takes as its
    second (a composition could take them after another: `_stays`)."""
    # (Mapped, not looped: about a third of the time, asked at the first
    # evaluation of tables in place that tests a value beyond ASCII.)
    decompositions = map(unicodedata.decomposition, map(chr, range(_LAST + 1)))
    return frozenset(
        int(parts[1], 16)
        for decomposition in decompositions
        if decomposition and decomposition[0] != "<" and len(parts := decomposition.split()) == 2
    )


@functools.lru_cache(maxsize=1 << 16)
def _stays(code: int) -> bool:
    """Whether the character of ``code`` stays as it is in any text (`_pattern`;
    beyond `_LAST`, none is assigned a character)."""
    if code > _LAST:
        return False
    char = chr(code)
    category = unicodedata.category(char)
    if 0x4E00 <= code <= 0x9FFF and category == "Lo":
        # A CJK unified ideograph, the text of districts and names: no
        # mapping, no combining class, and the second part of no composition
        # (Unicode's normalization stability keeps it so; tested against
        # `_seconds`), so it stays without making `_seconds` at the first
        # evaluation (about 15 ms).
        return True
    return not (
        category in ("Cc", "Cn", "Co", "Cs")
        or category.startswith("M")
        or unicodedata.combining(char)
        or code in _seconds()
        or 0x1100 <= code <= 0x11FF
        or 0xA960 <= code <= 0xA97F
        or 0xAC00 <= code <= 0xD7FF  # Hangul, composed from its jamo
        or unicodedata.normalize("NFKC", char) != char
        or INVISIBLE.fullmatch(char) is not None  # the readers remove it (`normal`)
    )


@functools.cache
def _byte_patterns() -> tuple[str, str, str]:
    """`_pattern` for a database whose text is bytes it does not decode
    (PostgreSQL's ``SQL_ASCII``, whose regular expressions take each byte for
    a character): the UTF-8 encodings of the characters that stay as they
    are, each byte written ``\\u00XX`` (a character's code, there a byte's).
    Three expressions: a value of printable ASCII, no space at either end,
    matches the first, and is spelled as it is read; any other value is
    spelled as it is read when it matches the second whole (a sequence of
    such characters' encodings: one that is not valid UTF-8 does not), and
    not the third (a white space at either end)."""

    def byte(first: int, last: int) -> str:
        return f"\\u{first:04x}" if first == last else f"[\\u{first:04x}-\\u{last:04x}]"

    alternatives = [
        "".join(byte(first, last) for first, last in encoded)
        for a, b in _kept()
        for encoded in _encoded(a, b)
    ]
    spaces = "|".join(
        "".join(byte(b, b) for b in c.encode())
        for a, b in _kept()
        for c in map(chr, range(a, b + 1))
        if c.isspace()
    )
    plain = "^[\\u0021-\\u007e](?:[\\u0020-\\u007e]*[\\u0021-\\u007e])?$"
    return plain, f"^(?:{'|'.join(alternatives)})*$", f"^(?:{spaces})|(?:{spaces})$"


def _encoded(first: int, last: int) -> Iterator[list[tuple[int, int]]]:
    """The UTF-8 encodings of the characters ``first`` to ``last``, as
    sequences of byte ranges: each sequence's encodings are every combination
    of a byte in each of its ranges."""
    for low, high in ((0, 0x7F), (0x80, 0x7FF), (0x800, 0xFFFF), (0x10000, 0x10FFFF)):
        if max(first, low) <= min(last, high):
            yield from _aligned(max(first, low), min(last, high))


def _aligned(first: int, last: int) -> Iterator[list[tuple[int, int]]]:
    """`_encoded` of characters whose encodings are of one length: split
    where a continuation byte would not run its whole range."""
    size = len(chr(first).encode())
    for tail in range(size - 1, 0, -1):
        mask = (1 << (6 * tail)) - 1
        if first & ~mask != last & ~mask:
            if first & mask:
                yield from _aligned(first, first | mask)
                yield from _aligned((first | mask) + 1, last)
                return
            if last & mask != mask:
                yield from _aligned(first, (last & ~mask) - 1)
                yield from _aligned(last & ~mask, last)
                return
    yield list(zip(chr(first).encode(), chr(last).encode(), strict=True))


def _literal(code: int) -> str:
    char = chr(code)
    return "\\" + char if char in "\\]^-[&" else char


def spelled_otherwise(table: Table, column: str, alias: str) -> exp.Expr | None:
    """A value of a text column (`TEXT_COLUMNS`) that a reader could read
    otherwise; ``None`` when the table has no such column or it is not text."""
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
            .else_(spelled(table.raw(column, alias), utf8=utf8))
        )
    return spelled(table.raw(column, alias), utf8=utf8)


def spelled(raw: exp.Expr, *, utf8: bool = True) -> exp.Expr:
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

    Else (PostgreSQL's ``SQL_ASCII``, the one other encoding qrules' queries
    run in: text stored as the bytes it was given, UTF-8 from qrules' readers
    and a UTF-8 client, each byte a character to its regular expressions),
    the same test of the characters' UTF-8 encodings (`_byte_patterns`): the
    characters' expression would take ``Ｊ1``'s three bytes for three
    characters it keeps. (A server encoding of another kind, whose characters
    are not UTF-8's, has its values not valid UTF-8 spelled otherwise: more
    rows rejected, never fewer.)"""
    present = exp.not_(exp.Is(this=raw, expression=exp.null()))
    if not utf8:
        # (Its regular expressions read bytes: the characters' encodings. A
        # plain ASCII value, most ids, is first told by a short expression.)
        plain_ascii, whole, ends = (exp.Literal.string(p) for p in _byte_patterns())
        return (
            exp.Case()
            .when(exp.RegexpLike(this=raw.copy(), expression=plain_ascii), exp.false())
            .else_(
                exp.and_(
                    present,
                    exp.paren(
                        exp.or_(
                            exp.not_(exp.RegexpLike(this=raw.copy(), expression=whole)),
                            exp.RegexpLike(this=raw.copy(), expression=ends),
                        )
                    ),
                )
            )
        )
    test = exp.and_(
        present,
        exp.RegexpLike(this=raw.copy(), expression=exp.Literal.string(_pattern())),
    )
    first, last = _ends(raw)

    def printable(char: exp.Expr) -> exp.Expr:
        return char.between(exp.Literal.number(33), exp.Literal.number(126))

    plain = exp.and_(
        exp.EQ(
            this=exp.BitLength(this=raw.copy()),
            expression=exp.Mul(this=exp.Literal.number(8), expression=exp.Length(this=raw.copy())),
        ),
        printable(first),
        printable(last),
    )
    return exp.Case().when(plain, exp.false()).else_(test)


def spelled_text(text: str, *, utf8: bool = True) -> bool:
    """`spelled` of a text value fetched from the database, in Python: the same
    test (in UTF-8, a plain ASCII value with printable ends is read as it is;
    any other value is tested as the regular expression tests it: a character
    that does not stay as it is, or a white space at either end), character by
    character (the expression's 65,536 characters are made only for SQL)."""
    if utf8 and text.isascii() and text and "!" <= text[0] <= "~" and "!" <= text[-1] <= "~":
        return False
    if not all(_stays(ord(c)) for c in text):
        return True
    return bool(text) and (text[0].isspace() or text[-1].isspace())


def _ends(raw: exp.Expr) -> tuple[exp.Expr, exp.Expr]:
    """The codes of a text value's first and last characters. (The last by its
    position: a database takes it faster than the rightmost one, which it
    finds by counting the characters again.)"""
    return exp.Ascii(this=raw.copy()), exp.Ascii(
        this=exp.Substring(this=raw.copy(), start=exp.Length(this=raw.copy()))
    )


def spelled_among(table: Table, column: str, alias: str, *, heads: bool = False) -> exp.Expr | None:
    """`spelled_somewhere` of an id column (not the category, whose codes
    `spelled_otherwise` tests first); ``None`` when the table has no such
    column or it is not text. ``heads``: see `spelled_somewhere`."""
    if not table.has(column) or table.type(column) != "text":
        return None
    return spelled_somewhere(table.raw(column, alias), utf8=table.utf8, heads=heads)


def spelled_somewhere(raw: exp.Expr, *, utf8: bool = True, heads: bool = False) -> exp.Expr:
    """An aggregate, a first look at a whole column: 0 when no value of it (as
    stored) is spelled otherwise nor starts with ``#`` (`_HEAD`), else 1 when
    one may be (`spelled`, and `erred`, then say which, row by row); 0 when
    every value is NULL.

    Without the regular expression, which a database compiles each time it
    plans a query that holds it (some 3 KB of characters), nor a test row by
    row: a value is plain ASCII with printable ends (read as it is, see
    `spelled`) exactly when its length in bits is eight times its length in
    characters and the codes of its first and last characters are 33 to 126
    (the first, `_HEAD` to 126: one starting with ``#`` is looked at exactly),
    so every value of the column is when the sum of their lengths in bits is
    eight times the sum of their lengths in characters (a character takes at
    least eight bits) and the least and greatest codes of their ends are
    within those bounds: sums, minima and maxima that a database takes as it
    scans the column. ``heads``: the column is known to hold only ASCII values
    whose first characters are `_HEAD` to 126 (`plain_heads`, from the database's
    statistics), so that only their last characters are looked at (the most
    costly part of the look stays: the rest costs a database a scan's worth
    of work). ``utf8=False``: the exact test, row by row (and a value starting
    with ``#``)."""
    if not utf8:
        # (And a value starting with ``#``, which the look above passes over.)
        hashed = exp.Like(this=raw.copy(), expression=exp.Literal.string("#%"))
        return exp.Filter(
            this=exp.Count(this=exp.Star()),
            expression=exp.Where(this=exp.or_(spelled(raw, utf8=False), hashed)),
        )

    def number(value: int) -> exp.Expr:
        return exp.Literal.number(value)

    first, last = _ends(raw)
    bounded: list[exp.Expr] = [
        compare(this=aggregate(this=end.copy()), expression=number(bound))
        for end, least in (((last, 33),) if heads else ((first, _HEAD), (last, 33)))
        for compare, aggregate, bound in ((exp.GTE, exp.Min, least), (exp.LTE, exp.Max, 126))
    ]
    if not heads:
        bounded.insert(
            0,
            exp.EQ(
                this=exp.Sum(this=exp.BitLength(this=raw.copy())),
                expression=exp.Mul(
                    this=number(8), expression=exp.Sum(this=exp.Length(this=raw.copy()))
                ),
            ),
        )
    plain = exp.and_(*bounded)
    # (No value, every aggregate NULL: nothing is spelled otherwise.)
    return (
        exp.Case()
        .when(exp.Coalesce(this=plain, expressions=[exp.true()]), number(0))
        .else_(number(1))
    )


def plain_heads(statistics: object) -> bool:
    """Whether DuckDB's statistics of a text column (its ``stats()``, a struct)
    prove every value of it ASCII with a first character `_HEAD` to 126
    (`spelled_somewhere`'s ``heads``): no value holds a byte past 127
    (``has_unicode``, which DuckDB's own ``length`` relies on to count bytes
    for characters), and the first bytes of the least and greatest values (as
    bytes) are within those bounds, so every value's first byte is. DuckDB
    writes a control character or a backslash of those values as ``\\xHH``:
    one that begins so is read by its code. Anything else (no statistics,
    another form of them, a value missing) proves nothing."""
    if not isinstance(statistics, Mapping) or statistics.get("has_unicode") is not False:
        return False
    heads = [_head(statistics.get(end)) for end in ("min", "max")]
    return all(head is not None and _HEAD <= head <= 126 for head in heads)


#: The least code of a first character that `spelled_somewhere` and
#: `plain_heads` pass over (``$``): a value starting with ``#``, as an Excel
#: error value's text does (``#N/A``: `qrules._tabular.error_text`), or with
#: ``!`` or ``"``, has the exact test look at it, which tells (`erred`), at
#: no cost to a look at ids of other first characters.
_HEAD = 36


def _head(written: object) -> int | None:
    """The code of the first byte of a value as DuckDB's statistics write it."""
    if not isinstance(written, str) or not written:
        return None
    if written.startswith("\\"):
        escaped = re.match(r"\\x([0-9A-Fa-f]{2})", written)
        return int(escaped.group(1), 16) if escaped else None
    return ord(written[0])
