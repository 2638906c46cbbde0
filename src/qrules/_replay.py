"""Judging a rule again on the values a result was judged on.

A `Result` keeps its ``inputs``: for one year, the measures the predicate read
(counts where the rule's rate was computed from them); for a sum or average
over years, the totals. `replay` judges a rule (the same one, or another
version of it) on such inputs, as the engine did, and says, for each
comparison of the requirement, on which side of its threshold the inputs fell:
the sign of the comparison's integer form (``0``: exactly on it). Rule coverage
(`qrules._coverage`) reads the signs; ``qrules audit`` (`qrules._decisions`)
the verdicts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING

import attrs

from ._compile import Condition, Predicate, Truth, exact_value, predicate_outcome
from ._judge import expansion, judge_year, judge_years
from ._model import Aggregation, Measure, Rule
from ._results import Verdict

if TYPE_CHECKING:
    import sympy  # only in annotations: replaying compiles with sympy (_compile)

    from ._rulebook import Rulebook

__all__ = ["Replay", "comparison_signs", "conditions", "over_years", "replay", "stood"]

_VERDICTS = {Truth.TRUE: Verdict.MET, Truth.FALSE: Verdict.NOT_MET, Truth.UNKNOWN: Verdict.UNKNOWN}


@attrs.frozen
class Replay:
    """What judging a rule again on logged inputs gave."""

    rule: Rule
    verdict: Verdict
    observed: Fraction | None
    #: For each comparison of the requirement, in written order: the sign of its
    #: integer form (-1, 0 or 1), or ``None`` when the inputs cannot decide it.
    signs: tuple[int | None, ...]


def over_years(rule: Rule, years: tuple[int, ...] | list[int]) -> bool:
    """Whether a result of ``rule`` was judged on totals over several years."""
    return len(years) > 1 or rule.aggregation in (Aggregation.NEW, Aggregation.ANNUAL_AVERAGE)


def stood(rule: Rule, year: int, years: tuple[int, ...] | list[int]) -> Rule | None:
    """The rule as it stood when a result of it was judged: at the end of the
    year, or on its due date for a sum or average (as the engine takes it)."""
    if over_years(rule, years) and rule.due is not None:
        return rule.at(rule.due)
    return rule.at(dt.date(year, 12, 31))


def replay(
    rulebook: Rulebook,
    rule: Rule,
    year: int,
    years: tuple[int, ...] | list[int],
    inputs: Mapping[str, Fraction],
    district: str | None = None,
    yearly: Mapping[int, Mapping[str, Fraction]] | None = None,
    contradicted: Mapping[int, Mapping[str, Fraction]] | None = None,
    derived: Mapping[int, Mapping[str, tuple[str, ...]]] | None = None,
) -> Replay:
    """Judge ``rule`` (as given: see `stood`) on ``inputs``, as the engine judged
    a result with those inputs. A sum or average over years is judged again on
    each year's values when ``yearly`` gives them (`Result.yearly`: every
    reading of a share that its counts contradict), else on its totals;
    ``contradicted`` holds the districts' sums that contradicted city values
    (`Result.contradicted`), judged as the other reading again; ``derived``
    the city values summed from some districts (`Result.derived`: by year,
    measure and the districts summed), judged as such sums again."""
    measures = rulebook.measures
    known = {m: v for m, v in inputs.items() if m in measures}
    if over_years(rule, years):
        predicate = rule.predicate(measures)
        env = {measures[m].symbol: v for m, v in known.items()}
        if yearly and len(years) > 0:
            judged = judge_years(
                rulebook,
                rule,
                years,
                {
                    y: {m: v for m, v in values.items() if m in measures}
                    for y, values in yearly.items()
                },
                district=district,
                contradicted=contradicted,
                derived=derived,
            )
            verdict, observed = judged.verdict, judged.observed
        else:
            verdict = _VERDICTS[predicate_outcome(predicate, env).truth]
            observed = known.get(rule.measure.id)
    else:
        judged = judge_year(
            rulebook,
            rule,
            year,
            known,
            district=district,
            contradicted=contradicted,
            derived=derived,
        )
        verdict, observed = judged.verdict, judged.observed
        predicate, env = _expanded(rule, measures, known)
    return Replay(rule, verdict, observed, tuple(_sign(c, env) for c in conditions(predicate)))


def comparison_signs(
    rulebook: Rulebook,
    rule: Rule,
    years: tuple[int, ...] | list[int],
    inputs: Mapping[str, Fraction],
) -> tuple[int | None, ...]:
    """`Replay.signs` without judging the verdict again (for rule coverage)."""
    measures = rulebook.measures
    known = {m: v for m, v in inputs.items() if m in measures}
    if over_years(rule, years):
        predicate = rule.predicate(measures)
        env = {measures[m].symbol: v for m, v in known.items()}
    else:
        predicate, env = _expanded(rule, measures, known)
    return tuple(_sign(c, env) for c in conditions(predicate))


def _expanded(
    rule: Rule, measures: Mapping[str, Measure], values: Mapping[str, Fraction]
) -> tuple[Predicate, dict[sympy.Symbol, Fraction]]:
    """The predicate the engine judges one year on: each measure whose formula's
    inputs are all given is computed from them (`expansion`, as the engine does)."""
    env: dict[sympy.Symbol, Fraction] = {measures[m].symbol: v for m, v in values.items()}
    return rule.predicate(measures, expansion(rule, measures, values)), env


def conditions(predicate: Predicate) -> Iterator[Condition]:
    """The comparisons of a predicate, in written order."""
    if isinstance(predicate, Condition):
        yield predicate
        return
    for field in ("operand", "left", "right"):
        child = getattr(predicate, field, None)
        if child is not None:
            yield from conditions(child)


def _sign(condition: Condition, env: Mapping[sympy.Symbol, Fraction]) -> int | None:
    if not condition.symbols <= env.keys():
        return None
    try:
        if any(exact_value(d, env) == 0 for d in condition.divisors):
            return None
        value = exact_value(condition.integer, env)
    except ZeroDivisionError:
        return None
    return (value > 0) - (value < 0)
