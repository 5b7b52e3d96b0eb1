"""A piece: the events of one partition of days reduced to groups, in the shared codes.

A piece is what a partition (a month, or a day of the recent past) contributes to the rollup:
its events grouped by (day, combination), by (day, combination, item), by (day, user,
combination), by (day, item, runtime, season, episode), by (item, day, user, combination,
viewpercentage bin), and its known users' titled events in time order (sequences.py), coded
with the append-only vocabulary of the whole store (data/events/rollup/vocabulary_files.py).
Pieces of different days never share a group, so the rollup of any set of them is their groups
put together (data/events/rollup/merge.py): a change rebuilds the pieces of the days it
touched, never the past.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np
import pandas as pd

from data.events.periods import period_of
from data.events.rollup import sequences
from data.events.rollup.assemble import weekly_item_minutes
from data.events.rollup.encoding import RAW_KEYS, EncodedChunk, Vocabulary, encode_chunk
from data.events.rollup.hours import hour_groups, triple_minutes
from data.events.rollup.piece_counts import counts_of
from data.events.rollup.user_tables import distinct_triples


@dataclass(frozen=True)
class Piece:
    """The groups of the events of days first_day..last_day (see the module's docstring)."""

    first_day: int
    last_day: int
    cell_day: np.ndarray  # int32, with the additive measures of (day, combination)
    cell_combo: np.ndarray  # int32
    cell_views: np.ndarray  # int64
    cell_minutes: np.ndarray  # float64
    cell_completed: np.ndarray  # int64
    cell_rated: np.ndarray  # int64
    cell_whole: np.ndarray  # bool: every minute value of the group was a whole number
    title_day: np.ndarray  # int32, with the views and minutes of (day, combination, item)
    title_combo: np.ndarray  # int32
    title_item: np.ndarray  # int32 vocabulary item codes
    title_views: np.ndarray  # int64
    title_minutes: np.ndarray  # float64
    user_day: np.ndarray  # int32: the distinct (day, user, combination) of known users
    user_user: np.ndarray  # int32
    user_combo: np.ndarray  # int32
    user_minutes: np.ndarray  # float64, along them (data/events/rollup/hours.py)
    # The distinct (week, user, combination) and (month, ...) of its days, sorted: a merge
    # unites them where a week or a month spans pieces (data/events/rollup/merge.py).
    week_period: np.ndarray  # int32
    week_user: np.ndarray  # int32
    week_combo: np.ndarray  # int32
    month_period: np.ndarray  # int32
    month_user: np.ndarray  # int32
    month_combo: np.ndarray  # int32
    # Their UserCounts (user_tables.py) per day, week and month ('d', 'w', 'm'): a merge keeps
    # the cells of the periods no other piece shares (data/events/rollup/user_merge.py).
    dcount_cell_period: np.ndarray
    dcount_cell_set: np.ndarray
    dcount_cell_users: np.ndarray
    dcount_set_offsets: np.ndarray
    dcount_set_combos: np.ndarray
    wcount_cell_period: np.ndarray
    wcount_cell_set: np.ndarray
    wcount_cell_users: np.ndarray
    wcount_set_offsets: np.ndarray
    wcount_set_combos: np.ndarray
    mcount_cell_period: np.ndarray
    mcount_cell_set: np.ndarray
    mcount_cell_users: np.ndarray
    mcount_set_offsets: np.ndarray
    mcount_set_combos: np.ndarray
    # int32, with the events of (day, item, contentid of a numbered row, runtime, season, episode)
    fact_day: np.ndarray
    fact_item: np.ndarray  # int32 (-1: no title)
    fact_contentid: np.ndarray  # int32 Vocabulary.contentids code (-1: none, or not numbered)
    fact_runtime: np.ndarray  # float64, NaN when unknown
    fact_season: np.ndarray  # float64
    fact_episode: np.ndarray  # float64
    fact_count: np.ndarray  # int64
    # Minutes per (week, item, combination) of its days (the Top 10's weeks are summed from them)
    weekitem_week: np.ndarray  # int32
    weekitem_item: np.ndarray  # int32
    weekitem_combo: np.ndarray  # int32
    weekitem_minutes: np.ndarray  # float64
    # int32, with the events of (item, day, user, combination, bin), sorted by item then day
    view_item: np.ndarray
    view_day: np.ndarray  # int32
    view_user: np.ndarray  # int32 (-1: NULL)
    view_combo: np.ndarray  # int32
    view_bin: np.ndarray  # int8
    view_count: np.ndarray  # int64
    # Views and minutes per (day, hour, combination), distinct (day, hour, user, combination)
    hour_day: np.ndarray  # int32
    hour_hour: np.ndarray  # int8
    hour_combo: np.ndarray  # int32
    hour_views: np.ndarray  # int64
    hour_minutes: np.ndarray  # float64
    houruser_day: np.ndarray  # int32
    houruser_hour: np.ndarray  # int8
    houruser_user: np.ndarray  # int32
    houruser_combo: np.ndarray  # int32
    # The distinct (user, time, item, combination, bin) of known users, by user then time
    # (data/events/rollup/sequences.py)
    seq_user: np.ndarray  # int32
    seq_time: np.ndarray  # int64 seconds since the epoch
    seq_title: np.ndarray  # int32 vocabulary item codes
    seq_combo: np.ndarray  # int32
    seq_bin: np.ndarray  # int8

    @property
    def rows(self) -> int:
        return int(self.cell_views.sum())

    def arrays(self) -> dict[str, np.ndarray]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _SCALARS}


