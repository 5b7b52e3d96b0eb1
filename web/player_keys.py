"""Who plays the game: the signed-in account, or a player key the server signs and the client keeps.

A player key is a random id signed with the app's SECRET_KEY (itsdangerous, its own salt). It
is not kept in Flask's session: sign-in owns that cookie and clears or renews it on sign-in and
sign-out, while a player's names must outlive both; and a key must also work for scripts, which
send it in a header. Browsers keep it in an HttpOnly, SameSite=Lax cookie scoped to the game
(page script never reads it, and other sites' requests do not carry it); other clients get it in
the start answer and send it back as the X-Reelboard-Player header.
"""

from __future__ import annotations

import re
import secrets

from flask import Response, current_app, g, request
from itsdangerous import BadSignature, Signer

from web.errors import ClientError
from web.paths import GAME_PREFIX

COOKIE = "reelboard_player"
HEADER = "X-Reelboard-Player"
# 400 days: the longest a browser keeps a cookie (Chromium caps Max-Age there); each start renews.
COOKIE_MAX_AGE = 400 * 24 * 3600
_SALT = "reelboard.player-key"
_ID = re.compile(r"[A-Za-z0-9_-]{22}")  # secrets.token_urlsafe(16)
_MAX_KEY_CHARS = 200
_STATE = "reelboard_player_key"  # g attribute: (id, signed key, where it came from)


def owner() -> str:
    """The owner id of the current request: "account:NAME" when signed in, else "key:ID"."""
    # With AUTH=off every request is the one local stand-in, not a person: browsers own names.
    principal = getattr(g, "principal", None) if current_app.config.get("AUTH") else None
    name = getattr(principal, "name", None)
    if isinstance(name, str) and name:
        return f"account:{name}"
    return f"key:{_player()[0]}"


def key_for_answer() -> str | None:
    """The signed key to put in the start answer: for clients that did not send it in the cookie
    (a new key, or a script using the header); never for a signed-in account."""
    state = g.get(_STATE)
    if state is None or state[2] == "cookie":
        return None
    return state[1]


def remember(response: Response) -> Response:
    """After a game request: (re)set the cookie when this request used a key from the cookie or
    a new one (renewing its age), never for a key sent in the header."""
    state = g.get(_STATE)
    if state is not None and state[2] != "header":
        response.set_cookie(
            COOKIE,
            state[1],
            max_age=COOKIE_MAX_AGE,
            path=GAME_PREFIX,
            secure=request.is_secure,  # behind TLS (ProxyFix trusts X-Forwarded-Proto)
            httponly=True,
            samesite="Lax",
        )
    return response


def _player() -> tuple[str, str, str]:
    state = g.get(_STATE)
    if state is not None:
        return state
    sent = request.headers.get(HEADER)
    if sent is not None:
        player = _unsign(sent.strip())
        if player is None:
            # Refused, not replaced: a script that lost its key must not believe it still plays
            # as the owner of its names.
            raise ClientError(
                400,
                f"{HEADER} is not a player key this server issued: send the player_key of a "
                "start answer, or leave the header out to get a new key",
            )
        state = (player, sent.strip(), "header")
    else:
        cookie = request.cookies.get(COOKIE, "")
        player = _unsign(cookie) if cookie else None
        if player is not None:
            state = (player, cookie, "cookie")
        else:
            # No cookie, or one signed with a key no longer configured: a new player.
            player = secrets.token_urlsafe(16)
            state = (player, _signer().sign(player).decode("ascii"), "new")
    setattr(g, _STATE, state)
    return state


def _unsign(value: str) -> str | None:
    if not value or len(value) > _MAX_KEY_CHARS:
        return None
    try:
        player = _signer().unsign(value).decode("ascii")
    except (BadSignature, UnicodeError):
        return None
    return player if _ID.fullmatch(player) else None


def _signer() -> Signer:
    # SECRET_KEY_FALLBACKS (Flask's list of older keys) keeps keys valid across a key rotation;
    # itsdangerous signs with the last key of the list and accepts any.
    older = current_app.config.get("SECRET_KEY_FALLBACKS") or []
    return Signer([*older, current_app.secret_key], salt=_SALT)
