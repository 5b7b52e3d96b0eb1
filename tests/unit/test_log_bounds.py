"""A client cannot fill the logs: a 1 MB value adds a few hundred bytes at most, is escaped, is
never echoed back whole, and a burst of one client error is written a few times and counted."""

from __future__ import annotations

import http.client
import json
import logging
import threading

import pytest
from werkzeug.serving import make_server

from data.client_text import clipped, escaped
from data.events.params import shown
from testkit.dash_client import CALLBACK_URL, DashCallbacks, payload
from web import log_safety
from web.log_safety import CLIENT_ERROR, MAX_PER_MINUTE, ClientLogFilter

BIG = "x" * 1_000_000  # with the JSON around it, just under MAX_CONTENT_LENGTH (1 MiB)
MAX_LOG_BYTES = 500  # what one hostile request may add to the log
# An answer (the data, the game's page) that does not grow with it; an echo (the sign-in
# form's name) is 200 characters at most.
MAX_BODY_BYTES = 16_384
FAKE_LINE = "a\n2026-01-01 00:00:00,000 CRITICAL reelboard: forged\r\x1b[2J\u2028b"


class Captured(logging.Handler):
    """Every record, formatted as the servers format them (tracebacks included)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.setFormatter(
            logging.Formatter("%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s")
        )
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))

    def size(self) -> int:
        return sum(len(line.encode()) + 1 for line in self.lines)


@pytest.fixture
def captured():
    """A root handler at DEBUG that is there before the app: create_app puts the filter on it."""
    handler = Captured()
    handler.addFilter(ClientLogFilter())  # its own counts: other tests' errors are not in them
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)


def _measure(captured, send) -> tuple[int, object]:
    """(log bytes added, response) of one request; each request starts a fresh minute."""
    captured.filters[0].flush()
    captured.lines.clear()
    response = send()
    return captured.size(), response


def _mcp(method, params=None, message_id=1):
    return {"jsonrpc": "2.0", "id": message_id, "method": method, "params": params or {}}


def _hostile_requests(client, api):
    one = next(spec for spec in api.specs if not spec["output"].startswith(".."))
    several = next(spec for spec in api.specs if spec["output"].startswith(".."))
    wrong_shape = {**payload(one, {}), "outputs": [{"id": BIG[:500_000], "property": "x"}]}
    bad_inputs = {**payload(one, {}), "inputs": [{"id": BIG, "property": "value", "value": 1}]}

    def dash(body):
        return lambda: client.post(CALLBACK_URL, json=body)

    def mcp(*args):
        return lambda: client.post("/_mcp", json=_mcp(*args))

    return {
        "callback string id": dash({"output": BIG + ".children", "inputs": [], "outputs": {}}),
        "callback dict id": dash(
            {"output": json.dumps({"a": BIG}) + ".x", "outputs": {"id": {"a": 1}, "property": "x"}}
        ),
        "callback forged line": dash(
            {"output": FAKE_LINE, "outputs": {"id": "a", "property": "x"}}
        ),
        "callback several outputs": dash({**payload(several, {}), "output": ".." + BIG + ".x.."}),
        "callback wrong shape": dash(wrong_shape),
        "callback bad inputs": dash(bad_inputs),
        "callback known output + 1 MB": dash({**payload(one, {}), "output": one["output"] + BIG}),
        **{
            f"mcp {m}": mcp(m, {"taskId": BIG})
            for m in ("tasks/get", "tasks/result", "tasks/cancel")
        },
        "mcp 1 MB id": mcp("ping", {}, BIG),
        "mcp 1 MB id, tools/list": mcp("tools/list", {}, BIG),
        "mcp resources/read": mcp("resources/read", {"uri": BIG}),
        "mcp unknown tool": mcp("tools/call", {"name": BIG, "arguments": {}}),
        "mcp argument value": mcp("tools/call", {"name": "kpis", "arguments": {"start": BIG}}),
        "mcp argument name": mcp("tools/call", {"name": "kpis", "arguments": {BIG: 1}}),
        "mcp forged line": mcp("tools/call", {"name": FAKE_LINE, "arguments": {}}),
        "data metric": lambda: client.get(f"/data/{BIG}/"),
        "data value": lambda: client.get(f"/data/unique_users/?start={BIG}"),
        "data name": lambda: client.get(f"/data/unique_users/?{BIG}=1"),
        "dash file": lambda: client.get(f"/_dash-component-suites/dash/{BIG}"),
        "sign-in name": lambda: client.post("/signin", data={"name": BIG, "password": "x"}),
        "user agent": lambda: client.get("/healthz", headers={"User-Agent": BIG}),
    }


def test_a_1mb_value_adds_a_few_hundred_bytes_to_the_log(captured, client):
    api = DashCallbacks.for_flask(client)
    for name, send in _hostile_requests(client, api).items():
        added, response = _measure(captured, send)
        assert added <= MAX_LOG_BYTES, (name, captured.lines)
        body = response.get_data()
        assert len(body) <= MAX_BODY_BYTES and b"x" * 201 not in body, (name, body[:300])
        assert response.status_code < 500, name
        assert all("\n" not in line and "\u2028" not in line for line in captured.lines), name


def test_game_routes_with_huge_names(captured, game_client):
    sends = {
        "start": lambda: game_client.post("/guess/start", json={"user": "y" * 15_000}),
        "page": lambda: game_client.get(f"/guess/?user={BIG}&max_value={BIG}"),
        "guess": lambda: game_client.post(f"/guess/{BIG}", json={"guess": 1}),
        "board": lambda: game_client.get(f"/guess/hiscore?user={BIG}&board={BIG}"),
        "finished": lambda: game_client.post("/guess/finished", json={"game_id": "z" * 15_000}),
    }
    for name, send in sends.items():
        added, response = _measure(captured, send)
        assert added <= MAX_LOG_BYTES, (name, captured.lines)
        body = response.get_data()
        assert len(body) <= MAX_BODY_BYTES and b"y" * 201 not in body, (name, body[:300])


def test_an_id_that_cannot_be_echoed_is_refused_with_a_null_id(client):
    answer = client.post("/_mcp", json=_mcp("ping", {}, "i" * 201))
    assert answer.status_code == 400
    assert answer.get_json() == {
        "jsonrpc": "2.0",
        "id": None,
        "error": {"code": -32600, "message": "Invalid Request: id is 200 characters at most"},
    }
    assert client.post("/_mcp", json=_mcp("ping", {}, "i" * 200)).get_json()["id"] == "i" * 200


def test_task_requests_name_no_task_and_log_nothing(captured, client):
    for method in ("tasks/get", "tasks/result", "tasks/cancel"):
        added, answer = _measure(
            captured, lambda m=method: client.post("/_mcp", json=_mcp(m, {"taskId": "t:1:2:3"}))
        )
        assert answer.get_json()["error"] == {
            "code": -32602,
            "message": "Invalid params: no such task",
        }
        assert added == 0, captured.lines


def test_the_development_server_log_is_bounded(captured, app):
    # make run's server (werkzeug) logs the request line, which it lets be 64 KB long.
    http_server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=http_server.serve_forever, daemon=True)
    thread.start()
    try:
        captured.lines.clear()
        connection = http.client.HTTPConnection("127.0.0.1", http_server.server_port, timeout=10)
        connection.request(
            "GET",
            "/data/" + "x" * 60_000 + "%0a2026%20CRITICAL/",
            headers={"User-Agent": BIG[:8000]},
        )
        assert connection.getresponse().status == 404
        connection.close()
    finally:
        http_server.shutdown()
        thread.join(timeout=10)
    assert captured.lines and captured.size() <= MAX_LOG_BYTES + 100, captured.lines
    assert all("\n" not in line for line in captured.lines)


def test_a_burst_of_one_client_error_is_written_a_few_times_then_counted():
    now = [1000.0]
    handler = Captured()
    handler.addFilter(ClientLogFilter(clock=lambda: now[0]))
    log = logging.getLogger("tests.log_bounds.burst")
    log.setLevel(logging.DEBUG)
    log.addHandler(handler)
    log.propagate = False
    try:
        for n in range(100):
            log.warning("refused request %d: %s", n, clipped(BIG), extra={CLIENT_ERROR: True})
        assert len(handler.lines) == MAX_PER_MINUTE
        log.info("an ordinary line, a second later")  # not counted; too early for a summary
        now[0] += 61
        log.warning("refused request %d: %s", 100, "y", extra={CLIENT_ERROR: True})
    finally:
        log.removeHandler(handler)
    assert len(handler.lines) == MAX_PER_MINUTE + 3, handler.lines
    summary = handler.lines[MAX_PER_MINUTE + 1]
    assert summary.endswith("95 more like 'refused request %d: %s' in the last minute"), summary
    assert handler.lines[-1].endswith("refused request 100: y")  # a new minute: written again


def test_dash_s_own_mcp_error_lines_are_counted_and_cut():
    # Dash logs MCPError text itself (tasks, unknown tools); only the filter can bound it.
    handler = Captured()
    filter_ = ClientLogFilter()
    handler.addFilter(filter_)
    log = logging.getLogger("dash.mcp._server")
    log.addHandler(handler)
    try:
        for _ in range(50):
            log.error("MCP error: %s", f"Malformed taskId: {BIG!r}")
        filter_.flush()
    finally:
        log.removeHandler(handler)
    assert len(handler.lines) == MAX_PER_MINUTE + 1
    assert handler.lines[-1].endswith("45 more like 'MCP error: ' in the last minute")
    assert max(len(line) for line in handler.lines) < 600


def test_any_record_is_cut_escaped_and_its_traceback_lines_clipped():
    handler = Captured()
    handler.addFilter(ClientLogFilter())
    log = logging.getLogger("tests.log_bounds.any")
    log.addHandler(handler)
    log.propagate = False
    try:
        log.warning("a library quoting a client: %s", FAKE_LINE + BIG)
        try:
            raise ValueError(FAKE_LINE + BIG)
        except ValueError:
            log.exception("failed")
    finally:
        log.removeHandler(handler)
    message, traceback = handler.lines
    assert "\n" not in message and "\\n2026" in message and len(message) < 600
    assert message.endswith(f"... ({len('a library quoting a client: ' + FAKE_LINE + BIG)} chars)")
    assert len(traceback) < 3000 and "ValueError: a\\n2026" in traceback


def test_clipping_escapes_and_notes_the_length():
    assert clipped(FAKE_LINE) == repr(FAKE_LINE)
    assert "\n" not in clipped(FAKE_LINE) and "\x1b" not in clipped(FAKE_LINE)
    assert clipped(BIG) == repr("x" * 120) + "... (1000000 chars)"
    assert len(clipped("\x00" * 10_000)) < 150  # escapes do not make it longer than its limit
    assert len(clipped({"k": [BIG] * 1000, BIG: 1})) < 150
    assert shown(BIG) == repr("x" * 40) + "... (1000000 chars)"
    assert escaped('GET /"a\\b\n HTTP/1.1') == 'GET /\\"a\\\\b\\n HTTP/1.1'
    assert escaped(BIG, 160) == "x" * 160 + "... (1000000 chars)"


def test_the_app_puts_the_filter_on_the_handlers_there_are(make_app):
    handler = logging.StreamHandler()
    logging.getLogger().addHandler(handler)
    try:
        make_app()
        assert any(isinstance(f, ClientLogFilter) for f in handler.filters)
        assert log_safety.FILTER in handler.filters
    finally:
        logging.getLogger().removeHandler(handler)
