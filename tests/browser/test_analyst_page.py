"""The analyst's page in real headless Chromium: filters, breakdowns, metrics, presets, zoom,
the comparison, live refresh after a real import, loading feedback and the chart fixes."""

from __future__ import annotations

import time
from pathlib import Path

from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from callbacks.charts import change
from layouts import ids
from tests.browser.test_dashboard import data_route, kpi_text, points, wait_ready, wait_until
from web import services

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
DEVICE = ids.DIMENSION_FILTERS["device"]
MARKET = ids.DIMENSION_FILTERS["market"]

TRACES_JS = """
const gd = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');
return gd && gd.data ? gd.data.map(t => [t.name, t.visible === undefined ? true : t.visible,
                                         t.line && t.line.dash]) : [];
"""
XTICKS_JS = """
return Array.from(document.querySelectorAll('#' + arguments[0] + ' .xtick text'))
  .map(t => t.textContent);
"""
YTICKS_JS = """
return Array.from(document.querySelectorAll('#' + arguments[0] + ' .ytick text'))
  .map(t => t.textContent);
"""


def _in_view(duo, element):
    """Scroll an element to the middle of the window: pointer actions do not scroll."""
    duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element
    )
    return element


def _point(duo, element, x_share: float, y_share: float = 0.5) -> tuple[int, int]:
    """Window coordinates of a point inside an element, as shares of its width and height."""
    left, top, width, height = duo.driver.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return [r.x, r.y, r.width, r.height];",
        element,
    )
    return int(left + width * x_share), int(top + height * y_share)


def _pointer(duo) -> ActionBuilder:
    return ActionBuilder(duo.driver)


def _start(make_app, start_app, path: str = "", **config):
    app = make_app(**config)
    duo = start_app(app, path)
    wait_ready(duo)
    return app, duo


def _pick(duo, dropdown: str, value: str) -> None:
    """Open a multi-select and tick one value's option (its label carries the view count)."""
    duo.find_element(f"#{dropdown}").click()
    option = wait_until(
        lambda: [
            o
            for o in duo.driver.find_elements(By.CSS_SELECTOR, "[role=option]")
            if o.text.startswith(f"{value} (")
        ],
        f"the {value} option",
    )[0]
    option.click()
    duo.driver.find_element(By.TAG_NAME, "body").send_keys("\ue00c")  # Escape closes the list


def test_device_and_market_filters_narrow_every_card_and_chart(make_app, start_app):
    app, duo = _start(make_app, start_app)
    dimensions = data_route(app, "/data/dimensions/")
    device = dimensions["device"][1]["value"]
    duo.find_element(f"#{DEVICE}").click()
    labels = wait_until(
        lambda: [o.text for o in duo.driver.find_elements(By.CSS_SELECTOR, "[role=option]")],
        "the device options",
    )
    assert labels == [f"{e['value']} ({e['views']:,})" for e in dimensions["device"]]
    duo.driver.find_element(By.TAG_NAME, "body").send_keys("\ue00c")
    _pick(duo, DEVICE, device)
    market = next(e["value"] for e in dimensions["market"] if e["value"] == "(none)")
    _pick(duo, MARKET, market)
    expected = data_route(app, "/data/kpis/", device=device, market=market)
    wait_until(lambda: kpi_text(duo, ids.KPI_VIEWS) == f"{expected['views']:,}", "filtered views")
    assert kpi_text(duo, ids.KPI_UNIQUE_USERS) == f"{expected['unique_users']:,}"
    wait_until(lambda: "market=%28none%29" in duo.driver.current_url, "the market in the URL")
    assert "device=" + device.replace(" ", "+") in duo.driver.current_url
    toplist = data_route(app, "/data/toplist/", device=device, market=market)
    wait_until(lambda: points(duo, ids.TOPLIST_GRAPH) == len(toplist), "the filtered toplist")
    # The link reproduces the view: opened afresh, it keeps both filters (a dropdown drops a
    # value it has no option for, so the link's values must arrive with their options).
    link = duo.driver.current_url
    duo.driver.get(link)
    wait_until(lambda: kpi_text(duo, ids.KPI_VIEWS) == f"{expected['views']:,}", "views again")
    assert kpi_text(duo, ids.KPI_UNIQUE_USERS) == f"{expected['unique_users']:,}"
    chips = duo.driver.find_elements(By.CSS_SELECTOR, f"#{DEVICE}, #{MARKET}")
    assert device in chips[0].text and market in chips[1].text
    time.sleep(0.5)  # a dropped value would rewrite the link a moment later
    assert duo.driver.current_url == link
    assert duo.get_logs() == []


