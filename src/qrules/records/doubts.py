"""Rows that could not be read, as bounds on the counts: never silence.

A rejected register row is a unit whose membership and compliance are unknown
(when its population columns are readable and match, or are unreadable); a
rejected log row of a known unit is an inspection it may have had (in its year
when its date is readable, in any year when not). For each rule, year and
district, every such row is one *doubt* with the states it could be in: out of
the population, in and failing, in and meeting. The counts read become bounds,
and the rule is judged at every combination that matters (the two extremes of
the share when the requirement is a one-sided threshold, every reachable pair
of counts otherwise): met or not met only if every combination agrees, else
unknown with a reason naming the rows. Every engine hands its counts and the
rows it rejected to `judge_all`, so the semantics are one implementation.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from .._errors import DataError, Problem
from .._messages import joined, listed, say
from .._model import Rule, Text
from .._observe import judged
from .._recordspec import FLAGS
from .._results import Evaluation, FailingUnit, Reconciliation, Result, Verdict
from .judge import Counts, judge_counts
from .plan import RecordQuery, Said, said_text

if TYPE_CHECKING:
    from .._rulebook import Rulebook

__all__ = [
    "ANY_UNIT",
    "VACANT",
    "Doubts",
    "RejectedInspection",
    "RejectedUnit",
    "Repeated",
    "Repeats",
    "Unset",
    "Vacant",
    "doubtful_dates",
    "judge_all",
    "repeated_rows",
    "unset_rows",
    "vacant_units",
]

_OUT, _FAIL, _MEET = (0, 0), (1, 0), (1, 1)
#: The unit of a rejected log row without a unit id: an inspection of one of
#: the register's units, which one unknown (a unit id is never empty).
ANY_UNIT = ""


@attrs.frozen
class RejectedUnit:
    """A rejected register row, as far as it could be read.

    ``values`` holds the population columns that were read (a flag as
    ``True``/``False``, a code, or ``None`` when empty); ``unreadable`` names
    the columns that could not be (a whole misaligned row: every column).

    ``kept``: not a rejected row but a counted unit whose ``unreadable``
    columns are empty (`VACANT`): of unknown membership for a rule whose
    population filters on one of them (for a district's result, when it has
    no district), and counted as read by every other rule.

    ``repeated``: one of the rows of a unit id given twice, which may be the
    same unit's (the other row holding) as much as another unit's: never
    surely a unit of the populations its values match. The rows of one id
    are read together (`_Doubt.given`): at least one of them holds (a unit
    id is given for a unit; the others are its repeats, or other units whose
    ids were mistyped), unless ``beside_counted``: a counted row of the id,
    reading as this one does in every column a rule reads, is kept beside
    it, and holds already.
    """

    table: str
    row: int
    unit: str | None
    values: Mapping[str, str | bool | None] = attrs.field(factory=dict)
    registered: dt.date | None = None
    closed: dt.date | None = None
    unreadable: frozenset[str] = frozenset()
    kept: bool = False
    repeated: bool = False
    beside_counted: bool = False

    def unknown(self, column: str) -> bool:
        """Whether the row's value in a population column is unknown: not read,
        or (a rejected row's) empty in a column of `VACANT`, which leaves a
        counted unit's membership unknown too (a blank risk level may be
        ``high``; a blank district any district)."""
        return column in self.unreadable or (
            not self.kept and column in VACANT and self.values.get(column) is None
        )

    def could_be(self, column: str, allowed: Sequence[str | bool]) -> tuple[bool, bool]:
        """(may hold one of ``allowed``, surely does) in a population column."""
        if self.unknown(column):
            return True, False
        value = self.values.get(column, False if column in FLAGS else None)
        return value in allowed, value in allowed

    def could_be_active(self, start: dt.date, end: dt.date) -> tuple[bool, bool]:
        """(may be registered and open in the window, surely is)."""
        dates = ("registered", "closed")
        if any(d in self.unreadable for d in dates):
            return True, False
        active = (self.registered is None or self.registered <= end) and (
            self.closed is None or self.closed >= start
        )
        return active, active


@attrs.frozen
class RejectedInspection:
    """A rejected log row of a unit the register holds: an inspection it may have
    had (``unit`` `ANY_UNIT`, without a unit id: of one unit, any of them).
    ``date`` is ``None`` when unreadable or doubtful (any year);
    ``unreadable`` names the columns that could not be read (kind, result).

    ``used``: not a rejected row but one counted, whose kind or result is
    missing (``unreadable`` names which): for a rule that counts only some
    kinds (results), an inspection that could be one of them; a rule that does
    not filter on the missing column counted it already."""

    table: str
    row: int
    unit: str
    date: dt.date | None = None
    kind: str | None = None
    result: str | None = None
    unreadable: frozenset[str] = frozenset()
    used: bool = False

    def could_count(self, query: RecordQuery) -> bool:
        spec = query.spec
        if self.date is not None and not query.start <= self.date <= query.end:
            return False
        filters = (("kind", spec.kinds), ("result", spec.results))
        if self.used and not any(c in self.unreadable and v is not None for c, v in filters):
            return False  # counted already: no filter on what it lacks
        return all(
            column in self.unreadable
            or value is None
            or getattr(self, column) is None  # no kind (result): could be any, as a counted row
            or getattr(self, column) in value
            for column, value in filters
        )


#: The log's counted rows of some units (ids) that lack one of some columns
#: ("kind", "result"), as ``used`` `RejectedInspection`s: the rows that a rule
#: filtering on what they lack could count. Units ``None``: whether the log may
#: have any such row (non-empty if so; asked first, once).
Unset = Callable[[frozenset[str] | None, frozenset[str]], Sequence[RejectedInspection]]


def unset_rows(table: str, inspections: Iterable[Any]) -> list[RejectedInspection]:
    """The ``used`` doubts among a log's inspections (rows with no kind or no
    result)."""
    return [
        RejectedInspection(
            table,
            i.row,
            i.unit,
            i.date,
            i.kind,
            i.result,
            frozenset(c for c in ("kind", "result") if getattr(i, c) is None),
            used=True,
        )
        for i in inspections
        if i.kind is None or i.result is None
    ]


#: The register's columns whose empty value leaves a counted unit's membership
#: unknown for a rule (a district's) that filters on them.
VACANT = frozenset({"risk_level", "size", "district"})

#: The register's counted units with no value in one of some columns (of
#: `VACANT`), as ``kept`` `RejectedUnit`s (asked once per columns, only of the
#: columns a rule filters on), of some categories only (``None``: any): the
#: categories of the rules that filter on them, so that a register whose units
#: of other categories leave those columns empty (a drug retailer has no risk
#: level) is not read unit by unit.
Vacant = Callable[[frozenset[str], "frozenset[str] | None"], Sequence[RejectedUnit]]


def vacant_units(table: str, units: Iterable[Any]) -> list[RejectedUnit]:
    """``units`` (`UnitRecord`s) as ``kept`` `RejectedUnit`s, their empty
    columns of `VACANT` unreadable."""
    return [
        RejectedUnit(
            table,
            u.row,
            u.unit,
            {
                "category": u.category,
                "risk_level": u.risk_level,
                "size": u.size,
                "district": u.district,
                **{f: f in u.flags for f in FLAGS},
            },
            u.registered,
            u.closed,
            frozenset(c for c in VACANT if getattr(u, c) is None),
            kept=True,
        )
        for u in units
    ]


# -- idless: identical log rows without an inspection id -------------------------


@attrs.frozen
class Repeated:
    """The log's units that have two counted rows without an inspection id
    identical in what qrules reads (the unit, the day, the kind, the result):
    ``rows``, every counted row of each (`Inspection`s, with an id or not);
    ``units``, their register rows as ``kept`` `RejectedUnit`s (the units the
    register counts). Such rows may be two inspections, or one exported twice."""

    table: str = ""
    rows: Mapping[str, tuple[Any, ...]] = attrs.field(factory=dict)
    units: Mapping[str, RejectedUnit] = attrs.field(factory=dict)


class Repeats(Protocol):
    """The log's `Repeated` units, asked once an evaluation, and only when a rule
    counts two or more inspections of a unit meeting it as read. ``stated``:
    whether every row has an inspection id, where a pass made already told it
    (`Doubts.stated`; ``None``: asked, if a database can tell it cheaply)."""

    def __call__(self, *, stated: bool | None = None) -> Repeated: ...


def repeated_rows(inspections: Sequence[Any]) -> dict[str, tuple[Any, ...]]:
    """Every row of the units (of ``inspections``, `Inspection`s) that have two
    rows without an inspection id identical in unit, day, kind and result."""
    if all(map(operator.attrgetter("inspection"), inspections)):
        return {}  # (every row has an id, never empty: one pass in C)
    seen: set[tuple[Any, ...]] = set()
    units: set[str] = set()
    for i in inspections:
        if i.inspection is None:
            key = (i.unit, i.date, i.kind, i.result)
            if key in seen:
                units.add(i.unit)
            seen.add(key)
    grouped: dict[str, list[Any]] = {}
    for i in inspections:
        if i.unit in units:
            grouped.setdefault(i.unit, []).append(i)
    return {unit: tuple(rows) for unit, rows in grouped.items()}


def _surely_member(unit: RejectedUnit, query: RecordQuery, district: str | None) -> bool:
    """Whether a counted unit is surely in the query's population (in the
    district): a unit of unknown membership (an empty column) is a doubt of its
    own (`VACANT`), in every state."""
    if district is not None and unit.values.get("district") != district:
        return False
    sure = unit.could_be_active(query.start, query.end)[1]
    return sure and all(unit.could_be(c, allowed)[1] for c, allowed in query.spec.population)


def _counted_in(inspection: Any, query: RecordQuery) -> bool:
    """Whether a counted log row counts for ``query`` as read (its year, its
    kinds and results: a row without one is not one of them)."""
    spec = query.spec
    return (
        query.start <= inspection.date <= query.end
        and (spec.kinds is None or inspection.kind in spec.kinds)
        and (spec.results is None or inspection.result in spec.results)
    )


def _repeats_of(repeated: Repeated, query: RecordQuery, district: str | None) -> list[_Doubt]:
    """The units meeting ``query`` as read (at least its number of inspections)
    that fall short of it when each set of identical rows without an inspection
    id is one inspection: each a doubt, meeting or failing, naming those rows."""
    wanted = query.spec.inspections or 0
    found: list[_Doubt] = []
    for unit, rows in repeated.rows.items():
        held = repeated.units.get(unit)
        if held is None or not _surely_member(held, query, district):
            continue
        counted = [i for i in rows if _counted_in(i, query)]
        if len(counted) < wanted:
            continue  # failing as read: merging rows never brings it to meet
        groups: dict[tuple[Any, ...], list[int]] = {}
        for i in counted:
            if i.inspection is None:
                groups.setdefault((i.date, i.kind, i.result), []).append(i.row)
        if sum(i.inspection is not None for i in counted) + len(groups) >= wanted:
            continue
        twice = sorted(r for g in groups.values() if len(g) > 1 for r in g)
        found.append(
            _Doubt(frozenset({_FAIL, _MEET}), _MEET, "repeat", tuple(twice), table=repeated.table)
        )
    return found


@attrs.frozen
class _Doubt:
    """One row that could change a count: the states it may be in (each a
    (Δtotal, Δmeeting)), and the pair already counted for it."""

    states: frozenset[tuple[int, int]]
    counted: tuple[int, int]
    #: "register", "log", "vacant" (a counted unit with an empty column), or
    #: "repeat" (a meeting unit whose identical rows without an id may be one).
    kind: str
    rows: tuple[int, ...]
    #: Counted log rows lacking the kind or result the rule filters on.
    unset: tuple[int, ...] = ()
    #: What they lack: "kind", "result" or both.
    lacking: frozenset[str] = frozenset()
    table: str = ""
    #: A failing unit that these log rows could bring to meet the rule.
    unit: str = ""
    #: The rows of a unit id given twice, none counted, each surely in the
    #: population when it holds (its table and id): one of them at least
    #: holds, so the doubts of one ``given`` are never all `_OUT` together
    #: (a unit in or out once: two rows alike in all a rule reads are one
    #: unit, or two, never none).
    given: tuple[str, str] | None = None


@attrs.frozen
class Doubts:
    """The rows an evaluation rejected, ready to bound each query's counts."""

    units: tuple[RejectedUnit, ...] = ()
    inspections: Mapping[str, tuple[RejectedInspection, ...]] = attrs.field(factory=dict)
    #: The log's counted rows lacking a kind or result, of the units asked.
    unset: Unset | None = None
    #: ``strict``: a counted row lacking what a rule filters on, that could
    #: change its verdict, is a `DataError`.
    strict: bool = False
    #: Whether the log has a row lacking each of some columns (``kind``,
    #: ``result``), as `unset` would answer it of the whole log: told by a pass
    #: over the log made already (the key check's), so not asked.
    told: Mapping[str, bool] = attrs.field(factory=dict)
    #: The register's counted units with an empty population column (`Vacant`).
    vacant: Vacant | None = None
    #: Columns (of `VACANT`) in which no counted unit is empty, as `vacant`
    #: would answer it: told by passes over the register made already, so
    #: not asked.
    filled: frozenset[str] = frozenset()
    #: The flags the register has no column for (`Register.absent`): a rule
    #: needing one is unknown, whatever its counts.
    absent: frozenset[str] = frozenset()
    #: The log's units with identical rows without an inspection id (`Repeats`).
    repeats: Repeats | None = None
    #: Whether every log row has an inspection id, as a pass made already (the
    #: key check's look at the database's statistics) told it, so that
    #: `repeats` does not ask again; ``None``: not told.
    stated: bool | None = None
    # What `unset` answered: per columns, whether any row lacks them; per
    # query and columns, the rows of its failing units (its districts' are among them).
    _asked: dict[object, Any] = attrs.field(factory=dict, eq=False, repr=False)

    @classmethod
    def of(
        cls,
        units: Iterable[RejectedUnit],
        inspections: Iterable[RejectedInspection],
        unset: Unset | None = None,
        strict: bool = False,
        vacant: Vacant | None = None,
        absent: frozenset[str] = frozenset(),
        repeats: Repeats | None = None,
    ) -> Doubts:
        by_unit: dict[str, list[RejectedInspection]] = {}
        for inspection in inspections:
            by_unit.setdefault(inspection.unit, []).append(inspection)
        rows = {u: tuple(rows) for u, rows in by_unit.items()}
        return cls(tuple(units), rows, unset, strict, vacant=vacant, absent=absent, repeats=repeats)

    def ask_vacant(self, columns: frozenset[str], categories: frozenset[str] | None) -> None:
        """Ask `vacant` once of every column (of `VACANT`) the evaluation's rules
        filter on, for the units of their categories (``None``: any): each
        query's units are then taken from that answer."""
        if self.vacant is not None and columns:
            found = () if columns <= self.filled else tuple(self.vacant(columns, categories))
            self._asked["vacant"] = (columns, found)

    def _vacant(self, columns: frozenset[str]) -> Sequence[RejectedUnit]:
        """`vacant`'s units with an empty value in one of ``columns``."""
        if self.vacant is None or not columns:
            return ()
        asked = self._asked.get("vacant")
        if asked is None or not columns <= asked[0]:
            self.ask_vacant(columns if asked is None else asked[0] | columns, None)
            asked = self._asked["vacant"]
        return tuple(u for u in asked[1] if u.unreadable & columns)

    def any_lacking(self, columns: frozenset[str]) -> bool:
        """Whether a counted row of the log lacks one of ``columns`` (``kind``,
        ``result``): `told`, or asked of `unset` once an evaluation."""
        if self.unset is None or not columns:
            return False
        if columns not in self._asked:  # (not setdefault: that would ask every time)
            told = self.told
            self._asked[columns] = (
                any(told[c] for c in columns)
                if columns <= told.keys()
                else bool(self.unset(None, columns))
            )
        return bool(self._asked[columns])

    def _lacking(
        self, unset: Unset, query: RecordQuery, units: frozenset[str], columns: frozenset[str]
    ) -> Sequence[RejectedInspection]:
        """`unset`'s rows of ``units`` (failing in ``query``), asked once per
        query (the whole register's first) and never of a log without any
        (whether it has any: `told`, or asked once an evaluation)."""
        if not self.any_lacking(columns):
            return ()
        key = (query.rule, query.year, columns)
        asked = self._asked.get(key)
        if asked is None or not units <= asked[0]:
            asked = self._asked[key] = (units, unset(units, columns))
        return [row for row in asked[1] if row.unit in units]

    def __bool__(self) -> bool:
        return bool(
            self.units
            or self.inspections
            or self.unset is not None
            or self.vacant is not None
            or self.absent
            or self.repeats is not None
        )

    def without_column(self, query: RecordQuery) -> RecordQuery:
        """``query``, unknown when the register has no column for a flag it
        needs (its ``flag``, or one its population filters on)."""
        spec = query.spec
        needed = [spec.flag, *(c for c, _ in spec.population)]
        missing = sorted(c for c in needed if c is not None and c in self.absent)
        if not missing or query.unknown is not None:
            return query
        said: Said = ("doubts.no_flag_column", (("column", ", ".join(missing)),))
        return attrs.evolve(query, unknown=said_text(said), unknown_said=said)

    def _register_doubts(
        self, query: RecordQuery, district: str | None, filtered: frozenset[str]
    ) -> list[_Doubt]:
        """The doubts of the register's rejected rows and of its counted units
        with an empty column ``filtered`` (`VACANT`) about ``query``'s counts."""
        spec = query.spec
        found: list[_Doubt] = []
        # The rows of a unit id given twice, none of them counted: whether each,
        # holding, is surely in the population (the id is then surely one).
        given: dict[tuple[str, str], list[bool]] = {}
        for unit in (*self.units, *self._vacant(filtered)):
            if unit.kept and not unit.unreadable & filtered:
                continue  # counted as read: its empty columns are not this rule's
            key = (
                (unit.table, unit.unit)
                if unit.repeated and not unit.beside_counted and unit.unit is not None
                else None
            )
            if (
                district is not None
                and unit.values.get("district") != district
                and not unit.unknown("district")
            ):
                if key is not None:
                    given.setdefault(key, []).append(False)
                continue
            may, sure = unit.could_be_active(query.start, query.end)
            for column, allowed in spec.population:
                could, surely = unit.could_be(column, allowed)
                may, sure = may and could, sure and surely
            if district is not None and unit.unknown("district"):
                sure = False  # it may be another district's
            if key is not None:
                given.setdefault(key, []).append(may and sure)
            if not may:
                continue
            if unit.repeated:
                # (An id given twice: the other row's unit, that row holding.)
                sure = False
            states = set() if sure else {_OUT}
            if spec.flag is not None and spec.flag not in unit.unreadable:
                states.add(_MEET if unit.values.get(spec.flag) else _FAIL)
            else:
                states |= {_FAIL, _MEET}
            kind = "vacant" if unit.kept else "register"
            found.append(_Doubt(frozenset(states), _OUT, kind, (unit.row,), given=key))
        # One of an id's rows holds: read together when each, holding, is surely
        # in (else the id may be out of it anyway, and each row is its own doubt).
        found = [
            d
            if d.given is None or (len(given[d.given]) > 1 and all(given[d.given]))
            else attrs.evolve(d, given=None)
            for d in found
        ]
        return found

    def of_query(
        self, query: RecordQuery, district: str | None, counts: Counts, met: bool = False
    ) -> list[_Doubt]:
        """The doubts about one query's counts (in a district, or the whole).
        ``met``: the counts as read meet a lower bound (``>=``, ``>``), which rows
        lacking a kind or result, that can only add meeting units, cannot undo
        (their failing units are not asked for: the SQL engines list none then)."""
        spec = query.spec
        filtered = frozenset(c for c, _ in spec.population if c in VACANT)
        if district is not None:
            filtered |= {"district"}
        found = self._register_doubts(query, district, filtered)
        filters = spec.kinds is not None or spec.results is not None
        unset = self.unset if filters and not met else None
        if (
            spec.needs_log
            and (self.inspections or unset is not None)
            and counts.total > counts.meeting
        ):
            failing_units = counts.units()
            lacking: dict[str, list[RejectedInspection]] = {}
            if unset is not None and failing_units:
                columns = spec.filtered
                ids = frozenset(f.unit for f in failing_units)
                for row in self._lacking(unset, query, ids, columns):
                    lacking.setdefault(row.unit, []).append(row)
            # Rows without a unit id, each of one unit: they may bring as many
            # failing units to the number wanted as their count covers, the
            # units wanting fewest first (`_anyones`).
            anyone = [i.row for i in self.inspections.get(ANY_UNIT, ()) if i.could_count(query)]
            reached = _anyones(failing_units, len(anyone), self.inspections, lacking, query)
            # (Each unit reached named with rows of its own among them, as many
            # as it wants: together never more than the rows, however many
            # units; the rest named once, by a doubt that changes no count.)
            assigned = 0
            # (Neither rejected nor lacking rows: no unit can be brought anywhere.)
            for failing in failing_units if self.inspections or lacking else ():
                rows = [
                    i.row for i in self.inspections.get(failing.unit, ()) if i.could_count(query)
                ]
                kept = [i for i in lacking.get(failing.unit, ()) if i.could_count(query)]
                if failing.unit in reached:
                    rows += anyone[assigned : assigned + reached[failing.unit]]
                    assigned += reached[failing.unit]
                # A failing unit that its rejected rows (or rows lacking a kind
                # or result, or rows without a unit id) could bring to the number wanted.
                if (
                    (rows or kept)
                    and failing.more is not None
                    and (failing.unit in reached or len(rows) + len(kept) >= failing.more)
                ):
                    found.append(
                        _Doubt(
                            frozenset({_FAIL, _MEET}),
                            _FAIL,
                            "log",
                            tuple(rows),
                            tuple(sorted(i.row for i in kept)),
                            frozenset(
                                c
                                for i in kept
                                for c, v in (("kind", spec.kinds), ("result", spec.results))
                                if v is not None and c in i.unreadable
                            ),
                            kept[0].table if kept else "",
                            failing.unit,
                        )
                    )
            if reached and assigned < len(anyone):
                found.append(_Doubt(frozenset({_FAIL}), _FAIL, "log", tuple(anyone[assigned:])))
        if self.repeats is not None and (spec.inspections or 0) >= 2 and counts.meeting:
            # (Asked once an evaluation: the units whose id-less rows repeat.)
            repeated = self._asked.get("repeats")
            if repeated is None:
                repeated = self._asked["repeats"] = self.repeats(stated=self.stated)
            found += _repeats_of(repeated, query, district)
        return found


