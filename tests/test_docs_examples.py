"""The examples of the docs print what the docs show.

A transcript is a ``text`` or ``console`` block of ``$ `` lines: ``$ cat FILE``
and the file's lines (written into the page's folder, for the commands after
it on the same page), ``$ qrules …`` and what it prints, standard output then
standard error. A line ``…`` alone stands for lines left out. The rulebook's
fingerprint is shown as it is: a change to the shipped rulebook changes the
pages that show it (regenerate what they show).
A file no ``$ cat`` writes is taken from ``docs/examples/office``.
"""

from __future__ import annotations

import ast
import doctest
import importlib
import inspect
import json
import re
import shlex
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest

import qrules

from .conftest import SAMPLE_RECORDS, run

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


def matches(shown: list[str], printed: list[str]) -> bool:
    """``printed`` as ``shown`` shows it, where a line ``…`` (indented or not)
    stands for any lines."""
    if not shown:
        return not printed
    if shown[0].strip() == "…":
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
            printed = (out + err).rstrip("\n").split("\n")
            expected = "\n".join(shown).rstrip("\n").split("\n")
            said = "\n".join(printed)
            assert matches(expected, printed), f"{page.name}: `{command}` prints\n{said}"
            ran += 1
    assert ran > 0


# -- docs/audit.md: a year of monthly checks, audited ---------------------------


def _blocks(page: Path, language: str) -> list[str]:
    """The text of each of the page's blocks in ``language`` ('' for none), in order."""
    found: list[str] = []
    opened: str | None = None
    lines: list[str] = []
    for line in page.read_text(encoding="utf-8").splitlines(keepends=True):
        if line.startswith("```") and opened is None:
            opened, lines = line.strip().removeprefix("```"), []
        elif line.startswith("```"):
            if opened == language:
                found.append("".join(lines))
            opened = None
        elif opened is not None:
            lines.append(line)
    return found


def _digestless(text: str) -> str:
    """``text`` without what moves from run to run: the digests (each line of
    the log has the time it was written)."""
    return re.sub(r"sha256:[0-9a-f]{64}", "sha256:…", text)


