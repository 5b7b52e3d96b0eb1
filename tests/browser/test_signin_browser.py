"""Sign-in in Chromium against gunicorn with AUTH on: with a password and with single sign-on
(the test OIDC provider); a viewer limited to one market sees only it; sign-out ends the session."""

from __future__ import annotations

import shutil
from urllib.parse import urlsplit

import pytest
import requests
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from data.accounts.store import AccountStore
from layouts import ids
from testkit.chromium import PAGE_READY_JS, TEST_ARGS, chrome_options
from testkit.serving import make_server
from web.auth.cookie import COOKIE_NAME

pytestmark = pytest.mark.browser

TIMEOUT = 30  # the first page of a fresh gunicorn worker builds its analytics
MARKET = "SE"  # one of the demo data's markets (data/events/ingest/demo_data.py)
ADMIN = ("boss", "boss-password-1")
VIEWER = ("sven", "sven-password-1")
PEOPLE = {"vic": {"password": "vic-password-1", "groups": ["rb-viewers", "rb-market-se"]}}
SSO_SETTINGS = {
    "OIDC_SCOPES": "openid email profile groups",
    "OIDC_VIEWER_GROUPS": "rb-viewers",
    "OIDC_LIMITS": f"rb-market-se:market={MARKET}",
}
MARKET_FILTER = ids.DIMENSION_FILTERS["market"]
# What the page's own script can do with the cookie it holds (a fetch sends it; HttpOnly hides
# it from the script): the status /data answers.
FETCH_STATUS_JS = """
const done = arguments[arguments.length - 1];
fetch(arguments[0], {credentials: 'same-origin'}).then(r => done(r.status), e => done(String(e)));
"""


@pytest.fixture
def served(tmp_path, demo_template):
    """start(**env) -> a gunicorn Server with AUTH on, the small demo data and an accounts file
    holding an admin and a viewer limited to MARKET; prepare(**env) makes it without starting
    it (so that the OIDC provider can learn its address first)."""
    events = tmp_path / "events.sqlite"
    template = demo_template(5_000, 1)
    shutil.copy(template, events)
    shutil.copytree(f"{template}.rollups", f"{events}.rollups")
    accounts_file = tmp_path / "accounts.sqlite"
    store = AccountStore(accounts_file)
    store.create(ADMIN[0], "admin", password=ADMIN[1])
    store.create(VIEWER[0], "viewer", scope={"market": frozenset({MARKET})}, password=VIEWER[1])
    servers = []

    def prepare(**env):
        env = {"AUTH": "on", "ACCOUNTS_DATABASE": str(accounts_file), **env}
        server = make_server(tmp_path / f"run{len(servers)}", events, workers=2, **env)
        servers.append(server)
        return server

    yield prepare
    for server in servers:
        server.__exit__(None, None, None)


@pytest.fixture
def chrome():
    """Headless Chromium with its console readable (driver.get_log("browser"))."""
    options = chrome_options(*TEST_ARGS)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options)
    yield driver
    driver.quit()


def wait(driver, condition, what: str, timeout: float = TIMEOUT):
    """Poll condition(driver) until truthy; fail naming what was awaited and where we are."""
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.1).until(condition)
    except Exception:
        pytest.fail(f"timed out waiting for {what} (at {driver.current_url})")


def path_of(driver) -> str:
    return urlsplit(driver.current_url).path


