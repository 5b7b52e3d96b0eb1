"""The rollup: the events reduced, once per version of the data, to what every query needs.

`build_rollup(chunks, vocabulary)` turns encoded rows (data/events/rollup/encoding.py) into a
`Rollup`
of flat numpy arrays: additive measures per (day, combination of dimension values), distinct
(period, user, combination) triples per resolution, and views per (day, combination, title).
Everything a query reads is sized by days x combinations x users, not by events, and is exact.
data/events/rollup/files.py stores it so that every worker maps the same pages.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, fields
from typing import NamedTuple

import numpy as np

from data.events.analysis import series
from data.events.catalog import DIMENSIONS
from data.events.periods import RESOLUTIONS, period_of
from data.events.rollup.encoding import (
    BY_TEXT,
    EncodedChunk,
    Vocabulary,
    columns_of_rows,
    encode_chunk,
    episode_of,
    item_sort_key,
)
from data.events.rollup.user_tables import (
    UserCounts,
    UserRows,
    combo_type,
    distinct_triples,
    user_counts,
    user_rows,
)

# Bump when the arrays or names change meaning: older rollups are then rebuilt (the version
# folder's name includes it). 4: titles, users and dimension values with `<xx>` escapes decoded;
# 5: weekly user rows (retention, lifecycle) and what the title insights read; 6: minutes per
# (week, Top 10 entry, combination); 7: title codes are items (a title's text and the episode
# it is), episodes told apart by their numbers or contentid, never by their title text; 8:
# events dated outside the store's bounds left out (counted), negative minutes and infinite
# percentages read as unknown; 9: a contentid's rows without numbers join the one numbered
# episode its other rows name, placeholder contentids ("NULL", "n/a") name nothing.
FORMAT = 9
_DENSE_CELLS = 1 << 26  # up to this many (day, combination) cells are counted densely


@dataclass(frozen=True)
class Rollup:
    """Everything the queries read; immutable, and usually memory-mapped from files."""

    rows: int  # events with a readable date
    first_day: int  # days since 1970-01-01 (meaningless when rows == 0)
    last_day: int
    n_users: int
    values: tuple[tuple[str, ...], ...]  # per dimension (catalog order): value names by code
    # Per title code (an item: a title's text and the episode it is,
    # data/events/rollup/encoding.py),
    # its text; ascending, so the items of one text are neighbours.
    titles: tuple[str, ...]
    minutes_are_whole: bool  # every minute value was a whole number: sums stay ints
    combos: np.ndarray  # (combinations, dimensions) int32 value codes
    # Additive measures per (day, combination), sorted by day then combination.
    cell_day: np.ndarray  # int32
    cell_combo: np.ndarray  # int32
    views: np.ndarray  # int64
    minutes: np.ndarray  # float64
    completed: np.ndarray  # int64
    rated: np.ndarray  # int64
    # Views per (day, combination, title), sorted by day; and per (combination, title).
    title_day: np.ndarray  # int32
    title_combo: np.ndarray  # int32
    title_code: np.ndarray  # int32
    title_views: np.ndarray  # int64
    total_combo: np.ndarray  # int32
    total_title: np.ndarray  # int32
    total_views: np.ndarray  # int64
    title_minutes: np.ndarray  # float64, along the (day, combination, title) rows
    total_minutes: np.ndarray  # float64, along the (combination, title) rows
    # Per title code: its episode's most frequent known runningtime (NaN: none), its own most
    # frequent seasonnumber and episodenumber (-1: none), and its episode (items of one episode
    # share it; see data/events/analysis/title_insights.py for what reads them).
    title_runtime: np.ndarray  # float64
    title_season: np.ndarray  # int64 (a stored number may pass int32)
    title_episode: np.ndarray  # int64
    episode_of_title: np.ndarray  # int32
    # Every titled event, sorted by title then day: the events of title t are
    # view_offsets[t]:view_offsets[t + 1] (a title's own page reads only its rows).
    view_offsets: np.ndarray  # int64, one more than there are titles
    view_day: np.ndarray  # int32
    view_user: np.ndarray  # int32, -1 for NULL
    view_combo: np.ndarray  # uint16 (int32 when there are more combinations)
    view_bin: np.ndarray  # int8: viewpercentage's 10-point bin, -1 when unknown
    # Minutes per (week, Top 10 entry, combination), sorted in that order: a week's list for
    # any filter sums runs of this table, never the (day, combination, title) rows. Entries
    # are series.entries(rollup, "season")'s ids: a movie, or a season of a show.
    week_entry_week: np.ndarray  # int32 week numbers (periods.period_of, weekly)
    week_entry_entry: np.ndarray  # int32
    week_entry_combo: np.ndarray  # uint16 (int32 when there are more combinations)
    week_entry_minutes: np.ndarray  # float64
    # Distinct users: every triple for unions (per resolution and over all days), and counts
    # per period that filter cheaply (daily, weekly, monthly); see
    # data/events/rollup/user_tables.py.
    user_rows: dict[str, UserRows] = field(default_factory=dict)
    user_counts: dict[str, UserCounts] = field(default_factory=dict)
    # Events with a readable date outside the bounds (data/events/stores/date_bounds.py), which no
    # answer counts, and those bounds as ISO days (None: none applied).
    left_out: int = 0
    bounds: tuple[str, str] | None = None

    @property
    def n_combos(self) -> int:
        return len(self.combos)

    def arrays(self) -> dict[str, np.ndarray]:
        """Every array by a file-safe name (a user table's as '<kind>.<resolution>.<field>')."""
        out = {f.name: getattr(self, f.name) for f in fields(self) if _is_array_field(f.name)}
        for kind in _TABLE_KINDS:
            for resolution, table in getattr(self, kind).items():
                for f in fields(table):
                    if f.name != "first_period":
                        out[f"{kind}.{resolution}.{f.name}"] = getattr(table, f.name)
        return out

    def meta(self) -> dict:
        """The scalars and names, JSON-ready."""
        return {
            "format": FORMAT,
            "rows": self.rows,
            "first_day": self.first_day,
            "last_day": self.last_day,
            "n_users": self.n_users,
            "values": [list(v) for v in self.values],
            "titles": list(self.titles),
            "minutes_are_whole": self.minutes_are_whole,
            "left_out": self.left_out,
            "bounds": None if self.bounds is None else list(self.bounds),
            "first_periods": {
                kind: {r: t.first_period for r, t in getattr(self, kind).items()}
                for kind in _TABLE_KINDS
            },
        }

    @classmethod
    def from_parts(cls, meta: dict, arrays: dict[str, np.ndarray]) -> Rollup:
        """The inverse of meta() and arrays()."""
        tables = {}
        for kind, table_class in _TABLE_KINDS.items():
            names = [f.name for f in fields(table_class) if f.name != "first_period"]
            tables[kind] = {
                r: table_class(first, *(arrays[f"{kind}.{r}.{name}"] for name in names))
                for r, first in meta["first_periods"][kind].items()
            }
        own = {f.name: arrays[f.name] for f in fields(cls) if _is_array_field(f.name)}
        return cls(
            rows=meta["rows"],
            first_day=meta["first_day"],
            last_day=meta["last_day"],
            n_users=meta["n_users"],
            values=tuple(tuple(v) for v in meta["values"]),
            titles=tuple(meta["titles"]),
            minutes_are_whole=meta["minutes_are_whole"],
            left_out=meta["left_out"],
            bounds=None if meta["bounds"] is None else tuple(meta["bounds"]),
            **tables,
            **own,
        )


_SCALAR_FIELDS = {"rows", "first_day", "last_day", "n_users", "values", "titles"}
_SCALAR_FIELDS |= {"minutes_are_whole", "user_rows", "user_counts", "left_out", "bounds"}
_TABLE_KINDS = {"user_rows": UserRows, "user_counts": UserCounts}


def _is_array_field(name: str) -> bool:
    return name not in _SCALAR_FIELDS


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


def _week_entry_table(t_day, t_combo, t_title, t_minutes, names, seasons, vocabulary) -> dict:
    """The week_entry_* arrays from the (day, combination, title) rows."""
    combos = _combo_table(vocabulary)
    values = tuple(tuple(v) for v in vocabulary.values)
    index = series.entries_of(names, seasons.tolist(), "season")
    is_series = series.combo_sessiontypes(values, combos) == series.SERIES
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


class Cells(NamedTuple):
    """Additive measures per row or group: views is None for single events (one view each)."""

    day: np.ndarray  # int64 days since 1970-01-01
    combo: np.ndarray  # int64 combination codes
    views: np.ndarray | None
    minutes: np.ndarray  # float64
    completed: np.ndarray  # bool per event, or counts per group
    rated: np.ndarray


class TitleViews(NamedTuple):
    """Views and minutes per (day, combination, title) row or group (views None: one each)."""

    day: np.ndarray
    combo: np.ndarray
    title: np.ndarray  # vocabulary title codes, -1 for NULL
    views: np.ndarray | None
    minutes: np.ndarray  # float64


class TitleFacts(NamedTuple):
    """(title, runningtime, seasonnumber, episodenumber) per row or group, NaN where unknown,
    with the group's events (count None: one each); each title gets its most frequent values."""

    title: np.ndarray  # vocabulary title codes, -1 for NULL
    runtime: np.ndarray  # float64
    season: np.ndarray  # float64
    episode: np.ndarray  # float64
    count: np.ndarray | None


class Viewings(NamedTuple):
    """(title, day, user, combination, viewpercentage bin) per event, or per group of `count`
    events (count None: one each)."""

    title: np.ndarray  # vocabulary title codes, -1 for NULL
    day: np.ndarray
    user: np.ndarray  # -1 for NULL
    combo: np.ndarray
    percent_bin: np.ndarray  # -1 when unknown
    count: np.ndarray | None


class UserDays(NamedTuple):
    """(day, user, combination) per row or group; repeats are fine, NULL users are -1."""

    day: np.ndarray
    user: np.ndarray
    combo: np.ndarray


def build_rollup(chunks: list[EncodedChunk], vocabulary: Vocabulary) -> Rollup:
    """Reduce encoded rows to a Rollup. The list is emptied as it is consumed."""
    rows = _join(chunks) if chunks else None
    if rows is None or rows["day"].size == 0:
        return empty_rollup(vocabulary)
    day = rows.pop("day").astype(np.int64)
    combo = rows.pop("combo").astype(np.int64)
    minutes = rows.pop("minutes")
    cells = Cells(day, combo, None, minutes, rows.pop("completed"), rows.pop("rated"))
    title, user = rows.pop("title"), rows.pop("user")
    return rollup_of_groups(
        cells,
        TitleViews(day, combo, title, None, minutes),
        UserDays(day, user, combo),
        vocabulary,
        minutes_are_whole=bool(np.array_equal(minutes, np.trunc(minutes))),
        facts=TitleFacts(title, rows.pop("runtime"), rows.pop("season"), rows.pop("episode"), None),
        viewings=Viewings(title, day, user, combo, rows.pop("percent_bin"), None),
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
) -> Rollup:
    """A Rollup from rows reduced by (day, combination), by title and by user: single events
    (build_rollup) or a database's GROUP BY results (data/events/rollup/pg_source.py)."""
    if cells.day.size == 0:
        return empty_rollup(vocabulary)
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
    f_title = rank[facts.title]
    per_title = {
        name: _most_frequent(f_title, getattr(facts, name), facts.count, len(names), np.nan)
        for name in ("season", "episode")
    }
    # A runtime is a fact of the episode: every spelling of its title gets the same one.
    f_episode = np.r_[episode_of_title, -1][f_title]  # title -1 (none) indexes the -1 after
    n_episodes = int(episode_of_title.max(initial=-1)) + 1
    runtime = _most_frequent(f_episode, facts.runtime, facts.count, n_episodes, np.nan)
    per_title["runtime"] = runtime[episode_of_title]
    numbers = {
        name: np.where(np.isnan(per_title[name]), -1, per_title[name]).astype(np.int64)
        for name in ("season", "episode")
    }

    user_rows, user_counts = _user_tables(users, n_users, n_combos)
    return Rollup(
        rows=int(measures["views"].sum()),
        first_day=first_day,
        last_day=last_day,
        n_users=n_users,
        values=tuple(tuple(v) for v in vocabulary.values),
        titles=names,
        minutes_are_whole=minutes_are_whole,
        combos=_combo_table(vocabulary),
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
        title_runtime=per_title["runtime"],
        title_season=numbers["season"],
        title_episode=numbers["episode"],
        episode_of_title=episode_of_title,
        **_viewing_table(viewings, rank, len(names), first_day, n_combos),
        **_week_entry_table(
            t_day, t_combo, t_title, t_minutes, names, numbers["season"], vocabulary
        ),
        user_rows=user_rows,
        user_counts=user_counts,
    )


def _user_tables(users: UserDays, n_users: int, n_combos: int) -> tuple[dict, dict]:
    """The user tables: daily triples from the rows, the coarser ones from the daily triples
    (far fewer than events)."""
    known = users.user >= 0
    daily = distinct_triples(
        users.day[known], users.user[known], users.combo[known], n_users, n_combos
    )
    del known
    rows = {"daily": user_rows(daily, n_combos)}
    counts = {"daily": user_counts(daily, n_combos)}
    _, day_of_row, users, combos = daily
    for resolution in RESOLUTIONS[1:]:
        time.sleep(0)  # a cooperative worker (gevent) serves others between the long steps
        triples = distinct_triples(
            period_of(day_of_row, resolution), users, combos, n_users, n_combos
        )
        counts[resolution] = user_counts(triples, n_combos)
        rows[resolution] = user_rows(triples, n_combos)
        if resolution == "monthly":
            # Over all days: one period (0) holding every distinct (user, combination).
            _, _, month_users, month_combos = triples
            everything = distinct_triples(
                np.zeros(month_users.size, np.int64), month_users, month_combos, n_users, n_combos
            )
            rows["all"] = user_rows(everything, n_combos)
    return rows, counts


class RowEncoder:
    """Encodes rows as a writer inserts them (table column order), then builds their rollup in
    one go: the writer never reads back what it wrote."""

    def __init__(self) -> None:
        self.vocabulary = Vocabulary()
        self.chunks: list[EncodedChunk] = []

    def add(self, rows) -> None:
        if rows:
            self.chunks.append(encode_chunk(columns_of_rows(rows), self.vocabulary))

    def rollup(self) -> Rollup:
        return build_rollup(self.chunks, self.vocabulary)


def _combo_table(vocabulary: Vocabulary) -> np.ndarray:
    """(combinations, dimensions) value codes, row i for combination code i."""
    table = np.zeros((len(vocabulary.combos), len(DIMENSIONS)), dtype=np.int32)
    for parts, code in vocabulary.combos.items():
        table[code] = parts
    return table


def empty_rollup(vocabulary: Vocabulary | None = None) -> Rollup:
    """The rollup of no events."""
    vocabulary = vocabulary or Vocabulary()
    i32, i64, f64 = (np.empty(0, dtype=t) for t in (np.int32, np.int64, np.float64))
    no_triples = distinct_triples(i64, i64, i64, 1, 1)
    return Rollup(
        rows=0,
        first_day=0,
        last_day=-1,
        n_users=1,
        values=tuple(() for _ in DIMENSIONS),
        titles=(),
        minutes_are_whole=True,
        combos=np.zeros((0, len(DIMENSIONS)), dtype=np.int32),
        cell_day=i32,
        cell_combo=i32,
        views=i64,
        minutes=f64,
        completed=i64,
        rated=i64,
        title_day=i32,
        title_combo=i32,
        title_code=i32,
        title_views=i64,
        total_combo=i32,
        total_title=i32,
        total_views=i64,
        title_minutes=f64,
        total_minutes=f64,
        title_runtime=f64,
        title_season=i64,
        title_episode=i64,
        episode_of_title=i32,
        view_offsets=np.zeros(1, dtype=np.int64),
        view_day=i32,
        view_user=i32,
        view_combo=i32,
        view_bin=np.empty(0, dtype=np.int8),
        week_entry_week=i32,
        week_entry_entry=i32,
        week_entry_combo=np.empty(0, dtype=np.uint16),
        week_entry_minutes=f64,
        user_rows={r: user_rows(no_triples, 1) for r in (*RESOLUTIONS, "all")},
        user_counts={r: user_counts(no_triples, 1) for r in RESOLUTIONS},
    )
