"""``--lang zh`` is Chinese everywhere, ``--lang en`` English everywhere: every
command, on the sample rulebook and data and on bad inputs, says nothing in the
other language.

The catalog's test switch (`qrules._messages.marking`) puts private-use marks
around every parameter put into a message that is data (a file name, a cell, a
number), not language (a `Text`: another message, a rule's title, in the
language asked for); what is left is the catalog's own wording and the
`Text`s put in, which a `Text(...)` not yet in the catalog cannot hide in. Left
unmarked text that is not a known identifier (a rule or measure id, an option,
a file's name, a format's name) must then hold no run of two Latin letters
under zh, and no Chinese under en. An identifier is taken whole (a word that
only starts or ends one, ``rate``, is English), cut short only where a table
marks it so (``…``), and, when it is a plain English word (``units``), only
where identifiers are shown as they are (a table's first cell, a command).
"""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import io
import json
import re
import shutil
import socket
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

import qrules
from qrules import _messages
from qrules._escape import columns
from qrules.cli import _parser, main

from .bad_inputs import diff_clauses, high_degree, rulebook_copy
from .conftest import MINI, SAMPLES, records_options
from .revisions import apply_revision
from .test_lint import BASES, NEW_BASES, _bases, build, rule
from .test_no_traceback import CASES, _every_command

YANTAI = "yantai-2023-2025"
COMMANDS = (
    "check",
    "report",
    "list",
    "show",
    "export",
    "validate",
    "lint",
    "diff",
    "changelog",
    "audit",
    "coverage",
    "measures",
    "template",
    "schema",
)
FIGURES = Path(qrules.load(YANTAI).path) / "samples" / "synthetic-2023-2025.csv"
RECORDS = [
    "--register",
    str(SAMPLES / "register.csv"),
    "--log",
    str(SAMPLES / "inspections.csv"),
    "--engine",
    "reference",
]

#: Words that are names, not language: formats, programs, standards.
NAMES = {
    "qrules",
    "JSON",
    "CSV",
    "HTML",
    "SQL",
    "XML",
    "TOML",
    "UTF",
    "GB",
    "PostgreSQL",
    "DuckDB",
    "Spark",
    "Parquet",
    "Arrow",
    "xlsx",
    "xlsm",
    "Markdown",
    "JUnit",
    "SVG",
    "NQI",
    "GB18030",
    "ISO",
    "Excel",
    "openpyxl",
    "pyarrow",
    "psycopg",
    "duckdb",
    "sqlite",
    "SQLite",
    "git",
    "HEAD",
    "docs",
    "md",
    "toml",
    "csv",
    "json",
    "html",
    "zh",
    "en",
    "sample",
    "reference",
    "postgres",
    "URL",
    "Python",
    "pip",
    "qrules-records",
    "MiB",
    "LibreOffice",
    "DataFrame",
    "DB-API",
    "Java",
    "JavaScript",
    "ECharts",
    "Apache",
    "interpretation",
    "log_from",
    "log_until",
    "schema_version",
    "ID",
    "REV",
    "PATH",
    "Keep",
    "Changelog",
    "Schema",
    "Lines",
    "Connect",
    "pytest",
    "ignore",
    "rule.alternatives",
}  # keys and keyword arguments


@pytest.fixture(autouse=True)
def _marked() -> Iterator[None]:
    _messages.marking(True)
    try:
        yield
    finally:
        _messages.marking(False)


def _identifiers() -> set[str]:
    from qrules._lint import CODES  # noqa: PLC0415 (lint's finding codes are identifiers)

    names = set(NAMES) | set(CODES) | set(COMMANDS)
    for book in (qrules.load(YANTAI), qrules.load(MINI)):
        names.add(book.id)
        names.update(rule.id for rule in book.rules)
        names.update(book.measures)
        names.update(book.bodies)
    return names


IDENTIFIERS = sorted(_identifiers(), key=len, reverse=True)
#: Identifiers that are plain English words (``check``, ``units``,
#: ``coverage``): taken as identifiers only where an identifier is shown as it
#: is, a table's first cell (a rule or body id) or a command after ``qrules``;
#: anywhere else they are words of the text.
PLAIN = frozenset(name for name in IDENTIFIERS if name.isalpha() and name not in NAMES)
KNOWN = set(IDENTIFIERS) - PLAIN
_PLAIN_SHOWN = re.compile(rf"(?m)(?:^[ \t|]*|\bqrules )(?:{'|'.join(sorted(PLAIN))})(?![\w-])")
_MARKED = re.compile(f"{_messages.OPEN}[^{_messages.CLOSE}]*{_messages.CLOSE}")
_TOKENS = re.compile(
    r"(?<![\w-])--?[A-Za-z][\w-]*"  # options
    r"|[\w./\\~:-]*[/\\][\w./\\~:-]*"  # paths
    r"|[\w-]*\.(?:toml|csv|tsv|json|xlsx|parquet|arrow|txt|md|html|jsonl|db|xml|sh)\b"  # files
    r"|\[[\w.]+\]"  # TOML tables
    r"|https?://\S+"
    r"|(?<![\w-])[0-9a-f]*[0-9][0-9a-f]*(?![\w-])"  # numbers, digests (not an id's part)
)
_LATIN = re.compile(r"[A-Za-z]{2,}")
#: One datum that is a list joined by hand with ``", "`` (``a, b``, ``2, 3, …``),
#: which zh lists with ``、``: each list goes through the catalog (`listed`).
_HAND_LIST = re.compile(r"[^\s,]+(?:, [^\s,]+)+")
_CJK = re.compile(r"[\u3400-\u9fff\uff01-\uff5e\u3000-\u303f]")


