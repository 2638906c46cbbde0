"""No traceback reaches a user: every subcommand, run on a catalogue of bad
inputs, exits 2 (or 0/1) with one or two lines naming the file, row, column or
database, and exits 3 only for a bug (with its traceback only under --debug)."""

from __future__ import annotations

import csv
import io
import json
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qrules.cli
from qrules.cli import main

from .bad_inputs import (
    REGISTER,
    broken_xlsx,
    long_field_csv,
    nested_json,
    nested_toml,
    rulebook_copy,
    xlsx_bomb,
)
from .conftest import MINI
from .records_strategies import records
from .strategies import decimal_text, decimals, language_text, measure_ids

YANTAI = "yantai-2023-2025"
COMMANDS = (
    "check",
    "report",
    "list",
    "show",
    "export",
    "validate",
    "lint",
    "diff",
    "changelog",
    "schema",
)


def run(*argv: str) -> tuple[int, str, str]:
    """``qrules`` in process, its standard output strict UTF-8 as a terminal's."""
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="utf-8", errors="strict", write_through=True)
    err = io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, raw.getvalue().decode("utf-8"), err.getvalue()


def assert_clean(
    result: tuple[int, str, str], *names: str, codes: tuple[int, ...] = (2,), lines: int = 2
) -> None:
    """An expected failure: the exit code, no traceback, at most ``lines``
    lines, and each of ``names`` (a file, row, column, database) in the message
    (``validate`` writes its report to standard output)."""
    code, out, err = result
    assert "Traceback" not in out + err
    assert code in codes, (code, err)
    if code == 2:
        message = err.strip() or out.strip()
        assert message
        assert len(message.splitlines()) <= lines, message
        for name in names:
            assert name in message, (name, message)


# -- the catalogue: every subcommand on each bad input ----------------------------

#: A case: what the subcommand is given, built in a folder; the names its
#: message must hold.
Case = Callable[[Path], tuple[list[str], list[str]]]
CASES: dict[str, Case] = {}


def case(function: Case) -> Case:
    CASES[function.__name__.removeprefix("_")] = function
    return function


@case
def _missing_dataset(tmp: Path) -> tuple[list[str], list[str]]:
    return ["check", str(MINI), str(tmp / "nosuch.csv")], ["nosuch.csv"]


@case
def _dataset_is_a_folder(tmp: Path) -> tuple[list[str], list[str]]:
    return ["check", str(MINI), str(tmp)], [tmp.name]


@case
def _missing_register(tmp: Path) -> tuple[list[str], list[str]]:
    return ["check", YANTAI, "--register", str(tmp / "nosuch.csv")], ["nosuch.csv"]


@case
def _register_is_a_folder(tmp: Path) -> tuple[list[str], list[str]]:
    return ["check", YANTAI, "--register", str(tmp)], [tmp.name]


@case
def _missing_log(tmp: Path) -> tuple[list[str], list[str]]:
    return (
        ["check", YANTAI, "--register", str(REGISTER), "--log", str(tmp / "no.csv")],
        ["no.csv"],
    )


@case
def _missing_mapping(tmp: Path) -> tuple[list[str], list[str]]:
    return (
        ["check", YANTAI, "--register", str(REGISTER), "--mapping", str(tmp / "m.toml")],
        ["m.toml"],
    )


@case
def _corrupt_parquet(tmp: Path) -> tuple[list[str], list[str]]:
    path = tmp / "register.parquet"
    path.write_bytes(b"PAR1 not really parquet PAR")
    return ["check", YANTAI, "--register", str(path)], ["register.parquet"]


@case
def _truncated_parquet(tmp: Path) -> tuple[list[str], list[str]]:
    pyarrow = pytest.importorskip("pyarrow")
    parquet = pytest.importorskip("pyarrow.parquet")
    path = tmp / "cut.parquet"
    parquet.write_table(
        pyarrow.table({"unit": ["U1"] * 1000, "category": ["catering"] * 1000}), path
    )
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2] + data[-8:])  # the footer's magic, no footer
    return ["check", YANTAI, "--register", str(path)], ["cut.parquet"]


