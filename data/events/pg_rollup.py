"""Rollups from PostgreSQL, aggregated by the database: GROUP BY results, never raw rows.

PostgreSQL reduces the events to (day, dimension values) cells, (day, dimension values, title)
views and distinct (day, user, dimension values) triples; those come out packed as CSV text (one
value per day, through a server-side cursor) and become the same Rollup that the SQLite store
builds from its rows (data/events/rollup.py), so the queries and their answers are the same on
both stores. What crosses the wire is sized by days x dimension values x users (and titles),
not by events. The reading rules are SQLite's: a day from each event's date, NULL or
unreadable minutes as 0, '' and NULL dimension values alike, text with its `<xx>` escapes
decoded (by the vocabulary, once per distinct value: groups that name one value add up).
`python -m data.events.pg_rollup ROOT` (DATABASE_URL in the environment) is the builder that a
reader starts when the data changed outside Reelboard.
"""

from __future__ import annotations

import io
import logging
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from data.events import pg_store
from data.events.catalog import COMPLETE_PERCENT, DIMENSIONS
from data.events.date_bounds import DEFAULT_BOUNDS, DateBounds, with_left_out
from data.events.encoding import (
    MAX_MINUTES,
    NO_DAY,
    RAW_COLUMNS,
    Vocabulary,
    event_days,
    known_numbers,
)
from data.events.rollup import (
    Cells,
    Rollup,
    TitleFacts,
    TitleViews,
    UserDays,
    Viewings,
    empty_rollup,
    rollup_of_groups,
)
from data.events.rollup_files import publish_version
from data.events.rollup_source import DAY_TEXT_SQL
from data.events.store import TABLE, EventStoreUnreadable
from data.events.stores import one_line

log = logging.getLogger(__name__)
CHUNK_ROWS = 500_000  # grouped rows parsed at a time
_DATE_TYPES = {"timestamp without time zone", "timestamp with time zone", "date"}
_TEXT_TYPES = ("text", "character varying", "character")
_DIMS = [f"coalesce({d.column}::text, '')" for d in DIMENSIONS]  # '' and NULL name one value
_FINITE = "1.7976931348623157e308"  # the largest double: past it, a number is not finite


def _column_types(conn) -> dict[str, str]:
    rows = conn.execute(
        "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
        "WHERE attrelid = to_regclass(%s) AND attnum > 0 AND NOT attisdropped",
        (TABLE,),
    ).fetchall()
    return {name: kind for name, kind in rows}


def _day_sql(kind: str) -> tuple[str, str, bool]:
    """(day expression, the rows it reads, whether the day comes as text to parse here)."""
    if kind in _DATE_TYPES:
        # Infinite and five-digit-year dates are not days SQLite's text could hold.
        where = "isfinite(event_date) AND event_date >= '0001-01-01' AND event_date < '10000-01-01'"
        return "(event_date::date - DATE '1970-01-01')", where, False
    if kind.startswith(_TEXT_TYPES):
        # Text dates are cut to their day as SQLite's loader cuts them, and read by the
        # encoding's own rule.
        return DAY_TEXT_SQL, "event_date IS NOT NULL", True
    raise EventStoreUnreadable(
        f"the event database cannot be read: movies.event_date is {kind}, "
        "not a timestamp, date or text column"
    )


def _minutes_sql(kind: str) -> str:
    """totalminuteswatched as a number, unknown (NULL, NaN, infinite, negative, 2**53 or more)
    as 0, which no sum feels."""
    if kind.startswith(_TEXT_TYPES):
        raise EventStoreUnreadable(
            "the event database cannot be read: movies.totalminuteswatched is text; "
            "PostgreSQL needs a numeric column"
        )
    # Compared in the column's own type (a numeric past a double's range must not fail the
    # cast): 2**53 + 1 is unknown, as it is on SQLite, where it reads as 2**53.
    return (
        f"CASE WHEN totalminuteswatched >= 0 AND totalminuteswatched < {int(MAX_MINUTES)} "
        "THEN totalminuteswatched::float8 ELSE 0 END"
    )


_NUMERIC_TEXT = r"^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$"


