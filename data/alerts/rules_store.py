"""AlertStore: alert rules, their history and the claims that make each evaluation happen once,
in the event store's database (SQLite file or PostgreSQL schema), beside the events."""

from __future__ import annotations

import contextlib
import datetime as dt
import json

from data.events.stores.event_stores import EventStore, PostgresStore

RULES = "reelboard_alert_rules"
HISTORY = "reelboard_alert_history"
CLAIMS = "reelboard_alert_claims"
_ID = {"sqlite": "INTEGER PRIMARY KEY AUTOINCREMENT", "postgresql": "BIGSERIAL PRIMARY KEY"}
_REAL = {"sqlite": "REAL", "postgresql": "double precision"}


def _tables(kind: str) -> dict[str, str]:
    real = _REAL[kind]
    return {
        RULES: (
            f"CREATE TABLE IF NOT EXISTS {RULES} (id {_ID[kind]}, name TEXT NOT NULL, "
            "metric TEXT NOT NULL, filters TEXT NOT NULL, resolution TEXT NOT NULL, "
            "condition TEXT NOT NULL, channels TEXT NOT NULL, "
            "state TEXT NOT NULL DEFAULT 'ok', pending TEXT, attempt BIGINT NOT NULL DEFAULT 0, "
            f"author TEXT NOT NULL, created TEXT NOT NULL, checked TEXT, last_value {real})"
        ),
        HISTORY: (
            f"CREATE TABLE IF NOT EXISTS {HISTORY} (id {_ID[kind]}, rule_id BIGINT NOT NULL, "
            "rule_name TEXT NOT NULL, at TEXT NOT NULL, kind TEXT NOT NULL, day TEXT, "
            f"value {real}, text TEXT NOT NULL, error TEXT)"
        ),
        # One row per (what, when) evaluated: whoever inserts it first does the work.
        CLAIMS: (
            f"CREATE TABLE IF NOT EXISTS {CLAIMS} (scope TEXT NOT NULL, key TEXT NOT NULL, "
            "at TEXT NOT NULL, PRIMARY KEY (scope, key))"
        ),
    }


_RULE_COLUMNS = (
    "id, name, metric, filters, resolution, condition, channels, state, pending, attempt, "
    "author, created, checked, last_value"
)
_JSON_FIELDS = ("filters", "condition", "channels", "pending")
ERROR_CHARS = 300  # a delivery error is kept this long
BUSY_MS = 3000


