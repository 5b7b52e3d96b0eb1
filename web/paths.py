"""The URL paths the web layer treats specially, declared once."""

from __future__ import annotations

GAME_PREFIX = "/guess"  # the game's blueprint
GAME_PAGE_PATH = GAME_PREFIX + "/"
MCP_PATH = "/_mcp"  # Dash's MCP server (Streamable HTTP) for AI agents, when MCP_ENABLED
# Paths whose answers are JSON, errors included (the game's page itself is HTML).
JSON_PREFIXES = ("/data/", "/_dash-", "/_reload-hash", "/healthz", "/openapi.json", MCP_PATH)
GAME_API_PREFIX = GAME_PAGE_PATH
DASH_CALLBACK_PATH = "/_dash-update-component"
COMPONENT_SUITES_PREFIX = "/_dash-component-suites/"
RELOAD_HASH_PATH = "/_reload-hash"
# Dash answers every unknown GET path with its page (client-side routing); under these
# prefixes an unknown path is a client error, not a page.
NOT_DASH_PREFIXES = (
    "/data/",
    GAME_PAGE_PATH,
    "/_dash-",
    "/healthz",
    "/openapi",
    "/assets/",
    MCP_PATH,
)
