"""The HTML report's content (the browser test, test_report_browser.py, looks at it)."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import attrs
import pytest

import qrules
from qrules._html import ECHARTS_VERSION, evaluation_html, report_data
from qrules._results import FailingUnit
from qrules._trend import trends

from .conftest import run

SAMPLE = "synthetic-2023-2025.csv"


def page_data(html: str) -> dict[str, object]:
    found = re.search(
        r'<script type="application/json" id="qrules-data">(.*?)</script>', html, re.S
    )
    assert found is not None
    data: dict[str, object] = json.loads(found.group(1))
    return data


@pytest.fixture(scope="module")
def sample(yantai: qrules.Rulebook) -> qrules.Dataset:
    return qrules.read_dataset(f"{yantai.path}/samples/{SAMPLE}", yantai)


def test_every_rule_has_a_row_with_its_verdict_and_trend(
    yantai: qrules.Rulebook, sample: qrules.Dataset
) -> None:
    evaluation = yantai.evaluate(sample)
    data = report_data(evaluation, "en", trends(yantai, sample))
    rules = {r["id"]: r for r in data["rules"]}
    assert len(rules) == len(yantai)
    food = rules["food-safety-sampling-pass-rate"]
    row = food["rows"][""]
    assert row["verdict"] == "not_met"
    assert food["targetText"] == "≥ 98.5"
    assert food["quote"] in yantai.text
    (result,) = row["results"]
    assert result["observedText"] == "98.4"
    assert result["gapText"] == "0.1"
    assert result["changes"] == ["40 more food safety samples that passed (39360 → 39400)"]
    assert row["trend"]["label"] == "not reached"
    assert [p[0] for p in row["trend"]["path"]] == [2023, 2024, 2025]
    assert data["districts"] == [{"key": "", "name": "City (whole area)"}]
    # A row is not met when any of its years is.
    every_year = [r for r in data["rules"] if len(r["rows"][""]["results"]) > 1]
    assert every_year
    for rule in every_year:
        verdicts = {x["verdict"] for x in rule["rows"][""]["results"]}
        if "not_met" in verdicts:
            assert rule["rows"][""]["verdict"] == "not_met"


def test_chinese_labels_and_titles(yantai: qrules.Rulebook, sample: qrules.Dataset) -> None:
    data = report_data(yantai.evaluate(sample), "zh")
    assert data["labels"]["not_met"] == "未达标"
    assert data["rules"][0]["title"] == yantai.rules[0].title.zh


def test_failing_units_go_into_the_page(yantai: qrules.Rulebook, sample: qrules.Dataset) -> None:
    evaluation = yantai.evaluate(sample)
    needs = qrules.Text("2024-12-31 前还需检查 1 次", "1 more inspection by 2024-12-31")
    unit = FailingUnit("CT05", "样例餐饮单位05", "福山区", needs, 1)
    first = attrs.evolve(
        evaluation.results[0],
        verdict=qrules.Verdict.NOT_MET,
        population=10,
        meeting=9,
        failing_units=(unit,),
    )
    evaluation = attrs.evolve(evaluation, results=(first, *evaluation.results[1:]))
    (result,) = report_data(evaluation, "zh")["rules"][0]["rows"][""]["results"]
    assert (result["population"], result["meeting"]) == (10, 9)
    assert result["failing"] == [
        {
            "unit": "CT05",
            "name": "样例餐饮单位05",
            "district": "福山区",
            "needs": "2024-12-31 前还需检查 1 次",
        }
    ]


def test_no_text_can_end_the_data_script(yantai: qrules.Rulebook, sample: qrules.Dataset) -> None:
    name = "</script><script>alert(1)</script><!-- & \u2028"
    evaluation = attrs.evolve(yantai.evaluate(sample), dataset=name)
    html = evaluation_html(evaluation)
    assert "alert(1)</script>" not in html
    assert "<!-- &" not in html
    assert page_data(html)["dataset"] == name


def test_the_page_is_self_contained(yantai: qrules.Rulebook, sample: qrules.Dataset) -> None:
    html = evaluation_html(yantai.evaluate(sample), "en", trends(yantai, sample))
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    assert "<link" not in html
    assert "@import" not in html
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html)
    assert page_data(html)["echarts"] == ECHARTS_VERSION
    assert html.count("<script") == 3


def test_the_chart_library_and_its_licence_ship() -> None:
    folder = resources.files("qrules") / "_assets" / "echarts"
    bundle = (folder / "echarts.common.min.js").read_text(encoding="utf-8")
    assert "Licensed to the Apache Software Foundation" in bundle[:200]
    assert "Apache License" in (folder / "LICENSE").read_text(encoding="utf-8")
    assert "Apache ECharts" in (folder / "NOTICE").read_text(encoding="utf-8")
    assert ECHARTS_VERSION in (folder / "README.md").read_text(encoding="utf-8")


# -- the command ----------------------------------------------------------------


def test_report_html_writes_a_file_and_exits_0(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    code, out, err = run(
        "report", "yantai-2023-2025", "--sample", "-o", str(target), "--lang", "zh"
    )
    assert (code, out, err) == (0, "", "")  # rules missed, but the report is written
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>")
    assert '<html lang="zh-CN">' in html
    data = page_data(html)
    assert data["rules"][0]["title"] == "导入先进质量管理模式企业"


def test_report_html_needs_a_file() -> None:
    code, out, err = run("report", "yantai-2023-2025", "--sample")
    assert code == 2
    assert "give -o FILE" in err
    code, out, _ = run(
        "report",
        "yantai-2023-2025",
        "--sample",
        "-o",
        "-",
        "--rule",
        "food-safety-sampling-pass-rate",
    )
    assert code == 0
    assert out.startswith("<!doctype html>")


def test_report_markdown_and_junit_are_checks_plus_trends() -> None:
    _, checked, _ = run("check", "yantai-2023-2025", "--sample", "--format", "markdown")
    code, reported, _ = run("report", "yantai-2023-2025", "--sample", "--format", "markdown")
    assert code == 0
    assert reported.startswith(checked)
    assert "## Trends" in reported[len(checked) :]
    assert "| food-safety-sampling-pass-rate |  | 2023: 98.5, 2024: 98.5, 2025: 98.4 |" in reported
    _, checked, _ = run("check", "yantai-2023-2025", "--sample", "--format", "junit")
    code, reported, _ = run(
        "report", "yantai-2023-2025", "--sample", "--format", "junit", "-o", "-"
    )
    assert (code, reported) == (0, checked)


def test_report_takes_checks_selection(tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    code, _, _ = run(
        "report", "yantai-2023-2025", "--sample", "--tag", "records", "-o", str(target)
    )
    assert code == 0
    rules = page_data(target.read_text(encoding="utf-8"))["rules"]
    assert rules
    assert len(rules) < 20
