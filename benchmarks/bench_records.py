"""Rules over records at scale: qrules on DuckDB against a hand-written DuckDB query.

Generates (seeded) a register of 100,000 units and a log of 1,000,000
inspections over 2023-2025, loads both into DuckDB, then times, interleaved:

- qrules counting every record-level rule of the shipped rulebook on DuckDB
  (`qrules.engines.evaluate_tables`: the generated query, judging, failing units),
  trusting the tables' keys (``check_keys=False``), as the hand-written query does;
- a hand-written DuckDB query giving, for each rule and year, every unit of the
  population with its qualifying inspections and whether it meets the rule;
- qrules as it runs by default, checking the keys (unit ids repeated in the
  register, log rows of units not in it, inspection ids repeated in the log),
  against the hand-written query and a hand-written check of the same keys;
  and, for information, against the same with the values qrules proves by
  hand too (`HAND_WRITTEN_PROOFS`): what those proofs cost;
- the reference engine (pure Python) on the same records as Python objects;
- with a decision log (docs/audit.md), against the same without one,
  interleaved in the same run: ``evaluate_tables(..., decision_log=)`` (the
  tables' names and counts logged), ``qrules check --register R --log L
  --decision-log FILE`` on the Parquet files (their SHA-256 logged), and the
  reference engine's ``evaluate_records(..., decision_log=)`` (a digest of the
  rows in memory).

The contenders run in turn in this one process, ``--repeat`` rounds, each
round starting one further along (`time_interleaved`); each is checked to
give qrules' results before anything is timed. Prints medians, the ratios
qrules / hand-written (of the medians; the median of the ratios round by
round, "paired", which load coming and going on a shared machine moves
least; of the CPU times), and peak memory: the Python heap's (tracemalloc)
for each, and DuckDB's own peak buffer memory in the counting query (its
profiler's ``system.peak_buffer_memory``). Asserts nothing: a benchmark is
not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
from pyarrow import parquet

import qrules
from qrules import Verdict
from qrules.cli import main as main_cli
from qrules.engines import evaluate_tables
from qrules.records.read import Inspection, InspectionLog, Register, UnitRecord

#: Share of the register in each category (an office where catering and food
#: retail dominate, as in a city's register).
CATEGORIES = {
    "catering": 0.44,
    "food_retailer": 0.30,
    "food_maker": 0.04,
    "drug_retailer": 0.05,
    "drug_user": 0.03,
    "construction_site": 0.03,
    "construction_project": 0.03,
    "health_food_maker": 0.01,
    "special_drug_retailer": 0.01,
    "central_kitchen": 0.005,
    "collective_meal_supplier": 0.005,
    "tableware_disinfection": 0.005,
    "infant_formula_maker": 0.0005,
    "special_medical_food_maker": 0.0005,
    "key_industry_chain": 0.001,
}
FLAGS = {
    "bright_kitchen": 0.85,
    "internet_bright_kitchen": 0.8,
    "grid_supervision": 0.9,
    "smart_site": 0.7,
    "smart_site_platform": 0.75,
    "leading_platform": 0.6,
}
DISTRICTS = [
    "芝罘区",
    "福山区",
    "牟平区",
    "莱山区",
    "蓬莱区",
    "龙口市",
    "莱阳市",
    "莱州市",
    "招远市",
    "栖霞市",
    "海阳市",
]
KINDS = {"routine": 0.7, "system": 0.12, "special": 0.1, "follow_up": 0.05, "unannounced": 0.03}
RESULTS = {"compliant": 0.8, "basically_compliant": 0.15, "non_compliant": 0.05}


def _days(base: str, offsets: np.ndarray) -> np.ndarray:
    return np.datetime64(base) + offsets.astype("timedelta64[D]")


def generate(units: int, inspections: int, seed: int) -> tuple[pa.Table, pa.Table]:
    """A register and a log as Arrow tables, straight from numpy (no Python rows)."""
    rng = np.random.default_rng(seed)
    shares = np.array(list(CATEGORIES.values()))
    ids = np.char.add("U", np.char.zfill(np.arange(units).astype(str), 6))
    new = rng.random(units) < 0.15  # registered during the period
    registered = np.where(
        new,
        _days("2023-01-01", rng.integers(0, 1096, units)),
        _days("2015-01-01", rng.integers(0, 8 * 365, units)),
    )
    closed = registered + rng.integers(30, 6 * 365, units).astype("timedelta64[D]")
    risk = rng.choice(np.array(["low", "medium", "high"]), size=units, p=[0.5, 0.4, 0.1])
    columns: dict[str, Any] = {
        "unit": pa.array(ids),
        "name": pa.array(np.char.add("单位", ids)),
        "district": pa.array(rng.choice(np.array(DISTRICTS), size=units)),
        "category": pa.array(
            rng.choice(np.array(list(CATEGORIES)), size=units, p=shares / shares.sum())
        ),
        "risk_level": pa.array(risk),
        "size": pa.array(
            rng.choice(np.array(["small", "medium", "large"]), size=units, p=[0.7, 0.25, 0.05])
        ),
        "registered": pa.array(
            registered.astype("datetime64[D]"), mask=(rng.random(units) < 0.2) & ~new
        ),
        "closed": pa.array(
            closed.astype("datetime64[D]"),
            mask=(rng.random(units) > 0.1) | (closed > np.datetime64("2025-12-31")),
        ),
    }
    for flag, share in FLAGS.items():
        columns[flag] = pa.array(rng.random(units) < share)
    # High-risk units are inspected about twice as often as the others.
    weight = np.where(risk == "high", 2.0, np.where(risk == "medium", 1.0, 0.8))
    who = rng.choice(units, size=inspections, p=weight / weight.sum())
    log = pa.table(
        {
            "inspection": pa.array(np.char.add("J", np.arange(inspections).astype(str))),
            "unit": pa.array(ids[who]),
            "date": pa.array(
                _days("2023-01-01", rng.integers(0, 1096, inspections)).astype("datetime64[D]")
            ),
            "kind": pa.array(
                rng.choice(np.array(list(KINDS)), size=inspections, p=list(KINDS.values()))
            ),
            "result": pa.array(
                rng.choice(np.array(list(RESULTS)), size=inspections, p=list(RESULTS.values()))
            ),
        }
    )
    return pa.table(columns), log


#: Every record-level rule of yantai-2023-2025, by hand: for each rule and year,
#: each unit of the population (id, name, district: what qrules gives of a failing
#: unit), its qualifying inspections, and whether it meets the rule. The log is
#: counted once per unit and year, for the units of the rules that count
#: inspections only, as one would write it knowing the rules.
HAND_WRITTEN = """
WITH counts AS (
  SELECT unit, year(date) AS year, count(*) AS inspections,
         count(*) FILTER (WHERE kind = 'system') AS system_inspections
  FROM log
  WHERE unit IN (SELECT unit FROM register
                 WHERE category IN ('infant_formula_maker', 'special_medical_food_maker',
                                    'health_food_maker', 'tableware_disinfection',
                                    'special_drug_retailer')
                    OR (category IN ('catering', 'central_kitchen', 'collective_meal_supplier')
                        AND risk_level = 'high'))
  GROUP BY unit, year(date)),
