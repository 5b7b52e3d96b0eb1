"""Text from data is drawn literally by Plotly (issue 20, section 4): plot_text, each figure
builder that takes text from data, and the callbacks that build figures over imported markup."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from layouts import figures, ids, title_figures
from layouts.plot_text import plot_text
from layouts.timeseries import Line, timeseries_figure
from testkit.dash_client import DashCallbacks
from tests.unit.callback_support import STATE_KEY, _state
from tests.unit.markup_support import (
    HOSTILE,
    LINK,
    fill,
    import_hostile_events,
    markup_drawn,
    plotly_draws,
    shown_texts,
)
from tests.unit.test_title_page import _by_id


def test_plot_text_writes_markup_templates_and_entities_as_entities():
    assert plot_text(LINK) == (
        '&lt;a href="https://evil.example/phish"&gt;CLICK HERE to renew&lt;/a&gt;'
    )
    assert plot_text("%{y}") == "&#37;{y}"
    assert plot_text("&amp;") == "&amp;amp;"
    assert plot_text("Tom & Jerry: 100 % <3") == "Tom &amp; Jerry: 100 &#37; &lt;3"
    assert plot_text("Blåbær, «Ø» ©") == "Blåbær, «Ø» ©"  # nothing else changes


def test_the_port_of_plotly_acts_on_the_markup_it_should():
    # The reading the tests below rely on: raw, each value is drawn as Plotly's markup.
    assert plotly_draws(LINK) == ("CLICK HERE to renew", ["a", "/a"])
    assert plotly_draws(HOSTILE[1]) == ("BIG", ["span", "/span"])
    assert plotly_draws("&amp;") == ("&", [])
    assert fill("%{y}", lambda key: "7") == "7"
    assert markup_drawn({"data": [{"name": "<b>bold</b>"}]}) != []
    assert markup_drawn({"data": [{"name": "%{y}"}]}) != []  # filled when the figure has meta


@given(st.text(st.characters(blacklist_characters="\r\n"), max_size=60))
def test_plotly_shows_any_text_through_plot_text_as_it_is(text):
    shown = plot_text(text)
    assert plotly_draws(shown) == (text, [])
    assert fill(shown, lambda key: "filled") == shown  # no template left to fill


def _clean(figure: dict) -> list[str]:
    """The characters Plotly shows of the figure, once it is checked to draw no data markup."""
    problems = markup_drawn(figure)
    assert problems == [], problems
    return shown_texts(figure)


@pytest.mark.parametrize("dark", [False, True])
def test_the_toplist_shows_titles_literally_and_clicks_open_the_title_itself(dark):
    rows = [
        {"title": title, "values": 10 - rank, "pick": f"title:{title}", "unique_viewers": 3,
         "hours": 1.5}
        for rank, title in enumerate(HOSTILE)
    ]  # fmt: skip
    figure = figures.toplist_figure(rows, dark)
    shown = _clean(figure)
    trace = figure["data"][0]
    assert [text for text in shown if text in HOSTILE] == HOSTILE  # the axis, one per bar
    for rank, title in enumerate(HOSTILE):
        assert any(text.startswith(f"#{rank + 1} {title}") for text in shown)  # the hover
    # What the page cuts labels from and what a click opens stay the titles as they are.
    assert [row[0] for row in trace["customdata"]] == HOSTILE
    assert [row[2] for row in trace["customdata"]] == [f"title:{title}" for title in HOSTILE]


def test_a_long_title_is_cut_before_it_is_made_literal():
    title = "&" * 100
    label = figures.toplist_figure([{"title": title, "values": 1}], False)["layout"]["yaxis"][
        "ticktext"
    ][0]
    assert plotly_draws(label) == (figures.short_title(title), [])


@pytest.mark.parametrize("dark", [False, True])
def test_time_charts_name_their_groups_literally(dark):
    dates = ["2025-03-03", "2025-03-10"]
    lines = [Line(name, [5, 6], slot) for slot, name in enumerate(HOSTILE)]
    for metric in ("unique_users", "minutes_watched"):
        figure = timeseries_figure(dates, lines, metric, "weekly", dark, partial=[False, True])
        shown = _clean(figure)
        names = [trace["name"] for trace in figure["data"]]
        assert [plotly_draws(name)[0] for name in names] == HOSTILE  # the legend
        for name in HOSTILE:  # the unified hover, a line per group
            assert any(text.startswith(f"{name}: ") for text in shown)
        assert any("(partial period)" in text for text in shown)  # its own markup still drawn


@pytest.mark.parametrize("dark", [False, True])
def test_a_title_s_devices_and_markets_are_named_literally(dark):
    values = [{"value": value, "views": 10 - n} for n, value in enumerate(HOSTILE)]
    figure = title_figures.shares_figure(values, "views", dark)
    shown = _clean(figure)
    assert [plotly_draws(y)[0] for y in figure["data"][0]["y"]] == HOSTILE  # the axis
    assert figure["layout"]["yaxis"]["type"] == "category"
    for value in HOSTILE:
        assert any(text.startswith(f"{value}: ") for text in shown)  # the hover
    # A device named like a number is still a name on its own bar.
    numeric = title_figures.shares_figure([{"value": "2", "views": 1}], "views", dark)
    assert numeric["layout"]["yaxis"]["type"] == "category"


def test_a_message_quoting_input_is_shown_literally():
    figure = figures.message_figure(f"Invalid input: unknown value {LINK}", False, error=True)
    assert _clean(figure) == [f"Invalid input: unknown value {LINK}"]


@pytest.fixture
def hostile_api(make_app, tmp_path) -> DashCallbacks:
    """The page's callbacks over only the hostile events, imported by the real import-events."""
    app = make_app()
    import_hostile_events(app, tmp_path)
    return DashCallbacks.for_flask(app.server.test_client())


def _figure(api, graph: str, dark: bool = False, **state) -> dict:
    sent = {STATE_KEY: _state(**state), f"{ids.THEME_SWITCH}.value": dark}
    return api.response(graph, "figure", sent)[graph]["figure"]


@pytest.mark.parametrize("breakdown", ["device", "market"])
def test_the_overview_callbacks_draw_imported_markup_literally(hostile_api, breakdown):
    for graph in (ids.CHART1_GRAPH, ids.CHART2_GRAPH):
        figure = _figure(hostile_api, graph, dark=breakdown == "market", breakdown=breakdown)
        _clean(figure)
        names = [plotly_draws(trace["name"])[0] for trace in figure["data"]]
        assert sorted(names) == sorted(HOSTILE)
    toplist = _figure(hostile_api, ids.TOPLIST_GRAPH)
    assert set(HOSTILE) <= set(_clean(toplist))
    assert set(HOSTILE) <= {row[0] for row in toplist["data"][0]["customdata"]}


def test_the_title_view_callback_draws_imported_markup_literally(hostile_api):
    sent = {STATE_KEY: _state(title=LINK), f"{ids.THEME_SWITCH}.value": True}
    view = hostile_api.response(ids.OVERVIEW, "hidden", sent)
    assert view[ids.TITLE_HEADING]["children"] == LINK  # a Dash component: text as it is
    body = view[ids.TITLE_BODY]["children"]
    for graph in (ids.TITLE_DEVICES_GRAPH, ids.TITLE_MARKETS_GRAPH):
        shown = _clean(_by_id(body, graph)["figure"])
        assert set(HOSTILE) <= set(shown)
    for graph in (ids.TITLE_TIME_GRAPH, ids.TITLE_COMPLETION_GRAPH):
        _clean(_by_id(body, graph)["figure"])
