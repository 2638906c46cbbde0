"""qrules: the quantitative commitments of published plans, as rules that compute.

Load a rulebook, then judge reported figures against it::

    import qrules

    rulebook = qrules.load("yantai-2023-2025")
    evaluation = rulebook.evaluate({"food_safety_sampling_pass_rate": "98.4"})
    for result in evaluation:
        print(result.rule.id, result.verdict.value, result.reason.en)
"""

from typing import TYPE_CHECKING as _TYPE_CHECKING

from ._data import Dataset, Observation, parse_value
from ._errors import (
    DataError,
    ExpressionError,
    OutOfPeriodError,
    Problem,
    QRulesError,
    RulebookError,
    RulebookNotFoundError,
    UnknownBodyError,
    UnknownRuleError,
)
from ._evaluate import Change, Evaluation, FailingUnit, Reconciliation, Result, Verdict
from ._expr import parse_formula, parse_requirement
from ._figures import read_dataset
from ._load import load, rulebook_names
from ._model import (
    Aggregation,
    Alternative,
    Body,
    DatedTarget,
    Measure,
    Period,
    Rule,
    Rulebook,
    Source,
    Target,
    Text,
    Unit,
)
from ._recordspec import RecordSpec
from ._rollup import Derivation

if _TYPE_CHECKING:
    from ._columns import read_log, read_register
    from ._lint import Finding, lint
    from ._records import ColumnMapping, InspectionLog, Register
    from ._records_engine import evaluate_records
    from .engines import evaluate_tables

__all__ = [
    "Aggregation",
    "Alternative",
    "Body",
    "Change",
    "ColumnMapping",
    "DataError",
    "Dataset",
    "DatedTarget",
    "Derivation",
    "Evaluation",
    "ExpressionError",
    "FailingUnit",
    "Finding",
    "InspectionLog",
    "Measure",
    "Observation",
    "OutOfPeriodError",
    "Period",
    "Problem",
    "QRulesError",
    "Reconciliation",
    "RecordSpec",
    "Register",
    "Result",
    "Rule",
    "Rulebook",
    "RulebookError",
    "RulebookNotFoundError",
    "Source",
    "Target",
    "Text",
    "Unit",
    "UnknownBodyError",
    "UnknownRuleError",
    "Verdict",
    "evaluate_records",
    "evaluate_tables",
    "lint",
    "load",
    "parse_formula",
    "parse_requirement",
    "parse_value",
    "read_dataset",
    "read_log",
    "read_register",
    "rulebook_names",
]

__version__ = "0.1.0.dev0"

#: Names imported on first use (PEP 562): records, the SQL engines and lint need
#: modules that loading a rulebook and judging figures do not, and ``import
#: qrules`` stays quick (a test checks what it imports; docs/architecture.md).
_ON_FIRST_USE = {
    "ColumnMapping": "_records",
    "Finding": "_lint",
    "InspectionLog": "_records",
    "Register": "_records",
    "evaluate_records": "_records_engine",
    "evaluate_tables": "engines",
    "lint": "_lint",
    "read_log": "_columns",
    "read_register": "_columns",
}


def __getattr__(name: str) -> object:
    module = _ON_FIRST_USE.get(name)
    if module is None:
        raise AttributeError(f"module 'qrules' has no attribute {name!r}")
    import importlib  # noqa: PLC0415 (only a first use needs it)

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    if getattr(value, "__module__", "").startswith("qrules."):
        value.__module__ = "qrules"  # as for the other public names, below
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_ON_FIRST_USE))


# Public names say where users import them from (``qrules.Rule``, not
# ``qrules._model.Rule``) in reprs, tracebacks and the API docs, as httpx does.
for _name in __all__:
    _value = globals().get(_name)  # None for the names imported on first use
    if getattr(_value, "__module__", "").startswith("qrules."):
        _value.__module__ = "qrules"
del _name, _value
