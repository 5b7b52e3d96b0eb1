"""The analyst's page in headless Chromium: live refresh after an import, loading, charts."""

from __future__ import annotations

import time
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from layouts import ids
from tests.browser.test_analyst_page import _in_view, _point, _pointer, _start
from tests.browser.test_dashboard import data_route, kpi_text, wait_ready, wait_until
from web import services

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
XTICKS_JS = """
return Array.from(document.querySelectorAll('#' + arguments[0] + ' .xtick text'))
  .map(t => t.textContent);
"""
# Every tick the figure offers (layout.meta.ticks): the page shows those whose labels fit.
ALL_TICKS_JS = """
const g = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');
return g && g.layout && g.layout.meta ? g.layout.meta.ticks.vals.length : 0;
"""
YTICKS_JS = """
return Array.from(document.querySelectorAll('#' + arguments[0] + ' .ytick text'))
  .map(t => t.textContent);
"""


def test_an_import_shows_on_the_open_page_within_15_seconds(make_app, start_app):
    app, duo = _start(make_app, start_app)
    before = kpi_text(duo, ids.KPI_VIEWS)
    updated = wait_until(lambda: duo.find_element(f"#{ids.UPDATED_AT}").text, "Updated HH:MM")
    assert updated.startswith("Updated ") and len(updated) == len("Updated 12:34")
    duo.find_element(f"#{ids.COMPARE}").click()  # a control the refresh must keep
    wait_until(lambda: "compare=previous" in duo.driver.current_url, "the compare toggle")
    result = app.server.test_cli_runner().invoke(
        args=["import-events", str(FIXTURES / "events_headerless.csv")]
    )
    assert result.exit_code == 0, result.output
    expected = data_route(app, "/data/kpis/")
    assert f"{expected['views']:,}" != before
    started = time.monotonic()
    wait_until(
        lambda: kpi_text(duo, ids.KPI_VIEWS) == f"{expected['views']:,}",
        "the imported views on the page",
        timeout=16,
    )
    assert time.monotonic() - started <= 15
    assert duo.find_element(f"#{ids.COMPARE}").is_selected()
    assert "compare=previous" in duo.driver.current_url
    assert "2017-01-01" in duo.find_element(f"#{ids.DATA_SUMMARY}").text
    assert duo.get_logs() == []


def test_a_hidden_tab_does_not_poll(make_app, start_app):
    app, duo = _start(make_app, start_app, LIVE_REFRESH_SECONDS=1)
    analytics = services.analytics(app.server)
    calls = []
    version = analytics.version
    analytics.version = lambda: calls.append(time.monotonic()) or version()
    main = duo.driver.current_window_handle
    duo.driver.switch_to.new_window("tab")  # the dashboard's tab is now hidden
    hidden = duo.driver.execute_script("return window.opener === null && document.visibilityState")
    assert hidden == "visible"  # the new tab is the visible one
    time.sleep(1.5)  # a check the timer fired just before the switch may still be on its way
    calls.clear()
    time.sleep(4)
    assert calls == []  # no check for 4 s, with a check a second when shown
    duo.driver.close()
    duo.driver.switch_to.window(main)
    wait_until(lambda: calls, "a check as soon as the tab shows again", timeout=2)
    calls.clear()
    wait_until(lambda: len(calls) >= 2, "a check a second again", timeout=4)
    assert duo.get_logs() == []


def test_slow_answers_show_a_spinner_over_the_old_numbers(make_app, start_app):
    app, duo = _start(make_app, start_app)
    analytics = services.analytics(app.server)
    kpis = analytics.kpis
    analytics.kpis = lambda filters=None: time.sleep(1.5) or kpis(filters)
    before = kpi_text(duo, ids.KPI_VIEWS)
    Select(duo.find_element(f"#{ids.RESOLUTION}")).select_by_value("weekly")
    duo.find_element(f"label[for='_dbcprivate_radioitems_{ids.SESSIONTYPE}_input_MOVIE']").click()
    spinner = wait_until(
        lambda: duo.driver.execute_script(
            "const v = document.getElementById('kpi-views');"
            "const faded = v.closest('.rb-loading');"
            "const box = faded.parentElement.closest('.rb-loading');"
            "const s = box && box.querySelector('.dash-spinner');"
            "return s ? [getComputedStyle(faded).opacity, v.textContent] : null;"
        ),
        "a spinner over the KPI cards",
    )
    opacity, shown = spinner
    assert float(opacity) < 1 and shown.replace("\n", "") == before  # old numbers, faded
    movies = data_route(app, "/data/kpis/", sessiontype="MOVIE")
    wait_until(lambda: kpi_text(duo, ids.KPI_VIEWS) == f"{movies['views']:,}", "new numbers")
    assert duo.get_logs() == []


