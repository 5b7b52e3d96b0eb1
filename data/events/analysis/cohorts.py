"""Cohort analyses over a Rollup: retention by the period users were first seen, and lifecycle.

Pure functions of a `Rollup` and parsed parameters, read off the distinct (period, user,
combination) rows (data/events/rollup/user_tables.py); like data/events/analysis/queries.py
they are exact:
- retention: a user's cohort is the period of their first matching event ever (`first_ever`,
  the default: history before start counts, and a user first seen before start is in no
  cohort), or of their first matching event in start..end (`in_range`); matching means the
  dimension filters. retained[k] counts the cohort's users with a matching event in period
  cohort + k, over days start..end only (a period cut by start or end counts only its days
  inside), up to the period of the range's last day (end, else the last matching event's day,
  never past the data's last day).
- lifecycle: per period of the time series' range, new (first matching event ever in it),
  returning (active in it and the one before), resurrecting (active in it, not the one before,
  but earlier) and dormant (active in the one before, not in it). History before start counts;
  days after the range's end do not.
"""

from __future__ import annotations

import numpy as np

from data.events.analysis import activity, selection
from data.events.params import (
    COHORT_DEFINITIONS,
    COHORT_RESOLUTIONS,
    DEFAULT_COHORT,
    Filters,
    InvalidParameter,
)
from data.events.periods import RESOLUTIONS, day_number, period_labels, period_of, period_start
from data.events.rollup.model import Rollup

LIFECYCLE_STATES = ("new", "returning", "resurrecting", "dormant")


# -- retention -------------------------------------------------------------------------------


def _retention_range(rollup: Rollup, filters: Filters, allowed) -> tuple[int, int] | None:
    """Days lo..hi retention covers: start..end within the data, a missing end being the last
    matching event's day; None when no event matches."""
    lo = max(day_number(filters.start), rollup.first_day) if filters.start else rollup.first_day
    hi = min(day_number(filters.end), rollup.last_day) if filters.end else rollup.last_day
    if rollup.rows == 0 or lo > hi:
        return None
    cells = selection.day_cells(rollup, lo, hi)
    days = rollup.cell_day[cells]
    if allowed is not None:
        days = days[allowed[rollup.cell_combo[cells]]]
    if days.size == 0:
        return None
    return lo, hi if filters.end else int(days[-1])


def _retention_counts(parts, p0: int, n_slots: int, n_users: int, periods: int) -> np.ndarray:
    """counts[c, k]: the users first active in slot c who are active in slot c + k."""
    counts = np.zeros((n_slots, periods), dtype=np.int64)
    if not activity.fits_matrix(n_slots, n_users):
        user, slot = activity.active_pairs(parts, p0, n_slots)
        starts = activity.user_starts(user)
        cohort = slot[starts][np.cumsum(starts) - 1]
        offset = slot - cohort
        kept = offset < periods
        cells = np.bincount(cohort[kept] * periods + offset[kept], minlength=n_slots * periods)
        return counts + cells.reshape(n_slots, periods)
    active, cohort = activity.active_matrix(parts, p0, n_slots, n_users)
    # Users in cohort order, each cohort a run: small ints sort by radix, in linear time.
    order = np.argsort(cohort.astype(np.int16 if n_slots < 2**15 else np.int32), kind="stable")
    bounds = np.zeros(n_slots + 2, dtype=np.int64)
    np.cumsum(np.bincount(cohort, minlength=n_slots + 1), out=bounds[1:])
    for c in np.flatnonzero(np.diff(bounds[: n_slots + 1])).tolist():
        members = order[bounds[c] : bounds[c + 1]]
        width = min(periods, n_slots - c)
        counts[c, :width] = [np.count_nonzero(active[c + k][members]) for k in range(width)]
    return counts


def _new_from(rollup: Rollup, parts: list[tuple], lo: int, allowed) -> list[tuple]:
    """parts without the users who had a matching event before day lo: their first view ever
    lies before the range, so no cohort of the range is theirs."""
    earlier = activity.users_between(rollup, rollup.first_day, lo - 1, allowed)
    if not earlier:
        return parts
    seen = np.zeros(rollup.n_users, dtype=bool)
    for users in earlier:
        seen[users] = True
    return [(period, users[~seen[users]]) for period, users in parts]


