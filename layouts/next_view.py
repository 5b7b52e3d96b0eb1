"""What a title's finishers watched next, on its title view (/data/title/'s "next")."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html


def _percent(value) -> str:
    return "–" if value is None else f"{value * 100:.1f} %"


def next_card(answer: dict | None, series: bool = False) -> dbc.Card | None:
    """The card: the titles (shows, for a show) finishers watched next within 24 hours, with
    their viewers and share, and the share who watched nothing else; names shown literally."""
    if not answer:
        return None
    finishers = answer["finishers"]
    kind = "show or title" if series else "title"
    head = html.Thead(
        html.Tr(
            [
                html.Th("Watched next"),
                html.Th("Viewers", className="text-end"),
                html.Th("Share of finishers", className="text-end"),
            ]
        )
    )
    rows = [
        html.Tr(
            [
                html.Td(entry["title"]),  # text from data: a child, never markup
                html.Td(f"{entry['viewers']:,}", className="text-end"),
                html.Td(_percent(entry["share"]), className="text-end"),
            ]
        )
        for entry in answer["titles"]
    ]
    rows.append(
        html.Tr(
            [
                html.Td(html.Em("Nothing else within 24 hours")),
                html.Td(),
                html.Td(_percent(answer["nothing_within_24h"]), className="text-end"),
            ],
            className="rb-next-nothing",
        )
    )
    subtitle = (
        f"Of its {finishers:,} finishers (a view of 90 % or more; each from their first), the "
        f"next other {kind} they watched within 24 hours"
    )
    return dbc.Card(
        [
            html.Div(
                html.Div(
                    [
                        html.H3("What they watched next", className="rb-card-title"),
                        html.P(subtitle, className="rb-card-sub"),
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
