"""Account commands: `flask users create|list|update|disable|enable|delete`."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable

import click
from flask import current_app
from flask.cli import AppGroup

from data.accounts.audit import attach_audit_log
from data.accounts.limits import describe_scope, parse_limits
from data.accounts.store import ROLES, AccountStore

users_group = AppGroup("users", help="Accounts: who may sign in, with which role and limits.")

LIMIT_HELP = (
    "Only these values of a catalog dimension, e.g. market=DE,AT (repeatable; "
    "values as the /data filters spell them)."
)


def account_store() -> AccountStore:
    """The configured accounts file (ACCOUNTS_DATABASE), with the audit log attached."""
    config = current_app.config
    try:
        attach_audit_log(config["AUDIT_LOG"])
        return AccountStore(config["ACCOUNTS_DATABASE"], session_hours=config["SESSION_HOURS"])
    except (OSError, sqlite3.Error) as exc:
        raise click.ClickException(f"cannot open {config['ACCOUNTS_DATABASE']}: {exc}") from None


def run(action: Callable):
    """action's result; its ValueError (or a database error) as one line and exit status 1."""
    try:
        return action()
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    except sqlite3.Error as exc:
        raise click.ClickException(f"the accounts database failed: {exc}") from None


def echo_table(rows: list[tuple[str, ...]]) -> None:
    """Rows as aligned columns (the last one unpadded)."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=True)]
        click.echo("  ".join([*cells, row[-1]]))


def _role(text: str | None) -> str | None:
    if text is None:
        return None
    if text.strip().lower() not in ROLES:
        raise click.ClickException(f"--role must be one of {', '.join(ROLES)}, got {text!r}")
    return text.strip().lower()


def _limits(texts: tuple[str, ...]):
    try:
        return parse_limits(texts)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None


def _password(from_stdin: bool, prompt: bool) -> str | None:
    """The new password: one line of standard input, typed twice (hidden), or None."""
    if from_stdin:
        text = sys.stdin.readline().rstrip("\r\n")
        if not text:
            raise click.ClickException("no password on standard input")
        return text
    if prompt:
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return None


@users_group.command("create")
@click.argument("name")
@click.option("--role", required=True, help=f"One of {', '.join(ROLES)}.")
@click.option("--limit", "limits", multiple=True, metavar="DIMENSION=V1,V2", help=LIMIT_HELP)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_command(name, role, limits, password_stdin):
    """Create an account NAME (asks for its password twice unless --password-stdin)."""
    role, scope = _role(role), _limits(limits)
    store = account_store()
    if store.get(name) is not None:
        raise click.ClickException(f"the name {name!r} is taken")
    password = _password(password_stdin, prompt=True)
    account = run(lambda: store.create(name, role, scope, password))
    click.echo(f"created {account.role} {account.name} (limits: {describe_scope(account.scope)})")


@users_group.command("list")
def list_command():
    """Every account: name, role, limits, disabled, source."""
    accounts = run(lambda: account_store().list())
    rows = [("name", "role", "limits", "disabled", "source")] + [
        (a.name, a.role, describe_scope(a.scope), "yes" if a.disabled else "no", a.source)
        for a in accounts
    ]
    echo_table(rows)
    if not accounts:
        click.echo("(no accounts yet: flask users create NAME --role admin)")


@users_group.command("update")
@click.argument("name")
@click.option("--role", default=None, help=f"One of {', '.join(ROLES)}.")
@click.option("--limit", "limits", multiple=True, metavar="DIMENSION=V1,V2", help=LIMIT_HELP)
@click.option("--no-limits", is_flag=True, help="Remove every limit: the account sees all.")
@click.option("--password", "ask_password", is_flag=True, help="Ask for a new password (twice).")
@click.option("--password-stdin", is_flag=True, help="Read a new password from standard input.")
def update_command(name, role, limits, no_limits, ask_password, password_stdin):
    """Change an account's role, limits (--limit replaces them all) or password; a new
    password signs the account out everywhere."""
    if limits and no_limits:
        raise click.ClickException("give --limit or --no-limits, not both")
    role = _role(role)
    scope = {} if no_limits else (_limits(limits) if limits else None)
    store = account_store()
    if store.get(name) is None:
        raise click.ClickException(f"no account named {name!r}")
    password = _password(password_stdin, prompt=ask_password)
    if role is None and scope is None and password is None:
        raise click.ClickException(
            "nothing to change: give --role, --limit, --no-limits, --password or --password-stdin"
        )
    account = run(lambda: store.update(name, role=role, scope=scope, password=password))
    click.echo(f"updated {account.role} {account.name} (limits: {describe_scope(account.scope)})")


@users_group.command("disable")
@click.argument("name")
def disable_command(name):
    """Refuse NAME every sign-in and token; its sessions end at once."""
    account = run(lambda: account_store().disable(name))
    click.echo(f"disabled {account.name}")


@users_group.command("enable")
@click.argument("name")
def enable_command(name):
    """Let a disabled account sign in again."""
    account = run(lambda: account_store().enable(name))
    click.echo(f"enabled {account.name}")


@users_group.command("delete")
@click.argument("name")
def delete_command(name):
    """Delete NAME with its sessions and tokens."""
    store = account_store()
    account = store.get(name)
    run(lambda: store.delete(name))
    click.echo(f"deleted {account.name if account else name}")