def leftover(text: str, lang: str, also: frozenset[str] = frozenset()) -> list[str]:
    """The runs of the other language in ``text`` once data and names (and the
    words ``also`` names) are taken out."""
    joined_by_hand = [span for span in _MARKED.findall(text) if _HAND_LIST.fullmatch(span[1:-1])]
    text = _MARKED.sub(" ", text)
    text = re.sub(r"[\w.-]+…", lambda cut: " " if _cut(cut.group()[:-1]) else cut.group(), text)
    text = _TOKENS.sub(" ", text)
    text = _PLAIN_SHOWN.sub(" ", text)
    if lang == "en":
        return _CJK.findall(text)
    words = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*")
    return joined_by_hand + [
        w
        for w in words.findall(text)
        if _LATIN.search(w) and not _known(w.rstrip(".-_")) and w.rstrip(".-_") not in also
    ]


def _known(word: str) -> bool:
    """A whole identifier (not a word that merely starts or ends one: ``rate``
    ends a rule id, yet is English), or a word with a digit in it."""
    return word in KNOWN or any(char.isdigit() for char in word)


def _cut(prefix: str) -> bool:
    """Whether ``prefix``, which a table's column cut short with ``…``
    (``advanced-quali…``), starts an identifier."""
    return _known(prefix) or any(name.startswith(prefix) for name in IDENTIFIERS)


def _json_text(document: Any, top: bool = True) -> Iterator[str]:
    """The human text of a JSON document: the fields docs/json.md says are in
    the language of --lang (``notes`` at the top level)."""
    if isinstance(document, dict):
        for key, value in document.items():
            if key in ("reason", "disagreement", "needs", "text", "message", "note") and isinstance(
                value, str
            ):
                yield value
            elif key == "notes" and top and isinstance(value, list):
                yield from (v for v in value if isinstance(v, str))
            else:
                yield from _json_text(value, top=False)
    elif isinstance(document, list):
        for item in document:
            yield from _json_text(item, top=False)


_ATTRIBUTES = re.compile(r'\b(?:message|title|alt|aria-label)="([^"]*)"')


def _tag_shown(tag: re.Match[str]) -> str:
    """What a person reads of an HTML tag: its attributes' text, a table's
    cell starting a line as in a text table."""
    cell = "\n" if re.match(r"<(?:td|th)\b", tag.group()) else " "
    return cell + " ".join(_ATTRIBUTES.findall(tag.group()))


def shown(out: str, err: str) -> str:
    """What a person reads of a command's output."""
    text = out
    stripped = out.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            return "\n".join(_json_text(json.loads(out))) + "\n" + err
        except ValueError:
            pass
    if stripped.startswith("<"):
        text = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", text)
        text = re.sub(r"<[^>]*>", _tag_shown, text)
    text = re.sub(r"&[a-z#0-9]+;", " ", text)  # HTML's entities, and Markdown's escapes
    return text + "\n" + err


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def _commands(tmp: Path) -> list[list[str]]:
    """Every command on the sample rulebook and data, each output format."""
    copy = rulebook_copy(tmp, "copy")
    template = tmp / "template.csv"
    log = tmp / "decisions.jsonl"
    commands = [
        ["check", YANTAI, str(FIGURES), *RECORDS, "--decision-log", str(log)],
        ["check", YANTAI, "--sample", "--format", "json"],
        ["check", YANTAI, str(FIGURES), *RECORDS, "--format", "json"],
        ["check", YANTAI, "--sample", "--by-responsible"],
        ["check", YANTAI, "--sample", "--only", "not-met"],
        ["report", YANTAI, "--sample", "--format", "markdown"],
        ["report", YANTAI, "--sample", "--format", "junit"],
        ["report", YANTAI, str(FIGURES), *RECORDS, "--format", "html", "-o", "-"],
        ["list"],
        ["list", YANTAI],
        ["show", YANTAI, "food-safety-sampling-pass-rate"],
        ["show", YANTAI, "infant-formula-makers-system-inspected-yearly"],  # records
        ["validate", YANTAI, str(MINI)],
        ["lint", YANTAI],
        ["diff", str(MINI), str(copy)],
        ["changelog", str(MINI), str(copy)],
        ["measures", YANTAI],
        ["template", YANTAI, "-o", str(template)],
        ["schema"],
        ["audit", str(log)],
    ]
    coverage = _coverage_report(tmp)
    commands += [["coverage", coverage, "--format", f] for f in ("table", "markdown", "html")]
    commands += [["coverage", coverage, "--fail-under", "50"]]
    commands += _tampered_logs(tmp)
    return commands + _lints(tmp) + _diffs(tmp)


