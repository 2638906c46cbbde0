"""Tables judged in place read as the file readers read them (session 11,
helper inplace): a category naming a built-in one otherwise, on DuckDB and
PostgreSQL, by each of the in-place checks (the look at a clean register's
distinct values, the check row by row, the check in SQL of many values)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import qrules
from qrules.engines import evaluate_records, evaluate_tables
from tests.conftest import records_tables

BOOK = "yantai-2023-2025"
FORMULA = "infant-formula-makers-system-inspected-yearly"
YEAR_2024 = {"log_from": "2024-01-01", "log_until": "2024-12-31"}
MAPPING = {"register": {"codes": {"category": {"婴幼儿配方乳粉": "infant_formula_maker"}}}}


def _rows(written: str, *, bad: bool) -> list[tuple[str, str, str, str | None]]:
    """IF01 of the category ``written``, uninspected; IF02 an infant formula
    maker inspected; with ``bad``, a third unit whose registration does not
    read (the register then checked row by row)."""
    rows: list[tuple[str, str, str, str | None]] = [
        ("IF01", "a", written, "2020-01-01"),
        ("IF02", "b", "infant_formula_maker", "2020-01-01"),
    ]
    if bad:
        rows.append(("F03", "c", "food_maker", "2020-02-30"))
    return rows


def _tables(
    engine: str, request: pytest.FixtureRequest, statements: list[str]
) -> tuple[Any, dict[str, str]]:
    """`records_tables` in this file's schema."""
    return records_tables(engine, request, statements, "inplace_s11")


def _verdicts(
    engine: str, request: pytest.FixtureRequest, written: str, *, bad: bool, **options: Any
) -> list[str]:
    """FORMULA's verdicts in 2024 on the register of `_rows` (its dates text
    when ``bad``, else DATE) and a log of IF02's one system inspection, in
    place on ``engine``."""
    book = qrules.load(BOOK)
    rows = _rows(written, bad=bad)
    date_type = "TEXT" if bad else "DATE"
    values = ", ".join(
        f"('{u}', '{n}', '{c}', CAST('{d}' AS {date_type}))"
        if not bad
        else f"('{u}', '{n}', '{c}', '{d}')"
        for u, n, c, d in rows
    )
    statements = [
        f"CREATE TABLE {{s}}register(unit TEXT, name TEXT, category TEXT, registered {date_type})",
        f"INSERT INTO {{s}}register VALUES {values}",
        "CREATE TABLE {s}inspections(unit TEXT, date DATE, kind TEXT)",
        "INSERT INTO {s}inspections VALUES ('IF02', DATE '2024-05-01', 'system')",
    ]
    connection, names = _tables(engine, request, statements)
    evaluation = evaluate_tables(
        book, connection, rules=[book[FORMULA]], **names, **YEAR_2024, **options
    )
    return [r.verdict.value for r in evaluation]


def _read(written: str, *, bad: bool, **options: Any) -> list[str]:
    """The same verdicts on the records read by the readers (reference engine)."""
    book = qrules.load(BOOK)
    rows = [
        {"unit": u, "name": n, "category": c, "registered": d}
        for u, n, c, d in _rows(written, bad=bad)
    ]
    register = qrules.read_register(rows, **options)
    log = qrules.read_log(
        [{"unit": "IF02", "date": dt.date(2024, 5, 1), "kind": "system"}], register, **options
    )
    evaluation = evaluate_records(book, register, log, rules=[book[FORMULA]], **YEAR_2024)
    return [r.verdict.value for r in evaluation]


NAMED = [
    "婴幼儿配方乳粉生产企业",
    "Infant Formula Maker",
    "INFANT_FORMULA_MAKER",
    "infant-formula\tmaker",
]


@pytest.mark.parametrize("engine", ["duckdb", "postgres"])
@pytest.mark.parametrize("bad", [False, True], ids=["clean", "row-by-row"])
@pytest.mark.parametrize("written", NAMED)
def test_a_category_named_otherwise_is_read_in_place_as_the_readers_read_it(
    engine: str, bad: bool, written: str, request: pytest.FixtureRequest
) -> None:
    """IF01, never inspected, of the category 婴幼儿配方乳粉生产企业 (or the
    code in capitals, with spaces): the readers reject its row, its unit of
    unknown membership, so the rule is unknown; in place it was another
    category and the rule "met 100 (1/1)"."""
    assert _read(written, bad=bad) == ["unknown"]
    assert _verdicts(engine, request, written, bad=bad) == ["unknown"]


@pytest.mark.parametrize("engine", ["duckdb", "postgres"])
@pytest.mark.parametrize("bad", [False, True], ids=["clean", "row-by-row"])
@pytest.mark.parametrize("written", ["婴幼儿配方乳粉", "infant formula makers", "ß"])
def test_another_category_is_still_another(
    engine: str, bad: bool, written: str, request: pytest.FixtureRequest
) -> None:
    """A category that names no built-in one is another category, in place as
    read: IF01 out of the population, the rule met (IF02 inspected)."""
    assert _read(written, bad=bad) == ["met"]
    assert _verdicts(engine, request, written, bad=bad) == ["met"]