def _anyones(
    failing: Sequence[FailingUnit],
    rows: int,
    inspections: Mapping[str, tuple[RejectedInspection, ...]],
    lacking: Mapping[str, Sequence[RejectedInspection]],
    query: RecordQuery,
) -> dict[str, int]:
    """The failing units that ``rows`` log rows without a unit id could bring to
    the number wanted, beside their own rejected (lacking) rows, each with how
    many of those rows it wants: each row is one inspection of one unit, so the
    units wanting fewest more, as many as the rows cover together (any of them
    may then meet, and no more of them)."""
    if not rows:
        return {}
    wanting = []
    for one in failing:
        own = sum(i.could_count(query) for i in inspections.get(one.unit, ()))
        own += sum(i.could_count(query) for i in lacking.get(one.unit, ()))
        if one.more is not None and one.more > own:
            wanting.append((one.more - own, one.unit))
    reached: dict[str, int] = {}
    left = rows
    for more, unit in sorted(wanting):
        if more > left:
            break
        reached[unit] = more
        left -= more
    return reached


def _reachable(
    base: tuple[int, int], doubts: Sequence[_Doubt], limit: int
) -> set[tuple[int, int]] | None:
    """Every (total, meeting) the doubts can reach from ``base`` (without what
    they were counted as); ``None`` beyond ``limit`` pairs."""
    pairs = {
        (base[0] - sum(d.counted[0] for d in doubts), base[1] - sum(d.counted[1] for d in doubts))
    }
    for states in _together(doubts, limit):
        if states is None:
            return None
        pairs = {(t + s[0], m + s[1]) for t, m in pairs for s in states}
        if len(pairs) > limit:
            return None
    return pairs


