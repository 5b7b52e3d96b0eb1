"""A drag-zoom on a time chart as a date range: whole periods between the dragged ends."""

from __future__ import annotations

import datetime as dt

from data.events.periods import date_of, day_number, period_end, period_of, period_start

RESET = "reset"  # a double-click: back to the range before the zoom


def _moment(value: object) -> dt.datetime | None:
    """An x-axis end as plotly sends it ('2025-03-04 13:22:11.123' or a date)."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        return dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None


def zoomed_range(relayout: object, resolution: str):
    """(start, end) dates of the periods a drag covered, RESET for a double-click, or None for
    any other relayout (a resize, a legend click, a drag too short to hold a period).

    A period's point sits on its first day: the zoom keeps the periods whose point is inside
    the dragged span, whole.
    """
    if not isinstance(relayout, dict):
        return None
    if relayout.get("xaxis.autorange") is True:
        return RESET
    ends = relayout.get("xaxis.range")
    if not (isinstance(ends, list) and len(ends) == 2):
        ends = [relayout.get("xaxis.range[0]"), relayout.get("xaxis.range[1]")]
    low, high = (_moment(end) for end in ends)
    if low is None or high is None:
        return None
    low, high = min(low, high), max(low, high)
    if low.date() == dt.date.max:
        return None  # nothing after 9999-12-31 00:00 to zoom to
    # The first period whose first day is at or after the left end, the last one at or before
    # the right end.
    first_day = low.date() if low.time() == dt.time() else low.date() + dt.timedelta(days=1)
    first = period_of(day_number(first_day), resolution)
    if int(period_start(first, resolution)) < day_number(first_day):
        first += 1
    last = period_of(day_number(high.date()), resolution)
    if first > last:
        return None
    # The calendar's last week or month ends on 9999-12-31 at the latest.
    end = min(period_end(last, resolution), day_number(dt.date.max))
    start = period_start(first, resolution)
    if start > end:
        return None
    return date_of(start), date_of(end)
