"""Session 15, the lead's: the keys checked on DuckDB in fewer statements."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from qrules.engines import _holdings

from .test_lead_s14 import _judged_idless


def _judged(monkeypatch: pytest.MonkeyPatch, ids: list[str | None]) -> tuple[str, list[str]]:
    """`_judged_idless`, the keys checked and the tables' first look taken as
    at scale (`_holdings._HEADS_FROM`)."""
    monkeypatch.setattr(_holdings, "_HEADS_FROM", 0)
    return _judged_idless(monkeypatch, ids, check_keys=True)


def test_keys_checked_ask_the_statistics_once_and_the_log_rows_with_the_register() -> None:
    """With the inspection ids' numbers known (a map of bits, no hash table of
    the ids), the key check's pass over every log row is asked in the same
    statement as the register's keys and the rows of unknown units; the
    statistics read by the first look also say that every row has an id, so
    the id-less rows are not asked about again."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        verdict, asked = _judged(monkeypatch, ["J1", "J2"])
    assert verdict == "met"
    assert sum("STATS(" in text for text in asked) == 1
    [keys] = [text for text in asked if "ROWS_BAD" in text]
    assert "UNKNOWN_FIRST" in keys
    assert "BAD_UNITS" in keys


@pytest.mark.parametrize("ids", [[None, None], ["NA", "NA"], ["—", "—"], ["NA", "J1"]])
def test_keys_checked_rows_without_an_id_are_still_asked_about(ids: list[str | None]) -> None:
    """A missing id (NULL, or a marker the readers read as none) is not proven
    given by the statistics: two rows alike without one may be one inspection
    exported twice, and "twice a year" is unknown (one id given, no two rows
    alike without one: two inspections, met)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        verdict, _ = _judged(monkeypatch, ids)
    assert verdict == ("met" if "J1" in ids else "unknown")


def test_the_security_page_copy_of_an_untrusted_database_runs(tmp_path: Path) -> None:
    """docs/security.md's copy of an office's database file: the tables copied
    in memory (their statistics DuckDB's own), the file let go, and the
    connection then locked as qrules locks its own."""
    import duckdb  # noqa: PLC0415

    office = tmp_path / "office.db"
    with duckdb.connect(str(office)) as made:
        made.execute("CREATE TABLE register AS SELECT 'U1' AS unit, 'catering' AS category")
        made.execute("CREATE TABLE log AS SELECT 'U1' AS unit, DATE '2024-03-01' AS date")
    page = (Path(__file__).parents[1] / "docs" / "security.md").read_text(encoding="utf-8")
    [code] = [b for b in re.findall(r"```python\n(.*?)```", page, re.S) if "ATTACH" in b]
    namespace: dict[str, Any] = {"duckdb": duckdb}
    exec(code.replace("'office.db'", f"'{office}'"), namespace)
    connection = namespace["connection"]
    assert connection.execute("SELECT count(*) FROM register").fetchone() == (1,)
    assert connection.execute("SELECT count(*) FROM log").fetchone() == (1,)
    with pytest.raises(duckdb.Error):
        connection.execute("SET enable_external_access = true")
    with pytest.raises(duckdb.Error):
        connection.execute(f"SELECT * FROM read_csv('{office}')")


# -- districts written two ways: in traditional characters and with their place ------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("烟台市萊山區", "莱山区"),
        ("萊山區", "烟台市莱山区"),
        ("芝罘区（烟台市）", "芝罘区"),
        ("芝罘区(烟台)", "芝罘区"),
        ("【烟台】芝罘区", "芝罘区"),
    ],
)
def test_a_district_in_traditional_characters_and_with_its_place_is_not_summed_twice(
    one: str, other: str
) -> None:
    """A district both in traditional characters and with its city before it
    (烟台市萊山區 and 莱山区), or with its city in brackets after it
    (芝罘区（烟台市）), was two districts: 60 and 60 met the city's "≥ 100"
    (the review of session 15). Refused as one district written two ways."""
    import qrules  # noqa: PLC0415

    rows = [
        {"year": 2025, "district": name, "measure": _BRANDS, "value": 60} for name in (one, other)
    ]
    with pytest.raises(qrules.DataError, match="may be one district written two ways"):
        qrules.load("yantai-2023-2025").evaluate(rows)


_BRANDS = "provincial_high_end_brand_enterprises"


def test_a_district_in_traditional_characters_is_grouped_with_its_own() -> None:
    """Every name that may be one district written two ways is in one group:
    the refusal names 莱山区 beside 萊山區 (it named 来山区 and 萊山區 alone)."""
    from qrules._data import spelled_twice  # noqa: PLC0415

    assert spelled_twice(["来山区", "莱山区", "萊山區"]) == [["来山区", "莱山区", "萊山區"]]
    assert spelled_twice(["芝罘区", "福山区", "莱山区", "莱州市", "蓬莱区", "龙口市"]) == []


def test_more_districts_than_a_city_has_are_refused_in_bounded_time() -> None:
    """Telling which names are one district written two ways compares them
    pair by pair: names each holding a character outside GB 2312 at another
    place took seconds at 800 (the review); past `MAX_DISTRICTS` names the
    column is refused, and up to it the comparison stays well under one."""
    import time  # noqa: PLC0415

    from qrules._data import spelled_twice  # noqa: PLC0415
    from qrules._errors import QRulesError  # noqa: PLC0415
    from qrules._limits import MAX_DISTRICTS  # noqa: PLC0415

    names = ["".join("萊" if k == i % 6 else "山" for k in range(6)) + str(i) for i in range(500)]
    started = time.process_time()
    spelled_twice(names[:MAX_DISTRICTS])
    assert time.process_time() - started < 5
    with pytest.raises(QRulesError, match="distinct district names, more than"):
        spelled_twice([f"区{i}" for i in range(MAX_DISTRICTS + 1)])


# -- an output under a loop of symbolic links -------------------------------------------


@pytest.mark.parametrize(
    "option", [("-o", "LOOP"), ("-o", "LOOP/out.csv"), ("--decision-log", "LOOP/d.jsonl")]
)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_output_under_a_loop_of_links_is_an_error_writing_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, option: tuple[str, str], lang: str
) -> None:
    """``-o LOOP`` or ``--decision-log LOOP/d.jsonl``, LOOP a symbolic link to
    itself: Python 3.11's `Path.resolve` raised a `RuntimeError`, "this is a bug
    in qrules", exit 3 (the review of session 15); ``-o LOOP/out.csv`` said
    there was no folder to create. Each is an error writing it, exit 2,
    saying the system's reason in the language asked for (``-o LOOP`` itself,
    since session 16: a symbolic link, refused as such before it is opened)."""
    from .conftest import run  # noqa: PLC0415

    (tmp_path / "LOOP").symlink_to("LOOP")
    monkeypatch.chdir(tmp_path)
    code, out, err = run("check", "yantai-2023-2025", "--sample", *option, "--lang", lang)
    assert code == 2, out + err
    reason = "符号链接层数过多" if lang == "zh" else "too many levels of symbolic links"
    if option == ("-o", "LOOP"):
        reason = "是符号链接(指向 'LOOP')" if lang == "zh" else "is a symbolic link (to 'LOOP')"
    assert reason in err
    assert "bug" not in err
    assert "错误报告" not in err
