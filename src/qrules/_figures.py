"""Reported figures read as offices keep them: one reader for every source and layout.

`read_dataset` takes a CSV/TSV file in any of the encodings offices save
(`qrules._tabular`), an ``.xlsx`` sheet (a title row above the header is
found, or named with ``header_row``), JSON, Parquet and Arrow files, pandas
and polars DataFrames, Arrow tables, a list of dicts, or a mapping of measure
to value for one year. A sheet is long (a row per year, district, measure and
value) or wide (a row per measure, a column per year, or a column per
district); a measure may be named by its id, its zh or en name, or an alias
from the mapping file's ``[figures]`` part (``docs/datasets.md``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import attrs

from ._boundary import os_reason
from ._cells import blank, missing
from ._data import (
    FiguresMapping,
    Observation,
    ValueProblem,
    compared_name,
    district_stem,
    parse_value,
    parse_year,
    scale_named,
    spelled_twice,
    unit_shown,
    unit_words,
)
from ._errors import DataError, Problem, did_you_mean, suggestion
from ._limits import MAX_JSON_DATASET_BYTES, MAX_JSON_DATASET_VALUES, MAX_SHEET_COLUMNS
from ._messages import listed, say
from ._model import Measure, Text
from ._plausible import implausible
from ._tabular import (
    SURROGATE,
    Formula,
    RawTable,
    cell_text,
    check_options,
    column_name,
    decode,
    header_below,
    header_problems,
    header_text,
    normal,
    not_a_cell,
    numbered,
    open_table,
    other_sheets,
    read_whole,
    require_regular,
    source_kind,
    unread_cell,
)
from ._xlsx import spread

if TYPE_CHECKING:
    from ._rulebook import Rulebook
    from .records.read import ColumnMapping

__all__ = ["LAYOUTS", "Dataset", "MappingInput", "MeasureNames", "figures_mapping", "read_dataset"]

LAYOUTS = ("long", "wide")
Layout: TypeAlias = Literal["long", "wide"]
#: A mapping file's path, its parsed content, a `ColumnMapping` or its figures part.
MappingInput: TypeAlias = "ColumnMapping | FiguresMapping | Mapping[str, Any] | str | Path | None"


@attrs.frozen
class Dataset:
    """Reported figures, one observation per measure, year and district.

    ``notes`` say how the source was read (its encoding, the row its header
    was found in, its layout); ``cells`` is true when each observation is a
    cell of a wide sheet rather than a row.
    """

    name: str
    observations: tuple[Observation, ...]
    notes: tuple[Text, ...] = attrs.field(default=(), repr=False)
    cells: bool = False

    @property
    def rows_read(self) -> int:
        return len(self.observations)

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted({o.year for o in self.observations}))

    @classmethod
    def from_mapping(
        cls,
        rulebook: Rulebook,
        values: Mapping[str, object],
        *,
        year: int,
        district: str | None = None,
        name: str = "<mapping>",
    ) -> Dataset:
        """A dataset from ``{measure: value}`` for one year (a measure named by
        its id or its zh or en name)."""
        return read_dataset(values, rulebook, year=year, district=district, name=name)


#: Column names read without a mapping, beside the canonical ones.
_BUILT_IN = {
    "year": ("year", "年份", "年度"),
    "district": ("district", "区县", "区市"),
    "measure": ("measure", "指标", "指标名称"),
    "value": ("value", "数值"),
}
_CANONICAL = ("year", "district", "measure", "value")
#: Columns that `qrules template` writes beside the figures: shown, never read.
_SHOWN = frozenset({"name", "unit", "名称", "单位"})
#: Of those, the columns that say a row's unit: read to check it is the measure's.
_UNIT_COLUMNS = frozenset({"unit", "单位"})
#: Columns that number, annotate or set a target for a sheet's rows (``序号``,
#: ``No.``, ``备注``, ``目标值``, ``2025年目标``), compared as `_key`s: never a
#: district's column of figures (beside a column per district, summed into the
#: city's, a serial number or the target made a false "met"); listed as not read.
_ROW_LABELS = frozenset(
    {"序号", "序", "编号", "no", "number", "备注", "说明", "note", "notes", "remark", "remarks"}
)
#: Words of a target or plan, wherever they stand in a column's name.
_TARGET_WORDS = ("目标", "计划", "任务", "预期", "预计")
_TARGET_ENGLISH = frozenset({"target", "targets", "goal", "goals", "plan", "planned"})
_SUGGESTIONS = 50
#: What a sheet writes for the whole city in its district column (or over a
#: column of a sheet with a column per district): read as the city, never as one
#: more district (summed with the districts, it counted the city twice). The
#: city's total row in its common spellings: 全市, and a word of a total
#: (`_CITY_TOTALS`) alone, after 全市 or 市, or before 全市 (``合计（全市）``);
#: the words of all of it (全部, 所有区市, 全部区市, 全域, 整体, 总体, and
#: English's); compared as
#: `_key`s (no spaces or punctuation, any case). A part's total is not the city
#: (`_TOTAL_WORDS`).
_CITY_TOTALS = ("合计", "总计", "汇总", "共计", "总和", "总数")
_CITY = (
    "全市",
    *(f"{city}{total}" for city in ("", "全市", "市") for total in _CITY_TOTALS),
    *(f"{total}全市" for total in _CITY_TOTALS),
    "全部",
    "所有区市",
    "全部区市",
    "整体",
    "总体",
    "city",
    "whole city",
    "city total",
    "citywide",
    "total",
    "grand total",
    "all",
    "overall",
    "entire city",
    "all districts",
    "全域",
)


def figures_mapping(mapping: MappingInput) -> FiguresMapping:
    """The ``[figures]`` part of a mapping given as a file, its content or a
    `ColumnMapping`; a file that does not exist is an error, never ignored."""
    if mapping is None:
        return FiguresMapping()
    if isinstance(mapping, FiguresMapping):
        return mapping
    # The records reader, imported only for a mapping file: a quick start otherwise.
    from .records.read import ColumnMapping  # noqa: PLC0415

    if isinstance(mapping, ColumnMapping):
        return mapping.figures
    if isinstance(mapping, str | Path):
        return ColumnMapping.load(mapping).figures
    return ColumnMapping.from_dict(mapping).figures


def _key(text: str) -> str:
    """A name as compared (`compared_name`): ``合計`` is ``合计``."""
    return compared_name(text)


_CITY_KEYS = frozenset(map(_key, _CITY))
#: Words of a total (``小计``, ``全市总计``, ``市区合计``): a row of them beside the
#: districts it sums is no district, and summed with them counts them twice.
_TOTAL_WORDS = (*_CITY_TOTALS, "小计", "累计", "全市")
#: English words of a total, wherever they stand in the name (``Totals``,
#: ``TOTAL (city)``, ``Total Yantai``, ``Yantai total``).
_TOTAL_ENGLISH = frozenset({"total", "totals", "subtotal", "subtotals", "sum", "sums"})
#: The words for a kind of district: a name made of them alone (``市区``, the
#: urban districts; ``县市区``, all of them) is a group of districts, not one.
_KIND_WORDS = frozenset("区县市旗")


#: How a place's name ends (``芝罘区``, ``龙口市``, ``长岛综合试验区``, ``Zhifu
#: District``): a column beside the districts' whose name ends otherwise is no
#: district's, unless the rulebook or the mapping file says it is.
_PLACE_ENDS = ("区", "市", "县", "旗", "镇", "乡", "街道", "盟", "州")
_PLACE_ENGLISH = frozenset(
    {"district", "county", "city", "town", "township", "zone", "area", "region", "banner"}
)


def _place_like(name: str) -> bool:
    """Whether a name ends as a place's does (`_PLACE_ENDS`, `_PLACE_ENGLISH`)."""
    words = re.findall(r"[a-z]+", unicodedata.normalize("NFKC", name).casefold())
    return _key(name).endswith(_PLACE_ENDS) or bool(words and words[-1] in _PLACE_ENGLISH)


