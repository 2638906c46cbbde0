"""Findings of session 18's hunt for unbounded reads (helper bound18): inputs
of a few megabytes that expanded, as they were read, beyond every documented
limit (docs/security.md), each now refused before it expands, exit 2, in one
or two lines naming the file and what to do. The real-size cases run in a
process of their own and must stay under 200 MiB; the others lower a limit
(`qrules._limits`, as the module that checks it imports it)."""

from __future__ import annotations

import csv
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import pytest

from qrules import _decisions, _figures, _tabular

from .conftest import MINI, SAMPLES, run
from .test_limits import assert_bounded, measured

MIB = 2**20


def _register(path: Path, name: str | None = None, times: int = 1) -> Path:
    """The sample register (its rows ``times`` over) as a Parquet or Arrow
    file; each unit's name ``name`` when given, through a dictionary (the
    text written once however many rows hold it)."""
    pa = pytest.importorskip("pyarrow")
    with (SAMPLES / "register.csv").open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file)) * times
    columns = {key: pa.array([row[key] for row in rows]) for key in rows[0]}
    if name is not None:
        indices = pa.array([0] * len(rows), pa.int32())
        columns["name"] = pa.DictionaryArray.from_arrays(indices, pa.array([name]))
    table = pa.table(columns)
    if path.suffix == ".parquet":
        pytest.importorskip("pyarrow.parquet").write_table(table, path, compression="zstd")
    else:
        with pa.ipc.new_file(path, table.schema) as writer:
            writer.write_table(table)
    return path


def _said_once(code: int, err: str, name: str) -> None:
    assert code == 2, err
    assert name in err
    assert "Traceback" not in err
    assert "bug" not in err
    assert len(err.strip().splitlines()) <= 2, err


# -- Parquet and Arrow: what a file expands to as it is read -------------------------------


@pytest.mark.parametrize("engine", ["reference", "duckdb"])
def test_a_parquet_dictionary_bomb_is_refused_before_it_is_decoded(
    tmp_path: Path, engine: str
) -> None:
    """A 1 MB name written once in a column chunk's dictionary, named by each
    of 4,950 rows: a file of a few kilobytes whose footer says its data takes
    5 MB encoded, 4.95 GB decoded. pyarrow decoded it whole (memory up to the
    machine's, or "too large to read into memory" under a cap); it is now
    read dictionary-encoded, its decoded size counted from the indices and
    refused at once."""
    if engine == "duckdb":
        pytest.importorskip("duckdb")
    # (the sample register's 99 rows 50 times: 4.95 GB of names)
    path = _register(tmp_path / "register.parquet", "x" * 10**6, times=50)
    assert path.stat().st_size < MIB
    result = measured("check", "yantai-2023-2025", "--register", str(path), "--engine", engine)
    assert_bounded(result, 2, 20)
    assert "register.parquet: the file's data expands beyond 4,096 MiB as it is read" in result.err


@pytest.mark.parametrize("suffix", [".parquet", ".arrow"])
@pytest.mark.parametrize("reader", ["register", "figures"])
def test_a_dictionary_expanding_past_the_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str, reader: str
) -> None:
    """The same bound, lowered to 1 MiB, on both readers of such files: the
    column reader (a register) and the row reader (figures), Parquet and
    Arrow IPC (whose dictionaries stay encoded when read)."""
    monkeypatch.setattr(_tabular, "MAX_ARROW_BYTES", MIB)
    path = _register(tmp_path / f"register{suffix}", "x" * 100_000)
    argv = (
        ("check", "yantai-2023-2025", "--register", str(path))
        if reader == "register"
        else ("check", str(MINI), str(path))
    )
    code, _, err = run(*argv)
    _said_once(code, err, f"register{suffix}: the file's data expands beyond 1 MiB")
    code, _, err = run("--lang", "zh", *argv)
    _said_once(code, err, "读取时展开超过 1 MiB")


