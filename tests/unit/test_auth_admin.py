"""The account menu in the dashboard's top bar and the admin page's accounts and tokens."""

from __future__ import annotations

import logging
import re

import pytest

from data.accounts.limits import parse_limits
from layouts import account_menu as menu
from tests.unit.auth_support import *  # noqa: F403  (the access fixtures)
from tests.unit.auth_support import OWN_ORIGIN, PASSWORD, sign_in

SAME_SITE = {"Origin": OWN_ORIGIN}
TOKEN_RE = re.compile(r"rb_[0-9a-f]{16}_[A-Za-z0-9_-]{43}")


@pytest.fixture
def ada(store):
    """An administrator with a password."""
    return store.create("ada", "admin", password=PASSWORD)


def _signed_in(app, name: str):
    client = app.server.test_client()
    assert sign_in(client, name).status_code == 302
    return client


def _by_id(tree) -> dict:
    """Every component of a /_dash-layout answer with an id, by id."""
    found = {}

    def walk(node):
        if isinstance(node, dict):
            props = node.get("props", {})
            if "id" in props:
                found[props["id"]] = props
            walk(props.get("children"))
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(tree)
    return found


def _menu(client) -> dict:
    response = client.get("/_dash-layout")
    assert response.status_code == 200
    return _by_id(response.get_json())


# ---- the account menu -----------------------------------------------------------------------


def test_the_menu_shows_an_admin_their_name_and_links(auth_app, ada):
    parts = _menu(_signed_in(auth_app, "ada"))
    assert parts[menu.NAME_ID]["children"] == "ada"
    assert menu.SCOPE_ID not in parts  # no limits
    assert parts[menu.ADMIN_LINK_ID]["href"] == "/admin/"
    assert parts[menu.PASSWORD_LINK_ID]["href"] == "/account/password"
    form = parts[menu.SIGNOUT_FORM_ID]
    assert (form["action"], form["method"]) == ("/signout", "post")


def test_the_menu_shows_a_limited_viewers_scope_as_text(auth_app, store):
    name = "<b>Nora</b> & co"  # shown as text: Dash children are never read as HTML
    store.create(name, "viewer", scope=parse_limits(["market=SE,NO"]), password=PASSWORD)
    parts = _menu(_signed_in(auth_app, name))
    assert parts[menu.NAME_ID]["children"] == name
    assert parts[menu.SCOPE_ID]["children"] == "limited to market NO, SE"
    assert menu.ADMIN_LINK_ID not in parts
    assert menu.PASSWORD_LINK_ID in parts and menu.SIGNOUT_FORM_ID in parts


def test_an_account_without_a_password_gets_no_password_link(auth_app, store):
    store.create("local", "admin")
    client = auth_app.server.test_client()
    link = store.create_link_token("local")
    assert client.get(f"/signin/link?token={link}").status_code == 302
    parts = _menu(client)
    assert parts[menu.NAME_ID]["children"] == "local"
    assert menu.PASSWORD_LINK_ID not in parts and menu.ADMIN_LINK_ID in parts


def test_with_auth_off_there_is_no_menu(client):
    parts = _menu(client)
    assert menu.MENU_ID not in parts and menu.NAME_ID not in parts
    assert client.get("/admin/").status_code == 404


def test_the_menus_sign_out_form_signs_out(auth_app, ann):
    client = _signed_in(auth_app, "ann")
    # What the browser sends for the menu's form: a POST with the page's Origin.
    response = client.post("/signout", headers=SAME_SITE)
    assert response.status_code == 302 and response.headers["Location"] == "/signin"
    assert client.get("/").status_code == 302
    assert client.get("/data/kpis/").status_code == 401


# ---- the admin page -------------------------------------------------------------------------


def test_the_admin_page_lists_accounts_and_tokens(auth_app, store, ada, ann):
    store.update("ann", scope=parse_limits(["market=NO"]))
    token_id, _ = store.create_token("ann")
    store.disable("ann")
    page = _signed_in(auth_app, "ada").get("/admin/")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    text = page.get_data(as_text=True)
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td>\s*<td>(.*?)</td>", text)
    assert ("ada", "admin", "-", "no") in rows
    assert ("ann", "viewer", "market=NO", "yes") in rows
    assert f'data-token-id="{token_id}"' in text


