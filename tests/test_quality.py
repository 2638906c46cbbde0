"""The code stays typed (mypy strict), lint-clean (ruff) and formatted (ruff format),
as part of the suite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)


@pytest.mark.skipif(not (ROOT / "pyproject.toml").is_file(), reason="needs a source checkout")
def test_mypy_strict() -> None:
    result = run(sys.executable, "-m", "mypy")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(not (ROOT / "pyproject.toml").is_file(), reason="needs a source checkout")
def test_ruff() -> None:
    result = run(sys.executable, "-m", "ruff", "check", "src", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(not (ROOT / "pyproject.toml").is_file(), reason="needs a source checkout")
def test_ruff_format() -> None:
    result = run(sys.executable, "-m", "ruff", "format", "--check", "src", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_py_typed_ships() -> None:
    assert (ROOT / "src" / "qrules" / "py.typed").is_file()
