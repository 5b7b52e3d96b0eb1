"""Binges: one user watching at least 3 distinct episodes of one show on one day, per show
(/data/binge/) and on a show's own page with its season-completion funnel.

Definitions (issue 26, part 5):
- A show is the series level's entry of SERIES rows (data/events/analysis/shows.py): the
  title's text before its first ", ". An episode is the rollup's episode of an item
  (Rollup.episode_of_title; data/events/rollup/encoding.py), never its title text.
- Viewers: distinct known users with a matching event of the show. A binge is a (user, day)
  with at least BINGE_EPISODES distinct episodes of the show; binge_viewers: distinct users
  with at least one; share = binge_viewers / viewers (4 decimals); median_episodes: the median
  of the distinct-episode counts over the show's binge (user, day) instances, None without.
- Funnel, per season (numbered episodes only, by episode number; episodes told apart by their
  season and episode numbers): starters are the known users with a matching view of episode
  1; a starter reached episode k within N days when they have a matching view of it on one
  of the N days starting with their first matching view of episode 1 (0 <= day_k - day_1 <
  N). Only the filters' events count: a range cuts the windows and moves day_1.
"""

from __future__ import annotations

import numpy as np

from data.events.analysis import compiled, show_users, shows, title_events
from data.events.analysis.show_users import BINGE_EPISODES, WINDOWS
from data.events.params import Filters
from data.events.rollup.event_time import DAY_SECONDS
from data.events.rollup.model import Rollup


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _median(counts: np.ndarray) -> float | None:
    return float(np.median(counts)) if counts.size else None


def _example():
    """Arguments of _sweep's types, for compiled.warm()."""
    i64 = np.zeros(1, np.int64)
    seq = compiled.readonly(
        np.zeros(1, np.int32), i64, np.zeros(1, np.int32), np.zeros(1, np.uint16)
    )
    return *seq, 0, 1, np.ones(1, bool), i64, i64, 1


