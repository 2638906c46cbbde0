"""``qrules lint``: where a rulebook's own statements disagree.

A plan often states one quantity in more than one place (an indicator table and
a column), not always with the same number or over the same time. Each
statement is its own rule; rules on the same measure are linked by the measure
itself, and rules on different measures by ``related``. The checks here read
only the rulebook, never data, and know nothing of any particular plan:

``disagreeing-targets`` (warning)
    rules on one measure, judged on the same figure (same aggregation and due
    date or period), with single thresholds in the same direction that are not
    equivalent; the message says which binds if all are read as minimums.
``differing-requirements`` (warning)
    the same, for requirements that are not such thresholds (compound, ``==``,
    ``!=``, or thresholds in opposite directions), when they are not equivalent;
    equivalence and implication are decided with sympy on the measure's values.
``different-timing`` (warning)
    one measure stated with different aggregations, due dates or periods: the
    statements cannot be checked on one figure without a reading.
``component-targets`` (info when consistent, warning when not)
    a measure whose formula is a sum of other measures with non-negative
    coefficients, where the aggregate and every component carry lower bounds at
    the same timing: the bound the components' targets imply for the aggregate,
    compared with the aggregate's own target; and a measure ``at_most`` such a
    sum (a part of it, not one of its terms), whose target asks that much of
    the whole.
``unreciprocated-link`` (warning)
    a ``related`` link that the other rule does not return.
``conflicting-rules`` (error)
    rules at the same timing, on one measure or on measures linked by a
    formula, that no values meet together; decided exactly (on one measure, as
    sets of its values; across a formula, by linear programming on its inputs).
``redundant-rule`` (info)
    a rule that another at the same timing, on a measure linked to its own by a
    formula, implies (on one measure, ``disagreeing-targets`` and
    ``differing-requirements`` already say which binds).
``uncovered-target`` (warning)
    a target the plan's text states (a number with a comparison word, or in a
    sentence with a word of commitment or a date, or a phrase such as 全覆盖:
    see ``_quotes.text_targets``), of one thing (a number the text gives to
    several things is a target for each), that no rule encodes: each rule that
    quotes it with that number in its requirement (or reads its quote whole)
    encodes one target, paired by an exact matching; unless ``plan.toml`` lists
    it under ``[[ignore]]`` with a reason.
``duplicate-target`` (info)
    a rule that encodes only targets other rules encode already: removing
    either would leave the target encoded, unseen by ``uncovered-target``.
``alternative-reading`` (info)
    a rule records another reading of its quote (``[[rule.alternatives]]``)
    beside the one it encodes: a reviewer sees the choice and its reason.
``untranslated-interpretation`` (info)
    an interpretation written as a plain string, shown in English to zh users.

See ``docs/lint.md``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Literal, TypeAlias

import attrs

from . import _escape
from ._diff import Comparison, compare_requirements, satisfiable_together
from ._errors import Problem, RulebookError
from ._expr import (
    BinaryOp,
    Name,
    Negate,
    Node,
    Number,
    format_expression,
    format_number,
    iter_names,
    rational,
    to_sympy,
)
from ._limits import MAX_PLAN_TEXT_NUMBERS
from ._messages import joined, listed, say
from ._model import Aggregation, Lang, Measure, Period, Rule, Target, Text
from ._quotes import TextTarget, TooManyNumbers, encoded_targets, text_targets
from ._rulebook import Rulebook
from ._sets import OverBudget, Undecided, fraction, over_budget, requirement_values, subset

if TYPE_CHECKING:
    import sympy
else:
    from ._sympy import sympy

__all__ = [
    "CODES",
    "SEVERITIES",
    "Finding",
    "Severity",
    "blocking",
    "lint",
    "lint_json",
    "lint_text",
]

Severity: TypeAlias = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
CODES = (
    "conflicting-rules",
    "disagreeing-targets",
    "differing-requirements",
    "different-timing",
    "component-targets",
    "unreciprocated-link",
    "uncovered-target",
    "redundant-rule",
    "duplicate-target",
    "alternative-reading",
    "untranslated-interpretation",
)
JSON_SCHEMA_VERSION = "1"


@attrs.frozen
class Finding:
    """One thing ``qrules lint`` reports about a rulebook."""

    code: str
    severity: Severity = attrs.field(validator=attrs.validators.in_(SEVERITIES))
    rules: tuple[str, ...]
    message: Text
    #: For a finding about the plan's text: the sentence, and its section.
    sentence: str | None = None
    section: str | None = None

    def as_dict(self, lang: Lang = "en") -> dict[str, object]:
        found: dict[str, object] = {
            "code": self.code,
            "severity": self.severity,
            "rules": list(self.rules),
            "message": self.message.get(lang),
        }
        if self.sentence is not None:
            found |= {"sentence": self.sentence, "section": self.section}
        return found


def lint(rulebook: Rulebook) -> tuple[Finding, ...]:
    """Every finding for a rulebook: errors first, then warnings, then infos;
    within a severity by code, then by the rules' order in the rulebook."""
    order = {rule.id: index for index, rule in enumerate(rulebook.rules)}
    findings = [
        *_same_measure(rulebook),
        *_component_targets(rulebook),
        *_links(rulebook),
        *_uncovered_targets(rulebook),
        *_linked_pairs(rulebook),
        *_readings(rulebook),
    ]
    return tuple(
        sorted(
            findings,
            key=lambda f: (
                SEVERITIES.index(f.severity),
                CODES.index(f.code),
                [order[r] for r in f.rules],
            ),
        )
    )


