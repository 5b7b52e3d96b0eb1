"""Dash's MCP server at /_mcp (MCP_ENABLED): only the read-only metric tools, rate limited like
/data, behind routes/mcp/transport.py's checks; switched off, /_mcp is a 404."""

from __future__ import annotations

import dash
from dash.mcp import configure_mcp_server
from werkzeug.exceptions import NotFound

from routes.mcp import transport
from web.limits import rate_limited
from web.paths import MCP_PATH

# Every method Streamable HTTP uses (and Dash registers, one view each), and a few more so that
# a switched-off server answers 404 to all of them rather than the page route's 405.
_METHODS = ["GET", "POST", "DELETE", "PUT", "PATCH"]


def register_mcp(app: dash.Dash) -> None:
    """Expose only routes/mcp/tools.py's tools at /_mcp, or answer 404 there when it is off.

    The app must have been built with Dash(enable_mcp=MCP_ENABLED, mcp_path=MCP_PATH), and
    this runs before init_web so that the rate limits see the marked views.
    """
    server = app.server
    if not server.config.get("MCP_ENABLED"):
        server.add_url_rule(MCP_PATH, endpoint="mcp_off", view_func=_off, methods=_METHODS)
        return

    from routes.mcp.tools import TOOL_NAMES  # importing it registers the tools with Dash

    # By default Dash lists every server callback (URL sync, CSV downloads, ...) as a tool, a
    # get_dash_component tool and the layout as resources. Agents get the metric tools only.
    # Process-wide: Dash keeps this configuration (and the tools) in module globals.
    configure_mcp_server(
        include_layout=False,
        include_callbacks=False,
        include_clientside_callbacks=False,
        include_pages=False,
    )
    views = server.view_functions
    post, get, delete = (f"{MCP_PATH}:{method}" for method in ("POST", "GET", "DELETE"))
    views[post] = transport.checked_post(views[post], TOOL_NAMES)
    views[get] = transport.no_stream
    views[delete] = transport.no_session_end
    for endpoint in (post, get, delete):
        # One count for the endpoint's methods, its own, at RATELIMIT_DATA (tools run /data's
        # queries); the limit counts first, then the Origin check, then the message checks.
        views[endpoint] = transport.same_origin_only(views[endpoint])
        rate_limited("RATELIMIT_DATA", "MCP requests", scope="mcp")(views[endpoint])


def _off():
    raise NotFound("the MCP server is switched off (MCP_ENABLED=false)")
