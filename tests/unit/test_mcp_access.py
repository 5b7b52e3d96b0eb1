"""Who reaches the MCP endpoint: the MCP_ENABLED setting, the shared rate limit, POST only,
and requests from another origin refused."""

from __future__ import annotations

import logging

import pytest

from config import load_config
from tests.unit.mcp_support import _assert_no_traceback, _rpc


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
        # Any of the configured names (ALLOWED_HOSTS) on the port the browser reached is this
        # server's, whatever the scheme (a TLS proxy in front changes it).
        ("http://localhost", "https://localhost"),
        ("http://127.0.0.1:8050", "http://localhost:8050"),
        ("http://localhost", "https://reelboard.example"),
    ],
)
def test_a_request_from_the_servers_own_origin_is_served(make_app, base_url, origin):
    # A server named reelboard.example is configured to answer to that name (ALLOWED_HOSTS).
    client = make_app(
        ALLOWED_HOSTS="localhost,127.0.0.1,::1,reelboard.example"
    ).server.test_client()
    headers = {"Origin": origin} if origin else {}
    answer = _rpc(client, "tools/list", base_url=base_url, headers=headers)
    assert answer.status_code == 200
    assert "tools" in answer.get_json()["result"]


@pytest.mark.parametrize(
    ("base_url", "origin"),
    [
        ("http://localhost", "http://evil.example"),
        ("http://localhost", "null"),
        ("http://localhost", "ftp://localhost"),
        ("http://localhost", "http://localhost.evil.example"),
        ("http://localhost", "http://localhost/some/page"),
        ("http://127.0.0.1:8050", "http://attacker.example:8050"),  # DNS rebinding's Origin
        ("http://127.0.0.1:8050", "http://127.0.0.1:99999"),
        ("http://127.0.0.1:8050", "http://127.0.0.1"),  # another port: another program's page
        ("http://127.0.0.1:8050", "http://localhost:1234"),
        ("http://127.0.0.1:8050", "http://evil@127.0.0.1:8050"),
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
