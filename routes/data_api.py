"""The /data JSON API: the tutorial's time series and toplist routes, with filters."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, jsonify, request
from werkzeug.exceptions import MethodNotAllowed, NotFound

from data.events.analysis import METRICS
from data.events.params import parse_filters, parse_num, parse_resolution
from web import services
from web.limits import rate_limited

log = logging.getLogger(__name__)

bp = Blueprint("data_api", __name__, url_prefix="/data")
rate_limited("RATELIMIT_DATA", "data requests")(bp)

_ALLOWED = ["GET", "HEAD", "OPTIONS"]
# Every method is routed to the views and refused in _read_only, so that a 405 comes from this
# blueprint's JSON error handler (a routing-level 405 never reaches blueprint handlers).
_ROUTED = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]


@bp.before_request
def _read_only():
    """Answer OPTIONS, refuse anything but GET and HEAD."""
    if request.method == "OPTIONS":
        return Response(status=204, headers={"Allow": ", ".join(_ALLOWED)})
    if request.method not in ("GET", "HEAD"):
        raise MethodNotAllowed(
            valid_methods=_ALLOWED, description=f"method {request.method} not allowed: use GET"
        )
    return None


@bp.route("/toplist/", methods=_ROUTED, strict_slashes=False)
def toplist():
    """Most viewed titles: ?num=1..1000 (10), start, end, sessiontype."""
    num = parse_num(request.args.get("num"))
    filters = parse_filters(request.args)
    return jsonify(services.analytics().toplist(num, filters))


@bp.route("/<metric>/", methods=_ROUTED, strict_slashes=False)
def timeseries(metric: str):
    """unique_users or minutes_watched per period: ?resolution=daily|weekly|monthly, filters."""
    if metric not in METRICS:
        raise NotFound(
            f"unknown metric {metric[:40]!r}: use one of {', '.join(METRICS)} or toplist"
        )
    resolution = parse_resolution(request.args.get("resolution"))
    filters = parse_filters(request.args)
    return jsonify(services.analytics().timeseries(metric, resolution, filters))


@bp.route("/", defaults={"rest": ""}, methods=_ROUTED, strict_slashes=False)
@bp.route("/<path:rest>", methods=_ROUTED)
def unknown(rest: str):
    """Anything else under /data/ is a JSON 404."""
    raise NotFound(
        "no such data route: use /data/unique_users/, /data/minutes_watched/ or /data/toplist/"
    )
