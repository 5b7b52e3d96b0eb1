"""Every route of the app answers 401 (JSON) or a redirect to /signin without a sign-in, except
the public ones; walked from the URL map, so that a route added later cannot be forgotten."""

from __future__ import annotations

import re

import pytest

from tests.unit.auth_support import *  # noqa: F403  (the access fixtures)
from tests.unit.auth_support import sign_in
from web.auth.paths import is_public

# A sample value per converter (the rule's argument name when it matters).
SAMPLES = {
    "metric": "unique_users",
    "rest": "nothing",
    "game_id": "0" * 32,
    "filename": "dashboard-live.js",
    "package_name": "dash",
    "fingerprinted_path": "dash-renderer/build/dash_renderer.v1.min.js",
    "path": "some/page",
    "ident": "1",
    "rule_id": "1",
}
PUBLIC = {
    "/healthz",
    "/signin",
    "/signin/link",
    "/signout",
    "/_favicon.ico",
    "/guess/",
    "/guess/start",
    "/guess/finished",
    "/guess/hiscore",
    "/guess/<game_id>",
}
NEED_SIGNIN = {"error": "sign in required"}
# Routes whose missing sign-in is a redirect to the sign-in page (the rest: 401 JSON).
PAGES = {"/", "/<path:path>", "/account/password", "/admin/"}


def _requests(app):
    for rule in app.server.url_map.iter_rules():
        path = rule.rule
        for name in rule.arguments:
            path = _fill(path, name)
        for method in sorted(rule.methods - {"OPTIONS"}):
            yield rule.rule, path, method


def _fill(path: str, name: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?" + name + ">", SAMPLES[name], path)


def test_every_route_needs_a_sign_in_but_the_public_ones(auth_app):
    client = auth_app.server.test_client()
    seen = set()
    for rule, path, method in _requests(auth_app):
        seen.add(rule)
        response = client.open(path, method=method, headers={"Origin": "http://localhost"})
        where = f"{method} {path} ({rule})"
        if rule in PUBLIC:
            assert is_public(path), where
            # The route's own answer (a wrong-password form is a 401 page), never the guard's.
            assert b"sign in required" not in response.data, where
            assert not response.headers.get("Location", "").startswith("/signin?"), where
        elif rule in PAGES and method in ("GET", "HEAD"):
            assert response.status_code == 302, where
            assert response.headers["Location"].startswith("/signin?next="), where
        else:
            assert response.status_code == 401, where
            if method != "HEAD":
                assert response.get_json() == NEED_SIGNIN, where
    assert {"/", "/data/kpis/", "/_dash-update-component", "/_mcp", "/openapi.json"} <= seen


def test_the_public_assets_are_only_those_the_public_pages_load(auth_app):
    client = auth_app.server.test_client()
    assert client.get("/assets/vendor/bootstrap.min.css").status_code == 200
    assert client.get("/assets/account.js").status_code == 200
    assert client.get("/assets/dashboard-live.js").status_code == 401


def test_healthz_tells_only_the_status_without_a_sign_in(auth_app, ann):
    client = auth_app.server.test_client()
    assert set(client.get("/healthz").get_json()) == {"status"}
    sign_in(client)
    assert "checks" in client.get("/healthz").get_json()


@pytest.mark.parametrize("target", ["/?x=1", "/title/abc"])
def test_a_page_redirects_to_the_sign_in_and_back(auth_app, ann, target):
    client = auth_app.server.test_client()
    location = client.get(target).headers["Location"]
    assert location.startswith("/signin?next=")
    form = client.get(location)
    assert form.status_code == 200 and b'name="password"' in form.data
    response = sign_in(client, next_path=target)
    assert response.status_code == 302 and response.headers["Location"] == target


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil"])
def test_the_sign_in_goes_on_only_to_this_site(auth_app, ann, target):
    response = sign_in(auth_app.server.test_client(), next_path=target)
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("path", ["/favicon.ico", "/signin/x", "/signin/../_dash-layout"])
def test_dash_page_is_not_served_under_a_public_path(auth_app, path):
    # Dash's catch-all answers any unknown path with the dashboard's page: under a public
    # path it must not be served without a sign-in.
    response = auth_app.server.test_client().get(path)
    assert response.status_code in (302, 404), path
    assert b"_dash-config" not in response.data
