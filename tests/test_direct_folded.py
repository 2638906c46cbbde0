"""Proofs of the CSV route (`qrules.records.direct`) made cheaper: each test
holds a cheaper proof to the case it guards (the route declines, and the
command line says what the readers say) and to the cases it must let through
(the route is taken, and reads the records the readers read)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qrules._limits import MAX_CSV_FIELD_CHARS
from qrules.records import direct
from tests import test_direct as base
from tests.conftest import records_options

pytest.importorskip("duckdb")
pytest.importorskip("pyarrow")
pytest.importorskip("sqlglot")


def _argv(register: Path, log: Path) -> tuple[str, ...]:
    return (
        "check",
        base.RULEBOOK,
        *records_options(register, log),
        "--format",
        "json",
    )


def _read(register: Path, log: Path, mapping: Any = None) -> Any:
    """Whether the route reads the records the readers read (``None`` where it
    declines), and the readers' register."""
    from qrules._columns import read_records  # noqa: PLC0415

    readers = read_records(str(register), str(log), mapping=mapping)
    found = direct.read_files(str(register), str(log), mapping=mapping)
    if found is None:
        return None, readers[0]
    try:
        return (found.register, found.log) == readers, readers[0]
    finally:
        found.close()


# -- a field longer than the csv module reads: a filter on row-group statistics ---------


@pytest.mark.parametrize(
    ("table", "column"), [("register", 1), ("register", 2), ("log", 0), ("log", 4)]
)
@pytest.mark.parametrize("extra", [0, 1])
def test_a_field_longer_than_the_readers_read_declines_by_its_length(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, table: str, column: int, extra: int
) -> None:
    """DuckDB's own limit on a line lifted, a text of one character more than
    the csv module reads still declines the route (the count of longer texts,
    which DuckDB answers from each row group's statistics); one of exactly
    as many is read (and the readers read it too)."""
    monkeypatch.setattr(direct, "_LONGEST_LINE", 1 << 22)
    register_rows, log_rows = base._clean_register(30), base._clean_log(30, 50)
    cell = "x" * (MAX_CSV_FIELD_CHARS + extra)
    if (table, column) == ("log", 4):
        cell = "compliant" + " " * (MAX_CSV_FIELD_CHARS + extra - 9)  # not a code: declined
    (register_rows if table == "register" else log_rows)[5][column] = cell
    register = base._write(tmp_path / "register.csv", base.REGISTER, register_rows)
    log = base._write(tmp_path / "log.csv", base.LOG, log_rows)
    taken = base._taken(register, log)
    assert taken == (not extra and (table, column) != ("log", 4))
    with_route, without = base._both(monkeypatch, *_argv(register, log))
    assert with_route == without
    assert (without[0] == 2) == bool(extra)


