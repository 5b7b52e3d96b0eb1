"""A time-series card's data for the view state: its lines, period flags and previous period,
asked of the same questions as /data (the chart and its CSV both read this)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from callbacks.bands import band_refusal
from callbacks.previous import previous_lines
from callbacks.state import ViewState
from data.events.catalog import DEFAULT_BREAKDOWN_LIMIT
from data.events.params import Filters
from data.events.questions import question
from layouts.period_marks import no_data_periods, partial_periods
from layouts.timeseries import Line, Previous


@dataclass(frozen=True)
class ChartSeries:
    """What one time chart draws: periods, one line per group, and each period's flags."""

    dates: list[str]
    lines: list[Line]
    partial: list[bool]
    no_data: list[bool]
    previous: tuple[Previous, ...] = ()  # each line's previous period, when compared
    band: tuple | None = None  # each period's expected (low, high) or None, when asked


def _color_slots(analytics, state: ViewState) -> dict[str, int]:
    """Colour slot per value of the breakdown's dimension: its rank by views over the range,
    the same for both charts whatever each one ranks its groups by."""
    filters = state.filters()
    dimensions = question("dimensions").compute(analytics, start=filters.start, end=filters.end)
    values = dimensions.get(state.breakdown, [])
    return {entry["value"]: slot for slot, entry in enumerate(values)}


def _lines(analytics, state: ViewState, metric: str, filters: Filters):
    if state.breakdown is None:
        rows = question("timeseries").compute(
            analytics, metric=metric, resolution=state.resolution, filters=filters
        )
        return [row["date"] for row in rows], [Line(None, [row["values"] for row in rows])]
    rows = question("breakdown").compute(
        analytics,
        metric=metric,
        breakdown=state.breakdown,
        limit=DEFAULT_BREAKDOWN_LIMIT,  # the page shows as many groups as /data by default
        resolution=state.resolution,
        filters=filters,
    )
    dates: list[str] = []
    groups: dict[str, list] = {}
    for row in rows:
        if not dates or dates[-1] != row["date"]:
            dates.append(row["date"])
        groups.setdefault(row[state.breakdown], []).append(row["values"])
    slots = _color_slots(analytics, state)
    return dates, [Line(name, values, slots.get(name)) for name, values in groups.items()]


def partial_flags(analytics, filters: Filters, dates: list[str], resolution: str) -> list[bool]:
    """Which of a chart's periods are partial: cut by the range or by the data's first or last
    day (a day never is). Every chart over periods marks them by this one rule."""
    if resolution == "daily":
        return [False] * len(dates)
    first, last = analytics.date_bounds() or (None, None)
    start = max(filter(None, (filters.start, first)), default=None)
    end = min(filter(None, (filters.end, last)), default=None)
    return partial_periods(dates, resolution, start, end)


def expected_band(analytics, state: ViewState, metric: str, filters, dates) -> tuple | None:
    """Each period's (low, high) as /data/changes/ judges it, when the view asks for the band
    and can have one (daily or weekly, no breakdown); periods without one are None."""
    if not state.bands or band_refusal(state) is not None or not dates:
        return None
    rows = {row["date"]: row for row in analytics.bands(metric, state.resolution, filters)}
    pairs = [rows.get(date, {}) for date in dates]
    return tuple(None if r.get("low") is None else (r["low"], r["high"]) for r in pairs)


def chart_series(
    analytics, state: ViewState, metric: str, with_previous: bool = True, with_band: bool = True
):
    """The card's ChartSeries for `metric` under the view state (with the previous period
    when the state compares and `with_previous`, the expected range when asked and `with_band`)."""
    bounds = analytics.date_bounds()
    first, last = bounds or (None, None)
    filters = state.filters()
    comparing = with_previous and state.compare and bounds
    if comparing:
        # The range the comparison is made over, from its first day, even when the matching
        # events start later (as the KPI cards' range does).
        filters = replace(filters, start=filters.start or first, end=filters.end or last)
    dates, lines = _lines(analytics, state, metric, filters)
    partial = partial_flags(analytics, filters, dates, state.resolution)
    previous = ()
    if comparing and dates and filters.start <= filters.end:
        previous = tuple(previous_lines(analytics, state, metric, dates, filters, lines, bounds))
    return ChartSeries(
        dates,
        lines,
        partial,
        no_data_periods(dates, state.resolution, first, last),
        previous,
        expected_band(analytics, state, metric, filters, dates) if with_band else None,
    )
