"""Title insights over a Rollup: the toplist at title, season or series level, a title's or a
show's own numbers (per period, completion, devices and markets, seasons and episodes with the
drop-off between them) and the weekly Top 10 as Netflix publishes it.

Definitions (each a careful analyst's reading of the issue that asked for them):
- Entries (data/events/series.py): SERIES rows roll up to "Show: Season N" or "Show"; other
  rows stay their title. Views are events; ties by name.
- A title's unique viewers: distinct non-NULL userid among its matching events. Completion: views
  with viewpercentage >= 90 over views whose viewpercentage is known; the histogram's 10-point
  bins put 100 and more in the last one (90-100), as completion counts them.
- Drop-off from an episode to the next (episodes ordered by season, episode number, title):
  viewers of the next episode who also watched this one, over this one's viewers.
- Top 10 of a week (Monday..Sunday): a movie is one entry, a season of a series one entry.
  hours_viewed = minutes watched that week / 60; runtime_hours = a movie's runningtime, or the
  sum over a season's distinct episodes (titles) of their runningtime, each title's most frequent
  known value, over all the data; views = hours_viewed / runtime_hours. Ranked by views, then
  hours_viewed, then title; entries without a known runtime, or with no hours that week, are
  left out. A season with some episodes of unknown runtime sums those it knows.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import numpy as np

from data.events import queries, series
from data.events.catalog import DIMENSION_NAMES
from data.events.encoding import PERCENT_BINS
from data.events.params import Filters, shown
from data.events.periods import date_of, day_number, period_labels, period_of, period_start
from data.events.rollup import Rollup

TOP10_SIZE = 10
HISTOGRAM_BINS = tuple((10 * i, 10 * (i + 1)) for i in range(PERCENT_BINS))


class TitleNotFound(LookupError):
    """No event has the title (or no SERIES event the show) asked for."""


# -- toplist at a level ----------------------------------------------------------------------


def _title_rows(rollup: Rollup, filters: Filters, lo=None, hi=None):
    """(title, combination, views, minutes) of the (day, combination, title) rows of days
    lo..hi (default: the filters' range) whose combination the filters allow."""
    if lo is None and hi is None and filters.start is None and filters.end is None:
        title, combo = rollup.total_title, rollup.total_combo
        views, minutes = rollup.total_views, rollup.total_minutes
    else:
        lo = lo if lo is not None else _lo(rollup, filters)
        hi = hi if hi is not None else _hi(rollup, filters)
        rows = queries.day_rows(rollup.title_day, lo, hi)
        title, combo = rollup.title_code[rows], rollup.title_combo[rows]
        views, minutes = rollup.title_views[rows], rollup.title_minutes[rows]
    allowed = queries.allowed_combos(rollup, filters)
    if allowed is not None:
        keep = allowed[combo]
        title, combo, views, minutes = title[keep], combo[keep], views[keep], minutes[keep]
    return title, combo, views, minutes


def _lo(rollup: Rollup, filters: Filters) -> int:
    return day_number(filters.start) if filters.start else rollup.first_day


def _hi(rollup: Rollup, filters: Filters) -> int:
    return day_number(filters.end) if filters.end else rollup.last_day


def _top_entries(rollup: Rollup, num: int, filters: Filters, level: str):
    """(the level's entries, the ids of the num most viewed, their views), ties by name."""
    index = series.entries(rollup, level)
    title, combo, views, _ = _title_rows(rollup, filters)
    entry = index.of_rows(title, combo, series.is_series_combo(rollup))
    counts = np.bincount(entry, weights=views, minlength=len(index.names)).astype(np.int64)
    viewed = np.flatnonzero(counts)
    top = viewed[np.lexsort((viewed, -counts[viewed]))][:num]  # ids follow names: ties by name
    return index, top, counts[top]


def toplist(rollup: Rollup, num: int, filters: Filters, level: str) -> list[dict]:
    """[{"title", "values": views}] for the num most viewed entries of the level."""
    if level == "title":
        return queries.toplist(rollup, num, filters)
    index, top, counts = _top_entries(rollup, num, filters, level)
    return [
        {"title": index.names[i], "values": int(n)}
        for i, n in zip(top.tolist(), counts.tolist(), strict=True)
    ]


# -- one title's or show's events ------------------------------------------------------------


class Events(NamedTuple):
    """The matching events of a title or show (from the rollup's view_* arrays)."""

    title: np.ndarray  # title code per event
    day: np.ndarray
    user: np.ndarray  # -1 for NULL
    combo: np.ndarray
    percent_bin: np.ndarray  # -1 when unknown


def _events(rollup: Rollup, codes: list[int], filters: Filters, series_only: bool) -> Events:
    """The events of the titles `codes` that match the filters (and are SERIES, if asked)."""
    parts = [slice(int(rollup.view_offsets[c]), int(rollup.view_offsets[c + 1])) for c in codes]
    title = np.concatenate(
        [np.full(p.stop - p.start, c, dtype=np.int64) for c, p in zip(codes, parts, strict=True)]
        or [np.empty(0, np.int64)]
    )

    def gather(values: np.ndarray) -> np.ndarray:
        return np.concatenate([values[p] for p in parts] or [values[:0]])

    day, combo = gather(rollup.view_day), gather(rollup.view_combo)
    keep = (day >= _lo(rollup, filters)) & (day <= _hi(rollup, filters))
    allowed = queries.allowed_combos(rollup, filters)
    if allowed is not None:
        keep &= allowed[combo]
    if series_only:
        keep &= series.is_series_combo(rollup)[combo]
    return Events(
        title[keep],
        day[keep],
        gather(rollup.view_user)[keep],
        combo[keep],
        gather(rollup.view_bin)[keep],
    )


def _distinct(values: np.ndarray) -> np.ndarray:
    """np.unique(values) of an int array, by a sort: numpy 2's hash-based np.unique takes ten
    times as long on the hundreds of thousands of events of a popular show."""
    ordered = np.sort(np.asarray(values))
    keep = np.ones(ordered.size, dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def _distinct_users(user: np.ndarray) -> int:
    """The distinct known users (-1 is NULL), marked on a bitmap of user codes: linear."""
    known = user[user >= 0]
    if known.size == 0:
        return 0
    seen = np.zeros(int(known.max()) + 1, dtype=bool)
    seen[known] = True
    return int(np.count_nonzero(seen))


def _completion(percent_bin: np.ndarray) -> tuple[int, float | None]:
    """(completed views, completion rate to 4 decimals or None without a known percentage)."""
    rated = int(np.count_nonzero(percent_bin >= 0))
    completed = int(np.count_nonzero(percent_bin == PERCENT_BINS - 1))
    return completed, (round(completed / rated, 4) if rated else None)


def _numbers(rollup: Rollup, events: Events, minutes: float) -> dict:
    completed, rate = _completion(events.percent_bin)
    (minutes_watched,) = queries._plain(rollup, "minutes", np.array([minutes]))
    return {
        "views": int(events.day.size),
        "unique_viewers": _distinct_users(events.user),
        "minutes_watched": minutes_watched,
        "completed_views": completed,
        "completion_rate": rate,
    }


def _minutes_rows(rollup, codes, filters, series_only):
    """(day, minutes) of the title rows of `codes` that match the filters."""
    lo, hi = _lo(rollup, filters), _hi(rollup, filters)
    rows = queries.day_rows(rollup.title_day, lo, hi)
    keep = np.isin(rollup.title_code[rows], codes)
    combo = rollup.title_combo[rows]
    allowed = queries.allowed_combos(rollup, filters)
    if allowed is not None:
        keep &= allowed[combo]
    if series_only:
        keep &= series.is_series_combo(rollup)[combo]
    return rollup.title_day[rows][keep].astype(np.int64), rollup.title_minutes[rows][keep]


def _per_period(rollup, events: Events, minute_rows, filters: Filters, resolution: str) -> list:
    """[{"date", "views", "unique_viewers", "minutes_watched"}] per period, zero-filled over the
    filters' range (a missing side: the title's first or last matching event)."""
    if events.day.size == 0 and (filters.start is None or filters.end is None):
        return []
    lo = day_number(filters.start) if filters.start else int(events.day.min())
    hi = day_number(filters.end) if filters.end else int(events.day.max())
    p_lo, p_hi = queries._periods(lo, hi, resolution)
    n = p_hi - p_lo + 1
    slot = np.asarray(period_of(events.day.astype(np.int64), resolution)) - p_lo
    views = np.bincount(slot, minlength=n)
    known = events.user >= 0
    pairs = _distinct(slot[known] * (rollup.n_users + 1) + events.user[known])
    viewers = np.bincount(pairs // (rollup.n_users + 1), minlength=n)
    m_day, m_minutes = minute_rows
    m_slot = np.asarray(period_of(m_day, resolution)) - p_lo
    minutes = queries._plain(rollup, "minutes", np.bincount(m_slot, m_minutes, minlength=n))
    labels = period_labels(p_lo, p_hi, resolution)
    return [
        {
            "date": labels[i],
            "views": int(views[i]),
            "unique_viewers": int(viewers[i]),
            "minutes_watched": minutes[i],
        }
        for i in range(n)
    ]


def _by_dimension(rollup: Rollup, events: Events, dimension: str) -> list[dict]:
    """[{"value", "views"}] of a dimension over the events, most viewed first, ties by value."""
    index = DIMENSION_NAMES.index(dimension)
    names = rollup.values[index]
    views = np.bincount(rollup.combos[events.combo, index], minlength=len(names))
    listed = sorted(np.flatnonzero(views).tolist(), key=lambda c: (-views[c], names[c]))
    return [{"value": names[c], "views": int(views[c])} for c in listed]


def _histogram(events: Events) -> list[dict]:
    counts = np.bincount(events.percent_bin[events.percent_bin >= 0], minlength=PERCENT_BINS)
    return [
        {"from": low, "to": high, "views": int(counts[i])}
        for i, (low, high) in enumerate(HISTOGRAM_BINS)
    ]


def _episode_order(rollup: Rollup, codes: list[int]) -> list[int]:
    """Titles in show order: season, then episode number (unknown last), then title."""
    big = np.iinfo(np.int32).max

    def key(code: int):
        season, episode = int(rollup.title_season[code]), int(rollup.title_episode[code])
        return (season if season >= 0 else big, episode if episode >= 0 else big, code)

    return sorted(codes, key=key)


def _seasons(rollup: Rollup, events: Events, show: str) -> list[dict]:
    """The show's seasons in order, each with its numbers and its episodes' (drop-off to the
    next episode in show order, across seasons; None for the last)."""
    watched = sorted(set(events.title.tolist()))
    order = _episode_order(rollup, watched)
    viewers = {}
    episodes = []
    by_title = np.argsort(events.title, kind="stable")
    sorted_titles = events.title[by_title]
    for code in order:
        a, b = np.searchsorted(sorted_titles, [code, code + 1])
        rows = by_title[a:b]
        users = events.user[rows]
        viewers[code] = _distinct(users[users >= 0])
        completed, rate = _completion(events.percent_bin[rows])
        episodes.append(
            {
                "season": _number(rollup.title_season[code]),
                "episode": _number(rollup.title_episode[code]),
                "title": rollup.titles[code],
                "views": int(rows.size),
                "unique_viewers": int(viewers[code].size),
                "completion_rate": rate,
            }
        )
    for i, code in enumerate(order):
        following = order[i + 1] if i + 1 < len(order) else None
        if following is None or viewers[code].size == 0:
            episodes[i]["next_viewers"] = None
            episodes[i]["drop_off"] = None
            continue
        stayed = np.intersect1d(viewers[code], viewers[following], assume_unique=True).size
        episodes[i]["next_viewers"] = int(stayed)
        episodes[i]["drop_off"] = round(stayed / viewers[code].size, 4)
    seasons: dict = {}
    for episode in episodes:
        seasons.setdefault(episode["season"], []).append(episode)
    out = []
    for season, listed in seasons.items():
        codes = [series.title_code(rollup, e["title"]) for e in listed]
        rows = np.isin(events.title, codes)
        _, rate = _completion(events.percent_bin[rows])
        out.append(
            {
                "season": season,
                "name": series.season_name(show, -1 if season is None else season),
                "views": int(np.count_nonzero(rows)),
                "unique_viewers": _distinct_users(events.user[rows]),
                "completion_rate": rate,
                "episodes": listed,
            }
        )
    return out


def _number(value) -> int | None:
    return int(value) if value >= 0 else None


def title_insight(
    rollup: Rollup,
    filters: Filters,
    resolution: str,
    title: str | None = None,
    show: str | None = None,
) -> dict:
    """A title's (or, with show, a series') numbers over the filtered events."""
    if show is not None:
        codes = [
            c
            for c in series.titles_of_show(rollup, show)
            if _has_series_rows(rollup, c)  # over all the data: filters may leave it empty
        ]
        if not codes:
            raise TitleNotFound(f"no series named {shown(show)}")
        series_only = True
    else:
        code = series.title_code(rollup, title)
        if code is None:
            raise TitleNotFound(f"no title named {shown(title)}")
        codes, series_only = [code], False
    events = _events(rollup, codes, filters, series_only)
    minute_rows = _minutes_rows(rollup, codes, filters, series_only)
    completed, rate = _completion(events.percent_bin)
    answer = {"series": show} if show is not None else {"title": title}
    answer |= {
        "resolution": resolution,
        "kpis": _numbers(rollup, events, float(minute_rows[1].sum())),
        "timeseries": _per_period(rollup, events, minute_rows, filters, resolution),
        "completion": {
            "completion_rate": rate,
            "completed_views": completed,
            "unknown_views": int(np.count_nonzero(events.percent_bin < 0)),
            "histogram": _histogram(events),
        },
        "devices": _by_dimension(rollup, events, "device"),
        "markets": _by_dimension(rollup, events, "market"),
    }
    if show is not None:
        answer["seasons"] = _seasons(rollup, events, show)
    return answer


def _has_series_rows(rollup: Rollup, code: int) -> bool:
    rows = rollup.total_title == code
    return bool(series.is_series_combo(rollup)[rollup.total_combo[rows]].any())


def toplist_details(rollup: Rollup, num: int, filters: Filters, level: str) -> list[dict]:
    """For each entry of toplist(num, filters, level), in its order: {"unique_viewers",
    "hours", "series"}, series being the show a rolled-up entry belongs to (its own view),
    else None."""
    index, top, _ = _top_entries(rollup, num, filters, level)
    is_series = series.is_series_combo(rollup)
    title, combo, _, minutes = _title_rows(rollup, filters)
    entry_of_row = index.of_rows(title, combo, is_series)
    out = []
    for entry in top.tolist():
        rolled = bool(index.rolled[entry])
        owners = index.of_series_title if rolled else index.of_title
        codes = np.flatnonzero(owners == entry).tolist()
        events = _events(rollup, codes, filters, series_only=False)
        lands = index.of_rows(events.title, events.combo, is_series) == entry
        out.append(
            {
                "unique_viewers": _distinct_users(events.user[lands]),
                "hours": round(float(minutes[entry_of_row == entry].sum()) / 60, 2),
                "series": series.show_of(rollup.titles[codes[0]]) if rolled and codes else None,
            }
        )
    return out


# -- the weekly Top 10 -----------------------------------------------------------------------


class Top10Weeks(NamedTuple):
    """Every week's ranked list: per week number, its top entries as (entry id, hours, views,
    weeks listed up to and including this one), best first."""

    names: tuple[str, ...]
    runtime_hours: np.ndarray  # per entry, NaN when unknown
    default_week: int  # the data's last complete week
    lists: dict[int, tuple[tuple[int, float, float, int], ...]]


def _top10_entries(rollup: Rollup) -> tuple[series.Entries, np.ndarray]:
    """Season-level entries and each one's runtime in minutes (NaN when unknown): a movie's
    runningtime; a season's sum over the distinct titles of its SERIES rows (those with a
    known runtime)."""
    index = series.entries(rollup, "season")
    runtime = np.full(len(index.names), np.nan)
    known = ~np.isnan(rollup.title_runtime)
    rows_series = series.is_series_combo(rollup)[rollup.total_combo]
    plain = _distinct(rollup.total_title[~rows_series])
    runtime[index.of_title[plain]] = rollup.title_runtime[plain]
    rolled = _distinct(rollup.total_title[rows_series])
    rolled = rolled[known[rolled]]
    entry = index.of_series_title[rolled]
    sums = np.bincount(entry, weights=rollup.title_runtime[rolled], minlength=runtime.size)
    hit = np.bincount(entry, minlength=runtime.size) > 0
    runtime[hit] = sums[hit]
    return index, runtime


def top10_weeks(rollup: Rollup, sessiontype: str | None, filters: Filters) -> Top10Weeks:
    """Each week's Top 10 (weeks with data only), from the data's first week: runs of the
    rollup's (week, entry, combination) minutes that the filters allow, summed."""
    index, runtime = _top10_entries(rollup)
    runtime_hours = runtime / 60
    if rollup.rows == 0:
        return Top10Weeks(index.names, runtime_hours, 0, {})
    types = series.sessiontype_of_combos(rollup)
    wanted = (series.MOVIE, series.SERIES) if sessiontype is None else (sessiontype,)
    allowed = np.isin(types, wanted)
    dimension_allowed = queries.allowed_combos(rollup, filters)
    if dimension_allowed is not None:
        allowed &= dimension_allowed
    keep = allowed[rollup.week_entry_combo]
    week, entry = rollup.week_entry_week[keep], rollup.week_entry_entry[keep]
    if week.size == 0:
        return Top10Weeks(index.names, runtime_hours, default_week(rollup), {})
    # The table is sorted by (week, entry): what is kept stays so; each run is one pair.
    starts = np.flatnonzero(np.r_[True, (week[1:] != week[:-1]) | (entry[1:] != entry[:-1])])
    hours = np.add.reduceat(rollup.week_entry_minutes[keep], starts) / 60
    week, entry = week[starts].astype(np.int64), entry[starts].astype(np.int64)
    ranked = (hours > 0) & ~np.isnan(runtime_hours[entry])
    week, entry, hours = week[ranked], entry[ranked], hours[ranked]
    views = hours / runtime_hours[entry]
    # By week, then views, then hours (both most first), then name (ids follow names).
    order = np.lexsort((entry, -hours, -views, week))
    week, entry, hours, views = week[order], entry[order], hours[order], views[order]
    starts = np.flatnonzero(np.r_[True, week[1:] != week[:-1]]).tolist() if week.size else []
    lists, listed = {}, {}
    for a, b in zip(starts, [*starts[1:], week.size][: len(starts)], strict=True):
        top = []
        for i in range(a, min(b, a + TOP10_SIZE)):
            e = int(entry[i])
            listed[e] = listed.get(e, 0) + 1
            top.append((e, float(hours[i]), float(views[i]), listed[e]))
        lists[int(week[a])] = tuple(top)
    return Top10Weeks(index.names, runtime_hours, default_week(rollup), lists)


def default_week(rollup: Rollup) -> int:
    """The week number of the data's last complete week (Monday to Sunday inside the data);
    its last week when no week is complete."""
    return last_complete_week(rollup.first_day, rollup.last_day)


def last_complete_week(first_day: int, last_day: int) -> int:
    """The week number of the last week wholly inside days first_day..last_day (data ends
    mid-week: the week before), or the last week when none is."""
    last = int(period_of(last_day, "weekly"))
    complete = last if last_day == period_start(last, "weekly") + 6 else last - 1
    return complete if complete >= int(period_of(first_day, "weekly")) else last


def week_choices(rollup: Rollup) -> tuple[list[dt.date], dt.date | None]:
    """(the Mondays of the weeks with titled viewing, oldest first; the last complete week's
    Monday, None without events). Only weeks with a list: every week from the first event to
    the last would be half a million for one stray row dated 0001-01-01."""
    if rollup.rows == 0:
        return [], None
    weeks = np.unique(rollup.week_entry_week)
    mondays = [date_of(period_start(int(w), "weekly")) for w in weeks]
    return mondays, date_of(period_start(default_week(rollup), "weekly"))


def top10(weeks: Top10Weeks, week: int) -> list[dict]:
    """The Top 10 of a week number (from top10_weeks), with last week's rank and the weeks
    each entry was listed up to this one."""
    last_week = {e: rank for rank, (e, *_) in enumerate(weeks.lists.get(week - 1, ()), 1)}
    return [
        {
            "rank": rank,
            "title": weeks.names[entry],
            "hours_viewed": round(hours, 2),
            "runtime_hours": round(float(weeks.runtime_hours[entry]), 2),
            "views": round(views, 2),
            "rank_last_week": last_week.get(entry),
            "weeks_in_top10": listed,
        }
        for rank, (entry, hours, views, listed) in enumerate(weeks.lists.get(week, ()), 1)
    ]


# -- finding a title -------------------------------------------------------------------------

SEARCH_LIMIT = 30


def search(rollup: Rollup, text: str, limit: int = SEARCH_LIMIT) -> list[dict]:
    """Titles and shows whose name contains `text` (case-insensitive), most viewed first,
    names starting with it before the rest: [{"kind": "title"|"series", "name", "views"}]."""
    needle = text.casefold().strip()
    n_titles = len(rollup.titles)
    views = np.bincount(rollup.total_title, weights=rollup.total_views, minlength=n_titles)
    is_series = series.is_series_combo(rollup)[rollup.total_combo]
    series_views = np.bincount(
        rollup.total_title[is_series],
        weights=rollup.total_views[is_series],
        minlength=n_titles,
    )
    shows: dict[str, float] = {}
    for code in np.flatnonzero(series_views).tolist():
        show = series.show_of(rollup.titles[code])
        shows[show] = shows.get(show, 0) + series_views[code]
    found = [
        ("series", show, count) for show, count in shows.items() if needle in show.casefold()
    ] + [
        ("title", name, views[code])
        for code, name in enumerate(rollup.titles)
        if needle in name.casefold()
    ]
    found.sort(key=lambda f: (not f[1].casefold().startswith(needle), -f[2], f[1], f[0]))
    return [{"kind": k, "name": n, "views": int(v)} for k, n, v in found[:limit]]