yearly AS (
  SELECT r.*, y.year, coalesce(c.inspections, 0) AS inspections,
         coalesce(c.system_inspections, 0) AS system_inspections
  FROM register r
  CROSS JOIN (VALUES (2023, DATE '2023-01-01', DATE '2023-12-31'),
                     (2024, DATE '2024-01-01', DATE '2024-12-31'),
                     (2025, DATE '2025-01-01', DATE '2025-12-31')) AS y(year, first_day, last_day)
  LEFT JOIN counts c ON c.unit = r.unit AND c.year = y.year
  WHERE (r.registered IS NULL OR r.registered <= y.last_day)
    AND (r.closed IS NULL OR r.closed >= y.first_day))
SELECT 'infant-formula-makers-system-inspected-yearly' AS rule,
       year, unit, name, district, system_inspections AS inspections,
       system_inspections >= 1 AS meets
  FROM yearly WHERE category = 'infant_formula_maker'
UNION ALL SELECT 'special-medical-food-makers-system-inspected-yearly',
       year, unit, name, district, system_inspections, system_inspections >= 1
  FROM yearly WHERE category = 'special_medical_food_maker'
UNION ALL SELECT 'health-food-makers-system-inspected-yearly',
       year, unit, name, district, system_inspections, system_inspections >= 1
  FROM yearly WHERE category = 'health_food_maker'
UNION ALL SELECT 'high-risk-catering-units-inspected-twice-yearly',
       year, unit, name, district, inspections, inspections >= 2
  FROM yearly WHERE category IN ('catering', 'central_kitchen', 'collective_meal_supplier')
                AND risk_level = 'high'
