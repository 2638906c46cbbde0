"""Findings of session 16's fresh-eyed review (review16) of the hunt's fixes:
each a reproducer of a gap they left."""

from __future__ import annotations

from pathlib import Path

import pytest

import qrules
from qrules import Verdict
from qrules.testing import evaluate_for_test

from .conftest import run
from .test_hunt_s16 import SYSTEM_2024

BOOK = "yantai-2023-2025"
INSPECTED = "infant-formula-makers-system-inspected-yearly"
YEAR = {"log_from": "2024-01-01", "log_until": "2024-12-31"}


@pytest.fixture(scope="module")
def book() -> qrules.Rulebook:
    return qrules.load(BOOK)


def _log(pandas: object) -> object:
    return pandas.DataFrame(SYSTEM_2024)  # type: ignore[attr-defined]


@pytest.mark.parametrize("engine", [None, "duckdb"])
def test_unit_ids_held_as_arrays_are_not_read_as_their_python_text(
    book: qrules.Rulebook, engine: str | None
) -> None:
    """A register whose unit cells are numpy arrays of one id each was read
    as ``"['IF01']"``, a unit the log's ``IF01`` is not: both makers, which had
    their system inspection, failed the rule, "not met, 0 of 2" (a false
    verdict, as bytes and lists were). Such a cell is now not read: unknown."""
    pandas = pytest.importorskip("pandas")
    numpy = pytest.importorskip("numpy")
    register = pandas.DataFrame(
        {
            "unit": [numpy.array(["IF01"]), numpy.array(["IF02"])],
            "category": ["infant_formula_maker"] * 2,
        }
    )
    evaluation = evaluate_for_test(
        None, book, register=register, log=_log(pandas), rules=[INSPECTED], engine=engine, **YEAR
    )
    [result] = evaluation
    assert result.verdict is Verdict.UNKNOWN
    assert "the cell holds a list" in str(evaluation.records[0].problems[0])


@pytest.mark.parametrize("kind", ["json", "uuid"])
def test_an_arrow_extension_column_is_read_by_rows_not_refused_as_a_damaged_file(
    book: qrules.Rulebook, kind: str
) -> None:
    """Arrow's own extension types (``arrow.json``, ``arrow.uuid``) derive
    from `pyarrow.BaseExtensionType`, not `pyarrow.ExtensionType`: they were
    still refused as a damaged Arrow file, in Arrow's English. They go to the
    row reader, as a pandas Period does."""
    pa = pytest.importorskip("pyarrow")
    made = getattr(pa, f"{kind}_", None) or getattr(pa, kind, None)
    if made is None:
        pytest.skip(f"no pyarrow.{kind}_() in this pyarrow")
    values = ['"IF01"', '"IF02"'] if kind == "json" else [b"\x00" * 16, b"\x01" * 16]
    storage = pa.array(values, pa.string() if kind == "json" else pa.binary(16))
    register = pa.table(
        {
            "unit": pa.ExtensionArray.from_storage(made(), storage),
            "category": ["infant_formula_maker"] * 2,
        }
    )
    log = pa.table(SYSTEM_2024)
    evaluation = evaluate_for_test(
        None, book, register=register, log=log, rules=[INSPECTED], **YEAR
    )
    [result] = evaluation
    assert result.verdict is not Verdict.MET
    assert "damaged" not in " ".join(str(p) for r in evaluation.records for p in r.problems)


@pytest.mark.parametrize(
    ("table", "first", "second", "column", "cells"),
    [
        ("risk_level", "A", "A\u200b", "risk_level", "A"),
        ("bright_kitchen", "Done", "done", "bright_kitchen", "DONE"),
    ],
)
def test_keys_read_alike_by_the_readers_lookup_are_a_mapping_error(
    tmp_path: Path, table: str, first: str, second: str, column: str, cells: str
) -> None:
    """Two keys of a mapping's codes that the readers look up as one (an
    invisible character, which every cell loses; a flag's, looked up in lower
    case) mapped two ways: the later line decided how a cell is read (a
    register's ``DONE`` enrolled or not by the order of the lines). Now a
    mapping error naming both."""
    (tmp_path / "register.csv").write_text(
        f"unit,category,{column}\nC1,catering,{cells}\n", encoding="utf-8"
    )
    (tmp_path / "log.csv").write_text(
        "inspection,unit,date,kind\n1,C1,2024-03-01,routine\n", encoding="utf-8"
    )
    values = ("low", "high") if table == "risk_level" else ("true", "false")
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(
        f'[register.codes.{table}]\n"{first}" = "{values[0]}"\n"{second}" = "{values[1]}"\n',
        encoding="utf-8",
    )
    files = ["--register", str(tmp_path / "register.csv"), "--log", str(tmp_path / "log.csv")]
    code, _, err = run("check", BOOK, *files, "--mapping", str(mapping))
    assert code == 2, err
    assert f"register.codes.{table}." in err
    assert "reads as" in err


def test_a_cached_finding_whose_message_is_not_in_the_catalog_is_no_finding() -> None:
    """The compiled-forms cache keeps the loader's findings of a requirement
    that ignores the data by their message's id; an entry naming no message
    of the catalog (edited by hand, or from another version) was said with
    `say`, a `KeyError`: exit 3. It is refused as a cache entry (`ValueError`:
    the cache is not read, the rulebook compiled again)."""
    from qrules import _load  # noqa: PLC0415

    with pytest.raises(ValueError, match="not a finding"):
        _load._findings([["no.such.message", [0, 1]]])
    assert _load._findings([["compile.always_met", [0, 1]]]) == [("compile.always_met", (0, 1))]


def test_a_link_gone_before_it_is_named_is_refused_all_the_same(tmp_path: Path) -> None:
    """A symbolic link seen, then removed before its target is read for the
    message (`_boundary.link_target`), was a `FileNotFoundError` out of
    `append_decisions` and the coverage report's check: a traceback, exit 3.
    Its target is then said as ``?``."""
    from qrules._boundary import link_target  # noqa: PLC0415

    link = tmp_path / "gone"
    link.symlink_to(tmp_path / "elsewhere")
    assert link_target(link) == str(tmp_path / "elsewhere")
    link.unlink()
    assert link_target(link) == "?"
