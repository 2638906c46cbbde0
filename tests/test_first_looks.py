"""The lean key check's first looks at tables judged in place: cheaper than the
tests row by row, and never clean where those find a row to reject.

`spelled_somewhere` looks at a whole column at once (sums, minima, maxima);
`spelled_text` and `coded_rejected` test fetched values in Python as the SQL
tests them. On DuckDB and PostgreSQL, for generated values: a first look that
finds nothing means the SQL finds nothing, and the lean key check gives the
`Summary`, unclean flag or `DataError` of the check row by row.
"""

from __future__ import annotations

from typing import Any

import attrs
import duckdb
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import qrules
from qrules._recordspec import FLAGS, RECORD_CODES
from qrules._tabular import normal
from qrules.engines import _holdings
from qrules.engines._builders import CODED, coded_rejected, marked, rejected_register, usable
from qrules.engines._spelled import plain_heads, spelled, spelled_somewhere, spelled_text
from qrules.engines._sqltext import exp, spoken
from qrules.engines.sql import Connection, Summary, Table, summarize

from .test_engines import _summary_or_error, marks

#: Characters that make a value plain or not: ASCII letters and digits,
#: printable ends, white space and control characters (never NUL, which
#: PostgreSQL cannot store), full-width and ideographic forms, a combining
#: accent, Chinese, a character beyond the Basic Multilingual Plane.
CHARACTERS = st.sampled_from(
    [
        *("J", "1", "~", "!", " ", "\t", "\n", "\x1f", "\x01", "\x7f", "Ｊ", "\u3000", "é"),
        *("e\u0301", "区", "无", "N", "A", "/", "-", "—", "\U0001f600", "\u00a0"),
        *("#", "$"),  # (an Excel error value's text begins with #: `#N/A`)
    ]
)
TEXTS = st.lists(CHARACTERS, max_size=4).map("".join)


def _values(engine: tuple[str, Any], name: str, columns: str, rows: list[tuple[Any, ...]]) -> Any:
    dialect, connection = engine
    connection.execute(f"DROP TABLE IF EXISTS {name}")
    connection.execute(f"CREATE TABLE {name} ({columns})")
    if rows:
        width = len(rows[0])
        connection.cursor().executemany(
            f"INSERT INTO {name} VALUES ({marks(dialect, width)})", rows
        )
    return Connection(connection, dialect)


def _spied(monkeypatch: pytest.MonkeyPatch, database: Connection) -> list[str]:
    """The text of every query ``database`` fetches from now on, in order."""
    fetched: list[str] = []
    spied = database.fetch
    monkeypatch.setattr(
        database, "fetch", lambda sql, **kw: fetched.append(sql) or spied(sql, **kw)
    )
    return fetched


def _plain(text: str) -> bool:
    """Plain ASCII with printable ends, the first from ``$`` (a first ``#``,
    as an Excel error value's text has, is looked at exactly: `_spelled._HEAD`)."""
    return text.isascii() and text != "" and "$" <= text[0] <= "~" and "!" <= text[-1] <= "~"


_SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_SETTINGS
@given(st.lists(st.none() | TEXTS, max_size=5))
@example([])
@example([None])
@example([""])
@example(["J1", "J2 "])
def test_a_look_at_a_whole_column_finds_every_value_spelled_otherwise(
    engine: tuple[str, Any], values: list[str | None]
) -> None:
    """`spelled_somewhere` is 0 exactly when every value is plain ASCII with
    printable ends (or NULL), and then no value is `spelled` otherwise; each
    value's `spelled` in SQL is `spelled_text` in Python."""
    database = _values(engine, "qrules_looked", "v VARCHAR", [(v,) for v in values])
    raw = exp.column("v", "t", quoted=True)
    dialect = spoken(database.dialect)
    whole = exp.select(spelled_somewhere(raw)).from_(exp.to_table("qrules_looked").as_("t"))
    [(found,)] = database.fetch(whole.sql(dialect=dialect))
    assert found == (0 if all(v is None or _plain(v) for v in values) else 1)
    each = exp.select(raw.copy(), spelled(raw.copy())).from_(exp.to_table("qrules_looked").as_("t"))
    for value, respelled in database.fetch(each.sql(dialect=dialect)):
        assert bool(respelled) is (value is not None and spelled_text(value)), value
        if found == 0:
            assert not respelled


