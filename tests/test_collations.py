"""Tables judged in place compare text byte for byte, as the readers do, or are
refused (``engines/_collations.py``).

Each case below is a false verdict a column's collation (or the connection's
default) gave before: a log row of unit ``if01`` counted as an inspection of
register unit ``IF01`` (a reader rejects it as a unit not in the register), the
districts ``Café`` and ``Cafe`` judged as one, two inspection ids ``J1`` and
``j1`` taken for one repeated. Each is now a `DataError` naming the column and
its collation; a binary collation, a deterministic one and PostgreSQL's
database default (deterministic, ICU or not) are read as they are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

import qrules

from .conftest import run
from .test_engines import marks

_RULE = "infant-formula-makers-system-inspected-yearly"

#: A register of two infant formula makers, in the districts Café and Cafe.
_REGISTER = [
    ("IF01", "n1", "Caf\u00e9", "infant_formula_maker", "high", "2020-01-01"),
    ("IF02", "n2", "Cafe", "infant_formula_maker", "high", "2020-01-01"),
]

#: Each case: the column declared with the collation (``table.column``), the
#: log's rows (unit, date, kind, inspection id), and the collations, by
#: engine, that hold two of its values equal (PostgreSQL: created below).
_CASES = {
    # if01 is no unit of the register: a reader rejects the row (IF01 not met).
    "unit": ("log.unit", [("if01", "2024-03-01", "system", "J1")]),
    # Café met, Cafe not: one district of two units, half met, under NOACCENT.
    "district": ("register.district", [("IF01", "2024-03-01", "system", "J1")]),
    # IF01 followed by a zero-width space (ignorable to every ICU collation):
    # no unit of the register either, kept as it is by NFKC and trimming.
    "ignorable": ("log.unit", [("IF01\u200b", "2024-03-01", "system", "J1")]),
    # Two inspections of IF01, taken for one inspection id repeated.
    "inspection": (
        "log.inspection",
        [("IF01", "2024-03-01", "system", "J1"), ("IF01", "2024-04-01", "system", "j1")],
    ),
}

_COLLATIONS = {
    "duckdb": ("NOCASE", "NOACCENT", "nocase.noaccent", "de"),
    "postgres": ("qrules_ci", "qrules_ai"),
}


def _postgres_collations(connection: Any) -> None:
    """Two nondeterministic ICU collations (case-insensitive; accent- and
    case-insensitive), or a skip where the server has no ICU."""
    if not connection.execute("SELECT 1 FROM pg_collation WHERE collprovider = 'i'").fetchall():
        pytest.skip("this PostgreSQL server has no ICU collations")
    for name, level in (("qrules_ci", 2), ("qrules_ai", 1)):
        connection.execute(
            f"CREATE COLLATION IF NOT EXISTS {name}"
            f" (provider = icu, locale = 'und-u-ks-level{level}', deterministic = false)"
        )


def _tables(
    engine: tuple[str, Any],
    collated: str = "",
    collation: str = "",
    log: list[tuple[str, str, str, str]] | None = None,
    prefix: str = "qrules_collated",
) -> tuple[str, str]:
    """A register (``_REGISTER``) and a log (``log``) with the column named by
    ``collated`` declared ``COLLATE collation``; their names."""
    dialect, connection = engine
    columns = {
        "register": "unit VARCHAR, name VARCHAR, district VARCHAR, category VARCHAR,"
        " risk_level VARCHAR, registered DATE",
        "log": "unit VARCHAR, date DATE, kind VARCHAR, inspection VARCHAR",
    }
    if collated:
        table, column = collated.split(".")
        columns[table] = columns[table].replace(
            f"{column} VARCHAR", f'{column} VARCHAR COLLATE "{collation}"', 1
        )
    names = {"register": f"{prefix}_register", "log": f"{prefix}_log"}
    for kind, rows in (("register", _REGISTER), ("log", log or [])):
        cascade = " CASCADE" if dialect == "postgres" else ""
        connection.execute(f"DROP TABLE IF EXISTS {names[kind]}{cascade}")
        connection.execute(f"CREATE TABLE {names[kind]} ({columns[kind]})")
        if rows:
            connection.cursor().executemany(
                f"INSERT INTO {names[kind]} VALUES ({marks(dialect, len(rows[0]))})", rows
            )
    return names["register"], names["log"]


def _judged(
    rulebook: qrules.Rulebook, connection: Any, register: str, log: str
) -> qrules.Evaluation:
    return qrules.evaluate_tables(
        rulebook,
        connection,
        register=register,
        log=log,
        rules=_rules(rulebook),
        by_district=True,
        log_from="2024-01-01",
        log_until="2024-12-31",
    )


def _rules(rulebook: qrules.Rulebook) -> list[qrules.Rule]:
    rule = rulebook.get(_RULE)
    assert rule is not None
    return [rule]


def _verdicts(evaluation: qrules.Evaluation) -> list[tuple[str | None, str, int | None]]:
    return [(r.district, r.verdict.name, r.meeting) for r in evaluation]


#: What a reader finds in each case (the whole register, then each district).
_READ = {
    "unit": [(None, "NOT_MET", 0), ("Cafe", "NOT_MET", 0), ("Caf\u00e9", "NOT_MET", 0)],
    "district": [(None, "NOT_MET", 1), ("Cafe", "NOT_MET", 0), ("Caf\u00e9", "MET", 1)],
    # The readers read IF01 followed by a zero-width space as IF01
    # (`_tabular.normal`), which the table stores otherwise: its row is
    # rejected, and IF01's district could meet the rule (unknown).
    "ignorable": [(None, "NOT_MET", 0), ("Cafe", "NOT_MET", 0), ("Caf\u00e9", "UNKNOWN", None)],
    "inspection": [(None, "NOT_MET", 1), ("Cafe", "NOT_MET", 0), ("Caf\u00e9", "MET", 1)],
}


@pytest.mark.parametrize("case", sorted(_CASES))
@pytest.mark.parametrize("which", range(4))
def test_a_column_whose_collation_holds_two_values_equal_is_refused(
    engine: tuple[str, Any], yantai: qrules.Rulebook, case: str, which: int
) -> None:
    """A column declared with a collation that holds two values a reader reads
    as two as one (DuckDB's NOCASE, NOACCENT, both, an ICU locale; PostgreSQL's
    nondeterministic ICU collations) is refused, naming the column and its
    collation: before, ``if01`` met IF01's rule, Café and Cafe were one district
    half met, ``J1`` and ``j1`` one inspection id repeated."""
    dialect, connection = engine
    if which >= len(_COLLATIONS[dialect]):
        pytest.skip("no such collation on this engine")
    if dialect == "postgres":
        _postgres_collations(connection)
    collation = _COLLATIONS[dialect][which]
    collated, log = _CASES[case]
    register, log_table = _tables(engine, collated, collation, log)
    column = collated.split(".")[1]
    with pytest.raises(qrules.DataError, match=f"column '{column}' .*{collation}") as raised:
        _judged(yantai, connection, register, log_table)
    assert raised.value.problems[0].file == (log_table if collated[0] == "l" else register)
    table = "检查记录" if collated[0] == "l" else "登记册"
    assert f"({table}的 " in raised.value.render("zh")


#: What each case gave under a collation before it was refused, by engine.
_FALSE = {
    "duckdb": (
        ("NOCASE", "unit", [(None, "NOT_MET", 1), ("Cafe", "NOT_MET", 0), ("Caf\u00e9", "MET", 1)]),
        (
            "de",
            "ignorable",
            [(None, "NOT_MET", 1), ("Cafe", "NOT_MET", 0), ("Caf\u00e9", "MET", 1)],
        ),
        ("NOACCENT", "district", [(None, "NOT_MET", 1), ("Caf\u00e9", "NOT_MET", 1)]),
        ("NOCASE", "inspection", "inspection ids in more than one row"),
    ),
    "postgres": (
        (
            "qrules_ci",
            "unit",
            [(None, "NOT_MET", 1), ("Cafe", "NOT_MET", 0), ("Caf\u00e9", "MET", 1)],
        ),
        ("qrules_ai", "district", [(None, "NOT_MET", 1), ("Caf\u00e9", "NOT_MET", 1)]),
        ("qrules_ci", "inspection", "inspection ids in more than one row"),
    ),
}


@pytest.mark.parametrize("which", range(4))
def test_without_the_refusal_each_case_is_a_false_verdict(
    engine: tuple[str, Any], yantai: qrules.Rulebook, which: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Why the refusal: with it left out, the counting query and the key check
    compare under the collation and give what no reader gives (IF01 met by a
    row of ``if01``; Café and Cafe one district, half met; two inspections one
    id repeated). Should the queries ever compare byte for byte themselves,
    this fails, and the refusal can go."""
    dialect, connection = engine
    if which >= len(_FALSE[dialect]):
        pytest.skip("no such case on this engine")
    if dialect == "postgres":
        _postgres_collations(connection)
    collation, case, found = _FALSE[dialect][which]
    collated, log = _CASES[case]
    register, log_table = _tables(engine, collated, collation, log)
    monkeypatch.setattr(qrules.engines, "refuse_collated", lambda *_, **__: None)
    if isinstance(found, str):
        with pytest.raises(qrules.DataError, match=found):
            _judged(yantai, connection, register, log_table)
        return
    assert _verdicts(_judged(yantai, connection, register, log_table)) == found != _READ[case]