def blocking(findings: Sequence[Finding]) -> bool:
    """Whether any finding is a warning or an error (``qrules lint`` exits 1)."""
    return any(f.severity in ("error", "warning") for f in findings)


# -- statements of one measure ------------------------------------------------


@attrs.frozen
class _Timing:
    """What a rule is judged on: the aggregation and its date or years."""

    aggregation: Aggregation
    due: dt.date | None
    period: Period | None


def _timing(rule: Rule, rulebook: Rulebook) -> _Timing:
    if rule.aggregation is Aggregation.EVERY_YEAR:
        return _Timing(rule.aggregation, None, rule.period or rulebook.period)
    return _Timing(rule.aggregation, rule.due, None)


def _describe_timing(timing: _Timing, rulebook: Rulebook) -> Text:
    if timing.aggregation is Aggregation.EVERY_YEAR:
        period = timing.period or rulebook.period
        return say("lint.timing_every_year", start=period.start.year, end=period.end.year)
    due = "" if timing.due is None else timing.due.isoformat()
    first = rulebook.period.start.year
    return say(f"lint.timing_{timing.aggregation.value}", due=due, first=first)


def _same_measure(rulebook: Rulebook) -> Iterator[Finding]:
    by_measure: dict[str, list[Rule]] = {}
    for rule in rulebook.rules:
        by_measure.setdefault(rule.measure.id, []).append(rule)
    for rules in by_measure.values():
        if len(rules) < 2:
            continue
        by_timing: dict[_Timing, list[Rule]] = {}
        for rule in rules:
            by_timing.setdefault(_timing(rule, rulebook), []).append(rule)
        if len(by_timing) > 1:
            yield _different_timing(rulebook, rules[0].measure, by_timing)
        for group in by_timing.values():
            if len(group) > 1:
                finding = _compare_requirements(group)
                if finding is not None:
                    yield finding


def _different_timing(
    rulebook: Rulebook, measure: Measure, by_timing: Mapping[_Timing, list[Rule]]
) -> Finding:
    timings = tuple(
        say("lint.timing_in", when=_describe_timing(timing, rulebook), sections=_sections(group))
        for timing, group in by_timing.items()
    )
    return Finding(
        "different-timing",
        "warning",
        tuple(r.id for group in by_timing.values() for r in group),
        say("lint.different_timing", measure=measure.name, timings=_versus(timings)),
    )


@attrs.frozen
class _Class:
    """Rules whose requirements hold for exactly the same values."""

    rules: tuple[Rule, ...]
    values: sympy.Set | None  # None: undecided


