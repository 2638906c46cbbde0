"""Reported figures: reading values exactly, and datasets of yearly observations."""

from __future__ import annotations

import contextlib
import functools
import math
import numbers
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from ._errors import QRulesError, suggestion
from ._expr import format_number
from ._limits import MAX_DISTRICTS, number_problem
from ._messages import data, say
from ._model import UNITS, Text
from ._tabular import MISSING_MARKERS, column_name, error_text, float_decimal, normal, suggest

if TYPE_CHECKING:
    from ._model import Unit

__all__ = [
    "MISSING_MARKERS",
    "FiguresMapping",
    "Observation",
    "ValueProblem",
    "mapped_alike",
    "parse_value",
    "parse_year",
    "written_day",
]

_DECIMAL = re.compile(r"[+-]?\d+(?:\.\d+)?\Z")
#: Thousands separated by commas: ``1,234`` (and never a first group that
#: begins with a zero, `_parse_text`).
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?\Z")
_RATIO = re.compile(r"([+-]?\d+)\s*/\s*(\d+)\Z")


class ValueProblem(ValueError):
    """A single value could not be read; the caller adds where it was.
    ``said`` is the message in both languages (``str()`` its English)."""

    def __init__(self, said: Text) -> None:
        self.said = said
        super().__init__(said.en)


def parse_value(
    value: object, unit: Unit | None = None, *, scale: Fraction | int = 1
) -> Fraction | None:
    """Read a reported value exactly; ``None`` means missing.

    Text may be written as offices write it: ``"98.6%"`` (for a percent
    measure), ``"1,234"``, full-width digits, ``"197/2"``, the measure's unit
    after the number (``"50处"``, ``"12家"``), or a missing marker such as
    ``"—"`` or ``"无"``. A unit that contradicts the measure's (a ``%`` on a
    count, ``亿元`` on a percentage) is an error. A float is read as the
    decimal it stands for, to 15 significant digits (``0.1`` is one tenth,
    ``7 / (7 / 100)`` is 100), never as its binary approximation. ``scale``
    multiplies the value (a column in 万: 10000).

    A percentage written without its ``%`` from 0 to 1 (``0.985``, ``1``, a
    number cell) is an error: it may be a share (98.5 %) as well as a
    percentage (0.985 %), and the two readings would give other verdicts;
    ``98.5``, ``98.5%`` and ``0.985%`` are read as written (docs/datasets.md).
    A column whose scale is declared (``scale``: ``0.985`` × 100) says how to
    read it: its values are not ambiguous.

    >>> parse_value("９８.５%"), parse_value("1,234"), parse_value("无")
    (Fraction(197, 2), Fraction(1234, 1), None)
    """
    result = _parse(value, unit)
    if (
        result is not None
        and unit is not None
        and unit.id == "percent"
        and scale == 1
        and 0 < result <= 1
        and not _marked_percent(value)
    ):
        raise ValueProblem(
            say(
                "value.ambiguous_percent",
                value=format_number(result),
                percent=format_number(result * 100),
            )
        )
    if result is not None and scale != 1:
        result *= scale
    if result is not None and unit is not None:
        if result.numerator < 0:
            raise ValueProblem(say("value.negative", value=_show(value), unit=unit.id))
        if unit.integer and result.denominator != 1:
            raise ValueProblem(
                say(
                    "value.not_whole",
                    value=_show(value),
                    unit=unit.said(),
                )
            )
    return result


def _marked_percent(value: object) -> bool:
    """Whether a value is written with its ``%`` (``98.5%``, ``０.９８５％``)."""
    return isinstance(value, str) and unicodedata.normalize("NFKC", value).rstrip().endswith("%")


def _show(value: object) -> str:
    """A value in a message as its source wrote it: text quoted, a number as
    written (a JSON ``100.5`` is read as a `Decimal`, never shown as its class)."""
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, numbers.Number | Decimal) and not isinstance(value, bool):
        return str(value)
    return repr(value)


