"""Reported figures: reading values exactly, and datasets of yearly observations."""

from __future__ import annotations

import csv
import io
import json
import math
import numbers
import re
import unicodedata
from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from ._errors import DataError, Problem, did_you_mean
from ._limits import number_problem
from ._plausible import implausible

if TYPE_CHECKING:
    from ._model import Rulebook, Unit

__all__ = ["MISSING_MARKERS", "Dataset", "Observation", "parse_value", "read_dataset"]

#: Texts that offices write for "no figure": each reads as missing, never as zero.
MISSING_MARKERS = frozenset(
    {"", "—", "——", "-", "–", "无", "暂无", "na", "n/a", "null", "none", "/"}
)

_DECIMAL = re.compile(r"[+-]?\d+(?:\.\d+)?\Z")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?\Z")
_RATIO = re.compile(r"([+-]?\d+)\s*/\s*(\d+)\Z")


class ValueProblem(ValueError):
    """A single value could not be read; the caller adds where it was."""


def parse_value(value: object, unit: Unit | None = None) -> Fraction | None:
    """Read a reported value exactly; ``None`` means missing.

    Text may be written as offices write it: ``"98.6%"`` (for a percent
    measure), ``"1,234"``, full-width digits, ``"197/2"``, or a missing marker
    such as ``"—"`` or ``"无"``. A float is read as the shortest decimal that
    prints as it (``0.1`` is one tenth), never as its binary approximation.

    >>> parse_value("９８.５%"), parse_value("1,234"), parse_value("无")
    (Fraction(197, 2), Fraction(1234, 1), None)
    """
    result = _parse(value, unit)
    if result is not None and unit is not None:
        if result < 0:
            raise ValueProblem(f"{_show(value)} is negative; {unit.id} values cannot be")
        if unit.integer and result.denominator != 1:
            raise ValueProblem(f"{_show(value)} is not a whole number of {unit.en or unit.id}")
    return result


def _show(value: object) -> str:
    return repr(value) if not isinstance(value, str) else f"'{value}'"


def _parse(value: object, unit: Unit | None) -> Fraction | None:
    # Each number is measured before it is made exact: Fraction(Decimal("1e100000000"))
    # would compute every digit.
    if isinstance(value, Decimal | Fraction):
        _check(value)
    elif isinstance(value, numbers.Integral) and not isinstance(value, bool):
        _check(int(value))
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueProblem(f"{value!r} is a truth value, not a number")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, numbers.Integral):
        return Fraction(int(value))
    if isinstance(value, Decimal):
        if value.is_nan():
            return None
        if not value.is_finite():
            raise ValueProblem(f"{value!r} is not a finite number")
        return Fraction(value)
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            raise ValueProblem(f"{value!r} is not a finite number")
        return Fraction(_bounded(Decimal(repr(value))))
    if isinstance(value, numbers.Rational):
        return Fraction(_bounded(Fraction(int(value.numerator), int(value.denominator))))
    if isinstance(value, str):
        return _parse_text(value, unit)
    raise ValueProblem(f"expected a number or text, got {type(value).__name__} {value!r}")


_Number = TypeVar("_Number", Decimal, Fraction, int)


def _check(number: Decimal | Fraction | int) -> None:
    """A `ValueProblem` unless the number is within the limits on what is read
    (docs/security.md)."""
    problem = number_problem(number)
    if problem is not None:
        # The value is not shown: a number this long cannot always be printed.
        raise ValueProblem(f"a number {problem}: qrules reads figures up to 10^30 "
                           "in magnitude, written with at most 60 digits")


def _bounded(number: _Number) -> _Number:
    _check(number)
    return number