def _compare_requirements(group: Sequence[Rule]) -> Finding | None:
    """Rules on one measure at one timing: a finding unless all are equivalent."""
    classes: list[_Class] = []
    notes: list[Text] = []
    for rule in group:
        try:
            values: sympy.Set | None = requirement_values(rule)
        except OverBudget as error:
            values = None
            notes.append(say("lint.rule_note", rule=rule.id, note=error.note))
        except Undecided:
            values = None
        for index, existing in enumerate(classes):
            if _equivalent(existing, rule, values):
                classes[index] = attrs.evolve(existing, rules=(*existing.rules, rule))
                break
        else:
            classes.append(_Class((rule,), values))
    if len(classes) < 2:
        return None
    measure = group[0].measure
    ids = tuple(rule.id for rule in group)
    targets = [rule.target for rule in group]
    statements = _statements(classes)
    decided = len([c for c in classes if c.values is not None]) == len(classes)
    contradictory = decided and bool(
        sympy.Intersection(*(c.values for c in classes if c.values is not None)).is_empty
    )
    binding = None
    if decided and not contradictory:
        binding = next(
            (c for c in classes if all(subset(c.values, o.values) for o in classes if o is not c)),
            None,
        )
    directions = {_direction(t) for t in targets}
    if binding is not None and len(directions) == 1 and None not in directions:
        lower = directions == {"lower"}
        bound = _target_text(binding.rules[0])
        return Finding(
            "disagreeing-targets",
            "warning",
            ids,
            say(
                "lint.disagreeing_minimums" if lower else "lint.disagreeing_maximums",
                measure=measure.name,
                statements=statements,
                bound=bound,
            ),
        )
    if contradictory:
        return Finding(
            "conflicting-rules",
            "error",
            ids,
            say("lint.conflicting", measure=measure.name, statements=statements),
        )
    if not decided:
        relation = (
            say("lint.undecided_because", notes=joined(tuple(notes), say("lint.semicolon")))
            if notes
            else say("lint.undecided")
        )
    elif binding is not None:
        relation = say("lint.binds", bound=_target_text(binding.rules[0]))
    else:
        relation = say("lint.none_implies")
    return Finding(
        "differing-requirements",
        "warning",
        ids,
        say("lint.differing", measure=measure.name, statements=statements, relation=relation),
    )


def _equivalent(existing: _Class, rule: Rule, values: sympy.Set | None) -> bool:
    if existing.values is None or values is None:
        return existing.rules[0].requirement == rule.requirement
    return subset(existing.values, values) and subset(values, existing.values)


def _direction(target: Target | None) -> str | None:
    if target is None:
        return None
    if target.op in (">=", ">"):
        return "lower"
    if target.op in ("<=", "<"):
        return "upper"
    return None


def _statements(classes: Sequence[_Class]) -> Text:
    """Each class as 'target (section; section)', aspirational ones marked, one
    against the other: '≥300 (一) vs ≥350 (二)'."""
    return _versus(tuple(_statement(cls.rules) for cls in classes))


def _statement(rules: Sequence[Rule]) -> Text:
    aspirational = any(r.strength == "aspirational" for r in rules)
    return say(
        "lint.statement_aspirational" if aspirational else "lint.statement",
        target=_target_text(rules[0]),
        sections=_sections(rules),
    )


def _versus(statements: tuple[Text, ...]) -> Text:
    return joined(statements, say("lint.versus"))


def _listed(items: Sequence[Text]) -> Text:
    """``a, b and c`` (``a、b、c``)."""
    if len(items) <= 1:
        return joined(tuple(items), say("lint.list"))
    return say("lint.list_and", items=joined(tuple(items[:-1]), say("lint.list")), last=items[-1])


def _sections(rules: Sequence[Rule]) -> str:
    seen: list[str] = []
    for rule in rules:
        if rule.source.section not in seen:
            seen.append(rule.source.section)
    return "; ".join(seen)


def _target_text(rule: Rule) -> str:
    target = rule.target
    if target is None:
        return str(rule.requirement)
    return f"{target.sign}{format_number(target.value)}"


# -- components of a sum ------------------------------------------------------


def _linear(measure: Measure) -> dict[str, Fraction] | None:
    """The coefficient of each measure in a formula that is a sum of measures
    with non-negative coefficients (plus a constant); else ``None``."""
    formula = measure.formula
    if formula is None or over_budget(formula.tree) is not None:
        return None  # (not a sum of measures, if its degree is over the budget)
    symbols = {name: sympy.Symbol(name) for name in formula.names}
    expr = sympy.expand(to_sympy(formula.tree, symbols))
    coefficients: dict[str, Fraction] = {}
    for term, coefficient in expr.as_coefficients_dict().items():
        if term == 1:
            continue
        if not (term.is_Symbol and coefficient.is_Rational) or coefficient < 0:
            return None
        coefficients[term.name] = fraction(coefficient)
    return coefficients or None


def _names_in_order(node: Node) -> list[str]:
    return list(dict.fromkeys(iter_names(node)))


