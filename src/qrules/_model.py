"""The rulebook model: frozen attrs classes, built only by the loader."""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections.abc import Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Literal

import attrs

from ._compile import Predicate, compile_predicate, expression_of, single_threshold
from ._expr import Comparator, Expression, format_number
from ._messages import Lang, Text, data, joined, say
from ._once import once

if TYPE_CHECKING:
    import sympy

    from ._recordspec import RecordSpec

__all__ = [
    "AGGREGATIONS",
    "BODY_LEVELS",
    "IGNORABLE",
    "SCOPES",
    "UNITS",
    "Aggregation",
    "Alternative",
    "Body",
    "DatedTarget",
    "Ignored",
    "Lang",
    "Measure",
    "Period",
    "Rule",
    "Source",
    "Target",
    "Text",
    "Unit",
]


@attrs.frozen
class Unit:
    """A unit of measure; ``integer`` units count whole things; ``upper`` is the
    most a value can be, when the unit bounds it (a percentage: 100);
    ``additive`` units add up over districts (counts, areas: a city's is the
    sum of its districts'), others do not (rates, scores, indexes)."""

    id: str
    zh: str
    en: str
    integer: bool
    upper: int | None = None
    additive: bool = attrs.field(default=attrs.Factory(lambda self: self.integer, takes_self=True))

    def label(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en

    def said(self) -> Text:
        """The unit in words, its id where a language writes none (a count)."""
        return Text(self.zh or self.id, self.en or self.id)


UNITS: Mapping[str, Unit] = {
    unit.id: unit
    for unit in (
        Unit("percent", "%", "%", integer=False, upper=100),
        Unit("score", "分", "points", integer=False),
        Unit("index", "指数", "index points", integer=False),
        Unit("count", "个", "", integer=True),
        Unit("enterprises", "家", "enterprises", integer=True),
        Unit("organisations", "家", "organisations", integer=True),
        Unit("items", "项", "items", integer=True),
        Unit("people", "名", "people", integer=True),
        Unit("sites", "处", "sites", integer=True),
        Unit("batches", "批次", "batches", integer=True),
        Unit("batches_per_1000_people", "批次/千人", "batches per 1,000 people", integer=False),
        Unit("inspections", "次", "inspections", integer=True),
        Unit(
            "inspections_per_unit_per_year", "次/年", "inspections per unit per year", integer=False
        ),
        Unit("products", "种", "products", integer=True),
        Unit("parameters", "个参数", "parameters", integer=True),
        Unit("square_metres", "平方米", "m²", integer=False, additive=True),
    )
}


class Aggregation(enum.Enum):
    """How a rule takes its measure over time (see ``docs/rule-files.md``)."""

    LEVEL = "level"
    CUMULATIVE = "cumulative"
    NEW = "new"
    ANNUAL_AVERAGE = "annual_average"
    EVERY_YEAR = "every_year"


AGGREGATIONS = tuple(a.value for a in Aggregation)

#: The lint findings that ``[[ignore]]`` in ``plan.toml`` may explain away.
IGNORABLE: tuple[str, ...] = ("uncovered-target",)

Scope = Literal["city", "each-district"]
#: Where a rule applies (see ``docs/rule-files.md``): ``city``, judged for the
#: whole city only; ``each-district``, judged for the city and for each
#: district against the same target.
SCOPES: tuple[Scope, ...] = ("city", "each-district")


@attrs.frozen
class Period:
    """A plan's period, ``start`` to ``end`` inclusive (`Rulebook.period`)."""

    start: dt.date
    end: dt.date

    @property
    def years(self) -> range:
        return range(self.start.year, self.end.year + 1)

    def __contains__(self, date: dt.date) -> bool:
        return self.start <= date <= self.end


@attrs.frozen
class Source:
    """Where the plan states a rule."""

    section: str
    quote: str
    indicator_source: str | None = None
    data_source: str | None = None
    #: The sources are not printed with the quote but read from elsewhere (a
    #: merged cell); the rule's interpretation says from where and why.
    inferred: bool = False


@attrs.frozen
class Target:
    """A single threshold: the requirement is ``measure op value``."""

    op: Comparator
    value: Fraction

    def __str__(self) -> str:
        return f"{self.op} {format_number(self.value)}"

    @property
    def sign(self) -> str:
        """The comparison as a reader writes it: ``≥`` for ``>=``."""
        return _SIGNS[self.op]


_SIGNS: dict[str, str] = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "=", "!=": "≠"}


def _unit_upper(measure: Measure) -> Fraction | None:
    upper = measure.unit.upper
    return None if upper is None else Fraction(upper)