def _parse(value: object, unit: Unit | None) -> Fraction | None:
    if value is None:
        return None
    if type(value) is str:  # the commonest, first: the checks below are slower
        return _parse_text(value, unit)  # (which measures the number it reads)
    # Each number is measured before it is made exact: Fraction(Decimal("1e100000000"))
    # would compute every digit.
    if isinstance(value, Decimal | Fraction):
        _check(value)
    elif isinstance(value, numbers.Integral) and not isinstance(value, bool):
        _check(int(value))
    if type(value) is int:
        return Fraction(value)
    if isinstance(value, bool):
        raise ValueProblem(say("value.truth", value=repr(value)))
    if isinstance(value, Fraction):
        return value
    if isinstance(value, numbers.Integral):
        return Fraction(int(value))
    if isinstance(value, Decimal):
        if value.is_nan():
            return None
        if not value.is_finite():
            raise ValueProblem(say("value.not_finite", value=repr(value)))
        return Fraction(value)
    if isinstance(value, float):  # np.float64 too (whose repr is 'np.float64(98.5)')
        if math.isnan(value):
            return None
        if math.isinf(value):
            raise ValueProblem(say("value.not_finite", value=repr(value)))
        return Fraction(_bounded(float_decimal(float(value))))
    if isinstance(value, numbers.Rational):
        return Fraction(_bounded(Fraction(int(value.numerator), int(value.denominator))))
    if isinstance(value, str):
        return _parse_text(value, unit)
    if _missing_scalar(value):
        return None  # pandas' NA and NaT, numpy's NaT
    if isinstance(value, numbers.Real) and hasattr(value, "dtype"):
        # numpy's float32, float16, longdouble: the shortest decimal in their own
        # precision (np.float32(1.1) is 1.1, where float() gives 1.100000023841858).
        if math.isnan(value):
            return None
        if math.isinf(value):
            raise ValueProblem(say("value.not_finite", value=repr(value)))
        with contextlib.suppress(InvalidOperation):
            return Fraction(_bounded(Decimal(str(value))))
    if isinstance(value, Mapping | list | tuple):
        # (A JSON object or array: said plainly, not as the parser's classes.)
        kind = "value.an_object" if isinstance(value, Mapping) else "value.a_list"
        raise ValueProblem(say("value.not_a_value_of", kind=say(kind)))
    raise ValueProblem(say("value.not_a_value", type=type(value).__name__, value=repr(value)))


def _missing_scalar(value: object) -> bool:
    """Whether a value is the DataFrame libraries' missing value (pandas' ``NA``,
    which refuses to be a truth value, and ``NaT``; numpy's ``NaT``)."""
    if type(value).__name__ in ("NAType", "NaTType"):
        return True
    try:
        return bool(value != value)  # noqa: PLR0124 (NaT is not equal to itself)
    except (TypeError, ValueError):
        return False


#: Unit words that may follow a number, beside each unit's own (`Unit.zh`,
#: `Unit.en`): a generic 个 for any count, 人 for people. Any other word in
#: `_UNIT_WORDS` after a number is a unit that contradicts the measure's.
_EXTRA_WORDS = {"people": ("人",), "batches": ("批",), "square_metres": ("m2", "㎡")}
_MONEY_WORDS = ("元", "万元", "亿元", "千元", "万", "亿", "yuan")
#: A number and the word after it (which may end in a digit: ``m2``, ``㎡``).
_TRAILING_WORD = re.compile(r"(.*?\d)\s*([^\d\s.,/%+-].*?)\Z")


@functools.cache
def _unit_words() -> frozenset[str]:
    words = {w.lower() for u in UNITS.values() for w in (u.zh, u.en, u.id) if w}
    return frozenset(
        words | {w for ws in _EXTRA_WORDS.values() for w in ws} | set(_MONEY_WORDS) | {"个"}
    )


def _strip_unit(normal: str, text: str, unit: Unit | None) -> str:
    """The number of ``50处`` when the measure counts 处; an error when the word
    is another unit, or when there is no measure to say what the unit is."""
    match = _TRAILING_WORD.match(normal)
    if match is None:
        return normal
    number, word = match.group(1), match.group(2).strip().lower()
    if unit is not None:
        if word in unit_words(unit):
            return number
        if word in _unit_words():
            return _contradicts(text, word, unit)
    return normal


def unit_words(unit: Unit, scale: Fraction | int = 1) -> frozenset[str]:
    """The words (lower case) that write a measure's own unit: its zh and en
    words, its id, their variants (``㎡``), and ``个`` for any count. With a
    ``scale`` (a column's ``[figures.scale]``, 10000), the words of that many
    of the unit too (``万平方米``): the mapping says how its figures are read."""
    own = {w.lower() for w in (unit.zh, unit.en, unit.id, *_EXTRA_WORDS.get(unit.id, ())) if w}
    if unit.integer:
        own.add("个")
    if scale != 1:
        own |= {p + w for p, f in _SCALE_WORDS.items() if f == scale for w in own}
    return frozenset(own)


