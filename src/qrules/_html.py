"""``qrules report --format html``: one self-contained HTML file.

The page is built from three package files (``_assets/report.html``,
``report.css``, ``report.js``), the vendored Apache ECharts bundle (see
``_assets/echarts/README.md`` for why ECharts) and the evaluation as JSON.
Everything is inlined, so the file opens without a network. The JSON sits in
a ``<script type="application/json">`` element with ``<``, ``>`` and ``&``
escaped, so no text from a rulebook or dataset can end that element or be
read as markup; the page script puts every text into the page with
``textContent``, never as HTML.

Numbers reach the charts as floats, for drawing only: every verdict, gap and
outlook shown in words was decided exactly, in Python.
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from fractions import Fraction
from importlib import resources
from typing import Any

from ._escape import html, script_json
from ._expr import format_number, format_short
from ._messages import say
from ._model import Lang, Rule
from ._report import due_text, row_of, scope_text, target_text
from ._results import SOURCES, Evaluation, Result, Verdict, combined
from ._trend import Trend

__all__ = ["ECHARTS_VERSION", "evaluation_html", "report_data"]

ECHARTS_VERSION = "6.1.0"

#: The labels the page's script shows, each the message ``html.<key>`` of the catalog.
_LABELS = (
    "report",
    "rulebook",
    "fingerprint",
    "dataset",
    "rows",
    "cells",
    "records",
    "register",
    "rejected_rows",
    "bearing",
    "row_ref",
    "log",
    "section",
    "responsible",
    "interpretation",
    "district",
    "verdict",
    "trend",
    "search",
    "search_hint",
    "all",
    "whole",
    "scope",
    "derived",
    "expand",
    "collapse",
    "shown",
    "none_shown",
    "observed",
    "target",
    "gap",
    "change",
    "reason",
    "quote",
    "due",
    "no_value",
    "units",
    "unit",
    "unit_name",
    "unit_district",
    "needs",
    "colon",
    "disagreement",
    "meeting",
    "years",
    "districts",
    "districts_met",
    "by_section",
    "by_district",
    "outlook",
    "trend_chart",
    "path",
    "projection",
    "aspirational",
    "unused",
    "noscript",
    "on_track",
    "off_track",
    "no_trend",
    "generated",
)


#: Comparators as people write them.
def _number(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def _result(result: Result, lang: Lang) -> dict[str, Any]:
    return {
        "year": result.year,
        "when": result.when,
        "verdict": result.verdict.value,
        "observed": _number(result.observed),
        "observedText": None if result.observed is None else format_short(result.observed),
        "gapText": None if not result.gap else format_short(result.gap),
        "changes": [c.describe(lang) for c in result.changes],
        "reason": result.reason.get(lang),
        "population": result.population,
        "meeting": result.meeting,
        "derived": [d.describe(lang) for d in result.derived],
        "failing": [
            {"unit": u.unit, "name": u.name, "district": u.district, "needs": u.needs.get(lang)}
            for u in result.failing_units
        ],
        "rejected": [{"kind": kind, "row": row} for kind, row in result.rejected_rows],
        "source": result.source,
        "sourceText": SOURCES[result.source].get(lang),
        "disagreement": None if result.disagreement is None else result.disagreement.get(lang),
    }


def _trend(trend: Trend, lang: Lang) -> dict[str, Any]:
    if trend.verdict is Verdict.UNKNOWN:
        state = "unknown"
    else:
        state = "met" if trend.verdict is Verdict.MET else "not_met"
    return {
        "verdict": state,
        "label": trend.label(lang),
        "projected": trend.projected,
        "reason": trend.reason.get(lang),
        "year": trend.year,
        "path": [[y, float(v)] for y, v in trend.path],
        "projection": [[y, float(v)] for y, v in trend.projection],
        "outlook": _number(trend.outlook),
    }


def _threshold(rule: Rule) -> dict[str, Any]:
    target = rule.target
    return {
        "op": None if target is None else target.op,
        "target": None if target is None else float(target.value),
        "targetText": target_text(rule)
        if target is None
        else f"{target.sign} {format_number(target.value)}",
    }


def _rule(rule: Rule, lang: Lang) -> dict[str, Any]:
    top, _, sub = rule.source.section.partition(" / ")
    return {
        "id": rule.id,
        "title": rule.title.get(lang),
        "top": top,
        "sub": sub,
        "quote": rule.source.quote,
        "measure": rule.measure.name.get(lang),
        "unit": rule.measure.unit.label(lang),
        "integer": rule.measure.unit.integer,
        **_threshold(rule),
        "scope": scope_text(rule, lang),
        "due": due_text(rule, lang),
        "aggregation": say(f"html.aggregation.{rule.aggregation.value}").get(lang),
        "aspirational": rule.strength == "aspirational",
        "bodies": list(dict.fromkeys(rule.bodies)),
        "responsible": rule.responsible_text(lang) or None,
        "interpretation": None if rule.interpretation is None else rule.interpretation.get(lang),
        "rows": {},
    }


def report_data(
    evaluation: Evaluation, lang: Lang = "en", trends: Iterable[Trend] = ()
) -> dict[str, Any]:
    """Everything the page shows, as plain JSON values."""
    rules: dict[str, dict[str, Any]] = {}
    grouped: dict[tuple[str, str | None], list[Result]] = {}
    for result in evaluation.results:
        if result.rule.id not in rules:
            rules[result.rule.id] = _rule(result.rule, lang)
        grouped.setdefault((result.rule.id, result.district), []).append(result)
    districts = sorted({d for _, d in grouped}, key=lambda d: (d is not None, d or ""))
    for (rule_id, district), results in grouped.items():
        rules[rule_id]["rows"][district or ""] = {
            "verdict": combined(r.verdict for r in results).value,
            "results": [_result(r, lang) for r in sorted(results, key=lambda r: r.year)],
            "trend": None,
            # A district judged against a target of its own shows that target.
            "own": _threshold(results[-1].rule)
            if any(r.scope == "district-target" for r in results)
            else None,
        }
    for trend in trends:
        row = rules.get(trend.rule.id, {}).get("rows", {}).get(trend.district or "")
        if row is not None:
            row["trend"] = _trend(trend, lang)
    sections: dict[str, list[str]] = {}
    for rule in rules.values():
        subs = sections.setdefault(rule["top"], [])
        if rule["sub"] and rule["sub"] not in subs:
            subs.append(rule["sub"])
    rulebook = evaluation.rulebook
    labels = {key: say(f"html.{key}").get(lang) for key in _LABELS}
    labels |= {v.value: v.label(lang) for v in Verdict}
    if evaluation.cells:  # a wide sheet's figures are its cells
        labels["rows"] = labels["cells"]
    return {
        "lang": lang,
        "labels": labels,
        "echarts": ECHARTS_VERSION,
        "rulebook": {
            "id": rulebook.id,
            "version": rulebook.version,
            "origin": rulebook.origin,
            "fingerprint": rulebook.fingerprint,
            "title": rulebook.title.get(lang),
        },
        "dataset": evaluation.dataset,
        "rows": {
            "read": evaluation.rows_read,
            "used": evaluation.rows_used,
            "unused": len(evaluation.unused),
        },
        "unused": [o.said_origin().get(lang) for o in evaluation.unused],
        "notes": [note.get(lang) for note in (*evaluation.dataset_notes, *evaluation.notes)],
        "records": [
            {
                "kind": labels.get(t.kind, t.kind),
                "key": t.kind,
                "name": t.name,
                "read": t.rows_read,
                "used": t.rows_used,
                "rejected": t.rows_rejected,
                "problems": [{"row": row_of(p.where), "text": p.render(lang)} for p in t.problems],
            }
            for t in evaluation.records
        ],
        "districts": [{"key": d or "", "name": d or labels["whole"]} for d in districts],
        "sections": [{"name": top, "subs": subs} for top, subs in sections.items()],
        # The bodies the rules shown name, in the rulebook's order, for the filter.
        "bodies": [
            {"id": body.id, "name": body.name.get(lang)}
            for body in rulebook.bodies.values()
            if any(body.id in rule["bodies"] for rule in rules.values())
        ],
        "rules": list(rules.values()),
    }


def _asset(name: str) -> str:
    return (resources.files("qrules") / "_assets" / name).read_text(encoding="utf-8")


def evaluation_html(evaluation: Evaluation, lang: Lang = "en", trends: Iterable[Trend] = ()) -> str:
    """The report as one self-contained HTML page (charts, filters, trends)."""
    data = report_data(evaluation, lang, trends)
    title = f"{data['labels']['report']}: {evaluation.rulebook.title.get(lang)}"
    page = string.Template(_asset("report.html"))
    return page.substitute(
        lang="zh-CN" if lang == "zh" else "en",
        title=html(title),
        noscript=html(data["labels"]["noscript"]),
        style=_asset("report.css"),
        echarts=_asset("echarts/echarts.common.min.js"),
        data=script_json(data),
        script=_asset("report.js"),
    )
