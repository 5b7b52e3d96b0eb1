"""How minutes spread over viewers: per period, percentiles, mean and a histogram of each viewer's
minutes watched in it.

A period's viewers are the distinct known users with a matching event on one of its days inside
the range (so their count is the period's unique_users); a viewer's minutes are the sum of
their matching events' totalminuteswatched in it, unknown minutes counting 0. Percentiles are
by nearest rank: p-th is the ceil(p / 100 * n)-th smallest of the n viewers' minutes. Read off
the minutes along the rollup's daily user triples (data/events/rollup/hours.py).
"""

from __future__ import annotations

import numpy as np

from data.events.analysis import selection
from data.events.params import Filters, InvalidParameter
from data.events.periods import period_labels, period_of
from data.events.rollup.model import Rollup

PERS = ("viewer",)
DEFAULT_PER = "viewer"
PERCENTILES = (50, 90, 99)
# Histogram bins of minutes per viewer: bin i holds [BINS[i], BINS[i + 1]), the last one
# BINS[-1] minutes and more; the first, [0, 1), holds viewers whose minutes are 0 or unknown.
BINS = (0, 1, 5, 15, 30, 60, 120, 240, 480, 960)


def _period_rows(rollup: Rollup, view: selection.ViewSpan, resolution: str):
    """(period index from view.p_lo, user, minutes) of the filtered daily (day, user,
    combination) rows of the range, in their order: by day, then user."""
    daily = rollup.user_rows["daily"]
    last = len(daily.offsets) - 1
    a = min(max(view.lo - daily.first_period, 0), last)
    b = min(max(view.hi + 1 - daily.first_period, 0), last)
    rows = slice(int(daily.offsets[a]), int(daily.offsets[b]))
    day = np.repeat(
        np.arange(a, b, dtype=np.int64) + daily.first_period, np.diff(daily.offsets[a : b + 1])
    )
    user, minutes = daily.user[rows].astype(np.int64), rollup.user_minutes[rows]
    if view.allowed is not None:
        keep = view.allowed[daily.combo[rows]]
        day, user, minutes = day[keep], user[keep], minutes[keep]
    period = np.asarray(period_of(day, resolution), np.int64) - view.p_lo
    return period, user, minutes


def _viewer_minutes(rollup: Rollup, view: selection.ViewSpan, resolution: str) -> list:
    """Per period (from view.p_lo), the minutes of each of its viewers, unordered: no sort of
    the rows, which arrive by day, then user."""
    period, user, minutes = _period_rows(rollup, view, resolution)
    n_periods = view.p_hi - view.p_lo + 1
    bounds = np.searchsorted(period, np.arange(n_periods + 1))
    out = []
    for i in range(n_periods):
        p_user, p_minutes = user[bounds[i] : bounds[i + 1]], minutes[bounds[i] : bounds[i + 1]]
        if p_user.size == 0:
            out.append(p_minutes)
        elif resolution == "daily":  # one day: a user's rows (one per combination) are neighbours
            starts = np.flatnonzero(np.r_[True, p_user[1:] != p_user[:-1]])
            out.append(np.add.reduceat(p_minutes, starts))
        else:  # several days: a user's rows are spread over them; summed by user
            sums = np.bincount(p_user, weights=p_minutes, minlength=rollup.n_users)
            out.append(sums[np.bincount(p_user, minlength=rollup.n_users) > 0])
    return out


def _number(rollup: Rollup, value: float):
    return selection.plain(rollup, "minutes", np.array([value]))[0]


def distribution(rollup: Rollup, filters: Filters, resolution: str, per: str) -> dict:
    """{"bins", "periods": [{"date", "viewers", "p50", "p90", "p99", "mean", "histogram"}]},
    one entry per period as the time series has them (zero-filled: viewers 0, the rest null
    and zeros)."""
    if per not in PERS:
        raise InvalidParameter(f"per must be one of {', '.join(PERS)}, got {per!r}")
    out = {"bins": list(BINS), "periods": []}
    view = selection.view_span(rollup, filters, resolution)
    if view is None:
        return out
    edges = np.asarray(BINS, np.float64)
    labels = period_labels(view.p_lo, view.p_hi, resolution)
    for label, minutes in zip(labels, _viewer_minutes(rollup, view, resolution), strict=True):
        n = int(minutes.size)
        entry = {"date": label, "viewers": n}
        ranks = [(p * n + 99) // 100 - 1 for p in PERCENTILES]  # ceil(p / 100 * n), exactly
        chosen = np.partition(minutes, ranks) if n else minutes
        for p, rank in zip(PERCENTILES, ranks, strict=True):
            entry[f"p{p}"] = _number(rollup, chosen[rank]) if n else None
        entry["mean"] = round(float(minutes.sum()) / n, 4) if n else None
        bin_of = np.searchsorted(edges, minutes, side="right") - 1
        entry["histogram"] = np.bincount(bin_of, minlength=len(BINS)).tolist()
        out["periods"].append(entry)
    return out
