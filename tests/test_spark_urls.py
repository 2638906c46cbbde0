"""A Spark Connect URL qrules or pyspark cannot read is bad input: exit 2, in
one or two lines, never a traceback nor exit 1 or 3. No Spark server is
needed: the address is read on the client, and a socket that listens (and
says nothing) stands for a server that can be reached."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

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
    yield from _server(None, close=True)


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


def _server(answer: bytes | None, *, close: bool = False) -> Iterator[int]:
    """A port that accepts connections, answering each with ``answer``
    (``None``: nothing at all), then closing it or (by default) keeping it open."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)  # (so that the thread sees the stop soon)
    stop = threading.Event()
    held: list[socket.socket] = []

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if answer is not None:
                connection.sendall(answer)
            if close:
                connection.close()
            else:
                held.append(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join(5)
        for connection in held:
            connection.close()
        server.close()


@pytest.mark.parametrize(
    ("answer", "said", "zh"),
    [
        (None, "it answered nothing", "它什么也没有回答"),
        (b"HTTP/1.0 400 Bad Request\r\n\r\n", "what it answered is not HTTP/2", "不是 HTTP/2"),
        (b"\x00\x00\x00\x01\x05\x00\x00\x00\x01", "what it answered is not HTTP/2", "不是 HTTP/2"),
    ],
)
def test_a_reachable_port_that_is_not_spark_connect_is_said_in_seconds(
    answer: bytes | None, said: str, zh: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A port that accepts connections but says nothing, or something that is
    not HTTP/2 (a web server; a frame other than SETTINGS): pyspark's client
    would wait on it for minutes. Said in exit 2 after at most the connection's
    bound (here one second), naming the address and what to check, en and zh."""
    pytest.importorskip("pyspark")
    pytest.importorskip("grpc")
    from qrules.engines import spark  # noqa: PLC0415

    monkeypatch.setattr(spark, "CONNECT_SECONDS", 1)
    for port in _server(answer):
        start = time.monotonic()
        err = _exits_2_in_two_lines(f"sc://127.0.0.1:{port}")
        assert time.monotonic() - start < 5
        assert f"the server at 127.0.0.1:{port} did not answer as a Spark Connect server" in err
        assert said in err
        assert "spark.connect.grpc.binding.port" in err
        code, _, err = run(
            "check",
            "yantai-2023-2025",
            *RECORDS,
            "--database",
            f"sc://127.0.0.1:{port}",
            "--lang",
            "zh",
        )
        assert code == 2
        assert zh in err


def test_a_server_that_answers_http2_settings_is_taken_for_spark_connect(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What a gRPC server sends first (its SETTINGS frame) passes the check; the
    header of one cut short does not (a real server passes: QRULES_SPARK_CLUSTER)."""
    from qrules.engines import spark  # noqa: PLC0415

    monkeypatch.setattr(spark, "CONNECT_SECONDS", 1)
    settings = b"\x00\x00\x06\x04\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00\x64"
    for port in _server(settings):
        assert spark._answers_http2(("127.0.0.1", port), tls=False) is None
    for port in _server(settings[:5]):  # a SETTINGS frame's header cut short
        found = spark._answers_http2(("127.0.0.1", port), tls=False)
        assert found is not None
        assert "not HTTP/2" in found.en


@pytest.mark.parametrize(
    ("url", "tls"),
    [
        ("sc://spark.example:15002", False),
        ("sc://spark.example:15002/;use_ssl=true", True),
        ("sc://spark.example:15002/;token=x", True),
        ("sc://localhost:15002/;token=x", False),  # pyspark's local credentials: plain TCP
    ],
)
def test_the_check_speaks_tls_when_pyspark_does(url: str, tls: bool) -> None:
    pytest.importorskip("pyspark")
    pytest.importorskip("grpc")
    from qrules.engines import spark  # noqa: PLC0415

    assert spark._over_tls(url) is tls


def test_the_check_over_tls_asks_for_http2_and_reads_its_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server with TLS (a self-signed certificate: only the protocol is
    checked here, pyspark checks the certificate): it answers over TLS with
    HTTP/2's SETTINGS, and passes; a plain server asked for TLS does not."""
    import shutil  # noqa: PLC0415
    import ssl  # noqa: PLC0415
    import subprocess  # noqa: PLC0415

    from qrules.engines import spark  # noqa: PLC0415

    if shutil.which("openssl") is None:
        pytest.skip("no openssl to make a certificate with")
    monkeypatch.setattr(spark, "CONNECT_SECONDS", 1)
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.set_alpn_protocols(["h2"])
    server = socket.create_server(("127.0.0.1", 0))
    asked: list[str | None] = []

    def serve() -> None:
        connection, _ = server.accept()
        with context.wrap_socket(connection, server_side=True) as tls:
            asked.append(tls.selected_alpn_protocol())
            tls.recv(64)
            tls.sendall(b"\x00\x00\x00\x04\x00\x00\x00\x00\x00")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        assert spark._answers_http2(server.getsockname(), tls=True) is None
    finally:
        thread.join(5)
        server.close()
    assert asked == ["h2"]
    for port in _server(b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"):  # plain, asked for TLS
        assert spark._answers_http2(("127.0.0.1", port), tls=True) is not None
