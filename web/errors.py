"""One error answer for every route and for Dash: JSON or HTML by path, never a traceback.

Domain errors (bad parameters, game rules, Redis down) map to their status here, so the
blueprints raise and never format; HTTP errors keep the headers they carry (Allow,
Retry-After); anything else is logged with its traceback and answered with a short 500.
"""

from __future__ import annotations

import html
import logging
from http import HTTPStatus

from dash.exceptions import DependencyException, InvalidCallbackReturnValue
from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException, InternalServerError

from data.events.analysis.title_insights import TitleNotFound
from data.events.annotations import AnnotationNotFound, AnnotationRefused
from data.events.params import InvalidParameter
from data.events.stores.sqlite_store import EventStoreUnreadable
from data.game.redis_connection import RedisUnavailable
from data.game.rules import (
    AnonymousGame,
    GameAlreadyWon,
    GameError,
    GameNotFound,
    GameNotWon,
    NameTaken,
    OtherPlayer,
    TooManyActiveGames,
    TooManyClientGames,
    TooManyGames,
)
from web.log_safety import CLIENT_ERROR, CLIPPED_CHARS, clipped, escaped
from web.paths import COMPONENT_SUITES_PREFIX, DASH_CALLBACK_PATH, GAME_API_PREFIX, JSON_PREFIXES

log = logging.getLogger("reelboard.errors")
CLIENT = {CLIENT_ERROR: True}  # web/log_safety.py writes a few of these a minute, counts the rest

# The status of each domain error (the most specific class wins); their messages are safe to show.
_DOMAIN_STATUS: tuple[tuple[type[Exception], int], ...] = (
    (GameNotFound, 404),
    (GameAlreadyWon, 409),
    (GameNotWon, 409),
    (OtherPlayer, 409),
    (AnonymousGame, 409),
    (NameTaken, 403),
    (TooManyClientGames, 429),
    (TooManyActiveGames, 503),
    (GameError, 400),
    (InvalidParameter, 400),
    (TitleNotFound, 404),
    (AnnotationNotFound, 404),
    (AnnotationRefused, 403),
    (EventStoreUnreadable, 503),
)
REDIS_DOWN = "the high-score service (Redis) is unavailable; try again in a moment"


class ClientError(Exception):
    """A request the app refuses, with its status and a message for the client (e.g. 413, 415)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


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


def init_errors(server: Flask) -> None:
    """Install the app-wide handlers: every blueprint and Dash answer errors through them."""

    @server.errorhandler(ClientError)
    def _client_error(error: ClientError):
        return error_response(error.status, str(error))

    @server.errorhandler(GameError)
    @server.errorhandler(InvalidParameter)
    @server.errorhandler(EventStoreUnreadable)
    @server.errorhandler(TitleNotFound)
    @server.errorhandler(AnnotationNotFound)
    @server.errorhandler(AnnotationRefused)
    def _domain_error(error: Exception):
        status = next(code for kind, code in _DOMAIN_STATUS if isinstance(error, kind))
        response = error_response(status, str(error))
        if isinstance(error, TooManyGames):
            response.headers["Retry-After"] = str(error.retry_after)
        return response

    @server.errorhandler(RedisUnavailable)
    def _redis_down(error: RedisUnavailable):
        log.warning("request failed, Redis unavailable: %s", error)
        response = error_response(503, REDIS_DOWN)
        response.headers["Retry-After"] = "1"
        return response

    @server.errorhandler(DependencyException)
    def _unknown_dash_file(error: DependencyException):
        # Dash raises this for a file it does not serve: the client asked for something absent.
        if request.path.startswith(COMPONENT_SUITES_PREFIX):
            log.warning("no such Dash file: %s", clipped(request.path), extra=CLIENT)
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
    if request.path == DASH_CALLBACK_PATH and (
        not isinstance(error, InvalidCallbackReturnValue) or _outputs_misshapen()
    ):
        # Our callbacks catch their own failures (callbacks/guard.py logs them with their
        # tracebacks), so what reaches here is Dash refusing a forged or malformed payload
        # (KeyError, TypeError, outputs of the wrong shape, ...): the client's mistake, a 400
        # and one short log line. A value our callback returned that Dash cannot send to a
        # well-formed request is a bug: logged below, a 500.
        log.warning(
            "rejected Dash callback request: %s: %s",
            type(error).__name__,
            escaped(str(error), CLIPPED_CHARS, special=""),  # Dash's message quotes the ids
            extra=CLIENT,
        )
        return error_response(400, "invalid Dash callback request")
    log.error("unexpected error on %s %s", request.method, clipped(request.path), exc_info=error)
    return error_response(500, "internal server error; the problem has been logged")


def _outputs_misshapen() -> bool:
    """Whether a callback request's `outputs` disagree in shape with the callback it names:
    Dash names a callback of several outputs "..a.b...c.d..", and expects a list for it only."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return True
    output = body.get("output")
    several = isinstance(output, str) and output.startswith("..")
    return isinstance(body.get("outputs"), list) != several
