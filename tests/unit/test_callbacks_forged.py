"""Forged callback requests through the real Dash endpoint get a clear answer, never a 500 or a
traceback; a broken database shows a short message."""

from __future__ import annotations

import pytest

from layouts import ids
from testkit.dash_client import CALLBACK_URL, DashCallbacks
from tests.unit.callback_support import STATE_KEY, _state


@pytest.fixture
def dash_api(client) -> DashCallbacks:
    return DashCallbacks.for_flask(client)


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


@pytest.mark.parametrize("as_list", [True, False])
def test_outputs_of_the_wrong_shape_are_the_client_s_400(client, caplog, as_list):
    # Found by a hostile tryout: a list of outputs for a one-output callback (or one output for
    # a callback of several) made Dash's return check fail: a 500 and the whole answer logged.
    output = f"{ids.TOP10_WEEK}.options" if as_list else f"..{ids.TOP10_WEEK}.options..."
    outputs = {"id": ids.TOP10_WEEK, "property": "options"}
    body = {
        "output": output,
        "outputs": [outputs] if as_list else outputs,
        "inputs": [
            {"id": ids.URL, "property": "pathname", "value": "/"},
            {"id": ids.DATA_REFRESH, "property": "data", "value": None},
        ],
        "changedPropIds": [f"{ids.URL}.pathname"],
        "state": [],
    }
    answer = client.post(CALLBACK_URL, json=body)
    assert answer.status_code == 400
    assert answer.get_json() == {"error": "invalid Dash callback request"}
    assert all(len(record.getMessage()) < 400 for record in caplog.records)
    assert not any(record.exc_info for record in caplog.records)
