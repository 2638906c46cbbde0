"""Spark SQL gives the reference engine's results (opt-in: QRULES_SPARK=1).

Runs the query emitted in Spark's dialect through a local SparkSession
(``pip install 'qrules-plan[spark]'``; Java 17). Spark is big and slow to start, so
this test runs only when asked for; ``docs/engines.md`` says how.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import qrules
from qrules.engines import evaluate_tables

from .conftest import ROOT, SAMPLES, assert_stored_failures, spark_session

pytestmark = pytest.mark.skipif(
    os.environ.get("QRULES_SPARK") != "1", reason="Spark runs only when asked for: QRULES_SPARK=1"
)


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with spark_session(tmp_path_factory.mktemp("warehouse"), "qrules-tests") as session:
        yield session


def test_spark_gives_the_reference_results(spark: Any) -> None:
    yantai = qrules.load("yantai-2023-2025")
    register = qrules.read_register(SAMPLES / "register.csv")
    log = qrules.read_log(SAMPLES / "inspections.csv", register)
    for by_district in (False, True):
        expected = qrules.evaluate_records(yantai, register, log, by_district=by_district)
        found = qrules.evaluate_records(
            yantai, register, log, by_district=by_district, engine="spark", connection=spark
        )
        assert list(found) == list(expected)


def _sample_views(spark: Any, register: str, log: str) -> None:
    """The shipped sample's register and log as Spark reads the CSV files, typed."""
    (
        spark.read.option("header", True)
        .option("dateFormat", "yyyy-MM-dd")
        .schema(
            "unit STRING, name STRING, district STRING, category STRING, risk_level STRING, "
            "size STRING, registered DATE, closed DATE, bright_kitchen STRING, "
            "internet_bright_kitchen STRING, grid_supervision STRING"
        )
        .csv(str(SAMPLES / "register.csv"))
        .createOrReplaceTempView(register)
    )
    (
        spark.read.option("header", True)
        .schema("inspection STRING, unit STRING, date DATE, kind STRING, result STRING")
        .csv(str(SAMPLES / "inspections.csv"))
        .createOrReplaceTempView(log)
    )


def test_spark_tables_are_judged_where_they_are(spark: Any) -> None:
    yantai = qrules.load("yantai-2023-2025")
    register = qrules.read_register(SAMPLES / "register.csv")
    log = qrules.read_log(SAMPLES / "inspections.csv", register)
    _sample_views(spark, "register", "inspections")
    found = evaluate_tables(yantai, spark, by_district=True)
    assert list(found) == list(qrules.evaluate_records(yantai, register, log, by_district=True))


def _high_risk_tables(
    spark: Any,
    name: str,
    register: str,
    log: str,
    units: list[tuple[Any, ...]],
    visits: list[tuple[Any, ...]],
) -> None:
    spark.createDataFrame(units, register).createOrReplaceTempView(f"{name}_register")
    spark.createDataFrame(visits, log).createOrReplaceTempView(f"{name}_log")


TWICE = "high-risk-catering-units-inspected-twice-yearly"


def _twice(evaluation: qrules.Evaluation, year: int) -> qrules.Result:
    [found] = [
        r for r in evaluation if r.rule.id == TWICE and r.year == year and r.district is None
    ]
    return found


def test_a_timestamp_log_is_read_by_its_dates(spark: Any) -> None:
    """Issue 18's reproduction: an inspection on 31 December at 14:30 counts in
    its year (a TIMESTAMP_NTZ, Spark's timestamp without a time zone, is read
    as its date), as the reference engine reads it."""
    import datetime as dt  # noqa: PLC0415

    _high_risk_tables(
        spark,
        "stamped",
        "unit STRING, category STRING, risk_level STRING",
        "unit STRING, date TIMESTAMP_NTZ",
        [("U1", "catering", "high")],
        [
            ("U1", dt.datetime(2024, 6, 1, 9)),
            ("U1", dt.datetime(2024, 12, 31, 14, 30)),
            ("U1", dt.datetime(2023, 12, 31, 23, 59)),
        ],
    )
    yantai = qrules.load("yantai-2023-2025")
    found = evaluate_tables(
        yantai, spark, register="stamped_register", log="stamped_log", log_until="2024-12-31"
    )
    assert _twice(found, 2024).verdict is qrules.Verdict.MET
    register = qrules.read_register([{"unit": "U1", "category": "catering", "risk_level": "high"}])
    log = qrules.read_log(
        [{"unit": "U1", "date": d} for d in ("2024-06-01", "2024-12-31", "2023-12-31")], register
    )
    expected = qrules.evaluate_records(yantai, register, log, log_until="2024-12-31")
    assert [(r.rule.id, r.year, r.verdict, r.meeting, r.population) for r in found] == [
        (r.rule.id, r.year, r.verdict, r.meeting, r.population) for r in expected
    ]
    # Without log_until, the log's reach is its last date (a date, not a timestamp).
    assert (
        _twice(
            evaluate_tables(yantai, spark, register="stamped_register", log="stamped_log"), 2024
        ).verdict
        is qrules.Verdict.MET
    )


