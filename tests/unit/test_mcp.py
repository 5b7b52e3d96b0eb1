"""The MCP server at /_mcp: a real MCP client over Streamable HTTP gets /data's numbers, only the
metric tools, tool errors for bad arguments; the setting, the rate limit and malformed bodies."""

from __future__ import annotations

import asyncio
import inspect
import logging
import re
import threading

import pytest
from dash.mcp import _server as dash_mcp_server
from flask import request
from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client
from werkzeug.serving import make_server

from config import load_config
from data.events.catalog import DIMENSION_NAMES, METRIC_NAMES
from data.events.params import COHORT_DEFINITIONS, DEFAULT_COHORT
from routes.mcp_tools import TOOL_NAMES
from routes.mcp_transport import DASH_METHODS, MALFORMED
from web import services

# (tool, arguments, the /data request with the same question)
PARITY = [
    *(
        (
            "timeseries",
            {"metric": metric, "resolution": "weekly", "start": "2025-03-01", "end": "2025-03-31"},
            f"/data/{metric}/?resolution=weekly&start=2025-03-01&end=2025-03-31",
        )
        for metric in METRIC_NAMES
    ),
    (
        "timeseries",
        {"metric": "views", "resolution": "monthly", "device": ["iPad", "Computer"]},
        "/data/views/?resolution=monthly&device=iPad&device=Computer",
    ),
    ("timeseries", {"metric": "unique_users"}, "/data/unique_users/"),
    *(
        (
            "breakdown",
            {"metric": metric, "breakdown": dimension, "limit": 2, "resolution": "monthly"},
            f"/data/{metric}/?breakdown={dimension}&limit=2&resolution=monthly",
        )
        for metric in METRIC_NAMES
        for dimension in DIMENSION_NAMES
    ),
    ("toplist", {"num": 3, "sessiontype": ["MOVIE"]}, "/data/toplist/?num=3&sessiontype=MOVIE"),
    ("toplist", {}, "/data/toplist/"),
    (
        "kpis",
        {"start": "2025-03-01", "end": "2025-03-31", "market": ["(none)"]},
        "/data/kpis/?start=2025-03-01&end=2025-03-31&market=(none)",
    ),
    ("kpis", {}, "/data/kpis/"),
    (
        "kpis",
        {"start": "2025-12-01", "compare": "previous", "resolution": "monthly"},
        "/data/kpis/?start=2025-12-01&compare=previous&resolution=monthly",
    ),
    (
        "dimensions",
        {"start": "2025-03-01", "end": "2025-03-31"},
        "/data/dimensions/?start=2025-03-01&end=2025-03-31",
    ),
    ("toplist", {"num": 5, "level": "season"}, "/data/toplist/?num=5&level=season"),
    (
        "title",
        {"series": "The Letter of Kiruna", "resolution": "monthly", "device": ["iPad"]},
        "/data/title/?series=The%20Letter%20of%20Kiruna&resolution=monthly&device=iPad",
    ),
    ("title", {"title": "Beyond the Heist"}, "/data/title/?title=Beyond%20the%20Heist"),
    ("top10", {"sessiontype": "SERIES"}, "/data/top10/?sessiontype=SERIES"),
    (
        "top10",
        {"week": "2025-06-02", "market": ["NO"]},
        "/data/top10/?week=2025-06-02&market=NO",
    ),
    (
        "retention",
        {"resolution": "monthly", "periods": 3, "sessiontype": ["SERIES"]},
        "/data/retention/?resolution=monthly&periods=3&sessiontype=SERIES",
    ),
    ("retention", {"start": "2025-06-01"}, "/data/retention/?start=2025-06-01"),
    (
        "retention",
        {"start": "2025-06-01", "cohort": "in_range"},
        "/data/retention/?start=2025-06-01&cohort=in_range",
    ),
    ("lifecycle", {"resolution": "monthly"}, "/data/lifecycle/?resolution=monthly"),
    ("lifecycle", {}, "/data/lifecycle/"),
]

# (tool, bad arguments, the /data request that is refused with the same message)
BAD = [
    ("toplist", {"num": 0}, "/data/toplist/?num=0"),
    ("toplist", {"num": "ten"}, "/data/toplist/?num=ten"),
    ("timeseries", {"metric": "views", "resolution": "hourly"}, "/data/views/?resolution=hourly"),
    ("timeseries", {"metric": "views", "start": "2025-02-30"}, "/data/views/?start=2025-02-30"),
    (
        "kpis",
        {"start": "2025-03-02", "end": "2025-03-01"},
        "/data/kpis/?start=2025-03-02&end=2025-03-01",
    ),
    ("kpis", {"sessiontype": ["TRAILER"]}, "/data/kpis/?sessiontype=TRAILER"),
    ("kpis", {"compare": "next"}, "/data/kpis/?compare=next"),
    ("breakdown", {"metric": "views", "breakdown": "title"}, "/data/views/?breakdown=title"),
    ("toplist", {"level": "episode"}, "/data/toplist/?level=episode"),
    ("title", {}, "/data/title/"),
    ("top10", {"week": "2025-06-03"}, "/data/top10/?week=2025-06-03"),
    ("retention", {"periods": "fifty"}, "/data/retention/?periods=fifty"),
    ("retention", {"cohort": "first_seen"}, "/data/retention/?cohort=first_seen"),
    ("lifecycle", {"resolution": "yearly"}, "/data/lifecycle/?resolution=yearly"),
]


