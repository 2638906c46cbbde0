"""``qrules check``'s table fits a terminal; ``--only`` shows some results."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from tests.conftest import if02_records, log_year, records_options, run


def _columns(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in line)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_table_fits_100_columns(lang: str) -> None:
    code, out, _ = run("check", "yantai-2023-2025", "--sample", "--lang", lang)
    assert code == 1
    table = out.split("\n\n")[0].splitlines()
    assert max(_columns(line) for line in table) <= 100
    # Long ids are cut short; JSON has them whole.
    assert "\nnew-quality-management-system-c…  " in out
    _, text, _ = run("check", "yantai-2023-2025", "--sample", "--format", "json")
    ids = {r["id"] for r in json.loads(text)["results"]}
    assert "new-quality-management-system-certified-enterprises" in ids


def test_a_long_reason_is_kept_whole_under_its_row() -> None:
    _, out, _ = run("check", "yantai-2023-2025", "--sample")
    lines = out.splitlines()
    index = next(
        i for i, line in enumerate(lines) if line.startswith("food-safety-sampling-pass-rate")
    )
    assert lines[index + 1] == "    ↳ 40 more food safety samples that passed (39360 → 39400)"


def test_a_narrow_table_is_left_as_it_is() -> None:
    _, out, _ = run("check", "yantai-2023-2025", "--sample", "--rule", "yantai-master-craftsmen")
    assert "↳" not in out
    assert out.splitlines()[2].startswith("yantai-master-craftsmen  2025")


@pytest.mark.parametrize(
    ("only", "verdicts"),
    [
        ("failures", {"not_met", "unknown"}),
        ("not-met", {"not_met"}),
        ("unknown", {"unknown"}),
    ],
)
def test_only_some_results(only: str, verdicts: set[str]) -> None:
    _, everything, _ = run("check", "yantai-2023-2025", "--sample", "--format", "json")
    every = json.loads(everything)["results"]
    code, out, _ = run("check", "yantai-2023-2025", "--sample", "--format", "json", "--only", only)
    assert code == 1  # the exit code judges every result
    document = json.loads(out)
    shown = document["results"]
    assert shown == [r for r in every if r["verdict"] in verdicts]
    hidden = len(every) - len(shown)
    assert document["notes"][-1].endswith(f"{hidden} other results not shown")
    _, table, _ = run("check", "yantai-2023-2025", "--sample", "--only", only, "--lang", "zh")
    assert f"另有 {hidden} 个结果未显示" in table


def test_only_keeps_the_exit_code_of_everything() -> None:
    code, out, _ = run(
        "check",
        "yantai-2023-2025",
        "--sample",
        "--only",
        "unknown",
        "--rule",
        "yantai-master-craftsmen",
    )
    assert code == 0
    assert "0 met, 0 not met, 0 unknown" in out


def test_only_takes_three_values() -> None:
    code, _, err = run("check", "yantai-2023-2025", "--sample", "--only", "met")
    assert code == 2
    assert "argument --only: invalid choice: 'met'" in err


def test_json_names_every_rejected_row_and_the_results_it_bears_on(tmp_path: Path) -> None:
    """Issue 11's IF02 in JSON, as in the HTML report: each rejected row with its
    row number, column and reason, and the results it bears on (made unknown),
    from files and from tables judged in place (DuckDB)."""
    import duckdb  # noqa: PLC0415

    register, log = if02_records(tmp_path)
    database = tmp_path / "records.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute(
            f"CREATE TABLE register AS SELECT * FROM read_csv('{register}', all_varchar = true)"
        )
        connection.execute(
            f"CREATE TABLE inspections AS SELECT * FROM read_csv('{log}', all_varchar = true)"
        )
    rule = "infant-formula-makers-system-inspected-yearly"
    common = (
        *log_year(2024),
        "--rule",
        rule,
        "--format",
        "json",
    )
    for source, row in (
        (((*records_options(register, log), "--engine", "reference")), 3),
        (("--database", f"duckdb:///{database}"), 2),
    ):
        code, out, _ = run("check", "yantai-2023-2025", *source, *common)
        assert code == 1, out  # unknown: not every result is met
        document = json.loads(out)
        [result] = [r for r in document["results"] if r["district"] is None]
        assert result["verdict"] == "unknown"
        assert result["rejected_rows"] == [{"kind": "register", "row": row}]
        [rejected] = document["rejected_rows"]
        assert {k: rejected[k] for k in ("kind", "row")} == {"kind": "register", "row": row}
        assert rejected["table"] in ("register.csv", "register")
        assert rejected["results"] == [
            {"id": rule, "year": 2024, "district": None, "verdict": "unknown"}
        ]
        [problem] = rejected["problems"]
        assert problem["reason"] == "'2020-02-30' is not a date: no such day"
        assert problem["column"] == "registered"
