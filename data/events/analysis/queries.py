"""Viewing analytics over a Rollup: time series (with breakdowns), toplists, KPIs, dimensions.

Pure functions of a `Rollup` (data/events/rollup/model.py) and parsed parameters, so the /data
routes and the dashboard compute their numbers on one code path. Semantics (the tutorial's,
pydatsci examples/dashboard/analysis_tools.py, extended by the catalog):
- The event's day is the first 10 characters of event_date ('YYYY-MM-DD', then nothing, ' ' or
  'T'), its local day under REPORT_TIMEZONE and EVENT_TIMEZONE (data/events/local_time.py);
  rows whose date is unreadable or outside the store's bounds are left out of everything.
- Metrics as the catalog declares them (data/events/catalog.py), each kind computed once here.
- Periods: daily; weekly from Monday, labelled by that Monday; monthly, labelled by the 1st.
  Zero-filled from the first to the last matching event's period, or across the periods that
  contain the requested start and end.
- Filters: each dimension to any of its given values, dimensions combined with AND; an empty
  value is NONE. Breakdowns: the `limit` values with the most of the metric over the range,
  then OTHER for the rest, counted exactly.
- Toplist: views per title, most first, ties by title; untitled views counted apart.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from data.events.analysis import selection
from data.events.analysis.comparison import previous_filters
from data.events.analysis.measures import (
    group_codes,
    measure_per_period,
    measure_total,
    per_user,
    ratio,
)
from data.events.analysis.shows import text_groups
from data.events.catalog import (
    DEFAULT_BREAKDOWN_LIMIT,
    DIMENSION_NAMES,
    DIMENSIONS,
    DISTINCT_USERS,
    MEASURES,
    METRIC_BY_NAME,
    METRIC_NAMES,
    METRICS,
    OTHER,
    PER_USER,
    RATIO,
)
from data.events.params import Filters, InvalidParameter
from data.events.periods import (
    DEFAULT_RESOLUTION,
    RESOLUTIONS,
    date_of,
    day_number,
    period_end,
    period_labels,
    period_start,
)
from data.events.rollup.model import Rollup
from data.events.rollup.user_tables import count_per_period, count_union

# -- distinct users --------------------------------------------------------------------------


def distinct_users(rollup: Rollup, lo: int, hi: int, group, n_groups: int) -> np.ndarray:
    """Per group, the distinct users with an event on days lo..hi."""
    if group is None:
        group = np.zeros(max(rollup.n_combos, 1), dtype=np.int32)
    return count_union(selection.covering_rows(rollup, lo, hi), group, n_groups, rollup.n_users)


def _users_per_period(rollup, resolution, lo, hi, p_lo, p_hi, group, n_groups) -> np.ndarray:
    """(groups, periods) distinct users, counting only days lo..hi."""
    out = count_per_period(rollup.user_counts[resolution], p_lo, p_hi, group, n_groups)
    if resolution == "daily" or rollup.rows == 0:
        return out
    # A period cut by start or end is recounted from its days, if the cut leaves out any.
    first_cut = lo > max(period_start(p_lo, resolution), rollup.first_day)
    if first_cut:
        out[:, 0] = distinct_users(
            rollup, lo, min(hi, period_end(p_lo, resolution)), group, n_groups
        )
    last_cut = hi < min(period_end(p_hi, resolution), rollup.last_day)
    if last_cut and not (first_cut and p_lo == p_hi):
        out[:, -1] = distinct_users(
            rollup, max(lo, period_start(p_hi, resolution)), hi, group, n_groups
        )
    return out


# -- metrics ---------------------------------------------------------------------------------


def _metric_values(rollup, metric, resolution, lo, hi, p_lo, p_hi, group, n_groups) -> list:
    """Per group, the list of the metric's values over periods p_lo..p_hi."""
    n_periods = p_hi - p_lo + 1
    args = (lo, hi, resolution, p_lo, n_periods, group, n_groups)
    if metric.kind in (DISTINCT_USERS, PER_USER):
        counts = _users_per_period(rollup, resolution, lo, hi, p_lo, p_hi, group, n_groups)
        if metric.kind == DISTINCT_USERS:
            return [row.tolist() for row in counts]
    numerator = measure_per_period(rollup, metric.measure, *args)
    if metric.kind == PER_USER:
        return [
            per_user(rollup, metric.measure, n, u) for n, u in zip(numerator, counts, strict=True)
        ]
    if metric.kind == RATIO:
        divisor = measure_per_period(rollup, metric.divisor, *args)
        return [ratio(n, d) for n, d in zip(numerator, divisor, strict=True)]
    return [selection.plain(rollup, metric.measure, row) for row in numerator]


