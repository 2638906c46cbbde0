"""Districts and the city: where a rule applies, and city values from district rows."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

import qrules
from qrules import Observation, Verdict
from qrules._diff import Bump, diff_rulebooks
from qrules._html import report_data
from qrules._report import evaluation_json, evaluation_table, rule_dict
from tests.conftest import SAMPLE_RECORDS, run

BRANDS = "provincial-high-end-brand-enterprises-brands-paragraph"  # 省级高端品牌培育企业50家以上
MEASURE = "provincial_high_end_brand_enterprises"


def _dataset(*rows: tuple[str, str | None, object]) -> qrules.Dataset:
    return qrules.Dataset(
        "d",
        tuple(
            Observation(
                measure,
                2025,
                None if value is None else Fraction(str(value)),
                district,
                f"d: row {index + 2}",
            )
            for index, (measure, district, value) in enumerate(rows)
        ),
    )


def _judge(rulebook: qrules.Rulebook, rule_id: str, dataset: qrules.Dataset) -> list[qrules.Result]:
    return list(rulebook.evaluate(dataset, rules=rulebook.select(ids=[rule_id])))


OFFICE = [(MEASURE, "芝罘区", 12), (MEASURE, "莱山区", 30), (MEASURE, "福山区", 20)]


def test_the_office_example(yantai: qrules.Rulebook) -> None:
    # Three districts, a city target of at least 50: the city is judged on their
    # sum, and no district is judged against the city's target.
    evaluation = yantai.evaluate(_dataset(*OFFICE), rules=yantai.select(ids=[BRANDS]))
    [result] = evaluation.results
    assert (result.district, result.verdict, result.observed) == (None, Verdict.MET, 62)
    assert result.scope == "city"
    [derived] = result.derived
    assert derived.describe() == "62 = sum of 3 districts (福山区, 芝罘区, 莱山区)"
    assert derived.describe("zh") == "62 = 3 个区县合计(福山区、芝罘区、莱山区)"
    assert (evaluation.rows_read, evaluation.rows_used) == (3, 3)


def test_the_office_example_from_the_command_line(tmp_path: Path) -> None:
    data = tmp_path / "office.csv"
    data.write_text(
        "year,district,measure,value\n" + "".join(f"2025,{d},{m},{v}\n" for m, d, v in OFFICE),
        encoding="utf-8",
    )
    code, out, _ = run("check", "yantai-2023-2025", str(data), "--rule", BRANDS)
    assert code == 0
    assert "62 (Σ 3 districts)" in out
    assert "芝罘区" not in out
    code, out, _ = run("check", "yantai-2023-2025", str(data), "--rule", BRANDS, "--format", "json")
    [result] = json.loads(out)["results"]
    assert result["scope"] == "city"
    assert result["derived"] == [
        {
            "measure": MEASURE,
            "year": 2025,
            "value": "62",
            "districts": ["福山区", "芝罘区", "莱山区"],
            "text": "62 = sum of 3 districts (福山区, 芝罘区, 莱山区)",
        }
    ]


def test_no_sum_unless_every_district_reports(yantai: qrules.Rulebook) -> None:
    # The dataset knows 牟平区 (from another measure): without its row, the
    # three districts' 62 is not the city's.
    rows = [*OFFICE, ("quality_strong_counties", "牟平区", 1)]
    [result] = _judge(yantai, BRANDS, _dataset(*rows))
    assert result.verdict is Verdict.UNKNOWN
    assert "no row for 牟平区" in result.reason.en
    assert "牟平区没有该行" in result.reason.zh


def test_no_sum_over_a_missing_value(yantai: qrules.Rulebook) -> None:
    rows = [(MEASURE, "芝罘区", 12), (MEASURE, "莱山区", None), (MEASURE, "福山区", 20)]
    [result] = _judge(yantai, BRANDS, _dataset(*rows))
    assert result.verdict is Verdict.UNKNOWN
    assert "no value for 莱山区 (d: row 3)" in result.reason.en


def test_the_rulebook_may_name_every_district(mini_copy: Path) -> None:
    plan = mini_copy / "plan.toml"
    plan.write_text(
        plan.read_text(encoding="utf-8") + 'districts = ["甲区", "乙区", "丙区"]\n',
        encoding="utf-8",
    )
    rulebook = qrules.load(mini_copy)
    assert rulebook.districts == ("甲区", "乙区", "丙区")
    [result] = _judge(rulebook, "firms", _dataset(("firms", "甲区", 200), ("firms", "乙区", 200)))
    assert result.verdict is Verdict.UNKNOWN
    assert "no row for 丙区" in result.reason.en


@pytest.fixture
def two_districts(mini_copy: Path) -> qrules.Rulebook:
    """The mini rulebook, listing its city's two districts."""
    _list_districts(mini_copy)
    return qrules.load(mini_copy)


