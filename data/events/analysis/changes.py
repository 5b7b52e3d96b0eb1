"""What changed on a day or an ISO week: KPIs, dimension values, titles against the usual level."""

from __future__ import annotations

import datetime as dt
import statistics

import numpy as np

from data.events.analysis import queries, selection, title_events
from data.events.analysis.measures import per_user, ratio
from data.events.analysis.shows import text_groups
from data.events.catalog import (
    DIMENSION_NAMES,
    DISTINCT_USERS,
    METRIC_BY_NAME,
    METRICS,
    PER_USER,
    RATIO,
)
from data.events.local_time import UTC_ZONES, Zones
from data.events.params import Filters
from data.events.periods import date_of, day_number, period_of, period_start
from data.events.rollup.encoding import PERCENT_BINS
from data.events.rollup.model import Rollup

BASELINE_PERIODS = 6
MIN_BASELINE = 4
MAD_SCALE = 1.4826  # MAD to a normal distribution's standard deviation
BAND_WIDTH = 3
TITLE = "title"
MOVER_GROUPS = (*DIMENSION_NAMES, TITLE)


# -- which periods -------------------------------------------------------------------------


def today_of(now: dt.datetime, zones: Zones = UTC_ZONES) -> dt.date:
    """The day it is at `now` in the report zone, the zone days are counted in (a naive now is
    UTC)."""
    return zones.today(now)


def default_day(rollup: Rollup, today: dt.date, resolution: str) -> int | None:
    """The day (weekly: the Monday) answered when none is asked: the last complete day, or the
    last ISO week that ends on or before it (a week the data stops in is not complete)."""
    if rollup.rows == 0:
        return None
    today_number = day_number(today)
    last = rollup.last_day if rollup.last_day < today_number else today_number - 1
    if resolution == "daily":
        return last
    sunday = last - (date_of(last).weekday() + 1) % 7
    return sunday - 6


def spans(day: int, resolution: str) -> list[tuple[int, int]]:
    """(first, last) day of the period asked, then of its baseline periods, most recent first."""
    if resolution == "weekly":
        monday = int(period_start(period_of(day, "weekly"), "weekly"))
        return [(monday - 7 * k, monday - 7 * k + 6) for k in range(BASELINE_PERIODS + 1)]
    return [(day - 7 * k, day - 7 * k) for k in range(BASELINE_PERIODS + 1)]


def inside_data(rollup: Rollup, span: tuple[int, int]) -> bool:
    """Is the period (first, last day) wholly inside the data's first..last day?"""
    return rollup.rows > 0 and rollup.first_day <= span[0] and span[1] <= rollup.last_day


# -- expectation and band ------------------------------------------------------------------


def judged(value, baseline: list) -> dict:
    """{"value", "expected", "low", "high", "change", "flag"} of a value against the values of
    its counted baseline periods (None entries, periods without a value, do not count)."""
    counted = [v for v in baseline if v is not None]
    out = {"value": value, "expected": None, "low": None, "high": None, "change": None}
    out["flag"] = None
    if len(counted) < MIN_BASELINE:
        return out
    expected = statistics.median(counted)
    mad = statistics.median(abs(v - expected) for v in counted)
    width = BAND_WIDTH * MAD_SCALE * mad
    out |= {"expected": expected, "low": expected - width, "high": expected + width}
    if value is not None:
        out["change"] = (value - expected) / expected if expected else None
        if value > out["high"]:
            out["flag"] = "above"
        elif value < out["low"]:
            out["flag"] = "below"
    return out


def counted_baseline(rollup: Rollup, periods: list[tuple[int, int]], values: list) -> list:
    """The baseline periods' values, None for those outside the data's span."""
    return [v if inside_data(rollup, s) else None for s, v in zip(periods[1:], values, strict=True)]


# -- the numbers ---------------------------------------------------------------------------


def kpis(rollup: Rollup, filters: Filters, periods: list[tuple[int, int]]) -> dict:
    """Every catalog metric of the period judged against its baseline, as /data/kpis/ counts."""
    numbers = [queries._kpis_over(rollup, lo, hi, filters) for lo, hi in periods]
    return {
        m.name: judged(
            numbers[0][m.name], counted_baseline(rollup, periods, [n[m.name] for n in numbers[1:]])
        )
        for m in METRICS
    }


