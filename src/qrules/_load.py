"""Loading a rulebook folder: TOML, strict validation of everything, the model.

Validation does not stop at the first problem: every file is read, every key
checked, and all problems are raised together in one `RulebookError`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import stat
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs

from ._cache import Compiled, checked, checking
from ._compile import divides_by_zero, ignores_data
from ._errors import ExpressionError, Problem, RulebookError, RulebookNotFoundError, did_you_mean
from ._expr import (
    MEASURE_ID,
    BinaryOp,
    Expression,
    Name,
    Number,
    format_number,
    iter_names,
    parse_formula,
    parse_requirement,
)
from ._limits import MAX_RULEBOOK_FILE_BYTES, MAX_RULEBOOK_FILES, MAX_RULEBOOK_FOLDER_BYTES
from ._model import (
    AGGREGATIONS,
    BODY_LEVELS,
    IGNORABLE,
    SCOPES,
    STATUSES,
    STRENGTHS,
    UNITS,
    Aggregation,
    Alternative,
    Body,
    DatedTarget,
    Ignored,
    Measure,
    Period,
    Rule,
    Rulebook,
    Source,
    Text,
)
from ._recordspec import CODES, FLAGS, KINDS, POPULATION_COLUMNS, RESULTS, RecordSpec

__all__ = ["load", "rulebook_names", "sample_files", "shipped_rulebooks"]

SCHEMA_VERSION = 1
PLAN_FILE = "plan.toml"
MEASURES_FILE = "measures.toml"
BODIES_FILE = "bodies.toml"
_NOT_RULE_FILES = (PLAN_FILE, MEASURES_FILE, BODIES_FILE)

_RULEBOOK_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_RULE_ID = _RULEBOOK_ID
_VERSION = re.compile(r"\d+\.\d+\.\d+\Z")
_SUPERSEDES = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*@\d+\.\d+\.\d+\Z")
_BODY_ID = _RULEBOOK_ID


# -- where rulebooks are ------------------------------------------------------


def shipped_rulebooks() -> dict[str, Path]:
    """The rulebooks that ship with qrules, by name.

    An installed wheel carries them as package data (``qrules/_rulebooks``);
    a source checkout (an editable install) reads the repository's ``rules/``.
    """
    found: dict[str, Path] = {}
    # The package's own folder (what importlib.resources.files gives for an
    # installed package, without importing it: it costs a cold start 4 ms).
    roots = [Path(__file__).parent / "_rulebooks"]
    checkout = Path(__file__).resolve().parents[2] / "rules"
    roots.append(checkout)
    for root in roots:
        if not root.is_dir():
            continue
        for folder in sorted(root.iterdir()):
            if (folder / PLAN_FILE).is_file():
                found.setdefault(folder.name, folder)
    return found


def sample_files(rulebook: Rulebook, *parts: str) -> list[Path]:
    """The sample files in a rulebook's ``samples/`` folder (or a folder below
    it, ``parts``), sorted: only plain files, and no folder on the way a
    symbolic link, so that a rulebook from elsewhere cannot have qrules read a
    file outside it as its sample (docs/security.md)."""
    root = Path(rulebook.path)
    folder = root.joinpath("samples", *parts)
    steps = [root.joinpath("samples", *parts[:i]) for i in range(len(parts) + 1)]
    if any(step.is_symlink() or not step.is_dir() for step in steps):
        return []
    return sorted(p for p in folder.iterdir() if not p.is_symlink() and p.is_file())


def rulebook_names() -> list[str]:
    """Names of the shipped rulebooks, sorted."""
    return sorted(shipped_rulebooks())


def load(source: str | Path, *, as_of: dt.date | None = None) -> Rulebook:
    """Load a shipped rulebook by name, or a rulebook folder by path.

    A bare name (``yantai-2023-2025``) is always a shipped rulebook, never a
    folder of that name in the working directory; a folder is given as a path:
    a `Path`, or text with a ``/`` (``./yantai-2023-2025``, an absolute path).
    A folder whose plan id is a shipped rulebook's id is named by its path in
    every output (`Rulebook.label`), so it is never taken for the shipped one.

    With ``as_of``, the rulebook as it stood on that date: the rules then in
    force, each with the target value then in force (see `Rulebook.in_force`);
    a date outside the rulebook's effective period is an `OutOfPeriodError`.

    >>> rulebook = load("yantai-2023-2025")  # doctest: +SKIP
    """
    text = str(source)
    shipped = shipped_rulebooks()
    if isinstance(source, Path) or "/" in text or "\\" in text:
        path = Path(source)
        if not path.is_dir():
            raise RulebookNotFoundError(f"{text!r} is not a rulebook folder: no such folder")
        if not os.path.lexists(path / PLAN_FILE):
            raise RulebookNotFoundError(
                f"{text!r} is not a rulebook folder: it has no {PLAN_FILE}"
            )
        rulebook = _load_folder(path, text)
        home = shipped.get(rulebook.id)
        if home is not None and home.resolve() != path.resolve():
            rulebook = attrs.evolve(rulebook, origin=text)
        return _at(rulebook, as_of)
    if text not in shipped:
        names = ", ".join(sorted(shipped)) or "none"
        close = did_you_mean(text, shipped)
        hint = f"; {close}" if close else ""
        folder = (f"; the folder {text!r} is loaded as ./{text}" if Path(text).is_dir()
                  else "; or give a folder's path, such as ./my-rulebook")
        raise RulebookNotFoundError(
            f"no shipped rulebook named {text!r}{hint} (shipped: {names}{folder})"
        )
    return _at(_load_folder(shipped[text], text), as_of)


def _at(rulebook: Rulebook, as_of: dt.date | None) -> Rulebook:
    return rulebook if as_of is None else rulebook.in_force(as_of)


# -- field checking -----------------------------------------------------------


class _Bad(Exception):
    """A value that fails its check; the message says what was expected."""


def _describe(value: object) -> str:
    kinds = {str: "a string", int: "an integer", Decimal: "a float", bool: "a boolean",
             list: "an array", dict: "a table", dt.date: "a date", dt.datetime: "a date-time"}
    kind = kinds.get(type(value), type(value).__name__)
    shown = (str(value) if isinstance(value, Decimal) else
             repr(value) if not isinstance(value, dict | list) else "")
    return f"{kind} {shown}".strip()


def _string(value: object) -> str:
    if not isinstance(value, str):
        raise _Bad(f"expected a string, got {_describe(value)}")
    if not value.strip():
        raise _Bad("expected a non-empty string")
    return value


def _pattern(regex: re.Pattern[str], what: str) -> Callable[[object], str]:
    def check(value: object) -> str:
        text = _string(value)
        if not regex.match(text):
            raise _Bad(f"{text!r} is not {what}")
        return text

    return check


def _choice(options: tuple[str, ...]) -> Callable[[object], str]:
    def check(value: object) -> str:
        text = _string(value)
        if text not in options:
            close = did_you_mean(text, options)
            hint = f"; {close}" if close else ""
            raise _Bad(f"{text!r} is not one of {', '.join(options)}{hint}")
        return text

    return check


def _date(value: object) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        hint = " (write a TOML date without quotes: 2025-12-31)" if isinstance(value, str) else ""
        raise _Bad(f"expected a date, got {_describe(value)}{hint}")
    return value


def _strings(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _Bad(f"expected an array of strings, got {_describe(value)}")
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise _Bad(f"item {index} should be a non-empty string, got {_describe(item)}")
    if len(set(value)) != len(value):
        raise _Bad("has the same item twice")
    return tuple(value)


def _boolean(value: object) -> bool:
    if not isinstance(value, bool):
        raise _Bad(f"expected true or false, got {_describe(value)}")
    return value


def _integer(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Bad(f"expected an integer, got {_describe(value)}")
    return value


class _Checker:
    """Collects problems for one file while its tables are checked."""

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems

    def problem(self, message: str, where: str | None = None, key: str | None = None,
                hint: str | None = None) -> None:
        self.problems.append(Problem(self.file, message, where, key, hint))

    def table(self, data: object, spec: Mapping[str, tuple[Callable[[object], Any], bool]],
              where: str | None = None, prefix: str = "") -> dict[str, Any] | None:
        """Check a table against ``{key: (check, required)}``; return the
        converted values of the keys that passed, or ``None`` if not a table."""
        if not isinstance(data, dict):
            self.problem(f"expected a table, got {_describe(data)}", where, prefix.rstrip(".")
                         or None)
            return None
        out: dict[str, Any] = {}
        for key, value in data.items():
            if key not in spec:
                hint = did_you_mean(key, spec, prefix=prefix) or (
                    f"known keys: {', '.join(spec)}")
                self.problem("unknown key", where, prefix + key, hint)
                continue
            check = spec[key][0]
            try:
                out[key] = check(value)
            except _Bad as error:
                self.problem(str(error), where, prefix + key)
        for key, (_, required) in spec.items():
            if required and key not in data:
                self.problem("missing required key", where, prefix + key)
        return out

    def keyed(self, data: object, key: str, pattern: re.Pattern[str], joined: str,
              spec: Mapping[str, tuple[Callable[[object], Any], bool]]
              ) -> Iterator[tuple[str, dict[str, Any]]]:
        """The ``[key.<id>]`` tables of a file (measures, bodies), each checked
        against ``spec``: the id and converted values of each that is a table
        with a valid id."""
        top = self.table(data, {key: (lambda v: v, True)})
        if not top or not isinstance(top.get(key), dict):
            if top and key in top:
                self.problem(f"expected [{key}.<id>] tables", key=key)
            return
        for item_id, table in top[key].items():
            where = f"{key} {item_id!r}"
            if not pattern.match(item_id):
                self.problem(f"{key} ids are lowercase words {joined}", where)
                continue
            fields = self.table(table, spec, where)
            if fields is not None:
                yield item_id, fields

    def text(self, value: object) -> Text:
        if not isinstance(value, dict):
            raise _Bad(f"expected a table with zh and en, got {_describe(value)}")
        unknown = sorted(set(value) - {"zh", "en"})
        if unknown:
            raise _Bad(f"unknown key {unknown[0]!r}: a text has only zh and en")
        missing = [k for k in ("zh", "en") if k not in value]
        if missing:
            raise _Bad(f"missing {' and '.join(missing)}")
        return Text(_string(value["zh"]), _string(value["en"]))

    def interpretation(self, value: object) -> Text:
        """A text in zh and en; a plain string (schema 1's older form) is read
        as the same words in both languages, which lint reports."""
        if isinstance(value, str):
            text = _string(value)
            return Text(text, text)
        return self.text(value)

    def period(self, value: object) -> Period:
        if not isinstance(value, dict) or set(value) != {"start", "end"}:
            raise _Bad("expected a table with exactly start and end dates")
        start, end = _date(value["start"]), _date(value["end"])
        if start > end:
            raise _Bad(f"starts {start} after it ends {end}")
        return Period(start, end)


# -- reading ------------------------------------------------------------------


class _Folder:
    """A rulebook folder's files, read safely: a folder may come from an untrusted
    source (a pull request, an archive), so only regular files inside it are read,
    each bounded in size (see docs/security.md).

    1. A symbolic link is followed only to a file inside the folder.
    2. A FIFO, device or socket is never opened: its kind is checked with
       ``stat`` first, and the file is opened non-blocking and checked again.
    3. At most ``MAX_RULEBOOK_FILE_BYTES + 1`` bytes are read from a file, and
       ``MAX_RULEBOOK_FOLDER_BYTES`` from the whole folder.
    """

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.path = path
        self.root = path.resolve()
        self.problems = problems
        self.read_so_far = 0
        #: The SHA-256 of each file read, by name (what a cached model is checked by).
        self.digests: dict[str, str] = {}

    def has(self, name: str) -> bool:
        """Whether the folder has an entry ``name`` (of any kind: a FIFO named
        plan.toml is then refused when read, not mistaken for a missing file)."""
        return os.path.lexists(self.path / name)

    def read(self, name: str, shown: str | None = None) -> bytes | None:
        """The bytes of the file ``name``, or ``None`` with a problem recorded."""
        shown = shown or name
        try:
            data = self._read(self.path / name)
        except _Refused as refusal:
            self.problems.append(Problem(shown, str(refusal), hint=refusal.hint))
            return None
        except OSError as error:
            self.problems.append(Problem(shown, f"cannot read: {error.strerror or error}"))
            return None
        self.read_so_far += len(data)
        if self.read_so_far > MAX_RULEBOOK_FOLDER_BYTES:
            self.problems.append(Problem(shown, f"the folder's files come to more than "
                                         f"{_size(MAX_RULEBOOK_FOLDER_BYTES)}, the limit for "
                                         "a rulebook folder"))
            return None
        self.digests[name] = hashlib.sha256(data).hexdigest()
        return data

    def _read(self, path: Path) -> bytes:
        target = path
        if stat.S_ISLNK(os.lstat(path).st_mode):
            try:
                target = path.resolve(strict=True)
            except (OSError, RuntimeError):
                raise _Refused("is a symbolic link that leads nowhere") from None
            if not target.is_relative_to(self.root):
                raise _Refused("is a symbolic link to a file outside the rulebook folder",
                               "copy the file into the folder") from None
        _check_regular(os.stat(target).st_mode)
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
        descriptor = os.open(target, flags | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(descriptor, "rb") as file:
            # The file may have been swapped since stat: check what was opened.
            _check_regular(os.fstat(file.fileno()).st_mode)
            data = file.read(MAX_RULEBOOK_FILE_BYTES + 1)
        if len(data) > MAX_RULEBOOK_FILE_BYTES:
            raise _Refused(f"is larger than {_size(MAX_RULEBOOK_FILE_BYTES)}, the limit for "
                           "a file of a rulebook")
        return data


class _Refused(Exception):
    """A file of a rulebook folder that is not read, and why."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


def _check_regular(mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise _Refused("is a folder, not a file")
    if not stat.S_ISREG(mode):
        raise _Refused("is not a regular file (a FIFO, device or socket); only plain "
                       "files of a rulebook folder are read")


def _size(count: int) -> str:
    return f"{count // (1024 * 1024)} MiB"


def _read_toml(folder: _Folder, name: str) -> dict[str, Any] | None:
    import tomllib  # noqa: PLC0415 (a folder read from its cache needs no parsing)

    raw = folder.read(name)
    if raw is None:
        return None
    problems = folder.problems
    try:
        # Floats are read as written (Decimal), never through a binary float.
        return tomllib.loads(raw.decode("utf-8"), parse_float=Decimal)
    except UnicodeDecodeError as error:
        problems.append(Problem(name, f"not UTF-8 at byte {error.start}"))
    except tomllib.TOMLDecodeError as error:
        problems.append(Problem(name, f"not valid TOML: {error}"))
    except RecursionError:
        problems.append(Problem(name, "arrays or tables nest too deeply to read"))
    return None


def _rule_file_names(folder: _Folder) -> list[str] | None:
    """The rule files' names (every ``*.toml`` but plan, measures and bodies), or ``None``
    with a problem when the folder holds more entries than a rulebook may."""
    names = []
    with os.scandir(folder.path) as entries:
        for count, entry in enumerate(entries, 1):
            if count > MAX_RULEBOOK_FILES:
                folder.problems.append(Problem(folder.path.name, (
                    f"holds more than {MAX_RULEBOOK_FILES:,} files, the limit for a "
                    "rulebook folder")))
                return None
            if entry.name.endswith(".toml") and entry.name not in _NOT_RULE_FILES:
                names.append(entry.name)
    return sorted(names)


def _load_folder(path: Path, shown: str) -> Rulebook:
    """The rulebook in a folder, with what its rules compile to (from the cache
    when it is valid, see `_cache`); the model itself from the cache when the
    folder's files are those it was made from."""
    shipped = path.resolve() in {p.resolve() for p in shipped_rulebooks().values()}
    compiled = Compiled.for_folder(path, shipped=shipped)
    rulebook = _cached_model(path, compiled)
    if rulebook is None:
        folder = _Folder(path, [])
        with checking(compiled):
            rulebook = _read_folder(folder, shown)
        files = _files(folder, folder.digests)
        if files is not None:
            compiled.keep_model(files, rulebook)
    compiled.bind(rulebook)
    compiled.fill(rulebook)
    return attrs.evolve(rulebook, path=str(path), compiled=compiled)


def _files(folder: _Folder, digests: Mapping[str, str]) -> dict[str, Any] | None:
    """What a model made of the folder is kept by: its TOML files' names (rule
    files and all) and the SHA-256 of each file read (``digests``, those and the
    plan's text). ``None`` when a TOML file was not read (it appeared since)."""
    names = _rule_file_names(folder)
    if names is None:
        return None
    toml = sorted([*names, *(n for n in (PLAN_FILE, MEASURES_FILE, BODIES_FILE) if folder.has(n))])
    if not set(toml) <= digests.keys():
        return None
    return {"toml": toml, "digests": dict(sorted(digests.items()))}


def _cached_model(path: Path, compiled: Compiled) -> Rulebook | None:
    """The cached model of the folder, if its files are byte for byte those it
    was made from (every file read again, as safely as a load reads it)."""
    files = compiled.files
    if not (isinstance(files, dict) and isinstance(files.get("digests"), dict)
            and all(isinstance(n, str) for n in files["digests"])):
        return None
    folder = _Folder(path, [])
    for name in files["digests"]:
        if Path(name).name != name or folder.read(name) is None:
            return None
    if folder.problems or _files(folder, folder.digests) != files:
        return None
    model = compiled.model()
    return model if isinstance(model, Rulebook) else None


def _read_folder(folder: _Folder, shown: str) -> Rulebook:
    path, problems = folder.path, folder.problems
    plan_data = _read_toml(folder, PLAN_FILE)
    plan = _check_plan(folder, plan_data, problems) if plan_data is not None else None
    plan_text = plan["_text"] if plan and "_text" in plan else None

    measures_data = _read_toml(folder, MEASURES_FILE) if folder.has(MEASURES_FILE) else None
    if not folder.has(MEASURES_FILE):
        problems.append(Problem(MEASURES_FILE, "missing: a rulebook declares its measures here"))
    measures = _check_measures(measures_data, problems) if measures_data is not None else {}
    # Measures declared but invalid are reported once, in measures.toml, not again per rule.
    declared = frozenset(measures_data.get("measure", {}) if isinstance(
        measures_data, dict) and isinstance(measures_data.get("measure"), dict) else ())

    bodies_data = _read_toml(folder, BODIES_FILE) if folder.has(BODIES_FILE) else None
    bodies = _check_bodies(bodies_data, plan_text, problems) if bodies_data is not None else {}

    rule_files = _rule_file_names(folder)
    if rule_files == []:
        problems.append(Problem(path.name, "no rule files: add a *.toml file with [[rule]]s"))
    raw_rules: list[tuple[str, dict[str, Any]]] = []
    rules: list[Rule] = []
    unread: list[str] = []
    for name in rule_files or ():
        data = _read_toml(folder, name)
        if data is None:
            unread.append(name)
            continue
        for raw, rule in _check_rule_file(name, data, measures, declared, plan, problems):
            raw_rules.append((name, raw))
            if rule is not None:
                rules.append(_with_bodies(rule, bodies, name, problems))
    _check_rulebook(rules, raw_rules, plan_text, problems, unread)
    if problems or plan is None:
        raise RulebookError(shown, problems)

    # Rules read in the plan's order: by where their quote stands in its text.
    rules.sort(key=lambda rule: (plan_text or "").find(rule.source.quote))
    fingerprint = _fingerprint(plan_data, measures_data, raw_rules, plan_text or "",
                               bodies_data)
    return Rulebook(
        id=plan["id"], version=plan["version"], title=plan["title"], issuer=plan["issuer"],
        status=plan["status"], period=plan["period"], text=plan_text or "",
        measures=measures, rules=tuple(rules), fingerprint=fingerprint, path=str(path),
        published=plan.get("published"), supersedes=plan.get("supersedes"),
        consultation=plan.get("consultation", {}), effective=plan.get("effective"),
        districts=plan.get("districts", ()), ignored=plan.get("_ignored", ()),
        bodies=bodies,
    )


def _check_bodies(data: dict[str, Any], text: str | None, problems: list[Problem]
                  ) -> dict[str, Body]:
    """``bodies.toml``: ``[body.<id>]`` tables, each with ``name`` (zh as the plan
    writes it, en), ``level`` and ``spellings`` (every way the plan writes it)."""
    checker = _Checker(BODIES_FILE, problems)
    bodies: dict[str, Body] = {}
    owner: dict[str, str] = {}
    for body_id, fields in checker.keyed(data, "body", _BODY_ID, "joined by '-'", {
        "name": (checker.text, True),
        "level": (_choice(BODY_LEVELS), True),
        "spellings": (_strings, False),
    }):
        where = f"body {body_id!r}"
        if "name" not in fields or "level" not in fields:
            continue
        spellings = tuple(dict.fromkeys((fields["name"].zh, *fields.get("spellings", ()))))
        for spelling in spellings:
            if spelling in owner:
                checker.problem(f"{spelling!r} is already a spelling of body "
                                f"{owner[spelling]!r}", where, "spellings")
            owner[spelling] = body_id
            if text is not None and spelling not in text:
                checker.problem(f"{spelling!r} is not in the plan's text", where, "spellings",
                                "a spelling is the plan's own words")
        bodies[body_id] = Body(body_id, fields["name"], fields["level"], spellings)
    return bodies


def _with_bodies(rule: Rule, bodies: Mapping[str, Body], file: str,
                 problems: list[Problem]) -> Rule:
    """The rule with the body id of each responsible entry, when the rulebook
    declares bodies; an entry that no body spells is a problem."""
    if not bodies:
        return rule
    spelled = {spelling: body.id for body in bodies.values() for spelling in body.spellings}
    ids = []
    for index, name in enumerate(rule.responsible):
        body_id = spelled.get(name)
        if body_id is None:
            problems.append(Problem(
                file, f"responsible {name!r} is no body's spelling", f"rule {rule.id!r}",
                f"responsible[{index}]",
                did_you_mean(name, spelled) or f"add it to a body's spellings in {BODIES_FILE}"))
            continue
        ids.append(body_id)
    return attrs.evolve(rule, bodies=tuple(ids))


def _check_plan(folder: _Folder, data: dict[str, Any], problems: list[Problem]
                ) -> dict[str, Any] | None:
    checker = _Checker(PLAN_FILE, problems)

    def schema_version(value: object) -> int:
        number = _integer(value)
        if number != SCHEMA_VERSION:
            raise _Bad(f"this qrules reads schema_version {SCHEMA_VERSION}, got {number}")
        return number

    plan = checker.table(data, {
        "schema_version": (schema_version, True),
        "id": (_pattern(_RULEBOOK_ID, "a rulebook id (lowercase words joined by '-')"), True),
        "version": (_pattern(_VERSION, "a version MAJOR.MINOR.PATCH"), True),
        "status": (_choice(STATUSES), True),
        "text": (_string, True),
        "title": (checker.text, True),
        "issuer": (checker.text, True),
        "period": (checker.period, True),
        "effective": (checker.period, False),
        "districts": (_strings, False),
        "ignore": (lambda v: v, False),
        "published": (_date, False),
        "supersedes": (_pattern(_SUPERSEDES, "a rulebook id@version"), False),
        "consultation": (lambda v: v, False),
    })
    if plan is None:
        return None
    if "text" in plan:
        name = plan["text"]
        if Path(name).name != name or name in (".", ".."):
            checker.problem("must be a file name beside plan.toml, not a path", key="text")
        elif not folder.has(name):
            checker.problem(f"the plan's text {name!r} is not in the folder", key="text")
        elif (raw := folder.read(name)) is not None:
            try:
                plan["_text"] = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                checker.problem(f"{name} is not UTF-8 (byte {error.start})", key="text")
    if "consultation" in plan:
        _check_consultation(checker, plan["consultation"], plan.get("_text"))
    if "ignore" in plan:
        plan["_ignored"] = _check_ignored(checker, plan["ignore"], plan.get("_text"))
    return plan


def _check_ignored(checker: _Checker, data: object, text: str | None) -> tuple[Ignored, ...]:
    """``[[ignore]]``: lint findings the rulebook expects, each with its reason."""
    if not isinstance(data, list):
        checker.problem(f"expected [[ignore]] tables, got {_describe(data)}", key="ignore")
        return ()
    found = []
    for index, table in enumerate(data):
        where = f"ignore #{index + 1}"
        fields = checker.table(table, {
            "code": (_choice(IGNORABLE), False),
            "quote": (_string, True),
            "reason": (_string, True),
        }, where, prefix=f"ignore[{index}].")
        if fields is None or "quote" not in fields or "reason" not in fields:
            continue
        if text is not None and fields["quote"] not in text:
            checker.problem("is not in the plan's text", where, f"ignore[{index}].quote",
                            _nearest_hint(fields["quote"], text))
            continue
        found.append(Ignored(fields.get("code", IGNORABLE[0]), fields["quote"],
                             fields["reason"]))
    return tuple(found)


def _check_consultation(checker: _Checker, data: object, text: str | None) -> None:
    if not isinstance(data, dict):
        checker.problem(f"expected a table, got {_describe(data)}", key="consultation")
        return

    def scalar(key: str, value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, str | int | dt.date):
            checker.problem(f"expected a string, integer or date, got {_describe(value)}",
                            key=key)
        elif (key.endswith(".quote") and text is not None and isinstance(value, str)
              and value not in text):
            checker.problem("quote is not in the plan's text", key=key,
                            hint="copy it from plan.txt exactly")

    for key, value in data.items():
        path = f"consultation.{key}"
        if isinstance(value, list):
            for index, item in enumerate(value):
                if not isinstance(item, dict):
                    checker.problem(f"expected a table, got {_describe(item)}",
                                    key=f"{path}[{index}]")
                    continue
                for inner, inner_value in item.items():
                    scalar(f"{path}[{index}].{inner}", inner_value)
        else:
            scalar(path, value)


def _check_measures(data: dict[str, Any], problems: list[Problem]) -> dict[str, Measure]:
    checker = _Checker(MEASURES_FILE, problems)
    raw = dict(checker.keyed(data, "measure", MEASURE_ID, "joined by '_'", {
        "name": (checker.text, True),
        "unit": (_choice(tuple(UNITS)), True),
        "formula": (_string, False),
        "note": (_string, False),
        "lower": (_number, False),
        "upper": (_number, False),
        "at_most": (_names, False),
    }))
    for measure_id, fields in raw.items():
        _check_bounds(checker, measure_id, fields, raw)
    formulas: dict[str, Expression] = {}
    for measure_id, fields in raw.items():
        if "formula" in fields:
            try:
                formula = parse_formula(fields["formula"])
            except ExpressionError as error:
                checker.problem(str(error), f"measure {measure_id!r}", "formula")
                continue
            unknown = sorted(formula.names - raw.keys())
            for name in unknown:
                checker.problem(f"formula refers to unknown measure {name!r}",
                                f"measure {measure_id!r}", "formula", did_you_mean(name, raw))
            if not unknown:
                formulas[measure_id] = formula
    cyclic = _cycles(formulas)
    for measure_id in cyclic:
        checker.problem("formula refers to its own measure, directly or through others",
                        f"measure {measure_id!r}", "formula")
    if not cyclic:
        for measure_id, problem in _too_large(formulas):
            checker.problem(problem, f"measure {measure_id!r}", "formula")
    measures = {}
    for measure_id, fields in raw.items():
        if "name" not in fields or "unit" not in fields:
            continue
        measure = Measure(measure_id, fields["name"], UNITS[fields["unit"]],
                          formulas.get(measure_id), fields.get("note"),
                          at_most=fields.get("at_most", ()))
        if "lower" in fields or "upper" in fields:
            measure = attrs.evolve(measure, lower=fields.get("lower", measure.lower),
                                   upper=fields.get("upper", measure.upper))
        measures[measure_id] = measure
    for measure_id, formula in formulas.items():
        if not formula.names:
            checker.problem(f"formula {str(formula)!r} names no measure: its value would not "
                            "depend on the data", f"measure {measure_id!r}", "formula")
        elif _divides_by_zero(formula):
            checker.problem(f"formula {str(formula)!r} divides by zero whatever the data",
                            f"measure {measure_id!r}", "formula")
    return measures


def _divides_by_zero(formula: Expression) -> bool:
    """`divides_by_zero`, kept in the cache by the formula's text (it needs sympy)."""
    return checked(("divides_by_zero", formula.text), lambda: divides_by_zero(formula.tree),
                   encode=bool, decode=_exactly_bool)


def _exactly_bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError("not a bool")
    return value


def _ignores_data(requirement: Expression, measure: str,
                  bounds: Callable[[str], tuple[Fraction, Fraction | None]]
                  ) -> list[tuple[str, tuple[int, int]]]:
    """`ignores_data`, kept in the cache by all it depends on: the requirement's
    text, the rule's measure and the bounds of the measures it names."""
    limits = [[name, str(low), None if high is None else str(high)]
              for name in sorted(requirement.names) for low, high in [bounds(name)]]
    return checked(("ignores_data", measure, requirement.text, limits),
                   lambda: ignores_data(requirement.tree, bounds),
                   encode=lambda found: [[m, list(span)] for m, span in found],
                   decode=_findings)


def _findings(value: object) -> list[tuple[str, tuple[int, int]]]:
    if not isinstance(value, list):
        raise ValueError("not a list")
    found = []
    for item in value:
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)
                and isinstance(item[1], list) and len(item[1]) == 2
                and all(type(n) is int for n in item[1])):
            raise ValueError("not a finding")
        found.append((item[0], (item[1][0], item[1][1])))
    return found


