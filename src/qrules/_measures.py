"""What a rulebook asks to be reported: its measures, and blank sheets to fill in.

``qrules measures`` lists every measure with the rules and years that need
it; ``qrules template`` writes a sheet (CSV or ``.xlsx``, long or wide) with a
row for every measure the selected rules need, counts before the rates they
make, that `read_dataset` reads back unchanged.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

import attrs

from . import _escape
from ._boundary import write_file
from ._data import FiguresMapping, spelled_twice
from ._errors import DataError, Problem
from ._expr import iter_names
from ._figures import district_written, not_a_district
from ._messages import Text, data, listed, say
from ._model import Lang, Measure, Rule
from ._results import year_span
from ._rulebook import Rulebook
from ._tabular import cell_text, needs

__all__ = ["MeasureUse", "measure_uses", "measures_text", "template_rows", "write_template"]


@attrs.frozen
class MeasureUse:
    """A measure, the rules that need it (directly or through a formula) and
    the years they read it in."""

    measure: Measure
    rules: tuple[str, ...]
    years: tuple[int, ...]


def _needed(rule: Rule, rulebook: Rulebook) -> list[str]:
    """The measures a rule reads, each formula's counts before the measure itself."""
    found: list[str] = []

    def add(name: str) -> None:
        if name in found or name not in rulebook.measures:
            return
        formula = rulebook.measures[name].formula
        for inner in iter_names(formula.tree) if formula is not None else ():
            add(inner)
        found.append(name)

    for name in [rule.measure.id, *iter_names(rule.requirement.tree)]:
        add(name)
    return found


def measure_uses(
    rulebook: Rulebook, rules: Sequence[Rule] | None = None, *, every: bool = True
) -> tuple[MeasureUse, ...]:
    """Each measure the rules need, counts before rates (in rule order), then, with
    ``every``, the rulebook's other measures (no rule of the selection needs them)."""
    chosen = tuple(rulebook.rules if rules is None else rules)
    needed: dict[str, tuple[list[str], set[int]]] = {}
    for rule in chosen:
        for name in _needed(rule, rulebook):
            ids, years = needed.setdefault(name, ([], set()))
            ids.append(rule.id)
            years.update(rule.span(rulebook.period))
    uses = [
        MeasureUse(rulebook.measures[n], tuple(ids), tuple(sorted(years)))
        for n, (ids, years) in needed.items()
    ]
    if every:
        uses += [MeasureUse(m, (), ()) for m in rulebook.measures.values() if m.id not in needed]
    return tuple(uses)


def measures_text(rulebook: Rulebook, rules: Sequence[Rule] | None, lang: Lang) -> str:
    """``qrules measures``: a block per measure (each line's control characters
    shown, not run: a rulebook's text is input like any other)."""
    uses = measure_uses(rulebook, rules, every=rules is None)
    lines = [
        say(
            "measures.heading",
            count=len(uses),
            rulebook=Text(rulebook.describe("zh"), rulebook.describe("en")),
        ).get(lang),
        "",
    ]
    for use in uses:
        measure = use.measure
        unit = measure.unit.label(lang) or measure.unit.id
        # Both names, whatever the language: a sheet may write either.
        lines.append(_escape.terminal(data(f"{measure.id}  {measure.name.zh} / {measure.name.en}")))
        detail = [say("measures.unit", unit=unit)]
        if measure.formula is not None:
            detail.append(say("measures.formula", formula=str(measure.formula)))
        if use.years:
            detail.append(say("measures.years", years=year_span(use.years)))
        lines.append("  " + _escape.terminal("   ".join(d.get(lang) for d in detail)))
        needed_by = listed(use.rules) if use.rules else say("cli.none")
        lines.append(say("measures.rules", rules=needed_by).get(lang))
    lines.append("")
    lines.append(say("measures.footer").get(lang))
    return "\n".join(lines) + "\n"


