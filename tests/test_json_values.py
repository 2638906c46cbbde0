"""A JSON cell that is an object or an array is a plain problem, naming its
file, item and key: the reader's own classes (``_Keys``, a dict of the keys
given twice; ``Decimal``, its numbers) and Python's (``list``) were in the
message. Values from Python (rows, DataFrames) are said alike."""

from __future__ import annotations

from pathlib import Path

import pytest

import qrules

from .conftest import run


def test_an_object_or_a_list_as_a_value(tmp_path: Path, yantai: qrules.Rulebook) -> None:
    path = tmp_path / "figures.json"
    path.write_text(
        '[{"year": 2025, "measure": "food_samples_passed", "value": {"a": 1.5}},'
        ' {"year": 2025, "measure": "food_samples_tested", "value": [1, 2]}]',
        encoding="utf-8",
    )
    with pytest.raises(qrules.DataError) as raised:
        qrules.read_dataset(path, yantai)
    assert [str(p) for p in raised.value.problems] == [
        "figures.json, item 0, key 'value': expected a number or text, "
        "got an object of keys and values",
        "figures.json, item 1, key 'value': expected a number or text, got a list",
    ]
    code, _, err = run("check", "yantai-2023-2025", str(path), "--lang", "zh")
    assert code == 2
    assert "应为数字或文本,实为键值对象" in err
    for leaked in ("_Keys", "dict", "Decimal", "[1, 2]"):
        assert leaked not in err


def test_every_key_is_held_to_it(tmp_path: Path, yantai: qrules.Rulebook) -> None:
    path = tmp_path / "figures.json"
    path.write_text(
        '[{"year": {"x": 1.5}, "measure": ["m"], "value": 3, "district": {}}]', encoding="utf-8"
    )
    with pytest.raises(qrules.DataError) as raised:
        qrules.read_dataset(path, yantai)
    assert [(p.where, p.message.split(", got ")[1]) for p in raised.value.problems] == [
        ("item 0, key 'year'", "an object of keys and values"),
        ("item 0, key 'measure'", "a list"),
        ("item 0, key 'district'", "an object of keys and values"),
    ]


def test_rows_from_python_are_said_alike(yantai: qrules.Rulebook) -> None:
    with pytest.raises(qrules.DataError) as raised:
        qrules.read_dataset(
            [{"year": 2025, "measure": "food_samples_passed", "value": {"a": 1}}], yantai
        )
    [problem] = raised.value.problems
    assert problem.message == (
        "food_samples_passed: expected a number or text, got an object of keys and values"
    )
