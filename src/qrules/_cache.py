"""What a rulebook compiles to, kept between runs so that judging needs no sympy.

Compiling a requirement (`_compile`) takes sympy, whose import alone costs more
than the rest of a `qrules check`. Its result, `_forms` that judge with
``Fraction`` arithmetic, is written to a cache file the first time a rulebook
folder is loaded and read back on the next load
(docs/architecture.md#the-compiled-forms-cache):

1. Where: a shipped rulebook's cache lives in the package (``qrules/_compiled``,
   built at first load when the package is writable, as in a source checkout or
   a virtualenv); every other folder's, and a read-only installation's, in the
   user's cache directory: ``$QRULES_CACHE_DIR``, else ``$XDG_CACHE_HOME/qrules``,
   else ``~/.cache/qrules``, one file per folder (by its resolved path); a
   folder in a temporary directory gets none there (a revision `qrules diff`
   writes out is a throwaway). ``QRULES_CACHE=off`` turns caching off.
2. Valid for: this qrules (its version and the code of the modules that compile,
   hashed), the folder's path, and its rulebook fingerprint (which covers every
   file's content): forms are used only when the loaded rulebook's fingerprint
   is the one they were compiled for. The loader's checks that need sympy
   (`_compile.ignores_data`, `divides_by_zero`) are kept by their whole input
   (the text, the measure, its bounds), so an edit recompiles only what changed.
3. Trusted as little as possible: the file is JSON (never pickle), read only if
   it is a regular file of this user's that no one else may write, bounded in
   size, with a SHA-256 of its content on its first line; its shape is checked
   strictly, entry by entry. Anything amiss and the entry (or the file) is
   ignored and compiled again: a cache can make qrules faster, never change a
   verdict, except by someone who may already write the user's own files.
4. Written atomically (a temporary file, then a rename), so a reader sees the
   old file or the new one, never half of one; failing to write is not an error.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from . import _forms
from ._boundary import replace_file
from ._once import once
from ._version import __version__

if TYPE_CHECKING:
    from ._model import Measure, Rule
    from ._rulebook import Rulebook

__all__ = [
    "FORMAT",
    "Compiled",
    "checked",
    "checking",
    "read_private",
    "user_cache_dir",
    "write_atomically",
]

#: Bumped when the file's layout changes.
FORMAT = 2
#: The largest cache file read.
MAX_CACHE_BYTES = 16 * 1024 * 1024
#: The most ways a requirement's measures may be computed from their formulas
#: that are compiled ahead; past it, the rest are compiled when first needed.
MAX_EXPANSIONS = 64
#: The modules whose code decides what a requirement compiles to, and what the
#: loader makes of a folder (the model is kept too).
_COMPILER = (
    "_cache.py",
    "_compile.py",
    "_expr.py",
    "_forms.py",
    "_limits.py",
    "_load.py",
    "_messages.py",  # Text, which the model holds, lives in the catalog's module
    "_model.py",
    "_quotes.py",
    "_recordspec.py",
    "_rulebook.py",
    "_snapshot.py",
)

_T = TypeVar("_T")


@functools.cache
def _code() -> str | None:
    """A digest of this qrules' version and compiler: a cache made by other code
    is never read. ``None`` (no cache) when the sources cannot be read, as in an
    installation of bytecode alone."""
    digest = hashlib.sha256(__version__.encode())
    here = Path(__file__).parent
    try:
        for name in _COMPILER:
            digest.update((here / name).read_bytes())
    except OSError:
        return None
    return digest.hexdigest()


def user_cache_dir() -> Path | None:
    """The user's cache directory for qrules, or ``None`` when caching is off."""
    if os.environ.get("QRULES_CACHE", "").strip().lower() == "off":
        return None
    chosen = os.environ.get("QRULES_CACHE_DIR")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME")
    try:
        return (Path(base) if base else Path.home() / ".cache") / "qrules"
    except RuntimeError:  # no home directory
        return None


def _package_dir() -> Path:
    return Path(__file__).parent / "_compiled"


def _temporary(folder: Path) -> bool:
    """Whether the folder is in a temporary directory (such as a revision that
    `qrules diff REV:PATH` writes out): a throwaway, not worth a cache file."""
    roots = {os.environ.get(name) for name in ("TMPDIR", "TEMP", "TMP")}
    roots |= {"/tmp", "/var/tmp", "/usr/tmp"}
    return any(root and folder.is_relative_to(root) for root in roots)


