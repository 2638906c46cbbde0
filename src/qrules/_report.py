"""Turning rulebooks and evaluations into text, JSON, Markdown and JUnit XML.

The JSON shapes are a documented contract (``docs/json.md``): values are exact
decimal strings (``"98.5"``), or ``"p/q"`` where a value has no finite decimal.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from . import _escape
from ._escape import char_columns, columns
from ._expr import format_number, format_short
from ._messages import data, joined, listed, say
from ._model import Alternative, Body, Lang, Measure, Rule, Target, Text
from ._recordspec import RecordSpec
from ._results import SOURCES, Evaluation, Reconciliation, Result, Verdict, combined
from ._rulebook import Rulebook

__all__ = [
    "EXPORT_SCHEMA_VERSION",
    "JSON_SCHEMA_VERSION",
    "due_text",
    "evaluation_json",
    "evaluation_junit",
    "evaluation_markdown",
    "evaluation_table",
    "rejected_rows",
    "row_of",
    "rulebook_json",
    "rules_table",
]

JSON_SCHEMA_VERSION = "1"
#: The export document's version: 2 since a rule's ``interpretation`` became
#: ``{"zh", "en"}`` (it was an English string).
EXPORT_SCHEMA_VERSION = "2"


def _exact(value: Fraction | None) -> str | None:
    return None if value is None else format_number(value)


def _target(target: Target | None) -> dict[str, str] | None:
    return None if target is None else {"op": target.op, "value": format_number(target.value)}


def _rulebook_header(rulebook: Rulebook) -> dict[str, Any]:
    return {
        "id": rulebook.id,
        "version": rulebook.version,
        "origin": rulebook.origin,
        "fingerprint": rulebook.fingerprint,
        "as_of": None if rulebook.as_of is None else rulebook.as_of.isoformat(),
    }


# -- rulebooks ----------------------------------------------------------------


def measure_dict(measure: Measure) -> dict[str, Any]:
    return {
        "id": measure.id,
        "name": {"zh": measure.name.zh, "en": measure.name.en},
        "unit": measure.unit.id,
        "formula": None if measure.formula is None else str(measure.formula),
        "note": measure.note,
        "lower": format_number(measure.lower),
        "upper": _exact(measure.upper),
        "at_most": list(measure.at_most),
    }


def rule_dict(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "title": {"zh": rule.title.zh, "en": rule.title.en},
        "measure": rule.measure.id,
        "unit": rule.measure.unit.id,
        "aggregation": rule.aggregation.value,
        "requirement": rule.requirement.text,
        "target": _target(rule.target),
        "due": None if rule.due is None else rule.due.isoformat(),
        "period": None
        if rule.period is None
        else {"start": rule.period.start.isoformat(), "end": rule.period.end.isoformat()},
        "strength": rule.strength,
        "responsible": list(rule.responsible),
        "responsible_bodies": list(rule.bodies),
        "responsible_open": rule.responsible_open,
        "source": {
            "section": rule.source.section,
            "quote": rule.source.quote,
            "indicator_source": rule.source.indicator_source,
            "data_source": rule.source.data_source,
            "inferred": rule.source.inferred,
        },
        "interpretation": _text(rule.interpretation),
        "alternatives": [_alternative_dict(a) for a in rule.alternatives],
        "scope": rule.scope,
        "districts": {name: requirement.text for name, requirement in rule.districts},
        "related": list(rule.related),
        "tags": list(rule.tags),
        "file": rule.file,
        "records": None if rule.records is None else _records_dict(rule.records),
    }


def _text(text: Text | None) -> dict[str, str] | None:
    return None if text is None else {"zh": text.zh, "en": text.en}


def _alternative_dict(alternative: Alternative) -> dict[str, Any]:
    return {
        "reading": _text(alternative.reading),
        "aggregation": None if alternative.aggregation is None else alternative.aggregation.value,
        "requirement": None if alternative.requirement is None else alternative.requirement.text,
        "strength": alternative.strength,
        "due": None if alternative.due is None else alternative.due.isoformat(),
    }


def body_dict(body: Body) -> dict[str, Any]:
    return {
        "id": body.id,
        "name": _text(body.name),
        "level": body.level,
        "spellings": list(body.spellings),
    }


def _records_dict(spec: RecordSpec) -> dict[str, Any]:
    each: dict[str, Any] = {
        "inspections": spec.inspections,
        "flag": spec.flag,
        "kind": None if spec.kinds is None else list(spec.kinds),
        "result": None if spec.results is None else list(spec.results),
    }
    return {
        "population": {column: list(values) for column, values in spec.population},
        "meeting": spec.meeting,
        "total": spec.total,
        "each": each,
    }


def _records_text(spec: RecordSpec, lang: Lang) -> str:
    return say(
        "report.records",
        population=spec.said_population(),
        each=spec.said_each(),
    ).get(lang)


def rulebook_json(rulebook: Rulebook, rules: Sequence[Rule] | None = None) -> str:
    """``qrules export --format json``: the rulebook and its rules."""
    header = _rulebook_header(rulebook) | {
        "title": {"zh": rulebook.title.zh, "en": rulebook.title.en},
        "issuer": {"zh": rulebook.issuer.zh, "en": rulebook.issuer.en},
        "status": rulebook.status,
        "period": {
            "start": rulebook.period.start.isoformat(),
            "end": rulebook.period.end.isoformat(),
        },
        "published": None if rulebook.published is None else rulebook.published.isoformat(),
        "supersedes": rulebook.supersedes,
        "consultation": rulebook.consultation,
    }
    document = {
        "schema_version": EXPORT_SCHEMA_VERSION,
        "rulebook": header,
        "measures": [measure_dict(m) for m in rulebook.measures.values()],
        "rules": [rule_dict(r) for r in (rulebook.rules if rules is None else rules)],
    }
    if rulebook.bodies:
        document["bodies"] = [body_dict(b) for b in rulebook.bodies.values()]
    return json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n"


def rulebook_markdown(rulebook: Rulebook, rules: Sequence[Rule] | None = None) -> str:
    """``qrules export --format markdown``: every rule with its quote, for the docs
    (every text from the rulebook escaped, `_escape.markdown`)."""
    md = _escape.markdown
    chosen = rulebook.rules if rules is None else rules
    lines = [
        f"# {md(rulebook.title.zh)}",
        "",
        f"{md(rulebook.title.en)}. Rulebook `{rulebook.id}` {rulebook.version}"
        f"{'' if rulebook.origin is None else f' from {md(rulebook.origin)}'} "
        f"({rulebook.status}), {len(chosen)} rules; fingerprint `{rulebook.fingerprint[:12]}`.",
        "",
        "<!-- Generated by `qrules export " + rulebook.id + " --format markdown`; "
        "do not edit by hand. -->",
        "",
    ]
    section = None
    for rule in chosen:
        if rule.source.section != section:
            section = rule.source.section
            lines += [f"## {md(section)}", ""]
        lines += [
            f"### `{rule.id}`",
            "",
            f"**{md(rule.title.zh)}** — {md(rule.title.en)}",
            "",
            f"- Target: `{rule.measure.id}` {md(target_text(rule))}"
            f" ({rule.measure.unit.id}; {rule.aggregation.value}; {due_text(rule)}"
            f"{'; aspirational' if rule.strength == 'aspirational' else ''})",
        ]
        if rule.responsible:
            lines.append(f"- Responsible: {md(rule.responsible_text('zh'))}")
        inferred = " (inferred)" if rule.source.inferred else ""
        if rule.source.indicator_source:
            lines.append(f"- Indicator source{inferred}: {md(rule.source.indicator_source)}")
        if rule.source.data_source:
            lines.append(f"- Data source{inferred}: {md(rule.source.data_source)}")
        if rule.interpretation:
            lines.append(f"- Interpretation: {md(rule.interpretation.en)}")
            lines.append(f"- 解读:{md(rule.interpretation.zh)}")
        for alternative in rule.alternatives:
            lines.append(f"- Alternative reading: {md(alternative.describe('en'))}")
        if rule.scope != "city" or rule.districts:
            lines.append(f"- Applies to: {md(scope_text(rule, 'en'))}")
        if rule.records is not None:
            lines.append(f"- Records: {md(_records_text(rule.records, 'en'))}")
        quote = "\n".join(
            f"> {md(part)}" for part in rule.source.quote.splitlines() if part.strip()
        )
        lines += ["", quote, ""]
    return "\n".join(lines)


def rules_table(rules: Sequence[Rule], lang: Lang) -> str:
    """``qrules list``: one line a rule."""
    headers = (
        say("report.id").get(lang),
        *(say(f"report.{h}").get(lang) for h in ("title", "requirement", "due", "section")),
    )
    rows = [
        (
            data(r.id),
            r.title.get(lang),
            data(f"{r.measure.id} {target_text(r)}"),
            _due(r).get(lang),
            data(r.source.section),
        )
        for r in rules
    ]
    return _escape.terminal_lines(_table(headers, rows))


def target_text(rule: Rule) -> str:
    """The rule's threshold (``>= 300``), or its requirement as written."""
    target = rule.target
    return str(target) if target is not None else rule.requirement.text


