"""Spark on a cluster of separate executor processes (opt-in: QRULES_SPARK_CLUSTER=1).

Starts, from the installed pyspark, a Spark standalone master, two workers and a
Spark Connect server on this machine, each a JVM of its own
(``benchmarks/bench_spark.py``'s ``Cluster``); writes a generated register and
log as Parquet and registers them as tables (``CREATE TABLE … USING parquet
LOCATION …``) in a classic session and through Spark Connect; judges the
shipped rulebook on the cluster both ways and with ``qrules check --database
sc://…``, and compares every result with DuckDB's on the same files. It also
counts, from the plans Spark executed (its UI's REST API), how many times an
evaluation reads the log. The recipe is in ``docs/engines.md``;
``QRULES_CLUSTER_UNITS`` / ``QRULES_CLUSTER_INSPECTIONS`` set the size (default
2,000 units, 20,000 inspections: CI does not run this; the benchmark runs 1M/10M).
Needs pyspark with its ``connect`` extra (``qrules-plan[spark-connect]``) and Java 17.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import qrules
from qrules.cli import main as main_cli
from qrules.engines import evaluate_tables

from .conftest import ROOT

pytestmark = [
    pytest.mark.skipif(
        os.environ.get("QRULES_SPARK_CLUSTER") != "1",
        reason="the cluster starts only when asked for: QRULES_SPARK_CLUSTER=1",
    ),
    # pyspark 4.3's Spark Connect client, imported beside pandas 3.
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]

UNITS = int(os.environ.get("QRULES_CLUSTER_UNITS", "2000"))
INSPECTIONS = int(os.environ.get("QRULES_CLUSTER_INSPECTIONS", "20000"))


def _bench() -> Any:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import bench_spark  # noqa: PLC0415
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return bench_spark


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A register and a log written as Parquet (the benchmark's generator)."""
    pytest.importorskip("numpy")
    folder = tmp_path_factory.mktemp("parquet")
    _bench().write_data(folder, UNITS, INSPECTIONS, seed=18)
    return folder


@pytest.fixture(scope="module")
def expected(data: Path) -> qrules.Evaluation:
    """DuckDB's results on the same files."""
    pytest.importorskip("duckdb")
    with _bench().duckdb_views(data) as connection:
        return evaluate_tables(qrules.load("yantai-2023-2025"), connection, **_bench().OPTIONS)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A standalone master, two workers and a Spark Connect server."""
    pytest.importorskip("pyspark")
    pytest.importorskip("grpc")  # pyspark's connect extra
    with _bench().Cluster(tmp_path_factory.mktemp("cluster"), workers=2) as running:
        yield running


@pytest.fixture(scope="module")
def classic(cluster: Any, data: Path) -> Iterator[tuple[Any, str, str]]:
    """A classic session on the cluster, the files its tables; the session, the
    log's table as plans name it, and the session's UI."""
    session = cluster.classic()
    try:
        yield session, _bench().register_tables(session, data)[1], session.sparkContext.uiWebUrl
    finally:
        session.stop()


@pytest.fixture(scope="module")
def remote(cluster: Any, data: Path) -> Iterator[tuple[Any, str, str]]:
    """A Spark Connect session to the cluster's Connect server, the files its tables."""
    session = cluster.remote()
    try:
        yield session, _bench().register_tables(session, data)[1], cluster.connect_ui
    finally:
        session.stop()


def _equal(found: qrules.Evaluation, expected: qrules.Evaluation) -> None:
    assert list(found) == list(expected)
    assert found.records == expected.records


def test_the_rulebook_on_a_cluster_equals_duckdb(
    classic: tuple[Any, str, str], expected: qrules.Evaluation
) -> None:
    session, _, ui = classic
    _equal(evaluate_tables(qrules.load("yantai-2023-2025"), session, **_bench().OPTIONS), expected)
    # Two executors ran it, JVMs of their own, one on each worker.
    assert _bench().executors(ui) == 2


def test_spark_connect_on_the_cluster_equals_duckdb(
    remote: tuple[Any, str, str], expected: qrules.Evaluation
) -> None:
    session, _, ui = remote
    assert type(session).__module__.startswith("pyspark.sql.connect")
    _equal(evaluate_tables(qrules.load("yantai-2023-2025"), session, **_bench().OPTIONS), expected)
    assert _bench().executors(ui) == 2


def _checked(database: str, output: Path) -> list[Any]:
    code = main_cli(
        [
            "check",
            "yantai-2023-2025",
            "--database",
            database,
            "--by-district",
            "--log-until",
            "2025-12-31",
            "--format",
            "json",
            "-o",
            str(output),
        ]
    )
    assert code == 1  # some rules are not met on the generated data
    results: list[Any] = json.loads(output.read_text(encoding="utf-8"))["results"]
    return results


def test_qrules_check_through_spark_connect_equals_duckdb(
    cluster: Any, remote: tuple[Any, str, str], data: Path, tmp_path: Path
) -> None:
    """``qrules check --database sc://host:port``: the tables of the Connect
    server's catalog (registered by the ``remote`` fixture), judged as
    ``--database duckdb:///…`` judges the same files copied into tables (qrules
    opens DuckDB with its file system closed: a view over files would not read)."""
    duckdb = pytest.importorskip("duckdb")
    database = tmp_path / "tables.db"
    with duckdb.connect(str(database)) as connection:
        for name, file in (
            ("register", "register.parquet"),
            ("inspections", "inspections.parquet"),
        ):
            connection.execute(
                f"CREATE TABLE {name} AS SELECT * FROM read_parquet('{data / file}')"
            )
    assert _checked(cluster.connect, tmp_path / "spark.json") == _checked(
        f"duckdb:///{database}", tmp_path / "duckdb.json"
    )


def _scans(session: Any, log: str, ui: str, *, check_keys: bool) -> list[tuple[str, int]]:
    """The scans of the log's files in each query of one evaluation."""
    bench = _bench()
    before = bench.last_execution(ui)
    evaluate_tables(
        qrules.load("yantai-2023-2025"), session, check_keys=check_keys, **bench.OPTIONS
    )
    scans: list[tuple[str, int]] = bench.log_scans(ui, log, before)
    return scans


def test_counting_reads_the_log_once(classic: tuple[Any, str, str]) -> None:
    """Counting reads the log's files once: the members of every rule, year and
    district are cached once (``CACHE TABLE``), and the streamed counting query
    (``toLocalIterator``) reads the cache, not the files, as the plans Spark
    executed show. The only other read, with the keys trusted, is the summary's
    pass for rows to reject."""
    scans = _scans(*classic, check_keys=False)
    assert not [n for what, n in scans if ": toLocalIterator at " in what], scans
    assert all(n == 1 for _, n in scans), scans
    assert len(scans) == 2, scans


@pytest.mark.parametrize("check_keys", [False, True], ids=["keys-trusted", "keys-checked"])
@pytest.mark.parametrize("mode", ["classic", "remote"])
def test_an_evaluation_reads_the_log_once_per_pass(
    mode: str, check_keys: bool, request: pytest.FixtureRequest
) -> None:
    """A whole evaluation reads the log's files once to count, once for the
    summary's checks of rows to reject and, when the keys are checked, once for
    the key check: the two checks are not yet folded into the counting pass
    (issue 18), so this says how many reads there are, and fails if one more
    comes back (each ``UNION ALL`` branch reading the log again, say)."""
    scans = _scans(*request.getfixturevalue(mode), check_keys=check_keys)
    assert all(n == 1 for _, n in scans), scans
    assert len(scans) == (3 if check_keys else 2), scans
