"""Compare with the previous period through the real Dash endpoint: the KPI cards' changes and
the charts' dashed previous line match /data, and no previous range leaves the page as it is."""

from __future__ import annotations

import json

import pytest

from callbacks.charts import change
from layouts import ids
from testkit.dash_client import DashCallbacks
from tests.unit.callback_support import STATE_KEY, _state


@pytest.fixture
def dash_api(client) -> DashCallbacks:
    return DashCallbacks.for_flask(client)


# -- compare with the previous period ---------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        {"start": "2025-07-01", "end": "2025-07-31"},
        # The data ends on Wednesday 2025-12-31: this week so far, against last week's first days.
        {"start": "2025-12-29", "end": "2025-12-31", "sessiontype": "MOVIE"},
        {"start": "2025-03-03", "end": "2025-03-09", "device": "iPad"},
    ],
)
def test_kpi_changes_are_those_of_the_data_route(client, dash_api, query):
    expected = client.get("/data/kpis/", query_string={**query, "compare": "previous"}).get_json()
    state = _state(**{**query, **({"device": [query["device"]]} if "device" in query else {})})
    state["compare"] = True
    cards = dash_api.response(ids.KPI_UNIQUE_USERS, "children", {STATE_KEY: state})
    text, tone = change("views", expected["views"], expected["previous"]["views"])
    delta = cards[ids.KPI_DELTAS[ids.KPI_VIEWS]]
    assert delta["children"] == text
    assert delta["className"].endswith(f"rb-delta-{tone}")
    previous = expected["previous_range"]
    assert f"{previous['start']} – {previous['end']}" in delta["title"]
    assert f"{previous['start']} – {previous['end']}" in cards[ids.COMPARE_NOTE]["children"]
    if query["start"] == "2025-12-29":
        assert previous == {"start": "2025-12-22", "end": "2025-12-24"}
        assert "week to date" in delta["title"]
    users, before = expected["unique_users"], expected["previous"]["unique_users"]
    assert (
        cards[ids.KPI_DELTAS[ids.KPI_UNIQUE_USERS]]["children"]
        == change("unique_users", users, before)[0]
    )


def test_changes_are_read_as_an_analyst_reads_them():
    assert change("views", 1123, 1000) == ("▲ +12.3 %", "up")
    assert change("views", 900, 1000) == ("▼ −10.0 %", "down")
    assert change("views", 1000, 1000) == ("= 0.0 %", "neutral")
    assert change("views", 5, 0) == ("new", "up")
    assert change("completion_rate", 0.5, 0.45) == ("▲ +5.0 pp", "up")
    assert change("completion_rate", None, 0.45) == (None, "neutral")


def test_the_previous_period_is_a_dashed_line_aligned_with_the_current_one(client, dash_api):
    query = {"resolution": "weekly", "start": "2025-06-02", "end": "2025-06-29"}
    state = _state(**query, compare=True)
    graph = ids.CHART1_GRAPH
    figure = dash_api.response(graph, "figure", {STATE_KEY: state})[graph]["figure"]
    current, previous = figure["data"]
    assert previous["line"]["dash"] == "dash"
    assert previous["x"] == current["x"]
    kpis = client.get("/data/kpis/", query_string={**query, "compare": "previous"}).get_json()
    span = kpis["previous_range"]
    expected = client.get(
        "/data/unique_users/",
        query_string={"resolution": "weekly", "start": span["start"], "end": span["end"]},
    ).get_json()
    assert previous["y"] == [row["values"] for row in expected]
    assert previous["customdata"][0] == "2025-05-05 – 2025-05-11"
    assert span["start"] in previous["name"]


def test_a_month_is_compared_with_the_month_before(client, dash_api):
    # March on a monthly page against February (issue 20: not the 31 days before, 29 Jan ..
    # 28 Feb): one monthly point each, the same numbers as the KPI cards' comparison.
    query = {"resolution": "monthly", "start": "2025-03-01", "end": "2025-03-31"}
    state = _state(**query, compare=True, chart1="views")
    graph = ids.CHART1_GRAPH
    current, previous = dash_api.response(graph, "figure", {STATE_KEY: state})[graph]["figure"][
        "data"
    ]
    kpis = client.get("/data/kpis/", query_string={**query, "compare": "previous"}).get_json()
    assert current["y"] == [kpis["views"]]
    assert previous["y"] == [kpis["previous"]["views"]]
    assert previous["customdata"] == ["2025-02-01 – 2025-02-28"]


def test_an_open_start_compares_from_the_data_s_first_day(client, dash_api):
    # The iPad's first view comes after the data's first day: the line still starts with the
    # range the cards compare (zero-filled), so the dashed line sits under the same days.
    state = _state(resolution="weekly", device=["iPad"], compare=True)
    graph = ids.CHART1_GRAPH
    current, previous = dash_api.response(graph, "figure", {STATE_KEY: state})[graph]["figure"][
        "data"
    ]
    assert current["x"][0] == "2024-12-30"  # the week of the data's first day, 2025-01-01
    kpis = client.get("/data/kpis/?device=iPad&compare=previous").get_json()
    assert kpis["previous_range"]["end"] == "2024-12-31"
    assert previous["customdata"][0].startswith(kpis["previous_range"]["start"])


@pytest.mark.parametrize(("start", "end"), [("2026-01-05", None), ("0001-01-01", "0001-01-31")])
def test_no_previous_range_leaves_the_charts_and_cards_as_they_are(dash_api, start, end):
    state = _state(start=start, end=end, compare=True)
    graph = ids.CHART1_GRAPH
    response = dash_api.response(graph, "figure", {STATE_KEY: state})
    assert "Something went wrong" not in json.dumps(response)
    csv_sent = {STATE_KEY: state, f"{ids.CHART1_CSV_BUTTON}.n_clicks": 1}
    download = dash_api.response(ids.CHART1_DOWNLOAD, "data", csv_sent)
    assert download[ids.CHART1_DOWNLOAD]["data"]["content"].startswith("\ufeffdate,")
    plain = dash_api.response(
        ids.KPI_UNIQUE_USERS, "children", {STATE_KEY: _state(start=start, end=end)}
    )
    assert plain[ids.KPI_ERROR]["children"] is None  # compare off: no previous range needed
    cards = dash_api.response(ids.KPI_UNIQUE_USERS, "children", {STATE_KEY: state})
    assert cards[ids.KPI_ERROR]["children"] is None
    assert cards[ids.KPI_VIEWS]["children"] == plain[ids.KPI_VIEWS]["children"]
    if start.startswith("0001"):
        assert "No comparison" in cards[ids.COMPARE_NOTE]["children"]
