"""The rollup of a set of pieces: their groups within the date bounds, put together exactly.

Pieces cover disjoint days, so their groups never overlap: the rollup of all of them is the
rollup of their groups side by side (model.rollup_of_groups, the same reduction a database's
GROUP BY results go through). Only what the kept groups use of the store's append-only
vocabulary is named, in an order of names (not of arrival), so that a rollup merged after many
appends is the one a full build of the same rows makes, whatever was deleted on the way.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from data.events.catalog import DIMENSIONS
from data.events.periods import RESOLUTIONS, day_number, period_of
from data.events.rollup import sequences
from data.events.rollup.assemble import assemble, weekly_item_minutes
from data.events.rollup.encoding import Vocabulary
from data.events.rollup.model import Rollup, empty_rollup
from data.events.rollup.piece_counts import counts_table, counts_tables
from data.events.rollup.pieces import Piece
from data.events.rollup.user_merge import merged_counts, united_triples
from data.events.rollup.user_tables import distinct_triples

_GROUPS = ("cell", "title", "user", "fact", "view", "hour", "houruser", "seq")
_PERIOD_TABLES = {"weekly": "week", "monthly": "month"}


def _kept(pieces: list[Piece], lo: int, hi: int) -> tuple[dict[str, np.ndarray], int, dict]:
    """Every group of the pieces dated lo..hi, concatenated (pieces in day order), the events
    of the groups outside, and per resolution the pieces' user triples (a piece cut by the
    bounds has its weekly and monthly ones made anew from its kept days)."""
    out: dict[str, list[np.ndarray]] = {}
    left_out = 0
    triples: dict[str, list] = {resolution: [] for resolution in RESOLUTIONS}
    stored: list[dict | None] = []  # per kept piece, its arrays when its counts can be reused
    for piece in sorted(pieces, key=lambda p: p.first_day):
        if piece.last_day < lo or piece.first_day > hi:
            left_out += piece.rows
            continue
        arrays = piece.arrays()
        inside_all = lo <= piece.first_day and piece.last_day <= hi
        keep = None if inside_all else (piece.user_day >= lo) & (piece.user_day <= hi)
        daily = tuple(
            a if keep is None else a[keep]
            for a in (piece.user_day, piece.user_user, piece.user_combo)
        )
        triples["daily"].append(daily)
        stored.append(arrays if inside_all else None)
        for resolution, name in _PERIOD_TABLES.items():
            if inside_all:
                table = tuple(arrays[f"{name}_{part}"] for part in ("period", "user", "combo"))
            else:
                table = _coarser(daily, resolution)
            triples[resolution].append(table)
        kept = {}
        for group in _GROUPS:
            day = sequences.day_of(arrays) if group == "seq" else arrays[f"{group}_day"]
            keep = None if inside_all else (day >= lo) & (day <= hi)
            if group == "cell" and keep is not None:
                left_out += int(arrays["cell_views"][~keep].sum())
            for name, values in arrays.items():
                if name.startswith(f"{group}_"):
                    kept[name] = values if keep is None else values[keep]
        if inside_all:
            kept.update({n: v for n, v in arrays.items() if n.startswith("weekitem_")})
        else:
            kept.update(
                weekly_item_minutes(
                    kept["title_day"],
                    kept["title_item"],
                    kept["title_combo"],
                    kept["title_minutes"],
                )
            )
        kept["view_piece"] = np.full(kept["view_day"].size, len(triples["daily"]), np.int32)
        for name, values in kept.items():
            out.setdefault(name, []).append(values)
    joined = {name: np.concatenate(parts) for name, parts in out.items()}
    return joined, left_out, triples, stored


def _coarser(daily: tuple, resolution: str) -> tuple:
    """A piece's (period, user, combination) of one resolution from its daily ones."""
    day, user, combo = (np.asarray(a, dtype=np.int64) for a in daily)
    n_users = int(user.max(initial=0)) + 1
    n_combos = int(combo.max(initial=0)) + 1
    _, period, user, combo = distinct_triples(
        period_of(day, resolution), user, combo, n_users, n_combos
    )
    return period, user, combo


