"""Distinct users, exactly and fast: the rollup's user tables, how they are built and counted.

Two shapes of the same distinct (period, user, combination) triples:
- `UserRows` keeps every triple, sorted, so that a union over many periods can be taken (a
  range's distinct users, a breakdown's ranking);
- `UserCounts` answers "distinct users per period" for any filter or breakdown without touching
  a single user: each user's *set* of combinations in a period is named (most users share a
  few sets), and only (period, set) -> users is kept. A filter or breakdown then asks, per set,
  which groups its combinations fall in; a user counts once in each of them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from data.events.periods import RESOLUTIONS, period_of

_BITMAP_CELLS = 1 << 27  # a union uses a bitmap of groups x users up to this size


@dataclass(frozen=True)
class UserRows:
    """Distinct (period, user, combination) triples sorted in that order; the rows of period
    first_period + i are offsets[i]:offsets[i + 1]."""

    first_period: int
    offsets: np.ndarray  # int64, one more than there are periods
    user: np.ndarray  # int32
    combo: np.ndarray  # uint16 (int32 when there are more combinations)

    def rows(self, p_a: int, p_b: int) -> slice:
        """The rows of periods p_a..p_b (clipped to the table)."""
        last = len(self.offsets) - 1
        a = min(max(p_a - self.first_period, 0), last)
        b = min(max(p_b + 1 - self.first_period, 0), last)
        return slice(int(self.offsets[a]), int(self.offsets[b]))


@dataclass(frozen=True)
class UserCounts:
    """Distinct users per period of one resolution, by the set of combinations they had."""

    first_period: int
    counts: np.ndarray  # int64 per period: distinct users over all combinations
    set_offsets: np.ndarray  # int64, sets + 1: set i's combinations are set_combos[a:b]
    set_combos: np.ndarray  # int32, ascending within a set
    cell_period: np.ndarray  # int32, sorted: (period, set) cells
    cell_set: np.ndarray  # int32
    cell_users: np.ndarray  # int64: users whose combinations in the period are that set

    @property
    def last_period(self) -> int:
        return self.first_period + len(self.counts) - 1


def distinct_triples(period, user, combo, n_users: int, n_combos: int):
    """(first period, period, user, combination) of the distinct triples, sorted."""
    if period.size == 0:
        empty = np.empty(0, dtype=np.int64)
        return 0, empty, empty, empty
    first = int(period.min())
    n_periods = int(period.max()) - first + 1
    if n_periods * n_users * n_combos >= 2**62:
        raise OverflowError("too many periods x users x combinations for one rollup")
    key = ((np.asarray(period, np.int64) - first) * n_users + user) * n_combos + combo
    key = np.unique(key)
    combo_out, rest = key % n_combos, key // n_combos
    del key
    user_out, local = rest % n_users, rest // n_users
    return first, local + first, user_out, combo_out


def combo_type(n_combos: int):
    """The smallest integer type that holds n_combos combination codes."""
    return np.uint16 if n_combos <= np.iinfo(np.uint16).max else np.int32


def _offsets(period: np.ndarray, first: int, n_periods: int) -> np.ndarray:
    offsets = np.zeros(n_periods + 1, dtype=np.int64)
    np.cumsum(np.bincount(period - first, minlength=n_periods), out=offsets[1:])
    return offsets


def user_rows(triples, n_combos: int) -> UserRows:
    """The UserRows of distinct_triples' result."""
    first, period, user, combo = triples
    n_periods = int(period[-1]) - first + 1 if period.size else 0
    return UserRows(
        first,
        _offsets(period, first, n_periods),
        user.astype(np.int32),
        combo.astype(combo_type(n_combos)),
    )


def _set_ids(combo: np.ndarray, starts: np.ndarray, n_combos: int) -> np.ndarray:
    """For each (period, user) group of sorted rows, an exact id of its sequence of
    combinations: level by level, (id of the first k, combination k+1) pairs are numbered."""
    first_row = np.flatnonzero(starts)
    if first_row.size == 0:
        return np.empty(0, dtype=np.int64)
    size = np.diff(np.r_[first_row, combo.size])
    ids = combo[first_row].astype(np.int64)
    for k in range(1, int(size.max())):
        longer = np.flatnonzero(size > k)
        key = ids[longer] * n_combos + combo[first_row[longer] + k]
        ids[longer] = np.unique(key, return_inverse=True)[1].reshape(-1)
    # Ids of different levels may coincide: the length tells them apart.
    return np.unique(size * (int(ids.max()) + 1) + ids, return_inverse=True)[1].reshape(-1)


