"""What a plan's quote states, and whether a rule's requirement says the same.

A rule quotes the plan verbatim; its requirement must be a target the quote
writes. The quote is read as people write targets: full-width digits, ``%``,
``万``/``亿`` scales, comparison words before the number (``≥``, ``不低于``,
``不少于``, ``达到``, ``不超过``...) or after it (``以上``, ``以内``, ``以下``),
and ranges (``95%-98%``). Years and dates (``2025年``) are not targets.

A requirement matches when every bound it puts on the rule's measure is a
number the quote states, in the quote's direction (a bare number is read as
a minimum or an exact value; ``>= 100`` and ``== 100`` are the same for a
measure that cannot exceed 100). A rule whose target is not written in its
quote ("each unit inspected once", read as a 100 % share) is allowed only when
its ``interpretation`` says why and names the number it reads: the rule then
*reads beyond its quote*, and ``qrules validate`` lists it for a reviewer.
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from array import array
from collections.abc import Iterator, Sequence
from fractions import Fraction
from typing import Literal, TypeAlias

import attrs

from ._compile import constant_value
from ._expr import (
    BinaryOp,
    Comparator,
    Compare,
    Expression,
    Logic,
    Name,
    Negate,
    Node,
    Not,
    Number,
    format_number,
)
from ._limits import MAX_NUMBER_DIGITS, MAX_PLAN_TEXT_NUMBERS
from ._messages import Text, listed, say
from ._model import Rule

__all__ = [
    "Mismatch",
    "StatedTarget",
    "TextTarget",
    "TooManyNumbers",
    "encoded_targets",
    "quote_mismatches",
    "reads_beyond_quote",
    "stated_targets",
    "text_targets",
]

#: How a quote states a number: ``≥``, ``≤``, ``>``, ``<``, or bare (no word).
Direction: TypeAlias = Literal[">=", "<=", ">", "<", ""]

_SHOWN_OPS: dict[Comparator | None, str] = {
    ">=": "≥",
    "<=": "≤",
    ">": ">",
    "<": "<",
    "==": "=",
    "!=": "≠",
}

# Words before a number (longest first, so that 不低于 wins over 低于).
_BEFORE: tuple[tuple[str, Direction], ...] = (
    ("不低于", ">="),
    ("不少于", ">="),
    ("不小于", ">="),
    ("达到", ">="),
    ("至少", ">="),
    ("≥", ">="),
    (">=", ">="),
    ("达", ">="),
    ("不超过", "<="),
    ("不高于", "<="),
    ("不多于", "<="),
    ("不大于", "<="),
    ("控制在", "<="),
    ("≤", "<="),
    ("<=", "<="),
    ("超过", ">"),
    ("高于", ">"),
    ("大于", ">"),
    ("多于", ">"),
    (">", ">"),
    ("低于", "<"),
    ("少于", "<"),
    ("小于", "<"),
    ("<", "<"),
)
_AFTER: tuple[tuple[str, Direction], ...] = (("以上", ">="), ("以内", "<="), ("以下", "<="))
_SCALES = {"万": Fraction(10_000), "亿": Fraction(100_000_000)}

# Within a line: a table's value and the next row's name are not one phrase.
_NUMBER = r"(\d+(?:\.\d+)?)[ \t]*([万亿])?"
_TOKEN = re.compile(_NUMBER + r"(?:[ \t]*%)?(?:[ \t]*(?:-|~|至|到|—|–)[ \t]*" + _NUMBER + r")?")
# What may stand between a number (and its unit) and 以上/以内/以下: a short unit word.
_UNIT_THEN = re.compile(r"[ \t]*%?[ \t]*[^\d\s,。;、,:()()\"“”]{0,4}?[ \t]*(以上|以内|以下)")
# A year (2025年), a month (6月), a day of a month (6月30日), a document number (〔2021〕45).
_YEAR_AFTER = re.compile(r"\s*(年|〕|\])")
_MONTH_AFTER = re.compile(r"\s*月")
_DAY_AFTER = re.compile(r"\s*(日|号)")
# Not a quantity: a name ("9+N" 产业) or a heading's number ("2.发展目标").
_NAME_AFTER = re.compile(r"\+|\.(?!\d)")


@attrs.frozen
class StatedTarget:
    """A number a quote states as a target, and the direction it states it in."""

    value: Fraction
    direction: Direction
    #: As the quote writes it (normalised): ``≥98.5``, ``70%以上``.
    text: str

    def admits(self, op: Comparator, upper: int | None) -> bool:
        """Whether a requirement ``measure op value`` says what this states."""
        if op == "==" and upper is not None and self.value == upper:
            return self.direction in (">=", "")  # at least the most there can be
        if self.direction == "":
            return op in (">=", "==")
        return op == self.direction

    def shown(self) -> str:
        return self.text


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def stated_targets(quote: str) -> tuple[StatedTarget, ...]:
    """The numbers a quote states, with their directions, in order.

    >>> [t.text for t in stated_targets("到2025年,建筑垃圾资源化利用率达到70%以上")]
    ['达到70%以上']
    """
    text = _normal(quote)
    found: list[StatedTarget] = []
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        if start > 0 and (text[start - 1].isdigit() or text[start - 1] == "."):
            continue
        if _is_date(text, match):
            continue
        low = _value(match.group(1), match.group(2))
        before = _word_before(text, start)
        after = _UNIT_THEN.match(text, end)
        after_direction: Direction = dict(_AFTER)[after.group(1)] if after else ""
        shown = text[start - len(before[0]) : after.end() if after else end].strip()
        if match.group(3) is not None:  # a range: low to high
            high = _value(match.group(3), match.group(4))
            found.append(StatedTarget(low, ">=", shown))
            found.append(StatedTarget(high, "<=", shown))
            continue
        direction = before[1] or after_direction
        found.append(StatedTarget(low, direction, shown))
    return tuple(found)


def _is_date(text: str, match: re.Match[str]) -> bool:
    """Whether a number is a year, a date, a name or a heading's number, not a
    target; or longer than any number qrules reads (`MAX_NUMBER_DIGITS`)."""
    start, end = match.span()
    if len(match.group(1)) > MAX_NUMBER_DIGITS or len(match.group(3) or "") > MAX_NUMBER_DIGITS:
        return True
    digits = match.group(3) or match.group(1)
    if start > 0 and text[start - 1] in "〔[〕]":  # a document number: 〔2021〕45 号
        return True
    if len(digits) == 4 and _YEAR_AFTER.match(text, end):
        return True
    if _MONTH_AFTER.match(text, end) or _NAME_AFTER.match(text, match.end(1)):
        return True
    if _DAY_AFTER.match(text, end) is None:
        return False
    # (the last character before the number and its spaces: each run of spaces
    # is looked at for the number after it only, not the whole text for each)
    before = start
    while before > 0 and text[before - 1].isspace():
        before -= 1
    return before > 0 and text[before - 1] == "月"


def _value(digits: str, scale: str | None) -> Fraction:
    value = Fraction(digits)
    return value * _SCALES[scale] if scale else value


def _word_before(text: str, start: int) -> tuple[str, Direction]:
    head = text[max(0, start - 32) : start]  # (the words are short: no need to copy more)
    stripped = head.rstrip()
    for word, direction in _BEFORE:
        if stripped.endswith(word):
            return head[len(stripped) - len(word) :], direction
    return "", ""


# -- the requirement's bounds ------------------------------------------------

#: A bound on the rule's measure (``op`` ``value``), or a constant the
#: requirement uses otherwise (``op`` ``None``).
_Bound: TypeAlias = tuple[Comparator | None, Fraction]

_FLIP: dict[Comparator, Comparator] = {
    ">=": "<=",
    "<=": ">=",
    ">": "<",
    "<": ">",
    "==": "==",
    "!=": "!=",
}


def _bounds(node: Node, measure: str) -> Iterator[_Bound]:
    if isinstance(node, Compare):
        for op, left, right in zip(node.ops, node.operands, node.operands[1:], strict=False):
            if isinstance(left, Name) and left.id == measure:
                value = constant_value(right)
                if value is not None:
                    yield op, value
                    continue
            if isinstance(right, Name) and right.id == measure:
                value = constant_value(left)
                if value is not None:
                    yield _FLIP[op], value
                    continue
            yield from _constants(left)
            yield from _constants(right)
        return
    if isinstance(node, Not):
        yield from ((None, value) for _, value in _bounds(node.operand, measure))
        return
    if isinstance(node, Logic):
        yield from _bounds(node.left, measure)
        yield from _bounds(node.right, measure)
        return
    yield from _constants(node)


def _constants(node: Node) -> Iterator[_Bound]:
    """The numbers written in an arithmetic expression."""
    if isinstance(node, Number):
        yield None, node.value
    elif isinstance(node, Negate):
        yield from _constants(node.operand)
    elif isinstance(node, BinaryOp):
        yield from _constants(node.left)
        yield from _constants(node.right)


@attrs.frozen
class Mismatch:
    """A requirement that its quote does not state."""

    #: The key of the requirement: ``requirement`` or ``targets[i].requirement``.
    key: str
    requirement: Expression
    #: The bound the quote does not state, as ``≥ 99``.
    bound: str
    #: What the quote states, as written: ``≥98.5``; empty when it states no number.
    stated: tuple[str, ...]
    #: The quote states the number, in another direction.
    direction_only: bool
    #: The requirement is this one bound (so the message need not repeat it).
    single: bool = True

    def message(self) -> Text:
        states = listed(self.stated)
        written = self.requirement.text.strip()
        # A compound requirement: say which of its bounds the quote does not state.
        part = Text("", "") if self.single else say("quotes.part", bound=self.bound)
        if self.direction_only:
            return say("quotes.other_way", written=written, part=part, states=states)
        if self.stated:
            return say("quotes.not_stated", written=written, part=part, states=states)
        return say("quotes.no_number", written=written, part=part)

    def hint(self) -> Text:
        return say("quotes.hint", bound=self.bound)


def _interpretation_text(rule: Rule) -> str:
    """The interpretation in both languages: the number may be named in either."""
    value = rule.interpretation
    return "" if value is None else f"{value.zh}\n{value.en}"


def _admitted(
    op: Comparator | None, value: Fraction, stated: tuple[StatedTarget, ...], upper: int | None
) -> bool:
    """Whether stated targets include ``value`` (as a number, not inside a
    larger one) in the direction of ``op`` (any, for a bare constant)."""
    same = [s for s in stated if s.value == value]
    return bool(same) if op is None else any(s.admits(op, upper) for s in same)


def _unstated(
    rule: Rule, requirement: Expression, quote: str, key: str, excused: bool
) -> Mismatch | None:
    stated = stated_targets(quote)
    upper = rule.measure.unit.upper
    bounds = list(_bounds(requirement.tree, rule.measure.id))
    single = len(bounds) == 1 and bounds[0][0] is not None
    reading = stated_targets(_interpretation_text(rule)) if excused else ()
    for op, value in bounds:
        if _admitted(op, value, stated, upper) or _admitted(op, value, reading, upper):
            continue
        same = [s for s in stated if s.value == value]
        bound = f"{_SHOWN_OPS.get(op, '')} {format_number(value)}".strip()
        return Mismatch(
            key,
            requirement,
            bound,
            tuple(dict.fromkeys(s.shown() for s in stated)),
            direction_only=bool(same),
            single=single,
        )
    return None


def _requirements(rule: Rule) -> Iterator[tuple[str, Expression, str]]:
    """Each requirement of a rule, with its key and the quote that states it."""
    if not rule.targets:
        yield "requirement", rule.requirement, rule.source.quote
        return
    for index, target in enumerate(rule.targets):
        quote = target.source.quote if target.source is not None else rule.source.quote
        yield f"targets[{index}].requirement", target.requirement, quote


def quote_mismatches(rule: Rule) -> tuple[Mismatch, ...]:
    """The requirements of a rule that its quotes do not state, once the
    rule's interpretation has had its say (a number it names is excused)."""
    excused = bool(_interpretation_text(rule))
    found = (
        _unstated(rule, requirement, quote, key, excused)
        for key, requirement, quote in _requirements(rule)
    )
    return tuple(m for m in found if m is not None)


