"""What issue 20 saw only on the page, in real headless Chromium: a year of weeks labelled by
months that fit, a one-period range's previous value drawn, each group's previous line."""

from __future__ import annotations

from layouts import ids
from tests.browser.test_analyst_page import _start
from tests.browser.test_dashboard import data_route, wait_until

# The x labels a time chart shows, with their left and right edges.
XLABELS_JS = """
return Array.from(document.querySelectorAll('#' + arguments[0] + ' .xtick text')).map((t) => {
  const r = t.getBoundingClientRect();
  return [t.textContent, r.left, r.right];
});
"""
# Per drawn trace of a chart: its name, whether dashed, and how many markers it drew with a
# size (a line of one point draws no path; its marker is the only mark).
DRAWN_JS = """
const gd = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');
if (!gd || !gd.calcdata) return [];
return Array.from(gd.querySelectorAll('.scatterlayer .trace')).map((layer, i) => [
  gd.data[i].name, (gd.data[i].line || {}).dash === 'dash',
  Array.from(layer.querySelectorAll('.points path'))
    .filter((p) => p.getBBox().width > 0).length,
]);
"""


def test_a_year_of_weeks_shows_month_labels_that_fit(make_app, start_app):
    _, duo = _start(make_app, start_app, "?resolution=weekly")
    labels = wait_until(
        lambda: (
            (shown := duo.driver.execute_script(XLABELS_JS, ids.CHART1_GRAPH))
            and shown[0][0] == "6 Jan 2025"
            and shown
        ),
        "month labels on the weekly chart",
    )
    texts = [text for text, _, _ in labels]
    # At 1400 px two of four "Week of …" labels showed; now, in a third of the row (beside
    # minutes per viewer), every third month's first week.
    assert texts == ["6 Jan 2025", "7 Apr", "7 Jul", "6 Oct"]
    for (_, _, right), (_, left, _) in zip(labels, labels[1:], strict=False):
        assert right < left  # none overlaps the next
    assert duo.get_logs() == []


def test_a_one_period_range_shows_its_previous_value(make_app, start_app):
    query = {"resolution": "monthly", "start": "2025-10-01", "end": "2025-10-31"}
    app, duo = _start(
        make_app, start_app, "?resolution=monthly&start=2025-10-01&end=2025-10-31&compare=previous"
    )
    drawn = wait_until(
        lambda: [t for t in duo.driver.execute_script(DRAWN_JS, ids.CHART1_GRAPH) if t[1]],
        "the previous period's trace",
    )
    kpis = data_route(app, "/data/kpis/", compare="previous", **query)
    assert kpis["previous_range"] == {"start": "2025-09-01", "end": "2025-09-30"}
    assert drawn == [["Previous period (2025-09-01 – 2025-09-30)", True, 1]]  # one marker
    assert duo.get_logs() == []


def test_a_breakdown_draws_each_group_s_previous_line(make_app, start_app):
    _, duo = _start(
        make_app,
        start_app,
        "?resolution=weekly&start=2025-06-02&end=2025-06-29&breakdown=sessiontype&compare=previous",
    )
    drawn = wait_until(
        lambda: [t for t in duo.driver.execute_script(DRAWN_JS, ids.CHART1_GRAPH) if t[1]],
        "the groups' previous lines",
    )
    names = [name for name, _, _ in drawn]
    assert names[-1] == "Previous period (2025-05-05 – 2025-06-01)"  # the legend's key
    assert sorted(names[:-1]) == ["(none) (previous)", "MOVIE (previous)", "SERIES (previous)"]
    legend = duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('#' + arguments[0] + ' .legendtext'))"
        ".map((t) => t.textContent);",
        ids.CHART1_GRAPH,
    )
    # One entry per group (it shows and hides both of its lines), and the key.
    assert sorted(legend) == sorted(["SERIES", "MOVIE", "(none)", names[-1]])
    assert duo.get_logs() == []