def test_a_rate_is_recomputed_from_summed_counts_never_averaged(
    two_districts: qrules.Rulebook,
) -> None:
    # 99 % and 98 % average to 98.5 (met), but 1079 of 1100 is 98.09 % (not met).
    rows = [
        ("passed", "甲区", 99),
        ("sampled", "甲区", 100),
        ("passed", "乙区", 980),
        ("sampled", "乙区", 1000),
        ("pass_rate", "甲区", 99),
        ("pass_rate", "乙区", 98),
    ]
    [result] = _judge(two_districts, "pass-rate", _dataset(*rows))
    assert result.verdict is Verdict.NOT_MET
    assert result.observed == Fraction(100 * 1079, 1100)
    assert [d.measure for d in result.derived] == ["passed", "sampled"]
    assert result.changes[0].describe() == "5 more samples that passed (1079 → 1084)"


def test_a_rate_reported_only_by_districts_is_not_summed(mini: qrules.Rulebook) -> None:
    [result] = _judge(
        mini, "pass-rate", _dataset(("pass_rate", "甲区", 99), ("pass_rate", "乙区", 98))
    )
    assert result.verdict is Verdict.UNKNOWN
    assert "does not add up over districts" in result.reason.en
    assert "不能按区县相加" in result.reason.zh


def _brands_with_city(
    yantai: qrules.Rulebook, city: int
) -> tuple[qrules.Evaluation, qrules.Result]:
    """The brands rule judged on the office's districts' rows and a city row of ``city``."""
    evaluation = yantai.evaluate(
        _dataset(*OFFICE, (MEASURE, None, city)), rules=yantai.select(ids=[BRANDS])
    )
    [result] = evaluation.results
    return evaluation, result


def test_a_city_row_its_districts_contradict_is_said(yantai: qrules.Rulebook) -> None:
    # The districts' rows add up to more than the city's: a part exceeds the whole.
    evaluation, result = _brands_with_city(yantai, 55)
    assert (result.verdict, result.observed, result.derived) == (Verdict.MET, 55, ())
    expected = (
        "provincial_high_end_brand_enterprises in 2025: the 3 districts sum to 62, "
        "but the city's row says 55 (d: row 5); judged on the city's row"
    )
    assert expected in result.reason.en
    assert [note.en for note in evaluation.notes] == [expected]
    assert json.loads(evaluation_json(evaluation))["notes"] == [expected]
    assert f"note: {expected}" in evaluation_table(evaluation)


def test_a_sum_of_the_districts_a_dataset_names_is_the_least_the_city_can_be(
    yantai: qrules.Rulebook, mini: qrules.Rulebook
) -> None:
    # Yantai lists no districts: the three a dataset names may be only some of
    # the city's. 42 < 50 is no "not met" (the others may add 8); a rate from
    # the summed counts of some districts is no city rate.
    [result] = _judge(yantai, BRANDS, _dataset(*OFFICE[:2]))
    assert (result.verdict, result.observed) == (Verdict.UNKNOWN, 42)
    assert "the rulebook does not list its districts" in result.reason.en
    assert "规则集未列出全部区县" in result.reason.zh
    rows = [
        ("passed", "甲区", 99),
        ("sampled", "甲区", 100),
        ("passed", "乙区", 980),
        ("sampled", "乙区", 1000),
    ]
    [result] = _judge(mini, "pass-rate", _dataset(*rows))
    assert result.verdict is Verdict.UNKNOWN
    assert "may not have reported" in result.reason.en


def test_a_city_row_above_some_districts_sum_is_no_contradiction(yantai: qrules.Rulebook) -> None:
    # The rulebook lists no districts, so the three a dataset names may be only
    # some of the city's: a city figure above their sum is consistent with them.
    evaluation, result = _brands_with_city(yantai, 70)
    assert (result.verdict, result.observed, result.derived) == (Verdict.MET, 70, ())
    assert evaluation.notes == ()
    assert "sum to" not in result.reason.en


RULE = """
[[rule]]
id = "district-rate"
title = { zh = "检查覆盖率", en = "Inspection coverage" }
measure = "coverage"
aggregation = "level"
requirement = ">= 20"
due = 2025-12-31
responsible = ["市市场监管局"]
scope = "each-district"
[rule.source]
section = "二"
quote = "每年检查覆盖率不少于20%"

[[rule]]
id = "district-firms"
title = { zh = "导入先进质量管理模式企业", en = "Firms" }
measure = "firms"
aggregation = "cumulative"
requirement = ">= 300"
due = 2025-12-31
responsible = ["市市场监管局"]
[rule.districts]
"甲区" = ">= 120"
"乙区" = ">= 100"
[rule.source]
section = "一"
quote = "导入先进质量管理模式企业≥300家"
"""


def _list_districts(folder: Path) -> None:
    """Make the rulebook in ``folder`` list its city's two districts, 甲区 and 乙区."""
    plan = folder / "plan.toml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(
        text.replace('status = "draft"\n', 'status = "draft"\ndistricts = ["甲区", "乙区"]\n', 1),
        encoding="utf-8",
    )


@pytest.fixture
def scoped(mini_copy: Path) -> qrules.Rulebook:
    (mini_copy / "scoped.toml").write_text(RULE, encoding="utf-8")
    _list_districts(mini_copy)
    return qrules.load(mini_copy)