@pytest.mark.parametrize("case", sorted(_CASES))
def test_a_binary_collation_is_read_as_it_is(
    engine: tuple[str, Any], yantai: qrules.Rulebook, case: str
) -> None:
    """The same tables with the column compared byte for byte (no collation, or
    ``C``) give what a reader finds."""
    _, connection = engine
    collated, log = _CASES[case]
    for collation in ("", "C"):
        register, log_table = _tables(engine, collated if collation else "", collation, log)
        assert _verdicts(_judged(yantai, connection, register, log_table)) == _READ[case]


def test_duckdb_binary_collation_names_and_the_name_column_are_accepted(
    yantai: qrules.Rulebook,
) -> None:
    """DuckDB's POSIX and binary spellings compare byte for byte; the unit's
    name, which is only shown, may have any collation."""
    connection = duckdb.connect()
    engine = ("duckdb", connection)
    for collated, collation in (("log.unit", "POSIX"), ("register.name", "NOCASE")):
        register, log = _tables(engine, collated, collation, _CASES["unit"][1])
        assert _verdicts(_judged(yantai, connection, register, log)) == _READ["unit"]


def test_a_view_that_collates_a_column_is_refused(yantai: qrules.Rulebook) -> None:
    """A view whose column is an expression with a collation (DuckDB binds the
    view's query: its column's type carries the collation) is refused too."""
    connection = duckdb.connect()
    register, log = _tables(("duckdb", connection), log=_CASES["unit"][1])
    connection.execute(
        f"CREATE VIEW qrules_folded AS SELECT unit COLLATE NOCASE AS unit, date, kind FROM {log}"
    )
    with pytest.raises(qrules.DataError, match=r"column 'unit' .*NOCASE"):
        _judged(yantai, connection, register, "qrules_folded")