@case
def _corrupt_xlsx(tmp: Path) -> tuple[list[str], list[str]]:
    path = tmp / "register.xlsx"
    path.write_bytes(b"PK\x03\x04 not a zip")
    return ["check", YANTAI, "--register", str(path)], ["register.xlsx"]


@case
def _damaged_xlsx_sheet(tmp: Path) -> tuple[list[str], list[str]]:
    pytest.importorskip("openpyxl")
    return (["check", YANTAI, "--register", str(broken_xlsx(tmp / "broken.xlsx"))], ["broken.xlsx"])


@case
def _xlsx_bomb(tmp: Path) -> tuple[list[str], list[str]]:
    pytest.importorskip("openpyxl")
    return (
        ["check", YANTAI, "--register", str(xlsx_bomb(tmp / "bomb.xlsx", 8))],
        ["bomb.xlsx", "sheet1.xml"],
    )


@case
def _deeply_nested_json(tmp: Path) -> tuple[list[str], list[str]]:
    return ["check", str(MINI), str(nested_json(tmp / "deep.json"))], ["deep.json"]


@case
def _deeply_nested_mapping(tmp: Path) -> tuple[list[str], list[str]]:
    return (
        [
            "check",
            YANTAI,
            "--register",
            str(REGISTER),
            "--mapping",
            str(nested_toml(tmp / "deep.toml")),
        ],
        ["deep.toml"],
    )


@case
def _lone_surrogate(tmp: Path) -> tuple[list[str], list[str]]:
    data = tmp / "surrogate.json"
    data.write_text(
        '[{"year": 2025, "district": "A\\ud800", "measure": "firms", "value": 300}]',
        encoding="utf-8",
    )
    return ["check", str(MINI), str(data)], ["surrogate.json", "item 0", "district"]


@case
def _huge_exponent(tmp: Path) -> tuple[list[str], list[str]]:
    data = tmp / "exponent.json"
    data.write_text('[{"year": 2025, "measure": "firms", "value": 1e100000000}]', encoding="utf-8")
    return ["check", str(MINI), str(data)], ["exponent.json", "item 0", "value"]


@case
def _long_integer_json(tmp: Path) -> tuple[list[str], list[str]]:
    data = tmp / "digits.json"
    data.write_text(
        '[{"year": 2025, "measure": "firms", "value": ' + "9" * 5000 + "}]", encoding="utf-8"
    )
    return ["check", str(MINI), str(data)], ["digits.json", "value"]


@case
def _long_number_csv(tmp: Path) -> tuple[list[str], list[str]]:
    data = tmp / "digits.csv"
    data.write_text("year,measure,value\n2025,firms," + "9" * 5000 + "\n", encoding="utf-8")
    return ["check", str(MINI), str(data)], ["digits.csv", "row 2", "value"]


@case
def _long_field_dataset(tmp: Path) -> tuple[list[str], list[str]]:
    data = long_field_csv(tmp / "field.csv", "year,measure,value", "2025,{},1")
    return ["check", str(MINI), str(data)], ["field.csv", "line 2"]


@case
def _long_field_register(tmp: Path) -> tuple[list[str], list[str]]:
    data = long_field_csv(tmp / "field.csv", "unit,category", "{},catering")
    return ["check", YANTAI, "--register", str(data)], ["field.csv", "line 2"]


@case
def _duckdb_url_of_a_csv(tmp: Path) -> tuple[list[str], list[str]]:
    pytest.importorskip("duckdb")
    return ["check", YANTAI, "--database", f"duckdb:///{REGISTER}"], ["register.csv"]


@case
def _postgres_unreachable(tmp: Path) -> tuple[list[str], list[str]]:
    pytest.importorskip("psycopg")
    return (
        ["check", YANTAI, "--database", "postgresql://qrules:secret@127.0.0.1:1/none"],
        ["127.0.0.1:1", "PostgreSQL"],
    )