def _number_sql(column: str, kind: str) -> str:
    """A column as the text of a float8 for the title facts, '' where it is NULL or not a
    number (SQLite's readers take text numbers as numbers too)."""
    if kind.startswith(_TEXT_TYPES):
        return f"CASE WHEN {column} ~ '{_NUMERIC_TEXT}' THEN {column}::float8::text ELSE '' END"
    return f"coalesce({column}::float8::text, '')"


def _bounds_sql(day_is_text: bool, first, last) -> tuple[str, str]:
    """(the rows whose date reads as a day, those of them dated first..last): SQL conditions."""
    span = f"'{first.isoformat()}' AND '{last.isoformat()}'"
    if day_is_text:
        readable = rf"({DAY_TEXT_SQL}) ~ '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$'"
        return readable, f"({DAY_TEXT_SQL}) BETWEEN {span}"
    return "true", f"event_date::date BETWEEN {span}"


def _percent_bin_sql(rated: str) -> str:
    """viewpercentage's 10-point bin as the encoding computes it (encoding.percent_bins)."""
    return f"CASE WHEN {rated} THEN least(greatest(floor(viewpercentage / 10), 0), 9) ELSE -1 END"


class GroupedRead:
    """Counts what a build read from the database: grouped rows per query (tests, logs)."""

    def __init__(self) -> None:
        self.rows: dict[str, int] = {}

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _csv_field(name: str, kind) -> str:
    """SQL for one CSV field of a grouped row: text quoted (so commas, quotes and line breaks
    in titles survive), numbers as they print."""
    if kind is str:
        return f"'\"' || replace({name}::text, '\"', '\"\"') || '\"'"
    return f"{name}::text"


def _grouped(conn, name: str, sql: str, dtypes: dict, report: GroupedRead) -> Iterator:
    """Chunks (DataFrames) of one GROUP BY's result, columns named by dtypes' keys.

    The database packs the result's rows into CSV text, one value per day, so that what
    crosses the wire are a few hundred large values, not millions of protocol messages (each
    of which would cost Python more than the parsing of its row)."""
    quoted = ['"' + n + '"' for n in dtypes]  # "user" is a reserved word
    line = " || ',' || ".join(
        _csv_field("g." + q, kind) for q, kind in zip(quoted, dtypes.values(), strict=True)
    )
    columns = ", ".join(quoted)
    packed = (
        f"SELECT string_agg({line}, E'\\n'), count(*) "
        f"FROM ({sql}) AS g({columns}) GROUP BY g.{quoted[0]}"
    )
    report.rows.setdefault(name, 0)
    with conn.cursor(name=f"reelboard_{name}") as cursor:  # streamed, not fetched at once
        cursor.itersize = 16
        cursor.execute(packed)
        texts, lines = [], 0
        for text, count in cursor:
            texts.append(text)
            lines += count
            if lines >= CHUNK_ROWS:
                yield _parse(texts, dtypes)
                report.rows[name] += lines
                texts, lines = [], 0
                time.sleep(0)  # a cooperative worker (gevent) serves others between chunks
        if texts:
            yield _parse(texts, dtypes)
            report.rows[name] += lines


def _parse(texts: list[str], dtypes: dict) -> pd.DataFrame:
    try:
        return _read_csv(texts, dtypes)
    except pd.errors.ParserError as error:
        # Ctrl-C while pandas parses reaches us wrapped in its own error: say it as it is.
        if isinstance(error.__context__ or error.__cause__, KeyboardInterrupt):
            raise KeyboardInterrupt from None
        raise


def _read_csv(texts: list[str], dtypes: dict) -> pd.DataFrame:
    return pd.read_csv(
        io.StringIO("\n".join(texts)),
        header=None,
        names=list(dtypes),
        dtype=dtypes,
        na_filter=False,  # nothing is NULL: every text column is coalesced
        keep_default_na=False,
    )