def _metric_from(rollup: Rollup, metric, sums: dict, users: np.ndarray) -> list:
    """A metric's values from per-group sums of the measures and distinct users, as the engine
    turns them into numbers (queries._kpis_over)."""
    if metric.kind == DISTINCT_USERS:
        return users.tolist()
    if metric.kind == PER_USER:
        return per_user(rollup, metric.measure, sums[metric.measure], users)
    if metric.kind == RATIO:
        return ratio(sums[metric.measure], sums[metric.divisor])
    return selection.plain(rollup, metric.measure, sums[metric.measure])


def _dimension_grid(rollup, filters, periods, dimension, metric, resolution):
    """(value names, (values, periods) metric values, (values, periods) views), periods in
    `periods` order, from the breakdown's per-value computation."""
    index = DIMENSION_NAMES.index(dimension)
    names = rollup.values[index]
    group = rollup.combos[:, index].astype(np.int32)
    allowed = selection.allowed_combos(rollup, filters)
    if allowed is not None:
        group = np.where(allowed, group, -1).astype(np.int32)
    lo, hi = periods[-1][0], periods[0][1]
    p_lo, p_hi = int(period_of(lo, resolution)), int(period_of(hi, resolution))
    picks = [int(period_of(s[0], resolution)) - p_lo for s in periods]
    n = len(names)

    def grid(spec):
        rows = queries._metric_values(rollup, spec, resolution, lo, hi, p_lo, p_hi, group, n)
        return [[row[i] for i in picks] for row in rows]

    return names, grid(metric), grid(METRIC_BY_NAME["views"])


