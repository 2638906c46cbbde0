"""The command line, run in-process."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import qrules

from .conftest import MINI, run


def test_check_table_exits_1_when_any_rule_fails() -> None:
    code, out, _ = run("check", str(MINI), "--sample")
    assert code == 1
    assert "pass-rate      2025       not met  98.48" in out
    assert "1 more samples that passed (1231 → 1232)" in out
    assert "2 met, 2 not met, 2 unknown" in out
    assert "rows read 9 = used 9 + unused 0" in out


def test_check_exits_0_when_every_rule_is_met(tmp_path: Path) -> None:
    data = tmp_path / "ok.csv"
    data.write_text("year,measure,value\n2025,firms,300\n", encoding="utf-8")
    assert run("check", str(MINI), str(data), "--rule", "firms")[0] == 0


def test_check_exits_2_on_bad_input(tmp_path: Path) -> None:
    data = tmp_path / "bad.csv"
    data.write_text("year,measure,value\n2025,firm,300\n", encoding="utf-8")
    code, _, err = run("check", str(MINI), str(data))
    assert code == 2
    assert "bad.csv, row 2, column 'measure': unknown measure 'firm'" in err


@pytest.mark.parametrize(
    "argv",
    [
        ("check", "no-such-rulebook", "--sample"),
        ("check", str(MINI)),
        ("check", str(MINI), "--sample", "nope"),
        ("show", str(MINI), "nope"),
        ("check", str(MINI), "--sample", "--format", "yaml"),
    ],
    ids=["unknown-rulebook", "no-data", "unknown-sample", "unknown-rule", "bad-option"],
)
def test_bad_usage_exits_2(argv: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    assert run(*argv)[0] == 2


def test_check_json_contract() -> None:
    code, out, _ = run("check", str(MINI), "--sample", "--format", "json")
    document = json.loads(out)
    assert code == 1
    assert document["schema_version"] == "1"
    assert set(document["rulebook"]) == {"id", "version", "origin", "fingerprint", "as_of"}
    assert document["summary"] == {"verdict": "not_met", "met": 2, "not_met": 2, "unknown": 2}
    first = document["results"][0]
    assert {"id", "verdict", "observed", "target", "gap", "reason"} <= set(first)
    assert first["id"] == "pass-rate"
    assert first["verdict"] == "not_met"
    assert first["observed"] == "98.48"
    assert first["target"] == {"op": ">=", "value": "98.5"}
    assert first["gap"] == "0.02"
    assert first["changes"][0]["delta"] == "1"


def test_check_junit_and_markdown() -> None:
    _, out, _ = run("check", str(MINI), "--sample", "--format", "junit")
    suite = ET.fromstring(out.split("\n", 1)[1])
    assert suite.get("tests") == "6"
    assert suite.get("failures") == "2"
    assert suite.get("errors") == "2"  # unknown: an error, never a skipped test
    assert suite.get("skipped") == "0"
    _, out, _ = run("check", str(MINI), "--sample", "--format", "markdown", "--lang", "zh")
    assert "| pass-rate | 2025 | 未达标 | 98.48 | >= 98.5 | 0.02 |" in out


def test_check_output_file(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    code, out, _ = run("check", str(MINI), "--sample", "--format", "json", "-o", str(target))
    assert code == 1
    assert out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["rulebook"]["id"] == "mini"


def test_export_json_contract() -> None:
    code, out, _ = run("export", str(MINI), "--format", "json")
    document = json.loads(out)
    assert code == 0
    assert document["schema_version"] == "2"
    assert document["rulebook"]["id"] == "mini"
    rule = document["rules"][0]
    assert {
        "id",
        "title",
        "measure",
        "unit",
        "requirement",
        "target",
        "source",
        "responsible",
    } <= set(rule)
    assert rule["title"] == {"zh": "食品安全抽检合格率", "en": "Food safety sampling pass rate"}
    assert rule["target"] == {"op": ">=", "value": "98.5"}
    assert rule["requirement"] == ">= 98.5"
    assert set(rule["source"]) == {
        "section",
        "quote",
        "indicator_source",
        "data_source",
        "inferred",
    }
    assert rule["responsible_open"] is False
    assert rule["alternatives"] == []


def test_list_and_show_in_both_languages() -> None:
    code, out, _ = run("list", str(MINI), "--lang", "zh")
    assert code == 0
    assert "pass-rate      食品安全抽检合格率" in out
    code, out, _ = run("show", str(MINI), "pass-rate")
    assert "quote        食品安全抽检合格率≥98.5" in out
    code, out, _ = run("list")
    assert "yantai-2023-2025" in out


def test_validate(mini_copy: Path) -> None:
    assert run("validate", str(mini_copy))[0] == 0
    (mini_copy / "rules.toml").write_text("[[rule]]\nid = 1\n", encoding="utf-8")
    code, out, _ = run("validate", str(mini_copy))
    assert code == 2
    assert "rules.toml, rule #1, key 'id': expected a string, got an integer 1" in out


def test_schema_path() -> None:
    code, out, _ = run("schema")
    assert code == 0
    assert out.count(".schema.json") == 4


def test_output_dash_is_standard_output_for_every_command() -> None:
    for argv in (("check", str(MINI), "--sample"), ("export", str(MINI)), ("lint", str(MINI))):
        assert run(*argv, "-o", "-") == run(*argv)
        assert not (Path.cwd() / "-").exists()


def test_check_by_responsible_body() -> None:
    code, out, _ = run("check", "yantai-2023-2025", "--sample", "--by-responsible")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["body", "name", "verdict"]
    market = next(line for line in lines if line.startswith("market-regulation "))
    assert "Municipal Administration for Market Regulation" in market
    # The indicator table names no body: its rules stand on a line of their own.
    assert any(line.startswith("—") and "no responsible body" in line for line in lines)
    code, zh, _ = run("check", "yantai-2023-2025", "--sample", "--by-responsible", "--lang", "zh")
    assert "责任主体" in zh.splitlines()[0]
    assert "市市场监管局" in zh
    code, out, _ = run(
        "check", "yantai-2023-2025", "--sample", "--by-responsible", "--format", "json"
    )
    document = json.loads(out)
    by_body = {entry["body"]: entry for entry in document["by_responsible"]}
    rulebook = qrules.load("yantai-2023-2025")
    owned = [r.id for r in rulebook.select(responsible="市市场监管局")]
    assert by_body["market-regulation"]["rules"] == owned
    assert by_body["market-regulation"]["level"] == "city-department"
    assert by_body["district-governments"]["level"] == "all-districts"
    assert by_body[None]["rules"] == [r.id for r in rulebook.select(tags=["indicator-table"])]
    for entry in document["by_responsible"]:
        assert entry["met"] + entry["not_met"] + entry["unknown"] >= len(entry["rules"])
    code, _, err = run(
        "check", "yantai-2023-2025", "--sample", "--by-responsible", "--format", "markdown"
    )
    assert code == 2
    assert "--by-responsible" in err


def test_check_selects_by_responsible_body() -> None:
    _code, out, _ = run(
        "check", "yantai-2023-2025", "--sample", "--responsible", "龙口市", "--format", "json"
    )
    ids = {result["id"] for result in json.loads(out)["results"]}
    assert ids == {
        "quality-strong-counties-column-1",
        "key-industry-chains-with-leading-platform",
        "chief-quality-officers-column-6",
        "nqi-enterprises-served-column-6",
    }


def test_report_data_carries_bodies() -> None:
    from qrules._html import report_data  # noqa: PLC0415

    rulebook = qrules.load("yantai-2023-2025")
    evaluation = rulebook.evaluate(
        qrules.read_dataset(Path(rulebook.path) / "samples" / "synthetic-2023-2025.csv", rulebook)
    )
    data = report_data(evaluation, "zh")
    assert {"id": "market-regulation", "name": "市市场监管局"} in data["bodies"]
    rules = {rule["id"]: rule for rule in data["rules"]}
    assert rules["national-industry-standards-made-or-revised"]["bodies"] == [
        "market-regulation",
        "science-technology",
    ]
    assert (
        rules["national-industry-standards-made-or-revised"]["responsible"]
        == "市市场监管局局、市科技局等"
    )
    assert rules["quality-strong-counties-table"]["interpretation"].startswith("“创建”是动作")


def test_a_body_sharing_no_chosen_rule_is_an_error() -> None:
    code, _, err = run("list", "yantai-2023-2025", "--responsible", "龙口市", "--tag", "column-7")
    assert code == 2
    assert "matches --rule, --tag, --section and --responsible together" in err
