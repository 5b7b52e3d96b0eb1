"""A show's binge share and season-completion funnel on its title view (/data/title/'s "binge"
and "funnel")."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

WINDOWS = (7, 28, 90)


def _percent(value) -> str:
    return "–" if value is None else f"{value * 100:.1f} %"


def _header(title: str, subtitle: str) -> html.Div:
    heading = [html.H3(title, className="rb-card-title"), html.P(subtitle, className="rb-card-sub")]
    return html.Div(html.Div(heading), className="rb-card-header")


def _binge_line(binge: dict) -> html.P:
    median = binge.get("median_episodes")
    parts = [
        html.Strong(_percent(binge.get("share"))),
        f" of its {binge['viewers']:,} viewers binged it ({binge['binge_viewers']:,} watched at "
        "least 3 distinct episodes in one day)",
    ]
    if median is not None:
        parts.append(f"; a binge day holds {median:g} episodes (median)")
    return html.P(parts, className="mb-2")


def _season_table(season: dict) -> dbc.Table:
    head = html.Thead(
        html.Tr(
            [html.Th("Episode")]
            + [html.Th(f"Within {n} days", className="text-end") for n in WINDOWS]
        )
    )
    rows = [
        html.Tr(
            [html.Td(str(episode["episode"]))]
            + [html.Td(_percent(episode[f"reached_{n}"]), className="text-end") for n in WINDOWS]
        )
        for episode in season["episodes"]
    ]
    return dbc.Table([head, html.Tbody(rows)], size="sm", hover=True, className="mb-2")


def _funnel(funnel: list[dict]) -> list[html.Details]:
    """One fold per season, the first open: a long-running show's table would fill the page."""
    return [
        html.Details(
            [
                html.Summary(
                    f"Season {season['season']}: {season['starters']:,} started episode 1",
                    className="rb-season-row",
                ),
                html.Div(_season_table(season), className="table-responsive rb-table-wrap"),
            ],
            open=index == 0,
        )
        for index, season in enumerate(funnel)
    ]


def binge_card(binge: dict | None, funnel: list[dict] | None) -> dbc.Card | None:
    """The show's binge share and, per season, the share of episode 1's starters who reached
    each episode within 7, 28 and 90 days; None for a title that is not a show."""
    if binge is None:
        return None
    body = [_binge_line(binge)]
    if funnel:
        body.extend(_funnel(funnel))
    else:
        body.append(html.P("No viewer started a season's episode 1.", className="rb-card-sub"))
    return dbc.Card(
        [
            _header(
                "Binges and season completion",
                "A binge: one viewer, one day, at least 3 distinct episodes. Per season, of "
                "the viewers of episode 1, the share who watched each episode on one of the N "
                "days starting with their first view of episode 1",
            ),
            html.Div(body, className="px-3 pb-3"),
        ],
        className="rb-card mt-3",
    )
