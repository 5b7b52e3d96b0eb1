"""The /data JSON API: time series of every catalog metric (with breakdowns), toplist, KPIs, the
dimensions' values, retention and lifecycle, all with the same filters."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, jsonify, request
from werkzeug.exceptions import MethodNotAllowed, NotFound

from data.events.catalog import METRIC_NAMES
from data.events.params import (
    DEFAULT_LIFECYCLE_RESOLUTION,
    parse_breakdown,
    parse_cohort,
    parse_cohort_resolution,
    parse_compare,
    parse_dates,
    parse_filters,
    parse_limit,
    parse_num,
    parse_periods,
    parse_resolution,
)
from data.events.title_params import parse_level, parse_title_or_series, parse_top10
from web import services
from web.limits import rate_limited

log = logging.getLogger(__name__)

bp = Blueprint("data_api", __name__, url_prefix="/data")
rate_limited("RATELIMIT_DATA", "data requests")(bp)

_ALLOWED = ["GET", "HEAD", "OPTIONS"]
# Every method is routed to the views and refused in _read_only, so that a 405 comes from this
# blueprint's JSON error handler (a routing-level 405 never reaches blueprint handlers).
_ROUTED = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]
_NAMES = (
    *METRIC_NAMES,
    "toplist",
    "kpis",
    "dimensions",
    "title",
    "top10",
    "retention",
    "lifecycle",
)
_ROUTES = ", ".join(f"/data/{name}/" for name in _NAMES)


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
    """Most viewed titles, seasons or shows: ?num=1..1000 (10), level=title|season|series,
    start, end, dimension filters."""
    num = parse_num(request.args.get("num"))
    level = parse_level(request.args.get("level"))
    filters = parse_filters(request.args)
    return jsonify(services.analytics().toplist(num, filters, level))


@bp.route("/title/", methods=_ROUTED, strict_slashes=False)
def title():
    """One title's (?title=) or show's (?series=) numbers: per period, completion, devices and
    markets, and a show's seasons and episodes; resolution and the usual filters."""
    name, series = parse_title_or_series(request.args)
    resolution = parse_resolution(request.args.get("resolution"))
    filters = parse_filters(request.args)
    return jsonify(services.analytics().title(filters, resolution, name, series))


@bp.route("/top10/", methods=_ROUTED, strict_slashes=False)
def top10():
    """The weekly Top 10: ?week=<its Monday> (the last complete week), sessiontype=MOVIE|SERIES
    (both when left out), device and market filters."""
    week, sessiontype, filters = parse_top10(request.args)
    return jsonify(services.analytics().top10(week, sessiontype, filters))


@bp.route("/kpis/", methods=_ROUTED, strict_slashes=False)
def kpis():
    """Headline numbers of the filtered events; ?compare=previous adds the previous range's
    (which depends on ?resolution, the page's: data/events/analysis/comparison.py)."""
    resolution = parse_resolution(request.args.get("resolution"))
    filters = parse_filters(request.args)
    compare = parse_compare(request.args.get("compare"))
    return jsonify(services.analytics().kpis_answer(filters, compare, resolution))


@bp.route("/dimensions/", methods=_ROUTED, strict_slashes=False)
def dimensions():
    """Each dimension's values with their views over start..end (dimension filters ignored)."""
    start, end = parse_dates(request.args)
    return jsonify(services.analytics().dimensions(start, end))


@bp.route("/retention/", methods=_ROUTED, strict_slashes=False)
def retention():
    """Users by the period first seen: ?resolution=weekly|monthly, periods=1..52 (8),
    cohort=first_ever|in_range, filters."""
    resolution = parse_cohort_resolution(request.args.get("resolution"))
    periods = parse_periods(request.args.get("periods"))
    cohort = parse_cohort(request.args.get("cohort"))
    filters = parse_filters(request.args)
    return jsonify(services.analytics().retention(resolution, periods, filters, cohort))


@bp.route("/lifecycle/", methods=_ROUTED, strict_slashes=False)
def lifecycle():
    """New, returning, resurrecting and dormant users per period: ?resolution (weekly), filters."""
    resolution = parse_resolution(request.args.get("resolution"), DEFAULT_LIFECYCLE_RESOLUTION)
    filters = parse_filters(request.args)
    return jsonify(services.analytics().lifecycle(resolution, filters))


@bp.route("/<metric>/", methods=_ROUTED, strict_slashes=False)
def timeseries(metric: str):
    """A metric per period: ?resolution=daily|weekly|monthly, filters, breakdown, limit."""
    if metric not in METRIC_NAMES:
        raise NotFound(f"unknown metric {metric[:40]!r}: use one of {_ROUTES}")
    resolution = parse_resolution(request.args.get("resolution"))
    filters = parse_filters(request.args)
    breakdown = parse_breakdown(request.args.get("breakdown"))
    limit = parse_limit(request.args.get("limit"))
    analytics = services.analytics()
    if breakdown is None:
        return jsonify(analytics.timeseries(metric, resolution, filters))
    return jsonify(analytics.breakdown(metric, resolution, filters, breakdown, limit))


@bp.route("/", defaults={"rest": ""}, methods=_ROUTED, strict_slashes=False)
@bp.route("/<path:rest>", methods=_ROUTED)
def unknown(rest: str):
    """Anything else under /data/ is a JSON 404."""
    raise NotFound(f"no such data route: use {_ROUTES}")
