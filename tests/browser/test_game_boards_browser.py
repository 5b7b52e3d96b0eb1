"""The game page's leaderboards in Chromium: par, score and rank after a win, boards, pinned row."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

pytestmark = pytest.mark.browser

MAX = 25
PAR = 5  # ceil(log2(25 + 1))


def _wait(driver, condition, timeout=10):
    return WebDriverWait(driver, timeout).until(lambda d: condition(d))


def _text(driver, element_id):
    return driver.find_element(By.ID, element_id).text


def _guess_results(driver):
    return [
        item.get_attribute("data-result")
        for item in driver.find_elements(By.CSS_SELECTOR, "#guess-list li")
    ]


def _guess(driver, value, count):
    box = driver.find_element(By.ID, "guess-input")
    box.clear()
    box.send_keys(str(value), Keys.ENTER)
    _wait(driver, lambda d: len(_guess_results(d)) == count)
    return _guess_results(driver)[-1]


def _win_by_halving(driver, high=MAX):
    """Play the page's game to a win by binary search; returns how many guesses it took."""
    low = 1
    for count in range(1, 20):
        guess = (low + high) // 2
        result = _guess(driver, guess, count)
        if result == "correct":
            return count
        if result == "higher":
            low = guess + 1
        else:
            high = guess - 1
    pytest.fail("binary search did not finish")


def _score_text(score):
    if score > 0:
        return f"{score} under par"
    if score < 0:
        return f"{-score} over par"
    return "on par"


def _play_via_api(client, user, *, waste=0):
    """Win one game at MAX through the JSON API: halving, after `waste` distinct wrong guesses."""
    while True:
        game = client.post("/guess/start", json={"max_value": MAX, "user": user}).get_json()
        url = f"/guess/{game['game_id']}"
        low, high = 1, MAX
        guess = (low + high) // 2
        result = client.post(url, json={"guess": guess}).get_json()["result"]
        if result == "correct" and waste:
            continue  # lucky: a won game is never counted as abandoned, so just play another
        wrong = ()  # distinct values: the same guess twice in a row is counted once
        if result == "higher":
            low, wrong = guess + 1, range(1, waste + 1)  # all below the secret
        elif result == "lower":
            high, wrong = guess - 1, range(MAX, MAX - waste, -1)  # all above it
        for value in wrong:
            client.post(url, json={"guess": value})
        while result != "correct":
            guess = (low + high) // 2
            result = client.post(url, json={"guess": guess}).get_json()["result"]
            if result == "higher":
                low = guess + 1
            elif result == "lower":
                high = guess - 1
        response = client.post("/guess/finished", json={"game_id": game["game_id"], "user": user})
        assert response.status_code == 200, response.get_json()
        return


def _board_ready(driver, board, caption_start):
    table = driver.find_element(By.ID, "hiscore-table")
    return (
        table.get_attribute("data-board") == board
        and table.get_attribute("aria-busy") is None
        and driver.find_element(By.ID, "hiscore-caption")
        .get_attribute("textContent")
        .startswith(caption_start)
    )


