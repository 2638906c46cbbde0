"""qrules: the quantitative commitments of published plans, as rules that compute.

Load a rulebook, then judge reported figures against it::

    import qrules

    rulebook = qrules.load("yantai-2023-2025")
    evaluation = rulebook.evaluate({"food_safety_sampling_pass_rate": "98.4"})
    for result in evaluation:
        print(result.rule.id, result.verdict.value, result.reason.en)
"""

from ._version import __version__ as __version__

#: Not `typing.TYPE_CHECKING`: importing typing is most of what ``import
#: qrules`` would cost (type checkers take any ``TYPE_CHECKING`` as true).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from ._columns import read_log, read_register
    from ._data import Observation, parse_value
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
    from ._expr import parse_formula, parse_requirement
    from ._figures import Dataset, read_dataset
    from ._lint import Finding, lint
    from ._load import load, rulebook_names
    from ._model import (
        Aggregation,
        Alternative,
        Body,
        DatedTarget,
        Measure,
        Period,
        Rule,
        Source,
        Target,
        Text,
        Unit,
    )
    from ._recordspec import RecordSpec
    from ._results import Change, Evaluation, FailingUnit, Reconciliation, Result, Verdict
    from ._rollup import Derivation
    from ._rulebook import Rulebook
    from .engines import evaluate_records, evaluate_tables
    from .records.read import ColumnMapping, InspectionLog, Register
del TYPE_CHECKING

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


#: Where each public name lives; each is imported on first use (PEP 562), so
#: that ``import qrules`` costs next to nothing: loading a rulebook imports the
#: model and the loader, judging figures or records the rest, and lint, the SQL
#: engines and sympy only what uses them (a test checks what ``import qrules``
#: imports; docs/architecture.md).
_ON_FIRST_USE = {
    "Aggregation": "_model",
    "Alternative": "_model",
    "Body": "_model",
    "Change": "_results",
    "ColumnMapping": "records.read",
    "DataError": "_errors",
    "Dataset": "_figures",
    "DatedTarget": "_model",
    "Derivation": "_rollup",
    "Evaluation": "_results",
    "ExpressionError": "_errors",
    "FailingUnit": "_results",
    "Finding": "_lint",
    "InspectionLog": "records.read",
    "Measure": "_model",
    "Observation": "_data",
    "OutOfPeriodError": "_errors",
    "Period": "_model",
    "Problem": "_errors",
    "QRulesError": "_errors",
    "Reconciliation": "_results",
    "RecordSpec": "_recordspec",
    "Register": "records.read",
    "Result": "_results",
    "Rule": "_model",
    "Rulebook": "_rulebook",
    "RulebookError": "_errors",
    "RulebookNotFoundError": "_errors",
    "Source": "_model",
    "Target": "_model",
    "Text": "_model",
    "Unit": "_model",
    "UnknownBodyError": "_errors",
    "UnknownRuleError": "_errors",
    "Verdict": "_results",
    "evaluate_records": "engines",
    "evaluate_tables": "engines",
    "lint": "_lint",
    "load": "_load",
    "parse_formula": "_expr",
    "parse_requirement": "_expr",
    "parse_value": "_data",
    "read_dataset": "_figures",
    "read_log": "_columns",
    "read_register": "_columns",
    "rulebook_names": "_load",
}


def __getattr__(name: str) -> object:
    module = _ON_FIRST_USE.get(name)
    if module is None:
        raise AttributeError(f"module 'qrules' has no attribute {name!r}")
    import importlib  # noqa: PLC0415 (only a first use needs it)
    import sys  # noqa: PLC0415

    importlib.import_module(f".{module}", __name__)
    # Public names say where users import them from (``qrules.Rule``, not
    # ``qrules._model.Rule``) in reprs, tracebacks and the API docs, as httpx does:
    # those of every module imported so far (``qrules.load`` imports the model and
    # its errors, which a traceback then names ``qrules.RulebookError``).
    for public, home in _ON_FIRST_USE.items():
        loaded = sys.modules.get(f"{__name__}.{home}")
        if loaded is None or public in globals():
            continue
        value = getattr(loaded, public)
        if getattr(value, "__module__", "").startswith("qrules."):
            value.__module__ = "qrules"
        globals()[public] = value
    return globals()[name]


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_ON_FIRST_USE))
