"""Single sign-on against a real OpenID Connect provider (tests/oidc_provider/, on Node.js): the
app on a real HTTP server, a browser's part played by requests, nothing of the client mocked."""

from __future__ import annotations

import json
import logging
import re
import threading
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask import g, jsonify
from werkzeug.serving import make_server

from web.auth.accounts import accounts

PEOPLE = {
    "ann": {"password": "ann-pw", "email": "ann@example.com", "groups": ["rb-admins"]},
    "vic": {"password": "vic-pw", "groups": ["rb-viewers", "rb-market-de"]},
    "nob": {"password": "nob-pw", "groups": ["marketing"]},
    "carol": {"password": "carol-pw", "groups": ["rb-admins"]},
}
SETTINGS = {
    "OIDC_SCOPES": "openid email profile groups",
    "OIDC_ADMIN_GROUPS": "rb-admins",
    "OIDC_VIEWER_GROUPS": "rb-viewers",
    "OIDC_LIMITS": "rb-market-de:market=DE;rb-market-us:market=US",
}


@pytest.fixture
def sso(make_app, oidc_provider):
    """start(rogue_jwks=False) -> (app URL, app): the app, signing in with a fresh provider."""
    servers = []

    def start(rogue_jwks=False):
        http = make_server("127.0.0.1", 0, None, threaded=True)
        base = f"http://127.0.0.1:{http.server_port}"
        provider = oidc_provider([base + "/signin/oidc/callback"], PEOPLE, rogue_jwks=rogue_jwks)
        app = make_app(
            AUTH="on",
            OIDC_ISSUER=provider.issuer,
            OIDC_CLIENT_ID=provider.client_id,
            OIDC_CLIENT_SECRET=provider.client_secret,
            **SETTINGS,
        )
        server = app.server

        # What the guard decided for this request, to check the mapped scope.
        @server.get("/data/test-principal")
        def principal():
            scope = g.reelboard_scope or {}
            return jsonify(
                user=g.principal.name,
                role=g.principal.role,
                scope={name: sorted(values) for name, values in scope.items()},
            )

        http.app = server
        thread = threading.Thread(target=http.serve_forever, daemon=True)
        thread.start()
        servers.append((http, thread))
        return base, server

    yield start
    for http, thread in servers:
        http.shutdown()
        thread.join(timeout=10)


def provider_login(browser: requests.Session, base: str, login: str, password: str):
    """Start at /signin/oidc, fill in the provider's form; the answer at the app's callback
    (not followed, so a test sees it)."""
    form = browser.get(base + "/signin/oidc?next=/data/test-principal", timeout=10)
    assert form.status_code == 200, form.text
    action = re.search(r'action="([^"]+)"', form.text).group(1)
    answer = browser.post(
        urlsplit(form.url)._replace(path=action, query="").geturl(),
        data={"login": login, "password": password},
        allow_redirects=False,
        timeout=10,
    )
    # The provider sends the browser on (303s) until it reaches the app's callback.
    while answer.is_redirect and not answer.headers["Location"].startswith(base):
        answer = browser.get(
            requests.compat.urljoin(answer.url, answer.headers["Location"]),
            allow_redirects=False,
            timeout=10,
        )
    assert answer.is_redirect, answer.text
    return answer.headers["Location"]


def sign_in(browser, base, login, password):
    """The whole flow; the app's answer to the callback."""
    callback = provider_login(browser, base, login, password)
    return browser.get(callback, allow_redirects=False, timeout=10)


@pytest.fixture
def refusals(caplog):
    """() -> the reasons of the audit log's signin_failed lines so far."""
    caplog.set_level(logging.INFO, logger="reelboard.audit")

    def reasons():
        lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "reelboard.audit"]
        return [line["reason"] for line in lines if line["event"] == "signin_failed"]

    return reasons


def test_admin_group_signs_in_as_unlimited_admin(sso):
    base, server = sso()
    browser = requests.Session()
    assert browser.get(base + "/data/test-principal", timeout=10).status_code == 401
    answer = sign_in(browser, base, "ann", "ann-pw")
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith("/data/test-principal")
    who = browser.get(base + "/data/test-principal", timeout=10)
    assert who.json() == {"user": "ann", "role": "admin", "scope": {}}
    account = accounts(server).get("ann")
    assert (account.source, account.role, account.has_password) == ("oidc", "admin", False)


