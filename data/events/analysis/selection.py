"""What a request selects from a Rollup: its combinations, days, cells, periods and user rows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from data.events.catalog import DIMENSION_NAMES
from data.events.params import Filters, InvalidParameter
from data.events.periods import day_number, period_end, period_of, period_start
from data.events.rollup.model import Rollup
from data.events.rollup.user_tables import UserRows

# Longer series are refused rather than served as megabytes: the largest legal answer is about
# 5 MB and 0.7 s of CPU on the 10M-event benchmark store (bench/bench_answer_cost.py);
# /data/stickiness/'s 120,000 days (four numbers each) are 7 MB.
MAX_PERIODS = 120_000  # every month of the calendar; daily, about three centuries
MAX_BREAKDOWN_ROWS = 120_000  # a breakdown is never longer than the longest series


# -- which combinations of dimension values a request covers ---------------------------------


def allowed_combos(rollup: Rollup, filters: Filters) -> np.ndarray | None:
    """A bool per combination: does it pass the dimension filters? None: no dimension filter."""
    if not filters.where:
        return None
    allowed = np.ones(rollup.n_combos, dtype=bool)
    for name, chosen in filters.where:
        index = DIMENSION_NAMES.index(name)
        names = rollup.values[index]
        codes = [code for code, value in enumerate(names) if value in chosen]
        allowed &= np.isin(rollup.combos[:, index], codes)
    return allowed


# -- days and periods ------------------------------------------------------------------------


def day_rows(days: np.ndarray, lo: int, hi: int) -> slice:
    """The rows of days lo..hi in an ascending array of day numbers. The bounds are given the
    array's dtype: searching an int32 array for Python ints first copies it to int64 (8 ms for
    the 5.6 million title rows of 10M events)."""
    i0, i1 = np.searchsorted(days, np.array([lo, hi + 1], dtype=days.dtype))
    return slice(int(i0), int(i1))


def day_cells(rollup: Rollup, lo: int, hi: int) -> slice:
    """The (day, combination) cells of days lo..hi."""
    i0, i1 = np.searchsorted(rollup.cell_day, [lo, hi + 1])
    return slice(int(i0), int(i1))


def day_range(rollup: Rollup, filters: Filters, allowed) -> tuple[int, int] | None:
    """The day range a series covers: start..end, a missing side taken from matching events."""
    lo = day_number(filters.start) if filters.start else None
    hi = day_number(filters.end) if filters.end else None
    if lo is None or hi is None:
        cells = day_cells(
            rollup, rollup.first_day if lo is None else lo, rollup.last_day if hi is None else hi
        )
        days = rollup.cell_day[cells]
        if allowed is not None:
            days = days[allowed[rollup.cell_combo[cells]]]
        if days.size == 0:
            return None
        lo = int(days[0]) if lo is None else lo
        hi = int(days[-1]) if hi is None else hi
    return (lo, hi) if lo <= hi else None


def periods(lo: int, hi: int, resolution: str, groups: int = 1) -> tuple[int, int]:
    """(first, last) period numbers of days lo..hi, refusing answers too long to serve."""
    p_lo, p_hi = int(period_of(lo, resolution)), int(period_of(hi, resolution))
    count = p_hi - p_lo + 1
    if count > MAX_PERIODS:
        raise InvalidParameter(
            f"the date range holds {count} {resolution} periods; at most {MAX_PERIODS} "
            "are served: narrow start..end or use a coarser resolution"
        )
    if count * groups > MAX_BREAKDOWN_ROWS:
        raise InvalidParameter(
            f"the breakdown would hold {count * groups} rows; at most {MAX_BREAKDOWN_ROWS} are "
            "served: narrow start..end, use a coarser resolution or a smaller limit"
        )
    return p_lo, p_hi


# -- the user rows of a day range ------------------------------------------------------------


def covering_rows(rollup: Rollup, lo: int, hi: int) -> list[tuple[UserRows, slice]]:
    """User rows whose union is exactly the (user, combination) pairs of days lo..hi: the
    all-days table for the whole range, else whole months and the days around them."""
    if lo <= rollup.first_day and hi >= rollup.last_day:
        everything = rollup.user_rows["all"]
        return [(everything, everything.rows(0, 0))]
    months, daily = rollup.user_rows["monthly"], rollup.user_rows["daily"]
    m_lo, m_hi = int(period_of(lo, "monthly")), int(period_of(hi, "monthly"))
    if period_start(m_lo, "monthly") < lo:
        m_lo += 1
    if period_end(m_hi, "monthly") > hi:
        m_hi -= 1
    if m_lo > m_hi:
        return [(daily, daily.rows(lo, hi))]
    return [
        (daily, daily.rows(lo, int(period_start(m_lo, "monthly")) - 1)),
        (months, months.rows(m_lo, m_hi)),
        (daily, daily.rows(period_end(m_hi, "monthly") + 1, hi)),
    ]


# -- sums as JSON numbers --------------------------------------------------------------------


def plain(rollup: Rollup, measure: str, sums: np.ndarray) -> list:
    """Sums as JSON numbers: ints for counts and whole minutes, floats otherwise."""
    if measure != "minutes" or rollup.minutes_are_whole:
        return [int(round(v)) for v in sums.tolist()]
    # Float sums carry binary noise (0.1 + 0.2): 4 decimals, so groups add up to their total.
    return [round(float(v), 4) for v in sums.tolist()]


@dataclass(frozen=True)
class ViewSpan:
    """The part of the rollup a view reads: its allowed combinations, days and periods."""

    allowed: np.ndarray | None
    lo: int
    hi: int
    p_lo: int
    p_hi: int


def view_span(rollup: Rollup, filters: Filters, resolution: str) -> ViewSpan | None:
    """The combinations, days (start..end, an open side the matching events') and periods a
    series of the view covers; None when no matching event gives it a day."""
    allowed = allowed_combos(rollup, filters)
    span = day_range(rollup, filters, allowed)
    if span is None:
        return None
    lo, hi = span
    return ViewSpan(allowed, lo, hi, *periods(lo, hi, resolution))