UNION ALL SELECT 'tableware-disinfection-units-inspected-yearly',
       year, unit, name, district, inspections, inspections >= 1
  FROM yearly WHERE category = 'tableware_disinfection'
UNION ALL SELECT 'special-drug-retailers-inspection-coverage',
       year, unit, name, district, inspections, inspections >= 1
  FROM yearly WHERE category = 'special_drug_retailer'
UNION ALL SELECT 'drug-retailers-and-users-grid-coverage',
       year, unit, name, district, NULL, grid_supervision
  FROM yearly WHERE category IN ('drug_retailer', 'special_drug_retailer', 'drug_user')
UNION ALL SELECT 'central-kitchens-in-internet-bright-kitchen',
       year, unit, name, district, NULL, internet_bright_kitchen
  FROM yearly WHERE category = 'central_kitchen'
UNION ALL SELECT 'collective-meal-suppliers-in-internet-bright-kitchen',
       year, unit, name, district, NULL, internet_bright_kitchen
  FROM yearly WHERE category = 'collective_meal_supplier'
UNION ALL SELECT 'large-catering-units-bright-kitchen-rate',
       year, unit, name, district, NULL, bright_kitchen
  FROM yearly WHERE year = 2025 AND category = 'catering' AND size = 'large'
UNION ALL SELECT 'smart-construction-site-full-coverage',
       year, unit, name, district, NULL, smart_site
  FROM yearly WHERE year = 2025 AND category = 'construction_site'
UNION ALL SELECT 'smart-site-platform-project-coverage',
       year, unit, name, district, NULL, smart_site_platform
  FROM yearly WHERE year = 2025 AND category = 'construction_project'
UNION ALL SELECT 'key-industry-chains-with-leading-platform',
       year, unit, name, district, NULL, leading_platform
  FROM yearly WHERE year = 2025 AND category = 'key_industry_chain'
"""


#: What qrules checks by default on tables judged where they are, by hand: unit
#: ids repeated in the register, log rows whose unit is not in it, and
#: inspection ids repeated in the log.
HAND_WRITTEN_KEYS = """
SELECT (SELECT count(*) - count(DISTINCT unit) FROM register) AS repeated_units,
       (SELECT count(*) FROM log WHERE unit NOT IN (SELECT unit FROM register)) AS unknown,
       (SELECT count(inspection) - count(DISTINCT inspection) FROM log) AS repeated_inspections
"""


#: For information: the key check and, by hand, the proofs qrules also makes
#: when it checks the keys, that every value reads as a file reader reads it
#: (docs/records.md): codes that are codes, ids of printable ASCII with no space
#: at either end, no registration in the future nor closing before it. Written
#: as a careful engineer would for these tables' columns (DuckDB stores text in
#: UTF-8: a value whose length in bits is eight times its length in characters
#: is ASCII). It shows how much of qrules' time over the key check alone is
#: these proofs and how much qrules' own.
HAND_WRITTEN_PROOFS = """
SELECT (SELECT count(*) - count(DISTINCT unit)
               + count(*) FILTER (WHERE bit_length(unit) <> 8 * length(unit)
                                     OR ascii(unit) NOT BETWEEN 33 AND 126
                                     OR ascii(unit[-1:]) NOT BETWEEN 33 AND 126
                                     OR category NOT IN ({categories})
                                     OR district NOT IN ({districts})
                                     OR risk_level NOT IN ('low', 'medium', 'high')
                                     OR size NOT IN ('small', 'medium', 'large')
                                     OR registered > current_date
                                     OR closed < registered)
        FROM register) AS bad_register,
       (SELECT count(*) FROM log WHERE unit NOT IN (SELECT unit FROM register)) AS unknown,
       (SELECT count(inspection) - count(DISTINCT inspection)
               + count(*) FILTER (WHERE ascii(inspection[-1:]) NOT BETWEEN 33 AND 126
                                     OR kind NOT IN ({kinds})
                                     OR result NOT IN ({results}))
        FROM log) AS bad_log
