"""Exact change tracking on SQLite: triggers count, per day, the movies rows each write touched."""

from __future__ import annotations

import sqlite3

from data.events.ingest.text_decoding import decode_text
from data.events.stores.sqlite_store import TABLE

TOUCHES_TABLE = "reelboard_day_touches"
INSERT_TRIGGER = "reelboard_touch_insert"
UPDATE_TRIGGER = "reelboard_touch_update"
DELETE_TRIGGER = "reelboard_touch_delete"
TRIGGERS = (INSERT_TRIGGER, UPDATE_TRIGGER, DELETE_TRIGGER)
# The day key meaning "every day may have changed": counted when the triggers are (re)made,
# since what was written while they were missing (a movies table dropped and made anew, rows
# loaded before Reelboard installed them) is unknown.
EVERYTHING = "*"

# Each touch also draws a new random stamp: a rolled-back write takes its stamps with it, so a
# later write that brings a day to the same count is still told apart (a builder that saw the
# uncommitted rows recorded the other stamp).
CREATE_TOUCHES = (
    f"CREATE TABLE IF NOT EXISTS {TOUCHES_TABLE} "
    "(day TEXT PRIMARY KEY, touches INTEGER NOT NULL, stamp INTEGER NOT NULL DEFAULT 0)"
)


def _day(row: str) -> str:
    """A row's day key: the first 10 characters of event_date ('2024-01-05' of both
    '2024-01-05T10:00:00' and '2024-01-05 10:00:00'), '' for NULL. The cast makes a BLOB
    date (a CLI `.import` of odd bytes can store one) the same key as the text it spells."""
    return f"coalesce(substr(CAST({row}.event_date AS TEXT), 1, 10), '')"


_COUNT = "ON CONFLICT(day) DO UPDATE SET touches = touches + 1, stamp = random();"
_INTO = f"INSERT INTO {TOUCHES_TABLE} (day, touches, stamp)"
_UPSERT_OLD = f"{_INTO} VALUES ({_day('OLD')}, 1, random()) {_COUNT}"
_UPSERT_NEW = f"{_INTO} VALUES ({_day('NEW')}, 1, random()) {_COUNT}"
# An UPDATE that keeps the row on its day touches that day once, not twice.
_UPSERT_NEW_IF_MOVED = (
    f"{_INTO} SELECT {_day('NEW')}, 1, random() WHERE {_day('NEW')} IS NOT {_day('OLD')} {_COUNT}"
)


def _trigger(name: str, event: str, *body: str) -> str:
    statements = "\n".join(f"    {statement}" for statement in body)
    return f"CREATE TRIGGER {name} AFTER {event} ON {TABLE} FOR EACH ROW BEGIN\n{statements}\nEND"


# What each trigger is created with; sqlite_master keeps this text, so a trigger made by
# another version of this module (or by hand) is told apart and made anew.
TRIGGER_SQL: dict[str, str] = {
    INSERT_TRIGGER: _trigger(INSERT_TRIGGER, "INSERT", _UPSERT_NEW),
    UPDATE_TRIGGER: _trigger(UPDATE_TRIGGER, "UPDATE", _UPSERT_OLD, _UPSERT_NEW_IF_MOVED),
    DELETE_TRIGGER: _trigger(DELETE_TRIGGER, "DELETE", _UPSERT_OLD),
}


def _triggers(conn: sqlite3.Connection) -> dict[str, tuple[str, str]]:
    """{name: (table it is on, its SQL)} of our triggers that exist."""
    rows = conn.execute(
        "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' "
        f"AND name IN ({', '.join('?' * len(TRIGGERS))})",
        TRIGGERS,
    ).fetchall()
    return {name: (table, sql) for name, table, sql in rows}


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchone()
    return row is not None


def is_installed(conn: sqlite3.Connection) -> bool:
    """True when the touches table and all three triggers on movies exist."""
    if not _has_table(conn, TOUCHES_TABLE):
        return False
    found = _triggers(conn)
    return all(found.get(name, ("", ""))[0].lower() == TABLE for name in TRIGGERS)


