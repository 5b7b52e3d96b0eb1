"""Security headers on every response (CSP and friends) and relative redirects."""

from __future__ import annotations

import html
from urllib.parse import urlsplit

import dash
from flask import Response, request

# What is the same for everyone (the page's static files, the game), cacheable as it says.
_SHARED_PATHS = ("/assets/", "/_dash-component-suites/", "/guess")
# The headers every answer carries whatever it is (web/gunicorn_errors.py sends them too).
FIXED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def init_headers(app: dash.Dash) -> None:
    """Add the security headers to every response, errors and assets included."""
    server = app.server
    frame_ancestors = str(server.config.get("FRAME_ANCESTORS") or "'none'").strip()
    policy: dict[str, str] = {}

    @server.after_request
    def _add_headers(response: Response) -> Response:
        if "csp" not in policy:
            # Computed on the first response, after Dash has collected its inline scripts.
            policy["csp"] = content_security_policy(list(app.csp_hashes()), frame_ancestors)
        headers = response.headers
        if "Location" in headers:
            headers["Location"] = _relative(headers["Location"])
            if response.mimetype == "text/html" and 300 <= response.status_code < 400:
                # Werkzeug's redirect page repeats the absolute URL, forged Host and all.
                target = html.escape(headers["Location"])
                response.set_data(f'<!doctype html><title>Redirecting</title><a href="{target}">')
        headers["Content-Security-Policy"] = policy["csp"]
        headers.update(FIXED_HEADERS)
        if server.config.get("AUTH") and not request.path.startswith(_SHARED_PATHS):
            # Answers depend on who asks (their limits, their name on the page): never kept by
            # a shared cache, and told apart by the credentials.
            headers.setdefault("Cache-Control", "private")
            headers.add("Vary", "Cookie")
            headers.add("Vary", "Authorization")
        if frame_ancestors == "'none'":
            headers["X-Frame-Options"] = "DENY"
        return response


def _relative(location: str) -> str:
    """A redirect to this site without its scheme and host: a forged Host header never leaks in.

    Werkzeug's slash redirects (/guess -> /guess/) build the URL from the request's Host.
    """
    target = urlsplit(location)
    if not target.netloc or target.netloc != request.host:
        return location
    return (target.path or "/") + (f"?{target.query}" if target.query else "")


def content_security_policy(script_hashes: list[str], frame_ancestors: str) -> str:
    """The CSP: scripts only from this site or Dash's hashed inline scripts; no eval."""
    directives = {
        "default-src": "'self'",
        "script-src": " ".join(["'self'", *script_hashes]),
        # Plotly and Dash set inline style attributes; scripts stay strict.
        "style-src": "'self' 'unsafe-inline'",
        "img-src": "'self' data: blob:",
        "font-src": "'self' data:",
        "connect-src": "'self'",
        "worker-src": "'self' blob:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": frame_ancestors,
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())
