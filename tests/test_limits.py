"""Each limit on what qrules reads, hit: a clean answer, in bounded time and
under 200 MiB of memory, measured here (docs/security.md, "Limits")."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import attrs
import pytest

import qrules
from qrules import DataError, read_register
from qrules._errors import Problem
from qrules._limits import (
    MAX_CSV_FIELD_CHARS,
    MAX_MESSAGE_CHARS,
    MAX_NUMBER_DIGITS,
    number_problem,
)

from .bad_inputs import (
    diff_clauses,
    high_degree,
    long_field_csv,
    nested_json,
    nested_toml,
    product_formula,
    xlsx_bomb,
)
from .conftest import MINI, ROOT, SAMPLES, run

MEBIBYTE = 1024 * 1024


@attrs.frozen
class Measured:
    code: int
    out: str
    err: str
    seconds: float  # CPU time, user and system
    peak: int  # the process's largest resident set, in bytes


#: Runs ``qrules`` and then reports the process's peak resident set (KiB) on its
#: last line: Linux's VmHWM, the high-water mark of this program's memory
#: (``ru_maxrss`` would also count the test process it was forked from).
#: Transparent huge pages are turned off for it (``PR_SET_THP_DISABLE``): an
#: allocator that asks for them (Arrow's mimalloc, DuckDB's) is given whole 2 MiB
#: pages when the kernel has them free, so that the same command's peak varies
#: with the machine's memory, not with what it read (about 110 of 1,950 MiB of
#: a 1,000,000-row register here): the one such cause found of a peak of 204
#: MiB measured once in a loaded run, against 170 (129 to 131 MiB in every run
#: of session 14, alone, six at once, or with the libraries out of the cache).
_WRAPPER = """
import ctypes, resource, runpy, sys
try:
    ctypes.CDLL(None).prctl(41, 1, 0, 0, 0)  # PR_SET_THP_DISABLE
except (AttributeError, OSError):
    pass  # (not Linux: its peak is as the system gives it)
sys.argv = ["qrules", *sys.argv[1:]]
try:
    runpy.run_module("qrules", run_name="__main__")
except SystemExit as exit_:
    code = exit_.code
finally:
    try:
        with open("/proc/self/status") as status:
            peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    sys.stderr.write(f"\\nPEAK {peak}\\n")
sys.exit(code)
"""


def measured(*argv: str) -> Measured:
    """``qrules`` in a process of its own: what it said, and what it took."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    # Its CPU time, not the wall clock's: on a shared machine (CI, two cores)
    # waiting for a core is not work the limit failed to bound.
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *argv],
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    err, _, peak = done.stderr.decode("utf-8", "replace").rstrip().rpartition("\nPEAK ")
    return Measured(
        done.returncode, done.stdout.decode("utf-8", "replace"), err, seconds, int(peak) * 1024
    )  # Linux counts it in KiB


def assert_bounded(result: Measured, code: int, seconds: float) -> None:
    assert "Traceback" not in result.out + result.err
    assert result.code == code, result.err
    assert result.seconds < seconds, result.seconds
    assert result.peak < 200 * MEBIBYTE, result.peak / MEBIBYTE


def test_the_125_byte_exponent_is_refused_in_under_a_second(tmp_path: Path) -> None:
    data = tmp_path / "exponent.json"
    data.write_text(
        '[{"year": 2025, "measure": "firms", "value": 1e100000000}]\n'.ljust(125), encoding="utf-8"
    )
    assert data.stat().st_size == 125
    start = time.process_time()
    code, _, err = run("check", str(MINI), str(data))
    assert time.process_time() - start < 1
    assert code == 2
    assert "exponent.json, item 0, key 'value': firms: a number more than 10^30" in err
    assert_bounded(measured("check", str(MINI), str(data)), 2, 20)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("digits.csv", "year,measure,value\n2025,firms," + "9" * 5000 + "\n"),
        ("ratio.csv", "year,measure,value\n2025,firms," + "9" * 5000 + "/7\n"),
        ("tiny.csv", "year,measure,value\n2025,pass_rate,0." + "0" * 5000 + "1\n"),
        ("digits.json", '[{"year": 2025, "measure": "firms", "value": ' + "9" * 5000 + "}]"),
        ("small.json", '[{"year": 2025, "measure": "firms", "value": 1e-100000000}]'),
    ],
)
def test_numbers_beyond_the_limits_are_data_errors(tmp_path: Path, name: str, text: str) -> None:
    data = tmp_path / name
    data.write_text(text, encoding="utf-8")
    start = time.process_time()
    code, _, err = run("check", str(MINI), str(data))
    assert time.process_time() - start < 1
    assert code == 2
    assert "a number more than" in err
    assert len(err) < 1000


def test_the_number_limits() -> None:
    assert number_problem(Decimal("1E+30")) is None
    assert number_problem(Decimal("1000000000000000000000000000000.1")) is not None
    assert number_problem(Decimal("0." + "1" * MAX_NUMBER_DIGITS)) is None
    assert number_problem(Decimal("0." + "1" * (MAX_NUMBER_DIGITS + 1))) is not None
    assert number_problem(Decimal("1200.000")) is None  # trailing zeros are not digits
    assert number_problem(Fraction(1, 3)) is None
    assert number_problem(Fraction(1, 10**MAX_NUMBER_DIGITS)) is not None
    assert number_problem(-(10**31)) is not None
    # Through the API, DataFrames and rows alike: the same parsing.
    with pytest.raises(DataError, match="a number more than 10"):
        qrules.Dataset.from_mapping(qrules.load(MINI), {"firms": 10**5000}, year=2025)
    with pytest.raises(DataError, match="a number more than 10"):
        qrules.Dataset.from_mapping(qrules.load(MINI), {"firms": Decimal("1e100000000")}, year=2025)


