"""The weekly Top 10 panel: its weeks, and the chosen week's list for Movies or Series."""

from __future__ import annotations

import datetime as dt

from dash import Input, Output, html, no_update
from dash.exceptions import PreventUpdate

from callbacks.guard import guarded
from callbacks.state import ViewState, from_store
from callbacks.titles import title_link
from data.events.analysis.shows import SERIES, show_of_entry
from data.events.params import Filters
from data.events.questions import question
from layouts import ids
from layouts.top10 import top10_table, week_options


def top10_of(analytics, state: ViewState) -> tuple[list[dict], dt.date | None]:
    """(the list the page shows, its week): the state's week and type, the page's device and
    market filters (the panel chooses its own content type)."""
    filters = state.filters()
    dimensions = Filters(where=tuple(w for w in filters.where if w[0] != "sessiontype"))
    week = dt.date.fromisoformat(state.week) if state.week else None
    if week is None:
        week = analytics.top10_week_choices()[1]
    entries = question("top10").compute(
        analytics, week=week, sessiontype=state.top10, filters=dimensions
    )
    return entries, week


def entry_link(state: ViewState, entry: dict) -> str:
    """A Top 10 entry's own view: a season opens its show, a movie its title."""
    if state.top10 == SERIES:
        return title_link(state, series=show_of_entry(entry["title"]))
    return title_link(state, title=entry["title"])


def register(app, analytics) -> None:
    """Register the Top 10 panel's callbacks on `app`."""

    @app.callback(
        Output(ids.TOP10_WEEK, "options"),
        Input(ids.URL, "pathname"),
        Input(ids.DATA_REFRESH, "data"),
    )
    @guarded(lambda _message, _inputs: no_update)
    def top10_weeks(_pathname, _version):
        """Every week with a Top 10, newest first, after the latest complete one."""
        return week_options(*analytics.top10_week_choices())

    @app.callback(
        Output(ids.TOP10_TABLE, "children"),
        Input(ids.STATE, "data"),
        Input(ids.DATA_REFRESH, "data"),
        Input(ids.BELOW_FOLD, "data"),
        prevent_initial_call=True,
    )
    @guarded(lambda message, _inputs: html.P(message, className="rb-error"))
    def update_top10(state_data, _version, near):
        if state_data is None or near is not True:
            raise PreventUpdate  # drawn once it comes near the window
        state = from_store(state_data)
        entries, week = top10_of(analytics, state)
        links = [entry_link(state, entry) for entry in entries]
        return top10_table(entries, links, week, week in analytics.top10_week_choices()[2])
