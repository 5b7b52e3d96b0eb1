"""The /data JSON API: time series of every catalog metric (with breakdowns), toplist, KPIs, the
dimensions' values, retention and lifecycle, all with the same filters."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import MethodNotAllowed, NotFound

from data.events.catalog import METRIC_NAMES
from data.events.questions import METRIC_PATH, Question, answer, data_paths, routes
from web import services
from web.limits import rate_limited
from web.scoped_analytics import request_scope

log = logging.getLogger(__name__)

bp = Blueprint("data_api", __name__, url_prefix="/data")
rate_limited("RATELIMIT_DATA", "data requests")(bp)

_ALLOWED = ["GET", "HEAD", "OPTIONS"]
# Every method is routed to the views and refused in _read_only, so that a 405 comes from this
# blueprint's JSON error handler (a routing-level 405 never reaches blueprint handlers).
_ROUTED = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]
_ROUTES = ", ".join(data_paths())


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


def _view(questions: tuple[Question, ...]):
    """The view of one path of the table: parse, compute, answer JSON."""

    def view(metric: str | None = None):
        args = MultiDict(request.args)
        if metric is not None:
            if metric not in METRIC_NAMES:
                raise NotFound(f"unknown metric {metric[:40]!r}: use one of {_ROUTES}")
            args["metric"] = metric  # the path's, whatever the query says
        analytics = services.analytics()
        return services.answer_memo().answer(
            analytics.version(), request_scope(), lambda: answer(questions, analytics, args)
        )

    return view


for _path, _questions in routes().items():
    # The endpoint is named after the path's first question (timeseries for /data/<metric>/).
    bp.add_url_rule(
        _path.removeprefix("/data").replace(METRIC_PATH, "<metric>"),
        endpoint=_questions[0].name,
        view_func=_view(_questions),
        methods=_ROUTED,
        strict_slashes=False,
    )


@bp.route("/", defaults={"rest": ""}, methods=_ROUTED, strict_slashes=False)
@bp.route("/<path:rest>", methods=_ROUTED)
def unknown(rest: str):
    """Anything else under /data/ is a JSON 404."""
    raise NotFound(f"no such data route: use {_ROUTES}")