_SCALARS = {"first_day", "last_day"}


def _groups(columns: dict[str, np.ndarray], keys: list[str], sums: dict[str, np.ndarray]):
    """(the distinct key rows, {name: sum over each group}, group sizes), key NaNs kept."""
    frame = pd.DataFrame({name: columns[name] for name in keys})
    codes = [pd.factorize(frame[name], use_na_sentinel=False) for name in keys]
    # One integer per row from the columns' codes, so that a 1-D factorize finds the groups.
    packed = np.zeros(len(frame), dtype=np.int64)
    for code, uniques in codes:
        packed = packed * (len(uniques) + 1) + code
    group, firsts = pd.factorize(packed)
    group = np.asarray(group, dtype=np.int64)
    first_row = np.zeros(len(firsts), dtype=np.int64)
    first_row[group[::-1]] = np.arange(len(group))[::-1]  # the first row of each group
    distinct = {name: np.asarray(columns[name])[first_row] for name in keys}
    totals = {
        name: np.bincount(group, weights=v, minlength=len(firsts)) for name, v in sums.items()
    }
    return distinct, totals, np.bincount(group, minlength=len(firsts))


def build_piece(
    chunks: list[EncodedChunk], vocabulary: Vocabulary, first_day: int, last_day: int
) -> Piece:
    """The piece of the encoded rows of days first_day..last_day (the list is emptied)."""
    if not chunks:
        chunks = [encode_chunk({name: [] for name in RAW_KEYS}, vocabulary)]
    rows = {
        name: np.concatenate([getattr(c, name) for c in chunks]) for name in EncodedChunk.FIELDS
    }
    chunks.clear()
    minutes = rows["minutes"].astype(np.float64)
    rows["whole"] = (minutes == np.trunc(minutes)).astype(np.int64)
    rows["completed"] = rows["completed"].astype(np.int64)
    rows["rated"] = rows["rated"].astype(np.int64)
    i32 = np.int32

    cell, cell_sums, cell_views = _groups(
        rows,
        ["day", "combo"],
        {
            "minutes": minutes,
            "completed": rows["completed"],
            "rated": rows["rated"],
            "whole": rows["whole"],
        },
    )
    order = np.lexsort((cell["combo"], cell["day"]))
    titled = {name: values[rows["title"] >= 0] for name, values in rows.items()}
    title, title_sums, title_views = _groups(
        titled, ["day", "combo", "title"], {"minutes": titled["minutes"].astype(np.float64)}
    )
    by_day = np.lexsort((title["title"], title["combo"], title["day"]))  # queries seek by day
    title = {name: values[by_day] for name, values in title.items()}
    title_sums, title_views = {"minutes": title_sums["minutes"][by_day]}, title_views[by_day]
    known = rows["user"] >= 0
    n_users, n_combos = max(len(vocabulary.users), 1), max(len(vocabulary.combos), 1)
    triples = {}
    day_triples = distinct_triples(
        rows["day"][known], rows["user"][known], rows["combo"][known], n_users, n_combos
    )
    triples["daily"] = day_triples
    for resolution in ("weekly", "monthly"):
        period = period_of(day_triples[1], resolution)
        triples[resolution] = distinct_triples(
            period, day_triples[2], day_triples[3], n_users, n_combos
        )
    fact_keys = ["day", "title", "contentid", "runtime", "season", "episode"]
    fact, _, fact_count = _groups(rows, fact_keys, {})
    view, _, view_count = _groups(titled, ["title", "day", "user", "combo", "percent_bin"], {})
    by_item = np.lexsort((view["day"], view["title"]))
    view = {name: values[by_item] for name, values in view.items()}
    view_count = view_count[by_item]
    return Piece(
        first_day=first_day,
        last_day=last_day,
        cell_day=cell["day"][order].astype(i32),
        cell_combo=cell["combo"][order].astype(i32),
        cell_views=cell_views[order].astype(np.int64),
        cell_minutes=cell_sums["minutes"][order],
        cell_completed=np.rint(cell_sums["completed"][order]).astype(np.int64),
        cell_rated=np.rint(cell_sums["rated"][order]).astype(np.int64),
        cell_whole=(cell_sums["whole"][order] == cell_views[order]),
        title_day=title["day"].astype(i32),
        title_combo=title["combo"].astype(i32),
        title_item=title["title"].astype(i32),
        title_views=title_views.astype(np.int64),
        title_minutes=title_sums["minutes"],
        user_day=triples["daily"][1].astype(i32),
        user_user=triples["daily"][2].astype(i32),
        user_combo=triples["daily"][3].astype(i32),
        user_minutes=triple_minutes(
            rows["day"], rows["user"], rows["combo"], minutes, n_users, n_combos
        ),
        week_period=triples["weekly"][1].astype(i32),
        week_user=triples["weekly"][2].astype(i32),
        week_combo=triples["weekly"][3].astype(i32),
        month_period=triples["monthly"][1].astype(i32),
        month_user=triples["monthly"][2].astype(i32),
        month_combo=triples["monthly"][3].astype(i32),
        **counts_of(triples, n_combos),
        fact_day=fact["day"].astype(i32),
        fact_item=fact["title"].astype(i32),
        fact_contentid=fact["contentid"].astype(i32),
        fact_runtime=fact["runtime"].astype(np.float64),
        fact_season=fact["season"].astype(np.float64),
        fact_episode=fact["episode"].astype(np.float64),
        fact_count=fact_count.astype(np.int64),
        **weekly_item_minutes(title["day"], title["title"], title["combo"], title_sums["minutes"]),
        view_item=view["title"].astype(i32),
        view_day=view["day"].astype(i32),
        view_user=view["user"].astype(i32),
        view_combo=view["combo"].astype(i32),
        view_bin=view["percent_bin"].astype(np.int8),
        view_count=view_count.astype(np.int64),
        **hour_groups(
            rows["day"], rows["hour"], rows["user"], rows["combo"], minutes, n_users, n_combos
        ),
        **sequences.sequence_table(
            *(titled[n] for n in ("user", "time", "title", "combo")), titled["percent_bin"]
        ),
    )


