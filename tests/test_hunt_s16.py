"""Findings of session 16's adversarial hunt (helper hunt16): each a
reproducer of a defect fixed here (a false verdict or a boundary failure).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import qrules
from qrules import Verdict
from qrules.testing import evaluate_for_test

from .conftest import run

BOOK = "yantai-2023-2025"
INSPECTED = "infant-formula-makers-system-inspected-yearly"
YEAR = {"log_from": "2024-01-01", "log_until": "2024-12-31"}
#: A log of the system inspections of IF01 and IF02 in 2024, by column.
SYSTEM_2024 = {
    "inspection": ["1", "2"],
    "unit": ["IF01", "IF02"],
    "date": ["2024-03-01"] * 2,
    "kind": ["system"] * 2,
}


@pytest.fixture(scope="module")
def book() -> qrules.Rulebook:
    return qrules.load(BOOK)


# -- a requirement that ignores the data, said in Chinese ------------------------------------


@pytest.mark.parametrize(
    ("requirement", "english", "chinese"),
    [
        (">= -1", "the requirement is met whatever values", "该要求都满足"),
        ("> 100", "the requirement is not met whatever values", "该要求都不满足"),
        ("1 >= 0", "does not depend on the data: it is always true", "它总是成立"),
        ("1 < 0", "does not depend on the data: it is always false", "它总是不成立"),
        ("pass_rate >= 1 / 0", "divides by zero whatever the data", "都除以零"),
    ],
)
def test_a_requirement_that_ignores_the_data_is_said_in_chinese(
    mini_copy: Path, requirement: str, english: str, chinese: str
) -> None:
    """A rule file's requirement that the data cannot change (``>= -1`` of a
    percentage) was refused, under ``--lang zh``, in English: the loader's
    checks in `_compile.ignores_data` wrote their own English text, outside
    the catalog. Now each is the catalog's message, in either language."""
    rules = mini_copy / "rules.toml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(
        text.replace('requirement = ">= 98.5"', f'requirement = "{requirement}"', 1),
        encoding="utf-8",
    )
    code, _, err = run("lint", str(mini_copy))
    assert code == 2
    assert english in err
    code, _, err = run("--lang", "zh", "lint", str(mini_copy))
    assert code == 2
    assert chinese in err
    assert english not in err
    assert "whatever" not in err
    assert "depend" not in err


def test_a_time_of_day_where_a_date_belongs_is_said_in_either_language(mini_copy: Path) -> None:
    """A TOML time (``due = 23:59:59``) was described by Python's names: "got
    time datetime.time(23, 59, 59)", and in Chinese "实为time ...". Now it is a
    time of day, written as TOML writes it."""
    rules = mini_copy / "rules.toml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text.replace("due = 2025-12-31", "due = 23:59:59", 1), encoding="utf-8")
    code, _, err = run("lint", str(mini_copy))
    assert code == 2
    assert "key 'due': expected a date, got a time of day 23:59:59" in err
    code, _, err = run("--lang", "zh", "lint", str(mini_copy))
    assert code == 2
    assert "应为日期,实为时刻 23:59:59" in err
    assert "datetime" not in err


# -- bytes in a register: a unit id no one wrote ---------------------------------------------


def _judged(book: qrules.Rulebook, register: Any, log: Any, engine: str | None) -> qrules.Result:
    [result] = evaluate_for_test(
        None, book, register=register, log=log, rules=[INSPECTED], engine=engine, **YEAR
    )
    return result


@pytest.mark.parametrize("engine", [None, "duckdb"])
def test_unit_ids_held_as_bytes_are_not_read_as_their_python_text(
    book: qrules.Rulebook, engine: str | None
) -> None:
    """A register whose unit ids are bytes (a Parquet file of a writer that
    stores text as plain binary, a database's BLOB, a DataFrame of bytes) had
    each id read as Python writes it, ``b'IF01'``: the log's inspections of
    ``IF01`` and ``IF02`` were of units not in the register, and both makers,
    which had their system inspection, failed the rule: "not met", 0 of 2.
    A cell of bytes is now not read (its row rejected, named), so the result
    is unknown on every route and engine."""
    pandas = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    register = pandas.DataFrame(
        {"unit": [b"IF01", b"IF02"], "category": ["infant_formula_maker"] * 2}
    )
    log = pandas.DataFrame(SYSTEM_2024)
    result = _judged(book, register, log, engine)
    assert result.verdict is Verdict.UNKNOWN
    assert result.failing_units == ()
    evaluation = evaluate_for_test(
        None, book, register=register, log=log, rules=[INSPECTED], engine=engine, **YEAR
    )
    [problem, _] = evaluation.records[0].problems
    assert "the cell holds bytes (b'IF01'), not text, a number or a date" in str(problem)
    assert "row 1" in str(problem)