@pytest.fixture
def served(app):
    """The app on a real HTTP server (werkzeug, threaded) on a free port: the /_mcp URL."""
    http = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}/_mcp"
    http.shutdown()
    thread.join(timeout=10)


def _with_session(url: str, work):
    """Run `await work(session)` in an initialized MCP client session on url; its result."""

    async def run():
        async with streamable_http_client(url) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                return await work(session)

    return asyncio.run(run())


def _rpc(client, method: str, params: dict | None = None, message_id: object = 1, **kwargs):
    """One JSON-RPC message to /_mcp through the Flask test client."""
    message = {"jsonrpc": "2.0", "id": message_id, "method": method, "params": params or {}}
    return client.post("/_mcp", json=message, **kwargs)


def _assert_no_traceback(caplog):
    """A client's mistake is logged as one short line at most, never with a traceback."""
    for record in caplog.records:
        text = record.getMessage()
        assert not record.exc_info and not record.stack_info, text
        assert "\n" not in text and "Traceback" not in text and len(text) < 300, text


def _enum(schema) -> list | None:
    """The values an (optional) parameter's JSON schema allows: its enum, wherever it sits."""
    if isinstance(schema, dict):
        if "enum" in schema:
            return schema["enum"]
        schema = list(schema.values())
    if isinstance(schema, list):
        return next((found for part in schema if (found := _enum(part)) is not None), None)
    return None


def test_an_agent_lists_only_the_metric_tools_with_their_parameters(served):
    async def work(session):
        return await session.list_tools(), await session.list_resources()

    tools, resources = _with_session(served, work)
    # Not the dashboard's callbacks (URL sync, downloads), get_dash_component, or the layout.
    assert sorted(tool.name for tool in tools.tools) == sorted(TOOL_NAMES)
    assert resources.resources == []
    for tool in tools.tools:
        # Dash documents no optional parameter: the docstring names each one.
        for name in tool.input_schema["properties"]:
            assert re.search(rf"^- (\w+, )*{name}\b", tool.description, re.MULTILINE), name
    schema = next(t for t in tools.tools if t.name == "timeseries").input_schema
    assert schema["required"] == ["metric"]
    assert schema["properties"]["metric"]["enum"] == list(METRIC_NAMES)
    retention = next(t for t in tools.tools if t.name == "retention")
    assert list(COHORT_DEFINITIONS) == _enum(retention.input_schema["properties"]["cohort"])
    for name, meaning in COHORT_DEFINITIONS.items():
        assert f"{name}{' (default)' * (name == DEFAULT_COHORT)}, {meaning}" in (
            retention.description
        )


def test_every_tool_answers_the_numbers_of_data(served, client):
    async def work(session):
        return [await session.call_tool(tool, arguments) for tool, arguments, _ in PARITY]

    results = _with_session(served, work)
    for (tool, arguments, path), result in zip(PARITY, results, strict=True):
        expected = client.get(path)
        assert expected.status_code == 200, path
        assert not result.is_error, (tool, arguments, result.content)
        assert result.structured_content == {"result": expected.get_json()}, (tool, arguments)
    assert any(len(r.structured_content["result"]) > 3 for r in results)  # not all empty


def test_bad_arguments_are_tool_errors_saying_what_data_says(served, client):
    calls = [
        *((tool, arguments) for tool, arguments, _ in BAD),
        ("timeseries", {"metric": "watch_time"}),
        ("timeseries", {}),
        ("breakdown", {"metric": "views"}),
        ("breakdown", {"metric": "views", "breakdown": "device", "limit": 51}),
        ("toplist", {"nmu": 3}),
    ]

    async def work(session):
        return [await session.call_tool(tool, arguments) for tool, arguments in calls]

    results = _with_session(served, work)
    texts = [result.content[0].text for result in results]
    assert all(result.is_error for result in results)
    for (_, _, path), text in zip(BAD, texts, strict=False):
        refused = client.get(path)
        assert refused.status_code == 400, path
        assert text == f"InvalidParameter: {refused.get_json()['error']}"
    assert texts[len(BAD) :] == [
        "InvalidParameter: metric must be one of unique_users, minutes_watched, views, "
        "completion_rate, got 'watch_time'",
        "InvalidParameter: metric must be one of unique_users, minutes_watched, views, "
        "completion_rate, got None",
        f"InvalidParameter: breakdown is required: one of {', '.join(DIMENSION_NAMES)}",
        "InvalidParameter: limit must be an integer from 1 to 50 (default 5), got 51",
        "InvalidParameter: unknown argument 'nmu': toplist takes num, level, start, end, "
        + ", ".join(DIMENSION_NAMES),
    ]
    assert not any("Traceback" in text for text in texts)


