"""What the Dash callback tests share: the view state as the page stores it, and the values the
page's controls send, by prop id."""

from __future__ import annotations

from callbacks.state import ViewState
from layouts import ids

STATE_KEY = f"{ids.STATE}.data"
DEVICE = ids.DIMENSION_FILTERS["device"]
MARKET = ids.DIMENSION_FILTERS["market"]


def _state(**overrides) -> dict:
    state = ViewState().to_store()
    state.update(overrides)
    return state


# What the page's controls send when left at their defaults.
CONTROL_DEFAULTS = {
    f"{ids.DIMENSION_FILTERS['device']}.value": [],
    f"{ids.DIMENSION_FILTERS['market']}.value": [],
    f"{ids.BREAKDOWN}.value": "none",
    f"{ids.CHART1_METRIC}.value": "unique_users",
    f"{ids.CHART2_METRIC}.value": "minutes_watched",
    f"{ids.COMPARE}.value": False,
    f"{ids.BANDS}.value": False,
    f"{ids.DATE_PRESET}.value": "custom",
    f"{ids.TOPLIST_LEVEL}.value": "title",
    f"{ids.TOP10_WEEK}.value": "latest",
    f"{ids.TOP10_TYPE}.value": "MOVIE",
    f"{ids.RETENTION_COHORT}.value": "first_ever",
}


def _controls(**values) -> dict:
    """What the browser sends for the page's controls: defaults, then `values` by prop id."""
    sent = {
        f"{ids.URL}.search": "",
        f"{ids.RESOLUTION}.value": "daily",
        f"{ids.TOPLIST_SIZE}.value": 10,
        f"{ids.DATE_RANGE}.start_date": None,
        f"{ids.DATE_RANGE}.end_date": None,
        f"{ids.SESSIONTYPE}.value": "all",
        **CONTROL_DEFAULTS,
        STATE_KEY: _state(),
    }
    sent.update(values)
    return sent