def test_duckdb_arrow_tables_registered_in_place_are_read(yantai: qrules.Rulebook) -> None:
    """Tables registered on a DuckDB connection (an Arrow table, a DataFrame:
    scanned by a table function whose plan DuckDB cannot serialize) are read
    as they are, and a view over one that collates a column is refused: the
    columns' collations are read from the plan DuckDB optimizes to an empty
    result, not from the scan's."""
    pyarrow = pytest.importorskip("pyarrow")
    connection = duckdb.connect()
    register, log = _tables(("duckdb", connection), log=_CASES["district"][1])
    for name in (register, log):
        connection.register(f"{name}_arrow", connection.table(name).to_arrow_table())
    assert isinstance(connection.table(f"{log}_arrow").to_arrow_table(), pyarrow.Table)
    found = _judged(yantai, connection, f"{register}_arrow", f"{log}_arrow")
    assert _verdicts(found) == _READ["district"]
    connection.execute(
        "CREATE VIEW qrules_folded_arrow AS SELECT unit COLLATE NOCASE AS unit, date, kind"
        f" FROM {log}_arrow"
    )
    with pytest.raises(qrules.DataError, match=r"column 'unit' .*NOCASE"):
        _judged(yantai, connection, f"{register}_arrow", "qrules_folded_arrow")


def test_a_postgres_view_that_collates_a_column_is_refused(
    postgres: Any, yantai: qrules.Rulebook
) -> None:
    _postgres_collations(postgres)
    register, log = _tables(("postgres", postgres), log=_CASES["unit"][1])
    postgres.execute(
        "CREATE OR REPLACE VIEW qrules_folded AS"
        f" SELECT unit COLLATE qrules_ci AS unit, date, kind FROM {log}"
    )
    with pytest.raises(qrules.DataError, match=r"column 'unit' .*qrules_ci"):
        _judged(yantai, postgres, register, "qrules_folded")


