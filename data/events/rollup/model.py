"""The rollup: the events reduced, once per version of the data, to what every query needs.

A `Rollup` holds flat numpy arrays: additive measures per (day, combination of dimension
values), distinct (period, user, combination) triples per resolution, and views per (day,
combination, title). Everything a query reads is sized by days x combinations x users, not by
events, and is exact. data/events/rollup/build.py makes it; data/events/rollup/files.py stores
it so that every worker maps the same pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from data.events.catalog import DIMENSIONS
from data.events.periods import RESOLUTIONS
from data.events.rollup.hours import empty_hours
from data.events.rollup.user_tables import (
    UserCounts,
    UserRows,
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
# episode its other rows name, placeholder contentids ("NULL", "n/a") name nothing; 10: merged
# from pieces (dimension values in name order, only those that kept rows use); 11: the season
# dimension, read from seasonnumber as stored; 12: views, minutes and distinct users per (day,
# hour, combination), and minutes along the daily user triples (data/events/rollup/hours.py).
# 13: each known user's titled events in time order (seq_*, what "what they watched next"
# reads), times read from the uncut event_date.
FORMAT = 13


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
    # are shows.entries(rollup, "season")'s ids: a movie, or a season of a show.
    week_entry_week: np.ndarray  # int32 week numbers (periods.period_of, weekly)
    week_entry_entry: np.ndarray  # int32
    week_entry_combo: np.ndarray  # uint16 (int32 when there are more combinations)
    week_entry_minutes: np.ndarray  # float64
    # Per (day, hour, combination) of events with a readable time, sorted: views and minutes;
    # the distinct (day, hour, user, combination) of their known users, sorted; and minutes
    # per daily user triple, along user_rows["daily"] (data/events/rollup/hours.py).
    hour_day: np.ndarray  # int32
    hour_hour: np.ndarray  # int8, 0..23
    hour_combo: np.ndarray  # int32
    hour_views: np.ndarray  # int64
    hour_minutes: np.ndarray  # float64
    houruser_day: np.ndarray  # int32
    houruser_hour: np.ndarray  # int8
    houruser_user: np.ndarray  # int32
    houruser_combo: np.ndarray  # int32
    user_minutes: np.ndarray  # float64
    # The distinct (user, time, title, combination, bin) of known users' titled events, sorted
    # by user, then time, then the rest: a user's events in the order they happened
    # (data/events/rollup/sequences.py); about one row per titled event.
    seq_user: np.ndarray  # int32
    seq_time: np.ndarray  # int64 seconds since the epoch, local wall-clock (REPORT_TIMEZONE)
    seq_title: np.ndarray  # int32
    seq_combo: np.ndarray  # uint16 (int32 when there are more combinations)
    seq_bin: np.ndarray  # int8
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


def empty_rollup() -> Rollup:
    """The rollup of no events."""
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
        **empty_hours(),
        seq_user=i32,
        seq_time=i64,
        seq_title=i32,
        seq_combo=np.empty(0, dtype=np.uint16),
        seq_bin=np.empty(0, dtype=np.int8),
        user_rows={r: user_rows(no_triples, 1) for r in (*RESOLUTIONS, "all")},
        user_counts={r: user_counts(no_triples, 1) for r in RESOLUTIONS},
    )
