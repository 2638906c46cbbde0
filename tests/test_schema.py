"""The JSON Schemas shipped in ``qrules/schema/`` against example files and the docs.

TOML is converted to JSON-compatible data before validation: dates, date-times
and times become ISO strings, so a date key is ``"type": "string", "format": "date"``.
"""

from __future__ import annotations

import datetime
import json
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from qrules import _load as qrules_load
from qrules import _model as qrules_model
from qrules import _recordspec as recordspec

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_DIR = ROOT / "src" / "qrules" / "schema"
DATA_DIR = Path(__file__).resolve().parent / "data" / "schema"
RULEBOOK_DIR = ROOT / "rules" / "yantai-2023-2025"
RULE_FILES_DOC = ROOT / "docs" / "rule-files.md"

KINDS = ("plan", "measures", "rules", "bodies")


def load_schema(kind: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8"))


def validator(kind: str) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(
        load_schema(kind), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )


def to_json_data(value: Any) -> Any:
    """TOML data as JSON data: dates, date-times and times become ISO strings."""
    if isinstance(value, dict):
        return {key: to_json_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [to_json_data(item) for item in value]
    if isinstance(value, (datetime.date, datetime.time)):  # datetime is a date
        return value.isoformat()
    return value


def load_toml(path: Path) -> Any:
    with path.open("rb") as file:
        return to_json_data(tomllib.load(file))


def errors(kind: str, path: Path) -> list[str]:
    found = validator(kind).iter_errors(load_toml(path))
    return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in found]


def kind_by_prefix(path: Path) -> str:
    kind = path.name.split("-", 1)[0]
    assert kind in KINDS, f"{path.name}: name must start with plan-, measures-, rules- or bodies-"
    return kind


def kind_in_rulebook(path: Path) -> str:
    return {"plan.toml": "plan", "measures.toml": "measures", "bodies.toml": "bodies"}.get(
        path.name, "rules"
    )


def examples(folder: str) -> list[Path]:
    return sorted((DATA_DIR / folder).glob("*.toml"))


def by_name(paths: list[Path], if_none: str) -> list[Any]:
    """One pytest param per file, with the file name as id; a skip if there are none."""
    if not paths:
        return [pytest.param(None, id="none", marks=pytest.mark.skip(reason=if_none))]
    return [pytest.param(path, id=path.name) for path in paths]


# --- the schemas themselves -------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_schema_is_draft7(kind: str) -> None:
    schema = load_schema(kind)
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["$id"] == f"https://qrules.invalid/schema/{kind}.schema.json"


def subschemas(schema: Any, where: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(schema, dict):
        yield where, schema
        for key, value in schema.items():
            if key in ("properties", "definitions"):
                for name, sub in value.items():
                    yield from subschemas(sub, f"{where}/{key}/{name}")
            elif key in ("enum", "const", "required", "if"):
                continue  # values, or a condition rather than a key an editor shows
            elif isinstance(value, (dict, list)):
                yield from subschemas(value, f"{where}/{key}")
    elif isinstance(schema, list):
        for index, item in enumerate(schema):
            yield from subschemas(item, f"{where}/{index}")


@pytest.mark.parametrize("kind", KINDS)
def test_schema_is_closed_and_described(kind: str) -> None:
    """Every table says what else it allows; every key has a hover text."""
    problems = []
    for where, sub in subschemas(load_schema(kind)):
        if sub.get("type") == "object" and "additionalProperties" not in sub:
            problems.append(f"{where}: no additionalProperties")
        for name, prop in sub.get("properties", {}).items():
            if not prop.get("description", "").strip():
                problems.append(f"{where}/properties/{name}: no description")
        extra = sub.get("additionalProperties")
        if isinstance(extra, dict) and not extra.get("description", "").strip():
            problems.append(f"{where}/additionalProperties: no description")
    assert not problems, "\n".join(problems)


# --- docs and schemas agree --------------------------------------------------


def doc_table_keys(heading: str) -> list[str]:
    """The first column (`code`) of the table under ``## heading`` in rule-files.md."""
    text = RULE_FILES_DOC.read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"no '## {heading}' section in {RULE_FILES_DOC.name}"
    keys = re.findall(r"^\|\s*`([^`]+)`\s*\|", match.group(1), re.M)
    assert keys, f"no table under '## {heading}'"
    return keys


def test_units_match_docs() -> None:
    schema = load_schema("measures")
    unit = schema["properties"]["measure"]["additionalProperties"]["properties"]["unit"]
    assert unit["enum"] == doc_table_keys("Units")


def test_aggregations_match_docs() -> None:
    schema = load_schema("rules")
    aggregation = schema["properties"]["rule"]["items"]["properties"]["aggregation"]
    assert aggregation["enum"] == doc_table_keys("Aggregations")


# --- example files -----------------------------------------------------------


@pytest.mark.parametrize("path", by_name(examples("valid"), "no valid examples"))
def test_valid_example(path: Path) -> None:
    assert errors(kind_by_prefix(path), path) == []


@pytest.mark.parametrize("path", by_name(examples("invalid"), "no invalid examples"))
def test_invalid_example(path: Path) -> None:
    assert path.read_text(encoding="utf-8").startswith("#"), "first line must say what is wrong"
    assert errors(kind_by_prefix(path), path), "validates, but should not"


def test_examples_exist() -> None:
    for folder in ("valid", "invalid"):
        assert {kind_by_prefix(path) for path in examples(folder)} == set(KINDS), folder


# --- the shipped rulebook ----------------------------------------------------


@pytest.mark.parametrize(
    "path",
    by_name(
        sorted(RULEBOOK_DIR.glob("*.toml")),
        f"no TOML files in {RULEBOOK_DIR.relative_to(ROOT)} yet",
    ),
)
def test_rulebook_file(path: Path) -> None:
    assert errors(kind_in_rulebook(path), path) == []


# --- schemas and the Python vocabularies agree ---------------------------------

#: Each property of a rule file that the schemas constrain with an ``enum``, and
#: the Python vocabulary the loader checks it against. A new enum in a schema
#: must be added here, so the two cannot drift apart.
VOCABULARIES = {
    "unit": list(qrules_model.UNITS),
    "status": list(qrules_model.STATUSES),
    "aggregation": list(qrules_model.AGGREGATIONS),
    "strength": list(qrules_model.STRENGTHS),
    "level": list(qrules_model.BODY_LEVELS),
    "category": list(recordspec.CATEGORIES),
    "risk_level": list(recordspec.RISK_LEVELS),
    "size": list(recordspec.SIZES),
    "kind": list(recordspec.KINDS),
    "result": list(recordspec.RESULTS),
    "flag": list(recordspec.FLAGS),
    "scope": list(qrules_model.SCOPES),
    "code": list(qrules_model.IGNORABLE),
    "schema_version": [qrules_load.SCHEMA_VERSION],
}


def _enums(node: object, path: tuple[str | int, ...] = ()) -> list[tuple[str, list[str]]]:
    """(the property an ``enum`` constrains, its values) for every enum in a schema."""
    found: list[tuple[str, list[str]]] = []
    if isinstance(node, dict):
        if "enum" in node:
            named = [
                p
                for p in path
                if isinstance(p, str)
                and p not in ("properties", "items", "oneOf", "additionalProperties")
            ]
            found.append((named[-1], node["enum"]))
        for key, value in node.items():
            found += _enums(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _enums(value, (*path, index))
    return found


@pytest.mark.parametrize(
    "kind", sorted(p.name.removesuffix(".schema.json") for p in SCHEMA_DIR.glob("*.schema.json"))
)
def test_schema_enums_are_the_python_vocabularies(kind: str) -> None:
    for prop, values in _enums(load_schema(kind)):
        assert prop in VOCABULARIES, f"{kind}: enum on {prop!r} is not checked here"
        assert values == VOCABULARIES[prop], f"{kind}: {prop!r}"


def _nodes(
    node: object, key: str, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Every value of ``key`` in a schema, with the path to it."""
    if isinstance(node, dict):
        for name, value in node.items():
            if name == key:
                yield path, value
            yield from _nodes(value, key, (*path, name))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _nodes(value, key, (*path, index))


@pytest.mark.parametrize(
    "kind", sorted(p.name.removesuffix(".schema.json") for p in SCHEMA_DIR.glob("*.schema.json"))
)
def test_schema_consts_are_in_the_python_vocabularies(kind: str) -> None:
    # A ``const`` spells one value of a vocabulary again: it must be one of them.
    for path, value in _nodes(load_schema(kind), "const"):
        named = [
            p
            for p in path
            if isinstance(p, str)
            and p not in ("properties", "items", "oneOf", "allOf", "if", "then", "else", "not")
        ]
        assert named[-1] in VOCABULARIES, f"{kind}: const on {named[-1]!r} is not checked here"
        assert value in VOCABULARIES[named[-1]], f"{kind}: {named[-1]!r} = {value!r}"


def test_schema_population_columns_are_the_python_ones() -> None:
    # The columns a population may select on are spelled as the schema's
    # property names (with additionalProperties false), not as an enum.
    records = load_schema("rules")["properties"]["rule"]["items"]["properties"]["records"]
    population = records["properties"]["population"]
    assert population["additionalProperties"] is False
    assert list(population["properties"]) == list(recordspec.POPULATION_COLUMNS)
    for column, values in population["properties"].items():
        if column in recordspec.FLAGS:
            continue  # a flag is true or false
        enums = [v for _, v in _nodes(values, "enum")]
        if column in recordspec.RECORD_CODES:
            assert enums, column
            assert all(e == list(recordspec.RECORD_CODES[column]) for e in enums), column
