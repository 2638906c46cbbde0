# ruff: noqa: E501 (a message's zh template is kept whole on one line, to be found by grep)
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


def say(id: str, /, **params: Any) -> Text:
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
    "cli.error": ("qrules:", "qrules: "),
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
    "hint": ("({hint})", " ({hint})"),
    # -- the operating system and drivers (_boundary.py) ---------------------------
    "os.not_found": ("没有这个文件或文件夹", "no such file or folder"),
    "os.check_path": ("请检查路径", "check the path"),
    "os.is_a_folder": ("是文件夹,此处需要文件", "is a folder, where a file is expected"),
    "os.give_a_file": ("请给出文件的路径", "give a file's path"),
    "os.not_a_folder": ("路径中有一部分是文件而不是文件夹", "a part of the path is a file, not a folder"),
    "os.permission": ("没有权限", "permission denied"),
    "os.check_permissions": ("请检查文件的权限", "check the file's permissions"),
    "os.cannot_be_read": ("无法读取:{error}", "cannot be read: {error}"),
    "os.cannot_be_written": ("无法写入:{error}", "cannot be written: {error}"),
    "os.of_file": ("{file}:{message}", "{file}: {message}"),
    "os.cannot_write": ("无法写入 {path!r}:{message}{hint}", "cannot write {path!r}: {message}{hint}"),
    "driver.said": ("{driver}:{message}", "{driver}: {message}"),
    "driver.postgres_database": ("请检查 URL 中的数据库名", "check the database name in the URL"),
    "driver.postgres_connection": ("服务器是否在运行?URL 中的主机、端口和用户是否正确?",
                                   "is the server running, and are the host, port and user in "
                                   "the URL right?"),
    "driver.postgres_tables": ("请用 --register-table 和 --log-table 指定表名",
                               "name the tables with --register-table and --log-table"),
    "driver.postgres_type": ("某列的类型与 qrules 读取的不同(日期须为 DATE 列):请在视图中转换类型,再判定该视图",
                             "a column has another type than qrules reads (dates are DATE "
                             "columns): cast it in a view, and judge the view"),
    "driver.duckdb_file": ("请给出 DuckDB 数据库文件(duckdb:///path.db)",
                           "give a DuckDB database file (duckdb:///path.db)"),
    "driver.sqlite_file": ("请给出 SQLite 数据库文件(sqlite:///path.db)",
                           "give an SQLite database file (sqlite:///path.db)"),
    "driver.arrow": ("不是可读的 Parquet 或 Arrow 文件:{message}",
                     "not a readable Parquet or Arrow file: {message}"),
    "driver.arrow_again": ("请重新导出该表;文件可能已损坏或不完整",
                           "export the table again; the file may be damaged or cut short"),
    "driver.unreadable": ("不是可读的文件:{message}", "not a readable file: {message}"),
    "driver.spark_memory": ("Spark:Java 堆空间不足(驱动程序或执行器内存耗尽)",
                            "Spark: Java heap space (the driver or an executor ran out of memory)"),
    "driver.spark_memory_hint": ("请调高 spark.driver.memory 或 spark.executor.memory",
                                 "raise spark.driver.memory or spark.executor.memory"),
    "driver.spark_tables": ("请用 register= 和 log= 指定表名(--register-table、--log-table):"
                            "table、schema.table 或 catalog.schema.table",
                            "name the tables with register= and log= (--register-table, "
                            "--log-table): table, schema.table or catalog.schema.table"),
    "driver.spark_columns": ("请用映射文件指定列名(docs/records.md#the-mapping-file)",
                             "name the columns with a mapping (docs/records.md#the-mapping-file)"),
    "driver.spark_type": ("某列的类型与 qrules 读取的不同:请在视图中转换类型,再判定该视图",
                          "a column has another type than qrules reads: cast it in a view, "
                          "and judge the view"),
    "read.too_deep": ("嵌套过深,无法读取", "nested too deeply to read"),
    "read.meant": ("这是您要给的文件吗?", "is this the file you meant?"),
    "read.too_large": ("太大,无法读入内存", "too large to read into memory"),
    "read.use_database": ("请将其载入数据库,用 --database 在数据库中判定(docs/engines.md)",
                          "load it into a database and judge it there with --database "
                          "(docs/engines.md)"),
    "read.not_text": ("不是 qrules 能读取的文本:{error}", "not text qrules can read: {error}"),
    "read.not_csv": ("不是可读的 CSV 文件:{error}", "not a readable CSV file: {error}"),
    "read.not_xlsx": ("不是可读的 .xlsx 文件:{error}", "not a readable .xlsx file: {error}"),
    "read.damaged_xml": ("不是可读的 .xlsx 文件:XML 已损坏({error})",
                         "not a readable .xlsx file: damaged XML ({error})"),
}