def _parse_text(text: str, unit: Unit | None) -> Fraction | None:
    normal = unicodedata.normalize("NFKC", text).strip()
    if normal.lower() in MISSING_MARKERS:
        return None
    percent = normal.endswith("%")
    if percent:
        if unit is not None and unit.id != "percent":
            raise ValueProblem(
                f"'{text}' is a percentage, but the measure is in {unit.en or unit.id}"
            )
        normal = normal[:-1].rstrip()
    if _GROUPED.match(normal):
        normal = normal.replace(",", "")
    if _DECIMAL.match(normal):
        return Fraction(_bounded(Decimal(normal)))
    ratio = _RATIO.match(normal)
    if ratio and not percent:
        # Each side's digits are measured before int() would meet its 4,300-digit limit.
        numerator, denominator = (_bounded(Decimal(part)) for part in ratio.groups())
        if denominator == 0:
            raise ValueProblem(f"'{text}' divides by zero")
        return Fraction(_bounded(Fraction(int(numerator), int(denominator))))
    raise ValueProblem(
        f"'{text}' is not a number; write a decimal such as 98.5, 1,234 or 98.5%, "
        "or leave it empty when the figure is missing"
    )


@attrs.frozen
class Observation:
    """One reported figure: a measure's value in a year (and a district)."""

    measure: str
    year: int
    value: Fraction | None
    district: str | None = None
    origin: str = ""


@attrs.frozen
class Dataset:
    """Reported figures, one observation per measure, year and district."""

    name: str
    observations: tuple[Observation, ...]

    @property
    def rows_read(self) -> int:
        return len(self.observations)

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted({o.year for o in self.observations}))

    @classmethod
    def from_mapping(
        cls, rulebook: Rulebook, values: Mapping[str, object], *, year: int,
        district: str | None = None, name: str = "<mapping>",
    ) -> Dataset:
        """A dataset from ``{measure id: value}`` for one year."""
        rows = [
            {"measure": measure, "year": year, "district": district, "value": value}
            for measure, value in values.items()
        ]
        return _build(rulebook, name, rows, lambda i, key: f"key {rows[i]['measure']!r}")


_COLUMNS = ("year", "district", "measure", "value")
_REQUIRED = ("year", "measure", "value")


def read_dataset(path: str | Path, rulebook: Rulebook) -> Dataset:
    """Read reported figures from a CSV or JSON file.

    CSV has the columns ``year``, ``measure``, ``value`` and optionally
    ``district``; JSON is a list of objects with those keys. Every problem in
    the file is reported at once, each with its row and column.
    """
    path = Path(path)
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise DataError(str(path), [Problem(name, f"cannot read: {error.strerror}")]) from None
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows, problems = _csv_rows(name, raw)
        origin = lambda i, key: f"row {i + 2}, column {key!r}"  # noqa: E731 (header is row 1)
    elif suffix == ".json":
        rows, problems = _json_rows(name, raw)
        origin = lambda i, key: f"item {i}, key {key!r}"  # noqa: E731
    else:
        raise DataError(
            str(path),
            [Problem(name, f"unknown file type {suffix or '(none)'!r}; use .csv or .json")],
        )
    if problems:
        raise DataError(str(path), problems)
    return _build(rulebook, name, rows, origin)


