"""The errors qrules raises.

Every error derives from `QRulesError`, and each concrete one also from the
builtin it resembles, so callers can catch broadly or precisely::

    QRulesError
    ├── RulebookError (ValueError)         a rulebook failed validation; .problems lists all
    ├── ExpressionError (ValueError)       an expression did not parse; str() marks the spot
    ├── DataError (ValueError)             a dataset could not be read; .problems lists all
    ├── RulebookNotFoundError (LookupError)
    ├── OutOfPeriodError (ValueError)      a date outside a rulebook's effective period
    ├── UnknownRuleError (KeyError)        no rule with that id in a rulebook
    └── UnknownBodyError (KeyError)        no responsible body of that id or spelling
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable

import attrs

from ._limits import MAX_MESSAGE_CHARS

__all__ = [
    "DataError",
    "ExpressionError",
    "OutOfPeriodError",
    "Problem",
    "QRulesError",
    "RulebookError",
    "RulebookNotFoundError",
    "UnknownBodyError",
    "UnknownRuleError",
]


class QRulesError(Exception):
    """The root of every error that qrules raises on purpose."""


def _maybe_clipped(text: str | None) -> str | None:
    return None if text is None else _clipped(text)


def _clipped(text: str) -> str:
    """A message part cut to `MAX_MESSAGE_CHARS`, keeping its start and end: a
    cell echoed in a message may be as long as a CSV field."""
    if len(text) <= MAX_MESSAGE_CHARS:
        return text
    keep = MAX_MESSAGE_CHARS // 2
    return f"{text[:keep]} … ({len(text) - 2 * keep:,} characters) … {text[-keep:]}"


@attrs.frozen
class Problem:
    """One thing wrong with an input, and where it is.

    ``file`` is the file (relative to the rulebook or dataset), ``where`` the rule
    or measure id or the row, ``key`` the key or column, ``message`` what is wrong,
    and ``hint`` what to do about it, when there is something to suggest.
    """

    file: str
    message: str = attrs.field(converter=_clipped)
    where: str | None = attrs.field(default=None, converter=_maybe_clipped)
    key: str | None = attrs.field(default=None, converter=_maybe_clipped)
    hint: str | None = attrs.field(default=None, converter=_maybe_clipped)

    def __str__(self) -> str:
        place = [self.file]
        if self.where is not None:
            place.append(self.where)
        if self.key is not None:
            place.append(f"key {self.key!r}")
        text = f"{', '.join(place)}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


class _ProblemsError(QRulesError):
    """An error that carries every problem found, not only the first."""

    _what = "input"

    def __init__(self, source: str, problems: Iterable[Problem]) -> None:
        self.source = source
        self.problems = tuple(problems)
        count = len(self.problems)
        lines = [f"{self._what} {source!r} has {count} problem{'s' if count != 1 else ''}:"]
        lines.extend(f"  - {problem}" for problem in self.problems)
        super().__init__("\n".join(lines))


class RulebookError(_ProblemsError, ValueError):
    """A rulebook's files are not valid; ``problems`` holds every problem found."""

    _what = "rulebook"


class DataError(_ProblemsError, ValueError):
    """A dataset could not be read; ``problems`` holds every problem found."""

    _what = "dataset"


class ExpressionError(QRulesError, ValueError):
    """An expression is not valid in the expression language.

    ``text`` is the expression, ``start`` and ``end`` delimit the offending part,
    and ``str()`` shows the line of the expression that holds it (saying which,
    when the expression has several) with a marker under that part.
    """

    def __init__(self, message: str, text: str, start: int, end: int | None = None) -> None:
        self.message = message
        self.text = text
        self.start = max(0, min(start, len(text)))
        self.end = max(self.start + 1, end if end is not None else self.start + 1)
        where = f" (line {self.lineno} of the expression)" if "\n" in text.strip() else ""
        super().__init__(f"{message}{where}\n    {self.line}\n    {self.marker}")

    @property
    def _line_start(self) -> int:
        return self.text.rfind("\n", 0, self.start) + 1

    @property
    def lineno(self) -> int:
        """The line of the expression (from 1) that holds the offending part."""
        return self.text.count("\n", 0, self.start) + 1

    @property
    def line(self) -> str:
        """The line of the expression that holds the offending part, tabs expanded."""
        end = self.text.find("\n", self.start)
        return self.text[self._line_start : end if end != -1 else None].expandtabs(1)

    @property
    def marker(self) -> str:
        """A line of spaces and carets that sits under the offending part."""
        # Wide (CJK) characters take two columns in a terminal; tabs are shown as
        # one space in `line`.
        def width(s: str) -> int:
            return sum(2 if _is_wide(ch) else 1 for ch in s)

        line_end = self.text.find("\n", self.start)
        end = self.end if line_end == -1 else min(self.end, line_end)
        pad = width(self.text[self._line_start : self.start])
        span = max(1, width(self.text[self.start : end]))
        return " " * pad + "^" * span


def did_you_mean(word: str, options: Iterable[str], *, cutoff: float = 0.6,
                 prefix: str = "") -> str | None:
    """``did you mean 'x'?`` for the option closest to ``word``, when one is close
    enough; every suggestion qrules makes is worded by this."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=cutoff)
    return f"did you mean {prefix}{close[0]!r}?" if close else None


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


class RulebookNotFoundError(QRulesError, LookupError):
    """No shipped rulebook has that name and no folder is at that path."""


class UnknownRuleError(QRulesError, KeyError):
    """A rulebook has no rule with that id."""

    def __str__(self) -> str:
        # KeyError would print the message in quotes.
        return str(self.args[0])


class UnknownBodyError(QRulesError, KeyError):
    """A rulebook has no responsible body with that id or spelling."""

    def __str__(self) -> str:
        return str(self.args[0])


class OutOfPeriodError(QRulesError, ValueError):
    """A date outside the period in which a rulebook is in force."""
