"""Plotly figures as plain dicts: the shared theme, the toplist, empty and error states."""

from __future__ import annotations

from layouts.plot_text import plot_text

EMPTY_MESSAGE = "No views in this range"
TITLE_CHARS = 80  # longer titles are cut on the axis and shown whole on hover; narrower
# charts cut them shorter (assets/dashboard-enhance.js)

_FONT = (
    'Inter, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", '
    '"Liberation Sans", Arial, sans-serif'
)

# Colours per theme; they match assets/dashboard.css so charts sit in the cards seamlessly.
THEMES = {
    "light": {
        "text": "#0f172a",
        "muted": "#64748b",
        "grid": "rgba(15, 23, 42, 0.07)",
        "axis": "rgba(15, 23, 42, 0.18)",
        "hover_bg": "#ffffff",
        "hover_border": "rgba(15, 23, 42, 0.12)",
        "users": "#4f46e5",
        "minutes": "#0d9488",
        "views": "#d97706",
        "completion": "#16a34a",
        # The catalog's metric hues (data/events/catalog.py HUES).
        "indigo": "#4f46e5",
        "teal": "#0d9488",
        "amber": "#d97706",
        "pink": "#db2777",
        "green": "#16a34a",
        "sky": "#0284c7",
        "violet": "#7c3aed",
        "rose": "#be123c",
        "bars": "#6366f1",
        "error": "#b91c1c",
    },
    "dark": {
        "text": "#e2e8f0",
        "muted": "#94a3b8",
        "grid": "rgba(148, 163, 184, 0.12)",
        "axis": "rgba(148, 163, 184, 0.3)",
        "hover_bg": "#1e293b",
        "hover_border": "rgba(148, 163, 184, 0.3)",
        "users": "#818cf8",
        "minutes": "#2dd4bf",
        "views": "#fbbf24",
        "completion": "#4ade80",
        "indigo": "#818cf8",
        "teal": "#2dd4bf",
        "amber": "#fbbf24",
        "pink": "#f472b6",
        "green": "#4ade80",
        "sky": "#38bdf8",
        "violet": "#a78bfa",
        "rose": "#fb7185",
        "bars": "#818cf8",
        "error": "#fca5a5",
    },
}


def palette(dark: bool) -> dict:
    """The colour set for the light or dark theme."""
    return THEMES["dark" if dark else "light"]


def base_layout(dark: bool, **overrides) -> dict:
    """Layout shared by every chart: transparent background, theme fonts, quiet grid."""
    colors = palette(dark)
    layout = {
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "font": {"family": _FONT, "size": 12, "color": colors["text"]},
        "margin": {"l": 8, "r": 16, "t": 12, "b": 8},
        "hovermode": "closest",
        "hoverlabel": {
            "bgcolor": colors["hover_bg"],
            "bordercolor": colors["hover_border"],
            "font": {"family": _FONT, "size": 12, "color": colors["text"]},
        },
        "showlegend": False,
        "separators": ".,",
        "xaxis": axis(colors),
        "yaxis": axis(colors),
    }
    layout.update(overrides)
    return layout


def axis(colors: dict, **extra) -> dict:
    """An axis in the theme's quiet colours, with `extra` settings on top."""
    axis = {
        "gridcolor": colors["grid"],
        "linecolor": colors["axis"],
        "zerolinecolor": colors["axis"],
        "tickfont": {"color": colors["muted"]},
        "title": {"font": {"color": colors["muted"], "size": 12}, "standoff": 8},
        "automargin": True,
        "fixedrange": False,
    }
    axis.update(extra)
    return axis


def message_figure(message: str, dark: bool, *, error: bool = False, height: int | None = None):
    """A figure without axes that only says `message` (empty state, or a short error)."""
    colors = palette(dark)
    layout = base_layout(
        dark,
        xaxis={"visible": False},
        yaxis={"visible": False},
        annotations=[
            {
                "text": plot_text(message),  # may quote what a link asked for
                "xref": "paper",
                "yref": "paper",
                "x": 0.5,
                "y": 0.5,
                "showarrow": False,
                "font": {"size": 15, "color": colors["error" if error else "muted"]},
            }
        ],
    )
    if height is not None:
        layout["height"] = height
    return {"data": [], "layout": layout}


def _is_empty(rows: list[dict]) -> bool:
    return not rows or all(not row["values"] for row in rows)


def short_title(title: str, limit: int = TITLE_CHARS) -> str:
    """Cut a long title to `limit` characters with an ellipsis, for the axis."""
    title = " ".join(str(title).split())
    return title if len(title) <= limit else title[: limit - 1].rstrip(" ,:;-") + "…"


def toplist_height(count: int) -> int:
    """Bars stay readable: about 26 px each, never a cramped chart."""
    return max(220, 56 + 26 * count)


def toplist_figure(rows: list[dict], dark: bool) -> dict:
    """Horizontal bars, most viewed on top; short titles on the axis, whole titles on hover."""
    if _is_empty(rows):
        return message_figure(EMPTY_MESSAGE, dark, height=toplist_height(0))
    colors = palette(dark)
    positions = list(range(len(rows)))  # positions, not titles: two titles may cut to the same text
    trace = {
        "type": "bar",
        "orientation": "h",
        "x": [row["values"] for row in rows],
        "y": positions,
        # [title, rank, what a click opens, unique viewers, hours, the title as the hover shows
        # it]: the title and the pick as they are (the page cuts the axis labels from the first,
        # a click opens the third), the last made literal for Plotly.
        "customdata": [
            [
                row["title"],
                rank + 1,
                row.get("pick"),
                row.get("unique_viewers"),
                row.get("hours"),
                plot_text(row["title"]),
            ]
            for rank, row in enumerate(rows)
        ],
        "text": [f"{row['values']:,}" for row in rows],
        "textposition": "outside",
        "cliponaxis": False,
        "textfont": {"color": colors["muted"], "size": 11},
        "marker": {"color": colors["bars"], "line": {"width": 0}, "cornerradius": 4},
        "hovertemplate": (
            "#%{customdata[1]} %{customdata[5]}<br><b>%{x:,}</b> views"
            + (
                " · %{customdata[3]:,} unique viewers · %{customdata[4]:,.1f} hours"
                if rows and "unique_viewers" in rows[0]
                else ""
            )
            + "<extra></extra>"
        ),
        "name": "Views",
    }
    layout = base_layout(
        dark,
        height=toplist_height(len(rows)),
        bargap=0.28,
        margin={"l": 8, "r": 48, "t": 8, "b": 8},
        xaxis=axis(
            colors,
            title={"text": "Views", "font": {"color": colors["muted"]}},
            # Room on the right for the value printed after the longest bar.
            range=[0, max(row["values"] for row in rows) * 1.12],
            tickformat=",",
        ),
        yaxis=axis(
            colors,
            autorange="reversed",
            tickmode="array",
            tickvals=positions,
            ticktext=[plot_text(short_title(row["title"])) for row in rows],
            tickfont={"color": colors["text"], "size": 12},
            showgrid=False,
            zeroline=False,  # y=0 is the first bar's centre here, not a baseline
            ticks="",
            ticklabelstandoff=6,
        ),
    )
    return {"data": [trace], "layout": layout}


def alpha(hex_color: str, opacity: float) -> str:
    """'#rrggbb' -> 'rgba(r, g, b, opacity)'."""
    red, green, blue = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, {opacity})"