def _decode(name: str, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataError(
            name,
            [Problem(name, f"not UTF-8 (byte {error.start}): save the file as UTF-8")],
        ) from None


def _csv_rows(name: str, raw: bytes) -> tuple[list[dict[str, Any]], list[Problem]]:
    reader = csv.DictReader(io.StringIO(_decode(name, raw), newline=""))
    rows: list[dict[str, Any]] = []
    try:
        header = [h.strip() for h in reader.fieldnames or []]
        problems = _check_columns(name, header)
        if problems:
            return [], problems
        reader.fieldnames = header
        for number, row in enumerate(reader, start=2):
            if None in row:
                problems.append(Problem(name, "more cells than columns", where=f"row {number}"))
                continue
            rows.append({k: (v if v is not None else "") for k, v in row.items()})
    except csv.Error as error:  # a field over the csv module's limit, a NUL...
        return [], [Problem(name, f"not a readable CSV file: {error}",
                            where=f"line {reader.reader.line_num}")]
    return rows, problems


def _check_columns(name: str, header: Iterable[str]) -> list[Problem]:
    header = list(header)
    problems = []
    for column in header:
        if column not in _COLUMNS:
            problems.append(Problem(
                name, f"unknown column {column!r}", where="header",
                hint=did_you_mean(column, _COLUMNS) or f"columns are {', '.join(_COLUMNS)}",
            ))
    for column in _REQUIRED:
        if column not in header:
            problems.append(Problem(name, f"missing column {column!r}", where="header"))
    return problems


def _json_rows(name: str, raw: bytes) -> tuple[list[dict[str, Any]], list[Problem]]:
    try:
        # Numbers are kept as Decimal text, so 98.5 never passes through a float.
        # A long integer stays a Decimal too, to be measured before int() would
        # meet its 4,300-digit limit.
        data = json.loads(_decode(name, raw), parse_float=Decimal,
                          parse_int=lambda text: int(text) if len(text) < 32 else Decimal(text))
    except json.JSONDecodeError as error:
        return [], [Problem(name, f"not valid JSON: {error.msg}",
                            where=f"line {error.lineno}, column {error.colno}")]
    except RecursionError:
        return [], [Problem(name, "not valid JSON: nested too deeply",
                            hint="a dataset is an array of objects of numbers and text")]
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        return [], [Problem(name, "expected a JSON array of objects "
                                  "with keys year, measure, value (and district)")]
    problems = []
    for index, item in enumerate(data):
        for key in _check_columns(name, item.keys()):
            problems.append(attrs.evolve(key, where=f"item {index}"))
        for key, value in item.items():
            # JSON can escape half of a surrogate pair (\ud800): no text is made of it.
            if any(isinstance(s, str) and _SURROGATE.search(s) for s in (key, value)):
                problems.append(Problem(name, "a lone surrogate (\\ud800 to \\udfff) is "
                                        "not text", where=f"item {index}, key {key!r}"))
    return data, problems


_SURROGATE = re.compile("[\ud800-\udfff]")


def _build(
    rulebook: Rulebook, name: str, rows: list[dict[str, Any]], origin: Any
) -> Dataset:
    problems: list[Problem] = []
    seen: dict[tuple[str, int, str | None], str] = {}
    observations = []
    places: list[str] = []  # where each observation's value is, for `implausible`
    for index, row in enumerate(rows):
        measure_id = str(row["measure"]).strip()
        measure = rulebook.measures.get(measure_id)
        if measure is None:
            problems.append(Problem(
                name, f"unknown measure {measure_id!r} in rulebook {rulebook.id!r}",
                where=origin(index, "measure"),
                hint=did_you_mean(measure_id, rulebook.measures)
                or "`qrules list` shows the measures",
            ))
            continue
        year = _year(row["year"])
        if year is None:
            problems.append(Problem(name, f"year {row['year']!r} is not a year such as 2025",
                                    where=origin(index, "year")))
            continue
        district = row.get("district")
        district = str(district).strip() or None if district is not None else None
        try:
            value = parse_value(row["value"], measure.unit)
        except ValueProblem as error:
            problems.append(Problem(name, f"{measure_id}: {error}", where=origin(index, "value")))
            continue
        key = (measure_id, year, district)
        where = origin(index, "measure").rsplit(",", 1)[0]
        if key in seen:
            problems.append(Problem(
                name, f"{measure_id!r} for {year}{' in ' + district if district else ''} "
                      f"is given twice (first at {seen[key]})", where=where,
            ))
            continue
        seen[key] = where
        observations.append(Observation(measure_id, year, value, district, f"{name}: {where}"))
        places.append(origin(index, "value"))
    problems += implausible(rulebook, observations, name, places)
    if problems:
        raise DataError(name, problems)
    return Dataset(name, tuple(observations))


def _year(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        year = value
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip().removesuffix("年")
        if not text.isdigit():
            return None
        year = int(text)
    return year if 1900 <= year <= 2200 else None
