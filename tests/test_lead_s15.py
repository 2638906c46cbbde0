"""Session 15, the lead's: the keys checked on DuckDB in fewer statements."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from qrules.engines import _holdings

from .test_lead_s14 import _judged_idless


def _judged(monkeypatch: pytest.MonkeyPatch, ids: list[str | None]) -> tuple[str, list[str]]:
    """`_judged_idless`, the keys checked and the tables' first look taken as
    at scale (`_holdings._HEADS_FROM`)."""
    monkeypatch.setattr(_holdings, "_HEADS_FROM", 0)
    return _judged_idless(monkeypatch, ids, check_keys=True)


def test_keys_checked_ask_the_statistics_once_and_the_log_rows_with_the_register() -> None:
    """With the inspection ids' numbers known (a map of bits, no hash table of
    the ids), the key check's pass over every log row is asked in the same
    statement as the register's keys and the rows of unknown units; the
    statistics read by the first look also say that every row has an id, so
    the id-less rows are not asked about again."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        verdict, asked = _judged(monkeypatch, ["J1", "J2"])
    assert verdict == "met"
    assert sum("STATS(" in text for text in asked) == 1
    [keys] = [text for text in asked if "ROWS_BAD" in text]
    assert "UNKNOWN_FIRST" in keys
    assert "BAD_UNITS" in keys


@pytest.mark.parametrize("ids", [[None, None], ["NA", "NA"], ["—", "—"], ["NA", "J1"]])
def test_keys_checked_rows_without_an_id_are_still_asked_about(ids: list[str | None]) -> None:
    """A missing id (NULL, or a marker the readers read as none) is not proven
    given by the statistics: two rows alike without one may be one inspection
    exported twice, and "twice a year" is unknown (one id given, no two rows
    alike without one: two inspections, met)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        verdict, _ = _judged(monkeypatch, ids)
    assert verdict == ("met" if "J1" in ids else "unknown")


def test_the_security_page_copy_of_an_untrusted_database_runs(tmp_path: Path) -> None:
    """docs/security.md's copy of an office's database file: the tables copied
    in memory (their statistics DuckDB's own), the file let go, and the
    connection then locked as qrules locks its own."""
    import duckdb  # noqa: PLC0415

    office = tmp_path / "office.db"
    with duckdb.connect(str(office)) as made:
        made.execute("CREATE TABLE register AS SELECT 'U1' AS unit, 'catering' AS category")
        made.execute("CREATE TABLE log AS SELECT 'U1' AS unit, DATE '2024-03-01' AS date")
    page = (Path(__file__).parents[1] / "docs" / "security.md").read_text(encoding="utf-8")
    [code] = [b for b in re.findall(r"```python\n(.*?)```", page, re.S) if "ATTACH" in b]
    namespace: dict[str, Any] = {"duckdb": duckdb}
    exec(code.replace("'office.db'", f"'{office}'"), namespace)
    connection = namespace["connection"]
    assert connection.execute("SELECT count(*) FROM register").fetchone() == (1,)
    assert connection.execute("SELECT count(*) FROM log").fetchone() == (1,)
    with pytest.raises(duckdb.Error):
        connection.execute("SET enable_external_access = true")
    with pytest.raises(duckdb.Error):
        connection.execute(f"SELECT * FROM read_csv('{office}')")
