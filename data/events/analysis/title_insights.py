"""Title insights over a Rollup: the toplist at title, season or series level, a title's or a
show's own numbers (per period, completion, devices and markets, seasons and episodes with the
drop-off between them); the weekly Top 10 is data/events/analysis/top10.py.

Definitions (each a careful analyst's reading of the issue that asked for them):
- Entries (data/events/analysis/shows.py): SERIES rows roll up to "Show: Season N" or "Show"; other
  rows stay their title. Views are events; ties by name.
- A title's unique viewers: distinct non-NULL userid among its matching events. Completion: views
  with viewpercentage >= 90 over views whose viewpercentage is known; the histogram's 10-point
  bins put 100 and more in the last one (90-100), as completion counts them.
- An episode is its show, season and episode numbers when both are known, else its contentid
  (data/events/rollup/encoding.py), named by its most viewed spelling; episodes in show order by
  season, episode number, title. From an episode to the next: `continued` = viewers of the
  next episode who also watched this one, over this one's viewers; `drop_off` = 1 - continued.
- A show's binge numbers and season-completion funnel: data/events/analysis/binges.py.
"""

from __future__ import annotations

import numpy as np

from data.events.analysis import (
    binges,
    queries,
    selection,
    show_episodes,
    show_users,
    shows,
    title_events,
    watched_next,
)
from data.events.catalog import DIMENSION_NAMES
from data.events.params import Filters, shown
from data.events.periods import day_number, period_labels, period_of
from data.events.rollup.encoding import PERCENT_BINS
from data.events.rollup.model import Rollup

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
        lo = lo if lo is not None else title_events.first_day(rollup, filters)
        hi = hi if hi is not None else title_events.last_day(rollup, filters)
        rows = selection.day_rows(rollup.title_day, lo, hi)
        title, combo = rollup.title_code[rows], rollup.title_combo[rows]
        views, minutes = rollup.title_views[rows], rollup.title_minutes[rows]
    allowed = selection.allowed_combos(rollup, filters)
    if allowed is not None:
        keep = allowed[combo]
        title, combo, views, minutes = title[keep], combo[keep], views[keep], minutes[keep]
    return title, combo, views, minutes


def _top_entries(rollup: Rollup, num: int, filters: Filters, level: str):
    """(the level's entries, the ids of the num most viewed, their views), ties by name."""
    index = shows.entries(rollup, level)
    title, combo, views, _ = _title_rows(rollup, filters)
    entry = index.of_rows(title, combo, shows.is_series_combo(rollup))
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


def _numbers(rollup: Rollup, events: title_events.Events, minutes: float) -> dict:
    completed, rate = title_events.completion(events.percent_bin)
    (minutes_watched,) = selection.plain(rollup, "minutes", np.array([minutes]))
    return {
        "views": int(events.day.size),
        "unique_viewers": title_events.distinct_users(events.user),
        "minutes_watched": minutes_watched,
        "completed_views": completed,
        "completion_rate": rate,
    }


def _minutes_rows(rollup, codes, filters, series_only):
    """(day, minutes) of the title rows of `codes` that match the filters."""
    rows = title_events.title_rows(rollup, codes, filters, series_only)
    return rollup.title_day[rows].astype(np.int64), rollup.title_minutes[rows]


def _per_period(
    rollup: Rollup,
    events: title_events.Events,
    grouped: show_users.ByUser,
    minute_rows,
    filters: Filters,
    resolution: str,
) -> list:
    """[{"date", "views", "unique_viewers", "minutes_watched"}] per period, zero-filled over the
    filters' range (a missing side: the title's first or last matching event); grouped: the
    events by user (show_users.grouped)."""
    if events.day.size == 0 and (filters.start is None or filters.end is None):
        return []
    lo = day_number(filters.start) if filters.start else int(events.day.min())
    hi = day_number(filters.end) if filters.end else int(events.day.max())
    p_lo, p_hi = selection.periods(lo, hi, resolution)
    n = p_hi - p_lo + 1
    # Each day's period, by a table over the range's days (the events' are in it).
    slot_of_day = np.asarray(period_of(np.arange(lo, hi + 1, dtype=np.int64), resolution)) - p_lo
    per_day = np.bincount(events.day - lo, minlength=hi - lo + 1)
    views = np.bincount(slot_of_day, weights=per_day, minlength=n).astype(np.int64)
    viewers = show_users.viewers_per_period(grouped, slot_of_day, lo, n)
    m_day, m_minutes = minute_rows
    m_slot = np.asarray(period_of(m_day, resolution)) - p_lo
    minutes = selection.plain(rollup, "minutes", np.bincount(m_slot, m_minutes, minlength=n))
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


def _by_dimension(rollup: Rollup, combo_views: np.ndarray, dimension: str) -> list[dict]:
    """[{"value", "views"}] of a dimension over the events, most viewed first, ties by value,
    from the events' views per combination."""
    index = DIMENSION_NAMES.index(dimension)
    names = rollup.values[index]
    views = np.bincount(rollup.combos[:, index], weights=combo_views, minlength=len(names))
    views = views.astype(np.int64)
    listed = sorted(np.flatnonzero(views).tolist(), key=lambda c: (-views[c], names[c]))
    return [{"value": names[c], "views": int(views[c])} for c in listed]


