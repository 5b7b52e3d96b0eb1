"""Reliability: under real gunicorn, a 1 MB client value or an 8 KB request line adds a few
hundred bytes to the server's log, escaped, and a burst of one client error is counted."""

from __future__ import annotations

import json
import socket

import requests

from testkit.serving import wait_for

BIG = "x" * 1_000_000  # with the JSON around it, just under MAX_CONTENT_LENGTH (1 MiB)
MAX_LOG_BYTES = 600  # one request's access line and at most one error line, both clipped


def _raw(port: int, request: bytes) -> bytes:
    """Send request bytes as they are (requests would encode the line and headers); the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def _added(server, send, last: bytes = b"gunicorn.access") -> tuple[str, object]:
    """(what the log gained, the answer) for one request, once its `last` line is written."""
    before = server.log_path.stat().st_size
    answer = send()
    wait_for(lambda: last in server.log_path.read_bytes()[before:], 10, what=last.decode())
    return server.log_path.read_bytes()[before:].decode(errors="replace"), answer


def test_huge_values_add_a_few_hundred_bytes_to_the_server_log(serve):
    server = serve(workers=1, LOG_LEVEL="info")
    callback = {"output": BIG + ".children", "outputs": {"id": "a", "property": "children"}}
    task = {"jsonrpc": "2.0", "id": 1, "method": "tasks/get", "params": {"taskId": BIG}}
    line = "/data/" + "y" * 8000
    agent = "z" * 8000
    sends = {
        "callback output id": lambda: requests.post(
            server.url("/_dash-update-component"), json=callback, timeout=30
        ),
        "MCP taskId": lambda: requests.post(server.url("/_mcp"), json=task, timeout=30),
        "8 KB request line and User-Agent": lambda: requests.get(
            server.url(line), headers={"User-Agent": agent}, timeout=30
        ),
        # A request line gunicorn refuses (a control character), quoted whole in its warning;
        # it has no access line.
        "malformed 8 KB request line": lambda: _raw(
            server.port, b"GET /" + b"w" * 8000 + b"\x01 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        ),
    }
    for name, send in sends.items():
        last = b"Invalid request from" if name.startswith("malformed") else b"gunicorn.access"
        added, answer = _added(server, send, last)
        assert len(added.encode()) <= MAX_LOG_BYTES, (name, added)
        body = answer if isinstance(answer, bytes) else answer.content
        assert len(body) <= 2048, (name, body[:200])
    # A burst of one client error: a few lines (one was written above), the rest counted.
    body = {"output": "no-such.children\n2026 CRITICAL forged", "outputs": {"id": "a"}}
    before = server.log_path.stat().st_size
    with requests.Session() as session:
        for _ in range(100):
            answer = session.post(server.url("/_dash-update-component"), json=body, timeout=10)
            assert answer.status_code == 400
    wait_for(
        lambda: server.log_path.read_bytes()[before:].count(b"gunicorn.access") >= 100,
        10,
        what="the access lines",
    )
    log = server.log_path.read_bytes()[before:].decode(errors="replace")
    refused = [line for line in log.splitlines() if "rejected Dash callback" in line]
    assert 1 <= len(refused) <= 5, log[-2000:]
    assert not [line for line in log.splitlines() if line.startswith("2026 CRITICAL")]
    assert json.loads(answer.content) == {"error": "invalid Dash callback request"}
    assert "Traceback" not in server.log_path.read_text(errors="replace")
