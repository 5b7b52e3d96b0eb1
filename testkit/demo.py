"""Benchmark and screenshot set-up: the cached demo database under bench/out/, the app on it."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from config import PROJECT_ROOT

OUT = PROJECT_ROOT / "bench" / "out"


def demo_database(rows: int, seed: int = 0) -> Path:
    """The cached demo database for (rows, seed) under bench/out/, generated on first use."""
    from data.events.ingest.demo_data import generate_demo
    from data.events.rollup.files import move_rollups

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"demo_{rows}_seed{seed}.sqlite"
    if not path.exists():
        print(f"generating {rows:,} demo events into {path} ...", flush=True)
        # A per-process partial file, renamed when complete: a concurrent or interrupted run
        # never leaves a half-written database under the final name.
        tmp = OUT / f"demo_{rows}_seed{seed}.{os.getpid()}.partial"
        tmp.unlink(missing_ok=True)
        started = time.perf_counter()
        generate_demo(tmp, rows=rows, seed=seed)
        os.replace(tmp, path)
        move_rollups(tmp, path)
        print(f"  done in {time.perf_counter() - started:.1f} s", flush=True)
    return path


def build_app(database: Path | str, instance_path: Path | None = None):
    """The real app (create_app) on a SQLite file or a postgresql:// URL; a fresh temporary
    instance folder by default."""
    from dashboard_app import create_app

    url = database if isinstance(database, str) else f"sqlite:///{database}"
    return create_app(
        {
            "INSTANCE_PATH": instance_path or Path(tempfile.mkdtemp(prefix="reelboard-bench-")),
            "DATABASE_URL": url,
            "REDIS_URL": None,
            "RATELIMIT_ENABLED": False,
            "AUTH": "off",  # not about access
            "SECRET_KEY": "bench",
        }
    )