def test_a_binary_arrow_column_is_read_as_the_row_reader_reads_it(
    book: qrules.Rulebook, tmp_path: Path
) -> None:
    """The same register as a Parquet file with a binary column (the
    column-wise reader read it as the row reader did: ``b'IF01'``): its rows
    are rejected, named, in either language, and the result is unknown."""
    pa = pytest.importorskip("pyarrow")
    parquet = pytest.importorskip("pyarrow.parquet")
    register = pa.table(
        {
            "unit": pa.array([b"IF01", b"IF02"], pa.binary()),
            "category": ["infant_formula_maker"] * 2,
        }
    )
    log = pa.table(SYSTEM_2024)
    assert _judged(book, register, log, None).verdict is Verdict.UNKNOWN
    parquet.write_table(register, tmp_path / "register.parquet")
    parquet.write_table(log, tmp_path / "log.parquet")
    options = ["--rule", INSPECTED, "--log-from", "2024-01-01", "--log-until", "2024-12-31"]
    files = [
        "--register",
        str(tmp_path / "register.parquet"),
        "--log",
        str(tmp_path / "log.parquet"),
    ]
    code, out, _ = run("check", BOOK, *files, *options)
    assert code == 1
    assert "0 met, 0 not met, 1 unknown" in out
    assert "register.parquet, row 1, column 'unit': the cell holds bytes (b'IF01')" in out
    code, out, _ = run("--lang", "zh", "check", BOOK, *files, *options)
    assert "单元格中是二进制数据（b'IF01'），不是文本、数字或日期" in out


def test_a_period_column_is_read_by_rows_not_refused_as_a_damaged_file(
    book: qrules.Rulebook,
) -> None:
    """A DataFrame with a pandas ``Period`` column (an Arrow extension type,
    which Arrow's kernels do not take) was refused as "not a readable Parquet
    or Arrow file: Function 'unique' has no kernel matching input types …
    (export the table again; the file may be damaged or cut short)", Arrow's
    English whatever the language. Now its rows are read by the row reader:
    a period is no date, and its rows are rejected, each named."""
    pandas = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    register = pandas.DataFrame(
        {"unit": ["IF01", "IF02"], "category": ["infant_formula_maker"] * 2}
    )
    log = pandas.DataFrame(
        {
            "inspection": ["1", "2"],
            "unit": ["IF01", "IF02"],
            "date": pandas.period_range("2024-03-01", periods=2, freq="D"),
            "kind": ["system"] * 2,
        }
    )
    evaluation = evaluate_for_test(
        None, book, register=register, log=log, rules=[INSPECTED], **YEAR
    )
    [result] = evaluation
    assert result.verdict is Verdict.UNKNOWN
    assert evaluation.records[1].rows_rejected == 2
    assert all("column 'date'" in str(p) for p in evaluation.records[1].problems)


# -- the decision log: appended through a link, or to a file that is no log ----------------

FOOD = "food-safety-sampling-pass-rate"


def test_a_decision_log_that_is_a_link_is_not_appended_through(tmp_path: Path) -> None:
    """``--decision-log FILE`` opened FILE to append, following a symbolic
    link: a link left in a shared folder (``/tmp/decisions.jsonl`` naming a
    user's file) made qrules append JSON to the file it names, where ``-o``
    refuses such a link. Now it is refused (exit 2, in either language) and
    the file it names is left as it was."""
    target = tmp_path / "precious.txt"
    target.write_text("precious\n", encoding="utf-8")
    link = tmp_path / "decisions.jsonl"
    link.symlink_to(target)
    code, _, err = run("check", BOOK, "--sample", "--rule", FOOD, "--decision-log", str(link))
    assert code == 2
    assert "the decision log is a symbolic link" in err
    code, _, err = run(
        "--lang", "zh", "check", BOOK, "--sample", "--rule", FOOD, "--decision-log", str(link)
    )
    assert code == 2
    assert "决策日志是符号链接" in err
    assert target.read_text(encoding="utf-8") == "precious\n"
    assert link.is_symlink()


