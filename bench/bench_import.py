"""Benchmark: demo generation, and CSV import beside the tutorial's `sqlite3 .import` (rows/s)."""

from __future__ import annotations

import argparse
import csv
import shutil
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

from data.events.csv_import import import_csv
from data.events.demo_data import generate_demo, iter_demo_chunks
from data.events.store import COLUMNS


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--demo-only", action="store_true", help="only time demo generation")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="reelboard-bench-") as tmp:
        tmp_dir = Path(tmp)
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
