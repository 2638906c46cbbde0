"""The city's figures from its districts' rows.

A dataset may report a measure for each district and not for the city. For a
unit that adds up (counts, areas), the city's value is then the sum of its
districts', *derived* and labelled as such, and only when every district the
dataset knows reports a value for that measure and year: a sum over some
districts is not the city's. A rate, score or index is never summed or
averaged; a rate with a formula is computed for the city from its summed
counts instead. Where the city reports a value and its districts' values sum
to something else, the city's value is judged and the disagreement is said.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING

import attrs

from ._data import Observation
from ._expr import format_number
from ._model import Lang, Measure, Text

if TYPE_CHECKING:
    from ._figures import Dataset

__all__ = ["Derivation", "Rollup", "roll_up"]


@attrs.frozen
class Derivation:
    """A city value derived as the sum of every district's."""

    measure: str
    year: int
    value: Fraction
    districts: tuple[str, ...]
    sources: tuple[Observation, ...] = attrs.field(repr=False, eq=False)

    def describe(self, lang: Lang = "en") -> str:
        """``62 = sum of 3 districts (福山区, 莱山区, 芝罘区)``."""
        names = "、".join(self.districts) if lang == "zh" else ", ".join(self.districts)
        value = format_number(self.value)
        if lang == "zh":
            return f"{value} = {len(self.districts)} 个区县合计({names})"
        count = len(self.districts)
        return f"{value} = sum of {count} district{'s' if count != 1 else ''} ({names})"

    def as_dict(self, lang: Lang = "en") -> dict[str, object]:
        return {
            "measure": self.measure,
            "year": self.year,
            "value": format_number(self.value),
            "districts": list(self.districts),
            "text": self.describe(lang),
        }


@attrs.frozen
class Rollup:
    """What the districts' rows say of the city, by ``(year, measure id)``."""

    #: Every district the dataset names, sorted.
    districts: tuple[str, ...] = ()
    #: City values derived as sums.
    derived: Mapping[tuple[int, str], Derivation] = attrs.field(factory=dict)
    #: Why no city value could be derived from district rows that exist.
    gaps: Mapping[tuple[int, str], Text] = attrs.field(factory=dict)
    #: Reported city values that their districts' sum contradicts.
    conflicts: Mapping[tuple[int, str], Text] = attrs.field(factory=dict)

    def city_rows(self, reported: Iterable[Observation]) -> list[Observation]:
        """The city's rows: those reported, and the derived ones."""
        rows = list(reported)
        rows += [
            Observation(d.measure, d.year, d.value, None, d.describe())
            for d in self.derived.values()
        ]
        return rows

    def notes(self) -> tuple[Text, ...]:
        """The conflicts, for the evaluation's summary."""
        return tuple(self.conflicts[key] for key in sorted(self.conflicts))


def roll_up(
    measures: Mapping[str, Measure],
    dataset: Dataset,
    known: Iterable[str] = (),
    *,
    complete: bool = False,
) -> Rollup:
    """The city values the districts' rows give (see the module's docstring):
    every district in ``known`` (the rulebook's list) or in the dataset must
    report a value for one to be derived. ``complete``: ``known`` holds every
    district of the city (the rulebook lists them), so a city row that is not
    its districts' sum contradicts them."""
    named = {o.district for o in dataset.observations if o.district is not None}
    if not named:
        return Rollup()
    districts = tuple(sorted(named | set(known)))
    city: dict[tuple[int, str], Observation] = {}
    local: dict[tuple[int, str], dict[str, Observation]] = {}
    for observation in dataset.observations:
        key = (observation.year, observation.measure)
        if observation.district is None:
            city[key] = observation
        else:
            local.setdefault(key, {})[observation.district] = observation
    derived: dict[tuple[int, str], Derivation] = {}
    gaps: dict[tuple[int, str], Text] = {}
    conflicts: dict[tuple[int, str], Text] = {}
    for key, rows in sorted(local.items()):
        year, measure_id = key
        measure = measures[measure_id]
        if not measure.unit.additive:
            if key not in city:
                gaps[key] = _not_additive(measure)
            continue
        absent = [d for d in districts if d not in rows]
        empty = [d for d in districts if d in rows and rows[d].value is None]
        if absent or empty:
            if key not in city:
                gaps[key] = _incomplete(measure, year, absent, empty, rows)
            continue
        total = sum((rows[d].value or Fraction(0) for d in districts), Fraction(0))
        reported = city.get(key)
        if reported is None:
            derived[key] = Derivation(
                measure_id, year, total, districts, tuple(rows[d] for d in districts)
            )
        elif reported.value is not None and (
            total > reported.value or (complete and total != reported.value)
        ):
            # The districts a dataset names may be only some of the city's: their
            # sum below the city's figure contradicts it only when the rulebook
            # lists every district; above it, always (a part exceeds the whole).
            conflicts[key] = _conflict(measure, year, total, reported, len(districts))
    return Rollup(districts, derived, gaps, conflicts)


def _not_additive(measure: Measure) -> Text:
    unit = measure.unit
    return Text(
        f"各区县报告了{measure.name.zh}({measure.id}),但该指标({unit.zh or unit.id})"
        "不能按区县相加,也不取平均:请报告全市数值或其计算所需的计数",
        f"the districts report {measure.id}, which does not add up over districts "
        f"({unit.en or unit.id}) and is never averaged: report the city's figure or the "
        "counts it is computed from",
    )


def _incomplete(
    measure: Measure,
    year: int,
    absent: list[str],
    empty: list[str],
    rows: Mapping[str, Observation],
) -> Text:
    parts_zh, parts_en = [], []
    if absent:
        parts_zh.append(f"{'、'.join(absent)}没有该行")
        parts_en.append(f"no row for {', '.join(absent)}")
    if empty:
        where = "; ".join(rows[d].origin for d in empty)
        parts_zh.append(f"{'、'.join(empty)}的数值缺失({where})")
        parts_en.append(f"no value for {', '.join(empty)} ({where})")
    return Text(
        f"{year} 年{measure.name.zh}({measure.id})不能由区县数值相加得出:{';'.join(parts_zh)}",
        f"no city value of {measure.id} for {year} is derived from the districts: "
        f"{'; '.join(parts_en)}",
    )


def _conflict(
    measure: Measure, year: int, total: Fraction, reported: Observation, count: int
) -> Text:
    shown, city = format_number(total), format_number(reported.value or Fraction(0))
    return Text(
        f"{year} 年{measure.name.zh}({measure.id}):{count} 个区县合计 {shown},"
        f"与全市报告值 {city}({reported.origin})不一致;按全市报告值判定",
        f"{measure.id} in {year}: the {count} districts sum to {shown}, but the city's row "
        f"says {city} ({reported.origin}); judged on the city's row",
    )
