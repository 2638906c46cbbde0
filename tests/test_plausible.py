"""Plausibility: a figure outside its measure's bounds or relations is a data
error with its row, never judged; with strict=, so is a doubtful one."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qrules
from qrules.testing import assert_meets

from .conftest import with_average_rule

RULE = "food-safety-sampling-pass-rate"


def write(tmp_path: Path, text: str, name: str = "figures.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_more_passed_than_tested_is_a_data_error(tmp_path: Path, yantai: qrules.Rulebook) -> None:
    path = write(
        tmp_path,
        "year,measure,value\n2025,food_samples_passed,1300\n2025,food_samples_tested,1250\n",
    )
    with pytest.raises(qrules.DataError) as caught:
        qrules.read_dataset(path, yantai)
    (problem,) = caught.value.problems
    assert str(problem).startswith(
        "figures.csv, row 2, column 'value': food_samples_passed = 1300 is more than "
        "food_samples_tested = 1250 (row 3, column 'value') in 2025"
    )


@pytest.mark.parametrize("written", ["150", "150%", "100.01"])
def test_a_pass_rate_above_100_is_a_data_error(
    tmp_path: Path, yantai: qrules.Rulebook, written: str
) -> None:
    path = write(
        tmp_path,
        f"year,district,measure,value\n2025,芝罘区,food_safety_sampling_pass_rate,{written}\n",
    )
    with pytest.raises(
        qrules.DataError,
        match=r"row 2, column 'value': "
        r"food_safety_sampling_pass_rate = [\d.]+ in 2025, 芝罘区 is outside "
        r"its plausible values, 0 to 100",
    ):
        qrules.read_dataset(path, yantai)
    with pytest.raises(qrules.DataError, match="outside its plausible values"):
        yantai.evaluate({"food_safety_sampling_pass_rate": written})


def test_a_dataset_built_by_hand_is_checked_when_judged(yantai: qrules.Rulebook) -> None:
    dataset = qrules.Dataset(
        "by hand",
        (
            qrules.Observation("food_samples_passed", 2025, Fraction(1300)),
            qrules.Observation("food_samples_tested", 2025, Fraction(1250)),
        ),
    )
    with pytest.raises(qrules.DataError, match="food_samples_passed = 1300 is more than"):
        yantai.evaluate(dataset)
    with pytest.raises(qrules.DataError, match="is more than"):
        assert_meets(dataset, yantai, rules=[RULE])


def test_relations_hold_per_year_and_district(yantai: qrules.Rulebook) -> None:
    # 1300 passed in one district, 1250 tested in another: nothing to compare.
    dataset = qrules.Dataset(
        "by district",
        (
            qrules.Observation("food_samples_passed", 2025, Fraction(1300), "芝罘区"),
            qrules.Observation("food_samples_tested", 2025, Fraction(1250), "福山区"),
            qrules.Observation("food_samples_tested", 2024, Fraction(1250), "芝罘区"),
        ),
    )
    assert yantai.evaluate(dataset, rules=[yantai[RULE]]).verdict is qrules.Verdict.UNKNOWN


def test_a_share_computed_outside_its_bounds_is_a_data_error(mini: qrules.Rulebook) -> None:
    # The mini rulebook declares no at_most: the computed share still cannot pass 100.
    with pytest.raises(qrules.DataError) as caught:
        mini.evaluate({"passed": 1300, "sampled": 1250})
    (problem,) = caught.value.problems
    assert problem.message == (
        "pass_rate computed from passed = 1300 (key 'passed'), sampled = 1250 (key 'sampled') "
        "in 2025 is 104, outside its plausible values, 0 to 100"
    )


def _just_outside(measure: qrules.Measure) -> list[tuple[dict[str, object], str]]:
    """Mappings that break one of the measure's bounds or relations, each with the
    text the error must hold."""
    step = Fraction(1) if measure.unit.integer else Fraction(1, 100)
    cases: list[tuple[dict[str, object], str]] = [({measure.id: measure.lower - step}, measure.id)]
    if measure.upper is not None:
        cases.append(({measure.id: measure.upper + step}, f"{measure.id} = "))
    for whole in measure.at_most:
        cases.append(({whole: 10, measure.id: 11}, f"{measure.id} = 11 is more than {whole}"))
    return cases


def test_every_shipped_measure_refuses_a_value_just_outside(yantai: qrules.Rulebook) -> None:
    checked = 0
    for measure in yantai.measures.values():
        for values, expected in _just_outside(measure):
            with pytest.raises(qrules.DataError) as caught:
                yantai.evaluate(values)
            assert expected in str(caught.value), (measure.id, str(caught.value))
            checked += 1
    # Every measure has its lower bound, 31 an upper one, 23 a whole they are part of.
    assert checked == len(yantai.measures) + 31 + 23


def test_the_shipped_relations_are_declared(yantai: qrules.Rulebook) -> None:
    measures = yantai.measures
    assert measures["food_samples_passed"].at_most == ("food_samples_tested",)
    assert measures["infant_formula_makers_system_inspected"].at_most == ("infant_formula_makers",)
    assert measures["public_service_quality_score"].upper == 100
    # Every count that is the numerator of a share is at most its denominator.
    for measure in measures.values():
        formula = measure.formula
        if formula is not None and str(formula).startswith("100 * "):
            part, whole = str(formula).removeprefix("100 * ").split(" / ")
            assert measures[part].at_most == (whole,), measure.id


def test_values_within_bounds_are_judged(yantai: qrules.Rulebook) -> None:
    evaluation = yantai.evaluate(
        {
            "food_samples_passed": 1250,
            "food_samples_tested": 1250,
            "food_safety_sampling_pass_rate": "100%",
        },
        rules=[yantai[RULE]],
    )
    assert evaluation.verdict is qrules.Verdict.MET


def test_strict_refuses_a_share_its_counts_contradict(yantai: qrules.Rulebook) -> None:
    values = {
        "food_safety_sampling_pass_rate": "99.5",
        "food_samples_passed": 986,
        "food_samples_tested": 1000,
    }
    (result,) = yantai.evaluate(values, rules=[yantai[RULE]])
    assert "the reported 99.5 differs from 98.6 computed from the counts" in result.reason.en
    with pytest.raises(
        qrules.DataError,
        match=r"food_safety_sampling_pass_rate = 99.5 in 2025 "
        r"differs from 98.6 computed from food_samples_passed \(key ",
    ):
        yantai.evaluate(values, rules=[yantai[RULE]], strict=True)
    with pytest.raises(qrules.DataError, match=r"differs from 98\.6"):
        assert_meets(values, yantai, rules=[RULE], strict=True)


@pytest.mark.parametrize("written", ["98.6", "98.64", "99"])
def test_strict_accepts_a_share_rounded_from_its_counts(
    yantai: qrules.Rulebook, written: str
) -> None:
    values = {
        "food_safety_sampling_pass_rate": written,
        "food_samples_passed": 9864,
        "food_samples_tested": 10000,
    }
    (result,) = yantai.evaluate(values, rules=[yantai[RULE]], strict=True)
    assert result.verdict is qrules.Verdict.MET


def test_a_share_and_counts_that_give_different_verdicts_are_unknown(
    tmp_path: Path, yantai: qrules.Rulebook
) -> None:
    # 98.6 reported would be met; its counts give 98.48, not met: either could be wrong.
    path = write(
        tmp_path,
        "year,measure,value\n2025,food_safety_sampling_pass_rate,98.6\n"
        "2025,food_samples_passed,1231\n2025,food_samples_tested,1250\n",
    )
    (result,) = yantai.evaluate(qrules.read_dataset(path, yantai), rules=[yantai[RULE]])
    assert result.verdict is qrules.Verdict.UNKNOWN
    assert (result.observed, result.gap, result.changes) == (None, None, ())
    assert result.reason.en == (
        "the reported 98.6 would be met, its counts give 98.48, not met: one of them is wrong "
        "(figures.csv: row 2, row 3, row 4); correct it"
    )
    assert result.reason.zh == (
        "报告值 98.6 为达标,由计数算得 98.48,为未达标;两者必有一误,无法判定"
        "(figures.csv:第 2 行、第 3 行、第 4 行),请更正其一"
    )


def test_every_share_a_requirement_reads_holds_on_both_readings(mini_copy: Path) -> None:
    # pass_rate is not the rule's own measure: its reported 95 would meet the
    # requirement, its counts (80 of 100) would not.
    with (mini_copy / "rules.toml").open("a", encoding="utf-8") as rules:
        rules.write(
            '\n[[rule]]\nid = "both"\ntitle = { zh = "两者", en = "Both" }\n'
            'measure = "coverage"\naggregation = "level"\n'
            'requirement = "coverage >= 20 and pass_rate >= 90"\n'
            'interpretation = "A test rule: coverage ≥ 20 and a pass rate ≥ 90 '
            'beside the quoted rate."\n'
            'due = 2025-12-31\nresponsible = ["市市场监管局"]\n'
            '[rule.source]\nsection = "一"\nquote = "食品安全抽检合格率≥98.5"\n'
        )
    book = qrules.load(mini_copy)
    values = {"coverage": 50, "pass_rate": 95, "passed": 80, "sampled": 100}
    (result,) = book.evaluate(values, rules=[book["both"]])
    assert result.verdict is qrules.Verdict.UNKNOWN
    assert result.reason.en.startswith(
        "the reported pass_rate = 95 would be met, its counts give pass_rate = 80, not met"
    )
    assert result.inputs["pass_rate"] == 95  # logged, so that the audit judges it again
    # Both readings not met: the verdict stands.
    (result,) = book.evaluate({**values, "pass_rate": 85}, rules=[book["both"]])
    assert result.verdict is qrules.Verdict.NOT_MET


@pytest.mark.parametrize(
    ("written", "verdict"),
    [
        ("98.5", qrules.Verdict.NOT_MET),
        ("97", qrules.Verdict.NOT_MET),
        ("99", qrules.Verdict.UNKNOWN),
    ],
)
def test_counts_decide_when_both_readings_agree(
    yantai: qrules.Rulebook, written: str, verdict: qrules.Verdict
) -> None:
    # 98.5 is 98.48 rounded; 97 is not met on both readings; 99 would be met.
    values = {
        "food_safety_sampling_pass_rate": written,
        "food_samples_passed": 1231,
        "food_samples_tested": 1250,
    }
    (result,) = yantai.evaluate(values, rules=[yantai[RULE]])
    assert result.verdict is verdict


@given(tested=st.integers(1, 400), data=st.data(), places=st.integers(0, 2))
@settings(max_examples=80, deadline=None)
def test_a_verdict_holds_on_every_reading(
    yantai: qrules.Rulebook, tested: int, data: st.DataObject, places: int
) -> None:
    """A share and its counts, both reported: a verdict of met or not met is the
    verdict of the counts alone and, unless the share is only the counts'
    value rounded, of the share alone."""
    passed = data.draw(st.integers(0, tested))
    scale = 10**places
    rate = Fraction(data.draw(st.integers(0, 100 * scale)), scale)
    written = f"{rate.numerator * 10**places // rate.denominator / 10**places}%"
    assert Fraction(written[:-1]) == rate
    rule = yantai[RULE]

    def verdict(values: dict[str, object]) -> qrules.Verdict:
        (result,) = yantai.evaluate(values, rules=[rule])
        return result.verdict

    both = verdict(
        {
            # (Its sign written: a bare 0 < rate <= 1 is ambiguous, a data error.)
            "food_safety_sampling_pass_rate": written,
            "food_samples_passed": passed,
            "food_samples_tested": tested,
        }
    )
    if both is qrules.Verdict.UNKNOWN:
        return
    assert both is verdict({"food_samples_passed": passed, "food_samples_tested": tested})
    exact = Fraction(100 * passed, tested)
    if abs(exact - rate) > Fraction(1, 2 * scale):
        assert both is verdict({"food_safety_sampling_pass_rate": written})


def test_a_bound_is_read_as_written_never_through_a_binary_float(mini_copy: Path) -> None:
    measures = mini_copy / "measures.toml"
    text = measures.read_text(encoding="utf-8")
    marker = "[measure.pass_rate]\n"
    assert marker in text
    measures.write_text(
        text.replace(marker, marker + "upper = 98.50000000000000001\n", 1), encoding="utf-8"
    )
    book = qrules.load(mini_copy)
    assert book.measures["pass_rate"].upper == Fraction("98.50000000000000001")


def _yearly(
    tmp_path: Path, book: qrules.Rulebook, rates: dict[int, str], counts: dict[int, tuple[int, int]]
) -> qrules.Dataset:
    lines = ["year,measure,value"]
    for year in (2023, 2024, 2025):
        if year in rates:
            lines.append(f"{year},pass_rate,{rates[year]}")
        if year in counts:
            lines += [f"{year},passed,{counts[year][0]}", f"{year},sampled,{counts[year][1]}"]
    return qrules.read_dataset(write(tmp_path, "\n".join(lines) + "\n"), book)


def test_an_average_holds_on_every_reading_of_its_years(tmp_path: Path, mini_copy: Path) -> None:
    # 2024's reported 95 would make the average met (95 + 95 + 95); its counts
    # (70 of 100) make it not met (86.67): either could be wrong.
    book = with_average_rule(mini_copy)
    rule = book["average-pass-rate"]
    data = _yearly(
        tmp_path,
        book,
        {2023: "95", 2024: "95", 2025: "95"},
        {2023: (95, 100), 2024: (70, 100), 2025: (95, 100)},
    )
    (result,) = book.evaluate(data, rules=[rule])
    assert result.verdict is qrules.Verdict.UNKNOWN
    assert (result.observed, result.gap) == (None, None)
    assert result.reason.en == (
        "the reported 95 in 2024 would be met, its counts give 70 in 2024, not met: one of "
        "them is wrong (figures.csv: row 5, row 6, row 7); correct it"
    )
    assert result.reason.zh == (
        "报告值 95(2024 年) 为达标,由计数算得 70(2024 年),为未达标;两者必有一误,无法判定"
        "(figures.csv:第 5 行、第 6 行、第 7 行),请更正其一"
    )
    # Each year's values are kept, so that the audit judges every reading again.
    assert result.yearly[2024] == {"pass_rate": 95, "passed": 70, "sampled": 100}


def test_an_average_whose_readings_agree_is_judged_on_the_counts(
    tmp_path: Path, mini_copy: Path
) -> None:
    book = with_average_rule(mini_copy)
    rule = book["average-pass-rate"]
    # 2024's reported 80 and its counts' 70 are both not met with the other years' 80s.
    data = _yearly(
        tmp_path, book, {2024: "80"}, {2023: (80, 100), 2024: (70, 100), 2025: (80, 100)}
    )
    (result,) = book.evaluate(data, rules=[rule])
    assert result.verdict is qrules.Verdict.NOT_MET
    assert result.observed == Fraction(230, 3)
    # A share alone (no counts) in a year is read as reported: nothing to doubt.
    data = _yearly(tmp_path, book, {2023: "95", 2024: "95", 2025: "95"}, {})
    (result,) = book.evaluate(data, rules=[rule])
    assert result.verdict is qrules.Verdict.MET


def test_a_sum_over_years_holds_on_every_reading(tmp_path: Path, mini_copy: Path) -> None:
    # A "new" rule reading a share in its requirement: 2025's reported 99
    # would not meet it (a sum of 279), its counts (50 of 100) would (230).
    with (mini_copy / "rules.toml").open("a", encoding="utf-8") as rules:
        rules.write(
            '\n[[rule]]\nid = "new-with-rate"\n'
            'title = { zh = "新增且合格", en = "New, with a pass rate" }\n'
            'measure = "new_standards"\naggregation = "new"\n'
            'requirement = "new_standards >= 3 and pass_rate <= 250"\n'
            'interpretation = "A test rule: new standards ≥ 3 and shares summing '
            '≤ 250 over the years."\n'
            'due = 2025-12-31\nresponsible = ["市市场监管局"]\n'
            '[rule.source]\nsection = "一"\nquote = "食品安全抽检合格率≥98.5"\n'
        )
    book = qrules.load(mini_copy)
    lines = [
        "year,measure,value",
        *(f"{y},new_standards,1" for y in (2023, 2024, 2025)),
        "2023,pass_rate,90",
        "2024,pass_rate,90",
        "2025,pass_rate,99",
        "2025,passed,50",
        "2025,sampled,100",
    ]
    data = qrules.read_dataset(write(tmp_path, "\n".join(lines) + "\n"), book)
    (result,) = book.evaluate(data, rules=[book["new-with-rate"]])
    assert result.verdict is qrules.Verdict.UNKNOWN
    assert "pass_rate = 99 in 2025 would be not met" in result.reason.en
