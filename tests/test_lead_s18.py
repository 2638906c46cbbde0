"""Session 18, the review's findings fixed by the lead: a Parquet file's text
read column by column again (the bound on what it expands to had left every
text column dictionary-encoded, which the column readers decline: 40 times
slower), and what a read-only PostgreSQL session is asked to write."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pa = pytest.importorskip("pyarrow")
parquet = pytest.importorskip("pyarrow.parquet")

from qrules import _columns, read_register  # noqa: E402
from qrules._tabular import arrow_batches  # noqa: E402


def _register(path: Path, *, large: bool) -> Path:
    text = pa.large_string() if large else pa.string()
    rows = 300
    table = pa.table(
        {
            "unit": pa.array([f"U{i}" for i in range(rows)], text),
            "name": pa.array(["单位"] * rows, text),
            "category": pa.array(["central_kitchen"] * rows, text),
            "internet_bright_kitchen": pa.array(["是", "否"] * (rows // 2), text),
            "risk_level": pa.array(["high"] * rows, text),
        }
    )
    parquet.write_table(table, path)
    return path


@pytest.mark.parametrize("large", [False, True])
def test_a_parquet_files_text_is_decoded_to_the_files_types(tmp_path: Path, large: bool) -> None:
    path = _register(tmp_path / "register.parquet", large=large)
    schema, batches = arrow_batches(path)
    read = list(batches)
    assert schema == parquet.ParquetFile(path).schema_arrow
    assert all(batch.schema == schema for batch in read)
    assert not any(pa.types.is_dictionary(field.type) for field in schema)


@pytest.mark.parametrize("large", [False, True])
def test_a_parquet_register_is_read_column_by_column(tmp_path: Path, large: bool) -> None:
    path = _register(tmp_path / "register.parquet", large=large)
    cells = _columns._cells(path, encoding=None, table=None, sheet=None, name=None)
    assert cells is not None  # (None: the row reader, 40 times slower)
    register = read_register(path)
    assert len(register.units) == 300
    assert sum("internet_bright_kitchen" in u.flags for u in register.units) == 150


KITCHENS = "central-kitchens-in-internet-bright-kitchen"


def test_a_read_only_postgresql_session_judges_twins_in_place(
    postgres: Any, postgres_url: str
) -> None:
    """The twins' ids are staged in a temporary table where the session may make
    one; a read-only session (a replica, a read-only role or transaction) gets
    them written into the query, as before they were staged: the same verdict,
    not a refusal (the review: "cannot execute CREATE TABLE in a read-only
    transaction")."""
    psycopg = pytest.importorskip("psycopg")
    import qrules  # noqa: PLC0415
    from qrules import Verdict  # noqa: PLC0415

    postgres.execute("DROP SCHEMA IF EXISTS lead_s18_ro CASCADE")
    postgres.execute("CREATE SCHEMA lead_s18_ro")
    postgres.execute(
        "CREATE TABLE lead_s18_ro.reg (unit VARCHAR, name VARCHAR, category VARCHAR,"
        " internet_bright_kitchen VARCHAR, risk_level VARCHAR)"
    )
    postgres.execute(
        "INSERT INTO lead_s18_ro.reg VALUES ('U1', 'n', 'central_kitchen', '是', 'high'),"
        " ('U1', 'n', 'central_kitchen', '是', '很高'),"
        " ('U2', 'n', 'central_kitchen', '是', 'high')"
    )
    postgres.execute("CREATE TABLE lead_s18_ro.log (inspection VARCHAR, unit VARCHAR, date DATE)")
    book = qrules.load("yantai-2023-2025")
    options: dict[str, Any] = {
        "register": "lead_s18_ro.reg",
        "log": "lead_s18_ro.log",
        "rules": [KITCHENS],
        "log_from": "2024-01-01",
        "log_until": "2024-12-31",
    }
    [writable] = qrules.evaluate_tables(book, postgres, **options)
    with psycopg.connect(postgres_url, autocommit=True) as read_only:
        read_only.execute("SET default_transaction_read_only = on")
        [found] = qrules.evaluate_tables(book, read_only, **options)
    assert found.verdict is writable.verdict is Verdict.MET, found.reason.en
    assert found.rejected_rows == writable.rejected_rows


def test_qrules_never_writes_a_decision_log_its_audit_refuses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`qrules audit` reads at most `MAX_DECISION_LOG_LINES` lines (and
    `MAX_DECISION_LOG_BYTES`): an append that would take a log past them is
    refused with the same advice, before a line is written, rather than left
    for the audit to refuse (the review: a district-wide nightly check reached
    the bound in a year and a half, unseen until the audit)."""
    from qrules import _decisions  # noqa: PLC0415

    from .conftest import run  # noqa: PLC0415

    path = tmp_path / "decisions.jsonl"
    code, _, err = run("check", "yantai-2023-2025", "--sample", "--decision-log", str(path))
    assert code == 1, err
    written = path.read_bytes()
    lines = written.count(b"\n")
    monkeypatch.setattr(_decisions, "MAX_DECISION_LOG_LINES", 2 * lines - 1)
    code, _, err = run("check", "yantai-2023-2025", "--sample", "--decision-log", str(path))
    assert code == 2, err
    assert f"more than {2 * lines - 1:,} lines (at least {2 * lines:,})" in err
    assert "start a new log file" in err
    assert path.read_bytes() == written  # (nothing appended)
    code, out, err = run("audit", str(path))
    assert code == 0, err + out
    monkeypatch.setattr(_decisions, "MAX_DECISION_LOG_LINES", 2 * lines)
    monkeypatch.setattr(_decisions, "MAX_DECISION_LOG_BYTES", len(written) + 1)
    code, _, err = run("check", "yantai-2023-2025", "--sample", "--decision-log", str(path))
    assert code == 2, err
    assert "over the 0 MiB qrules audit reads" in err
    monkeypatch.setattr(_decisions, "MAX_DECISION_LOG_BYTES", 3 * len(written))
    code, _, err = run("check", "yantai-2023-2025", "--sample", "--decision-log", str(path))
    assert code == 1, err
    assert path.read_bytes().count(b"\n") == 2 * lines
    code, out, err = run("audit", str(path))
    assert code == 0, err + out