def _title_grid(rollup, filters, periods, metric, resolution):
    """(title names, (titles, periods) metric values, (titles, periods) views) of the titles as
    the default toplist names them, from the titled events and the title rows."""
    text, names = text_groups(rollup.titles)
    n, k = len(names), len(periods)
    allowed = selection.allowed_combos(rollup, filters)
    lo, hi = periods[-1][0], periods[0][1]

    def slots(days: np.ndarray) -> np.ndarray:
        """The period index of each day (most recent first), -1 for days of no period."""
        days = days.astype(np.int64)
        if resolution == "weekly":
            back = int(period_of(periods[0][0], "weekly")) - np.asarray(period_of(days, "weekly"))
            ok = (days >= lo) & (days <= hi)
        else:
            back = (periods[0][0] - days) // 7
            ok = (days >= lo) & (days <= hi) & ((periods[0][0] - days) % 7 == 0)
        return np.where(ok, back, -1)

    # Titled events of the periods: their title code from the offsets (events are by title).
    slot = slots(rollup.view_day)
    if allowed is not None:
        slot = np.where(allowed[rollup.view_combo], slot, -1)
    picked = np.flatnonzero(slot >= 0)
    code = np.searchsorted(rollup.view_offsets, picked, side="right") - 1
    key = text[code].astype(np.int64) * k + slot[picked] if n else picked[:0]
    bins, users = rollup.view_bin[picked], rollup.view_user[picked].astype(np.int64)
    size = n * k
    sums = {
        "views": np.bincount(key, minlength=size).astype(np.float64),
        "completed": np.bincount(key, weights=bins == PERCENT_BINS - 1, minlength=size),
        "rated": np.bincount(key, weights=bins >= 0, minlength=size),
    }
    known = users >= 0
    pairs = title_events.distinct(key[known] * (rollup.n_users + 1) + users[known])
    distinct = np.bincount(pairs // (rollup.n_users + 1), minlength=size).astype(np.int64)
    # Minutes are kept per (day, combination, title) row, not per event.
    rows = selection.day_rows(rollup.title_day, lo, hi)
    m_slot = slots(rollup.title_day[rows])
    if allowed is not None:
        m_slot = np.where(allowed[rollup.title_combo[rows]], m_slot, -1)
    m_keep = m_slot >= 0
    m_key = text[rollup.title_code[rows][m_keep]].astype(np.int64) * k + m_slot[m_keep]
    sums["minutes"] = np.bincount(m_key, weights=rollup.title_minutes[rows][m_keep], minlength=size)
    values = _metric_from(rollup, metric, sums, distinct)
    views = sums["views"].astype(np.int64).tolist()
    return (
        names,
        [values[i * k : (i + 1) * k] for i in range(n)],
        [views[i * k : (i + 1) * k] for i in range(n)],
    )


def movers(rollup, filters, periods, group: str, metric: str, limit: int, resolution) -> list:
    """The `limit` candidates of a dimension (or the titles) with the largest |impact|."""
    spec = METRIC_BY_NAME[metric]
    if rollup.rows == 0:
        return []
    if group == TITLE:
        names, values, views = _title_grid(rollup, filters, periods, spec, resolution)
    else:
        names, values, views = _dimension_grid(rollup, filters, periods, group, spec, resolution)
    out = []
    for name, row, seen in zip(names, values, views, strict=True):
        if not any(seen):
            continue
        verdict = judged(row[0], counted_baseline(rollup, periods, row[1:]))
        expected, value = verdict["expected"], row[0]
        impact = None if expected is None or value is None else value - expected
        out.append(
            {
                "value": name,
                "value_today": value,
                "expected": expected,
                "impact": impact,
                "flag": verdict["flag"],
            }
        )
    out.sort(key=lambda m: (m["impact"] is None, -abs(m["impact"] or 0), m["value"]))
    return out[:limit]


def changes(
    rollup: Rollup,
    filters: Filters,
    day: dt.date | None,
    resolution: str,
    metric: str,
    limit: int,
    today: dt.date,
) -> dict:
    """The /data/changes/ answer: the period, its baseline, the KPIs judged and the movers.

    Definitions (issue 25, part 1; /data/changes/ documents them):
    - The day: `day`, else the data's last day with events, or the day before "today" (the store's
      clock, EVENTS_NOW in tests) when that last day is today or later. Weekly: the week of `day`
      (answered by its Monday), else the last week whose Sunday is before today holding an event;
      without one, the week before today's.
    - Baseline: the same weekday of the 6 previous weeks (the 6 previous weeks), listed most recent
      first. Only baseline periods wholly inside the data's span (its first..last event day, under
      the account's scope but not the request's dimension filters) count, and for a ratio metric
      (completion_rate, minutes_per_viewer) only those with a value (a divisor); fewer than 4: no
      expectation (expected, low, high, change null, flag null).
    - Expected: the median of those values; band: expected +- 3 x 1.4826 x MAD (the median absolute
      deviation from that median); flag "above"/"below" when the value lies strictly outside it;
      change = (value - expected) / expected, null when expected is 0 or null or the value null.
      Numbers are left unrounded (values are the engine's own, rounded as /data/kpis/ rounds them).
    - KPIs: queries' own kpis over the day (start=end=day), or over the week's Monday..Sunday.
    - Movers: per dimension value (the breakdown's per-value numbers) and per title (as the default
      toplist names it: a title's items add up), impact = value - its own expected value under the
      request's filters and that value. Candidates have an event on the day or a baseline day;
      ranked by |impact| descending then name; those without an impact come last, by name.
    """
    number = day_number(day) if day is not None else default_day(rollup, today, resolution)
    if number is None:  # no events and no day asked: nothing to compare
        empty = queries._kpis_over(rollup, 1, 0, filters)
        return {
            "day": None,
            "baseline_days": [],
            "kpis": {m.name: judged(empty[m.name], []) for m in METRICS},
            "movers": {g: [] for g in MOVER_GROUPS},
        }
    periods = spans(number, resolution)
    return {
        "day": date_of(periods[0][0]).isoformat(),
        "baseline_days": [date_of(lo).isoformat() for lo, _ in periods[1:]],
        "kpis": kpis(rollup, filters, periods),
        "movers": {
            g: movers(rollup, filters, periods, g, metric, limit, resolution) for g in MOVER_GROUPS
        },
    }
