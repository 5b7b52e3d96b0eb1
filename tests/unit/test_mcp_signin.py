"""The MCP endpoint with sign-in on: Bearer tokens, sessions from the app's own pages, and
Host and Origin checked against ALLOWED_HOSTS (DNS rebinding)."""

from __future__ import annotations

import asyncio

import pytest
from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from tests.unit.auth_support import *  # noqa: F403  (the access fixtures)
from tests.unit.auth_support import OWN_ORIGIN, sign_in
from tests.unit.mcp_support import _rpc, served_mcp


@pytest.fixture
def token(store, ann) -> str:
    return store.create_token("ann")[1]


@pytest.fixture
def served_auth(auth_app):
    """The sign-in app on a real HTTP server on a free port: the /_mcp URL."""
    with served_mcp(auth_app.server) as url:
        yield url


def test_an_agent_with_a_bearer_token_uses_the_tools_through_the_sdk(served_auth, token):
    async def run():
        headers = {"Authorization": f"Bearer {token}"}
        async with create_mcp_http_client(headers=headers) as http:
            async with streamable_http_client(served_auth, http_client=http) as (read, write):
                async with ClientSession(read, write) as session:
                    await session.initialize()
                    tools = await session.list_tools()
                    called = await session.call_tool("kpis", {})
                    return tools, called

    tools, called = asyncio.run(run())
    assert "kpis" in {tool.name for tool in tools.tools}
    assert not called.is_error


def test_a_bearer_token_works_on_a_plain_json_rpc_post(auth_app, store, token):
    client = auth_app.server.test_client()
    bearer = {"Authorization": f"Bearer {token}"}
    answer = _rpc(client, "tools/call", {"name": "kpis", "arguments": {}}, headers=bearer)
    assert answer.status_code == 200
    assert "result" in answer.get_json()
    assert _rpc(client, "tools/list").status_code == 401  # nothing without it
    store.revoke_token(token)
    revoked = _rpc(client, "tools/list", headers=bearer)
    assert revoked.status_code == 401
    assert revoked.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    ("origin", "status"),
    [
        (OWN_ORIGIN, 200),
        ("http://127.0.0.1", 200),  # another of the configured names, on the same port
        ("http://localhost:1234", 403),  # another program's page on this machine
        ("http://evil.example", 403),
        ("http://attacker.example:8050", 403),  # a rebound name's page
        ("null", 403),
    ],
)
def test_the_origin_is_checked_against_the_configured_names(auth_app, token, origin, status):
    client = auth_app.server.test_client()
    headers = {"Authorization": f"Bearer {token}", "Origin": origin}
    answer = _rpc(client, "tools/list", headers=headers)
    assert answer.status_code == status
    if status == 403:
        assert answer.get_json()["error"].startswith("cross-origin MCP requests are refused")


def test_a_signed_in_page_reaches_mcp_only_from_the_apps_origin(auth_app, ann):
    client = auth_app.server.test_client()
    assert sign_in(client).status_code == 302
    assert _rpc(client, "tools/list", headers={"Origin": OWN_ORIGIN}).status_code == 200
    foreign = _rpc(client, "tools/list", headers={"Origin": "http://evil.example"})
    assert foreign.status_code == 403


def test_a_rebound_host_name_gets_nothing(auth_app, token):
    # A page on attacker.example, resolved to this server: its requests name that host.
    client = auth_app.server.test_client()
    headers = {"Authorization": f"Bearer {token}", "Origin": "http://attacker.example"}
    answer = _rpc(client, "tools/list", base_url="http://attacker.example", headers=headers)
    assert answer.status_code == 400  # the guard's Host check comes first
    assert "result" not in answer.get_json()
