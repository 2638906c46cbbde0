"""Findings of session 9's review of the whole change (helper review): each a
reproducer, with its fix."""

from __future__ import annotations

from typing import Any

import pytest

import qrules
from qrules import Verdict

BOOK = "yantai-2023-2025"
FORMULA = "infant-formula-makers-system-inspected-yearly"


def _judged_in_place(kind: str) -> Any:
    """The infant formula rule on DuckDB tables: IF01 the one maker, one
    system inspection in 2024 whose kind is written ``kind``; the log's date a
    DATE (so a row is never blamed on a text date)."""
    duckdb = pytest.importorskip("duckdb")
    from qrules.engines import evaluate_tables  # noqa: PLC0415

    connection = duckdb.connect()
    connection.execute("CREATE TABLE register (unit VARCHAR, name VARCHAR, category VARCHAR)")
    connection.execute("INSERT INTO register VALUES ('IF01', '甲', 'infant_formula_maker')")
    connection.execute(
        "CREATE TABLE inspections (inspection VARCHAR, unit VARCHAR, date DATE, kind VARCHAR)"
    )
    connection.execute(
        "INSERT INTO inspections VALUES ('J1', 'IF01', DATE '2024-05-01', ?)", [kind]
    )
    book = qrules.load(BOOK)
    return evaluate_tables(
        book,
        connection,
        rules=[book[FORMULA]],
        log_from="2024-01-01",
        log_until="2024-12-31",
    )


@pytest.mark.parametrize(("kind", "read"), [(" system", "system"), ("ｓｙｓｔｅｍ", "system")])
def test_a_code_read_otherwise_in_place_is_named_as_such(kind: str, read: str) -> None:
    """A log's kind that a reader reads otherwise (`` system``, full-width
    letters), its date a DATE, was rejected as holding "a character that
    qrules' SQL does not check (a combining mark, private use, a tag ...)",
    with the hint to remove it: there is none. It is named as an id or code
    is: read as ``system`` from a file, compared as stored in a table."""
    evaluation = _judged_in_place(kind)
    assert {r.verdict for r in evaluation.results} == {Verdict.UNKNOWN}
    problems = [p for t in evaluation.records for p in t.problems]
    assert len(problems) == 1, problems
    shown = str(problems[0])
    assert "does not check" not in shown, shown
    assert f"is read as {read!r}" in shown, shown
    assert "kind" in shown, shown
    assert "读作" in problems[0].render("zh"), problems[0].render("zh")


def test_a_code_as_stored_in_place_is_counted() -> None:
    """The oracle: the same row with its kind as stored is counted (met)."""
    evaluation = _judged_in_place("system")
    assert {r.verdict for r in evaluation.results} == {Verdict.MET}


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("available", Verdict.MET),
        ("AVAILABLE", Verdict.MET),
        ("Available", Verdict.MET),
        # Beyond the spellings listed: its row read by the readers' code, which
        # read it as the mapping's word, met as on the files (session 19: it
        # was a doubt, unknown).
        ("AvAilable", Verdict.MET),
    ],
)
def test_a_long_mapped_flag_word_in_place_is_listed_in_three_spellings(
    written: str, expected: Verdict
) -> None:
    """docs/engines.md: a mapping's flag word of more than 256 spellings in
    upper and lower case (``available``: 512) is compared in three; another
    spelling has its row read by the readers' code, and judged as they read
    it (never a false verdict)."""
    duckdb = pytest.importorskip("duckdb")
    from qrules.engines import evaluate_tables  # noqa: PLC0415

    connection = duckdb.connect()
    connection.execute(
        "CREATE TABLE register (unit VARCHAR, category VARCHAR, internet_bright_kitchen VARCHAR)"
    )
    connection.executemany(
        "INSERT INTO register VALUES (?, 'central_kitchen', ?)",
        [("CK1", written), ("CK2", "available")],
    )
    book = qrules.load(BOOK)
    mapping = {"register": {"codes": {"internet_bright_kitchen": {"available": True}}}}
    evaluation = evaluate_tables(
        book,
        connection,
        log=None,
        mapping=mapping,
        rules=[book["central-kitchens-in-internet-bright-kitchen"]],
    )
    assert {r.verdict for r in evaluation.results} == {expected}
