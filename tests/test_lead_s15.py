"""Session 15, the lead's: the keys checked on DuckDB in fewer statements."""

from __future__ import annotations

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
