"""The previous range a date range is compared with: the days just before, or period to date.

Definition (README, "Compare with the previous period"):
- The range is start..end inclusive; n = (end - start).days + 1 days.
- Default: the n days just before start, (start - n, start - 1).
- Period to date: when end is on or after the data's last day (the period is unfinished) and
  the range starts on the first day of a week (Monday), month, quarter or year and ends before
  that same period's last day, the previous range is n days from the first day of the previous
  such period (the smallest unit that applies: week, month, quarter, year), never past that
  period's last day (March 1..30 compares with the whole of a 28-day February).
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from data.events.params import Filters, InvalidParameter, check_order

UNITS = ("week", "month", "quarter", "year")  # the order they are tried in: smallest first
_MONTHS = {"month": 1, "quarter": 3, "year": 12}
_DAY = dt.timedelta(days=1)


class PreviousRange(NamedTuple):
    """The range compared with: start..end inclusive; period_to_date says whether it is the
    same number of days from the previous period's start (unit: which period) or the days
    just before."""

    start: dt.date
    end: dt.date
    period_to_date: bool = False
    unit: str | None = None


def _month_shift(date: dt.date, months: int) -> dt.date:
    """The 1st of the month `months` after date's month (negative: before); ValueError
    outside the calendar (0001-01-01..9999-12-31)."""
    index = date.year * 12 + date.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def period_bounds(date: dt.date, unit: str) -> tuple[dt.date, dt.date] | None:
    """(first, last) day of the unit's period that starts on date, or None if none does."""
    if unit == "week":
        if date.weekday() != 0:
            return None
        return date, date + min(6 * _DAY, dt.date.max - date)
    months = _MONTHS[unit]
    if date.day != 1 or (date.month - 1) % months:
        return None
    try:
        return date, _month_shift(date, months) - _DAY
    except ValueError:
        return date, dt.date.max  # the calendar's last period ends on 9999-12-31


def _previous_start(first: dt.date, unit: str) -> dt.date:
    """The first day of the period before the one starting on `first`."""
    if unit == "week":
        return first - 7 * _DAY
    return _month_shift(first, -_MONTHS[unit])


def previous_range(start: dt.date, end: dt.date, data_last: dt.date | None) -> PreviousRange:
    """The range start..end is compared with (data_last: the data's last day, None: no data)."""
    check_order(start, end)
    days = (end - start).days + 1
    try:
        if data_last is not None and end >= data_last:
            for unit in UNITS:
                period = period_bounds(start, unit)
                if period is not None and end < period[1]:
                    first = _previous_start(start, unit)
                    last = min(first + (days - 1) * _DAY, start - _DAY)
                    return PreviousRange(first, last, True, unit)
        return PreviousRange(start - days * _DAY, start - _DAY)
    except (OverflowError, ValueError):
        # Only a range near 0001-01-01 gets here: the calendar has nothing before it.
        raise InvalidParameter(
            f"the range {start.isoformat()}..{end.isoformat()} has no previous range: "
            "the calendar starts on 0001-01-01"
        ) from None


def previous_filters(
    filters: Filters, bounds: tuple[dt.date, dt.date] | None
) -> tuple[Filters, PreviousRange] | None:
    """The filters of the previous range (same dimension filters) and that range, for filters
    over data spanning `bounds` (first, last; None: no events). A missing start or end is the
    data's first or last day; None when that leaves no range (no events, or start after end)."""
    first, last = bounds if bounds is not None else (None, None)
    start = filters.start or first
    end = filters.end or last
    if start is None or end is None or start > end:
        return None
    span = previous_range(start, end, last)
    return Filters(span.start, span.end, filters.where), span
