"""The page's side of issue 20's cohort items, through the real Dash endpoint: the retention
card's cohort definition (control, URL, table, CSV), and partial periods marked in lifecycle
and in a title's own view as the time charts mark them; the title chart's axes."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from layouts import ids
from testkit.dash_client import DashCallbacks
from tests.unit.callback_support import STATE_KEY, _controls, _state
from tests.unit.test_title_page import NEAR, _by_id, _csv, _view

# The demo data's last 30 days: Tuesday 2 to Wednesday 31 December 2025 (its last day), so
# the first and the last week are both cut, the first by the range, the last by the data.
LAST_30 = {"start": "2025-12-02", "end": "2025-12-31"}
WEEKS = ["2025-12-01", "2025-12-08", "2025-12-15", "2025-12-22", "2025-12-29"]


@pytest.fixture
def dash_api(client) -> DashCallbacks:
    return DashCallbacks.for_flask(client)


def test_the_cohort_control_writes_the_url_and_a_link_sets_it(dash_api):
    sent = _controls(**{f"{ids.RETENTION_COHORT}.value": "in_range"})
    response = dash_api.response(
        ids.URL, "search", sent, triggered=[f"{ids.RETENTION_COHORT}.value"]
    )
    assert response[ids.URL]["search"] == "?cohort=in_range"
    assert response[ids.STATE]["data"] == _state(cohort="in_range")
    loaded = dash_api.response(
        ids.URL, "search", {f"{ids.URL}.search": "?cohort=in_range&start=2025-12-02"}, triggered=[]
    )
    assert loaded[ids.RETENTION_COHORT]["value"] == "in_range"
    assert loaded[ids.STATE]["data"] == _state(cohort="in_range", start="2025-12-02")
    # A bad value in a link falls back to the default, saying so.
    bad = dash_api.response(ids.URL, "search", {f"{ids.URL}.search": "?cohort=all"}, triggered=[])
    assert bad[ids.RETENTION_COHORT]["value"] == "first_ever"
    assert "cohort must be one of first_ever, in_range" in str(bad[ids.URL_NOTICE]["children"])
    # A forged control value is refused, not shown.
    forged = _controls(**{f"{ids.RETENTION_COHORT}.value": "everyone"})
    refused = dash_api.response(
        ids.URL, "search", forged, triggered=[f"{ids.RETENTION_COHORT}.value"]
    )
    assert "cohort must be one of" in str(refused[ids.URL_NOTICE]["children"])


@pytest.mark.parametrize("cohort", ["first_ever", "in_range"])
def test_the_retention_card_shows_the_chosen_definition(client, dash_api, cohort):
    state = _state(resolution="weekly", cohort=cohort, **LAST_30)
    card = dash_api.response(ids.RETENTION_TABLE, "children", {STATE_KEY: state, NEAR: True})
    expected = client.get(f"/data/retention/?start=2025-12-02&end=2025-12-31&cohort={cohort}")
    expected = expected.get_json()
    table = str(card[ids.RETENTION_TABLE]["children"])
    for row in expected:
        assert f"'{row['cohort']}'" in table and f"({row['retained'][-1]:,} of {row['size']:,}" in (
            table
        )
    subtitle = card[ids.RETENTION_SUBTITLE]["children"]
    assert ("first view ever" in subtitle) == (cohort == "first_ever")
    assert ("first view in the range" in subtitle) == (cohort == "in_range")
    _, rows = _csv(dash_api, ids.RETENTION_DOWNLOAD, ids.RETENTION_CSV_BUTTON, state)
    assert [int(row["users"]) for row in rows if row["weeks_after"] == "0"] == [
        row["size"] for row in expected
    ]


def test_lifecycle_marks_the_partial_weeks_as_the_time_charts_do(client, dash_api):
    state = _state(resolution="weekly", **LAST_30)
    sent = {STATE_KEY: state, f"{ids.THEME_SWITCH}.value": False, NEAR: True}
    answer = dash_api.response(ids.LIFECYCLE_GRAPH, "figure", sent)
    traces = answer[ids.LIFECYCLE_GRAPH]["figure"]["data"]
    rows = client.get("/data/lifecycle/?resolution=weekly&start=2025-12-02&end=2025-12-31")
    rows = rows.get_json()
    assert [row["date"] for row in rows] == WEEKS
    # One legend entry per group, drawn whole; the cut weeks are hatched copies without one.
    shown = [t for t in traces if t.get("showlegend", True)]
    hatched = [t for t in traces if t.get("showlegend") is False]
    assert (
        [t["name"] for t in shown]
        == [t["name"] for t in hatched]
        == [
            "New",
            "Returning",
            "Resurrecting",
            "Dormant",
        ]
    )
    for trace in shown:
        assert trace["x"] == WEEKS[1:4] and "pattern" not in trace["marker"]
        assert set(trace["text"]) == {""}
    for trace in hatched:
        assert trace["x"] == [WEEKS[0], WEEKS[-1]] and trace["marker"]["pattern"]["shape"] == "/"
        assert all("partial period" in text for text in trace["text"])
        assert trace["legendgroup"] == trace["name"]
    dormant = next(t for t in hatched if t["name"] == "Dormant")
    assert dormant["y"] == [-rows[0]["dormant"], -rows[-1]["dormant"]]
    assert "hatched" in answer[ids.LIFECYCLE_SUBTITLE]["children"]
    # The same flags as the time chart's CSV for the same view: one rule.
    _, csv_rows = _csv(dash_api, ids.LIFECYCLE_DOWNLOAD, ids.LIFECYCLE_CSV_BUTTON, state)
    _, time_rows = _csv(dash_api, ids.CHART1_DOWNLOAD, ids.CHART1_CSV_BUTTON, state)
    flags = [row["partial_period"] for row in csv_rows]
    assert flags == ["true", "false", "false", "false", "true"]
    assert flags == [row["partial_period"] for row in time_rows]
    assert [int(row["dormant"]) for row in csv_rows] == [row["dormant"] for row in rows]
    # Without a range the data cuts them: it starts on Wednesday 1 January 2025.
    _, csv_rows = _csv(dash_api, ids.LIFECYCLE_DOWNLOAD, ids.LIFECYCLE_CSV_BUTTON, _state())
    assert (csv_rows[0]["date"], csv_rows[-1]["date"]) == ("2024-12-30", "2025-12-29")
    flags = [row["partial_period"] == "true" for row in csv_rows]
    assert flags == [True] + [False] * (len(flags) - 2) + [True]
    # Whole months of the whole data: nothing is partial, nothing said.
    whole = {**sent, STATE_KEY: _state(resolution="monthly")}
    answer = dash_api.response(ids.LIFECYCLE_GRAPH, "figure", whole)
    assert all(t.get("showlegend", True) for t in answer[ids.LIFECYCLE_GRAPH]["figure"]["data"])
    assert "hatched" not in answer[ids.LIFECYCLE_SUBTITLE]["children"]


def test_the_title_chart_marks_partial_periods_and_names_its_axes(client, dash_api):
    query = "/data/toplist/?level=series&sessiontype=SERIES&num=1"
    show = client.get(query).get_json()[0]["title"]  # the most viewed show
    view = _view(dash_api, series=show, resolution="weekly", start="2025-09-03", end="2025-12-31")
    body = view[ids.TITLE_BODY]["children"]
    figure = _by_id(body, ids.TITLE_TIME_GRAPH)["figure"]
    expected = client.get(
        f"/data/title/?series={quote(show)}&resolution=weekly&start=2025-09-03&end=2025-12-31"
    ).get_json()["timeseries"]
    bars, hatched, line = figure["data"]
    dates = [row["date"] for row in expected]
    assert hatched["x"] == [dates[0], dates[-1]] == ["2025-09-01", "2025-12-29"]
    assert hatched["y"] == [expected[0]["unique_viewers"], expected[-1]["unique_viewers"]]
    assert bars["x"] == dates[1:-1] and hatched["showlegend"] is False
    assert all("partial period" in text for text in hatched["text"])
    assert line["x"] == dates and "partial period" in line["text"][-1]
    assert "partial period" not in line["text"][1]
    assert "partial" in str(body)  # the card's subtitle says what hatched means
    layout = figure["layout"]
    assert layout["xaxis"]["title"]["text"] == "Week (starting Monday)"
    assert layout["yaxis"]["title"]["text"] == "Unique viewers"
    assert layout["yaxis2"]["title"]["text"] == "Hours watched"
    assert layout["yaxis2"]["ticksuffix"] == " h" and " h watched" in line["hovertemplate"]
    assert layout["yaxis2"]["tickformat"] == ",~f"  # 0.5 h reads 0.5 h, not a second "1 h"
    # The first tick carries the year (past 13 weeks the ticks are months), and may reach into
    # the margin instead of hiding.
    assert layout["xaxis"]["ticktext"][0] == "1 Sep 2025"
    assert layout["xaxis"]["ticklabeloverflow"] == "allow"
    state = _state(series=show, resolution="weekly", start="2025-09-03", end="2025-12-31")
    _, rows = _csv(dash_api, ids.TITLE_DOWNLOAD, ids.TITLE_CSV_BUTTON, state)
    flags = [row["partial_period"] for row in rows]
    assert flags == ["true"] + ["false"] * (len(dates) - 2) + ["true"]
    # Monthly over whole months: nothing hatched; a daily view never is.
    for resolution, start in (("monthly", "2025-09-01"), ("daily", "2025-09-03")):
        view = _view(dash_api, series=show, resolution=resolution, start=start, end="2025-12-31")
        traces = _by_id(view[ids.TITLE_BODY]["children"], ids.TITLE_TIME_GRAPH)["figure"]["data"]
        assert len(traces) == 2 and set(traces[0]["text"]) == {""}


def test_the_stickiness_card_draws_the_routes_numbers(client, dash_api):
    state = _state(device=["iPad"], **LAST_30)
    sent = {STATE_KEY: state, f"{ids.THEME_SWITCH}.value": False, NEAR: True}
    assert dash_api.post(ids.STICKINESS_GRAPH, "figure", {STATE_KEY: state}).status_code == 204
    card = dash_api.response(ids.STICKINESS_GRAPH, "figure", sent)
    line, bars = card[ids.STICKINESS_GRAPH]["figure"]["data"]
    expected = client.get("/data/stickiness/?device=iPad&start=2025-12-02&end=2025-12-31")
    expected = expected.get_json()
    assert line["x"] == [row["date"] for row in expected["days"]]
    assert line["y"] == [row["ratio"] for row in expected["days"]]
    december = [row for row in expected["active_days"] if row["month"] == "2025-12"]
    assert bars["x"] == [row["days"] for row in december] and bars["y"]
    assert bars["y"] == [row["users"] for row in december]
    assert "2025-12" in card[ids.STICKINESS_SUBTITLE]["children"]
    name, rows = _csv(dash_api, ids.STICKINESS_DOWNLOAD, ids.STICKINESS_CSV_BUTTON, state)
    assert name.startswith("stickiness_daily")
    assert [int(row["mau"]) for row in rows if row["date"]] == [
        row["mau"] for row in expected["days"]
    ]
    assert [int(row["users"]) for row in rows if row["month"]] == [
        row["users"] for row in expected["active_days"]
    ]
    # A range without users says so instead of drawing empty axes.
    empty = _state(start="2030-01-01", end="2030-01-31")
    figure = dash_api.response(ids.STICKINESS_GRAPH, "figure", {**sent, STATE_KEY: empty})
    assert "No users" in str(figure[ids.STICKINESS_GRAPH]["figure"]["layout"])
