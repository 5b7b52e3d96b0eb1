"""Single sign-on with OpenID Connect (Authlib): /signin/oidc and its callback, when configured."""

from __future__ import annotations

import logging

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, Flask, current_app, redirect, render_template, request, session
from joserfc.errors import JoseError

from data.accounts.audit import audit
from data.accounts.claims import ClaimsRefused, account_name, map_claims
from web.auth import sessions
from web.auth.accounts import accounts, oidc_configured
from web.auth.paths import SIGNIN_PATH, local_next
from web.limits import client_key

bp = Blueprint("oidc", __name__)
log = logging.getLogger("reelboard.oidc")
OIDC_PATH = SIGNIN_PATH + "/oidc"
CALLBACK_PATH = OIDC_PATH + "/callback"
_NEXT_KEY = "oidc_next"  # where to go after the callback, kept in the signed cookie meanwhile
_OAUTH = "reelboard.oauth"


def init_oidc(server: Flask) -> None:
    """Register the provider (discovery from OIDC_ISSUER) and the two routes, when configured."""
    if not oidc_configured(server.config):
        return
    config = server.config
    oauth = OAuth(server)
    oauth.register(
        "oidc",
        client_id=config["OIDC_CLIENT_ID"],
        client_secret=config["OIDC_CLIENT_SECRET"],
        server_metadata_url=discovery_url(config["OIDC_ISSUER"]),
        # PKCE (S256) on top of the client secret; Authlib adds state and nonce.
        client_kwargs={"scope": config["OIDC_SCOPES"], "code_challenge_method": "S256"},
    )
    server.extensions[_OAUTH] = oauth
    server.register_blueprint(bp)


def discovery_url(issuer: str) -> str:
    """The provider's discovery document (OpenID Connect Discovery 1.0, section 4)."""
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


def _client():
    return current_app.extensions[_OAUTH].oidc


@bp.get(OIDC_PATH)
def start():
    """Send the browser to the provider (code flow, PKCE, state and nonce in the cookie)."""
    try:
        client = _client()
        _check_issuer(client.load_server_metadata())
        session[_NEXT_KEY] = local_next(request.args.get("next"))
        return client.authorize_redirect(redirect_uri())
    except (requests.RequestException, ValueError, KeyError) as error:
        return _provider_unreachable(error)


def redirect_uri() -> str:
    """The callback URL to register at the provider: OIDC_REDIRECT_URI, or this server's own
    (its host checked against ALLOWED_HOSTS, https behind TRUSTED_PROXIES)."""
    return current_app.config.get("OIDC_REDIRECT_URI") or request.url_root.rstrip("/") + (
        CALLBACK_PATH
    )


@bp.get(CALLBACK_PATH)
def callback():
    """Check the provider's answer (state, code with PKCE, ID token signature, issuer,
    audience, nonce), map its claims to a role and limits, and sign the person in."""
    client = _client()
    try:
        token = client.authorize_access_token()
        # Authlib checks an ID token only when the answer has one: without it, nothing is proven.
        id_claims = token.get("userinfo")
        if not id_claims:
            raise ValueError("the provider's answer has no ID token")
        claims = _with_userinfo(client, token, dict(id_claims))
    except (AuthlibBaseError, JoseError, ValueError, KeyError) as error:
        return _refused("The sign-in could not be verified. Please start again.", error)
    except requests.RequestException as error:
        return _provider_unreachable(error)
    try:
        name = account_name(claims)
        role, scope = map_claims(claims, current_app.config["OIDC_POLICY"])
    except ClaimsRefused as refusal:
        return _refused(f"You may not use this Reelboard: {refusal}.", refusal, claims)
    store = accounts()
    existing = store.get(name)
    if existing is not None and existing.source != "oidc":
        # Never sign into a local (password) account through the provider.
        return _refused(
            f"An account named {name!r} exists on this server already; ask an administrator.",
            "a local account of that name",
            claims,
        )
    if existing is not None and existing.disabled:
        return _refused("Your account here is disabled; ask an administrator.", "disabled", claims)
    account = store.upsert_oidc(name, role, scope)
    target = local_next(session.pop(_NEXT_KEY, None))
    sessions.begin(account, "oidc")
    audit("oidc_signin", user=name, role=role, subject=claims.get("sub"), client=client_key())
    return redirect(target)


def _check_issuer(metadata: dict) -> None:
    # The discovery document must name the configured issuer (Discovery 1.0, section 4.3);
    # Authlib then checks every ID token's `iss` against it.
    configured = current_app.config["OIDC_ISSUER"].rstrip("/")
    if str(metadata.get("issuer", "")).rstrip("/") != configured:
        raise ValueError(f"the discovery document names issuer {metadata.get('issuer')!r}")


def _with_userinfo(client, token: dict, claims: dict) -> dict:
    """The ID token's claims, completed from the userinfo endpoint where the provider keeps
    groups and names there (the ID token's own claims win; its subject must match)."""
    metadata = client.load_server_metadata()
    _check_issuer(metadata)
    if not metadata.get("userinfo_endpoint") or "access_token" not in token:
        return claims
    info = dict(client.userinfo(token=token))
    if info.get("sub") != claims.get("sub"):
        raise ValueError("the userinfo answer is about another subject")
    return {**info, **claims}


def _refused(message: str, reason: object, claims: dict | None = None):
    session.pop(_NEXT_KEY, None)
    user = None
    if claims:
        user = claims.get("preferred_username") or claims.get("email") or claims.get("sub")
    audit(
        "signin_failed",
        user=user,
        method="oidc",
        reason=str(reason)[:100],
        client=client_key(),
    )
    return _page(403, message)


def _provider_unreachable(error: Exception):
    log.warning("OIDC provider unreachable: %s", error)
    return _page(502, "The sign-in provider could not be reached. Please try again later.")


def _page(status: int, message: str):
    page = render_template("signin_refused.html", message=message)
    return page, status, {"Cache-Control": "no-store"}
