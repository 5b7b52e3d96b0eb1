"""Compare with the previous period on the page: the cards' changes as the data route's, the
previous value of a one-period range, each group's previous line, and how changes read."""

from __future__ import annotations

import pytest

from callbacks.charts import change
from data.events.catalog import OTHER
from layouts import ids
from layouts.timeseries import Line, Previous, timeseries_figure
from testkit.dash_client import DashCallbacks
from tests.unit.callback_support import STATE_KEY, _state

GRAPH = ids.CHART1_GRAPH


@pytest.fixture
def dash_api(client) -> DashCallbacks:
    return DashCallbacks.for_flask(client)


def _traces(dash_api, **state) -> list[dict]:
    sent = {STATE_KEY: _state(**state, compare=True)}
    return dash_api.response(GRAPH, "figure", sent)[GRAPH]["figure"]["data"]


@pytest.mark.parametrize(
    ("query", "previous", "rule"),
    [
        # The demo data runs from 2025-01-01 to 2025-12-31.
        (
            {"resolution": "monthly", "start": "2025-04-01", "end": "2025-06-30"},
            ("2025-01-01", "2025-03-31"),
            " (the 3 months before)",
        ),
        # "Month to date" of the last, complete month: November, not the 31 days before.
        (
            {"resolution": "monthly", "start": "2025-12-01"},
            ("2025-11-01", "2025-11-30"),
            " (the month before)",
        ),
        (
            {"resolution": "weekly", "start": "2025-06-02", "end": "2025-06-29"},
            ("2025-05-05", "2025-06-01"),
            " (the 4 weeks before)",
        ),
        ({"start": "2025-12-01"}, ("2025-10-31", "2025-11-30"), ""),
    ],
)
def test_the_cards_compare_the_range_the_data_route_names(client, dash_api, query, previous, rule):
    expected = client.get("/data/kpis/", query_string={**query, "compare": "previous"}).get_json()
    assert expected["previous_range"] == {"start": previous[0], "end": previous[1]}
    state = _state(**query, compare=True)
    cards = dash_api.response(ids.KPI_UNIQUE_USERS, "children", {STATE_KEY: state})
    delta = cards[ids.KPI_DELTAS[ids.KPI_VIEWS]]
    assert delta["children"] == change("views", expected["views"], expected["previous"]["views"])[0]
    end = query.get("end", "2025-12-31")
    ranges = f"{query['start']} – {end} compared with {previous[0]} – {previous[1]}"
    assert delta["title"] == ranges + rule  # how the range was chosen; nothing for days before
    assert cards[ids.COMPARE_NOTE]["children"] == f"Changes: {delta['title']}"
    # The time chart's dashed line is over the same range, period by period.
    traces = _traces(dash_api, **query, chart1="views")
    dashed = [trace for trace in traces if trace["line"].get("dash") == "dash"]
    assert len(dashed) == 1 and previous[0] in dashed[0]["name"]
    assert sum(dashed[0]["y"]) == expected["previous"]["views"]


def test_a_one_period_range_draws_its_previous_value_as_a_point(client, dash_api):
    query = {"resolution": "monthly", "start": "2025-10-01", "end": "2025-10-31"}
    current, previous = _traces(dash_api, **query, chart1="views")
    kpis = client.get("/data/kpis/", query_string={**query, "compare": "previous"}).get_json()
    assert current["y"] == [kpis["views"]] and previous["y"] == [kpis["previous"]["views"]]
    assert previous["x"] == current["x"] == ["2025-10-01"]
    assert previous["customdata"] == ["2025-09-01 – 2025-09-30"]
    # A line through one point draws nothing: the point is a marker, with its hover.
    assert "markers" in previous["mode"] and previous["marker"]["size"] == [9]
    assert "Previous (%{customdata})" in previous["hovertemplate"]


def test_a_marker_only_where_a_point_has_no_neighbour():
    dates = ["2025-01-06", "2025-01-13", "2025-01-20", "2025-01-27", "2025-02-03"]
    before = Previous([None, 5, None, 3, 4], dates, "Previous period (…)")
    figure = timeseries_figure(
        dates, [Line(None, [1, 2, 3, 4, 5])], "views", "weekly", False, previous=[before]
    )
    previous = figure["data"][1]
    assert previous["y"] == [None, 5, None, 3, 4]
    assert previous["marker"]["size"] == [0, 9, 0, 0, 0]
    assert previous["line"]["dash"] == "dash"


