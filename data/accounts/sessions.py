"""Sign-in sessions, one-time sign-in links and failed sign-in counts of the accounts file."""

from __future__ import annotations

import secrets

from data.accounts.database import (
    ACCOUNT_COLUMNS,
    Account,
    AccountsDatabase,
    account_from_row,
    secret_hash,
)

MAX_KEY_CHARS = 200  # a failure key carries a typed name; longer ones are counted by their start
FAILURES_KEPT_SECONDS = 86400  # older failures are deleted; every window asked about is shorter
_ACCOUNT_OF = "SELECT " + ", ".join(f"a.{c}" for c in ACCOUNT_COLUMNS.split(", ")) + " "


class SessionsMixin(AccountsDatabase):
    """Sessions (a random id in a signed cookie, the session a row here), links, failures."""

    def start_session(self, name: str) -> str:
        """A new session of an enabled account: its random id (32 bytes, urlsafe)."""
        sid = secrets.token_urlsafe(32)
        now = self.now()
        with self._write() as db:
            row = db.execute(
                "SELECT name FROM accounts WHERE name = ? AND disabled = 0", (name,)
            ).fetchone()
            if row is None:
                raise ValueError(f"no enabled account named {name!r}")
            db.execute("DELETE FROM sessions WHERE expires <= ?", (now,))
            db.execute(
                "INSERT INTO sessions (id_hash, name, created, expires) VALUES (?, ?, ?, ?)",
                (secret_hash(sid), row[0], now, now + self.session_hours * 3600),
            )
        return sid

    def session_account(self, sid: str | None) -> Account | None:
        """The account of a live session; None when unknown, expired, or the account is
        disabled or deleted."""
        if not sid or not isinstance(sid, str):
            return None
        with self._connect() as db:
            row = db.execute(
                _ACCOUNT_OF + "FROM sessions s JOIN accounts a ON a.name = s.name "
                "WHERE s.id_hash = ? AND s.expires > ? AND a.disabled = 0",
                (secret_hash(sid), self.now()),
            ).fetchone()
        return None if row is None else account_from_row(row)

    def end_session(self, sid: str | None) -> None:
        """Sign one session out (unknown ids are ignored)."""
        if sid and isinstance(sid, str):
            with self._write() as db:
                db.execute("DELETE FROM sessions WHERE id_hash = ?", (secret_hash(sid),))

    def end_sessions(self, name: str) -> int:
        """Sign every session of an account out; how many there were."""
        with self._write() as db:
            return db.execute("DELETE FROM sessions WHERE name = ?", (name,)).rowcount

    # One-time sign-in links (`make run` prints one).

    def create_link_token(self, name: str, minutes: float = 15) -> str:
        """A secret that signs an enabled account in once, within minutes."""
        secret = secrets.token_urlsafe(32)
        now = self.now()
        with self._write() as db:
            if (
                db.execute(
                    "SELECT 1 FROM accounts WHERE name = ? AND disabled = 0", (name,)
                ).fetchone()
                is None
            ):
                raise ValueError(f"no enabled account named {name!r}")
            db.execute("DELETE FROM link_tokens WHERE expires <= ?", (now,))
            db.execute(
                "INSERT INTO link_tokens (secret_hash, name, expires) VALUES (?, ?, ?)",
                (secret_hash(secret), name, now + minutes * 60),
            )
        return secret

    def use_link_token(self, text: str | None) -> Account | None:
        """The account a link signs in, once: the link is spent by this call, used or not."""
        if not text or not isinstance(text, str):
            return None
        with self._write() as db:
            # DELETE ... RETURNING: of two requests with one link, exactly one gets the name.
            row = db.execute(
                "DELETE FROM link_tokens WHERE secret_hash = ? RETURNING name, expires",
                (secret_hash(text),),
            ).fetchone()
            if row is None or row[1] <= self.now():
                return None
            account = db.execute(
                f"SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE name = ? AND disabled = 0",
                (row[0],),
            ).fetchone()
        return None if account is None else account_from_row(account)

    # Failed sign-ins, counted per key (`account:NAME`, `client:ADDRESS`).

    def record_failure(self, key: str) -> None:
        """Count one failed sign-in for key (now)."""
        now = self.now()
        with self._write() as db:
            db.execute("DELETE FROM failures WHERE at <= ?", (now - FAILURES_KEPT_SECONDS,))
            db.execute("INSERT INTO failures (key, at) VALUES (?, ?)", (key[:MAX_KEY_CHARS], now))

    def failures(self, key: str, window_seconds: float) -> int:
        """How many failures key had within the last window_seconds."""
        with self._connect() as db:
            return db.execute(
                "SELECT COUNT(*) FROM failures WHERE key = ? AND at > ?",
                (key[:MAX_KEY_CHARS], self.now() - window_seconds),
            ).fetchone()[0]

    def oldest_failure_age(self, key: str, window_seconds: float) -> float | None:
        """Seconds since the oldest failure of key within the window (for a Retry-After)."""
        now = self.now()
        with self._connect() as db:
            oldest = db.execute(
                "SELECT MIN(at) FROM failures WHERE key = ? AND at > ?",
                (key[:MAX_KEY_CHARS], now - window_seconds),
            ).fetchone()[0]
        return None if oldest is None else now - oldest

    def clear_failures(self, key: str) -> None:
        """Forget key's failures (a successful sign-in)."""
        with self._write() as db:
            db.execute("DELETE FROM failures WHERE key = ?", (key[:MAX_KEY_CHARS],))
