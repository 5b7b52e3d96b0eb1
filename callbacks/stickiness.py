"""The stickiness card: DAU / MAU per day and a month's users by active days, per the view."""

from __future__ import annotations

from dash import Input, Output

from callbacks.cohorts import _failed, _near_state
from callbacks.guard import guarded
from callbacks.state import ViewState
from data.events.questions import question
from layouts import ids
from layouts.stickiness_figure import shown_month, stickiness_figure


def stickiness_of(analytics, state: ViewState) -> dict:
    """/data/stickiness/'s answer for the view's filters and range."""
    return question("stickiness").compute(analytics, filters=state.filters())


def register(app, analytics) -> None:
    """Register the stickiness card's callback on `app`."""

    @app.callback(
        Output(ids.STICKINESS_GRAPH, "figure"),
        Output(ids.STICKINESS_SUBTITLE, "children"),
        Input(ids.STATE, "data"),
        Input(ids.THEME_SWITCH, "value"),
        Input(ids.DATA_REFRESH, "data"),
        Input(ids.BELOW_FOLD, "data"),
        prevent_initial_call=True,
    )
    @guarded(_failed)
    def update_stickiness(state_data, dark, _version, near):
        answer = stickiness_of(analytics, _near_state(state_data, near))
        month = shown_month(answer["active_days"])
        subtitle = (
            "Daily users over the users of the 30 days ending each day (earlier days count)"
            + (f"; below, {month}'s users by the days they watched in the range" if month else "")
        )
        return stickiness_figure(answer, bool(dark)), subtitle
