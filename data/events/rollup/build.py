"""Building a Rollup (data/events/rollup/model.py) from encoded rows or groups of them.

`build_rollup(chunks, vocabulary)` turns encoded rows (data/events/rollup/encoding.py) into a
`Rollup`; `rollup_of_groups` does the same from rows already reduced by key (groups of events
with their counts).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from data.events.analysis import shows
from data.events.catalog import DIMENSIONS
from data.events.local_time import UTC_ZONES, Zones
from data.events.periods import period_of
from data.events.rollup import sequences
from data.events.rollup.encoding import (
    BY_TEXT,
    READS,
    EncodedChunk,
    Vocabulary,
    date_text,
    encode_chunk,
    episode_of,
    item_sort_key,
)
from data.events.rollup.groups import Cells, TitleFacts, TitleViews, UserDays, Viewings
from data.events.rollup.hours import hour_groups, triple_minutes
from data.events.rollup.model import Rollup, empty_rollup
from data.events.rollup.user_tables import combo_type, user_tables_of, user_tables_of_rows
from data.events.stores.sqlite_store import COLUMN_NAMES

_DENSE_CELLS = 1 << 26  # up to this many (day, combination) cells are counted densely


def _join(chunks: list[EncodedChunk]) -> dict[str, np.ndarray]:
    """The chunks' columns concatenated; the list is emptied so their memory goes early."""
    joined = {
        name: np.concatenate([getattr(c, name) for c in chunks]) for name in EncodedChunk.FIELDS
    }
    chunks.clear()
    return joined


def _title_order(vocabulary: Vocabulary) -> tuple[np.ndarray, tuple, np.ndarray]:
    """(rank, titles, episodes): rank[code] renumbers a vocabulary item code in item order
    (encoding.item_sort_key; -1 for NULL, at rank[-1], and for the title ''), the items' texts
    in that order, and each one's episode id (items of one episode share it)."""
    keys = sorted(vocabulary.titles, key=item_sort_key)
    keys = [key for key in keys if key[0] != ""]  # '' is no title
    rank = np.full(len(vocabulary.titles) + 1, -1, dtype=np.int64)  # code -1 is the last slot
    rank[[vocabulary.titles[key] for key in keys]] = np.arange(len(keys))
    episode_ids: dict[tuple, int] = {}
    episodes = [
        episode_ids.setdefault(
            (text,) if identity[0] == BY_TEXT else episode_of(identity, vocabulary.numbered),
            len(episode_ids),
        )
        for text, identity in keys
    ]
    return rank, tuple(text for text, _ in keys), np.asarray(episodes, dtype=np.int32)


def _most_frequent(title, values, count, n_titles: int, missing) -> np.ndarray:
    """Per title, the most frequent known value of its rows (ties: the smallest), else
    `missing`."""
    known = (title >= 0) & ~np.isnan(values)
    out = np.full(n_titles, missing, dtype=np.float64)
    if not known.any():
        return out
    distinct, value_code = np.unique(values[known], return_inverse=True)
    key = title[known].astype(np.int64) * distinct.size + value_code.reshape(-1)
    keys, inverse = np.unique(key, return_inverse=True)
    weights = None if count is None else count[known]
    counts = np.bincount(inverse.reshape(-1), weights=weights, minlength=keys.size)
    key_title, key_value = keys // distinct.size, keys % distinct.size
    # Within a title: most events first, then the smallest value; the first row wins.
    order = np.lexsort((key_value, -counts, key_title))
    first = np.r_[True, key_title[order][1:] != key_title[order][:-1]]
    winners = order[first]
    out[key_title[winners]] = distinct[key_value[winners]]
    return out