def _places(folder: Path, shipped: bool) -> list[Path]:
    """Where the folder's cache file may be, in the order they are tried."""
    user = user_cache_dir()
    if user is None or _code() is None:
        return []
    if not shipped and _temporary(folder) and not os.environ.get("QRULES_CACHE_DIR"):
        return []
    key = hashlib.sha256(str(folder).encode("utf-8", "surrogatepass")).hexdigest()[:32]
    places = [user / f"{key}.json"]
    if shipped:
        places.insert(0, _package_dir() / f"{folder.name}.json")
    return places


def read_private(path: Path) -> bytes | None:
    """The file's bytes, if it is a regular file of this user's that no one
    else may write, within the size limit."""
    # Opened without following a link and without waiting on a FIFO, then
    # checked as opened: the name may have been swapped since it was listed.
    flags = (
        os.O_RDONLY
        | getattr(os, "O_NOFOLLOW", 0)
        | getattr(os, "O_NONBLOCK", 0)
        | getattr(os, "O_CLOEXEC", 0)
    )
    try:
        descriptor = os.open(path, flags)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as file:
        try:
            info = os.fstat(file.fileno())
            if (
                not stat.S_ISREG(info.st_mode)
                or info.st_size > MAX_CACHE_BYTES
                or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
            ):
                return None
            if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
                return None
            return file.read(MAX_CACHE_BYTES + 1)
        except OSError:
            return None


def _parse(data: bytes, folder: Path) -> dict[str, Any] | None:
    """The cache's content, if its digest, layout, code and folder are right.

    The file is four lines: the SHA-256 of the rest; a header (JSON: layout,
    code, folder, fingerprint, the loader's checks, the files the model was
    made from); the forms (JSON) and the model (JSON, `_snapshot`), both left
    unparsed here (``content["forms"]``, ``content["model"]``, bytes): each is
    parsed when first needed.
    """
    digest, _, payload = data.partition(b"\n")
    if hashlib.sha256(payload).hexdigest().encode() != digest:
        return None
    header, _, rest = payload.partition(b"\n")
    forms, _, model = rest.partition(b"\n")
    try:
        content = json.loads(header)
    except (ValueError, RecursionError):
        return None
    if not (
        isinstance(content, dict)
        and content.keys() == {"format", "code", "folder", "fingerprint", "checks", "files"}
        and content["format"] == FORMAT
        and content["code"] == _code()
        and content["folder"] == str(folder)
        and isinstance(content["fingerprint"], str)
        and isinstance(content["checks"], dict)
    ):
        return None
    content["forms"] = forms
    content["model"] = model
    return content


def _write(places: list[Path], content: dict[str, Any]) -> None:
    """Write the cache to the first place that takes it."""
    header = {key: value for key, value in content.items() if key not in ("forms", "model")}
    # JSON without indent has no line breaks: one document a line.
    payload = b"\n".join(
        json.dumps(part, ensure_ascii=False, separators=(",", ":")).encode()
        for part in (header, content["forms"], content["model"])
    )
    write_atomically(places, hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)


def write_atomically(places: list[Path], data: bytes) -> None:
    """Write ``data`` to the first of ``places`` that takes it, atomically
    (`replace_file`: a reader sees the old file or the new one), in a
    directory made private to the user, the file the user's alone (0600);
    failing to write is not an error."""
    for path in places:
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            replace_file(path, data)
        except OSError:
            continue
        return


def _reached(
    names: Iterable[str], expand: Iterable[str], measures: Mapping[str, Measure]
) -> frozenset[str]:
    """The measures of ``expand`` that computing ``names`` actually expands: the
    same compiled form serves every ``expand`` that agrees on them."""
    wanted = frozenset(expand)
    found: set[str] = set()
    stack = list(names)
    while stack:
        name = stack.pop()
        measure = measures.get(name)
        if name in wanted and name not in found and measure and measure.formula is not None:
            found.add(name)
            stack.extend(measure.formula.names)
    return frozenset(found)


def _expansions(
    names: Iterable[str], measures: Mapping[str, Measure], within: frozenset[str] = frozenset()
) -> set[frozenset[str]]:
    """Every set of measures the engine may compute from their formulas when
    judging ``names`` (`_judge._Judge.expansion`): for each measure with a
    formula, as reported or from its inputs, recursively; at most
    `MAX_EXPANSIONS`."""
    found: set[frozenset[str]] = {frozenset()}
    for name in sorted(set(names)):
        measure = measures.get(name)
        if measure is None or measure.formula is None or name in within:
            continue
        options: set[frozenset[str]] = {frozenset()} | {
            frozenset({name}) | inner
            for inner in _expansions(measure.formula.names, measures, within | {name})
        }
        found = {a | b for a in found for b in options}
        if len(found) > MAX_EXPANSIONS:
            return set(list(found)[:MAX_EXPANSIONS])
    return found