def _lints(tmp: Path) -> list[list[str]]:
    """``qrules lint`` on rulebooks with findings of every kind (each finding's
    wording: each branch of each kind), as text and JSON."""
    folders = {
        "statements": (
            rule("firms-again", "firms", ">= 350", section="二"),
            rule("firms-c", "firms", ">= 500", section="三", strength="aspirational"),
            rule("score-a", "score", "<= 10", aggregation="level", related=("firms",)),
            rule("score-b", "score", "< 5", aggregation="level", section="乙"),
            rule("standards-yearly", "new_standards", ">= 30", aggregation="every_year", due=None),
            rule("bases-2024", "bases", ">= 1", aggregation="annual_average", due="2024-12-31"),
            rule("bases-2025", "bases", ">= 2", aggregation="level"),
        ),
        "conflicts": (
            rule("firms-at-most", "firms", "<= 100", section="二"),
            rule("bases-a", "bases", "bases >= 2 and bases <= 4"),
            rule("bases-b", "bases", ">= 3"),
            rule("firms-2024", "firms", ">= 10", due="2024-12-31"),
            rule("firms-vs", "firms", "firms >= new_standards", due="2024-12-31"),
            rule("score-eq", "score", "== 5", aggregation="level"),
            rule("score-min", "score", ">= 1", aggregation="level"),
        ),
        "pairs": (
            rule("bases", "bases", ">= 5"),
            rule("national", "national_bases", ">= 8"),
            rule("bases-max", "bases", "<= 3", due="2024-12-31"),
            rule("national-2024", "national_bases", ">= 8", due="2024-12-31"),
        ),
        "sum-beyond": _bases("== 5", ">= 3", ">= 4"),
        "sum-more": _bases(">= 5", ">= 3", "== 4"),
        "sum-short": _bases(">= 5", ">= 1", ">= 3"),
        "sum-consistent": (
            *_bases(">= 5", ">= 1", ">= 4")[::2],
            rule("national", "national_bases", ">= 1", strength="aspirational"),
        ),
        "impossible": (rule("bases-negative", "bases", "national_bases + provincial_bases < 0"),),
    }
    argvs = []
    for name, rules in folders.items():
        folder = rulebook_copy(tmp, f"lint-{name}")
        build(folder, *rules, formulas=BASES)
        argvs += [["lint", str(folder)], ["lint", str(folder), "--format", "json"]]
    for part in (">= 100", ">= 170", ">= 200"):  # a part of a sum: more, as much, short
        folder = rulebook_copy(tmp, f"lint-part{part[3:]}")
        with (folder / "measures.toml").open("a", encoding="utf-8") as f:
            f.write(NEW_BASES)
        national = rule("national", "national_bases", ">= 120", strength="aspirational")
        build(
            folder,
            rule("new", "new_bases", part),
            national,
            rule("provincial", "provincial_bases", ">= 50"),
            formulas=BASES,
        )
        argvs.append(["lint", str(folder)])
    # A target the text states that no rule encodes, and a plain-string interpretation.
    folder = rulebook_copy(tmp, "lint-words")
    with (folder / "plan.txt").open("a", encoding="utf-8") as f:
        f.write("\n到2025年,培育示范企业15家以上,建成甲基地、乙基地均达到100%。\n")
    rules = folder / "rules.toml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text.replace("tags =", 'interpretation = "As written."\ntags =', 1), "utf-8")
    argvs.append(["lint", str(folder)])
    # Beyond the budget of symbolic work: undecided, saying why.
    argvs.append(["lint", str(high_degree(tmp / "lint-degree", 12))])
    # A requirement its quote does not state: the other way, or no number at all.
    folder = rulebook_copy(tmp, "quotes")
    rules = folder / "rules.toml"
    text = rules.read_text(encoding="utf-8").replace('">= 300"', '"<= 300"')
    text = text.replace('">= 98.5"', '"pass_rate >= 98.5 and pass_rate <= 99"')
    rules.write_text(text.replace('"新增标准100项"', '"新增标准"'), encoding="utf-8")
    argvs.append(["validate", str(folder)])
    return argvs


#: A rule read as between 10 and 90 (incomparable with its ``>= 20``).
BETWEEN = (
    'aggregation = "every_year"\n'
    'interpretation = { zh = "读作不少于10%、不超过90%", en = "Read as 10 % to 90 %." }'
)


def _diffs(tmp: Path) -> list[list[str]]:
    """``qrules diff`` and ``changelog`` on revisions with changes of every kind."""
    revised = str(apply_revision("yantai-2024", tmp))
    renamed = rulebook_copy(tmp, "renamed")  # a rename, a plan change, a version too small
    rules = renamed / "rules.toml"
    rules.write_text(
        rules.read_text(encoding="utf-8")
        .replace('id = "firms"', 'id = "firms-renamed"')
        .replace('requirement = ">= 98.5"', 'requirement = "pass_rate >= 98.5"')
        .replace('tags = ["food"]', 'tags = ["food", "safety"]\ninterpretation = "As written."')
        .replace('requirement = ">= 20"', 'requirement = "coverage >= 10 and coverage <= 90"')
        .replace('aggregation = "every_year"', BETWEEN),
        encoding="utf-8",
    )
    plan = renamed / "plan.toml"
    plan.write_text(
        plan.read_text(encoding="utf-8").replace('status = "draft"', 'status = "final"'), "utf-8"
    )
    released = tmp / "released"  # the same, at the version its changes call for
    shutil.copytree(renamed, released)
    plan = released / "plan.toml"
    plan.write_text(plan.read_text(encoding="utf-8").replace('"1.0.0"', '"2.0.0"'), "utf-8")
    degree = (str(high_degree(tmp / "old", 9)), str(high_degree(tmp / "new", 10)))
    clauses = tuple(map(str, diff_clauses(tmp / "clauses", 24)))
    return [
        ["diff", YANTAI, revised],
        ["diff", YANTAI, revised, "--format", "markdown"],
        ["diff", YANTAI, revised, "--format", "json"],
        ["diff", YANTAI, YANTAI, "--format", "markdown"],
        ["changelog", YANTAI, revised, "--date", "2024-07-01"],
        ["diff", str(MINI), str(renamed)],
        ["diff", str(MINI), str(renamed), "--format", "markdown"],
        ["changelog", str(MINI), str(renamed)],  # the version is too small: an error
        ["changelog", str(MINI), str(released)],
        ["diff", *degree],
        ["diff", *clauses, "--format", "json"],
        ["changelog", *clauses],
        ["schema", "--path"],
    ]


def _coverage_report(tmp: Path) -> str:
    """A saved rule coverage report: rules fully covered, and rules missing
    verdicts, boundaries (of one comparison and of several) and a failing unit."""
    from qrules._coverage import (  # noqa: PLC0415
        CoverageReport,
        RulebookCoverage,
        RuleCoverage,
        coverage_json,
    )

    rules = (
        RuleCoverage("pass-rate", ("met", "not_met", "unknown"), ((True, True, True),)),
        RuleCoverage("firms", ("met",), ((True, False, True),)),
        RuleCoverage("new-standards", (), ((False, False, False), (True, False, True))),
        RuleCoverage("coverage", ("met", "not_met", "unknown"), ((True, True, True),), True),
    )
    path = tmp / "coverage.json"
    book = RulebookCoverage("mini", "1.0.0", "0" * 64, rules)
    path.write_text(coverage_json(CoverageReport((book,))), encoding="utf-8")
    return str(path)


def _edited(tmp: Path, name: str, *edits: tuple[str, str, str]) -> Path:
    """A copy of the mini rulebook with, for each ``(file, old, new)``, the
    first ``old`` in ``file`` made ``new``."""
    folder = rulebook_copy(tmp, name)
    for file, old, new in edits:
        path = folder / file
        path.write_text(path.read_text("utf-8").replace(old, new, 1), "utf-8")
    return folder


