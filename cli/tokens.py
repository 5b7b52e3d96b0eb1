"""API token commands: `flask tokens create|list|revoke` (Authorization: Bearer for scripts)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from cli.users import account_store, echo_table, run
from data.accounts.tokens import as_iso, parse_duration

tokens_group = AppGroup("tokens", help="Tokens for scripts and agents (sent as a Bearer token).")


def _when(moment) -> str:
    return "-" if moment is None else as_iso(moment.timestamp())


@tokens_group.command("create")
@click.option("--user", "name", required=True, help="The account the token acts as.")
@click.option("--expires", default=None, help="Lifetime: 90d, 12h or 30m (default: never).")
def create_command(name, expires):
    """Create a token for an account; it is printed once, alone on the last line."""
    lifetime = run(lambda: parse_duration(expires)) if expires is not None else None
    store = account_store()
    account = store.get(name)
    if account is None:
        raise click.ClickException(f"no account named {name!r}")
    token_id, text = run(lambda: store.create_token(account.name, lifetime))
    until = "never expires" if lifetime is None else f"expires in {expires.strip()}"
    click.echo(f"token {token_id} for {account.name} ({until}); it is shown only now:")
    click.echo(text)


@tokens_group.command("list")
@click.option("--user", "name", default=None, help="Only this account's tokens.")
def list_command(name):
    """Every token: id, user, created, expires, last used, revoked (never the secret)."""
    store = account_store()
    if name is not None and store.get(name) is None:
        raise click.ClickException(f"no account named {name!r}")
    tokens = run(lambda: store.list_tokens(name))
    rows = [("id", "user", "created", "expires", "last_used", "revoked")] + [
        (t.id, t.user, _when(t.created), _when(t.expires), _when(t.last_used), _when(t.revoked))
        for t in tokens
    ]
    echo_table(rows)


@tokens_group.command("revoke")
@click.argument("token_id")
def revoke_command(token_id):
    """Revoke a token by its id (as `flask tokens list` shows it)."""
    if not run(lambda: account_store().revoke_token(token_id)):
        raise click.ClickException(f"no live token with the id {token_id!r}")
    click.echo(f"revoked token {token_id}")
