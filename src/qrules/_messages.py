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
    # -- a value read (_data.py, _limits.py) ---------------------------------------
    "limits.too_large": ("绝对值超过 10^30", "more than 10^30 in magnitude"),
    "limits.too_long": ("超过 60 位数字", "more than 60 digits"),
    "value.negative": ("{value} 是负数;{unit} 的值不能为负", "{value} is negative; {unit} values cannot be"),
    "value.not_whole": ("{value} 不是整数个{unit}", "{value} is not a whole number of {unit}"),
    "value.truth": ("{value} 是真假值,不是数字", "{value} is a truth value, not a number"),
    "value.not_finite": ("{value} 不是有限的数", "{value} is not a finite number"),
    "value.not_a_value": ("应为数字或文本,实为 {type} {value}", "expected a number or text, got {type} {value}"),
    "value.other_unit": ("'{text}' 的单位是{word},但该指标的单位是 {unit}",
                         "'{text}' is in {word}, but the measure is in {unit}"),
    "value.too_large": ("数字{problem}:qrules 读取的数值绝对值最大为 10^30,最多 60 位数字",
                        "a number {problem}: qrules reads figures up to 10^30 in magnitude, "
                        "written with at most 60 digits"),
    "records.too_large": ("数字{problem}:qrules 读取的数字最大为 10^30,最多 60 位数字",
                          "a number {problem}: qrules reads numbers up to 10^30, written with "
                          "at most 60 digits"),
    "value.percentage": ("'{text}' 是百分数,但该指标的单位是 {unit}",
                         "'{text}' is a percentage, but the measure is in {unit}"),
    "value.divides_by_zero": ("'{text}' 除以零", "'{text}' divides by zero"),
    "value.not_a_number": ("'{text}' 不是数字;请写成小数,如 98.5、1,234 或 98.5%,缺少的数值请留空",
                           "'{text}' is not a number; write a decimal such as 98.5, 1,234 or "
                           "98.5%, or leave it empty when the figure is missing"),
    # -- plausibility (_plausible.py) ----------------------------------------------
    "list.comma": (",",
                  ", "),
    "plausible.place": ("{measure}({when})",
                       "{measure} in {when}"),
    "plausible.when": ("{year} 年",
                      "{year}"),
    "plausible.when_district": ("{year} 年,{district}",
                               "{year}, {district}"),
    "plausible.at_least": ("至少 {lower}",
                          "at least {lower}"),
    "plausible.between": ("{lower} 至 {upper}",
                         "{lower} to {upper}"),
    "plausible.unit": ("({zh})",
                      " ({en})"),
    "plausible.outside": ("{name} = {value}({when})超出其合理取值范围 {bounds}{unit}",
                         "{name} = {value} in {when} is outside its plausible values, {bounds}{unit}"),
    "plausible.outside_hint": ("请更正该数值;指标的取值范围在规则集的 measures.toml 中",
                              "correct the figure; a measure's bounds are in its rulebook's measures.toml"),
    "plausible.more_than_whole": ("{name} = {value} 大于 {whole} = {whole_value}({place})({when}):{part_name}不能超过{whole_name}",
                                 "{name} = {value} is more than {whole} = {whole_value} ({place}) in {when}: {part_name} cannot exceed {whole_name}"),
    "plausible.correct_one": ("请更正两个数值之一",
                             "correct one of the two figures"),
    "plausible.count": ("{name} = {value}({place})",
                       "{name} = {value} ({place})"),
    "plausible.input": ("{name}({place})",
                       "{name} ({place})"),
    "plausible.computed_outside": ("由 {counts} 算得的 {measure}({when})为 {value},超出其合理取值范围 {bounds}",
                                  "{measure} computed from {counts} in {when} is {value}, outside its plausible values, {bounds}"),
    "plausible.correct_counts": ("请更正这些计数",
                                "correct the counts"),
    "plausible.differs": ("{name} = {value}({when})与由 {counts} 算得的 {computed} 不符",
                         "{name} = {value} in {when} differs from {computed} computed from {counts}"),
    "plausible.differs_hint": ("请更正该数值或计数;不作严格检查时,只有两种读法都给出的结论才成立",
                              "correct the figure or the counts; without strict checking, a verdict stands only where both readings give it"),
    # -- reported figures (_figures.py) --------------------------------------------
    "where.key": ("键 {key!r}",
                 "key {key!r}"),
    "where.header": ("表头",
                    "header"),
    "where.row_column": ("第 {row} 行,列 {column!r}",
                        "row {row}, column {column!r}"),
    "where.item_key": ("第 {item} 项,键 {column!r}",
                      "item {item}, key {column!r}"),
    "where.row_column_number": ("{row},第 {column} 列",
                               "{row}, column {column}"),
    "where.line_column_number": ("第 {line} 行,第 {column} 列",
                                "line {line}, column {column}"),
    "figures.value": ("{measure}:{problem}",
                     "{measure}: {problem}"),
    "figures.not_a_measure": ("{measure!r} 不是规则集 {rulebook!r} 的指标",
                             "{measure!r} is not a measure of rulebook {rulebook!r}"),
    "figures.listing": ("`qrules measures {rulebook}` 列出所有指标",
                       "`qrules measures {rulebook}` lists every measure"),
    "figures.ambiguous_measure": ("{text!r} 指代不止一个指标;请写出指标编号",
                                 "{text!r} names more than one measure; write its id"),
    "figures.unknown_measure": ("规则集 {rulebook!r} 中没有指标 {text!r}",
                               "unknown measure {text!r} in rulebook {rulebook!r}"),
    "figures.did_you_mean": ("是否指 {name!r}?({names};{listing})",
                            "did you mean {name!r}? ({names}; {listing})"),
    "figures.short_row": ("有 {cells} 个单元格,但表头有 {width} 列",
                         "{cells} cells, but the header has {width} columns"),
    "figures.short_row_hint": ("每一列下都须有一个单元格(可以为空)",
                              "a row must have a cell (empty or not) under each column"),
    "figures.no_header": ("没有表头的列中有数值",
                         "a value in a column without a header"),
    "figures.no_header_hint": ("请给该列加上表头,或删除该数值",
                              "give the column a header, or delete the value"),
    "figures.no_measure": ("没有指标",
                          "no measure"),
    "figures.formula": ("公式 {formula} 没有保存的值",
                       "the formula {formula} has no saved value"),
    "figures.formula_hint": ("请用 Excel 或 LibreOffice 打开并保存该文件,以保存公式的值",
                            "open the file in Excel or LibreOffice and save it, so that the values of its formulas are stored"),
    "figures.twice": ("{measure!r} 的 {year} 年数值给出了两次(第一次在{first})",
                     "{measure!r} for {year} is given twice (first at {first})"),
    "figures.twice_district": ("{measure!r} 的 {year} 年{district}数值给出了两次(第一次在{first})",
                              "{measure!r} for {year} in {district} is given twice (first at {first})"),
    "figures.not_a_year": ("年份 {year!r} 不是 2025 这样的年份",
                          "year {year!r} is not a year such as 2025"),
    "figures.layout": ("未知的表格布局 {layout!r}",
                      "unknown layout {layout!r}"),
    "figures.layout_hint": ("请用 long 或 wide",
                           "use long or wide"),
    "figures.header_row": ("--header-row 从 1 开始计数",
                          "--header-row counts from 1"),
    "figures.header_found": ("表头在第 {row} 行(其上各行未读取)",
                            "header found in row {row} (the rows above it were not read)"),
    "figures.columns_give": ("列 {columns} 都表示 {column!r}",
                            "columns {columns} all give {column!r}"),
    "figures.keep_one": ("请只保留其中一列",
                        "keep one of them"),
    "figures.columns_year": ("列 {columns} 都是 {year} 年",
                            "columns {columns} are all {year}"),
    "figures.column_times": ("列 {column!r} 出现了 {count} 次",
                            "column {column!r} appears {count} times"),
    "figures.no_measure_column": ("没有指标列",
                                 "no measure column"),
    "figures.no_measure_column_hint": ("请将其命名为 measure(或 指标),或在映射文件的 [figures.columns] 中映射您的列名;表头若不在第一行,请给出 --header-row",
                                      "name it measure (or 指标), or map yours in the mapping file's [figures.columns]; if the header is not the first row, give --header-row"),
    "figures.no_value_column": ("没有数值列",
                               "no value column"),
    "figures.no_value_column_hint": ("请将其命名为 value(或 数值),或在 [figures.columns] 中映射您的列名;每年一列的表格用 --layout wide 读取",
                                    "name it value (or 数值), or map yours in [figures.columns]; a sheet with a column per year is read with --layout wide"),
    "figures.no_year_column": ("没有年份列",
                              "no year column"),
    "figures.no_year_column_hint": ("请将其命名为 year(或 年份),或在 [figures.columns] 中映射您的列名",
                                   "name it year (or 年份), or map yours in [figures.columns]"),
    "figures.unknown_column": ("未知的列 {column!r}",
                              "unknown column {column!r}"),
    "figures.wide_value": ("宽表没有数值列:数值在各年(或各区县)的列下",
                          "a wide sheet has no value column: its values are under each year (or district)"),
    "figures.no_year_or_district": ("没有年份列或区县列",
                                   "no year or district columns"),
    "figures.no_year_or_district_hint": ("宽表每年一列(2023、2024年)或每个区县一列",
                                        "a wide sheet has a column per year (2023, 2024年) or per district"),
    "figures.give_year": ("请加上年份列,或给出 --year",
                         "add a year column, or give --year"),
    "figures.option_year": ("--year(year=)用于没有年份列的表格;这张表有",
                           "--year (year=) applies to a sheet without a year column; this one has them"),
    "figures.option_district": ("--district(district=)用于没有区县列的表格;这张表有",
                               "--district (district=) applies to a sheet without a district column; this one has them"),
    "figures.drop_option": ("请去掉 {option}",
                           "drop {option}"),
    "figures.wide_by_year": ("宽表:每年一列({columns}),按单元格计数",
                            "wide sheet: a column per year ({columns}); figures counted by cell"),
    "figures.wide_by_district": ("宽表:每个区县一列({columns}),按单元格计数",
                                "wide sheet: a column per district ({columns}); figures counted by cell"),
    "figures.blank_district": ("空白的区县单元格取上一行的值:第 {rows} 行",
                              "blank district cells read as the one above (merged cells): rows {rows}"),
    "figures.blank_year": ("空白的年份单元格取上一行的值:第 {rows} 行",
                          "blank year cells read as the one above (merged cells): rows {rows}"),
    "figures.headings": ("未读取的标题行(无指标、无数值):第 {rows} 行",
                        "heading rows not read (no measure, no figures): rows {rows}"),
    "figures.columns_not_read": ("未读取的列:{columns}",
                                "columns not read: {columns}"),
    "figures.rows_more": ("{rows},……另有 {more} 行",
                         "{rows}, … {more} more"),
    "figures.not_json": ("不是有效的 JSON:{error}",
                        "not valid JSON: {error}"),
    "figures.json_too_deep": ("不是有效的 JSON:嵌套过深",
                             "not valid JSON: nested too deeply"),
    "figures.json_shape": ("数据集是由数字和文本组成的对象数组",
                          "a dataset is an array of objects of numbers and text"),
    "figures.json_array": ("应为 JSON 对象数组,键为 year、measure、value(以及 district)",
                          "expected a JSON array of objects with keys year, measure, value (and district)"),
    "figures.key_twice": ("键 {key!r} 给出了两次",
                         "key {key!r} is given twice"),
    "figures.key_once": ("JSON 对象中每个键只能出现一次",
                        "a JSON object has each key once"),
    "figures.surrogate": ("单独的代理字符(\\ud800 至 \\udfff)不是文本",
                         "a lone surrogate (\\ud800 to \\udfff) is not text"),
    "figures.no_key": ("没有键 {key!r}",
                      "no key {key!r}"),
    "figures.same_keys": ("请让每一项都有相同的键",
                         "give every item the same keys"),
    # -- tables (_tabular.py) ------------------------------------------------------
    "list.or": (" 或 ",
               " or "),
    "tabular.known": ("已知:{options}",
                     "known: {options}"),
    "tabular.csv": ("CSV 文件",
                   "a CSV file"),
    "tabular.xlsx": (".xlsx 文件",
                    "an .xlsx file"),
    "tabular.arrow": ("Parquet 或 Arrow 文件",
                     "a Parquet or Arrow file"),
    "tabular.json": ("JSON 文件",
                    "a JSON file"),
    "tabular.database": ("数据库表",
                        "a database table"),
    "tabular.frame": ("DataFrame 或 Arrow 表",
                     "a DataFrame or Arrow table"),
    "tabular.rows": ("行的列表",
                    "a list of rows"),
    "tabular.option": ("{flag}({option}=)只用于{applies};这是{kind}",
                      "{flag} ({option}=) applies to {applies}; this is {kind}"),
    "tabular.urls": ("只读取 duckdb:/// 和 sqlite:/// 形式的 URL",
                    "only duckdb:/// and sqlite:/// URLs are read"),
    "tabular.urls_hint": ("其他数据库请传入 DB-API 连接和 table=",
                         "for another database, pass a DB-API connection and table="),
    "tabular.needs": ("读取它需要 {package}",
                     "reading this needs {package}"),
    "tabular.no_such_file": ("没有这个文件",
                            "no such file"),
    "tabular.file_type": ("未知的文件类型 {suffix!r}",
                         "unknown file type {suffix!r}"),
    "tabular.no_file_type": ("未知的文件类型(无扩展名)",
                            "unknown file type '(none)'"),
    "tabular.file_types": ("请用 .csv、.xlsx、.parquet 或 .arrow",
                          "use .csv, .xlsx, .parquet or .arrow"),
    "tabular.encoding": ("未知的编码 {encoding!r}",
                        "unknown encoding {encoding!r}"),
    "tabular.not_encoding": ("不是 {encoding} 编码(第 {byte} 字节)",
                            "not {encoding} at byte {byte}"),
    "tabular.neither": ("既不是 {first} 也不是 {second} 编码(第 {byte} 字节)",
                       "neither {first} nor {second} (byte {byte})"),
    "tabular.give_encoding": ("请用 --encoding(encoding=)给出编码",
                             "give the encoding with --encoding (encoding=)"),
    "tabular.read_as": ("按 {codec} 编码读取",
                       "read as {codec}"),
    "tabular.bomb": ("部件 {part!r} 将展开为 {size:,} 字节(是其在文件中大小的 {ratio:,.0f} 倍):超出 qrules 的读取上限",
                    "part {part!r} would expand to {size:,} bytes ({ratio:,.0f} times its size in the file): beyond what qrules reads"),
    "tabular.bomb_hint": ("最多 {mib} MiB、{ratio} 倍;请将工作表另存为 .csv 或 .parquet",
                         "at most {mib} MiB and {ratio} times; save the sheet as .csv or .parquet"),
    "tabular.no_sheet": ("没有工作表 {sheet!r}",
                        "no sheet {sheet!r}"),
    "tabular.no_database": ("没有数据库文件 {path!r}",
                           "no database file {path!r}"),
    "tabular.database_path": ("请写作 {scheme}:///relative/path.db 或 {scheme}:////absolute/path.db",
                             "write {scheme}:///relative/path.db or {scheme}:////absolute/path.db"),
    "tabular.not_a_table": ("{table!r} 不是表名",
                           "{table!r} is not a table name"),
    "tabular.cannot_read_table": ("无法读取表 {table!r}:{error}",
                                 "cannot read table {table!r}: {error}"),
    # -- tables, more --------------------------------------------------------------
    "tabular.install": ("请运行 {command}",
                       "{command}"),
    # -- the mapping file (_data.py, _records.py) ----------------------------------
    "mapping.figures_tables": ("应为 [figures.columns]、[figures.measures]、[figures.districts] 或 [figures.scale] 表",
                              "expected [figures.columns], [figures.measures], [figures.districts] or [figures.scale] tables"),
    "mapping.unknown_figures_column": ("未知的数据列",
                                      "unknown figures column"),
    "mapping.column_names": ("应为一个列名或列名数组",
                            "expected a column name or an array of them"),
    "mapping.measure_text": ("应为文本(指标编号)",
                            "expected a text (a measure id)"),
    "mapping.district_text": ('应为文本(区县名;"" 表示全市)',
                             'expected a text (a district; "" for the whole city)'),
    "mapping.scale": ('应为正整数、加引号的小数或比值("0.01"),或 百、千、万、亿',
                     'expected a positive whole number, a decimal or ratio in quotes ("0.01"), or 百, 千, 万 or 亿'),
    # -- registers and logs (_records.py) ------------------------------------------
    "mapping.not_toml": ("不是 UTF-8 编码的 TOML 文件:{error}",
                        "not a UTF-8 TOML file: {error}"),
    "mapping.shape": ("映射文件由名称和代码的表组成",
                     "a mapping is tables of names and codes"),
    "mapping.unknown_table": ("未知的表",
                             "unknown table"),
    "mapping.expected_table": ("应为表",
                              "expected a table"),
    "mapping.columns_or_codes": ("应为 [.columns] 或 [.codes] 表",
                                "expected [.columns] or [.codes] tables"),
    "mapping.unknown_register_column": ("未知的登记表列",
                                       "unknown register column"),
    "mapping.unknown_log_column": ("未知的检查记录列",
                                  "unknown log column"),
    "records.register": ("登记表",
                        "register"),
    "records.log": ("检查记录",
                   "log"),
    "mapping.no_codes": ("{table}列 {column!r} 没有可映射的代码",
                        "no codes to map in {table} column {column!r}"),
    "mapping.codes_table": ("应为“代码 = 标准代码”的表",
                           "expected a table of code = canonical code"),
    "mapping.expected_code": ("应为标准代码",
                             "expected a canonical code"),
    "mapping.not_canonical": ("{code!r} 不是标准代码",
                             "{code!r} is not a canonical code"),
    "date.truth": ("{value} 是真假值,不是日期",
                  "{value} is a truth value, not a date"),
    "date.not_a_date": ("{value} 不是日期",
                       "{value} is not a date"),
    "date.no_such_day": ("'{value}' 不是日期:没有这一天",
                        "'{value}' is not a date: no such day"),
    "date.write": ("'{value}' 不是日期;请写作 2024-03-05、2024/3/5 或 2024年3月5日",
                  "'{value}' is not a date; write 2024-03-05, 2024/3/5 or 2024年3月5日"),
    "date.serial": ("{value} 不是日期(也不是 1927 至 2202 年之间的 Excel 序列日期)",
                   "{value} is not a date (nor an Excel serial date from 1927 to 2202)"),
    "flag.not_a_flag": ("'{text}' 不是“是”或“否”;请写 是/否、1/0 或 true/false",
                       "'{text}' is not yes or no; write 是/否, 1/0 or true/false"),
    "records.map_column": ("请在映射文件的 [{table}.columns] 中把您的列映射到它",
                          "map your column to it in the mapping file's [{table}.columns]"),
    "records.mapping_names": ("映射文件给出的列名 {names} 都不在文件中",
                             "the mapping names {names}; none is in the file"),
    "records.no_column": ("没有 {column!r} 列",
                         "no {column!r} column"),
    "records.more_cells": ("单元格比列多",
                          "more cells than columns"),
    "records.fewer_cells": ("有 {cells} 个单元格,少于表头的 {width} 列",
                           "{cells} cells, fewer than the {width} columns of the header"),
    "records.formula": ("公式没有缓存的值({formula})",
                       "a formula without a cached value ({formula})"),
    "records.formula_hint": ("请用 Excel 打开并保存该文件,以保存每个公式的值",
                            "open the file in Excel and save it, so each formula's value is stored"),
    "records.not_canonical": ("{code!r} 不是标准的 {column}({options});请在映射文件的 codes.{column} 中映射它",
                             "{code!r} is not a canonical {words} ({options}); map it in the mapping file's codes.{column}"),
    "records.no_unit": ("没有单位编号",
                       "no unit id"),
    "records.unit_twice": ("单位 {unit!r} 出现了两次(第一次在第 {row} 行)",
                          "unit {unit!r} is given twice (first in row {row})"),
    "records.no_category": ("没有类别",
                           "no category"),
    "records.closed_before": ("注销日期 {closed} 早于登记日期 {registered}",
                             "closed {closed} before it was registered {registered}"),
    "records.more": (",……另有 {more} 个",
                    ", … {more} more"),
    "records.other_categories": ("非标准类别(任何规则都不会选中这些单位):{categories}{more}",
                                "categories no rule selects (not canonical codes): {categories}{more}"),
    "records.rejected_unit": ("单位 {unit!r} 属于被拒绝的登记表行(第 {row} 行)",
                             "unit {unit!r} is the unit of a rejected register row (row {row})"),
    "records.unknown_unit": ("单位 {unit!r} 不在登记表 {register} 中",
                            "unit {unit!r} is not in the register {register}"),
    "records.no_date": ("没有日期",
                       "no date"),
    "records.inspection_twice": ("检查 {inspection!r} 出现了两次(第一次在第 {row} 行)",
                                "inspection {inspection!r} is given twice (first in row {row})"),
    "records.inspections_from": ("检查日期从 {low} 到 {high}",
                                "inspections from {low} to {high}"),
    # -- reading, more -------------------------------------------------------------
    "read.cannot_read": ("无法读取:{error}",
                        "cannot read: {error}"),
    # -- the command line (cli.py) -------------------------------------------------
    "cli.rulebook": ("规则集 {rulebook}",
                    "rulebook {rulebook!r}"),
    "cli.rulebook_as_of": ("规则集 {rulebook}({as_of} 施行的规则)",
                          "rulebook {rulebook!r} (rules in force on {as_of})"),
    "cli.none": ("无",
                "none"),
    "cli.close": (";{close}",
                 "; {close}"),
    "cli.no_tag": ("{where} 中没有带标签 {tags} 的规则{close}(标签:{listed})",
                  "no rule of {where} has the tag {tags}{close} (tags: {listed})"),
    "cli.no_section": ("{where} 中没有章节以 {section!r} 开头的规则{close}(章节:{listed})",
                      "no rule of {where} has a section starting with {section!r}{close} (sections: {listed})"),
    "cli.nothing_together": ("{where} 中没有同时符合 {options}、{last} 各项的规则;请放宽其中一项",
                            "no rule of {where} matches {options} and {last} together; drop or widen one of them"),
    "cli.standard_output": ("标准输出",
                           "standard output"),
    "cli.unwritable": ("无法把字符 {character} 写入{where}",
                      "cannot write character {character} to {where}"),
    "cli.unwritable_stdout": ("{unwritable}(编码 {encoding}):请设置 PYTHONIOENCODING=utf-8,或用 -o FILE 写入文件",
                             "{unwritable} in {encoding}: set PYTHONIOENCODING=utf-8, or write to a file with -o FILE"),
    "cli.output_folder": ("-o {path!r} 是文件夹:请给出文件的路径",
                         "-o {path!r} is a folder: give a file's path"),
    "cli.output_no_folder": ("-o {path!r}:没有文件夹 {folder!r}(请先创建)",
                            "-o {path!r}: there is no folder {folder!r} (create it first)"),
    "cli.output_log": ("-o {path!r} 是决策日志:请把输出写到别处",
                      "-o {path!r} is the decision log: write the output elsewhere"),
    "cli.overwrite_input": ("{option} {path!r} 会覆盖一个输入({given!r}):请把输出写到别处",
                           "{option} {path!r} would overwrite an input ({given!r}): write the output elsewhere"),
    "cli.dataset_or_sample": ("请给出数据集或 --sample,不能同时给出",
                             "give a dataset or --sample, not both"),
    "cli.samples": ("规则集 {rulebook!r} 有这些样例:{names};请用 --sample NAME 指定其一",
                   "rulebook {rulebook!r} has these samples: {names}; name one with --sample NAME"),
    "cli.sheet_options": ("{options}:这些选项用于数据文件,但没有给出数据文件",
                         "{options}: these apply to a figures file, and none is given"),
    "cli.sheet_option": ("{options}:该选项用于数据文件,但没有给出数据文件",
                        "{options}: it applies to a figures file, and none is given"),
    "cli.give_data": ("请给出数据文件,或用 --sample 使用规则集的样例,或给出 --register 和 --log",
                     "give a dataset file, or --sample for the rulebook's sample, or --register and --log"),
    "cli.encoding": ("--encoding 用于 CSV 文件,而没有输入是 CSV 文件:请去掉 --encoding",
                    "--encoding applies to CSV files, and no input is one: drop --encoding"),
    "cli.years": ("{text!r} 不是 2023-2025 这样的年份",
                 "{text!r} is not years such as 2023-2025"),
    "cli.date": ("{text!r} 不是 2024-12-31 这样的日期",
                "{text!r} is not a date such as 2024-12-31"),
    "cli.only_failures": ("未达标和无法判定",
                         "not met and unknown"),
    "cli.only_not_met": ("未达标",
                        "not met"),
    "cli.only_unknown": ("无法判定",
                        "unknown"),
    "cli.only": ("只显示{words}的结果({only}),另有 {hidden} 个结果未显示",
                "only {words} results are shown ({only}); {hidden} other result{s} not shown"),
    "cli.district": (",{district}",
                    ", {district}"),
    "cli.observed": (",{observed}",
                    ", {observed}"),
    "cli.disagreement": ("{rule}({when}{district}):上报数据给出{verdict}{observed},但{disagreement}",
                        "{rule} in {when}{district}: {verdict}{observed} from the reported figures, but {disagreement}"),
    "cli.disagreement_hint": ("请更正上报数据或记录,或不加 --strict 判定",
                             "correct the figures or the records, or judge without --strict"),
    "cli.by_responsible": ("--by-responsible 输出表格或 json(--format table 或 json)",
                          "--by-responsible gives a table or json (--format table or json)"),
    "cli.html_output": ("HTML 报告是约 1 MB 的文件:请给出 -o FILE(或用 -o - 写到标准输出)",
                       "an HTML report is a file of about 1 MB: give -o FILE (or -o - for stdout)"),
    "cli.listed": ("{name}  {version}  {rules} 条规则  {title}",
                  "{name}  {version}  {rules} rules  {title}"),
    "cli.valid": ("{source}:有效,{rules} 条规则,{measures} 个指标,指纹 {fingerprint}",
                 "{source}: ok, {rules} rules, {measures} measures, fingerprint {fingerprint}"),
    "cli.beyond_quotes": ("  {count} 条规则的目标不是原文写明的数字,各在 interpretation 中说明理由,请复核:",
                         "  {count} rule{s} read a target the quote does not write, each saying why in interpretation; review them:"),
    "cli.revision": ("无法读取 git 版本 {revision!r} 中的 {path!r}:{error}",
                    "cannot read {path!r} at git revision {revision!r}: {error}"),
    "cli.version_too_small": ("版本 {new} 太小:自 {old} 以来的变更需要{bump}级版本升级,至少为 {needed};请在 plan.toml 中提高版本号('qrules diff' 列出这些变更)",
                             "version {new} is too small: the changes since {old} call for a {bump} bump, at least {needed}; raise the version in plan.toml ('qrules diff' lists the changes)"),
    "cli.coverage_too_large": ("{path}:大于 {limit} 字节;不是覆盖率报告",
                              "{path}: larger than {limit} bytes; not a coverage report"),
    "cli.coverage_unreadable": ("{path}:无法读取覆盖率报告:{error}",
                               "{path}: cannot read the coverage report: {error}"),
    "cli.xlsx_template": (".xlsx 模板是文件:请给出 -o FILE.xlsx",
                         "an .xlsx template is a file: give -o FILE.xlsx"),
    "cli.template_written": ("已写入 {output}:{count} 行待填",
                            "wrote {output}: {count} rows to fill in"),
}
