"""The events prepared once: the movies rows encoded into compact numpy arrays (`Events`).

`prepare_events(raw)` turns the rows (a DataFrame, as read from SQLite) into an `Events`:
per-day totals per session type and deduplicated (period, user) pairs per resolution.
`encode_chunk` + `build_events` do the same chunk by chunk, which is how the cache reads a large
table with bounded memory. The reading rules (which day, which numbers): data/events/analysis.py.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.events.periods import day_number, period_of

RAW_COLUMNS = (
    "event_date",
    "userid",
    "totalminuteswatched",
    "viewpercentage",
    "sessiontype",
    "title",
)
COMPLETE_PERCENT = 90.0
OTHER, MOVIE, SERIES = 0, 1, 2  # session type codes; bit (1 << code) in the pair masks
N_STYPES = 3
SESSION_BITS = {None: 0b111, "MOVIE": 1 << MOVIE, "SERIES": 1 << SERIES}
_DAY_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NO_DAY = np.iinfo(np.int64).min


@dataclass(frozen=True)
class _Pairs:
    """Distinct (period, user) pairs, sorted by period, with a bit mask of session types seen."""

    period: np.ndarray  # int32 period number (see period_of)
    user: np.ndarray  # int32 user code
    mask: np.ndarray  # uint8, bit per session type code
    first_period: int
    counts: dict[int, np.ndarray]  # session bits -> distinct users per period from first_period


@dataclass(frozen=True)
class _TitleDays:
    """Views per (day, session type, title), sorted by day, plus whole-range totals."""

    day: np.ndarray
    stype: np.ndarray
    title: np.ndarray
    views: np.ndarray
    totals: np.ndarray  # (session type, title) -> views over all days


@dataclass(frozen=True)
class Events:
    """The events reduced to what the queries need; immutable, so threads may share it."""

    rows: int  # events with a readable date
    first_day: int  # days since 1970-01-01 of the first event (meaningless when rows == 0)
    n_users: int
    titles: np.ndarray  # object array, ascending; title codes index it
    views: np.ndarray  # (session type, day) -> events
    minutes: np.ndarray  # (session type, day) -> minutes watched (int64 when all whole)
    completed: np.ndarray  # (session type, day) -> events with viewpercentage >= 90
    pairs: dict[str, _Pairs]  # resolution -> distinct (period, user)
    title_days: _TitleDays

    @property
    def n_days(self) -> int:
        """Days from the first to the last event (0 when there are none)."""
        return self.views.shape[1]

    @property
    def last_day(self) -> int:
        """Days since 1970-01-01 of the last event."""
        return self.first_day + self.n_days - 1


def _day_of(value: object) -> int:
    """Day number of an event_date value, or _NO_DAY when it does not start with a real date."""
    if not isinstance(value, str) or len(value) < 10 or not _DAY_RE.fullmatch(value[:10]):
        return _NO_DAY
    if len(value) > 10 and value[10] not in " T":
        return _NO_DAY
    try:
        return day_number(dt.date.fromisoformat(value[:10]))
    except ValueError:
        return _NO_DAY


def _event_days(column: np.ndarray) -> np.ndarray:
    """Day number per row (_NO_DAY for unreadable dates); parses each distinct value once."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    parsed = np.array([_day_of(value) for value in uniques.tolist()] + [_NO_DAY], dtype=np.int64)
    return parsed[codes]  # code -1 (NULL) picks the trailing _NO_DAY


def _numbers(column: np.ndarray) -> np.ndarray:
    """Float values of a column that may hold text, '' or NULL (unreadable -> NaN)."""
    return np.asarray(pd.to_numeric(column, errors="coerce"), dtype=np.float64)


