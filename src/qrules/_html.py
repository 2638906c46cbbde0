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
from ._evaluate import SOURCES, Evaluation, Result, Verdict, combined
from ._expr import format_number, format_short
from ._model import Lang, Rule, Text
from ._report import _due_text, row_of, scope_text, target_text
from ._trend import Trend

__all__ = ["ECHARTS_VERSION", "evaluation_html", "report_data"]

ECHARTS_VERSION = "6.1.0"

_LABELS: dict[str, Text] = {
    "report": Text("进展报告", "Progress report"),
    "rulebook": Text("规则集", "Rulebook"),
    "fingerprint": Text("指纹", "fingerprint"),
    "dataset": Text("数据", "Dataset"),
    "rows": Text("读取 {read} 行 = 使用 {used} 行 + 未使用 {unused} 行",
                 "rows read {read} = used {used} + unused {unused}"),
    "cells": Text("读取 {read} 个单元格 = 使用 {used} 个 + 未使用 {unused} 个",
                  "cells read {read} = used {used} + unused {unused}"),
    "records": Text("{kind} {name}:读取 {read} 行 = 使用 {used} 行 + 拒收 {rejected} 行",
                    "{kind} {name}: rows read {read} = used {used} + rejected {rejected}"),
    "register": Text("登记册", "register"),
    "rejected_rows": Text("{kind} {name} 中拒收的行({count} 行)",
                          "Rejected rows of the {kind} {name} ({count})"),
    "bearing": Text("可能改变结论的拒收行", "Rejected rows that bear on it"),
    "row_ref": Text("{kind}第 {row} 行", "{kind} row {row}"),
    "log": Text("检查记录", "log"),
    "section": Text("章节", "Section"),
    "responsible": Text("责任单位", "Responsible"),
    "interpretation": Text("解读", "Reading"),
    "district": Text("区县", "District"),
    "verdict": Text("结论", "Verdict"),
    "trend": Text("趋势", "Trend"),
    "search": Text("搜索", "Search"),
    "search_hint": Text("规则编号或标题", "rule id or title"),
    "all": Text("全部", "All"),
    "whole": Text("全市(未分区县)", "City (whole area)"),
    "scope": Text("适用范围", "applies to"),
    "derived": Text("由区县推算", "derived from districts"),
    "expand": Text("全部展开", "Expand all"),
    "collapse": Text("全部折叠", "Collapse all"),
    "shown": Text("显示 {shown} / {total} 条规则", "{shown} of {total} rules shown"),
    "none_shown": Text("没有符合筛选条件的规则。", "No rule matches the filters."),
    "observed": Text("观测值", "observed"),
    "target": Text("目标", "target"),
    "gap": Text("差距", "gap"),
    "change": Text("最小所需变化", "smallest change"),
    "reason": Text("原因", "why"),
    "quote": Text("规划原文", "The plan says"),
    "due": Text("期限", "due"),
    "no_value": Text("无数据", "no value"),
    "units": Text("未达标单位({count} 个)", "Units not meeting it ({count})"),
    "unit": Text("单位编号", "Unit"),
    "unit_name": Text("名称", "Name"),
    "unit_district": Text("区县", "District"),
    "needs": Text("所需", "Needs"),
    "colon": Text(":", ": "),
    "disagreement": Text("报告数据与记录不一致", "Figures and records disagree"),
    "meeting": Text("{meeting} / {population} 个单位达标",
                    "{meeting} of {population} units meet it"),
    "years": Text("各年", "by year"),
    "districts": Text("各区县", "by district"),
    "districts_met": Text("{met} / {total} 个区县达标", "{met} of {total} districts met"),
    "by_section": Text("按章节", "By section"),
    "by_district": Text("按区县", "By district"),
    "outlook": Text("{year} 年展望", "Outlook for {year}"),
    "trend_chart": Text("{measure} 各年数值", "{measure} by year"),
    "path": Text("实际", "observed"),
    "projection": Text("按近期速度", "at recent pace"),
    "aspirational": Text("力争", "aspirational"),
    "unused": Text("未使用的行", "Rows no rule used"),
    "noscript": Text("本报告的图表和筛选需要 JavaScript。",
                     "This report needs JavaScript for its charts and filters."),
    "on_track": Text("有望达标", "on track"),
    "off_track": Text("难以达标", "off track"),
    "no_trend": Text("无趋势", "no trend"),
    "generated": Text("由 qrules 生成;图表:Apache ECharts {version}",
                      "Made by qrules; charts: Apache ECharts {version}"),
}

_AGGREGATIONS = {
    "level": Text("期末水平", "level"),
    "cumulative": Text("累计", "cumulative"),
    "new": Text("期间新增", "new in the period"),
    "annual_average": Text("年均", "annual average"),
    "every_year": Text("每年", "every year"),
}


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
        "targetText": target_text(rule) if target is None else
        f"{target.sign} {format_number(target.value)}",
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
        "due": _due_text(rule),
        "aggregation": _AGGREGATIONS[rule.aggregation.value].get(lang),
        "aspirational": rule.strength == "aspirational",
        "bodies": list(dict.fromkeys(rule.bodies)),
        "responsible": rule.responsible_text(lang) or None,
        "interpretation": None if rule.interpretation is None else rule.interpretation.get(lang),
        "rows": {},
    }


def report_data(evaluation: Evaluation, lang: Lang = "en",
                trends: Iterable[Trend] = ()) -> dict[str, Any]:
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
            "own": _threshold(results[-1].rule) if any(
                r.scope == "district-target" for r in results) else None,
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
    labels = {key: text.get(lang) for key, text in _LABELS.items()}
    labels |= {v.value: v.label(lang) for v in Verdict}
    if evaluation.cells:  # a wide sheet's figures are its cells
        labels["rows"] = labels["cells"]
    return {
        "lang": lang,
        "labels": labels,
        "echarts": ECHARTS_VERSION,
        "rulebook": {"id": rulebook.id, "version": rulebook.version, "origin": rulebook.origin,
                     "fingerprint": rulebook.fingerprint, "title": rulebook.title.get(lang)},
        "dataset": evaluation.dataset,
        "rows": {"read": evaluation.rows_read, "used": evaluation.rows_used,
                 "unused": len(evaluation.unused)},
        "unused": [o.origin for o in evaluation.unused],
        "notes": [note.get(lang) for note in (*evaluation.dataset_notes, *evaluation.notes)],
        "records": [
            {"kind": labels.get(t.kind, t.kind), "key": t.kind, "name": t.name,
             "read": t.rows_read, "used": t.rows_used, "rejected": t.rows_rejected,
             "problems": [{"row": row_of(p.where), "text": str(p)} for p in t.problems]}
            for t in evaluation.records
        ],
        "districts": [{"key": d or "", "name": d or labels["whole"]} for d in districts],
        "sections": [{"name": top, "subs": subs} for top, subs in sections.items()],
        # The bodies the rules shown name, in the rulebook's order, for the filter.
        "bodies": [{"id": body.id, "name": body.name.get(lang)}
                   for body in rulebook.bodies.values()
                   if any(body.id in rule["bodies"] for rule in rules.values())],
        "rules": list(rules.values()),
    }


def _asset(name: str) -> str:
    return (resources.files("qrules") / "_assets" / name).read_text(encoding="utf-8")


def evaluation_html(evaluation: Evaluation, lang: Lang = "en",
                    trends: Iterable[Trend] = ()) -> str:
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
