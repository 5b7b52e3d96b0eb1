"""A title page's matching events of known users in (user, day) order, and what compiled passes
(numba) count of them: unique viewers per period, and on a show's page its binge numbers and
season funnel (definitions: data/events/analysis/binges.py).

A page's events come sorted by title then day (title_events.events_of): a radix sort puts them
in (user, day) order, stably, in three counting passes (by day, by the user code's low bits,
then its high bits), each reading its input in order and writing to at most a few thousand
places at a time: fast where one counting sort by user, writing all over a large array, and
a comparison sort of a million events are not. The counting kernels then read one user's days
after another, their per-user or per-day state in small arrays marked with the user or day,
never cleared in between.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from data.events.analysis import compiled

BINGE_EPISODES = 3
WINDOWS = (7, 28, 90)
_WINDOW_DAYS = np.array(WINDOWS, dtype=np.int64)  # the windows as the kernel reads them
_LOW_BITS = 10  # the user code's digit of the second pass: 1,024 places to write to
_EPISODE_BITS = 32  # an event's day and episode packed as day << 32 | episode


class ByUser(NamedTuple):
    """Known users' matching events in (user, day) order: user k's are starts[k]:starts[k + 1]."""

    starts: np.ndarray  # int64, one more than there are users with events
    day: np.ndarray  # int64 day numbers
    episode: np.ndarray  # int64 episode ids (rollup.episode_of_title)
    n_episodes: int  # how many episode ids there are


def _example_by_day():
    i32 = np.zeros(1, np.int32)
    return i32, i32, i32, compiled.readonly(i32)


@compiled.kernel(_example_by_day)
def _by_day(user, day, title, episode_of_title):
    """(user, (day - first) << 32 | episode, first) of the events of known users (user >= 0),
    by day, stably (a counting sort), first being their first day."""
    first, last = np.iinfo(np.int32).max, np.iinfo(np.int32).min
    for i in range(user.size):
        if user[i] >= 0:
            first, last = min(first, day[i]), max(last, day[i])
    at = np.zeros(max(last - first + 2, 1), np.int64)
    for i in range(user.size):
        if user[i] >= 0:
            at[day[i] - first + 1] += 1
    for d in range(at.size - 1):
        at[d + 1] += at[d]  # now where day d's events go
    out_user = np.empty(at[-1], np.int32)
    packed = np.empty(at[-1], np.int64)
    for i in range(user.size):
        if user[i] >= 0:
            d = day[i] - first
            out_user[at[d]] = user[i]
            packed[at[d]] = (np.int64(d) << _EPISODE_BITS) | episode_of_title[title[i]]
            at[d] += 1
    return out_user, packed, first


def _example_by_digit():
    return np.zeros(1, np.int32), np.zeros(1, np.int64), 0, 1


@compiled.kernel(_example_by_digit)
def _by_digit(user, packed, shift, bits):
    """(user, packed) stably sorted by the user code's bits shift..shift + bits - 1."""
    mask = (1 << bits) - 1
    at = np.zeros(mask + 2, np.int64)
    for u in user:
        at[((u >> shift) & mask) + 1] += 1
    for d in range(mask + 1):
        at[d + 1] += at[d]
    out_user, out_packed = np.empty_like(user), np.empty_like(packed)
    for i in range(user.size):
        d = (user[i] >> shift) & mask
        out_user[at[d]], out_packed[at[d]] = user[i], packed[i]
        at[d] += 1
    return out_user, out_packed


def _example_unpack():
    return np.zeros(1, np.int32), np.zeros(1, np.int64), 0


@compiled.kernel(_example_unpack)
def _unpack(user, packed, first):
    """(starts of the users' runs, day, episode) of sorted (user, packed) rows."""
    starts = np.empty(user.size + 1, np.int64)
    day, episode = np.empty(user.size, np.int64), np.empty(user.size, np.int64)
    n = 0
    for i in range(user.size):
        if i == 0 or user[i] != user[i - 1]:
            starts[n] = i
            n += 1
        day[i] = (packed[i] >> _EPISODE_BITS) + first
        episode[i] = packed[i] & ((1 << _EPISODE_BITS) - 1)
    starts[n] = user.size
    return starts[: n + 1], day, episode


