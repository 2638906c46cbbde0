"""A rule's requirement must be a target its quote writes (or say why not)."""

from __future__ import annotations

import json
import re
import shutil
from fractions import Fraction
from pathlib import Path

import pytest

import qrules
from qrules._expr import format_number
from qrules._quotes import quote_mismatches, reads_beyond_quote, stated_targets
from tests.conftest import ROOT, run

YANTAI = ROOT / "rules" / "yantai-2023-2025"
SHIPPED = qrules.load(YANTAI)


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ("食品安全抽检合格率(%)\n\n≥98.5", [("98.5", ">=")]),
        ("到2025年,全市建筑垃圾资源化利用率达到70%以上", [("70", ">=")]),
        ("保健食品生产企业体系检查每年不少于20%", [("20", ">=")]),
        ("新增标准１００项", [("100", "")]),  # full-width digits
        ("服务企业1.2万家", [("12000", "")]),  # 万
        ("投资3亿元", [("300000000", "")]),  # 亿
        ("抽检不合格率不超过２％", [("2", "<=")]),
        ("处置时间5日以内", [("5", "<=")]),
        ("6月30日前完成", []),  # a date
        ("3年内", [("3", "")]),  # a span, not a year
        ("覆盖率保持在95%-98%之间", [("95", ">="), ("98", "<=")]),  # a range
        ("(2023-2025年)", []),  # years are not targets
        ("烟政办字〔2021〕45 号", []),
        ("培育“泰山品质”认证企业数量达到13家以上", [("13", ">=")]),
        ("超过5家", [("5", ">")]),
        ("5.5 批次/千人", [("5.5", "")]),
    ],
)
def test_what_a_quote_states(quote: str, expected: list[tuple[str, str]]) -> None:
    found = [(format_number(t.value), t.direction) for t in stated_targets(quote)]
    assert found == [(str(Fraction(v)) if "." not in v else v, d) for v, d in expected]


def test_the_shipped_rulebook_states_every_target_or_says_why() -> None:
    assert all(quote_mismatches(rule) == () for rule in SHIPPED)
    beyond = [rule.id for rule in SHIPPED if reads_beyond_quote(rule)]
    # Each of these reads a target the quote does not write (a 100 % share for
    # "每年…开展1 次检查", ≥ 1 for "零的突破") and says so in interpretation.
    assert len(beyond) == 12
    assert "china-quality-award-breakthrough" in beyond
    assert "food-safety-sampling-pass-rate" not in beyond


# -- editing each shipped rule's target away from its quote -------------------


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("quotes") / "yantai"
    shutil.copytree(YANTAI, folder)
    return folder


def _away(rule: qrules.Rule) -> Fraction:
    """A value near the rule's target that neither its quote nor its
    interpretation writes."""
    target = rule.target
    assert target is not None
    written = {t.value for t in stated_targets(rule.source.quote)}
    if rule.interpretation is not None:
        for text in (rule.interpretation.zh, rule.interpretation.en):
            written |= {t.value for t in stated_targets(text)}
    upper = rule.measure.unit.upper
    step = 1 if rule.measure.unit.integer else Fraction(7, 4)
    for k in range(1, 50):
        for value in (target.value + k * step, target.value - k * step):
            if value >= 0 and (upper is None or value <= upper) and value not in written:
                return value
    raise AssertionError(rule.id)


def _replace(copy: Path, rule: qrules.Rule, requirement: str) -> None:
    text = (YANTAI / rule.file).read_text(encoding="utf-8")
    start = text.index(f'id = "{rule.id}"\n')
    line = re.compile(r'^requirement = ".*"$', re.M).search(text, start)
    assert line is not None
    assert text.find("[[rule]]", start, line.start()) == -1, rule.id
    (copy / rule.file).write_text(
        text[: line.start()] + f"requirement = {json.dumps(requirement)}" + text[line.end() :],
        encoding="utf-8",
    )


def _only_problem(copy: Path, rule: qrules.Rule, requirement: str) -> str:
    """The one problem validating the copy finds with the rule's requirement
    replaced (the copy is restored after)."""
    try:
        _replace(copy, rule, requirement)
        [problem] = _problems(copy)
    finally:
        shutil.copy(YANTAI / rule.file, copy / rule.file)
    return problem


