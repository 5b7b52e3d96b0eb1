"""An independent pandas reference of prime time (/data/when/) and minutes per viewer
(/data/distribution/), written from their specification, from raw movies rows (or
reference_analytics.prepare of them). Users are the distinct non-NULL userid values."""

from __future__ import annotations

import datetime as dt
import math

from testkit import reference_analytics as ref

# The histogram's lower edges in minutes, as the specification of /data/distribution/ states.
BINS = (0, 1, 5, 15, 30, 60, 120, 240, 480, 960)


def _number(value, whole: bool):
    return int(value) if whole else round(float(value), 4)


def when(raw, metric="views", start=None, end=None, where=None) -> list[dict]:
    """[{"weekday", "hour", "value"}] for all 168 cells, Monday 0, by weekday then hour."""
    ev = ref.prepare(raw)
    rows = ref._select(ev, start, end, where)
    rows = rows[rows["hour"] >= 0]  # no readable time: not in this matrix
    weekday = [dt.date.fromordinal(int(d)).weekday() for d in rows["day"]]
    grouped = rows.assign(weekday=weekday).groupby(["weekday", "hour"])
    if metric == "views":
        per = {key: int(n) for key, n in grouped.size().items()}
    elif metric == "minutes_watched":
        whole = ev.attrs["whole"]
        per = {key: _number(m, whole) for key, m in grouped["minutes"].sum().items()}
    else:  # nunique leaves out NULL users
        per = {key: int(n) for key, n in grouped["user"].nunique().items()}
    zero = 0 if metric != "minutes_watched" or ev.attrs["whole"] else 0.0
    return [
        {"weekday": w, "hour": h, "value": per.get((w, h), zero)}
        for w in range(7)
        for h in range(24)
    ]


def distribution(raw, resolution="daily", start=None, end=None, where=None) -> dict:
    """{"bins", "periods": [{"date", "viewers", "p50", "p90", "p99", "mean", "histogram"}]}."""
    ev = ref.prepare(raw)
    out = {"bins": list(BINS), "periods": []}
    span = ref._span(ev, start, end, where)
    if span is None:
        return out
    rows, lo, hi = span
    whole = ev.attrs["whole"]
    known = rows[rows["user"].notna()]
    period = known["day"].map(lambda d: ref._period(int(d), resolution))
    sums = known.assign(period=period).groupby(["period", "user"])["minutes"].sum()
    per_period: dict[int, list[float]] = {}
    for (p, _user), minutes in sums.items():
        per_period.setdefault(int(p), []).append(float(minutes))
    for p in ref._periods(lo, hi, resolution):
        minutes = sorted(per_period.get(p, []))
        n = len(minutes)
        entry = {"date": ref._label(p), "viewers": n}
        for q in (50, 90, 99):  # nearest rank: the ceil(q / 100 * n)-th smallest
            entry[f"p{q}"] = _number(minutes[math.ceil(q * n / 100) - 1], whole) if n else None
        entry["mean"] = round(sum(minutes) / n, 4) if n else None
        histogram = [0] * len(BINS)
        for value in minutes:
            histogram[max(i for i, edge in enumerate(BINS) if value >= edge)] += 1
        entry["histogram"] = histogram
        out["periods"].append(entry)
    return out
