"""Reliability 7 (Chromium, against gunicorn with the real headers): hostile names run no script
and show literally; the dashboard draws every chart under the CSP without a violation."""

from __future__ import annotations

import pytest
import requests
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from testkit.serving import play_won_game

pytestmark = pytest.mark.browser

HOSTILE_NAMES = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(2)</script>",
    '"><svg/onload=alert(3)>',
    "<b onmouseover=alert(4)>hi</b>",
]
MAX_VALUE = 50


def _no_alert(driver) -> None:
    try:
        alert = driver.switch_to.alert
    except NoAlertPresentException:
        return
    text = alert.text
    alert.dismiss()
    raise AssertionError(f"a script ran: alert({text!r})")


def _console_problems(driver) -> list[str]:
    """Console errors and any CSP report (a blocked injection would show up as one)."""
    return [
        entry["message"]
        for entry in driver.get_log("browser")
        if entry["level"] == "SEVERE" or "Content Security Policy" in entry["message"]
    ]


def _wait(driver, condition, timeout=15):
    return WebDriverWait(driver, timeout).until(lambda d: condition(d))


def _hiscore_rows(driver) -> list[list[str]]:
    rows = driver.find_elements(By.CSS_SELECTOR, "#hiscore-body tr")
    return [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")] for row in rows]


def test_hostile_names_show_as_text_and_run_nothing(serve, chrome):
    server = serve(workers=2)
    with requests.Session() as session:
        for name in HOSTILE_NAMES:
            game_id, _ = play_won_game(session, server.base_url, MAX_VALUE, name)
            response = session.post(server.url("/guess/finished"), json={"game_id": game_id})
            assert response.status_code == 200
    driver = chrome

    # The high-score table: every name appears literally, no element was injected.
    driver.get(server.url(f"/guess/?max_value={MAX_VALUE}"))
    _wait(driver, lambda d: len(_hiscore_rows(d)) >= len(HOSTILE_NAMES))
    _no_alert(driver)
    shown = {cell for row in _hiscore_rows(driver) for cell in row}
    assert set(HOSTILE_NAMES) <= shown, shown
    injected = driver.find_elements(
        By.CSS_SELECTOR, "#hiscore-body img, #hiscore-body script, #hiscore-body svg, iframe"
    )
    assert injected == []

    # A hostile name in the URL lands in the name field as text.
    driver.get(server.url("/guess/") + "?user=%3Cscript%3Ealert(5)%3C%2Fscript%3E&max_value=10")
    _wait(driver, lambda d: d.find_element(By.ID, "user-name").get_attribute("value"))
    assert (
        driver.find_element(By.ID, "user-name").get_attribute("value")
        == "<script>alert(5)</script>"
    )
    _no_alert(driver)

    # A hostile name typed by a player who then wins a game on the page.
    player = "<img src=y onerror=alert(6)>"
    driver.get(server.url(f"/guess/?max_value={MAX_VALUE}"))
    name = _wait(driver, lambda d: d.find_element(By.ID, "user-name"))
    name.clear()
    name.send_keys(player)
    low, high = 1, MAX_VALUE
    for _ in range(10):
        guess = (low + high) // 2
        count = len(driver.find_elements(By.CSS_SELECTOR, "#guess-list li"))
        box = driver.find_element(By.ID, "guess-input")
        box.clear()
        box.send_keys(str(guess), Keys.ENTER)
        _wait(
            driver, lambda d, n=count: len(d.find_elements(By.CSS_SELECTOR, "#guess-list li")) > n
        )
        items = driver.find_elements(By.CSS_SELECTOR, "#guess-list li")
        result = items[-1].get_attribute("data-result")
        if result == "correct":
            break
        low, high = (guess + 1, high) if result == "higher" else (low, guess - 1)
    else:
        raise AssertionError("the game was not won by binary search")
    _wait(driver, lambda d: any(player in row for row in _hiscore_rows(d)))
    _no_alert(driver)
    assert driver.find_elements(By.CSS_SELECTOR, "#hiscore-body img") == []
    problems = _console_problems(driver)
    assert problems == [], problems
    print(
        f"\n[xss] {len(HOSTILE_NAMES) + 2} hostile names shown literally, no script ran, "
        "no CSP report"
    )


def test_dashboard_draws_every_chart_under_the_csp(serve, chrome):
    server = serve(workers=2)
    response = requests.get(server.url("/"), timeout=10)
    csp = response.headers["Content-Security-Policy"]
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src

    driver = chrome
    driver.get(server.url("/"))
    graphs = _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".dash-graph"), 30)
    # Each chart has drawn data marks (line or bar paths with geometry), not just empty axes.
    drawn_js = """return Array.from(document.querySelectorAll('.dash-graph')).map(g =>
        Array.from(g.querySelectorAll('.trace path'))
            .some(p => (p.getAttribute('d') || '').length > 8))"""
    # The cards below the toplist are drawn when they come near the window: scroll to them.
    scroll_js = "window.scrollTo({top: document.body.scrollHeight, behavior: 'instant'});"
    _wait(
        driver,
        lambda d: (
            d.execute_script(scroll_js) or ((flags := d.execute_script(drawn_js)) and all(flags))
        ),
        30,
    )
    problems = _console_problems(driver)
    assert problems == [], problems
    print(f"\n[csp] dashboard: {len(graphs)} charts drawn under the CSP, console clean")
