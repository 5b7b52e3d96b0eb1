"""The weekly Top 10 over a Rollup, as Netflix publishes it: per week (Monday..Sunday) the
most viewed movies and seasons, with last week's rank and the weeks each was listed.

Definitions:
- a movie is one entry, a season of a series one entry.
  hours_viewed = minutes watched that week / 60; runtime_hours = a movie's runningtime, or the
  sum over a season's distinct episodes (by their numbers or contentid, never their titles) of
  their runningtime, each episode's most frequent known value, over all the data;
  views = hours_viewed / runtime_hours (a runtime-equivalent count, not events). Ranked by
  views, then hours_viewed, then title; entries without a known runtime, or with no hours
  that week, are left out. "Weeks in Top 10" counts the complete weeks an entry was listed
  up to this one (this one too, complete or not): a week the data covers only in part is
  marked on the page and does not count toward later weeks. A season with some episodes of
  unknown runtime sums those it knows.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import numpy as np

from data.events.analysis import selection, shows
from data.events.analysis.title_events import distinct, views_per_title
from data.events.params import Filters
from data.events.periods import date_of, period_of, period_start
from data.events.rollup.model import Rollup

TOP10_SIZE = 10


class Top10Weeks(NamedTuple):
    """Every week's ranked list: per week number, its top entries as (entry id, hours, views,
    weeks listed up to and including this one), best first."""

    names: tuple[str, ...]
    runtime_hours: np.ndarray  # per entry, NaN when unknown
    default_week: int  # the data's last complete week
    lists: dict[int, tuple[tuple[int, float, float, int], ...]]


def _top10_entries(rollup: Rollup) -> tuple[shows.Entries, np.ndarray]:
    """Season-level entries and each one's runtime in minutes (NaN when unknown): a movie's
    runningtime (of its most viewed item, should its text name several); a season's sum over
    the distinct episodes of its SERIES rows (those with a known runtime), each counted once
    however many spellings its title has."""
    index = shows.entries(rollup, "season")
    runtime = np.full(len(index.names), np.nan)
    known = ~np.isnan(rollup.title_runtime)
    views = views_per_title(rollup)
    rows_series = shows.is_series_combo(rollup)[rollup.total_combo]
    plain = distinct(rollup.total_title[~rows_series])
    plain = plain[known[plain]]
    entry = index.of_title[plain]
    first = np.lexsort((plain, -views[plain], entry))  # per entry its most viewed item first
    first = first[np.r_[True, entry[first][1:] != entry[first][:-1]]] if first.size else first
    runtime[entry[first]] = rollup.title_runtime[plain[first]]
    rolled = distinct(rollup.total_title[rows_series])
    rolled = rolled[known[rolled]]
    entry = index.of_series_title[rolled].astype(np.int64)
    episode = rollup.episode_of_title[rolled].astype(np.int64)
    n_episodes = int(rollup.episode_of_title.max(initial=-1)) + 1
    _, once = np.unique(entry * n_episodes + episode, return_index=True)
    entry, rolled = entry[once], rolled[once]
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
    types = shows.sessiontype_of_combos(rollup)
    wanted = (shows.MOVIE, shows.SERIES) if sessiontype is None else (sessiontype,)
    allowed = np.isin(types, wanted)
    dimension_allowed = selection.allowed_combos(rollup, filters)
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
    partial = partial_weeks(rollup.first_day, rollup.last_day)
    for a, b in zip(starts, [*starts[1:], week.size][: len(starts)], strict=True):
        top = []
        # A partial week (the data starts or ends inside it) is listed, but counts toward
        # "weeks in Top 10" only in its own list: a later week counts complete weeks.
        complete = int(week[a]) not in partial
        for i in range(a, min(b, a + TOP10_SIZE)):
            e = int(entry[i])
            listed[e] = listed.get(e, 0) + complete
            top.append((e, float(hours[i]), float(views[i]), listed[e] + (not complete)))
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


def partial_weeks(first_day: int, last_day: int) -> set[int]:
    """The week numbers that the data covers only in part: its first week when it starts
    after a Monday, its last when it ends before a Sunday."""
    first, last = int(period_of(first_day, "weekly")), int(period_of(last_day, "weekly"))
    partial = set()
    if first_day != period_start(first, "weekly"):
        partial.add(first)
    if last_day != period_start(last, "weekly") + 6:
        partial.add(last)
    return partial


def week_choices(rollup: Rollup) -> tuple[list[dt.date], dt.date | None, set[dt.date]]:
    """(the Mondays of the weeks with titled viewing, oldest first; the last complete week's
    Monday, None without events; the Mondays of those weeks the data covers only in part).
    Only weeks with a list: every week from the first event to the last would be half a
    million for one stray row dated 0001-01-01."""
    if rollup.rows == 0:
        return [], None, set()
    weeks = np.unique(rollup.week_entry_week)
    mondays = [date_of(period_start(int(w), "weekly")) for w in weeks]
    partial = {
        date_of(period_start(w, "weekly")) for w in partial_weeks(rollup.first_day, rollup.last_day)
    }
    return mondays, date_of(period_start(default_week(rollup), "weekly")), partial


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
