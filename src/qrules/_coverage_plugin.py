"""The rule coverage half of the pytest plugin (``_qrules_pytestplugin``),
registered only when a run asks for coverage: it records every judgement of
the run (`qrules._coverage`), writes the reports, gates and prints the summary.
See docs/testing.md."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from . import _coverage, _observe
from ._boundary import link_target, os_error, write_file, writing
from ._errors import QRulesError
from ._load import load
from ._messages import Lang, Text, say
from ._rulebook import Rulebook

__all__ = ["CoveragePlugin"]


class CoveragePlugin:
    """The rule coverage of one run: records while tests run, then reports."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        given = config.getoption("qrules_lang") or config.getini("qrules_lang") or "en"
        self.lang: Lang = "zh" if given == "zh" else "en"
        try:
            if given not in ("zh", "en"):
                raise QRulesError(say("plugin.bad_lang", lang=given))
            self.threshold = self._threshold()
            self.outputs = [
                self._output(spec) for spec in config.getoption("qrules_coverage_report")
            ]
            self.scoped = self._scoped()
        except (QRulesError, ValueError, OSError) as error:  # said as pytest says bad options
            if isinstance(error, OSError) and not isinstance(error, QRulesError):
                error = os_error(error)
            said = error.render(self.lang) if isinstance(error, QRulesError) else str(error)
            raise pytest.UsageError(say("plugin.usage", error=said).get(self.lang)) from None
        self.recorder = _coverage.CoverageRecorder(
            None if not self.scoped else frozenset(b.fingerprint for b in self.scoped)
        )
        self.listening: Any = _observe.listening(self.recorder)
        self.listening.__enter__()
        self.deselected = 0
        self.report: _coverage.CoverageReport | None = None
        self.failure: Text | None = None
        #: The reports that could not be written, each with why (its path's
        #: folder removed during the run, a disk full).
        self.unwritten: dict[Path, QRulesError] = {}

    def _threshold(self) -> Fraction | None:
        given = self.config.getoption("qrules_cov_fail_under")
        self.from_ini = given is None
        if given is None:
            given = self.config.getini("qrules_cov_fail_under") or None
            whole = self.config.args_source is pytest.Config.ArgsSource.TESTPATHS
            if given is None or not whole:
                return None
        return _coverage.parse_threshold(str(given))

    def _output(self, spec: str) -> tuple[str, Path]:
        """A report to write, checked before any test runs (as the command
        line checks ``-o``): a file in a folder that exists, and no symbolic
        link, which would make the run overwrite the file it names."""
        kind, sep, path = spec.partition(":")
        if not sep or kind not in ("json", "html", "markdown") or not path:
            raise QRulesError(say("plugin.bad_report", spec=repr(spec)))
        output = Path(path)
        if output.is_symlink():
            raise QRulesError(say("plugin.report_link", spec=spec, target=link_target(output)))
        if output.is_dir():
            raise QRulesError(say("plugin.report_folder", spec=spec))
        if not output.parent.is_dir():
            raise QRulesError(say("plugin.report_no_folder", spec=spec, folder=str(output.parent)))
        return kind, output

    def _scoped(self) -> list[Rulebook]:
        root = self.config.rootpath
        books = []
        for name in self.config.getini("qrules_coverage_rulebooks"):
            folder = root / name
            books.append(load(folder if folder.is_dir() else name))
        return books

    def _stop(self) -> None:
        if self.listening is not None:
            self.listening.__exit__(None, None, None)
            self.listening = None

    def pytest_unconfigure(self) -> None:
        self._stop()  # a run that ends before its session finishes stops listening too

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        self.deselected += len(items)

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        self._stop()
        self.report = report = self.recorder.report(self.scoped)
        render = {
            "json": _coverage.coverage_json,
            "html": _coverage.coverage_html,
            "markdown": _coverage.coverage_markdown,
        }
        for kind, path in self.outputs:
            try:
                # (As ``-o`` is written: atomically, never through a link.)
                with writing(path):
                    write_file(path, render[kind](report).encode("utf-8"))
            except QRulesError as error:
                self.unwritten[path] = error
        if self.unwritten and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        if self.threshold is not None and self.deselected and self.from_ini:
            self.threshold = None  # the ini key's gate is for the whole suite only
        if self.threshold is not None:
            self.failure = report.under(self.threshold)
            if self.failure is not None and session.exitstatus == pytest.ExitCode.OK:
                session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.report is None:
            return
        lang = self.lang
        terminalreporter.section(say("plugin.section").get(lang))
        # The rules not fully covered when the run asked for coverage (or is
        # gated); a run of a few tests under the ini key gets the totals only.
        asked = (
            self.config.getoption("qrules_coverage")
            or self.threshold is not None
            or self.config.get_verbosity() > 0
        )
        table = _coverage.coverage_table(self.report, lang, only_missing=True, rows=asked)
        terminalreporter.write(table)
        if not asked:
            terminalreporter.write_line(say("plugin.more").get(lang))
        for kind, path in self.outputs:
            if path not in self.unwritten:
                terminalreporter.write_line(
                    say("plugin.wrote", kind=kind, path=str(path)).get(lang)
                )
        for error in self.unwritten.values():
            terminalreporter.write_line(
                say("plugin.usage", error=error.render(lang)).get(lang), red=True
            )
        if self.failure is not None:
            terminalreporter.write_line(
                say("plugin.fail", failure=self.failure).get(lang), red=True
            )
        elif self.threshold is not None:
            percent = _coverage.percent_text(self.threshold)
            terminalreporter.write_line(
                say("plugin.reached", percent=percent).get(lang), green=True
            )