def _together(doubts: Sequence[_Doubt], limit: int) -> Iterator[frozenset[tuple[int, int]] | None]:
    """The states of each doubt, and of each unit id's rows read together
    (`_Doubt.given`: every sum of theirs but none at all, ``(0, 0)``, which
    only all `_OUT` make); ``None`` for an id's rows of more than ``limit``."""
    groups: dict[tuple[str, str], set[tuple[int, int]]] = {}
    for doubt in doubts:
        if doubt.given is None:
            yield doubt.states
            continue
        sums = groups.get(doubt.given, {_OUT})
        groups[doubt.given] = {(t + s[0], m + s[1]) for t, m in sums for s in doubt.states}
        if len(groups[doubt.given]) > limit:
            yield None
            return
    for sums in groups.values():
        yield frozenset(sums - {_OUT})


def _extremes(base: tuple[int, int], doubts: Sequence[_Doubt]) -> list[tuple[int, int]]:
    """The lowest and the highest share the doubts can reach, and the smallest
    population: a one-sided threshold on ``100 * meeting / total`` is decided
    by them (a failing unit never raises the share, a meeting one never lowers it)."""
    total = base[0] - sum(d.counted[0] for d in doubts)
    meeting = base[1] - sum(d.counted[1] for d in doubts)
    extremes = [[total, meeting], [total, meeting], [total, meeting]]
    # (A unit id's rows read together, `_Doubt.given`: the states they may
    # take, and whether each extreme took `_OUT` of every one.)
    given: dict[tuple[str, str], tuple[set[tuple[int, int]], list[bool]]] = {}
    for doubt in doubts:
        held, out = (
            given.setdefault(doubt.given, (set(), [True] * len(_ORDERS)))
            if doubt.given is not None
            else (set(), [])
        )
        held |= doubt.states
        for at, (target, order) in enumerate(zip(extremes, _ORDERS, strict=True)):
            state = next(s for s in order if s in doubt.states)
            target[0] += state[0]
            target[1] += state[1]
            if out:
                out[at] = out[at] and state == _OUT
    for held, out in given.values():
        # One row holds at least: the one whose state moves the extreme least.
        for target, order, none in zip(extremes, _ORDERS, out, strict=True):
            if none:
                state = next(s for s in order if s in held and s != _OUT)
                target[0] += state[0]
                target[1] += state[1]
    return [(t, m) for t, m in extremes]


