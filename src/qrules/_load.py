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
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs

from ._boundary import os_reason, toml_error, toml_long_integer, toml_number
from ._cache import Compiled, checked, checking
from ._compile import divides_by_zero, ignores_data
from ._errors import (
    ExpressionError,
    Problem,
    RulebookError,
    RulebookNotFoundError,
    suggestion,
)
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
from ._limits import (
    MAX_INTERPRETATION_CHARS,
    MAX_QUOTE_CHARS,
    MAX_RULEBOOK_FILE_BYTES,
    MAX_RULEBOOK_FILES,
    MAX_RULEBOOK_FOLDER_BYTES,
)
from ._messages import MESSAGES, joined, listed, say
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
    Source,
    Text,
)
from ._recordspec import FLAGS, KINDS, POPULATION_COLUMNS, RECORD_CODES, RESULTS, RecordSpec
from ._rulebook import Rulebook
from ._snapshot import SnapshotError, decode, encode

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
    every output (`Rulebook.describe`), so it is never taken for the shipped one.

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
            raise RulebookNotFoundError(say("load.no_folder", folder=text))
        if not os.path.lexists(path / PLAN_FILE):
            raise RulebookNotFoundError(say("load.no_plan", folder=text, plan=PLAN_FILE))
        rulebook = _load_folder(path, text)
        home = shipped.get(rulebook.id)
        if home is not None and home.resolve() != path.resolve():
            rulebook = attrs.evolve(rulebook, origin=text)
        return _at(rulebook, as_of)
    if text not in shipped:
        names = listed(sorted(shipped)) if shipped else say("cli.none")
        close = suggestion(text, shipped)
        raise RulebookNotFoundError(
            say(
                "load.not_shipped",
                name=text,
                close=say("cli.close", close=close) if close else "",
                names=names,
                folder=say("load.folder_is", folder=text)
                if Path(text).is_dir()
                else say("load.give_folder"),
            )
        )
    return _at(_load_folder(shipped[text], text), as_of)


def _at(rulebook: Rulebook, as_of: dt.date | None) -> Rulebook:
    return rulebook if as_of is None else rulebook.in_force(as_of)


# -- field checking -----------------------------------------------------------


class _Bad(Exception):
    """A value that fails its check; the message says what was expected.
    ``said`` is the message in both languages (``str()`` its English)."""

    def __init__(self, said: Text) -> None:
        self.said = said
        super().__init__(said.en)


_KINDS = {
    str: "kind.string",
    int: "kind.integer",
    Decimal: "kind.float",
    bool: "kind.boolean",
    list: "kind.array",
    dict: "kind.table",
    dt.date: "kind.date",
    dt.datetime: "kind.datetime",
    dt.time: "kind.time",
}


def _describe(value: object) -> Text:
    kind = _KINDS.get(type(value))
    said = say(kind) if kind is not None else Text(type(value).__name__, type(value).__name__)
    shown = (
        str(value)
        if isinstance(value, Decimal)
        # (A date or time as TOML writes it, not as Python's repr does.)
        else value.isoformat()
        if isinstance(value, dt.date | dt.time)
        else repr(value)
        if not isinstance(value, dict | list)
        else ""
    )
    return say("kind.value", kind=said, value=shown) if shown else said


def _string(value: object) -> str:
    if not isinstance(value, str):
        raise _Bad(say("load.expected_string", got=_describe(value)))
    if not value.strip():
        raise _Bad(say("load.empty_string"))
    return value


def _quote(value: object) -> str:
    """A quote of the plan's text (a sentence, a row of a table): at most
    `MAX_QUOTE_CHARS`, so that what is worked out of it stays small."""
    text = _string(value)
    if len(text) > MAX_QUOTE_CHARS:
        raise _Bad(say("load.quote_too_long", size=len(text), limit=MAX_QUOTE_CHARS))
    return text


def _pattern(regex: re.Pattern[str], what: str) -> Callable[[object], str]:
    """A check that a string matches ``regex``; ``what`` is a message id saying
    what it should be."""

    def check(value: object) -> str:
        text = _string(value)
        if not regex.match(text):
            raise _Bad(say("load.is_not", text=text, what=say(what)))
        return text

    return check


def _choice(options: tuple[str, ...]) -> Callable[[object], str]:
    def check(value: object) -> str:
        text = _string(value)
        if text not in options:
            close = suggestion(text, options)
            raise _Bad(
                say(
                    "load.not_one_of",
                    text=text,
                    options=listed(options),
                    close=say("cli.close", close=close) if close else "",
                )
            )
        return text

    return check


def _date(value: object) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise _Bad(
            say(
                "load.expected_date",
                got=_describe(value),
                hint=say("load.date_hint") if isinstance(value, str) else "",
            )
        )
    return value


