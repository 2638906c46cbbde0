"""A differential hunt for false verdicts (session 18), where session 17's
(``test_diff_s17.py``: CSV files against DuckDB text tables in place) did not
look.

1. **Reported figures from every source a user has.** The same figures, each
   written in one of the forms ``docs/datasets.md`` ("Values") documents, or as a
   number, a blank, a marker of a missing value, a value the reader must refuse
   (an Excel error's text, a footnote digit, a decimal comma, a wrong unit, a
   share written without its ``%``, a figure beyond its bounds) are read from
   UTF-8 CSV, UTF-8 with a BOM, GB18030, TSV, ``.xlsx`` (numbers as numbers or
   as text), JSON, pandas and polars DataFrames and a DuckDB table, in the long
   layout and wide by year, with Chinese headers. Every source must give the
   figures' oracle: the same observations and verdicts, or the same refusal
   naming the same cells (rows numbered as each source numbers them,
   ``docs/datasets.md``, "The header").

2. **Records** (below).

The suite runs a derandomized profile of a bounded number of examples; set
``QRULES_DIFF_EXAMPLES`` (and ``QRULES_DIFF_SEED``) to hunt more widely.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import tempfile
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import duckdb
import openpyxl
import pandas as pd
import polars as pl
import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

import qrules
from qrules import Verdict
from qrules._expr import parse_requirement
from qrules.engines import evaluate_tables

from .records_fixtures import FORMULA, HIGH_RISK, KITCHENS, place, write

BOOK = qrules.load("yantai-2023-2025")
EXAMPLES = int(os.environ.get("QRULES_DIFF_EXAMPLES", "10"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize="QRULES_DIFF_SEED" not in os.environ,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
    # (QRULES_DIFF_NO_SHRINK: report the first failure found as it is.)
    phases=[Phase.generate] if "QRULES_DIFF_NO_SHRINK" in os.environ else list(Phase),
)
SEED = seed(int(os.environ.get("QRULES_DIFF_SEED", "18")))

# -- 1. reported figures from every source ----------------------------------------------------

PASSED, TESTED, RATE, BRANDS = (
    "food_samples_passed",
    "food_samples_tested",
    "food_safety_sampling_pass_rate",
    "provincial_high_end_brand_enterprises",
)
FIGURE_RULES = [
    "food-safety-sampling-pass-rate",
    "provincial-high-end-brand-enterprises-table",
    "provincial-high-end-brand-enterprises-brands-paragraph",
]
YEARS = (2024, 2025)

#: What a cell is meant to read as: a value, missing (None), or refused.
REFUSED = "refused"
Meant = Fraction | None | str


class Native:
    """A number as a program holds it (an int, a Decimal or a float): a number cell
    in ``.xlsx``, a JSON number, a numeric column of a frame or a table."""

    def __init__(self, value: int | Decimal | float) -> None:
        self.value = value

    def __repr__(self) -> str:
        return f"Native({self.value!r})"

    def text(self) -> str:
        return str(self.value)


Cell = str | Native | None

MISSING = ["", "—", "-", "无", "暂无", "NA", "N/A", "null"]
FULL = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in "0123456789.,%"})


def _decimal(value: Fraction) -> str:
    """An exact decimal's text (every value here has one)."""
    return format((Decimal(value.numerator) / Decimal(value.denominator)).normalize(), "f")


@st.composite
def count_cells(draw: st.DrawFn, value: int, unit: str) -> tuple[Cell, Meant]:
    """A count as an office writes it, and what it is read as."""
    forms: list[tuple[Cell, Meant]] = [
        (str(value), Fraction(value)),
        (f"{value:,}", Fraction(value)),
        (f"{value:,}".replace(",", "，"), Fraction(value)),
        (str(value).translate(FULL), Fraction(value)),
        (f" {value} ", Fraction(value)),
        (f"{value}{unit}", Fraction(value)),
        (Native(value), Fraction(value)),
        (Native(float(value)), Fraction(value)),
        (Native(Decimal(value)), Fraction(value)),
        (f"{value}%", REFUSED),  # a unit that contradicts the measure's
        (f"{value}²", REFUSED),  # a footnote, no digit
        (f"{value}.5", REFUSED),  # a count is whole
        (Native(value + 0.5), REFUSED),
        (f"-{value}" if value else "-3", REFUSED),  # no count is negative
        ("0,985", REFUSED),  # a decimal comma's
        ("#N/A", REFUSED),
        (" ＃div/0! ", REFUSED),
        (None, None),
        *((m, None) for m in MISSING),
    ]
    return draw(st.sampled_from(forms))


