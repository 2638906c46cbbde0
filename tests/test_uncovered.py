"""``uncovered-target``: a target the plan's text states that no rule encodes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import attrs
import pytest

import qrules
from qrules._lint import _uncovered_targets, lint
from qrules._quotes import encoded_targets, reads_beyond_quote, stated_targets, text_targets
from tests.conftest import ROOT, run

YANTAI = ROOT / "rules" / "yantai-2023-2025"
SHIPPED = qrules.load(YANTAI)


def _without(rule: qrules.Rule) -> qrules.Rulebook:
    return attrs.evolve(SHIPPED, rules=tuple(r for r in SHIPPED.rules if r is not rule))


def _shares_its_target(rule: qrules.Rule) -> bool:
    """Another rule quotes the same words and encodes the same numbers there (or
    reads them whole): removing one leaves the sentence encoded."""
    mine = list(encoded_targets(rule))
    for other in SHIPPED.rules:
        if other is rule:
            continue
        for quote, values, whole in encoded_targets(other):
            if any(q == quote and (whole or values & v or (w and whole))
                   for q, v, w in mine):
                return True
    return False


def _states_a_target(rule: qrules.Rule) -> bool:
    start = SHIPPED.text.find(rule.source.quote)
    end = start + len(rule.source.quote)
    return any(start <= t.start and t.end <= end for t in text_targets(SHIPPED.text))


#: The rules whose removal lint cannot see, each for the reason its test states.
UNSEEN = {r.id for r in SHIPPED.rules if _shares_its_target(r) or not _states_a_target(r)}


def test_the_shipped_rulebook_encodes_every_target_or_says_why() -> None:
    assert [f for f in lint(SHIPPED) if f.code == "uncovered-target"] == []
    [ignored] = SHIPPED.ignored
    assert "26项定量指标" in ignored.quote
    assert ignored.reason


def test_the_rules_lint_cannot_miss_are_few_and_for_a_stated_reason() -> None:
    # 10 rules share their quote and number with a sibling (婴幼儿配方乳粉 and
    # 特殊医学用途配方食品 makers, one sentence; four drug rates "均达到100%"...);
    # 3 quote sentences that state no number (智慧工地全覆盖, 零的突破, 建成…平台).
    assert len(UNSEEN) == 13
    shared = {r.id for r in SHIPPED.rules if _shares_its_target(r)}
    assert "special-drug-retailers-inspection-coverage" in shared
    assert {"smart-construction-site-full-coverage", "china-quality-award-breakthrough",
            "smart-site-platform-project-coverage"} == UNSEEN - shared


@pytest.mark.parametrize("rule", [r for r in SHIPPED.rules if r.id not in UNSEEN],
                         ids=lambda r: r.id)
def test_removing_a_rule_leaves_its_sentence_uncovered(rule: qrules.Rule) -> None:
    findings = list(_uncovered_targets(_without(rule)))
    quote = rule.source.quote
    [finding] = [f for f in findings if f.sentence and (quote in f.sentence
                                                          or f.sentence in quote)]
    assert finding.code == "uncovered-target"
    assert finding.severity == "warning"
    assert finding.section
    # The message names the target the rule encoded (any the quote states, for a
    # rule that reads its quote whole).
    target = rule.target
    assert target is not None
    whole = reads_beyond_quote(rule)
    shown = [t.text for t in stated_targets(quote) if whole or t.value == target.value]
    assert any(text in finding.message.en for text in shown), finding.message.en


def test_lint_reports_the_sentence_with_its_section(tmp_path: Path) -> None:
    folder = tmp_path / "yantai"
    shutil.copytree(YANTAI, folder)
    rules = folder / "column-4.toml"
    text = rules.read_text(encoding="utf-8")
    start = text.index('[[rule]]\nid = "new-provincial-service-brands"')
    end = text.index("[[rule]]", start + 1)
    rules.write_text(text[:start] + text[end:], encoding="utf-8")
    code, out, _ = run("lint", str(folder), "--format", "json")
    assert code == 1
    [finding] = [f for f in json.loads(out)["findings"] if f["code"] == "uncovered-target"]
    assert finding["rules"] == []
    assert finding["sentence"] == ("到2025年,建设市级服务业标准化试点项目30个,"
                                   "省级以上服务业标准化试点项目15个,新增省级服务品牌10个")
    assert finding["section"].endswith("专栏4 服务质量跃升工程")
    assert "the target 10 in “到2025年" in finding["message"]
    code, out, _ = run("lint", str(folder), "--lang", "zh")
    assert "中的目标 10 没有规则编码" in out


def test_a_revision_that_adds_a_target_is_caught(tmp_path: Path) -> None:
    folder = tmp_path / "yantai"
    shutil.copytree(YANTAI, folder)
    plan = folder / "plan.txt"
    text = plan.read_text(encoding="utf-8")
    anchor = "新增省级服务品牌10个"
    plan.write_text(text.replace(anchor, anchor + ",培育服务业标杆企业15家以上", 1),
                    encoding="utf-8")
    found = [f for f in lint(qrules.load(folder)) if f.code == "uncovered-target"]
    assert [f.message.en.split(" in ")[0].split(": ")[-1] for f in found] == [
        "the target 15家以上"]


def test_an_ignore_entry_explains_a_finding_away_and_must_quote_the_plan(
        tmp_path: Path) -> None:
    folder = tmp_path / "yantai"
    shutil.copytree(YANTAI, folder)
    plan = folder / "plan.toml"
    text = plan.read_text(encoding="utf-8")
    start = text.index("[[ignore]]")
    plan.write_text(text[:start], encoding="utf-8")
    [finding] = [f for f in lint(qrules.load(folder)) if f.code == "uncovered-target"]
    assert "26项定量指标" in (finding.sentence or "")
    plan.write_text(text.replace("并列出包含26项定量指标", "并列出包含27项定量指标"),
                    encoding="utf-8")
    with pytest.raises(qrules.RulebookError, match=r"ignore\[0\]\.quote.*not in the plan"):
        qrules.load(folder)
    plan.write_text(text.replace('reason = "The drafting note', 'why = "The drafting note'),
                    encoding="utf-8")
    with pytest.raises(qrules.RulebookError, match=r"ignore\[0\]\.reason.*missing"):
        qrules.load(folder)


@pytest.mark.parametrize(("text", "expected"), [
    ("到2025年,建设市级服务业标准化试点项目30个", ["30"]),   # a dated paragraph
    ("每年重点培育2个示范企业", ["2"]),                        # a yearly commitment
    ("培育“泰山品质”认证企业数量达到13家以上", ["达到13家以上"]),
    ("聚焦“9+N”产业集群", []),                                 # a name
    ("2.发展目标。", []),                                       # a heading's number
    ("(烟工信〔2021〕108 号)", []),                           # a document number
    ("开展“质量月”活动3次", []),                               # no word of commitment
])
def test_what_the_text_states_as_targets(text: str, expected: list[str]) -> None:
    assert [t.target.text for t in text_targets(text)] == expected