def stamp(now: dt.datetime) -> str:
    """How times are kept: UTC, ISO 8601 to the second with a Z (sorts as text)."""
    if now.tzinfo is not None:
        now = now.astimezone(dt.UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%SZ")


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class AlertStore:
    """The alert tables of an event store; every operation opens its own connection, so that
    any number of threads, workers and servers share them (the database decides races)."""

    def __init__(self, store: EventStore, clock=_utc_now):
        self.store = store
        self.clock = clock
        self.kind = "postgresql" if isinstance(store, PostgresStore) else "sqlite"
        self.mark = "%s" if self.kind == "postgresql" else "?"
        self._ready = False  # the tables exist (checked once per AlertStore)

    # -- connections ----------------------------------------------------------------------

    @contextlib.contextmanager
    def _connect(self, create: bool = False):
        """A connection (None when a SQLite file does not exist and create is False); commits
        when the block ends without an error."""
        if self.kind == "postgresql":
            from data.events.stores import pg_store

            conn = pg_store.connect(self.store.url)
        else:
            from data.events.stores.sqlite_store import connect

            if not create and not self.store.path.exists():
                yield None
                return
            self.store.path.parent.mkdir(parents=True, exist_ok=True)
            conn = connect(self.store.path)
            # An import holds the write lock for minutes: wait a little, then fail (the timer
            # tries again at its next tick) rather than freeze a gevent worker for 30 s.
            conn.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
        try:
            yield conn
            conn.commit()
        except BaseException:
            with contextlib.suppress(Exception):
                conn.rollback()
            raise
        finally:
            conn.close()

    def _has_tables(self, conn) -> bool:
        if conn is None:
            return False
        if self.kind == "postgresql":
            from data.events.stores.pg_store import table_exists
        else:
            from data.events.stores.sqlite_store import table_exists
        return bool(table_exists(conn, RULES))

    def ensure(self) -> None:
        """Create the alert tables when missing (`flask ensure-db`, and on the first write)."""
        if self._ready:
            return
        with self._connect(create=True) as conn:
            if not self._has_tables(conn):
                for sql in _tables(self.kind).values():
                    conn.execute(sql)
                conn.execute(f"CREATE INDEX IF NOT EXISTS {HISTORY}_at ON {HISTORY} (at)")
        self._ready = True

    def _run(self, sql: str, args: tuple = (), create: bool = True) -> int:
        """A write; its row count (the tables are created first when missing)."""
        if create:
            self.ensure()
        with self._connect(create=create) as conn:
            if not create and not self._has_tables(conn):
                return 0  # nothing to delete
            return conn.execute(sql.replace("?", self.mark), args).rowcount

    def _rows(self, sql: str, args: tuple = ()) -> list[tuple]:
        """A read; no rows without the tables."""
        with self._connect() as conn:
            if not self._has_tables(conn):
                return []
            return conn.execute(sql.replace("?", self.mark), args).fetchall()

    # -- rules --------------------------------------------------------------------------------

    def rules(self) -> list[dict]:
        """Every rule, oldest first."""
        rows = self._rows(f"SELECT {_RULE_COLUMNS} FROM {RULES} ORDER BY id")
        return [self._rule(row) for row in rows]

    def rule(self, rule_id: int) -> dict | None:
        """The rule with that id, or None."""
        rows = self._rows(f"SELECT {_RULE_COLUMNS} FROM {RULES} WHERE id = ?", (int(rule_id),))
        return self._rule(rows[0]) if rows else None

    @staticmethod
    def _rule(row: tuple) -> dict:
        rule = dict(zip([c.strip() for c in _RULE_COLUMNS.split(",")], row, strict=True))
        for key in _JSON_FIELDS:
            rule[key] = None if rule[key] is None else json.loads(rule[key])
        rule["id"], rule["attempt"] = int(rule["id"]), int(rule["attempt"])
        return rule

    def add_rule(self, rule: dict) -> dict:
        """Store a checked rule (data/alerts/conditions.check_rule); the stored rule."""
        self.ensure()
        values = (*_definition(rule), rule["author"], stamp(self.clock()))
        with self._connect(create=True) as conn:
            row = conn.execute(
                f"INSERT INTO {RULES} (name, metric, filters, resolution, condition, channels, "
                f"author, created) VALUES ({', '.join([self.mark] * 8)}) RETURNING id",
                values,
            ).fetchone()
        return self.rule(int(row[0]))

    def update_rule(self, rule_id: int, rule: dict) -> dict | None:
        """Replace a rule's definition (checked as for add_rule); it starts again as ok with
        nothing owed. The stored rule, or None when there is none."""
        changed = self._run(
            f"UPDATE {RULES} SET name = ?, metric = ?, filters = ?, resolution = ?, "
            "condition = ?, channels = ?, state = 'ok', pending = NULL, "
            "attempt = attempt + 1, checked = NULL, last_value = NULL WHERE id = ?",
            (*_definition(rule), int(rule_id)),
            create=False,
        )
        return self.rule(rule_id) if changed else None

    def delete_rule(self, rule_id: int) -> bool:
        """Delete a rule (its history stays); False when there was none."""
        return self._run(f"DELETE FROM {RULES} WHERE id = ?", (int(rule_id),), create=False) > 0

    def checked(self, rule_id: int, value) -> None:
        """Remember when a rule was last evaluated and the value it saw."""
        self._run(
            f"UPDATE {RULES} SET checked = ?, last_value = ? WHERE id = ?",
            (stamp(self.clock()), value, rule_id),
        )

    def transition(self, rule_id: int, old: str, new: str, pending: dict) -> int | None:
        """Move a rule from state old to new with a notification owed, if it is still in old:
        the new attempt number for the one caller that made the move, else None."""
        return self._swap(
            f"UPDATE {RULES} SET state = ?, pending = ?, attempt = attempt + 1 "
            "WHERE id = ? AND state = ? RETURNING attempt",
            (new, json.dumps(pending), rule_id, old),
        )

    def take_pending(self, rule_id: int, attempt: int, pending: dict) -> int | None:
        """Take the owed notification of a rule for one more try (storing `pending`, its new
        lease), if nobody took it since `attempt`: the new attempt number for the one caller
        that took it, else None."""
        return self._swap(
            f"UPDATE {RULES} SET attempt = attempt + 1, pending = ? "
            "WHERE id = ? AND attempt = ? AND pending IS NOT NULL RETURNING attempt",
            (json.dumps(pending), rule_id, attempt),
        )

    def settle(self, rule_id: int, attempt: int, pending: dict | None) -> None:
        """After try `attempt`: what is still owed (None: nothing), unless another try began."""
        self._run(
            f"UPDATE {RULES} SET pending = ? WHERE id = ? AND attempt = ?",
            (None if pending is None else json.dumps(pending), rule_id, attempt),
        )

    def _swap(self, sql: str, args: tuple) -> int | None:
        self.ensure()
        with self._connect(create=True) as conn:
            row = conn.execute(sql.replace("?", self.mark), args).fetchone()
        return None if row is None else int(row[0])

    # -- claims and history ----------------------------------------------------------------

    def claim(self, scope: str, key: str) -> bool:
        """True for the one caller, of all processes, that first claims (scope, key)."""
        return (
            self._run(
                f"INSERT INTO {CLAIMS} (scope, key, at) VALUES (?, ?, ?) "
                "ON CONFLICT (scope, key) DO NOTHING",
                (scope, key, stamp(self.clock())),
            )
            == 1
        )

    def forget_claims(self, before: dt.datetime) -> int:
        """Drop claims older than `before` (their keys are not asked again)."""
        return self._run(f"DELETE FROM {CLAIMS} WHERE at < ?", (stamp(before),), create=False)

    def record(self, rule: dict, kind: str, text: str, day=None, value=None, error=None) -> None:
        """Add a history entry: fired, recovered, notified or failed (with the error)."""
        self._run(
            f"INSERT INTO {HISTORY} (rule_id, rule_name, at, kind, day, value, text, error) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                rule["id"],
                rule["name"],
                stamp(self.clock()),
                kind,
                day,
                value,
                text,
                None if error is None else str(error)[:ERROR_CHARS],
            ),
        )

    def history(self, since: str | None = None, until: str | None = None, limit: int = 100):
        """History entries, newest first; since/until are dates (inclusive) or times."""
        where, args = [], []
        if since:
            where.append("at >= ?")
            args.append(since)
        if until:
            where.append("at < ?")
            args.append(until + "~" if len(until) == 10 else until)  # a whole day
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        rows = self._rows(
            "SELECT id, rule_id, rule_name, at, kind, day, value, text, error "
            f"FROM {HISTORY}{clause} ORDER BY id DESC LIMIT {int(limit)}",
            tuple(args),
        )
        keys = ("id", "rule_id", "rule_name", "at", "kind", "day", "value", "text", "error")
        return [dict(zip(keys, row, strict=True)) for row in rows]


def _definition(rule: dict) -> tuple:
    """A checked rule's stored columns: name, metric, filters, resolution, condition, channels."""
    return (
        rule["name"],
        rule["metric"],
        json.dumps(rule["filters"], sort_keys=True),
        rule["resolution"],
        json.dumps(rule["condition"], sort_keys=True),
        json.dumps(rule["channels"], sort_keys=True),
    )
