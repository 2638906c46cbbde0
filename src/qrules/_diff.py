"""A semantic diff of two rulebooks, and the version bump it calls for.

Requirements are compared as predicates, never as strings: the new one is
*stricter* when it implies the old one and not the reverse, *looser* the other
way round, *equivalent* when each implies the other, *incomparable* when
neither does. Implication ``P ⇒ Q`` is decided by showing ``P ∧ ¬Q``
unsatisfiable over the measures' domain (non-negative reals; percentages at
most 100): each comparison is in integer form, ``P ∧ ¬Q`` is put in
disjunctive normal form, and each conjunction of linear constraints is an
exact linear programme (sympy's simplex, on rationals). A conjunction that is
not linear in several measures cannot be decided that way; the result is then
*undecided*, and says so, rather than guessed.
"""

from __future__ import annotations

import enum
import functools
import itertools
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, TypeAlias

import attrs

from . import _escape
from ._compile import (
    AllOf,
    AnyOf,
    Condition,
    Negation,
    Predicate,
    compare,
    compile_predicate,
    integer_form,
)
from ._expr import NEGATED, Comparator, Node, rational, to_sympy
from ._limits import MAX_DIFF_CONJUNCTIONS, MAX_DIFF_SECONDS
from ._messages import Lang, Text, data, joined, listed, say
from ._model import Measure, Period, Rule
from ._rulebook import Rulebook
from ._sets import fraction, over_budget

if TYPE_CHECKING:
    import sympy
else:
    from ._sympy import sympy

__all__ = [
    "Bump",
    "Comparison",
    "FieldChange",
    "RuleChange",
    "RulebookDiff",
    "compare_requirements",
    "diff_rulebooks",
    "required_version",
    "satisfiable_together",
    "version_follows",
]


class Comparison(enum.Enum):
    """How a new requirement relates to an old one."""

    STRICTER = "stricter"
    LOOSER = "looser"
    EQUIVALENT = "equivalent"
    INCOMPARABLE = "incomparable"
    UNDECIDED = "undecided"


# -- deciding implication -----------------------------------------------------

#: A constraint ``expr op 0`` with op one of >=, >, ==.
_Atom: TypeAlias = "tuple[sympy.Expr, Comparator]"


def _symbol(name: str) -> sympy.Symbol:
    # Non-negative reals, whatever the unit: a unit change (whole counts or not)
    # must not make two requirements incomparable.
    return sympy.Symbol(name, nonnegative=True)


def _predicate(
    rule: Rule, measures: Mapping[str, Measure], expand: bool
) -> tuple[Predicate, list[_Atom]]:
    """The requirement, over its measures or (``expand``) over their inputs with
    every formula expanded, so that a requirement on a rate and one on its counts
    speak of the same quantities; and the domain constraints of the expanded
    measures (a percentage is at most 100)."""
    domain: list[_Atom] = []

    @functools.cache  # once per measure: compiling asks again for guards and chains
    def resolve(name: str) -> sympy.Expr:
        measure = measures.get(name)
        if not expand or measure is None or measure.formula is None:
            return _symbol(name)
        expr = to_sympy(measure.formula.tree, resolve)
        if measure.upper is not None:
            form, denominator = integer_form(rational(measure.upper) - expr)
            domain.append((form, ">="))
            if denominator.free_symbols:
                domain.append((denominator, ">"))
        return expr

    return compile_predicate(rule.requirement.tree, resolve), domain


def _dnf(predicate: Predicate, negate: bool = False) -> list[list[_Atom]]:
    """``predicate`` (or its negation) as a list of conjunctions of atoms."""
    if isinstance(predicate, Negation):
        return _dnf(predicate.operand, not negate)
    if isinstance(predicate, AllOf | AnyOf):
        conjunctive = isinstance(predicate, AllOf) != negate
        left = _dnf(predicate.left, negate)
        right = _dnf(predicate.right, negate)
        if conjunctive:
            return [a + b for a, b in itertools.product(left, right)]
        return left + right
    assert isinstance(predicate, Condition)
    expr: sympy.Expr = predicate.integer
    op: Comparator = predicate.op
    if negate:
        op = NEGATED[predicate.op]
    # A comparison is judged only where its denominators are not zero, met or not.
    guards: list[_Atom] = [
        (d, ">") for d in predicate.divisors if d.free_symbols and d.is_nonnegative
    ]
    if op == "<=":
        return [[(-expr, ">="), *guards]]
    if op == "<":
        return [[(-expr, ">"), *guards]]
    if op == "!=":
        return [[(expr, ">"), *guards], [(-expr, ">"), *guards]]
    return [[(expr, op), *guards]]