def test_with_a_breakdown_each_group_gets_its_previous_line(client, dash_api):
    query = {"resolution": "weekly", "start": "2025-06-02", "end": "2025-06-29"}
    traces = _traces(dash_api, **query, breakdown="device", chart1="views")
    current = [t for t in traces if t["line"].get("dash") != "dash"]
    dashed = [t for t in traces if t["line"].get("dash") == "dash" and t["x"] != [None]]
    (key,) = [t for t in traces if t["x"] == [None]]  # the legend's key to the dashed lines
    assert key["name"] == "Previous period (2025-05-05 – 2025-06-01)"
    names = [t["name"] for t in current]
    assert len(names) == 6 and names[-1] == OTHER  # the top 5 devices, then the rest
    assert [t["name"] for t in dashed] == [f"{name} (previous)" for name in names]
    for now, before in zip(current, dashed, strict=True):
        # Same colour, and one legend entry (the group's) shows and hides both.
        assert before["line"]["color"] == now["line"]["color"]
        assert before["legendgroup"] == now["legendgroup"] and before["showlegend"] is False
        assert before["customdata"][0] == "2025-05-05 – 2025-05-11"
    # Each group's numbers over the previous four weeks, as /data answers them.
    span = {"resolution": "weekly", "start": "2025-05-05", "end": "2025-06-01"}
    devices = [entry["value"] for entry in client.get("/data/dimensions/", query_string=span)
               .get_json()["device"]]  # fmt: skip
    rest = [device for device in devices if device not in names]
    assert rest  # seven devices: two are the rest
    for name, before in zip(names, dashed, strict=True):
        chosen = rest if name == OTHER else [name]
        rows = client.get("/data/views/", query_string={**span, "device": chosen}).get_json()
        assert before["y"] == [row["values"] for row in rows], name
    # The whole selection's previous views add up to the groups' (views are additive).
    plain = client.get("/data/kpis/", query_string={**query, "compare": "previous"}).get_json()
    assert sum(sum(t["y"]) for t in dashed) == plain["previous"]["views"]


def test_with_a_breakdown_the_previous_unique_users_are_each_group_s_own(client, dash_api):
    query = {"resolution": "monthly", "start": "2025-03-01", "end": "2025-04-30"}
    traces = _traces(dash_api, **query, breakdown="sessiontype")
    dashed = [t for t in traces if t["line"].get("dash") == "dash" and t["x"] != [None]]
    for trace in dashed:
        name = trace["name"].removesuffix(" (previous)")
        expected = [
            client.get(
                "/data/kpis/",
                query_string={"start": start, "end": end, "sessiontype": name},
            ).get_json()["unique_users"]
            for start, end in (("2025-01-01", "2025-01-31"), ("2025-02-01", "2025-02-28"))
        ]
        assert trace["y"] == expected and trace["customdata"][1] == "2025-02-01 – 2025-02-28"


@pytest.mark.parametrize(
    ("key", "now", "before", "expected"),
    [
        # Issue 20: 48.91 % against 48.90 % is a change of 0.01 pp, shown as none at all.
        ("completion_rate", 0.4891, 0.4890, ("= 0.0 pp", "neutral")),
        ("completion_rate", 0.4886, 0.4890, ("= 0.0 pp", "neutral")),  # -0.04: not "−0.0"
        # Halves round away from zero, computed in decimal (the float 0.4895 - 0.4890 is
        # 0.0499999…); the arrow and the sign are those of the number shown.
        ("completion_rate", 0.4895, 0.4890, ("▲ +0.1 pp", "up")),
        ("completion_rate", 0.4885, 0.4890, ("▼ −0.1 pp", "down")),
        ("completion_rate", 0.5, 0.45, ("▲ +5.0 pp", "up")),
        ("views", 10_005, 10_000, ("▲ +0.1 %", "up")),
        ("views", 9_995, 10_000, ("▼ −0.1 %", "down")),
        ("views", 10_004, 10_000, ("= 0.0 %", "neutral")),
        ("views", 1_000, 1_000, ("= 0.0 %", "neutral")),
        ("views", 0, 0, ("= 0.0 %", "neutral")),
        ("views", 3, 0, ("new", "up")),
        ("views", 1, 8, ("▼ −87.5 %", "down")),
        ("minutes_watched", 1000, 800, ("▲ +25.0 %", "up")),
        ("minutes_per_viewer", 45.5, 50.0, ("▼ −9.0 %", "down")),
        ("unique_users", 2_500_000, 1, ("▲ +249999900.0 %", "up")),
    ],
)
def test_a_change_reads_as_the_number_it_shows(key, now, before, expected):
    assert change(key, now, before) == expected