def retention(
    rollup: Rollup, resolution: str, periods: int, filters: Filters, cohort: str = DEFAULT_COHORT
) -> list[dict]:
    """[{"cohort": 'YYYY-MM-DD', "size": N, "retained": [N0, N1, ...]}] per cohort with users,
    ascending; retained has min(periods, last period - cohort + 1) entries. cohort: one of
    COHORT_DEFINITIONS, what a user's first period is (see the module's docstring)."""
    if resolution not in COHORT_RESOLUTIONS:
        raise InvalidParameter(f"resolution must be one of {', '.join(COHORT_RESOLUTIONS)}")
    if cohort not in COHORT_DEFINITIONS:
        raise InvalidParameter(f"cohort must be one of {', '.join(COHORT_DEFINITIONS)}")
    allowed = selection.allowed_combos(rollup, filters)
    span = _retention_range(rollup, filters, allowed)
    if span is None:
        return []
    lo, hi = span
    p_lo, p_hi = selection.periods(lo, hi, resolution)
    n_slots = p_hi - p_lo + 1
    parts = activity.period_users(rollup, resolution, lo, hi, allowed)
    if cohort == "first_ever":
        # Whoever is left was first seen in the range: their first period in it is their
        # first ever (the counts below take each user's first period as their cohort).
        parts = _new_from(rollup, parts, lo, allowed)
    counts = _retention_counts(parts, p_lo, n_slots, rollup.n_users, periods)
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


def _lifecycle_counts(parts, p0: int, n_slots: int, n_users: int) -> tuple[np.ndarray, ...]:
    """(new, returning, resurrecting, dormant) users per slot."""
    if not activity.fits_matrix(n_slots, n_users):
        user, slot = activity.active_pairs(parts, p0, n_slots)
        starts = activity.user_starts(user)
        gap = np.diff(slot, prepend=0)  # to the user's previous active slot (unless a start)
        ends = np.ones(user.size, dtype=bool)
        ends[:-1] = starts[1:]
        lapses = ends | (np.diff(slot, append=0) != 1)  # not active in the next slot

        def per_slot(where: np.ndarray, shift: int = 0) -> np.ndarray:
            return np.bincount(slot[where] + shift, minlength=n_slots + 1)[:n_slots]

        return (
            per_slot(starts),
            per_slot(~starts & (gap == 1)),
            per_slot(~starts & (gap > 1)),
            per_slot(lapses, 1),
        )
    active, first = activity.active_matrix(parts, p0, n_slots, n_users)
    new = np.bincount(first, minlength=n_slots + 1)[:n_slots]
    present = activity.row_counts(active)
    returning = np.zeros(n_slots, dtype=np.int64)
    returning[1:] = [np.count_nonzero(active[s] & active[s - 1]) for s in range(1, n_slots)]
    # Active and not in the slot before: new, or back after a gap.
    resurrecting = present - returning - new
    dormant = np.zeros(n_slots, dtype=np.int64)
    dormant[1:] = present[:-1] - returning[1:]
    return new, returning, resurrecting, dormant


def lifecycle(rollup: Rollup, resolution: str, filters: Filters) -> list[dict]:
    """[{"date", "new", "returning", "resurrecting", "dormant"}] per period of the range,
    zero-filled as the time series are."""
    if resolution not in RESOLUTIONS:
        raise InvalidParameter(f"resolution must be one of {', '.join(RESOLUTIONS)}")
    view = selection.view_span(rollup, filters, resolution)
    if view is None:
        return []
    allowed, hi, p_lo, p_hi = view.allowed, view.hi, view.p_lo, view.p_hi
    # Only the periods from the data's first to the one after its last can hold anyone (the
    # one after: the dormant); the rest of a long range is zeros, never a bitmap of them.
    a = max(p_lo, int(period_of(rollup.first_day, resolution)))
    b = min(p_hi, int(period_of(rollup.last_day, resolution)) + 1)
    counts = np.zeros((len(LIFECYCLE_STATES), p_hi - p_lo + 1), dtype=np.int64)
    if rollup.rows and a <= b:
        # Slot 0 stands for every period before a - 1 (only "seen before" matters there),
        # slot 1 is a - 1 (whom the first period's returning and dormant compare with).
        p0, n_slots = a - 2, b - a + 3
        before = int(period_start(a - 1, resolution))
        history = activity.users_between(rollup, rollup.first_day, before - 1, allowed)
        parts = [(p0, users) for users in history]
        parts += activity.period_users(rollup, resolution, before, hi, allowed)
        found = _lifecycle_counts(parts, p0, n_slots, rollup.n_users)
        counts[:, a - p_lo : b - p_lo + 1] = np.array([c[2:] for c in found])
    labels = period_labels(p_lo, p_hi, resolution)
    columns = zip(labels, *counts.tolist(), strict=True)
    return [dict(zip(("date", *LIFECYCLE_STATES), row, strict=True)) for row in columns]