@pytest.mark.parametrize("collation", ["nocase", "noaccent", "nfc"])
def test_a_duckdb_connection_whose_default_collation_is_not_binary_is_refused(
    yantai: qrules.Rulebook, collation: str
) -> None:
    """``SET default_collation`` makes every comparison of text without a
    collation of its own compare so: tables judged in place, and records
    qrules loads into the connection, are refused (before: Café and Cafe one
    district, ``if01`` an inspection of IF01)."""
    connection = duckdb.connect()
    register, log = _tables(("duckdb", connection), log=_CASES["unit"][1])
    connection.execute(f"SET default_collation = '{collation}'")
    with pytest.raises(qrules.DataError, match=f"default_collation is '{collation}'"):
        _judged(yantai, connection, register, log)
    units = [
        dict(
            zip(
                ("unit", "name", "district", "category", "risk_level", "registered"),
                row,
                strict=True,
            )
        )
        for row in _REGISTER
    ]
    read = qrules.read_register(units)
    visits = qrules.read_log([{"unit": "IF01", "date": "2024-03-01", "kind": "system"}], read)

    def loaded() -> qrules.Evaluation:
        return qrules.evaluate_records(
            yantai,
            read,
            visits,
            rules=_rules(yantai),
            by_district=True,
            engine="duckdb",
            connection=connection,
            log_until="2024-12-31",
            log_from="2024-01-01",
        )

    with pytest.raises(qrules.DataError, match=f"default_collation is '{collation}'") as refused:
        loaded()
    # (named by the register's name, not the table qrules staged it in)
    assert f"reading {read.name} " in str(refused.value)
    assert "qrules_register" not in str(refused.value)
    connection.execute("RESET default_collation")
    assert _verdicts(loaded()) == _READ["district"]


def test_a_deterministic_icu_collation_is_read_as_it_is(
    postgres: Any, yantai: qrules.Rulebook
) -> None:
    """A deterministic collation, ICU's case-insensitive ordering included,
    holds two values equal only when their bytes are: accepted, and read as a
    reader reads the values."""
    _postgres_collations(postgres)
    postgres.execute(
        "CREATE COLLATION IF NOT EXISTS qrules_ci_ordered"
        " (provider = icu, locale = 'und-u-ks-level2', deterministic = true)"
    )
    for case, (collated, log) in _CASES.items():
        register, log_table = _tables(("postgres", postgres), collated, "qrules_ci_ordered", log)
        assert _verdicts(_judged(yantai, postgres, register, log_table)) == _READ[case]


@pytest.fixture(scope="module")
def icu_database(postgres: Any) -> Any:
    """A connection to a database of the same server whose default collation is
    ICU's case-insensitive ordering (which PostgreSQL keeps deterministic)."""
    psycopg = pytest.importorskip("psycopg")
    [(name,)] = postgres.execute("SELECT current_database() || '_icu'").fetchall()
    if not postgres.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchall():
        try:
            postgres.execute(
                f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'"
                " LOCALE_PROVIDER icu ICU_LOCALE 'und-u-ks-level2' LOCALE 'C.UTF-8'"
            )
        except psycopg.Error as error:  # no ICU, or a server before 15
            pytest.skip(f"cannot create a database with an ICU default: {error}")
    info = psycopg.conninfo.make_conninfo(
        postgres.info.dsn, dbname=name, password=postgres.info.password
    )
    with psycopg.connect(info, autocommit=True) as connection:
        yield connection


def test_a_database_whose_default_collation_is_icu_is_read_as_it_is(
    icu_database: Any, yantai: qrules.Rulebook
) -> None:
    """PostgreSQL's database default is deterministic, ICU or not: its tables
    are judged as a reader reads them (``if01`` rejected, Café and Cafe two
    districts, ``J1`` and ``j1`` two inspections)."""
    for case, (_, log) in _CASES.items():
        register, log_table = _tables(("postgres", icu_database), log=log)
        assert _verdicts(_judged(yantai, icu_database, register, log_table)) == _READ[case]


def test_the_command_line_refuses_a_collated_column_with_exit_2(tmp_path: Path) -> None:
    """Through ``qrules check --database``: exit 2, one problem naming the
    column and its collation and what to do, in English and in Chinese."""
    path = tmp_path / "records.duckdb"
    with duckdb.connect(str(path)) as connection:
        register, log = _tables(("duckdb", connection), "log.unit", "NOCASE", _CASES["unit"][1])
        connection.execute(f"ALTER TABLE {register} RENAME TO register")
        connection.execute(f"ALTER TABLE {log} RENAME TO inspections")
    database = f"duckdb:///{path}"
    code, _, err = run("check", "yantai-2023-2025", "--database", database)
    assert code == 2
    assert "column 'unit' (log unit)" in err
    assert "NOCASE" in err
    assert "without COLLATE NOCASE" in err
    assert "Traceback" not in err
    code, _, err = run("check", "yantai-2023-2025", "--database", database, "--lang", "zh")
    assert code == 2
    assert "排序规则 NOCASE" in err


