"""The title insights on the page, through the real Dash endpoint: the toplist's level and its
bars' clicks, the title view, the title picker, the Top 10 panel, retention and lifecycle, and
their CSV files; each against the /data route that answers the same question."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

import pytest

from callbacks.state import ViewState, from_query
from layouts import ids
from testkit.dash_client import DashCallbacks
from tests.unit.callback_support import STATE_KEY, _controls, _state

NEAR = f"{ids.BELOW_FOLD}.data"  # the cards below the toplist have come near the window


@pytest.fixture
def dash_api(client) -> DashCallbacks:
    return DashCallbacks.for_flask(client)


@pytest.fixture
def show(client) -> str:
    """The most viewed show of the demo data."""
    return client.get("/data/toplist/?level=series&sessiontype=SERIES&num=1").get_json()[0]["title"]


@pytest.fixture
def movie(client) -> str:
    return client.get("/data/toplist/?sessiontype=MOVIE&num=1").get_json()[0]["title"]


def _csv(dash_api, download_id: str, button_id: str, state: dict) -> tuple[str, list[dict]]:
    sent = {STATE_KEY: state, f"{button_id}.n_clicks": 1}
    data = dash_api.response(download_id, "data", sent)[download_id]["data"]
    assert data["content"].startswith("\ufeff")
    return data["filename"], list(csv.DictReader(io.StringIO(data["content"].lstrip("\ufeff"))))


def test_every_new_key_is_kept_in_the_url():
    state = ViewState(level="season", week="2025-06-02", top10="SERIES", series="Aarhus Harbor")
    query = state.query()
    assert query == "?level=season&week=2025-06-02&top10=SERIES&series=Aarhus+Harbor"
    assert from_query(query) == (state, [])
    assert from_query("?title=The%20Burning%20Ones")[0].title == "The Burning Ones"
    # A bad value falls back to its default with a notice, the rest of the link still applies.
    state, notices = from_query("?level=episode&week=2025-06-03&top10=shorts&resolution=weekly")
    assert state == ViewState(resolution="weekly") and len(notices) == 3
    state, notices = from_query("?title=A&series=B")
    assert (state.title, state.series) == (None, None) and "either title" in notices[0]


@pytest.mark.parametrize("level", ["season", "series"])
def test_the_toplist_counts_by_level_with_viewers_and_hours_on_hover(client, dash_api, level):
    expected = client.get(f"/data/toplist/?level={level}&num=10").get_json()
    figure = dash_api.response(ids.TOPLIST_GRAPH, "figure", {STATE_KEY: _state(level=level)})[
        ids.TOPLIST_GRAPH
    ]["figure"]
    trace = figure["data"][0]
    assert trace["x"] == [row["values"] for row in expected]
    assert [row[0] for row in trace["customdata"]] == [row["title"] for row in expected]
    assert "unique viewers" in trace["hovertemplate"] and "hours" in trace["hovertemplate"]
    # A rolled-up show's bar opens the show; its numbers are the show's own.
    show = next(row for row in trace["customdata"] if row[2].startswith("series:"))
    name = show[2].removeprefix("series:")
    own = client.get(f"/data/title/?series={quote(name)}").get_json()["kpis"]
    if level == "series":
        assert show[3] == own["unique_viewers"]
        assert show[4] == round(own["minutes_watched"] / 60, 2)
    movie = next(row for row in trace["customdata"] if row[2].startswith("title:"))
    assert movie[2] == f"title:{movie[0]}"


def test_a_bar_click_opens_the_title_view_and_back_closes_it(dash_api):
    click = {"points": [{"customdata": ["Aarhus Harbor", 1, "series:Aarhus Harbor", 10, 2.5]}]}
    opened_url = "?resolution=weekly&series=Aarhus+Harbor"
    sent = _controls(
        **{f"{ids.TOPLIST_GRAPH}.clickData": click, f"{ids.RESOLUTION}.value": "weekly"}
    )
    response = dash_api.response(
        ids.URL, "search", sent, triggered=[f"{ids.TOPLIST_GRAPH}.clickData"]
    )
    assert response[ids.URL]["search"] == "?resolution=weekly&series=Aarhus+Harbor"
    opened = response[ids.STATE]["data"]
    # Another control keeps the open title; "All titles" closes it and keeps the filters.
    kept = _controls(
        **{STATE_KEY: opened, f"{ids.URL}.search": opened_url, f"{ids.RESOLUTION}.value": "monthly"}
    )
    response = dash_api.response(ids.URL, "search", kept, triggered=[f"{ids.RESOLUTION}.value"])
    assert response[ids.URL]["search"] == "?resolution=monthly&series=Aarhus+Harbor"
    back = _controls(
        **{STATE_KEY: opened, f"{ids.URL}.search": opened_url, f"{ids.TITLE_BACK}.n_clicks": 1}
    )
    response = dash_api.response(ids.URL, "search", back, triggered=[f"{ids.TITLE_BACK}.n_clicks"])
    assert response[ids.URL]["search"] == ""
    # The picker opens its choice, then empties.
    picked = _controls(**{f"{ids.TITLE_PICKER}.value": "title:The Burning Ones"})
    response = dash_api.response(ids.URL, "search", picked, triggered=[f"{ids.TITLE_PICKER}.value"])
    assert response[ids.URL]["search"] == "?title=The+Burning+Ones"
    assert response[ids.TITLE_PICKER]["value"] is None


@pytest.mark.parametrize(
    "click",
    [None, {}, {"points": []}, {"points": [{"customdata": ["x", 1]}]}, {"points": [{"x": 3}]}],
)
def test_a_click_that_is_not_a_bar_changes_nothing(dash_api, click):
    sent = _controls(**{f"{ids.TOPLIST_GRAPH}.clickData": click})
    response = dash_api.post(ids.URL, "search", sent, triggered=[f"{ids.TOPLIST_GRAPH}.clickData"])
    assert response.status_code == 204


def test_a_forged_pick_is_a_clear_notice(dash_api):
    sent = _controls(**{f"{ids.TITLE_PICKER}.value": "episode:Pilot"})
    response = dash_api.response(ids.URL, "search", sent, triggered=[f"{ids.TITLE_PICKER}.value"])
    assert "title:<name> or series:<name>" in str(response[ids.URL_NOTICE]["children"])


def _by_id(tree, component: str) -> dict:
    """The props of the component with that id inside a callback's component tree."""
    if isinstance(tree, list):
        found = [_by_id(child, component) for child in tree]
        return next((f for f in found if f is not None), None)
    if isinstance(tree, dict) and "props" in tree:
        props = tree["props"]
        if props.get("id") == component:
            return props
        return _by_id(props.get("children"), component)
    return None