def due_text(rule: Rule, lang: Lang = "en") -> str:
    return _due(rule).get(lang)


def _due(rule: Rule) -> Text:
    if rule.due is not None:
        return Text(data(rule.due.isoformat()), data(rule.due.isoformat()))
    if rule.period is not None:
        return say("report.every_year_of", start=rule.period.start.year, end=rule.period.end.year)
    return say("report.every_year")


def rule_details(rule: Rule, lang: Lang) -> str:
    """``qrules show``: everything about one rule, sources included."""
    measure = rule.measure
    inferred = say("report.inferred") if rule.source.inferred else Text("", "")

    def given(value: str | None) -> str | None:
        return None if value is None else data(value)

    def given_list(values: tuple[str, ...]) -> str | None:
        return listed(values).get(lang) if values else None

    fields: list[tuple[Text, str | None]] = [
        (
            say("report.measure"),
            say(
                "report.measure_is",
                measure=measure.id,
                name=measure.name,
                # (In Chinese, its Chinese word, 家, as `qrules measures` shows it.)
                unit=Text(measure.unit.zh or measure.unit.id, measure.unit.id),
            ).get(lang),
        ),
        (say("report.formula"), None if measure.formula is None else data(measure.formula)),
        (say("report.requirement"), data(rule.requirement.text)),
        (say("report.aggregation"), say(f"aggregation.{rule.aggregation.value}").get(lang)),
        (say("report.due"), _due(rule).get(lang)),
        (
            say("report.strength"),
            None if rule.strength is None else say(f"strength.{rule.strength}").get(lang),
        ),
        (say("report.responsible"), rule.responsible_text(lang) or None),
        (say("report.bodies"), given_list(rule.bodies)),
        (say("report.section"), data(rule.source.section)),
        (say("report.quote"), data(one_line(rule.source.quote))),
        (say("report.indicator_source", inferred=inferred), given(rule.source.indicator_source)),
        (say("report.data_source", inferred=inferred), given(rule.source.data_source)),
        (
            say("report.interpretation"),
            None if rule.interpretation is None else data(rule.interpretation.get(lang)),
        ),
        *(
            (say("report.alternative"), alternative.describe(lang))
            for alternative in rule.alternatives
        ),
        (say("report.scope"), scope_text(rule, lang)),
        (
            say("report.records_field"),
            None if rule.records is None else _records_text(rule.records, lang),
        ),
        (say("report.related"), given_list(rule.related)),
        (say("report.tags"), given_list(rule.tags)),
    ]
    shown = [(label.get(lang), value) for label, value in fields if value is not None]
    width = max(columns(label) for label, _ in shown)
    lines = [f"{rule.id}: {rule.title.get(lang)}"]
    lines += [f"  {label}{' ' * (width - columns(label))}  {value}" for label, value in shown]
    return _escape.terminal_lines("\n".join(_escape.terminal(line) for line in lines) + "\n")