@case
def _output_into_a_missing_folder(tmp: Path) -> tuple[list[str], list[str]]:
    return ["export", str(MINI), "-o", str(tmp / "no" / "out.json")], [str(tmp / "no")]


@case
def _output_onto_a_folder(tmp: Path) -> tuple[list[str], list[str]]:
    return ["lint", str(MINI), "-o", str(tmp)], [str(tmp)]


@case
def _output_onto_the_dataset(tmp: Path) -> tuple[list[str], list[str]]:
    data = tmp / "figures.csv"
    data.write_text("year,measure,value\n2025,firms,300\n", encoding="utf-8")
    return ["check", str(MINI), str(data), "-o", str(data)], ["figures.csv", "input"]


@case
def _output_onto_the_register(tmp: Path) -> tuple[list[str], list[str]]:
    register = tmp / "register.csv"
    register.write_bytes(REGISTER.read_bytes())
    return (
        [
            "report",
            YANTAI,
            "--register",
            str(register),
            "--format",
            "markdown",
            "-o",
            str(register),
        ],
        ["register.csv", "input"],
    )


@case
def _output_onto_a_rule_file(tmp: Path) -> tuple[list[str], list[str]]:
    folder = rulebook_copy(tmp)
    return (["export", str(folder), "-o", str(folder / "rules.toml")], ["rules.toml", "input"])


@case
def _output_onto_a_shipped_rule_file(tmp: Path) -> tuple[list[str], list[str]]:
    shipped = Path(qrules.load(YANTAI).path) / "plan.toml"
    return ["diff", YANTAI, YANTAI, "-o", str(shipped)], ["plan.toml", "input"]


@case
def _missing_rulebook_folder(tmp: Path) -> tuple[list[str], list[str]]:
    return ["lint", str(tmp / "nosuch")], ["nosuch"]


@case
def _rulebook_toml_nested(tmp: Path) -> tuple[list[str], list[str]]:
    folder = rulebook_copy(tmp)
    nested_toml(folder / "rules.toml")
    return ["export", str(folder)], ["rules.toml"]


@case
def _rulebook_not_utf8(tmp: Path) -> tuple[list[str], list[str]]:
    folder = rulebook_copy(tmp)
    (folder / "rules.toml").write_bytes(b"\xff\xfe[[rule]]\n")
    return ["show", str(folder), "firms"], ["rules.toml"]


