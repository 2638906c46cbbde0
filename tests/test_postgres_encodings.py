"""A PostgreSQL database qrules' queries cannot run in, or a connection they
cannot be sent on, is said with its encoding and what to do (exit 2, en and
zh): a ``LATIN1`` database cannot hold the characters the queries look for;
a ``SQL_ASCII`` one can be judged through a UTF-8 client (its text UTF-8),
not through the ``SQL_ASCII`` client a connection to it has by default."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

import qrules

from .conftest import SAMPLES, run

TABLES = ("--register-table", "enc_register", "--log-table", "enc_log")


def _url(base: str, database: str, query: str = "") -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{database}", query=query))


@pytest.fixture(scope="module")
def encoded(postgres: Any, postgres_url: str) -> dict[str, str]:
    """The URLs of a ``SQL_ASCII`` and a ``LATIN1`` database of the test server,
    each with a register and a log (its unit's name not ASCII)."""
    psycopg = pytest.importorskip("psycopg")
    urls = {}
    for encoding in ("SQL_ASCII", "LATIN1"):
        [(name,)] = postgres.execute(
            "SELECT current_database() || %s", (f"_{encoding.lower()}",)
        ).fetchall()
        if not postgres.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchall():
            postgres.execute(
                f"CREATE DATABASE \"{name}\" ENCODING '{encoding}'"
                " LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0"
            )
        urls[encoding] = _url(postgres_url, name)
        client = "UTF8" if encoding == "SQL_ASCII" else "LATIN1"
        with psycopg.connect(_url(postgres_url, name, f"client_encoding={client}")) as connection:
            connection.execute(
                "DROP TABLE IF EXISTS enc_register, enc_log;"
                " CREATE TABLE enc_register (unit text, name text, category text,"
                " risk_level text, registered date);"
                " CREATE TABLE enc_log (unit text, date date, kind text);"
                " INSERT INTO enc_register VALUES"
                " ('IF01', 'Café', 'infant_formula_maker', 'high', '2020-01-01');"
                " INSERT INTO enc_log VALUES ('IF01', '2024-03-01', 'system')"
            )
    return urls


def test_a_latin1_database_is_refused_saying_to_use_utf8(encoded: dict[str, str]) -> None:
    for query in (
        "",
        "client_encoding=UTF8",
    ):  # (PostgreSQL would convert the text, not the queries)
        url = encoded["LATIN1"] + (f"?{query}" if query else "")
        code, _, err = run("check", "yantai-2023-2025", "--database", url, *TABLES)
        assert code == 2, err
        assert "the database's encoding is LATIN1, in which qrules' queries cannot run" in err
        assert "ENCODING 'UTF8'" in err
        assert len(err.strip().splitlines()) <= 2
    code, _, err = run(
        "check", "yantai-2023-2025", "--database", encoded["LATIN1"], *TABLES, "--lang", "zh"
    )
    assert code == 2
    assert "数据库的编码是 LATIN1" in err


def test_records_copied_into_a_latin1_database_are_refused_before_any_copy(
    encoded: dict[str, str],
) -> None:
    psycopg = pytest.importorskip("psycopg")
    yantai = qrules.load("yantai-2023-2025")
    register = qrules.read_register(SAMPLES / "register.csv")
    log = qrules.read_log(SAMPLES / "inspections.csv", register)
    with (
        psycopg.connect(encoded["LATIN1"], autocommit=True) as connection,
        pytest.raises(qrules.DataError, match="encoding is LATIN1"),
    ):
        qrules.evaluate_records(yantai, register, log, engine="postgres", connection=connection)


def test_a_sql_ascii_database_is_judged_through_a_utf8_client(encoded: dict[str, str]) -> None:
    code, _, err = run("check", "yantai-2023-2025", "--database", encoded["SQL_ASCII"], *TABLES)
    assert code == 2, err
    assert "the connection's client encoding is SQL_ASCII" in err
    assert "?client_encoding=UTF8" in err
    code, _, err = run(
        "check", "yantai-2023-2025", "--database", encoded["SQL_ASCII"], *TABLES, "--lang", "zh"
    )
    assert "客户端编码是 SQL_ASCII" in err
    code, out, err = run(
        "check",
        "yantai-2023-2025",
        "--database",
        encoded["SQL_ASCII"] + "?client_encoding=UTF8",
        *TABLES,
        "--log-from",
        "2024-01-01",
        "--rule",
        "infant-formula-makers-system-inspected-yearly",
    )
    assert code in (0, 1), err
    assert "register enc_register: rows read 1 = used 1 + rejected 0" in out


def test_text_that_is_not_utf8_in_a_sql_ascii_database_says_what_to_do(
    encoded: dict[str, str],
) -> None:
    psycopg = pytest.importorskip("psycopg")
    with psycopg.connect(encoded["SQL_ASCII"] + "?client_encoding=LATIN1") as connection:
        connection.execute(
            "DROP TABLE IF EXISTS enc_latin1;"
            " CREATE TABLE enc_latin1 AS SELECT * FROM enc_register;"
            " INSERT INTO enc_latin1 VALUES"
            " ('IFé2', 'n', 'infant_formula_maker', 'high', '2020-01-01')"
        )
    code, _, err = run(
        "check",
        "yantai-2023-2025",
        "--database",
        encoded["SQL_ASCII"] + "?client_encoding=UTF8",
        "--register-table",
        "enc_latin1",
        "--log-table",
        "enc_log",
    )
    assert code == 2, err
    assert "invalid byte sequence" in err
    assert "a SQL_ASCII database keeps the bytes it was given" in err


@pytest.mark.parametrize(("unit", "rejected"), [("𠀀01", 0), ("U😀", 0), ("U\U000e0041", 1)])
def test_a_sql_ascii_database_reads_a_character_beyond_the_bmp_as_the_readers(
    encoded: dict[str, str], unit: str, rejected: int
) -> None:
    """The bytes' expression knows four-byte characters: a CJK Extension B
    ideograph or an emoji is read as stored, a tag rejects its row."""
    psycopg = pytest.importorskip("psycopg")
    url = encoded["SQL_ASCII"] + "?client_encoding=UTF8"
    with psycopg.connect(url) as connection:
        connection.execute(
            "DROP TABLE IF EXISTS astral_register;"
            " CREATE TABLE astral_register (unit text, category text)"
        )
        connection.execute(
            "INSERT INTO astral_register VALUES (%s, 'infant_formula_maker')", (unit,)
        )
    code, out, err = run(
        "check",
        "yantai-2023-2025",
        "--database",
        url,
        "--register-table",
        "astral_register",
        "--log-table",
        "enc_log",
        "--rule",
        "infant-formula-makers-system-inspected-yearly",
    )
    assert code in (0, 1), err
    used = 1 - rejected
    assert f"rows read 1 = used {used} + rejected {rejected}" in out, out
