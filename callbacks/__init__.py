"""Dashboard callbacks: `register_callbacks(app)` wires every area to the shared EventsAnalytics."""

from __future__ import annotations


def register_callbacks(app) -> None:
    """Register the page, chart/KPI and download callbacks on the Dash `app`."""
    from callbacks import alerts, charts, cohorts, downloads, page, titles, top10
    from web import services

    # One EventsAnalytics per server, the same object the /data routes use: same numbers.
    analytics = services.analytics(app.server)
    for area in (page, charts, downloads, titles, top10, cohorts, alerts):
        area.register(app, analytics)