def test_the_audit_example_prints_what_audit_md_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from .revisions import apply_revision  # noqa: PLC0415 (this test's alone)

    page = ROOT / "docs" / "audit.md"
    [script] = _blocks(page, "python")
    months, clean, tampered, cut, revised, revised_zh = _blocks(page, "")
    monkeypatch.chdir(tmp_path)
    exec(compile(script, "docs/audit.md", "exec"), {})  # the page's own example, run as shown
    assert capsys.readouterr().out == months
    log = Path("decisions.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    assert len(log) == 36

    def audit(*argv: str) -> list[str]:
        _, out, err = run("audit", *argv)
        return _digestless(out + err).rstrip("\n").split("\n")

    def shown(block: str) -> list[str]:
        return _digestless(block).rstrip("\n").split("\n")

    assert audit("decisions.jsonl") == shown(clean)
    # Line 13's verdict changed (May's adopters, met), line 20 deleted.
    edited = [*log]
    assert '"verdict":"met"' in edited[12]
    edited[12] = edited[12].replace('"verdict":"met"', '"verdict":"not_met"')
    del edited[19]
    Path("tampered.jsonl").write_text("".join(edited), encoding="utf-8")
    assert audit("tampered.jsonl") == shown(tampered)
    # The last three lines cut off, the head kept elsewhere given back.
    Path("cut.jsonl").write_text("".join(log[:33]), encoding="utf-8")
    command, _, printed = cut.partition("\n")
    assert command.startswith("$ qrules audit cut.jsonl --head sha256:")
    _, out, _ = run("audit", "decisions.jsonl")
    head = out.split(" head ", 1)[1].split("\n", 1)[0]
    _, out, _ = run("audit", "cut.jsonl", "--head", head)
    assert _digestless(out).rstrip("\n").split("\n") == shown(printed)
    # The worked revision (docs/versions.md), as ./yantai-2023-2025-v3.
    apply_revision("yantai-2024", tmp_path / "revision").rename("yantai-2023-2025-v3")
    assert audit("decisions.jsonl", "--rulebook", "./yantai-2023-2025-v3") == shown(revised)
    said = audit("decisions.jsonl", "--rulebook", "./yantai-2023-2025-v3", "--lang", "zh")
    assert matches(shown(revised_zh), said)


# -- every Python example calls what exists, with keywords it takes -------------

#: Methods of the objects the examples hold, by the attribute called.
METHODS = {"evaluate": "Rulebook.evaluate", "select": "Rulebook.select"}


def _python_blocks() -> list[tuple[str, str]]:
    found = []
    for page in sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")]):
        for number, block in enumerate(_blocks(page, "python"), 1):
            found.append((f"{page.relative_to(ROOT)} #{number}", block))
    found.append(("docs/examples/test_figures.py", (OFFICE.parent / "test_figures.py").read_text()))
    return found


def _callee(node: ast.expr, imported: dict[str, str]) -> str | None:
    """The public qrules name a call's function is, if it is one."""
    if isinstance(node, ast.Name):
        return imported.get(node.id)
    if isinstance(node, ast.Attribute):
        if isinstance(node.value, ast.Name) and node.value.id == "qrules":
            return f"qrules.{node.attr}"
        return METHODS.get(node.attr)
    return None


def _resolved(name: str) -> Any:
    module, _, rest = name.rpartition(".") if name.startswith("qrules") else ("", "", name)
    if not module:
        owner, _, attr = name.partition(".")
        return getattr(getattr(qrules, owner), attr)
    return getattr(importlib.import_module(module), rest)


@pytest.mark.parametrize(("where", "code"), _python_blocks())
def test_each_python_example_calls_what_exists(where: str, code: str) -> None:
    tree = ast.parse(code)
    imported = {
        alias.asname or alias.name: f"{node.module}.{alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("qrules")
        for alias in node.names
    }
    for public in imported.values():
        _resolved(public)  # an AttributeError names what the example imports in vain
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _callee(node.func, imported)
        if name is None:
            continue
        parameters = inspect.signature(_resolved(name)).parameters
        if any(p.kind is p.VAR_KEYWORD for p in parameters.values()):
            continue
        unknown = [k.arg for k in node.keywords if k.arg is not None and k.arg not in parameters]
        assert unknown == [], f"{where}, line {node.lineno}: {name} takes no {unknown}"


def test_the_readme_example_prints_what_it_shows(capsys: pytest.CaptureFixture[str]) -> None:
    [code] = _blocks(ROOT / "README.md", "python")
    lines = code.rstrip("\n").split("\n")
    shown = [line.removeprefix("# ") for line in lines if line.startswith("# ")]
    assert len(shown) >= 2
    exec(compile(code, "README.md", "exec"), {})  # the README's own example, run as shown
    assert capsys.readouterr().out.rstrip("\n").split("\n") == shown


@pytest.mark.parametrize(
    "page",
    [p for p in sorted((ROOT / "docs").rglob("*.md")) if _blocks(p, "pycon")],
    ids=lambda p: p.relative_to(ROOT).as_posix(),
)
def test_each_interactive_session_prints_what_it_shows(page: Path) -> None:
    parser, runner = doctest.DocTestParser(), doctest.DocTestRunner(verbose=False)
    for number, block in enumerate(_blocks(page, "pycon"), 1):
        test = parser.get_doctest(block, {}, f"{page.name} #{number}", str(page), 0)
        assert test.examples
        runner.run(test)
    assert runner.summarize(verbose=False).failed == 0


# -- every key of the JSON documents is documented -------------------------------

#: Objects whose keys are data (measure ids, years, districts, register columns).
DATA_KEYS = {"inputs", "yearly", "districts", "population", "consultation"}


def _keys(value: object, found: set[str]) -> set[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            found.add(key)
            if key not in DATA_KEYS:
                _keys(inner, found)
    elif isinstance(value, list):
        for inner in value:
            _keys(inner, found)
    return found


def test_every_key_of_the_json_documents_is_documented(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .revisions import apply_revision  # noqa: PLC0415 (this test's alone)

    monkeypatch.chdir(tmp_path)
    revised = apply_revision("yantai-2024", tmp_path)
    records = [*SAMPLE_RECORDS, "--log-from", "2023-01-01"]
    run("check", "yantai-2023-2025", *records, "--decision-log", "log.jsonl")
    log = Path("log.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    found: set[str] = set()
    for line in log:
        _keys(json.loads(line), found)
    # An audit with something to say: a verdict altered (a change, a broken chain).
    altered = next(i for i, line in enumerate(log) if '"verdict":"not_met"' in line)
    log[altered] = log[altered].replace('"verdict":"not_met"', '"verdict":"met"')
    Path("altered.jsonl").write_text("".join(log), encoding="utf-8")
    for argv in (
        ["export", "yantai-2023-2025"],
        ["check", "yantai-2023-2025", "--sample", *records, "--format", "json"],
        ["check", "yantai-2023-2025", "--sample", "--format", "json", "--by-responsible"],
        ["diff", "yantai-2023-2025", str(revised), "--format", "json"],
        ["audit", "altered.jsonl", "--format", "json"],
        ["lint", "yantai-2023-2025", "--format", "json"],
    ):
        code, out, err = run(*argv)
        assert code in (0, 1), err
        _keys(json.loads(out), found)
    assert {"same_rulebook", "findings", "plan", "by_responsible"} <= found
    pages = "".join(
        (ROOT / "docs" / page).read_text(encoding="utf-8")
        for page in ("json.md", "lint.md", "reports.md")
    )
    missing = sorted(k for k in found if f'"{k}"' not in pages and f"`{k}`" not in pages)
    assert len(found) > 100
    assert missing == [], f"docs/json.md: document the keys {missing}"


@pytest.mark.parametrize("page", ["records.md", "datasets.md"])
def test_each_mapping_file_shown_loads(page: str) -> None:
    """A TOML block with a ``[register]``, ``[log]`` or ``[figures]`` part is a
    mapping file: it loads, every key known."""
    shown = [
        table
        for table in map(tomllib.loads, _blocks(ROOT / "docs" / page, "toml"))
        if {"register", "log", "figures"} & set(table)
    ]
    assert shown
    for table in shown:
        qrules.ColumnMapping.from_dict(table)


def test_the_drafters_rule_is_a_valid_rule(tmp_path: Path) -> None:
    """docs/how-to/drafter.md's rule, in place of the shipped one, loads."""
    [shown] = _blocks(ROOT / "docs" / "how-to" / "drafter.md", "toml")
    folder = tmp_path / "my-plan"
    shutil.copytree(qrules.load("yantai-2023-2025").path, folder)
    rules = folder / "indicators.toml"
    text = rules.read_text(encoding="utf-8")
    start = text.index('[[rule]]\nid = "food-safety-sampling-pass-rate"\n')
    end = text.index("[[rule]]", start + 1)
    rules.write_text(text[:start] + shown + "\n" + text[end:], encoding="utf-8")
    rule = qrules.load(folder)["food-safety-sampling-pass-rate"]
    assert (rule.requirement.text, rule.responsible) == (">= 98.5", ("市市场监管局",))
