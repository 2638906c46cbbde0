"""The terminal width of text, and the report's cutting and wrapping by it,
worked out character by character once (`_escape.char_columns`), as the
definitions they replaced: every character's east-Asian width read again for
every prefix."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from qrules._escape import char_columns, columns
from qrules._report import _cut, _wrap


def _columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def _cut_by_prefix(text: str, width: int) -> str:
    if _columns(text) <= width:
        return text
    kept = ""
    for char in text:
        if _columns(kept + char) > width - 1:
            break
        kept += char
    return kept + "…"


def _wrap_by_prefix(text: str, width: int) -> list[str]:
    found: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if _columns(candidate) <= width:
            current = candidate
            continue
        if current:
            found.append(current)
        current = ""
        for char in word:
            if _columns(current + char) > width:
                found.append(current)
                current = ""
            current += char
    found.append(current)
    return found or [""]


# Chinese, full-width and ASCII letters, spaces (runs of them too), combining
# and control characters: every width a report's cell may hold.
TEXT = st.text(
    st.one_of(
        st.sampled_from("食品安全抽检合格率ＡＢ１２ 　 ab-/…\u0301\x1b\u200b"),
        st.characters(codec="utf-8"),
    ),
    max_size=40,
)


@given(TEXT)
def test_columns_as_counted_per_character(text: str) -> None:
    assert columns(text) == _columns(text)
    assert all(char_columns(c) == _columns(c) for c in text)


@given(TEXT, st.integers(1, 30))
def test_cut_as_by_prefixes(text: str, width: int) -> None:
    assert _cut(text, width) == _cut_by_prefix(text, width)


@given(TEXT, st.integers(1, 30))
def test_wrap_as_by_prefixes(text: str, width: int) -> None:
    assert _wrap(text, width) == _wrap_by_prefix(text, width)


def test_wide_and_narrow() -> None:
    assert columns("abc") == 3
    assert columns("合格率") == 6
    assert columns("Ａ1") == 3
    assert _cut("食品安全抽检", 7) == "食品安…"
    assert _wrap("食品 安全抽检 ab", 4) == ["食品", "安全", "抽检", "ab"]