def scope_text(rule: Rule, lang: Lang) -> str:
    """Where a rule applies: ``city``, ``each district``, and districts' own targets."""
    text = say("report.each_district" if rule.scope == "each-district" else "report.city")
    if rule.districts:
        own = listed(f"{name} {requirement.text}" for name, requirement in rule.districts)
        text = say("report.district_targets", scope=text, targets=own)
    return text.get(lang)


def one_line(text: str) -> str:
    """A text's non-blank lines on one line, joined by `` / ``."""
    return " / ".join(part.strip() for part in text.splitlines() if part.strip())


# -- evaluations --------------------------------------------------------------


def result_dict(result: Result, lang: Lang) -> dict[str, Any]:
    rule = result.rule
    return {
        "id": rule.id,
        "title": {"zh": rule.title.zh, "en": rule.title.en},
        "measure": rule.measure.id,
        "year": result.year,
        "years": list(result.years),
        "district": result.district,
        "scope": result.scope,
        "verdict": result.verdict.value,
        "observed": _exact(result.observed),
        "target": _target(rule.target),
        "gap": _exact(result.gap),
        "changes": [
            {
                "measure": c.measure,
                "observed": _exact(c.observed),
                "needed": _exact(c.needed),
                "delta": _exact(c.delta),
                "strict": c.strict,
                "text": c.describe(lang),
            }
            for c in result.changes
        ],
        "reason": result.reason.get(lang),
        "inputs": {name: _exact(value) for name, value in result.inputs.items()},
        "derived": [d.as_dict(lang) for d in result.derived],
        "quote": rule.source.quote,
        "population": result.population,
        "meeting": result.meeting,
        "failing_units": [
            {"unit": f.unit, "name": f.name, "district": f.district, "needs": f.needs.get(lang)}
            for f in result.failing_units
        ],
        "rejected_rows": [{"kind": kind, "row": row} for kind, row in result.rejected_rows],
        "source": result.source,
        "disagreement": None if result.disagreement is None else result.disagreement.get(lang),
    }


