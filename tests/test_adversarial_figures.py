"""Reported figures as a new user (or an attacker) hands them over: each case
once gave a verdict that did not hold for every reading of what was read, or a
crash where a one-line error (or a plain reading) was due."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

import qrules
from tests.conftest import run

RATE = "food_safety_sampling_pass_rate"
RULE = "food-safety-sampling-pass-rate"


def verdict(evaluation: qrules.Evaluation, rule: str = RULE) -> str:
    (result,) = [r for r in evaluation if r.rule_id == rule and r.district is None]
    return result.verdict.value


# -- hidden sheets ------------------------------------------------------------------


def hidden_first(path: Path) -> Path:
    """Last year's figures kept in a hidden first sheet, this year's in the one shown."""
    book = openpyxl.Workbook()
    old = book.active
    old.title = "old"
    old.append(["year", "measure", "value"])
    old.append([2025, RATE, 99])
    old.sheet_state = "hidden"
    shown = book.create_sheet("2025")
    shown.append(["year", "measure", "value"])
    shown.append([2025, RATE, 97])
    book.active = 1
    book.save(path)
    return path


def test_a_hidden_first_sheet_is_not_the_sheet_read(
    tmp_path: Path, yantai: qrules.Rulebook
) -> None:
    # The office sees 97 (not met); the hidden sheet's 99 was read: "met".
    path = hidden_first(tmp_path / "figures.xlsx")
    dataset = qrules.read_dataset(path, yantai)
    assert dataset.name == "figures.xlsx[2025]"
    assert any("hidden sheet" in str(n) and "'old'" in str(n) for n in dataset.notes)
    assert verdict(yantai.evaluate(dataset)) == "not_met"
    # Named, a hidden sheet is read.
    assert verdict(yantai.evaluate(path, sheet="old")) == "met"
    code, out, _ = run("--lang", "zh", "check", "yantai-2023-2025", str(path), "--rule", RULE)
    assert code == 1
    assert "隐藏" in out
