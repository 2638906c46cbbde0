"""The benchmarks still run (a small size, once): they are not timed here (a
benchmark is not a test), only kept from rotting. ``benchmarks/README.md``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


@pytest.mark.skipif(not (ROOT / "benchmarks").is_dir(), reason="needs a source checkout")
@pytest.mark.parametrize(
    ("script", "argv", "printed"),
    [
        (
            "bench_load.py",
            ("--repeat", "1", "--records-units", "2000", "--records-repeat", "1"),
            "first call",
        ),
        (
            "bench_figures.py",
            ("--rows", "500", "--wide", "40x8", "--repeat", "1"),
            "same readings of the CSV: yes",
        ),
        (
            "bench_records.py",
            (
                "--units",
                "2000",
                "--inspections",
                "20000",
                "--repeat",
                "1",
                "--reference-repeat",
                "1",
                "--cli-repeat",
                "1",
            ),
            "same counts and failing units: yes",
        ),
        (
            "bench_files.py",
            ("--units", "2000", "--inspections", "20000", "--repeat", "1", "--reference"),
            "counts equal",
        ),
    ],
)
def test_the_benchmark_runs(script: str, argv: tuple[str, ...], printed: str) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert printed in result.stdout