def _view(dash_api, **state) -> dict:
    sent = {STATE_KEY: _state(**state), f"{ids.THEME_SWITCH}.value": False}
    return dash_api.response(ids.OVERVIEW, "hidden", sent)


def test_the_title_view_shows_the_title_route_s_numbers(client, dash_api, show):
    view = _view(dash_api, series=show, resolution="monthly", device=["iPad"])
    expected = client.get(
        f"/data/title/?series={quote(show)}&resolution=monthly&device=iPad"
    ).get_json()
    assert view[ids.OVERVIEW]["hidden"] is True and view[ids.TITLE_VIEW]["hidden"] is False
    assert view[ids.TITLE_HEADING]["children"] == show
    body = view[ids.TITLE_BODY]["children"]
    kpis = _by_id(body, ids.TITLE_KPIS)
    assert f"{expected['kpis']['views']:,}" in str(kpis["children"])
    bars = _by_id(body, ids.TITLE_TIME_GRAPH)["figure"]["data"][0]
    assert bars["y"] == [row["unique_viewers"] for row in expected["timeseries"]]
    histogram = _by_id(body, ids.TITLE_COMPLETION_GRAPH)["figure"]["data"][0]["y"]
    assert histogram == [row["views"] for row in expected["completion"]["histogram"]]
    devices = _by_id(body, ids.TITLE_DEVICES_GRAPH)["figure"]["data"][0]
    assert devices["y"] == [row["value"] for row in expected["devices"]] == ["iPad"]
    episodes = str(_by_id(body, ids.TITLE_EPISODES)["children"])
    first = expected["seasons"][0]["episodes"][0]
    assert first["title"] in episodes and f"({first['next_viewers']:,})" in episodes
    # The overview is back without a title; an unknown one says so.
    assert _view(dash_api)[ids.OVERVIEW]["hidden"] is False
    missing = _view(dash_api, title="No Such Title")
    assert "No events have the title" in missing[ids.TITLE_ERROR]["children"]


