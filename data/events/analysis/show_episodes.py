"""A show's seasons and episodes over its matching events: an episode is its season and episode
numbers, or its contentid, never its title text (data/events/rollup/encoding.py), named by its most
viewed spelling; from each episode, the share of its viewers who went on to the next."""

from __future__ import annotations

import numpy as np

from data.events.analysis import compiled, shows
from data.events.analysis.title_events import Events, number, views_per_title
from data.events.rollup.encoding import PERCENT_BINS
from data.events.rollup.model import Rollup


def _episodes_of(rollup: Rollup, codes: list[int]) -> dict[int, tuple[int, int]]:
    """{episode id: (the title code that names it, the one whose numbers it has)} for the
    episodes of the items `codes`: its most viewed item (its most frequent spelling; ties: the
    first in title order), and its most viewed item with both numbers known (else the same)."""
    codes = sorted(codes)
    views = views_per_title(rollup)
    numbered = (rollup.title_season >= 0) & (rollup.title_episode >= 0)
    named: dict[int, int] = {}
    numbers: dict[int, int] = {}
    for code in codes:
        episode = int(rollup.episode_of_title[code])
        if episode not in named or views[code] > views[named[episode]]:
            named[episode] = code
        if numbered[code] and (episode not in numbers or views[code] > views[numbers[episode]]):
            numbers[episode] = code
    return {episode: (code, numbers.get(episode, code)) for episode, code in named.items()}


def _episode_order(rollup: Rollup, named: dict[int, tuple[int, int]]) -> list[int]:
    """Episode ids in show order: season, then episode number (unknown last), then title."""
    big = np.iinfo(np.int64).max

    def key(episode: int):
        code, numbered = named[episode]
        season = int(rollup.title_season[numbered])
        episode_number = int(rollup.title_episode[numbered])
        return (
            season if season >= 0 else big,
            episode_number if episode_number >= 0 else big,
            code,
        )

    return sorted(named, key=key)


def _example():
    """Arguments of _counts' types, for compiled.warm()."""
    i64 = np.zeros(1, np.int64)
    return i64, i64, i64, i64, np.zeros(1, np.int32), np.zeros(1, np.int8), 1, 1, 1


@compiled.kernel(_example)
def _counts(start, stop, position, season, user, percent_bin, n_positions, n_seasons, n_users):
    """Per listed episode (0..n_positions - 1, in show order; season[p] its season as
    0..n_seasons - 1, a season's episodes together): (views, viewers, rated views, completed
    views, viewers who also viewed the next one), and viewers per season, of the events in the
    runs start[r]:stop[r] of episode position[r] (runs in position order). Each user is marked
    with the last position they were counted in: marked p - 1 when met in p, they viewed
    both; marked before the season's first position, they are new to the season."""
    per_episode = np.zeros((n_positions, 5), np.int64)
    season_viewers = np.zeros(n_seasons, np.int64)
    season_first = np.full(n_seasons, n_positions, np.int64)
    for p in range(n_positions - 1, -1, -1):
        season_first[season[p]] = p
    last_position = np.full(n_users, -1, np.int32)  # one small array: one miss per event
    for r in range(start.size):
        p = position[r]
        first = season_first[season[p]]
        viewers, rated, completed, stayed = 0, 0, 0, 0
        for i in range(start[r], stop[r]):
            rated += percent_bin[i] >= 0
            completed += percent_bin[i] == PERCENT_BINS - 1
            u = user[i]
            if u < 0 or last_position[u] == p:
                continue
            stayed += last_position[u] == p - 1  # (for p = 0 not kept: no episode before)
            season_viewers[season[p]] += last_position[u] < first
            last_position[u] = p
            viewers += 1
        per_episode[p, 0] += stop[r] - start[r]
        per_episode[p, 1] += viewers
        per_episode[p, 2] += rated
        per_episode[p, 3] += completed
        if p > 0:
            per_episode[p - 1, 4] += stayed
    return per_episode, season_viewers


def _rate(completed: int, rated: int) -> float | None:
    return round(completed / rated, 4) if rated else None


def seasons(rollup: Rollup, events: Events, show: str, codes: list[int]) -> list[dict]:
    """The show's seasons in order, each with its numbers and its episodes' (an episode is its
    season and episode numbers, or its contentid: never its title text). Each episode says how
    many of its viewers went on to the next one in show order, across seasons (None for the
    last): `continued` is that share, `drop_off` the share who did not."""
    named = _episodes_of(rollup, codes)
    order = _episode_order(rollup, named)
    # The events come as runs of one title each (title_events.events_of): each run is of one
    # episode, so that an episode's events are its runs, with no sort of the events.
    title = events.title
    start = np.flatnonzero(np.r_[True, title[1:] != title[:-1]]) if title.size else title[:0]
    stop = np.r_[start[1:], title.size].astype(np.int64)
    rank = {episode: i for i, episode in enumerate(order)}
    run_rank = np.array([rank[e] for e in rollup.episode_of_title[title[start]].tolist()], np.int64)
    listed = np.unique(run_rank)  # the episodes with a matching event, in show order
    by_rank = np.argsort(run_rank, kind="stable")
    episodes, season_names = [], []
    for episode in np.asarray(order)[listed].tolist():
        code, numbered = named[episode]
        season = number(rollup.title_season[numbered])
        if not season_names or season_names[-1] != season:
            season_names.append(season)  # show order keeps a season's episodes together
        episodes.append((code, numbered, season, len(season_names) - 1))
    per_episode, season_viewers = _counts(
        start[by_rank].astype(np.int64),
        stop[by_rank],
        np.searchsorted(listed, run_rank[by_rank]),
        np.array([e[3] for e in episodes], np.int64),
        events.user,
        events.percent_bin,
        len(episodes),
        len(season_names),
        rollup.n_users,
    )
    out = []
    for p, (code, numbered, season, s) in enumerate(episodes):
        views, viewers, rated, completed, stayed = per_episode[p].tolist()
        if s == len(out):
            out.append(
                {
                    "season": season,
                    "name": shows.season_name(show, -1 if season is None else season),
                    "views": 0,
                    "unique_viewers": int(season_viewers[s]),
                    "completion_rate": None,
                    "episodes": [],
                    "_rated": 0,
                    "_completed": 0,
                }
            )
        entry = {
            "season": season,
            "episode": number(rollup.title_episode[numbered]),
            "title": rollup.titles[code],
            "views": views,
            "unique_viewers": viewers,
            "completion_rate": _rate(completed, rated),
        }
        if p + 1 == len(episodes) or viewers == 0:
            entry |= {"next_viewers": None, "continued": None, "drop_off": None}
        else:
            entry |= {
                "next_viewers": stayed,
                "continued": round(stayed / viewers, 4),
                "drop_off": round(1 - stayed / viewers, 4),
            }
        out[s]["episodes"].append(entry)
        out[s]["views"] += views
        out[s]["_rated"] += rated
        out[s]["_completed"] += completed
    for season in out:
        season["completion_rate"] = _rate(season.pop("_completed"), season.pop("_rated"))
    return out