#: The order in which `_extremes` takes a doubt's states, for the lowest and
#: the highest share and the smallest population.
_ORDERS = ((_FAIL, _OUT, _MEET), (_MEET, _OUT, _FAIL), (_OUT, _FAIL, _MEET))


def _rows(doubts: Sequence[_Doubt]) -> tuple[Text, Text]:
    """``2 rejected register rows``, and ``rows 7, 19`` (``register row 7; log
    rows 4, 9`` when both tables have some)."""
    what, where = [], []
    found = {
        kind: sorted({r for d in doubts if d.kind == kind for r in d.rows})
        for kind in ("register", "log", "vacant", "repeat")
    }
    unset = sorted({r for d in doubts for r in d.unset})
    lacking = frozenset(c for d in doubts for c in d.lacking)
    listing = {
        "register": sorted({*found["register"], *found["vacant"]}),
        "log": sorted({*found["log"], *unset, *found["repeat"]}),
    }
    both = all(listing.values())
    for kind in ("register", "log"):
        rows = found[kind]
        if rows:
            plural = "s" if len(rows) != 1 else ""
            what.append(say(f"doubts.rejected_{kind}", count=len(rows), s=plural))
        if kind == "register" and found["vacant"]:
            count = len(found["vacant"])
            what.append(say("doubts.vacant", count=count, s="s" if count != 1 else ""))
        if kind == "log" and unset:
            plural = "s" if len(unset) != 1 else ""
            missing = "_".join(c for c in ("kind", "result") if c in lacking)
            what.append(say(f"doubts.unset_{missing}", count=len(unset), s=plural))
        if kind == "log" and found["repeat"]:
            count = len(found["repeat"])
            what.append(say("doubts.repeated", count=count, s="s" if count != 1 else ""))
        rows = listing[kind]
        if not rows:
            continue
        plural = "s" if len(rows) != 1 else ""
        shown = listed(rows, most=10)
        where.append(say(f"doubts.{kind}_rows" if both else "doubts.rows", rows=shown, s=plural))
    return (joined(tuple(what), say("doubts.and")), joined(tuple(where), say("model.semicolon")))