#: What may follow or precede the city's name in a row of the whole city (or
#: of its own level): ``烟台市本级``, ``Yantai Municipality``, ``Yantai City``.
_CITY_REST = frozenset({"本级", "municipality", "city", "cityof", "cityproper", "prefecture"})


def _only_the_city(key: str, name: str) -> bool:
    """Whether a name (its `_key`) holding the city's name (``name``) is the
    city's: nothing else, words for a kind of district (``烟台市区``), a word of
    a total, or of the city's own level (`_CITY_REST`); a place of the city
    named after it (``烟台开发区``, ``Yantai High-tech Zone``) is not."""
    if name not in key:
        return False
    rest = key.replace(name, "", 1)
    return (
        not rest
        or set(rest) <= _KIND_WORDS
        or rest in _CITY_REST
        or any(w in rest for w in _TOTAL_WORDS)
        or any(w in rest for w in _TOTAL_ENGLISH)
    )


def _city_keys(rulebook: Rulebook) -> frozenset[str]:
    """The keys of the names of the plan's own city, as its Chinese title starts
    (``烟台市质量强市建设…``: ``烟台市`` and ``烟台``): written in a district
    column, the city is not one more district. With them, the first word of
    its English title, as the city's name outside Chinese (``Yantai``, and
    ``Yantai City``)."""
    found = re.match(r"\s*(\w{1,6}?)([省市县区])", unicodedata.normalize("NFKC", rulebook.title.zh))
    if found is None:
        return frozenset()
    names = {found.group(1), found.group(1) + found.group(2)}
    english = re.match(r"\s*([A-Z][a-z]+)\b", rulebook.title.en)
    if english is not None and english.group(1).lower() not in ("the", "a", "an"):
        names |= {english.group(1), f"{english.group(1)} city"}
    return frozenset(map(_key, names))


def not_a_district(
    rulebook: Rulebook,
    district: str,
    *,
    city: frozenset[str] | None = None,
    column: bool = False,
) -> str | None:
    """The one rule for a district cell that is neither the city's total row
    (`_CITY`) nor declared by the mapping file: the message id saying why it
    is no district, or None for a district. A district the rulebook lists
    (``districts`` in ``plan.toml``, compared as `district_stem`s) is one; else a name
    holding the plan's city's name (``烟台市区``, ``Yantai Municipality``), a
    word of a total (`_TOTAL_WORDS`, `_TOTAL_ENGLISH`) or only words for a
    kind of district (``市区``, ``县市区``) is not: summed with the districts
    it totals, it would count them twice. When the rulebook lists its
    districts, any other name is not one either; when it lists none, a
    ``column`` whose name is no place's (`_place_like`: ``序號``, ``指标值``,
    ``S/N``) is not one either: a serial number or a target summed with the
    districts made a false "met"."""
    if city is None:
        city = _city_keys(rulebook)
    key = _key(district)
    known = {district_stem(d) for d in rulebook.districts}
    if district_stem(district) in known:
        return None
    if any(len(name) > 1 and _only_the_city(key, name) for name in city):
        return "figures.city_by_name"
    words = set(re.findall(r"[a-z]+", unicodedata.normalize("NFKC", district).casefold()))
    if any(w in key for w in _TOTAL_WORDS) or words & _TOTAL_ENGLISH:
        return "figures.total_not_district"
    if key and set(key) <= _KIND_WORDS:
        return "figures.group_not_district"
    if known:
        return "figures.unknown_district"
    return "figures.column_not_a_place" if column and not _place_like(district) else None


def district_written(text: str, figures: FiguresMapping) -> str | None:
    """The district a district cell's text (`cell_text`: written, not
    missing) names as the mapping file declares it: ``None`` for the whole
    city (``""`` in the mapping, or the city's total row, `_CITY`)."""
    district = figures.districts.get(text, text)
    if not district or _key(district) in _CITY_KEYS:
        return None
    return district