def template_rows(
    rulebook: Rulebook,
    rules: Sequence[Rule] | None = None,
    *,
    layout: Literal["long", "wide"] = "long",
    years: Iterable[int] | None = None,
    districts: Sequence[str] = (),
) -> list[list[object]]:
    """The template's rows, header first: every measure the rules need, counts
    before rates, with its zh name and unit beside it, and an empty value for
    each year its rules read (each of ``years``, when given) and district."""
    _refuse_districts(rulebook, districts)
    uses = measure_uses(rulebook, rules, every=False)
    chosen = sorted(
        set(years)
        if years is not None
        else {y for u in uses for y in u.years} or set(rulebook.period.years)
    )
    places: list[str | None] = list(districts) or [None]
    with_district = bool(districts)
    rows: list[list[object]] = []
    if layout == "long":
        rows.append(
            ["year", *(["district"] if with_district else []), "measure", "name", "unit", "value"]
        )
        for district in places:
            for year in chosen:
                # By default each measure in the years its rules read; with years=, in each.
                for use in (u for u in uses if years is not None or year in u.years):
                    rows.append(
                        [
                            year,
                            *([district] if with_district else []),
                            use.measure.id,
                            use.measure.name.zh,
                            use.measure.unit.zh,
                            "",
                        ]
                    )
        return rows
    rows.append([*(["district"] if with_district else []), "measure", "name", "unit", *chosen])
    for district in places:
        for use in uses:
            rows.append(
                [
                    *([district] if with_district else []),
                    use.measure.id,
                    use.measure.name.zh,
                    use.measure.unit.zh,
                    *([""] * len(chosen)),
                ]
            )
    return rows


def _refuse_districts(rulebook: Rulebook, names: Sequence[str]) -> None:
    """A `DataError` naming each ``--district`` that the figures reader would
    refuse in the filled-in template, read by the reader's own rules
    (`district_written`, `not_a_district`, `spelled_twice`), so that a
    template qrules writes is one ``qrules check`` accepts as written: a name
    that is no district's (the plan's city by its name, ``烟台市``; a total; a
    group such as ``市区``; one the rulebook does not list), none at all (empty,
    or a mark of a missing value such as ``NA``), a district written two ways
    (``芝罘``, ``芝罘区``) or two names for the same place (``全市``, ``合计``:
    both the whole city) whose rows would give each figure twice."""
    where = "--district"
    problems: list[Problem] = []
    hint = say("template.district_hint")
    read: dict[str | None, str] = {}  # the district read (None: the city), as given
    for name in names:
        text = cell_text(name)
        if text is None:
            problems.append(Problem(where, say("template.no_district", district=name), hint=hint))
            continue
        district = district_written(text, FiguresMapping())
        why = None if district is None else not_a_district(rulebook, district)
        if why is not None:
            said = say(why, district=district, districts=listed(rulebook.districts))
            problems.append(Problem(where, said, hint=hint))
            continue
        if district in read:
            said = say("template.district_repeated", district=name, first=read[district])
            problems.append(Problem(where, said, hint=hint))
            continue
        read[district] = name
    for twice in spelled_twice(d for d in read if d is not None):
        said = say("template.district_spelled_twice", districts=listed(map(repr, twice)))
        problems.append(Problem(where, said, hint=hint))
    if problems:
        raise DataError(where, problems, what="problems.input")


def write_template(
    rows: list[list[object]], form: Literal["csv", "xlsx"], path: Path | None
) -> str | None:
    """The template as CSV text (``path`` is ``None``), or written to ``path``
    (CSV in UTF-8 with a byte-order mark, which Excel opens as Unicode)."""
    if form == "csv":
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        if path is None:
            return buffer.getvalue()
        write_file(path, buffer.getvalue().encode("utf-8-sig"))
        return None
    assert path is not None
    openpyxl = needs("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "figures"
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                # Text as given, never a formula (openpyxl makes one of a
                # text that starts with =): a formula's value is not the name.
                cell.data_type = "s"
    for letter, width in (("A", 12), ("B", 44), ("C", 36), ("D", 8)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    saved = io.BytesIO()
    book.save(saved)
    write_file(path, saved.getvalue())
    return None
