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

from data.events.analysis import compiled, selection
from data.events.params import Filters, InvalidParameter
from data.events.periods import period_labels, period_of
from data.events.rollup.model import Rollup

PERS = ("viewer",)
DEFAULT_PER = "viewer"
PERCENTILES = (50, 90, 99)
# Histogram bins of minutes per viewer: bin i holds [BINS[i], BINS[i + 1]), the last one
# BINS[-1] minutes and more; the first, [0, 1), holds viewers whose minutes are 0 or unknown.
BINS = (0, 1, 5, 15, 30, 60, 120, 240, 480, 960)


_BUCKETS = 4096  # whole minutes 0..4095 a bucket each for the percentiles; the rest one more


def _example():
    """Arguments of _viewer_minutes' types, for compiled.warm()."""
    i32, i64, f64 = np.zeros(1, np.int32), np.zeros(2, np.int64), np.zeros(1, np.float64)
    rows = compiled.readonly(i64, i32, np.zeros(1, np.uint16), f64)  # the rollup's
    bin_of, period = np.zeros(BINS[-1] + 1, np.int64), np.zeros(1, np.int64)
    return *rows, np.ones(1, bool), False, period, 1, 1, bin_of, i64


@compiled.kernel()
def _whole(value, most):
    """The whole minutes of a value, 0..most (0 for anything not above 0, NaN included)."""
    return min(int(value), most) if value > 0 else 0


@compiled.kernel()
def _percentiles(values, counts, percents, buckets):
    """The nearest-rank percentiles of values (>= 0; the p-th is the ceil(p / 100 * n)-th
    smallest): each found in its whole-minute bucket (counts: values per bucket), then among
    that bucket's values only, gathered for every percentile in one pass."""
    bucket = np.empty(percents.size, np.int64)
    rank = np.empty(percents.size, np.int64)
    for j in range(percents.size):
        rank[j] = (percents[j] * values.size + 99) // 100 - 1
        b = 0
        while rank[j] >= counts[b]:
            rank[j] -= counts[b]
            b += 1
        bucket[j] = b
    # Percentiles sharing a bucket share its values; a bucket is gathered once.
    first = np.empty(percents.size, np.int64)
    starts = np.zeros(percents.size + 1, np.int64)
    for j in range(percents.size):
        first[j] = j
        for i in range(j):
            if bucket[i] == bucket[j]:
                first[j] = first[i]
                break
        starts[j + 1] = starts[j] + (counts[bucket[j]] if first[j] == j else 0)
    inside = np.empty(starts[-1], np.float64)
    filled = starts[:-1].copy()
    for v in values:
        w = _whole(v, buckets)
        for j in range(percents.size):
            if first[j] == j and bucket[j] == w:
                inside[filled[j]] = v
                filled[j] += 1
    out = np.empty(percents.size, np.float64)
    for j in range(percents.size):
        mine = inside[starts[first[j]] : starts[first[j]] + counts[bucket[j]]]
        out[j] = np.partition(mine, rank[j])[rank[j]]
    return out


@compiled.kernel(_example)
def _viewer_minutes(
    offsets, user, combo, minutes, allowed, filtered, period, n_periods, n_users, bin_of, percents
):
    """One pass over the daily (day, user, combination) rows of consecutive days (day k's rows
    are offsets[k]:offsets[k + 1], by user; period[k] its period, ascending): each period's
    viewers' minutes side by side (period p's are values[starts[p]:starts[p + 1]]), with per
    period a histogram (bin_of: the bin of each whole minute, the last one for any more) and
    the nearest-rank percentiles. A user's minutes of a period are summed in a slot of their
    own."""
    values = np.empty(offsets[-1] - offsets[0], np.float64)
    starts = np.zeros(n_periods + 1, np.int64)
    histogram = np.zeros((n_periods, bin_of[-1] + 1), np.int64)
    chosen = np.full((n_periods, percents.size), np.nan)
    # Per user, their latest slot: slots only grow, so a slot before the period's first is
    # another period's, and nothing needs clearing between periods.
    slot_of = np.full(n_users, -1, np.int32)
    count, k, slot = 0, 0, 0
    for p in range(n_periods):
        starts[p] = count
        first_slot = count
        while k < period.size and period[k] == p:
            # A period of this one day (a daily one): each user's run of rows is new to it.
            alone = count == first_slot and (k + 1 == period.size or period[k + 1] != p)
            previous_user = -1
            for i in range(offsets[k], offsets[k + 1]):
                if filtered and not allowed[combo[i]]:
                    continue
                u = user[i]
                if u != previous_user:  # else the same user's row of another combination
                    previous_user = u
                    slot = count if alone else slot_of[u]
                    if slot < first_slot or alone:
                        slot, values[count] = count, 0.0
                        if not alone:
                            slot_of[u] = count
                        count += 1
                values[slot] += minutes[i]
            k += 1
        mine = values[starts[p] : count]
        counts = np.zeros(_BUCKETS + 1, np.int64)  # values per whole minute, the rest last
        for v in mine:
            counts[_whole(v, _BUCKETS)] += 1
        for w in range(_BUCKETS + 1):  # the bins' edges are whole minutes (BINS[-1] < _BUCKETS)
            histogram[p, bin_of[min(w, bin_of.size - 1)]] += counts[w]
        if mine.size:
            chosen[p] = _percentiles(mine, counts, percents, _BUCKETS)
    starts[n_periods] = count
    return values[:count], starts, histogram, chosen


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
    daily = rollup.user_rows["daily"]
    last = len(daily.offsets) - 1
    a = min(max(view.lo - daily.first_period, 0), last)
    b = min(max(view.hi + 1 - daily.first_period, 0), last)
    days = np.arange(a, b, dtype=np.int64) + daily.first_period
    period = np.asarray(period_of(days, resolution), np.int64) - view.p_lo
    values, starts, histogram, chosen = _viewer_minutes(
        daily.offsets[a : b + 1],
        daily.user,
        daily.combo,
        rollup.user_minutes,
        np.ones(1, bool) if view.allowed is None else view.allowed,
        view.allowed is not None,
        period,
        view.p_hi - view.p_lo + 1,
        rollup.n_users,
        np.searchsorted(np.asarray(BINS), np.arange(BINS[-1] + 1), side="right") - 1,
        np.asarray(PERCENTILES, np.int64),
    )
    labels = period_labels(view.p_lo, view.p_hi, resolution)
    for p, label in enumerate(labels):
        n = int(starts[p + 1] - starts[p])
        entry = {"date": label, "viewers": n}
        for j, percent in enumerate(PERCENTILES):
            entry[f"p{percent}"] = _number(rollup, chosen[p, j]) if n else None
        total = float(values[starts[p] : starts[p + 1]].sum())
        entry["mean"] = round(total / n, 4) if n else None
        entry["histogram"] = histogram[p].tolist()
        out["periods"].append(entry)
    return out
