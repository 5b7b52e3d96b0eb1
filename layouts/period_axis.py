"""The x-axis of a time chart: ticks on the periods' first days, labelled as periods."""

from __future__ import annotations

import datetime as dt

from data.events.params import InvalidParameter

# A chart draws at most this many periods (27 years of days): a link to 0001..9999 by month
# (the JSON routes serve up to 120,000 periods) made figures of 10 MB that froze the tab.
MAX_CHART_PERIODS = 10_000
# More labels than this overlap on a half-width card ("Week of 29 Sep 2025" is long).
MAX_TICKS = {"daily": 7, "weekly": 4, "monthly": 6}
# Past a quarter of weeks, four "Week of" labels leave gaps of months (and a narrow card shows
# two): the ticks sit on the week of each month's first Monday instead, every `k` months
# (calendar-aligned: k = 3 is January, April, July, October), named by that Monday ("7 Apr").
WEEKS_BY_MONTH = 13
MONTH_STEPS = (1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200)
MAX_MONTH_TICKS = 6  # drawn as they come (no script has thinned them): "30 Dec 2024" fits 6
MAX_MONTH_CHOICES = 13  # offered to assets/dashboard-enhance.js, which keeps what fits

# The unified hover's heading per resolution (plotly's d3 date format).
HOVER_FORMAT = {
    "daily": "%a %-d %b %Y",
    "weekly": "Week of %-d %b %Y",
    "monthly": "%B %Y",
}
AXIS_TITLE = {"daily": "Day", "weekly": "Week (starting Monday)", "monthly": "Month"}
_HALF_PERIOD_HOURS = {"daily": 12, "weekly": 84, "monthly": 360}


def _label(day: dt.date, resolution: str, with_year: bool, weekday: bool = False) -> str:
    if resolution == "monthly":
        return f"{day:%b} {day.year}"
    text = f"{day:%a} {day.day} {day:%b}" if weekday else f"{day.day} {day:%b}"
    if with_year:
        text += f" {day.year}"
    return f"Week of {text}" if resolution == "weekly" else text


def tick_step(count: int, resolution: str) -> int:
    """Every how many periods a tick sits, so that at most MAX_TICKS show."""
    return max(1, -(-count // MAX_TICKS[resolution]))


def _month_weeks(mondays: list[dt.date], most: int) -> list[dt.date]:
    """The weeks of months' first Mondays, every k months for the smallest k of MONTH_STEPS
    that leaves at most `most` of them."""
    firsts = [day for day in mondays if day.day <= 7]
    for step in MONTH_STEPS:
        chosen = [day for day in firsts if (day.year * 12 + day.month - 1) % step == 0]
        if len(chosen) <= most:
            return chosen or firsts[:1]
    return firsts[:: -(-len(firsts) // most)]


def _texts(days: list[dt.date], resolution: str, short: bool = False) -> list[str]:
    """Each tick's label, with the year on the first tick and where it changes."""
    return [
        _label(day, "daily" if short else resolution, i == 0 or day.year != days[i - 1].year)
        for i, day in enumerate(days)
    ]


def period_ticks(
    dates: list[str], resolution: str, most: int = MAX_MONTH_TICKS
) -> tuple[list[str], list[str]]:
    """(tickvals, ticktext): a tick on every step-th period's first day, named as a period;
    over more than WEEKS_BY_MONTH weeks, on at most `most` months' first weeks instead.

    Plotly's own date ticks fall on Sundays or on arbitrary days, which reads as if weeks
    started on Sunday and puts "Dec 29" beside "Jan" on a monthly chart.
    """
    if not dates:
        return [], []
    if resolution == "weekly" and len(dates) > WEEKS_BY_MONTH:
        days = _month_weeks([dt.date.fromisoformat(date) for date in dates], most)
        return [day.isoformat() for day in days], _texts(days, resolution, short=True)
    step = tick_step(len(dates), resolution)
    days = [dt.date.fromisoformat(date) for date in dates[::step]]
    if len(dates) == 1 and resolution == "daily":
        return [days[0].isoformat()], [_label(days[0], resolution, True, weekday=True)]
    return [day.isoformat() for day in days], _texts(days, resolution)


def period_range(dates: list[str], resolution: str) -> list[str]:
    """The axis range: half a period around the first and last period, so that a single
    period (a one-day range) reads as its date, not as milliseconds around midnight."""
    half = dt.timedelta(hours=_HALF_PERIOD_HOURS[resolution])
    first = dt.datetime.fromisoformat(dates[0])
    last = dt.datetime.fromisoformat(dates[-1])
    # The calendar's ends: a shared link may ask for 0001-01-01 or 9999-12-31.
    first = first - half if first - dt.datetime.min > half else dt.datetime.min
    last = last + half if dt.datetime.max - last > half else dt.datetime.max
    return [first.isoformat(sep=" "), last.isoformat(sep=" ")]


def period_axis(dates: list[str], resolution: str) -> dict:
    """The settings of a date x-axis over periods: ticks on them, named as periods, half a
    period of room each side, the hover heading per resolution; too many periods to draw are
    refused (InvalidParameter, shown in the chart's place)."""
    if len(dates) > MAX_CHART_PERIODS:
        raise InvalidParameter(
            f"the chart would draw {len(dates):,} {resolution} periods; at most "
            f"{MAX_CHART_PERIODS:,} are drawn: narrow the dates or choose a coarser resolution"
        )
    tickvals, ticktext = period_ticks(dates, resolution)
    return {
        "type": "date",
        "tickmode": "array",
        "tickvals": tickvals,
        "ticktext": ticktext,
        "tickangle": 0,  # never slanted: a narrow chart shows fewer ticks instead
        "range": period_range(dates, resolution),
        "hoverformat": HOVER_FORMAT[resolution],
    }
