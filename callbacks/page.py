"""Page-level callbacks: URL <-> controls state, the demo notice and date bounds, the theme."""

from __future__ import annotations

import datetime as dt

from dash import ClientsideFunction, Input, Output, State, ctx, html, no_update

from callbacks.guard import guarded
from callbacks.state import from_controls, from_query
from layouts import ids

_CONTROLS = {
    "resolution": (ids.RESOLUTION, "value"),
    "num": (ids.TOPLIST_SIZE, "value"),
    "start": (ids.DATE_RANGE, "start_date"),
    "end": (ids.DATE_RANGE, "end_date"),
    "sessiontype": (ids.SESSIONTYPE, "value"),
}


def _notice(messages: list[str]):
    """Alert content for link parameters that were not understood."""
    return [
        html.Strong("Part of this link was not understood, so defaults are shown for it:"),
        html.Ul([html.Li(message) for message in messages], className="mb-0 mt-1"),
    ]


def _describe_failed(message: str, _inputs: dict) -> tuple:
    """No data summary: say why in its place, leave the rest as it is."""
    return no_update, no_update, no_update, no_update, message


def _sync_failed(message: str, _inputs: dict) -> dict:
    """Forged or broken control values: say so, and change nothing else."""
    result = {key: no_update for key in ("search", "state", *_CONTROLS)}
    result.update(notice=message, notice_open=True)
    return result


def _iso(value) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)[:10]


def register(app, analytics) -> None:
    """Register the page-level callbacks on `app`."""

    @app.callback(
        output={
            "search": Output(ids.URL, "search"),
            **{key: Output(*prop) for key, prop in _CONTROLS.items()},
            "state": Output(ids.STATE, "data"),
            "notice": Output(ids.URL_NOTICE, "children"),
            "notice_open": Output(ids.URL_NOTICE, "is_open"),
        },
        inputs={
            "search": Input(ids.URL, "search"),
            **{key: Input(*prop) for key, prop in _CONTROLS.items()},
        },
        state={"current": State(ids.STATE, "data")},
    )
    @guarded(_sync_failed)
    def sync_state(search, resolution, num, start, end, sessiontype, current):
        """The URL drives the controls on load and history navigation; controls drive the URL.

        One callback owns both directions (Dash allows a callback to update its own inputs),
        so a change never bounces back and forth.
        """
        if ctx.triggered_id in (None, ids.URL):
            state, messages = from_query(search)
            controls = dict(zip(_CONTROLS, state.control_values(), strict=True))
            return {
                # Rewrite the link only when part of it was refused: a valid one stays as typed.
                "search": state.query() if messages else no_update,
                **controls,
                "state": state.to_store() if state.to_store() != current else no_update,
                "notice": _notice(messages) if messages else None,
                "notice_open": bool(messages),
            }
        state = from_controls(resolution, num, start, end, sessiontype)
        query = state.query()
        return {
            "search": query if query != (search or "") else no_update,
            **{key: no_update for key in _CONTROLS},
            "state": state.to_store() if state.to_store() != current else no_update,
            "notice": None,
            "notice_open": False,
        }

    @app.callback(
        Output(ids.DEMO_NOTICE, "is_open"),
        Output(ids.DATE_RANGE, "min_date_allowed"),
        Output(ids.DATE_RANGE, "max_date_allowed"),
        Output(ids.DATE_RANGE, "initial_visible_month"),
        Output(ids.DATA_SUMMARY, "children"),
        Input(ids.URL, "pathname"),
    )
    @guarded(_describe_failed)
    def describe_data(_pathname):
        """Show the demo notice and limit the date picker to the days that have events."""
        bounds = analytics.date_bounds()
        if not bounds:
            return analytics.is_demo(), None, None, None, "No events imported yet"
        first, last = (_iso(day) for day in bounds)
        return analytics.is_demo(), first, last, last, f"Events from {first} to {last}"

    # In assets/dashboard-theme.js: the switch follows the saved theme on load, then drives it.
    app.clientside_callback(
        ClientsideFunction(namespace="reelboard", function_name="syncTheme"),
        Output(ids.THEME_SWITCH, "value"),
        Output(ids.THEME, "data"),
        Input(ids.THEME_SWITCH, "value"),
    )
