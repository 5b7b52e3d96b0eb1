"""Small reusable pieces of the dashboard layout: KPI cards, chart cards, the data summary."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids

# Static placeholder so an unloaded chart shows no axes (not data: the callbacks fill it in).
BLANK_FIGURE = {
    "data": [],
    "layout": {
        "xaxis": {"visible": False},
        "yaxis": {"visible": False},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
    },
}

# No mode bar: drag to zoom and double-click to reset still work, and CSV has its own button.
GRAPH_CONFIG = {"displaylogo": False, "responsive": True, "displayModeBar": False}


# Answers slower than this show a spinner over the old numbers, which stay visible but faded
# (stale), so a quick answer never flickers and a slow one never looks current.
LOADING_DELAY_MS = 300
_STALE_OVERLAY = {"visibility": "visible", "opacity": 0.45, "filter": "grayscale(0.6)"}


def stale_while_loading(children, **props) -> dcc.Loading:
    """Wrap components that callbacks fill: a spinner after 300 ms, the old content faded."""
    return dcc.Loading(
        children,
        type="dot",
        delay_show=LOADING_DELAY_MS,
        overlay_style=_STALE_OVERLAY,
        parent_className="rb-loading",
        **props,
    )


def select(select_id: str, options: list[dict], value: str, extra_class: str = "") -> dbc.Select:
    """A small Bootstrap select in the page's style."""
    return dbc.Select(
        id=select_id,
        options=options,
        value=value,
        size="sm",
        class_name=f"rb-select {extra_class}".strip(),
    )


def kpi_card(
    label: str, value_id: str, hint: str, accent: str, *, note_id: str | None = None
) -> dbc.Card:
    """One KPI: a label, a big value filled in by a callback, its change against the previous
    period (when compared), a one-line hint and an optional footnote."""
    return dbc.Card(
        dbc.CardBody(
            [
                html.Div(label, className="rb-kpi-label"),
                html.Div(
                    [
                        html.Div("–", id=value_id, className="rb-kpi-value"),
                        html.Span(id=ids.KPI_DELTAS[value_id], className="rb-kpi-delta"),
                    ],
                    className="rb-kpi-line",
                ),
                html.Div(hint, className="rb-kpi-hint"),
                *([html.Div(id=note_id, className="rb-kpi-note")] if note_id else []),
            ]
        ),
        className=f"rb-card rb-kpi rb-accent-{accent} h-100",
    )


def csv_button(button_id: str, download_id: str, what: str) -> html.Div:
    """A small "CSV" button with its dcc.Download."""
    return html.Div(
        [
            dbc.Button(
                # Three buttons read "CSV": screen readers also hear which chart each one saves.
                ["CSV", html.Span(f": download {what}", className="visually-hidden")],
                id=button_id,
                size="sm",
                color="secondary",
                outline=True,
                className="rb-csv-button",
                title=f"Download {what} as CSV",
                n_clicks=0,
            ),
            dcc.Download(id=download_id),
        ],
        className="flex-shrink-0",
    )


def chart_card(
    title: str,
    subtitle: str,
    graph_id: str,
    button_id: str,
    download_id: str,
    *,
    height: str = "320px",
    toolbar=None,
    title_id: str | None = None,
    subtitle_id: str | None = None,
    note_id: str | None = None,
) -> dbc.Card:
    """A card with a title, a CSV button, optional extra controls and a graph under a spinner,
    and an optional footnote under the graph."""
    header = html.Div(
        [
            html.Div(
                [
                    html.H2(
                        title, className="rb-card-title", **({"id": title_id} if title_id else {})
                    ),
                    html.P(
                        subtitle,
                        className="rb-card-sub",
                        **({"id": subtitle_id} if subtitle_id else {}),
                    ),
                ],
                className="me-auto",
            ),
            *([toolbar] if toolbar is not None else []),
            csv_button(button_id, download_id, title.lower()),
        ],
        className="rb-card-header",
    )
    graph = dcc.Graph(
        id=graph_id,
        figure=BLANK_FIGURE,
        config=GRAPH_CONFIG,
        style={"height": height},
        className="rb-graph",
    )
    return dbc.Card(
        [
            header,
            stale_while_loading(graph),
            *([html.Div(id=note_id, className="rb-chart-note")] if note_id else []),
        ],
        className="rb-card rb-chart h-100",
    )


def data_summary_slots() -> list:
    """The line under the filters that names the data's span, and the one below it that names
    the events left out for their date (hidden while there are none); callbacks fill both."""
    return [
        html.Div(id=ids.DATA_SUMMARY, className="rb-data-summary"),
        html.Div(
            id=ids.DATA_LEFT_OUT,
            hidden=True,
            className="rb-data-summary rb-left-out",
            title=(
                "These rows are in the database but counted in no chart, card or /data answer: "
                "their date is a placeholder (such as 0001-01-01 or 9999-12-31) or a mistake. "
                "The bounds are the settings EVENTS_EARLIEST_DATE and "
                "EVENTS_FUTURE_TOLERANCE_DAYS."
            ),
        ),
    ]


def data_summary(first: str | None, last: str | None, left_out: int, kept) -> tuple:
    """(the span's line, the left-out line, whether that one is hidden): the days the events
    span, and the events left out of every answer for a date outside `kept` ((first, last)
    ISO days), if any."""
    if first:
        span = f"Events from {first} to {last}"
    elif left_out and kept is not None:
        span = f"No events from {kept[0]} to {kept[1]}"
    else:
        span = "No events imported yet"
    if not left_out or kept is None:
        return span, None, True
    events = "event" if left_out == 1 else "events"
    words = f" {events} left out, dated before {kept[0]} or after {kept[1]}"
    return span, [html.Strong(f"{left_out:,}"), words], False