def scale_named(word: str) -> int | None:
    """How many a scale's word stands for (``万``: 10,000), or None."""
    return _SCALE_WORDS.get(word)


def unit_shown(unit: Unit) -> Text:
    """``batches (批次)``, or ``%`` where both languages write it alike (in
    Chinese: ``批次``)."""
    en = unit.en or unit.id
    # The Chinese word beside the English is the word a cell may hold: data.
    return Text(unit.zh or en, en if en == unit.zh else f"{en} ({data(unit.zh)})")


def _contradicts(text: str, word: str, unit: Unit) -> str:
    raise ValueProblem(say("value.other_unit", text=text, word=word, unit=unit_shown(unit)))


_Number = TypeVar("_Number", Decimal, Fraction, int)


def _check(number: Decimal | Fraction | int) -> None:
    """A `ValueProblem` unless the number is within the limits on what is read
    (docs/security.md)."""
    problem = number_problem(number)
    if problem is not None:
        # The value is not shown: a number this long cannot always be printed.
        raise ValueProblem(say("value.too_large", problem=say(problem)))


def _bounded(number: _Number) -> _Number:
    _check(number)
    return number


def _parse_text(text: str, unit: Unit | None) -> Fraction | None:
    if (mark := _digit_mark(text)) is not None:
        raise ValueProblem(say("value.digit_mark", text=text, mark=mark))
    normal = unicodedata.normalize("NFKC", text).strip()
    if normal.lower() in MISSING_MARKERS:
        return None
    code = error_text(text)
    if code is not None:  # (an Excel error value's text: no number anyone wrote)
        raise ValueProblem(say("tabular.error_value", code=code))
    normal = _strip_unit(normal, text, unit)
    percent = normal.endswith("%")
    if percent:
        if unit is not None and unit.id != "percent":
            raise ValueProblem(say("value.percentage", text=text, unit=unit_shown(unit)))
        normal = normal[:-1].rstrip()
    if _GROUPED.match(normal) and unicodedata.digit(normal.lstrip("+-")[0]) != 0:
        # (A first group of a leading zero is no grouping: ``0,985`` is a
        # decimal comma's 0.985, never 985.)
        normal = normal.replace(",", "")  # 1,234 and 1，234 (NFKC makes ， a comma)
    if _DECIMAL.match(normal):
        return Fraction(_bounded(Decimal(normal)))
    ratio = _RATIO.match(normal)
    if ratio and not percent:
        # Each side's digits are measured before int() would meet its 4,300-digit limit.
        numerator, denominator = (_bounded(Decimal(part)) for part in ratio.groups())
        if denominator == 0:
            raise ValueProblem(say("value.divides_by_zero", text=text))
        return Fraction(_bounded(Fraction(int(numerator), int(denominator))))
    raise ValueProblem(say("value.not_a_number", text=text))


def _digit_mark(text: str) -> str | None:
    """A character of ``text`` that is a digit but no decimal digit: a
    superscript, a subscript or a circled digit (``²``, ``₁``, ``①``, ``⒈``),
    which NFKC makes an ASCII digit. Beside a figure it marks a footnote
    (``12²``): read as a digit, the figure would be another (122), silently.
    (Full-width and other scripts' decimal digits, ``９８``, are digits.)"""
    if text.isascii() or not any(c.isdigit() and not c.isdecimal() for c in text):
        return None
    # (A unit's sign after the number is no mark: ``50 m²``.)
    match = _TRAILING_WORD.match(text)
    if match is not None:
        word = match.group(2).strip().lower()
        if {word, unicodedata.normalize("NFKC", word)} & _unit_words():
            text = match.group(1)
    return next((c for c in text if c.isdigit() and not c.isdecimal()), None)


@attrs.frozen
class Observation:
    """One reported figure: a measure's value in a year (and a district)."""

    measure: str
    year: int
    value: Fraction | None
    district: str | None = None
    #: Where it was read, in English (``figures.csv: row 3``): the JSON
    #: output's words.
    origin: str = ""
    #: The file it was read from and where in it, in words of either language,
    #: when a reader knows them (else `origin` is shown as it is).
    place: tuple[str, Text] | None = attrs.field(default=None, eq=False, repr=False)

    def said_origin(self) -> Text:
        """Where it was read, in either language."""
        if self.place is None:
            return say("data.value", value=self.origin)
        file, where = self.place
        return say("figures.origin", file=file, where=where) if file else where


