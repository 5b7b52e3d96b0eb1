"""Date presets relative to the data: the last 7, 30 or 90 days, month, quarter or year to date."""

from __future__ import annotations

import datetime as dt

_LAST_DAYS = {"last7": 7, "last30": 30, "last90": 90}
PRESETS = (*_LAST_DAYS, "mtd", "qtd", "ytd", "all")


def preset_range(name: str, first: dt.date, last: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """(start, end) of a preset over data from `first` to `last`; "all" is (None, None).

    Presets count back from the data's last day, not from today: an archive of 2013 events
    still has a "last 7 days". A start before the data's first day is kept as it is, so the
    range says how long it is; one before the calendar's first day (0001-01-01) is that day.
    """
    if name == "all":
        return None, None
    if name in _LAST_DAYS:
        back = dt.timedelta(days=_LAST_DAYS[name] - 1)
        return (last - back if last - dt.date.min >= back else dt.date.min), last
    if name == "mtd":
        return last.replace(day=1), last
    if name == "qtd":
        return last.replace(month=(last.month - 1) // 3 * 3 + 1, day=1), last
    if name == "ytd":
        return last.replace(month=1, day=1), last
    raise ValueError(f"unknown date preset {name!r}")  # callers check names against PRESETS


def preset_of(
    start: dt.date | None, end: dt.date | None, first: dt.date, last: dt.date
) -> str | None:
    """The preset whose range is start..end over this data, or None (a custom range)."""
    for name in PRESETS:
        if preset_range(name, first, last) == (start, end):
            return name
    return None
