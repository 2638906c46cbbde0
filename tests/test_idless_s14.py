"""Identical log rows without an inspection id: two inspections, or one
exported twice (session 14, idless). A verdict holds for both readings, or is
unknown naming the rows, on every engine and route (docs/records.md, "The
inspection log")."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

import qrules
from qrules import Verdict
from qrules.engines import evaluate_tables

from .conftest import RECORDS, log_year, records_options, run, spark_session
from .records_fixtures import (
    ID_LOG_TYPES,
    LOG_TYPES,
    REGISTER_TYPES,
    YEAR_2024,
    assert_everywhere,
    everywhere,
    only,
    place,
)
from .records_strategies import unit, visit

HIGH = [unit("U1", "catering", risk_level="high")]
TWICE = "twice"
SAID = (
    "unknown: 2 identical log rows without an inspection id (two inspections, or one"
    " exported twice: inspection ids would settle it) could change this ({rows})"
)


#: `everywhere`'s options for a log with an ``inspection`` column.
WITH_IDS: dict[str, Any] = {
    "log_columns": list(ID_LOG_TYPES),
    "tables": ("idless_register", "idless_log"),
    **YEAR_2024,
}


def test_two_identical_rows_without_an_id_are_one_inspection_or_two(
    book: qrules.Rulebook, tmp_path: Path, engine: tuple[str, Any]
) -> None:
    """The brief's example: "each high-risk unit inspected at least twice a
    year" was met on U1's two identical rows of 2024-03-01; it is unknown."""
    visits = [visit("U1", "2024-03-01"), visit("U1", "2024-03-01")]
    found = everywhere(book, tmp_path, engine, HIGH, visits, TWICE, **YEAR_2024)
    for where, results in found.items():
        result = only(results, 2024)
        assert result.verdict is Verdict.UNKNOWN, where
        rows = "rows 2, 3" if where != "in place" else "rows 1, 2"  # a file's header is row 1
        assert result.reason.en.startswith(SAID.format(rows=rows)), (where, result.reason.en)
        assert "无检查编号且内容相同的检查记录" in result.reason.zh, where
        assert result.rejected_rows == (), where  # counted rows, not rejected ones


def test_rows_whose_ids_are_empty_or_a_marker_are_without_an_id(
    book: qrules.Rulebook, tmp_path: Path, engine: tuple[str, Any]
) -> None:
    visits = [
        {**visit("U1", "2024-03-01", "routine"), "inspection": ""},
        {**visit("U1", "2024-03-01", "routine"), "inspection": "—"},
    ]
    found = everywhere(book, tmp_path, engine, HIGH, visits, TWICE, **WITH_IDS)
    assert_everywhere(
        found, 2024, Verdict.UNKNOWN, said="2 identical log rows without an inspection id"
    )


def test_the_day_is_what_is_read_of_a_date(
    book: qrules.Rulebook, tmp_path: Path, engine: tuple[str, Any]
) -> None:
    """Two rows of one day at two times of it are alike in what qrules reads
    (a day): one inspection, or two."""
    visits = [visit("U1", "2024-03-01 09:00"), visit("U1", "2024-03-01 14:30")]
    found = everywhere(book, tmp_path, engine, HIGH, visits, TWICE, **YEAR_2024)
    assert_everywhere(found, 2024, Verdict.UNKNOWN)


@pytest.mark.parametrize(
    "visits",
    [
        # a third, distinct inspection: two, whichever the reading
        [visit("U1", "2024-03-01"), visit("U1", "2024-03-01"), visit("U1", "2024-06-01")],
        # rows of another kind, or another result, are not alike
        [visit("U1", "2024-03-01", "system"), visit("U1", "2024-03-01", "routine")],
        [visit("U1", "2024-03-01", None, "compliant"), visit("U1", "2024-03-01")],
    ],
)
def test_rows_that_change_nothing_leave_the_verdict_met(
    book: qrules.Rulebook, tmp_path: Path, engine: tuple[str, Any], visits: list[dict[str, Any]]
) -> None:
    found = everywhere(book, tmp_path, engine, HIGH, visits, TWICE, **YEAR_2024)
    assert_everywhere(found, 2024, Verdict.MET, unsaid="identical")


