"""The filter bar: dates, content type, resolution, breakdown, a filter per catalog dimension,
the comparison switch and the title picker."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from data.events.periods import DEFAULT_RESOLUTION
from layouts import components, ids
from layouts.components import select
from layouts.options import (
    BREAKDOWN_NONE,
    BREAKDOWN_OPTIONS,
    DEFAULT_SESSIONTYPE,
    FILTER_LABELS,
    PRESET_CUSTOM,
    PRESET_OPTIONS,
    RESOLUTION_OPTIONS,
    SESSIONTYPE_OPTIONS,
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


def _dimension_filter(name: str) -> dbc.Col:
    """A multi-select of one dimension's values (options, with view counts, set by a callback)."""
    control = dcc.Dropdown(
        id=ids.DIMENSION_FILTERS[name],
        options=[],
        value=[],
        multi=True,
        placeholder=f"All {FILTER_LABELS[name].lower()}s",
        className="rb-dropdown",
    )
    return _field(
        FILTER_LABELS[name], control, ids.DIMENSION_FILTERS[name], {"xs": 12, "md": 6, "xl": 3}
    )


def filter_bar() -> dbc.Card:
    """Filters that apply to every chart and card: dates, content, device, market, resolution,
    the breakdown and the comparison with the previous period."""
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
    resolution = select(ids.RESOLUTION, RESOLUTION_OPTIONS, DEFAULT_RESOLUTION)
    preset = select(ids.DATE_PRESET, PRESET_OPTIONS, PRESET_CUSTOM, "rb-preset")
    breakdown = select(ids.BREAKDOWN, BREAKDOWN_OPTIONS, BREAKDOWN_NONE)
    compare = dbc.Switch(
        id=ids.COMPARE,
        label="Compare with previous period",
        value=False,
        class_name="mb-0 rb-compare-switch",
    )
    bands = html.Div(
        [
            dbc.Switch(
                id=ids.BANDS,
                label="Show expected range",
                value=False,
                class_name="mb-0 rb-compare-switch",
            ),
            html.Div(id=ids.BANDS_NOTE, className="rb-bands-note"),
        ],
        title="The usual level: the median of the same weekday of the 6 weeks before, "
        "± 3 × 1.4826 × MAD (weekly: the 6 weeks before)",
    )
    dates = html.Div([date_range, preset], className="rb-dates")
    # Search-as-you-type: options come from a callback (the catalog may hold many titles).
    title_picker = dcc.Dropdown(
        id=ids.TITLE_PICKER,
        options=[],
        value=None,
        searchable=True,
        clearable=True,
        placeholder="Find a title or series…",
        className="rb-dropdown",
    )
    return dbc.Card(
        dbc.CardBody(
            dbc.Row(
                [
                    _field("Date range", dates, ids.DATE_RANGE, {"xs": 12, "md": 12, "xl": 5}),
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
                        {"xs": 6, "sm": 5, "md": 3, "xl": 2},
                    ),
                    _field("Break down by", breakdown, ids.BREAKDOWN, {"xs": 6, "md": 3, "xl": 2}),
                    *(_dimension_filter(name) for name in ids.DIMENSION_FILTERS),
                    dbc.Col([compare, bands], xs=12, md=6, xl=3, className="rb-field rb-compare"),
                    _field("Title", title_picker, ids.TITLE_PICKER, {"xs": 12, "md": 6, "xl": 3}),
                    dbc.Col(
                        [
                            *components.data_summary_slots(),
                            html.Div(id=ids.UPDATED_AT, className="rb-updated", role="status"),
                            dcc.Link(
                                "Reset all filters", id=ids.RESET, href="/", className="rb-reset"
                            ),
                        ],
                        xs=12,
                        md=6,
                        xl=3,
                        className="rb-field rb-field-end",
                    ),
                ],
                className="g-3 align-items-end",
            )
        ),
        className="rb-card rb-filters",
    )
