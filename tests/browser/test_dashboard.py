"""The dashboard in real headless Chromium (dash_duo): controls, charts, cards, URL state, CSV."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from data.events.params import Filters
from layouts import ids
from testkit.chromium import PAGE_READY_JS
from web import services

TIMEOUT = 15

POINTS_JS = """
const gd = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');
return gd && gd.data && gd.data.length ? gd.data[0].x.length : 0;
"""


def wait_until(condition, message: str, timeout: float = TIMEOUT):
    """Poll condition() until it is truthy; fail with message and the last value otherwise."""
    deadline = time.monotonic() + timeout
    value = None
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {message} (last value: {value!r})")


def wait_ready(duo) -> None:
    wait_until(lambda: duo.driver.execute_script(PAGE_READY_JS), "the dashboard to render")


def points(duo, graph_id: str) -> int:
    return duo.driver.execute_script(POINTS_JS, graph_id)


def data_route(app, path: str, **query) -> list:
    """What the /data route answers for the same parameters (same server, same analytics)."""
    response = app.server.test_client().get(path, query_string=query)
    assert response.status_code == 200
    return response.get_json()


def kpi_text(duo, component: str) -> str:
    return duo.find_element(f"#{component}").text.replace("\n", "").strip()


@pytest.fixture
def dashboard(make_app, start_app):
    """Start the real app on the demo database; returns (app, dash_duo) once the page is ready."""

    def open_page(path: str = ""):
        app = make_app()
        duo = start_app(app, path)
        wait_ready(duo)
        return app, duo

    return open_page


def test_page_loads_without_console_errors(dashboard):
    app, duo = dashboard()
    assert duo.find_element(f"#{ids.CHART1_GRAPH}")
    assert duo.find_element(f"#{ids.DEMO_NOTICE}").is_displayed()
    assert "make import FILE=" in duo.find_element(f"#{ids.DEMO_NOTICE}").text
    link = duo.find_element(f"#{ids.GAME_LINK}")
    assert link.get_attribute("href").endswith("/guess/")
    expected = data_route(app, "/data/unique_users/")
    assert points(duo, ids.CHART1_GRAPH) == len(expected)
    assert Select(duo.find_element(f"#{ids.RESOLUTION}")).first_selected_option.text == "Daily"
    assert duo.get_logs() == []


def test_resolution_changes_both_charts(dashboard):
    app, duo = dashboard()
    daily = len(data_route(app, "/data/unique_users/", resolution="daily"))
    for resolution in ("weekly", "monthly"):
        Select(duo.find_element(f"#{ids.RESOLUTION}")).select_by_value(resolution)
        expected_users = len(data_route(app, "/data/unique_users/", resolution=resolution))
        expected_minutes = len(data_route(app, "/data/minutes_watched/", resolution=resolution))
        assert expected_users < daily
        wait_until(
            lambda n=expected_users: points(duo, ids.CHART1_GRAPH) == n,
            f"{expected_users} {resolution} unique-user points",
        )
        wait_until(
            lambda n=expected_minutes: points(duo, ids.CHART2_GRAPH) == n,
            f"{expected_minutes} {resolution} watch-time points",
        )
        wait_until(lambda r=resolution: f"resolution={r}" in duo.driver.current_url, "the URL")
    assert duo.get_logs() == []


def test_slider_changes_the_number_of_bars(dashboard):
    app, duo = dashboard()
    assert points(duo, ids.TOPLIST_GRAPH) == len(data_route(app, "/data/toplist/")) == 10
    for num in (25, 3):
        box = duo.find_element(f"#{ids.TOPLIST_SIZE} input")
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys(str(num), Keys.ENTER)  # Enter applies it, as leaving the box does
        expected = len(data_route(app, "/data/toplist/", num=num))
        wait_until(lambda n=expected: points(duo, ids.TOPLIST_GRAPH) == n, f"{num} bars")
        wait_until(lambda n=num: f"num={n}" in duo.driver.current_url, "the URL")
    # Keyboard on the slider's handle: End jumps to the maximum, 50 bars.
    duo.find_element(f"#{ids.TOPLIST_SIZE} [role=slider]").send_keys(Keys.END)
    wait_until(lambda: points(duo, ids.TOPLIST_GRAPH) == 50, "50 bars")
    assert duo.get_logs() == []


def test_date_range_and_type_filter_change_the_cards(dashboard):
    app, duo = dashboard()
    analytics = services.analytics(app.server)
    everything = analytics.kpis(Filters())
    assert kpi_text(duo, ids.KPI_VIEWS) == f"{everything['views']:,}"

    duo.find_element(f"label[for='_dbcprivate_radioitems_{ids.SESSIONTYPE}_input_SERIES']").click()
    series = analytics.kpis(Filters.of(sessiontype="SERIES"))
    assert series["views"] != everything["views"]
    wait_until(lambda: kpi_text(duo, ids.KPI_VIEWS) == f"{series['views']:,}", "series views")
    assert kpi_text(duo, ids.KPI_UNIQUE_USERS) == f"{series['unique_users']:,}"

    start = duo.find_element(f"#{ids.DATE_RANGE}")
    start.click()
    start.send_keys("2025-03-01", Keys.TAB)
    end = duo.find_element(f"#{ids.DATE_RANGE}-end-date")
    end.click()
    end.send_keys("2025-03-31", Keys.ENTER)
    import datetime as dt

    march = analytics.kpis(
        Filters.of(start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 31), sessiontype="SERIES")
    )
    wait_until(lambda: kpi_text(duo, ids.KPI_VIEWS) == f"{march['views']:,}", "March views")
    assert kpi_text(duo, ids.KPI_UNIQUE_USERS) == f"{march['unique_users']:,}"
    assert "start=2025-03-01" in duo.driver.current_url
    assert "end=2025-03-31" in duo.driver.current_url
    assert duo.get_logs() == []


def test_url_with_state_restores_it(dashboard):
    query = "?resolution=weekly&num=5&start=2025-03-01&end=2025-03-31&sessiontype=SERIES"
    app, duo = dashboard(query)
    assert Select(duo.find_element(f"#{ids.RESOLUTION}")).first_selected_option.text == "Weekly"
    assert duo.find_element(f"#{ids.TOPLIST_SIZE} input").get_attribute("value") == "5"
    assert duo.find_element(f"#{ids.DATE_RANGE}").get_attribute("value") == "2025-03-01"
    assert duo.find_element(f"#{ids.DATE_RANGE}-end-date").get_attribute("value") == "2025-03-31"
    checked = duo.find_element(f"#{ids.SESSIONTYPE} input:checked")
    assert checked.get_attribute("value") == "SERIES"
    params = {"resolution": "weekly", "start": "2025-03-01", "end": "2025-03-31"}
    params["sessiontype"] = "SERIES"
    expected = data_route(app, "/data/unique_users/", **params)
    wait_until(lambda: points(duo, ids.CHART1_GRAPH) == len(expected), "weekly points")
    wait_until(lambda: points(duo, ids.TOPLIST_GRAPH) == 5, "5 bars")
    assert duo.driver.current_url.endswith(query)  # a valid link is left as it was
    assert not duo.find_elements(f"#{ids.URL_NOTICE}")  # closed alerts are not rendered

    duo.find_element(f"#{ids.RESET}").click()
    wait_until(
        lambda: duo.driver.current_url.rstrip("/").endswith(str(duo.server_url).rstrip("/")),
        "a URL without state",
    )
    wait_until(lambda: points(duo, ids.TOPLIST_GRAPH) == 10, "the default 10 bars")
    assert Select(duo.find_element(f"#{ids.RESOLUTION}")).first_selected_option.text == "Daily"
    assert duo.find_element(f"#{ids.DATE_RANGE}").get_attribute("value") == ""
    assert duo.get_logs() == []


def test_bad_url_values_show_a_notice_and_defaults(dashboard):
    app, duo = dashboard("?resolution=hourly&num=abc&sessiontype=MOVIE")
    notice = wait_until(lambda: duo.find_elements(f"#{ids.URL_NOTICE}"), "the notice")[0]
    assert "resolution" in notice.text and "num" in notice.text
    assert Select(duo.find_element(f"#{ids.RESOLUTION}")).first_selected_option.text == "Daily"
    checked = duo.find_element(f"#{ids.SESSIONTYPE} input:checked")
    assert checked.get_attribute("value") == "MOVIE"  # the valid part of the link is kept
    wait_until(lambda: duo.driver.current_url.endswith("/?sessiontype=MOVIE"), "a cleaned URL")
    assert duo.get_logs() == []


def test_csv_download_holds_the_charts_rows(dashboard):
    app, duo = dashboard("?resolution=monthly&num=7")
    downloads = Path(duo.download_path)
    duo.find_element(f"#{ids.TOPLIST_CSV_BUTTON}").click()
    duo.find_element(f"#{ids.CHART1_CSV_BUTTON}").click()

    def finished(prefix: str):
        files = [p for p in downloads.glob(f"{prefix}*.csv") if p.stat().st_size > 0]
        return files[0] if files else None

    toplist_file = wait_until(lambda: finished("toplist"), "the toplist CSV")
    # A UTF-8 byte-order mark first, so that spreadsheets show å and ø.
    assert toplist_file.read_bytes().startswith(b"\xef\xbb\xbf")
    with toplist_file.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    expected = data_route(app, "/data/toplist/", num=7)
    assert [(row["title"], int(row["views"])) for row in rows] == [
        (row["title"], row["values"]) for row in expected
    ]

    users_file = wait_until(lambda: finished("unique-users"), "the unique users CSV")
    with users_file.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    expected = data_route(app, "/data/unique_users/", resolution="monthly")
    assert len(rows) == points(duo, ids.CHART1_GRAPH) == len(expected)
    assert [(row["date"], int(row["unique_users"])) for row in rows] == [
        (row["date"], row["values"]) for row in expected
    ]
    assert duo.get_logs() == []


def test_theme_switch_toggles_dark_mode(dashboard):
    _app, duo = dashboard()
    html = duo.driver.find_element(By.TAG_NAME, "html")
    assert html.get_attribute("data-bs-theme") in (None, "", "light")
    duo.find_element(f"#{ids.THEME_SWITCH}").click()
    wait_until(lambda: html.get_attribute("data-bs-theme") == "dark", "dark mode")
    # The charts follow: their text turns light.
    wait_until(
        lambda: (
            duo.driver.execute_script(
                "return document.querySelector('#chart1-graph .js-plotly-plot').layout.font.color"
            )
            == "#e2e8f0"
        ),
        "dark chart colours",
    )
    # The choice is remembered: a reload comes back dark, switch on, charts dark.
    duo.driver.refresh()
    wait_ready(duo)
    html = duo.driver.find_element(By.TAG_NAME, "html")
    assert html.get_attribute("data-bs-theme") == "dark"
    assert duo.find_element(f"#{ids.THEME_SWITCH}").is_selected()
    wait_until(
        lambda: (
            duo.driver.execute_script(
                "return document.querySelector('#toplist-graph .js-plotly-plot').layout.font.color"
            )
            == "#e2e8f0"
        ),
        "dark chart colours after a reload",
    )
    duo.find_element(f"#{ids.THEME_SWITCH}").click()
    wait_until(lambda: html.get_attribute("data-bs-theme") == "light", "light mode")
    assert duo.get_logs() == []