def reads_beyond_quote(rule: Rule) -> bool:
    """Whether a rule's requirement is a target its quote does not write, read
    as its interpretation explains (``qrules validate`` lists such rules)."""
    return any(
        _unstated(rule, requirement, quote, key, excused=False) is not None
        for key, requirement, quote in _requirements(rule)
    )


# -- targets in the plan's text -------------------------------------------------

#: Words that make a number in a clause a target: a comparison (as in quotes) or
#: a word of commitment that plans put before a count.
_TARGET_WORDS = ("力争", "争取", "累计", "新增", "达到", "以上", "不少于", "不低于", "≥", "每年")
#: A paragraph that sets a date ("到2025年") makes each number in it a target.
_DATED = re.compile(r"到\s*\d{4}\s*年")
_SENTENCE_END = re.compile(r"[。;;!?!?\n]")
_CLAUSE_END = re.compile(r"[,,、。;;\n]")
# A heading: 一、… (一)… 1.… 专栏1 …
_HEADING = re.compile(
    r"(?m)^(?:([一二三四五六七八九十]+、)|([((][一二三四五六七八九十]+[))])"
    r"|(\d+\.)|(专栏\d+))[^\n。]{0,40}"
)


@attrs.frozen
class TextTarget:
    """A target the plan's text states: where, in which sentence and section,
    and of what, when the sentence gives one target to several things."""

    start: int
    end: int
    target: StatedTarget
    sentence: str
    section: str
    #: The things the target is stated of, each its own target, when the text
    #: lists several ("A率、B率均达到100%": A率 and B率); empty for one thing.
    subjects: tuple[str, ...] = ()


