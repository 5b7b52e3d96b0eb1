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


def when_figure(cells: list[dict], metric: str, dark: bool, zone: str = "UTC") -> dict:
    """A 7 x 24 heatmap of /data/when/'s cells, Monday on top, hours 0..23 left to right, in
    the report's time zone (REPORT_TIMEZONE).

    Drawn as square markers coloured by value: the page's Plotly bundle
    (assets/vendor/plotly-basic.min.js) has scatter and bar traces, no heatmap."""
    if not any(cell["value"] for cell in cells):
        return message_figure("No views with a time of day in this range", dark)
    colors = palette(dark)
    label = WHEN_LABELS[metric]
    values = [cell["value"] for cell in cells]
    trace = {
        "type": "scatter",
        "mode": "markers",
        "x": [cell["hour"] for cell in cells],
        "y": [WEEKDAY_NAMES[cell["weekday"]] for cell in cells],
        "marker": {
            "symbol": "square",
            "size": 26,
            "color": values,
            "cmin": 0,
            "cmax": max(values),
            "colorscale": [[0, colors["grid"]], [1, colors["indigo"]]],
            "showscale": True,
            "colorbar": {"thickness": 10, "tickfont": {"color": colors["muted"]}},
            "line": {"width": 0},
        },
        "customdata": [f"{cell['hour']:02d}" for cell in cells],
        "hovertemplate": f"%{{y}} %{{customdata}}:00 {zone}<br>{label}: %{{marker.color:,}}"
        "<extra></extra>",
    }
    layout = base_layout(
        dark,
        margin={"l": 8, "r": 8, "t": 8, "b": 8},
        xaxis=axis(
            colors,
            title={"text": f"Hour of the day ({zone})"},
            tickvals=list(range(0, 24, 3)),
            ticktext=[f"{hour:02d}" for hour in range(0, 24, 3)],
            range=[-0.6, 23.6],
            showgrid=False,
            fixedrange=True,
        ),
        yaxis=axis(
            colors,
            categoryorder="array",
            categoryarray=list(WEEKDAY_NAMES),
            autorange="reversed",
            showgrid=False,
            fixedrange=True,
        ),
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
    x_axis = period_axis(dates, resolution)
    layout = base_layout(
        dark,
        hovermode="x unified",
        showlegend=True,
        legend={"orientation": "h", "y": 1.12, "x": 0, "font": {"color": colors["muted"]}},
        margin={"l": 8, "r": 8, "t": 28, "b": 8},
        xaxis=axis(colors, **x_axis, fixedrange=True),
        # All the ticks: assets/dashboard-enhance.js keeps those whose labels fit the width.
        meta={"ticks": {"vals": x_axis["tickvals"], "text": x_axis["ticktext"]}},
        yaxis=axis(colors, tickformat=",d", fixedrange=True, title={"text": "Minutes"}),
    )
    return {"data": traces, "layout": layout}
