"""/data/annotations/ on both stores: CRUD, access rules, bad input, literal text, ensure-db."""

from __future__ import annotations

import pytest

from data.events.stores import annotation_table
from tests.unit.auth_support import OWN_ORIGIN, PASSWORD, sign_in
from web.auth.accounts import accounts

PATH = "/data/annotations/"
JSON = {"Origin": OWN_ORIGIN}
HTML_TEXT = '<script>alert("x")</script> & <b>bold</b>'


@pytest.fixture(params=["sqlite", "postgresql"])
def auth_app(request, make_app, tmp_path):
    """The app with sign-in on, over the demo events of each store."""
    config = {
        "AUTH": "on",
        "ACCOUNTS_DATABASE": str(tmp_path / "accounts.sqlite"),
        "AUDIT_LOG": str(tmp_path / "audit.log"),
    }
    if request.param == "postgresql":
        config["DATABASE_URL"] = request.getfixturevalue("pg_demo").url
    app = make_app(**config)
    people = accounts(app.server)
    people.create("ann", "viewer", password=PASSWORD)  # signs in; the rest use tokens
    people.create("bob", "viewer")
    people.create("root", "admin")
    people.create("sven", "viewer", scope={"market": frozenset({"SE"})})
    return app


def client_of(app, name: str | None):
    """A client signed in as ann (a session cookie), or with a token of another account."""
    client = app.server.test_client()
    if name == "ann":
        assert sign_in(client, name).status_code == 302
    elif name is not None:
        _, text = accounts(app.server).create_token(name)
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {text}"
    return client


def post(client, body, **headers):
    return client.post(PATH, json=body, headers={**JSON, **headers})


def test_crud_round_trip_keeps_text_literally(auth_app):
    ann = client_of(auth_app, "ann")
    made = post(ann, {"day": "2013-09-10", "text": HTML_TEXT, "filters": {"market": "SE"}})
    assert made.status_code == 201, made.json
    item = made.json
    assert item["text"] == HTML_TEXT and item["start"] == item["end"] == "2013-09-10"
    assert item["filters"] == {"market": ["SE"]} and item["author"] == "ann"
    assert item["automatic"] is False and item["created"] == item["updated"]
    listed = ann.get(PATH + "?start=2013-09-01&end=2013-09-30&automatic=0").json
    assert [(a["id"], a["text"], a["editable"]) for a in listed] == [(item["id"], HTML_TEXT, True)]
    assert ann.get(PATH + "?start=2013-09-11&automatic=0").json == []
    changed = ann.put(
        f"{PATH}{item['id']}", json={"end": "2013-09-12", "text": "ranged"}, headers=JSON
    )
    assert changed.status_code == 200, changed.json
    assert (changed.json["start"], changed.json["end"], changed.json["text"]) == (
        "2013-09-10",
        "2013-09-12",
        "ranged",
    )
    assert (
        ann.get(PATH + "?start=2013-09-11&end=2013-09-11&automatic=0").json[0]["id"] == item["id"]
    )
    assert ann.get(f"{PATH}{item['id']}").json["text"] == "ranged"
    assert ann.delete(f"{PATH}{item['id']}", headers=JSON).status_code == 204
    assert ann.get(f"{PATH}{item['id']}").status_code == 404
    assert ann.delete(f"{PATH}{item['id']}", headers=JSON).status_code == 404


def test_access_rules(auth_app):
    anon, ann, bob, root, sven = (
        client_of(auth_app, name) for name in (None, "ann", "bob", "root", "sven")
    )
    assert anon.get(PATH).status_code == 401
    assert anon.post(PATH, json={"day": "2013-09-10", "text": "x"}).status_code == 401
    own = post(ann, {"day": "2013-09-10", "text": "ann's"}).json["id"]
    swedish = post(ann, {"day": "2013-09-11", "text": "SE", "filters": {"market": ["SE"]}}).json
    # Another viewer sees but may not change it; an admin may.
    assert bob.get(f"{PATH}{own}").status_code == 200
    assert bob.put(f"{PATH}{own}", json={"text": "mine"}, headers=JSON).status_code == 403
    assert bob.delete(f"{PATH}{own}", headers=JSON).status_code == 403
    assert [a["editable"] for a in bob.get(PATH + "?automatic=0").json] == [False, False]
    assert root.put(f"{PATH}{own}", json={"text": "fixed"}, headers=JSON).status_code == 200
    # A market-limited account sees only annotations inside its markets, and writes only those.
    seen = sven.get(PATH + "?automatic=0").json
    assert [a["id"] for a in seen] == [swedish["id"]]
    assert sven.get(f"{PATH}{own}").status_code == 404
    assert post(sven, {"day": "2013-09-12", "text": "all"}).status_code == 403
    assert (
        post(sven, {"day": "2013-09-12", "text": "NO", "filters": {"market": "NO"}}).status_code
        == 403
    )
    his = post(sven, {"day": "2013-09-12", "text": "se", "filters": {"market": "SE"}})
    assert his.status_code == 201
    assert sven.put(f"{PATH}{swedish['id']}", json={"text": "x"}, headers=JSON).status_code == 403
    moved = sven.put(
        f"{PATH}{his.json['id']}", json={"filters": {"market": ["SE", "NO"]}}, headers=JSON
    )
    assert moved.status_code == 403
    assert root.delete(f"{PATH}{his.json['id']}", headers=JSON).status_code == 204