@pytest.mark.parametrize("compression", ["zstd", "lz4"])
def test_a_compressed_arrow_file_is_measured_before_it_is_decompressed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, compression: str
) -> None:
    """An Arrow IPC file's record batches compressed (a 10 MB column of one
    letter in kilobytes): pyarrow decompressed every batch as it read the
    file, whatever its size. Each body's size once decompressed is now read
    from its buffers' headers before any is decompressed (the bound lowered
    to 1 MiB; also without the batches' own count, so the headers alone
    refuse it)."""
    pa = pytest.importorskip("pyarrow")
    monkeypatch.setattr(_tabular, "MAX_ARROW_BYTES", MIB)
    path = tmp_path / "register.arrow"
    names = pa.array(["x" * 100_000] * 100)
    table = pa.table({"unit": pa.array([f"U{i}" for i in range(100)]), "name": names})
    options = pa.ipc.IpcWriteOptions(compression=compression)
    with pa.ipc.new_file(path, table.schema, options=options) as writer:
        writer.write_table(table)
    assert path.stat().st_size < 200_000
    code, _, err = run("check", "yantai-2023-2025", "--register", str(path))
    _said_once(code, err, "register.arrow: the file's data expands beyond 1 MiB")
    monkeypatch.setattr(_tabular, "_bounded", lambda path, batches: iter(batches))
    with pytest.raises(_tabular.DataError, match="expands beyond 1 MiB"):
        _tabular.arrow_batches(path)


def test_files_within_the_bound_are_read_as_before(tmp_path: Path) -> None:
    """Parquet and Arrow files of the sample register (compressed, or with
    a dictionary) are judged as the CSV file is."""
    compute = pytest.importorskip("pyarrow.compute")
    feather = pytest.importorskip("pyarrow.feather")
    want = run("check", "yantai-2023-2025", "--register", str(SAMPLES / "register.csv"))
    parquet = _register(tmp_path / "register.parquet")
    table = pytest.importorskip("pyarrow.parquet").read_table(parquet)
    arrow = tmp_path / "register.arrow"
    feather.write_feather(table, arrow, compression="lz4")
    dictionary = tmp_path / "dictionary.arrow"
    feather.write_feather(
        table.set_column(1, "name", compute.dictionary_encode(table.column("name"))),
        dictionary,
    )
    for path in (parquet, arrow, dictionary):
        code, out, err = run("check", "yantai-2023-2025", "--register", str(path))
        assert (code, out.replace(path.name, "register.csv")) == want[:2], err


# -- Arrow IPC files read through their footer (helper ipc18) ------------------------------


@pytest.mark.parametrize("compression", ["uncompressed", "lz4", "zstd"])
def test_an_arrow_file_written_by_polars_is_read(tmp_path: Path, compression: str) -> None:
    """An Arrow IPC file written by polars (``DataFrame.write_ipc``, with a
    categorical column) was refused as "Invalid flatbuffers message": its
    messages were walked as a stream after the magic, which polars lays out
    otherwise. It is read through its footer, the rows pyarrow's
    ``open_file`` reads, and the sample register judged as from CSV."""
    pl = pytest.importorskip("polars")
    pa = pytest.importorskip("pyarrow")
    path = tmp_path / "polars.arrow"
    frame = pl.DataFrame(
        {
            "unit": [f"U{i}" for i in range(1000)],
            "cat": pl.Series(["a", "b"] * 500, dtype=pl.Categorical),
        }
    )
    frame.write_ipc(path, compression=compression)
    want = pa.ipc.open_file(str(path)).read_all().to_pylist()
    _, batches = _tabular.arrow_batches(path)
    assert [row for batch in batches for row in batch.to_pylist()] == want
    register = pl.read_csv(SAMPLES / "register.csv", infer_schema=False)
    register = register.with_columns(pl.col("district").cast(pl.Categorical))
    arrow = tmp_path / "register.arrow"
    register.write_ipc(arrow, compression=compression)
    want_code = run("check", "yantai-2023-2025", "--register", str(SAMPLES / "register.csv"))
    code, out, err = run("check", "yantai-2023-2025", "--register", str(arrow))
    assert (code, out.replace(arrow.name, "register.csv")) == want_code[:2], err


@pytest.mark.parametrize("compression", ["zstd", "lz4"])
def test_a_compressed_dictionary_is_measured_before_it_is_decompressed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, compression: str
) -> None:
    """A dictionary batch compressed (a 2 MB value in a few kilobytes): its
    messages were passed over as of another type ("dictionary", not
    "dictionary batch"), so pyarrow decompressed it whole as it opened the
    file. It is now measured as record batches are (the bound lowered to
    1 MiB, without the batches' own count)."""
    pa = pytest.importorskip("pyarrow")
    monkeypatch.setattr(_tabular, "MAX_ARROW_BYTES", MIB)
    monkeypatch.setattr(_tabular, "_bounded", lambda path, batches: iter(batches))
    path = tmp_path / "register.arrow"
    names = pa.DictionaryArray.from_arrays(pa.array([0, 0], pa.int32()), pa.array(["x" * 2 * MIB]))
    table = pa.table({"unit": ["U1", "U2"], "name": names})
    options = pa.ipc.IpcWriteOptions(compression=compression)
    with pa.ipc.new_file(path, table.schema, options=options) as writer:
        writer.write_table(table)
    assert path.stat().st_size < 100_000
    with pytest.raises(_tabular.DataError, match="expands beyond 1 MiB"):
        _tabular.arrow_batches(path)


