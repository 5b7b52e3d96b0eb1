"""The MCP endpoint's JSON-RPC: malformed bodies are 400, pings, notifications and responses,
client mistakes as JSON-RPC errors, what is left to Dash; never a traceback."""

from __future__ import annotations

import asyncio
import inspect
import logging
import re

from dash.mcp import _server as dash_mcp_server
from flask import request

from routes.mcp.transport import DASH_METHODS, MALFORMED
from tests.unit.mcp_support import _assert_no_traceback, _rpc, _with_session
from web import services


def test_malformed_messages_are_400_never_500(client, caplog):
    bodies = [
        [],
        "tools/list",
        7,
        {"jsonrpc": "2.0", "id": 1, "method": "x", "params": []},
        {"jsonrpc": "2.0", "id": 1, "method": 7},
        {"jsonrpc": "2.0", "id": [1], "method": "tools/list"},
        {"jsonrpc": "2.0", "id": True, "method": "tools/list"},
        {"jsonrpc": "2.0", "id": 1},  # neither a request nor a response
    ]
    with caplog.at_level(logging.DEBUG):
        for body in bodies:
            response = client.post("/_mcp", json=body)
            assert response.status_code == 400, body
            assert response.get_json() == {"error": MALFORMED}
    assert client.post("/_mcp", data="{", content_type="application/json").status_code == 400
    assert client.post("/_mcp", data="{}", content_type="text/plain").status_code == 415
    # Nested past Python's recursion limit: the JSON parser gives up (a 500 and a traceback).
    for deep in ('{"a":' * 5000 + "1" + "}" * 5000, "[" * 100_000 + "]" * 100_000):
        response = client.post("/_mcp", data=deep, content_type="application/json")
        assert response.status_code == 400
        assert response.get_json() == {"error": "the body is JSON nested too deeply"}
    _assert_no_traceback(caplog)


def test_ping_is_an_empty_result_and_an_unknown_method_is_method_not_found(client, caplog):
    with caplog.at_level(logging.DEBUG):
        pong = _rpc(client, "ping", message_id=7)
        unknown = _rpc(client, "prompts/list", message_id="a")
        misspelt = _rpc(client, "tools/lsit", message_id=8)
    assert pong.status_code == 200
    assert pong.get_json() == {"jsonrpc": "2.0", "id": 7, "result": {}}
    assert unknown.status_code == 200 and misspelt.status_code == 200
    assert unknown.get_json() == {
        "jsonrpc": "2.0",
        "id": "a",
        "error": {"code": -32601, "message": "Method not found"},
    }
    assert misspelt.get_json()["error"] == {"code": -32601, "message": "Method not found"}
    assert not [r for r in caplog.records if r.name.startswith("dash")]  # not logged at all
    _assert_no_traceback(caplog)


def test_an_agent_pings_without_a_traceback(served, caplog):
    async def work(session):
        return await session.send_ping()

    with caplog.at_level(logging.INFO):
        pong = _with_session(served, work)
    assert pong.model_dump(exclude_none=True) == {}
    _assert_no_traceback(caplog)


def test_notifications_and_responses_are_202_without_a_body_and_run_nothing(
    app, client, monkeypatch, caplog
):
    calls = []
    monkeypatch.setattr(services.analytics(app.server), "toplist", lambda *a: calls.append(a))
    messages = [
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 3}},
        {"jsonrpc": "2.0", "method": "ping"},
        {"jsonrpc": "2.0", "method": "no/such/method"},
        {"jsonrpc": "2.0", "method": "tools/call", "params": {"name": "toplist"}},
        {"jsonrpc": "2.0", "id": 5, "result": {}},  # a response (to no request of ours)
        {"jsonrpc": "2.0", "id": 6, "error": {"code": -1, "message": "no"}},
    ]
    with caplog.at_level(logging.DEBUG):
        for message in messages:
            response = client.post("/_mcp", json=message)
            assert response.status_code == 202, message
            assert response.data == b"", message
    assert calls == []  # a tools/call without an id is a notification: nothing to answer
    _assert_no_traceback(caplog)


def test_other_client_mistakes_are_json_rpc_errors_without_a_traceback(client, caplog):
    with caplog.at_level(logging.DEBUG):
        resource = _rpc(client, "resources/read", {"uri": "dash://layout"})
        arguments = _rpc(client, "tools/call", {"name": "kpis", "arguments": ["device"]})
        no_arguments = _rpc(client, "tools/call", {"name": "kpis", "arguments": None})
        task = _rpc(client, "tasks/result", {"taskId": 7})
        templates = _rpc(client, "resources/templates/list")
        unknown = _rpc(client, "tools/call", {"name": "sync_state", "arguments": {}})
        not_a_name = _rpc(client, "tools/call", {"name": ["title"]})
        no_params = _rpc(client, "tools/call")
    # The spec's answer to an unknown tool; Dash logged these as errors, one with a traceback.
    assert unknown.get_json()["error"] == {"code": -32602, "message": "Unknown tool: 'sync_state'"}
    for answer in (not_a_name, no_params):
        assert answer.get_json()["error"] == {
            "code": -32602,
            "message": "Invalid params: name is a string",
        }
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert resource.get_json()["error"] == {
        "code": -32002,
        "message": "Resource not found",
        "data": {"uri": "dash://layout"},
    }
    for answer in (arguments, no_arguments, task):
        assert answer.status_code == 200
        assert answer.get_json()["error"]["code"] == -32602
    assert templates.get_json()["result"] == {"resourceTemplates": []}  # still Dash's
    _assert_no_traceback(caplog)


def test_the_requests_left_to_dash_are_those_dash_dispatches():
    # Dash answers a method missing from its table with a traceback: after a Dash upgrade,
    # DASH_METHODS must follow its table (a new method is refused as -32601 until then).
    source = inspect.getsource(dash_mcp_server._process_mcp_message)
    table = source[source.index("mcp_methods = {") : source.index("try:")]
    assert set(re.findall(r'^\s+"([\w/]+)":', table, re.MULTILINE)) == DASH_METHODS


def test_an_idle_agent_stops_asking_for_an_event_stream(app, served, caplog):
    gets = []

    @app.server.after_request
    def note(response):
        if request.method == "GET":
            gets.append(response.status_code)
        return response

    async def work(session):
        # Dash's empty stream made the client reconnect every second: 4 GETs in this time.
        await asyncio.sleep(3.5)
        return await session.call_tool("kpis", {})

    with caplog.at_level(logging.INFO):
        kpis = _with_session(served, work)
    assert not kpis.is_error  # the session works on without a stream
    assert 1 <= len(gets) <= 2 and set(gets) == {405}  # a try, one retry, then none
    _assert_no_traceback(caplog)
