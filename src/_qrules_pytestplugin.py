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
``--qrules-cov-fail-under=N`` fails the run under N % of rules fully covered.
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
    group.addoption("--qrules-rulebook", metavar="NAME_OR_PATH", default=None,
                    help="rulebook for the qrules_rulebook fixture")
    parser.addini("qrules_rulebook", "rulebook for the qrules_rulebook fixture", default="")
    group.addoption("--qrules-coverage", action="store_true", default=False,
                    help="record which verdicts and thresholds of each rule the tests reached")
    group.addoption("--qrules-coverage-report", action="append", default=[],
                    metavar="FORMAT:PATH",
                    help="write the rule coverage report: json, html or markdown (repeatable)")
    group.addoption("--qrules-cov-fail-under", metavar="PERCENT", default=None,
                    help="fail the run when under PERCENT of rules are fully covered "
                         "(exact: 100 means every rule)")
    parser.addini("qrules_coverage", "record rule coverage (as --qrules-coverage)",
                  type="bool", default=False)
    parser.addini("qrules_cov_fail_under",
                  "as --qrules-cov-fail-under, for runs of the whole suite (testpaths, "
                  "nothing deselected)", default="")
    parser.addini("qrules_coverage_rulebooks",
                  "rulebooks (names or folders) that rule coverage counts; default: every "
                  "rulebook judged", type="linelist", default=[])


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "qrules(rulebook): the rulebook that the qrules_rulebook fixture loads"
    )
    wanted = (config.getoption("qrules_coverage") or config.getini("qrules_coverage")
              or config.getoption("qrules_coverage_report")
              or config.getoption("qrules_cov_fail_under"))
    if wanted:
        config.pluginmanager.register(_Coverage(config), "qrules-coverage")


class _Coverage:
    """The rule coverage of one run: records while tests run, then reports."""

    def __init__(self, config: pytest.Config) -> None:
        from qrules import _coverage, _observe  # noqa: PLC0415 (only when asked for)

        self.config = config
        self.module = _coverage
        try:
            self.threshold = self._threshold()
            self.outputs = [self._output(spec)
                            for spec in config.getoption("qrules_coverage_report")]
            self.scoped = self._scoped()
        except Exception as error:  # a QRulesError, said as pytest says bad options
            raise pytest.UsageError(f"qrules coverage: {error}") from None
        self.recorder = _coverage.CoverageRecorder(
            None if not self.scoped else frozenset(b.fingerprint for b in self.scoped))
        self.listening = _observe.listening(self.recorder)
        self.listening.__enter__()
        self.deselected = 0
        self.report: Any = None
        self.failure: str | None = None

    def _threshold(self) -> Any:
        given = self.config.getoption("qrules_cov_fail_under")
        self.from_ini = given is None
        if given is None:
            given = self.config.getini("qrules_cov_fail_under") or None
            whole = (self.config.args_source is pytest.Config.ArgsSource.TESTPATHS)
            if given is None or not whole:
                return None
        return self.module.parse_threshold(str(given))

    def _output(self, spec: str) -> tuple[str, Path]:
        kind, sep, path = spec.partition(":")
        if not sep or kind not in ("json", "html", "markdown") or not path:
            raise ValueError(f"--qrules-coverage-report={spec!r}: write FORMAT:PATH with "
                             "FORMAT json, html or markdown")
        return kind, Path(path)

    def _scoped(self) -> list[Rulebook]:
        import qrules  # noqa: PLC0415

        root = self.config.rootpath
        books = []
        for name in self.config.getini("qrules_coverage_rulebooks"):
            folder = root / name
            books.append(qrules.load(folder if folder.is_dir() else name))
        return books

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        self.deselected += len(items)

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        self.listening.__exit__(None, None, None)
        self.report = report = self.recorder.report(self.scoped)
        module = self.module
        render = {"json": module.coverage_json, "html": module.coverage_html,
                  "markdown": module.coverage_markdown}
        for kind, path in self.outputs:
            path.write_text(render[kind](report), encoding="utf-8")
        if self.threshold is not None and self.deselected and self.from_ini:
            self.threshold = None  # the ini key's gate is for the whole suite only
        if self.threshold is not None:
            self.failure = report.under(self.threshold)
            if self.failure is not None and session.exitstatus == pytest.ExitCode.OK:
                session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.report is None:
            return
        terminalreporter.section("qrules rule coverage")
        # The rules not fully covered when the run asked for coverage (or is
        # gated); a run of a few tests under the ini key gets the totals only.
        asked = (self.config.getoption("qrules_coverage") or self.threshold is not None
                 or self.config.get_verbosity() > 0)
        table = self.module.coverage_table(self.report, only_missing=True, rows=asked)
        terminalreporter.write(table)
        if not asked:
            terminalreporter.write_line("(the rules not fully covered: -v or --qrules-coverage)")
        for kind, path in self.outputs:
            terminalreporter.write_line(f"wrote the {kind} report to {path}")
        if self.failure is not None:
            terminalreporter.write_line(f"FAIL rule coverage: {self.failure}", red=True)
        elif self.threshold is not None:
            terminalreporter.write_line("rule coverage: the required "
                                        f"{self.module.percent_text(self.threshold)} % reached",
                                        green=True)


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
