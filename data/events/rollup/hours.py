"""What prime time and viewer distributions read: groups by hour, and minutes per user and day.

Built the same way from single events (data/events/rollup/build.py) and in each piece
(data/events/rollup/pieces.py); pieces cover disjoint days, so a merge puts their groups side
by side in day order (data/events/rollup/merge.py):
- hour_*: views and minutes per (day, hour, combination), sorted, of events with a readable
  time (event_dates.event_days_hours: local to REPORT_TIMEZONE);
- houruser_*: the distinct (day, hour, user, combination) of those events' known users, sorted;
- user_minutes: minutes per distinct (day, user, combination) of known users, in the order of
  the daily user triples (user_tables.distinct_triples), so that it runs along them.
"""

from __future__ import annotations

import numpy as np

from data.events.rollup.encoding import NO_HOUR

HOURS = 24


def _unique(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    keys, inverse = np.unique(key, return_inverse=True)
    return keys, inverse.reshape(-1)


def hour_groups(day, hour, user, combo, minutes, n_users: int, n_combos: int) -> dict:
    """The hour_* and houruser_* arrays of events (see the module's docstring)."""
    timed = np.asarray(hour) != NO_HOUR
    day = np.asarray(day, np.int64)[timed]
    first = int(day.min()) if day.size else 0
    slot = (day - first) * HOURS + np.asarray(hour, np.int64)[timed]
    combo, user = np.asarray(combo, np.int64)[timed], np.asarray(user, np.int64)[timed]
    keys, inverse = _unique(slot * n_combos + combo)
    views = np.bincount(inverse, minlength=keys.size).astype(np.int64)
    weights = np.asarray(minutes, np.float64)[timed]
    summed = np.bincount(inverse, weights=weights, minlength=keys.size)
    del inverse
    cell_slot = keys // n_combos
    known = user >= 0
    if float(slot.max(initial=0) + 1) * n_users * n_combos >= 2.0**62:
        raise OverflowError("too many hours x users x combinations for one rollup")
    pairs = np.unique((slot[known] * n_users + user[known]) * n_combos + combo[known])
    pair_slot = pairs // (n_users * n_combos)
    return {
        "hour_day": (cell_slot // HOURS + first).astype(np.int32),
        "hour_hour": (cell_slot % HOURS).astype(np.int8),
        "hour_combo": (keys % n_combos).astype(np.int32),
        "hour_views": views,
        "hour_minutes": summed,
        "houruser_day": (pair_slot // HOURS + first).astype(np.int32),
        "houruser_hour": (pair_slot % HOURS).astype(np.int8),
        "houruser_user": (pairs // n_combos % n_users).astype(np.int32),
        "houruser_combo": (pairs % n_combos).astype(np.int32),
    }


def triple_minutes(day, user, combo, minutes, n_users: int, n_combos: int) -> np.ndarray:
    """Minutes per distinct (day, user, combination) of known users, in the triples' order."""
    known = np.asarray(user) >= 0
    day = np.asarray(day, np.int64)[known]
    if day.size == 0:
        return np.empty(0, dtype=np.float64)
    key = ((day - int(day.min())) * n_users + np.asarray(user, np.int64)[known]) * n_combos
    keys, inverse = _unique(key + np.asarray(combo, np.int64)[known])
    weights = np.asarray(minutes, np.float64)[known]
    return np.bincount(inverse, weights=weights, minlength=keys.size)


def empty_hours() -> dict:
    """The arrays of no events."""
    i32, i8 = np.empty(0, np.int32), np.empty(0, np.int8)
    return {
        "hour_day": i32,
        "hour_hour": i8,
        "hour_combo": i32,
        "hour_views": np.empty(0, np.int64),
        "hour_minutes": np.empty(0, np.float64),
        "houruser_day": i32,
        "houruser_hour": i8,
        "houruser_user": i32,
        "houruser_combo": i32,
        "user_minutes": np.empty(0, np.float64),
    }