def _number(value: object) -> Fraction:
    """A bound: an integer or a decimal (read as written, never as a binary float)."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise _Bad(f"expected a number, got {_describe(value)}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise _Bad(f"expected a finite number, got {value}")
    return Fraction(value)


def _names(value: object) -> tuple[str, ...]:
    """A measure id or an array of them."""
    names = _strings(value) if isinstance(value, list) else (_string(value),)
    if not names:
        raise _Bad("expected a measure id or a non-empty array of them")
    return names


def _check_bounds(checker: _Checker, measure_id: str, fields: Mapping[str, Any],
                  raw: Mapping[str, Mapping[str, Any]]) -> None:
    """``lower``, ``upper`` and ``at_most``: plausible, and naming measures that exist."""
    where = f"measure {measure_id!r}"
    lower, upper = fields.get("lower", Fraction(0)), fields.get("upper")
    if lower < 0:
        checker.problem(f"lower is {format_number(lower)}; values are never negative in qrules",
                        where, "lower")
    elif upper is not None and upper < 0:
        checker.problem(f"upper is {format_number(upper)}; values are never negative in qrules",
                        where, "upper")
    else:
        unit = UNITS.get(fields.get("unit", ""))
        shown = f"upper {format_number(upper)}" if upper is not None else ""
        if upper is None and unit is not None and unit.upper is not None:
            shown, upper = f"the {unit.id} unit's bound {unit.upper}", Fraction(unit.upper)
        if upper is not None and lower > upper:
            checker.problem(f"lower {format_number(lower)} is above {shown}: no value would "
                            "be plausible", where, "lower")
    for other in fields.get("at_most", ()):
        if other == measure_id:
            checker.problem("a measure cannot be bounded by itself", where, "at_most")
        elif other not in raw:
            checker.problem(f"at_most names unknown measure {other!r}", where, "at_most",
                            did_you_mean(other, raw))
        elif "unit" in fields and raw[other].get("unit", fields["unit"]) != fields["unit"]:
            checker.problem(f"at_most compares measures in the same unit; {other!r} is in "
                            f"{raw[other]['unit']}, {measure_id!r} in {fields['unit']}",
                            where, "at_most")


#: How deep formulas may refer to formulas, and how large a formula may grow
#: once every measure in it is replaced by its own formula.
MAX_FORMULA_DEPTH = 16
MAX_EXPANDED_SIZE = 10_000


def _too_large(formulas: Mapping[str, Expression]) -> list[tuple[str, str]]:
    """Formulas that refer too deep, or expand too large (``m = n * n`` over a
    chain doubles at each step): each would cost time exponential in its text."""
    depth: dict[str, int] = {}
    size: dict[str, int] = {}

    def visit(name: str) -> None:
        # Iterative post-order, so that a long chain cannot exhaust the stack.
        stack = [(name, False)]
        while stack:
            current, done = stack.pop()
            if current in depth:
                continue
            children = [n for n in formulas[current].names if n in formulas]
            if not done:
                stack.append((current, True))
                stack.extend((child, False) for child in children if child not in depth)
                continue
            depth[current] = 1 + max((depth[c] for c in children), default=0)
            occurrences = _occurrences(formulas[current])
            size[current] = sum(
                count * (size[n] if n in formulas else 1) for n, count in occurrences.items()
            ) + len(occurrences)

    found = []
    for name in formulas:
        visit(name)
        if depth[name] > MAX_FORMULA_DEPTH:
            found.append((name, f"formulas refer to formulas {depth[name]} deep; "
                                f"the limit is {MAX_FORMULA_DEPTH}"))
        elif size[name] > MAX_EXPANDED_SIZE:
            found.append((name, f"formula grows to {size[name]} terms once its measures' "
                                f"formulas are put in; the limit is {MAX_EXPANDED_SIZE}"))
    return found


def _occurrences(formula: Expression) -> dict[str, int]:
    """How often each measure occurs in a formula's text."""
    return dict(Counter(iter_names(formula.tree)))


