"""Consistency of the Yantai 2023-2025 rulebook, checked from its files alone.

These tests read the TOML with the standard library only (qrules' own loader
is written in parallel); they pin the shape of the encoding so that a change
to the rulebook is a deliberate one: every quote is in the plan, every measure
is declared, ids are unique, related rules exist both ways, and the number of
rules per part of the plan is fixed.
"""

from __future__ import annotations

import csv
import datetime
import re
import tomllib
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest

RULEBOOK = Path(__file__).resolve().parents[1] / "rules" / "yantai-2023-2025"
PLAN_TEXT = (RULEBOOK / "plan.txt").read_text(encoding="utf-8")
PLAN = tomllib.loads((RULEBOOK / "plan.toml").read_text(encoding="utf-8"))
MEASURES = tomllib.loads((RULEBOOK / "measures.toml").read_text(encoding="utf-8"))["measure"]
BODIES = tomllib.loads((RULEBOOK / "bodies.toml").read_text(encoding="utf-8"))["body"]
RULE_FILES = sorted(
    p
    for p in RULEBOOK.glob("*.toml")
    if p.name not in {"plan.toml", "measures.toml", "bodies.toml"}
)
SAMPLE = RULEBOOK / "samples" / "synthetic-2023-2025.csv"


def _load_rules() -> list[tuple[str, dict]]:
    rules = []
    for path in RULE_FILES:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        assert set(data) == {"rule"}, f"{path.name}: only [[rule]] tables belong in a rule file"
        rules.extend((path.name, rule) for rule in data["rule"])
    return rules


RULES = _load_rules()
RULES_BY_ID = {rule["id"]: rule for _, rule in RULES}

# From docs/rule-files.md.
UNITS = {
    "percent",
    "score",
    "index",
    "count",
    "enterprises",
    "organisations",
    "items",
    "people",
    "sites",
    "batches",
    "batches_per_1000_people",
    "inspections",
    "inspections_per_unit_per_year",
    "products",
    "parameters",
    "square_metres",
}
AGGREGATIONS = {"level", "cumulative", "new", "annual_average", "every_year"}
RULE_KEYS = {
    "id",
    "title",
    "measure",
    "aggregation",
    "requirement",
    "due",
    "period",
    "responsible",
    "strength",
    "interpretation",
    "related",
    "tags",
    "source",
    "records",
    "scope",
    "districts",
    "alternatives",
}
REQUIRED_RULE_KEYS = {
    "id",
    "title",
    "measure",
    "aggregation",
    "requirement",
    "responsible",
    "source",
}
SOURCE_KEYS = {"section", "quote", "indicator_source", "data_source", "inferred"}
MEASURE_KEYS = {"name", "unit", "formula", "note", "lower", "upper", "at_most"}
RULE_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
MEASURE_ID = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")
SHORTHAND = re.compile(r"(>=|>|<=|<|==|!=) (\d+(?:\.\d+)?)")
# Every formula in this rulebook is a scaled ratio of two counts, or a sum of counts.
RATIO_FORMULA = re.compile(r"(\d+) \* ([a-z][a-z0-9_]*) / ([a-z][a-z0-9_]*)")
SUM_FORMULA = re.compile(r"[a-z][a-z0-9_]*( \+ [a-z][a-z0-9_]*)+")


def _formula_names(formula: str) -> tuple[str, ...]:
    match = RATIO_FORMULA.fullmatch(formula)
    if match:
        return match.group(2, 3)
    assert SUM_FORMULA.fullmatch(formula), formula
    return tuple(formula.split(" + "))


PLAN_START = PLAN["period"]["start"]
PLAN_END = PLAN["period"]["end"]

# The number of rules each part of the plan gives. Change deliberately.
RULES_PER_SECTION = {
    "一、(二) 质量强市建设主要指标 / 质量创新": 5,
    "一、(二) 质量强市建设主要指标 / 品质升级": 5,
    "一、(二) 质量强市建设主要指标 / 质量品牌": 5,
    "一、(二) 质量强市建设主要指标 / 质量生态": 11,
    "二、(一) 专栏1": 2,
    "二、(二) 专栏2": 10,
    "二、(二) 专栏3": 10,
    "二、(二) 专栏4": 7,
    "二、(三) 专栏5后段": 8,
    "二、(四) 专栏6": 19,
    "二、(五) 专栏7": 12,
}
TOTAL_RULES = 94