def _substitute(node: Node, values: Mapping[str, Fraction]) -> Node:
    if isinstance(node, Name):
        return Number(values[node.id])
    if isinstance(node, Negate):
        return Negate(_substitute(node.operand, values))
    if isinstance(node, BinaryOp):
        return BinaryOp(node.op, _substitute(node.left, values), _substitute(node.right, values))
    return node


@attrs.frozen
class _Bound:
    """``value`` or more (more than ``value`` when strict)."""

    value: Fraction
    strict: bool

    def whole(self) -> _Bound:
        if self.strict:
            return _Bound(Fraction(math.floor(self.value) + 1), strict=False)
        return _Bound(Fraction(math.ceil(self.value)), strict=False)

    def meets(self, other: _Bound) -> bool:
        """Whether every value this admits is admitted by ``other``."""
        return self.value > other.value or (
            self.value == other.value and (self.strict or not other.strict)
        )

    def text(self) -> str:
        return f"{'>' if self.strict else '≥'}{format_number(self.value)}"


def _lower_bound(rule: Rule) -> _Bound | None:
    """The least value a rule with a single threshold allows: for ``>=``, ``>``
    and ``==``; a whole number for a count."""
    target = rule.target
    if target is None or target.op not in (">=", ">", "=="):
        return None
    bound = _Bound(target.value, strict=target.op == ">")
    return bound.whole() if rule.measure.unit.integer else bound


def _component_targets(rulebook: Rulebook) -> Iterator[Finding]:
    by_measure: dict[str, list[Rule]] = {}
    for rule in rulebook.rules:
        by_measure.setdefault(rule.measure.id, []).append(rule)
    for measure in rulebook.measures.values():
        coefficients = _linear(measure)
        if coefficients is None or measure.formula is None:
            continue
        names = [n for n in _names_in_order(measure.formula.tree) if n in coefficients]
        for aggregate in by_measure.get(measure.id, []):
            chosen = _chosen(rulebook, by_measure, aggregate, names)
            if chosen is not None:
                yield _compare_components(rulebook, measure, aggregate, names, chosen)
        # A part of the sum (``at_most`` it, not one of its terms): its target
        # against what the terms' targets ask of the whole.
        for part in rulebook.measures.values():
            if measure.id not in part.at_most or part.id in coefficients:
                continue
            for aggregate in by_measure.get(part.id, []):
                chosen = _chosen(rulebook, by_measure, aggregate, names)
                if chosen is not None:
                    yield _compare_part(rulebook, measure, aggregate, names, chosen)


def _chosen(
    rulebook: Rulebook, by_measure: Mapping[str, list[Rule]], aggregate: Rule, names: Sequence[str]
) -> dict[str, Rule] | None:
    """For an aggregate with a lower bound, the strictest lower bound of each
    component at its timing; ``None`` unless every component has one."""
    if _lower_bound(aggregate) is None:
        return None
    timing = _timing(aggregate, rulebook)
    chosen: dict[str, Rule] = {}
    for name in names:
        candidates = [
            r
            for r in by_measure.get(name, [])
            if _timing(r, rulebook) == timing and _lower_bound(r) is not None
        ]
        if not candidates:
            return None
        # The strictest of a component's targets is the one that binds.
        chosen[name] = max(candidates, key=lambda r: _sort_bound(_lower_bound(r)))
    return chosen


def _sort_bound(bound: _Bound | None) -> tuple[Fraction, bool]:
    assert bound is not None
    return bound.value, bound.strict


@attrs.frozen
class _Implied:
    """What the components' least allowed values give a sum: the bound, and
    the arithmetic (``120 + 50 = 170``)."""

    bound: _Bound
    arithmetic: str


def _implied(measure: Measure, chosen: Mapping[str, Rule]) -> _Implied:
    assert measure.formula is not None
    bounds = {name: _lower_bound(rule) for name, rule in chosen.items()}
    minimums = {name: bound.value for name, bound in bounds.items() if bound is not None}
    symbols = {name: sympy.Symbol(name) for name in measure.formula.names}
    formula = to_sympy(measure.formula.tree, symbols)
    total = fraction(formula.subs({symbols[n]: rational(v) for n, v in minimums.items()}))
    strict = any(b is not None and b.strict for b in bounds.values())
    implied = _Bound(total, strict)
    if measure.unit.integer:
        implied = implied.whole()
    arithmetic = (
        f"{format_expression(_substitute(measure.formula.tree, minimums))} = {format_number(total)}"
    )
    return _Implied(implied, arithmetic)


