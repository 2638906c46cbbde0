"""Rulebook names and folders from untrusted sources (docs/security.md).

A bare name is a shipped rulebook, never a folder in the working directory; a
folder's files are read only when they are regular files inside it, each
bounded in size.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from pathlib import Path

import pytest

import qrules
from qrules import _limits
from qrules.testing import assert_meets

from .conftest import ROOT, SAMPLE_RECORDS, run

YANTAI = ROOT / "rules" / "yantai-2023-2025"


@pytest.fixture
def lowered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the Yantai rulebook named like it, in the working directory,
    with a target lowered to ``>= 1``."""
    copy = tmp_path / "yantai-2023-2025"
    shutil.copytree(YANTAI, copy)
    rules = copy / "column-1.toml"
    text = rules.read_text(encoding="utf-8")
    assert 'requirement = ">= 12"' in text
    # (its interpretation names the lowered target: a target the quote does not
    # write must be explained)
    lowered = text.replace('requirement = ">= 12"', 'requirement = ">= 1"', 1).replace(
        'interpretation = { zh = "', 'interpretation = { zh = "测试中降为 ≥ 1。', 1
    )
    rules.write_text(lowered, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return copy


def test_a_bare_name_is_the_shipped_rulebook_not_a_folder_of_that_name(lowered: Path) -> None:
    shipped = qrules.load("yantai-2023-2025")
    assert Path(shipped.path).resolve() == YANTAI.resolve()
    assert shipped.origin is None
    copy = qrules.load("./yantai-2023-2025")
    assert copy.fingerprint != shipped.fingerprint
    assert copy.origin == "./yantai-2023-2025"


def test_a_bare_name_that_is_only_a_folder_says_to_write_it_as_a_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(ROOT / "tests" / "data" / "rulebooks" / "mini", tmp_path / "mini")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(qrules.RulebookNotFoundError, match=r"write \./mini"):
        qrules.load("mini")
    assert len(qrules.load("./mini")) > 0


def test_a_folder_shadowing_a_shipped_rulebook_is_named_by_its_path_in_every_output(
    lowered: Path,
) -> None:
    sample = str(YANTAI / "samples" / "synthetic-2023-2025.csv")
    where = "from ./yantai-2023-2025"
    for fmt in ("table", "markdown", "junit"):
        _, out, _ = run("check", "./yantai-2023-2025", sample, "--format", fmt)
        assert where in out, fmt
    _, out, _ = run("check", "./yantai-2023-2025", sample, "--lang", "zh")
    assert "./yantai-2023-2025 中的 yantai-2023-2025" in out
    _, out, _ = run("check", "./yantai-2023-2025", sample, "--format", "json")
    assert json.loads(out)["rulebook"]["origin"] == "./yantai-2023-2025"
    _, out, _ = run("lint", "./yantai-2023-2025")
    assert where in out.splitlines()[0]
    _, out, _ = run("lint", "./yantai-2023-2025", "--format", "json")
    assert json.loads(out)["rulebook"]["origin"] == "./yantai-2023-2025"
    _, out, _ = run("diff", "yantai-2023-2025", "./yantai-2023-2025")
    assert out.startswith(f"yantai-2023-2025 2.0.0 → yantai-2023-2025 2.0.0 {where}:")
    _, out, _ = run("check", "yantai-2023-2025", sample)
    assert "from ./" not in out  # the shipped rulebook is named by its id alone
    with pytest.raises(AssertionError, match=where):
        assert_meets(sample, qrules.load("./yantai-2023-2025"))


def test_the_html_report_names_the_folder(lowered: Path, tmp_path: Path) -> None:
    sample = str(YANTAI / "samples" / "synthetic-2023-2025.csv")
    output = tmp_path / "report.html"
    assert run("report", "./yantai-2023-2025", sample, "-o", str(output))[0] == 0
    assert '"origin": "./yantai-2023-2025"' in output.read_text(encoding="utf-8").replace(
        '"origin":"', '"origin": "'
    )


# -- what is read from a folder -------------------------------------------------


@pytest.fixture
def folder(mini_copy: Path) -> Path:
    return mini_copy


def _problems(folder: Path) -> str:
    with pytest.raises(qrules.RulebookError) as caught:
        qrules.load(folder)
    return str(caught.value)


def test_a_plan_text_linked_to_a_file_outside_is_refused_and_reveals_nothing(folder: Path) -> None:
    secret = folder.parent / "secret.txt"
    # A quote that would match the secret's first words, then differ: the
    # "matches up to …, then differs at …" hint would be an oracle for it.
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    plan = (folder / "plan.toml").read_text(encoding="utf-8")
    name = plan.split('text = "')[1].split('"')[0]
    (folder / name).unlink()
    (folder / name).symlink_to(secret)
    message = _problems(folder)
    assert f"{name}: is a symbolic link to a file outside the rulebook folder" in message
    assert "root:" not in message
    assert "matches up to" not in message
    code, out, _ = run("validate", str(folder))
    assert code == 2
    assert "root:" not in out


def test_a_symlink_inside_the_folder_is_followed(folder: Path) -> None:
    plan = (folder / "plan.toml").read_text(encoding="utf-8")
    name = plan.split('text = "')[1].split('"')[0]
    (folder / "real.txt").write_bytes((folder / name).read_bytes())
    (folder / name).unlink()
    (folder / name).symlink_to("real.txt")
    assert len(qrules.load(folder)) > 0


def test_a_rule_file_linked_to_dev_zero_is_refused_at_once(folder: Path) -> None:
    (folder / "zzz.toml").symlink_to("/dev/zero")
    started = time.monotonic()
    message = _problems(folder)
    assert time.monotonic() - started < 5
    assert "zzz.toml: is a symbolic link to a file outside" in message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_being_opened(folder: Path) -> None:
    os.mkfifo(folder / "f.toml")
    (folder / "g.toml").symlink_to("f.toml")  # a link inside the folder, to the FIFO
    result: list[str] = []
    worker = threading.Thread(target=lambda: result.append(_problems(folder)), daemon=True)
    worker.start()
    worker.join(10)
    assert result, "loading a folder with a FIFO hung"
    assert "f.toml: is not a regular file" in result[0]
    assert "g.toml: is not a regular file" in result[0]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_named_plan_toml_is_refused(folder: Path) -> None:
    (folder / "plan.toml").unlink()
    os.mkfifo(folder / "plan.toml")
    assert "plan.toml: is not a regular file" in _problems(folder)


def test_a_folder_named_like_a_rule_file_is_refused(folder: Path) -> None:
    (folder / "extra.toml").mkdir()
    assert "extra.toml: is a folder, not a file" in _problems(folder)


def test_every_file_is_bounded(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("qrules._load.MAX_RULEBOOK_FILE_BYTES", 2_000)
    (folder / "big.toml").write_text("# " + "x" * 3_000 + "\n", encoding="utf-8")
    assert "big.toml: is larger than" in _problems(folder)


def test_the_folder_is_bounded(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    total = sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
    monkeypatch.setattr("qrules._load.MAX_RULEBOOK_FOLDER_BYTES", total - 1)
    assert "the limit for a rulebook folder" in _problems(folder)


def test_the_number_of_files_is_bounded(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("qrules._load.MAX_RULEBOOK_FILES", 5)
    for index in range(6):
        (folder / f"note-{index}.md").write_text("", encoding="utf-8")
    assert "holds more than 5 files" in _problems(folder)


def test_the_limits_are_those_documented() -> None:
    page = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    assert f"| {_limits.MAX_RULEBOOK_FILE_BYTES // 2**20} MiB |" in page
    assert f"| {_limits.MAX_RULEBOOK_FILES:,} |" in page


def test_a_sample_that_is_a_symlink_is_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "book"
    shutil.copytree(ROOT / "rules" / "yantai-2023-2025", folder)
    samples = folder / "samples"
    for sample in samples.glob("*.csv"):
        sample.unlink()
    secret = tmp_path / "secret.csv"
    secret.write_text(
        "year,measure,value\n2025,food_safety_sampling_pass_rate,99\n", encoding="utf-8"
    )
    (samples / "figures.csv").symlink_to(secret)
    code, _, err = run("check", str(folder), "--sample")
    assert code == 2
    assert "has these samples" in err
    records = samples / "records"
    (records / "register.csv").unlink()
    (records / "register.csv").symlink_to(secret)
    code, _, err = run("check", str(folder), *SAMPLE_RECORDS)
    assert code == 2
    assert "no such sample" in err
