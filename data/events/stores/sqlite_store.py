"""The SQLite event store: the tutorial's `movies` table, our optional side table, and set-up."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import uuid
from pathlib import Path
from typing import NamedTuple

TABLE = "movies"
META_TABLE = "reelboard_meta"

# The tutorial's 13 columns, in CSV order, with the types we create them with.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("event_date", "TEXT"),
    ("userid", "TEXT"),
    ("contentid", "TEXT"),
    ("device", "TEXT"),
    ("market", "TEXT"),
    ("totalminuteswatched", "INTEGER"),
    ("runningtime", "INTEGER"),
    ("viewpercentage", "REAL"),
    ("errorperception", "REAL"),
    ("sessiontype", "TEXT"),
    ("title", "TEXT"),
    ("seasonnumber", "INTEGER"),
    ("episodenumber", "INTEGER"),
)
COLUMN_NAMES: tuple[str, ...] = tuple(name for name, _ in COLUMNS)

CREATE_MOVIES = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} (\n"
    + ",\n".join(f"    {name} {kind}" for name, kind in COLUMNS)
    + "\n)"
)
CREATE_META = f"CREATE TABLE IF NOT EXISTS {META_TABLE} (key TEXT PRIMARY KEY, value TEXT)"
# Date-range filters and min/max bounds use event_date; a tutorial database gains it harmlessly.
CREATE_INDEXES = (f"CREATE INDEX IF NOT EXISTS idx_movies_event_date ON {TABLE} (event_date)",)
INSERT_SQL = (
    f"INSERT INTO {TABLE} ({', '.join(COLUMN_NAMES)}) VALUES ({', '.join('?' * len(COLUMNS))})"
)
DEMO_KEY = "demo"
VERSION_KEY = "version"  # a fresh token per write through Reelboard (see data_fingerprint)
_EDGE_ROWS = 16  # rows at each end of the table that the fingerprint reads


def connect(path: str | os.PathLike, *, readonly: bool = False) -> sqlite3.Connection:
    """Open the events database (read-only when asked), waiting on busy concurrent writers."""
    path = Path(path)
    if readonly:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    else:
        conn = sqlite3.connect(path, timeout=30)
    conn.execute("PRAGMA busy_timeout = 30000")
    return conn


def _try(conn: sqlite3.Connection, sql: str) -> bool:
    """Run a statement that is only nice to have; a read-only or busy database just skips it."""
    try:
        conn.execute(sql)
        return True
    except sqlite3.OperationalError:
        return False


def ensure_schema(conn: sqlite3.Connection) -> None:
    """Create the movies table, side table and indexes if missing; never alters existing tables."""
    # WAL lets readers (the app) keep reading while an import writes; skipped when read-only.
    if conn.in_transaction:
        conn.commit()
    _try(conn, "PRAGMA journal_mode = WAL")
    for sql in (CREATE_MOVIES, CREATE_META, *CREATE_INDEXES):
        _try(conn, sql)
    if conn.in_transaction:
        conn.commit()
    # Imported here: change_log reads this module's names.
    from data.events.stores import change_log

    # Which days each write touched, whoever writes (the CLI, another program): an
    # incremental rollup reads them. Skipped like the rest on a read-only file.
    change_log.install(conn)


def checkpoint(path: str | os.PathLike) -> None:
    """Fold the WAL into the main file so file-watching readers see new data promptly."""
    try:
        conn = connect(path)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    except sqlite3.Error:
        pass  # best effort: readers still see committed data through the WAL


class EventStoreUnreadable(RuntimeError):
    """The event database exists but cannot be read as events (not SQLite, columns missing,
    locked for too long); the message says why and is safe to show."""


class EventStoreUnavailable(EventStoreUnreadable):
    """The event database server does not answer (down, restarting, unreachable)."""


def table_exists(conn: sqlite3.Connection, name: str) -> bool:
    """True when the database holds a table (or a view) of that name."""
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?", (name,)
    ).fetchone()
    return row is not None


def set_demo_flag(conn: sqlite3.Connection, demo: bool) -> None:
    """Record (inside the caller's transaction) whether the rows are synthetic demo data."""
    conn.execute(CREATE_META)
    conn.execute(
        f"INSERT INTO {META_TABLE} (key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (DEMO_KEY, "1" if demo else "0"),
    )


def new_version_token(conn: sqlite3.Connection) -> None:
    """Mark (inside the caller's transaction) that the events changed: a fresh random token."""
    conn.execute(CREATE_META)
    conn.execute(
        f"INSERT INTO {META_TABLE} (key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (VERSION_KEY, uuid.uuid4().hex),
    )


class Fingerprint(NamedTuple):
    """What names a version of the events (see data_fingerprint)."""

    token: str | None
    max_rowid: int
    count: int
    digest: str
    rules: str = ""  # the settings the rows are read by (DateBounds.key): others, another rollup
    touches: int | None = None  # change_log.total_touches: None without its triggers


def data_fingerprint(conn: sqlite3.Connection, rules: str = "") -> Fingerprint:
    """What tells versions of the events apart in every process: Reelboard's write token, the
    highest rowid and the row count (the latter two catch writes by other programs, such as
    `sqlite3 .import`), the rules they are read by, and the change log's total of touched rows
    (which alone catches another program's UPDATE or DELETE in the middle of the table). Costs
    a count; run it when SQLite says that something committed."""
    from data.events.stores import change_log  # imported here: change_log reads this module

    if not table_exists(conn, TABLE):
        return Fingerprint(None, 0, 0, "", rules)
    token = None
    if table_exists(conn, META_TABLE):
        row = conn.execute(
            f"SELECT value FROM {META_TABLE} WHERE key = ?", (VERSION_KEY,)
        ).fetchone()
        token = None if row is None else str(row[0])
    # Separate statements: each alone is answered from a b-tree (the rowid's end, the smallest
    # index). A view or a WITHOUT ROWID table has no rowid: the count and the edges remain.
    text_factory, conn.text_factory = conn.text_factory, bytes  # any encoding reads the same
    try:
        max_rowid = conn.execute(f"SELECT max(rowid) FROM {TABLE}").fetchone()[0]
        edges = conn.execute(
            f"SELECT * FROM (SELECT * FROM {TABLE} ORDER BY rowid LIMIT {_EDGE_ROWS}) UNION ALL "
            f"SELECT * FROM (SELECT * FROM {TABLE} ORDER BY rowid DESC LIMIT {_EDGE_ROWS})"
        ).fetchall()
    except sqlite3.OperationalError:
        max_rowid, edges = None, []
    finally:
        conn.text_factory = text_factory
    count = conn.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0]
    # The first and last rows' content: a file recreated, or rows rewritten at the end, with
    # the same count and highest rowid is still a new version.
    digest = hashlib.sha256(repr(edges).encode()).hexdigest()[:16]
    touches = change_log.total_touches(conn)
    return Fingerprint(token, max_rowid or 0, count, digest, rules, touches)


def read_demo_flag(conn: sqlite3.Connection) -> bool:
    """True when the side table marks the rows as demo data (absent table: real data)."""
    if not table_exists(conn, META_TABLE):
        return False
    row = conn.execute(f"SELECT value FROM {META_TABLE} WHERE key = ?", (DEMO_KEY,)).fetchone()
    return row is not None and str(row[0]) == "1"


def is_demo(path: str | os.PathLike) -> bool:
    """True when the database at path exists and holds demo data."""
    path = Path(path)
    if not path.exists():
        return False
    try:
        conn = connect(path, readonly=True)
    except sqlite3.Error:
        return False
    try:
        return read_demo_flag(conn)
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def count_rows(path: str | os.PathLike) -> int:
    """Number of events in the database at path (0 when it or the table is missing)."""
    path = Path(path)
    if not path.exists():
        return 0
    conn = connect(path, readonly=True)
    try:
        if not table_exists(conn, TABLE):
            return 0
        return conn.execute(f"SELECT COUNT(*) FROM {TABLE}").fetchone()[0]
    finally:
        conn.close()
