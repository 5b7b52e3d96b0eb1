"""The "Since yesterday" panel and the expected-range switch through the real Dash endpoint:
the planted drop in words with its links, wording without a usual level, bands=1 in the URL,
the band on the time charts (and none with a breakdown or per month)."""

from __future__ import annotations

import datetime as dt

import pytest

from callbacks.bands import NO_BREAKDOWN, NO_MONTHLY
from callbacks.state import ViewState, from_query, from_store
from data.events.params import Filters
from data.events.stores.sqlite_store import COLUMN_NAMES
from layouts import ids
from layouts.band_traces import BAND_NAME
from layouts.change_words import mover_sentence, period_title
from testkit.dash_client import DashCallbacks
from tests.unit.callback_support import STATE_KEY, _controls, _state
from tests.unit.test_changes import LAST, NOW, seasonal_rows

MORNING = dt.datetime.combine(LAST + dt.timedelta(days=1), dt.time(8)).isoformat()


def texts(node) -> str:
    """The text of a component tree as the renderer would show it."""
    if isinstance(node, list):
        return "".join(texts(child) for child in node)
    if isinstance(node, dict):
        return texts(node.get("props", {}).get("children"))
    return "" if node is None else str(node)


def movers(node, found=None) -> list[tuple[str, str | None]]:
    """(text, link) of each mover of the panel's body, in order."""
    found = [] if found is None else found
    if isinstance(node, list):
        for child in node:
            movers(child, found)
    elif isinstance(node, dict):
        props = node.get("props", {})
        if "rb-mover" in str(props.get("className", "")).split():
            links = [c for c in props["children"] if isinstance(c, dict) and c["type"] == "Link"]
            found.append((texts(props["children"]), links[0]["props"]["href"] if links else None))
        else:
            movers(props.get("children"), found)
    return found


@pytest.fixture(scope="module")
def planted_rows():
    frame = seasonal_rows(drop=0.4)
    return [{c: row.get(c) for c in COLUMN_NAMES} for row in frame.to_dict("records")]


@pytest.fixture
def planted(serve, planted_rows) -> DashCallbacks:
    return DashCallbacks.for_flask(serve(planted_rows, EVENTS_NOW=MORNING))


def panel(api: DashCallbacks, **state) -> dict:
    return api.response(ids.PANEL_TITLE, "children", {STATE_KEY: _state(**state)})


def test_the_planted_drop_is_the_first_market_mover_below_its_usual_tuesday(planted):
    answer = panel(planted)
    assert answer[ids.PANEL_TITLE]["children"] == (
        "Since yesterday: Tuesday 05 March 2024, against the same weekday of the 6 weeks before"
    )
    body = answer[ids.PANEL_BODY]["children"]
    listed = movers(body)
    markets = [(t, h) for t, h in listed if t.split(":")[0] in ("SE", "NO", "DK", "FI")]
    se = markets[:1]
    assert se == [
        (
            "SE: 65 distinct viewers, 40 % below its usual Tuesday ▼ below its usual range",
            "/?market=SE",
        )
    ]
    assert all(
        "below its usual range" not in t for t, _ in listed if t.split(":")[0] in ("NO", "DK")
    )
    # The KPIs: views dropped with SE, said in words beside the marker.
    assert "Views" in texts(body) and "▼ below its usual range" in texts(body)
    assert answer[ids.PANEL_ERROR]["children"] is None


def test_under_a_market_filter_movers_say_where_and_keep_the_filter(planted):
    listed = movers(panel(planted, market=["SE"])[ids.PANEL_BODY]["children"])
    tv = next((t, h) for t, h in listed if t.startswith("TV in SE:"))
    assert tv == (
        "TV in SE: 65 distinct viewers, 40 % below its usual Tuesday ▼ below its usual range",
        "/?device=TV&market=SE",
    )
    title = next(h for t, h in listed if t.startswith("Alpha in SE:"))
    assert title == "/?market=SE&title=Alpha"
    assert next(h for t, h in listed if t.startswith("Movies in SE:")) == (
        "/?sessiontype=MOVIE&market=SE"
    )


def test_a_link_of_a_mover_sets_the_page_s_filters(planted):
    sent = _controls(**{f"{ids.URL}.search": "?device=TV&market=SE"})
    opened = planted.response(ids.URL, "search", sent, triggered=[])
    assert opened[ids.DIMENSION_FILTERS["device"]]["value"] == ["TV"]
    assert opened[ids.DIMENSION_FILTERS["market"]]["value"] == ["SE"]
    assert opened[ids.STATE]["data"]["market"] == ["SE"]


def test_wording_of_movers_without_a_usual_level_and_per_week():
    se = Filters.of(market="SE")
    mover = {"value": "iPad", "value_today": 1240, "expected": 2000.0, "flag": "below"}
    assert mover_sentence("device", mover, "unique_users", se, "2024-03-05", "daily") == (
        "iPad in SE: 1,240 distinct viewers, 38 % below its usual Tuesday"
    )
    assert mover_sentence("device", mover, "views", Filters(), "2024-03-04", "weekly") == (
        "iPad: 1,240 viewing sessions, 38 % below its usual week"
    )
    new = {"value": "<b>x</b>", "value_today": 1, "expected": None, "flag": None}
    assert mover_sentence("market", new, "unique_users", se, "2024-03-05", "daily") == (
        "<b>x</b>: 1 distinct viewer, no usual level yet: fewer than 4 comparable days"
    )
    rate = {"value": "2", "value_today": 0.5, "expected": 0.55, "flag": None}
    assert mover_sentence("season", rate, "completion_rate", se, "2024-03-05", "daily") == (
        "Season 2 in SE: completion rate 50.0 %, 5.0 pp below its usual Tuesday"
    )
    assert period_title(None, "daily") == "No events yet: nothing to compare"


