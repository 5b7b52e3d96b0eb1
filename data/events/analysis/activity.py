"""Which users were active in which periods, from the rollup's user rows: a bitmap or pairs.

The cohort analyses (data/events/analysis/cohorts.py) read days lo..hi as per-period lists of users
(`period_users`, exact on a period cut by lo or hi), numbered as slots from a first period.
Up to _MATRIX_CELLS (slot, user) cells they become a bitmap, marked one period at a time and
read row by row: linear, with no sort of the millions of rows a big rollup holds. Beyond it
(decades of days) the distinct (user, slot) pairs are sorted out with np.unique instead.
"""

from __future__ import annotations

import numpy as np

from data.events.analysis.selection import covering_rows
from data.events.periods import period_end, period_of, period_start
from data.events.rollup.model import Rollup
from data.events.rollup.user_tables import UserRows

_MATRIX_CELLS = 1 << 28  # up to this many (slot, user) cells, activity is a bitmap


def _rows(table: UserRows, p_a: int, p_b: int, allowed) -> np.ndarray:
    """The users of a table's rows of periods p_a..p_b whose combination is allowed."""
    rows = table.rows(p_a, p_b)
    if allowed is None:
        return table.user[rows]
    return table.user[rows][allowed[table.combo[rows]]]


def period_users(rollup: Rollup, resolution: str, lo: int, hi: int, allowed) -> list[tuple]:
    """[(period, users)] with a matching event on days lo..hi (a user may repeat within a
    period): whole periods from the resolution's rows, a period cut by lo or hi from its days.
    allowed: a bool per combination, or None for all."""
    lo, hi = max(lo, rollup.first_day), min(hi, rollup.last_day)
    if rollup.rows == 0 or lo > hi:
        return []
    daily = rollup.user_rows["daily"]
    if resolution == "daily":
        return [(day, _rows(daily, day, day, allowed)) for day in range(lo, hi + 1)]
    p_lo, p_hi = int(period_of(lo, resolution)), int(period_of(hi, resolution))
    # A period is cut only when the cut leaves out days that have data.
    first_cut = lo > max(period_start(p_lo, resolution), rollup.first_day)
    last_cut = hi < min(period_end(p_hi, resolution), rollup.last_day)
    table = rollup.user_rows[resolution]
    parts = [(p, _rows(table, p, p, allowed)) for p in range(p_lo + first_cut, p_hi - last_cut + 1)]
    if first_cut:
        parts.insert(0, (p_lo, _rows(daily, lo, min(hi, period_end(p_lo, resolution)), allowed)))
    if last_cut and not (first_cut and p_lo == p_hi):
        parts.append((p_hi, _rows(daily, max(lo, period_start(p_hi, resolution)), hi, allowed)))
    return parts


def users_between(rollup: Rollup, lo: int, hi: int, allowed) -> list[np.ndarray]:
    """Users with a matching event on days lo..hi, in parts (repeats included)."""
    lo, hi = max(lo, rollup.first_day), min(hi, rollup.last_day)
    if rollup.rows == 0 or lo > hi:
        return []
    out = []
    for table, rows in covering_rows(rollup, lo, hi):
        users = table.user[rows]
        out.append(users if allowed is None else users[allowed[table.combo[rows]]])
    return out


def fits_matrix(n_slots: int, n_users: int) -> bool:
    """Whether activity over n_slots periods is kept as a bitmap."""
    return n_slots * n_users <= _MATRIX_CELLS


def active_matrix(parts, p0: int, n_slots: int, n_users: int) -> tuple[np.ndarray, np.ndarray]:
    """(active, first): active[period - p0, user] as (slots, users) bools, and per user the
    first slot they were active in (n_slots if never)."""
    active = np.zeros((n_slots, n_users), dtype=bool)
    first = np.full(n_users, n_slots, dtype=np.int64)
    # Latest period first, so that each user's earliest slot is the one written last (an
    # argmax over the bitmap would read every cell again).
    for period, users in sorted(parts, key=lambda part: part[0], reverse=True):
        active[period - p0, users] = True
        first[users] = period - p0
    return active, first


def row_counts(active: np.ndarray) -> np.ndarray:
    """The True cells of each row (count_nonzero with an axis would widen every cell)."""
    return np.array([np.count_nonzero(row) for row in active], dtype=np.int64)


def active_pairs(parts, p0: int, n_slots: int) -> tuple[np.ndarray, np.ndarray]:
    """(user, slot) of the distinct active pairs, sorted by user then slot."""
    keys = [users.astype(np.int64) * n_slots + (period - p0) for period, users in parts]
    pairs = np.unique(np.concatenate(keys)) if keys else np.empty(0, dtype=np.int64)
    return pairs // n_slots, pairs % n_slots


def user_starts(user: np.ndarray) -> np.ndarray:
    """For pairs sorted by user: True where a user's pairs begin."""
    starts = np.ones(user.size, dtype=bool)
    starts[1:] = user[1:] != user[:-1]
    return starts
