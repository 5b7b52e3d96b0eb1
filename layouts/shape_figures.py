"""The shape of viewing: a prime-time heatmap (weekday x hour) and minutes-per-viewer lines."""

from __future__ import annotations

from layouts.figures import axis, base_layout, message_figure, palette
from layouts.period_axis import period_axis

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WHEN_LABELS = {
    "views": "Views",
    "unique_users": "Unique users",
    "minutes_watched": "Minutes watched",
}
# The distribution's lines: the answer's key, its name, its colour in the theme.
DISTRIBUTION_LINES = (
    ("p50", "Median (p50)", "teal"),
    ("mean", "Mean", "muted"),
    ("p90", "p90", "amber"),
    ("p99", "p99", "rose"),
)


def when_figure(cells: list[dict], metric: str, dark: bool) -> dict:
    """A 7 x 24 heatmap of /data/when/'s cells, Monday on top, hours 0..23 left to right."""
    if not any(cell["value"] for cell in cells):
        return message_figure("No views with a time of day in this range", dark)
    colors = palette(dark)
    z = [[0] * 24 for _ in WEEKDAY_NAMES]
    for cell in cells:
        z[cell["weekday"]][cell["hour"]] = cell["value"]
    label = WHEN_LABELS[metric]
    trace = {
        "type": "heatmap",
        "z": z,
        "x": [f"{hour:02d}" for hour in range(24)],
        "y": list(WEEKDAY_NAMES),
        "colorscale": [[0, "rgba(0,0,0,0)"], [1, colors["indigo"]]],
        "zmin": 0,
        "xgap": 1,
        "ygap": 1,
        "colorbar": {"thickness": 10, "tickfont": {"color": colors["muted"]}},
        "hovertemplate": f"%{{y}} %{{x}}:00 UTC<br>{label}: %{{z:,}}<extra></extra>",
    }
    layout = base_layout(
        dark,
        margin={"l": 8, "r": 8, "t": 8, "b": 8},
        xaxis=axis(colors, title={"text": "Hour of the day (UTC)"}, fixedrange=True),
        yaxis=axis(colors, autorange="reversed", fixedrange=True),
    )
    return {"data": [trace], "layout": layout}


def distribution_figure(answer: dict, resolution: str, dark: bool) -> dict:
    """Lines of the median, mean, p90 and p99 minutes per viewer, per period."""
    periods = answer["periods"]
    if not any(period["viewers"] for period in periods):
        return message_figure("No viewers in this range", dark)
    colors = palette(dark)
    dates = [period["date"] for period in periods]
    traces = [
        {
            "type": "scatter",
            "mode": "lines",
            "x": dates,
            "y": [period[key] for period in periods],
            "name": name,
            "line": {"color": colors[color], "width": 2, "dash": "dot" if key == "mean" else None},
            "hovertemplate": f"{name}: %{{y:,}} min<extra></extra>",
        }
        for key, name, color in DISTRIBUTION_LINES
    ]
    layout = base_layout(
        dark,
        hovermode="x unified",
        showlegend=True,
        legend={"orientation": "h", "y": 1.12, "x": 0, "font": {"color": colors["muted"]}},
        margin={"l": 8, "r": 8, "t": 28, "b": 8},
        xaxis=axis(colors, **period_axis(dates, resolution), fixedrange=True),
        yaxis=axis(colors, tickformat=",d", fixedrange=True, title={"text": "Minutes"}),
    )
    return {"data": traces, "layout": layout}
