"""API tokens for scripts and agents: shown once, stored hashed, revocable, with a last use."""

from __future__ import annotations

import datetime as dt
import hmac
import re
import secrets
from dataclasses import dataclass

from data.accounts.audit import audit
from data.accounts.database import (
    ACCOUNT_COLUMNS,
    Account,
    AccountsDatabase,
    account_from_row,
    as_datetime,
    secret_hash,
)

TOKEN_PREFIX = "rb_"  # rb_<id>_<secret>: the id names the row, the secret proves it
LAST_USED_EVERY = 60  # seconds: last_used (and the token_used audit line) at most this often
_TOKEN_RE = re.compile(r"rb_([0-9a-f]{16})_([A-Za-z0-9_-]{43})")
_DURATION_RE = re.compile(r"([0-9]{1,6})\s*([dhm])")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


@dataclass(frozen=True)
class TokenInfo:
    """What may be shown about a token: never its secret."""

    id: str
    user: str
    created: dt.datetime
    expires: dt.datetime | None
    last_used: dt.datetime | None
    revoked: dt.datetime | None


def parse_duration(text: str) -> dt.timedelta:
    """`90d`, `12h` or `30m` as a timedelta; ValueError with a one-line message otherwise."""
    match = _DURATION_RE.fullmatch(text.strip().lower()) if isinstance(text, str) else None
    if match is None or int(match.group(1)) == 0:
        raise ValueError(f"a duration is a number and d, h or m (90d, 12h, 30m), got {text!r}")
    return dt.timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def token_id_of(text: str) -> str | None:
    """The id part of a token's text, or the text itself when it is an id; None otherwise."""
    match = _TOKEN_RE.fullmatch(text.strip()) if isinstance(text, str) else None
    if match:
        return match.group(1)
    text = text.strip() if isinstance(text, str) else ""
    return text if re.fullmatch(r"[0-9a-f]{16}", text) else None


class TokensMixin(AccountsDatabase):
    """Bearer tokens of accounts: each carries its account's role and limits."""

    def create_token(self, name: str, expires: dt.timedelta | None = None) -> tuple[str, str]:
        """(token id, the token's text `rb_<id>_<secret>`): the text is shown once, never kept."""
        token_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
        now = self.now()
        until = None if expires is None else now + expires.total_seconds()
        with self._write() as db:
            row = db.execute("SELECT name FROM accounts WHERE name = ?", (name,)).fetchone()
            if row is None:
                raise ValueError(f"no account named {name!r}")
            db.execute(
                "INSERT INTO tokens (id, name, secret_hash, created, expires) "
                "VALUES (?, ?, ?, ?, ?)",
                (token_id, row[0], secret_hash(secret), now, until),
            )
        audit("token_created", user=row[0], token_id=token_id, expires=as_iso(until))
        return token_id, f"{TOKEN_PREFIX}{token_id}_{secret}"

    def token_account(self, text: str | None) -> Account | None:
        """The account a token's text stands for; None if unknown, malformed, revoked, expired
        or its account is disabled. Its last use is kept (at most once a minute)."""
        match = _TOKEN_RE.fullmatch(text) if isinstance(text, str) else None
        if match is None:
            return None
        token_id, secret = match.groups()
        now = self.now()
        with self._connect() as db:
            row = db.execute(
                "SELECT t.secret_hash, t.expires, t.revoked, t.last_used, "
                + ", ".join(f"a.{c}" for c in ACCOUNT_COLUMNS.split(", "))
                + " FROM tokens t JOIN accounts a ON a.name = t.name WHERE t.id = ?",
                (token_id,),
            ).fetchone()
        if row is None:
            return None
        stored, until, revoked, last_used = row[:4]
        if not hmac.compare_digest(stored, secret_hash(secret)):
            return None
        if revoked is not None or (until is not None and until <= now):
            return None
        account = account_from_row(row[4:])
        if account.disabled:
            return None
        if last_used is None or now - last_used >= LAST_USED_EVERY:
            with self._write() as db:
                # Only the request that moves last_used writes the audit line (several workers).
                moved = db.execute(
                    "UPDATE tokens SET last_used = ? WHERE id = ? "
                    "AND (last_used IS NULL OR last_used <= ?)",
                    (now, token_id, now - LAST_USED_EVERY),
                ).rowcount
            if moved:
                audit("token_used", user=account.name, token_id=token_id)
        return account

    def revoke_token(self, token_id: str) -> bool:
        """Revoke a token by its id (or its text); False when there is no such live token."""
        token_id = token_id_of(token_id)
        if token_id is None:
            return False
        with self._write() as db:
            row = db.execute(
                "UPDATE tokens SET revoked = ? WHERE id = ? AND revoked IS NULL RETURNING name",
                (self.now(), token_id),
            ).fetchone()
        if row is None:
            return False
        audit("token_revoked", user=row[0], token_id=token_id)
        return True

    def list_tokens(self, name: str | None = None) -> list[TokenInfo]:
        """Every token (of one account), oldest first."""
        query = "SELECT id, name, created, expires, last_used, revoked FROM tokens"
        with self._connect() as db:
            if name is None:
                rows = db.execute(query + " ORDER BY created, id").fetchall()
            else:
                rows = db.execute(query + " WHERE name = ? ORDER BY created, id", (name,))
                rows = rows.fetchall()
        return [
            TokenInfo(id_, user, *(as_datetime(t) for t in times)) for id_, user, *times in rows
        ]


def as_iso(seconds: float | None) -> str | None:
    """A stored time as ISO text (UTC), for the audit log and the CLI."""
    moment = as_datetime(seconds)
    return None if moment is None else moment.isoformat(timespec="seconds")