def _cycles(formulas: Mapping[str, Expression]) -> list[str]:
    """Measures whose formulas reach themselves."""
    found = []
    for start in formulas:
        stack, seen = list(formulas[start].names), set()
        while stack:
            name = stack.pop()
            if name == start:
                found.append(start)
                break
            if name in seen or name not in formulas:
                continue
            seen.add(name)
            stack.extend(formulas[name].names)
    return found


def _check_rule_file(
    name: str, data: dict[str, Any], measures: Mapping[str, Measure], declared: frozenset[str],
    plan: Mapping[str, Any] | None, problems: list[Problem],
) -> Iterator[tuple[dict[str, Any], Rule | None]]:
    checker = _Checker(name, problems)
    top = checker.table(data, {"rule": (lambda v: v, True)})
    if not top or "rule" not in top:
        return
    if not isinstance(top["rule"], list) or not top["rule"]:
        checker.problem("expected one or more [[rule]] tables", key="rule")
        return
    for index, table in enumerate(top["rule"]):
        raw_id = table.get("id") if isinstance(table, dict) else None
        where = f"rule {raw_id!r}" if isinstance(raw_id, str) else f"rule #{index + 1}"
        yield (table if isinstance(table, dict) else {},
               _check_rule(checker, table, where, measures, declared, plan))


