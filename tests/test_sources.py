"""Figures and records for the same rule: every result says what it was judged
from, and where the two disagree, every format shows both and says so."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import qrules
from qrules._html import report_data
from qrules._results import merge

from .conftest import SAMPLE_RECORDS, run

RULE = "special-medical-food-makers-system-inspected-yearly"
RECORDS = (
    *SAMPLE_RECORDS,
    "--engine",
    "reference",
    "--log-until",
    "2025-12-31",
    "--log-from",
    "2023-01-01",
)


@pytest.fixture
def figures(tmp_path: Path) -> Path:
    # The sample records give 1 of 2 makers inspected in 2024 (50, not met).
    path = tmp_path / "figures.csv"
    path.write_text(
        "year,measure,value\n"
        "2024,special_medical_food_makers_system_inspected_share,100\n"
        "2023,special_medical_food_makers_system_inspected_share,100\n",
        encoding="utf-8",
    )
    return path


def check(figures: Path, *options: str) -> tuple[int, str, str]:
    return run("check", "yantai-2023-2025", str(figures), "--rule", RULE, *RECORDS, *options)


def test_json_says_the_source_and_the_disagreement(figures: Path) -> None:
    code, out, _ = check(figures, "--format", "json")
    assert code == 1
    document = json.loads(out)
    assert document["schema_version"] == "1"
    results = [
        (r["year"], r["source"], r["verdict"], r["disagreement"]) for r in document["results"]
    ]
    assert results == [
        (2023, "figures", "met", None),
        (2023, "records", "met", None),
        (2024, "figures", "met", "the records give: not met, 50 (1/2)"),
        (2024, "records", "not_met", "the reported figures give: met, 100"),
        (2025, "records", "met", None),
    ]


def test_figures_alone_say_so(yantai: qrules.Rulebook) -> None:
    evaluation = yantai.evaluate({"food_safety_sampling_pass_rate": "98.6"})
    assert {r.source for r in evaluation} == {"figures"}
    assert all(r.disagreement is None for r in evaluation)


def test_the_table_has_a_source_column_and_the_note(figures: Path) -> None:
    code, out, _ = check(figures)
    assert code == 1
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["rule", "year", "from", "verdict"]

    # (what is needed, and the disagreement, go under the row: the table fits 100 columns)
    def under(row: int) -> str:
        found = [lines[row + 1]]
        for line in lines[row + 2 :]:
            if not line.startswith("      "):
                break
            found.append(line)
        return " ".join(part.strip() for part in found)

    (row,) = [
        i
        for i, line in enumerate(lines)
        if " 2024 " in line and "records  " in line and "not met" in line
    ]
    assert under(row).endswith("; disagreement: the reported figures give: met, 100")
    (row,) = [
        i for i, line in enumerate(lines) if " 2024 " in line and "reported figures  met" in line
    ]
    assert under(row).endswith("disagreement: the records give: not met, 50 (1/2)")


def test_the_table_without_records_has_no_source_column() -> None:
    code, out, _ = run("check", "yantai-2023-2025", "--sample")
    assert out.splitlines()[0].split()[:3] == ["rule", "year", "verdict"]
    assert code == 1


def test_markdown_in_chinese(figures: Path) -> None:
    _, out, _ = check(figures, "--format", "markdown", "--lang", "zh")
    assert out.startswith("| 规则 | 年份 | 来源 | 结论 |")
    assert (
        f"| {RULE} | 2024 | 报告数据 | 达标 | 100 | == 100 |  | 不一致:记录得出:未达标 50 (1/2) |"
    ) in out
    assert "| 2024 | 记录 | 未达标 | 50 (1/2) |" in out


def test_junit_names_each_source(figures: Path) -> None:
    _, out, _ = check(figures, "--format", "junit")
    cases = {c.get("name"): c for c in ET.fromstring(out).iter("testcase")}
    figures_case = cases[f"{RULE}[2024] (reported figures)"]
    records_case = cases[f"{RULE}[2024] (records)"]
    assert figures_case.find("properties/property").attrib == {"name": "source", "value": "figures"}
    assert figures_case.findtext("system-out") == (
        "disagreement: the records give: not met, 50 (1/2)"
    )
    failure = records_case.find("failure")
    assert failure is not None
    assert "disagreement: the reported figures give: met, 100" in (failure.text or "")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_html_report_data(figures: Path, yantai: qrules.Rulebook, lang: str) -> None:
    from qrules.engines import evaluate_records  # noqa: PLC0415
    from qrules.records.read import read_log, read_register  # noqa: PLC0415

    folder = Path(yantai.path) / "samples" / "records"
    register = read_register(folder / "register.csv")
    log = read_log(folder / "inspections.csv", register)
    rules = [yantai[RULE]]
    evaluation = merge(
        yantai.evaluate(qrules.read_dataset(figures, yantai), rules=rules),
        evaluate_records(
            yantai, register, log, rules=rules, log_until="2025-12-31", log_from="2023-01-01"
        ),
    )
    data = report_data(evaluation, lang)  # type: ignore[arg-type]
    (rule,) = data["rules"]
    results = rule["rows"][""]["results"]
    assert [(r["year"], r["source"]) for r in results] == [
        (2023, "figures"),
        (2023, "records"),
        (2024, "figures"),
        (2024, "records"),
        (2025, "records"),
    ]
    expected = {
        "en": ("reported figures", "the records give: not met, 50 (1/2)"),
        "zh": ("报告数据", "记录得出:未达标 50 (1/2)"),
    }[lang]
    assert (results[2]["sourceText"], results[2]["disagreement"]) == expected
    assert (
        data["labels"]["disagreement"]
        == {"en": "Figures and records disagree", "zh": "报告数据与记录不一致"}[lang]
    )


def test_strict_refuses_figures_and_records_that_disagree(figures: Path) -> None:
    code, out, err = check(figures, "--strict")
    assert (code, out) == (2, "")
    assert (
        f"{RULE} in 2024: met, 100 from the reported figures, but the records give: "
        "not met, 50 (1/2)" in err
    )


def test_strict_on_report_too(figures: Path, tmp_path: Path) -> None:
    code, _, err = run(
        "report",
        "yantai-2023-2025",
        str(figures),
        "--rule",
        RULE,
        *RECORDS,
        "--strict",
        "--format",
        "markdown",
    )
    assert code == 2
    assert "the records give" in err


@pytest.mark.parametrize("value", ["150", "150%"])
def test_an_impossible_rate_is_a_data_error_from_the_command_line(
    tmp_path: Path, value: str
) -> None:
    path = tmp_path / "figures.csv"
    path.write_text(
        f"year,measure,value\n2025,food_safety_sampling_pass_rate,{value}\n", encoding="utf-8"
    )
    code, out, err = run("check", "yantai-2023-2025", str(path))
    assert (code, out) == (2, "")
    assert (
        "food_safety_sampling_pass_rate = 150 in 2025 is outside its plausible values, "
        "0 to 100" in err
    )


def test_strict_refuses_a_doubtful_share_from_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "figures.csv"
    path.write_text(
        "year,measure,value\n2025,food_safety_sampling_pass_rate,99.5\n"
        "2025,food_samples_passed,986\n2025,food_samples_tested,1000\n",
        encoding="utf-8",
    )
    assert (
        run("check", "yantai-2023-2025", str(path), "--rule", "food-safety-sampling-pass-rate")[0]
        == 0
    )
    code, _, err = run("check", "yantai-2023-2025", str(path), "--strict")
    assert code == 2
    assert (
        "figures.csv, row 2: food_safety_sampling_pass_rate = 99.5 in 2025 differs "
        "from 98.6 computed from food_samples_passed (row 3)" in err
    )


@pytest.mark.parametrize(
    ("reported", "noted"), [("20", False), ("20.4", True), ("21", True), ("25", True)]
)
def test_a_figure_rounded_from_the_records_agrees(
    tmp_path: Path, reported: str, noted: bool
) -> None:
    # The sample records give 2 of 10 health food makers inspected in 2023: 20.
    path = tmp_path / "figures.csv"
    path.write_text(
        f"year,measure,value\n2023,health_food_makers_system_inspected_share,{reported}\n",
        encoding="utf-8",
    )
    _, out, _ = run(
        "check",
        "yantai-2023-2025",
        str(path),
        "--rule",
        "health-food-makers-system-inspected-yearly",
        *RECORDS,
        "--format",
        "json",
    )
    (figure,) = [
        r for r in json.loads(out)["results"] if r["year"] == 2023 and r["source"] == "figures"
    ]
    assert (figure["disagreement"] is not None) is noted
