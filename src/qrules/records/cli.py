"""The records options of ``qrules check``: a register, a log, and how to read them."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib
import importlib.util
import os
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from .._errors import DataError, Problem, QRulesError
from .._load import sample_files
from .._messages import Lang, listed, say
from .._model import Rule
from .._results import Evaluation
from .._rulebook import Rulebook
from .._tabular import check_options, needs, source_kind
from . import ENGINES

if TYPE_CHECKING:
    from .._decisions import InputDigest
    from .direct import Direct
    from .read import InspectionLog, Register

__all__ = [
    "Progress",
    "add_arguments",
    "logged_inputs",
    "mapping_file",
    "records_evaluation",
    "wants_records",
]

#: The files ``--register sample``, ``--log sample`` and ``--mapping sample`` name.
SAMPLE_FILES = {"register": "register.csv", "log": "inspections.csv", "mapping": "mapping.toml"}


def add_arguments(check: argparse.ArgumentParser, lang: Lang = "en") -> None:
    """The records options, their help in ``lang``."""

    def said(id_: str, **params: str) -> str:
        return say(id_, **params).get(lang)

    group = check.add_argument_group(said("help.records"), said("help.records.description"))
    group.add_argument("--register", metavar="SOURCE", help=said("help.register"))
    group.add_argument("--log", metavar="SOURCE", help=said("help.log"))
    group.add_argument("--mapping", metavar="FILE", help=said("help.mapping"))
    group.add_argument("--encoding", metavar="NAME", help=said("help.encoding"))
    group.add_argument("--register-sheet", metavar="NAME", help=said("help.register_sheet"))
    group.add_argument("--log-sheet", metavar="NAME", help=said("help.log_sheet"))
    group.add_argument("--by-district", action="store_true", help=said("help.by_district"))
    group.add_argument("--log-until", metavar="DATE", help=said("help.log_until"))
    group.add_argument("--log-from", metavar="DATE", help=said("help.log_from"))
    group.add_argument("--engine", choices=ENGINES[:3], help=said("help.engine"))
    group.add_argument("--database", metavar="URL", help=said("help.database"))
    group.add_argument(
        "--register-table", metavar="NAME", help=said("help.register_table", default="register")
    )
    group.add_argument(
        "--log-table", metavar="NAME", help=said("help.log_table", default="inspections")
    )
    group.add_argument("--trust-keys", action="store_true", help=said("help.trust_keys"))


def wants_records(args: argparse.Namespace) -> bool:
    return bool(args.register or args.log or args.database)


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
    samples = sample_files(rulebook, "records")
    wanted = SAMPLE_FILES[kind] if value == "sample" else value.removeprefix("sample:")
    chosen = [p for p in samples if wanted in (p.name, p.stem)]
    if len(chosen) != 1:
        names = listed(p.name for p in samples) if samples else say("cli.none")
        raise DataError(
            value,
            [
                Problem(
                    value,
                    say("records_cli.no_sample", rulebook=rulebook.id),
                    hint=say("records_cli.samples", names=names),
                )
            ],
        )
    return str(chosen[0])


def logged_inputs(rulebook: Rulebook, args: argparse.Namespace) -> tuple[str, list[InputDigest]]:
    """For ``--decision-log``: the engine that counted the records (``reference``
    when there are none) and the digests of the register's and log's files
    (tables in a database: their names, no digest)."""
    if not wants_records(args):
        return "reference", []
    # Only a decision log needs it: `check` starts without it.
    from .._decisions import InputDigest  # noqa: PLC0415

    found = []
    if args.register:
        for kind, value in (("register", args.register), ("log", args.log)):
            source = _source(value, kind, rulebook)
            if source is not None:
                found.append(source_digest(source, kind))
    else:
        found += [
            InputDigest("register", args.register_table or "register", None),
            InputDigest("log", args.log_table or "inspections", None),
        ]
    return _engine(args), found


def source_digest(source: str | Path, kind: str) -> InputDigest:
    """What a decision log records of an input: a file's digest, or a
    database URL's table (its password left out), with no digest."""
    from .._decisions import InputDigest, file_digest  # noqa: PLC0415 (see `logged_inputs`)

    if Path(source).is_file():
        return file_digest(source, kind)
    return InputDigest(kind, _redacted(str(source)), None)


def _redacted(url: str) -> str:
    """A database URL without its password, for the log."""
    scheme, sep, rest = url.partition("://")
    credentials, at, place = rest.rpartition("@")
    if not sep or not at:
        return url
    return f"{scheme}://{credentials.partition(':')[0]}@{place}"