@case
def _diff_of_a_missing_rulebook(tmp: Path) -> tuple[list[str], list[str]]:
    return ["changelog", str(MINI), str(tmp / "gone")], ["gone"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_bad_input_is_two_lines_and_exit_2(name: str, tmp_path: Path) -> None:
    argv, names = CASES[name](tmp_path)
    assert_clean(run(*argv), *names, lines=3)


@pytest.fixture
def tables(postgres: Any) -> Iterator[tuple[str, str]]:
    """A register and a log table of PostgreSQL, each with a text column where a
    date is read (names of their own: tests run side by side)."""
    suffix = uuid.uuid4().hex[:8]
    register, log = f"bad_register_{suffix}", f"bad_log_{suffix}"
    postgres.execute(f"CREATE TABLE {register} (unit text, category text, registered text)")
    postgres.execute(f"INSERT INTO {register} VALUES ('U1', 'catering', 'not a date')")
    postgres.execute(f"CREATE TABLE {log} (unit text, date text)")
    postgres.execute(f"INSERT INTO {log} VALUES ('U1', '2024-01-05')")
    yield register, log
    postgres.execute(f"DROP TABLE {register}")
    postgres.execute(f"DROP TABLE {log}")


def test_postgres_failures_are_exit_2(
    postgres_url: str, tables: tuple[str, str], tmp_path: Path
) -> None:
    register, log = tables
    base = postgres_url.rsplit("/", 1)[0]
    assert_clean(run("check", YANTAI, "--database", f"{base}/no_such_database"), "no_such_database")
    assert_clean(
        run("check", YANTAI, "--database", postgres_url, "--register-table", "no_such_table"),
        "no_such_table",
    )
    # A date column of text, in the log then in the register: read as YYYY-MM-DD,
    # or its row rejected and named (issue 11), never a traceback.
    code, out, err = run(
        "check",
        YANTAI,
        "--database",
        postgres_url,
        "--register-table",
        register,
        "--log-table",
        log,
    )
    assert_clean((code, out, err), codes=(0, 1))
    assert "'not a date' is not a date" in out
    assert_clean(
        run(
            "check",
            YANTAI,
            "--database",
            postgres_url,
            "--register-table",
            register,
            "--log-table",
            "no_such_log",
        ),
        "no_such_log",
    )
    # A NUL in a cell, copied into PostgreSQL.
    nul = tmp_path / "nul.csv"
    nul.write_text("unit,name,category\nU1,a\x00b,catering\n", encoding="utf-8")
    assert_clean(
        run(
            "check",
            YANTAI,
            "--register",
            str(nul),
            "--engine",
            "postgres",
            "--database",
            postgres_url,
        ),
        "NUL",
    )


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "secret.csv"
    data.write_text("year,measure,value\n", encoding="utf-8")
    register = tmp_path / "register.csv"
    register.write_bytes(REGISTER.read_bytes())
    if os.geteuid() == 0:  # root reads every file: the OS's answer is played instead
        real = Path.read_bytes

        def read_bytes(path: Path) -> bytes:
            if path.name in ("secret.csv", "register.csv"):
                raise PermissionError(13, "Permission denied", str(path))
            return real(path)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)
        real_open = Path.open

        def open_(path: Path, *args: Any, **kwargs: Any) -> Any:  # the column-wise reader's
            if path.name in ("secret.csv", "register.csv"):
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr(Path, "open", open_)
        real_os_open = os.open

        def os_open(path: Any, *args: Any, **kwargs: Any) -> Any:  # records/direct.py's
            if Path(path).name in ("secret.csv", "register.csv"):
                raise PermissionError(13, "Permission denied", str(path))
            return real_os_open(path, *args, **kwargs)

        monkeypatch.setattr(os, "open", os_open)
    else:
        data.chmod(0)
        register.chmod(0)
    assert_clean(run("check", str(MINI), str(data)), "secret.csv")
    assert_clean(
        run("check", YANTAI, "--register", str(register)), "register.csv", "permission denied"
    )


def test_a_password_is_not_shown() -> None:
    pytest.importorskip("psycopg")
    code, _, err = run(
        "check", YANTAI, "--database", "postgresql://qrules:hunter2@127.0.0.1:1/none"
    )
    assert code == 2
    assert "hunter2" not in err
    assert "qrules:***@127.0.0.1:1" in err


@pytest.mark.parametrize(
    ("secret", "quoted"),
    [
        ("pa ss", ['"pa ss"', "pa ss"]),  # libpq: unexpected spaces found in "pa ss"
        ("p@ss", ["p@ss", "'ss@"]),  # psycopg: failed to resolve host 'ss@127.0.0.1'
        ("p@s s", ["p@s s", '"s s@']),  # both: the tail with a space, quoted
    ],
)
def test_a_malformed_password_is_not_shown(secret: str, quoted: list[str]) -> None:
    """A driver quotes what it cannot read of a URL: the password, or a tail of
    it read as a host; neither is shown, in English or Chinese."""
    pytest.importorskip("psycopg")
    url = f"postgresql://u:{secret}@127.0.0.1:1/db"
    for lang in ("en", "zh"):
        code, out, err = run("--lang", lang, "check", YANTAI, "--database", url)
        assert code == 2
        assert "Traceback" not in err
        for text in quoted:
            assert text not in out + err
        assert "u:***@127.0.0.1:1" in err
        said = err.split("PostgreSQL", 1)[1]
        # The driver's message, masked; or (a host not found: p@ss makes the
        # host ss@127.0.0.1) none, the catalog's words saying the server is
        # not reached.
        assert "***" in said or said.startswith((": the server cannot be reached", " 服务器"))


