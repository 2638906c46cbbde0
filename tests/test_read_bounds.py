"""Every file a reader reads whole, or that expands when read, is bounded: a
larger one is refused before it is read, exit 2, naming the file, its size,
the bound and what to do (en and zh). The bounds (`qrules._limits`) are large;
the tests lower them where they would take a large file to reach."""

from __future__ import annotations

from pathlib import Path

import pytest

from qrules import _figures, _tabular

from .conftest import MINI, SAMPLES, run

MIB = 2**20


def _refused(err: str, name: str, mib: int) -> None:
    assert name in err
    assert f"over the {mib:,} MiB qrules reads of such a file" in err
    assert len(err.strip().splitlines()) <= 2, err


def test_a_json_dataset_over_its_bound(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_figures, "MAX_JSON_DATASET_BYTES", MIB)
    data = tmp_path / "figures.json"
    data.write_text("[" + " " * MIB + "]", encoding="utf-8")
    for lang, said in (("en", "is this the right file?"), ("zh", "是否给错了文件")):
        code, _, err = run("--lang", lang, "check", str(MINI), str(data))
        assert code == 2, err
        assert said in err
    _refused(run("check", str(MINI), str(data))[2], "figures.json", 1)


def test_a_csv_file_read_whole_over_its_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The row readers decode a CSV file whole: beyond the bound, the file is
    refused, pointing to a database or a format read as it streams; a file in
    GB18030 (decoded whole by the column readers too) the same."""
    monkeypatch.setattr(_tabular, "MAX_WHOLE_FILE_BYTES", MIB)
    figures = tmp_path / "figures.csv"
    figures.write_text("measure,year,value\n" + "x,2024,1\n" * (MIB // 9 + 1), encoding="utf-8")
    code, _, err = run("check", str(MINI), str(figures))
    assert code == 2, err
    _refused(err, "figures.csv", 1)
    assert "--database" in err
    register = (SAMPLES / "register.csv").read_text(encoding="utf-8")
    lines = register.splitlines()
    big = tmp_path / "register.csv"
    big.write_bytes(
        ("\n".join([*lines, *lines[1:] * (MIB // len(register) + 1)]) + "\n").encode("gb18030")
    )
    code, _, err = run("check", "yantai-2023-2025", "--register", str(big), "--engine", "reference")
    assert code == 2, err
    _refused(err, "register.csv", 1)
    code, _, err = run("--lang", "zh", "check", "yantai-2023-2025", "--register", str(big))
    assert "超出 qrules 对此类文件的读取上限 1 MiB" in err


def test_a_mapping_file_over_its_bound(tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.toml"
    mapping.write_text("# " + "x" * MIB + "\n", encoding="utf-8")
    code, _, err = run(
        "check",
        "yantai-2023-2025",
        "--register",
        str(SAMPLES / "register.csv"),
        "--mapping",
        str(mapping),
    )
    assert code == 2, err
    _refused(err, "mapping.toml", 1)


def test_a_mapping_file_is_read_with_any_line_ends(tmp_path: Path) -> None:
    # Read whole as bytes for its bound, it was no longer read as text is: a file
    # whose lines end in a carriage return alone was "not a UTF-8 TOML file".
    from qrules.records.read import ColumnMapping  # noqa: PLC0415

    lines = ["[figures.districts]", '"芝罘" = "芝罘区"', '"全市" = ""', ""]
    for end in ("\r", "\r\n", "\n"):
        mapping = tmp_path / "mapping.toml"
        mapping.write_bytes(end.join(lines).encode("utf-8"))
        districts = ColumnMapping.load(mapping).figures.districts
        assert districts == {"芝罘": "芝罘区", "全市": ""}


def test_a_parquet_file_over_its_bounds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Parquet file's cells and encoded size, from its footer, before a row
    is read: a small file of one value repeated holds many cells."""
    pa = pytest.importorskip("pyarrow")
    parquet = pytest.importorskip("pyarrow.parquet")
    rows = 500_000
    table = pa.table(
        {
            "unit": pa.array([f"U{i}" for i in range(rows)]),
            "category": pa.array(["catering"] * rows),
            "registered": pa.array(["2020-01-01"] * rows),
        }
    )
    path = tmp_path / "register.parquet"
    parquet.write_table(table, path)
    for engine in ("reference", "duckdb"):
        with monkeypatch.context() as patch:
            patch.setattr(_tabular, "MAX_ARROW_CELLS", 1_000_000)
            code, _, err = run(
                "check", "yantai-2023-2025", "--register", str(path), "--engine", engine
            )
            assert code == 2, err
            assert "register.parquet" in err
            assert "500,000 rows of 3 columns, over the 1,000,000 cells" in err
            assert "--database" in err
        with monkeypatch.context() as patch:
            patch.setattr(_tabular, "MAX_ARROW_BYTES", MIB)
            code, _, err = run(
                "check", "yantai-2023-2025", "--register", str(path), "--engine", engine
            )
            assert code == 2, err
            _refused(err, "register.parquet", 1)
    code, _, err = run("--lang", "zh", "check", "yantai-2023-2025", "--register", str(path))
    assert code == 1, err  # within the bounds: read
