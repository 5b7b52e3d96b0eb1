"""The admin page at /admin/: the accounts and the API tokens; create (shown once) and revoke."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, g, render_template, request

from data.accounts.database import as_datetime
from data.accounts.limits import describe_scope
from data.accounts.tokens import parse_duration
from web.auth.accounts import accounts

bp = Blueprint("admin", __name__)
ADMIN_PATH = "/admin/"
NO_STORE = {"Cache-Control": "no-store"}  # a created token must never come back from a cache
MAX_FIELD_CHARS = 200  # more than any name (64) or duration; the rest of a field is cut


@bp.before_request
def admins_only():
    """AUTH=off has no accounts (404); a viewer may not see them (403). The guard has already
    sent anyone without a sign-in to /signin and refused foreign-origin POSTs."""
    if not current_app.config["AUTH"]:
        return _message(404, "There are no accounts: this server runs with AUTH=off.")
    principal = g.get("principal")
    if principal is None or principal.role != "admin":
        return _message(403, "Only administrators may see this page.")
    return None


@bp.get(ADMIN_PATH)
def page():
    """Every account and every token (never a token's secret: the store keeps only a hash)."""
    return _page()


@bp.post(ADMIN_PATH + "tokens")
def create_token():
    """A new token for an account: its text is on this answer only, never stored or logged."""
    user = request.form.get("user", "").strip()[:MAX_FIELD_CHARS]
    expires_text = request.form.get("expires", "").strip()[:MAX_FIELD_CHARS]
    try:
        expires = None if expires_text in ("", "never") else parse_duration(expires_text)
        if accounts().get(user) is None:
            raise ValueError(f"there is no account named {user!r}")
        token_id, text = accounts().create_token(user, expires)  # audited by the store
    except ValueError as error:
        return _page(400, error=f"No token created: {error}.", user=user, expires=expires_text)
    info = next(t for t in accounts().list_tokens(user) if t.id == token_id)
    page = render_template("token_created.html", token=text, info=info, when=_when)
    return page, 200, NO_STORE


@bp.post(ADMIN_PATH + "tokens/revoke")
def revoke_token():
    """Revoke a token by its id: requests with it get 401 from now on."""
    token_id = request.form.get("token_id", "").strip()[:MAX_FIELD_CHARS]
    if not accounts().revoke_token(token_id):  # audited by the store
        return _page(400, error="No such token, or it is revoked already.")
    return _page(notice=f"Token {token_id} is revoked.")


def _page(status: int = 200, error: str | None = None, notice: str | None = None, **form):
    store = accounts()
    now = as_datetime(store.now())  # the store's clock, which decides expiry
    tokens = [{"info": info, "state": _state(info, now)} for info in reversed(store.list_tokens())]
    page = render_template(
        "admin.html",
        accounts=store.list(),
        tokens=tokens,
        error=error,
        notice=notice,
        form={"user": "", "expires": "90d", **form},
        limits=describe_scope,
        when=_when,
        principal=g.principal,
    )
    return page, status, NO_STORE


def _state(info, now: dt.datetime) -> str:
    if info.revoked is not None:
        return "revoked"
    if info.expires is not None and info.expires <= now:
        return "expired"
    return "live"


def _when(moment: dt.datetime | None, empty: str = "-") -> str:
    """A stored time as `2025-03-01 14:05 UTC`."""
    return empty if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


def _message(status: int, message: str):
    page = render_template("admin_refused.html", message=message, status=status)
    return page, status, NO_STORE
