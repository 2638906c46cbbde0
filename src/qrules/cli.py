"""The ``qrules`` command.

Exit codes: 0 when every rule checked is met (or a command succeeded), 1 when
any is not met or unknown, 2 on bad input (a rulebook, dataset or database
with problems, a file that cannot be read or written, an unknown name, a bad
option: one or two lines say which and what to do), 3 on a bug in qrules
(``--debug`` shows its traceback). See docs/security.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import gc
import itertools
import json
import os
import re
import sys
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any, NoReturn, TextIO

import attrs

from . import _report
from ._boundary import OutputError, os_error, os_reason, write_file, write_stream, writing
from ._errors import (
    DataError,
    Problem,
    QRulesError,
    RulebookError,
    RulebookNotFoundError,
    suggestion,
)
from ._escape import columns
from ._expr import format_short
from ._figures import Dataset, read_dataset
from ._limits import MAX_COVERAGE_REPORT_BYTES
from ._load import load, rulebook_names, sample_files
from ._messages import data, joined, listed, say
from ._model import Lang, Rule, Text
from ._results import Evaluation, Verdict, merge
from ._rulebook import Rulebook
from ._tabular import irregular, source_kind
from .records import cli as records_cli

__all__ = ["main"]

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_BUG = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    """argparse's parser, its help and errors said in ``lang`` (argparse words
    them before ``--lang`` is parsed: `main` looks for it in the arguments
    first). Its own fixed words (``usage:``, the groups' titles, ``-h``'s help)
    are the catalog's, and its help is wrapped for CJK text."""

    lang: Lang = "en"
    #: The terminal's width (`_terminal_width`), asked once for a whole command
    #: line (`_parser`); ``None``: asked at each formatter.
    width: int | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        # The parents' options join the groups of the same title: titled first.
        parents = kwargs.pop("parents", ())
        super().__init__(*args, **kwargs)
        self._positionals.title = self.said("argparse.positionals")
        self._optionals.title = self.said("argparse.options")
        for action in self._actions:
            if isinstance(action, argparse._HelpAction):
                action.help = self.said("argparse.help")
        for parent in parents:
            self._add_container_actions(parent)
            self._defaults.update(parent._defaults)

    def said(self, id_: str, **params: Any) -> str:
        """The catalog's message ``id_`` in this parser's language."""
        return say(id_, **params).get(self.lang)

    def _get_formatter(self) -> argparse.HelpFormatter:
        # argparse makes a formatter for each option it adds (to check its
        # metavar), each asking shutil for the terminal's width: asked of the
        # system here, as shutil does, without importing shutil, and once per
        # command line, not for each of its hundred options (a quick start).
        formatter = self.formatter_class
        width = _terminal_width() if self.width is None else self.width
        return formatter(prog=self.prog, width=width)  # type: ignore[call-arg]  # argparse's formatters take a width

    def format_usage(self) -> str:
        usage = self._realigned(super().format_usage())
        return say("argparse.usage", usage=usage).get(self.lang)

    def format_help(self) -> str:
        return self.said("argparse.usage_prefix") + self._realigned(super().format_help())

    def _realigned(self, text: str) -> str:
        """argparse's text without its ``usage: ``, the usage's continuation
        lines moved under the catalog's prefix (by the columns it takes)."""
        shift = len("usage: ") - columns(self.said("argparse.usage_prefix"))
        usage, blank, rest = text.removeprefix("usage: ").partition("\n\n")
        lines = usage.split("\n")
        lines[1:] = [line[shift:] if line[:shift].isspace() else line for line in lines[1:]]
        return "\n".join(lines) + blank + rest

    def parse_args(  # type: ignore[override]  # (argparse's overloads: only the plain call is made)
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        """As argparse parses, but an argument no option takes is the
        command's error, not the whole program's: its usage is the one to see."""
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            commands = next(
                (a.choices for a in self._actions if isinstance(a, argparse._SubParsersAction)),
                {},
            )
            parser = commands.get(str(getattr(parsed, "command", "")), self)
            parser.error(f"unrecognized arguments: {' '.join(extras)}")
        return parsed

    def error(self, message: str) -> NoReturn:
        """argparse's error, for this parser and every command's (each is one
        of this class), in two lines: what is wrong, and where the usage is
        (argparse's own fifteen lines of usage buried the error)."""
        said = _argparse_said(message)
        helped = f"{self.prog} --help" + (" --lang zh" if self.lang == "zh" else "")
        self.exit(
            2,
            say("argparse.error", prog=self.prog, message=said).get(self.lang)
            + "\n"
            + say("argparse.see_help", command=helped).get(self.lang)
            + "\n",
        )


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout; Chinese help wrapped by the columns a terminal
    gives each character (two for a CJK one), between CJK characters but never
    before a closing or after an opening punctuation mark."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        if not re.search(_CJK, text):
            return super()._split_lines(text, width)
        return _wrapped(" ".join(text.split()), width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if not re.search(_CJK, text):
            return super()._fill_text(text, width, indent)
        return "\n".join(
            indent + line for line in _wrapped(" ".join(text.split()), width - len(indent))
        )


# Patterns, not compiled ones: compiling these character sets costs more than the
# rest of the module, and only help text and argparse's errors need them (`re`
# compiles each on first use and keeps it).
_CJK = "[\u3000-\u9fff\uff00-\uffef]"
_OPENING = r"(\[\u300a\u201c\u2018\u300c\u300e\u3010"
_CLOSING = r")\],.;:!?\u3001\u3002\u300b\u201d\u2019\u300d\u300f\u3011"
#: The pieces a line of Chinese help breaks between: a CJK character or a
#: word, each with the opening marks before it and the closing marks after it
#: (a line never ends with an opening mark or starts with a closing one), or spaces.
_PIECES = (
    rf"[{_OPENING}]*(?:[\u3000-\u9fff\uff00-\uffef]|[^\s\u3000-\u9fff\uff00-\uffef]+)[{_CLOSING}]*"
    r"|\s+"
)


def _wrapped(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns (a longer word alone on its line)."""
    lines: list[str] = []
    line = ""
    for piece in re.findall(_PIECES, text):
        if line and columns(line) + columns(piece) > width and not piece.isspace():
            lines.append(line.rstrip())
            line = ""
        if line or not piece.isspace():
            line += piece
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _argparse_said(message: str) -> Text:
    """One of argparse's error messages, said by the catalog (as it is, when
    the catalog has not got it)."""
    for pattern, id_ in _ARGPARSE_ERRORS:
        found = re.fullmatch(pattern, message)
        if found:
            params: dict[str, Any] = found.groupdict()
            if "message" in params:
                params["message"] = _argparse_said(params["message"])
            for listing in ("choices", "matches", "arguments"):  # (joined with ", ", if at all)
                if listing in params:
                    params[listing] = listed(params[listing].split(", "))
            return say(id_, **params)
    # Language, not data: a message the catalog lacks shows (in the tests) as English.
    return say("argparse.as_is", message=Text(message, message))


#: argparse's error messages, and the catalog's for each.
_ARGPARSE_ERRORS = (
    (r"unrecognized arguments: (?P<arguments>.*)", "argparse.unrecognized"),
    (r"the following arguments are required: (?P<arguments>.*)", "argparse.required"),
    (
        r"argument (?P<argument>\S+): invalid choice: (?P<choice>.*) "
        r"\(choose from (?P<choices>.*)\)",
        "argparse.choice",
    ),
    (r"argument (?P<argument>\S+): expected one argument", "argparse.one"),
    (r"argument (?P<argument>\S+): (?P<message>.*)", "argparse.argument"),
    (r"invalid int value: (?P<value>.*)", "argparse.not_an_integer"),
    (r"invalid (?P<type>\S+) value: (?P<value>.*)", "argparse.invalid_value"),
    (
        r"ambiguous option: (?P<option>\S+) could match (?P<matches>.*)",
        "argparse.ambiguous",
    ),
    (r"expected at most one argument", "argparse.at_most_one"),
    (r"expected at least one argument", "argparse.at_least_one"),
    (r"ignored explicit argument (?P<value>.*)", "argparse.ignored"),
    # (No command of qrules' has exclusive options, a fixed number of values
    # or a parser chosen by name yet: said in the catalog's words all the same.)
    (r"not allowed with argument (?P<argument>.*)", "argparse.not_allowed"),
    (r"one of the arguments (?P<arguments>.*) is required", "argparse.one_of"),
    (r"expected (?P<count>\d+) arguments?", "argparse.expected_count"),
    (r"unexpected option string: (?P<option>.*)", "argparse.unexpected_option"),
    (
        r"unknown parser (?P<name>.*) \(choices: (?P<choices>.*)\)",
        "argparse.unknown_parser",
    ),
)


def _terminal_width() -> int:
    """The width help is wrapped to, as argparse has it (`shutil.get_terminal_size`
    less 2): ``COLUMNS``, else the terminal's, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return (columns or 80) - 2


def _lang_of(argv: Sequence[str]) -> Lang:
    """The ``--lang`` the arguments ask for, before they are parsed: as
    argparse will read it, the last one given, none after ``--``."""
    lang: Lang = "en"
    for before, word in itertools.pairwise(["", *argv]):
        if word == "--":
            break
        option, equals, value = word.partition("=")
        given = value if equals and _is_lang(option) else word if _is_lang(before) else None
        if given in ("zh", "en"):
            lang = "zh" if given == "zh" else "en"
    return lang


def _is_lang(option: str) -> bool:
    """``--lang``, or a prefix of it argparse may take for it (``--l``, ``--la``,
    ``--lan``: where another option shares the prefix, argparse says it is
    ambiguous, in the language it most likely asks for)."""
    return len(option) >= len("--l") and "--lang".startswith(option)


def _parser(lang: Lang = "en") -> _Parser:  # noqa: PLR0915 (one statement per option or command: the whole command line in one place)
    """The command line, its help in ``lang`` (the catalog's ``help.`` messages)."""
    parser_class = type("_Parser", (_Parser,), {"lang": lang, "width": _terminal_width()})
    common = parser_class(add_help=False)
    # Before or after the command's name, as --debug: the command's own only when given.
    common.add_argument(
        "--lang", choices=("zh", "en"), default=argparse.SUPPRESS, help=common.said("help.lang")
    )

    selection = parser_class(add_help=False)
    selection.add_argument(
        "--rule", action="append", dest="rule_ids", metavar="ID", help=common.said("help.rule")
    )
    selection.add_argument(
        "--tag", action="append", dest="tags", metavar="TAG", help=common.said("help.tag")
    )
    selection.add_argument("--section", help=common.said("help.section"))
    selection.add_argument(
        "--responsible",
        metavar="BODY",
        help=common.said("help.responsible", example="市市场监管局"),
    )

    parser: _Parser = parser_class(prog="qrules", description=common.said("help.qrules"))
    said = parser.said
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser(
        "check",
        parents=[common, selection],
        help=said("help.check"),
        description=said("help.check.description"),
    )
    _add_judging(check)
    _add_shown(check)
    check.add_argument(
        "--by-responsible", action="store_true", help=said("help.check.by_responsible")
    )
    _add_output(check)
    check.add_argument("--decision-log", metavar="FILE", help=said("help.check.decision_log"))
    records_cli.add_arguments(check, lang)

    report = commands.add_parser(
        "report",
        parents=[common, selection],
        help=said("help.report"),
        description=said("help.report.description"),
    )
    _add_judging(report)
    report.add_argument(
        "--format",
        choices=("html", "markdown", "junit"),
        default="html",
        help=said("help.format.report"),
    )
    report.add_argument("-o", "--output", metavar="FILE", help=said("help.report.output"))
    records_cli.add_arguments(report, lang)

    listing = commands.add_parser(
        "list",
        parents=[common, selection],
        help=said("help.list"),
        description=said("help.list.description"),
    )
    listing.add_argument("rulebook", nargs="?", help=said("help.list.rulebook"))

    show = commands.add_parser(
        "show", parents=[common], help=said("help.show"), description=said("help.show.description")
    )
    show.add_argument("rulebook", help=said("help.rulebook"))
    show.add_argument("rule_id", metavar="RULE", help=said("help.show.rule"))

    export = commands.add_parser(
        "export",
        parents=[common, selection],
        help=said("help.export"),
        description=said("help.export.description"),
    )
    export.add_argument("rulebook", help=said("help.rulebook"))
    export.add_argument(
        "--format", choices=("json", "markdown"), default="json", help=said("help.format.export")
    )
    _add_output(export)

    validate = commands.add_parser(
        "validate",
        parents=[common],
        help=said("help.validate"),
        description=said("help.validate.description"),
    )
    validate.add_argument(
        "rulebooks", nargs="+", metavar="RULEBOOK", help=said("help.validate.rulebooks")
    )

    linting = commands.add_parser(
        "lint",
        parents=[common],
        help=said("help.lint"),
        description=said("help.lint.description"),
    )
    linting.add_argument("rulebook", help=said("help.rulebook"))
    linting.add_argument(
        "--format", choices=("text", "json"), default="text", help=said("help.format.text_json")
    )
    _add_output(linting)

    differ = commands.add_parser(
        "diff",
        parents=[common],
        help=said("help.diff"),
        description=said("help.diff.description"),
    )
    differ.add_argument("old", help=said("help.old"))
    differ.add_argument("new", help=said("help.new"))
    differ.add_argument(
        "--format",
        choices=("text", "json", "markdown"),
        default="text",
        help=said("help.format.diff"),
    )
    _add_output(differ)

    changelog = commands.add_parser(
        "changelog",
        parents=[common],
        help=said("help.changelog"),
        description=said("help.changelog.description"),
    )
    changelog.add_argument("old", help=said("help.old"))
    changelog.add_argument("new", help=said("help.new"))
    changelog.add_argument(
        "--date",
        type=functools.partial(_iso_date, lang),
        metavar="YYYY-MM-DD",
        help=said("help.changelog.date"),
    )
    _add_output(changelog)

    _add_audit_commands(commands, common)
    _add_measure_commands(commands, common, selection)

    schema = commands.add_parser(
        "schema",
        parents=[common],
        help=said("help.schema"),
        description=said("help.schema.description"),
    )
    schema.add_argument("--path", action="store_true", help=said("help.schema.path"))

    _add_anywhere(parser, commands)
    return parser


def _add_anywhere(parser: _Parser, commands: Any) -> None:
    """--lang and --debug, before or after the command's name (each command's
    own --lang is in its parents)."""
    parser.add_argument("--lang", choices=("zh", "en"), default="en", help=parser.said("help.lang"))
    debug = parser.said("help.debug")
    parser.add_argument("--debug", action="store_true", help=debug)
    for command in commands.choices.values():  # before or after the command's name
        command.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=debug)


def _add_measure_commands(commands: Any, common: _Parser, selection: _Parser) -> None:
    """``measures`` and ``template``: what a rulebook asks to be reported."""
    said = common.said
    measures = commands.add_parser(
        "measures",
        parents=[common, selection],
        help=said("help.measures"),
        description=said("help.measures.description"),
    )
    measures.add_argument("rulebook", help=said("help.rulebook"))
    _add_output(measures)

    template = commands.add_parser(
        "template",
        parents=[common, selection],
        help=said("help.template"),
        description=said("help.template.description"),
    )
    template.add_argument("rulebook", help=said("help.rulebook"))
    template.add_argument(
        "--format", choices=("csv", "xlsx"), default=None, help=said("help.template.format")
    )
    template.add_argument(
        "--layout", choices=("long", "wide"), default="long", help=said("help.template.layout")
    )
    template.add_argument(
        "--years",
        metavar="FIRST-LAST",
        type=functools.partial(_years, common.lang),
        help=said("help.template.years"),
    )
    template.add_argument(
        "--district",
        action="append",
        dest="districts",
        metavar="NAME",
        help=said("help.template.district"),
    )
    _add_output(template)
    template.add_argument("--force", action="store_true", help=said("help.template.force"))


def _add_audit_commands(commands: Any, common: _Parser) -> None:
    """``audit`` (a decision log) and ``coverage`` (a saved rule coverage report)."""
    said = common.said
    auditing = commands.add_parser(
        "audit",
        parents=[common],
        help=said("help.audit"),
        description=said("help.audit.description"),
    )
    auditing.add_argument("log", metavar="FILE", help=said("help.audit.log"))
    auditing.add_argument("--rulebook", metavar="RULEBOOK", help=said("help.audit.rulebook"))
    auditing.add_argument("--head", metavar="DIGEST", help=said("help.audit.head"))
    auditing.add_argument(
        "--format", choices=("text", "json"), default="text", help=said("help.format.text_json")
    )
    _add_output(auditing)

    covering = commands.add_parser(
        "coverage",
        parents=[common],
        help=said("help.coverage"),
        description=said("help.coverage.description"),
    )
    covering.add_argument("report", metavar="FILE.json", help=said("help.coverage.report"))
    covering.add_argument(
        "--format",
        choices=("table", "markdown", "html", "json"),
        default="table",
        help=said("help.format.coverage"),
    )
    covering.add_argument("--fail-under", metavar="PERCENT", help=said("help.coverage.fail_under"))
    _add_output(covering)


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run the command line; returns the exit code."""
    if argv is None:
        # Run as the program: what the start-up made (modules, classes, the
        # catalog) lives as long as the process, so the collector need not look
        # through it again (a quicker start and exit; a caller's own objects
        # are left alone when it passes its arguments).
        gc.freeze()
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    parser = _parser(_lang_of(sys.argv[1:] if argv is None else argv))
    try:
        # argparse writes its usage errors and help to the process's streams.
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    args.stderr = err
    lang: Lang = args.lang
    args.inputs = []  # the rulebook folders read, that -o must not write into
    try:
        _refuse_nul(argv)
        _check_output(args)
        return _COMMANDS[args.command](args, out)
    except QRulesError as error:
        print(say("cli.error").get(lang) + error.render(lang), file=err)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130  # as a shell reports a command stopped by Ctrl-C
    except MemoryError:
        print(say("cli.out_of_memory").get(lang), file=err)
        return EXIT_BAD_INPUT
    except OSError as error:
        # The environment's failures that no reading point translated: still the
        # input's or the machine's, not a bug.
        print(say("cli.error").get(lang) + os_error(error).render(lang), file=err)
        return EXIT_BAD_INPUT
    except Exception as error:  # anything else is a bug, and said to be one
        print(_bug(error, args, lang), file=err)
        return EXIT_BUG


def _refuse_nul(argv: Sequence[str] | None) -> None:
    """A usage error for an argument holding a NUL character: no command line
    can pass one, but `main` called in a program can, and a path holding one
    made the system's calls raise `ValueError` (an exit 3, a bug)."""
    for value in argv or ():
        if "\0" in value:
            raise _usage(say("nul.argument", value=value))


def _bug(error: Exception, args: argparse.Namespace, lang: Lang) -> str:
    what = f"{type(error).__name__}: {str(error).strip()[:300]}"
    if args.debug:
        import traceback  # noqa: PLC0415 (only a bug needs it)

        return (
            "".join(traceback.format_exception(error)).rstrip()
            + "\n"
            + say("cli.bug_debug", what=what).get(lang)
        )
    return say("cli.bug", what=what).get(lang)


def _read(rulebook: Rulebook, args: argparse.Namespace) -> Rulebook:
    """The rulebook, its folder noted as an input that -o must not write into."""
    args.inputs.append(Path(rulebook.path))
    return rulebook


def _select(rulebook: Rulebook, args: argparse.Namespace) -> tuple[Rule, ...]:
    """The rules ``--rule``, ``--tag``, ``--section`` and ``--responsible`` choose; a
    choice that matches no rule is an error naming the closest choices, never an
    empty table."""
    chosen = rulebook.select(
        ids=args.rule_ids, tags=args.tags, section=args.section, responsible=args.responsible
    )
    if chosen or not (
        args.rule_ids or args.tags or args.section is not None or args.responsible is not None
    ):
        return chosen
    raise _usage(_nothing_selected(rulebook, args.tags, args.section, args.responsible is not None))


def _nothing_selected(
    rulebook: Rulebook, tags: list[str] | None, section: str | None, responsible: bool = False
) -> Text:
    """Why ``--tag``/``--section`` chose no rule: the choice no rule has, with the
    closest ones the rulebook does have."""
    known_tags = sorted({tag for rule in rulebook for tag in rule.tags})
    sections = list(dict.fromkeys(rule.section for rule in rulebook))
    where = (
        say("cli.rulebook", rulebook=rulebook.id)
        if rulebook.as_of is None
        else say("cli.rulebook_as_of", rulebook=rulebook.id, as_of=str(rulebook.as_of))
    )
    if tags and not any(tag in known_tags for tag in tags):
        close = suggestion(tags[0], known_tags)
        return say(
            "cli.no_tag",
            where=where,
            tags=joined(tuple(say("cli.tag", tag=tag) for tag in tags), say("cli.or")),
            close=say("cli.close", close=close) if close else "",
            listed=listed(known_tags) if known_tags else say("cli.none"),
        )
    if section is not None and not any(s.startswith(section) for s in sections):
        close = suggestion(section, sections)
        shown = "; ".join(sections[:10]) + ("…" if len(sections) > 10 else "")
        return say(
            "cli.no_section",
            where=where,
            section=section,
            close=say("cli.close", close=close) if close else "",
            listed=shown,
        )
    options = ["--rule", "--tag", "--section", *(["--responsible"] if responsible else [])]
    return say(
        "cli.nothing_together",
        where=where,
        options=listed(options[:-1]),
        last=options[-1],
    )


def _add_shown(command: _Parser) -> None:
    """What check shows: its format, and which results (``--only``)."""
    command.add_argument(
        "--format",
        choices=("table", "json", "markdown", "junit"),
        default="table",
        help=command.said("help.format.check"),
    )
    command.add_argument(
        "--only",
        choices=tuple(_ONLY),
        metavar="{failures,not-met,unknown}",
        help=command.said("help.check.only"),
    )


def _add_output(command: _Parser) -> None:
    command.add_argument("-o", "--output", metavar="FILE", help=command.said("help.output"))


def _write(text: str, args: argparse.Namespace, out: TextIO) -> None:
    """To ``-o FILE``, or to standard output (no ``-o``, or ``-o -``)."""
    output = getattr(args, "output", None)
    if output and output != "-":
        path = Path(output)
        _refuse_input(path, args.inputs)  # the rulebooks' folders, known once loaded
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError as error:
            raise OutputError(_unwritable(error, say("data.value", value=output))) from None
        with writing(path):
            write_file(path, data)
    else:
        try:
            write_stream(out, text)  # (whole, even if the process is stopped and continued)
        except BrokenPipeError:
            pass  # the reader stopped reading (qrules check … | head): nothing to say
        except UnicodeEncodeError as error:
            raise OutputError(
                say(
                    "cli.unwritable_stdout",
                    unwritable=_unwritable(error, say("cli.standard_output")),
                    encoding=error.encoding,
                )
            ) from None


def _unwritable(error: UnicodeEncodeError, where: Text) -> Text:
    character = error.object[error.start]
    return say("cli.unwritable", character=f"U+{ord(character):04X}", where=where)


def _output_path(args: argparse.Namespace) -> Path | None:
    output = getattr(args, "output", None)
    return None if not output or output == "-" else Path(output)


def _check_output(args: argparse.Namespace) -> None:
    """Before any work: ``-o FILE`` must name a file in a folder that exists,
    and neither ``-o FILE`` nor ``--decision-log FILE`` one of the inputs
    (which it would overwrite, or append to). The system refusing to look
    at one (a name too long, a loop of links) is an error writing it."""
    log = getattr(args, "decision_log", None)
    if log:
        _refuse_input(Path(log), _named_inputs(args), "--decision-log")
    path = _output_path(args)
    if path is not None:
        with writing(path):
            _check_output_path(path, args, log)


def _check_output_path(path: Path, args: argparse.Namespace, log: str | None) -> None:
    if path.is_dir():
        raise OutputError(say("cli.output_folder", path=str(path)))
    folder = path.parent
    if not folder.is_dir():
        if folder.is_symlink():
            folder.stat()  # (the system says why: a loop of links, or a link to nothing)
        raise OutputError(say("cli.output_no_folder", path=str(path), folder=str(folder)))
    _refuse_input(path, _named_inputs(args))
    if log and _resolved(Path(log)) == _resolved(path):  # perhaps not written yet
        raise OutputError(say("cli.output_log", path=str(path)))


def _named_inputs(args: argparse.Namespace) -> list[Path]:
    """The files and folders the command line names as inputs."""
    inputs = [
        getattr(args, name, None)
        for name in ("data", "register", "log", "mapping", "rulebook", "old", "new", "report")
    ]
    inputs += getattr(args, "rulebooks", None) or []
    database = getattr(args, "database", None)
    if database and database.startswith(("duckdb:", "sqlite:")):
        inputs.append(database.split("://", 1)[-1].removeprefix("/").split("?")[0])
    register = getattr(args, "register", None)
    if register and register.startswith(("duckdb:", "sqlite:")):
        inputs.append(register.split("://", 1)[-1].removeprefix("/").split("?")[0])
    return [Path(i) for i in inputs if isinstance(i, str) and i]


def _resolved(path: Path) -> Path:
    """``path`` with its links followed (`os.path.realpath`: a loop of links
    is left as it is, where Python 3.11's `Path.resolve` raises a
    `RuntimeError`, not an `OSError`)."""
    return Path(os.path.realpath(path))


def _refuse_input(path: Path, inputs: Sequence[Path], option: str = "-o") -> None:
    """An `OutputError` when ``path`` is one of ``inputs`` or inside one (a
    folder), or when the system will not look at ``path`` (a name too long)."""
    with writing(path):
        target = _resolved(path)
        present = target.exists()
    for given in inputs:
        try:
            if not given.exists():
                continue
            source = _resolved(given)
            same = present and os.path.samefile(target, source)
            inside = source.is_dir() and target.is_relative_to(source)
        except OSError:  # an input the system will not look at: its reader says so
            continue
        if same or inside:
            raise OutputError(
                say("cli.overwrite_input", option=option, path=str(path), given=str(given))
            )


#: The options that say how to read the figures file.
_SHEET_OPTIONS = ("sheet", "header_row", "layout", "year")


def _dataset(rulebook: Rulebook, args: argparse.Namespace) -> Dataset | None:
    source = _dataset_path(rulebook, args)
    if source is None:
        return None
    reading = {o: getattr(args, o) for o in _SHEET_OPTIONS}
    # --encoding serves every CSV input: the figures file takes it when it is one.
    encoding = args.encoding if source_kind(source) == "csv" else None
    return read_dataset(
        source,
        rulebook,
        mapping=records_cli.mapping_file(args, rulebook),
        encoding=encoding,
        **reading,
    )


def _dataset_path(rulebook: Rulebook, args: argparse.Namespace) -> Path | str | None:
    """The dataset file the arguments name (a sample's, or the one given), or
    the database URL given (``duckdb:///figures.db?table=…``, kept as it is:
    a path would make ``duckdb:/figures.db`` of it)."""
    if args.sample is not None:
        if args.data:
            raise _usage(say("cli.dataset_or_sample"))
        samples = [p for p in sample_files(rulebook) if p.suffix in (".csv", ".json")]
        wanted = args.sample
        chosen = [p for p in samples if wanted in (p.stem, p.name)] if wanted else samples
        if len(chosen) != 1:
            names = listed(p.stem for p in samples) if samples else say("cli.none")
            raise _usage(say("cli.samples", rulebook=rulebook.id, names=names))
        return chosen[0]
    if args.data:
        return args.data if source_kind(args.data) == "database" else Path(args.data)
    given = [f"--{o.replace('_', '-')}" for o in _SHEET_OPTIONS if getattr(args, o) is not None]
    if given:
        raise _usage(
            say(
                "cli.sheet_options" if len(given) > 1 else "cli.sheet_option",
                options=listed(given),
            )
        )
    if records_cli.wants_records(args):
        return None
    raise _usage(say("cli.give_data"))


def _check_encoding(args: argparse.Namespace) -> None:
    """--encoding given when no input is a CSV file is an error, not ignored."""
    if args.encoding is None:
        return
    inputs = [args.data, args.register, args.log]
    if args.sample is not None or any(
        i is not None and (i == "sample" or i.startswith("sample:") or source_kind(i) == "csv")
        for i in inputs
    ):
        return
    raise _usage(say("cli.encoding"))


class _UsageError(QRulesError, ValueError):
    pass


def _usage(message: Text) -> _UsageError:
    return _UsageError(message)


def _add_judging(command: _Parser) -> None:
    """The arguments that say what to judge, shared by check and report."""
    said = command.said
    command.add_argument("rulebook", help=said("help.rulebook"))
    command.add_argument("data", nargs="?", help=said("help.data"))
    command.add_argument("--sample", nargs="?", const="", metavar="NAME", help=said("help.sample"))
    command.add_argument(
        "--as-of",
        type=functools.partial(_iso_date, command.lang),
        metavar="YYYY-MM-DD",
        help=said("help.as_of"),
    )
    command.add_argument("--strict", action="store_true", help=said("help.strict"))
    sheet = command.add_argument_group(
        said("help.figures_file"), said("help.figures_file.description")
    )
    sheet.add_argument("--sheet", metavar="NAME", help=said("help.sheet"))
    sheet.add_argument("--header-row", type=int, metavar="N", help=said("help.header_row"))
    sheet.add_argument("--layout", choices=("long", "wide"), help=said("help.layout"))
    sheet.add_argument("--year", type=int, metavar="YYYY", help=said("help.year"))


def _years(lang: Lang, text: str) -> range:
    """``--years FIRST-LAST``; its error in ``lang`` (argparse says it as it is)."""
    first, _, last = text.partition("-")
    try:
        years = range(int(first), int(last or first) + 1)
    except ValueError:
        raise argparse.ArgumentTypeError(say("cli.years", text=text).get(lang)) from None
    if not years or years.start < 1900 or years.stop > 2201:
        raise argparse.ArgumentTypeError(say("cli.years", text=text).get(lang))
    return years


def _iso_date(lang: Lang, text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(say("cli.date", text=text).get(lang)) from None


def _judge(args: argparse.Namespace) -> tuple[Evaluation, Dataset | None, tuple[Rule, ...]]:
    """Judge what the arguments name (check and report): the evaluation, the
    dataset of reported figures (if any) and the rules chosen."""
    rulebook = _read(load(args.rulebook, as_of=args.as_of), args)
    rules = _select(rulebook, args)
    _check_encoding(args)
    dataset = _dataset(rulebook, args)
    records = records_cli.records_evaluation(rulebook, rules, args, args.stderr)
    evaluation: Evaluation
    if dataset is None:
        assert records is not None
        evaluation = records
    else:
        evaluation = rulebook.evaluate(dataset, rules=rules, strict=args.strict)
        if records is not None:
            evaluation = merge(evaluation, records)
            if args.strict:
                _refuse_disagreements(evaluation)
    return evaluation, dataset, rules


#: ``--only``: the verdicts shown, and how the note names them.
_ONLY = {
    "failures": ((Verdict.NOT_MET, Verdict.UNKNOWN), "cli.only_failures"),
    "not-met": ((Verdict.NOT_MET,), "cli.only_not_met"),
    "unknown": ((Verdict.UNKNOWN,), "cli.only_unknown"),
}


def _only(evaluation: Evaluation, only: str | None) -> Evaluation:
    """The evaluation with only the results ``--only`` asks for, saying so."""
    if only is None:
        return evaluation
    verdicts, words = _ONLY[only]
    shown = tuple(r for r in evaluation.results if r.verdict in verdicts)
    hidden = len(evaluation.results) - len(shown)
    note = say(
        "cli.only",
        words=say(words),
        only=f"--only {only}",
        hidden=hidden,
        s="s" if hidden != 1 else "",
    )
    return attrs.evolve(evaluation, results=shown, notes=(*evaluation.notes, note))


def _refuse_disagreements(evaluation: Evaluation) -> None:
    """``--strict``: figures and records that disagree are an error, not two results."""
    problems = [
        Problem(
            evaluation.dataset,
            say(
                "cli.disagreement",
                rule=r.rule.id,
                when=r.when,
                district=say("cli.district", district=r.district) if r.district else "",
                verdict=r.verdict.said(),
                observed=""
                if r.observed is None
                else say("cli.observed", observed=format_short(r.observed)),
                disagreement=r.disagreement,
            ),
            hint=say("cli.disagreement_hint"),
        )
        for r in evaluation.results
        if r.source == "figures" and r.disagreement is not None
    ]
    if problems:
        raise DataError(evaluation.dataset, problems)


def _check(args: argparse.Namespace, out: TextIO) -> int:
    if args.by_responsible and args.format not in ("table", "json"):
        raise _usage(say("cli.by_responsible"))
    judged, _, _ = _judge(args)
    if args.decision_log:
        from ._decisions import append_decisions  # noqa: PLC0415 (a subcommand's module, imported when used: a quick start)

        data = _dataset_path(judged.rulebook, args)
        # The rulebook's folder and a --sample dataset are known only now.
        _refuse_input(
            Path(args.decision_log),
            [*args.inputs, *([data] if isinstance(data, Path) else [])],
            "--decision-log",
        )
        engine, sources = records_cli.logged_inputs(judged.rulebook, args)
        if data is not None:
            sources.insert(0, records_cli.source_digest(data, "dataset"))
        rows = {"dataset": judged.rows_read} | {t.kind: t.rows_read for t in judged.records}
        append_decisions(
            args.decision_log,
            judged,
            engine=engine,
            sources=[attrs.evolve(s, rows=rows.get(s.kind)) for s in sources],
        )
    lang: Lang = args.lang
    if args.by_responsible:
        by = _report.responsible_json if args.format == "json" else _report.responsible_table
        _write(by(judged, lang), args, out)
        return EXIT_OK if judged.ok else EXIT_FAILED
    evaluation = _only(judged, args.only)
    render = {
        "table": _report.evaluation_table,
        "json": _report.evaluation_json,
        "markdown": _report.evaluation_markdown,
        "junit": _report.evaluation_junit,
    }[args.format]
    _write(render(evaluation, lang), args, out)
    return EXIT_OK if judged.ok else EXIT_FAILED


def _report_command(args: argparse.Namespace, out: TextIO) -> int:
    if args.format == "html" and not args.output:
        raise _usage(say("cli.html_output"))
    from ._trend import trends, trends_markdown  # noqa: PLC0415 (only reports need them)

    evaluation, dataset, rules = _judge(args)
    lang: Lang = args.lang
    found = () if dataset is None else trends(evaluation.rulebook, dataset, rules)
    if args.format == "html":
        from ._html import evaluation_html  # noqa: PLC0415

        text = evaluation_html(evaluation, lang, found)
    elif args.format == "markdown":
        section = trends_markdown(found, lang)
        text = _report.evaluation_markdown(evaluation, lang) + (f"\n{section}" if section else "")
    else:
        text = _report.evaluation_junit(evaluation, lang)
    _write(text, args, out)
    return EXIT_OK


def _list(args: argparse.Namespace, out: TextIO) -> int:
    if args.rulebook is None:
        given = [
            option
            for option, value in (
                ("--rule", args.rule_ids),
                ("--tag", args.tags),
                ("--section", args.section),
                ("--responsible", args.responsible),
            )
            if value  # (a selection without a rulebook selects in none)
        ]
        if given:
            raise _usage(
                say(
                    "cli.list_needs_rulebook",
                    options=listed(given),
                    first=given[0],
                    s="s" if len(given) == 1 else "",
                )
            )
        lines = []
        for name in rulebook_names():
            rulebook = load(name)
            lines.append(
                say(
                    "cli.listed",
                    name=name,
                    version=rulebook.version,
                    rules=len(rulebook),
                    title=rulebook.title,
                ).get(args.lang)
                + "\n"
            )
        _write("".join(lines), args, out)
        return EXIT_OK
    rulebook = load(args.rulebook)
    _write(_report.rules_table(_select(rulebook, args), args.lang), args, out)
    return EXIT_OK


def _show(args: argparse.Namespace, out: TextIO) -> int:
    rulebook = load(args.rulebook)
    if args.rule_id not in rulebook and not suggestion(args.rule_id, [r.id for r in rulebook]):
        # (No close id to name: say where the ids are.)
        listing = say("cli.show_listing", rulebook=args.rulebook)
        raise _usage(
            say(
                "model.no_rule",
                rule=args.rule_id,
                rulebook=rulebook.id,
                close=say("cli.close", close=listing),
            )
        )
    _write(_report.rule_details(rulebook[args.rule_id], args.lang), args, out)
    return EXIT_OK


def _export(args: argparse.Namespace, out: TextIO) -> int:
    rulebook = _read(load(args.rulebook), args)
    render = _report.rulebook_json if args.format == "json" else _report.rulebook_markdown
    _write(render(rulebook, _select(rulebook, args)), args, out)
    return EXIT_OK


def _validate(args: argparse.Namespace, out: TextIO) -> int:
    failed = False
    for source in args.rulebooks:
        try:
            rulebook = load(source)
        except QRulesError as error:
            failed = True
            _write(f"{error.render(args.lang)}\n", args, out)
        else:
            _write(
                say(
                    "cli.valid",
                    source=source,
                    rules=len(rulebook),
                    measures=len(rulebook.measures),
                    fingerprint=rulebook.fingerprint[:12],
                ).get(args.lang)
                + "\n"
                + _beyond_quotes(rulebook, args.lang),
                args,
                out,
            )
    return EXIT_BAD_INPUT if failed else EXIT_OK


def _beyond_quotes(rulebook: Rulebook, lang: Lang) -> str:
    """The rules whose target is not written in their quote, for a reviewer."""
    from ._quotes import reads_beyond_quote  # noqa: PLC0415 (a subcommand's module, imported when used: a quick start)

    beyond = [rule for rule in rulebook if reads_beyond_quote(rule)]
    if not beyond:
        return ""
    head = (
        say("cli.beyond_quotes", count=len(beyond), s="s" if len(beyond) != 1 else "").get(lang)
        + "\n"
    )
    return head + "".join(
        data(f"    {rule.id}: {rule.requirement.text} ← {_report.one_line(rule.source.quote)}")
        + "\n"
        for rule in beyond
    )


def _lint(args: argparse.Namespace, out: TextIO) -> int:
    from ._lint import blocking, lint, lint_json, lint_text  # noqa: PLC0415 (a subcommand's module, imported when used: a quick start)

    rulebook = _read(load(args.rulebook), args)
    findings = lint(rulebook)
    render = lint_json if args.format == "json" else lint_text
    _write(render(rulebook, findings, args.lang), args, out)
    return EXIT_FAILED if blocking(findings) else EXIT_OK


def _load_version(spec: str, keep: ExitStack) -> Rulebook:
    """A rulebook by name or folder, or ``REV:PATH``: the folder at a git revision."""
    import tempfile  # noqa: PLC0415 (seldom needed, and slow to import)

    from ._git import RevisionError, split_revision, write_tree  # noqa: PLC0415 (a subcommand's module, imported when used: a quick start)

    split = split_revision(spec)
    if split is None:
        return load(spec)
    revision, path = split
    folder = Path(keep.enter_context(tempfile.TemporaryDirectory(prefix="qrules-")))
    try:
        copy = write_tree(revision, path, folder)
    except RevisionError as error:
        raise _usage(
            say("cli.revision", path=path, revision=revision, error=error.said or str(error))
        ) from None
    try:
        rulebook = load(copy)
    except RulebookError as error:  # named by the revision, not the temporary folder
        raise RulebookError(spec, error.problems) from None
    except RulebookNotFoundError:
        raise RulebookNotFoundError(say("load.no_plan", folder=spec, plan="plan.toml")) from None
    # A copy of a shipped rulebook is named by where it came from, not its temporary folder.
    return rulebook if rulebook.origin is None else attrs.evolve(rulebook, origin=spec)


def _diff(args: argparse.Namespace, out: TextIO) -> int:
    from ._diff import diff_dict, diff_markdown, diff_rulebooks, diff_text  # noqa: PLC0415 (a subcommand's module, imported when used: a quick start)

    with ExitStack() as keep:
        result = diff_rulebooks(
            _read(_load_version(args.old, keep), args), _read(_load_version(args.new, keep), args)
        )
    if args.format == "json":
        text = json.dumps(diff_dict(result, args.lang), ensure_ascii=False, indent=2) + "\n"
    else:
        text = (diff_markdown if args.format == "markdown" else diff_text)(result, args.lang)
    _write(text, args, out)
    return EXIT_FAILED if result.changed else EXIT_OK


def _changelog(args: argparse.Namespace, out: TextIO) -> int:
    from ._diff import (  # noqa: PLC0415 (a subcommand's module, imported when used)
        changelog_section,
        diff_rulebooks,
        required_version,
        version_follows,
    )

    with ExitStack() as keep:
        result = diff_rulebooks(
            _read(_load_version(args.old, keep), args), _read(_load_version(args.new, keep), args)
        )
    if not version_follows(result):
        # A section headed by a version too small for its changes would be a wrong
        # record: say so, as `qrules diff` does, and write nothing.
        needed = required_version(result.old.version, result.bump)
        raise _usage(
            say(
                "cli.version_too_small",
                new=result.new.version,
                old=result.old.version,
                bump=result.bump.label,
                needed=needed,
            )
        )
    date = None if args.date is None else args.date.isoformat()
    _write(changelog_section(result, date, args.lang), args, out)
    return EXIT_OK


def _audit(args: argparse.Namespace, out: TextIO) -> int:
    from ._decisions import audit_json, audit_log, audit_text  # noqa: PLC0415 (a subcommand's module, imported when used: a quick start)

    with ExitStack() as keep:
        named = None if args.rulebook is None else _load_version(args.rulebook, keep)
        shipped: dict[str, Rulebook] = {}

        def resolve(
            rulebook_id: str, version: str, fingerprint: str, as_of: dt.date | None
        ) -> Rulebook | None:
            book = named
            if book is None:
                if not shipped:
                    shipped.update((b.fingerprint, b) for b in map(load, rulebook_names()))
                book = shipped.get(fingerprint)
            if book is None or as_of is None:
                return book
            return book.in_force(as_of)

        audit = audit_log(args.log, resolve, head=args.head)
    text = audit_json(audit) if args.format == "json" else audit_text(audit, args.lang)
    _write(text, args, out)
    return EXIT_OK if audit.clean else EXIT_FAILED


def _coverage(args: argparse.Namespace, out: TextIO) -> int:
    from ._coverage import (  # noqa: PLC0415 (a subcommand's module, imported when used)
        coverage_html,
        coverage_json,
        coverage_markdown,
        coverage_table,
        parse_threshold,
        read_coverage,
    )

    path = Path(args.report)
    if irregular(path):  # a FIFO is never waited on, /dev/zero never read
        raise _usage(
            say("cli.coverage_unreadable", path=str(path), error=say("tabular.not_regular"))
        )
    try:
        if path.stat().st_size > MAX_COVERAGE_REPORT_BYTES:
            raise _usage(
                say("cli.coverage_too_large", path=str(path), limit=MAX_COVERAGE_REPORT_BYTES)
            )
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = (
            os_reason(error)
            if isinstance(error, OSError)
            else say("tabular.not_encoding", encoding="UTF-8", byte=error.start)
        )
        raise _usage(say("cli.coverage_unreadable", path=str(path), error=reason)) from None
    report = read_coverage(text, str(path))
    threshold = parse_threshold(args.fail_under or "100")
    lang: Lang = args.lang
    if args.format == "json":
        text = coverage_json(report)
    else:
        text = {"table": coverage_table, "markdown": coverage_markdown, "html": coverage_html}[
            args.format
        ](report, lang)
    _write(text, args, out)
    return EXIT_OK if report.under(threshold) is None else EXIT_FAILED


def _measures(args: argparse.Namespace, out: TextIO) -> int:
    from ._measures import measures_text  # noqa: PLC0415 (a subcommand's module, imported when used: a quick start)

    rulebook = load(args.rulebook)
    chosen = None if not (args.rule_ids or args.tags or args.section) else _select(rulebook, args)
    _write(measures_text(rulebook, chosen, args.lang), args, out)
    return EXIT_OK


def _template(args: argparse.Namespace, out: TextIO) -> int:
    from ._measures import template_rows, write_template  # noqa: PLC0415 (a subcommand's module, imported when used: a quick start)

    rulebook = load(args.rulebook)
    output = None if args.output in (None, "-") else Path(args.output)
    if args.format is None:  # told by -o's name (.xlsx, .xlsm), else CSV
        xlsx = output is not None and output.suffix.lower() in (".xlsx", ".xlsm")
        args.format = "xlsx" if xlsx else "csv"
    if args.format == "xlsx" and output is None:
        raise _usage(say("cli.xlsx_template"))
    suffixes = (".xlsx", ".xlsm") if args.format == "xlsx" else (".csv", ".tsv", ".txt")
    if output is not None and output.suffix.lower() not in suffixes:
        # A template qrules could not read back (an .xlsx file named .csv).
        raise _usage(say("cli.template_suffix", output=str(output), format=args.format))
    if output is not None and output.exists() and not args.force:
        # (Perhaps the figures someone filled in: never replaced unasked.)
        raise OutputError(say("cli.template_exists", output=str(output)))
    rows = template_rows(
        rulebook,
        _select(rulebook, args),
        layout=args.layout,
        years=args.years,
        districts=args.districts or (),
    )
    with writing(output) if output is not None else contextlib.nullcontext():
        text = write_template(rows, args.format, output)
    if text is not None:
        write_stream(out, text)
    else:
        count = len(rows) - 1
        out.write(
            say("cli.template_written", output=str(output), count=count).get(args.lang) + "\n"
        )
    return EXIT_OK


def _schema(args: argparse.Namespace, out: TextIO) -> int:
    folder = Path(__file__).parent / "schema"
    if args.path:
        _write(f"{folder}\n", args, out)
    else:
        _write("".join(f"{path}\n" for path in sorted(folder.glob("*.schema.json"))), args, out)
    return EXIT_OK


_COMMANDS = {
    "check": _check,
    "report": _report_command,
    "list": _list,
    "show": _show,
    "export": _export,
    "validate": _validate,
    "lint": _lint,
    "diff": _diff,
    "changelog": _changelog,
    "measures": _measures,
    "template": _template,
    "schema": _schema,
    "audit": _audit,
    "coverage": _coverage,
}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
