"""Database files from untrusted sources (docs/security.md#databases).

A DuckDB file's views run when they are read: qrules opens every DuckDB
database read only, with external access, extension loading and configuration
changes switched off, so a view cannot read a local file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qrules._tabular import duckdb_connection

from .conftest import run

duckdb = pytest.importorskip("duckdb")
pytest.importorskip("pyarrow")

SECRET = "qrules-secret-line-4f1c"


@pytest.fixture
def evil(tmp_path: Path) -> Path:
    """A database whose ``register`` and ``inspections`` are views over a local file."""
    secret = tmp_path / "secret.txt"
    secret.write_text(f"{SECRET}\n", encoding="utf-8")
    path = tmp_path / "evil.db"
    connection = duckdb.connect(str(path))
    reader = f"read_text('{secret}')"
    connection.execute(
        f"CREATE VIEW register AS SELECT content AS unit, 'x' AS name, 'a' AS district, "
        f"'food_production' AS category, DATE '2020-01-01' AS registered, "
        f"NULL::DATE AS closed FROM {reader}"
    )
    connection.execute(
        f"CREATE VIEW inspections AS SELECT 'i' AS inspection, content AS unit, "
        f"DATE '2024-01-01' AS date, 'routine' AS kind, 'compliant' AS result FROM {reader}"
    )
    connection.close()
    return path


@pytest.mark.parametrize(
    "argv",
    [
        (
            "--register",
            "duckdb:///{db}?table=register",
            "--log",
            "duckdb:///{db}?table=inspections",
        ),
        ("--register", "duckdb:///{db}?table=register", "--engine", "reference"),
        ("--database", "duckdb:///{db}"),
        ("--database", "duckdb:///{db}", "--trust-keys"),
    ],
)
def test_a_view_over_a_local_file_cannot_read_it(evil: Path, argv: tuple[str, ...]) -> None:
    code, out, err = run(
        "check", "yantai-2023-2025", *(a.replace("{db}", "/" + str(evil)) for a in argv)
    )
    assert SECRET not in out + err
    assert code == 2, (out, err)
    assert "Traceback" not in err
    assert "disabled by configuration" in err or "file system operations" in err, err


def test_the_configuration_cannot_be_set_back(evil: Path) -> None:
    connection = duckdb_connection(str(evil))
    try:
        for statement in (
            "SET enable_external_access = true",
            "RESET enable_external_access",
            "SET lock_configuration = false",
            "SET autoload_known_extensions = true",
            "INSTALL httpfs",
        ):
            with pytest.raises(duckdb.Error):
                connection.execute(statement)
        with pytest.raises(duckdb.Error):
            # No extension is installed or loaded to reach the network.
            connection.execute("SELECT * FROM read_csv('https://example.com/x')").fetchall()
        with pytest.raises(duckdb.Error):
            connection.execute("CREATE TABLE t (a INT)")  # read only
    finally:
        connection.close()


def test_an_in_memory_connection_is_locked_as_well() -> None:
    connection = duckdb_connection()
    try:
        with pytest.raises(duckdb.Error):
            connection.execute("SELECT * FROM read_text('/etc/hostname')").fetchall()
        with pytest.raises(duckdb.Error):
            connection.execute("SET enable_external_access = true")
    finally:
        connection.close()
