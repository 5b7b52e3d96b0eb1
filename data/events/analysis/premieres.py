"""Automatic annotations: the premieres of titles (a movie, or a show at the series level) and
of seasons, from the rollup's events, vectorised.

A premiere is an entry's first day with views, kept when the entry gathers at least
MIN_VIEWS views in its first WINDOW_DAYS days (that day included). Entries are
shows.entries' ids, so identity follows the toplist's: a show and a movie of the same name
are two entries, a season is (show, season number), never a display text.
"""

from __future__ import annotations

import hashlib

import numpy as np

from data.events.analysis import shows
from data.events.periods import date_of
from data.events.rollup.model import Rollup

MIN_VIEWS = 20
WINDOW_DAYS = 7
PREMIERE = "premiere"  # a title's (a movie's, a show's) first day
SEASON_PREMIERE = "season_premiere"


def _firsts(entry: np.ndarray, day: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """(first day, views in the first WINDOW_DAYS days) per entry id; first is -1 for none."""
    first = np.full(count, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, entry, day)
    early = day < first[entry] + WINDOW_DAYS
    views = np.bincount(entry[early], minlength=count)
    first[first == np.iinfo(np.int64).max] = -1
    return first, views


def _ident(kind: str, *key) -> str:
    """A stable id for an automatic annotation (the same premiere has it in every version)."""
    digest = hashlib.sha256(repr((kind, *key)).encode()).hexdigest()[:16]
    return f"auto-{digest}"


def premieres(rollup: Rollup) -> tuple[dict, ...]:
    """The automatic annotations of a rollup, by day then kind then title: dicts of the
    /data/annotations/ shape with "automatic": True, "kind", "level", "title" (the entry's
    name), "series" and "season" (for a season) and "views" (in its first WINDOW_DAYS days)."""
    if rollup.rows == 0 or len(rollup.view_day) == 0:
        return ()
    counts = np.diff(rollup.view_offsets)
    title = np.repeat(np.arange(len(rollup.titles), dtype=np.int64), counts)
    day = rollup.view_day.astype(np.int64)
    combo = rollup.view_combo.astype(np.int64)
    is_series = shows.is_series_combo(rollup)
    found = []
    # The series level: each movie (or untyped title) and each show is a title.
    series = shows.entries(rollup, "series")
    entry = series.of_rows(title, combo, is_series)
    first, views = _firsts(entry, day, len(series.names))
    for i in np.flatnonzero((first >= 0) & (views >= MIN_VIEWS)).tolist():
        name, rolled = series.names[i], bool(series.rolled[i])
        found.append(
            (int(first[i]), PREMIERE, name, _ident(PREMIERE, name, rolled), int(views[i]), {})
        )
    # The season level: only SERIES rows, rolled to (show, season); an unknown season is none.
    seasons = shows.entries(rollup, "season")
    season_of = np.full(len(seasons.names), -1, dtype=np.int64)
    season_of[seasons.of_series_title] = rollup.title_season
    rows = is_series[combo]
    entry = seasons.of_series_title[title[rows]]
    first, views = _firsts(entry, day[rows], len(seasons.names))
    chosen = (first >= 0) & (views >= MIN_VIEWS) & seasons.rolled & (season_of >= 0)
    for i in np.flatnonzero(chosen).tolist():
        name, season = seasons.names[i], int(season_of[i])
        show = shows.show_of_entry(name)
        extra = {"series": show, "season": season}
        key = _ident(SEASON_PREMIERE, show, season)
        found.append((int(first[i]), SEASON_PREMIERE, name, key, int(views[i]), extra))
    found.sort(key=lambda item: item[:3])
    return tuple(_answer(*item) for item in found)


def _answer(day: int, kind: str, name: str, ident: str, views: int, extra: dict) -> dict:
    iso = date_of(day).isoformat()
    what = "Season premiere" if kind == SEASON_PREMIERE else "Premiere"
    return {
        "id": ident,
        "start": iso,
        "end": iso,
        "text": f"{what}: {name}",
        "filters": {},
        "author": None,
        "created": None,
        "updated": None,
        "automatic": True,
        "kind": kind,
        "level": "season" if kind == SEASON_PREMIERE else "series",
        "title": name,
        **extra,
        "views": views,
    }
