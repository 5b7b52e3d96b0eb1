"""Prime time: a metric per (weekday, hour) over the filtered range, every one of the 168 cells.

An event counts in its local hour (REPORT_TIMEZONE; data/events/rollup/event_dates.py,
event_days_hours); events whose date has no readable time are left out of this matrix only.
unique_users counts a user once per cell, however many weeks they were
active in it. Read off the rollup's (day, hour, combination) groups and its distinct (day,
hour, user, combination) rows (data/events/rollup/hours.py), never events.
"""

from __future__ import annotations

import numpy as np

from data.events.analysis import compiled, selection, title_events
from data.events.params import Filters, InvalidParameter
from data.events.rollup.hours import HOURS
from data.events.rollup.model import Rollup

WHEN_METRICS = ("views", "unique_users", "minutes_watched")
DEFAULT_WHEN_METRIC = "views"
WEEKDAYS = 7
CELLS = WEEKDAYS * HOURS
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


def _example():
    """Arguments of _distinct_per_cell's types, for compiled.warm()."""
    i32 = np.zeros(1, np.int32)
    rows = compiled.readonly(i32, np.zeros(1, np.int8), i32, i32)  # the rollup's
    return *rows, np.ones(1, bool), 1


@compiled.kernel(_example)
def _distinct_per_cell(day, hour, user, combo, allowed, n_users):
    """Distinct users per cell (weekday x 24 + hour) of the (day, hour, user, combination) rows
    whose combination is allowed (a mask over every combination): one bit per (cell, user), so
    one pass over the rows counts them. A cell's bits are one block: rows come by day and hour,
    then user, so a run of rows walks one block in order (cache lines reused, not a jump per
    row)."""
    counts = np.zeros(CELLS, np.int64)
    seen = np.zeros((CELLS, (n_users >> 6) + 1), np.uint64)
    for i in range(day.size):
        cell = ((day[i] + _THURSDAY) % WEEKDAYS) * HOURS + hour[i]
        u = user[i]
        # Without a branch on the filter (which rows pass is unpredictable): a row left out
        # sets no bit and counts nothing.
        kept = np.uint64(allowed[combo[i]])
        bit = kept << np.uint64(u & 63)
        before = seen[cell, u >> 6]
        seen[cell, u >> 6] = before | bit
        counts[cell] += (bit & ~before) != 0
    return counts


def when(rollup: Rollup, metric: str, filters: Filters) -> list[dict]:
    """[{"weekday", "hour", "value"}] for every weekday (Monday 0) and hour, in that order."""
    if metric not in WHEN_METRICS:
        raise InvalidParameter(f"metric must be one of {', '.join(WHEN_METRICS)}, got {metric!r}")
    allowed = selection.allowed_combos(rollup, filters)
    if metric == "unique_users":
        lo, hi = title_events.first_day(rollup, filters), title_events.last_day(rollup, filters)
        rows = selection.day_rows(rollup.houruser_day, lo, hi)
        values = _distinct_per_cell(
            rollup.houruser_day[rows],
            rollup.houruser_hour[rows],
            rollup.houruser_user[rows],
            rollup.houruser_combo[rows],
            np.ones(rollup.n_combos, bool) if allowed is None else allowed,
            rollup.n_users,
        ).tolist()
    else:
        rows, keep = _cells(rollup, "hour", filters, allowed)
        cell = _cell_of(rollup, "hour", rows, keep)
        measure = rollup.hour_views if metric == "views" else rollup.hour_minutes
        sums = np.bincount(cell, weights=measure[rows][keep], minlength=CELLS)
        values = selection.plain(rollup, "views" if metric == "views" else "minutes", sums)
    return [{"weekday": c // HOURS, "hour": c % HOURS, "value": values[c]} for c in range(CELLS)]
