"""An independent plain-pandas reference of /data/changes/, from issue 25's definitions.

It reads the raw rows through testkit/reference_analytics.py (nothing of data/events): each
number is that reference's kpis over the day (or week) with the filters, the expected value
numpy's median of the baseline days wholly inside the data's first..last day (those with a
value), the band 3 x 1.4826 x MAD around it. Days are date ordinals.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from testkit import reference_analytics as ref

GROUPS = (*ref.DIMENSIONS, "title")


def default_day(ev: pd.DataFrame, today: dt.date, resolution: str) -> int:
    """The day (weekly: the Monday) judged when none is asked."""
    last, now = int(ev["day"].max()), today.toordinal()
    complete = last if last < now else now - 1
    if resolution == "daily":
        return complete
    # The Monday of the last week whose Sunday is a complete day.
    while dt.date.fromordinal(complete).weekday() != 6:
        complete -= 1
    return complete - 6


def _numbers(ev, lo: int, hi: int, where: dict) -> dict:
    return ref.kpis(ev, dt.date.fromordinal(lo), dt.date.fromordinal(hi), where)


def _judge(value, baseline: list):
    """(expected, low, high, flag) from the counted baseline values."""
    counted = [v for v in baseline if v is not None]
    if len(counted) < 4:
        return None, None, None, None
    expected = float(np.median(counted))
    mad = float(np.median([abs(v - expected) for v in counted]))
    low, high = expected - 3 * 1.4826 * mad, expected + 3 * 1.4826 * mad
    flag = None
    if value is not None and value > high:
        flag = "above"
    elif value is not None and value < low:
        flag = "below"
    return expected, low, high, flag


def changes(raw, today, day=None, resolution="daily", metric="unique_users", limit=5, where=None):
    """The answer /data/changes/ should give for these parameters (day: a date or None)."""
    ev = ref.prepare(raw)
    where = dict(where or {})
    first, last = int(ev["day"].min()), int(ev["day"].max())
    if day is None:
        number = default_day(ev, today, resolution)
    else:
        number = day.toordinal()
        if resolution == "weekly":
            number -= day.weekday()
    width = 6 if resolution == "weekly" else 0
    periods = [(number - 7 * k, number - 7 * k + width) for k in range(7)]
    inside = [first <= lo and hi <= last for lo, hi in periods]

    def judged(values: list) -> tuple:
        baseline = [v for v, ok in zip(values[1:], inside[1:], strict=True) if ok]
        return _judge(values[0], baseline)

    numbers = [_numbers(ev, lo, hi, where) for lo, hi in periods]
    kpis = {}
    for m in ref.METRICS:
        values = [n[m] for n in numbers]
        expected, low, high, flag = judged(values)
        value = values[0]
        change = None
        if expected and value is not None:
            change = (value - expected) / expected
        kpis[m] = {"value": value, "expected": expected, "low": low, "high": high}
        kpis[m] |= {"change": change, "flag": flag}
    movers = {}
    rows = ev
    for dimension, chosen in where.items():
        rows = rows[rows[dimension].isin(list(chosen))]
    in_periods = rows[
        rows["day"].map(lambda d: any(lo <= d <= hi for lo, hi in periods)).astype(bool)
    ]
    for group in GROUPS:
        out = []
        for name in sorted(in_periods[group].dropna().unique()):
            own = {**where, group: {name}}
            values = [_numbers(ev, lo, hi, own)[metric] for lo, hi in periods]
            expected, _, _, flag = judged(values)
            impact = None if expected is None or values[0] is None else values[0] - expected
            out.append(
                {
                    "value": name,
                    "value_today": values[0],
                    "expected": expected,
                    "impact": impact,
                    "flag": flag,
                }
            )
        out.sort(key=lambda m: (m["impact"] is None, -abs(m["impact"] or 0), m["value"]))
        movers[group] = out[:limit]
    return {
        "day": dt.date.fromordinal(number).isoformat(),
        "baseline_days": [dt.date.fromordinal(lo).isoformat() for lo, _ in periods[1:]],
        "kpis": kpis,
        "movers": movers,
    }