def test_viewer_is_limited_to_the_groups_markets(sso):
    base, server = sso()
    browser = requests.Session()
    assert sign_in(browser, base, "vic", "vic-pw").status_code == 302
    who = browser.get(base + "/data/test-principal", timeout=10).json()
    assert who == {"user": "vic", "role": "viewer", "scope": {"market": ["DE"]}}
    assert accounts(server).get("vic").scope == {"market": frozenset({"DE"})}
    # The session reaches /data itself, and the page is no longer a redirect to sign in.
    assert browser.get(base + "/data/kpis/", timeout=30).status_code == 200
    assert browser.get(base + "/", allow_redirects=False, timeout=30).status_code == 200


def test_person_in_no_allowed_group_is_refused(sso, refusals):
    base, server = sso()
    browser = requests.Session()
    answer = sign_in(browser, base, "nob", "nob-pw")
    assert answer.status_code == 403
    assert "none of the groups allowed" in answer.text
    assert "Traceback" not in answer.text
    assert accounts(server).get("nob") is None
    assert refusals() == ["your account is in none of the groups allowed to use Reelboard"]
    assert browser.get(base + "/data/test-principal", timeout=10).status_code == 401


def test_local_account_of_the_same_name_is_never_taken_over(sso):
    base, server = sso()
    accounts(server).create("carol", "viewer", password="carol-local-password")
    browser = requests.Session()
    answer = sign_in(browser, base, "carol", "carol-pw")
    assert answer.status_code == 403
    assert "exists on this server already" in answer.text
    assert accounts(server).get("carol").source == "local"
    assert browser.get(base + "/data/test-principal", timeout=10).status_code == 401


def test_disabled_account_stays_out(sso):
    base, server = sso()
    assert sign_in(requests.Session(), base, "vic", "vic-pw").status_code == 302
    accounts(server).disable("vic")
    browser = requests.Session()
    answer = sign_in(browser, base, "vic", "vic-pw")
    assert answer.status_code == 403
    assert "disabled" in answer.text
    assert browser.get(base + "/data/test-principal", timeout=10).status_code == 401


def test_wrong_state_is_refused(sso, refusals):
    base, _ = sso()
    browser = requests.Session()
    callback = provider_login(browser, base, "ann", "ann-pw")
    parts = urlsplit(callback)
    query = parse_qs(parts.query)
    forged = f"{base}{parts.path}?code={query['code'][0]}&state=not-the-state"
    answer = browser.get(forged, allow_redirects=False, timeout=10)
    assert answer.status_code == 403
    assert refusals() == [
        "mismatching_state: CSRF Warning! State not equal in request and response."
    ]
    assert browser.get(base + "/data/test-principal", timeout=10).status_code == 401


def test_replayed_callback_is_refused(sso, refusals):
    base, _ = sso()
    browser = requests.Session()
    callback = provider_login(browser, base, "ann", "ann-pw")
    cookie_before = browser.cookies.get("reelboard_session", domain="127.0.0.1")
    assert browser.get(callback, allow_redirects=False, timeout=10).status_code == 302
    # Once more with the signed-in cookie (the state is spent) ...
    assert browser.get(callback, allow_redirects=False, timeout=10).status_code == 403
    # ... and by someone holding the cookie from before (the state is there, the code spent).
    thief = requests.Session()
    thief.cookies.set("reelboard_session", cookie_before, domain="127.0.0.1")
    answer = thief.get(callback, allow_redirects=False, timeout=10)
    assert answer.status_code == 403
    assert thief.get(base + "/data/test-principal", timeout=10).status_code == 401
    spent_state, spent_code = refusals()
    assert spent_state.startswith("mismatching_state")
    assert spent_code.startswith("invalid_grant")


def test_id_token_signed_with_another_key_is_refused(sso, refusals):
    base, server = sso(rogue_jwks=True)
    browser = requests.Session()
    answer = sign_in(browser, base, "ann", "ann-pw")
    assert answer.status_code == 403
    assert "could not be verified" in answer.text
    assert [reason.split(":")[0] for reason in refusals()] == ["bad_signature"]
    assert accounts(server).get("ann") is None
    assert browser.get(base + "/data/test-principal", timeout=10).status_code == 401


def test_provider_unreachable_is_a_clear_page(make_app):
    app = make_app(AUTH="on", OIDC_ISSUER="http://127.0.0.1:9", OIDC_CLIENT_ID="x", **SETTINGS)
    answer = app.server.test_client().get("/signin/oidc")
    assert answer.status_code == 502
    assert b"could not be reached" in answer.data
