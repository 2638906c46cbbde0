"""A Spark Connect URL qrules or pyspark cannot read is bad input: exit 2, in
one or two lines, never a traceback nor exit 1 or 3. No Spark server is
needed: the address is read on the client, and a socket that listens (and
says nothing) stands for a server that can be reached."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from .conftest import SAMPLES, run

RECORDS = (
    "--register",
    str(SAMPLES / "register.csv"),
    "--log",
    str(SAMPLES / "inspections.csv"),
)


def _exits_2_in_two_lines(url: str) -> str:
    code, out, err = run("check", "yantai-2023-2025", *RECORDS, "--database", url)
    assert code == 2, err
    assert "Traceback" not in out + err
    assert len(err.strip().splitlines()) <= 2, err
    return err


@pytest.mark.parametrize("url", ["sc://[::1", "sc://[::1]:x", "sc://host:99999"])
def test_an_address_that_cannot_be_read(url: str) -> None:
    """Read before pyspark is needed (``urlsplit``, the port)."""
    err = _exits_2_in_two_lines(url)
    assert "cannot reach the Spark Connect server" in err


@pytest.fixture
def listening() -> Iterator[int]:
    """A port that accepts connections: the address is reachable."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)  # (so that the thread sees the stop soon)
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            connection.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join(5)
        server.close()


@pytest.mark.parametrize(
    ("tail", "said"),
    [
        ("/;token", "Parameter 'token' should be provided as a key-value pair"),
        ("/;a=b=c", "Parameter 'a=b=c' should be provided as a key-value pair"),
        ("/path", "The path component '/path' must be empty"),
        ("/;session_id=nope", "session_id must be a valid UUID"),
    ],
)
def test_parameters_pyspark_cannot_parse(listening: int, tail: str, said: str) -> None:
    """pyspark parses the rest of the URL when the session is made, before it
    sends anything: its error, in one line, with exit 2."""
    pytest.importorskip("pyspark")
    pytest.importorskip("grpc")
    err = _exits_2_in_two_lines(f"sc://127.0.0.1:{listening}{tail}")
    assert said in err


def test_a_missing_host_pyspark_cannot_parse(listening: int) -> None:
    pytest.importorskip("pyspark")
    pytest.importorskip("grpc")
    err = _exits_2_in_two_lines(f"sc://:{listening}")
    assert "Hostname is missing" in err


@pytest.mark.parametrize(
    "url",
    [
        "sc://user:SECRET@[::1",
        "sc://127.0.0.1:1/;token=SECRET",
        "sc://127.0.0.1:99999/;user_id=me;token=SECRET",
        "postgresql://user:SECRET@[::1/db",
        "postgresql://user@127.0.0.1:1/db?password=SECRET",  # (libpq reads it there too)
        "postgresql://user@127.0.0.1:1/db?sslmode=disable&PASSWORD=SECRET",
        "postgresql://user@[::1/db?password=SECRET",
    ],
)
def test_a_urls_password_or_token_is_never_shown(url: str) -> None:
    if url.startswith("postgresql"):
        pytest.importorskip("psycopg")  # (whose own message quotes the URL)
    err = _exits_2_in_two_lines(url)
    assert "SECRET" not in err
    assert "***" in err


def test_a_token_in_a_url_pyspark_cannot_parse_is_not_shown(listening: int) -> None:
    pytest.importorskip("pyspark")
    pytest.importorskip("grpc")
    err = _exits_2_in_two_lines(f"sc://:{listening}/;token=SECRET")
    assert "Hostname is missing" in err
    assert "SECRET" not in err