def test_a_rule_wanting_one_inspection_is_not_changed_by_repeats(
    book: qrules.Rulebook, tmp_path: Path, engine: tuple[str, Any]
) -> None:
    units = [unit("T1", "tableware_disinfection")]
    visits = [visit("T1", "2024-03-01", "routine", "compliant")] * 2
    found = everywhere(book, tmp_path, engine, units, visits, "compliant", **YEAR_2024)
    assert_everywhere(found, 2024, Verdict.MET, unsaid="identical")


def test_rows_with_ids_are_never_merged(
    book: qrules.Rulebook, tmp_path: Path, engine: tuple[str, Any]
) -> None:
    visits = [
        {**visit("U1", "2024-03-01"), "inspection": "J1"},
        {**visit("U1", "2024-03-01"), "inspection": "J2"},
    ]
    for where, results in everywhere(
        book, tmp_path, engine, HIGH, visits, TWICE, **WITH_IDS
    ).items():
        result = only(results, 2024)
        assert (result.verdict, result.meeting) == (Verdict.MET, 1), (where, result.reason.en)
    # One row with an id, one without: not alike (an id says which inspection it is).
    visits[1]["inspection"] = None
    found = everywhere(book, tmp_path, engine, HIGH, visits, TWICE, **WITH_IDS)
    assert_everywhere(found, 2024, Verdict.MET)


def test_only_units_surely_counted_are_doubted(
    book: qrules.Rulebook, tmp_path: Path, engine: tuple[str, Any]
) -> None:
    """A low-risk unit's repeated rows change no count of a high-risk rule."""
    units = [
        unit("U1", "catering", risk_level="high"),
        unit("U2", "catering", risk_level="low"),
        unit("U3", "catering", risk_level="high"),
    ]
    visits = [
        visit("U1", "2024-03-01"),
        visit("U1", "2024-04-01"),
        *[visit("U2", "2024-03-01")] * 2,
        *[visit("U3", "2024-03-01")] * 2,
    ]
    found = everywhere(book, tmp_path, engine, units, visits, TWICE, **YEAR_2024)
    for where, results in found.items():
        result = only(results, 2024)
        rows = "rows 6, 7" if where != "in place" else "rows 5, 6"
        assert result.verdict is Verdict.UNKNOWN, where
        assert result.reason.en.startswith(SAID.format(rows=rows)), (where, result.reason.en)
    found = everywhere(book, tmp_path, engine, units[:2], visits[:4], TWICE, **YEAR_2024)
    assert_everywhere(found, 2024, Verdict.MET)


@pytest.mark.parametrize("name", ["reference", "duckdb"])
def test_a_unit_changes_its_own_district_only(book: qrules.Rulebook, name: str) -> None:
    units = [
        unit("U1", "catering", risk_level="high", district="A"),
        unit("U3", "catering", risk_level="high", district="B"),
    ]
    visits = [
        visit("U1", "2024-03-01"),
        visit("U1", "2024-04-01"),
        *[visit("U3", "2024-03-01")] * 2,
    ]
    register = qrules.read_register(units)
    log = qrules.read_log(visits, register)
    found = qrules.evaluate_records(
        book, register, log, engine=name, rules=[book[TWICE]], by_district=True, **YEAR_2024
    )
    verdicts = {r.district: r.verdict for r in found if r.year == 2024}
    assert verdicts == {None: Verdict.UNKNOWN, "A": Verdict.MET, "B": Verdict.UNKNOWN}


def _at_most(tmp_path: Path) -> qrules.Rulebook:
    """The records rulebook with ``twice`` read as at most half the units
    inspected twice (a share bounded from above: none ships)."""
    folder = tmp_path / "records"
    shutil.copytree(RECORDS, folder)
    rules = folder / "rules.toml"
    text = rules.read_text(encoding="utf-8")
    start = text.index('id = "twice"')
    end = text.index("[rule.source]", start)
    rule = text[start:end].replace('requirement = "== 100"', 'requirement = "<= 50"')
    rule = rule.replace("占比 100%。", "测试中读作占比 ≤ 50。")
    rule = rule.replace("a share of 100%.", "read, for a test, as a share ≤ 50.")
    rules.write_text(text[:start] + rule + text[end:], encoding="utf-8")
    return qrules.load(folder)