FILE_TAGS = {
    "indicators.toml": "indicator-table",
    "column-1.toml": "column-1",
    "column-2.toml": "column-2",
    "column-3.toml": "column-3",
    "column-4.toml": "column-4",
    "brands.toml": "brands-paragraph",
    "column-6.toml": "column-6",
    "column-7.toml": "column-7",
}


def _names(rule: dict) -> list[str]:
    """A rule's responsible list: an array, or a table with names and open."""
    responsible = rule["responsible"]
    return responsible["names"] if isinstance(responsible, dict) else responsible


rule_ids = pytest.mark.parametrize("rule", [rule for _, rule in RULES], ids=lambda r: r["id"])


def _bilingual(value: object) -> bool:
    return (
        isinstance(value, dict)
        and set(value) == {"zh", "en"}
        and all(isinstance(v, str) and v.strip() for v in value.values())
    )


# ---------------------------------------------------------------- plan.toml


def test_plan_metadata():
    assert PLAN["schema_version"] == 1
    assert PLAN["id"] == RULEBOOK.name == "yantai-2023-2025"
    assert PLAN["version"] == "2.0.0"
    assert PLAN["status"] == "draft"
    assert PLAN["text"] == "plan.txt"
    assert _bilingual(PLAN["title"])
    assert _bilingual(PLAN["issuer"])
    assert PLAN["issuer"]["zh"] == "烟台市市场监督管理局"
    assert datetime.date(2023, 1, 1) == PLAN_START
    assert datetime.date(2025, 12, 31) == PLAN_END
    # The text states no publication date.
    assert "published" not in PLAN
    allowed = {
        "schema_version",
        "id",
        "version",
        "status",
        "text",
        "title",
        "issuer",
        "period",
        "published",
        "supersedes",
        "consultation",
        "ignore",
        "districts",
    }
    assert set(PLAN) <= allowed


def test_plan_title_is_in_the_text():
    assert PLAN["title"]["zh"].replace("(2023-2025年)", "") in PLAN_TEXT
    assert "(2023-2025年)" in PLAN_TEXT


def _consultation_quotes():
    for table in PLAN["consultation"]["rounds"]:
        for key, value in table.items():
            if key.endswith("quote"):
                yield key, value


def test_consultation_quotes_are_in_the_plan():
    quotes = list(_consultation_quotes())
    assert len(quotes) == 5
    for key, quote in quotes:
        assert quote in PLAN_TEXT, f"{key}: {quote!r}"


def test_consultation_values_are_plain():
    for key, value in PLAN["consultation"].items():
        if key == "rounds":
            for table in value:
                for v in table.values():
                    assert isinstance(v, (str, int, datetime.date))
        else:
            assert isinstance(value, (str, int, datetime.date)), key


def test_consultation_records_both_department_counts():
    rounds = PLAN["consultation"]["rounds"]
    departments = [r for r in rounds if r["kind"] == "departments"]
    assert [(r["invited"], r["comments"], r["adopted"]) for r in departments] == [
        (39, 49, 24),
        (39, 56, 27),
    ]
    assert departments[1]["partly_adopted"] == 4
    assert departments[1]["not_adopted"] == 25
    (public,) = [r for r in rounds if r["kind"] == "public"]
    assert (public["start"], public["end"], public["comments"]) == (
        datetime.date(2023, 6, 5),
        datetime.date(2023, 6, 30),
        0,
    )
    (experts,) = [r for r in rounds if r["kind"] == "experts"]
    assert (experts["date"], experts["comments"], experts["adopted"]) == (
        datetime.date(2023, 6, 30),
        19,
        19,
    )


# ---------------------------------------------------------------- measures.toml


