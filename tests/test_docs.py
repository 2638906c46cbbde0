"""The documentation site builds with MkDocs in strict mode: no broken link, no
page left out of the navigation, no docstring that fails to render."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import qrules
import qrules.engines
import qrules.strategies
import qrules.testing

ROOT = Path(__file__).parent.parent
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])


def headings(page: Path) -> list[str]:
    """The page's ``##`` and ``###`` headings, outside code blocks."""
    found, fenced = [], False
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced and re.match(r"#{2,3} ", line):
            found.append(line)
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_code_block_is_closed(page: Path) -> None:
    """A fence opens a block with its own line (```` ``` ```` and a language at
    most) and closes it with ```` ``` ```` alone: text after a closing fence would
    leave the block open, and the page after it a block of code."""
    opened: int | None = None
    for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
        if "```" not in line:
            continue
        fence = line.strip()
        if opened is None:
            assert re.fullmatch(r"```[\w-]*", fence), f"{page.name}:{number}: {line}"
            opened = number
        else:
            assert fence == "```", f"{page.name}:{number}: a block opened on line {opened}: {line}"
            opened = None
    assert opened is None, f"{page.name}:{opened}: a code block never closed"


@pytest.mark.skipif(not (ROOT / "mkdocs.yml").is_file(), reason="needs a source checkout")
def test_the_site_builds_in_strict_mode(tmp_path: Path) -> None:
    # Material's banner about its future is not a problem with these docs.
    env = os.environ | {"NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    schema = (tmp_path / "schema" / "index.html").read_text(encoding="utf-8")
    # Generated from the JSON Schemas at build time, so it covers every key.
    assert "rule[].source.quote" in schema
    assert "measure.&lt;id&gt;.formula" in schema
    api = (tmp_path / "api" / "index.html").read_text(encoding="utf-8")
    # Every public name, each with its docstring (one without is left out).
    for module in (qrules, qrules.testing, qrules.strategies, qrules.engines):
        for name in module.__all__:
            if name.isupper():  # a constant (ENGINES) has no docstring of its own
                continue
            assert f'id="{module.__name__}.{name}"' in api, f"{module.__name__}.{name}"
    for page in (
        "how-to/analyst",
        "how-to/engineer",
        "how-to/drafter",
        "reports",
        "rules/yantai-2023-2025",
    ):
        assert (tmp_path / page / "index.html").is_file(), page
    assert (tmp_path / "images" / "report.png").is_file()
    # Every heading of every page is on the built page (an unclosed code block
    # swallows the sections after it: strict mode does not see that).
    for source in PAGES:
        if source.name in ("README.md", "api.md") or source.parent.name == "rules":
            continue
        built = tmp_path / source.relative_to(ROOT / "docs").with_suffix("") / "index.html"
        if source.stem == "index":
            built = built.parent.parent / "index.html"
        html = built.read_text(encoding="utf-8")
        shown = len(re.findall(r"<h[23] id=", html))
        assert shown == len(headings(source)), f"{source}: {headings(source)}"


@pytest.mark.skipif(not (ROOT / "mkdocs.yml").is_file(), reason="needs a source checkout")
def test_every_page_is_in_the_navigation() -> None:
    """Strict mode fails on a page left out of the nav; say which, plainly."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    pages = sorted(p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md"))
    missing = [page for page in pages if f": {page}" not in config]
    assert missing == [], f"add these pages to the nav in mkdocs.yml: {missing}"


def test_the_architecture_names_every_module() -> None:
    """docs/architecture.md's table of modules: each module under src/qrules, once."""
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    table = page.split("## Every module", 1)[1].split("\n## ", 1)[0]
    named = re.findall(r"^\| `([\w/]+\.py)` \|", table, re.MULTILINE)
    package = ROOT / "src" / "qrules"
    modules = sorted(p.relative_to(package).as_posix() for p in package.rglob("*.py"))
    assert sorted(named) == modules
    assert len(named) == len(set(named))


def test_every_extra_is_in_the_tutorial() -> None:
    """Each optional dependency set of pyproject.toml, with what it adds."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    tutorial = (ROOT / "docs" / "tutorial.md").read_text(encoding="utf-8")
    named = re.findall(r"^\| `([a-z-]+)` \|", tutorial, re.MULTILINE)
    assert sorted(named) == sorted(project["optional-dependencies"])
