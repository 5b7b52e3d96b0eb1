"""What a title's (or a show's) finishers watched next: the "next" of the title page.

Definitions (a careful analyst's reading of issue 26, part 6):
- A finisher is a known user with a finishing view of the page's title (a view with
  viewpercentage >= COMPLETE_PERCENT; for a show, of any of its SERIES episodes) among the
  events the page's filters and range keep. Each finisher counts once, from their FIRST
  finishing view in the range (earliest time; the rollup's order breaks ties).
- What they watched next is their earliest event at or after that view's time, no later than
  24 hours (86,400 s) after it, with another title at the page's level: on a show's page the
  toplist's series level (another show, or a title outside any show; the same show's other
  episodes are skipped over), else the title level (another title text). Only events the same
  filters and range keep are considered. Events of one second tie: the one whose entry comes
  first by name wins. Times are local wall-clock seconds (REPORT_TIMEZONE; rollup/event_time.py).
- The top 10 by viewers (ties by name), each with its share of the finishers; and the share of
  finishers with no such event. Shares to 4 decimals, null without finishers.
"""

from __future__ import annotations

import numpy as np

from data.events.analysis import compiled, selection, shows, title_events
from data.events.params import Filters
from data.events.rollup.encoding import PERCENT_BINS
from data.events.rollup.event_time import DAY_SECONDS
from data.events.rollup.model import Rollup

TOP = 10
WITHIN_SECONDS = DAY_SECONDS  # "within 24 hours", inclusive
FINISHING_BIN = PERCENT_BINS - 1
NOT_A_FINISHER = -2  # _follow's answer for a candidate without a matching finishing view
NOTHING = -1  # ... and for a finisher with nothing next within 24 hours
NEVER_DAY = 2**31 - 1  # the first finishing day of a user without one


def _example_first():
    """Arguments of _first_days' types, for compiled.warm()."""
    return np.zeros(1, np.int32), np.zeros(1, np.int32), np.zeros(1, np.int8), 1


@compiled.kernel(_example_first)
def _first_days(user, day, bin_, n_users):
    """Per user code, the first day of their finishing events (NEVER_DAY: none)."""
    first = np.full(n_users, NEVER_DAY, np.int32)  # int32: half the misses of int64
    for i in range(user.size):
        if bin_[i] == FINISHING_BIN and user[i] >= 0:
            first[user[i]] = min(first[user[i]], day[i])
    return first


def _finishers(rollup: Rollup, events: title_events.Events):
    """(the page's finishers, int32 ascending; the day of each one's first finishing view):
    the users with a finishing view among the page's matching events."""
    first = _first_days(
        np.asarray(events.user, np.int32),
        np.asarray(events.day, np.int32),
        np.asarray(events.percent_bin, np.int8),
        rollup.n_users,
    )
    users = np.flatnonzero(first != NEVER_DAY)
    return users.astype(np.int32), first[users].astype(np.int64)


def _example():
    """Arguments of _follow's types, for compiled.warm()."""
    i64, i32, b = np.zeros(1, np.int64), np.zeros(1, np.int32), np.ones(1, bool)
    # The seq_* columns, and the entries' arrays (shows.entries keeps them read-only).
    seq = compiled.readonly(i32, i64, i32, np.zeros(1, np.uint16), np.zeros(1, np.int8))
    entry = compiled.readonly(i64)
    return i32, i64, *seq, 0, 1, b, False, b, entry, entry, b, 0


@compiled.kernel()
def _first_row(user, u, at):
    """The first row of user u in the ascending `user` array, searched from row `at` (at or
    before it): a gallop then a bisection, so that ascending users cost little each."""
    step = 1
    while at + step < user.size and user[at + step] < u:
        at += step
        step *= 2
    lo, hi = at, min(at + step, user.size)
    while lo < hi:
        mid = (lo + hi) // 2
        if user[mid] < u:
            lo = mid + 1
        else:
            hi = mid
    return lo


@compiled.kernel()
def _first_at(user, time, u, t, at):
    """The first row of user u at or after time t, searched from row `at` (u's first): a
    gallop then a bisection over the rows where "user u, before t" holds, then no longer."""
    step = 1
    while at + step < user.size and user[at + step] == u and time[at + step] < t:
        at += step
        step *= 2
    lo, hi = at, min(at + step, user.size)
    while lo < hi:
        mid = (lo + hi) // 2
        if user[mid] == u and time[mid] < t:
            lo = mid + 1
        else:
            hi = mid
    return lo