class MeasureNames:
    """Finds a rulebook's measure by its id, zh or en name, or a mapping's alias."""

    def __init__(self, rulebook: Rulebook, figures: FiguresMapping) -> None:
        self.rulebook = rulebook
        index: dict[str, str | None] = {}
        self.written: dict[str, str] = {}  # a key, as the rulebook writes it
        owners: dict[str, set[str]] = {}  # a key, and the measures it is a name of
        for measure in rulebook.measures.values():
            for name in (measure.id, measure.name.zh, measure.name.en):
                key = _key(name)
                self.written.setdefault(key, name)
                owners.setdefault(key, set()).add(measure.id)
                # Two measures with the same name: the name finds neither.
                index[key] = measure.id if index.get(key, measure.id) == measure.id else None
        problems = []
        aliased: dict[str, tuple[str, str]] = {}  # a key, and the alias and measure it maps
        for written, meant in figures.measures.items():
            key = _key(written)
            others = sorted(owners.get(key, set()) - {meant})
            if others and meant not in owners[key]:
                # Another measure's own name (its id, zh or en name) read as this
                # one: that measure's figures, written as the rulebook names them,
                # would be judged as this one's. (A name that two measures share,
                # this one among them, finds neither: an alias says which.)
                problems.append(
                    Problem(
                        figures.name,
                        say("figures.alias_shadows", alias=written, measure=meant, other=others[0]),
                        key=f"figures.measures.{written}",
                        hint=say("figures.alias_shadows_hint", other=others[0]),
                    )
                )
                continue
            if key in aliased and aliased[key][1] != meant:
                # Two aliases compared as one name (case, spaces, punctuation,
                # traditional characters) for two measures: the later would win.
                first, before = aliased[key]
                problems.append(
                    Problem(
                        figures.name,
                        say(
                            "figures.alias_twice",
                            alias=written,
                            first=first,
                            measure=meant,
                            other=before,
                        ),
                        key=f"figures.measures.{written}",
                        hint=say("figures.alias_twice_hint"),
                    )
                )
                continue
            aliased.setdefault(key, (written, meant))
            if meant not in rulebook.measures:
                problems.append(
                    Problem(
                        figures.name,
                        say("figures.not_a_measure", measure=meant, rulebook=rulebook.id),
                        key=f"figures.measures.{written}",
                        hint=suggestion(meant, rulebook.measures) or self.listing,
                    )
                )
                continue
            index[_key(written)] = meant  # an office's alias wins over a built-in name
        if problems:  # (said of the mapping file, not of a dataset)
            raise DataError(figures.name, problems, what="problems.mapping")
        self.index = index
        self.suggested = 0
        self.found: dict[str, Measure | Text] = {}

    @property
    def listing(self) -> Text:
        return say("figures.listing", rulebook=self.rulebook.id)

    def find(self, text: str) -> Measure | Text:
        """The measure a cell names, or why none is found."""
        found = self.found.get(text)
        if found is None:  # a sheet repeats its names: each is looked up once
            found = self.found[text] = self._find(text)
        return found

    def _find(self, text: str) -> Measure | Text:
        key = _key(text)
        found = self.index.get(key, "")
        if found:
            return self.rulebook.measures[found]
        if found is None:
            return say("figures.ambiguous_measure", text=text)
        return say("figures.unknown_measure", text=text, rulebook=self.rulebook.id)

    def hint(self, text: str) -> Text:
        """The closest known names, in both languages, and where to see them all."""
        self.suggested += 1
        if self.suggested > _SUGGESTIONS:  # each costs a pass over every name
            return self.listing
        import difflib  # noqa: PLC0415 (only a mistake needs it: a quick start otherwise)

        close = difflib.get_close_matches(
            _key(text), [k for k, v in self.index.items() if v], n=1, cutoff=0.5
        )
        if not close:
            return self.listing
        measure = self.rulebook.measures[self.index[close[0]] or ""]
        shown = [
            n
            for n in (measure.id, measure.name.zh, measure.name.en)
            if n != self.written.get(close[0])
        ]
        return say(
            "figures.did_you_mean",
            name=self.written.get(close[0], measure.id),
            names=" / ".join(shown),
            listing=self.listing,
        )


# -- the header -----------------------------------------------------------------


@attrs.frozen
class _Header:
    """What each column of a sheet's header is."""

    cells: tuple[str, ...]
    canonical: Mapping[str, tuple[int, ...]]  # year/district/measure/value → positions
    years: Mapping[int, int]  # position → the year its header names
    others: tuple[int, ...]  # columns that are none of those (districts, in a wide sheet)
    width: int  # up to the last non-empty header cell
    units: tuple[int, ...] = ()  # columns that say each row's unit (单位)
    #: A DataFrame's index levels that are none of the above, and columns of
    #: serial numbers, remarks or targets (`_labels_rows`): never figures.
    labels: tuple[int, ...] = ()
    #: The value column's unit as its header writes it (``数值(%)``: ``%``),
    #: checked against each row's measure as a unit column is.
    value_unit: str | None = None
    #: What each column's values are multiplied by (`FiguresMapping.scale`).
    scales: tuple[Fraction | int, ...] = ()

    @classmethod
    def of(cls, raw: Sequence[object], figures: FiguresMapping, labels: int = 0) -> _Header:
        """``labels``: how many first columns are a DataFrame's index levels
        (`RawTable.labels`), each row's labels, never a column of figures."""
        cells = tuple(normal(header_text(c)) for c in raw)
        # (A mapping's names find a column in any case, as canonical names do.)
        named = {c: {column_name(n) for n in names} for c, names in figures.columns.items()}
        scaled = {column_name(c): factor for c, factor in figures.scale.items()}
        canonical: dict[str, list[int]] = {}
        years: dict[int, int] = {}
        others = []
        units = []
        labels_read = []
        value_unit = None
        for position, cell in enumerate(cells):
            if not cell:
                continue
            column = next(
                (
                    c
                    for c, names in _BUILT_IN.items()
                    if cell.lower() in names or cell.lower() in named.get(c, ())
                ),
                None,
            )
            if column is None and (year := _headed_year(cell)) is not None:
                years[position] = year  # (数值(2024): 2024's figures, as a column 2024年)
                continue
            if column is None and (headed := _headed_unit(cell)) is not None:
                column, value_unit = "value", headed
            if column is not None:
                canonical.setdefault(column, []).append(position)
            elif cell.lower() in _SHOWN:
                if cell.lower() in _UNIT_COLUMNS:
                    units.append(position)
            elif position < labels or _labels_rows(cell):
                labels_read.append(position)  # (serial numbers, say: no district's figures)
            elif (year := parse_year(cell)) is not None:
                years[position] = year
            else:
                others.append(position)
        width = max((i + 1 for i, c in enumerate(cells) if c), default=0)
        return cls(
            cells,
            {k: tuple(v) for k, v in canonical.items()},
            years,
            tuple(others),
            width,
            tuple(units),
            tuple(labels_read),
            value_unit,
            tuple(scaled.get(column_name(c), 1) for c in cells),
        )

    @property
    def read_labels(self) -> tuple[int, ...]:
        """The columns of each row's labels that the reader reads (its year,
        district, measure and unit), not its figures."""
        return (
            tuple(
                p
                for column in ("year", "district", "measure")
                for p in self.canonical.get(column, ())
            )
            + self.units
        )

    @property
    def plausible(self) -> bool:
        """Whether this row can be the header: it names the measure column."""
        return "measure" in self.canonical

    def position(self, column: str) -> int | None:
        found = self.canonical.get(column, ())
        return found[0] if found else None