def title_facts(facts: TitleFacts, rank, n_titles: int, episode_of_title) -> dict:
    """title_runtime, title_season and title_episode of a Rollup from the facts' rows or groups
    (their titles as vocabulary item codes, ranked by rank)."""
    f_title = rank[facts.title]
    per_title = {
        name: _most_frequent(f_title, getattr(facts, name), facts.count, n_titles, np.nan)
        for name in ("season", "episode")
    }
    # A runtime is a fact of the episode: every spelling of its title gets the same one.
    f_episode = np.r_[episode_of_title, -1][f_title]  # title -1 (none) indexes the -1 after
    n_episodes = int(episode_of_title.max(initial=-1)) + 1
    runtime = _most_frequent(f_episode, facts.runtime, facts.count, n_episodes, np.nan)
    numbers = {
        name: np.where(np.isnan(per_title[name]), -1, per_title[name]).astype(np.int64)
        for name in ("season", "episode")
    }
    return {
        "title_runtime": runtime[episode_of_title],
        "title_season": numbers["season"],
        "title_episode": numbers["episode"],
    }


def _week_entry_table(t_day, t_combo, t_title, t_minutes, names, seasons, vocabulary) -> dict:
    """The week_entry_* arrays from the (day, combination, title) rows."""
    combos = combo_table(vocabulary)
    values = tuple(tuple(v) for v in vocabulary.values)
    index = shows.entries_of(names, seasons.tolist(), "season")
    is_series = shows.combo_sessiontypes(values, combos) == shows.SERIES
    entry = index.of_rows(t_title, t_combo, is_series) if t_title.size else t_title
    week = np.asarray(period_of(t_day, "weekly"), dtype=np.int64)
    # Sorted by (week, entry, combination) with a stable sort per key, last key first.
    order = np.lexsort((t_combo, entry, week))
    week, entry, combo = week[order], entry[order], t_combo[order]
    starts = (
        np.flatnonzero(
            np.r_[
                True,
                (week[1:] != week[:-1]) | (entry[1:] != entry[:-1]) | (combo[1:] != combo[:-1]),
            ]
        )
        if week.size
        else np.empty(0, dtype=np.int64)
    )
    minutes = np.add.reduceat(t_minutes[order], starts) if starts.size else t_minutes[:0]
    return {
        "week_entry_week": week[starts].astype(np.int32),
        "week_entry_entry": entry[starts].astype(np.int32),
        "week_entry_combo": combo[starts].astype(combo_type(max(len(combos), 1))),
        "week_entry_minutes": minutes.astype(np.float64),
    }


def _viewing_table(
    viewings: Viewings, rank: np.ndarray, n_titles: int, first_day: int, n_combos: int
) -> dict:
    """The view_* arrays: titled events sorted by title then day (groups repeated by count)."""
    title = rank[viewings.title]
    titled = title >= 0
    columns = {
        "day": viewings.day[titled],
        "user": viewings.user[titled],
        "combo": viewings.combo[titled],
        "bin": viewings.percent_bin[titled],
    }
    title = title[titled]
    if viewings.count is not None:
        repeats = viewings.count[titled].astype(np.int64)
        title = np.repeat(title, repeats)
        columns = {name: np.repeat(values, repeats) for name, values in columns.items()}
    n_days = int(columns["day"].max()) - first_day + 1 if title.size else 1
    order = np.argsort(title * n_days + (columns["day"] - first_day), kind="stable")
    offsets = np.zeros(n_titles + 1, dtype=np.int64)
    np.cumsum(np.bincount(title, minlength=n_titles), out=offsets[1:])
    return {
        "view_offsets": offsets,
        "view_day": columns["day"][order].astype(np.int32),
        "view_user": columns["user"][order].astype(np.int32),
        "view_combo": columns["combo"][order].astype(combo_type(n_combos)),
        "view_bin": columns["bin"][order].astype(np.int8),
    }


