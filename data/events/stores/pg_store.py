"""The PostgreSQL event store: connections, the typed movies table, our side table, versions."""

from __future__ import annotations

import time
import uuid
from typing import NamedTuple

from data.events.catalog import DIMENSIONS
from data.events.stores.sqlite_store import (
    COLUMNS,
    DEMO_KEY,
    META_TABLE,
    TABLE,
    VERSION_KEY,
    EventStoreUnavailable,
    EventStoreUnreadable,
)

CONNECT_TIMEOUT = 2  # seconds; libpq's smallest useful value
STATEMENT_TIMEOUT_MS = 2000  # for the version probe: an answer or a 503 within seconds
# For the scans a request may wait on (the fingerprint): a table locked by maintenance (VACUUM
# FULL, ALTER TABLE) answers 503 within seconds instead of holding every request.
LOCK_TIMEOUT_MS = 2000
# The tutorial's columns with PostgreSQL types: SQLite's INTEGER is 64 bits, so bigint keeps
# every value an import accepts on either store.
_TYPES = {"TEXT": "text", "INTEGER": "bigint", "REAL": "double precision"}
PG_COLUMNS: tuple[tuple[str, str], ...] = tuple(
    (name, "timestamp" if name == "event_date" else _TYPES[kind]) for name, kind in COLUMNS
)
CREATE_MOVIES = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} (\n"
    + ",\n".join(f"    {name} {kind}" for name, kind in PG_COLUMNS)
    + "\n)"
)
CREATE_META = f"CREATE TABLE IF NOT EXISTS {META_TABLE} (key text PRIMARY KEY, value text)"
_NO_STATS_SECONDS = 5  # without usable statistics (a view, Citus, a replica), look this often


def connect(url: str, *, autocommit: bool = False):
    """A psycopg connection to the store: fails within CONNECT_TIMEOUT, dates in UTC."""
    import psycopg

    conn = psycopg.connect(
        url, autocommit=autocommit, connect_timeout=CONNECT_TIMEOUT, application_name="reelboard"
    )
    # timestamptz values are cut to their UTC day, as every SQLite reader does.
    conn.execute("SET TIME ZONE 'UTC'")
    if not autocommit:
        conn.commit()
    return conn


def _secrets(url: str) -> list[str]:
    """What in a URL may be (part of) a password: the text between the user name and the last
    '@' before the host, and its '@'-separated pieces (a password with an unescaped '@' makes
    libpq read the rest as a host name, which its messages then repeat)."""
    rest = url.split("://", 1)[-1].split("?", 1)[0]
    if "@" not in rest:
        return []
    # Up to the last '@': a password may hold '/' or '@' that the writer did not escape.
    userinfo = rest.rsplit("@", 1)[0]
    if ":" not in userinfo:
        return []
    password = userinfo.split(":", 1)[1]
    pieces = [password, *password.split("@"), *password.split("/")]
    return sorted({p for p in pieces if len(p) >= 3} | {password} - {""}, key=len, reverse=True)


def redact(text: str, url: str) -> str:
    """text with anything that may be the URL's password replaced by '***'."""
    for secret in _secrets(url):
        text = text.replace(secret, "***")
    return text


def describe(url: str) -> str:
    """The URL without its password, for messages and logs."""
    from psycopg import ProgrammingError
    from psycopg.conninfo import conninfo_to_dict

    try:
        parts = conninfo_to_dict(url)
    except ProgrammingError:
        return "postgresql://(an unreadable URL)"
    user = f"{parts['user']}@" if parts.get("user") else ""
    host = parts.get("host") or "localhost"
    port = f":{parts['port']}" if parts.get("port") else ""
    return redact(f"postgresql://{user}{host}{port}/{parts.get('dbname', '')}", url)


def store_error(error: Exception) -> EventStoreUnreadable:
    """The 503 error (safe to show) for a psycopg error, saying which kind it is; the details
    (host, role) stay in the server's log."""
    import psycopg
    from psycopg import errors

    if isinstance(error, errors.LockNotAvailable):
        return EventStoreUnavailable(
            "the events table is locked (maintenance on the database); try again shortly"
        )
    if isinstance(error, errors.QueryCanceled):
        return EventStoreUnavailable("the event database took too long to answer; try again")
    if isinstance(error, psycopg.OperationalError) and error.sqlstate is None:
        if "FATAL" in str(error):  # it answered, and refused the login or the database
            return EventStoreUnavailable(
                "the event database refused the connection (check the user, password and "
                "database name in DATABASE_URL)"
            )
        return EventStoreUnavailable(
            "the event database (PostgreSQL) is not reachable; try again shortly"
        )
    if isinstance(error, psycopg.OperationalError):
        return EventStoreUnavailable(
            "the event database (PostgreSQL) is not reachable; try again shortly"
        )
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return EventStoreUnreadable(f"the event database cannot be read: {first_line}")


def table_exists(conn, name: str) -> bool:
    """True when the search path holds a table or view of that name."""
    return conn.execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone()[0]