def _strings(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _Bad(say("load.expected_strings", got=_describe(value)))
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise _Bad(say("load.item_string", index=index, got=_describe(item)))
    if len(set(value)) != len(value):
        raise _Bad(say("load.same_item_twice"))
    return tuple(value)


def _boolean(value: object) -> bool:
    if not isinstance(value, bool):
        raise _Bad(say("load.expected_boolean", got=_describe(value)))
    return value


def _integer(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Bad(say("load.expected_integer", got=_describe(value)))
    return value


class _Checker:
    """Collects problems for one file while its tables are checked."""

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems

    def problem(
        self,
        message: str | Text,
        where: str | Text | None = None,
        key: str | None = None,
        hint: str | Text | None = None,
    ) -> None:
        self.problems.append(Problem(self.file, message, where, key, hint))

    def table(
        self,
        data: object,
        spec: Mapping[str, tuple[Callable[[object], Any], bool]],
        where: str | Text | None = None,
        prefix: str = "",
    ) -> dict[str, Any] | None:
        """Check a table against ``{key: (check, required)}``; return the
        converted values of the keys that passed, or ``None`` if not a table."""
        if not isinstance(data, dict):
            self.problem(
                say("load.expected_table", got=_describe(data)), where, prefix.rstrip(".") or None
            )
            return None
        out: dict[str, Any] = {}
        for key, value in data.items():
            if key not in spec:
                hint = suggestion(key, spec, prefix=prefix) or say(
                    "load.known_keys", keys=listed(spec)
                )
                self.problem(say("load.unknown_key"), where, prefix + key, hint)
                continue
            check = spec[key][0]
            try:
                out[key] = check(value)
            except _Bad as error:
                self.problem(error.said, where, prefix + key)
        for key, (_, required) in spec.items():
            if required and key not in data:
                self.problem(say("load.missing_key"), where, prefix + key)
        return out

    def keyed(
        self,
        data: object,
        key: str,
        pattern: re.Pattern[str],
        joined: str,
        spec: Mapping[str, tuple[Callable[[object], Any], bool]],
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        """The ``[key.<id>]`` tables of a file (measures, bodies), each checked
        against ``spec``: the id and converted values of each that is a table
        with a valid id."""
        top = self.table(data, {key: (lambda v: v, True)})
        if not top or not isinstance(top.get(key), dict):
            if top and key in top:
                self.problem(say("load.expected_id_tables", key=key), key=key)
            return
        for item_id, table in top[key].items():
            where = say(f"where.{key}", **{key: item_id})
            if not pattern.match(item_id):
                self.problem(say(f"load.{key}_ids", joined=joined), where)
                continue
            fields = self.table(table, spec, where)
            if fields is not None:
                yield item_id, fields

    def text(self, value: object) -> Text:
        if not isinstance(value, dict):
            raise _Bad(say("load.expected_text", got=_describe(value)))
        unknown = sorted(set(value) - {"zh", "en"})
        if unknown:
            raise _Bad(say("load.text_keys", key=unknown[0]))
        missing = [k for k in ("zh", "en") if k not in value]
        if missing:
            raise _Bad(
                say(
                    "load.missing_languages",
                    missing=joined(
                        tuple(say("data.value", value=key) for key in missing), say("load.and")
                    ),
                )
            )
        return Text(_string(value["zh"]), _string(value["en"]))

    def interpretation(self, value: object) -> Text:
        """A text in zh and en; a plain string (schema 1's older form) is read
        as the same words in both languages, which lint reports."""
        if isinstance(value, str):
            text = _string(value)
            said = Text(text, text)
        else:
            said = self.text(value)
        # (its numbers are read, to excuse a target its quote does not write)
        longest = max(len(said.zh), len(said.en))
        if longest > MAX_INTERPRETATION_CHARS:
            raise _Bad(
                say("load.interpretation_too_long", size=longest, limit=MAX_INTERPRETATION_CHARS)
            )
        return said

    def period(self, value: object) -> Period:
        if not isinstance(value, dict) or set(value) != {"start", "end"}:
            raise _Bad(say("load.period"))
        start, end = _date(value["start"]), _date(value["end"])
        if start > end:
            raise _Bad(say("load.starts_after", start=str(start), end=str(end)))
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
            self.problems.append(Problem(shown, refusal.said, hint=refusal.hint))
            return None
        except OSError as error:
            self.problems.append(Problem(shown, say("read.cannot_read", error=os_reason(error))))
            return None
        self.read_so_far += len(data)
        if self.read_so_far > MAX_RULEBOOK_FOLDER_BYTES:
            self.problems.append(
                Problem(shown, say("load.folder_too_large", size=_size(MAX_RULEBOOK_FOLDER_BYTES)))
            )
            return None
        self.digests[name] = hashlib.sha256(data).hexdigest()
        return data

    def _read(self, path: Path) -> bytes:
        target = path
        if stat.S_ISLNK(os.lstat(path).st_mode):
            try:
                target = path.resolve(strict=True)
            except (OSError, RuntimeError):
                raise _Refused(say("load.dangling_link")) from None
            if not target.is_relative_to(self.root):
                raise _Refused(say("load.outside_link"), say("load.copy_file")) from None
        _check_regular(os.stat(target).st_mode)
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
        descriptor = os.open(target, flags | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(descriptor, "rb") as file:
            # The file may have been swapped since stat: check what was opened.
            _check_regular(os.fstat(file.fileno()).st_mode)
            data = file.read(MAX_RULEBOOK_FILE_BYTES + 1)
        if len(data) > MAX_RULEBOOK_FILE_BYTES:
            raise _Refused(say("load.file_too_large", size=_size(MAX_RULEBOOK_FILE_BYTES)))
        return data


class _Refused(Exception):
    """A file of a rulebook folder that is not read, and why."""

    def __init__(self, said: Text, hint: Text | None = None) -> None:
        super().__init__(said.en)
        self.said = said
        self.hint = hint


def _check_regular(mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise _Refused(say("load.is_folder"))
    if not stat.S_ISREG(mode):
        raise _Refused(say("load.not_regular"))


def _size(count: int) -> str:
    return f"{count // (1024 * 1024)} MiB"


def _read_toml(folder: _Folder, name: str) -> dict[str, Any] | None:
    import tomllib  # noqa: PLC0415 (a folder read from its cache needs no parsing)

    raw = folder.read(name)
    if raw is None:
        return None
    problems = folder.problems
    try:
        text = raw.decode("utf-8")
        # Floats are read as written (Decimal), never through a binary float.
        data = tomllib.loads(text, parse_float=Decimal)
    except UnicodeDecodeError as error:
        problems.append(
            Problem(name, say("tabular.not_encoding", encoding="UTF-8", byte=error.start))
        )
    except tomllib.TOMLDecodeError as error:
        detail, where = toml_error(error)
        problems.append(
            Problem(
                name, say("load.not_toml", detail=detail), where=where, hint=say("load.toml_hint")
            )
        )
    except RecursionError:
        problems.append(Problem(name, say("load.toml_too_deep")))
    except ValueError:  # (not its TOMLDecodeError: an integer too long to convert)
        problems.append(attrs.evolve(toml_long_integer(text), file=name))
    except ArithmeticError:  # (a float whose exponent Decimal cannot hold: 1e99999999999999999999)
        problems.append(Problem(name, say("limits.too_large"), hint=say("limits.toml_number_hint")))
    else:
        found = toml_number(data)
        if found is None:
            return data
        problems.append(attrs.evolve(found, file=name))
    return None


def _rule_file_names(folder: _Folder) -> list[str] | None:
    """The rule files' names (every ``*.toml`` but plan, measures and bodies), or ``None``
    with a problem when the folder holds more entries than a rulebook may."""
    names = []
    with os.scandir(folder.path) as entries:
        for count, entry in enumerate(entries, 1):
            if count > MAX_RULEBOOK_FILES:
                folder.problems.append(
                    Problem(folder.path.name, say("load.too_many_files", count=MAX_RULEBOOK_FILES))
                )
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
            try:
                document = encode(rulebook, skip=lambda value: isinstance(value, Compiled))
            except SnapshotError:
                pass  # a model the snapshot cannot hold is read from its files each time
            else:
                compiled.keep_model(files, document)
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
    if not (
        isinstance(files, dict)
        and isinstance(files.get("digests"), dict)
        and all(isinstance(n, str) for n in files["digests"])
    ):
        return None
    folder = _Folder(path, [])
    for name in files["digests"]:
        if Path(name).name != name or folder.read(name) is None:
            return None
    if folder.problems or _files(folder, folder.digests) != files:
        return None
    try:
        model = decode(compiled.model())
    except (ValueError, RecursionError, SnapshotError):
        return None
    return model if isinstance(model, Rulebook) else None


@attrs.frozen
class _Declared:
    """The measures that measures.toml declares (``names``), valid or not;
    ``None`` when it declares none that could be read: the file missing,
    refused (not TOML, too large) or its ``measure`` not a table. Which names
    it would declare is then unknown, and a rule naming a measure is not also
    said to name an unknown one: the one problem, measures.toml's, says why
    (the rulebook is refused either way; once the file reads, the names are
    checked)."""

    names: frozenset[str] | None

    def undeclared(self, names: Iterable[str]) -> list[str]:
        """``names`` that are surely not declared, sorted."""
        return [] if self.names is None else sorted(set(names) - self.names)


def _read_folder(folder: _Folder, shown: str) -> Rulebook:
    path, problems = folder.path, folder.problems
    plan_data = _read_toml(folder, PLAN_FILE)
    plan = _check_plan(folder, plan_data, problems) if plan_data is not None else None
    plan_text = plan["_text"] if plan and "_text" in plan else None

    measures_data = _read_toml(folder, MEASURES_FILE) if folder.has(MEASURES_FILE) else None
    if not folder.has(MEASURES_FILE):
        problems.append(Problem(MEASURES_FILE, say("load.no_measures")))
    measures = _check_measures(measures_data, problems) if measures_data is not None else {}
    # Measures declared but invalid are reported once, in measures.toml, not again per rule.
    table = measures_data.get("measure") if isinstance(measures_data, dict) else None
    declared = _Declared(frozenset(table) if isinstance(table, dict) else None)

    bodies_data = _read_toml(folder, BODIES_FILE) if folder.has(BODIES_FILE) else None
    bodies = _check_bodies(bodies_data, plan_text, problems) if bodies_data is not None else {}

    rule_files = _rule_file_names(folder)
    if rule_files == []:
        problems.append(Problem(path.name, say("load.no_rule_files")))
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
    fingerprint = _fingerprint(plan_data, measures_data, raw_rules, plan_text or "", bodies_data)
    return Rulebook(
        id=plan["id"],
        version=plan["version"],
        title=plan["title"],
        issuer=plan["issuer"],
        status=plan["status"],
        period=plan["period"],
        text=plan_text or "",
        measures=measures,
        rules=tuple(rules),
        fingerprint=fingerprint,
        path=str(path),
        published=plan.get("published"),
        supersedes=plan.get("supersedes"),
        consultation=plan.get("consultation", {}),
        effective=plan.get("effective"),
        districts=plan.get("districts", ()),
        ignored=plan.get("_ignored", ()),
        bodies=bodies,
    )


def _check_bodies(
    data: dict[str, Any], text: str | None, problems: list[Problem]
) -> dict[str, Body]:
    """``bodies.toml``: ``[body.<id>]`` tables, each with ``name`` (zh as the plan
    writes it, en), ``level`` and ``spellings`` (every way the plan writes it)."""
    checker = _Checker(BODIES_FILE, problems)
    bodies: dict[str, Body] = {}
    owner: dict[str, str] = {}
    for body_id, fields in checker.keyed(
        data,
        "body",
        _BODY_ID,
        "'-'",
        {
            "name": (checker.text, True),
            "level": (_choice(BODY_LEVELS), True),
            "spellings": (_strings, False),
        },
    ):
        where = f"body {body_id!r}"
        if "name" not in fields or "level" not in fields:
            continue
        spellings = tuple(dict.fromkeys((fields["name"].zh, *fields.get("spellings", ()))))
        for spelling in spellings:
            if spelling in owner:
                checker.problem(
                    say("load.spelling_taken", spelling=spelling, body=owner[spelling]),
                    where,
                    "spellings",
                )
            owner[spelling] = body_id
            if text is not None and spelling not in text:
                checker.problem(
                    say("load.spelling_not_in_text", spelling=spelling),
                    where,
                    "spellings",
                    say("load.spelling_hint"),
                )
        bodies[body_id] = Body(body_id, fields["name"], fields["level"], spellings)
    return bodies


def _with_bodies(
    rule: Rule, bodies: Mapping[str, Body], file: str, problems: list[Problem]
) -> Rule:
    """The rule with the body id of each responsible entry, when the rulebook
    declares bodies; an entry that no body spells is a problem."""
    if not bodies:
        return rule
    spelled = {spelling: body.id for body in bodies.values() for spelling in body.spellings}
    ids = []
    for index, name in enumerate(rule.responsible):
        body_id = spelled.get(name)
        if body_id is None:
            problems.append(
                Problem(
                    file,
                    say("load.no_spelling", name=name),
                    say("where.rule", rule=rule.id),
                    f"responsible[{index}]",
                    suggestion(name, spelled) or say("load.add_spelling", file=BODIES_FILE),
                )
            )
            continue
        ids.append(body_id)
    return attrs.evolve(rule, bodies=tuple(ids))


def _check_plan(
    folder: _Folder, data: dict[str, Any], problems: list[Problem]
) -> dict[str, Any] | None:
    checker = _Checker(PLAN_FILE, problems)

    def schema_version(value: object) -> int:
        number = _integer(value)
        if number != SCHEMA_VERSION:
            raise _Bad(say("load.schema_version", version=SCHEMA_VERSION, got=number))
        return number

    plan = checker.table(
        data,
        {
            "schema_version": (schema_version, True),
            "id": (_pattern(_RULEBOOK_ID, "load.a_rulebook_id"), True),
            "version": (_pattern(_VERSION, "load.a_version"), True),
            "status": (_choice(STATUSES), True),
            "text": (_string, True),
            "title": (checker.text, True),
            "issuer": (checker.text, True),
            "period": (checker.period, True),
            "effective": (checker.period, False),
            "districts": (_strings, False),
            "ignore": (lambda v: v, False),
            "published": (_date, False),
            "supersedes": (_pattern(_SUPERSEDES, "load.a_supersedes"), False),
            "consultation": (lambda v: v, False),
        },
    )
    if plan is None:
        return None
    if "text" in plan:
        name = plan["text"]
        if Path(name).name != name or name in (".", ".."):
            checker.problem(say("load.text_not_a_name"), key="text")
        elif not folder.has(name):
            checker.problem(say("load.text_missing", name=name), key="text")
        elif (raw := folder.read(name)) is not None:
            try:
                plan["_text"] = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                checker.problem(say("load.text_not_utf8", name=name, byte=error.start), key="text")
    if "consultation" in plan:
        _check_consultation(checker, plan["consultation"], plan.get("_text"))
    if "ignore" in plan:
        plan["_ignored"] = _check_ignored(checker, plan["ignore"], plan.get("_text"))
    return plan


def _check_ignored(checker: _Checker, data: object, text: str | None) -> tuple[Ignored, ...]:
    """``[[ignore]]``: lint findings the rulebook expects, each with its reason."""
    if not isinstance(data, list):
        checker.problem(say("load.expected_ignore", got=_describe(data)), key="ignore")
        return ()
    found = []
    for index, table in enumerate(data):
        where = say("where.ignore", number=index + 1)
        fields = checker.table(
            table,
            {
                "code": (_choice(IGNORABLE), False),
                "quote": (_quote, True),
                "reason": (_string, True),
            },
            where,
            prefix=f"ignore[{index}].",
        )
        if fields is None or "quote" not in fields or "reason" not in fields:
            continue
        if text is not None and fields["quote"] not in text:
            checker.problem(
                say("load.not_in_text"),
                where,
                f"ignore[{index}].quote",
                _nearest_hint(fields["quote"], text),
            )
            continue
        found.append(Ignored(fields.get("code", IGNORABLE[0]), fields["quote"], fields["reason"]))
    return tuple(found)


def _check_consultation(checker: _Checker, data: object, text: str | None) -> None:
    if not isinstance(data, dict):
        checker.problem(say("load.expected_table", got=_describe(data)), key="consultation")
        return

    def scalar(key: str, value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, str | int | dt.date):
            checker.problem(say("load.expected_scalar", got=_describe(value)), key=key)
        elif (
            key.endswith(".quote")
            and text is not None
            and isinstance(value, str)
            and value not in text
        ):
            checker.problem(say("load.quote_not_in_text"), key=key, hint=say("load.copy_quote"))

    for key, value in data.items():
        path = f"consultation.{key}"
        if isinstance(value, list):
            for index, item in enumerate(value):
                if not isinstance(item, dict):
                    checker.problem(
                        say("load.expected_table", got=_describe(item)), key=f"{path}[{index}]"
                    )
                    continue
                for inner, inner_value in item.items():
                    scalar(f"{path}[{index}].{inner}", inner_value)
        else:
            scalar(path, value)


def _check_measures(data: dict[str, Any], problems: list[Problem]) -> dict[str, Measure]:
    checker = _Checker(MEASURES_FILE, problems)
    raw = dict(
        checker.keyed(
            data,
            "measure",
            MEASURE_ID,
            "'_'",
            {
                "name": (checker.text, True),
                "unit": (_choice(tuple(UNITS)), True),
                "formula": (_string, False),
                "note": (_string, False),
                "lower": (_number, False),
                "upper": (_number, False),
                "at_most": (_names, False),
            },
        )
    )
    for measure_id, fields in raw.items():
        _check_bounds(checker, measure_id, fields, raw)
    # A part is at most its whole, never the whole at most its part: measures
    # whose ``at_most`` reach themselves could only ever be equal.
    bounding = {m: [o for o in f.get("at_most", ()) if o in raw and o != m] for m, f in raw.items()}
    circle = _cycles(bounding)
    for measure_id in circle:
        # (Its ring: the measures it reaches that reach it back.)
        ring = sorted(
            m for m in _reached(bounding, measure_id) if measure_id in _reached(bounding, m)
        )
        checker.problem(
            say("load.at_most_cycle", measures=listed(ring)),
            say("where.measure", measure=measure_id),
            "at_most",
        )
    formulas: dict[str, Expression] = {}
    for measure_id, fields in raw.items():
        if "formula" in fields:
            try:
                formula = parse_formula(fields["formula"])
            except ExpressionError as error:
                checker.problem(
                    error.said or str(error), say("where.measure", measure=measure_id), "formula"
                )
                continue
            unknown = sorted(formula.names - raw.keys())
            for name in unknown:
                checker.problem(
                    say("load.formula_unknown", name=name),
                    say("where.measure", measure=measure_id),
                    "formula",
                    suggestion(name, raw),
                )
            if not unknown:
                formulas[measure_id] = formula
    cyclic = _cycles({m: formula.names for m, formula in formulas.items()})
    for measure_id in cyclic:
        checker.problem(
            say("load.formula_cycle"), say("where.measure", measure=measure_id), "formula"
        )
    if not cyclic:
        for measure_id, problem in _too_large(formulas):
            checker.problem(problem, say("where.measure", measure=measure_id), "formula")
    measures = {}
    for measure_id, fields in raw.items():
        if "name" not in fields or "unit" not in fields:
            continue
        measure = Measure(
            measure_id,
            fields["name"],
            UNITS[fields["unit"]],
            formulas.get(measure_id),
            fields.get("note"),
            at_most=fields.get("at_most", ()),
        )
        if "lower" in fields or "upper" in fields:
            measure = attrs.evolve(
                measure,
                lower=fields.get("lower", measure.lower),
                upper=fields.get("upper", measure.upper),
            )
        measures[measure_id] = measure
    for measure_id, formula in formulas.items():
        if not formula.names:
            checker.problem(
                say("load.formula_no_measure", formula=str(formula)),
                say("where.measure", measure=measure_id),
                "formula",
            )
        elif _divides_by_zero(formula):
            checker.problem(
                say("load.formula_divides", formula=str(formula)),
                say("where.measure", measure=measure_id),
                "formula",
            )
    return measures


def _divides_by_zero(formula: Expression) -> bool:
    """`divides_by_zero`, kept in the cache by the formula's text (it needs sympy)."""
    return checked(
        ("divides_by_zero", formula.text),
        lambda: divides_by_zero(formula.tree),
        encode=bool,
        decode=_exactly_bool,
    )


def _exactly_bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError("not a bool")
    return value


def _ignores_data(
    requirement: Expression, measure: str, bounds: Callable[[str], tuple[Fraction, Fraction | None]]
) -> list[tuple[str, tuple[int, int]]]:
    """`ignores_data`, kept in the cache by all it depends on: the requirement's
    text, the rule's measure and the bounds of the measures it names."""
    limits = [
        [name, str(low), None if high is None else str(high)]
        for name in sorted(requirement.names)
        for low, high in [bounds(name)]
    ]
    return checked(
        ("ignores_data", measure, requirement.text, limits),
        lambda: ignores_data(requirement.tree, bounds),
        encode=lambda found: [[m, list(span)] for m, span in found],
        decode=_findings,
    )


def _findings(value: object) -> list[tuple[str, tuple[int, int]]]:
    if not isinstance(value, list):
        raise ValueError("not a list")
    found = []
    for item in value:
        if not (
            isinstance(item, list)
            and len(item) == 2
            and isinstance(item[0], str)
            and item[0] in MESSAGES  # (a catalog message's id, `ignores_data`'s)
            and isinstance(item[1], list)
            and len(item[1]) == 2
            and all(type(n) is int for n in item[1])
        ):
            raise ValueError("not a finding")
        found.append((item[0], (item[1][0], item[1][1])))
    return found


def _number(value: object) -> Fraction:
    """A bound: an integer or a decimal (read as written, never as a binary float)."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise _Bad(say("load.expected_number", got=_describe(value)))
    if isinstance(value, Decimal) and not value.is_finite():
        raise _Bad(say("load.expected_finite", got=str(value)))
    return Fraction(value)


def _names(value: object) -> tuple[str, ...]:
    """A measure id or an array of them."""
    names = _strings(value) if isinstance(value, list) else (_string(value),)
    if not names:
        raise _Bad(say("load.expected_measures"))
    return names


def _check_bounds(
    checker: _Checker,
    measure_id: str,
    fields: Mapping[str, Any],
    raw: Mapping[str, Mapping[str, Any]],
) -> None:
    """``lower``, ``upper`` and ``at_most``: plausible, and naming measures that exist."""
    where = say("where.measure", measure=measure_id)
    lower, upper = fields.get("lower", Fraction(0)), fields.get("upper")
    if lower < 0:
        checker.problem(
            say("load.negative", bound="lower", value=format_number(lower)), where, "lower"
        )
    elif upper is not None and upper < 0:
        checker.problem(
            say("load.negative", bound="upper", value=format_number(upper)), where, "upper"
        )
    else:
        unit = UNITS.get(fields.get("unit", ""))
        shown = say("load.upper", upper=format_number(upper)) if upper is not None else ""
        if upper is None and unit is not None and unit.upper is not None:
            shown = say("load.unit_bound", unit=unit.id, upper=unit.upper)
            upper = Fraction(unit.upper)
        if upper is not None and lower > upper:
            checker.problem(
                say("load.lower_above", lower=format_number(lower), upper=shown), where, "lower"
            )
    for other in fields.get("at_most", ()):
        if other == measure_id:
            checker.problem(say("load.bounded_by_itself"), where, "at_most")
        elif other not in raw:
            checker.problem(
                say("load.at_most_unknown", other=other), where, "at_most", suggestion(other, raw)
            )
        elif "unit" in fields and raw[other].get("unit", fields["unit"]) != fields["unit"]:
            checker.problem(
                say(
                    "load.at_most_unit",
                    other=other,
                    other_unit=raw[other]["unit"],
                    measure=measure_id,
                    unit=fields["unit"],
                ),
                where,
                "at_most",
            )


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
            found.append(
                (
                    name,
                    f"formulas refer to formulas {depth[name]} deep; "
                    f"the limit is {MAX_FORMULA_DEPTH}",
                )
            )
        elif size[name] > MAX_EXPANDED_SIZE:
            found.append(
                (
                    name,
                    f"formula grows to {size[name]} terms once its measures' "
                    f"formulas are put in; the limit is {MAX_EXPANDED_SIZE}",
                )
            )
    return found


def _occurrences(formula: Expression) -> dict[str, int]:
    """How often each measure occurs in a formula's text."""
    return dict(Counter(iter_names(formula.tree)))


def _reached(refers: Mapping[str, Iterable[str]], start: str) -> set[str]:
    """The measures ``start`` reaches through the measures each refers to."""
    stack, seen = list(refers.get(start, ())), set()
    while stack:
        name = stack.pop()
        if name not in seen:
            seen.add(name)
            stack.extend(refers.get(name, ()))
    return seen


def _cycles(refers: Mapping[str, Iterable[str]]) -> list[str]:
    """Measures that reach themselves through the measures each refers to (a
    formula's measures, or those ``at_most`` names)."""
    return [start for start in refers if start in _reached(refers, start)]


def _check_rule_file(
    name: str,
    data: dict[str, Any],
    measures: Mapping[str, Measure],
    declared: _Declared,
    plan: Mapping[str, Any] | None,
    problems: list[Problem],
) -> Iterator[tuple[dict[str, Any], Rule | None]]:
    checker = _Checker(name, problems)
    top = checker.table(data, {"rule": (lambda v: v, True)})
    if not top or "rule" not in top:
        return
    if not isinstance(top["rule"], list) or not top["rule"]:
        checker.problem(say("load.expected_rules"), key="rule")
        return
    for index, table in enumerate(top["rule"]):
        raw_id = table.get("id") if isinstance(table, dict) else None
        where = (
            say("where.rule", rule=raw_id)
            if isinstance(raw_id, str)
            else say("where.rule_number", number=index + 1)
        )
        yield (
            table if isinstance(table, dict) else {},
            _check_rule(checker, table, where, measures, declared, plan),
        )


def _check_rule(
    checker: _Checker,
    table: object,
    where: str | Text,
    measures: Mapping[str, Measure],
    declared: _Declared,
    plan: Mapping[str, Any] | None,
) -> Rule | None:
    before = len(checker.problems)
    fields = checker.table(
        table,
        {
            "id": (_pattern(_RULE_ID, "load.a_rule_id"), True),
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
        },
        where,
    )
    if fields is None:
        return None
    measure = None
    if "measure" in fields:
        measure = measures.get(fields["measure"])
        if measure is None and declared.undeclared((fields["measure"],)):
            checker.problem(
                say("load.unknown_measure", measure=fields["measure"]),
                where,
                "measure",
                suggestion(fields["measure"], measures) or say("load.declare_measure"),
            )
    text = plan.get("_text") if plan else None
    plan_period: Period | None = plan.get("period") if plan else None
    requirement, targets = _check_requirement(
        checker, fields, where, measures, measure, declared, text, plan_period
    )
    aggregation = fields.get("aggregation")
    if aggregation == Aggregation.EVERY_YEAR.value:
        if "due" in fields:
            checker.problem(say("load.every_year_due"), where, "due")
    elif aggregation is not None:
        if "due" not in fields and "due" not in (table if isinstance(table, dict) else {}):
            checker.problem(say("load.needs_due", aggregation=aggregation), where, "due")
        if "period" in fields:
            checker.problem(say("load.period_for_every_year"), where, "period")
    if plan_period is not None:
        if "due" in fields and fields["due"] not in plan_period:
            checker.problem(
                say(
                    "load.due_outside",
                    due=str(fields["due"]),
                    start=str(plan_period.start),
                    end=str(plan_period.end),
                ),
                where,
                "due",
            )
        if "period" in fields and not (
            fields["period"].start in plan_period and fields["period"].end in plan_period
        ):
            checker.problem(say("load.period_outside"), where, "period")
    source = (
        _check_source(
            checker, table.get("source") if isinstance(table, dict) else None, where, text
        )
        if "source" in fields
        else None
    )
    records = (
        _check_records(checker, fields["records"], where, measure, aggregation)
        if "records" in fields
        else None
    )
    districts = (
        _check_districts(
            checker,
            fields["districts"],
            where,
            _requirement_parser(checker, where, measures, measure, declared),
        )
        if "districts" in fields
        else ()
    )
    if source is not None and source.inferred and "interpretation" not in fields:
        checker.problem(say("load.inferred_needs_interpretation"), where, "source.inferred")
    alternatives = (
        _check_alternatives(checker, fields["alternatives"], where, fields, measure, declared)
        if "alternatives" in fields
        else ()
    )
    if len(checker.problems) != before or measure is None or requirement is None or source is None:
        return None
    names, open_ = fields["responsible"]
    rule = Rule(
        id=fields["id"],
        title=fields["title"],
        measure=measure,
        aggregation=Aggregation(fields["aggregation"]),
        requirement=requirement,
        source=source,
        responsible=names,
        responsible_open=open_,
        file=checker.file,
        due=fields.get("due"),
        period=fields.get("period"),
        strength=fields.get("strength", "firm"),
        interpretation=fields.get("interpretation"),
        related=fields.get("related", ()),
        tags=fields.get("tags", ()),
        records=records,
        targets=tuple(_with_section(t, source.section) for t in targets),
        ends=fields.get("ends"),
        alternatives=alternatives,
        scope=fields.get("scope", "city"),
        districts=districts,
    )
    if text is not None:
        # The requirement must be a target the quote writes (or say why not).
        from ._quotes import quote_mismatches  # noqa: PLC0415 (as tomllib, above)

        for mismatch in quote_mismatches(rule):
            checker.problem(mismatch.message(), where, mismatch.key, mismatch.hint())
        if len(checker.problems) != before:
            return None
    return rule


def _check_districts(
    checker: _Checker,
    data: object,
    where: str | Text,
    requirement_of: Callable[[str, str], Expression | None],
) -> tuple[tuple[str, Expression], ...]:
    """``[rule.districts]``: a district's own target, ``芝罘区 = ">= 12"``."""
    if not isinstance(data, dict) or not data:
        checker.problem(
            say("load.expected_districts"),
            where,
            "districts",
            say("load.districts_example", example='芝罘区 = ">= 12"'),
        )
        return ()
    found = []
    for name, written in data.items():
        key = f"districts.{name}"
        if not name.strip() or name != name.strip():
            checker.problem(say("load.district_spaces"), where, key)
            continue
        try:
            requirement = requirement_of(_string(written), key)
        except _Bad as error:
            checker.problem(error.said, where, key)
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
        raise _Bad(say("load.responsible_keys", key=unknown[0]))
    if "names" not in value:
        raise _Bad(say("load.responsible_names"))
    open_ = value.get("open", False)
    if not isinstance(open_, bool):
        raise _Bad(say("load.responsible_open", got=_describe(open_)))
    names = _strings(value["names"])
    if open_ and not names:
        raise _Bad(say("load.responsible_empty"))
    return names, open_


def _check_alternatives(
    checker: _Checker,
    data: object,
    where: str | Text,
    fields: Mapping[str, Any],
    measure: Measure | None,
    declared: _Declared,
) -> tuple[Alternative, ...]:
    """``[[rule.alternatives]]``: other readings the plan supports, each with its
    ``reading`` (zh and en) and what it changes: aggregation, requirement,
    strength, due. What it leaves out is as the rule has it; a reading that
    changes none of them (a wider measure, another window) says so in words."""
    if not isinstance(data, list) or not data:
        checker.problem(say("load.expected_alternatives"), where, "alternatives")
        return ()
    found = []
    for index, table in enumerate(data):
        key = f"alternatives[{index}]"
        alt = checker.table(
            table,
            {
                "reading": (checker.text, True),
                "aggregation": (_choice(AGGREGATIONS), False),
                "requirement": (_string, False),
                "strength": (_choice(STRENGTHS), False),
                "due": (_date, False),
            },
            where,
            prefix=f"{key}.",
        )
        if alt is None or "reading" not in alt:
            continue
        requirement = None
        if "requirement" in alt and measure is not None:
            try:
                requirement = parse_requirement(alt["requirement"], measure.id)
            except ExpressionError as error:
                checker.problem(error.said or str(error), where, f"{key}.requirement")
                continue
            for unknown in declared.undeclared(requirement.names):
                checker.problem(
                    say("load.requirement_unknown", name=unknown), where, f"{key}.requirement"
                )
        aggregation = alt.get("aggregation", fields.get("aggregation"))
        every_year = aggregation == Aggregation.EVERY_YEAR.value
        if every_year and "due" in alt:
            checker.problem(say("load.every_year_reading_due"), where, f"{key}.due")
        elif not every_year and "due" not in alt and "due" not in fields:
            checker.problem(
                say("load.reading_needs_due", aggregation=aggregation), where, f"{key}.due"
            )
        found.append(
            Alternative(
                alt["reading"],
                None if "aggregation" not in alt else Aggregation(alt["aggregation"]),
                requirement,
                alt.get("strength"),
                alt.get("due"),
            )
        )
    return tuple(found)


def _with_section(target: DatedTarget, section: str) -> DatedTarget:
    """A target quoted without a section of its own stands in the rule's section."""
    if target.source is None or target.source.section:
        return target
    return attrs.evolve(target, source=attrs.evolve(target.source, section=section))


def _requirement_parser(
    checker: _Checker,
    where: str | Text,
    measures: Mapping[str, Measure],
    measure: Measure | None,
    declared: _Declared,
) -> Callable[[str, str], Expression | None]:
    """Parse a requirement on the rule's measure, reporting what is wrong with it
    (a measure not declared, a comparison that ignores the data)."""

    def parse(written: str, key: str) -> Expression | None:
        if measure is None:
            return None
        try:
            parsed = parse_requirement(written, measure.id)
        except ExpressionError as error:
            checker.problem(error.said or str(error), where, key)
            return None
        unknown = declared.undeclared(parsed.names)
        for name in unknown:
            checker.problem(say("load.requirement_unknown", name=name), where, key)
        if not unknown:
            for message, (start, end) in _ignores_data(parsed, measure.id, bounds):
                # (The catalog's message, in the language asked, `ignores_data`.)
                shown = ExpressionError(say(message), written, start, end)
                checker.problem(
                    shown.said or str(shown),
                    where,
                    key,
                    say("load.requirement_tells"),
                )
        return parsed

    def bounds(name: str) -> tuple[Fraction, Fraction | None]:
        found = measures.get(name)
        return (Fraction(0), None) if found is None else (found.lower, found.upper)

    return parse


def _check_requirement(
    checker: _Checker,
    fields: Mapping[str, Any],
    where: str | Text,
    measures: Mapping[str, Measure],
    measure: Measure | None,
    declared: _Declared,
    text: str | None,
    plan_period: Period | None,
) -> tuple[Expression | None, tuple[DatedTarget, ...]]:
    """A rule's ``requirement``, or its dated ``[[rule.targets]]`` (the last of
    which is then its requirement), and its ``ends``."""
    requirement_of = _requirement_parser(checker, where, measures, measure, declared)
    requirement = None
    targets: tuple[DatedTarget, ...] = ()
    if "requirement" in fields and "targets" in fields:
        checker.problem(say("load.requirement_or_targets"), where, "targets")
    elif "targets" in fields:
        targets = _check_targets(
            checker, fields["targets"], where, requirement_of, text, plan_period
        )
        requirement = targets[-1].requirement if targets else None
    elif "requirement" in fields:
        requirement = requirement_of(fields["requirement"], "requirement")
    else:
        checker.problem(say("load.missing_requirement"), where, "requirement")
    if "ends" in fields:
        if plan_period is not None and fields["ends"] not in plan_period:
            checker.problem(say("load.ends_outside", ends=str(fields["ends"])), where, "ends")
        if targets and fields["ends"] < targets[0].start:
            checker.problem(say("load.ends_before"), where, "ends")
    return requirement, targets


def _check_targets(
    checker: _Checker,
    data: object,
    where: str | Text,
    requirement_of: Callable[[str, str], Expression | None],
    text: str | None,
    plan_period: Period | None,
) -> tuple[DatedTarget, ...]:
    """``[[rule.targets]]``: the requirement's dated values, each from a date on."""
    if not isinstance(data, list) or not data:
        checker.problem(say("load.expected_targets"), where, "targets")
        return ()
    found: list[DatedTarget] = []
    complete = True
    for index, table in enumerate(data):
        key = f"targets[{index}]"
        fields = checker.table(
            table,
            {
                "from": (_date, True),
                "requirement": (_string, True),
                "quote": (_quote, False),
                "section": (_string, False),
            },
            where,
            prefix=f"{key}.",
        )
        if fields is None or "from" not in fields or "requirement" not in fields:
            complete = False
            continue
        requirement = requirement_of(fields["requirement"], f"{key}.requirement")
        if requirement is None:
            complete = False
            continue
        start = fields["from"]
        if plan_period is not None and start not in plan_period:
            checker.problem(say("load.start_outside", start=str(start)), where, f"{key}.from")
        if found and start <= found[-1].start:
            checker.problem(
                say("load.start_order", start=str(start), previous=str(found[-1].start)),
                where,
                f"{key}.from",
            )
        source = None
        if "quote" in fields:
            if text is not None and fields["quote"] not in text:
                checker.problem(
                    say("load.not_in_text"),
                    where,
                    f"{key}.quote",
                    _nearest_hint(fields["quote"], text),
                )
            source = Source(fields.get("section", ""), fields["quote"])
        elif "section" in fields:
            checker.problem(say("load.section_with_quote"), where, f"{key}.section")
        found.append(DatedTarget(start, requirement, source))
    return tuple(found) if complete else ()


def _codes(options: Mapping[str, object] | None, what: str) -> Callable[[object], tuple[str, ...]]:
    """A code or an array of codes, each one of ``options`` (any text if ``None``)."""

    def check(value: object) -> tuple[str, ...]:
        values = _strings(value) if isinstance(value, list) else (_string(value),)
        if not values:
            raise _Bad(say("load.expected_codes"))
        for code in values:
            if options is not None and code not in options:
                hint = suggestion(code, options) or say(
                    "load.codes_are", what=what, codes=listed(options)
                )
                raise _Bad(say("load.not_canonical", code=code, what=what, hint=hint))
        return values

    return check


def _positive(value: object) -> int:
    number = _integer(value)
    if number < 1:
        raise _Bad(say("load.expected_positive", got=number))
    return number


def _check_records(
    checker: _Checker,
    data: object,
    where: str | Text,
    measure: Measure | None,
    aggregation: str | None,
) -> RecordSpec | None:
    """``[rule.records]``: see docs/rule-files.md and docs/records.md."""
    before = len(checker.problems)
    fields = checker.table(
        data,
        {
            "population": (lambda v: v, False),
            "meeting": (_pattern(MEASURE_ID, "load.a_measure_id"), True),
            "total": (_pattern(MEASURE_ID, "load.a_measure_id"), True),
            "each": (lambda v: v, True),
        },
        where,
        prefix="records.",
    )
    if fields is None:
        return None
    population: list[tuple[str, tuple[str | bool, ...]]] = []
    raw_population = fields.get("population", {})
    if not isinstance(raw_population, dict):
        checker.problem(
            say("load.expected_table", got=_describe(raw_population)), where, "records.population"
        )
        raw_population = {}
    for column, value in raw_population.items():
        key = f"records.population.{column}"
        if column not in POPULATION_COLUMNS:
            checker.problem(
                say("load.unknown_register_column", column=column),
                where,
                key,
                suggestion(column, POPULATION_COLUMNS)
                or say("load.columns_are", columns=listed(POPULATION_COLUMNS)),
            )
            continue
        if column in FLAGS:
            if not isinstance(value, bool):
                checker.problem(say("load.flag_value", got=_describe(value)), where, key)
            else:
                population.append((column, (value,)))
            continue
        options = RECORD_CODES.get(column)
        try:
            population.append((column, _codes(options, column.replace("_", " "))(value)))
        except _Bad as error:
            checker.problem(error.said, where, key)
    each = None
    if "each" in fields:
        each = checker.table(
            fields["each"],
            {
                "inspections": (_positive, False),
                "kind": (_codes(KINDS, "kind"), False),
                "result": (_codes(RESULTS, "result"), False),
                "flag": (_choice(tuple(FLAGS)), False),
            },
            where,
            prefix="records.each.",
        )
    if each is not None and isinstance(fields["each"], dict):
        given = fields["each"]
        if ("inspections" in given) == ("flag" in given):
            checker.problem(say("load.inspections_or_flag"), where, "records.each")
        elif "flag" in given:
            for key in ("kind", "result"):
                if key in given:
                    checker.problem(say("load.not_for_flag", key=key), where, f"records.each.{key}")
    if aggregation is not None and aggregation not in (
        Aggregation.LEVEL.value,
        Aggregation.EVERY_YEAR.value,
    ):
        checker.problem(say("load.records_aggregation", aggregation=aggregation), where, "records")
    if measure is not None and "meeting" in fields and "total" in fields:
        _check_share(checker, where, measure, fields["meeting"], fields["total"])
    if len(checker.problems) != before or each is None:
        return None
    return RecordSpec(
        meeting=fields["meeting"],
        total=fields["total"],
        population=tuple(sorted(population)),
        inspections=each.get("inspections"),
        kinds=each.get("kind"),
        results=each.get("result"),
        flag=each.get("flag"),
    )


def _check_share(
    checker: _Checker, where: str | Text, measure: Measure, meeting: str, total: str
) -> None:
    """The rule's measure must be ``100 * meeting / total``, over two counts."""
    formula = measure.formula
    tree = formula.tree if formula is not None else None
    shape = (
        isinstance(tree, BinaryOp)
        and tree.op == "/"
        and isinstance(tree.right, Name)
        and isinstance(tree.left, BinaryOp)
        and tree.left.op == "*"
        and isinstance(tree.left.left, Number)
        and tree.left.left.value == 100
        and isinstance(tree.left.right, Name)
    )
    written = (
        say("load.no_formula") if formula is None else say("load.the_formula", formula=str(formula))
    )
    if not shape:
        checker.problem(
            say(
                "load.records_share",
                meeting=meeting,
                total=total,
                measure=measure.id,
                written=written,
            ),
            where,
            "records",
        )
        return
    assert isinstance(tree, BinaryOp)
    assert isinstance(tree.left, BinaryOp)
    assert isinstance(tree.left.right, Name)
    assert isinstance(tree.right, Name)
    for key, name, expected in (
        ("meeting", meeting, tree.left.right.id),
        ("total", total, tree.right.id),
    ):
        if name != expected:
            checker.problem(
                say(
                    f"load.not_the_{key}",
                    name=name,
                    measure=measure.id,
                    formula=str(formula),
                    key=key,
                    expected=expected,
                ),
                where,
                f"records.{key}",
            )


def _check_source(
    checker: _Checker, data: object, where: str | Text, text: str | None
) -> Source | None:
    fields = checker.table(
        data,
        {
            "section": (_string, True),
            "quote": (_quote, True),
            "indicator_source": (_string, False),
            "data_source": (_string, False),
            "inferred": (_boolean, False),
        },
        where,
        prefix="source.",
    )
    if fields is None:
        return None
    if text is not None:
        for key in ("quote", "indicator_source", "data_source"):
            if key in fields and fields[key] not in text:
                checker.problem(
                    say("load.not_in_text"),
                    where,
                    f"source.{key}",
                    _nearest_hint(fields[key], text),
                )
    if "section" not in fields or "quote" not in fields:
        return None
    if fields.get("inferred") and not ("indicator_source" in fields or "data_source" in fields):
        checker.problem(say("load.inferred_of"), where, "source.inferred")
    return Source(
        fields["section"],
        fields["quote"],
        fields.get("indicator_source"),
        fields.get("data_source"),
        fields.get("inferred", False),
    )


def _nearest_hint(quote: str, text: str) -> Text:
    """Point at the longest prefix of a quote that the text does contain."""
    low, high = 0, len(quote)
    while low < high:
        middle = (low + high + 1) // 2
        if quote[:middle] in text:
            low = middle
        else:
            high = middle - 1
    if low == 0:
        return say("load.copy_quote")
    return say("load.quote_differs", before=quote[:low][-12:], after=quote[low : low + 12])


def _check_rulebook(
    rules: list[Rule],
    raw: list[tuple[str, dict[str, Any]]],
    text: str | None,
    problems: list[Problem],
    unread: list[str],
) -> None:
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
            problems.append(
                Problem(
                    file,
                    say("load.duplicate_rule", first=seen[rule_id]),
                    say("where.rule", rule=rule_id),
                    "id",
                )
            )
        else:
            seen[rule_id] = file
    for file, table in raw:
        related = table.get("related")
        if not isinstance(related, list):
            continue
        for other in related:
            if isinstance(other, str) and other not in seen and not unread:
                problems.append(
                    Problem(
                        file,
                        say("load.no_related", other=other),
                        say("where.rule", rule=table.get("id")),
                        "related",
                        suggestion(other, seen),
                    )
                )
            elif other == table.get("id"):
                problems.append(
                    Problem(
                        file, say("load.related_itself"), say("where.rule", rule=other), "related"
                    )
                )


def _fingerprint(
    plan: Any, measures: Any, rules: list[tuple[str, dict[str, Any]]], text: str, bodies: Any = None
) -> str:
    """A SHA-256 of the rulebook's content, independent of file layout and order."""
    content: dict[str, Any] = {} if bodies is None else {"bodies": bodies}
    content |= {
        "plan": plan,
        "measures": measures,
        "rules": sorted((r for _, r in rules), key=lambda r: str(r.get("id"))),
        "text": hashlib.sha256(text.encode("utf-8")).hexdigest(),
    }
    canonical = json.dumps(
        content, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