def test_a_timestamp_with_a_time_zone_is_refused_naming_the_view(spark: Any) -> None:
    """Spark's TIMESTAMP (TIMESTAMP_LTZ) is an instant whose day is the
    session's time zone's, as DuckDB's and PostgreSQL's TIMESTAMPTZ
    (tests/test_zoned_dates.py): refused; the view the hint names reads the
    day in the zone it names, whatever the session's."""
    import datetime as dt  # noqa: PLC0415

    _high_risk_tables(
        spark,
        "zoned",
        "unit STRING, category STRING, risk_level STRING",
        "unit STRING, date TIMESTAMP",
        [("U1", "catering", "high")],
        [("U1", dt.datetime(2024, 1, 1, 7, 30)), ("U1", dt.datetime(2024, 6, 1, 9))],
    )
    yantai = qrules.load("yantai-2023-2025")
    with pytest.raises(qrules.DataError) as raised:
        evaluate_tables(yantai, spark, register="zoned_register", log="zoned_log")
    [problem] = raised.value.problems
    assert "is a timestamp with a time zone, whose day depends on" in problem.message
    cast = "CAST(convert_timezone('Asia/Shanghai', `date`) AS DATE)"
    assert cast in (problem.hint or "")
    zone = spark.conf.get("spark.sql.session.timeZone")
    shanghai = ZoneInfo("Asia/Shanghai")
    try:  # 2024-01-01 07:30 in Shanghai, seen from UTC: still 2024-01-01 there
        spark.createDataFrame(
            [
                ("U1", dt.datetime(2024, 1, 1, 7, 30, tzinfo=shanghai)),
                ("U1", dt.datetime(2024, 6, 1, 9, tzinfo=shanghai)),
            ],
            "unit STRING, date TIMESTAMP",
        ).createOrReplaceTempView("zoned_log")
        spark.conf.set("spark.sql.session.timeZone", "UTC")
        # (What a plain cast reads: the day in the session's zone.)
        [plain] = spark.sql("SELECT min(CAST(date AS DATE)) FROM zoned_log").collect()
        assert plain[0] == dt.date(2023, 12, 31)
        spark.sql(f"SELECT unit, {cast} AS date FROM zoned_log").createOrReplaceTempView(
            "zoned_view"
        )
        days = sorted(r[0] for r in spark.sql("SELECT date FROM zoned_view").collect())
        assert days == [dt.date(2024, 1, 1), dt.date(2024, 6, 1)]
        found = evaluate_tables(
            yantai,
            spark,
            register="zoned_register",
            log="zoned_view",
            log_from="2024-01-01",
            log_until="2024-12-31",
        )
        assert _twice(found, 2024).verdict is qrules.Verdict.MET
    finally:
        spark.conf.set("spark.sql.session.timeZone", zone)


def test_an_integer_date_is_refused_naming_the_cast(spark: Any) -> None:
    _high_risk_tables(
        spark,
        "numbered",
        "unit STRING, category STRING, risk_level STRING, registered INT",
        "unit STRING, date DATE",
        [("U1", "catering", "high", 20200101)],
        [],
    )
    with pytest.raises(qrules.DataError) as raised:
        evaluate_tables(
            qrules.load("yantai-2023-2025"), spark, register="numbered_register", log="numbered_log"
        )
    message = str(raised.value)
    assert "registered" in message
    assert "INTEGER" in message
    assert "date_add(DATE '1899-12-30', CAST(`registered` AS INT))" in message
    assert len(message.splitlines()) <= 3


