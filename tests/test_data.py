"""Reading reported values exactly, and datasets with every problem reported."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import qrules
from qrules._data import ValueProblem
from qrules._model import UNITS

PERCENT = UNITS["percent"]
BATCHES = UNITS["batches"]


@pytest.mark.parametrize(
    ("raw", "unit", "expected"),
    [
        ("98.5", PERCENT, Fraction(197, 2)),
        ("98.5%", PERCENT, Fraction(197, 2)),
        ("９８．５％", PERCENT, Fraction(197, 2)),
        (" 98.50 ", PERCENT, Fraction(197, 2)),
        ("1,234", BATCHES, Fraction(1234)),
        ("1,234,567", BATCHES, Fraction(1234567)),
        ("197/2", PERCENT, Fraction(197, 2)),
        (1234, BATCHES, Fraction(1234)),
        (Fraction(4, 3), PERCENT, Fraction(4, 3)),
        (Decimal("98.5"), PERCENT, Fraction(197, 2)),
        (1.1, PERCENT, Fraction(11, 10)),
        (98.5, PERCENT, Fraction(197, 2)),
        ("", PERCENT, None),
        ("—", PERCENT, None),
        ("无", PERCENT, None),
        ("N/A", PERCENT, None),
        (None, PERCENT, None),
        (float("nan"), PERCENT, None),
    ],
    ids=repr,
)
def test_parse_value(raw: object, unit: qrules.Unit, expected: Fraction | None) -> None:
    assert qrules.parse_value(raw, unit) == expected


def test_float_is_read_as_the_decimal_it_stands_for() -> None:
    # 0.29 is what a person wrote; 29/100*100 is 28.999999999999996 in floats, 29
    # to the 15 significant digits a double keeps of a decimal.
    assert qrules.parse_value(0.29, None) * 100 == 29
    assert qrules.parse_value(29 / 100 * 100, PERCENT) == 29


@pytest.mark.parametrize(
    ("raw", "unit", "fragment"),
    [
        ("98.5%", BATCHES, "is a percentage"),
        ("12.5", BATCHES, "not a whole number"),
        ("-3", BATCHES, "negative"),
        ("abc", PERCENT, "is not a number"),
        ("1,23", BATCHES, "is not a number"),
        ("1/0", PERCENT, "divides by zero"),
        (True, PERCENT, "truth value"),
        (float("inf"), PERCENT, "finite"),
        ([1], PERCENT, "expected a number"),
    ],
    ids=repr,
)
def test_parse_value_rejects(raw: object, unit: qrules.Unit, fragment: str) -> None:
    with pytest.raises(ValueProblem, match=fragment):
        qrules.parse_value(raw, unit)


def test_dataset_problems_are_all_reported(mini: qrules.Rulebook, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "year,district,measure,value\n"
        "2025,,pass_rat,98\n"
        "20x5,,firms,3\n"
        "2025,,firms,3.5\n"
        "2025,,sampled,10\n"
        "2025,,sampled,11\n",
        encoding="utf-8",
    )
    with pytest.raises(qrules.DataError) as caught:
        qrules.read_dataset(path, mini)
    messages = [str(p) for p in caught.value.problems]
    assert len(messages) == 4
    assert "row 2, column 'measure'" in messages[0]
    assert "did you mean 'pass_rate'?" in messages[0]
    assert "row 3, column 'year'" in messages[1]
    assert "row 4, column 'value'" in messages[2]
    assert "given twice (first at row 5)" in messages[3]


def test_dataset_unknown_column_is_suggested(mini: qrules.Rulebook, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("year,measure,valeu\n", encoding="utf-8")
    with pytest.raises(qrules.DataError, match="did you mean 'value'"):
        qrules.read_dataset(path, mini)


@pytest.mark.parametrize(
    ("name", "text", "fragment"),
    [
        # The last of two 'value' columns (or keys) was read: 99 met where 97 would not.
        (
            "twice.csv",
            "year,measure,value,value\n2025,pass_rate,97,99\n",
            "twice.csv, header: columns 'value', 'value' all give 'value'",
        ),
        (
            "twice.json",
            '[{"year": 2025, "measure": "pass_rate", "value": 97, "value": 99}]',
            "twice.json, item 0: key 'value' is given twice",
        ),
        (
            "measure.csv",
            "year,measure,value,measure\n2025,pass_rate,97,firms\n",
            "columns 'measure', 'measure' all give 'measure'",
        ),
    ],
)
def test_a_repeated_column_or_key_is_refused(
    mini: qrules.Rulebook, tmp_path: Path, name: str, text: str, fragment: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(qrules.DataError) as caught:
        qrules.read_dataset(path, mini)
    assert fragment in str(caught.value)


def test_dataset_with_bom_and_json(mini: qrules.Rulebook, tmp_path: Path) -> None:
    csv_path = tmp_path / "figures.csv"
    csv_path.write_bytes("\ufeffyear,measure,value\n2025,firms,300\n".encode())
    json_path = tmp_path / "figures.json"
    json_path.write_text('[{"year": 2025, "measure": "pass_rate", "value": 98.5}]')
    assert qrules.read_dataset(csv_path, mini).observations[0].value == 300
    # JSON numbers are read as decimals, never through a float.
    assert qrules.read_dataset(json_path, mini).observations[0].value == Fraction(197, 2)


def test_dataset_in_gbk_is_read_and_said_so(mini: qrules.Rulebook, tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes("year,measure,value\n2025,firms,无\n".encode("gbk"))
    dataset = qrules.read_dataset(path, mini)
    assert dataset.observations[0].value is None
    assert [n.en for n in dataset.notes] == ["read as GB18030"]
    # An encoding given is honoured: these bytes are not UTF-8.
    with pytest.raises(qrules.DataError, match="not utf-8 at byte"):
        qrules.read_dataset(path, mini, encoding="utf-8")


def _compared_by_category(text: str) -> str:
    """`compared_name` as first written: each character's category asked."""
    import unicodedata  # noqa: PLC0415

    from qrules._data import _TRADITIONAL  # noqa: PLC0415

    folded = unicodedata.normalize("NFKC", text).casefold().translate(_TRADITIONAL)
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] not in "PZC")


@given(
    st.text(
        st.one_of(
            st.sampled_from("質量強縣（市、區）合計煙台 　-_.,·•\u200b\u00ad\x1b\ufeffＡａ１"),
            st.characters(),
        ),
        max_size=30,
    )
)
def test_names_compared_as_by_each_characters_category(text: str) -> None:
    """Names compared through a table of the characters told so far (each
    character's Unicode category asked once) as by asking every time."""
    from qrules._data import compared_name  # noqa: PLC0415

    assert compared_name(text) == _compared_by_category(text)


def test_names_compared_drop_punctuation_spaces_and_controls() -> None:
    from qrules._data import compared_name  # noqa: PLC0415

    assert compared_name("质量强县（市、区）") == "质量强县市区"
    assert compared_name(" 合計 ") == compared_name("合计") == "合计"
    assert compared_name("Total\u200b (City)") == "totalcity"