def _check_rule(checker: _Checker, table: object, where: str, measures: Mapping[str, Measure],
                declared: frozenset[str], plan: Mapping[str, Any] | None) -> Rule | None:
    before = len(checker.problems)
    fields = checker.table(table, {
        "id": (_pattern(_RULE_ID, "a rule id (lowercase words joined by '-')"), True),
        "title": (checker.text, True),
        "measure": (_string, True),
        "aggregation": (_choice(AGGREGATIONS), True),
        "requirement": (_string, False),
        "targets": (lambda v: v, False),
        "ends": (_date, False),
        "due": (_date, False),
        "period": (checker.period, False),
        "responsible": (_responsible, True),
        "strength": (_choice(STRENGTHS), False),
        "interpretation": (checker.interpretation, False),
        "alternatives": (lambda v: v, False),
        "related": (_strings, False),
        "tags": (_strings, False),
        "source": (lambda v: v, True),
        "records": (lambda v: v, False),
        "scope": (_choice(SCOPES), False),
        "districts": (lambda v: v, False),
    }, where)
    if fields is None:
        return None
    measure = None
    if "measure" in fields:
        measure = measures.get(fields["measure"])
        if measure is None and fields["measure"] not in declared:
            checker.problem(f"unknown measure {fields['measure']!r}", where, "measure",
                            did_you_mean(fields["measure"], measures)
                            or "declare it in measures.toml")
    text = plan.get("_text") if plan else None
    plan_period: Period | None = plan.get("period") if plan else None
    requirement, targets = _check_requirement(checker, fields, where, measures, measure,
                                              declared, text, plan_period)
    aggregation = fields.get("aggregation")
    if aggregation == Aggregation.EVERY_YEAR.value:
        if "due" in fields:
            checker.problem("an every_year rule has no due date; give its years as period",
                            where, "due")
    elif aggregation is not None:
        if "due" not in fields and "due" not in (table if isinstance(table, dict) else {}):
            checker.problem(f"missing required key (a {aggregation} rule needs a due date)",
                            where, "due")
        if "period" in fields:
            checker.problem("period is for every_year rules; this rule has a due date",
                            where, "period")
    if plan_period is not None:
        if "due" in fields and fields["due"] not in plan_period:
            checker.problem(f"due {fields['due']} is outside the plan's period "
                            f"{plan_period.start}–{plan_period.end}", where, "due")
        if "period" in fields and not (fields["period"].start in plan_period
                                       and fields["period"].end in plan_period):
            checker.problem("period is outside the plan's period", where, "period")
    source = _check_source(checker, table.get("source") if isinstance(table, dict) else None,
                           where, text) if "source" in fields else None
    records = _check_records(checker, fields["records"], where, measure,
                             aggregation) if "records" in fields else None
    districts = _check_districts(checker, fields["districts"], where, _requirement_parser(
        checker, where, measures, measure, declared)) if "districts" in fields else ()
    if source is not None and source.inferred and "interpretation" not in fields:
        checker.problem("an inferred source needs an interpretation saying from where and why",
                        where, "source.inferred")
    alternatives = _check_alternatives(checker, fields["alternatives"], where, fields,
                                       measure, declared) if "alternatives" in fields else ()
    if len(checker.problems) != before or measure is None or requirement is None \
            or source is None:
        return None
    names, open_ = fields["responsible"]
    rule = Rule(
        id=fields["id"], title=fields["title"], measure=measure,
        aggregation=Aggregation(fields["aggregation"]), requirement=requirement,
        source=source, responsible=names, responsible_open=open_, file=checker.file,
        due=fields.get("due"), period=fields.get("period"),
        strength=fields.get("strength", "firm"), interpretation=fields.get("interpretation"),
        related=fields.get("related", ()), tags=fields.get("tags", ()), records=records,
        targets=tuple(_with_section(t, source.section) for t in targets),
        ends=fields.get("ends"), alternatives=alternatives, scope=fields.get("scope", "city"),
        districts=districts,
    )
    if text is not None:
        # The requirement must be a target the quote writes (or say why not).
        from ._quotes import quote_mismatches  # noqa: PLC0415 (as tomllib, above)

        for mismatch in quote_mismatches(rule):
            checker.problem(mismatch.message().en, where, mismatch.key, mismatch.hint().en)
        if len(checker.problems) != before:
            return None
    return rule


