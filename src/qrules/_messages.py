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

from collections.abc import Iterable, Mapping
from typing import Any, Literal

import attrs

__all__ = ["MESSAGES", "Lang", "Text", "data", "joined", "listed", "marking", "say"]

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
#: into a message (tests only).
OPEN, CLOSE = "\ue000", "\ue001"

_marking = False


def marking(on: bool) -> None:
    """Turn on (tests only) the marks around every parameter that is data (not
    a `Text`) put into a message: what is left outside the marks is the
    catalog's own wording, and the `Text` parameters' (which are language, in
    the language asked for)."""
    global _marking  # noqa: PLW0603 (a switch for the tests, off in use)
    _marking = on


class _Marked:
    """A data parameter under `marking`: formatted as it would be, then marked."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __format__(self, spec: str) -> str:
        return f"{OPEN}{format(self.value, spec)}{CLOSE}"

    def __repr__(self) -> str:
        return f"{OPEN}{self.value!r}{CLOSE}"

    def __str__(self) -> str:
        return f"{OPEN}{self.value}{CLOSE}"


def _in(lang: Lang, params: dict[str, Any]) -> dict[str, Any]:
    """The parameters as put into ``lang``'s template: a `Text` in that language."""
    return {
        name: value.get(lang) if isinstance(value, Text) else _Marked(value) if _marking else value
        for name, value in params.items()
    }


def say(id: str, /, **params: Any) -> Text:
    """The message ``id`` with ``params`` put in, in both languages: a `Text`
    parameter in the same language, anything else as ``format`` writes it."""
    zh, en = MESSAGES[id]
    if not params:
        return Text(zh, en)
    if _marking:
        return Text(zh.format_map(_in("zh", params)), en.format_map(_in("en", params)))
    # Data is put in as it is, in both languages: only a `Text` differs (judging
    # says a hundred-odd messages an evaluation; no copy made when none is one).
    texts = [name for name, value in params.items() if isinstance(value, Text)]
    if not texts:
        return Text(zh.format_map(params), en.format_map(params))
    zh_params, en_params = dict(params), dict(params)
    for name in texts:
        zh_params[name], en_params[name] = params[name].zh, params[name].en
    return Text(zh.format_map(zh_params), en.format_map(en_params))


def data(value: object) -> str:
    """A value from an input, shown as it is (marked as data under `marking`),
    for text that is put together without `say`."""
    text = str(value)
    return f"{OPEN}{text}{CLOSE}" if _marking else text


def joined(parts: Mapping[str, Text] | tuple[Text, ...], sep: Text) -> Text:
    """``parts`` joined by ``sep``, in each language."""
    items = tuple(parts.values()) if isinstance(parts, Mapping) else parts
    return Text(sep.zh.join(p.zh for p in items), sep.en.join(p.en for p in items))


def listed(values: Iterable[object], most: int | None = None) -> Text:
    """Values from an input (data), listed as each language lists them:
    ``福山区、莱山区`` / ``福山区, 莱山区``; with ``most``, the first ``most``
    of them and ``…`` when there are more (``2、3、…`` / ``2, 3, …``)."""
    items = list(values)
    parts = tuple(say("data.value", value=v) for v in items[:most])
    if most is not None and len(items) > most:
        parts += (say("list.more"),)
    return joined(parts, say("list.enumeration"))


