"""Apply a revision fixture (tests/data/revisions/*.toml) to a copy of a rulebook."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

from qrules._load import shipped_rulebooks

REVISIONS = Path(__file__).parent / "data" / "revisions"


def apply_revision(name: str, target: Path) -> Path:
    """Copy the revision's base rulebook into ``target`` and apply its edits."""
    spec = tomllib.loads((REVISIONS / f"{name}.toml").read_text(encoding="utf-8"))
    folder = target / f"{spec['base']}-{name}"
    shutil.copytree(shipped_rulebooks()[spec["base"]], folder)
    for edit in spec.get("edit", []):
        path = folder / edit["file"]
        text = path.read_text(encoding="utf-8")
        if "append" in edit:
            text += edit["append"]
        else:
            assert edit["old"] in text, f"{name}: {edit['old']!r} is not in {edit['file']}"
            text = text.replace(edit["old"], edit["new"], 1)
        path.write_text(text, encoding="utf-8")
    for removal in spec.get("remove_rule", []):
        path = folder / removal["file"]
        text = path.read_text(encoding="utf-8")
        # The [[rule]] table with that id, up to the next table or section comment.
        start = r'\[\[rule\]\]\nid = "' + re.escape(removal["id"]) + '"\n'
        pattern = re.compile(start + r".*?(?=\n\[\[rule\]\]|\n# |\Z)", re.DOTALL)
        text, count = pattern.subn("", text)
        assert count == 1, f"{name}: rule {removal['id']!r} not found once in {removal['file']}"
        path.write_text(text, encoding="utf-8")
    return folder