@st.composite
def rate_cells(draw: st.DrawFn, value: Fraction) -> tuple[Cell, Meant]:
    """A percentage as an office writes it, and what it is read as."""
    text = _decimal(value)
    share = _decimal(value / 100)
    forms: list[tuple[Cell, Meant]] = [
        (text, value),
        (f"{text}%", value),
        (f"{text}％", value),
        (f"{text}%".translate(FULL), value),
        (Native(Decimal(text)), value),
        (Native(float(text)), value),
        (share, REFUSED),  # 0.985: a share, or 0.985 %?
        (Native(float(share)), REFUSED),
        (f"{share}%", value / 100),
        ("150", REFUSED),  # beyond the bounds of a percentage
        (f"{text}亿元", REFUSED),
        ("#REF!", REFUSED),
        (None, None),
        *((m, None) for m in MISSING[:4]),
    ]
    return draw(st.sampled_from(forms))


Figures = dict[tuple[str, int], tuple[Cell, Meant]]


@st.composite
def figures(draw: st.DrawFn) -> Figures:
    """Some of the four measures in both years, around the targets (98.5 %, 50
    and 100 enterprises)."""
    chosen = draw(
        st.lists(st.sampled_from([PASSED, TESTED, RATE, BRANDS]), min_size=1, unique=True)
    )
    found: Figures = {}
    for year in YEARS:
        tested = draw(st.sampled_from([1000, 2000, 40000]))
        passed = tested * draw(st.sampled_from([984, 985, 986, 1000])) // 1000
        for measure in chosen:
            if measure == RATE:
                rate = Fraction(draw(st.sampled_from([980, 984, 985, 986, 1000])), 10)
                found[measure, year] = draw(rate_cells(rate))
            elif measure == BRANDS:
                found[measure, year] = draw(
                    count_cells(draw(st.sampled_from([49, 50, 99, 100, 104])), "家")
                )
            else:
                found[measure, year] = draw(
                    count_cells(passed if measure == PASSED else tested, "批次")
                )
    return found


def zh(measure: str) -> str:
    return BOOK.measures[measure].name.zh


def grid(
    found: Figures, layout: str
) -> tuple[list[str], list[list[Cell]], list[dict[str, tuple[str, int]]]]:
    """The sheet's header, its rows, and which figure each row's cells hold."""
    if layout == "long":
        keys = list(found)
        return (
            ["年份", "指标", "数值"],
            [[Native(y), zh(m), found[m, y][0]] for m, y in keys],
            [{"数值": (m, y), "年份": (m, y), "指标": (m, y)} for m, y in keys],
        )
    measures = list(dict.fromkeys(m for m, _ in found))
    header = ["指标", *(f"{y}年" for y in YEARS)]
    rows = [[zh(m), *(found.get((m, y), (None, None))[0] for y in YEARS)] for m in measures]
    return header, rows, [{f"{y}年": (m, y) for y in YEARS} | {"指标": (m, 0)} for m in measures]


def _text(cell: Cell) -> str:
    return "" if cell is None else cell.text() if isinstance(cell, Native) else cell


def _native(cell: Cell) -> Any:
    if isinstance(cell, Native):
        return cell.value
    return cell


