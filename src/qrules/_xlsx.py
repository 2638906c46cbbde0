"""What an ``.xlsx`` sheet says beyond its cells' values: merged ranges, hidden rows and columns.

openpyxl's read-only reader, which streams a sheet's rows (`qrules._tabular`),
gives neither: a merged range reads as its first (top-left) cell and empty
cells, and a hidden row or column as any other. `sheet_layout` finds them in
the sheet's XML, read in chunks (after `_tabular` has bounded each part's
size), without building the sheet in memory: it looks for the words
``mergeCell``, ``hidden`` and ``autoFilter`` (a fast byte search) and reads
only the tags that hold them. `spread` then reads the rows as the office sees
them, for a reader that knows its header row and the columns it reads:

1. A range in the data rows, in a column read (its first column), reads as
   its first cell's value in every row it covers: a ``district`` or
   ``category`` merged down over its units is each unit's (the notes name the
   ranges and rows). A register's or log's values are the sheet's statements
   about each row, which the merge makes once for several.
2. A range of a reader's figures (``figures``) over several rows is an error:
   one number shown across rows may be each row's figure or their total.
3. A range that covers a column read other than its first (two columns of
   different meanings under one value) is an error, and so is one reaching
   from the header row into the data rows; except, for figures, a heading
   row (one row, from the left up to the measure column: ``一、质量发展``
   across the table), read as before, its first cell.
4. Ranges above or in the header row (a title, a merged header cell) read as
   before: only the first cell holds a value.

Hidden rows and columns are read as any other (a filter left on hides rows
of the data; a hidden row is as much in the file as a shown one), and the
notes name them (docs/datasets.md, docs/records.md).
"""

from __future__ import annotations

import importlib
import itertools
import posixpath
import re
from array import array
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import IO, TYPE_CHECKING, Any

import attrs

from ._boundary import first_line
from ._cells import blank
from ._errors import DataError, Problem
from ._limits import MAX_XLSX_MERGES
from ._messages import Text, joined, listed, say

if TYPE_CHECKING:
    import zipfile
    from xml.etree import ElementTree

__all__ = [
    "SheetLayout",
    "column_letter",
    "shared_strings",
    "sheet_layout",
    "sheet_rows",
    "spread",
]

Rows = Iterator[tuple[int, Sequence[object]]]

#: Excel's largest row and column (``XFD1048576``).
_LAST_ROW, _LAST_COLUMN = 1_048_576, 16_384


@attrs.frozen
class SheetLayout:
    """A sheet's merged ranges, hidden rows and hidden columns."""

    #: Each range as four numbers in a row: first row, first column, last row,
    #: last column (rows from 1 as the sheet numbers them, columns from 0).
    merged: array[int] = attrs.field(factory=lambda: array("L"))
    #: The hidden rows that hold cells, as the sheet numbers them.
    hidden_rows: array[int] = attrs.field(factory=lambda: array("L"))
    #: Whether a hidden row holding cells gives no number (``r``, optional).
    unnumbered: bool = False
    #: The hidden columns (from 0) as spans, two numbers each: first, last (a
    #: tag may hide every column of the sheet: never expanded column by column).
    hidden_columns: array[int] = attrs.field(factory=lambda: array("L"))
    #: Whether the sheet has a filter (``autoFilter``), which hides rows.
    filtered: bool = False

    def hidden_column(self, column: int) -> bool:
        spans = self.hidden_columns
        return any(spans[at] <= column <= spans[at + 1] for at in range(0, len(spans), 2))

    @property
    def ranges(self) -> Iterator[tuple[int, int, int, int]]:
        numbers = self.merged
        for at in range(0, len(numbers), 4):
            yield numbers[at], numbers[at + 1], numbers[at + 2], numbers[at + 3]


def column_letter(position: int) -> str:
    """A column's letters (``A`` for 0, ``AA`` for 26)."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _range_ref(top: int, left: int, bottom: int, right: int) -> str:
    return f"{column_letter(left)}{top}:{column_letter(right)}{bottom}"


# -- finding the sheet's part -------------------------------------------------------

_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_CONTENT_TYPES = "[Content_Types].xml"


def _part(archive: zipfile.ZipFile, base: str, target: str) -> str:
    """A relationship's target as a part name (relative to ``base``'s folder,
    or absolute from the package's root)."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """A part's relationships: id → (type, target part)."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{name}.rels")
    if rels not in archive.namelist():
        return {}
    root = _xml(archive.read(rels))
    return {
        r.get("Id", ""): (r.get("Type", ""), _part(archive, part, r.get("Target", "")))
        for r in root.iter(_RELS)
    }


