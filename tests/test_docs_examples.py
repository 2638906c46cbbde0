"""The examples of the docs print what the docs show.

A transcript is a ``text`` or ``console`` block of ``$ `` lines: ``$ cat FILE``
and the file's lines (written into the page's folder, for the commands after
it on the same page), ``$ qrules …`` and what it prints, standard output then
standard error. A line ``…`` alone stands for lines left out; the rulebook's
fingerprint is left out (it moves with the rulebook, as its version does not).
A file no ``$ cat`` writes is taken from ``docs/examples/office``.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from .conftest import run

ROOT = Path(__file__).parent.parent
OFFICE = ROOT / "docs" / "examples" / "office"
#: Pages whose transcripts need files no transcript writes, and the test that runs them.
ELSEWHERE = {"audit.md": "test_the_audit_example_prints_what_audit_md_shows"}


def transcripts(page: Path) -> list[list[str]]:
    """The page's transcript blocks, in order, each a list of its lines."""
    blocks: list[list[str]] = []
    language: str | None = None  # the open block's, None outside one
    lines: list[str] = []
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("```") and language is None:
            language, lines = line.removeprefix("```").strip(), []
        elif line.startswith("```"):
            if language in ("text", "console", "") and lines and lines[0].startswith("$ "):
                blocks.append(lines)
            language = None
        elif language is not None:
            lines.append(line)
    return blocks


def steps(block: list[str]) -> list[tuple[str, list[str]]]:
    """A transcript's steps: each command (continuation lines joined) with the lines after it."""
    found: list[tuple[str, list[str]]] = []
    for line in block:
        if line.startswith("$ "):
            found.append((line[2:], []))
        elif found and found[-1][0].endswith("\\"):
            command, shown = found[-1]
            found[-1] = (command.removesuffix("\\") + " " + line.strip(), shown)
        else:
            found[-1][1].append(line)
    return found


def _unpinned(text: str) -> str:
    return re.sub(r"([(（](?:指纹 |fingerprint )?)[0-9a-f]{12}", r"\1…", text)


def matches(shown: list[str], printed: list[str]) -> bool:
    """``printed`` as ``shown`` shows it, where a line ``…`` stands for any lines."""
    if not shown:
        return not printed
    if shown[0] == "…":
        return any(matches(shown[1:], printed[cut:]) for cut in range(len(printed) + 1))
    return bool(printed) and shown[0] == printed[0] and matches(shown[1:], printed[1:])


PAGES = sorted(
    page
    for page in [ROOT / "README.md", *(ROOT / "docs").rglob("*.md")]
    if transcripts(page) and page.name not in ELSEWHERE
)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_each_transcript_prints_what_it_shows(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    ran = 0
    for block in transcripts(page):
        for command, shown in steps(block):
            argv = shlex.split(command)
            if argv[0] == "cat":
                Path(argv[1]).write_text("\n".join(shown) + "\n", encoding="utf-8")
                continue
            assert argv[0] == "qrules", f"{page.name}: run only qrules and cat: {command}"
            for name in argv[1:]:
                if not Path(name).exists() and (OFFICE / name).is_file():
                    shutil.copy(OFFICE / name, name)
            _, out, err = run(*argv[1:])
            printed = _unpinned(out + err).rstrip("\n").split("\n")
            expected = _unpinned("\n".join(shown)).rstrip("\n").split("\n")
            said = "\n".join(printed)
            assert matches(expected, printed), f"{page.name}: `{command}` prints\n{said}"
            ran += 1
    assert ran > 0
