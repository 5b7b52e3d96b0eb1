"""The analyst's controls in the URL through the real Dash endpoint: filters, breakdown, metrics
and compare in the view state, date presets, drag-zoom, and live refresh."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from callbacks.state import ViewState, from_query, from_store
from callbacks.zoom import RESET, zoomed_range
from data.events.date_presets import preset_of, preset_range
from data.events.params import InvalidParameter
from layouts import ids
from testkit.dash_client import DashCallbacks
from tests.unit.callback_support import DEVICE, MARKET, _controls

ZOOM = f"{ids.ZOOM_EVENT}.data"


@pytest.fixture
def dash_api(client) -> DashCallbacks:
    return DashCallbacks.for_flask(client)


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
