"""Cohort analyses over a Rollup: retention by the period users were first seen, and lifecycle.

Pure functions of a `Rollup` and parsed parameters, read off the distinct (period, user,
combination) rows (data/events/user_tables.py); like data/events/queries.py they are exact:
- retention: a user's cohort is the period of their first matching event in the filtered data
  (dimension filters and start..end); retained[k] counts the cohort's users with a matching
  event in period cohort + k, over days start..end only (a period cut by start or end counts
  only its days inside), up to the period of the range's last day (end, else the last matching
  event's day, never past the data's last day).
- lifecycle: per period of the time series' range, new (first matching event ever in it),
  returning (active in it and the one before), resurrecting (active in it, not the one before,
  but earlier) and dormant (active in the one before, not in it). History before start counts;
  days after the range's end do not.
"""

from __future__ import annotations

import numpy as np

from data.events.params import COHORT_RESOLUTIONS, Filters, InvalidParameter
from data.events.periods import (
    RESOLUTIONS,
    day_number,
    period_end,
    period_labels,
    period_of,
    period_start,
)
from data.events.queries import _cells, _covering_rows, _periods, _range, allowed_combos
from data.events.rollup import Rollup
from data.events.user_tables import UserRows

LIFECYCLE_STATES = ("new", "returning", "resurrecting", "dormant")
_MATRIX_CELLS = 1 << 28  # up to this many (user, period) cells, distinct pairs come from a bitmap


# -- (period, user, combination) rows --------------------------------------------------------


def _table_part(table: UserRows, p_a: int, p_b: int, period: int | None = None) -> tuple:
    """(period per row, user, combination) of a table's periods p_a..p_b; `period` relabels
    them all (daily rows standing for the period they lie in)."""
    rows = table.rows(p_a, p_b)
    if period is None:
        last = len(table.offsets) - 1
        a = min(max(p_a - table.first_period, 0), last)
        b = min(max(p_b + 1 - table.first_period, 0), last)
        per_period = np.diff(table.offsets[a : b + 1])
        labels = np.arange(table.first_period + a, table.first_period + b, dtype=np.int64)
        period = np.repeat(labels, per_period)
    return period, table.user[rows], table.combo[rows]


def _period_rows(rollup: Rollup, resolution: str, lo: int, hi: int) -> list[tuple]:
    """Parts whose union is the distinct (period, user, combination) triples of days lo..hi:
    whole periods from the resolution's rows, a period cut by lo or hi from its days."""
    lo, hi = max(lo, rollup.first_day), min(hi, rollup.last_day)
    if rollup.rows == 0 or lo > hi:
        return []
    daily = rollup.user_rows["daily"]
    if resolution == "daily":
        return [_table_part(daily, lo, hi)]
    p_lo, p_hi = int(period_of(lo, resolution)), int(period_of(hi, resolution))
    # A period is cut only when the cut leaves out days that have data.
    first_cut = lo > max(period_start(p_lo, resolution), rollup.first_day)
    last_cut = hi < min(period_end(p_hi, resolution), rollup.last_day)
    parts = []
    if first_cut:
        parts.append(_table_part(daily, lo, min(hi, period_end(p_lo, resolution)), p_lo))
    if p_lo + first_cut <= p_hi - last_cut:
        parts.append(_table_part(rollup.user_rows[resolution], p_lo + first_cut, p_hi - last_cut))
    if last_cut and not (first_cut and p_lo == p_hi):
        parts.append(_table_part(daily, max(lo, period_start(p_hi, resolution)), hi, p_hi))
    return parts


def _active_pairs(parts, allowed, p0: int, n_slots: int, n_users: int):
    """(user, slot) of the distinct (user, period) pairs with an allowed row, sorted by user
    then slot (slot = period - p0)."""
    keys = []
    for period, user, combo in parts:
        if allowed is not None:
            keep = allowed[combo]
            user = user[keep]
            period = period[keep] if np.ndim(period) else period
        keys.append(user.astype(np.int64) * n_slots + (np.asarray(period, np.int64) - p0))
    if n_users * n_slots <= _MATRIX_CELLS:
        # Marking a bitmap and reading it back is linear: no sort of millions of rows.
        active = np.zeros(n_users * n_slots, dtype=bool)
        for key in keys:
            active[key] = True
        pairs = np.flatnonzero(active)
    else:
        pairs = np.unique(np.concatenate(keys)) if keys else np.empty(0, np.int64)
    return pairs // n_slots, pairs % n_slots


def _firsts(user: np.ndarray) -> np.ndarray:
    """For pairs sorted by user: True where a user's pairs begin."""
    first = np.ones(user.size, dtype=bool)
    first[1:] = user[1:] != user[:-1]
    return first


