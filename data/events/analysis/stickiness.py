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
from data.events.periods import period_labels, period_of, period_start
from data.events.rollup.model import Rollup

WINDOW_DAYS = 30  # mau's window: the day and the 29 before
# A month's active days are counted per user number while it has at least 1 / _PER_USER as
# many pairs as there are users (linear in users), else by a sort of its pairs.
_PER_USER = 4


def _day_pairs(rollup: Rollup, a: int, b: int, allowed) -> tuple[np.ndarray, np.ndarray]:
    """(user, day) of the distinct active (day, user) pairs of days a..b, sorted by day then
    user, as the daily rows are."""
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
    # A user's rows of a day (one per combination) are neighbours: no sort to find them.
    distinct = np.ones(user.size, dtype=bool)
    distinct[1:] = (user[1:] != user[:-1]) | (day[1:] != day[:-1])
    return user[distinct], day[distinct]


def _previous(user: np.ndarray, day: np.ndarray, n_users: int) -> np.ndarray:
    """For each pair, the index of the same user's previous pair (-1: none). One pass over the
    days with each user's latest pair: linear, where sorting the pairs by user is not."""
    index = np.int32 if user.size < 2**31 else np.int64  # 4-byte indices: half the memory
    latest = np.full(max(n_users, 1), -1, dtype=index)
    previous = np.empty(user.size, dtype=index)
    bounds = np.flatnonzero(np.diff(day)) + 1
    for i0, i1 in zip([0, *bounds.tolist()], [*bounds.tolist(), user.size], strict=True):
        users = user[i0:i1]
        previous[i0:i1] = latest[users]
        latest[users] = np.arange(i0, i1)
    return previous


def _mau(day: np.ndarray, previous: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Per day lo..hi, the users active on one of the 30 days ending it. A user active on day
    d counts on days d..d+29; each pair adds the days its user's previous pair did not cover,
    so that a user's additions are disjoint and a difference array counts each user once."""
    n = hi - lo + 1
    before = np.where(previous >= 0, day[previous], day - WINDOW_DAYS)
    starts = np.clip(np.maximum(day, before + WINDOW_DAYS), lo, hi + 1) - lo
    stops = np.clip(day + WINDOW_DAYS, lo, hi + 1) - lo
    kept = starts < stops
    delta = np.bincount(starts[kept], minlength=n + 1) - np.bincount(stops[kept], minlength=n + 1)
    return np.cumsum(delta[:n])


def _active_days(user: np.ndarray, day: np.ndarray, lo: int, hi: int, n_users: int) -> list:
    """[{"month": 'YYYY-MM', "days": N, "users": N}]: per month of days lo..hi, the users
    active on exactly N of its days in lo..hi."""
    m_lo, m_hi = int(period_of(lo, "monthly")), int(period_of(hi, "monthly"))
    starts = np.clip(period_start(np.arange(m_lo, m_hi + 2), "monthly"), lo, hi + 1)
    # The pairs are sorted by day: each month's are one slice.
    cuts = np.searchsorted(day, starts).tolist()
    out = []
    labels = period_labels(m_lo, m_hi, "monthly")
    for label, i0, i1 in zip(labels, cuts[:-1], cuts[1:], strict=True):
        users = user[i0:i1]
        if users.size == 0:
            continue
        if n_users <= _PER_USER * users.size:
            per_user = np.bincount(users, minlength=n_users)
        else:
            per_user = np.unique(users, return_counts=True)[1]
        histogram = np.bincount(per_user)
        out += [
            {"month": label[:7], "days": n, "users": int(histogram[n])}
            for n in (np.flatnonzero(histogram[1:]) + 1).tolist()
        ]
    return out


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
        user, day = _day_pairs(rollup, a, b, view.allowed)
        previous = _previous(user, day, rollup.n_users)
        dau = np.bincount(day[day >= lo] - lo, minlength=n)[:n]
        mau = _mau(day, previous, lo, hi)
        active = _active_days(user, day, lo, hi, rollup.n_users)
    labels = period_labels(lo, hi, "daily")
    ratios = ratio(dau, mau)
    days = [
        {"date": d, "dau": u, "mau": m, "ratio": r}
        for d, u, m, r in zip(labels, dau.tolist(), mau.tolist(), ratios, strict=True)
    ]
    return {"days": days, "active_days": active}
