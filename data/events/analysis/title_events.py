"""The events of a title or a show, from a Rollup's view_* arrays, and what is counted of them:
distinct values, distinct users, completion."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from data.events.analysis import compiled, selection, shows
from data.events.params import Filters
from data.events.periods import day_number
from data.events.rollup.encoding import PERCENT_BINS
from data.events.rollup.model import Rollup


def views_per_title(rollup: Rollup) -> np.ndarray:
    """Events per title code (an item) over all the data: what names an episode or a movie."""
    return np.bincount(rollup.total_title, weights=rollup.total_views, minlength=len(rollup.titles))


def first_day(rollup: Rollup, filters: Filters) -> int:
    """The filters' first day, or the data's."""
    return day_number(filters.start) if filters.start else rollup.first_day


def last_day(rollup: Rollup, filters: Filters) -> int:
    """The filters' last day, or the data's."""
    return day_number(filters.end) if filters.end else rollup.last_day


class Events(NamedTuple):
    """The matching events of a title or show (from the rollup's view_* arrays)."""

    title: np.ndarray  # title code per event
    day: np.ndarray
    user: np.ndarray  # -1 for NULL
    combo: np.ndarray
    percent_bin: np.ndarray  # -1 when unknown


def _example_gather():
    """Arguments of _gather's types, for compiled.warm()."""
    i64 = np.zeros(1, np.int64)
    i32, u16, i8 = compiled.readonly(
        np.zeros(1, np.int32), np.zeros(1, np.uint16), np.zeros(1, np.int8)
    )
    return i64, i64, i64, i32, i32, u16, i8, np.ones(1, bool)


@compiled.kernel(_example_gather)
def _gather(codes, start, stop, day, user, combo, bin_, matching):
    """(title, day, user, combination, bin) of the view_* rows start[k]:stop[k] of each title
    codes[k] whose combination is matching, in that order: one pass that writes only what is
    kept (not a gather, then masks, then a copy of each kept column)."""
    total = 0
    for k in range(codes.size):
        total += max(stop[k] - start[k], 0)
    out_title = np.empty(total, np.int64)
    out_day, out_user = np.empty_like(day[:total]), np.empty_like(user[:total])
    out_combo, out_bin = np.empty_like(combo[:total]), np.empty_like(bin_[:total])
    n = 0
    for k in range(codes.size):
        for i in range(start[k], stop[k]):
            if matching[combo[i]]:
                out_title[n], out_day[n], out_user[n] = codes[k], day[i], user[i]
                out_combo[n], out_bin[n] = combo[i], bin_[i]
                n += 1
    return out_title[:n], out_day[:n], out_user[:n], out_combo[:n], out_bin[:n]


def events_of(rollup: Rollup, codes: list[int], filters: Filters, series_only: bool) -> Events:
    """The events of the titles `codes` that match the filters (and are SERIES, if asked)."""
    lo, hi = first_day(rollup, filters), last_day(rollup, filters)
    start, stop = [], []
    for c in codes:  # each title's rows of the range: a title's rows are by day
        first = int(rollup.view_offsets[c])
        days = selection.day_rows(rollup.view_day[first : int(rollup.view_offsets[c + 1])], lo, hi)
        start.append(first + days.start)
        stop.append(first + days.stop)
    matching = matching_combos(rollup, filters, series_only)
    return Events(
        *_gather(
            np.array(codes, np.int64),
            np.array(start, np.int64),
            np.array(stop, np.int64),
            rollup.view_day,
            rollup.view_user,
            rollup.view_combo,
            rollup.view_bin,
            matching,
        )
    )


def distinct(values: np.ndarray) -> np.ndarray:
    """np.unique(values) of an int array, by a sort: numpy 2's hash-based np.unique takes ten
    times as long on the hundreds of thousands of events of a popular show."""
    ordered = np.sort(np.asarray(values))
    keep = np.ones(ordered.size, dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def distinct_users(user: np.ndarray) -> int:
    """The distinct known users (-1 is NULL), marked on a bitmap of user codes: linear."""
    known = user[user >= 0]
    if known.size == 0:
        return 0
    seen = np.zeros(int(known.max()) + 1, dtype=bool)
    seen[known] = True
    return int(np.count_nonzero(seen))


def completion(percent_bin: np.ndarray) -> tuple[int, float | None]:
    """(completed views, completion rate to 4 decimals or None without a known percentage)."""
    rated = int(np.count_nonzero(percent_bin >= 0))
    completed = int(np.count_nonzero(percent_bin == PERCENT_BINS - 1))
    return completed, (round(completed / rated, 4) if rated else None)


def number(value) -> int | None:
    return int(value) if value >= 0 else None


def _example_rows():
    """Arguments of _rows_of's types, for compiled.warm()."""
    i32 = compiled.readonly(np.zeros(1, np.int32))
    return i32, i32, 0, 1, np.ones(1, bool), np.ones(1, bool)


@compiled.kernel(_example_rows)
def _rows_of(title, combo, start, stop, on_page, matching):
    """The rows start..stop - 1 whose title is on_page and whose combination is matching, in
    order: one pass over the title and combination columns (np.isin sorts, and each mask
    is another sweep)."""
    out = np.empty(stop - start, np.int64)
    n = 0
    for i in range(start, stop):
        if on_page[title[i]] and matching[combo[i]]:
            out[n] = i
            n += 1
    return out[:n]


def matching_combos(rollup: Rollup, filters: Filters, series_only: bool) -> np.ndarray:
    """A mask over every combination: those the filters keep (and SERIES ones, if asked)."""
    matching = np.ones(rollup.n_combos, dtype=bool)
    allowed = selection.allowed_combos(rollup, filters)
    if allowed is not None:
        matching &= allowed
    if series_only:
        matching &= shows.is_series_combo(rollup)
    return matching


def title_rows(rollup: Rollup, codes: list[int], filters: Filters, series_only: bool):
    """The (day, combination, title) rows (rollup.title_*) of the titles `codes` that match
    the filters (and are SERIES, if asked), in order."""
    rows = selection.day_rows(
        rollup.title_day, first_day(rollup, filters), last_day(rollup, filters)
    )
    on_page = np.zeros(len(rollup.titles), dtype=bool)
    on_page[codes] = True
    matching = matching_combos(rollup, filters, series_only)
    return _rows_of(rollup.title_code, rollup.title_combo, rows.start, rows.stop, on_page, matching)
