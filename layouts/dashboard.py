"""The dashboard page at `/`: `build_layout()` returns a fresh component tree per page load."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from data.events.periods import DEFAULT_RESOLUTION
from layouts import ids
from layouts.components import chart_card, kpi_card
from layouts.options import (
    DEFAULT_SESSIONTYPE,
    DEFAULT_TOPLIST_SIZE,
    IMPORT_COMMAND,
    RESOLUTION_OPTIONS,
    SESSIONTYPE_OPTIONS,
    TOPLIST_MARKS,
    TOPLIST_MAX,
    TOPLIST_MIN,
)
from web.paths import GAME_PAGE_PATH


def navbar() -> html.Header:
    """Top bar: brand, the link to the guessing game and the light/dark switch."""
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
                    ],
                    className="d-flex align-items-center gap-3",
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
                    "To analyse real viewing events, import them with ",
                    html.Code(IMPORT_COMMAND),
                    " (headerless CSV with the 13 tutorial columns, see the README).",
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


def _field(label: str, control, html_for: str, width: dict) -> dbc.Col:
    """A filter with a visible <label> bound to its input."""
    return dbc.Col(
        [dbc.Label(label, html_for=html_for, className="rb-field-label"), control],
        **width,
        className="rb-field",
    )


def _group_field(label: str, label_id: str, control, width: dict) -> dbc.Col:
    """A filter made of several inputs: the visible name labels the whole radio group."""
    return dbc.Col(
        [
            html.Div(label, id=label_id, className="rb-field-label"),
            html.Div(control, role="radiogroup", **{"aria-labelledby": label_id}),
        ],
        **width,
        className="rb-field",
    )


def filter_bar() -> dbc.Card:
    """Filters that apply to every chart and card: dates, content type and resolution."""
    date_range = dcc.DatePickerRange(
        id=ids.DATE_RANGE,
        display_format="YYYY-MM-DD",
        first_day_of_week=1,
        clearable=True,
        start_date_placeholder_text="First day",
        end_date_placeholder_text="Last day",
        updatemode="bothdates",
        className="rb-date-range",
    )
    sessiontype = dbc.RadioItems(
        id=ids.SESSIONTYPE,
        options=SESSIONTYPE_OPTIONS,
        value=DEFAULT_SESSIONTYPE,
        inline=True,
        class_name="btn-group rb-segmented",
        input_class_name="btn-check",
        label_class_name="btn btn-outline-primary btn-sm",
        label_checked_class_name="active",
    )
    resolution = dbc.Select(
        id=ids.RESOLUTION,
        options=RESOLUTION_OPTIONS,
        value=DEFAULT_RESOLUTION,
        size="sm",
        class_name="rb-select",
    )
    return dbc.Card(
        dbc.CardBody(
            dbc.Row(
                [
                    _field("Date range", date_range, ids.DATE_RANGE, {"xs": 12, "md": 6, "xl": 4}),
                    _group_field(
                        "Content",
                        ids.SESSIONTYPE_LABEL,
                        sessiontype,
                        {"xs": 12, "sm": 7, "md": 6, "xl": 3},
                    ),
                    _field(
                        "Resolution",
                        resolution,
                        ids.RESOLUTION,
                        {"xs": 12, "sm": 5, "md": 4, "xl": 2},
                    ),
                    dbc.Col(
                        [
                            html.Div(id=ids.DATA_SUMMARY, className="rb-data-summary"),
                            dcc.Link(
                                "Reset all filters", id=ids.RESET, href="/", className="rb-reset"
                            ),
                        ],
                        xs=12,
                        md=8,
                        xl=3,
                        className="rb-field rb-field-end",
                    ),
                ],
                className="g-3 align-items-end",
            )
        ),
        className="rb-card rb-filters",
    )


def kpi_row() -> html.Div:
    """Five KPI cards for the current selection, plus a line for a failed update."""
    cards = [
        kpi_card("Unique users", ids.KPI_UNIQUE_USERS, "distinct viewers", "indigo"),
        kpi_card("Hours watched", ids.KPI_HOURS_WATCHED, "total watch time", "teal"),
        kpi_card("Views", ids.KPI_VIEWS, "viewing sessions", "amber"),
        kpi_card("Avg. minutes / user", ids.KPI_AVG_MINUTES, "watch time per viewer", "pink"),
        kpi_card("Completion", ids.KPI_COMPLETION, "measured views watched to ≥ 90 %", "green"),
    ]
    return html.Div(
        [
            dbc.Row(
                [dbc.Col(card) for card in cards],
                className="row-cols-2 row-cols-md-3 row-cols-xl-5 g-3",
            ),
            html.Div(id=ids.KPI_ERROR, className="rb-error", role="alert"),
        ],
        className="rb-kpis",
    )


def charts() -> html.Div:
    """The two time series side by side on wide screens, then the toplist."""
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
    return html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(
                        chart_card(
                            "Unique users",
                            "Distinct viewers per period",
                            ids.UNIQUE_USERS_GRAPH,
                            ids.UNIQUE_USERS_CSV_BUTTON,
                            ids.UNIQUE_USERS_DOWNLOAD,
                        ),
                        lg=6,
                    ),
                    dbc.Col(
                        chart_card(
                            "Watch time",
                            "Total time watched per period",
                            ids.MINUTES_WATCHED_GRAPH,
                            ids.MINUTES_WATCHED_CSV_BUTTON,
                            ids.MINUTES_WATCHED_DOWNLOAD,
                        ),
                        lg=6,
                    ),
                ],
                className="g-3",
            ),
            dbc.Row(
                dbc.Col(
                    chart_card(
                        "Most viewed titles",
                        "Titles by number of views, most viewed on top",
                        ids.TOPLIST_GRAPH,
                        ids.TOPLIST_CSV_BUTTON,
                        ids.TOPLIST_DOWNLOAD,
                        height="auto",
                        toolbar=toplist_size,
                    )
                ),
                className="g-3 mt-0",
            ),
        ]
    )


def footer() -> html.Footer:
    """Where the numbers come from: the same JSON routes, for scripts."""
    return html.Footer(
        [
            "The same numbers as JSON: ",
            html.A("/data/unique_users/", href="/data/unique_users/"),
            " · ",
            html.A("/data/minutes_watched/", href="/data/minutes_watched/"),
            " · ",
            html.A("/data/toplist/", href="/data/toplist/"),
        ],
        className="rb-footer",
    )


def build_layout() -> html.Div:
    """Return the whole page; a function so that every page load starts from fresh state."""
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.STATE, storage_type="memory"),
            dcc.Store(id=ids.THEME, storage_type="memory"),
            navbar(),
            dbc.Container(
                [notices(), filter_bar(), kpi_row(), charts(), footer()],
                fluid=True,
                className="rb-main",
            ),
        ],
        className="rb-app",
    )