#: A register's columns of few values (`CODED`) with text flags, and a mapping's codes.
_CODED_COLUMNS = ("category", "district", "risk_level", "size", "bright_kitchen")
_MAPPED = {"risk_level": {"高": "high"}, "bright_kitchen": {"Y": "true", "n": "false"}}

CODES = st.sampled_from(
    [
        *("catering", "drug_user", "high", "low", "small", "large", "true", "false", "yes"),
        *("是", "否", "√", "无", "NA", "na", "—", "", "Y", "y", "n", "高", "High", "TRUE"),
        "芝罘区",
    ]
)


@_SETTINGS
@given(
    st.sampled_from(_CODED_COLUMNS),
    st.lists(st.none() | CODES | TEXTS, min_size=1, max_size=4),
    st.booleans(),
)
@example("category", [" catering", "catering"], False)
@example("district", ["芝罘区 ", "芝罘区"], False)
@example("risk_level", ["高", "High"], True)
@example("bright_kitchen", ["Y", "y", "maybe"], True)
def test_the_values_of_columns_of_few_values_are_tested_in_python_as_in_sql(
    engine: tuple[str, Any], column: str, values: list[str | None], mapped: bool
) -> None:
    """`coded_rejected` of a value is true wherever `rejected_register`'s test
    of the columns of few values is true of its row, and false wherever it is
    false but for a flag word written with capitals (which SQL decides)."""
    if column == "category":
        values = [v for v in values if v is not None]  # (no category: not counted)
    rows = [(f"U{i}", "catering", v) for i, v in enumerate(values)]
    database = _values(engine, "qrules_coded", "unit VARCHAR, c VARCHAR, v VARCHAR", rows)
    names = {"unit": "unit", "category": "v" if column == "category" else "c", column: "v"}
    register = Table(
        "qrules_coded", names, codes=_MAPPED if mapped else {}, checked=True, watched=True
    )
    assert set(_CODED_COLUMNS) <= set(CODED)
    test = rejected_register(register, "r", every=True, part="coded")
    query = exp.select(exp.column("unit", "r"), test).from_(register.ref("r"))
    found = dict(database.fetch(query.sql(dialect=spoken(database.dialect))))
    for index, value in enumerate(values):
        in_python = coded_rejected(register, column, value)
        if found[f"U{index}"]:
            assert in_python, value
        elif in_python:
            assert column in FLAGS, value
            assert value is not None, value
            assert value != value.lower(), value


def _mostly(clean: list[str | None], others: list[str]) -> st.SearchStrategy[str | None]:
    """A value, most often one that no test rejects."""
    return st.one_of(st.sampled_from(clean), st.sampled_from(clean), st.sampled_from(others))


@_SETTINGS
@given(
    st.lists(
        st.tuples(
            _mostly(["U1", "U2", "单1"], ["U3 ", "Ｕ4"]),
            _mostly(["catering", "drug_user"], [" catering", "Ｃatering", "无", "NA"]),
            _mostly([None, "芝罘区", "无"], ["芝罘区 ", "\u3000福山区", "Ｊ"]),
            _mostly([None, "high", "low", "—"], ["高", "High"]),
            _mostly([None, "yes", "是", "y", "√", "无"], ["Y", "maybe"]),
        ),
        min_size=1,
        max_size=4,
    ),
    st.booleans(),
)
@example([("U1", "catering", "芝罘区", "high", "yes")], False)
@example([("U1", "catering", "芝罘区", "High", "Y")], True)
@example([("U1", "catering", "芝罘区 ", None, None)], False)
@example([("U1", "Ｃatering", None, None, None)], False)
@example([("U1", "NA", None, None, None)], False)
@example([("U1", "catering", None, "高", None)], False)
@example([("U1", "catering", None, None, "maybe")], False)
@example([("U3 ", "catering", None, None, None)], False)
def test_the_lean_key_check_of_a_register_with_codes_and_flags_is_the_full_one(
    engine: tuple[str, Any], rows: list[tuple[str | None, ...]], mapped: bool
) -> None:
    """A watched register's key check with its unit ids looked at as a whole
    column and its columns of few values tested in Python gives the `Summary`,
    unclean flag or `DataError` of the check row by row."""
    columns = ", ".join(f"{c} VARCHAR" for c in ("unit", "category", "district", "risk_level"))
    database = _values(engine, "qrules_lean_coded", columns + ", bright_kitchen VARCHAR", rows)
    register = Table(
        "qrules_lean_coded",
        {c: c for c in ("unit", "category", "district", "risk_level", "bright_kitchen")},
        codes=_MAPPED if mapped else {},
        checked=True,
        watched=True,
    )
    lean = _summary_or_error(lambda: summarize(database, register, None, check_keys=True))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_holdings, "_LEAN", ())
        full = _summary_or_error(lambda: summarize(database, register, None, check_keys=True))
    if isinstance(lean, Summary):
        # The columns the look found filled (`Summary.filled`, which the full
        # check, without a look, does not tell) hold no counted row that
        # `vacant` would find empty: a code of its set; a district, not a marker.
        for column in lean.filled:
            empty = (
                exp.Case()
                .when(register.isin(column, "r", RECORD_CODES[column]), exp.false())
                .else_(exp.true())
                if column in RECORD_CODES
                else marked(register.raw(column, "r"))
            )
            query = exp.select(exp.Count(this=exp.Star())).from_(register.ref("r"))
            found = database.fetch(
                query.where(exp.and_(usable(register), empty)).sql(dialect=spoken(engine[0]))
            )
            assert found[0][0] == 0, (column, rows)
        lean = attrs.evolve(lean, filled=frozenset())
    assert lean == full