def _has_stamps(conn: sqlite3.Connection) -> bool:
    columns = conn.execute(f"PRAGMA table_info({TOUCHES_TABLE})").fetchall()
    return any(column[1] == "stamp" for column in columns)


def _is_current(conn: sqlite3.Connection) -> bool:
    """Installed, each trigger with exactly this module's definition."""
    if not _has_table(conn, TOUCHES_TABLE) or not _has_stamps(conn):
        return False
    found = _triggers(conn)
    return all(found.get(name, ("", ""))[1] == sql for name, sql in TRIGGER_SQL.items())


def install(conn: sqlite3.Connection) -> bool:
    """Create the touches table and the triggers when missing (or made differently), in a write
    transaction of their own; commits an open transaction first, as ensure_schema does.
    Making them counts a touch of EVERYTHING (writes before are unknown). True when they are
    in place; False when they cannot be (a read-only file, a database locked past the busy
    timeout, no movies table or a view of that name): never raises for that, as the tracking
    is only worth having."""
    try:
        if _is_current(conn):
            return True  # the usual case: no write lock taken
        if conn.in_transaction:
            conn.commit()
        # A connection in Python 3.12's autocommit=False mode is always in a transaction.
        if getattr(conn, "autocommit", None) is not False:
            conn.execute("BEGIN IMMEDIATE")  # the check below cannot race another installer
        try:
            if _is_current(conn):
                conn.rollback()
                return True
            kind = conn.execute(
                "SELECT type FROM sqlite_master WHERE name = ? COLLATE NOCASE", (TABLE,)
            ).fetchone()
            if kind is None or kind[0] != "table":
                conn.rollback()
                return False  # triggers on a view would have to be INSTEAD OF: nothing to track
            if _has_table(conn, TOUCHES_TABLE) and not _has_stamps(conn):
                conn.execute(f"DROP TABLE {TOUCHES_TABLE}")  # made before stamps: anew
            conn.execute(CREATE_TOUCHES)
            found = _triggers(conn)
            for name, sql in TRIGGER_SQL.items():
                if name in found and found[name][1] == sql:
                    continue
                if name in found:
                    conn.execute(f"DROP TRIGGER {name}")
                conn.execute(sql)
            conn.execute(f"{_INTO} VALUES (?, 1, random()) {_COUNT}", (EVERYTHING,))
            conn.commit()
            return True
        except BaseException:
            conn.rollback()
            raise
    except sqlite3.OperationalError:
        return False


def read_touches(conn: sqlite3.Connection) -> dict[str, list[int]] | None:
    """{day: [touches, stamp]} as the connection sees it (read it inside the snapshot the rows
    are read in; EVERYTHING, '*', counts the times the triggers were made); a day changed iff
    its pair did. None when the triggers are not installed. Days are decoded as Reelboard's
    readers decode text that is not UTF-8."""
    if not is_installed(conn):
        return None
    text_factory, conn.text_factory = conn.text_factory, bytes
    try:
        rows = conn.execute(f"SELECT day, touches, stamp FROM {TOUCHES_TABLE}").fetchall()
    finally:
        conn.text_factory = text_factory
    touches: dict[str, list[int]] = {}
    for day, count, stamp in rows:
        key = decode_text(day) if isinstance(day, bytes) else str(day)
        # Two stored keys may decode alike: their counts add up, their stamps combine.
        before = touches.get(key, [0, 0])
        touches[key] = [before[0] + int(count), before[1] ^ int(stamp)]
    return touches


def total_touches(conn: sqlite3.Connection) -> int | None:
    """The sum of all touches: grows with every row any write touched, so it names a version
    of the rows; None when the triggers are not installed."""
    if not is_installed(conn):
        return None
    return int(conn.execute(f"SELECT coalesce(sum(touches), 0) FROM {TOUCHES_TABLE}").fetchone()[0])
