"""The access tests' set-up: an app with AUTH on, its accounts store, an account, sign_in()."""

from __future__ import annotations

import pytest

from web.auth.accounts import accounts

PASSWORD = "correct horse battery"
OWN_ORIGIN = "http://localhost"


@pytest.fixture
def auth_app(make_app, tmp_path):
    """The real app with sign-in on and its own accounts file and audit log."""
    return make_app(
        AUTH="on",
        ACCOUNTS_DATABASE=str(tmp_path / "accounts.sqlite"),
        AUDIT_LOG=str(tmp_path / "audit.log"),
    )


@pytest.fixture
def store(auth_app):
    return accounts(auth_app.server)


@pytest.fixture
def ann(store):
    """A viewer with a password."""
    return store.create("ann", "viewer", password=PASSWORD)


def sign_in(client, name: str = "ann", password: str = PASSWORD, next_path: str = "/"):
    """POST the sign-in form as the app's own page does (with its Origin)."""
    return client.post(
        "/signin",
        data={"name": name, "password": password, "next": next_path},
        headers={"Origin": OWN_ORIGIN},
    )
