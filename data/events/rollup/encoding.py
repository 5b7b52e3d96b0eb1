"""Movies rows as numbers: day, user, item and dimension-combination codes, and the measures.

`encode_chunk(columns, vocabulary)` turns one chunk of rows (columns of values as SQLite returns
them, or a DataFrame) into an `EncodedChunk`; a `Vocabulary` gives the chunks of one build
shared codes. The reading rules (which day, which numbers) are the tutorial's, see
data/events/analysis/queries.py; text is named with its `<xx>` escapes decoded, once per
distinct value.

An item is what a title code names: a title's text together with the episode it is. An episode
is its show, season number and episode number when both numbers are known, otherwise its
contentid, otherwise its title text; many shows name every episode after the show ("Ronja
Røverdatter, Ronja Røverdatter" for episodes 1 to 6), and seasons reuse episode titles. Items
of one text add up to the title the toplist names; items of one episode to the episode. A
contentid's rows without both numbers are the numbered episode its other rows name, when they
name one; placeholder contentids ("NULL", "n/a") name nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.events.catalog import COMPLETE_PERCENT, DIMENSIONS
from data.events.ingest.text_decoding import decode_escapes
from data.events.local_time import UTC_ZONES, Zones
from data.events.rollup.event_dates import (  # noqa: F401 (the encoding's reading rules)
    DATE_TEXT_CHARS,
    NO_DAY,
    NO_HOUR,
    date_text,
    day_of_value,
    event_days,
    event_days_hours,
    factorized,
    hour_of_value,
)
from data.events.rollup.event_time import DAY_SECONDS, event_seconds

# What a build reads, as (key, column) pairs in this order (the loaders' SELECT follows it): the
# key names the values in a chunk's columns, the column is the movies column they come from.
# A dimension reads its column under its own name, as stored: a column the title facts read
# too (seasonnumber: a title's season, on PostgreSQL a number of titled rows only) is read
# once for each.
READS: tuple[tuple[str, str], ...] = (
    *((c, c) for c in ("event_date", "userid", "totalminuteswatched", "viewpercentage", "title")),
    *((d.name, d.column) for d in DIMENSIONS),
    *((c, c) for c in ("runningtime", "seasonnumber", "episodenumber", "contentid")),
    ("event_time", "event_date"),  # uncut, for the time of day (rollup/event_time.py)
)
RAW_KEYS = tuple(key for key, _ in READS)
COLUMN_OF = dict(READS)
if len(COLUMN_OF) < len(READS):
    raise ImportError("a dimension of the catalog is named like another value a build reads")
# The movies columns a build reads, each once (what a health check asks the table for).
RAW_COLUMNS = tuple(dict.fromkeys(column for _, column in READS))
MAX_EXACT = float(2**53)  # the largest float up to which every whole number is exact
MAX_MINUTES = MAX_EXACT


def keyed_columns(table: Mapping[str, Sequence]) -> dict[str, Sequence]:
    """What encode_chunk reads (RAW_KEYS -> values) from columns named as the movies table
    names them (a DataFrame of raw rows)."""
    return {key: table[column] for key, column in READS}


def _numbers(column: np.ndarray) -> np.ndarray:
    """Float values of a column that may hold text, '' or NULL (unreadable -> NaN)."""
    return np.asarray(pd.to_numeric(column, errors="coerce"), dtype=np.float64)


def _user_key(value: object) -> object:
    """A stored userid as the user it names: text with its `<xx>` escapes decoded."""
    return decode_escapes(value) if isinstance(value, str) else value


def _title_key(value: object) -> str:
    """A stored title as the title it names: its text, `<xx>` escapes decoded."""
    return decode_escapes(value if isinstance(value, str) else str(value))


def show_of(title: str) -> str:
    """The show of an episode's title: the text before its first ", "."""
    return title.split(", ", 1)[0]


# An episode's identity, the second half of an item's key: ("e", show, season, episode) when
# both numbers are known, ("c", contentid) otherwise when it has one, else ("t",): the text.
BY_NUMBERS, BY_CONTENTID, BY_TEXT = "e", "c", "t"


