"""Spark on a standalone cluster against DuckDB, on the same Parquet files.

Starts, from the installed pyspark (nothing downloaded), a standalone master,
one or two workers and a Spark Connect server, each a JVM of its own on this
machine; writes a generated register and log (``bench_records.generate``,
seeded) as Parquet; registers the files as tables (``CREATE TABLE … USING
parquet LOCATION …``) in a classic session and through Spark Connect; then
times, interleaved, every record-level rule of the shipped rulebook by
district (``evaluate_tables``, keys checked) on DuckDB (views over the same
files), on the classic session and through Spark Connect. For each Spark run it
counts the scans of the log's files, from the plans Spark executed (the
``Scan`` nodes over the log's table that read files, in every query of the
evaluation: ``log_scans``).

Prints medians, the ratios Spark / DuckDB, the scans, and whether every result
equals DuckDB's; stops with an error when one does not. Asserts nothing else:
a benchmark is not a test. ``tests/test_spark_cluster.py`` uses ``Cluster``
and ``log_scans`` on small data.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

#: The rulebook's options in every run (by district, a fixed end of the log).
OPTIONS: dict[str, Any] = {"by_district": True, "log_until": "2025-12-31"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(
    process: subprocess.Popen[bytes], log: Path, pattern: str, seconds: float = 180
) -> str:
    """The first match of ``pattern`` in the daemon's log, once it is written."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if log.exists():
            found = re.search(pattern, log.read_text(errors="replace"))
            if found:
                return found.group(0)
        if process.poll() is not None:
            raise RuntimeError(f"{log.stem} stopped (exit {process.returncode}); see {log}")
        time.sleep(0.5)
    raise RuntimeError(f"{pattern!r} not in {log} after {seconds} s")


