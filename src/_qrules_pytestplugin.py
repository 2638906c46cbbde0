"""The qrules pytest plugin, registered under the ``pytest11`` entry point.

It lives outside the ``qrules`` package so that pytest can load it in every
test run without importing qrules (and sympy) until a test asks for a fixture.

Fixtures:

- ``qrules_load``: loads rulebooks by name or path, once per session.
- ``qrules_rulebook``: the rulebook named by ``@pytest.mark.qrules(rulebook=...)``
  on the test, or by the ``--qrules-rulebook`` option / ``qrules_rulebook`` ini key.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from qrules import Rulebook


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("qrules")
    group.addoption("--qrules-rulebook", metavar="NAME_OR_PATH", default=None,
                    help="rulebook for the qrules_rulebook fixture")
    parser.addini("qrules_rulebook", "rulebook for the qrules_rulebook fixture", default="")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "qrules(rulebook): the rulebook that the qrules_rulebook fixture loads"
    )


@pytest.fixture(scope="session")
def qrules_load() -> Callable[[str | Path], Rulebook]:
    """Load a rulebook by name or folder, once per test session."""
    import qrules  # noqa: PLC0415 (imported only when a test uses the fixture)

    cache: dict[str, Any] = {}

    def load(source: str | Path) -> Rulebook:
        key = str(source)
        if key not in cache:
            cache[key] = qrules.load(source)
        return cache[key]  # type: ignore[no-any-return]

    return load


@pytest.fixture
def qrules_rulebook(request: pytest.FixtureRequest,
                    qrules_load: Callable[[str | Path], Rulebook]) -> Rulebook:
    """The rulebook chosen by the test's ``qrules`` marker, the option or the ini key."""
    marker = request.node.get_closest_marker("qrules")
    source = None
    if marker is not None:
        source = marker.kwargs.get("rulebook") or (marker.args[0] if marker.args else None)
    source = source or request.config.getoption("qrules_rulebook") or request.config.getini(
        "qrules_rulebook")
    if not source:
        raise pytest.UsageError(
            "qrules_rulebook needs a rulebook: mark the test with "
            "@pytest.mark.qrules(rulebook='yantai-2023-2025'), or pass --qrules-rulebook"
        )
    return qrules_load(source)
