"""PostgreSQL incremental rollups: a full build, then publishing after a pipeline's inserts.

    python bench/bench_pg_incremental.py [--rows 1000000] [--seed 0] [--insert 1000]
                                         [--pg-url URL] [--keep]

Makes --rows demo events in the schema reelboard_incr_<rows>_s<seed> of --pg-url (default
TEST_DATABASE_URL, else this machine's server; reused when it holds them), then times:
 1. a full build: publish_committed into an empty rollup folder (every row read once);
 2. publishing after --insert rows inserted by another program (plain psycopg) for the data's
    last day (a day piece of the latest month is rebuilt);
 3. the same for a day of an old month (that month's piece is rebuilt);
each with its parts: the fingerprint (one scan of the table, before any build) and the build
(build_from_pieces' own log line). The inserted rows are deleted at the end, the schema kept
unless it was made here and --keep is not given.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import psycopg

from data.events.ingest.demo_data import generate_demo
from data.events.rollup import pg_source
from data.events.stores import pg_store
from data.events.stores.event_stores import PostgresStore
from data.events.stores.sqlite_store import COLUMN_NAMES
from testkit import postgres
from testkit.demo import OUT

_REBUILT = re.compile(r"rebuilt (\d+) of (\d+) partitions .* in ([0-9.]+) s")


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def _events(url: str) -> int:
    with psycopg.connect(url) as conn:
        found = conn.execute("SELECT to_regclass('movies') IS NOT NULL").fetchone()[0]
        return conn.execute("SELECT count(*) FROM movies").fetchone()[0] if found else 0


def _insert(url: str, day: dt.date, rows: int) -> None:
    """rows events of that day, copied from the table's own, inserted as another program."""
    names = ", ".join(COLUMN_NAMES)
    with psycopg.connect(url) as conn:
        sample = conn.execute(
            f"SELECT {names} FROM movies WHERE event_date >= %s AND event_date < %s LIMIT %s",
            (day, day + dt.timedelta(days=1), rows),
        ).fetchall()
        new = [(row[0], f"bench-{i}", *row[2:]) for i, row in enumerate(sample * rows)][:rows]
        with conn.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO movies ({names}) VALUES ({', '.join(['%s'] * len(COLUMN_NAMES))})",
                new,
            )


def _publish(url: str, root: Path, lines: _Lines) -> dict:
    """Time publish_committed, and its fingerprint apart (taken again here, outside)."""
    conn = pg_source.snapshot(url)
    started = time.perf_counter()
    pg_store.data_fingerprint(conn)
    fingerprint = time.perf_counter() - started
    conn.close()
    lines.lines.clear()
    started = time.perf_counter()
    pg_source.publish_committed(url, root)
    total = time.perf_counter() - started
    found = [m for m in map(_REBUILT.search, lines.lines) if m]
    rebuilt = found[-1].groups() if found else ("?", "?", "nan")
    return {
        "publish_s": round(total, 2),
        "fingerprint_s": round(fingerprint, 2),
        "pieces_s": round(float(rebuilt[2]), 2),
        "partitions_rebuilt": f"{rebuilt[0]} of {rebuilt[1]}",
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--insert", type=int, default=1000)
    parser.add_argument("--pg-url", default=postgres.test_server_url())
    parser.add_argument("--keep", action="store_true", help="keep a schema made here")
    args = parser.parse_args(argv)
    lines = _Lines()
    logging.getLogger("data.events.rollup").addHandler(lines)
    logging.getLogger("data.events.rollup").setLevel(logging.INFO)
    schema = f"reelboard_incr_{args.rows}_s{args.seed}"
    with psycopg.connect(args.pg_url, autocommit=True) as conn:
        made = conn.execute("SELECT to_regnamespace(%s) IS NULL", (schema,)).fetchone()[0]
        conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    url = postgres.with_search_path(args.pg_url, schema)
    OUT.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="incr-", dir=OUT))
    try:
        if _events(url) != args.rows:
            started = time.perf_counter()
            generate_demo(PostgresStore(url, folder / "demo"), rows=args.rows, seed=args.seed)
            print(f"demo-data: {args.rows:,} events in {time.perf_counter() - started:.1f} s")
        with pg_store.connect(url) as conn:
            pg_store.ensure_schema(conn)  # the change log of this version, as a writer makes it
            conn.commit()
            sql = "SELECT min(event_date), max(event_date) FROM movies"
            first, last = conn.execute(sql).fetchone()
        results = {"full build": _publish(url, folder / "rollups", lines)}
        old = first.date() + dt.timedelta(days=59)  # early March of the demo's year
        for label, day in (("last day", last.date()), ("old month", old)):
            _insert(url, day, args.insert)
            results[f"{args.insert} rows, {label} {day}"] = _publish(url, folder / "rollups", lines)
        for label, figures in results.items():
            print(f"{label:>32}: {figures}")
    finally:
        with psycopg.connect(url) as conn:
            conn.execute("DELETE FROM movies WHERE userid LIKE 'bench-%'")
        if made and not args.keep:
            with psycopg.connect(args.pg_url, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
