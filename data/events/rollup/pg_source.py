"""Rollups from PostgreSQL: the events' pieces, rebuilt for the days that changed, published.

The rows are read one per event (data/events/rollup/pg_partitions.py) under the reading rules
SQLite's rows are read by, so the queries and their answers are the same on both stores; the
change log's triggers (data/events/stores/pg_change_log.py) say which days changed since the
last build, whoever wrote them, and only their partitions are read again
(data/events/rollup/incremental.py). Rows dated outside the bounds, by PostgreSQL's own clock
unless they fix one, are left out and counted. `python -m data.events.rollup.pg_source ROOT`
(DATABASE_URL in the environment) is the builder that a reader starts when the data changed
outside Reelboard.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
from pathlib import Path

import numpy as np

from data.events.rollup.build import RowEncoder
from data.events.rollup.encoding import Vocabulary
from data.events.rollup.files import build_lock, publish_locked, publish_version
from data.events.rollup.incremental import build_from_pieces
from data.events.rollup.merge import merge_pieces
from data.events.rollup.model import Rollup, empty_rollup
from data.events.rollup.pg_partitions import PgPartitions
from data.events.rollup.pieces import build_piece
from data.events.stores import pg_store
from data.events.stores.date_bounds import DEFAULT_BOUNDS, DateBounds
from data.events.stores.event_stores import one_line
from data.events.stores.sqlite_store import TABLE, EventStoreUnreadable

log = logging.getLogger(__name__)
LABEL = "PostgreSQL events"


def store_days(conn, bounds: DateBounds) -> tuple[dt.date, dt.date]:
    """The days events may be dated on, by the server's own clock unless the bounds fix one."""
    store_now = None if bounds.now else conn.execute("SELECT now()").fetchone()[0]
    return bounds.days(bounds.clock(store_now))


def build_rollup_of(conn, root: Path, bounds: DateBounds, everything: bool = False) -> Rollup:
    """The rollup of what conn sees, from its pieces under root, rebuilding those of the days
    that changed (hold the build lock). `everything`: every row changed (a writer replaced
    them), so they are read in one pass rather than a range of days at a time."""
    if not pg_store.table_exists(conn, TABLE):
        return empty_rollup()
    source = PgPartitions(conn, LABEL, zones=bounds.zones)
    days = store_days(conn, bounds)
    encoded = None
    if everything:
        source.touches()  # read before the rows (PgPartitions.touches)
        encoded = RowEncoder(bounds.zones)
        encoded.chunks.extend(source.all_chunks(encoded.vocabulary))
    return build_from_pieces(root, source, days, encoded)


def read_rollup(conn, bounds: DateBounds = DEFAULT_BOUNDS) -> Rollup:
    """The rollup of the movies rows the connection sees (inside its transaction), built in
    memory without pieces on disk (as one piece of every row); empty without a movies table."""
    if not pg_store.table_exists(conn, TABLE):
        return empty_rollup()
    source = PgPartitions(conn, LABEL, zones=bounds.zones)
    days = store_days(conn, bounds)
    vocabulary = Vocabulary()
    chunks = list(source.all_chunks(vocabulary))
    day = np.concatenate([c.day for c in chunks]) if chunks else np.empty(0, np.int32)
    if day.size == 0:
        return merge_pieces([], vocabulary, days)
    piece = build_piece(chunks, vocabulary, int(day.min()), int(day.max()))
    return merge_pieces([piece], vocabulary, days)


def publish_rollup(
    conn, root: Path, bounds: DateBounds = DEFAULT_BOUNDS, everything: bool = False
) -> tuple:
    """Publish the rollup of what conn sees (inside its transaction: its own writes too);
    returns the fingerprint. Holds the build lock while it builds."""
    return publish_version(
        root,
        pg_store.data_fingerprint(conn, bounds.key),
        lambda: build_rollup_of(conn, root, bounds, everything),
        LABEL,
    )


def publish_before_commit(
    conn, root: Path, bounds: DateBounds = DEFAULT_BOUNDS, everything: bool = False
) -> None:
    """For a writer, inside its transaction: a new version token, and that version's rollup
    published before the commit makes it visible (a rollup folder that cannot be written is
    logged: readers then build the version themselves). `everything`: it replaced every row."""
    pg_store.new_version_token(conn)
    try:
        publish_rollup(conn, root, bounds, everything)
    except OSError as error:
        log.warning("cannot write the rollup under %s: %s", root, error)


def read_committed(url: str, bounds: DateBounds = DEFAULT_BOUNDS) -> tuple[tuple, Rollup]:
    """(fingerprint, rollup) of the committed events, from one snapshot, in memory."""
    conn = snapshot(url)
    try:
        return pg_store.data_fingerprint(conn, bounds.key), read_rollup(conn, bounds)
    finally:
        conn.close()


def snapshot(url: str):
    """A connection inside a read-only REPEATABLE READ transaction: one view of the rows,
    giving up on a table locked by maintenance within seconds (LockNotAvailable)."""
    conn = pg_store.connect(url)
    conn.execute(f"SET lock_timeout = {pg_store.LOCK_TIMEOUT_MS}")
    conn.commit()
    conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    return conn


def publish_committed(url: str, root: Path, bounds: DateBounds = DEFAULT_BOUNDS) -> tuple:
    """Publish the rollup of the committed events (one snapshot, taken once the build lock is
    held, so that a builder that waited builds what is committed then, not what was when it
    started); returns the fingerprint."""
    with build_lock(root):
        conn = snapshot(url)
        try:
            return publish_locked(
                root,
                pg_store.data_fingerprint(conn, bounds.key),
                lambda: build_rollup_of(conn, root, bounds),
                LABEL,
            )
        finally:
            conn.close()


def main(argv: list[str]) -> int:
    """Rebuild the rollup of DATABASE_URL's events under the folder given first, if it is
    missing; the date bounds follow (DateBounds.args)."""
    import psycopg

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    url = os.environ.get("DATABASE_URL", "")
    try:
        bounds = DateBounds.from_args(argv[1:])
    except ValueError:
        argv = []
    if not argv or not url:
        print(
            "usage: DATABASE_URL=postgresql://... python -m data.events.rollup.pg_source ROOT "
            "[EARLIEST FUTURE_DAYS [NOW]] [zones=REPORT,EVENT]",
            file=sys.stderr,
        )
        return 2
    try:
        publish_committed(url, Path(argv[0]), bounds)
    except (psycopg.Error, EventStoreUnreadable, OSError) as error:
        print(
            f"cannot build the rollup of {pg_store.describe(url)}: "
            f"{pg_store.redact(one_line(error), url)}",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
