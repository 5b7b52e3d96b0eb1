"""The dashboard page at `/`: `build_layout()` returns a fresh component tree per page load."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from data.events.analysis.shows import DEFAULT_LEVEL
from data.events.catalog import METRICS
from layouts import ids
from layouts.account_menu import account_menu, signed_in
from layouts.alerts_card import alerts_card
from layouts.annotations import annotations_card
from layouts.audience import audience
from layouts.components import chart_card, kpi_card, select, stale_while_loading
from layouts.filter_bar import filter_bar
from layouts.options import (
    DEFAULT_CHART_METRICS,
    DEFAULT_TOPLIST_SIZE,
    IMPORT_COMMAND,
    LEVEL_OPTIONS,
    METRIC_OPTIONS,
    TOPLIST_MARKS,
    TOPLIST_MAX,
    TOPLIST_MIN,
)
from layouts.panel import morning_panel
from layouts.shape_cards import distribution_card, when_card
from layouts.title_view import title_view
from layouts.top10 import top10_panel
from web.paths import GAME_PAGE_PATH, OPENAPI_PATH, json_routes

# How often an open page asks whether new events landed (config LIVE_REFRESH_SECONDS).
LIVE_INTERVAL_MS = 10_000


def navbar(account=None) -> html.Header:
    """Top bar: brand, the link to the guessing game, the light/dark switch and, when someone
    is signed in, their account menu (layouts/account_menu.py)."""
    menu = account_menu(account)
    return html.Header(
        dbc.Container(
            [
                html.A(
                    [
                        html.Span(className="rb-logo", **{"aria-hidden": "true"}),
                        html.Span("Reelboard", className="rb-brand-name"),
                        html.Span("Viewing analytics", className="rb-brand-tag d-none d-sm-inline"),
                    ],
                    href="/",
                    className="rb-brand",
                ),
                html.Div(
                    [
                        dbc.Button(
                            [
                                html.Span("Play the guessing game", className="d-none d-sm-inline"),
                                html.Span("Game", className="d-sm-none"),
                            ],
                            id=ids.GAME_LINK,
                            href=GAME_PAGE_PATH,
                            external_link=True,
                            color="primary",
                            outline=True,
                            size="sm",
                            className="rb-game-link",
                        ),
                        dbc.Switch(
                            id=ids.THEME_SWITCH,
                            label="Dark",
                            value=False,  # set from the saved theme on load
                            class_name="rb-theme-switch mb-0",
                        ),
                        *([menu] if menu is not None else []),
                    ],
                    className="d-flex align-items-center flex-wrap justify-content-end gap-3",
                ),
            ],
            fluid=True,
            className="rb-navbar-inner",
        ),
        className="rb-navbar",
    )


def notices() -> html.Div:
    """The demo-data notice and the page notice (both hidden until a callback opens them)."""
    return html.Div(
        [
            dbc.Alert(
                [
                    html.Strong("You are looking at generated demo data. "),
                    "To analyse real viewing events, run ",
                    html.Code(IMPORT_COMMAND),
                    " in the project folder (a CSV with the 13 tutorial columns, see the README).",
                ],
                id=ids.DEMO_NOTICE,
                is_open=False,
                color="info",
                dismissable=True,
                class_name="rb-alert",
            ),
            dbc.Alert(
                id=ids.URL_NOTICE,
                is_open=False,
                color="warning",
                dismissable=True,
                class_name="rb-alert",
            ),
        ]
    )


def kpi_row() -> html.Div:
    """A KPI card per catalog metric for the current selection, plus a line for a failed
    update. Views carries the note on untitled views (the toplist leaves those out)."""
    cards = [
        kpi_card(
            metric.label,
            ids.KPI_CARDS[metric.name],
            metric.counts,
            metric.hue,
            note_id=ids.KPI_VIEWS_NOTE if metric.name == "views" else None,
        )
        for metric in METRICS
    ]
    row = dbc.Row(
        [dbc.Col(card) for card in cards],
        className=f"row-cols-2 row-cols-md-3 row-cols-xl-{len(cards)} g-3",
    )
    return html.Div(
        [
            stale_while_loading(row),
            html.Div(id=ids.COMPARE_NOTE, className="rb-compare-note"),
            html.Div(id=ids.KPI_ERROR, className="rb-error", role="alert"),
        ],
        className="rb-kpis",
    )


def _metric_select(select_id: str, value: str) -> dbc.Select:
    """The metric a time-series card shows."""
    return select(select_id, METRIC_OPTIONS, value, "rb-metric-select")


def charts() -> html.Div:
    """The two time series and minutes per viewer side by side on wide screens, then the
    toplist."""
    toplist_size = html.Div(
        [
            # The slider renders no labelable input, so the name is tied by aria-labelledby
            # (assets/dashboard-enhance.js also names its thumb and number box).
            html.Span("Titles", id=ids.TOPLIST_SIZE_LABEL, className="rb-inline-label"),
            dcc.Slider(
                id=ids.TOPLIST_SIZE,
                min=TOPLIST_MIN,
                max=TOPLIST_MAX,
                step=1,
                value=DEFAULT_TOPLIST_SIZE,
                marks=TOPLIST_MARKS,
                updatemode="mouseup",
                className="rb-slider",
            ),
        ],
        className="rb-toplist-size",
        role="group",
        **{"aria-labelledby": ids.TOPLIST_SIZE_LABEL},
    )
    level = html.Div(
        [
            dbc.Label("Count by", html_for=ids.TOPLIST_LEVEL, className="rb-inline-label"),
            select(ids.TOPLIST_LEVEL, LEVEL_OPTIONS, DEFAULT_LEVEL, "rb-level-select"),
        ],
        className="rb-toplist-level",
    )
    return html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(
                        chart_card(
                            "Unique users",
                            "Distinct viewers per day",
                            ids.CHART1_GRAPH,
                            ids.CHART1_CSV_BUTTON,
                            ids.CHART1_DOWNLOAD,
                            toolbar=_metric_select(ids.CHART1_METRIC, DEFAULT_CHART_METRICS[0]),
                            title_id=ids.CHART1_TITLE,
                            subtitle_id=ids.CHART1_SUBTITLE,
                        ),
                        lg=6,
                        xl=4,
                    ),
                    dbc.Col(
                        chart_card(
                            "Watch time",
                            "Time watched per day",
                            ids.CHART2_GRAPH,
                            ids.CHART2_CSV_BUTTON,
                            ids.CHART2_DOWNLOAD,
                            toolbar=_metric_select(ids.CHART2_METRIC, DEFAULT_CHART_METRICS[1]),
                            title_id=ids.CHART2_TITLE,
                            subtitle_id=ids.CHART2_SUBTITLE,
                        ),
                        lg=6,
                        xl=4,
                    ),
                    # Beside the minutes: how they spread over the viewers.
                    dbc.Col(distribution_card(), lg=12, xl=4),
                ],
                className="g-3",
            ),
            dbc.Row(
                dbc.Col(
                    chart_card(
                        "Most viewed titles",
                        "By number of views, most viewed on top; click a bar for its own view",
                        ids.TOPLIST_GRAPH,
                        ids.TOPLIST_CSV_BUTTON,
                        ids.TOPLIST_DOWNLOAD,
                        height="auto",
                        toolbar=html.Div([level, toplist_size], className="rb-toplist-tools"),
                        note_id=ids.TOPLIST_NOTE,
                    )
                ),
                className="g-3 mt-0",
            ),
        ]
    )


def footer() -> html.Footer:
    """Where the numbers come from: the same JSON routes, for scripts (web.paths.json_routes)."""
    links = []
    for href in json_routes():
        links += [" · "] if links else []
        links.append(html.A("API description" if href == OPENAPI_PATH else href, href=href))
    return html.Footer(["The same numbers as JSON: ", *links], className="rb-footer")


def can_manage_alerts() -> bool:
    """True when the page load's account is an administrator (AUTH=off: the local admin)."""
    from flask import g, has_request_context

    principal = g.get("principal") if has_request_context() else None
    return principal is not None and principal.role == "admin"


