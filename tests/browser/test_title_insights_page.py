"""Title insights in real headless Chromium: the toplist by series, a bar opening the show's own
view at its own URL (and back), the weekly Top 10 panel, the retention heatmap and lifecycle."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from layouts import ids
from tests.browser.test_analyst_page import _in_view, _point, _pointer, _start
from tests.browser.test_dashboard import data_route, wait_ready, wait_until

TRACE_NAMES_JS = """
const gd = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');
return gd && gd.data ? gd.data.map(t => t.name || t.type) : [];
"""
TOP10_TITLES_JS = """
return Array.from(document.querySelectorAll('#top10-table tbody tr a')).map(a => a.textContent);
"""
TOPLIST_TITLES_JS = """
const gd = document.querySelector('#toplist-graph .js-plotly-plot');
return gd && gd.data && gd.data[0] && gd.data[0].customdata
  ? gd.data[0].customdata.map(row => row[0]) : [];
"""


def _query(duo) -> dict:
    return {k: v[0] for k, v in parse_qs(urlparse(duo.driver.current_url).query).items()}


def _visible(duo, component: str) -> bool:
    return duo.driver.execute_script(
        "const e = document.getElementById(arguments[0]); return !!e && !e.hidden;", component
    )


def test_a_series_bar_opens_the_show_s_own_view_and_back(make_app, start_app):
    app, duo = _start(make_app, start_app, "/?resolution=monthly")
    Select(duo.find_element(f"#{ids.TOPLIST_LEVEL}")).select_by_value("series")
    expected = data_route(app, "/data/toplist/", level="series", num=10)
    wait_until(
        lambda: duo.driver.execute_script(TOPLIST_TITLES_JS) == [r["title"] for r in expected],
        "the toplist by series",
    )
    assert _query(duo)["level"] == "series"
    shows = data_route(app, "/data/toplist/", level="series", sessiontype="SERIES", num=1)
    show = shows[0]["title"]
    rank = [r["title"] for r in expected].index(show)
    bars = duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.TOPLIST_GRAPH} .bars .point path")
    # Plotly's drag layer takes the pointer: click where the bar is, as a reader does.
    actions = _pointer(duo)
    actions.pointer_action.move_to_location(*_point(duo, _in_view(duo, bars[rank]), 0.5))
    actions.pointer_action.click()
    actions.perform()
    wait_until(lambda: _query(duo).get("series") == show, "the show's own URL")
    wait_until(lambda: _visible(duo, ids.TITLE_VIEW), "the title view")
    assert not _visible(duo, ids.OVERVIEW)
    assert duo.find_element(f"#{ids.TITLE_HEADING}").text == show
    answer = data_route(app, "/data/title/", series=show, resolution="monthly")
    wait_until(
        lambda: f"{answer['kpis']['views']:,}" in duo.find_element(f"#{ids.TITLE_KPIS}").text,
        "the show's views",
    )
    episodes = wait_until(
        lambda: duo.find_element(f"#{ids.TITLE_EPISODES}").text, "the episodes table"
    )
    first = answer["seasons"][0]["episodes"][0]
    assert first["title"] in episodes
    binge = wait_until(lambda: duo.find_element(f"#{ids.TITLE_BINGE}").text, "the binge card")
    assert f"{answer['binge']['share'] * 100:.1f} %" in binge
    season = answer["funnel"][0]
    started = f"Season {season['season']}: {season['starters']:,} started episode 1"
    assert started.casefold() in binge.casefold(), binge  # the table heads are in capitals
    watched = wait_until(lambda: duo.find_element(f"#{ids.TITLE_NEXT}").text, "the next card")
    for entry in answer["next"]["titles"][:3]:
        assert entry["title"] in watched and f"{entry['share'] * 100:.1f} %" in watched, watched
    assert duo.driver.title == f"{show} · Reelboard"
    # The same URL in a new page opens the same view, filters included.
    duo.driver.get(duo.driver.current_url)
    wait_until(lambda: duo.find_element(f"#{ids.TITLE_HEADING}").text == show, "a reload")
    duo.find_element(f"#{ids.TITLE_BACK}").click()
    wait_until(lambda: _visible(duo, ids.OVERVIEW), "the overview again")
    assert "series" not in _query(duo) and _query(duo)["level"] == "series"
    assert duo.get_logs() == []


def test_top10_panel_retention_and_lifecycle(make_app, start_app):
    app, duo = _start(make_app, start_app, "/?resolution=monthly")
    movies = data_route(app, "/data/top10/", sessiontype="MOVIE")
    table = f"#{ids.TOP10_TABLE}"
    # The cards below the toplist are drawn when they come near the window, not before.
    assert duo.driver.execute_script(TOP10_TITLES_JS) == []
    _in_view(duo, duo.find_element(table))
    wait_until(
        lambda: duo.driver.execute_script(TOP10_TITLES_JS) == [e["title"] for e in movies],
        "the movies' list",
    )
    # Series for a chosen week: the URL keeps both.
    duo.find_element(f"label[for='_dbcprivate_radioitems_{ids.TOP10_TYPE}_input_SERIES']").click()
    Select(duo.find_element(f"#{ids.TOP10_WEEK}")).select_by_value("2025-06-02")
    seasons = data_route(app, "/data/top10/", sessiontype="SERIES", week="2025-06-02")
    wait_until(
        lambda: duo.driver.execute_script(TOP10_TITLES_JS) == [e["title"] for e in seasons],
        "the seasons of that week",
    )
    assert _query(duo)["top10"] == "SERIES" and _query(duo)["week"] == "2025-06-02"
    marks = duo.driver.find_elements(By.CSS_SELECTOR, f"{table} .rb-move")
    assert len(marks) == len(seasons)
    # Retention: one column per period after the first; lifecycle: four groups.
    cohorts = data_route(app, "/data/retention/", resolution="monthly")
    width = max(len(c["retained"]) for c in cohorts)
    heat = f"#{ids.RETENTION_TABLE} tbody tr"
    wait_until(
        lambda: len(duo.driver.find_elements(By.CSS_SELECTOR, heat)) == min(len(cohorts), 16),
        "the retention heatmap",
    )
    first = duo.driver.find_elements(By.CSS_SELECTOR, f"{heat} td.rb-heat")[0]
    assert first.text == "100" and "users)" in first.get_attribute("title")
    assert (
        len(duo.driver.find_elements(By.CSS_SELECTOR, "#" + ids.RETENTION_TABLE + " th")) >= width
    )
    wait_until(
        lambda: (
            duo.driver.execute_script(TRACE_NAMES_JS, ids.LIFECYCLE_GRAPH)
            == ["New", "Returning", "Resurrecting", "Dormant"]
        ),
        "the lifecycle bars",
    )
    # A Top 10 entry opens its show.
    link = duo.driver.find_elements(By.CSS_SELECTOR, f"{table} tbody a")[0]
    _in_view(duo, link).click()
    wait_until(lambda: _visible(duo, ids.TITLE_VIEW), "the title view")
    assert _query(duo)["series"] == seasons[0]["title"].rsplit(": Season ", 1)[0]
    assert duo.get_logs() == []


PHONE_FIT_JS = """
const box = id => document.getElementById(id).querySelector('.rb-table-wrap');
const label = document.querySelector('label[for="' + arguments[0] + '"]').getBoundingClientRect();
return {
  page: document.documentElement.scrollWidth - window.innerWidth,
  top10: box(arguments[1]).scrollWidth - box(arguments[1]).clientWidth,
  retention: box(arguments[2]).scrollWidth - box(arguments[2]).clientWidth,
  label: [Math.round(label.width), label.left >= 0 && label.right <= window.innerWidth],
};
"""


def test_on_a_phone_the_tables_fit_and_the_dark_switch_is_named(make_app, start_app):
    _app, duo = _start(make_app, start_app, "/?resolution=weekly")
    duo.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True},
    )
    duo.driver.refresh()
    wait_ready(duo)
    _in_view(duo, duo.find_element(f"#{ids.RETENTION_TABLE}"))
    wait_until(lambda: duo.driver.execute_script(TOP10_TITLES_JS), "the Top 10")
    wait_until(
        lambda: duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.RETENTION_TABLE} td.rb-heat"),
        "the retention table",
    )
    for width in (390, 360):
        duo.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": 844, "deviceScaleFactor": 1, "mobile": True},
        )
        fit = duo.driver.execute_script(
            PHONE_FIT_JS, ids.THEME_SWITCH, ids.TOP10_TABLE, ids.RETENTION_TABLE
        )
        # Neither the page nor the tables' own boxes scroll sideways; the switch says "Dark".
        assert fit == {"page": 0, "top10": 0, "retention": 0, "label": [fit["label"][0], True]}
        assert fit["label"][0] > 20, width
    label = duo.find_element(f"label[for='{ids.THEME_SWITCH}']")
    assert label.is_displayed() and label.text == "Dark"
    switch = duo.find_element(f"#{ids.THEME_SWITCH}")
    assert switch.get_attribute("aria-label") == "Dark mode"
    assert duo.get_logs() == []
