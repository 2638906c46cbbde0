"""The error boundary and the files qrules writes (session 15): one atomic
write for the outputs and the caches, the umask read without changing it,
argparse's errors in one or two lines, the system's refusals in either
language."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest

from qrules import _boundary, _cache
from tests.conftest import run

SRC = Path(__file__).resolve().parents[1] / "src" / "qrules"


# -- one atomic write ------------------------------------------------------------


def test_one_place_writes_a_file_by_a_rename() -> None:
    """The outputs (`write_file`) and the caches (`write_atomically`) write
    through one helper: no other module makes a temporary file or renames one
    into place."""
    found = [
        f"{path.relative_to(SRC)}: {call}"
        for path in sorted(SRC.rglob("*.py"))
        for call in re.findall(
            r"\b(?:tempfile\.mkstemp|os\.replace|os\.rename)\(", path.read_text()
        )
    ]
    assert found == ["_boundary.py: tempfile.mkstemp(", "_boundary.py: os.replace("]


def test_the_helper_writes_whole_with_the_mode_asked(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_bytes(b"old")
    _boundary.replace_file(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # (no mode: private, as a cache)
    _boundary.replace_file(target, b"newer", mode=0o640)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


@pytest.mark.parametrize("failing", ["write", "chmod", "replace"])
def test_the_helper_leaves_no_temporary_file_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    target = tmp_path / "out.txt"
    target.write_bytes(b"old")

    def refused(*_: object, **__: object) -> None:
        raise OSError(28, "No space left on device")

    if failing == "write":
        data: object = "not bytes"  # TypeError from the write: not an OSError, cleaned up too
        error: type[BaseException] = TypeError
    else:
        data, error = b"new", OSError
        monkeypatch.setattr(os, failing, refused)
    with pytest.raises(error):
        _boundary.replace_file(target, data, mode=0o644)  # type: ignore[arg-type]
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]
    assert target.read_bytes() == b"old"


def test_a_cache_not_written_is_no_error_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(*_: object, **__: object) -> None:
        raise OSError(28, "No space left on device")

    first, second = tmp_path / "a" / "cache.json", tmp_path / "b" / "cache.json"
    monkeypatch.setattr(os, "replace", refused)
    _cache.write_atomically([first, second], b"{}")
    assert list(first.parent.iterdir()) == []
    assert list(second.parent.iterdir()) == []
    monkeypatch.undo()
    _cache.write_atomically([first, second], b"{}")
    assert first.read_bytes() == b"{}"
    assert stat.S_IMODE(first.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(first.stat().st_mode) == 0o600


# -- the umask ---------------------------------------------------------------------


def _has_proc_umask() -> bool:
    try:
        return b"\nUmask:" in Path("/proc/self/status").read_bytes()
    except OSError:
        return False


@pytest.mark.skipif(not _has_proc_umask(), reason="no Umask line in /proc/self/status")
def test_the_umask_is_read_without_changing_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Setting the umask to read it (and setting it back) changes it for every
    thread of a library user meanwhile: a new output's mode is worked out from
    the umask the system reports."""
    mask = os.umask(0o027)
    try:
        calls: list[object] = []

        def changed(*args: object) -> int:
            calls.append(args)
            raise AssertionError("the umask was changed")

        monkeypatch.setattr(os, "umask", changed)
        output = tmp_path / "report.json"
        code, _, err = run("export", "yantai-2023-2025", "-o", str(output))
        assert (code, err, calls) == (0, "", [])
        assert stat.S_IMODE(output.stat().st_mode) == 0o640
    finally:
        monkeypatch.undo()
        os.umask(mask)


def test_the_umask_without_proc_is_set_and_set_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the system does not report it (no ``/proc``), the umask is read
    the old way, and left as it was."""

    def no_proc(*_: object, **__: object) -> None:
        raise FileNotFoundError(2, "No such file or directory", "/proc/self/status")

    mask = os.umask(0o027)
    try:
        monkeypatch.setattr(_boundary, "open", no_proc, raising=False)
        assert _boundary._umask() == 0o027
        assert os.umask(0o027) == 0o027
    finally:
        os.umask(mask)
