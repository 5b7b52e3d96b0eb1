"""The MCP tools at /_mcp: the /data metrics (time series, breakdowns, toplist, KPIs, dimensions)
for AI agents, read-only, parsed by data/events/params.py and computed by the same engine."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any, Literal

from dash.mcp import mcp_enabled

from data.events.catalog import (
    BREAKDOWN_LIMIT_MAX,
    BREAKDOWN_LIMIT_MIN,
    DEFAULT_BREAKDOWN_LIMIT,
    DIMENSION_NAMES,
    DIMENSIONS,
    MAX_FILTER_VALUES,
    MAX_VALUE_CHARS,
    METRIC_NAMES,
    METRICS,
    NONE,
    OTHER,
)
from data.events.params import (
    COMPARES,
    DEFAULT_NUM,
    NUM_MAX,
    NUM_MIN,
    InvalidParameter,
    parse_breakdown,
    parse_compare,
    parse_dates,
    parse_filters,
    parse_limit,
    parse_num,
    parse_resolution,
    shown,
)
from data.events.periods import DEFAULT_RESOLUTION, RESOLUTIONS
from data.events.store import EventStoreUnreadable
from web import services

log = logging.getLogger(__name__)

_Param = inspect.Parameter
Rows = list[dict[str, Any]]


class ToolFailed(Exception):
    """An unexpected failure inside a tool; the agent sees only this short message."""


def _optional(name: str, annotation: Any) -> _Param:
    return _Param(name, _Param.KEYWORD_ONLY, default=None, annotation=annotation | None)


def _required(name: str, annotation: Any) -> _Param:
    return _Param(name, _Param.KEYWORD_ONLY, annotation=annotation)


# The parameters, derived from the catalog; Dash turns their annotations into the JSON schema.
_METRIC = _required("metric", Literal[METRIC_NAMES])
_RESOLUTION = _optional("resolution", Literal[RESOLUTIONS])
_BREAKDOWN = _required("breakdown", Literal[DIMENSION_NAMES])
_LIMIT = _optional("limit", int)
_NUM = _optional("num", int)
_COMPARE = _optional("compare", Literal[COMPARES])
_DATES = [_optional("start", str), _optional("end", str)]
_FILTERS = [
    *_DATES,
    *(
        _optional(d.name, list[Literal[(*d.choices, NONE)]] if d.choices else list[str])
        for d in DIMENSIONS
    ),
]


def _dimension_doc(dimension) -> str:
    if dimension.choices:
        values = f"{', '.join(dimension.choices)} or {NONE} (no {dimension.name})"
    else:
        values = f"values as the dimensions tool lists them; {NONE} is an empty {dimension.name}"
    return f"- {dimension.name}: {dimension.label}, a list of {values}; any of them matches."


_DATES_DOC = "- start, end: event dates as YYYY-MM-DD, both inclusive; leave out for all."
# Dash shows a tool's docstring as its description, and nothing per parameter for optional
# ones ("Input is optional."), so each docstring describes every parameter it takes.
_DOCS = {
    "metric": "- metric (required): "
    + "; ".join(f"{m.name} ({m.label}, in {m.unit})" for m in METRICS)
    + ".",
    "resolution": f"- resolution: {', '.join(RESOLUTIONS)} (default {DEFAULT_RESOLUTION}); "
    "weeks start on Monday and are labelled by that Monday, months by their 1st.",
    "breakdown": "- breakdown (required): the dimension to split by, "
    f"{', '.join(DIMENSION_NAMES)}.",
    "limit": f"- limit: groups shown before {OTHER}, {BREAKDOWN_LIMIT_MIN} to "
    f"{BREAKDOWN_LIMIT_MAX} (default {DEFAULT_BREAKDOWN_LIMIT}).",
    "compare": f"- compare: {' or '.join(COMPARES)} to add the previous range's numbers: the "
    "same number of days just before start, or period to date when the range ends in an "
    "unfinished week, month, quarter or year (as GET /data/kpis/?compare=previous).",
    "num": f"- num: how many titles, {NUM_MIN} to {NUM_MAX} (default {DEFAULT_NUM}).",
    "other": OTHER,
    "dates": _DATES_DOC,
    "filters": "\n".join(
        [
            _DATES_DOC,
            *(_dimension_doc(d) for d in DIMENSIONS),
            f"Filters on different dimensions combine with AND; at most {MAX_FILTER_VALUES} "
            f"values per dimension, {MAX_VALUE_CHARS} characters each. Leave a filter out for all.",
        ]
    ),
}


def _metric(value: object) -> str:
    """A catalog metric name (the /data/<metric>/ route answers 404 for any other)."""
    if isinstance(value, str) and value in METRIC_NAMES:
        return value
    raise InvalidParameter(f"metric must be one of {', '.join(METRIC_NAMES)}, got {shown(value)}")


def _timeseries(args: dict) -> Rows:
    """A metric per day, week or month, exactly as GET /data/<metric>/ answers.

    Parameters:
    {metric}
    {resolution}
    {filters}

    Returns [{{"date": "YYYY-MM-DD", "values": number}}, ...] by date, zero-filled from the first
    to the last matching event, or across start..end when given. completion_rate is completed
    views (viewpercentage >= 90) over views with a known viewpercentage, 0 to 1 with 4 decimals,
    null for a period without such views.
    """
    metric = _metric(args.get("metric"))
    resolution = parse_resolution(args.get("resolution"))
    filters = parse_filters(args)
    return services.analytics().timeseries(metric, resolution, filters)


def _breakdown(args: dict) -> Rows:
    """A metric per period and per value of a dimension, as GET /data/<metric>/?breakdown=.

    Parameters:
    {metric}
    {breakdown}
    {limit}
    {resolution}
    {filters}

    Returns [{{"date": "YYYY-MM-DD", "<breakdown>": value, "values": number}}, ...] by date, then
    by the group's rank: the `limit` values with the most of the metric over the whole range
    (completion_rate ranks by views), then all other values together as "{other}".
    """
    metric = _metric(args.get("metric"))
    dimension = parse_breakdown(args.get("breakdown"))
    if dimension is None:
        raise InvalidParameter(f"breakdown is required: one of {', '.join(DIMENSION_NAMES)}")
    limit = parse_limit(args.get("limit"))
    resolution = parse_resolution(args.get("resolution"))
    filters = parse_filters(args)
    return services.analytics().breakdown(metric, resolution, filters, dimension, limit)


def _toplist(args: dict) -> Rows:
    """The most viewed titles (views = events; ties by title), as GET /data/toplist/.

    Parameters:
    {num}
    {filters}

    Returns [{{"title": "...", "values": views}}, ...], most viewed first.
    """
    num = parse_num(args.get("num"))
    filters = parse_filters(args)
    return services.analytics().toplist(num, filters)


def _kpis(args: dict) -> dict[str, Any]:
    """The headline numbers of the filtered events, as GET /data/kpis/.

    Parameters:
    {filters}
    {compare}

    Returns {{"unique_users", "minutes_watched", "views", "completed_views", "completion_rate"}};
    with compare also "previous" (the same numbers over the previous range) and
    "previous_range" ({{"start", "end"}}, or null when there is no range).
    """
    filters = parse_filters(args)
    compare = parse_compare(args.get("compare"))
    return services.analytics().kpis_answer(filters, compare)


def _dimensions(args: dict) -> dict[str, Any]:
    """Each dimension's values with their views, most viewed first, as GET /data/dimensions/:
    the values the filters and breakdowns of the other tools take.

    Parameters:
    {dates}

    Returns {{"<dimension>": [{{"value": "...", "views": N}}, ...], ...}}.
    """
    start, end = parse_dates(args)
    return services.analytics().dimensions(start, end)


def _tool(name: str, compute: Callable[[dict], Any], params: list[_Param], returns: Any):
    """Register compute as the MCP tool `name` taking `params` (keywords only)."""
    allowed = [p.name for p in params]

    def tool(**arguments):
        # Dash passes the agent's arguments as they came, unchecked against the schema.
        unknown = sorted(set(arguments) - set(allowed))
        if unknown:
            raise InvalidParameter(
                f"unknown argument {shown(unknown[0])}: {name} takes {', '.join(allowed)}"
            )
        try:
            return compute(arguments)
        except (InvalidParameter, EventStoreUnreadable):
            raise  # their messages say what is wrong and are safe to show, as in /data
        except Exception:
            # Dash would answer the exception's text and log nothing: log it, show little.
            log.exception("MCP tool %s failed", name)
            raise ToolFailed("internal server error; the problem has been logged") from None

    tool.__name__ = tool.__qualname__ = name
    tool.__doc__ = inspect.cleandoc(compute.__doc__ or "").format(**_DOCS)
    tool.__signature__ = inspect.Signature(params, return_annotation=returns)
    tool.__annotations__ = {**{p.name: p.annotation for p in params}, "return": returns}
    return mcp_enabled(tool, name=name, expose_docstring=True)


timeseries = _tool("timeseries", _timeseries, [_METRIC, _RESOLUTION, *_FILTERS], Rows)
breakdown = _tool(
    "breakdown", _breakdown, [_METRIC, _BREAKDOWN, _LIMIT, _RESOLUTION, *_FILTERS], Rows
)
toplist = _tool("toplist", _toplist, [_NUM, *_FILTERS], Rows)
kpis = _tool("kpis", _kpis, [*_FILTERS, _COMPARE], dict[str, Any])
dimensions = _tool("dimensions", _dimensions, _DATES, dict[str, Any])
TOOL_NAMES = tuple(tool.__name__ for tool in (timeseries, breakdown, toplist, kpis, dimensions))
