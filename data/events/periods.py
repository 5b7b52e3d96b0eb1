"""Dates and periods as int day numbers (days since 1970-01-01): days, weeks from Monday, months."""

from __future__ import annotations

import datetime as dt

import numpy as np

RESOLUTIONS = ("daily", "weekly", "monthly")
DEFAULT_RESOLUTION = "daily"
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def day_number(date: dt.date) -> int:
    """Days since 1970-01-01."""
    return date.toordinal() - _EPOCH_ORDINAL


def period_of(days, resolution: str):
    """Period number of day number(s): the day itself, the week (from Monday) or the month."""
    if resolution == "daily":
        return days
    if resolution == "weekly":
        return (days + 3) // 7  # day -3 (1969-12-29) is the Monday that starts week 0
    months = (
        np.asarray(np.asarray(days, dtype=np.int64), dtype="datetime64[D]")
        .astype("datetime64[M]")
        .astype(np.int64)
    )
    return months if np.ndim(days) else int(months)


def period_start(periods, resolution: str):
    """First day number of period number(s)."""
    if resolution == "daily":
        return periods
    if resolution == "weekly":
        return np.asarray(periods) * 7 - 3 if np.ndim(periods) else periods * 7 - 3
    days = np.asarray(periods, dtype="datetime64[M]").astype("datetime64[D]").astype(np.int64)
    return days if np.ndim(periods) else int(days)


def period_end(period: int, resolution: str) -> int:
    """Last day number of a period number."""
    return int(period_start(period + 1, resolution)) - 1


def period_labels(p_lo: int, p_hi: int, resolution: str) -> list[str]:
    """'YYYY-MM-DD' labels of the periods p_lo..p_hi (their first day)."""
    starts = period_start(np.arange(p_lo, p_hi + 1, dtype=np.int64), resolution)
    return np.datetime_as_string(starts.astype("datetime64[D]"), unit="D").tolist()


def date_of(day: int) -> dt.date:
    """The date of a day number."""
    return dt.date.fromordinal(int(day) + _EPOCH_ORDINAL)


def last_day_of_period(start: dt.date, resolution: str) -> dt.date:
    """Last date of the period that contains `start` (a label date); the calendar ends in 9999."""
    last = period_end(period_of(day_number(start), resolution), resolution)
    return date_of(min(last, day_number(dt.date.max)))