def test_measures_are_well_formed():
    for measure_id, measure in MEASURES.items():
        assert MEASURE_ID.fullmatch(measure_id), measure_id
        assert set(measure) <= MEASURE_KEYS, (measure_id, set(measure) - MEASURE_KEYS)
        assert _bilingual(measure["name"]), measure_id
        assert measure["unit"] in UNITS, (measure_id, measure["unit"])


def test_formulas_refer_to_declared_measures_without_cycles():
    for measure_id, measure in MEASURES.items():
        if "formula" not in measure:
            continue
        for name in _formula_names(measure["formula"]):
            assert name in MEASURES, (measure_id, name)
            assert name != measure_id
            assert "formula" not in MEASURES[name], f"{measure_id}: nested formula {name}"


def test_every_measure_is_used():
    used = {rule["measure"] for _, rule in RULES}
    for measure in MEASURES.values():
        if "formula" in measure:
            used.update(_formula_names(measure["formula"]))
        # (a whole no rule states, that a part is at most: 制修订 standards)
        wholes = measure.get("at_most", [])
        used.update([wholes] if isinstance(wholes, str) else wholes)
    assert set(MEASURES) == used, set(MEASURES) ^ used


# ---------------------------------------------------------------- rules


def test_rule_ids_are_unique():
    counts = Counter(rule["id"] for _, rule in RULES)
    assert [rule_id for rule_id, n in counts.items() if n > 1] == []


def test_rule_counts_per_section():
    counts = Counter()
    for _, rule in RULES:
        section = rule["source"]["section"]
        prefixes = [p for p in RULES_PER_SECTION if section.startswith(p)]
        assert len(prefixes) == 1, section
        counts[prefixes[0]] += 1
    assert dict(counts) == RULES_PER_SECTION
    assert len(RULES) == TOTAL_RULES == sum(RULES_PER_SECTION.values())


def test_indicator_table_has_26_rules_all_tagged():
    tagged = [rule for _, rule in RULES if "indicator-table" in rule.get("tags", [])]
    in_table = [
        rule
        for _, rule in RULES
        if rule["source"]["section"].startswith("一、(二) 质量强市建设主要指标")
    ]
    assert len(tagged) == 26
    assert tagged == in_table
    # The drafting note announces 26 quantitative indicators.
    assert PLAN["consultation"]["quantitative_indicators"] == 26
    for rule in tagged:
        assert rule["title"]["zh"] in PLAN_TEXT, rule["id"]
        assert _names(rule) == []


def test_rule_files_tag_their_part():
    assert {path.name for path in RULE_FILES} == set(FILE_TAGS)
    for file_name, rule in RULES:
        assert FILE_TAGS[file_name] in rule.get("tags", []), rule["id"]


@rule_ids
def test_rule_shape(rule):
    assert set(rule) <= RULE_KEYS, set(rule) - RULE_KEYS
    assert set(rule) >= REQUIRED_RULE_KEYS, REQUIRED_RULE_KEYS - set(rule)
    assert RULE_ID.fullmatch(rule["id"])
    assert _bilingual(rule["title"])
    assert rule["aggregation"] in AGGREGATIONS
    assert rule.get("strength", "firm") in {"firm", "aspirational"}
    assert set(rule["source"]) <= SOURCE_KEYS
    assert {"section", "quote"} <= set(rule["source"])
    assert all(isinstance(tag, str) for tag in rule.get("tags", []))
    if "interpretation" in rule:
        assert _bilingual(rule["interpretation"]), rule["id"]
    for alternative in rule.get("alternatives", []):
        assert _bilingual(alternative["reading"]), rule["id"]


@rule_ids
def test_rule_quote_is_in_the_plan(rule):
    source = rule["source"]
    assert source["quote"] in PLAN_TEXT, source["quote"]
    for key in ("indicator_source", "data_source"):
        if key in source:
            assert source[key] in PLAN_TEXT, (key, source[key])


@rule_ids
def test_rule_measure_is_declared(rule):
    assert rule["measure"] in MEASURES


