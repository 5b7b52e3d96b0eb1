"""Building rollups from the SQLite events: read the table in chunks, build, publish once.

Writers (import-events, demo-data) publish the rollup of their new version inside their write
transaction, before it commits, so that readers switch to it as soon as they see the commit.
A database changed by another program is rebuilt by `python -m data.events.rollup.sqlite_source DB`,
which a reader starts (and which takes the build lock, so it runs once for all processes).
"""

from __future__ import annotations

import gc
import logging
import sqlite3
import sys
import time
from pathlib import Path

from data.events.ingest.text_decoding import decode_text
from data.events.local_time import Zones
from data.events.rollup.build import RowEncoder, build_rollup
from data.events.rollup.encoding import RAW_KEYS, Vocabulary, encode_chunk
from data.events.rollup.files import build_lock, publish_locked, publish_version, rollup_root
from data.events.rollup.incremental import build_from_pieces
from data.events.rollup.model import Rollup, empty_rollup
from data.events.rollup.sqlite_partitions import SqlitePartitions, has_date_index, select_sql
from data.events.stores import change_log
from data.events.stores.date_bounds import DEFAULT_BOUNDS, DateBounds, keep_within, with_left_out
from data.events.stores.sqlite_store import (
    CREATE_INDEXES,
    TABLE,
    connect,
    data_fingerprint,
    new_version_token,
    table_exists,
)

log = logging.getLogger(__name__)
CHUNK_ROWS = 200_000


def _chunks(conn: sqlite3.Connection, chunk_rows: int, days: tuple, zones: Zones) -> Rollup:
    vocabulary = Vocabulary()
    chunks = []
    left_out = 0
    cursor = conn.execute(select_sql(zones))
    # Millions of short-lived row objects would trigger many full collections for nothing.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        while rows := cursor.fetchmany(chunk_rows):
            columns = dict(zip(RAW_KEYS, zip(*rows, strict=True), strict=True))
            del rows
            # Sentinel dates: 0001, 9999.
            columns, outside = keep_within(columns, *days, zones)
            left_out += outside
            chunks.append(encode_chunk(columns, vocabulary, zones))
            # A cooperative worker (gevent) serves its other connections between chunks.
            time.sleep(0)
    finally:
        if gc_was_enabled:
            gc.enable()
    return with_left_out(build_rollup(chunks, vocabulary), left_out, days)


def read_rollup(
    conn: sqlite3.Connection, chunk_rows: int = CHUNK_ROWS, bounds: DateBounds = DEFAULT_BOUNDS
) -> Rollup:
    """The rollup of the movies rows the connection sees (empty without a movies table),
    without the rows dated outside the bounds, judged by this machine's clock."""
    if not table_exists(conn, TABLE):
        return empty_rollup()
    days = bounds.days(bounds.clock())
    try:
        return _chunks(conn, chunk_rows, days, bounds.zones)
    except sqlite3.OperationalError as error:
        if "decode" not in str(error):
            raise
        # Text that is not UTF-8 (a tutorial `.import` of Latin-1 bytes); decoding every value
        # in Python is slower, so only such databases pay for it.
        conn.text_factory = decode_text
        return _chunks(conn, chunk_rows, days, bounds.zones)


def publish_rollup(
    conn: sqlite3.Connection,
    db_path,
    encoded: RowEncoder | None = None,
    chunk_rows: int = CHUNK_ROWS,
    bounds: DateBounds = DEFAULT_BOUNDS,
) -> tuple:
    """Publish the rollup of what conn sees (inside its transaction: its own writes too), its
    pieces made from `encoded` (every row the table holds, encoded by a writer) when given;
    returns the fingerprint. Holds the build lock while it builds."""
    return publish_version(
        rollup_root(db_path),
        data_fingerprint(conn, bounds.key),
        lambda: build_rollup_of(conn, db_path, chunk_rows, bounds, encoded),
        db_path,
    )


def build_rollup_of(
    conn: sqlite3.Connection, db_path, chunk_rows: int, bounds: DateBounds, encoded=None
) -> Rollup:
    """The rollup of what conn sees, from its pieces, rebuilding those of the partitions that
    changed (data/events/rollup/incremental.py)."""
    if not table_exists(conn, TABLE):
        return empty_rollup()
    days = bounds.days(bounds.clock())
    source = SqlitePartitions(conn, str(db_path), chunk_rows, bounds.zones)
    try:
        return build_from_pieces(rollup_root(db_path), source, days, encoded)
    except sqlite3.OperationalError as error:
        if "decode" not in str(error):
            raise
        conn.text_factory = decode_text  # text that is not UTF-8, as read_rollup handles it
        return build_from_pieces(rollup_root(db_path), source, days)


def publish_before_commit(
    conn: sqlite3.Connection,
    db_path,
    encoded: RowEncoder | None = None,
    bounds: DateBounds = DEFAULT_BOUNDS,
) -> None:
    """For a writer, inside its transaction: a new version token, and that version's rollup
    published before the commit makes it visible. A rollup folder that cannot be written is
    logged, not fatal: readers then build the version themselves."""
    new_version_token(conn)
    try:
        publish_rollup(conn, db_path, encoded, bounds=bounds)
    except OSError as error:
        log.warning("cannot write the rollup of %s: %s", db_path, error)


def track_changes(db_path) -> None:
    """Give a database that lacks them (one made by the tutorial's `sqlite3 .import`) the
    event_date index and the change log, so that its next changes are built incrementally;
    best effort: a read-only or busy database is built whole, as before."""
    try:
        conn = connect(db_path)
    except sqlite3.Error:
        return
    try:
        if table_exists(conn, TABLE) and not (
            change_log.is_installed(conn) and has_date_index(conn)
        ):
            for sql in CREATE_INDEXES:
                conn.execute(sql)
            conn.commit()
            change_log.install(conn)
    except sqlite3.Error as error:
        log.info("cannot add the change log to %s (%s): changes rebuild it all", db_path, error)
    finally:
        conn.close()


def publish_committed(
    db_path, chunk_rows: int = CHUNK_ROWS, bounds: DateBounds = DEFAULT_BOUNDS
) -> tuple | None:
    """Publish the rollup of the database's committed events (one read snapshot, taken once
    the build lock is held, so that a builder that waited builds what is committed then, not
    what was when it started); returns the fingerprint, or None when there is no database."""
    if not Path(db_path).exists():
        return None
    track_changes(db_path)
    root = rollup_root(db_path)
    with build_lock(root):
        conn = connect(db_path, readonly=True)
        try:
            conn.execute("BEGIN")  # one snapshot for the fingerprint and the rows
            return publish_locked(
                root,
                data_fingerprint(conn, bounds.key),
                lambda: build_rollup_of(conn, db_path, chunk_rows, bounds),
                db_path,
            )
        finally:
            conn.close()


def main(argv: list[str]) -> int:
    """Rebuild the rollup of the database given as the first argument, if it is missing; the
    date bounds follow (DateBounds.args)."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        bounds = DateBounds.from_args(argv[1:])
    except ValueError:
        argv = []
    if not argv:
        usage = (
            "usage: python -m data.events.rollup.sqlite_source DATABASE"
            " [EARLIEST FUTURE_DAYS [NOW]] [zones=REPORT,EVENT]"
        )
        print(usage, file=sys.stderr)
        return 2
    try:
        publish_committed(argv[0], bounds=bounds)
    except (sqlite3.Error, OSError) as error:
        print(f"cannot build the rollup of {argv[0]}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
