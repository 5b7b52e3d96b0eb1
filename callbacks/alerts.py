"""The Alerts card's callback: list the rules and history; admins add or delete a rule."""

from __future__ import annotations

import logging

from dash import Input, Output, State, ctx
from flask import current_app

from data.alerts.conditions import RuleError, check_rule, describe
from layouts import ids
from layouts.alerts_card import history_list, rules_list
from web.alerts.access import is_admin, principal, readable
from web.alerts.runner import alert_store

log = logging.getLogger(__name__)
HISTORY_SHOWN = 10
FORM = {
    "name": ids.ALERTS_NAME,
    "metric": ids.ALERTS_METRIC,
    "dimension": ids.ALERTS_DIMENSION,
    "value": ids.ALERTS_VALUE_FILTER,
    "kind": ids.ALERTS_KIND,
    "number": ids.ALERTS_NUMBER,
    "webhook": ids.ALERTS_WEBHOOK,
    "email": ids.ALERTS_EMAIL,
    "delete_id": ids.ALERTS_DELETE_ID,
}


def rule_from_form(form: dict) -> dict:
    """The rule a filled-in form asks for (check_rule then checks it)."""
    kind = form.get("kind") or "band"
    number = form.get("number")
    condition = {"kind": kind}
    if kind in ("above", "below"):
        condition["value"] = number
    elif kind == "change":
        condition["percent"] = number
    dimension, value = form.get("dimension"), (form.get("value") or "").strip()
    emails = [e.strip() for e in (form.get("email") or "").split(",") if e.strip()]
    return {
        "name": form.get("name") or "",
        "metric": form.get("metric"),
        "filters": {dimension: [value]} if dimension and value else {},
        "condition": condition,
        "channels": {"webhook": (form.get("webhook") or "").strip() or None, "email": emails},
    }


def _change(trigger: str | None, form: dict) -> str:
    """Add or delete as the button pressed asks; the message to show."""
    if trigger not in (ids.ALERTS_ADD, ids.ALERTS_DELETE):
        return ""
    if not is_admin():
        return "Only administrators may change alert rules."
    store = alert_store(current_app)
    if trigger == ids.ALERTS_ADD:
        try:
            rule = store.add_rule(check_rule(rule_from_form(form), principal().name))
        except RuleError as error:
            return f"No rule added: {error}."
        return f"Added rule #{rule['id']}: {rule['name']}."
    text = str(form.get("delete_id") or "").strip()
    if not text.isdigit() or len(text) > 18:
        return "No rule deleted: give the rule's id (a whole number)."
    if not store.delete_rule(int(text)):
        return f"No rule deleted: there is no rule #{text}."
    return f"Deleted rule #{text}."


def alerts_panel(trigger: str | None, form: dict) -> tuple:
    """(rules list, history list, message) after doing what the trigger asks."""
    store = current_app.config["EVENT_STORE"]
    try:
        message = _change(trigger, form)
        alerts = alert_store(current_app)
        rules, history = readable(alerts.rules(), alerts.history(limit=HISTORY_SHOWN))
    except store.errors as error:
        log.warning("the alert tables cannot be used: %s", store.say(error))
        return [], [], "The alert rules cannot be read now (the event store is not available)."
    return rules_list(rules, describe), history_list(history), message


def register(app, _analytics) -> None:
    """Register the Alerts card's callback on `app`."""

    @app.callback(
        Output(ids.ALERTS_RULES, "children"),
        Output(ids.ALERTS_HISTORY, "children"),
        Output(ids.ALERTS_MESSAGE, "children"),
        Input(ids.DATA_VERSION, "data"),
        Input(ids.ALERTS_ADD, "n_clicks"),
        Input(ids.ALERTS_DELETE, "n_clicks"),
        *[State(component, "value") for component in FORM.values()],
        prevent_initial_call=True,
    )
    def update_alerts(_version, _add, _delete, *values):
        return alerts_panel(ctx.triggered_id, dict(zip(FORM, values, strict=True)))
