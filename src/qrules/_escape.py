"""Text from inputs, escaped for the format it is written in (docs/security.md).

District and unit names, rule titles and quotes, file names and cell values
come from files that may be hostile. Each output escapes them for its format,
so that no value can forge a status or a row, run a script, or move a cursor:

- `terminal` (tables and text on a terminal): control characters (C0, C1,
  DEL, so ANSI escapes), line and paragraph separators and bidirectional
  controls are shown as ``\\x1b``, ``\\u2028``…; `terminal_lines` keeps the
  line breaks of a whole output and shows the rest.
- `markdown` (a table cell or a line of Markdown): the above, plus ``\\``,
  ``|`` and Markdown's inline syntax backslash-escaped, ``<`` and ``&`` as
  entities, and a line break as a space; `code_fence` is a fence longer than
  any run of backticks in a block.
- `xml` (JUnit): the above, so that no character XML 1.0 forbids is written
  (ElementTree escapes ``<``, ``&`` and quotes itself).
- `html` and `script_json` for the HTML report.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata

__all__ = [
    "char_columns",
    "code_fence",
    "columns",
    "html",
    "markdown",
    "script_json",
    "terminal",
    "terminal_lines",
    "xml",
]

# Control characters (C0, DEL, C1), line and paragraph separators, bidirectional
# controls (which can reorder what a reader sees), lone surrogates, and the two
# noncharacters XML forbids.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff\ufffe\uffff]"
)
_UNSAFE_BUT_NEWLINE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff\ufffe\uffff]"
)
# Markdown's inline syntax (code, emphasis, links, a cell's end) and the braces
# templating engines read downstream (``{{ }}``, ``${ }``): each backslash-escaped,
# which CommonMark, GFM and Python-Markdown all show as the character itself.
# ``<`` and ``&`` become entities instead (Python-Markdown does not unescape
# ``\<``); ``>`` alone starts nothing inside a line.
_MARKDOWN = re.compile(r"([\\`*\[\]|{}])")


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal(text: str) -> str:
    """One cell or value on a terminal: every control character shown, not run
    (a line break too, so that a value cannot forge a row)."""
    return _UNSAFE.sub(_shown, text)


@functools.lru_cache(maxsize=65_536)
def char_columns(char: str) -> int:
    """The columns one character takes on a terminal: two for a wide (CJK)
    one (kept per character, a bounded number: a report asks of the same few
    thousand)."""
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def columns(text: str) -> int:
    """The columns ``text`` takes on a terminal: two for a wide (CJK) character."""
    if text.isascii():  # (none is wide: one column each)
        return len(text)
    return sum(map(char_columns, text))


def terminal_lines(text: str) -> str:
    """A whole output for a terminal: its line breaks kept, every other control
    character shown."""
    return _UNSAFE_BUT_NEWLINE.sub(_shown, text)


def markdown(text: str) -> str:
    """Text for a Markdown table cell or line: shown as written, never as markup
    (``|`` cannot end a cell, ``<script>`` is text, a line break is a space)."""
    text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    text = terminal(text)
    text = _MARKDOWN.sub(r"\\\1", text)
    return text.replace("&", "&amp;").replace("<", "&lt;")


def code_fence(lines: list[str]) -> str:
    """A fence of backticks longer than any run of them in ``lines``."""
    longest = max((len(run) for line in lines for run in re.findall("`+", line)), default=0)
    return "`" * max(3, longest + 1)


def xml(text: str, *, lines: bool = False) -> str:
    """Text for an XML element or attribute: no character XML 1.0 forbids, no
    terminal escape (line breaks kept with ``lines``)."""
    return terminal_lines(text) if lines else terminal(text)


def html(text: str) -> str:
    """Text for HTML, in an element or a quoted attribute."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def script_json(value: object) -> str:
    """JSON that is safe inside a ``<script>`` element: no ``<``, ``>`` or ``&``,
    no line separator (which ends a line in older JavaScript), no control or
    bidirectional character."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    # Control, separator and bidi characters as JSON escapes: the same data,
    # and a page source that a terminal or an editor shows as written.
    return _UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
