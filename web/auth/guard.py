"""The guard, first of the app's before_request checks: Host, same-site, then who asks."""

from __future__ import annotations

from urllib.parse import quote

from flask import Flask, Response, current_app, g, jsonify, redirect, request, session

from web.auth import accounts as store_of
from web.auth.hosts import SAFE_METHODS, host_allowed, same_site
from web.auth.paths import SIGNIN_PATH, is_auth_form, is_json_path, is_public, takes_token
from web.errors import error_response
from web.scoped_analytics import SCOPE_KEY

SESSION_KEY = "sid"  # the only thing the signed cookie carries: the session's random id


def install_guard(server: Flask) -> None:
    """Put the guard before every other before_request function (Dash's set-up included)."""
    server.before_request_funcs.setdefault(None, []).insert(0, guard)


def set_principal(account) -> None:
    """Who the request is, and the scope every answer is limited to (web/scoped_analytics.py):
    the account's limits, or None for none (no account, or an unlimited one)."""
    g.principal = account
    setattr(g, SCOPE_KEY, (account.scope or None) if account is not None else None)


def guard() -> Response | None:
    """Set the request's principal and scope, or answer 400, 401, 403 or a redirect."""
    config = current_app.config
    set_principal(None)
    allowed = config["ALLOWED_HOSTS"]
    if not host_allowed(request.headers.get("Host"), allowed):
        return error_response(400, "this server does not answer to that host name (ALLOWED_HOSTS)")
    if not config["AUTH"]:
        set_principal(store_of.open_principal())
        return None
    path = request.path
    has_cookie = config["SESSION_COOKIE_NAME"] in request.cookies
    if (
        request.method not in SAFE_METHODS
        and (has_cookie or is_auth_form(path))
        and not same_site(
            request.headers.get("Origin"),
            request.headers.get("Referer"),
            allowed,
            host=request.headers.get("Host"),
        )
    ):
        return _refused(403, "cross-site request refused: its Origin is not this site")
    bearer = _bearer_text()
    if bearer is not None and takes_token(path):
        account = store_of.accounts().token_account(bearer)
        if account is None:
            return _refused(401, "the token is unknown, expired or revoked", bearer=True)
    else:
        account = session_principal()
    if account is not None:
        set_principal(account)
        return None
    if is_public(path):
        return None
    if is_json_path(path) or request.method not in ("GET", "HEAD"):
        return _refused(401, "sign in required", bearer=takes_token(path))
    target = request.full_path if request.query_string else path
    return redirect(f"{SIGNIN_PATH}?next={quote(target, safe='/')}")


def session_principal():
    """The account of the request's session cookie, or None (no cookie, ended, disabled)."""
    sid = session.get(SESSION_KEY)
    if not isinstance(sid, str):
        return None
    return store_of.accounts().session_account(sid)


def _bearer_text() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, text = header.partition(" ")
    if scheme.lower() != "bearer" or not text.strip():
        return None
    return text.strip()


def _refused(status: int, message: str, bearer: bool = False) -> Response:
    response = jsonify({"error": message})
    response.status_code = status
    if bearer:
        response.headers["WWW-Authenticate"] = 'Bearer realm="reelboard"'
    return response
