"""Rule coverage: the recorder, the exact gate, the reports, and the pytest
plugin's options, in suites run by pytester."""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path

import pytest

import qrules
from qrules._coverage import (
    CoverageRecorder,
    CoverageReport,
    RulebookCoverage,
    RuleCoverage,
    coverage_json,
    parse_threshold,
    percent_text,
    read_coverage,
)
from qrules._observe import listening

from .conftest import MINI, run


def big_rulebook(folder: Path, count: int) -> Path:
    """A rulebook of ``count`` rules ``m{i} >= 10`` (a gate needs 100 or more
    rules to be at 99.x %)."""
    folder.mkdir()
    (folder / "plan.toml").write_text(
        'schema_version = 1\nid = "big"\nversion = "1.0.0"\nstatus = "draft"\n'
        'text = "plan.txt"\ntitle = { zh = "大计划", en = "A big plan" }\n'
        'issuer = { zh = "测试局", en = "Test office" }\n'
        "period = { start = 2023-01-01, end = 2025-12-31 }\n",
        encoding="utf-8",
    )
    (folder / "plan.txt").write_text(
        "".join(f"指标{i}不少于10个。\n" for i in range(count)), encoding="utf-8"
    )
    (folder / "measures.toml").write_text(
        "".join(
            f'[measure.m{i}]\nname = {{ zh = "指标{i}", en = "Measure {i}" }}\nunit = "count"\n\n'
            for i in range(count)
        ),
        encoding="utf-8",
    )
    (folder / "rules.toml").write_text(
        "".join(
            f'[[rule]]\nid = "r{i}"\ntitle = {{ zh = "指标{i}", en = "Measure {i}" }}\n'
            f'measure = "m{i}"\naggregation = "level"\nrequirement = ">= 10"\n'
            f'due = 2025-12-31\nresponsible = ["测试局"]\n'
            f'[rule.source]\nsection = "一"\nquote = "指标{i}不少于10个"\n\n'
            for i in range(count)
        ),
        encoding="utf-8",
    )
    return folder


#: A suite judging every rule of the big rulebook met, not met and unknown, and
#: on its threshold except for the rules listed in SKIP_BOUNDARY.
BIG_SUITE = """
import qrules
SKIP_BOUNDARY = {skip!r}

def test_every_rule():
    book = qrules.load({folder!r})
    for rule in book:
        values = ["11", "9"] + ([] if rule.id in SKIP_BOUNDARY else ["10"])
        for value in values:
            book.evaluate({{rule.measure.id: value}}, rules=[rule])
        book.evaluate({{}}, rules=[rule])
"""


def big_suite(pytester: pytest.Pytester, count: int, skip: set[str]) -> None:
    folder = big_rulebook(pytester.path / "big", count)
    pytester.makepyfile(test_big=BIG_SUITE.format(skip=skip, folder=str(folder)))
    pytester.makeini("[pytest]\nqrules_coverage_rulebooks = big\n")


def test_a_suite_that_never_tests_a_boundary_is_reported_so(pytester: pytest.Pytester) -> None:
    big_suite(pytester, 3, {"r1"})
    result = pytester.runpytest("-p", "no:cacheprovider", "--qrules-coverage")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "*rule coverage: big 1.0.0 (fingerprint *), 2 of 3 rules fully covered",
            "*r1 *met, not met, unknown *no *<·> *boundary",
            "total: 2 of 3 rules fully covered (66.66 %)",
        ]
    )
    assert result.ret == 0  # no gate asked for


def test_the_gate_fails_at_99_5_percent_when_asked_for_100(pytester: pytest.Pytester) -> None:
    big_suite(pytester, 200, {"r7"})
    report = pytester.path / "coverage.json"
    result = pytester.runpytest(
        "-p",
        "no:cacheprovider",
        "--qrules-cov-fail-under=100",
        f"--qrules-coverage-report=json:{report}",
    )
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "*r7 *boundary",
            "total: 199 of 200 rules fully covered (99.5 %)",
            "FAIL rule coverage: 199 of 200 rules fully covered (99.5 %), under the 100 % required",
        ]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    saved = json.loads(report.read_text(encoding="utf-8"))
    assert (saved["covered"], saved["total"]) == (199, 200)
    # 99.5 exactly is enough for a gate of 99.5, and not for 99.51.
    assert pytester.runpytest("-p", "no:cacheprovider", "--qrules-cov-fail-under=99.5").ret == 0
    assert (
        pytester.runpytest("-p", "no:cacheprovider", "--qrules-cov-fail-under=99.51").ret
        == pytest.ExitCode.TESTS_FAILED
    )


