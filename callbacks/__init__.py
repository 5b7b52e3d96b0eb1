"""Dashboard callbacks: `register_callbacks(app)` wires every area to the shared EventsAnalytics."""

from __future__ import annotations


def register_callbacks(app) -> None:
    """Register the page, chart/KPI and download callbacks on the Dash `app`."""
    from callbacks import (
        alerts,
        annotation_form,
        bands,
        charts,
        cohorts,
        downloads,
        page,
        panel,
        shape,
        stickiness,
        titles,
        top10,
    )
    from web import services

    # One EventsAnalytics per server, the same object the /data routes use: same numbers.
    analytics = services.analytics(app.server)
    areas = (
        page,
        charts,
        bands,
        panel,
        annotation_form,
        downloads,
        titles,
        top10,
        cohorts,
        stickiness,
        shape,
        alerts,
    )
    for area in areas:
        area.register(app, analytics)
