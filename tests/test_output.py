"""``qrules check``'s table fits a terminal; ``--only`` shows some results."""

from __future__ import annotations

import json
import unicodedata

import pytest

from tests.conftest import run


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
    index = next(i for i, line in enumerate(lines)
                 if line.startswith("food-safety-sampling-pass-rate"))
    assert lines[index + 1] == "    ↳ 40 more food safety samples that passed (39360 → 39400)"


def test_a_narrow_table_is_left_as_it_is() -> None:
    _, out, _ = run("check", "yantai-2023-2025", "--sample", "--rule", "yantai-master-craftsmen")
    assert "↳" not in out
    assert out.splitlines()[2].startswith("yantai-master-craftsmen  2025")


@pytest.mark.parametrize(("only", "verdicts"), [
    ("failures", {"not_met", "unknown"}),
    ("not-met", {"not_met"}),
    ("unknown", {"unknown"}),
])
def test_only_some_results(only: str, verdicts: set[str]) -> None:
    _, everything, _ = run("check", "yantai-2023-2025", "--sample", "--format", "json")
    every = json.loads(everything)["results"]
    code, out, _ = run("check", "yantai-2023-2025", "--sample", "--format", "json",
                       "--only", only)
    assert code == 1  # the exit code judges every result
    document = json.loads(out)
    shown = document["results"]
    assert shown == [r for r in every if r["verdict"] in verdicts]
    hidden = len(every) - len(shown)
    assert document["notes"][-1].endswith(f"{hidden} other results not shown")
    _, table, _ = run("check", "yantai-2023-2025", "--sample", "--only", only, "--lang", "zh")
    assert f"另有 {hidden} 个结果未显示" in table


def test_only_keeps_the_exit_code_of_everything() -> None:
    code, out, _ = run("check", "yantai-2023-2025", "--sample", "--only", "unknown",
                       "--rule", "yantai-master-craftsmen")
    assert code == 0
    assert "0 met, 0 not met, 0 unknown" in out
def test_only_takes_three_values() -> None:
    code, _, err = run("check", "yantai-2023-2025", "--sample", "--only", "met")
    assert code == 2
    assert "argument --only: invalid choice: 'met'" in err