def grouped(rollup, events) -> ByUser:
    """A page's matching events (title_events.Events) of known users in (user, day) order."""
    user, packed, first = _by_day(
        np.asarray(events.user, np.int32),
        np.asarray(events.day, np.int32),
        np.asarray(events.title, np.int32),
        np.asarray(rollup.episode_of_title, np.int32),
    )
    high_bits = max(int(rollup.n_users).bit_length() - _LOW_BITS, 1)
    user, packed = _by_digit(user, packed, 0, _LOW_BITS)
    user, packed = _by_digit(user, packed, _LOW_BITS, high_bits)
    n_episodes = int(rollup.episode_of_title.max(initial=-1)) + 1
    return ByUser(*_unpack(user, packed, first), n_episodes)


def _example_binges():
    i64 = np.zeros(1, np.int64)
    return i64, i64, i64, 1


@compiled.kernel(_example_binges)
def _binges(starts, day, episode, n_episodes):
    """(binge viewers; the distinct-episode count of every binge instance) of events in
    (user, day) order, episode ids 0..n_episodes - 1: a day's distinct episodes are those
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
        grouped.starts, grouped.day, grouped.episode, grouped.n_episodes
    )
    return int(grouped.starts.size - 1), int(binge_viewers), counts


def _example_funnel():
    i64 = np.zeros(1, np.int64)
    return i64, i64, i64, i64, i64, i64, 1, 1


@compiled.kernel(_example_funnel)
def _funnel(starts, day, episode, season, number, slot, n_seasons, n_slots):
    """(starters per season, users who reached each (slot, window) within it) of events in
    (user, day) order; per episode id e: season[e] its season as 0..n_seasons - 1 (-1: not a
    numbered episode), number[e] its episode number, slot[e] its (season, number) as
    0..n_slots - 1. A starter of a season has a view of its episode 1; day_1 is their first
    such day; they reached an episode within a window when they viewed it on one of its days
    from day_1 on."""
    starters = np.zeros(n_seasons, np.int64)
    reached = np.zeros((n_slots, _WINDOW_DAYS.size), np.int64)
    first_of = np.full(n_seasons, -1, np.int64)  # the user whose day_1 day_1[s] is
    day_1 = np.zeros(n_seasons, np.int64)
    marked = np.full(n_slots, -1, np.int64)  # the last user whose first view was counted
    for k in range(starts.size - 1):
        for j in range(starts[k], starts[k + 1]):  # day order: the first view of episode 1
            s = season[episode[j]]
            if s >= 0 and number[episode[j]] == 1 and first_of[s] != k:
                first_of[s], day_1[s] = k, day[j]
                starters[s] += 1
        for j in range(starts[k], starts[k + 1]):
            e = episode[j]
            s = season[e]
            if s < 0 or first_of[s] != k or day[j] < day_1[s] or marked[slot[e]] == k:
                continue  # not numbered, not started, before day_1, or counted already
            # Days ascend: the user's first view of it from day_1 on decides every window.
            marked[slot[e]] = k
            for w in range(_WINDOW_DAYS.size):
                reached[slot[e], w] += day[j] - day_1[s] < _WINDOW_DAYS[w]
    return starters, reached


def funnel(grouped: ByUser, season, number, slot, n_seasons: int, n_slots: int):
    """(starters per season, users who reached each (slot, window)): see _funnel; season,
    number and slot are per episode id."""
    per_episode = [np.asarray(a, np.int64) for a in (season, number, slot)]
    return _funnel(grouped.starts, grouped.day, grouped.episode, *per_episode, n_seasons, n_slots)


def viewed(grouped: ByUser) -> np.ndarray:
    """The ids of the episodes with a matching event of a known user."""
    return np.flatnonzero(np.bincount(grouped.episode, minlength=grouped.n_episodes))


def _example_viewers():
    i64 = np.zeros(1, np.int64)
    return i64, i64, i64, 0, 1


@compiled.kernel(_example_viewers)
def _viewers(starts, day, slot_of_day, first, n):
    """Distinct users per period 0..n - 1, slot_of_day[d - first] being day d's: a user's
    days ascend, so that each period of theirs is one run."""
    viewers = np.zeros(n, np.int64)
    for k in range(starts.size - 1):
        last = -1
        for j in range(starts[k], starts[k + 1]):
            slot = slot_of_day[day[j] - first]
            if slot != last:
                viewers[slot] += 1
                last = slot
    return viewers


def viewers_per_period(grouped: ByUser, slot_of_day: np.ndarray, first: int, n: int):
    """The distinct users of each period 0..n - 1, slot_of_day[d - first] being day d's."""
    return _viewers(grouped.starts, grouped.day, np.asarray(slot_of_day, np.int64), first, n)
