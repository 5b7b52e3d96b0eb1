"""CSV download callbacks: each chart's rows, from the same EventsAnalytics call as the chart."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from dash import Input, Output, State, no_update
from dash.exceptions import PreventUpdate

from callbacks import csv_export
from callbacks.guard import guarded
from callbacks.state import ViewState, from_store
from layouts import ids


def _download_failed(message: str, _inputs: dict) -> tuple:
    return no_update, message, True


def _outputs(download_id: str) -> list:
    # The page notice is shared with the URL sync callback, hence allow_duplicate.
    return [
        Output(download_id, "data"),
        Output(ids.URL_NOTICE, "children", allow_duplicate=True),
        Output(ids.URL_NOTICE, "is_open", allow_duplicate=True),
    ]


def _unique_users_rows(analytics, state: ViewState) -> list[list]:
    rows = analytics.timeseries("unique_users", state.resolution, state.filters())
    return [[row["date"], row["values"]] for row in rows]


def _minutes_watched_rows(analytics, state: ViewState) -> list[list]:
    rows = analytics.timeseries("minutes_watched", state.resolution, state.filters())
    return [[row["date"], row["values"], round(row["values"] / 60, 2)] for row in rows]


def _toplist_rows(analytics, state: ViewState) -> list[list]:
    rows = analytics.toplist(state.num, state.filters())
    return [[rank, row["title"], row["values"]] for rank, row in enumerate(rows, start=1)]


class CsvDownload(NamedTuple):
    """One chart's CSV download: its dcc.Download, its button and what goes in the file."""

    download_id: str
    button_id: str
    stem: str  # start of the file name, see csv_export.filename
    header: list[str]
    rows: Callable[[object, ViewState], list[list]]  # (analytics, state) -> the chart's rows


DOWNLOADS = [
    CsvDownload(
        ids.UNIQUE_USERS_DOWNLOAD,
        ids.UNIQUE_USERS_CSV_BUTTON,
        "unique-users",
        ["date", "unique_users"],
        _unique_users_rows,
    ),
    CsvDownload(
        ids.MINUTES_WATCHED_DOWNLOAD,
        ids.MINUTES_WATCHED_CSV_BUTTON,
        "minutes-watched",
        ["date", "minutes_watched", "hours_watched"],
        _minutes_watched_rows,
    ),
    CsvDownload(
        ids.TOPLIST_DOWNLOAD,
        ids.TOPLIST_CSV_BUTTON,
        "toplist",
        ["rank", "title", "views"],
        _toplist_rows,
    ),
]


def register(app, analytics) -> None:
    """Register one CSV download callback per chart on `app`."""
    for spec in DOWNLOADS:
        _register_download(app, analytics, spec)


def _register_download(app, analytics, spec: CsvDownload) -> None:
    # A function per chart (not a closure in the loop) so each callback keeps its own spec.
    def download(n_clicks, state_data):
        if not n_clicks:
            raise PreventUpdate
        state = from_store(state_data)
        table = spec.rows(analytics, state)
        return csv_export.download(spec.stem, state, spec.header, table), no_update, no_update

    # The name shows in the server log when the callback fails (e.g. download_toplist).
    download.__name__ = f"download_{spec.stem.replace('-', '_')}"
    app.callback(
        *_outputs(spec.download_id),
        Input(spec.button_id, "n_clicks"),
        State(ids.STATE, "data"),
        prevent_initial_call=True,
    )(guarded(_download_failed)(download))
