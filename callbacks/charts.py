"""Chart and KPI callbacks: check the view state, ask EventsAnalytics, build figures and cards."""

from __future__ import annotations

from dash import Input, Output, html
from dash.exceptions import PreventUpdate

from callbacks.guard import guarded
from callbacks.state import from_store
from layouts import figures, ids

_KPI_IDS = {
    "unique_users": ids.KPI_UNIQUE_USERS,
    "hours_watched": ids.KPI_HOURS_WATCHED,
    "views": ids.KPI_VIEWS,
    "avg_minutes_per_user": ids.KPI_AVG_MINUTES,
    "completion_rate": ids.KPI_COMPLETION,
}
NO_VALUE = "–"


def _state_or_wait(state_data):
    """The checked view state; none yet (the theme switch can fire first on load): wait."""
    if state_data is None:
        raise PreventUpdate
    return from_store(state_data)


def _chart_failed(message: str, inputs: dict) -> dict:
    return figures.message_figure(message, bool(inputs["dark"]), error=True)


def _toplist_failed(message: str, inputs: dict) -> dict:
    return figures.message_figure(message, bool(inputs["dark"]), error=True, height=220)


def _kpis_failed(message: str, _inputs: dict) -> dict:
    return {**{key: NO_VALUE for key in _KPI_IDS}, "error": message}


def _with_unit(text: str, unit: str) -> list:
    return [text, html.Span(unit, className="rb-kpi-unit")]


def format_kpis(kpis: dict) -> dict:
    """The five KPI cards' contents from /data/kpis/'s numbers; missing values show a dash.

    Watch time is shown in hours, the average per user in minutes, completion_rate (a fraction
    of the views with a known viewpercentage) as a percentage.
    """

    def number(key: str):
        value = kpis.get(key)
        return value if isinstance(value, int | float) and not isinstance(value, bool) else None

    users, minutes, views = number("unique_users"), number("minutes_watched"), number("views")
    completion = number("completion_rate")
    hours = None if minutes is None else minutes / 60
    return {
        "unique_users": NO_VALUE if users is None else f"{users:,.0f}",
        "hours_watched": NO_VALUE
        if hours is None
        else _with_unit(f"{hours:,.0f}" if hours >= 100 else f"{hours:,.1f}", "h"),
        "views": NO_VALUE if views is None else f"{views:,.0f}",
        "avg_minutes_per_user": (
            NO_VALUE
            if minutes is None or not users
            else _with_unit(f"{minutes / users:,.1f}", "min")
        ),
        "completion_rate": (
            NO_VALUE if completion is None else _with_unit(f"{completion * 100:.1f}", "%")
        ),
    }


# Every chart redraws when the view state or the theme changes.
_CHART_INPUTS = (Input(ids.STATE, "data"), Input(ids.THEME_SWITCH, "value"))


def register(app, analytics) -> None:
    """Register the chart and KPI callbacks on `app`."""

    def timeseries_callback(graph_id: str, metric: str):
        @app.callback(Output(graph_id, "figure"), *_CHART_INPUTS, prevent_initial_call=True)
        @guarded(_chart_failed)
        def update(state_data, dark):
            state = _state_or_wait(state_data)
            filters = state.filters()
            rows = analytics.timeseries(metric, state.resolution, filters)
            partial = None
            if state.resolution != "daily":
                bounds = analytics.date_bounds() or (None, None)
                partial = figures.partial_periods(
                    rows, state.resolution, filters.start or bounds[0], filters.end or bounds[1]
                )
            return figures.timeseries_figure(rows, metric, state.resolution, bool(dark), partial)

        return update

    timeseries_callback(ids.UNIQUE_USERS_GRAPH, "unique_users")
    timeseries_callback(ids.MINUTES_WATCHED_GRAPH, "minutes_watched")

    @app.callback(Output(ids.TOPLIST_GRAPH, "figure"), *_CHART_INPUTS, prevent_initial_call=True)
    @guarded(_toplist_failed)
    def update_toplist(state_data, dark):
        state = _state_or_wait(state_data)
        rows = analytics.toplist(state.num, state.filters())
        return figures.toplist_figure(rows, bool(dark))

    @app.callback(
        output={
            **{key: Output(component, "children") for key, component in _KPI_IDS.items()},
            "error": Output(ids.KPI_ERROR, "children"),
        },
        inputs={"state_data": Input(ids.STATE, "data")},
        prevent_initial_call=True,
    )
    @guarded(_kpis_failed)
    def update_kpis(state_data):
        state = _state_or_wait(state_data)
        return {**format_kpis(analytics.kpis(state.filters())), "error": None}