def _dnf_size(predicate: Predicate, negate: bool = False) -> int:
    """How many conjunctions `_dnf` would build, counted without building them
    (a product of disjunctions grows exponentially)."""
    if isinstance(predicate, Negation):
        return _dnf_size(predicate.operand, not negate)
    if isinstance(predicate, AllOf | AnyOf):
        left = _dnf_size(predicate.left, negate)
        right = _dnf_size(predicate.right, negate)
        if isinstance(predicate, AllOf) != negate:
            return min(left * right, _BEYOND)
        return min(left + right, _BEYOND)
    assert isinstance(predicate, Condition)
    op = NEGATED[predicate.op] if negate else predicate.op
    return 2 if op == "!=" else 1


#: Counts stop here: enough to say that a budget is exceeded.
_BEYOND = 10**9


class _OverBudget(Exception):
    """A comparison beyond the budget of symbolic work; ``note`` says why."""

    def __init__(self, note: Text) -> None:
        super().__init__(note.en)
        self.note = note


def _domain(symbols: Iterable[sympy.Symbol], measures: Mapping[str, Measure]) -> list[_Atom]:
    atoms: list[_Atom] = []
    for symbol in symbols:
        atoms.append((symbol, ">="))
        measure = measures.get(str(symbol))
        if measure is not None and measure.upper is not None:
            atoms.append((rational(measure.upper) - symbol, ">="))
        if measure is not None and measure.lower > 0:
            atoms.append((symbol - rational(measure.lower), ">="))
    return atoms


def _satisfiable(atoms: Sequence[_Atom]) -> bool | None:
    """Whether the conjunction has a solution; ``None`` when it can't be decided."""
    if any(e.has(sympy.zoo, sympy.nan, sympy.oo) for e, _ in atoms):
        return None  # divided by something that is always 0 (``x / (a - a)``)
    symbols = sorted(set().union(*(e.free_symbols for e, _ in atoms)), key=str)
    # Plain real symbols: with its assumptions, sympy would decide ``x >= 0`` for a
    # non-negative x on the spot, and the linear programme would never see it.
    plain = {s: sympy.Symbol(f"_{s}", real=True) for s in symbols}
    atoms = [(e.xreplace(plain), op) for e, op in atoms]
    symbols = [plain[s] for s in symbols]
    if symbols and any(not sympy.Poly(e, *symbols).is_linear for e, _ in atoms):
        return _satisfiable_univariate(atoms, symbols)
    if len(symbols) == 1:
        return _satisfiable_interval(atoms, symbols[0])
    slack = sympy.Dummy("slack")
    constraints = []
    for expr, op in atoms:
        if not expr.free_symbols:
            if not compare(op, fraction(expr)):
                return False
            continue
        if op == ">=":
            constraints.append(expr >= 0)
        elif op == ">":
            constraints.append(expr - slack >= 0)
        else:
            constraints.append(sympy.Eq(expr, 0))
    if not constraints:
        return True
    constraints.append(slack <= 1)
    from sympy.solvers.simplex import (  # noqa: PLC0415 (see _sympy)
        InfeasibleLPError,
        UnboundedLPError,
        lpmax,
    )

    try:
        best, _ = lpmax(slack, constraints)
    except InfeasibleLPError:
        return False
    except UnboundedLPError:  # pragma: no cover - the slack is bounded above
        return True
    strict = any(op == ">" for _, op in atoms)
    return best > 0 if strict else True


def _satisfiable_interval(atoms: Sequence[_Atom], x: sympy.Symbol) -> bool:
    """Linear constraints on one variable: intersect the half-lines they bound."""
    low, low_open = None, False
    high, high_open = None, False
    for expr, op in atoms:
        a_expr, b_expr = (
            sympy.Poly(expr, x).all_coeffs() if expr.has(x) else (sympy.Integer(0), expr)
        )
        a, b = fraction(a_expr), fraction(b_expr)
        if a == 0:
            if not compare(op, b):
                return False
            continue
        bound = -b / a
        strict = op == ">"
        tighter_low = low is None or bound > low or (bound == low and strict)
        if (op == "==" or a > 0) and tighter_low:  # x >= bound (or x > bound)
            low, low_open = bound, strict
        tighter_high = high is None or bound < high or (bound == high and strict)
        if (op == "==" or a < 0) and tighter_high:  # x <= bound (or x < bound)
            high, high_open = bound, strict
    if low is None or high is None:
        return True
    return low < high or (low == high and not low_open and not high_open)