# A date may carry a time of day (its date is read), nothing else: "2020-01-01 anything"
# is not a date.
_TIME = r"(?:[ T]\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?"
_WRITTEN_DAYS = (
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME + r"\Z"),
    re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?" + _TIME + r"\Z"),
    re.compile(r"(\d{4})(\d{2})(\d{2})\Z"),
)


def written_day(text: str) -> tuple[int, int, int] | None:
    """The year, month and day a date is written with, as offices write it
    (``2024-03-05``, ``2024/3/5``, ``2024.3.5``, ``2024年3月5日``,
    ``20240305``, a date-time's date), or None for any other text; a
    normalised text (`qrules._tabular.normal`: full-width digits as ASCII).
    Whether it is a day (``2024-02-30``) is the caller's to ask. One reading
    for a log's date cells and the dates declared for its reach
    (``--log-until``).

    >>> written_day("2024年3月5日"), written_day("45356")
    ((2024, 3, 5), None)
    """
    for pattern in _WRITTEN_DAYS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return year, month, day
    return None


def parse_year(value: object) -> int | None:
    """A year as offices write it (``2025``, ``2025年``, ``2025年度``, a number
    cell); ``None`` when it is not a year from 1900 to 2200."""
    if isinstance(value, str):
        return _year_of(value)  # a sheet repeats its years: each text is read once
    return _year(value)


@functools.lru_cache(maxsize=1024)
def _year_of(text: str) -> int | None:
    return _year(text)


