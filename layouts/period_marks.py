"""Which periods a chart marks, and how: partial periods (cut by the range or by the data's
first or last day) and periods wholly outside the data. One rule and one look for every chart
over periods: the time charts, lifecycle and a title's own view."""

from __future__ import annotations

import datetime as dt

from data.events.periods import last_day_of_period

PARTIAL_NOTE = "  <i>(partial period)</i>"  # after a value on hover


def _spans(dates: list[str], resolution: str) -> list[tuple[dt.date, dt.date]]:
    """(first, last) day of each period labelled by its first day."""
    starts = [dt.date.fromisoformat(date) for date in dates]
    return [(start, last_day_of_period(start, resolution)) for start in starts]


def partial_periods(
    dates: list[str], resolution: str, first: dt.date | None, last: dt.date | None
) -> list[bool]:
    """Which periods the shown days cover only in part (a week cut by the range or the data)."""
    return [
        bool((first and start < first) or (last and end > last))
        for start, end in _spans(dates, resolution)
    ]


def no_data_periods(
    dates: list[str], resolution: str, first: dt.date | None, last: dt.date | None
) -> list[bool]:
    """Which periods lie wholly before the data's first or after its last event."""
    return [
        bool((first and end < first) or (last and start > last))
        for start, end in _spans(dates, resolution)
    ]


def partial_notes(partial: list[bool]) -> list[str]:
    """Per period, what its hover adds after the value: the partial note, or nothing."""
    return [PARTIAL_NOTE if flag else "" for flag in partial]


def partial_points(color: str, partial: list[bool]) -> dict:
    """A line's markers: open circles on partial periods (a short week is not a collapse)."""
    return {
        "color": color,
        "size": [8 if flag else 6 for flag in partial],
        "symbol": ["circle-open" if flag else "circle" for flag in partial],
        "line": {"width": 2, "color": color},
    }


def partial_bars(trace: dict, partial: list[bool]) -> list[dict]:
    """A bar trace as two: its whole periods as they are, and its partial ones hatched and
    lighter, in the same legend group without an entry of their own (a legend swatch shows
    a trace's first bar, which would be hatched whenever the range starts mid-period)."""
    size = len(partial)

    def keep(wanted: bool) -> dict:
        return {
            key: [v for v, flag in zip(value, partial, strict=True) if flag == wanted]
            for key, value in trace.items()
            if isinstance(value, list) and len(value) == size
        }

    whole = {**trace, **keep(False), "legendgroup": trace["name"]}
    if not any(partial):
        return [whole]
    marker = trace.get("marker", {})
    hatched = {
        **trace,
        **keep(True),
        "legendgroup": trace["name"],
        "showlegend": False,
        "marker": {
            **marker,
            "opacity": 0.55,
            "pattern": {"shape": "/", "fillmode": "overlay", "solidity": 0.35},
        },
    }
    return [whole, hatched]
