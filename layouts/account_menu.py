"""The top bar's account menu: who is signed in, their limits, password, admin page, sign-out."""

from __future__ import annotations

from dash import html
from flask import current_app, g, has_request_context

from data.events.catalog import DIMENSION_BY_NAME

# Fixed paths of web/auth (pages.py, admin.py); layouts do not import the web package.
PASSWORD_PATH = "/account/password"
SIGNOUT_PATH = "/signout"
ADMIN_PATH = "/admin/"
MENU_ID = "account-menu"
NAME_ID = "account-name"
SCOPE_ID = "account-scope"
PASSWORD_LINK_ID = "account-password-link"
ADMIN_LINK_ID = "account-admin-link"
SIGNOUT_FORM_ID = "account-signout-form"
SIGNOUT_BUTTON_ID = "account-signout"


def signed_in():
    """The account of the page load's request (the guard's g.principal), or None: with
    AUTH=off, outside a request (Dash's start-up checks) or without a sign-in."""
    if not has_request_context() or not current_app.config.get("AUTH"):
        return None
    return g.get("principal")


def scope_text(scope) -> str | None:
    """`limited to market NO, SE; device tv` for a limited account, None for an unlimited one."""
    if not scope:
        return None
    parts = []
    for name in sorted(scope):
        dimension = DIMENSION_BY_NAME.get(name)
        label = dimension.label.lower() if dimension else name
        parts.append(f"{label} {', '.join(sorted(scope[name]))}")
    return "limited to " + "; ".join(parts)


def _link(text: str, href: str, link_id: str) -> html.A:
    return html.A(
        text, href=href, id=link_id, className="btn btn-sm btn-outline-secondary rb-nav-link"
    )


def account_menu(account) -> html.Div | None:
    """The menu for account (None: nothing to show). Texts are Dash children, so a name or a
    value is always shown as text, never read as HTML."""
    if account is None:
        return None
    who = [html.Span(account.name, id=NAME_ID, className="rb-account-name")]
    limits = scope_text(account.scope)
    if limits:
        who.append(html.Span(limits, id=SCOPE_ID, className="rb-account-scope"))
    items = [html.Div(who, className="rb-account-who")]
    if account.role == "admin":
        items.append(_link("Admin", ADMIN_PATH, ADMIN_LINK_ID))
    if account.has_password:
        items.append(_link("Change password", PASSWORD_PATH, PASSWORD_LINK_ID))
    # A plain form: the browser sends the page's Origin with the POST, which the guard checks.
    items.append(
        html.Form(
            html.Button(
                "Sign out",
                type="submit",
                id=SIGNOUT_BUTTON_ID,
                className="btn btn-sm btn-outline-secondary",
            ),
            action=SIGNOUT_PATH,
            method="post",
            id=SIGNOUT_FORM_ID,
            className="rb-signout mb-0",
        )
    )
    return html.Div(items, id=MENU_ID, className="rb-account-menu d-flex align-items-center gap-2")