def _normal_map(text: str) -> tuple[str, Sequence[int]]:
    """``text`` normalised (NFKC, character by character), and for each
    normalised character the offset of the character of ``text`` it came from.

    Each distinct character is normalised once, and the offsets are counted
    only around the characters that normalise to more than one (``㎏``): the
    work is the text's length, not a call per character."""
    changed = {c: n for c in set(text) if (n := unicodedata.normalize("NFKC", c)) != c}
    normal = text.translate({ord(c): n for c, n in changed.items()})
    longer = "".join(sorted(c for c, n in changed.items() if len(n) != 1))
    if not longer:
        return normal, range(len(text) + 1)
    offsets = array("q")
    previous = 0
    for match in re.finditer(f"[{re.escape(longer)}]", text):
        index = match.start()
        offsets.extend(range(previous, index))
        offsets.extend([index] * len(changed[match.group()]))
        previous = index + 1
    offsets.extend(range(previous, len(text) + 1))
    return normal, offsets


class TooManyNumbers(ValueError):
    """A text that writes more numbers (and phrases that state a target) than
    `text_targets` reads: `MAX_PLAN_TEXT_NUMBERS`."""


def _check_size(normal: str) -> None:
    """Refuse a text that writes more than `MAX_PLAN_TEXT_NUMBERS` numbers and
    worded targets, counting no further than the limit."""
    written = itertools.chain(
        _TOKEN.finditer(normal), *(pattern.finditer(normal) for pattern, _, _ in _WORDED_FOUND)
    )
    if next(itertools.islice(written, MAX_PLAN_TEXT_NUMBERS, None), None) is not None:
        raise TooManyNumbers(MAX_PLAN_TEXT_NUMBERS)