@compiled.kernel(_example)
def _sweep(user, time, title, combo, lo, hi, matching, pair_of_title, show_of_title, n_shows):
    """One pass over the seq_* rows (by user, then time: a user's day is one run of rows).
    Returns (viewers, binge_viewers per show; the show and distinct-episode count of every
    binge instance) of the rows whose time is in lo..hi - 1 and whose combination is
    matching. pair_of_title: a title's (show, episode) pair, so that a pair seen on the day
    counts once; show_of_title: its show.

    Each row updates its show's counters in place, with few branches to mispredict: a show's
    episode count restarts in each (user, day) run, and an instance is written out when it
    reaches BINGE_EPISODES and rewritten as it grows."""
    viewers = np.zeros(n_shows, np.int64)
    binge_viewers = np.zeros(n_shows, np.int64)
    last_viewer = np.full(n_shows, -1, np.int64)  # users are in order: the last counted
    last_binger = np.full(n_shows, -1, np.int64)
    pair_run = np.full(pair_of_title.max() + 1 if pair_of_title.size else 0, -1, np.int64)
    show_run = np.full(n_shows, -1, np.int64)  # the (user, day) run a show's count is of
    episodes = np.zeros(n_shows, np.int64)
    instance = np.zeros(n_shows, np.int64)  # the show's instance in the current run
    # A binge takes BINGE_EPISODES rows at least: room for every instance there can be.
    out_show = np.empty(user.size // BINGE_EPISODES + 1, np.int64)
    out_count = np.empty(user.size // BINGE_EPISODES + 1, np.int64)
    n_out = 0
    run, current_user, day_end = -1, -1, 0
    for i in range(user.size):
        t = time[i]
        if t < lo or t >= hi or not matching[combo[i]]:
            continue
        u = user[i]
        if u != current_user or t >= day_end:  # a new (user, day) run (rows in time order)
            run, current_user = run + 1, u
            day_end = (t // DAY_SECONDS + 1) * DAY_SECONDS
        pair, s = pair_of_title[title[i]], show_of_title[title[i]]
        new_viewer = last_viewer[s] != u
        viewers[s] += new_viewer
        last_viewer[s] = u
        new_pair = pair_run[pair] != run  # an episode of the show not yet seen that day
        pair_run[pair] = run
        count = (episodes[s] if show_run[s] == run else 0) + new_pair
        episodes[s], show_run[s] = count, run
        if new_pair and count >= BINGE_EPISODES:
            if count == BINGE_EPISODES:  # a binge instance starts
                instance[s] = n_out
                out_show[n_out] = s
                n_out += 1
                if last_binger[s] != u:
                    last_binger[s] = u
                    binge_viewers[s] += 1
            out_count[instance[s]] = count
    return viewers, binge_viewers, out_show[:n_out], out_count[:n_out]


def binges(rollup: Rollup, filters: Filters, limit: int) -> list[dict]:
    """[{"series", "viewers", "binge_viewers", "share", "median_episodes"}] of the `limit` shows
    with the most binge viewers, then the most viewers, then by name."""
    show_of_title, show_names = _codes([shows.show_of(t) for t in rollup.titles])
    # Per title its (show, episode) pair: an episode id may be shared by two shows' items.
    n_episodes = int(rollup.episode_of_title.max(initial=0)) + 1
    _, pair_of_title = np.unique(
        show_of_title * n_episodes + rollup.episode_of_title, return_inverse=True
    )
    matching = title_events.matching_combos(rollup, filters, series_only=True)
    viewers, binge_viewers, binge_show, binge_counts = _sweep(
        rollup.seq_user,
        rollup.seq_time,
        rollup.seq_title,
        rollup.seq_combo,
        title_events.first_day(rollup, filters) * DAY_SECONDS,
        (title_events.last_day(rollup, filters) + 1) * DAY_SECONDS,
        matching,
        pair_of_title.astype(np.int64),
        show_of_title,
        len(show_names),
    )
    watched = np.flatnonzero(viewers)
    # Show codes follow names: the last key breaks ties by name.
    order = watched[np.lexsort((watched, -viewers[watched], -binge_viewers[watched]))][:limit]
    by_show = np.argsort(binge_show, kind="stable")
    sorted_shows = binge_show[by_show]
    out = []
    for s in order.tolist():
        a, b = np.searchsorted(sorted_shows, [s, s + 1])
        out.append(
            {
                "series": show_names[s],
                "viewers": int(viewers[s]),
                "binge_viewers": int(binge_viewers[s]),
                "share": _share(int(binge_viewers[s]), int(viewers[s])),
                "median_episodes": _median(binge_counts[by_show[a:b]]),
            }
        )
    return out


def _codes(names: list[str]) -> tuple[np.ndarray, list[str]]:
    """(per name its code, the distinct names in sorted order)."""
    distinct = sorted(set(names))
    code = {name: i for i, name in enumerate(distinct)}
    return np.array([code[n] for n in names], dtype=np.int64), distinct


def show_binge(grouped: show_users.ByUser) -> dict:
    """{"viewers", "binge_viewers", "share", "median_episodes"} of one show's matching events
    (show_users.grouped)."""
    viewers, binge_viewers, counts = show_users.binges(grouped)
    return {
        "viewers": viewers,
        "binge_viewers": binge_viewers,
        "share": _share(binge_viewers, viewers),
        "median_episodes": _median(counts),
    }


def _episode_numbers(rollup: Rollup, codes: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """(season, episode number) per episode id (-1: not a numbered episode of the show), each
    from its most viewed item with both numbers (as the show's episode list numbers it)."""
    views = title_events.views_per_title(rollup)
    size = int(rollup.episode_of_title.max()) + 1 if len(rollup.titles) else 0
    season = np.full(size, -1, dtype=np.int64)
    number = np.full(size, -1, dtype=np.int64)
    best = np.full(size, -1.0)
    for code in sorted(codes):
        s, e = int(rollup.title_season[code]), int(rollup.title_episode[code])
        episode = int(rollup.episode_of_title[code])
        if s >= 0 and e >= 0 and views[code] > best[episode]:
            season[episode], number[episode], best[episode] = s, e, views[code]
    return season, number


def funnel(rollup: Rollup, codes: list[int], grouped: show_users.ByUser) -> list[dict]:
    """[{"season", "starters", "episodes": [{"episode", "reached_7", "reached_28",
    "reached_90"}]}] per season whose episode 1 has a starter, seasons and episodes in order;
    an episode is listed when a known user has a matching view of it. grouped: the show's
    matching events (show_users.grouped)."""
    season_of, number_of = _episode_numbers(rollup, codes)
    # The numbered episodes known users viewed, as (season, number) slots in order.
    counted = np.zeros(season_of.size, dtype=bool)
    counted[show_users.viewed(grouped)] = True
    counted &= number_of >= 0
    width = int(number_of.max(initial=0)) + 1  # a slot's code: season * width + number
    listed = np.unique(season_of[counted] * width + number_of[counted])
    seasons = np.unique(listed // width)
    starters, reached = show_users.funnel(
        grouped,
        np.where(number_of >= 0, np.searchsorted(seasons, season_of), -1),
        number_of,
        np.searchsorted(listed, season_of * width + number_of),
        seasons.size,
        listed.size,
    )
    out = []
    for i, s in enumerate(seasons.tolist()):
        if starters[i] == 0:
            continue  # no view of its episode 1: no one started the season
        mine = np.flatnonzero(listed // width == s)
        out.append(
            {
                "season": s,
                "starters": int(starters[i]),
                "episodes": [
                    {
                        "episode": int(listed[j] % width),
                        **{
                            f"reached_{w}": round(int(reached[j, k]) / int(starters[i]), 4)
                            for k, w in enumerate(WINDOWS)
                        },
                    }
                    for j in mine.tolist()
                ],
            }
        )
    return out
