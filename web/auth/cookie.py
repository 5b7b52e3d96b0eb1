"""The session cookie: Flask's signed cookie holding a random session id; HttpOnly, SameSite=Lax,
Secure on https (behind TRUSTED_PROXIES) or with SESSION_COOKIE_SECURE=1."""

from __future__ import annotations

import datetime as dt

from flask import Flask, has_request_context, request
from flask.sessions import SecureCookieSessionInterface

COOKIE_NAME = "reelboard_session"


class _SessionInterface(SecureCookieSessionInterface):
    def get_cookie_secure(self, app: Flask) -> bool:
        # Secure whenever the browser reached us over https, without a setting to forget.
        if app.config.get("SESSION_COOKIE_SECURE"):
            return True
        return has_request_context() and request.is_secure


def configure_cookie(server: Flask) -> None:
    """Set the session cookie's name, flags and lifetime (SESSION_HOURS, default 12)."""
    hours = float(server.config.get("SESSION_HOURS") or 12)
    server.config.update(
        SESSION_COOKIE_NAME=COOKIE_NAME,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=hours),
    )
    server.session_interface = _SessionInterface()