def _satisfiable_univariate(atoms: Sequence[_Atom], symbols: list[sympy.Symbol]) -> bool | None:
    if len(symbols) != 1:
        return None
    [x] = symbols
    solutions: sympy.Set = sympy.Reals
    for expr, op in atoms:
        if op == "==":
            part = sympy.solveset(expr, x, sympy.Reals)
        else:
            relation = expr >= 0 if op == ">=" else expr > 0
            part = sympy.solve_univariate_inequality(
                relation, x, relational=False, domain=sympy.Reals
            )
        solutions = sympy.Intersection(solutions, part)
    return solutions is not sympy.S.EmptySet


def _implies(
    p: Predicate,
    q: Predicate,
    domain: list[_Atom],
    measures: Mapping[str, Measure],
    deadline: float,
) -> bool | None:
    """Whether ``p ⇒ q`` over the domain; ``None`` when undecidable here.
    Raises `_OverBudget` beyond the budget of symbolic work."""
    count = _dnf_size(p) * _dnf_size(q, negate=True)
    if count > MAX_DIFF_CONJUNCTIONS:
        raise _OverBudget(
            say("diff.cases", count=count, budget=MAX_DIFF_CONJUNCTIONS)
            if count < _BEYOND
            else say("diff.cases_beyond", count=_BEYOND, budget=MAX_DIFF_CONJUNCTIONS)
        )
    undecided = False
    for conjunction in (a + b for a, b in itertools.product(_dnf(p), _dnf(q, negate=True))):
        if time.monotonic() > deadline:
            raise _OverBudget(say("diff.took_too_long", seconds=MAX_DIFF_SECONDS))
        symbols = set().union(*(e.free_symbols for e, _ in conjunction))
        found = _satisfiable([*conjunction, *domain, *_domain(symbols, measures)])
        if found is None:
            undecided = True
        elif found:
            return False
    return None if undecided else True


def _formula(measures: Mapping[str, Measure], name: str) -> str | None:
    measure = measures.get(name)
    return None if measure is None or measure.formula is None else str(measure.formula)


def compare_requirements(
    old: Rule,
    new: Rule,
    old_measures: Mapping[str, Measure],
    new_measures: Mapping[str, Measure] | None = None,
) -> Comparison:
    """How ``new``'s requirement relates to ``old``'s (see the module's docstring).

    Each side's formulas are those of its own rulebook (``new_measures`` defaults
    to ``old_measures``).
    """
    return _compared(old, new, old_measures, new_measures)[0]


def _compared(
    old: Rule,
    new: Rule,
    old_measures: Mapping[str, Measure],
    new_measures: Mapping[str, Measure] | None = None,
) -> tuple[Comparison, Text | None]:
    """`compare_requirements`, and why it is undecided when over the budget of
    symbolic work (docs/security.md: sizes are measured before sympy works, and
    the work is timed)."""
    new_measures = old_measures if new_measures is None else new_measures
    # Requirements on the same measures, with the same formulas, are compared on
    # the measures themselves (fewer variables, the same answer); otherwise on the
    # formulas' inputs.
    names = old.requirement.names
    expand = names != new.requirement.names or any(
        _formula(old_measures, n) != _formula(new_measures, n) for n in names
    )
    for rule, measures in ((old, old_measures), (new, new_measures)):
        note = over_budget(rule.requirement.tree, _formulas(measures, expand))
        if note is not None:
            return Comparison.UNDECIDED, say("diff.rule_note", rule=rule.id, note=note)
    p_old, old_domain = _predicate(old, old_measures, expand)
    p_new, new_domain = _predicate(new, new_measures, expand)
    domain = old_domain + new_domain
    known = {**old_measures, **new_measures}
    deadline = time.monotonic() + MAX_DIFF_SECONDS
    try:
        forward = _implies(p_new, p_old, domain, known, deadline)
        backward = _implies(p_old, p_new, domain, known, deadline)
    except _OverBudget as error:
        return Comparison.UNDECIDED, error.note
    if forward is None or backward is None:
        if forward is False and backward is False:
            return Comparison.INCOMPARABLE, None
        return Comparison.UNDECIDED, None
    if forward and backward:
        return Comparison.EQUIVALENT, None
    if forward:
        return Comparison.STRICTER, None
    if backward:
        return Comparison.LOOSER, None
    return Comparison.INCOMPARABLE, None


