"""Loading rulebooks: every problem found, named, and reported at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest

import qrules

Edit = Callable[[Path], None]


def replace(file: str, old: str, new: str) -> Edit:
    def edit(folder: Path) -> None:
        path = folder / file
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {file}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def test_mini_loads(mini: qrules.Rulebook) -> None:
    assert mini.id == "mini"
    assert mini.version == "1.0.0"
    assert [r.id for r in mini] == ["pass-rate", "firms", "new-standards", "coverage"]
    assert mini["pass-rate"].target == qrules.Target(">=", qrules.parse_value("98.5"))
    assert mini["pass-rate"].due == dt.date(2025, 12, 31)
    assert mini.measures["pass_rate"].formula is not None
    assert len(mini.fingerprint) == 64


def test_lookup_and_select(mini: qrules.Rulebook) -> None:
    assert "firms" in mini
    assert mini.get("nope") is None
    with pytest.raises(KeyError, match="no rule 'nope'"):
        mini["nope"]
    assert [r.id for r in mini.select(tags=["food"])] == ["pass-rate"]
    assert [r.id for r in mini.select(section="二")] == ["new-standards", "coverage"]
    assert [r.id for r in mini.select(ids={"firms"}, section="一")] == ["firms"]


def test_fingerprint_ignores_layout_but_not_content(mini_copy: Path, mini: qrules.Rulebook) -> None:
    replace("rules.toml", 'id = "pass-rate"', 'id   =   "pass-rate"')(mini_copy)
    assert qrules.load(mini_copy).fingerprint == mini.fingerprint
    replace("rules.toml", '">= 98.5"', '">= 98.5"\ninterpretation = "read as written"')(mini_copy)
    assert qrules.load(mini_copy).fingerprint != mini.fingerprint


def test_unknown_name_suggests() -> None:
    with pytest.raises(qrules.RulebookNotFoundError, match=r"did you mean 'yantai-2023-2025'\?"):
        qrules.load("yantai-2023-2026")


def test_not_a_folder(tmp_path: Path) -> None:
    with pytest.raises(qrules.RulebookNotFoundError, match=r"has no plan\.toml"):
        qrules.load(tmp_path)


INVALID = {
    "unknown-key": (
        replace("rules.toml", 'aggregation = "level"', 'aggregation = "level"\nmesure = 1'),
        "rules.toml, rule 'pass-rate', key 'mesure': unknown key (did you mean 'measure'?)",
    ),
    "wrong-type": (
        replace(
            "rules.toml",
            'responsible = ["市市场监管局"]\ntags',
            'responsible = "市市场监管局"\ntags',
        ),
        "rules.toml, rule 'pass-rate', key 'responsible': expected an array of strings",
    ),
    "quoted-date": (
        replace("rules.toml", "due = 2025-12-31", 'due = "2025-12-31"'),
        "key 'due': expected a date, got a string '2025-12-31' (write a TOML date",
    ),
    "bad-date": (
        replace("rules.toml", "due = 2025-12-31", "due = 2025-13-31"),
        "rules.toml, line 7, column 11: not valid TOML",
    ),
    "due-outside-plan": (
        replace("rules.toml", "due = 2025-12-31", "due = 2027-12-31"),
        "key 'due': due 2027-12-31 is outside the plan's period",
    ),
    "duplicate-id": (
        replace("rules.toml", 'id = "firms"', 'id = "pass-rate"'),
        "rules.toml, rule 'pass-rate', key 'id': duplicate rule id (first in rules.toml)",
    ),
    "unknown-unit": (
        replace("measures.toml", 'unit = "enterprises"', 'unit = "enterprise"'),
        "measures.toml, measure 'firms', key 'unit': 'enterprise' is not one of",
    ),
    "unknown-unit-suggestion": (
        replace("measures.toml", 'unit = "enterprises"', 'unit = "enterprise"'),
        "did you mean 'enterprises'?",
    ),
    "unknown-measure": (
        replace("rules.toml", 'measure = "firms"', 'measure = "firm"'),
        "rule 'firms', key 'measure': unknown measure 'firm' (did you mean 'firms'?)",
    ),
    "quote-not-in-text": (
        replace("rules.toml", 'quote = "新增标准100项"', 'quote = "新增标准120项"'),
        "rule 'new-standards', key 'source.quote': is not in the plan's text "
        "(the text matches up to '新增标准1', then differs at '20项'",
    ),
    "bad-requirement": (
        replace("rules.toml", '">= 98.5"', '">= 98.5)"'),
        "rule 'pass-rate', key 'requirement': expected the end of the expression",
    ),
    "requirement-unknown-measure": (
        replace("rules.toml", '">= 98.5"', '"pass_rate >= target_rate"'),
        "requirement refers to unknown measure 'target_rate'",
    ),
    "formula-unknown-measure": (
        replace("measures.toml", '"100 * passed / sampled"', '"100 * pased / sampled"'),
        "measure 'pass_rate', key 'formula': formula refers to unknown measure 'pased' "
        "(did you mean 'passed'?)",
    ),
    "formula-cycle": (
        replace("measures.toml", '"100 * inspected / units"', '"100 * inspected / coverage"'),
        "measure 'coverage', key 'formula': formula refers to its own measure",
    ),
    "missing-due": (
        replace(
            "rules.toml",
            'due = 2025-12-31\nresponsible = ["市市场监管局"]\ntags',
            'responsible = ["市市场监管局"]\ntags',
        ),
        "rule 'pass-rate', key 'due': missing required key (a level rule needs a due date)",
    ),
    "every-year-with-due": (
        replace("rules.toml", 'requirement = ">= 20"', 'requirement = ">= 20"\ndue = 2025-12-31'),
        "rule 'coverage', key 'due': an every_year rule has no due date",
    ),
    "missing-source": (
        replace(
            "rules.toml", '[rule.source]\nsection = "二"\nquote = "每年检查覆盖率不少于20%"', ""
        ),
        "rule 'coverage', key 'source': missing required key",
    ),
    "related-unknown": (
        replace("rules.toml", 'tags = ["food"]', 'tags = ["food"]\nrelated = ["firm"]'),
        "rule 'pass-rate', key 'related': related rule 'firm' does not exist "
        "(did you mean 'firms'?)",
    ),
    "schema-version": (
        replace("plan.toml", "schema_version = 1", "schema_version = 2"),
        "plan.toml, key 'schema_version': this qrules reads schema_version 1, got 2",
    ),
    "plan-status": (
        replace("plan.toml", 'status = "draft"', 'status = "drafted"'),
        "plan.toml, key 'status': 'drafted' is not one of draft, final, revised; "
        "did you mean 'draft'?",
    ),
    "period-reversed": (
        replace(
            "plan.toml",
            "start = 2023-01-01, end = 2025-12-31",
            "start = 2026-01-01, end = 2025-12-31",
        ),
        "plan.toml, key 'period': starts 2026-01-01 after it ends 2025-12-31",
    ),
    "text-missing": (
        replace("plan.toml", 'text = "plan.txt"', 'text = "plan.md"'),
        "plan.toml, key 'text': the plan's text 'plan.md' is not in the folder",
    ),
    "title-key": (
        replace(
            "rules.toml",
            'title = { zh = "新增标准", en = "New standards" }',
            'title = { zh = "新增标准", english = "New standards" }',
        ),
        "rule 'new-standards', key 'title': unknown key 'english'",
    ),
    "measure-id": (
        replace("measures.toml", "[measure.firms]", "[measure.Firms]"),
        "measures.toml, measure 'Firms': measure ids are lowercase words joined by '_'",
    ),
    "at-most-unknown": (
        replace(
            "measures.toml",
            'unit = "batches"\n\n[measure.sampled]',
            'unit = "batches"\nat_most = "sampeld"\n\n[measure.sampled]',
        ),
        "measures.toml, measure 'passed', key 'at_most': at_most names unknown measure "
        "'sampeld' (did you mean 'sampled'?)",
    ),
    "at-most-itself": (
        replace(
            "measures.toml",
            'unit = "batches"\n\n[measure.sampled]',
            'unit = "batches"\nat_most = ["passed"]\n\n[measure.sampled]',
        ),
        "measure 'passed', key 'at_most': a measure cannot be bounded by itself",
    ),
    "at-most-other-unit": (
        replace(
            "measures.toml",
            'unit = "batches"\n\n[measure.sampled]',
            'unit = "batches"\nat_most = "firms"\n\n[measure.sampled]',
        ),
        "key 'at_most': at_most compares measures in the same unit; 'firms' is in "
        "enterprises, 'passed' in batches",
    ),
    "lower-above-upper": (
        replace(
            "measures.toml",
            'unit = "enterprises"\n\n[measure.new_standards]',
            'unit = "enterprises"\nlower = 10\nupper = 5\n\n[measure.new_standards]',
        ),
        "measure 'firms', key 'lower': lower 10 is above upper 5: no value would be plausible",
    ),
    "lower-above-percent": (
        replace(
            "measures.toml",
            'unit = "percent"\nformula = "100 * passed / sampled"',
            'unit = "percent"\nformula = "100 * passed / sampled"\nlower = 100.5',
        ),
        "measure 'pass_rate', key 'lower': lower 100.5 is above the percent unit's bound 100",
    ),
    "negative-lower": (
        replace(
            "measures.toml",
            'unit = "enterprises"\n\n[measure.new_standards]',
            'unit = "enterprises"\nlower = -1\n\n[measure.new_standards]',
        ),
        "key 'lower': lower is -1; values are never negative in qrules",
    ),
    "bound-not-a-number": (
        replace(
            "measures.toml",
            'unit = "enterprises"\n\n[measure.new_standards]',
            'unit = "enterprises"\nupper = "100"\n\n[measure.new_standards]',
        ),
        "measure 'firms', key 'upper': expected a number, got a string '100'",
    ),
    "constant-formula": (
        replace("measures.toml", '"100 * inspected / units"', '"100 * 1"'),
        "measure 'coverage', key 'formula': formula '100 * 1' names no measure",
    ),
    "formula-divides-by-zero": (
        replace(
            "measures.toml", '"100 * inspected / units"', '"100 * inspected / (units - units)"'
        ),
        "measure 'coverage', key 'formula': formula '100 * inspected / (units - units)' divides "
        "by zero whatever the data",
    ),
    "requirement-of-constants": (
        replace("rules.toml", '">= 98.5"', '"1 >= 0"'),
        "rules.toml, rule 'pass-rate', key 'requirement': does not depend on the data: it is "
        "always true\n    1 >= 0\n    ^^^^^^",
    ),
    "requirement-against-itself": (
        replace("rules.toml", '">= 98.5"', '"pass_rate >= pass_rate"'),
        "key 'requirement': does not depend on the data: it is always true",
    ),
    "requirement-cancels": (
        replace("rules.toml", '">= 98.5"', '"2 * pass_rate - pass_rate - pass_rate < 1"'),
        "key 'requirement': does not depend on the data: it is always true",
    ),
    "requirement-divides-by-zero": (
        replace("rules.toml", '">= 98.5"', '">= 1/0"'),
        "rule 'pass-rate', key 'requirement': divides by zero whatever the data",
    ),
    "requirement-within-bounds": (
        replace("rules.toml", '">= 98.5"', '">= 0"'),
        "key 'requirement': the requirement is met whatever values within the measures' bounds "
        "are reported",
    ),
    "requirement-beyond-bounds": (
        replace("rules.toml", '">= 98.5"', '"> 100"'),
        "key 'requirement': the requirement is not met whatever values",
    ),
    "requirement-tautology": (
        replace("rules.toml", '">= 98.5"', '"pass_rate >= 90 or pass_rate < 90"'),
        "key 'requirement': the requirement is met whatever values",
    ),
}


BODIES = """
[body.market-regulation]
name = { zh = "市市场监管局", en = "Municipal Administration for Market Regulation" }
level = "city-department"
spellings = ["市市场监管局局"]

