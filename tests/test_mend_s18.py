"""Session 18's mends of what session 17 left (mend18).

1. The readers: every row of a unit id given more than once is in doubt
   (`RejectedUnit.repeated`), whichever rows are rejected and in what order.
2. A refused ``measures.toml`` is said once, not again by every rule as an
   unknown measure.
3. An integer too long to convert is named by its own line, not that of a
   run of digits in a comment, a string or a key.
4. PostgreSQL: a table to make beside its lower-case twin is refused before
   any row is read.
5. A mapping's column names in any case, records and figures alike.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

import qrules
from qrules import Verdict

from .records_fixtures import kitchens_in_place, kitchens_read

BOOK = "yantai-2023-2025"
KITCHENS = "central-kitchens-in-internet-bright-kitchen"  # == 100 (%)
YEAR = {"log_from": "2024-01-01", "log_until": "2024-12-31"}


@pytest.fixture(scope="module")
def book() -> qrules.Rulebook:
    return qrules.load(BOOK)


# -- a unit id given more than once -------------------------------------------------------


@pytest.mark.parametrize(
    "units",
    [
        # Both rows of U1 rejected for their risk level: the first was taken as
        # surely a central kitchen not enrolled (not met, 1 of 2), where U1 may
        # be the infant formula maker of the second, and U2 the only kitchen.
        [
            ("U1", "central_kitchen", "否", "很高"),
            ("U1", "infant_formula_maker", "是", "很高"),
            ("U2", "central_kitchen", "是", "high"),
        ],
        # A rejected row, a kept one (rejected as given before), and another
        # rejected row: the third was surely a kitchen not enrolled.
        [
            ("U1", "infant_formula_maker", "接入中", "high"),
            ("U1", "central_kitchen", "是", "high"),
            ("U1", "central_kitchen", "否", "很高"),
            ("U2", "central_kitchen", "是", "high"),
        ],
    ],
)
def test_every_rejected_row_of_an_id_given_more_than_once_is_in_doubt(
    tmp_path: Path, book: qrules.Rulebook, units: list[tuple[str, str, str, str]]
) -> None:
    register, log = kitchens_read(tmp_path, units)
    assert all(r.repeated for r in register.rejected if r.unit == "U1")
    for engine in ("reference", "duckdb"):
        [result] = qrules.evaluate_records(
            book, register, log, rules=[KITCHENS], engine=engine, **YEAR
        )
        assert result.verdict is Verdict.UNKNOWN, (engine, result.reason.en)
    con = kitchens_in_place(units)
    [found] = qrules.evaluate_tables(book, con, register="reg", log="log", rules=[KITCHENS], **YEAR)
    assert found.verdict is Verdict.UNKNOWN, found.reason.en


# -- a refused measures.toml, said once ----------------------------------------------------

MINI = Path(__file__).parent / "data" / "rulebooks" / "mini"


@pytest.mark.parametrize(
    ("measures", "said"),
    [
        ("[[broken\n", "not valid TOML"),
        (None, "missing"),
        ("measure = 3\n", "expected [measure.<id>] tables"),
    ],
)
def test_a_refused_measures_file_is_said_once(
    tmp_path: Path, measures: str | None, said: str
) -> None:
    folder = tmp_path / "book"
    shutil.copytree(MINI, folder)
    if measures is None:
        (folder / "measures.toml").unlink()
    else:
        (folder / "measures.toml").write_text(measures, encoding="utf-8")
    with pytest.raises(qrules.RulebookError) as raised:
        qrules.load(folder)
    [problem] = raised.value.problems
    assert problem.file == "measures.toml"
    assert said in problem.message


def test_a_measure_not_declared_is_still_said(tmp_path: Path) -> None:
    folder = tmp_path / "book"
    shutil.copytree(MINI, folder)
    rules = (folder / "rules.toml").read_text(encoding="utf-8")
    (folder / "rules.toml").write_text(
        rules.replace('measure = "firms"', 'measure = "farms"', 1), encoding="utf-8"
    )
    with pytest.raises(qrules.RulebookError) as raised:
        qrules.load(folder)
    assert any("unknown measure 'farms'" in p.message for p in raised.value.problems)


# -- an integer too long to convert, named exactly -------------------------------------------

_DIGITS = "1" * 5000


@pytest.mark.parametrize(
    ("text", "line"),
    [
        # A run of digits in a comment, a string, a bare key or a multi-line
        # string before the integer: the first run was named (line 1).
        (f"# {_DIGITS}\nname = 'x'\nn = {_DIGITS}\n", 3),
        (f's = "{_DIGITS}"\nn = {_DIGITS}\n', 2),
        (f"{_DIGITS} = 1\n\nn = {_DIGITS}\n", 3),
        (f's = """\n{_DIGITS}\n"""\nn = [1,\n {_DIGITS}]\n', 5),
        (f"n = {_DIGITS}\n", 1),
    ],
)
def test_an_integer_too_long_is_named_by_its_own_line(text: str, line: int) -> None:
    from qrules._boundary import toml_long_integer  # noqa: PLC0415

    assert toml_long_integer(text).where == f"line {line}"


def test_a_rule_file_with_digits_in_a_comment_names_the_integers_line(tmp_path: Path) -> None:
    folder = tmp_path / "book"
    shutil.copytree(MINI, folder)
    rules = (folder / "rules.toml").read_text(encoding="utf-8")
    (folder / "rules.toml").write_text(
        f"# {_DIGITS}\n{rules}\n[[rule]]\nid = {_DIGITS}\n", encoding="utf-8"
    )
    with pytest.raises(qrules.RulebookError) as raised:
        qrules.load(folder)
    [problem] = raised.value.problems
    assert problem.where == f"line {rules.count(chr(10)) + 4}", problem.where


# -- a table to make beside its twin, refused before any row is read ---------------------------


def test_a_twin_of_the_table_to_make_is_refused_before_the_rows_are_read(
    book: qrules.Rulebook, postgres: Any
) -> None:
    """``failing_units_to="Out3"`` beside ``out3``, and a register with a row
    to reject: with ``strict=True`` the rows rejected were said first (after
    they were fetched and read), and the name only once they were mended."""
    schema = "mend_s18"
    postgres.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    postgres.execute(f"CREATE SCHEMA {schema}")
    for statement in (
        "CREATE TABLE {s}.register (unit text, category text, risk_level text)",
        "CREATE TABLE {s}.inspections (unit text, date date, kind text, result text)",
        "CREATE TABLE {s}.out3 (unit text)",
        "INSERT INTO {s}.register VALUES ('U1', 'infant_formula_maker', '很高')",
    ):
        postgres.execute(statement.format(s=schema))
    try:
        with pytest.raises(qrules.DataError) as raised:
            qrules.evaluate_tables(
                book,
                postgres,
                register=f"{schema}.register",
                log=f"{schema}.inspections",
                rules=[KITCHENS],
                strict=True,
                failing_units_to=f"{schema}.Out3",
                **YEAR,
            )
        [problem] = raised.value.problems
        assert "the database has 'mend_s18.out3'" in problem.message, problem.message
    finally:
        postgres.execute(f"DROP SCHEMA {schema} CASCADE")


# -- a mapping's column names in any case, records and figures alike --------------------------


@pytest.mark.parametrize(
    "figures",
    [
        # The scale keyed by another case than the header's: read unscaled,
        # 1.5 refused as not whole (2 would have been read as 2, not 20,000).
        {"columns": {"value": "Amount"}, "scale": {"amount": "万"}},
        # The column named in another case: not found, the sheet refused.
        {"columns": {"value": "amount"}, "scale": {"AMOUNT": "万"}},
    ],
)
def test_a_figures_mapping_names_a_column_in_any_case(
    tmp_path: Path, figures: dict[str, Any]
) -> None:
    book = qrules.load(MINI)
    (tmp_path / "fig.csv").write_text("year,measure,Amount\n2024,firms,1.5\n", encoding="utf-8")
    found = qrules.read_dataset(tmp_path / "fig.csv", book, mapping={"figures": figures})
    assert [o.value for o in found.observations] == [15000]


def test_two_scales_of_one_column_in_two_cases_are_refused() -> None:
    with pytest.raises(qrules.DataError) as raised:
        qrules.ColumnMapping.from_dict({"figures": {"scale": {"Amount": "万", "amount": 100}}})
    assert "figures.scale.amount" in str(raised.value), str(raised.value)