def judge_bounded(
    rulebook: Rulebook,
    query: RecordQuery,
    counts: Counts,
    doubts: Sequence[_Doubt],
    district: str | None,
    strict: bool = False,
    read: Result | None = None,
) -> Result:
    """`judge_counts`, for every combination of what the doubtful rows could be
    (``strict``: a `DataError` when rows lacking a kind or result make it
    unknown; ``read``: the counts as read judged already, `judge_counts`')."""
    if read is None:
        read = judge_counts(rulebook, query, counts, district)
    if not doubts or query.unknown is not None:
        return _with_rows(read, doubts) if doubts else read
    stood = _stood(rulebook, query, district)
    base = (counts.total, counts.meeting)
    one_sided = stood.target is not None and stood.target.op in (">=", ">", "<=", "<")
    pairs = set(_extremes(base, doubts)) if one_sided else _reachable(base, doubts, 400)
    verdicts: dict[Verdict, tuple[int, int]] = {}
    for total, meeting in sorted(pairs or ()):
        if total == 0:
            verdicts[Verdict.UNKNOWN] = (total, meeting)
            break
        verdicts.setdefault(
            judge_counts(rulebook, query, Counts(total, meeting), district).verdict,
            (total, meeting),
        )
    rows = _rows(doubts)
    if len(verdicts) == 1 and Verdict.UNKNOWN not in verdicts:
        # Every combination agrees: the result as read, or (when the read counts
        # alone are no combination, say an empty population) at one that is.
        if read.verdict in verdicts:
            return _with_rows(read, doubts)
        [(total, meeting)] = verdicts.values()
        return _with_rows(judge_counts(rulebook, query, Counts(total, meeting), district), doubts)
    totals = sorted({t for t, _ in pairs}) if pairs else []
    meetings = sorted({m for _, m in pairs}) if pairs else []
    bounds = Text("", "")
    if totals:
        bounds = say(
            "doubts.bounds",
            low=totals[0],
            high=totals[-1],
            meeting_low=meetings[0],
            meeting_high=meetings[-1],
            read=read.reason,
        )
    what, where = rows
    reason = say("doubts.unknown", what=what, where=where, bounds=bounds)
    unset = [d for d in doubts if d.unset]
    if strict and unset:
        raise DataError(
            unset[0].table,
            [
                Problem(
                    unset[0].table,
                    say("doubts.strict_unset", rule=query.rule, year=query.year, reason=reason),
                    where=say("where.row", row=min(r for d in unset for r in d.unset)),
                    key="kind" if "kind" in unset[0].lacking else "result",
                )
            ],
        )
    return _with_rows(
        Result(
            read.rule,
            read.year,
            Verdict.UNKNOWN,
            reason,
            district,
            years=read.years,
            population=counts.total,
            meeting=None,
        ),
        doubts,
    )