def test_a_show_s_binge_card_shows_the_route_s_share_and_funnel(client, dash_api, show, movie):
    expected = client.get(f"/data/title/?series={quote(show)}&market=NO").get_json()
    body = _view(dash_api, series=show, market=["NO"])[ids.TITLE_BODY]["children"]
    card = str(_by_id(body, ids.TITLE_BINGE))
    share = expected["binge"]["share"]
    assert f"{share * 100:.1f} %" in card and f"{expected['binge']['viewers']:,} viewers" in card
    season = expected["funnel"][0]
    assert f"Season {season['season']}: {season['starters']:,} started episode 1" in card
    for episode in season["episodes"]:
        assert f"{episode['reached_90'] * 100:.1f} %" in card
    movie_body = _view(dash_api, title=movie)[ids.TITLE_BODY]["children"]
    assert _by_id(movie_body, ids.TITLE_BINGE)["children"] is None  # a movie is no show


def test_the_next_card_shows_the_route_s_titles_and_shares(client, dash_api, show, movie):
    for state, query in (
        ({"series": show}, f"series={quote(show)}"),
        ({"title": movie}, f"title={quote(movie)}"),
    ):
        expected = client.get(f"/data/title/?{query}&market=NO").get_json()["next"]
        body = _view(dash_api, market=["NO"], **state)[ids.TITLE_BODY]["children"]
        card = str(_by_id(body, ids.TITLE_NEXT))
        assert expected["finishers"] and expected["titles"], "demo finishers go on"
        assert f"Of its {expected['finishers']:,} finishers" in card
        for entry in expected["titles"]:
            assert entry["title"] in card and f"{entry['share'] * 100:.1f} %" in card
        assert f"{expected['nothing_within_24h'] * 100:.1f} %" in card


def test_the_title_picker_finds_titles_and_shows(dash_api, show):
    typed = show[:6].lower()
    sent = {f"{ids.TITLE_PICKER}.search_value": typed, f"{ids.TITLE_PICKER}.value": None}
    options = dash_api.response(ids.TITLE_PICKER, "options", sent)[ids.TITLE_PICKER]["options"]
    values = [option["value"] for option in options]
    assert values[0] == f"series:{show}"  # the most viewed of those starting with it
    assert all(typed in value.lower() for value in values)
    assert any(value.startswith(f"title:{show}, ") for value in values)
    # Nothing typed: the most viewed; a chosen value stays listed.
    sent = {f"{ids.TITLE_PICKER}.search_value": "", f"{ids.TITLE_PICKER}.value": "title:Gone"}
    options = dash_api.response(ids.TITLE_PICKER, "options", sent)[ids.TITLE_PICKER]["options"]
    assert len(options) == 31 and options[-1] == {"label": "Gone", "value": "title:Gone"}


def test_the_top10_panel_shows_the_route_s_list_with_links(client, dash_api):
    state = _state(top10="SERIES", week="2025-06-02", device=["iPad"])
    # Not drawn before the card comes near the window.
    assert dash_api.post(ids.TOP10_TABLE, "children", {STATE_KEY: state}).status_code == 204
    table = dash_api.response(ids.TOP10_TABLE, "children", {STATE_KEY: state, NEAR: True})
    text = str(table[ids.TOP10_TABLE]["children"])
    expected = client.get("/data/top10/?week=2025-06-02&sessiontype=SERIES&device=iPad").get_json()
    assert expected and all(entry["title"] in text for entry in expected)
    assert "/?device=iPad&week=2025-06-02&top10=SERIES&series=" in text  # a season opens its show
    name, rows = _csv(dash_api, ids.TOP10_DOWNLOAD, ids.TOP10_CSV_BUTTON, state)
    assert name == "top10_series_2025-06-02.csv"
    assert [row["title"] for row in rows] == [entry["title"] for entry in expected]
    assert {row["week"] for row in rows} == {"2025-06-02"}
    # The latest complete week by default, and every week of the data to choose from.
    latest = dash_api.response(ids.TOP10_TABLE, "children", {STATE_KEY: _state(), NEAR: True})
    assert "Week of 22 Dec 2025" in str(latest[ids.TOP10_TABLE]["children"])
    weeks = dash_api.response(ids.TOP10_WEEK, "options", {})[ids.TOP10_WEEK]["options"]
    assert weeks[0]["value"] == "latest" and weeks[1]["value"] == "2025-12-29"
    assert weeks[-1]["value"] == "2024-12-30"