def _compare_part(
    rulebook: Rulebook,
    whole: Measure,
    aggregate: Rule,
    names: Sequence[str],
    chosen: Mapping[str, Rule],
) -> Finding:
    """A target on a part of a sum (``at_most`` it), against the components'."""
    assert whole.formula is not None
    implied = _implied(whole, chosen)
    wanted = _lower_bound(aggregate)
    assert wanted is not None
    severity: Severity = "info"
    if implied.bound.meets(wanted) and not wanted.meets(implied.bound):
        verdict = "lint.part_more"
    elif implied.bound.meets(wanted):
        verdict = "lint.part_same"
    else:
        severity, verdict = "warning", "lint.part_short"
    relation = say(
        "lint.part_of",
        whole=Text(whole.name.zh, _lower_first(whole.name.en)),
        formula=str(whole.formula),
    )
    said = say(verdict, implied=implied.bound.text(), goal=_target_text(aggregate))
    return _component_finding(
        severity, aggregate, [chosen[name] for name in names], relation, implied.arithmetic, said
    )


def _lower_first(name: str) -> str:
    """A measure's name within a sentence: "National and …" as "national and …"."""
    return name[:1].lower() + name[1:]


def _compare_components(
    rulebook: Rulebook,
    measure: Measure,
    aggregate: Rule,
    names: Sequence[str],
    chosen: Mapping[str, Rule],
) -> Finding:
    assert measure.formula is not None
    found = _implied(measure, chosen)
    implied, arithmetic = found.bound, found.arithmetic
    target = aggregate.target
    assert target is not None
    wanted = _lower_bound(aggregate)
    assert wanted is not None
    severity: Severity
    if target.op == "==" and (
        implied.value > target.value or (implied.value == target.value and implied.strict)
    ):
        severity, verdict = "warning", "lint.sum_beyond"
    elif implied.meets(wanted):
        severity = "info"
        more = implied.value > wanted.value and target.op != "=="
        verdict = "lint.sum_more" if more else "lint.sum_consistent"
    else:
        severity, verdict = "warning", "lint.sum_short"
    said = say(verdict, implied=implied.text(), goal=_target_text(aggregate))
    relation = say("lint.sum_is", formula=str(measure.formula))
    return _component_finding(
        severity, aggregate, [chosen[name] for name in names], relation, arithmetic, said
    )


def _component_finding(
    severity: Severity,
    aggregate: Rule,
    parts: Sequence[Rule],
    relation: Text,
    arithmetic: str,
    verdict: Text,
) -> Finding:
    """``component-targets``: the aggregate's target, how its measure relates to
    the components, their targets, the arithmetic and the verdict."""
    targets = [
        say(
            "lint.target_aspirational" if r.strength == "aspirational" else "lint.target",
            target=_target_text(r),
        )
        for r in parts
    ]
    return Finding(
        "component-targets",
        severity,
        (aggregate.id, *(r.id for r in parts)),
        say(
            "lint.components",
            measure=aggregate.measure.name,
            statement=_statement((aggregate,)),
            relation=relation,
            targets=_listed(targets),
            sections=_sections(parts),
            arithmetic=arithmetic,
            verdict=verdict,
        ),
    )


# -- rules on measures linked by a formula ------------------------------------


def _reach(rulebook: Rulebook) -> dict[str, frozenset[str]]:
    """For each measure, the measures its formula refers to, directly or not."""
    found: dict[str, frozenset[str]] = {}
    for name in rulebook.measures:
        seen: set[str] = set()
        stack = [name]
        while stack:
            formula = rulebook.measures[stack.pop()].formula
            for other in formula.names if formula is not None else ():
                if other not in seen:
                    seen.add(other)
                    stack.append(other)
        found[name] = frozenset(seen)
    return found


