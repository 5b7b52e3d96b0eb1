"""The game page in Chromium: win a game by binary search, find the highlighted high-score row."""

from __future__ import annotations

import re

import pytest
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from testkit.chromium import CHROMEDRIVER, TEST_ARGS, chrome_options
from tests.browser.test_game_boards_browser import _win_by_halving

pytestmark = pytest.mark.browser

PLAYER = "<img src=x onerror=alert(1)> Zoë"


def _wait(driver, condition, timeout=10):
    return WebDriverWait(driver, timeout).until(lambda d: condition(d))


def _guess_results(driver):
    return [
        item.get_attribute("data-result")
        for item in driver.find_elements(By.CSS_SELECTOR, "#guess-list li")
    ]


def test_play_a_game_and_find_the_own_row(dash_duo, make_app, redis_prefix):
    app = make_app(REDIS_KEY_PREFIX=redis_prefix)
    dash_duo.start_server(app)
    driver = dash_duo.driver
    dash_duo.reset_log_timestamp()  # judge the game page's console only
    driver.get(dash_duo.server_url + "/guess/?max_value=100")
    _wait(driver, lambda d: d.find_element(By.ID, "hiscore-body").find_elements(By.TAG_NAME, "tr"))

    name = driver.find_element(By.ID, "user-name")
    name.clear()
    name.send_keys(PLAYER)
    Select(driver.find_element(By.ID, "max-value")).select_by_value("10")
    assert "max_value=10" in driver.current_url
    assert driver.find_element(By.ID, "max-label").text == "10"

    low, high = 1, 10
    for count in range(1, 11):
        guess = (low + high) // 2
        box = driver.find_element(By.ID, "guess-input")
        box.clear()
        box.send_keys(str(guess), Keys.ENTER)  # Enter submits
        _wait(driver, lambda d, n=count: len(_guess_results(d)) == n)
        result = _guess_results(driver)[-1]
        assert driver.find_element(By.ID, "guess-count").text == f"{count} guess" + (
            "" if count == 1 else "es"
        )
        if result == "correct":
            break
        if result == "higher":
            low = guess + 1
        else:
            assert result == "lower"
            high = guess - 1
    else:
        pytest.fail("binary search over 1..10 did not finish")

    own = _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#hiscore-body tr.rb-own-row"))
    assert len(own) == 1
    cells = own[0].find_elements(By.TAG_NAME, "td")
    assert cells[0].text == PLAYER  # shown literally, as text
    assert cells[1].text == str(count)
    assert own[0].get_attribute("aria-current") == "true"
    assert "Correct!" in driver.find_element(By.ID, "game-status").text
    # The hostile name ran nothing: no dialog, no <img> element created from it.
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018
    assert driver.find_elements(By.CSS_SELECTOR, "#hiscore-body img") == []

    # The server recorded exactly this game.
    entries = app.server.test_client().get("/guess/hiscore?max_value=10").get_json()
    assert [(e["user"], e["guesses"]) for e in entries] == [(PLAYER, count)]
    assert dash_duo.get_logs() == []


def test_page_toggles_dark_mode_and_starts_new_games(dash_duo, make_app, redis_prefix):
    app = make_app(REDIS_KEY_PREFIX=redis_prefix)
    dash_duo.start_server(app)
    driver = dash_duo.driver
    dash_duo.reset_log_timestamp()
    driver.get(dash_duo.server_url + "/guess/?max_value=25&user=Ann")
    toggle = _wait(driver, lambda d: d.find_element(By.ID, "theme-toggle"))
    before = driver.find_element(By.TAG_NAME, "html").get_attribute("data-bs-theme")
    driver.find_element(By.CSS_SELECTOR, "label[for=theme-toggle]").click()
    after = driver.find_element(By.TAG_NAME, "html").get_attribute("data-bs-theme")
    assert {before, after} == {"light", "dark"}
    assert toggle.is_selected() == (after == "dark")

    box = driver.find_element(By.ID, "guess-input")
    box.send_keys("99", Keys.ENTER)  # out of range: refused in the page, nothing sent
    _wait(driver, lambda d: "1 to 25" in d.find_element(By.ID, "game-status").text)
    box.clear()
    box.send_keys("13", Keys.ENTER)
    _wait(driver, lambda d: len(_guess_results(d)) == 1)
    # Read before the click: 13 wins one game in 25, and a won game is replaced at once.
    won = _guess_results(driver) == ["correct"]
    driver.find_element(By.ID, "new-game").click()
    if not won:
        # A game in play is dropped only after the page asked (test_game_boards_browser.py).
        confirm = driver.find_element(By.ID, "switch-confirm")
        _wait(driver, lambda d: confirm.is_displayed())
        confirm.click()
    _wait(driver, lambda d: _guess_results(d) == [])
    assert driver.find_element(By.ID, "guess-count").text == "0 guesses"

    # A phone's width: no sideways scrolling, the guess box and the table still visible.
    driver.set_window_size(390, 844)
    driver.get(dash_duo.server_url + "/guess/?max_value=1000&user=Ann")
    _wait(driver, lambda d: d.find_element(By.ID, "hiscore-body").find_elements(By.TAG_NAME, "tr"))
    overflow = driver.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    assert driver.find_element(By.ID, "guess-input").is_displayed()
    assert driver.find_element(By.ID, "hiscore-table").is_displayed()
    # The dark switch keeps its visible name, and is named for assistive tech too.
    label = driver.find_element(By.CSS_SELECTOR, "label[for=theme-toggle]")
    assert label.is_displayed() and label.text == "Dark" and label.size["width"] > 20
    assert driver.find_element(By.ID, "theme-toggle").get_attribute("aria-label") == "Dark mode"
    assert dash_duo.get_logs() == []