def _key(*parts: object) -> str:
    return json.dumps(parts, ensure_ascii=False, separators=(",", ":"))


class Compiled:
    """A rulebook's compiled forms, from its cache file or compiled on first use.

    Safe to share between threads: each form is made once (`once`).
    """

    def __init__(
        self,
        folder: Path | None = None,
        places: list[Path] | None = None,
        content: dict[str, Any] | None = None,
    ) -> None:
        self._folder = folder
        self._places = places or []
        self._content = content or {}
        self._matched = False
        self._parsed: dict[str, dict[str, Any]] = {}
        self._checks: dict[str, Any] = dict(self._content.get("checks", {}))
        self._predicates: dict[str, _forms.Predicate] = {}
        self._expressions: dict[str, _forms.Form] = {}
        #: The forms already served, by what was asked (`predicate`'s rule
        #: measure, requirement and ``expand``; `expression`'s name and
        #: ``expand``): judging asks for the same ones again and again.
        self._served: dict[tuple[object, ...], Any] = {}
        self._measures: Mapping[str, Measure] | None = None
        self._fingerprint = ""
        self._changed = False
        self._files: Any = self._content.get("files")
        self._model: Any = None

    @classmethod
    def for_folder(cls, folder: Path, *, shipped: bool) -> Compiled:
        """The compiled forms of a rulebook folder about to be loaded: its cache
        file's, when it has a valid one."""
        folder = folder.resolve()
        places = _places(folder, shipped)
        for path in places:
            data = read_private(path)
            content = None if data is None else _parse(data, folder)
            if content is not None:
                return cls(folder, places, content)
        return cls(folder, places)

    # -- the model ---------------------------------------------------------------

    @property
    def files(self) -> Any:
        """What the cached model was made from (`_load` checks it against the
        folder): ``None`` when there is none. Untrusted shape: check it."""
        return self._files

    def model(self) -> Any:
        """The cached model's document, as `_snapshot.encode` made it (the loader
        decodes it), or ``None``. Untrusted: `_snapshot.decode` checks it."""
        try:
            return json.loads(self._content.get("model", b""))
        except (ValueError, RecursionError):
            return None

    def keep_model(self, files: dict[str, Any], document: Any) -> None:
        """Keep a model's document (`_snapshot.encode`), made from ``files``, to
        be written with the forms."""
        self._model = document
        self._files = files
        self._changed = True

    # -- the loader's checks ---------------------------------------------------

    def check(
        self,
        key: tuple[object, ...],
        compute: Callable[[], _T],
        *,
        encode: Callable[[_T], Any],
        decode: Callable[[Any], _T],
    ) -> _T:
        """A loader check's result: the cached one for this very input (``key``
        must name all of it), else ``compute()``, then kept."""
        text = _key(*key)
        if text in self._checks:
            try:
                return decode(self._checks[text])
            except (ValueError, TypeError, KeyError, IndexError):
                pass
        result = compute()
        self._checks[text] = encode(result)
        self._changed = True
        return result

    # -- forms -------------------------------------------------------------------

    def bind(self, rulebook: Rulebook) -> None:
        """Serve ``rulebook`` (the one the loader made of the folder): its cached
        forms are used only if they were compiled for its fingerprint."""
        self._measures = rulebook.measures
        self._fingerprint = rulebook.fingerprint
        if self._content.get("fingerprint") == rulebook.fingerprint:
            self._matched = True
        else:
            self._changed = True

    @property
    def from_cache(self) -> bool:
        """Whether the forms come from the cache file (it matched the rulebook)."""
        return self._matched

    def predicate(
        self, measures: Mapping[str, Measure], rule: Rule, expand: frozenset[str]
    ) -> _forms.Predicate:
        """The rule's requirement compiled, with the measures in ``expand``
        computed from their formulas."""
        if measures is not self._measures:
            return _compile_predicate(measures, rule, expand)
        asked = ("p", rule.measure.id, rule.requirement.text, expand)
        served: _forms.Predicate | None = self._served.get(asked)
        if served is not None:
            return served
        names = rule.requirement.names | {rule.measure.id}
        reached = _reached(names, expand, measures)
        key = _key("p", rule.measure.id, rule.requirement.text, sorted(reached))
        served = self._served[asked] = once(
            self._predicates,
            key,
            lambda: self._load(
                key,
                lambda data: _forms.predicate_from_json(data, measures.keys()),
                lambda: _compile_predicate(measures, rule, reached),
            ),
        )
        return served

    def expression(
        self,
        measures: Mapping[str, Measure],
        name: str,
        expand: frozenset[str],
        rule: Rule | None = None,
    ) -> _forms.Form:
        """A measure as a form, computed from its formula (recursively) when in
        ``expand``."""
        if measures is not self._measures:
            return _compile_expression(measures, name, expand, rule)
        asked = ("e", name, expand)
        served: _forms.Form | None = self._served.get(asked)
        if served is not None:
            return served
        reached = _reached((name,), expand, measures)
        key = _key("e", name, sorted(reached))
        served = self._served[asked] = once(
            self._expressions,
            key,
            lambda: self._load(
                key,
                lambda data: _forms.form_from_json(data, measures.keys()),
                lambda: _compile_expression(measures, name, reached, rule),
            ),
        )
        return served

    def _load(self, key: str, decode: Callable[[Any], _T], make: Callable[[], _T]) -> _T:
        """The form stored under ``key``, else ``make()`` (compiling it)."""
        stored = once(self._parsed, "forms", self._stored) if self._matched else {}
        if key in stored:
            try:
                return decode(stored[key])
            except (ValueError, RecursionError):
                pass  # not a form we wrote: compile it again
        return make()

    def _stored(self) -> dict[str, Any]:
        """The cache file's forms, parsed on first use (judging, not loading)."""
        try:
            forms = json.loads(self._content.get("forms", b""))
        except (ValueError, RecursionError):
            return {}
        return forms if isinstance(forms, dict) else {}

    def fill(self, rulebook: Rulebook) -> None:
        """Compile every form judging ``rulebook`` may need and write the cache,
        if anything was missing from it."""
        if not self._changed or not self._places:
            return
        measures = rulebook.measures
        for rule in rulebook:
            stood = [rule] + [rule.at(t.start) or rule for t in rule.targets]
            for version in dict.fromkeys(stood):
                names = version.requirement.names | {version.measure.id}
                for expand in _expansions(names, measures):
                    self.predicate(measures, version, expand)
        for name in sorted(measures):
            for expand in _expansions((name,), measures):
                self.expression(measures, name, expand)
        forms = {key: _forms.predicate_to_json(value) for key, value in self._predicates.items()}
        forms.update((key, value.to_json()) for key, value in self._expressions.items())
        if self._model is None and self._files is not None:
            try:  # the cached model, kept as it was
                self._model = json.loads(self._content.get("model", b""))
            except (ValueError, RecursionError):
                self._files = None
        _write(
            self._places,
            {
                "format": FORMAT,
                "code": _code(),
                "folder": str(self._folder),
                "fingerprint": self._fingerprint,
                "forms": forms,
                "checks": self._checks,
                "files": self._files,
                "model": self._model,
            },
        )
        self._changed = False