def test_fewer_inspections_can_make_a_not_met_unknown(
    tmp_path: Path, engine: tuple[str, Any]
) -> None:
    """The lower bound: at most half the units inspected twice is not met as
    read (1 of 1), and met if the two rows are one inspection."""
    book = _at_most(tmp_path)
    visits = [visit("U1", "2024-03-01"), visit("U1", "2024-03-01")]
    found = everywhere(book, tmp_path, engine, HIGH, visits, TWICE, **YEAR_2024)
    assert_everywhere(
        found, 2024, Verdict.UNKNOWN, said="2 identical log rows without an inspection id"
    )
    # Two inspections by their ids: not met.
    visits = [{**v, "inspection": f"J{i}"} for i, v in enumerate(visits)]
    found = everywhere(book, tmp_path, engine, HIGH, visits, TWICE, **WITH_IDS)
    assert_everywhere(found, 2024, Verdict.NOT_MET)


@pytest.mark.parametrize("library", ["pandas", "polars"])
def test_dataframes_are_read_as_files_are(
    book: qrules.Rulebook, library: str, tmp_path: Path
) -> None:
    frames = pytest.importorskip(library)
    units = frames.DataFrame({"unit": ["U1"], "category": ["catering"], "risk_level": ["high"]})
    visits = frames.DataFrame(
        {"unit": ["U1", "U1"], "date": ["2024-03-01", "2024-03-01"], "inspection": ["", None]}
    )
    register = qrules.read_register(units)
    log = qrules.read_log(visits, register)
    chosen: dict[str, Any] = {"rules": [book[TWICE]], **YEAR_2024}
    for name in ("reference", "duckdb"):
        [result] = qrules.evaluate_records(book, register, log, engine=name, **chosen)
        assert result.verdict is Verdict.UNKNOWN, name
        assert result.reason.en.startswith(SAID.format(rows="rows 1, 2")), name
    connection = duckdb.connect()
    connection.register("frame_register", units)
    connection.register("frame_log", visits)
    [result] = evaluate_tables(
        book, connection, register="frame_register", log="frame_log", **chosen
    )
    assert result.verdict is Verdict.UNKNOWN


@pytest.mark.parametrize("engine_name", ["duckdb", "reference"])
@pytest.mark.parametrize("ids", [False, True])
def test_the_command_line_says_which_rows(tmp_path: Path, engine_name: str, ids: bool) -> None:
    register = tmp_path / "register.csv"
    register.write_text("unit,name,category,risk_level\nU1,甲,catering,high\n", encoding="utf-8")
    log = tmp_path / "log.csv"
    rows = "unit,date\nU1,2024-03-01\nU1,2024-03-01\n"
    if ids:  # a log with ids, two of its cells empty
        rows = "inspection,unit,date\nJ1,U1,2023-05-01\n,U1,2024-03-01\n,U1,2024-03-01\n"
    log.write_text(rows, encoding="utf-8")
    argv = [
        "check",
        "yantai-2023-2025",
        *records_options(register, log),
        *log_year(2024),
        "--rule",
        "high-risk-catering-units-inspected-twice-yearly",
        "--engine",
        engine_name,
    ]
    code, out, err = run(*argv)
    assert (code, err) == (1, ""), err
    shown = " ".join(out.split())
    where = "rows 3, 4" if ids else "rows 2, 3"
    assert "2024 unknown" in shown
    assert SAID.format(rows=where) in shown
    code, out, _ = run(*argv, "--lang", "zh")
    assert code == 1
    assert "2行无检查编号且内容相同的检查记录" in "".join(out.split())
    # With ids, the same rows are two inspections: met (exit 0).
    log.write_text("inspection,unit,date\nJ1,U1,2024-03-01\nJ2,U1,2024-03-01\n", encoding="utf-8")
    code, out, _ = run(*argv)
    assert code == 0, out


