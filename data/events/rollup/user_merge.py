"""Distinct users of many pieces: their triples and per-period counts joined, not recomputed.

Pieces cover disjoint days in day order, so a week or a month is shared by at most a run of
neighbouring pieces, at their edges. Every other period's distinct (user, combination) triples
and its UserCounts cells (data/events/rollup/user_tables.py) are those of the one piece that has
it: they are put side by side, each piece's sets of combinations renamed to shared ids. Only the
shared periods are made distinct, and counted, anew.
"""

from __future__ import annotations

import numpy as np

from data.events.rollup.user_tables import UserCounts, distinct_triples, user_counts


def _shared(periods: list[np.ndarray]) -> np.ndarray:
    """The periods that more than one of the (sorted) period arrays holds."""
    ends = [np.unique(np.r_[p[:1], p[-1:]]) for p in periods if p.size]
    if not ends:
        return np.empty(0, dtype=np.int64)
    seen, count = np.unique(np.concatenate(ends), return_counts=True)
    return seen[count > 1]  # only a piece's first or last period can be another's too


def _split(period: np.ndarray, shared: np.ndarray) -> tuple[slice, slice, slice]:
    """A piece's sorted rows as (its first period's rows when shared, its own rows, its last
    period's rows when shared and not the first)."""
    n = period.size
    if n == 0:
        return slice(0, 0), slice(0, 0), slice(0, 0)
    head = int(np.searchsorted(period, period[0], side="right")) if period[0] in shared else 0
    tail = n
    if period[-1] in shared and period[-1] != period[0]:
        tail = int(np.searchsorted(period, period[-1], side="left"))
    return slice(0, head), slice(head, tail), slice(tail, n)


def united_triples(parts: list[tuple], n_users: int, n_combos: int):
    """distinct_triples' result for the pieces' (period, user, combination) triples (each
    sorted and distinct; pieces in day order), and the periods they share."""
    parts = [tuple(np.asarray(a, dtype=np.int64) for a in p) for p in parts]
    shared = _shared([p[0] for p in parts])
    if not parts or sum(p[0].size for p in parts) == 0:
        empty = np.empty(0, dtype=np.int64)
        return (0, empty, empty, empty), shared
    own, edges = [], []
    for part in parts:
        head, middle, tail = _split(part[0], shared)
        edges.append(tuple(a[head] for a in part))
        own.append((middle, part))
        edges.append(tuple(a[tail] for a in part))
    edge = tuple(np.concatenate([e[i] for e in edges]) for i in range(3))
    _, e_period, e_user, e_combo = distinct_triples(*edge, n_users, n_combos)
    # Side by side in period order: each piece's own rows, the shared periods between them.
    pieces_out = [(part[0][middle], part[1][middle], part[2][middle]) for middle, part in own]
    order = [(int(p[0][0]), p) for p in pieces_out if p[0].size]
    order += [
        (int(e_period[i]), tuple(a[i:j] for a in (e_period, e_user, e_combo)))
        for i, j in _runs(e_period)
    ]
    order.sort(key=lambda item: item[0])
    out = tuple(np.concatenate([p[i] for _, p in order]) for i in range(3))
    return (int(out[0][0]), *out), shared


def _runs(period: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of each period's rows in a sorted array."""
    if period.size == 0:
        return []
    starts = np.flatnonzero(np.r_[True, period[1:] != period[:-1]])
    return list(zip(starts.tolist(), np.r_[starts[1:], period.size].tolist(), strict=True))


def merged_counts(parts: list[UserCounts], united, shared: np.ndarray, n_combos: int):
    """The UserCounts of the united triples: each piece's cells of its own periods, its sets
    renamed to shared ids, and the shared periods counted from the united triples."""
    first, period, user, combo = united
    mask = np.isin(period, shared) if shared.size else np.zeros(period.size, dtype=bool)
    fresh = user_counts((first, period[mask], user[mask], combo[mask]), n_combos)
    tables = [*parts, fresh]
    # Every set of every table as a row of its combinations, padded with -1: equal rows are
    # one set (sets are sorted lists of combinations).
    width = max([int(np.diff(t.set_offsets).max(initial=0)) for t in tables] + [1])
    rows = []
    for t in tables:
        sizes = np.diff(t.set_offsets)
        padded = np.full((sizes.size, width), -1, dtype=np.int64)
        within = np.arange(t.set_combos.size) - np.repeat(t.set_offsets[:-1], sizes)
        padded[np.repeat(np.arange(sizes.size), sizes), within] = t.set_combos
        rows.append(padded)
    distinct, ids = np.unique(np.concatenate(rows), axis=0, return_inverse=True)
    ids = ids.reshape(-1)
    cell_period, cell_set, cell_users = [], [], []
    at = 0
    for i, t in enumerate(tables):
        n_sets = len(t.set_offsets) - 1
        renamed = ids[at : at + n_sets]
        at += n_sets
        keep = slice(None) if i == len(tables) - 1 else ~np.isin(t.cell_period, shared)
        cell_period.append(t.cell_period[keep].astype(np.int64))
        cell_set.append(renamed[t.cell_set[keep]])
        cell_users.append(t.cell_users[keep])
    c_period, c_set, c_users = (np.concatenate(c) for c in (cell_period, cell_set, cell_users))
    order = np.lexsort((c_set, c_period))
    c_period, c_set, c_users = c_period[order], c_set[order], c_users[order]
    n_periods = int(period[-1]) - first + 1 if period.size else 0
    sizes = (distinct >= 0).sum(axis=1)
    set_offsets = np.zeros(len(distinct) + 1, dtype=np.int64)
    np.cumsum(sizes, out=set_offsets[1:])
    return UserCounts(
        first_period=first,
        counts=np.bincount(c_period - first, weights=c_users, minlength=n_periods).astype(np.int64),
        set_offsets=set_offsets,
        set_combos=distinct[distinct >= 0].astype(np.int32),
        cell_period=c_period.astype(np.int32),
        cell_set=c_set.astype(np.int32),
        cell_users=c_users.astype(np.int64),
    )
