"""Judging what an engine counted: `Counts` to a `Result`, through the same
exact machinery as reported figures (`_judge.judge_year`), and the failing
units every engine lists the same way (`failing_units`).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, TypeAlias

import attrs

from .._judge import judge_year
from .._messages import Text, say
from .._recordspec import FLAGS, RecordSpec, inspections
from .._results import FailingUnit, FailingUnitsLater, Result, Verdict
from .plan import said_text

if TYPE_CHECKING:
    from .._rulebook import Rulebook
    from .plan import RecordQuery

__all__ = [
    "Counts",
    "Shortfall",
    "failing_units",
    "judge_counts",
    "listed_units",
    "shortfall_text",
]


def shortfall_text(spec: RecordSpec, more: int, end: dt.date) -> Text:
    """What a failing unit needs: ``more`` inspections by ``end``, or its flag."""
    if spec.flag is not None:
        return say("records.not_enrolled", flag=FLAGS[spec.flag])
    return say(
        "records.needs",
        inspections=inspections(more, spec.kinds, spec.results, more=True),
        end=str(end),
    )


#: A failing unit as an engine finds it: unit id, name, district, and how many
#: more inspections it needs (for a flag, 1).
Shortfall: TypeAlias = tuple[str, str, "str | None", int]


def failing_units(
    spec: RecordSpec, end: dt.date, rows: Iterable[Shortfall]
) -> tuple[FailingUnit, ...]:
    """Failing units, sorted by unit id, each with what it needs by ``end``: built
    by every engine the same way, and only for a result that is not met (an
    engine hands `Counts` this function with its rows, not the units)."""
    found = list(rows)
    if not found:
        return ()
    units, names, districts, more = zip(*found, strict=True)
    return listed_units(spec, end, units, names, districts, more)


def listed_units(
    spec: RecordSpec,
    end: dt.date,
    units: Sequence[str],
    names: Sequence[str],
    districts: Sequence[str | None],
    more: Sequence[int],
) -> tuple[FailingUnit, ...]:
    """`failing_units` from their columns (as an engine may fetch them): each
    unit's id, name, district and shortfall."""
    # In order as a rule: one pass (a sort of a list in order compares each
    # neighbour once, in C, cheaper than a loop of comparisons).
    if sorted(units) != list(units):
        order = sorted(range(len(units)), key=units.__getitem__)
        units, names = [units[i] for i in order], [names[i] for i in order]
        districts, more = [districts[i] for i in order], [more[i] for i in order]
    texts = {m: shortfall_text(spec, m, end) for m in set(more)}
    # Built in C, without a Python frame per unit (engines list tens of
    # thousands): tuple.__new__ is what FailingUnit._make calls.
    return tuple(
        map(
            tuple.__new__,
            itertools.repeat(FailingUnit),
            zip(
                units,
                names,
                districts,
                map(texts.__getitem__, more),
                more if spec.needs_log else [None] * len(more),
                strict=True,
            ),
        )
    )


# -- judging the counts ---------------------------------------------------------


@attrs.frozen
class Counts:
    """What an engine counted for one query (and district)."""

    total: int
    meeting: int
    #: Units of the population that do not meet the rule, sorted by unit id; or a
    #: function that lists them, so that an engine need build them only for a
    #: result that is not met (see `units`).
    failing: tuple[FailingUnit, ...] | Callable[[], tuple[FailingUnit, ...]] = ()
    #: The function reads only rows fetched already (no query): a result
    #: not met may make its units when they are first read
    #: (`FailingUnitsLater`), not as it is judged.
    fetched: bool = False
    # The units the function listed, kept: judging and the doubts both ask.
    _listed: list[tuple[FailingUnit, ...]] = attrs.field(
        factory=list, init=False, eq=False, repr=False
    )

    def units(self) -> tuple[FailingUnit, ...]:
        if not callable(self.failing):
            return self.failing
        if not self._listed:
            self._listed.append(self.failing())
        return self._listed[0]

    def later(self) -> tuple[FailingUnit, ...] | FailingUnitsLater:
        """The units for a result: made now, or when first read (`fetched`)."""
        if not self.fetched or self._listed or not callable(self.failing):
            return self.units()
        return FailingUnitsLater(self.units)


def judge_counts(
    rulebook: Rulebook, query: RecordQuery, counts: Counts, district: str | None = None
) -> Result:
    """The result of a rule in a year from its two counts.

    The counts are judged as observations of the ``meeting`` and ``total``
    measures, by the engine that judges reported figures (verdict, gap and
    smallest change are the same code); an empty population, or a year the
    log cannot decide, is unknown. The result's source is ``records``.
    """
    rule = query.judged_in(rulebook)
    scope = "district-target" if rule.district_target(district) else rule.scope
    # A district with a target of its own is judged against it.
    rule = (rule.in_district(district) or rule) if district is not None else rule
    if counts.total == 0:
        where = say("records.in_district", district=district) if district else Text("", "")
        reason = say(
            "records.empty_population",
            year=query.year,
            where=where,
            population=query.spec.said_population(),
        )
        return Result(
            rule,
            query.year,
            Verdict.UNKNOWN,
            reason,
            district,
            years=(query.year,),
            population=0,
            meeting=0,
            scope=scope,
            source="records",
        )
    if query.unknown is not None:
        so_far = say("records.so_far", total=counts.total, meeting=counts.meeting)
        reason = (
            said_text(query.unknown_said, so_far)
            if query.unknown_said is not None
            else Text(query.unknown.zh + so_far.zh, query.unknown.en + so_far.en)
        )
        return Result(
            rule,
            query.year,
            Verdict.UNKNOWN,
            reason,
            district,
            years=(query.year,),
            population=counts.total,
            meeting=None,
            scope=scope,
            source="records",
        )
    values = {query.meeting: Fraction(counts.meeting), query.total: Fraction(counts.total)}
    result = judge_year(rulebook, rule, query.year, values, district=district, origin="records")
    failing = counts.later() if result.verdict is Verdict.NOT_MET else ()
    return attrs.evolve(
        result,
        reason=say(
            "records.tally", total=counts.total, meeting=counts.meeting, reason=result.reason
        ),
        population=counts.total,
        meeting=counts.meeting,
        failing_units=failing,
        scope=scope,
        source="records",
    )
