"""Security for every response: headers (CSP), error answers without tracebacks, rate limits."""

from __future__ import annotations

import html
import io
import logging
import os
import threading
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

import dash
from dash.exceptions import DependencyException
from flask import Flask, Response, abort, jsonify, request
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix

from rate_limits import init_rate_limits

log = logging.getLogger("reelboard.errors")

CALLBACKS_DIR = str(Path(__file__).resolve().parent / "callbacks") + os.sep

# Paths whose answers are JSON, errors included (the /guess/ page itself is HTML).
JSON_PREFIXES = ("/data/", "/_dash-", "/_reload-hash", "/healthz", "/openapi.json")
GAME_API_PREFIX = "/guess/"
DASH_CALLBACK_PATH = "/_dash-update-component"
COMPONENT_SUITES_PREFIX = "/_dash-component-suites/"
RELOAD_HASH_PATH = "/_reload-hash"
# Set on the WSGI environ when a chunked body was over the limit (see _install_body_limit).
BODY_TOO_LARGE = "reelboard.body_too_large"
# Dash answers every unknown GET path with its page (client-side routing); under these
# prefixes an unknown path is a client error, not a page.
NOT_DASH_PREFIXES = ("/data/", "/guess/", "/_dash-", "/healthz", "/openapi", "/assets/")


def init_security(app: dash.Dash) -> None:
    """Install headers, error handlers, API 404s and rate limits on the Dash app's server."""
    server = app.server
    _serialize_dash_setup(app)
    _install_proxy_fix(server)
    _install_body_limit(server)
    _install_request_checks(server)
    _install_error_handlers(server)
    _install_headers(app)
    init_rate_limits(server)


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
            body = environ["wsgi.input"].read(limit + 1)
            if len(body) > limit:
                environ[BODY_TOO_LARGE] = True
                body = b""
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            environ.pop("HTTP_TRANSFER_ENCODING", None)
            environ.pop("wsgi.input_terminated", None)
        return inner(environ, start_response)

    server.wsgi_app = sized_body


def wants_json() -> bool:
    """True when the current request should get a JSON error (API paths or a JSON client)."""
    path = request.path
    if path.startswith(JSON_PREFIXES):
        return True
    if path.startswith(GAME_API_PREFIX) and path != GAME_API_PREFIX:
        return True
    if request.is_json:
        return True
    # On equal preference (*/*) HTML wins: browsers get a page, API clients ask for JSON.
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def error_response(status: int, message: str) -> Response:
    """A short JSON or HTML error answer, chosen by wants_json(); never a traceback."""
    if wants_json():
        response = jsonify({"error": message})
    else:
        title = html.escape(f"{status} {_reason(status)}")
        body = (
            f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
            f"</head><body><h1>{title}</h1><p>{html.escape(message)}</p>"
            "<p><a href='/'>Reelboard dashboard</a></p></body></html>"
        )
        response = Response(body, mimetype="text/html")
    response.status_code = status
    return response


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


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


def _install_error_handlers(server: Flask) -> None:
    """HTTP errors as short JSON/HTML; unexpected exceptions logged with traceback."""

    @server.errorhandler(DependencyException)
    def _unknown_dash_file(error: DependencyException):
        # Dash raises this for a file it does not serve: the client asked for something absent.
        if request.path.startswith(COMPONENT_SUITES_PREFIX):
            log.warning("no such Dash file: %s", request.path[:200])
            return error_response(404, "no such file")
        return _unexpected(error)

    @server.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if isinstance(error, InternalServerError) and error.original_exception is not None:
            return _unexpected(error.original_exception)
        status = error.code or 500
        message = error.description or _reason(status)
        if status == 400 and request.path == DASH_CALLBACK_PATH:
            message = "invalid Dash callback request: the body is not valid JSON"
        elif status == 413:
            limit = server.config.get("MAX_CONTENT_LENGTH")
            message = f"request body too large (at most {limit} bytes)"
        response = error_response(status, message)
        # Keep headers the exception carries (Allow on 405, Retry-After on 429/503), also
        # those of a ready answer attached to it (a rate limit's Retry-After).
        carried = error.response.headers.items() if error.response is not None else []
        for name, value in [*error.get_headers(), *carried]:
            if name.lower() not in ("content-type", "content-length"):
                response.headers[name] = value
        return response

    @server.errorhandler(Exception)
    def _unexpected_error(error: Exception):
        return _unexpected(error)


def _unexpected(error: BaseException) -> Response:
    """Log the traceback; answer 400 for a malformed Dash callback request, else a short 500."""
    if request.path == DASH_CALLBACK_PATH:
        # Forged or malformed callback payloads make Dash raise KeyError/TypeError/...: the
        # client sent something Dash cannot use, so it is a 400. A failure inside our own
        # callbacks is still logged with its traceback so that a bug does not hide.
        if _raised_in(error, CALLBACKS_DIR):
            log.error("Dash callback failed on a request", exc_info=error)
        else:
            log.warning("rejected Dash callback request: %s: %s", type(error).__name__, error)
        return error_response(400, "invalid Dash callback request")
    log.error("unexpected error on %s %s", request.method, request.path, exc_info=error)
    return error_response(500, "internal server error; the problem has been logged")


def _raised_in(error: BaseException, folder: str) -> bool:
    """True when any frame of the error's traceback runs code from `folder`."""
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.startswith(folder):
            return True
        tb = tb.tb_next
    return False


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


def _install_headers(app: dash.Dash) -> None:
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
        headers["Content-Security-Policy"] = policy["csp"]
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if frame_ancestors == "'none'":
            headers["X-Frame-Options"] = "DENY"
        return response
