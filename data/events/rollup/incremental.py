"""A store's rollup from its pieces: rebuild the partitions a change touched, compact, merge.

`build_from_pieces(root, source, days)` runs under the store's build lock
(data/events/rollup/files.py). It reads the state (data/events/rollup/partitions.py), asks the
store which days changed since, rebuilds only their partitions from their own events (one
partition in memory at a time), merges cold months' day pieces, publishes the new state, and
returns the rollup of all pieces (data/events/rollup/merge.py) for the caller to publish.
Without a state, with a change the log cannot attribute, or without a change log at all, every
partition is built: the same code, over every month. A build killed at any moment leaves the
published state and its pieces as they were; what it wrote aside is removed by the next one.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import os
import pickle
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

import numpy as np

from data.events.local_time import UTC_ZONES, Zones
from data.events.periods import day_number, period_of
from data.events.rollup import partitions
from data.events.rollup.encoding import RAW_KEYS, EncodedChunk, Vocabulary, encode_chunk
from data.events.rollup.merge import merge_pieces
from data.events.rollup.model import Rollup
from data.events.rollup.partitions import Entry, State, pieces_root
from data.events.rollup.pieces import build_piece, concat_pieces, load_piece, save_piece, take

log = logging.getLogger(__name__)


class PartitionSource(Protocol):
    """What a store gives a build (data/events/rollup/sqlite_partitions.py, pg_partitions.py)."""

    def touches(self) -> dict[str, list] | None:
        """The change log: day text -> [touches, stamp]; None when changes cannot be told
        apart by day (no log, or no cheap way to read a day's rows)."""

    def all_chunks(self, vocabulary: Vocabulary) -> Iterator[EncodedChunk]:
        """Every event, encoded in chunks with the vocabulary (one pass over the table)."""

    def chunks(self, first_day: int, last_day: int, vocabulary: Vocabulary) -> Iterator:
        """The events of those (local) days, encoded in chunks with the vocabulary."""

    zones: Zones  # the days' zones (data/events/local_time.py)
    # How many days a stored day's events may land away from it (a partition of local days
    # reads stored days this much wider; a touched stored day rebuilds this many around it).
    margin: int


def encoded_batches(
    fetch: Callable[[], list],
    vocabulary: Vocabulary,
    zones: Zones = UTC_ZONES,
    days: tuple[int, int] | None = None,
) -> Iterator:
    """EncodedChunks of the row batches fetch() returns (in RAW_KEYS order) until an empty
    one: what a PartitionSource yields; with days (first, last), only the rows whose local
    day lies within (a partition read through a range of stored days widened around it)."""
    # Many short-lived row objects would trigger full collections for nothing.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        while rows := fetch():
            columns = dict(zip(RAW_KEYS, zip(*rows, strict=True), strict=True))
            del rows
            chunk = encode_chunk(columns, vocabulary, zones)
            if days is not None:
                chunk = take(chunk, (chunk.day >= days[0]) & (chunk.day <= days[1]))
            yield chunk
            time.sleep(0)  # a cooperative worker (gevent) serves others between chunks
    finally:
        if gc_was_enabled:
            gc.enable()


def _save_vocabulary(folder: Path, vocabulary: Vocabulary) -> str:
    """Write the vocabulary aside under a new name (our own file, as trusted as the rollups)."""
    name = f"vocabulary-{uuid.uuid4().hex[:12]}.pickle"
    tmp = folder / f".{name}"
    with open(tmp, "wb") as handle:
        pickle.dump(vocabulary, handle, protocol=pickle.HIGHEST_PROTOCOL)
        handle.flush()
        os.fsync(handle.fileno())
    os.rename(tmp, folder / name)
    return name


def _size(vocabulary: Vocabulary) -> tuple:
    """How many entries of each kind: an append-only vocabulary changed iff this did."""
    parts = (vocabulary.users, vocabulary.titles, vocabulary.contentids, vocabulary.combos)
    return (*(len(p) for p in parts), *(len(v) for v in vocabulary.values))


def _load_vocabulary(folder: Path, name: str) -> Vocabulary | None:
    try:
        with open(folder / name, "rb") as handle:
            vocabulary = pickle.load(handle)  # written by this code, beside the db
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        return None
    return vocabulary if isinstance(vocabulary, Vocabulary) else None


def _build_partition(folder: Path, source, vocabulary: Vocabulary, first: int, last: int):
    """(entry, piece) of a partition built from its events, or (None, None) when it has none."""
    chunks: list[EncodedChunk] = list(source.chunks(first, last, vocabulary))
    if sum(c.day.size for c in chunks) == 0:
        return None, None
    return _publish_piece(folder, build_piece(chunks, vocabulary, first, last))


def _build_everything(folder: Path, chunks: list, vocabulary: Vocabulary, days) -> tuple:
    """(entries, pieces by name, hot month) of every partition, from every event encoded in
    chunks (one pass over the table): the rows are split by partition."""
    day = np.concatenate([c.day for c in chunks]) if chunks else np.empty(0, np.int32)
    lo, hi = day_number(days[0]), day_number(days[1])
    inside = day[(day >= lo) & (day <= hi)]
    hot = int(period_of(int(inside.max()), "monthly")) if inside.size else None
    del day, inside
    # A row's partition as one number: its month x 64, plus 1 + its day of the month in the
    # hot month (one partition per day there).
    by_key: dict[int, list[EncodedChunk]] = {}
    while chunks:
        chunk = chunks.pop(0)
        day = chunk.day.astype(np.int64)
        month = np.asarray(period_of(day, "monthly"), dtype=np.int64)
        key = month * 64
        if hot is not None:
            in_hot = month == hot
            key[in_hot] += 1 + day[in_hot] - partitions.month_range(hot)[0]
        for value in np.unique(key).tolist():
            by_key.setdefault(value, []).append(take(chunk, key == value))
    entries, loaded = [], {}
    for value in sorted(by_key):
        month, day_of_month = divmod(value, 64)
        first, last = partitions.month_range(month)
        if day_of_month:
            first = last = first + day_of_month - 1
        entry, piece = _publish_piece(
            folder, build_piece(by_key.pop(value), vocabulary, first, last)
        )
        entries.append(entry)
        loaded[entry.name] = piece
    return entries, loaded, hot


def _publish_piece(folder: Path, piece):
    name = f"p{piece.first_day}-{piece.last_day}-{uuid.uuid4().hex[:8]}.npz"
    tmp = folder / f".{name}"
    save_piece(piece, tmp)
    os.rename(tmp, folder / name)
    return Entry(name, piece.first_day, piece.last_day), piece


def _remove_unused(folder: Path, state: State) -> None:
    """Remove pieces and vocabularies the state does not name (we hold the build lock)."""
    used = {e.name for e in state.entries} | {state.vocabulary, "state.json"}
    for path in folder.iterdir():
        if path.name not in used:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


def _current(folder: Path, state: State | None, touches, zones: Zones, margin: int) -> tuple:
    """(vocabulary, kept entries, changed local days or None for everything) to start from.
    Pieces of other zones hold other days: everything is built anew."""
    if state is None or touches is None or state.zones != zones.key:
        return Vocabulary(), (), None
    vocabulary = _load_vocabulary(folder, state.vocabulary)
    changed = partitions.changed_days(state, touches, margin)
    if vocabulary is None or changed is None:
        return Vocabulary(), (), None
    if not all((folder / e.name).is_file() for e in state.entries):
        return Vocabulary(), (), None  # a piece removed by hand: build it all again
    return vocabulary, state.entries, changed


def build_from_pieces(
    root: Path, source: PartitionSource, days: tuple[dt.date, dt.date], encoded=None
) -> Rollup:
    """Bring the store's pieces up to date with what source sees and return their rollup
    within days (see the module's docstring); `encoded` (a RowEncoder of every row the table
    holds, from the writer that wrote them) spares reading the table. Hold the build lock."""
    started = time.perf_counter()
    folder = pieces_root(root)
    folder.mkdir(parents=True, exist_ok=True)
    touches = source.touches()
    state = partitions.load_state(root)
    zones = getattr(source, "zones", UTC_ZONES)
    margin = getattr(source, "margin", 0)
    vocabulary, entries, changed = _current(folder, state, touches, zones, margin)
    size = _size(vocabulary) if changed is not None else None
    if encoded is not None:
        vocabulary, changed, size = encoded.vocabulary, None, None
        chunks = encoded.chunks
    if changed is None:
        if encoded is None:
            chunks = list(source.all_chunks(vocabulary))
        kept, loaded, hot = _build_everything(folder, chunks, vocabulary, days)
        built = len(kept)
    else:
        ranges = [(e.first_day, e.last_day) for e in entries] + [(d, d) for d in changed]
        hot = partitions.hot_month(ranges, days)
        kept, todo = partitions.plan(entries, changed, hot)
        loaded = {e.name: load_piece(folder / e.name) for e in kept}
        for first, last in todo:
            entry, piece = _build_partition(folder, source, vocabulary, first, last)
            if entry is not None:
                kept.append(entry)
                loaded[entry.name] = piece
        built = len(todo)
    # Cold months made of day pieces become one piece each (compaction).
    for group in partitions.to_compact(tuple(kept), hot):
        first, last = partitions.month_of(group[0].first_day)
        entry, piece = _publish_piece(
            folder, concat_pieces([loaded[e.name] for e in group], first, last)
        )
        kept = [e for e in kept if e not in group] + [entry]
        loaded[entry.name] = piece
    kept.sort(key=lambda e: e.first_day)
    name = state.vocabulary if state is not None and size == _size(vocabulary) else None
    state = State(name or _save_vocabulary(folder, vocabulary), tuple(kept), touches, zones.key)
    partitions.save_state(root, state)
    _remove_unused(folder, state)
    rollup = merge_pieces([loaded[e.name] for e in kept], vocabulary, days)
    log.info(
        "rebuilt %d of %d partitions of %s in %.2f s",
        built,
        len(kept),
        getattr(source, "label", "the store"),
        time.perf_counter() - started,
    )
    return rollup