@pytest.mark.parametrize(
    ("plan", "said"),
    [
        ('{"error": true, "error_message": "Binder Error: no such column"}', "no such column"),
        ('{"plans": [{"expressions": []}]}', "does not read"),
        ("[]", "does not read"),
        ("not json", "does not read"),
    ],
)
def test_a_duckdb_plan_that_does_not_read_is_a_data_error(plan: str, said: str) -> None:
    """A plan DuckDB gives as an error, or shaped otherwise than qrules reads
    (a newer DuckDB), is a `DataError` naming the table, never a guess."""
    from qrules.engines._collations import refuse_collated  # noqa: PLC0415
    from qrules.engines.sql import Table  # noqa: PLC0415

    class Planned:
        dialect = "duckdb"

        def fetch(self, sql: str, *, again: bool = False) -> list[tuple[str, str]]:
            return [("", plan)]

    with pytest.raises(qrules.DataError, match=f"qrules_units.*{said}"):
        refuse_collated(Planned(), Table("qrules_units", {"unit": "unit"}), "register")  # type: ignore[arg-type]


def test_duckdb_looks_at_both_tables_in_one_query_and_refuses_the_register_first(
    yantai: qrules.Rulebook,
) -> None:
    """On DuckDB the register's and the log's collations are read in one
    query; each refusal still names its own table, the register's first, even
    when the log cannot be read at all (its own error otherwise)."""
    connection = duckdb.connect()
    register, log = _tables(("duckdb", connection), log=_CASES["unit"][1])
    connection.execute(
        f"CREATE VIEW qrules_folded AS SELECT unit COLLATE NOCASE AS unit, date, kind FROM {log}"
    )
    connection.execute(
        "CREATE VIEW qrules_folded_register AS SELECT * REPLACE (category COLLATE NOCASE AS"
        f" category) FROM {register}"
    )
    seen: list[str] = []
    real = qrules.engines.sql.Connection.fetch

    def fetch(self: Any, sql: str, *, again: bool = False) -> Any:
        seen.append(sql)
        return real(self, sql, again=again)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(qrules.engines.sql.Connection, "fetch", fetch)
        _judged(yantai, connection, register, log)
    assert sum("JSON_SERIALIZE_PLAN" in s for s in seen) == 1
    with pytest.raises(qrules.DataError, match=r"qrules_folded\b.*column 'unit' .*NOCASE"):
        _judged(yantai, connection, register, "qrules_folded")
    for other in ("qrules_folded", "qrules_no_such_log"):
        with pytest.raises(
            qrules.DataError, match=r"qrules_folded_register.*column 'category' .*NOCASE"
        ):
            _judged(yantai, connection, "qrules_folded_register", other)
    with pytest.raises(qrules.DataError, match="qrules_no_such_log"):
        _judged(yantai, connection, register, "qrules_no_such_log")


def test_a_duckdb_plan_of_both_tables_that_does_not_read_looks_at_each_alone() -> None:
    """When the one plan of both tables does not read (a newer DuckDB), each
    table is looked at on its own, and the error names the table whose plan
    does not read."""
    from qrules.engines._collations import refuse_collated  # noqa: PLC0415
    from qrules.engines.sql import Table  # noqa: PLC0415

    class Planned:
        dialect = "duckdb"

        def __init__(self) -> None:
            self.asked: list[str] = []

        def fetch(self, sql: str, *, again: bool = False) -> list[tuple[str, str]]:
            self.asked.append(sql)
            if "qrules_log" in sql and "qrules_units" not in sql:
                return [("", '{"plans": [{"expressions": []}]}')]
            if "qrules_log" in sql:
                return [("", "not json")]
            return [("", '{"plans": [{"return_types": [{"id": "VARCHAR"}]}]}')]

    planned = Planned()
    with pytest.raises(qrules.DataError, match=r"qrules_log.*does not read"):
        refuse_collated(
            planned,  # type: ignore[arg-type]
            Table("qrules_units", {"unit": "unit"}),
            "register",
            (Table("qrules_log", {"unit": "unit"}), "log"),
        )
    assert len(planned.asked) == 3  # together, then the register's, then the log's
