"""The prime-time and minutes-per-viewer cards through the real Dash endpoint: the page's range
and filters, the numbers of /data/when/ and /data/distribution/, and their CSV files."""

from __future__ import annotations

import pytest

from layouts import ids
from testkit.dash_client import DashCallbacks
from tests.unit.callback_support import STATE_KEY, _state
from tests.unit.test_title_page import NEAR, _csv

LAST_30 = {"start": "2025-12-02", "end": "2025-12-31"}
QUERY = "start=2025-12-02&end=2025-12-31&market=NO"
WHEN_KEY = f"{ids.WHEN_METRIC}.value"


@pytest.fixture
def dash_api(client) -> DashCallbacks:
    return DashCallbacks.for_flask(client)


@pytest.mark.parametrize("metric", ["views", "unique_users", "minutes_watched"])
def test_the_heatmap_follows_the_range_filters_and_its_metric(client, dash_api, metric):
    state = _state(market=["NO"], **LAST_30)
    figure = dash_api.response(
        ids.WHEN_GRAPH, "figure", {STATE_KEY: state, NEAR: True, WHEN_KEY: metric}
    )
    (trace,) = figure[ids.WHEN_GRAPH]["figure"]["data"]
    cells = client.get(f"/data/when/?{QUERY}&metric={metric}").get_json()
    # Drawn as markers (the page's Plotly bundle has no heatmap): one per cell, in order.
    assert trace["type"] == "scatter" and trace["marker"]["symbol"] == "square"
    assert trace["marker"]["color"] == [c["value"] for c in cells]
    assert trace["y"][0] == "Monday" and trace["x"][:2] == [0, 1]
    sent = {STATE_KEY: state, f"{ids.WHEN_CSV_BUTTON}.n_clicks": 1, WHEN_KEY: metric}
    data = dash_api.response(ids.WHEN_DOWNLOAD, "data", sent)[ids.WHEN_DOWNLOAD]["data"]
    assert data["filename"].startswith(f"prime-time-{metric.replace('_', '-')}")
    lines = data["content"].lstrip("\ufeff").splitlines()
    assert len(lines) == 169 and lines[0] == f"weekday,hour,{metric}"


def test_the_heatmap_waits_until_near(dash_api):
    sent = {STATE_KEY: _state(), NEAR: False, WHEN_KEY: "views"}
    assert dash_api.post(ids.WHEN_GRAPH, "figure", sent).status_code == 204


def test_minutes_per_viewer_follow_the_page(client, dash_api):
    state = _state(resolution="weekly", market=["NO"], **LAST_30)
    answer = dash_api.response(ids.DISTRIBUTION_GRAPH, "figure", {STATE_KEY: state})
    traces = answer[ids.DISTRIBUTION_GRAPH]["figure"]["data"]
    expected = client.get(f"/data/distribution/?{QUERY}&resolution=weekly").get_json()
    by_name = {t["name"]: t["y"] for t in traces}
    assert by_name["Median (p50)"] == [p["p50"] for p in expected["periods"]]
    assert by_name["p99"] == [p["p99"] for p in expected["periods"]]
    assert "week" in answer[ids.DISTRIBUTION_SUBTITLE]["children"]
    _, rows = _csv(dash_api, ids.DISTRIBUTION_DOWNLOAD, ids.DISTRIBUTION_CSV_BUTTON, state)
    assert [int(r["viewers"]) for r in rows] == [p["viewers"] for p in expected["periods"]]
    assert [int(r["viewers_0_to_1_min"]) for r in rows] == [
        p["histogram"][0] for p in expected["periods"]
    ]
