"""The sign-in pages: /signin, /signin/link (make run's one-time link), /signout and
/account/password. Thin views: web/auth/sessions.py does the work."""

from __future__ import annotations

from flask import Blueprint, current_app, g, redirect, render_template, request

from web.auth import devices, sessions
from web.auth.accounts import accounts, oidc_configured
from web.auth.paths import LINK_PATH, PASSWORD_PATH, SIGNIN_PATH, SIGNOUT_PATH, local_next

bp = Blueprint("auth", __name__)
MAX_NAME_CHARS = 200  # longer than any account name (64); the rest of a typed name is cut


def _signin_page(status: int = 200, error: str | None = None, name: str = "", wait=None):
    page = render_template(
        "signin.html",
        next=local_next(request.values.get("next")),
        error=error,
        name=name,
        oidc=oidc_configured(current_app.config),
    )
    headers = {"Cache-Control": "no-store"}
    if wait is not None:
        headers["Retry-After"] = str(wait)
    return page, status, headers


@bp.get(SIGNIN_PATH)
def signin_form():
    """The sign-in form (or straight on, for someone already signed in)."""
    if g.get("principal") is not None:
        return redirect(local_next(request.args.get("next")))
    return _signin_page()


@bp.post(SIGNIN_PATH)
def signin():
    """Check the name and password; on success start a session and go on to `next`."""
    name = request.form.get("name", "").strip()[:MAX_NAME_CHARS]
    result = sessions.attempt(name, request.form.get("password", ""))
    if result.wait is not None:
        minutes = max(1, round(result.wait / 60))
        message = f"Too many failed sign-ins: try again in about {minutes} minute(s)."
        return _signin_page(429, message, name, wait=result.wait)
    if result.account is None:
        return _signin_page(401, "Wrong name or password.", name)
    sessions.begin(result.account, "password")
    response = redirect(local_next(request.form.get("next")))
    devices.remember(response, result.account.name)
    return response


@bp.get(LINK_PATH)
def signin_link():
    """`make run`'s one-time link: it signs the local person in once, then is spent."""
    account = accounts().use_link_token(request.args.get("token", "")[:200])
    if account is None:
        return _signin_page(401, "This sign-in link was used already or has expired.")
    sessions.begin(account, "link")
    return redirect("/")


@bp.post(SIGNOUT_PATH)
def signout():
    """End the session at once; the old cookie no longer signs anyone in."""
    sessions.end()
    return redirect(SIGNIN_PATH)


@bp.route(PASSWORD_PATH, methods=["GET", "POST"])
def password():
    """The signed-in person's password change form (the guard lets only them here)."""
    if not current_app.config["AUTH"]:
        return _signin_page(404, "There are no accounts: this server runs with AUTH=off.")
    account = g.principal
    error = done = None
    if request.method == "POST":
        error = sessions.change_password(
            account,
            request.form.get("current", ""),
            request.form.get("new", ""),
            request.form.get("repeat", ""),
        )
        done = error is None
    page = render_template("password.html", account=account, error=error, done=done)
    return page, 400 if error else 200, {"Cache-Control": "no-store"}
