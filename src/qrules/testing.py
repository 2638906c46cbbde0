"""Validating data in tests: `assert_meets` and its readable failure message.

::

    from qrules.testing import assert_meets

    def test_figures_meet_the_plan():
        assert_meets("figures.csv", "yantai-2023-2025", tags=["indicator-table"])

A failing call raises one `AssertionError` that lists every rule not met, each
with its observed value, target, gap, the smallest change that would meet it,
and the plan's words, so that a CI log says what is wrong without opening
another file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from ._escape import terminal
from ._expr import format_number
from ._figures import Dataset
from ._load import load
from ._messages import Text, say
from ._model import Lang, Rule
from ._report import judged_inputs, one_line, target_text
from ._results import Evaluation, Result, Verdict
from ._rulebook import Rulebook

__all__ = ["KnownFailure", "assert_meets", "evaluate_for_test"]

#: What `assert_meets` judges: a dataset, a mapping of measure to value, a file,
#: or anything else `read_dataset` reads (a pandas or polars DataFrame, an Arrow
#: table, a list of dicts).
DataLike = Dataset | Mapping[str, object] | str | Path | Any
RulebookLike = Rulebook | str | Path


@attrs.frozen
class KnownFailure:
    """A rule expected not to be met (optionally in one year), and why.

    Listed in ``assert_meets(known_failures=...)``: the test passes while the
    rule still fails, and fails as soon as the rule is met, so that a fixed
    problem cannot hide behind a stale exception (like ``xfail(strict=True)``).
    """

    rule: str
    year: int | None = None
    reason: str = ""

    def covers(self, result: Result) -> bool:
        return result.rule.id == self.rule and self.year in (None, result.year)

    def __str__(self) -> str:
        return self.rule if self.year is None else f"{self.rule}@{self.year}"


def _names(names: Iterable[str | Rule] | str | Rule | None) -> list[str] | None:
    """Rule ids or tags as given: one name (a string is one id, not its letters)
    or several; a rule stands for its id."""
    if names is None:
        return None
    given = [names] if isinstance(names, str | Rule) else list(names)
    return [name.id if isinstance(name, Rule) else name for name in given]


def _known(
    items: Iterable[KnownFailure | str] | Mapping[str, str] | KnownFailure | str,
) -> list[KnownFailure]:
    if isinstance(items, str | KnownFailure):
        items = [items]
    if isinstance(items, Mapping):
        return [_parse_known(key, reason) for key, reason in items.items()]
    return [item if isinstance(item, KnownFailure) else _parse_known(item, "") for item in items]


def _parse_known(text: str, reason: str) -> KnownFailure:
    rule, at, year = text.partition("@")
    # A year left out (``rule@``) would excuse every year: written exactly or refused.
    if not rule or (at and not (year.isascii() and year.isdigit())):
        raise ValueError(f"known failure {text!r}: write 'rule-id' or 'rule-id@2024'")
    return KnownFailure(rule, int(year) if year else None, reason)


def _check_known(known: list[KnownFailure], evaluation: Evaluation) -> None:
    """Each known failure names a rule judged: a misspelt or unselected one
    would only ever be reported as no longer failing."""
    judged = {result.rule.id for result in evaluation}
    for failure in known:
        evaluation.rulebook[failure.rule]  # an unknown id, with the likely one
        if failure.rule not in judged:
            raise ValueError(
                f"known failure {failure.rule!r}: not among the rules judged;"
                " select it (rules=, tags=, section=) or remove it"
            )


def evaluate_for_test(
    data: DataLike | None,
    rulebook: RulebookLike,
    *,
    rules: Iterable[str | Rule] | str | Rule | None = None,
    tags: Iterable[str] | None = None,
    section: str | None = None,
    year: int | None = None,
    strict: bool = False,
    register: Any = None,
    log: Any = None,
    log_from: dt.date | str | None = None,
    log_until: dt.date | str | None = None,
    mapping: Any = None,
    engine: str | None = None,
    connection: Any = None,
) -> Evaluation:
    """Load what was named and judge it; the shared half of `assert_meets`."""
    _check_inputs(
        data,
        year=year,
        register=register,
        log=log,
        since=log_from,
        until=log_until,
        engine=engine,
        connection=connection,
    )
    book = rulebook if isinstance(rulebook, Rulebook) else load(rulebook)
    chosen = book.select(ids=_names(rules), tags=_names(tags), section=section)
    if not chosen:
        raise ValueError("no rule matches the selection; the test would check nothing")
    if register is not None:
        return _judge_records(
            book,
            _with_records(chosen, named=rules is not None),
            register,
            log,
            since=log_from,
            until=log_until,
            strict=strict,
            mapping=mapping,
            engine=engine or "reference",
            connection=connection,
        )
    # Every kind of data goes through `Rulebook.evaluate`, so ``year=`` means
    # what it means there: the year of figures that name none (a mapping, a
    # sheet without a year column), refused where the data names its own.
    return book.evaluate(data, rules=chosen, year=year, strict=strict, mapping=mapping)


def _check_inputs(
    data: object,
    *,
    year: int | None,
    register: object,
    log: object,
    since: object,
    until: object,
    engine: str | None,
    connection: object,
) -> None:
    """Figures or records, and only the options that apply to what was given:
    an option silently ignored would judge something else than the test says."""
    if log is not None and register is None:
        raise TypeError("log= needs register=: the units its inspections are of")
    if (engine is not None or connection is not None) and register is None:
        raise TypeError(
            "engine= and connection= count records (register=, log=); figures are"
            " judged in Python: drop them"
        )
    if connection is not None and engine in (None, "reference"):
        raise TypeError("connection= is a database's: give engine= ('duckdb', 'postgres', 'spark')")
    for name, value in (("log_from", since), ("log_until", until)):
        if value is not None and log is None:
            raise TypeError(f"{name}= needs log=: it declares the days the log covers")
    if data is None and register is None:
        raise TypeError(
            "give figures (data) or records (register=, and log=): there is nothing to judge"
        )
    if data is not None and register is not None:
        raise TypeError(
            "give figures (data) or records (register=), not both: one call for figures,"
            " another for records"
        )
    if year is not None and register is not None:
        raise TypeError(
            "year= is the year of figures that name none; records are dated: judge the"
            " years the log covers (log_from=, log_until=)"
        )


def _with_records(chosen: tuple[Rule, ...], *, named: bool) -> tuple[Rule, ...]:
    """The rules chosen that records judge. One named by id that they do not
    judge is an error, not passed over; one a tag or section picked is left to
    figures (a test of a section's records needs no list of its other rules)."""
    if named:
        figures_only = [rule.id for rule in chosen if rule.records is None]
        if figures_only:
            raise ValueError(
                f"{', '.join(figures_only)}: judged from figures, not records"
                " (give them in another call, with figures)"
            )
    kept = tuple(rule for rule in chosen if rule.records is not None)
    if not kept:
        raise ValueError("no rule with records matches the selection; the test would check nothing")
    return kept


def _judge_records(
    book: Rulebook,
    chosen: tuple[Rule, ...],
    register: Any,
    log: Any,
    *,
    since: dt.date | str | None,
    until: dt.date | str | None,
    strict: bool,
    mapping: Any,
    engine: str,
    connection: Any,
) -> Evaluation:
    """A register and a log (files, DataFrames, tables, or read already) read
    by qrules' readers and judged on ``engine`` (`evaluate_records`)."""
    # Records readers and engines are imported only when records are judged.
    from ._columns import read_log, read_register  # noqa: PLC0415
    from .engines import evaluate_records  # noqa: PLC0415
    from .records.read import InspectionLog, Register  # noqa: PLC0415

    units = register if isinstance(register, Register) else read_register(register, mapping=mapping)
    inspections = (
        log
        if log is None or isinstance(log, InspectionLog)
        else read_log(log, units, mapping=mapping)
    )
    return evaluate_records(
        book,
        units,
        inspections,
        rules=chosen,
        log_from=since,
        log_until=until,
        strict=strict,
        engine=engine,
        connection=connection,
    )


def assert_meets(
    data: DataLike | None,
    rulebook: RulebookLike,
    *,
    rules: Iterable[str | Rule] | str | Rule | None = None,
    tags: Iterable[str] | None = None,
    section: str | None = None,
    year: int | None = None,
    known_failures: Iterable[KnownFailure | str] | Mapping[str, str] | KnownFailure | str = (),
    allow_unknown: bool = False,
    strict: bool = False,
    lang: Lang = "en",
    register: Any = None,
    log: Any = None,
    log_from: dt.date | str | None = None,
    log_until: dt.date | str | None = None,
    mapping: Any = None,
    engine: str | None = None,
    connection: Any = None,
) -> Evaluation:
    """Assert that ``data`` meets the selected rules of ``rulebook``.

    ``data`` is a dataset file, a DataFrame, a `Dataset`, or a mapping of
    measure id to value (for ``year``, by default the plan's last); or, with
    ``data=None``, records: a ``register`` and a ``log`` (files, DataFrames,
    Arrow tables; ``log_from``/``log_until`` declare the days the log covers),
    judged for the rules with ``[rule.records]`` on ``engine`` (as for
    `evaluate_records`: ``reference`` by default, ``duckdb`` for large tables,
    ``postgres`` or ``spark`` with a ``connection``; the same results on every
    engine). ``mapping`` names your
    columns (a mapping file). Rules are selected by id, tag
    and section prefix; all rules when none is given. An *unknown* result fails
    unless ``allow_unknown``: missing data is never a pass. ``known_failures``
    lists rules (``"rule-id"`` or ``"rule-id@2024"``) expected to fail; each
    must still fail: only *not met* excuses it (an unknown result is not
    confirmed to fail, and fails unless ``allow_unknown``). A figure outside
    its measure's bounds is a `DataError`; with ``strict``, so is a doubtful
    one (see `Rulebook.evaluate`). Returns the evaluation when the assertion
    holds.
    """
    if lang not in ("zh", "en"):
        raise ValueError(f"lang={lang!r}: 'zh' or 'en'")
    evaluation = evaluate_for_test(
        data,
        rulebook,
        rules=rules,
        tags=tags,
        section=section,
        year=year,
        strict=strict,
        register=register,
        log=log,
        log_from=log_from,
        log_until=log_until,
        mapping=mapping,
        engine=engine,
        connection=connection,
    )
    known = _known(known_failures)
    _check_known(known, evaluation)
    failing: list[Result] = []
    unconfirmed: list[tuple[Result, KnownFailure]] = []
    still_failing: set[KnownFailure] = set()
    for result in evaluation:
        cover = next((k for k in known if k.covers(result)), None)
        if result.verdict is Verdict.MET:
            continue
        if cover is not None:
            # A known failure is excused by *not met* only: an unknown result
            # has not shown the rule still fails (missing data is never a
            # pass), so it fails the test unless unknown results are allowed,
            # and is never reported as "no longer failing" either.
            still_failing.add(cover)
            if result.verdict is Verdict.UNKNOWN and not allow_unknown:
                failing.append(result)
                unconfirmed.append((result, cover))
        elif result.verdict is Verdict.NOT_MET or not allow_unknown:
            failing.append(result)
    vanished = [k for k in known if k not in still_failing]
    if failing or vanished:
        raise AssertionError(failure_message(evaluation, failing, vanished, lang, unconfirmed))
    return evaluation


def failure_message(
    evaluation: Evaluation,
    failing: list[Result],
    vanished: list[KnownFailure],
    lang: Lang = "en",
    unconfirmed: Iterable[tuple[Result, KnownFailure]] = (),
) -> str:
    """The text of `assert_meets`'s assertion: everything a person needs, in
    ``lang``, every value from an input escaped for a terminal
    (`qrules._escape.terminal`); ``unconfirmed`` holds the failing results a known failure names
    but that are unknown, not *not met*."""
    rulebook = evaluation.rulebook
    unconfirmed = list(unconfirmed)
    lines = []
    if failing:
        described = Text(rulebook.describe("zh"), rulebook.describe("en"))
        lines.append(
            say(
                "testing.failing",
                count=len(failing),
                total=len(evaluation),
                rulebook=described,
                inputs=judged_inputs(evaluation),
            ).get(lang)
        )
    for result in failing:
        rule = result.rule
        where = (
            say("testing.where_district", year=result.year, district=result.district)
            if result.district
            else say("data.value", value=result.year)
        )
        lines.append("")
        heading = say(
            "testing.result",
            rule=rule.id,
            where=where,
            verdict=result.verdict.said(),
            title=rule.title,
        )
        lines.append(f"  {heading.get(lang)}")
        observed = (
            say("testing.missing")
            if result.observed is None
            else say("data.value", value=format_number(result.observed))
        )
        gap = (
            Text("", "")
            if not result.gap
            else say("testing.short_by", gap=format_number(result.gap))
        )
        shown = say("testing.observed", observed=observed, target=target_text(rule), gap=gap)
        lines.append(f"    {shown.get(lang)}")
        lines.append(f"    {result.reason.get(lang)}")
        for known in (k for r, k in unconfirmed if r is result):
            lines.append(f"    {say('testing.unconfirmed', known=str(known)).get(lang)}")
        for change in result.changes:
            lines.append(f"    {say('testing.needs', change=change.said()).get(lang)}")
        lines.extend(_failing_units(result, lang))
        plan = say("testing.plan", section=rule.source.section, quote=one_line(rule.source.quote))
        lines.append(f"    {plan.get(lang)}")
    if vanished:
        lines.extend([""] if lines else [])
        lines.append(say("testing.vanished").get(lang))
        for known in vanished:
            line = (
                say("testing.known_reason", known=str(known), reason=known.reason)
                if known.reason
                else say("data.value", value=str(known))
            )
            lines.append(f"  {line.get(lang)}")
    # Each line as a terminal shows it: a unit's name, a district or a file
    # name from the data (or a rule's title from a rulebook folder) holding a
    # line break or an ANSI escape cannot forge a line of the message, nor
    # recolour or clear the CI log that prints it.
    return "\n".join(terminal(line) for line in lines)


#: The failing units a message lists for a records rule (the rest are counted).
_UNITS_SHOWN = 10


def _failing_units(result: Result, lang: Lang) -> list[str]:
    """A records rule not met: how many units fail it, and the first of them,
    each with what it needs."""
    units = result.failing_units
    if not units:
        return []
    lines = [
        f"    {say('testing.units', count=len(units), population=result.population).get(lang)}"
    ]
    lines.extend(
        f"      {say('report.unit_needs', unit=u.unit, name=u.name, needs=u.needs).get(lang)}"
        for u in units[:_UNITS_SHOWN]
    )
    if len(units) > _UNITS_SHOWN:
        more = say("report.more_junit_units", more=len(units) - _UNITS_SHOWN)
        lines.append(f"      {more.get(lang)}")
    return lines