def build_rollup(chunks: list[EncodedChunk], vocabulary: Vocabulary) -> Rollup:
    """Reduce encoded rows to a Rollup. The list is emptied as it is consumed."""
    rows = _join(chunks) if chunks else None
    if rows is None or rows["day"].size == 0:
        return empty_rollup()
    day = rows.pop("day").astype(np.int64)
    combo = rows.pop("combo").astype(np.int64)
    minutes = rows.pop("minutes")
    cells = Cells(day, combo, None, minutes, rows.pop("completed"), rows.pop("rated"))
    title, user = rows.pop("title"), rows.pop("user")
    n_users, n_combos = max(len(vocabulary.users), 1), max(len(vocabulary.combos), 1)
    hours = hour_groups(day, rows.pop("hour"), user, combo, minutes, n_users, n_combos)
    hours["user_minutes"] = triple_minutes(day, user, combo, minutes, n_users, n_combos)
    return rollup_of_groups(
        cells,
        TitleViews(day, combo, title, None, minutes),
        UserDays(day, user, combo),
        vocabulary,
        minutes_are_whole=bool(np.array_equal(minutes, np.trunc(minutes))),
        facts=TitleFacts(title, rows.pop("runtime"), rows.pop("season"), rows.pop("episode"), None),
        viewings=Viewings(title, day, user, combo, rows.pop("percent_bin"), None),
        hours=hours,
        times=rows.pop("time"),
    )


def _sum_by_key(key: np.ndarray, weights: dict, views, size_limit: int) -> tuple:
    """(distinct keys, {"views": ..., name: sums}) of rows (or weighted groups) by key."""
    if size_limit <= _DENSE_CELLS:
        counted = np.bincount(key, weights=views, minlength=size_limit)
        keys = np.flatnonzero(counted)
        sums = {"views": counted[keys]}
        for name, values in weights.items():
            sums[name] = np.bincount(key, weights=values, minlength=size_limit)[keys]
    else:
        keys, inverse = np.unique(key, return_inverse=True)
        inverse = inverse.reshape(-1)
        sums = {"views": np.bincount(inverse, weights=views, minlength=keys.size)}
        for name, values in weights.items():
            sums[name] = np.bincount(inverse, weights=values, minlength=keys.size)
    return keys, sums


