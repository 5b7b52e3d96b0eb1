"""Dashboard callbacks: `register_callbacks(app)` wires every area to the shared EventsAnalytics."""

from __future__ import annotations

ANALYTICS_KEY = "reelboard.analytics"


def register_callbacks(app) -> None:
    """Register the page, chart/KPI and download callbacks on the Dash `app`."""
    from callbacks import charts, downloads, page

    # One EventsAnalytics per server, the same object the /data routes use: same numbers.
    analytics = app.server.extensions[ANALYTICS_KEY]
    for area in (page, charts, downloads):
        area.register(app, analytics)
