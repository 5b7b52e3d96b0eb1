"""The PostgreSQL table as partitions of days: the change log, and the events of some days or all.

Rows come out as they are stored, one per event, through a server-side cursor, each column
turned by SQL into what the encoding reads from SQLite (data/events/rollup/encoding.py): the
day and hour as 'YYYY-MM-DD HH:' text, numbers as floats, unknown ones NULL, text as text. The
SQL is the reading rules of the column's type (data/events/rollup/pg_columns.py), so a row
counts as it does on SQLite whatever type another system gave its columns. A partition's rows
are a range of event_date, compared in the column's own type (`event_date >=
'2025-03-01'::timestamp AND event_date < '2025-04-01'::timestamp`; text in byte order, as
SQLite compares it), so each readable row lies in exactly its own day's range. Without an index
on event_date each range is a scan on the server, still far cheaper than sending every row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
from collections.abc import Iterator

from data.events.catalog import COMPLETE_PERCENT, DIMENSIONS
from data.events.local_time import MARGIN_DAYS, UTC_ZONES, Zones
from data.events.rollup.encoding import RAW_COLUMNS, READS, Vocabulary
from data.events.rollup.incremental import encoded_batches
from data.events.rollup.pg_columns import (
    FINITE,
    TEXT_TYPES,
    column_types,
    day_sql,
    minutes_sql,
    needs_margin,
    number_sql,
)
from data.events.stores import pg_change_log
from data.events.stores.sqlite_store import TABLE, EventStoreUnreadable

CHUNK_ROWS = 200_000  # rows fetched and encoded at a time
_CURSORS = itertools.count()  # server-side cursor names, unique in the process
_UNREAD = object()
_FIRST = -719162  # 0001-01-01, the calendar's first day


# The files holding the table's rows (and its partitions'): a rewrite gives it new ones.
_STORAGE_SQL = (
    "SELECT array_agg(relfilenode ORDER BY oid)::text FROM pg_class WHERE oid = to_regclass(%s) "
    "OR oid IN (SELECT relid FROM pg_partition_tree(to_regclass(%s)))"
)


def _iso(day: int) -> str:
    return (dt.date(1970, 1, 1) + dt.timedelta(days=day)).isoformat()


def _percent_sql() -> str:
    """viewpercentage as a number the encoding reads as PostgreSQL compares it: NULL when it
    is no measured share (NULL, NaN, infinite, past a double's range: compared in the column's
    own type), else the middle of its 10-point bin (encoding.percent_bins), 95 exactly when it
    is at least COMPLETE_PERCENT, so that the bin and the completion agree."""
    rated = f"viewpercentage BETWEEN -{FINITE} AND {FINITE}"
    below = "least(greatest(floor(viewpercentage / 10), 0), 8) * 10 + 5"
    return (
        f"CASE WHEN {rated} THEN (CASE WHEN viewpercentage >= {COMPLETE_PERCENT} THEN 95 "
        f"ELSE {below} END)::float8 END"
    )


_TIME_FORMAT = "'YYYY-MM-DD HH24:MI:SS'"


def select_sql(types: dict[str, str], zones: Zones = UTC_ZONES) -> tuple[str, str, tuple]:
    """(the SELECT list in encoding.READS order, the rows whose event_date may name a day, the
    conditions of a day range's lower and upper bound) for the table's column types."""
    missing = [column for column in RAW_COLUMNS if column not in types]
    if missing:
        raise EventStoreUnreadable(
            f"the event database cannot be read: movies has no column {', '.join(missing)}"
        )
    kind = types["event_date"]
    day, valid, day_is_text = day_sql(kind, zones)
    if day_is_text:
        # Cut to the day in SQL (fewer distinct values to parse), read by the encoding's rule;
        # bounds compared byte by byte, as SQLite compares text, whatever the collation.
        day_text, bound = day, ('(event_date::text COLLATE "C")', "%s")
        time_text = "event_date::text"
    else:
        # The local day and, for a timestamp, its local hour (pg_columns.local_sql), as SQLite's
        # text is cut (encoding.DATE_TEXT_CHARS); a date column has no hour.
        form = "YYYY-MM-DD" if kind == "date" else "YYYY-MM-DD HH24:"
        day_text = f"CASE WHEN {valid} THEN to_char({day}, '{form}') END"
        # The local time as SQLite would store it (a date's is midnight), read by the same rule.
        time_text = f"CASE WHEN {valid} THEN to_char(({day})::timestamp, {_TIME_FORMAT}) END"
        cast = {"date": "date", "timestamp with time zone": "timestamptz"}.get(kind, "timestamp")
        bound = ("event_date", f"%s::{cast}")
    # A title is text that is not empty. A row without one has no item, so its numbers are
    # never read: a number PostgreSQL cannot cast (1e400 as text) fails only a titled row.
    titled = "title IS NOT NULL AND title::text <> ''"
    numbers = {
        column: f"CASE WHEN {titled} THEN {number_sql(column, types[column])} END"
        for column in ("runningtime", "seasonnumber", "episodenumber")
    }
    expressions = {
        "event_date": day_text,
        "userid": "userid::text",
        "totalminuteswatched": minutes_sql(types["totalminuteswatched"]),
        "viewpercentage": _percent_sql(),
        "title": f"CASE WHEN {titled} THEN title::text END",
        # A dimension's own value as stored (the title facts read seasonnumber as a number).
        **{d.name: f"{d.column}::text" for d in DIMENSIONS},
        **numbers,
        "contentid": "contentid::text",
        "event_time": time_text,
    }
    columns = ", ".join(expressions[key] for key, _ in READS)
    return columns, valid, (f"{bound[0]} >= {bound[1]}", f"{bound[0]} < {bound[1]}")


class PgPartitions:
    """The partitions of the movies table one connection sees (inside its snapshot: a
    REPEATABLE READ transaction, or a writer's own)."""

    def __init__(
        self,
        conn,
        label: str = "PostgreSQL events",
        chunk_rows: int = CHUNK_ROWS,
        zones: Zones = UTC_ZONES,
    ):
        self.conn = conn
        self.label = label
        self.chunk_rows = chunk_rows
        self.rows_read = 0  # rows fetched from the server (tests, logs)
        types = column_types(conn)
        self._columns, self._valid, (self._from, self._to) = select_sql(types, zones)
        self.zones = zones  # what the pieces are built for (incremental.py compares them)
        # Text is sent as stored and read in the zones here; a date or timestamp column is sent
        # as its local day and hour already (pg_columns.local_sql): read as written, once.
        self._read_zones = zones if types["event_date"].startswith(TEXT_TYPES) else UTC_ZONES
        # A partition of local days reads its stored days this much wider (pg_columns).
        self.margin = MARGIN_DAYS if needs_margin(types["event_date"], zones) else 0
        self._types = [types[name] for name in RAW_COLUMNS]
        self._touches: object = _UNREAD

    def touches(self) -> dict[str, list] | None:
        """The change log, read once: the first time, before any row (a writer's READ
        COMMITTED transaction sees other commits between statements; a day written after the
        log was read is then a change the next build sees)."""
        if self._touches is _UNREAD:
            self._touches = self._read_touches()
        return self._touches

    def _read_touches(self) -> dict[str, list] | None:
        touches = pg_change_log.read_touches(self.conn)
        if touches is not None:
            # A key that names no day (partitions.day_of_text) but the table's storage and the
            # types its rows are read by: ALTER TABLE ... TYPE rewrites the rows firing no
            # trigger, so then this key leaves the log and every row is read anew.
            storage = self.conn.execute(_STORAGE_SQL, (TABLE, TABLE)).fetchone()[0]
            table = json.dumps([storage, self._types]).encode()
            touches[f"table {hashlib.sha256(table).hexdigest()[:16]}"] = [0, 0]
        return touches

    def all_chunks(self, vocabulary: Vocabulary) -> Iterator:
        sql = f"SELECT {self._columns} FROM {TABLE} WHERE {self._valid}"
        return self._encoded(sql, (), vocabulary)

    def chunks(self, first_day: int, last_day: int, vocabulary: Vocabulary) -> Iterator:
        where, params = [self._from], [_iso(max(first_day - self.margin, _FIRST))]
        try:
            params.append(_iso(last_day + self.margin + 1))
            where.append(self._to)
        except OverflowError:
            pass  # up to 9999-12-31: later dates name no day (their rows are dropped)
        sql = f"SELECT {self._columns} FROM {TABLE} WHERE {' AND '.join(where)}"
        days = (first_day, last_day) if self.margin else None
        return self._encoded(sql, tuple(params), vocabulary, days)

    def _encoded(self, sql: str, params: tuple, vocabulary: Vocabulary, days=None) -> Iterator:
        # Binary: numbers arrive as numbers, not text to parse.
        with self.conn.cursor(name=f"reelboard_rows_{next(_CURSORS)}", binary=True) as cursor:
            cursor.execute(sql, params)

            def fetch() -> list:
                rows = cursor.fetchmany(self.chunk_rows)
                self.rows_read += len(rows)
                return rows

            yield from encoded_batches(fetch, vocabulary, self._read_zones, days)
