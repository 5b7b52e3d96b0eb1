"""The MCP tools at /_mcp: the /data analyses (time series, breakdowns, toplist, KPIs,
dimensions, a title's numbers, the weekly Top 10, retention, lifecycle) for AI agents,
read-only, parsed as /data parses them and computed by the same engine."""

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
    SESSIONTYPES,
)
from data.events.params import (
    COHORT_RESOLUTIONS,
    COMPARES,
    DEFAULT_COHORT_RESOLUTION,
    DEFAULT_LIFECYCLE_RESOLUTION,
    DEFAULT_NUM,
    DEFAULT_PERIODS,
    NUM_MAX,
    NUM_MIN,
    PERIODS_MAX,
    PERIODS_MIN,
    InvalidParameter,
    parse_breakdown,
    parse_cohort_resolution,
    parse_compare,
    parse_dates,
    parse_filters,
    parse_limit,
    parse_num,
    parse_periods,
    parse_resolution,
    shown,
)
from data.events.periods import DEFAULT_RESOLUTION, RESOLUTIONS
from data.events.series import DEFAULT_LEVEL, LEVELS
from data.events.store import EventStoreUnreadable
from data.events.title_insights import TitleNotFound
from data.events.title_params import parse_level, parse_title_or_series, parse_top10
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
_LEVEL = _optional("level", Literal[LEVELS])
_TITLE = [_optional("title", str), _optional("series", str)]
_WEEK = _optional("week", str)
_SESSIONTYPE = _optional("sessiontype", Literal[SESSIONTYPES])
_COHORT_RESOLUTION = _optional("resolution", Literal[COHORT_RESOLUTIONS])
_PERIODS = _optional("periods", int)
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
    "compare": f"- compare: {' or '.join(COMPARES)} adds the previous range's numbers: whole weeks "
    "or months of the resolution against as many just before, a range ending inside an unfinished "
    "period (week to year) against that period to date, else the days just before (/data/kpis/).",
    "num": f"- num: how many titles, {NUM_MIN} to {NUM_MAX} (default {DEFAULT_NUM}).",
    "level": f"- level: {', '.join(LEVELS)} (default {DEFAULT_LEVEL}): SERIES rows roll up to "
    '"Show: Season N" or "Show" (the title before its first ", "); movies stay titles.',
    "title": "- title, series: exactly one of them, a title as the toplist names it or a "
    "show's name (its SERIES events).",
    "week": "- week: the week's Monday as YYYY-MM-DD (default: the data's last complete week).",
    "sessiontype": "- sessiontype: MOVIE or SERIES (both ranked together when left out).",
    "cohort_resolution": f"- resolution: {', '.join(COHORT_RESOLUTIONS)} "
    f"(default {DEFAULT_COHORT_RESOLUTION}).",
    "lifecycle_resolution": f"- resolution: {', '.join(RESOLUTIONS)} "
    f"(default {DEFAULT_LIFECYCLE_RESOLUTION}).",
    "periods": f"- periods: periods followed per cohort, {PERIODS_MIN} to {PERIODS_MAX} "
    f"(default {DEFAULT_PERIODS}).",
    "devices": "\n".join(_dimension_doc(d) for d in DIMENSIONS if d.name != "sessiontype"),
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
    """The most viewed titles, seasons or shows (views = events; ties by name), as
    GET /data/toplist/.

    Parameters:
    {num}
    {level}
    {filters}

    Returns [{{"title": "...", "values": views}}, ...], most viewed first.
    """
    num = parse_num(args.get("num"))
    level = parse_level(args.get("level"))
    filters = parse_filters(args)
    return services.analytics().toplist(num, filters, level)