def _check_districts(checker: _Checker, data: object, where: str,
                     requirement_of: Callable[[str, str], Expression | None]
                     ) -> tuple[tuple[str, Expression], ...]:
    """``[rule.districts]``: a district's own target, ``芝罘区 = ">= 12"``."""
    if not isinstance(data, dict) or not data:
        checker.problem("expected a table of district = requirement", where, "districts",
                        'e.g. [rule.districts] then 芝罘区 = ">= 12"')
        return ()
    found = []
    for name, written in data.items():
        key = f"districts.{name}"
        if not name.strip() or name != name.strip():
            checker.problem("a district is named as the dataset names it, without spaces "
                            "around", where, key)
            continue
        try:
            requirement = requirement_of(_string(written), key)
        except _Bad as error:
            checker.problem(str(error), where, key)
            continue
        if requirement is not None:
            found.append((name, requirement))
    return tuple(found)
def _responsible(value: object) -> tuple[tuple[str, ...], bool]:
    """``responsible``: the plan's list, verbatim, as an array, or as a table
    ``{ names = [...], open = true }`` when the plan closes it with 等."""
    if not isinstance(value, dict):
        return _strings(value), False
    unknown = sorted(set(value) - {"names", "open"})
    if unknown:
        raise _Bad(f"unknown key {unknown[0]!r}: a responsible table has names and open")
    if "names" not in value:
        raise _Bad("missing names (the plan's list, verbatim)")
    open_ = value.get("open", False)
    if not isinstance(open_, bool):
        raise _Bad(f"open should be true or false, got {_describe(open_)}")
    names = _strings(value["names"])
    if open_ and not names:
        raise _Bad("an open list (closed with 等) names at least one body")
    return names, open_