def test_win_shows_par_score_rank_and_switches_boards(dash_duo, make_app, redis_prefix):
    app = make_app(REDIS_KEY_PREFIX=redis_prefix)
    dash_duo.start_server(app)
    driver = dash_duo.driver
    dash_duo.reset_log_timestamp()  # judge the game page's console only
    driver.get(dash_duo.server_url + f"/guess/?max_value={MAX}&user=Ann")
    _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#hiscore-body tr"))

    # Par before the first guess, and no placement yet.
    assert _text(driver, "par-line") == f"Par {PAR}: a perfect halving finds it in {PAR} guesses."
    assert not driver.find_element(By.ID, "placement").is_displayed()

    count = _win_by_halving(driver)
    score = _score_text(PAR - count)
    placement = _wait(driver, lambda d: d.find_element(By.ID, "placement").is_displayed())
    placement = _text(driver, "placement").lower()  # the labels are uppercased by CSS
    assert f"par {PAR}: {score}" in placement
    assert "#1 of 1 all time" in placement and "#1 of 1 today" in placement
    assert "personal best" in placement and "your average" in placement
    status = _text(driver, "game-status")
    assert "Correct!" in status and score in status

    # The best board, all time: this game's row, highlighted and marked for assistive tech.
    own = _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#hiscore-body tr.rb-own-row"))
    assert len(own) == 1
    assert own[0].find_element(By.TAG_NAME, "th").text == "1"
    assert [c.text for c in own[0].find_elements(By.TAG_NAME, "td")][:2] == ["Ann", str(count)]
    assert own[0].get_attribute("aria-current") == "true"
    assert "rb-this-game" in own[0].get_attribute("class")
    assert driver.find_element(By.ID, "hiscore-legend").is_displayed()

    # The players board: one game is not enough for a rank, so the own row is pinned unranked.
    driver.find_element(By.CSS_SELECTOR, "label[for=board-players]").click()
    _wait(driver, lambda d: _board_ready(d, "players", "Players, all time"))
    heads = [th.text for th in driver.find_elements(By.CSS_SELECTOR, "#hiscore-head th")]
    assert heads == ["#", "PLAYER", "AVERAGE", "GAMES", "LAST GAME"]  # uppercased by CSS
    assert "Nobody has 5 counted games yet." in _text(driver, "hiscore-body")
    row = driver.find_element(By.CSS_SELECTOR, "#hiscore-body tr[data-pinned].rb-own-row")
    assert row.find_element(By.TAG_NAME, "th").text == "–"
    assert [c.text for c in row.find_elements(By.TAG_NAME, "td")][:3] == ["Ann", f"{count}.00", "1"]
    assert not driver.find_element(By.ID, "unique-wrap").is_displayed()
    assert "board=players" in driver.current_url

    driver.find_element(By.CSS_SELECTOR, "label[for=period-day]").click()
    _wait(driver, lambda d: _board_ready(d, "players", "Players, today"))
    assert "Nobody has 5 counted games today yet." in _text(driver, "hiscore-body")
    assert "period=day" in driver.current_url

    # Back to the best games of today: the player's row, found by name this time.
    driver.find_element(By.CSS_SELECTOR, "label[for=board-best]").click()
    _wait(driver, lambda d: _board_ready(d, "best", "Best games, today"))
    own = driver.find_elements(By.CSS_SELECTOR, "#hiscore-body tr.rb-own-row")
    assert len(own) == 1 and own[0].get_attribute("aria-current") == "true"
    assert dash_duo.get_logs() == []


def test_own_row_is_pinned_below_the_top_ten(dash_duo, make_app, redis_prefix):
    app = make_app(REDIS_KEY_PREFIX=redis_prefix)
    client = app.server.test_client()
    # Ten players who halve (at most 5 guesses), five games each; Ann wastes 5 guesses a game.
    for player in range(10):
        for _ in range(5):
            _play_via_api(client, f"Player {player}")
    for _ in range(5):
        _play_via_api(client, "Ann", waste=5)

    dash_duo.start_server(app)
    driver = dash_duo.driver
    dash_duo.reset_log_timestamp()
    driver.get(dash_duo.server_url + f"/guess/?max_value={MAX}&user=Ann")

    def pinned(d):
        rows = d.find_elements(By.CSS_SELECTOR, "#hiscore-body tr[data-pinned]")
        return rows[0] if rows else None

    def check_pinned(rank):
        row = _wait(driver, pinned)
        assert row.find_element(By.TAG_NAME, "th").text == rank
        assert row.find_elements(By.TAG_NAME, "td")[0].text == "Ann"
        assert "rb-own-row" in row.get_attribute("class")
        assert row.get_attribute("aria-current") == "true"
        body = driver.find_elements(By.CSS_SELECTOR, "#hiscore-body tr")
        assert len(body) == 12  # the top 10, the gap, the pinned row
        assert body[10].find_element(By.CSS_SELECTOR, "td.rb-gap-row")

    # Every game listed: Ann's best comes after all fifty others.
    _wait(driver, lambda d: _board_ready(d, "best", "Best games, all time"))
    check_pinned("51")

    driver.find_element(By.CSS_SELECTOR, "label[for=hiscore-unique]").click()
    _wait(driver, lambda d: _board_ready(d, "best", "Best games, one per player, all time"))
    check_pinned("11")
    assert "unique=1" in driver.current_url

    driver.find_element(By.CSS_SELECTOR, "label[for=board-players]").click()
    _wait(driver, lambda d: _board_ready(d, "players", "Players, all time"))
    check_pinned("11")
    average = pinned(driver).find_elements(By.TAG_NAME, "td")[1].text
    assert float(average) >= 7  # one halving guess, five wasted, at least one more

    driver.find_element(By.CSS_SELECTOR, "label[for=period-week]").click()
    _wait(driver, lambda d: _board_ready(d, "players", "Players, this week"))
    check_pinned("11")

    # A reload keeps the board, the period and the toggle (they live in the URL).
    driver.refresh()
    _wait(driver, lambda d: _board_ready(d, "players", "Players, this week"))
    assert driver.find_element(By.ID, "board-players").is_selected()
    assert driver.find_element(By.ID, "period-week").is_selected()

    assert driver.find_element(By.ID, "hiscore-period-note").is_displayed()  # UTC days

    # A phone's width: the players board fits, neither the page nor the table scrolls sideways.
    driver.set_window_size(390, 844)
    for box in ("document.documentElement", "document.querySelector('.table-responsive')"):
        overflow = driver.execute_script(f"return {box}.scrollWidth - {box}.clientWidth")
        assert overflow <= 0, box
    assert dash_duo.get_logs() == []


