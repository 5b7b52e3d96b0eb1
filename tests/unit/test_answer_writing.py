"""web/answer_writing.py: big answers arrive whole, HEAD as before, WRITE_TIMEOUT enforced."""

from __future__ import annotations

import os
import socket
import threading
import time

import pytest
from werkzeug.serving import make_server

from config import ConfigError, load_config
from web.answer_writing import SPOOL_OVER

BIG = "/data/views/?start=1900-01-01&end=2100-12-31&resolution=daily"


def _open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_large_answers_arrive_whole_and_their_files_are_closed(client):
    client.get(BIG, buffered=True)  # the first one loads the events
    files = _open_files()
    got = client.get(BIG, buffered=True)
    assert got.status_code == 200
    assert int(got.headers["Content-Length"]) == len(got.data) > SPOOL_OVER
    assert len(got.get_json()) > 70_000
    assert _open_files() == files  # the temporary file is closed with the answer
    head = client.head(BIG)
    assert head.headers["Content-Length"] == got.headers["Content-Length"]
    assert head.data == b""
    small = client.get("/data/kpis/")
    assert int(small.headers["Content-Length"]) == len(small.data) and small.get_json()


def test_write_timeout_setting():
    assert load_config({"SECRET_KEY": "x"}, environ={})["WRITE_TIMEOUT"] == 30
    assert load_config({"SECRET_KEY": "x"}, environ={"WRITE_TIMEOUT": "5"})["WRITE_TIMEOUT"] == 5
    for bad in ("0", "-3", "soon"):
        with pytest.raises(ConfigError, match="WRITE_TIMEOUT"):
            load_config({"SECRET_KEY": "x"}, environ={"WRITE_TIMEOUT": bad})


def test_the_dev_server_drops_a_reader_that_takes_nothing(make_app, caplog):
    app = make_app(WRITE_TIMEOUT=1)
    http = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    sock = socket.socket()
    try:
        # A small buffer and a real network's segment size: the kernel queues little of it.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, 1460)
        sock.connect(("127.0.0.1", http.server_port))
        sock.sendall(f"GET {BIG} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        deadline = time.monotonic() + 15
        # Dropped: the connection is reset (TCP state no longer 1, established).
        while sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0] == 1:
            assert time.monotonic() < deadline, "the stalled reader was never dropped"
            time.sleep(0.1)
    finally:
        sock.close()
        http.shutdown()
        thread.join(10)
    assert any("was not taken within 1 s" in r.getMessage() for r in caplog.records)