_OVERRIDE = "{http://schemas.openxmlformats.org/package/2006/content-types}Override"
_SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
#: A shared string's start tag (``<si>``, ``<x:si …>``, ``<si/>``): text
#: holds no ``<``, so each match is a tag (or is in a comment: counted too).
_STRING_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")


def shared_strings(archive: zipfile.ZipFile) -> tuple[str, int] | None:
    """The part of the shared strings that openpyxl reads (the first that the
    package's content types name so), and at most how many strings it holds:
    their start tags counted a chunk at a time, before openpyxl builds each
    as a Python object (3 million strings of a 7 MB file took it 100 s and
    515 MB). ``None`` when the package has no such part."""
    if _CONTENT_TYPES not in archive.namelist():
        return None
    parts = (
        o.get("PartName", "")
        for o in _xml(archive.read(_CONTENT_TYPES)).iter(_OVERRIDE)
        if o.get("ContentType") == _SHARED_STRINGS
    )
    part = next(parts, "").removeprefix("/")
    if part not in archive.namelist():
        return None
    count, carry = 0, b""
    with archive.open(part) as member:
        while chunk := member.read(_CHUNK):
            data = carry + chunk
            # (a tag cut at the chunk's end is counted with the next chunk)
            cut = max(data.rfind(b"<"), 0)
            count += sum(1 for _ in _STRING_TAG.finditer(data, 0, cut))
            carry = data[cut:]
    return part, count + sum(1 for _ in _STRING_TAG.finditer(carry))


def _xml(data: bytes) -> ElementTree.Element:
    """A small part's XML (a workbook's list of sheets, its relationships), as
    openpyxl parses it too."""
    from xml.etree import ElementTree  # noqa: PLC0415 (.xlsx files only: a quick start otherwise)

    return ElementTree.fromstring(data)


def _sheet_part(archive: zipfile.ZipFile, title: str) -> str | None:
    """The part holding the XML of the sheet named ``title`` (as openpyxl
    finds it: the package's office document, its sheet of that name)."""
    book = next(
        (
            target
            for kind, target in _relationships(archive, "").values()
            if kind.endswith("/officeDocument")
        ),
        "xl/workbook.xml",
    )
    if book not in archive.namelist():
        return None
    relations = _relationships(archive, book)
    # (By local names: a workbook in ISO strict form has other namespaces.)
    for sheet in _xml(archive.read(book)).iter():
        if sheet.tag.rpartition("}")[2] == "sheet" and sheet.get("name") == title:
            rel = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), "")
            found = relations.get(rel)
            return found[1] if found is not None else None
    return None


# -- reading its XML ---------------------------------------------------------------

#: A start tag that may say what `SheetLayout` holds (a prefix allowed, as
#: some writers give one), its attributes (quoted values may hold ``>``).
#: Never past the next ``<`` (XML allows none in a tag, nor in an attribute's
#: value) and never backtracking (possessive): each attempt reads up to the
#: next tag at most, so that a sheet's XML is read in a time linear in its size.
_TAG = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?(row|col|mergeCell|autoFilter)(?=[\s/>])"
    rb"((?:[^<>\"']|\"[^<\"]*\"|'[^<']*')*+)>"
)
_ATTRIBUTE = re.compile(rb"([\w.:-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_WORDS = (b"mergeCell", b"hidden", b"autoFilter")
_REF = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]{1,7})\Z")
_CHUNK = 1 << 20
#: The longest text from a ``<`` kept for the next chunk (a tag read is short).
_LONGEST = 1 << 20


def _tags(member: IO[bytes]) -> Iterator[tuple[bytes, dict[bytes, bytes], bool]]:
    """The tags of `_TAG` that hold one of `_WORDS`: name, attributes and
    whether it closes itself, in chunks (a tag cut by a chunk's end is read
    with the next; the words are found by a byte search, quicker than any
    parse)."""
    carry = b""
    while True:
        chunk = member.read(_CHUNK)
        buffer = carry + chunk
        cut = buffer.rfind(b"<") if chunk else len(buffer)
        cut = len(buffer) if cut < 0 else cut
        segment, carry = buffer[:cut], buffer[cut:]
        if len(carry) > _LONGEST:
            # (No tag read is that long: text, or a tag of no layout, that
            # kept whole would be copied again with each chunk.)
            carry = b""
        for word in _WORDS:
            at = segment.find(word)
            while at >= 0:
                start = segment.rfind(b"<", 0, at)
                match = _TAG.match(segment, start) if start >= 0 else None
                if match is not None and match.end() > at:
                    attributes = {
                        m.group(1): m.group(2) if m.group(2) is not None else m.group(3)
                        for m in _ATTRIBUTE.finditer(match.group(2))
                    }
                    yield match.group(1), attributes, match.group(2).rstrip().endswith(b"/")
                    at = segment.find(word, match.end())
                else:
                    # (The word's other places before the next tag are in this
                    # same text or tag: looked at once, not once for each.)
                    after = segment.find(b"<", at)
                    at = segment.find(word, after) if after >= 0 else -1
        if not chunk:
            return