def mapping_file(args: argparse.Namespace, rulebook: Rulebook) -> str | None:
    """The mapping file the options name (``sample``: the rulebook's)."""
    return _source(args.mapping, "mapping", rulebook)


def _encoding(source: str | None, args: argparse.Namespace) -> str | None:
    """--encoding, for a CSV source (it does not apply to the others)."""
    return args.encoding if source is not None and source_kind(source) == "csv" else None


def _check_files(args: argparse.Namespace) -> None:
    """A log without a register; --register-sheet (--log-sheet) given for no
    file, or for a file that is no workbook: an error naming it, not ignored."""
    if args.log and not args.register:
        raise QRulesError(say("records_cli.log_needs_register"))
    for flag, sheet, source in (
        ("register-sheet", args.register_sheet, args.register),
        ("log-sheet", args.log_sheet, args.log),
    ):
        if sheet is None:
            continue
        if not source:  # (a sheet of the tables of --database, or of no file)
            raise QRulesError(say("records_cli.sheet_needs_file", option=f"--{flag}"))
        try:
            check_options(source, Path(source).name, flags={"sheet": flag}, sheet=sheet)
        except DataError as error:
            raise DataError(error.source, error.problems, what="problems.records") from None


def _refuse_records_options(args: argparse.Namespace) -> None:
    """An error naming the options of records given without records: said,
    not ignored (``--by-district`` given for figures would leave the reader
    believing each district's figures were judged by it)."""
    given = [
        option
        for option, value in (
            ("--by-district", args.by_district),
            ("--engine", args.engine),
            ("--register-table", args.register_table),
            ("--log-table", args.log_table),
            ("--trust-keys", args.trust_keys),
            ("--register-sheet", args.register_sheet),
            ("--log-sheet", args.log_sheet),
        )
        if value
    ]
    if given:
        raise QRulesError(say("records_cli.records_only", options=listed(given)))


def records_evaluation(
    rulebook: Rulebook, rules: tuple[Rule, ...], args: argparse.Namespace, err: TextIO
) -> Evaluation | None:
    """Read the records named on the command line and judge them; ``None`` if none."""
    if (getattr(args, "log_from", None) or args.log_until) and not (
        args.log or (args.database and not args.register)
    ):
        # (Said, not ignored: a reach given for no log would leave the reader
        # believing the years it names were judged on one.)
        raise QRulesError(say("records_cli.reach_needs_log"))
    if not wants_records(args):
        _refuse_records_options(args)
        return None
    _check_files(args)
    if (args.register_table or args.log_table or args.trust_keys) and (
        args.register or not args.database
    ):
        raise QRulesError(say("records_cli.table_options"))
    # The readers and engines, imported when records are judged: a quick start otherwise.
    from .._columns import read_records, read_register  # noqa: PLC0415
    from ..engines import evaluate_records, evaluate_tables  # noqa: PLC0415

    engine = _engine(args)
    until, start = (
        _date_option(args.log_until, "--log-until"),
        _date_option(getattr(args, "log_from", None), "--log-from"),
    )
    from .plan import refuse_inverted_reach  # noqa: PLC0415 (records only)

    refuse_inverted_reach(start, until, ("--log-from", "--log-until"))
    # --strict is the check command's (cli.py), for figures and records alike.
    strict = bool(getattr(args, "strict", False))
    mapping = _source(args.mapping, "mapping", rulebook)
    progress = Progress(err)
    # The engine's modules imported while the files are read (Arrow's reader
    # lets go of the interpreter's lock): DuckDB's import takes as long as
    # reading a 100,000-row register.
    imported = _imported_meanwhile(engine) if args.register else None
    try:
        if not args.register:
            return evaluate_tables(
                rulebook,
                args.database,
                register=args.register_table or "register",
                log=args.log_table or "inspections",
                mapping=mapping,
                engine=engine,
                rules=rules,
                by_district=args.by_district,
                log_until=until,
                progress=progress,
                check_keys=not args.trust_keys,
                log_from=start,
                strict=strict,
            )
        register_source = _source(args.register, "register", rulebook)
        register_encoding = _encoding(register_source, args)
        try:
            log_source = _source(args.log, "log", rulebook)
        except DataError:  # the register's problems first, as ever
            read_register(
                register_source,
                mapping=mapping,
                encoding=register_encoding,
                sheet=args.register_sheet,
                progress=progress,
            )
            raise

        def judged(register: Register, log: InspectionLog | None, connection: Any) -> Evaluation:
            return evaluate_records(
                rulebook,
                register,
                log,
                rules=rules,
                by_district=args.by_district,
                log_until=until,
                progress=progress,
                engine=engine,
                connection=connection,
                log_from=start,
                strict=strict,
            )

        # Plain CSV files are read and judged in DuckDB (records/direct.py),
        # the log's proofs running while they are judged: what is judged is
        # given (or its error raised) only once they hold.
        direct = _direct(engine, args, register_source, log_source or None, mapping)
        if direct is not None:
            try:
                evaluation = judged(direct.register, direct.log, direct.connection)
            except Exception:
                if direct.confirmed():
                    raise
            else:
                if direct.confirmed():
                    return evaluation
            finally:
                direct.close()
        _lean_arrow(register_source)
        # The log's file is parsed while the register is read.
        register, log = read_records(
            register_source,
            log_source or None,
            mapping=mapping,
            register_encoding=register_encoding,
            log_encoding=_encoding(log_source, args),
            register_sheet=args.register_sheet,
            log_sheet=args.log_sheet,
            progress=progress,
        )
        return judged(register, log, args.database)
    except DataError as error:
        # (What is refused here is a register, a log or their tables: records.)
        raise DataError(error.source, error.problems, what="problems.records") from None
    finally:
        progress.close()
        if imported is not None:
            imported.join()