def rollup_of_groups(
    cells: Cells,
    titles: TitleViews,
    users: UserDays,
    vocabulary: Vocabulary,
    *,
    minutes_are_whole: bool,
    facts: TitleFacts,
    viewings: Viewings,
    hours: dict,
    user_triples: dict | None = None,
    times: np.ndarray,
) -> Rollup:
    """A Rollup from rows reduced by (day, combination), by title and by user: single events
    (build_rollup), a database's GROUP BY results (data/events/rollup/pg_source.py) or pieces
    (data/events/rollup/merge.py, which gives the distinct user triples of every resolution)."""
    if cells.day.size == 0:
        return empty_rollup()
    first_day, last_day = int(cells.day.min()), int(cells.day.max())
    n_days = last_day - first_day + 1
    n_combos = max(len(vocabulary.combos), 1)
    n_users = max(len(vocabulary.users), 1)

    # Additive measures per (day, combination).
    cell_key = (cells.day - first_day) * n_combos + cells.combo
    weights = {"minutes": cells.minutes, "completed": cells.completed, "rated": cells.rated}
    keys, measures = _sum_by_key(cell_key, weights, cells.views, n_days * n_combos)
    del cell_key, weights
    for name in ("views", "completed", "rated"):
        measures[name] = np.rint(measures[name]).astype(np.int64)

    # Views and minutes per (day, combination, title), and per (combination, title).
    rank, names, episode_of_title = _title_order(vocabulary)
    title = rank[titles.title]
    n_titles = max(len(names), 1)
    titled = title >= 0
    t_key = ((titles.day[titled] - first_day) * n_combos + titles.combo[titled]) * n_titles
    t_key += title[titled]
    t_key, inverse = np.unique(t_key, return_inverse=True)
    inverse = inverse.reshape(-1)
    views_weight = None if titles.views is None else titles.views[titled]
    t_views = np.rint(np.bincount(inverse, weights=views_weight)).astype(np.int64)
    t_minutes = np.bincount(inverse, weights=titles.minutes[titled], minlength=t_key.size)
    del inverse
    t_title, t_rest = t_key % n_titles, t_key // n_titles
    t_combo, t_day = t_rest % n_combos, t_rest // n_combos + first_day
    del t_key, t_rest, title, titled
    # The same (combination, title) comes from many days: sum their views and minutes.
    totals, t_pair = np.unique(t_combo * n_titles + t_title, return_inverse=True)
    t_pair = t_pair.reshape(-1)
    total_views = np.bincount(t_pair, weights=t_views, minlength=totals.size).astype(np.int64)
    total_minutes = np.bincount(t_pair, weights=t_minutes, minlength=totals.size)
    del t_pair
    per_title = title_facts(facts, rank, len(names), episode_of_title)

    if user_triples is None:
        user_rows, user_counts = user_tables_of_rows(users, n_users, n_combos)
    else:
        user_rows, user_counts = user_tables_of(user_triples, n_users, n_combos)
    return Rollup(
        rows=int(measures["views"].sum()),
        first_day=first_day,
        last_day=last_day,
        n_users=n_users,
        values=tuple(tuple(v) for v in vocabulary.values),
        titles=names,
        minutes_are_whole=minutes_are_whole,
        combos=combo_table(vocabulary),
        cell_day=(keys // n_combos + first_day).astype(np.int32),
        cell_combo=(keys % n_combos).astype(np.int32),
        **measures,
        title_day=t_day.astype(np.int32),
        title_combo=t_combo.astype(np.int32),
        title_code=t_title.astype(np.int32),
        title_views=t_views.astype(np.int64),
        total_combo=(totals // n_titles).astype(np.int32),
        total_title=(totals % n_titles).astype(np.int32),
        total_views=total_views,
        title_minutes=t_minutes.astype(np.float64),
        total_minutes=total_minutes.astype(np.float64),
        **per_title,
        episode_of_title=episode_of_title,
        **_viewing_table(viewings, rank, len(names), first_day, n_combos),
        **sequences.sequence_table(
            viewings.user,
            times,
            rank[viewings.title],
            viewings.combo,
            viewings.percent_bin,
            n_combos,
        ),
        **_week_entry_table(
            t_day, t_combo, t_title, t_minutes, names, per_title["title_season"], vocabulary
        ),
        **hours,
        user_rows=user_rows,
        user_counts=user_counts,
    )


_POSITION = {name: i for i, name in enumerate(COLUMN_NAMES)}


def columns_of_rows(rows: Sequence[Sequence], whole_dates: bool = False) -> dict[str, list]:
    """The columns a rollup reads, from rows in the table's column order (as a writer inserts
    them), so that a writer can encode what it writes without reading it back; whole_dates
    keeps the time (it decides the local day when the zones convert)."""
    columns = list(zip(*rows, strict=True))
    raw = {key: columns[_POSITION[column]] for key, column in READS}
    if not whole_dates:
        raw["event_date"] = [date_text(value) for value in raw["event_date"]]
    return raw


class RowEncoder:
    """Encodes rows as a writer inserts them (table column order), then builds their rollup in
    one go: the writer never reads back what it wrote."""

    def __init__(self, zones: Zones = UTC_ZONES) -> None:
        self.vocabulary = Vocabulary()
        self.chunks: list[EncodedChunk] = []
        self.zones = zones

    def add(self, rows) -> None:
        if rows:
            columns = columns_of_rows(rows, self.zones.converts)
            self.chunks.append(encode_chunk(columns, self.vocabulary, self.zones))

    def rollup(self) -> Rollup:
        return build_rollup(self.chunks, self.vocabulary)


def combo_table(vocabulary: Vocabulary) -> np.ndarray:
    """(combinations, dimensions) value codes, row i for combination code i."""
    table = np.zeros((len(vocabulary.combos), len(DIMENSIONS)), dtype=np.int32)
    for parts, code in vocabulary.combos.items():
        table[code] = parts
    return table
