"""MkDocs hook: the rule-file reference page, generated from the JSON Schemas.

The schemas in ``src/qrules/schema/`` are what ``qrules validate`` and editors
check rule files against; rendering the page from them at build time means the
page can never drift from them. Each key of each file becomes one table row,
with its dotted path (``rule[].source.section``: ``[]`` is an item of an
array, ``<id>`` a key you choose).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

PAGE = "schema.md"
SCHEMAS = Path(__file__).resolve().parents[2] / "src" / "qrules" / "schema"
ORDER = ("plan", "measures", "bodies", "rules")
FILES = {"plan": "plan.toml", "measures": "measures.toml", "bodies": "bodies.toml (optional)",
         "rules": "any other *.toml"}


def on_files(files: Files, config: MkDocsConfig) -> Files:
    files.append(File.generated(config, PAGE, content=render()))
    return files


def render() -> str:
    lines = [
        "# Rule-file schema",
        "",
        "<!-- Generated at build time from src/qrules/schema/*.schema.json by "
        "docs/_hooks/schema_reference.py; edit the schemas, not this page. -->",
        "",
        "Every key of a rulebook's files, as the JSON Schemas that ship with qrules state "
        "them (`qrules schema` prints where they are). [Rule files](rule-files.md) explains "
        "the format with examples; `qrules validate` checks a folder against these schemas "
        "and more (quotes found in the plan's text, measures defined, expressions parsed).",
        "",
        "In a key, `[]` stands for an item of an array (`[[rule]]` in TOML) and `<id>` for a "
        "name you choose.",
        "",
    ]
    for name in ORDER:
        schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
        lines += [f"## `{FILES[name]}`", "", _cell(schema.get("description", "")), "",
                  "| key | type | required | meaning | allowed |", "|---|---|---|---|---|"]
        lines += [_row(*row) for row in _walk("", schema)]
        lines.append("")
    return "\n".join(lines)


def _walk(path: str, node: dict[str, Any]) -> list[tuple[str, dict[str, Any], bool]]:
    rows: list[tuple[str, dict[str, Any], bool]] = []
    required = set(node.get("required", ()))
    for key, child in node.get("properties", {}).items():
        child_path = f"{path}.{key}" if path else key
        rows.append((child_path, child, key in required))
        rows += _children(child_path, child)
    extra = node.get("additionalProperties")
    if isinstance(extra, dict):
        child_path = f"{path}.<id>" if path else "<id>"
        rows.append((child_path, extra, False))
        rows += _children(child_path, extra)
    return rows


def _children(path: str, node: dict[str, Any]) -> list[tuple[str, dict[str, Any], bool]]:
    rows = _walk(path, node)
    items = node.get("items")
    if isinstance(items, dict) and ("properties" in items or "additionalProperties" in items):
        rows += _walk(f"{path}[]", items)
    return rows


def _type(node: dict[str, Any]) -> str:
    if "oneOf" in node:
        return " or ".join(_type(option) for option in node["oneOf"])
    kind = node.get("type", "any")
    if kind == "array" and isinstance(node.get("items"), dict):
        inner = _type(node["items"])
        return "array of tables" if inner == "object" else f"array of {inner}"
    if kind == "object":
        return "table"
    return str(kind)


def _allowed(node: dict[str, Any]) -> str:
    parts = []
    for option in node.get("oneOf", [node]):
        target = option.get("items", option) if option.get("type") == "array" else option
        if "enum" in target:
            parts.append(", ".join(f"`{value}`" for value in target["enum"]))
        if "const" in target:
            parts.append(f"`{target['const']}`")
        if target.get("format") == "date":
            parts.append("a date, YYYY-MM-DD")
        elif "pattern" in target and "enum" not in target:
            parts.append(f"matches `{target['pattern']}`")
    if "minItems" in node:
        parts.append(f"at least {node['minItems']} item(s)")
    if "maxLength" in node:
        parts.append(f"at most {node['maxLength']} characters")
    unique: list[str] = []
    for part in parts:
        if part not in unique:
            unique.append(part)
    return "; ".join(unique)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _row(path: str, node: dict[str, Any], required: bool) -> str:
    return (f"| `{path}` | {_type(node)} | {'yes' if required else ''} | "
            f"{_cell(node.get('description', ''))} | {_cell(_allowed(node))} |")
