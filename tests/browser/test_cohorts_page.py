"""Retention's cohort definition and the partial periods in real headless Chromium: the
control beside the heatmap changes the table and the URL, a cut week's lifecycle bars say
"partial period" on hover, and the stickiness card draws."""

from __future__ import annotations

from selenium.webdriver.common.by import By

from layouts import ids
from tests.browser.test_analyst_page import _in_view, _point, _pointer, _start
from tests.browser.test_dashboard import data_route, wait_until
from tests.browser.test_title_insights_page import _query

SIZES_JS = """
return Array.from(document.querySelectorAll('#retention-table tbody tr'))
  .map(row => row.querySelectorAll('td')[0].textContent);
"""
HOVER_JS = """
const h = document.querySelector('#lifecycle-graph .hoverlayer .legend');
return h && h.textContent;
"""
# The data's last 30 days: its first week is cut by the range, its last by the data.
RANGE = {"resolution": "weekly", "start": "2025-12-02", "end": "2025-12-31"}


def test_the_cohort_control_and_partial_weeks(make_app, start_app):
    path = "/?" + "&".join(f"{key}={value}" for key, value in RANGE.items())
    app, duo = _start(make_app, start_app, path)
    _in_view(duo, duo.find_element(f"#{ids.RETENTION_TABLE}"))
    for cohort in ("first_ever", "in_range"):
        if cohort == "in_range":
            duo.find_element(
                f"label[for='_dbcprivate_radioitems_{ids.RETENTION_COHORT}_input_in_range']"
            ).click()
        expected = data_route(app, "/data/retention/", cohort=cohort, **RANGE)
        sizes = [f"{c['size']:,}" for c in expected]
        wait_until(lambda sizes=sizes: duo.driver.execute_script(SIZES_JS) == sizes, cohort)
    assert _query(duo)["cohort"] == "in_range"
    first_ever = data_route(app, "/data/retention/", **RANGE)
    assert first_ever[0]["size"] < expected[0]["size"]  # those who watched before are back in
    # The last week's bars: hatched, and said so on hover; the middle week's are whole.
    _in_view(duo, duo.find_element(f"#{ids.LIFECYCLE_GRAPH}"))
    drag = wait_until(
        lambda: duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.LIFECYCLE_GRAPH} .nsewdrag"),
        "the lifecycle bars",
    )[0]
    for share, week, partial in ((0.95, "29 Dec", True), (0.5, "15 Dec", False)):
        actions = _pointer(duo)
        actions.pointer_action.move_to_location(*_point(duo, drag, share, 0.5))
        actions.perform()
        label = wait_until(
            lambda week=week: (
                (duo.driver.execute_script(HOVER_JS) or "").count(f"Week of {week}")
                and duo.driver.execute_script(HOVER_JS)
            ),
            f"the hover label of the week of {week}",
        )
        assert ("partial period" in label) == partial, label
    assert "hatched" in duo.find_element(f"#{ids.LIFECYCLE_SUBTITLE}").text
    # The stickiness card below draws its ratio line and its month's active-days bars.
    _in_view(duo, duo.find_element(f"#{ids.STICKINESS_GRAPH}"))
    for part, what in ((".scatterlayer .js-line", "line"), (".barlayer .point", "bars")):
        selector = f"#{ids.STICKINESS_GRAPH} {part}"
        wait_until(
            lambda s=selector: duo.driver.find_elements(By.CSS_SELECTOR, s), f"stickiness {what}"
        )
    assert "2025-12" in duo.find_element(f"#{ids.STICKINESS_SUBTITLE}").text
    assert duo.get_logs() == []