def test_the_gate_passes_at_exactly_100(pytester: pytest.Pytester) -> None:
    big_suite(pytester, 200, set())
    result = pytester.runpytest("-p", "no:cacheprovider", "--qrules-cov-fail-under=100")
    result.stdout.fnmatch_lines(
        [
            "total: 200 of 200 rules fully covered (100 %)",
            "rule coverage: the required 100 % reached",
        ]
    )
    assert result.ret == 0


def test_the_ini_gate_applies_to_runs_of_the_whole_suite(pytester: pytest.Pytester) -> None:
    big_suite(pytester, 3, {"r1"})
    pytester.makeini(
        "[pytest]\ntestpaths = .\nqrules_coverage = true\n"
        "qrules_cov_fail_under = 100\nqrules_coverage_rulebooks = big\n"
    )
    assert pytester.runpytest("-p", "no:cacheprovider").ret == pytest.ExitCode.TESTS_FAILED
    # A file named on the command line is not the whole suite: reported, not gated.
    result = pytester.runpytest("-p", "no:cacheprovider", "test_big.py")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["total: 2 of 3 rules fully covered (66.66 %)"])


def test_a_rulebook_in_scope_never_judged_counts_every_rule_uncovered(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_none="def test_nothing():\n    pass\n")
    pytester.makeini(f"[pytest]\nqrules_coverage_rulebooks = {MINI}\n")
    result = pytester.runpytest("-p", "no:cacheprovider", "--qrules-cov-fail-under=1")
    result.stdout.fnmatch_lines(["total: 0 of 4 rules fully covered (0 %)", "FAIL*"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


@pytest.mark.parametrize(
    "option",
    [
        "--qrules-cov-fail-under=101",
        "--qrules-cov-fail-under=x",
        "--qrules-coverage-report=pdf:out.pdf",
        "--qrules-coverage-report=json",
    ],
)
def test_bad_options_say_what_to_write(pytester: pytest.Pytester, option: str) -> None:
    pytester.makepyfile(test_none="def test_nothing():\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider", option)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*qrules coverage: *"])


def test_the_summary_in_chinese(pytester: pytest.Pytester) -> None:
    """``--qrules-lang zh`` (or the ``qrules_lang`` ini key): the section, the
    table, the reports written and the gate, in Chinese, with no English left."""
    big_suite(pytester, 3, {"r1"})
    report = pytester.path / "coverage.json"
    result = pytester.runpytest(
        "-p",
        "no:cacheprovider",
        "--qrules-lang",
        "zh",
        "--qrules-cov-fail-under=100",
        f"--qrules-coverage-report=json:{report}",
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "*= qrules 规则覆盖率 =*",
            "规则覆盖:big 1.0.0(指纹 *),3 条规则中 2 条完全覆盖",
            "*r1 *达标、未达标、无法判定*",
            f"已写入 json 报告:{report}",
            "规则覆盖率未达标:3 条规则中 2 条完全覆盖(66.66%),低于要求的 100%",
        ]
    )
    summary = result.stdout.str().split("qrules 规则覆盖率", 1)[1].rsplit("\n", 2)[0]
    assert re.findall(r"[A-Za-z]{2,}", summary.replace(str(report), "")) == ["big", "json"]
    pytester.makeini("[pytest]\nqrules_coverage_rulebooks = big\nqrules_lang = zh\n")
    result = pytester.runpytest("-p", "no:cacheprovider", "--qrules-coverage")
    result.stdout.fnmatch_lines(["*= qrules 规则覆盖率 =*", "合计:3 条规则中 2 条完全覆盖*"])
    result = pytester.runpytest("-p", "no:cacheprovider", "--qrules-coverage", "--qrules-lang=en")
    result.stdout.fnmatch_lines(["*= qrules rule coverage =*"])


@pytest.mark.parametrize(
    ("option", "said"),
    [
        ("--qrules-lang=fr", "*qrules coverage: --qrules-lang=fr: the language is zh or en"),
        (
            "--qrules-coverage-report=pdf:out.pdf",
            "*qrules 规则覆盖率:--qrules-coverage-report='pdf:out.pdf':请写作 FORMAT:PATH*",
        ),
        (
            "--qrules-cov-fail-under=x",
            "*qrules 规则覆盖率:--qrules-cov-fail-under='x':请给出 0 到 100*",
        ),
    ],
)
def test_bad_options_in_chinese(pytester: pytest.Pytester, option: str, said: str) -> None:
    pytester.makepyfile(test_none="def test_nothing():\n    pass\n")
    lang = ("--qrules-coverage",) if "lang" in option else ("--qrules-lang", "zh")
    result = pytester.runpytest("-p", "no:cacheprovider", *lang, option)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([said])


def test_the_gate_is_exact() -> None:
    def report(covered: int, total: int) -> CoverageReport:
        rules = tuple(
            RuleCoverage(f"r{i}", ("met", "not_met", "unknown"), ((True, i < covered, True),))
            for i in range(total)
        )
        return CoverageReport((RulebookCoverage("b", "1", "f", rules),))

    nearly = report(19_999, 20_000)
    assert nearly.share == Fraction(19_999 * 100, 20_000)
    assert nearly.percent() == "99.99"  # rounded down: never "100"
    assert nearly.under(parse_threshold("100")) is not None
    assert nearly.under(parse_threshold("99.995")) is None
    assert report(20_000, 20_000).under(parse_threshold("100")) is None
    assert str(report(0, 0).under(parse_threshold("0"))) == "no rule was judged: nothing is covered"
    assert percent_text(Fraction(200, 3)) == "66.66"


def test_records_rules_need_a_failing_unit_listed() -> None:
    seen = RuleCoverage("r", ("met", "not_met", "unknown"), ((True, True, True),), records=True)
    assert seen.missing == ("failing unit",)
    assert RuleCoverage("r", (), ((False, False, False), (True, True, True))).missing == (
        "met",
        "not_met",
        "unknown",
        "boundary 1",
    )


def test_the_recorder_reads_counts_and_rates(yantai: qrules.Rulebook) -> None:
    recorder = CoverageRecorder(frozenset({yantai.fingerprint}))
    rules = yantai.select(ids=["food-safety-sampling-pass-rate"])
    with listening(recorder):
        # 200 * 1970 - 197 * 2000 == 0: on the boundary, from counts.
        yantai.evaluate({"food_samples_passed": 1970, "food_samples_tested": 2000}, rules=rules)
        yantai.evaluate({"food_safety_sampling_pass_rate": "98.4"}, rules=rules)
        qrules.load(MINI).evaluate({})  # out of scope: not recorded
    [book] = recorder.report().rulebooks
    [rule] = [r for r in book.rules if r.rule == "food-safety-sampling-pass-rate"]
    assert rule.verdicts == ("met", "not_met")
    assert rule.comparisons == ((True, True, False),)
    assert rule.missing == ("unknown",)


def test_qrules_coverage_renders_a_saved_report(tmp_path: Path, yantai: qrules.Rulebook) -> None:
    recorder = CoverageRecorder()
    with listening(recorder):
        yantai.evaluate(
            {"food_safety_sampling_pass_rate": "98.5"},
            rules=yantai.select(ids=["food-safety-sampling-pass-rate"]),
        )
    saved = tmp_path / "coverage.json"
    saved.write_text(coverage_json(recorder.report()), encoding="utf-8")
    assert read_coverage(saved.read_text(encoding="utf-8"), "x") == recorder.report()
    code, out, _ = run("coverage", str(saved))
    assert code == 1  # not every rule fully covered
    assert re.search(r"\n  food-safety-sampling-pass-rate +met +yes +·=· +not met, unknown\n", out)
    assert "total: 0 of 94 rules fully covered (0 %)" in out
    code, out, _ = run("coverage", str(saved), "--lang", "zh")
    assert "合计:94 条规则中 0 条完全覆盖(0%)" in out
    code, out, _ = run("coverage", str(saved), "--format", "markdown")
    assert out.startswith("## rule coverage: yantai-2023-2025")
    code, out, _ = run("coverage", str(saved), "--format", "html", "--fail-under", "0")
    assert code == 0
    assert "<table>" in out
    (tmp_path / "bad.json").write_text("{}", encoding="utf-8")
    code, _, err = run("coverage", str(tmp_path / "bad.json"))
    assert code == 2
    assert "not a qrules coverage report" in err or "schema_version" in err


def test_hostile_reports_are_shown_not_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rule = RuleCoverage("a|b\x1b[2J<script>", ("met",), ((True, False, True),))
    saved = tmp_path / "hostile.json"
    saved.write_text(
        coverage_json(CoverageReport((RulebookCoverage("b", "1", "f", (rule,)),))), encoding="utf-8"
    )
    code, out, _ = run("coverage", str(saved))
    assert code == 1
    assert "\x1b" not in out
    assert "a|b\\x1b[2J<script>" in out
    _, out, _ = run("coverage", str(saved), "--format", "markdown")
    assert "a\\|b\\\\x1b\\[2J&lt;script>" in out
    _, out, _ = run("coverage", str(saved), "--format", "html")
    assert "<script>" not in out
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    code, _, err = run("coverage", str(tmp_path / "deep.json"))
    assert code == 2
    assert "not a qrules coverage report" in err
    monkeypatch.setattr("qrules.cli.MAX_COVERAGE_REPORT_BYTES", 100)
    code, _, err = run("coverage", str(saved))
    assert code == 2
    assert "larger than 100 bytes" in err
