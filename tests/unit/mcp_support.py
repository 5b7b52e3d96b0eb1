"""What the MCP tests share: a real MCP client session, one JSON-RPC message through the Flask
test client, and the check that nothing was logged with a traceback."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client
from werkzeug.serving import make_server


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


@contextmanager
def served_mcp(server) -> Iterator[str]:
    """A Flask app on a real HTTP server (werkzeug, threaded) on a free port: its /_mcp URL."""
    http = make_server("127.0.0.1", 0, server, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{http.server_port}/_mcp"
    finally:
        http.shutdown()
        thread.join(timeout=10)
