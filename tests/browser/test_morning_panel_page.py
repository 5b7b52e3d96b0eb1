"""The "Since yesterday" panel and the expected range in real headless Chromium: one page load
with bands=1, the panel's movers, the band behind the first chart, a mover's link setting the
page's filter."""

from __future__ import annotations

from selenium.webdriver.common.by import By

from layouts import ids
from layouts.band_traces import BAND_NAME
from tests.browser.test_analyst_page import TRACES_JS, _in_view, _start
from tests.browser.test_dashboard import wait_until

# The demo data ends on Wednesday 2025-12-31; the clock is the morning after.
NOW = "2026-01-01T09:00:00"
DEVICE = ids.DIMENSION_FILTERS["device"]


def test_the_panel_shows_and_the_band_is_drawn_behind_the_line(make_app, start_app):
    _, duo = _start(make_app, start_app, "?bands=1&start=2025-10-01", EVENTS_NOW=NOW)
    title = wait_until(
        lambda: (t := duo.find_element(f"#{ids.PANEL_TITLE}").text).startswith("Since") and t,
        "the panel's heading",
    )
    assert title.startswith("Since yesterday: Wednesday 31 December 2025")
    movers = wait_until(
        lambda: duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.PANEL_BODY} .rb-mover a"),
        "the movers' links",
    )
    kpis = duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.PANEL_BODY} .rb-panel-kpi")
    assert len(kpis) == 5 and all("usually" in k.text or "no usual" in k.text for k in kpis)
    traces = wait_until(
        lambda: duo.driver.execute_script(TRACES_JS, ids.CHART1_GRAPH), "the first chart"
    )
    assert [name for name, _, _ in traces][:2] == [f"{BAND_NAME} (low)", BAND_NAME]
    assert duo.find_element(f"#{ids.BANDS}").is_selected()
    # A device mover's link sets the device filter (and the URL), in the page.
    device = next(
        link
        for link in movers
        if "device=" in link.get_attribute("href") and "title=" not in link.get_attribute("href")
    )
    name = device.text.split(":")[0]
    _in_view(duo, device).click()
    wait_until(
        lambda: name in duo.find_element(f"#{DEVICE}").text, f"the device filter set to {name}"
    )
    assert "bands=1" in duo.driver.current_url and "device=" in duo.driver.current_url
    assert duo.get_logs() == []