# Contentids that name nothing: exporters write these for a missing value.
NO_CONTENTID = frozenset({"", "null", "none", "nan", "n/a"})


def episode_identity(title: str, season: float, episode: float, contentid: object) -> tuple:
    """The episode a row is (see the module's docstring), from its decoded title, its season
    and episode numbers (NaN when unknown) and its contentid (None or '' when unknown)."""
    if season == season and episode == episode:  # neither is NaN
        return (BY_NUMBERS, show_of(title), int(season), int(episode))
    if contentid is not None and _title_key(contentid).strip().casefold() not in NO_CONTENTID:
        return (BY_CONTENTID, _title_key(contentid))
    return (BY_TEXT,)


def episode_of(identity: tuple, numbered: dict[str, set[tuple]]) -> tuple:
    """The episode an item's identity names: a contentid whose other rows carry one pair of
    numbers is that numbered episode (some rows of an episode lack its numbers)."""
    if identity[0] == BY_CONTENTID and len(named := numbered.get(identity[1], ())) == 1:
        return next(iter(named))
    return identity


def item_sort_key(key: tuple) -> tuple:
    """Items sort by title text, then by episode: numbers in order, then contentids."""
    title, identity = key
    if identity[0] == BY_NUMBERS:
        return (title, 0, identity[2], identity[3], "")
    if identity[0] == BY_CONTENTID:
        return (title, 1, 0, 0, identity[1])
    return (title, 2, 0, 0, "")


