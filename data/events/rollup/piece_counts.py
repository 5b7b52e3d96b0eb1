"""A piece's distinct users per day, week and month as UserCounts (user_tables.py): the
*count_* arrays a piece keeps, and the tables a merge reads back from them."""

from __future__ import annotations

import numpy as np

from data.events.rollup.user_tables import UserCounts, user_counts

COUNT_PREFIX = {"daily": "dcount", "weekly": "wcount", "monthly": "mcount"}
_COUNT_FIELDS = ("cell_period", "cell_set", "cell_users", "set_offsets", "set_combos")


def counts_tables(triples: dict, n_combos: int) -> dict[str, UserCounts]:
    """The UserCounts of a piece's triples of each resolution given."""
    out = {}
    for resolution, (_, period, user, combo) in triples.items():
        period = np.asarray(period, dtype=np.int64)
        first = int(period[0]) if period.size else 0
        out[resolution] = user_counts(
            (first, period, np.asarray(user, np.int64), np.asarray(combo, np.int64)), n_combos
        )
    return out


def counts_of(triples: dict, n_combos: int) -> dict[str, np.ndarray]:
    """The *count_* arrays of a piece's triples of each resolution."""
    out = {}
    for resolution, table in counts_tables(triples, n_combos).items():
        for name in _COUNT_FIELDS:
            out[f"{COUNT_PREFIX[resolution]}_{name}"] = getattr(table, name)
    return out


def counts_table(piece_arrays: dict, resolution: str, combo_map: np.ndarray) -> UserCounts:
    """A piece's UserCounts of a resolution, its combinations renamed by combo_map."""
    prefix = COUNT_PREFIX[resolution]
    parts = {name: piece_arrays[f"{prefix}_{name}"] for name in _COUNT_FIELDS}
    parts["set_combos"] = combo_map[parts["set_combos"]].astype(np.int32)
    return UserCounts(first_period=0, counts=np.empty(0, np.int64), **parts)
