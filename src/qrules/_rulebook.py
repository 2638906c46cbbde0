"""The rulebook: a plan's rules as loaded from a folder, and the one object a
user holds. What its rules are made of is the model (`_model`); a rulebook
judges reported figures (`Rulebook.evaluate`) through the figures reader and
judge, which sit below this module, never above it.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import warnings
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Literal, TypeAlias

import attrs

from ._cache import Compiled
from ._errors import OutOfPeriodError, UnknownBodyError, UnknownRuleError, suggestion
from ._figures import Dataset, MappingInput, read_dataset
from ._judge import judge_figures
from ._messages import Lang, Text, say
from ._model import Body, Ignored, Measure, Period, Rule
from ._results import Evaluation

__all__ = ["DataInput", "Rulebook", "RulesInput"]

#: A `Dataset`, a mapping of measure to value, or anything `read_dataset` reads
#: (a file, a DataFrame, an Arrow table, a list of dicts).
DataInput: TypeAlias = Dataset | Mapping[str, object] | Any
#: The rules to judge (``rules=``): rules, or ids of a rulebook's, or one alone
#: (`Rulebook.chosen`); ``None``, every rule.
RulesInput: TypeAlias = Iterable[Rule | str] | Rule | str | None


@attrs.frozen
class Rulebook:
    """A plan's rules, as loaded from a folder. Iterating gives the rules.

    Immutable, and safe to share between threads: what its rules work out
    lazily is built whole, once, under a lock (docs/security.md#threads)."""

    id: str
    version: str
    title: Text
    issuer: Text
    status: str
    period: Period
    text: str = attrs.field(repr=False)
    measures: Mapping[str, Measure] = attrs.field(repr=False)
    rules: tuple[Rule, ...] = attrs.field(repr=False)
    fingerprint: str
    path: str = attrs.field(eq=False)
    published: dt.date | None = None
    supersedes: str | None = None
    consultation: Mapping[str, Any] = attrs.field(factory=dict, repr=False)
    #: When the rulebook's text is in force; by default the plan's period.
    effective: Period | None = None
    #: The date the rulebook was narrowed to with `in_force`, if it was.
    as_of: dt.date | None = None
    #: Where the rulebook was read from, when its id alone would mislead: a
    #: folder (or ``REV:PATH``) whose plan id is a shipped rulebook's id. Every
    #: output then names it (see `describe` and `named`).
    origin: str | None = attrs.field(default=None, eq=False)
    #: Every district of the city, when the rulebook names them: a city value
    #: is derived from district rows only when each of these reports.
    districts: tuple[str, ...] = ()
    #: Lint findings the rulebook expects, each with its reason.
    ignored: tuple[Ignored, ...] = attrs.field(default=(), repr=False)
    #: What its rules compile to, judged without sympy: read from the cache
    #: when the loader found one (`_cache`), else compiled on first use.
    compiled: Compiled = attrs.field(factory=Compiled, eq=False, repr=False, kw_only=True)
    #: The responsible bodies, by id (``bodies.toml``); empty when undeclared.
    bodies: Mapping[str, Body] = attrs.field(factory=dict, repr=False)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # Pretty printers (IPython's, Hypothesis') would show every field, the
        # plan's whole text included; the short repr names the rulebook.
        printer.text(repr(self))

    def describe(self, lang: Lang = "en") -> str:
        """Which rulebook, exactly, as every output names it: ``rulebook
        yantai-2023-2025 1.0.0 (fingerprint 23609d8cb07e)``."""
        return say(
            "model.rulebook",
            named=Text(self.named("zh"), self.named("en")),
            fingerprint=self.fingerprint[:12],
        ).get(lang)

    def label(self, lang: Lang = "en") -> str:
        """Deprecated name of `describe` (a ``label`` translates: `Verdict.label`)."""
        warnings.warn(
            "Rulebook.label is deprecated; use Rulebook.describe", DeprecationWarning, stacklevel=2
        )
        return self.describe(lang)

    def named(self, lang: Lang = "en") -> str:
        """The rulebook's id and version, and the folder it was read from when
        that folder is not the shipped rulebook of that id:
        ``yantai-2023-2025 1.0.0 from ./yantai-2023-2025``."""
        if self.origin is None:
            return say("model.named", id=self.id, version=self.version).get(lang)
        return say("model.named_from", id=self.id, version=self.version, origin=self.origin).get(
            lang
        )

    @property
    def in_force_period(self) -> Period:
        return self.effective or self.period

    def in_force(self, date: dt.date) -> Rulebook:
        """The rulebook as it stood on ``date``: the rules then in force, each with
        the target value then in force. A date outside the rulebook's effective
        period is an error, never a silent default."""
        period = self.in_force_period
        if date not in period:
            raise OutOfPeriodError(
                say(
                    "model.out_of_period",
                    rulebook=self.id,
                    version=self.version,
                    start=str(period.start),
                    end=str(period.end),
                    date=str(date),
                    supersedes=say("model.supersedes", supersedes=self.supersedes)
                    if self.supersedes
                    else "",
                )
            )
        # Each rule keeps only the value in force: every year is then judged by it.
        rules = tuple(
            attrs.evolve(r, targets=()) if r.targets else r
            for r in (rule.at(date) for rule in self.rules)
            if r is not None
        )
        return attrs.evolve(self, rules=rules, as_of=date)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def __contains__(self, rule_id: object) -> bool:
        return any(rule.id == rule_id for rule in self.rules)

    def __getitem__(self, rule_id: str) -> Rule:
        found = self._by_id.get(rule_id) if isinstance(rule_id, str) else None
        if found is not None:
            return found
        close = suggestion(rule_id, [rule.id for rule in self.rules])
        raise UnknownRuleError(
            say(
                "model.no_rule",
                rule=rule_id,
                rulebook=self.id,
                close=say("cli.close", close=close) if close else "",
            )
        )

    def chosen(self, rules: RulesInput) -> tuple[Rule, ...] | None:
        """``rules=`` as a judge takes it: each a `Rule`, judged as it is
        (changed, or of another version), or the id of one of this rulebook's
        (an unknown id is an `UnknownRuleError` naming the likely one); one rule
        or id alone stands for itself, an id never for its letters; ``None``,
        every rule (``None`` again); a rule given twice is judged once. Anything
        else (bytes too, not read as their numbers) is a `TypeError`, never an
        error deep in the judge."""
        if rules is None:
            return None
        if isinstance(rules, str | Rule):
            rules = (rules,)
        elif not isinstance(rules, Iterable) or isinstance(rules, bytes | bytearray):
            raise TypeError(f"rules= takes rules or rule ids, got {type(rules).__name__}")
        chosen: dict[Rule, None] = {}
        for rule in rules:
            if isinstance(rule, Rule):
                chosen[rule] = None
            elif isinstance(rule, str):
                chosen[self[rule]] = None
            else:
                raise TypeError(
                    f"rules= takes rules or rule ids, got {type(rule).__name__} {rule!r}"
                )
        return tuple(chosen)

    def owns(self, rule: Rule) -> bool:
        """Whether ``rule`` is this rulebook's own: its rule of that id as it
        is here (as it stood when one of its dated targets began, or as one of
        its districts judges it), not a rule of another rulebook or version,
        nor one changed with ``attrs.evolve``."""
        mine = self._by_id.get(rule.id)
        if mine is None:
            return False
        family = [
            mine,
            *(mine.at(target.start) for target in mine.targets),
            *(mine.in_district(district) for district, _ in mine.districts),
        ]
        return any(r is not None and (r is rule or r == rule) for r in family)

    @functools.cached_property
    def _by_id(self) -> dict[str, Rule]:
        """Each rule by its id (the first, should two share one)."""
        found: dict[str, Rule] = {}
        for rule in self.rules:
            found.setdefault(rule.id, rule)
        return found

    def body(self, name: str) -> Body:
        """A responsible body by its id or any spelling the plan uses for it;
        an `UnknownBodyError` (with the nearest names) if there is none."""
        if name in self.bodies:
            return self.bodies[name]
        for body in self.bodies.values():
            if name in body.spellings or name == body.name.zh:
                return body
        names = [*self.bodies, *(s for b in self.bodies.values() for s in b.spellings)]
        close = suggestion(name, names)
        if not self.bodies:
            hint = say("model.no_bodies", rulebook=self.id)
        else:
            hint = say("cli.close", close=close) if close else say("model.see_bodies")
        raise UnknownBodyError(say("model.no_body", body=name, rulebook=self.id, hint=hint))

    def get(self, rule_id: str) -> Rule | None:
        return next((rule for rule in self.rules if rule.id == rule_id), None)

    def select(
        self,
        *,
        ids: frozenset[str] | set[str] | list[str] | tuple[str, ...] | None = None,
        tags: frozenset[str] | set[str] | list[str] | tuple[str, ...] | None = None,
        section: str | None = None,
        responsible: str | None = None,
    ) -> tuple[Rule, ...]:
        """Rules matching every criterion given: any of ``ids``, any of ``tags``,
        a section path that starts with ``section``, and ``responsible`` among
        their bodies (a body's id or any of its spellings). An id or body the
        rulebook does not have is an error, never a silently shorter selection."""
        for rule_id in ids or ():
            self[rule_id]
        body = None if responsible is None else self.body(responsible).id
        chosen = []
        for rule in self.rules:
            if ids is not None and rule.id not in ids:
                continue
            if tags is not None and not set(tags) & set(rule.tags):
                continue
            if section is not None and not rule.section.startswith(section):
                continue
            if body is not None and body not in rule.bodies:
                continue
            chosen.append(rule)
        return tuple(chosen)

    def evaluate(
        self,
        data: DataInput,
        *,
        year: int | None = None,
        rules: RulesInput = None,
        strict: bool = False,
        mapping: MappingInput = None,
        encoding: str | None = None,
        sheet: str | None = None,
        header_row: int | None = None,
        layout: Literal["long", "wide"] | None = None,
        decision_log: str | Path | None = None,
        table: str | None = None,
    ) -> Evaluation:
        """Judge reported figures against the rules.

        ``data`` is a `Dataset`, anything `read_dataset` reads (a file, a
        pandas or polars DataFrame, an Arrow table, a list of dicts; the other
        options are `read_dataset`'s), or a mapping of measure to value for one
        ``year`` (default: the last year of the plan)::

            rulebook.evaluate({"food_safety_sampling_pass_rate": "98.6"})
            rulebook.evaluate(df, mapping="mapping.toml")
            rulebook.evaluate(connection, table="office.figures_2025")

        A figure outside its measure's bounds (``lower``, ``upper``,
        ``at_most``) is a `DataError`; with ``strict``, so is a doubtful figure:
        a reported share that its counts contradict beyond rounding.

        ``rules`` (default: every rule) are rules or rule ids (`chosen`); a
        rule may be changed (``attrs.evolve``) or of another version: each is
        judged as it is. Only this rulebook's own
        rules (`owns`) are written to a ``decision_log``, which records this
        rulebook's version and fingerprint as the judge.

        ``decision_log``: a JSON Lines file to append each result to (see
        ``docs/audit.md``).
        """
        chosen = self.chosen(rules)
        if not isinstance(data, Dataset):
            data = read_dataset(
                data,
                self,
                year=_year(year),
                mapping=mapping,
                encoding=encoding,
                sheet=sheet,
                header_row=header_row,
                layout=layout,
                table=table,
            )
        elif any(v is not None for v in (mapping, encoding, sheet, header_row, layout, table)):
            raise TypeError("a Dataset is already read: give it without reading options")
        elif year is not None:
            raise TypeError(
                "year= is the year of figures that name none (a mapping of values, a sheet"
                " without a year column); a dataset gives its own years: drop year="
            )
        evaluation = judge_figures(self, data, rules=chosen, strict=strict)
        if decision_log is not None:
            from ._decisions import append_decisions, data_digest  # noqa: PLC0415

            append_decisions(
                decision_log, evaluation, engine="reference", sources=[data_digest(data)]
            )
        return evaluation


def _year(year: object) -> int | None:
    """``year=`` as an integer (numpy's too): a string, a truth value or a
    fraction of a year is a TypeError, never figures put in a year that no rule
    judges (``year="2025"`` left every rule unknown)."""
    if year is None:
        return None
    if not isinstance(year, bool):
        try:
            return operator.index(year)  # type: ignore[arg-type]
        except TypeError:
            pass
    raise TypeError(f"year= must be a whole year such as 2025, got {year!r}")
