"""The command line as the docs tell it: docs/cli.md names every option of
every command (and no option a command does not have), and every ``qrules``
command line the docs and the README show parses."""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest

from qrules.cli import _parser

ROOT = Path(__file__).parent.parent
CLI_PAGE = ROOT / "docs" / "cli.md"
#: Every option of every command, given before or after its name: the page's top.
EVERYWHERE = {"-h", "--help", "--lang", "--debug"}


def commands_of(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """Each command's parser in ``parser``, by name."""
    [action] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def commands() -> dict[str, argparse.ArgumentParser]:
    """Each command's parser, by name."""
    return commands_of(_parser("en"))


def options(command: argparse.ArgumentParser) -> dict[str, tuple[str, ...]]:
    """A command's option strings (``-o`` and ``--output`` alike), each with its choices."""
    return {
        string: tuple(action.choices or ())
        for action in command._actions
        for string in action.option_strings
    }


def sections(text: str) -> dict[str, str]:
    """The text of each ``## `command` `` section of a page."""
    parts = re.split(r"^## `([a-z]+)`\n", text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_the_cli_page_has_a_section_for_each_command() -> None:
    assert list(sections(CLI_PAGE.read_text(encoding="utf-8"))) == list(commands())


@pytest.mark.parametrize("name", list(commands()))
def test_the_cli_page_names_every_option_of_a_command(name: str) -> None:
    section = sections(CLI_PAGE.read_text(encoding="utf-8"))[name]
    missing = [
        f"{option} {word}" if word != option else option
        for option, choices in options(commands()[name]).items()
        if option not in EVERYWHERE
        for word in (option, *choices)
        if not re.search(rf"(?<![\w-]){re.escape(str(word))}(?![\w-])", section)
    ]
    assert missing == [], f"docs/cli.md, `{name}`: add {missing}"


@pytest.mark.parametrize("name", list(commands()))
def test_the_cli_page_names_no_option_a_command_lacks(name: str) -> None:
    section = sections(CLI_PAGE.read_text(encoding="utf-8"))[name]
    named = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", section))
    # pytest's own options, where `coverage` says which report it renders.
    named = {n for n in named if not n.startswith("--qrules-")}
    unknown = sorted(named - set(options(commands()[name])))
    assert unknown == [], f"docs/cli.md, `{name}` names options it does not have: {unknown}"


def test_the_cli_page_names_the_options_of_every_command() -> None:
    top = CLI_PAGE.read_text(encoding="utf-8").split("\n## ", 1)[0]
    for option in EVERYWHERE:
        assert f"`{option}" in top, option


# -- every command line shown parses -------------------------------------------

PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
#: Code blocks whose lines are commands (a `text` block's only where they start with `$ `).
SHELL = {"sh", "console", "yaml", "bash", "shell"}


def command_lines(text: str) -> Iterator[tuple[int, str]]:
    """Each ``qrules …`` command line of a page's code blocks, with its line
    number, continuation lines (``\\``) joined."""
    fence: str | None = None
    pending: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("```"):
            fence = stripped[3:].strip() if fence is None else None
            continue
        if fence is None:
            continue
        if pending:
            pending.append(stripped)
        else:
            shown = stripped.removeprefix("- ") if fence == "yaml" else stripped
            if shown.startswith("$ "):
                shown = shown[2:]
            elif fence not in SHELL:
                continue
            if not shown.startswith("qrules "):
                continue
            start, pending = number, [shown]
        if pending[-1].endswith("\\"):
            pending[-1] = pending[-1].removesuffix("\\")
            continue
        yield start, " ".join(pending)
        pending = []


def documented_commands() -> list[tuple[str, str]]:
    found = []
    for page in PAGES:
        for number, line in command_lines(page.read_text(encoding="utf-8")):
            found.append((f"{page.relative_to(ROOT)}:{number}", line))
    return found


def test_the_docs_show_command_lines() -> None:
    """The scan finds them (a test of the test: a scan that found none would pass)."""
    shown = documented_commands()
    assert len(shown) > 60
    assert {line.split()[1] for _, line in shown} >= set(commands()) - {"schema", "coverage"}


@pytest.mark.parametrize(("where", "line"), documented_commands())
def test_each_documented_command_line_parses(where: str, line: str) -> None:
    argv = shlex.split(line, comments=True)[1:]
    parser = _parser("en")
    for command in (parser, *commands_of(parser).values()):
        command.allow_abbrev = False  # the docs spell each option whole
    err = io.StringIO()
    code: str | int | None = 0
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            parser.parse_args(argv)
        except SystemExit as exit_:  # --help exits 0, a bad command line 2
            code = exit_.code
    assert code == 0, f"{where}: {line}\n{err.getvalue()}"