@pytest.mark.parametrize("secret", ["a", "e", "ab", "pass"])
def test_a_short_password_masks_only_itself(secret: str) -> None:
    """A password that is a letter (or a common word's head) masks the
    credential in the URL, never every ``a`` of the driver's message: the
    message stays readable, in English and Chinese."""
    pytest.importorskip("psycopg")
    url = f"postgresql://qrules:{secret}@127.0.0.1:1/none"
    for lang in ("en", "zh"):
        code, _, err = run("--lang", lang, "check", YANTAI, "--database", url)
        assert code == 2
        assert "qrules:***@127.0.0.1:1" in err
        # (A refused connection is said in the catalog's words, in each language.)
        assert ("the server cannot be reached" if lang == "en" else "无法连接到") in err, err
        assert "***" not in err.replace("qrules:***@", ""), err


def test_a_password_is_masked_where_it_stands_apart() -> None:
    from qrules._boundary import without_secret  # noqa: PLC0415

    url = "postgresql://u:pass@h/db"
    said = "password authentication failed; pass was 'pass'; passx, xpass"
    assert without_secret(said, url) == (
        "password authentication failed; *** was '***'; passx, xpass"
    )
    url = "postgresql://u:a@h/db"
    said = 'a host at a place: "a", postgresql://u:a@h/db'
    assert without_secret(said, url) == 'a host at a place: "***", postgresql://u:***@h/db'


def test_a_drivers_message_loses_each_piece_of_a_password() -> None:
    from qrules._boundary import without_secret  # noqa: PLC0415

    url = "postgresql://u:p@ss@[::1@x]:1/db"
    assert without_secret("failed to resolve host 'ss@[': no", url) == (
        "failed to resolve host '***': no"
    )
    plain = 'connection to server at "127.0.0.1", port 1 failed: ssl off'
    assert without_secret(plain, "postgresql://u:ssx@127.0.0.1:1/db") == plain
    assert without_secret(plain, "postgresql://u@127.0.0.1:1/db") == plain
    assert without_secret("host 'q@h'", "postgresql://u:p@q@h/db") == "host '***@h'"


def test_output_refusals_touch_nothing(tmp_path: Path) -> None:
    data = tmp_path / "figures.csv"
    data.write_text("year,measure,value\n2025,firms,300\n", encoding="utf-8")
    before = data.read_bytes()
    code, _, err = run("check", str(MINI), str(data), "-o", str(data))
    assert code == 2
    assert "would overwrite an input" in err
    assert data.read_bytes() == before
    # A link to an input is the input.
    link = tmp_path / "link.csv"
    link.symlink_to(data)
    assert run("check", str(MINI), str(data), "-o", str(link))[0] == 2
    assert data.read_bytes() == before
    # Into the rulebook's folder, by any name: refused before anything is written.
    folder = rulebook_copy(tmp_path)
    assert run("export", str(folder), "-o", str(folder / "new.json"))[0] == 2
    assert not (folder / "new.json").exists()


def test_a_decision_log_is_never_appended_to_an_input(tmp_path: Path) -> None:
    data = tmp_path / "figures.csv"
    data.write_text("year,measure,value\n2025,firms,300\n", encoding="utf-8")
    before = data.read_bytes()
    code, _, err = run("check", str(MINI), str(data), "--decision-log", str(data))
    assert code == 2
    assert "--decision-log" in err
    assert "would overwrite an input" in err
    assert data.read_bytes() == before
    # Nor into the rulebook's folder, nor onto a sample dataset chosen with --sample.
    folder = rulebook_copy(tmp_path)
    sample = next((folder / "samples").glob("*.csv"))
    for argv in (
        (str(data), "--decision-log", str(folder / "log.jsonl")),
        ("--sample", sample.stem, "--decision-log", str(sample)),
    ):
        sample_before = sample.read_bytes()
        assert run("check", str(folder), *argv)[0] == 2
        assert not (folder / "log.jsonl").exists()
        assert sample.read_bytes() == sample_before