def _cell(ref: str) -> tuple[int, int] | None:
    """A cell reference's row (from 1) and column (from 0)."""
    match = _REF.match(ref)
    if match is None:
        return None
    letters, digits = match.groups()
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - ord("A") + 1
    row = int(digits)
    if not (1 <= row <= _LAST_ROW and 1 <= column <= _LAST_COLUMN):
        return None
    return row, column - 1


def _number(value: bytes | None, last: int) -> int | None:
    """A row's or column's number as written (from 1), at most ``last``;
    ``None`` when none is written (or none of a sheet: 0, or digits past any
    sheet's, never converted whole)."""
    if value is None or not value.isdigit() or len(value) > len(str(last)) + 1:
        return None
    number = int(value)
    return min(number, last) if number >= 1 else None


def _true(value: bytes | None) -> bool:
    return value in (b"1", b"true")


def sheet_layout(path: str, name: str, title: str, part: str | None = None) -> SheetLayout:
    """The layout of the workbook ``path``'s sheet ``title`` (``name``: the
    file as messages name it), from its XML ``part`` when the reader of its
    cells says which it reads (so that values and layout come from one part,
    whatever else the package holds), else the part found as openpyxl finds
    it; a `DataError` for a merged range that is no range of cells, or more
    ranges than `MAX_XLSX_MERGES`."""
    merged: array[int] = array("L")
    hidden_rows: array[int] = array("L")
    hidden_columns: array[int] = array("L")
    unnumbered = filtered = False
    import zipfile  # noqa: PLC0415 (.xlsx files only: a quick start otherwise)

    with zipfile.ZipFile(path) as archive:
        if part is None:
            part = _sheet_part(archive, title)
        part = part.lstrip("/") if part is not None else None
        if part is None or part not in archive.namelist():
            return SheetLayout()
        with archive.open(part) as member:
            for tag, attributes, empty in _tags(member):
                if tag == b"mergeCell":
                    ref = attributes.get(b"ref", b"").decode("ascii", "replace")
                    first, _, last = ref.partition(":")
                    start, end = _cell(first), _cell(last)
                    if start is None or end is None:
                        raise _broken(name, ref)
                    (top, left), (bottom, right) = start, end
                    if bottom < top or right < left:
                        raise _broken(name, ref)  # (openpyxl fails on it as the rows are read)
                    merged.extend((top, left, bottom, right))
                    if len(merged) > 4 * MAX_XLSX_MERGES:
                        raise DataError(
                            name,
                            [
                                Problem(
                                    name,
                                    say("xlsx.too_many_merged", limit=MAX_XLSX_MERGES),
                                    hint=say("xlsx.too_many_merged_hint"),
                                )
                            ],
                        )
                elif tag == b"row" and _true(attributes.get(b"hidden")) and not empty:
                    number = _number(attributes.get(b"r"), _LAST_ROW)
                    if number is not None:
                        hidden_rows.append(number)
                    else:
                        unnumbered = True
                elif tag == b"col" and _true(attributes.get(b"hidden")):
                    low = _number(attributes.get(b"min"), _LAST_COLUMN)
                    high = _number(attributes.get(b"max"), _LAST_COLUMN)
                    if low is not None and high is not None:
                        hidden_columns.extend((low - 1, high - 1))
                elif tag == b"autoFilter":
                    filtered = True
    return SheetLayout(merged, hidden_rows, unnumbered, hidden_columns, filtered)


def _broken(name: str, ref: str) -> DataError:
    return DataError(
        name, [Problem(name, say("xlsx.broken_merge", range=ref), hint=say("xlsx.resave"))]
    )


# -- the rows its XML holds -------------------------------------------------------------


