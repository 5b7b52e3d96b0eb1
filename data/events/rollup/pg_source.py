"""Rollups from PostgreSQL, aggregated by the database: GROUP BY results, never raw rows.

PostgreSQL reduces the events to (day, dimension values) cells, (day, dimension values, title)
views and distinct (day, user, dimension values) triples; those come out packed as CSV text (one
value per day, through a server-side cursor) and become the same Rollup that the SQLite store
builds from its rows (data/events/rollup/model.py), so the queries and their answers are the same on
both stores. What crosses the wire is sized by days x dimension values x users (and titles),
not by events. The reading rules are SQLite's: a day from each event's date, NULL or
unreadable minutes as 0, '' and NULL dimension values alike, text with its `<xx>` escapes
decoded (by the vocabulary, once per distinct value: groups that name one value add up).
`python -m data.events.rollup.pg_source ROOT` (DATABASE_URL in the environment) is the builder
that a
reader starts when the data changed outside Reelboard.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import numpy as np

from data.events.catalog import COMPLETE_PERCENT, DIMENSIONS
from data.events.rollup import pg_grouped
from data.events.rollup.build import rollup_of_groups
from data.events.rollup.encoding import (
    RAW_COLUMNS,
    Vocabulary,
)
from data.events.rollup.files import publish_version
from data.events.rollup.groups import Cells, TitleFacts, TitleViews, UserDays, Viewings
from data.events.rollup.model import Rollup, empty_rollup
from data.events.rollup.pg_columns import (
    FINITE,
    bounds_sql,
    column_types,
    day_sql,
    minutes_sql,
    number_sql,
    percent_bin_sql,
)
from data.events.rollup.pg_grouped import GroupedRead
from data.events.stores import pg_store
from data.events.stores.date_bounds import DEFAULT_BOUNDS, DateBounds, with_left_out
from data.events.stores.event_stores import one_line
from data.events.stores.sqlite_store import TABLE, EventStoreUnreadable

log = logging.getLogger(__name__)
_DIMS = [f"coalesce({d.column}::text, '')" for d in DIMENSIONS]  # '' and NULL name one value


def _first(n: int) -> str:
    """'1, 2, ..., n': a GROUP BY of the first n selected columns."""
    return ", ".join(str(i) for i in range(1, n + 1))


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
    types = column_types(conn)
    missing = [column for column in RAW_COLUMNS if column not in types]
    if missing:
        raise EventStoreUnreadable(
            f"the event database cannot be read: movies has no column {', '.join(missing)}"
        )
    day, valid, day_is_text = day_sql(types["event_date"])
    store_now = None if bounds.now else conn.execute("SELECT now()").fetchone()[0]
    span = bounds.days(bounds.clock(store_now))
    readable, inside = bounds_sql(day_is_text, *span)
    left_out = conn.execute(
        f"SELECT count(*) FROM {TABLE} WHERE {valid} AND {readable} AND NOT ({inside})"
    ).fetchone()[0]
    valid = f"{valid} AND {inside}"
    minutes = minutes_sql(types["totalminuteswatched"])
    whole = (
        "true"
        if types["totalminuteswatched"] in ("bigint", "integer", "smallint")
        else (f"bool_and(({minutes}) = trunc({minutes}))")
    )
    # NaN and infinities are no measured percentage (SQLite stores NaN as NULL, and 1e309 as
    # infinity); PostgreSQL sorts NaN above infinity. Compared as the column's type, so that a
    # numeric past a double's range is unknown too, as its text is on SQLite.
    rated = f"viewpercentage BETWEEN -{FINITE} AND {FINITE}"
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
    for chunk in pg_grouped.grouped(conn, "cells", cell_sql, cell_types, report):
        days, keep = pg_grouped.days(chunk, day_is_text)
        parts["day"].append(days)
        parts["combo"].append(pg_grouped.combos(chunk, keep, vocabulary))
        for name in ("views", "minutes", "completed", "rated"):
            parts[name].append(pg_grouped.kept(chunk[name], keep))
        whole_values = pg_grouped.kept(chunk["whole"], keep)
        minutes_are_whole = minutes_are_whole and bool(np.all(whole_values == "true"))
    cells = Cells(
        pg_grouped.concat(parts["day"], np.int64),
        pg_grouped.concat(parts["combo"], np.int64),
        pg_grouped.concat(parts["views"], np.int64).astype(np.float64),
        pg_grouped.concat(parts["minutes"], np.float64),
        pg_grouped.concat(parts["completed"], np.int64).astype(np.float64),
        pg_grouped.concat(parts["rated"], np.int64).astype(np.float64),
    )
    del parts

    titled = "title IS NOT NULL AND title::text <> ''"
    # What makes an item (encoding.Vocabulary.items_of): the title, its numbers, its contentid.
    numbers = [
        number_sql(column, types[column])
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
    for chunk in pg_grouped.grouped(conn, "titles", title_sql, title_types, report):
        days, keep = pg_grouped.days(chunk, day_is_text)
        t_parts["day"].append(days)
        t_parts["combo"].append(pg_grouped.combos(chunk, keep, vocabulary))
        t_parts["title"].append(pg_grouped.items(chunk, keep, vocabulary))
        t_parts["views"].append(pg_grouped.kept(chunk["views"], keep))
        t_parts["minutes"].append(pg_grouped.kept(chunk["minutes"], keep))
    titles = TitleViews(
        pg_grouped.concat(t_parts["day"], np.int64),
        pg_grouped.concat(t_parts["combo"], np.int64),
        pg_grouped.concat(t_parts["title"], np.int32),
        pg_grouped.concat(t_parts["views"], np.int64).astype(np.float64),
        pg_grouped.concat(t_parts["minutes"], np.float64),
    )
    del t_parts

    facts_sql = (
        f"SELECT {item}, {numbers[0]}, count(*) FROM {TABLE} "
        f"WHERE {valid} AND {titled} GROUP BY 1, 2, 3, 4, 5"
    )
    fact_types = {**item_types, "runtime": str, "count": np.int64}
    f_parts: dict[str, list] = {"title": [], "runtime": [], "season": [], "episode": []}
    f_parts["count"] = []
    for chunk in pg_grouped.grouped(conn, "facts", facts_sql, fact_types, report):
        f_parts["title"].append(pg_grouped.items(chunk, None, vocabulary))
        for name in ("runtime", "season", "episode"):
            f_parts[name].append(pg_grouped.known(chunk[name], name == "runtime"))
        f_parts["count"].append(chunk["count"].to_numpy(np.int64))
    facts = TitleFacts(
        pg_grouped.concat(f_parts["title"], np.int32),
        *(
            pg_grouped.concat(f_parts[name], np.float64)
            for name in ("runtime", "season", "episode")
        ),
        pg_grouped.concat(f_parts["count"], np.int64).astype(np.float64),
    )
    del f_parts

    viewing_sql = (
        f"SELECT {item}, {day}, coalesce(userid::text, ''), (userid IS NULL)::int, "
        f"{dims}, {percent_bin_sql(rated)}, count(*) FROM {TABLE} "
        f"WHERE {valid} AND {titled} GROUP BY {_first(len(DIMENSIONS) + 8)}"
    )
    viewing_types = {**item_types, "day": day_type, "user": str, "no_user": np.int64}
    viewing_types |= {**dim_types, "bin": np.int64, "count": np.int64}
    v_parts: dict[str, list] = {name: [] for name in ("title", "day", "user", "combo", "bin")}
    v_parts["count"] = []
    for chunk in pg_grouped.grouped(conn, "viewings", viewing_sql, viewing_types, report):
        days, keep = pg_grouped.days(chunk, day_is_text)
        v_parts["day"].append(days)
        v_parts["title"].append(pg_grouped.items(chunk, keep, vocabulary))
        user = vocabulary.users_of(pg_grouped.kept(chunk["user"], keep))
        user[pg_grouped.kept(chunk["no_user"], keep) == 1] = -1
        v_parts["user"].append(user)
        v_parts["combo"].append(pg_grouped.combos(chunk, keep, vocabulary))
        v_parts["bin"].append(pg_grouped.kept(chunk["bin"], keep))
        v_parts["count"].append(pg_grouped.kept(chunk["count"], keep))
    viewings = Viewings(
        pg_grouped.concat(v_parts["title"], np.int32),
        pg_grouped.concat(v_parts["day"], np.int64),
        pg_grouped.concat(v_parts["user"], np.int32),
        pg_grouped.concat(v_parts["combo"], np.int64),
        pg_grouped.concat(v_parts["bin"], np.int64).astype(np.int8),
        pg_grouped.concat(v_parts["count"], np.int64),
    )
    del v_parts

    user_sql = (
        f"SELECT DISTINCT {day}, userid::text, {dims} FROM {TABLE} "
        f"WHERE {valid} AND userid IS NOT NULL"
    )
    user_types = {"day": day_type, "user": str, **dim_types}
    u_parts: dict[str, list] = {"day": [], "user": [], "combo": []}
    for chunk in pg_grouped.grouped(conn, "users", user_sql, user_types, report):
        days, keep = pg_grouped.days(chunk, day_is_text)
        u_parts["day"].append(days)
        u_parts["user"].append(vocabulary.users_of(pg_grouped.kept(chunk["user"], keep)))
        u_parts["combo"].append(pg_grouped.combos(chunk, keep, vocabulary))
    users = UserDays(
        pg_grouped.concat(u_parts["day"], np.int64),
        pg_grouped.concat(u_parts["user"], np.int32),
        pg_grouped.concat(u_parts["combo"], np.int64),
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
            "usage: DATABASE_URL=postgresql://... python -m data.events.rollup.pg_source ROOT "
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
