"""Registers and logs for tests: rows as dicts, and a strategy that generates them.

Shared by the reference engine's tests (``test_records.py``) and the engines'
(``test_engines.py``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

__all__ = ["CATEGORIES", "DAYS", "PREFIXES", "records", "unit", "visit"]


def unit(uid: str, category: str, **fields: Any) -> dict[str, Any]:
    return {"unit": uid, "name": f"name of {uid}", "category": category, **fields}


def visit(uid: str, date: str, kind: str | None = None, result: str | None = None
          ) -> dict[str, Any]:
    return {"unit": uid, "date": date, "kind": kind, "result": result}


DAYS = st.dates(dt.date(2022, 12, 25), dt.date(2026, 1, 5))
CATEGORIES = ("catering", "central_kitchen", "health_food_maker", "food_retailer",
              "tableware_disinfection")
#: Unit ids sort differently as bytes, code points and in a locale: U10 < U2 < u1 < 单位3.
PREFIXES = ("U", "u", "单位")


@st.composite
def records(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    count = draw(st.integers(0, 12))
    ids = [f"{draw(st.sampled_from(PREFIXES))}{index}" for index in range(count)]
    units = []
    for index in range(count):
        registered = draw(st.none() | DAYS)
        closed = draw(st.none() | DAYS)
        if registered and closed and closed < registered:
            registered, closed = closed, registered
        units.append(unit(
            ids[index], draw(st.sampled_from(CATEGORIES)),
            risk_level=draw(st.sampled_from(["low", "medium", "high", ""])),
            district=draw(st.sampled_from(["A", "B", ""])),
            registered=registered, closed=closed,
            internet_bright_kitchen=draw(st.booleans()),
        ))
    visits = []
    if units:
        for _ in range(draw(st.integers(0, 40))):
            visits.append(visit(draw(st.sampled_from(ids)),
                                draw(DAYS).isoformat(),
                                draw(st.sampled_from(["system", "routine", "special", None])),
                                draw(st.sampled_from(["compliant", "non_compliant", None]))))
    return units, visits