def _head_plain(text: str) -> bool:
    """ASCII, with a first character 36 to 126 (what `plain_heads` proves)."""
    return text.isascii() and text != "" and "$" <= text[0] <= "~"


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.none() | TEXTS, min_size=1, max_size=5),
    st.none() | st.tuples(st.integers(0, 4), st.none() | TEXTS),
    st.sampled_from(["committed", "open", "rolled back"]),
)
@example(["J1", "\x01J"], None, "committed")
@example(["J1", "\\J"], None, "committed")
@example(["J1", "\x7fJ"], None, "committed")
@example(["J1", ""], None, "committed")
@example(["J1", "J2"], (0, "Ｊ1"), "rolled back")
@example(["J1", "J2"], (1, " J2"), "open")
def test_duckdb_statistics_prove_plain_heads_only_of_plain_values(
    values: list[str | None], changed: tuple[int, str | None] | None, transaction: str
) -> None:
    """`plain_heads` of DuckDB's statistics of a column is true only when every
    value in it is ASCII with a first character 36 to 126, whatever was
    inserted, updated in an open transaction or one rolled back (DuckDB writes
    a control character or backslash of its least or greatest value as
    ``\\xHH``); and true of a column of such values just inserted (the proof
    the lean key check's first look relies on, `_holdings._heads`)."""
    connection = duckdb.connect()
    connection.execute("CREATE TABLE qrules_heads (v VARCHAR)")
    connection.executemany("INSERT INTO qrules_heads VALUES (?)", [(v,) for v in values])
    held = list(values)
    if changed is not None and changed[0] < len(values):
        connection.execute("BEGIN")
        connection.execute(
            "UPDATE qrules_heads SET v = ? WHERE rowid = ?", [changed[1], changed[0]]
        )
        if transaction == "rolled back":
            connection.execute("ROLLBACK")
        else:
            held[changed[0]] = changed[1]
            if transaction == "committed":
                connection.execute("COMMIT")
    found = connection.execute("SELECT stats(v) FROM qrules_heads LIMIT 1").fetchall()
    proven = bool(found) and plain_heads(found[0][0])
    present = [v for v in held if v is not None]
    if proven:
        assert all(_head_plain(v) for v in present), held
    if changed is None and present and all(_head_plain(v) for v in present):
        assert proven, found


