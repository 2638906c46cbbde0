"""Session 19, the lead's: the keys checked on DuckDB with no look at the
inspection ids' last characters where a map of their numbers tells repeats."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import qrules

from .test_lead_s15 import _judged


def _outcome(ids: list[str | None]) -> str:
    """`_judged`'s verdict, or the refusal's first line."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        try:
            return _judged(monkeypatch, ids)[0]
        except qrules.DataError as error:
            return str(error).splitlines()[0]


def _looked_at_last_characters(text: str) -> bool:
    return 'ASCII(SUBSTRING("L"."INSPECTION", LENGTH("L"."INSPECTION")))' in text


def test_clean_ids_told_distinct_by_their_numbers_are_not_looked_at_again() -> None:
    """Ids whose numbers a map of bits tells distinct are not looked at for a
    space or a control character at their end: such an id read alike with
    another has the same number, or none (`_holdings._numbers_repeated`)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        verdict, asked = _judged(monkeypatch, ["J1", "J2"])
    assert verdict == "met"
    assert not any(_looked_at_last_characters(text) for text in asked)


@pytest.mark.parametrize("end", [" ", "\t", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f"])
def test_an_id_read_alike_with_another_but_for_its_end_is_a_repeat(end: str) -> None:
    """``J1`` and ``J1`` with a white space after it are one inspection id to
    the readers (they trim it): DuckDB's cast reads the same number for both,
    or none (``\\x1c`` to ``\\x1f``); either way the ids are then compared as
    the readers read them: the row spelled otherwise is read by their code,
    and a result it could change is unknown (the same id given twice as
    stored is refused: the table's key), not "met" by two inspections."""
    assert _outcome(["J1", "J1" + end]) == "unknown"


@pytest.mark.parametrize(("end", "verdict"), [(" ", "met"), ("\x1c", "unknown")])
def test_distinct_ids_with_a_space_at_an_end_are_judged_as_the_readers_read_them(
    end: str, verdict: str
) -> None:
    """``J2`` with a space after it, beside ``J1``: two inspections to the
    readers and by their numbers, met (it was unknown: the look at the ids'
    last characters sent the row to be read by the readers' code as a doubt).
    With ``\x1c`` after it, DuckDB's cast reads no number, and the look then
    finds it: the row is still a doubt (conservative, never met)."""
    assert _outcome(["J1", "J2" + end]) == verdict


# -- no function of ours on Arrow's threads -------------------------------------------------


def test_arrow_reads_on_its_threads_hold_no_python_function(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A CSV read on Arrow's threads is given no invalid row handler: a task
    of theirs that outlived the read let go of it as Python ended, and the
    thread, taking Python's lock, aborted the process after qrules' last word
    (``terminate called without an active exception``, exit 134: about 1 run
    in 30 of ``qrules check … --log sample --register a-folder`` on a busy
    machine; the log is read on another thread while the register fails).
    A misaligned row still reads as before: on one thread, with the handler."""
    from pyarrow import csv  # noqa: PLC0415

    given: list[bool] = []
    for name in ("read_csv", "open_csv"):
        original = getattr(csv, name)

        def spy(*args: Any, _original: Any = original, **kwargs: Any) -> Any:
            threads = kwargs["read_options"].use_threads
            given.append(threads and kwargs["parse_options"].invalid_row_handler is not None)
            return _original(*args, **kwargs)

        monkeypatch.setattr(csv, name, spy)
    register = tmp_path / "register.csv"
    register.write_text('unit,name,category\nU1,"a, b",catering\nU2,b\n', encoding="utf-8")
    read = qrules.read_register(register)
    assert [u.unit for u in read] == ["U1"]
    assert [r.row for r in read.rejected] == [3]
    assert given
    assert not any(given)