def _linked_pairs(rulebook: Rulebook) -> Iterator[Finding]:
    """Pairs of rules at one timing on measures linked by a formula: the pair no
    values meet (``conflicting-rules``), or one rule the other implies
    (``redundant-rule``)."""
    reach = _reach(rulebook)
    impossible = set()
    for rule in rulebook.rules:
        if satisfiable_together(rule, rule, rulebook.measures) is False:
            impossible.add(rule.id)
            yield Finding(
                "conflicting-rules",
                "error",
                (rule.id,),
                say(
                    "lint.impossible",
                    measure=rule.measure.name,
                    target=_target_text(rule),
                    section=rule.source.section,
                ),
            )
    by_timing: dict[_Timing, list[Rule]] = {}
    for rule in rulebook.rules:
        by_timing.setdefault(_timing(rule, rulebook), []).append(rule)
    for group in by_timing.values():
        for index, first in enumerate(group):
            for second in group[index + 1 :]:
                a, b = first.measure.id, second.measure.id
                if a == b or not (a in reach[b] or b in reach[a]):
                    continue
                if first.id in impossible or second.id in impossible:
                    continue  # already said
                finding = _pair(rulebook, first, second)
                if finding is not None:
                    yield finding


def _pair(rulebook: Rulebook, first: Rule, second: Rule) -> Finding | None:
    ids = (first.id, second.id)
    statements = _statements([_Class((first,), None), _Class((second,), None)])
    names = say("lint.pair", first=first.measure.name, second=second.measure.name)
    together = satisfiable_together(first, second, rulebook.measures)
    if together is False:
        return Finding(
            "conflicting-rules",
            "error",
            ids,
            say("lint.conflicting_pair", measures=names, statements=statements),
        )
    relation = compare_requirements(first, second, rulebook.measures)
    if relation not in (Comparison.STRICTER, Comparison.LOOSER, Comparison.EQUIVALENT):
        return None
    # STRICTER: the second implies the first, which adds nothing.
    redundant, binding = (first, second) if relation is not Comparison.LOOSER else (second, first)
    return Finding(
        "redundant-rule",
        "info",
        ids,
        say(
            "lint.redundant_pair",
            measures=names,
            statements=statements,
            binding=binding.id,
            binding_target=_target_text(binding),
            redundant=redundant.id,
            redundant_target=_target_text(redundant),
        ),
    )


# -- links --------------------------------------------------------------------


def _links(rulebook: Rulebook) -> Iterator[Finding]:
    rules = {rule.id: rule for rule in rulebook.rules}
    for rule in rulebook.rules:
        for other_id in rule.related:
            other = rules.get(other_id)
            if other is None or rule.id in other.related:
                continue  # an unknown id is the loader's to reject
            yield Finding(
                "unreciprocated-link",
                "warning",
                (rule.id, other_id),
                say("lint.unreciprocated", rule=rule.id, other=other_id),
            )


# -- targets of the text that no rule encodes -----------------------------------


def _inside(text: str, quote: str, spans: Sequence[tuple[int, int]]) -> list[int]:
    """The indexes of ``spans`` (in the text's order) that stand inside an
    occurrence of ``quote`` in ``text``.

    The quote is looked for around each span between its first and its last
    occurrence, not by listing every occurrence: a short quote may stand a
    million times in a hostile text, and a long one that overlaps itself costs
    its length each time it is found again. The work is the spans in that
    stretch times the quote's length (`MAX_QUOTE_CHARS`)."""
    size = len(quote)
    first = text.find(quote) if quote else -1
    if first == -1:
        return []
    last = text.rfind(quote)
    starts = [start for start, _ in spans]  # (sorted: the spans are in the text's order)
    found = []
    for index in range(bisect.bisect_left(starts, first), bisect.bisect_right(starts, last + size)):
        start, end = spans[index]
        if end - start > size:
            continue
        if (
            end <= first + size  # (start >= first)
            or (last <= start and end <= last + size)
            or text.find(quote, max(end - size, 0), start + size) != -1
        ):
            found.append(index)
    return found


@attrs.frozen
class _Slot:
    """One target of the text: a number (or a phrase) stated of one thing."""

    target: TextTarget
    #: The thing, when the text gives the number to several (else ``None``).
    subject: str | None

    def shown(self) -> Text:
        text = self.target.target.text
        if self.subject is None:
            return say("lint.target", target=text)
        return say("lint.target_of", target=text, subject=self.subject)


@attrs.frozen
class _Encoding:
    """What one rule encodes of one quote: one of the numbers its requirement
    bounds its measure by, or (for a rule that reads its quote whole) one of the
    targets its quote states; the slots it may fill, likeliest first."""

    rule: Rule
    slots: tuple[int, ...]


