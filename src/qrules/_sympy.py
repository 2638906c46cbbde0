"""sympy, imported on first use.

Judging figures and records needs no sympy: it evaluates compiled forms
(`_forms`). sympy is needed to compile them, and for lint, diff, strategies and
some checks; modules that use it write::

    if TYPE_CHECKING:
        import sympy
    else:
        from ._sympy import sympy

so that ``import qrules`` stays fast (a test checks that it imports no sympy).
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

__all__ = ["sympy"]


class _OnFirstUse:
    """Stands for a module; imports it when one of its names is first read
    (Python's import lock makes that safe from several threads)."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        module: ModuleType = importlib.import_module(self._name)
        return getattr(module, attribute)


sympy = _OnFirstUse("sympy")
