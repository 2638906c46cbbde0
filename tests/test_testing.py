"""assert_meets and the pytest plugin, as a user's test suite sees them."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import qrules
from qrules import _messages
from qrules._messages import Lang
from qrules.testing import KnownFailure, assert_meets, evaluate_for_test

from .conftest import MINI
from .test_languages import leftover

MET = {"passed": 197, "sampled": 200, "firms": 300}


def test_assert_meets_passes_and_returns_the_evaluation(mini: qrules.Rulebook) -> None:
    evaluation = assert_meets(MET, mini, rules=["pass-rate", "firms"], year=2025)
    assert evaluation.ok


def test_assert_meets_lists_every_failure(mini: qrules.Rulebook) -> None:
    with pytest.raises(AssertionError) as caught:
        assert_meets({"passed": 1231, "sampled": 1250}, mini, rules=["pass-rate", "firms"])
    message = str(caught.value)
    assert message.startswith("2 of 2 results do not meet rulebook mini 1.0.0")
    assert "pass-rate [2025]: not met — Food safety sampling pass rate" in message
    assert "observed 98.48, required >= 98.5, short by 0.02" in message
    assert "needs: 1 more samples that passed (1231 → 1232)" in message
    assert "plan (一): 食品安全抽检合格率≥98.5" in message
    assert "firms [2025]: unknown" in message
    assert "no value for firms in 2025" in message


def test_unknown_may_be_allowed(mini: qrules.Rulebook) -> None:
    assert_meets({}, mini, rules=["firms"], allow_unknown=True)


def test_known_failures_must_keep_failing(mini: qrules.Rulebook) -> None:
    assert_meets({"firms": 1}, mini, rules=["firms"], known_failures=["firms"])
    assert_meets(
        {"firms": 1}, mini, rules=["firms"], known_failures={"firms@2025": "awaiting 2025 register"}
    )
    with pytest.raises(
        AssertionError, match=r"^Known failures that no longer fail.*\n  firms \(fixed\)"
    ):
        assert_meets(
            {"firms": 300},
            mini,
            rules=["firms"],
            known_failures=[KnownFailure("firms", reason="fixed")],
        )


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "known failure firms@2025 not confirmed: the result is unknown"),
        ("zh", "预期失败 firms@2025 未得到确认:结果无法判定"),
    ],
)
def test_an_unknown_result_does_not_excuse_a_known_failure(
    mini: qrules.Rulebook, lang: Lang, said: str
) -> None:
    # Only *not met* confirms a known failure: missing data is never a pass.
    with pytest.raises(AssertionError) as caught:
        assert_meets({}, mini, rules="firms", known_failures=["firms@2025"], lang=lang)
    message = str(caught.value)
    assert "firms [2025]" in message
    assert f"    {said}" in message, message
    # Nor is it "no longer failing": the rule was not seen met.
    assert "no longer fail" not in message
    assert "不再失败" not in message


def test_an_unknown_known_failure_passes_only_when_unknown_is_allowed(
    mini: qrules.Rulebook,
) -> None:
    assert_meets({}, mini, rules="firms", known_failures=["firms"], allow_unknown=True)
    # Still "no longer failing" once met, with or without allow_unknown.
    with pytest.raises(AssertionError, match=r"^Known failures that no longer fail"):
        assert_meets(
            {"firms": 300}, mini, rules="firms", known_failures="firms", allow_unknown=True
        )


def test_selection_by_tag_and_section(mini: qrules.Rulebook) -> None:
    assert_meets({"passed": 197, "sampled": 200}, mini, tags=["food"])
    with pytest.raises(ValueError, match="no rule matches"):
        assert_meets({}, mini, tags=["nothing"])
    with pytest.raises(KeyError, match="no rule 'nope'"):
        assert_meets({}, mini, rules=["nope"])


def test_data_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "figures.csv"
    path.write_text("year,measure,value\n2025,firms,299\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="short by 1"):
        assert_meets(path, MINI, rules=["firms"])


USER_TESTS = f"""
import pytest
from qrules.testing import assert_meets

@pytest.mark.qrules(rulebook={str(MINI)!r})
def test_meets(qrules_rulebook):
    assert_meets({{"firms": 300}}, qrules_rulebook, rules=["firms"])