def _common(a: str, b: str) -> int:
    """The length of the longest run of characters ``a`` and ``b`` share (in
    their first 200 characters: names are short, and the work stays bounded)."""
    a, b = a[:200], b[:200]
    best = 0
    previous = [0] * (len(b) + 1)
    for char in a:
        current = [0] * (len(b) + 1)
        for j, other in enumerate(b, 1):
            if char == other:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best


#: The most slots of one encoding ranked by how much of the rule's names their
#: thing shares; more (a quote standing hundreds of times in a hostile text)
#: keep the text's order: ranking costs each thing's length times the names'.
_MOST_RANKED = 64


def _encodings(rulebook: Rulebook, slots: Sequence[_Slot]) -> list[_Encoding]:
    text = rulebook.text
    spans = [(slot.target.start, slot.target.end) for slot in slots]
    found = []
    for rule in rulebook.rules:
        names = f"{rule.title.zh}\n{rule.measure.name.zh}"
        for quote, values, whole in encoded_targets(rule):
            inside = _inside(text, quote, spans)
            # Each number the requirement reads fills one slot stating it; a rule
            # that reads its quote whole fills one slot of each target it quotes.
            keys: list[object] = [slots[i].target for i in inside] if whole else [*sorted(values)]
            for key in dict.fromkeys(keys):
                group = [
                    i
                    for i in inside
                    if (slots[i].target == key if whole else slots[i].target.target.value == key)
                ]
                if group:
                    if len(group) <= _MOST_RANKED:
                        group.sort(key=lambda i: -_common(slots[i].subject or "", names))
                    found.append(_Encoding(rule, tuple(group)))
    return found


def _match(encodings: Sequence[_Encoding]) -> dict[int, int]:
    """Each slot filled by one encoding, as many slots as can be (augmenting
    paths, searched without recursion), each encoding trying its likeliest slot
    first: slot -> encoding."""
    owner: dict[int, int] = {}
    for index in range(len(encodings)):
        seen: set[int] = set()
        stack = [(index, iter(encodings[index].slots))]
        # (encoding, slot it takes from the encoding a level up the stack)
        path: list[tuple[int, int]] = []
        while stack:
            current, slots = stack[-1]
            for slot in slots:
                if slot in seen:
                    continue
                seen.add(slot)
                if slot not in owner:  # a free slot: shift every slot on the path
                    owner[slot] = current
                    for encoding, taken in path:
                        owner[taken] = encoding
                    stack.clear()
                    break
                path.append((current, slot))
                stack.append((owner[slot], iter(encodings[owner[slot]].slots)))
                break
            else:
                stack.pop()
                if path:
                    path.pop()
    return owner


def _uncovered_targets(rulebook: Rulebook) -> Iterator[Finding]:
    """``uncovered-target``: each target of the text (a number stated of one
    thing) that no rule encodes; ``duplicate-target``: a rule that encodes only
    targets other rules encode already, so that removing either is unseen."""
    text = rulebook.text
    if not text:
        return
    try:
        targets = text_targets(text)
    except TooManyNumbers:
        raise RulebookError(
            rulebook.named(),
            [
                Problem(
                    "plan.toml",
                    say("lint.text_too_long", limit=MAX_PLAN_TEXT_NUMBERS),
                    key="text",
                    hint=say("lint.text_too_long_hint"),
                )
            ],
        ) from None
    spans = [(target.start, target.end) for target in targets]
    ignored = {
        index
        for quote in dict.fromkeys(
            entry.quote for entry in rulebook.ignored if entry.code == "uncovered-target"
        )
        for index in _inside(text, quote, spans)
    }
    slots = [
        _Slot(found, subject)
        for index, found in enumerate(targets)
        if index not in ignored
        for subject in (found.subjects or (None,))
    ]
    encodings = _encodings(rulebook, slots)
    owner = _match(encodings)
    by_sentence: dict[tuple[str, str], list[_Slot]] = {}
    for index, slot in enumerate(slots):
        if index not in owner:
            by_sentence.setdefault((slot.target.sentence, slot.target.section), []).append(slot)
    for (sentence, section), missing in by_sentence.items():
        yield Finding(
            "uncovered-target",
            "warning",
            (),
            say(
                "lint.uncovered",
                section=section,
                sentence=_line(sentence),
                targets=_shown(missing),
            ),
            sentence=sentence,
            section=section,
        )
    yield from _duplicates(encodings, owner, slots)


