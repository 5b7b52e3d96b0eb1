"""The request's scope (g.reelboard_scope, set by the sign-in guard) limits /data, the Dash
callbacks and MCP through the one analytics they all ask (web/scoped_analytics.py)."""

from __future__ import annotations

import json

import pytest
from flask import g

from data.events.params import Filters
from layouts import ids
from testkit.dash_client import DashCallbacks
from tests.unit.callback_support import STATE_KEY, _state
from tests.unit.mcp_support import _rpc
from tests.unit.route_fixture import fixture_app, fixture_rows

SCOPE = {"market": frozenset({"SE"})}


@pytest.fixture
def scoped_app(tmp_path):
    app = fixture_app(tmp_path, fixture_rows())
    app.server.before_request(lambda: setattr(g, "reelboard_scope", SCOPE))
    return app


def test_data_callbacks_and_mcp_answer_the_scopes_numbers(scoped_app):
    from web import services

    whole = services.analytics(scoped_app.server)  # no request: no scope
    scoped = whole.scoped(SCOPE)
    assert scoped.kpis()["views"] < whole.kpis()["views"]
    client = scoped_app.server.test_client()
    assert client.get("/data/kpis/").get_json()["views"] == scoped.kpis()["views"]
    markets = client.get("/data/dimensions/").get_json()["market"]
    assert [entry["value"] for entry in markets] == ["SE"]
    # Asking for another market is asking for rows the store (as seen) does not hold.
    assert client.get("/data/kpis/?market=NO").get_json()["views"] == 0
    answer = DashCallbacks.for_flask(client).response(
        ids.KPI_UNIQUE_USERS, "children", {STATE_KEY: _state()}
    )
    assert answer[ids.KPI_VIEWS]["children"] == f"{scoped.kpis(Filters())['views']:,}"
    called = _rpc(client, "tools/call", {"name": "kpis", "arguments": {}}).get_json()
    assert str(scoped.kpis()["views"]) in json.dumps(called["result"])


def test_a_title_seen_only_outside_the_scope_is_not_found_as_an_unknown_one(tmp_path):
    rows = fixture_rows()
    only_no = [row for row in rows if row[4] == "NO" and row[10] == "Heat"]
    rows = [row for row in rows if row[10] != "Heat"] + only_no
    app = fixture_app(tmp_path, rows)
    app.server.before_request(lambda: setattr(g, "reelboard_scope", SCOPE))
    client = app.server.test_client()
    hidden = client.get("/data/title/?title=Heat")
    unknown = client.get("/data/title/?title=Hea")
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.get_json()["error"].replace("Heat", "Hea") == unknown.get_json()["error"]
    assert "NO" not in hidden.get_data(as_text=True)
    assert "Heat" not in client.get("/data/title/?q=Hea").get_data(as_text=True)
