"""The Alerts card: the rules with their state, their recent history, and for administrators a
small form to add or delete one (the same rules as /data/alerts/ and `flask alerts`)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from data.events.catalog import DIMENSIONS
from layouts import ids
from layouts.components import select
from layouts.options import METRIC_OPTIONS

KIND_OPTIONS = [
    {"label": "above", "value": "above"},
    {"label": "below", "value": "below"},
    {"label": "changes by more than %", "value": "change"},
    {"label": "outside its expected range", "value": "band"},
]
DIMENSION_OPTIONS = [{"label": "All data", "value": ""}] + [
    {"label": d.label, "value": d.name} for d in DIMENSIONS
]
STATE_COLORS = {"firing": "danger", "ok": "success"}


def _field(label: str, control, width: int = 3) -> dbc.Col:
    return dbc.Col(
        [dbc.Label(label, html_for=control.id, className="small mb-0"), control], md=width
    )


def _input(input_id: str, placeholder: str = "", kind: str = "text") -> dbc.Input:
    return dbc.Input(id=input_id, type=kind, placeholder=placeholder, size="sm", maxLength=500)


def alert_form(shown: bool) -> html.Div:
    """Add a rule (name, metric, one filter, condition, where to send) or delete one by id;
    always in the page (its callbacks refuse non-admins), shown to administrators only."""
    add = dbc.Row(
        [
            _field("Name", _input(ids.ALERTS_NAME, "SE viewers unusual")),
            _field("Metric", select(ids.ALERTS_METRIC, METRIC_OPTIONS, "unique_users")),
            _field("Filter", select(ids.ALERTS_DIMENSION, DIMENSION_OPTIONS, ""), 2),
            _field("Value", _input(ids.ALERTS_VALUE_FILTER, "SE"), 2),
            _field("Fires when", select(ids.ALERTS_KIND, KIND_OPTIONS, "band")),
            _field("Number or %", _input(ids.ALERTS_NUMBER, "", "number"), 2),
            _field("Webhook URL", _input(ids.ALERTS_WEBHOOK, "https://hooks.slack.com/..."), 4),
            _field("E-mail", _input(ids.ALERTS_EMAIL, "ops@example.com"), 3),
            dbc.Col(
                dbc.Button("Add rule", id=ids.ALERTS_ADD, size="sm", color="primary"),
                md=2,
                className="d-flex align-items-end",
            ),
        ],
        className="g-2",
    )
    delete = dbc.Row(
        [
            _field("Rule id", _input(ids.ALERTS_DELETE_ID, "", "number"), 2),
            dbc.Col(
                dbc.Button("Delete rule", id=ids.ALERTS_DELETE, size="sm", color="secondary"),
                md=2,
                className="d-flex align-items-end",
            ),
        ],
        className="g-2 mt-1",
    )
    return html.Div(
        [add, delete],
        id=ids.ALERTS_FORM,
        className="rb-alerts-form mt-2",
        style=None if shown else {"display": "none"},
    )


def alerts_card(can_manage: bool) -> dbc.Card:
    """The card; its lists are filled by callbacks/alerts.py."""
    return dbc.Card(
        dbc.CardBody(
            [
                html.Div(
                    [
                        html.H2("Alerts", className="rb-card-title"),
                        html.P(
                            "Rules on the data's last complete day, and what they noticed",
                            className="rb-card-sub",
                        ),
                    ],
                    className="rb-card-header",
                ),
                html.Div(id=ids.ALERTS_RULES),
                html.Div(id=ids.ALERTS_HISTORY, className="mt-2"),
                html.Div(id=ids.ALERTS_MESSAGE, className="small mt-1", role="status"),
                alert_form(can_manage),
            ]
        ),
        id=ids.ALERTS_CARD,
        className="rb-card mt-3",
    )


def rules_list(rules: list[dict], describe) -> html.Div:
    """Each rule: its id, state, name and condition in words (text shown literally)."""
    if not rules:
        return html.P("No alert rules yet.", className="small text-muted mb-0")
    return html.Ul(
        [
            html.Li(
                [
                    dbc.Badge(rule["state"], color=STATE_COLORS.get(rule["state"], "secondary")),
                    f" #{rule['id']} {rule['name']}: {describe(rule)}",
                    *([" (a delivery is owed)"] if rule.get("owed") else []),
                ]
            )
            for rule in rules
        ],
        className="list-unstyled small mb-0",
    )


def history_list(history: list[dict]) -> html.Div:
    """The most recent history entries, newest first."""
    if not history:
        return html.P("Nothing has fired yet.", className="small text-muted mb-0")
    return html.Ul(
        [
            html.Li(
                f"{h['at']} {h['kind']}: {h['text']}" + (f" ({h['error']})" if h["error"] else "")
            )
            for h in history
        ],
        className="small mb-0 rb-alerts-history",
    )