def _check_metric(name: str, resolution: str):
    if name not in METRIC_BY_NAME:
        raise InvalidParameter(f"metric must be one of {', '.join(METRIC_NAMES)}, got {name!r}")
    if resolution not in RESOLUTIONS:
        raise InvalidParameter(f"resolution must be one of {', '.join(RESOLUTIONS)}")
    return METRIC_BY_NAME[name]


def timeseries(rollup: Rollup, metric: str, resolution: str, filters: Filters) -> list[dict]:
    """[{"date": 'YYYY-MM-DD', "values": N}] per period, zero-filled."""
    spec = _check_metric(metric, resolution)
    view = selection.view_span(rollup, filters, resolution)
    if view is None:
        return []
    allowed, lo, hi, p_lo, p_hi = view.allowed, view.lo, view.hi, view.p_lo, view.p_hi
    group = group_codes(allowed)
    (values,) = _metric_values(rollup, spec, resolution, lo, hi, p_lo, p_hi, group, 1)
    labels = period_labels(p_lo, p_hi, resolution)
    return [{"date": d, "values": v} for d, v in zip(labels, values, strict=True)]


# -- breakdowns ------------------------------------------------------------------------------


def _ranked_values(rollup, metric, dimension, lo, hi, allowed) -> list[int]:
    """Codes of the dimension's values with a matching event on lo..hi, ranked by the metric
    over the range (ties by value)."""
    index = DIMENSION_NAMES.index(dimension)
    names = rollup.values[index]
    value_of_combo = rollup.combos[:, index]
    by_value = value_of_combo.astype(np.int32)
    if allowed is not None:
        by_value = np.where(allowed, by_value, -1).astype(np.int32)
    views = measure_total(rollup, "views", lo, hi, by_value, len(names))
    rank_by = METRIC_BY_NAME[metric.rank_by] if metric.rank_by else metric
    if rank_by.kind == DISTINCT_USERS:
        score = distinct_users(rollup, lo, hi, by_value, len(names)).astype(np.float64)
    else:
        score = measure_total(rollup, rank_by.measure, lo, hi, by_value, len(names))
    present = [code for code in range(len(names)) if views[code] > 0]
    return sorted(present, key=lambda code: (-score[code], names[code]))


def breakdown(
    rollup: Rollup,
    metric: str,
    resolution: str,
    filters: Filters,
    dimension: str,
    limit: int = DEFAULT_BREAKDOWN_LIMIT,
) -> list[dict]:
    """[{"date", <dimension>: value, "values"}] per period and group: the `limit` top values,
    then OTHER for the rest (when any is left), ordered by date then group rank."""
    spec = _check_metric(metric, resolution)
    if dimension not in DIMENSION_NAMES:
        raise InvalidParameter(f"breakdown must be one of {', '.join(DIMENSION_NAMES)}")
    allowed = selection.allowed_combos(rollup, filters)
    span = selection.day_range(rollup, filters, allowed)
    if span is None:
        return []
    lo, hi = span
    ranked = _ranked_values(rollup, spec, dimension, lo, hi, allowed)
    top, rest = ranked[:limit], ranked[limit:]
    index = DIMENSION_NAMES.index(dimension)
    names = [rollup.values[index][code] for code in top] + ([OTHER] if rest else [])
    p_lo, p_hi = selection.periods(lo, hi, resolution, len(names))
    if not names:
        return []
    # Values without a matching event in the range belong to no group (not even the rest).
    group_of_value = np.full(max(len(rollup.values[index]), 1), -1, dtype=np.int32)
    group_of_value[top] = np.arange(len(top), dtype=np.int32)
    group_of_value[rest] = len(top)
    group = group_of_value[rollup.combos[:, index]]
    if allowed is not None:
        group = np.where(allowed, group, -1).astype(np.int32)
    values = _metric_values(rollup, spec, resolution, lo, hi, p_lo, p_hi, group, len(names))
    labels = period_labels(p_lo, p_hi, resolution)
    return [
        {"date": label, dimension: name, "values": values[g][i]}
        for i, label in enumerate(labels)
        for g, name in enumerate(names)
    ]


# -- toplist, KPIs, dimensions ---------------------------------------------------------------


def _title_rows(rollup: Rollup, filters: Filters) -> tuple[np.ndarray, np.ndarray]:
    """(title code, views) of the titled (day, combination, title) rows the filters cover."""
    allowed = selection.allowed_combos(rollup, filters)
    if filters.start is None and filters.end is None:
        combo, title, views = rollup.total_combo, rollup.total_title, rollup.total_views
    else:
        lo = day_number(filters.start) if filters.start else rollup.first_day
        hi = day_number(filters.end) if filters.end else rollup.last_day
        rows = selection.day_rows(rollup.title_day, lo, hi)
        combo, title, views = (
            rollup.title_combo[rows],
            rollup.title_code[rows],
            rollup.title_views[rows],
        )
    if allowed is not None:
        keep = allowed[combo]
        title, views = title[keep], views[keep]
    return title, views


