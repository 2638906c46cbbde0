"""Registers and logs for the records tests, as CSV files and as tables of text
in a database, and their results on every route: the reference engine on the
files read, an SQL engine on the records loaded into it, and the same engine on
its tables in place.

Shared by the tests of doubtful rows (``test_doubts.py``), of rows without an
inspection id (``test_idless_s14.py``), of empty population columns
(``test_vacant.py``), session 10's fixes and hunt (``test_fixes_s10.py``,
``test_hunt2_s10.py``), a unit id given more than once (``test_lead_s17.py``,
``test_mend_s18.py``). The rows themselves are built with
``records_strategies.unit`` and ``visit``; the command line's options for
records are ``conftest.records_options``, ``log_year`` and ``SAMPLE_RECORDS``.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import duckdb

import qrules
from qrules import Verdict
from qrules.engines import evaluate_tables

BOOK = "yantai-2023-2025"
#: Rules of the Yantai rulebook that count inspections in the log.
FORMULA = "infant-formula-makers-system-inspected-yearly"
HIGH_RISK = "high-risk-catering-units-inspected-twice-yearly"
LARGE = "large-catering-units-bright-kitchen-rate"
DRUGS = "special-drug-retailers-inspection-coverage"
KITCHENS = "central-kitchens-in-internet-bright-kitchen"

YEAR_2024 = {"log_from": "2024-01-01", "log_until": "2024-12-31"}
YEAR_2025 = {"log_from": "2025-01-01", "log_until": "2025-12-31"}

#: The columns of the tables made in place, and their SQL types.
REGISTER_TYPES = {
    "unit": "VARCHAR",
    "name": "VARCHAR",
    "category": "VARCHAR",
    "risk_level": "VARCHAR",
    "registered": "VARCHAR",
    "closed": "VARCHAR",
    "internet_bright_kitchen": "VARCHAR",
}
LOG_TYPES = {"unit": "VARCHAR", "date": "VARCHAR", "kind": "VARCHAR", "result": "VARCHAR"}
#: A log's columns with its inspection ids.
ID_LOG_TYPES = {"inspection": "VARCHAR", **LOG_TYPES}


#: A register row of the kitchens' tests of a unit id given more than once:
#: (unit, category, internet_bright_kitchen, risk_level).
KitchenRow = tuple[str, str, str, str]


def kitchens_read(
    folder: Path, units: list[KitchenRow]
) -> tuple[qrules.Register, qrules.InspectionLog]:
    """A register of ``units`` (each named ``n``) and an empty log, written
    as CSV files in ``folder`` (each unit id quoted, as written) and read."""
    (folder / "reg.csv").write_text(
        "unit,name,category,internet_bright_kitchen,risk_level\n"
        + "".join(f'"{u}",n,{c},{f},{r}\n' for u, c, f, r in units),
        encoding="utf-8",
    )
    (folder / "log.csv").write_text("inspection,unit,date\n", encoding="utf-8")
    register = qrules.read_register(folder / "reg.csv")
    return register, qrules.read_log(folder / "log.csv", register)


def kitchens_in_place(units: list[KitchenRow]) -> Any:
    """The same register (and an empty log) as DuckDB tables ``reg`` and
    ``log`` in place, of text."""
    connection = duckdb.connect()
    connection.execute(
        "CREATE TABLE reg (unit VARCHAR, name VARCHAR, category VARCHAR,"
        " internet_bright_kitchen VARCHAR, risk_level VARCHAR)"
    )
    connection.executemany("INSERT INTO reg VALUES (?, 'n', ?, ?, ?)", [list(u) for u in units])
    connection.execute("CREATE TABLE log (inspection VARCHAR, unit VARCHAR, date DATE)")
    return connection


def write(path: Path, rows: list[dict[str, Any]], columns: list[str]) -> Path:
    """A CSV file of the rows' ``columns`` (an absent or None value an empty cell)."""
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(columns)
        writer.writerows([["" if r.get(c) is None else r[c] for c in columns] for r in rows])
    return path


