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


def _viewer_minutes(rollup: Rollup, view: selection.ViewSpan, resolution: str):
    """(period index from view.p_lo, minutes) per viewer of each period, sorted by period then
    minutes."""
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
    keys, inverse = np.unique(period * rollup.n_users + user, return_inverse=True)
    summed = np.bincount(inverse.reshape(-1), weights=minutes, minlength=keys.size)
    viewer_period = keys // rollup.n_users
    order = np.lexsort((summed, viewer_period))
    return viewer_period[order], summed[order]


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
    n_periods = view.p_hi - view.p_lo + 1
    period, minutes = _viewer_minutes(rollup, view, resolution)
    counts = np.bincount(period, minlength=n_periods)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    totals = np.bincount(period, weights=minutes, minlength=n_periods)
    bin_of = np.searchsorted(np.asarray(BINS, np.float64), minutes, side="right") - 1
    histogram = np.bincount(period * len(BINS) + bin_of, minlength=n_periods * len(BINS))
    histogram = histogram.reshape(n_periods, len(BINS))
    labels = period_labels(view.p_lo, view.p_hi, resolution)
    for i, label in enumerate(labels):
        n = int(counts[i])
        entry = {"date": label, "viewers": n}
        for p in PERCENTILES:
            rank = (p * n + 99) // 100  # ceil(p / 100 * n), exactly
            entry[f"p{p}"] = _number(rollup, minutes[starts[i] + rank - 1]) if n else None
        entry["mean"] = round(float(totals[i]) / n, 4) if n else None
        entry["histogram"] = histogram[i].tolist()
        out["periods"].append(entry)
    return out
