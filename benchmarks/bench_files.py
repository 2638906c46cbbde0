"""The command line on CSV files, against a DuckDB script reading the same files.

Generates (seeded, with `bench_records.generate`) a register and an inspection
log, writes them as CSV files the way an office's export has them (UTF-8, no
quotation marks; ``--quoted`` quotes every text field, as pyarrow and some
databases write them), then times, alternated, each in its own process:

- ``qrules check yantai-2023-2025 --register reg.csv --log log.csv`` (the
  default engine: DuckDB; plain CSV files read by DuckDB's own reader and
  judged where they are, `qrules.records.direct`);
- a hand-written script: DuckDB reads the same two CSV files into tables and
  runs the hand-written counting query of `bench_records` (population and
  units meeting each rule, per year);

and, with ``--readers``, the same command with that route turned off (the
files read by qrules' column-wise readers, their Arrow columns handed to
DuckDB), and with ``--reference``, ``qrules check ... --engine reference``.
``--folder`` takes the two files ``register.csv`` and ``log.csv`` of a folder
(read only) rather than writing them. Before
timing, the counts of qrules (``--format json``) and of the script are checked
equal. Prints medians, ratios and each process's peak memory (its maximum
resident set, from ``/usr/bin/time``) and CPU time (user and system). Asserts
nothing: a benchmark is not a test. Subprocesses run with bytecode compiled, as
an installed package has it (``PYTHONDONTWRITEBYTECODE`` is dropped for them,
and qrules is compiled first), as in ``bench_load.py``.

    python benchmarks/bench_files.py --units 100000 --inspections 1000000
    python benchmarks/bench_files.py --units 1000000 --inspections 10000000 --repeat 3
    python benchmarks/bench_files.py --folder /tmp/bf --readers
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_records import HAND_WRITTEN, generate
from pyarrow import csv

import qrules

#: The hand-written script, run as ``python -c SCRIPT register.csv log.csv``: the
#: counts per rule and year, as JSON on standard output.
SCRIPT = """
import json, sys
import duckdb
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
con.execute("CREATE TABLE register AS SELECT * FROM read_csv(?)", [sys.argv[1]])
con.execute("CREATE TABLE log AS SELECT * FROM read_csv(?)", [sys.argv[2]])
rows = con.execute("SELECT rule, year, count(*), count(*) FILTER (WHERE meets) FROM ("
                   + sys.argv[3] + ") GROUP BY ALL ORDER BY ALL").fetchall()
