"""The users' cards below the Top 10: retention of their cohorts (with the cohort definition's
control) and their lifecycle, side by side on wide screens; their stickiness below."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from data.events.params import DEFAULT_COHORT
from layouts import ids
from layouts.components import chart_card, csv_button, stale_while_loading
from layouts.options import COHORT_OPTIONS


def retention_card() -> dbc.Card:
    """The retention heatmap's card: its title, the cohort definition, CSV, the table."""
    cohort = dbc.RadioItems(
        id=ids.RETENTION_COHORT,
        options=COHORT_OPTIONS,
        value=DEFAULT_COHORT,
        inline=True,
        class_name="btn-group rb-segmented",
        input_class_name="btn-check",
        label_class_name="btn btn-outline-primary btn-sm",
        label_checked_class_name="active",
    )
    header = html.Div(
        [
            html.Div(
                [
                    html.H2("Retention", className="rb-card-title"),
                    html.P(id=ids.RETENTION_SUBTITLE, className="rb-card-sub"),
                ],
                className="me-auto",
            ),
            html.Div(cohort, role="radiogroup", **{"aria-label": "Cohorts by"}),
            csv_button(ids.RETENTION_CSV_BUTTON, ids.RETENTION_DOWNLOAD, "retention"),
        ],
        className="rb-card-header",
    )
    return dbc.Card(
        [header, stale_while_loading(html.Div(id=ids.RETENTION_TABLE))],
        className="rb-card rb-chart h-100",
    )


def audience() -> dbc.Row:
    """Retention of the users' cohorts and their lifecycle, side by side on wide screens, and
    their stickiness below."""
    return dbc.Row(
        [
            dbc.Col(
                retention_card(),
                lg=6,
            ),
            dbc.Col(
                chart_card(
                    "Lifecycle",
                    "",
                    ids.LIFECYCLE_GRAPH,
                    ids.LIFECYCLE_CSV_BUTTON,
                    ids.LIFECYCLE_DOWNLOAD,
                    height="360px",
                    subtitle_id=ids.LIFECYCLE_SUBTITLE,
                ),
                lg=6,
            ),
            dbc.Col(
                chart_card(
                    "Stickiness",
                    "",
                    ids.STICKINESS_GRAPH,
                    ids.STICKINESS_CSV_BUTTON,
                    ids.STICKINESS_DOWNLOAD,
                    height="420px",
                    subtitle_id=ids.STICKINESS_SUBTITLE,
                ),
                lg=12,
            ),
        ],
        className="g-3",
    )