def test_output_elsewhere_is_written(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    assert run("export", str(MINI), "-o", str(out))[0] == 0
    assert "mini" in out.read_text(encoding="utf-8")


def test_a_bug_is_exit_3_with_the_traceback_only_under_debug(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object) -> str:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(qrules.cli._report, "rules_table", broken)
    code, _, err = run("list", str(MINI))
    assert code == 3
    assert "this is a bug in qrules: ZeroDivisionError: division by zero" in err
    assert "please report it" in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    for argv in (("--debug", "list", str(MINI)), ("list", str(MINI), "--debug")):
        code, _, err = run(*argv)
        assert code == 3
        assert "Traceback" in err
        assert "this is a bug in qrules" in err
    code, _, err = run("list", str(MINI), "--lang", "zh")
    assert "这是 qrules 的缺陷" in err


def test_standard_output_that_cannot_take_the_text(tmp_path: Path) -> None:
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="ascii", errors="strict")
    err = io.StringIO()
    assert main(["list", YANTAI], stdout=out, stderr=err) == 2
    assert "standard output" in err.getvalue()
    assert "PYTHONIOENCODING=utf-8" in err.getvalue()


# -- every subcommand -------------------------------------------------------------


def _every_command(tmp: Path) -> dict[str, list[list[str]]]:
    """Each subcommand on bad inputs of its own."""
    broken = rulebook_copy(tmp, "broken")
    (broken / "rules.toml").write_text("[[rule]\n", encoding="utf-8")
    gone = str(tmp / "gone")
    out = str(tmp / "missing" / "out")
    return {
        "check": [
            ["check", str(MINI), gone],
            ["check", gone, "--sample"],
            ["check", str(MINI), "--sample", "-o", out],
        ],
        "report": [
            ["report", str(MINI), gone, "-o", str(tmp / "r.html")],
            ["report", str(MINI), "--sample", "-o", out],
        ],
        "list": [["list", gone], ["list", str(broken)]],
        "show": [["show", gone, "firms"], ["show", str(MINI), "nosuch"]],
        "export": [["export", str(broken)], ["export", str(MINI), "-o", out]],
        "validate": [["validate", gone, str(broken)]],
        "lint": [["lint", str(broken)], ["lint", str(MINI), "-o", str(tmp)]],
        "diff": [
            ["diff", str(MINI), gone],
            ["diff", str(MINI), str(MINI), "-o", out],
            ["diff", "HEAD:--output=x", str(MINI)],
        ],
        "changelog": [
            ["changelog", str(broken), str(MINI)],
            ["changelog", str(MINI), str(MINI), "-o", str(tmp)],
        ],
        "schema": [["schema", "--nosuch"]],
    }


def test_every_subcommand_has_bad_inputs(tmp_path: Path) -> None:
    assert set(_every_command(tmp_path)) == set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_subcommand_on_bad_inputs(command: str, tmp_path: Path) -> None:
    for argv in _every_command(tmp_path)[command]:
        code, out, err = run(*argv)
        assert "Traceback" not in out + err
        assert code == 2, (argv, err)
        assert (err if command != "validate" else out).strip(), argv


# -- fuzzed files -----------------------------------------------------------------

_FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _garbled(data: bytes, draw: st.DataObject) -> bytes:
    """``data`` with a few bytes replaced, inserted or cut: a file damaged in transit."""
    for _ in range(draw.draw(st.integers(0, 3))):
        at = draw.draw(st.integers(0, len(data)))
        junk = draw.draw(st.binary(max_size=8))
        data = data[:at] + junk + data[at + draw.draw(st.integers(0, 4)) :]
    return data