def test_breakdown_draws_a_line_per_group_with_a_legend_that_toggles(make_app, start_app):
    app, duo = _start(make_app, start_app, "?resolution=monthly")
    Select(duo.find_element(f"#{ids.BREAKDOWN}")).select_by_value("device")
    rows = data_route(app, "/data/unique_users/", resolution="monthly", breakdown="device")
    groups = list(dict.fromkeys(row["device"] for row in rows))
    wait_until(
        lambda: [t[0] for t in duo.driver.execute_script(TRACES_JS, ids.CHART1_GRAPH)] == groups,
        "one line per device",
    )
    traces = duo.driver.execute_script(TRACES_JS, ids.CHART1_GRAPH)
    assert len(traces) == len(groups) == 6 and groups[-1] == "(other)"
    legend = duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.CHART1_GRAPH} .legendtoggle")
    assert len(legend) == len(groups)
    legend[0].click()
    wait_until(
        lambda: duo.driver.execute_script(TRACES_JS, ids.CHART1_GRAPH)[0][1] == "legendonly",
        "the first line hidden by its legend entry",
    )
    assert "Unique users by device" in duo.find_element(f"#{ids.CHART1_TITLE}").text
    wait_until(lambda: "breakdown=device" in duo.driver.current_url, "the URL")
    assert duo.get_logs() == []


def test_each_time_card_shows_the_metric_chosen_for_it(make_app, start_app):
    app, duo = _start(make_app, start_app, "?resolution=weekly")
    Select(duo.find_element(f"#{ids.CHART2_METRIC}")).select_by_value("views")
    expected = data_route(app, "/data/views/", resolution="weekly")
    ys = "return document.querySelector('#chart2-graph .js-plotly-plot').data[0].y"
    wait_until(
        lambda: duo.driver.execute_script(ys) == [row["values"] for row in expected],
        "weekly views in the second card",
    )
    assert duo.find_element(f"#{ids.CHART2_TITLE}").text == "Views"
    wait_until(lambda: "chart2=views" in duo.driver.current_url, "the URL")
    assert duo.get_logs() == []


def test_a_date_preset_sets_the_range(make_app, start_app):
    app, duo = _start(make_app, start_app)
    Select(duo.find_element(f"#{ids.DATE_PRESET}")).select_by_value("last7")
    wait_until(
        lambda: duo.find_element(f"#{ids.DATE_RANGE}").get_attribute("value") == "2025-12-25",
        "the start date",
    )
    assert duo.find_element(f"#{ids.DATE_RANGE}-end-date").get_attribute("value") == "2025-12-31"
    expected = data_route(app, "/data/kpis/", start="2025-12-25", end="2025-12-31")
    wait_until(lambda: kpi_text(duo, ids.KPI_VIEWS) == f"{expected['views']:,}", "week's views")
    wait_until(lambda: points(duo, ids.CHART1_GRAPH) == 7, "seven days")
    assert "start=2025-12-25&end=2025-12-31" in duo.driver.current_url
    assert duo.get_logs() == []


