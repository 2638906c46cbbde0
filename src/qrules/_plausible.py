"""Plausibility of reported figures: what the rulebook says a value can be.

A measure's values lie within its bounds (`Measure.lower`, `Measure.upper`: by
default at least 0, and at most 100 for a percentage), a part is at most its
whole (`Measure.at_most`: samples passed, at most samples tested), and a share
computed from its counts is within its own bounds too. A figure that breaks
them is a data error with its row, never judged: a verdict on an impossible
figure would hold for no reading of the data.

`doubtful` finds what is possible but not consistent: a reported share that
differs from the one its counts give by more than its rounding. Judging goes
on (the counts decide, and the result says so) unless asked to be strict.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, TypeAlias

from ._errors import Problem
from ._expr import format_number
from ._messages import Text, joined, say
from ._model import Measure

if TYPE_CHECKING:
    from ._data import Observation  # the reader calls this module: no import back
    from ._rulebook import Rulebook

__all__ = ["agrees", "doubtful", "implausible"]

_Key = tuple[int, str | None]
_Row: TypeAlias = "dict[str, tuple[Observation, Text]]"


def _rows(
    observations: Sequence[Observation], file: str, places: Sequence[Text] | None
) -> dict[_Key, _Row]:
    """Each year and district's observations with the place of each value."""
    rows: dict[_Key, _Row] = {}
    for index, observation in enumerate(observations):
        place = places[index] if places is not None else _place(observation, file)
        rows.setdefault((observation.year, observation.district), {})[observation.measure] = (
            observation,
            place,
        )
    return rows


def _place(observation: Observation, file: str) -> Text:
    if observation.place is not None and observation.place[0] == file:
        return observation.place[1]  # where in the file, in words of either language
    origin = observation.origin.removeprefix(f"{file}: ")
    if origin:
        return say("data.value", value=origin)  # an origin given as a string: as it is
    return say(
        "plausible.place",
        measure=observation.measure,
        when=_when((observation.year, observation.district)),
    )


def _when(key: _Key) -> Text:
    year, district = key
    if district:
        return say("plausible.when_district", year=year, district=district)
    return say("plausible.when", year=year)


def _bounds(measure: Measure) -> Text:
    """The bounds as people write them: ``0 to 100``, ``at least 0``."""
    if measure.upper is None:
        return say("plausible.at_least", lower=format_number(measure.lower))
    return say(
        "plausible.between", lower=format_number(measure.lower), upper=format_number(measure.upper)
    )


def implausible(
    rulebook: Rulebook,
    observations: Sequence[Observation],
    file: str,
    places: Sequence[Text] | None = None,
) -> list[Problem]:
    """Every figure outside what its measure's bounds and relations allow.

    ``places`` gives where each observation's value is (``row 5, column
    'value'``), in the order of ``observations``; by default, its origin.
    """
    measures = rulebook.measures
    problems: list[Problem] = []
    for key, row in _rows(observations, file, places).items():
        flagged: set[str] = set()
        for name, (observation, place) in row.items():
            measure = measures.get(name)
            value = observation.value
            if measure is None or value is None:
                continue
            if not measure.within(value):
                flagged.add(name)
                problems.append(
                    Problem(
                        file,
                        say(
                            "plausible.outside",
                            name=name,
                            value=format_number(value),
                            when=_when(key),
                            bounds=_bounds(measure),
                            unit=_unit(measure),
                        ),
                        where=place,
                        hint=say("plausible.outside_hint"),
                    )
                )
            for whole in measure.at_most:
                found = row.get(whole)
                if found is None or found[0].value is None or value <= found[0].value:
                    continue
                flagged |= {name, whole}
                problems.append(
                    Problem(
                        file,
                        say(
                            "plausible.more_than_whole",
                            name=name,
                            value=format_number(value),
                            whole=whole,
                            whole_value=format_number(found[0].value),
                            place=found[1],
                            when=_when(key),
                            part_name=Text(measure.name.zh, measure.name.en.lower()),
                            whole_name=Text(
                                measures[whole].name.zh, measures[whole].name.en.lower()
                            ),
                        ),
                        where=place,
                        hint=say("plausible.correct_one"),
                    )
                )
        problems += _computed(rulebook, key, row, file, flagged)
    return problems