def test_charts_read_right_on_short_ranges(make_app, start_app):
    app, duo = _start(make_app, start_app, "?start=2025-07-04&end=2025-07-04")
    assert duo.driver.execute_script(XTICKS_JS, ids.CHART1_GRAPH) == ["Fri 4 Jul 2025"]
    ticks = duo.driver.execute_script(YTICKS_JS, ids.CHART1_GRAPH)
    assert ticks and all("." not in tick for tick in ticks)  # whole users only

    duo.driver.get(
        duo.server_url + "/?resolution=weekly&start=2025-03-01&end=2025-03-31&sessiontype=SERIES"
    )
    wait_until(
        lambda: (
            duo.driver.execute_script(XTICKS_JS, ids.CHART1_GRAPH)[:1] == ["Week of 24 Feb 2025"]
        ),
        "week ticks",
    )
    duo.driver.get(duo.server_url + "/?resolution=monthly&start=2024-11-15&end=2025-02-10")
    wait_until(
        lambda: (
            duo.driver.execute_script(XTICKS_JS, ids.CHART1_GRAPH)
            == ["Nov 2024", "Dec 2024", "Jan 2025", "Feb 2025"]
        ),
        "month ticks",
    )
    no_data = duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('#chart1-graph .annotation-text'))"
        ".map(a => a.textContent)"
    )
    assert no_data == ["no data"]  # November and December 2024 are before the first event
    assert duo.get_logs() == []


def test_hover_follows_the_whole_line(make_app, start_app):
    _app, duo = _start(make_app, start_app, "?resolution=monthly")
    drag = _in_view(duo, duo.find_element(f"#{ids.CHART1_GRAPH} .nsewdrag"))
    # Between two months and high above the line: "closest" hover would show nothing here.
    actions = _pointer(duo)
    actions.pointer_action.move_to_location(*_point(duo, drag, 0.53, 0.05))
    actions.perform()
    label = wait_until(
        lambda: duo.driver.execute_script(
            "const h = document.querySelector('#chart1-graph .hoverlayer .legend');"
            "return h && h.textContent;"
        ),
        "the unified hover label",
    )
    assert "2025" in label


def test_full_titles_the_enter_key_and_a_closed_demo_notice(make_app, start_app):
    app, duo = _start(make_app, start_app, "?num=50")
    titles = [row["title"] for row in data_route(app, "/data/toplist/", num=50)]
    longest = max(titles, key=len)
    labels = duo.driver.execute_script(
        "return document.querySelector('#toplist-graph .js-plotly-plot').layout.yaxis.ticktext"
    )
    assert longest in labels  # whole at 1400 px
    notice = duo.find_element(f"#{ids.DEMO_NOTICE}")
    notice.find_element(By.CSS_SELECTOR, ".btn-close").click()
    wait_until(lambda: not duo.find_elements(f"#{ids.DEMO_NOTICE}"), "the notice closed")
    duo.driver.refresh()
    wait_ready(duo)
    time.sleep(0.5)
    assert not duo.find_elements(f"#{ids.DEMO_NOTICE}")  # stays closed in this browser
    assert duo.get_logs() == []


def test_on_a_phone_time_ticks_thin_out_instead_of_slanting(make_app, start_app):
    _app, duo = _start(make_app, start_app, "?start=2025-12-01&end=2025-12-31")
    duo.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True},
    )
    duo.driver.refresh()
    wait_ready(duo)
    wait_until(
        lambda: (
            1
            < len(duo.driver.execute_script(XTICKS_JS, ids.CHART1_GRAPH))
            < duo.driver.execute_script(ALL_TICKS_JS, ids.CHART1_GRAPH)
        ),
        "fewer ticks on a narrow chart",
    )
    slanted = duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('#chart1-graph .xtick text'))"
        ".some(t => (t.getAttribute('transform') || '').includes('rotate'))"
    )
    assert not slanted
    assert duo.driver.execute_script(XTICKS_JS, ids.CHART1_GRAPH)[0] == "1 Dec 2025"
    assert duo.get_logs() == []