def _tampered_logs(tmp: Path) -> list[list[str]]:
    """Audits of decision logs that find fault: a verdict edited, a target
    changed since, a line removed from the start and one from the middle, a
    line that is no record, a rulebook and a rule it cannot find, a schema it
    does not read, a malformed record, a last line that is not the one kept."""
    log = tmp / "logged.jsonl"
    run(["check", str(MINI), "--sample", "--decision-log", str(log)])
    lines = log.read_bytes().splitlines(keepends=True)
    records = [json.loads(line) for line in lines]
    flipped = {"met": "not_met", "not_met": "met", "unknown": "met"}

    def edited(index: int, **changes: Any) -> bytes:
        return (json.dumps(records[index] | changes, ensure_ascii=False) + "\n").encode()

    first = next(i for i, r in enumerate(records) if r["rule"] == "pass-rate")
    book = records[first]["rulebook"]
    variants = {
        "verdict": [*lines[:first], edited(first, verdict=flipped[records[first]["verdict"]])],
        "start": lines[1:3],
        "middle": [lines[0], *lines[2:4]],
        "junk": [*lines[:2], b"[1, 2]\n"],
        "book": [edited(0, rulebook=book | {"fingerprint": "f" * 64})],
        "rule": [edited(0, rule="no-such-rule")],
        "schema": [edited(0, schema_version="0")],
        "malformed": [edited(0, inputs={"x": "1e999"})],
    }
    argvs = []
    for name, content in variants.items():
        path = tmp / f"{name}.jsonl"
        path.write_bytes(b"".join(content))
        argvs.append(["audit", str(path), *(["--rulebook", str(MINI)] if name != "book" else [])])
    looser = _edited(
        tmp,
        "looser",
        ("rules.toml", '">= 98.5"', '">= 90"'),
        ("rules.toml", "合格率≥98.5", "合格率≥90"),
        ("plan.txt", "合格率≥98.5", "合格率≥90"),
    )
    argvs.append(["audit", str(log), "--rulebook", str(looser), "--head", "sha256:" + "0" * 64])
    return argvs


def _bad(tmp: Path) -> list[list[str]]:
    argvs = [argv for argvs in _every_command(tmp).values() for argv in argvs]
    for name, case in CASES.items():
        folder = tmp / name
        folder.mkdir()
        try:
            argvs.append(case(folder)[0])
        except pytest.skip.Exception:
            continue
    return argvs


def _helps() -> list[list[str]]:
    """``--help`` of qrules and of every subcommand."""
    return [["--help"], *([command, "--help"] for command in COMMANDS)]


def _placeholders() -> frozenset[str]:
    """The command line's own words that help shows as they are typed: the
    options' placeholders (``FILE``), the positional arguments' names and the
    choices (``{table,json}``)."""
    words: set[str] = set()
    parsers = [_parser()]
    while parsers:
        parser = parsers.pop()
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                parsers.extend(action.choices.values())
            names = [action.metavar] if isinstance(action.metavar, str) else []
            names += [action.dest.upper()] if action.option_strings else []
            names += [action.dest] if not action.option_strings else []
            names += [str(c) for c in action.choices or ()]
            for name in names:
                words.update(re.findall(r"[A-Za-z][A-Za-z0-9_.-]*", name))
    return frozenset(word.rstrip(".-_") for word in words)


def _speaks(command: str) -> bool:
    """Whether a subcommand takes --lang."""
    parser = _parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return any("--lang" in a.option_strings for a in commands.choices[command]._actions)


def _with_lang(argv: list[str], lang: str) -> list[str]:
    """The command in ``lang``; a subcommand without --lang is run as it is
    (and is then English only: `NOT_YET` says so). Help is asked for in
    ``lang`` of every command (--lang is looked for before parsing)."""
    if "--help" in argv or (argv and _speaks(argv[0])):
        return [*argv, "--lang", lang]
    return argv


def _other_language(
    argvs: list[list[str]], lang: str, also: frozenset[str] = frozenset()
) -> dict[str, list[str]]:
    """The subcommands that say something in the other language, with the
    words they say (the first few of each)."""
    found: dict[str, list[str]] = {}
    for argv in argvs:
        code, out, err = run(_with_lang(argv, lang))
        assert code != 3, (argv, err)  # a bug's message is in both languages too
        left = leftover(shown(out, err), lang, also)
        if left:
            found.setdefault(argv[0], []).extend(left)
    return {command: sorted(set(words))[:10] for command, words in found.items()}


