"""Loading and compiling a whole rulebook, and the cold start of `qrules check`.

Prints medians and ratios against hand-written baselines measured in the same run
(issue 15's targets in brackets):

- compiling every rule with sympy, against `tomllib` parsing the same files;
- warm `qrules.load` (the process warm, the compiled-forms cache written),
  against `tomllib` on the same files [<= 1.2];
- cold `qrules check RULEBOOK --sample`, against `python -c "import sympy"` [<= 0.5];
- `python -c "import qrules"`, against `python -c "import sympy"` [<= 0.25];
- the first `evaluate_tables` call in a process, against the second [<= 1.3]
  (tables of 100,000 units and 1,000,000 inspections, `bench_records.generate`),
  the generated SQL's text kept between runs (`engines/_sqltext.py`);
- the reference engine (``--reference-units``, default 100,000, with ten times
  as many inspections): its first and second call in a process on records
  already read as Python objects, its peak Python heap while judging, a call
  on the same records read column-wise (Arrow, as from CSV files), and the
  size of the same records as CSV files; then ``qrules check --engine reference`` on those files
  end to end (the readers included), wall-clock and peak resident memory.

Subprocesses run with bytecode compiled (as an installed package has it:
``PYTHONDONTWRITEBYTECODE`` is dropped for them, and qrules is compiled first).
"""

from __future__ import annotations

import argparse
import compileall
import os
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


#: The environment of the measured subprocesses: bytecode written, as installed.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def cold_starts(commands: dict[str, list[str]], repeat: int) -> dict[str, float]:
    """Each command's median, the commands alternated so that they share the
    machine's load alike."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for argv in commands.values():
        subprocess.run(argv, capture_output=True, check=False, env=ENV)
    for _ in range(repeat):
        for name, argv in commands.items():
            start = time.perf_counter()
            subprocess.run(argv, capture_output=True, check=False, env=ENV)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(found) for name, found in times.items()}


FIRST_CALL = """
import sys, time
sys.path.insert(0, {here!r})
import duckdb
from bench_records import generate
register, log = generate({units}, {inspections}, 2025)
connection = duckdb.connect()
connection.register("r", register)
connection.register("l", log)
connection.execute("CREATE TABLE register AS SELECT * FROM r")
connection.execute("CREATE TABLE log AS SELECT * FROM l")
import qrules
rulebook = qrules.load({rulebook!r})
from qrules.engines import evaluate_tables
times = []
for _ in range(2):
    start = time.perf_counter()
    evaluate_tables(rulebook, connection, register="register", log="log")
    times.append(time.perf_counter() - start)
print(times[0], times[1], "sympy" in sys.modules)
"""


REFERENCE = """
import sys, time, tracemalloc
sys.path.insert(0, {here!r})
from bench_records import generate, python_objects
register, log = generate({units}, {inspections}, 2025)
import qrules
# The records as the column-wise readers keep them (Arrow), and as Python objects.
columns = qrules.read_register(register)
columns = columns, qrules.read_log(log, columns)
objects = python_objects(register, log)
del register, log
rulebook = qrules.load({rulebook!r})
times = []
for records in (objects, objects, columns, columns):
    start = time.perf_counter()
    found = qrules.evaluate_records(rulebook, *records)
    times.append(time.perf_counter() - start)
