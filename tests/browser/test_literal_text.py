"""Imported text that looks like markup, in real headless Chromium: titles, devices and markets
such as <a href=…> or <span style=…> show literally in every chart, legend and hover, in both
themes, on the overview (toplist, time charts, Top 10, lifecycle) and on a title's own view;
none draws a link or styled text, and a bar still opens the real title (issue 20, section 4)."""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urlparse

from selenium.webdriver.common.by import By

from layouts import ids
from tests.browser.test_analyst_page import _in_view, _point, _pointer
from tests.browser.test_dashboard import wait_ready, wait_until
from tests.unit.markup_support import EPISODES, HOSTILE, LINK, SHOW, import_hostile_events

# What Plotly would draw as an element of its own if it read the markup: a link's, a span's
# and a <b>'s text. Shown literally, each is only a part of a longer text.
INNER = ["CLICK HERE to renew", "BIG", "bold", "Season pass", "Pilot"]
DARK_TEXT = "#e2e8f0"  # layouts/figures.THEMES["dark"]["text"]

# Per chart: the text of every SVG text element (ticks, legend, hover labels, annotations).
TEXTS_JS = """
const texts = {};
for (const gd of document.querySelectorAll('.js-plotly-plot')) {
  const id = gd.closest('[id]') && gd.closest('[id]').id;
  texts[id] = Array.from(gd.querySelectorAll('text')).map(t => t.textContent);
}
return texts;
"""
# What markup from data would have made: links and styled text in any chart, anywhere on the
# page an element whose whole text is what was inside a tag, an element styled 80px or red.
MARKUP_JS = """
const inner = arguments[0];
const plots = Array.from(document.querySelectorAll('.js-plotly-plot'));
const found = [];
for (const gd of plots) {
  for (const a of gd.querySelectorAll('a')) found.push('link: ' + a.outerHTML);
  for (const e of gd.querySelectorAll('[style]')) {
    const style = e.getAttribute('style').replace(/\\s/g, '');
    if (style.includes('80px') || style.includes(':red')) found.push('styled: ' + e.outerHTML);
  }
}
for (const e of document.body.querySelectorAll('*')) {
  if (e.children.length === 0 && inner.includes(e.textContent.trim())) {
    found.push('element: ' + e.outerHTML);
  }
}
for (const a of document.querySelectorAll('a[href]')) {
  // The Top 10's and the panel's links name a title or value in their own query string.
  const named = a.closest('#top10-table') || a.closest('#morning-panel');
  if (a.getAttribute('href').includes('evil.example') && !(named && a.getAttribute('href')
      .startsWith('/?') && a.children.length === 0)) {
    found.push('href: ' + a.outerHTML);
  }
}
return found;
"""
FONT_COLORS_JS = """
return Array.from(document.querySelectorAll('.js-plotly-plot'))
  .filter(gd => gd.offsetParent !== null && gd.layout && gd.layout.font)  // drawn, not blank
  .map(gd => gd.layout.font.color);
"""
HOVER_JS = """
const h = document.querySelector('#' + arguments[0] + ' .hoverlayer');
return h ? h.textContent : '';
"""
CUSTOMDATA_JS = """
const gd = document.querySelector('#toplist-graph .js-plotly-plot');
return gd && gd.data && gd.data[0] && gd.data[0].customdata ? gd.data[0].customdata : [];
"""
TOP10_LINKS_JS = """
return Array.from(document.querySelectorAll('#top10-table tbody tr a'))
  .map(a => [a.textContent, a.getAttribute('href'), a.children.length]);
"""


def _start(make_app, start_app, tmp_path, path: str):
    """The app over nothing but the hostile events, imported by the real import-events."""
    app = make_app()
    import_hostile_events(app, tmp_path)
    duo = start_app(app, path)
    wait_ready(duo)
    return app, duo


def _no_markup(duo) -> None:
    found = duo.driver.execute_script(MARKUP_JS, INNER)
    assert found == [], found


def _texts(duo, graph: str, wanted: list[str]) -> list[str]:
    """The chart's SVG texts once each wanted value shows among them whole."""
    return wait_until(
        lambda: (
            (texts := duo.driver.execute_script(TEXTS_JS).get(graph))
            and all(value in texts for value in wanted)
            and texts
        ),
        f"{wanted} shown literally on {graph}",
    )


def _hover(duo, graph: str, element, x_share: float = 0.5, y_share: float = 0.5) -> str:
    """Move the pointer over a part of a chart, as a reader does; the hover label's text."""
    actions = _pointer(duo)
    actions.pointer_action.move_to_location(1, 1)  # off the chart: no label left from before
    actions.perform()
    wait_until(lambda: not duo.driver.execute_script(HOVER_JS, graph), "no hover label")
    actions = _pointer(duo)
    actions.pointer_action.move_to_location(*_point(duo, element, x_share, y_share))
    actions.perform()
    return wait_until(lambda: duo.driver.execute_script(HOVER_JS, graph), f"{graph}'s hover")


def _dark(duo) -> None:
    duo.find_element(f"#{ids.THEME_SWITCH}").click()
    wait_until(
        lambda: set(duo.driver.execute_script(FONT_COLORS_JS)) == {DARK_TEXT},
        "every chart drawn dark",
    )


