"""The stickiness card's figure: the daily DAU / MAU line, a month's active-days bars below."""

from __future__ import annotations

from layouts.figures import axis, base_layout, message_figure, palette
from layouts.period_axis import period_axis


def shown_month(active_days: list[dict]) -> str | None:
    """The month whose histogram the card draws: the range's last with users (the CSV and
    /data/stickiness/ have every month)."""
    return active_days[-1]["month"] if active_days else None


def stickiness_figure(answer: dict, dark: bool) -> dict:
    """Two panels sharing the card: the ratio per day as a line (dau and mau on hover) and,
    for shown_month, users by the number of days they were active in it."""
    days = answer["days"]
    if not any(row["mau"] for row in days):
        return message_figure("No users in this range", dark)
    colors = palette(dark)
    dates = [row["date"] for row in days]
    line = {
        "type": "scatter",
        "mode": "lines",
        "x": dates,
        "y": [row["ratio"] for row in days],
        "customdata": [[row["dau"], row["mau"]] for row in days],
        "name": "DAU / MAU",
        "line": {"color": colors["users"], "width": 2},
        "hovertemplate": "DAU / MAU: %{y:.1%} (%{customdata[0]:,} of %{customdata[1]:,})"
        "<extra></extra>",
        "xaxis": "x",
        "yaxis": "y",
    }
    month = shown_month(answer["active_days"])
    counts = [row for row in answer["active_days"] if row["month"] == month]
    bars = {
        "type": "bar",
        "x": [row["days"] for row in counts],
        "y": [row["users"] for row in counts],
        "name": f"Users by active days, {month}",
        "marker": {"color": colors["minutes"], "cornerradius": 2},
        "hovertemplate": "%{x} active days: %{y:,} users<extra></extra>",
        "xaxis": "x2",
        "yaxis": "y2",
    }
    layout = base_layout(
        dark,
        hovermode="closest",
        margin={"l": 8, "r": 8, "t": 12, "b": 8},
        xaxis=axis(colors, **period_axis(dates, "daily"), fixedrange=True, anchor="y"),
        yaxis=axis(
            colors,
            domain=[0.5, 1],
            tickformat=".0%",
            rangemode="tozero",
            fixedrange=True,
            title={"text": "DAU / MAU"},
        ),
        xaxis2=axis(
            colors,
            anchor="y2",
            dtick=1 if len(counts) <= 16 else 5,
            fixedrange=True,
            title={"text": f"Days active in {month}"},
        ),
        yaxis2=axis(
            colors, domain=[0, 0.32], tickformat=",d", fixedrange=True, title={"text": "Users"}
        ),
    )
    return {"data": [line, bars], "layout": layout}
