"""The ``qrules`` command.

Exit codes: 0 when every rule checked is met (or a command succeeded), 1 when
any is not met or unknown, 2 on bad input (a rulebook or dataset with
problems, an unknown name, a bad option).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from . import _report
from ._data import Dataset, read_dataset
from ._errors import QRulesError
from ._evaluate import Evaluation
from ._load import load, rulebook_names
from ._model import Lang, Rule, Rulebook

__all__ = ["main"]

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=("zh", "en"), default="en",
                        help="language of titles and messages (default: en)")

    selection = argparse.ArgumentParser(add_help=False)
    selection.add_argument("--rule", action="append", dest="rule_ids", metavar="ID",
                           help="only this rule (repeatable)")
    selection.add_argument("--tag", action="append", dest="tags", metavar="TAG",
                           help="only rules with this tag (repeatable)")
    selection.add_argument("--section", help="only rules whose section starts with this")

    parser = argparse.ArgumentParser(
        prog="qrules",
        description="Check reported figures against the rules of a published plan.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser(
        "check", parents=[common, selection], help="judge a dataset against a rulebook",
        description="Judge reported figures against a rulebook. Exit 0 when every rule is "
                    "met, 1 when any is not met or unknown, 2 on bad input.")
    check.add_argument("rulebook", help="a shipped rulebook's name or a rulebook folder")
    check.add_argument("data", nargs="?", help="a dataset file (.csv or .json)")
    check.add_argument("--sample", nargs="?", const="", metavar="NAME",
                       help="use a sample dataset that ships with the rulebook")
    check.add_argument("--format", choices=("table", "json", "markdown", "junit"),
                       default="table")
    check.add_argument("-o", "--output", metavar="FILE", help="write to FILE, not stdout")

    listing = commands.add_parser("list", parents=[common, selection],
                                  help="list shipped rulebooks, or a rulebook's rules")
    listing.add_argument("rulebook", nargs="?")

    show = commands.add_parser("show", parents=[common], help="show one rule with its source")
    show.add_argument("rulebook")
    show.add_argument("rule_id", metavar="RULE")

    export = commands.add_parser("export", parents=[common, selection],
                                 help="export a rulebook as JSON")
    export.add_argument("rulebook")
    export.add_argument("--format", choices=("json", "markdown"), default="json")
    export.add_argument("-o", "--output", metavar="FILE")

    validate = commands.add_parser("validate", parents=[common],
                                   help="check rulebook folders and report every problem")
    validate.add_argument("rulebooks", nargs="+", metavar="RULEBOOK")

    schema = commands.add_parser("schema", help="where the JSON Schemas for rule files are")
    schema.add_argument("--path", action="store_true", help="print only the folder")
    return parser


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:
    """Run the command line; returns the exit code."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        return _COMMANDS[args.command](args, out)
    except QRulesError as error:
        print(f"qrules: {error}", file=err)
        return EXIT_BAD_INPUT


def _select(rulebook: Rulebook, args: argparse.Namespace) -> tuple[Rule, ...]:
    ids = args.rule_ids
    if ids:
        for rule_id in ids:
            rulebook[rule_id]  # raises a clear error for an unknown id
    return rulebook.select(ids=ids, tags=args.tags, section=args.section)


def _write(text: str, args: argparse.Namespace, out: TextIO) -> None:
    if getattr(args, "output", None):
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        out.write(text)


def _dataset(rulebook: Rulebook, args: argparse.Namespace) -> Dataset:
    if args.sample is not None:
        if args.data:
            raise _usage("give a dataset or --sample, not both")
        samples = sorted(p for p in (Path(rulebook.path) / "samples").glob("*")
                         if p.suffix in (".csv", ".json"))
        wanted = args.sample
        chosen = [p for p in samples if wanted in (p.stem, p.name)] if wanted else samples
        if len(chosen) != 1:
            names = ", ".join(p.stem for p in samples) or "none"
            raise _usage(f"rulebook {rulebook.id!r} has these samples: {names}; "
                         "name one with --sample NAME")
        return read_dataset(chosen[0], rulebook)
    if not args.data:
        raise _usage("give a dataset file, or --sample for the rulebook's sample")
    return read_dataset(args.data, rulebook)


class _UsageError(QRulesError, ValueError):
    pass


def _usage(message: str) -> _UsageError:
    return _UsageError(message)


def _check(args: argparse.Namespace, out: TextIO) -> int:
    rulebook = load(args.rulebook)
    rules = _select(rulebook, args)
    evaluation: Evaluation = rulebook.evaluate(_dataset(rulebook, args), rules=rules)
    lang: Lang = args.lang
    render = {
        "table": _report.evaluation_table,
        "json": _report.evaluation_json,
        "markdown": _report.evaluation_markdown,
        "junit": _report.evaluation_junit,
    }[args.format]
    _write(render(evaluation, lang), args, out)
    return EXIT_OK if evaluation.ok else EXIT_FAILED


def _list(args: argparse.Namespace, out: TextIO) -> int:
    if args.rulebook is None:
        for name in rulebook_names():
            rulebook = load(name)
            out.write(f"{name}  {rulebook.version}  {len(rulebook)} rules  "
                      f"{rulebook.title.get(args.lang)}\n")
        return EXIT_OK
    rulebook = load(args.rulebook)
    out.write(_report.rules_table(_select(rulebook, args), args.lang))
    return EXIT_OK


def _show(args: argparse.Namespace, out: TextIO) -> int:
    rulebook = load(args.rulebook)
    out.write(_report.rule_details(rulebook[args.rule_id], args.lang))
    return EXIT_OK


def _export(args: argparse.Namespace, out: TextIO) -> int:
    rulebook = load(args.rulebook)
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
            out.write(f"{error}\n")
        else:
            out.write(f"{source}: ok, {len(rulebook)} rules, {len(rulebook.measures)} "
                      f"measures, fingerprint {rulebook.fingerprint[:12]}\n")
    return EXIT_BAD_INPUT if failed else EXIT_OK


def _schema(args: argparse.Namespace, out: TextIO) -> int:
    folder = Path(__file__).parent / "schema"
    if args.path:
        out.write(f"{folder}\n")
    else:
        for path in sorted(folder.glob("*.schema.json")):
            out.write(f"{path}\n")
    return EXIT_OK


_COMMANDS = {
    "check": _check,
    "list": _list,
    "show": _show,
    "export": _export,
    "validate": _validate,
    "schema": _schema,
}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
