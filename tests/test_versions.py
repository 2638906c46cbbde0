"""Versions of a plan: the worked revision's diff and changelog, and the version rule."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import qrules
from qrules._diff import Bump, Comparison, diff_rulebooks, required_version, version_follows

from .conftest import run
from .revisions import REVISIONS, apply_revision

DOCS = Path(__file__).parent.parent / "docs" / "versions.md"


@pytest.fixture(scope="module")
def revised(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return apply_revision("yantai-2024", tmp_path_factory.mktemp("revision"))


def test_diff_prints_exactly_the_expected_changes(
    revised: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The revised folder has the shipped rulebook's id: the diff names it by its path.
    monkeypatch.chdir(revised.parent)
    if not Path("yantai-2024").exists():
        Path("yantai-2024").symlink_to(revised.name)
    code, out, _ = run("diff", "yantai-2023-2025", "./yantai-2024")
    assert code == 1
    assert out == (REVISIONS / "yantai-2024.diff.txt").read_text(encoding="utf-8")


def test_changelog_is_exactly_the_expected_section(revised: Path) -> None:
    code, out, _ = run("changelog", "yantai-2023-2025", str(revised), "--date", "2024-07-01")
    assert code == 0
    assert out == (REVISIONS / "yantai-2024.changelog.md").read_text(encoding="utf-8")


def test_the_changelog_date_is_a_date(revised: Path) -> None:
    # Any text was printed as the release date: "## [2.1.0] - notadate".
    code, out, err = run("changelog", "yantai-2023-2025", str(revised), "--date", "notadate")
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "qrules changelog: error: argument --date: 'notadate' is not a date such as 2024-12-31",
        "run 'qrules changelog --help' for the usage",
    ]


def test_diff_and_changelog_in_chinese(revised: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(revised.parent)
    if not Path("yantai-2024").exists():
        Path("yantai-2024").symlink_to(revised.name)
    code, out, _ = run("diff", "yantai-2023-2025", "./yantai-2024", "--lang", "zh")
    assert code == 1
    assert out == (REVISIONS / "yantai-2024.diff.zh.txt").read_text(encoding="utf-8")
    code, out, _ = run(
        "changelog", "yantai-2023-2025", "./yantai-2024", "--date", "2024-07-01", "--lang", "zh"
    )
    assert code == 0
    assert out == (REVISIONS / "yantai-2024.changelog.zh.md").read_text(encoding="utf-8")
    code, out, _ = run(
        "diff", "yantai-2023-2025", "./yantai-2024", "--format", "markdown", "--lang", "zh"
    )
    assert "| 修改 | `food-safety-sampling-pass-rate` | 要求 >= 98.5 → >= 99:更严 |" in out
    assert "所需的版本升级:**主版本**。" in out
    # JSON keeps its codes: kinds, comparisons and bumps are the same in either language.
    english = json.loads(run("diff", "yantai-2023-2025", "./yantai-2024", "--format", "json")[1])
    chinese = run("diff", "yantai-2023-2025", "./yantai-2024", "--format", "json", "--lang", "zh")
    assert json.loads(chinese[1]) == english


def test_every_field_compared_has_a_name_in_both_languages(revised: Path) -> None:
    from qrules._diff import _fields  # noqa: PLC0415 (the fields a diff compares)
    from qrules._messages import MESSAGES  # noqa: PLC0415

    rulebook = qrules.load(revised)
    names = [*_fields(rulebook.rules[0]), "title", "status", "period", "supersedes"]
    for name in names:
        zh, en = MESSAGES[f"diff.field_{name}"]
        assert en == name  # the key in the rule files, as English output always wrote it
        assert zh != en


def test_an_undecided_note_follows_the_language(tmp_path: Path) -> None:
    from .bad_inputs import diff_clauses  # noqa: PLC0415

    old, new = diff_clauses(tmp_path, 24)
    for lang, note in (
        ("en", "49,152 cases to compare, over the budget of 64"),
        ("zh", "需比较 49,152 种情形,超出 64 种的预算"),
    ):
        _, out, _ = run("diff", str(old), str(new), "--format", "json", "--lang", lang)
        assert json.loads(out)["changes"][0]["note"] == note
        _, out, _ = run("diff", str(old), str(new), "--lang", lang)
        assert note in out


def test_docs_show_the_same_example() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    for name in (
        "yantai-2024.diff.txt",
        "yantai-2024.changelog.md",
        "yantai-2024.diff.zh.txt",
        "yantai-2024.changelog.zh.md",
    ):
        assert (REVISIONS / name).read_text(encoding="utf-8").strip() in docs


def test_each_kind_of_change_is_classified(revised: Path) -> None:
    diff = diff_rulebooks(qrules.load("yantai-2023-2025"), qrules.load(revised))
    kinds = {c.id: (c.kind, c.requirement, c.bump) for c in diff.changes}
    assert kinds == {
        "yantai-master-craftsmen": ("removed", None, Bump.MAJOR),
        "advanced-quality-management-adopters": ("changed", Comparison.STRICTER, Bump.MAJOR),
        "food-safety-sampling-pass-rate": ("changed", Comparison.STRICTER, Bump.MAJOR),
        "construction-works-sampling-pass-rate": ("changed", Comparison.LOOSER, Bump.MINOR),
        "construction-waste-recycling-rate": ("changed", None, Bump.PATCH),
        "provincial-or-higher-marine-ranches": ("changed", None, Bump.MAJOR),
        "quality-technical-service-institutions": ("added", None, Bump.MINOR),
    }
    assert diff.bump is Bump.MAJOR
    assert version_follows(diff)


def test_json_and_markdown(revised: Path) -> None:
    code, out, _ = run("diff", "yantai-2023-2025", str(revised), "--format", "json")
    document = json.loads(out)
    assert code == 1
    assert document["bump"] == "major"
    assert document["required_version"] == "3.0.0"
    assert document["version_follows"] is True
    assert {c["kind"] for c in document["changes"]} == {"added", "removed", "changed"}
    code, out, _ = run("diff", "yantai-2023-2025", str(revised), "--format", "markdown")
    assert (
        "| changed | `food-safety-sampling-pass-rate` | requirement >= 98.5 → >= 99: "
        "stricter |" in out
    )


def test_no_change_exits_0() -> None:
    assert run("diff", "yantai-2023-2025", "yantai-2023-2025")[:2] == (
        0,
        "yantai-2023-2025 2.0.0 → yantai-2023-2025 2.0.0: 0 rule changes, bump none\n",
    )


def test_a_rename_is_recognised(tmp_path: Path) -> None:
    folder = apply_revision("yantai-2024", tmp_path)
    rules = folder / "indicators.toml"
    rules.write_text(
        rules.read_text(encoding="utf-8").replace(
            'id = "manufacturing-product-quality-pass-rate"',
            'id = "manufactured-product-pass-rate"',
        ),
        encoding="utf-8",
    )
    diff = diff_rulebooks(qrules.load("yantai-2023-2025"), qrules.load(folder))
    [renamed] = diff.of_kind("renamed")
    assert renamed.old is not None
    assert (renamed.old.id, renamed.id) == (
        "manufacturing-product-quality-pass-rate",
        "manufactured-product-pass-rate",
    )


def test_a_version_too_small_is_flagged(tmp_path: Path) -> None:
    folder = apply_revision("yantai-2024", tmp_path)
    plan = folder / "plan.toml"
    plan.write_text(
        plan.read_text(encoding="utf-8").replace('version = "3.0.0"', 'version = "2.1.0"'),
        encoding="utf-8",
    )
    _, out, _ = run("diff", "yantai-2023-2025", str(folder))
    assert "version 2.1.0 is too small: these changes need at least 3.0.0" in out


@pytest.mark.parametrize(
    ("old", "bump", "expected"),
    [
        ("1.4.2", Bump.MAJOR, "2.0.0"),
        ("1.4.2", Bump.MINOR, "1.5.0"),
        ("1.4.2", Bump.PATCH, "1.4.3"),
        ("1.4.2", Bump.NONE, "1.4.2"),
    ],
)
def test_required_version(old: str, bump: Bump, expected: str) -> None:
    assert required_version(old, bump) == expected


def test_shipped_rulebook_changelog_names_its_version() -> None:
    rulebook = qrules.load("yantai-2023-2025")
    changelog = (Path(rulebook.path) / "CHANGELOG.md").read_text(encoding="utf-8")
    newest = next(line for line in changelog.splitlines() if line.startswith("## ["))
    assert newest.startswith(f"## [{rulebook.version}]")


def test_git_revision_as_a_side(tmp_path: Path) -> None:
    code, out, _ = run(
        "diff", "HEAD:rules/yantai-2023-2025", "yantai-2023-2025", "--format", "json"
    )
    assert code in (0, 1)
    assert json.loads(out)["old"]["id"] == "yantai-2023-2025"
    code, _, _ = run("diff", "no-such-revision:rules/yantai-2023-2025", "yantai-2023-2025")
    assert code == 2


# -- dated targets and judging as of a date -----------------------------------

DATED = """
[[rule]]
id = "dated-pass-rate"
title = { zh = "食品安全抽检合格率", en = "Food safety sampling pass rate" }
measure = "pass_rate"
aggregation = "every_year"
responsible = ["市市场监管局"]
interpretation = "Until July 2024 the target was 98 (a test of dated targets)."
[rule.source]
section = "一"
quote = "食品安全抽检合格率≥98.5"
[[rule.targets]]
from = 2023-01-01
requirement = ">= 98"
[[rule.targets]]
from = 2024-07-01
requirement = ">= 98.5"
quote = "食品安全抽检合格率≥98.5"

