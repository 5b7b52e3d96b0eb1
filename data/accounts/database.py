"""The accounts SQLite file: connections (WAL, one per operation), the schema and the clock."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from data.accounts.limits import Scope, scope_from_json

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    name TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,  -- 'Ann' and 'ann' are one person
    role TEXT NOT NULL,
    scope TEXT NOT NULL DEFAULT '{}',
    password TEXT,                                 -- argon2id hash; NULL: no password sign-in
    disabled INTEGER NOT NULL DEFAULT 0,
    source TEXT NOT NULL DEFAULT 'local',
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    id_hash TEXT NOT NULL PRIMARY KEY,             -- sha256 of the cookie's id, never the id
    name TEXT NOT NULL COLLATE NOCASE,
    created REAL NOT NULL,
    expires REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_by_name ON sessions (name);
CREATE TABLE IF NOT EXISTS tokens (
    id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL COLLATE NOCASE,
    secret_hash TEXT NOT NULL,                     -- sha256 of the secret part, never the secret
    created REAL NOT NULL,
    expires REAL,
    last_used REAL,
    revoked REAL
);
CREATE INDEX IF NOT EXISTS tokens_by_name ON tokens (name);
CREATE TABLE IF NOT EXISTS link_tokens (
    secret_hash TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL COLLATE NOCASE,
    expires REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS failures (
    key TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS failures_by_key ON failures (key, at);
"""
BUSY_TIMEOUT_MS = 10_000  # another process's write waits this long before an error


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def as_datetime(seconds: float | None) -> dt.datetime | None:
    """A stored time (seconds since the epoch) as an aware UTC datetime."""
    return None if seconds is None else dt.datetime.fromtimestamp(seconds, dt.UTC)


class AccountsDatabase:
    """The file and the clock every part of AccountStore shares."""

    def __init__(
        self,
        path: str | Path,
        session_hours: float = 12,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.path = Path(path)
        self.session_hours = session_hours
        self._clock = clock or utc_now
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            # The file holds password hashes: readable by its owner only (WAL files follow).
            try:
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            except FileExistsError:
                pass  # another process created it first
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")  # readers never wait for a writer
            if db.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
                # Every statement is IF NOT EXISTS: two processes starting at once both succeed.
                db.executescript(SCHEMA + f"PRAGMA user_version = {SCHEMA_VERSION};")

    def now(self) -> float:
        """The clock's current time in seconds since the epoch (a naive datetime is UTC)."""
        moment = self._clock()
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        return moment.timestamp()

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A connection for one operation: nothing is shared across threads, forks or workers."""
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        try:
            db.execute("PRAGMA foreign_keys=ON")
            yield db
        finally:
            db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction, taken at once (BEGIN IMMEDIATE) so two writers never deadlock."""
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")


ROLES = ("viewer", "admin")
SOURCES = ("local", "oidc")
ACCOUNT_COLUMNS = "name, role, scope, password IS NOT NULL, disabled, source, created"


@dataclass(frozen=True)
class Account:
    """A person (or a script's user) as the app sees them; never their password hash."""

    name: str
    role: str  # one of ROLES
    scope: Scope  # {} : every value of every dimension
    disabled: bool
    has_password: bool
    source: str  # one of SOURCES
    created: dt.datetime

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def account_from_row(row) -> Account:
    """An Account from a row selected as ACCOUNT_COLUMNS."""
    name, role, scope, has_password, disabled, source, created = row
    return Account(
        name=name,
        role=role,
        scope=scope_from_json(scope),
        disabled=bool(disabled),
        has_password=bool(has_password),
        source=source,
        created=as_datetime(created),
    )


def secret_hash(secret: str) -> str:
    """sha256 of a high-entropy secret (a session id or token): no slow hash needed to keep a
    copy of the database from being replayed, and a lookup by it is one index probe."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()