def _formulas(measures: Mapping[str, Measure], expand: bool) -> Callable[[str], Node | None]:
    """The formula that stands for each measure when formulas are expanded."""

    def formula(name: str) -> Node | None:
        measure = measures.get(name)
        if not expand or measure is None or measure.formula is None:
            return None
        return measure.formula.tree

    return formula


def satisfiable_together(first: Rule, second: Rule, measures: Mapping[str, Measure]) -> bool | None:
    """Whether some values of the measures meet both requirements (over the
    measures' domain, formulas expanded when the two name different measures);
    ``None`` when that cannot be decided here."""
    expand = first.requirement.names != second.requirement.names
    p_first, first_domain = _predicate(first, measures, expand)
    p_second, second_domain = _predicate(second, measures, expand)
    undecided = False
    for conjunction in (a + b for a, b in itertools.product(_dnf(p_first), _dnf(p_second))):
        symbols = set().union(*(e.free_symbols for e, _ in conjunction))
        found = _satisfiable(
            [*conjunction, *first_domain, *second_domain, *_domain(symbols, measures)]
        )
        if found is None:
            undecided = True
        elif found:
            return True
    return None if undecided else False


# -- the diff -----------------------------------------------------------------


@attrs.frozen
class FieldChange:
    """One field of a rule that changed: its name and both values, as text."""

    field: str
    old: str
    new: str
    #: Both values as each language shows them (a list's items joined by
    #: ``、`` in Chinese); ``old`` and ``new`` are the English, as in JSON.
    said: tuple[Text, Text] | None = attrs.field(default=None, eq=False, repr=False)

    def values(self, escape: Callable[[str], str] = str) -> tuple[Text, Text]:
        """Both values as each language shows them, each put through ``escape``."""
        said = self.said or (say("data.value", value=self.old), say("data.value", value=self.new))
        old, new = said
        return Text(escape(old.zh), escape(old.en)), Text(escape(new.zh), escape(new.en))


class Bump(enum.IntEnum):
    """The least version bump a change calls for (``docs/versions.md``)."""

    NONE = 0
    PATCH = 1
    MINOR = 2
    MAJOR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    def said(self) -> Text:
        """The bump in words: ``major`` (``主版本``)."""
        return say(f"diff.bump_{self.label}")


#: Fields whose change alters what a rule judges: a major change.
_SEMANTIC = (
    "measure",
    "unit",
    "aggregation",
    "due",
    "period",
    "formula",
    "targets",
    "ends",
    "records",
    "scope",
    "districts",
)
#: Fields whose change alters only words or attribution: a patch.
_WORDING = (
    "title",
    "quote",
    "section",
    "indicator_source",
    "data_source",
    "inferred",
    "responsible",
    "responsible_open",
    "bodies",
    "interpretation",
    "alternatives",
    "strength",
    "tags",
    "related",
)


#: Plan fields whose change alters what rules judge: the years a rule reads
#: (``new`` sums from the period's first; ``every_year`` each year of it), the
#: dates it is in force (``effective``: those ``as_of`` judges by, others
#: refused), the districts whose sum is the city's value, and a measure's
#: names (which figures are read as it) or bounds. A major change.
_PLAN_SEMANTIC = ("period", "effective", "plan_districts", "measure")


def _plan_bump(field: FieldChange) -> Bump:
    return Bump.MAJOR if field.field in _PLAN_SEMANTIC else Bump.PATCH


@attrs.frozen
class RuleChange:
    """What happened to one rule between two rulebooks."""

    kind: str  # "added", "removed", "renamed", "changed"
    old: Rule | None = attrs.field(default=None, repr=False)
    new: Rule | None = attrs.field(default=None, repr=False)
    requirement: Comparison | None = None
    fields: tuple[FieldChange, ...] = ()
    #: Why the requirements' comparison is undecided, when it exceeded the
    #: budget of symbolic work.
    note: Text | None = None

    @property
    def id(self) -> str:
        rule = self.new or self.old
        assert rule is not None
        return rule.id

    @property
    def bump(self) -> Bump:
        if self.kind == "removed":
            return Bump.MAJOR
        if self.kind == "added":
            return Bump.MINOR
        if self.requirement in (Comparison.STRICTER, Comparison.INCOMPARABLE, Comparison.UNDECIDED):
            return Bump.MAJOR
        if any(f.field in _SEMANTIC for f in self.fields):
            return Bump.MAJOR
        if self.requirement is Comparison.LOOSER:
            return Bump.MINOR
        if self.kind == "renamed":
            return Bump.MAJOR  # a rule id is an interface: results are keyed by it
        return Bump.PATCH if self.fields or self.requirement is not None else Bump.NONE


