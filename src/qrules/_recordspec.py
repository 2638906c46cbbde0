"""Rules over records, as the model holds them: the canonical vocabulary of
registers and inspection logs (docs/records.md), and `RecordSpec`, what a rule
with a ``[rule.records]`` table counts (on `Rule.records`, built by the loader).

Planning the counts is `records.plan`'s job, judging them `records.judge`'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeAlias

import attrs

from ._messages import Text, joined, say

__all__ = [
    "CATEGORIES",
    "FLAGS",
    "KINDS",
    "LOG_COLUMNS",
    "POPULATION_COLUMNS",
    "RECORD_CODES",
    "REGISTER_COLUMNS",
    "RESULTS",
    "RISK_LEVELS",
    "SIZES",
    "PopulationValue",
    "RecordSpec",
    "inspections",
    "inspections_text",
]

# -- the canonical vocabulary (docs/records.md) ---------------------------------


def _words(kind: str, codes: tuple[str, ...]) -> Mapping[str, Text]:
    """The codes of a column of the vocabulary, in order, each with its words
    (the catalog's ``vocabulary.KIND.CODE``)."""
    return {code: say(f"vocabulary.{kind}.{code}") for code in codes}


#: Unit categories a rule may select. A register may hold other codes too: such
#: units belong to no population a rule names.
CATEGORIES: Mapping[str, Text] = _words(
    "category",
    (
        "infant_formula_maker",
        "special_medical_food_maker",
        "health_food_maker",
        "food_maker",
        "food_retailer",
        "catering",
        "central_kitchen",
        "collective_meal_supplier",
        "tableware_disinfection",
        "special_drug_retailer",
        "drug_retailer",
        "drug_user",
        "construction_site",
        "construction_project",
        "key_industry_chain",
    ),
)
RISK_LEVELS: Mapping[str, Text] = _words("risk_level", ("low", "medium", "high"))
SIZES: Mapping[str, Text] = _words("size", ("small", "medium", "large"))
#: Boolean register columns: what a unit has or is enrolled in.
FLAGS: Mapping[str, Text] = _words(
    "flag",
    (
        "bright_kitchen",
        "internet_bright_kitchen",
        "grid_supervision",
        "smart_site",
        "smart_site_platform",
        "leading_platform",
    ),
)
KINDS: Mapping[str, Text] = _words(
    "kind", ("system", "routine", "special", "follow_up", "unannounced")
)
RESULTS: Mapping[str, Text] = _words(
    "result", ("compliant", "basically_compliant", "non_compliant")
)

#: Register columns, in the order documented. ``unit`` and ``category`` are required.
REGISTER_COLUMNS: tuple[str, ...] = (
    "unit",
    "name",
    "district",
    "category",
    "risk_level",
    "size",
    "registered",
    "closed",
    *FLAGS,
)
#: Inspection log columns. ``unit`` and ``date`` are required.
LOG_COLUMNS: tuple[str, ...] = ("inspection", "unit", "date", "kind", "result")
#: Register columns a rule's population may select on.
POPULATION_COLUMNS: tuple[str, ...] = ("category", "risk_level", "size", "district", *FLAGS)
#: The closed sets of codes, by column; ``category`` and ``district`` are open.
RECORD_CODES: Mapping[str, Mapping[str, Text]] = {
    "category": CATEGORIES,
    "risk_level": RISK_LEVELS,
    "size": SIZES,
    "kind": KINDS,
    "result": RESULTS,
}

PopulationValue: TypeAlias = str | bool


# -- the rule model -------------------------------------------------------------


@attrs.frozen
class RecordSpec:
    """How a rule is judged from a register and an inspection log (``[rule.records]``).

    ``population`` is ``((column, allowed values), ...)``, sorted by column: a
    unit belongs when its value in every column is one of the allowed ones
    (flag columns take ``True`` or ``False``). Each unit then meets the rule
    when it has at least ``inspections`` log rows in the year (of one of
    ``kinds`` and ``results``, when given), or when its ``flag`` is true.
    ``meeting`` and ``total`` are the measures of the rule's formula
    ``100 * meeting / total`` that the two counts are observations of.
    """

    meeting: str
    total: str
    population: tuple[tuple[str, tuple[PopulationValue, ...]], ...] = ()
    inspections: int | None = None
    kinds: tuple[str, ...] | None = None
    results: tuple[str, ...] | None = None
    flag: str | None = None

    @property
    def needs_log(self) -> bool:
        return self.inspections is not None

    @property
    def filtered(self) -> frozenset[str]:
        """The log's columns of which only some values count (``kind``,
        ``result``): those a row lacking one could be counted by."""
        return frozenset(
            c for c, v in (("kind", self.kinds), ("result", self.results)) if v is not None
        )

    def describe_population(self) -> str:
        """``category = catering, risk_level = high``; ``all units`` when unfiltered."""
        parts = []
        for column, values in self.population:
            shown = [str(v).lower() if isinstance(v, bool) else v for v in values]
            parts.append(
                f"{column} = {shown[0]}" if len(shown) == 1 else f"{column} in ({', '.join(shown)})"
            )
        return ", ".join(parts) or "all units"  # rule-file syntax, in English

    def said_population(self) -> Text:
        """The population in words: its filter in rule-file syntax (as data),
        or the catalog's one term for every unit of the register."""
        if not self.population:
            return say("records.population_all")
        return say("data.value", value=self.describe_population())

    def describe_each(self, lang: str = "en") -> str:
        """What each unit must have: ``at least 2 system inspections a year``."""
        return self.said_each().get("zh" if lang == "zh" else "en")

    def said_each(self) -> Text:
        """`describe_each` in both languages."""
        if self.flag is not None:
            return say("records.enrolled", flag=FLAGS[self.flag])
        count = self.inspections or 0
        return say("records.a_year", inspections=inspections(count, self.kinds, self.results))


def inspections_text(
    count: int,
    kinds: tuple[str, ...] | None,
    results: tuple[str, ...] | None,
    lang: str,
    *,
    more: bool = False,
) -> str:
    """``2 more system inspections with result compliant`` / ``再接受 2 次体系检查(结果为符合)``."""
    return inspections(count, kinds, results, more=more).get("zh" if lang == "zh" else "en")


def inspections(
    count: int,
    kinds: tuple[str, ...] | None,
    results: tuple[str, ...] | None,
    *,
    more: bool = False,
) -> Text:
    kind = joined(tuple(KINDS[k] for k in kinds), say("records.or")) if kinds else None
    said = say(
        "records.inspections_more" if more else "records.inspections",
        count=count,
        kind=kind
        if kind is not None
        else say("records.inspection" if count == 1 else "records.inspections_word"),
        s="s" if count != 1 and kind is not None else "",
    )
    if results:
        said = say(
            "records.with_result",
            inspections=said,
            results=joined(tuple(RESULTS[r] for r in results), say("records.or")),
        )
    return said
