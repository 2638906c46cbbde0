"""Spark SQL gives the reference engine's results (opt-in: QRULES_SPARK=1).

Runs the query emitted in Spark's dialect through a local SparkSession
(``pip install 'qrules-plan[spark]'``; Java 17). Spark is big and slow to start, so
this test runs only when asked for; ``docs/engines.md`` says how.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

import qrules
from qrules.engines import evaluate_tables

from .conftest import SAMPLES

pytestmark = pytest.mark.skipif(os.environ.get("QRULES_SPARK") != "1",
                                reason="Spark runs only when asked for: QRULES_SPARK=1")



@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    sql = pytest.importorskip("pyspark.sql")
    session = (sql.SparkSession.builder.master("local[2]").appName("qrules-tests")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "2").getOrCreate())
    try:
        yield session
    finally:
        session.stop()


def test_spark_gives_the_reference_results(spark: Any) -> None:
    yantai = qrules.load("yantai-2023-2025")
    register = qrules.read_register(SAMPLES / "register.csv")
    log = qrules.read_log(SAMPLES / "inspections.csv", register)
    for by_district in (False, True):
        expected = qrules.evaluate_records(yantai, register, log, by_district=by_district)
        found = qrules.evaluate_records(yantai, register, log, by_district=by_district,
                                        engine="spark", connection=spark)
        assert list(found) == list(expected)


def test_spark_tables_are_judged_where_they_are(spark: Any) -> None:
    yantai = qrules.load("yantai-2023-2025")
    register = qrules.read_register(SAMPLES / "register.csv")
    log = qrules.read_log(SAMPLES / "inspections.csv", register)
    (spark.read.option("header", True).option("dateFormat", "yyyy-MM-dd")
     .schema("unit STRING, name STRING, district STRING, category STRING, risk_level STRING, "
             "size STRING, registered DATE, closed DATE, bright_kitchen STRING, "
             "internet_bright_kitchen STRING, grid_supervision STRING")
     .csv(str(SAMPLES / "register.csv")).createOrReplaceTempView("register"))
    (spark.read.option("header", True)
     .schema("inspection STRING, unit STRING, date DATE, kind STRING, result STRING")
     .csv(str(SAMPLES / "inspections.csv")).createOrReplaceTempView("inspections"))
    found = evaluate_tables(yantai, spark, by_district=True)
    assert list(found) == list(qrules.evaluate_records(yantai, register, log, by_district=True))


def test_spark_bounds_the_counts_with_the_rows_it_rejects(spark: Any) -> None:
    """Issue 11 on Spark: a text date that does not parse and a flag that is
    neither yes nor no, in tables judged in place, reject their rows as the
    readers do, and the results they could change are unknown."""
    yantai = qrules.load("yantai-2023-2025")
    units = [{"unit": "IF01", "category": "infant_formula_maker", "registered": "2020-01-01",
              "internet_bright_kitchen": None},
             {"unit": "IF02", "category": "infant_formula_maker", "registered": "2020-02-30",
              "internet_bright_kitchen": None},
             {"unit": "K1", "category": "central_kitchen", "registered": None,
              "internet_bright_kitchen": "是"},
             {"unit": "K2", "category": "central_kitchen", "registered": None,
              "internet_bright_kitchen": "接入中"}]
    visits = [{"unit": "IF01", "date": "2024-05-01", "kind": "system"},
              {"unit": "IF01", "date": "2024-12-31 14:30:00", "kind": "system"}]
    spark.createDataFrame(
        [tuple(u.values()) for u in units],
        "unit STRING, category STRING, registered STRING, internet_bright_kitchen STRING",
    ).createOrReplaceTempView("doubt_register")
    spark.createDataFrame([("IF01", "2024-05-01 09:00:00")], "unit STRING, date STRING") \
        .selectExpr("unit", "CAST(date AS TIMESTAMP) AS date", "'system' AS kind") \
        .createOrReplaceTempView("doubt_log")
    options: dict[str, Any] = {"log_from": "2024-01-01", "log_until": "2024-12-31"}
    found = evaluate_tables(yantai, spark, register="doubt_register", log="doubt_log",
                            **options)
    register = qrules.read_register(units)
    expected = qrules.evaluate_records(yantai, register, qrules.read_log(visits[:1], register),
                                       **options)
    shown = {(r.rule.id, r.year): (r.verdict, r.rejected_rows) for r in found}
    assert shown == {(r.rule.id, r.year): (r.verdict, r.rejected_rows) for r in expected}
    assert shown[("infant-formula-makers-system-inspected-yearly", 2024)] == (
        qrules.Verdict.UNKNOWN, (("register", 2),))
    assert shown[("central-kitchens-in-internet-bright-kitchen", 2024)][0] \
        is qrules.Verdict.UNKNOWN
