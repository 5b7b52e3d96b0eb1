r"""Benchmark: demo generation, and CSV import beside the tutorial's `sqlite3 .import` (rows/s).

    python bench/bench_import.py [--rows 1000000] [--store sqlite|postgresql] [--pg-url URL]

On PostgreSQL (schemas of the benchmark's own on --pg-url, dropped after) the raw counterpart
is psql's `\copy` into the same typed table.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

from data.events.ingest.csv_import import import_csv
from data.events.ingest.demo_data import generate_demo, iter_demo_chunks
from data.events.stores.event_stores import PostgresStore
from data.events.stores.pg_store import CREATE_MOVIES
from data.events.stores.sqlite_store import COLUMNS
from testkit import postgres


def write_csv(path: Path, rows: int, seed: int) -> None:
    """Write demo events as a headerless tutorial CSV (empty fields for NULLs)."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        for chunk in iter_demo_chunks(rows, seed):
            writer.writerows(tuple("" if v is None else v for v in row) for row in chunk)


def sqlite_cli_import(db: Path, csv_path: Path) -> float | None:
    """Time the tutorial's way: CREATE TABLE, then `.mode csv` + `.import` in the sqlite3 shell."""
    cli = shutil.which("sqlite3")
    if cli is None:
        return None
    columns = ", ".join(f"{name} {kind}" for name, kind in COLUMNS)
    script = f"CREATE TABLE movies ({columns});\n.mode csv\n.import {csv_path} movies\n"
    started = time.perf_counter()
    subprocess.run([cli, str(db)], input=script, text=True, check=True)
    return time.perf_counter() - started


def count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT COUNT(*) FROM movies").fetchone()[0]


class PostgresTargets:
    """Fresh schemas on a server, one per timed step, dropped at the end."""

    def __init__(self, server_url: str, instance: Path):
        self.server_url, self.instance = server_url, instance
        self.prefix = postgres.new_schema_name("reelboard_bench_import")

    def store(self, name: str) -> PostgresStore:
        url = postgres.create_schema(self.server_url, f"{self.prefix}_{name}")
        return PostgresStore(url, self.instance / name)

    def drop(self) -> None:
        postgres.drop_schemas(self.server_url, self.prefix)


def pg_count(store: PostgresStore) -> int:
    with psycopg.connect(store.url) as conn:
        return conn.execute("SELECT count(*) FROM movies").fetchone()[0]


def psql_copy(store: PostgresStore, csv_path: Path) -> float | None:
    """Time psql's `\\copy` of the CSV into the typed movies table (no validation)."""
    cli = shutil.which("psql")
    if cli is None:
        return None
    with psycopg.connect(store.url) as conn:
        conn.execute(CREATE_MOVIES)
    started = time.perf_counter()
    subprocess.run(
        [cli, store.url, "-qc", f"\\copy movies FROM '{csv_path}' WITH (FORMAT csv)"], check=True
    )
    return time.perf_counter() - started


def main_postgres(args, tmp_dir: Path) -> None:
    targets = PostgresTargets(args.pg_url, tmp_dir / "instance")
    try:
        store = targets.store("demo")
        started = time.perf_counter()
        written = generate_demo(store, rows=args.rows, seed=args.seed)
        demo_s = time.perf_counter() - started
        print(
            f"demo-data (PostgreSQL, COPY): {written:>10,} rows in {demo_s:6.2f} s = "
            f"{written / demo_s:>10,.0f} rows/s (rollup from GROUP BY included)"
        )
        if args.demo_only:
            return
        csv_path = tmp_dir / "events.csv"
        write_csv(csv_path, args.rows, args.seed)
        store = targets.store("ours")
        started = time.perf_counter()
        result = import_csv(store, csv_path)
        ours_s = time.perf_counter() - started
        assert result.imported == args.rows == pg_count(store), result.summary_lines()
        print(
            f"import-events (PostgreSQL): {result.imported:>10,} rows in {ours_s:6.2f} s = "
            f"{result.imported / ours_s:>10,.0f} rows/s (validated, one transaction, rollup)"
        )
        raw = targets.store("psql")
        copy_s = psql_copy(raw, csv_path)
        if copy_s is None:
            print("psql \\copy: skipped (no psql)")
        else:
            print(
                f"psql \\copy: {pg_count(raw):>10,} rows in {copy_s:6.2f} s = "
                f"{args.rows / copy_s:>10,.0f} rows/s (no validation, no rollup)"
            )
            print(f"ratio import-events / psql \\copy time: {ours_s / copy_s:.2f}x")
    finally:
        targets.drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--demo-only", action="store_true", help="only time demo generation")
    parser.add_argument("--store", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-url", default=postgres.test_server_url())
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="reelboard-bench-") as tmp:
        tmp_dir = Path(tmp)
        if args.store == "postgresql":
            main_postgres(args, tmp_dir)
            return
        started = time.perf_counter()
        written = generate_demo(tmp_dir / "demo.sqlite", rows=args.rows, seed=args.seed)
        demo_s = time.perf_counter() - started
        print(
            f"demo-data:     {written:>10,} rows in {demo_s:6.2f} s = "
            f"{written / demo_s:>10,.0f} rows/s"
        )
        if args.demo_only:
            return

        csv_path = tmp_dir / "events.csv"
        write_csv(csv_path, args.rows, args.seed)
        size_mb = csv_path.stat().st_size / 1e6

        started = time.perf_counter()
        result = import_csv(tmp_dir / "ours.sqlite", csv_path)
        ours_s = time.perf_counter() - started
        assert result.imported == args.rows == count(tmp_dir / "ours.sqlite"), (
            result.summary_lines()
        )
        print(
            f"import-events: {result.imported:>10,} rows in {ours_s:6.2f} s = "
            f"{result.imported / ours_s:>10,.0f} rows/s  ({size_mb:.0f} MB CSV, validated, atomic)"
        )

        cli_s = sqlite_cli_import(tmp_dir / "cli.sqlite", csv_path)
        if cli_s is None:
            print("sqlite3 .import: skipped (no sqlite3 command line tool)")
        else:
            print(
                f"sqlite3 .import: {count(tmp_dir / 'cli.sqlite'):>8,} rows in {cli_s:6.2f} s = "
                f"{args.rows / cli_s:>10,.0f} rows/s  (no validation)"
            )
            print(f"ratio import-events / sqlite3 .import time: {ours_s / cli_s:.2f}x")


if __name__ == "__main__":
    main()
