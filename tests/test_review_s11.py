"""Findings of session 11's fresh-eyed review of the session's change: each a
reproducer of what a user saw, now fixed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import qrules
from tests.conftest import log_year, records_options, run

BOOK = "yantai-2023-2025"
HIGH_RISK = "high-risk-catering-units-inspected-twice-yearly"
SMART_SITES = "smart-construction-site-full-coverage"
YEAR_2024 = log_year(2024)


def _verdicts(out: str) -> list[str]:
    return [
        " ".join(str(p) for p in (r["year"], r.get("district"), r["verdict"]) if p)
        for r in json.loads(out)["results"]
    ]


# -- a rejected register row with an empty risk level or district ----------------------------


@pytest.mark.parametrize("engine", ["reference", "duckdb"])
def test_a_rejected_row_with_a_blank_risk_level_may_be_high_risk(
    tmp_path: Path, engine: str
) -> None:
    """C2 (catering, no risk level) is rejected for its registration date: it
    may be high risk, and uninspected, as a counted unit with no risk level
    is. It read as "met 100 (1/1)", one defect more in the row turning
    unknown into met; with --by-district its blank district was no district's."""
    register, log = tmp_path / "register.csv", tmp_path / "log.csv"
    register.write_text(
        "unit,name,category,risk_level,registered,district\n"
        "C1,a,catering,high,2020-01-01,芝罘区\nC2,b,catering,,2020-13-45,\n",
        encoding="utf-8",
    )
    log.write_text(
        "unit,date,kind\nC1,2024-05-01,routine\nC1,2024-06-01,routine\n", encoding="utf-8"
    )
    code, out, err = run(
        "check", BOOK, *records_options(register, log), "--rule", HIGH_RISK,
        *YEAR_2024, "--engine", engine, "--by-district", "--format", "json",
    )  # fmt: skip
    assert code == 1, err
    assert _verdicts(out) == ["2024 unknown", "2024 芝罘区 unknown"]


@pytest.mark.parametrize("blank", ["\u200b", " ", "\u3000", "－"])
def test_in_place_a_blank_risk_level_is_never_read_as_not_high(blank: str) -> None:
    """In place, a risk level the readers read as blank (a zero-width space, a
    space, an ideographic space, a full-width hyphen: a missing marker) rejects
    the row, which may be high risk: unknown, never "met 1 of 1"."""
    duckdb = pytest.importorskip("duckdb")
    from qrules.engines import evaluate_tables  # noqa: PLC0415

    book = qrules.load(BOOK)
    connection = duckdb.connect()
    connection.execute(
        "CREATE TABLE register(unit TEXT, name TEXT, category TEXT, risk_level TEXT)"
    )
    connection.execute(
        "INSERT INTO register VALUES ('C1', 'a', 'catering', 'high'), ('C2', 'b', 'catering', ?)",
        [blank],
    )
    connection.execute("CREATE TABLE inspections(unit TEXT, date DATE, kind TEXT)")
    connection.execute(
        "INSERT INTO inspections VALUES ('C1', DATE '2024-05-01', 'routine'),"
        " ('C1', DATE '2024-06-01', 'routine')"
    )
    evaluation = evaluate_tables(
        book, connection, rules=[book[HIGH_RISK]], log_from="2024-01-01", log_until="2024-12-31"
    )
    assert [r.verdict.value for r in evaluation] == ["unknown"]


# -- wide figures: a note row below a district's rows -----------------------------------------


def test_a_note_row_below_a_district_is_a_heading_not_an_error(tmp_path: Path) -> None:
    """A note under the figures, its district cell blank (the district column
    right of the measure's): a heading row, not read, as before this session;
    it stopped the whole check with exit 2."""
    sheet = tmp_path / "figures.csv"
    sheet.write_text(
        "指标,区县,2025年\n在建工地,芝罘区,45\n智慧工地覆盖率,芝罘区,90\n注:数据来源于市住建局,,\n",
        encoding="utf-8",
    )
    code, out, err = run("check", BOOK, str(sheet), "--rule", SMART_SITES)
    assert code in (0, 1), err
    assert "heading rows not read (no measure, no figures): rows 4" in out
    assert "blank district cells" not in out


# -- single precision ------------------------------------------------------------------------


def test_a_pandas_arrow_backed_float_column_is_read_in_single_precision() -> None:
    pandas = pytest.importorskip("pandas")
    book = qrules.load(BOOK)
    frame = pandas.DataFrame(
        {
            "year": [2025],
            "measure": ["food_safety_sampling_pass_rate"],
            "value": pandas.array([98.48], dtype="float[pyarrow]"),
        }
    )
    [observation] = qrules.read_dataset(frame, book).observations
    assert str(observation.value) == "2462/25"  # 98.48, not 98.4800033569336


@pytest.mark.parametrize("kind", ["pandas", "arrow"])
def test_a_single_precision_records_column_reads_alike_by_row_and_by_column(kind: str) -> None:
    """The column reader reads a float32 column as the row reader does (the
    shortest decimal of the float32), not widened to a double."""
    pa = pytest.importorskip("pyarrow")
    pandas = pytest.importorskip("pandas")
    from qrules.records.read import read_register as row_reader  # noqa: PLC0415

    values = [0.1, 3.0]
    source: Any = (
        pandas.DataFrame(
            {"unit": pandas.array(values, dtype="float32"), "category": ["catering"] * 2}
        )
        if kind == "pandas"
        else pa.table({"unit": pa.array(values, pa.float32()), "category": ["catering"] * 2})
    )
    assert [u.unit for u in qrules.read_register(source)] == ["0.1", "3"]
    assert [u.unit for u in row_reader(source)] == ["0.1", "3"]


# -- left alone by the review, fixed: JSON NaN, figures from a connection ---------------------


def test_a_json_nan_is_refused_as_a_csv_nan_is(tmp_path: Path) -> None:
    """NaN is not JSON (Python's json writes it): it read as a missing figure,
    where the same word in a CSV cell is an error naming the cell."""
    sheet = tmp_path / "figures.json"
    sheet.write_text(
        '[{"year": 2025, "measure": "food_safety_sampling_pass_rate", "value": NaN}]',
        encoding="utf-8",
    )
    code, out, err = run("check", BOOK, str(sheet), "--rule", "food-safety-sampling-pass-rate")
    assert (code, out) == (2, "")
    assert "key 'value': food_safety_sampling_pass_rate: 'NaN' is not a number" in err


def test_figures_from_a_connection_are_its_table_figures() -> None:
    duckdb = pytest.importorskip("duckdb")
    book = qrules.load(BOOK)
    connection = duckdb.connect()
    with pytest.raises(qrules.DataError, match="the database has no table 'figures'"):
        book.evaluate(connection)
    connection.execute(
        "CREATE TABLE figures AS SELECT 2025 AS year,"
        " 'food_safety_sampling_pass_rate' AS measure, '98.6' AS value"
    )
    evaluation = book.evaluate(connection, rules=[book["food-safety-sampling-pass-rate"]])
    assert [r.verdict.value for r in evaluation] == ["met"]