def _footer_block(path: Path) -> int:
    """Where the first record batch's ``Block`` is in an Arrow IPC file."""
    raw = path.read_bytes()
    length = int.from_bytes(raw[-10:-6], "little")
    start = len(raw) - 10 - length
    footer = _tabular._Flatbuffer(raw[start : len(raw) - 10])
    at = footer.table_at(footer.field(footer.number(0, 4), 3))
    assert at is not None
    return start + at + 4


@pytest.mark.parametrize(
    "damage",
    [
        "footer longer than the file",
        "block past the end",
        "block at the magic",
        "not a footer",
        "block at the stream's end",
    ],
)
def test_a_damaged_footer_is_refused_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    """An Arrow IPC file whose footer does not hold together (its length or
    a block's offset or length outside the file) is refused, exit 2, naming
    the file, before a message is read; the memory map is closed."""
    pa = pytest.importorskip("pyarrow")
    path = _register(tmp_path / "register.arrow")
    raw = bytearray(path.read_bytes())
    block = _footer_block(path)
    if damage == "footer longer than the file":
        raw[-10:-6] = len(raw).to_bytes(4, "little")
    elif damage == "block past the end":
        raw[block + 16 : block + 24] = (2**62).to_bytes(8, "little")
    elif damage == "block at the magic":
        raw[block : block + 8] = (0).to_bytes(8, "little")
    elif damage == "not a footer":
        raw[-10:-6] = (4).to_bytes(4, "little")
    else:  # (the message there made the stream's end marker: 0xFFFFFFFF, 0)
        offset = int.from_bytes(raw[block : block + 8], "little")
        raw[offset : offset + 8] = b"\xff\xff\xff\xff\0\0\0\0"
    path.write_bytes(bytes(raw))
    maps: list[Any] = []
    memory_map = pa.memory_map

    def recorded(*args: object) -> Any:
        maps.append(memory_map(*args))
        return maps[-1]

    monkeypatch.setattr(pa, "memory_map", recorded)
    with pytest.raises(_tabular.DataError, match=r"register\.arrow"):
        _tabular.arrow_batches(path)
    assert maps
    assert all(source.closed for source in maps)
    code, _, err = run("check", "yantai-2023-2025", "--register", str(path))
    _said_once(code, err, "register.arrow: not a readable Arrow file")
    code, _, err = run("--lang", "zh", "check", "yantai-2023-2025", "--register", str(path))
    _said_once(code, err, "不是可读的 Arrow 文件")


def test_an_arrow_batch_whose_offsets_point_past_its_data_is_refused(tmp_path: Path) -> None:
    """An Arrow IPC file whose string column's last offset points far past
    its data (one number changed): pyarrow read the batch as its metadata
    says and the process crashed (a segmentation fault, no message). Each
    batch is validated before it is read: exit 2 naming the file."""
    pa = pytest.importorskip("pyarrow")
    path = tmp_path / "register.arrow"
    table = pa.table({"unit": ["U1", "U2"], "name": ["n1", "n2"]})
    with pa.ipc.new_file(path, table.schema) as writer:
        writer.write_table(table)
    raw = path.read_bytes()
    offsets = b"".join(n.to_bytes(4, "little") for n in (0, 2, 4))
    assert offsets in raw
    at = raw.index(offsets) + 8
    path.write_bytes(raw[:at] + (2**30).to_bytes(4, "little") + raw[at + 4 :])
    result = measured("check", "yantai-2023-2025", "--register", str(path))
    assert_bounded(result, 2, 20)
    assert "register.arrow: not a readable Parquet or Arrow file" in result.err


# -- .xlsx: its shared strings, counted before openpyxl builds them -------------------------


