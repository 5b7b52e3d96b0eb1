"""Callbacks through the real Dash endpoint: the layout, URL state, and charts, cards and CSV
downloads with the same numbers as /data."""

from __future__ import annotations

import csv
import io
import json

import pytest

from layouts import ids
from testkit.dash_client import DashCallbacks
from tests.unit.callback_support import CONTROL_DEFAULTS, STATE_KEY, _state
from web import services


@pytest.fixture
def dash_api(client) -> DashCallbacks:
    return DashCallbacks.for_flask(client)


# -- the page and the dependency graph --------------------------------------------------------


def test_layout_has_every_component_the_issue_names(client):
    layout = client.get("/_dash-layout")
    assert layout.status_code == 200
    text = layout.get_data(as_text=True)
    for component in (
        ids.CHART1_GRAPH,
        ids.CHART2_GRAPH,
        ids.RESOLUTION,
        ids.TOPLIST_GRAPH,
        ids.TOPLIST_SIZE,
        ids.DATE_RANGE,
        ids.SESSIONTYPE,
        ids.GAME_LINK,
        ids.DEMO_NOTICE,
    ):
        assert f'"id":"{component}"' in text.replace(" ", ""), component
    assert client.get("/").status_code == 200


def test_every_chart_has_a_download_callback(dash_api):
    for download in (ids.CHART1_DOWNLOAD, ids.CHART2_DOWNLOAD, ids.TOPLIST_DOWNLOAD):
        assert dash_api.spec(download, "data")


# -- URL state ---------------------------------------------------------------------------------


def test_url_restores_the_controls_and_the_state(dash_api):
    search = "?resolution=weekly&num=5&start=2025-03-01&end=2025-03-31&sessiontype=SERIES"
    response = dash_api.response(ids.URL, "search", {f"{ids.URL}.search": search}, triggered=[])
    assert response[ids.RESOLUTION]["value"] == "weekly"
    assert response[ids.TOPLIST_SIZE]["value"] == 5
    assert response[ids.DATE_RANGE] == {"start_date": "2025-03-01", "end_date": "2025-03-31"}
    assert response[ids.SESSIONTYPE]["value"] == "SERIES"
    assert response[ids.STATE]["data"] == _state(
        resolution="weekly", num=5, start="2025-03-01", end="2025-03-31", sessiontype="SERIES"
    )
    assert ids.URL not in response  # a valid link stays as it was
    assert response[ids.URL_NOTICE]["is_open"] is False


def test_bad_url_values_fall_back_to_defaults_with_a_notice(dash_api):
    search = "?resolution=hourly&num=5000&start=2025-02-30&sessiontype=TV"
    response = dash_api.response(ids.URL, "search", {f"{ids.URL}.search": search}, triggered=[])
    assert response[ids.RESOLUTION]["value"] == "daily"
    assert response[ids.TOPLIST_SIZE]["value"] == 10
    assert response[ids.SESSIONTYPE]["value"] == "all"
    assert response[ids.STATE]["data"] == _state()
    assert response[ids.URL]["search"] == ""
    assert response[ids.URL_NOTICE]["is_open"] is True
    notice = json.dumps(response[ids.URL_NOTICE]["children"])
    for word in ("resolution", "num", "start", "sessiontype"):
        assert word in notice


def test_changing_a_control_writes_the_url(dash_api):
    values = {
        f"{ids.URL}.search": "",
        f"{ids.RESOLUTION}.value": "monthly",
        f"{ids.TOPLIST_SIZE}.value": 10,
        f"{ids.DATE_RANGE}.start_date": "2025-01-01",
        f"{ids.DATE_RANGE}.end_date": None,
        f"{ids.SESSIONTYPE}.value": "MOVIE",
        **CONTROL_DEFAULTS,
        STATE_KEY: _state(),
    }
    response = dash_api.response(ids.URL, "search", values, triggered=[f"{ids.RESOLUTION}.value"])
    assert response[ids.URL]["search"] == "?resolution=monthly&start=2025-01-01&sessiontype=MOVIE"
    assert response[ids.STATE]["data"] == _state(
        resolution="monthly", start="2025-01-01", sessiontype="MOVIE"
    )
    assert ids.RESOLUTION not in response  # the control is not written back: no loop


