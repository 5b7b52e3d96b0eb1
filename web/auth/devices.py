"""Device cookies (OWASP's defence against lock-out): a browser that signed in to an account
before carries a signed cookie for it, and its sign-ins to that account are counted on their
own, so that others' failures on the account never make its real user wait."""

from __future__ import annotations

import datetime as dt
import secrets

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from web.auth.paths import SIGNIN_PATH

COOKIE = "reelboard_device"
MAX_AGE = dt.timedelta(days=400)  # the longest a browser keeps a cookie
_SALT = "reelboard.device"


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_SALT)


def _user(name: str) -> str:
    """The account name as the failure counters spell it."""
    return name.strip().lower()[:100]


def device_key(name: str) -> str | None:
    """The failure counter of this browser for the account `name`, when it carries a device
    cookie of that account signed by this server; None otherwise."""
    value = request.cookies.get(COOKIE, "")
    if not value or len(value) > 400:
        return None
    try:
        data = _signer().loads(value, max_age=int(MAX_AGE.total_seconds()))
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("user") != _user(name):
        return None
    device = data.get("id")
    return f"device:{device}" if isinstance(device, str) else None


def remember(response: Response, name: str) -> None:
    """Give the browser that just signed in to `name` a device cookie (sent to /signin only)."""
    value = _signer().dumps({"user": _user(name), "id": secrets.token_urlsafe(16)})
    response.set_cookie(
        COOKIE,
        value,
        max_age=MAX_AGE,
        path=SIGNIN_PATH,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure,
    )
