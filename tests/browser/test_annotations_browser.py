"""Annotations in real headless Chromium, one page load: one added through the card's form is
listed literally and drawn on both time charts, then edited into a range and deleted; the
premieres switch writes the URL."""

from __future__ import annotations

from layouts import ids
from tests.browser.test_analyst_page import _start
from tests.browser.test_dashboard import wait_until

TEXT = "<b>Launch</b> & %{y}"
# Per time chart: its annotation lines (x0) and how many annotation markers it drew.
MARKS_JS = """
const gd = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');
if (!gd || !gd.layout) return null;
const lines = (gd.layout.shapes || []).filter((s) => s.type === 'line').map((s) => s.x0);
const i = gd.data.findIndex((t) => t.name === 'Annotations');
const layer = i < 0 ? null : gd.querySelectorAll('.scatterlayer .trace')[i];
const drawn = layer ? layer.querySelectorAll('.points path').length : 0;
return [lines, drawn, i < 0 ? null : gd.data[i].text[0]];
"""
RECTS_JS = """
const gd = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');
return (gd.layout.shapes || []).filter((s) => s.type === 'rect' && s.opacity)
  .map((s) => [s.x0, s.x1]);
"""


def test_an_annotation_added_on_the_page_is_drawn_on_the_charts(make_app, start_app):
    _, duo = _start(make_app, start_app, "?start=2025-03-01&end=2025-03-31")
    duo.find_element(f"#{ids.ANNOTATION_START}").send_keys("2025-03-10")
    duo.find_element(f"#{ids.ANNOTATION_TEXT}").send_keys(TEXT)
    duo.find_element(f"#{ids.ANNOTATION_SAVE}").click()
    duo.wait_for_text_to_equal(f"#{ids.ANNOTATION_MESSAGE}", "Added.")
    for graph in (ids.CHART1_GRAPH, ids.CHART2_GRAPH):
        lines, drawn, text = wait_until(
            lambda graph=graph: (
                (marks := duo.driver.execute_script(MARKS_JS, graph)) and marks[1] and marks
            ),
            f"the annotation's marker on {graph}",
        )
        assert lines == ["2025-03-10"] and drawn == 1
        assert text == "2025-03-10: &lt;b&gt;Launch&lt;/b&gt; &amp; &#37;{y}"
    listed = duo.find_element(f"#{ids.ANNOTATION_LIST} .rb-annotation-text")
    assert listed.text == TEXT
    assert duo.find_element(f"#{ids.ANNOTATION_TEXT}").get_attribute("value") == ""
    # Edit it (the form fills in), then delete it: its marks go.
    duo.find_element(".rb-annotation-edit").click()
    wait_until(
        lambda: duo.find_element(f"#{ids.ANNOTATION_TEXT}").get_attribute("value") == TEXT,
        "the form filled with the annotation",
    )
    duo.find_element(f"#{ids.ANNOTATION_END}").send_keys("2025-03-12")
    duo.find_element(f"#{ids.ANNOTATION_SAVE}").click()
    duo.wait_for_text_to_equal(f"#{ids.ANNOTATION_MESSAGE}", "Saved.")
    band = [["2025-03-09 12:00", "2025-03-12 12:00"]]  # the days' points inside it
    wait_until(
        lambda: duo.driver.execute_script(RECTS_JS, ids.CHART1_GRAPH) == band, "the range's band"
    )
    duo.find_element(".rb-annotation-delete").click()
    duo.wait_for_text_to_equal(f"#{ids.ANNOTATION_MESSAGE}", "Deleted.")
    wait_until(lambda: duo.driver.execute_script(RECTS_JS, ids.CHART1_GRAPH) == [], "the band gone")
    # Hiding the premieres is kept in the URL, like the other controls.
    duo.find_element(f"label[for={ids.ANNOTATIONS_AUTO}]").click()
    wait_until(lambda: "premieres=hide" in duo.driver.current_url, "premieres=hide in the URL")
    assert duo.get_logs() == []