@pytest.mark.parametrize("engine", ["duckdb", "postgres"])
@pytest.mark.parametrize("bad", [False, True], ids=["clean", "row-by-row"])
def test_a_category_mapped_to_its_code_is_read(
    engine: str, bad: bool, request: pytest.FixtureRequest
) -> None:
    """A mapping's code is what is compared: 婴幼儿配方乳粉 mapped to the code
    is an infant formula maker (IF01 uninspected: not met), in place as read."""
    assert _read("婴幼儿配方乳粉", bad=bad, mapping=MAPPING) == ["not_met"]
    assert _verdicts(engine, request, "婴幼儿配方乳粉", bad=bad, mapping=MAPPING) == ["not_met"]


TEXTS = [
    *NAMED, "catering", "Catering", "CATERING UNIT", "central_kitchen", "Central-Kitchen",
    "中央厨房", "中央 厨房", "foodmaker", "food makerß", "strasse", "İnfant formula maker",
    "infant\u2028formula maker", "infant\u1680formula_maker", "other", "", "—", "a-b_c d",
]  # fmt: skip


@pytest.mark.parametrize("engine", ["duckdb", "postgres"])
def test_the_sql_test_of_a_named_category_is_the_readers(
    engine: str, request: pytest.FixtureRequest
) -> None:
    """The SQL test (`rejected_register`'s) of each text, on the engine, says
    what the readers say (`named_category`), for texts that no other test
    rejects as spelled otherwise."""
    from qrules.engines import sql  # noqa: PLC0415
    from qrules.engines._builders import rejected_register  # noqa: PLC0415
    from qrules.engines._spelled import read_otherwise  # noqa: PLC0415
    from qrules.engines._sqltext import exp, spoken  # noqa: PLC0415
    from qrules.records.read import named_category  # noqa: PLC0415

    table = sql.Table("t", {"unit": "unit", "category": "category"})
    test = rejected_register(table, "r", every=True, part="coded")
    query = exp.select(exp.column("category", "r"), test).from_(table.ref("r"))
    texts = [t for t in TEXTS if read_otherwise(t) is None]
    if engine == "duckdb":
        duckdb = pytest.importorskip("duckdb")
        connection = duckdb.connect()
        connection.execute("CREATE TABLE t(unit TEXT, category TEXT)")
        connection.executemany("INSERT INTO t VALUES ('u', ?)", [(t,) for t in texts])
        found = connection.execute(query.sql(dialect=spoken("duckdb"))).fetchall()
    else:
        postgres = request.getfixturevalue("postgres")
        postgres.execute("DROP TABLE IF EXISTS t; CREATE TABLE t(unit TEXT, category TEXT)")
        with postgres.cursor() as cursor:
            cursor.executemany("INSERT INTO t VALUES ('u', %s)", [(t,) for t in texts])
            cursor.execute(query.sql(dialect=spoken("postgres")))
            found = cursor.fetchall()
        postgres.execute("DROP TABLE t")
    assert {t: bool(r) for t, r in found} == {
        t: named_category(t) is not None or t in ("", "—") for t in texts
    }


def test_keys_trusted_trust_the_category(request: pytest.FixtureRequest) -> None:
    """With the keys trusted (``check_keys=False``), a clean register's codes
    are trusted as documented (docs/engines.md): no look at its categories."""
    assert _verdicts("duckdb", request, "Infant Formula Maker", bad=False, check_keys=False) == [
        "met"
    ]


# -- dates of DATE and TIMESTAMP columns outside the years read -------------------------------

DATES = [
    ("closed", "DATE", "0001-01-01"),
    ("closed", "TIMESTAMP", "2300-01-01 10:00:00"),
    ("registered", "DATE", "1899-12-31"),
    ("date", "DATE", "1800-05-01"),
]