@_SETTINGS
@given(st.lists(st.none() | st.tuples(st.sampled_from(["J", "1", "~", "$"]), TEXTS), max_size=5))
@example([("J", "1 "), ("J", "\t"), ("J", "\x7f")])
@example([("J", "1"), ("$", "")])
def test_a_look_at_the_last_characters_of_plain_heads_is_the_whole_look(
    engine: tuple[str, Any], pairs: list[tuple[str, str] | None]
) -> None:
    """Of a column whose values are ASCII with printable first characters,
    `spelled_somewhere` at their last characters only (``heads``) is the look
    at the whole values: 0 exactly when no value is spelled otherwise."""
    values = [None if p is None else p[0] + p[1] for p in pairs]
    values = [v for v in values if v is None or v.isascii()]
    database = _values(engine, "qrules_heads_look", "v VARCHAR", [(v,) for v in values])
    raw = exp.column("v", "t", quoted=True)
    looks = exp.select(spelled_somewhere(raw), spelled_somewhere(raw.copy(), heads=True)).from_(
        exp.to_table("qrules_heads_look").as_("t")
    )
    [(whole, heads)] = database.fetch(looks.sql(dialect=spoken(database.dialect)))
    assert heads == whole == (0 if all(v is None or _plain(v) for v in values) else 1)