def _compact_vocabulary(groups: dict, vocabulary: Vocabulary, numbered) -> Vocabulary:
    """(a vocabulary of what the groups use, the map of old combination codes to its own), with
    the groups' codes rewritten to it (in place): dimension values in name order, combinations
    and users in the order of their codes."""
    used = Vocabulary()
    used.users = vocabulary.users
    used.numbered = numbered
    # Dimension values and their combinations, ordered by name.
    combo_codes = np.unique(groups["cell_combo"])
    by_code = {code: parts for parts, code in vocabulary.combos.items()}
    parts = np.array([by_code[int(c)] for c in combo_codes], dtype=np.int64).reshape(
        -1, len(DIMENSIONS)
    )
    names = [{code: name for name, code in values.items()} for values in vocabulary.values]
    ranked = np.empty_like(parts)
    for d, column in enumerate(parts.T):
        kept = sorted({names[d][int(code)] for code in column})
        used.values[d] = {name: i for i, name in enumerate(kept)}
        ranked[:, d] = [used.values[d][names[d][int(code)]] for code in column]
    # Combinations keep the order of their codes, so that tables sorted by them stay sorted.
    combo_map = np.full(int(combo_codes.max(initial=-1)) + 1, -1, dtype=np.int64)
    combo_map[combo_codes] = np.arange(len(combo_codes))
    used.combos = {tuple(int(v) for v in ranked[i]): i for i in range(len(ranked))}
    for name in (
        "cell_combo",
        "title_combo",
        "view_combo",
        "weekitem_combo",
        "hour_combo",
        "seq_combo",
    ):
        groups[name] = combo_map[groups[name]]
    groups["houruser_combo"] = combo_map[groups["houruser_combo"]]
    # Items: the ones the groups name (title codes are ranked by name when the rollup is made).
    items = np.unique(
        np.concatenate([groups["title_item"], groups["view_item"], groups["fact_item"]])
    )
    items = items[items >= 0]
    keys = {code: key for key, code in vocabulary.titles.items()}
    used.titles = {keys[int(code)]: n for n, code in enumerate(items.tolist())}
    item_map = np.full(int(items.max(initial=-1)) + 2, -1, dtype=np.int32)  # [-1] stays -1
    item_map[items] = np.arange(len(items), dtype=np.int32)
    for name in ("title_item", "view_item", "fact_item", "weekitem_item", "seq_title"):
        groups[name] = item_map[groups[name]]
    return used, combo_map


def _numbered(groups: dict, vocabulary: Vocabulary) -> dict[str, set[tuple]]:
    """Vocabulary.numbered of the kept rows only: contentid -> the numbered episodes its rows
    name (a deleted or left-out row names nothing)."""
    paired = groups["fact_contentid"] >= 0
    n_items = max(len(vocabulary.titles), 1)
    packed = np.unique(
        groups["fact_contentid"][paired].astype(np.int64) * n_items + groups["fact_item"][paired]
    )
    pairs = np.stack([packed // n_items, packed % n_items], axis=1)
    contentids = {code: text for text, code in vocabulary.contentids.items()}
    keys = {code: key for key, code in vocabulary.titles.items()}
    numbered: dict[str, set[tuple]] = {}
    for contentid, item in pairs.tolist():
        numbered.setdefault(contentids[contentid], set()).add(keys[item][1])
    return numbered


def merge_pieces(
    pieces: list[Piece], vocabulary: Vocabulary, days: tuple[dt.date, dt.date]
) -> Rollup:
    """The rollup of the pieces' events dated within days (inclusive), with the left out."""
    lo, hi = day_number(days[0]), day_number(days[1])
    groups, left_out, triples, stored = _kept(pieces, lo, hi)
    bounds = tuple(day.isoformat() for day in days)
    if groups.get("cell_day", np.empty(0)).size == 0:
        return _with(empty_rollup(), left_out, bounds)
    used, combo_map = _compact_vocabulary(groups, vocabulary, _numbered(groups, vocabulary))
    n_users, n_combos = max(len(used.users), 1), max(len(used.combos), 1)
    user_triples, user_counts = {}, {}
    for resolution, parts in triples.items():
        parts = [(p, u, combo_map[c]) for p, u, c in parts]
        united, shared = united_triples(parts, n_users, n_combos)
        tables = [
            counts_table(arrays, resolution, combo_map)
            if arrays is not None
            else counts_tables({resolution: (0, *part)}, n_combos)[resolution]
            for arrays, part in zip(stored, parts, strict=True)
        ]
        user_triples[resolution] = united
        user_counts[resolution] = merged_counts(tables, united, shared, n_combos)
    rollup = assemble(groups, used, user_triples, user_counts, groups["view_piece"])
    return _with(rollup, left_out, bounds)


def _with(rollup: Rollup, left_out: int, bounds: tuple[str, str]) -> Rollup:
    from dataclasses import replace

    return replace(rollup, left_out=left_out, bounds=bounds)
