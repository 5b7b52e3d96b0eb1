"""First run: create a demo database where none exists yet, safely among concurrent starters."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from data.events.demo_data import generate_demo
from data.events.rollup_files import move_rollups, rollup_root

DEFAULT_DEMO_ROWS = 100_000  # what `make run` creates on first start


def ensure_database(path: str | os.PathLike, rows: int = DEFAULT_DEMO_ROWS, seed: int = 0) -> bool:
    """Create a demo database at path when no file exists there; True if it was created."""
    path = Path(path)
    if path.exists():
        if path.stat().st_size > 0:
            return False
        path.unlink()  # an empty file (e.g. from `touch`) holds no data worth keeping
    path.parent.mkdir(parents=True, exist_ok=True)
    # Build beside the target and link it into place, so a concurrent starter never sees half a
    # database and exactly one of several racing processes wins.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        generate_demo(tmp, rows=rows, seed=seed)
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        except OSError:
            # Filesystems without hard links: a plain rename, racing starters aside.
            if path.exists():
                return False
            os.replace(tmp, path)
        move_rollups(tmp, path)
        return True
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)
        shutil.rmtree(rollup_root(tmp), ignore_errors=True)