@_FUZZ
@given(
    rows=st.lists(
        st.tuples(
            st.integers(1890, 2210) | st.text(max_size=6),
            measure_ids() | st.sampled_from(["firms", "pass_rate"]),
            decimals().map(decimal_text) | st.text(max_size=8),
        ),
        max_size=8,
    ),
    as_json=st.booleans(),
    data=st.data(),
)
def test_fuzzed_datasets(
    tmp_path_factory: pytest.TempPathFactory, rows: list[Any], as_json: bool, data: st.DataObject
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    if as_json:
        path = folder / "figures.json"
        raw = json.dumps([{"year": y, "measure": m, "value": v} for y, m, v in rows]).encode()
    else:
        path = folder / "figures.csv"
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(["year", "measure", "value"])
        writer.writerows(rows)
        raw = text.getvalue().encode()
    path.write_bytes(_garbled(raw, data))
    assert_clean(
        run("check", str(MINI), str(path), "--format", "json"), path.name, codes=(0, 1, 2), lines=50
    )


@_FUZZ
@given(found=records(), data=st.data())
def test_fuzzed_registers_and_logs(
    tmp_path_factory: pytest.TempPathFactory,
    found: tuple[list[dict[str, Any]], list[dict[str, Any]]],
    data: st.DataObject,
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    units, visits = found
    paths = []
    for name, rows, columns in (
        (
            "register.csv",
            units,
            [
                "unit",
                "name",
                "category",
                "risk_level",
                "district",
                "registered",
                "closed",
                "internet_bright_kitchen",
            ],
        ),
        ("log.csv", visits, ["unit", "date", "kind", "result"]),
    ):
        text = io.StringIO()
        writer = csv.DictWriter(text, columns)
        writer.writeheader()
        writer.writerows(rows)
        path = folder / name
        path.write_bytes(_garbled(text.getvalue().encode(), data))
        paths.append(str(path))
    assert_clean(
        run(
            "check",
            YANTAI,
            "--register",
            paths[0],
            "--log",
            paths[1],
            "--engine",
            "reference",
            "--format",
            "json",
        ),
        codes=(0, 1, 2),
        lines=50,
    )


@_FUZZ
@given(requirement=language_text(), data=st.data())
def test_fuzzed_rules(
    tmp_path_factory: pytest.TempPathFactory, requirement: str, data: st.DataObject
) -> None:
    folder = rulebook_copy(tmp_path_factory.mktemp("fuzz"))
    rules = folder / "rules.toml"
    text = rules.read_text(encoding="utf-8").replace(
        'requirement = ">= 300"', f"requirement = {json.dumps(requirement)}", 1
    )
    rules.write_bytes(_garbled(text.encode(), data))
    for argv in (
        ("validate", str(folder)),
        ("lint", str(folder)),
        ("diff", str(MINI), str(folder)),
    ):
        assert_clean(run(*argv), codes=(0, 1, 2), lines=1000)


def test_running_out_of_memory_while_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    """A log too large for the Python readers (10M rows): said, with what to do."""
    import qrules._columns  # noqa: PLC0415
    import qrules._tabular  # noqa: PLC0415
    import qrules.records.direct  # noqa: PLC0415

    def exhausted(*args: object) -> object:
        raise MemoryError

    monkeypatch.setattr(qrules._tabular, "from_csv", exhausted)
    monkeypatch.setattr(qrules._columns, "_of_csv", exhausted)  # the column-wise reader
    monkeypatch.setattr(qrules.records.direct, "utf8_head", exhausted)  # DuckDB's reader's
    assert_clean(
        run("check", YANTAI, "--register", str(REGISTER)),
        "register.csv",
        "too large to read into memory",
        "--database",
    )
    monkeypatch.setattr(qrules.cli, "load", exhausted)
    assert_clean(run("lint", str(MINI)), "ran out of memory", "--database")
