"""Session 16's race (helper race16): a report cut short when the command
line is stopped and continued while it writes.

`tests/test_direct_review.py::test_the_route_in_a_fresh_process_says_what_the_readers_say`
failed once in session 15: the fresh ``qrules check`` without the direct CSV
route gave the first 65,536 bytes of its JSON (a pipe's capacity) and exit 1,
nothing on standard error. Not the route's: the environment sets
``PYTHONUNBUFFERED=1``, under which Python's standard output is a text layer
straight over the file, and the machine's benchmarks paused the helpers'
processes (SIGSTOP, then SIGCONT) while that child was held writing into a
full pipe. The system then ends the write early, and the text layer drops
the rest (`qrules._boundary.write_stream` writes it whole). Each test forces
that interleaving; none depends on the machine's load.
"""

from __future__ import annotations

import fcntl
import io
import json
import os
import select
import signal
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from qrules.cli import main
from tests.test_direct import LOG, REGISTER, RULEBOOK, _clean_log, _clean_register, _write

pytestmark = pytest.mark.skipif(
    not hasattr(fcntl, "F_GETPIPE_SZ") or not hasattr(signal, "SIGSTOP"),
    reason="a pipe's capacity and stopping a process: Linux",
)


def _argv(tmp_path: Path) -> list[str]:
    """A check whose JSON is larger than a pipe holds (about 175,000 bytes)."""
    register = _write(tmp_path / "register.csv", REGISTER, _clean_register(200))
    log = _write(tmp_path / "log.csv", LOG, _clean_log(200, 1500))
    files = ["--register", str(register), "--log", str(log)]
    return ["check", RULEBOOK, *files, "--format", "json", "--by-district"]


def _held(descriptor: int, alive: Callable[[], bool]) -> None:
    """Waits until the pipe read by ``descriptor`` is full while its writer is
    ``alive()``: the writer is then held in its write (one call writes the
    whole report, and the pipe fills only during it)."""
    capacity = fcntl.fcntl(descriptor, fcntl.F_GETPIPE_SZ)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        waiting = int.from_bytes(
            fcntl.ioctl(descriptor, termios.FIONREAD, b"\0\0\0\0"), sys.byteorder
        )
        if waiting >= capacity:
            return
        assert alive(), "the writer ended before it filled the pipe"
        time.sleep(0.05)
    raise AssertionError("the pipe never filled")


def _drained(descriptor: int) -> bytes:
    found = []
    while chunk := os.read(descriptor, 1 << 16):
        found.append(chunk)
    return b"".join(found)


_CHECK = "import sys\nfrom qrules.cli import main\nsys.exit(main(sys.argv[1:]))\n"


def test_a_report_written_while_the_process_is_stopped_and_continued(tmp_path: Path) -> None:
    """`qrules check` with ``PYTHONUNBUFFERED=1`` (as in containers, and on
    this machine) held writing its JSON into a full pipe, stopped and
    continued (Ctrl-Z and ``fg``; a supervisor pausing it): its whole report,
    as when left alone, not its first 65,536 bytes with exit 1 and no error."""
    argv = _argv(tmp_path)
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    environment["PYTHONUNBUFFERED"] = "1"
    alone = subprocess.run(
        [sys.executable, "-c", _CHECK, *argv],
        capture_output=True,
        env=environment,
        timeout=300,
        check=False,
    )
    assert alone.returncode == 1, alone.stderr
    assert len(alone.stdout) > 65_536  # (more than a pipe holds: not vacuous)
    child = subprocess.Popen(
        [sys.executable, "-c", _CHECK, *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment,
    )
    try:
        assert child.stdout is not None
        assert child.stderr is not None
        _held(child.stdout.fileno(), lambda: child.poll() is None)
        child.send_signal(signal.SIGSTOP)
        os.waitpid(child.pid, os.WUNTRACED)  # (stopped, for certain)
        child.send_signal(signal.SIGCONT)
        out = _drained(child.stdout.fileno())
        err = child.stderr.read()
        code = child.wait(timeout=300)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        for stream in (child.stdout, child.stderr):
            if stream is not None:
                stream.close()
    assert (code, len(out), err) == (1, len(alone.stdout), alone.stderr)
    assert out == alone.stdout
    json.loads(out)


@pytest.mark.parametrize("buffered", [False, True])
def test_a_report_written_to_a_pipe_that_would_block(tmp_path: Path, buffered: bool) -> None:
    """The command line given standard output on a pipe its parent made
    non-blocking (``O_NONBLOCK``: a write the pipe cannot take writes
    nothing): the whole report, waited for. Unbuffered (as Python opens it
    under ``PYTHONUNBUFFERED=1``: no buffer of its own), it kept its first
    65,536 bytes; buffered (the default), its buffer raised `BlockingIOError`
    once the pipe was full (exit 2, "write could not complete without
    blocking", then Python's own complaint at exit)."""
    argv = _argv(tmp_path)
    expected = io.StringIO()
    assert main(argv, stdout=expected) == 1
    read, written = os.pipe()
    os.set_blocking(written, False)
    file = io.FileIO(written, "w")
    stream = (
        io.TextIOWrapper(io.BufferedWriter(file), encoding="utf-8", newline="\n")
        if buffered
        else io.TextIOWrapper(file, encoding="utf-8", newline="\n", write_through=True)
    )
    found: list[int] = []
    writer = threading.Thread(target=lambda: found.append(main(argv, stdout=stream)))
    writer.start()
    try:
        _held(read, writer.is_alive)
        out = b""
        while writer.is_alive() or select.select([read], [], [], 0)[0]:
            if select.select([read], [], [], 0.1)[0]:
                out += os.read(read, 1 << 16)
    finally:
        writer.join()
        stream.close()
        out += _drained(read)
        os.close(read)
    assert found == [1]
    assert out.decode() == expected.getvalue()
