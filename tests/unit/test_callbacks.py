"""Callbacks through the real Dash endpoint: same numbers as /data, forged input refused."""

from __future__ import annotations

import csv
import io
import json

import pytest

from callbacks.state import ViewState
from layouts import ids
from testkit.dash_client import CALLBACK_URL, DashCallbacks
from web import services

STATE_KEY = f"{ids.STATE}.data"


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
    f"{ids.DATE_PRESET}.value": "custom",
    f"{ids.TOPLIST_LEVEL}.value": "title",
    f"{ids.TOP10_WEEK}.value": "latest",
    f"{ids.TOP10_TYPE}.value": "MOVIE",
    f"{ids.RETENTION_COHORT}.value": "first_ever",
}


def _points(figure: dict) -> int:
    return len(figure["data"][0]["x"]) if figure["data"] else 0


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


# -- forged requests get a clear answer, never a 500 or a traceback ----------------------------

FORGED_CONTROLS = [
    ("resolution", "hourly"),
    ("resolution", ["daily"]),
    ("num", 5000),
    ("num", 0),
    ("num", "ten"),
    ("num", True),
    ("num", 2.5),
    ("start", "2025-13-45"),
    ("start", "yesterday"),
    ("start", {"$gt": ""}),
    ("end", "2025-01-01T00:00:00; DROP TABLE movies"),
    ("sessiontype", "TV"),
    ("sessiontype", None),
    ("sessiontype", "x" * 10_000),
]
_CONTROL_PROPS = {
    "resolution": f"{ids.RESOLUTION}.value",
    "num": f"{ids.TOPLIST_SIZE}.value",
    "start": f"{ids.DATE_RANGE}.start_date",
    "end": f"{ids.DATE_RANGE}.end_date",
    "sessiontype": f"{ids.SESSIONTYPE}.value",
}


def _no_traceback(response) -> str:
    text = response.get_data(as_text=True)
    assert response.status_code < 500, text[:300]
    assert "Traceback" not in text and 'File "' not in text
    return text


@pytest.mark.parametrize(("name", "value"), FORGED_CONTROLS)
def test_forged_control_values_get_a_clear_error(dash_api, name, value):
    values = {
        f"{ids.URL}.search": "",
        _CONTROL_PROPS["resolution"]: "daily",
        _CONTROL_PROPS["num"]: 10,
        _CONTROL_PROPS["start"]: None,
        _CONTROL_PROPS["end"]: None,
        _CONTROL_PROPS["sessiontype"]: "all",
        STATE_KEY: _state(),
    }
    values[_CONTROL_PROPS[name]] = value
    answer = dash_api.post(ids.URL, "search", values, triggered=[_CONTROL_PROPS[name]])
    _no_traceback(answer)
    assert answer.status_code == 200
    response = answer.get_json()["response"]
    assert response[ids.URL_NOTICE]["is_open"] is True
    message = response[ids.URL_NOTICE]["children"]
    assert message.startswith("Invalid input:") and name in message and len(message) < 300
    # Nothing else changes: no URL, no new state for the charts.
    assert set(response) == {ids.URL_NOTICE}


FORGED_STATES = [
    "daily",
    [1, 2],
    {"resolution": "hourly"},
    {**_state(), "num": 1001},
    {**_state(), "start": "2025-05-01", "end": "2025-04-01"},
    {**_state(), "sessiontype": "movie"},
    {**_state(), "extra": 1},
]


@pytest.mark.parametrize("state", FORGED_STATES)
@pytest.mark.parametrize("graph", [ids.CHART1_GRAPH, ids.TOPLIST_GRAPH])
def test_forged_state_gives_an_error_figure(dash_api, graph, state):
    answer = dash_api.post(graph, "figure", {STATE_KEY: state, f"{ids.THEME_SWITCH}.value": 1})
    _no_traceback(answer)
    figure = answer.get_json()["response"][graph]["figure"]
    assert figure["data"] == []
    assert figure["layout"]["annotations"][0]["text"].startswith("Invalid input:")


@pytest.mark.parametrize("state", FORGED_STATES)
def test_forged_state_gives_a_kpi_error(dash_api, state):
    answer = dash_api.post(ids.KPI_UNIQUE_USERS, "children", {STATE_KEY: state})
    _no_traceback(answer)
    response = answer.get_json()["response"]
    assert response[ids.KPI_ERROR]["children"].startswith("Invalid input:")
    assert response[ids.KPI_VIEWS]["children"] == "–"


@pytest.mark.parametrize("graph", [ids.CHART1_GRAPH, ids.TOPLIST_GRAPH, ids.KPI_UNIQUE_USERS])
def test_no_state_yet_changes_nothing(dash_api, graph):
    # On load the theme switch may fire before the URL has been read: nothing to draw yet.
    prop = "children" if graph == ids.KPI_UNIQUE_USERS else "figure"
    answer = dash_api.post(graph, prop, {STATE_KEY: None, f"{ids.THEME_SWITCH}.value": True})
    assert answer.status_code == 204


def test_forged_download_state_is_refused_readably(dash_api):
    values = {f"{ids.TOPLIST_CSV_BUTTON}.n_clicks": 1, STATE_KEY: {"num": "all of them"}}
    answer = dash_api.post(ids.TOPLIST_DOWNLOAD, "data", values)
    _no_traceback(answer)
    response = answer.get_json()["response"]
    assert ids.TOPLIST_DOWNLOAD not in response
    assert response[ids.URL_NOTICE]["children"].startswith("Invalid input:")


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"output": "nope.children", "inputs": [], "state": []},
        {"output": f"{ids.TOPLIST_GRAPH}.figure", "inputs": "x"},
    ],
)
def test_malformed_callback_requests_are_a_client_error(client, body):
    answer = client.post(CALLBACK_URL, json=body)
    _no_traceback(answer)
    assert answer.status_code == 400


def test_a_broken_database_shows_a_short_message(dash_api, demo_db):
    # A real failure: the SQLite file is overwritten with something that is not a database.
    demo_db.write_bytes(b"this is not a database" * 1000)
    figure = dash_api.response(ids.TOPLIST_GRAPH, "figure", {STATE_KEY: _state()})[
        ids.TOPLIST_GRAPH
    ]["figure"]
    text = figure["layout"]["annotations"][0]["text"]
    expected = "The event database cannot be read: file is not a database."
    assert text == expected and str(demo_db) not in text
    cards = dash_api.response(ids.KPI_UNIQUE_USERS, "children", {STATE_KEY: _state()})
    assert cards[ids.KPI_ERROR]["children"] == expected