def _title(args: dict) -> dict[str, Any]:
    """One title's or one show's numbers, as GET /data/title/.

    Parameters:
    {title}
    {resolution}
    {filters}

    Returns {{"title" or "series", "resolution", "kpis": {{"views", "unique_viewers",
    "minutes_watched", "completed_views", "completion_rate"}}, "timeseries": [{{"date",
    "views", "unique_viewers", "minutes_watched"}}], "completion": {{"histogram": views per
    10-point viewpercentage bin, ...}}, "devices", "markets", and for a show "seasons" with
    their "episodes" in order (an episode is its season and episode numbers, or its
    contentid, never its title text); an episode's continued is the share of its viewers who
    watched the next episode, its drop_off the share who did not}}.
    """
    title, series = parse_title_or_series(args)
    resolution = parse_resolution(args.get("resolution"))
    filters = parse_filters(args)
    return services.analytics().title(filters, resolution, title, series)


def _top10(args: dict) -> Rows:
    """The weekly Top 10 as Netflix publishes it, as GET /data/top10/: a movie or a season per
    entry, ranked by views = hours viewed that week / runtime hours.

    Parameters:
    {week}
    {sessiontype}
    {devices}

    Returns [{{"rank", "title", "hours_viewed", "runtime_hours", "views", "rank_last_week",
    "weeks_in_top10"}}, ...], at most ten.
    """
    week, sessiontype, filters = parse_top10(args)
    return services.analytics().top10(week, sessiontype, filters)


def _retention(args: dict) -> Rows:
    """Users by the period of their first matching event, and how many came back in each
    following period, as GET /data/retention/.

    Parameters:
    {cohort_resolution}
    {periods}
    {filters}

    Returns [{{"cohort": "YYYY-MM-DD", "size": N, "retained": [N0, N1, ...]}}, ...].
    """
    resolution = parse_cohort_resolution(args.get("resolution"))
    periods = parse_periods(args.get("periods"))
    filters = parse_filters(args)
    return services.analytics().retention(resolution, periods, filters)


def _lifecycle(args: dict) -> Rows:
    """Per period the new, returning, resurrecting and dormant users, as GET /data/lifecycle/.

    Parameters:
    {lifecycle_resolution}
    {filters}

    Returns [{{"date", "new", "returning", "resurrecting", "dormant"}}, ...] by date.
    """
    resolution = parse_resolution(args.get("resolution"), DEFAULT_LIFECYCLE_RESOLUTION)
    filters = parse_filters(args)
    return services.analytics().lifecycle(resolution, filters)


def _kpis(args: dict) -> dict[str, Any]:
    """The headline numbers of the filtered events, as GET /data/kpis/.

    Parameters:
    {filters}
    {compare}
    {resolution}

    Returns {{"unique_users", "minutes_watched", "views", "completed_views", "completion_rate"}},
    with compare "previous" and "previous_range" ({{"start", "end"}}, null without a range).
    """
    resolution = parse_resolution(args.get("resolution"))
    filters, compare = parse_filters(args), parse_compare(args.get("compare"))
    return services.analytics().kpis_answer(filters, compare, resolution)


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
        except (InvalidParameter, EventStoreUnreadable, TitleNotFound):
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
toplist = _tool("toplist", _toplist, [_NUM, _LEVEL, *_FILTERS], Rows)
kpis = _tool("kpis", _kpis, [*_FILTERS, _COMPARE, _RESOLUTION], dict[str, Any])
dimensions = _tool("dimensions", _dimensions, _DATES, dict[str, Any])
title = _tool("title", _title, [*_TITLE, _RESOLUTION, *_FILTERS], dict[str, Any])
_DEVICES = [p for p in _FILTERS if p.name not in ("start", "end", "sessiontype")]
top10 = _tool("top10", _top10, [_WEEK, _SESSIONTYPE, *_DEVICES], Rows)
retention = _tool("retention", _retention, [_COHORT_RESOLUTION, _PERIODS, *_FILTERS], Rows)
lifecycle = _tool("lifecycle", _lifecycle, [_RESOLUTION, *_FILTERS], Rows)
TOOL_NAMES = tuple(
    tool.__name__
    for tool in (
        timeseries,
        breakdown,
        toplist,
        kpis,
        dimensions,
        title,
        top10,
        retention,
        lifecycle,
    )
)