def _reconciliation_dict(table: Reconciliation) -> dict[str, Any]:
    return {
        "name": table.name,
        "kind": table.kind,
        "rows_read": table.rows_read,
        "rows_used": table.rows_used,
        "rows_rejected": table.rows_rejected,
        "rejected": [str(p) for p in table.problems],
        "notes": [n.en for n in table.notes],
    }


_ROW = re.compile(r"row (\d+)\b")
_COLUMN = re.compile(r"\bcolumn (?:'([^']*)'|\"([^\"]*)\")")


def row_of(where: str | None) -> int | None:
    """The row a problem is about (``row 7, column 'x'``), if it names one."""
    match = _ROW.match(where or "")
    return int(match.group(1)) if match else None


def rejected_rows(evaluation: Evaluation) -> list[dict[str, Any]]:
    """Every rejected row of the records tables (each problem that names a row),
    with its problems (column, reason, hint) and the results it bears on: the
    results whose `Result.rejected_rows` name it (unknown where it could
    change them). The HTML report's rejected rows are the same (`row_of`)."""
    bearing: dict[tuple[str, int], list[Result]] = {}
    for result in evaluation.results:
        for ref in result.rejected_rows:
            bearing.setdefault(ref, []).append(result)
    found: dict[tuple[str, str, int], dict[str, Any]] = {}
    for table in evaluation.records:
        for problem in table.problems:
            row = row_of(problem.where)
            if row is None:
                continue
            entry = found.get((table.name, table.kind, row))
            if entry is None:
                entry = found[table.name, table.kind, row] = {
                    "table": table.name,
                    "kind": table.kind,
                    "row": row,
                    "problems": [],
                    "results": [
                        {
                            "id": r.rule.id,
                            "year": r.year,
                            "district": r.district,
                            "verdict": r.verdict.value,
                        }
                        for r in bearing.get((table.kind, row), [])
                    ],
                }
            column = _COLUMN.search(problem.where or "")
            entry["problems"].append(
                {
                    "column": problem.key if column is None else column.group(1) or column.group(2),
                    "reason": problem.message,
                    "hint": problem.hint,
                }
            )
    return list(found.values())


