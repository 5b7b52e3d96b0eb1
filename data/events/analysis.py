"""Viewing analytics: prepare the events once, then answer time series, toplists and KPIs fast.

`prepare_events(raw)` turns the `movies` rows (a DataFrame, as read from SQLite) into an
`Events` object of compact numpy arrays: per-day totals per session type and deduplicated
(period, user) pairs per resolution. (`encode_chunk` + `build_events` do the same in chunks,
which is how the cache reads a large table with bounded memory.) The query functions
(`timeseries`, `toplist`, `kpis`, `date_bounds`) are pure functions of an `Events` and the
parsed parameters, so the /data routes and the dashboard compute their numbers on one code
path, and a query never re-reads the rows.

Semantics (the tutorial's, pydatsci examples/dashboard/analysis_tools.py):
- The event's day is the first 10 characters of event_date ('YYYY-MM-DD', followed by nothing,
  ' ' or 'T'); rows whose date cannot be read are left out of everything.
- Unique users: distinct non-NULL userid values per period (as the tutorial's
  `len(x.value_counts())` and SQL's COUNT(DISTINCT userid); '' is a value, NULL is not).
- Minutes watched: sum of totalminuteswatched; text numbers are read as numbers, '' / NULL /
  unreadable / non-finite as 0.
- Periods: daily; weekly, starting on Monday and labelled by that Monday; monthly, labelled by
  the 1st. Labels are 'YYYY-MM-DD'. Zero-filled from the first to the last matching event's
  period, or across the periods containing the requested start and end.
- Toplist: view events per title, most first, ties by title ascending; NULL and '' titles left out.
- Session type: 'MOVIE' or 'SERIES' (compared case-insensitively, surrounding blanks ignored);
  rows with another or no session type count only when no session type is asked for.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from data.events.params import Filters, InvalidParameter
from data.events.periods import (
    RESOLUTIONS,
    date_of,
    day_number,
    period_end,
    period_labels,
    period_of,
    period_start,
)
from data.events.prepared import N_STYPES, SESSION_BITS, Events

METRICS = ("unique_users", "minutes_watched")
# A daily series over about a century; longer ranges are refused rather than served as megabytes.
MAX_PERIODS = 36_600


def _stype_rows(filters: Filters) -> list[int]:
    """Session type codes a filter covers."""
    bits = SESSION_BITS[filters.sessiontype]
    return [code for code in range(N_STYPES) if bits & (1 << code)]


def _clip(events: Events, lo: int, hi: int) -> tuple[int, int]:
    """Day offsets into the per-day arrays for lo..hi (may be empty: start > stop)."""
    return max(lo, events.first_day) - events.first_day, min(hi, events.last_day) - events.first_day


def _range(events: Events, filters: Filters) -> tuple[int, int] | None:
    """The day range a series covers: start..end, with a missing side taken from the events."""
    lo = day_number(filters.start) if filters.start else None
    hi = day_number(filters.end) if filters.end else None
    if lo is None or hi is None:
        active = np.flatnonzero(events.views[_stype_rows(filters)].sum(axis=0)) + events.first_day
        if lo is not None:
            active = active[active >= lo]
        if hi is not None:
            active = active[active <= hi]
        if active.size == 0:
            return None
        lo = int(active[0]) if lo is None else lo
        hi = int(active[-1]) if hi is None else hi
    return (lo, hi) if lo <= hi else None


def _distinct_users(events: Events, bits: int, lo: int, hi: int) -> int:
    """Distinct users with an event of the given session bits on days lo..hi."""
    daily = events.pairs["daily"]
    i0, i1 = np.searchsorted(daily.period, [lo, hi + 1])
    users = daily.user[i0:i1][(daily.mask[i0:i1] & bits) != 0]
    if users.size * 8 < events.n_users:
        return int(np.unique(users).size)
    seen = np.zeros(events.n_users, dtype=bool)
    seen[users] = True
    return int(np.count_nonzero(seen))


def _unique_users_per_period(
    events: Events, resolution: str, bits: int, lo: int, hi: int, p_lo: int, p_hi: int
) -> np.ndarray:
    """Distinct users per period p_lo..p_hi, counting only days lo..hi."""
    pairs = events.pairs[resolution]
    out = np.zeros(p_hi - p_lo + 1, dtype=np.int64)
    counts = pairs.counts[bits]
    a, b = max(p_lo, pairs.first_period), min(p_hi, pairs.first_period + counts.size - 1)
    if a <= b:
        out[a - p_lo : b - p_lo + 1] = counts[a - pairs.first_period : b - pairs.first_period + 1]
    if resolution == "daily" or events.rows == 0:
        return out
    # A period cut by start or end is recounted from its days, if the cut excludes any events.
    first_cut = lo > max(period_start(p_lo, resolution), events.first_day)
    if first_cut:
        out[0] = _distinct_users(events, bits, lo, min(hi, period_end(p_lo, resolution)))
    if hi < min(period_end(p_hi, resolution), events.last_day) and not (first_cut and p_lo == p_hi):
        out[-1] = _distinct_users(events, bits, max(lo, period_start(p_hi, resolution)), hi)
    return out


def _minutes_per_period(
    events: Events, resolution: str, filters: Filters, lo: int, hi: int, p_lo: int, p_hi: int
) -> np.ndarray:
    """Minutes watched per period p_lo..p_hi, counting only days lo..hi."""
    per_day = events.minutes[_stype_rows(filters)].sum(axis=0)
    out = np.zeros(p_hi - p_lo + 1, dtype=per_day.dtype)
    i0, i1 = _clip(events, lo, hi)
    if i0 <= i1:
        days = np.arange(i0, i1 + 1, dtype=np.int64) + events.first_day
        np.add.at(out, period_of(days, resolution) - p_lo, per_day[i0 : i1 + 1])
    return out


def timeseries(events: Events, metric: str, resolution: str, filters: Filters) -> list[dict]:
    """[{"date": 'YYYY-MM-DD', "values": N}] per period, zero-filled, for unique_users or
    minutes_watched."""
    if metric not in METRICS:
        raise InvalidParameter(f"metric must be one of {', '.join(METRICS)}, got {metric!r}")
    if resolution not in RESOLUTIONS:
        raise InvalidParameter(f"resolution must be one of {', '.join(RESOLUTIONS)}")
    span = _range(events, filters)
    if span is None:
        return []
    lo, hi = span
    p_lo, p_hi = int(period_of(lo, resolution)), int(period_of(hi, resolution))
    if p_hi - p_lo + 1 > MAX_PERIODS:
        raise InvalidParameter(
            f"the date range holds {p_hi - p_lo + 1} {resolution} periods; at most {MAX_PERIODS} "
            "are served: narrow start..end or use a coarser resolution"
        )
    if metric == "unique_users":
        bits = SESSION_BITS[filters.sessiontype]
        values = _unique_users_per_period(events, resolution, bits, lo, hi, p_lo, p_hi)
    else:
        values = _minutes_per_period(events, resolution, filters, lo, hi, p_lo, p_hi)
    labels = period_labels(p_lo, p_hi, resolution)
    return [{"date": d, "values": v} for d, v in zip(labels, values.tolist(), strict=True)]


def toplist(events: Events, num: int, filters: Filters) -> list[dict]:
    """[{"title": ..., "values": views}] for the num most viewed titles, ties by title."""
    td = events.title_days
    rows = _stype_rows(filters)
    if filters.start is None and filters.end is None:
        counts = td.totals[rows].sum(axis=0)
    else:
        lo = day_number(filters.start) if filters.start else events.first_day
        hi = day_number(filters.end) if filters.end else events.last_day
        i0, i1 = np.searchsorted(td.day, [lo, hi + 1])
        chosen = np.isin(td.stype[i0:i1], rows)
        counts = np.bincount(
            td.title[i0:i1][chosen], weights=td.views[i0:i1][chosen], minlength=len(events.titles)
        ).astype(np.int64)
    viewed = np.flatnonzero(counts)
    # Codes follow title order, so sorting by (-views, code) breaks ties by title ascending.
    top = viewed[np.lexsort((viewed, -counts[viewed]))][:num]
    return [{"title": events.titles[i], "values": int(counts[i])} for i in top]


def kpis(events: Events, filters: Filters) -> dict:
    """Headline numbers for the filtered events.

    unique_users: distinct userid; hours_watched: minutes / 60 (1 decimal); views: events;
    avg_minutes_per_user: minutes / unique users (1 decimal, 0 without users);
    completion_rate: fraction (0..1, 4 decimals) of all views whose viewpercentage is >= 90.
    The denominator is every view: a view without a viewpercentage counts as not completed,
    so the rate reads "share of views watched to the end" (0 without views).
    """
    lo = day_number(filters.start) if filters.start else events.first_day
    hi = day_number(filters.end) if filters.end else events.last_day
    rows = _stype_rows(filters)
    i0, i1 = _clip(events, lo, hi)
    if events.rows == 0 or i0 > i1:
        views = minutes = completed = users = 0
    else:
        window = slice(i0, i1 + 1)
        views = int(events.views[rows, window].sum())
        minutes = events.minutes[rows, window].sum().item()
        completed = int(events.completed[rows, window].sum())
        users = _distinct_users(events, SESSION_BITS[filters.sessiontype], lo, hi)
    return {
        "unique_users": users,
        "hours_watched": round(minutes / 60, 1),
        "views": views,
        "avg_minutes_per_user": round(minutes / users, 1) if users else 0.0,
        "completion_rate": round(completed / views, 4) if views else 0.0,
    }


def date_bounds(events: Events) -> tuple[dt.date, dt.date] | None:
    """(first, last) event date, or None without events."""
    if events.rows == 0:
        return None
    return date_of(events.first_day), date_of(events.last_day)
