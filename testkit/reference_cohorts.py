"""An independent plain-pandas reference of retention, lifecycle and the previous range a
range is compared with, written from README.md's definitions (sets of users per period).

Like testkit/reference_analytics.py (whose row reading it reuses) it shares nothing with
data/events. Users are the distinct non-NULL userid values.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from testkit import reference_analytics as ref


def _previous(period: int, resolution: str) -> int:
    """The period just before `period` (a date ordinal of its first day)."""
    if resolution == "weekly":
        return period - 7
    if resolution == "monthly":
        date = dt.date.fromordinal(period - 1)
        return date.replace(day=1).toordinal()
    return period - 1


def _active(rows: pd.DataFrame, resolution: str) -> dict[int, set]:
    """{period: the users with an event in it}."""
    known = rows[rows["user"].notna()]
    period = known["day"].map(lambda d: ref._period(int(d), resolution))
    return {p: set(users) for p, users in known.groupby(period)["user"]}


def _first(rows: pd.DataFrame, resolution: str) -> dict:
    """{user: the period of their first event}."""
    known = rows[rows["user"].notna()]
    firsts = known.groupby("user")["day"].min()
    return {user: ref._period(int(day), resolution) for user, day in firsts.items()}


def retention(
    raw, resolution="weekly", periods=8, start=None, end=None, where=None, cohort="first_ever"
) -> list:
    """[{"cohort", "size", "retained"}]: users by the period of their first matching event,
    and how many of them were active on start..end (within the data) k periods later. Their
    first ever (cohort="first_ever": whoever had a matching event before start is in no
    cohort), or their first on start..end (cohort="in_range")."""
    ev = ref.prepare(raw)
    if ev.empty:
        return []
    first_day, last_day = int(ev["day"].min()), int(ev["day"].max())
    lo = max(start.toordinal(), first_day) if start else first_day
    hi = min(end.toordinal(), last_day) if end else last_day
    if lo > hi:
        return []
    rows = ref._select(ev, dt.date.fromordinal(lo), dt.date.fromordinal(hi), where)
    if rows.empty:
        return []
    # The last period: end's (within the data), else the last matching event's.
    last = ref._period(hi if end else int(rows["day"].max()), resolution)
    active, first = _active(rows, resolution), _first(rows, resolution)
    if cohort == "first_ever" and lo > first_day:
        before = ref._select(ev, None, dt.date.fromordinal(lo - 1), where)
        seen = set(before["user"].dropna())
        first = {user: period for user, period in first.items() if user not in seen}
    out = []
    for period in sorted(set(first.values())):
        members = {u for u, p in first.items() if p == period}
        following = ref._periods(period, last, resolution)[:periods]
        retained = [len(members & active.get(p, set())) for p in following]
        out.append({"cohort": ref._label(period), "size": len(members), "retained": retained})
    return out


def lifecycle(raw, resolution="weekly", start=None, end=None, where=None) -> list[dict]:
    """[{"date", "new", "returning", "resurrecting", "dormant"}] per period of the range the
    time series covers; activity before start counts, days after its end do not."""
    ev = ref.prepare(raw)
    span = ref._span(ev, start, end, where)
    if span is None:
        return []
    _, lo, hi = span
    history = ref._select(ev, None, dt.date.fromordinal(hi), where)
    active, first = _active(history, resolution), _first(history, resolution)
    out = []
    for period in ref._periods(lo, hi, resolution):
        now = active.get(period, set())
        before = active.get(_previous(period, resolution), set())
        new = sum(1 for u in now if first[u] == period)
        out.append(
            {
                "date": ref._label(period),
                "new": new,
                "returning": len(now & before),
                "resurrecting": len(now - before) - new,
                "dormant": len(before - now),
            }
        )
    return out


def previous_range(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The n days just before start..end (n its length): the comparison of a range that ends
    before the data's last day."""
    days = (end - start).days + 1
    return start - dt.timedelta(days), start - dt.timedelta(1)