def _histogram(events: title_events.Events) -> list[dict]:
    counts = np.bincount(events.percent_bin[events.percent_bin >= 0], minlength=PERCENT_BINS)
    return [
        {"from": low, "to": high, "views": int(counts[i])}
        for i, (low, high) in enumerate(HISTOGRAM_BINS)
    ]


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
            for c in shows.titles_of_show(rollup, show)
            if _has_series_rows(rollup, c)  # over all the data: filters may leave it empty
        ]
        if not codes:
            raise TitleNotFound(f"no series named {shown(show)}")
        series_only = True
    else:
        codes = shows.title_codes(rollup, title)  # every item (episode) of that text
        if not codes:
            raise TitleNotFound(f"no title named {shown(title)}")
        series_only = False
    events = title_events.events_of(rollup, codes, filters, series_only)
    grouped = show_users.grouped(rollup, events)  # by user: viewers per period, binges, funnel
    combo_views = np.bincount(events.combo, minlength=rollup.n_combos)
    minute_rows = _minutes_rows(rollup, codes, filters, series_only)
    completed, rate = title_events.completion(events.percent_bin)
    answer = {"series": show} if show is not None else {"title": title}
    answer |= {
        "resolution": resolution,
        "kpis": _numbers(rollup, events, float(minute_rows[1].sum())),
        "timeseries": _per_period(rollup, events, grouped, minute_rows, filters, resolution),
        "completion": {
            "completion_rate": rate,
            "completed_views": completed,
            "unknown_views": int(np.count_nonzero(events.percent_bin < 0)),
            "histogram": _histogram(events),
        },
        "devices": _by_dimension(rollup, combo_views, "device"),
        "markets": _by_dimension(rollup, combo_views, "market"),
        "next": watched_next.next_titles(rollup, filters, codes, show is not None, events),
    }
    if show is not None:
        answer["seasons"] = show_episodes.seasons(rollup, events, show, codes)
        answer["binge"] = binges.show_binge(grouped)
        answer["funnel"] = binges.funnel(rollup, codes, grouped)
    return answer


def _has_series_rows(rollup: Rollup, code: int) -> bool:
    rows = rollup.total_title == code
    return bool(shows.is_series_combo(rollup)[rollup.total_combo[rows]].any())


def toplist_details(rollup: Rollup, num: int, filters: Filters, level: str) -> list[dict]:
    """For each entry of toplist(num, filters, level), in its order: {"unique_viewers",
    "hours", "series"}, series being the show a rolled-up entry belongs to (its own view),
    else None."""
    index, top, _ = _top_entries(rollup, num, filters, level)
    is_series = shows.is_series_combo(rollup)
    title, combo, _, minutes = _title_rows(rollup, filters)
    entry_of_row = index.of_rows(title, combo, is_series)
    out = []
    for entry in top.tolist():
        rolled = bool(index.rolled[entry])
        owners = index.of_series_title if rolled else index.of_title
        codes = np.flatnonzero(owners == entry).tolist()
        events = title_events.events_of(rollup, codes, filters, series_only=False)
        lands = index.of_rows(events.title, events.combo, is_series) == entry
        out.append(
            {
                "unique_viewers": title_events.distinct_users(events.user[lands]),
                "hours": round(float(minutes[entry_of_row == entry].sum()) / 60, 2),
                "series": shows.show_of(rollup.titles[codes[0]]) if rolled and codes else None,
            }
        )
    return out


# -- finding a title -------------------------------------------------------------------------

SEARCH_LIMIT = 30


def search(rollup: Rollup, text: str, limit: int = SEARCH_LIMIT) -> list[dict]:
    """Titles and shows whose name contains `text` (case-insensitive), most viewed first,
    names starting with it before the rest: [{"kind": "title"|"series", "name", "views"}]."""
    needle = text.casefold().strip()
    n_titles = len(rollup.titles)
    group, names = shows.text_groups(rollup.titles)  # a title's items (episodes) add up
    views = np.bincount(group[rollup.total_title], weights=rollup.total_views, minlength=len(names))
    is_series = shows.is_series_combo(rollup)[rollup.total_combo]
    series_views = np.bincount(
        rollup.total_title[is_series],
        weights=rollup.total_views[is_series],
        minlength=n_titles,
    )
    show_views: dict[str, float] = {}
    for code in np.flatnonzero(series_views).tolist():
        show = shows.show_of(rollup.titles[code])
        show_views[show] = show_views.get(show, 0) + series_views[code]
    found = [
        ("series", show, count) for show, count in show_views.items() if needle in show.casefold()
    ] + [("title", name, views[i]) for i, name in enumerate(names) if needle in name.casefold()]
    found.sort(key=lambda f: (not f[1].casefold().startswith(needle), -f[2], f[1], f[0]))
    return [{"kind": k, "name": n, "views": int(v)} for k, n, v in found[:limit]]
