"""The qrules pytest plugin, registered under the ``pytest11`` entry point.

It lives outside the ``qrules`` package so that pytest can load it in every
test run without importing qrules (and sympy) until a test asks for a fixture.

Fixtures:

- ``qrules_load``: loads rulebooks by name or path, once per session.
- ``qrules_rulebook``: the rulebook named by ``@pytest.mark.qrules(rulebook=...)``
  on the test, or by the ``--qrules-rulebook`` option / ``qrules_rulebook`` ini key.

Rule coverage (``--qrules-coverage`` or the ``qrules_coverage`` ini key): every
judgement made in the run is recorded (`qrules._coverage`), the terminal
summary says which rules were not seen met, not met, unknown and exactly on
their boundary, ``--qrules-coverage-report=FORMAT:PATH`` writes the report and
``--qrules-cov-fail-under=N`` fails the run under N % of rules fully covered;
``--qrules-lang zh`` says it in Chinese.
See docs/testing.md.
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
    group.addoption(
        "--qrules-rulebook",
        metavar="NAME_OR_PATH",
        default=None,
        help="rulebook for the qrules_rulebook fixture",
    )
    parser.addini("qrules_rulebook", "rulebook for the qrules_rulebook fixture", default="")
    group.addoption(
        "--qrules-coverage",
        action="store_true",
        default=False,
        help="record which verdicts and thresholds of each rule the tests reached",
    )
    group.addoption(
        "--qrules-coverage-report",
        action="append",
        default=[],
        metavar="FORMAT:PATH",
        help="write the rule coverage report: json, html or markdown (repeatable)",
    )
    group.addoption(
        "--qrules-cov-fail-under",
        metavar="PERCENT",
        default=None,
        help="fail the run when under PERCENT of rules are fully covered "
        "(exact: 100 means every rule)",
    )
    parser.addini(
        "qrules_coverage", "record rule coverage (as --qrules-coverage)", type="bool", default=False
    )
    parser.addini(
        "qrules_cov_fail_under",
        "as --qrules-cov-fail-under, for runs of the whole suite (testpaths, nothing deselected)",
        default="",
    )
    group.addoption(
        "--qrules-lang",
        metavar="zh|en",
        default=None,
        help="the language of the rule coverage summary (default: en)",
    )
    parser.addini("qrules_lang", "as --qrules-lang", default="")
    parser.addini(
        "qrules_coverage_rulebooks",
        "rulebooks (names or folders) that rule coverage counts; default: every rulebook judged",
        type="linelist",
        default=[],
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "qrules(rulebook): the rulebook that the qrules_rulebook fixture loads"
    )
    wanted = (
        config.getoption("qrules_coverage")
        or config.getini("qrules_coverage")
        or config.getoption("qrules_coverage_report")
        or config.getoption("qrules_cov_fail_under")
    )
    if wanted:
        from qrules._coverage_plugin import CoveragePlugin  # noqa: PLC0415 (only when asked)

        config.pluginmanager.register(CoveragePlugin(config), "qrules-coverage")


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
def qrules_rulebook(
    request: pytest.FixtureRequest, qrules_load: Callable[[str | Path], Rulebook]
) -> Rulebook:
    """The rulebook chosen by the test's ``qrules`` marker, the option or the ini key."""
    marker = request.node.get_closest_marker("qrules")
    source = None
    if marker is not None:
        unexpected = sorted(set(marker.kwargs) - {"rulebook"})
        if unexpected:  # (a misspelt name would load another rulebook, or none)
            raise pytest.UsageError(
                f"qrules marker: unexpected {', '.join(map(repr, unexpected))}; write rulebook="
            )
        source = marker.kwargs.get("rulebook") or (marker.args[0] if marker.args else None)
    source = source or request.config.getoption("qrules_rulebook")
    if not source and request.config.getini("qrules_rulebook"):
        # The ini file's folder is relative to the root, as qrules_coverage_rulebooks'
        # is, wherever pytest is run from; a name is a shipped rulebook's.
        given = request.config.getini("qrules_rulebook")
        folder = request.config.rootpath / given
        source = folder if folder.is_dir() else given
    if not source:
        raise pytest.UsageError(
            "qrules_rulebook needs a rulebook: mark the test with "
            "@pytest.mark.qrules(rulebook='yantai-2023-2025'), or pass --qrules-rulebook"
        )
    return qrules_load(source)