#: A header that writes its column's unit after its name: ``数值(%)``,
#: ``value (%)``, ``数值(单位:万元)`` (full-width brackets read as these, NFKC).
_HEADED_UNIT = re.compile(r"(?P<name>.+?)\s*\((?:单位\s*:\s*|unit\s*:\s*)?(?P<unit>[^()]+)\)", re.I)


def _headed_unit(cell: str) -> str | None:
    """The unit a value column's header writes after its built-in name
    (``数值(%)``: ``%``), or None for any other header: an office's figures
    column named with its unit was taken for a district's."""
    found = _HEADED_UNIT.fullmatch(cell)
    if found is None or found["name"].lower() not in _BUILT_IN["value"]:
        return None
    return found["unit"].strip() or None


#: A header that writes a year beside the value column's name: ``数值(2024)``,
#: ``value (2024年)``, ``2024年数值``, ``2024 value``, ``数值2024``.
_HEADED_YEAR = re.compile(
    r"(?P<name>.+?)\s*\((?P<year>\d{4}\s*(?:年度|年)?)\)"
    r"|(?P<first>\d{4}\s*(?:年度|年)?)\s*(?P<then>.+)"
    r"|(?P<named>.+?)\s*(?P<last>\d{4}\s*(?:年度|年)?)"
)


def _headed_year(cell: str) -> int | None:
    """The year a column's header writes beside the value column's built-in
    name (``数值(2024)``: 2024), or None: a year is no unit (the header was
    read as the value column in the unit "2024"), and a column of one year's
    figures is a column of a sheet wide by year (`_layout`)."""
    found = _HEADED_YEAR.fullmatch(cell)
    if found is None:
        return None
    name = found["name"] or found["then"] or found["named"]
    if name.strip().lower() not in _BUILT_IN["value"]:
        return None
    return parse_year(found["year"] or found["first"] or found["last"])


def _labels_rows(cell: str) -> bool:
    """Whether a header cell names a column of serial numbers, remarks or
    targets (`_ROW_LABELS`, `_TARGET_WORDS`), not a year's or a district's."""
    key = _key(cell)
    words = set(re.findall(r"[a-z]+", unicodedata.normalize("NFKC", cell).casefold()))
    return (
        key in _ROW_LABELS or any(w in key for w in _TARGET_WORDS) or bool(words & _TARGET_ENGLISH)
    )


def _narrow(name: str, cells: Sequence[object], row: int | None = None) -> None:
    """Refuse a header (``row`` ``None``) or row of more than
    `MAX_SHEET_COLUMNS` cells: each header cell is compared with every name a
    column may have (two million columns in a 4 MB file took minutes), and a
    row is read cell by cell. (Where it is, said only then.)"""
    if len(cells) > MAX_SHEET_COLUMNS:
        where = say("where.header") if row is None else say("where.row", row=row)
        said = say("figures.too_many_columns", count=len(cells), limit=MAX_SHEET_COLUMNS)
        hint = say("figures.too_many_columns_hint")
        raise DataError(name, [Problem(name, said, where, hint=hint)])


def _narrowed(
    name: str, rows: Iterator[tuple[int, Sequence[object]]]
) -> Iterator[tuple[int, Sequence[object]]]:
    """The rows, each refused (`_narrow`) when it is too wide, as it is read."""
    for number, cells in rows:
        _narrow(name, cells, number)
        yield number, cells


def _find_header(
    table: RawTable, header_row: int | None, figures: FiguresMapping
) -> tuple[_Header, Iterator[tuple[int, Sequence[object]]], int]:
    """The header, the rows under it, and the header's row number. With
    ``header_row``, that row; else the first of the first rows that names a
    measure column (`header_below`; row 1, the file's first, when none does)."""
    _narrow(table.name, table.header)
    table = attrs.evolve(table, rows=_narrowed(table.name, table.rows))
    first = table.rows
    header = _Header.of(table.header, figures, table.labels)
    if header_row is None:
        if not header.plausible:
            found, seen = header_below(
                table, lambda cells: _Header.of(cells, figures, table.labels).plausible
            )
            if found is not None:
                number, cells = found
                _readable(table.name, header_problems(table.name, cells))
                return _Header.of(cells, figures, table.labels), first, number
            first = _chain(seen, first)
        _readable(table.name, table.unread_header)
        return header, first, 1
    seen = []
    for number, cells in first:
        seen.append((number, cells))
        if number == header_row:
            _readable(table.name, header_problems(table.name, cells))
            return _Header.of(cells, figures, table.labels), first, number
    if header_row != 1:
        raise DataError(
            table.name,
            [
                Problem(
                    table.name,
                    say("figures.no_header_row", row=header_row, rows=len(seen) + 1),
                )
            ],
        )
    _readable(table.name, table.unread_header)
    return header, _chain(seen, first), 1


def _readable(name: str, problems: Sequence[Problem]) -> None:
    """A `DataError` of the header's cells that cannot be read, if any."""
    if problems:
        raise DataError(name, list(problems))


def _chain(
    seen: list[tuple[int, Sequence[object]]], rest: Iterator[tuple[int, Sequence[object]]]
) -> Iterator[tuple[int, Sequence[object]]]:
    yield from seen
    yield from rest


# -- reading --------------------------------------------------------------------


