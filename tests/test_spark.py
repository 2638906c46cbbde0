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