#: What is not said through the catalog yet, by language and sweep: the
#: subcommands that still speak the other language. The test fails when one
#: more does, and when one of these no longer does (strike it off).
NOT_YET: dict[tuple[str, str], set[str]] = {
    ("zh", "samples"): set(),
    ("zh", "errors"): set(),
    ("en", "samples"): set(),
    ("en", "errors"): set(),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_command_on_the_samples_speaks_one_language(lang: str, tmp_path: Path) -> None:
    found = _other_language(_commands(tmp_path), lang)
    assert set(found) == NOT_YET[lang, "samples"], found


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_error_speaks_one_language(lang: str, tmp_path: Path) -> None:
    found = _other_language(_bad(tmp_path), lang)
    assert set(found) == NOT_YET[lang, "errors"], found


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_commands_help_speaks_one_language(lang: str) -> None:
    """``qrules --help`` and each subcommand's: descriptions, options, argparse's
    own words; the placeholders and choices are typed as they are."""
    assert _other_language(_helps(), lang, _placeholders()) == {}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_more_errors_speak_one_language(lang: str, tmp_path: Path) -> None:
    """The errors of the expression language, of git revisions, of the engines'
    URLs, of argparse and of the audit's and coverage's inputs."""
    found = _other_language(_more_bad(tmp_path), lang)
    assert found == {}


def _more_bad(tmp: Path) -> list[list[str]]:
    expression = _edited(tmp, "expression", ("rules.toml", '">= 98.5"', '">= 98.5 %"'))
    nested = _edited(tmp, "nested", ("rules.toml", '">= 300"', '"(firms >= 300"'))
    bad_report = tmp / "bad.json"
    bad_report.write_text('{"schema_version": "0"}', encoding="utf-8")
    not_report = tmp / "not.json"
    not_report.write_text("[]", encoding="utf-8")
    figures = ["check", str(MINI), "--sample"]
    other_unit = tmp / "other-unit.csv"  # a count of firms written in 万元
    other_unit.write_text("year,measure,value\n2025,firms,300万元\n", encoding="utf-8")
    return [
        ["validate", str(expression), str(nested)],
        ["check", str(MINI), str(other_unit)],
        ["audit", str(tmp / "no-such-log.jsonl")],
        ["audit", str(FIGURES), "--rulebook", "no-such-revision:rules"],
        ["audit", str(FIGURES), "--rulebook=-x:rules"],
        ["coverage", str(bad_report)],
        ["coverage", str(not_report)],
        ["coverage", _coverage_report(tmp), "--fail-under", "x"],
        [*figures, "--register", "sample", "--database", "mysql://host/db"],
        [*figures, *RECORDS[:4], "--database", "sc://127.0.0.1:9"],
        [*figures, *RECORDS[:4], "--database", "sc://127.0.0.1:x9"],
        [*figures, *RECORDS[:4], "--database", "sc://[::1"],
        [*figures, *RECORDS[:4], "--database", "sc://[xyz]:9"],
        [*figures, "--year", "x"],
        [*figures, "--as-of", "2024-13-01"],
        [*figures, "--lo", "x"],
        [*figures, "--strict=yes"],
        ["template", str(MINI), "--years", "later"],
    ]


def test_help_is_chinese_under_zh() -> None:
    """argparse's own words too, and English help as it always was."""
    _messages.marking(False)
    _, out, _ = run(["check", "--help", "--lang", "zh"])
    assert out.startswith("用法:qrules check")
    assert "\n选项:\n" in out
    assert "显示此帮助信息并退出" in out
    assert "\n记录:\n" in out
    assert "usage" not in out
    assert "options:" not in out
    lines = out.splitlines()
    assert lines[1].startswith(" " * columns("用法:qrules check ") + "[")  # under the first option
    _, out, _ = run(["--help", "--lang=zh"])
    assert "位置参数:" in out
    _, out, _ = run(["check", "--help", "--lan", "zh"])  # a prefix argparse takes for --lang
    assert out.startswith("用法:")
    _, out, _ = run(["check", "--help"])
    assert out.startswith("usage: qrules check")
    assert "show this help message and exit" in out
    assert "\noptions:\n" in out
    assert "\nrecords:\n" in out


@pytest.mark.parametrize(
    ("argv", "lang"),
    [
        (["show", YANTAI, "r", "--l", "zh", "--bogus"], "zh"),  # argparse takes --l for --lang
        (["lint", YANTAI, "--la", "zh", "--format", "x"], "zh"),
        (["show", YANTAI, "r", "--lang", "zh", "--lang", "en", "--bogus"], "en"),  # the last
        (["show", YANTAI, "--lang=en", "--lang=zh"], "zh"),
        (["show", YANTAI, "--lang", "zh", "--", "--lang", "en"], "zh"),
        (["show", YANTAI, "r", "--lang"], "en"),
    ],
)
def test_usage_errors_speak_the_lang_argparse_reads(argv: list[str], lang: str) -> None:
    """argparse's usage and errors in the language of the ``--lang`` it reads
    (looked for before parsing)."""
    _messages.marking(False)
    _, out, err = run(argv)
    said = out + err
    assert bool(re.search("[\u4e00-\u9fff]", said)) == (lang == "zh"), said


def test_lang_before_the_command() -> None:
    """``qrules --lang zh check ...`` as ``qrules check ... --lang zh`` (as
    --debug); the command's own --lang, when given, wins."""
    _messages.marking(False)
    code, out, err = run(["--lang", "zh", "show", YANTAI, "food-safety-sampling-pass-rate"])
    assert (code, err) == (0, "")
    assert "\n  要求" in out
    _, out, _ = run(["--lang", "zh", "show", YANTAI, "food-safety-sampling-pass-rate", "--lang=en"])
    assert "\n  requirement" in out
    _, out, _ = run(["show", YANTAI, "food-safety-sampling-pass-rate"])
    assert "\n  requirement" in out


def test_chinese_help_wraps_by_columns() -> None:
    """A CJK character takes two columns: no line of zh help is wider than
    argparse's width, and none starts with a closing mark."""
    _messages.marking(False)
    for argv in _helps():
        _, out, _ = run([*argv, "--lang", "zh"])
        for line in out.splitlines():
            if not line.lstrip().startswith(("[", "-", "{")) and "用法" not in line:
                assert columns(line) <= 80 or " " not in line.strip(), line
            assert not line.lstrip().startswith(("、", ",", ")", ":", ";", "。")), line


def test_a_data_error_is_chinese_under_zh(tmp_path: Path) -> None:
    """The issue's new user: a figure that is not a number, told in Chinese."""
    _messages.marking(False)
    data = tmp_path / "figures.csv"
    data.write_text("year,measure,value\n2025,firms,lots\n", encoding="utf-8")
    code, _, err = run(["check", str(MINI), str(data), "--lang", "zh"])
    assert code == 2
    assert err.splitlines()[1].startswith("  - figures.csv,第 2 行,列 'value':")
    assert "不是数字" in err
    code, _, err = run(["check", str(MINI), str(data)])
    assert "row 2, column 'value'" in err
    assert "is not a number" in err


def test_a_records_rule_is_said_in_chinese() -> None:
    """What each unit must have, said as a sentence; the plan's list of
    responsible offices is data, as written, in either language."""
    _messages.marking(False)
    rule = "infant-formula-makers-system-inspected-yearly"
    _, out, _ = run(["show", YANTAI, rule, "--lang", "zh"])
    assert "统计范围(category = infant_formula_maker)内每个单位每年接受 1 次体系检查" in out
    _, out, _ = run(["show", YANTAI, rule])
    assert "each unit of category = infant_formula_maker: 1 system inspection a year" in out
    assert "responsible     市市场监管局、市卫生健康委、各区市政府(管委)" in out


def test_the_marks_are_off_in_use() -> None:
    _messages.marking(False)
    assert _messages.say("did_you_mean", prefix="", option="x").en == "did you mean 'x'?"


@pytest.mark.parametrize("marked", [False, True])
def test_a_message_puts_each_language_its_text_and_data_as_it_is(marked: bool) -> None:
    """`say` puts a `Text` parameter in each language and anything else as it is,
    whether or not another parameter is a `Text` (or data is marked)."""
    reason = qrules.Text("原因", "the reason")
    _messages.marking(marked)
    try:
        for params in (
            {"total": 3, "meeting": 1, "reason": reason},
            {"total": Fraction(7, 2), "meeting": None, "reason": qrules.Text("", "")},
        ):
            said = _messages.say("records.tally", **params)
            for lang in ("zh", "en"):
                template = _messages.MESSAGES["records.tally"][0 if lang == "zh" else 1]
                assert said.get(lang) == template.format_map(_messages._in(lang, params))
        plain = _messages.say("evaluate.observed", when="2024", observed=1, relation="<", target=2)
        assert plain.en == _messages.MESSAGES["evaluate.observed"][1].format_map(
            _messages._in("en", {"when": "2024", "observed": 1, "relation": "<", "target": 2})
        )
    finally:
        _messages.marking(False)


def test_the_check_finds_english() -> None:
    assert leftover("规则 no such file", "zh") == ["no", "such", "file"]
    assert leftover(f"规则 {_messages.OPEN}no such{_messages.CLOSE} --lang x.csv", "zh") == []
    assert leftover("rule 规则", "en") == ["规", "则"]


def test_the_check_takes_only_whole_identifiers() -> None:
    """A short English word that starts or ends an identifier is still English
    (``rate`` ends ``food-safety-sampling-pass-rate``, ``rule`` and ``quality``
    are parts of ids); an id cut short by a table (``…``), or one with digits,
    is an identifier."""
    assert {"food-safety-sampling-pass-rate", "quality-strong-counties-column-1"} <= KNOWN
    assert leftover("规则 rate、quality、food 的覆盖", "zh") == ["rate", "quality", "food"]
    assert leftover("food-safety-sampling-pass-rate 达标", "zh") == []
    assert leftover("food-safety-sampli… quality-strong-counties-column-1 达标", "zh") == []
    assert leftover("rate… 达标", "zh") == ["rate"]
    # An id that is an English word: an identifier only where ids are shown as they are.
    assert {"units", "check"} <= PLAIN
    assert leftover("全部 units 中 check", "zh") == ["units", "check"]
    assert leftover("  units   达标\n| check | 达标 |\n用 qrules check 判定", "zh") == []


#: Parameters one language may leave out: English plural endings, a
#: population English shows as it always did, and an outside parser's own
#: words (``detail``: English, which the Chinese message leaves out).
_ONE_LANGUAGE = {
    "detail",
    "s",
    "errors_s",
    "warnings_s",
    "population",
    "words",
    "column",
    "zh",
    "en",
    "measure",
}


def test_every_message_has_both_languages_with_the_same_parameters() -> None:
    import string  # noqa: PLC0415

    def fields(template: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(template) if f}

    for id_, (zh, en) in _messages.MESSAGES.items():
        assert zh.strip(), id_
        assert en.strip(), id_
        assert fields(zh) ^ fields(en) <= _ONE_LANGUAGE, id_


def test_failing_units_of_an_unknown_population_are_said_alike() -> None:
    """Without a population, neither language names one ("of None units")."""
    from qrules._messages import say  # noqa: PLC0415

    said = say("report.failing_of_none", rule="r", year=2024, place="", count=3, population=None)
    assert "None" not in said.get("zh")
    assert "None" not in said.get("en")
    assert " of " not in said.get("en")


def test_a_change_that_must_exceed_is_said_naturally() -> None:
    """``more than 40 more`` is 需增加超过 40 (not 需超过增加)."""
    from fractions import Fraction  # noqa: PLC0415

    from qrules._results import Change  # noqa: PLC0415

    _messages.marking(False)
    change = Change(
        "m", qrules.Text("合格批次", "Passed batches"), Fraction(10), Fraction(50), True
    )
    assert change.describe("zh") == "合格批次需增加超过 40(10 → 50)"
    assert change.describe("en") == "more than 40 more passed batches (10 → 50)"


@pytest.mark.parametrize(
    ("command", "lang", "said"),
    [
        ("audit", "zh", "qrules:{path}:无法读取决策日志:是文件夹,此处需要文件"),
        (
            "audit",
            "en",
            "qrules: {path}: cannot read the decision log: is a folder, where a file is expected",
        ),
        ("coverage", "zh", "qrules:{path}:无法读取覆盖率报告:是文件夹,此处需要文件"),
    ],
)
def test_the_systems_refusals_are_said_in_the_language(
    command: str, lang: str, said: str, tmp_path: Path
) -> None:
    """A folder where a file is wanted: the common refusals in the catalog's
    words, in Chinese under zh and in English under en (the system's own
    words, "Is a directory", before)."""
    _messages.marking(False)
    code, _, err = run([command, str(tmp_path), "--lang", lang])
    assert code == 2
    assert said.format(path=tmp_path) in err, err
    if lang == "zh":
        assert "directory" not in err


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_os_error_no_reader_translated(lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """An OSError that escapes a command is bad input (exit 2), said in the
    language asked for."""
    from qrules import cli  # noqa: PLC0415

    def refused(args: Any, out: Any) -> int:
        raise IsADirectoryError(21, "Is a directory", "/some/where")

    monkeypatch.setitem(cli._COMMANDS, "list", refused)
    _messages.marking(False)
    code, _, err = run(["list", "--lang", lang])
    assert code == 2
    expected = "是文件夹,此处需要文件" if lang == "zh" else "is a folder, where a file is expected"
    assert expected in err, err
    assert err.startswith("qrules:" if lang == "zh" else "qrules: ")


def test_lint_lists_rule_ids_as_each_language_lists() -> None:
    """The rules of a finding, listed by the catalog (``、`` in Chinese)."""
    _messages.marking(False)
    pair = "provincial-high-end-brand-enterprises-table{}provincial-high-end-brand-enterprises"
    _, out, _ = run(["lint", YANTAI, "--lang", "zh"])
    assert "规则:" + pair.format("、") in out
    _, out, _ = run(["lint", YANTAI])
    assert "rules: " + pair.format(", ") in out


def test_by_responsible_names_the_rulebooks_own_collective_body() -> None:
    """The note on the collective body names the rulebook's (the plan's word),
    and a rulebook without one has no note (it named Yantai's in every)."""
    _messages.marking(False)
    _, out, _ = run(["check", str(MINI), "--sample", "--by-responsible"])
    assert "各区市政府" not in out
    _, out, _ = run(["check", YANTAI, "--sample", "--by-responsible", "--lang", "zh"])
    assert "“各区市政府(管委)”是所有区市政府的集体" in out
    assert "market-regulation:shandong-quality-product-bases-column-1、" in out


def test_measures_lists_the_rules_as_each_language_lists() -> None:
    _messages.marking(False)
    _, out, _ = run(["measures", YANTAI, "--lang", "zh"])
    assert "所需规则: quality-strong-counties-table、quality-strong-counties-column-1" in out
    _, out, _ = run(["measures", YANTAI])
    assert "rules: quality-strong-counties-table, quality-strong-counties-column-1" in out


def test_diffs_help_uses_the_words_diff_says() -> None:
    """``qrules diff --help`` names the comparisons as diff's output says them."""
    help_ = _messages.MESSAGES["help.diff.description"]
    for word in ("stricter", "looser", "equivalent", "incomparable"):
        zh, en = _messages.MESSAGES[f"diff.{word}"]
        assert zh in help_[0], zh
        assert en in help_[1], en


def test_the_check_finds_a_list_joined_by_hand() -> None:
    """One datum that is a list joined with ``", "`` is English punctuation
    under zh (each item is marked when the list goes through `listed`); a
    datum with spaces of its own (a measure's label) is not a list."""
    o, c = _messages.OPEN, _messages.CLOSE
    assert leftover(f"已知:{o}a-b, c_d, 3{c}", "zh") == [f"{o}a-b, c_d, 3{c}"]
    assert leftover(f"已知:{o}a-b{c}、{o}c_d{c}", "zh") == []
    assert leftover(f"{o}New national, industry and local standards{c}", "zh") == []
    assert leftover(f"known: {o}a, b{c}", "en") == []


@pytest.mark.parametrize(
    ("most", "zh", "en"),
    [
        (None, "1、2、3", "1, 2, 3"),
        (3, "1、2、3", "1, 2, 3"),
        (2, "1、2、…", "1, 2, …"),
    ],
)
def test_listed_cuts_a_list_short_as_each_language_lists(
    most: int | None, zh: str, en: str
) -> None:
    _messages.marking(False)
    assert _messages.listed([1, 2, 3], most=most) == _messages.Text(zh, en)


def _raised(call: Any) -> qrules.QRulesError:
    with pytest.raises(qrules.QRulesError) as caught:
        call()
    return caught.value


def test_lists_in_messages_are_listed_as_each_language_lists(tmp_path: Path) -> None:
    """Lists put into messages outside the commands' sweep: 、 in zh, ", " in
    English as before."""
    from qrules import engines  # noqa: PLC0415
    from qrules._judge import _too_many  # noqa: PLC0415 (the message, alone)
    from qrules.records.doubts import doubtful_dates  # noqa: PLC0415

    _messages.marking(False)
    error = _raised(lambda: engines._sql_engine("nope"))
    assert "reference、duckdb、postgres、spark" in error.render("zh")
    assert "reference, duckdb, postgres, spark" in error.render("en")
    error = _raised(lambda: engines._sql_engine("reference"))
    assert "duckdb、postgres、spark" in error.render("zh")
    doubtful = [(2024, f"m{i}", Fraction(1)) for i in range(12)]
    said = _too_many(doubtful)
    assert "m0 (2024)、m1 (2024)" in said.zh
    assert said.zh.count("、") == 10
    assert "(m0 (2024), m1 (2024), " in said.en
    assert "m9 (2024), …)" in said.en
    rows = [("u", row, dt.date(2025, 1, 1)) for row in range(2, 14)]
    _, note = doubtful_dates(rows, dt.date(2024, 12, 31), declared=True)
    assert note is not None
    assert "2、3、4、5、6、7、8、9、10、11、…" in note.zh
    assert "2, 3, 4, 5, 6, 7, 8, 9, 10, 11, …" in note.en


def test_an_empty_population_in_a_district_reads_naturally(tmp_path: Path) -> None:
    """The district and the population are one phrase in zh, not two
    bracketed parts side by side; English as it was."""
    _messages.marking(False)
    register = tmp_path / "register.csv"
    register.write_text("unit,name,category,district\nU1,a,catering,福山区\n", "utf-8")
    log = tmp_path / "log.csv"
    log.write_text("unit,date,kind\nU1,2024-03-01,system\n", "utf-8")
    argv = ["check", YANTAI, *records_options(register, log)]
    argv += ["--engine", "reference", "--rule", "infant-formula-makers-system-inspected-yearly"]
    argv += ["--by-district"]
    _, out, _ = run([*argv, "--lang", "zh"])
    said = "2024 年登记册中没有位于福山区且属于统计范围(category = infant_formula_maker)的单位"
    assert said in out, out
    _, out, _ = run(argv)
    said = "no unit in the register belongs to the population in 2024 in 福山区"
    assert f"{said} (category = infant_formula_maker)" in " ".join(out.split()), out


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("zh", "qrules:选项 --log-until:'2024-13-01' 不是日期:没有这一天"),
        ("en", "qrules: option --log-until: '2024-13-01' is not a date: no such day"),
    ],
)
def test_a_date_option_is_called_an_option(lang: str, said: str) -> None:
    _messages.marking(False)
    argv = ["check", YANTAI, *RECORDS, "--log-until", "2024-13-01", "--lang", lang]
    code, _, err = run(argv)
    assert code == 2
    assert err.strip() == said