def _unit(measure: Measure) -> Text:
    label = measure.unit.en
    if not label or label == "%":
        return Text("", "")
    return say("plausible.unit", zh=measure.unit.zh, en=label)


def _computed(
    rulebook: Rulebook, key: _Key, row: _Row, file: str, flagged: set[str]
) -> list[Problem]:
    """Shares computed from counts that fall outside their measure's bounds
    (when no bound or relation of the counts has said so already)."""
    measures = rulebook.measures
    problems = []
    for measure in measures.values():
        if measure.formula is None or not measure.formula.names <= row.keys():
            continue
        value = _from_counts(rulebook, measure, row)
        if value is None or measure.within(value):
            continue
        names = sorted(measure.formula.names) if measure.formula is not None else []
        if flagged & set(names):
            continue
        counts = joined(
            tuple(
                say(
                    "plausible.count",
                    name=n,
                    value=format_number(row[n][0].value or Fraction(0)),
                    place=row[n][1],
                )
                for n in names
            ),
            say("list.comma"),
        )
        problems.append(
            Problem(
                file,
                say(
                    "plausible.computed_outside",
                    measure=measure.id,
                    counts=counts,
                    when=_when(key),
                    value=format_number(value),
                    bounds=_bounds(measure),
                ),
                where=row[names[0]][1],
                hint=say("plausible.correct_counts"),
            )
        )
    return problems


def _from_counts(rulebook: Rulebook, measure: Measure, row: _Row) -> Fraction | None:
    """The measure computed from its formula's inputs in a row, when all are there."""
    formula = measure.formula
    if formula is None or not formula.names <= row.keys():
        return None
    env: dict[str, Fraction] = {}
    for name in formula.names:
        value = row[name][0].value
        if value is None:
            return None
        env[name] = value
    try:
        form = rulebook.compiled.expression(rulebook.measures, measure.id, frozenset({measure.id}))
        return form.value(env)
    except (KeyError, ZeroDivisionError):
        return None


def doubtful(
    rulebook: Rulebook,
    observations: Sequence[Observation],
    file: str,
    places: Sequence[Text] | None = None,
) -> list[Problem]:
    """Reported values that differ from what their counts give, by more than the
    rounding of the value as written (``98.5`` stands for 98.45 to 98.55)."""
    measures = rulebook.measures
    problems = []
    for key, row in _rows(observations, file, places).items():
        for name, (observation, place) in row.items():
            measure = measures.get(name)
            reported = observation.value
            if measure is None or reported is None:
                continue
            computed = _from_counts(rulebook, measure, row)
            if computed is None or agrees(reported, computed):
                continue
            inputs = sorted(measure.formula.names) if measure.formula is not None else []
            counts = joined(
                tuple(say("plausible.input", name=n, place=row[n][1]) for n in inputs),
                say("list.comma"),
            )
            problems.append(
                Problem(
                    file,
                    say(
                        "plausible.differs",
                        name=name,
                        value=format_number(reported),
                        when=_when(key),
                        computed=format_number(computed),
                        counts=counts,
                    ),
                    where=place,
                    hint=say("plausible.differs_hint"),
                )
            )
    return problems


def agrees(reported: Fraction, computed: Fraction) -> bool:
    """Whether a reported value is ``computed`` rounded to the places it is written
    to: ``98.5`` agrees with 98.48, ``99`` with 98.6, ``99.5`` not with 98.6."""
    return abs(computed - reported) <= _half_unit(reported)


def _half_unit(value: Fraction) -> Fraction:
    """Half a unit of the last decimal place ``value`` is written to (0 for a
    value with no finite decimal, which was not rounded)."""
    for places in range(12):
        if (value * 10**places).denominator == 1:
            return Fraction(1, 2 * 10**places)
    return Fraction(0)
