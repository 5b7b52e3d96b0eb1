"""One write transaction on an event store, for import-events and demo-data: SQLite inserts or
PostgreSQL COPY, the demo flag, and the new version's rollup published before the commit."""

from __future__ import annotations

from dataclasses import replace

from data.events.stores import import_history, sqlite_store
from data.events.stores.event_stores import EventStore, SqliteStore

_WRITER_LOCK_CLASS = 0x5EE1B0A  # pg_advisory_xact_lock(class, schema): one writer per table


class _TableWriter:
    """What both writers do alike on their connection (sqlite3 and psycopg speak the same)."""

    conn = None
    mark = "?"  # the driver's parameter placeholder

    def clear(self) -> None:
        # DELETE, not TRUNCATE: readers keep reading the old rows until the commit.
        self.conn.execute(f"DELETE FROM {sqlite_store.TABLE}")
        import_history.forget_all(self.conn)  # what the imports added is gone with them

    def loads_of(self, digest: str) -> list:
        """Earlier loads of the file with that digest (import_history.Load), newest first."""
        return import_history.loads_of(self.conn, self.mark, digest)

    def remember(self, load) -> None:
        import_history.remember(self.conn, self.mark, load)

    def is_empty(self) -> bool:
        row = self.conn.execute(f"SELECT 1 FROM {sqlite_store.TABLE} LIMIT 1").fetchone()
        return row is None

    def commit(self) -> None:
        self.conn.commit()

    def close(self) -> None:
        self.conn.close()


class SqliteWriter(_TableWriter):
    """A write transaction on the SQLite file (BEGIN IMMEDIATE: one writer at a time)."""

    encodes_rows = True  # its rollup is encoded from the rows written, not read back

    def __init__(self, store: SqliteStore):
        self.path = store.path
        self.bounds = store.bounds
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite_store.connect(self.path)

    def begin(self) -> bool:
        """Start the transaction; True when the table holds demo data."""
        sqlite_store.ensure_schema(self.conn)
        self.conn.execute("BEGIN IMMEDIATE")
        if not sqlite_store.table_exists(self.conn, import_history.TABLE):
            self.conn.execute(import_history.CREATE_SQL)
            self.conn.execute(import_history.CREATE_INDEX_SQL)
        return sqlite_store.read_demo_flag(self.conn)

    def insert(self, rows: list) -> None:
        self.conn.executemany(sqlite_store.INSERT_SQL, rows)

    def set_demo_flag(self, demo: bool) -> None:
        sqlite_store.set_demo_flag(self.conn, demo)

    def publish(self, encoded=None, now=None) -> None:
        """The new version's token and rollup (its pieces from `encoded`, a RowEncoder of every
        row the table holds, or else from the table; rows dated outside the store's bounds at
        `now` left out)."""
        from data.events.rollup.sqlite_source import publish_before_commit

        bounds = self.bounds if now is None else replace(self.bounds, now=now)
        publish_before_commit(self.conn, self.path, encoded, bounds)

    def rollback(self) -> None:
        self.conn.rollback()

    def after_commit(self) -> None:
        sqlite_store.checkpoint(self.path)


class PostgresWriter(_TableWriter):
    """A write transaction on PostgreSQL: rows go in with COPY; the rollup is built from the
    transaction's own view of the table (the days it changed, or every row after a clear)."""

    encodes_rows = False
    mark = "%s"

    def __init__(self, store):
        from data.events.stores import pg_store

        self._pg = pg_store
        self.root = store.rollup_root
        self.bounds = store.bounds
        self.conn = pg_store.connect(store.url)
        self._columns = ", ".join(sqlite_store.COLUMN_NAMES)
        self._cleared = False

    def clear(self) -> None:
        super().clear()
        self._cleared = True  # every row changes: its rollup reads the table in one pass

    def begin(self) -> bool:
        # Two imports at once would interleave their replaces: the second waits its turn (per
        # schema, so that Reelboards on other schemas of the database never wait).
        self.conn.execute(
            "SELECT pg_advisory_xact_lock(%s, hashtext(current_schema()))", (_WRITER_LOCK_CLASS,)
        )
        self._cleared = False
        self._pg.ensure_schema(self.conn)
        # Created only when missing: a loader role may lack CREATE once the tables exist.
        if not self._pg.table_exists(self.conn, import_history.TABLE):
            self.conn.execute(import_history.CREATE_SQL)
            self.conn.execute(import_history.CREATE_INDEX_SQL)
        return self._pg.read_demo_flag(self.conn)

    def insert(self, rows: list) -> None:
        with (
            self.conn.cursor() as cursor,
            cursor.copy(f"COPY {sqlite_store.TABLE} ({self._columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)

    def set_demo_flag(self, demo: bool) -> None:
        self._pg.set_demo_flag(self.conn, demo)

    def publish(self, rollup=None, now=None) -> None:
        from data.events.rollup.pg_source import publish_before_commit

        bounds = self.bounds if now is None else replace(self.bounds, now=now)
        publish_before_commit(self.conn, self.root, bounds, everything=self._cleared)

    def rollback(self) -> None:
        if not self.conn.closed:
            self.conn.rollback()

    def after_commit(self) -> None:
        pass


def open_writer(store: EventStore):
    """A writer on the store (connected; begin() starts its transaction)."""
    if isinstance(store, SqliteStore):
        return SqliteWriter(store)
    return PostgresWriter(store)