def _check_overview(duo, breakdown: str) -> None:
    """Every chart of the overview shows the values literally, hovers included."""
    for graph in (ids.CHART1_GRAPH, ids.CHART2_GRAPH):
        _texts(duo, graph, HOSTILE)  # the legend: one line per device or market
    _texts(duo, ids.TOPLIST_GRAPH, HOSTILE)  # the axis: one bar per title
    drag = _in_view(duo, duo.find_element(f"#{ids.CHART1_GRAPH} .nsewdrag"))
    hover = _hover(duo, ids.CHART1_GRAPH, drag, 0.5, 0.9)
    assert all(f"{value}: " in hover for value in HOSTILE), (breakdown, hover)
    _no_markup(duo)
    # The Since yesterday panel names the values as text, in links to their own filter.
    panel = wait_until(lambda: duo.find_element(f"#{ids.PANEL_BODY}").text, "the panel")
    assert f"{LINK}: " in panel, panel
    rank = [row[0] for row in duo.driver.execute_script(CUSTOMDATA_JS)].index(LINK)
    bar = duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.TOPLIST_GRAPH} .bars .point path")
    hover = _hover(duo, ids.TOPLIST_GRAPH, _in_view(duo, bar[rank]))
    assert hover.startswith(f"#{rank + 1} {LINK}") and "views" in hover, hover
    _no_markup(duo)
    # The Top 10 (a table, drawn when scrolled to) names each title as text in its link.
    _in_view(duo, duo.find_element(f"#{ids.TOP10_TABLE}"))
    links = wait_until(lambda: duo.driver.execute_script(TOP10_LINKS_JS), "the Top 10")
    assert sorted(text for text, _, _ in links) == sorted(HOSTILE)
    assert all(href.startswith("/?") and not children for _, href, children in links), links
    for text, href, _ in links:
        assert parse_qs(urlparse(href).query)["title"] == [text]
    # The lifecycle chart below: drawn too, with no markup in it.
    _in_view(duo, duo.find_element(f"#{ids.LIFECYCLE_GRAPH}"))
    _texts(duo, ids.LIFECYCLE_GRAPH, ["New", "Dormant"])
    _no_markup(duo)


def test_overview_shows_markup_from_data_literally_in_both_themes(make_app, start_app, tmp_path):
    _app, duo = _start(make_app, start_app, tmp_path, "/?breakdown=device")
    _check_overview(duo, "device")
    duo.driver.get(duo.server_url + "/?breakdown=market")
    wait_ready(duo)
    _dark(duo)
    _check_overview(duo, "market")
    duo.driver.execute_script("window.scrollTo(0, 0);")
    duo.driver.save_screenshot(str(tmp_path / "overview-dark.png"))
    assert duo.get_logs() == []


def test_a_bar_opens_the_real_title_whose_view_shows_every_value_literally(
    make_app, start_app, tmp_path
):
    _app, duo = _start(make_app, start_app, tmp_path, "/")
    rank = [row[0] for row in duo.driver.execute_script(CUSTOMDATA_JS)].index(LINK)
    bar = duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.TOPLIST_GRAPH} .bars .point path")
    actions = _pointer(duo)  # Plotly's drag layer takes the pointer: click where the bar is
    actions.pointer_action.move_to_location(*_point(duo, _in_view(duo, bar[rank]), 0.5))
    actions.pointer_action.click()
    actions.perform()
    # The click opens the title itself (read from the bar's customdata), not its shown text.
    wait_until(
        lambda: parse_qs(urlparse(duo.driver.current_url).query).get("title") == [LINK],
        "the title's own URL",
    )
    wait_until(lambda: duo.find_element(f"#{ids.TITLE_HEADING}").text == LINK, "the heading")
    for dark in (False, True):
        if dark:
            _dark(duo)
        for graph in (ids.TITLE_DEVICES_GRAPH, ids.TITLE_MARKETS_GRAPH):
            _texts(duo, graph, HOSTILE)
        _texts(duo, ids.TITLE_TIME_GRAPH, ["Unique viewers", "Hours watched"])
        _no_markup(duo)
        bars = duo.driver.find_elements(
            By.CSS_SELECTOR, f"#{ids.TITLE_DEVICES_GRAPH} .bars .point path"
        )
        hover = _hover(duo, ids.TITLE_DEVICES_GRAPH, _in_view(duo, bars[0]))
        assert any(hover.startswith(f"{value}: ") for value in HOSTILE), hover
        _no_markup(duo)
    assert duo.driver.title == f"{LINK} · Reelboard"
    # A show's view: its episodes table (Dash's own components) names each episode as text.
    duo.driver.get(duo.server_url + "/?series=" + quote(SHOW))
    wait_until(lambda: duo.find_element(f"#{ids.TITLE_HEADING}").text == SHOW, "the show")
    cells = wait_until(
        lambda: [
            cell.text
            for cell in duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.TITLE_EPISODES} td")
        ],
        "the episodes table",
    )
    assert all(episode in cells for episode in EPISODES), cells
    _texts(duo, ids.TITLE_DEVICES_GRAPH, HOSTILE[:4])
    _no_markup(duo)
    duo.driver.save_screenshot(str(tmp_path / "show-dark.png"))
    assert duo.get_logs() == []