def _compile_predicate(
    measures: Mapping[str, Measure], rule: Rule, expand: frozenset[str]
) -> _forms.Predicate:
    from ._compile import predicate_form  # noqa: PLC0415 (compiling imports sympy)

    return predicate_form(rule.predicate(measures, expand))


def _compile_expression(
    measures: Mapping[str, Measure], name: str, expand: frozenset[str], rule: Rule | None
) -> _forms.Form:
    from ._compile import expression_of, form_of  # noqa: PLC0415 (compiling imports sympy)

    if rule is not None:
        return form_of(rule.expression(measures, expand, name))
    return form_of(expression_of(name, measures, expand))


#: The cache of the folder being loaded, for the loader's checks (`checked`).
_LOADING: ContextVar[Compiled | None] = ContextVar("qrules_loading", default=None)


@contextlib.contextmanager
def checking(compiled: Compiled) -> Iterator[None]:
    """Within the block, `checked` keeps results in ``compiled``."""
    token = _LOADING.set(compiled)
    try:
        yield
    finally:
        _LOADING.reset(token)


def checked(
    key: tuple[object, ...],
    compute: Callable[[], _T],
    *,
    encode: Callable[[_T], Any],
    decode: Callable[[Any], _T],
) -> _T:
    """A loader check's result, kept in the cache of the folder being loaded
    (`Compiled.check`); ``key`` names all the check depends on."""
    loading = _LOADING.get()
    if loading is None:
        return compute()
    return loading.check(key, compute, encode=encode, decode=decode)