def _session_codes(column: np.ndarray) -> np.ndarray:
    """Session type code per row: MOVIE, SERIES, or other (including '' and NULL)."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    names = {"MOVIE": MOVIE, "SERIES": SERIES}
    lookup = [
        names.get(v.strip().upper(), OTHER) if isinstance(v, str) else OTHER
        for v in uniques.tolist()
    ]
    return np.array([*lookup, OTHER], dtype=np.int8)[codes]


class Vocabulary:
    """Codes for userid and title values, shared by the chunks of one load."""

    def __init__(self) -> None:
        self.users: dict[object, int] = {}
        self.titles: dict[str, int] = {}

    @staticmethod
    def _encode(column: np.ndarray, codes_of: dict, key) -> np.ndarray:
        """Global codes of a column's values (-1 for NULL), adding new values to codes_of."""
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
        ids = [codes_of.setdefault(key(value), len(codes_of)) for value in uniques.tolist()]
        return np.array([*ids, -1], dtype=np.int32)[codes]

    def users_of(self, column: np.ndarray) -> np.ndarray:
        return self._encode(column, self.users, lambda value: value)

    def titles_of(self, column: np.ndarray) -> np.ndarray:
        # Numbers stored in a title column read as their text, so all titles sort together.
        return self._encode(column, self.titles, lambda v: v if isinstance(v, str) else str(v))


@dataclass(frozen=True)
class EncodedChunk:
    """One chunk of rows as numbers: day, user and title codes, session type, minutes, done."""

    day: np.ndarray
    user: np.ndarray
    stype: np.ndarray
    title: np.ndarray
    minutes: np.ndarray
    completed: np.ndarray


def encode_chunk(raw: Mapping[str, Sequence], vocabulary: Vocabulary) -> EncodedChunk:
    """Encode movies rows given as columns (a DataFrame, or RAW_COLUMNS -> equal-length
    sequences of values as SQLite returns them); rows with an unreadable date are dropped."""

    def column(name: str) -> np.ndarray:
        # Object arrays keep SQLite's values as they are: text, numbers, None, bytes.
        values = np.asarray(raw[name], dtype=object)
        return values if keep is None else values[keep]

    keep = None
    days = _event_days(column("event_date"))
    valid = days != _NO_DAY
    if not valid.all():
        keep, days = valid, days[valid]
    return EncodedChunk(
        day=days.astype(np.int32),  # day numbers and codes fit: half the memory while loading
        user=vocabulary.users_of(column("userid")),
        stype=_session_codes(column("sessiontype")),
        title=vocabulary.titles_of(column("title")),
        minutes=_numbers(column("totalminuteswatched")),
        completed=_numbers(column("viewpercentage")) >= COMPLETE_PERCENT,
    )


