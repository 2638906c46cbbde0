"""Session 16, the lead's: what the key check's first look read is not read again."""

from __future__ import annotations

import pytest

from .test_lead_s15 import _judged


@pytest.mark.parametrize("ids", [[None, None], ["NA", "NA"], ["—", "—"], ["NA", "J1"]])
def test_statistics_that_do_not_prove_every_id_given_are_read_once(ids: list[str | None]) -> None:
    """DuckDB's statistics of the inspection ids, read by the key check's first
    look, that do not prove every row has an id (a NULL, a marker) are not
    read again before asking for the rows without one (`Doubts.stated`): one
    ``STATS()`` in the evaluation, and the same verdicts as before (two rows
    alike without an id: unknown; one id given: met)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        verdict, asked = _judged(monkeypatch, ids)
    assert verdict == ("met" if "J1" in ids else "unknown")
    assert sum("STATS(" in text for text in asked) == 1
