"""Tables in place with the keys checked, made cheaper (session 11): what the
passes made anyway tell is not asked again, with the same results.

- The register's units with an empty population column (`_rejected.vacant`)
  are not probed when its plain counts (no NULL) and, with the keys checked,
  its look at its distinct values (no missing marker, no other value) show
  there is none.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pytest

import qrules
from qrules import Verdict
from qrules.engines import _rejected, evaluate_tables

BOOK = "yantai-2023-2025"
HIGH_RISK = "high-risk-catering-units-inspected-twice-yearly"
YEAR_2025 = {"log_from": "2025-01-01", "log_until": "2025-12-31"}


def _probes(monkeypatch: pytest.MonkeyPatch) -> list[frozenset[str]]:
    """The columns each vacant probe of an evaluation asks about."""
    asked: list[frozenset[str]] = []
    made = _rejected.vacant

    def counting(*args: Any, **kwargs: Any) -> Any:
        units = made(*args, **kwargs)

        def answered(columns: frozenset[str], categories: Any) -> Any:
            asked.append(columns)
            return units(columns, categories)

        return answered

    monkeypatch.setattr(_rejected, "vacant", counting)
    return asked


def _tables(second_risk: str | None, district: str | None = "芝罘区") -> Any:
    """Two catering units, A high-risk and inspected twice in 2025, B of
    ``second_risk``, in DuckDB (text columns)."""
    connection = duckdb.connect()
    connection.execute(
        "CREATE TABLE register (unit VARCHAR, name VARCHAR, category VARCHAR, "
        "risk_level VARCHAR, district VARCHAR)"
    )
    connection.execute(
        "INSERT INTO register VALUES ('A', 'a', 'catering', 'high', '芝罘区'), "
        "('B', 'b', 'catering', ?, ?)",
        [second_risk, district],
    )
    connection.execute("CREATE TABLE inspections (unit VARCHAR, date DATE, kind VARCHAR)")
    connection.execute(
        "INSERT INTO inspections VALUES ('A', '2025-05-01', 'routine'), "
        "('A', '2025-06-01', 'routine')"
    )
    return connection


@pytest.mark.parametrize(
    ("second_risk", "checked", "trusted", "probes"),
    [
        # Every risk level a code: no probe, checked (the look) or trusted.
        ("low", Verdict.MET, Verdict.MET, [0, 0]),
        # A NULL: probed either way (the plain counts see it), unknown.
        (None, Verdict.UNKNOWN, Verdict.UNKNOWN, [1, 1]),
        # A missing marker: checked, the look sees it (unknown); trusted, a
        # code is one of its set or NULL, so it is not probed (as before).
        ("无", Verdict.UNKNOWN, Verdict.MET, [1, 0]),
    ],
)
def test_a_register_without_an_empty_risk_level_is_not_probed_for_one(
    monkeypatch: pytest.MonkeyPatch,
    second_risk: str | None,
    checked: Verdict,
    trusted: Verdict,
    probes: list[int],
) -> None:
    book = qrules.load(BOOK)
    asked = _probes(monkeypatch)
    for check_keys, expected, probed in ((True, checked, 0), (False, trusted, 1)):
        asked.clear()
        evaluation = evaluate_tables(
            book, _tables(second_risk), rules=[book[HIGH_RISK]], check_keys=check_keys, **YEAR_2025
        )
        [result] = evaluation.results
        assert result.verdict is expected, (second_risk, check_keys)
        assert len(asked) == probes[probed], (second_risk, check_keys, asked)


@pytest.mark.parametrize("district", ["无", None])
def test_an_empty_district_is_probed_when_judged_by_district(
    monkeypatch: pytest.MonkeyPatch, district: str | None
) -> None:
    """The risk levels all codes, a district missing (a marker, or NULL): by
    district, the probe asks for it, checked and trusted, and finds B."""
    book = qrules.load(BOOK)
    asked = _probes(monkeypatch)
    for check_keys in (True, False):
        asked.clear()
        evaluation = evaluate_tables(
            book,
            _tables("high", district),
            rules=[book[HIGH_RISK]],
            check_keys=check_keys,
            by_district=True,
            **YEAR_2025,
        )
        assert asked == [frozenset({"district", "risk_level"})], (district, check_keys)
        city = [r for r in evaluation.results if r.district is None]
        assert [r.verdict for r in city] == [Verdict.NOT_MET], (district, check_keys)