def _distinct_rows(parts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct rows, index of each row's distinct row) of a 2-D array of codes >= -1."""
    sizes = parts.max(axis=0, initial=-1) + 2
    if parts.shape[0] and float(np.prod(sizes.astype(np.float64))) < 2.0**62:
        # Pack each row into one integer: a 1-D factorize is far faster than rows.
        packed = np.zeros(parts.shape[0], dtype=np.int64)
        for column, size in zip(parts.T, sizes.tolist(), strict=True):
            packed = packed * size + (column + 1)
        codes, packs = pd.factorize(packed)
        distinct = np.empty((len(packs), parts.shape[1]), dtype=np.int64)
        rest = np.asarray(packs, dtype=np.int64)
        for i in range(parts.shape[1] - 1, -1, -1):
            rest, distinct[:, i] = np.divmod(rest, sizes[i])
        return distinct - 1, np.asarray(codes, dtype=np.int64)
    distinct, codes = np.unique(parts, axis=0, return_inverse=True)
    return distinct, codes.reshape(-1)


class Vocabulary:
    """Codes for users, titles, each dimension's values and their combinations, shared by the
    chunks of one build. A combination is a tuple of value codes, one per dimension."""

    def __init__(self) -> None:
        self.users: dict[object, int] = {}
        self.titles: dict[tuple[str, tuple], int] = {}  # (title, episode identity) -> item
        # contentid -> the numbered episodes its rows name: its rows without numbers are the
        # same episode when that is one (episode_of, data/events/rollup/model.py).
        self.numbered: dict[str, set[tuple]] = {}
        # Codes of the contentids of rows with both numbers: a piece keeps which items its rows
        # pair with which contentid (data/events/rollup/pieces.py), so that a rollup merged from
        # pieces knows `numbered` of exactly the rows it counts.
        self.contentids: dict[str, int] = {}
        self.values: list[dict[str, int]] = [{} for _ in DIMENSIONS]
        self.combos: dict[tuple[int, ...], int] = {}

    def _encode(self, column: np.ndarray, codes_of: dict, key) -> np.ndarray:
        """Global codes of a column's values (-1 for NULL), adding new values to codes_of."""
        codes, uniques = factorized(column)
        ids = [codes_of.setdefault(key(value), len(codes_of)) for value in uniques]
        return np.array([*ids, -1], dtype=np.int32)[codes]

    def users_of(self, column: np.ndarray) -> np.ndarray:
        # Escapes decoded as import-events decodes them: "u<e5>" and "uå" are one user.
        return self._encode(column, self.users, _user_key)

    def items_of(self, title, season: np.ndarray, episode: np.ndarray, contentid) -> np.ndarray:
        """The item code of each row (see items_and_contentids_of)."""
        return self.items_and_contentids_of(title, season, episode, contentid)[0]

    def items_and_contentids_of(self, title, season, episode, contentid) -> tuple:
        """(the item code of each row (-1 for a NULL title), the code in `contentids` of its
        contentid when the row has both numbers and one, else -1), from its title column, its
        known season and episode numbers (known_numbers, NaN when unknown) and contentid column.

        Numbers stored in a title column read as their text, so all titles sort together;
        escapes decoded, so "p<e5>" and "på" are one title. Only the distinct (title, season,
        episode, contentid) codes meet Python."""
        (t_codes, t_values), (c_codes, c_values) = (
            factorized(np.asarray(c, dtype=object)) for c in (title, contentid)
        )
        (s_codes, s_values), (e_codes, e_values) = (
            pd.factorize(np.asarray(v, dtype=np.float64)) for v in (season, episode)
        )
        # Per row, the four columns' codes (NaN numbers as -1); only distinct rows meet Python.
        parts = np.stack([t_codes, s_codes, e_codes, c_codes], axis=1).astype(np.int64)
        distinct, codes = _distinct_rows(parts)
        ids, cids = [], []
        for t, s, e, c in distinct.tolist():
            cids.append(-1)
            if t == len(t_values):  # NULL title
                ids.append(-1)
                continue
            text = _title_key(t_values[t])
            season_value = s_values[s] if s >= 0 else np.nan
            episode_value = e_values[e] if e >= 0 else np.nan
            contentid = c_values[c] if c < len(c_values) else None
            identity = episode_identity(text, season_value, episode_value, contentid)
            ids.append(self.titles.setdefault((text, identity), len(self.titles)))
            if identity[0] == BY_NUMBERS and contentid is not None:
                self.numbered.setdefault(_title_key(contentid), set()).add(identity)
                named = _title_key(contentid)
                cids[-1] = self.contentids.setdefault(named, len(self.contentids))
        return (
            np.asarray(ids + [-1], dtype=np.int32)[codes],
            np.asarray(cids + [-1], dtype=np.int32)[codes],
        )

    def combos_of(self, columns: list[np.ndarray]) -> np.ndarray:
        """The combination code of each row's dimension values."""
        per_dimension = []
        for dimension, codes_of, column in zip(DIMENSIONS, self.values, columns, strict=True):
            codes, uniques = factorized(column)
            names = [dimension.value_of(value) for value in uniques] + [dimension.value_of(None)]
            ids = np.array([codes_of.setdefault(n, len(codes_of)) for n in names], np.int64)
            per_dimension.append(ids[codes])
        # Pack the row's codes into one integer, so that only the distinct packs meet Python.
        sizes = [len(codes_of) for codes_of in self.values]
        packed = np.zeros(len(columns[0]), dtype=np.int64)
        for codes, size in zip(per_dimension, sizes, strict=True):
            packed = packed * size + codes
        distinct, inverse = np.unique(packed, return_inverse=True)
        ids = []
        for pack in distinct.tolist():
            parts = []
            for size in reversed(sizes):
                pack, part = divmod(pack, size)
                parts.append(part)
            ids.append(self.combos.setdefault(tuple(reversed(parts)), len(self.combos)))
        return np.asarray(ids, dtype=np.int32)[inverse.reshape(-1)]


@dataclass(frozen=True)
class EncodedChunk:
    """One chunk of rows as numbers (rows with an unreadable date are left out)."""

    day: np.ndarray  # int32 days since 1970-01-01
    hour: np.ndarray  # int8 hour of the day 0..23 (hour_of_value), NO_HOUR when unknown
    user: np.ndarray  # int32 user code, -1 for NULL
    title: np.ndarray  # int32 item code (see the module's docstring), -1 for NULL
    contentid: np.ndarray  # int32 Vocabulary.contentids code of a numbered row's, else -1
    combo: np.ndarray  # int32 combination of dimension values
    minutes: np.ndarray  # float64, unreadable as 0
    completed: np.ndarray  # bool: viewpercentage >= 90
    rated: np.ndarray  # bool: viewpercentage known
    percent_bin: np.ndarray  # int8: viewpercentage's 10-point bin 0..9, -1 when unknown
    runtime: np.ndarray  # float64 runningtime in minutes, NaN when unknown
    season: np.ndarray  # float64 seasonnumber, NaN when unknown
    episode: np.ndarray  # float64 episodenumber, NaN when unknown
    time: np.ndarray  # int64 seconds since the epoch (event_time.event_seconds)

    FIELDS = ("day", "hour", "user", "title", "contentid", "combo", "minutes", "completed", "rated")
    FIELDS += ("percent_bin", "runtime", "season", "episode", "time")


PERCENT_BINS = 10  # viewpercentage in 10-point bins; 100 and more fall in the last one


def percent_bins(percent: np.ndarray) -> np.ndarray:
    """The 10-point bin (0..9) of each viewpercentage, -1 for NaN; bin 9 is >= 90, the
    completed views, so the histogram and the completion rate agree."""
    known = ~np.isnan(percent)
    bins = np.full(percent.shape, -1, dtype=np.int8)
    bins[known] = np.clip(np.floor(percent[known] / 10), 0, PERCENT_BINS - 1).astype(np.int8)
    return bins


def known_numbers(values: np.ndarray, positive: bool = False, count: bool = False) -> np.ndarray:
    """Numbers that name something, the rest NaN: finite values; with positive, only those
    above 0 (a runtime of 0 minutes is not known); with count, only whole numbers from 0 to
    2**53 (a season or an episode number)."""
    values = np.where(np.isfinite(values), values, np.nan)
    if positive:
        values[~(values > 0)] = np.nan
    if count:
        values[~((values >= 0) & (values <= MAX_EXACT) & (values == np.trunc(values)))] = np.nan
    return values


def encode_chunk(
    raw: Mapping[str, Sequence], vocabulary: Vocabulary, zones: Zones = UTC_ZONES
) -> EncodedChunk:
    """Encode movies rows given as columns: RAW_KEYS -> equal-length sequences of values as
    SQLite returns them (keyed_columns of a DataFrame of raw rows); days are local to zones."""

    def column(name: str) -> np.ndarray:
        # Object arrays keep SQLite's values as they are: text, numbers, None, bytes.
        values = np.asarray(raw[name], dtype=object)
        return values if keep is None else values[keep]

    keep = None
    days, hours, local_seconds = event_days_hours(column("event_date"), zones)
    valid = days != NO_DAY
    if not valid.all():
        keep, days, hours = valid, days[valid], hours[valid]
        local_seconds = None if local_seconds is None else local_seconds[valid]
    if local_seconds is None:  # the time as written: its day is the one the rollup counts
        times = event_seconds(column("event_time"), days)
    else:  # converted: the local day's start and the local time (midnight when unknown)
        times = days * DAY_SECONDS + np.maximum(local_seconds, 0)
    minutes = _numbers(column("totalminuteswatched"))
    # Unknown minutes add nothing: non-finite, negative (nobody watches less than nothing), and
    # from 2**53 on (no longer exact, 2**53 + 1 reads as 2**53; sums would overflow).
    minutes[~((minutes >= 0) & (minutes < MAX_MINUTES))] = 0.0
    percent = _numbers(column("viewpercentage"))
    percent[np.isinf(percent)] = np.nan  # 1e309 is stored as infinity: no measured share
    season = known_numbers(_numbers(column("seasonnumber")), count=True)
    episode = known_numbers(_numbers(column("episodenumber")), count=True)
    items, contentids = vocabulary.items_and_contentids_of(
        column("title"), season, episode, column("contentid")
    )
    return EncodedChunk(
        day=days.astype(np.int32),
        hour=hours,
        user=vocabulary.users_of(column("userid")),
        title=items,
        contentid=contentids,
        combo=vocabulary.combos_of([column(d.name) for d in DIMENSIONS]),
        minutes=minutes,
        completed=percent >= COMPLETE_PERCENT,
        rated=~np.isnan(percent),
        percent_bin=percent_bins(percent),
        runtime=known_numbers(_numbers(column("runningtime")), positive=True),
        season=season,
        episode=episode,
        time=times,
    )
