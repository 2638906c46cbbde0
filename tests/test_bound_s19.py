"""Findings of session 19's hunt on the error boundary (helper bound19):
Parquet and Feather files damaged by flipping bytes, cutting them short and
making their metadata lie (registers, logs and figures, written by pyarrow,
polars and DuckDB), and every command's options given malformed values.
Each case is exit 2 in one or two lines naming the file and what to do: never
a crash, a traceback, an exit 3, nor a byte of the input run by a terminal."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from qrules import DataError
from qrules.records.read import ColumnMapping

from .conftest import run
from .test_limits import assert_bounded, measured


def _table(path: Path) -> Path:
    """A two-row register, as Parquet or (its suffix) a Feather version 1 file."""
    pa = pytest.importorskip("pyarrow")
    table = pa.table({"unit": ["U1", "U2"], "name": ["n1", "n2"]})
    if path.suffix == ".parquet":
        pytest.importorskip("pyarrow.parquet").write_table(table, path)
    else:
        with warnings.catch_warnings():  # (version 1 is deprecated: what the test writes)
            warnings.simplefilter("ignore", DeprecationWarning)
            pytest.importorskip("pyarrow.feather").write_feather(table, path, version=1)
    return path


def _said_once(code: int, err: str, *said: str) -> None:
    assert code == 2, err
    assert "Traceback" not in err
    assert "bug" not in err
    assert len(err.strip().splitlines()) <= 2, err
    for text in said:
        assert text in err, err


# -- Feather version 1: refused unread -------------------------------------------------------


def test_a_feather_version_1_file_whose_metadata_lies_is_refused_not_a_crash(
    tmp_path: Path,
) -> None:
    """A Feather version 1 register whose metadata says 2**40 rows (the row
    count and each column's length, two in the file): pyarrow read it as
    said, unchecked, and ``qrules check`` died of a segmentation fault (exit
    -11; flipped bytes in 1,500 files crashed it 15 times, all version 1). No
    version 1 file is read now: exit 2, naming the file and what to do."""
    path = _table(tmp_path / "register.feather")
    raw = path.read_bytes()
    start = len(raw) - 8 - int.from_bytes(raw[-8:-4], "little")
    two, lie = (2).to_bytes(8, "little"), (2**40).to_bytes(8, "little")
    assert raw[start:-8].count(two) >= 2
    path.write_bytes(raw[:start] + raw[start:-8].replace(two, lie) + raw[-8:])
    # (the reference engine: on DuckDB's, a process refused early may abort
    # as it exits, older than this refusal and not the file's doing)
    result = measured(
        "check",
        "yantai-2023-2025",
        "--register",
        str(path),
        "--log",
        "sample",
        "--engine",
        "reference",
    )
    assert_bounded(result, 2, 20)
    _said_once(
        result.code,
        result.err,
        "register.feather: a Feather version 1 file: qrules does not read this version",
        "save the table again as an Arrow IPC file",
    )


@pytest.mark.parametrize("reader", ["register", "log", "figures"])
def test_every_feather_version_1_file_is_refused_in_either_language(
    tmp_path: Path, reader: str
) -> None:
    path = _table(tmp_path / f"{reader}.feather")
    argv = {
        "register": ("--register", str(path), "--log", "sample"),
        "log": ("--register", "sample", "--log", str(path)),
        "figures": (str(path),),
    }[reader]
    code, _, err = run("check", "yantai-2023-2025", *argv)
    _said_once(code, err, f"{reader}.feather: a Feather version 1 file", "or as Parquet")
    code, _, err = run("--lang", "zh", "check", "yantai-2023-2025", *argv)
    _said_once(code, err, "是 Feather 第 1 版文件", "或 Parquet 文件")


def test_an_arrow_file_of_neither_magic_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "register.arrow"
    path.write_bytes(b"unit,name\nU1,n1\n" * 4)
    code, _, err = run("check", "yantai-2023-2025", "--register", str(path), "--log", "sample")
    _said_once(code, err, "register.arrow: not an Arrow IPC file: it does not begin with ARROW1")


# -- Parquet: damaged data said as damaged, its bytes shown, not run ------------------------


def _damaged_footer(path: Path) -> Path:
    """A Parquet file whose footer's first byte is 0x0e (Shift Out, which
    switches a terminal's character set): pyarrow's thrift reader says
    "Couldn't deserialize thrift: don't know what type: \\x0e", quoting it."""
    raw = _table(path).read_bytes()
    start = len(raw) - 8 - int.from_bytes(raw[-8:-4], "little")
    path.write_bytes(raw[:start] + b"\x0e" + raw[start + 1 :])
    return path


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_damaged_parquet_footer_is_a_damaged_file_with_what_to_do(
    tmp_path: Path, lang: str
) -> None:
    """pyarrow raises the builtin ``OSError`` (no errno) for damaged Parquet
    data: it was said as a file the system could not read ("cannot be read:
    Couldn't deserialize thrift: …"), with nothing to do, and the byte it
    quotes reached the terminal as it was. Now a damaged file, what to do, and
    the byte shown as ``\\x0e``."""
    path = _damaged_footer(tmp_path / "register.parquet")
    code, _, err = run(
        "--lang", lang, "check", "yantai-2023-2025", "--register", str(path), "--log", "sample"
    )
    if lang == "en":
        said = "register.parquet: not a readable Parquet or Arrow file: Couldn't deserialize"
        hint = "export the table again"
    else:
        said, hint = "不是可读的 Parquet 或 Arrow 文件", "请重新导出该表"
    _said_once(code, err, said, hint, "\\x0e")
    assert "\x0e" not in err


def test_damaged_parquet_figures_are_said_alike(tmp_path: Path) -> None:
    path = _damaged_footer(tmp_path / "figures.parquet")
    code, _, err = run("check", "yantai-2023-2025", str(path))
    _said_once(code, err, "figures.parquet: not a readable Parquet or Arrow file", "\\x0e")


# -- the command line: a NUL character in an argument ---------------------------------------


@pytest.mark.parametrize("option", ["-o", "--decision-log", "--mapping", "--encoding"])
def test_an_argument_holding_a_nul_character_is_a_usage_error(option: str) -> None:
    """No shell passes a NUL, but `main` called in a program does: ``-o`` and
    ``--decision-log`` of ``a\\0b`` were exit 3 ("embedded null byte"), so
    was ``--encoding`` ("embedded null character"), and ``--mapping``'s an
    ``UnboundLocalError``. Each is now exit 2 naming the argument."""
    argv = ("check", "yantai-2023-2025", "--register", "sample", "--log", "sample")
    code, _, err = run(*argv, option, "a\0b")
    _said_once(
        code,
        err,
        "the argument 'a\\x00b' holds a NUL character",
        "remove the character and try again",
    )
    code, _, err = run("--lang", "zh", *argv, option, "a\0b")
    _said_once(code, err, "含有 NUL 字符")


def test_a_mapping_path_holding_a_nul_character_is_a_data_error() -> None:
    """`read_register(..., mapping="a\\0b")` raised ``UnboundLocalError`` (the
    mapping's text read before it was assigned, in the handler of the
    ``ValueError`` that opening the path raised)."""
    with pytest.raises(DataError, match="the path holds a NUL character"):
        ColumnMapping.load("a\0b")
