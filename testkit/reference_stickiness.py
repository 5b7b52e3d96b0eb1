"""An independent plain-pandas reference of stickiness (dau, mau, their ratio; active days per
month), written from README.md's definition with sets of users per day.

Like testkit/reference_cohorts.py it reuses only testkit/reference_analytics.py's reading of
the rows, nothing of data/events. Users are the distinct non-NULL userid values.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from testkit import reference_analytics as ref

WINDOW = 30  # the day and the 29 before


def _users_per_day(rows: pd.DataFrame) -> dict[int, set]:
    """{day ordinal: the users with an event that day}."""
    known = rows[rows["user"].notna()]
    return {int(day): set(users) for day, users in known.groupby("day")["user"]}


def stickiness(raw, start=None, end=None, where=None) -> dict:
    """{"days": [{"date", "dau", "mau", "ratio"}] per day of the range the daily time series
    covers, "active_days": [{"month", "days", "users"}] per month of it, then N}."""
    ev = ref.prepare(raw)
    span = ref._span(ev, start, end, where)
    if span is None:
        return {"days": [], "active_days": []}
    _, lo, hi = span
    # Every matching event counts towards a day's 30 days, those before start too.
    active = _users_per_day(ref._select(ev, None, None, where))
    days = []
    for day in range(lo, hi + 1):
        dau = len(active.get(day, set()))
        month = set().union(*(active.get(d, set()) for d in range(day - WINDOW + 1, day + 1)))
        mau = len(month)
        days.append(
            {
                "date": ref._label(day),
                "dau": dau,
                "mau": mau,
                "ratio": round(dau / mau, 4) if mau else None,
            }
        )
    # Per (month, user), the user's active days of the range in that month.
    counts: dict[tuple[str, object], int] = {}
    for day, users in active.items():
        if lo <= day <= hi:
            month = dt.date.fromordinal(day).strftime("%Y-%m")
            for user in users:
                counts[month, user] = counts.get((month, user), 0) + 1
    histogram: dict[tuple[str, int], int] = {}
    for (month, _), n in counts.items():
        histogram[month, n] = histogram.get((month, n), 0) + 1
    active_days = [
        {"month": month, "days": n, "users": users}
        for (month, n), users in sorted(histogram.items())
    ]
    return {"days": days, "active_days": active_days}
