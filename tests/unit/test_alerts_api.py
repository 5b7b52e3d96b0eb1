"""/data/alerts/ (who may read and change rules, 400s for bad input) and `flask alerts ...`."""

from __future__ import annotations

import json

import pytest

from data.alerts.settings import parse_smtp_url
from tests.unit.alerts_support import servers
from tests.unit.auth_support import auth_app  # noqa: F401  (fixture)
from web.auth.accounts import accounts

RULE = {
    "name": "SE viewers",
    "metric": "unique_users",
    "filters": {"market": ["SE"]},
    "condition": {"kind": "above", "value": 0},
    "channels": {"webhook": "https://hooks.example.com/secret-path"},
}


@pytest.fixture
def api(auth_app):  # noqa: F811
    """(client, {role: Authorization header}) for an admin, a viewer and a viewer limited to
    market NO."""
    store = accounts(auth_app.server)
    headers = {}
    for name, role, scope in (
        ("ada", "admin", None),
        ("ann", "viewer", None),
        ("lim", "viewer", {"market": frozenset({"NO"})}),
    ):
        store.create(name, role, scope)
        headers[name] = {"Authorization": f"Bearer {store.create_token(name)[1]}"}
    return auth_app.server.test_client(), headers


def test_admins_manage_rules_and_everyone_reads_them(api):
    client, who = api
    assert client.get("/data/alerts/").status_code == 401
    assert client.post("/data/alerts/rules", json=RULE, headers=who["ann"]).status_code == 403
    created = client.post("/data/alerts/rules", json=RULE, headers=who["ada"])
    assert created.status_code == 201
    rule = created.get_json()
    assert rule["author"] == "ada" and rule["state"] == "ok"
    other = client.post(
        "/data/alerts/rules", json={**RULE, "filters": {"market": ["NO"]}}, headers=who["ada"]
    ).get_json()
    listing = client.get("/data/alerts/", headers=who["ada"]).get_json()
    assert [r["id"] for r in listing["rules"]] == [rule["id"], other["id"]]
    assert listing["rules"][0]["channels"]["webhook"].endswith("secret-path")
    viewer = client.get("/data/alerts/", headers=who["ann"]).get_json()
    assert len(viewer["rules"]) == 2 and "channels" not in viewer["rules"][0]
    # A limited account sees only rules inside its limits (their numbers are all it may see).
    limited = client.get("/data/alerts/", headers=who["lim"]).get_json()
    assert [r["id"] for r in limited["rules"]] == [other["id"]]
    path = f"/data/alerts/rules/{rule['id']}"
    changed = {**RULE, "name": "SE viewers, weekly", "resolution": "weekly"}
    assert client.put(path, json=changed, headers=who["ann"]).status_code == 403
    replaced = client.put(path, json=changed, headers=who["ada"])
    assert replaced.status_code == 200 and replaced.get_json()["resolution"] == "weekly"
    assert replaced.get_json()["id"] == rule["id"] and replaced.get_json()["state"] == "ok"
    bad = client.put(path, json={**changed, "metric": "x"}, headers=who["ada"])
    assert bad.status_code == 400 and "metric must be one of" in bad.get_json()["error"]
    assert client.put("/data/alerts/rules/999", json=changed, headers=who["ada"]).status_code == 404
    assert client.delete(path, headers=who["ann"]).status_code == 403
    assert client.delete(path, headers=who["ada"]).get_json() == {"deleted": rule["id"]}
    assert client.delete(path, headers=who["ada"]).status_code == 404


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("not json", "send the rule as a JSON object"),
        ([1, 2], "a rule must be a JSON object"),
        ({**RULE, "metric": "<b>x</b>"}, "metric must be one of"),
        ({**RULE, "condition": {"kind": "above", "value": "NaN"}}, "finite number"),
        ({**RULE, "channels": {"webhook": "javascript:alert(1)"}}, "http:// or https://"),
        ({**RULE, "filters": {"market": ["x" * 500]}}, "market"),
    ],
)
def test_bad_rules_get_400_with_a_message(api, body, message):
    client, who = api
    if isinstance(body, str):
        answer = client.post("/data/alerts/rules", data=body, headers=who["ada"])
    else:
        answer = client.post("/data/alerts/rules", json=body, headers=who["ada"])
    assert answer.status_code == 400
    assert message in answer.get_json()["error"]


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/data/alerts/?since=yesterday", "get"),
        ("/data/alerts/?until=2025-13-01", "get"),
        ("/data/alerts/?limit=0", "get"),
        ("/data/alerts/?limit=many", "get"),
        ("/data/alerts/rules/abc", "delete"),
        ("/data/alerts/rules/99999999999999999999999", "delete"),
    ],
)
def test_bad_parameters_get_400(api, path, method):
    client, who = api
    answer = getattr(client, method)(path, headers=who["ada"])
    assert answer.status_code == 400 and answer.get_json()["error"]


