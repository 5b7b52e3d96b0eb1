"""Plotly figures of the users over time: a retention heatmap and lifecycle bars."""

from __future__ import annotations

from layouts.figures import alpha, axis, base_layout, message_figure, palette
from layouts.period_axis import period_axis

PERIOD_WORD = {"daily": "day", "weekly": "week", "monthly": "month"}
MAX_COHORTS_SHOWN = 16  # more rows than this no longer fit the card legibly (the CSV has all)
# The lifecycle's groups, drawn bottom up; dormant users go below zero.
LIFECYCLE_GROUPS = (
    ("new", "New", "users"),
    ("returning", "Returning", "minutes"),
    ("resurrecting", "Resurrecting", "views"),
    ("dormant", "Dormant", "muted"),
)


def retention_figure(cohorts: list[dict], resolution: str, dark: bool) -> dict:
    """A heatmap: one row per cohort (the newest MAX_COHORTS_SHOWN, oldest on top), one cell
    per period after its first, coloured by the share of the cohort active then, the count on
    hover.

    Drawn as bars of equal length, one trace per column, because the page's plotly bundle
    (assets/vendor/plotly-basic.min.js) has bars and scatter but no heatmap trace.
    """
    if not cohorts:
        return message_figure("No users in this range", dark)
    cohorts = cohorts[-MAX_COHORTS_SHOWN:]
    colors = palette(dark)
    word = PERIOD_WORD[resolution]
    width = max(len(c["retained"]) for c in cohorts)
    labels = [f"{c['cohort']} ({c['size']:,})" for c in cohorts]
    scale = [[0, alpha(colors["users"], 0.06)], [1, colors["users"]]]
    traces = []
    for k in range(width):
        kept = [c["retained"][k] if k < len(c["retained"]) else None for c in cohorts]
        shares = [
            None if n is None else round(n / c["size"] * 100, 1)
            for n, c in zip(kept, cohorts, strict=True)
        ]
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "y": labels,
                "x": [0 if n is None else 0.94 for n in kept],
                "base": [k + 0.03] * len(cohorts),
                "width": 0.9,
                "customdata": [[n or 0, share or 0] for n, share in zip(kept, shares, strict=True)],
                "marker": {
                    "color": [share or 0 for share in shares],
                    "colorscale": scale,
                    "cmin": 0,
                    "cmax": 100,
                    "showscale": k == 0,
                    "colorbar": {"title": {"text": "%"}, "thickness": 10, "outlinewidth": 0},
                },
                "text": ["" if share is None else f"{share:.0f}" for share in shares],
                "textposition": "inside",
                "insidetextanchor": "middle",
                "textfont": {"size": 10},
                "hovertemplate": (
                    f"Cohort %{{y}}<br>{word.capitalize()} +{k}: <b>%{{customdata[1]}} %</b> "
                    "(%{customdata[0]:,} users)<extra></extra>"
                ),
                "hoverinfo": "skip" if all(n is None for n in kept) else None,
            }
        )
    layout = base_layout(
        dark,
        barmode="overlay",
        xaxis=axis(
            colors,
            title={"text": f"{word.capitalize()}s after the first"},
            side="top",
            range=[0, width],
            tickmode="array",
            tickvals=[k + 0.5 for k in range(width)],
            ticktext=[f"+{k}" for k in range(width)],
            showgrid=False,
            zeroline=False,
            fixedrange=True,
        ),
        yaxis=axis(
            colors,
            autorange="reversed",
            showgrid=False,
            fixedrange=True,
            title={"text": "Cohort (users)"},
        ),
        margin={"l": 8, "r": 8, "t": 8, "b": 8},
    )
    return {"data": traces, "layout": layout}


def lifecycle_figure(rows: list[dict], resolution: str, dark: bool) -> dict:
    """Stacked bars per period: new, returning and resurrecting users up, dormant down."""
    if not rows or not any(row[key] for row in rows for key, _, _ in LIFECYCLE_GROUPS):
        return message_figure("No users in this range", dark)
    colors = palette(dark)
    dates = [row["date"] for row in rows]
    traces = []
    for key, label, color in LIFECYCLE_GROUPS:
        sign = -1 if key == "dormant" else 1
        traces.append(
            {
                "type": "bar",
                "x": dates,
                "y": [sign * row[key] for row in rows],
                "customdata": [row[key] for row in rows],
                "name": label,
                "marker": {"color": colors[color], "cornerradius": 2},
                "hovertemplate": f"{label}: %{{customdata:,}}<extra></extra>",
            }
        )
    layout = base_layout(
        dark,
        barmode="relative",
        bargap=0.2,
        hovermode="x unified",
        showlegend=True,
        legend={"orientation": "h", "y": 1.12, "x": 0, "font": {"color": colors["muted"]}},
        margin={"l": 8, "r": 8, "t": 28, "b": 8},
        xaxis=axis(colors, **period_axis(dates, resolution), fixedrange=True),
        yaxis=axis(colors, tickformat=",d", fixedrange=True, title={"text": "Users"}),
    )
    return {"data": traces, "layout": layout}