def text_targets(text: str) -> tuple[TextTarget, ...]:
    """Every target the plan's text states: a number (not a year or date) with a
    comparison word (``≥``, ``以上``, ``不少于``...) or in a clause with a word
    of commitment (``力争``, ``累计``, ``新增``, ``达到``); or a phrase that
    states a target without a number (``全覆盖``, ``零的突破``). A target the
    text gives to each of several things (``A率、B率均达到100%``) names them
    (`TextTarget.subjects`): each is a target of its own.

    Raises `TooManyNumbers` for a text that writes more than
    `MAX_PLAN_TEXT_NUMBERS` numbers and phrases; the work is otherwise linear
    in the text, and each number's bounded (`_LOOK_BACK`)."""
    normal, offsets = _normal_map(text)
    _check_size(normal)
    sections = _Sections.of(text)
    lines = _Lines.of(text)
    scan, original = _Scan.of(normal), _Scan.of(text)
    dated: dict[int, bool] = {}  # by a paragraph's first offset
    found: list[TextTarget] = []

    def add(start: int, end: int, targets: list[StatedTarget]) -> None:
        first, last = offsets[start], offsets[end]
        sentence, section = _sentence(original, lines, first, last), sections.at(first)
        subjects = _subjects(scan, start, end)
        found.extend(TextTarget(first, last, t, sentence, section, subjects) for t in targets)

    for match in _TOKEN.finditer(normal):
        start = match.start()
        end = start + len(match.group(0).rstrip())
        if start > 0 and (normal[start - 1].isdigit() or normal[start - 1] == "."):
            continue
        if _is_date(normal, match):
            continue
        # The clause around the number, in the normalised text.
        clause_start = _last_end(_CLAUSE_END, scan, start)
        clause_end = _first_start(_CLAUSE_END, normal, end)
        # (the words that give it a direction stand within a few characters)
        stated = stated_targets(normal[max(clause_start, start - 8) : min(clause_end, end + 16)])
        here = [s for s in stated if s.value == _value(match.group(1), match.group(2))]
        directed = any(s.direction for s in here)
        # Words of commitment count in the whole phrase, across a list's 、.
        phrase_start = _last_end(_PHRASE_END, scan, start)
        worded = any(word in normal[phrase_start:clause_end] for word in _TARGET_WORDS)
        first, last = offsets[start], offsets[end]
        if not here or not (directed or worded or _dated(text, lines, first, last, dated)):
            continue
        add(start, end, here if len(here) > 1 and match.group(3) is not None else here[:1])
    for pattern, word, value in _WORDED_FOUND:
        for match in pattern.finditer(normal):
            add(match.start(), match.end(), [StatedTarget(value, ">=", word)])
    return tuple(sorted(found, key=lambda t: (t.start, t.end)))