def test_each_district_is_judged_against_the_same_target(scoped: qrules.Rulebook) -> None:
    rows = [
        ("inspected", "甲区", 30),
        ("units", "甲区", 100),
        ("inspected", "乙区", 10),
        ("units", "乙区", 100),
    ]
    results = _judge(scoped, "district-rate", _dataset(*rows))
    assert [(r.district, r.verdict, r.scope) for r in results] == [
        (None, Verdict.MET, "each-district"),  # 40 of 200
        ("乙区", Verdict.NOT_MET, "each-district"),
        ("甲区", Verdict.MET, "each-district"),
    ]


def test_districts_with_targets_of_their_own(scoped: qrules.Rulebook) -> None:
    rows = [("firms", "甲区", 125), ("firms", "乙区", 90), ("firms", "丙区", 90)]
    results = _judge(scoped, "district-firms", _dataset(*rows))
    assert [(r.district, r.verdict, r.scope, str(r.target)) for r in results] == [
        (None, Verdict.MET, "city", ">= 300"),
        ("乙区", Verdict.NOT_MET, "district-target", ">= 100"),
        ("甲区", Verdict.MET, "district-target", ">= 120"),
    ]
    assert results[1].gap == 10
    exported = rule_dict(scoped["district-firms"])
    assert (exported["scope"], exported["districts"]) == (
        "city",
        {"甲区": ">= 120", "乙区": ">= 100"},
    )


def test_scope_and_derivation_reach_the_html_report(scoped: qrules.Rulebook) -> None:
    rows = [("firms", "甲区", 125), ("firms", "乙区", 90), ("firms", "丙区", 90)]
    evaluation = scoped.evaluate(_dataset(*rows), rules=scoped.select(ids=["district-firms"]))
    data = report_data(evaluation)
    [rule] = data["rules"]
    assert rule["scope"] == "the city; district targets: 甲区 >= 120, 乙区 >= 100"
    assert rule["rows"][""]["results"][0]["derived"] == [
        "305 = sum of 3 districts (丙区, 乙区, 甲区)"
    ]
    assert rule["rows"]["乙区"]["own"]["targetText"] == "≥ 100"
    assert rule["rows"][""]["own"] is None
    assert "丙区" not in rule["rows"]  # no target of its own, and the rule is the city's


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('scope = "everywhere"', "'everywhere' is not one of city, each-district"),
        ('[rule.districts]\n"甲区" = ">= x"', "districts.甲区"),
        ('[rule.districts]\n"甲区" = 12', "expected a string, got an integer 12"),
        ('[rule.districts]\n" 甲区" = ">= 1"', "without spaces around"),
        ("districts = []", "expected a table of district = requirement"),
    ],
)
def test_bad_scopes_are_refused(mini_copy: Path, text: str, message: str) -> None:
    rules = mini_copy / "rules.toml"
    source = rules.read_text(encoding="utf-8")
    marker = 'tags = ["food"]\n'
    rules.write_text(source.replace(marker, f"{marker}{text}\n"), encoding="utf-8")
    with pytest.raises(qrules.RulebookError) as raised:
        qrules.load(mini_copy)
    assert message in str(raised.value)


def test_a_district_with_a_target_of_its_own_and_no_rows_is_unknown(
    scoped: qrules.Rulebook,
) -> None:
    results = _judge(
        scoped, "district-firms", _dataset(("firms", "甲区", 125), ("firms", "丙区", 90))
    )
    assert [(r.district, r.verdict) for r in results] == [
        (None, Verdict.UNKNOWN),
        ("乙区", Verdict.UNKNOWN),
        ("甲区", Verdict.MET),
    ]
    assert "no row for 乙区" in results[0].reason.en


def test_records_by_district_follow_the_scope() -> None:
    # 保健食品生产企业体系检查每年不少于20% is the city's; 高风险等级单位每年至少开展2
    # 次检查 every district must reach (100 % of the city's units is each district's).
    _, out, _ = run(
        "check",
        "yantai-2023-2025",
        *SAMPLE_RECORDS,
        "--by-district",
        "--format",
        "json",
        "--rule",
        "health-food-makers-system-inspected-yearly",
        "--rule",
        "high-risk-catering-units-inspected-twice-yearly",
    )
    results = json.loads(out)["results"]
    places = {(r["id"], r["district"] is None, r["scope"]) for r in results}
    assert places == {
        ("health-food-makers-system-inspected-yearly", True, "city"),
        ("high-risk-catering-units-inspected-twice-yearly", True, "each-district"),
        ("high-risk-catering-units-inspected-twice-yearly", False, "each-district"),
    }


def test_diff_sees_a_change_of_scope(mini_copy: Path, mini: qrules.Rulebook) -> None:
    rules = mini_copy / "rules.toml"
    rules.write_text(
        rules.read_text(encoding="utf-8").replace(
            'tags = ["food"]\n', 'tags = ["food"]\nscope = "each-district"\n'
        ),
        encoding="utf-8",
    )
    [change] = diff_rulebooks(mini, qrules.load(mini_copy)).changes
    assert [(f.field, f.old, f.new) for f in change.fields] == [("scope", "city", "each-district")]
    assert change.bump is Bump.MAJOR