@attrs.define
class _Reader:
    """Reads one sheet's rows into observations, keeping every problem."""

    table: RawTable
    header: _Header
    rulebook: Rulebook
    figures: FiguresMapping
    names: MeasureNames
    places: _Places
    year: int | None
    district: str | None
    problems: list[Problem] = attrs.field(factory=list)
    notes: list[Text] = attrs.field(factory=list)
    observations: list[Observation] = attrs.field(factory=list)
    seen: dict[tuple[str, int, str | None], Text] = attrs.field(factory=dict)
    filled: list[int] = attrs.field(factory=list)
    skipped: list[int] = attrs.field(factory=list)
    #: Where each observation's value is, for `implausible`'s messages.
    value_places: list[Text] = attrs.field(factory=list)
    #: Where each district is first named.
    districts: dict[str, Text] = attrs.field(factory=dict)
    #: The keys of the plan's own city's names (`_city_keys`).
    city: frozenset[str] = frozenset()

    def problem(self, message: Text, where: Text, hint: Text | None = None) -> None:
        self.problems.append(Problem(self.table.name, message, where=where, hint=hint))

    def where(self, number: int, position: int) -> Text:
        return self.places.cell(number, self.header.cells[position])

    def rows(self) -> Iterator[tuple[int, Sequence[object]]]:
        """Each row that is not blank and has as many cells as the header."""
        width = self.header.width
        unnamed = [i for i in range(width) if not self.header.cells[i]]
        for number, stored in self.table.rows:
            cells = stored
            if all(blank(c) for c in cells):
                continue
            if len(cells) < width:
                if self.table.strict_width:
                    self.problem(
                        say("figures.short_row", cells=len(cells), width=width),
                        self.places.row(number),
                        say("figures.short_row_hint"),
                    )
                    continue
                # (A cell an .xlsx sheet does not store is empty, as the
                # records readers read it; a CSV row's missing cells are not.)
                cells = (*cells, *[None] * (width - len(cells)))
            # A label (a year, a district, a measure, a unit) that cannot be read
            # names nothing: read as its text, ``=1+1`` or ``#REF!`` was a district;
            # so was ``b'\\xe8…'`` (bytes) or ``['芝罘区']``, and an array of two
            # districts, unequal to itself, was no district: the city's figure.
            labels = [
                (p, why)
                for p in self.header.read_labels
                if (why := unread_cell(cells[p]) or not_a_cell(cells[p])) is not None
            ]
            if labels:
                for position, why in labels:
                    self.problem(why[0], self.where(number, position), why[1])
                continue
            extra = [i for i in (*unnamed, *range(width, len(cells))) if not blank(cells[i])]
            if extra:
                self.problem(
                    say("figures.no_header"),
                    say(
                        "where.row_column_number", row=self.places.row(number), column=extra[0] + 1
                    ),
                    say("figures.no_header_hint"),
                )
                continue
            yield number, cells

    def measure(self, number: int, position: int, value: object) -> Measure | None:
        text = cell_text(value)
        if text is None:
            self.problem(say("figures.no_measure"), self.where(number, position))
            return None
        found = self.names.find(text)
        if isinstance(found, Text):
            self.problem(found, self.where(number, position), self.names.hint(text))
            return None
        return found

    def unit_agrees(
        self, measure: Measure, number: int, cells: Sequence[object], values: Sequence[int]
    ) -> bool:
        """Whether the row's unit column (单位), if any, gives the measure's own
        unit (or none); a problem when it gives another (``万平方米`` for a
        measure in 平方米: the figures would be read 10,000 times too small).
        Where the mapping file scales the row's value columns (``values``:
        their positions), the unit of that scale too (``万平方米`` for 万),
        where the row's columns scale alike."""
        scales = {self.header.scales[p] for p in values} or {1}
        words = frozenset.intersection(*(unit_words(measure.unit, s) for s in scales))
        written: list[tuple[int, str | None, bool]] = [
            (p, cell_text(cells[p]), False) for p in self.header.units
        ]
        # (The header's ``数值(万)`` beside a scale of 万 says the scale alone.)
        unit = self.header.value_unit
        if unit is not None and {scale_named(unit)} != scales:
            written.append((values[0], unit, True))
        for position, text, headed in written:
            if text is not None and text.lower() not in words:
                hint = (
                    say("figures.unit_header_hint", unit=text, column=self.header.cells[position])
                    if headed
                    else say("figures.unit_column_hint", unit=unit_shown(measure.unit))
                )
                self.problem(
                    say(
                        "figures.unit_column",
                        measure=measure.id,
                        written=text,
                        unit=unit_shown(measure.unit),
                    ),
                    self.where(number, position),
                    hint,
                )
                return False
        return True

    def district_of(self, value: object, where: Text, *, column: bool = False) -> str | None:
        """The district a cell (``column``: a column's name, beside other
        districts' columns) names; its problem said once."""
        text = cell_text(value)
        if text is None:
            return None
        district = district_written(text, self.figures)
        if district is None:
            return None
        if district not in self.districts:
            self.districts[district] = where
            # (As the mapping file declares, a district is one.)
            why = (
                None
                if text in self.figures.districts
                else not_a_district(self.rulebook, district, city=self.city, column=column)
            )
            if why is not None:
                self.problem(
                    say(why, district=district, districts=listed(self.rulebook.districts)),
                    where,
                    say(f"{why}_hint", district=district),
                )
        return district

    def districts_named_twice(self) -> None:
        """A problem for each district written two ways (``芝罘``, ``芝罘区``,
        ``芝罘 区``): read as two districts, its figures were summed twice into
        the city's, or judged apart. Districts that the mapping file names
        (``[figures.districts]``'s values) are as declared: two places whose
        names differ only so (a 县 and a 区 of one name) are mapped each to itself."""
        declared = set(self.figures.districts.values())
        for names in spelled_twice(self.districts):
            if not set(names) <= declared:
                first = self.districts[names[0]]
                self.problem(
                    say("figures.district_twice", districts=listed(map(repr, names)), first=first),
                    self.districts[names[1]],
                    say("figures.district_twice_hint"),
                )

    def add(
        self,
        measure: Measure,
        year: int,
        district: str | None,
        number: int,
        position: int,
        raw: object,
        where: Text,
    ) -> None:
        if isinstance(raw, Formula):
            self.problem(
                say("figures.formula", formula=raw.text),
                self.where(number, position),
                say("figures.formula_hint"),
            )
            return
        if (why := unread_cell(raw)) is not None:
            self.problem(why[0], self.where(number, position), why[1])
            return
        try:
            value = parse_value(raw, measure.unit, scale=self.header.scales[position])
        except ValueProblem as error:
            self.problem(
                say("figures.value", measure=measure.id, problem=error.said),
                self.where(number, position),
            )
            return
        key = (measure.id, year, district)
        if key in self.seen:
            self.problem(
                say(
                    "figures.twice_district" if district else "figures.twice",
                    measure=measure.id,
                    year=year,
                    district=district,
                    first=self.seen[key],
                ),
                where,
            )
            return
        self.seen[key] = where
        self.observations.append(
            Observation(
                measure.id,
                year,
                value,
                district,
                f"{self.table.name}: {where.en}",
                (self.table.name, where),
            )
        )
        self.value_places.append(self.where(number, position))

    # -- the layouts

    def long(self) -> None:
        positions = {c: self.header.position(c) for c in ("year", "district", "measure", "value")}
        measure_at, value_at = positions["measure"], positions["value"]
        year_at, district_at = positions["year"], positions["district"]
        assert measure_at is not None
        assert value_at is not None
        named: set[tuple[str, int, str]] = set()  # (each row naming its district)
        below: list[list[tuple[str, int, str, Text]]] = []  # (blank runs below one)
        above: str | None = None  # (the district the last row written named)
        fresh = False  # (no blank row yet below the last row naming a district)
        for number, cells in self.rows():
            measure = self.measure(number, measure_at, cells[measure_at])
            year = self.year
            if year_at is not None:
                year = parse_year(cells[year_at]) if not missing(cells[year_at]) else None
                if year is None:
                    self.problem(
                        say("figures.not_a_year", year=cell_text(cells[year_at]) or ""),
                        self.where(number, year_at),
                    )
                    continue
            if measure is None or not self.unit_agrees(measure, number, cells, (value_at,)):
                continue
            assert year is not None
            district = self.district
            if district_at is not None:
                where = self.where(number, district_at)
                district = self.district_of(cells[district_at], where)
                if cell_text(cells[district_at]) is not None:
                    if district is not None:
                        named.add((measure.id, year, district))
                    fresh = True
                    above = district  # (below a row naming the city, a blank is the city's)
                elif above is not None:
                    if fresh:
                        below.append([])
                        fresh = False
                    below[-1].append((measure.id, year, above, where))
            where = self.places.row(number)
            self.add(measure, year, district, number, value_at, cells[value_at], where)
        self.merged_down(named, below)

    def merged_down(
        self, named: set[tuple[str, int, str]], below: list[list[tuple[str, int, str, Text]]]
    ) -> None:
        """A problem for each blank district below a row naming one that may
        as well be that district's cell merged down (pandas and CSV exports
        leave a merged cell's other rows empty) as the city's: read as the
        city's, as documented, a merged 芝罘区's figure made the city's rule
        met. A merged cell covers its rows from the named one down, so a
        blank row is the city's for certain from the first row of its run
        that, read as the district's, would give the district a figure twice
        (a sheet sorted with the city's rows last, or by measure)."""
        for run in below:
            taken: set[tuple[str, int, str]] = set()
            for measure, year, district, where in run:
                key = (measure, year, district)
                if key in named or key in taken:
                    break
                taken.add(key)
                self.problem(
                    say("figures.blank_district_below", above=district),
                    where,
                    # (An .xlsx sheet's merged cells are read as merged: this one is blank.)
                    hint=say(
                        "figures.blank_district_below_hint"
                        if self.table.layout is None
                        else "figures.blank_district_below_xlsx_hint"
                    ),
                )

    def wide(self, by: str) -> None:
        """A row per measure (and district or year); a column per year or district."""
        measure_at = self.header.position("measure")
        assert measure_at is not None
        key_at = self.header.position("district" if by == "year" else "year")
        columns = list(self.header.years if by == "year" else self.header.others)
        districts = (
            {
                p: self.district_of(self.header.cells[p], say("where.header"), column=True)
                for p in columns
            }
            if by == "district"
            else {}
        )
        # A sheet groups its rows by its first columns: a blank cell of the
        # district (year) column left of the measure's is merged, the one
        # above; right of it, under another row's district (year), a figure
        # could as well be the city's (a year not written): which cannot be
        # told (a row without figures, a heading or note, is read as before).
        merged = key_at is not None and key_at < measure_at
        above: object = None
        for number, cells in self.rows():
            key: object = None
            empty = all(blank(cells[p]) for p in columns)  # (a heading, or no figure)
            if key_at is not None:
                key = cells[key_at]
                if blank(key) and not blank(above):
                    if not merged and not empty:
                        left = "district" if by == "year" else "year"
                        shown = cell_text(above) or str(above)
                        self.problem(
                            say(f"figures.blank_{left}_inner", above=shown),
                            self.where(number, key_at),
                            hint=say("figures.blank_inner_hint"),
                        )
                        continue
                    key = above  # a merged (or merged-looking) cell: the one above
                    if not empty:
                        self.filled.append(number)
                above = key
            if empty:
                text = cell_text(cells[measure_at])
                if text is None or isinstance(self.names.find(text), Text):
                    self.skipped.append(number)  # a heading row: no measure, no figures
                    continue
            measure = self.measure(number, measure_at, cells[measure_at])
            if measure is None or not self.unit_agrees(measure, number, cells, columns):
                continue
            if by == "year":
                district = (
                    self.district
                    if key_at is None
                    else self.district_of(key, self.where(number, key_at))
                )
                for position in columns:
                    self.add(
                        measure,
                        self.header.years[position],
                        district,
                        number,
                        position,
                        cells[position],
                        self.where(number, position),
                    )
                continue
            year = self.year if key_at is None else (None if blank(key) else parse_year(key))
            if year is None:
                assert key_at is not None  # without a year column, year= is required
                self.problem(
                    say("figures.not_a_year", year=cell_text(key) or ""), self.where(number, key_at)
                )
                continue
            for position in columns:
                self.add(
                    measure,
                    year,
                    districts[position],
                    number,
                    position,
                    cells[position],
                    self.where(number, position),
                )


