"""``qrules lint`` and the quotes on hostile plan texts, quotes and
interpretations: every one answered in seconds and under 200 MiB, a text too
full of numbers refused (docs/security.md, "Limits").

A plan's text is at most 4 MiB (`MAX_RULEBOOK_FILE_BYTES`); lint reads at most
`MAX_PLAN_TEXT_NUMBERS` numbers in it. A 4 MiB text of ``1-1-1-…`` ran lint for
minutes and took gigabytes before."""

from __future__ import annotations

import shutil
import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qrules._limits import (
    MAX_INTERPRETATION_CHARS,
    MAX_PLAN_TEXT_NUMBERS,
    MAX_QUOTE_CHARS,
    MAX_RULEBOOK_FILE_BYTES,
)
from qrules._lint import _inside
from qrules._quotes import _HEADING, _TOKEN, _normal_map, _Sections, stated_targets

from .conftest import MINI, run
from .test_limits import assert_bounded, measured

HEAD = (MINI / "plan.txt").read_text(encoding="utf-8")


def _plan(tmp_path: Path, unit: str, count: int | None = None, filler: str = "") -> Path:
    """A copy of the mini rulebook whose text is its own, then ``unit`` ``count``
    times (as often as fits, by default), then ``filler`` up to the 4 MiB limit."""
    folder = tmp_path / "hostile"
    shutil.copytree(MINI, folder)
    budget = MAX_RULEBOOK_FILE_BYTES - len(HEAD.encode())
    body = unit * (budget // len(unit.encode()) if count is None else count)
    if filler:
        body += filler * ((budget - len(body.encode())) // len(filler.encode()))
    (folder / "plan.txt").write_text(HEAD + body, encoding="utf-8")
    assert (folder / "plan.txt").stat().st_size <= MAX_RULEBOOK_FILE_BYTES
    return folder


def _lint(folder: Path) -> tuple[int, str, str, float]:
    start = time.process_time()
    code, out, err = run("lint", str(folder))
    return code, out, err, time.process_time() - start


@pytest.mark.parametrize(
    "unit",
    [
        "1-",  # two million numbers (and ranges): minutes and 4.4 GB before
        "1日",  # days: each looked back at the whole text for a 月 before
        "全覆盖",  # a million targets without a number
        "１２,",  # full-width digits, normalised
    ],
)
def test_a_text_full_of_numbers_is_refused_at_once(tmp_path: Path, unit: str) -> None:
    code, _, err, seconds = _lint(_plan(tmp_path, unit))
    assert code == 2
    assert "plan.toml, key 'text': the plan's text it names writes more than 10,000 numbers" in err
    assert len(err.strip().splitlines()) == 2
    assert seconds < 5, seconds


def test_the_limit_is_on_numbers_not_bytes(tmp_path: Path) -> None:
    """The mini text writes 5 numbers (a year among them); 9,995 more are
    read, one more is not."""
    written = len(_TOKEN.findall(HEAD))
    assert written == 5
    for count, code in ((MAX_PLAN_TEXT_NUMBERS - written, 1), (MAX_PLAN_TEXT_NUMBERS - 4, 2)):
        folder = _plan(tmp_path / str(count), "达到1%。", count)
        assert _lint(folder)[0] == code


@pytest.mark.parametrize(
    ("unit", "count", "filler"),
    [
        ("一、目标\n达到1%\n", 9_990, "(一)x\n"),  # a million headings
        ("达到1%", 9_990, "\n"),  # four million lines
        ("达到1%", 9_990, "中"),  # one line of 4 MiB, no clause or sentence ending
        ("食品安全抽检合格率≥98.5,", 9_990, "食品安全抽检合格率≥"),  # a rule's quote everywhere
        ("月" + " " * 400 + "1日", 9_990, " "),  # dates after long runs of spaces
        # a rule's quote after each of 700 lists of 32 long things: ranked
        # by what each shares with the rule's names, 4 s; in the text's order
        (("a" * 60 + ",") * 31 + "a" * 60 + "均食品安全抽检合格率≥98.5,", None, ""),
        ("到2025年" + "1" * 5_000, 700, "。"),  # numbers of 5,000 digits: exit 3 before
    ],
)
def test_a_text_of_4_mib_within_the_limit_is_linted_in_seconds(
    tmp_path: Path, unit: str, count: int, filler: str
) -> None:
    code, out, err, seconds = _lint(_plan(tmp_path, unit, count, filler))
    assert code in (0, 1), err
    assert "Traceback" not in out + err
    assert seconds < 10, seconds


def test_the_worst_text_within_the_limit_in_its_own_process(tmp_path: Path) -> None:
    """The CPU time and the peak memory of the whole process: 3.3 s and 136 MB
    when measured."""
    folder = _plan(tmp_path, "a," * 30 + "a均达到1%", 9_990, "b")
    assert_bounded(measured("lint", str(folder)), 1, 15)


def test_a_quote_and_an_interpretation_are_bounded(tmp_path: Path) -> None:
    folder = _plan(tmp_path, "1-", 1_000, "中")
    text = (folder / "plan.txt").read_text(encoding="utf-8")
    rules = (folder / "rules.toml").read_text(encoding="utf-8")
    long_quote = text[len(HEAD) :][: MAX_QUOTE_CHARS + 1]  # (1-1-…, in the text)
    rules = rules.replace('quote = "新增标准100项"', f'quote = "{long_quote}"')
    rules = rules.replace(
        'requirement = ">= 98.5"\n',
        'requirement = ">= 99"\ninterpretation = "reads 99 '
        + "1-" * MAX_INTERPRETATION_CHARS
        + '"\n',
    )
    (folder / "rules.toml").write_text(rules, encoding="utf-8")
    start = time.process_time()
    code, out, err = run("validate", str(folder))
    assert time.process_time() - start < 5
    assert code == 2
    err += out
    limit = f"{MAX_QUOTE_CHARS + 1:,} characters, over the limit of {MAX_QUOTE_CHARS:,}"
    assert f"a quote of {limit}" in err
    assert "an interpretation of 20,009 characters, over the limit of 10,000" in err


# -- the shortcuts, against the plain ways they replace ------------------------------


def _plain_normal_map(text: str) -> tuple[str, list[int]]:
    parts: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        normal = unicodedata.normalize("NFKC", char)
        parts.append(normal)
        offsets.extend([index] * len(normal))
    offsets.append(len(text))
    return "".join(parts), offsets


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from("1a中１％㎏½①ﬁ\u0301 \n")))
def test_the_normal_map_is_the_character_by_characters(text: str) -> None:
    normal, offsets = _normal_map(text)
    assert (normal, list(offsets)) == _plain_normal_map(text)


