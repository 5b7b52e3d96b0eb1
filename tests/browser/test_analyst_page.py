"""The analyst's page in real headless Chromium: filters, breakdowns, metrics, presets, zoom
and the comparison."""

from __future__ import annotations

import time

from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from callbacks.charts import change
from layouts import ids
from tests.browser.test_dashboard import data_route, kpi_text, points, wait_ready, wait_until

DEVICE = ids.DIMENSION_FILTERS["device"]
MARKET = ids.DIMENSION_FILTERS["market"]

TRACES_JS = """
const gd = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');
return gd && gd.data ? gd.data.map(t => [t.name, t.visible === undefined ? true : t.visible,
                                         t.line && t.line.dash]) : [];
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
