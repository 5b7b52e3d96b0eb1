"""A show's matching events of known users, grouped by user in compiled passes (numba): the
binge numbers and the season funnel of its page (definitions: data/events/analysis/binges.py).

A show's events come sorted by title then day (title_events.events_of); each of these
questions is about one user's days at a time. Two counting sorts, by day then by user, put them
in (user, day) order in linear passes (not a comparison sort of a million events), copying what
the kernels read, so that these read one user's days after another from contiguous arrays (a
gather through an index misses the cache at each event) with their per-user or per-day state
in small arrays marked with the user or day (no clearing in between).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from data.events.analysis import compiled

BINGE_EPISODES = 3
WINDOWS = (7, 28, 90)
_WINDOW_DAYS = np.array(WINDOWS, dtype=np.int64)  # the windows as the kernel reads them


class ByUser(NamedTuple):
    """Known users' events in (user, day) order: user k's are starts[k]:starts[k + 1]."""

    starts: np.ndarray  # int64, one more than there are users with events
    day: np.ndarray  # int64 day numbers
    episode: np.ndarray  # int64 episodes as 0..n - 1: episodes[episode] is the episode id
    episodes: np.ndarray  # int64 episode ids, ascending


def _example_group():
    i64 = np.zeros(1, np.int64)
    return np.zeros(1, np.int32), i64, i64, 1, 1


@compiled.kernel(_example_group)
def _group(user, day, episode, n_users, n_days):
    """(starts, day, episode) of the events of known users (user >= 0) in (user, day) order:
    a stable counting sort by day (0..n_days - 1), then one by user."""
    by_day = np.zeros(n_days + 1, np.int64)
    for i in range(user.size):
        if user[i] >= 0:
            by_day[day[i] + 1] += 1
    for d in range(n_days):
        by_day[d + 1] += by_day[d]  # now where day d's events start
    n = by_day[n_days]
    order = np.empty(n, np.int64)
    for i in range(user.size):
        if user[i] >= 0:
            order[by_day[day[i]]] = i
            by_day[day[i]] += 1
    at = np.zeros(n_users + 1, np.int64)
    for i in order:
        at[user[i] + 1] += 1
    n_seen = 0
    for u in range(n_users):
        n_seen += at[u + 1] > 0
        at[u + 1] += at[u]  # now where user u's events start
    starts = np.empty(n_seen + 1, np.int64)
    k = 0
    for u in range(n_users):
        if at[u + 1] > at[u]:
            starts[k] = at[u]
            k += 1
    starts[k] = n
    out_day, out_episode = np.empty(n, np.int64), np.empty(n, np.int64)
    for i in order:
        out_day[at[user[i]]], out_episode[at[user[i]]] = day[i], episode[i]
        at[user[i]] += 1
    return starts, out_day, out_episode


def by_user(user: np.ndarray, day: np.ndarray, episode: np.ndarray, n_users: int) -> ByUser:
    """The known users' events (user codes below n_users; -1 is NULL), with their day and
    episode id, in (user, day) order."""
    known = user >= 0
    if not known.any():
        return ByUser(*(np.zeros(1, np.int64),), *(np.empty(0, np.int64),) * 3)
    # Episodes as 0..n - 1 (keys stay small), by a table over episode ids: no sort.
    seen = np.zeros(int(episode.max()) + 1, dtype=bool)
    seen[episode[known]] = True
    code = np.cumsum(seen) - 1
    d = np.asarray(day, np.int64)
    d_lo = int(d[known].min())
    starts, days, episodes = _group(
        np.asarray(user, np.int32), d - d_lo, code[episode], n_users, int(d[known].max()) - d_lo + 1
    )
    return ByUser(starts, days + d_lo, episodes, np.flatnonzero(seen))


def _example_binges():
    i64 = np.zeros(1, np.int64)
    return i64, i64, i64, 1


@compiled.kernel(_example_binges)
def _binges(starts, day, episode, n_episodes):
    """(binge viewers; the distinct-episode count of every binge instance) of events in
    (user, day) order, episodes as 0..n_episodes - 1: a day's distinct episodes are those
    marked with its run."""
    binge_viewers = 0
    counts = np.empty(day.size // BINGE_EPISODES + 1, np.int64)
    n_counts = 0
    marked = np.full(n_episodes, -1, np.int64)  # the (user, day) run that last saw it
    run = -1
    for k in range(starts.size - 1):
        binged = False
        distinct = 0
        for j in range(starts[k], starts[k + 1] + 1):
            if j == starts[k + 1] or j == starts[k] or day[j] != day[j - 1]:
                if distinct >= BINGE_EPISODES:  # the user's previous day was a binge
                    counts[n_counts] = distinct
                    n_counts += 1
                    binged = True
                if j == starts[k + 1]:
                    break
                run, distinct = run + 1, 0
            if marked[episode[j]] != run:
                marked[episode[j]] = run
                distinct += 1
        binge_viewers += binged
    return binge_viewers, counts[:n_counts]


def binges(grouped: ByUser) -> tuple[int, int, np.ndarray]:
    """(viewers, binge viewers, the distinct-episode counts of the binge instances)."""
    binge_viewers, counts = _binges(
        grouped.starts, grouped.day, grouped.episode, grouped.episodes.size
    )
    return int(grouped.starts.size - 1), int(binge_viewers), counts


def _example_funnel():
    i64 = np.zeros(1, np.int64)
    return i64, i64, i64, i64, i64, i64, 1, 1


@compiled.kernel(_example_funnel)
def _funnel(starts, day, episode, season, number, slot, n_seasons, n_slots):
    """(starters per season, users who reached each (slot, window) within it) of events in
    (user, day) order; per episode (0..n - 1): season[e] its season as 0..n_seasons - 1 (-1:
    not a numbered episode), number[e] its episode number, slot[e] its (season, number) as
    0..n_slots - 1. A starter of a season has a view of its episode 1; day_1 is their first
    such day; they reached an episode within a window when they viewed it on one of its days
    from day_1 on."""
    starters = np.zeros(n_seasons, np.int64)
    reached = np.zeros((n_slots, _WINDOW_DAYS.size), np.int64)
    first_of = np.full(n_seasons, -1, np.int64)  # the user whose day_1 day_1[s] is
    day_1 = np.zeros(n_seasons, np.int64)
    marked = np.full((n_slots, _WINDOW_DAYS.size), -1, np.int64)  # the last user counted
    for k in range(starts.size - 1):
        for j in range(starts[k], starts[k + 1]):  # day order: the first view of episode 1
            s = season[episode[j]]
            if s >= 0 and number[episode[j]] == 1 and first_of[s] != k:
                first_of[s], day_1[s] = k, day[j]
                starters[s] += 1
        for j in range(starts[k], starts[k + 1]):
            e = episode[j]
            s = season[e]
            if s < 0 or first_of[s] != k:
                continue  # not numbered, or the user did not start its season
            since = day[j] - day_1[s]
            for w in range(_WINDOW_DAYS.size):
                if 0 <= since < _WINDOW_DAYS[w] and marked[slot[e], w] != k:
                    marked[slot[e], w] = k
                    reached[slot[e], w] += 1
    return starters, reached


def funnel(grouped: ByUser, season, number, slot, n_seasons: int, n_slots: int):
    """(starters per season, users who reached each (slot, window)): see _funnel; season,
    number and slot are per episode id."""
    local = [np.asarray(a, np.int64)[grouped.episodes] for a in (season, number, slot)]
    return _funnel(grouped.starts, grouped.day, grouped.episode, *local, n_seasons, n_slots)


def grouped(rollup, events) -> ByUser:
    """by_user of a show's events (title_events.Events)."""
    return by_user(events.user, events.day, rollup.episode_of_title[events.title], rollup.n_users)