def _days(chunk: pd.DataFrame, day_is_text: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """(day numbers, mask of rows to keep or None) of a chunk's day column."""
    if not day_is_text:
        return chunk["day"].to_numpy(np.int64), None
    days = event_days(chunk["day"].to_numpy(object))
    keep = days != NO_DAY
    return days[keep], (None if keep.all() else keep)


def _combos(chunk: pd.DataFrame, keep, vocabulary: Vocabulary) -> np.ndarray:
    columns = [_kept(chunk[d.column], keep) for d in DIMENSIONS]
    return vocabulary.combos_of(columns).astype(np.int64)


def _kept(series: pd.Series, keep) -> np.ndarray:
    values = series.to_numpy(object if series.dtype == object else None)
    return values if keep is None else values[keep]


def _known(column: pd.Series, runtime: bool) -> np.ndarray:
    """A number column of a grouped chunk ('' where unknown) by the encoding's rule."""
    values = pd.to_numeric(column, errors="coerce").to_numpy(np.float64)
    return known_numbers(values, positive=runtime, count=not runtime)


def _items(chunk: pd.DataFrame, keep, vocabulary: Vocabulary) -> np.ndarray:
    """Item codes of a chunk's (title, season, episode, contentid) columns."""
    season, episode = (_known(chunk[name], False) for name in ("season", "episode"))
    if keep is not None:
        season, episode = season[keep], episode[keep]
    return vocabulary.items_of(
        _kept(chunk["title"], keep), season, episode, _kept(chunk["contentid"], keep)
    )


def _first(n: int) -> str:
    """'1, 2, ..., n': a GROUP BY of the first n selected columns."""
    return ", ".join(str(i) for i in range(1, n + 1))


def _concat(parts: list[np.ndarray], dtype) -> np.ndarray:
    return np.concatenate(parts) if parts else np.empty(0, dtype=dtype)


def read_rollup(
    conn,
    report: GroupedRead | None = None,
    bounds: DateBounds = DEFAULT_BOUNDS,
) -> Rollup:
    """The rollup of the movies rows the connection sees (inside its transaction), from its
    GROUP BY results; empty without a movies table. Rows dated outside the bounds (by the
    server's own clock unless they fix one) are left out and counted."""
    report = report if report is not None else GroupedRead()
    if not pg_store.table_exists(conn, TABLE):
        return empty_rollup()
    types = _column_types(conn)
    missing = [column for column in RAW_COLUMNS if column not in types]
    if missing:
        raise EventStoreUnreadable(
            f"the event database cannot be read: movies has no column {', '.join(missing)}"
        )
    day, valid, day_is_text = _day_sql(types["event_date"])
    store_now = None if bounds.now else conn.execute("SELECT now()").fetchone()[0]
    span = bounds.days(bounds.clock(store_now))
    readable, inside = _bounds_sql(day_is_text, *span)
    left_out = conn.execute(
        f"SELECT count(*) FROM {TABLE} WHERE {valid} AND {readable} AND NOT ({inside})"
    ).fetchone()[0]
    valid = f"{valid} AND {inside}"
    minutes = _minutes_sql(types["totalminuteswatched"])
    whole = (
        "true"
        if types["totalminuteswatched"] in ("bigint", "integer", "smallint")
        else (f"bool_and(({minutes}) = trunc({minutes}))")
    )
    # NaN and infinities are no measured percentage (SQLite stores NaN as NULL, and 1e309 as
    # infinity); PostgreSQL sorts NaN above infinity. Compared as the column's type, so that a
    # numeric past a double's range is unknown too, as its text is on SQLite.
    rated = f"viewpercentage BETWEEN -{_FINITE} AND {_FINITE}"
    dims = ", ".join(_DIMS)
    day_type = str if day_is_text else np.int64
    dim_types = {d.column: str for d in DIMENSIONS}
    vocabulary = Vocabulary()

    cell_sql = (
        f"SELECT {day}, {dims}, count(*), sum({minutes}), "
        f"count(*) FILTER (WHERE {rated} AND viewpercentage >= {COMPLETE_PERCENT}), "
        f"count(*) FILTER (WHERE {rated}), {whole} "
        f"FROM {TABLE} WHERE {valid} GROUP BY 1, 2, 3, 4"
    )
    cell_types = {"day": day_type, **dim_types, "views": np.int64, "minutes": np.float64}
    cell_types |= {"completed": np.int64, "rated": np.int64, "whole": str}
    parts: dict[str, list] = {name: [] for name in ("day", "combo", "views", "minutes")}
    parts |= {"completed": [], "rated": []}
    minutes_are_whole = True
    for chunk in _grouped(conn, "cells", cell_sql, cell_types, report):
        days, keep = _days(chunk, day_is_text)
        parts["day"].append(days)
        parts["combo"].append(_combos(chunk, keep, vocabulary))
        for name in ("views", "minutes", "completed", "rated"):
            parts[name].append(_kept(chunk[name], keep))
        whole_values = _kept(chunk["whole"], keep)
        minutes_are_whole = minutes_are_whole and bool(np.all(whole_values == "true"))
    cells = Cells(
        _concat(parts["day"], np.int64),
        _concat(parts["combo"], np.int64),
        _concat(parts["views"], np.int64).astype(np.float64),
        _concat(parts["minutes"], np.float64),
        _concat(parts["completed"], np.int64).astype(np.float64),
        _concat(parts["rated"], np.int64).astype(np.float64),
    )
    del parts

    titled = "title IS NOT NULL AND title::text <> ''"
    # What makes an item (encoding.Vocabulary.items_of): the title, its numbers, its contentid.
    numbers = [
        _number_sql(column, types[column])
        for column in ("runningtime", "seasonnumber", "episodenumber")
    ]
    item = f"title::text, {numbers[1]}, {numbers[2]}, coalesce(contentid::text, '')"
    item_types = {"title": str, "season": str, "episode": str, "contentid": str}
    title_sql = (
        f"SELECT {day}, {dims}, {item}, count(*), sum({minutes}) FROM {TABLE} "
        f"WHERE {valid} AND {titled} GROUP BY {_first(len(DIMENSIONS) + 5)}"
    )
    title_types = {"day": day_type, **dim_types, **item_types, "views": np.int64}
    title_types["minutes"] = np.float64
    t_parts: dict[str, list] = {"day": [], "combo": [], "title": [], "views": [], "minutes": []}
    for chunk in _grouped(conn, "titles", title_sql, title_types, report):
        days, keep = _days(chunk, day_is_text)
        t_parts["day"].append(days)
        t_parts["combo"].append(_combos(chunk, keep, vocabulary))
        t_parts["title"].append(_items(chunk, keep, vocabulary))
        t_parts["views"].append(_kept(chunk["views"], keep))
        t_parts["minutes"].append(_kept(chunk["minutes"], keep))
    titles = TitleViews(
        _concat(t_parts["day"], np.int64),
        _concat(t_parts["combo"], np.int64),
        _concat(t_parts["title"], np.int32),
        _concat(t_parts["views"], np.int64).astype(np.float64),
        _concat(t_parts["minutes"], np.float64),
    )
    del t_parts

    facts_sql = (
        f"SELECT {item}, {numbers[0]}, count(*) FROM {TABLE} "
        f"WHERE {valid} AND {titled} GROUP BY 1, 2, 3, 4, 5"
    )
    fact_types = {**item_types, "runtime": str, "count": np.int64}
    f_parts: dict[str, list] = {"title": [], "runtime": [], "season": [], "episode": []}
    f_parts["count"] = []
    for chunk in _grouped(conn, "facts", facts_sql, fact_types, report):
        f_parts["title"].append(_items(chunk, None, vocabulary))
        for name in ("runtime", "season", "episode"):
            f_parts[name].append(_known(chunk[name], name == "runtime"))
        f_parts["count"].append(chunk["count"].to_numpy(np.int64))
    facts = TitleFacts(
        _concat(f_parts["title"], np.int32),
        *(_concat(f_parts[name], np.float64) for name in ("runtime", "season", "episode")),
        _concat(f_parts["count"], np.int64).astype(np.float64),
    )
    del f_parts

    viewing_sql = (
        f"SELECT {item}, {day}, coalesce(userid::text, ''), (userid IS NULL)::int, "
        f"{dims}, {_percent_bin_sql(rated)}, count(*) FROM {TABLE} "
        f"WHERE {valid} AND {titled} GROUP BY {_first(len(DIMENSIONS) + 8)}"
    )
    viewing_types = {**item_types, "day": day_type, "user": str, "no_user": np.int64}
    viewing_types |= {**dim_types, "bin": np.int64, "count": np.int64}
    v_parts: dict[str, list] = {name: [] for name in ("title", "day", "user", "combo", "bin")}
    v_parts["count"] = []
    for chunk in _grouped(conn, "viewings", viewing_sql, viewing_types, report):
        days, keep = _days(chunk, day_is_text)
        v_parts["day"].append(days)
        v_parts["title"].append(_items(chunk, keep, vocabulary))
        user = vocabulary.users_of(_kept(chunk["user"], keep))
        user[_kept(chunk["no_user"], keep) == 1] = -1
        v_parts["user"].append(user)
        v_parts["combo"].append(_combos(chunk, keep, vocabulary))
        v_parts["bin"].append(_kept(chunk["bin"], keep))
        v_parts["count"].append(_kept(chunk["count"], keep))
    viewings = Viewings(
        _concat(v_parts["title"], np.int32),
        _concat(v_parts["day"], np.int64),
        _concat(v_parts["user"], np.int32),
        _concat(v_parts["combo"], np.int64),
        _concat(v_parts["bin"], np.int64).astype(np.int8),
        _concat(v_parts["count"], np.int64),
    )
    del v_parts

    user_sql = (
        f"SELECT DISTINCT {day}, userid::text, {dims} FROM {TABLE} "
        f"WHERE {valid} AND userid IS NOT NULL"
    )
    user_types = {"day": day_type, "user": str, **dim_types}
    u_parts: dict[str, list] = {"day": [], "user": [], "combo": []}
    for chunk in _grouped(conn, "users", user_sql, user_types, report):
        days, keep = _days(chunk, day_is_text)
        u_parts["day"].append(days)
        u_parts["user"].append(vocabulary.users_of(_kept(chunk["user"], keep)))
        u_parts["combo"].append(_combos(chunk, keep, vocabulary))
    users = UserDays(
        _concat(u_parts["day"], np.int64),
        _concat(u_parts["user"], np.int32),
        _concat(u_parts["combo"], np.int64),
    )
    rollup = rollup_of_groups(
        cells,
        titles,
        users,
        vocabulary,
        minutes_are_whole=minutes_are_whole,
        facts=facts,
        viewings=viewings,
    )
    return with_left_out(rollup, left_out, span)


def publish_rollup(
    conn, root: Path, rollup: Rollup | None = None, bounds: DateBounds = DEFAULT_BOUNDS
) -> tuple:
    """Publish the rollup of what conn sees (inside its transaction: its own writes too);
    returns the fingerprint."""
    return publish_version(
        root,
        pg_store.data_fingerprint(conn, bounds.key),
        lambda: rollup if rollup is not None else read_rollup(conn, bounds=bounds),
        "PostgreSQL events",
    )


def publish_before_commit(conn, root: Path, bounds: DateBounds = DEFAULT_BOUNDS) -> None:
    """For a writer, inside its transaction: a new version token, and that version's rollup
    published before the commit makes it visible (a rollup folder that cannot be written is
    logged: readers then build the version themselves)."""
    pg_store.new_version_token(conn)
    try:
        publish_rollup(conn, root, bounds=bounds)
    except OSError as error:
        log.warning("cannot write the rollup under %s: %s", root, error)


def read_committed(url: str, bounds: DateBounds = DEFAULT_BOUNDS) -> tuple[tuple, Rollup]:
    """(fingerprint, rollup) of the committed events, from one snapshot, in memory."""
    conn = snapshot(url)
    try:
        return pg_store.data_fingerprint(conn, bounds.key), read_rollup(conn, bounds=bounds)
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
    """Publish the rollup of the committed events (one snapshot); returns the fingerprint."""
    conn = snapshot(url)
    try:
        return publish_rollup(conn, root, bounds=bounds)
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
            "usage: DATABASE_URL=postgresql://... python -m data.events.pg_rollup ROOT "
            "[EARLIEST FUTURE_DAYS [NOW]]",
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
