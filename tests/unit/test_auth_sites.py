"""Tokens for scripts, the same-site check of unsafe requests, the host names the app answers
to, and the settings a server refuses to start with."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from config import PROJECT_ROOT, ConfigError
from tests.unit.auth_support import *  # noqa: F403  (the access fixtures)
from tests.unit.auth_support import OWN_ORIGIN, sign_in
from web.auth.startup import first_signin_link, serve_refusal

PING = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
DASH_UPDATE = "/_dash-update-component"


def _bearer(text: str) -> dict:
    return {"Authorization": f"Bearer {text}"}


def test_a_token_opens_the_data_and_mcp_but_not_the_page(auth_app, store, ann):
    _, token = store.create_token("ann", None)
    client = auth_app.server.test_client()
    assert client.get("/data/kpis/", headers=_bearer(token)).status_code == 200
    assert client.get("/openapi.json", headers=_bearer(token)).status_code == 200
    assert client.post("/_mcp", json=PING, headers=_bearer(token)).status_code == 200
    assert client.post("/_mcp", json=PING).status_code == 401
    # A token stands for a sign-in only where scripts go: the page still wants one.
    assert client.get("/", headers=_bearer(token)).headers["Location"].startswith("/signin")
    assert client.get("/data/kpis/").status_code == 401  # the token set no cookie


def test_a_wrong_or_revoked_token_is_a_401(auth_app, store, ann):
    token_id, token = store.create_token("ann", None)
    client = auth_app.server.test_client()
    response = client.get("/data/kpis/", headers=_bearer(token + "x"))
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")
    store.revoke_token(token_id)
    assert client.get("/data/kpis/", headers=_bearer(token)).status_code == 401


def _dash_update(client, origin: str | None = None, referer: str | None = None):
    headers = {key: value for key, value in (("Origin", origin), ("Referer", referer)) if value}
    # An unknown output: Dash's answer is a 400 or so; only the guard answers 401/403.
    body = {"output": "nothing.children", "outputs": {}, "inputs": [], "changedPropIds": []}
    return client.post(DASH_UPDATE, json=body, headers=headers)


def test_a_callback_with_the_cookie_from_another_site_is_refused(auth_app, ann):
    client = auth_app.server.test_client()
    sign_in(client)
    assert _dash_update(client, "http://attacker.example").status_code == 403
    assert _dash_update(client, "null").status_code == 403
    # Another port of this machine is another program's page, though the browser sends it
    # our cookie; and a URL with a user name is no browser's Origin.
    assert _dash_update(client, "http://localhost:1234").status_code == 403
    assert _dash_update(client, "http://evil@localhost").status_code == 403
    # A trailing dot names the same host, as the Host check reads it.
    assert _dash_update(client, "http://localhost.").status_code not in (401, 403)
    assert _dash_update(client).status_code == 403  # neither Origin nor Referer
    assert _dash_update(client, referer="http://attacker.example/page").status_code == 403
    for passing in (
        _dash_update(client, OWN_ORIGIN),
        _dash_update(client, referer="http://127.0.0.1/"),
    ):
        assert passing.status_code not in (401, 403), passing.data
    # Sign-out and the sign-in form are checked even without a cookie.
    other = auth_app.server.test_client()
    forged = other.post("/signin", data={"name": "ann"}, headers={"Origin": "http://evil"})
    assert forged.status_code == 403
    assert client.post("/signout", headers={"Origin": "http://evil"}).status_code == 403
    assert client.get("/data/kpis/").status_code == 200  # still signed in


def test_a_token_request_needs_no_origin(auth_app, store, ann):
    _, token = store.create_token("ann", None)
    response = auth_app.server.test_client().post("/_mcp", json=PING, headers=_bearer(token))
    assert response.status_code == 200


@pytest.mark.parametrize("auth", ["on", "off"])
@pytest.mark.parametrize(
    "method,path",
    [
        ("GET", "/data/kpis/"),
        ("POST", "/_mcp"),
        ("POST", "/guess/start"),
        ("GET", "/guess/hiscore"),
    ],
)
def test_another_host_name_gets_400(make_app, tmp_path, auth, method, path):
    app = make_app(AUTH=auth, ACCOUNTS_DATABASE=str(tmp_path / "accounts.sqlite"))
    client = app.server.test_client()
    response = client.open(path, method=method, json={}, base_url="http://attacker.example:8050")
    assert response.status_code == 400
    assert "ALLOWED_HOSTS" in response.get_json()["error"]
    for host in ("localhost:8050", "127.0.0.1", "[::1]:8050"):
        answer = client.open(path, method=method, json={}, headers={"Host": host})
        assert answer.status_code != 400 or "ALLOWED_HOSTS" not in answer.get_data(as_text=True)


def test_allowed_hosts_is_configurable(make_app):
    app = make_app(ALLOWED_HOSTS="reelboard.example.com")
    client = app.server.test_client()
    assert client.get("/healthz", base_url="http://reelboard.example.com").status_code == 200
    assert client.get("/healthz").status_code == 400  # localhost is no longer one of them


def _start(tmp_path, argv: list[str], **settings) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL", "AUTH")}
    env.update(INSTANCE_PATH=str(tmp_path / "instance"), SECRET_KEY="test", **settings)
    return subprocess.run(
        [sys.executable, *argv],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_auth_off_is_refused_off_loopback(make_app, tmp_path):
    with pytest.raises(ConfigError, match="AUTH=off is refused on HOST=0.0.0.0"):
        make_app(AUTH="off", HOST="0.0.0.0")
    done = _start(tmp_path, ["dashboard_app.py"], AUTH="off", HOST="0.0.0.0")
    assert done.returncode == 1
    assert done.stderr.strip().startswith("Error: AUTH=off is refused on HOST=0.0.0.0")
    assert "Traceback" not in done.stderr


def test_gunicorn_refuses_an_open_door(tmp_path, free_port_number):
    gunicorn = ["-m", "gunicorn", "-c", "gunicorn.conf.py", "dashboard_app:server"]
    done = _start(tmp_path, gunicorn, HOST="0.0.0.0", PORT=str(free_port_number))
    assert done.returncode != 0
    line = "Error: nobody can sign in to a server on HOST=0.0.0.0: create an account with"
    assert line in done.stderr and "Traceback" not in done.stderr


@pytest.fixture
def free_port_number() -> int:
    from testkit.ports import free_port

    return free_port()


def test_serving_off_loopback_needs_an_account_or_oidc(auth_app, store):
    config = dict(auth_app.server.config)
    assert serve_refusal(config, store) is None  # loopback
    config["HOST"] = "0.0.0.0"
    refusal = serve_refusal(config, store)
    assert "flask --app dashboard_app users create NAME --role admin" in refusal
    store.create("local", "admin")  # make run's passwordless account opens nothing remotely
    assert serve_refusal(config, store) is not None
    assert (
        serve_refusal({**config, "OIDC_ISSUER": "https://id", "OIDC_CLIENT_ID": "x"}, store) is None
    )
    store.create("ann", "admin", password="a long password")
    assert serve_refusal(config, store) is None


def test_serving_on_this_machine_with_nobody_to_sign_in_prints_the_one_time_link(auth_app, store):
    config = dict(auth_app.server.config)
    link = first_signin_link(config, store)  # a fresh machine: make serve is one command too
    assert link.startswith(f"http://127.0.0.1:{config['PORT']}/signin/link?token=")
    client = auth_app.server.test_client()
    assert client.get(link.split(str(config["PORT"]), 1)[1]).status_code == 302
    assert client.get("/data/kpis/").status_code == 200  # signed in as the local admin
    assert first_signin_link(config, store) is not None  # `local` has no password: still none
    store.create("ann", "admin", password="a long password")
    assert first_signin_link(config, store) is None  # someone can sign in: no link, no account
    assert first_signin_link({**config, "HOST": "0.0.0.0"}, store) is None