@_SETTINGS
@given(
    rows=st.lists(
        st.tuples(
            _mostly(["U1", "U2"], ["U9", "U1 "]),
            _mostly(
                ["J1", "J2", "J3", "J10"], ["J1 ", "J2\t", "Ｊ3", "J\x7f", "\tJ4", "J1", "NA", "—"]
            ),
            _mostly(["routine", "system", None], ["体系", "无"]),
        ),
        min_size=1,
        max_size=5,
    )
)
@example(rows=[("U1", "J1", "routine"), ("U1", "J1 ", "routine")])
@example(rows=[("U1", "J1", "routine"), ("U2", "J2\t", "system")])
@example(rows=[("U1", "J1", "routine"), ("U2", "J2", "体系")])
@example(rows=[("U1", "J1", "routine"), ("U2", "NA", "routine")])
def test_the_lean_key_check_with_plain_heads_proven_is_the_full_one(
    rows: list[tuple[str, str, str | None]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On DuckDB, a watched log whose inspection ids its statistics prove
    plain at their heads (`_holdings._heads`, here at any size) has only their
    last characters looked at: the lean key check still gives the `Summary`,
    unclean flag or `DataError` of the check row by row (an id ending in a
    space or a tab is caught), and the look is the short one when proven."""
    connection = duckdb.connect()
    connection.execute("CREATE TABLE qrules_heads_register (unit VARCHAR, category VARCHAR)")
    connection.execute("INSERT INTO qrules_heads_register VALUES ('U1', 'drug_user')")
    connection.execute("INSERT INTO qrules_heads_register VALUES ('U2', 'drug_user')")
    connection.execute(
        "CREATE TABLE qrules_heads_log (unit VARCHAR, date DATE, inspection VARCHAR, kind VARCHAR)"
    )
    connection.executemany("INSERT INTO qrules_heads_log VALUES (?, DATE '2024-01-02', ?, ?)", rows)
    database = Connection(connection, "duckdb")
    tables = (
        Table(
            "qrules_heads_register",
            {"unit": "unit", "category": "category"},
            checked=True,
            watched=True,
        ),
        Table(
            "qrules_heads_log",
            {c: c for c in ("unit", "date", "inspection", "kind")},
            checked=True,
            watched=True,
        ),
    )
    monkeypatch.setattr(_holdings, "_HEADS_FROM", 0)
    fetched = _spied(monkeypatch, database)
    lean = _summary_or_error(lambda: summarize(database, *tables, check_keys=True))
    proven = all(_head_plain(i) for _, i, _ in rows)
    assert any("STATS(" in text for text in fetched)
    [first] = [text for text in fetched if "rows_bad" in text][:1]
    assert ('BIT_LENGTH("l"."inspection")' not in first) is proven
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_holdings, "_LEAN", ())
        full = _summary_or_error(lambda: summarize(database, *tables, check_keys=True))
    if isinstance(lean, Summary):
        # (Only the lean check reads the statistics that may prove every
        # inspection id given: never when one is missing or a marker.)
        assert not lean.ids_given or not any(i in ("NA", "—") for _, i, _ in rows)
        assert not isinstance(full, Summary) or not full.ids_given
        lean = attrs.evolve(lean, ids_given=None)
    read_alike = False
    if (
        "BITSTRING_AGG" in first.upper()
        and isinstance(lean, Summary)
        and isinstance(full, Summary)
        and full.unclean
        and not lean.unclean
    ):
        # With a map of the ids' numbers, an id spelled otherwise only by white
        # space at its end that repeats none as the readers read it is read as
        # they read it (`_holdings._numbers_repeated`, session 19); the check
        # row by row sends its row to their code, as one to reject.
        ids = [i for _, i, _ in rows if i is not None]
        assert all(normal(i) == i.rstrip() for i in ids), ids
        assert len({normal(i) for i in ids}) == len(ids), ids
        assert not any(spelled_text(k) for _, _, k in rows if k is not None)
        full, read_alike = attrs.evolve(full, unclean=False), True
    assert lean == full
    if any(spelled_text(i) for _, i, _ in rows) and not read_alike:
        # (Rows to reject come before repeats.)
        assert not isinstance(lean, str), lean
        assert lean.unclean


def test_small_tables_and_other_engines_ask_for_no_statistics(
    engine: tuple[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Below `_HEADS_FROM` rows, and on PostgreSQL at any size, the first look
    is the whole one and no statistics are asked for."""
    database = _values(
        engine, "qrules_heads_small", "unit VARCHAR, category VARCHAR", [("U1", "drug_user")]
    )
    register = Table(
        "qrules_heads_small", {"unit": "unit", "category": "category"}, checked=True, watched=True
    )
    fetched = _spied(monkeypatch, database)
    summarize(database, register, None, check_keys=True)
    if database.dialect == "duckdb":
        monkeypatch.setattr(_holdings, "_HEADS_FROM", 0)
        assert not any("STATS(" in text for text in fetched)
        fetched.clear()
        summarize(database, register, None, check_keys=True)
        assert any("STATS(" in text for text in fetched)
    else:
        monkeypatch.setattr(_holdings, "_HEADS_FROM", 0)
        summarize(database, register, None, check_keys=True)
        assert not any("STATS(" in text for text in fetched)


@pytest.mark.parametrize("district", ["芝罘区", "芝罘区 "])
def test_a_register_with_more_distinct_values_than_are_fetched_is_tested_in_sql(
    engine: tuple[str, Any], district: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past `_MOST_CODED` distinct values, none is tested in Python: the SQL
    test of their combinations decides (the key check asked again, row by
    row, only when it finds one), and the key check is the full one."""
    rows = [(f"U{i}", "catering", f"{district}{i}" if i else district) for i in range(4)]
    database = _values(
        engine, "qrules_many_coded", "unit VARCHAR, category VARCHAR, district VARCHAR", rows
    )
    register = Table(
        "qrules_many_coded",
        {c: c for c in ("unit", "category", "district")},
        checked=True,
        watched=True,
    )
    monkeypatch.setattr(_holdings, "_MOST_CODED", 3)
    fetched = _spied(monkeypatch, database)
    lean = summarize(database, register, None, check_keys=True)
    respelled = district.endswith(" ")
    assert lean.unclean is respelled
    assert any("GROUPING SETS" in text for text in fetched)
    assert any("DISTINCT" in text and "bad_units" not in text for text in fetched)
    assert sum("bad_units" in text for text in fetched) == (2 if respelled else 1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_holdings, "_LEAN", ())
        assert summarize(database, register, None, check_keys=True) == lean


#: Collations under which a value spelled otherwise equals a plain one (each
#: pair: the plain value first), and how a column is declared with one.
_COLLATED = {
    "duckdb": (
        ("NFC", "\u00e9", "e\u0301"),
        ("NOACCENT", "Cafe", "Cafe\u0301"),
        ("NOCASE", "k", "\u212a"),
    ),
    "postgres": (("qrules_ci", "\u00e9", "e\u0301"), ("qrules_ci", "J", "\uff2a")),
}


@pytest.mark.parametrize("case", range(3))
@pytest.mark.parametrize("lean", [True, False], ids=["lean", "full"])
def test_a_collation_of_a_column_of_few_values_hides_no_value_spelled_otherwise(
    engine: tuple[str, Any], case: int, lean: bool
) -> None:
    """A register's district declared with a collation that makes two values
    one (NFC, NOACCENT, NOCASE in DuckDB; a nondeterministic ICU collation in
    PostgreSQL): the key check still finds the value a reader reads otherwise,
    which the test row by row rejects (the values of its columns of few values
    taken byte for byte, not one for all those the collation holds equal)."""
    dialect, connection = engine
    if case >= len(_COLLATED[dialect]):
        pytest.skip("no such collation case on this engine")
    collation, plain, respelled = _COLLATED[dialect][case]
    if dialect == "postgres":
        connection.execute(
            "CREATE COLLATION IF NOT EXISTS qrules_ci"
            " (provider = icu, locale = 'und-u-ks-level2', deterministic = false)"
        )
        connection.commit()
    assert not spelled_text(plain)
    assert spelled_text(respelled)
    rows = [("U1", "catering", plain), ("U2", "catering", respelled)]
    database = _values(
        engine,
        "qrules_collated",
        f"unit VARCHAR, category VARCHAR, district VARCHAR COLLATE {collation}",
        rows,
    )
    register = Table(
        "qrules_collated",
        {c: c for c in ("unit", "category", "district")},
        checked=True,
        watched=True,
    )
    with pytest.MonkeyPatch.context() as patch:
        if not lean:
            patch.setattr(_holdings, "_LEAN", ())
        assert summarize(database, register, None, check_keys=True).unclean


def test_a_value_a_collation_holds_equal_to_another_is_never_counted_as_stored(
    engine: tuple[str, Any], yantai: qrules.Rulebook
) -> None:
    """Judged in place, a district ``'e\\u0301'`` beside ``'é'`` in a column
    whose collation holds them equal is never counted as stored: such a column
    is refused before anything is read, on DuckDB and PostgreSQL alike
    (``engines/_collations.py``; the key check's per-value look takes each
    value byte for byte all the same, `summarize` tested above)."""
    dialect, connection = engine
    collation = "NFC" if dialect == "duckdb" else "qrules_ci"
    if dialect == "postgres":
        connection.execute(
            "CREATE COLLATION IF NOT EXISTS qrules_ci"
            " (provider = icu, locale = 'und-u-ks-level2', deterministic = false)"
        )
    rows = [
        (unit, "n", district, "catering", "high", "2020-01-01")
        for unit, district in (("U1", "é"), ("U2", "e\u0301"))
    ]
    _values(
        engine,
        "qrules_collated_register",
        f"unit VARCHAR, name VARCHAR, district VARCHAR COLLATE {collation},"
        " category VARCHAR, risk_level VARCHAR, registered DATE",
        rows,
    )
    _values(
        engine,
        "qrules_collated_log",
        "unit VARCHAR, date DATE, kind VARCHAR",
        [("U1", "2024-03-01", "routine")],
    )

    with pytest.raises(qrules.DataError, match=f"column 'district' .*{collation}"):
        qrules.evaluate_tables(
            yantai, connection, register="qrules_collated_register", log="qrules_collated_log"
        )


@pytest.fixture(scope="module")
def sql_ascii(postgres: Any) -> Any:
    """A connection (a UTF-8 client, as qrules' queries need) to a database of
    the same PostgreSQL server whose encoding is ``SQL_ASCII``: text stored as
    the bytes it is given, each byte a character to its regular expressions."""
    psycopg = pytest.importorskip("psycopg")
    [(name,)] = postgres.execute("SELECT current_database() || '_sql_ascii'").fetchall()
    if not postgres.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchall():
        postgres.execute(
            f"CREATE DATABASE \"{name}\" ENCODING 'SQL_ASCII'"
            " LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0"
        )
    info = psycopg.conninfo.make_conninfo(
        postgres.info.dsn, dbname=name, client_encoding="UTF8", password=postgres.info.password
    )
    with psycopg.connect(info, autocommit=True) as connection:
        yield connection


@_SETTINGS
@given(st.lists(st.none() | TEXTS, max_size=5))
@example(["Ｊ1", "\u3000J", "J1 ", "e\u0301", "芝罘区", "芝罘区一", "一", "\u1680J", "J\u2029"])
@example(["IF01", "", " ", "\x7f", "\U0001f600", "Ⅻ"])
def test_a_database_storing_bytes_finds_each_value_spelled_otherwise(
    sql_ascii: Any, values: list[str | None]
) -> None:
    """In a ``SQL_ASCII`` database (`spelled` with ``utf8=False``), each value's
    `spelled` in SQL is `spelled_text` in Python, as in UTF-8: ``Ｊ1`` is
    spelled otherwise, ``芝罘区一`` is not."""
    database = _values(("postgres", sql_ascii), "qrules_bytes", "v VARCHAR", [(v,) for v in values])
    raw = exp.column("v", "t", quoted=True)
    each = exp.select(raw.copy(), spelled(raw.copy(), utf8=False)).from_(
        exp.to_table("qrules_bytes").as_("t")
    )
    for value, respelled in database.fetch(each.sql(dialect=spoken("postgres"))):
        assert bool(respelled) is (value is not None and spelled_text(value, utf8=False)), value
    whole = exp.select(spelled_somewhere(raw.copy(), utf8=False)).from_(
        exp.to_table("qrules_bytes").as_("t")
    )
    [(found,)] = database.fetch(whole.sql(dialect=spoken("postgres")))
    # (The look counts a value starting with ``#`` too, looked at exactly later.)
    assert found == sum(
        v is not None and (spelled_text(v, utf8=False) or v.startswith("#")) for v in values
    )


def test_a_log_id_written_full_width_in_a_database_storing_bytes_is_rejected(
    sql_ascii: Any, yantai: qrules.Rulebook
) -> None:
    """A log row of unit ``ＩＦ01`` (read ``IF01`` from a file) beside one of
    ``IF01`` in a ``SQL_ASCII`` database: rejected, as in UTF-8, so that a high
    risk unit inspected twice (to a reader) is unknown, never not met."""
    _values(
        ("postgres", sql_ascii),
        "qrules_bytes_register",
        "unit VARCHAR, name VARCHAR, category VARCHAR, risk_level VARCHAR, registered DATE",
        [("IF01", "n", "catering", "high", "2020-01-01")],
    )
    _values(
        ("postgres", sql_ascii),
        "qrules_bytes_log",
        "unit VARCHAR, date DATE, kind VARCHAR",
        [("IF01", "2024-02-01", "routine"), ("ＩＦ01", "2024-03-01", "routine")],
    )
    found = qrules.evaluate_tables(
        yantai,
        sql_ascii,
        register="qrules_bytes_register",
        log="qrules_bytes_log",
        log_until="2025-12-31",
        log_from="2023-01-01",
    )
    assert [(t.kind, t.rows_read, t.rows_used) for t in found.records] == [
        ("register", 1, 1),
        ("log", 2, 1),
    ]
    [twice] = [
        r
        for r in found
        if r.rule.id == "high-risk-catering-units-inspected-twice-yearly"
        and r.year == 2024
        and r.district is None
    ]
    assert twice.verdict is qrules.Verdict.UNKNOWN


def test_spelled_text_is_the_regular_expression_character_by_character() -> None:
    """`spelled_text` tests a value character by character (the expression's
    65,536 characters are made only for SQL): the same answer as the SQL's
    regular expression, read by Python, for every character of the Basic
    Multilingual Plane and a sample beyond, alone, first, last and inside."""
    import re  # noqa: PLC0415

    from qrules.engines._spelled import _pattern  # noqa: PLC0415

    expression = re.compile(_pattern())
    codes = [*range(0x10000), *range(0x10000, 0x110000, 97)]
    for code in codes:
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        for text in (char, f"a{char}", f"{char}a", f"a{char}b", f"{char}{char}"):
            found = expression.search(text) is not None
            assert spelled_text(text, utf8=False) is found, hex(code)
            if not text.isascii():
                assert spelled_text(text) is found, hex(code)


def test_cjk_ideographs_stay_without_the_seconds_being_made() -> None:
    """A CJK unified ideograph stays as it is by a shortcut (the text of
    districts and names, at the first evaluation): the full test agrees on
    every one, and the shortcut does not make `_seconds`."""
    import unicodedata  # noqa: PLC0415

    from qrules.engines import _spelled  # noqa: PLC0415

    _spelled._seconds.cache_clear()
    _spelled._stays.cache_clear()
    assert not _spelled.spelled_text("芝罘区")
    assert _spelled._seconds.cache_info().currsize == 0
    seconds = _spelled._seconds()
    for code in range(0x4E00, 0xA000):
        char = chr(code)
        if unicodedata.category(char) != "Lo":
            assert not _spelled._stays(code)
            continue
        assert code not in seconds
        assert unicodedata.normalize("NFKC", char) == char
        assert not unicodedata.combining(char)
        assert _spelled._stays(code)
