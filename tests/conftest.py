from __future__ import annotations

import atexit
import contextlib
import importlib
import io
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import qrules
from qrules.cli import main

pytest_plugins = ["pytester"]

# The compiled-forms cache (qrules/_cache.py) of the folders tests load goes to a
# folder of the run's own, not the user's cache directory.
_CACHE = tempfile.mkdtemp(prefix="qrules-cache-")
os.environ.setdefault("QRULES_CACHE_DIR", _CACHE)
atexit.register(shutil.rmtree, _CACHE, True)

DATA = Path(__file__).parent / "data"
MINI = DATA / "rulebooks" / "mini"
#: A rulebook of four records rules (tests/data/rulebooks/records).
RECORDS = DATA / "rulebooks" / "records"
ROOT = Path(__file__).resolve().parents[1]
#: The synthetic register and log that ship with the Yantai rulebook.
SAMPLES = ROOT / "rules" / "yantai-2023-2025" / "samples" / "records"


def run(*argv: str, stderr: io.StringIO | None = None) -> tuple[int, str, str]:
    """The ``qrules`` command, in process: exit code, standard output and error."""
    out, err = io.StringIO(), stderr or io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


#: ``qrules check``'s options reading the Yantai rulebook's sample register and log.
SAMPLE_RECORDS = ("--register", "sample", "--log", "sample")


def records_options(register: Path | str, log: Path | str) -> tuple[str, ...]:
    """``qrules check``'s options reading the register and the log of these files."""
    return ("--register", str(register), "--log", str(log))


def log_year(year: int) -> tuple[str, ...]:
    """``qrules check``'s options of a log reaching over the whole of ``year``."""
    return ("--log-from", f"{year}-01-01", "--log-until", f"{year}-12-31")


@pytest.fixture(scope="session")
def yantai() -> qrules.Rulebook:
    """The shipped Yantai rulebook (a rulebook is immutable: one serves all tests)."""
    return qrules.load("yantai-2023-2025")


@pytest.fixture(scope="session")
def mini() -> qrules.Rulebook:
    """A four-rule rulebook covering every aggregation but annual_average."""
    return qrules.load(MINI)


@pytest.fixture
def mini_copy(tmp_path: Path) -> Path:
    """A writable copy of the mini rulebook's folder."""
    target = tmp_path / "mini"
    shutil.copytree(MINI, target)
    return target


def with_average_rule(folder: Path) -> qrules.Rulebook:
    """A copy of the mini rulebook (``mini_copy``) with a rule on its pass rate
    averaged over 2023-2025 (``average-pass-rate``, at least 90)."""
    with (folder / "rules.toml").open("a", encoding="utf-8") as rules:
        rules.write(
            '\n[[rule]]\nid = "average-pass-rate"\n'
            'title = { zh = "年均合格率", en = "Average pass rate" }\n'
            'measure = "pass_rate"\naggregation = "annual_average"\n'
            'requirement = ">= 90"\n'
            'interpretation = "A test rule: the pass rate ≥ 90 averaged over the '
            'years."\n'
            'due = 2025-12-31\nresponsible = ["市市场监管局"]\n'
            '[rule.source]\nsection = "一"\nquote = "食品安全抽检合格率≥98.5"\n'
        )
    return qrules.load(folder)


def if02_records(folder: Path) -> tuple[Path, Path]:
    """Issue 11's IF02 example: a register whose IF02 was registered on
    2020-02-30 (row 3), and a log of one system inspection of IF01 in 2024."""
    register = folder / "register.csv"
    register.write_text(
        "unit,name,category,registered\nIF01,A,infant_formula_maker,2020-01-01\n"
        "IF02,B,infant_formula_maker,2020-02-30\n",
        encoding="utf-8",
    )
    log = folder / "log.csv"
    log.write_text("unit,date,kind\nIF01,2024-03-01,system\n", encoding="utf-8")
    return register, log


@pytest.fixture(scope="session")
def book() -> qrules.Rulebook:
    """The records rulebook: rules on a share, twice a year, a flag, kinds and results."""
    return qrules.load(RECORDS)


# -- PostgreSQL for the SQL engine's tests -------------------------------------------


