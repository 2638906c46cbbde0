"""Listening to judgements: one hook that every judge calls once per evaluation.

The judge of reported figures (`judge_figures`) and the last step of every records
engine (`judge_all`) hand each `Evaluation` they make to `judged`, which passes
it to the listeners registered with `listening`: the pytest plugin's rule
coverage is one. With nobody listening the call costs one test of an empty
list, so the judges call it unconditionally.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._results import Evaluation

__all__ = ["Listener", "judged", "listening"]

Listener = Callable[["Evaluation"], None]

_LISTENERS: list[Listener] = []


def judged(evaluation: Evaluation) -> Evaluation:
    """Tell every listener of ``evaluation``; returns it, for ``return judged(...)``."""
    if _LISTENERS:
        for listener in tuple(_LISTENERS):
            listener(evaluation)
    return evaluation


@contextlib.contextmanager
def listening(listener: Listener) -> Iterator[Listener]:
    """Call ``listener`` with every evaluation made inside the ``with`` block."""
    _LISTENERS.append(listener)
    try:
        yield listener
    finally:
        _LISTENERS.remove(listener)
