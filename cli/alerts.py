"""Alert commands: `flask alerts list|add|delete|run|digest` (rules live in the event store)."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import with_appcontext

from data.alerts.conditions import RuleError, check_rule, describe


def _store_errors() -> tuple:
    return current_app.config["EVENT_STORE"].errors


def _fail(error: Exception) -> click.ClickException:
    store = current_app.config["EVENT_STORE"]
    reason = store.say(error)
    return click.ClickException(f"the alert tables of {store.label} cannot be used: {reason}")


@click.group("alerts")
def alerts_group() -> None:
    """Alert rules: list them, add or delete one, evaluate them now, send the digest."""


@alerts_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Rules and recent history as JSON.")
@with_appcontext
def list_command(as_json: bool) -> None:
    """The rules with their state, then the recent history."""
    from web.alerts.runner import alert_store

    store = alert_store(current_app)
    try:
        rules, history = store.rules(), store.history(limit=20)
    except _store_errors() as error:
        raise _fail(error) from None
    if as_json:
        click.echo(json.dumps({"rules": rules, "history": history}, indent=2, default=str))
        return
    if not rules:
        click.echo("no alert rules")
    for rule in rules:
        where = ", ".join(f"{k}={'|'.join(v)}" for k, v in rule["filters"].items()) or "all"
        owed = " (a delivery is owed)" if rule["pending"] else ""
        click.echo(
            f"{rule['id']}  {rule['state']:<6}  {rule['name']}: {describe(rule)} "
            f"[{rule['resolution']}, {where}]{owed}"
        )
    for entry in history:
        error = f" ({entry['error']})" if entry["error"] else ""
        what = f"{entry['rule_name']}: {entry['text']}{error}"
        click.echo(f"  {entry['at']}  {entry['kind']:<9} {what}")


@alerts_group.command("add")
@click.option("--name", required=True, help="What the alert is called.")
@click.option("--metric", required=True, help="A catalog metric, e.g. unique_users.")
@click.option("--filter", "filters", multiple=True, help="DIMENSION=VALUE (repeatable).")
@click.option("--resolution", default="daily", show_default=True, help="daily or weekly.")
@click.option("--above", type=float, help="Fire when the value is above this.")
@click.option("--below", type=float, help="Fire when the value is below this.")
@click.option(
    "--change", type=float, help="Fire on a change of more than this % against the period before."
)
@click.option("--band", is_flag=True, help="Fire when the value is outside its expected range.")
@click.option("--webhook", help="URL to POST the alert to (JSON with a Slack-compatible text).")
@click.option("--email", "emails", multiple=True, help="Address to e-mail (repeatable).")
@click.option("--author", default="cli", show_default=True, help="Who added it.")
@with_appcontext
def add_command(
    name, metric, filters, resolution, above, below, change, band, webhook, emails, author
):
    """Add a rule: a metric, filters, one condition and where to send it."""
    from web.alerts.runner import alert_store

    chosen = [
        {"kind": kind, **extra}
        for kind, given, extra in (
            ("above", above is not None, {"value": above}),
            ("below", below is not None, {"value": below}),
            ("change", change is not None, {"percent": change}),
            ("band", band, {}),
        )
        if given
    ]
    if len(chosen) != 1:
        raise click.UsageError("give exactly one condition: --above, --below, --change or --band")
    where: dict[str, list[str]] = {}
    for text in filters:
        dimension, sep, value = text.partition("=")
        if not sep:
            raise click.UsageError(f"a filter is DIMENSION=VALUE, got {text!r}")
        where.setdefault(dimension.strip(), []).append(value)
    given = {
        "name": name,
        "metric": metric,
        "filters": where,
        "resolution": resolution,
        "condition": chosen[0],
        "channels": {"webhook": webhook, "email": list(emails)},
    }
    try:
        rule = alert_store(current_app).add_rule(check_rule(given, author))
    except RuleError as error:
        raise click.UsageError(str(error)) from None
    except _store_errors() as error:
        raise _fail(error) from None
    click.echo(f"added rule {rule['id']}: {rule['name']}: {describe(rule)}")


@alerts_group.command("delete")
@click.argument("rule_id", type=int)
@with_appcontext
def delete_command(rule_id: int) -> None:
    """Delete a rule by its id (its history stays)."""
    from web.alerts.runner import alert_store

    try:
        deleted = alert_store(current_app).delete_rule(rule_id)
    except _store_errors() as error:
        raise _fail(error) from None
    if not deleted:
        raise click.ClickException(f"there is no alert rule {rule_id}")
    click.echo(f"deleted rule {rule_id}")


@alerts_group.command("run")
@with_appcontext
def run_command() -> None:
    """Evaluate every rule now; a rule whose state changes notifies (once), and notifications
    owed after a failed delivery are tried again."""
    from web.alerts.runner import evaluator

    try:
        done = evaluator(current_app).run()
    except _store_errors() as error:
        raise _fail(error) from None
    for outcome in done:
        if "error" in outcome:
            click.echo(f"rule {outcome['rule']}: could not be evaluated: {outcome['error']}")
            continue
        sent = {True: ", notified", False: ", delivery failed (tried again later)"}.get(
            outcome.get("delivered"), ""
        )
        click.echo(
            f"rule {outcome['rule']}: {outcome['day']}: {outcome['value']} -> "
            f"{outcome['verdict'] or 'no verdict'}{sent}"
        )
    if not done:
        click.echo("no alert rules")


@alerts_group.command("digest")
@with_appcontext
def digest_command() -> None:
    """Send the daily digest now (to DIGEST_TO and/or DIGEST_WEBHOOK)."""
    from web.alerts.digest import send_digest

    failed = send_digest(current_app)
    if failed:
        raise click.ClickException("; ".join(f"{k}: {v}" for k, v in failed.items()))
    click.echo("sent the digest")