@rule_ids
def test_rule_due_date(rule):
    if rule["aggregation"] == "every_year":
        assert "due" not in rule
        period = rule.get("period", {"start": PLAN_START, "end": PLAN_END})
        assert PLAN_START <= period["start"] <= period["end"] <= PLAN_END
    else:
        assert isinstance(rule["due"], datetime.date)
        assert PLAN_START <= rule["due"] <= PLAN_END


@rule_ids
def test_rule_requirement_is_a_shorthand_comparison(rule):
    match = SHORTHAND.fullmatch(rule["requirement"])
    assert match, rule["requirement"]
    if MEASURES[rule["measure"]]["unit"] == "percent":
        assert Fraction(match.group(2)) <= 100


@rule_ids
def test_rule_responsible_is_verbatim(rule):
    responsible = _names(rule)
    assert isinstance(responsible, list)
    if "indicator-table" not in rule.get("tags", []):
        assert responsible, "only the indicator table has no 责任单位"
    for name in responsible:
        assert name in PLAN_TEXT, name
        assert not name.endswith("等"), name
        assert "、" not in name, name
        assert "," not in name, name


@rule_ids
def test_related_rules_exist_both_ways(rule):
    for other in rule.get("related", []):
        assert other != rule["id"]
        assert other in RULES_BY_ID, other
        assert rule["id"] in RULES_BY_ID[other].get("related", []), other


def _reading(aggregation: str, unit: str) -> str:
    """Whether a rule reads its measure's yearly values as a stock or a flow (a
    rate judged every year is a level each year)."""
    if aggregation == "every_year" and unit == "percent":
        return "stock"
    return "stock" if aggregation in {"level", "cumulative"} else "flow"


def test_rules_on_one_measure_read_it_alike():
    readings: dict[str, set[str]] = {}
    for _, rule in RULES:
        unit = MEASURES[rule["measure"]]["unit"]
        readings.setdefault(rule["measure"], set()).add(_reading(rule["aggregation"], unit))
    assert {m: r for m, r in readings.items() if len(r) > 1} == {}


def test_statements_made_twice_share_a_measure():
    pairs = [
        ("chief-quality-officers-table", "chief-quality-officers-column-6"),
        (
            "taishan-quality-certified-enterprises-table",
            "taishan-quality-certified-enterprises-brands-paragraph",
        ),
        (
            "provincial-high-end-brand-enterprises-table",
            "provincial-high-end-brand-enterprises-brands-paragraph",
        ),
        ("governor-quality-awards-table", "governor-quality-awards-brands-paragraph"),
        ("nqi-enterprises-served-table", "nqi-enterprises-served-column-6"),
        ("public-service-quality-score-table", "public-service-quality-score-column-4"),
        (
            "agricultural-product-monitoring-pass-rate-table",
            "agricultural-product-monitoring-pass-rate-column-7",
        ),
        ("quality-strong-counties-table", "quality-strong-counties-column-1"),
        ("shandong-quality-product-bases-table", "shandong-quality-product-bases-column-1"),
        (
            "mandatory-verification-standards-coverage-table",
            "mandatory-verification-standards-coverage-column-6",
        ),
        ("metrology-demonstration-units-table", "metrology-demonstration-units-column-6"),
        (
            "public-measurement-standards-new-or-upgraded-table",
            "public-measurement-standards-new-or-upgraded-column-6",
        ),
    ]
    for a, b in pairs:
        assert RULES_BY_ID[a]["measure"] == RULES_BY_ID[b]["measure"], (a, b)


def test_aspirational_rules_are_the_ones_the_plan_hedges():
    aspirational = {rule["id"] for _, rule in RULES if rule.get("strength") == "aspirational"}
    assert aspirational == {
        "china-quality-award-breakthrough",
        "international-standards-led-or-participated",
        "national-technical-standard-organizations-settled",
    }
    for rule_id in aspirational:
        assert re.search("力争|争取", RULES_BY_ID[rule_id]["source"]["quote"])


def test_record_level_rules_are_shares_of_counts():
    records = [rule for _, rule in RULES if "records" in rule.get("tags", [])]
    assert len(records) == 16
    for rule in records:
        measure = MEASURES[rule["measure"]]
        assert measure["unit"] == "percent", rule["id"]
        assert "formula" in measure, rule["id"]
        assert rule["interpretation"], rule["id"]


