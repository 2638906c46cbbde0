"""``REV:PATH`` read from git without letting the revision or path become options."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import ROOT, run

YANTAI = ROOT / "rules" / "yantai-2023-2025"


def _git(repo: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=env)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository holding a copy of the shipped rulebook, as the working directory."""
    root = tmp_path / "repo"
    root.mkdir()
    _git(root, "init", "-q", "-b", "main")
    shutil.copytree(YANTAI, root / "book", ignore=shutil.ignore_patterns("samples"))
    _git(root, "add", "book")
    _git(root, "commit", "-q", "-m", "book")
    monkeypatch.chdir(root)
    return root


def test_a_revision_reads_the_folder_as_committed(repo: Path) -> None:
    code, out, err = run("diff", "HEAD:book", "./book")
    assert (code, err) == (0, ""), err
    assert "no changes" in out.lower() or out.strip()


@pytest.mark.parametrize(
    "spec",
    [
        "--exec=touch pwned;git-upload-archive:--remote=.",
        "HEAD:--output=pwned",
        "--output=pwned:book",
        "-o:book",
        "HEAD:-book",
    ],
)
def test_option_payloads_touch_no_file(repo: Path, spec: str) -> None:
    code, _, err = run("diff", "--", spec, "./book")
    assert code == 2
    assert "starts with '-'" in err or "cannot read" in err
    assert "Traceback" not in err
    assert not (repo / "pwned").exists()
    assert sorted(p.name for p in repo.iterdir()) == [".git", "book"]


def test_option_payload_after_end_of_options_marker(repo: Path) -> None:
    code, _, _ = run("diff", "--", "--exec=touch pwned;git-upload-archive:--remote=.", "./book")
    assert code == 2
    assert not (repo / "pwned").exists()


def test_a_committed_symlink_is_refused(repo: Path) -> None:
    (repo / "book" / "zzz.toml").symlink_to("/etc/passwd")
    _git(repo, "add", "book")
    _git(repo, "commit", "-q", "-m", "link")
    code, _, err = run("diff", "HEAD:book", "./book")
    assert code == 2
    assert "symlink" in err
    assert "root:" not in err


def test_a_path_outside_the_repository_is_refused(repo: Path) -> None:
    code, _, err = run("diff", "HEAD:../..", "./book")
    assert code == 2
    assert "outside the repository" in err


def test_repository_config_cannot_run_a_command(repo: Path) -> None:
    # A hostile repository's config: a pager, fsmonitor and hooks that would write a file.
    marker = repo.parent / "ran"
    _git(repo, "config", "core.fsmonitor", f"touch {marker}; false")
    _git(repo, "config", "core.pager", f"touch {marker}; cat")
    code, _, err = run("diff", "HEAD:book", "./book")
    assert code == 0, err
    assert not marker.exists()


def test_unknown_revision_is_a_usage_error(repo: Path) -> None:
    code, _, err = run("diff", "no-such-revision:book", "./book")
    assert code == 2
    assert "no-such-revision" in err


def _talkative_git(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A ``git`` first on PATH that runs the real one after a warning of its own
    on stderr, in another language, as a newer or translated git might."""
    if os.name == "nt":
        pytest.skip("a shell script as git")
    real = shutil.which("git")
    assert real is not None
    folder.mkdir()
    wrapper = folder / "git"
    wrapper.write_text(f'#!/bin/sh\necho "Warnung: etwas" >&2\nexec "{real}" "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")


@pytest.mark.parametrize("talkative", [False, True])
@pytest.mark.parametrize("locale", ["de_DE.UTF-8", "zh_CN.UTF-8", "C.UTF-8"])
def test_an_unknown_revision_or_folder_is_told_by_git_exit_status(
    repo: Path, monkeypatch: pytest.MonkeyPatch, talkative: bool, locale: str
) -> None:
    """Whatever git prints (a warning, another language), an unknown revision is
    said so, and a folder that is not there is not a folder; before, a word on
    stderr made qrules show that word instead."""
    for name in ("LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.setenv(name, locale)
    monkeypatch.setenv("LANGUAGE", locale.partition(".")[0])
    if talkative:
        _talkative_git(repo.parent / "bin", monkeypatch)
    code, _, err = run("diff", "no-such-revision:book", "./book")
    assert code == 2
    assert "no revision 'no-such-revision' in this repository" in err, err
    code, _, err = run("diff", "HEAD:no-such-folder", "./book")
    assert code == 2
    assert "'no-such-folder' is not a folder at revision 'HEAD'" in err, err
    code, _, err = run("diff", "HEAD:book", "./book")
    assert code == 0, err
    code, _, err = run("--lang", "zh", "diff", "no-such-revision:book", "./book")
    assert code == 2
    assert "本仓库中没有版本 'no-such-revision'" in err, err


def test_another_failure_of_git_is_said_in_its_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not a repository (exit 128) is not an unknown revision: git's words."""
    (tmp_path / "book").mkdir()
    monkeypatch.chdir(tmp_path)
    code, _, err = run("diff", "HEAD:book", str(YANTAI))
    assert code == 2
    assert "not a git repository" in err, err
    assert "no revision" not in err