def test_a_longer_field_is_found_in_any_row_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A log of three of DuckDB's row groups (122,880 rows each), one text too
    long in the last: the filter reads that row group (its statistics say its
    longest text is longer) and declines."""
    monkeypatch.setattr(direct, "_LONGEST_LINE", 1 << 22)
    register = base._write(tmp_path / "register.csv", base.REGISTER, base._clean_register(30))
    rows = base._clean_log(30, 300_000)
    log = base._write(tmp_path / "log.csv", base.LOG, rows)
    assert base._taken(register, log)
    rows[280_000][0] = "J" * (MAX_CSV_FIELD_CHARS + 1)
    base._write(log, base.LOG, rows)
    assert not base._taken(register, log)


# -- a plain file: ids unclean only when empty or a marker --------------------------------


#: Characters of UTF-8 at the edges of the CJK ideographs (U+4E00 to U+9FFF)
#: and beyond, and bytes that are not UTF-8 (a surrogate, an overlong form, a
#: character cut short, a lone continuation byte, a byte-order mark).
EDGES = [
    *(chr(c).encode() for c in (0x4E00, 0x4E01, 0x4FFF, 0x5000, 0x9000, 0x9FFF)),
    *(chr(c).encode() for c in (0x4DFF, 0xA000, 0x3000, 0xFF21, 0xE9, 0x1F600, 0x2014)),
    b"\xed\xa0\x80",
    b"\xe0\x80\x80",
    b"\xe4\xb8",
    b"\xe4",
    b"\x80",
    b"\xe4\xb7\xbf",
    b"\xef\xbb\xbf",
]


@settings(max_examples=300, deadline=None)
@given(
    parts=st.lists(
        st.sampled_from([b"a,b", b"x", b" ", b"\n", b"\r\n", b"\t", "单".encode(), *EDGES]),
        max_size=30,
    ),
    numpy=st.booleans(),
    chunk=st.sampled_from([1, 2, 3, 4, 5, 7, 1 << 22]),
)
def test_a_file_is_plain_when_ascii_or_ideographs_without_a_space(
    tmp_path_factory: Any, parts: list[bytes], numpy: bool, chunk: int
) -> None:
    """`_lines` tells a plain file (every character ASCII, none a space;
    counted with numpy, CJK ideographs too, proven UTF-8 without decoding
    them) in chunks of any size: the fast check of ids (`_unclean`) rests on
    it; any file that is not UTF-8 declines."""
    if numpy:
        pytest.importorskip("numpy")
    data = b"h1,h2\n" + b"".join(parts)
    path = tmp_path_factory.mktemp("plain") / "f.csv"
    path.write_bytes(data)
    descriptor = os.open(path, os.O_RDONLY)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(direct, "_NUMPY_BYTES", -1 if numpy else 1 << 40)
            patch.setattr(direct, "_CHUNK", chunk)
            found = direct._lines(descriptor, ",", 5)
    except direct._Declined:
        assert b"\t" in data or not _utf8(data)
        return
    finally:
        os.close(descriptor)
    assert _utf8(data)
    assert found.count == len(data.decode().replace("\r\n", "\n").splitlines())
    text = data.decode()
    ideographs = all(c.isascii() or "\u4e00" <= c <= "\u9fff" for c in text)
    # (A chunk of fewer bytes than a character is decoded: not plain then.)
    whole = numpy and chunk >= 3
    assert found.plain == (" " not in text and (text.isascii() or (whole and ideographs)))
    assert found.ascii == data.isascii()  # (else markers of ideographs are looked for)


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_a_chunk_ends_where_a_character_does() -> None:
    """`_whole`: a chunk cut before the first byte of a character whose
    other bytes are not in it; nothing cut otherwise."""
    one = "单".encode()  # e5 8d 95
    assert direct._whole(b"ab" + one) == 5
    assert direct._whole(b"ab" + one[:2]) == 2
    assert direct._whole(b"ab" + one[:1]) == 2
    assert direct._whole(b"a\xc3") == 1
    assert direct._whole(b"a\xf0\x9f\x98") == 1
    assert direct._whole(b"a\xf0\x9f\x98\x80") == 5
    assert direct._whole(b"\x80\x80\x80") == 3  # (not UTF-8: the decoder says so)
    assert direct._whole(b"") == 0
    assert direct._whole(one[:2]) == 2  # (never cut to nothing)


def _plain_register(units: int) -> list[list[str]]:
    """A register of ASCII without a space (`_Lines.plain`)."""
    rows = base._clean_register(units)
    for row in rows:
        row[1], row[2] = f"Unit{row[0]}", f"d{len(row[0])}"
    return rows


def _plain(path: Path, *, numpy: bool = False) -> bool:
    """Whether `_lines` finds the file plain (counted with numpy, or without)."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(direct, "_NUMPY_BYTES", -1 if numpy else 1 << 40)
            return direct._lines(descriptor, ",", path.read_bytes().index(b"\n")).plain
    finally:
        os.close(descriptor)


def _with_marker(
    tmp_path: Path, register_rows: list[list[str]], table: str, column: int, value: str
) -> tuple[Path, Path]:
    """The register and a clean log, ``value`` written in one cell of the
    log's row 8 or the register's row 5 (the unit U4; an id there, no log row
    of that unit: the register alone decides)."""
    log_rows = base._clean_log(30, 50)
    if table == "log":
        log_rows[7][column] = value
    else:
        register_rows[4][column] = value
        if column == 0:
            for row in log_rows:
                row[1] = "U0"
    return (
        base._write(tmp_path / "register.csv", base.REGISTER, register_rows),
        base._write(tmp_path / "log.csv", base.LOG, log_rows),
    )


@pytest.mark.parametrize(
    ("table", "value", "taken"),
    [
        ("log", "NULL", False),
        ("log", "N/A", False),
        ("log", "nA", False),
        ("log", "-", False),
        ("log", "/", False),
        ("log", "None", False),
        ("log", "NAN", True),  # not a marker
        ("log", "nulls", True),
        ("log", "J-", True),
        ("register", "NA", False),
        ("register", "null", False),
        ("register", "Nul", True),
    ],
)
def test_a_marker_in_a_plain_file_declines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, table: str, value: str, taken: bool
) -> None:
    """In a plain file an inspection id or a unit id is unclean only when it
    is a missing marker (in any case): the route declines exactly then."""
    register, log = _with_marker(tmp_path, _plain_register(30), table, 0, value)
    assert _plain(register)
    assert _plain(log)
    assert base._taken(register, log) == taken
    with_route, without = base._both(monkeypatch, *_argv(register, log))
    assert with_route == without


def _ideographs_register(units: int) -> list[list[str]]:
    """A register of ASCII and CJK ideographs without a space."""
    rows = base._clean_register(units)
    for row in rows:
        row[1] = f"单位{row[0]}"
    return rows