def test_numbers_in_a_register_are_measured_before_they_are_read() -> None:
    start = time.process_time()
    register = read_register(
        [
            {"unit": Decimal("1e100000000"), "category": "catering"},
            {"unit": 10**5000, "category": "catering"},
            {"unit": "U1", "category": "catering", "registered": 10**400},
            {"unit": "U2", "category": "catering"},
        ]
    )
    assert time.process_time() - start < 1
    assert [u.unit for u in register.units] == ["U2"]
    assert register.rows_rejected == 3
    assert all("a number more than 10^30" in p.message for p in register.problems)
    assert register.problems[2].where == "row 3, column 'registered'"


def test_results_beyond_4300_digits_are_written_rounded(tmp_path: Path) -> None:
    rulebook, data = product_formula(tmp_path)
    for format_ in ("table", "json", "markdown", "junit"):
        code, out, err = run(
            "check", str(rulebook), str(data), "--rule", "coverage", "--format", format_
        )
        assert code == 1, err
        assert "≈1.0e-4498" in out  # 100 / 10^4500, rounded
    assert_bounded(
        measured(
            "report",
            str(rulebook),
            str(data),
            "--rule",
            "coverage",
            "-o",
            str(tmp_path / "report.html"),
        ),
        0,
        30,
    )


@pytest.mark.parametrize("where", ["dataset", "register"])
def test_a_csv_field_over_the_limit(tmp_path: Path, where: str) -> None:
    if where == "dataset":
        data = long_field_csv(
            tmp_path / "field.csv", "year,measure,value", "2025,{},1", MAX_CSV_FIELD_CHARS + 1
        )
        argv = ["check", str(MINI), str(data)]
    else:
        data = long_field_csv(
            tmp_path / "field.csv", "unit,category", "{},catering", MAX_CSV_FIELD_CHARS + 1
        )
        argv = ["check", "yantai-2023-2025", "--register", str(data)]
    result = measured(*argv)
    assert_bounded(result, 2, 20)
    assert "field.csv, line 2: a cell is longer than 131,072 characters" in result.err


def test_a_field_under_the_limit_is_echoed_clipped(tmp_path: Path) -> None:
    data = tmp_path / "field.csv"
    unit = "u" * (MAX_CSV_FIELD_CHARS - 10)
    data.write_text(f"unit,category\n{unit},catering\n{unit},catering\n", encoding="utf-8")
    register = read_register(data)
    [problem] = register.problems
    assert "is given twice" in problem.message
    assert len(str(problem)) < 3 * MAX_MESSAGE_CHARS
    assert "characters) …" in problem.message
    assert len(Problem("f", "x" * 10**6, hint="y" * 10**6).hint or "") <= MAX_MESSAGE_CHARS + 40


def test_an_xlsx_with_a_200_mb_cell(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    bomb = xlsx_bomb(tmp_path / "bomb.xlsx", 200)
    assert bomb.stat().st_size < 1024 * 1024
    result = measured("check", "yantai-2023-2025", "--register", str(bomb))
    assert_bounded(result, 2, 20)
    assert "bomb.xlsx: part 'xl/worksheets/sheet1.xml' would expand to 209,7" in result.err
    assert len(result.err) < 1000


@pytest.mark.parametrize("what", ["json", "mapping"])
def test_deep_nesting(tmp_path: Path, what: str) -> None:
    if what == "json":
        # (10**5 levels: nested past the parser, within `MAX_JSON_DATASET_VALUES`;
        # a million brackets are refused for their count, before they are parsed)
        argv = ["check", str(MINI), str(nested_json(tmp_path / "deep.json", 10**5))]
    else:
        argv = [
            "check",
            "yantai-2023-2025",
            "--register",
            str(SAMPLES / "register.csv"),
            "--mapping",
            # (10**5 levels: a file within the mapping's 1 MiB, nested past the parser)
            str(nested_toml(tmp_path / "deep.toml", 10**5)),
        ]
    result = measured(*argv)
    assert_bounded(result, 2, 20)
    assert "nested too deeply" in result.err


def test_diff_of_24_clauses_is_undecided_within_its_budget(tmp_path: Path) -> None:
    old, new = diff_clauses(tmp_path, 24)
    assert len(qrules.load(old)["firms"].requirement.text) > 400
    result = measured("diff", str(old), str(new))
    assert_bounded(result, 1, 30)
    assert "undecided (49,152 cases to compare, over the budget of 64)" in result.out
    # Under the count, a comparison is timed: bounded all the same.
    old, new = diff_clauses(tmp_path / "smaller", 10)
    result = measured("diff", str(old), str(new), "--format", "json")
    assert_bounded(result, 1, 30)


def test_lint_of_a_degree_40_polynomial_is_undecided(tmp_path: Path) -> None:
    folder = high_degree(tmp_path, 40)
    result = measured("lint", str(folder))
    assert_bounded(result, 1, 20)
    assert "its polynomial degree is 40, over the budget of 8 for symbolic work" in result.out
    _, out, _ = run("lint", str(folder), "--lang", "zh")
    assert "其多项式次数为 40" in out


def test_diff_of_a_high_degree_is_undecided(tmp_path: Path) -> None:
    old = high_degree(tmp_path / "old", 9)
    new = high_degree(tmp_path / "new", 10)
    result = measured("diff", str(old), str(new))
    assert_bounded(result, 1, 20)
    assert "undecided (firms: its polynomial degree is 9, over the budget of 8" in result.out