def test_retention_and_lifecycle_cards_show_the_routes_numbers(client, dash_api):
    state = _state(resolution="monthly", market=["NO"])
    sent = {STATE_KEY: state, f"{ids.THEME_SWITCH}.value": True, NEAR: True}
    assert dash_api.post(ids.RETENTION_TABLE, "children", {STATE_KEY: state}).status_code == 204
    assert dash_api.post(ids.LIFECYCLE_GRAPH, "figure", {STATE_KEY: state}).status_code == 204
    retention = dash_api.response(ids.RETENTION_TABLE, "children", sent)
    expected = client.get("/data/retention/?resolution=monthly&market=NO").get_json()
    table = str(retention[ids.RETENTION_TABLE]["children"])
    for cohort in expected:
        assert f"{cohort['size']:,}" in table
        last = len(cohort["retained"]) - 1
        users = cohort["retained"][last]
        assert f"month +{last}: {users / cohort['size'] * 100:.1f} % ({users:,} of" in table
    lifecycle = dash_api.response(ids.LIFECYCLE_GRAPH, "figure", sent)[ids.LIFECYCLE_GRAPH]
    rows = client.get("/data/lifecycle/?resolution=monthly&market=NO").get_json()
    dormant = next(t for t in lifecycle["figure"]["data"] if t["name"] == "Dormant")
    assert dormant["y"] == [-row["dormant"] for row in rows]
    name, csv_rows = _csv(dash_api, ids.RETENTION_DOWNLOAD, ids.RETENTION_CSV_BUTTON, state)
    assert name == "retention_monthly.csv"
    assert len(csv_rows) == sum(len(c["retained"]) for c in expected)
    name, csv_rows = _csv(dash_api, ids.LIFECYCLE_DOWNLOAD, ids.LIFECYCLE_CSV_BUTTON, state)
    assert [int(row["new"]) for row in csv_rows] == [row["new"] for row in rows]
    # A daily page groups its cohorts by week.
    daily = dash_api.response(ids.RETENTION_TABLE, "children", {STATE_KEY: _state(), NEAR: True})
    assert "week" in str(daily[ids.RETENTION_SUBTITLE]["children"])


def test_the_title_csv_has_its_numbers_per_period(client, dash_api, movie):
    state = _state(title=movie, resolution="weekly")
    name, rows = _csv(dash_api, ids.TITLE_DOWNLOAD, ids.TITLE_CSV_BUTTON, state)
    expected = client.get(f"/data/title/?title={quote(movie)}&resolution=weekly").get_json()
    slug = "-".join(movie.lower().replace("'", " ").split())
    assert name == f"title-{slug}_weekly.csv"
    assert [int(row["unique_viewers"]) for row in rows] == [
        row["unique_viewers"] for row in expected["timeseries"]
    ]


def test_a_range_too_long_to_draw_is_a_short_message_in_the_chart(dash_api):
    """A link to 0001..9999 by month: the JSON routes serve its 119,988 periods, the page's
    charts refuse them in a line (the figures were 10 MB and froze the tab)."""
    state = _state(start="0001-01-01", end="9999-12-31", resolution="monthly")
    sent = {STATE_KEY: state, f"{ids.THEME_SWITCH}.value": True, NEAR: True}
    for graph in (ids.CHART1_GRAPH, ids.LIFECYCLE_GRAPH):
        answer = dash_api.post(graph, "figure", sent)
        assert answer.status_code == 200 and len(answer.get_data()) < 20_000
        figure = answer.get_json()["response"][graph]["figure"]
        message = figure["layout"]["annotations"][0]["text"]
        assert message.startswith("Invalid input: the chart would draw 119,988 monthly periods")
    # A long range that fits is drawn: 27 years of days.
    fits = _state(start="2000-01-01", end="2025-12-31", resolution="daily")
    answer = dash_api.response(ids.CHART1_GRAPH, "figure", {**sent, STATE_KEY: fits})
    assert len(answer[ids.CHART1_GRAPH]["figure"]["data"][0]["x"]) == 9497
