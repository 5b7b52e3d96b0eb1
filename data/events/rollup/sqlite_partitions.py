"""The SQLite table as partitions of days: the change log, and the events of some days or all.

A partition's rows are a range of the event_date index (`event_date >= '2025-03-01' AND
event_date < '2025-04-01'`; a readable date starts with its day, so each readable row lies in
exactly its own day's range). A full build reads the table in one pass. A table without that
index (a read-only tutorial database) is always read whole: a day's rows would cost a scan.
When stored times change date on their way to local days (data/events/local_time.py), a
partition of local days reads the stored days MARGIN_DAYS wider on each side and keeps the rows
whose local day lies within it.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator

from data.events.local_time import MARGIN_DAYS, UTC_ZONES, Zones
from data.events.rollup.encoding import DATE_TEXT_CHARS, READS, Vocabulary
from data.events.rollup.incremental import encoded_batches
from data.events.stores import change_log
from data.events.stores.sqlite_store import TABLE

# SQLite cuts event_date to its day and hour (encoding.DATE_TEXT_CHARS: 'YYYY-MM-DD HH:'), so
# that pandas parses a few thousand distinct values instead of millions of timestamps; rows
# whose 11th character is not ' ' or 'T' keep the full text and are then rejected by the
# encoding exactly as the pure code path would. The time of day is read from the uncut
# text, selected again for READS' event_time.
DAY_TEXT_SQL = (
    "CASE WHEN length(event_date) > 10 AND substr(event_date, 11, 1) IN (' ', 'T') "
    f"THEN substr(event_date, 1, {DATE_TEXT_CHARS}) ELSE event_date END"
)
# The values encoding.READS names, in its order (a column read for two keys is selected twice).
SELECT_SQL = f"SELECT {DAY_TEXT_SQL}, {', '.join(column for _, column in READS[1:])} FROM {TABLE}"
# With a conversion the time decides the local day: event_date is read whole.
LOCAL_SELECT_SQL = f"SELECT {', '.join(column for _, column in READS)} FROM {TABLE}"
_RANGE = " WHERE event_date >= ? AND event_date < ?"
_FIRST, _LAST = -719162, 2932896  # 0001-01-01 and 9999-12-31, the calendar's ends


def select_sql(zones: Zones) -> str:
    """The SELECT of every row, for these zones."""
    return LOCAL_SELECT_SQL if zones.converts else SELECT_SQL


def _iso(day: int) -> str:
    return (dt.date(1970, 1, 1) + dt.timedelta(days=day)).isoformat()


def _after(day: int) -> str:
    """The text just above every event_date of that day (the next day's, or past 9999-12-31)."""
    try:
        return _iso(day + 1)
    except OverflowError:
        return _iso(day) + "\U0010ffff"


def has_date_index(conn: sqlite3.Connection) -> bool:
    """True when an index of the table starts with event_date (ranges of days are cheap)."""
    for index in conn.execute(f"PRAGMA index_list({TABLE})").fetchall():
        columns = conn.execute(f"PRAGMA index_info({index[1]!r})").fetchall()
        if columns and columns[0][2] == "event_date":
            return True
    return False


class SqlitePartitions:
    """The partitions of the table one connection sees (inside its snapshot)."""

    def __init__(
        self, conn: sqlite3.Connection, label: str, chunk_rows: int, zones: Zones = UTC_ZONES
    ):
        self.conn = conn
        self.label = label
        self.chunk_rows = chunk_rows
        self.zones = zones
        self.margin = MARGIN_DAYS if zones.converts else 0

    def touches(self) -> dict[str, list] | None:
        if not has_date_index(self.conn):
            return None  # a day's rows would cost a scan of the table: build everything
        return change_log.read_touches(self.conn)

    def all_chunks(self, vocabulary: Vocabulary) -> Iterator:
        return self._encoded(self.conn.execute(select_sql(self.zones)), vocabulary)

    def chunks(self, first_day: int, last_day: int, vocabulary: Vocabulary) -> Iterator:
        first, last = first_day - self.margin, last_day + self.margin
        bounds = (_iso(max(first, _FIRST)), _after(min(last, _LAST)))
        cursor = self.conn.execute(select_sql(self.zones) + _RANGE, bounds)
        days = (first_day, last_day) if self.margin else None
        return self._encoded(cursor, vocabulary, days)

    def _encoded(self, cursor: sqlite3.Cursor, vocabulary: Vocabulary, days=None) -> Iterator:
        return encoded_batches(
            lambda: cursor.fetchmany(self.chunk_rows), vocabulary, self.zones, days
        )
