"""Findings of session 21's hunt over DataFrames and Arrow tables (helper
frames): the route a data team takes, `qrules.testing.assert_meets`,
`evaluate_for_test` and `Rulebook.evaluate` handed pandas and polars
DataFrames and Arrow tables, of figures (long and wide by year: nullable
``Int64``, ``Float64``, ``float64`` with NaN, ``object`` of mixed numbers,
``string[python]`` and ``string[pyarrow]``, ``category``, ``boolean``,
float32, a ``datetime64`` or ``Period`` year, ``2025年``, MultiIndex and named
indexes, duplicated labels; polars ``Categorical``, ``Enum``, ``Decimal``,
``Null``, ``Float32``, ``UInt64``, ``Int128``, full-width digits, ``98.5%``,
struct and list columns; Arrow dictionary, large and view text, decimal32
to 256, float16, chunks left empty, lying pandas metadata) and of registers
and logs (dates as ``datetime64`` with and without a zone, ``date32``,
``Timestamp`` objects with a time of day, ``NaT``, nanoseconds, serials,
``Period``; flags as nullable booleans, 0/1, ``是/否``, categoricals; unit ids
as ints, text, ``01``, floats, NaN, categoricals, ``uint64``, duplicated,
unknown). Each frame's verdict was compared with the verdict on the same data
written as CSV and read by the file readers.

Each test is a reproducer of a defect fixed here. What held up (no defect) is
listed in the session's report.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import qrules
from qrules import Verdict
from qrules.testing import evaluate_for_test

from .records_fixtures import FORMULA as INSPECTED
from .records_fixtures import YEAR_2024 as YEAR

RATE = "food_safety_sampling_pass_rate"
RATE_RULE = "food-safety-sampling-pass-rate"
BRANDS = "provincial_high_end_brand_enterprises"
BRANDS_RULE = "provincial-high-end-brand-enterprises-table"


@pytest.fixture(scope="module")
def book() -> qrules.Rulebook:
    return qrules.load("yantai-2023-2025")


def verdicts(evaluation: qrules.Evaluation) -> list[str]:
    return [result.verdict.value for result in evaluation]


# -- a label cell of several values, or of bytes ------------------------------------------


def test_a_district_of_two_districts_is_not_the_citys_figure(book: qrules.Rulebook) -> None:
    """A district cell holding a numpy array (a pandas column made by a
    ``groupby``'s ``unique``, or a polars list column made pandas) compares
    unequal to itself by raising, and was taken for a missing cell: the figure
    of 芝罘区 and 福山区 together was read as the whole city's, and met the
    city's target. Now the cell is refused, naming its row and column, as the
    records readers refuse it."""
    frame = pd.DataFrame(
        {
            "year": [2025],
            "district": [np.array(["芝罘区", "福山区"], dtype=object)],
            "measure": [RATE],
            "value": [98.6],
        }
    )
    with pytest.raises(qrules.DataError, match=r"row 1, column 'district': the cell holds a list"):
        book.evaluate(frame, rules=[RATE_RULE])


def _two_districts(second: Any) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2025, 2025],
            "district": pd.Series(["芝罘区", second], dtype=object),
            "measure": [BRANDS, BRANDS],
            "value": [60, 50],
        }
    )


@pytest.mark.parametrize(
    "frame",
    [
        pytest.param(_two_districts("福山区".encode()), id="bytes"),
        pytest.param(_two_districts(["福山区", "莱山区"]), id="list"),
        pytest.param(_two_districts({"name": "福山区"}), id="dict"),
        pytest.param(
            pl.DataFrame(
                {
                    "year": [2025, 2025],
                    "district": [["芝罘区"], ["福山区"]],
                    "measure": [BRANDS, BRANDS],
                    "value": [60, 50],
                }
            ),
            id="polars list",
        ),
        pytest.param(
            pa.table(
                {
                    "year": [2025, 2025],
                    "district": pa.array(["芝罘区".encode(), "福山区".encode()], pa.binary()),
                    "measure": [BRANDS, BRANDS],
                    "value": [60, 50],
                }
            ),
            id="arrow binary",
        ),
    ],
)
def test_a_district_of_bytes_or_several_values_is_refused(
    book: qrules.Rulebook, frame: Any
) -> None:
    """A district cell of bytes (an Arrow or Parquet binary column), a list or
    a mapping was read as a district named as Python writes it
    (``b'\\xe7\\xa6\\x8f…'``, ``['福山区', '莱山区']``), and its figure summed
    into the city's with the others: "met" (60 + 50 >= 100), though the same
    district written as text beside it would be counted twice, and a list's
    figure may be any of its districts'. The records readers refuse such a
    cell (`not_a_cell`); the figures reader now does too."""
    with pytest.raises(qrules.DataError, match=r"column 'district': the cell holds"):
        book.evaluate(frame, rules=[BRANDS_RULE])


def test_a_measure_or_year_of_several_values_is_said_so(book: qrules.Rulebook) -> None:
    """An array in the measure or year column was "no measure" and "year ''
    is not a year": now the cell is said to hold several values."""
    several = np.array([RATE, RATE], dtype=object)
    frame = pd.DataFrame({"year": [2025], "measure": [several], "value": [98.6]})
    with pytest.raises(qrules.DataError, match=r"column 'measure': the cell holds a list"):
        book.evaluate(frame)
    frame = pd.DataFrame({"year": [np.array([2024, 2025])], "measure": [RATE], "value": [98.6]})
    with pytest.raises(qrules.DataError, match=r"column 'year': the cell holds a list"):
        book.evaluate(frame)


# -- ids held as floats past 2**53 ---------------------------------------------------------

#: An 18-digit id: a float holds it as 123456789012345680, as it holds
#: 123456789012345672 to 123456789012345688.
BIG = 123456789012345678


def _register(unit: Any) -> pd.DataFrame:
    return pd.DataFrame(
        {"unit": [unit], "category": ["infant_formula_maker"], "registered": ["2020-01-01"]}
    )


def _log(unit: Any) -> pd.DataFrame:
    return pd.DataFrame({"unit": [unit], "date": ["2024-05-01"], "kind": ["system"]})


@pytest.mark.parametrize("kind", ["pandas", "polars", "arrow", "rows"])
@pytest.mark.parametrize("engine", [None, "duckdb"])
def test_an_id_held_as_a_float_past_2_53_is_not_read_as_one_id(
    book: qrules.Rulebook, kind: str, engine: str | None
) -> None:
    """A log whose unit ids pandas read as floats (a column with a blank
    cell is float64) holds 123456789012345678 as 123456789012345680, the
    float nearest, which it cannot tell from 16 other ids. It was read as the
    unit 123456789012345680 of the register: inspected, so "met", where the
    log's unit was another; the same log written as CSV
    (``1.2345678901234568e+17``) is of no unit of the register, "not met".
    Now such a cell is not read: the row is rejected naming its column, and
    the inspection, of some unit, leaves the verdict unknown."""
    register, log = _register(BIG + 2), _log(float(BIG))
    if kind == "polars":
        register, log = pl.from_pandas(register), pl.from_pandas(log)
    elif kind == "arrow":
        register, log = pa.Table.from_pandas(register), pa.Table.from_pandas(log)
    elif kind == "rows":
        register, log = register.to_dict("records"), log.to_dict("records")
    evaluation = evaluate_for_test(
        None, book, rules=INSPECTED, register=register, log=log, engine=engine, **YEAR
    )
    assert verdicts(evaluation) == ["unknown"]
    [problem] = qrules.read_log(log, qrules.read_register(register)).problems
    assert "row 1, column 'unit'" in str(problem)
    assert "float" in str(problem)


def test_an_id_past_2_53_held_exactly_is_read(book: qrules.Rulebook) -> None:
    """Integers (int64, uint64, text) hold such ids exactly, and are read so;
    a float below 2**53 is a whole number exactly, and is read too."""
    for unit in (BIG, str(BIG), float(2**53 - 1)):
        evaluation = evaluate_for_test(
            None, book, rules=INSPECTED, register=_register(unit), log=_log(unit), **YEAR
        )
        assert [r.verdict for r in evaluation] == [Verdict.MET]


def test_an_xlsx_number_cell_past_2_53_is_not_read_as_one_id(tmp_path: Path) -> None:
    """An ``.xlsx`` number cell is a double (Excel keeps 15 digits of it): an
    18-digit id typed as a number was read as the digits of the float
    nearest, 123456789012345696, an id no one wrote. Now its row is rejected
    as a frame's is."""
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "register.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["unit", "category"])
    workbook.active.append([BIG, "infant_formula_maker"])
    workbook.save(path)
    register = qrules.read_register(path)
    assert register.units == ()
    [problem] = register.problems
    assert "row 2, column 'unit': the float 1234567890123456" in str(problem)
    assert "Excel keeps 15 digits" in str(problem)


# -- float32 values, encoded ---------------------------------------------------------------

#: 98.48 as a float32 column holds it (98.4800033569336 widened to a double).
SINGLE = np.array([98.48], dtype=np.float32)


@pytest.mark.parametrize(
    "frame",
    [
        pytest.param(
            pa.table(
                {"year": [2025], "measure": [RATE], "value": pa.array(SINGLE).dictionary_encode()}
            ),
            id="arrow dictionary",
        ),
        pytest.param(
            pa.table(
                {
                    "year": [2025],
                    "measure": [RATE],
                    "value": pa.RunEndEncodedArray.from_arrays(
                        pa.array([1], pa.int32()), pa.array(SINGLE)
                    ),
                }
            ),
            id="arrow run-end encoded",
        ),
        pytest.param(
            pd.DataFrame({"year": [2025], "measure": [RATE], "value": pd.Categorical(SINGLE)}),
            id="pandas categorical",
        ),
    ],
)
def test_an_encoded_float32_column_is_read_as_its_values_are(
    book: qrules.Rulebook, frame: Any
) -> None:
    """A float32 column is read as each value's shortest decimal in single
    precision (98.48), not widened to a double (98.4800033569336), which a
    CSV file of it (``98.48``) does not hold. Dictionary-encoded (Arrow's
    ``dictionary_encode``, a Parquet file's dictionary pages, a pandas
    categorical of float32) or run-end encoded, it was widened: a rule
    ``> 98.48`` was met where the column as it is, and its CSV file, do not
    meet it."""
    import attrs  # noqa: PLC0415

    from qrules._expr import parse_requirement  # noqa: PLC0415

    rule = book[RATE_RULE]
    stricter = attrs.evolve(rule, requirement=parse_requirement("> 98.48", rule.measure.id))
    assert [o.value for o in qrules.read_dataset(frame, book).observations] == [Fraction("98.48")]
    assert verdicts(book.evaluate(frame, rules=[stricter])) == ["not_met"]


@pytest.mark.parametrize("kind", ["polars", "pandas", "pandas index", "arrow"])
def test_an_id_held_as_a_float32_past_2_24_is_not_read_as_one_id(
    book: qrules.Rulebook, kind: str
) -> None:
    """The same of a float32 column, which holds whole numbers exactly only
    up to 2**24: 16777217 is held as 16777216, and was read as the register's
    unit 16777216, "met" where the log's CSV file (``1.6777216e7``) is "not
    met". (A float32 column's values are read as their shortest decimals,
    `_tabular._single`: the float's type was lost before the row reader
    looked at it.)"""
    register = pl.DataFrame(
        {"unit": [16777216], "category": ["infant_formula_maker"], "registered": ["2020-01-01"]}
    )
    log = pl.DataFrame(
        {
            "unit": pl.Series([16777217.0], dtype=pl.Float32),
            "date": ["2024-05-01"],
            "kind": ["system"],
        }
    )
    if kind == "pandas":
        register, log = register.to_pandas(), log.to_pandas()
    elif kind == "pandas index":
        # (The review's finding: a named index level of float32 was read widened.)
        register, log = register.to_pandas(), log.to_pandas().set_index("unit")
    elif kind == "arrow":
        register, log = register.to_arrow(), log.to_arrow()
    evaluation = evaluate_for_test(None, book, rules=INSPECTED, register=register, log=log, **YEAR)
    assert verdicts(evaluation) == ["unknown"]
    [problem] = qrules.read_log(log, qrules.read_register(register)).problems
    assert "the float 16777216, which holds a whole number past 2**24 only to the nearest 2" in str(
        problem
    )


def test_a_date_held_as_a_float32_past_2_24_is_not_read_as_another_day() -> None:
    """A float32 column of dates written 20240305 holds it as 20240304 (a
    float32's whole numbers past 2**24 are even), and the unit was registered
    on 4 March: now the row is rejected, naming the column."""
    register = qrules.read_register(
        pl.DataFrame(
            {
                "unit": ["IF01"],
                "category": ["infant_formula_maker"],
                "registered": pl.Series([20240305.0], dtype=pl.Float32),
            }
        )
    )
    assert register.units == ()
    [problem] = register.problems
    assert "column 'registered': the float 20240304" in str(problem)


@pytest.mark.parametrize(
    ("value", "held"),
    [
        pytest.param(np.float32(20240305.0), "20240304", id="float32"),
        pytest.param(np.float16(4097.0), "4096", id="float16"),
    ],
)
def test_a_numpy_float32_value_past_its_whole_numbers_is_not_read(value: Any, held: str) -> None:
    """The review's finding: a numpy ``float32`` (``float16``) value in a
    list of dicts or an object column, which is no Python float, was read as
    the day (number) it rounds to, 20240305 as 4 March. Now refused as a
    float32 column's value is."""
    register = qrules.read_register(
        [{"unit": "IF01", "category": "infant_formula_maker", "registered": value}]
    )
    assert register.units == ()
    [problem] = register.problems
    assert f"column 'registered': the float {held}" in str(problem)


def test_an_id_held_as_a_real_in_a_postgres_table_is_not_read_as_one_id(postgres: Any) -> None:
    """The review's finding: psycopg reads PostgreSQL's ``real`` (float4) as a
    Python float, 16777217 stored as 16777216.0, below 2**53: it was read as
    the unit 16777216. A ``real`` column is read as a float32 is (DuckDB's
    ``REAL`` already was), so such an id is refused."""
    postgres.execute(
        "DROP TABLE IF EXISTS s21_real_register;"
        " CREATE TABLE s21_real_register (unit real, category text, registered text);"
        " INSERT INTO s21_real_register VALUES"
        " (16777217, 'infant_formula_maker', '2020-01-01'),"
        " (12.5, 'infant_formula_maker', '2020-01-01')"
    )
    try:
        register = qrules.read_register(postgres, table="s21_real_register")
    finally:
        postgres.execute("DROP TABLE s21_real_register")
    assert [u.unit for u in register.units] == ["12.5"]
    [problem] = register.problems
    assert "column 'unit': the float 16777216, which holds a whole number past 2**24" in str(
        problem
    )


def test_a_reach_that_is_no_date_is_said_in_both_languages(book: qrules.Rulebook) -> None:
    """The review's finding: a declared reach that is no date was an English
    `ValueError` only; it is a `QRulesError` too, said in either language."""
    register, log = _one_inspection()
    with pytest.raises(qrules.QRulesError) as raised:
        evaluate_for_test(None, book, rules=INSPECTED, register=register, log=log, log_until="soon")
    assert isinstance(raised.value, ValueError)
    assert str(raised.value).startswith("log_until: 'soon' is not a date")
    assert raised.value.render("zh").startswith("log_until：'soon' 不是日期")


# -- the log's reach, declared with a frame's own values -------------------------------------


def _one_inspection() -> tuple[pd.DataFrame, pd.DataFrame]:
    register = _register("IF01")
    log = pd.DataFrame(
        {"unit": ["IF01"], "date": pd.to_datetime(["2024-05-01 09:30"]), "kind": ["system"]}
    )
    return register, log


@pytest.mark.parametrize(
    ("log_from", "log_until"),
    [
        pytest.param(pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-31 18:00"), id="Timestamp"),
        pytest.param(dt.datetime(2024, 1, 1, 8), dt.datetime(2024, 12, 31, 23, 59), id="datetime"),
        pytest.param(
            pd.Timestamp("2024-01-01 07:30", tz="Asia/Shanghai"),
            pd.Timestamp("2024-12-31 20:00", tz="Asia/Shanghai"),
            id="Timestamp in its zone",
        ),
        pytest.param(np.datetime64("2024-01-01"), np.datetime64("2024-12-31T18:00"), id="numpy"),
        pytest.param(20240101, 20241231, id="int"),
    ],
)
def test_a_reach_declared_as_a_date_time_is_its_day(
    book: qrules.Rulebook, log_from: Any, log_until: Any
) -> None:
    """``log_from=df.date.min()``, a pandas `Timestamp` (a `datetime`, so a
    `date` as the arguments' types say), stopped the judging with
    "TypeError: Cannot compare Timestamp with datetime.date", and a
    `datetime` with "can't compare datetime.datetime to datetime.date". A
    date-time declared is its day, in its own time zone, as a log's
    date-time cell is read; a numpy `datetime64` or a number, its text
    (``20240101``), as the command line's ``--log-from`` is read."""
    register, log = _one_inspection()
    evaluation = evaluate_for_test(
        None,
        book,
        rules=INSPECTED,
        register=register,
        log=log,
        log_from=log_from,
        log_until=log_until,
    )
    assert verdicts(evaluation) == ["met"]


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(pd.NaT, id="NaT"),
        pytest.param(np.datetime64("NaT"), id="numpy NaT"),
        pytest.param(45292, id="Excel serial"),
    ],
)
def test_a_reach_declared_as_no_date_is_said_so(book: qrules.Rulebook, value: Any) -> None:
    """``NaT`` (the ``min()`` of a column of no dates) stopped the judging with
    "TypeError: Cannot compare NaT with datetime.date object"; a numpy
    ``NaT`` or a number with "AttributeError: ... has no attribute
    'isascii'". Each is now a `ValueError` naming the argument and what to
    write, as a text that is no date is (an Excel serial is no date one
    means to type)."""
    register, log = _one_inspection()
    with pytest.raises(ValueError, match=r"^log_from: .* is not a date: write 2024-12-31"):
        evaluate_for_test(
            None,
            book,
            rules=INSPECTED,
            register=register,
            log=log,
            log_from=value,
            log_until="2024-12-31",
        )


# -- a blank district in a long sheet, read by pandas (decided in session 22) ------------------


def test_a_district_merged_over_a_long_sheets_rows_read_by_pandas_is_not_the_city(
    book: qrules.Rulebook, tmp_path: Path
) -> None:
    """The same workbook: read by qrules, 芝罘区 merged over rows 2 and 3 is
    each row's, and the city's pass rate is unknown; read by
    ``pd.read_excel`` (a data team's route), row 3's district is ``NaN``, and
    芝罘区's 99 was the city's, so the city's rule was met. Now the cell is
    refused: whose figure it is cannot be told."""
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "figures.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["year", "district", "measure", "value"])
    sheet.append([2025, "芝罘区", BRANDS, 60])
    sheet.append([2025, None, RATE, 99])
    sheet.merge_cells("B2:B3")
    workbook.save(path)
    assert verdicts(book.evaluate(path, rules=[RATE_RULE])) == ["unknown"]
    frame = pd.read_excel(path)
    with pytest.raises(qrules.DataError, match="blank district cell below 芝罘区's row"):
        book.evaluate(frame, rules=[RATE_RULE])
