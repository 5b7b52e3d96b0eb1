"""Who may see which alert rules and change them: the same for /data/alerts/ and the page."""

from __future__ import annotations

from flask import g, has_request_context


def principal():
    """The request's account (AUTH=off: the local admin), or None outside a request."""
    return g.get("principal") if has_request_context() else None


def is_admin() -> bool:
    """Only administrators add, delete and run rules."""
    who = principal()
    return who is not None and who.role == "admin"


def visible(rule: dict) -> bool:
    """A limited account sees a rule only when its filters keep inside the account's limits
    (its numbers then count only rows the account may see)."""
    for name, allowed in (getattr(principal(), "scope", None) or {}).items():
        chosen = rule["filters"].get(name)
        if not chosen or not set(chosen) <= set(allowed):
            return False
    return True


def shown(rule: dict) -> dict:
    """A rule as answered; its channels (webhook URLs are secrets) only to admins."""
    answer = {k: v for k, v in rule.items() if k not in ("pending", "attempt")}
    answer["owed"] = rule.get("pending") is not None  # a delivery failed and is retried
    if not is_admin():
        answer.pop("channels")
    return answer


def readable(rules: list[dict], history: list[dict]) -> tuple[list[dict], list[dict]]:
    """The rules and history entries the request's account may see, rules as shown."""
    rules = [rule for rule in rules if visible(rule)]
    if not is_admin():
        seen = {rule["id"] for rule in rules}
        history = [entry for entry in history if entry["rule_id"] in seen]
    return [shown(rule) for rule in rules], history
