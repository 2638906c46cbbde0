"""Spark on a cluster of separate executor processes (opt-in: QRULES_SPARK_CLUSTER=1).

Starts a Spark standalone master and two workers on this machine from the
installed pyspark (``spark-class org.apache.spark.deploy.master.Master`` and
``…worker.Worker``, each a JVM of its own), writes a generated register and log
as Parquet, registers them as tables, judges the shipped rulebook through the
cluster and compares every result with DuckDB's on the same data. The recipe is
in ``docs/engines.md``; ``QRULES_CLUSTER_UNITS`` / ``QRULES_CLUSTER_INSPECTIONS``
set the size (default 2,000 units, 20,000 inspections).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import qrules
from qrules.engines import evaluate_tables

from .conftest import ROOT

pytestmark = pytest.mark.skipif(os.environ.get("QRULES_SPARK_CLUSTER") != "1",
                                reason="the cluster starts only when asked for: "
                                       "QRULES_SPARK_CLUSTER=1")

UNITS = int(os.environ.get("QRULES_CLUSTER_UNITS", "2000"))
INSPECTIONS = int(os.environ.get("QRULES_CLUSTER_INSPECTIONS", "20000"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(path: Path, pattern: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists() and re.search(pattern, path.read_text(errors="replace")):
            return
        time.sleep(1)
    raise AssertionError(f"{pattern!r} not in {path} after {seconds} s")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A standalone master and two workers (one core, 1 GiB each); the master's URL."""
    pyspark = pytest.importorskip("pyspark")
    home = Path(pyspark.__file__).parent
    spark_class = str(home / "bin" / "spark-class")
    logs = tmp_path_factory.mktemp("cluster")
    port = _free_port()
    url = f"spark://127.0.0.1:{port}"
    environment = {**os.environ, "SPARK_HOME": str(home), "SPARK_LOCAL_IP": "127.0.0.1",
                   "PYSPARK_PYTHON": sys.executable}
    started: list[subprocess.Popen[bytes]] = []

    def start(name: str, *argv: str) -> Path:
        log = logs / f"{name}.log"
        with log.open("wb") as out:
            started.append(subprocess.Popen([spark_class, *argv], stdout=out,
                                            stderr=subprocess.STDOUT, env=environment))
        return log

    try:
        master = start("master", "org.apache.spark.deploy.master.Master", "--host",
                       "127.0.0.1", "--port", str(port), "--webui-port", str(_free_port()))
        _wait_for(master, "I have been elected leader")
        for worker in ("worker-1", "worker-2"):
            log = start(worker, "org.apache.spark.deploy.worker.Worker", "--cores", "1",
                        "--memory", "1g", "--webui-port", str(_free_port()),
                        "--work-dir", str(logs / worker), url)
            _wait_for(log, "Successfully registered with master")
        yield url
    finally:
        for process in reversed(started):
            process.terminate()
        for process in started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def test_the_rulebook_on_a_cluster_equals_duckdb(cluster: str, tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    parquet = pytest.importorskip("pyarrow.parquet")
    sql = pytest.importorskip("pyspark.sql")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from bench_records import generate  # noqa: PLC0415
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    register, log = generate(UNITS, INSPECTIONS, seed=18)
    parquet.write_table(register, tmp_path / "register.parquet")
    parquet.write_table(log, tmp_path / "inspections.parquet")
    yantai = qrules.load("yantai-2023-2025")
    options: dict[str, Any] = {"by_district": True, "log_until": "2025-12-31"}

    connection = duckdb.connect()
    connection.register("register_arrow", register)
    connection.register("log_arrow", log)
    connection.execute("CREATE TABLE register AS SELECT * FROM register_arrow")
    connection.execute("CREATE TABLE inspections AS SELECT * FROM log_arrow")
    started = time.perf_counter()
    expected = evaluate_tables(yantai, connection, **options)
    duckdb_seconds = time.perf_counter() - started

    session = (sql.SparkSession.builder.master(cluster).appName("qrules-cluster")
               .config("spark.ui.enabled", "false").config("spark.cores.max", "2")
               .config("spark.executor.cores", "1").config("spark.executor.memory", "512m")
               .config("spark.sql.shuffle.partitions", "4")
               .config("spark.driver.host", "127.0.0.1").getOrCreate())
    try:
        session.read.parquet(str(tmp_path / "register.parquet")) \
            .createOrReplaceTempView("register")
        session.read.parquet(str(tmp_path / "inspections.parquet")) \
            .createOrReplaceTempView("inspections")
        started = time.perf_counter()
        found = evaluate_tables(yantai, session, **options)
        spark_seconds = time.perf_counter() - started
        # The executors that ran it: JVMs of their own, one on each worker (the
        # driver's block manager is in the list as well).
        executors = session.sparkContext._jsc.sc().getExecutorMemoryStatus().size() - 1
    finally:
        session.stop()
    print(f"\n{UNITS} units, {INSPECTIONS} inspections: DuckDB {duckdb_seconds:.2f} s, "
          f"Spark on {executors} executors {spark_seconds:.2f} s")
    assert executors == 2
    assert list(found) == list(expected)
    assert found.records == expected.records