def evaluation_json(evaluation: Evaluation, lang: Lang = "en") -> str:
    """``qrules check --format json``."""
    counts = evaluation.counts()
    document = {
        "schema_version": JSON_SCHEMA_VERSION,
        "rulebook": _rulebook_header(evaluation.rulebook),
        "dataset": {
            "name": evaluation.dataset,
            "rows_read": evaluation.rows_read,
            "rows_used": evaluation.rows_used,
            "rows_unused": len(evaluation.unused),
            "counted": "cells" if evaluation.cells else "rows",
            "notes": [note.get(lang) for note in evaluation.dataset_notes],
            "unused": [o.origin for o in evaluation.unused],
        }
        if _has_figures(evaluation)
        else None,
        "records": [_reconciliation_dict(t) for t in evaluation.records],
        "rejected_rows": rejected_rows(evaluation),
        "summary": {"verdict": evaluation.verdict.value} | {v.value: counts[v] for v in Verdict},
        "notes": [note.get(lang) for note in evaluation.notes],
        "results": [result_dict(r, lang) for r in evaluation.results],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _mixed(evaluation: Evaluation) -> bool:
    """Whether results come from both reported figures and records: the tables then
    say which is which."""
    return len({r.source for r in evaluation.results}) > 1


def _action(result: Result, lang: Lang) -> str:
    """What is needed, or why the result is unknown, and any disagreement."""
    parts = [c.describe(lang) for c in result.changes] or (
        [result.reason.get(lang)] if result.verdict is Verdict.UNKNOWN else []
    )
    if result.disagreement is not None:
        parts.append(say("report.disagreement", disagreement=result.disagreement).get(lang))
    return "; ".join(parts)


def _cells(result: Result, lang: Lang, mixed: bool = False) -> tuple[str, ...]:
    rule = result.rule
    when = result.when
    if result.district:
        when += f" {result.district}"
    observed = "—" if result.observed is None else format_short(result.observed)
    if result.population is not None:
        meeting = "?" if result.meeting is None else str(result.meeting)
        observed = f"{observed} ({meeting}/{result.population})"
    if result.derived:
        observed = f"{observed} {derived_label(result, lang)}"
    target = target_text(rule)
    gap = "" if result.gap is None or result.gap == 0 else format_short(result.gap)
    source = (SOURCES[result.source].get(lang),) if mixed else ()
    return (
        rule.id,
        when,
        *source,
        result.verdict.label(lang),
        observed,
        target,
        gap,
        _action(result, lang),
    )


def derived_label(result: Result, lang: Lang) -> str:
    """``(Σ 3 districts)``: the observed value was derived from district rows."""
    count = max(len(d.districts) for d in result.derived)
    return say("report.derived", count=count, s="s" if count != 1 else "").get(lang)


def _has_figures(evaluation: Evaluation) -> bool:
    """Whether reported figures were judged (not only records)."""
    return bool(evaluation.dataset) or not evaluation.records


def judged_inputs(evaluation: Evaluation) -> Text:
    """What was judged: ``dataset figures.csv``, ``register r.csv, log l.csv``."""
    return joined(
        (
            *([say("report.dataset", name=evaluation.dataset)] if _has_figures(evaluation) else []),
            *(say(f"report.{t.kind}", name=t.name) for t in evaluation.records),
        ),
        say("list.comma"),
    )


def _summary(evaluation: Evaluation, lang: Lang) -> list[str]:
    counts = evaluation.counts()
    rb = evaluation.rulebook
    figures = _has_figures(evaluation)
    # A wide sheet's figures are its cells.
    unit = say("report.cells" if evaluation.cells else "report.rows")
    inputs = judged_inputs(evaluation)
    rulebook = Text(rb.describe("zh"), rb.describe())
    return [
        say(
            "report.judged" if rb.as_of is None else "report.judged_as_of",
            rulebook=rulebook,
            as_of=str(rb.as_of),
            inputs=inputs,
        ).get(lang),
        say(
            "report.counts",
            met=counts[Verdict.MET],
            not_met=counts[Verdict.NOT_MET],
            unknown=counts[Verdict.UNKNOWN],
        ).get(lang),
        *(
            [
                say(
                    "report.rows_read",
                    unit=unit,
                    read=evaluation.rows_read,
                    used=evaluation.rows_used,
                    unused=len(evaluation.unused),
                ).get(lang),
                *(f"  {note.get(lang)}" for note in evaluation.dataset_notes),
                *_unused_lines(evaluation, lang),
            ]
            if figures
            else []
        ),
        *_records_lines(evaluation, lang),
        *(say("report.note", note=note).get(lang) for note in evaluation.notes),
    ]


_SHOWN = 5


def _records_lines(evaluation: Evaluation, lang: Lang) -> list[str]:
    """For each records table: its rows reconciled, the first rejected rows, notes."""
    lines = []
    for table in evaluation.records:
        lines.append(
            say(
                "report.table_rows",
                table=say(f"report.{table.kind}", name=table.name),
                read=table.rows_read,
                used=table.rows_used,
                rejected=table.rows_rejected,
            ).get(lang)
        )
        lines += [
            say("report.rejected", problem=Text(p.render("zh"), p.render("en"))).get(lang)
            for p in table.problems[:_SHOWN]
        ]
        if len(table.problems) > _SHOWN:
            more = len(table.problems) - _SHOWN
            lines.append(say("report.more_problems", more=more).get(lang))
        lines += [f"  {note.get(lang)}" for note in table.notes]
    return lines


def _failing_lines(evaluation: Evaluation, lang: Lang, limit: int | None = _SHOWN) -> list[str]:
    """The units that fail each records result, the first ``limit`` of each."""
    lines = []
    for result in evaluation.results:
        units = result.failing_units
        if not units:
            continue
        place = f" {result.district}" if result.district else ""
        lines.append(
            say(
                "report.failing" if result.population is not None else "report.failing_of_none",
                rule=result.rule.id,
                year=result.year,
                place=place,
                count=len(units),
                population=result.population,
            ).get(lang)
        )
        shown = units if limit is None else units[:limit]
        cells = [
            (data(f"  {u.unit}"), data(u.name), data(u.district or ""), u.needs.get(lang))
            for u in shown
        ]
        lines += _table(("", "", "", ""), cells).splitlines()[2:]
        if len(units) > len(shown):
            more = len(units) - len(shown)
            lines.append(say("report.more_units", more=more).get(lang))
    return lines


_UNUSED_SHOWN = 5


def _unused_lines(evaluation: Evaluation, lang: Lang) -> list[str]:
    """Rows no rule judged: the first few, and how many more there are."""
    unused = evaluation.unused
    lines = [
        say("report.unused", origin=o.said_origin(), measure=o.measure, year=o.year).get(lang)
        for o in unused[:_UNUSED_SHOWN]
    ]
    if len(unused) > _UNUSED_SHOWN:
        lines.append(say("report.more_rows", more=len(unused) - _UNUSED_SHOWN).get(lang))
    return lines


def _headers(lang: Lang, mixed: bool = False) -> tuple[str, ...]:
    return tuple(
        say(f"report.h_{h}").get(lang)
        for h in (
            "rule",
            "year",
            *(("from",) if mixed else ()),
            "verdict",
            "observed",
            "target",
            "gap",
            "needed",
        )
    )


#: The width ``qrules check``'s table fits in: a terminal of 100 columns.
TABLE_WIDTH = 100
#: The most a rule id takes of it; a longer id is cut short (JSON has it whole).
_ID_WIDTH = 32
#: The least width the last column wraps in; narrower, it goes under its row.
_LAST_WIDTH = 36
_UNDER = "    ↳ "


def evaluation_table(evaluation: Evaluation, lang: Lang = "en") -> str:
    """The default, readable output of ``qrules check``, fitting a terminal of
    ``TABLE_WIDTH`` columns: long rule ids are cut short with ``…`` and the
    last column (what is needed, or why unknown) wraps onto further lines."""
    mixed = _mixed(evaluation)
    rows = [_cells(r, lang, mixed) for r in evaluation.results]
    failing = _failing_lines(evaluation, lang)
    summary = [_escape.terminal(line) for line in _summary(evaluation, lang)]
    return _escape.terminal_lines(
        _table(_headers(lang, mixed), rows, width=TABLE_WIDTH)
        + "\n"
        + "".join(line + "\n" for line in [*failing, *([""] if failing else [])])
        + "\n".join(summary)
        + "\n"
    )


def by_responsible(evaluation: Evaluation) -> list[tuple[Body | None, tuple[Result, ...]]]:
    """Each responsible body (in the rulebook's order) with the results of the
    rules it shares, then (``None``) the results of rules that name no body."""
    bodies = evaluation.rulebook.bodies
    owned: dict[str | None, list[Result]] = {body_id: [] for body_id in bodies}
    for result in evaluation.results:
        for body_id in result.rule.bodies or (None,):
            owned.setdefault(body_id, []).append(result)
    return [
        (None if body_id is None else bodies[body_id], tuple(results))
        for body_id, results in owned.items()
        if results
    ]


def _body_label(body: Body | None, lang: Lang) -> tuple[str, str]:
    if body is None:
        return ("—", say("report.no_body").get(lang))
    return (body.id, body.name.get(lang))


def responsible_table(evaluation: Evaluation, lang: Lang = "en") -> str:
    """``qrules check --by-responsible``: how each responsible body stands, one
    line a body, with the rules it shares that are not met or unknown."""
    headers = tuple(
        say(f"report.h_{h}").get(lang)
        for h in ("body", "name", "verdict", "met", "not_met", "unknown")
    )
    rows, pending = [], []
    for body, results in by_responsible(evaluation):
        counts = {v: sum(1 for r in results if r.verdict is v) for v in Verdict}
        label = _body_label(body, lang)
        rows.append(
            (
                *label,
                combined(r.verdict for r in results).label(lang),
                str(counts[Verdict.MET]),
                str(counts[Verdict.NOT_MET]),
                str(counts[Verdict.UNKNOWN]),
            )
        )
        not_met = list(dict.fromkeys(r.rule.id for r in results if r.verdict is not Verdict.MET))
        if not_met:
            pending.append(say("report.pending", body=label[0], rules=listed(not_met)).get(lang))
    heading = say("report.pending_heading").get(lang)
    # The rulebook's collective bodies, by the name the plan gives them.
    everyone = [
        b.name.zh for b in evaluation.rulebook.bodies.values() if b.level == "all-districts"
    ]
    note = say("report.bodies_note", everyone=listed(everyone)).get(lang) if everyone else ""
    summary = [_escape.terminal(line) for line in _summary(evaluation, lang)]
    return _escape.terminal_lines(
        _table(headers, rows)
        + "\n"
        + "\n".join([heading, *pending])
        + "\n\n"
        + (note + "\n" if note else "")
        + "\n".join(summary)
        + "\n"
    )


def responsible_json(evaluation: Evaluation, lang: Lang = "en") -> str:
    """``qrules check --by-responsible --format json``: the results, and for each
    body its verdict, counts and the ids of its rules."""
    document = json.loads(evaluation_json(evaluation, lang))
    document["by_responsible"] = [
        {
            "body": None if body is None else body.id,
            "name": None if body is None else _text(body.name),
            "level": None if body is None else body.level,
            "verdict": combined(r.verdict for r in results).value,
        }
        | {v.value: sum(1 for r in results if r.verdict is v) for v in Verdict}
        | {"rules": list(dict.fromkeys(r.rule.id for r in results))}
        for body, results in by_responsible(evaluation)
    ]
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def evaluation_markdown(evaluation: Evaluation, lang: Lang = "en") -> str:
    """A Markdown table for pasting into a review document; every value from the
    inputs escaped (`_escape.markdown`), so none can add a cell, a row or markup."""
    mixed = _mixed(evaluation)
    headers = _headers(lang, mixed)
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for result in evaluation.results:
        lines.append(
            "| " + " | ".join(_escape.markdown(c) for c in _cells(result, lang, mixed)) + " |"
        )
    failing = [_escape.terminal_lines(line) for line in _failing_lines(evaluation, lang)]
    fence = _escape.code_fence(failing)
    block = ["", fence, *failing, fence] if failing else []
    return (
        "\n".join([*lines, *block])
        + "\n\n"
        + "\n".join(f"- {_escape.markdown(line.strip())}" for line in _summary(evaluation, lang))
        + "\n"
    )


_JUNIT_UNITS = 100


def evaluation_junit(evaluation: Evaluation, lang: Lang = "en") -> str:
    """JUnit XML: each result a test case; not met is a failure, unknown an
    error (``type="unknown"``), never a skipped test: a CI that counts skipped
    tests as passed would pass a rule nobody could judge, where ``qrules
    check`` exits 1. Every value from the inputs is freed of what XML forbids
    (`_escape.xml`)."""
    import xml.etree.ElementTree as ET  # noqa: PLC0415 (JUnit only: a quick start otherwise)

    xml = _escape.xml
    counts = evaluation.counts()
    suite = ET.Element(
        "testsuite",
        {
            "name": xml(f"qrules {evaluation.rulebook.named()}"),
            "tests": str(len(evaluation.results)),
            "failures": str(counts[Verdict.NOT_MET]),
            "errors": str(counts[Verdict.UNKNOWN]),
            "skipped": "0",
        },
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("fingerprint", evaluation.rulebook.fingerprint),
        ("dataset", evaluation.dataset),
    ):
        ET.SubElement(properties, "property", {"name": name, "value": xml(value)})
    mixed = _mixed(evaluation)
    for result in evaluation.results:
        name = f"{result.rule.id}[{result.year}{',' + result.district if result.district else ''}]"
        if mixed:
            name += f" ({SOURCES[result.source].get(lang)})"
        case = ET.SubElement(
            suite,
            "testcase",
            {
                "classname": xml(f"{evaluation.rulebook.id}.{result.rule.source.section}"),
                "name": xml(name),
            },
        )
        ET.SubElement(
            ET.SubElement(case, "properties"),
            "property",
            {"name": "source", "value": result.source},
        )
        disagreement = (
            []
            if result.disagreement is None
            else [say("report.disagreement", disagreement=result.disagreement).get(lang)]
        )
        detail = "\n".join(
            [
                result.reason.get(lang),
                *disagreement,
                *(c.describe(lang) for c in result.changes),
                *(
                    say("report.unit_needs", unit=u.unit, name=u.name, needs=u.needs).get(lang)
                    for u in result.failing_units[:_JUNIT_UNITS]
                ),
                *(
                    [
                        say(
                            "report.more_junit_units", more=len(result.failing_units) - _JUNIT_UNITS
                        ).get(lang)
                    ]
                    if len(result.failing_units) > _JUNIT_UNITS
                    else []
                ),
                say("report.quote_is", quote=result.rule.source.quote).get(lang),
            ]
        )
        if result.verdict is Verdict.NOT_MET:
            failure = ET.SubElement(case, "failure", {"message": xml(result.reason.get(lang))})
            failure.text = xml(detail, lines=True)
        elif result.verdict is Verdict.UNKNOWN:
            error = ET.SubElement(
                case, "error", {"type": "unknown", "message": xml(result.reason.get(lang))}
            )
            error.text = xml(detail, lines=True)
        if disagreement:
            ET.SubElement(case, "system-out").text = xml(disagreement[0], lines=True)
    ET.indent(suite)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"
    )


