"""/data/alerts/: the alert rules and their history (GET, for anyone signed in, limited accounts
seeing only rules inside their limits), and the rules' management (admins only)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from data.alerts.conditions import RuleError, check_rule
from data.events.params import InvalidParameter, parse_date
from web.alerts.access import is_admin, principal, readable, shown
from web.alerts.runner import alert_store, evaluator
from web.errors import ClientError
from web.limits import rate_limited

bp = Blueprint("alerts", __name__, url_prefix="/data/alerts")
rate_limited("RATELIMIT_DATA", "data requests")(bp)
MAX_HISTORY = 1000


def _admins_only() -> None:
    if not is_admin():
        raise ClientError(403, "only administrators may change alert rules")


def _store_call(call):
    """Run a store operation; its database's errors as a 503 saying so."""
    store = current_app.config["EVENT_STORE"]
    try:
        return call()
    except store.errors as error:
        raise ClientError(503, f"the alert tables cannot be used: {store.say(error)}") from None


@bp.get("/")
def listing():
    """{"rules": [...], "history": [...]} (history: since, until as dates; limit)."""
    try:
        since = parse_date(request.args["since"], "since") if request.args.get("since") else None
        until = parse_date(request.args["until"], "until") if request.args.get("until") else None
    except InvalidParameter as error:
        raise ClientError(400, str(error)) from None
    limit_text = request.args.get("limit", "100")
    if not limit_text.isdigit() or not 1 <= int(limit_text) <= MAX_HISTORY:
        raise ClientError(400, f"limit must be a whole number from 1 to {MAX_HISTORY}")
    alerts = alert_store(current_app)
    rules, history = readable(
        _store_call(alerts.rules),
        _store_call(
            lambda: alerts.history(
                since and since.isoformat(), until and until.isoformat(), int(limit_text)
            )
        ),
    )
    return jsonify({"rules": rules, "history": history})


@bp.post("/rules")
def add():
    """Add a rule from a JSON body: name, metric, filters, resolution, condition, channels."""
    _admins_only()
    rule = _rule_body()
    stored = _store_call(lambda: alert_store(current_app).add_rule(rule))
    return jsonify(shown(stored)), 201


def _rule_body() -> dict:
    body = request.get_json(silent=True)
    if body is None:
        raise ClientError(400, "send the rule as a JSON object (Content-Type: application/json)")
    try:
        return check_rule(body, principal().name)
    except RuleError as error:
        raise ClientError(400, str(error)) from None


def _rule_id(text: str) -> int:
    if not text.isdigit() or len(text) > 18:
        raise ClientError(400, "a rule id is a whole number")
    return int(text)


@bp.put("/rules/<rule_id>")
def replace(rule_id: str):
    """Replace a rule's definition from a JSON body (as for adding); it starts again as ok."""
    _admins_only()
    number, rule = _rule_id(rule_id), _rule_body()
    stored = _store_call(lambda: alert_store(current_app).update_rule(number, rule))
    if stored is None:
        raise ClientError(404, f"there is no alert rule {number}")
    return jsonify(shown(stored))


@bp.delete("/rules/<rule_id>")
def delete(rule_id: str):
    """Delete a rule (its history stays)."""
    _admins_only()
    number = _rule_id(rule_id)
    if not _store_call(lambda: alert_store(current_app).delete_rule(number)):
        raise ClientError(404, f"there is no alert rule {number}")
    return jsonify({"deleted": number})


@bp.post("/run")
def run():
    """Evaluate every rule now (as `flask alerts run`): what each one did."""
    _admins_only()
    return jsonify({"evaluated": _store_call(lambda: evaluator(current_app).run())})
