"""Registers and logs for tests: rows as dicts, and a strategy that generates them.

Shared by the reference engine's tests (``test_records.py``) and the engines'
(``test_engines.py``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

__all__ = ["CATEGORIES", "DAYS", "PREFIXES", "corruption", "records", "unit", "visit"]


def unit(uid: str, category: str, **fields: Any) -> dict[str, Any]:
    return {"unit": uid, "name": f"name of {uid}", "category": category, **fields}


def visit(
    uid: str, date: str, kind: str | None = None, result: str | None = None
) -> dict[str, Any]:
    return {"unit": uid, "date": date, "kind": kind, "result": result}


DAYS = st.dates(dt.date(2022, 12, 25), dt.date(2026, 1, 5))
CATEGORIES = (
    "catering",
    "central_kitchen",
    "health_food_maker",
    "food_retailer",
    "tableware_disinfection",
)
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
        units.append(
            unit(
                ids[index],
                draw(st.sampled_from(CATEGORIES)),
                risk_level=draw(st.sampled_from(["low", "medium", "high", ""])),
                district=draw(st.sampled_from(["A", "B", ""])),
                registered=registered,
                closed=closed,
                internet_bright_kitchen=draw(st.booleans()),
            )
        )
    visits = []
    if units:
        for _ in range(draw(st.integers(0, 40))):
            visits.append(
                visit(
                    draw(st.sampled_from(ids)),
                    draw(DAYS).isoformat(),
                    draw(st.sampled_from(["system", "routine", "special", None])),
                    draw(st.sampled_from(["compliant", "non_compliant", None])),
                )
            )
        # Rows copied whole (no inspection id): one inspection exported twice, or two.
        for _ in range(draw(st.integers(0, 3)) if visits else 0):
            visits.insert(draw(st.integers(0, len(visits))), dict(draw(st.sampled_from(visits))))
    return units, visits


#: What a corrupted cell of each column holds, and the readings it could have had
#: (a few of each: enough to move a unit in and out of each population of the
#: test rulebook, and each inspection in and out of each year and kind).
CORRUPTIONS: dict[str, tuple[str, tuple[Any, ...]]] = {
    "category": (
        "",
        ("catering", "central_kitchen", "health_food_maker", "tableware_disinfection"),
    ),
    "risk_level": ("很高", ("low", "high")),
    "registered": ("2020-02-30", (None, dt.date(2024, 6, 1), dt.date(2026, 6, 1))),
    "internet_bright_kitchen": ("接入中", (True, False)),
    "date": ("2024-13-01", ("2023-06-01", "2024-06-01", "2025-06-01")),
    "kind": ("体系?", ("system", "routine")),
    # Excel's error values as text (session 14): rejected as an .xlsx error cell.
    "category:error": (
        "#REF!",
        ("catering", "central_kitchen", "health_food_maker", "tableware_disinfection"),
    ),
    "kind:error": ("#n/a", ("system", "routine")),
}
#: A log cell left empty (``kind:missing``: the row is counted, its kind unknown),
#: and the readings it could have had: every canonical code of the test rulebook's filters.
MISSING: dict[str, tuple[None, tuple[str, ...]]] = {
    "kind:missing": (None, ("system", "routine", "special")),
    "result:missing": (None, ("compliant", "non_compliant")),
}
REGISTER_CORRUPTIBLE = (
    "category",
    "category:error",
    "risk_level",
    "registered",
    "internet_bright_kitchen",
)
LOG_CORRUPTIBLE = ("date", "kind", "kind:missing", "kind:error", "result:missing")


def corruption(column: str) -> tuple[str, tuple[str | None, tuple[Any, ...]]]:
    """The row's column a corruption is in, and what it holds and could have held
    (``repeat``: a row copied whole, read once or twice)."""
    if column == "repeat":
        return "repeat", (None, (True, False))
    found = MISSING[column] if column in MISSING else CORRUPTIONS[column]
    return column.partition(":")[0], found


@st.composite
def corrupted_records(
    draw: st.DrawFn,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[tuple[str, int, str]]]:
    """Small registers and logs with up to two cells corrupted (of one row or two):
    the rows (with the corrupt text in place) and ``(table, index, column)`` of
    each corruption."""
    count = draw(st.integers(1, 5))
    units = [
        unit(
            f"U{i}",
            draw(st.sampled_from(CORRUPTIONS["category"][1])),
            risk_level=draw(st.sampled_from(["low", "high"])),
            registered=draw(st.sampled_from([None, "2024-06-01"])),
            internet_bright_kitchen=draw(st.sampled_from(["是", "否"])),
        )
        for i in range(count)
    ]
    visits = [
        visit(
            f"U{draw(st.integers(0, count - 1))}",
            draw(st.sampled_from(["2023-03-01", "2024-03-01", "2024-12-31", "2025-05-01"])),
            draw(st.sampled_from(["system", "routine", "special"])),
            draw(st.sampled_from(["compliant", "compliant", "non_compliant"])),
        )
        for _ in range(draw(st.integers(0, 8)))
    ]
    # A row copied whole (no inspection id), its cells left as they are: one
    # inspection exported twice, or two (``repeat``: the copy, read or not).
    repeated: list[tuple[str, int, str]] = []
    if visits and draw(st.booleans()):
        copied = draw(st.integers(0, len(visits) - 1))
        visits.append(dict(visits[copied]))
        repeated = [("log", len(visits) - 1, "repeat")]
    alike = {i for i, v in enumerate(visits) if repeated and v == visits[-1]}
    places = [("register", i, c) for i in range(count) for c in REGISTER_CORRUPTIBLE] + [
        ("log", i, c) for i in range(len(visits)) if i not in alike for c in LOG_CORRUPTIBLE
    ]
    # Two in one row, in two columns: a rejected log row may lack its kind too.
    chosen = draw(
        st.lists(
            st.sampled_from(places),
            max_size=2,
            unique_by=lambda p: (p[0], p[1], corruption(p[2])[0]),
        )
    )
    for table, index, column in chosen:
        rows = units if table == "register" else visits
        real, (held, _) = corruption(column)
        rows[index] = {**rows[index], real: held}
    return units, visits, [*chosen, *repeated]