@attrs.frozen
class RulebookDiff:
    """Every change between two rulebooks, and the bump they call for."""

    old: Rulebook = attrs.field(repr=False)
    new: Rulebook = attrs.field(repr=False)
    changes: tuple[RuleChange, ...]
    plan: tuple[FieldChange, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.changes or self.plan)

    @property
    def bump(self) -> Bump:
        bumps = [c.bump for c in self.changes]
        bumps.extend(_plan_bump(f) for f in self.plan)
        return max(bumps, default=Bump.NONE)

    def of_kind(self, kind: str) -> tuple[RuleChange, ...]:
        return tuple(c for c in self.changes if c.kind == kind)


def _field_changed(name: str, old: object, new: object) -> FieldChange:
    return FieldChange(name, _text(old), _text(new), (_said(old), _said(new)))


def _said(value: object) -> Text:
    """`_text` in each language: a list's items as each language lists them."""
    if isinstance(value, tuple) and value:
        return listed(value)
    return say("data.value", value=_text(value))


def _text(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, Text):
        return f"{value.zh} / {value.en}"
    if isinstance(value, tuple):
        return ", ".join(map(str, value)) or "—"
    # Quotes span lines (the indicator table); a change is shown on one.
    return " / ".join(part.strip() for part in str(value).splitlines() if part.strip())


def _fields(rule: Rule, measures: Mapping[str, Measure] | None = None) -> dict[str, object]:
    """What a diff compares of a rule; ``measures``, its rulebook's, say the
    formulas of the measures its measure is computed from (`_formula_text`)."""
    return {
        "measure": rule.measure.id,
        "unit": rule.measure.unit.id,
        "aggregation": rule.aggregation.value,
        "due": rule.due,
        "period": None if rule.period is None else f"{rule.period.start}–{rule.period.end}",
        "formula": _formula_text(rule.measure, measures or {}),
        "targets": tuple(f"from {t.start}: {t.requirement.text}" for t in rule.targets) or None,
        "ends": rule.ends,
        "records": None if rule.records is None else _records_text(rule),
        "scope": rule.scope,
        "districts": tuple(f"{name} {requirement.text}" for name, requirement in rule.districts)
        or None,
        "title": rule.title,
        "quote": rule.source.quote,
        "section": rule.source.section,
        "indicator_source": rule.source.indicator_source,
        "data_source": rule.source.data_source,
        "inferred": rule.source.inferred,
        "responsible": rule.responsible,
        "responsible_open": rule.responsible_open,
        "bodies": rule.bodies,
        "interpretation": rule.interpretation,
        "alternatives": tuple(a.describe("en") for a in rule.alternatives) or None,
        "strength": rule.strength,
        "tags": rule.tags,
        "related": rule.related,
    }


def _formula_text(measure: Measure, measures: Mapping[str, Measure]) -> str | None:
    """A measure's formula, and after it those of the measures it is computed
    from, each once (``100 * passed / sampled (sampled = sampled_a +
    sampled_b)``): a change to any of them changes what a rule on it judges."""
    if measure.formula is None:
        return None
    inputs: dict[str, str] = {}
    pending = sorted(measure.formula.names)
    while pending:
        name = pending.pop(0)
        found = measures.get(name)
        if name in inputs or name == measure.id or found is None or found.formula is None:
            continue
        inputs[name] = str(found.formula)
        pending.extend(sorted(found.formula.names))
    shown = "; ".join(f"{name} = {formula}" for name, formula in inputs.items())
    return f"{measure.formula} ({shown})" if shown else str(measure.formula)


def _measure_text(measure: Measure) -> str:
    """What a diff compares of a measure of both rulebooks beside what each
    rule's fields show (its unit, its formula and its inputs'): the names
    figures are read by, its unit (which decides the rows of a sheet with a
    unit column that are read, and whether a figure must be whole) and its
    bounds (``firms: 导入… / Firms…, enterprises, ≥ 0``), in signs every
    language reads. (A measure added or removed shows in the rules that need it.)"""
    text = (
        f"{measure.id}: {measure.name.zh} / {measure.name.en}, {measure.unit.id}, "
        f"{measure.bounds_text()}"
    )
    return text + (f", ≤ {', '.join(measure.at_most)}" if measure.at_most else "")


def _records_text(rule: Rule) -> str:
    spec = rule.records
    assert spec is not None
    return " ".join(f"{k}={v}" for k, v in sorted(attrs.asdict(spec).items()))