def user_counts(triples, n_combos: int) -> UserCounts:
    """The UserCounts of distinct_triples' result."""
    first, period, user, combo = triples
    n_periods = int(period[-1]) - first + 1 if period.size else 0
    # A row starts a (period, user) group when either differs from the row before.
    starts = np.ones(period.size, dtype=bool)
    starts[1:] = (user[1:] != user[:-1]) | (period[1:] != period[:-1])
    group_period = period[starts]
    counts = np.bincount(group_period - first, minlength=n_periods).astype(np.int64)
    set_of_group = _set_ids(combo, starts, n_combos)
    n_sets = int(set_of_group.max()) + 1 if set_of_group.size else 0
    # Each set's combinations, read off one group that has it.
    first_row = np.flatnonzero(starts)
    size = np.diff(np.r_[first_row, combo.size])
    _, example = np.unique(set_of_group, return_index=True)
    set_sizes = size[example]
    set_offsets = np.zeros(n_sets + 1, dtype=np.int64)
    np.cumsum(set_sizes, out=set_offsets[1:])
    within = np.arange(int(set_offsets[-1])) - np.repeat(set_offsets[:-1], set_sizes)
    set_combos = combo[np.repeat(first_row[example], set_sizes) + within]
    cells, cell_users = np.unique(
        (group_period - first) * max(n_sets, 1) + set_of_group, return_counts=True
    )
    return UserCounts(
        first_period=first,
        counts=counts,
        set_offsets=set_offsets,
        set_combos=set_combos.astype(np.int32),
        cell_period=(cells // max(n_sets, 1) + first).astype(np.int32),
        cell_set=(cells % max(n_sets, 1)).astype(np.int32),
        cell_users=cell_users.astype(np.int64),
    )


def count_per_period(table: UserCounts, p_a: int, p_b: int, group, n_groups: int) -> np.ndarray:
    """(groups, periods p_a..p_b) distinct users. group maps each combination to its group
    (-1: filtered out); None means one group of everything."""
    n_periods = p_b - p_a + 1
    out = np.zeros((n_groups, n_periods), dtype=np.int64)
    a, b = max(p_a, table.first_period), min(p_b, table.last_period)
    if a > b:
        return out
    if group is None:
        out[0, a - p_a : b - p_a + 1] = table.counts[
            a - table.first_period : b - table.first_period + 1
        ]
        return out
    # Which groups each set reaches: distinct (set, group) pairs over the sets' combinations.
    n_sets = len(table.set_offsets) - 1
    member_set = np.repeat(np.arange(n_sets, dtype=np.int64), np.diff(table.set_offsets))
    member_group = group[table.set_combos]
    reach = member_group >= 0
    # A bitmap over (set, group) gives the distinct pairs, sorted, in linear time.
    hit = np.zeros(n_sets * n_groups, dtype=bool)
    hit[member_set[reach] * n_groups + member_group[reach]] = True
    pairs = np.flatnonzero(hit)
    pair_set, pair_group = pairs // n_groups, pairs % n_groups
    reach_count = np.bincount(pair_set, minlength=n_sets)
    reach_start = np.zeros(n_sets + 1, dtype=np.int64)
    np.cumsum(reach_count, out=reach_start[1:])
    # Each (period, set) cell adds its users to every group its set reaches.
    i0, i1 = np.searchsorted(table.cell_period, [a, b + 1])
    cell_set = table.cell_set[i0:i1]
    fan = reach_count[cell_set]
    cell = np.repeat(np.arange(i1 - i0), fan)
    within = np.arange(cell.size) - np.repeat(np.cumsum(fan) - fan, fan)
    reached = pair_group[reach_start[cell_set[cell]] + within]
    slot = reached * n_periods + (table.cell_period[i0:i1][cell] - p_a)
    weights = table.cell_users[i0:i1][cell]
    out += (
        np.bincount(slot, weights=weights, minlength=n_groups * n_periods)
        .astype(np.int64)
        .reshape(n_groups, n_periods)
    )
    return out


def count_union(parts, group: np.ndarray, n_groups: int, n_users: int) -> np.ndarray:
    """Per group, the distinct users over the union of (UserRows, slice) parts; group maps each
    combination to its group (-1: filtered out)."""
    # Rows filtered out land in an extra slot n_groups, so no row has to be masked away.
    base = np.where(group >= 0, group, n_groups).astype(np.int64) * n_users
    size = (n_groups + 1) * n_users
    if size <= _BITMAP_CELLS:
        seen = np.zeros(size, dtype=bool)
        for table, rows in parts:
            seen[base[table.combo[rows]] + table.user[rows]] = True
        return np.count_nonzero(seen[: n_groups * n_users].reshape(n_groups, n_users), axis=1)
    keys = np.unique(np.concatenate([base[t.combo[r]] + t.user[r] for t, r in parts]))
    return np.bincount(keys // n_users, minlength=n_groups + 1)[:n_groups]


def user_tables_of_rows(users, n_users: int, n_combos: int) -> tuple[dict, dict]:
    """The user tables of (day, user, combination) rows (groups.UserDays): daily triples from
    the rows, the coarser ones from the daily triples (far fewer than events)."""
    known = users.user >= 0
    daily = distinct_triples(
        users.day[known], users.user[known], users.combo[known], n_users, n_combos
    )
    del known
    triples = {"daily": daily}
    _, day_of_row, user, combo = daily
    for resolution in RESOLUTIONS[1:]:
        time.sleep(0)  # a cooperative worker (gevent) serves others between the long steps
        triples[resolution] = distinct_triples(
            period_of(day_of_row, resolution), user, combo, n_users, n_combos
        )
    return user_tables_of(triples, n_users, n_combos)


def user_tables_of(
    triples: dict, n_users: int, n_combos: int, counts: dict | None = None
) -> tuple[dict, dict]:
    """(user_rows, user_counts) of the distinct triples of every resolution (the counts
    computed here unless given)."""
    rows, counts = {}, dict(counts or {})
    for resolution in RESOLUTIONS:
        time.sleep(0)
        if resolution not in counts:
            counts[resolution] = user_counts(triples[resolution], n_combos)
        rows[resolution] = user_rows(triples[resolution], n_combos)
    # Over all days: one period (0) holding every distinct (user, combination).
    _, _, month_users, month_combos = triples["monthly"]
    if n_users * n_combos <= _BITMAP_CELLS:
        seen = np.zeros(n_users * n_combos, dtype=bool)
        seen[month_users * n_combos + month_combos] = True
        pairs = np.flatnonzero(seen)
        everything = (0, np.zeros(pairs.size, np.int64), pairs // n_combos, pairs % n_combos)
    else:
        everything = distinct_triples(
            np.zeros(month_users.size, np.int64), month_users, month_combos, n_users, n_combos
        )
    rows["all"] = user_rows(everything, n_combos)
    return rows, counts
