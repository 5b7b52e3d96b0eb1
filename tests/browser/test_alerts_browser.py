"""The Alerts card in Chromium: a stored rule and its history shown, a rule added from the form,
its text shown literally; no console errors. One page load for every check."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from data.alerts.conditions import check_rule
from layouts import ids
from tests.browser.test_dashboard import wait_ready, wait_until
from web.alerts.runner import alert_store, evaluator


def test_the_alerts_card_lists_and_adds_rules(make_app, start_app):
    app = make_app()
    rule = {
        "name": "<b>Busy</b> day",
        "metric": "views",
        "condition": {"kind": "above", "value": 0},
        "channels": {"webhook": "http://127.0.0.1:9/hook"},  # nobody there: a failed delivery
    }
    alert_store(app.server).add_rule(check_rule(rule, "tester"))
    with app.server.app_context():
        evaluator(app.server).run()
    duo = start_app(app)
    wait_ready(duo)
    card = duo.find_element(f"#{ids.ALERTS_CARD}")
    duo.driver.execute_script("arguments[0].scrollIntoView()", card)
    rules = wait_until(
        lambda: "Busy" in card.text and duo.find_element(f"#{ids.ALERTS_RULES}").text,
        "the rules to be listed",
    )
    assert "firing" in rules and "#1 <b>Busy</b> day: Views above 0" in rules
    history = duo.find_element(f"#{ids.ALERTS_HISTORY}").text
    assert "fired" in history and "failed" in history
    assert not card.find_elements(By.TAG_NAME, "b")  # the name is text, never markup
    duo.find_element(f"#{ids.ALERTS_NAME}").send_keys("SE unusual")
    Select(duo.find_element(f"#{ids.ALERTS_DIMENSION}")).select_by_value("market")
    duo.find_element(f"#{ids.ALERTS_VALUE_FILTER}").send_keys("SE")
    duo.find_element(f"#{ids.ALERTS_EMAIL}").send_keys("ops@example.com")
    duo.find_element(f"#{ids.ALERTS_ADD}").click()
    wait_until(
        lambda: "Added rule #2" in duo.find_element(f"#{ids.ALERTS_MESSAGE}").text,
        "the rule to be added",
    )
    assert "#2 SE unusual: Unique users outside its expected range" in (
        duo.find_element(f"#{ids.ALERTS_RULES}").text
    )
    assert [r["name"] for r in alert_store(app.server).rules()] == ["<b>Busy</b> day", "SE unusual"]
    assert duo.get_logs() == []