""".format(
    **{
        name: ", ".join(f"'{value}'" for value in values)
        for name, values in (
            ("categories", CATEGORIES),
            ("districts", DISTRICTS),
            ("kinds", KINDS),
            ("results", RESULTS),
        )
    }
)


#: The record-level rules as the hand-written query has them, for polars: the
#: population's categories (and risk level), the years judged, and what each
#: unit must have (``inspections``, ``system`` inspections, or a flag).
POLARS_RULES: tuple[tuple[str, tuple[str, ...], str | None, tuple[int, ...], str], ...] = (
    (
        "infant-formula-makers-system-inspected-yearly",
        ("infant_formula_maker",),
        None,
        (2023, 2024, 2025),
        "system",
    ),
    (
        "special-medical-food-makers-system-inspected-yearly",
        ("special_medical_food_maker",),
        None,
        (2023, 2024, 2025),
        "system",
    ),
    (
        "health-food-makers-system-inspected-yearly",
        ("health_food_maker",),
        None,
        (2023, 2024, 2025),
        "system",
    ),
    (
        "high-risk-catering-units-inspected-twice-yearly",
        ("catering", "central_kitchen", "collective_meal_supplier"),
        "high",
        (2023, 2024, 2025),
        "twice",
    ),
    (
        "tableware-disinfection-units-inspected-yearly",
        ("tableware_disinfection",),
        None,
        (2023, 2024, 2025),
        "once",
    ),
    (
        "special-drug-retailers-inspection-coverage",
        ("special_drug_retailer",),
        None,
        (2023, 2024, 2025),
        "once",
    ),
    (
        "drug-retailers-and-users-grid-coverage",
        ("drug_retailer", "special_drug_retailer", "drug_user"),
        None,
        (2023, 2024, 2025),
        "grid_supervision",
    ),
    (
        "central-kitchens-in-internet-bright-kitchen",
        ("central_kitchen",),
        None,
        (2023, 2024, 2025),
        "internet_bright_kitchen",
    ),
    (
        "collective-meal-suppliers-in-internet-bright-kitchen",
        ("collective_meal_supplier",),
        None,
        (2023, 2024, 2025),
        "internet_bright_kitchen",
    ),
    ("large-catering-units-bright-kitchen-rate", ("catering",), "large", (2025,), "bright_kitchen"),
    ("smart-construction-site-full-coverage", ("construction_site",), None, (2025,), "smart_site"),
    (
        "smart-site-platform-project-coverage",
        ("construction_project",),
        None,
        (2025,),
        "smart_site_platform",
    ),
    (
        "key-industry-chains-with-leading-platform",
        ("key_industry_chain",),
        None,
        (2025,),
        "leading_platform",
    ),
)


def polars_counts(register: Any, log: Any) -> Any:
    """The hand-written query's rows, in polars (lazy, one plan): each unit of
    each rule's population per year, with whether it meets the rule."""
    import polars as pl  # noqa: PLC0415 (only for this baseline: the bench extra)

    units = register.lazy()
    catering = ["catering", "central_kitchen", "collective_meal_supplier"]
    wanted = units.filter(
        pl.col("category").is_in(
            [
                "infant_formula_maker",
                "special_medical_food_maker",
                "health_food_maker",
                "tableware_disinfection",
                "special_drug_retailer",
            ]
        )
        | (pl.col("category").is_in(catering) & (pl.col("risk_level") == "high"))
    )
    counts = (
        log.lazy()
        .join(wanted.select("unit"), on="unit", how="semi")
        .group_by("unit", pl.col("date").dt.year().cast(pl.Int32).alias("year"))
        .agg(
            pl.len().alias("inspections"),
            (pl.col("kind") == "system").sum().alias("system_inspections"),
        )
    )
    years = pl.LazyFrame({"year": [2023, 2024, 2025]}, schema={"year": pl.Int32}).with_columns(
        pl.date(pl.col("year"), 1, 1).alias("first_day"),
        pl.date(pl.col("year"), 12, 31).alias("last_day"),
    )
    yearly = (
        units.join(years, how="cross")
        .filter(
            (pl.col("registered").is_null() | (pl.col("registered") <= pl.col("last_day")))
            & (pl.col("closed").is_null() | (pl.col("closed") >= pl.col("first_day")))
        )
        .join(counts, on=["unit", "year"], how="left")
        .with_columns(pl.col("inspections").fill_null(0), pl.col("system_inspections").fill_null(0))
    )
    parts = []
    for rule, categories, extra, judged, each in POLARS_RULES:
        where = pl.col("category").is_in(list(categories))
        if extra == "high":
            where &= pl.col("risk_level") == "high"
        elif extra == "large":
            where &= pl.col("size") == "large"
        if len(judged) < 3:
            where &= pl.col("year").is_in(list(judged))
        meets = (
            pl.col("system_inspections") >= 1
            if each == "system"
            else pl.col("inspections") >= 1
            if each == "once"
            else pl.col("inspections") >= 2
            if each == "twice"
            else pl.col(each)
        )
        parts.append(
            yearly.filter(where).select(
                pl.lit(rule).alias("rule"), "year", "unit", "name", "district", meets.alias("meets")
            )
        )
    return pl.concat(parts).collect()