def _year(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        year = value
    elif isinstance(value, float) and value.is_integer():
        year = int(value)
    elif (
        isinstance(value, Decimal)
        and value.is_finite()
        and value.adjusted() < 4  # (no year has more digits: 1e999999999 never made whole)
        and value == value.to_integral_value()
    ):
        year = int(value)  # (a JSON number written 2025.0, as a float cell)
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
        text = text.removesuffix("年度").removesuffix("年").rstrip()
        if not (text.isascii() and text.isdigit()) or len(text) > 4:
            return None
        year = int(text)
    return year if 1900 <= year <= 2200 else None


_SCALE_WORDS = {
    "百": 100,
    "千": 1000,
    "万": 10_000,
    "十万": 100_000,
    "百万": 1_000_000,
    "千万": 10_000_000,
    "亿": 100_000_000,
}
_FIGURE_COLUMNS = ("year", "district", "measure", "value")


@attrs.frozen
class FiguresMapping:
    """How one office's sheets of reported figures name things: the
    ``[figures]`` part of a mapping file (``docs/datasets.md``).

    ``columns`` maps a canonical column (year, district, measure, value) to
    the names it may have; ``measures`` a name as written (normalised) to a
    measure id; ``districts`` a district as written to the district meant
    (``""``: the whole city); ``scale`` a column (as written) to the factor
    its values are multiplied by (a column in 万: 10000). A column's name,
    in ``columns`` and ``scale`` alike, finds its column in any case
    (`_tabular.column_name`, the rule of the records part's too).
    """

    columns: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    measures: Mapping[str, str] = attrs.field(factory=dict)
    districts: Mapping[str, str] = attrs.field(factory=dict)
    scale: Mapping[str, Fraction] = attrs.field(factory=dict)
    name: str = "<mapping>"

    @classmethod
    def parse(
        cls, data: Mapping[str, Any], problem: Callable[..., None], *, name: str = "<mapping>"
    ) -> FiguresMapping:
        """The ``[figures]`` table of a mapping file; each problem is given to
        ``problem(message, key, hint)``."""
        out: dict[str, Any] = {}
        for section, inner in data.items():
            key = f"figures.{section}"
            if section not in ("columns", "measures", "districts", "scale") or not isinstance(
                inner, Mapping
            ):
                problem(
                    say("mapping.figures_tables"),
                    key,
                    suggestion(section, ("columns", "measures", "districts", "scale")),
                )
                continue
            out[section] = _PARTS[section](key, inner, problem)
        return cls(**out, name=name)


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def mapped_alike(
    key: str,
    pairs: Iterable[tuple[str, str]],
    problem: Callable[..., None],
    read_as: Callable[[str], str] = normal,
) -> None:
    """A problem for each key of a mapping file's table (``key``) that reads
    as an earlier one (``read_as``: as every cell is read, `_tabular.normal`,
    invisible characters removed, NFKC, trimmed: ``Ａ`` and ``A``, ``"B "``
    and ``"B"``, ``"A\u200b"`` and ``"A"``; a flag's also in lower case) yet
    maps to another value (``pairs``: each key as
    written, and its value as shown). Such a table says two things of one
    cell, and which one it meant would be decided by the order of its lines:
    a register's ``A`` read as ``high`` or as ``low``."""
    seen: dict[str, tuple[str, str]] = {}
    for written, value in pairs:
        read = read_as(written)
        first, other = seen.setdefault(read, (written, value))
        if other != value:
            problem(
                say("mapping.read_alike", written=written, first=first, value=value, other=other),
                f"{key}.{written}",
            )


def _figure_columns(
    key: str, data: Mapping[str, Any], problem: Callable[..., None]
) -> dict[str, tuple[str, ...]]:
    columns: dict[str, tuple[str, ...]] = {}
    for canonical, names in data.items():
        if canonical not in _FIGURE_COLUMNS:
            problem(
                say("mapping.unknown_figures_column"),
                f"{key}.{canonical}",
                suggest(canonical, _FIGURE_COLUMNS),
            )
            continue
        listed = [names] if isinstance(names, str) else names
        if (
            not isinstance(listed, list)
            or not listed
            or not all(isinstance(n, str) and n.strip() for n in listed)
        ):
            problem(say("mapping.column_names"), f"{key}.{canonical}")
            continue
        columns[canonical] = tuple(_normal(n) for n in listed)
    return columns


def _names(key: str, data: Mapping[str, Any], problem: Callable[..., None]) -> dict[str, str]:
    names: dict[str, str] = {}
    mapped_alike(key, ((w, _normal(m)) for w, m in data.items() if isinstance(m, str)), problem)
    for written, meant in data.items():
        if not isinstance(meant, str) or (key.endswith("measures") and not meant.strip()):
            problem(
                say(
                    "mapping.measure_text" if key.endswith("measures") else "mapping.district_text"
                ),
                f"{key}.{written}",
            )
            continue
        names[_normal(written)] = _normal(meant)
    return names


def _scales(key: str, data: Mapping[str, Any], problem: Callable[..., None]) -> dict[str, Fraction]:
    scales: dict[str, Fraction] = {}
    read: list[tuple[str, str]] = []
    for column, given in data.items():
        factor: Fraction | None = None
        if isinstance(given, int) and not isinstance(given, bool) and given > 0:
            factor = Fraction(given)
        elif isinstance(given, str):
            text = _normal(given)
            if text in _SCALE_WORDS:
                factor = Fraction(_SCALE_WORDS[text])
            elif _DECIMAL.match(text) or _RATIO.match(text):
                factor = Fraction(text.replace(" ", ""))
        if factor is None or factor <= 0:
            problem(say("mapping.scale"), f"{key}.{column}")
            continue
        scales[_normal(column)] = factor
        read.append((column, format_number(factor)))
    mapped_alike(key, read, problem, read_as=column_name)
    return scales


_PARTS: dict[str, Callable[[str, Mapping[str, Any], Callable[..., None]], Any]] = {
    "columns": _figure_columns,
    "measures": _names,
    "districts": _names,
    "scale": _scales,
}


# -- names as compared ----------------------------------------------------------

#: Traditional forms of the characters a name is compared by (the words of a
#: total, of a kind of district, the city's name): ``合計`` is ``合计``,
#: ``煙台`` is ``烟台``.
_TRADITIONAL = str.maketrans("計總匯數區縣臺煙體個", "计总汇数区县台烟体个")
#: What a district's name may end with: ``芝罘区`` is also written ``芝罘``.
_DISTRICT_SUFFIXES = ("区", "县", "市", "旗", "district", "county", "city")


#: How many characters `compared_name`'s table keeps (`_Compared`).
_MOST_TOLD = 65_536


class _Compared(dict[int, "int | None"]):
    """`compared_name`'s table for `str.translate`: a character dropped (``None``:
    punctuation, a space or separator, a control or format character), one in
    its simplified form (`_TRADITIONAL`), or kept as it is. Each character is
    told by its Unicode category once, then looked up; at most `_MOST_TOLD`
    are kept (a hostile file may hold many distinct ones)."""

    def __missing__(self, code: int) -> int | None:
        told = None if unicodedata.category(chr(code))[0] in "PZC" else code
        if len(self) < _MOST_TOLD:
            self[code] = told
        return told


_COMPARED = _Compared(_TRADITIONAL)


def compared_name(text: str) -> str:
    """A name as compared: NFKC, case-folded, without spaces or punctuation
    (full-width or not), in simplified characters, so that ``质量强县（市、区）``
    is ``质量强县市区`` and ``合計`` is ``合计``."""
    return unicodedata.normalize("NFKC", text).casefold().translate(_COMPARED)


#: A place written in brackets after a district's name: ``芝罘区（烟台市）``.
_BRACKETED = re.compile(r"[(（［\[【〔][^()（）［］\[\]【】〔〕]*[)）］\]】〕]\s*\Z")


def district_stem(district: str) -> str:
    """A district's name as compared with the others: `compared_name` without
    the word for what it is, so that ``芝罘``, ``芝罘区`` and ``芝罘 区`` are one
    name, nor a place written in brackets after it (``芝罘区（烟台市）``)."""
    key = compared_name(_BRACKETED.sub("", district.strip()) or district)
    for suffix in _DISTRICT_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)]
    return key


