"""Plotly figures of a title's own view: viewers and hours per period, completion, audience."""

from __future__ import annotations

from layouts.figures import EMPTY_MESSAGE, alpha, axis, base_layout, message_figure, palette
from layouts.period_axis import AXIS_TITLE, period_axis
from layouts.period_marks import partial_bars, partial_notes
from layouts.plot_text import plot_text


def time_figure(
    rows: list[dict], resolution: str, dark: bool, partial: list[bool] | None = None
) -> dict:
    """Unique viewers per period as bars, hours watched as a line on a second axis; a
    `partial` period's bar (cut by the range or the data) hatched, and said so on hover."""
    if not rows or not any(row["views"] for row in rows):
        return message_figure(EMPTY_MESSAGE, dark)
    colors = palette(dark)
    dates = [row["date"] for row in rows]
    partial = partial if partial and len(partial) == len(rows) else [False] * len(rows)
    hours = [round((row["minutes_watched"] or 0) / 60, 2) for row in rows]
    notes = partial_notes(partial)
    bars = {
        "type": "bar",
        "x": dates,
        "y": [row["unique_viewers"] for row in rows],
        "text": notes,
        "textposition": "none",  # the note is for the hover, not drawn on the bar
        "name": "Unique viewers",
        "marker": {"color": alpha(colors["users"], 0.75), "cornerradius": 3},
        "hovertemplate": "%{y:,} unique viewers%{text}<extra></extra>",
    }
    line = {
        "type": "scatter",
        "mode": "lines+markers" if len(rows) <= 60 else "lines",
        "x": dates,
        "y": hours,
        "yaxis": "y2",
        "name": "Hours watched",
        "text": notes,
        "line": {"color": colors["minutes"], "width": 2},
        "marker": {"size": 5},
        "hovertemplate": "%{y:,.1f} h watched%{text}<extra></extra>",
    }
    title_font = {"color": colors["muted"]}
    layout = base_layout(
        dark,
        hovermode="x unified",
        showlegend=True,
        legend={"orientation": "h", "y": 1.12, "x": 0, "font": {"color": colors["muted"]}},
        margin={"l": 8, "r": 8, "t": 28, "b": 8},
        bargap=0.25,
        xaxis=axis(
            colors,
            **period_axis(dates, resolution),
            title={"text": AXIS_TITLE[resolution], "font": title_font},
            # The first period's label carries the year: it may reach into the margin rather
            # than be hidden (which left ticks without any year).
            ticklabeloverflow="allow",
            fixedrange=True,
        ),
        yaxis=axis(
            colors,
            title={"text": "Unique viewers", "font": title_font},
            tickformat=",d",
            rangemode="tozero",
            fixedrange=True,
        ),
        yaxis2=axis(
            colors,
            title={"text": "Hours watched", "font": title_font},
            overlaying="y",
            side="right",
            showgrid=False,
            rangemode="tozero",
            # Trailing zeros trimmed: ticks every half hour read 0.5 h, 1 h (",.0f" made two
            # "1 h" labels of 0.5 and 1).
            tickformat=",~f",
            ticksuffix=" h",
            tickmode="auto",  # round hours, not ticks placed on the viewers' grid lines
            fixedrange=True,
        ),
    )
    return {"data": [*partial_bars(bars, partial), line], "layout": layout}


def completion_figure(histogram: list[dict], dark: bool) -> dict:
    """Views per 10-point viewpercentage bin; the last bin (90 and more) is the completed."""
    if not any(row["views"] for row in histogram):
        return message_figure("No views with a known percentage", dark)
    colors = palette(dark)
    labels = [f"{row['from']}–{row['to']}" for row in histogram]
    labels[-1] = f"{histogram[-1]['from']}+"
    trace = {
        "type": "bar",
        "x": labels,
        "y": [row["views"] for row in histogram],
        "marker": {
            "color": [alpha(colors["bars"], 0.6)] * (len(labels) - 1) + [colors["completion"]],
            "cornerradius": 3,
        },
        "hovertemplate": "%{x} % watched: <b>%{y:,}</b> views<extra></extra>",
    }
    layout = base_layout(
        dark,
        bargap=0.12,
        xaxis=axis(colors, title={"text": "% of the title watched"}, fixedrange=True),
        yaxis=axis(colors, tickformat=",d", rangemode="tozero", fixedrange=True),
    )
    return {"data": [trace], "layout": layout}


def shares_figure(values: list[dict], what: str, dark: bool) -> dict:
    """Views per value of a dimension (device, market) as horizontal bars, most on top."""
    if not values:
        return message_figure(EMPTY_MESSAGE, dark)
    colors = palette(dark)
    total = sum(row["views"] for row in values) or 1
    trace = {
        "type": "bar",
        "orientation": "h",
        "x": [row["views"] for row in values],
        "y": [plot_text(row["value"]) for row in values],  # data: the axis and hover show it
        "customdata": [round(row["views"] / total * 100, 1) for row in values],
        "text": [f"{row['views']:,}" for row in values],
        "textposition": "outside",
        "cliponaxis": False,
        "textfont": {"color": colors["muted"], "size": 11},
        "marker": {"color": colors["bars"], "cornerradius": 3},
        "hovertemplate": f"%{{y}}: <b>%{{x:,}}</b> views (%{{customdata}} % of the {what})"
        "<extra></extra>",
    }
    layout = base_layout(
        dark,
        margin={"l": 8, "r": 48, "t": 8, "b": 8},
        bargap=0.3,
        xaxis=axis(colors, tickformat=",d", fixedrange=True, visible=False),
        # Categories always: a device named "2" or "2025-01-01" is a name, not a number or a date.
        yaxis=axis(
            colors,
            type="category",
            autorange="reversed",
            showgrid=False,
            ticks="",
            fixedrange=True,
        ),
    )
    return {"data": [trace], "layout": layout}
