"""Prime time: a metric per (weekday, hour) over the filtered range, every one of the 168 cells.

An event counts in its local hour (REPORT_TIMEZONE; data/events/rollup/event_dates.py,
event_days_hours); events whose date has no readable time are left out of this matrix only.
unique_users counts a user once per cell, however many weeks they were
active in it. Read off the rollup's (day, hour, combination) groups and its distinct (day,
hour, user, combination) rows (data/events/rollup/hours.py), never events.
"""

from __future__ import annotations

import numpy as np

from data.events.analysis import selection, title_events
from data.events.params import Filters, InvalidParameter
from data.events.rollup.hours import HOURS
from data.events.rollup.model import Rollup

WHEN_METRICS = ("views", "unique_users", "minutes_watched")
DEFAULT_WHEN_METRIC = "views"
WEEKDAYS = 7
CELLS = WEEKDAYS * HOURS
_BITMAP_CELLS = 1 << 27  # bytes of the cells x users bitmap a request may take
_THURSDAY = 3  # day 0, 1970-01-01, was a Thursday (Monday is weekday 0)


def weekday_of(days: np.ndarray) -> np.ndarray:
    """Monday 0 .. Sunday 6 of day numbers."""
    return (np.asarray(days, np.int64) + _THURSDAY) % WEEKDAYS


def _cells(rollup: Rollup, prefix: str, filters: Filters, allowed) -> tuple[slice, np.ndarray]:
    """(the rows of the range in a hour table, a mask of those the dimension filters keep)."""
    lo, hi = title_events.first_day(rollup, filters), title_events.last_day(rollup, filters)
    rows = selection.day_rows(getattr(rollup, f"{prefix}_day"), lo, hi)
    combo = getattr(rollup, f"{prefix}_combo")[rows]
    keep = np.ones(combo.size, bool) if allowed is None else allowed[combo]
    return rows, keep


def _cell_of(rollup: Rollup, prefix: str, rows: slice, keep: np.ndarray) -> np.ndarray:
    day = getattr(rollup, f"{prefix}_day")[rows][keep]
    return weekday_of(day) * HOURS + getattr(rollup, f"{prefix}_hour")[rows][keep]


def _distinct_per_cell(cell: np.ndarray, user: np.ndarray, n_users: int) -> np.ndarray:
    """Distinct users per cell: a bitmap of cells x users when it is small (no sort), else
    the distinct (cell, user) pairs."""
    if CELLS * n_users <= _BITMAP_CELLS:
        seen = np.zeros(CELLS * n_users, dtype=bool)
        seen[cell * n_users + user] = True
        return seen.reshape(CELLS, n_users).sum(axis=1)
    pairs = np.unique(cell * n_users + user)
    return np.bincount(pairs // n_users, minlength=CELLS)


def when(rollup: Rollup, metric: str, filters: Filters) -> list[dict]:
    """[{"weekday", "hour", "value"}] for every weekday (Monday 0) and hour, in that order."""
    if metric not in WHEN_METRICS:
        raise InvalidParameter(f"metric must be one of {', '.join(WHEN_METRICS)}, got {metric!r}")
    allowed = selection.allowed_combos(rollup, filters)
    if metric == "unique_users":
        rows, keep = _cells(rollup, "houruser", filters, allowed)
        cell = _cell_of(rollup, "houruser", rows, keep)
        user = rollup.houruser_user[rows][keep].astype(np.int64)
        values = _distinct_per_cell(cell, user, rollup.n_users).tolist()
    else:
        rows, keep = _cells(rollup, "hour", filters, allowed)
        cell = _cell_of(rollup, "hour", rows, keep)
        measure = rollup.hour_views if metric == "views" else rollup.hour_minutes
        sums = np.bincount(cell, weights=measure[rows][keep], minlength=CELLS)
        values = selection.plain(rollup, "views" if metric == "views" else "minutes", sums)
    return [{"weekday": c // HOURS, "hour": c % HOURS, "value": values[c]} for c in range(CELLS)]
