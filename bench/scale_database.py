"""bench_scale's events: built by `flask demo-data` (or reused from the cache), their bounds."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

from config import PROJECT_ROOT
from data.events.rollup.files import version_name
from data.events.rollup.model import FORMAT
from data.events.stores import pg_store
from data.events.stores.event_stores import PostgresStore, SqliteStore
from data.events.stores.sqlite_store import connect, data_fingerprint
from testkit import postgres
from testkit.demo import OUT


@dataclass(frozen=True)
class Target:
    """The benchmark's events: where they are, the store, the instance folder it shares."""

    database: Path | str  # a SQLite file or a postgresql:// URL
    store: SqliteStore | PostgresStore
    instance: Path | None  # PostgreSQL: the folder holding this machine's rollups

    @property
    def label(self) -> str:
        return self.store.label


def _fingerprint(target: Target) -> tuple:
    if isinstance(target.store, SqliteStore):
        conn = connect(target.store.path, readonly=True)
    else:
        conn = pg_store.connect(target.store.url)
    try:
        return (
            data_fingerprint if isinstance(target.store, SqliteStore) else pg_store.data_fingerprint
        )(conn)
    finally:
        conn.close()


def current_rollup(target: Target) -> Path:
    """The folder of the rollup of the events' current version (which may not exist)."""
    return target.store.rollup_root / version_name(_fingerprint(target))


def _rollup_published(target: Target) -> bool:
    return (current_rollup(target) / "meta.json").exists()


def _remove_database(target: Target) -> None:
    if isinstance(target.store, SqliteStore):
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{target.store.path}{suffix}").unlink(missing_ok=True)
    else:
        with pg_store.connect(target.store.url, autocommit=True) as conn:
            conn.execute("DROP TABLE IF EXISTS movies, reelboard_meta")
    shutil.rmtree(target.store.rollup_root, ignore_errors=True)


def _target(rows: int, seed: int, store: str, pg_url: str) -> tuple[Target, Path]:
    """The benchmark's events for (rows, seed) in the store, and the marker of their build."""
    if store == "sqlite":
        db_path = (OUT / f"scale_{rows}_seed{seed}.sqlite").resolve()
        return Target(db_path, SqliteStore(db_path), None), OUT / f"scale_{rows}_seed{seed}.json"
    schema = f"reelboard_bench_{rows}_s{seed}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    url = postgres.with_search_path(pg_url, schema)
    instance = (OUT / f"scale_pg_{rows}_seed{seed}.instance").resolve()
    marker = OUT / f"scale_pg_{rows}_seed{seed}.json"
    return Target(url, PostgresStore(url, instance), instance), marker


def prepare_database(rows: int, seed: int, store: str, pg_url: str) -> tuple[Target, dict]:
    """The benchmark's events (built by the CLI, or reused) and how they were made."""
    OUT.mkdir(parents=True, exist_ok=True)
    target, marker = _target(rows, seed, store, pg_url)
    if marker.exists():
        recorded = json.loads(marker.read_text())
        if recorded.get("rollup_format") != FORMAT:
            print(
                f"the cached database has rollups of format {recorded.get('rollup_format')}, "
                f"the engine reads format {FORMAT}: rebuilding"
            )
        elif not _rollup_published(target):
            print("the cached database has no rollup of its current version: rebuilding")
        else:
            return target, {"reused": True, "build_seconds": recorded.get("build_seconds")}
    marker.unlink(missing_ok=True)
    _remove_database(target)  # a build without its marker did not finish
    instance = target.instance or Path(tempfile.mkdtemp(prefix="scale-build-", dir=OUT))
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    database_url = target.database if store == "postgresql" else f"sqlite:///{target.database}"
    env.update(DATABASE_URL=database_url, INSTANCE_PATH=str(instance), SECRET_KEY="bench")
    command = [sys.executable, "-m", "flask", "--app", "dashboard_app", "demo-data"]
    command += ["--rows", str(rows), "--seed", str(seed)]
    print(f"building {rows:,} demo events into {target.label} ...", flush=True)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - started
    if target.instance is None:
        shutil.rmtree(instance, ignore_errors=True)
    if done.returncode != 0:
        raise SystemExit(f"demo-data failed ({done.returncode}):\n{done.stdout}")
    print(f"  {done.stdout.strip()}")
    published = _rollup_published(target)
    if not published:
        print("  WARNING: demo-data did not publish the rollup of the version it wrote")
    recorded = {"rows": rows, "seed": seed, "build_seconds": seconds, "rollup_format": FORMAT}
    marker.write_text(json.dumps(recorded))
    return target, {"reused": False, "build_seconds": seconds, "rollup_published": published}


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def data_bounds(target: Target) -> tuple[dt.date, dt.date, int]:
    """First and last event day, and the number of events."""
    if isinstance(target.store, SqliteStore):
        conn = connect(target.store.path, readonly=True)
        sql = "SELECT min(event_date), max(event_date), count(*) FROM movies"
    else:
        conn = pg_store.connect(target.store.url)
        sql = "SELECT min(event_date)::text, max(event_date)::text, count(*) FROM movies"
    try:
        first, last, events = conn.execute(sql).fetchone()
    finally:
        conn.close()
    if first is None:
        raise SystemExit(f"{target.label} holds no events")
    return dt.date.fromisoformat(first[:10]), dt.date.fromisoformat(last[:10]), events


def uncached_app(target: Target, label: str):
    """The app on the target's store with both memos off (every answer computed anew), in a
    fresh instance folder; the analysis's first version opened."""
    import tempfile

    from dashboard_app import create_app

    app = create_app(
        {
            "AUTH": "off",
            "INSTANCE_PATH": Path(tempfile.mkdtemp(prefix=f"{label}-")),
            "DATABASE_URL": f"sqlite:///{target.database}",
            "REDIS_URL": None,
            "RATELIMIT_ENABLED": False,
            "ANALYTICS_CACHE_MB": 0,
            "ANSWER_CACHE_MB": 0,
        }
    )
    app.server.test_client().get("/data/kpis/")
    return app
