"""Viewing analytics: prepare the events once, then answer time series, toplists and KPIs fast.

`prepare_events(raw)` turns the `movies` rows (a DataFrame, as read from SQLite) into an
`Events` object of compact numpy arrays: per-day totals per session type and deduplicated
(period, user) pairs per resolution. (`encode_chunk` + `build_events` do the same in chunks,
which is how the cache reads a large table with bounded memory.) The query functions
(`timeseries`, `toplist`, `kpis`, `date_bounds`) are pure functions of an `Events` and the
parsed parameters, so the /data routes and the dashboard compute their numbers on one code
path, and a query never re-reads the rows.

Semantics (the tutorial's, pydatsci examples/dashboard/analysis_tools.py):
- The event's day is the first 10 characters of event_date ('YYYY-MM-DD', followed by nothing,
  ' ' or 'T'); rows whose date cannot be read are left out of everything.
- Unique users: distinct non-NULL userid values per period (as the tutorial's
  `len(x.value_counts())` and SQL's COUNT(DISTINCT userid); '' is a value, NULL is not).
- Minutes watched: sum of totalminuteswatched; text numbers are read as numbers, '' / NULL /
  unreadable / non-finite as 0.
- Periods: daily; weekly, starting on Monday and labelled by that Monday; monthly, labelled by
  the 1st. Labels are 'YYYY-MM-DD'. Zero-filled from the first to the last matching event's
  period, or across the periods containing the requested start and end.
- Toplist: view events per title, most first, ties by title ascending; NULL and '' titles left out.
- Session type: 'MOVIE' or 'SERIES' (compared case-insensitively, surrounding blanks ignored);
  rows with another or no session type count only when no session type is asked for.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.params import Filters, InvalidParameter

RAW_COLUMNS = (
    "event_date",
    "userid",
    "totalminuteswatched",
    "viewpercentage",
    "sessiontype",
    "title",
)
METRICS = ("unique_users", "minutes_watched")
RESOLUTIONS = ("daily", "weekly", "monthly")
COMPLETE_PERCENT = 90.0
# A daily series over about a century; longer ranges are refused rather than served as megabytes.
MAX_PERIODS = 36_600

_OTHER, _MOVIE, _SERIES = 0, 1, 2  # session type codes; bit (1 << code) in the pair masks
_N_STYPES = 3
_BITS = {None: 0b111, "MOVIE": 1 << _MOVIE, "SERIES": 1 << _SERIES}
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_DAY_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NO_DAY = np.iinfo(np.int64).min


@dataclass(frozen=True)
class _Pairs:
    """Distinct (period, user) pairs, sorted by period, with a bit mask of session types seen."""

    period: np.ndarray  # int32 period number (see _period_of)
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


# ---------------------------------------------------------------------------------------------
# Dates and periods (all as int day numbers: days since 1970-01-01, a Thursday)


def day_number(date: dt.date) -> int:
    """Days since 1970-01-01."""
    return date.toordinal() - _EPOCH_ORDINAL


def _period_of(days, resolution: str):
    """Period number of day number(s): the day itself, the week (from Monday) or the month."""
    if resolution == "daily":
        return days
    if resolution == "weekly":
        return (days + 3) // 7  # day -3 (1969-12-29) is the Monday that starts week 0
    months = (
        np.asarray(np.asarray(days, dtype=np.int64), dtype="datetime64[D]")
        .astype("datetime64[M]")
        .astype(np.int64)
    )
    return months if np.ndim(days) else int(months)


def _period_start(periods, resolution: str):
    """First day number of period number(s)."""
    if resolution == "daily":
        return periods
    if resolution == "weekly":
        return np.asarray(periods) * 7 - 3 if np.ndim(periods) else periods * 7 - 3
    days = np.asarray(periods, dtype="datetime64[M]").astype("datetime64[D]").astype(np.int64)
    return days if np.ndim(periods) else int(days)


def _period_end(period: int, resolution: str) -> int:
    """Last day number of a period number."""
    return int(_period_start(period + 1, resolution)) - 1


def _labels(p_lo: int, p_hi: int, resolution: str) -> list[str]:
    """'YYYY-MM-DD' labels of the periods p_lo..p_hi (their first day)."""
    starts = _period_start(np.arange(p_lo, p_hi + 1, dtype=np.int64), resolution)
    return np.datetime_as_string(starts.astype("datetime64[D]"), unit="D").tolist()


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


# ---------------------------------------------------------------------------------------------
# Preparing the events


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
    names = {"MOVIE": _MOVIE, "SERIES": _SERIES}
    lookup = [
        names.get(v.strip().upper(), _OTHER) if isinstance(v, str) else _OTHER
        for v in uniques.tolist()
    ]
    return np.array([*lookup, _OTHER], dtype=np.int8)[codes]


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
        for bits in set(_BITS.values())
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
    size = _N_STYPES * n_days

    def per_day(weights=None, dtype=np.int64) -> np.ndarray:
        sums = np.bincount(slot, weights=weights, minlength=size)
        return sums.astype(dtype).reshape(_N_STYPES, n_days)

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
            *_dedupe(_period_of(d_period, resolution), d_user, d_mask, n_users)
        )

    with_title = title >= 0
    n_titles = max(len(titles), 1)
    key = ((days[with_title] - first_day) * _N_STYPES + stype[with_title]) * n_titles
    key, title_views = np.unique(key + title[with_title].astype(np.int64), return_counts=True)
    td_title = key % n_titles
    td_stype = (key // n_titles) % _N_STYPES
    totals = np.zeros((_N_STYPES, len(titles)), dtype=np.int64)
    np.add.at(totals, (td_stype, td_title), title_views)
    title_days = _TitleDays(
        day=key // (n_titles * _N_STYPES) + first_day,
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


# ---------------------------------------------------------------------------------------------
# Queries


def _stype_rows(filters: Filters) -> list[int]:
    """Session type codes a filter covers."""
    bits = _BITS[filters.sessiontype]
    return [code for code in range(_N_STYPES) if bits & (1 << code)]


def _clip(events: Events, lo: int, hi: int) -> tuple[int, int]:
    """Day offsets into the per-day arrays for lo..hi (may be empty: start > stop)."""
    return max(lo, events.first_day) - events.first_day, min(hi, events.last_day) - events.first_day


def _range(events: Events, filters: Filters) -> tuple[int, int] | None:
    """The day range a series covers: start..end, with a missing side taken from the events."""
    lo = day_number(filters.start) if filters.start else None
    hi = day_number(filters.end) if filters.end else None
    if lo is None or hi is None:
        active = np.flatnonzero(events.views[_stype_rows(filters)].sum(axis=0)) + events.first_day
        if lo is not None:
            active = active[active >= lo]
        if hi is not None:
            active = active[active <= hi]
        if active.size == 0:
            return None
        lo = int(active[0]) if lo is None else lo
        hi = int(active[-1]) if hi is None else hi
    return (lo, hi) if lo <= hi else None


def _distinct_users(events: Events, bits: int, lo: int, hi: int) -> int:
    """Distinct users with an event of the given session bits on days lo..hi."""
    daily = events.pairs["daily"]
    i0, i1 = np.searchsorted(daily.period, [lo, hi + 1])
    users = daily.user[i0:i1][(daily.mask[i0:i1] & bits) != 0]
    if users.size * 8 < events.n_users:
        return int(np.unique(users).size)
    seen = np.zeros(events.n_users, dtype=bool)
    seen[users] = True
    return int(np.count_nonzero(seen))


def _unique_users_per_period(
    events: Events, resolution: str, bits: int, lo: int, hi: int, p_lo: int, p_hi: int
) -> np.ndarray:
    """Distinct users per period p_lo..p_hi, counting only days lo..hi."""
    pairs = events.pairs[resolution]
    out = np.zeros(p_hi - p_lo + 1, dtype=np.int64)
    counts = pairs.counts[bits]
    a, b = max(p_lo, pairs.first_period), min(p_hi, pairs.first_period + counts.size - 1)
    if a <= b:
        out[a - p_lo : b - p_lo + 1] = counts[a - pairs.first_period : b - pairs.first_period + 1]
    if resolution == "daily" or events.rows == 0:
        return out
    # A period cut by start or end is recounted from its days, if the cut excludes any events.
    first_cut = lo > max(_period_start(p_lo, resolution), events.first_day)
    if first_cut:
        out[0] = _distinct_users(events, bits, lo, min(hi, _period_end(p_lo, resolution)))
    if hi < min(_period_end(p_hi, resolution), events.last_day) and not (
        first_cut and p_lo == p_hi
    ):
        out[-1] = _distinct_users(events, bits, max(lo, _period_start(p_hi, resolution)), hi)
    return out


def _minutes_per_period(
    events: Events, resolution: str, filters: Filters, lo: int, hi: int, p_lo: int, p_hi: int
) -> np.ndarray:
    """Minutes watched per period p_lo..p_hi, counting only days lo..hi."""
    per_day = events.minutes[_stype_rows(filters)].sum(axis=0)
    out = np.zeros(p_hi - p_lo + 1, dtype=per_day.dtype)
    i0, i1 = _clip(events, lo, hi)
    if i0 <= i1:
        days = np.arange(i0, i1 + 1, dtype=np.int64) + events.first_day
        np.add.at(out, _period_of(days, resolution) - p_lo, per_day[i0 : i1 + 1])
    return out


def timeseries(events: Events, metric: str, resolution: str, filters: Filters) -> list[dict]:
    """[{"date": 'YYYY-MM-DD', "values": N}] per period, zero-filled, for unique_users or
    minutes_watched."""
    if metric not in METRICS:
        raise InvalidParameter(f"metric must be one of {', '.join(METRICS)}, got {metric!r}")
    if resolution not in RESOLUTIONS:
        raise InvalidParameter(f"resolution must be one of {', '.join(RESOLUTIONS)}")
    span = _range(events, filters)
    if span is None:
        return []
    lo, hi = span
    p_lo, p_hi = int(_period_of(lo, resolution)), int(_period_of(hi, resolution))
    if p_hi - p_lo + 1 > MAX_PERIODS:
        raise InvalidParameter(
            f"the date range holds {p_hi - p_lo + 1} {resolution} periods; at most {MAX_PERIODS} "
            "are served: narrow start..end or use a coarser resolution"
        )
    if metric == "unique_users":
        bits = _BITS[filters.sessiontype]
        values = _unique_users_per_period(events, resolution, bits, lo, hi, p_lo, p_hi)
    else:
        values = _minutes_per_period(events, resolution, filters, lo, hi, p_lo, p_hi)
    labels = _labels(p_lo, p_hi, resolution)
    return [{"date": d, "values": v} for d, v in zip(labels, values.tolist(), strict=True)]


def toplist(events: Events, num: int, filters: Filters) -> list[dict]:
    """[{"title": ..., "values": views}] for the num most viewed titles, ties by title."""
    td = events.title_days
    rows = _stype_rows(filters)
    if filters.start is None and filters.end is None:
        counts = td.totals[rows].sum(axis=0)
    else:
        lo = day_number(filters.start) if filters.start else events.first_day
        hi = day_number(filters.end) if filters.end else events.last_day
        i0, i1 = np.searchsorted(td.day, [lo, hi + 1])
        chosen = np.isin(td.stype[i0:i1], rows)
        counts = np.bincount(
            td.title[i0:i1][chosen], weights=td.views[i0:i1][chosen], minlength=len(events.titles)
        ).astype(np.int64)
    viewed = np.flatnonzero(counts)
    # Codes follow title order, so sorting by (-views, code) breaks ties by title ascending.
    top = viewed[np.lexsort((viewed, -counts[viewed]))][:num]
    return [{"title": events.titles[i], "values": int(counts[i])} for i in top]


def kpis(events: Events, filters: Filters) -> dict:
    """Headline numbers for the filtered events.

    unique_users: distinct userid; hours_watched: minutes / 60 (1 decimal); views: events;
    avg_minutes_per_user: minutes / unique users (1 decimal, 0 without users);
    completion_rate: fraction (0..1, 4 decimals) of all views whose viewpercentage is >= 90.
    The denominator is every view: a view without a viewpercentage counts as not completed,
    so the rate reads "share of views watched to the end" (0 without views).
    """
    lo = day_number(filters.start) if filters.start else events.first_day
    hi = day_number(filters.end) if filters.end else events.last_day
    rows = _stype_rows(filters)
    i0, i1 = _clip(events, lo, hi)
    if events.rows == 0 or i0 > i1:
        views = minutes = completed = users = 0
    else:
        window = slice(i0, i1 + 1)
        views = int(events.views[rows, window].sum())
        minutes = events.minutes[rows, window].sum().item()
        completed = int(events.completed[rows, window].sum())
        users = _distinct_users(events, _BITS[filters.sessiontype], lo, hi)
    return {
        "unique_users": users,
        "hours_watched": round(minutes / 60, 1),
        "views": views,
        "avg_minutes_per_user": round(minutes / users, 1) if users else 0.0,
        "completion_rate": round(completed / views, 4) if views else 0.0,
    }


def date_bounds(events: Events) -> tuple[dt.date, dt.date] | None:
    """(first, last) event date, or None without events."""
    if events.rows == 0:
        return None
    first = dt.date.fromordinal(events.first_day + _EPOCH_ORDINAL)
    return first, dt.date.fromordinal(events.last_day + _EPOCH_ORDINAL)