def _compare(
    old: Rule,
    new: Rule,
    kind: str,
    old_measures: Mapping[str, Measure],
    new_measures: Mapping[str, Measure],
) -> RuleChange | None:
    before, after = _fields(old, old_measures), _fields(new, new_measures)
    fields = tuple(
        _field_changed(name, before[name], after[name])
        for name in before
        if before[name] != after[name]
    )
    requirement = note = None
    if str(old.requirement) != str(new.requirement) or old.measure.id != new.measure.id:
        requirement, note = _compared(old, new, old_measures, new_measures)
    if kind == "changed" and not fields and requirement is None:
        return None
    return RuleChange(kind, old, new, requirement, fields, note)


def diff_rulebooks(old: Rulebook, new: Rulebook) -> RulebookDiff:
    """Compare two rulebooks rule by rule.

    Rules are matched by id; a removed and an added rule with the same measure
    and the same source section and quote are one rule *renamed*.
    """
    measures = (old.measures, new.measures)
    old_rules = {r.id: r for r in old}
    new_rules = {r.id: r for r in new}
    changes: list[RuleChange] = []
    for rule_id in old_rules.keys() & new_rules.keys():
        change = _compare(old_rules[rule_id], new_rules[rule_id], "changed", *measures)
        if change is not None:
            changes.append(change)
    removed = [old_rules[i] for i in old_rules.keys() - new_rules.keys()]
    added = [new_rules[i] for i in new_rules.keys() - old_rules.keys()]
    for rule in sorted(removed, key=lambda r: r.id):
        twin = next(
            (
                a
                for a in added
                if a.measure.id == rule.measure.id
                and a.source.section == rule.source.section
                and a.source.quote == rule.source.quote
            ),
            None,
        )
        if twin is not None:
            added.remove(twin)
            renamed = _compare(rule, twin, "renamed", *measures)
            assert renamed is not None
            changes.append(renamed)
        else:
            changes.append(RuleChange("removed", old=rule))
    changes.extend(RuleChange("added", new=rule) for rule in added)
    plan = tuple(
        _field_changed(name, a, b)
        for name, a, b in (
            ("title", old.title, new.title),
            ("status", old.status, new.status),
            (
                "period",
                f"{old.period.start}–{old.period.end}",
                f"{new.period.start}–{new.period.end}",
            ),
            ("supersedes", old.supersedes, new.supersedes),
            ("plan_districts", old.districts, new.districts),
            ("issuer", old.issuer, new.issuer),
            ("published", old.published, new.published),
            ("effective", _period_text(old.effective), _period_text(new.effective)),
        )
        if a != b
    ) + tuple(
        _field_changed("measure", a, b)
        for a, b in (
            (_measure_text(old.measures[i]), _measure_text(new.measures[i]))
            for i in sorted(old.measures.keys() & new.measures.keys())
        )
        if a != b
    )
    if old.text != new.text:
        plan += (_field_changed("text", *_first_change(old.text, new.text)),)
    if not (changes or plan) and old.fingerprint != new.fingerprint:
        # What else a fingerprint covers (the consultation record, a measure's
        # note, a body's names, `[[ignore]]`): shown by the fingerprints, so
        # that a rulebook whose results are tied to another is never "unchanged".
        plan += (_field_changed("content", old.fingerprint[:12], new.fingerprint[:12]),)
    order = {"removed": 0, "renamed": 1, "changed": 2, "added": 3}
    changes.sort(key=lambda c: (order[c.kind], c.id))
    return RulebookDiff(old, new, tuple(changes), plan)


def _period_text(period: Period | None) -> str | None:
    return None if period is None else f"{period.start}–{period.end}"


#: The characters of a changed line shown before its first change, and in all.
_BEFORE, _SHOWN = 20, 60


def _first_change(old: str, new: str) -> tuple[str, str]:
    """The first line of a text that changed, before and after (a line added
    or removed is ``—`` on the other side), each cut to `_SHOWN` characters
    from a little before its first changed character."""
    for before, after in itertools.zip_longest(old.splitlines(), new.splitlines()):
        if before != after:
            break
    else:  # (only line endings differ)
        return old[:_SHOWN], new[:_SHOWN]
    first = next(
        (k for k, (a, b) in enumerate(zip(before or "", after or "", strict=False)) if a != b),
        min(len(before or ""), len(after or "")),
    )
    start = max(first - _BEFORE, 0)

    def cut(line: str | None) -> str:
        if line is None:
            return "—"
        part = line[start : start + _SHOWN].strip()
        return ("…" if start else "") + part + ("…" if start + _SHOWN < len(line) else "")

    return cut(before), cut(after)