def build_layout(live_interval_ms: int = LIVE_INTERVAL_MS) -> html.Div:
    """Return the whole page; a function so that every page load starts from fresh state."""
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.STATE, storage_type="memory"),
            dcc.Store(id=ids.THEME, storage_type="memory"),
            dcc.Store(id=ids.ZOOM_ORIGIN, storage_type="memory"),
            dcc.Store(id=ids.ZOOM_EVENT, storage_type="memory"),
            dcc.Store(id=ids.DATA_VERSION, storage_type="memory"),
            dcc.Store(id=ids.DATA_REFRESH, storage_type="memory"),
            dcc.Store(id=ids.DEMO_DISMISSED, storage_type="local"),
            dcc.Store(id=ids.BELOW_FOLD, data=False, storage_type="memory"),
            # Paused while the tab is hidden (assets/dashboard-live.js).
            dcc.Interval(id=ids.LIVE_TIMER, interval=live_interval_ms),
            navbar(signed_in()),
            dbc.Container(
                [
                    notices(),
                    morning_panel(),
                    filter_bar(),
                    html.Div(
                        [
                            kpi_row(),
                            charts(),
                            annotations_card(),
                            html.Div(
                                [
                                    top10_panel(),
                                    audience(),
                                    when_card(),
                                    alerts_card(can_manage_alerts()),
                                ],
                                id=ids.BELOW_FOLD_START,
                                className="rb-overview",
                            ),
                        ],
                        id=ids.OVERVIEW,
                        className="rb-overview",
                    ),
                    title_view(),
                    footer(),
                ],
                fluid=True,
                className="rb-main",
            ),
        ],
        className="rb-app",
    )