def test_integer_codes_and_unit_ids_are_read_as_text(spark: Any) -> None:
    """Integer unit ids in the log against text ones in the register, and integer
    category and risk codes with a mapping: judged as the reference engine
    judges the same values written as text."""
    import datetime as dt  # noqa: PLC0415

    _high_risk_tables(
        spark,
        "coded",
        "unit STRING, category INT, risk_level INT",
        "unit BIGINT, date DATE",
        [("7", 1, 3), ("8", 1, 1)],
        [(7, dt.date(2024, 3, 1)), (7, dt.date(2024, 4, 1)), (8, dt.date(2024, 1, 1))],
    )  # the log covers 2024 from its start
    mapping = {
        "register": {
            "codes": {"category": {"1": "catering"}, "risk_level": {"3": "high", "1": "low"}}
        }
    }
    yantai = qrules.load("yantai-2023-2025")
    found = evaluate_tables(
        yantai,
        spark,
        register="coded_register",
        log="coded_log",
        mapping=mapping,
        log_until="2024-12-31",
    )
    assert (_twice(found, 2024).verdict, _twice(found, 2024).population) == (qrules.Verdict.MET, 1)


def test_a_text_date_in_the_register_is_parsed_or_rejected(spark: Any) -> None:
    """``2020/1/1`` (Spark 3.5's non-ANSI cast makes it NULL): never a unit left
    out silently; the row is read as the readers read it, or counted as
    rejected, and the results it could change are unknown."""
    import datetime as dt  # noqa: PLC0415

    _high_risk_tables(
        spark,
        "texted",
        "unit STRING, category STRING, risk_level STRING, registered STRING",
        "unit STRING, date DATE",
        [("U1", "catering", "high", "2020/1/1"), ("U2", "catering", "high", "2020-01-01")],
        [
            ("U1", dt.date(2024, 3, 1)),
            ("U1", dt.date(2024, 4, 1)),
            ("U2", dt.date(2024, 3, 1)),
            ("U2", dt.date(2024, 4, 1)),
        ],
    )
    yantai = qrules.load("yantai-2023-2025")
    found = _twice(
        evaluate_tables(
            yantai, spark, register="texted_register", log="texted_log", log_until="2024-12-31"
        ),
        2024,
    )
    assert found.population >= 1
    assert found.verdict is qrules.Verdict.MET or (
        found.verdict is qrules.Verdict.UNKNOWN and found.rejected_rows
    )


def test_catalog_schema_table_names(spark: Any) -> None:
    yantai = qrules.load("yantai-2023-2025")
    register = qrules.read_register(SAMPLES / "register.csv")
    log = qrules.read_log(SAMPLES / "inspections.csv", register)
    spark.sql("CREATE DATABASE IF NOT EXISTS office")
    (
        spark.read.option("header", True)
        .schema(
            "unit STRING, name STRING, district STRING, category STRING, risk_level STRING, "
            "size STRING, registered DATE, closed DATE, bright_kitchen STRING, "
            "internet_bright_kitchen STRING, grid_supervision STRING"
        )
        .csv(str(SAMPLES / "register.csv"))
        .write.mode("overwrite")
        .saveAsTable("spark_catalog.office.register")
    )
    (
        spark.read.option("header", True)
        .schema("inspection STRING, unit STRING, date DATE, kind STRING, result STRING")
        .csv(str(SAMPLES / "inspections.csv"))
        .write.mode("overwrite")
        .saveAsTable("spark_catalog.office.inspections")
    )
    found = evaluate_tables(
        yantai,
        spark,
        register="spark_catalog.office.register",
        log="spark_catalog.office.inspections",
        by_district=True,
    )
    assert list(found) == list(qrules.evaluate_records(yantai, register, log, by_district=True))


def test_spark_errors_are_one_or_two_lines(spark: Any) -> None:
    yantai = qrules.load("yantai-2023-2025")
    with pytest.raises(qrules.DataError) as raised:
        evaluate_tables(yantai, spark, register="no_such_register", log="no_such_log")
    message = str(raised.value)
    assert "Spark: the database has no table 'no_such_register'" in message
    assert "TABLE_OR_VIEW_NOT_FOUND" not in message  # (the driver's words, English only)
    assert "数据库中没有表 'no_such_register'" in raised.value.render("zh")
    assert len(message.splitlines()) <= 3
    assert "Project" not in message
    assert "Relation" not in message
    with pytest.raises(qrules.QRulesError, match="needs a SparkSession, not a SparkContext"):
        evaluate_tables(yantai, spark.sparkContext, engine="spark")
    register = qrules.read_register(SAMPLES / "register.csv")
    with pytest.raises(qrules.QRulesError, match="needs a SparkSession, not a SparkContext"):
        qrules.evaluate_records(
            yantai, register, None, engine="spark", connection=spark.sparkContext
        )