def _shown(slots: Iterable[_Slot]) -> Text:
    """The targets of ``slots``, each once: ``10、达 100%(大型餐饮单位…)``."""
    return joined(tuple(dict.fromkeys(slot.shown() for slot in slots)), say("lint.list"))


def _line(sentence: str) -> str:
    return " / ".join(part.strip() for part in sentence.splitlines() if part.strip())


def _duplicates(
    encodings: Sequence[_Encoding], owner: Mapping[int, int], slots: Sequence[_Slot]
) -> Iterator[Finding]:
    """Rules none of whose encodings fills a slot: each of their targets is one
    another rule encodes already."""
    filled = set(owner.values())
    by_rule: dict[str, list[int]] = {}
    for index, encoding in enumerate(encodings):
        by_rule.setdefault(encoding.rule.id, []).append(index)
    for indexes in by_rule.values():
        if any(index in filled for index in indexes):
            continue
        rule = encodings[indexes[0]].rule
        taken = list(dict.fromkeys(slot for index in indexes for slot in encodings[index].slots))
        holders = list(dict.fromkeys(encodings[owner[slot]].rule.id for slot in taken))
        first = slots[taken[0]]
        yield Finding(
            "duplicate-target",
            "info",
            (rule.id, *holders),
            say(
                "lint.duplicate",
                section=first.target.section,
                sentence=_line(first.target.sentence),
                targets=_shown(slots[s] for s in taken),
                others=listed(holders),
                rule=rule.id,
            ),
            sentence=first.target.sentence,
            section=first.target.section,
        )


# -- readings -----------------------------------------------------------------


def _readings(rulebook: Rulebook) -> Iterator[Finding]:
    for rule in rulebook.rules:
        aggregation = say(f"aggregation.{rule.aggregation.value}")
        encoded = (
            say(
                "lint.encoded",
                aggregation=aggregation,
                target=_target_text(rule),
                strength=say(f"strength.{rule.strength}"),
            )
            if rule.strength
            else say("lint.encoded_plain", aggregation=aggregation, target=_target_text(rule))
        )
        for alternative in rule.alternatives:
            yield Finding(
                "alternative-reading",
                "info",
                (rule.id,),
                say(
                    "lint.alternative_reading",
                    title=rule.title,
                    encoded=encoded,
                    alternative=Text(alternative.describe("zh"), alternative.describe("en")),
                ),
            )
        interpretation = rule.interpretation
        if interpretation is not None and interpretation.zh == interpretation.en:
            yield Finding(
                "untranslated-interpretation",
                "info",
                (rule.id,),
                say("lint.untranslated", title=rule.title),
            )


# -- output -------------------------------------------------------------------


def _header(rulebook: Rulebook) -> dict[str, str | None]:
    return {
        "id": rulebook.id,
        "version": rulebook.version,
        "origin": rulebook.origin,
        "fingerprint": rulebook.fingerprint,
    }


def lint_json(rulebook: Rulebook, findings: Sequence[Finding], lang: Lang = "en") -> str:
    """``qrules lint --format json``."""
    document = {
        "schema_version": JSON_SCHEMA_VERSION,
        "rulebook": _header(rulebook),
        "findings": [finding.as_dict(lang) for finding in findings],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def lint_text(rulebook: Rulebook, findings: Sequence[Finding], lang: Lang = "en") -> str:
    """``qrules lint``: a numbered list of findings and a count by severity."""
    counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES}

    def s(count: int) -> str:
        return "" if count == 1 else "s"

    head = say(
        "lint.heading",
        rulebook=Text(rulebook.describe("zh"), rulebook.describe()),
        findings=len(findings),
        s=s(len(findings)),
        errors=counts["error"],
        errors_s=s(counts["error"]),
        warnings=counts["warning"],
        warnings_s=s(counts["warning"]),
        infos=counts["info"],
    ).get(lang)
    lines = [head]
    width = len(str(len(findings)))
    for number, finding in enumerate(findings, 1):
        label = say(f"lint.{finding.severity}").get(lang)
        indent = " " * (width + 2)
        lines += [
            "",
            f"{number:>{width}}. {label}  {finding.code}",
            *(
                [indent + say("lint.rules", rules=listed(finding.rules)).get(lang)]
                if finding.rules
                else []
            ),
            f"{indent}{_escape.terminal(finding.message.get(lang))}",
        ]
    return _escape.terminal_lines("\n".join(lines) + "\n")