def test_run_now_fires_and_history_shows_it(api):
    client, who = api
    with servers() as (_smtp, receiver):
        client.post(
            "/data/alerts/rules",
            json={**RULE, "filters": {}, "channels": {"webhook": receiver.url}},
            headers=who["ada"],
        )
        assert client.post("/data/alerts/run", headers=who["ann"]).status_code == 403
        ran = client.post("/data/alerts/run", headers=who["ada"]).get_json()["evaluated"]
        assert ran[0]["verdict"] == "firing" and ran[0]["delivered"] is True
        assert len(receiver.posts) == 1 and receiver.posts[0]["text"].startswith("Alert: ")
    history = client.get("/data/alerts/?limit=5", headers=who["ann"]).get_json()["history"]
    assert [h["kind"] for h in history] == ["notified", "fired"]
    day = history[0]["at"][:10]
    assert client.get(f"/data/alerts/?since={day}&until={day}", headers=who["ann"]).get_json()[
        "history"
    ]


def test_cli_adds_lists_runs_and_deletes(make_app):
    app = make_app()
    runner = app.server.test_cli_runner()
    with servers() as (smtp, _receiver):
        app.server.config["SMTP"] = parse_smtp_url(smtp.url)
        added = runner.invoke(
            args=["alerts", "add", "--name", "Views", "--metric", "views", "--filter",
                  "market=SE", "--above", "0", "--email", "ops@example.com"]
        )  # fmt: skip
        assert added.exit_code == 0, added.output
        assert added.output.startswith("added rule 1: Views: Views above 0")
        ran = runner.invoke(args=["alerts", "run"])
        assert "-> firing, notified" in ran.output
        assert len(smtp.messages) == 1
    listed = runner.invoke(args=["alerts", "list"])
    assert "1  firing  Views: Views above 0 [daily, market=SE]" in listed.output
    assert "fired" in listed.output
    as_json = json.loads(runner.invoke(args=["alerts", "list", "--json"]).output)
    assert as_json["rules"][0]["state"] == "firing"
    bad = runner.invoke(args=["alerts", "add", "--name", "x", "--metric", "views"])
    assert bad.exit_code == 2 and "exactly one condition" in bad.output
    bad = runner.invoke(
        args=["alerts", "add", "--name", "x", "--metric", "nope", "--band", "--email", "a@b.c"]
    )
    assert bad.exit_code == 2 and "metric must be one of" in bad.output
    assert runner.invoke(args=["alerts", "delete", "1"]).output == "deleted rule 1\n"
    missing = runner.invoke(args=["alerts", "delete", "1"])
    assert missing.exit_code == 1 and "there is no alert rule 1" in missing.output


def test_ensure_db_creates_the_alert_tables(make_app, tmp_path):
    from data.alerts.rules_store import RULES
    from data.events.stores.sqlite_store import connect, table_exists

    app = make_app()
    assert app.server.test_cli_runner().invoke(args=["ensure-db"]).exit_code == 0
    conn = connect(app.server.config["EVENT_STORE"].path)
    try:
        assert table_exists(conn, RULES)
    finally:
        conn.close()


def test_the_api_and_cli_on_postgresql(make_app, pg_demo):
    app = make_app(DATABASE_URL=pg_demo.url)
    client = app.server.test_client()  # AUTH=off: the local admin
    with servers() as (_smtp, receiver):
        rule = {**RULE, "filters": {}, "channels": {"webhook": receiver.url}}
        assert client.post("/data/alerts/rules", json=rule).status_code == 201
        assert client.post("/data/alerts/run").get_json()["evaluated"][0]["verdict"] == "firing"
        assert len(receiver.posts) == 1
    listing = client.get("/data/alerts/").get_json()
    assert listing["rules"][0]["state"] == "firing"
    assert [h["kind"] for h in listing["history"]] == ["notified", "fired"]
    listed = app.server.test_cli_runner().invoke(args=["alerts", "list"])
    assert "1  firing  SE viewers: Unique users above 0 [daily, all]" in listed.output
