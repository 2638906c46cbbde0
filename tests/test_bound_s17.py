"""Findings of session 17's hunt for unbounded reads (helper bound17): each a
reproducer of an input that made qrules exit 3, or run without bound, where
the documented limit and its one- or two-line exit 2 belong (docs/security.md).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qrules._limits import MAX_SHEET_COLUMNS

from .conftest import ROOT, SAMPLES, records_options, run

# -- a number beyond the limits in a rule or mapping file --------------------------------------


@pytest.mark.parametrize(
    ("written", "said"),
    [
        # (a hexadecimal integer is converted whatever its length; its 4,800
        # decimal digits could not be shown: "expected a date, got …" raised)
        ("0x" + "f" * 4000, "key 'rule[0].due': more than 10^30 in magnitude"),
        # (tomllib raised a bare ValueError converting it, not its TOMLDecodeError)
        ("9" * 5000, "line 7: more than 60 digits"),
        ("1e99999", "key 'rule[0].due': more than 10^30 in magnitude"),
    ],
)
@pytest.mark.parametrize("command", ["validate", "list", "check"])
def test_a_number_beyond_the_limits_in_a_rule_file(
    mini_copy: Path, written: str, said: str, command: str
) -> None:
    """A rule file's integer of thousands of digits made every command exit 3
    with Python's "Exceeds the limit (4300 digits) for integer string
    conversion": tomllib's bare ValueError, or the loader's message showing
    the value. A number in a rule file is now held to the limits of a number
    read (10^30, 60 digits), named by its key or line: exit 2."""
    rules = mini_copy / "rules.toml"
    text = rules.read_text(encoding="utf-8")
    assert text.splitlines()[6].startswith("due = ")  # (the line named above)
    rules.write_text(text.replace("due = 2025-12-31", f"due = {written}", 1), encoding="utf-8")
    extra = ("--sample",) if command == "check" else ()
    code, out, err = run(command, str(mini_copy), *extra)
    said_all = out + err  # (validate reports on standard output)
    assert code == 2, said_all
    assert f"rules.toml, {said}" in said_all
    assert "at most 10^30 in magnitude and 60 digits long" in said_all
    assert "bug" not in said_all
    assert len(said_all.strip().splitlines()) == 2, said_all


def test_a_measure_bound_beyond_the_limits(tmp_path: Path) -> None:
    """A measure's bound of ``1e100000`` (read as the decimal it writes) was
    made an exact fraction of 100,001 digits, and its message raised
    "Exceeds the limit (4300 digits)": exit 3 (``1e999999999`` would have
    been worked out for ever). It is the number's problem now, exit 2."""
    book = tmp_path / "book"
    shutil.copytree(ROOT / "rules" / "yantai-2023-2025", book)
    measures = book / "measures.toml"
    text = measures.read_text(encoding="utf-8")
    bound = "[measure.manufacturing_quality_competitiveness_index]"
    at = text.index(bound)
    edited = text[at:].replace("upper = 100\n", "upper = 1e100000\n", 1)
    measures.write_text(text[:at] + edited, encoding="utf-8")
    code, out, _ = run("validate", str(book))
    assert code == 2, out
    assert (
        "measures.toml, key 'measure.manufacturing_quality_competitiveness_index.upper': "
        "more than 10^30 in magnitude"
    ) in out


def test_a_number_beyond_the_limits_in_a_mapping_file(tmp_path: Path) -> None:
    """A mapping file's integer of 5,000 digits: exit 3 ("Exceeds the limit
    (4300 digits)"), now the mapping file's error naming its line, exit 2."""
    mapping = tmp_path / "mapping.toml"
    mapping.write_text("[register.columns]\nunit = " + "9" * 5000 + "\n", encoding="utf-8")
    code, _, err = run(
        "check",
        "yantai-2023-2025",
        *records_options(SAMPLES / "register.csv", SAMPLES / "inspections.csv"),
        "--mapping",
        str(mapping),
    )
    assert code == 2, err
    assert "mapping.toml, line 2: more than 60 digits" in err
    assert "bug" not in err


# -- a sheet of figures wider than Excel's --------------------------------------------------


@pytest.mark.parametrize(
    ("head", "where"),
    [("", "header"), ("a title above the header\n", "row 2")],
)
def test_a_sheet_of_figures_wider_than_excel_is_refused(
    tmp_path: Path, head: str, where: str
) -> None:
    """Each header cell of a sheet of figures is compared with every name a
    column may have: a 4 MB CSV file of two million columns ran for minutes
    (at 400,000 columns, 37 s) before its answer, and the rows looked at for a
    header below a title the same. A header or row wider than Excel allows
    (16,384 columns) is now refused as it is read, naming it."""
    sheet = tmp_path / "figures.csv"
    columns = "".join(f",x{i}" for i in range(MAX_SHEET_COLUMNS))
    sheet.write_text(
        f"{head}year,measure,value{columns}\n2023,quality_strong_counties,1\n", encoding="utf-8"
    )
    code, _, err = run("check", "yantai-2023-2025", str(sheet))
    assert code == 2, err
    assert f"figures.csv, {where}: 16,387 columns, more than 16,384 (Excel's own limit)" in err
    assert len(err.strip().splitlines()) == 2, err


def test_a_sheet_of_figures_as_wide_as_excel_is_read(tmp_path: Path) -> None:
    """At the limit itself the sheet is read and judged (exit 1: the rules
    whose figures it lacks are unknown), its extra columns left aside."""
    sheet = tmp_path / "figures.csv"
    columns = "".join(f",x{i}" for i in range(MAX_SHEET_COLUMNS - 3))
    sheet.write_text(
        f"year,measure,value{columns}\n2023,quality_strong_counties,1"
        + "," * (MAX_SHEET_COLUMNS - 3)
        + "\n",
        encoding="utf-8",
    )
    code, out, err = run("check", "yantai-2023-2025", str(sheet))
    assert (code, err) == (1, ""), err
    assert "quality-strong-counties-column-1" in out


# -- a GB18030 file with one bad sequence past the first megabyte -------------------------------


def test_a_file_in_neither_encoding_is_said_where_each_fails(tmp_path: Path) -> None:
    """A GB18030 file with one invalid sequence 1 MiB in (past the chunk the
    UTF-8 check reads at a time) was "neither UTF-8 nor GB18030 (byte 35)":
    where UTF-8 failed, at the first Chinese character, a byte GB18030 reads
    well. Each encoding's failure is named now, with its line."""
    rows = b"".join(
        f"2023,芝罘区,quality_strong_counties,{i}\n".encode("gb18030") for i in range(40_000)
    )
    at = 1 << 20
    at = rows.index(b"\n", at) + 1  # (a line of its own, whole before it)
    path = tmp_path / "figures.csv"
    path.write_bytes(b"year,district,measure,value\n" + rows[:at] + b"\x81\x30\xff" + rows[at:])
    line = rows[:at].count(b"\n") + 2
    code, _, err = run("check", "yantai-2023-2025", str(path))
    assert code == 2, err
    assert (
        f"figures.csv: neither UTF-8 (byte 35, line 2) nor GB18030 "
        f"(byte {at + 28:,}, line {line:,})"
    ) in err
