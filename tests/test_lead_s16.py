"""Session 16, the lead's: what the key check's first look read is not read again."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .test_lead_s15 import _judged

#: The command line, as a user runs it.
_QRULES = (sys.executable, "-m", "qrules")


@pytest.mark.parametrize("ids", [[None, None], ["NA", "NA"], ["—", "—"], ["NA", "J1"]])
def test_statistics_that_do_not_prove_every_id_given_are_read_once(ids: list[str | None]) -> None:
    """DuckDB's statistics of the inspection ids, read by the key check's first
    look, that do not prove every row has an id (a NULL, a marker) are not
    read again before asking for the rows without one (`Doubts.stated`): one
    ``STATS()`` in the evaluation, and the same verdicts as before (two rows
    alike without an id: unknown; one id given: met)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        verdict, asked = _judged(monkeypatch, ids)
    assert verdict == ("met" if "J1" in ids else "unknown")
    assert sum("STATS(" in text for text in asked) == 1


def test_an_output_link_to_a_device_is_refused_but_a_stream_name_is_written(
    tmp_path: Path,
) -> None:
    """``-o`` names a symbolic link to a device (``/dev/null`` here; a disk's
    in an attack, which root would overwrite): refused, exit 2, the link kept;
    ``/dev/stdout``, the system's link to the process's own output, is written
    to as ever (on a pipe: what it names is no file)."""
    link = tmp_path / "report.json"
    link.symlink_to("/dev/null")
    done = subprocess.run(
        [*_QRULES, "check", "yantai-2023-2025", "--sample", "--format", "json", "-o", str(link)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "symbolic link" in done.stderr
    assert link.is_symlink()
    shown = subprocess.run(
        [
            *_QRULES,
            "check",
            "yantai-2023-2025",
            "--sample",
            "--format",
            "json",
            "-o",
            "/dev/stdout",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert shown.returncode in (0, 1), shown.stderr
    assert shown.stdout.lstrip().startswith("{")
