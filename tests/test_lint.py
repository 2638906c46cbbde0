"""``qrules lint``: the plan's own inconsistencies, and nothing else."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest

import qrules
from qrules import Finding, Text, lint

from .conftest import MINI, run

# ---------------------------------------------------------------- helpers

EXTRA_MEASURES = """
[measure.score]
name = { zh = "综合评价", en = "Overall score" }
unit = "score"

[measure.bases]
name = { zh = "创新基地", en = "Innovation bases" }
unit = "count"

[measure.national_bases]
name = { zh = "国家级创新基地", en = "National innovation bases" }
unit = "count"

[measure.provincial_bases]
name = { zh = "省级创新中心", en = "Provincial innovation centres" }
unit = "count"
"""


def rule(
    rule_id: str,
    measure: str,
    requirement: str,
    *,
    aggregation: str = "cumulative",
    due: str | None = "2025-12-31",
    period: tuple[str, str] | None = None,
    section: str = "三",
    related: tuple[str, ...] = (),
    strength: str | None = None,
) -> str:
    lines = [
        "[[rule]]",
        f'id = "{rule_id}"',
        f'title = {{ zh = "{rule_id}", en = "{rule_id}" }}',
        f'measure = "{measure}"',
        f'aggregation = "{aggregation}"',
        f"requirement = {json.dumps(requirement)}",
        'responsible = ["市市场监管局"]',
        # The quote is one for every rule here: each says it reads its own target.
        f"interpretation = {{ zh = {json.dumps('读作 ' + requirement)}, "
        f"en = {json.dumps('reads ' + requirement)} }}",
    ]
    if due is not None and aggregation != "every_year":
        lines.append(f"due = {due}")
    if period is not None:
        lines.append(f"period = {{ start = {period[0]}, end = {period[1]} }}")
    if related:
        lines.append(f"related = {json.dumps(list(related))}")
    if strength is not None:
        lines.append(f'strength = "{strength}"')
    lines += ["[rule.source]", f'section = "{section}"', 'quote = "新增标准100项"', ""]
    return "\n".join(lines)


def build(folder: Path, *rules: str, formulas: dict[str, str] | None = None) -> qrules.Rulebook:
    """The mini rulebook with extra measures and the given rules in extra.toml."""
    measures = EXTRA_MEASURES
    for measure, formula in (formulas or {}).items():
        header = f"[measure.{measure}]\n"
        assert header in measures, measure
        measures = measures.replace(header, f"{header}formula = {json.dumps(formula)}\n")
    with (folder / "measures.toml").open("a", encoding="utf-8") as f:
        f.write(measures)
    (folder / "extra.toml").write_text("\n".join(rules), encoding="utf-8")
    # The rules here share one quote on purpose, each reading its own target; the
    # plan's text is left out, so that what the text states (and which rule
    # encodes it: uncovered-target, duplicate-target) is test_uncovered's.
    return attrs.evolve(qrules.load(folder), text="")


def summary(findings: tuple[Finding, ...]) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(f.code, f.severity, f.rules) for f in findings]


# ---------------------------------------------------------------- the shipped rulebook

YANTAI_FINDINGS = [
    (
        "disagreeing-targets",
        "warning",
        (
            "provincial-high-end-brand-enterprises-table",
            "provincial-high-end-brand-enterprises-brands-paragraph",
        ),
    ),
    (
        "disagreeing-targets",
        "warning",
        (
            "taishan-quality-certified-enterprises-table",
            "taishan-quality-certified-enterprises-brands-paragraph",
        ),
    ),
    (
        "different-timing",
        "warning",
        (
            "agricultural-product-monitoring-pass-rate-table",
            "agricultural-product-monitoring-pass-rate-column-7",
        ),
    ),
    (
        "component-targets",
        "info",
        (
            "new-national-industry-local-standards",
            "national-industry-standards-made-or-revised",
            "local-standards-made-or-revised",
        ),
    ),
    (
        "component-targets",
        "info",
        (
            "technical-standard-innovation-bases",
            "national-technical-standard-innovation-base",
            "provincial-technical-standard-innovation-centres",
        ),
    ),
]


def _disagreements(yantai: qrules.Rulebook) -> tuple[Finding, ...]:
    """The findings about statements, without the readings the rulebook records."""
    return tuple(f for f in lint(yantai) if f.code != "alternative-reading")


def test_yantai_findings_are_the_plans_own_and_nothing_else(yantai: qrules.Rulebook) -> None:
    assert summary(_disagreements(yantai)) == YANTAI_FINDINGS


def test_yantai_alternative_readings_are_reported(yantai: qrules.Rulebook) -> None:
    readings = [f for f in lint(yantai) if f.code == "alternative-reading"]
    assert {f.severity for f in readings} == {"info"}
    assert [f.rules for f in readings] == [(rule.id,) for rule in yantai for _ in rule.alternatives]
    assert len(readings) == 34
    (zones,) = [
        f for f in readings if f.rules == ("new-two-industries-integration-demonstration-zones",)
    ]
    assert "stricter reading" in zones.message.en
    assert "省级以上" in zones.message.en
    assert "较严的读法" in zones.message.zh
    assert "任何级别" in zones.message.zh


def test_an_untranslated_interpretation_is_reported(mini_copy: Path) -> None:
    rules = mini_copy / "rules.toml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(
        text.replace("tags =", 'interpretation = "Read as the 2025 rate."\ntags =', 1),
        encoding="utf-8",
    )
    rulebook = qrules.load(mini_copy)
    found = [f for f in lint(rulebook) if f.code == "untranslated-interpretation"]
    assert [f.severity for f in found] == ["info"]
    assert "interpretation = { zh" in found[0].message.en
    assert "纯字符串" in found[0].message.zh
    rule = rulebook.rules[0]
    assert rule.interpretation == qrules.Text("Read as the 2025 rate.", "Read as the 2025 rate.")


def test_yantai_messages(yantai: qrules.Rulebook) -> None:
    brands, taishan, _timing, standards, bases = _disagreements(yantai)
    assert taishan.message.en == (
        "“Taishan Quality” certified enterprises: ≥3 (一、(二) 质量强市建设主要指标 / 质量生态)"
        " vs ≥13 (二、(三) 专栏5后段): read as minimums, ≥13 binds."
    )
    assert taishan.message.zh == (
        "“泰山品质”认证企业:≥3(一、(二) 质量强市建设主要指标 / 质量生态) 对 "
        "≥13(二、(三) 专栏5后段);均按下限理解时,≥13 起约束作用。"
    )
    assert "≥100 (一、(二) 质量强市建设主要指标 / 质量品牌) vs ≥50" in brands.message.en
    assert brands.message.en.endswith("read as minimums, ≥100 binds.")
    assert "give 1 + 4 = 5, which implies ≥5: consistent." in bases.message.en
    assert "给出 1 + 4 = 5,即 ≥5:一致。" in bases.message.zh
    # The table's 新增 standards ≥100 are a part of 专栏6's 制修订 120 + 50.
    assert standards.message.en.startswith(
        "New national, industry and local standards ≥100 (一、(二) 质量强市建设主要指标 / "
        "质量生态) is a part of national, industry and local standards made or revised"
    )
    assert (
        "the components' targets ≥120 and ≥50 (二、(四) 专栏6 / 创新标准供给) give "
        "120 + 50 = 170, which implies ≥170 for the whole, more than the part's target "
        "≥100 asks of it: consistent; the part's target is the lower one"
    ) in standards.message.en
    assert "给出 120 + 50 = 170,即整体 ≥170" in standards.message.zh


def test_statements_made_twice_with_one_target_are_silent(yantai: qrules.Rulebook) -> None:
    flagged = {rule_id for finding in _disagreements(yantai) for rule_id in finding.rules}
    for pair in [
        ("chief-quality-officers-table", "chief-quality-officers-column-6"),
        ("governor-quality-awards-table", "governor-quality-awards-brands-paragraph"),
        ("nqi-enterprises-served-table", "nqi-enterprises-served-column-6"),
    ]:
        assert yantai[pair[0]].measure == yantai[pair[1]].measure
        assert not flagged & set(pair)


def test_lint_is_deterministic(yantai: qrules.Rulebook) -> None:
    assert lint(yantai) == lint(qrules.load("yantai-2023-2025"))


def test_mini_has_no_findings(mini: qrules.Rulebook) -> None:
    assert lint(mini) == ()


# ---------------------------------------------------------------- disagreeing-targets


def test_same_target_twice_is_silent(mini_copy: Path) -> None:
    rulebook = build(mini_copy, rule("firms-again", "firms", ">= 300", section="二"))
    assert lint(rulebook) == ()


def test_different_numbers_disagree_and_the_larger_binds(mini_copy: Path) -> None:
    rulebook = build(mini_copy, rule("firms-again", "firms", ">= 350", section="二"))
    (finding,) = lint(rulebook)
    assert summary((finding,)) == [("disagreeing-targets", "warning", ("firms", "firms-again"))]
    assert finding.message.en == (
        "Firms with advanced quality management: ≥300 (一) vs ≥350 (二): "
        "read as minimums, ≥350 binds."
    )
    assert finding.message.zh.endswith("均按下限理解时,≥350 起约束作用。")


def test_strict_and_non_strict_with_one_number_disagree(mini_copy: Path) -> None:
    rulebook = build(
        mini_copy,
        rule("score-a", "score", ">= 90", aggregation="level", section="甲"),
        rule("score-b", "score", "> 90", aggregation="level", section="乙"),
    )
    (finding,) = lint(rulebook)
    assert finding.code == "disagreeing-targets"
    assert finding.rules == ("score-a", "score-b")
    assert finding.message.en.endswith("≥90 (甲) vs >90 (乙): read as minimums, >90 binds.")


def test_whole_numbers_make_strict_and_non_strict_equivalent(mini_copy: Path) -> None:
    # For a count, > 299 and >= 300 admit exactly the same values.
    rulebook = build(mini_copy, rule("firms-again", "firms", "> 299"))
    assert lint(rulebook) == ()


def test_upper_bounds_read_as_maximums(mini_copy: Path) -> None:
    rulebook = build(
        mini_copy,
        rule("score-a", "score", "<= 10", aggregation="level", section="甲"),
        rule("score-b", "score", "< 5", aggregation="level", section="乙"),
    )
    (finding,) = lint(rulebook)
    assert finding.code == "disagreeing-targets"
    assert finding.message.en.endswith("≤10 (甲) vs <5 (乙): read as maximums, <5 binds.")
    assert "均按上限理解时,<5 起约束作用" in finding.message.zh


def test_three_statements_two_alike(mini_copy: Path) -> None:
    rulebook = build(
        mini_copy,
        rule("firms-b", "firms", ">= 500", section="二"),
        rule("firms-c", "firms", ">= 500", section="三", strength="aspirational"),
    )
    (finding,) = lint(rulebook)
    assert finding.rules == ("firms", "firms-b", "firms-c")
    assert finding.message.en == (
        "Firms with advanced quality management: ≥300 (一) vs ≥500 (aspirational; 二; 三): "
        "read as minimums, ≥500 binds."
    )


# ---------------------------------------------------------------- differing-requirements


def test_equivalent_compound_requirements_are_silent(mini_copy: Path) -> None:
    rulebook = build(
        mini_copy,
        rule("score-a", "score", "score >= 80 and score <= 90", aggregation="level"),
        rule("score-b", "score", "not (score < 80 or score > 90)", aggregation="level"),
        rule("score-c", "score", "80 <= score <= 90", aggregation="level"),
        rule("score-d", "score", "2 * score >= 160 and score - 90 <= 0", aggregation="level"),
    )
    assert lint(rulebook) == ()


def test_equivalent_on_whole_numbers_only(mini_copy: Path) -> None:
    # For a count, 299 < x < 1001 is 300 <= x <= 1000: one statement, which implies ≥300.
    rulebook = build(
        mini_copy,
        rule("firms-b", "firms", "firms > 299 and firms < 1001"),
        rule("firms-c", "firms", "firms >= 300 and firms <= 1000", section="四"),
    )
    (finding,) = lint(rulebook)
    assert summary((finding,)) == [
        ("differing-requirements", "warning", ("firms", "firms-b", "firms-c"))
    ]
    assert finding.message.en.endswith(
        "≥300 (一) vs firms > 299 and firms < 1001 (三; 四): "
        "firms > 299 and firms < 1001 implies the others and binds."
    )


def test_whole_number_gaps_are_equivalent(mini_copy: Path) -> None:
    # {0..5} ∪ {7..} is every count but 6, as is not (5.5 < x < 6.5); and
    # 2.5 < x ≤ 4.9 is {3, 4}.
    rulebook = build(
        mini_copy,
        rule("bases-a", "bases", "bases <= 5 or bases >= 7"),
        rule("bases-b", "bases", "not (bases > 5.5 and bases < 6.5)"),
        rule("national-a", "national_bases", "national_bases > 2.5 and national_bases <= 4.9"),
        rule("national-b", "national_bases", "national_bases == 3 or national_bases == 4"),
    )
    assert lint(rulebook) == ()


def test_equality_implies_a_lower_bound(mini_copy: Path) -> None:
    rulebook = build(mini_copy, rule("firms-exactly", "firms", "== 300", section="二"))
    (finding,) = lint(rulebook)
    assert summary((finding,)) == [
        ("differing-requirements", "warning", ("firms", "firms-exactly"))
    ]
    assert finding.message.en == (
        "Firms with advanced quality management: ≥300 (一) vs =300 (二): "
        "=300 implies the others and binds."
    )


def test_requirements_no_value_meets(mini_copy: Path) -> None:
    rulebook = build(mini_copy, rule("firms-at-most", "firms", "<= 100", section="二"))
    (finding,) = lint(rulebook)
    assert (finding.code, finding.severity) == ("conflicting-rules", "error")
    assert finding.message.en.endswith(
        "≥300 (一) vs ≤100 (二): no value meets them all; the rules cannot all be met."
    )
    assert finding.message.zh.endswith("没有任何数值能同时满足,这些规则不可能同时达成。")


def test_requirements_neither_implies(mini_copy: Path) -> None:
    rulebook = build(mini_copy, rule("firms-range", "firms", "firms >= 200 and firms <= 400"))
    (finding,) = lint(rulebook)
    assert finding.code == "differing-requirements"
    assert finding.message.en.endswith(
        "≥300 (一) vs firms >= 200 and firms <= 400 (三): none implies the others."
    )


def test_requirement_over_two_measures_is_undecided(mini_copy: Path) -> None:
    rulebook = build(mini_copy, rule("firms-vs-standards", "firms", "firms >= new_standards"))
    (finding,) = lint(rulebook)
    assert finding.code == "differing-requirements"
    assert finding.message.en.endswith("cannot decide whether one implies another.")


def test_identical_requirements_over_two_measures_are_silent(mini_copy: Path) -> None:
    rulebook = build(
        mini_copy,
        rule("bases-a", "bases", "bases >= national_bases"),
        rule("bases-b", "bases", "bases >= national_bases"),
    )
    assert lint(rulebook) == ()


# ---------------------------------------------------------------- different-timing


def test_same_measure_at_different_timing(mini_copy: Path) -> None:
    rulebook = build(
        mini_copy,
        rule(
            "standards-yearly",
            "new_standards",
            ">= 30",
            aggregation="every_year",
            due=None,
            section="四",
        ),
    )
    # Rules are in plan order: by where their quotes stand, then by file.
    (finding,) = lint(rulebook)
    assert summary((finding,)) == [
        ("different-timing", "warning", ("standards-yearly", "new-standards"))
    ]
    assert finding.message.en == (
        "New standards: every year 2023–2025 (四) vs new from 2023 to 2025-12-31 (二): "
        "the statements cannot be checked on the same figure without a reading of which "
        "timing is meant."
    )
    assert finding.message.zh.startswith(
        "新增标准:2023–2025 年每年(四) 对 2023 年至 2025-12-31 新增(二)"
    )


def test_different_due_dates_and_periods(mini_copy: Path) -> None:
    rulebook = build(
        mini_copy,
        rule("firms-2024", "firms", ">= 300", due="2024-12-31"),
        rule(
            "coverage-early",
            "coverage",
            ">= 20",
            aggregation="every_year",
            due=None,
            period=("2023-01-01", "2024-12-31"),
        ),
    )
    assert summary(lint(rulebook)) == [
        ("different-timing", "warning", ("firms", "firms-2024")),
        ("different-timing", "warning", ("coverage-early", "coverage")),
    ]


def test_targets_are_compared_only_at_one_timing(mini_copy: Path) -> None:
    rulebook = build(
        mini_copy,
        rule("firms-2024", "firms", ">= 100", due="2024-12-31"),
        rule("firms-2024-b", "firms", ">= 200", due="2024-12-31"),
    )
    assert summary(lint(rulebook)) == [
        ("disagreeing-targets", "warning", ("firms-2024", "firms-2024-b")),
        ("different-timing", "warning", ("firms", "firms-2024", "firms-2024-b")),
    ]


# ---------------------------------------------------------------- component-targets

BASES = {"bases": "national_bases + provincial_bases"}


def _bases(total: str, national: str, provincial: str, **timing: str) -> tuple[str, ...]:
    return (
        rule("bases", "bases", total, section="表"),
        rule("national", "national_bases", national, section="专栏", **timing),
        rule("provincial", "provincial_bases", provincial, section="专栏"),
    )


def test_components_that_add_up(mini_copy: Path) -> None:
    rulebook = build(mini_copy, *_bases(">= 5", ">= 1", ">= 4"), formulas=BASES)
    (finding,) = lint(rulebook)
    assert summary((finding,)) == [
        ("component-targets", "info", ("bases", "national", "provincial"))
    ]
    assert finding.message.en == (
        "Innovation bases ≥5 (表) is national_bases + provincial_bases; the components' "
        "targets ≥1 and ≥4 (专栏) give 1 + 4 = 5, which implies ≥5: consistent."
    )
    assert finding.message.zh == (
        "创新基地 ≥5(表) 为 national_bases + provincial_bases;各组成部分的目标 ≥1、≥4(专栏)"
        "给出 1 + 4 = 5,即 ≥5:一致。"
    )


def test_components_that_fall_short(mini_copy: Path) -> None:
    rulebook = build(mini_copy, *_bases(">= 5", ">= 1", ">= 3"), formulas=BASES)
    (finding,) = lint(rulebook)
    assert (finding.code, finding.severity) == ("component-targets", "warning")
    assert finding.message.en.endswith(
        "give 1 + 3 = 4, which implies only ≥4, short of ≥5: meeting every component "
        "target leaves the target unmet."
    )


def test_components_that_exceed(mini_copy: Path) -> None:
    rulebook = build(mini_copy, *_bases(">= 5", ">= 3", "== 4"), formulas=BASES)
    (finding,) = lint(rulebook)
    assert finding.severity == "info"
    assert finding.message.en.endswith(
        "give 3 + 4 = 7, which implies ≥7, more than the target ≥5 asks: consistent."
    )


def test_components_beyond_an_exact_target(mini_copy: Path) -> None:
    rulebook = build(mini_copy, *_bases("== 5", ">= 3", ">= 4"), formulas=BASES)
    (finding,) = lint(rulebook)
    assert finding.severity == "warning"
    assert finding.message.en.endswith(
        "which implies ≥7, beyond =5: meeting every component target makes the target impossible."
    )


def test_strict_component_bounds_on_counts(mini_copy: Path) -> None:
    # > 0 for a count is ≥ 1.
    rulebook = build(mini_copy, *_bases("> 4", "> 0", ">= 4"), formulas=BASES)
    (finding,) = lint(rulebook)
    assert finding.severity == "info"
    assert "give 1 + 4 = 5, which implies ≥5: consistent" in finding.message.en


# A part of a sum (at_most it), such as new standards among those made or revised.
NEW_BASES = """
[measure.new_bases]
name = { zh = "新增创新基地", en = "New innovation bases" }
unit = "count"
at_most = "bases"
"""


def _part(
    mini_copy: Path, part: str, national: str = ">= 120", provincial: str = ">= 50"
) -> tuple[Finding, ...]:
    with (mini_copy / "measures.toml").open("a", encoding="utf-8") as f:
        f.write(NEW_BASES)
    rulebook = build(
        mini_copy,
        rule("new", "new_bases", part, section="表"),
        *_bases(">= 1", national, provincial)[1:],
        formulas=BASES,
    )
    return tuple(f for f in lint(rulebook) if f.code == "component-targets")


def test_a_part_of_a_sum_whose_target_understates_it(mini_copy: Path) -> None:
    (finding,) = _part(mini_copy, ">= 100")
    assert summary((finding,)) == [("component-targets", "info", ("new", "national", "provincial"))]
    assert finding.message.en == (
        "New innovation bases ≥100 (表) is a part of innovation bases (national_bases + "
        "provincial_bases), at most the whole; the components' targets ≥120 and ≥50 (专栏) "
        "give 120 + 50 = 170, which implies ≥170 for the whole, more than the part's target "
        "≥100 asks of it: consistent; the part's target is the lower one (read as one count, "
        "it understates the whole), and meeting the components' targets does not meet it "
        "(the whole also counts what the part does not)."
    )
    assert finding.message.zh.startswith(
        "新增创新基地 ≥100(表) 是 创新基地(national_bases + provincial_bases)的一部分,"
        "不超过整体;各组成部分的目标 ≥120、≥50(专栏)给出 120 + 50 = 170,即整体 ≥170"
    )


def test_a_part_of_a_sum_whose_target_the_components_match(mini_copy: Path) -> None:
    (finding,) = _part(mini_copy, ">= 170")
    assert finding.severity == "info"
    assert (
        "which implies ≥170 for the whole, as much as the part's target ≥170 asks of "
        "it: consistent." in finding.message.en
    )


def test_a_part_of_a_sum_whose_target_the_components_fall_short_of(mini_copy: Path) -> None:
    (finding,) = _part(mini_copy, ">= 200")
    assert finding.severity == "warning"
    assert finding.message.en.endswith(
        "give 120 + 50 = 170, which implies only ≥170 for the whole, short of the ≥200 the "
        "part's target needs of it: the components' targets understate the whole."
    )
    assert "各组成部分的目标低估了整体" in finding.message.zh


def test_a_term_of_the_sum_is_not_a_part_of_it(mini_copy: Path) -> None:
    # national_bases at_most bases, but it is one of the sum's terms: the sum's
    # own check says all there is.
    with (mini_copy / "measures.toml").open("a", encoding="utf-8") as f:
        f.write(
            EXTRA_MEASURES.replace(
                "[measure.national_bases]\n", '[measure.national_bases]\nat_most = "bases"\n'
            ).replace(
                "[measure.bases]\n", f"[measure.bases]\nformula = {json.dumps(BASES['bases'])}\n"
            )
        )
    (mini_copy / "extra.toml").write_text(
        "\n".join(_bases(">= 5", ">= 1", ">= 4")), encoding="utf-8"
    )
    rulebook = attrs.evolve(qrules.load(mini_copy), text="")
    assert summary(tuple(f for f in lint(rulebook) if f.code == "component-targets")) == [
        ("component-targets", "info", ("bases", "national", "provincial"))
    ]


def test_weighted_sum(mini_copy: Path) -> None:
    rulebook = build(
        mini_copy,
        *_bases(">= 6", ">= 1", ">= 4"),
        formulas={"bases": "2 * national_bases + provincial_bases"},
    )
    (finding,) = lint(rulebook)
    assert finding.severity == "info"
    assert "give 2 * 1 + 4 = 6, which implies ≥6: consistent" in finding.message.en


def test_aspirational_component_is_marked(mini_copy: Path) -> None:
    rulebook = build(
        mini_copy,
        rule("bases", "bases", ">= 5", section="表"),
        rule("national", "national_bases", ">= 1", section="专栏", strength="aspirational"),
        rule("provincial", "provincial_bases", ">= 4", section="专栏"),
        formulas=BASES,
    )
    (finding,) = lint(rulebook)
    assert "targets ≥1 (aspirational) and ≥4 (专栏)" in finding.message.en


@pytest.mark.parametrize(
    ("rules", "formula"),
    [
        # A component without a target: nothing to say.
        (
            (rule("bases", "bases", ">= 5"), rule("national", "national_bases", ">= 1")),
            "national_bases + provincial_bases",
        ),
        # A component stated over another time.
        (_bases(">= 5", ">= 1", ">= 4", due="2024-12-31"), "national_bases + provincial_bases"),
        # A difference, not a sum with non-negative coefficients.
        (_bases(">= 5", ">= 9", ">= 4"), "national_bases - provincial_bases"),
        # A ratio.
        (_bases(">= 5", ">= 1", ">= 4"), "100 * national_bases / provincial_bases"),
        # An upper bound on the aggregate.
        (_bases("<= 5", ">= 1", ">= 4"), "national_bases + provincial_bases"),
    ],
    ids=["unconstrained-component", "other-timing", "difference", "ratio", "upper-bound"],
)
def test_component_targets_silent(mini_copy: Path, rules: tuple[str, ...], formula: str) -> None:
    rulebook = build(mini_copy, *rules, formulas={"bases": formula})
    assert [f for f in lint(rulebook) if f.code == "component-targets"] == []


def test_strictest_of_a_components_targets_is_used(mini_copy: Path) -> None:
    rulebook = build(
        mini_copy,
        *_bases(">= 5", ">= 1", ">= 3"),
        rule("provincial-b", "provincial_bases", ">= 4", section="另"),
        formulas=BASES,
    )
    found = {f.code: f for f in lint(rulebook)}
    assert found["component-targets"].rules == ("bases", "national", "provincial-b")
    assert found["component-targets"].severity == "info"
    assert found["disagreeing-targets"].rules == ("provincial", "provincial-b")


# ---------------------------------------------------------------- unreciprocated-link


def test_one_way_link(mini_copy: Path) -> None:
    rulebook = build(
        mini_copy, rule("score-a", "score", ">= 1", aggregation="level", related=("firms",))
    )
    (finding,) = lint(rulebook)
    assert summary((finding,)) == [("unreciprocated-link", "warning", ("score-a", "firms"))]
    assert finding.message.en == (
        "score-a lists firms as related, but firms does not list score-a: "
        "link both ways, or remove the link."
    )


def test_mutual_links_are_silent(mini_copy: Path) -> None:
    rulebook = build(
        mini_copy,
        rule("score-a", "score", ">= 1", aggregation="level", related=("score-b",)),
        rule("score-b", "bases", ">= 1", related=("score-a",)),
    )
    assert lint(rulebook) == ()


# ---------------------------------------------------------------- the Finding type


def test_finding_is_frozen_and_checks_severity() -> None:
    finding = Finding("unreciprocated-link", "warning", ("a", "b"), Text("甲", "a"))
    with pytest.raises(AttributeError):
        finding.code = "x"  # type: ignore[misc]
    with pytest.raises(ValueError, match="severity"):
        Finding("x", "fatal", (), Text("", ""))  # type: ignore[arg-type]
    assert finding.as_dict("zh") == {
        "code": "unreciprocated-link",
        "severity": "warning",
        "rules": ["a", "b"],
        "message": "甲",
    }


def test_findings_sort_by_severity_then_code(mini_copy: Path) -> None:
    rulebook = build(
        mini_copy,
        *_bases(">= 5", ">= 1", ">= 4"),
        rule("firms-again", "firms", ">= 400", section="二"),
        rule("score-a", "score", ">= 1", aggregation="level", related=("firms",)),
        formulas=BASES,
    )
    assert [(f.severity, f.code) for f in lint(rulebook)] == [
        ("warning", "disagreeing-targets"),
        ("warning", "unreciprocated-link"),
        ("info", "component-targets"),
    ]


# ---------------------------------------------------------------- the command


def test_cli_json(yantai: qrules.Rulebook) -> None:
    code, out, err = run("lint", "yantai-2023-2025", "--format", "json")
    assert (code, err) == (1, "")
    document = json.loads(out)
    assert set(document) == {"schema_version", "rulebook", "findings"}
    assert document["schema_version"] == "1"
    assert document["rulebook"] == {
        "id": "yantai-2023-2025",
        "version": yantai.version,
        "origin": None,
        "fingerprint": yantai.fingerprint,
    }
    for finding in document["findings"]:
        assert set(finding) == {"code", "severity", "rules", "message"}
        assert isinstance(finding["message"], str)
    assert [
        (f["code"], f["severity"], tuple(f["rules"]))
        for f in document["findings"]
        if f["code"] != "alternative-reading"
    ] == YANTAI_FINDINGS
    assert "泰山" not in document["findings"][1]["message"]  # English by default
    assert "≥13 binds" in document["findings"][1]["message"]


def test_cli_json_in_chinese_keeps_characters() -> None:
    code, out, _ = run("lint", "yantai-2023-2025", "--format", "json", "--lang", "zh")
    assert code == 1
    assert "均按下限理解时,≥13 起约束作用" in out  # not \\u escapes


def test_cli_text(yantai: qrules.Rulebook) -> None:
    code, out, _ = run("lint", "yantai-2023-2025")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == (
        f"rulebook yantai-2023-2025 {yantai.version} (fingerprint "
        f"{yantai.fingerprint[:12]}): 39 findings, 0 errors, 3 warnings, 36 info"
    )
    assert " 1. warning  disagreeing-targets" in lines
    assert " 4. info  component-targets" in lines
    assert (
        "    rules: taishan-quality-certified-enterprises-table, "
        "taishan-quality-certified-enterprises-brands-paragraph"
    ) in lines
    code, out, _ = run("lint", "yantai-2023-2025", "--lang", "zh")
    assert " 1. 警告  disagreeing-targets" in out.splitlines()
    assert "发现 39 项,错误 0,警告 3,提示 36" in out


def test_cli_exits_0_without_warnings(mini_copy: Path) -> None:
    assert run("lint", str(MINI))[0] == 0
    build(mini_copy, *_bases(">= 5", ">= 1", ">= 4"), formulas=BASES)
    code, out, _ = run("lint", str(mini_copy), "--format", "json")
    assert code == 0  # infos alone do not fail
    findings = json.loads(out)["findings"]
    assert {f["severity"] for f in findings} == {"info"}
    # (the fixture's rules share one quote: beside the sum, duplicate-target infos)
    assert [f["code"] for f in findings if f["code"] != "duplicate-target"] == ["component-targets"]


def test_cli_output_file(tmp_path: Path) -> None:
    target = tmp_path / "lint.json"
    code, out, _ = run("lint", "yantai-2023-2025", "--format", "json", "-o", str(target))
    assert (code, out) == (1, "")
    assert len(json.loads(target.read_text(encoding="utf-8"))["findings"]) == 39


@pytest.mark.parametrize(
    "argv",
    [("lint", "no-such-rulebook"), ("lint", str(MINI), "--format", "yaml")],
    ids=["unknown-rulebook", "bad-format"],
)
def test_cli_bad_input_exits_2(argv: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    assert run(*argv)[0] == 2


def test_cli_rulebook_with_problems_exits_2(mini_copy: Path) -> None:
    (mini_copy / "extra.toml").write_text(rule("bad", "nope", ">= 1"), encoding="utf-8")
    code, _, err = run("lint", str(mini_copy))
    assert code == 2
    assert "nope" in err