@attrs.frozen
class _Places:
    """How a source names a row and a cell in messages."""

    word: str  # row, item or key
    keys: Sequence[str] = ()

    def row(self, number: int) -> Text:
        if self.word == "key":
            return say("where.key", key=self.keys[number])
        return say(f"where.{self.word}", **{self.word: number})

    def cell(self, number: int, column: str) -> Text:
        if self.word == "key":
            return self.row(number)
        return say(
            f"where.{self.word}_{'key' if self.word == 'item' else 'column'}",
            **{self.word: number},
            column=column,
        )


def read_dataset(
    source: Any,
    rulebook: Rulebook,
    *,
    mapping: MappingInput = None,
    encoding: str | None = None,
    sheet: str | None = None,
    header_row: int | None = None,
    layout: Layout | None = None,
    year: int | None = None,
    district: str | None = None,
    name: str | None = None,
    table: str | None = None,
) -> Dataset:
    """Read reported figures, as offices keep them.

    ``source`` is a file (``.csv``, ``.tsv``, ``.txt``, ``.json``, ``.xlsx``,
    ``.parquet``, ``.arrow``), a pandas or polars DataFrame, an Arrow table, a
    list of dicts, a database URL (``duckdb:///figures.db``) or DB-API
    connection, whose table ``table`` is read (``figures`` when not given;
    an identifier, ``schema.table`` allowed), or a mapping of measure to
    value (for one ``year``). A
    sheet is ``long`` (columns ``year``, ``measure``, ``value`` and optionally
    ``district``) or ``wide`` (a ``measure`` column and a column per year, or
    per district), found from its header unless ``layout`` says. ``mapping``
    (a mapping file's ``[figures]`` part) names your columns, measures and
    districts. Every problem is reported at once in a `DataError`, each with
    its row and column; an option that does not apply to the source is one.
    """
    figures = figures_mapping(mapping)
    names = MeasureNames(rulebook, figures)
    if layout is not None and layout not in LAYOUTS:
        raise DataError(
            str(layout),
            [
                Problem(
                    str(layout),
                    say("figures.layout", layout=layout),
                    hint=say("figures.layout_hint"),
                )
            ],
        )
    if isinstance(source, Dataset):
        given = {
            "mapping": mapping,
            "encoding": encoding,
            "sheet": sheet,
            "header_row": header_row,
            "layout": layout,
            "year": year,
            "district": district,
            "table": table,
        }
        if any(v is not None for v in given.values()):
            raise TypeError("a Dataset is already read: give it without reading options")
        return source
    if isinstance(source, Mapping) and source_kind(source) == "rows":
        check_options(source, name or "<mapping>", table=table)
        keys = [str(k) for k in source]
        cells = RawTable(
            name or "<mapping>",
            ["measure", "value"],
            numbered(([k, v] for k, v in source.items()), first=0),
        )
        # The mapping is for one year: by default the last of the plan.
        reader = _Reader(
            cells,
            _Header.of(cells.header, figures),
            rulebook,
            figures,
            names,
            _Places("key", keys),
            year if year is not None else rulebook.period.end.year,
            district,
        )
        return _finish(reader, "long")
    if header_row is not None and header_row < 1:
        raise DataError(str(source), [Problem(str(source), say("figures.header_row"))])
    label = name or (
        Path(source).name if isinstance(source, str | Path) else f"<{type(source).__name__}>"
    )
    check_options(source, label, header_row=header_row)
    if source_kind(source) == "json":
        check_options(source, label, encoding=encoding, sheet=sheet, table=table)
        read, problems = _json_table(Path(source))
        if problems:
            raise DataError(str(source), problems)
        places = _Places("item")
    else:
        read = open_table(
            source,
            default_table="figures",
            table=table,
            sheet=sheet,
            encoding=encoding,
            name=name,
            what="figures",
        )
        places = _Places("row")
    try:
        header, rows, found_at = _find_header(read, header_row, figures)
        reader = _Reader(
            attrs.evolve(read, rows=rows), header, rulebook, figures, names, places, year, district
        )
        if found_at != 1:
            reader.notes.append(say("figures.header_found", row=found_at))
        by = _layout(reader, layout)
        _spread_merged(reader, by, found_at)
        return _finish(reader, by)
    finally:
        read.close()  # (an .xlsx file's workbooks, when a problem stops the reading)


