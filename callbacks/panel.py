"""The "Since yesterday" panel: /data/changes/ for the page's filters, told in words, each
mover a link that sets the page's filters (or opens the title)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from dash import Input, Output, html, no_update
from dash.exceptions import PreventUpdate

from callbacks.guard import guarded
from callbacks.state import ViewState, from_store
from callbacks.titles import title_link
from data.events.catalog import METRIC_BY_NAME, SESSIONTYPES
from data.events.questions import question
from layouts import ids
from layouts.annotations import annotation_list
from layouts.change_words import GROUP_HEADINGS, TITLE, mover_sentence, period_title
from layouts.options import FILTER_DIMENSIONS
from layouts.panel import panel_body
from web import annotation_access as access

MOVERS_SHOWN = 3  # per dimension and for titles


def mover_link(state: ViewState, group: str, value: str) -> str | None:
    """The page's URL with the mover's dimension filtered to it (a title: its own view); None
    when the page has no filter for it (content type (none))."""
    if group == TITLE:
        return title_link(state, title=value)
    if group == "sessiontype":
        return "/" + replace(state, sessiontype=value).query() if value in SESSIONTYPES else None
    if group not in FILTER_DIMENSIONS:
        return None
    chosen = dict(state.chosen) | {group: (value,)}
    ordered = tuple((name, chosen[name]) for name in FILTER_DIMENSIONS if name in chosen)
    return "/" + replace(state, chosen=ordered, title=None, series=None).query()


def panel_contents(analytics, state: ViewState) -> tuple[str, list, str | None, str]:
    """(heading, body, day judged, its resolution) of the panel for the view state: the page's
    dimension filters, its resolution (monthly is judged per day), the first chart's metric
    for the movers."""
    resolution = state.resolution if state.resolution == "weekly" else "daily"
    dims = replace(state.filters(), start=None, end=None)  # the day is not the range's
    answer = question("changes").compute(
        analytics,
        day=None,
        resolution=resolution,
        metric=state.chart1,
        limit=MOVERS_SHOWN,
        filters=dims,
    )
    day = answer["day"]
    groups = [
        (
            GROUP_HEADINGS[group],
            [
                {
                    "sentence": mover_sentence(group, m, state.chart1, dims, day, resolution),
                    "flag": m["flag"],
                    "href": mover_link(state, group, m["value"]),
                }
                for m in movers
            ]
            if day
            else [],
        )
        for group, movers in answer["movers"].items()
    ]
    note = f"Movers by {METRIC_BY_NAME[state.chart1].label.lower()}, the first chart's metric"
    if state.resolution == "monthly":
        note += "; per day (expected ranges are per day or per week)"
    body = panel_body(answer["kpis"], groups, resolution, note)
    return period_title(day, resolution), body, day, resolution


def day_notes(state: ViewState, day: str | None, resolution: str) -> list:
    """The annotations of the day (or week) judged, without edit buttons (the card has them)."""
    if not day:
        return []
    first = dt.date.fromisoformat(day)
    last = first + dt.timedelta(days=6 if resolution == "weekly" else 0)
    items = access.listed(first.isoformat(), last.isoformat(), automatic=state.premieres)
    if not items:
        return []
    return [html.H3("Notes", className="rb-panel-notes-title"), annotation_list(items, False)]


def _failed(message: str, _inputs: dict) -> tuple:
    return no_update, None, None, message


def register(app, analytics) -> None:
    """Register the panel's callback on `app`."""

    @app.callback(
        Output(ids.PANEL_TITLE, "children"),
        Output(ids.PANEL_BODY, "children"),
        Output(ids.PANEL_ANNOTATIONS, "children"),
        Output(ids.PANEL_ERROR, "children"),
        Input(ids.STATE, "data"),
        Input(ids.DATA_REFRESH, "data"),
        Input(ids.ANNOTATIONS_CHANGED, "data"),
        prevent_initial_call=True,
    )
    @guarded(_failed)
    def update_panel(state_data, _version, _notes_changed):
        if state_data is None:
            raise PreventUpdate
        state = from_store(state_data)
        heading, body, day, resolution = panel_contents(analytics, state)
        return heading, body, day_notes(state, day, resolution), None