[body.longkou-government]
name = { zh = "龙口市政府", en = "Longkou City Government" }
level = "district-government"
spellings = ["龙口市"]
"""


def with_bodies(folder: Path, bodies: str = BODIES) -> None:
    """The mini rulebook with a bodies.toml, and the spellings in its text."""
    (folder / "bodies.toml").write_text(bodies, encoding="utf-8")
    plan = folder / "plan.txt"
    plan.write_text(
        plan.read_text(encoding="utf-8") + "\n(责任单位:市市场监管局局,龙口市政府)\n",
        encoding="utf-8",
    )


def test_bodies_map_every_spelling(mini_copy: Path) -> None:
    with_bodies(mini_copy)
    replace(
        "rules.toml",
        'responsible = ["市市场监管局"]\ntags',
        'responsible = { names = ["市市场监管局局", "龙口市"], open = true }\ntags',
    )(mini_copy)
    rulebook = qrules.load(mini_copy)
    rule = rulebook["pass-rate"]
    assert rule.responsible == ("市市场监管局局", "龙口市")
    assert rule.bodies == ("market-regulation", "longkou-government")
    assert rule.responsible_open
    assert rule.responsible_text("zh") == "市市场监管局局、龙口市等"
    assert rulebook["firms"].bodies == ("market-regulation",)
    assert not rulebook["firms"].responsible_open
    assert rulebook.body("龙口市政府") is rulebook.body("longkou-government")
    assert [r.id for r in rulebook.select(responsible="市市场监管局")] == [
        "pass-rate",
        "firms",
        "new-standards",
        "coverage",
    ]
    assert [r.id for r in rulebook.select(responsible="龙口市")] == ["pass-rate"]
    with pytest.raises(qrules.UnknownBodyError, match="did you mean '龙口市'"):
        rulebook.body("龙口")


def test_without_bodies_nothing_is_mapped(mini: qrules.Rulebook) -> None:
    assert mini.bodies == {}
    assert mini["pass-rate"].bodies == ()
    with pytest.raises(qrules.UnknownBodyError, match="declares no responsible bodies"):
        mini.select(responsible="市市场监管局")


# Responsible bodies and readings.
INVALID |= {
    "unmapped-name": (
        lambda f: (
            with_bodies(f),
            replace("rules.toml", '["市市场监管局"]\ntags', '["市场监管局"]\ntags')(f),
        ),
        "rules.toml, rule 'pass-rate', key 'responsible[0]': responsible '市场监管局' is no "
        "body's spelling",
    ),
    "spelling-twice": (
        lambda f: with_bodies(
            f, BODIES.replace('spellings = ["龙口市"]', 'spellings = ["龙口市", "市市场监管局局"]')
        ),
        "bodies.toml, body 'longkou-government', key 'spellings': '市市场监管局局' is already a "
        "spelling of body 'market-regulation'",
    ),
    "spelling-not-in-text": (
        lambda f: with_bodies(
            f, BODIES.replace('spellings = ["龙口市"]', 'spellings = ["龙口区"]')
        ),
        "'龙口区' is not in the plan's text",
    ),
    "bad-level": (
        lambda f: with_bodies(f, BODIES.replace('"district-government"', '"county"')),
        "key 'level': 'county' is not one of city-department, district-government",
    ),
    "open-not-bool": (
        replace(
            "rules.toml",
            'responsible = ["市市场监管局"]\ntags',
            'responsible = { names = ["市市场监管局"], open = "yes" }\ntags',
        ),
        "key 'responsible': open should be true or false, got a string 'yes'",
    ),
    "responsible-unknown-key": (
        replace(
            "rules.toml",
            'responsible = ["市市场监管局"]\ntags',
            'responsible = { name = ["市市场监管局"] }\ntags',
        ),
        "key 'responsible': unknown key 'name': a responsible table has names and open",
    ),
    "interpretation-missing-zh": (
        replace(
            "rules.toml",
            'tags = ["food"]',
            'tags = ["food"]\ninterpretation = { en = "Read as 2025." }',
        ),
        "rule 'pass-rate', key 'interpretation': missing zh",
    ),
    "inferred-without-interpretation": (
        replace(
            "rules.toml",
            'quote = "食品安全抽检合格率≥98.5"',
            'quote = "食品安全抽检合格率≥98.5"\ndata_source = "食品安全抽检合格率"\n'
            "inferred = true",
        ),
        "rule 'pass-rate', key 'source.inferred': an inferred source needs an interpretation",
    ),
    "inferred-without-source": (
        replace(
            "rules.toml",
            'quote = "食品安全抽检合格率≥98.5"',
            'quote = "食品安全抽检合格率≥98.5"\ninferred = true',
        ),
        "inferred is said of an indicator_source or data_source; this source has neither",
    ),
    "alternative-without-reading": (
        replace(
            "rules.toml",
            'quote = "新增标准100项"',
            'quote = "新增标准100项"\n[[rule.alternatives]]\naggregation = "cumulative"',
        ),
        "rule 'new-standards', key 'alternatives[0].reading': missing required key",
    ),
    "alternative-bad-requirement": (
        replace(
            "rules.toml",
            'quote = "新增标准100项"',
            'quote = "新增标准100项"\n[[rule.alternatives]]\nrequirement = ">= 1)"\n'
            'reading = { zh = "甲", en = "a" }',
        ),
        "rule 'new-standards', key 'alternatives[0].requirement': expected the end",
    ),
    "alternative-needs-due": (
        replace(
            "rules.toml",
            'quote = "每年检查覆盖率不少于20%"',
            'quote = "每年检查覆盖率不少于20%"\n[[rule.alternatives]]\naggregation = "level"\n'
            'reading = { zh = "甲", en = "a" }',
        ),
        "rule 'coverage', key 'alternatives[0].due': a level reading needs a due date",
    ),
}


@pytest.mark.parametrize(("edit", "expected"), INVALID.values(), ids=INVALID.keys())
def test_invalid_rulebook(mini_copy: Path, edit: Edit, expected: str) -> None:
    edit(mini_copy)
    with pytest.raises(qrules.RulebookError) as caught:
        qrules.load(mini_copy)
    assert expected in str(caught.value)


def test_all_problems_reported_together(mini_copy: Path) -> None:
    for name in ("unknown-key", "quote-not-in-text", "unknown-unit", "schema-version"):
        INVALID[name][0](mini_copy)
    with pytest.raises(qrules.RulebookError) as caught:
        qrules.load(mini_copy)
    files = sorted({p.file for p in caught.value.problems})
    assert files == ["measures.toml", "plan.toml", "rules.toml"]
    assert len(caught.value.problems) == 4
    assert "has 4 problems" in str(caught.value)


def test_bad_expression_shows_a_marker(mini_copy: Path) -> None:
    INVALID["bad-requirement"][0](mini_copy)
    with pytest.raises(qrules.RulebookError) as caught:
        qrules.load(mini_copy)
    assert "    >= 98.5)\n           ^" in str(caught.value)


def test_selecting_an_unknown_id_is_an_error(mini: qrules.Rulebook) -> None:
    with pytest.raises(qrules.UnknownRuleError, match="did you mean 'firms'"):
        mini.select(ids=["firm"])


def test_every_bound_problem_is_reported_at_once(mini_copy: Path) -> None:
    for name in (
        "at-most-unknown",
        "lower-above-upper",
        "lower-above-percent",
        "requirement-divides-by-zero",
    ):
        INVALID[name][0](mini_copy)
    with pytest.raises(qrules.RulebookError) as caught:
        qrules.load(mini_copy)
    assert [(p.file, p.where, p.key) for p in caught.value.problems] == [
        ("measures.toml", "measure 'pass_rate'", "lower"),
        ("measures.toml", "measure 'passed'", "at_most"),
        ("measures.toml", "measure 'firms'", "lower"),
        ("rules.toml", "rule 'pass-rate'", "requirement"),
        # firms at most 5 can never meet >= 300: the rule ignores the data.
        ("rules.toml", "rule 'firms'", "requirement"),
    ]


def test_declared_bounds_reach_the_model(mini_copy: Path) -> None:
    replace(
        "measures.toml",
        'unit = "enterprises"\n\n[measure.new_standards]',
        'unit = "enterprises"\nlower = 1\nupper = 999.5\n\n[measure.new_standards]',
    )(mini_copy)
    replace(
        "measures.toml",
        'unit = "batches"\n\n[measure.sampled]',
        'unit = "batches"\nat_most = ["sampled"]\n\n[measure.sampled]',
    )(mini_copy)
    rulebook = qrules.load(mini_copy)
    firms = rulebook.measures["firms"]
    assert (firms.lower, firms.upper) == (1, Fraction(1999, 2))
    assert rulebook.measures["passed"].at_most == ("sampled",)
    assert rulebook.measures["pass_rate"].upper == 100
    assert rulebook.measures["sampled"].upper is None


def test_alternatives_and_inferred_sources_load(mini_copy: Path) -> None:
    replace(
        "rules.toml",
        'quote = "食品安全抽检合格率≥98.5"',
        'quote = "食品安全抽检合格率≥98.5"\ndata_source = "食品安全抽检合格率"\n'
        "inferred = true\n"
        '[[rule.alternatives]]\naggregation = "every_year"\nrequirement = ">= 98"\n'
        'reading = { zh = "每年", en = "each year" }',
    )(mini_copy)
    replace(
        "rules.toml",
        'tags = ["food"]',
        'tags = ["food"]\ninterpretation = { zh = "读作", en = "read as" }',
    )(mini_copy)
    rule = qrules.load(mini_copy)["pass-rate"]
    assert rule.source.inferred
    assert rule.interpretation == qrules.Text("读作", "read as")
    (alternative,) = rule.alternatives
    assert alternative.aggregation is qrules.Aggregation.EVERY_YEAR
    assert alternative.requirement is not None
    assert alternative.requirement.text == ">= 98"
    assert alternative.describe("en") == "every_year; >= 98: each year"
    assert alternative.describe("zh") == "每年;>= 98:每年"  # the aggregation in Chinese too