def _csv(
    path: Path, header: list[str], rows: list[list[Cell]], encoding: str, delimiter: str
) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[_text(c) for c in row] for row in rows])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def _xlsx(path: Path, header: list[str], rows: list[list[Cell]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        # (openpyxl writes a Decimal as a number, as a float.)
        sheet.append([_native(c) for c in row])
    book.save(path)
    return path


def _json(path: Path, header: list[str], rows: list[list[Cell]]) -> Path:
    """An array of objects; a number written as the JSON number it is (a
    Decimal never through a float), a blank cell null."""

    def value(cell: Cell) -> str:
        if isinstance(cell, Native):
            return repr(cell.value) if isinstance(cell.value, float) else str(cell.value)
        return json.dumps(cell, ensure_ascii=False)

    items = [
        "{"
        + ", ".join(
            f"{json.dumps(h, ensure_ascii=False)}: {value(c)}"
            for h, c in zip(header, row, strict=True)
        )
        + "}"
        for row in rows
    ]
    path.write_text("[" + ",\n".join(items) + "]", encoding="utf-8")
    return path


def _columns(header: list[str], rows: list[list[Cell]]) -> dict[str, list[Cell]]:
    return {h: [row[i] for row in rows] for i, h in enumerate(header)}


def _all_native(cells: list[Cell]) -> bool:
    return all(c is None or isinstance(c, Native) for c in cells)


def _pandas(header: list[str], rows: list[list[Cell]]) -> Any:
    frame = {}
    for name, cells in _columns(header, rows).items():
        if _all_native(cells) and all(not isinstance(_native(c), Decimal) for c in cells):
            frame[name] = pd.Series(
                [_native(c) for c in cells],
                dtype="Float64" if any(isinstance(_native(c), float) for c in cells) else "Int64",
            )
        else:
            frame[name] = pd.Series([_native(c) for c in cells], dtype=object)
    return pd.DataFrame(frame)


def _polars(header: list[str], rows: list[list[Cell]]) -> Any:
    frame = {}
    for name, cells in _columns(header, rows).items():
        if _all_native(cells):
            values = [_native(c) for c in cells]
            kind = (
                pl.Float64
                if any(isinstance(v, float) for v in values)
                else pl.Decimal(20, 4)
                if any(isinstance(v, Decimal) for v in values)
                else pl.Int64
            )
            frame[name] = pl.Series(name, values, dtype=kind)
        else:
            frame[name] = pl.Series(
                name, [None if c is None else _text(c) for c in cells], dtype=pl.String
            )
    return pl.DataFrame(frame)


def _duckdb(header: list[str], rows: list[list[Cell]]) -> Any:
    connection = duckdb.connect()
    columns = _columns(header, rows)
    types = {}
    for name, cells in columns.items():
        values = [_native(c) for c in cells]
        types[name] = (
            (
                "DOUBLE"
                if any(isinstance(v, float) for v in values)
                else "DECIMAL(18,4)"
                if any(isinstance(v, Decimal) for v in values)
                else "BIGINT"
            )
            if _all_native(cells)
            else "VARCHAR"
        )
    connection.execute(
        "CREATE TABLE figures (" + ", ".join(f'"{n}" {t}' for n, t in types.items()) + ")"
    )
    for row in rows:
        connection.execute(
            f"INSERT INTO figures VALUES ({', '.join('?' * len(row))})",
            [
                (_native(c) if types[h] != "VARCHAR" else None if c is None else _text(c))
                for h, c in zip(header, row, strict=True)
            ],
        )
    return connection


#: Each source: how it is made, and the first data row's number in its refusals
#: (docs/datasets.md, "The header": a file's rows count as it shows them, its
#: header row 1; a DataFrame's or table's first row is 1; a JSON item from 0).
SOURCES: dict[str, tuple[Callable[[Path, list[str], list[list[Cell]]], Any], int]] = {
    "utf-8 csv": (lambda p, h, r: _csv(p / "f.csv", h, r, "utf-8", ","), 2),
    "utf-8-sig csv": (lambda p, h, r: _csv(p / "f.csv", h, r, "utf-8-sig", ","), 2),
    "gb18030 csv": (lambda p, h, r: _csv(p / "f.csv", h, r, "gb18030", ","), 2),
    "tsv": (lambda p, h, r: _csv(p / "f.tsv", h, r, "utf-8", "\t"), 2),
    "xlsx": (lambda p, h, r: _xlsx(p / "f.xlsx", h, r), 2),
    "json": (lambda p, h, r: _json(p / "f.json", h, r), 0),
    "pandas": (lambda p, h, r: _pandas(h, r), 1),
    "polars": (lambda p, h, r: _polars(h, r), 1),
    "duckdb": (lambda p, h, r: _duckdb(h, r), 1),
}
WHERE = re.compile(r"(?:row|item) (\d+), (?:column|key) '([^']*)'")


def read_figures(source: Any, first: int, cells: list[dict[str, tuple[str, int]]]) -> Any:
    """The observations and verdicts read, or the cells a refusal names (as
    figures' keys where a figure's cell is named)."""
    try:
        dataset = qrules.read_dataset(source, BOOK)
    except qrules.DataError as error:
        named = set()
        for problem in error.problems:
            found = WHERE.search(problem.where or "")
            assert found, problem.render("en")
            row, column = int(found[1]) - first, found[2]
            named.add(
                cells[row].get(column, (row, column)) if 0 <= row < len(cells) else (row, column)
            )
        return "refused", frozenset(named)
    observed = frozenset((o.measure, o.year, o.district, o.value) for o in dataset.observations)
    said = frozenset(
        (r.rule_id, r.year, r.district, r.verdict.value, r.observed)
        for r in BOOK.evaluate(dataset, rules=FIGURE_RULES)
    )
    return observed, said


def oracle(found: Figures) -> Any:
    """What every source must give: the cells meant to be refused, or the
    figures meant and their verdicts (judged from a list of exact values)."""
    refused = frozenset(key for key, (_, meant) in found.items() if meant == REFUSED)
    if refused:
        return "refused", refused
    # (A percentage with its sign, so that 0.985 % is not an ambiguous share.)
    exact = [
        {
            "year": y,
            "measure": m,
            "value": f"{_decimal(meant)}%" if m == RATE and isinstance(meant, Fraction) else meant,
        }
        for (m, y), (_, meant) in found.items()
    ]
    return read_figures(exact, 1, [])


def judged_everywhere(found: Figures, layout: str) -> dict[str, Any]:
    header, rows, cells = grid(found, layout)
    seen = {}
    with tempfile.TemporaryDirectory(dir=os.environ.get("QRULES_DIFF_TMP")) as folder:
        for name, (make, first) in SOURCES.items():
            seen[name] = read_figures(make(Path(folder), header, rows), first, cells)
    return seen


def assert_figures_agree(found: Figures, layout: str) -> None:
    meant = oracle(found)
    for name, seen in judged_everywhere(found, layout).items():
        if meant[0] == "refused":
            # Every cell meant to be refused is named (a relation between two
            # figures may be named beside them), and nothing is judged.
            assert seen[0] == "refused", (name, found, seen)
            assert meant[1] <= seen[1], (name, found, meant, seen)
        else:
            assert seen == meant, (name, layout, found, meant, seen)


@SETTINGS
@SEED
@given(figures(), st.sampled_from(["long", "wide"]))
def test_every_source_of_figures_reads_the_same(found: Figures, layout: str) -> None:
    assert_figures_agree(found, layout)


# -- 2. records: PostgreSQL in place, and evaluate_records on every engine ---------------------

POSTGRES = os.environ.get("QRULES_POSTGRES_URL")
#: The tables made (a process's own: two runs share a database).
REGISTER_TABLE, LOG_TABLE = f"diff18_register_{os.getpid()}", f"diff18_log_{os.getpid()}"
D = dt.date
REGISTERED = [None, None, D(2020, 1, 1), D(2024, 1, 1), D(2024, 12, 31), D(2025, 1, 1)]
CLOSED = [None, None, None, D(2023, 12, 31), D(2024, 1, 1), D(2024, 12, 31), D(2025, 1, 1)]
VISITED = [
    D(2023, 12, 31),
    D(2024, 1, 1),
    D(2024, 6, 1),
    D(2024, 12, 31),
    D(2025, 1, 1),
    D(2025, 12, 31),
]
#: The years judged: (log_from, log_until), at and across year boundaries.
WINDOWS = [
    (D(2024, 1, 1), D(2024, 12, 31)),
    (D(2024, 1, 1), D(2025, 12, 31)),
    (D(2024, 1, 1), D(2025, 1, 1)),
    (D(2023, 12, 31), D(2024, 12, 31)),
]
DISTRICTS = ["芝罘区", "福山区", None]
#: Requirements a rule may be changed to (attrs.evolve): another operator, a range.
CHANGED = [None, "<= 50", "== 50", ">= 50", "40 <= {m} <= 60", "< 100"]

Records = tuple[list[dict[str, Any]], list[dict[str, Any]], bool]


@st.composite
def typed_records(draw: st.DrawFn) -> Records:
    """A register and a log as a database holds them: dates as dates, flags as
    booleans (or 0/1), unit ids as integers (or text), NULLs; ids may repeat,
    and a log's unit may be none of the register's."""
    numeric = draw(st.booleans())
    ids = [101, 102, 103, 104] if numeric else ["U1", "U2", "U3", "U4"]
    units = []
    for _ in range(draw(st.integers(1, 6))):
        units.append(
            {
                "unit": draw(st.sampled_from(ids)) if draw(st.integers(0, 12)) else None,
                "category": draw(
                    st.sampled_from(["infant_formula_maker", "catering", "central_kitchen", None])
                ),
                "district": draw(st.sampled_from(DISTRICTS)),
                "risk_level": draw(st.sampled_from(["high", "high", "low", None, "很高"])),
                "registered": draw(st.sampled_from(REGISTERED)),
                "closed": draw(st.sampled_from(CLOSED)),
                "internet_bright_kitchen": draw(st.sampled_from([True, True, False, None])),
            }
        )
    visits = []
    for n in range(draw(st.integers(0, 12))):
        visits.append(
            {
                "inspection": f"J{draw(st.integers(0, n))}" if draw(st.integers(0, 5)) else None,
                "unit": draw(st.sampled_from([*ids, 999 if numeric else "X9"])),
                "date": draw(
                    st.sampled_from([*VISITED, None]) if draw(st.integers(0, 8)) else st.just(None)
                ),
                "kind": draw(st.sampled_from(["system", "system", "routine", None])),
                "result": draw(st.sampled_from(["compliant", "non_compliant", None])),
            }
        )
    return units, visits, numeric


def _as_text(value: Any, flag_words: int) -> str | None:
    """A value as a file holds it (a flag as 是/否, 1/0 or true/false)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return [("是", "否"), ("1", "0"), ("true", "false")][flag_words][0 if value else 1]
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


REGISTER_COLUMNS = [
    "unit",
    "category",
    "district",
    "risk_level",
    "registered",
    "closed",
    "internet_bright_kitchen",
]
LOG_COLUMNS = ["inspection", "unit", "date", "kind", "result"]


def _types(numeric: bool, flags: str, text: str) -> tuple[dict[str, str], dict[str, str]]:
    unit = "INTEGER" if numeric else text
    register = dict.fromkeys(REGISTER_COLUMNS, text) | {
        "unit": unit,
        "registered": "DATE",
        "closed": "DATE",
        "internet_bright_kitchen": flags,
    }
    log = dict.fromkeys(LOG_COLUMNS, text) | {"unit": unit, "date": "DATE"}
    return register, log


def _stored(rows: list[dict[str, Any]], flags: str) -> list[dict[str, Any]]:
    """The rows as `place` stores them: a flag as 0/1 in an INTEGER column."""
    if flags != "INTEGER":
        return rows
    return [{c: (int(v) if isinstance(v, bool) else v) for c, v in row.items()} for row in rows]


def records_everywhere(
    case: Records,
    rules: list[qrules.Rule],
    window: tuple[dt.date, dt.date],
    by_district: bool,
    flags: str,
    postgres: Any,
) -> dict[str, Any]:
    """Each route's results (or its DataError's text): the reference engine on
    CSV files; the files' records on DuckDB and PostgreSQL; typed tables in
    place on DuckDB and PostgreSQL."""
    units, visits, numeric = case
    chosen = {
        "rules": rules,
        "by_district": by_district,
        "log_from": window[0],
        "log_until": window[1],
    }
    found: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(dir=os.environ.get("QRULES_DIFF_TMP")) as folder:
        words = len(units) % 3
        register = qrules.read_register(
            write(
                Path(folder) / "register.csv",
                [{c: _as_text(v, words) for c, v in u.items()} for u in units],
                REGISTER_COLUMNS,
            )
        )
        log = qrules.read_log(
            write(
                Path(folder) / "log.csv",
                [{c: _as_text(v, words) for c, v in u.items()} for u in visits],
                LOG_COLUMNS,
            ),
            register,
        )
        found["reference"] = list(qrules.evaluate_records(BOOK, register, log, **chosen))
        found["duckdb loaded"] = list(
            qrules.evaluate_records(BOOK, register, log, engine="duckdb", **chosen)
        )
        if postgres is not None:
            found["postgres loaded"] = list(
                qrules.evaluate_records(
                    BOOK, register, log, engine="postgres", connection=postgres, **chosen
                )
            )
    places = [("duckdb", duckdb.connect(), "VARCHAR")]
    if postgres is not None:
        places.append(("postgres", postgres, "TEXT"))
    for engine, connection, text in places:
        register_types, log_types = _types(numeric, flags, text)
        place(connection, engine, REGISTER_TABLE, _stored(units, flags), register_types)
        place(connection, engine, LOG_TABLE, visits, log_types)
        if engine == "postgres":
            connection.commit()
        try:
            found[f"{engine} in place"] = list(
                evaluate_tables(BOOK, connection, register=REGISTER_TABLE, log=LOG_TABLE, **chosen)
            )
        except qrules.DataError as error:
            found[f"{engine} in place"] = f"DataError: {error}"
            if engine == "postgres":
                connection.rollback()
    return found


def record_verdicts(results: list[qrules.Result], header: int) -> dict[Any, Any]:
    return {
        (r.rule.id, r.year, r.district): (
            r.verdict,
            tuple(sorted((table, row - header) for table, row in r.rejected_rows)),
        )
        for r in results
    }


def assert_records_agree(found: dict[str, Any]) -> None:
    """No route says met where another says not met; where every route judged,
    the same verdicts and rejected rows (a file's rows numbered under its
    header, a table's from 1)."""
    reference = record_verdicts(found["reference"], header=1)
    for route, results in found.items():
        if isinstance(results, str):
            # docs/engines.md: with the keys checked, an id in more than one
            # register (log) row is a DataError on tables in place, where a
            # reader rejects the later row.
            assert "more than one" in results or "given twice" in results or "repeat" in results, (
                route,
                results,
            )
            continue
        seen = record_verdicts(results, header=0 if "in place" in route else 1)
        assert seen.keys() == reference.keys(), (route, seen.keys() ^ reference.keys())
        for key, (verdict, rows) in reference.items():
            other, their_rows = seen[key]
            assert {verdict, other} != {Verdict.MET, Verdict.NOT_MET}, (route, key, verdict, other)
            assert (verdict, rows) == (other, their_rows), (
                route,
                key,
                (verdict, rows),
                (other, their_rows),
            )


@st.composite
def changed_rules(draw: st.DrawFn) -> list[qrules.Rule]:
    """The three rules, each maybe changed (``attrs.evolve``) to another
    operator or a range, and maybe given a target of 芝罘区's own."""
    rules = []
    for shipped in (BOOK[FORMULA], BOOK[HIGH_RISK], BOOK[KITCHENS]):
        rule = shipped
        requirement = draw(st.sampled_from(CHANGED))
        if requirement is not None:
            m = rule.measure.id
            text = requirement.format(m=m) if "{m}" in requirement else f"{m} {requirement}"
            rule = attrs.evolve(rule, requirement=parse_requirement(text, m))
        local = draw(st.sampled_from([None, "== 100", "<= 50", ">= 50"]))
        if local is not None:
            rule = attrs.evolve(
                rule,
                districts=(
                    ("芝罘区", parse_requirement(f"{rule.measure.id} {local}", rule.measure.id)),
                ),
            )
        rules.append(rule)
    return rules


@pytest.fixture(scope="module")
def postgres() -> Any:
    if not POSTGRES:
        yield None
        return
    psycopg = pytest.importorskip("psycopg")
    try:
        connection = psycopg.connect(POSTGRES)
    except psycopg.OperationalError:
        yield None
        return
    yield connection
    cursor = connection.cursor()
    cursor.execute(f"DROP TABLE IF EXISTS {REGISTER_TABLE}")
    cursor.execute(f"DROP TABLE IF EXISTS {LOG_TABLE}")
    connection.commit()
    connection.close()


@settings(SETTINGS, max_examples=max(1, EXAMPLES // 2))
@SEED
@given(
    case=typed_records(),
    rules=changed_rules(),
    window=st.sampled_from(WINDOWS),
    by_district=st.booleans(),
    flags=st.sampled_from(["BOOLEAN", "BOOLEAN", "INTEGER"]),
)
def test_records_agree_on_every_engine_and_in_place(
    postgres: Any,
    case: Records,
    rules: list[qrules.Rule],
    window: tuple[dt.date, dt.date],
    by_district: bool,
    flags: str,
) -> None:
    assert_records_agree(records_everywhere(case, rules, window, by_district, flags, postgres))


def test_records_on_every_engine_and_in_place_agree_on_a_clean_case(postgres: Any) -> None:
    """The property's routes on one case every route judges, PostgreSQL's too
    when it is there: a unit registered on 31 December, one closed on 1 January,
    an inspection on each boundary, a flag false, a district of its own target."""
    units = [
        {
            "unit": 101,
            "category": "infant_formula_maker",
            "district": "芝罘区",
            "risk_level": None,
            "registered": D(2024, 12, 31),
            "closed": None,
            "internet_bright_kitchen": None,
        },
        {
            "unit": 102,
            "category": "central_kitchen",
            "district": None,
            "risk_level": "high",
            "registered": None,
            "closed": D(2024, 1, 1),
            "internet_bright_kitchen": False,
        },
    ]
    visits = [
        {
            "inspection": "J1",
            "unit": 101,
            "date": D(2024, 12, 31),
            "kind": "system",
            "result": None,
        },
        {"inspection": "J2", "unit": 102, "date": D(2024, 1, 1), "kind": "routine", "result": None},
        {"inspection": "J3", "unit": 102, "date": D(2025, 1, 1), "kind": "routine", "result": None},
    ]
    rules = [BOOK[FORMULA], BOOK[HIGH_RISK], BOOK[KITCHENS]]
    found = records_everywhere((units, visits, True), rules, WINDOWS[1], True, "BOOLEAN", postgres)
    assert_records_agree(found)
    assert {r.verdict for r in found["reference"]} >= {Verdict.MET, Verdict.NOT_MET}


# -- found by the property ------------------------------------------------------------------


@pytest.mark.parametrize("engine", ["duckdb", "postgres"])
@pytest.mark.parametrize("kind", ["INTEGER", "BIGINT", "VARCHAR"])
def test_an_integer_unit_id_of_a_rejected_row_leaves_its_other_row_in_doubt(
    postgres: Any, engine: str, kind: str
) -> None:
    """An INTEGER unit id 104, its first row rejected (closed before it was
    registered) and its second a central kitchen enrolled: a reader reads one
    unit given twice, which row holds unknown (docs/records.md, bad rows), so
    the central kitchens' share is unknown, as on the files. In place the
    second row was counted as surely 104's (the twins were looked for among
    text unit ids only): met, 1 of 1."""
    if engine == "postgres" and postgres is None:
        pytest.skip("QRULES_POSTGRES_URL names no PostgreSQL server")
    connection = postgres if engine == "postgres" else duckdb.connect()
    if engine == "postgres" and kind == "VARCHAR":
        kind = "TEXT"
    units = [
        {
            "unit": 104,
            "category": "infant_formula_maker",
            "registered": "2024-01-01",
            "closed": "2023-12-31",
            "internet_bright_kitchen": True,
        },
        {"unit": 104, "category": "central_kitchen", "internet_bright_kitchen": True},
    ]
    text = "TEXT" if engine == "postgres" else "VARCHAR"
    types = {
        "unit": kind,
        "category": text,
        "registered": "DATE",
        "closed": "DATE",
        "internet_bright_kitchen": "BOOLEAN",
    }
    place(connection, engine, REGISTER_TABLE, units, types)
    [result] = evaluate_tables(
        BOOK,
        connection,
        register=REGISTER_TABLE,
        log=None,
        rules=[BOOK[KITCHENS]],
        log_from="2024-01-01",
        log_until="2024-12-31",
    )
    if engine == "postgres":
        connection.rollback()
    assert result.verdict is Verdict.UNKNOWN, result.reason.en
    assert result.rejected_rows == (("register", 2),), result.rejected_rows