def _plain_sections(text: str, offset: int) -> str:
    path: dict[int, str] = {}
    for match in _HEADING.finditer(text):
        if match.start() > offset:
            break
        level = min(next(i for i in range(1, 5) if match.group(i)), 3)
        path = {k: v for k, v in path.items() if k < level}
        path[level] = match.group(0).strip()
    return " / ".join(path[k] for k in sorted(path))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(["一、甲\n", "(二)乙\n", "3.丙\n", "专栏4 丁\n", "正文\n"]), max_size=30
    ),
    st.integers(0, 200),
)
def test_the_section_at_an_offset_is_the_path_of_headings_before_it(
    lines: list[str], offset: int
) -> None:
    text = "".join(lines)
    assert _Sections.of(text).at(offset) == _plain_sections(text, offset)


@settings(max_examples=300, deadline=None)
@given(
    st.text("ab", max_size=40),
    st.text("ab", min_size=1, max_size=6),
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, 4)), max_size=10),
)
def test_the_spans_inside_a_quote_are_found_without_listing_it(
    text: str, quote: str, raw: list[tuple[int, int]]
) -> None:
    spans = sorted((start, start + length) for start, length in raw)
    occurrences = [i for i in range(len(text)) if text.startswith(quote, i)]
    expected = [
        i
        for i, (start, end) in enumerate(spans)
        if any(s <= start and end <= s + len(quote) for s in occurrences)
    ]
    assert _inside(text, quote, spans) == expected


def test_a_number_longer_than_any_target_is_not_one() -> None:
    assert stated_targets("达到" + "9" * 5_000 + "%") == ()
    assert [t.text for t in stated_targets("达到" + "9" * 60 + "%")] == ["达到" + "9" * 60 + "%"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_refusal_speaks_the_language(lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from qrules import _lint, _messages, _quotes  # noqa: PLC0415

    monkeypatch.setattr(_quotes, "MAX_PLAN_TEXT_NUMBERS", 3)
    monkeypatch.setattr(_lint, "MAX_PLAN_TEXT_NUMBERS", 3)
    _messages.marking(False)
    code, _, err = run("lint", str(MINI), "--lang", lang)
    assert code == 2
    said = {
        "zh": "plan.toml,键 'text':它指定的计划文本写有超过 3 个数字(及“全覆盖”等目标)",
        "en": "plan.toml, key 'text': the plan's text it names writes more than 3 numbers",
    }
    assert said[lang] in err, err