# -- rendering ----------------------------------------------------------------


def _field_json(field: FieldChange) -> dict[str, str]:
    return {"field": field.field, "old": field.old, "new": field.new}


def _field_name(field: str) -> Text:
    """A field's name: its key in the rule files (English), or its Chinese name."""
    return say(f"diff.field_{field}")


def _field_change(field: FieldChange) -> Text:
    old, new = field.values()
    return say("diff.field_change", field=_field_name(field.field), old=old, new=new)


def _requirement_line(change: RuleChange) -> Text | None:
    if change.requirement is None or change.old is None or change.new is None:
        return None
    compared = {
        "old": change.old.requirement.text,
        "new": change.new.requirement.text,
        "comparison": say(f"diff.{change.requirement.value}"),
    }
    if change.note is None:
        return say("diff.requirement", **compared)
    return say("diff.requirement_note", **compared, note=change.note)


def required_version(old: str, bump: Bump) -> str:
    """The least version after ``old`` that a change of size ``bump`` allows.

    >>> required_version("1.4.2", Bump.MINOR)
    '1.5.0'
    """
    major, minor, patch = (int(part) for part in old.split("."))
    if bump is Bump.MAJOR:
        return f"{major + 1}.0.0"
    if bump is Bump.MINOR:
        return f"{major}.{minor + 1}.0"
    if bump is Bump.PATCH:
        return f"{major}.{minor}.{patch + 1}"
    return old


def version_follows(diff: RulebookDiff) -> bool:
    """Whether the new rulebook's version is at least the bump its changes call for."""

    def key(version: str) -> tuple[int, ...]:
        return tuple(int(part) for part in version.split("."))

    return key(diff.new.version) >= key(required_version(diff.old.version, diff.bump))


def _headline(change: RuleChange) -> Text:
    if change.kind == "added":
        assert change.new is not None
        rule = change.new
        return say(
            "diff.added", rule=change.id, measure=rule.measure.id, requirement=rule.requirement.text
        )
    if change.kind == "removed":
        assert change.old is not None
        rule = change.old
        return say(
            "diff.removed",
            rule=change.id,
            measure=rule.measure.id,
            requirement=rule.requirement.text,
        )
    if change.kind == "renamed":
        assert change.old is not None
        return say("diff.renamed", old=change.old.id, rule=change.id)
    return say("diff.changed", rule=change.id)


def _named(rulebook: Rulebook) -> Text:
    return Text(rulebook.named("zh"), rulebook.named("en"))


def diff_text(diff: RulebookDiff, lang: Lang = "en") -> str:
    """``qrules diff``: one block per change, and the bump they call for."""
    count = len(diff.changes)
    heading = say(
        "diff.heading",
        old=_named(diff.old),
        new=_named(diff.new),
        count=count,
        s="s" if count != 1 else "",
        bump=diff.bump.said(),
    )
    lines = [heading.get(lang)]
    if not version_follows(diff):
        needed = required_version(diff.old.version, diff.bump)
        lines.append(
            "  " + say("diff.too_small", version=diff.new.version, needed=needed).get(lang)
        )
    shown = _escape.terminal
    for field in diff.plan:
        old, new = field.values()
        change = say("diff.plan_change", field=_field_name(field.field), old=old, new=new)
        lines.append(f"  {shown(change.get(lang))}")
    for rule in diff.changes:
        lines.append(f"  {shown(_headline(rule).get(lang))} [{rule.bump.said().get(lang)}]")
        requirement = _requirement_line(rule)
        if requirement:
            lines.append(f"    {shown(requirement.get(lang))}")
        lines.extend(f"    {shown(_field_change(f).get(lang))}" for f in rule.fields)
    return _escape.terminal_lines("\n".join(lines) + "\n")