[[rule]]
id = "firms-until-2024"
title = { zh = "导入先进质量管理模式企业", en = "Firms" }
measure = "firms"
aggregation = "every_year"
requirement = ">= 300"
ends = 2024-12-31
responsible = ["市市场监管局"]
[rule.source]
section = "一"
quote = "导入先进质量管理模式企业≥300家"
"""


@pytest.fixture
def dated(mini_copy: Path) -> Path:
    (mini_copy / "dated.toml").write_text(DATED, encoding="utf-8")
    return mini_copy


FIGURES = (
    "year,measure,value\n2023,pass_rate,98.2\n2024,pass_rate,98.2\n2025,pass_rate,98.2\n"
    "2023,firms,300\n2024,firms,300\n2025,firms,300\n"
)


def verdicts(folder: Path, tmp_path: Path, *argv: str) -> dict[tuple[str, int], str]:
    data = tmp_path / "figures.csv"
    data.write_text(FIGURES, encoding="utf-8")
    _, out, _ = run(
        "check",
        str(folder),
        str(data),
        "--format",
        "json",
        "--rule",
        "dated-pass-rate",
        "--rule",
        "firms-until-2024",
        *argv,
    )
    return {
        (r["id"], r["year"]): f"{r['verdict']} {r['target']['op']} {r['target']['value']}"
        for r in json.loads(out)["results"]
    }


def test_each_year_is_judged_by_what_applied_in_it(dated: Path, tmp_path: Path) -> None:
    # 98.2 meets ">= 98" (in force at the end of 2023) but not ">= 98.5" (from 2024-07-01).
    assert verdicts(dated, tmp_path) == {
        ("dated-pass-rate", 2023): "met >= 98",
        ("dated-pass-rate", 2024): "not_met >= 98.5",
        ("dated-pass-rate", 2025): "not_met >= 98.5",
        ("firms-until-2024", 2023): "met >= 300",
        ("firms-until-2024", 2024): "met >= 300",
    }


@pytest.mark.parametrize(
    ("as_of", "target"),
    [("2024-06-30", "met >= 98"), ("2024-07-01", "not_met >= 98.5")],
    ids=["day-before-the-change", "day-of-the-change"],
)
def test_as_of_picks_the_target_on_each_side_of_a_change(
    dated: Path, tmp_path: Path, as_of: str, target: str
) -> None:
    found = verdicts(dated, tmp_path, "--as-of", as_of)
    assert {k: v for k, v in found.items() if k[0] == "dated-pass-rate"} == {
        ("dated-pass-rate", 2023): target,
        ("dated-pass-rate", 2024): target,
        ("dated-pass-rate", 2025): target,
    }


def test_an_ended_rule_is_not_in_force_after_it_ends(dated: Path) -> None:
    assert "firms-until-2024" in qrules.load(dated, as_of=dt.date(2024, 12, 31))
    assert "firms-until-2024" not in qrules.load(dated, as_of=dt.date(2025, 1, 1))


def test_a_date_outside_the_period_is_an_error(dated: Path) -> None:
    with pytest.raises(qrules.OutOfPeriodError, match="in force from 2023-01-01 to 2025-12-31"):
        qrules.load(dated, as_of=dt.date(2026, 1, 1))
    code, _, _ = run("check", str(dated), "--sample", "--as-of", "2022-12-31")
    assert code == 2


def test_results_name_the_date_they_were_judged_as_of(dated: Path, tmp_path: Path) -> None:
    data = tmp_path / "figures.csv"
    data.write_text(FIGURES, encoding="utf-8")
    _, out, _ = run("check", str(dated), str(data), "--format", "json", "--as-of", "2024-07-01")
    assert json.loads(out)["rulebook"]["as_of"] == "2024-07-01"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            ("from = 2024-07-01", "from = 2023-01-01"),
            "key 'targets[1].from': 2023-01-01 does not come after the previous target's",
        ),
        (
            ("from = 2024-07-01", "from = 2027-07-01"),
            "key 'targets[1].from': 2027-07-01 is outside the plan's period",
        ),
        (
            ('quote = "食品安全抽检合格率≥98.5"\n\n[[rule]]', 'quote = "合格率≥99"\n\n[[rule]]'),
            "key 'targets[1].quote': is not in the plan's text",
        ),
        (
            (
                'aggregation = "every_year"\nresponsible',
                'aggregation = "every_year"\nrequirement = ">= 1"\nresponsible',
            ),
            "give either requirement or [[rule.targets]], not both",
        ),
        (("ends = 2024-12-31", "ends = 2022-12-31"), "key 'ends': ends 2022-12-31 is outside"),
    ],
    ids=["not-increasing", "outside-period", "quote", "both", "ends-outside"],
)
def test_bad_dated_targets(dated: Path, edit: tuple[str, str], message: str) -> None:
    path = dated / "dated.toml"
    text = path.read_text(encoding="utf-8")
    assert edit[0] in text
    path.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    with pytest.raises(qrules.RulebookError) as caught:
        qrules.load(dated)
    assert message in str(caught.value)


def test_a_record_rule_is_not_judged_in_a_year_it_is_not_in_force() -> None:
    import attrs  # noqa: PLC0415

    rulebook = qrules.load("yantai-2023-2025")
    samples = Path(rulebook.path) / "samples" / "records"
    register = qrules.read_register(samples / "register.csv")
    log = qrules.read_log(samples / "inspections.csv", register)
    rule = rulebook["health-food-makers-system-inspected-yearly"]
    ended = attrs.evolve(rule, ends=dt.date(2024, 12, 31))
    years = {
        r.year
        for r in qrules.evaluate_records(
            rulebook, register, log, rules=[rule], log_until="2025-12-31", log_from="2023-01-01"
        )
    }
    assert 2025 in years
    years = {
        r.year
        for r in qrules.evaluate_records(
            rulebook, register, log, rules=[ended], log_until="2025-12-31", log_from="2023-01-01"
        )
    }
    assert 2025 not in years
    assert years