def test_a_win_in_a_german_browser(dash_duo, make_app, redis_prefix):
    """Dates in the browser's language, no scrollbar on a one-row board, an empty guess box."""
    app = make_app(REDIS_KEY_PREFIX=redis_prefix)
    dash_duo.start_server(app)
    options = chrome_options(*TEST_ARGS)
    # The browser's language as a user sets it (Chromium on Linux keeps its system locale en-US).
    options.add_experimental_option("prefs", {"intl.accept_languages": "de-DE,de"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        driver.get(dash_duo.server_url + "/guess/?max_value=10&user=Ann")
        _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#hiscore-body tr"))
        assert driver.execute_script("return navigator.language") == "de-DE"
        _win_by_halving(driver, high=10)
        assert driver.find_element(By.ID, "guess-input").get_attribute("value") == ""

        own_row = "#hiscore-body tr.rb-own-row"
        own = _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, own_row))
        assert len(driver.find_elements(By.CSS_SELECTOR, "#hiscore-body tr")) == 1
        when = own[0].find_element(By.TAG_NAME, "time")
        day = when.find_element(By.CLASS_NAME, "rb-date-day").text
        clock = when.find_element(By.CLASS_NAME, "rb-date-time").text
        # German order and a 24-hour clock ("7. Dez.", "7:03"), not the US "Dec 7", "7:03 AM";
        # with its year when that is not the browser's (its clock may differ from the server's).
        assert re.fullmatch(r"\d{1,2}\. \S+( \d{4})?", day), day
        assert re.fullmatch(r"\d{1,2}:\d\d", clock), clock
        expected = driver.execute_script(
            "const d = new Date(arguments[0]);"
            "const options = {month: 'short', day: 'numeric'};"
            "if (d.getFullYear() !== new Date().getFullYear()) options.year = 'numeric';"
            "return new Intl.DateTimeFormat('de-DE', options).format(d);",
            when.get_attribute("datetime"),
        )
        assert day == expected

        # The board's box is as high as its one row: no vertical scrollbar beside it.
        box = "document.getElementById('hiscore-table').parentElement"
        assert driver.execute_script(f"return {box}.offsetWidth - {box}.clientWidth") == 0
        severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert severe == []
    finally:
        driver.quit()


def test_a_name_another_player_owns_is_refused_and_the_own_key_is_kept(
    dash_duo, make_app, redis_prefix
):
    app = make_app(REDIS_KEY_PREFIX=redis_prefix)
    owner = app.server.test_client()  # someone else played as Ann first
    assert owner.post("/guess/start", json={"max_value": 10, "user": "Ann"}).status_code == 201
    dash_duo.start_server(app)
    driver = dash_duo.driver
    dash_duo.reset_log_timestamp()
    driver.get(dash_duo.server_url + "/guess/?max_value=10&user=ANN")
    box = _wait(driver, lambda d: d.find_element(By.ID, "guess-input"))
    box.send_keys("5", Keys.ENTER)
    _wait(driver, lambda d: "another player" in d.find_element(By.ID, "game-status").text)
    assert driver.switch_to.active_element.get_attribute("id") == "user-name"
    assert _guess_results(driver) == []

    # Another name is this browser's from now on, kept in an HttpOnly cookie for the game only.
    name = driver.find_element(By.ID, "user-name")
    name.clear()
    name.send_keys("Ann B")
    box.clear()
    box.send_keys("5", Keys.ENTER)
    _wait(driver, lambda d: len(_guess_results(d)) == 1)
    [cookie] = [c for c in driver.get_cookies() if c["name"] == "reelboard_player"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/guess"
    assert driver.execute_script("return document.cookie").find("reelboard_player") == -1
    assert owner.post("/guess/start", json={"max_value": 10, "user": "ann b"}).status_code == 403
    # 403 answers are logged by the browser's console; nothing else is.
    assert all("403" in entry["message"] for entry in dash_duo.get_logs())