@compiled.kernel(_example)
def _follow(users, since, seq_user, time, title, combo, bin_, lo, hi, allowed, filtered,
            on_page, plain, series, is_series, page):  # fmt: skip
    """Per candidate of `users` (ascending), whose seq_* rows are a run of seq_user (in time
    order), read from their first row at or after since[k] (the first second of their first
    finishing view's day): the entry of what they watched next (see the module's docstring),
    NOTHING, or NOT_A_FINISHER. A row counts when its time is in lo..hi - 1 and its
    combination allowed (all when not filtered); its entry is series[title] for SERIES
    combinations, else plain[title]; on_page[title]: can the title's rows be the page's entry
    at all (most rows are not, and are passed over reading their title alone)."""
    out = np.empty(users.size, np.int64)
    row = 0
    for k in range(users.size):
        u = users[k]
        row = _first_row(seq_user, u, row)
        out[k] = NOT_A_FINISHER
        first = -1
        i = _first_at(seq_user, time, u, since[k], row)
        while i < seq_user.size and seq_user[i] == u:  # the first matching finishing view
            if on_page[title[i]] and bin_[i] == FINISHING_BIN:
                if lo <= time[i] < hi and (not filtered or allowed[combo[i]]):
                    entry = series[title[i]] if is_series[combo[i]] else plain[title[i]]
                    if entry == page:
                        first = i
                        break
            i += 1
        if first < 0:
            continue
        out[k] = NOTHING
        at = time[first]
        while first > row and time[first - 1] == at:
            first -= 1  # rows of the same second before it are "at or after" it too
        found_time, found = -1, -1
        for i in range(first, seq_user.size):
            if seq_user[i] != u or time[i] > at + WITHIN_SECONDS:
                break
            if found >= 0 and time[i] > found_time:
                break
            if time[i] < lo or time[i] >= hi or (filtered and not allowed[combo[i]]):
                continue
            entry = series[title[i]] if is_series[combo[i]] else plain[title[i]]
            if entry == page:
                continue
            if found < 0 or entry < found:  # one second's entries: the first by name wins
                found_time, found = time[i], entry
        if found >= 0:
            out[k] = found
    return out


def _share(count: int, whole: int) -> float | None:
    return round(count / whole, 4) if whole else None


def next_titles(
    rollup: Rollup,
    filters: Filters,
    codes: list[int],
    series: bool,
    events: title_events.Events | None = None,
) -> dict:
    """{"finishers", "titles": [{"title", "viewers", "share"}], "nothing_within_24h"} of the
    page of the title codes `codes` (a show's, with series); events: the page's matching
    events (title_events.events_of with series_only=series), if already read."""
    if events is None:
        events = title_events.events_of(rollup, codes, filters, series)
    index = shows.entries(rollup, "series" if series else "title")
    page = int((index.of_series_title if series else index.of_title)[codes[0]])
    users, first_day = _finishers(rollup, events)
    on_page = np.zeros(len(rollup.titles), dtype=bool)
    on_page[codes] = True  # a page's entry is only ever its codes' rows
    allowed = selection.allowed_combos(rollup, filters)
    found = _follow(
        users,
        first_day * DAY_SECONDS,
        rollup.seq_user,
        rollup.seq_time,
        rollup.seq_title,
        rollup.seq_combo,
        rollup.seq_bin,
        title_events.first_day(rollup, filters) * DAY_SECONDS,
        (title_events.last_day(rollup, filters) + 1) * DAY_SECONDS,
        allowed if allowed is not None else np.ones(1, bool),
        allowed is not None,
        on_page,
        index.of_title,
        index.of_series_title,
        shows.is_series_combo(rollup),
        page,
    )
    finishers = int(np.count_nonzero(found != NOT_A_FINISHER))
    viewers = np.bincount(found[found >= 0], minlength=len(index.names))
    listed = np.flatnonzero(viewers)
    top = listed[np.lexsort((listed, -viewers[listed]))][:TOP]  # ids follow names
    return {
        "finishers": finishers,
        "titles": [
            {
                "title": index.names[i],
                "viewers": int(viewers[i]),
                "share": _share(int(viewers[i]), finishers),
            }
            for i in top.tolist()
        ],
        "nothing_within_24h": _share(int(np.count_nonzero(found == NOTHING)), finishers),
    }
