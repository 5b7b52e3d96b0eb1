"""Request plumbing before the app sees a request: proxies, body size, API 404s, Dash set-up."""

from __future__ import annotations

import io
import threading

import dash
from flask import Flask, abort, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix

from web.paths import NOT_DASH_PREFIXES, RELOAD_HASH_PATH

# Set on the WSGI environ when a chunked body was over the limit (see _install_body_limit).
BODY_TOO_LARGE = "reelboard.body_too_large"
# How much of a refused chunked body is still read (in multiples of the limit) before closing.
DRAIN_FACTOR = 8


def init_requests(app: dash.Dash) -> None:
    """Install the proxy fix, the body cap, the API 404s and the thread-safe Dash set-up."""
    server = app.server
    _serialize_dash_setup(app)
    _install_proxy_fix(server)
    _install_body_limit(server)
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
        if getattr(func, "__func__", None) is dash.Dash._setup_server:  # noqa: SLF001

            def setup_once(setup=func):
                with lock:
                    setup()

            funcs[index] = setup_once


def _install_proxy_fix(server: Flask) -> None:
    """Trust X-Forwarded-For/-Proto only from TRUSTED_PROXIES proxies in front (default 0)."""
    hops = int(server.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=hops, x_proto=hops)


def _install_body_limit(server: Flask) -> None:
    """Give chunked request bodies over MAX_CONTENT_LENGTH a 413, like a Content-Length body.

    Werkzeug stops reading a chunked body at the limit without saying so, and the app would
    then process the cut-off part. This reads such a body up front (at most limit + 1 bytes)
    and hands the app a sized body, or an empty one and a flag that before_request turns into
    a 413.
    """
    limit = server.config.get("MAX_CONTENT_LENGTH")
    inner = server.wsgi_app

    def sized_body(environ, start_response):
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if limit is not None and chunked and not environ.get("CONTENT_LENGTH"):
            stream = environ["wsgi.input"]
            body = stream.read(limit + 1)
            if len(body) > limit:
                environ[BODY_TOO_LARGE] = True
                body = b""
                _drain(stream, DRAIN_FACTOR * limit)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            environ.pop("HTTP_TRANSFER_ENCODING", None)
            environ.pop("wsgi.input_terminated", None)
        return inner(environ, start_response)

    server.wsgi_app = sized_body


def _drain(stream, most: int) -> None:
    """Read and drop up to `most` more bytes of a refused body.

    A client that is still sending when the server closes gets a connection reset instead of
    the 413; reading on a little (bounded) lets ordinary clients see the answer.
    """
    while most > 0 and (chunk := stream.read(min(65536, most))):
        most -= len(chunk)


def _install_request_checks(server: Flask) -> None:
    """Unknown paths under the API prefixes are 404, not Dash's page.

    The game API's own body rules (16 KB, JSON only: 413/415) live in routes/guess.py json_body().
    """

    debug = bool(server.config.get("DASH_DEBUG"))

    @server.before_request
    def _check_request():
        if request.environ.get(BODY_TOO_LARGE):
            raise RequestEntityTooLarge()
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