def _layout(reader: _Reader, layout: Layout | None) -> str:
    """``long``, or ``wide`` by ``year`` or by ``district``, from the header
    and the option; a `DataError` naming every problem with the header."""
    header, name = reader.header, reader.table.name
    problems = []
    for column, positions in header.canonical.items():
        if len(positions) > 1:
            shown = listed(repr(header.cells[p]) for p in positions)
            problems.append(
                Problem(
                    name,
                    say("figures.columns_give", columns=shown, column=column),
                    where=say("where.header"),
                    hint=say("figures.keep_one"),
                )
            )
    repeated = {y for y in header.years.values() if list(header.years.values()).count(y) > 1}
    for year in sorted(repeated):
        shown = listed(repr(header.cells[p]) for p, y in header.years.items() if y == year)
        problems.append(
            Problem(
                name,
                say("figures.columns_year", columns=shown, year=year),
                where=say("where.header"),
            )
        )
    for cell, count in Counter(header.cells[p] for p in header.others).items():
        if count > 1:
            problems.append(
                Problem(
                    name,
                    say("figures.column_times", column=cell, count=count),
                    where=say("where.header"),
                    hint=say("figures.keep_one"),
                )
            )
    if "measure" not in header.canonical:
        # Without it the header is not found: what else is missing would mislead.
        problems.append(
            Problem(
                name,
                say("figures.no_measure_column"),
                where=say("where.header"),
                hint=say("figures.no_measure_column_hint"),
            )
        )
        other = other_sheets(reader.table, "--sheet")
        if other is not None:
            problems.append(other)
        raise DataError(name, problems)
    # A column per district is told from a misspelt column by its name: one close
    # to a canonical column's (valeu) makes the sheet long, and an error.
    misspelt = any(did_you_mean(header.cells[p], _CANONICAL) for p in header.others)
    chosen = layout or (
        "long"
        if "value" in header.canonical
        else "wide"
        if header.years or (header.others and not misspelt)
        else "long"
    )
    if chosen == "long":
        if "value" not in header.canonical:
            problems.append(
                Problem(
                    name,
                    say("figures.no_value_column"),
                    where=say("where.header"),
                    hint=say("figures.no_value_column_hint"),
                )
            )
        if "year" not in header.canonical and reader.year is None:
            problems.append(
                Problem(
                    name,
                    say("figures.no_year_column"),
                    where=say("where.header"),
                    hint=say("figures.no_year_column_hint"),
                )
            )
        for position in header.others:
            close = suggestion(header.cells[position], _CANONICAL)
            if close:
                problems.append(
                    Problem(
                        name,
                        say("figures.unknown_column", column=header.cells[position]),
                        where=say("where.header"),
                        hint=close,
                    )
                )
        by = "long"
    else:
        if "value" in header.canonical:
            problems.append(Problem(name, say("figures.wide_value"), where=say("where.header")))
        by = "year" if header.years else "district"
        if by == "year" and "year" in header.canonical:
            # (Read, the rows' years would be the header's: a row of 2023
            # under the column 2024 was read as 2024's figure.)
            problems.append(
                Problem(
                    name,
                    say(
                        "figures.year_beside_years",
                        column=repr(header.cells[header.canonical["year"][0]]),
                        columns=listed(repr(header.cells[p]) for p in header.years),
                    ),
                    where=say("where.header"),
                    hint=say("figures.year_beside_years_hint"),
                )
            )
        if by == "district" and not header.others:
            problems.append(
                Problem(
                    name,
                    say("figures.no_year_or_district"),
                    where=say("where.header"),
                    hint=say("figures.no_year_or_district_hint"),
                )
            )
        if by == "district" and "year" not in header.canonical and reader.year is None:
            problems.append(
                Problem(
                    name,
                    say("figures.no_year_column"),
                    where=say("where.header"),
                    hint=say("figures.give_year"),
                )
            )
    for option, column in (("year", "year"), ("district", "district")):
        given = getattr(reader, option)
        if given is not None and (
            column in header.canonical or (option == "year" and by == "year")
        ):
            problems.append(
                Problem(
                    name,
                    say(f"figures.option_{option}"),
                    hint=say("figures.drop_option", option=f"--{option}"),
                )
            )
    if problems:
        raise DataError(name, problems)
    return by