def _dedupe(period, user, bits, n_users: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct (period, user) pairs sorted by period then user, OR-ing their session bits."""
    if period.size == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty(0, dtype=np.uint8)
    period = np.asarray(period, dtype=np.int64)
    base = int(period.min())
    key = (period - base) * n_users + user.astype(np.int64)
    order = np.argsort(key, kind="stable")
    key = key[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    mask = np.bitwise_or.reduceat(bits[order], starts)
    first = key[starts]
    # int32 halves the memory of the pairs kept for queries (day numbers and codes fit).
    return (first // n_users + base).astype(np.int32), (first % n_users).astype(np.int32), mask


def _pairs(period, user, mask) -> _Pairs:
    """Wrap deduplicated pairs with their per-period distinct-user counts per session filter."""
    first = int(period[0]) if period.size else 0
    length = int(period[-1]) - first + 1 if period.size else 0
    counts = {
        bits: np.bincount(period[(mask & bits) != 0] - first, minlength=length)
        for bits in set(SESSION_BITS.values())
    }
    return _Pairs(period, user, mask, first, counts)


def _sorted_titles(chunk: EncodedChunk, vocabulary: Vocabulary) -> tuple[np.ndarray, np.ndarray]:
    """Title codes renumbered in ascending title order (-1 for NULL and ''), and the titles."""
    names = np.array(list(vocabulary.titles), dtype=object)
    order = np.argsort(names, kind="stable") if names.size else np.empty(0, dtype=np.int64)
    names = names[order]
    rank = np.empty(len(order) + 1, dtype=np.int64)
    rank[order] = np.arange(len(order))
    rank[-1] = -1  # code -1 (NULL) indexes the last slot
    codes = rank[chunk.title]
    if names.size and names[0] == "":  # '' sorts first: drop it, shift the rest down
        codes[codes >= 0] -= 1
        names = names[1:]
    return codes, names


def build_events(chunks: list[EncodedChunk], vocabulary: Vocabulary) -> Events:
    """Sort the encoded rows by day and reduce them to the per-day and per-period arrays.

    The list is emptied as it is consumed, so that the chunks' memory is freed early.
    """
    joined = EncodedChunk(
        *(
            np.concatenate([getattr(c, name) for c in chunks])
            for name in ("day", "user", "stype", "title", "minutes", "completed")
        )
    )
    chunks.clear()
    order = np.argsort(joined.day, kind="stable")
    days = joined.day[order].astype(np.int64)
    user_codes, stype = joined.user[order], joined.stype[order]
    title, titles = _sorted_titles(joined, vocabulary)
    title = title[order]
    minutes = joined.minutes[order]
    completed = joined.completed[order]
    del joined, order
    minutes[~np.isfinite(minutes)] = 0.0
    if np.array_equal(minutes, np.trunc(minutes)) and np.abs(minutes).sum() < 2**53:
        minutes = minutes.astype(np.int64)  # whole minutes stay ints, as the tutorial's sums
    n_users = max(len(vocabulary.users), 1)

    first_day = int(days[0]) if days.size else 0
    n_days = int(days[-1]) - first_day + 1 if days.size else 0
    slot = stype.astype(np.int64) * n_days + (days - first_day)
    size = N_STYPES * n_days

    def per_day(weights=None, dtype=np.int64) -> np.ndarray:
        sums = np.bincount(slot, weights=weights, minlength=size)
        return sums.astype(dtype).reshape(N_STYPES, n_days)

    views = per_day()
    minute_sums = per_day(minutes, minutes.dtype)
    completed_sums = per_day(completed.astype(np.float64))

    # Distinct (day, user), then (week, user) and (month, user) from those: each query counts
    # users with a bincount over pre-sorted pairs instead of a distinct over raw rows.
    has_user = user_codes >= 0
    bits = (np.uint8(1) << stype.astype(np.uint8))[has_user]
    d_period, d_user, d_mask = _dedupe(days[has_user], user_codes[has_user], bits, n_users)
    pairs = {"daily": _pairs(d_period, d_user, d_mask)}
    for resolution in ("weekly", "monthly"):
        pairs[resolution] = _pairs(
            *_dedupe(period_of(d_period, resolution), d_user, d_mask, n_users)
        )

    with_title = title >= 0
    n_titles = max(len(titles), 1)
    key = ((days[with_title] - first_day) * N_STYPES + stype[with_title]) * n_titles
    key, title_views = np.unique(key + title[with_title].astype(np.int64), return_counts=True)
    td_title = key % n_titles
    td_stype = (key // n_titles) % N_STYPES
    totals = np.zeros((N_STYPES, len(titles)), dtype=np.int64)
    np.add.at(totals, (td_stype, td_title), title_views)
    title_days = _TitleDays(
        day=key // (n_titles * N_STYPES) + first_day,
        stype=td_stype,
        title=td_title,
        views=title_views.astype(np.int64),
        totals=totals,
    )
    return Events(
        rows=int(days.size),
        first_day=first_day,
        n_users=n_users,
        titles=titles,
        views=views,
        minutes=minute_sums,
        completed=completed_sums,
        pairs=pairs,
        title_days=title_days,
    )


def prepare_events(raw: pd.DataFrame) -> Events:
    """Reduce the movies rows (RAW_COLUMNS, values as SQLite stores them) to an Events object."""
    vocabulary = Vocabulary()
    return build_events([encode_chunk(raw, vocabulary)], vocabulary)


def empty_events() -> Events:
    """Events of an empty (or missing) database."""
    return prepare_events(pd.DataFrame({name: pd.Series([], dtype=object) for name in RAW_COLUMNS}))
