"""Every sentence qrules says to people, in Chinese and English, by id.

A message is a template per language in `MESSAGES`, its parameters named in
braces (``str.format`` syntax); `say` fills both templates and returns a
`Text`, and the output picks the language asked for (``Text.get(lang)``), at
the edge. A parameter that is itself a `Text` (a rule's title, another
message) is put in in the same language::

    say("data.no_such_file")                      # Text("没有这个文件", "no such file")
    say("data.unknown_encoding", encoding="x")    # the encoding's repr in both

To add a message: an id (``area.what``), its zh and en templates here, and
`say(id, name=value, ...)` where it is decided. The catalog is a plain dict,
read at import without parsing anything.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any, Literal

import attrs

__all__ = ["MESSAGES", "Lang", "Text", "marking", "say"]

Lang = Literal["zh", "en"]


@attrs.frozen
class Text:
    """A text in Chinese and English."""

    zh: str
    en: str

    def get(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en

    def __str__(self) -> str:
        return self.en


#: The private-use characters that `marking` puts around each parameter put
#: into a message, and at the start of each message (tests only).
OPEN, CLOSE, SAID = "\ue000", "\ue001", "\ue002"

_marking = False


def marking(on: bool) -> None:
    """Turn on (tests only) the marks around every parameter put into a message:
    what is left outside the marks is the catalog's own wording."""
    global _marking  # noqa: PLW0603 (a switch for the tests, off in use)
    _marking = on


class _Formatter(string.Formatter):
    def __init__(self, lang: Lang) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        said = isinstance(value, Text)
        if said:
            value = value.get(self.lang)
            said = value.startswith(SAID)
        text = super().format_field(value, format_spec)
        return text if not _marking or said else f"{OPEN}{text}{CLOSE}"

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        if isinstance(value, Text) and conversion is not None:
            return Text(super().convert_field(value.zh, conversion),
                        super().convert_field(value.en, conversion))
        return super().convert_field(value, conversion)


_FORMATTERS = {"zh": _Formatter("zh"), "en": _Formatter("en")}


def say(id: str, /, **params: Any) -> Text:  # noqa: A002 (a message's id)
    """The message ``id`` with ``params`` put in, in both languages."""
    zh, en = MESSAGES[id]
    if params or _marking:
        zh = _FORMATTERS["zh"].vformat(zh, (), params)
        en = _FORMATTERS["en"].vformat(en, (), params)
    if _marking:
        zh, en = SAID + zh, SAID + en
    return Text(zh, en)


def joined(parts: Mapping[str, Text] | tuple[Text, ...], sep: Text) -> Text:
    """``parts`` joined by ``sep``, in each language."""
    items = tuple(parts.values()) if isinstance(parts, Mapping) else parts
    return Text(sep.zh.join(p.zh for p in items), sep.en.join(p.en for p in items))


#: id -> (zh, en).
MESSAGES: dict[str, tuple[str, str]] = {
    # -- where a problem is ------------------------------------------------------
    "problems.header": ("{what}{source!r} 有 {count} 个问题:",
                        "{what} {source!r} has {count} problem{s}:"),
    "problems.dataset": ("数据集 ", "dataset"),
    "problems.rulebook": ("规则集 ", "rulebook"),
    "problems.input": ("输入 ", "input"),
    "problems.key": ("键 {key!r}", "key {key!r}"),
    "problems.clipped": ("{start} …(省略 {count:,} 个字符)… {end}",
                         "{start} … ({count:,} characters) … {end}"),
    "where.row": ("第 {row} 行", "row {row}"),
    "where.line": ("第 {line} 行", "line {line}"),
    "where.item": ("第 {item} 项", "item {item}"),
    "where.measure": ("指标 {measure!r}", "measure {measure!r}"),
    "where.rule": ("规则 {rule!r}", "rule {rule!r}"),
    "expression.line": ("(表达式第 {line} 行)", " (line {line} of the expression)"),
    "did_you_mean": ("是否指 {prefix}{option!r}?", "did you mean {prefix}{option!r}?"),
    # -- the command line's edge -------------------------------------------------
    "cli.error": ("qrules:{error}", "qrules: {error}"),
    "cli.out_of_memory": (
        "qrules:内存不足(大型登记表和检查记录请在数据库中判定:--database,见 docs/engines.md)",
        "qrules: ran out of memory (judge large registers and logs where they are, "
        "in a database: --database, docs/engines.md)"),
    "cli.bug": ("qrules:这是 qrules 的缺陷:{what};请报告此问题,并附上所运行的命令"
                "(加 --debug 重新运行可显示回溯信息)",
                "qrules: this is a bug in qrules: {what}; please report it, with the command "
                "you ran (run it again with --debug to see the traceback)"),
    "cli.bug_debug": ("qrules:这是 qrules 的缺陷:{what};请报告此问题,并附上所运行的命令和以上回溯信息",
                      "qrules: this is a bug in qrules: {what}; please report it, with the "
                      "command you ran and this traceback"),
}