def test_a_file_that_is_no_decision_log_is_not_appended_to(
    tmp_path: Path, book: qrules.Rulebook
) -> None:
    """A file named by mistake (a CSV file, a report) was appended to, its
    last line taken for a record and chained to. Now it is refused, on the
    command line and in Python, and left as it was; a log qrules wrote is
    appended to as before, and audits clean."""
    other = tmp_path / "register.csv"
    other.write_text("unit,category\nIF01,infant_formula_maker\n", encoding="utf-8")
    code, _, err = run("check", BOOK, "--sample", "--rule", FOOD, "--decision-log", str(other))
    assert code == 2
    assert "not a decision log (its last line is not a record qrules writes)" in err
    with pytest.raises(qrules.QRulesError, match="not a decision log"):
        book.evaluate({"food_safety_sampling_pass_rate": 99}, rules=[FOOD], decision_log=other)
    assert other.read_text(encoding="utf-8") == "unit,category\nIF01,infant_formula_maker\n"
    log = tmp_path / "decisions.jsonl"
    for _ in range(2):
        code, _, _ = run("check", BOOK, "--sample", "--rule", FOOD, "--decision-log", str(log))
        assert code in (0, 1)
    code, out, _ = run("audit", str(log))
    assert code == 0
    assert "2 lines" in out


# -- the rule coverage report: its path checked before the run, never a link ---------------

SUITE = """
import shutil

import qrules

def test_judged():
    book = qrules.load("yantai-2023-2025")
    rule = "food-safety-sampling-pass-rate"
    book.evaluate({{"food_safety_sampling_pass_rate": 99}}, rules=[rule])
{extra}
"""