def toplist(rollup: Rollup, num: int, filters: Filters) -> list[dict]:
    """[{"title": ..., "values": views}] for the num most viewed titles, ties by title."""
    title, views = _title_rows(rollup, filters)
    # A title is its text: the items (episodes) that share it add up.
    text, names = text_groups(rollup.titles)
    counts = np.bincount(text[title], weights=views, minlength=len(names)).astype(np.int64)
    viewed = np.flatnonzero(counts)
    # Texts are in order, so sorting by (-views, index) breaks ties by title ascending.
    top = viewed[np.lexsort((viewed, -counts[viewed]))][:num]
    return [{"title": names[i], "values": int(counts[i])} for i in top]


def untitled_views(rollup: Rollup, filters: Filters) -> int:
    """Views of the filtered events without a title (NULL or ''): those the toplist leaves out,
    so that kpis' views = the toplist's sum over every title + untitled_views."""
    lo = day_number(filters.start) if filters.start else rollup.first_day
    hi = day_number(filters.end) if filters.end else rollup.last_day
    if rollup.rows == 0 or lo > hi:
        return 0
    group = group_codes(selection.allowed_combos(rollup, filters))
    views = int(measure_total(rollup, "views", lo, hi, group, 1)[0])
    _, titled = _title_rows(rollup, filters)
    return views - int(titled.sum())


def kpis(rollup: Rollup, filters: Filters) -> dict:
    """The headline numbers of the filtered events: every catalog metric over the range (as
    unique_users, minutes_watched, views, minutes_per_viewer, completion_rate) and
    completed_views."""
    lo = day_number(filters.start) if filters.start else rollup.first_day
    hi = day_number(filters.end) if filters.end else rollup.last_day
    return _kpis_over(rollup, lo, hi, filters)


def _kpis_over(rollup: Rollup, lo: int, hi: int, filters: Filters) -> dict:
    """kpis over days lo..hi (zeros when lo > hi), the dimension filters of `filters`: every
    catalog metric over the whole range, and completed_views."""
    group = group_codes(selection.allowed_combos(rollup, filters))
    empty = rollup.rows == 0 or lo > hi
    total = {
        name: np.zeros(1) if empty else measure_total(rollup, name, lo, hi, group, 1)
        for name in MEASURES
    }
    users = np.zeros(1, dtype=np.int64) if empty else distinct_users(rollup, lo, hi, group, 1)
    out = {}
    for metric in METRICS:
        if metric.kind == DISTINCT_USERS:
            (out[metric.name],) = users.tolist()
        elif metric.kind == PER_USER:
            (out[metric.name],) = per_user(rollup, metric.measure, total[metric.measure], users)
        elif metric.kind == RATIO:
            (out[metric.name],) = ratio(total[metric.measure], total[metric.divisor])
        else:
            (out[metric.name],) = selection.plain(rollup, metric.measure, total[metric.measure])
    out["completed_views"] = int(total["completed"][0])
    return out


def kpis_with_previous(rollup: Rollup, filters: Filters, resolution: str = DEFAULT_RESOLUTION):
    """(kpis, the kpis of the previous range on a page of `resolution` with the same dimension
    filters, that range or None, its kpis zeros, when the filters leave none: comparison.py)."""
    compared = previous_filters(filters, date_bounds(rollup), resolution)
    if compared is None:
        return kpis(rollup, filters), _kpis_over(rollup, 1, 0, filters), None
    return kpis(rollup, filters), kpis(rollup, compared[0]), compared[1]


def dimensions(rollup: Rollup, start: dt.date | None, end: dt.date | None) -> dict:
    """For each dimension, its values with their views on start..end, most viewed first (ties
    by value): {name: [{"value", "views"}]}."""
    lo = day_number(start) if start else rollup.first_day
    hi = day_number(end) if end else rollup.last_day
    cells = selection.day_cells(rollup, lo, hi)
    per_combo = np.bincount(
        rollup.cell_combo[cells], weights=rollup.views[cells], minlength=rollup.n_combos
    )
    out = {}
    for index, dimension in enumerate(DIMENSIONS):
        names = rollup.values[index]
        views = np.bincount(rollup.combos[:, index], weights=per_combo, minlength=len(names))
        listed = sorted(
            (code for code in range(len(names)) if views[code] > 0),
            key=lambda code: (-views[code], names[code]),
        )
        out[dimension.name] = [{"value": names[c], "views": int(views[c])} for c in listed]
    return out


def date_bounds(rollup: Rollup) -> tuple[dt.date, dt.date] | None:
    """(first, last) event date, or None without events."""
    if rollup.rows == 0:
        return None
    return date_of(rollup.first_day), date_of(rollup.last_day)