def _stood(rulebook: Rulebook, query: RecordQuery, district: str | None) -> Rule:
    """The rule as `judge_counts` judges the query (in ``district``): the rule
    judged, a district's own target, as it stood on the year's last day."""
    rule = query.judged_in(rulebook)
    rule = (rule.in_district(district) or rule) if district is not None else rule
    return rule.at(dt.date(query.year, 12, 31)) or rule


def _met_at_least(
    rulebook: Rulebook, query: RecordQuery, read: Result, district: str | None
) -> bool:
    """The counts as read (judged: ``read``) meet the rule's lower bound
    (``>=``, ``>``): more meeting units cannot undo it. The rule is the one
    judged (`RecordQuery.judged_in`): a rule changed to an upper bound or an
    equality is undone by them."""
    stood = _stood(rulebook, query, district)
    if stood.target is None or stood.target.op not in (">=", ">") or query.unknown is not None:
        return False
    return read.verdict is Verdict.MET


def _with_rows(result: Result, doubts: Sequence[_Doubt]) -> Result:
    # (A vacant unit's row is no rejected row: the reason names it.)
    # (Nor is a row repeated without an id: counted, it may count once only.)
    refs = tuple(
        sorted({(d.kind, r) for d in doubts if d.kind in ("register", "log") for r in d.rows})
    )
    result = attrs.evolve(result, rejected_rows=refs) if refs else result
    return _may_meet(result, doubts)