def test_a_token_reads_and_writes_as_its_account(auth_app):
    _, text = accounts(auth_app.server).create_token("bob")
    client = auth_app.server.test_client()
    bearer = {"Authorization": f"Bearer {text}"}
    made = client.post(
        PATH, json={"start": "2013-09-01", "end": "2013-09-03", "text": "t"}, headers=bearer
    )
    assert made.status_code == 201 and made.json["author"] == "bob"
    assert client.get(PATH + "?automatic=0", headers=bearer).json[0]["editable"] is True
    assert client.get(PATH, headers={"Authorization": "Bearer rb_nope_nope"}).status_code == 401


BAD_BODIES = [
    ({"text": "x"}, "start is required"),
    ({"day": "2013-9-1", "text": "x"}, "YYYY-MM-DD"),
    ({"day": "2013-02-30", "text": "x"}, "real calendar date"),
    ({"start": "2013-09-05", "end": "2013-09-04", "text": "x"}, "must not be before"),
    ({"day": "2013-09-05", "text": ""}, "must not be empty"),
    ({"day": "2013-09-05", "text": "x" * 501}, "at most 500"),
    ({"day": "2013-09-05", "text": 5}, "text must be text"),
    ({"day": "2013-09-05", "text": "x", "filters": {"colour": "red"}}, "dimensions"),
    ({"day": "2013-09-05", "text": "x", "filters": {"sessiontype": "PODCAST"}}, "sessiontype"),
    ({"day": "2013-09-05", "text": "x", "filters": ["market"]}, "object"),
    ({"day": "2013-09-05", "text": "x", "author": "me"}, "unknown field"),
    (["not", "an", "object"], "JSON object"),
]


def test_bad_input_is_a_400_with_a_clear_message(auth_app):
    ann = client_of(auth_app, "ann")
    for body, message in BAD_BODIES:
        answer = post(ann, body)
        assert answer.status_code == 400 and message in answer.json["error"], body


def test_other_refusals(auth_app):
    ann = client_of(auth_app, "ann")
    assert ann.get(PATH + "?start=2013-13-01").status_code == 400
    assert ann.get(PATH + "?automatic=maybe").status_code == 400
    assert ann.get(PATH + "?start=2013-09-02&end=2013-09-01").status_code == 400
    assert ann.post(PATH, data="x", headers=JSON).status_code == 415
    assert (
        ann.post(PATH, data="{", headers={**JSON, "Content-Type": "application/json"}).status_code
        == 400
    )
    assert ann.get(PATH + "12345").status_code == 404
    assert ann.put(PATH + "abc", json={"text": "x"}, headers=JSON).status_code == 404
    assert ann.put(PATH + "99", json={"text": "x"}, headers=JSON).status_code == 404
    # A write from another site's page is refused, with or without its cookie.
    evil = {"Origin": "http://evil.example"}
    assert ann.post(PATH, json={"day": "2013-09-05", "text": "x"}, headers=evil).status_code == 403
    assert ann.options(PATH).status_code == 204


def test_no_cross_site_writes_even_without_sign_in(make_app):
    client = make_app().server.test_client()  # AUTH=off: the one local admin
    body = {"day": "2013-09-05", "text": "x"}
    assert (
        client.post(PATH, json=body, headers={"Origin": "http://evil.example"}).status_code == 403
    )
    assert client.post(PATH, json=body, headers=JSON).status_code == 201
    assert client.post(PATH, json=body).status_code == 201  # a script: no Origin


def test_ensure_db_adds_the_table_to_an_existing_store(make_app, event_store):
    from data.events.ingest.demo_data import generate_demo

    generate_demo(event_store, rows=200, seed=3)
    url = f"sqlite:///{event_store.path}" if event_store.kind == "sqlite" else event_store.url
    runner = make_app(DATABASE_URL=url).server.test_cli_runner()
    assert annotation_table.list_annotations(event_store) == []  # no table yet: none
    for _ in range(2):  # idempotent
        result = runner.invoke(args=["ensure-db"])
        assert result.exit_code == 0, result.output
        assert "using the existing database" in result.output
    fields = {"start": "2013-09-01", "end": "2013-09-01", "text": HTML_TEXT, "filters": {}}
    made = annotation_table.create_annotation(event_store, fields, "ann", "2013-09-01 00:00:00 UTC")
    assert runner.invoke(args=["ensure-db"]).exit_code == 0
    assert annotation_table.list_annotations(event_store) == [made]