def test_an_audit_of_one_line_says_line(tmp_path: Path) -> None:
    _messages.marking(False)
    log = tmp_path / "logged.jsonl"
    run(["check", str(MINI), "--sample", "--decision-log", str(log)])
    log.write_bytes(log.read_bytes().splitlines(keepends=True)[0])
    _, out, _ = run(["audit", str(log), "--rulebook", str(MINI)])
    assert f"decision log {log}: 1 line\n" in out or f"decision log {log}: 1 line," in out, out
    _, out, _ = run(["audit", str(log), "--rulebook", str(MINI), "--lang", "zh"])
    assert f"决策日志 {log}:1 行" in out, out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_folder_or_a_device_given_as_data_is_said_so(lang: str, tmp_path: Path) -> None:
    """``check DIR`` and ``check /dev/null``: not "no such file", but what is
    true, exit 2."""
    _messages.marking(False)
    said = {
        "zh": ("是文件夹,此处需要文件(请给出文件的路径)", "不是普通文件(请给出文件的路径)"),
        "en": (
            "is a folder, where a file is expected (give a file's path)",
            "is not a regular file (give a file's path)",
        ),
    }[lang]
    for given, expected in zip((str(tmp_path), "/dev/null"), said, strict=True):
        code, _, err = run(["check", YANTAI, given, "--lang", lang])
        assert code == 2
        assert expected in err, err
        assert "没有这个文件" not in err
        assert "no such file" not in err
    code, _, err = run(["check", YANTAI, str(tmp_path / "none.csv"), "--lang", lang])
    assert code == 2
    assert ("没有这个文件" if lang == "zh" else "no such file") in err