def _spread_merged(reader: _Reader, by: str, header_row: int) -> None:
    """An ``.xlsx`` sheet's merged cells read as the office sees them (a
    district merged down over its rows is each row's; a figure merged over
    rows, an error), and its hidden rows and columns noted (`qrules._xlsx`)."""
    header = reader.header
    figures = (
        header.canonical.get("value", ())
        if by == "long"
        else tuple(header.years if by == "year" else header.others)
    )
    read = {p for found in header.canonical.values() for p in found} | {*header.units, *figures}
    rows, notes = spread(
        reader.table.name,
        header.cells,
        reader.table.layout,
        reader.table.rows,
        header_row=header_row,
        read=read,
        figures=figures,
        measure=header.position("measure"),
    )
    reader.table = attrs.evolve(reader.table, rows=rows)
    reader.notes += notes


def _finish(reader: _Reader, by: str) -> Dataset:
    reader.city = _city_keys(reader.rulebook)
    if by == "long":
        reader.long()
    else:
        reader.wide(by)
    reader.districts_named_twice()
    # A figure its measure's bounds or relations rule out is an error, with its cell.
    reader.problems += implausible(
        reader.rulebook, reader.observations, reader.table.name, reader.value_places
    )
    if reader.problems:
        raise DataError(reader.table.name, reader.problems)
    notes = [*reader.table.notes, *reader.notes]
    header = reader.header
    if by != "long":
        shown = listed(header.cells[p] for p in (header.years if by == "year" else header.others))
        notes.append(say(f"figures.wide_by_{by}", columns=shown))
    if reader.filled:
        rows = _rows_shown(reader.filled)
        notes.append(say(f"figures.blank_{'district' if by == 'year' else 'year'}", rows=rows))
    if reader.skipped:
        rows = _rows_shown(reader.skipped)
        notes.append(say("figures.headings", rows=rows))
    # (In a sheet with a column per district, the others are those.)
    unread = [
        header.cells[p]
        for p in sorted(
            (
                *(header.others if by != "district" else ()),
                *(header.years if by == "long" else ()),
                *header.labels,
            )
        )
    ]
    if unread:
        notes.append(say("figures.columns_not_read", columns=listed(unread)))
    return Dataset(reader.table.name, tuple(reader.observations), tuple(notes), cells=by != "long")


def _rows_shown(numbers: list[int]) -> Text:
    shown = listed(numbers[:10])
    if len(numbers) > 10:
        return say("figures.rows_more", rows=shown, more=len(numbers) - 10)
    return shown


class _Keys(dict[str, Any]):
    """A JSON object, and the keys it gives more than once."""

    twice: tuple[str, ...] = ()


def _object(pairs: list[tuple[str, Any]]) -> _Keys:
    found = _Keys(pairs)
    if len(found) < len(pairs):
        keys = [k for k, _ in pairs]
        found.twice = tuple(sorted({k for k in keys if keys.count(k) > 1}))
    return found


def _json_table(path: Path) -> tuple[RawTable, list[Problem]]:
    name = path.name
    require_regular(path)
    try:
        raw = read_whole(path, MAX_JSON_DATASET_BYTES, "tabular.big_json")
    except OSError as error:
        raise DataError(
            str(path), [Problem(name, say("read.cannot_read", error=os_reason(error)))]
        ) from None
    # (Its values, counted from above by the commas and brackets, before each
    # is made a Python object of 50 to 100 bytes: 64 MiB of ``[{},{},…]``
    # are 22 million dictionaries.)
    values = raw.count(b",") + raw.count(b"[") + raw.count(b"{") + 1
    if values > MAX_JSON_DATASET_VALUES:
        raise DataError(
            str(path),
            [
                Problem(
                    name,
                    say("figures.json_too_many", count=values, limit=MAX_JSON_DATASET_VALUES),
                    hint=say("tabular.big_json"),
                )
            ],
        )
    text, _ = decode(name, raw, None)
    try:
        # Numbers are kept as Decimal text, so 98.5 never passes through a float; a
        # long integer stays a Decimal too, to be measured before int() would meet
        # its 4,300-digit limit.
        data = json.loads(
            text.removeprefix("\ufeff"),
            parse_float=Decimal,
            parse_int=lambda digits: int(digits) if len(digits) < 32 else Decimal(digits),
            # NaN and Infinity are not JSON (Python's json writes them): read as
            # the words they are, refused as a CSV cell of them is, never missing.
            parse_constant=str,
            object_pairs_hook=_object,
        )
    except json.JSONDecodeError as error:
        raise DataError(
            str(path),
            [
                Problem(
                    name,
                    say("figures.not_json", detail=error.msg),
                    where=say("where.line_column_number", line=error.lineno, column=error.colno),
                    hint=say("figures.json_hint"),
                )
            ],
        ) from None
    except RecursionError:
        raise DataError(
            str(path), [Problem(name, say("figures.json_too_deep"), hint=say("figures.json_shape"))]
        ) from None
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise DataError(str(path), [Problem(name, say("figures.json_array"))])
    header = list(dict.fromkeys(str(k) for item in data for k in item)) or [
        "year",
        "measure",
        "value",
    ]
    problems = []
    for index, item in enumerate(data):
        for key in getattr(item, "twice", ()):
            problems.append(
                Problem(
                    name,
                    say("figures.key_twice", key=key),
                    where=say("where.item", item=index),
                    hint=say("figures.key_once"),
                )
            )
        for key, value in item.items():
            # A cell is a number or text: an object or array, named plainly (its
            # text would be the parser's classes: _Keys, Decimal).
            if isinstance(value, dict | list):
                kind = "value.an_object" if isinstance(value, dict) else "value.a_list"
                problems.append(
                    Problem(
                        name,
                        say("value.not_a_value_of", kind=say(kind)),
                        where=say("where.item_key", item=index, column=key),
                    )
                )
            # JSON can escape half of a surrogate pair (\ud800): no text is made of it.
            elif any(isinstance(t, str) and SURROGATE.search(t) for t in (key, value)):
                problems.append(
                    Problem(
                        name,
                        say("figures.surrogate"),
                        where=say("where.item_key", item=index, column=key),
                    )
                )
        for key in header:
            if key not in item and key in ("year", "measure", "value"):
                problems.append(
                    Problem(
                        name,
                        say("figures.no_key", key=key),
                        where=say("where.item", item=index),
                        hint=say("figures.same_keys"),
                    )
                )
    return RawTable(
        name, header, numbered(([item.get(h) for h in header] for item in data), first=0)
    ), problems
