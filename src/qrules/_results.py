"""The results of judging, from reported figures or from records, and their merging.

Both judges (`_judge` for reported figures, `records.judge` for counts of
records) build these; every output reads them.
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Literal, NamedTuple, TypeAlias

import attrs

from ._bulk import made_at_once
from ._errors import Problem
from ._expr import format_number, format_short
from ._messages import Lang, Text, say
from ._model import Rule, Target
from ._plausible import agrees

if TYPE_CHECKING:
    from ._data import Observation
    from ._rollup import Derivation
    from ._rulebook import Rulebook

__all__ = [
    "SOURCES",
    "Change",
    "Evaluation",
    "FailingUnit",
    "FailingUnitsLater",
    "Reconciliation",
    "Result",
    "SourceKind",
    "Verdict",
    "combined",
    "merge",
    "year_span",
]

#: What a result was judged from (not to be confused with a rule's `Source`, where
#: the plan states it).
SourceKind: TypeAlias = Literal["figures", "records"]
SOURCES: Mapping[SourceKind, Text] = {
    "figures": say("source.figures"),
    "records": say("source.records"),
}


class Verdict(enum.Enum):
    """Whether a rule is met; ``UNKNOWN`` when the data cannot decide."""

    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"

    def label(self, lang: Lang = "en") -> str:
        return self.said().get(lang)

    def said(self) -> Text:
        """The verdict in words, in both languages."""
        return say(f"verdict.{self.value}")


@attrs.frozen
class Change:
    """The smallest change to one reported count that alone would meet a rule."""

    measure: str
    name: Text
    observed: Fraction
    needed: Fraction
    #: ``needed`` itself does not suffice: the value must exceed it.
    strict: bool = False

    @property
    def delta(self) -> Fraction:
        return self.needed - self.observed

    def describe(self, lang: Lang = "en") -> str:
        return self.said().get(lang)

    def said(self) -> Text:
        """``5 more firms (295 → 300)``, in both languages."""
        return say(
            "change.more_than" if self.strict else "change.more",
            name=Text(self.name.zh, self.name.en.lower()),  # "more firms" in a sentence
            delta=format_number(self.delta),
            observed=format_number(self.observed),
            needed=format_number(self.needed),
        )


def combined(verdicts: Iterable[Verdict]) -> Verdict:
    """Several verdicts as one: not met if any is, else unknown if any is (or
    there are none), else met."""
    found = set(verdicts)
    if Verdict.NOT_MET in found:
        return Verdict.NOT_MET
    if Verdict.UNKNOWN in found or not found:
        return Verdict.UNKNOWN
    return Verdict.MET


def year_span(years: Sequence[int]) -> str:
    """``2025``, or ``2023–2025`` for several years (in order)."""
    return f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])


class FailingUnit(NamedTuple):
    """A unit of a records rule's population that does not meet it, and what it needs.

    A named tuple, not an attrs class: an engine may list tens of thousands.
    """

    unit: str
    name: str
    district: str | None
    needs: Text
    #: How many more inspections the unit needs; ``None`` for a flag.
    more: int | None = None


class FailingUnitsLater:
    """A result's failing units, made when first read: an engine's rows fetched
    already (Arrow columns), which a caller that reads only verdicts never
    turns into tens of thousands of `FailingUnit` tuples. ``make`` reads only
    what was fetched (no query, no connection): made later, they are the
    units made at once. Made once, whichever thread asks first, with the
    cyclic collector waiting (`made_at_once`: many small objects)."""

    __slots__ = ("_lock", "_made", "_make")

    def __init__(self, make: Callable[[], tuple[FailingUnit, ...]]) -> None:
        self._make: Callable[[], tuple[FailingUnit, ...]] | None = make
        self._made: tuple[FailingUnit, ...] | None = None
        self._lock = threading.Lock()

    def __reduce__(self) -> tuple[type[tuple[FailingUnit, ...]], tuple[tuple[FailingUnit, ...]]]:
        # Copied or pickled (a process pool's result): the units, made.
        return tuple, (self.units(),)

    def units(self) -> tuple[FailingUnit, ...]:
        made = self._made
        if made is None:
            with self._lock:
                if self._made is None:
                    assert self._make is not None
                    with made_at_once():
                        self._made, self._make = self._make(), None  # (the columns let go)
                made = self._made
        return made


def _failing_made(failing: tuple[FailingUnit, ...] | FailingUnitsLater) -> tuple[FailingUnit, ...]:
    """A result's failing units as compared and hashed: made, if not yet
    (given otherwise, as they were given)."""
    return failing.units() if isinstance(failing, FailingUnitsLater) else failing


@attrs.frozen
class Result:
    """How one rule fared in one year (and district)."""

    rule: Rule = attrs.field(repr=False)
    year: int
    verdict: Verdict
    reason: Text
    district: str | None = None
    observed: Fraction | None = None
    gap: Fraction | None = None
    changes: tuple[Change, ...] = ()
    #: The values the verdict was computed from, by measure id.
    inputs: Mapping[str, Fraction] = attrs.field(factory=dict, repr=False)
    years: tuple[int, ...] = ()
    #: A sum or average over years: each year's values read (counts and the
    #: reported shares that their counts contradict), for judging it again
    #: (`judge_years`); empty for one year.
    yearly: Mapping[int, Mapping[str, Fraction]] = attrs.field(factory=dict, repr=False)
    #: Judged from records: the units in the population, and those meeting the
    #: rule (``None`` when the records cannot decide); else both ``None``.
    population: int | None = None
    meeting: int | None = None
    #: Judged from records and not met: the units that do not meet it
    #: (`failing_units`; given as a tuple, or to be made when first read).
    _failing: tuple[FailingUnit, ...] | FailingUnitsLater = attrs.field(
        default=(), alias="failing_units", repr=False, eq=_failing_made
    )
    #: Judged from records: the rejected rows that bear on it, as (table kind,
    #: row): ``("register", 7)``. The result is unknown when they could change it.
    rejected_rows: tuple[tuple[str, int], ...] = attrs.field(default=(), repr=False)
    #: Where the rule applies (its ``scope``), or ``district-target`` when the
    #: district was judged against a target of its own.
    scope: str = "city"
    #: City values the result used that were derived as sums of the districts'.
    derived: tuple[Derivation, ...] = ()
    #: City values the result read that their districts' rows contradict: the
    #: districts' sum, by year and measure (the other reading the verdict was
    #: judged on, for judging it again).
    contradicted: Mapping[int, Mapping[str, Fraction]] = attrs.field(factory=dict, repr=False)
    #: What the verdict was judged from: reported figures, or records (a register
    #: and an inspection log).
    source: SourceKind = "figures"
    #: When figures and records both judge the rule in the year (and district)
    #: and do not agree: what the other gave (see `merge`).
    disagreement: Text | None = None

    @property
    def failing_units(self) -> tuple[FailingUnit, ...]:
        """Judged from records and not met: the units that do not meet it."""
        return _failing_made(self._failing)

    @property
    def rule_id(self) -> str:
        return self.rule.id

    @property
    def target(self) -> Target | None:
        return self.rule.target

    @property
    def when(self) -> str:
        """The year judged, or the years a sum or average covers: ``2023–2025``."""
        return year_span(self.years or (self.year,))

    def __str__(self) -> str:
        place = f", {self.district}" if self.district else ""
        return f"{self.rule.id} ({self.year}{place}): {self.verdict.value}: {self.reason.en}"


@attrs.frozen
class Reconciliation:
    """How the rows of one records table were read: ``rows_read == rows_used +
    rows_rejected``; ``problems`` says why each rejected row was (a row may have
    several), ``notes`` what was read but is worth a look."""

    name: str
    kind: str
    rows_read: int
    rows_used: int
    rows_rejected: int
    problems: tuple[Problem, ...] = attrs.field(default=(), repr=False)
    notes: tuple[Text, ...] = attrs.field(default=(), repr=False)


@attrs.frozen
class Evaluation:
    """Every result of judging one dataset, tied to the rulebook that judged it."""

    rulebook: Rulebook = attrs.field(repr=False)
    dataset: str
    results: tuple[Result, ...] = attrs.field(repr=False)
    rows_read: int
    rows_used: int
    unused: tuple[Observation, ...] = attrs.field(repr=False)
    #: The records tables judged, if any: how their rows were read.
    records: tuple[Reconciliation, ...] = ()
    #: What the reader should know of the judgement: city rows that their
    #: districts' rows contradict, results not shown.
    notes: tuple[Text, ...] = ()
    #: How the dataset was read (its encoding, header row, layout).
    dataset_notes: tuple[Text, ...] = attrs.field(default=(), repr=False)
    #: The dataset is a wide sheet: its figures are cells, not rows.
    cells: bool = False

    def __iter__(self) -> Iterator[Result]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    @property
    def version(self) -> str:
        return self.rulebook.version

    @property
    def fingerprint(self) -> str:
        return self.rulebook.fingerprint

    @property
    def verdict(self) -> Verdict:
        """``MET`` only when there are results and every one is met."""
        return combined(r.verdict for r in self.results)

    @property
    def ok(self) -> bool:
        return self.verdict is Verdict.MET

    def counts(self) -> dict[Verdict, int]:
        counts = dict.fromkeys(Verdict, 0)
        for result in self.results:
            counts[result.verdict] += 1
        return counts

    def failures(self) -> tuple[Result, ...]:
        """Results that are not met or unknown."""
        return tuple(r for r in self.results if r.verdict is not Verdict.MET)


def merge(figures: Evaluation, records: Evaluation) -> Evaluation:
    """One evaluation of reported figures and records together.

    Each result judged from records follows the one judged from figures for the
    same rule, year and district, if any; when the two disagree (verdicts that
    are both known and differ, or observed values that differ by more than the
    figure's rounding), each carries a `Result.disagreement` saying what the
    other gave.
    """

    def key(result: Result) -> tuple[str, int, str | None]:
        return (result.rule.id, result.year, result.district)

    pending: dict[tuple[str, int, str | None], list[Result]] = {}
    for result in records.results:
        pending.setdefault(key(result), []).append(result)
    results: list[Result] = []
    for figure in figures.results:
        judged = [figure]
        for other in pending.pop(key(figure), []):
            if _disagree(figure, other):
                judged[0] = attrs.evolve(judged[0], disagreement=_gave(other))
                judged.append(attrs.evolve(other, disagreement=_gave(figure)))
            else:
                judged.append(other)
        results.extend(judged)
    results.extend(r for rs in pending.values() for r in rs)
    return attrs.evolve(figures, results=tuple(results), records=figures.records + records.records)


def _disagree(figure: Result, other: Result) -> bool:
    """Verdicts both known and different, or observed values that differ by more
    than the figure's rounding (a reported 98.6 agrees with 493 of 500 units)."""
    known = Verdict.UNKNOWN not in (figure.verdict, other.verdict)
    if known and figure.verdict is not other.verdict:
        return True
    return (
        figure.observed is not None
        and other.observed is not None
        and not agrees(figure.observed, other.observed)
    )


def _gave(result: Result) -> Text:
    """What a result gave, for the note on the other: ``the records give: not met,
    72.73 (8/11)``."""
    shown = "" if result.observed is None else format_short(result.observed)
    if result.population is not None and result.meeting is not None:
        shown += f" ({result.meeting}/{result.population})"
    return say(
        "evaluate.gave" if shown else "evaluate.gave_verdict",
        source=SOURCES[result.source],
        verdict=result.verdict.said(),
        shown=shown.strip(),
    )