@pytest.mark.parametrize("check_keys", [True, False], ids=["keys-checked", "keys-trusted"])
@pytest.mark.parametrize("engine", ["duckdb", "postgres"])
@pytest.mark.parametrize(("column", "kind", "day"), DATES)
def test_a_date_outside_the_years_read_is_rejected_in_place(
    engine: str,
    column: str,
    kind: str,
    day: str,
    check_keys: bool,
    request: pytest.FixtureRequest,
) -> None:
    """IF02 closed on 0001-01-01 (a placeholder for no date), closed in 2300,
    registered in 1899, or its one inspection dated 1800: the readers reject
    the row (years 1900 to 2200), so the rule is unknown; in place the DATE
    was taken as it is (IF02 out of every year: "met 100 (1/1)"). On every
    engine, with the keys checked or trusted (the plain counts' first and
    last dates send the tables to the check row by row)."""
    book = qrules.load(BOOK)
    register = {
        "unit": ["IF01", "IF02"],
        "name": ["a", "b"],
        "category": ["infant_formula_maker"] * 2,
        "registered": ["2020-01-01", day if column == "registered" else "2020-01-01"],
        "closed": [None, day if column == "closed" else None],
    }
    dates = ["2024-05-01", day if column == "date" else "2024-06-01"]
    read = qrules.read_register(
        [
            dict(zip(register, values, strict=True))
            for values in zip(*register.values(), strict=True)
        ]
    )
    log = qrules.read_log(
        [
            {"unit": u, "date": d, "kind": "system"}
            for u, d in zip(["IF01", "IF01"], dates, strict=True)
        ]
        if column != "date"
        else [
            {"unit": "IF01", "date": "2024-05-01", "kind": "system"},
            {"unit": "IF02", "date": day, "kind": "system"},
        ],
        read,
    )
    expected = [
        r.verdict.value
        for r in evaluate_records(book, read, log, rules=[book[FORMULA]], **YEAR_2024)
    ]
    assert expected == ["unknown"]
    units = ["IF01", "IF01"] if column != "date" else ["IF01", "IF02"]
    statements = [
        f"CREATE TABLE {{s}}register(unit TEXT, name TEXT, category TEXT, registered {kind},"
        f" closed {kind})",
        "INSERT INTO {s}register VALUES "
        + ", ".join(
            f"('{u}', '{n}', '{c}', CAST('{r}' AS {kind}), "
            + ("NULL" if d is None else f"CAST('{d}' AS {kind})")
            + ")"
            for u, n, c, r, d in zip(*register.values(), strict=True)
        ),
        f"CREATE TABLE {{s}}inspections(unit TEXT, date {kind}, kind TEXT)",
        "INSERT INTO {s}inspections VALUES "
        + ", ".join(
            f"('{u}', CAST('{d}' AS {kind}), 'system')" for u, d in zip(units, dates, strict=True)
        ),
    ]
    connection, names = _tables(engine, request, statements)
    evaluation = evaluate_tables(
        book, connection, rules=[book[FORMULA]], check_keys=check_keys, **names, **YEAR_2024
    )
    assert [r.verdict.value for r in evaluation] == expected
    said = " ".join(str(p.message) for t in evaluation.records for p in t.problems)
    assert "is not in the years qrules reads (1900 to 2200)" in said


# -- PostgreSQL's char(n) -----------------------------------------------------------------------


@pytest.mark.parametrize("check_keys", [True, False], ids=["keys-checked", "keys-trusted"])
@pytest.mark.parametrize("registered", ["date", "char(10)"])
def test_postgres_char_columns_are_read_in_place_as_through_the_connection(
    postgres: Any, postgres_url: str, registered: str, check_keys: bool
) -> None:
    """Every column char(n), padded with spaces as PostgreSQL gives them (the
    registration a date or text in char(10), a flag in char(1)): IF02 not
    inspected, the rule not met, read in place as read through the
    connection, with no row rejected."""
    book = qrules.load(BOOK)
    postgres.execute("DROP SCHEMA IF EXISTS inplace_s11 CASCADE; CREATE SCHEMA inplace_s11")
    postgres.execute(
        "CREATE TABLE inplace_s11.register(unit char(18), name char(10), category char(30),"
        f" district char(6), registered {registered}, smart_site_connected char(3))"
    )
    postgres.execute(
        "INSERT INTO inplace_s11.register VALUES"
        " ('IF01', 'a', 'infant_formula_maker', '芝罘区', '2020-01-01', '是'),"
        " ('IF02', 'b', 'infant_formula_maker', '福山区', '2020-01-01', '否')"
    )
    postgres.execute(
        "CREATE TABLE inplace_s11.inspections(inspection char(8), unit char(18), date date,"
        " kind char(10))"
    )
    postgres.execute(
        "INSERT INTO inplace_s11.inspections VALUES ('J1', 'IF01', '2024-05-01', 'system')"
    )
    names = {"register": "inplace_s11.register", "log": "inplace_s11.inspections"}
    register = qrules.read_register(postgres, table=names["register"])
    log = qrules.read_log(postgres, register, table=names["log"])
    assert not register.rejected
    read = evaluate_records(
        book, register, log, rules=[book[FORMULA]], by_district=True, **YEAR_2024
    )
    in_place = evaluate_tables(
        book, postgres_url, rules=[book[FORMULA]], by_district=True, check_keys=check_keys,
        **names, **YEAR_2024,
    )  # fmt: skip
    verdicts = [(r.district, r.verdict.value) for r in read]
    assert verdicts == [(None, "not_met"), ("福山区", "not_met"), ("芝罘区", "met")]
    assert [(r.district, r.verdict.value) for r in in_place] == verdicts
    assert not [p for t in in_place.records for p in t.problems]