def admin_kpis(server, **query) -> dict:
    """/data/kpis/ as the unlimited admin sees it (signed in with requests, like a browser)."""
    browser = requests.Session()
    answer = browser.post(
        server.url("/signin"),
        data={"name": ADMIN[0], "password": ADMIN[1], "next": "/"},
        headers={"Origin": server.base_url},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert answer.status_code == 302, answer.text
    kpis = browser.get(server.url("/data/kpis/"), params=query, timeout=TIMEOUT)
    assert kpis.status_code == 200, kpis.text
    return kpis.json()


def console_errors(driver, elsewhere: str | None = None) -> list[dict]:
    """The console's errors since the last call (reading the log empties it), but for those
    of the pages at `elsewhere` (the test provider's: it has no favicon)."""
    return [
        entry
        for entry in driver.get_log("browser")
        if entry["level"] == "SEVERE" and not (elsewhere and elsewhere + "/" in entry["message"])
    ]


def sign_in_with_password(driver, name: str, password: str) -> None:
    driver.find_element(By.ID, "signin-name").clear()
    driver.find_element(By.ID, "signin-name").send_keys(name)
    driver.find_element(By.ID, "signin-password").send_keys(password)
    driver.find_element(By.ID, "signin-button").click()


def kpi_text(driver, component: str) -> str:
    return driver.find_element(By.ID, component).text.replace("\n", "").strip()


def market_options(driver) -> list[str]:
    """The market filter's options as the list shows them (opened, read, closed again)."""
    driver.find_element(By.ID, MARKET_FILTER).click()
    labels = wait(
        driver,
        lambda d: [o.text for o in d.find_elements(By.CSS_SELECTOR, "[role=option]")],
        "the market options",
    )
    driver.find_element(By.TAG_NAME, "body").send_keys("\ue00c")  # Escape closes the list
    return labels


def check_limited_dashboard(driver, server) -> None:
    """The page is drawn with the viewer's limit: the cards hold MARKET's figures, the market
    filter offers MARKET alone, and /data answers the same from inside the browser."""
    wait(driver, lambda d: d.execute_script(PAGE_READY_JS), "the dashboard to render")
    everything, limited = admin_kpis(server), admin_kpis(server, market=MARKET)
    assert limited["views"] < everything["views"]
    wait(
        driver,
        lambda d: kpi_text(d, ids.KPI_VIEWS) == f"{limited['views']:,}",
        f"{limited['views']:,} views on the card",
    )
    assert kpi_text(driver, ids.KPI_UNIQUE_USERS) == f"{limited['unique_users']:,}"
    assert market_options(driver) == [f"{MARKET} ({limited['views']:,})"]
    own = driver.execute_script(
        "const r = await fetch('/data/kpis/', {credentials: 'same-origin'}); return r.json();"
    )
    assert (own["views"], own["unique_users"]) == (limited["views"], limited["unique_users"])


def sign_out(driver) -> None:
    """Sign out with the page's own button: the dashboard's, else the password page's."""
    buttons = driver.find_elements(By.CSS_SELECTOR, "form[action='/signout'] button")
    if not buttons:
        driver.get(_origin(driver) + "/account/password")
        buttons = wait(
            driver, lambda d: d.find_elements(By.ID, "signout-button"), "the sign-out button"
        )
    buttons[0].click()
    wait(driver, lambda d: path_of(d) == "/signin", "the sign-in page after signing out")


def _origin(driver) -> str:
    parts = urlsplit(driver.current_url)
    return f"{parts.scheme}://{parts.netloc}"


def sign_out_and_check(driver, server) -> None:
    """Sign out; the old session is over: /data refuses the browser even when it puts the old
    cookie back (sign-out ends the session on the server, not only in the browser), and the
    page sends it to sign in."""
    old = driver.get_cookie(COOKIE_NAME)
    assert old is not None
    assert (old["httpOnly"], old["sameSite"]) == (True, "Lax")
    driver.set_script_timeout(TIMEOUT)
    assert driver.execute_async_script(FETCH_STATUS_JS, "/data/kpis/") == 200
    sign_out(driver)
    assert driver.get_cookie(COOKIE_NAME) is None
    assert driver.execute_async_script(FETCH_STATUS_JS, "/data/kpis/") == 401
    driver.add_cookie({"name": COOKIE_NAME, "value": old["value"], "path": "/"})
    assert driver.execute_async_script(FETCH_STATUS_JS, "/data/kpis/") == 401
    driver.get(server.url("/"))
    wait(driver, lambda d: path_of(d) == "/signin", "the redirect to sign in")


def test_password_sign_in_sees_one_market_and_signs_out(served, chrome):
    server = served().start()
    chrome.get(server.url("/"))
    wait(chrome, lambda d: path_of(d) == "/signin", "the redirect to /signin")
    # The sign-in page is styled: its stylesheet was served before anyone signed in.
    button = chrome.find_element(By.ID, "signin-button")
    assert button.value_of_css_property("background-color") not in ("", "rgba(0, 0, 0, 0)")

    sign_in_with_password(chrome, VIEWER[0], "not-the-password")
    error = wait(
        chrome,
        lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid=signin-error]"),
        "the error message",
    )
    assert "Wrong name or password" in error[0].text
    assert path_of(chrome) == "/signin"
    assert chrome.find_element(By.ID, "signin-name").get_attribute("value") == VIEWER[0]
    console_errors(chrome)  # the refused form answered 401: a console line, not the page's

    sign_in_with_password(chrome, VIEWER[0], VIEWER[1])
    wait(chrome, lambda d: path_of(d) == "/", "the dashboard after signing in")
    check_limited_dashboard(chrome, server)
    assert console_errors(chrome) == []

    sign_out_and_check(chrome, server)


def test_single_sign_on_sees_one_market_and_signs_out(served, oidc_provider, chrome):
    server = served()
    provider = oidc_provider([server.url("/signin/oidc/callback")], PEOPLE)
    server.env.update(
        OIDC_ISSUER=provider.issuer,
        OIDC_CLIENT_ID=provider.client_id,
        OIDC_CLIENT_SECRET=provider.client_secret,
        **SSO_SETTINGS,
    )
    server.start()
    chrome.get(server.url("/"))
    wait(chrome, lambda d: path_of(d) == "/signin", "the redirect to /signin")
    chrome.find_element(By.ID, "signin-oidc").click()

    # The provider's own login form, on its own address.
    login = wait(chrome, lambda d: d.find_elements(By.NAME, "login"), "the provider's form")
    assert chrome.current_url.startswith(provider.issuer)
    login[0].send_keys("vic")
    chrome.find_element(By.NAME, "password").send_keys(PEOPLE["vic"]["password"])
    chrome.find_element(By.CSS_SELECTOR, "button[type=submit]").click()

    wait(
        chrome,
        lambda d: d.current_url.startswith(server.base_url) and path_of(d) == "/",
        "the dashboard after single sign-on",
    )
    check_limited_dashboard(chrome, server)
    assert console_errors(chrome, elsewhere=provider.issuer) == []

    sign_out_and_check(chrome, server)
