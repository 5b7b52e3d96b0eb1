"""Which event store a DATABASE_URL names: a SQLite file (the default) or PostgreSQL."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from data.events.rollup.files import rollup_root
from data.events.stores.date_bounds import DEFAULT_BOUNDS, DateBounds

POSTGRES_SCHEMES = ("postgresql://", "postgres://")
SQLITE_PREFIX = "sqlite:///"


class StoreUrlError(ValueError):
    """DATABASE_URL names no store Reelboard can use; the message says what is allowed."""


@dataclass(frozen=True)
class SqliteStore:
    """The events in a SQLite file; rollups beside it; which event dates count."""

    path: Path
    bounds: DateBounds = DEFAULT_BOUNDS
    kind = "sqlite"

    @property
    def label(self) -> str:
        return str(self.path)

    @property
    def rollup_root(self) -> Path:
        return rollup_root(self.path)

    def versions(self):
        from data.events.stores.sqlite_versions import SqliteVersions

        return SqliteVersions(self.path, bounds=self.bounds)

    @property
    def errors(self) -> tuple:
        """The exception classes of its driver."""
        import sqlite3

        return (sqlite3.Error,)

    def say(self, error: Exception) -> str:
        """A driver's error about this store, in one line."""
        return one_line(error)


@dataclass(frozen=True)
class PostgresStore:
    """The events in a PostgreSQL database; this machine's rollups in the instance folder;
    which event dates count."""

    url: str = field(repr=False)  # holds the password: never logged, never shown
    instance_path: Path
    bounds: DateBounds = DEFAULT_BOUNDS
    kind = "postgresql"

    @property
    def label(self) -> str:
        from data.events.stores.pg_store import describe

        return describe(self.url)

    @property
    def rollup_root(self) -> Path:
        # One folder per database (and search path): the same data on any URL spelling.
        from psycopg.conninfo import conninfo_to_dict

        parts = conninfo_to_dict(self.url)
        parts.pop("password", None)
        key = repr(sorted(parts.items())).encode()
        return self.instance_path / "rollups" / f"pg-{hashlib.sha256(key).hexdigest()[:16]}"

    def versions(self):
        from data.events.stores.pg_versions import PostgresVersions

        return PostgresVersions(self.url, self.rollup_root, bounds=self.bounds)

    @property
    def errors(self) -> tuple:
        """The exception classes of its driver."""
        import psycopg

        return (psycopg.Error,)

    def say(self, error: Exception) -> str:
        """A driver's error about this store, in one line, without the password (libpq's
        messages can repeat parts of a malformed URL)."""
        from data.events.stores.pg_store import redact

        return redact(one_line(error), self.url)


EventStore = SqliteStore | PostgresStore


def store_from_url(
    url: str, instance_path: Path, base_dir: Path, bounds: DateBounds | None = None
) -> EventStore:
    """The store DATABASE_URL names (relative SQLite paths from base_dir), with its bounds."""
    bounds = bounds or DEFAULT_BOUNDS
    if url.startswith(POSTGRES_SCHEMES):
        from psycopg import ProgrammingError
        from psycopg.conninfo import conninfo_to_dict

        from data.events.stores.pg_store import redact

        try:
            conninfo_to_dict(url)
        except ProgrammingError as error:
            reason = redact(" ".join(str(error).split()), url)
            raise StoreUrlError(f"DATABASE_URL is not a valid PostgreSQL URL: {reason}") from None
        return PostgresStore(url, Path(instance_path), bounds)
    if not url.startswith(SQLITE_PREFIX) or len(url) == len(SQLITE_PREFIX):
        shown = url.split("://", 1)[0] + "://..." if "://" in url else url
        raise StoreUrlError(
            f"DATABASE_URL {shown!r} is not supported: use sqlite:///relative/path.sqlite, "
            "sqlite:////absolute/path.sqlite or postgresql://user:password@host:port/dbname"
        )
    path = Path(url[len(SQLITE_PREFIX) :])
    return SqliteStore(path if path.is_absolute() else (base_dir / path), bounds)


def as_store(target: EventStore | str | os.PathLike) -> EventStore:
    """A store, or a SQLite file path (as tests and tools pass) made one."""
    if isinstance(target, SqliteStore | PostgresStore):
        return target
    return SqliteStore(Path(target))


def one_line(error: Exception) -> str:
    """A driver's error in one line (PostgreSQL's messages span several)."""
    return " ".join(str(error).split()) or type(error).__name__
