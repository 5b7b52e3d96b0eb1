"""Retention and lifecycle cards: the users' cohorts and comings and goings, per period."""

from __future__ import annotations

from dash import Input, Output, html
from dash.exceptions import PreventUpdate

from callbacks.guard import guarded
from callbacks.state import ViewState, from_store
from callbacks.time_series import partial_flags
from data.events.params import DEFAULT_PERIODS
from data.events.questions import question
from layouts import cohort_figures, figures, ids
from layouts.annotations import with_annotations

# Cohorts of days are too many and too small to read, and a year of daily lifecycle bars is
# noise (and 1,460 bars to draw): a daily page shows both per week.
_COHORT_RESOLUTION = {"daily": "weekly", "weekly": "weekly", "monthly": "monthly"}


def retention_of(analytics, state: ViewState) -> tuple[str, list[dict]]:
    """(the cohorts' resolution, the cohorts) the retention card shows for the state."""
    resolution = _COHORT_RESOLUTION[state.resolution]
    return resolution, question("retention").compute(
        analytics,
        resolution=resolution,
        periods=DEFAULT_PERIODS,
        cohort=state.cohort,
        filters=state.filters(),
    )


def lifecycle_of(analytics, state: ViewState) -> tuple[str, list[dict], list[bool]]:
    """(the periods' resolution, the rows, which periods are partial) the lifecycle card shows
    for the state."""
    resolution = _COHORT_RESOLUTION[state.resolution]
    filters = state.filters()
    rows = question("lifecycle").compute(analytics, resolution=resolution, filters=filters)
    dates = [row["date"] for row in rows]
    return resolution, rows, partial_flags(analytics, filters, dates, resolution)


def _near_state(state_data, near):
    """The view state, once the card has come near the window (before: nothing to draw)."""
    if state_data is None or near is not True:
        raise PreventUpdate
    return from_store(state_data)


def _failed(message: str, inputs: dict) -> tuple:
    return figures.message_figure(message, bool(inputs["dark"]), error=True), None


def _table_failed(message: str, _inputs: dict) -> tuple:
    return html.P(message, className="rb-error"), None


def register(app, analytics) -> None:
    """Register the retention and lifecycle callbacks on `app`."""

    @app.callback(
        Output(ids.RETENTION_TABLE, "children"),
        Output(ids.RETENTION_SUBTITLE, "children"),
        Input(ids.STATE, "data"),
        Input(ids.DATA_REFRESH, "data"),
        Input(ids.BELOW_FOLD, "data"),
        prevent_initial_call=True,
    )
    @guarded(_table_failed)
    def update_retention(state_data, _version, near):
        state = _near_state(state_data, near)
        resolution, cohorts = retention_of(analytics, state)
        word = cohort_figures.PERIOD_WORD[resolution]
        subtitle = (
            f"Users by the {word} of their first view ever (those who watched before the "
            f"range are left out): the share still watching each {word} after"
            if state.cohort == "first_ever"
            else f"Users by the {word} of their first view in the range (whether or not they "
            f"watched before): the share still watching each {word} after"
        )
        if len(cohorts) > cohort_figures.MAX_COHORTS_SHOWN:
            subtitle += (
                f" (the newest {cohort_figures.MAX_COHORTS_SHOWN} of {len(cohorts)} cohorts; "
                "the CSV has all)"
            )
        return cohort_figures.retention_table(cohorts, resolution), subtitle

    @app.callback(
        Output(ids.LIFECYCLE_GRAPH, "figure"),
        Output(ids.LIFECYCLE_SUBTITLE, "children"),
        Input(ids.STATE, "data"),
        Input(ids.THEME_SWITCH, "value"),
        Input(ids.DATA_REFRESH, "data"),
        Input(ids.BELOW_FOLD, "data"),
        Input(ids.ANNOTATIONS, "data"),
        prevent_initial_call=True,
    )
    @guarded(_failed)
    def update_lifecycle(state_data, dark, _version, near, notes):
        state = _near_state(state_data, near)
        resolution, rows, partial = lifecycle_of(analytics, state)
        word = cohort_figures.PERIOD_WORD[resolution]
        subtitle = (
            f"Active users per {word}: new, back from the {word} before, back after a gap; "
            f"dormant: active the {word} before, not this one"
        )
        if any(partial):
            subtitle += f"; hatched: a {word} cut by the range or the data (partial)"
        figure = cohort_figures.lifecycle_figure(rows, resolution, bool(dark), partial)
        return with_annotations(figure, notes if isinstance(notes, list) else None), subtitle