@attrs.frozen
class Measure:
    """A quantity that datasets report, once a year.

    ``lower`` and ``upper`` bound its plausible values (by default 0 and its
    unit's bound: 100 for a percentage); ``at_most`` names measures it can never
    exceed in the same year and district (passed samples, at most those tested).
    A reported figure outside them is a data error, never judged.
    """

    id: str
    name: Text
    unit: Unit
    formula: Expression | None = None
    note: str | None = None
    lower: Fraction = Fraction(0)
    upper: Fraction | None = attrs.field(default=attrs.Factory(_unit_upper, takes_self=True))
    at_most: tuple[str, ...] = ()

    def within(self, value: Fraction) -> bool:
        """Whether ``value`` lies within the measure's bounds."""
        return self.lower <= value and (self.upper is None or value <= self.upper)

    def bounds_text(self) -> str:
        """The bounds in signs every language reads: ``0 ≤ … ≤ 100``, ``≥ 0``."""
        if self.upper is None:
            return f"≥ {format_number(self.lower)}"
        return f"{format_number(self.lower)} ≤ … ≤ {format_number(self.upper)}"

    @functools.cached_property
    def symbol(self) -> sympy.Symbol:
        # Symbol() takes the id as a plain name; it is never parsed. A count is an
        # integer; of anything else nothing is assumed (integer=False would tell
        # sympy a rate can never be 98, and an equation with it would be false).
        import sympy  # noqa: PLC0415 (only compiling needs sympy: see _sympy)

        if self.unit.integer:
            return sympy.Symbol(self.id, nonnegative=True, integer=True)
        return sympy.Symbol(self.id, nonnegative=True)


#: The levels of a responsible body: a city department, one district's (county's)
#: government, the collective of every district government, or a collective of
#: city bodies (a leading group's member units).
BODY_LEVELS = ("city-department", "district-government", "all-districts", "city-collective")

#: A plan's status: published for comment, final, or revised.
STATUSES = ("draft", "final", "revised")
#: A target's strength: firm (达到, 以上, 不少于) or aspirational (力争, 争取).
STRENGTHS = ("firm", "aspirational")


@attrs.frozen
class Body:
    """A responsible body (责任单位) as a rulebook declares it: its name as the
    plan writes it, in English, its level, and every spelling the plan uses
    for it (misprints included), so that the plan's words map to one body."""

    id: str
    name: Text
    level: str
    spellings: tuple[str, ...]


@attrs.frozen
class Alternative:
    """Another reading of a rule's quote that the plan supports, recorded
    beside the (stricter) reading the rule encodes: what it would change, and
    why. Fields left ``None`` are as the rule has them."""

    reading: Text
    aggregation: Aggregation | None = None
    requirement: Expression | None = None
    strength: Literal["firm", "aspirational"] | None = None
    due: dt.date | None = None

    def describe(self, lang: Lang) -> str:
        """What the reading changes, then why: ``cumulative: read as ...``."""
        changes: list[Text | str] = []
        if self.aggregation is not None:
            changes.append(say(f"aggregation.{self.aggregation.value}"))
        if self.requirement is not None:
            changes.append(self.requirement.text)
        if self.strength is not None:
            changes.append(say(f"strength.{self.strength}"))
        if self.due is not None:
            changes.append(say("model.due", due=self.due.isoformat()))
        # Why, in the rulebook's own words (which may quote the plan's): data.
        reading = Text(data(self.reading.zh), data(self.reading.en))
        if not changes:
            return reading.get(lang)
        listed = joined(
            tuple(c if isinstance(c, Text) else Text(data(c), data(c)) for c in changes),
            say("model.semicolon"),
        )
        return say("model.reading", changes=listed, reading=reading).get(lang)


@attrs.frozen
class DatedTarget:
    """A requirement in force from a date until the next one (a step of a
    requirement that changes over time, as a statute's amendments do)."""

    start: dt.date
    requirement: Expression
    source: Source | None = None


