"""CSV download callbacks: each chart's rows, from the same EventsAnalytics call as the chart."""

from __future__ import annotations

from dash import Input, Output, State, no_update
from dash.exceptions import PreventUpdate

from callbacks import csv_export
from callbacks.guard import guarded
from callbacks.state import from_store
from layouts import ids


def _download_failed(message: str, *_args) -> tuple:
    return no_update, message, True


def _outputs(download_id: str) -> list:
    # The page notice is shared with the URL sync callback, hence allow_duplicate.
    return [
        Output(download_id, "data"),
        Output(ids.URL_NOTICE, "children", allow_duplicate=True),
        Output(ids.URL_NOTICE, "is_open", allow_duplicate=True),
    ]


def register(app, analytics) -> None:
    """Register one CSV download callback per chart on `app`."""

    @app.callback(
        *_outputs(ids.UNIQUE_USERS_DOWNLOAD),
        Input(ids.UNIQUE_USERS_CSV_BUTTON, "n_clicks"),
        State(ids.STATE, "data"),
        prevent_initial_call=True,
    )
    @guarded(_download_failed)
    def download_unique_users(n_clicks, state_data):
        if not n_clicks:
            raise PreventUpdate
        state = from_store(state_data)
        rows = analytics.timeseries("unique_users", state.resolution, state.filters())
        table = [[row["date"], row["values"]] for row in rows]
        return (
            csv_export.download("unique-users", state, ["date", "unique_users"], table),
            no_update,
            no_update,
        )

    @app.callback(
        *_outputs(ids.MINUTES_WATCHED_DOWNLOAD),
        Input(ids.MINUTES_WATCHED_CSV_BUTTON, "n_clicks"),
        State(ids.STATE, "data"),
        prevent_initial_call=True,
    )
    @guarded(_download_failed)
    def download_minutes_watched(n_clicks, state_data):
        if not n_clicks:
            raise PreventUpdate
        state = from_store(state_data)
        rows = analytics.timeseries("minutes_watched", state.resolution, state.filters())
        table = [[row["date"], row["values"], round(row["values"] / 60, 2)] for row in rows]
        header = ["date", "minutes_watched", "hours_watched"]
        return csv_export.download("minutes-watched", state, header, table), no_update, no_update

    @app.callback(
        *_outputs(ids.TOPLIST_DOWNLOAD),
        Input(ids.TOPLIST_CSV_BUTTON, "n_clicks"),
        State(ids.STATE, "data"),
        prevent_initial_call=True,
    )
    @guarded(_download_failed)
    def download_toplist(n_clicks, state_data):
        if not n_clicks:
            raise PreventUpdate
        state = from_store(state_data)
        rows = analytics.toplist(state.num, state.filters())
        table = [[rank, row["title"], row["values"]] for rank, row in enumerate(rows, start=1)]
        return (
            csv_export.download("toplist", state, ["rank", "title", "views"], table),
            no_update,
            no_update,
        )
