"""The analyst's controls through the real Dash endpoint: device and market filters, breakdowns,
metric choice, presets, drag-zoom, the comparison with the previous period and live refresh."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from callbacks.charts import change
from callbacks.state import ViewState, from_query, from_store
from callbacks.zoom import RESET, zoomed_range
from data.events.date_presets import preset_of, preset_range
from data.events.params import InvalidParameter
from layouts import ids
from testkit.dash_client import DashCallbacks
from tests.unit.test_callbacks import CONTROL_DEFAULTS, STATE_KEY, _state

DEVICE = ids.DIMENSION_FILTERS["device"]
MARKET = ids.DIMENSION_FILTERS["market"]
ZOOM = f"{ids.ZOOM_EVENT}.data"


@pytest.fixture
def dash_api(client) -> DashCallbacks:
    return DashCallbacks.for_flask(client)


def _controls(**values) -> dict:
    """What the browser sends for the page's controls: defaults, then `values` by prop id."""
    sent = {
        f"{ids.URL}.search": "",
        f"{ids.RESOLUTION}.value": "daily",
        f"{ids.TOPLIST_SIZE}.value": 10,
        f"{ids.DATE_RANGE}.start_date": None,
        f"{ids.DATE_RANGE}.end_date": None,
        f"{ids.SESSIONTYPE}.value": "all",
        **CONTROL_DEFAULTS,
        STATE_KEY: _state(),
    }
    sent.update(values)
    return sent


# -- the view state in the URL ---------------------------------------------------------------


def test_every_new_control_is_kept_in_the_url():
    state = ViewState(
        resolution="weekly",
        chosen=(("device", ("Computer", "iPad")), ("market", ("(none)",))),
        breakdown="device",
        chart1="views",
        chart2="completion_rate",
        compare=True,
    )
    query = state.query()
    assert query == (
        "?resolution=weekly&device=Computer&device=iPad&market=%28none%29&breakdown=device"
        "&chart1=views&chart2=completion_rate&compare=previous"
    )
    assert from_query(query) == (state, [])
    assert from_store(state.to_store()) == state
    assert state.filters().values("device") == frozenset({"Computer", "iPad"})


@pytest.mark.parametrize(
    ("search", "word"),
    [
        ("?breakdown=title", "breakdown"),
        ("?chart1=revenue", "chart1"),
        ("?compare=next", "compare"),
        ("?device=" + "x" * 101, "device"),
    ],
)
def test_bad_values_of_new_parameters_fall_back_with_a_notice(search, word):
    state, notices = from_query(search)
    assert state == ViewState() and len(notices) == 1 and word in notices[0]


@pytest.mark.parametrize(
    ("key", "value"),
    [("device", "Computer"), ("device", [1]), ("chart2", "x"), ("compare", "yes")],
)
def test_forged_state_values_are_refused(key, value):
    with pytest.raises(InvalidParameter):
        from_store({**ViewState().to_store(), key: value})


def test_a_control_change_writes_filters_breakdown_metrics_and_compare(dash_api):
    sent = _controls(
        **{
            f"{DEVICE}.value": ["iPad", "Computer"],
            f"{ids.BREAKDOWN}.value": "market",
            f"{ids.CHART1_METRIC}.value": "views",
            f"{ids.COMPARE}.value": True,
        }
    )
    response = dash_api.response(ids.URL, "search", sent, triggered=[f"{DEVICE}.value"])
    assert response[ids.URL]["search"] == (
        "?device=Computer&device=iPad&breakdown=market&chart1=views&compare=previous"
    )
    assert response[ids.STATE]["data"]["device"] == ["Computer", "iPad"]


# -- presets and drag-zoom ---------------------------------------------------------------------


def test_presets_count_back_from_the_data_s_last_day():
    first, last = dt.date(2024, 1, 1), dt.date(2025, 5, 17)
    assert preset_range("last7", first, last) == (dt.date(2025, 5, 11), last)
    assert preset_range("last30", first, last) == (dt.date(2025, 4, 18), last)
    assert preset_range("last90", first, last) == (dt.date(2025, 2, 17), last)
    assert preset_range("mtd", first, last) == (dt.date(2025, 5, 1), last)
    assert preset_range("qtd", first, last) == (dt.date(2025, 4, 1), last)
    assert preset_range("ytd", first, last) == (dt.date(2025, 1, 1), last)
    assert preset_range("all", first, last) == (None, None)
    assert preset_of(dt.date(2025, 4, 1), last, first, last) == "qtd"
    assert preset_of(dt.date(2025, 4, 2), last, first, last) is None


def test_a_preset_sets_the_dates_and_the_url(client, dash_api):
    last = client.get("/data/kpis/").get_json() and dt.date(2025, 12, 31)  # the demo data's end
    sent = _controls(**{f"{ids.DATE_PRESET}.value": "last30"})
    response = dash_api.response(ids.URL, "search", sent, triggered=[f"{ids.DATE_PRESET}.value"])
    start = (last - dt.timedelta(days=29)).isoformat()
    assert response[ids.DATE_RANGE] == {"start_date": start, "end_date": last.isoformat()}
    assert response[ids.URL]["search"] == f"?start={start}&end={last.isoformat()}"
    # The URL names the preset again when the page is opened from it.
    opened = dash_api.response(
        ids.URL,
        "search",
        _controls(**{f"{ids.URL}.search": f"?start={start}&end=2025-12-31"}),
        triggered=[],
    )
    assert opened[ids.DATE_PRESET]["value"] == "last30"


