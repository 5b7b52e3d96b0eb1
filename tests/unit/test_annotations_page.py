"""Annotations on the page without a browser: their marks on a time chart, the list, the
premieres toggle in the URL, and the callbacks that load them for the charts."""

from __future__ import annotations

import json

from callbacks.state import ViewState, from_query
from layouts import ids
from layouts.annotations import DELETE_TYPE, EDIT_TYPE, annotation_list, with_annotations
from layouts.figures import message_figure
from layouts.timeseries import Line, timeseries_figure
from testkit.dash_client import DashCallbacks
from tests.unit.callback_support import STATE_KEY, _state

HTML_TEXT = '<a href="http://evil.example">x</a> %{y} & <b>b</b>'
DAY = {"id": 1, "start": "2025-03-10", "end": "2025-03-10", "text": HTML_TEXT, "automatic": False}
RANGE = {**DAY, "id": 2, "start": "2025-03-12", "end": "2025-03-14", "text": "sale"}
AUTO = {**DAY, "id": "auto-1", "text": "Premiere: X", "automatic": True, "kind": "premiere"}


def _figure() -> dict:
    dates = [f"2025-03-{day:02d}" for day in range(1, 21)]
    return timeseries_figure(dates, [Line(None, list(range(20)))], "views", "daily", False)


def test_a_day_is_a_line_a_range_a_band_and_the_text_is_on_hover_literally():
    figure = _figure()
    drawn = with_annotations(figure, [DAY, RANGE, AUTO, "junk", {"start": 5}])
    assert figure["data"] != drawn["data"]  # the figure given is left as it was
    shapes = drawn["layout"]["shapes"][len(figure["layout"].get("shapes") or []) :]
    assert [(s["type"], s["x0"], s["x1"]) for s in shapes] == [
        ("line", "2025-03-10", "2025-03-10"),
        ("rect", "2025-03-11 12:00", "2025-03-14 12:00"),  # each day's point inside
        ("line", "2025-03-10", "2025-03-10"),
    ]
    written, automatic = drawn["data"][-2:]
    assert written["x"] == ["2025-03-10", "2025-03-12"] and automatic["x"] == ["2025-03-10"]
    assert written["marker"]["color"] != automatic["marker"]["color"]
    assert "&lt;a href" in written["text"][0] and "<a" not in written["text"][0]
    assert "&#37;{y}" in written["text"][0]
    assert drawn["layout"]["yaxis9"]["visible"] is False
    # Nothing to draw, or no chart: unchanged.
    assert with_annotations(figure, []) is figure
    message = message_figure("No data", False)
    assert with_annotations(message, [DAY]) is message


def _texts(node) -> list:
    found = []

    def walk(item):
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, list | tuple):
            for child in item:
                walk(child)
        elif hasattr(item, "children"):
            walk(item.children)

    walk(node)
    return found


def _ids(node) -> list:
    found = []

    def walk(item):
        if isinstance(item, list | tuple):
            for child in item:
                walk(child)
        elif hasattr(item, "children"):
            if getattr(item, "id", None) is not None:
                found.append(item.id)
            walk(item.children)

    walk(node)
    return found


def test_the_list_shows_text_literally_with_buttons_only_where_allowed():
    items = [
        {**DAY, "author": "ann", "filters": {"market": ["SE"]}, "editable": True},
        {**RANGE, "author": "bob", "filters": {}, "editable": False},
        {**AUTO, "views": 25, "filters": {}, "editable": False},
    ]
    shown = annotation_list(items)
    texts = _texts(shown)
    assert HTML_TEXT in texts and "sale" in texts
    assert "2025-03-12 – 2025-03-14 · by bob" in texts
    assert "2025-03-10 · by ann · market = SE" in texts
    assert "2025-03-10 · 25 views in its first 7 days" in texts
    buttons = [i for i in _ids(shown) if isinstance(i, dict)]
    assert buttons == [{"type": EDIT_TYPE, "index": 1}, {"type": DELETE_TYPE, "index": 1}]
    assert "No annotations in these dates." in _texts(annotation_list([]))


def test_the_premieres_toggle_is_kept_in_the_url():
    assert ViewState().premieres is True and "premieres" not in ViewState().query()
    hidden = ViewState(premieres=False)
    assert hidden.query() == "?premieres=hide"
    assert from_query(hidden.query()) == (hidden, [])
    state, notices = from_query("?premieres=maybe")
    assert state.premieres is True and "premieres must be show or hide" in notices[0]


def test_the_charts_draw_what_the_load_callback_lists(app):
    client = app.server.test_client()
    made = client.post(
        "/data/annotations/", json={"start": "2025-03-12", "end": "2025-03-14", "text": "sale"}
    )
    assert made.status_code == 201
    dash = DashCallbacks.for_flask(client)
    state = _state(start="2025-03-01", end="2025-03-31")
    loaded = dash.response(
        ids.ANNOTATIONS, "data", {STATE_KEY: state, f"{ids.ANNOTATIONS_CHANGED}.data": 0}
    )
    items = loaded[ids.ANNOTATIONS]["data"]
    assert [(i["text"], i["editable"]) for i in items] == [("sale", True)]
    assert "sale" in json.dumps(loaded[ids.ANNOTATION_LIST]["children"])
    chart = dash.response(
        ids.CHART1_GRAPH,
        "figure",
        {STATE_KEY: state, f"{ids.THEME_SWITCH}.value": False, f"{ids.ANNOTATIONS}.data": items},
    )
    figure = chart[ids.CHART1_GRAPH]["figure"]
    assert {"type": "rect", "x0": "2025-03-11 12:00", "x1": "2025-03-14 12:00"}.items() <= (
        figure["layout"]["shapes"][-1].items()
    )
    # The lifecycle chart and a title's time chart draw them too.
    lifecycle = dash.response(
        ids.LIFECYCLE_GRAPH,
        "figure",
        {STATE_KEY: state, f"{ids.BELOW_FOLD}.data": True, f"{ids.ANNOTATIONS}.data": items},
    )
    assert "2025-03-11 12:00" in json.dumps(
        lifecycle[ids.LIFECYCLE_GRAPH]["figure"]["layout"]["shapes"]
    )
    shows = client.get("/data/toplist/?level=series&sessiontype=SERIES&num=1").json
    show = _state(start="2025-03-01", end="2025-03-31", series=shows[0]["title"])
    title = dash.response(
        ids.OVERVIEW, "hidden", {STATE_KEY: show, f"{ids.ANNOTATIONS}.data": items}
    )
    assert title[ids.TITLE_ERROR]["children"] is None, title[ids.TITLE_ERROR]
    assert '"x0": "2025-03-11 12:00"' in json.dumps(title[ids.TITLE_BODY]["children"])
    # Outside the view's dates, none; a forged list draws nothing and breaks nothing.
    later = _state(start="2025-04-01", end="2025-04-30")
    loaded = dash.response(ids.ANNOTATIONS, "data", {STATE_KEY: later})
    assert loaded[ids.ANNOTATIONS]["data"] == []
    forged = dash.response(
        ids.CHART1_GRAPH, "figure", {STATE_KEY: state, f"{ids.ANNOTATIONS}.data": {"x": 1}}
    )
    assert "Annotations" not in json.dumps(forged)
