"""The public namespace stays small, sorted and complete."""

from __future__ import annotations

import importlib
import inspect
import types

import pytest

import qrules


def test_all_is_sorted() -> None:
    assert qrules.__all__ == sorted(qrules.__all__)


def test_all_is_complete() -> None:
    # Public submodules (cli, testing, strategies) are imported on their own.
    public = {
        name
        for name in dir(qrules)
        if not name.startswith("_") and not isinstance(getattr(qrules, name), types.ModuleType)
    }
    assert public == set(qrules.__all__)


def test_errors_subclass_builtins() -> None:
    assert issubclass(qrules.RulebookError, ValueError)
    assert issubclass(qrules.DataError, ValueError)
    assert issubclass(qrules.ExpressionError, ValueError)
    assert issubclass(qrules.RulebookNotFoundError, LookupError)
    for error in (
        qrules.RulebookError,
        qrules.DataError,
        qrules.ExpressionError,
        qrules.RulebookNotFoundError,
    ):
        assert issubclass(error, qrules.QRulesError)


def test_public_names_belong_to_the_package() -> None:
    for name in qrules.__all__:
        value = getattr(qrules, name)
        if isinstance(value, type) or callable(value):
            assert value.__module__ == "qrules", name


@pytest.mark.parametrize(
    "module", ["qrules.engines", "qrules.engines.reference", "qrules.testing", "qrules.strategies"]
)
def test_public_modules_names_say_where_they_are_imported_from(module: str) -> None:
    # A public module's names are imported from it (or from qrules, for those
    # qrules also exports), never from a private module.
    imported = importlib.import_module(module)
    for name in imported.__all__:
        value = getattr(imported, name)
        if isinstance(value, type) or inspect.isfunction(value):
            assert value.__module__ in (module, "qrules"), f"{module}.{name}"


def test_rulebook_label_is_a_deprecated_name_of_describe() -> None:
    # ``label`` translates (Verdict.label); a rulebook is described.
    rulebook = qrules.load("yantai-2023-2025")
    with pytest.warns(DeprecationWarning, match="Rulebook.describe"):
        assert rulebook.label("zh") == rulebook.describe("zh")
