"""Loading and compiling a whole rulebook, and the cold start of `qrules check`.

Prints medians and ratios against hand-written baselines measured in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

import qrules
from qrules._load import shipped_rulebooks


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def load_and_compile(folder: Path) -> int:
    rulebook = qrules.load(folder)
    compiled = 0
    for rule in rulebook:
        # A fresh cache each time: this measures compilation, not a lookup.
        rule._cache.clear()
        rule.predicate(rulebook.measures)
        formula = rule.measure.formula
        if formula is not None:
            rule.predicate(rulebook.measures, frozenset({rule.measure.id}))
        compiled += 1
    return compiled


def parse_only(folder: Path) -> int:
    files = sorted(folder.glob("*.toml"))
    for path in files:
        tomllib.loads(path.read_text(encoding="utf-8"))
    (folder / "plan.txt").read_text(encoding="utf-8")
    return len(files)


def cold_start(argv: list[str], repeat: int) -> float:
    subprocess.run(argv, capture_output=True, check=False)  # warm the file cache
    return median_seconds(lambda: subprocess.run(argv, capture_output=True, check=False), repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("rulebook", nargs="?", default="yantai-2023-2025")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    folder = Path(args.rulebook)
    if not folder.is_dir():
        folder = shipped_rulebooks()[args.rulebook]
    name = folder.name

    load_and_compile(folder)  # warm sympy's own caches, as a long-running process would
    rules = load_and_compile(folder)
    qrules_s = median_seconds(lambda: load_and_compile(folder), args.repeat)
    baseline_s = median_seconds(lambda: parse_only(folder), args.repeat)
    print(f"load + compile {name} ({rules} rules): {qrules_s * 1000:.1f} ms median; "
          f"tomllib alone {baseline_s * 1000:.2f} ms; ratio {qrules_s / baseline_s:.0f}x")

    python = sys.executable
    check = [python, "-m", "qrules", "check", str(folder), "--sample", "--format", "json"]
    bare = [python, "-c", "import tomllib, attrs, sympy"]
    check_s = cold_start(check, args.repeat)
    bare_s = cold_start(bare, args.repeat)
    print(f"cold start `qrules check --sample`: {check_s * 1000:.0f} ms median; "
          f"interpreter + tomllib/attrs/sympy imports {bare_s * 1000:.0f} ms; "
          f"ratio {check_s / bare_s:.2f}x")


if __name__ == "__main__":
    main()
