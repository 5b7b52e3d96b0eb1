"""A client this worker knows to be over budget is refused before Flask runs (in microseconds
instead of a pass through the app), after the same pause as every refusal (REFUSAL_PAUSE)."""

from __future__ import annotations

import json
import math
import time

from web.limits import REFUSAL_PAUSE, client_network


class RefusalShortcut:
    """WSGI middleware around the app: the gate's memory of over-budget clients, applied early.

    Only requests that carry no credentials: a signed-in account pays for itself wherever it
    connects from, which only the app's sign-in guard can tell.
    """

    def __init__(self, app, gate, is_work, trusted_proxies: int) -> None:
        self._app = app
        self._gate = gate
        self._is_work = is_work
        self._hops = trusted_proxies

    def __call__(self, environ, start_response):
        if self._is_work(environ.get("PATH_INFO", "")) and not _has_credentials(environ):
            wait = self._gate.remembered_wait(client_network(self._address(environ)))
            if wait > 0:
                time.sleep(min(REFUSAL_PAUSE, wait))
                return _refusal(start_response, max(1, math.ceil(wait - REFUSAL_PAUSE)))
        return self._app(environ, start_response)

    def _address(self, environ) -> str | None:
        """The client's address as the app sees it (werkzeug's ProxyFix with TRUSTED_PROXIES)."""
        if self._hops > 0:
            forwarded = [v.strip() for v in environ.get("HTTP_X_FORWARDED_FOR", "").split(",")]
            if len(forwarded) >= self._hops and forwarded[-self._hops]:
                return forwarded[-self._hops]
        return environ.get("REMOTE_ADDR")


def _has_credentials(environ) -> bool:
    return "HTTP_AUTHORIZATION" in environ or "HTTP_COOKIE" in environ


def _refusal(start_response, retry_after: int):
    body = json.dumps(
        {
            "error": "too much work asked from your address or account this minute; "
            f"retry in {retry_after} s"
        }
    ).encode()
    start_response(
        "429 TOO MANY REQUESTS",
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("Retry-After", str(retry_after)),
            ("Cache-Control", "no-store"),
            ("X-Content-Type-Options", "nosniff"),
        ],
    )
    return [body]