# ---------------------------------------------------------------- the synthetic sample


def _read_sample() -> list[dict[str, str]]:
    with SAMPLE.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == ["year", "district", "measure", "value"]
        return list(reader)


def test_sample_is_well_formed():
    rows = _read_sample()
    keys = Counter((row["year"], row["district"], row["measure"]) for row in rows)
    assert [key for key, n in keys.items() if n > 1] == []
    for row in rows:
        assert PLAN_START.year <= int(row["year"]) <= PLAN_END.year, row
        assert row["measure"] in MEASURES, row
        assert row["value"] == "" or re.fullmatch(r"-?\d+(\.\d+)?", row["value"]), row
    assert "synthetic" in (RULEBOOK / "samples" / "README.md").read_text(encoding="utf-8").lower()


def _city_values() -> dict[tuple[str, int], Fraction | None]:
    return {
        (row["measure"], int(row["year"])): (Fraction(row["value"]) if row["value"] else None)
        for row in _read_sample()
        if row["district"] == ""
    }


def _value(values, measure: str, year: int) -> Fraction | None:
    """A measure's city-wide value for a year; None when unknown."""
    if (measure, year) in values:
        return values[(measure, year)]
    formula = MEASURES[measure].get("formula")
    if formula is None:
        return None
    if SUM_FORMULA.fullmatch(formula):
        parts = [_value(values, name, year) for name in _formula_names(formula)]
        return None if None in parts else sum(parts, Fraction(0))
    scale, numerator, denominator = RATIO_FORMULA.fullmatch(formula).groups()
    num, den = _value(values, numerator, year), _value(values, denominator, year)
    if num is None or not den:
        return None
    return Fraction(scale) * num / den