#: Phrases that state a target without a number: the whole of something (a
#: 100 % share) or a first one (at least 1).
_WORDED: tuple[tuple[str, Fraction], ...] = (
    ("全覆盖", Fraction(100)),
    ("覆盖全市", Fraction(100)),
    ("全部纳入", Fraction(100)),
    ("全面执行", Fraction(100)),
    ("零的突破", Fraction(1)),
)
#: Each phrase as it is found (not the 全 of 健全: 健全覆盖…的制度 "a sound
#: system covering…").
_WORDED_FOUND = tuple(
    (re.compile(r"(?<!健)" + re.escape(word)), word, value) for word, value in _WORDED
)
#: A word that gives the target to each thing listed before it (A、B均达到,
#: A、B全部纳入); 均 in 年均, 平均 and 人均 is an average.
_EACH = re.compile(r"(?<![年平人])均|全部")
#: A number of times (1 次) is given to each unit of the things listed after 对.
_TIMES = re.compile(r"[ \t]*次")
_TO = re.compile(r"对")
_VERB = re.compile(r"开展|进行|实施|组织")
#: The last word of a measure's name: items before it that end otherwise
#: qualify it ("药品、医疗器械、化妆品抽检不合格处置率" is one rate).
_HEADS = ("率", "度", "比例", "指数", "占比")
_PHRASE_END = re.compile(r"[。;;!?!?\n,,]")
_SENTENCE_STOP = re.compile(r"[。;;!?!?\n]")
_LIST_SEPARATOR = re.compile(r"[、,,]")


