"""The loader under fuzzing: arbitrary text and TOML give qrules' errors, nothing else.

Set QRULES_FUZZ_EXAMPLES for a longer run (the default keeps the suite fast).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qrules

from .conftest import MINI

EXAMPLES = int(os.environ.get("QRULES_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

RULE_KEYS = [
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
]
MEASURE_KEYS = ["name", "unit", "formula", "note"]
WORDS = [
    "pass_rate",
    "passed",
    "sampled",
    "firms",
    ">= 98.5",
    "level",
    "every_year",
    "new",
    "percent",
    "zh",
    "en",
    "quote",
    "section",
    "start",
    "end",
    "__import__('os')",
    "食品安全抽检合格率≥98.5",
    "1e308",
    "(" * 40,
    "not not not x",
]


def scalars() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.text(max_size=30),
        st.sampled_from(WORDS),
        st.integers(-(2**70), 2**70),
        st.floats(allow_nan=True, allow_infinity=True),
        st.booleans(),
        st.dates(min_value=dt.date(1, 1, 1)),
    )


def values() -> st.SearchStrategy[Any]:
    return st.recursive(
        scalars(),
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.dictionaries(
                st.sampled_from(WORDS + RULE_KEYS + MEASURE_KEYS) | st.text(max_size=8),
                inner,
                max_size=4,
            ),
        ),
        max_leaves=12,
    )


def tables(keys: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.sampled_from(keys) | st.text(max_size=10), values(), max_size=10)


def toml_value(value: Any) -> str:
    """A tiny TOML writer for generated values (inline forms only)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if -(2**63) <= value < 2**63 else json.dumps(str(value))
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if value in (float("inf"), float("-inf")):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


@contextmanager
def rulebook_with(tmp_path: Path, **files: str) -> Iterator[Path]:
    folder = tmp_path / "fuzz"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(MINI, folder)
    for name, text in files.items():
        (folder / f"{name}.toml").write_text(text, encoding="utf-8")
    yield folder


def load_or_reject(folder: Path) -> None:
    try:
        rulebook = qrules.load(folder)
    except qrules.RulebookError as error:
        problems = error.problems
    else:
        # Whatever loaded must also evaluate without surprises.
        rulebook.evaluate({})
        return
    assert problems, "a RulebookError always names its problems"
    for problem in problems:
        assert problem.file
        assert problem.message


@FUZZ
@given(text=st.text(max_size=400))
def test_arbitrary_text_as_rule_file(tmp_path: Path, text: str) -> None:
    with rulebook_with(tmp_path, rules=text) as folder:
        load_or_reject(folder)


@FUZZ
@given(rules=st.lists(tables(RULE_KEYS), max_size=3))
def test_arbitrary_rule_tables(tmp_path: Path, rules: list[dict[str, Any]]) -> None:
    text = f"rule = {toml_value(rules)}\n"
    with rulebook_with(tmp_path, rules=text) as folder:
        load_or_reject(folder)


@FUZZ
@given(
    measures=st.dictionaries(
        st.sampled_from(WORDS) | st.text(max_size=10), tables(MEASURE_KEYS), max_size=4
    )
)
def test_arbitrary_measure_tables(tmp_path: Path, measures: dict[str, Any]) -> None:
    text = f"measure = {toml_value(measures)}\n"
    with rulebook_with(tmp_path, measures=text) as folder:
        load_or_reject(folder)


@FUZZ
@given(
    plan=tables(
        [
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
        ]
    )
)
def test_arbitrary_plan(tmp_path: Path, plan: dict[str, Any]) -> None:
    text = "\n".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in plan.items())
    with rulebook_with(tmp_path, plan=text) as folder:
        load_or_reject(folder)


@FUZZ
@given(
    requirement=st.text(alphabet="abcdefmnopqrstux_0123456789.+-*/()<>=!≥≤ andort%", max_size=120)
)
def test_requirements_in_a_real_rule(tmp_path: Path, requirement: str) -> None:
    rules = (
        (MINI / "rules.toml")
        .read_text(encoding="utf-8")
        .replace('">= 98.5"', json.dumps(requirement), 1)
    )
    with rulebook_with(tmp_path, rules=rules) as folder:
        load_or_reject(folder)