class Cluster:
    """A standalone master, ``workers`` workers and (``connect``) a Spark
    Connect server, started from the installed pyspark and stopped on leaving.

    Each worker offers ``slots`` cores (the classic session and the Connect
    server each get one executor of one core on every worker: two applications
    side by side) and ``worker_memory``.
    """

    def __init__(
        self,
        folder: Path,
        *,
        workers: int = 2,
        connect: bool = True,
        executor_memory: str = "512m",
        slots: int = 2,
        worker_memory: str = "2g",
        shuffle_partitions: int = 4,
    ) -> None:
        import pyspark  # noqa: PLC0415 (only where Spark is wanted)

        self.home = Path(pyspark.__file__).parent
        self.folder = folder
        self.workers = workers
        self.executor_memory = executor_memory
        self.shuffle_partitions = shuffle_partitions
        self.environment = {
            **os.environ,
            "SPARK_HOME": str(self.home),
            "SPARK_LOCAL_IP": "127.0.0.1",
            "SPARK_LOG_DIR": str(folder),
            "PYSPARK_PYTHON": sys.executable,
        }
        self.started: list[subprocess.Popen[bytes]] = []
        self._slots, self._worker_memory, self._connect = slots, worker_memory, connect
        self.master = ""
        self.connect = ""  # sc://127.0.0.1:PORT
        self.connect_ui = ""  # the Connect server's web UI (its REST API)

    def _start(self, name: str, *argv: str) -> tuple[subprocess.Popen[bytes], Path]:
        log = self.folder / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                argv, stdout=out, stderr=subprocess.STDOUT, env=self.environment, cwd=self.folder
            )
        self.started.append(process)
        return process, log

    def _application(self, name: str) -> list[str]:
        """spark-submit's options for an application on the cluster."""
        settings = {
            "spark.cores.max": str(self.workers),
            "spark.executor.cores": "1",
            "spark.executor.memory": self.executor_memory,
            "spark.sql.shuffle.partitions": str(self.shuffle_partitions),
            "spark.driver.host": "127.0.0.1",
            "spark.driver.bindAddress": "127.0.0.1",
            "spark.ui.showConsoleProgress": "false",
            "spark.sql.warehouse.dir": str(self.folder / f"{name}-warehouse"),
        }
        return [f"--conf={key}={value}" for key, value in settings.items()]

    def __enter__(self) -> Cluster:
        try:
            self._up()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _up(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        spark_class = str(self.home / "bin" / "spark-class")
        port = free_port()
        self.master = f"spark://127.0.0.1:{port}"
        master, log = self._start(
            "master",
            spark_class,
            "org.apache.spark.deploy.master.Master",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--webui-port",
            str(free_port()),
        )
        _wait_for(master, log, "I have been elected leader")
        for n in range(1, self.workers + 1):
            worker, log = self._start(
                f"worker-{n}",
                spark_class,
                "org.apache.spark.deploy.worker.Worker",
                "--host",
                "127.0.0.1",
                "--cores",
                str(self._slots),
                "--memory",
                self._worker_memory,
                "--webui-port",
                str(free_port()),
                "--work-dir",
                str(self.folder / f"worker-{n}"),
                self.master,
            )
            _wait_for(worker, log, "Successfully registered with master")
        if self._connect:
            # What sbin/start-connect-server.sh runs, in the foreground.
            port, ui = free_port(), free_port()
            server, log = self._start(
                "connect",
                str(self.home / "bin" / "spark-submit"),
                "--class",
                "org.apache.spark.sql.connect.service.SparkConnectServer",
                "--name",
                "qrules-connect",
                "--master",
                self.master,
                *self._application("connect"),
                "--conf=spark.connect.grpc.binding.address=127.0.0.1",
                f"--conf=spark.connect.grpc.binding.port={port}",
                f"--conf=spark.ui.port={ui}",
            )
            _wait_for(server, log, r"Spark Connect server started")
            self._wait_for_executors(f"http://127.0.0.1:{ui}")
            self.connect, self.connect_ui = f"sc://127.0.0.1:{port}", f"http://127.0.0.1:{ui}"

    def _wait_for_executors(self, ui: str, seconds: float = 180) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if executors(ui) >= self.workers:
                return
            time.sleep(0.5)
        raise RuntimeError(f"the application at {ui} got fewer than {self.workers} executors")

    def __exit__(self, *_: object) -> None:
        for process in reversed(self.started):
            process.terminate()
        for process in reversed(self.started):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.started.clear()

    def classic(self) -> Any:
        """A classic SparkSession on the cluster (its UI on a free port), its
        executors running."""
        from pyspark.sql import SparkSession  # noqa: PLC0415

        builder = SparkSession.builder.master(self.master).appName("qrules-classic")
        for option in [*self._application("classic"), f"--conf=spark.ui.port={free_port()}"]:
            key, value = option.removeprefix("--conf=").split("=", 1)
            builder = builder.config(key, value)
        session = builder.getOrCreate()
        self._wait_for_executors(str(session.sparkContext.uiWebUrl))
        return session

    def remote(self) -> Any:
        """A Spark Connect session to the cluster's Connect server (Spark
        Connect's own builder: pyspark's refuses one beside a classic session)."""
        from pyspark.sql.connect.session import SparkSession  # noqa: PLC0415

        return SparkSession.builder.remote(self.connect).create()


def _rest(ui: str, path: str) -> Any:
    with urllib.request.urlopen(f"{ui}/api/v1/applications{path}", timeout=60) as answer:
        return json.load(answer)


def executors(ui: str) -> int:
    """The executors (not the driver) of the application whose UI is ``ui``."""
    [application] = _rest(ui, "")
    return sum(e["id"] != "driver" for e in _rest(ui, f"/{application['id']}/executors"))


def executions(ui: str) -> list[dict[str, Any]]:
    """The SQL executions of the application whose UI is ``ui``, with their
    plans' nodes and metrics (the Spark UI's REST API), once all have ended."""
    [application] = _rest(ui, "")
    deadline = time.monotonic() + 60
    while True:
        found: list[dict[str, Any]] = _rest(
            ui,
            f"/{application['id']}/sql?details=true&planDescription=false&offset=0&length=100000",
        )
        if all(e["status"] != "RUNNING" for e in found) or time.monotonic() > deadline:
            return found
        time.sleep(0.5)


def _read_files(node: dict[str, Any]) -> bool:
    """Whether a scan node read anything in its execution: a plan over a cached
    relation lists the relation's own scan, which reads nothing (its metrics 0)."""
    return any(
        m["name"] in ("number of files read", "number of output rows")
        and re.search(r"[1-9]", m["value"])
        for m in node["metrics"]
    )


def log_scans(ui: str, table: str, after: int = -1) -> list[tuple[str, int]]:
    """Per SQL execution after execution id ``after``, the scans that read the
    table ``table`` (``catalog.schema.table`` as Spark names it): the plan
    nodes named ``Scan <format> <table>`` or ``BatchScan <table>`` that read
    files in that execution (a reused exchange is one node; a cached
    relation's scan counts where it is filled). An (execution id and
    description, scans) pair for each execution that read it."""
    scans = []
    for execution in executions(ui):
        if execution["id"] <= after:
            continue
        count = sum(
            1
            for node in execution["nodes"]
            if re.fullmatch(rf"(Batch)?Scan( \S+)? {re.escape(table)}", node["nodeName"])
            and _read_files(node)
        )
        if count:
            shown = execution["description"].splitlines()[0][:70]
            scans.append((f"{execution['id']}: {shown}", count))
    return scans


def last_execution(ui: str) -> int:
    return max((e["id"] for e in executions(ui)), default=-1)


def register_tables(session: Any, folder: Path) -> tuple[str, str]:
    """The register and log Parquet files as tables of the session's catalog;
    their names as Spark writes them in plans."""
    for name, file in (("register", "register.parquet"), ("inspections", "inspections.parquet")):
        session.sql(f"DROP TABLE IF EXISTS {name}")
        session.sql(f"CREATE TABLE {name} USING parquet LOCATION '{folder / file}'")
    return "spark_catalog.default.register", "spark_catalog.default.inspections"


def timed(action: Callable[[], object]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


@contextmanager
def duckdb_views(folder: Path) -> Iterator[Any]:
    import duckdb  # noqa: PLC0415

    connection = duckdb.connect()
    try:
        for name, file in (
            ("register", "register.parquet"),
            ("inspections", "inspections.parquet"),
        ):
            connection.execute(
                f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{folder / file}')"
            )
        yield connection
    finally:
        connection.close()


def write_data(folder: Path, units: int, inspections: int, seed: int) -> None:
    from pyarrow import parquet  # noqa: PLC0415

    sys.path.insert(0, str(Path(__file__).parent))
    from bench_records import generate  # noqa: PLC0415

    register, log = generate(units, inspections, seed=seed)
    parquet.write_table(register, folder / "register.parquet")
    parquet.write_table(log, folder / "inspections.parquet")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--inspections", type=int, default=10_000_000)
    parser.add_argument("--workers", default="1,2", help="cluster sizes to run, in order")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each (median)")
    parser.add_argument("--executor-memory", default="1g")
    parser.add_argument("--shuffle-partitions", type=int, default=8)
    parser.add_argument("--seed", type=int, default=2025)
    arguments = parser.parse_args()

    import qrules  # noqa: PLC0415
    from qrules.engines import evaluate_tables  # noqa: PLC0415

    book = qrules.load("yantai-2023-2025")
    with tempfile.TemporaryDirectory(prefix="qrules-spark-") as name:
        folder = Path(name)
        seconds, _ = timed(
            lambda: write_data(folder, arguments.units, arguments.inspections, arguments.seed)
        )
        size = sum(f.stat().st_size for f in folder.glob("*.parquet"))
        print(
            f"{arguments.units:,} units, {arguments.inspections:,} inspections: Parquet "
            f"{size / 2**20:.0f} MiB, written in {seconds:.0f} s; load average "
            f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}",
            flush=True,
        )
        with duckdb_views(folder) as duck:
            expected = evaluate_tables(book, duck, **OPTIONS)
            for workers in (int(n) for n in arguments.workers.split(",")):
                with Cluster(
                    folder / f"cluster-{workers}",
                    workers=workers,
                    executor_memory=arguments.executor_memory,
                    worker_memory="3g",
                    shuffle_partitions=arguments.shuffle_partitions,
                ) as cluster:
                    _compare(cluster, folder, duck, book, expected, arguments.repeat)


def _compare(
    cluster: Cluster, folder: Path, duck: Any, book: Any, expected: Any, repeat: int
) -> None:
    """DuckDB, the classic session and Spark Connect, interleaved, on one cluster."""
    from qrules.engines import evaluate_tables  # noqa: PLC0415

    classic, remote = cluster.classic(), cluster.remote()
    try:
        tables = {
            "classic": (
                classic,
                register_tables(classic, folder)[1],
                classic.sparkContext.uiWebUrl,
            ),
            "connect": (remote, register_tables(remote, folder)[1], cluster.connect_ui),
        }
        times: dict[str, list[float]] = {"duckdb": [], "classic": [], "connect": []}
        scans: dict[str, list[tuple[str, int]]] = {}
        for _ in range(repeat):
            times["duckdb"].append(timed(lambda: evaluate_tables(book, duck, **OPTIONS))[0])
            print(f"  DuckDB: {times['duckdb'][-1]:.2f} s", flush=True)
            for mode, (session, log, ui) in tables.items():
                before = last_execution(ui)
                seconds, found = timed(partial(evaluate_tables, book, session, **OPTIONS))
                times[mode].append(seconds)
                scans[mode] = log_scans(ui, log, before)
                if list(found) != list(expected) or found.records != expected.records:
                    raise SystemExit(f"Spark ({mode}) and DuckDB disagree")
                print(
                    f"  {mode} on {cluster.workers} worker(s): {seconds:.1f} s, same results "
                    f"as DuckDB; scans of the log: {scans[mode]}",
                    flush=True,
                )
    finally:
        remote.stop()
        classic.stop()
    duckdb_median = statistics.median(times["duckdb"])
    print(
        f"{cluster.workers} worker(s), one executor of one core each per application; "
        f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}:"
    )
    print(f"  DuckDB {duckdb_median:.2f} s median")
    for mode in ("classic", "connect"):
        median = statistics.median(times[mode])
        print(
            f"  Spark {mode} {median:.1f} s median ({median / duckdb_median:.0f}x DuckDB); "
            f"scans of the log per evaluation: {sum(n for _, n in scans[mode])} "
            f"in {len(scans[mode])} queries"
        )
    print("  same results as DuckDB: yes", flush=True)


if __name__ == "__main__":
    main()
