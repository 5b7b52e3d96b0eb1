"""The "Since yesterday" panel: each KPI against its expected range, and the movers in words."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from data.events.catalog import METRICS
from layouts import ids
from layouts.change_words import FLAG_MARKS, FLAG_WORDS, WITHIN, amount, band_text
from layouts.components import stale_while_loading


def morning_panel() -> dbc.Card:
    """The panel's frame; callbacks/panel.py fills its heading and body from /data/changes/."""
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Since yesterday", id=ids.PANEL_TITLE, className="rb-panel-title"),
                stale_while_loading(html.Div(id=ids.PANEL_BODY, className="rb-panel-body")),
                # Where the day's annotations will be listed (issue 25, part 4).
                html.Div(id=ids.PANEL_ANNOTATIONS, className="rb-panel-annotations"),
                html.Div(id=ids.PANEL_ERROR, className="rb-error", role="alert"),
            ]
        ),
        id=ids.PANEL,
        className="rb-card rb-panel",
    )


def flag_mark(flag: str | None) -> html.Span:
    """The verdict as a marker and words (never colour alone)."""
    return html.Span(
        [
            html.Span(FLAG_MARKS[flag], className="rb-flag-mark", **{"aria-hidden": "true"}),
            " " + (FLAG_WORDS[flag] if flag else WITHIN),
        ],
        className=f"rb-flag rb-flag-{flag or 'within'}",
    )


def _kpi(metric, judged: dict, resolution: str) -> html.Div:
    expected = judged.get("expected") is not None
    return html.Div(
        [
            html.Div(metric.label, className="rb-panel-kpi-label"),
            html.Div(amount(metric.name, judged.get("value")), className="rb-panel-kpi-value"),
            html.Div(band_text(metric.name, judged, resolution), className="rb-panel-kpi-band"),
            *([flag_mark(judged.get("flag"))] if expected else []),
        ],
        className=f"rb-panel-kpi rb-panel-kpi-{judged.get('flag') or 'within'}",
    )


def _mover(entry: dict) -> html.Li:
    """One mover: its sentence (a link setting the page's filters when it can) and verdict."""
    words = entry["sentence"]
    text = dcc.Link(words, href=entry["href"]) if entry["href"] else html.Span(words)
    marks = [" ", flag_mark(entry["flag"])] if entry["flag"] else []
    return html.Li([text, *marks], className="rb-mover")


def panel_body(kpis: dict, groups: list[tuple[str, list[dict]]], resolution: str, note) -> list:
    """The KPIs (catalog order) and, per group (heading, entries), its movers."""
    kpi_row = html.Div(
        [_kpi(m, kpis.get(m.name, {}), resolution) for m in METRICS], className="rb-panel-kpis"
    )
    columns = [
        html.Div(
            [
                html.H3(heading, className="rb-panel-group"),
                html.Ul([_mover(e) for e in entries], className="rb-movers")
                if entries
                else html.Div("nothing to compare", className="rb-muted"),
            ],
            className="rb-panel-movers",
        )
        for heading, entries in groups
    ]
    return [
        kpi_row,
        *([html.Div(note, className="rb-panel-note")] if note else []),
        html.Div(columns, className="rb-panel-mover-groups"),
    ]