def diff_dict(diff: RulebookDiff, lang: Lang = "en") -> dict[str, object]:
    """``qrules diff --format json`` (docs/versions.md): keys, kinds and
    comparisons as codes; ``note`` in ``lang``."""

    def side(rulebook: Rulebook) -> dict[str, str | None]:
        return {
            "id": rulebook.id,
            "version": rulebook.version,
            "origin": rulebook.origin,
            "fingerprint": rulebook.fingerprint,
            "supersedes": rulebook.supersedes,
        }

    return {
        "schema_version": "1",
        "old": side(diff.old),
        "new": side(diff.new),
        "changed": diff.changed,
        "bump": diff.bump.label,
        "required_version": required_version(diff.old.version, diff.bump),
        "version_follows": version_follows(diff),
        "plan": [_field_json(f) for f in diff.plan],
        "changes": [
            {
                "kind": c.kind,
                "id": c.id,
                "old_id": None if c.old is None else c.old.id,
                "requirement": None if c.requirement is None else c.requirement.value,
                "note": None if c.note is None else c.note.get(lang),
                "old_requirement": None if c.old is None else c.old.requirement.text,
                "new_requirement": None if c.new is None else c.new.requirement.text,
                "fields": [_field_json(f) for f in c.fields],
                "bump": c.bump.label,
            }
            for c in diff.changes
        ],
    }


def diff_markdown(diff: RulebookDiff, lang: Lang = "en") -> str:
    """``qrules diff --format markdown``: a table of changes."""
    md = _escape.markdown
    old, version, origin = _named(diff.old), diff.new.version, diff.new.origin
    heading = (
        say("diff.md_heading", old=old, version=version)
        if origin is None
        else say("diff.md_heading_from", old=old, version=version, origin=origin)
    )
    lines = [
        heading.get(lang),
        "",
        say("diff.md_bump", bump=diff.bump.said()).get(lang),
        "",
        say("diff.md_columns").get(lang),
        "|---|---|---|---|---|",
    ]
    plan = say("diff.kind_plan").get(lang)
    for field in diff.plan:
        bump = _plan_bump(field).said().get(lang)
        lines.append(f"| {plan} | — | — | {md(_field_change(field).get(lang))} | {bump} |")
    for c in diff.changes:
        requirement = _requirement_line(c)
        if requirement is not None:
            said = requirement.get(lang)
        elif c.new is not None and c.kind == "added":
            said = data(c.new.requirement.text)
        elif c.old is not None and c.kind == "removed":
            said = data(c.old.requirement.text)
        else:
            said = "—"
        fields = joined(tuple(_field_change(f) for f in c.fields), say("diff.semicolon"))
        rule = data(c.id if c.kind != "renamed" or c.old is None else f"{c.old.id} → {c.id}")
        kind = say(f"diff.kind_{c.kind}").get(lang)
        lines.append(
            f"| {kind} | `{rule}` | {md(said)} | {md(fields.get(lang) or '—')} "
            f"| {c.bump.said().get(lang)} |"
        )
    return "\n".join(lines) + "\n"


def changelog_section(diff: RulebookDiff, date: str | None = None, lang: Lang = "en") -> str:
    """A Keep a Changelog section for the new version of the rulebook."""
    md = _escape.markdown  # titles, requirements and fields are the rulebook's text
    heading = f"## [{diff.new.version}]" + (f" - {md(date)}" if date else "")
    groups: dict[str, list[Text]] = {"Added": [], "Changed": [], "Removed": []}
    for c in diff.changes:
        if c.kind in ("added", "removed"):
            rule = c.new if c.kind == "added" else c.old
            assert rule is not None
            groups[c.kind.capitalize()].append(
                say(
                    "changelog.rule",
                    rule=c.id,
                    title=Text(md(rule.title.zh), md(rule.title.en)),
                    measure=rule.measure.id,
                    requirement=md(rule.requirement.text),
                )
            )
            continue
        parts = []
        if c.kind == "renamed" and c.old is not None:
            parts.append(say("changelog.renamed", old=c.old.id))
        if c.requirement is not None and c.old is not None and c.new is not None:
            parts.append(
                say(
                    "changelog.requirement",
                    old=md(c.old.requirement.text),
                    new=md(c.new.requirement.text),
                    comparison=say(f"diff.{c.requirement.value}"),
                )
            )
        for f in c.fields:
            old, new = f.values(md)
            parts.append(say("changelog.field", field=_field_name(f.field), old=old, new=new))
        changes = joined(tuple(parts), say("diff.semicolon"))
        groups["Changed"].append(say("changelog.changed", rule=c.id, changes=changes))
    for field in diff.plan:
        old, new = field.values(md)
        groups["Changed"].append(
            say("changelog.plan", field=_field_name(field.field), old=old, new=new)
        )
    lines = [heading]
    for name, items in groups.items():
        if items:
            lines += ["", f"### {say(f'changelog.{name}').get(lang)}", ""]
            lines += [f"- {item.get(lang)}" for item in items]
    return "\n".join(lines) + "\n"