def test_an_unexpected_failure_is_logged_and_answered_briefly(app, client, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("secret detail")

    monkeypatch.setattr(services.analytics(app.server), "toplist", broken)
    with caplog.at_level(logging.ERROR):
        answer = _rpc(client, "tools/call", {"name": "toplist", "arguments": {}})
    result = answer.get_json()["result"]
    assert answer.status_code == 200 and result["isError"]
    assert result["content"][0]["text"] == (
        "ToolFailed: internal server error; the problem has been logged"
    )
    assert any(record.exc_info for record in caplog.records)


def test_an_unreadable_database_is_the_same_tool_error_as_data_503(make_app, tmp_path):
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"this is not a database file at all" * 100)
    client = make_app(DATABASE_URL=f"sqlite:///{broken}").server.test_client()
    refused = client.get("/data/kpis/")
    answer = _rpc(client, "tools/call", {"name": "kpis", "arguments": {}})
    assert refused.status_code == 503 and answer.status_code == 200
    result = answer.get_json()["result"]
    assert result["isError"]
    assert result["content"][0]["text"] == f"EventStoreUnreadable: {refused.get_json()['error']}"


def test_switched_off_there_is_no_mcp_endpoint(make_app):
    client = make_app(MCP_ENABLED=False).server.test_client()
    for method in ("get", "post", "delete"):
        response = getattr(client, method)(
            "/_mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
        )
        assert response.status_code == 404, method
        assert response.get_json() == {
            "error": "the MCP server is switched off (MCP_ENABLED=false)"
        }
    assert client.get("/_mcp/").status_code == 404  # not the dashboard's page either
    assert client.get("/data/kpis/").status_code == 200


def test_the_setting_is_read_from_the_environment_default_on(instance_dir):
    base = {"INSTANCE_PATH": str(instance_dir)}
    assert load_config(environ=base)["MCP_ENABLED"] is True
    assert load_config(environ={**base, "MCP_ENABLED": "false"})["MCP_ENABLED"] is False
    assert load_config(environ={**base, "MCP_ENABLED": "1"})["MCP_ENABLED"] is True


def test_mcp_requests_share_one_limit_like_data(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_DATA="3 per minute")
    client = app.server.test_client()
    statuses = [
        _rpc(client, "initialize").status_code,
        client.get("/_mcp").status_code,  # every method of the endpoint counts
        _rpc(client, "tools/call", {"name": "kpis", "arguments": {}}).status_code,
        _rpc(client, "tools/list").status_code,
    ]
    assert statuses == [200, 405, 200, 429]
    refused = _rpc(client, "tools/list")
    assert refused.status_code == 429
    assert "too many MCP requests" in refused.get_json()["error"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert client.delete("/_mcp").status_code == 429
    assert client.get("/data/kpis/").status_code == 200  # /data counts on its own


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


def test_get_and_delete_are_a_clean_405_with_allow(client):
    for method in ("get", "delete", "head"):
        response = getattr(client, method)("/_mcp")
        assert response.status_code == 405, method
        assert response.headers["Allow"] == "POST", method
        if method != "head":
            assert response.is_json and set(response.get_json()) == {"error"}, method


@pytest.mark.parametrize(
    ("base_url", "origin"),
    [
        ("http://localhost", None),  # agents and curl send no Origin
        ("http://localhost", "http://localhost"),
        ("http://localhost", "http://LOCALHOST:80"),
        ("http://127.0.0.1:8050", "http://127.0.0.1:8050"),
        ("http://[::1]:8050", "http://[::1]:8050"),
        ("https://reelboard.example", "https://reelboard.example:443"),
    ],
)
def test_a_request_from_the_servers_own_origin_is_served(client, base_url, origin):
    headers = {"Origin": origin} if origin else {}
    answer = _rpc(client, "tools/list", base_url=base_url, headers=headers)
    assert answer.status_code == 200
    assert "tools" in answer.get_json()["result"]


@pytest.mark.parametrize(
    ("base_url", "origin"),
    [
        ("http://localhost", "http://evil.example"),
        ("http://localhost", "null"),
        ("http://localhost", "https://localhost"),
        ("http://localhost", "http://localhost.evil.example"),
        ("http://127.0.0.1:8050", "http://127.0.0.1"),
        ("http://127.0.0.1:8050", "http://localhost:8050"),
        ("http://127.0.0.1:8050", "http://127.0.0.1:99999"),
        ("http://127.0.0.1:8050", ""),
    ],
)
def test_a_request_from_another_origin_is_refused(client, caplog, base_url, origin):
    with caplog.at_level(logging.DEBUG):
        answers = [
            _rpc(client, "tools/list", base_url=base_url, headers={"Origin": origin}),
            client.get("/_mcp", base_url=base_url, headers={"Origin": origin}),
            client.delete("/_mcp", base_url=base_url, headers={"Origin": origin}),
        ]
    for answer in answers:
        assert answer.status_code == 403
        assert answer.get_json()["error"].startswith("cross-origin MCP requests are refused")
    _assert_no_traceback(caplog)