#: How far back a clause, phrase or list is looked for: no phrase of a plan is
#: longer, and the work per number stays bounded whatever the text.
_LOOK_BACK = 2_000
#: The most things a target may be given to, each its own target: a longer
#: "list" is not a plan's (the Yantai plan's longest has four), and is read as
#: one target, so that the targets stay as many as the numbers.
_MOST_SUBJECTS = 32
#: How much of a sentence is kept on each side of a target: a finding shows it
#: (no sentence of a plan is longer), and the memory of the findings stays
#: bounded whatever the text.
_SENTENCE_LOOK = 500


def _first_start(pattern: re.Pattern[str], text: str, end: int) -> int:
    """Where the first match of ``pattern`` after ``end`` starts (within
    `_LOOK_BACK`); the end of that window if none does."""
    window = min(len(text), end + _LOOK_BACK)
    match = pattern.search(text, end, window)
    return match.start() if match else window


@attrs.frozen
class _Lines:
    """Where a text's lines break, to find a line by offset without scanning."""

    breaks: Sequence[int]
    size: int

    @classmethod
    def of(cls, text: str) -> _Lines:
        # (an array: eight bytes a line, where a tuple of ints took 36; the
        # offsets of the newlines picked in C, not a step of Python per character)
        newlines = itertools.compress(itertools.count(), map("\n".__eq__, text))
        return cls(array("q", newlines), len(text))

    def index(self, offset: int) -> int:
        """The number of the line that holds ``offset``."""
        return bisect.bisect_left(self.breaks, offset)

    def span(self, index: int) -> tuple[int, int]:
        start = self.breaks[index - 1] + 1 if index > 0 else 0
        return start, self.breaks[index] if index < len(self.breaks) else self.size


def _dated(text: str, lines: _Lines, first: int, last: int, seen: dict[int, bool]) -> bool:
    """Whether the paragraph (line) of ``text[first:last]`` sets a date."""
    start = lines.span(lines.index(first))[0]
    if start not in seen:
        end = lines.span(lines.index(last))[1]
        seen[start] = _DATED.search(text, start, end) is not None
    return seen[start]


@attrs.frozen
class _Scan:
    """A text and its reverse, to find the last of some characters before an
    offset by searching forward in the reverse (stopping at the first found)."""

    text: str
    reverse: str

    @classmethod
    def of(cls, text: str) -> _Scan:
        return cls(text, text[::-1])


def _last_end(chars: re.Pattern[str], scan: _Scan, start: int) -> int:
    """Where the last of ``chars`` (a pattern of one character) before ``start``
    ends (within `_LOOK_BACK`); the start of that window if there is none."""
    size = len(scan.text)
    window = max(0, start - _LOOK_BACK)
    match = chars.search(scan.reverse, size - start, size - window)
    return size - match.start() if match else window


def _subjects(scan: _Scan, start: int, end: int) -> tuple[str, ...]:
    """The things the target at ``text[start:end]`` is stated of, when the text
    lists several and gives the target to each; else ``()``."""
    text = scan.text
    phrase_start = _last_end(_PHRASE_END, scan, start)
    clause_start = _last_end(_CLAUSE_END, scan, start)
    each = list(_EACH.finditer(text, clause_start, end))
    if each:
        items = _listed_before(scan, each[-1].start())
    elif _TIMES.match(text, end) and (to := list(_TO.finditer(text, phrase_start, start))):
        listed = text[to[-1].end() : start]
        verbs = list(_VERB.finditer(listed))
        items = [
            item.strip()
            for item in _LIST_SEPARATOR.split(listed[: verbs[-1].start()] if verbs else listed)
        ]
    else:
        return ()
    items = _joined_qualifiers([item for item in items if item])
    return tuple(items) if 1 < len(items) <= _MOST_SUBJECTS else ()


