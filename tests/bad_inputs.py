"""Bad input files for the tests of qrules' boundary: what a careless or hostile
office could hand over. Shared by ``test_no_traceback.py`` (every subcommand on
each) and ``test_limits.py`` (each limit hit, within time and memory).
"""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

from .conftest import MINI, SAMPLES

__all__ = [
    "REGISTER",
    "broken_xlsx",
    "diff_clauses",
    "high_degree",
    "long_field_csv",
    "nested_json",
    "nested_toml",
    "product_formula",
    "rulebook_copy",
    "xlsx_bomb",
]

#: A measure of the mini rulebook, and its shorthand rule's requirement.
MEASURE = "firms"


def rulebook_copy(folder: Path, name: str = "mini") -> Path:
    target = folder / name
    shutil.copytree(MINI, target)
    return target


def nested_json(path: Path, depth: int = 100_000) -> Path:
    path.write_text("[" * depth + "]" * depth, encoding="utf-8")
    return path


def nested_toml(path: Path, depth: int = 100_000) -> Path:
    path.write_text("x = " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    return path


def long_field_csv(path: Path, header: str, row: str, chars: int = 131_073) -> Path:
    """A CSV file whose second row holds a field of ``chars`` characters
    (``row`` has ``{}`` where it goes)."""
    path.write_text(f"{header}\n{row.format('x' * chars)}\n", encoding="utf-8")
    return path


def _xlsx(rows: list[list[str]]) -> bytes:
    import openpyxl  # noqa: PLC0415 (an optional dependency)

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_bomb(path: Path, megabytes: int = 200) -> Path:
    """A register ``.xlsx`` of a few hundred KB whose first unit id is a cell of
    ``megabytes`` MB (written in chunks: the test never holds it whole)."""
    source = zipfile.ZipFile(io.BytesIO(_xlsx([["unit", "category"], ["@", "catering"]])))
    sheet = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            if item.filename != sheet:
                out.writestr(item, source.read(item))
                continue
            before, after = source.read(item).split(b"<t>@</t>")
            info = zipfile.ZipInfo(sheet)
            info.compress_type = zipfile.ZIP_DEFLATED
            with out.open(info, "w", force_zip64=True) as part:
                part.write(before + b"<t>")
                chunk = b"a" * (1 << 20)
                for _ in range(megabytes):
                    part.write(chunk)
                part.write(b"</t>" + after)
    return path


def broken_xlsx(path: Path) -> Path:
    """A zip that is an ``.xlsx`` but for its first sheet's XML, cut short."""
    source = zipfile.ZipFile(io.BytesIO(_xlsx([["unit", "category"], ["U1", "catering"]])))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            out.writestr(item, data)
    return path


def _with_rule(
    folder: Path, requirement: str, *, second: bool = False, version: str | None = None
) -> Path:
    rules = folder / "rules.toml"
    text = rules.read_text(encoding="utf-8")
    if second:  # a second statement of the same measure (>= 300), for lint to compare
        start = text.index('[[rule]]\nid = "firms"')
        end = text.index("[[rule]]", start + 1)
        text += "\n" + text[start:end].replace('id = "firms"', 'id = "firms-again"')
    # The quote says 300; the interpretation names every number the requirement
    # reads instead (a requirement must be a target its quote writes, or say why).
    text = text.replace(
        'requirement = ">= 300"',
        f'requirement = "{requirement}"\n'
        f'interpretation = {{ zh = "{requirement}", en = "{requirement}" }}',
        1,
    )
    rules.write_text(text, encoding="utf-8")
    if version is not None:
        plan = folder / "plan.toml"
        plan.write_text(
            plan.read_text(encoding="utf-8").replace('version = "1.0.0"', f'version = "{version}"'),
            encoding="utf-8",
        )
    return folder


def diff_clauses(folder: Path, clauses: int = 24) -> tuple[Path, Path]:
    """Two versions of a rule whose requirements are ``clauses / 2`` disjunctions
    joined by ``and``: a product of disjunctions whose normal form explodes."""

    def requirement(k: int) -> str:
        return " and ".join(
            f"(firms >= {i + k} or new_standards <= {i + 2 * k})" for i in range(clauses // 2)
        )

    old = _with_rule(rulebook_copy(folder, "old"), requirement(1))
    new = _with_rule(rulebook_copy(folder, "new"), requirement(2), version="2.0.0")
    return old, new


def high_degree(folder: Path, degree: int = 40) -> Path:
    """A rule whose requirement is a polynomial of ``degree`` in its measure, beside
    another statement of the same measure (lint compares them)."""
    product = " * ".join(f"(firms - {i})" for i in range(1, degree + 1))
    return _with_rule(rulebook_copy(folder, "degree"), f"{product} >= 0", second=True)


def product_formula(folder: Path, factors: int = 150) -> tuple[Path, Path]:
    """A rulebook whose coverage is ``100 * inspected / (inspected * units * ...)``
    and a dataset that makes it a number of thousands of digits."""
    rulebook = rulebook_copy(folder, "product")
    measures = rulebook / "measures.toml"
    product = "*".join(["units"] * factors)
    measures.write_text(
        measures.read_text(encoding="utf-8").replace(
            'formula = "100 * inspected / units"',
            f'formula = "100 * inspected / (inspected*{product})"',
        ),
        encoding="utf-8",
    )
    data = folder / "product.csv"
    data.write_text(
        "year,measure,value\n2025,inspected,999999999999999999999999999999\n"
        "2025,units,1000000000000000000000000000000\n",
        encoding="utf-8",
    )
    return rulebook, data


#: The Yantai sample register (for records inputs).
REGISTER = SAMPLES / "register.csv"
