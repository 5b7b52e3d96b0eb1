"""Signing a person in and out: the session row, the cookie, the failure counts, the audit."""

from __future__ import annotations

from dataclasses import dataclass

from flask import g, session

from data.accounts.audit import audit
from data.accounts.passwords import MAX_LENGTH, password_problem
from web.auth import devices, throttle
from web.auth.accounts import accounts
from web.auth.guard import SESSION_KEY, set_principal
from web.limits import client_key


@dataclass(frozen=True)
class Attempt:
    """The result of a sign-in form: the account, or why not (wait seconds when throttled)."""

    account: object | None = None
    wait: int | None = None


def begin(account, method: str) -> None:
    """Start a session for account and put its id in the signed cookie."""
    sid = accounts().start_session(account.name)
    session.clear()  # a session id chosen before the sign-in never survives it
    session[SESSION_KEY] = sid
    session.permanent = True
    set_principal(account)
    audit("signin", user=account.name, method=method, client=client_key())


def end() -> None:
    """End the request's session at once (its row goes) and clear the cookie."""
    sid = session.get(SESSION_KEY)
    principal = getattr(g, "principal", None)
    if isinstance(sid, str):
        accounts().end_session(sid)
        audit("signout", user=getattr(principal, "name", None), client=client_key())
    session.clear()


def attempt(name: str, password: str) -> Attempt:
    """Check a name and password, slowed down after repeated failures."""
    store = accounts()
    client = client_key()
    device = devices.device_key(name)
    wait = throttle.wait_seconds(store, name, client, device)
    if wait is not None:
        audit("signin_failed", user=name, client=client, reason="throttled")
        return Attempt(wait=wait)
    account = None
    if name and password and len(password) <= MAX_LENGTH:
        account = store.verify(name, password)
    if account is None:
        throttle.failed(store, name, client, device)
        audit("signin_failed", user=name, client=client, reason="wrong name or password")
        return Attempt()
    throttle.succeeded(store, name, device)
    return Attempt(account=account)


def change_password(account, current: str, new: str, repeated: str) -> str | None:
    """Set a new password for the signed-in account; an error message, or None when done.

    Changing it ends every session of the account (others signed in elsewhere too); this one
    gets a new session so that the person stays signed in here.
    """
    store = accounts()
    if account.has_password and store.verify(account.name, current or "") is None:
        audit("signin_failed", user=account.name, client=client_key(), reason="password change")
        return "The current password is not right."
    if new != repeated:
        return "The two new passwords differ."
    problem = password_problem(new)
    if problem:
        return problem[0].upper() + problem[1:] + "."
    store.update(account.name, password=new)  # ends every session of the account; audited
    begin(store.get(account.name), "password_change")
    return None