@pytest.mark.skipif(
    os.environ.get("QRULES_SPARK") != "1", reason="Spark runs only when asked for: QRULES_SPARK=1"
)
def test_spark_in_place_and_loaded(tmp_path: Path) -> None:
    with spark_session(tmp_path / "warehouse", "qrules-idless") as spark:
        yantai = qrules.load("yantai-2023-2025")
        rule = "high-risk-catering-units-inspected-twice-yearly"
        chosen: dict[str, Any] = {"rules": [yantai[rule]], **YEAR_2024}
        spark.createDataFrame(
            [("U1", "catering", "high")], "unit STRING, category STRING, risk_level STRING"
        ).createOrReplaceTempView("idless_register")
        spark.createDataFrame(
            [("U1", "2024-03-01", None), ("U1", "2024-03-01", "")],
            "unit STRING, date STRING, inspection STRING",
        ).createOrReplaceTempView("idless_log")
        [placed] = evaluate_tables(
            yantai, spark, register="idless_register", log="idless_log", **chosen
        )
        assert placed.verdict is Verdict.UNKNOWN
        assert placed.reason.en.startswith(SAID.format(rows="rows 1, 2"))
        register = qrules.read_register([unit("U1", "catering", risk_level="high")])
        log = qrules.read_log([visit("U1", "2024-03-01")] * 2, register)
        [loaded] = qrules.evaluate_records(
            yantai, register, log, engine="spark", connection=spark, **chosen
        )
        assert (loaded.verdict, loaded.reason) == (Verdict.UNKNOWN, placed.reason)


def test_too_many_rows_to_read_in_place_is_an_error_asking_for_ids(
    book: qrules.Rulebook, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qrules.engines import _rejected  # noqa: PLC0415

    monkeypatch.setattr(_rejected, "LIMIT", 1)
    connection = duckdb.connect()
    place(connection, "duckdb", "idless_register", HIGH, REGISTER_TYPES)
    place(connection, "duckdb", "idless_log", [visit("U1", "2024-03-01")] * 2, LOG_TYPES)
    with pytest.raises(qrules.DataError) as raised:
        evaluate_tables(
            book,
            connection,
            register="idless_register",
            log="idless_log",
            rules=[book[TWICE]],
            **YEAR_2024,
        )
    assert str(raised.value).splitlines()[1:] == [
        "  - idless_log: more than 1 log rows of units whose rows without an inspection id "
        "repeat (give the log inspection ids (an inspection column), one per inspection)"
    ]


@pytest.mark.parametrize(
    ("ids", "proven"),
    [
        (["J0000001", "J0000002"], True),  # (every id longer than a marker, none NULL)
        (["J0000001", None], False),
        (["J0000001", "NA"], False),
        (["J0", "J999999"], True),  # (no marker sorts between them)
        (["A1", "Z9"], False),  # (unproven: NA sorts between them; the rows are asked)
        (["编1", "编2"], False),  # (unproven: not ASCII, and short)
        (["编号1", "编号2"], True),  # (7 bytes each: longer than any marker)
        ([], True),
    ],
)
def test_duckdbs_statistics_tell_when_every_row_has_an_id(
    ids: list[str | None], proven: bool
) -> None:
    """A log whose every row has an id costs one look at DuckDB's statistics
    (no row read), not a pass over the log."""
    from qrules.engines import _rejected  # noqa: PLC0415
    from qrules.engines.sql import Connection, Table  # noqa: PLC0415

    connection = duckdb.connect()
    connection.execute("CREATE TABLE ids (inspection VARCHAR, unit VARCHAR, date DATE)")
    for value in ids:
        connection.execute("INSERT INTO ids VALUES (?, 'U1', DATE '2024-03-01')", [value])
    log = Table("ids", {"inspection": "inspection", "unit": "unit", "date": "date"})
    assert _rejected._every_id_given(Connection(connection, "duckdb"), log) is proven