def test_no_events_and_no_usual_level_say_so(serve, planted_rows):
    empty = DashCallbacks.for_flask(serve([], EVENTS_NOW=MORNING))
    answer = panel(empty)
    assert answer[ids.PANEL_TITLE]["children"] == "No events yet: nothing to compare"
    assert "no usual level yet: fewer than 4 comparable days" in texts(
        answer[ids.PANEL_BODY]["children"]
    )
    early = [r for r in planted_rows if r["event_date"] < "2024-01-20"]
    young = panel(DashCallbacks.for_flask(serve(early, EVENTS_NOW="2024-01-20T08:00:00")))
    body = texts(young[ids.PANEL_BODY]["children"])
    assert "no usual level yet: fewer than 4 comparable days" in body and "▼" not in body


# -- the expected range: in the URL, on the charts ----------------------------------------------


def test_the_band_switch_is_kept_in_the_url():
    state = ViewState(resolution="weekly", bands=True)
    assert state.query() == "?resolution=weekly&bands=1"
    assert from_query(state.query()) == (state, [])
    assert from_store(state.to_store()) == state
    assert from_query("?bands=0") == (ViewState(), [])
    fallback, notices = from_query("?bands=yes")
    assert fallback == ViewState() and "bands must be 1 or 0" in notices[0]


def test_the_switch_writes_the_url_and_the_chart_draws_the_band(client):
    api = DashCallbacks.for_flask(client)
    sent = _controls(**{f"{ids.BANDS}.value": True})
    wrote = api.response(ids.URL, "search", sent, triggered=[f"{ids.BANDS}.value"])
    assert wrote[ids.URL]["search"] == "?bands=1"
    stored = wrote[ids.STATE]["data"]
    figure = api.response(ids.CHART1_GRAPH, "figure", {STATE_KEY: stored})[ids.CHART1_GRAPH]
    traces = figure["figure"]["data"]
    assert [t["name"] for t in traces[:2]] == [f"{BAND_NAME} (low)", BAND_NAME]
    assert traces[1]["fill"] == "tonexty" and traces[2]["x"] == traces[1]["x"]
    judged = [(lo, hi) for lo, hi in zip(traces[0]["y"], traces[1]["y"], strict=True) if hi]
    assert len(judged) > 300 and all(0 <= lo <= hi for lo, hi in judged)
    switch = api.response(ids.BANDS, "disabled", {STATE_KEY: stored})
    assert switch[ids.BANDS]["disabled"] is False


@pytest.mark.parametrize(
    ("state", "reason"),
    [({"breakdown": "device"}, NO_BREAKDOWN), ({"resolution": "monthly"}, NO_MONTHLY)],
)
def test_no_band_per_month_or_with_a_breakdown_and_the_switch_says_why(client, state, reason):
    api = DashCallbacks.for_flask(client)
    stored = _state(bands=True, **state)
    figure = api.response(ids.CHART1_GRAPH, "figure", {STATE_KEY: stored})[ids.CHART1_GRAPH]
    assert BAND_NAME not in {t["name"] for t in figure["figure"]["data"]}
    switch = api.response(ids.BANDS, "disabled", {STATE_KEY: stored})
    assert switch[ids.BANDS]["disabled"] is True and switch[ids.BANDS_NOTE]["children"] == reason


def test_the_panel_of_demo_data_follows_the_weekly_resolution_and_is_daily_per_month(make_app):
    api = DashCallbacks.for_flask(make_app(EVENTS_NOW=NOW.isoformat()).server.test_client())
    answer = panel(api, resolution="weekly")
    assert answer[ids.PANEL_TITLE]["children"].startswith("Last week, Mon 22 Dec – Sun 28 Dec 2025")
    assert "its usual week" in texts(answer[ids.PANEL_BODY]["children"])
    monthly = panel(api, resolution="monthly", chart1="views")
    assert monthly[ids.PANEL_TITLE]["children"].startswith("Since yesterday: Wednesday 31")
    body = texts(monthly[ids.PANEL_BODY]["children"])
    assert "Movers by views, the first chart's metric; per day" in body


def test_the_panel_lists_the_notes_of_the_day_judged_literally_without_edit_buttons(
    serve, planted_rows
):
    client = serve(planted_rows, EVENTS_NOW=MORNING)
    for start, text in (("2024-03-05", "<b>Outage</b> in SE"), ("2024-03-04", "the day before")):
        written = client.post("/data/annotations/", json={"start": start, "text": text})
        assert written.status_code == 201, written.get_data(as_text=True)
    answer = panel(DashCallbacks.for_flask(client))
    notes = answer[ids.PANEL_ANNOTATIONS]["children"]
    assert "<b>Outage</b> in SE" in texts(notes)
    assert "the day before" not in texts(notes)
    assert "Edit" not in texts(notes) and "Delete" not in texts(notes)
