"""The page in a tall window (issue 20): the toplist keeps its height when the page grows a
scrollbar as the cards below it load, so its bars never run under the next card."""

from __future__ import annotations

import pytest

from layouts import ids
from layouts.figures import toplist_height
from tests.browser.test_dashboard import wait_ready, wait_until

# The toplist's box, its chart and bars, and the "Not listed" line under it, once Plotly has
# resized the chart (Plots.resize drops the figure's height from gd.layout: the moment the box
# of height "auto" used to collapse to 0 px).
TOPLIST_JS = """
const box = document.getElementById(arguments[0]);
const gd = box && box.querySelector('.js-plotly-plot');
const svg = box && box.querySelector('.main-svg');
const bars = box ? Array.from(box.querySelectorAll('.bars .point path')) : [];
const note = document.getElementById(arguments[1]);
const scrollbar = window.innerWidth - document.documentElement.clientWidth;
if (!gd || !gd.layout || gd.layout.height || !svg || !bars.length || !note.textContent
    || !scrollbar) {
  return null;
}
const rect = (element) => element.getBoundingClientRect();
return {box: rect(box).height, chart: rect(svg).height, bars: bars.length,
        boxBottom: rect(box).bottom, lastBar: Math.max(...bars.map((b) => rect(b).bottom)),
        note: rect(note).top, window: window.innerHeight};
"""


@pytest.mark.parametrize("height", [2200, 2400])
def test_the_toplist_keeps_its_height_in_a_tall_window(make_app, start_app, height):
    duo = start_app(make_app())
    duo.driver.set_window_size(1400, height)
    for load in range(2):
        duo.driver.get(duo.server_url)
        wait_ready(duo)
        shown = wait_until(
            lambda: duo.driver.execute_script(TOPLIST_JS, ids.TOPLIST_GRAPH, ids.TOPLIST_NOTE),
            f"the toplist resized after the page grew a scrollbar (load {load + 1})",
        )
        assert shown["window"] > 2000  # tall enough that the page first fits without one
        assert shown["bars"] == 10
        # The box is as tall as its chart (it was 0 px under a 316 px chart) ...
        assert shown["box"] == shown["chart"] == toplist_height(10) == 316, shown
        # ... so the "Not listed" line comes after the box and after the last bar.
        assert shown["note"] >= shown["boxBottom"] > shown["lastBar"], shown
    assert duo.get_logs() == []