def test_a_spark_error_in_a_query_is_one_line_and_keeps_the_plan_in_the_chain(spark: Any) -> None:
    from qrules._boundary import outside  # noqa: PLC0415

    with pytest.raises(qrules.DataError) as raised, outside("<spark connection>"):
        spark.sql("SELECT missing FROM VALUES (1) AS t(present)").collect()
    message = str(raised.value)
    assert "Spark: the table has no column 'missing'" in message  # (UNRESOLVED_COLUMN)
    assert "UNRESOLVED_COLUMN" not in message
    assert "mapping" in message
    assert "没有 qrules 读取的列 'missing'" in raised.value.render("zh")
    assert len(message.splitlines()) <= 3
    assert "Project" not in message
    assert "Project" in str(raised.value.__context__)  # the plan, for whoever digs


def test_the_counting_query_is_streamed_not_collected(
    spark: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The counting query's rows come with ``toLocalIterator`` (a partition at a
    time), never one ``collect()``: a large failing set does not meet
    ``spark.driver.maxResultSize``."""
    from qrules.engines.spark import Spark  # noqa: PLC0415

    fetch = Spark.fetch

    def refused(self: Spark, text: str, **kwargs: Any) -> Any:
        assert "qrules_members" not in text, "the counting query was collected"
        return fetch(self, text, **kwargs)

    monkeypatch.setattr(Spark, "fetch", refused)
    yantai = qrules.load("yantai-2023-2025")
    register = qrules.read_register(SAMPLES / "register.csv")
    log = qrules.read_log(SAMPLES / "inspections.csv", register)
    found = qrules.evaluate_records(
        yantai, register, log, by_district=True, engine="spark", connection=spark
    )
    assert list(found) == list(qrules.evaluate_records(yantai, register, log, by_district=True))


def test_failing_units_written_to_a_table(spark: Any) -> None:
    import attrs  # noqa: PLC0415

    yantai = qrules.load("yantai-2023-2025")
    register = qrules.read_register(SAMPLES / "register.csv")
    log = qrules.read_log(SAMPLES / "inspections.csv", register)
    _sample_views(spark, "stored_register", "stored_log")
    spark.sql("CREATE DATABASE IF NOT EXISTS checks")
    spark.sql("DROP TABLE IF EXISTS spark_catalog.checks.failing")
    found = evaluate_tables(
        yantai,
        spark,
        register="stored_register",
        log="stored_log",
        failing_units_to="spark_catalog.checks.failing",
    )
    expected = qrules.evaluate_records(yantai, register, log)
    assert list(found) == [attrs.evolve(r, failing_units=()) for r in expected]
    written = sorted(
        tuple(row)
        for row in spark.sql(
            "SELECT rule, year, unit, name, district FROM spark_catalog.checks.failing"
        ).collect()
    )
    assert_stored_failures(written, expected)


def test_records_are_sent_to_spark_as_arrow(spark: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Records read by qrules go to Spark as Arrow record batches (pyspark 4),
    not as Python rows, which a large log would make the JVM hold as objects."""
    pa = pytest.importorskip("pyarrow")
    sent: list[type] = []
    create = spark.createDataFrame

    def spied(data: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(type(data))
        return create(data, *args, **kwargs)

    monkeypatch.setattr(spark, "createDataFrame", spied)
    yantai = qrules.load("yantai-2023-2025")
    register = qrules.read_register(SAMPLES / "register.csv")
    log = qrules.read_log(SAMPLES / "inspections.csv", register)
    found = qrules.evaluate_records(yantai, register, log, engine="spark", connection=spark)
    assert list(found) == list(qrules.evaluate_records(yantai, register, log))
    assert sent == [pa.Table, pa.Table]


def test_spark_bounds_the_counts_with_the_rows_it_rejects(spark: Any) -> None:
    """Issue 11 on Spark: a text date that does not parse and a flag that is
    neither yes nor no, in tables judged in place, reject their rows as the
    readers do, and the results they could change are unknown."""
    yantai = qrules.load("yantai-2023-2025")
    units = [
        {
            "unit": "IF01",
            "category": "infant_formula_maker",
            "registered": "2020-01-01",
            "internet_bright_kitchen": None,
        },
        {
            "unit": "IF02",
            "category": "infant_formula_maker",
            "registered": "2020-02-30",
            "internet_bright_kitchen": None,
        },
        {
            "unit": "K1",
            "category": "central_kitchen",
            "registered": None,
            "internet_bright_kitchen": "是",
        },
        {
            "unit": "K2",
            "category": "central_kitchen",
            "registered": None,
            "internet_bright_kitchen": "接入中",
        },
    ]
    visits = [
        {"unit": "IF01", "date": "2024-05-01", "kind": "system"},
        {"unit": "IF01", "date": "2024-12-31 14:30:00", "kind": "system"},
    ]
    spark.createDataFrame(
        [tuple(u.values()) for u in units],
        "unit STRING, category STRING, registered STRING, internet_bright_kitchen STRING",
    ).createOrReplaceTempView("doubt_register")
    spark.createDataFrame([("IF01", "2024-05-01 09:00:00")], "unit STRING, date STRING").selectExpr(
        "unit", "CAST(date AS TIMESTAMP_NTZ) AS date", "'system' AS kind"
    ).createOrReplaceTempView("doubt_log")
    options: dict[str, Any] = {"log_from": "2024-01-01", "log_until": "2024-12-31"}
    found = evaluate_tables(yantai, spark, register="doubt_register", log="doubt_log", **options)
    register = qrules.read_register(units)
    expected = qrules.evaluate_records(
        yantai, register, qrules.read_log(visits[:1], register), **options
    )
    shown = {(r.rule.id, r.year): (r.verdict, r.rejected_rows) for r in found}
    assert shown == {(r.rule.id, r.year): (r.verdict, r.rejected_rows) for r in expected}
    assert shown[("infant-formula-makers-system-inspected-yearly", 2024)] == (
        qrules.Verdict.UNKNOWN,
        (("register", 2),),
    )
    assert shown[("central-kitchens-in-internet-bright-kitchen", 2024)][0] is qrules.Verdict.UNKNOWN


def _executed_log_scans(spark: Any, text: str) -> int:
    """The scans of the log (a Parquet file with a ``date`` column) that a query's
    plan runs: ``FileScan`` nodes, not counting those printed under an
    ``InMemoryRelation`` (a cached relation's plan, run once when it was cached)."""
    plan = str(spark.sql(text)._jdf.queryExecution().executedPlan().toString())
    found, cached = 0, None
    for line in plan.splitlines():
        depth = len(line) - len(line.lstrip(" :+-|"))
        if cached is not None and depth > cached:
            continue
        cached = depth if "InMemoryRelation" in line else None
        found += "FileScan" in line and "date#" in line
    return found


def test_the_log_is_scanned_once_for_counting(
    spark: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 18: the members (and so the log's counts) are cached once, then
    every rule, year, district and failing unit is read from the cache: one
    scan of the log for counting, where each ``UNION ALL`` branch scanned it."""
    import duckdb  # noqa: PLC0415
    from pyarrow import parquet  # noqa: PLC0415

    from qrules.engines.spark import Spark  # noqa: PLC0415

    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    from bench_records import generate  # noqa: PLC0415

    register, log = generate(500, 5000, 7)
    for name, table in (("scans_register", register), ("scans_log", log)):
        parquet.write_table(table, tmp_path / f"{name}.parquet")
        spark.read.parquet(str(tmp_path / f"{name}.parquet")).createOrReplaceTempView(name)
    scans: list[tuple[str, int]] = []
    execute, stream = Spark.execute, Spark.stream

    def executed(self: Spark, text: str) -> None:
        if text.startswith("CACHE TABLE"):
            scans.append(("cache", _executed_log_scans(spark, text.split(" AS ", 1)[1])))
        execute(self, text)

    def streamed(self: Spark, text: str) -> Any:
        scans.append(("count", _executed_log_scans(spark, text)))
        return stream(self, text)

    monkeypatch.setattr(Spark, "execute", executed)
    monkeypatch.setattr(Spark, "stream", streamed)
    yantai = qrules.load("yantai-2023-2025")
    found = evaluate_tables(
        yantai,
        spark,
        register="scans_register",
        log="scans_log",
        by_district=True,
        log_until="2025-12-31",
    )
    assert scans == [("cache", 1), ("count", 0)]
    assert not [t for t in spark.catalog.listTables() if t.name.startswith("qrules_")]
    connection = duckdb.connect()
    connection.register("scans_register", register)
    connection.register("scans_log", log)
    assert list(found) == list(
        evaluate_tables(
            yantai,
            connection,
            register="scans_register",
            log="scans_log",
            by_district=True,
            log_until="2025-12-31",
        )
    )


def test_spark_finds_ids_and_codes_spelled_otherwise(spark: Any) -> None:
    """Issue 11's "one reading of every value": a unit id with a space after it
    and a full-width category are rows a reader reads otherwise; Spark (Java's
    regular expressions) finds them as DuckDB and PostgreSQL do, and the
    results they could change are unknown, naming them. Chinese ids and a
    middle dot, which NFKC leaves as they are, stay counted."""
    yantai = qrules.load("yantai-2023-2025")
    units = [
        ("IF01", "infant_formula_maker"),
        ("单位·2", "infant_formula_maker"),
        ("IF03", "ｉｎｆａｎｔ_formula_maker"),
    ]
    spark.createDataFrame(units, "unit STRING, category STRING").createOrReplaceTempView(
        "spelled_register"
    )
    spark.createDataFrame(
        [("IF01 ", "2024-05-01"), ("单位·2", "2024-06-01")], "unit STRING, date STRING"
    ).selectExpr("unit", "CAST(date AS DATE) AS date", "'system' AS kind").createOrReplaceTempView(
        "spelled_log"
    )
    [found] = evaluate_tables(
        yantai,
        spark,
        register="spelled_register",
        log="spelled_log",
        rules=[yantai["infant-formula-makers-system-inspected-yearly"]],
        log_from="2024-01-01",
        log_until="2024-12-31",
    )
    assert found.verdict is qrules.Verdict.UNKNOWN
    assert found.rejected_rows == (("log", 1), ("register", 3))


def test_spark_rejects_excel_error_values_written_as_text(spark: Any) -> None:
    """Excel's error values as text (session 14, helper errortext): IF02's
    category ``#REF!`` (its unit was out of the population: met), a log row
    whose unit is ``#n/a`` (a unit the register lacks) and IF03's name
    ``＃N/A`` are rows the readers reject; Spark's SQL finds them as DuckDB's
    and PostgreSQL's do, and the result is unknown, naming them."""
    yantai = qrules.load("yantai-2023-2025")
    units = [
        ("IF01", "a", "infant_formula_maker"),
        ("IF02", "b", "#REF!"),
        ("IF03", "＃N/A", "infant_formula_maker"),
    ]
    spark.createDataFrame(units, "unit STRING, name STRING, category STRING")\
        .createOrReplaceTempView("erred_register")  # fmt: skip
    spark.createDataFrame(
        [("IF01", "2024-05-01"), ("#n/a", "2024-06-01"), ("IF03", "2024-06-01")],
        "unit STRING, date STRING",
    ).selectExpr("unit", "CAST(date AS DATE) AS date", "'system' AS kind").createOrReplaceTempView(
        "erred_log"
    )
    evaluation = evaluate_tables(
        yantai,
        spark,
        register="erred_register",
        log="erred_log",
        rules=[yantai["infant-formula-makers-system-inspected-yearly"]],
        log_from="2024-01-01",
        log_until="2024-12-31",
    )
    [found] = evaluation
    assert found.verdict is qrules.Verdict.UNKNOWN
    assert found.rejected_rows == (("register", 2), ("register", 3))
    said = [str(p).partition(":")[0] for r in evaluation.records for p in r.problems]
    assert said[:3] == [
        "erred_register, row 2, column 'category'",
        "erred_register, row 3, column 'name'",
        "erred_log, row 2, column 'unit'",
    ]


def test_a_collated_string_column_is_refused(spark: Any) -> None:
    """Spark 4's collations: a log unit ``STRING COLLATE UTF8_LCASE`` would join
    ``if01`` with register unit ``IF01`` (a reader rejects the row): refused,
    naming the column and its collation; ``UTF8_BINARY`` is read as it is."""
    if not hasattr(importlib.import_module("pyspark.sql.types").StringType(), "collation"):
        pytest.skip("this Spark has no collations")
    yantai = qrules.load("yantai-2023-2025")
    spark.sql(
        "CREATE OR REPLACE TEMP VIEW collated_register AS SELECT * FROM VALUES"
        " ('IF01', 'n', 'd', 'infant_formula_maker', 'high', DATE '2020-01-01')"
        " AS r(unit, name, district, category, risk_level, registered)"
    )
    for collation in ("UTF8_LCASE", "UTF8_BINARY"):
        spark.sql(
            "CREATE OR REPLACE TEMP VIEW collated_log AS SELECT"
            f" CAST(unit AS STRING COLLATE {collation}) AS unit, date, kind FROM VALUES"
            " ('if01', DATE '2024-03-01', 'system') AS l(unit, date, kind)"
        )
        options = {"register": "collated_register", "log": "collated_log"}
        if collation == "UTF8_LCASE":
            with pytest.raises(qrules.DataError, match=r"column 'unit' \(log unit\).*UTF8_LCASE"):
                evaluate_tables(yantai, spark, **options)
            continue
        found = evaluate_tables(yantai, spark, **options, log_from="2024-01-01")
        assert [t.rows_used for t in found.records] == [1, 0]


def test_a_session_default_collation_that_is_not_binary_is_refused(spark: Any) -> None:
    """The session's default collation (``spark.sql.session.collation.default``)
    is the collation of literals and casts where Spark applies it: not binary,
    tables judged in place and records loaded into the session are refused
    (en and zh, naming the setting and how to reset it); ``UTF8_BINARY`` and a
    session that never set it are judged as they are."""
    yantai = qrules.load("yantai-2023-2025")
    register = qrules.read_register(SAMPLES / "register.csv")
    log = qrules.read_log(SAMPLES / "inspections.csv", register)
    _sample_views(spark, "default_register", "default_log")
    tables = {"register": "default_register", "log": "default_log"}
    expected = list(qrules.evaluate_records(yantai, register, log))
    setting = "spark.sql.session.collation.default"
    try:
        spark.sql(f"SET {setting}=UTF8_LCASE")
        with pytest.raises(qrules.DataError) as refused:
            evaluate_tables(yantai, spark, **tables)
        assert "'UTF8_LCASE'" in refused.value.render("en")
        assert f"SET {setting}=UTF8_BINARY" in refused.value.render("en")
        assert "默认排序规则" in refused.value.render("zh")
        with pytest.raises(qrules.DataError, match=setting):
            qrules.evaluate_records(yantai, register, log, engine="spark", connection=spark)
        spark.sql(f"SET {setting}=UTF8_BINARY")
        found = qrules.evaluate_records(yantai, register, log, engine="spark", connection=spark)
        assert list(found) == expected
    finally:
        spark.conf.unset(setting)
    reference = qrules.evaluate_records(yantai, register, log, log_until="2025-12-31")
    assert list(evaluate_tables(yantai, spark, **tables, log_until="2025-12-31")) == list(reference)


@pytest.mark.parametrize(
    ("category", "closed"),
    [
        ("婴幼儿配方乳粉生产企业", "NULL"),
        ("Infant Formula Maker", "NULL"),
        ("infant_formula_maker", "DATE '0001-01-01'"),
    ],
)
def test_spark_reads_in_place_as_the_readers_read(spark: Any, category: str, closed: str) -> None:
    """IF01 inspected; IF02, never inspected, of its category named otherwise
    or closed on 0001-01-01: the readers reject its row (the rule unknown),
    and so does Spark's SQL, in place (session 11, helper inplace)."""
    book = qrules.load("yantai-2023-2025")
    rule = "infant-formula-makers-system-inspected-yearly"
    spark.sql(
        "CREATE OR REPLACE TEMP VIEW inplace_register AS SELECT * FROM VALUES"
        " ('IF01', 'a', 'infant_formula_maker', CAST(NULL AS DATE)),"
        f" ('IF02', 'b', '{category}', CAST({closed} AS DATE)) AS t(unit, name, category, closed)"
    )
    spark.sql(
        "CREATE OR REPLACE TEMP VIEW inplace_log AS SELECT * FROM VALUES"
        " ('IF01', DATE '2024-05-01', 'system') AS t(unit, date, kind)"
    )
    for check_keys in (True, False):
        evaluation = evaluate_tables(
            book, spark, register="inplace_register", log="inplace_log", rules=[book[rule]],
            log_from="2024-01-01", log_until="2024-12-31", check_keys=check_keys,
        )  # fmt: skip
        expected = "met" if category != "infant_formula_maker" and not check_keys else "unknown"
        assert [r.verdict.value for r in evaluation] == [expected]


@pytest.mark.parametrize("check_keys", [True, False], ids=["keys-checked", "keys-trusted"])
def test_spark_char_columns_are_read_in_place_as_postgres_reads_them(
    spark: Any, check_keys: bool
) -> None:
    """Every text column of the tables CHAR(n), which Spark gives padded with
    spaces to their length (session 12, helper leftovers): IF02 not
    inspected, the rule not met, 芝罘区 met, as PostgreSQL's char(n) reads
    (`tests/test_inplace_s11.py`) and as the readers read the rows. Before,
    with the keys checked every register row was rejected ("unit 'IF01 …'
    is read as 'IF01' from a file …", unknown); trusted, no unit was an
    infant formula maker and the districts were "福山区   " (unknown)."""
    book = qrules.load("yantai-2023-2025")
    rule = "infant-formula-makers-system-inspected-yearly"
    spark.sql("CREATE DATABASE IF NOT EXISTS padded")
    spark.sql("DROP TABLE IF EXISTS padded.register")
    spark.sql("DROP TABLE IF EXISTS padded.inspections")
    spark.sql(
        "CREATE TABLE padded.register(unit CHAR(18), name CHAR(10), category CHAR(30),"
        " district CHAR(6), registered DATE, smart_site_connected CHAR(3)) USING parquet"
    )
    spark.sql(
        "INSERT INTO padded.register VALUES"
        " ('IF01', 'a', 'infant_formula_maker', '芝罘区', DATE '2020-01-01', '是'),"
        " ('IF02', 'b', 'infant_formula_maker', '福山区', DATE '2020-01-01', '否')"
    )
    spark.sql(
        "CREATE TABLE padded.inspections(inspection CHAR(8), unit CHAR(18), date DATE,"
        " kind CHAR(10)) USING parquet"
    )
    spark.sql("INSERT INTO padded.inspections VALUES ('J1', 'IF01', DATE '2024-05-01', 'system')")
    assert spark.sql("SELECT MIN(unit) FROM padded.register").first()[0] == "IF01" + " " * 14
    evaluation = evaluate_tables(
        book, spark, register="padded.register", log="padded.inspections", rules=[book[rule]],
        by_district=True, check_keys=check_keys, log_from="2024-01-01", log_until="2024-12-31",
    )  # fmt: skip
    assert [(r.district, r.verdict.value) for r in evaluation] == [
        (None, "not_met"),
        ("福山区", "not_met"),
        ("芝罘区", "met"),
    ]
    assert not [p for t in evaluation.records for p in t.problems]


def test_a_date_python_cannot_hold_is_a_rejected_row_on_spark(spark: Any, tmp_path: Any) -> None:
    """A Parquet file DuckDB wrote with its DATE 'infinity' (the largest day
    of Arrow's date32, year 5881580 to Spark): pyspark's conversion of the
    rows fetched to name it overflowed ("signed integer is greater than
    maximum", a crash, exit 3); now its row is rejected, named, the rule
    unknown, as on DuckDB and PostgreSQL (session 12, helper leftovers)."""
    import datetime as dt  # noqa: PLC0415

    duckdb = pytest.importorskip("duckdb")
    pq = pytest.importorskip("pyarrow.parquet")
    book = qrules.load("yantai-2023-2025")
    rule = "infant-formula-makers-system-inspected-yearly"
    connection = duckdb.connect()
    table = connection.sql(
        "SELECT * FROM (VALUES ('IF01', 'a', 'infant_formula_maker', DATE 'infinity'),"
        " ('IF02', 'b', 'infant_formula_maker', DATE '2020-01-01'))"
        " t(unit, name, category, registered)"
    ).to_arrow_table()
    pq.write_table(table, tmp_path / "register.parquet")
    spark.read.parquet(str(tmp_path / "register.parquet")).createOrReplaceTempView("far_register")
    spark.createDataFrame(
        [("IF02", dt.date(2024, 5, 1), "system")], "unit STRING, date DATE, kind STRING"
    ).createOrReplaceTempView("far_log")
    for check_keys in (True, False):
        evaluation = evaluate_tables(
            book, spark, register="far_register", log="far_log", rules=[book[rule]],
            log_from="2024-01-01", log_until="2024-12-31", check_keys=check_keys,
        )  # fmt: skip
        [result] = evaluation
        assert result.verdict.value == "unknown"
        assert "1 rejected register row could change this (row 1)" in result.reason.en
        [problem] = [p for t in evaluation.records for p in t.problems]
        assert problem.where == "row 1, column 'registered'"
        assert "is not in the years qrules reads (1900 to 2200)" in problem.message