# -- retention -------------------------------------------------------------------------------


def _retention_range(rollup: Rollup, filters: Filters, allowed) -> tuple[int, int] | None:
    """Days lo..hi retention covers: start..end within the data, a missing end being the last
    matching event's day; None when no event matches."""
    lo = max(day_number(filters.start), rollup.first_day) if filters.start else rollup.first_day
    hi = min(day_number(filters.end), rollup.last_day) if filters.end else rollup.last_day
    if rollup.rows == 0 or lo > hi:
        return None
    cells = _cells(rollup, lo, hi)
    days = rollup.cell_day[cells]
    if allowed is not None:
        days = days[allowed[rollup.cell_combo[cells]]]
    if days.size == 0:
        return None
    return lo, hi if filters.end else int(days[-1])


def retention(rollup: Rollup, resolution: str, periods: int, filters: Filters) -> list[dict]:
    """[{"cohort": 'YYYY-MM-DD', "size": N, "retained": [N0, N1, ...]}] per cohort with users,
    ascending; retained has min(periods, last period - cohort + 1) entries."""
    if resolution not in COHORT_RESOLUTIONS:
        raise InvalidParameter(f"resolution must be one of {', '.join(COHORT_RESOLUTIONS)}")
    allowed = allowed_combos(rollup, filters)
    span = _retention_range(rollup, filters, allowed)
    if span is None:
        return []
    lo, hi = span
    p_lo, p_hi = _periods(lo, hi, resolution)
    n_slots = p_hi - p_lo + 1
    parts = _period_rows(rollup, resolution, lo, hi)
    user, slot = _active_pairs(parts, allowed, p_lo, n_slots, rollup.n_users)
    first = _firsts(user)
    cohort = slot[first][np.cumsum(first) - 1]
    offset = slot - cohort
    kept = offset < periods
    counts = np.bincount(
        cohort[kept] * periods + offset[kept], minlength=n_slots * periods
    ).reshape(n_slots, periods)
    labels = period_labels(p_lo, p_hi, resolution)
    return [
        {
            "cohort": labels[c],
            "size": int(counts[c, 0]),
            "retained": counts[c, : min(periods, n_slots - c)].tolist(),
        }
        for c in np.flatnonzero(counts[:, 0]).tolist()
    ]


# -- lifecycle -------------------------------------------------------------------------------


def lifecycle(rollup: Rollup, resolution: str, filters: Filters) -> list[dict]:
    """[{"date", "new", "returning", "resurrecting", "dormant"}] per period of the range,
    zero-filled as the time series are."""
    if resolution not in RESOLUTIONS:
        raise InvalidParameter(f"resolution must be one of {', '.join(RESOLUTIONS)}")
    allowed = allowed_combos(rollup, filters)
    span = _range(rollup, filters, allowed)
    if span is None:
        return []
    lo, hi = span
    p_lo, p_hi = _periods(lo, hi, resolution)
    # Slot 0 stands for every period before p_lo - 1 (only "seen before" matters there),
    # slot 1 is p_lo - 1 (whom the first period's returning and dormant compare with).
    p0, n_slots = p_lo - 2, p_hi - p_lo + 3
    before = int(period_start(p_lo - 1, resolution))
    parts = []
    if rollup.rows and before > rollup.first_day:
        history = _covering_rows(rollup, rollup.first_day, min(before - 1, rollup.last_day))
        parts += [(p0, table.user[rows], table.combo[rows]) for table, rows in history]
    parts += _period_rows(rollup, resolution, before, hi)
    user, slot = _active_pairs(parts, allowed, p0, n_slots, rollup.n_users)
    first = _firsts(user)
    gap = np.diff(slot, prepend=0)  # to the user's previous active slot (unless first)
    last = np.ones(user.size, dtype=bool)
    last[:-1] = first[1:]
    lapses = last | (np.diff(slot, append=0) != 1)  # not active in the next slot

    def per_slot(where: np.ndarray, shift: int = 0) -> list[int]:
        counted = np.bincount(slot[where] + shift, minlength=n_slots + 1)
        return counted[2:n_slots].tolist()

    new = per_slot(first)
    returning = per_slot(~first & (gap == 1))
    resurrecting = per_slot(~first & (gap > 1))
    dormant = per_slot(lapses, 1)
    labels = period_labels(p_lo, p_hi, resolution)
    columns = zip(labels, new, returning, resurrecting, dormant, strict=True)
    return [dict(zip(("date", *LIFECYCLE_STATES), row, strict=True)) for row in columns]