print(json.dumps([list(r) for r in rows]))
"""

#: ``qrules check`` with the route of `qrules.records.direct` turned off.
READERS = """
import sys
from qrules.records import direct
from qrules.cli import main
direct.ENABLED = False
sys.exit(main(sys.argv[1:]))
"""

RULEBOOK = "yantai-2023-2025"
#: The environment of the measured subprocesses: bytecode written, as installed.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"CI": "1"}
SPAN = ["--log-from", "2023-01-01", "--log-until", "2025-12-31"]


def write(folder: Path, units: int, inspections: int, seed: int, quoted: bool) -> tuple[Path, Path]:
    register, log = generate(units, inspections, seed)
    style = "needed" if quoted else "none"
    paths = folder / "register.csv", folder / "log.csv"
    for table, path in zip((register, log), paths, strict=True):
        csv.write_csv(table, path, csv.WriteOptions(quoting_style=style))
    return paths


def timed(command: list[str], ok: tuple[int, ...] = (0, 1)) -> tuple[float, int, float, str]:
    """Wall-clock seconds, peak resident memory (bytes), CPU seconds (user and
    system; both 0 where GNU time is not installed) and standard output of a
    process."""
    gnu_time = Path("/usr/bin/time")
    with tempfile.NamedTemporaryFile("r", suffix=".time") as measured:
        wrapper = (
            [str(gnu_time), "-f", "%e %M %U %S", "-o", measured.name] if gnu_time.exists() else []
        )
        start = time.perf_counter()
        done = subprocess.run(
            [*wrapper, *command], capture_output=True, text=True, check=False, env=ENV
        )
        seconds, peak, cpu = time.perf_counter() - start, 0, 0.0
        if done.returncode not in ok:
            raise SystemExit(f"{command[:4]} failed ({done.returncode}): {done.stderr[-2000:]}")
        if wrapper:
            elapsed, kib, user, system = measured.read().split()[-4:]
            seconds, peak, cpu = float(elapsed), int(kib) * 1024, float(user) + float(system)
    return seconds, peak, cpu, done.stdout


def qrules_command(register: Path, log: Path, *extra: str, readers: bool = False) -> list[str]:
    return [
        sys.executable,
        *(["-c", READERS] if readers else ["-m", "qrules"]),
        "check",
        RULEBOOK,
        "--register",
        str(register),
        "--log",
        str(log),
        *SPAN,
        *extra,
    ]


def script_command(register: Path, log: Path) -> list[str]:
    return [sys.executable, "-c", SCRIPT, str(register), str(log), HAND_WRITTEN]


def equal_counts(register: Path, log: Path) -> int:
    """How many (rule, year) counts qrules and the script agree on; exits if any differ."""
    *_, out = timed(qrules_command(register, log, "--format", "json"))
    found = {
        (r["id"], r["year"]): (r["population"], r["meeting"])
        for r in json.loads(out)["results"]
        if r.get("source") == "records" and r["district"] is None
    }
    *_, out = timed(script_command(register, log), ok=(0,))
    counted = json.loads(out.splitlines()[-1])
    expected = {(rule, year): (total, meeting) for rule, year, total, meeting in counted}
    # A rule whose population is empty is unknown in qrules and has no row in the script.
    found = {k: v for k, v in found.items() if v[0] or k in expected}
    wrong = {
        k: (found.get(k), expected.get(k))
        for k in set(found) | set(expected)
        if found.get(k) != expected.get(k)
    }
    if wrong:
        raise SystemExit(f"qrules and the script disagree: {wrong}")
    return len(expected)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--inspections", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--quoted", action="store_true", help="quote every text field")
    parser.add_argument("--reference", action="store_true", help="time --engine reference too")
    parser.add_argument(
        "--readers", action="store_true", help="time qrules with its CSV route turned off too"
    )
    parser.add_argument("--folder", type=Path, help="read register.csv and log.csv from here")
    args = parser.parse_args()
    compileall.compile_dir(str(Path(qrules.__file__).parent), quiet=1)
    with tempfile.TemporaryDirectory() as folder:
        if args.folder is not None:
            register, log = args.folder / "register.csv", args.folder / "log.csv"
            args.units, args.inspections = (
                sum(1 for _ in path.open("rb")) - 1 for path in (register, log)
            )
        else:
            register, log = write(
                Path(folder), args.units, args.inspections, args.seed, args.quoted
            )
        sizes = register.stat().st_size + log.stat().st_size
        print(
            f"{args.units:,} units, {args.inspections:,} inspections: CSV files "
            f"{sizes / 2**20:,.0f} MiB{' (quoted)' if args.quoted else ''}; "
            f"load {os.getloadavg()[0]:.2f}"
        )
        print(f"counts equal: {equal_counts(register, log)} (rule, year) pairs")
        contenders = {
            "qrules check (duckdb)": qrules_command(register, log),
            "DuckDB script": script_command(register, log),
        }
        if args.readers:
            contenders["qrules check (readers)"] = qrules_command(register, log, readers=True)
        if args.reference:
            contenders["qrules check --engine reference"] = qrules_command(
                register, log, "--engine", "reference"
            )
        runs: dict[str, list[tuple[float, int, float]]] = {name: [] for name in contenders}
        for _ in range(args.repeat):
            for name, command in contenders.items():
                seconds, peak, cpu, _ = timed(command)
                runs[name].append((seconds, peak, cpu))
        medians = {
            name: tuple(statistics.median(run[i] for run in found) for i in range(3))
            for name, found in runs.items()
        }
        base_time, base_memory, base_cpu = medians["DuckDB script"]
        for name, (seconds, peak, cpu) in medians.items():
            memory = f"{peak / base_memory:5.2f}x memory" if base_memory else "memory n/a"
            used = f"   CPU {cpu:6.2f} s {cpu / base_cpu:5.2f}x" if base_cpu else ""
            print(
                f"  {name:34} {seconds:7.2f} s  {peak / 2**20:7,.0f} MiB   "
                f"{seconds / base_time:5.2f}x time  {memory}{used}"
            )
        print(f"  (medians of {args.repeat}, alternated; load {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
