"""A title's or a show's own view: its numbers, per period, completion, audience and episodes."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids
from layouts.binge_view import binge_card
from layouts.components import GRAPH_CONFIG, csv_button, stale_while_loading
from layouts.next_view import next_card


def _graph_card(
    title: str, subtitle: str, graph_id: str, figure: dict, height: str = "300px"
) -> dbc.Card:
    graph = dcc.Graph(
        id=graph_id,
        figure=figure,
        config=GRAPH_CONFIG,
        style={"height": height},
        className="rb-graph",
    )
    header = html.Div(
        html.Div(
            [html.H3(title, className="rb-card-title"), html.P(subtitle, className="rb-card-sub")],
            className="me-auto",
        ),
        className="rb-card-header",
    )
    return dbc.Card([header, graph], className="rb-card rb-chart h-100")


def title_view() -> html.Div:
    """The view that replaces the overview while a title or a show is chosen (hidden first)."""
    header = dbc.Card(
        dbc.CardBody(
            html.Div(
                [
                    dbc.Button(
                        "← All titles",
                        id=ids.TITLE_BACK,
                        color="secondary",
                        outline=True,
                        size="sm",
                        n_clicks=0,
                        className="rb-title-back",
                    ),
                    html.Div(
                        [
                            html.Div(id=ids.TITLE_KIND, className="rb-title-kind"),
                            html.H2(id=ids.TITLE_HEADING, className="rb-title-heading"),
                        ],
                        className="me-auto",
                    ),
                    csv_button(ids.TITLE_CSV_BUTTON, ids.TITLE_DOWNLOAD, "this title's numbers"),
                ],
                className="rb-title-header",
            )
        ),
        className="rb-card",
    )
    return html.Div(
        [
            header,
            html.Div(id=ids.TITLE_ERROR, className="rb-error", role="alert"),
            # Built when a title is open (title_body): the overview's page load mounts no
            # graph of this view.
            stale_while_loading(html.Div(id=ids.TITLE_BODY, className="rb-title-body")),
        ],
        id=ids.TITLE_VIEW,
        hidden=True,
        className="rb-title-view",
    )


def title_body(
    numbers: dict,
    figures: dict,
    seasons: list[dict] | None,
    partial: bool = False,
    binge: dict | None = None,
    funnel: list[dict] | None = None,
    watched_next: dict | None = None,
) -> list:
    """The open title's numbers, charts (figures: time, completion, devices, markets) and, for
    a show, its binges, season funnel and episodes; what its finishers watched next; `partial`:
    the time chart marks a partial period."""
    time_note = "Unique viewers (bars) and hours watched (line) per period"
    if partial:
        time_note += "; hatched: a period cut by the range or the data (partial)"
    return [
        html.Div(title_kpis(numbers), id=ids.TITLE_KPIS, className="rb-title-kpis"),
        dbc.Row(
            [
                dbc.Col(
                    _graph_card(
                        "Viewers and watch time",
                        time_note,
                        ids.TITLE_TIME_GRAPH,
                        figures["time"],
                    ),
                    lg=7,
                ),
                dbc.Col(
                    _graph_card(
                        "Completion",
                        "Views by how much of the title they watched (10-point bins)",
                        ids.TITLE_COMPLETION_GRAPH,
                        figures["completion"],
                    ),
                    lg=5,
                ),
            ],
            className="g-3",
        ),
        dbc.Row(
            [
                dbc.Col(
                    _graph_card(
                        "Devices",
                        "Views per device",
                        ids.TITLE_DEVICES_GRAPH,
                        figures["devices"],
                        "280px",
                    ),
                    md=6,
                ),
                dbc.Col(
                    _graph_card(
                        "Markets",
                        "Views per market",
                        ids.TITLE_MARKETS_GRAPH,
                        figures["markets"],
                        "280px",
                    ),
                    md=6,
                ),
            ],
            className="g-3 mt-0",
        ),  # fmt: skip
        html.Div(binge_card(binge, funnel), id=ids.TITLE_BINGE),
        html.Div(next_card(watched_next, series=seasons is not None), id=ids.TITLE_NEXT),
        html.Div(
            episodes_table(seasons) if seasons else None,
            id=ids.TITLE_EPISODES,
            className="rb-episodes",
        ),
    ]


def title_kpis(numbers: dict) -> list:
    """The title's headline numbers as small cards."""
    minutes = numbers.get("minutes_watched") or 0
    rate = numbers.get("completion_rate")
    cards = [
        ("Views", f"{numbers['views']:,}"),
        ("Unique viewers", f"{numbers['unique_viewers']:,}"),
        ("Hours watched", f"{minutes / 60:,.1f}"),
        ("Completion", "–" if rate is None else f"{rate * 100:.1f} %"),
    ]
    return [
        dbc.Card(
            [html.Div(label, className="rb-kpi-label"), html.Div(value, className="rb-kpi-value")],
            className="rb-card rb-title-kpi",
        )
        for label, value in cards
    ]


def _percent(value) -> str:
    return "–" if value is None else f"{value * 100:.1f} %"


def episodes_table(seasons: list[dict]) -> dbc.Card:
    """A show's seasons and episodes in order, with the share who went on to the next one."""
    head = html.Thead(
        html.Tr(
            [
                html.Th("Episode"),
                html.Th("Title"),
                html.Th("Views", className="text-end"),
                html.Th("Unique viewers", className="text-end"),
                html.Th("Completion", className="text-end"),
                html.Th(
                    "Went on to the next",
                    className="text-end",
                    title="Viewers of the next episode who watched this one, over this one's",
                ),
            ]
        )
    )
    rows = []
    for season in seasons:
        rows.append(
            html.Tr(
                [
                    html.Th(season["name"], colSpan=2, scope="rowgroup"),
                    html.Td(f"{season['views']:,}", className="text-end"),
                    html.Td(f"{season['unique_viewers']:,}", className="text-end"),
                    html.Td(_percent(season["completion_rate"]), className="text-end"),
                    html.Td(),
                ],
                className="rb-season-row",
            )
        )
        for episode in season["episodes"]:
            number = episode["episode"]
            share = episode["continued"]
            rows.append(
                html.Tr(
                    [
                        html.Td("–" if number is None else str(number)),
                        html.Td(episode["title"]),
                        html.Td(f"{episode['views']:,}", className="text-end"),
                        html.Td(f"{episode['unique_viewers']:,}", className="text-end"),
                        html.Td(_percent(episode["completion_rate"]), className="text-end"),
                        html.Td(
                            "–"
                            if share is None
                            else f"{_percent(share)} ({episode['next_viewers']:,})",
                            className="text-end",
                        ),
                    ]
                )
            )
    return dbc.Card(
        [
            html.Div(
                html.Div(
                    [
                        html.H3("Seasons and episodes", className="rb-card-title"),
                        html.P(
                            "In order; the last column follows viewers from each episode to "
                            "the next one",
                            className="rb-card-sub",
                        ),
                    ]
                ),
                className="rb-card-header",
            ),
            html.Div(
                dbc.Table([head, html.Tbody(rows)], size="sm", hover=True, className="mb-0"),
                className="table-responsive rb-table-wrap",
            ),
        ],
        className="rb-card mt-3",
    )
