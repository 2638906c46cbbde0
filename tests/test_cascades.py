"""Errors that do not cascade, and choices that match nothing.

One problem is reported once, where it is: a rule file that does not parse is
not reported again as missing related rules; a selection that matches no rule
is an error naming the closest choices, not an empty table; `changelog` refuses
a version too small for its changes, as `diff` says.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import qrules

from .conftest import MINI, ROOT, run

YANTAI = ROOT / "rules" / "yantai-2023-2025"


def test_rules_of_a_file_that_does_not_parse_are_not_reported_missing(tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    shutil.copytree(YANTAI, folder)
    # Two files whose rules others list as related, broken as TOML.
    for name in ("indicators.toml", "column-6.toml"):
        path = folder / name
        path.write_text(path.read_text(encoding="utf-8") + "\n[[rule]\n", encoding="utf-8")
    with pytest.raises(qrules.RulebookError) as caught:
        qrules.load(folder)
    problems = caught.value.problems
    assert sorted(p.file for p in problems) == ["column-6.toml", "indicators.toml"]
    assert all("not valid TOML" in p.message for p in problems)
    code, out, _ = run("validate", str(folder))
    assert code == 2
    assert "related rule" not in out


def test_a_missing_related_rule_is_still_reported_when_every_file_reads(mini_copy: Path) -> None:
    rules = mini_copy / "rules.toml"
    rules.write_text(
        rules.read_text(encoding="utf-8").replace(
            'tags = ["food"]', 'tags = ["food"]\nrelated = ["firmz"]', 1
        ),
        encoding="utf-8",
    )
    with pytest.raises(qrules.RulebookError, match=r"related rule 'firmz' does not exist"):
        qrules.load(mini_copy)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ("--tag", "fod"),
            "no rule of rulebook 'mini' has the tag 'fod'; did you mean 'food'? (tags: food)",
        ),
        (("--tag", "nosuch"), "no rule of rulebook 'mini' has the tag 'nosuch' (tags: food)"),
        (("--section", "三"), "no rule of rulebook 'mini' has a section starting with '三'"),
        (("--tag", "food", "--section", "二"), "matches --rule, --tag and --section together"),
        (("--rule", "firms", "--tag", "food"), "matches --rule, --tag and --section together"),
    ],
)
@pytest.mark.parametrize("command", ["check", "list", "export", "report"])
def test_a_selection_that_matches_nothing_is_an_error(
    argv: tuple[str, ...], expected: str, command: str, tmp_path: Path
) -> None:
    extra = {
        "check": ("--sample",),
        "report": ("--sample", "-o", str(tmp_path / "r.html")),
        "list": (),
        "export": (),
    }[command]
    code, out, err = run(command, str(MINI), *extra, *argv)
    assert (code, out) == (2, "")
    assert expected in err
    assert len(err.splitlines()) == 1


def test_a_selection_that_matches_nothing_in_chinese() -> None:
    code, _, err = run("check", str(MINI), "--sample", "--tag", "fod", "--lang", "zh")
    assert code == 2
    assert "没有带标签 'fod' 的规则" in err
    assert "标签:food" in err


def test_an_unknown_rule_id_names_the_closest(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run("check", str(MINI), "--sample", "--rule", "firm")
    assert code == 2
    assert "did you mean 'firms'?" in err


def test_changelog_refuses_a_version_too_small_for_its_changes(mini_copy: Path) -> None:
    rules = mini_copy / "rules.toml"
    rules.write_text(
        rules.read_text(encoding="utf-8").replace(
            'requirement = ">= 98.5"', 'requirement = ">= 99"\ninterpretation = "read as 99"', 1
        ),
        encoding="utf-8",
    )
    code, out, _ = run("diff", str(MINI), str(mini_copy))
    assert code == 1
    assert "version 1.0.0 is too small: these changes need at least 2.0.0" in out
    code, out, err = run("changelog", str(MINI), str(mini_copy))
    assert (code, out) == (2, "")
    assert "version 1.0.0 is too small" in err
    assert "at least 2.0.0" in err
    plan = mini_copy / "plan.toml"
    plan.write_text(
        plan.read_text(encoding="utf-8").replace('version = "1.0.0"', 'version = "2.0.0"'),
        encoding="utf-8",
    )
    code, out, _ = run("changelog", str(MINI), str(mini_copy))
    assert code == 0
    assert out.startswith("## [2.0.0]")
