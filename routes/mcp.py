"""Dash's MCP server at /_mcp (MCP_ENABLED): only the read-only metric tools, rate limited like
/data; switched off, /_mcp is a 404."""

from __future__ import annotations

import dash
from dash.mcp import configure_mcp_server
from flask import request
from werkzeug.exceptions import NotFound

from web.errors import ClientError
from web.limits import rate_limited
from web.paths import MCP_PATH

# Every method Streamable HTTP uses (and Dash registers, one view each), and a few more so that
# a switched-off server answers 404 to all of them rather than the page route's 405.
_METHODS = ["GET", "POST", "DELETE", "PUT", "PATCH"]


def register_mcp(app: dash.Dash) -> None:
    """Expose only routes/mcp_tools.py's tools at /_mcp, or answer 404 there when it is off.

    The app must have been built with Dash(enable_mcp=MCP_ENABLED, mcp_path=MCP_PATH), and
    this runs before init_web so that the rate limits see the marked views.
    """
    server = app.server
    if not server.config.get("MCP_ENABLED"):
        server.add_url_rule(MCP_PATH, endpoint="mcp_off", view_func=_off, methods=_METHODS)
        return

    import routes.mcp_tools  # noqa: F401  (registers the tools with Dash)

    # By default Dash lists every server callback (URL sync, CSV downloads, ...) as a tool, a
    # get_dash_component tool and the layout as resources. Agents get the metric tools only.
    # Process-wide: Dash keeps this configuration (and the tools) in module globals.
    configure_mcp_server(
        include_layout=False,
        include_callbacks=False,
        include_clientside_callbacks=False,
        include_pages=False,
    )
    endpoints = [e for e in server.view_functions if e.startswith(f"{MCP_PATH}:")]
    for endpoint in endpoints:
        # One count for the endpoint's methods, its own, at RATELIMIT_DATA (tools run /data's
        # queries). An idle client's GET stream reconnects about once a second and counts too.
        rate_limited("RATELIMIT_DATA", "MCP requests", scope="mcp")(server.view_functions[endpoint])
    post_endpoint = f"{MCP_PATH}:POST"

    @server.before_request
    def _one_message():
        # Dash reads body["method"] and body["params"] unchecked: a JSON array or string body
        # would be a 500, a non-object params a logged traceback. Refuse them as a 400.
        if request.endpoint != post_endpoint or not request.is_json:
            return None  # Dash answers 415 for another content type
        body = request.get_json(silent=True)
        if body is None:
            return None  # not JSON at all: Dash's own 400
        if not isinstance(body, dict) or not isinstance(body.get("params", {}), dict | None):
            raise ClientError(400, "an MCP request is one JSON-RPC object with object params")
        return None


def _off():
    raise NotFound("the MCP server is switched off (MCP_ENABLED=false)")
