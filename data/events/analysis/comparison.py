"""The previous range a date range is compared with: whole periods, period to date, days before.

The rule (README, "Compare with the previous period") for the range start..end (inclusive, n
days) on a page of resolution daily, weekly or monthly, tried in this order:

1. Whole periods of the page's resolution: on a weekly page a range of whole weeks (a Monday
   to a Sunday), on a monthly page a range of whole months (a 1st to a month's last day), is
   compared with the same number of whole weeks or months just before it: March with
   February, January..March with October..December, a week with the week before.
2. Period to date: when end is on or after the data's last day (the period is unfinished),
   the range starts on the first day of a week (Monday), month, quarter or year and ends
   inside that period (before its last day), the previous range is n days from the first day
   of the previous such period (the smallest unit that applies), never past that period's
   last day (March 1..30 compares with the whole of a 28-day February). A range of whole
   months is never a period to date: October 1..31 is a finished month, not a quarter to date.
3. Otherwise the n days just before it, (start - n, start - 1). On a daily page every range
   is whole days, so this is its rule 1.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from data.events.params import Filters, InvalidParameter, check_order
from data.events.periods import DEFAULT_RESOLUTION

UNITS = ("week", "month", "quarter", "year")  # the order they are tried in: smallest first
_MONTHS = {"month": 1, "quarter": 3, "year": 12}
_DAY = dt.timedelta(days=1)


class PreviousRange(NamedTuple):
    """The range compared with: start..end inclusive, and by which rule: period_to_date (unit:
    which period), whole periods (unit "week" or "month", periods: how many), or neither (the
    days just before: unit None, periods 0)."""

    start: dt.date
    end: dt.date
    period_to_date: bool = False
    unit: str | None = None
    periods: int = 0


def _month_shift(date: dt.date, months: int) -> dt.date:
    """The 1st of the month `months` after date's month (negative: before); ValueError
    outside the calendar (0001-01-01..9999-12-31)."""
    index = date.year * 12 + date.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _month_end(date: dt.date) -> bool:
    """Is date the last day of its month?"""
    return date == dt.date.max or (date + _DAY).day == 1


def whole_months(start: dt.date, end: dt.date) -> bool:
    """Does start..end run from a month's 1st to a month's last day?"""
    return start.day == 1 and _month_end(end)


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


def _whole_periods(start: dt.date, end: dt.date, resolution: str) -> PreviousRange | None:
    """Rule 1: the same number of whole weeks or months just before, when the range is whole
    periods of the page's resolution (weekly or monthly); None otherwise."""
    if resolution == "weekly" and start.weekday() == 0 and end.weekday() == 6:
        weeks = ((end - start).days + 1) // 7
        return PreviousRange(start - 7 * weeks * _DAY, start - _DAY, False, "week", weeks)
    if resolution == "monthly" and whole_months(start, end):
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        return PreviousRange(_month_shift(start, -months), start - _DAY, False, "month", months)
    return None


def _period_to_date(start: dt.date, end: dt.date, data_last: dt.date | None):
    """Rule 2: the previous period's first days, or None when the range is not one to date."""
    if data_last is None or end < data_last or whole_months(start, end):
        return None
    days = (end - start).days + 1
    for unit in UNITS:
        period = period_bounds(start, unit)
        if period is not None and end < period[1]:
            first = _previous_start(start, unit)
            return PreviousRange(first, min(first + (days - 1) * _DAY, start - _DAY), True, unit)
    return None


def previous_range(
    start: dt.date,
    end: dt.date,
    data_last: dt.date | None,
    resolution: str = DEFAULT_RESOLUTION,
) -> PreviousRange:
    """The range start..end is compared with on a page of `resolution` (data_last: the data's
    last day, None: no data), by the module's three rules."""
    check_order(start, end)
    days = (end - start).days + 1
    try:
        return (
            _whole_periods(start, end, resolution)
            or _period_to_date(start, end, data_last)
            or PreviousRange(start - days * _DAY, start - _DAY)
        )
    except (OverflowError, ValueError):
        # Only a range near 0001-01-01 gets here: the calendar has nothing before it.
        raise InvalidParameter(
            f"the range {start.isoformat()}..{end.isoformat()} has no previous range: "
            "the calendar starts on 0001-01-01"
        ) from None


def _months_back(date: dt.date, months: int) -> dt.date:
    """The same day `months` months earlier (a month's last day stays a last day; a day the
    earlier month lacks is its last day)."""
    first = _month_shift(date, -months)
    last = _month_shift(date, 1 - months) - _DAY
    return last if _month_end(date) else first.replace(day=min(date.day, last.day))


def compared_days(
    span: PreviousRange, start: dt.date, first: dt.date, last: dt.date
) -> tuple[dt.date, dt.date] | None:
    """The days of the previous range that first..last (a part of the range from `start`) is
    compared with: for whole months the same days as many months back (a month with its
    month), else the same days moved back to the previous range's start; never past the
    previous range's end; None when nothing of it is left."""
    if span.unit == "month" and span.periods:
        lo, hi = _months_back(first, span.periods), _months_back(last, span.periods)
    else:
        shift = start - span.start
        lo, hi = first - shift, last - shift
    hi = min(hi, span.end)
    return (lo, hi) if lo <= hi else None


def previous_filters(
    filters: Filters,
    bounds: tuple[dt.date, dt.date] | None,
    resolution: str = DEFAULT_RESOLUTION,
) -> tuple[Filters, PreviousRange] | None:
    """The filters of the previous range (same dimension filters) and that range, for filters
    over data spanning `bounds` (first, last; None: no events) on a page of `resolution`. A
    missing start or end is the data's first or last day; None when that leaves no range (no
    events, or start after end)."""
    first, last = bounds if bounds is not None else (None, None)
    start = filters.start or first
    end = filters.end or last
    if start is None or end is None or start > end:
        return None
    span = previous_range(start, end, last, resolution)
    return Filters(span.start, span.end, filters.where), span