def _may_meet(result: Result, doubts: Sequence[_Doubt]) -> Result:
    """The result with each failing unit that log rows not counted (rejected, or
    lacking a kind or result) could bring to meet the rule said to be one, in
    what it needs: every output lists it so, not as a unit surely failing."""
    rows = {d.unit: sorted({*d.rows, *d.unset}) for d in doubts if d.unit}
    if not rows or not result.failing_units:
        return result
    return attrs.evolve(
        result,
        failing_units=tuple(
            f
            if f.unit not in rows
            else f._replace(
                needs=say(
                    "doubts.may_meet",
                    needs=f.needs,
                    rows=listed(rows[f.unit], most=10),
                    s="s" if len(rows[f.unit]) != 1 else "",
                )
            )
            for f in result.failing_units
        ),
    )


def _vacant_asked(
    queries: Sequence[RecordQuery], by_district: bool
) -> tuple[frozenset[str], frozenset[str] | None]:
    """The columns of `VACANT` the queries filter on (``district`` too when
    judged by district), and the categories of the queries that do (``None``
    when one of them takes every category)."""
    columns: set[str] = set()
    categories: set[str] | None = set()
    for query in queries:
        population = dict(query.spec.population)
        filtered = {c for c in population if c in VACANT} | ({"district"} if by_district else set())
        if not filtered:
            continue
        columns |= filtered
        allowed = population.get("category")
        if allowed is None or categories is None:
            categories = None
        else:
            categories.update(str(a) for a in allowed)
    return frozenset(columns), None if categories is None else frozenset(categories)


