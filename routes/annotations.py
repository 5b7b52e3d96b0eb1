"""/data/annotations/: list (GET, a range), add (POST), edit (PUT, PATCH) and delete (DELETE)
annotations; access rules in web/annotation_access.py, JSON errors from web/errors.py."""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.exceptions import MethodNotAllowed, NotFound

from data.events.params import InvalidParameter, parse_dates, shown
from web import annotation_access as access
from web.auth.hosts import SAFE_METHODS, same_site
from web.errors import ClientError
from web.limits import rate_limited

PATH = "/data/annotations"
bp = Blueprint("annotations", __name__, url_prefix=PATH)
rate_limited("RATELIMIT_DATA", "data requests")(bp)
_LIST_METHODS = ["GET", "HEAD", "POST", "OPTIONS"]
_ONE_METHODS = ["GET", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS"]
_ALL = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
MAX_BODY_BYTES = 16384


@bp.before_request
def _checks():
    """OPTIONS answered; a write from a browser must come from this site's own pages (the
    guard checks requests with a cookie; this one also those without, AUTH=off included)."""
    if request.method == "OPTIONS":
        allowed = _ONE_METHODS if (request.view_args or {}).get("ident") else _LIST_METHODS
        return Response(status=204, headers={"Allow": ", ".join(allowed)})
    if request.method not in SAFE_METHODS:
        origin, referer = request.headers.get("Origin"), request.headers.get("Referer")
        config = current_app.config
        if (origin is not None or referer is not None) and not same_site(
            origin, referer, config["ALLOWED_HOSTS"], host=request.headers.get("Host")
        ):
            raise ClientError(403, "cross-site request refused: its Origin is not this site")
    return None


def _body() -> object:
    """The request's JSON body (415 without the JSON content type, which a cross-site form
    cannot send; 413 when too large; 400 when not JSON)."""
    if request.mimetype != "application/json":
        raise ClientError(415, "send a JSON body with Content-Type: application/json")
    raw = request.get_data()
    if len(raw) > MAX_BODY_BYTES:
        raise ClientError(413, f"request body too large (at most {MAX_BODY_BYTES} bytes)")
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise ClientError(400, "the body is not valid JSON") from None


def _flag(value: str | None) -> bool:
    if value is None or value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise InvalidParameter(f"automatic must be 1 or 0, got {shown(value)}")


def _ident(text: str) -> int:
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise NotFound(f"no annotation with id {shown(text)}")
    return int(text)


@bp.route("/", methods=_ALL, strict_slashes=False)
def collection():
    """GET: the annotations overlapping ?start=&end= (automatic=0 leaves out premieres);
    POST: add one from the JSON body, 201 with it."""
    if request.method == "POST":
        return jsonify(access.create(_body())), 201
    if request.method not in ("GET", "HEAD"):
        raise MethodNotAllowed(valid_methods=_LIST_METHODS)
    start, end = parse_dates(request.args)
    items = access.listed(
        start and start.isoformat(),
        end and end.isoformat(),
        automatic=_flag(request.args.get("automatic")),
    )
    return jsonify(items)


@bp.route("/<ident>", methods=_ALL, strict_slashes=False)
def item(ident: str):
    """GET one; PUT or PATCH: change the fields given; DELETE: 204."""
    number = _ident(ident)
    if request.method in ("GET", "HEAD"):
        return jsonify(access.one(number))
    if request.method in ("PUT", "PATCH"):
        return jsonify(access.update(number, _body()))
    if request.method == "DELETE":
        access.delete(number)
        return Response(status=204)
    raise MethodNotAllowed(valid_methods=_ONE_METHODS)
