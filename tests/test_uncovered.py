"""``uncovered-target``: a target the plan's text states that no rule encodes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import attrs
import pytest

import qrules
from qrules._lint import _Encoding, _match, _uncovered_targets, blocking, lint
from qrules._quotes import reads_beyond_quote, stated_targets, text_targets
from tests.conftest import ROOT, run

YANTAI = ROOT / "rules" / "yantai-2023-2025"
SHIPPED = qrules.load(YANTAI)


def _without(rule: qrules.Rule) -> qrules.Rulebook:
    return attrs.evolve(SHIPPED, rules=tuple(r for r in SHIPPED.rules if r is not rule))


def test_the_shipped_rulebook_encodes_every_target_or_says_why() -> None:
    found = [f for f in lint(SHIPPED) if f.code in ("uncovered-target", "duplicate-target")]
    assert found == []
    [ignored] = SHIPPED.ignored
    assert "26项定量指标" in ignored.quote
    assert ignored.reason


#: Rules that share their quote and number with siblings, each its own target
#: because the text gives the number to several things (均达到100%, 全部纳入,
#: 对A、B开展1次): removing one leaves that one thing's target uncovered.
SHARED = {
    "infant-formula-makers-system-inspected-yearly": "婴幼儿配方乳粉",
    "special-medical-food-makers-system-inspected-yearly": "特殊医学用途配方食品生产企业",
    "central-kitchens-in-internet-bright-kitchen": "中央厨房",
    "collective-meal-suppliers-in-internet-bright-kitchen": "集体用餐配送单位",
    "special-drug-retailers-inspection-coverage": "药品零售环节特殊药品经营企业监督检查覆盖率",
    "drug-retailers-and-users-grid-coverage": "药品零售企业和药品使用单位纳入网格化监管覆盖率",
    "drug-device-cosmetic-nonconforming-disposal-rate": "药品、医疗器械、化妆品抽检不合格处置率",
    "drug-violation-leads-investigation-rate": "涉药投诉举报违法线索和药品安全违法行为调查处置率",
    "nonconforming-food-disposal-rate": "不合格食品核查处置率",
    "large-catering-units-bright-kitchen-rate": "大型餐饮单位“明厨亮灶”率",
}

#: Rules whose quote states its target in words, not digits.
WORDED = {
    "smart-construction-site-full-coverage": "全覆盖",
    "china-quality-award-breakthrough": "零的突破",
    "smart-site-platform-project-coverage": "覆盖全市",
    "central-kitchens-in-internet-bright-kitchen": "全部纳入",
    "collective-meal-suppliers-in-internet-bright-kitchen": "全部纳入",
}


@pytest.mark.parametrize("rule", SHIPPED.rules, ids=lambda r: r.id)
def test_removing_a_rule_leaves_its_sentence_uncovered(rule: qrules.Rule) -> None:
    findings = list(_uncovered_targets(_without(rule)))
    quote = rule.source.quote
    [finding] = findings
    assert finding.code == "uncovered-target"
    assert finding.severity == "warning"
    assert finding.sentence is not None
    assert quote in finding.sentence or finding.sentence in quote
    assert finding.section
    # The message names the target the rule encoded (any the quote states, for a
    # rule that reads its quote whole), and the thing it is stated of.
    target = rule.target
    assert target is not None
    whole = reads_beyond_quote(rule)
    shown = [t.text for t in stated_targets(quote) if whole or t.value == target.value]
    shown += [WORDED[rule.id]] if rule.id in WORDED else []
    assert any(text in finding.message.en for text in shown), finding.message.en
    if rule.id in SHARED:
        assert f" ({SHARED[rule.id]}) in “" in finding.message.en
        assert f"({SHARED[rule.id]})" in finding.message.zh


def test_a_rule_that_encodes_another_rules_target_is_a_duplicate() -> None:
    rule = SHIPPED["new-provincial-service-brands"]
    copy = attrs.evolve(rule, id="new-provincial-service-brands-again")
    rulebook = attrs.evolve(SHIPPED, rules=(*SHIPPED.rules, copy))
    [finding] = [f for f in lint(rulebook) if f.code in ("uncovered-target", "duplicate-target")]
    assert (finding.code, finding.severity) == ("duplicate-target", "info")
    assert finding.rules == ("new-provincial-service-brands-again", "new-provincial-service-brands")
    assert finding.message.en.startswith(
        "二、主要行动 / (二)开展质量提档升级行动,打造质量强省先行样板 / 专栏4 服务质量跃升工程: "
        "the target 10 in “到2025年,"
    )
    assert (
        "is encoded by new-provincial-service-brands, and again by "
        "new-provincial-service-brands-again: removing either rule leaves it encoded"
        in finding.message.en
    )
    assert "再次编码同一目标" in finding.message.zh
    assert not blocking([finding])
    # Removing either one is no loss of a target: the other still encodes it.
    for kept in (copy, rule):
        rules = tuple(r for r in rulebook.rules if r is not kept)
        assert list(_uncovered_targets(attrs.evolve(rulebook, rules=rules))) == []


def test_each_thing_a_shared_number_is_given_to_is_a_target() -> None:
    found = text_targets(
        "药品零售环节特殊药品经营企业监督检查覆盖率、药品零售企业和药品使用单位"
        "纳入网格化监管覆盖率,药品、医疗器械、化妆品抽检不合格处置率,涉药投诉"
        "举报违法线索和药品安全违法行为调查处置率均达到100%"
    )
    assert [t.subjects for t in found] == [
        tuple(v for k, v in SHARED.items() if k.startswith(("special-drug", "drug-")))
    ]
    assert text_targets("到2025年,食品评价性抽检合格率稳定在98%以上,A率、B率均达 100%")[
        -1
    ].subjects == ("A率", "B率")
    # A total stated of a list is one target (制修订国家标准、行业标准120项), and
    # 年均 is an average, not "each".
    assert [t.subjects for t in text_targets("到2025年,制修订国家标准、行业标准120项")] == [()]
    assert [t.subjects for t in text_targets("到2025年,烟台NQI综合服务平台年均服务企业2500家")] == [
        ()
    ]
    assert [t.subjects for t in text_targets("每年对甲企业、乙企业开展1 次检查")] == [
        ("甲企业", "乙企业")
    ]


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
    assert finding["sentence"] == (
        "到2025年,建设市级服务业标准化试点项目30个,"
        "省级以上服务业标准化试点项目15个,新增省级服务品牌10个"
    )
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
    plan.write_text(
        text.replace(anchor, anchor + ",培育服务业标杆企业15家以上", 1), encoding="utf-8"
    )
    found = [f for f in lint(qrules.load(folder)) if f.code == "uncovered-target"]
    assert [f.message.en.split(" in ")[0].split(": ")[-1] for f in found] == ["the target 15家以上"]


def test_an_ignore_entry_explains_a_finding_away_and_must_quote_the_plan(tmp_path: Path) -> None:
    folder = tmp_path / "yantai"
    shutil.copytree(YANTAI, folder)
    plan = folder / "plan.toml"
    text = plan.read_text(encoding="utf-8")
    start = text.index("[[ignore]]")
    plan.write_text(text[:start], encoding="utf-8")
    [finding] = [f for f in lint(qrules.load(folder)) if f.code == "uncovered-target"]
    assert "26项定量指标" in (finding.sentence or "")
    plan.write_text(
        text.replace("并列出包含26项定量指标", "并列出包含27项定量指标"), encoding="utf-8"
    )
    with pytest.raises(qrules.RulebookError, match=r"ignore\[0\]\.quote.*not in the plan"):
        qrules.load(folder)
    plan.write_text(
        text.replace('reason = "The drafting note', 'why = "The drafting note'), encoding="utf-8"
    )
    with pytest.raises(qrules.RulebookError, match=r"ignore\[0\]\.reason.*missing"):
        qrules.load(folder)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("到2025年,建设市级服务业标准化试点项目30个", ["30"]),  # a dated paragraph
        ("每年重点培育2个示范企业", ["2"]),  # a yearly commitment
        ("培育“泰山品质”认证企业数量达到13家以上", ["达到13家以上"]),
        ("聚焦“9+N”产业集群", []),  # a name
        ("2.发展目标。", []),  # a heading's number
        ("(烟工信〔2021〕108 号)", []),  # a document number
        ("开展“质量月”活动3次", []),  # no word of commitment
        ("智慧工地全覆盖", ["全覆盖"]),  # a target in words
        ("力争实现中国质量奖零的突破", ["零的突破"]),
        ("健全覆盖质量、标准的制度", []),  # 健全, not 全覆盖
    ],
)
def test_what_the_text_states_as_targets(text: str, expected: list[str]) -> None:
    assert [t.target.text for t in text_targets(text)] == expected


def test_rules_are_paired_with_targets_as_many_as_can_be() -> None:
    # The first rule's likeliest target is the only one the second can take:
    # an augmenting path moves the first to its other target.
    rule = SHIPPED.rules[0]
    encodings = [
        _Encoding(rule, (0, 1)),
        _Encoding(rule, (0,)),
        _Encoding(rule, (1, 2)),
        _Encoding(rule, (0, 1)),
    ]
    owner = _match(encodings)
    assert sorted(owner) == [0, 1, 2]
    assert owner[0] == 1
    assert {owner[1], owner[2]} == {0, 2}
    # A long chain is no recursion: each encoding can take its own slot or the next.
    chain = [_Encoding(rule, (i, i + 1)) for i in range(5000)] + [_Encoding(rule, (0,))]
    assert len(_match(chain)) == 5001
