"""Reliability: web edges under real gunicorn (Dash files, reload hash, redirects, chunked)."""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import time

import requests

BODY_LIMIT = 1 << 20  # MAX_CONTENT_LENGTH's default
UNKNOWN_DASH_FILES = (
    "/_dash-component-suites/os/path.py",
    "/_dash-component-suites/dash/../../config.py",
    "/_dash-component-suites/dash/no-such-file.js",
    "/_dash-component-suites/plotly/package_data/nothing.min.js",
)


def _chunked_post(port: int, path: str, body: bytes) -> tuple[int, bytes]:
    """POST body with Transfer-Encoding: chunked over a raw socket; (status, response body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n".encode()
        )
        try:
            for start in range(0, len(body), 65536):
                chunk = body[start : start + 65536]
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may answer and close before reading everything
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, rest = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), rest


def _raw_get(port: int, path: str) -> tuple[int, bytes]:
    """GET path exactly as written (requests would resolve the dot segments first)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_unknown_dash_files_are_404_without_tracebacks(serve):
    server = serve(workers=1, LOG_LEVEL="info")
    for path in UNKNOWN_DASH_FILES:
        status, body = _raw_get(server.port, path)
        assert status == 404, (path, status)
        assert json.loads(body) == {"error": "no such file"}
    known = requests.get(server.url("/"), timeout=10)
    script = known.text.split('src="/_dash-component-suites/', 1)[1].split('"', 1)[0]
    assert requests.get(server.url(f"/_dash-component-suites/{script}"), timeout=10).ok
    log = server.log_tail(200)
    assert "Traceback" not in log
    # One short line per client error, not a 19-line traceback.
    lines = [line for line in log.splitlines() if "no such Dash file" in line]
    assert len(lines) == len(UNKNOWN_DASH_FILES), log


def test_reload_hash_is_hidden_in_production(serve):
    server = serve(workers=1)
    response = requests.get(server.url("/_reload-hash"), timeout=10)
    assert response.status_code == 404
    assert "packages" not in response.text


def test_redirects_are_relative_whatever_the_host_header(serve):
    # Another name the server answers to (ALLOWED_HOSTS) never appears in a redirect.
    server = serve(workers=1, ALLOWED_HOSTS="127.0.0.1,other.example")
    for path, target in (("/guess", "/guess/"), ("/guess?max_value=10", "/guess/?max_value=10")):
        response = requests.get(
            server.url(path), headers={"Host": "other.example"}, allow_redirects=False, timeout=10
        )
        assert response.status_code in (301, 308), response.status_code
        assert response.headers["Location"] == target
        assert "other.example" not in response.text
    # A name it does not answer to (DNS rebinding) gets nothing but a 400.
    response = requests.get(server.url("/guess"), headers={"Host": "evil.example"}, timeout=10)
    assert response.status_code == 400 and "evil.example" not in response.text


def test_chunked_body_over_the_limit_is_413_like_a_sized_one(serve):
    server = serve(workers=1)
    valid = b'{"output": "x", "outputs": {}, "inputs": [], "changedPropIds": []}'
    status, body = _chunked_post(server.port, "/_dash-update-component", valid + b" " * 3_000_000)
    assert status == 413, body[:200]
    assert b"too large" in body
    status, body = _chunked_post(server.port, "/guess/start", b'{"max_value": 10}' + b" " * 20_000)
    assert status == 413, body[:200]
    # Under the limit, a chunked body is read whole and processed.
    status, body = _chunked_post(server.port, "/guess/start", b'{"max_value": 10}')
    assert status == 201, body[:200]
    sized = requests.post(
        server.url("/_dash-update-component"),
        data=valid + b" " * (BODY_LIMIT + 10),
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert sized.status_code == 413


def test_slow_bodies_get_408_and_block_no_one(serve):
    """Bodies trickled a byte at a time: cut off after REQUEST_BODY_TIMEOUT, others served."""
    server = serve(workers=2, REQUEST_BODY_TIMEOUT="2")
    head = (
        b"POST /guess/finished HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: 10000\r\n\r\n{"
    )
    slow = []
    for _ in range(100):
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        sock.sendall(head)
        slow.append(sock)
    answered, started = [], time.monotonic()
    try:
        while time.monotonic() - started < 6:
            for sock in slow:
                with contextlib.suppress(OSError):
                    sock.send(b" ")
            began = time.monotonic()
            status = requests.get(server.url("/data/toplist/?num=3"), timeout=5).status_code
            answered.append((status, time.monotonic() - began))
            time.sleep(0.25)
        statuses = []
        for sock in slow:
            sock.settimeout(5)
            try:
                statuses.append(sock.recv(64).split(b" ")[1])
            except (OSError, IndexError):
                statuses.append(b"closed")
    finally:
        for sock in slow:
            sock.close()
    assert all(status == 200 and elapsed < 1.0 for status, elapsed in answered), answered
    assert statuses.count(b"408") >= 90, statuses


def _raw_answer(port: int, request: bytes) -> tuple[str, dict, bytes]:
    """Send bytes as they are; (status line, headers, body) of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines)
    return status, headers, body


def test_requests_gunicorn_refuses_are_json_errors_with_the_security_headers(serve):
    """Gunicorn answers these before the app sees them; it wrote an HTML page without headers."""
    server = serve(workers=1)
    long_line = f"GET /data/title/?title={'A' * 8200} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    both_lengths = (
        b"POST /guess/start HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
    )
    for request, status in ((long_line, "414"), (both_lengths, "400")):
        line, headers, body = _raw_answer(server.port, request)
        assert line.split()[1] == status, line
        assert headers["Content-Type"] == "application/json"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'none'" in headers["Content-Security-Policy"]
        assert int(headers["Content-Length"]) == len(body)
        error = json.loads(body)["error"]
        assert 0 < len(error) < 260 and "AAAAAAAAAA" not in error[:30], error
    assert requests.get(server.url("/healthz"), timeout=10).status_code == 200
    assert "Traceback" not in server.log_tail(100)