@attrs.frozen
class Rule:
    """One commitment of the plan.

    A rule whose target changes over time carries its dated ``targets``; its
    ``requirement`` is then the last of them, and `at` gives the rule as it
    stood on a date. A rule that ``ends`` is not in force after that date.
    """

    id: str
    title: Text
    measure: Measure
    aggregation: Aggregation
    requirement: Expression
    source: Source
    responsible: tuple[str, ...]
    file: str
    due: dt.date | None = None
    period: Period | None = None
    strength: Literal["firm", "aspirational"] = "firm"
    #: How the quote was read, where the encoding is not its literal reading.
    interpretation: Text | None = None
    related: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    #: How the rule is judged from a register and an inspection log, if it can be.
    records: RecordSpec | None = None
    #: The requirement's dated values, in order; empty when it never changes.
    targets: tuple[DatedTarget, ...] = ()
    #: The last day the rule is in force, if it ends before the rulebook does.
    ends: dt.date | None = None
    #: Where the rule applies: the city only, or each district too.
    scope: Scope = "city"
    #: Targets of the rule's own for named districts (``[rule.districts]``), in order.
    districts: tuple[tuple[str, Expression], ...] = ()
    #: Whether the plan closes the responsible list with 等 (and others).
    responsible_open: bool = False
    #: The body id of each ``responsible`` entry, in order; empty when the
    #: rulebook declares no bodies.
    bodies: tuple[str, ...] = ()
    #: Other readings the plan supports, recorded beside the one encoded.
    alternatives: tuple[Alternative, ...] = ()
    # Not an __init__ argument, so that attrs.evolve() gives a copy a fresh cache.
    _cache: dict[frozenset[str], Predicate] = attrs.field(
        init=False, factory=dict, eq=False, repr=False
    )
    _expressions: dict[tuple[str, frozenset[str]], sympy.Expr] = attrs.field(
        init=False, factory=dict, eq=False, repr=False
    )
    # The rule as it stood under each of its dated targets (`at`), made once, so
    # that each keeps its own caches of compiled predicates.
    _stood: dict[DatedTarget, Rule] = attrs.field(init=False, factory=dict, eq=False, repr=False)
    # The rule as judged in each district with a target of its own (`in_district`).
    _local: dict[str, Rule] = attrs.field(init=False, factory=dict, eq=False, repr=False)

    def responsible_text(self, lang: Lang) -> str:
        """The responsible list as the plan writes it (data, in either
        language), with 等 (etc.) when open."""
        text = data("、".join(self.responsible))
        if self.responsible_open:
            text += say("model.etc").get(lang)
        return text

    @functools.cached_property
    def target(self) -> Target | None:
        """The threshold, when the requirement is a single one; else ``None``."""
        found = single_threshold(self.requirement.tree, self.measure.id)
        return None if found is None else Target(*found)

    @property
    def section(self) -> str:
        return self.source.section

    def span(self, plan: Period) -> range:
        """The years whose figures judging the rule reads, in a plan of period
        ``plan``: for ``every_year``, each year of its period (each judged on its
        own); for ``new`` and ``annual_average``, the plan's first year to the
        due year (judged together); else the due year."""
        if self.aggregation is Aggregation.EVERY_YEAR:
            return (self.period or plan).years
        assert self.due is not None  # the loader requires it for every other aggregation
        if self.aggregation in (Aggregation.NEW, Aggregation.ANNUAL_AVERAGE):
            return range(plan.start.year, self.due.year + 1)
        return range(self.due.year, self.due.year + 1)

    def in_force(self, date: dt.date) -> bool:
        """Whether the rule applies on ``date`` (its first target has started and
        it has not ended)."""
        if self.ends is not None and date > self.ends:
            return False
        return not self.targets or date >= self.targets[0].start

    def at(self, date: dt.date) -> Rule | None:
        """The rule as it stood on ``date``: the requirement then in force (and that
        target's source, where it has its own), or ``None`` when not in force."""
        if not self.in_force(date):
            return None
        if not self.targets:
            return self
        current = [t for t in self.targets if t.start <= date][-1]
        if current.requirement == self.requirement and current.source in (None, self.source):
            return self
        return once(
            self._stood,
            current,
            lambda: attrs.evolve(
                self, requirement=current.requirement, source=current.source or self.source
            ),
        )

    def in_district(self, district: str) -> Rule | None:
        """The rule as it is judged in ``district``: with the district's own
        target (``[rule.districts]``), or as it is when it applies to each
        district; ``None`` when it applies to the city only."""
        own = dict(self.districts).get(district)
        if own is None:
            return self if self.scope == "each-district" else None
        local = self._local.get(district)
        if local is None:
            local = self._local[district] = attrs.evolve(
                self, requirement=own, targets=(), districts=()
            )
        return local

    def district_target(self, district: str | None) -> bool:
        """Whether the rule has a target of its own for ``district``."""
        return district is not None and district in dict(self.districts)

    def predicate(
        self, measures: Mapping[str, Measure], expand: frozenset[str] = frozenset()
    ) -> Predicate:
        """The compiled requirement, with the measures in ``expand`` replaced by
        their formulas (recursively), so that it can be judged on their inputs."""
        return once(
            self._cache,
            expand,
            lambda: compile_predicate(
                self.requirement.tree, lambda name: expression_of(name, measures, expand)
            ),
        )

    def expression(
        self,
        measures: Mapping[str, Measure],
        expand: frozenset[str] = frozenset(),
        name: str | None = None,
    ) -> sympy.Expr:
        """A measure the rule is judged on (by default its own) as a sympy
        expression, with the measures in ``expand`` replaced by their formulas
        (recursively); worked out once, like `predicate`."""
        key = (name or self.measure.id, expand)
        return once(self._expressions, key, lambda: expression_of(key[0], measures, expand))


@attrs.frozen
class Ignored:
    """A lint finding the rulebook expects and explains (``[[ignore]]`` in
    ``plan.toml``): the plan's words it is about, and why it is not a problem."""

    code: str
    quote: str
    reason: str
