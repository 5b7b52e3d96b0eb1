"""The URL paths the web layer treats specially, declared once."""

from __future__ import annotations

from data.events.questions import data_paths

GAME_PREFIX = "/guess"  # the game's blueprint
GAME_PAGE_PATH = GAME_PREFIX + "/"
OPENAPI_PATH = "/openapi.json"  # the JSON routes' description
MCP_PATH = "/_mcp"  # Dash's MCP server (Streamable HTTP) for AI agents, when MCP_ENABLED
# Paths whose answers are JSON, errors included (the game's page itself is HTML).
JSON_PREFIXES = ("/data/", "/_dash-", "/_reload-hash", "/healthz", OPENAPI_PATH, MCP_PATH)
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
    # The sign-in pages' own paths are public: Dash's page under them would be too.
    "/signin/",
)


def json_routes() -> list[str]:
    """The JSON routes the page's numbers come from: every /data path of the table of questions
    (one per catalog metric for /data/<metric>/), then the API description."""
    return [*data_paths(), OPENAPI_PATH]
