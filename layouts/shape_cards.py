"""The cards of the shape of viewing: prime time (weekday x hour) and minutes per viewer."""

from __future__ import annotations

import dash_bootstrap_components as dbc

from data.events.analysis.prime_time import DEFAULT_WHEN_METRIC, WHEN_METRICS
from layouts import ids
from layouts.components import chart_card, select
from layouts.shape_figures import WHEN_LABELS

WHEN_OPTIONS = [{"label": WHEN_LABELS[m], "value": m} for m in WHEN_METRICS]


def distribution_card() -> dbc.Card:
    """Minutes per viewer per period: median, mean, p90 and p99 (/data/distribution/)."""
    return chart_card(
        "Minutes per viewer",
        "",
        ids.DISTRIBUTION_GRAPH,
        ids.DISTRIBUTION_CSV_BUTTON,
        ids.DISTRIBUTION_DOWNLOAD,
        subtitle_id=ids.DISTRIBUTION_SUBTITLE,
    )


def when_card() -> dbc.Row:
    """Prime time: the chosen metric per weekday and hour over the page's range and filters."""
    card = chart_card(
        "Prime time",
        "Per weekday and local hour of the day; events without a time of day are left out",
        ids.WHEN_GRAPH,
        ids.WHEN_CSV_BUTTON,
        ids.WHEN_DOWNLOAD,
        height="300px",
        toolbar=select(ids.WHEN_METRIC, WHEN_OPTIONS, DEFAULT_WHEN_METRIC, "rb-metric-select"),
    )
    return dbc.Row(dbc.Col(card), className="g-3 mt-0")
