"""Stickiness over a Rollup: daily over 30-day active users per day, and active days per month.

A pure function of a `Rollup` and parsed filters, read off the daily distinct (day, user,
combination) rows (data/events/rollup/user_tables.py), exact:
- days: every day of the range (start..end; an open side the matching events', as the time
  series), with dau its distinct users, mau those of the 30 days ending that day (the day and
  the 29 before, reaching before start when they do: that day's 30-day audience; never before
  the data's first day, which holds nothing earlier) and ratio = dau / mau (4 decimals, None
  when mau is 0).
- active_days: per calendar month of the range, counting only the range's days in it, how many
  users were active on exactly N days of it (only N with users, ascending N).
A user is a known userid; a matching event is one that passes the dimension filters.
"""

from __future__ import annotations

import numpy as np

from data.events.analysis import selection
from data.events.analysis.measures import ratio
from data.events.params import Filters
from data.events.periods import period_labels, period_of
from data.events.rollup.model import Rollup

WINDOW_DAYS = 30  # mau's window: the day and the 29 before
_MONTH_DAYS = 32  # above any month's count of active days: (month, days) cells


def _user_days(rollup: Rollup, a: int, b: int, allowed) -> tuple[np.ndarray, np.ndarray]:
    """(user, day) of the distinct active pairs on days a..b, sorted by user then day."""
    daily = rollup.user_rows["daily"]
    rows = daily.rows(a, b)
    last = len(daily.offsets) - 1
    first = min(max(a - daily.first_period, 0), last)
    stop = min(max(b + 1 - daily.first_period, 0), last)
    per_day = np.diff(daily.offsets[first : stop + 1])
    day = np.repeat(np.arange(first, stop, dtype=np.int64) + daily.first_period, per_day)
    user = daily.user[rows]
    if allowed is not None:
        keep = allowed[daily.combo[rows]]
        day, user = day[keep], user[keep]
    # The rows are sorted by day, then user: a user's repeats (one per combination) are
    # neighbours, so the distinct pairs need no sort.
    distinct = np.ones(user.size, dtype=bool)
    distinct[1:] = (user[1:] != user[:-1]) | (day[1:] != day[:-1])
    day, user = day[distinct], user[distinct]
    # Each day's users are sorted runs: a stable sort by user merges them, keeping days in order.
    order = np.argsort(user, kind="stable")
    return user[order], day[order]


def _mau(user: np.ndarray, day: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Per day lo..hi, the users active on one of the 30 days ending it. A user active on day
    d counts on days d..d+29; each pair covers those up to the user's next active day, so that
    a user's covers are disjoint and a difference array over them counts each user once."""
    n = hi - lo + 1
    ends = day + (WINDOW_DAYS - 1)
    same_user = np.zeros(user.size, dtype=bool)
    same_user[:-1] = user[1:] == user[:-1]
    ends[:-1] = np.where(same_user[:-1], np.minimum(ends[:-1], day[1:] - 1), ends[:-1])
    starts = np.clip(day, lo, hi + 1) - lo
    stops = np.clip(ends + 1, lo, hi + 1) - lo
    kept = starts < stops
    delta = np.bincount(starts[kept], minlength=n + 1) - np.bincount(stops[kept], minlength=n + 1)
    return np.cumsum(delta[:n])


def _active_days(user: np.ndarray, day: np.ndarray, lo: int, hi: int) -> list[dict]:
    """[{"month": 'YYYY-MM', "days": N, "users": N}]: per month of days lo..hi, the users
    active on exactly N of its days in lo..hi."""
    inside = (day >= lo) & (day <= hi)
    user, day = user[inside], day[inside]
    if user.size == 0:
        return []
    month = np.asarray(period_of(day, "monthly"), dtype=np.int64)
    # Pairs are sorted by user then day, so a user's days of one month are one run.
    starts = np.ones(user.size, dtype=bool)
    starts[1:] = (user[1:] != user[:-1]) | (month[1:] != month[:-1])
    first = np.flatnonzero(starts)
    counts = np.diff(np.r_[first, user.size])
    m0 = int(period_of(lo, "monthly"))
    cells = np.bincount((month[first] - m0) * _MONTH_DAYS + counts)
    labels = period_labels(m0, int(period_of(hi, "monthly")), "monthly")
    return [
        {"month": labels[c // _MONTH_DAYS][:7], "days": c % _MONTH_DAYS, "users": int(cells[c])}
        for c in np.flatnonzero(cells).tolist()
    ]


def stickiness(rollup: Rollup, filters: Filters) -> dict:
    """{"days": [{"date", "dau", "mau", "ratio"}] per day of the range, "active_days":
    [{"month", "days", "users"}]} (see the module's docstring)."""
    view = selection.view_span(rollup, filters, "daily")
    if view is None:
        return {"days": [], "active_days": []}
    lo, hi = view.lo, view.hi
    n = hi - lo + 1
    dau, mau, active = np.zeros(n, np.int64), np.zeros(n, np.int64), []
    # Only the data's days hold users (and the 29 after its last day, mau's).
    a, b = max(lo - (WINDOW_DAYS - 1), rollup.first_day), min(hi, rollup.last_day)
    if rollup.rows and a <= b:
        user, day = _user_days(rollup, a, b, view.allowed)
        inside = day[day >= lo]
        dau = np.bincount(inside - lo, minlength=n)[:n]
        mau = _mau(user, day, lo, hi)
        active = _active_days(user, day, lo, hi)
    labels = period_labels(lo, hi, "daily")
    ratios = ratio(dau, mau)
    days = [
        {"date": d, "dau": u, "mau": m, "ratio": r}
        for d, u, m, r in zip(labels, dau.tolist(), mau.tolist(), ratios, strict=True)
    ]
    return {"days": days, "active_days": active}