# -- the charts and cards show the /data routes' numbers ---------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        {"resolution": "daily"},
        {
            "resolution": "weekly",
            "sessiontype": "SERIES",
            "start": "2025-03-01",
            "end": "2025-03-31",
        },
        {"resolution": "monthly", "sessiontype": "MOVIE"},
    ],
)
@pytest.mark.parametrize(
    ("graph", "metric"),
    [(ids.CHART1_GRAPH, "unique_users"), (ids.CHART2_GRAPH, "minutes_watched")],
)
def test_time_series_match_the_data_route(client, dash_api, graph, metric, query):
    expected = client.get(f"/data/{metric}/", query_string=query).get_json()
    state = _state(**query)
    figure = dash_api.response(graph, "figure", {STATE_KEY: state})[graph]["figure"]
    trace = figure["data"][0]
    assert trace["x"] == [row["date"] for row in expected]
    values = trace.get("customdata") or trace["y"]  # hours on the axis keep minutes in customdata
    assert values == [row["values"] for row in expected]


@pytest.mark.parametrize("num", [1, 10, 50])
def test_toplist_matches_the_data_route(client, dash_api, num):
    expected = client.get("/data/toplist/", query_string={"num": num}).get_json()
    figure = dash_api.response(ids.TOPLIST_GRAPH, "figure", {STATE_KEY: _state(num=num)})[
        ids.TOPLIST_GRAPH
    ]["figure"]
    trace = figure["data"][0]
    assert len(trace["x"]) == len(expected) == num
    assert trace["x"] == [row["values"] for row in expected]
    assert [row[0] for row in trace["customdata"]] == [row["title"] for row in expected]
    assert figure["layout"]["yaxis"]["autorange"] == "reversed"  # most viewed on top


def test_kpis_match_the_analytics(app, dash_api):
    from data.events.params import Filters

    kpis = services.analytics(app.server).kpis(Filters.of(sessiontype="SERIES"))
    response = dash_api.response(
        ids.KPI_UNIQUE_USERS, "children", {STATE_KEY: _state(sessiontype="SERIES")}
    )
    assert response[ids.KPI_UNIQUE_USERS]["children"] == f"{kpis['unique_users']:,}"
    assert response[ids.KPI_VIEWS]["children"] == f"{kpis['views']:,}"
    assert f"{kpis['completion_rate'] * 100:.1f}" in json.dumps(
        response[ids.KPI_CARDS["completion_rate"]]
    )
    assert response[ids.KPI_ERROR]["children"] is None


def test_empty_range_shows_the_empty_state(dash_api):
    state = _state(start="2001-01-01", end="2001-01-31")
    for graph in (ids.CHART1_GRAPH, ids.TOPLIST_GRAPH):
        figure = dash_api.response(graph, "figure", {STATE_KEY: state})[graph]["figure"]
        assert figure["data"] == []
        assert figure["layout"]["annotations"][0]["text"] == "No views in this range"
    cards = dash_api.response(ids.KPI_UNIQUE_USERS, "children", {STATE_KEY: state})
    assert cards[ids.KPI_VIEWS]["children"] == "0"
    assert cards[ids.KPI_CARDS["completion_rate"]]["children"] == "–"


# -- CSV downloads -----------------------------------------------------------------------------


def test_csv_downloads_hold_the_charts_rows(client, dash_api):
    state = _state(resolution="weekly", num=7, sessiontype="MOVIE")
    values = {STATE_KEY: state}
    cases = [
        (ids.CHART1_DOWNLOAD, ids.CHART1_CSV_BUTTON, "/data/unique_users/"),
        (ids.CHART2_DOWNLOAD, ids.CHART2_CSV_BUTTON, "/data/minutes_watched/"),
        (ids.TOPLIST_DOWNLOAD, ids.TOPLIST_CSV_BUTTON, "/data/toplist/"),
    ]
    for download, button, route in cases:
        values[f"{button}.n_clicks"] = 1
        data = dash_api.response(download, "data", values)[download]["data"]
        assert data["content"].startswith("\ufeff")  # spreadsheets then read UTF-8
        rows = list(csv.DictReader(io.StringIO(data["content"][1:])))
        expected = client.get(
            route, query_string={"resolution": "weekly", "num": 7, "sessiontype": "MOVIE"}
        ).get_json()
        assert data["filename"].endswith(".csv") and "movie" in data["filename"]
        assert len(rows) == len(expected) > 0
        if route == "/data/toplist/":
            assert [row["title"] for row in rows] == [row["title"] for row in expected]
            assert [int(row["views"]) for row in rows] == [row["values"] for row in expected]
        else:
            column = "unique_users" if "unique" in route else "minutes_watched"
            assert [row["date"] for row in rows] == [row["date"] for row in expected]
            assert [int(row[column]) for row in rows] == [row["values"] for row in expected]
            # Weeks cut by the data's first or last day are marked.
            assert {row["partial_period"] for row in rows} == {"true", "false"}