def _check_alternatives(checker: _Checker, data: object, where: str,
                        fields: Mapping[str, Any], measure: Measure | None,
                        declared: frozenset[str]) -> tuple[Alternative, ...]:
    """``[[rule.alternatives]]``: other readings the plan supports, each with its
    ``reading`` (zh and en) and what it changes: aggregation, requirement,
    strength, due. What it leaves out is as the rule has it; a reading that
    changes none of them (a wider measure, another window) says so in words."""
    if not isinstance(data, list) or not data:
        checker.problem("expected one or more [[rule.alternatives]] tables", where,
                        "alternatives")
        return ()
    found = []
    for index, table in enumerate(data):
        key = f"alternatives[{index}]"
        alt = checker.table(table, {
            "reading": (checker.text, True),
            "aggregation": (_choice(AGGREGATIONS), False),
            "requirement": (_string, False),
            "strength": (_choice(STRENGTHS), False),
            "due": (_date, False),
        }, where, prefix=f"{key}.")
        if alt is None or "reading" not in alt:
            continue
        requirement = None
        if "requirement" in alt and measure is not None:
            try:
                requirement = parse_requirement(alt["requirement"], measure.id)
            except ExpressionError as error:
                checker.problem(str(error), where, f"{key}.requirement")
                continue
            for unknown in sorted(requirement.names - declared):
                checker.problem(f"requirement refers to unknown measure {unknown!r}", where,
                                f"{key}.requirement")
        aggregation = alt.get("aggregation", fields.get("aggregation"))
        every_year = aggregation == Aggregation.EVERY_YEAR.value
        if every_year and "due" in alt:
            checker.problem("an every_year reading has no due date", where, f"{key}.due")
        elif not every_year and "due" not in alt and "due" not in fields:
            checker.problem(f"a {aggregation} reading needs a due date (the rule has none)",
                            where, f"{key}.due")
        found.append(Alternative(
            alt["reading"], None if "aggregation" not in alt else Aggregation(alt["aggregation"]),
            requirement, alt.get("strength"), alt.get("due")))
    return tuple(found)