_ALIGN = 64


def save_piece(piece: Piece, path: Path) -> None:
    """Write a piece into one file at path (which the caller publishes by renaming): a line of
    JSON naming each array's type, length and offset, then the arrays' bytes, so that one
    flushed file is all it takes and a reader maps it instead of reading it."""
    arrays = piece.arrays()
    layout, offset = {}, 0
    for name, array in arrays.items():
        layout[name] = [array.dtype.str, int(array.size), offset]
        offset += -(-array.nbytes // _ALIGN) * _ALIGN
    header = json.dumps({"first_day": piece.first_day, "last_day": piece.last_day, **layout})
    head = header.encode() + b"\n"
    start = -(-len(head) // _ALIGN) * _ALIGN
    with open(path, "wb") as handle:
        handle.write(head.ljust(start, b" "))
        for name, array in arrays.items():
            handle.seek(start + layout[name][2])
            handle.write(np.ascontiguousarray(array).tobytes())
        handle.truncate(start + offset)
        handle.flush()
        os.fsync(handle.fileno())


def load_piece(path: Path) -> Piece:
    """A saved piece, its arrays mapped read-only; OSError/ValueError/KeyError when damaged."""
    with open(path, "rb") as handle:
        head = handle.readline()
    meta = json.loads(head)
    start = -(-len(head) // _ALIGN) * _ALIGN
    whole = np.memmap(path, dtype=np.uint8, mode="r") if os.path.getsize(path) else None
    arrays = {}
    for f in fields(Piece):
        if f.name in _SCALARS:
            continue
        kind, size, offset = meta[f.name]
        dtype = np.dtype(kind)
        if size == 0:
            arrays[f.name] = np.empty(0, dtype=dtype)
            continue
        begin = start + offset
        arrays[f.name] = whole[begin : begin + size * dtype.itemsize].view(dtype)
    return Piece(int(meta["first_day"]), int(meta["last_day"]), **arrays)


def concat_pieces(pieces: list[Piece], first_day: int, last_day: int) -> Piece:
    """One piece of pieces of disjoint days (compaction): their groups side by side."""
    pieces = sorted(pieces, key=lambda p: p.first_day)
    arrays = {
        name: np.concatenate([getattr(p, name) for p in pieces]) for name in pieces[0].arrays()
    }
    # A week or the month spans the pieces: their users are made distinct anew, from the days.
    day, user, combo = (arrays[f"user_{n}"].astype(np.int64) for n in ("day", "user", "combo"))
    n_users, n_combos = int(user.max(initial=0)) + 1, int(combo.max(initial=0)) + 1
    for resolution, name in (("weekly", "week"), ("monthly", "month")):
        _, period, users, combos = distinct_triples(
            period_of(day, resolution), user, combo, n_users, n_combos
        )
        arrays |= {f"{name}_period": period, f"{name}_user": users, f"{name}_combo": combos}
        arrays = {
            n: v.astype(np.int32) if n.startswith(f"{name}_") else v for n, v in arrays.items()
        }
    triples = {
        "daily": (0, day, user, combo),
        "weekly": (0, arrays["week_period"], arrays["week_user"], arrays["week_combo"]),
        "monthly": (0, arrays["month_period"], arrays["month_user"], arrays["month_combo"]),
    }
    arrays |= counts_of(triples, n_combos)
    by_item = np.lexsort((arrays["view_day"], arrays["view_item"]))
    arrays |= {n: v[by_item] for n, v in arrays.items() if n.startswith("view_")}
    arrays |= sequences.by_user(arrays)
    return Piece(first_day, last_day, **arrays)


def take(chunk: EncodedChunk, rows: np.ndarray) -> EncodedChunk:
    """The chunk's rows selected by a mask or indices."""
    return EncodedChunk(**{name: getattr(chunk, name)[rows] for name in EncodedChunk.FIELDS})
