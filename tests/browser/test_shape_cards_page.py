"""Prime time and minutes per viewer in real headless Chromium: both cards follow the page's
range and filters, the heatmap its own metric, with the numbers of their /data routes."""

from __future__ import annotations

from selenium.webdriver.support.ui import Select

from layouts import ids
from tests.browser.test_analyst_page import _in_view, _start
from tests.browser.test_dashboard import data_route, wait_until

FIGURE_JS = """
const g = document.querySelector(`#${arguments[0]} .js-plotly-plot`);
return g && g.data && g.data.length ? g.data : null;
"""
# The cells Plotly drew: markers of the page's bundle (it has no heatmap trace: were the card a
# trace type the bundle lacks, the data would be there and nothing drawn).
DRAWN_JS = """
return document.querySelectorAll(`#${arguments[0]} .js-plotly-plot .scatterlayer .point`).length;
"""
RANGE = {"resolution": "weekly", "start": "2025-11-03", "end": "2025-12-31", "market": "NO"}


def _traces(duo, graph: str):
    return duo.driver.execute_script(FIGURE_JS, graph)


def test_the_heatmap_and_minutes_per_viewer(make_app, start_app):
    path = "/?" + "&".join(f"{key}={value}" for key, value in RANGE.items())
    app, duo = _start(make_app, start_app, path)
    spread = data_route(app, "/data/distribution/", **RANGE)
    medians = [p["p50"] for p in spread["periods"]]
    wait_until(
        lambda: (_traces(duo, ids.DISTRIBUTION_GRAPH) or [{}])[0].get("y") == medians,
        "the medians of /data/distribution/",
    )
    _in_view(duo, duo.find_element(f"#{ids.WHEN_GRAPH}"))
    dates = {k: v for k, v in RANGE.items() if k != "resolution"}
    for metric in ("views", "unique_users"):
        if metric != "views":
            Select(duo.find_element(f"#{ids.WHEN_METRIC}")).select_by_value(metric)
        cells = [c["value"] for c in data_route(app, "/data/when/", metric=metric, **dates)]
        wait_until(
            lambda cells=cells: (
                (_traces(duo, ids.WHEN_GRAPH) or [{"marker": {}}])[0]["marker"].get("color")
                == cells
            ),
            f"the {metric} of /data/when/",
        )
        assert duo.driver.execute_script(DRAWN_JS, ids.WHEN_GRAPH) == 7 * 24
    assert duo.get_logs() == []