def sheet_rows(name: str, sheet: Any, *, values_only: bool = False) -> Iterator[tuple[object, ...]]:
    """Every row of an openpyxl read-only ``sheet`` that its XML holds, in
    order from row 1 (a row the XML leaves out is an empty one), each as many
    cells as its last one reaches: openpyxl's own iteration stops at the
    sheet's stated size (``<dimension>``, which a writer may leave smaller
    than its cells: the rows and columns past it were not read), and passes
    over a row numbered before one it read (or at one), and a cell of a row
    after a cell of a later column; unseen, each left a unit out of a
    register, an inspection out of a log. A row numbered so, or beyond
    Excel's last row, and a cell openpyxl cannot read (a shared string that
    is not there, a number that is none) are a `DataError` naming the file."""
    # (openpyxl is there: the sheet is its. Its read-only sheet's own parser
    # and cells, which its iteration uses: the same values, every row.)
    cells_module = importlib.import_module("openpyxl.cell.read_only")
    parser_module = importlib.import_module("openpyxl.worksheet._reader")
    read_only_cell, parser_class = cells_module.ReadOnlyCell, parser_module.WorkSheetParser
    book = sheet.parent
    empty: object = None if values_only else cells_module.EMPTY_CELL
    expected = 1
    try:
        with sheet._get_source() as source:  # (the part its cells are in)
            parser = parser_class(
                source,
                sheet._shared_strings,
                data_only=book.data_only,
                epoch=book.epoch,
                date_formats=book._date_formats,
                timedelta_formats=book._timedelta_formats,
            )
            for number, cells in parser.parse():
                if not expected <= number <= _LAST_ROW:
                    raise _unread(name, say("xlsx.row_order", row=number, before=expected - 1))
                yield from itertools.repeat((), number - expected)
                expected = number + 1
                row = [empty] * max((c["column"] for c in cells), default=0)
                for cell in cells:
                    row[cell["column"] - 1] = (
                        cell["value"] if values_only else read_only_cell(sheet, **cell)
                    )
                yield tuple(row)
    except DataError:
        raise
    except Exception as error:  # openpyxl raises many kinds for a cell it cannot read
        raise _unread(name, say("read.not_xlsx", detail=first_line(error))) from None


def _unread(name: str, message: Text) -> DataError:
    return DataError(name, [Problem(name, message, hint=say("read.xlsx_hint"))])


# -- reading the rows as the sheet shows them ----------------------------------------


def spread(
    name: str,
    header: Sequence[str],
    layout: SheetLayout | None,
    rows: Rows,
    *,
    header_row: int,
    read: Collection[int],
    figures: Collection[int] = (),
    measure: int | None = None,
) -> tuple[Rows, tuple[Text, ...]]:
    """The rows under the header (row ``header_row``), a merged range's cells
    in a column ``read`` reading as its first cell's value, and the notes
    naming the ranges filled and the hidden rows and columns read; a
    `DataError` naming each range that reads as nothing meant (the module's
    rules, `figures`: the columns of figures, `measure`: the measure's column
    of a sheet of figures). ``header``: the columns' names, for messages."""
    if layout is None:
        return rows, ()
    columns_read = sorted(set(read))
    problems: list[Problem] = []
    filled: list[tuple[int, int, int, int]] = []
    for top, left, bottom, right in layout.ranges:
        if bottom <= header_row:
            continue  # a title, or a merged header cell: as before
        # (The columns read it covers, looked up among those: a range may span
        # every column of the sheet.)
        covered = [c for c in columns_read if left <= c <= right]
        if not covered:
            continue
        ref = _range_ref(top, left, bottom, right)
        if top <= header_row:
            problems.append(
                Problem(
                    name, say("xlsx.merged_header", range=ref), hint=say("xlsx.merged_header_hint")
                )
            )
            continue
        if bottom > top and any(c in figures for c in covered):
            problems.append(
                Problem(
                    name,
                    say("xlsx.merged_figures", range=ref, rows=_rows_text(range(top, bottom + 1))),
                    hint=say("xlsx.merged_figures_hint"),
                )
            )
            continue
        if covered != [left]:
            if top == bottom and measure is not None and left <= measure <= right:
                continue  # a heading row across the table: its first cell, as before
            columns = listed(_column_name(c, header) for c in dict.fromkeys([left, *covered]))
            problems.append(
                Problem(
                    name,
                    say("xlsx.merged_columns", range=ref, columns=columns),
                    hint=say("xlsx.merged_columns_hint"),
                )
            )
            continue
        if bottom > top:
            filled.append((top, left, bottom, right))
    filled.sort(key=lambda r: (r[1], r[0]))  # (by column, then row: as the sheet reads)
    for before, after in itertools.pairwise(filled):
        if before[1] == after[1] and after[0] <= before[2]:
            # (Ranges that overlap: a file Excel calls damaged, whose cells have
            # no one value; and so many of them open at once cost rows × ranges.)
            problems.append(
                Problem(
                    name,
                    say(
                        "xlsx.overlapping_merges",
                        first=_range_ref(*before),
                        second=_range_ref(*after),
                    ),
                    hint=say("xlsx.resave"),
                )
            )
    if problems:
        if len(problems) > _SHOWN:  # (each range's problem alike: the first ones say it)
            more = Problem(name, say("xlsx.more_merged", more=len(problems) - _SHOWN))
            problems = [*problems[:_SHOWN], more]
        raise DataError(name, problems)
    notes = []
    if filled:
        shown = [
            say(
                "xlsx.merged_range",
                range=_range_ref(*r),
                column=_column_name(r[1], header),
                rows=_rows_text(range(r[0] + 1, r[2] + 1)),
            )
            for r in filled[:_SHOWN]
        ]
        notes.append(say("xlsx.merged_filled", ranges=_more(shown, len(filled))))
    hidden = sorted(r for r in layout.hidden_rows if r > header_row)
    if hidden or layout.unnumbered:
        said = [say("xlsx.rows", rows=_rows_text(hidden))] if hidden else []
        said += [say("xlsx.unnumbered")] if layout.unnumbered else []
        rows_text = joined(tuple(said), say("list.enumeration"))
        notes.append(
            say(
                "xlsx.hidden_rows_filtered" if layout.filtered else "xlsx.hidden_rows",
                rows=rows_text,
            )
        )
    unseen = [c for c in columns_read if layout.hidden_column(c)]
    if unseen:
        notes.append(
            say("xlsx.hidden_columns", columns=listed(_column_name(c, header) for c in unseen))
        )
    return (_filled(rows, filled, columns_read) if filled else rows), tuple(notes)