def _free_port() -> int:
    import socket  # noqa: PLC0415

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _unavailable(message: str) -> None:
    """Skip, or fail in CI: the SQL engine's tests never silently pass there."""
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL server's URL: ``QRULES_POSTGRES_URL`` (``.ci/run`` starts one
    with ``.ci/postgres``), or a throwaway server started here with the same
    script. Skipped only outside CI: in CI (``CI`` set), no server is a failure."""
    url = os.environ.get("QRULES_POSTGRES_URL")
    if url:
        yield url
        return
    script = ["bash", str(ROOT / ".ci" / "postgres")]
    folder = tempfile.mkdtemp(prefix="qrules-postgres-")  # in /tmp, which its user can reach
    env = {**os.environ, "QRULES_POSTGRES_PORT": str(_free_port())}
    started = subprocess.run(
        [*script, "start", folder], capture_output=True, text=True, env=env, check=False
    )
    try:
        if started.returncode != 0:
            _unavailable(f"cannot start PostgreSQL with .ci/postgres: {started.stderr.strip()}")
        yield started.stdout.strip()
    finally:
        subprocess.run([*script, "stop", folder], capture_output=True, check=False)


@pytest.fixture(scope="session")
def postgres(postgres_url: str) -> Iterator[Any]:
    """A connection to that server (autocommit)."""
    try:
        psycopg = importlib.import_module("psycopg")
    except ImportError:
        _unavailable("psycopg is not installed (pip install 'qrules-plan[postgres]')")
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        yield connection


@pytest.fixture(params=["duckdb", "postgres"])
def engine(request: pytest.FixtureRequest) -> tuple[str, Any]:
    """An SQL engine, and the connection it runs on (DuckDB: a new one, in memory)."""
    if request.param == "postgres":
        return "postgres", request.getfixturevalue("postgres")
    import duckdb  # noqa: PLC0415

    return "duckdb", duckdb.connect()


def records_tables(
    engine: str, request: pytest.FixtureRequest, statements: list[str], schema: str
) -> tuple[Any, dict[str, str]]:
    """A connection to ``engine`` (DuckDB in memory, or the PostgreSQL server's
    URL, in a schema ``schema`` made afresh) whose tables ``statements`` made
    (``{s}``: the schema's prefix), and the names of the register and log
    tables (``register``, ``inspections``)."""
    if engine == "duckdb":
        duckdb = pytest.importorskip("duckdb")
        connection: Any = duckdb.connect()
        for statement in statements:
            connection.execute(statement.format(s=""))
        return connection, {"register": "register", "log": "inspections"}
    postgres = request.getfixturevalue("postgres")
    postgres.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
    for statement in statements:
        postgres.execute(statement.format(s=f"{schema}."))
    url = request.getfixturevalue("postgres_url")
    return url, {"register": f"{schema}.register", "log": f"{schema}.inspections"}


def assert_stored_failures(written: list[tuple[Any, ...]], expected: Any) -> None:
    """Rows written by ``failing_units_to`` (rule, year, unit, name, district)
    are every unit that does not meet a rule in a year the log decides (also
    when the rule is met as a whole): exactly the ones the reference engine
    lists where the rule is not met."""
    from qrules import Verdict  # noqa: PLC0415

    listed = sorted(
        (r.rule.id, r.year, u.unit, u.name, u.district)
        for r in expected
        if r.district is None
        for u in r.failing_units
    )
    decided = {
        (r.rule.id, r.year): r.verdict
        for r in expected
        if r.district is None and r.verdict is not Verdict.UNKNOWN
    }
    assert all((row[0], row[1]) in decided for row in written)
    assert sorted(row for row in written if decided[row[0], row[1]] is Verdict.NOT_MET) == listed
    assert listed


@contextlib.contextmanager
def spark_session(warehouse: Path, name: str, cores: int = 2) -> Iterator[Any]:
    """A local SparkSession of ``cores`` threads (its UI off, as many shuffle
    partitions, its warehouse in ``warehouse``), stopped after; skipped where
    pyspark is not installed."""
    sql = pytest.importorskip("pyspark.sql")
    session = (
        sql.SparkSession.builder.master(f"local[{cores}]")
        .appName(name)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.warehouse.dir", str(warehouse))
        .config("spark.sql.shuffle.partitions", str(cores))
        .getOrCreate()
    )
    try:
        yield session
    finally:
        session.stop()


def spied(monkeypatch: pytest.MonkeyPatch, method: str) -> list[str]:
    """The texts of the statements `qrules.engines.sql.Connection` is given
    through ``method`` (``fetch``, ``_run``) from now on, as given, in order."""
    from qrules.engines import sql  # noqa: PLC0415

    given: list[str] = []
    original = getattr(sql.Connection, method)

    def spy(self: Any, text: str, *args: Any, **kwargs: Any) -> Any:
        given.append(text)
        return original(self, text, *args, **kwargs)

    monkeypatch.setattr(sql.Connection, method, spy)
    return given