def _with_section(target: DatedTarget, section: str) -> DatedTarget:
    """A target quoted without a section of its own stands in the rule's section."""
    if target.source is None or target.source.section:
        return target
    return attrs.evolve(target, source=attrs.evolve(target.source, section=section))


def _requirement_parser(checker: _Checker, where: str, measures: Mapping[str, Measure],
                        measure: Measure | None, declared: frozenset[str]
                        ) -> Callable[[str, str], Expression | None]:
    """Parse a requirement on the rule's measure, reporting what is wrong with it
    (a measure not declared, a comparison that ignores the data)."""
    def parse(written: str, key: str) -> Expression | None:
        if measure is None:
            return None
        try:
            parsed = parse_requirement(written, measure.id)
        except ExpressionError as error:
            checker.problem(str(error), where, key)
            return None
        unknown = sorted(parsed.names - declared)
        for name in unknown:
            checker.problem(f"requirement refers to unknown measure {name!r}", where, key)
        if not unknown:
            for message, (start, end) in _ignores_data(parsed, measure.id, bounds):
                checker.problem(str(ExpressionError(message, written, start, end)), where, key,
                                "a requirement must be able to tell data that meets the plan "
                                "from data that does not")
        return parsed

    def bounds(name: str) -> tuple[Fraction, Fraction | None]:
        found = measures.get(name)
        return (Fraction(0), None) if found is None else (found.lower, found.upper)

    return parse


def _check_requirement(
    checker: _Checker, fields: Mapping[str, Any], where: str, measures: Mapping[str, Measure],
    measure: Measure | None, declared: frozenset[str], text: str | None,
    plan_period: Period | None,
) -> tuple[Expression | None, tuple[DatedTarget, ...]]:
    """A rule's ``requirement``, or its dated ``[[rule.targets]]`` (the last of
    which is then its requirement), and its ``ends``."""
    requirement_of = _requirement_parser(checker, where, measures, measure, declared)
    requirement = None
    targets: tuple[DatedTarget, ...] = ()
    if "requirement" in fields and "targets" in fields:
        checker.problem("give either requirement or [[rule.targets]], not both", where,
                        "targets")
    elif "targets" in fields:
        targets = _check_targets(checker, fields["targets"], where, requirement_of, text,
                                 plan_period)
        requirement = targets[-1].requirement if targets else None
    elif "requirement" in fields:
        requirement = requirement_of(fields["requirement"], "requirement")
    else:
        checker.problem("missing required key (or give dated [[rule.targets]])", where,
                        "requirement")
    if "ends" in fields:
        if plan_period is not None and fields["ends"] not in plan_period:
            checker.problem(f"ends {fields['ends']} is outside the plan's period", where, "ends")
        if targets and fields["ends"] < targets[0].start:
            checker.problem("the rule ends before its first target starts", where, "ends")
    return requirement, targets


def _check_targets(checker: _Checker, data: object, where: str,
                   requirement_of: Callable[[str, str], Expression | None],
                   text: str | None, plan_period: Period | None) -> tuple[DatedTarget, ...]:
    """``[[rule.targets]]``: the requirement's dated values, each from a date on."""
    if not isinstance(data, list) or not data:
        checker.problem("expected one or more [[rule.targets]] tables", where, "targets")
        return ()
    found: list[DatedTarget] = []
    complete = True
    for index, table in enumerate(data):
        key = f"targets[{index}]"
        fields = checker.table(table, {
            "from": (_date, True),
            "requirement": (_string, True),
            "quote": (_string, False),
            "section": (_string, False),
        }, where, prefix=f"{key}.")
        if fields is None or "from" not in fields or "requirement" not in fields:
            complete = False
            continue
        requirement = requirement_of(fields["requirement"], f"{key}.requirement")
        if requirement is None:
            complete = False
            continue
        start = fields["from"]
        if plan_period is not None and start not in plan_period:
            checker.problem(f"{start} is outside the plan's period", where, f"{key}.from")
        if found and start <= found[-1].start:
            checker.problem(f"{start} does not come after the previous target's "
                            f"{found[-1].start}", where, f"{key}.from")
        source = None
        if "quote" in fields:
            if text is not None and fields["quote"] not in text:
                checker.problem("is not in the plan's text", where, f"{key}.quote",
                                _nearest_hint(fields["quote"], text))
            source = Source(fields.get("section", ""), fields["quote"])
        elif "section" in fields:
            checker.problem("a target's section goes with its own quote", where,
                            f"{key}.section")
        found.append(DatedTarget(start, requirement, source))
    return tuple(found) if complete else ()


def _codes(options: Mapping[str, object] | None, what: str) -> Callable[[object], tuple[str, ...]]:
    """A code or an array of codes, each one of ``options`` (any text if ``None``)."""
    def check(value: object) -> tuple[str, ...]:
        values = _strings(value) if isinstance(value, list) else (_string(value),)
        if not values:
            raise _Bad("expected a string or a non-empty array of strings")
        for code in values:
            if options is not None and code not in options:
                hint = did_you_mean(code, options) or (
                    f"{what} codes are {', '.join(options)}; map other codes in a mapping file")
                raise _Bad(f"{code!r} is not a canonical {what} ({hint})")
        return values

    return check


def _positive(value: object) -> int:
    number = _integer(value)
    if number < 1:
        raise _Bad(f"expected an integer of at least 1, got {number}")
    return number