def _chinese(ch: str) -> bool:
    """Whether ``ch`` is a Chinese character (a CJK unified ideograph)."""
    return "\u3400" <= ch <= "\u9fff" or "\U00020000" <= ch <= "\U0003134f"


@functools.lru_cache(maxsize=4096)
def _unsimplified(ch: str) -> bool:
    """Whether ``ch`` is a Chinese character outside GB 2312, the set
    simplified Chinese is written in: most likely a traditional form
    (``萊``, ``龍``, ``遠``) of one that `_TRADITIONAL` does not know."""
    if not _chinese(ch):
        return False
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return True
    return False


def _alike(one: str, other: str) -> bool:
    """Whether ``one`` and ``other``, as long, may be one name, one of them
    written in traditional characters: where they differ, either character
    is outside GB 2312 (``萊山`` and ``莱山``)."""
    return all(
        a == b or _unsimplified(a) or _unsimplified(b) for a, b in zip(one, other, strict=True)
    )


#: The longest name of a district looked for at the end of another's.
_LONGEST_STEM = 16


def _paired(stems: Sequence[str]) -> Iterator[tuple[str, str]]:
    """Pairs of ``stems`` that may be one district written two ways: alike but
    for traditional characters (`_alike`: ``萊山`` and ``莱山``), or one
    ending, after the names of the places it is in, with a name alike the
    other of two Chinese characters or more (``烟台市芝罘`` and ``芝罘``,
    ``烟台市萊山`` and ``莱山``). Each stem's ends are compared with the stems
    as long: by a lookup, and with those holding a character outside GB 2312
    (all of them, for an end holding one)."""
    known = set(stems)
    by_length: dict[int, list[str]] = {}
    unsimplified: dict[int, list[str]] = {}
    for stem in stems:
        by_length.setdefault(len(stem), []).append(stem)
        if any(map(_unsimplified, stem)):
            unsimplified.setdefault(len(stem), []).append(stem)
    for stem in stems:
        ends = [stem[-n:] for n in range(2, min(len(stem), _LONGEST_STEM + 1))]
        for end in [stem, *(e for e in ends if all(map(_chinese, e)))]:
            if end != stem and end in known:
                yield end, stem
            tested = by_length if any(map(_unsimplified, end)) else unsimplified
            for other in tested.get(len(end), ()):
                if other not in (stem, end) and _alike(end, other):
                    yield other, stem


def spelled_twice(districts: Iterable[str]) -> list[list[str]]:
    """The districts among ``districts`` (each once, in order) that are one
    district written two ways or more, each group in order: the same
    `district_stem`, or stems alike but for traditional characters or for
    the places a district is in (`_paired`). More than `MAX_DISTRICTS`
    distinct names: a `QRulesError` (no column of a city's districts holds
    so many; comparing them costs more than their number)."""
    by_stem: dict[str, list[str]] = {}
    for district in dict.fromkeys(districts):
        by_stem.setdefault(district_stem(district), []).append(district)
    stems = list(by_stem)
    if len(stems) > MAX_DISTRICTS:
        raise QRulesError(say("data.too_many_districts", count=len(stems), most=MAX_DISTRICTS))
    order = {stem: k for k, stem in enumerate(stems)}
    root = {stem: stem for stem in stems}

    def find(stem: str) -> str:
        while root[stem] != stem:
            root[stem] = root[root[stem]]
            stem = root[stem]
        return stem

    for one, other in _paired(stems):
        first, second = sorted((find(one), find(other)), key=order.__getitem__)
        root[second] = first
    groups: dict[str, list[str]] = {}
    for stem in stems:
        groups.setdefault(find(stem), []).extend(by_stem[stem])
    return [names for names in groups.values() if len(names) > 1]