tracemalloc.start()
qrules.evaluate_records(rulebook, *objects)
peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
print(*times, peak, len(found))
"""


def reference_engine(rulebook: str, units: int, repeat: int) -> str:
    """The reference engine on records already read (fresh processes), and
    `qrules check --engine reference` on the same records as CSV files."""
    import resource  # noqa: PLC0415 (Unix only, and only here)
    import tempfile  # noqa: PLC0415

    from bench_records import generate  # noqa: PLC0415
    from pyarrow import csv  # noqa: PLC0415

    code = REFERENCE.format(
        here=str(Path(__file__).parent), units=units, inspections=units * 10, rulebook=rulebook
    )
    firsts, seconds, on_columns, peaks = [], [], [], []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, check=True, text=True, env=ENV
        ).stdout.split()
        firsts.append(float(out[0]))
        seconds.append(float(out[1]))
        on_columns.append(float(out[3]))
        peaks.append(int(out[4]))
    with tempfile.TemporaryDirectory(prefix="qrules-bench-") as temp:
        folder = Path(temp)
        register, log = generate(units, units * 10, 2025)
        csv.write_csv(register, folder / "register.csv")
        csv.write_csv(log, folder / "log.csv")
        size = sum((folder / f).stat().st_size for f in ("register.csv", "log.csv"))
        argv = [
            sys.executable,
            "-m",
            "qrules",
            "check",
            rulebook,
            "--engine",
            "reference",
            "--register",
            str(folder / "register.csv"),
            "--log",
            str(folder / "log.csv"),
            "--log-until",
            "2025-12-31",
            "--format",
            "json",
        ]
        walls = []
        for _ in range(max(1, repeat // 2)):
            start = time.perf_counter()
            subprocess.run(argv, capture_output=True, check=False, env=ENV)
            walls.append(time.perf_counter() - start)
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    mib = 1024 * 1024
    return (
        f"reference engine on {units:,} units / {units * 10:,} inspections already read: "
        f"first call {statistics.median(firsts):.2f} s median, second "
        f"{statistics.median(seconds):.2f} s; peak Python heap while judging "
        f"{statistics.median(peaks) / mib:.0f} MiB; the records as CSV {size / mib:.0f} MiB; "
        f"the same records read column-wise (Arrow): "
        f"{statistics.median(on_columns):.2f} s (a second call)\n"
        f"`qrules check --engine reference` on those CSV files, end to end: "
        f"{statistics.median(walls):.1f} s median (target < 3 s); peak resident memory of "
        f"any child process {rss / mib:.0f} MiB ({rss / size:.1f}x the CSV files)"
    )


def first_calls(
    rulebook: str, units: int, inspections: int, repeat: int
) -> tuple[float, float, bool]:
    """Medians of the first and the second `evaluate_tables` call, each pair in a
    fresh process; and whether any of them imported sympy."""
    code = FIRST_CALL.format(
        here=str(Path(__file__).parent), units=units, inspections=inspections, rulebook=rulebook
    )
    firsts, seconds, sympy = [], [], False
    # Once first, as a user's first run: it writes the caches (compiled forms, SQL text).
    subprocess.run([sys.executable, "-c", code], capture_output=True, check=True, env=ENV)
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, check=True, text=True, env=ENV
        ).stdout.split()
        firsts.append(float(out[0]))
        seconds.append(float(out[1]))
        sympy = sympy or out[2] == "True"
    return statistics.median(firsts), statistics.median(seconds), sympy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("rulebook", nargs="?", default="yantai-2023-2025")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--records-units",
        type=int,
        default=100_000,
        help="units of the evaluate_tables measure (0: skip it)",
    )
    parser.add_argument(
        "--records-repeat",
        type=int,
        default=5,
        help="fresh processes for the evaluate_tables measure",
    )
    parser.add_argument(
        "--reference-units",
        type=int,
        default=100_000,
        help="units of the reference engine measure (0: skip it)",
    )
    parser.add_argument(
        "--reference-repeat",
        type=int,
        default=3,
        help="fresh processes for the reference engine measure",
    )
    args = parser.parse_args()
    folder = Path(args.rulebook)
    if not folder.is_dir():
        folder = shipped_rulebooks()[args.rulebook]
    name = folder.name

    # First, before sympy's objects fill the heap (and slow every garbage collection).
    qrules.load(folder)  # the compiled-forms cache written, the process warm
    warm_s = median_seconds(lambda: qrules.load(folder), args.repeat * 3)
    tomllib_s = median_seconds(lambda: parse_only(folder), args.repeat * 3)
    print(
        f"warm qrules.load {name}: {warm_s * 1000:.1f} ms median; tomllib on the same "
        f"files {tomllib_s * 1000:.1f} ms; ratio {warm_s / tomllib_s:.2f} (target <= 1.2)"
    )

    load_and_compile(folder)  # warm sympy's own caches, as a long-running process would
    rules = load_and_compile(folder)
    qrules_s = median_seconds(lambda: load_and_compile(folder), args.repeat)
    baseline_s = median_seconds(lambda: parse_only(folder), args.repeat)
    print(
        f"load + compile {name} ({rules} rules): {qrules_s * 1000:.1f} ms median; "
        f"tomllib alone {baseline_s * 1000:.2f} ms; ratio {qrules_s / baseline_s:.0f}x"
    )

    compileall.compile_dir(str(Path(qrules.__file__).parent), quiet=1)
    python = sys.executable
    commands = {
        "check": [python, "-m", "qrules", "check", str(folder), "--sample", "--format", "json"],
        "import qrules": [python, "-c", "import qrules"],
        "import sympy": [python, "-c", "import sympy"],
        "import tomllib, attrs, sympy": [python, "-c", "import tomllib, attrs, sympy"],
        "python": [python, "-c", "pass"],
    }
    found = cold_starts(commands, args.repeat)
    sympy_s = found["import sympy"]
    print(
        f"cold start `qrules check --sample`: {found['check'] * 1000:.0f} ms median; "
        f'`python -c "import sympy"` {sympy_s * 1000:.0f} ms; '
        f"ratio {found['check'] / sympy_s:.2f} (target <= 0.5); against "
        f"`import tomllib, attrs, sympy` ({found['import tomllib, attrs, sympy'] * 1000:.0f}"
        f" ms) {found['check'] / found['import tomllib, attrs, sympy']:.2f}"
    )
    print(
        f'`python -c "import qrules"`: {found["import qrules"] * 1000:.0f} ms median; '
        f"ratio to `import sympy` {found['import qrules'] / sympy_s:.2f} (target <= 0.25); "
        f"the bare interpreter {found['python'] * 1000:.0f} ms"
    )

    if args.records_units:
        first, second, sympy = first_calls(
            str(folder), args.records_units, args.records_units * 10, args.records_repeat
        )
        print(
            f"evaluate_tables on {args.records_units:,} units / "
            f"{args.records_units * 10:,} inspections in a fresh process: first call "
            f"{first * 1000:.0f} ms median, second {second * 1000:.0f} ms; ratio "
            f"{first / second:.2f} (target <= 1.3); sympy imported: {'yes' if sympy else 'no'}"
        )

    if args.reference_units:
        print(reference_engine(str(folder), args.reference_units, args.reference_repeat))


if __name__ == "__main__":
    main()
