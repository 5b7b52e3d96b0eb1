"""Prime-time and minutes-per-viewer cards: the page's range and filters, asked as /data asks."""

from __future__ import annotations

from dash import Input, Output
from dash.exceptions import PreventUpdate

from callbacks.guard import guarded
from callbacks.state import ViewState, from_store
from data.events.analysis.prime_time import DEFAULT_WHEN_METRIC, WHEN_METRICS
from data.events.questions import question
from layouts import figures, ids, shape_figures
from layouts.cohort_figures import PERIOD_WORD


def when_of(analytics, state: ViewState, metric: str) -> list[dict]:
    """The prime-time cells the card shows for the state (an unknown metric: the default)."""
    metric = metric if metric in WHEN_METRICS else DEFAULT_WHEN_METRIC
    return question("when").compute(analytics, metric=metric, filters=state.filters())


def distribution_of(analytics, state: ViewState) -> dict:
    """Minutes per viewer per period of the page's resolution."""
    return question("distribution").compute(
        analytics, per="viewer", resolution=state.resolution, filters=state.filters()
    )


def _failed(message: str, inputs: dict) -> tuple:
    return figures.message_figure(message, bool(inputs["dark"]), error=True), None


def _failed_figure(message: str, inputs: dict):
    return figures.message_figure(message, bool(inputs["dark"]), error=True)


def register(app, analytics) -> None:
    """Register the prime-time and minutes-per-viewer callbacks on `app`."""
    zone = app.server.config.get("REPORT_TIMEZONE") or "UTC"  # the hours' zone, for labels

    @app.callback(
        Output(ids.DISTRIBUTION_GRAPH, "figure"),
        Output(ids.DISTRIBUTION_SUBTITLE, "children"),
        Input(ids.STATE, "data"),
        Input(ids.THEME_SWITCH, "value"),
        Input(ids.DATA_REFRESH, "data"),
        prevent_initial_call=True,
    )
    @guarded(_failed)
    def update_distribution(state_data, dark, _version):
        if state_data is None:
            raise PreventUpdate
        state = from_store(state_data)
        word = PERIOD_WORD[state.resolution]
        answer = distribution_of(analytics, state)
        subtitle = f"Minutes each viewer watched in a {word}: median, mean, p90 and p99"
        return shape_figures.distribution_figure(answer, state.resolution, bool(dark)), subtitle

    @app.callback(
        Output(ids.WHEN_GRAPH, "figure"),
        Input(ids.STATE, "data"),
        Input(ids.WHEN_METRIC, "value"),
        Input(ids.THEME_SWITCH, "value"),
        Input(ids.DATA_REFRESH, "data"),
        Input(ids.BELOW_FOLD, "data"),
        prevent_initial_call=True,
    )
    @guarded(_failed_figure)
    def update_when(state_data, metric, dark, _version, near):
        if state_data is None or near is not True:
            raise PreventUpdate  # drawn once the card comes near the window
        cells = when_of(analytics, from_store(state_data), metric)
        return shape_figures.when_figure(cells, metric, bool(dark), zone)