def test_a_coverage_report_through_a_link_is_refused_before_the_run(
    pytester: pytest.Pytester,
) -> None:
    """``--qrules-coverage-report=json:PATH`` wrote PATH with ``write_text``,
    following a symbolic link: a link left where the report goes made the run
    overwrite the file it names (``-o`` refuses such a link). Now it is a
    usage error before any test runs, in either language, the file untouched."""
    pytester.makepyfile(test_suite=SUITE.format(extra=""))
    target = pytester.path / "precious.txt"
    target.write_text("precious\n", encoding="utf-8")
    (pytester.path / "coverage.json").symlink_to(target)
    result = pytester.runpytest(
        "-p", "no:cacheprovider", "--qrules-coverage-report=json:coverage.json"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*coverage.json: a symbolic link (to *precious.txt*)*"])
    assert target.read_text(encoding="utf-8") == "precious\n"
    result = pytester.runpytest(
        "-p",
        "no:cacheprovider",
        "--qrules-lang",
        "zh",
        "--qrules-coverage-report=json:coverage.json",
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*是符号链接*"])


@pytest.mark.parametrize(
    ("spec", "said"),
    [
        ("json:missing/coverage.json", "*there is no folder 'missing' (create it first)*"),
        ("markdown:.", "*: a folder; give a file's path*"),
    ],
)
def test_a_coverage_report_that_cannot_be_written_is_said_before_the_run(
    pytester: pytest.Pytester, spec: str, said: str
) -> None:
    """A report in a folder that does not exist was found only after the
    whole suite had run: an INTERNALERROR with Python's traceback
    (``FileNotFoundError``). Now it is a usage error before any test runs."""
    pytester.makepyfile(test_suite=SUITE.format(extra=""))
    result = pytester.runpytest("-p", "no:cacheprovider", f"--qrules-coverage-report={spec}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([said])
    assert "Traceback" not in result.stdout.str() + result.stderr.str()


def test_a_coverage_report_whose_folder_went_away_fails_the_run_in_words(
    pytester: pytest.Pytester,
) -> None:
    """A folder removed while the suite ran: the run fails, saying which report
    was not written and why, with no traceback; the other report is written."""
    (pytester.path / "reports").mkdir()
    extra = "\ndef test_removes_the_folder():\n    shutil.rmtree('reports')\n"
    pytester.makepyfile(test_suite=SUITE.format(extra=extra))
    result = pytester.runpytest(
        "-p",
        "no:cacheprovider",
        "--qrules-coverage-report=json:reports/coverage.json",
        "--qrules-coverage-report=json:coverage.json",
    )
    result.assert_outcomes(passed=2)  # every test passed: the report failed the run
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*qrules coverage: *reports/coverage.json*", "*"])
    assert "wrote the json report to coverage.json" in result.stdout.str()
    assert "wrote the json report to reports/coverage.json" not in result.stdout.str()
    assert "Traceback" not in result.stdout.str() + result.stderr.str()
    assert (pytester.path / "coverage.json").is_file()


# -- a mapping file whose two keys are read as one ---------------------------------------------

HIGH_RISK = "high-risk-catering-units-inspected-twice-yearly"


@pytest.mark.parametrize("order", [("A", "Ａ"), ("Ａ", "A")])
def test_codes_read_as_one_but_mapped_two_ways_are_a_mapping_error(
    tmp_path: Path, order: tuple[str, str]
) -> None:
    """``"A" = "low"`` and ``"Ａ" = "high"`` (full-width A, which every cell
    is read as A) in ``[register.codes.risk_level]``: the later line won, so
    the verdict followed the order of the mapping's lines ("not met, 0 of 2"
    one way, no population the other). Now it is a mapping error naming
    both keys, in either language."""
    (tmp_path / "register.csv").write_text(
        "unit,category,risk_level\nC1,catering,A\nC2,catering,Ａ\n", encoding="utf-8"
    )
    (tmp_path / "log.csv").write_text(
        "inspection,unit,date,kind\n1,C1,2024-03-01,routine\n", encoding="utf-8"
    )
    first, second = order
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(
        f'[register.codes.risk_level]\n"{first}" = "low"\n"{second}" = "high"\n', encoding="utf-8"
    )
    files = ["--register", str(tmp_path / "register.csv"), "--log", str(tmp_path / "log.csv")]
    options = ["--mapping", str(mapping), "--rule", HIGH_RISK, *("--log-from", "2024-01-01")]
    code, _, err = run("check", BOOK, *files, *options, "--log-until", "2024-12-31")
    assert code == 2
    assert f"key 'register.codes.risk_level.{second}': '{second}' reads as '{first}' does" in err
    code, _, err = run("--lang", "zh", "check", BOOK, *files, *options)
    assert code == 2
    assert f"'{second}' 读取后与 '{first}' 相同" in err


def test_a_column_scaled_two_ways_is_a_mapping_error(tmp_path: Path, book: qrules.Rulebook) -> None:
    """``[figures.scale]`` giving ``完成值(万)`` the factor 万 and
    ``完成值（万）`` (the same header once read) the factor 1: the later won,
    and the figures were read at either scale by the order of the lines."""
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(
        '[figures.columns]\nvalue = "完成值(万)"\n\n'
        '[figures.scale]\n"完成值（万）" = 1\n"完成值(万)" = "万"\n',
        encoding="utf-8",
    )
    figures = tmp_path / "figures.csv"
    figures.write_text(
        "year,measure,完成值(万)\n2025,food_samples_tested,4\n2025,food_samples_passed,3.95\n",
        encoding="utf-8",
    )
    with pytest.raises(qrules.DataError, match="reads as '完成值（万）' does"):
        book.evaluate(figures, mapping=mapping)


# -- a file's name in a problem, on a terminal -----------------------------------------------


def test_a_rule_files_name_cannot_colour_or_forge_a_line_of_the_output(mini_copy: Path) -> None:
    """A rulebook folder from elsewhere (a drafter's pull request) holding a
    rule file named ``a<ESC>[31mred<LF>fake.toml``: the problem's line began
    with the name as it is, so the escape coloured the terminal and the line
    break forged a line of output. The name is now shown as a terminal shows
    any value from an input (``\\x1b``, ``\\x0a``), in either language."""
    (mini_copy / "a\x1b[31mred\nfake.toml").write_text("x = [\n", encoding="utf-8")
    for lang in ("en", "zh"):
        code, out, err = run("--lang", lang, "lint", str(mini_copy))
        assert code == 2
        assert "\x1b" not in out + err
        assert "a\\x1b[31mred\\x0afake.toml" in err
        assert len(err.strip().splitlines()) == 2  # the heading and the one problem


# -- left to the lead: the decision log of failing units written to a table ------------------


def test_the_decision_log_does_not_say_no_unit_fails_when_they_went_to_a_table(
    book: qrules.Rulebook, tmp_path: Path
) -> None:
    """``evaluate_tables(..., failing_units_to="out", decision_log=…)``: the
    result is not met, 2 units fail it and are written to ``out``, and the
    decision log's record says ``"failing_units": 0``: the audit trail says
    no unit failed. It should say 2, or nothing (``null``: not listed)."""
    duckdb = pytest.importorskip("duckdb")
    connection = duckdb.connect()
    connection.execute("CREATE TABLE r (unit VARCHAR, category VARCHAR)")
    connection.execute(
        "INSERT INTO r VALUES ('IF01', 'infant_formula_maker'), ('IF02', 'infant_formula_maker')"
    )
    connection.execute("CREATE TABLE l (inspection VARCHAR, unit VARCHAR, date DATE, kind VARCHAR)")
    connection.execute("INSERT INTO l VALUES ('1', 'IF01', DATE '2024-03-01', 'routine')")
    log = tmp_path / "decisions.jsonl"
    [result] = qrules.evaluate_tables(
        book,
        connection,
        register="r",
        log="l",
        rules=[book[INSPECTED]],
        failing_units_to="out",
        decision_log=log,
        **YEAR,
    )
    assert result.verdict is Verdict.NOT_MET
    assert connection.execute("SELECT count(*) FROM out").fetchall() == [(2,)]
    [line] = log.read_text(encoding="utf-8").splitlines()
    # (Not listed: in the table, not in the results; null, never 0.)
    assert json.loads(line)["records"]["failing_units"] is None