@pytest.mark.parametrize(
    ("table", "column", "value", "taken"),
    [
        ("log", 0, "无", False),
        ("log", 0, "暂无", False),
        ("log", 0, "NA", False),
        ("log", 0, "无J", True),  # not a marker
        ("log", 0, "暂无暂", True),
        ("register", 0, "无", False),
        ("register", 0, "暂无", False),
        ("register", 0, "none", False),
        ("register", 0, "有", True),
        ("register", 1, "无", True),  # a name that is a marker: no name, as the readers read it
        ("register", 1, "暂无", True),
        ("register", 1, "n/a", True),
    ],
)
def test_a_marker_in_a_file_of_ideographs_declines(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    table: str,
    column: int,
    value: str,
    taken: bool,
) -> None:
    """A file of ASCII and CJK ideographs without a space, counted with numpy,
    is plain: an id there is unclean only when empty or a missing marker,
    ideographs (``无``) among them; a name only when empty. The route
    declines exactly when the readers read otherwise."""
    pytest.importorskip("numpy")
    monkeypatch.setattr(direct, "_NUMPY_BYTES", -1)
    register, log = _with_marker(tmp_path, _ideographs_register(30), table, column, value)
    assert _plain(register, numpy=True)
    assert _plain(log, numpy=True)
    assert not _plain(register)  # (without numpy: not plain, every id read)
    assert base._taken(register, log) == taken
    with_route, without = base._both(monkeypatch, *_argv(register, log))
    assert with_route == without


@pytest.mark.parametrize("marker", [None, "NA", "none", "无", "暂无", "—"])
@pytest.mark.parametrize("form", ["ascii", "ideographs", "spaced"])
def test_a_name_that_is_a_marker_reads_as_no_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, marker: str | None, form: str
) -> None:
    """Names that are missing markers counted while the register is proven:
    with one, the rows' names are each tested (it reads as no name, as the
    readers read it); with none, not. In a plain file of ASCII, of
    ideographs (counted with numpy), and in one with spaces."""
    if form == "ideographs":
        pytest.importorskip("numpy")
        monkeypatch.setattr(direct, "_NUMPY_BYTES", -1)
    rows = {"ascii": _plain_register, "ideographs": _ideographs_register}.get(
        form, base._clean_register
    )(30)
    if marker is not None:
        rows[4][1] = marker
    register = base._write(tmp_path / "register.csv", base.REGISTER, rows)
    log = base._write(tmp_path / "log.csv", base.LOG, base._clean_log(30, 50))
    same, units = _read(register, log)
    assert same is True
    names = {u.unit: u.name for u in units}
    assert names["U4"] == ("" if marker is not None else rows[4][1])


# -- flags read as an ENUM of their spellings --------------------------------------------


def _spelled(
    tmp_path: Path, flags: list[str], columns: tuple[int, ...] = (8, 10)
) -> tuple[Path, Path]:
    """A register with these flags in its bright-kitchen (8) and grid (10) columns."""
    rows = base._clean_register(max(30, len(flags)))
    for row, flag in zip(rows, flags, strict=False):
        for column in columns:
            row[column] = flag
    register = base._write(tmp_path / "register.csv", base.REGISTER, rows)
    log = base._write(tmp_path / "log.csv", base.LOG, base._clean_log(len(rows), 60))
    return register, log


def test_every_spelling_of_a_flag_is_read_as_the_readers_read_it(tmp_path: Path) -> None:
    from qrules.records.read import FLAG_WORDS  # noqa: PLC0415

    spellings = sorted(direct._spellings(_reader(), "bright_kitchen") or {})
    assert {s.lower() for s in spellings} == set(FLAG_WORDS)
    assert {"TRUE", "tRuE", "Y", "是", "F", "nO"} <= set(spellings)
    register, log = _spelled(tmp_path, spellings)
    same, _ = _read(register, log)
    assert same is True


def _reader() -> Any:
    from qrules.records.read import RowReader, column_mapping, fetched_rows  # noqa: PLC0415

    rows = fetched_rows("register.csv", base.REGISTER, iter(()))
    return RowReader(rows, "register", column_mapping(None), ("unit", "category"), None)


@pytest.mark.parametrize("flag", [" yes", "yes ", "ＹＥＳ", "yes!", "是的", "true1"])
def test_a_flag_not_spelled_as_a_word_declines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flag: str
) -> None:
    """A flag the readers read otherwise than as written (spaces, full-width
    letters) or reject: not a member of the ENUM, DuckDB's error, the readers'."""
    register, log = _spelled(tmp_path, ["true", flag])
    assert not base._taken(register, log)
    with_route, without = base._both(monkeypatch, *_argv(register, log))
    assert with_route == without


def test_a_flag_code_of_many_letters_is_read_one_value_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A mapping's flag code with more spellings than an ENUM holds
    (`_MOST_SPELLINGS`): the column is text, its values read one by one."""
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(
        '[register.codes.bright_kitchen]\n"connectedtoplatform" = true\n', encoding="utf-8"
    )
    flags = ["ConnectedToPlatform", "no", "connectedtoplatform"]
    register, log = _spelled(tmp_path, flags, (8,))
    same, units = _read(register, log, str(mapping))
    assert same is True
    assert sum("bright_kitchen" in u.flags for u in units) >= 2
    argv = (*_argv(register, log), "--mapping", str(mapping))
    with_route, without = base._both(monkeypatch, *argv)
    assert with_route == without