def _workbook(path: Path, strings: int, prefix: str = "") -> Path:
    """An ``.xlsx`` file whose sheet uses two of ``strings`` shared strings,
    each a few bytes, written ``<si>`` (or with a namespace ``prefix``)."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    tag = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns{":" + prefix if prefix else ""}="{ns}"'
    strings_xml = (
        f"<{tag}sst {xmlns}>"
        + f"<{tag}si><{tag}t>unit</{tag}t></{tag}si><{tag}si><{tag}t>U1</{tag}t></{tag}si>"
        + "".join(
            f"<{tag}si><{tag}t>{i * 2654435761 % 2**32:x}</{tag}t></{tag}si>"
            for i in range(strings - 2)
        )
        + f"</{tag}sst>"
    )
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{kind}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{kind}.worksheet+xml"/>'
            f'<Override PartName="/xl/strings.xml" ContentType="{kind}.sharedStrings+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{package}"><Relationship Id="rId1" '
            f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{ns}" xmlns:r="{rel}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{package}">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="strings.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{ns}"><sheetData>'
            '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
            '<row r="2"><c r="A2" t="s"><v>1</v></c></row>'
            "</sheetData></worksheet>"
        ),
        "xl/strings.xml": strings_xml,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


def test_an_xlsx_of_a_million_tiny_shared_strings_is_refused_at_once(tmp_path: Path) -> None:
    """1,100,000 shared strings of a few bytes in a 6 MB file, within the part
    limits (21 MB, 3 times compressed): openpyxl built each (a million took
    84 s here, three million 100 s and 515 MB in session 17). Their tags are
    now counted in the part's XML first, and the file refused in a second."""
    pytest.importorskip("openpyxl")
    path = _workbook(tmp_path / "strings.xlsx", 1_100_000)
    assert path.stat().st_size < 8 * MIB
    result = measured("check", str(MINI), str(path))
    assert_bounded(result, 2, 20)
    assert (
        "strings.xlsx: part 'xl/strings.xml' holds 1,100,000 shared strings, "
        "over the 1,048,576 qrules reads"
    ) in result.err


@pytest.mark.parametrize("prefix", ["", "x"])
def test_shared_strings_over_a_lowered_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prefix: str
) -> None:
    """The count reads the part the content types name (not only
    ``sharedStrings.xml``), tags with a namespace prefix too, across the
    chunks it reads; a workbook within the bound is read."""
    pytest.importorskip("openpyxl")
    path = _workbook(tmp_path / "strings.xlsx", 300_000, prefix)
    monkeypatch.setattr(_tabular, "MAX_XLSX_SHARED_STRINGS", 299_999)
    code, _, err = run("check", str(MINI), str(path))
    _said_once(code, err, "holds 300,000 shared strings, over the 299,999 qrules reads")
    code, _, err = run("--lang", "zh", "check", str(MINI), str(path))
    _said_once(code, err, "有 300,000 个共享字符串")
    monkeypatch.setattr(_tabular, "MAX_XLSX_SHARED_STRINGS", 300_000)
    code, _, err = run("check", str(MINI), str(path))
    assert "shared strings" not in err


# -- qrules audit: the lines of a decision log ---------------------------------------------


def test_a_decision_log_of_a_million_lines_is_refused_at_once(tmp_path: Path) -> None:
    """1,000,001 lines of ``x`` (2 MB): each was a finding, held and printed
    (a million took 82 s and 640 MB). The lines are now counted first."""
    path = tmp_path / "decisions.jsonl"
    path.write_bytes(b"x\n" * 1_000_001)
    result = measured("audit", str(path))
    assert_bounded(result, 2, 20)
    assert "decisions.jsonl: the decision log has more than 1,000,000 lines" in result.err
    assert "start a new log file" in result.err


def test_a_decision_log_over_a_lowered_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lines counted with or without a last line end, and bytes from the
    file's size; a log within both is audited."""
    path = tmp_path / "decisions.jsonl"
    path.write_bytes(b"x\n" * 10 + b"x")
    monkeypatch.setattr(_decisions, "MAX_DECISION_LOG_LINES", 10)
    code, _, err = run("audit", str(path))
    _said_once(code, err, "more than 10 lines (at least 11)")
    code, _, err = run("--lang", "zh", "audit", str(path))
    _said_once(code, err, "决策日志超过 10 行")
    monkeypatch.setattr(_decisions, "MAX_DECISION_LOG_LINES", 11)
    code, out, err = run("audit", str(path))
    assert code == 1, err
    assert "line 11: not a decision log record" in out
    monkeypatch.setattr(_decisions, "MAX_DECISION_LOG_BYTES", 20)
    code, _, err = run("audit", str(path))
    _said_once(code, err, "the decision log is 21 bytes, over the 0 MiB")


