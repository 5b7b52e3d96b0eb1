"""A time chart's previous period: each line's values over the days the KPI cards compare with,
period by period (the whole selection's, or with a breakdown each group's)."""

from __future__ import annotations

import datetime as dt

from callbacks.state import ViewState
from data.events.analysis.comparison import PreviousRange, compared_days, previous_filters
from data.events.catalog import OTHER
from data.events.params import Filters, InvalidParameter
from data.events.periods import last_day_of_period
from layouts.timeseries import Line, Previous


def _narrowed(filters: Filters, dimension: str, values: frozenset[str]) -> Filters:
    """filters with `dimension` also limited to `values` (an empty set matches nothing)."""
    where = dict(filters.where)
    chosen = where.get(dimension)
    where[dimension] = values if chosen is None else values & chosen
    return Filters.of(filters.start, filters.end, **where)


def _group_filters(analytics, state: ViewState, filters: Filters, span, lines: list[Line]):
    """(line name, the filters of its previous values) per line: a group is its value, OTHER
    every value of the previous range that is not one of the named groups."""
    if state.breakdown is None:
        return [(None, filters)]
    named = frozenset(line.name for line in lines if line.name != OTHER)
    seen = analytics.dimensions(span.start, span.end).get(state.breakdown, [])
    rest = frozenset(entry["value"] for entry in seen) - named
    values = {line.name: rest if line.name == OTHER else {line.name} for line in lines}
    return [(name, _narrowed(filters, state.breakdown, frozenset(v))) for name, v in values.items()]


def _values(analytics, state, metric, dates, filters: Filters, span: PreviousRange, where):
    """(values, the days each is over) of one line, for the current periods `dates`."""
    if state.resolution == "daily":
        # One day per period: the previous range's daily series, day by day.
        rows = analytics.timeseries(metric, "daily", Filters(span.start, span.end, where))
        rows = rows[: len(dates)]
        return [row["values"] for row in rows], [row["date"] for row in rows]
    spans = []
    for date in dates:
        first = max(dt.date.fromisoformat(date), filters.start)
        last = min(last_day_of_period(dt.date.fromisoformat(date), state.resolution), filters.end)
        days = compared_days(span, filters.start, first, last)
        if days is None:
            break
        spans.append(days)
    ranges = [f"{lo:%Y-%m-%d} – {hi:%Y-%m-%d}" for lo, hi in spans]
    # When those days are the previous range's own periods (whole weeks or months, a month to
    # date), its time series has the same numbers in one call instead of one per period.
    rows = analytics.timeseries(metric, state.resolution, Filters(span.start, span.end, where))
    own = [
        (max(dt.date.fromisoformat(row["date"]), span.start),
         min(last_day_of_period(dt.date.fromisoformat(row["date"]), state.resolution), span.end))
        for row in rows[: len(spans)]
    ]  # fmt: skip
    if own == spans:
        return [row["values"] for row in rows[: len(spans)]], ranges
    return [analytics.kpis(Filters(lo, hi, where))[metric] for lo, hi in spans], ranges


def previous_lines(
    analytics, state: ViewState, metric: str, dates: list[str], filters: Filters, lines, bounds
) -> list[Previous]:
    """Each line's Previous over the range KPI cards compare with (the same days moved back,
    or the same months), for filters whose start and end are set; [] when there is none."""
    try:
        compared = previous_filters(filters, bounds, state.resolution)
    except InvalidParameter:  # a range from 0001-01-01 has none; the cards say why
        return []
    if compared is None:  # no range (no events, or a start after the data's last day)
        return []
    span = compared[1]
    label = f"Previous period ({span.start:%Y-%m-%d} – {span.end:%Y-%m-%d})"
    out = []
    for name, group in _group_filters(analytics, state, filters, span, lines):
        values, ranges = _values(analytics, state, metric, dates, filters, span, group.where)
        out.append(Previous(values, ranges, label, name))
    return out
