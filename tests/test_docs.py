"""The documentation site builds with MkDocs in strict mode: no broken link, no
page left out of the navigation, no docstring that fails to render."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


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
    assert 'id="qrules.load"' in api
    for page in (
        "how-to/analyst",
        "how-to/engineer",
        "how-to/drafter",
        "reports",
        "rules/yantai-2023-2025",
    ):
        assert (tmp_path / page / "index.html").is_file(), page
    assert (tmp_path / "images" / "report.png").is_file()


@pytest.mark.skipif(not (ROOT / "mkdocs.yml").is_file(), reason="needs a source checkout")
def test_every_page_is_in_the_navigation() -> None:
    """Strict mode fails on a page left out of the nav; say which, plainly."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    pages = sorted(p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md"))
    missing = [page for page in pages if f": {page}" not in config]
    assert missing == [], f"add these pages to the nav in mkdocs.yml: {missing}"
