"""What starting the server needs: `make serve` refuses an open door, `make run` prints a link."""

from __future__ import annotations

from config import is_loopback
from web.auth.accounts import LOCAL_ADMIN_NAME, oidc_configured

SETUP_HINT = (
    "create an account with `flask --app dashboard_app users create NAME --role admin`, "
    "or set OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET"
)


def serve_refusal(config, store) -> str | None:
    """Why a server on this address must not start (one line), or None.

    On a non-loopback address with AUTH on, someone must be able to sign in: an account with
    a password (or any but make run's passwordless `local`), or single sign-on.
    """
    if not config["AUTH"] or is_loopback(config["HOST"]) or _someone_can_sign_in(config, store):
        return None
    return f"nobody can sign in to a server on HOST={config['HOST']}: {SETUP_HINT}"


def _someone_can_sign_in(config, store) -> bool:
    """Single sign-on, or an account with a password (or any but make run's `local`)."""
    return oidc_configured(config) or any(
        not account.disabled and (account.has_password or account.name != LOCAL_ADMIN_NAME)
        for account in store.list()
    )


def first_signin_link(config, store) -> str | None:
    """`make serve` on this machine with nobody able to sign in yet: make run's one-time link,
    so that it too is one command; None once an account or single sign-on exists."""
    if not config["AUTH"] or not is_loopback(config["HOST"]) or _someone_can_sign_in(config, store):
        return None
    return local_signin_link(config, store)


def local_signin_link(config, store, minutes: float = 15) -> str:
    """`make run`'s one-time sign-in link for the local admin (created, passwordless, if
    missing), as Jupyter prints one: opening it signs this machine's person in."""
    if store.get(LOCAL_ADMIN_NAME) is None:
        store.create(LOCAL_ADMIN_NAME, "admin")
    elif store.get(LOCAL_ADMIN_NAME).disabled:
        raise ValueError(f"the account {LOCAL_ADMIN_NAME!r} is disabled; sign in with another")
    token = store.create_link_token(LOCAL_ADMIN_NAME, minutes=minutes)
    host = str(config["HOST"])
    host = f"[{host.strip('[]')}]" if ":" in host else host
    return f"http://{host}:{config['PORT']}/signin/link?token={token}"
