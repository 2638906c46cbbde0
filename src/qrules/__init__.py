"""qrules: the quantitative commitments of published plans, as rules that compute.

Load a rulebook, then judge reported figures against it::

    import qrules

    rulebook = qrules.load("yantai-2023-2025")
    evaluation = rulebook.evaluate({"food_safety_sampling_pass_rate": "98.4"})
    for result in evaluation:
        print(result.rule.id, result.verdict.value, result.reason.en)
"""

from ._data import Dataset, Observation, parse_value, read_dataset
from ._errors import (
    DataError,
    ExpressionError,
    Problem,
    QRulesError,
    RulebookError,
    RulebookNotFoundError,
    UnknownRuleError,
)
from ._evaluate import Change, Evaluation, Result, Verdict
from ._expr import parse_formula, parse_requirement
from ._load import load, rulebook_names
from ._model import Aggregation, Measure, Period, Rule, Rulebook, Source, Target, Text, Unit

__all__ = [
    "Aggregation",
    "Change",
    "DataError",
    "Dataset",
    "Evaluation",
    "ExpressionError",
    "Measure",
    "Observation",
    "Period",
    "Problem",
    "QRulesError",
    "Result",
    "Rule",
    "Rulebook",
    "RulebookError",
    "RulebookNotFoundError",
    "Source",
    "Target",
    "Text",
    "Unit",
    "UnknownRuleError",
    "Verdict",
    "load",
    "parse_formula",
    "parse_requirement",
    "parse_value",
    "read_dataset",
    "rulebook_names",
]

__version__ = "0.1.0.dev0"