def test_an_admin_creates_a_token_that_works_at_once_and_is_shown_once(
    auth_app, ada, ann, tmp_path, caplog
):
    admin = _signed_in(auth_app, "ada")
    with caplog.at_level(logging.DEBUG):
        created = admin.post(
            "/admin/tokens", data={"user": "ann", "expires": "30d"}, headers=SAME_SITE
        )
    assert created.status_code == 200 and created.headers["Cache-Control"] == "no-store"
    tokens = TOKEN_RE.findall(created.get_data(as_text=True))
    assert len(set(tokens)) == 1
    token = tokens[0]
    script = auth_app.server.test_client()  # no cookie: the token alone
    bearer = {"Authorization": f"Bearer {token}"}
    assert script.get("/data/kpis/", headers=bearer).status_code == 200
    # Never again: not on the admin page, not in the audit log, not in any log line.
    page = admin.get("/admin/").get_data(as_text=True)
    assert token not in page and token.split("_")[1] in page  # its id is listed
    assert token not in (tmp_path / "audit.log").read_text()
    assert "token_created" in (tmp_path / "audit.log").read_text()
    assert all(token not in record.getMessage() for record in caplog.records)


def test_revoking_a_token_ends_it(auth_app, store, ada, ann, tmp_path):
    token_id, token = store.create_token("ann")
    script = auth_app.server.test_client()
    bearer = {"Authorization": f"Bearer {token}"}
    assert script.get("/data/kpis/", headers=bearer).status_code == 200
    admin = _signed_in(auth_app, "ada")
    revoked = admin.post("/admin/tokens/revoke", data={"token_id": token_id}, headers=SAME_SITE)
    assert revoked.status_code == 200
    assert f"Token {token_id} is revoked." in revoked.get_data(as_text=True)
    assert script.get("/data/kpis/", headers=bearer).status_code == 401
    again = admin.post("/admin/tokens/revoke", data={"token_id": token_id}, headers=SAME_SITE)
    assert again.status_code == 400
    assert "token_revoked" in (tmp_path / "audit.log").read_text()


def test_bad_token_requests_are_a_clear_400(auth_app, store, ada):
    admin = _signed_in(auth_app, "ada")
    for form in ({"user": "ada", "expires": "soon"}, {"user": "nobody", "expires": "90d"}, {}):
        answer = admin.post("/admin/tokens", data=form, headers=SAME_SITE)
        assert answer.status_code == 400, form
        assert b"No token created" in answer.data and b"Traceback" not in answer.data
    assert store.list_tokens() == []
    assert admin.post("/admin/tokens/revoke", data={}, headers=SAME_SITE).status_code == 400


def test_a_viewer_gets_403_and_creates_nothing(auth_app, store, ann):
    viewer = _signed_in(auth_app, "ann")
    assert viewer.get("/admin/").status_code == 403
    answer = viewer.post("/admin/tokens", data={"user": "ann"}, headers=SAME_SITE)
    assert answer.status_code == 403
    token_id, _ = store.create_token("ann")
    answer = viewer.post("/admin/tokens/revoke", data={"token_id": token_id}, headers=SAME_SITE)
    assert answer.status_code == 403
    assert [t.revoked for t in store.list_tokens()] == [None]


def test_without_a_sign_in_the_admin_page_redirects(auth_app, store, ann):
    client = auth_app.server.test_client()
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/signin?next=/admin/"
    assert client.post("/admin/tokens", data={"user": "ann"}, headers=SAME_SITE).status_code == 401
    _, token = store.create_token("ann")  # a token is for scripts, not for this page
    bearer = client.get("/admin/", headers={"Authorization": f"Bearer {token}"})
    assert bearer.status_code == 302


@pytest.mark.parametrize(
    "headers", [{"Origin": "http://evil.example"}, {"Referer": "http://evil.example/x"}, {}]
)
def test_a_cross_site_form_post_is_refused(auth_app, store, ada, headers):
    admin = _signed_in(auth_app, "ada")
    answer = admin.post("/admin/tokens", data={"user": "ada", "expires": "1d"}, headers=headers)
    assert answer.status_code == 403
    assert store.list_tokens() == []