def _direct(
    engine: str,
    args: argparse.Namespace,
    register: str | None,
    log: str | None,
    mapping: str | None,
) -> Direct | None:
    """The register and log read by DuckDB's own CSV reader, proven read as the
    readers read them (`records.direct`), for the DuckDB engine on CSV files
    without ``--encoding``; ``None`` otherwise (the readers read them)."""
    if (
        engine != "duckdb"
        or args.encoding
        or args.database
        or register is None
        or args.register_sheet is not None
        or args.log_sheet is not None
    ):
        return None
    from .direct import read_files  # noqa: PLC0415 (files only)

    return read_files(register, log, mapping=mapping, defer=True)


def _imported_meanwhile(engine: str) -> threading.Thread | None:
    """A thread importing the modules judging on ``engine`` needs (DuckDB
    only: the others connect to a server), started; an import that fails
    fails again, and is reported, when judging imports it."""
    if engine != "duckdb" or importlib.util.find_spec("duckdb") is None:
        return None

    def load() -> None:
        for module in ("duckdb", "qrules.engines.duckdb"):
            with contextlib.suppress(Exception):
                importlib.import_module(module)

    thread = threading.Thread(target=load, name="qrules-import", daemon=True)
    thread.start()
    return thread


def _lean_arrow(source: str | None) -> None:
    """Arrow's memory from an allocator that gives freed memory back at once,
    for the command line's reading of files, where Arrow's default (mimalloc)
    keeps it, with huge pages, for the process's life (about 70 MiB of the
    peak on a 100,000-unit register and its 1,000,000-row log:
    ``benchmarks/bench_files.py``): jemalloc told to purge at once where
    pyarrow has it (the C library's allocator keeps what the reader's threads
    freed in arenas of their own: about 30 MiB more), else the C library's. A
    process that chose an allocator (``ARROW_DEFAULT_MEMORY_POOL``) keeps it;
    so does a program calling `qrules.read_register` itself."""
    if (
        source is None
        or source_kind(source) not in ("csv", "arrow")
        or "ARROW_DEFAULT_MEMORY_POOL" in os.environ
        or importlib.util.find_spec("pyarrow") is None
    ):
        return
    pa = needs("pyarrow")  # only files read column-wise need it
    try:
        pool = pa.jemalloc_memory_pool()
        pa.jemalloc_set_decay_ms(0)
    except NotImplementedError:  # a pyarrow built without jemalloc
        pool = pa.system_memory_pool()
    pa.set_memory_pool(pool)


def _date_option(value: str | None, option: str) -> dt.date | None:
    if not value:
        return None
    from .plan import declared_date  # noqa: PLC0415 (records only: a quick start otherwise)

    try:
        return declared_date(value)
    except ValueError as error:
        said = getattr(error, "said", None) or str(error)
        raise QRulesError(say("records_cli.date_option", option=option, error=said)) from None


def _engine(args: argparse.Namespace) -> str:
    """The engine the options ask for: ``--engine``, else the database's, else
    DuckDB when installed."""
    from ..engines import default_engine, engine_of  # noqa: PLC0415 (records only)

    if args.database is None:
        engine: str = args.engine or default_engine()
        if engine == "postgres":
            raise QRulesError(say("records_cli.postgres_database"))
        return engine
    if args.engine == "reference":
        raise QRulesError(say("records_cli.database_reference"))
    found = engine_of(args.database)
    if args.engine is not None and args.engine != found:
        raise QRulesError(
            say("records_cli.engine_database", engine=args.engine, database=args.database)
        )
    return found