@pytest.mark.qrules(rulebook={str(MINI)!r})
def test_misses(qrules_rulebook):
    assert_meets({{"passed": 1231, "sampled": 1250}}, qrules_rulebook, rules=["pass-rate"])

def test_loader(qrules_load):
    assert qrules_load({str(MINI)!r}) is qrules_load({str(MINI)!r})
"""


def test_plugin_in_a_user_suite(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*AssertionError: 1 of 1 results do not meet rulebook mini 1.0.0*",
            "*pass-rate [[]2025]: not met*",
            "*needs: 1 more samples that passed (1231 → 1232)*",
            "*plan (一): 食品安全抽检合格率≥98.5*",
        ]
    )


def test_plugin_fixture_without_a_rulebook_says_how(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user="def test_x(qrules_rulebook):\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["*mark the test with @pytest.mark.qrules(rulebook=*"])


def test_plugin_option(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_user="def test_x(qrules_rulebook):\n    assert qrules_rulebook.id == 'mini'\n"
    )
    result = pytester.runpytest("-p", "no:cacheprovider", f"--qrules-rulebook={MINI}")
    result.assert_outcomes(passed=1)


def test_the_documented_example_fails_as_documented(pytester: pytest.Pytester) -> None:
    example = Path(__file__).parent.parent / "docs" / "examples" / "test_figures.py"
    pytester.makepyfile(test_figures=example.read_text(encoding="utf-8"))
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*1 of 2 results do not meet rulebook yantai-2023-2025*",
            "*food-safety-sampling-pass-rate [[]2025]: not met*",
            "*observed 98.4, required >= 98.5, short by 0.1*",
            "*needs: 40 more food safety samples that passed (39360 → 39400)*",
            "*plan (一、(二) 质量强市建设主要指标 / 品质升级): 食品安全抽检合格率(%) / ≥98.5*",
            "*rate=Fraction(4923, 50)*",  # the narrow miss Hypothesis finds
        ]
    )


# -- year= means one thing for every kind of data (s10) --------------------------


def test_year_is_the_year_of_a_sheet_that_names_none(tmp_path: Path) -> None:
    path = tmp_path / "figures.csv"
    path.write_text("measure,value\nfirms,299\n", encoding="utf-8")
    for data in (path, str(path)):
        with pytest.raises(AssertionError, match=r"firms \[2025\]: not met(.|\n)*short by 1"):
            assert_meets(data, MINI, rules="firms", year=2025)
        # The figure is 2024's: the rule, due in 2025, has no 2025 figure.
        with pytest.raises(AssertionError, match=r"firms \[2025\]: unknown"):
            assert_meets(data, MINI, rules="firms", year=2024)


@pytest.mark.parametrize("kind", ["path", "str", "dataframe"])
def test_year_on_a_sheet_with_years_is_refused_not_dropped(tmp_path: Path, kind: str) -> None:
    # The 2024 figure misses, the 2025 one meets: a dropped year= would pass.
    path = tmp_path / "figures.csv"
    path.write_text("year,measure,value\n2024,firms,1\n2025,firms,300\n", encoding="utf-8")
    data: object = {"path": path, "str": str(path), "dataframe": None}[kind]
    if kind == "dataframe":
        pd = pytest.importorskip("pandas")
        data = pd.read_csv(path)
    with pytest.raises(qrules.DataError, match=r"year=\) applies to a sheet without a year column"):
        assert_meets(data, MINI, rules="firms", year=2024)


def test_year_with_a_dataset_is_a_type_error_saying_what_to_do(mini: qrules.Rulebook) -> None:
    dataset = qrules.Dataset.from_mapping(mini, {"firms": 1}, year=2024)
    for check in (assert_meets, evaluate_for_test):
        with pytest.raises(TypeError, match=r"a dataset gives its own years.*drop year="):
            check(dataset, mini, rules="firms", year=2025)
    with pytest.raises(TypeError, match=r"a dataset gives its own years.*drop year="):
        mini.evaluate(dataset, year=2025)


# -- lang="zh": every word of the failure message in Chinese (s10) ---------------


@pytest.fixture
def marked() -> Iterator[None]:
    _messages.marking(True)
    try:
        yield
    finally:
        _messages.marking(False)


@pytest.mark.usefixtures("marked")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_failure_message_speaks_one_language(lang: Lang) -> None:
    book = qrules.load("yantai-2023-2025")
    cases: list[tuple[dict[str, object], dict[str, Any]]] = [
        ({"food_samples_passed": 39360, "food_samples_tested": 40000}, {}),
        ({}, {"known_failures": {"manufacturing-product-quality-pass-rate@2024": "old"}}),
    ]
    for values, options in cases:
        with pytest.raises(AssertionError) as caught:
            assert_meets(
                values,
                book,
                rules=[
                    "food-safety-sampling-pass-rate",
                    "manufacturing-product-quality-pass-rate",
                ],
                lang=lang,
                **options,
            )
        message = str(caught.value)
        assert leftover(message, lang, also=frozenset({"known_failures"})) == [], message


def test_the_failure_message_in_chinese() -> None:
    with pytest.raises(AssertionError) as caught:
        assert_meets(
            {"food_samples_passed": 39360, "food_samples_tested": 40000},
            "yantai-2023-2025",
            rules="food-safety-sampling-pass-rate",
            lang="zh",
        )
    assert str(caught.value).splitlines() == [
        "1 项结果中有 1 项未满足规则集 yantai-2023-2025 2.0.0(指纹 362e7f12eb81),数据 <mapping>:",
        "",
        "  food-safety-sampling-pass-rate [2025]:未达标 — 食品安全抽检合格率",
        "    观测值 98.4,要求 >= 98.5,差 0.1",
        "    2025 年观测值 98.4 < 目标 98.5",
        "    需要:食品安全抽检合格批次需增加 40(39360 → 39400)",
        "    规划原文(一、(二) 质量强市建设主要指标 / 品质升级):食品安全抽检合格率(%) / ≥98.5",
    ]


# -- records as a data team holds them: a register and a log (s10) ---------------

YANTAI_RECORDS = Path(qrules.load("yantai-2023-2025").path) / "samples" / "records"
MET_IN_2024 = "infant-formula-makers-system-inspected-yearly"
MISSED_IN_2024 = "special-medical-food-makers-system-inspected-yearly"


def _records(kind: str) -> tuple[Any, Any]:
    register, log = YANTAI_RECORDS / "register.csv", YANTAI_RECORDS / "inspections.csv"
    if kind == "path":
        return register, log
    if kind == "pandas":
        pd = pytest.importorskip("pandas")
        return pd.read_csv(register, dtype=str), pd.read_csv(log, dtype=str)
    pl = pytest.importorskip("polars")
    return pl.read_csv(register, infer_schema=False), pl.read_csv(log, infer_schema=False)


@pytest.mark.parametrize("kind", ["path", "pandas", "polars"])
def test_records_are_judged_from_a_register_and_a_log(kind: str) -> None:
    register, log = _records(kind)
    # The sample log covers 2023-01-12 to 2025-09-30: 2023 and 2025 are unknown.
    evaluation = assert_meets(
        None, "yantai-2023-2025", rules=MET_IN_2024, register=register, log=log, allow_unknown=True
    )
    assert [(r.year, r.verdict.value) for r in evaluation] == [
        (2023, "unknown"),
        (2024, "met"),
        (2025, "unknown"),
    ]
    with pytest.raises(AssertionError) as caught:
        assert_meets(None, "yantai-2023-2025", rules=MET_IN_2024, register=register, log=log)
    assert "2 of 3 results do not meet" in str(caught.value)
    assert "the log begins on 2023-01-12, after 2023 begins" in str(caught.value)


def _records_failure(**options: Any) -> str:
    """The message of a records rule missed in 2024 (and unknown in 2023, 2025)."""
    register, log = _records("path")
    with pytest.raises(AssertionError) as caught:
        assert_meets(
            None, "yantai-2023-2025", rules=MISSED_IN_2024, register=register, log=log, **options
        )
    return str(caught.value)


def test_a_records_failure_names_the_tables_and_the_failing_units() -> None:
    message = _records_failure(known_failures=[f"{MISSED_IN_2024}@2023", f"{MISSED_IN_2024}@2025"])
    assert "register register.csv, log inspections.csv:" in message.splitlines()[0]
    assert f"{MISSED_IN_2024} [2024]: not met" in message
    assert "1 of 2 units do not meet it:" in message
    assert re.search(r"\n      SM\d+ .*: ", message), message


def test_a_records_failure_in_chinese() -> None:
    message = _records_failure(allow_unknown=True, lang="zh")
    assert message.startswith("3 项结果中有 1 项未满足"), message
    assert "2 个单位中 1 个未达到要求" in message


@pytest.mark.usefixtures("marked")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_records_failure_speaks_one_language(lang: Lang) -> None:
    message = _records_failure(lang=lang)
    assert leftover(message, lang) == [], message


def test_records_options_that_do_not_apply_are_refused() -> None:
    register, log = _records("path")
    book = "yantai-2023-2025"
    with pytest.raises(TypeError, match=r"give figures \(data\) or records \(register="):
        assert_meets(None, book, rules=MET_IN_2024)
    with pytest.raises(TypeError, match="one call for figures, another for records"):
        assert_meets({}, book, rules=MET_IN_2024, register=register, log=log)
    with pytest.raises(TypeError, match="log= needs register="):
        assert_meets(None, book, rules=MET_IN_2024, log=log)
    with pytest.raises(TypeError, match=r"records are dated.*log_from="):
        assert_meets(None, book, rules=MET_IN_2024, register=register, log=log, year=2024)
    with pytest.raises(TypeError, match="log_until= needs log="):
        assert_meets(None, book, rules=MET_IN_2024, register=register, log_until="2025-12-31")
    with pytest.raises(TypeError, match="log_from= needs log="):
        assert_meets({}, book, rules=MET_IN_2024, log_from="2023-01-01")
    with pytest.raises(TypeError, match="engine= and connection= count records"):
        assert_meets({}, book, rules=MET_IN_2024, engine="duckdb")
    with pytest.raises(TypeError, match="connection= is a database's"):
        assert_meets(None, book, rules=MET_IN_2024, register=register, log=log, connection="x")
    # A rule judged from figures only, named among records: never passed over.
    with pytest.raises(ValueError, match=r"food-safety-sampling-pass-rate.*judged from figures"):
        assert_meets(
            None,
            book,
            rules=[MET_IN_2024, "food-safety-sampling-pass-rate"],
            register=register,
            log=log,
        )
    with pytest.raises(ValueError, match="no rule with records matches"):
        assert_meets(None, book, tags="indicator-table", register=register, log=log)


def _engine_connection(engine: str, request: pytest.FixtureRequest) -> Any:
    if engine == "duckdb":
        pytest.importorskip("duckdb")
        return None
    if engine == "postgres":
        return request.getfixturevalue("postgres_url")
    return None


@pytest.mark.parametrize("engine", ["reference", "duckdb", "postgres"])
@pytest.mark.parametrize("kind", ["path", "pandas"])
def test_records_are_judged_on_the_engine_asked_with_the_same_results(
    engine: str, kind: str, request: pytest.FixtureRequest
) -> None:
    register, log = _records(kind)
    connection = _engine_connection(engine, request)
    asked = {"engine": engine, "connection": connection}
    rules = [MET_IN_2024, MISSED_IN_2024]
    every = evaluate_for_test(None, "yantai-2023-2025", register=register, log=log, **asked)
    reference = evaluate_for_test(None, "yantai-2023-2025", register=register, log=log)
    assert [(r.rule.id, r.year, r.verdict, r.observed, r.population, r.meeting) for r in every] == [
        (r.rule.id, r.year, r.verdict, r.observed, r.population, r.meeting) for r in reference
    ]
    # The assertion's message is the same on every engine (and passing it,
    # test_a_declared_log_reach_decides_the_years).
    messages = []
    for chosen in (asked, {}):
        with pytest.raises(AssertionError) as caught:
            assert_meets(
                None,
                "yantai-2023-2025",
                rules=rules,
                register=register,
                log=log,
                allow_unknown=True,
                **chosen,
            )
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    assert f"{MISSED_IN_2024} [2024]: not met" in messages[0]


@pytest.mark.parametrize("engine", ["reference", "duckdb", "postgres"])
def test_a_declared_log_reach_decides_the_years(
    engine: str, request: pytest.FixtureRequest
) -> None:
    register, log = _records("path")
    evaluation = assert_meets(
        None,
        "yantai-2023-2025",
        rules=MET_IN_2024,
        register=register,
        log=log,
        log_from="2023-01-01",
        log_until="2025-12-31",
        engine=engine,
        connection=_engine_connection(engine, request),
    )
    assert [r.verdict.value for r in evaluation] == ["met", "met", "met"]


def test_records_with_chinese_columns_through_a_mapping() -> None:
    pd = pytest.importorskip("pandas")
    register = pd.DataFrame(
        {
            "统一社会信用代码": ["U1", "U2"],
            "单位名称": ["甲厂", "乙厂"],
            "主体业态": pd.Categorical(["保健食品生产", "保健食品生产"]),
            "登记日期": ["2020-01-01", "2020-01-01"],
        }
    )
    log = pd.DataFrame(
        {
            "统一社会信用代码": ["U1"],
            "检查日期": ["2024-05-01"],
            "检查类型": pd.array(["体系检查"], dtype="string"),
            "检查结果": ["compliant"],
        }
    )
    mapping = {
        "register": {
            "columns": {
                "unit": "统一社会信用代码",
                "name": "单位名称",
                "category": "主体业态",
                "registered": "登记日期",
            },
            "codes": {"category": {"保健食品生产": "health_food_maker"}},
        },
        "log": {
            "columns": {
                "unit": "统一社会信用代码",
                "date": "检查日期",
                "kind": "检查类型",
                "result": "检查结果",
            },
            "codes": {"kind": {"体系检查": "system"}},
        },
    }
    evaluation = assert_meets(
        None,
        "yantai-2023-2025",
        rules="health-food-makers-system-inspected-yearly",
        register=register,
        log=log,
        mapping=mapping,
        log_from="2024-01-01",
        log_until="2024-12-31",
        allow_unknown=True,
    )
    [judged] = [r for r in evaluation if r.year == 2024]
    assert (judged.verdict, judged.population, judged.meeting) == (qrules.Verdict.MET, 2, 1)


# -- known failures and selections said exactly (s10) ----------------------------


def test_a_known_failure_is_written_exactly(mini: qrules.Rulebook) -> None:
    # "firms@" is not "firms": a year left out must not excuse every year.
    for text in ("firms@", "firms@²", "firms@20x4", "@2025"):
        with pytest.raises(ValueError, match="write 'rule-id' or 'rule-id@2024'"):
            assert_meets({"firms": 1}, mini, rules="firms", known_failures=[text])


def test_a_known_failure_names_a_rule_judged(mini: qrules.Rulebook) -> None:
    with pytest.raises(qrules.UnknownRuleError, match="no rule 'firm'"):
        assert_meets({"firms": 1}, mini, rules="firms", known_failures=["firm"])
    with pytest.raises(ValueError, match="known failure 'pass-rate': not among the rules judged"):
        assert_meets({"firms": 300}, mini, rules="firms", known_failures=["pass-rate"])


def test_one_known_failure_and_rules_as_objects(mini: qrules.Rulebook) -> None:
    assert_meets({"firms": 1}, mini, rules="firms", known_failures=KnownFailure("firms"))
    assert_meets({"firms": 300}, mini, rules=mini["firms"])
    assert_meets({"firms": 300}, mini, rules=[mini["firms"]])
    with pytest.raises(AssertionError, match="firms"):
        assert_meets({"firms": 1}, mini, rules=[mini["firms"]])


def test_an_unknown_language_is_refused(mini: qrules.Rulebook) -> None:
    with pytest.raises(ValueError, match="lang='fr': 'zh' or 'en'"):
        assert_meets({"firms": 1}, mini, rules="firms", lang="fr")  # type: ignore[arg-type]


def test_the_ini_rulebook_folder_is_relative_to_the_root(pytester: pytest.Pytester) -> None:
    shutil.copytree(MINI, pytester.path / "rules" / "mini")
    pytester.makeini("[pytest]\nqrules_rulebook = rules/mini\n")
    sub = pytester.mkdir("tests")
    sub.joinpath("test_user.py").write_text(
        "def test_x(qrules_rulebook):\n    assert qrules_rulebook.id == 'mini'\n", encoding="utf-8"
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(sub)  # run from the tests' folder, as an IDE does
        result = pytester.runpytest_inprocess("-p", "no:cacheprovider", str(sub))
    result.assert_outcomes(passed=1)


def test_a_misspelt_marker_argument_is_said(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_user=f"""
import pytest

@pytest.mark.qrules(rulbook={str(MINI)!r})
def test_x(qrules_rulebook):
    pass
"""
    )
    result = pytester.runpytest("-p", "no:cacheprovider", f"--qrules-rulebook={MINI}")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*qrules marker: unexpected 'rulbook'; write rulebook=*"])
