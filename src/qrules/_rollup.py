"""The city's figures from its districts' rows.

A dataset may report a measure for each district and not for the city. For a
unit that adds up (counts, areas), the city's value is then the sum of its
districts', *derived* and labelled as such, and only when every district the
dataset knows reports a value for that measure and year: a sum over some
districts is not the city's. A rate, score or index is never summed or
averaged; a rate with a formula is computed for the city from its summed
counts instead. Where the city reports a value and its districts' values sum
to something else, the city's value is judged and the disagreement is said;
a verdict then holds only if the districts' sum gives it too (`_judge`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING

import attrs

from ._data import Observation
from ._expr import format_number
from ._messages import joined, listed, say
from ._model import Lang, Measure, Text

if TYPE_CHECKING:
    from ._figures import Dataset

__all__ = ["Derivation", "Rollup", "contradiction", "roll_up"]


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
        return self.said().get(lang)

    def said(self) -> Text:
        """The derivation in words, in both languages."""
        count = len(self.districts)
        return say(
            "rollup.sum",
            value=format_number(self.value),
            count=count,
            s="s" if count != 1 else "",
            districts=listed(self.districts),
        )

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
    #: Of those, the districts' sum and the rows it and the city's value come
    #: from (the city's row first): the other reading of the city's value.
    contradicting: Mapping[tuple[int, str], tuple[Fraction, tuple[Observation, ...]]] = attrs.field(
        factory=dict
    )
    #: Whether the districts are every district of the city (the rulebook lists
    #: them): the sum is then the city's value on that reading, else the least
    #: it can be.
    complete: bool = False

    def city_rows(self, reported: Iterable[Observation]) -> list[Observation]:
        """The city's rows: those reported, and the derived ones."""
        rows = list(reported)
        rows += [
            Observation(d.measure, d.year, d.value, None, d.describe(), ("", d.said()))
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
    contradicting: dict[tuple[int, str], tuple[Fraction, tuple[Observation, ...]]] = {}
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
            contradicting[key] = (total, (reported, *rows.values()))  # as the rows came
    return Rollup(districts, derived, gaps, conflicts, contradicting, complete)


def _not_additive(measure: Measure) -> Text:
    return say("rollup.not_additive", measure=_named(measure), unit=measure.unit.said())


def _named(measure: Measure) -> Text:
    """A measure as these messages name it: ``企业数(firms)``, ``firms``."""
    return say("rollup.measure", measure=measure.name, id=measure.id)


def _incomplete(
    measure: Measure,
    year: int,
    absent: list[str],
    empty: list[str],
    rows: Mapping[str, Observation],
) -> Text:
    parts = []
    if absent:
        parts.append(say("rollup.no_row", districts=listed(absent)))
    if empty:
        parts.append(
            say(
                "rollup.no_value",
                districts=listed(empty),
                where=joined(tuple(rows[d].said_origin() for d in empty), say("list.semicolon")),
            )
        )
    return say(
        "rollup.incomplete",
        year=year,
        measure=_named(measure),
        parts=joined(tuple(parts), say("list.semicolon")),
    )


def _conflict(
    measure: Measure, year: int, total: Fraction, reported: Observation, count: int
) -> Text:
    shown, city = format_number(total), format_number(reported.value or Fraction(0))
    return say(
        "rollup.conflict",
        year=year,
        measure=_named(measure),
        count=count,
        total=shown,
        city=city,
        origin=reported.said_origin(),
    )


def contradiction(
    measure: Measure, year: int, total: Fraction, city: Observation, rows: Text, count: int
) -> Text:
    """A city's row and the sum of its ``count`` districts' (read from ``rows``)
    that contradict it, in words naming both."""
    return say(
        "evaluate.city_contradiction",
        year=year,
        measure=_named(measure),
        city=format_number(city.value or Fraction(0)),
        city_rows=city.said_origin(),
        count=count,
        total=format_number(total),
        district_rows=rows,
    )
