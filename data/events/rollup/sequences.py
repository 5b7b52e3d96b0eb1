"""Each known user's titled events in time order: the table "what they watched next" reads.

The rows are the distinct (user, time, title, combination, viewpercentage bin) of the titled
events of known users, sorted by user, then time, then title, combination and bin: a user's
events are one run, in the order they happened. A piece keeps its own in vocabulary codes; pieces
cover disjoint days, so a merge puts them side by side in day order, renames their codes and
sorts by user only (a stable sort keeps each user's rows in time order), then orders what ties on
(user, time) by the new codes: the same table a build from all the rows makes.
"""

from __future__ import annotations

import numpy as np

from data.events.rollup.event_time import DAY_SECONDS
from data.events.rollup.user_tables import combo_type

FIELDS = ("user", "time", "title", "combo", "bin")


def _typed(table: dict, n_combos: int | None) -> dict[str, np.ndarray]:
    """The seq_* arrays; combinations as small as they fit (int32 in a piece: n_combos None)."""
    combo = np.int32 if n_combos is None else combo_type(n_combos)
    kinds = {"user": np.int32, "time": np.int64, "title": np.int32, "combo": combo, "bin": np.int8}
    return {f"seq_{name}": np.asarray(table[name]).astype(kinds[name]) for name in FIELDS}


def sequence_table(user, time, title, combo, percent_bin, n_combos: int | None = None) -> dict:
    """The seq_* arrays of rows (titles -1 and users -1 left out), distinct and sorted."""
    keep = (np.asarray(user) >= 0) & (np.asarray(title) >= 0)
    columns = [np.asarray(c)[keep] for c in (user, time, title, combo, percent_bin)]
    order = np.lexsort(columns[::-1])
    columns = [c[order] for c in columns]
    new = np.ones(columns[0].size, dtype=bool)
    if new.size:
        new[1:] = np.any([c[1:] != c[:-1] for c in columns], axis=0)
    return _typed({name: c[new] for name, c in zip(FIELDS, columns, strict=True)}, n_combos)


def day_of(piece_arrays: dict) -> np.ndarray:
    """The day of each of a piece's seq_* rows (a merge keeps those within its bounds)."""
    return piece_arrays["seq_time"] // DAY_SECONDS


def merged(g: dict, rank: np.ndarray, n_combos: int) -> dict[str, np.ndarray]:
    """The Rollup's seq_* arrays from the pieces' (in day order, combinations already renamed
    by the merge), item codes ranked to title codes."""
    title = rank[g["seq_title"]]
    titled = title >= 0  # an item of no title ('' on SQLite) has no title code
    table = {name: g[f"seq_{name}"][titled] for name in FIELDS} | {"title": title[titled]}
    order = np.argsort(table["user"], kind="stable")
    table = {name: values[order] for name, values in table.items()}
    user, time = table["user"], table["time"]
    tie = (user[1:] == user[:-1]) & (time[1:] == time[:-1]) if user.size else user[:0] == 0
    if tie.any():
        # Rows of one (user, time) came in old codes' order: put them in the new codes' order.
        rows = np.flatnonzero(np.r_[tie, False] | np.r_[False, tie])
        part = [table[name][rows] for name in FIELDS]
        within = rows[np.lexsort(part[::-1])]
        table = {name: values.copy() for name, values in table.items()}
        for name in FIELDS:
            table[name][rows] = table[name][within]
    return _typed(table, n_combos)


def by_user(arrays: dict) -> dict[str, np.ndarray]:
    """The seq_* arrays of pieces of one vocabulary put side by side in day order, sorted by
    user again (a stable sort: each user's rows stay in time order)."""
    order = np.argsort(arrays["seq_user"], kind="stable")
    return {f"seq_{name}": arrays[f"seq_{name}"][order] for name in FIELDS}
