"""How a catalog metric looks on the page: its colour, axis, number formats and KPI card text.

Each way of showing numbers (the catalog's SHOWN_AS) is written once here; a metric picks one,
and its hue, in its catalog entry. Checked at import: a hue without a colour in each theme, or
a way of showing without its formats, stops the app from starting.
"""

from __future__ import annotations

from data.events.catalog import COUNT, HOURS, HUES, METRIC_BY_NAME, MINUTES, SHARE, SHOWN_AS
from layouts.figures import THEMES

HOUR_FROM = 600  # minutes: a total is shown in hours once a value reaches 10 hours


def metric_color(metric: str, colors: dict) -> str:
    """The metric's own line colour in a theme's palette."""
    return colors[METRIC_BY_NAME[metric].hue]


def is_count(metric: str) -> bool:
    """Whole numbers: integer ticks only, never 0.5 users."""
    return METRIC_BY_NAME[metric].shown_as == COUNT


def is_share(metric: str) -> bool:
    """A fraction shown as a percentage (0 to 100 %), compared in percentage points."""
    return METRIC_BY_NAME[metric].shown_as == SHARE


def is_hours(metric: str) -> bool:
    """A total of minutes watched, which reads in hours once large (CSV files add hours)."""
    return METRIC_BY_NAME[metric].shown_as == HOURS


def chart_scale(metric: str, peak: float) -> tuple[float, str, str]:
    """(divisor, unit shown, y-axis title) for a metric whose largest value is `peak`."""
    spec = METRIC_BY_NAME[metric]
    if spec.shown_as == HOURS:
        if peak >= HOUR_FROM:
            return 60.0, "h", f"{spec.label} (h)"
        return 1.0, "min", f"{spec.label} (min)"
    if spec.shown_as == MINUTES:
        return 1.0, "min", f"{spec.label} (min)"
    if spec.shown_as == SHARE:
        return 0.01, "%", f"{spec.label} (%)"
    return 1.0, "", spec.label


def hover_format(metric: str, unit: str) -> str:
    """The hover's number format for values divided as chart_scale says."""
    if is_count(metric):
        return "%{y:,}"
    return {"min": "%{y:,.1f} min", "%": "%{y:.1f} %", "h": "%{y:,.1f} h"}[unit]


def kpi_text(metric: str, value: float | None) -> str | tuple[str, str] | None:
    """A KPI card's number: text, (text, unit), or None when there is none."""
    if value is None:
        return None
    shown_as = METRIC_BY_NAME[metric].shown_as
    if shown_as == COUNT:
        return f"{value:,.0f}"
    if shown_as == SHARE:
        return f"{value * 100:.1f}", "%"
    if shown_as == HOURS and value >= HOUR_FROM:
        hours = value / 60
        return (f"{hours:,.0f}" if hours >= 100 else f"{hours:,.1f}"), "h"
    return f"{value:,.1f}", "min"


def _check() -> None:
    for theme, colors in THEMES.items():
        missing = [hue for hue in HUES if hue not in colors]
        if missing:
            raise RuntimeError(f"layouts/figures.py THEMES[{theme!r}] lacks the hues {missing}")
    if set(SHOWN_AS) != {COUNT, HOURS, MINUTES, SHARE}:
        raise RuntimeError(f"layouts/metric_looks.py does not know how to show {SHOWN_AS}")


_check()
