"""Which paths answer without a sign-in, which take a Bearer token, and which answer JSON."""

from __future__ import annotations

from web.paths import GAME_PREFIX, JSON_PREFIXES, MCP_PATH, OPENAPI_PATH

SIGNIN_PATH = "/signin"
SIGNOUT_PATH = "/signout"
PASSWORD_PATH = "/account/password"
LINK_PATH = "/signin/link"
# Public on purpose: the health status (no figures without a sign-in), the game and the
# sign-in pages. Everything else needs a principal (tests/unit/test_auth_routes.py walks them).
# Not /favicon.ico: no route of ours serves it, so Dash's catch-all would answer with its page.
PUBLIC_PATHS = frozenset({"/healthz", SIGNIN_PATH, SIGNOUT_PATH, "/_favicon.ico"})
PUBLIC_PREFIXES = (SIGNIN_PATH + "/", GAME_PREFIX + "/")
# The files the sign-in and game pages load (templates/base.html, guess.html, signin.html);
# the dashboard's own scripts wait for a sign-in like the page.
PUBLIC_ASSETS = frozenset(
    {
        "/assets/vendor/bootstrap.min.css",
        "/assets/dashboard.css",
        "/assets/game.css",
        "/assets/game.js",
        "/assets/account.js",
    }
)
# Bearer tokens are for scripts and agents: the JSON API, the MCP endpoint and its description.
TOKEN_PREFIXES = ("/data/", MCP_PATH, OPENAPI_PATH)
# Answered 401 with a JSON body without a sign-in (the rest: a redirect to the sign-in page).
AUTH_JSON_PREFIXES = (*JSON_PREFIXES, "/assets/", "/data")


def is_public(path: str) -> bool:
    """True for the paths anyone may ask for."""
    return (
        path in PUBLIC_PATHS
        or path == GAME_PREFIX
        or path.startswith(PUBLIC_PREFIXES)
        or path in PUBLIC_ASSETS
    )


def takes_token(path: str) -> bool:
    """True where an `Authorization: Bearer` token stands for a sign-in."""
    return path == MCP_PATH or path.startswith(TOKEN_PREFIXES) or path == "/data"


def is_json_path(path: str) -> bool:
    """True where a missing sign-in is a 401 JSON answer rather than a redirect."""
    return path.startswith(AUTH_JSON_PREFIXES) or path.lower().endswith(".csv")


def is_auth_form(path: str) -> bool:
    """The sign-in forms: their POSTs are checked for a foreign origin even without a cookie."""
    return path in (SIGNIN_PATH, SIGNOUT_PATH, PASSWORD_PATH)


def local_next(target: str | None) -> str:
    """A redirect target after sign-in: a path of this site, never another site's URL."""
    text = (target or "").strip()
    if (
        not text.startswith("/")
        or text.startswith(("//", "/\\"))
        or any(ord(char) < 32 for char in text)
        or text.startswith(SIGNIN_PATH)
    ):
        return "/"
    return text[:2000]
