"""An independent plain-pandas reference of the weekly Top 10, written from README.md's
definitions, over testkit/reference_titles.py's rows and entries."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from testkit import reference_analytics as ref
from testkit.reference_titles import MOVIE, SERIES, entries, prepare

TOP10_SIZE = 10


def last_complete_week(raw) -> dt.date | None:
    """The Monday of the data's last week wholly inside its first..last day (else its last)."""
    ev = prepare(raw)
    if ev.empty:
        return None
    first, last = int(ev["day"].min()), int(ev["day"].max())
    monday = last - dt.date.fromordinal(last).weekday()
    complete = monday if last == monday + 6 else monday - 7
    return dt.date.fromordinal(complete if complete >= ref._period(first, "weekly") else monday)


def _runtimes(ev: pd.DataFrame) -> dict:
    """{(entry, rolled): runtime in minutes} over all the data: a movie's (of its most viewed
    item with one); a season's sum over its distinct episodes that have one (a season none of
    whose episodes has: unknown)."""
    rows = entries(ev, "season").dropna(subset=["title_runtime"])
    seasons = rows[rows["rolled"]].drop_duplicates(["entry", "episode_key"])
    sums = seasons.groupby("entry")["title_runtime"].sum()
    out = {(entry, True): float(total) for entry, total in sums.items()}
    movies = rows[~rows["rolled"]].sort_values(
        ["entry", "item_views", "item"], ascending=[True, False, True]
    )
    movies = movies.drop_duplicates("entry")  # the most viewed item
    for entry, runtime in zip(movies["entry"], movies["title_runtime"], strict=True):
        out[entry, False] = float(runtime)
    return out


def _partial_weeks(ev: pd.DataFrame) -> set[int]:
    """Monday ordinals of the weeks the data covers only in part (its first and last)."""
    first, last = int(ev["day"].min()), int(ev["day"].max())
    partial = set()
    if dt.date.fromordinal(first).weekday() != 0:
        partial.add(ref._period(first, "weekly"))
    if dt.date.fromordinal(last).weekday() != 6:
        partial.add(ref._period(last, "weekly"))
    return partial


def _weekly_lists(rows: pd.DataFrame, runtimes: dict, partial: set[int]) -> dict:
    """{monday ordinal: [(key, hours, views, weeks listed so far)]}, every week with data; a
    partial week counts in its own list only."""
    rows = rows.assign(week=rows["day"].map(lambda d: ref._period(int(d), "weekly")))
    minutes = rows.groupby(["week", "entry", "rolled"])["minutes"].sum()
    lists, listed = {}, {}
    for week in sorted(set(rows["week"])):
        ranked = []
        for (entry, rolled), total in minutes[week].items():
            hours = float(total) / 60
            if hours > 0 and (entry, rolled) in runtimes:
                views = hours / (runtimes[entry, rolled] / 60)
                ranked.append(((entry, rolled), hours, views))
        ranked.sort(key=lambda r: (-r[2], -r[1], r[0]))
        lists[week] = []
        complete = week not in partial
        for key, hours, views in ranked[:TOP10_SIZE]:
            listed[key] = listed.get(key, 0) + complete
            lists[week].append((key, hours, views, listed[key] + (not complete)))
    return lists


def top10(raw, week=None, sessiontype=None, where=None) -> list[dict]:
    """The /data/top10/ answer: runtimes over all the data; the lists over the MOVIE and SERIES
    (or only the sessiontype's) rows that the device and market filters keep."""
    ev = prepare(raw)
    week = week or last_complete_week(ev)
    if week is None:
        return []
    runtimes = _runtimes(ev)
    kinds = (MOVIE, SERIES) if sessiontype is None else (sessiontype,)
    rows = ref._select(ev, None, None, {**(where or {}), "sessiontype": set(kinds)})
    lists = _weekly_lists(entries(rows, "season"), runtimes, _partial_weeks(ev))
    before = {key: rank for rank, (key, *_) in enumerate(lists.get(week.toordinal() - 7, []), 1)}
    return [
        {
            "rank": rank,
            "title": key[0],
            "hours_viewed": round(hours, 2),
            "runtime_hours": round(runtimes[key] / 60, 2),
            "views": round(views, 2),
            "rank_last_week": before.get(key),
            "weeks_in_top10": listed,
        }
        for rank, (key, hours, views, listed) in enumerate(lists.get(week.toordinal(), []), 1)
    ]
