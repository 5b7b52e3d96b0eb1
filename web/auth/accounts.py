"""The app's accounts store (data/accounts/), opened on first use, and the AUTH=off principal."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask, current_app

if TYPE_CHECKING:
    from data.accounts.store import Account, AccountStore

_STORE = "reelboard.accounts"
LOCAL_ADMIN_NAME = "local"


def accounts_path(config) -> Path:
    """ACCOUNTS_DATABASE, or accounts.sqlite in the instance folder."""
    return Path(config.get("ACCOUNTS_DATABASE") or Path(config["INSTANCE_PATH"]) / "accounts.sqlite")


def audit_path(config) -> Path:
    """AUDIT_LOG, or audit.log in the instance folder."""
    return Path(config.get("AUDIT_LOG") or Path(config["INSTANCE_PATH"]) / "audit.log")


def accounts(app: Flask | None = None) -> AccountStore:
    """The accounts store (one per app; each operation opens its own SQLite connection)."""
    server = app or current_app
    store = server.extensions.get(_STORE)
    if store is None:
        from data.accounts.store import AccountStore

        hours = float(server.config.get("SESSION_HOURS") or 12)
        store = AccountStore(accounts_path(server.config), session_hours=hours)
        server.extensions[_STORE] = store
    return store


def oidc_configured(config) -> bool:
    """True when single sign-on (OIDC_ISSUER and OIDC_CLIENT_ID) is set up."""
    return bool(config.get("OIDC_ISSUER") and config.get("OIDC_CLIENT_ID"))


def open_principal() -> Account:
    """Who an AUTH=off request is: the one local person, an admin without limits."""
    from data.accounts.store import Account

    return Account(
        name=LOCAL_ADMIN_NAME,
        role="admin",
        scope={},
        disabled=False,
        has_password=False,
        source="local",
        created=dt.datetime(1970, 1, 1, tzinfo=dt.UTC),
    )