#: id -> (zh, en).
MESSAGES: dict[str, tuple[str, str]] = {
    # -- where a problem is ------------------------------------------------------
    "problems.header": (
        "{what}{source!r} 有 {count} 个问题:",
        "{what} {source!r} has {count} problem{s}:",
    ),
    "problems.dataset": ("数据集 ", "dataset"),
    "problems.rulebook": ("规则集 ", "rulebook"),
    "problems.input": ("输入 ", "input"),
    "problems.key": ("键 {key!r}", "key {key!r}"),
    "problems.clipped": (
        "{start} …(省略 {count:,} 个字符)… {end}",
        "{start} … ({count:,} characters) … {end}",
    ),
    "where.row": ("第 {row} 行", "row {row}"),
    "where.line": ("第 {line} 行", "line {line}"),
    "where.item": ("第 {item} 项", "item {item}"),
    "where.measure": ("指标 {measure!r}", "measure {measure!r}"),
    "where.rule": ("规则 {rule!r}", "rule {rule!r}"),
    "did_you_mean": ("是否指 {prefix}{option!r}?", "did you mean {prefix}{option!r}?"),
    # -- a value from an input, and lists (shared) ----------------------------------
    "data.value": ("{value}", "{value}"),
    "list.enumeration": ("、", ", "),
    "list.more": ("…", "…"),
    "list.semicolon": (";", "; "),
    "figures.origin": ("{file}:{where}", "{file}: {where}"),
    # -- an expression's error (_errors.py) ----------------------------------------
    "expression.on_line": (
        "{message}(表达式第 {line} 行)",
        "{message} (line {line} of the expression)",
    ),
    "expression.shown": (
        "{message}\n    {text}\n    {marker}",
        "{message}\n    {text}\n    {marker}",
    ),
    # -- a problem's line (_errors.py) ---------------------------------------------
    "problems.comma": (",", ", "),
    "problems.line": ("{where}:{message}", "{where}: {message}"),
    "problems.line_hint": ("{where}:{message}({hint})", "{where}: {message} ({hint})"),
    # -- the expression language (_expr.py) ----------------------------------------
    "expr.character": ("意外的字符 {char!r}", "unexpected character {char!r}"),
    "expr.character_named": (
        "意外的字符 {char!r}({name})",
        "unexpected character {char!r} ({name})",
    ),
    "expr.percent": (
        "{message};百分比请写成指标单位下的数字,如 >= 98.5",
        "{message}; write a percentage as a number in the measure's unit, e.g. >= 98.5",
    ),
    "expr.comparisons": (
        "{message};比较运算符为 >=、>、<=、<、== 和 !=",
        "{message}; comparisons are >=, >, <=, <, == and !=",
    ),
    "expr.too_long": (
        "表达式长 {length} 个字符;上限为 {limit}",
        "expression is {length} characters long; the limit is {limit}",
    ),
    "expr.expected": ("此处应为{expected},实为{got}", "expected {expected}, got {got}"),
    "expr.the_end": ("表达式结尾", "the end of the expression"),
    "expr.token": ("{token!r}", "{token!r}"),
    "expr.expected_end_unbalanced": (
        "表达式结尾(括号“)”不配对)",
        "the end of the expression (unbalanced ')')",
    ),
    "expr.expected_operator_or_end": (
        "运算符或表达式结尾",
        "an operator or the end of the expression",
    ),
    "expr.expected_closing_or_operator": ("“)”或运算符", "')' or an operator"),
    "expr.expected_before_comparison": (
        "比较符号前的数字或指标",
        "a number or a measure before the comparison",
    ),
    "expr.expected_operand": ("数字、指标或“(”", "a number, a measure or '('"),
    "expr.too_deep": (
        "表达式嵌套超过 {limit} 层",
        "expression nests more than {limit} levels deep",
    ),
    "expr.too_many_digits": ("数字超过 {limit} 位", "number has more than {limit} digits"),
    "expr.not_an_id": (
        "{name!r} 不是指标 ID:ID 是用“_”连接的小写单词",
        "{name!r} is not a measure id: ids are lowercase words joined by '_'",
    ),
    "expr.never_closed": ("“(”没有闭合", "'(' is never closed"),
    "expr.not_a_number": (
        "此处应为数字,实为比较或真值",
        "expected a number here, got a comparison or truth value",
    ),
    "expr.not_a_comparison": (
        "此处应为比较(如 'x >= 1'),实为数字",
        "expected a comparison here (such as 'x >= 1'), got a number",
    ),
    "expr.no_subject": (
        "以比较符号开头的要求需要一个适用的指标",
        "a requirement that starts with a comparator needs a measure to apply to",
    ),
    "expr.compares_nothing": (
        "要求必须比较某个量,如 '>= 98.5' 或 'x >= 1 and y <= 2'",
        "a requirement must compare something, e.g. '>= 98.5' or 'x >= 1 and y <= 2'",
    ),
    # -- the command line's edge -------------------------------------------------
    "cli.error": ("qrules:", "qrules: "),
    "cli.out_of_memory": (
        "qrules:内存不足(大型登记表和检查记录请在数据库中判定:--database,见 docs/engines.md)",
        "qrules: ran out of memory (judge large registers and logs where they are, "
        "in a database: --database, docs/engines.md)",
    ),
    "cli.bug": (
        "qrules:这是 qrules 的缺陷:{what};请报告此问题,并附上所运行的命令"
        "(加 --debug 重新运行可显示回溯信息)",
        "qrules: this is a bug in qrules: {what}; please report it, with the command "
        "you ran (run it again with --debug to see the traceback)",
    ),
    "cli.bug_debug": (
        "qrules:这是 qrules 的缺陷:{what};请报告此问题,并附上所运行的命令和以上回溯信息",
        "qrules: this is a bug in qrules: {what}; please report it, with the "
        "command you ran and this traceback",
    ),
    "hint": ("({hint})", " ({hint})"),
    # -- the operating system and drivers (_boundary.py) ---------------------------
    "os.not_found": ("没有这个文件或文件夹", "no such file or folder"),
    "os.check_path": ("请检查路径", "check the path"),
    "os.is_a_folder": ("是文件夹,此处需要文件", "is a folder, where a file is expected"),
    "os.give_a_file": ("请给出文件的路径", "give a file's path"),
    "os.not_a_folder": (
        "路径中有一部分是文件而不是文件夹",
        "a part of the path is a file, not a folder",
    ),
    "os.permission": ("没有权限", "permission denied"),
    "os.connection_refused": ("连接被拒绝", "connection refused"),
    "os.timed_out": ("连接超时", "timed out"),
    "os.no_such_host": ("找不到该主机", "no such host"),
    "os.check_permissions": ("请检查文件的权限", "check the file's permissions"),
    "os.cannot_be_read": ("无法读取:{error}", "cannot be read: {error}"),
    "os.cannot_be_written": ("无法写入:{error}", "cannot be written: {error}"),
    "os.of_file": ("{file}:{message}", "{file}: {message}"),
    "os.cannot_write": (
        "无法写入 {path!r}:{message}{hint}",
        "cannot write {path!r}: {message}{hint}",
    ),
    "driver.said": ("{driver}:{message}", "{driver}: {message}"),
    "driver.postgres_database": ("请检查 URL 中的数据库名", "check the database name in the URL"),
    "driver.postgres_connection": (
        "服务器是否在运行?URL 中的主机、端口和用户是否正确?",
        "is the server running, and are the host, port and user in the URL right?",
    ),
    "driver.postgres_tables": (
        "请用 --register-table 和 --log-table 指定表名",
        "name the tables with --register-table and --log-table",
    ),
    "driver.postgres_type": (
        "某列的类型与 qrules 读取的不同(日期须为 DATE 列):请在视图中转换类型,再判定该视图",
        "a column has another type than qrules reads (dates are DATE "
        "columns): cast it in a view, and judge the view",
    ),
    "driver.duckdb_file": (
        "请给出 DuckDB 数据库文件(duckdb:///path.db)",
        "give a DuckDB database file (duckdb:///path.db)",
    ),
    "driver.sqlite_file": (
        "请给出 SQLite 数据库文件(sqlite:///path.db)",
        "give an SQLite database file (sqlite:///path.db)",
    ),
    "driver.arrow": (
        "不是可读的 Parquet 或 Arrow 文件:{message}",
        "not a readable Parquet or Arrow file: {message}",
    ),
    "driver.arrow_again": (
        "请重新导出该表;文件可能已损坏或不完整",
        "export the table again; the file may be damaged or cut short",
    ),
    "driver.unreadable": ("不是可读的文件:{message}", "not a readable file: {message}"),
    "driver.spark_memory": (
        "Spark:Java 堆空间不足(驱动程序或执行器内存耗尽)",
        "Spark: Java heap space (the driver or an executor ran out of memory)",
    ),
    "driver.spark_memory_hint": (
        "请调高 spark.driver.memory 或 spark.executor.memory",
        "raise spark.driver.memory or spark.executor.memory",
    ),
    "driver.spark_tables": (
        "请用 register= 和 log= 指定表名(--register-table、--log-table):"
        "table、schema.table 或 catalog.schema.table",
        "name the tables with register= and log= (--register-table, "
        "--log-table): table, schema.table or catalog.schema.table",
    ),
    "driver.spark_columns": (
        "请用映射文件指定列名(docs/records.md#the-mapping-file)",
        "name the columns with a mapping (docs/records.md#the-mapping-file)",
    ),
    "driver.spark_type": (
        "某列的类型与 qrules 读取的不同:请在视图中转换类型,再判定该视图",
        "a column has another type than qrules reads: cast it in a view, and judge the view",
    ),
    "read.too_deep": ("嵌套过深,无法读取", "nested too deeply to read"),
    "read.meant": ("这是您要给的文件吗?", "is this the file you meant?"),
    "read.too_large": ("太大,无法读入内存", "too large to read into memory"),
    "read.use_database": (
        "请将其载入数据库,用 --database 在数据库中判定(docs/engines.md)",
        "load it into a database and judge it there with --database (docs/engines.md)",
    ),
    "read.not_text": ("不是 qrules 能读取的文本", "not text qrules can read ({detail})"),
    "read.not_csv": ("不是可读的 CSV 文件", "not a readable CSV file ({detail})"),
    "read.not_xlsx": ("不是可读的 .xlsx 文件", "not a readable .xlsx file ({detail})"),
    "read.damaged_xml": (
        "不是可读的 .xlsx 文件:其中的 XML 已损坏",
        "not a readable .xlsx file: damaged XML ({detail})",
    ),
    # -- a value read (_data.py, _limits.py) ---------------------------------------
    "limits.too_large": ("绝对值超过 10^30", "more than 10^30 in magnitude"),
    "limits.too_long": ("超过 60 位数字", "more than 60 digits"),
    "value.negative": (
        "{value} 是负数;{unit} 的值不能为负",
        "{value} is negative; {unit} values cannot be",
    ),
    "value.not_whole": ("{value} 不是整数个{unit}", "{value} is not a whole number of {unit}"),
    "value.truth": ("{value} 是真假值,不是数字", "{value} is a truth value, not a number"),
    "value.not_finite": ("{value} 不是有限的数", "{value} is not a finite number"),
    "value.not_a_value": (
        "应为数字或文本,实为 {type} {value}",
        "expected a number or text, got {type} {value}",
    ),
    "value.other_unit": (
        "'{text}' 的单位是{word},但该指标的单位是{unit}",
        "'{text}' is in {word}, but the measure is in {unit}",
    ),
    "value.too_large": (
        "数字{problem}:qrules 读取的数值绝对值最大为 10^30,最多 60 位数字",
        "a number {problem}: qrules reads figures up to 10^30 in magnitude, "
        "written with at most 60 digits",
    ),
    "records.too_large": (
        "数字{problem}:qrules 读取的数字最大为 10^30,最多 60 位数字",
        "a number {problem}: qrules reads numbers up to 10^30, written with at most 60 digits",
    ),
    "value.percentage": (
        "'{text}' 是百分数,但该指标的单位是 {unit}",
        "'{text}' is a percentage, but the measure is in {unit}",
    ),
    "value.divides_by_zero": ("'{text}' 除以零", "'{text}' divides by zero"),
    "value.not_a_number": (
        "'{text}' 不是数字;请写成小数,如 98.5、1,234 或 98.5%,缺少的数值请留空",
        "'{text}' is not a number; write a decimal such as 98.5, 1,234 or "
        "98.5%, or leave it empty when the figure is missing",
    ),
    # -- plausibility (_plausible.py) ----------------------------------------------
    "list.comma": (",", ", "),
    "plausible.place": ("{measure}({when})", "{measure} in {when}"),
    "plausible.when": ("{year} 年", "{year}"),
    "plausible.when_district": ("{year} 年,{district}", "{year}, {district}"),
    "plausible.at_least": ("至少 {lower}", "at least {lower}"),
    "plausible.between": ("{lower} 至 {upper}", "{lower} to {upper}"),
    "plausible.unit": ("({zh})", " ({en})"),
    "plausible.outside": (
        "{name} = {value}({when})超出其合理取值范围 {bounds}{unit}",
        "{name} = {value} in {when} is outside its plausible values, {bounds}{unit}",
    ),
    "plausible.outside_hint": (
        "请更正该数值;指标的取值范围在规则集的 measures.toml 中",
        "correct the figure; a measure's bounds are in its rulebook's measures.toml",
    ),
    "plausible.more_than_whole": (
        "{name} = {value} 大于 {whole} = {whole_value}({place})({when}):{part_name}不能超过{whole_name}",
        "{name} = {value} is more than {whole} = {whole_value} ({place}) in {when}: {part_name} cannot exceed {whole_name}",
    ),
    "plausible.correct_one": ("请更正两个数值之一", "correct one of the two figures"),
    "plausible.count": ("{name} = {value}({place})", "{name} = {value} ({place})"),
    "plausible.input": ("{name}({place})", "{name} ({place})"),
    "plausible.computed_outside": (
        "由 {counts} 算得的 {measure}({when})为 {value},超出其合理取值范围 {bounds}",
        "{measure} computed from {counts} in {when} is {value}, outside its plausible values, {bounds}",
    ),
    "plausible.correct_counts": ("请更正这些计数", "correct the counts"),
    "plausible.differs": (
        "{name} = {value}({when})与由 {counts} 算得的 {computed} 不符",
        "{name} = {value} in {when} differs from {computed} computed from {counts}",
    ),
    "plausible.differs_hint": (
        "请更正该数值或计数;不作严格检查时,只有两种读法都给出的结论才成立",
        "correct the figure or the counts; without strict checking, a verdict stands only where both readings give it",
    ),
    # -- a city's figures from its districts' (_rollup.py) -------------------------
    "rollup.sum": (
        "{value} = {count} 个区县合计({districts})",
        "{value} = sum of {count} district{s} ({districts})",
    ),
    "rollup.measure": ("{measure}({id})", "{id}"),
    "rollup.not_additive": (
        "各区县报告了{measure},但该指标({unit})不能按区县相加,也不取平均:请报告全市数值或其计算所需的计数",
        "the districts report {measure}, which does not add up over districts ({unit}) and is never averaged: report the city's figure or the counts it is computed from",
    ),
    "rollup.no_row": ("{districts}没有该行", "no row for {districts}"),
    "rollup.no_value": ("{districts}的数值缺失({where})", "no value for {districts} ({where})"),
    "rollup.incomplete": (
        "{year} 年{measure}不能由区县数值相加得出:{parts}",
        "no city value of {measure} for {year} is derived from the districts: {parts}",
    ),
    "rollup.conflict": (
        "{year} 年{measure}:{count} 个区县合计 {total},与全市报告值 {city}({origin})不一致;按全市报告值判定",
        "{measure} in {year}: the {count} districts sum to {total}, but the city's row says {city} ({origin}); judged on the city's row",
    ),
    # -- reported figures (_figures.py) --------------------------------------------
    "where.key": ("键 {key!r}", "key {key!r}"),
    "where.header": ("表头", "header"),
    "where.row_column": ("第 {row} 行,列 {column!r}", "row {row}, column {column!r}"),
    "where.item_key": ("第 {item} 项,键 {column!r}", "item {item}, key {column!r}"),
    "where.row_column_number": ("{row},第 {column} 列", "{row}, column {column}"),
    "where.line_column_number": ("第 {line} 行,第 {column} 列", "line {line}, column {column}"),
    "figures.value": ("{measure}:{problem}", "{measure}: {problem}"),
    "figures.not_a_measure": (
        "{measure!r} 不是规则集 {rulebook!r} 的指标",
        "{measure!r} is not a measure of rulebook {rulebook!r}",
    ),
    "figures.listing": (
        "`qrules measures {rulebook}` 列出所有指标",
        "`qrules measures {rulebook}` lists every measure",
    ),
    "figures.ambiguous_measure": (
        "{text!r} 指代不止一个指标;请写出指标编号",
        "{text!r} names more than one measure; write its id",
    ),
    "figures.unknown_measure": (
        "规则集 {rulebook!r} 中没有指标 {text!r}",
        "unknown measure {text!r} in rulebook {rulebook!r}",
    ),
    "figures.did_you_mean": (
        "是否指 {name!r}?({names};{listing})",
        "did you mean {name!r}? ({names}; {listing})",
    ),
    "figures.short_row": (
        "有 {cells} 个单元格,但表头有 {width} 列",
        "{cells} cells, but the header has {width} columns",
    ),
    "figures.short_row_hint": (
        "每一列下都须有一个单元格(可以为空)",
        "a row must have a cell (empty or not) under each column",
    ),
    "figures.no_header": ("没有表头的列中有数值", "a value in a column without a header"),
    "figures.no_header_hint": (
        "请给该列加上表头,或删除该数值",
        "give the column a header, or delete the value",
    ),
    "figures.no_measure": ("没有指标", "no measure"),
    "figures.formula": ("公式 {formula} 没有保存的值", "the formula {formula} has no saved value"),
    "figures.formula_hint": (
        "请用 Excel 或 LibreOffice 打开并保存该文件,以保存公式的值",
        "open the file in Excel or LibreOffice and save it, so that the values of its formulas are stored",
    ),
    "figures.twice": (
        "{measure!r} 的 {year} 年数值给出了两次(第一次在{first})",
        "{measure!r} for {year} is given twice (first at {first})",
    ),
    "figures.twice_district": (
        "{measure!r} 的 {year} 年{district}数值给出了两次(第一次在{first})",
        "{measure!r} for {year} in {district} is given twice (first at {first})",
    ),
    "figures.not_a_year": (
        "年份 {year!r} 不是 2025 这样的年份",
        "year {year!r} is not a year such as 2025",
    ),
    "figures.layout": ("未知的表格布局 {layout!r}", "unknown layout {layout!r}"),
    "figures.layout_hint": ("请用 long 或 wide", "use long or wide"),
    "figures.header_row": ("--header-row 从 1 开始计数", "--header-row counts from 1"),
    "figures.header_found": (
        "表头在第 {row} 行(其上各行未读取)",
        "header found in row {row} (the rows above it were not read)",
    ),
    "figures.columns_give": (
        "列 {columns} 都表示 {column!r}",
        "columns {columns} all give {column!r}",
    ),
    "figures.keep_one": ("请只保留其中一列", "keep one of them"),
    "figures.columns_year": ("列 {columns} 都是 {year} 年", "columns {columns} are all {year}"),
    "figures.column_times": (
        "列 {column!r} 出现了 {count} 次",
        "column {column!r} appears {count} times",
    ),
    "figures.no_measure_column": ("没有指标列", "no measure column"),
    "figures.no_measure_column_hint": (
        "请将其命名为 measure(或 指标),或在映射文件的 [figures.columns] 中映射您的列名;表头若不在第一行,请给出 --header-row",
        "name it measure (or 指标), or map yours in the mapping file's [figures.columns]; if the header is not the first row, give --header-row",
    ),
    "figures.no_value_column": ("没有数值列", "no value column"),
    "figures.no_value_column_hint": (
        "请将其命名为 value(或 数值),或在 [figures.columns] 中映射您的列名;每年一列的表格用 --layout wide 读取",
        "name it value (or 数值), or map yours in [figures.columns]; a sheet with a column per year is read with --layout wide",
    ),
    "figures.no_year_column": ("没有年份列", "no year column"),
    "figures.no_year_column_hint": (
        "请将其命名为 year(或 年份),或在 [figures.columns] 中映射您的列名",
        "name it year (or 年份), or map yours in [figures.columns]",
    ),
    "figures.unknown_column": ("未知的列 {column!r}", "unknown column {column!r}"),
    "figures.wide_value": (
        "宽表没有数值列:数值在各年(或各区县)的列下",
        "a wide sheet has no value column: its values are under each year (or district)",
    ),
    "figures.no_year_or_district": ("没有年份列或区县列", "no year or district columns"),
    "figures.no_year_or_district_hint": (
        "宽表每年一列(2023、2024年)或每个区县一列",
        "a wide sheet has a column per year (2023, 2024年) or per district",
    ),
    "figures.give_year": ("请加上年份列,或给出 --year", "add a year column, or give --year"),
    "figures.option_year": (
        "--year(year=)用于没有年份列的表格;这张表有",
        "--year (year=) applies to a sheet without a year column; this one has them",
    ),
    "figures.option_district": (
        "--district(district=)用于没有区县列的表格;这张表有",
        "--district (district=) applies to a sheet without a district column; this one has them",
    ),
    "figures.drop_option": ("请去掉 {option}", "drop {option}"),
    "figures.wide_by_year": (
        "宽表:每年一列({columns}),按单元格计数",
        "wide sheet: a column per year ({columns}); figures counted by cell",
    ),
    "figures.wide_by_district": (
        "宽表:每个区县一列({columns}),按单元格计数",
        "wide sheet: a column per district ({columns}); figures counted by cell",
    ),
    "figures.blank_district": (
        "空白的区县单元格取上一行的值:第 {rows} 行",
        "blank district cells read as the one above (merged cells): rows {rows}",
    ),
    "figures.blank_district_below": (
        "区县单元格空白,而上方的行写明了 {above}:可能是全市的数,也可能是 {above} 向下合并的单元格"
        "(用 pandas 读取或另存为 CSV 后,合并单元格下方为空),无法判断是谁的数",
        "a blank district cell below {above}'s row: the figure may be the city's, or "
        "{above}'s cell merged down (blank below once read by pandas or saved as CSV); "
        "whose it is cannot be told",
    ),
    "figures.blank_district_below_hint": (
        "请填写该单元格:全市的数写“全市”,合并的区县请向下填充(pandas:ffill);"
        "或直接交给 qrules 读取 .xlsx 文件;或把全市的行放在各区县的行之前",
        "fill the cell in: write 全市 for the city's figures, fill a merged district "
        "down (pandas: ffill), or give qrules the .xlsx file; or put the city's rows "
        "before the districts'",
    ),
    "figures.blank_district_below_xlsx_hint": (
        "请填写该单元格:全市的数写“全市”,属于上方区县的数写上该区县;或把全市的行放在各区县的行之前",
        "fill the cell in: write 全市 for the city's figures, or the district above for its "
        "own; or put the city's rows before the districts'",
    ),
    "figures.blank_year": (
        "空白的年份单元格取上一行的值:第 {rows} 行",
        "blank year cells read as the one above (merged cells): rows {rows}",
    ),
    "figures.headings": (
        "未读取的标题行(无指标、无数值):第 {rows} 行",
        "heading rows not read (no measure, no figures): rows {rows}",
    ),
    "figures.columns_not_read": ("未读取的列:{columns}", "columns not read: {columns}"),
    "figures.rows_more": ("{rows},……另有 {more} 行", "{rows}, … {more} more"),
    "figures.not_json": ("不是有效的 JSON", "not valid JSON ({detail})"),
    "figures.json_too_deep": ("不是有效的 JSON:嵌套过深", "not valid JSON: nested too deeply"),
    "figures.json_shape": (
        "数据集是由数字和文本组成的对象数组",
        "a dataset is an array of objects of numbers and text",
    ),
    "figures.json_array": (
        "应为 JSON 对象数组,键为 year、measure、value(以及 district)",
        "expected a JSON array of objects with keys year, measure, value (and district)",
    ),
    "figures.key_twice": ("键 {key!r} 给出了两次", "key {key!r} is given twice"),
    "figures.key_once": ("JSON 对象中每个键只能出现一次", "a JSON object has each key once"),
    "figures.surrogate": (
        "单独的代理字符(\\ud800 至 \\udfff)不是文本",
        "a lone surrogate (\\ud800 to \\udfff) is not text",
    ),
    "figures.no_key": ("没有键 {key!r}", "no key {key!r}"),
    "figures.same_keys": ("请让每一项都有相同的键", "give every item the same keys"),
    # -- tables (_tabular.py) ------------------------------------------------------
    "list.or": (" 或 ", " or "),
    "tabular.known": ("已知:{options}", "known: {options}"),
    "tabular.csv": ("CSV 文件", "a CSV file"),
    "tabular.xlsx": (".xlsx 文件", "an .xlsx file"),
    "tabular.arrow": ("Parquet 或 Arrow 文件", "a Parquet or Arrow file"),
    "tabular.json": ("JSON 文件", "a JSON file"),
    "tabular.database": ("数据库表", "a database table"),
    "tabular.frame": ("DataFrame 或 Arrow 表", "a DataFrame or Arrow table"),
    "tabular.rows": ("行的列表", "a list of rows"),
    "tabular.option": (
        "{flag}({option}=)只用于{applies};这是{kind}",
        "{flag} ({option}=) applies to {applies}; this is {kind}",
    ),
    "tabular.urls": (
        "只读取 duckdb:/// 和 sqlite:/// 形式的 URL",
        "only duckdb:/// and sqlite:/// URLs are read",
    ),
    "tabular.urls_hint": (
        "其他数据库请传入 DB-API 连接和 table=",
        "for another database, pass a DB-API connection and table=",
    ),
    "tabular.needs": ("读取它需要 {package}", "reading this needs {package}"),
    "tabular.no_such_file": ("没有这个文件", "no such file"),
    "tabular.not_regular": ("不是普通文件", "is not a regular file"),
    "tabular.database_not_file": (
        "数据库文件 {path!r}:{reason}",
        "database file {path!r}: {reason}",
    ),
    "tabular.file_type": ("未知的文件类型 {suffix!r}", "unknown file type {suffix!r}"),
    "tabular.no_file_type": ("未知的文件类型(无扩展名)", "unknown file type '(none)'"),
    "tabular.file_types": (
        "请用 .csv、.xlsx、.parquet 或 .arrow",
        "use .csv, .xlsx, .parquet or .arrow",
    ),
    "tabular.encoding": ("未知的编码 {encoding!r}", "unknown encoding {encoding!r}"),
    "tabular.not_encoding": (
        "不是 {encoding} 编码(第 {byte} 字节)",
        "not {encoding} at byte {byte}",
    ),
    "tabular.neither": (
        "既不是 {first} 编码(第 {byte:,} 字节,第 {line:,} 行)"
        "也不是 {second} 编码(第 {other:,} 字节,第 {other_line:,} 行)",
        "neither {first} (byte {byte:,}, line {line:,}) nor {second} (byte {other:,}, "
        "line {other_line:,})",
    ),
    "tabular.give_encoding": (
        "请用 --encoding(encoding=)给出编码",
        "give the encoding with --encoding (encoding=)",
    ),
    "tabular.read_as": ("按 {codec} 编码读取", "read as {codec}"),
    "tabular.bomb": (
        "部件 {part!r} 将展开为 {size:,} 字节(是其在文件中大小的 {ratio:,.0f} 倍):超出 qrules 的读取上限",
        "part {part!r} would expand to {size:,} bytes ({ratio:,.0f} times its size in the file): beyond what qrules reads",
    ),
    "tabular.bomb_hint": (
        "最多 {mib} MiB、{ratio} 倍;请将工作表另存为 .csv 或 .parquet",
        "at most {mib} MiB and {ratio} times; save the sheet as .csv or .parquet",
    ),
    "tabular.no_sheet": ("没有工作表 {sheet!r}", "no sheet {sheet!r}"),
    "tabular.no_database": ("没有数据库文件 {path!r}", "no database file {path!r}"),
    "tabular.database_path": (
        "请写作 {scheme}:///relative/path.db 或 {scheme}:////absolute/path.db",
        "write {scheme}:///relative/path.db or {scheme}:////absolute/path.db",
    ),
    "tabular.not_a_table": ("{table!r} 不是表名", "{table!r} is not a table name"),
    "tabular.cannot_read_table": (
        "无法读取表 {table!r}:{error}",
        "cannot read table {table!r}: {error}",
    ),
    # -- tables, more --------------------------------------------------------------
    "tabular.install": ("请运行 {command}", "{command}"),
    # -- the mapping file (_data.py, _records.py) ----------------------------------
    "mapping.figures_tables": (
        "应为 [figures.columns]、[figures.measures]、[figures.districts] 或 [figures.scale] 表",
        "expected [figures.columns], [figures.measures], [figures.districts] or [figures.scale] tables",
    ),
    "mapping.unknown_figures_column": ("未知的数据列", "unknown figures column"),
    "mapping.column_names": (
        "应为一个列名或列名数组",
        "expected a column name or an array of them",
    ),
    "mapping.measure_text": ("应为文本(指标编号)", "expected a text (a measure id)"),
    "mapping.district_text": (
        '应为文本(区县名;"" 表示全市)',
        'expected a text (a district; "" for the whole city)',
    ),
    "mapping.scale": (
        '应为正整数、加引号的小数或比值("0.01"),或 百、千、万、亿',
        'expected a positive whole number, a decimal or ratio in quotes ("0.01"), or 百, 千, 万 or 亿',
    ),
    # -- registers and logs (_records.py) ------------------------------------------
    "mapping.not_toml": ("不是有效的 TOML", "not valid TOML ({detail})"),
    "mapping.shape": ("映射文件由名称和代码的表组成", "a mapping is tables of names and codes"),
    "mapping.unknown_table": ("未知的表", "unknown table"),
    "mapping.expected_table": ("应为表", "expected a table"),
    "mapping.columns_or_codes": (
        "应为 [.columns] 或 [.codes] 表",
        "expected [.columns] or [.codes] tables",
    ),
    "mapping.unknown_register_column": ("未知的登记表列", "unknown register column"),
    "mapping.unknown_log_column": ("未知的检查记录列", "unknown log column"),
    "records.register": ("登记表", "register"),
    "records.log": ("检查记录", "log"),
    "mapping.no_codes": (
        "{table}列 {column!r} 没有可映射的代码",
        "no codes to map in {table} column {column!r}",
    ),
    "mapping.codes_table": (
        "应为“代码 = 标准代码”的表",
        "expected a table of code = canonical code",
    ),
    "mapping.expected_code": ("应为标准代码", "expected a canonical code"),
    "mapping.not_canonical": ("{code!r} 不是标准代码", "{code!r} is not a canonical code"),
    "date.truth": ("{value} 是真假值,不是日期", "{value} is a truth value, not a date"),
    "date.not_a_date": ("{value} 不是日期", "{value} is not a date"),
    "date.no_such_day": ("'{value}' 不是日期:没有这一天", "'{value}' is not a date: no such day"),
    "date.write": (
        "'{value}' 不是日期;请写作 2024-03-05、2024/3/5 或 2024年3月5日",
        "'{value}' is not a date; write 2024-03-05, 2024/3/5 or 2024年3月5日",
    ),
    "date.serial": (
        "{value} 不是日期(也不是 1927 至 2202 年之间的 Excel 序列日期)",
        "{value} is not a date (nor an Excel serial date from 1927 to 2202)",
    ),
    "flag.not_a_flag": (
        "'{text}' 不是“是”或“否”;请写 是/否、1/0 或 true/false",
        "'{text}' is not yes or no; write 是/否, 1/0 or true/false",
    ),
    "records.map_column": (
        "请在映射文件的 [{table}.columns] 中把您的列映射到它",
        "map your column to it in the mapping file's [{table}.columns]",
    ),
    "records.mapping_names": (
        "映射文件给出的列名 {names} 都不在文件中",
        "the mapping names {names}; none is in the file",
    ),
    "records.no_column": ("没有 {column!r} 列", "no {column!r} column"),
    "records.more_cells": ("单元格比列多", "more cells than columns"),
    "records.fewer_cells": (
        "有 {cells} 个单元格,少于表头的 {width} 列",
        "{cells} cells, fewer than the {width} columns of the header",
    ),
    "records.formula": (
        "公式没有缓存的值({formula})",
        "a formula without a cached value ({formula})",
    ),
    "records.formula_hint": (
        "请用 Excel 打开并保存该文件,以保存每个公式的值",
        "open the file in Excel and save it, so each formula's value is stored",
    ),
    "records.not_canonical": (
        "{code!r} 不是标准的 {column}({options});请在映射文件的 [{table}.codes.{column}] 中映射它"
        '(如 "{code}" = "{meant}")',
        "{code!r} is not a canonical {words} ({options}); map it in the mapping file's "
        '[{table}.codes.{column}] ("{code}" = "{meant}")',
    ),
    "records.no_unit": ("没有单位编号", "no unit id"),
    "records.unit_twice": (
        "单位 {unit!r} 出现了两次(第一次在第 {row} 行)",
        "unit {unit!r} is given twice (first in row {row})",
    ),
    "records.no_category": ("没有类别", "no category"),
    "records.closed_before": (
        "注销日期 {closed} 早于登记日期 {registered}",
        "closed {closed} before it was registered {registered}",
    ),
    "records.more": (",……另有 {more} 个", ", … {more} more"),
    "records.other_categories": (
        "非标准类别(任何规则都不会选中这些单位):{categories}{more}",
        "categories no rule selects (not canonical codes): {categories}{more}",
    ),
    "records.rejected_unit": (
        "单位 {unit!r} 属于被拒绝的登记表行(第 {row} 行)",
        "unit {unit!r} is the unit of a rejected register row (row {row})",
    ),
    "records.unknown_unit": (
        "单位 {unit!r} 不在登记表 {register} 中",
        "unit {unit!r} is not in the register {register}",
    ),
    "records.no_date": ("没有日期", "no date"),
    "records.inspection_twice": (
        "检查 {inspection!r} 出现了两次(第一次在第 {row} 行)",
        "inspection {inspection!r} is given twice (first in row {row})",
    ),
    "records.inspections_from": ("检查日期从 {low} 到 {high}", "inspections from {low} to {high}"),
    # -- reading, more -------------------------------------------------------------
    "read.cannot_read": ("无法读取:{error}", "cannot read: {error}"),
    # -- the command line (cli.py) -------------------------------------------------
    "cli.rulebook": ("规则集 {rulebook}", "rulebook {rulebook!r}"),
    "cli.rulebook_as_of": (
        "规则集 {rulebook}({as_of} 施行的规则)",
        "rulebook {rulebook!r} (rules in force on {as_of})",
    ),
    "cli.none": ("无", "none"),
    "cli.close": (";{close}", "; {close}"),
    "cli.no_tag": (
        "{where} 中没有带标签 {tags} 的规则{close}(标签:{listed})",
        "no rule of {where} has the tag {tags}{close} (tags: {listed})",
    ),
    "cli.no_section": (
        "{where} 中没有章节以 {section!r} 开头的规则{close}(章节:{listed})",
        "no rule of {where} has a section starting with {section!r}{close} (sections: {listed})",
    ),
    "cli.nothing_together": (
        "{where} 中没有同时符合 {options}、{last} 各项的规则;请放宽其中一项",
        "no rule of {where} matches {options} and {last} together; drop or widen one of them",
    ),
    "cli.standard_output": ("标准输出", "standard output"),
    "cli.unwritable": (
        "无法把字符 {character} 写入{where}",
        "cannot write character {character} to {where}",
    ),
    "cli.unwritable_stdout": (
        "{unwritable}(编码 {encoding}):请设置 PYTHONIOENCODING=utf-8,或用 -o FILE 写入文件",
        "{unwritable} in {encoding}: set PYTHONIOENCODING=utf-8, or write to a file with -o FILE",
    ),
    "cli.output_folder": (
        "-o {path!r} 是文件夹:请给出文件的路径",
        "-o {path!r} is a folder: give a file's path",
    ),
    "cli.output_no_folder": (
        "-o {path!r}:没有文件夹 {folder!r}(请先创建)",
        "-o {path!r}: there is no folder {folder!r} (create it first)",
    ),
    "cli.output_log": (
        "-o {path!r} 是决策日志:请把输出写到别处",
        "-o {path!r} is the decision log: write the output elsewhere",
    ),
    "cli.output_link": (
        "-o {path!r} 是符号链接(指向 {target!r}):qrules 不通过链接写文件,请直接给出文件的路径",
        "-o {path!r} is a symbolic link (to {target!r}): qrules writes no file through a link; name the file itself",
    ),
    "cli.overwrite_input": (
        "{option} {path!r} 会覆盖一个输入({given!r}):请把输出写到别处",
        "{option} {path!r} would overwrite an input ({given!r}): write the output elsewhere",
    ),
    "cli.dataset_or_sample": (
        "请给出数据集或 --sample,不能同时给出",
        "give a dataset or --sample, not both",
    ),
    "cli.samples": (
        "规则集 {rulebook!r} 有这些样例:{names};请用 --sample NAME 指定其一",
        "rulebook {rulebook!r} has these samples: {names}; name one with --sample NAME",
    ),
    "cli.sheet_options": (
        "{options}:这些选项用于数据文件,但没有给出数据文件",
        "{options}: these apply to a figures file, and none is given",
    ),
    "cli.sheet_option": (
        "{options}:该选项用于数据文件,但没有给出数据文件",
        "{options}: it applies to a figures file, and none is given",
    ),
    "cli.give_data": (
        "请给出数据文件,或用 --sample 使用规则集的样例,或给出 --register 和 --log",
        "give a dataset file, or --sample for the rulebook's sample, or --register and --log",
    ),
    "cli.encoding": (
        "--encoding 用于 CSV 文件,而没有输入是 CSV 文件:请去掉 --encoding",
        "--encoding applies to CSV files, and no input is one: drop --encoding",
    ),
    "cli.years": ("{text!r} 不是 2023-2025 这样的年份", "{text!r} is not years such as 2023-2025"),
    "cli.date": (
        "{text!r} 不是 2024-12-31 这样的日期",
        "{text!r} is not a date such as 2024-12-31",
    ),
    "cli.only_failures": ("未达标和无法判定", "not met and unknown"),
    "cli.only_not_met": ("未达标", "not met"),
    "cli.only_unknown": ("无法判定", "unknown"),
    "cli.only": (
        "只显示{words}的结果({only}),另有 {hidden} 个结果未显示",
        "only {words} results are shown ({only}); {hidden} other result{s} not shown",
    ),
    "cli.district": (",{district}", ", {district}"),
    "cli.observed": (",{observed}", ", {observed}"),
    "cli.disagreement": (
        "{rule}({when}{district}):上报数据给出{verdict}{observed},但{disagreement}",
        "{rule} in {when}{district}: {verdict}{observed} from the reported figures, but {disagreement}",
    ),
    "cli.disagreement_hint": (
        "请更正上报数据或记录,或不加 --strict 判定",
        "correct the figures or the records, or judge without --strict",
    ),
    "cli.by_responsible": (
        "--by-responsible 输出表格或 json(--format table 或 json)",
        "--by-responsible gives a table or json (--format table or json)",
    ),
    "cli.html_output": (
        "HTML 报告是约 1 MB 的文件:请给出 -o FILE(或用 -o - 写到标准输出)",
        "an HTML report is a file of about 1 MB: give -o FILE (or -o - for stdout)",
    ),
    "cli.listed": (
        "{name}  {version}  {rules} 条规则  {title}",
        "{name}  {version}  {rules} rules  {title}",
    ),
    "cli.valid": (
        "{source}:有效,{rules} 条规则,{measures} 个指标,指纹 {fingerprint}",
        "{source}: ok, {rules} rules, {measures} measures, fingerprint {fingerprint}",
    ),
    "cli.beyond_quotes": (
        "  {count} 条规则的目标不是原文写明的数字,各在 interpretation 中说明理由,请复核:",
        "  {count} rule{s} read a target the quote does not write, each saying why in interpretation; review them:",
    ),
    "cli.revision": (
        "无法读取 git 版本 {revision!r} 中的 {path!r}:{error}",
        "cannot read {path!r} at git revision {revision!r}: {error}",
    ),
    "cli.version_too_small": (
        "版本 {new} 太小:自 {old} 以来的变更需要{bump}级版本升级,至少为 {needed};请在 plan.toml 中提高版本号('qrules diff' 列出这些变更)",
        "version {new} is too small: the changes since {old} call for a {bump} bump, at least {needed}; raise the version in plan.toml ('qrules diff' lists the changes)",
    ),
    "cli.coverage_too_large": (
        "{path}:大于 {limit} 字节;不是覆盖率报告",
        "{path}: larger than {limit} bytes; not a coverage report",
    ),
    "cli.coverage_unreadable": (
        "{path}:无法读取覆盖率报告:{error}",
        "{path}: cannot read the coverage report: {error}",
    ),
    "cli.xlsx_template": (
        ".xlsx 模板是文件:请给出 -o FILE.xlsx",
        "an .xlsx template is a file: give -o FILE.xlsx",
    ),
    "cli.template_written": (
        "已写入 {output}:{count} 行待填",
        "wrote {output}: {count} rows to fill in",
    ),
    # -- the command line, lists (cli.py) ------------------------------------------
    "cli.tag": ("{tag!r}", "{tag!r}"),
    "cli.or": ("、", " or "),
    # -- git revisions (_git.py) ---------------------------------------------------
    "git.not_installed": (
        "没有安装 git,无法读取 REV:PATH",
        "git is not installed, so REV:PATH cannot be read",
    ),
    "git.timeout": ("git 在 {seconds} 秒内没有响应", "git did not answer within {seconds} s"),
    "git.said": ("git 报错:{message}", "{message}"),
    "git.failed": ("git {command} 失败", "git {command} failed"),
    "git.outside": ("路径 {path!r} 指向仓库之外", "path {path!r} leads outside the repository"),
    "git.revision_dash": (
        "版本 {part!r} 以“-”开头:不是版本",
        "revision {part!r} starts with '-': not a revision",
    ),
    "git.path_dash": (
        "路径 {part!r} 以“-”开头:不是路径",
        "path {part!r} starts with '-': not a path",
    ),
    "git.revision_control": (
        "版本 {part!r} 含控制字符",
        "revision {part!r} holds a control character",
    ),
    "git.path_control": ("路径 {part!r} 含控制字符", "path {part!r} holds a control character"),
    "git.not_a_folder": (
        "{path!r} 在版本 {revision!r} 中不是文件夹",
        "{path!r} is not a folder at revision {revision!r}",
    ),
    "git.symlink": ("符号链接", "a symlink"),
    "git.submodule": ("子模块", "a submodule"),
    "git.mode": ("模式为 {mode} 的条目", "an entry of mode {mode}"),
    "git.not_plain": (
        "{name!r} 是{kind}:规则集文件夹只能包含普通文件",
        "{name!r} is {kind}: a rulebook folder holds only plain files",
    ),
    "git.too_many_files": (
        "该文件夹有 {count} 个文件;最多读取 {limit} 个",
        "the folder holds {count} files; at most {limit} are read",
    ),
    "git.file_too_large": (
        "{name!r} 有 {size} 字节;规则集文件最多 {limit} 字节",
        "{name!r} is {size} bytes; a rulebook file may be at most {limit}",
    ),
    "git.folder_too_large": (
        "该文件夹有 {size} 字节;最多读取 {limit} 字节",
        "the folder holds {size} bytes; at most {limit} are read",
    ),
    "git.not_a_file_name": ("{name!r} 不是普通的文件名", "{name!r} is not a plain file name"),
    # -- rulebooks (_load.py) ------------------------------------------------------
    "load.no_folder": (
        "{folder!r} 不是规则集文件夹:没有这个文件夹",
        "{folder!r} is not a rulebook folder: no such folder",
    ),
    "load.no_plan": (
        "{folder!r} 不是规则集文件夹:其中没有 {plan}",
        "{folder!r} is not a rulebook folder: it has no {plan}",
    ),
    "load.not_shipped": (
        "没有名为 {name!r} 的内置规则集{close}(内置:{names}{folder})",
        "no shipped rulebook named {name!r}{close} (shipped: {names}{folder})",
    ),
    "load.folder_is": (
        ";文件夹 {folder!r} 请写作 ./{folder}",
        "; to load the folder {folder!r}, write ./{folder}",
    ),
    "load.give_folder": (
        ";或给出文件夹路径,如 ./my-rulebook",
        "; or give a folder's path, such as ./my-rulebook",
    ),
    "kind.string": ("字符串", "a string"),
    "kind.integer": ("整数", "an integer"),
    "kind.float": ("浮点数", "a float"),
    "kind.boolean": ("布尔值", "a boolean"),
    "kind.array": ("数组", "an array"),
    "kind.table": ("表", "a table"),
    "kind.date": ("日期", "a date"),
    "kind.datetime": ("日期时间", "a date-time"),
    "kind.value": ("{kind} {value}", "{kind} {value}"),
    "load.expected_string": ("应为字符串,实为{got}", "expected a string, got {got}"),
    "load.empty_string": ("应为非空字符串", "expected a non-empty string"),
    "load.is_not": ("{text!r} 不是{what}", "{text!r} is not {what}"),
    "load.not_one_of": (
        "{text!r} 不是 {options} 之一{close}",
        "{text!r} is not one of {options}{close}",
    ),
    "load.expected_date": ("应为日期,实为{got}{hint}", "expected a date, got {got}{hint}"),
    "load.date_hint": (
        "(请写不带引号的 TOML 日期:2025-12-31)",
        " (write a TOML date without quotes: 2025-12-31)",
    ),
    "load.expected_strings": (
        "应为字符串数组,实为{got}",
        "expected an array of strings, got {got}",
    ),
    "load.item_string": (
        "第 {index} 项应为非空字符串,实为{got}",
        "item {index} should be a non-empty string, got {got}",
    ),
    "load.same_item_twice": ("同一项出现了两次", "has the same item twice"),
    "load.expected_boolean": ("应为 true 或 false,实为{got}", "expected true or false, got {got}"),
    "load.expected_integer": ("应为整数,实为{got}", "expected an integer, got {got}"),
    "load.expected_table": ("应为表,实为{got}", "expected a table, got {got}"),
    "load.known_keys": ("已知的键:{keys}", "known keys: {keys}"),
    "load.unknown_key": ("未知的键", "unknown key"),
    "load.missing_key": ("缺少必需的键", "missing required key"),
    "load.expected_id_tables": ("应为 [{key}.<id>] 表", "expected [{key}.<id>] tables"),
    "where.body": ("责任单位 {body!r}", "body {body!r}"),
    "load.measure_ids": (
        "指标编号是用 {joined} 连接的小写单词",
        "measure ids are lowercase words joined by {joined}",
    ),
    "load.body_ids": (
        "责任单位编号是用 {joined} 连接的小写单词",
        "body ids are lowercase words joined by {joined}",
    ),
    "load.expected_text": (
        "应为含 zh 和 en 的表,实为{got}",
        "expected a table with zh and en, got {got}",
    ),
    "load.text_keys": (
        "未知的键 {key!r}:文本只有 zh 和 en",
        "unknown key {key!r}: a text has only zh and en",
    ),
    "load.missing_languages": ("缺少 {missing}", "missing {missing}"),
    "load.period": (
        "应为恰好含 start 和 end 日期的表",
        "expected a table with exactly start and end dates",
    ),
    "load.starts_after": ("开始于 {start},晚于结束的 {end}", "starts {start} after it ends {end}"),
    "load.folder_too_large": (
        "文件夹中的文件合计超过 {size},这是规则集文件夹的上限",
        "the folder's files come to more than {size}, the limit for a rulebook folder",
    ),
    "load.dangling_link": ("是指向不存在之处的符号链接", "is a symbolic link that leads nowhere"),
    "load.outside_link": (
        "是指向规则集文件夹之外文件的符号链接",
        "is a symbolic link to a file outside the rulebook folder",
    ),
    "load.copy_file": ("请把该文件复制到文件夹中", "copy the file into the folder"),
    "load.file_too_large": (
        "大于 {size},这是规则集单个文件的上限",
        "is larger than {size}, the limit for a file of a rulebook",
    ),
    "load.is_folder": ("是文件夹,不是文件", "is a folder, not a file"),
    "load.not_regular": (
        "不是普通文件(而是 FIFO、设备或套接字);只读取规则集文件夹中的普通文件",
        "is not a regular file (a FIFO, device or socket); only plain files of a rulebook folder are read",
    ),
    "load.not_toml": ("不是有效的 TOML", "not valid TOML ({detail})"),
    "load.toml_too_deep": ("数组或表嵌套过深,无法读取", "arrays or tables nest too deeply to read"),
    "load.too_many_files": (
        "含有超过 {count:,} 个文件,这是规则集文件夹的上限",
        "holds more than {count:,} files, the limit for a rulebook folder",
    ),
    # -- rulebooks, a text's languages (_load.py) -----------------------------------
    "load.and": ("、", " and "),
    # -- rulebooks, ids ------------------------------------------------------------
    "load.a_rulebook_id": (
        "规则集编号(用 '-' 连接的小写单词)",
        "a rulebook id (lowercase words joined by '-')",
    ),
    "load.a_version": ("MAJOR.MINOR.PATCH 形式的版本号", "a version MAJOR.MINOR.PATCH"),
    "load.a_supersedes": ("“规则集编号@版本”", "a rulebook id@version"),
    "load.a_rule_id": (
        "规则编号(用 '-' 连接的小写单词)",
        "a rule id (lowercase words joined by '-')",
    ),
    "load.a_measure_id": ("指标编号", "a measure id"),
    # -- rulebooks, values ---------------------------------------------------------
    "load.no_spelling": (
        "责任单位 {name!r} 不是任何单位的写法",
        "responsible {name!r} is no body's spelling",
    ),
    "load.add_spelling": (
        "请把它加入 {file} 中某个单位的 spellings",
        "add it to a body's spellings in {file}",
    ),
    "load.schema_version": (
        "此版本的 qrules 读取 schema_version {version},实为 {got}",
        "this qrules reads schema_version {version}, got {got}",
    ),
    "load.expected_number": ("应为数字,实为{got}", "expected a number, got {got}"),
    "load.expected_finite": ("应为有限的数,实为 {got}", "expected a finite number, got {got}"),
    "load.expected_measures": (
        "应为一个指标编号或其非空数组",
        "expected a measure id or a non-empty array of them",
    ),
    "load.responsible_keys": (
        "未知的键 {key!r}:责任单位表只有 names 和 open",
        "unknown key {key!r}: a responsible table has names and open",
    ),
    "load.responsible_names": (
        "缺少 names(原文中的列表,逐字照录)",
        "missing names (the plan's list, verbatim)",
    ),
    "load.responsible_open": (
        "open 应为 true 或 false,实为{got}",
        "open should be true or false, got {got}",
    ),
    "load.responsible_empty": (
        "开放列表(以“等”结尾)至少列出一个单位",
        "an open list (closed with 等) names at least one body",
    ),
    "load.expected_codes": (
        "应为字符串或字符串的非空数组",
        "expected a string or a non-empty array of strings",
    ),
    "load.codes_are": (
        "{what} 的代码是 {codes};其他代码请在映射文件中映射",
        "{what} codes are {codes}; map other codes in a mapping file",
    ),
    "load.not_canonical": (
        "{code!r} 不是标准的 {what}({hint})",
        "{code!r} is not a canonical {what} ({hint})",
    ),
    "load.expected_positive": (
        "应为至少为 1 的整数,实为 {got}",
        "expected an integer of at least 1, got {got}",
    ),
    # -- the model (_model.py) -----------------------------------------------------
    "model.out_of_period": (
        "规则集 {rulebook!r} {version} 的施行期为 {start} 至 {end};{date} 不在其中{supersedes}",
        "rulebook {rulebook!r} {version} is in force from {start} to {end}; {date} is outside it{supersedes}",
    ),
    "model.supersedes": ("(它取代 {supersedes})", " (it supersedes {supersedes})"),
    "model.no_rule": (
        "规则集 {rulebook!r} 中没有规则 {rule!r}{close}",
        "no rule {rule!r} in rulebook {rulebook!r}{close}",
    ),
    "model.no_bodies": (
        ";规则集 {rulebook!r} 未声明责任单位(bodies.toml)",
        "; rulebook {rulebook!r} declares no responsible bodies (bodies.toml)",
    ),
    "model.see_bodies": (";编号和写法见 bodies.toml", "; see the ids and spellings in bodies.toml"),
    "model.no_body": (
        "规则集 {rulebook!r} 中没有责任单位 {body!r}{hint}",
        "no responsible body {body!r} in rulebook {rulebook!r}{hint}",
    ),
    # -- the symbolic budget (_sets.py) --------------------------------------------
    "sets.degree": (
        "其多项式次数为 {shown},超过符号运算预算 {budget}",
        "its polynomial degree is {shown}, over the budget of {budget} for symbolic work",
    ),
    "sets.terms": (
        "展开后约有 {shown} 项,超过符号运算预算 {budget:,} 项",
        "expanded, it may have {shown} terms, over the budget of {budget:,} for symbolic work",
    ),
    "sets.size": ("{size:,}", "{size:,}"),
    "sets.over": ("超过 {size:,}", "over {size:,}"),
    # -- reports (_report.py) ------------------------------------------------------
    "report.records": (
        "统计范围({population})内每个单位{each}",
        "each unit of {population}: {each}",
    ),
    "report.title": ("标题", "title"),
    "report.requirement": ("要求", "requirement"),
    "report.due": ("期限", "due"),
    "report.section": ("章节", "section"),
    "report.every_year_of": ("{start}–{end} 年每年", "every year {start}–{end}"),
    "report.every_year": ("每年", "every year"),
    "report.inferred": ("(推断)", " (inferred)"),
    "report.measure": ("指标", "measure"),
    "report.measure_is": ("{measure}({name},{unit})", "{measure} ({name}, {unit})"),
    "report.formula": ("公式", "formula"),
    "report.aggregation": ("时间口径", "aggregation"),
    "report.strength": ("强度", "strength"),
    "report.responsible": ("责任单位", "responsible"),
    "report.bodies": ("责任主体", "bodies"),
    "report.quote": ("原文", "quote"),
    "report.indicator_source": ("指标来源{inferred}", "indicator source{inferred}"),
    "report.data_source": ("数据来源{inferred}", "data source{inferred}"),
    "report.interpretation": ("解读", "interpretation"),
    "report.alternative": ("另一读法", "alternative"),
    "report.scope": ("适用范围", "scope"),
    "report.records_field": ("记录", "records"),
    "report.related": ("相关", "related"),
    "report.tags": ("标签", "tags"),
    "aggregation.level": ("水平值", "level"),
    "aggregation.cumulative": ("累计", "cumulative"),
    "aggregation.new": ("新增", "new"),
    "aggregation.annual_average": ("年均", "annual_average"),
    "aggregation.every_year": ("每年", "every_year"),
    "strength.firm": ("约束性", "firm"),
    "strength.aspirational": ("预期性", "aspirational"),
    "report.each_district": ("全市及每个区县", "the city and each district"),
    "report.city": ("全市", "the city"),
    "report.district_targets": (
        "{scope};区县目标:{targets}",
        "{scope}; district targets: {targets}",
    ),
    "report.disagreement": ("不一致:{disagreement}", "disagreement: {disagreement}"),
    "report.derived": ("(Σ {count} 个区县)", "(Σ {count} district{s})"),
    "report.cells": ("个单元格", "cells"),
    "report.rows": ("行", "rows"),
    "report.dataset": ("数据 {name}", "dataset {name}"),
    "report.register": ("登记册 {name}", "register {name}"),
    "report.log": ("检查记录 {name}", "log {name}"),
    "report.judged": ("{rulebook},{inputs}", "{rulebook}, {inputs}"),
    "report.judged_as_of": (
        "{rulebook},适用 {as_of} 的规则,{inputs}",
        "{rulebook} as of {as_of}, {inputs}",
    ),
    "report.counts": (
        "达标 {met},未达标 {not_met},无法判定 {unknown}",
        "{met} met, {not_met} not met, {unknown} unknown",
    ),
    "report.rows_read": (
        "读取 {read} {unit} = 使用 {used} {unit} + 未使用 {unused} {unit}",
        "{unit} read {read} = used {used} + unused {unused}",
    ),
    "report.note": ("注意:{note}", "note: {note}"),
    "report.table_rows": (
        "{table}:读取 {read} 行 = 使用 {used} 行 + 拒收 {rejected} 行",
        "{table}: rows read {read} = used {used} + rejected {rejected}",
    ),
    "report.rejected": ("  拒收: {problem}", "  rejected: {problem}"),
    "report.more_problems": (
        "  …… 另有 {more} 个问题(--format json 列出全部)",
        "  ... and {more} more problems (--format json lists them all)",
    ),
    "report.failing": (
        "{rule}({year}{place}):{population} 个单位中 {count} 个未达到要求",
        "{rule} ({year}{place}): {count} of {population} units do not meet it",
    ),
    "report.failing_of_none": (
        "{rule}({year}{place}):{count} 个未达到要求",
        "{rule} ({year}{place}): {count} units do not meet it",
    ),
    "report.more_units": (
        "  …… 另有 {more} 个(--format json 列出全部)",
        "  ... and {more} more (--format json lists them all)",
    ),
    "report.unused": (
        "  未使用:{origin}({measure},{year})",
        "  unused: {origin} ({measure}, {year})",
    ),
    "report.more_rows": (
        "  …… 另有 {more} 行(--format json 列出全部)",
        "  ... and {more} more (--format json lists them all)",
    ),
    "report.h_rule": ("规则", "rule"),
    "report.h_year": ("年份", "year"),
    "report.h_from": ("来源", "from"),
    "report.h_verdict": ("结论", "verdict"),
    "report.h_observed": ("观测值", "observed"),
    "report.h_target": ("目标", "target"),
    "report.h_gap": ("差距", "gap"),
    "report.h_needed": ("所需变化 / 原因", "needed / reason"),
    "report.h_body": ("责任主体", "body"),
    "report.h_name": ("名称", "name"),
    "report.h_met": ("达标", "met"),
    "report.h_not_met": ("未达标", "not met"),
    "report.h_unknown": ("无法判定", "unknown"),
    "report.no_body": ("(未指定责任单位)", "(no responsible body named)"),
    "report.pending": ("  {body}:{rules}", "  {body}: {rules}"),
    "report.pending_heading": ("未达标或无法判定的规则:", "Rules not met or unknown:"),
    "report.bodies_note": (
        "一条规则计入其每个责任主体;“{everyone}”是所有区市政府的集体。",
        "A rule counts for each of its bodies; {everyone} is every district government together.",
    ),
    "report.unit_needs": ("{unit} {name}:{needs}", "{unit} {name}: {needs}"),
    "report.more_junit_units": ("……另有 {more} 个单位", "... and {more} more units"),
    "report.quote_is": ("原文:{quote}", "quote: {quote}"),
    # -- reports, more -------------------------------------------------------------
    "report.id": ("编号", "id"),
    # -- the model, names ----------------------------------------------------------
    "model.rulebook": (
        "规则集 {named}(指纹 {fingerprint})",
        "rulebook {named} (fingerprint {fingerprint})",
    ),
    "model.named": ("{id} {version}", "{id} {version}"),
    "model.named_from": ("{origin} 中的 {id} {version}", "{id} {version} from {origin}"),
    # -- measures (_measures.py) ---------------------------------------------------
    "measures.heading": ("{rulebook}:{count} 个指标", "{rulebook}: {count} measures"),
    "measures.unit": ("单位: {unit}", "unit: {unit}"),
    "measures.formula": ("公式: {formula}", "formula: {formula}"),
    "measures.years": ("年份: {years}", "years: {years}"),
    "measures.rules": ("  所需规则: {rules}", "  rules: {rules}"),
    "measures.footer": (
        "数据中的指标可写编号、中文名或英文名;qrules template 生成待填表格。",
        "In figures, write a measure's id, its zh name or its en name; `qrules template` writes a sheet to fill in.",
    ),
    # -- lint (_lint.py) -----------------------------------------------------------
    "lint.encoded": ("{aggregation} {target} {strength}", "{aggregation} {target} {strength}"),
    "lint.alternative_reading": (
        "{title}:按较严的读法编码为 {encoded};另一读法 {alternative}",
        "{title}: encoded by the stricter reading as {encoded}; an alternative reading is {alternative}",
    ),
    "lint.heading": (
        "{rulebook}:发现 {findings} 项,错误 {errors},警告 {warnings},提示 {infos}",
        "{rulebook}: {findings} finding{s}, {errors} error{errors_s}, {warnings} warning{warnings_s}, {infos} info",
    ),
    "lint.error": ("错误", "error"),
    "lint.warning": ("警告", "warning"),
    "lint.info": ("提示", "info"),
    "lint.rules": ("规则:{rules}", "rules: {rules}"),
    # -- lint findings (_lint.py) --------------------------------------------------
    "lint.versus": (" 对 ", " vs "),
    "lint.list": ("、", ", "),
    "lint.list_and": ("{items}、{last}", "{items} and {last}"),
    "lint.semicolon": (";", "; "),
    "lint.timing_level": ("{due} 时的水平", "level at {due}"),
    "lint.timing_cumulative": ("截至 {due} 累计", "cumulative at {due}"),
    "lint.timing_new": ("{first} 年至 {due} 新增", "new from {first} to {due}"),
    "lint.timing_annual_average": (
        "{first} 年至 {due} 年均",
        "annual average from {first} to {due}",
    ),
    "lint.timing_every_year": ("{start}–{end} 年每年", "every year {start}–{end}"),
    "lint.timing_in": ("{when}({sections})", "{when} ({sections})"),
    "lint.statement": ("{target}({sections})", "{target} ({sections})"),
    "lint.statement_aspirational": (
        "{target}(力争;{sections})",
        "{target} (aspirational; {sections})",
    ),
    "lint.different_timing": (
        "{measure}:{timings}:这些表述不能在同一数值上一并检验,须先说明按哪种口径理解。",
        "{measure}: {timings}: the statements cannot be checked on the same figure without a reading of which timing is meant.",
    ),
    "lint.disagreeing_minimums": (
        "{measure}:{statements};均按下限理解时,{bound} 起约束作用。",
        "{measure}: {statements}: read as minimums, {bound} binds.",
    ),
    "lint.disagreeing_maximums": (
        "{measure}:{statements};均按上限理解时,{bound} 起约束作用。",
        "{measure}: {statements}: read as maximums, {bound} binds.",
    ),
    "lint.conflicting": (
        "{measure}:{statements}:没有任何数值能同时满足,这些规则不可能同时达成。",
        "{measure}: {statements}: no value meets them all; the rules cannot all be met.",
    ),
    "lint.rule_note": ("{rule}:{note}", "{rule}: {note}"),
    "lint.undecided": (
        "qrules 无法判定其间是否相互蕴含",
        "qrules cannot decide whether one implies another",
    ),
    "lint.undecided_because": (
        "qrules 无法判定其间是否相互蕴含({notes})",
        "qrules cannot decide whether one implies another ({notes})",
    ),
    "lint.binds": ("{bound} 蕴含其余要求,起约束作用", "{bound} implies the others and binds"),
    "lint.none_implies": ("互不蕴含", "none implies the others"),
    "lint.differing": (
        "{measure}:{statements}:{relation}。",
        "{measure}: {statements}: {relation}.",
    ),
    "lint.part_more": (
        "即整体 {implied},高于部分的目标 {goal} 对整体的要求:一致;但部分的目标偏低(若读作同一计数,它低估了整体),且各组成部分的目标达成并不意味着部分的目标达成(整体中可能有部分不计的数)",
        "which implies {implied} for the whole, more than the part's target {goal} asks of it: consistent; the part's target is the lower one (read as one count, it understates the whole), and meeting the components' targets does not meet it (the whole also counts what the part does not)",
    ),
    "lint.part_same": (
        "即整体 {implied},与部分的目标 {goal} 对整体的要求相同:一致",
        "which implies {implied} for the whole, as much as the part's target {goal} asks of it: consistent",
    ),
    "lint.part_short": (
        "仅能推出整体 {implied},低于部分的目标 {goal} 对整体的要求:各组成部分的目标低估了整体",
        "which implies only {implied} for the whole, short of the {goal} the part's target needs of it: the components' targets understate the whole",
    ),
    "lint.part_of": (
        "是 {whole}({formula})的一部分,不超过整体",
        "is a part of {whole} ({formula}), at most the whole",
    ),
    "lint.sum_beyond": (
        "即 {implied},超过 {goal}:各组成部分的目标全部达成时,该目标不可能达成",
        "which implies {implied}, beyond {goal}: meeting every component target makes the target impossible",
    ),
    "lint.sum_more": (
        "即 {implied},高于目标 {goal}:一致",
        "which implies {implied}, more than the target {goal} asks: consistent",
    ),
    "lint.sum_consistent": ("即 {implied}:一致", "which implies {implied}: consistent"),
    "lint.sum_short": (
        "仅能推出 {implied},低于目标 {goal}:各组成部分的目标全部达成时,该目标仍可能未达成",
        "which implies only {implied}, short of {goal}: meeting every component target leaves the target unmet",
    ),
    "lint.sum_is": ("为 {formula}", "is {formula}"),
    "lint.target": ("{target}", "{target}"),
    "lint.target_aspirational": ("{target}(力争)", "{target} (aspirational)"),
    "lint.components": (
        "{measure} {statement} {relation};各组成部分的目标 {targets}({sections})给出 {arithmetic},{verdict}。",
        "{measure} {statement} {relation}; the components' targets {targets} ({sections}) give {arithmetic}, {verdict}.",
    ),
    "lint.impossible": (
        "{measure}:{target}({section}):该指标没有任何可能的数值满足它,这条规则不可能达成。",
        "{measure}: {target} ({section}): no value the measure can take meets it; the rule cannot be met.",
    ),
    "lint.pair": ("{first} 与 {second}", "{first} and {second}"),
    "lint.conflicting_pair": (
        "{measures}:{statements}:按计算公式,没有任何数值能同时满足,这两条规则不可能同时达成。",
        "{measures}: {statements}: by the formulas, no values meet both; the rules cannot both be met.",
    ),
    "lint.redundant_pair": (
        "{measures}:{statements}:按计算公式,{binding}({binding_target})蕴含 {redundant}({redundant_target}),后者是多余的。",
        "{measures}: {statements}: by the formulas, {binding} ({binding_target}) implies {redundant} ({redundant_target}), which adds nothing.",
    ),
    "lint.unreciprocated": (
        "规则 {rule} 将 {other} 列为相关规则,但 {other} 未列出 {rule}:请在两条规则中互相列出,或删除该链接。",
        "{rule} lists {other} as related, but {other} does not list {rule}: link both ways, or remove the link.",
    ),
    "lint.target_of": ("{target}({subject})", "{target} ({subject})"),
    "lint.uncovered": (
        "{section}:“{sentence}”中的目标 {targets} 没有规则编码:请为它增加规则,或在 plan.toml 的 [[ignore]] 中列出该句并说明理由。",
        "{section}: the target {targets} in “{sentence}” is encoded by no rule: add a rule for it, or list the sentence under [[ignore]] in plan.toml with a reason.",
    ),
    "lint.duplicate": (
        "{section}:“{sentence}”中的目标 {targets} 已由 {others} 编码,{rule} 再次编码同一目标:删去其中任何一条,qrules lint 都看不出目标的缺失;请每个目标只保留一条规则,或把另一种读法写作 [[rule.alternatives]]。",
        "{section}: the target {targets} in “{sentence}” is encoded by {others}, and again by {rule}: removing either rule leaves it encoded, so lint cannot see the loss; keep one rule per target, or record the other reading as [[rule.alternatives]].",
    ),
    "lint.encoded_plain": ("{aggregation} {target}", "{aggregation} {target}"),
    "lint.untranslated": (
        '{title}:解读只有一种文字(纯字符串),中文用户看到的是原文;请写成 interpretation = {{ zh = "…", en = "…" }}。',
        '{title}: the interpretation is a plain string, shown as is to zh users; write it as interpretation = {{ zh = "…", en = "…" }}.',
    ),
    # -- a rule's quote and its requirement (_quotes.py) ----------------------------
    "quotes.part": ("中的 {bound} ", " ({bound})"),
    "quotes.other_way": (
        "要求 {written!r} {part}与原文的方向不符:原文写作 {states}",
        "the requirement {written!r}{part} reads the quote's number the other way: the quote states {states}",
    ),
    "quotes.not_stated": (
        "要求 {written!r} {part}不是原文写明的目标:原文写作 {states}",
        "the requirement {written!r}{part} is not a target its quote writes: the quote states {states}",
    ),
    "quotes.no_number": (
        "要求 {written!r} {part}不是原文写明的目标:原文没有写明数字",
        "the requirement {written!r}{part} is not a target its quote writes: the quote states no number",
    ),
    "quotes.hint": (
        "把要求改为原文写明的目标;若确需另作理解,在 interpretation 中说明理由并写明 {bound}",
        "write the target the quote states, or say in interpretation why the rule reads a target its quote does not write, naming {bound} there",
    ),
    # -- diff and changelog (_diff.py) ----------------------------------------------
    "diff.cases": (
        "需比较 {count:,} 种情形,超出 {budget} 种的预算",
        "{count:,} cases to compare, over the budget of {budget}",
    ),
    "diff.cases_beyond": (
        "需比较逾 {count:,} 种情形,超出 {budget} 种的预算",
        "over {count:,} cases to compare, over the budget of {budget}",
    ),
    "diff.took_too_long": (
        "比较用时超出 {seconds:g} 秒的预算",
        "the comparison took over the budget of {seconds:g} s",
    ),
    "diff.rule_note": ("{rule}:{note}", "{rule}: {note}"),
    "diff.stricter": ("更严", "stricter"),
    "diff.looser": ("更宽松", "looser"),
    "diff.equivalent": ("等价", "equivalent"),
    "diff.incomparable": ("不可比较", "incomparable"),
    "diff.undecided": ("无法判定", "undecided"),
    "diff.bump_major": ("主版本", "major"),
    "diff.bump_minor": ("次版本", "minor"),
    "diff.bump_patch": ("修订版本", "patch"),
    "diff.bump_none": ("无", "none"),
    "diff.kind_added": ("新增", "added"),
    "diff.kind_removed": ("删除", "removed"),
    "diff.kind_renamed": ("改名", "renamed"),
    "diff.kind_changed": ("修改", "changed"),
    "diff.kind_plan": ("规划", "plan"),
    "diff.field_measure": ("指标", "measure"),
    "diff.field_unit": ("单位", "unit"),
    "diff.field_aggregation": ("时间口径", "aggregation"),
    "diff.field_due": ("期限", "due"),
    "diff.field_period": ("期间", "period"),
    "diff.field_formula": ("公式", "formula"),
    "diff.field_targets": ("分期目标", "targets"),
    "diff.field_ends": ("终止日期", "ends"),
    "diff.field_records": ("记录", "records"),
    "diff.field_scope": ("适用范围", "scope"),
    "diff.field_districts": ("区县目标", "districts"),
    "diff.field_title": ("标题", "title"),
    "diff.field_quote": ("原文", "quote"),
    "diff.field_section": ("章节", "section"),
    "diff.field_indicator_source": ("指标来源", "indicator_source"),
    "diff.field_data_source": ("数据来源", "data_source"),
    "diff.field_inferred": ("来源系推断", "inferred"),
    "diff.field_responsible": ("责任单位", "responsible"),
    "diff.field_responsible_open": ("责任单位未列全", "responsible_open"),
    "diff.field_bodies": ("责任主体", "bodies"),
    "diff.field_interpretation": ("解读", "interpretation"),
    "diff.field_alternatives": ("另一读法", "alternatives"),
    "diff.field_strength": ("强度", "strength"),
    "diff.field_tags": ("标签", "tags"),
    "diff.field_related": ("相关规则", "related"),
    "diff.field_status": ("状态", "status"),
    "diff.field_supersedes": ("取代版本", "supersedes"),
    "diff.heading": (
        "{old} → {new}:{count} 处规则变更,版本升级:{bump}",
        "{old} → {new}: {count} rule change{s}, bump {bump}",
    ),
    "diff.too_small": (
        "版本 {version} 太小:这些变更至少需要 {needed}",
        "version {version} is too small: these changes need at least {needed}",
    ),
    "diff.field_change": ("{field}:{old} → {new}", "{field}: {old} → {new}"),
    "diff.plan_change": ("规划{field}:{old} → {new}", "plan {field}: {old} → {new}"),
    "diff.added": ("新增 {rule}:{measure} {requirement}", "added {rule}: {measure} {requirement}"),
    "diff.removed": (
        "删除 {rule}:{measure} {requirement}",
        "removed {rule}: {measure} {requirement}",
    ),
    "diff.renamed": ("改名 {old} → {rule}", "renamed {old} → {rule}"),
    "diff.changed": ("修改 {rule}", "changed {rule}"),
    "diff.requirement": (
        "要求 {old} → {new}:{comparison}",
        "requirement {old} → {new}: {comparison}",
    ),
    "diff.requirement_note": (
        "要求 {old} → {new}:{comparison}({note})",
        "requirement {old} → {new}: {comparison} ({note})",
    ),
    "diff.md_heading": ("# {old} → {version}", "# {old} → {version}"),
    "diff.md_heading_from": (
        "# {old} → {version}(来自 {origin})",
        "# {old} → {version} from {origin}",
    ),
    "diff.md_bump": ("所需的版本升级:**{bump}**。", "Version bump called for: **{bump}**."),
    "diff.md_columns": (
        "| 变更 | 规则 | 要求 | 其他字段 | 升级 |",
        "| change | rule | requirement | other fields | bump |",
    ),
    "diff.semicolon": (";", "; "),
    "changelog.Added": ("新增", "Added"),
    "changelog.Changed": ("变更", "Changed"),
    "changelog.Removed": ("移除", "Removed"),
    "changelog.rule": (
        "`{rule}`:{title}({measure} {requirement})。",
        "`{rule}`: {title} ({measure} {requirement}).",
    ),
    "changelog.changed": ("`{rule}`:{changes}。", "`{rule}`: {changes}."),
    "changelog.renamed": ("由 `{old}` 改名", "renamed from `{old}`"),
    "changelog.requirement": (
        "要求 {old} → {new}({comparison})",
        "requirement {old} → {new} ({comparison})",
    ),
    "changelog.field": ("{field} {old} → {new}", "{field} {old} → {new}"),
    "changelog.plan": ("规划{field}:{old} → {new}。", "Plan {field}: {old} → {new}."),
    # -- the HTML report (_html.py; {names} are filled in by its script) -----------
    "html.report": ("进展报告", "Progress report"),
    "html.rulebook": ("规则集", "Rulebook"),
    "html.fingerprint": ("指纹", "fingerprint"),
    "html.dataset": ("数据", "Dataset"),
    "html.rows": (
        "读取 {read} 行 = 使用 {used} 行 + 未使用 {unused} 行",
        "rows read {read} = used {used} + unused {unused}",
    ),
    "html.cells": (
        "读取 {read} 个单元格 = 使用 {used} 个 + 未使用 {unused} 个",
        "cells read {read} = used {used} + unused {unused}",
    ),
    "html.records": (
        "{kind} {name}:读取 {read} 行 = 使用 {used} 行 + 拒收 {rejected} 行",
        "{kind} {name}: rows read {read} = used {used} + rejected {rejected}",
    ),
    "html.register": ("登记册", "register"),
    "html.rejected_rows": (
        "{kind} {name} 中拒收的行({count} 行)",
        "Rejected rows of the {kind} {name} ({count})",
    ),
    "html.bearing": ("可能改变结论的拒收行", "Rejected rows that bear on it"),
    "html.row_ref": ("{kind}第 {row} 行", "{kind} row {row}"),
    "html.log": ("检查记录", "log"),
    "html.section": ("章节", "Section"),
    "html.responsible": ("责任单位", "Responsible"),
    "html.interpretation": ("解读", "Reading"),
    "html.district": ("区县", "District"),
    "html.verdict": ("结论", "Verdict"),
    "html.trend": ("趋势", "Trend"),
    "html.search": ("搜索", "Search"),
    "html.search_hint": ("规则编号或标题", "rule id or title"),
    "html.all": ("全部", "All"),
    "html.whole": ("全市(未分区县)", "City (whole area)"),
    "html.scope": ("适用范围", "applies to"),
    "html.derived": ("由区县推算", "derived from districts"),
    "html.expand": ("全部展开", "Expand all"),
    "html.collapse": ("全部折叠", "Collapse all"),
    "html.shown": ("显示 {shown} / {total} 条规则", "{shown} of {total} rules shown"),
    "html.none_shown": ("没有符合筛选条件的规则。", "No rule matches the filters."),
    "html.observed": ("观测值", "observed"),
    "html.target": ("目标", "target"),
    "html.gap": ("差距", "gap"),
    "html.change": ("最小所需变化", "smallest change"),
    "html.reason": ("原因", "why"),
    "html.quote": ("规划原文", "The plan says"),
    "html.due": ("期限", "due"),
    "html.no_value": ("无数据", "no value"),
    "html.units": ("未达标单位({count} 个)", "Units not meeting it ({count})"),
    "html.unit": ("单位编号", "Unit"),
    "html.unit_name": ("名称", "Name"),
    "html.unit_district": ("区县", "District"),
    "html.needs": ("所需", "Needs"),
    "html.colon": (":", ": "),
    "html.disagreement": ("报告数据与记录不一致", "Figures and records disagree"),
    "html.meeting": (
        "{meeting} / {population} 个单位达标",
        "{meeting} of {population} units meet it",
    ),
    "html.years": ("各年", "by year"),
    "html.districts": ("各区县", "by district"),
    "html.districts_met": ("{met} / {total} 个区县达标", "{met} of {total} districts met"),
    "html.by_section": ("按章节", "By section"),
    "html.by_district": ("按区县", "By district"),
    "html.outlook": ("{year} 年展望", "Outlook for {year}"),
    "html.trend_chart": ("{measure} 各年数值", "{measure} by year"),
    "html.path": ("实际", "observed"),
    "html.projection": ("按近期速度", "at recent pace"),
    "html.aspirational": ("力争", "aspirational"),
    "html.unused": ("未使用的行", "Rows no rule used"),
    "html.noscript": (
        "本报告的图表和筛选需要 JavaScript。",
        "This report needs JavaScript for its charts and filters.",
    ),
    "html.on_track": ("有望达标", "on track"),
    "html.off_track": ("难以达标", "off track"),
    "html.no_trend": ("无趋势", "no trend"),
    "html.generated": (
        "由 qrules 生成;图表:Apache ECharts {version}",
        "Made by qrules; charts: Apache ECharts {version}",
    ),
    # -- the HTML report, aggregations ---------------------------------------------
    "html.aggregation.level": ("期末水平", "level"),
    "html.aggregation.cumulative": ("累计", "cumulative"),
    "html.aggregation.new": ("期间新增", "new in the period"),
    "html.aggregation.annual_average": ("年均", "annual average"),
    "html.aggregation.every_year": ("每年", "every year"),
    # -- records rules (_recordspec.py) --------------------------------------------
    "records.enrolled": ("纳入{flag}", "enrolled in {flag}"),
    "records.not_enrolled": ("未纳入{flag}", "not enrolled in {flag}"),
    "records.a_year": ("每年接受 {inspections}", "{inspections} a year"),
    "records.or": ("或", " or "),
    "records.inspection": ("检查", "inspection"),
    "records.inspections_word": ("检查", "inspections"),
    "records.inspections": ("{count} 次{kind}", "{count} {kind}{s}"),
    "records.inspections_more": ("再接受 {count} 次{kind}", "{count} more {kind}{s}"),
    "records.with_result": (
        "{inspections}(结果为{results})",
        "{inspections} with result {results}",
    ),
    "records.needs": ("需在 {end} 前{inspections}", "{inspections} by {end}"),
    "log.none": (
        "未提供检查记录,无法统计检查次数{so_far}",
        "no inspection log was given, so inspections cannot be counted{so_far}",
    ),
    "log.empty": (
        "检查记录中没有读取到的行(为空,或每行都被拒收),无法统计检查次数{so_far}",
        "the inspection log has no row that was read (it is empty, or every row was rejected), so inspections cannot be counted{so_far}",
    ),
    "log.ends": (
        "检查记录截至 {last},早于 {year} 年结束{so_far};若检查记录完整,请用 --log-until(log_until=)声明其截止日期",
        "the log ends on {last}, before {year} does{so_far}; if it is complete, declare its end with --log-until (log_until=)",
    ),
    "log.declared_end": (
        "检查记录声明截至 {last},早于 {year} 年结束{so_far}",
        "the log is declared to end on {last}, before {year} does{so_far}",
    ),
    "log.begins": (
        "检查记录始于 {first},晚于 {year} 年开始{so_far};若检查记录完整,请用 --log-from(log_from=)声明其起始日期",
        "the log begins on {first}, after {year} begins{so_far}; if it is complete, declare its start with --log-from (log_from=)",
    ),
    "log.declared_begin": (
        "检查记录声明始于 {first},晚于 {year} 年开始{so_far}",
        "the log is declared to begin on {first}, after {year} begins{so_far}",
    ),
    "log.no_year": (
        "记录未覆盖 {span} 年中的任何一年(检查记录 {first} 至 {last}){so_far}",
        "the records cover no year of {span} (the log runs from {first} to {last}){so_far}",
    ),
    "records.in_district": ("位于{district}且", " in {district}"),
    "records.empty_population": (
        "{year} 年登记册中没有{where}属于统计范围({population})的单位",
        "no unit in the register belongs to the population in {year}{where} ({population})",
    ),
    "records.so_far": (
        "(目前 {total} 个单位中 {meeting} 个符合)",
        " (so far {meeting} of {total} units meet it)",
    ),
    "records.tally": (
        "{total} 个单位中 {meeting} 个符合;{reason}",
        "{meeting} of {total} units meet it; {reason}",
    ),
    # -- records rules, the population (_recordspec.py) ----------------------------
    "records.population_all": ("全部单位", "all units"),
    # -- the records vocabulary's words (_recordspec.py) ---------------------------
    "vocabulary.category.infant_formula_maker": (
        "婴幼儿配方乳粉生产企业",
        "infant formula milk powder maker",
    ),
    "vocabulary.category.special_medical_food_maker": (
        "特殊医学用途配方食品生产企业",
        "maker of food for special medical purposes",
    ),
    "vocabulary.category.health_food_maker": ("保健食品生产企业", "health food maker"),
    "vocabulary.category.food_maker": ("其他食品生产企业", "other food maker"),
    "vocabulary.category.food_retailer": ("食品销售经营者", "food retailer"),
    "vocabulary.category.catering": ("餐饮服务单位", "catering unit"),
    "vocabulary.category.central_kitchen": ("中央厨房", "central kitchen"),
    "vocabulary.category.collective_meal_supplier": (
        "集体用餐配送单位",
        "collective meal delivery unit",
    ),
    "vocabulary.category.tableware_disinfection": (
        "餐饮具集中消毒单位",
        "central tableware disinfection unit",
    ),
    "vocabulary.category.special_drug_retailer": (
        "药品零售环节特殊药品经营企业",
        "drug retailer dealing in special drugs",
    ),
    "vocabulary.category.drug_retailer": ("药品零售企业", "drug retailer"),
    "vocabulary.category.drug_user": ("药品使用单位", "drug-using institution"),
    "vocabulary.category.construction_site": ("在建工地", "construction site"),
    "vocabulary.category.construction_project": (
        "房屋和市政基础设施工程",
        "building or municipal infrastructure project",
    ),
    "vocabulary.category.key_industry_chain": ("重点产业链", "key industrial chain"),
    "vocabulary.risk_level.low": ("低风险", "low risk"),
    "vocabulary.risk_level.medium": ("中风险", "medium risk"),
    "vocabulary.risk_level.high": ("高风险", "high risk"),
    "vocabulary.size.small": ("小型", "small"),
    "vocabulary.size.medium": ("中型", "medium"),
    "vocabulary.size.large": ("大型", "large"),
    "vocabulary.flag.bright_kitchen": ("“明厨亮灶”", "bright kitchen"),
    "vocabulary.flag.internet_bright_kitchen": ("“互联网+明厨亮灶”", "Internet + bright kitchen"),
    "vocabulary.flag.grid_supervision": ("网格化监管", "grid supervision"),
    "vocabulary.flag.smart_site": ("智慧工地", "smart site"),
    "vocabulary.flag.smart_site_platform": ("智慧工地监管平台", "smart site supervision platform"),
    "vocabulary.flag.leading_platform": ("引领性产业平台", "a leading industry platform"),
    "vocabulary.kind.system": ("体系检查", "system inspection"),
    "vocabulary.kind.routine": ("日常监督检查", "routine inspection"),
    "vocabulary.kind.special": ("专项检查", "special inspection"),
    "vocabulary.kind.follow_up": ("跟踪检查", "follow-up inspection"),
    "vocabulary.kind.unannounced": ("飞行检查", "unannounced inspection"),
    "vocabulary.result.compliant": ("符合", "compliant"),
    "vocabulary.result.basically_compliant": ("基本符合", "basically compliant"),
    "vocabulary.result.non_compliant": ("不符合", "non-compliant"),
    # -- the engines ---------------------------------------------------------------
    "log.taken_to_begin": (
        "检查记录视为始于其最早日期 {first}(可用 --log-from 声明)",
        "the log is taken to begin on its first date, {first} (declare its start with --log-from)",
    ),
    # -- the engines' errors (engines/) --------------------------------------------
    "engines.reference_reads": (
        "参考引擎计数 qrules 读入的记录(qrules.evaluate_records);数据库中的表由 {engines} 计数",
        "the reference engine counts records qrules has read (qrules.evaluate_records); tables in a database are counted by {engines}",
    ),
    "engines.unknown": (
        "未知的引擎 {engine!r};已知:{known}",
        "unknown engine {engine!r}; known: {known}",
    ),
    "engines.postgres_connection": (
        "postgres 引擎需要 connection=(psycopg 连接或 postgresql:// 地址)",
        "the postgres engine needs connection= (a psycopg connection or a postgresql:// URL)",
    ),
    "engines.spark_connection": (
        "{engine} 引擎需要 connection=(SparkSession,或 Spark Connect 地址 sc://host:port)",
        "the {engine} engine needs connection= (a SparkSession, or a Spark Connect URL sc://host:port)",
    ),
    "engines.not_a_url": ("不是数据库地址", "not a database URL"),
    "engines.urls": (
        "postgresql://user@host/db、duckdb:///path.db 或 sc://host:15002(Spark Connect)",
        "postgresql://user@host/db, duckdb:///path.db or sc://host:15002 (Spark Connect)",
    ),
    "engines.which": (
        "无法判断 {kind} 属于哪个引擎:请给出 engine=",
        "cannot tell the engine of a {kind}: pass engine=",
    ),
    "engines.other_type": (
        "带时区的类型、带小数的数字或其他类型",
        "a type with a time zone, a number with a fraction or another type",
    ),
    "engines.role_date": ("日期", "date"),
    "engines.role_flag": ("标志", "flag"),
    "engines.role_code": ("代码", "code"),
    "engines.unread_type": (
        "列 {column!r}({kind}的 {canonical} 列)的类型是 {shown},qrules 不把它读作{role}",
        "column {column!r} ({kind} {canonical}) is {shown}, which qrules does not read as a {role}",
    ),
    "engines.cast": ("请转换类型:CAST({column} AS {cast})", "cast it: CAST({column} AS {cast})"),
    "engines.spark_session": (
        "spark 引擎需要 SparkSession,而不是 {kind}(SparkSession.builder.getOrCreate(),SparkContext 则用 SparkSession(context))",
        "the spark engine needs a SparkSession, not a {kind} (SparkSession.builder.getOrCreate(), or SparkSession(context) for a SparkContext)",
    ),
    "engines.spark_unreachable": (
        "无法连接 Spark Connect 服务器:{error}",
        "cannot reach the Spark Connect server: {error}",
    ),
    "engines.spark_unreachable_hint": (
        "服务器是否在运行(start-connect-server.sh),地址中的主机和端口是否正确?",
        "is the server running (start-connect-server.sh), and are the host and port in the URL right?",
    ),
    "engines.spark_connect_needs": ("Spark Connect 需要 {error}", "Spark Connect needs {error}"),
    "engines.spark_connect_install": (
        "pip install 'qrules-plan[spark-connect]'",
        "pip install 'qrules-plan[spark-connect]'",
    ),
    # -- the SQL engines' checks (engines/sql.py, _holdings.py, _rejected.py) ------
    "engines.repeated_unit": (
        "单位 ID 出现在多行中({ids};比单位 ID 多 {extra} 行):它们会被重复计数",
        "unit ids in more than one row ({ids}; {extra} row{s} more than unit ids): they would be counted more than once",
    ),
    "engines.repeated_inspection": (
        "检查 ID 出现在多行中({ids};比检查 ID 多 {extra} 行):它们会被重复计数",
        "inspection ids in more than one row ({ids}; {extra} row{s} more than inspection ids): they would be counted more than once",
    ),
    "engines.repeated_unit_hint": (
        "请把单位 ID 设为表的键,或用 qrules.{reader} 读取该表(它保留每个 ID 的第一行)",
        "make the unit id the table's key, or read the table with qrules.{reader}, which keeps the first row of each",
    ),
    "engines.repeated_inspection_hint": (
        "请把检查 ID 设为表的键,或用 qrules.{reader} 读取该表(它保留每个 ID 的第一行)",
        "make the inspection id the table's key, or read the table with qrules.{reader}, which keeps the first row of each",
    ),
    "engines.unknown_units": (
        "{count} 行记录的单位不在登记册中({ids}):不计入",
        "{count} rows name a unit that is not in the register ({ids}): not counted",
    ),
    "engines.too_many_rejected": (
        "qrules 拒绝的行超过 {limit:,} 行",
        "more than {limit:,} rows that qrules rejects",
    ),
    "engines.too_many_rejected_hint": (
        "请用 qrules.read_register / read_log 读取一部分样本查看被拒绝的原因,并修正表的类型或数值",
        "read the rejections with qrules.read_register / read_log on a sample, and fix the table's types or values",
    ),
    "engines.plain_form": (
        "数据库表中的文本值只按其规范形式读取(日期为 YYYY-MM-DD;标志为 docs/records.md 所列的词之一)",
        "a text value that is read in a database table only in its plain form (a date YYYY-MM-DD; a flag one of the words of docs/records.md)",
    ),
    "engines.plain_form_hint": (
        "请把该列转换为 DATE 或 BOOLEAN",
        "cast the column to DATE or BOOLEAN",
    ),
    "engines.text_date": (
        "qrules 读作 {date},但数据库表中的文本日期只按 YYYY-MM-DD 读取",
        "read as {date} by qrules, but a text date is read in a database table only as YYYY-MM-DD",
    ),
    "engines.text_date_hint": ("请把该列转换为 DATE", "cast the column to DATE"),
    "engines.spelled": (
        "{column} {value!r} 从文件读取时读作 {read!r}(去除不可见字符、NFKC 规范化并去除首尾空白),但数据库表中的 ID 和代码按存储的原样比较",
        "{column} {value!r} is read as {read!r} from a file (invisible characters removed, NFKC, trimmed), but a database table's ids and codes are compared as stored",
    ),
    "engines.twin": (
        "检查编号 {value!r}:另一行的检查编号写法不同,但从文件读取时读作同一个编号(同一次检查重复记录);数据库表按存储的原样比较,无法判断哪一行是重复的",
        "inspection {value!r}: another row's inspection id is written otherwise but read as this one from a file (one inspection logged twice); compared as stored, a table cannot tell which row repeats it",
    ),
    "engines.unit_twin": (
        "单位编号 {value!r}:另有一行给出同一编号(按文件读取的读法,例如写法不同或带空白),而那一行被拒收;同一单位登记两次,无法判断哪一行有效,故两行都不按存储的原样计入",
        "unit {value!r}: another row gives this unit id too (as a file reader reads it: written otherwise, or with spaces), and that row is rejected; one unit given twice, which row holds cannot be told, so neither is counted as stored",
    ),
    "engines.unit_twin_hint": (
        "每个单位只保留一行:更正或删除另一行",
        "keep one row per unit: correct or delete the other row",
    ),
    "engines.spelled_hint": (
        "请去除该列值中的不可见字符和首尾空白并规范化(NFKC)",
        "remove invisible characters from the column's values, trim and normalise them (NFKC)",
    ),
    "engines.table_name_hint": (
        "表名写作 name、schema.name 或 catalog.schema.name",
        "a name, schema.name or catalog.schema.name",
    ),
    "engines.out_of_order": (
        "数据库没有按顺序返回查询结果的行",
        "the database did not return the query's rows in order",
    ),
    "engines.not_dates": (
        "列 {column!r} 的值是 {found},不是日期",
        "column {column!r} holds {found} values, not dates",
    ),
    "engines.not_dates_hint": (
        "请把它设为 DATE 列,或判定一个转换它的视图:CAST({column} AS DATE)",
        "make it a DATE column, or judge a view that casts it: CAST({column} AS DATE)",
    ),
    # -- the model, readings -------------------------------------------------------
    "model.due": ("期限 {due}", "due {due}"),
    "model.semicolon": (";", "; "),
    "model.reading": ("{changes}:{reading}", "{changes}: {reading}"),
    # -- the command line's parser (argparse) --------------------------------------
    "argparse.usage": ("用法:{usage}", "usage: {usage}"),
    "argparse.error": ("{prog}:错误:{message}", "{prog}: error: {message}"),
    "argparse.unrecognized": ("无法识别的参数:{arguments}", "unrecognized arguments: {arguments}"),
    "argparse.required": (
        "缺少必需的参数:{arguments}",
        "the following arguments are required: {arguments}",
    ),
    "argparse.choice": (
        "参数 {argument}:无效的选择 {choice}(可选:{choices})",
        "argument {argument}: invalid choice: {choice} (choose from {choices})",
    ),
    "argparse.one": ("参数 {argument}:需要一个值", "argument {argument}: expected one argument"),
    "argparse.argument": ("参数 {argument}:{message}", "argument {argument}: {message}"),
    # -- the command line's help (cli.py, records/cli.py; no "%": argparse formats help) --
    "argparse.usage_prefix": ("用法:", "usage: "),
    "argparse.positionals": ("位置参数", "positional arguments"),
    "argparse.options": ("选项", "options"),
    "argparse.help": ("显示此帮助信息并退出", "show this help message and exit"),
    "argparse.invalid_value": ("无效的 {type} 值:{value}", "invalid {type} value: {value}"),
    "argparse.ambiguous": (
        "有歧义的选项:{option} 可以是 {matches}",
        "ambiguous option: {option} could match {matches}",
    ),
    "argparse.at_most_one": ("最多需要一个值", "expected at most one argument"),
    "argparse.at_least_one": ("至少需要一个值", "expected at least one argument"),
    "argparse.ignored": (
        "此选项不带值,给出的 {value} 被忽略",
        "ignored explicit argument {value}",
    ),
    "argparse.as_is": ("{message}", "{message}"),
    # -- boundary (session 15): argparse's errors in two lines ---------------------
    "argparse.see_help": ("运行 '{command}' 查看用法", "run '{command}' for the usage"),
    "argparse.not_an_integer": ("{value} 不是整数", "{value} is not a whole number"),
    "argparse.not_allowed": (
        "不能与参数 {argument} 同时使用",
        "not allowed with argument {argument}",
    ),
    "argparse.one_of": (
        "需要参数 {arguments} 之一",
        "one of the arguments {arguments} is required",
    ),
    "argparse.expected_count": ("需要 {count} 个值", "expected {count} arguments"),
    "argparse.unexpected_option": ("意外的选项:{option}", "unexpected option string: {option}"),
    "argparse.unknown_parser": (
        "未知的命令 {name}(可选:{choices})",
        "unknown parser {name} (choices: {choices})",
    ),
    "help.qrules": (
        "按已发布规划的规则检查报告数据。",
        "Check reported figures against the rules of a published plan.",
    ),
    "help.lang": ("标题与消息的语言(默认:en)", "language of titles and messages (default: en)"),
    "help.rule": ("只看此规则(可重复)", "only this rule (repeatable)"),
    "help.tag": ("只看带此标签的规则(可重复)", "only rules with this tag (repeatable)"),
    "help.section": ("只看章节以此开头的规则", "only rules whose section starts with this"),
    "help.responsible": (
        "只看此责任主体参与的规则(其 ID,或规划中的任一写法,如 {example})",
        "only rules this responsible body shares (its id, or any spelling the plan uses, e.g. {example})",
    ),
    "help.debug": (
        "qrules 出现缺陷时(退出码 3)打印回溯信息",
        "on a bug in qrules (exit 3), print its traceback",
    ),
    "help.output": (
        "写入 FILE,而非标准输出(“-”:标准输出)",
        "write to FILE, not standard output ('-': standard output)",
    ),
    "help.rulebook": (
        "已发布规则集的名称或规则集文件夹",
        "a shipped rulebook's name or a rulebook folder",
    ),
    "help.check": ("按规则集判定数据集", "judge a dataset against a rulebook"),
    "help.check.description": (
        "按规则集判定报告数据。每条规则都达标时退出码为 0,有规则未达标或无法判定时为 1,输入有误时为 2。",
        "Judge reported figures against a rulebook. Exit 0 when every rule is met, 1 when any is not met or unknown, 2 on bad input.",
    ),
    "help.check.by_responsible": (
        "每个责任主体一行:其参与的规则情况如何(table 或 json)",
        "one line per responsible body: how the rules it shares stand (table or json)",
    ),
    "help.check.decision_log": (
        "把每个结果追加到此 JSON Lines 决策日志,附规则集指纹和输入摘要(docs/audit.md)",
        "append each result to this JSON Lines decision log, with the rulebook's fingerprint and the inputs' digests (docs/audit.md)",
    ),
    "help.check.only": (
        "只显示这些结果:未达标或无法判定(failures)、未达标(not-met)或无法判定(unknown);退出码仍按全部结果判定",
        "show only these results: not met or unknown (failures), not met, or unknown; the exit code still judges them all",
    ),
    "help.report": (
        "撰写报告:带图表和趋势的 HTML、Markdown 或 JUnit XML",
        "write a report: HTML with charts and trends, Markdown or JUnit XML",
    ),
    "help.report.description": (
        "像 check 一样判定报告数据并撰写报告:一个自包含的 HTML 文件,含每条规则向目标推进的图表和筛选,数据集有多个年份时还含每个指标的趋势;或用于审阅文件的 Markdown;或用于持续集成的 JUnit XML。报告写成时退出码为 0(无论判定如何;判定由 check 的退出码给出),输入有误时为 2。",
        "Judge reported figures as check does and write a report: one self-contained HTML file with a chart of each rule's progress towards its target, filters and, for a dataset of several years, each measure's trend; or Markdown for a review document; or JUnit XML for CI. Exit 0 when the report is written (whatever the verdicts; check's exit code tells those), 2 on bad input.",
    ),
    "help.report.output": (
        "写入 FILE(“-”为标准输出;html 必须指定)",
        "write to FILE ('-' for stdout; required for html)",
    ),
    "help.list": (
        "列出已发布的规则集,或某规则集的规则",
        "list shipped rulebooks, or a rulebook's rules",
    ),
    "help.show": ("显示一条规则及其出处", "show one rule with its source"),
    "help.export": ("把规则集导出为 JSON 或 Markdown", "export a rulebook as JSON or Markdown"),
    "help.validate": (
        "检查规则集文件夹并报告每个问题",
        "check rulebook folders and report every problem",
    ),
    "help.lint": (
        "报告规则集自身表述不一致之处",
        "report where a rulebook's own statements disagree",
    ),
    "help.lint.description": (
        "报告:同一指标上的规则彼此矛盾之处,按不同时间表述之处,求和的组成部分对其总数有所蕴含之处,以及不对等的相关链接。没有警告或错误时退出码为 0,有则为 1,输入有误时为 2。",
        "Report where rules on the same measure disagree, where they are stated over different times, where a sum's components imply something about its target, and related links that are not mutual. Exit 0 when there is no warning or error, 1 when there is, 2 on bad input.",
    ),
    "help.diff": ("比较规则集的两个版本", "compare two versions of a rulebook"),
    "help.diff.description": (
        "比较两个规则集(已发布的名称、文件夹,或 git 修订版中的文件夹 REV:PATH):新增、删除、改名的规则;要求更严、更宽松、等价或不可比较,以符号运算判定。没有变化时退出码为 0,有变化时为 1,输入有误时为 2。",
        "Compare two rulebooks (shipped names, folders, or REV:PATH for a folder at a git revision): rules added, removed, renamed; requirements stricter, looser, equivalent or incomparable, decided symbolically. Exit 0 when nothing changed, 1 when something did, 2 on bad input.",
    ),
    "help.changelog": (
        "为规则集的新版本写一节 Keep a Changelog 格式的变更记录",
        "write a Keep a Changelog section for a rulebook's new version",
    ),
    "help.changelog.date": ("标题中写的发布日期", "the release date to print in the heading"),
    "help.schema": ("规则文件的 JSON Schema 所在位置", "where the JSON Schemas for rule files are"),
    "help.schema.path": ("只打印文件夹", "print only the folder"),
    "help.measures": (
        "列出规则集的指标:ID、名称、单位、公式,以及需要它们的规则和年份",
        "list a rulebook's measures: ids, names, units, formulas, the rules and years that need them",
    ),
    "help.measures.description": (
        "列出规则集的每个指标(或所选规则需要的指标):其 ID、中英文名称(数据集可用其中任一名称)、单位、公式、需要它的规则及读取它的年份。",
        "List every measure of a rulebook (or those the selected rules need): its id, zh and en names (a dataset may name it by any of them), unit, formula, the rules that need it and the years they read it in.",
    ),
    "help.template": (
        "写出一张列有规则所需数据的空白表,填好后即可检查",
        "write a blank sheet of the figures the rules need, to fill in and check",
    ),
    "help.template.description": (
        "写出一张表:所选规则需要的每个指标一行(计数在由其算得的比率之前;旁附中文名称和单位),每个年份(及区县)一个空值:填好后原样交给 check。",
        "Write a sheet with a row for every measure the selected rules need (counts before the rates they make; zh names and units beside them) and an empty value for each year (and district): fill it in and give it to check unchanged.",
    ),
    "help.template.layout": (
        "long:每个年份和指标一行;wide:每个指标一行,每个年份一列",
        "long: a row per year and measure; wide: a row per measure, a column per year",
    ),
    "help.template.format": (
        "模板格式(默认:-o 的文件名以 .xlsx 或 .xlsm 结尾时为 xlsx,否则为 csv)",
        "the template's format (default: xlsx when -o's name ends in .xlsx or .xlsm, else csv)",
    ),
    "help.template.years": (
        "要填写的年份(默认:规则读取的年份)",
        "the years to fill in (default: those the rules read)",
    ),
    "help.template.district": (
        "要填写的区县(可重复;默认:全市)",
        "a district to fill in (repeatable; default: the whole city)",
    ),
    "help.audit": ("重新推导决策日志中的判定", "re-derive the verdicts of a decision log"),
    "help.audit.description": (
        "检查决策日志的哈希链,并用给出结果的规则集(按指纹在已发布的规则集中查找)或 --rulebook 指定的规则集,在记录的输入上重新判定每个记录的结果。哈希链完整且每个判定都能重新得出时退出码为 0,有判定会改变、哈希链断开或缺少规则集时为 1,输入有误时为 2。",
        "Check a decision log's hash chain and judge every logged result again on its logged inputs, with the rulebook that gave it (found among the shipped rulebooks by fingerprint) or the one named by --rulebook. Exit 0 when the chain is intact and every verdict follows, 1 when a verdict would change, the chain is broken or a rulebook is missing, 2 on bad input.",
    ),
    "help.audit.log": ("决策日志(JSON Lines)", "a decision log (JSON Lines)"),
    "help.audit.rulebook": (
        "按此规则集复核:已发布的名称、文件夹或 git 修订版中的 REV:PATH(默认:指纹与记录相符的已发布规则集)",
        "audit against this rulebook: a shipped name, a folder or REV:PATH at a git revision (default: the shipped rulebook with the logged fingerprint)",
    ),
    "help.audit.head": (
        "日志最后一行的摘要,另行保存:被截短的日志不再以它结尾",
        "the digest of the log's last line, kept elsewhere: a log cut short no longer ends with it",
    ),
    "help.coverage": ("呈现已保存的规则覆盖率报告", "render a saved rule coverage report"),
    "help.coverage.description": (
        "呈现由 pytest --qrules-coverage-report=json:FILE 写出的报告(docs/testing.md)。每条规则都完全覆盖(或比例达到 --fail-under)时退出码为 0,否则为 1,输入有误时为 2。",
        "Render a report written by pytest --qrules-coverage-report=json:FILE (docs/testing.md). Exit 0 when every rule is fully covered (or the share reaches --fail-under), 1 when not, 2 on bad input.",
    ),
    "help.coverage.fail_under": (
        "完全覆盖的规则低于此百分比时退出码为 1(默认 100)",
        "exit 1 under this percent of rules fully covered (default 100)",
    ),
    "help.data": (
        "数据集文件:.csv、.tsv、.xlsx、.json、.parquet 或 .arrow,长表或宽表;或 duckdb:///path.db?table=NAME、sqlite:/// 网址(不写 ?table= 时读取默认的数据表)(docs/datasets.md)",
        "a dataset file: .csv, .tsv, .xlsx, .json, .parquet or .arrow, long or wide; or a duckdb:///path.db?table=NAME or sqlite:/// URL (table figures when it names none) (docs/datasets.md)",
    ),
    "help.sample": (
        "使用规则集附带的示例数据集",
        "use a sample dataset that ships with the rulebook",
    ),
    "help.as_of": (
        "按此日期施行的规则和目标值判定(默认:每年按当年适用的规则)",
        "judge by the rules and target values in force on this date (default: each year by what applied in it)",
    ),
    "help.strict": (
        "只判定完美的数据:任何被拒绝的行或可疑数值(与其计数矛盾的比率、报告数据与记录不一致)都是错误,退出码 2(默认:这类结果为无法判定或加注说明,绝不误判达标)",
        "judge only perfect data: any rejected row or doubtful value (a share its counts contradict, figures and records that disagree) is an error, exit 2 (default: such results are unknown or noted, never a false pass)",
    ),
    "help.figures_file": ("数据文件", "the figures file"),
    "help.figures_file.description": (
        "如何读取数据集文件(docs/datasets.md);--mapping 和 --encoding 也适用于它",
        "how to read the dataset file (docs/datasets.md); --mapping and --encoding serve it too",
    ),
    "help.sheet": (
        "xlsx 文件的工作表(默认:第一个)",
        "the sheet of an .xlsx file (default: the first)",
    ),
    "help.header_row": (
        "表头所在的行(默认:前 10 行中第一个含指标列名的行)",
        "the row the header is in (default: the first row that names a measure column, among the first 10)",
    ),
    "help.layout": (
        "long:每个年份、区县、指标和数值一行;wide:每个指标一行,每个年份或区县一列(默认:由表头判断)",
        "long: a row per year, district, measure and value; wide: a row per measure and a column per year or district (default: from the header)",
    ),
    "help.year": ("没有年份列的工作表所属的年份", "the year of a sheet that has no year column"),
    "help.records": ("记录", "records"),
    "help.records.description": (
        "在单位登记册和检查记录上判定带 [rule.records] 的规则(docs/records.md)",
        "judge the rules that have [rule.records] on a register of units and an inspection log (docs/records.md)",
    ),
    "help.register": (
        "登记册:.csv、.xlsx、.parquet 或 .arrow 文件,duckdb:///path.db?table=NAME 或 sqlite:/// 地址,或 sample",
        "the register: a .csv, .xlsx, .parquet or .arrow file, a duckdb:///path.db?table=NAME or sqlite:/// URL, or 'sample'",
    ),
    "help.log": ("检查记录,同 --register", "the inspection log, as --register"),
    "help.mapping": (
        "一个 TOML 文件,说明您的列名和代码,用于记录及(其 [figures] 部分)数据文件",
        "a TOML file naming your columns and codes, for the records and (its [figures] part) the figures file",
    ),
    "help.encoding": (
        "CSV 文件(数据和记录)的编码(默认:UTF-8 或 GB18030,按整个文件判断)",
        "the encoding of CSV files, figures and records (default: UTF-8 or GB18030, decided over the whole file)",
    ),
    "help.by_district": (
        "也逐个区县判定,而不只是整个登记册",
        "judge each district too, not only the whole register",
    ),
    "help.log_until": (
        "检查记录覆盖的最后一天(默认:其最晚日期;日期晚于此日或晚于今天的行作为可疑日期被拒绝)",
        "the last day the log covers (default: its latest date; a row dated later, or after today, is rejected as a doubtful date)",
    ),
    "help.log_from": (
        "检查记录覆盖的第一天(默认:其最早日期);未从 1 月 1 日起覆盖的年份为无法判定",
        "the first day the log covers (default: its earliest date); a year it does not cover from 1 January is unknown",
    ),
    "help.engine": (
        "由谁计数记录:参考引擎(纯 Python)、DuckDB(已安装时为默认)或 PostgreSQL(docs/engines.md)",
        "what counts the records: the reference engine (pure Python), DuckDB (the default when installed) or PostgreSQL (docs/engines.md)",
    ),
    "help.database": (
        "在其中计数的数据库:postgresql://user@host:port/db、duckdb:///path.db 或 Spark Connect 服务器的 sc://host:15002;不给 --register 时,就地判定其中的 --register-table 和 --log-table 表",
        "a database to count in: postgresql://user@host:port/db, duckdb:///path.db or a Spark Connect server's sc://host:15002; without --register, its tables --register-table and --log-table are judged where they are",
    ),
    "help.register_table": (
        "--database 中登记册的表(默认:{default})",
        "the register's table in --database (default: {default})",
    ),
    "help.log_table": (
        "--database 中检查记录的表(默认:{default})",
        "the log's table in --database (default: {default})",
    ),
    "help.trust_keys": (
        "--database 中的表:像信任自身保证键和取值的数据库那样信任它们(省去一遍对记录的扫描):不检查每个单位 ID 在登记册中只有一行、每个检查 ID 在记录中只有一行、每行记录的单位都在登记册中,也不检查代码、标志和缺失标记是否与文件读取器的读法一致(检查类型或结果即视为其取值之一或空值);计数显示有应拒收的行、或日期列为文本时,仍逐行检查",
        "tables in --database: trust them as a database that enforces their keys and values holds them (saves a pass over the log): no check that each unit id is in one register row, each inspection id in one log row and each log row's unit in the register, nor that their codes, flags and missing markers read as a file reader reads them (a kind or result is taken as one of its set or NULL); rows are still checked one by one when the counts show rows to reject or a date column is text",
    ),
    # -- rulebooks, files and measures ---------------------------------------------
    "load.no_measures": (
        "缺少:规则集在此声明其指标",
        "missing: a rulebook declares its measures here",
    ),
    "load.no_rule_files": (
        "没有规则文件:请添加含 [[rule]] 的 *.toml 文件",
        "no rule files: add a *.toml file with [[rule]]s",
    ),
    "load.spelling_taken": (
        "{spelling!r} 已经是责任单位 {body!r} 的写法",
        "{spelling!r} is already a spelling of body {body!r}",
    ),
    "load.spelling_not_in_text": (
        "{spelling!r} 不在规划原文中",
        "{spelling!r} is not in the plan's text",
    ),
    "load.spelling_hint": ("写法须是规划原文的字句", "a spelling is the plan's own words"),
    "load.text_not_a_name": (
        "须是 plan.toml 旁的文件名,不能是路径",
        "must be a file name beside plan.toml, not a path",
    ),
    "load.text_missing": (
        "规划原文 {name!r} 不在文件夹中",
        "the plan's text {name!r} is not in the folder",
    ),
    "load.text_not_utf8": (
        "{name} 不是 UTF-8 编码(第 {byte} 字节)",
        "{name} is not UTF-8 (byte {byte})",
    ),
    "load.expected_ignore": (
        "应为 [[ignore]] 表,实为{got}",
        "expected [[ignore]] tables, got {got}",
    ),
    "where.ignore": ("第 {number} 个 ignore", "ignore #{number}"),
    "load.not_in_text": ("不在规划原文中", "is not in the plan's text"),
    "load.expected_scalar": (
        "应为字符串、整数或日期,实为{got}",
        "expected a string, integer or date, got {got}",
    ),
    "load.quote_not_in_text": ("引文不在规划原文中", "quote is not in the plan's text"),
    "load.copy_quote": ("请从 plan.txt 中原样复制", "copy it from plan.txt exactly"),
    "load.quote_differs": (
        "原文与引文一致到 {before!r},在 {after!r} 处不同;请从 plan.txt 中原样复制",
        "the text matches up to {before!r}, then differs at {after!r}; copy it from plan.txt exactly",
    ),
    "load.formula_unknown": (
        "公式引用了未知的指标 {name!r}",
        "formula refers to unknown measure {name!r}",
    ),
    "load.formula_cycle": (
        "公式直接或间接地引用了自身的指标",
        "formula refers to its own measure, directly or through others",
    ),
    "load.formula_no_measure": (
        "公式 {formula!r} 不含任何指标:其值不取决于数据",
        "formula {formula!r} names no measure: its value would not depend on the data",
    ),
    "load.formula_divides": (
        "公式 {formula!r} 无论数据如何都会除以零",
        "formula {formula!r} divides by zero whatever the data",
    ),
    "load.negative": (
        "{bound} 为 {value};qrules 中的数值从不为负",
        "{bound} is {value}; values are never negative in qrules",
    ),
    "load.upper": ("upper {upper}", "upper {upper}"),
    "load.unit_bound": ("单位 {unit} 的上限 {upper}", "the {unit} unit's bound {upper}"),
    "load.lower_above": (
        "lower {lower} 高于{upper}:没有任何数值是合理的",
        "lower {lower} is above {upper}: no value would be plausible",
    ),
    "load.bounded_by_itself": ("指标不能以自身为上限", "a measure cannot be bounded by itself"),
    "load.at_most_unknown": (
        "at_most 指向未知的指标 {other!r}",
        "at_most names unknown measure {other!r}",
    ),
    "load.at_most_unit": (
        "at_most 比较同一单位的指标;{other!r} 的单位是 {other_unit},{measure!r} 的是 {unit}",
        "at_most compares measures in the same unit; {other!r} is in {other_unit}, {measure!r} in {unit}",
    ),
    # -- rulebooks, rules ----------------------------------------------------------
    "load.expected_rules": ("应为一个或多个 [[rule]] 表", "expected one or more [[rule]] tables"),
    "where.rule_number": ("第 {number} 条规则", "rule #{number}"),
    "load.unknown_measure": ("未知的指标 {measure!r}", "unknown measure {measure!r}"),
    "load.declare_measure": ("请在 measures.toml 中声明它", "declare it in measures.toml"),
    "load.every_year_due": (
        "every_year 规则没有期限;请用 period 给出其年份",
        "an every_year rule has no due date; give its years as period",
    ),
    "load.needs_due": (
        "缺少必需的键({aggregation} 规则需要期限)",
        "missing required key (a {aggregation} rule needs a due date)",
    ),
    "load.period_for_every_year": (
        "period 用于 every_year 规则;这条规则有期限",
        "period is for every_year rules; this rule has a due date",
    ),
    "load.due_outside": (
        "期限 {due} 不在规划期 {start}–{end} 内",
        "due {due} is outside the plan's period {start}–{end}",
    ),
    "load.period_outside": ("period 不在规划期内", "period is outside the plan's period"),
    "load.inferred_needs_interpretation": (
        "推断的来源需要 interpretation 说明从何处推断、为何推断",
        "an inferred source needs an interpretation saying from where and why",
    ),
    # -- rulebooks, readings and requirements --------------------------------------
    "load.expected_districts": (
        "应为“区县 = 要求”的表",
        "expected a table of district = requirement",
    ),
    "load.districts_example": (
        "例如 [rule.districts] 之下写 {example}",
        "e.g. [rule.districts] then {example}",
    ),
    "load.district_spaces": (
        "区县按数据集中的写法命名,前后不留空格",
        "a district is named as the dataset names it, without spaces around",
    ),
    "load.expected_alternatives": (
        "应为一个或多个 [[rule.alternatives]] 表",
        "expected one or more [[rule.alternatives]] tables",
    ),
    "load.requirement_unknown": (
        "要求引用了未知的指标 {name!r}",
        "requirement refers to unknown measure {name!r}",
    ),
    "load.every_year_reading_due": (
        "every_year 读法没有期限",
        "an every_year reading has no due date",
    ),
    "load.reading_needs_due": (
        "{aggregation} 读法需要期限(规则没有期限)",
        "a {aggregation} reading needs a due date (the rule has none)",
    ),
    "load.requirement_tells": (
        "要求必须能区分符合规划的数据与不符合的数据",
        "a requirement must be able to tell data that meets the plan from data that does not",
    ),
    # -- rulebooks, dated targets --------------------------------------------------
    "load.requirement_or_targets": (
        "请给出 requirement 或 [[rule.targets]] 之一,不能都给",
        "give either requirement or [[rule.targets]], not both",
    ),
    "load.missing_requirement": (
        "缺少必需的键(或给出分期的 [[rule.targets]])",
        "missing required key (or give dated [[rule.targets]])",
    ),
    "load.ends_outside": ("ends {ends} 不在规划期内", "ends {ends} is outside the plan's period"),
    "load.ends_before": (
        "规则在其第一个目标开始之前就结束了",
        "the rule ends before its first target starts",
    ),
    "load.expected_targets": (
        "应为一个或多个 [[rule.targets]] 表",
        "expected one or more [[rule.targets]] tables",
    ),
    "load.start_outside": ("{start} 不在规划期内", "{start} is outside the plan's period"),
    "load.start_order": (
        "{start} 不晚于上一个目标的 {previous}",
        "{start} does not come after the previous target's {previous}",
    ),
    "load.section_with_quote": (
        "目标的 section 须与其自身的 quote 一起给出",
        "a target's section goes with its own quote",
    ),
    # -- rulebooks, records and links ----------------------------------------------
    "load.unknown_register_column": (
        "未知的登记表列 {column!r}",
        "unknown register column {column!r}",
    ),
    "load.columns_are": ("可用的列:{columns}", "columns are {columns}"),
    "load.flag_value": (
        "标志用 true 或 false 选择,实为{got}",
        "a flag is selected with true or false, got {got}",
    ),
    "load.inspections_or_flag": (
        "请给出 inspections(可附 kind 和 result)或 flag 之一",
        "give either inspections (with kind and result, optionally) or flag",
    ),
    "load.not_for_flag": (
        "{key} 用于检查次数,不用于标志",
        "{key} is for inspections, not for a flag",
    ),
    "load.records_aggregation": (
        "记录按年判定:{aggregation} 规则不能有记录(请用 level 或 every_year)",
        "records are judged year by year: a {aggregation} rule cannot have them (use level or every_year)",
    ),
    "load.no_formula": ("没有公式", "no formula"),
    "load.the_formula": ("公式 {formula!r}", "the formula {formula!r}"),
    "load.records_share": (
        "记录要求规则的指标是两个计数之比 '100 * {meeting} / {total}';{measure!r} 是{written}",
        "records need the rule's measure to be a share of two counts, '100 * {meeting} / {total}'; {measure!r} has {written}",
    ),
    "load.not_the_meeting": (
        "{name!r} 不是 {measure!r}({formula!r})的分子;{key} 应为 {expected!r}",
        "{name!r} is not the numerator of {measure!r} ({formula!r}); {key} is {expected!r}",
    ),
    "load.not_the_total": (
        "{name!r} 不是 {measure!r}({formula!r})的分母;{key} 应为 {expected!r}",
        "{name!r} is not the denominator of {measure!r} ({formula!r}); {key} is {expected!r}",
    ),
    "load.inferred_of": (
        "inferred 用于 indicator_source 或 data_source;此来源两者都没有",
        "inferred is said of an indicator_source or data_source; this source has neither",
    ),
    "load.duplicate_rule": (
        "规则编号重复(第一次在 {first})",
        "duplicate rule id (first in {first})",
    ),
    "load.no_related": ("相关规则 {other!r} 不存在", "related rule {other!r} does not exist"),
    "load.related_itself": ("规则不能与自身相关", "a rule cannot be related to itself"),
    # -- records on the command line (_records_cli.py) -----------------------------
    "records_cli.no_sample": (
        "规则集 {rulebook!r} 没有这个样例",
        "rulebook {rulebook!r} has no such sample",
    ),
    "records_cli.samples": ("其记录样例:{names}", "its records samples: {names}"),
    "records_cli.date_option": ("选项 {option}:{error}", "option {option}: {error}"),
    "records_cli.log_needs_register": (
        "--log 需要 --register:检查记录中的单位要与登记表核对",
        "--log needs --register: the log's units are checked against it",
    ),
    "records_cli.reach_needs_log": (
        "--log-from 和 --log-until 说明检查记录的起止:需要 --log(或 --database 中的表)",
        "--log-from and --log-until say where the log begins and ends: they need --log "
        "(or the tables of --database)",
    ),
    "records_cli.table_options": (
        "--register-table、--log-table 和 --trust-keys 用于 --database 中的表(不给 --register 时)",
        "--register-table, --log-table and --trust-keys are about the tables of --database (without --register)",
    ),
    "records_cli.postgres_database": (
        "--engine postgres 需要 --database postgresql://user@host/db",
        "--engine postgres needs --database postgresql://user@host/db",
    ),
    "records_cli.database_reference": (
        "--database 由 SQL 引擎在数据库中计数,而不是参考引擎:请去掉 --engine reference",
        "--database is counted in by the SQL engines, not the reference engine: drop --engine reference",
    ),
    "records_cli.engine_database": (
        "--engine {engine} 无法在 {database} 中计数",
        "--engine {engine} cannot count in {database}",
    ),
    # -- the decision log (_decisions.py) ------------------------------------------
    "decisions.cannot_append": (
        "{path}:无法追加到决策日志:{error}",
        "{path}: cannot append to the decision log: {error}",
    ),
    "decisions.incomplete": (
        "{path}:最后一行不完整(末尾没有换行);追加之前请先用 qrules audit 审核",
        "{path}: its last line is incomplete (no newline at the end); audit it with qrules audit before appending",
    ),
    "decisions.too_long": (
        "{path},第 {line} 行:超过 {limit} 字节;不是决策日志",
        "{path}, line {line}: longer than {limit} bytes; not a decision log",
    ),
    "decisions.cannot_read": (
        "{path}:无法读取决策日志:{error}",
        "{path}: cannot read the decision log: {error}",
    ),
    # -- the decision log's audit (_decisions.py) ----------------------------------
    "audit.log": ("决策日志 {path}:{lines} 行", "decision log {path}: {lines} line{s}"),
    "audit.log_head": (
        "决策日志 {path}:{lines} 行,末行摘要 {head}",
        "decision log {path}: {lines} line{s}, head {head}",
    ),
    "audit.rulebooks": (
        "  {count} 行由 {logged} 判定,按 {audited} 复核",
        "  {count} line{s} judged by {logged}, audited against {audited}",
    ),
    "audit.finding": ("  第 {line} 行:{message}", "  line {line}: {message}"),
    "audit.changes": ("{count} 个判定将改变:", "{count} verdict{s} would change:"),
    "audit.indented": ("  {text}", "  {text}"),
    "audit.clean": (
        "复核无误:哈希链完整,每个判定都能由记录的输入重新得出",
        "clean: the chain is intact and every verdict follows from its logged inputs",
    ),
    "audit.change": (
        "第 {line} 行:{rule}({where}):{logged} → {now};观测值 {observed},{why}",
        "line {line}: {rule} ({where}): {logged} → {now}; observed {observed}, {why}",
    ),
    "audit.where_district": ("{years},{district}", "{years}, {district}"),
    "audit.altered": (
        "同一规则集由记录的输入得不出记录的判定:此行被改动过",
        "the same rulebook does not give the logged verdict on the logged inputs: the line was altered",
    ),
    "audit.target_changed": (
        "目标由 {logged} 改为 {now}",
        "target was {logged}, now {now}",
    ),
    "audit.computed_differently": (
        "目标未变,规则的计算方式有变",
        "same target; the rule is computed differently",
    ),
    "audit.not_a_record": (
        "不是决策日志记录(JSON 对象)",
        "not a decision log record (a JSON object)",
    ),
    "audit.malformed": (
        "记录不完整或有误({error}):此行不是 qrules 写入的样子(被改动过,或由其他程序写入);请与日志的副本核对",
        "a malformed record ({error}): the line is not as qrules writes it (edited, or written by another program); compare it with a copy of the log",
    ),
    "audit.yearly": (
        "yearly 列出了 years 中没有的年份",
        "yearly names a year that years does not list",
    ),
    "audit.not_a_number": (
        "{text!r} 不是 qrules 记录的数字",
        "{text!r} is not a number as qrules logs them",
    ),
    "audit.head_differs": (
        "最后一行的摘要不是 {head}:日志末尾被截去或追加了行",
        "the last line's digest is not {head}: lines were cut from the end or added",
    ),
    "audit.first_follows": (
        "日志的第一行却指向前一行:开头的行被删除",
        "the first line follows a line that is not there: lines were removed from the start",
    ),
    "audit.says_first": (
        "此行自称第一行:之前的行被删除或移动",
        "this line says it is the first: the lines before it were removed or moved",
    ),
    "audit.chain_broken": (
        "哈希链断开:此行与前一行不符,有行被删除、修改或移动",
        "the chain is broken: this line does not follow the line before it (a line was removed, edited or moved)",
    ),
    "audit.schema_version": (
        "schema_version {got!r},此版本的 qrules 读取 {version}",
        "schema_version {got!r}; this qrules reads {version}",
    ),
    "audit.no_rulebook": (
        "找不到指纹为 {fingerprint} 的规则集 {rulebook}:用 --rulebook 指定(文件夹或 REV:PATH)",
        "no rulebook with fingerprint {fingerprint} ({rulebook}) was found: name it with --rulebook (a folder or REV:PATH)",
    ),
    "audit.no_rule": (
        "{rule}:{rulebook} 中没有此规则(或 {year} 年不适用)",
        "{rule}: {rulebook} has no such rule (or not in force in {year})",
    ),
    # -- rule coverage (_coverage.py) ----------------------------------------------
    "coverage.fail_under": (
        "--qrules-cov-fail-under={text!r}:请给出 0 到 100 的百分数,如 100 或 99.5",
        "--qrules-cov-fail-under={text!r}: give a percent from 0 to 100, such as 100 or 99.5",
    ),
    "coverage.schema_version": (
        "{name}:schema_version {got!r};此版本的 qrules 读取版本 {version}",
        "{name}: schema_version {got!r}; this qrules reads version {version}",
    ),
    "coverage.not_a_report": (
        "{name}:不是 qrules 覆盖率报告;请用 pytest --qrules-coverage --qrules-coverage-report=json:PATH 生成",
        "{name}: not a qrules coverage report ({detail}); write one with pytest --qrules-coverage --qrules-coverage-report=json:PATH",
    ),
    # -- rule coverage, the report (_coverage.py) ----------------------------------
    "coverage.column.rule": ("规则", "rule"),
    "coverage.column.verdicts": ("已见判定", "verdicts seen"),
    "coverage.column.boundary": ("命中阈值", "boundary hit"),
    "coverage.column.sides": ("阈值两侧", "sides"),
    "coverage.column.missing": ("缺少", "missing"),
    "coverage.met": ("达标", "met"),
    "coverage.not_met": ("未达标", "not met"),
    "coverage.unknown": ("无法判定", "unknown"),
    "coverage.boundary": ("阈值", "boundary"),
    "coverage.boundary_number": ("阈值 {number}", "boundary {number}"),
    "coverage.failing_unit": ("未达标单位", "failing unit"),
    "coverage.yes": ("是", "yes"),
    "coverage.no": ("否", "no"),
    "coverage.title": (
        "规则覆盖:{rulebook}(指纹 {fingerprint}),{total} 条规则中 {covered} 条完全覆盖",
        "rule coverage: {rulebook} (fingerprint {fingerprint}), {covered} of {total} rules fully covered",
    ),
    "coverage.total": (
        "合计:{total} 条规则中 {covered} 条完全覆盖({percent}%)",
        "total: {covered} of {total} rules fully covered ({percent} %)",
    ),
    "coverage.html_title": ("qrules 规则覆盖", "qrules rule coverage"),
    "coverage.nothing_judged": (
        "没有判定任何规则:无一覆盖",
        "no rule was judged: nothing is covered",
    ),
    "coverage.under": (
        "{total} 条规则中 {covered} 条完全覆盖({percent}%),低于要求的 {threshold}%",
        "{covered} of {total} rules fully covered ({percent} %), under the {threshold} % required",
    ),
    # -- loose ends (s6): the pytest plugin's summary, addresses, the system ---------
    "plugin.section": ("qrules 规则覆盖率", "qrules rule coverage"),
    "plugin.usage": ("qrules 规则覆盖率:{error}", "qrules coverage: {error}"),
    "plugin.bad_report": (
        "--qrules-coverage-report={spec}:请写作 FORMAT:PATH,FORMAT 为 json、html 或 markdown",
        "--qrules-coverage-report={spec}: write FORMAT:PATH with FORMAT json, html or markdown",
    ),
    "plugin.bad_lang": (
        "--qrules-lang={lang}:语言为 zh 或 en",
        "--qrules-lang={lang}: the language is zh or en",
    ),
    "plugin.more": (
        "(未完全覆盖的规则:-v 或 --qrules-coverage)",
        "(the rules not fully covered: -v or --qrules-coverage)",
    ),
    "plugin.wrote": ("已写入 {kind} 报告:{path}", "wrote the {kind} report to {path}"),
    "plugin.fail": ("规则覆盖率未达标:{failure}", "FAIL rule coverage: {failure}"),
    "plugin.reached": (
        "规则覆盖率:已达到要求的 {percent} %",
        "rule coverage: the required {percent} % reached",
    ),
    "lint.text_too_long": (
        "它指定的计划文本写有超过 {limit:,} 个数字(及“全覆盖”等目标),超出 qrules lint 的读取上限",
        "the plan's text it names writes more than {limit:,} numbers (and phrases such as 全覆盖), the most qrules lint reads",
    ),
    "lint.text_too_long_hint": (
        "一份计划写有数百个数字,烟台计划为 559 个;请检查该文件是否为计划原文",
        "a plan writes a few hundred, the Yantai plan 559: is the file the plan's text?",
    ),
    "load.quote_too_long": (
        "引文长 {size:,} 个字符,超过上限 {limit:,}(引文应为计划中的一句、一段或表格的一行)",
        "a quote of {size:,} characters, over the limit of {limit:,} (a quote is a sentence, a paragraph or a row of a table of the plan)",
    ),
    "load.interpretation_too_long": (
        "解释长 {size:,} 个字符,超过上限 {limit:,}",
        "an interpretation of {size:,} characters, over the limit of {limit:,}",
    ),
    "os.port_not_a_number": ("端口 {port} 不是数字", "the port {port} is not a number"),
    "os.port_out_of_range": ("端口不在 0–65535 之间", "the port is not in 0-65535"),
    "os.brackets": (
        "IPv6 地址的方括号 [ ] 不成对",
        "the brackets [ ] of an IPv6 address do not pair",
    ),
    "os.not_an_ip": ("{host} 不是 IPv4 或 IPv6 地址", "{host} is not an IPv4 or IPv6 address"),
    "os.bad_address_said": ("地址无效:{detail}", "{detail}"),
    "os.bad_host": (
        "主机名无效(过长或含空的一节)",
        "the host name is too long or has an empty label",
    ),
    "os.network_unreachable": ("网络不可达", "network is unreachable"),
    "os.host_unreachable": ("无法访问该主机", "no route to host"),
    "os.connection_reset": ("连接被对方重置", "connection reset by peer"),
    "os.no_space": ("磁盘空间不足", "no space left on device"),
    "os.read_only": ("文件系统只读", "read-only file system"),
    "os.name_too_long": ("文件名过长", "file name too long"),
    "os.too_many_links": ("符号链接层数过多", "too many levels of symbolic links"),
    "os.too_many_open": ("打开的文件过多", "too many open files"),
    "os.address_unavailable": ("无法使用该地址", "cannot assign the requested address"),
    # -- boundary (session 15): the system's common refusals, by errno ------------
    "os.not_permitted": ("不允许此操作", "operation not permitted"),
    "os.refused": ("{message}{hint}", "{message}{hint}"),
    "os.exists": ("已存在", "already exists"),
    "os.host_not_looked_up": ("无法查询该主机名", "the host name could not be looked up"),
    # -- the smallest change (_results.py), the responsible list (_model.py) -------
    "change.more": (
        "{name}需增加 {delta}({observed} → {needed})",
        "{delta} more {name} ({observed} → {needed})",
    ),
    "change.more_than": (
        "{name}需增加超过 {delta}({observed} → {needed})",
        "more than {delta} more {name} ({observed} → {needed})",
    ),
    "model.etc": ("等", " etc."),
    # -- judging figures (_evaluate.py) --------------------------------------------
    "source.figures": ("报告数据", "reported figures"),
    "source.records": ("记录", "records"),
    "verdict.met": ("达标", "met"),
    "verdict.not_met": ("未达标", "not met"),
    "verdict.unknown": ("无法判定", "unknown"),
    "evaluate.gave": ("{source}得出:{verdict} {shown}", "the {source} give: {verdict}, {shown}"),
    "evaluate.gave_verdict": ("{source}得出:{verdict}", "the {source} give: {verdict}"),
    "evaluate.unlisted_districts": (
        "全市数值由数据所列的 {count} 个区县({names})合计得出;规则集未列出全部区县,可能另有区县未报告:只有已达到“不低于”目标的计数合计可以判定(在 plan.toml 的 districts 中列出全部区县,或报告全市数值)",
        "the city's value is summed from the {count} districts the dataset names ({names}); the rulebook does not list its districts, so others may not have reported: only a count's sum that already meets an 'at least' target can be judged (list every district in plan.toml's districts, or report the city's figure)",
    ),
    "evaluate.reported_differs": (
        "报告值 {reported} 与由计数算得的 {computed} 不一致,按计数判定",
        "the reported {reported} differs from {computed} computed from the counts; judged on the counts",
    ),
    "evaluate.two_readings": (
        "报告值 {reported} 为{mine},由计数算得 {computed},为{theirs};两者必有一误,无法判定({where}),请更正其一",
        "the reported {reported} would be {mine}, its counts give {computed}, {theirs}: one of them is wrong ({where}); correct it",
    ),
    "evaluate.zero_denominator": (
        "{when} 年{measure}的分母为 0,无法计算",
        "{measure} cannot be computed for {when}: its denominator is 0",
    ),
    "evaluate.holds": ("{requirement} 满足({inputs})", "{requirement} holds ({inputs})"),
    "evaluate.does_not_hold": (
        "{requirement} 不满足({inputs})",
        "{requirement} does not hold ({inputs})",
    ),
    "evaluate.observed": (
        "{when} 年观测值 {observed} {relation} 目标 {target}",
        "observed {observed} in {when} {relation} target {target}",
    ),
    "evaluate.and_note": ("{reason};{note}", "{reason}; {note}"),
    "evaluate.missing_measure": ("{measure}({id})", "{id}"),
    "evaluate.missing_computed": (
        "{measure}({id},或计算它所需的 {inputs})",
        "{id} (nor all of {inputs}, which it is computed from)",
    ),
    "evaluate.list": ("、", "; "),
    "evaluate.no_value": ("缺少 {when} 年的数据:{values}", "no value for {values} in {when}"),
    "evaluate.sum": ("合计", "sum"),
    "evaluate.average": ("平均", "average"),
    "evaluate.missing_years": ("{measure}({id})缺 {years} 年", "{id} in {years}"),
    "evaluate.every_year_needed": (
        "{span} 年{how}需要每年的数据:{values}",
        "the {how} over {span} needs every year; no value for {values}",
    ),
    # -- doubtful rows (_doubts.py) ------------------------------------------------
    "doubts.rejected_register": ("登记册中被拒收的 {count} 行", "{count} rejected register row{s}"),
    "doubts.rejected_log": ("检查记录中被拒收的 {count} 行", "{count} rejected log row{s}"),
    "doubts.register_rows": ("登记册第 {rows} 行", "register row{s} {rows}"),
    "doubts.log_rows": ("检查记录第 {rows} 行", "log row{s} {rows}"),
    "doubts.rows": ("第 {rows} 行", "row{s} {rows}"),
    "doubts.and": ("和", " and "),
    "doubts.bounds": (
        ";统计范围内 {low}–{high} 个单位,其中 {meeting_low}–{meeting_high} 个符合;读取到的:{read}",
        "; {low} to {high} units in the population, {meeting_low} to {meeting_high} meeting it; as read: {read}",
    ),
    "doubts.unknown": (
        "无法判定:{what}可能改变结论({where}){bounds}",
        "unknown: {what} could change this ({where}){bounds}",
    ),
    # -- records/doubts (s8): counted rows lacking a kind or result --
    "doubts.unset_kind": ("未填检查类型的 {count} 行检查记录", "{count} log row{s} with no kind"),
    "doubts.unset_result": (
        "未填检查结果的 {count} 行检查记录",
        "{count} log row{s} with no result",
    ),
    "doubts.unset_kind_result": (
        "未填检查类型或检查结果的 {count} 行检查记录",
        "{count} log row{s} with no kind or no result",
    ),
    "doubts.strict_unset": (
        "规则 {rule} {year} 年:{reason}(--strict 不允许)",
        "rule {rule}, {year}: {reason} (refused under --strict)",
    ),
    "engines.too_many_lacking": (
        "检查记录中未填检查类型或检查结果、且可能改变结论的行超过 {limit:,} 行",
        "more than {limit:,} log rows with no kind or no result that could change a verdict",
    ),
    "engines.too_many_lacking_hint": (
        "请在检查记录中填写检查类型(kind)和检查结果(result)",
        "fill in the log's kind and result columns",
    ),
    "doubts.declared_end": ("声明的截止日期", "the log's declared end"),
    "doubts.today": ("今天", "today"),
    "doubts.late": (
        "{count} 行检查日期晚于{what} {until},视为可疑日期、拒收(第 {rows} 行)",
        "{count} log row{s} dated after {what} {until}: rejected as doubtful, not counted and not extending the log's reach (row{s} {rows})",
    ),
    # -- judging figures, readings -------------------------------------------------
    "evaluate.value": ("{name}{value}", "{name}{value}"),
    "evaluate.value_in_year": ("{name}{value}({year} 年)", "{name}{value} in {year}"),
    "list.comma_ascii": (", ", ", "),
    # -- judging figures, too many readings ----------------------------------------
    "evaluate.too_many_readings": (
        "{count} 个报告值与其计数不一致({shown}),读法过多,无法判定;请更正报告值或计数",
        "{count} reported values differ from their counts ({shown}): too many readings to judge; correct the figures or the counts",
    ),
    # -- trends (_trend.py) --------------------------------------------------------
    "trend.on_projected": ("有望达标", "on track"),
    "trend.off_projected": ("难以达标", "off track"),
    "trend.on_observed": ("已达标", "reached"),
    "trend.off_observed": ("未达到", "not reached"),
    "trend.unknown": ("无趋势", "no trend"),
    "trend.not_a_threshold": (
        "要求不是单一阈值,无法测算趋势",
        "the requirement is not a single threshold: no outlook",
    ),
    "trend.no_value": ("没有任何年份的数据", "no value in any year"),
    "trend.one_year": (
        "只有 {year} 年的数据,不足两年,无法测算速度",
        "only {year} has a value: a pace needs two years",
    ),
    "trend.missing_year": ("缺少 {year} 年的数据", "no value for {year}"),
    "trend.total": ("{span} 年合计", "the {span} total"),
    "trend.average": ("{span} 年平均", "the {span} average"),
    "trend.span": ("{span} 年", "{span}"),
    "trend.actual": ("{what}实际为 {value}(目标 {target})", "{what} is {value} (target {target})"),
    "trend.projected": (
        "按 {first}→{last} 年的速度(每年 {step}),{what}将为 {value}(目标 {target})",
        "at the {first}→{last} pace ({step} a year), {what} would be {value} (target {target})",
    ),
    "trend.heading": ("## 趋势", "## Trends"),
    "trend.explained": (
        "按最近两年的速度(详见 docs/reports.md)测算到期年份的数值。",
        "Each measure's path, and its value in the rule's year at the pace of its last two years (see docs/reports.md).",
    ),
    "trend.columns": (
        "| 规则 | 区县 | 各年 | 展望 | 结论 |",
        "| rule | district | path | outlook | status |",
    ),
    # -- collate (s7): text compared byte for byte (engines/_collations.py) ---------
    "collate.column": (
        "列 {column!r}({kind}的 {canonical} 列)按排序规则 {collation} 比较文本,它可能把读取文件时不同的两个值视为相同(如 NOCASE 下的 'IF01' 与 'if01');qrules 与读取文件时一样,逐字节比较编号、代码和区县",
        "column {column!r} ({kind} {canonical}) compares text under the collation {collation}, which may hold two values a reader reads as different equal (as NOCASE holds 'IF01' and 'if01'); qrules compares ids, codes and districts byte for byte, as its readers do",
    ),
    "collate.column_hint": (
        "请逐字节比较:声明该列时不要用 COLLATE {collation}(或改用 COLLATE {binary}),或把它复制到这样声明的表中",
        "compare byte for byte: declare the column without COLLATE {collation} (or with COLLATE {binary}), or copy it to a table that does",
    ),
    "collate.default": (
        "连接的 default_collation 是 {collation!r},读取 {source} 时可能把读取文件时不同的两个值视为相同(如 nocase 下的 'IF01' 与 'if01');qrules 与读取文件时一样,逐字节比较编号、代码和区县",
        "the connection's default_collation is {collation!r}, under which reading {source} may hold two values a reader reads as different equal (as nocase holds 'IF01' and 'if01'); qrules compares ids, codes and districts byte for byte, as its readers do",
    ),
    "collate.default_hint": (
        "请在此连接上先执行 RESET default_collation(或用另一个连接)再评估",
        "run RESET default_collation on this connection (or use another connection) before judging",
    ),
    "collate.unread": (
        "无法读取表 {table} 各列的排序规则:{error}",
        "cannot read the collations of table {table}'s columns: {error}",
    ),
    "collate.plan_unread": (
        "json_serialize_plan 给出的计划不是 qrules 能读取的形式(DuckDB 版本较新?请报告此问题)",
        "json_serialize_plan gave a plan qrules does not read (a newer DuckDB? please report it)",
    ),
    # -- engines/_collations, engines/spark, engines/postgres (s8) ---------------------
    "collate.spark_default": (
        "Spark 会话的默认排序规则(spark.sql.session.collation.default)是 {collation!r},在它之下读取 {source} 时可能把读取文件时不同的两个值视为相同(如 UTF8_LCASE 下的 'IF01' 与 'if01');qrules 与读取文件时一样,逐字节比较编号、代码和区县",
        "the Spark session's default collation (spark.sql.session.collation.default) is {collation!r}, under which reading {source} may hold two values a reader reads as different equal (as UTF8_LCASE holds 'IF01' and 'if01'); qrules compares ids, codes and districts byte for byte, as its readers do",
    ),
    "collate.spark_default_hint": (
        "请先在此会话上执行 SET spark.sql.session.collation.default=UTF8_BINARY(或用另一个会话)再评估",
        "run SET spark.sql.session.collation.default=UTF8_BINARY on this session (or use another session) before judging",
    ),
    "engines.spark_not_connect": (
        "{address} 处的服务器在 {seconds} 秒内没有像 Spark Connect 服务器(gRPC,HTTP/2)那样应答:{error}",
        "the server at {address} did not answer as a Spark Connect server (gRPC, HTTP/2) does within {seconds} seconds: {error}",
    ),
    "engines.spark_not_connect_hint": (
        "地址中的端口是否是 Spark Connect 的端口(默认 15002,见 spark.connect.grpc.binding.port)?服务器使用 TLS 时,请在地址后加上 /;use_ssl=true",
        "is the URL's port Spark Connect's (15002 unless spark.connect.grpc.binding.port says otherwise)? For a server with TLS, add /;use_ssl=true to the URL",
    ),
    "engines.spark_not_connect_silent": ("它什么也没有回答", "it answered nothing"),
    "engines.spark_not_connect_closed": ("它关闭了连接", "it closed the connection"),
    "engines.spark_not_connect_other": (
        "它的回答不是 HTTP/2",
        "what it answered is not HTTP/2",
    ),
    "engines.postgres_server_encoding": (
        "数据库的编码是 {server},qrules 的查询无法在其中运行:查询要查找 {server} 无法表示的字符(如读取时会读作 ASCII 的全角字母)",
        "the database's encoding is {server}, in which qrules' queries cannot run: they look for characters {server} cannot hold (such as full-width letters, which a reader reads as ASCII)",
    ),
    "engines.postgres_server_encoding_hint": (
        "请在以 UTF8 编码创建的数据库中评估这些表(CREATE DATABASE … ENCODING 'UTF8' TEMPLATE template0,再把表复制过去;PostgreSQL 会把 {server} 文本转换为 UTF-8)",
        "judge the tables in a database created with the encoding UTF8 (CREATE DATABASE … ENCODING 'UTF8' TEMPLATE template0, then copy the tables there: PostgreSQL converts {server} text to UTF-8)",
    ),
    "engines.postgres_encoding": (
        "连接的客户端编码是 {client}(数据库的编码是 {server}),无法发送 qrules 的查询;qrules 以 UTF-8 收发文本",
        "the connection's client encoding is {client} (the database's encoding is {server}), in which qrules' queries cannot be sent; qrules sends and reads text as UTF-8",
    ),
    "engines.postgres_encoding_hint": (
        "请以 UTF-8 客户端编码连接:在地址后加上 ?client_encoding=UTF8(或在传入的连接上执行 SET client_encoding TO 'UTF8');{server} 数据库的文本须是 UTF-8",
        "connect with a UTF-8 client encoding: add ?client_encoding=UTF8 to the URL (or run SET client_encoding TO 'UTF8' on the connection you pass); the {server} database's text must be UTF-8",
    ),
    "driver.postgres_bytes": (
        "SQL_ASCII 数据库按原样保存写入的字节,而这些文本不是 UTF-8:请把表复制到以 ENCODING 'UTF8' 创建的数据库中,读取时使用写入它们时的客户端编码(如 LATIN1)",
        "a SQL_ASCII database keeps the bytes it was given, and this text is not UTF-8: copy the tables into a database created with ENCODING 'UTF8', reading them in the client encoding they were written in (such as LATIN1)",
    ),
    # -- the readers' size bounds (s8): _tabular.read_whole, arrow_size ----------------
    "tabular.too_large": (
        "文件为 {size:,} 字节(或展开后如此),超出 qrules 对此类文件的读取上限 {mib:,} MiB",
        "the file is {size:,} bytes (or expands to that), over the {mib:,} MiB qrules reads of such a file",
    ),
    "tabular.big_csv": (
        "这么大的表请在数据库中评估(--database),或以 UTF-8 或 Parquet 格式提供(边读边处理,不整体读入)",
        "judge a table this large in a database (--database), or give it as UTF-8 or Parquet (read as it streams, not whole)",
    ),
    "tabular.big_arrow": (
        "这么大的表请在数据库中评估(--database,DuckDB 可直接读取该文件),或将其拆分",
        "judge a table this large in a database (--database: DuckDB reads the file as it is), or split it",
    ),
    "tabular.big_json": (
        "报告数据集只含各项指标的数值,通常只有几千字节:是否给错了文件?也可改用 .csv 或 .xlsx",
        "a dataset of reported figures is a few kilobytes: is this the right file? Or give the figures as .csv or .xlsx",
    ),
    "tabular.big_mapping": (
        "映射文件只列出列名和代码,通常只有几千字节:是否给错了文件?",
        "a mapping file names columns and codes, a few kilobytes: is this the right file?",
    ),
    "tabular.too_many_cells": (
        "文件有 {rows:,} 行、{columns} 列,超出 qrules 对此类文件的读取上限 {limit:,} 个单元格",
        "the file holds {rows:,} rows of {columns} columns, over the {limit:,} cells qrules reads of such a file",
    ),
    # -- _tabular (s8): which sheet of a workbook is read -----------------------------
    "tabular.hidden_sheets": (
        "隐藏的工作表 {sheets} 未读取;读取的是第一个可见的工作表 {sheet}(要读取隐藏的工作表,请用 --sheet 指明)",
        "hidden sheets {sheets} not read; the first visible sheet, {sheet}, was (name a hidden sheet with --sheet to read it)",
    ),
    "tabular.chart_sheet": (
        "工作表 {sheet!r} 是图表,不是单元格表",
        "sheet {sheet!r} is a chart, not a sheet of cells",
    ),
    "tabular.name_cells": (
        "请指明一个单元格表:{sheets}",
        "name a sheet of cells: {sheets}",
    ),
    "tabular.no_visible_sheet": (
        "工作簿中没有可见的工作表",
        "the workbook has no visible sheet",
    ),
    "tabular.name_a_sheet": (
        "请用 --sheet(sheet=)指明要读取的工作表:{sheets}",
        "name the sheet to read with --sheet (sheet=): {sheets}",
    ),
    # -- _figures (s8): districts as a sheet names them ----------------------------------
    "figures.district_twice": (
        "区县 {districts} 可能是同一区县的两种写法(第一次在{first})",
        "districts {districts} may be one district written two ways (first at {first})",
    ),
    "figures.district_twice_hint": (
        "请统一写法,或在映射文件的 [figures.districts] 中把它们映射为同一区县",
        "write it one way, or map the names to one district in the mapping file's [figures.districts]",
    ),
    "figures.city_by_name": (
        "{district!r} 是本规划的城市(规划标题即以此开头),不是其下的一个区县",
        "{district!r} names the plan's city (its title starts with it), not one of its districts",
    ),
    "figures.city_by_name_hint": (
        '全市的数值请把区县留空或写作“全市”,或在映射文件的 [figures.districts] 中写 "{district}" = ""',
        'leave the district empty (or write 全市) for the city\'s figure, or map it in the mapping file\'s [figures.districts]: "{district}" = ""',
    ),
    "figures.total_not_district": (
        "{district!r} 是合计,不是区县:与它所合计的区县相加,会把它们计算两次",
        "{district!r} is a total, not a district: summed with the districts it totals, it counts them twice",
    ),
    "figures.total_not_district_hint": (
        '请删除该行;若它是全市的数值,请把区县留空或写作“全市”,或在映射文件的 [figures.districts] 中写 "{district}" = ""',
        'delete the row; if it is the whole city\'s figure, leave the district empty (or write 全市), or map it in the mapping file\'s [figures.districts]: "{district}" = ""',
    ),
    "figures.unit_column": (
        "{measure}:表中写明的单位是 {written!r},但该指标的单位是{unit}",
        "{measure}: the sheet gives its unit as {written!r}, but the measure is in {unit}",
    ),
    "figures.unit_column_hint": (
        "请把数值换算为{unit}并写明该单位,或留空单位",
        "convert the figure to {unit} and write that unit, or leave the unit empty",
    ),
    # -- _figures (s13 lead): a unit in the value column's header ------------------------
    "figures.unit_header_hint": (
        "列 {column!r} 的表头为每一行写明单位 {unit!r}:各行指标单位不同时,请把表头写成不带单位的名称(数值)",
        "the header {column!r} gives every row the unit {unit!r}: where the rows' measures are in other units, name the column without one (value, 数值)",
    ),
    "cli.template_suffix": (
        "-o {output!r}:{format} 模板的文件名应以 .{format} 结尾,否则无法按其格式读回(请给出 -o FILE.{format})",
        "-o {output!r}: a {format} template's name ends in .{format}, or it is not read back as one (give -o FILE.{format})",
    ),
    "figures.no_header_row": (
        "没有第 {row} 行:这张表只有 {rows} 行",
        "no row {row}: the sheet has {rows} rows",
    ),
    # -- fixes (s9): the log's declared reach (records/plan.py) ---------------------
    "log.inverted_reach": (
        "{start} {first} 晚于 {end} {last}:检查记录不能在结束之后才开始(请给出它覆盖的第一天和最后一天)",
        "{start} {first} is after {end} {last}: the log cannot begin after it ends (give the first and the last day it covers)",
    ),
    # -- fixes (s9): a timestamp with a time zone in a table (engines/__init__.py) --
    "engines.zoned_type": (
        "列 {column!r}({kind}的 {canonical} 列)是带时区的时间戳,其日期取决于会话的时区:qrules 不把它读作日期",
        "column {column!r} ({kind} {canonical}) is a timestamp with a time zone, whose day depends on the session's time zone: qrules does not read it as a date",
    ),
    "engines.zoned_cast": (
        "请给出 DATE 列,或建一个按记录所在时区取日期的视图:{cast}(换成你的时区)",
        "give a DATE column, or a view reading its day in the records' time zone: {cast} (with your zone)",
    ),
    # -- fixes (s9): a JSON object or array as a figure (_data.py) -----------------
    "value.not_a_value_of": ("应为数字或文本,实为{kind}", "expected a number or text, got {kind}"),
    "value.an_object": ("键值对象", "an object of keys and values"),
    "value.a_list": ("列表", "a list"),
    # -- records/prepare (s9): a log row dated after the log's end --
    "prepare.doubtful_date": (
        "{date} 晚于{what}({until}):可疑日期,不计入",
        "{date} is after {what} ({until}): a doubtful date, not counted",
    ),
    # -- engines/_rejected (s9, xfails): a log row read otherwise, its date a DATE --
    "engines.unchecked_text": (
        "数据库表中的 ID 或代码含有 qrules 的 SQL 不核对的字符(组合符号、私用区字符、标签、变体选择符或未分配的码位):表按存储的原样比较,未必与从文件读取时一致",
        "an id or code holding a character that qrules' SQL does not check (a combining mark, private use, a tag, a variation selector or an unassigned code point): a database table compares it as stored, which may not be how a file is read",
    ),
    "engines.unchecked_text_hint": (
        "请去掉该字符,或把表导出为文件后检查",
        "remove the character, or check the table exported to a file",
    ),
    # -- _judge (s10): a city's row that its districts' rows contradict --
    "evaluate.city_contradicted": (
        "无法判定:全市报告值与区县数值不一致,结论取决于哪一方正确({conflicts});请更正有误的一方",
        "unknown: the city's row and its districts' rows disagree, and the verdict depends on which is right ({conflicts}); correct the wrong one",
    ),
    "evaluate.city_contradiction": (
        "{year} 年{measure}:全市报告值 {city}({city_rows}),{count} 个区县合计 {total}({district_rows})",
        "{measure} in {year}: the city's row says {city} ({city_rows}), its {count} districts sum to {total} ({district_rows})",
    ),
    # -- _boundary (s10 hunt): a table to write that is there already --------------
    "driver.table_exists": (
        "该表已存在:请给出一个尚不存在的表名(qrules 新建该表,不覆盖已有的表)",
        "the table is there already: give the name of a table that does not exist yet (qrules makes it new, and overwrites none)",
    ),
    "driver.duckdb_read_only": (
        "qrules 以只读方式打开 duckdb:/// 网址的数据库:要写入表({option}),请传入一个打开的连接({call})",
        "qrules opens a duckdb:/// URL's database read only: to write a table ({option}), pass an open connection ({call})",
    ),
    # -- testing (s10): assert_meets's failure message (testing.py) --
    "testing.failing": (
        "{total} 项结果中有 {count} 项未满足{rulebook},{inputs}:",
        "{count} of {total} results do not meet {rulebook}, {inputs}:",
    ),
    "testing.where_district": ("{year},{district}", "{year}, {district}"),
    "testing.result": (
        "{rule} [{where}]:{verdict} — {title}",
        "{rule} [{where}]: {verdict} — {title}",
    ),
    "testing.observed": (
        "观测值 {observed},要求 {target}{gap}",
        "observed {observed}, required {target}{gap}",
    ),
    "testing.missing": ("缺失", "missing"),
    "testing.short_by": (",差 {gap}", ", short by {gap}"),
    "testing.needs": ("需要:{change}", "needs: {change}"),
    "testing.plan": ("规划原文({section}):{quote}", "plan ({section}): {quote}"),
    "testing.vanished": (
        "以下预期失败已不再失败(请从 known_failures 中删除):",
        "Known failures that no longer fail (remove them from known_failures):",
    ),
    "testing.units": (
        "{population} 个单位中 {count} 个未达到要求:",
        "{count} of {population} units do not meet it:",
    ),
    "testing.known_reason": ("{known}({reason})", "{known} ({reason})"),
    # -- fixes (s10): tables in place (engines/_rejected.py, engines/_holdings.py) --
    "engines.rejected_units": (
        "{count} 行记录的单位是登记册中被拒收行的单位({ids}):不计入",
        "{count} row{s} naming the unit of a rejected register row ({ids}): not counted",
    ),
    # -- fixes (s10): a percentage written without its sign (_data.py) --
    "value.ambiguous_percent": (
        "{value} 作为百分比有歧义:可能是 {value}%,也可能是占比 {percent}%;若为 {percent}% 请写作 {percent}%(或 {percent}),若为 {value}% 请写作 {value}%",
        "{value} is ambiguous as a percentage: {value} % or a share of {percent} %; write {percent}% (or {percent}) for {percent} %, {value}% for {value} %",
    ),
    # -- fixes (s10): a failing unit that rows not counted could make meet (records/doubts.py) --
    "doubts.may_meet": (
        "{needs}(也可能已达到:检查记录第 {rows} 行未计入,可能是它的检查)",
        "{needs} (or it may meet it already: log row{s} {rows}, not counted, could be its inspections)",
    ),
    # -- records/doubts.py (s10 pop): a unit whose population column is empty --
    "doubts.vacant": (
        "登记册中人群列(风险等级、规模或区县)为空的 {count} 行",
        "{count} register row{s} with an empty population column (risk level, size or district)",
    ),
    "doubts.no_flag_column": (
        "登记册没有 {column} 列,无法判断哪些单位具备该项{so_far}",
        "the register has no {column} column: which units have it is unknown{so_far}",
    ),
    "engines.too_many_vacant": (
        "登记册中风险等级、规模或区县为空、且可能改变结论的行超过 {limit:,} 行",
        "more than {limit:,} register rows with no risk level, size or district that could change a verdict",
    ),
    "engines.too_many_vacant_hint": (
        "请在登记册中填写风险等级(risk_level)、规模(size)和区县(district)",
        "fill in the register's risk_level, size and district columns",
    ),
    # -- fixes (s10): an integer date column in place (engines/__init__.py) --
    "engines.number_day": (
        "文件读取器把日期列中的数字读作 Excel 序列日期(45356 即 2024-03-05)或 YYYYMMDD 形式的日期:请判定一个把它转换为日期的视图:{serial}(序列日期)或 {compact}(YYYYMMDD)",
        "a file reader reads a number in a date column as an Excel serial (45356 is 2024-03-05) or digits written YYYYMMDD: judge a view that makes it a date, {serial} (serials) or {compact} (YYYYMMDD)",
    ),
    # -- records (s10 dates): doubtful register dates, mapped markers, declared dates --
    "mapping.marker_code": (
        "{code!r} 表示缺失值,不能映射为代码(各读取途径都把它读作缺失):请在数据中写出代码,或删除这一映射",
        "{code!r} is a marker of a missing value and cannot be mapped to a code (every route reads it as missing): write the code in the data, or remove this mapping",
    ),
    "prepare.doubtful_registered": (
        "登记日期 {date} 晚于今天({today}):可疑日期,该单位是否在册未知",
        "registered {date}, after today ({today}): a doubtful date, the unit's membership unknown",
    ),
    "plan.declared_date": ("{name}：{problem}", "{name}: {problem}"),
    "plan.iso_date": (
        "{value!r} 不是日期:请写作 2024-12-31、2024/12/31、2024.12.31、2024年12月31日 或 20241231(与检查记录的日期单元格相同;Excel 序列号不可)",
        "{value!r} is not a date: write 2024-12-31, 2024/12/31, 2024.12.31, 2024年12月31日 or 20241231 (as a log's date cells; not an Excel serial)",
    ),
    # -- _figures (s10 misc): what a district cell names ------------------------------------
    "figures.group_not_district": (
        "{district!r} 是一组区县(只由表示区县类别的字组成),不是一个区县:与其中的区县相加,会把它们计算两次",
        "{district!r} is a group of districts (only words for a kind of district), not one district: summed with the districts in it, it counts them twice",
    ),
    "figures.group_not_district_hint": (
        '请删除该行;若它是全市的数值,请把区县留空或写作“全市”,或在映射文件的 [figures.districts] 中写 "{district}" = ""',
        'delete the row; if it is the whole city\'s figure, leave the district empty (or write 全市), or map it in the mapping file\'s [figures.districts]: "{district}" = ""',
    ),
    "figures.unknown_district": (
        "{district!r} 不是规则集列出的区县之一({districts})",
        "{district!r} is not one of the districts the rulebook lists ({districts})",
    ),
    "figures.column_not_a_place": (
        "列 {district!r} 在各区县的列旁,但不是区县的名称(区县名称以区、市、县、旗等结尾):"
        "无法判断其数值是否是某个区县的",
        "column {district!r} stands beside the districts' columns but is no district's name "
        "(those end in 区, 市, 县, 旗, District, County…): whether its figures are a district's "
        "cannot be told",
    ),
    "figures.column_not_a_place_hint": (
        '若它是每行一个数值的数值列,请将其命名为“数值”,或在映射文件的 [figures.columns] 中写 value = "{district}";'
        "若它是一个区县,请写出全称(如“芝罘区”而非“芝罘”),"
        '或在映射文件的 [figures.districts] 中写 "{district}" = "<区县>";否则请删除该列',
        "if it holds the figures, one a row, name it 数值 (value) or map it in the mapping file's "
        '[figures.columns]: value = "{district}"; if it is a district, write its full name '
        '(芝罘区, not 芝罘), or map it in [figures.districts]: "{district}" = "<district>"; '
        "else delete the column",
    ),
    "figures.unknown_district_hint": (
        '请按规则集的写法写区县,或在映射文件的 [figures.districts] 中写 "{district}" = "<区县>"',
        'write the district as the rulebook does, or map it in the mapping file\'s [figures.districts]: "{district}" = "<district>"',
    ),
    "records.district_twice": (
        "登记册中的区县 {districts} 可能是同一区县的两种写法(各自首次出现在第 {rows} 行):按区县判断会成为两个区县",
        "the register's districts {districts} may be one district written two ways (first at rows {rows}): judged by district, they would be two",
    ),
    "records.district_twice_tables": (
        "登记册中的区县 {districts} 可能是同一区县的两种写法:按区县判断会成为两个区县",
        "the register's districts {districts} may be one district written two ways: judged by district, they would be two",
    ),
    "records.district_twice_hint": (
        "请在登记册的区县列中统一写法,或在映射文件的 [register.codes.district] 中把它们映射为同一区县",
        "write it one way in the register's district column, or map the spellings to one district in the mapping file's [register.codes.district]",
    ),
    # -- records/read (s11 hunt): dates outside the years read, a time of day alone --
    "date.years": (
        "{value} 不在 qrules 读取的年份(1900 至 2200 年)内:若它代表没有日期(如 0001-01-01、9999-12-31),请留空该单元格",
        "{value} is not in the years qrules reads (1900 to 2200): if it stands for no date (as 0001-01-01 or 9999-12-31 do), leave the cell empty",
    ),
    "date.time_only": (
        "{value} 只是一天中的时刻,不是日期(在 Excel 中是日期格式的 0)",
        "{value} is a time of day, not a date (in Excel, a 0 in a date format)",
    ),
    # -- _tabular (s11 hunt): a file of two encodings --
    "tabular.two_encodings": (
        "该行是 UTF-8 编码的中文,而文件的其他部分不是 UTF-8(按 GB18030 读取):文件混用了两种编码,按一种读取会把另一种的文字读错",
        "this line is Chinese in UTF-8, while the rest of the file is not UTF-8 (read as GB18030): the file mixes two encodings, and reading it in one would misread the other's text",
    ),
    "tabular.one_encoding": (
        "请把整个文件另存为一种编码(如 UTF-8),或用 --encoding(encoding=)指定读取的编码",
        "save the whole file in one encoding (UTF-8, say), or give the encoding to read it in with --encoding (encoding=)",
    ),
    # -- _decisions (s11 hunt): a logged value of the wrong shape --
    "audit.not_a_table": (
        "{key} 应是键值表(JSON 对象),而不是其他值",
        "{key} is not a table of keys and values (a JSON object)",
    ),
    "audit.not_a_list": ("{key} 应是列表(JSON 数组)", "{key} is not a list (a JSON array)"),
    # -- _decisions (s12 leftovers): a logged value of the wrong shape, in qrules' words --
    "audit.missing_key": ("缺少 {key}", "{key} is missing"),
    "audit.not_text": (
        "{key} 的值 {value} 应是文本(JSON 字符串)",
        "{key} is {value}, not text (a JSON string)",
    ),
    "audit.not_a_year": (
        "{key}:{value} 不是年份(如 2025)",
        "{key}: {value} is not a year (such as 2025)",
    ),
    "audit.not_a_date": (
        "{key} 的值 {value} 不是 YYYY-MM-DD 格式的日期",
        "{key} is {value}, not a date written YYYY-MM-DD",
    ),
    "audit.not_a_verdict": (
        "记录的判定 {value} 不是 {verdicts} 之一",
        "verdict is {value}, not one of {verdicts}",
    ),
    # -- _boundary and the readers (s12 leftovers): what to do with a file an outside
    # parser refuses ({detail}: its own words, in English, which zh leaves out) --
    "load.toml_hint": (
        "请检查该处的方括号、引号、逗号和等号",
        "check the brackets, quotation marks, commas and = signs there",
    ),
    "figures.json_hint": (
        "请检查该处的括号、引号和逗号,包括最后一项之后多余的逗号",
        "check the brackets, quotation marks and commas there, a comma after the last item included",
    ),
    "read.csv_hint": (
        "请用表格软件打开并另存为 CSV(UTF-8)",
        "open it in a spreadsheet program and save it as CSV (UTF-8) again",
    ),
    "read.xlsx_hint": (
        "请用 Excel 打开并另存为 .xlsx",
        "open it in Excel and save it as .xlsx again",
    ),
    "read.text_hint": (
        "请把文件另存为 UTF-8 编码,或用 --encoding(encoding=)指定其编码",
        "save the file as UTF-8, or give its encoding with --encoding (encoding=)",
    ),
    "where.end_of_document": ("文件末尾", "the end of the file"),
    "read.csv_field_too_long": (
        "有单元格超过 {limit:,} 个字符,qrules 不读取这样长的单元格:若是引号未闭合(使文件其余部分成了一个单元格),请补上引号",
        "a cell is longer than {limit:,} characters ({detail}), which qrules does not read: if a quotation mark is never closed (making the rest of the file one cell), close it",
    ),
    "audit.unreadable": (
        "某个值的类型或形式不是 qrules 写入的",
        "a value is not of the type or shape qrules writes",
    ),
    # -- _rulebook (s11 hunt): a rule judged by a rulebook it is not of --
    "model.not_own_rule": (
        "规则 {rule!r} 不是规则集 {rulebook!r} {version} 中的该规则(来自另一规则集或版本,或已被修改),其结论不写入决策日志:日志会把它记在该规则集的版本和指纹名下;请用它所属的规则集判断并记录",
        "rule {rule!r} is not rulebook {rulebook!r} {version}'s rule of that id (it is of another rulebook or version, or was changed), and its verdict is not written to the decision log, which would give it out under this rulebook's version and fingerprint: judge and log it with the rulebook it is of",
    ),
    # -- records/read (s11 hunt): a category written by its name --
    "records.category_named": (
        "'{written}' 是类别 {code} 的另一种写法(其中文名、英文名或大小写不同的代码),不是类别代码:请写作 {code},或在映射文件的 [register.codes.category] 中映射它",
        "'{written}' is category {code} written otherwise (its Chinese or English name, or its code in other letters), not a category code: write {code}, or map it in the mapping file's [register.codes.category]",
    ),
    # -- cli (s10 misc) ---------------------------------------------------------------------
    "help.template.force": (
        "覆盖已存在的 -o 文件(默认拒绝:它可能是已填好的报表)",
        "overwrite an -o file that exists (refused by default: it may be figures filled in)",
    ),
    "cli.template_exists": (
        "{output} 已存在(可能是已填好的数据),不会覆盖:请换一个 -o 文件名,或加 --force 覆盖它",
        "{output} exists (perhaps figures filled in) and is not overwritten: give another -o, or --force to overwrite it",
    ),
    "git.no_revision": (
        "本仓库中没有版本 {revision!r}:请写一个存在的提交、分支或标签(可在 git 的提交记录中查到)",
        "no revision {revision!r} in this repository (git rev-parse does not know it): give a commit, branch or tag that exists (git log --oneline lists the commits), as in HEAD~1:rules/yantai-2023-2025",
    ),
    "cli.list_needs_rulebook": (
        "{options} 在规则集中选择规则:请给出规则集(qrules list RULEBOOK {first} …;qrules list 列出规则集)",
        "{options} choose{s} rules of a rulebook: give one (qrules list RULEBOOK {first} …; qrules list lists the rulebooks)",
    ),
    "cli.show_listing": (
        "qrules list {rulebook} 列出其全部规则",
        "qrules list {rulebook} lists its rules",
    ),
    "problems.records": ("记录 ", "records"),
    "help.format.check": (
        "终端用的表格(默认)、供程序用的 JSON、供审阅文档用的 Markdown,或供持续集成用的 JUnit XML",
        "a table for a terminal (the default), JSON for programs, Markdown for review documents, JUnit XML for CI",
    ),
    "help.format.report": (
        "报告的格式(默认:html)",
        "the report's format (default: html)",
    ),
    "help.format.export": (
        "供其他程序用的 JSON(默认),或每条规则连同原文的 Markdown 页面",
        "JSON for other programs (the default), or the Markdown page of every rule with its quote",
    ),
    "help.format.text_json": (
        "文本(默认)或 JSON",
        "text (the default) or JSON",
    ),
    "help.format.diff": (
        "文本(默认)、JSON 或 Markdown 表格",
        "text (the default), JSON or a Markdown table",
    ),
    "help.format.coverage": (
        "表格(默认)、Markdown、HTML 或 JSON",
        "a table (the default), Markdown, HTML or JSON",
    ),
    "help.list.rulebook": (
        "已发布规则集的名称或规则集文件夹;不给出时列出已发布的规则集",
        "a shipped rulebook's name or a rulebook folder; without it, the shipped rulebooks are listed",
    ),
    "help.show.rule": (
        "规则的 ID(qrules list RULEBOOK 列出全部 ID)",
        "the rule's id (qrules list RULEBOOK lists them)",
    ),
    "help.validate.rulebooks": (
        "要检查的规则集文件夹(或已发布规则集的名称)",
        "the rulebook folders (or shipped rulebooks' names) to check",
    ),
    "help.old": (
        "旧的规则集:已发布的名称、文件夹,或 git 修订版中的文件夹 REV:PATH",
        "the old rulebook: a shipped name, a folder, or REV:PATH for a folder at a git revision",
    ),
    "help.new": (
        "新的规则集:已发布的名称、文件夹,或 git 修订版中的文件夹 REV:PATH",
        "the new rulebook: a shipped name, a folder, or REV:PATH for a folder at a git revision",
    ),
    "help.coverage.report": (
        "pytest --qrules-coverage-report=json:FILE 保存的规则覆盖率报告",
        "a rule coverage report saved by pytest --qrules-coverage-report=json:FILE",
    ),
    "help.list.description": (
        "不给规则集时,列出已发布的规则集(名称、版本、规则数、标题);给出规则集时,按规划顺序列出其规则及要求、期限和章节(有选择时只列所选的规则)。",
        "Without a rulebook, the shipped rulebooks (name, version, number of rules, title); with one, its rules in the plan's order with their requirement, due date and section, or those the selection picks.",
    ),
    "help.show.description": (
        "一条规则及其全部信息:指标及公式、要求、随时间的取值方式、期限、强度、章节和规划原文、规划引用的指标和数据来源、开放措辞的解读、适用范围、相关规则和标签。",
        "One rule and everything it knows: the measure and its formula, the requirement, how the measure is taken over time, the due date, the strength, the section and the plan's verbatim quote, the indicator and data sources the plan cites, how open wording was read, the scope, related rules and tags.",
    ),
    "help.export.description": (
        "把规则集(或所选规则)导出为供其他程序用的 JSON,或每条规则连同原文的 Markdown 页面。",
        "Export a rulebook (or the rules selected) as JSON for other programs, or as the Markdown page of every rule with its quote.",
    ),
    "help.validate.description": (
        "检查规则集文件夹,一次报告每个问题,各附文件、规则 ID 和键(有问题时退出码为 2);并列出读出了原文未写目标的规则,供审阅。",
        "Check rulebook folders and report every problem at once, each with file, rule id and key (exit 2 when there is one); list the rules that read a target their quote does not write, for a reviewer.",
    ),
    "help.changelog.description": (
        "为新版本写 Keep a Changelog 格式的一节(新版本号小于其变更所要求的版本号时,退出码为 2,不写任何内容)。",
        "The Keep a Changelog section for the new version (exit 2, writing nothing, when the new version is smaller than its changes call for).",
    ),
    "help.schema.description": (
        "规则文件的 JSON Schema 所在位置:每个 schema 文件的路径,或加 --path 时只给出其文件夹。",
        "Where the JSON Schemas for rule files are: each schema file's path, or with --path only their folder.",
    ),
    # -- leftovers (s13): psycopg2, template districts, aliases, drivers' errors -----------
    "engines.psycopg2": (
        "这是 psycopg2 的连接:qrules 通过 psycopg 3 在 PostgreSQL 中判定表(psycopg2 未经测试,不予使用);"
        "请传入 psycopg.connect(URL) 打开的连接,或直接给出 URL(pip install 'qrules-plan[postgres]')",
        "a psycopg2 connection: qrules judges tables in PostgreSQL through psycopg 3 "
        "(psycopg2 is not tested, and not used); pass a connection psycopg.connect(URL) "
        "opened, or the URL itself (pip install 'qrules-plan[postgres]')",
    ),
    "figures.alias_shadows": (
        "别名 {alias!r} 是指标 {other!r} 自己的名称(标识、中文或英文名),却映射到 {measure!r}:"
        "{other!r} 的数据会被当作 {measure!r} 判定",
        "the alias {alias!r} is the own name (id, zh or en name) of measure {other!r}, "
        "mapped to {measure!r}: the figures of {other!r} would be judged as those of {measure!r}",
    ),
    "figures.alias_shadows_hint": (
        "请删去此别名,或在表格中把该指标改写为另一个名称再为其设别名;"
        "用 qrules measures 查看 {other!r} 的各个名称",
        "delete this alias, or write the measure under another name in the sheet and alias "
        "that; qrules measures lists the names of {other!r}",
    ),
    "figures.alias_twice": (
        "别名 {alias!r} 与别名 {first!r} 按同一名称比较(不计大小写、空格、标点、繁简),"
        "却映射到不同的指标:{measure!r} 与 {other!r}",
        "the alias {alias!r} compares as the same name as the alias {first!r} (case, spaces, "
        "punctuation and traditional characters aside), mapped to another measure: "
        "{measure!r}, not {other!r}",
    ),
    "figures.alias_twice_hint": (
        "一个名称只能指一个指标:请删去其中一个别名",
        "a name means one measure: delete one of the two aliases",
    ),
    "template.district_hint": (
        "请给出一个区县的名称(规则集或贵单位的写法);全市的数值请不加 --district(默认即为全市),或给出 --district 全市",
        "give --district the name of one district, as the rulebook or your office writes it; "
        "for the whole city's figures leave --district out (the default), or give --district 全市",
    ),
    "template.no_district": (
        "{district!r} 不是名称(空白,或表示缺失值的记号):填好的模板中它会被读作全市",
        "{district!r} names nothing (blank, or a mark of a missing value): "
        "the filled-in template would read it as the whole city",
    ),
    "template.district_repeated": (
        "{district!r} 与 {first!r} 读作同一地区:模板中每个数值会出现两次",
        "{district!r} reads as the same place as {first!r}: "
        "the template would give each figure twice",
    ),
    "template.district_spelled_twice": (
        "{districts} 可能是同一区县的两种写法:检查时会被拒绝",
        "{districts} may be one district written two ways: check would refuse them",
    ),
    "driver.no_table": (
        "{driver} 数据库中没有表 {table!r}",
        "{driver}: the database has no table {table!r}",
    ),
    "driver.tables_hint": (
        "请按数据库中的写法给出表名(table=,或 URL 中的 ?table=;在数据库中判定的表用 --register-table 和 --log-table)",
        "name the table as the database has it (table=, or ?table= in a URL; "
        "--register-table and --log-table for tables judged in place)",
    ),
    "driver.no_column": (
        "{driver}:表中没有 qrules 读取的某一列",
        "{driver}: a column qrules reads is not in the table",
    ),
    "driver.no_column_named": (
        "{driver}:表中没有 qrules 读取的列 {column!r}",
        "{driver}: the table has no column {column!r}, which qrules reads",
    ),
    "driver.table_named": ("表 {table!r}", "table {table!r}"),
    "driver.a_table": ("qrules 读取的表", "a table qrules reads"),
    "driver.no_permission": (
        "{driver}:连接所用的用户无权读取{table}",
        "{driver}: the user connected may not read {table}",
    ),
    "driver.permission_hint": (
        "请授予该用户读取权限(GRANT SELECT ON 表 TO 用户),或以有权读取的用户连接",
        "grant the user the right to read it (GRANT SELECT ON the table TO the user), "
        "or connect as a user who may",
    ),
    "driver.no_database": (
        "{driver} 服务器上没有数据库 {database!r}",
        "{driver}: the server has no database {database!r}",
    ),
    "driver.login_refused": (
        "{driver} 服务器拒绝了 URL 中的用户:没有此用户,或密码不对或缺失",
        "{driver}: the server refused the URL's user: no such user, or a wrong or missing password",
    ),
    "driver.login_hint": (
        "请检查 URL 中的用户名和密码(密码也可来自 PGPASSWORD 或 ~/.pgpass)",
        "check the user and password in the URL (a password may also come from PGPASSWORD or ~/.pgpass)",
    ),
    "driver.bad_url": (
        "{driver} 无法读取此 URL:{detail}",
        "{driver} cannot read the URL: {detail}",
    ),
    "driver.url_hint": (
        "请写作 postgresql://用户@主机:端口/数据库,? 后只写 libpq 认识的参数(如 sslmode=require)",
        "write postgresql://user@host:port/database, with only options libpq knows after ? "
        "(such as sslmode=require)",
    ),
    "driver.unreachable": (
        "无法连接到 {driver} 服务器",
        "{driver}: the server cannot be reached",
    ),
    # -- s11 noticed: testing.py, _figures/_data, _git, records ----------------------------
    "testing.unconfirmed": (
        "预期失败 {known} 未得到确认:结果无法判定,而非未达标(缺失数据从不算通过);请补齐数据,或传入 allow_unknown=True",
        'known failure {known} not confirmed: the result is unknown, not "not met" (missing data is never a pass); give the data, or pass allow_unknown=True',
    ),
    "prepare.before_start": (
        "检查记录中有日期早于其声明起始日 {start} 的行(最早为 {first}):按日期计入所在年份;检查记录未完整覆盖这些年份,其结果为无法判定",
        "the log holds rows dated before its declared start, {start} (the first on {first}): counted in the years they fall in, which the log does not cover whole (their results are unknown)",
    ),
    # A table's kind put into a message (engines.zoned_type, engines.unread_type, collate.column).
    "table.register": ("登记册", "register"),
    "table.log": ("检查记录", "log"),
    # -- records/read (s11 lead) ------------------------------------------------------------
    "records.unit_otherwise": (
        "单位 {unit!r} 在第 {row} 行再次出现,{columns} 不同:无法判断哪一行成立,该单位是否属于规则的对象无法确定",
        "unit {unit!r} is given again in row {row} with another {columns}: which row holds cannot be told, so whether the unit is in a rule's population is unknown",
    ),
    "records.unit_given_before": (
        "单位 {unit!r} 已在第 {row} 行出现(该行被拒收),{columns} 不同:无法判断哪一行成立,该单位是否属于规则的对象无法确定",
        "unit {unit!r} was given before in row {row}, a row rejected, with another {columns}: which row holds cannot be told, so whether the unit is in a rule's population is unknown",
    ),
    "records.unit_otherwise_hint": (
        "每个单位只保留一行:登记信息变更后删去旧行",
        "keep one row per unit: remove the old row when a unit's entry changes",
    ),
    "figures.blank_district_inner": (
        "区县单元格空白,而上一行为 {above}:区县列在指标列之后,不是合并单元格,无法判断这是全市的数还是 {above} 的数",
        "a blank district cell below {above}'s row: right of the measure column it is no merged cell, and whether the figure is the city's or {above}'s cannot be told",
    ),
    "figures.blank_year_inner": (
        "年份单元格空白,而上一行为 {above}:年份列在指标列之后,不是合并单元格,无法判断这是哪一年的数",
        "a blank year cell below {above}'s row: right of the measure column it is no merged cell, and which year the figure is of cannot be told",
    ),
    "figures.blank_inner_hint": (
        "请填写该单元格,全市的数写“全市”;或把该列移到指标列之前",
        "fill the cell in, writing 全市 for the city's figures, or move the column before the measure column",
    ),
    # -- _xlsx (s12 excel): merged cells, hidden rows and columns of a sheet -------------------
    "xlsx.too_many_merged": (
        "工作表的合并区域超过 {limit:,} 个",
        "the sheet has more than {limit:,} merged ranges",
    ),
    "xlsx.too_many_merged_hint": (
        "请取消合并单元格(在每个单元格中写上它的值),或把工作表另存为 CSV",
        "unmerge the cells (writing its value in each cell), or save the sheet as CSV",
    ),
    "xlsx.merged_header": (
        "单元格 {range} 把表头行和数据行合并在一起",
        "cells {range} are merged across the header row and data rows",
    ),
    "xlsx.merged_header_hint": (
        "请取消合并:在表头行写列名,在每一数据行写该行的值",
        "unmerge them: write the column's name in the header row, and each row's value in its row",
    ),
    "xlsx.merged_figures": (
        "单元格 {range} 把第 {rows} 行的数值合并为一个:无法判断这是每一行的数还是它们的合计",
        "cells {range} merge the figures of rows {rows} into one: whether it is each row's figure or their total cannot be told",
    ),
    "xlsx.merged_figures_hint": (
        "请取消合并,在每一行写该行的数(合计另起一行)",
        "unmerge them and write each row's figure (a total in a row of its own)",
    ),
    "xlsx.merged_columns": (
        "单元格 {range} 把含义不同的列合并在一起:{columns}",
        "cells {range} merge columns of different meanings: {columns}",
    ),
    "xlsx.merged_columns_hint": (
        "请取消合并,在每一列写该列的值",
        "unmerge them and write each column's value in its own cell",
    ),
    "xlsx.broken_merge": (
        "不是可读的 .xlsx 文件:合并区域 {range!r} 不是单元格区域",
        "not a readable .xlsx file: merged range {range!r} is not a range of cells",
    ),
    "xlsx.overlapping_merges": (
        "不是可读的 .xlsx 文件:合并区域 {first} 与 {second} 重叠,其中的单元格没有唯一的值",
        "not a readable .xlsx file: merged ranges {first} and {second} overlap, and their "
        "cells have no one value",
    ),
    "xlsx.resave": (
        "请用 Excel 或 LibreOffice 打开并另存该文件",
        "open the file in Excel or LibreOffice and save it again",
    ),
    "xlsx.more_merged": (
        "另有 {more} 处合并区域同样无法读取",
        "and {more} more merged ranges that cannot be read, alike",
    ),
    "xlsx.merged_range": (
        "{range}(列 {column},第 {rows} 行)",
        "{range} (column {column}, rows {rows})",
    ),
    "xlsx.merged_filled": (
        "合并单元格按其第一个单元格的值读取,与表中所见一致:{ranges}",
        "merged cells read as their first cell's value, as the sheet shows them: {ranges}",
    ),
    "xlsx.and_more": ("{listed}……另有 {more} 处", "{listed}; … {more} more"),
    "xlsx.and_more_runs": ("{listed}……另有 {more} 段", "{listed}, … {more} more"),
    "xlsx.hidden_rows": (
        "隐藏的行与其他行一样读取:{rows}(作废的行请删除,而不是隐藏)",
        "hidden rows read as any other: {rows} (delete superseded rows rather than hide them)",
    ),
    "xlsx.hidden_rows_filtered": (
        "隐藏的行与其他行一样读取:{rows}(工作表设有筛选:被筛选隐藏的行也读取)",
        "hidden rows read as any other: {rows} (the sheet has a filter on: the rows it hides are read too)",
    ),
    "xlsx.rows": ("第 {rows} 行", "rows {rows}"),
    "xlsx.unnumbered": ("文件中未写行号的行", "rows the file does not number"),
    "xlsx.hidden_columns": (
        "隐藏的列与其他列一样读取:{columns}",
        "hidden columns read as any other: {columns}",
    ),
    # -- records/cli (s12 hunt): an option of records given with figures only --------------
    "records_cli.records_only": (
        "{options} 用于记录(--register 和 --log 给出的登记册和检查记录,或 --database 中的表),不用于报送的数据:请删去",
        "{options} applies to records (a register and a log, --register and --log, or the tables of --database), not to reported figures: drop it",
    ),
    # -- records/read (s12 hunt): a mapping file's problems, said of it --------------------
    "problems.mapping": ("映射文件 ", "mapping file"),
    # -- _decisions (s12 hunt): a head that is no digest -----------------------------------
    "audit.head_form": (
        "--head {head!r} 不是 qrules audit 所示的末行摘要:请给出该摘要(64 位十六进制数字,可带其前缀)",
        "--head {head!r} is not a SHA-256 digest: give the head qrules audit shows (sha256: and 64 hexadecimal digits)",
    ),
    # -- _diff (s12 hunt): the plan's list of districts ------------------------------------
    "diff.field_plan_districts": ("区县名单", "districts"),
    # -- strict (s13): cells of an .xlsx file that cannot be read -------------------------
    "where.header_column": ("表头,第 {column} 列", "header, column {column}"),
    "tabular.error_value": (
        "错误值 {code}(其公式计算失败),不是数据",
        "an error value {code} (its formula failed), not data",
    ),
    "tabular.error_value_hint": (
        "请在 Excel 中修正该公式或填写该值,然后保存",
        "correct the formula in Excel or write the value, then save the file",
    ),
    # -- _load (s13 hunt): at_most going round -----------------------------------------------
    "load.at_most_cycle": (
        "at_most 构成循环({measures}):这些指标只能相等;部分的 at_most 写其整体,整体不写其部分",
        "at_most goes round ({measures}): these measures could only be equal; a part's at_most names its whole, never the whole its part",
    ),
    # -- records/read (s13 journeys): a register or log exported with a title row ---------
    "tabular.other_sheets": (
        "读取的是工作簿的第一个可见工作表 {sheet};其他工作表:{sheets}",
        "the sheet read is {sheet}, the workbook's first visible one; its other sheets: {sheets}",
    ),
    "tabular.other_sheets_hint": (
        "若数据在其他工作表中,请用 {option} 指明(Python 中为 sheet=)",
        "if the data is on another sheet, name it with {option} (sheet= in Python)",
    ),
    "help.register_sheet": (
        "登记册 .xlsx 文件中要读取的工作表(默认:第一个可见的工作表)",
        "the sheet of the register's .xlsx file (default: the first visible one)",
    ),
    "help.log_sheet": (
        "检查记录 .xlsx 文件中要读取的工作表(默认:第一个可见的工作表)",
        "the sheet of the log's .xlsx file (default: the first visible one)",
    ),
    "records_cli.sheet_needs_file": (
        "{option} 指明 --register 或 --log 所给 .xlsx 文件中的工作表,但没有给出该文件",
        "{option} names a sheet of the .xlsx file given with --register or --log, and none is given",
    ),
    "records.a_code": ("<代码>", "<code>"),
    "records.row_above": ("第 1 行", "row"),
    "records.rows_above": ("第 1 至 {last} 行", "rows 1 to {last}"),
    "records.header_below": (
        "第 1 行不是表头:第 {row} 行才是(其中有列 {columns})",
        "row 1 is not the header: row {row} is (it holds the columns {columns})",
    ),
    "records.header_below_hint": (
        "登记册和检查记录的第一行须是表头:请删除表头上方的{rows}(标题等)",
        "a register's or log's first row is its header: delete the {rows} above it (a title)",
    ),
    "records.above_header": (
        "第 {row} 行是表头,但其上方第 {held} 行不只是标题:表头上方的行不读取,这样的行不能被略过",
        "row {row} is the header, but row {held} above it holds more than a title: rows above a header are not read, and such a row is not left out unseen",
    ),
    "records.above_header_hint": (
        "删除表头上方的行,或把其中的记录移到表头下方",
        "delete the rows above the header, or move their records below it",
    ),
    # -- leftovers (s14): a year in a figures header; records' header below a title --------
    "figures.year_beside_years": (
        "年份列 {column} 与各年的列({columns})并存:每个数值属于哪一年无法确定",
        "a year column {column} beside columns of years ({columns}): which year each figure is for cannot be told",
    ),
    "figures.year_beside_years_hint": (
        "每个数值写在其年份的列下(数值(2024)、2024年)并删去年份列;或只用一个数值列(数值、value)并保留年份列",
        "write each figure under its year's column (value (2024), 2024) and delete the year column; or keep the year column and one value column (value, 数值)",
    ),
    # -- leftovers (s14): DuckDB's second column of a name, renamed -------------------------
    "engines.renamed_twin": (
        "列 {column!r} 与 {twin!r}:DuckDB 把 DataFrame、Arrow 表或其读取的 CSV 文件中与 {column!r} 同名(不论大小写)的第二列命名为 {twin!r},两列中哪一列是 {canonical} 无法确定",
        "columns {column!r} and {twin!r}: DuckDB names {twin!r} a second column named {column!r} (in any case) of a DataFrame, an Arrow table or a CSV file it reads, and which of the two is the {canonical} cannot be told",
    ),
    "engines.renamed_twin_hint": (
        "请在来源中只保留一列;若 {twin!r} 本是另一列,请给它改名(不以 {column}_ 加数字命名)",
        "keep one of the two columns in the source; if {twin!r} is a column of its own, rename it (not {column}_ and a number)",
    ),
    # -- errortext (s14): an Excel error value's text, read as the error value -------------
    "mapping.error_code": (
        "{code!r} 是 Excel 的错误值(公式计算失败),不能映射为代码(各读取途径都拒绝含错误值的行):请在数据中写出代码,或删除这一映射",
        "{code!r} is an Excel error value (a formula that failed) and cannot be mapped to a code (every route rejects a row holding one): write the code in the data, or remove this mapping",
    ),
    # -- records/doubts (s14 idless): identical log rows without an inspection id ----------
    "doubts.repeated": (
        "{count} 行无检查编号且内容相同的检查记录(可能是两次检查,也可能是同一次检查导出了两遍;"
        "填写检查编号即可确定)",
        "{count} identical log row{s} without an inspection id (two inspections, or one"
        " exported twice: inspection ids would settle it)",
    ),
    "engines.too_many_repeated": (
        "检查记录中无检查编号且内容相同的行所属单位的记录超过 {limit} 行",
        "more than {limit} log rows of units whose rows without an inspection id repeat",
    ),
    "engines.too_many_repeated_hint": (
        "请给检查记录加上检查编号列,每次检查一个编号",
        "give the log inspection ids (an inspection column), one per inspection",
    ),
    # -- _data (s14 hunt): a footnote's mark beside a figure -------------------------------
    "value.digit_mark": (
        "'{text}' 中的 '{mark}' 是上标、下标或带圈的数字(脚注标记?),不作为数字读取;"
        "请只写数值,注释写在另一列",
        "'{text}' holds '{mark}', a superscript, subscript or circled digit (a footnote's "
        "mark?), which is not read as a digit; write the figure alone, and the note in "
        "another column",
    ),
    # -- _xlsx (s14 hunt): the rows a sheet's XML holds, in order --------------------------
    "xlsx.row_order": (
        "不是可读的 .xlsx 文件:工作表的 XML 中第 {row} 行排在第 {before} 行之后"
        "(或超出 Excel 的最后一行 1048576),其各行无法按顺序读取",
        "not a readable .xlsx file: the sheet's XML gives row {row} after row {before} "
        "(or beyond Excel's last row, 1048576): its rows cannot be read in order",
    ),
    # -- _data (s15 lead): districts compared -------------------------------------------
    "data.too_many_districts": (
        "有 {count} 个不同的区县名称，超过 {most} 个：这不像区县列（请检查哪一列被映射为区县）",
        "{count} distinct district names, more than {most}: this does not look like a column "
        "of districts (check which column is mapped as the district)",
    ),
    # -- _diff (s15 hunt): what a rulebook holds beside its rules --------------------------
    "diff.field_text": ("原文", "text"),
    "diff.field_issuer": ("发布机关", "issuer"),
    "diff.field_published": ("发布日期", "published"),
    "diff.field_effective": ("施行期间", "effective"),
    "diff.field_content": ("其他内容(指纹)", "other content (fingerprint)"),
    # -- _compile, _load, _tabular (s16 hunt16): a requirement that ignores the data, in
    # either language; a TOML time; a cell of bytes or of several values -----------------
    "compile.always_met": (
        "无论上报的数值在指标界限内取何值，该要求都满足：它不取决于数据",
        "the requirement is met whatever values within the measures' bounds are reported: "
        "it does not depend on the data",
    ),
    "compile.never_met": (
        "无论上报的数值在指标界限内取何值，该要求都不满足：它不取决于数据",
        "the requirement is not met whatever values within the measures' bounds are "
        "reported: it does not depend on the data",
    ),
    "compile.divides_by_zero": (
        "无论数据如何都除以零：这一比较永远无法判定",
        "divides by zero whatever the data: this comparison could never be judged",
    ),
    "compile.always_true": (
        "不取决于数据：它总是成立",
        "does not depend on the data: it is always true",
    ),
    "compile.always_false": (
        "不取决于数据：它总是不成立",
        "does not depend on the data: it is always false",
    ),
    "kind.time": ("时刻", "a time of day"),
    "tabular.not_a_cell": (
        "单元格中是{kind}，不是文本、数字或日期：不读取",
        "the cell holds {kind}, not text, a number or a date: it is not read",
    ),
    "tabular.not_a_cell_hint": (
        "每个单元格写一个值（文本、数字或日期）；二进制列请先转换为文本（例如按 UTF-8 解码）",
        "give one value in each cell, as text, a number or a date (a column of bytes: "
        "decode it to text first, as UTF-8 say)",
    ),
    "tabular.bytes": ("二进制数据（{value}）", "bytes ({value})"),
    # -- _tabular (s21 frames): a whole number held as a float past 2**53 --
    "tabular.inexact_float": (
        "浮点数 {value}：浮点数只能把超过 {exact} 的整数保存到最接近的 {step}，原来写的数无法得知，不读取",
        "the float {value}, which holds a whole number past {exact} only to the nearest "
        "{step}: the number written cannot be told, and the cell is not read",
    ),
    "tabular.inexact_float_hint": (
        "请以文本提供该列，使每个值按原样读取（DataFrame：按文本或可含空值的整数读取；"
        "工作簿：单元格设为文本格式后重新录入，Excel 的数字只保留 15 位）",
        "give the column as text, so that each value is read as written (a DataFrame: "
        "read it as text, or as pandas' nullable integers; a workbook: cells formatted as "
        "text, the values typed again, as Excel keeps 15 digits of a number)",
    ),
    # -- _decisions (s16 hunt16): a decision log that is a link, or no log ------------------
    "decisions.link": (
        "{path}：决策日志是符号链接（指向 {target!r}）：qrules 不通过链接追加，请直接给出文件的路径",
        "{path}: the decision log is a symbolic link (to {target!r}): qrules appends to no "
        "file through a link; name the file itself",
    ),
    "decisions.not_a_log": (
        "{path}：不是决策日志（最后一行不是 qrules 写的记录），不追加；请给出新文件或日志本身",
        "{path}: not a decision log (its last line is not a record qrules writes), not "
        "appended to; give a new file, or the log itself",
    ),
    # -- _coverage_plugin (s16 hunt16): a coverage report's path, checked before the run ----
    "plugin.report_link": (
        "--qrules-coverage-report={spec}：是符号链接（指向 {target!r}）：qrules 不通过链接写文件，"
        "请直接给出文件的路径",
        "--qrules-coverage-report={spec}: a symbolic link (to {target!r}): qrules writes no "
        "file through a link; name the file itself",
    ),
    "plugin.report_folder": (
        "--qrules-coverage-report={spec}：是文件夹，请给出文件的路径",
        "--qrules-coverage-report={spec}: a folder; give a file's path",
    ),
    "plugin.report_no_folder": (
        "--qrules-coverage-report={spec}：没有文件夹 {folder!r}（请先创建）",
        "--qrules-coverage-report={spec}: there is no folder {folder!r} (create it first)",
    ),
    # -- _data, records/read (s16 hunt16): two keys of a mapping read as one ----------------
    "mapping.read_alike": (
        "{written!r} 读取后与 {first!r} 相同（全角与半角、首尾空格），却映射为 {value!r}，"
        "而 {first!r} 映射为 {other!r}：同一写法不能有两种含义，请只保留一个",
        "{written!r} reads as {first!r} does (full-width and half-width forms, spaces "
        "around), yet is mapped to {value!r} where that is mapped to {other!r}: one written "
        "form cannot mean both; keep one of them",
    ),
    # -- _boundary, _figures: a number of a rule or mapping file beyond the limits;
    # a sheet of figures wider than Excel's ---------------------------------------------
    "limits.toml_number_hint": (
        "规则文件与映射文件中的数字绝对值至多 10^30,至多 60 位",
        "a number in a rule or mapping file is at most 10^30 in magnitude and 60 digits long",
    ),
    "figures.too_many_columns": (
        "有 {count:,} 列,超过 {limit:,} 列(Excel 的上限)",
        "{count:,} columns, more than {limit:,} (Excel's own limit)",
    ),
    "figures.too_many_columns_hint": (
        "数据表每年每项指标一行(或每年一列、每区一列),请删去多余的列",
        "a sheet of figures has a row per measure and year (or a column per year or district); "
        "delete the columns beyond them",
    ),
    # -- _boundary, engines/postgres (s17 mend17): names in capitals on PostgreSQL ----------
    "driver.postgres_folded": (
        "PostgreSQL 将未加双引号创建的名称存为小写（CREATE TABLE Register 创建的是 register），"
        "而 qrules 按给出的写法读写：若它是这样创建的，请给出 {folded!r}",
        "PostgreSQL holds a name made without double quotes in lower case (CREATE TABLE "
        "Register makes register), and qrules takes a name as given: if it was made so, "
        "give {folded!r}",
    ),
    "engines.postgres_twin": (
        "PostgreSQL：数据库已有 {twin!r}，即不加双引号的 SQL 中 {table} 所指的表；"
        "qrules 会在其旁边新建表 {quoted}，此后 SELECT … FROM {table} 读到的仍是 {twin!r}",
        "PostgreSQL: the database has {twin!r}, the table that {table} names in SQL written "
        "without double quotes; qrules would make the table {quoted} beside it, and a later "
        "SELECT … FROM {table} would read {twin!r}, not it",
    ),
    "engines.postgres_twin_hint": (
        "请给出一个不论大小写都没有的表名（小写的名称在加不加双引号的 SQL 中都指同一张表），"
        "或先删除 {twin!r}",
        "give the name of no table in any case (a name in lower case names the same table in "
        "SQL with or without double quotes), or drop {twin!r} first",
    ),
    # -- _tabular, _decisions (s18 bound18): what a file expands to as it is read -----------
    "tabular.expands": (
        "文件中的数据读取时展开超过 {mib:,} MiB(字典中的值被大量行重复，或数据经过压缩)，"
        "超出 qrules 对此类文件的读取上限",
        "the file's data expands beyond {mib:,} MiB as it is read (a value repeated through "
        "a dictionary, or compressed data): over what qrules reads of such a file",
    ),
    "xlsx.too_many_strings": (
        "部件 {part!r} 有 {count:,} 个共享字符串，超出 qrules 的读取上限 {limit:,} 个",
        "part {part!r} holds {count:,} shared strings, over the {limit:,} qrules reads",
    ),
    "xlsx.too_many_strings_hint": (
        "请将工作表另存为 .csv 或 .parquet，或在数据库中评估(--database)",
        "save the sheet as .csv or .parquet, or judge it in a database (--database)",
    ),
    "decisions.too_many_lines": (
        "{path}:决策日志超过 {limit:,} 行(至少 {lines:,} 行)，超出 qrules audit 一次审计的上限；"
        "请开始一个新的日志文件(每个文件自成一条链)，分别审计",
        "{path}: the decision log has more than {limit:,} lines (at least {lines:,}), over what "
        "qrules audit reads at once; start a new log file (each file is a chain of its own) and "
        "audit each",
    ),
    "decisions.too_big": (
        "{path}:决策日志为 {size:,} 字节，超出 qrules audit 一次审计的上限 {mib:,} MiB；"
        "请开始一个新的日志文件(每个文件自成一条链)，分别审计",
        "{path}: the decision log is {size:,} bytes, over the {mib:,} MiB qrules audit reads at "
        "once; start a new log file (each file is a chain of its own) and audit each",
    ),
    "figures.json_too_many": (
        "JSON 数据集在解析前按逗号和括号计值(字符串中的也计入)：共 {count:,} 个，"
        "超出 qrules 的读取上限 {limit:,} 个",
        "the JSON dataset's values, counted by its commas and brackets before it is parsed "
        "(those in strings too), are {count:,}: over the {limit:,} qrules reads",
    ),
    "tabular.table_too_big": (
        "该表({columns} 列)超过 {limit:,} 个单元格，或其值作为文本超过 {mib:,} MiB，"
        "超出 qrules 将数据库文件中的表读入内存的上限",
        "the table ({columns} columns) holds more than {limit:,} cells, or more than {mib:,} MiB "
        "of values as text: over what qrules reads of a database file's table into memory",
    ),
    "tabular.table_in_place": (
        "请在数据库中就地评估(--database)，或将其拆分",
        "judge it where it is, in the database (--database), or split it",
    ),
    # -- _tabular (s18 ipc18): an Arrow IPC file read through its footer -------------------
    "arrow.damaged_footer": (
        "不是可读的 Arrow 文件:其页脚(文件末尾的批次索引)已损坏，或指向文件之外",
        "not a readable Arrow file: its footer (the index of its batches at the file's end) is "
        "damaged or points outside the file",
    ),
    # -- _tabular (s19 bound19): Parquet and Feather files that pyarrow cannot read safely --
    "arrow.feather_v1": (
        "是 Feather 第 1 版文件:qrules 不读取此版本(读取它时不校验其元数据，"
        "损坏的文件会使进程崩溃;该版本已被弃用)",
        "a Feather version 1 file: qrules does not read this version (pyarrow reads it without "
        "checking its metadata, and a damaged one crashes the process; the version is deprecated)",
    ),
    "arrow.feather_v1_hint": (
        "请将该表重新保存为 Arrow IPC 文件(Feather 第 2 版，write_feather 的默认格式)"
        "或 Parquet 文件",
        "save the table again as an Arrow IPC file (Feather version 2, what write_feather "
        "writes by default) or as Parquet",
    ),
    "arrow.not_arrow": (
        "不是 Arrow IPC 文件:它不以 ARROW1 开头",
        "not an Arrow IPC file: it does not begin with ARROW1",
    ),
    # -- cli, records/read (s19 bound19): a NUL character in an argument or a path ----------
    "nul.argument": (
        "参数 {value!r} 含有 NUL 字符:文件名、选项和值都不能含有它(请去掉该字符后重试)",
        "the argument {value!r} holds a NUL character, which no file name, option or value "
        "can hold (remove the character and try again)",
    ),
    "nul.path": (
        "路径含有 NUL 字符，文件名不能含有它(请去掉该字符后重试)",
        "the path holds a NUL character, which no file's name can hold (remove the character "
        "and try again)",
    ),
}