def test_a_database_file_that_is_a_folder_is_said_so(tmp_path: Path) -> None:
    from qrules._tabular import database_file  # noqa: PLC0415

    _messages.marking(False)
    url = f"duckdb:///{tmp_path}"
    with pytest.raises(qrules.DataError) as caught:
        database_file(url, "duckdb", f"/{tmp_path}")
    assert f"数据库文件 '{tmp_path}':是文件夹,此处需要文件" in caught.value.render("zh")
    assert f"database file '{tmp_path}': is a folder" in caught.value.render("en")


@pytest.mark.parametrize(
    ("error", "zh", "en"),
    [
        (ConnectionRefusedError(111, "Connection refused"), "连接被拒绝", "connection refused"),
        (TimeoutError("timed out"), "连接超时", "timed out"),
        (
            socket.gaierror(socket.EAI_NONAME, "Name or service not known"),
            "找不到该主机",
            "no such host",
        ),
        (
            socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution"),
            "无法查询该主机名",
            "the host name could not be looked up",
        ),
        (
            OSError(errno.ENETUNREACH, "Network is unreachable"),
            "网络不可达",
            "network is unreachable",
        ),
        (OSError(errno.EHOSTUNREACH, "No route to host"), "无法访问该主机", "no route to host"),
        (
            ConnectionResetError(errno.ECONNRESET, "Connection reset by peer"),
            "连接被对方重置",
            "connection reset by peer",
        ),
        (
            ValueError("Port out of range 0-65535"),
            "端口不在 0–65535 之间",
            "the port is not in 0-65535",
        ),
        (
            ValueError("Port could not be cast to integer value as 'x1'"),
            "端口 'x1' 不是数字",
            "the port 'x1' is not a number",
        ),
        (ValueError("Invalid IPv6 URL"), "IPv6 地址的方括号 [ ] 不成对", "the brackets [ ] of"),
        (
            ValueError("'xyz' does not appear to be an IPv4 or IPv6 address"),
            "'xyz' 不是 IPv4 或 IPv6 地址",
            "'xyz' is not an IPv4 or IPv6 address",
        ),
        (
            UnicodeError("encoding with 'idna' codec failed (UnicodeError: label too long)"),
            "主机名无效(过长或含空的一节)",
            "the host name is too long or has an empty label",
        ),
        (ValueError("something new"), "地址无效:something new", "something new"),
    ],
)
def test_spark_unreachable_is_said_in_the_language(
    error: Exception, zh: str, en: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The system's common refusals, and an address that cannot be read, in
    the catalog's words in both languages (in English the system's own words,
    "Connection refused", before)."""
    from qrules.engines import spark  # noqa: PLC0415

    def refused(*_: object, **__: object) -> None:
        raise error

    _messages.marking(False)
    monkeypatch.setattr(socket, "create_connection", refused)
    with pytest.raises(qrules.DataError) as caught:
        spark.connect("sc://spark.example:15002")
    assert f"无法连接 Spark Connect 服务器:{zh}" in caught.value.render("zh")
    assert f"cannot reach the Spark Connect server: {en}" in caught.value.render("en")


@pytest.mark.parametrize("reader", ["mapping", "json"])
def test_a_reader_refused_by_the_system_is_said_in_the_language(
    reader: str, tmp_path: Path
) -> None:
    """A mapping file, or a JSON dataset, that is a folder: Chinese under zh."""
    from qrules._figures import _json_table  # noqa: PLC0415
    from qrules.records.read import ColumnMapping  # noqa: PLC0415

    _messages.marking(False)
    folder = tmp_path / "figures.json"
    folder.mkdir()
    with pytest.raises(qrules.DataError) as caught:
        ColumnMapping.load(folder) if reader == "mapping" else _json_table(folder)
    assert "无法读取:是文件夹,此处需要文件" in caught.value.render("zh")
    assert "directory" not in caught.value.render("zh")
    assert "cannot read: is a folder, where a file is expected" in caught.value.render("en")
