"""The text of the generated queries, kept between runs: sqlglot only to generate.

Importing sqlglot and loading a dialect costs more than counting 100,000 units
in DuckDB. The queries are generated from the rules and the tables' names,
columns and types, never from the data, so their text is kept:

1. In the process: each query's text by its generator's inputs (``key``), at
   most `MAX_KEPT`.
2. Between runs: in the user's cache directory (`_cache.user_cache_dir`), a
   file ``sql-<code>.json`` per qrules and sqlglot (the code that generates
   and renders, hashed with qrules' version: a file made by other code is
   never read), each text under the SHA-256 of its key and dialect. Read and
   written as the compiled-forms cache is (docs/architecture.md): JSON with a
   SHA-256 of its content, a regular file of this user's that no one else may
   write, bounded, written atomically; anything amiss and the query is
   generated again.

A text is rendered in `spoken`'s dialect: PostgreSQL's writes a string
literal holding a backslash as an escape string (``E'a\\\\b'``), which
PostgreSQL reads the same whatever ``standard_conforming_strings`` says, so
that qrules never changes that setting on a user's session.

``exp`` stands for sqlglot's expression builders and imports sqlglot on first
use, so that a query whose text is kept is run without importing it.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import threading
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._cache import read_private, user_cache_dir, write_atomically
from .._tabular import needs

if TYPE_CHECKING:
    from sqlglot import exp
else:

    class _Expressions:
        """sqlglot's ``exp``, imported when first used."""

        def __getattr__(self, name: str) -> Any:
            from sqlglot import exp as module  # noqa: PLC0415 (the point of this class)

            value = getattr(module, name)
            self.__dict__[name] = value  # found directly from now on
            return value

    exp = _Expressions()

__all__ = ["MAX_KEPT", "exp", "kept", "needs_sqlglot", "quoted_column", "rendered", "spoken"]

#: The most query texts kept, in the process and in the file.
MAX_KEPT = 256
#: The modules whose code decides a query's text (with sqlglot's version), from
#: qrules' folder: the generators and the modules they take words, codes and
#: markers from (a query kept from other words would not read as the readers).
_GENERATORS = (
    "engines/_builders.py",
    "engines/_collations.py",
    "engines/_holdings.py",
    "engines/_rejected.py",
    "engines/_spelled.py",
    "engines/_sqltext.py",
    "engines/sql.py",
    "_data.py",
    "_errors.py",
    "_idnumbers.py",
    "_messages.py",
    "_model.py",
    "_recordspec.py",
    "_results.py",
    "_rulebook.py",
    "_tabular.py",
    "records/doubts.py",
    "records/judge.py",
    "records/plan.py",
    "records/prepare.py",
    "records/read.py",
)

_RENDERED: dict[Hashable, str] = {}
_STORED: dict[str, str] = {}
_WRITING = threading.Lock()


@functools.cache
def needs_sqlglot() -> None:
    """A `DataError` saying how to install sqlglot when it is not installed
    (without importing it when it is). Once found, not looked for again in
    the process: a search of the import path costs more than a short query."""
    if importlib.util.find_spec("sqlglot") is None:
        needs("sqlglot")


@functools.cache
def _code() -> str | None:
    """A digest of qrules' version, the generators' code and sqlglot's version;
    ``None`` (nothing kept between runs) when a source cannot be read."""
    from .._version import __version__  # noqa: PLC0415 (only a key to write needs it)

    digest = hashlib.sha256(__version__.encode())
    here = Path(__file__).parent.parent
    spec = importlib.util.find_spec("sqlglot")
    if spec is None or spec.origin is None:
        return None
    sqlglot = Path(spec.origin).parent
    try:
        for path in [
            *(here / name for name in _GENERATORS),
            sqlglot / "__init__.py",
            sqlglot / "_version.py",
        ]:
            digest.update(path.read_bytes())
    except OSError:
        return None
    return digest.hexdigest()


def _path() -> Path | None:
    directory, code = user_cache_dir(), _code()
    return None if directory is None or code is None else directory / f"sql-{code[:32]}.json"


