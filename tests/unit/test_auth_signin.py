"""Signing in and out with a password: the session cookie, its end, password change, throttling."""

from __future__ import annotations

import json

from tests.unit.auth_support import *  # noqa: F403  (the access fixtures)
from tests.unit.auth_support import PASSWORD, sign_in
from web.auth.cookie import COOKIE_NAME
from web.auth.devices import COOKIE as DEVICE_COOKIE

PAGE = "/"


def _cookie(client) -> str:
    return client.get_cookie(COOKIE_NAME).value


def _with_cookie(app, value: str):
    other = app.server.test_client()
    other.set_cookie(COOKIE_NAME, value, domain="localhost")
    return other


def test_a_right_password_signs_in_with_a_safe_cookie(auth_app, ann):
    client = auth_app.server.test_client()
    response = sign_in(client)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    header = response.headers["Set-Cookie"]
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Secure" not in header
    assert client.get(PAGE).status_code == 200
    assert client.get("/data/kpis/").status_code == 200


def test_the_cookie_is_secure_behind_tls(make_app, tmp_path, ann):
    app = make_app(AUTH="on", ACCOUNTS_DATABASE=str(tmp_path / "accounts.sqlite"))
    client = app.server.test_client()
    response = client.post(
        "/signin",
        base_url="https://localhost",
        data={"name": "ann", "password": PASSWORD},
        headers={"Origin": "https://localhost"},
    )
    assert "Secure" in response.headers["Set-Cookie"]


def test_a_wrong_password_or_name_is_refused_and_audited(auth_app, ann, tmp_path):
    client = auth_app.server.test_client()
    for name, password in (("ann", "wrong password"), ("nobody", PASSWORD), ("ann", "")):
        response = sign_in(client, name, password)
        assert response.status_code == 401
        assert b"Wrong name or password." in response.data
        assert client.get_cookie(COOKIE_NAME) is None
    assert client.get("/data/kpis/").status_code == 401
    lines = [json.loads(line) for line in (tmp_path / "audit.log").read_text().splitlines()]
    assert [line["event"] for line in lines].count("signin_failed") == 3
    assert PASSWORD not in (tmp_path / "audit.log").read_text()


def test_signing_out_ends_the_session_at_once(auth_app, ann):
    client = auth_app.server.test_client()
    sign_in(client)
    old = _cookie(client)
    response = client.post("/signout", headers={"Origin": "http://localhost"})
    assert response.status_code == 302 and response.headers["Location"] == "/signin"
    # The old cookie, replayed, signs no one in: the session row is gone.
    assert _with_cookie(auth_app, old).get("/data/kpis/").status_code == 401


def test_disabling_an_account_ends_its_sessions(auth_app, store, ann):
    client = auth_app.server.test_client()
    sign_in(client)
    assert client.get("/data/kpis/").status_code == 200
    store.disable("ann")
    assert client.get("/data/kpis/").status_code == 401
    assert client.get(PAGE).headers["Location"].startswith("/signin?next=")


def test_changing_the_password(auth_app, store, ann):
    client = auth_app.server.test_client()
    sign_in(client)
    elsewhere = _with_cookie(auth_app, _cookie(client))
    assert client.get("/account/password").status_code == 200
    form = {"current": "not it", "new": "a new secret!", "repeat": "a new secret!"}
    origin = {"Origin": "http://localhost"}
    response = client.post("/account/password", data=form, headers=origin)
    assert response.status_code == 400 and b"current password is not right" in response.data
    short = {"current": PASSWORD, "new": "short", "repeat": "short"}
    assert client.post("/account/password", data=short, headers=origin).status_code == 400
    response = client.post("/account/password", data={**form, "current": PASSWORD}, headers=origin)
    assert response.status_code == 200 and b"password is changed" in response.data
    # This browser stays signed in; a session elsewhere (the old cookie) is ended.
    assert client.get("/data/kpis/").status_code == 200
    assert elsewhere.get("/data/kpis/").status_code == 401
    assert store.verify("ann", "a new secret!") is not None
    assert sign_in(auth_app.server.test_client()).status_code == 401


def test_failed_sign_ins_wait_and_a_success_clears_the_count(auth_app, ann):
    client = auth_app.server.test_client()
    for _ in range(4):
        assert sign_in(client, password="wrong").status_code == 401
    assert sign_in(client).status_code == 302  # the account's count starts again
    for _ in range(5):
        assert sign_in(client, password="wrong").status_code == 401
    response = sign_in(client)  # the right password waits too: no guessing while throttled
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 900
    assert b"Too many failed sign-ins" in response.data


def test_one_client_failing_on_many_names_waits(auth_app, store):
    client = auth_app.server.test_client()
    for index in range(20):
        assert sign_in(client, f"name{index}", "wrong").status_code == 401
    assert sign_in(client, "someone-else", "wrong").status_code == 429
    # Another address is not slowed down by this one.
    store.create("bob", "viewer", password=PASSWORD)
    other = auth_app.server.test_client()
    response = other.post(
        "/signin",
        data={"name": "bob", "password": PASSWORD},
        headers={"Origin": "http://localhost"},
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
    )
    assert response.status_code == 302


def test_the_one_time_link_signs_in_once(auth_app, store):
    from web.auth.startup import local_signin_link

    link = local_signin_link(auth_app.server.config, store)
    assert link.startswith("http://127.0.0.1:8050/signin/link?token=")
    path = link.split("8050", 1)[1]
    client = auth_app.server.test_client()
    response = client.get(path)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/data/kpis/").status_code == 200
    assert store.get("local").role == "admin"
    assert auth_app.server.test_client().get(path).status_code == 401  # spent


def test_answers_for_a_signed_in_person_are_never_kept_by_a_shared_cache(auth_app, ann):
    client = auth_app.server.test_client()
    sign_in(client)
    for path in ("/data/kpis/", "/_dash-layout", "/data/dimensions/"):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert answer.headers["Cache-Control"].startswith("private"), path
        assert {"Cookie", "Authorization"} <= set(answer.headers.get_all("Vary")), path
    shared = client.get("/assets/dashboard.css")
    assert "private" not in shared.headers.get("Cache-Control", "")


def test_others_failures_never_make_the_real_user_of_a_known_browser_wait(auth_app, store, ann):
    own = {"Origin": "http://localhost"}
    usual = auth_app.server.test_client()  # ann's own browser: signed in here before
    assert sign_in(usual).status_code == 302
    assert usual.get_cookie(DEVICE_COOKIE, path="/signin").http_only
    assert usual.post("/signout", headers=own).status_code == 302
    attacker = auth_app.server.test_client()
    for address in ("10.9.0.1", "10.9.0.2", "10.9.0.3", "10.9.0.4", "10.9.0.5", "10.9.0.6"):
        attacker.post(
            "/signin",
            data={"name": "ann", "password": "guess"},
            headers=own,
            environ_base={"REMOTE_ADDR": address},
        )
    stranger = auth_app.server.test_client()
    assert sign_in(stranger).status_code == 429  # an unknown browser waits for the account
    assert sign_in(usual).status_code == 302  # ann's own browser does not
    # A device cookie names one account: it does not help with another.
    store.create("bob", "viewer", password=PASSWORD)
    for _ in range(5):
        sign_in(attacker, "bob", "guess")
    assert sign_in(usual, "bob").status_code == 429
