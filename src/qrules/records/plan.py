"""What a rule over records counts, year by year: the one place where a rule's
``[rule.records]`` table becomes *what to count*, so that every engine (the
pure-Python reference engine in `qrules.engines.reference`, or SQL generated
from the same plan by `qrules.engines.sql`) counts the same thing and hands
the two counts to the same judge (`records.judge`):

1. `RecordSpec` (on `Rule.records`, built by the loader: `qrules._recordspec`)
   says which register units form the population and what each unit must have;
2. `Coverage` says how far the inspection log reaches;
3. `record_queries` turns both into one `RecordQuery` per rule and year judged,
   with the year's dates spelled out, or the reason the records cannot decide;
4. an engine counts, for a query (and district), the units in the population
   and the units meeting it: `records.judge.Counts`;
5. `records.judge.judge_counts` gives the verdict, through the same exact
   machinery as reported figures (the counts are observations of the rule's
   ``meeting`` and ``total`` measures).

No I/O happens here. The semantics, in SQL over a register ``r`` and a log
``l`` (``docs/records.md`` says it in words)::

    population(q)  = SELECT * FROM r WHERE <each population column IN its values>
                       AND (r.registered IS NULL OR r.registered <= q.end)
                       AND (r.closed IS NULL OR r.closed >= q.start)
    inspections(u) = SELECT count(*) FROM l WHERE l.unit = u.unit
                       AND l.date BETWEEN q.start AND q.end
                       [AND l.kind IN q.kinds] [AND l.result IN q.results]
    meets(u)       = inspections(u) >= q.inspections      -- or: u.<q.flag> IS TRUE
    total, meeting = count(population), count(population WHERE meets)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeAlias

import attrs

from .._data import written_day
from .._errors import QRulesError
from .._messages import Text, say
from .._model import Aggregation
from .._recordspec import PopulationValue, RecordSpec
from .._tabular import normal

if TYPE_CHECKING:
    from .._model import Rule
    from .._rulebook import Rulebook

__all__ = [
    "Coverage",
    "RecordQuery",
    "Said",
    "declared_date",
    "judged_years",
    "record_queries",
    "refuse_inverted_reach",
    "said_text",
]


# -- coverage and queries -------------------------------------------------------


class _DeclaredDateError(ValueError):
    """A declared date not written YYYY-MM-DD; ``said``: the message in both
    languages."""

    def __init__(self, said: Text) -> None:
        self.said = said
        super().__init__(said.en)


def declared_date(text: str) -> dt.date:
    """A date declared for the log's reach (``--log-until``, ``log_from``),
    written as a log's date cell is (`written_day`: ``2024-12-31``,
    ``2024/12/31``, ``2024.12.31``, ``2024年12月31日``, ``20241231``). Not an
    Excel serial, which a cell of a file may be: ``45657`` is no date one
    means to type."""
    written = written_day(normal(text))
    if written is None:
        raise _DeclaredDateError(say("plan.iso_date", value=text))
    try:
        return dt.date(*written)
    except ValueError:
        raise _DeclaredDateError(say("date.no_such_day", value=text)) from None


class _InvertedReachError(QRulesError, ValueError):
    """A log declared to begin after it ends."""


def refuse_inverted_reach(
    log_from: dt.date | None,
    log_until: dt.date | None,
    names: tuple[str, str] = ("log_from", "log_until"),
) -> None:
    """An error naming both dates when the log is declared to begin after it
    ends (``names``: how the caller gave them, ``--log-from`` on the command
    line); one day (the same date twice) is a reach."""
    if log_from is not None and log_until is not None and log_from > log_until:
        raise _InvertedReachError(
            say(
                "log.inverted_reach",
                start=names[0],
                first=str(log_from),
                end=names[1],
                last=str(log_until),
            )
        )


@attrs.frozen
class Coverage:
    """How far the inspection log reaches, at both ends.

    ``first`` is the date declared with ``log_from`` or else the earliest date
    in the log; ``last`` is the date declared with ``log_until`` or else the
    latest date in the log. Both are ``None`` when there is no log (or an
    empty one, and nothing declared). A year that the log does not cover from
    1 January to 31 December is undecided.
    """

    first: dt.date | None = None
    last: dt.date | None = None
    declared: bool = False
    has_log: bool = True
    declared_first: bool = False

    @classmethod
    def of(
        cls,
        dates: Iterable[dt.date],
        *,
        log_until: dt.date | None = None,
        has_log: bool = True,
        log_from: dt.date | None = None,
    ) -> Coverage:
        refuse_inverted_reach(log_from, log_until)
        listed = list(dates)
        first, last = (min(listed), max(listed)) if listed else (None, None)
        if log_from is not None:
            first = log_from
        if log_until is not None:
            last = log_until
        return cls(
            first,
            last,
            declared=log_until is not None,
            has_log=has_log,
            declared_first=log_from is not None,
        )

    def years(self, period_years: range) -> list[int]:
        """The years of a period that the records cover: from the log's first
        year to its last (or every year of the period, without a log)."""
        return [
            y
            for y in period_years
            if (self.first is None or y >= self.first.year)
            and (self.last is None or y <= self.last.year)
        ]

    def undecided(self, year: int) -> Text | None:
        """Why the log cannot decide ``year``, or ``None`` when it can."""
        said = self.undecided_said(year)
        return None if said is None else said_text(said)

    def undecided_said(self, year: int) -> Said | None:
        """`undecided` as a message id and its parameters, to which the judge adds
        what was counted so far."""
        if not self.has_log:
            return ("log.none", ())
        if self.last is None:
            return ("log.empty", ())
        end = dt.date(year, 12, 31)
        if self.last < end:
            return (
                "log.declared_end" if self.declared else "log.ends",
                (("last", str(self.last)), ("year", year)),
            )
        if self.first is not None and self.first > dt.date(year, 1, 1):
            return (
                "log.declared_begin" if self.declared_first else "log.begins",
                (("first", str(self.first)), ("year", year)),
            )
        return None


#: A message of the catalog not yet said: its id and parameters.
Said: TypeAlias = tuple[str, tuple[tuple[str, object], ...]]


def said_text(said: Said, so_far: Text | str = "") -> Text:
    return say(said[0], **dict(said[1]), so_far=so_far)


@attrs.frozen
class RecordQuery:
    """What to count for one rule in one year (``start`` to ``end``, inclusive).

    ``unknown`` is set when the log cannot decide the year whatever it holds;
    an engine still counts the population (it is reported), but the verdict is
    unknown with that reason (``unknown_said``: its message, to which the judge
    adds the counts so far).
    """

    rule: str
    year: int
    start: dt.date
    end: dt.date
    spec: RecordSpec
    unknown: Text | None = None
    unknown_said: Said | None = None
    #: The rule given to judge (a rule changed with ``attrs.evolve`` is judged
    #: as it is, as reported figures judge it); ``None``: the rulebook's.
    judged: Rule | None = attrs.field(default=None, eq=False, repr=False)

    def judged_in(self, rulebook: Rulebook) -> Rule:
        """The rule judged: the one given (`judged`), else the rulebook's of
        that id. Everything that judges the query or asks of its target (the
        doubts' bounds, which failing units to list) asks here, so that a rule
        changed with ``attrs.evolve`` is never judged by one target and
        bounded by another."""
        return self.judged or rulebook[self.rule]

    @property
    def population(self) -> tuple[tuple[str, tuple[PopulationValue, ...]], ...]:
        return self.spec.population

    @property
    def meeting(self) -> str:
        return self.spec.meeting

    @property
    def total(self) -> str:
        return self.spec.total


def judged_years(rulebook: Rulebook, rule: Rule, coverage: Coverage) -> tuple[list[int], bool]:
    """The years a records rule is judged in, and whether the records cover them.

    ``every_year``: each year of the rule's period that the records cover (if
    none, the period's last year, uncovered); ``level``: the year of ``due``.
    """
    if rule.aggregation is Aggregation.EVERY_YEAR:
        period = rule.period or rulebook.period
        years = coverage.years(period.years)
        return (years, True) if years else ([period.years[-1]], False)
    assert rule.due is not None  # the loader requires it
    return [rule.due.year], True


def record_queries(
    rulebook: Rulebook, rules: tuple[Rule, ...] | list[Rule], coverage: Coverage
) -> tuple[RecordQuery, ...]:
    """One query per rule with ``[rule.records]`` and year judged, in rule order."""
    queries = []
    for rule in rules:
        spec = rule.records
        if spec is None:
            continue
        years, covered = judged_years(rulebook, rule, coverage)
        # A year is judged by the rule as it stood on its last day (issue 5's dated
        # targets): a year in which the rule was not in force is not judged.
        for year in (y for y in years if rule.in_force(dt.date(y, 12, 31))):
            said: Said | None = None
            if not covered:
                period = rule.period or rulebook.period
                said = (
                    "log.no_year",
                    (
                        ("span", f"{period.start.year}–{period.end.year}"),
                        ("first", str(coverage.first)),
                        ("last", str(coverage.last)),
                    ),
                )
            elif spec.needs_log:
                said = coverage.undecided_said(year)
            queries.append(
                RecordQuery(
                    rule.id,
                    year,
                    dt.date(year, 1, 1),
                    dt.date(year, 12, 31),
                    spec,
                    None if said is None else said_text(said),
                    said,
                    rule,
                )
            )
    return tuple(queries)