@functools.cache
def _stored() -> dict[str, str]:
    """The texts kept between runs (read once per process)."""
    path = _path()
    data = None if path is None else read_private(path)
    if data is None:
        return _STORED
    digest, _, payload = data.partition(b"\n")
    if hashlib.sha256(payload).hexdigest().encode() != digest:
        return _STORED
    try:
        content = json.loads(payload)
    except (ValueError, RecursionError):
        return _STORED
    if (
        isinstance(content, dict)
        and content.get("code") == _code()
        and isinstance(content.get("queries"), dict)
    ):
        _STORED.update(
            (k, v)
            for k, v in content["queries"].items()
            if isinstance(k, str) and isinstance(v, str)
        )
    return _STORED


def _keep(name: str, text: str) -> None:
    """Keep a text for the next runs (one thread at a time: the file is rewritten)."""
    with _WRITING:
        stored = _stored()
        if len(stored) >= MAX_KEPT:
            stored.clear()
        stored[name] = text
        path = _path()
        if path is None:
            return
        payload = json.dumps(
            {"code": _code(), "queries": stored}, ensure_ascii=False, separators=(",", ":")
        ).encode()
        write_atomically([path], hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)


def rendered(key: Hashable, build: Callable[[], exp.Expr], dialect: str) -> str:
    """A query's text in a dialect, built and rendered once per ``key``, which
    must name all its generator's inputs (its ``repr`` is kept between runs).
    The queries are generated from rules and tables, not from data: a handful
    per process."""
    return kept((key, dialect), lambda: build().sql(dialect=spoken(dialect)))


def spoken(dialect: str) -> Any:
    """The sqlglot dialect qrules renders ``dialect``'s text in: the dialect
    itself, but for PostgreSQL, whose string literals holding a backslash are
    written as escape strings (`_postgres`)."""
    return _postgres() if dialect == "postgres" else dialect


def quoted_column(name: str, dialect: str) -> str:
    """A column's name as ``dialect``'s SQL writes it in a hint the user runs
    (``"Registered On"``, ``"检查日期"``, Spark's ```date```): always quoted,
    since an unquoted name is folded to lower case (PostgreSQL) or may be a
    keyword (``date``, ``select``)."""
    return str(exp.to_identifier(name, quoted=True).sql(dialect=spoken(dialect)))


@functools.cache
def _postgres() -> Any:
    r"""sqlglot's PostgreSQL dialect, writing a string literal that holds a
    backslash as ``E'...'`` (each backslash doubled, each quote doubled).

    A plain ``'a\\b'`` reads as ``a\\b`` with ``standard_conforming_strings``
    on and as ``a\b`` with it off (and ``'a\'b'`` ends at its second quote
    with it on); an escape string reads the same under both settings, and so does
    a plain literal without a backslash, as every other literal is written.
    A regular expression's backslashes are so kept as they are."""
    from sqlglot.dialects.postgres import Postgres  # noqa: PLC0415 (sqlglot loads when used)

    generator: type[Any] = Postgres.Generator

    class _Generator(generator):  # type: ignore[misc]
        def literal_sql(self, expression: exp.Literal) -> str:
            text = expression.this or ""
            if not expression.is_string or "\\" not in text:
                return str(super().literal_sql(expression))
            # escape_str doubles the quotes (and keeps line breaks out of
            # pretty-printing's indenting), leaving the doubled backslashes.
            doubled = text.replace("\\", "\\\\")
            return f"E'{self.escape_str(doubled, escape_backslash=False)}'"

    class QrulesPostgres(Postgres):
        """Registered by sqlglot under its own name, never as ``postgres``."""

        Generator = _Generator

    return QrulesPostgres()


def kept(key: Hashable, make: Callable[[], str]) -> str:
    """A text generated once per ``key`` (`rendered`'s, or another a query's
    generator gives, such as its columns' names), kept in the process and
    between runs."""
    found = _RENDERED.get(key)
    if found is not None:
        return found
    name = hashlib.sha256(repr(key).encode("utf-8", "surrogatepass")).hexdigest()
    found = _stored().get(name)
    if found is None:
        found = make()
        _keep(name, found)
    if len(_RENDERED) >= MAX_KEPT:
        _RENDERED.clear()
    _RENDERED[key] = found
    return found
