"""The expected-range switch: when the time charts can draw the band, and why not otherwise."""

from __future__ import annotations

from dash import Input, Output

from callbacks.guard import guarded
from callbacks.state import ViewState, from_store
from layouts import ids

NO_MONTHLY = "No expected range per month: pick daily or weekly."
NO_BREAKDOWN = "No expected range with a breakdown: one band per line would hide the lines."


def band_refusal(state: ViewState) -> str | None:
    """Why the charts draw no expected range for this view (None: they can)."""
    if state.resolution not in ("daily", "weekly"):
        return NO_MONTHLY
    if state.breakdown is not None:
        return NO_BREAKDOWN
    return None


def register(app, _analytics) -> None:
    """Register the switch's callback on `app`."""

    @app.callback(
        Output(ids.BANDS, "disabled"),
        Output(ids.BANDS_NOTE, "children"),
        Input(ids.STATE, "data"),
        prevent_initial_call=True,
    )
    @guarded(lambda _message, _inputs: (False, None))
    def band_switch(state_data):
        """Disabled, with the reason, when the view cannot have a band (a link's bands=1
        stays in the URL: the band comes back with a daily or weekly view)."""
        reason = band_refusal(from_store(state_data)) if state_data is not None else None
        return reason is not None, reason
