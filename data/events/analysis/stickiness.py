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

from data.events.analysis import compiled, selection
from data.events.analysis.measures import ratio
from data.events.params import Filters
from data.events.periods import period_labels, period_of
from data.events.rollup.model import Rollup

WINDOW_DAYS = 30  # mau's window: the day and the 29 before
_NEVER = -(10**6)  # a user's "previous active day" before any: far enough that it covers nothing


def _example():
    """Arguments of _sweep's types, for compiled.warm()."""
    i32 = np.zeros(1, np.int32)
    rows = compiled.readonly(np.zeros(2, np.int64), i32, np.zeros(1, np.uint16))  # the rollup's
    return *rows, np.ones(1, bool), 0, 1, i32, 1, 1


@compiled.kernel(_example)
def _sweep(offsets, user, combo, allowed, first, n, month, n_months, n_users):
    """One pass over the daily (day, user, combination) rows of consecutive days, day k's
    rows being offsets[k]:offsets[k + 1], sorted by user within a day. Days are counted from
    the range's first day: day k is first + k (negative before the range). Returns (dau per
    day 0..n-1, mau per day 0..n-1, users per (month, active days)) of the rows whose
    combination is allowed (a mask over every combination); month[k] is day k's month index.

    Each user keeps their previous active day, their current month and its day count: a user
    active on day d counts in mau on days d..d+29, and each active day adds the days its
    previous one did not cover, so that every user counts once per day."""
    dau = np.zeros(n, np.int64)
    delta = np.zeros(n + 1, np.int64)
    histogram = np.zeros((max(n_months, 1), 33), np.int64)
    state = np.empty((n_users, 3), np.int32)  # previous active day, month, days in it
    state[:, 0] = _NEVER
    state[:, 1] = -1
    state[:, 2] = 0
    users = np.empty(
        max(int((offsets[1:] - offsets[:-1]).max()), 1) if offsets.size > 1 else 1, np.int32
    )
    for k in range(offsets.size - 1):
        day = first + k
        # The day's distinct users among the allowed rows, without a branch per row (which
        # rows a filter keeps is unpredictable): a row left out, or the same user's row of
        # another combination, is written and then overwritten.
        m, previous_user = 0, -1
        for i in range(offsets[k], offsets[k + 1]):
            u = user[i]
            users[m] = u
            new = allowed[combo[i]] and u != previous_user
            previous_user = u if new else previous_user
            m += new
        for j in range(m):
            u = users[j]
            start = max(day, state[u, 0] + WINDOW_DAYS)
            state[u, 0] = day
            stop = min(day + WINDOW_DAYS, n)
            start = max(start, 0)
            if start < stop:
                delta[start] += 1
                delta[stop] -= 1
            if day >= 0:
                if state[u, 1] != month[k]:
                    if state[u, 1] >= 0:
                        histogram[state[u, 1], state[u, 2]] += 1
                    state[u, 1] = month[k]
                    state[u, 2] = 0
                state[u, 2] += 1
        if day >= 0:
            dau[day] = m
    for u in range(n_users):
        if state[u, 1] >= 0:
            histogram[state[u, 1], state[u, 2]] += 1
    return dau, np.cumsum(delta)[:n], histogram


def _active_days(histogram: np.ndarray, m_lo: int, m_hi: int) -> list:
    """[{"month": 'YYYY-MM', "days": N, "users": N}] of the (month, active days) histogram."""
    out = []
    for label, counts in zip(period_labels(m_lo, m_hi, "monthly"), histogram, strict=False):
        out += [
            {"month": label[:7], "days": n, "users": int(counts[n])}
            for n in (np.flatnonzero(counts[1:]) + 1).tolist()
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
        daily = rollup.user_rows["daily"]
        last = len(daily.offsets) - 1
        ia = min(max(a - daily.first_period, 0), last)
        ib = min(max(b + 1 - daily.first_period, 0), last)
        m_lo, m_hi = int(period_of(lo, "monthly")), int(period_of(hi, "monthly"))
        days = np.arange(ia, ib, dtype=np.int64) + daily.first_period
        month = (np.asarray(period_of(days, "monthly"), np.int64) - m_lo).astype(np.int32)
        allowed = view.allowed if view.allowed is not None else np.ones(rollup.n_combos, bool)
        dau, mau, histogram = _sweep(
            daily.offsets[ia : ib + 1],
            daily.user,
            daily.combo,
            allowed,
            int(days[0]) - lo if days.size else 0,
            n,
            month,
            m_hi - m_lo + 1,
            rollup.n_users,
        )
        active = _active_days(histogram, m_lo, m_hi)
    labels = period_labels(lo, hi, "daily")
    ratios = ratio(dau, mau)
    days = [
        {"date": d, "dau": u, "mau": m, "ratio": r}
        for d, u, m, r in zip(labels, dau.tolist(), mau.tolist(), ratios, strict=True)
    ]
    return {"days": days, "active_days": active}
