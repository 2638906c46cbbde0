"""The records options of ``qrules check``: a register, a log, and how to read them."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import TextIO

from ._errors import DataError, Problem, QRulesError
from ._evaluate import Evaluation
from ._model import Rule, Rulebook
from ._records import parse_date, read_log, read_register
from ._records_engine import evaluate_records

__all__ = ["Progress", "add_arguments", "records_evaluation", "wants_records"]

#: The files ``--register sample``, ``--log sample`` and ``--mapping sample`` name.
SAMPLE_FILES = {"register": "register.csv", "log": "inspections.csv", "mapping": "mapping.toml"}


def add_arguments(check: argparse.ArgumentParser) -> None:
    group = check.add_argument_group(
        "records", "judge the rules that have [rule.records] on a register of units and an "
                   "inspection log (docs/records.md)")
    group.add_argument("--register", metavar="SOURCE",
                       help="the register: a .csv, .xlsx, .parquet or .arrow file, a "
                            "duckdb:///path.db?table=NAME or sqlite:/// URL, or 'sample'")
    group.add_argument("--log", metavar="SOURCE", help="the inspection log, as --register")
    group.add_argument("--mapping", metavar="FILE",
                       help="a TOML file naming your columns and codes")
    group.add_argument("--encoding", metavar="NAME",
                       help="the encoding of CSV files (default: UTF-8 or GB18030, "
                            "decided over the whole file)")
    group.add_argument("--by-district", action="store_true",
                       help="judge each district too, not only the whole register")
    group.add_argument("--log-until", metavar="DATE",
                       help="the last day the log covers (default: its latest date)")


def wants_records(args: argparse.Namespace) -> bool:
    return bool(args.register or args.log)


class Progress:
    """A counter on one line of a terminal; nothing at all when not a terminal."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.on = bool(getattr(stream, "isatty", lambda: False)())
        self.last = 0.0
        self.shown = False

    def __call__(self, what: str, done: int) -> None:
        now = time.monotonic()
        if not self.on or now - self.last < 0.1:
            return
        self.last = now
        self.shown = True
        self.stream.write(f"\r{what}: {done:,}\x1b[K")
        self.stream.flush()

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def _source(value: str | None, kind: str, rulebook: Rulebook) -> str | None:
    """A path or URL as given, or a file of the rulebook's ``samples/records/``."""
    if value is None or not (value == "sample" or value.startswith("sample:")):
        return value
    folder = Path(rulebook.path) / "samples" / "records"
    wanted = SAMPLE_FILES[kind] if value == "sample" else value.removeprefix("sample:")
    chosen = [p for p in sorted(folder.glob("*")) if wanted in (p.name, p.stem)]
    if len(chosen) != 1:
        names = ", ".join(p.name for p in sorted(folder.glob("*"))) or "none"
        raise DataError(value, [Problem(value, f"rulebook {rulebook.id!r} has no such sample",
                                        hint=f"its records samples: {names}")])
    return str(chosen[0])


def records_evaluation(rulebook: Rulebook, rules: tuple[Rule, ...], args: argparse.Namespace,
                       err: TextIO) -> Evaluation | None:
    """Read the records named on the command line and judge them; ``None`` if none."""
    if not wants_records(args):
        return None
    if not args.register:
        raise QRulesError("--log needs --register: the log's units are checked against it")
    until = None
    if args.log_until:
        try:
            until = parse_date(args.log_until)
        except ValueError as error:
            raise DataError("--log-until", [Problem("--log-until", str(error))]) from None
    mapping = _source(args.mapping, "mapping", rulebook)
    progress = Progress(err)
    try:
        register = read_register(_source(args.register, "register", rulebook), mapping=mapping,
                                 encoding=args.encoding, progress=progress)
        log = None if not args.log else read_log(
            _source(args.log, "log", rulebook), register, mapping=mapping,
            encoding=args.encoding, progress=progress)
        return evaluate_records(rulebook, register, log, rules=rules,
                                by_district=args.by_district, log_until=until,
                                progress=progress)
    finally:
        progress.close()