def python_objects(register: pa.Table, log: pa.Table) -> tuple[Register, InspectionLog]:
    """The records as the reference engine holds them (built directly, not read)."""
    flags = [register.column(f).to_pylist() for f in FLAGS]
    units = tuple(
        UnitRecord(
            unit,
            name,
            category,
            district,
            risk,
            size,
            registered,
            closed,
            frozenset(f for f, has in zip(FLAGS, row, strict=True) if has),
            number,
        )
        for number, (
            unit,
            name,
            district,
            category,
            risk,
            size,
            registered,
            closed,
            *row,
        ) in enumerate(
            zip(
                *(
                    register.column(c).to_pylist()
                    for c in (
                        "unit",
                        "name",
                        "district",
                        "category",
                        "risk_level",
                        "size",
                        "registered",
                        "closed",
                    )
                ),
                *flags,
                strict=True,
            ),
            start=1,
        )
    )
    inspections = tuple(
        Inspection(unit, date, kind, result, inspection, number)
        for number, (inspection, unit, date, kind, result) in enumerate(
            zip(
                *(
                    log.column(c).to_pylist()
                    for c in ("inspection", "unit", "date", "kind", "result")
                ),
                strict=True,
            ),
            start=1,
        )
    )
    return (
        Register("register", units, len(units)),
        InspectionLog("log", inspections, len(inspections)),
    )


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def python_peak(action: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def duckdb_peak(connection: Any, action: Callable[[], object], folder: Path) -> int:
    """DuckDB's peak buffer memory in the last query the action runs (qrules' last
    is its counting query), from DuckDB's profiler."""
    profile = folder / "profile.json"
    connection.execute("PRAGMA enable_profiling = 'json'")
    connection.execute(f"PRAGMA profiling_output = '{profile}'")
    try:
        action()
    finally:
        connection.execute("PRAGMA disable_profiling")
    peak: int = json.loads(profile.read_text())["system"]["peak_buffer_memory"]
    return peak


def agree(evaluation: qrules.Evaluation, hand: pa.Table) -> bool:
    """Whether qrules' counts and failing units are the hand-written query's."""
    rows: dict[tuple[str, int], list[tuple[str, bool]]] = {}
    for rule, year, unit, meets in zip(
        *(hand.column(c).to_pylist() for c in ("rule", "year", "unit", "meets")), strict=True
    ):
        rows.setdefault((rule, year), []).append((unit, meets))
    for result in evaluation:
        units = rows.get((result.rule.id, result.year), [])
        if result.population != len(units):
            return False
        meeting = sum(meets for _, meets in units)
        if result.meeting is not None and result.meeting != meeting:
            return False
        if result.verdict is Verdict.NOT_MET and sorted(
            u.unit for u in result.failing_units
        ) != sorted(u for u, m in units if not m):
            return False
    return True


def mib(size: int) -> str:
    return f"{size / 2**20:.1f} MiB"


def medians(
    first: Callable[[], object], second: Callable[[], object], repeat: int
) -> tuple[float, float]:
    """The median times of two actions, run alternately."""
    runs: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        runs[0].append(timed(first))
        runs[1].append(timed(second))
    return statistics.median(runs[0]), statistics.median(runs[1])


def time_check(folder: Path, repeat: int) -> str:
    """``qrules check`` on the Parquet files, with and without ``--decision-log``,
    interleaved: the line to print."""

    def check(*extra: str) -> None:
        code = main_cli(
            [
                "check",
                "yantai-2023-2025",
                "--register",
                str(folder / "register.parquet"),
                "--log",
                str(folder / "log.parquet"),
                "--engine",
                "duckdb",
                "--format",
                "json",
                "-o",
                str(folder / "out.json"),
                *extra,
            ]
        )
        if code not in (0, 1):
            raise SystemExit(f"qrules check failed with exit code {code}")

    plain, logged = medians(
        check, lambda: check("--decision-log", str(folder / "cli.jsonl")), repeat
    )
    return (
        f"decision log (qrules check --register/--log Parquet files on DuckDB): "
        f"{logged:.2f} s median with --decision-log; without: {plain:.2f} s; "
        f"ratio {logged / plain:.3f}"
    )


def proving_values(connection: Any) -> pa.Table:
    """The hand-written key check and proofs of the values, then the query."""
    if connection.execute(HAND_WRITTEN_PROOFS).fetchall() != [(0, 0, 0)]:
        raise SystemExit("the hand-written proofs fail on clean tables")
    return connection.sql(HAND_WRITTEN).to_arrow_table()


def _status(field: str) -> int:
    """A field of /proc/self/status in bytes (``VmRSS``: resident now; ``VmHWM``:
    the peak since the process began or its peak was reset)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise SystemExit(f"no {field} in /proc/self/status (peak RSS is measured on Linux)")


def _contender(contender: str, register: pa.Table, log: pa.Table) -> Callable[[], object]:
    """One contender, on its own copy of the tables (DuckDB tables in a new
    in-memory database, or polars DataFrames)."""
    if contender == "polars":
        import polars as pl  # noqa: PLC0415

        frames = (pl.from_arrow(register), pl.from_arrow(log))
        return lambda: polars_counts(*frames)
    connection = duckdb.connect()
    for name, table in (("register", register), ("log", log)):
        connection.register("staged", table)
        connection.execute(f"CREATE TABLE {name} AS SELECT * FROM staged")
        connection.unregister("staged")
    rulebook = qrules.load("yantai-2023-2025")
    actions: dict[str, Callable[[], object]] = {
        "qrules": lambda: evaluate_tables(
            rulebook, connection, register="register", log="log", check_keys=False
        ),
        "qrules keys": lambda: evaluate_tables(
            rulebook, connection, register="register", log="log"
        ),
        "hand": lambda: connection.sql(HAND_WRITTEN).to_arrow_table(),
        "hand keys": lambda: (
            connection.execute(HAND_WRITTEN_KEYS).fetchall(),
            connection.sql(HAND_WRITTEN).to_arrow_table(),
        ),
    }
    return actions[contender]


def child(contender: str, folder: Path) -> None:
    """Run one contender in this fresh process on the Parquet files in ``folder``
    and print the extra peak resident memory it took: its modules imported and
    its code run once on small tables of its own (so that neither counts), the
    tables loaded, then the peak reset (``/proc/self/clear_refs``) and the
    contender run once on them; extra = peak - resident before that run."""
    _contender(contender, *generate(200, 2000, 1))()
    action = _contender(
        contender, *(parquet.read_table(folder / f"{n}.parquet") for n in ("register", "log"))
    )
    before = _status("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")
    action()
    print(_status("VmHWM") - before)


def peak_rss(contender: str, folder: Path) -> int:
    """`child`'s extra peak resident memory for a contender, in a fresh process."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", contender, "--folder", str(folder)],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout.split()[-1])


def time_reference(
    rulebook: qrules.Rulebook,
    register: pa.Table,
    log: pa.Table,
    evaluation: qrules.Evaluation,
    ours: float,
    decisions: Path,
    repeat: int,
) -> None:
    """The reference engine on the records as Python objects, with and without a
    decision log: the lines to print."""
    objects = python_objects(register, log)

    def reference() -> qrules.Evaluation:
        return qrules.evaluate_records(rulebook, *objects)

    def reference_logged() -> qrules.Evaluation:
        return qrules.evaluate_records(rulebook, *objects, decision_log=decisions)

    reference_s, reference_logged_s = medians(reference, reference_logged, repeat)
    if [r.verdict for r in reference()] != [r.verdict for r in evaluation]:
        raise SystemExit("the reference engine and DuckDB disagree")
    print(
        f"reference engine (pure Python, records already in memory): "
        f"{reference_s:.2f} s median; ratio to qrules on DuckDB "
        f"{reference_s / ours:.0f}x; same verdicts: yes"
    )
    print(
        f"decision log (reference engine, digesting the rows in memory): "
        f"{reference_logged_s:.2f} s median; without: {reference_s:.2f} s; "
        f"ratio {reference_logged_s / reference_s:.3f}"
    )
    print(
        f"reference engine: Python heap {mib(python_peak(reference))} while "
        "judging (records already in memory)"
    )


def print_memory(folder: Path, with_polars: bool) -> None:
    """Each contender's extra peak resident memory (`child`), and the ratios."""
    contenders = [
        "qrules",
        "hand",
        "qrules keys",
        "hand keys",
        *(["polars"] if with_polars else []),
    ]
    extra = {name: peak_rss(name, folder) for name in contenders}
    print(
        "extra peak resident memory (a fresh process each, tables loaded, the first "
        "run on them): " + "; ".join(f"{name} {mib(size)}" for name, size in extra.items())
    )
    for ours_key, theirs_key in (
        ("qrules", "hand"),
        ("qrules keys", "hand keys"),
        *([("qrules", "polars")] if with_polars else []),
    ):
        print(f"  {ours_key} / {theirs_key}: {extra[ours_key] / max(extra[theirs_key], 1):.2f}")


#: The ratios printed: (what, qrules' action, the baseline's action).
COMPARED = (
    ("keys trusted (check_keys=False)", "qrules", "hand"),
    (
        "keys checked (the default), against the hand-written query and key check",
        "qrules keys",
        "hand keys",
    ),
    (
        "keys checked, against the hand-written query, key check and the same "
        "values proved by hand (for information: what qrules' proofs cost)",
        "qrules keys",
        "hand proofs",
    ),
    ("keys trusted, against polars (tables in memory)", "qrules", "polars"),
    (
        "keys trusted, against the hand-written query prepared once (as qrules "
        "prepares its counting query; for information: a script runs it as text)",
        "qrules",
        "hand prepared",
    ),
)


def time_interleaved(
    actions: dict[str, Callable[[], object]], repeat: int
) -> dict[str, list[float]]:
    """Each action's times and CPU times (every thread's: less moved by other
    processes on a shared machine), the actions run in turn in this process
    ``repeat`` times; the ratios of qrules to each baseline printed.

    Each round starts one action further along, so that no action always runs
    after the same other (one that leaves the caches cold or much memory to
    give back would slow the next every time). Printed for each pair: the
    median times and their ratio; the median of the ratios round by round
    ("paired": both ran within the same round, so a load that comes and goes
    on the machine moves both, and this ratio least); and the median CPU
    times' ratio. Every contender does the same work on the same tables
    through the same connection, and its results were checked equal to
    qrules' before anything was timed."""
    names = list(actions)
    times: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(repeat):
        at = round_ % len(names)
        for name in names[at:] + names[:at]:
            start = time.process_time()
            times[name].append(timed(actions[name]))
            cpu[name].append(time.process_time() - start)
    for label, ours_key, theirs_key in COMPARED:
        if theirs_key not in actions:
            continue
        ours, theirs = (statistics.median(times[k]) for k in (ours_key, theirs_key))
        ours_cpu, theirs_cpu = (statistics.median(cpu[k]) for k in (ours_key, theirs_key))
        paired = statistics.median(
            a / b for a, b in zip(times[ours_key], times[theirs_key], strict=True)
        )
        who = "polars" if theirs_key == "polars" else "hand-written DuckDB"
        print(
            f"{label}: qrules on DuckDB: {ours * 1000:.1f} ms median (min "
            f"{min(times[ours_key]) * 1000:.1f}); {who}: "
            f"{theirs * 1000:.1f} ms median (min {min(times[theirs_key]) * 1000:.1f}); "
            f"ratio {ours / theirs:.2f}, paired {paired:.2f}; CPU {ours_cpu * 1000:.1f} ms / "
            f"{theirs_cpu * 1000:.1f} ms, ratio {ours_cpu / theirs_cpu:.2f}"
        )
    return times


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--inspections", type=int, default=1_000_000)
    parser.add_argument(
        "--repeat", type=int, default=15, help="rounds of the contenders in turn (medians)"
    )
    parser.add_argument(
        "--reference-repeat",
        type=int,
        default=3,
        help="runs of the reference engine (0: skip it, as at 1M/10M)",
    )
    parser.add_argument(
        "--cli-repeat",
        type=int,
        default=3,
        help="runs of qrules check on the Parquet files, with and without --decision-log",
    )
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument(
        "--no-polars",
        action="store_true",
        help="skip the polars baseline (pip install 'qrules-plan[bench]')",
    )
    parser.add_argument(
        "--no-memory",
        action="store_true",
        help="skip the peak resident memory of each, in fresh processes",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    return parser.parse_args()


def main() -> None:
    args = arguments()
    if args.child:
        child(args.child, Path(args.folder))
        return

    start = time.perf_counter()
    register, log = generate(args.units, args.inspections, args.seed)
    with tempfile.TemporaryDirectory(prefix="qrules-bench-") as temp:
        folder = Path(temp)
        for name, table in (("register", register), ("log", log)):
            parquet.write_table(table, folder / f"{name}.parquet")
        connection = duckdb.connect()
        for name in ("register", "log"):
            connection.execute(
                f"CREATE TABLE {name} AS SELECT * FROM read_parquet('{folder / name}.parquet')"
            )
        print(
            f"generated {args.units:,} units and {args.inspections:,} "
            f"inspections (2023-2025), wrote Parquet and loaded it into DuckDB in "
            f"{time.perf_counter() - start:.1f} s"
        )

        rulebook = qrules.load("yantai-2023-2025")
        rules = [r for r in rulebook if r.records is not None]

        def with_qrules() -> qrules.Evaluation:
            return evaluate_tables(
                rulebook, connection, register="register", log="log", check_keys=False
            )

        def hand_written() -> pa.Table:
            return connection.sql(HAND_WRITTEN).to_arrow_table()

        def with_qrules_checking_keys() -> qrules.Evaluation:
            return evaluate_tables(rulebook, connection, register="register", log="log")

        def hand_written_checking_keys() -> pa.Table:
            connection.execute(HAND_WRITTEN_KEYS).fetchall()
            return connection.sql(HAND_WRITTEN).to_arrow_table()

        # The hand-written query as a statement prepared once, as qrules prepares
        # its counting query (for information: the ratio is to the query as text).
        connection.execute(f"PREPARE bench_hand AS {HAND_WRITTEN}")

        def hand_prepared() -> pa.Table:
            return connection.sql("EXECUTE bench_hand").to_arrow_table()

        evaluation, hand = with_qrules(), hand_written()  # warm up, and check they agree
        if not agree(evaluation, hand) or not agree(evaluation, hand_prepared()):
            raise SystemExit("qrules and the hand-written query disagree: nothing to time")
        if list(with_qrules_checking_keys()) != list(evaluation):
            raise SystemExit("qrules gives other results when it checks the keys: nothing to time")
        frames: tuple[Any, Any] | None = None
        if not args.no_polars:
            import polars as pl  # noqa: PLC0415 (the bench extra)

            frames = (pl.from_arrow(register), pl.from_arrow(log))
            if not agree(evaluation, polars_counts(*frames).to_arrow()):
                raise SystemExit("qrules and the polars baseline disagree: nothing to time")
        print(
            f"{len(rules)} record-level rules, {len(evaluation)} results, "
            f"{sum(len(r.failing_units) for r in evaluation):,} failing units listed; "
            f"hand-written rows: {hand.num_rows:,}; same counts and failing units: yes"
            f"{'' if frames is None else ' (polars: yes)'}"
        )
        decisions = folder / "decisions.jsonl"

        def with_qrules_logged() -> qrules.Evaluation:
            return evaluate_tables(
                rulebook,
                connection,
                register="register",
                log="log",
                check_keys=False,
                decision_log=decisions,
            )

        actions: dict[str, Callable[[], object]] = {
            "qrules": with_qrules,
            "hand": hand_written,
            "qrules keys": with_qrules_checking_keys,
            "hand keys": hand_written_checking_keys,
            "hand proofs": lambda: proving_values(connection),
            "qrules logged": with_qrules_logged,
            "hand prepared": hand_prepared,
        }
        if frames is not None:
            polars_frames = frames
            actions["polars"] = lambda: polars_counts(*polars_frames)
        times = time_interleaved(actions, args.repeat)
        ours = statistics.median(times["qrules"])
        logged = statistics.median(times["qrules logged"])
        print(
            f"decision log (keys trusted): qrules on DuckDB with decision_log=: "
            f"{logged * 1000:.1f} ms median; without: {ours * 1000:.1f} ms; "
            f"ratio {logged / ours:.3f}"
        )

        if args.reference_repeat:
            time_reference(
                rulebook, register, log, evaluation, ours, decisions, args.reference_repeat
            )

        if args.cli_repeat:
            print(time_check(folder, args.cli_repeat))

        print(
            "peak memory in the call: qrules on DuckDB: Python heap "
            f"{mib(python_peak(with_qrules))}, DuckDB "
            f"{mib(duckdb_peak(connection, with_qrules, folder))}; hand-written: Python heap "
            f"{mib(python_peak(hand_written))}, DuckDB "
            f"{mib(duckdb_peak(connection, hand_written, folder))}"
        )
        if not args.no_memory:
            print_memory(folder, frames is not None)
        print(f"date {dt.date.today()}, DuckDB {duckdb.__version__}, qrules {qrules.__version__}")


if __name__ == "__main__":
    main()