def _listed_before(scan: _Scan, end: int) -> list[str]:
    """The things listed right before ``text[end]``: items joined by 、, and by a
    comma only where the item before it ends as the last one does (a list of
    rates), stopping at a clause with a number of its own."""
    text = scan.text
    sentence_start = _last_end(_SENTENCE_STOP, scan, end)
    parts = _LIST_SEPARATOR.split(text[sentence_start:end])
    separators = _LIST_SEPARATOR.findall(text[sentence_start:end])
    items = [parts[-1].strip()]
    for raw, separator in zip(reversed(parts[:-1]), reversed(separators), strict=True):
        part = raw.strip()
        if not part or any(c.isdigit() for c in part):
            break
        if separator != "、" and part[-1:] != items[0][-1:]:
            break
        items.append(part)
    return items[::-1]


def _joined_qualifiers(items: list[str]) -> list[str]:
    """A list of measures' names, with the items that qualify the next one
    joined to it: ``药品、医疗器械、化妆品抽检不合格处置率`` is one rate."""
    if not items or not items[-1].endswith(_HEADS):
        return items
    joined: list[str] = []
    pending: list[str] = []
    for item in items:
        pending.append(item)
        if item.endswith(_HEADS):
            joined.append("、".join(pending))
            pending = []
    return joined


_CELL = re.compile(r"\s*(?:≥|≤|>=|<=|>|<)?\s*\d+(?:\.\d+)?\s*%?\s*\Z")


def _sentence(scan: _Scan, lines: _Lines, first: int, last: int) -> str:
    """The sentence around ``text[first:last]``; for a value alone on its line (a
    cell of a table), the line above it (the indicator's name) and the value."""
    text = scan.text
    index = lines.index(first)
    line_start = lines.span(index)[0]
    line_end = lines.span(lines.index(last))[1]
    if line_end - line_start <= 64 and _CELL.match(_normal(text[line_start:line_end])):
        above = index - 1  # the nearest line above that is not empty
        while above > 0 and lines.span(above)[0] == lines.span(above)[1]:
            above -= 1
        name_start = lines.span(above)[0] if above >= 0 else 0
        return text[name_start:line_end].strip()
    start = max(_last_end(_SENTENCE_END, scan, first), first - _SENTENCE_LOOK)
    end = min(_first_start(_SENTENCE_END, text, last), last + _SENTENCE_LOOK)
    return text[start:end].strip()


@attrs.frozen
class _Sections:
    """A text's headings by offset, each with the heading it stands under (the
    last one before it of a higher level): the section at an offset is found
    by bisection, and the path of headings by following at most three links."""

    text: str
    starts: Sequence[int]
    ends: Sequence[int]
    #: The index of the heading each stands under; -1 at the top.
    parents: Sequence[int]

    @classmethod
    def of(cls, text: str) -> _Sections:
        starts, ends, parents = array("q"), array("q"), array("q")
        # The path of headings so far: (level, index), levels rising.
        chain: list[tuple[int, int]] = []
        for index, match in enumerate(_HEADING.finditer(text)):
            # 专栏 stand at the level of the numbered tasks they follow.
            level = min(next(i for i in range(1, 5) if match.group(i)), 3)
            while chain and chain[-1][0] >= level:
                chain.pop()
            parents.append(chain[-1][1] if chain else -1)
            chain.append((level, index))
            starts.append(match.start())
            ends.append(match.end())
        return cls(text, starts, ends, parents)

    def at(self, offset: int) -> str:
        """The path of headings at ``offset``: ``一、… / (二)… / 1.…``."""
        index = bisect.bisect_right(self.starts, offset) - 1
        path: list[str] = []
        while index >= 0:
            path.append(self.text[self.starts[index] : self.ends[index]].strip())
            index = self.parents[index]
        return " / ".join(reversed(path))


def encoded_targets(rule: Rule) -> Iterator[tuple[str, frozenset[Fraction], bool]]:
    """What a rule encodes of its quotes: each quote, the numbers its requirement
    bounds the measure by, and whether it reads its quote whole (a rule that
    reads beyond its quote encodes every target the quote states)."""
    for key, requirement, quote in _requirements(rule):
        values = frozenset(value for _, value in _bounds(requirement.tree, rule.measure.id))
        beyond = _unstated(rule, requirement, quote, key, excused=False) is not None
        yield quote, values, beyond
