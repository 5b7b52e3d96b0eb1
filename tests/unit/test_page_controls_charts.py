"""The page's filters, breakdowns and metrics show /data's numbers through the real Dash
endpoint; the time chart's ticks, hover, no-data periods and footnotes."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from layouts import ids
from testkit.dash_client import DashCallbacks
from tests.unit.callback_support import DEVICE, MARKET, STATE_KEY, _state


@pytest.fixture
def dash_api(client) -> DashCallbacks:
    return DashCallbacks.for_flask(client)


# -- filters, breakdowns and metrics show /data's numbers --------------------------------------


def test_filter_options_are_the_dimensions_values_with_their_views(client, dash_api):
    state = _state(start="2025-03-01", end="2025-03-31", device=["Nintendo 64"])
    response = dash_api.response(DEVICE, "options", {STATE_KEY: state})
    expected = client.get("/data/dimensions/?start=2025-03-01&end=2025-03-31").get_json()
    options = response[DEVICE]["options"]
    assert [o["value"] for o in options[:-1]] == [e["value"] for e in expected["device"]]
    assert (
        options[0]["label"]
        == f"{expected['device'][0]['value']} ({expected['device'][0]['views']:,})"
    )
    assert options[-1] == {"label": "Nintendo 64 (0)", "value": "Nintendo 64"}  # kept, not lost
    assert [o["value"] for o in response[MARKET]["options"]] == [
        e["value"] for e in expected["market"]
    ]


@pytest.mark.parametrize("metric", ["unique_users", "minutes_watched", "views", "completion_rate"])
def test_a_breakdown_draws_one_line_per_group_from_the_breakdown_route(client, dash_api, metric):
    query = {"resolution": "weekly", "start": "2025-03-01", "end": "2025-04-30", "device": "iPad"}
    expected = client.get(
        f"/data/{metric}/", query_string={**query, "breakdown": "market"}
    ).get_json()
    state = _state(**{**query, "device": ["iPad"]}, breakdown="market", chart1=metric)
    graph = ids.CHART1_GRAPH
    response = dash_api.response(graph, "figure", {STATE_KEY: state})
    traces = response[graph]["figure"]["data"]
    names = list(dict.fromkeys(row["market"] for row in expected))
    assert [trace["name"] for trace in traces] == names and len(names) <= 6
    for trace in traces:
        values = [row["values"] for row in expected if row["market"] == trace["name"]]
        shown = trace.get("customdata") or trace["y"]
        if metric == "completion_rate":
            values = [None if v is None else round(v * 100, 2) for v in values]
        assert shown == values
    assert (
        response[ids.CHART1_TITLE]["children"]
        == {
            "unique_users": "Unique users by market",
            "minutes_watched": "Watch time by market",
            "views": "Views by market",
            "completion_rate": "Completion rate by market",
        }[metric]
    )
    assert response[graph]["figure"]["layout"]["showlegend"] is True


def test_a_value_has_the_same_colour_on_both_charts(dash_api):
    state = _state(breakdown="device", chart1="unique_users", chart2="views")
    colours = []
    for graph in (ids.CHART1_GRAPH, ids.CHART2_GRAPH):
        figure = dash_api.response(graph, "figure", {STATE_KEY: state})[graph]["figure"]
        colours.append({trace["name"]: trace["line"]["color"] for trace in figure["data"]})
    shared = set(colours[0]) & set(colours[1])
    assert len(shared) >= 3
    assert all(colours[0][name] == colours[1][name] for name in shared)
    assert len(set(colours[0].values())) == len(colours[0])  # distinct within a chart


def test_the_breakdown_csv_carries_the_group_column(client, dash_api):
    state = _state(resolution="monthly", breakdown="sessiontype", chart2="views")
    sent = {STATE_KEY: state, f"{ids.CHART2_CSV_BUTTON}.n_clicks": 1}
    data = dash_api.response(ids.CHART2_DOWNLOAD, "data", sent)[ids.CHART2_DOWNLOAD]["data"]
    rows = list(csv.DictReader(io.StringIO(data["content"].lstrip("\ufeff"))))
    expected = client.get("/data/views/?resolution=monthly&breakdown=sessiontype").get_json()
    assert list(rows[0]) == ["date", "sessiontype", "views", "partial_period"]
    assert [(r["date"], r["sessiontype"], int(r["views"])) for r in rows] == [
        (e["date"], e["sessiontype"], e["values"]) for e in expected
    ]
    assert data["filename"] == "views_monthly_by-sessiontype.csv"


# -- chart fixes -------------------------------------------------------------------------------


def _figure(dash_api, **query) -> dict:
    graph = ids.CHART1_GRAPH
    return dash_api.response(graph, "figure", {STATE_KEY: _state(**query)})[graph]["figure"]


def test_a_one_day_range_reads_as_its_date(dash_api):
    figure = _figure(dash_api, start="2025-07-04", end="2025-07-04")
    xaxis = figure["layout"]["xaxis"]
    assert xaxis["tickvals"] == ["2025-07-04"] and xaxis["ticktext"] == ["Fri 4 Jul 2025"]
    assert xaxis["range"] == ["2025-07-03 12:00:00", "2025-07-04 12:00:00"]


def test_weekly_ticks_sit_on_mondays_named_as_weeks(dash_api):
    figure = _figure(
        dash_api, resolution="weekly", start="2025-03-01", end="2025-03-31", sessiontype="SERIES"
    )
    xaxis = figure["layout"]["xaxis"]
    assert all(dt.date.fromisoformat(day).weekday() == 0 for day in xaxis["tickvals"])
    assert xaxis["ticktext"][0] == "Week of 24 Feb 2025"
    assert all(text.startswith("Week of ") for text in xaxis["ticktext"])
    assert xaxis["hoverformat"].startswith("Week of")


def test_monthly_ticks_are_months(dash_api):
    figure = _figure(dash_api, resolution="monthly", start="2024-11-15", end="2025-02-10")
    xaxis = figure["layout"]["xaxis"]
    assert xaxis["tickvals"] == ["2024-11-01", "2024-12-01", "2025-01-01", "2025-02-01"]
    assert xaxis["ticktext"] == ["Nov 2024", "Dec 2024", "Jan 2025", "Feb 2025"]


def test_counts_get_whole_ticks_and_hover_follows_the_line(client, dash_api):
    figure = _figure(dash_api, start="2025-07-04", end="2025-07-06", device=["Nintendo 64"])
    assert figure["data"] == []  # nothing matches: the empty state, not a 0.5 tick
    dimensions = client.get("/data/dimensions/?start=2025-07-04&end=2025-07-10").get_json()
    rare = dimensions["device"][-1]["value"]  # the fewest views: a handful of users a day
    figure = _figure(dash_api, start="2025-07-04", end="2025-07-10", device=[rare])
    layout = figure["layout"]
    assert layout["hovermode"] == "x unified"
    assert layout["yaxis"]["tickformat"] == ",d"
    if max(figure["data"][0]["y"]) < 5:
        assert layout["yaxis"]["dtick"] == 1


def test_periods_outside_the_data_are_no_data_not_zero(client, dash_api):
    figure = _figure(dash_api, resolution="monthly", start="2024-10-01", end="2026-02-28")
    trace = figure["data"][0]
    expected = client.get("/data/unique_users/?resolution=monthly&start=2024-10-01&end=2026-02-28")
    rows = expected.get_json()
    assert rows[0]["values"] == 0  # the route zero-fills, the chart says "no data"
    assert trace["y"][:3] == [None, None, None] and trace["y"][-2:] == [None, None]
    assert all(value is not None for value in trace["y"][3:-2])
    labels = [a["text"] for a in figure["layout"]["annotations"]]
    assert labels == ["no data", "no data"]
    assert len(figure["layout"]["shapes"]) == 2


def test_footnotes_say_what_the_toplist_leaves_out(client, dash_api):
    kpis = client.get("/data/kpis/").get_json()
    toplist = client.get("/data/toplist/?num=1000").get_json()
    untitled = kpis["views"] - sum(row["values"] for row in toplist)
    assert untitled > 0
    response = dash_api.response(ids.TOPLIST_GRAPH, "figure", {STATE_KEY: _state()})
    assert (
        response[ids.TOPLIST_NOTE]["children"] == f"Not listed: {untitled:,} views without a title."
    )
    cards = dash_api.response(ids.KPI_UNIQUE_USERS, "children", {STATE_KEY: _state()})
    assert cards[ids.KPI_VIEWS_NOTE]["children"] == f"incl. {untitled:,} views without a title"
