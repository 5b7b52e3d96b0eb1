"""Request plumbing before the app sees a request: proxies, bodies, API 404s, Dash set-up."""

from __future__ import annotations

import threading

import dash
from flask import Flask, abort, request
from werkzeug.exceptions import RequestEntityTooLarge, RequestTimeout
from werkzeug.middleware.proxy_fix import ProxyFix

from web.bodies import BODY_TIMED_OUT, BODY_TOO_LARGE, install_body_reader
from web.paths import NOT_DASH_PREFIXES, RELOAD_HASH_PATH


def init_requests(app: dash.Dash) -> None:
    """Install the proxy fix, the body cap, the API 404s and the thread-safe Dash set-up."""
    server = app.server
    _serialize_dash_setup(app)
    _install_proxy_fix(server)
    install_body_reader(server)
    _install_request_checks(server)


def _serialize_dash_setup(app: dash.Dash) -> None:
    """Make Dash's first-request set-up thread-safe.

    Dash marks itself set up before registering its script paths, so under threaded servers
    (gthread workers, the dev server) a concurrent first request for a component bundle got
    "not a registered library" (500). Holding a lock makes the others wait for the set-up.
    """
    funcs = app.server.before_request_funcs.setdefault(None, [])
    lock = threading.Lock()
    for index, func in enumerate(funcs):
        if getattr(func, "__func__", None) is dash.Dash._setup_server:

            def setup_once(setup=func):
                with lock:
                    setup()

            funcs[index] = setup_once


def _install_proxy_fix(server: Flask) -> None:
    """Trust X-Forwarded-For/-Proto only from TRUSTED_PROXIES proxies in front (default 0)."""
    hops = int(server.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=hops, x_proto=hops)


def _install_request_checks(server: Flask) -> None:
    """Unknown paths under the API prefixes are 404, not Dash's page.

    The game API's own body rules (16 KB, JSON only: 413/415) live in routes/guess.py json_body().
    """

    debug = bool(server.config.get("DASH_DEBUG"))
    body_seconds = float(server.config.get("REQUEST_BODY_TIMEOUT") or 10)

    @server.before_request
    def _check_request():
        if request.environ.get(BODY_TOO_LARGE):
            raise RequestEntityTooLarge()
        if request.environ.get(BODY_TIMED_OUT):
            raise RequestTimeout(
                f"the request body did not arrive within {body_seconds:g} s; send it faster"
            )
        # Dash's hot-reload route lists the installed packages: only for development.
        if request.endpoint == RELOAD_HASH_PATH and not debug:
            abort(404)
        rule = request.url_rule
        if (
            rule is not None
            and rule.rule == "/<path:path>"
            and request.path.startswith(NOT_DASH_PREFIXES)
        ):
            abort(404)
        return None