def test_drag_zoom_sets_the_page_s_range_and_a_double_click_resets_it(make_app, start_app):
    app, duo = _start(make_app, start_app, "?start=2025-03-01&end=2025-03-31")
    drag = _in_view(duo, duo.find_element(f"#{ids.CHART1_GRAPH} .nsewdrag"))
    actions = _pointer(duo)
    actions.pointer_action.move_to_location(*_point(duo, drag, 0.3))
    actions.pointer_action.pointer_down()
    for share in (0.35, 0.45, 0.55, 0.6):  # a drag is a series of moves with the button down
        actions.pointer_action.move_to_location(*_point(duo, drag, share))
    actions.pointer_action.pointer_up()
    actions.perform()
    url = wait_until(
        lambda: (
            duo.driver.current_url if "start=2025-03-01&" not in duo.driver.current_url else None
        ),
        "a zoomed range in the URL",
    )
    start = url.split("start=")[1][:10]
    end = url.split("end=")[1][:10]
    assert "2025-03-01" < start < end < "2025-03-31"
    expected = data_route(app, "/data/kpis/", start=start, end=end)
    wait_until(lambda: kpi_text(duo, ids.KPI_VIEWS) == f"{expected['views']:,}", "zoomed views")
    wait_until(
        lambda: points(duo, ids.CHART2_GRAPH) == points(duo, ids.CHART1_GRAPH) < 31,
        "both charts zoomed",
    )
    drag = _in_view(duo, duo.find_element(f"#{ids.CHART1_GRAPH} .nsewdrag"))
    actions = _pointer(duo)
    actions.pointer_action.move_to_location(*_point(duo, drag, 0.5))
    actions.pointer_action.double_click()
    actions.perform()
    wait_until(
        lambda: "start=2025-03-01&end=2025-03-31" in duo.driver.current_url, "the range back"
    )
    wait_until(lambda: points(duo, ids.CHART1_GRAPH) == 31, "31 days again")
    assert duo.get_logs() == []


def test_compare_shows_the_changes_of_the_data_route(make_app, start_app):
    query = {"start": "2025-07-01", "end": "2025-07-31"}
    app, duo = _start(make_app, start_app, "?start=2025-07-01&end=2025-07-31")
    duo.find_element(f"#{ids.COMPARE}").click()
    expected = data_route(app, "/data/kpis/", compare="previous", **query)
    for key, card in (("unique_users", ids.KPI_UNIQUE_USERS), ("views", ids.KPI_VIEWS)):
        text, tone = change(key, expected[key], expected["previous"][key])
        delta = f"#{ids.KPI_DELTAS[card]}"
        wait_until(lambda d=delta, t=text: duo.find_element(d).text == t, f"the {key} change")
        element = duo.find_element(delta)
        assert f"rb-delta-{tone}" in element.get_attribute("class")
        span = expected["previous_range"]
        assert element.get_attribute("title") == (
            f"2025-07-01 – 2025-07-31 compared with {span['start']} – {span['end']}"
        )
    traces = wait_until(
        lambda: [
            t for t in duo.driver.execute_script(TRACES_JS, ids.CHART1_GRAPH) if t[2] == "dash"
        ],
        "the dashed previous period",
    )
    assert span["start"] in traces[0][0]
    wait_until(lambda: "compare=previous" in duo.driver.current_url, "the URL")
    assert duo.get_logs() == []


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
    wide = duo.driver.execute_script(XTICKS_JS, ids.CHART1_GRAPH)
    duo.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True},
    )
    duo.driver.refresh()
    wait_ready(duo)
    wait_until(
        lambda: 1 < len(duo.driver.execute_script(XTICKS_JS, ids.CHART1_GRAPH)) < len(wide),
        "fewer ticks on a narrow chart",
    )
    slanted = duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('#chart1-graph .xtick text'))"
        ".some(t => (t.getAttribute('transform') || '').includes('rotate'))"
    )
    assert not slanted
    assert duo.driver.execute_script(XTICKS_JS, ids.CHART1_GRAPH)[0] == "1 Dec 2025"
    assert duo.get_logs() == []