def judge_all(
    rulebook: Rulebook,
    queries: Iterable[RecordQuery],
    counts_of: Callable[[RecordQuery], Mapping[str | None, Counts]],
    districts: Iterable[str],
    tables: tuple[Reconciliation, ...],
    progress: Callable[[str, int], None] | None = None,
    doubts: Doubts | None = None,
) -> Evaluation:
    """Every engine's last step: each query's counts (``counts_of``), for the
    whole register and each district, judged with `judge_counts` at every
    combination of what the rejected rows (``doubts``) could be, as one
    evaluation with the tables' reconciliations."""
    queries = list(queries)
    districts = list(districts)
    results: list[Result] = []
    if doubts:  # (the register's units with an empty population column: asked once)
        doubts.ask_vacant(*_vacant_asked(queries, bool(districts)))
    for done, query in enumerate(queries, start=1):
        counted = counts_of(query)
        judged_as = doubts.without_column(query) if doubts else query
        rule = query.judged_in(rulebook)
        # Districts are judged on the rules that apply to them (a rule's scope).
        for district in (None, *(d for d in districts if rule.in_district(d) is not None)):
            counts = counted.get(district, Counts(0, 0))
            if doubts:
                # (The counts as read judged once: the doubts ask, then the bounds.)
                read = judge_counts(rulebook, judged_as, counts, district)
                met = _met_at_least(rulebook, judged_as, read, district)
                found = doubts.of_query(judged_as, district, counts, met)
                result = judge_bounded(
                    rulebook, judged_as, counts, found, district, doubts.strict, read
                )
            else:
                result = judge_counts(rulebook, judged_as, counts, district)
            # (`judge_counts` gives its results so already: no copy made.)
            results.append(
                result if result.source == "records" else attrs.evolve(result, source="records")
            )
        if progress is not None:
            progress(f"rules × years judged of {len(queries)}", done)
    return judged(Evaluation(rulebook, "", tuple(results), 0, 0, (), records=tables))


def doubtful_dates(
    rows: Iterable[tuple[str, int, dt.date]], until: dt.date, declared: bool
) -> tuple[list[int], Text | None]:
    """The rows (of ``(unit, row, date)``) dated after the log's end (``until``,
    declared or today): their row numbers, and a note saying so."""
    late = sorted(row for _, row, date in rows if date > until)
    if not late:
        return [], None
    shown = listed(late, most=10)
    return late, say(
        "doubts.late",
        count=len(late),
        s="" if len(late) == 1 else "s",
        rows=shown,
        until=str(until),
        what=say("doubts.declared_end" if declared else "doubts.today"),
    )
