"""The page's Alerts card through Dash's own callback endpoint: rules and history listed, an
admin adds and deletes a rule, a viewer may not, bad input says why."""

from __future__ import annotations

import json

import pytest

from layouts import ids
from testkit.dash_client import DashCallbacks
from tests.unit.auth_support import OWN_ORIGIN, PASSWORD, auth_app, sign_in  # noqa: F401
from web.auth.accounts import accounts

FORM = {
    f"{ids.ALERTS_NAME}.value": "SE viewers",
    f"{ids.ALERTS_METRIC}.value": "unique_users",
    f"{ids.ALERTS_DIMENSION}.value": "market",
    f"{ids.ALERTS_VALUE_FILTER}.value": "SE",
    f"{ids.ALERTS_KIND}.value": "above",
    f"{ids.ALERTS_NUMBER}.value": 5,
    f"{ids.ALERTS_WEBHOOK}.value": "https://hooks.example.com/x",
    f"{ids.ALERTS_EMAIL}.value": "",
    f"{ids.ALERTS_DELETE_ID}.value": None,
    f"{ids.DATA_VERSION}.data": "v-1",
    f"{ids.ALERTS_ADD}.n_clicks": None,
    f"{ids.ALERTS_DELETE}.n_clicks": None,
}


def card(callbacks, triggered=None, **values) -> dict:
    sent = {**FORM, **{f"{k}.value": v for k, v in values.items()}}
    answer = callbacks.response(ids.ALERTS_RULES, "children", sent, triggered)
    return {key: json.dumps(answer[key]) for key in answer}


@pytest.fixture
def as_admin(client):
    return DashCallbacks.for_flask(client)


def test_an_admin_adds_lists_and_deletes_a_rule(as_admin, client):
    assert ids.ALERTS_CARD in client.get("/_dash-layout").get_data(as_text=True)
    shown = card(as_admin)
    assert "No alert rules yet." in shown[ids.ALERTS_RULES]
    shown = card(as_admin, [f"{ids.ALERTS_ADD}.n_clicks"])
    assert "Added rule #1: SE viewers." in shown[ids.ALERTS_MESSAGE]
    assert "#1 SE viewers: Unique users above 5" in shown[ids.ALERTS_RULES]
    bad = {ids.ALERTS_KIND: "change", ids.ALERTS_NUMBER: None}
    shown = card(as_admin, [f"{ids.ALERTS_ADD}.n_clicks"], **bad)
    assert "No rule added: condition percent must be a number." in shown[ids.ALERTS_MESSAGE]
    shown = card(as_admin, [f"{ids.ALERTS_DELETE}.n_clicks"], **{ids.ALERTS_DELETE_ID: "abc"})
    assert "give the rule's id" in shown[ids.ALERTS_MESSAGE]
    shown = card(as_admin, [f"{ids.ALERTS_DELETE}.n_clicks"], **{ids.ALERTS_DELETE_ID: 1})
    assert "Deleted rule #1." in shown[ids.ALERTS_MESSAGE]
    assert "No alert rules yet." in shown[ids.ALERTS_RULES]


def test_a_viewer_sees_rules_but_cannot_change_them(auth_app):  # noqa: F811
    accounts(auth_app.server).create("ann", "viewer", password=PASSWORD)
    client = auth_app.server.test_client()
    sign_in(client)
    client.environ_base["HTTP_ORIGIN"] = OWN_ORIGIN  # the page's own callbacks
    layout = client.get("/_dash-layout").get_data(as_text=True)
    assert ids.ALERTS_CARD in layout and '"display":"none"' in layout
    shown = card(DashCallbacks.for_flask(client), [f"{ids.ALERTS_ADD}.n_clicks"])
    assert "Only administrators may change alert rules." in shown[ids.ALERTS_MESSAGE]