def test_odd_presets_zooms_and_values_are_refused_without_a_traceback(dash_api, caplog):
    cases = [
        ({f"{ids.DATE_PRESET}.value": "bogus"}, f"{ids.DATE_PRESET}.value", "date preset"),
        ({f"{ids.DATE_PRESET}.value": ["last7"]}, f"{ids.DATE_PRESET}.value", "date preset"),
        ({f"{MARKET}.value": ["\ud800"]}, f"{MARKET}.value", "valid Unicode"),
    ]
    for values, trigger, words in cases:
        response = dash_api.response(ids.URL, "search", _controls(**values), triggered=[trigger])
        assert words in json.dumps(response[ids.URL_NOTICE]["children"])
    for zoom in (
        {"xaxis.range[0]": "9999-12-31 12:00", "xaxis.range[1]": "9999-12-31 23:00"},
        {"xaxis.range": ["0001-01-01 00:00:00", "9999-12-31 23:59:59"]},
    ):
        for resolution in ("daily", "weekly", "monthly"):
            sent = _controls(**{ZOOM: zoom, f"{ids.RESOLUTION}.value": resolution})
            answer = dash_api.post(ids.URL, "search", sent, triggered=[ZOOM])
            assert answer.status_code in (200, 204)
            assert "Something went wrong" not in answer.get_data(as_text=True)
    assert not [record for record in caplog.records if record.exc_info]


def test_compare_in_a_link_reads_as_the_data_route_reads_it():
    assert from_query("?compare=PREVIOUS") == (ViewState(compare=True), [])
    state, notices = from_query("?compare=none")
    assert state == ViewState() and "compare must be previous" in notices[0]
    assert from_query("?compare=") == (ViewState(), [])


def test_presets_near_the_calendar_s_start_stop_there():
    first = last = dt.date(1, 1, 3)
    assert preset_range("last90", first, last) == (dt.date(1, 1, 1), last)
    assert preset_of(None, None, first, last) == "all"


def test_a_drag_zoom_keeps_the_whole_periods_it_covers():
    drag = {"xaxis.range[0]": "2025-03-03 18:00:00", "xaxis.range[1]": "2025-03-20 06:00"}
    assert zoomed_range(drag, "daily") == (dt.date(2025, 3, 4), dt.date(2025, 3, 20))
    # Weeks start on Monday: the weeks whose Monday lies inside the drag, whole.
    assert zoomed_range(drag, "weekly") == (dt.date(2025, 3, 10), dt.date(2025, 3, 23))
    assert zoomed_range({"xaxis.range": ["2025-01-20", "2025-04-02"]}, "monthly") == (
        dt.date(2025, 2, 1),
        dt.date(2025, 4, 30),
    )
    assert zoomed_range({"xaxis.autorange": True}, "daily") == RESET
    for other in ({"autosize": True}, {"xaxis.range[0]": "x"}, None, [1], {"xaxis.range": "a"}):
        assert zoomed_range(other, "daily") is None
    short = {"xaxis.range[0]": "2025-03-03 01:00", "xaxis.range[1]": "2025-03-03 22:00"}
    assert zoomed_range(short, "daily") is None  # no day's point inside


def test_zoom_sets_the_range_and_a_double_click_puts_it_back(dash_api):
    before = {f"{ids.DATE_RANGE}.start_date": "2025-02-01", f"{ids.DATE_RANGE}.end_date": None}
    drag = {"xaxis.range[0]": "2025-03-01", "xaxis.range[1]": "2025-03-10"}
    sent = _controls(**before, **{ZOOM: drag})
    zoomed = dash_api.response(ids.URL, "search", sent, triggered=[ZOOM])
    assert zoomed[ids.DATE_RANGE] == {"start_date": "2025-03-01", "end_date": "2025-03-10"}
    assert zoomed[ids.URL]["search"] == "?start=2025-03-01&end=2025-03-10"
    origin = zoomed[ids.ZOOM_ORIGIN]["data"]
    assert origin == {"start": "2025-02-01", "end": None}
    reset = _controls(
        **{
            f"{ids.DATE_RANGE}.start_date": "2025-03-01",
            f"{ids.DATE_RANGE}.end_date": "2025-03-10",
        },
        **{ZOOM: {"xaxis.autorange": True}, f"{ids.ZOOM_ORIGIN}.data": origin},
    )
    back = dash_api.response(ids.URL, "search", reset, triggered=[ZOOM])
    assert back[ids.DATE_RANGE] == {"start_date": "2025-02-01", "end_date": None}
    assert back[ids.URL]["search"] == "?start=2025-02-01"


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


# -- live refresh ------------------------------------------------------------------------------


def test_the_page_follows_the_data_s_version_without_redrawing_for_nothing(app, dash_api, runner):
    first = dash_api.response(ids.DATA_VERSION, "data", {f"{ids.LIVE_TIMER}.n_intervals": 0})
    version = first[ids.DATA_VERSION]["data"]
    assert version and ids.DATA_REFRESH not in first  # the page is already drawn from it
    same = dash_api.post(
        ids.DATA_VERSION,
        "data",
        {f"{ids.LIVE_TIMER}.n_intervals": 1, f"{ids.DATA_VERSION}.data": version},
    )
    assert same.status_code == 204  # nothing changed: no update, no flicker
    result = runner.invoke(args=["demo-data", "--rows", "500", "--seed", "3"])
    assert result.exit_code == 0, result.output
    changed = dash_api.response(
        ids.DATA_VERSION,
        "data",
        {f"{ids.LIVE_TIMER}.n_intervals": 2, f"{ids.DATA_VERSION}.data": version},
    )
    assert changed[ids.DATA_VERSION]["data"] != version
    assert changed[ids.DATA_REFRESH]["data"] == changed[ids.DATA_VERSION]["data"]
    assert json.loads(json.dumps(changed))  # plain JSON for the browser