# -- plain text tables --------------------------------------------------------


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int | None = None) -> str:
    """Columns aligned for a terminal, Chinese characters counted as two wide;
    each cell's control characters shown, not run (`_escape.terminal`).

    With ``width``, the table fits in that many columns: the first column is
    cut short (with ``…``) past ``_ID_WIDTH``, and the last wraps in its column,
    or, when that would leave it narrower than ``_LAST_WIDTH``, on lines of its
    own under the row.
    """
    rows = [[_escape.terminal(cell) for cell in row] for row in rows]
    if width is not None:
        rows = [[_cut(row[0], _ID_WIDTH), *row[1:]] for row in rows]
    widths = [columns(h) for h in headers]
    for row in rows:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], columns(cell))
    room = None
    below = False
    if width is not None and sum(widths) + 2 * (len(widths) - 1) > width:
        room = width - sum(widths[:-1]) - 2 * (len(widths) - 1)
        below = room < _LAST_WIDTH
        room = width - len(_UNDER) if below else room
        widths[-1] = columns(headers[-1]) if below else min(widths[-1], room)

    def line(cells: Sequence[str]) -> str:
        padded = [c + " " * (w - columns(c)) for c, w in zip(cells, widths, strict=True)]
        return "  ".join(padded).rstrip()

    def lines(cells: Sequence[str]) -> list[str]:
        if room is None:
            return [line(cells)]
        parts = _wrap(cells[-1], room)
        if below:
            shown = [p for p in parts if p]
            return [
                line([*cells[:-1], ""]),
                *((_UNDER if i == 0 else " " * len(_UNDER)) + p for i, p in enumerate(shown)),
            ]
        blank = [""] * (len(cells) - 1)
        return [line([*cells[:-1], parts[0]]), *(line([*blank, p]) for p in parts[1:])]

    return (
        "\n".join(
            [
                line(headers),
                line(["-" * w for w in widths]),
                *(text for r in rows for text in lines(r)),
            ]
        )
        + "\n"
    )


def _cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` columns, ending in ``…`` when cut."""
    if columns(text) <= width:
        return text
    used = 0
    for at, char in enumerate(text):
        used += char_columns(char)
        if used > width - 1:
            return text[:at] + "…"
    return text + "…"  # (not reached: the text is wider than ``width``)


def _wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns: broken at spaces where it
    has them, anywhere in a run of Chinese."""
    found: list[str] = []
    current, used = "", 0  # (the line so far, and its columns)
    for word in text.split(" "):
        wide = columns(word)
        if current and used + 1 + wide <= width:
            current, used = f"{current} {word}", used + 1 + wide
            continue
        if not current and wide <= width:
            current, used = word, wide
            continue
        if current:
            found.append(current)
        current, used = "", 0
        for char in word:
            taken = char_columns(char)
            if used + taken > width:
                found.append(current)
                current, used = "", 0
            current, used = current + char, used + taken
    found.append(current)
    return found or [""]