_COMPARE = {
    ">=": lambda a, b: a >= b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    "<": lambda a, b: a < b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


def _verdict(rule, values) -> str:
    """A minimal exact judge of one rule on the sample (the oracle is qrules)."""
    op, number = SHORTHAND.fullmatch(rule["requirement"]).groups()

    def judge(observed):
        if observed is None:
            return "unknown"
        return "met" if _COMPARE[op](observed, Fraction(number)) else "not met"

    aggregation = rule["aggregation"]
    if aggregation in {"level", "cumulative"}:
        return judge(_value(values, rule["measure"], rule["due"].year))
    if aggregation == "every_year":
        years = range(PLAN_START.year, PLAN_END.year + 1)
        results = {judge(_value(values, rule["measure"], y)) for y in years}
        return "not met" if "not met" in results else ("unknown" if "unknown" in results else "met")
    yearly = [
        _value(values, rule["measure"], y) for y in range(PLAN_START.year, rule["due"].year + 1)
    ]
    if None in yearly:
        return "unknown"
    total = sum(yearly, Fraction(0))
    return judge(total if aggregation == "new" else total / len(yearly))


def test_sample_gives_every_verdict():
    values = _city_values()
    verdicts = {rule["id"]: _verdict(rule, values) for _, rule in RULES}
    assert Counter(verdicts.values()) == {"met": 68, "not met": 20, "unknown": 6}
    assert verdicts["food-safety-sampling-pass-rate"] == "not met"  # 98.4 against 98.5
    assert verdicts["food-sampling-volume-per-1000-people"] == "met"
    assert verdicts["taishan-quality-certified-enterprises-table"] == "met"
    assert verdicts["taishan-quality-certified-enterprises-brands-paragraph"] == "not met"
    assert verdicts["high-risk-catering-units-inspected-twice-yearly"] == "not met"
    assert verdicts["nqi-enterprises-served-table"] == "unknown"
    assert verdicts["manufacturing-quality-competitiveness-index"] == "unknown"


def test_sample_covers_the_counts_behind_some_rates():
    measures = {row["measure"] for row in _read_sample()}
    assert {"food_samples_passed", "food_samples_tested"} <= measures
    assert "food_safety_sampling_pass_rate" not in measures
    assert {"high_risk_catering_units_inspected_twice", "high_risk_catering_units"} <= measures


def test_the_rules_page_in_docs_is_generated_from_the_rulebook() -> None:
    # docs/rules/yantai-2023-2025.md is `qrules export yantai-2023-2025 --format markdown`;
    # regenerate it with that command when the rulebook changes.
    import qrules  # noqa: PLC0415 (the rest of this module reads the TOML itself)
    from qrules._report import rulebook_markdown  # noqa: PLC0415

    page = Path(__file__).parent.parent / "docs" / "rules" / "yantai-2023-2025.md"
    assert page.read_text(encoding="utf-8") == rulebook_markdown(qrules.load("yantai-2023-2025"))


# ---------------------------------------------------------------- readings and bodies


def _spelled() -> dict[str, str]:
    """Every spelling in bodies.toml, with the body it names."""
    found: dict[str, str] = {}
    for body_id, body in BODIES.items():
        for spelling in {body["name"]["zh"], *body.get("spellings", [])}:
            assert spelling not in found, spelling
            found[spelling] = body_id
    return found


def _responsibility(quote: str) -> tuple[list[str], bool]:
    """The 责任单位 of the paragraph a quote stands in: its names, and whether
    the plan closes the list with 等."""
    start = PLAN_TEXT.index(quote)
    paragraph = PLAN_TEXT[start : PLAN_TEXT.index("\n", start)].rstrip()
    head = "(责任单位:"
    assert head in paragraph, paragraph[-40:]
    assert paragraph.endswith(")"), paragraph[-40:]
    inner = paragraph[paragraph.rindex(head) + len(head) : -1]
    closed_with_deng = inner.endswith("等")
    return re.split("[\u3001,\uff0c]", inner[:-1] if closed_with_deng else inner), closed_with_deng


def test_every_responsible_entry_maps_to_a_body():
    spelled = _spelled()
    for _, rule in RULES:
        for name in _names(rule):
            assert name in spelled, (rule["id"], name)
    for body in BODIES.values():
        assert body["level"] in {
            "city-department",
            "district-government",
            "all-districts",
            "city-collective",
        }
        assert body["name"]["en"].strip()
        for spelling in body.get("spellings", []):
            assert spelling in PLAN_TEXT, spelling
    assert len(BODIES) == 25


def test_one_body_whatever_the_plan_spells(yantai):
    spelled = _spelled()
    assert spelled["龙口市"] == spelled["龙口市政府"] == "longkou-government"
    assert spelled["市市场监管局局"] == spelled["市市场监管局"] == "market-regulation"
    assert spelled["各区市政府(管委)"] == "district-governments"
    assert BODIES["district-governments"]["level"] == "all-districts"
    assert yantai.body("市市场监管局局") is yantai.body("market-regulation")
    for rule in yantai:
        assert len(rule.bodies) == len(rule.responsible), rule.id
        assert rule.bodies == tuple(spelled[name] for name in rule.responsible)


def test_open_exactly_where_the_plan_closes_the_list_with_deng():
    closed_with_deng = 0
    for _, rule in RULES:
        names = _names(rule)
        if not names:
            assert "indicator-table" in rule["tags"]
            continue
        expected, open_ = _responsibility(rule["source"]["quote"])
        assert names == expected, rule["id"]
        responsible = rule["responsible"]
        written = isinstance(responsible, dict) and responsible.get("open", False)
        assert written == open_, rule["id"]
        closed_with_deng += open_
    assert closed_with_deng == 47


def test_list_by_responsible_body_includes_the_misprinted_spelling():
    from .conftest import run  # noqa: PLC0415 (the rest of this module reads the TOML itself)

    code, out, _ = run("list", "yantai-2023-2025", "--responsible", "市市场监管局")
    assert code == 0
    listed = {line.split()[0] for line in out.splitlines()[2:]}
    owned = {
        rule["id"] for _, rule in RULES if {"市市场监管局", "市市场监管局局"} & set(_names(rule))
    }
    misprinted = {rule["id"] for _, rule in RULES if "市市场监管局局" in _names(rule)}
    assert listed == owned
    assert len(misprinted) == 18
    assert misprinted < listed
    assert run("list", "yantai-2023-2025", "--responsible", "market-regulation")[1] == out
    code, _, err = run("list", "yantai-2023-2025", "--responsible", "市场监管")
    assert code == 2
    assert "no responsible body '市场监管'" in err


_SEPARATOR = re.compile(r"# -{10,} \S")


def test_no_reading_lives_only_in_a_comment():
    """Comments in rule files are a file's header and the section separators;
    a reading belongs in the rule's interpretation, where users see it."""
    for path in RULE_FILES:
        lines = path.read_text(encoding="utf-8").splitlines()
        first = lines.index("[[rule]]")
        inside = [line for line in lines[first:] if line.lstrip().startswith("#")]
        assert all(_SEPARATOR.match(line) for line in inside), (path.name, inside)


# Rules whose encoding is the literal reading of the quote: a level in 2025,
# a threshold with 以上, one rule for its words, nothing inferred, no other reading.
LITERAL = {
    "construction-waste-recycling-rate",
    "public-measurement-standards-traceability-demand-met",
    "food-safety-public-satisfaction",
}


def test_every_rule_that_is_not_a_literal_reading_explains_itself():
    quotes = Counter(rule["source"]["quote"] for _, rule in RULES)
    for _, rule in RULES:
        if rule["id"] in LITERAL:
            assert "interpretation" not in rule
            assert rule["aggregation"] == "level"
            assert rule["due"] == PLAN_END
            assert "以上" in rule["source"]["quote"]
            assert quotes[rule["source"]["quote"]] == 1
            assert "alternatives" not in rule
            assert "inferred" not in rule["source"]
            assert not re.search("力争|争取", rule["source"]["quote"])
        else:
            assert _bilingual(rule.get("interpretation")), rule["id"]
    assert {rule["id"] for _, rule in RULES if "interpretation" not in rule} == LITERAL


def test_sources_are_inferred_exactly_where_the_table_prints_none():
    rows = [rule for _, rule in RULES if "indicator-table" in rule["tags"]]
    ends = [PLAN_TEXT.index(rule["source"]["quote"]) for rule in rows[1:]]
    ends.append(PLAN_TEXT.index("二、主要行动"))
    inferred = set()
    for rule, end in zip(rows, ends, strict=True):
        source = rule["source"]
        block = PLAN_TEXT[PLAN_TEXT.index(source["quote"]) + len(source["quote"]) : end]
        if not all(
            source[key] in block for key in ("indicator_source", "data_source") if key in source
        ):
            inferred.add(rule["id"])
            interpretation = rule["interpretation"]
            assert "merged cell" in interpretation["en"], rule["id"]
            assert "合并单元格" in interpretation["zh"], rule["id"]
        assert source.get("inferred", False) == (rule["id"] in inferred), rule["id"]
    assert len(inferred) == 9


def _alternatives(rule_id: str) -> list[dict]:
    return RULES_BY_ID[rule_id].get("alternatives", [])


def test_the_questioned_readings_are_decided():
    # 创建/打造/建设/培育/导入 without 达到: what the plan period makes; held is the other reading.
    made = [
        "quality-strong-counties-table",
        "quality-strong-counties-column-1",
        "advanced-quality-management-adopters",
        "intelligent-retrofit-demonstration-enterprises",
        "municipal-service-standardization-pilot-projects",
        "provincial-service-standardization-pilot-projects",
        "municipal-agricultural-regional-public-brands",
        "agricultural-enterprise-product-brands",
        "chief-quality-officers-table",
        "chief-quality-officers-column-6",
        "metrology-demonstration-units-table",
        "metrology-demonstration-units-column-6",
    ]
    for rule_id in made:
        rule = RULES_BY_ID[rule_id]
        assert rule["aggregation"] == "new", rule_id
        assert [a.get("aggregation") for a in _alternatives(rule_id)] == ["cumulative"]
        assert "达到" in rule["interpretation"]["zh"]
        assert "达到" in rule["interpretation"]["en"]
    # 达到 marks a stock: the bases stay a running total.
    assert "达到" in RULES_BY_ID["shandong-quality-product-bases-column-1"]["source"]["quote"]
    assert RULES_BY_ID["shandong-quality-product-bases-column-1"]["aggregation"] == "cumulative"
    # Qualifiers carried to the second item, the narrower measure named so.
    assert MEASURES["new_two_industries_integration_demo_zones"]["name"]["zh"].startswith(
        "新增省级以上"
    )
    assert MEASURES["agricultural_enterprise_product_brands"]["name"]["zh"].startswith("市级知名")
    for rule_id in (
        "new-two-industries-integration-demonstration-zones",
        "agricultural-enterprise-product-brands",
    ):
        assert any(set(a) == {"reading"} or "aggregation" in a for a in _alternatives(rule_id))
    # 新增 windows: the plan's own years; the source's window is the other reading.
    for rule_id, word in (
        ("new-quality-management-system-certified-enterprises", "十四五"),
        ("new-national-industry-local-standards", "2022"),
    ):
        assert RULES_BY_ID[rule_id]["aggregation"] == "new"
        assert word in RULES_BY_ID[rule_id]["interpretation"]["zh"]
        assert len(_alternatives(rule_id)) == 1
    # 稳定在 asks every year; 2025 alone is the other reading.
    for rule_id in (
        "agricultural-product-monitoring-pass-rate-column-7",
        "food-evaluative-sampling-pass-rate",
    ):
        assert "稳定在" in RULES_BY_ID[rule_id]["source"]["quote"]
        assert RULES_BY_ID[rule_id]["aggregation"] == "every_year"
        assert [a["aggregation"] for a in _alternatives(rule_id)] == ["level"]
    # 力争 ... 争取 in 专栏6: the clauses between are firm; aspirational is the other reading.
    quote = "制修订国家标准、行业标准120项"
    section = "二、(四) 专栏6 / 创新标准供给"
    between = [
        rule
        for _, rule in RULES
        if rule["source"]["section"].startswith(section) and rule.get("strength", "firm") == "firm"
    ]
    assert len(between) == 7
    assert quote in {r["source"]["quote"] for r in between}
    for rule in between:
        assert [a["strength"] for a in _alternatives(rule["id"])] == ["aspirational"]
        assert "力争" in rule["interpretation"]["zh"]
    assert MEASURES["metrology_demonstration_units"]["unit"] == "organisations"


def test_show_gives_the_reading_in_each_language():
    from .conftest import run  # noqa: PLC0415

    rule = RULES_BY_ID["quality-strong-counties-table"]
    code, zh, _ = run("show", "yantai-2023-2025", rule["id"], "--lang", "zh")
    assert code == 0
    assert rule["interpretation"]["zh"] in zh
    assert "另一读法" in zh
    assert rule["interpretation"]["en"] not in zh
    code, en, _ = run("show", "yantai-2023-2025", rule["id"])
    assert rule["interpretation"]["en"] in en
    assert "alternative" in en
    code, shown, _ = run(
        "show", "yantai-2023-2025", "manufacturing-product-quality-pass-rate", "--lang", "zh"
    )
    assert "数据来源(推断)" in shown


def test_export_carries_words_bodies_and_readings():
    import json  # noqa: PLC0415

    from .conftest import run  # noqa: PLC0415

    _code, out, _ = run("export", "yantai-2023-2025")
    document = json.loads(out)
    rules = {rule["id"]: rule for rule in document["rules"]}
    rule = rules["national-industry-standards-made-or-revised"]
    assert rule["responsible"] == ["市市场监管局局", "市科技局"]
    assert rule["responsible_bodies"] == ["market-regulation", "science-technology"]
    assert rule["responsible_open"] is True
    assert rule["interpretation"] == RULES_BY_ID[rule["id"]]["interpretation"]
    assert rule["alternatives"][0]["strength"] == "aspirational"
    assert {b["id"] for b in document["bodies"]} == set(BODIES)
    assert rules["metrology-demonstration-units-table"]["source"]["inferred"] is True
