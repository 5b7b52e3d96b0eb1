"""The MCP tools at /_mcp: the /data analyses (time series, breakdowns, toplist, KPIs,
dimensions, a title's numbers, the weekly Top 10, retention, lifecycle) for AI agents,
read-only, parsed as /data parses them and computed by the same engine."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any

from dash.mcp import mcp_enabled

from data.events.analysis.title_insights import TitleNotFound
from data.events.catalog import DIMENSION_NAMES, METRIC_NAMES
from data.events.params import (
    DEFAULT_LIFECYCLE_RESOLUTION,
    InvalidParameter,
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
    shown,
)
from data.events.stores.sqlite_store import EventStoreUnreadable
from data.events.title_params import parse_level, parse_title_or_series, parse_top10
from routes.mcp_params import (
    BREAKDOWN,
    COHORT,
    COHORT_RESOLUTION,
    COMPARE,
    DATES,
    DEVICES,
    DOCS,
    FILTERS,
    LEVEL,
    LIMIT,
    METRIC,
    NUM,
    PERIODS,
    RESOLUTION,
    SESSIONTYPE,
    TITLE,
    WEEK,
    Param,
)
from web import services

log = logging.getLogger(__name__)

Rows = list[dict[str, Any]]


class ToolFailed(Exception):
    """An unexpected failure inside a tool; the agent sees only this short message."""


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
    {cohort}
    {filters}

    Returns [{{"cohort": "YYYY-MM-DD", "size": N, "retained": [N0, N1, ...]}}, ...]: retained[k]
    counts the cohort's users with a matching event in period cohort + k within start..end.
    """
    resolution = parse_cohort_resolution(args.get("resolution"))
    periods = parse_periods(args.get("periods"))
    cohort = parse_cohort(args.get("cohort"))
    filters = parse_filters(args)
    return services.analytics().retention(resolution, periods, filters, cohort)


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


def _tool(name: str, compute: Callable[[dict], Any], params: list[Param], returns: Any):
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
    tool.__doc__ = inspect.cleandoc(compute.__doc__ or "").format(**DOCS)
    tool.__signature__ = inspect.Signature(params, return_annotation=returns)
    tool.__annotations__ = {**{p.name: p.annotation for p in params}, "return": returns}
    return mcp_enabled(tool, name=name, expose_docstring=True)


timeseries = _tool("timeseries", _timeseries, [METRIC, RESOLUTION, *FILTERS], Rows)
breakdown = _tool("breakdown", _breakdown, [METRIC, BREAKDOWN, LIMIT, RESOLUTION, *FILTERS], Rows)
toplist = _tool("toplist", _toplist, [NUM, LEVEL, *FILTERS], Rows)
kpis = _tool("kpis", _kpis, [*FILTERS, COMPARE, RESOLUTION], dict[str, Any])
dimensions = _tool("dimensions", _dimensions, DATES, dict[str, Any])
title = _tool("title", _title, [*TITLE, RESOLUTION, *FILTERS], dict[str, Any])
top10 = _tool("top10", _top10, [WEEK, SESSIONTYPE, *DEVICES], Rows)
retention = _tool("retention", _retention, [COHORT_RESOLUTION, PERIODS, COHORT, *FILTERS], Rows)
lifecycle = _tool("lifecycle", _lifecycle, [RESOLUTION, *FILTERS], Rows)
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
