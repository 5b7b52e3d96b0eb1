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

from data.events.analysis import selection, shows, title_events
from data.events.params import Filters
from data.events.rollup.encoding import PERCENT_BINS
from data.events.rollup.event_time import DAY_SECONDS
from data.events.rollup.model import Rollup

TOP = 10
WITHIN_SECONDS = DAY_SECONDS  # "within 24 hours", inclusive
PACKED_LIMIT = 2**62  # keys of (user, time) up to this fit an int64 with room to spare


def _finishers_rows(rollup: Rollup, codes: list[int]) -> np.ndarray:
    """The seq_* rows (by user, then time) of the users with a finishing view of the codes'
    titles anywhere: a superset of the page's finishers, whose rows alone matter (a page reads
    its finishers' rows, not every user's)."""
    page = np.zeros(len(rollup.titles) + 1, dtype=bool)
    page[codes] = True
    finishing = page[rollup.seq_title] & (rollup.seq_bin == PERCENT_BINS - 1)
    users = np.unique(rollup.seq_user[finishing])
    lo = np.searchsorted(rollup.seq_user, users)
    lengths = np.searchsorted(rollup.seq_user, users, side="right") - lo
    # Each user's run lo..lo + length, laid end to end.
    shift = np.repeat(lo - (np.cumsum(lengths) - lengths), lengths)
    return np.arange(int(lengths.sum()), dtype=np.int64) + shift


def _matching(rollup: Rollup, filters: Filters, rows: np.ndarray) -> np.ndarray:
    """Those of the seq_* rows (still by user, then time) the filters and range keep."""
    lo = title_events.first_day(rollup, filters) * DAY_SECONDS
    hi = (title_events.last_day(rollup, filters) + 1) * DAY_SECONDS
    time = rollup.seq_time[rows]
    keep = (time >= lo) & (time < hi)
    allowed = selection.allowed_combos(rollup, filters)
    if allowed is not None:
        keep &= allowed[rollup.seq_combo[rows]]
    return rows[keep]


def _starts(values: np.ndarray) -> np.ndarray:
    """True where a run of equal values starts."""
    starts = np.ones(values.size, dtype=bool)
    np.not_equal(values[1:], values[:-1], out=starts[1:])
    return starts


def _keys(o_user, o_time, f_user, f_time) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(a key per row of the other titles, sorted as they are by user then time; each
    finisher's first and last key of their 24 hours): user and time in one integer, or where
    that would not fit, user and the rank of the time among the rows'."""
    both = np.concatenate([o_time, f_time])
    base = int(both.min()) if both.size else 0
    span = (int(both.max()) if both.size else 0) - base + WITHIN_SECONDS + 1
    users = int(max(o_user.max(initial=0), f_user.max(initial=0))) + 1
    if users * span < PACKED_LIMIT:
        lo = f_user * span + (f_time - base)
        return o_user * span + (o_time - base), lo, lo + WITHIN_SECONDS
    times = title_events.distinct(o_time)
    width = times.size + 1
    last = np.searchsorted(times, f_time + WITHIN_SECONDS, side="right") - 1
    return (
        o_user * width + np.searchsorted(times, o_time),
        f_user * width + np.searchsorted(times, f_time),
        f_user * width + last,
    )


def _share(count: int, whole: int) -> float | None:
    return round(count / whole, 4) if whole else None


def next_titles(rollup: Rollup, filters: Filters, codes: list[int], series: bool) -> dict:
    """{"finishers", "titles": [{"title", "viewers", "share"}], "nothing_within_24h"} of the
    page of the title codes `codes` (a show's, with series)."""
    index = shows.entries(rollup, "series" if series else "title")
    page = int((index.of_series_title if series else index.of_title)[codes[0]])
    rows = _matching(rollup, filters, _finishers_rows(rollup, codes))
    user, time = rollup.seq_user[rows], rollup.seq_time[rows]
    title, combo = rollup.seq_title[rows], rollup.seq_combo[rows]
    entry = index.of_rows(title, combo, shows.is_series_combo(rollup))
    mine = entry == page
    # Each finisher's first finishing view: the first of their run of finishing rows.
    finishing = np.flatnonzero(mine & (rollup.seq_bin[rows] == PERCENT_BINS - 1))
    first = finishing[_starts(user[finishing])]
    f_user, f_time = user[first].astype(np.int64), time[first]
    # The other titles' rows, keyed by (user, time): sorted, since the rows are.
    others = np.flatnonzero(~mine)
    o_user, o_time, o_entry = user[others].astype(np.int64), time[others], entry[others]
    key, lo, hi = _keys(o_user, o_time, f_user, f_time)
    start, stop = np.searchsorted(key, lo), np.searchsorted(key, hi, side="right")
    found = start < stop
    # The first row found starts a run of one (user, time): its entry first by name wins.
    run = _starts(key)
    firsts = np.flatnonzero(run)
    run_entry = np.minimum.reduceat(o_entry, firsts) if firsts.size else o_entry
    chosen = run_entry[np.searchsorted(firsts, start[found], side="right") - 1]
    viewers = np.bincount(chosen, minlength=len(index.names))
    listed = np.flatnonzero(viewers)
    top = listed[np.lexsort((listed, -viewers[listed]))][:TOP]  # ids follow names
    finishers = int(first.size)
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
        "nothing_within_24h": _share(finishers - int(found.sum()), finishers),
    }