def ensure_schema(conn) -> None:
    """Create the movies table and our side table when missing (in the caller's transaction);
    an existing table, made by another system, is used as it is."""
    if not table_exists(conn, TABLE):
        conn.execute(CREATE_MOVIES)
    if not table_exists(conn, META_TABLE):
        conn.execute(CREATE_META)
    from data.events.stores import pg_change_log  # imported here: it reads sqlite_store's names

    # Which days each statement touched, whoever writes (psql, another loader): an incremental
    # rollup reads them. In a savepoint: a role that may not create triggers just goes without.
    pg_change_log.install(conn)


def _set_meta(conn, key: str, value: str) -> None:
    conn.execute(
        f"INSERT INTO {META_TABLE} (key, value) VALUES (%s, %s) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def set_demo_flag(conn, demo: bool) -> None:
    """Record (inside the caller's transaction) whether the rows are synthetic demo data."""
    _set_meta(conn, DEMO_KEY, "1" if demo else "0")


def new_version_token(conn) -> None:
    """Mark (inside the caller's transaction) that the events changed: a fresh random token."""
    _set_meta(conn, VERSION_KEY, uuid.uuid4().hex)


def _meta(conn, key: str) -> str | None:
    """A value of our side table; None when it is absent or this role may not read it (a
    read-only dashboard granted only movies)."""
    readable = conn.execute(
        "SELECT to_regclass(%s) IS NOT NULL AND has_table_privilege(to_regclass(%s), 'SELECT')",
        (META_TABLE, META_TABLE),
    ).fetchone()[0]
    if not readable:
        return None
    row = conn.execute(f"SELECT value FROM {META_TABLE} WHERE key = %s", (key,)).fetchone()
    return None if row is None else str(row[0])


def read_demo_flag(conn) -> bool:
    """True when the side table marks the rows as demo data (absent table: real data)."""
    return _meta(conn, DEMO_KEY) == "1"


class PgFingerprint(NamedTuple):
    """What names a version of the events in PostgreSQL (see data_fingerprint)."""

    token: str | None
    count: int
    first: str | None
    last: str | None
    digest: str | None
    rules: str = ""  # the settings the rows are read by (DateBounds.key): others, another rollup
    touches: int | None = None  # pg_change_log.total_touches: None without its triggers


# Every column the analysis reads (each catalog dimension's among them), hashed per row and
# summed (exact numeric, in any order). A row's text form quotes values and tells NULL from ''
# (concat_ws would skip NULLs, so a value moved to a neighbouring empty column would hash the
# same).
_DIGEST_COLUMNS = tuple(
    dict.fromkeys(
        ("event_date", "userid", "totalminuteswatched", "viewpercentage", "title")
        + tuple(d.column for d in DIMENSIONS)
    )
)
_DIGEST_SQL = f"sum(hashtextextended(ROW({', '.join(_DIGEST_COLUMNS)})::text, 0)::numeric)::text"


def data_fingerprint(conn, rules: str = "") -> PgFingerprint:
    """Reelboard's write token, the count, the first and last date, and a digest of the
    columns the analysis reads (and the rules they are read by): the same rows give the same
    fingerprint in every process and on every app server, and rows rewritten in place give
    another, as does the change log's total of touched rows. One scan of the table; run it only
    when the probe saw a change."""
    from data.events.stores import pg_change_log

    if not table_exists(conn, TABLE):
        return PgFingerprint(None, 0, None, None, None, rules)
    count, first, last, digest = conn.execute(
        f"SELECT count(*), min(event_date)::text, max(event_date)::text, {_DIGEST_SQL} FROM {TABLE}"
    ).fetchone()
    touches = pg_change_log.total_touches(conn)
    return PgFingerprint(_meta(conn, VERSION_KEY), count, first, last, digest, rules, touches)


_PROBE_SQL = f"""
SELECT (SELECT array_agg(p.relfilenode ORDER BY p.oid)::text
          FROM pg_class p
         WHERE p.oid = c.oid OR p.oid IN (SELECT relid FROM pg_partition_tree(c.oid))),
       pg_postmaster_start_time()::text,
       (SELECT stats_reset::text FROM pg_stat_database WHERE datname = current_database()),
       (SELECT array[sum(s.n_tup_ins), sum(s.n_tup_upd), sum(s.n_tup_del)]::text
          FROM pg_stat_user_tables s
         WHERE s.relid = c.oid
            OR s.relid IN (SELECT relid FROM pg_partition_tree(c.oid))),
       current_setting('track_counts') = 'on' AND NOT pg_is_in_recovery()
  FROM pg_class c
 WHERE c.oid = to_regclass('{TABLE}')
"""


def probe(conn) -> tuple | None:
    """A cheap value that changes when rows may have changed: the storage of the table and of
    its partitions (TRUNCATE),
    the server's start, the statistics' last reset and insert/update/delete counters (flushed
    by a writer within about a second of its commit) and Reelboard's write token; the same in
    every process that asks at once. None: no movies table. Without statistics (a view, some
    distributed engines, a read replica, whose counters do not see replayed rows) it changes
    every few seconds, at the same moment in every process of the machine."""
    row = conn.execute(_PROBE_SQL).fetchone()
    if row is None:
        return None
    storage, started, reset, counters, stats_usable = row
    if counters is None or counters == "{NULL,NULL,NULL}" or not stats_usable:
        counters = f"no statistics, {int(time.time() // _NO_STATS_SECONDS)}"
    return storage, started, reset, counters, _meta(conn, VERSION_KEY)
