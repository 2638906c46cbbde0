"""The SQL qrules writes for PostgreSQL reads the same whatever
``standard_conforming_strings`` says: a string literal holding a backslash is
an escape string ``E'...'`` (a plain ``'...'`` read with the setting off would
read ``\\'`` as an escaped quote, and a code mapped from a stored value with a
backslash would match other values, or none). qrules leaves the setting as it
finds it, on the connections it opens and on those it is given."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

import qrules
from qrules.engines import evaluate_tables

from .test_engines import LOG_ROWS, MAPPED_LOG, MAPPED_REGISTER, MAPPING, REGISTER_ROWS, _as_rows

#: A stored code with backslashes and quotes, as the SQL must spell it.
ODD = "中央\\'厨房\\\\'"
ROWS = [tuple(ODD if cell == "中央厨房" else cell for cell in row) for row in REGISTER_ROWS]
ODD_MAPPING: dict[str, Any] = copy.deepcopy(MAPPING)
ODD_MAPPING["register"]["codes"]["category"] = {
    "餐饮服务": "catering",
    ODD: "central_kitchen",
    "中央\\": "health_food_maker",  # what a backslash read as an escape would make of it
    "保健食品生产": "health_food_maker",
}
OPTIONS: dict[str, Any] = {
    "register": "literals.台账",
    "log": "literals.检查",
    "mapping": ODD_MAPPING,
    "by_district": True,
    "log_until": "2025-12-31",
    "log_from": "2023-01-01",
}


def _set(url: str, setting: str) -> str:
    """``url`` with the setting ``on`` or ``off`` for its connections (libpq's ``options``)."""
    return (
        url + ("&" if "?" in url else "?") + f"options=-c%20standard_conforming_strings%3D{setting}"
    )


def _off(url: str) -> str:
    return _set(url, "off")


def _setting(connection: Any) -> str:
    [(setting,)] = connection.execute("SHOW standard_conforming_strings").fetchall()
    return str(setting)


@pytest.fixture(scope="module")
def tables(postgres_url: str) -> Iterator[None]:
    import psycopg  # noqa: PLC0415

    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute("DROP SCHEMA IF EXISTS literals CASCADE")
        connection.execute("CREATE SCHEMA literals")
        with connection.cursor() as cursor:
            cursor.execute(MAPPED_REGISTER.format(schema="literals."))
            cursor.execute(MAPPED_LOG.format(schema="literals."))
            for table, rows in (("literals.台账", ROWS), ("literals.检查", LOG_ROWS)):
                marks = ", ".join(["%s"] * len(rows[0]))
                cursor.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
        try:
            yield
        finally:
            connection.execute("DROP SCHEMA literals CASCADE")


def _expected(yantai: qrules.Rulebook) -> list[qrules.Result]:
    columns = ["信用代码", "单位名称", "区市", "业态", "风险", "发证日期", "注销日期", "接入"]
    register = qrules.read_register(_as_rows(ROWS, columns), mapping=ODD_MAPPING)
    log = qrules.read_log(
        _as_rows(LOG_ROWS, ["代码", "日期", "类型"]), register, mapping=ODD_MAPPING
    )
    options = {k: v for k, v in OPTIONS.items() if k not in ("register", "log", "mapping")}
    return list(qrules.evaluate_records(yantai, register, log, **options))


def test_the_setting_off_is_what_the_test_sets(postgres_url: str) -> None:
    import psycopg  # noqa: PLC0415

    with psycopg.connect(_off(postgres_url)) as connection:
        [(setting,)] = connection.execute("SHOW standard_conforming_strings").fetchall()
        assert setting == "off"
        # and so read, a literal's two backslashes are one
        [(read,)] = connection.execute("SELECT 'a\\\\b'").fetchall()
        assert read == "a\\b"


@pytest.mark.parametrize("setting", ["off", "on"])
def test_a_code_with_backslashes_and_quotes_is_read_exactly_by_url(
    yantai: qrules.Rulebook, tables: None, postgres_url: str, setting: str
) -> None:
    found = evaluate_tables(yantai, _set(postgres_url, setting), **OPTIONS)
    assert list(found) == _expected(yantai)


@pytest.mark.parametrize("setting", ["off", "on"])
@pytest.mark.parametrize("autocommit", [True, False])
def test_a_code_with_backslashes_and_quotes_is_read_exactly_on_a_connection_given(
    yantai: qrules.Rulebook, tables: None, postgres_url: str, setting: str, autocommit: bool
) -> None:
    import psycopg  # noqa: PLC0415

    with psycopg.connect(_set(postgres_url, setting), autocommit=autocommit) as connection:
        found = evaluate_tables(yantai, connection, **OPTIONS)
        assert list(found) == _expected(yantai)
        # the user's session is left as it was: qrules sets nothing on it
        assert _setting(connection) == setting
        if not autocommit:
            connection.commit()
            assert _setting(connection) == setting


@pytest.mark.parametrize("setting", ["off", "on"])
def test_literals_with_backslashes_read_the_same_under_either_setting(
    postgres_url: str, setting: str
) -> None:
    """Each literal as qrules renders it reads as its value, a regular
    expression's backslashes included (``\\d`` still a digit)."""
    import psycopg  # noqa: PLC0415
    from sqlglot import exp  # noqa: PLC0415

    from qrules.engines._spelled import _pattern  # noqa: PLC0415
    from qrules.engines._sqltext import spoken  # noqa: PLC0415

    values = [ODD, "a\\b", "\\", "'", "\\'", "a\nb", "line\nbreak\\", "中央厨房", "", "E'x'"]
    values.append(_pattern())  # the readers' spelling test, some 3 KB with backslashes
    with psycopg.connect(_set(postgres_url, setting), autocommit=True) as connection:
        for pretty in (False, True):
            query = exp.select(*(exp.Literal.string(v) for v in values)).sql(
                dialect=spoken("postgres"), pretty=pretty
            )
            [row] = connection.execute(query).fetchall()
            assert list(row) == values
        pattern = exp.select(
            exp.RegexpLike(this=exp.Literal.string("a7"), expression=exp.Literal.string("^a\\d$")),
            exp.RegexpLike(this=exp.Literal.string("ad"), expression=exp.Literal.string("^a\\d$")),
            exp.RegexpLike(
                this=exp.Literal.string("a\\"), expression=exp.Literal.string("^a\\\\$")
            ),
        ).sql(dialect=spoken("postgres"))
        assert connection.execute(pattern).fetchall() == [(True, False, True)]
