"""Versions of a plan: the worked revision's diff and changelog, and the version rule."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import qrules
from qrules._diff import Bump, Comparison, diff_rulebooks, required_version, version_follows
from qrules.cli import main

from .revisions import REVISIONS, apply_revision

DOCS = Path(__file__).parent.parent / "docs" / "versions.md"


@pytest.fixture(scope="module")
def revised(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return apply_revision("yantai-2024", tmp_path_factory.mktemp("revision"))


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), stdout=out, stderr=io.StringIO())
    return code, out.getvalue()


def test_diff_prints_exactly_the_expected_changes(revised: Path) -> None:
    code, out = run("diff", "yantai-2023-2025", str(revised))
    assert code == 1
    assert out == (REVISIONS / "yantai-2024.diff.txt").read_text(encoding="utf-8")


def test_changelog_is_exactly_the_expected_section(revised: Path) -> None:
    code, out = run("changelog", "yantai-2023-2025", str(revised), "--date", "2024-07-01")
    assert code == 0
    assert out == (REVISIONS / "yantai-2024.changelog.md").read_text(encoding="utf-8")


def test_docs_show_the_same_example() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    for name in ("yantai-2024.diff.txt", "yantai-2024.changelog.md"):
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
    code, out = run("diff", "yantai-2023-2025", str(revised), "--format", "json")
    document = json.loads(out)
    assert code == 1
    assert document["bump"] == "major"
    assert document["required_version"] == "2.0.0"
    assert document["version_follows"] is True
    assert {c["kind"] for c in document["changes"]} == {"added", "removed", "changed"}
    code, out = run("diff", "yantai-2023-2025", str(revised), "--format", "markdown")
    assert "| changed | `food-safety-sampling-pass-rate` | requirement >= 98.5 → >= 99: " \
           "stricter |" in out


def test_no_change_exits_0() -> None:
    assert run("diff", "yantai-2023-2025", "yantai-2023-2025") == (
        0, "yantai-2023-2025 1.0.0 → yantai-2023-2025 1.0.0: 0 rule changes, bump none\n")


def test_a_rename_is_recognised(tmp_path: Path) -> None:
    folder = apply_revision("yantai-2024", tmp_path)
    rules = folder / "indicators.toml"
    rules.write_text(rules.read_text(encoding="utf-8").replace(
        'id = "manufacturing-product-quality-pass-rate"',
        'id = "manufactured-product-pass-rate"'), encoding="utf-8")
    diff = diff_rulebooks(qrules.load("yantai-2023-2025"), qrules.load(folder))
    [renamed] = diff.of_kind("renamed")
    assert renamed.old is not None
    assert (renamed.old.id, renamed.id) == ("manufacturing-product-quality-pass-rate",
                                            "manufactured-product-pass-rate")


def test_a_version_too_small_is_flagged(tmp_path: Path) -> None:
    folder = apply_revision("yantai-2024", tmp_path)
    plan = folder / "plan.toml"
    plan.write_text(plan.read_text(encoding="utf-8").replace('version = "2.0.0"',
                                                             'version = "1.1.0"'),
                    encoding="utf-8")
    _, out = run("diff", "yantai-2023-2025", str(folder))
    assert "version 1.1.0 is too small: these changes need at least 2.0.0" in out


@pytest.mark.parametrize(
    ("old", "bump", "expected"),
    [("1.4.2", Bump.MAJOR, "2.0.0"), ("1.4.2", Bump.MINOR, "1.5.0"),
     ("1.4.2", Bump.PATCH, "1.4.3"), ("1.4.2", Bump.NONE, "1.4.2")],
)
def test_required_version(old: str, bump: Bump, expected: str) -> None:
    assert required_version(old, bump) == expected


def test_shipped_rulebook_changelog_names_its_version() -> None:
    rulebook = qrules.load("yantai-2023-2025")
    changelog = (Path(rulebook.path) / "CHANGELOG.md").read_text(encoding="utf-8")
    newest = next(line for line in changelog.splitlines() if line.startswith("## ["))
    assert newest.startswith(f"## [{rulebook.version}]")


def test_git_revision_as_a_side(tmp_path: Path) -> None:
    code, out = run("diff", "HEAD:rules/yantai-2023-2025", "yantai-2023-2025",
                    "--format", "json")
    assert code in (0, 1)
    assert json.loads(out)["old"]["id"] == "yantai-2023-2025"
    code, _ = run("diff", "no-such-revision:rules/yantai-2023-2025", "yantai-2023-2025")
    assert code == 2
