"""The Chinese side of the message catalog speaks Chinese: an ASCII word in a
zh template is a name shown as it is (a column, key, option, command, code,
format, product or SQL word), listed here on purpose; any other is English
left in a Chinese sentence, and gets zh wording of its own."""

from __future__ import annotations

import re

from qrules._messages import MESSAGES, say

#: ASCII words a zh template may show as they are, by kind. A new one is added
#: here deliberately, never to silence the test for an English word.
ALLOWED = frozenset(
    {
        # keys, keyword arguments and canonical columns, as written in files and calls
        *("allow_unknown", "at_most", "client_encoding", "codes", "columns", "connection"),
        *("data_source", "default_collation", "district", "districts", "encoding", "end"),
        *("ends", "engine", "every_year", "flag", "id", "ignore", "indicator_source"),
        *("inferred", "inspections", "interpretation", "kind", "known_failures", "level"),
        *("log", "log_from", "log_until", "lower", "measure", "name", "names", "open"),
        *("period", "quote", "register", "requirement", "result", "risk_level", "schema"),
        *("schema_version", "section", "sheet", "size", "spellings", "start", "table"),
        *("upper", "use_ssl", "value", "year", "yearly", "years", "context"),
        *("catalog.schema.name", "catalog.schema.table", "schema.name", "schema.table"),
        *("spark.connect.grpc.binding.port", "spark.driver.memory", "spark.executor.memory"),
        "spark.sql.session.collation.default",
        # values written as they are: booleans, layouts, --only's choices, a sample
        *("true", "false", "True", "long", "wide", "failures", "not-met", "unknown", "sample"),
        *("en", "zh", "csv", "json", "html", "markdown", "reference", "postgres", "spark"),
        # commands and the names of qrules, its package and functions
        *("qrules", "qrules-plan", "qrules.evaluate_records", "qrules.read_register"),
        *("read_log", "check", "diff", "lint", "list", "audit", "template", "measures"),
        *("pip", "install", "spark-connect", "start-connect-server.sh", "json_serialize_plan"),
        *("git", "pytest", "SparkSession", "SparkContext", "SparkSession.builder.getOrCreate"),
        # files, formats, encodings, products, protocols
        *("bodies.toml", "measures.toml", "plan.toml", "plan.txt", "toml", "TOML", "CSV"),
        *("arrow", "Arrow", "parquet", "Parquet", "tsv", "xlsx", "xlsm", "JSON", "HTML"),
        *("Feather", "IPC", "ARROW1", "write_feather", "NUL"),  # (bound19)
        *("Markdown", "XML", "JUnit", "Schema", "Keep", "a", "Changelog", "Lines"),
        *("UTF-8", "utf-8", "UTF8", "UTF8_BINARY", "UTF8_LCASE", "GB18030", "LATIN1"),
        *("ASCII", "SQL_ASCII", "NFKC", "NOCASE", "nocase", "MB", "MiB", "FIFO"),
        *("DuckDB", "PostgreSQL", "psycopg", "SQLite", "Spark", "Connect", "Python", "Java"),
        *("JavaScript", "Apache", "ECharts", "Excel", "LibreOffice", "DataFrame", "DB-API"),
        *("SQL", "URL", "gRPC", "TLS", "IPv4", "IPv6", "PYTHONIOENCODING"),
        *("psycopg2", "psycopg.connect", "libpq", "PGPASSWORD", "sslmode", "require"),
        *("pandas", "ffill"),  # (a library, and the method that fills its cells down)
        # SQL written as it is run
        *("CAST", "AS", "DATE", "BOOLEAN", "COLLATE", "CREATE", "DATABASE", "ENCODING"),
        *("TEMPLATE", "template0", "RESET", "SET", "TO", "GRANT", "SELECT", "ON"),
        *("TABLE", "FROM", "Register"),  # (CREATE TABLE Register: a name folded, mend17)
        # placeholders of a usage line and formats of a value
        *("FILE", "FILE.xlsx", "FORMAT", "NAME", "PATH", "REV", "RULEBOOK", "ID"),
        *("MAJOR.MINOR.PATCH", "YYYY-MM-DD", "YYYYMMDD"),
        # an expression's example (x >= 1 and y <= 2), and ids as they are stored
        *("x", "y", "and", "IF01", "if01"),
    }
)

_NOT_WORDS = re.compile(
    r"\{[^{}]*\}"  # parameters
    r"|(?<![\w-])--?[A-Za-z][\w-]*"  # options
    r"|\w+://\S*"  # URLs
    r"|[\w./\\~:#-]*[/\\][\w./\\~:#-]*"  # paths
    r"|\[\[?[\w.<>]+\]\]?"  # TOML tables
)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]*[A-Za-z0-9_]|[A-Za-z]")


def _ascii_words(template: str) -> list[str]:
    return _WORD.findall(_NOT_WORDS.sub(" ", template))


def test_no_english_word_is_left_in_a_chinese_template() -> None:
    leaks = {
        id_: words
        for id_, (zh, _) in MESSAGES.items()
        if (words := [w for w in _ascii_words(zh) if w not in ALLOWED])
    }
    assert leaks == {}


def test_the_scan_finds_english_in_chinese() -> None:
    assert _ascii_words("检查编号 {value!r}:另一行的 inspection id 写法不同") == [
        "inspection",
        "id",
    ]
    assert _ascii_words("请用 --log-from 声明,见 docs/records.md 或 [figures.columns]") == []


def test_a_table_kind_put_into_a_chinese_message_is_chinese() -> None:
    """``(log date)`` was a Chinese message's: the kind is said in the language."""
    for kind, zh in (("register", "登记册"), ("log", "检查记录")):
        said = say("engines.zoned_type", column="d", kind=say(f"table.{kind}"), canonical="date")
        assert f"({zh}的 date 列)" in said.zh
        assert f"({kind} date)" in said.en
    twin = say("engines.twin", value="J1").zh
    assert "inspection" not in twin
    assert twin.startswith("检查编号 'J1'")