#: How many ranges (and runs of rows) a note names.
_SHOWN = 10


def _more(parts: list[Text], count: int) -> Text:
    shown = Text("、".join(p.zh for p in parts), "; ".join(p.en for p in parts))
    if count > len(parts):
        return say("xlsx.and_more", listed=shown, more=count - len(parts))
    return shown


def _column_name(position: int, header: Sequence[str]) -> str:
    name = header[position] if position < len(header) else ""
    return f"{name!r} ({column_letter(position)})" if name else column_letter(position)


def _rows_text(numbers: Iterable[int]) -> Text:
    """Row numbers, in order, as runs (``4-6, 9``): the first `_SHOWN` runs."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    parts = [str(a) if a == b else f"{a}-{b}" for a, b in runs[:_SHOWN]]
    text = Text("、".join(parts), ", ".join(parts))
    if len(runs) > _SHOWN:
        return say("xlsx.and_more_runs", listed=text, more=len(runs) - _SHOWN)
    return text


def _filled(rows: Rows, ranges: list[tuple[int, int, int, int]], read: Sequence[int]) -> Rows:
    """The rows, each cell of ``ranges`` (in one column each) its first cell's value.

    A row with nothing of its own in the columns ``read`` (each empty, the
    merged ones aside) is left as the file stores it. Empty in every column,
    it is a blank row the readers pass over: a range stretched over the blank
    rows below a table (a layout, not data) never makes records of them (log
    rows of a merged unit and date counted as inspections, or register rows
    without an id that would leave the units' membership unknown). With text
    in other columns only (a second line of findings beside a unit and a date
    merged over both), it may be one more record or the same one's next line:
    read without the merged values, it is a row without a unit id or date,
    rejected, never one more inspection counted for sure."""
    starting: dict[int, list[tuple[int, int, int, int]]] = {}
    for found in ranges:
        starting.setdefault(found[0], []).append(found)
    open_: list[tuple[int, int, object]] = []  # (last row, column, value)
    for number, stored in rows:
        cells = stored
        if open_:
            open_ = [o for o in open_ if o[0] >= number]
        if open_ and any(c < len(stored) and not blank(stored[c]) for c in read):
            row = list(stored)
            for _, column, value in open_:
                if column >= len(row):
                    row.extend([None] * (column + 1 - len(row)))
                row[column] = value
            cells = tuple(row)
        for _, left, bottom, _ in starting.pop(number, ()):
            open_.append((bottom, left, cells[left] if left < len(cells) else None))
        yield number, cells
