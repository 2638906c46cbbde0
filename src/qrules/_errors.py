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

from collections.abc import Iterable

import attrs

from ._escape import columns, terminal
from ._limits import MAX_MESSAGE_CHARS
from ._messages import Lang, Text, joined, say

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
    "did_you_mean",
    "suggestion",
]


class QRulesError(Exception):
    """The root of every error that qrules raises on purpose.

    Raised with a `Text` (a message of the catalog), ``str(error)`` is its
    English and `render` gives either language; raised with a plain string,
    both are that string.
    """

    def __init__(self, *args: object) -> None:
        if args and isinstance(args[0], Text):
            self.said: Text | None = args[0]
            args = (args[0].en, *args[1:])
        else:
            self.said = None
        super().__init__(*args)

    def render(self, lang: Lang) -> str:
        """The message in ``lang``."""
        return str(self) if self.said is None else self.said.get(lang)


def _as_text(text: str | Text) -> Text:
    return text if isinstance(text, Text) else Text(text, text)


def _maybe_text(text: str | Text | None) -> Text | None:
    return None if text is None else _clipped(_as_text(text))


def _clipped(text: str | Text) -> Text:
    """A message part cut to `MAX_MESSAGE_CHARS`, keeping its start and end: a
    cell echoed in a message may be as long as a CSV field."""
    text = _as_text(text)
    if len(text.zh) <= MAX_MESSAGE_CHARS and len(text.en) <= MAX_MESSAGE_CHARS:
        return text
    keep = MAX_MESSAGE_CHARS // 2

    def clip(part: str) -> Text:
        if len(part) <= MAX_MESSAGE_CHARS:
            return Text(part, part)
        return say(
            "problems.clipped", start=part[:keep], count=len(part) - 2 * keep, end=part[-keep:]
        )

    return Text(clip(text.zh).zh, clip(text.en).en)


def _maybe_clipped(text: str | None) -> str | None:
    return None if text is None else _clipped(text).en


@attrs.frozen
class Problem:
    """One thing wrong with an input, and where it is.

    ``file`` is the file (relative to the rulebook or dataset), ``where`` the rule
    or measure id or the row, ``key`` the key or column, ``message`` what is wrong,
    and ``hint`` what to do about it, when there is something to suggest.
    ``message``, ``where`` and ``hint`` are given as a `Text` (a message of the
    catalog) or a string, and read as English strings; `render` gives either
    language.
    """

    file: str
    _message: Text = attrs.field(converter=_clipped)
    _where: Text | None = attrs.field(default=None, converter=_maybe_text)
    key: str | None = attrs.field(default=None, converter=_maybe_clipped)
    _hint: Text | None = attrs.field(default=None, converter=_maybe_text)

    @property
    def message(self) -> str:
        return self._message.en

    @property
    def where(self) -> str | None:
        return None if self._where is None else self._where.en

    @property
    def hint(self) -> str | None:
        return None if self._hint is None else self._hint.en

    def render(self, lang: Lang) -> str:
        """The problem, where it is and what to do, in ``lang``. The file's name
        is shown as a terminal shows a value (`terminal`): a rule file named
        with an escape or a line break, in a folder from elsewhere, cannot
        colour the output or forge a line of it."""
        place = [say("data.value", value=terminal(self.file))]
        if self._where is not None:
            place.append(self._where)
        if self.key is not None:
            place.append(say("problems.key", key=self.key))
        where = joined(tuple(place), say("problems.comma"))
        if self._hint is not None and self._hint.get(lang):
            said = say("problems.line_hint", where=where, message=self._message, hint=self._hint)
        else:
            said = say("problems.line", where=where, message=self._message)
        return said.get(lang)

    def __str__(self) -> str:
        return self.render("en")


class _ProblemsError(QRulesError):
    """An error that carries every problem found, not only the first."""

    _what = "problems.input"

    def __init__(
        self, source: str, problems: Iterable[Problem], *, what: str | None = None
    ) -> None:
        """``what``: the message id of what the source is, in the header (the
        class's by default: ``problems.dataset`` for a `DataError`)."""
        self.source = source
        self.problems = tuple(problems)
        self.what = what or self._what
        super().__init__(self.render("en"))

    def render(self, lang: Lang) -> str:
        count = len(self.problems)
        lines = [
            say(
                "problems.header",
                what=say(self.what),
                source=self.source,
                count=count,
                s="s" if count != 1 else "",
            ).get(lang)
        ]
        lines.extend(f"  - {problem.render(lang)}" for problem in self.problems)
        return "\n".join(lines)


class RulebookError(_ProblemsError, ValueError):
    """A rulebook's files are not valid; ``problems`` holds every problem found."""

    _what = "problems.rulebook"


class DataError(_ProblemsError, ValueError):
    """A dataset could not be read; ``problems`` holds every problem found."""

    _what = "problems.dataset"


class ExpressionError(QRulesError, ValueError):
    """An expression is not valid in the expression language.

    ``text`` is the expression, ``start`` and ``end`` delimit the offending part,
    and ``str()`` shows the line of the expression that holds it (saying which,
    when the expression has several) with a marker under that part.
    """

    def __init__(self, message: str | Text, text: str, start: int, end: int | None = None) -> None:
        said = _as_text(message)
        self.message = said.en
        self.text = text
        self.start = max(0, min(start, len(text)))
        self.end = max(self.start + 1, end if end is not None else self.start + 1)
        super().__init__(self._shown(said))

    def _shown(self, message: Text) -> Text:
        """The message, which line of a multi-line expression, that line and a
        marker under the offending part."""
        if "\n" in self.text.strip():
            message = say("expression.on_line", message=message, line=self.lineno)
        return say("expression.shown", message=message, text=self.line, marker=self.marker)

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
        width = columns
        line_end = self.text.find("\n", self.start)
        end = self.end if line_end == -1 else min(self.end, line_end)
        pad = width(self.text[self._line_start : self.start])
        span = max(1, width(self.text[self.start : end]))
        return " " * pad + "^" * span


def did_you_mean(
    word: str, options: Iterable[str], *, cutoff: float = 0.6, prefix: str = ""
) -> str | None:
    """``did you mean 'x'?`` for the option closest to ``word``, when one is close
    enough; every suggestion qrules makes is worded by this."""
    said = suggestion(word, options, cutoff=cutoff, prefix=prefix)
    return None if said is None else said.en


def suggestion(
    word: str, options: Iterable[str], *, cutoff: float = 0.6, prefix: str = ""
) -> Text | None:
    """`did_you_mean` in both languages (compared without case: ``ADVANCED-…``
    finds ``advanced-…``)."""
    import difflib  # noqa: PLC0415 (only a mistake needs it: a quick start otherwise)

    folded: dict[str, str] = {}
    for option in options:
        folded.setdefault(option.casefold(), option)
    close = difflib.get_close_matches(word.casefold(), list(folded), n=1, cutoff=cutoff)
    return say("did_you_mean", prefix=prefix, option=folded[close[0]]) if close else None


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