def _shown(op: str) -> str:
    return {">=": "≥", "<=": "≤", "==": "="}[op]


def _problems(folder: Path) -> list[str]:
    with pytest.raises(qrules.RulebookError) as raised:
        qrules.load(folder)
    return [str(p) for p in raised.value.problems]


@pytest.mark.parametrize("rule", SHIPPED.rules, ids=[r.id for r in SHIPPED.rules])
def test_a_target_edited_away_from_its_quote_fails_validation(
    copy: Path, rule: qrules.Rule
) -> None:
    target = rule.target
    assert target is not None
    value = format_number(_away(rule))
    requirement = f"{target.op} {value}"
    problem = _only_problem(copy, rule, requirement)
    assert f"rule {rule.id!r}" in problem
    assert f"'{requirement}'" in problem  # the requirement
    stated = stated_targets(rule.source.quote)
    if stated:  # the quote's number
        assert any(t.text in problem for t in stated), problem
    else:
        assert "the quote states no number" in problem
    assert f"naming {_shown(target.op)} {value} there" in problem  # and what to do


@pytest.mark.parametrize(
    "rule", [r for r in SHIPPED.rules if not reads_beyond_quote(r)], ids=lambda r: r.id
)
def test_a_target_read_the_other_way_fails_validation(copy: Path, rule: qrules.Rule) -> None:
    target = rule.target
    assert target is not None
    assert target.op in (">=", "==")
    requirement = f"{'<=' if target.op == '>=' else '<'} {format_number(target.value)}"
    problem = _only_problem(copy, rule, requirement)
    assert f"rule {rule.id!r}" in problem
    assert "reads the quote's number the other way" in problem


def test_validate_lists_the_rules_that_read_beyond_their_quote() -> None:
    code, out, _ = run("validate", str(YANTAI))
    assert code == 0
    assert "12 rules read a target the quote does not write" in out
    assert "china-quality-award-breakthrough: >= 1 ← 力争实现中国质量奖零的突破" in out
    code, out, _ = run("validate", str(YANTAI), "--lang", "zh")
    assert "12 条规则的目标不是原文写明的数字" in out


def test_validate_fails_on_an_edited_target(copy: Path) -> None:
    rule = SHIPPED["food-safety-sampling-pass-rate"]
    try:
        _replace(copy, rule, ">= 99")
        code, out, _ = run("validate", str(copy))
    finally:
        shutil.copy(YANTAI / rule.file, copy / rule.file)
    assert code == 2
    assert (
        "rule 'food-safety-sampling-pass-rate', key 'requirement': the requirement "
        "'>= 99' is not a target its quote writes: the quote states ≥98.5"
    ) in out


def test_an_interpretation_must_name_the_number_it_reads(mini_copy: Path) -> None:
    rules = mini_copy / "rules.toml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(
        text.replace(
            'requirement = ">= 98.5"', 'requirement = ">= 99"\ninterpretation = "read strictly"'
        ),
        encoding="utf-8",
    )
    [problem] = _problems(mini_copy)
    assert "naming ≥ 99 there" in problem
    rules.write_text(
        text.replace(
            'requirement = ">= 98.5"',
            'requirement = ">= 99"\ninterpretation = "read as 99, the office\'s own goal"',
        ),
        encoding="utf-8",
    )
    rule = qrules.load(mini_copy)["pass-rate"]
    assert reads_beyond_quote(rule)
    assert quote_mismatches(rule) == ()


def test_compound_requirements_and_dated_targets(mini_copy: Path) -> None:
    rules = mini_copy / "rules.toml"
    text = rules.read_text(encoding="utf-8")
    compound = 'requirement = "pass_rate >= 98.5 and pass_rate <= 100"'
    rules.write_text(text.replace('requirement = ">= 98.5"', compound), encoding="utf-8")
    [problem] = _problems(mini_copy)
    assert "(≤ 100)" in problem
    assert "the quote states ≥98.5" in problem
    rules.write_text(
        text.replace('requirement = ">= 98.5"', 'requirement = "== 98.5"'), encoding="utf-8"
    )
    [problem] = _problems(mini_copy)
    assert "reads the quote's number the other way" in problem
