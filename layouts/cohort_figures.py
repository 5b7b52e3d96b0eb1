"""The users over time: a retention heatmap (a table) and lifecycle bars (a Plotly figure)."""

from __future__ import annotations

from dash import html

from layouts.figures import axis, base_layout, message_figure, palette
from layouts.period_axis import period_axis
from layouts.period_marks import partial_bars, partial_notes
from layouts.wording import counted

PERIOD_WORD = {"daily": "day", "weekly": "week", "monthly": "month"}
MAX_COHORTS_SHOWN = 16  # more rows than this no longer fit the card legibly (the CSV has all)
# The lifecycle's groups, drawn bottom up; dormant users go below zero.
LIFECYCLE_GROUPS = (
    ("new", "New", "users"),
    ("returning", "Returning", "minutes"),
    ("resurrecting", "Resurrecting", "views"),
    ("dormant", "Dormant", "muted"),
)


def retention_table(cohorts: list[dict], resolution: str) -> list:
    """A heatmap as a table: one row per cohort (the newest MAX_COHORTS_SHOWN, oldest on top),
    one cell per period after its first, shaded by the share of the cohort active then, the
    count in its tooltip. A table, not a chart: it reads as numbers, costs the page no plot,
    and its shade follows the theme (assets/dashboard.css)."""
    if not cohorts:
        return [html.P("No users in this range", className="rb-empty")]
    cohorts = cohorts[-MAX_COHORTS_SHOWN:]
    word = PERIOD_WORD[resolution]
    width = max(len(c["retained"]) for c in cohorts)
    head = html.Thead(
        html.Tr(
            [html.Th("Cohort", scope="col"), html.Th("Users", scope="col", className="text-end")]
            + [html.Th(f"+{k}", scope="col", className="text-center") for k in range(width)]
        )
    )
    rows = []
    for cohort in cohorts:
        cells = []
        for k in range(width):
            if k >= len(cohort["retained"]):
                cells.append(html.Td(className="rb-heat-none"))
                continue
            users = cohort["retained"][k]
            share = users / cohort["size"] * 100
            cells.append(
                html.Td(
                    f"{share:.0f}",
                    # Light text on the strong shades.
                    className="rb-heat text-center" + (" rb-heat-strong" if share >= 50 else ""),
                    # The shade: a share of the theme's primary colour (see dashboard.css).
                    style={"--rb-heat": f"{share / 100:.3f}"},
                    title=f"Cohort {cohort['cohort']}, {word} +{k}: {share:.1f} % "
                    f"({users:,} of {counted(cohort['size'], 'user')})",
                )
            )
        rows.append(
            html.Tr(
                [
                    html.Th(cohort["cohort"], scope="row"),
                    html.Td(f"{cohort['size']:,}", className="text-end"),
                    *cells,
                ]
            )
        )
    caption = html.Caption(
        f"Share of each cohort (%) watching in each {word} after its first", className="rb-cap"
    )
    return [
        html.Div(
            html.Table([caption, head, html.Tbody(rows)], className="table table-sm rb-heatmap"),
            className="table-responsive rb-table-wrap",
        )
    ]


def lifecycle_figure(
    rows: list[dict], resolution: str, dark: bool, partial: list[bool] | None = None
) -> dict:
    """Stacked bars per period: new, returning and resurrecting users up, dormant down; the
    bars of a `partial` period (cut by the range or the data) hatched, and said so on hover."""
    if not rows or not any(row[key] for row in rows for key, _, _ in LIFECYCLE_GROUPS):
        return message_figure("No users in this range", dark)
    colors = palette(dark)
    dates = [row["date"] for row in rows]
    partial = partial if partial and len(partial) == len(rows) else [False] * len(rows)
    groups = []
    for key, label, color in LIFECYCLE_GROUPS:
        sign = -1 if key == "dormant" else 1
        trace = {
            "type": "bar",
            "x": dates,
            "y": [sign * row[key] for row in rows],
            "customdata": [row[key] for row in rows],
            "text": partial_notes(partial),
            "textposition": "none",  # the note is for the hover, not drawn on the bar
            "name": label,
            "marker": {"color": colors[color], "cornerradius": 2},
            "hovertemplate": f"{label}: %{{customdata:,}}%{{text}}<extra></extra>",
        }
        groups.append(partial_bars(trace, partial))
    # The whole periods' bars first, then the partial ones: each stacks in the groups' order.
    traces = [group[0] for group in groups] + [part for group in groups for part in group[1:]]
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
