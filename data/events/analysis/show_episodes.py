"""A show's seasons and episodes over its matching events: an episode is its season and episode
numbers, or its contentid, never its title text (data/events/rollup/encoding.py), named by its most
viewed spelling; from each episode, the share of its viewers who went on to the next."""

from __future__ import annotations

import numpy as np

from data.events.analysis import shows
from data.events.analysis.title_events import (
    Events,
    completion,
    distinct,
    distinct_users,
    number,
    views_per_title,
)
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


def seasons(rollup: Rollup, events: Events, show: str, codes: list[int]) -> list[dict]:
    """The show's seasons in order, each with its numbers and its episodes' (an episode is its
    season and episode numbers, or its contentid: never its title text). Each episode says how
    many of its viewers went on to the next one in show order, across seasons (None for the
    last): `continued` is that share, `drop_off` the share who did not."""
    named = _episodes_of(rollup, codes)
    order = _episode_order(rollup, named)
    episode_of_event = rollup.episode_of_title[events.title]
    by_episode = np.argsort(episode_of_event, kind="stable")
    sorted_episodes = episode_of_event[by_episode]
    viewers, episodes, rows_of = {}, [], {}
    for episode in order:
        a, b = np.searchsorted(sorted_episodes, [episode, episode + 1])
        rows = rows_of[episode] = by_episode[a:b]
        if rows.size == 0:
            continue  # no matching event (the filters left it out)
        users = events.user[rows]
        viewers[episode] = distinct(users[users >= 0])
        completed, rate = completion(events.percent_bin[rows])
        code, numbered = named[episode]
        episodes.append(
            {
                "season": number(rollup.title_season[numbered]),
                "episode": number(rollup.title_episode[numbered]),
                "title": rollup.titles[code],
                "views": int(rows.size),
                "unique_viewers": int(viewers[episode].size),
                "completion_rate": rate,
                "_id": episode,
            }
        )
    for i, here in enumerate(episodes):
        following = episodes[i + 1] if i + 1 < len(episodes) else None
        watched = viewers[here["_id"]]
        if following is None or watched.size == 0:
            here |= {"next_viewers": None, "continued": None, "drop_off": None}
            continue
        stayed = np.intersect1d(watched, viewers[following["_id"]], assume_unique=True).size
        continued = round(stayed / watched.size, 4)
        here |= {
            "next_viewers": int(stayed),
            "continued": continued,
            "drop_off": round(1 - stayed / watched.size, 4),
        }
    by_season: dict = {}
    for episode in episodes:
        by_season.setdefault(episode["season"], []).append(episode)
    out = []
    for season, listed in by_season.items():
        rows = np.concatenate([rows_of[e.pop("_id")] for e in listed])
        _, rate = completion(events.percent_bin[rows])
        out.append(
            {
                "season": season,
                "name": shows.season_name(show, -1 if season is None else season),
                "views": int(rows.size),
                "unique_viewers": distinct_users(events.user[rows]),
                "completion_rate": rate,
                "episodes": listed,
            }
        )
    return out