def _check_records(checker: _Checker, data: object, where: str, measure: Measure | None,
                   aggregation: str | None) -> RecordSpec | None:
    """``[rule.records]``: see docs/rule-files.md and docs/records.md."""
    before = len(checker.problems)
    fields = checker.table(data, {
        "population": (lambda v: v, False),
        "meeting": (_pattern(MEASURE_ID, "a measure id"), True),
        "total": (_pattern(MEASURE_ID, "a measure id"), True),
        "each": (lambda v: v, True),
    }, where, prefix="records.")
    if fields is None:
        return None
    population: list[tuple[str, tuple[str | bool, ...]]] = []
    raw_population = fields.get("population", {})
    if not isinstance(raw_population, dict):
        checker.problem(f"expected a table, got {_describe(raw_population)}", where,
                        "records.population")
        raw_population = {}
    for column, value in raw_population.items():
        key = f"records.population.{column}"
        if column not in POPULATION_COLUMNS:
            checker.problem(f"unknown register column {column!r}", where, key,
                            did_you_mean(column, POPULATION_COLUMNS)
                            or f"columns are {', '.join(POPULATION_COLUMNS)}")
            continue
        if column in FLAGS:
            if not isinstance(value, bool):
                checker.problem(f"a flag is selected with true or false, got {_describe(value)}",
                                where, key)
            else:
                population.append((column, (value,)))
            continue
        options = CODES.get(column)
        try:
            population.append((column, _codes(options, column.replace("_", " "))(value)))
        except _Bad as error:
            checker.problem(str(error), where, key)
    each = None
    if "each" in fields:
        each = checker.table(fields["each"], {
            "inspections": (_positive, False),
            "kind": (_codes(KINDS, "kind"), False),
            "result": (_codes(RESULTS, "result"), False),
            "flag": (_choice(tuple(FLAGS)), False),
        }, where, prefix="records.each.")
    if each is not None and isinstance(fields["each"], dict):
        given = fields["each"]
        if ("inspections" in given) == ("flag" in given):
            checker.problem("give either inspections (with kind and result, optionally) or flag",
                            where, "records.each")
        elif "flag" in given:
            for key in ("kind", "result"):
                if key in given:
                    checker.problem(f"{key} is for inspections, not for a flag", where,
                                    f"records.each.{key}")
    if aggregation is not None and aggregation not in (Aggregation.LEVEL.value,
                                                       Aggregation.EVERY_YEAR.value):
        checker.problem(f"records are judged year by year: a {aggregation} rule cannot have "
                        "them (use level or every_year)", where, "records")
    if measure is not None and "meeting" in fields and "total" in fields:
        _check_share(checker, where, measure, fields["meeting"], fields["total"])
    if len(checker.problems) != before or each is None:
        return None
    return RecordSpec(
        meeting=fields["meeting"], total=fields["total"], population=tuple(sorted(population)),
        inspections=each.get("inspections"), kinds=each.get("kind"),
        results=each.get("result"), flag=each.get("flag"),
    )


def _check_share(checker: _Checker, where: str, measure: Measure, meeting: str,
                 total: str) -> None:
    """The rule's measure must be ``100 * meeting / total``, over two counts."""
    formula = measure.formula
    tree = formula.tree if formula is not None else None
    shape = (isinstance(tree, BinaryOp) and tree.op == "/" and isinstance(tree.right, Name)
             and isinstance(tree.left, BinaryOp) and tree.left.op == "*"
             and isinstance(tree.left.left, Number) and tree.left.left.value == 100
             and isinstance(tree.left.right, Name))
    written = "no formula" if formula is None else f"the formula {str(formula)!r}"
    if not shape:
        checker.problem(f"records need the rule's measure to be a share of two counts, "
                        f"'100 * {meeting} / {total}'; {measure.id!r} has {written}",
                        where, "records")
        return
    assert isinstance(tree, BinaryOp)
    assert isinstance(tree.left, BinaryOp)
    assert isinstance(tree.left.right, Name)
    assert isinstance(tree.right, Name)
    for key, name, expected in (("meeting", meeting, tree.left.right.id),
                                ("total", total, tree.right.id)):
        if name != expected:
            role = "numerator" if key == "meeting" else "denominator"
            checker.problem(f"{name!r} is not the {role} of {measure.id!r} "
                            f"({str(formula)!r}); {key} is {expected!r}", where,
                            f"records.{key}")


def _check_source(checker: _Checker, data: object, where: str, text: str | None
                  ) -> Source | None:
    fields = checker.table(data, {
        "section": (_string, True),
        "quote": (_string, True),
        "indicator_source": (_string, False),
        "data_source": (_string, False),
        "inferred": (_boolean, False),
    }, where, prefix="source.")
    if fields is None:
        return None
    if text is not None:
        for key in ("quote", "indicator_source", "data_source"):
            if key in fields and fields[key] not in text:
                checker.problem("is not in the plan's text", where, f"source.{key}",
                                _nearest_hint(fields[key], text))
    if "section" not in fields or "quote" not in fields:
        return None
    if fields.get("inferred") and not ("indicator_source" in fields or "data_source" in fields):
        checker.problem("inferred is said of an indicator_source or data_source; this "
                        "source has neither", where, "source.inferred")
    return Source(fields["section"], fields["quote"], fields.get("indicator_source"),
                  fields.get("data_source"), fields.get("inferred", False))


def _nearest_hint(quote: str, text: str) -> str:
    """Point at the longest prefix of a quote that the text does contain."""
    low, high = 0, len(quote)
    while low < high:
        middle = (low + high + 1) // 2
        if quote[:middle] in text:
            low = middle
        else:
            high = middle - 1
    if low == 0:
        return "copy it from plan.txt exactly"
    return (f"the text matches up to {quote[:low][-12:]!r}, then differs at "
            f"{quote[low:low + 12]!r}; copy it from plan.txt exactly")


def _check_rulebook(rules: list[Rule], raw: list[tuple[str, dict[str, Any]]],
                    text: str | None, problems: list[Problem], unread: list[str]) -> None:
    """What no single file can check: duplicate rule ids and related rules.

    A related rule that is not found is not reported while a rule file could
    not be read (``unread``): it may well be there, and the file's own problem
    says what to fix first."""
    seen: dict[str, str] = {}
    for file, table in raw:
        rule_id = table.get("id")
        if not isinstance(rule_id, str):
            continue
        if rule_id in seen:
            problems.append(Problem(file, f"duplicate rule id (first in {seen[rule_id]})",
                                    f"rule {rule_id!r}", "id"))
        else:
            seen[rule_id] = file
    for file, table in raw:
        related = table.get("related")
        if not isinstance(related, list):
            continue
        for other in related:
            if isinstance(other, str) and other not in seen and not unread:
                problems.append(Problem(file, f"related rule {other!r} does not exist",
                                        f"rule {table.get('id')!r}", "related",
                                        did_you_mean(other, seen)))
            elif other == table.get("id"):
                problems.append(Problem(file, "a rule cannot be related to itself",
                                        f"rule {other!r}", "related"))


def _fingerprint(plan: Any, measures: Any, rules: list[tuple[str, dict[str, Any]]],
                 text: str, bodies: Any = None) -> str:
    """A SHA-256 of the rulebook's content, independent of file layout and order."""
    content: dict[str, Any] = {} if bodies is None else {"bodies": bodies}
    content |= {
        "plan": plan,
        "measures": measures,
        "rules": sorted((r for _, r in rules), key=lambda r: str(r.get("id"))),
        "text": hashlib.sha256(text.encode("utf-8")).hexdigest(),
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str,
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