def place(
    connection: Any, engine: str, name: str, rows: list[dict[str, Any]], types: dict[str, str]
) -> None:
    """A table in the database, with these column types, holding the rows as text."""
    cursor = connection.cursor()
    cursor.execute(f"DROP TABLE IF EXISTS {name}")
    cursor.execute(f"CREATE TABLE {name} (" + ", ".join(f"{c} {t}" for c, t in types.items()) + ")")
    mark = "%s" if engine == "postgres" else "?"
    for row in rows:
        cursor.execute(
            f"INSERT INTO {name} VALUES ("
            + ", ".join(f"CAST({mark} AS {t})" for t in types.values())
            + ")",
            tuple(None if row.get(c) is None else str(row[c]) for c in types),
        )


def place_csv(connection: Any, name: str, path: Path) -> None:
    """The CSV file as a table of text columns (an empty cell NULL)."""
    with path.open(encoding="utf-8", newline="") as file:
        header, *rows = list(csv.reader(file))
    cursor = connection.cursor()
    cursor.execute(f"DROP TABLE IF EXISTS {name}")
    cursor.execute(f"CREATE TABLE {name} (" + ", ".join(f"{c} VARCHAR" for c in header) + ")")
    mark = "?" if isinstance(connection, duckdb.DuckDBPyConnection) else "%s"
    for row in rows:
        cursor.execute(
            f"INSERT INTO {name} VALUES (" + ", ".join([mark] * len(header)) + ")",
            tuple(v if v != "" else None for v in row),
        )


def on_every_route(
    book: qrules.Rulebook,
    engine: tuple[str, Any],
    register: qrules.Register,
    log: qrules.InspectionLog,
    tables: tuple[str, str],
    **chosen: Any,
) -> dict[str, list[qrules.Result]]:
    """The results of the records read on the reference engine (``reference``),
    loaded into the engine (``loaded``), and of the engine's ``tables`` (register,
    log) in place (``in place``)."""
    name, connection = engine
    return {
        "reference": list(qrules.evaluate_records(book, register, log, **chosen)),
        "loaded": list(
            qrules.evaluate_records(
                book, register, log, engine=name, connection=connection, **chosen
            )
        ),
        "in place": list(
            evaluate_tables(book, connection, register=tables[0], log=tables[1], **chosen)
        ),
    }


def everywhere(
    book: qrules.Rulebook,
    tmp_path: Path,
    engine: tuple[str, Any],
    units: list[dict[str, Any]],
    visits: list[dict[str, Any]],
    rule: str,
    log_columns: list[str] | None = None,
    *,
    tables: tuple[str, str] = ("doubt_register", "doubt_log"),
    **options: Any,
) -> dict[str, list[qrules.Result]]:
    """The rule's results on files (reference engine), loaded into the engine, and
    in place in the engine's ``tables`` (the log of ``log_columns``, by default
    those of ``LOG_TYPES``; ``inspection`` among them for the ids)."""
    name, connection = engine
    columns = list(LOG_TYPES) if log_columns is None else log_columns
    register = qrules.read_register(write(tmp_path / "register.csv", units, list(REGISTER_TYPES)))
    log = qrules.read_log(write(tmp_path / "log.csv", visits, columns), register)
    place(connection, name, tables[0], units, REGISTER_TYPES)
    place(connection, name, tables[1], visits, {c: ID_LOG_TYPES[c] for c in columns})
    return on_every_route(book, engine, register, log, tables, rules=[book[rule]], **options)


def only(results: list[qrules.Result], year: int) -> qrules.Result:
    """The city's result of ``year`` (of one rule)."""
    [found] = [r for r in results if r.year == year and r.district is None]
    return found


def assert_everywhere(
    found: dict[str, list[qrules.Result]],
    year: int,
    verdict: Verdict,
    *,
    said: str | None = None,
    unsaid: str | None = None,
) -> None:
    """On every route of ``found``, the city's result of ``year`` is ``verdict``,
    and its English reason says ``said`` and does not say ``unsaid``."""
    for where, results in found.items():
        result = only(results, year)
        assert result.verdict is verdict, (where, result.reason.en)
        if said is not None:
            assert said in result.reason.en, (where, result.reason.en)
        if unsaid is not None:
            assert unsaid not in result.reason.en, (where, result.reason.en)
