"""Session 14, the lead's: one map of numbers for both DuckDB routes."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import duckdb
import pytest

from qrules._idnumbers import Numbers, from_statistics, letters, number_sql, repeats_sql

from .conftest import records_options, run, spied


def _repeats(ids: list[str | None], numbers: Numbers) -> int:
    connection = duckdb.connect()
    connection.execute("CREATE TABLE t (i VARCHAR)")
    connection.executemany("INSERT INTO t VALUES (?)", [(i,) for i in ids])
    text = repeats_sql("i", number_sql("i", numbers.skip), numbers.low, numbers.high)
    return int(connection.execute(f"SELECT {text} FROM t").fetchall()[0][0])


@pytest.mark.parametrize(
    ("ids", "counted"),
    [
        (["J1", "J2", "J3"], 0),  # distinct numbers: no repeat, no hash table
        (["J1", "J01"], 1),  # a number twice: the ids are then compared exactly
        (["J1", "J1"], 1),  # a real repeat is never missed
        (["J1", "NA"], 1),  # no number: counted as a repeat
        (["J1", "J99999"], 1),  # out of where the map looks: counted as a repeat
        (["J1", None], 0),  # no id is no repeat
    ],
)
def test_the_map_counts_at_least_the_repeats(ids: list[str | None], counted: int) -> None:
    assert _repeats(ids, Numbers(skip=1, low=0, high=999)) == counted


def test_hyphen_and_underscore_are_letters_before_the_number() -> None:
    """``J-000001``: the number follows ``J-`` (before, ``-000001`` read as a
    negative number, out of the map, and every log of such ids was sent to the
    exact count); both routes read the letters alike."""
    assert letters("J-000001") == 2
    assert letters("ZF_12") == 3
    assert letters("123") == 0
    statistics = {
        "min": "J-000001",
        "max": "J-999999",
        "min_string_length": 8,
        "max_string_length": 8,
    }
    assert from_statistics(statistics, 1_000_000) == Numbers(skip=2, low=1, high=999_999)
    ids = [f"J-{n:06d}" for n in range(1, 50)]
    assert _repeats(ids, Numbers(skip=2, low=1, high=999_999)) == 0


# -- outputs: written by a rename, never through a symbolic link ----------------


def test_an_output_link_is_refused_and_its_target_kept(tmp_path: Path) -> None:
    """``-o link.html`` where the link names another file: refused (exit 2,
    one line), the file it names untouched. Before, qrules wrote through the
    link: run as root, ``-o`` a link to /etc/passwd overwrote /etc/passwd."""
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    for argv in (
        ("report", "yantai-2023-2025", "--sample"),
        ("check", "yantai-2023-2025", "--sample", "--format", "json"),
        ("template", "yantai-2023-2025", "--force"),
    ):
        link = tmp_path / f"link-{argv[0]}.{'csv' if argv[0] == 'template' else 'html'}"
        link.symlink_to(victim)
        stderr = io.StringIO()
        code, _, err = run(*argv, "-o", str(link), stderr=stderr)
        assert code == 2, (argv, err)
        assert "symbolic link" in err
        assert len(err.strip().splitlines()) <= 2
        assert victim.read_text(encoding="utf-8") == "keep me\n"
        assert link.is_symlink()


def test_an_output_replaces_a_file_whole_and_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    code, _, _ = run("report", "yantai-2023-2025", "--sample", "-o", str(target))
    assert code in (0, 1)
    assert target.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert oct(target.stat().st_mode & 0o777) == oct(0o640)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]  # no temporary left


def test_an_output_that_is_no_file_is_written_as_it_is() -> None:
    """``/dev/null`` (a device, not replaced by a file: as root that would
    break the system) is written to directly."""
    code, _, _ = run("check", "yantai-2023-2025", "--sample", "-o", os.devnull)
    assert code in (0, 1)
    assert Path(os.devnull).is_char_device()


def test_records_rows_above_a_header_below_are_titles_only(tmp_path: Path) -> None:
    """A header found below the first row leaves the rows above it unread: a
    title, never records. A register whose first row is a header with a typo
    and whose records start above a second, right header is refused (exit 2),
    not judged without the records above it (a unit left out of a population
    can make a rule met)."""
    register = tmp_path / "register.csv"
    register.write_text(
        "unit,name,categry\nU1,甲,infant_formula_maker\nunit,name,category\nU2,乙,infant_formula_maker\n",
        encoding="utf-8",
    )
    log = tmp_path / "log.csv"
    log.write_text("unit,date,kind\nU2,2024-03-01,system\n", encoding="utf-8")
    argv = ["check", "yantai-2023-2025", *records_options(register, log)]
    code, _, err = run(*argv, "--rule", "infant-formula-makers-system-inspected-yearly")
    assert code == 2, err
    assert "row 3 is the header, but row 1 above it holds more than a title" in err
    titled = tmp_path / "titled.csv"
    titled.write_text(
        "烟台市食品生产企业名录（2024年）\n\nunit,name,category\nU2,乙,infant_formula_maker\n",
        encoding="utf-8",
    )
    code, out, err = run(
        "check",
        "yantai-2023-2025",
        *records_options(titled, log),
        "--rule",
        "infant-formula-makers-system-inspected-yearly",
    )
    assert code in (0, 1), err
    assert "header found in row 3" in out + err


# -- id-less rows, keys trusted: told by the plain counts ------------------------


def _idless_tables(connection: Any, ids: list[str | None]) -> None:
    connection.execute("DROP TABLE IF EXISTS t_register")
    connection.execute("DROP TABLE IF EXISTS t_log")
    connection.execute(
        "CREATE TABLE t_register (unit VARCHAR, name VARCHAR, category VARCHAR, risk_level VARCHAR)"
    )
    connection.execute("INSERT INTO t_register VALUES ('U1', '甲', 'catering', 'high')")
    connection.execute("CREATE TABLE t_log (inspection VARCHAR, unit VARCHAR, date DATE)")
    connection.executemany(
        "INSERT INTO t_log VALUES (?, 'U1', DATE '2024-03-01')", [(i,) for i in ids]
    )


def _judged_idless(
    monkeypatch: pytest.MonkeyPatch, ids: list[str | None], *, check_keys: bool
) -> tuple[str, list[str]]:
    """The 2024 verdict of "high-risk catering units inspected twice" on
    `_idless_tables` (a log of rows of one day with ``ids``), and the statements
    asked (in capitals)."""
    import qrules  # noqa: PLC0415
    from qrules.engines import evaluate_tables  # noqa: PLC0415

    connection = duckdb.connect()
    _idless_tables(connection, ids)
    asked = spied(monkeypatch, "fetch")
    [result] = [
        r
        for r in evaluate_tables(
            qrules.load("yantai-2023-2025"),
            connection,
            register="t_register",
            log="t_log",
            rules=["high-risk-catering-units-inspected-twice-yearly"],
            log_from="2024-01-01",
            log_until="2024-12-31",
            check_keys=check_keys,
        )
        if r.year == 2024
    ]
    return result.verdict.value, [text.upper() for text in asked]


@pytest.mark.parametrize(("ids", "verdict"), [(["J1", "J2"], "met"), ([None, None], "unknown")])
def test_keys_trusted_ids_given_are_told_by_the_plain_counts(
    monkeypatch: pytest.MonkeyPatch, ids: list[str | None], verdict: str
) -> None:
    """With the keys trusted (a missing id is NULL), a log whose every row has
    an inspection id has no rows without one: the plain counts say so, and no
    statistics query is asked (it cost about 3 ms a call); a NULL id is still
    one of two identical rows that may be one inspection."""
    found, asked = _judged_idless(monkeypatch, ids, check_keys=False)
    assert found == verdict
    assert not any("STATS(" in text for text in asked) or ids[0] is None