# -- other reads: a JSON dataset's values, a database file's tables --------------------------


def test_a_json_dataset_of_a_million_values_is_refused_before_it_is_parsed(
    tmp_path: Path,
) -> None:
    """``[{},{},…]``: 3 MB, well within the 64 MiB bound, made a million
    dictionaries before any was looked at. Its values are counted first."""
    path = tmp_path / "figures.json"
    path.write_bytes(b"[" + b"{}," * 1_100_000 + b"{}]")
    result = measured("check", str(MINI), str(path))
    assert_bounded(result, 2, 20)
    assert "figures.json: the JSON dataset's values, counted by its commas" in result.err
    assert "are 2,200,003: over the 1,000,000 qrules reads" in result.err
    assert "over the 1,000,000 qrules reads" in result.err


def test_a_json_dataset_within_a_lowered_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "figures.json"
    path.write_text('[{"year": 2025, "measure": "firms", "value": 98}]', encoding="utf-8")
    monkeypatch.setattr(_figures, "MAX_JSON_DATASET_VALUES", 4)
    code, _, err = run("check", str(MINI), str(path))
    _said_once(
        code,
        err,
        "counted by its commas and brackets before it is parsed (those in strings too), are 5",
    )
    monkeypatch.setattr(_figures, "MAX_JSON_DATASET_VALUES", 5)
    code, _, err = run("check", str(MINI), str(path))
    assert "values" not in err


@pytest.mark.parametrize("scheme", ["duckdb", "sqlite"])
def test_a_database_files_table_over_the_bounds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scheme: str
) -> None:
    """A table of a database file given by URL was fetched whole, whatever it
    held: a DuckDB file stores a value repeated in every row once (a 1 MB text
    in a million rows would be a terabyte fetched). The database now counts
    its cells and its values' bytes first, over at most one row more than
    the cells allow (a view without end stops there): the bounds of a Parquet
    file, lowered here."""
    path = tmp_path / f"office.{scheme}"
    text = "x" * 10_000
    if scheme == "duckdb":
        duckdb = pytest.importorskip("duckdb")
        with duckdb.connect(str(path)) as connection:
            connection.execute(
                "CREATE TABLE register AS SELECT * FROM read_csv(?, all_varchar = true)",
                [str(SAMPLES / "register.csv")],
            )
            connection.execute("UPDATE register SET name = ?", [text])
            connection.execute("CREATE VIEW endless AS SELECT * FROM register, range(10000000000)")
    else:
        with (SAMPLES / "register.csv").open(encoding="utf-8") as file:
            rows = list(csv.reader(file))
        connection = sqlite3.connect(path)
        columns = ", ".join(f'"{c}"' for c in rows[0])
        connection.execute(f"CREATE TABLE register ({columns})")
        connection.executemany(
            f"INSERT INTO register VALUES ({', '.join('?' * len(rows[0]))})",
            [[row[0], text, *row[2:]] for row in rows[1:]],
        )
        connection.commit()
        connection.close()
    url = f"{scheme}:///{path}"
    monkeypatch.setattr(_tabular, "MAX_ARROW_BYTES", 900_000)
    code, _, err = run("check", "yantai-2023-2025", "--register", f"{url}?table=register")
    _said_once(code, err, "office.")
    assert "more than 0 MiB of values as text" in err
    assert "--database" in err
    monkeypatch.setattr(_tabular, "MAX_ARROW_BYTES", 2 * MIB)
    code, _, err = run("check", "yantai-2023-2025", "--register", f"{url}?table=register")
    assert code == 1, err  # within the bounds: read and judged
    monkeypatch.setattr(_tabular, "MAX_ARROW_CELLS", 1_000)  # (the register: 99 rows of 11)
    # (A SQLite view of a recursive query joined to a table is made whole
    # before its first row, LIMIT or not: docs/security.md says so.)
    table = "endless" if scheme == "duckdb" else "register"
    code, _, err = run("check", "yantai-2023-2025", "--register", f"{url}?table={table}")
    _said_once(code, err, "office.")
    assert "holds more than 1,000 cells" in err
