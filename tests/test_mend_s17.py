"""Session 17's mends (mend17) of what session 16 left, and of names a user
gives that qrules read one way and wrote another."""

from __future__ import annotations

import collections
import datetime as dt
import os
import stat
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from qrules._boundary import OutputError, write_file, writing
from qrules._tabular import not_a_cell

# -- _tabular.not_a_cell: which cells hold no one value ---------------------------------------

_A_LIST = "the cell holds a list, not text, a number or a date: it is not read"


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("IF01", None),
        ("#REF!", None),  # (an error value is `unread_cell`'s to say)
        (5297, None),
        (1.5, None),
        (True, None),
        (None, None),
        (Decimal("1.5"), None),
        (dt.date(2024, 3, 1), None),
        (dt.datetime(2024, 3, 1, 9), None),
        (b"IF01", "the cell holds bytes (b'IF01'), not text"),
        (bytearray(b"IF01"), "the cell holds bytes (b'IF01'), not text"),
        (memoryview(b"IF01"), "the cell holds bytes (b'IF01'), not text"),
        (b"x" * 30, "the cell holds bytes (b'" + "x" * 24 + "'…), not text"),
        ({"unit": "IF01"}, "the cell holds an object of keys and values"),
        (["IF01"], _A_LIST),
        (("IF01",), _A_LIST),
        ({"IF01"}, _A_LIST),
        (frozenset({"IF01"}), _A_LIST),
        ([], _A_LIST),
        (range(3), _A_LIST),
        (collections.deque(["IF01"]), _A_LIST),
        ({"IF01": 1}.keys(), _A_LIST),
    ],
    ids=repr,
)
def test_a_cell_of_one_value_is_read_and_one_of_several_or_of_bytes_is_not(
    value: object, said: str | None
) -> None:
    """Which cells `not_a_cell` refuses, and as what: a text (however it was
    typed), a number, a date or nothing is one value; bytes, a mapping, a
    sequence or a set (but a text) are not. The concrete types it once
    listed beside `Sequence` and `Set` are both's (session 16's note)."""
    why = not_a_cell(value)
    if said is None:
        assert why is None
    else:
        assert why is not None
        assert str(why[0]).startswith(said)


def test_a_subclass_of_text_or_of_a_number_is_one_value() -> None:
    """A subclass of ``str`` (numpy's ``str_``, which is a `Sequence`) is read
    as text, not as a list of characters; numpy's scalars and pandas'
    timestamps, not in the fast path's set of types, are read as well; an
    array of numpy's, of any length, is a list."""
    numpy = pytest.importorskip("numpy")

    class Code(str):
        pass

    for value in (Code("IF01"), numpy.str_("IF01"), numpy.int64(7), numpy.float64(1.5)):
        assert not_a_cell(value) is None, value
    assert not_a_cell(numpy.array("IF01")) is None  # (no dimension: one value)
    for array in (numpy.array(["IF01"]), numpy.array([], dtype=object), numpy.zeros((2, 2))):
        why = not_a_cell(array)
        assert why is not None
        assert str(why[0]) == _A_LIST
    pandas = pytest.importorskip("pandas")
    assert not_a_cell(pandas.Timestamp("2024-03-01")) is None


# -- _boundary.write_file: one look at the output's name ---------------------------------------


def _looks(monkeypatch: pytest.MonkeyPatch, path: Path, then: Callable[[int], None]) -> list[bool]:
    """Count every look (``os.stat``, followed or not: `Path.is_symlink`'s
    too) at ``path``, calling ``then`` with each look's number after it."""
    looks: list[bool] = []
    real = os.stat

    def stat(name: Any, *args: Any, follow_symlinks: bool = True, **kwargs: Any) -> Any:
        found = real(name, *args, follow_symlinks=follow_symlinks, **kwargs)
        if os.fspath(name) == os.fspath(path):
            looks.append(follow_symlinks)
            then(len(looks))
        return found

    monkeypatch.setattr(os, "stat", stat)
    return looks


def test_an_output_file_is_looked_at_once_not_following_a_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`write_file` asked `Path.is_symlink` twice and `os.stat` once of a
    plain output (session 16's note): one look, not following a link, now
    answers all three (a link? a file? its mode?)."""
    out = tmp_path / "out.csv"
    out.write_bytes(b"old")
    out.chmod(0o640)
    looks = _looks(monkeypatch, out, lambda _: None)
    write_file(out, b"new")
    assert looks == [False]
    assert out.read_bytes() == b"new"
    assert stat.S_IMODE(out.stat().st_mode) == 0o640


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("swapped_after", [1, 2, 3])
def test_a_link_put_in_place_of_a_fifo_after_it_was_looked_at_is_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, swapped_after: int
) -> None:
    """An output that was a FIFO when looked at, replaced then by a link to
    a file (someone with write access to the folder, racing ``-o``): the
    file it names was opened through the link and overwritten when the swap
    came between the last look and the open. It is now opened without
    following a link (``O_NOFOLLOW``): refused by the system, an
    `OutputError`; the file is untouched, after whichever look it comes."""
    fifo, victim = tmp_path / "out.fifo", tmp_path / "victim.txt"
    victim.write_bytes(b"keep")
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # (so that a writer does not wait)

    def swap(look: int) -> None:
        if look == swapped_after:
            fifo.unlink()
            fifo.symlink_to(victim)

    try:
        _looks(monkeypatch, fifo, swap)
        with writing(fifo):
            write_file(fifo, b"new")
    except OutputError:
        pass  # (refused: the link, seen; or the system's "too many levels of links")
    finally:
        monkeypatch.undo()
        os.close(reader)
    assert victim.read_bytes() == b"keep"