def test_switching_the_maximum_mid_game_asks_first(dash_duo, make_app, redis_prefix):
    app = make_app(REDIS_KEY_PREFIX=redis_prefix)
    dash_duo.start_server(app)
    driver = dash_duo.driver
    dash_duo.reset_log_timestamp()
    driver.get(dash_duo.server_url + f"/guess/?max_value={MAX}&user=Ann")
    _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#hiscore-body tr"))
    warning = driver.find_element(By.ID, "switch-warning")

    # Before any guess there is no game to lose: the maximum just changes.
    Select(driver.find_element(By.ID, "max-value")).select_by_value("10")
    assert not warning.is_displayed()
    assert _text(driver, "par-line").startswith("Par 4:")
    Select(driver.find_element(By.ID, "max-value")).select_by_value(str(MAX))

    # A game in play: a first guess that is not right (a lucky one just starts another game).
    for value in (13, 12, 14, 11):
        _guess(driver, value, 1)
        if _guess_results(driver) == ["correct"]:
            driver.find_element(By.ID, "new-game").click()
            continue
        break
    else:
        pytest.fail("four lucky first guesses in a row")

    select = Select(driver.find_element(By.ID, "max-value"))
    select.select_by_value("100")
    _wait(driver, lambda d: warning.is_displayed())
    text = _text(driver, "switch-warning-text")
    assert "numbers up to 100" in text and f"{PAR + 1} guesses (par + 1)" in text
    assert _text(driver, "switch-confirm") == "Switch anyway"
    assert driver.switch_to.active_element.get_attribute("id") == "switch-cancel"
    driver.find_element(By.ID, "switch-cancel").click()  # "Keep playing"
    assert not warning.is_displayed()
    assert select.first_selected_option.get_attribute("value") == str(MAX)
    assert _guess_results(driver) != [] and _text(driver, "max-label") == str(MAX)
    assert f"max_value={MAX}" in driver.current_url

    # New game asks too; Escape keeps playing.
    driver.find_element(By.ID, "new-game").click()
    _wait(driver, lambda d: warning.is_displayed())
    driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    assert not warning.is_displayed() and len(_guess_results(driver)) == 1

    select.select_by_value("100")
    _wait(driver, lambda d: warning.is_displayed())
    driver.find_element(By.ID, "switch-confirm").click()
    assert not warning.is_displayed()
    assert _guess_results(driver) == []
    assert _text(driver, "max-label") == "100"
    assert _text(driver, "par-line").startswith("Par 7:")
    assert "max_value=100" in driver.current_url
    assert dash_duo.get_logs() == []
