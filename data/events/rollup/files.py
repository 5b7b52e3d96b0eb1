"""Rollups on disk, shared by every process: one folder per data version, memory-mapped.

Beside the database `<db>` lives `<db>.rollups/`, holding one folder per version of the data,
named by a digest of the data's fingerprint (data/events/stores/sqlite_store.py
`data_fingerprint`). A folder
is written under another name, flushed, then renamed into place, so a reader finds a complete
rollup or none: one half-built by a crash is never used (its temporary folder is removed by the
next build). Builds take `build.lock` (an flock), so a version is built once, not once per
process. Readers map the .npy files read-only: the page cache holds one copy for all workers.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from data.events.rollup.model import FORMAT, Rollup

log = logging.getLogger(__name__)
_META = "meta.json"
_TMP_PREFIX = ".building-"
_KEEP = 2  # the version being served and the one before (a worker may still be switching)
_LOCK_POLL_SECONDS = 0.05


def rollup_root(db_path: str | os.PathLike) -> Path:
    """The folder of the rollups of the database at db_path."""
    return Path(f"{Path(db_path).resolve()}.rollups")


def version_name(fingerprint: tuple) -> str:
    """The folder name of a data version's rollup."""
    text = json.dumps([FORMAT, list(fingerprint)], default=str)
    return "v-" + hashlib.sha256(text.encode()).hexdigest()[:20]


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def save_rollup(rollup: Rollup, fingerprint: tuple, root: Path) -> Path:
    """Write the rollup of a data version under root, atomically; return its folder."""
    root.mkdir(parents=True, exist_ok=True)
    final = root / version_name(fingerprint)
    if final.exists():
        if open_rollup(root, fingerprint) is not None:
            return final
        shutil.rmtree(final)  # damaged (we hold the build lock): written anew below
    tmp = Path(tempfile.mkdtemp(prefix=_TMP_PREFIX, dir=root))
    try:
        # mkdtemp makes it private; the app may run as another user than the importer.
        tmp.chmod(0o755)
        for name, array in rollup.arrays().items():
            with open(tmp / f"{name}.npy", "wb") as handle:
                np.save(handle, np.ascontiguousarray(array), allow_pickle=False)
                handle.flush()
                os.fsync(handle.fileno())
        meta = {**rollup.meta(), "fingerprint": list(fingerprint)}
        with open(tmp / _META, "w", encoding="utf-8") as handle:
            json.dump(meta, handle, ensure_ascii=False)
            handle.flush()
            os.fsync(handle.fileno())
        _fsync_dir(tmp)
        try:
            os.rename(tmp, final)
        except OSError:
            if not final.exists():
                raise
            shutil.rmtree(tmp, ignore_errors=True)  # another builder published it first
        _fsync_dir(root)
        return final
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def open_rollup(root: Path, fingerprint: tuple) -> Rollup | None:
    """The published rollup of a data version, memory-mapped; None when there is none."""
    folder = root / version_name(fingerprint)
    try:
        with open(folder / _META, encoding="utf-8") as handle:
            meta = json.load(handle)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except PermissionError:
        # Written by a user whose files this process may not read: build its own instead.
        log.warning("cannot read the rollup %s: permission denied", folder)
        return None
    except (OSError, ValueError) as error:  # ValueError: a meta.json that is not JSON
        log.warning("cannot read the rollup %s (%s): it will be rebuilt", folder, error)
        return None
    if meta.get("format") != FORMAT:
        return None
    try:
        arrays = {
            path.name[: -len(".npy")]: np.load(path, mmap_mode="r", allow_pickle=False)
            for path in folder.glob("*.npy")
        }
        return Rollup.from_parts(meta, arrays)
    except (OSError, ValueError, KeyError) as error:
        # A file removed or damaged after publishing (by hand, a full disk): not a rollup.
        log.warning("the rollup %s is damaged (%s): it will be rebuilt", folder, error)
        return None


def publish_version(root: Path, fingerprint: tuple, build: Callable[[], Rollup], label) -> tuple:
    """Publish the rollup of a data version under root unless it already is, building it with
    build() under the build lock (so once for all processes); returns the fingerprint."""
    with build_lock(root):
        return publish_locked(root, fingerprint, build, label)


def publish_locked(root: Path, fingerprint: tuple, build: Callable[[], Rollup], label) -> tuple:
    """publish_version for a caller that holds the build lock already."""
    if open_rollup(root, fingerprint) is None:
        started = time.perf_counter()
        rollup = build()
        save_rollup(rollup, fingerprint, root)
        log.info(
            "built the rollup of %d events of %s in %.2f s",
            rollup.rows,
            label,
            time.perf_counter() - started,
        )
    prune(root, fingerprint)
    return fingerprint


@contextlib.contextmanager
def build_lock(root: Path, blocking: bool = True):
    """Hold the build lock of root (yield True), or yield False when not blocking and taken.

    Waiting polls instead of blocking in flock: a gevent worker waiting for another's build
    must keep serving (and answering gunicorn's heartbeat), or it is killed as hung."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / "build.lock", "a+") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not blocking:
                    yield False
                    return
                time.sleep(_LOCK_POLL_SECONDS)  # gevent's sleep under gunicorn: others run
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def move_rollups(source_db, target_db) -> None:
    """Give the rollups of a database built under another name (then renamed) to its new name;
    versions are named by the data, not the path, so they stay valid. Best effort."""
    source, target = rollup_root(source_db), rollup_root(target_db)
    if not source.exists():
        return
    if target.exists():
        shutil.rmtree(source, ignore_errors=True)
        return
    try:
        os.rename(source, target)
    except OSError:
        shutil.rmtree(source, ignore_errors=True)


def prune(root: Path, current: tuple) -> None:
    """Remove abandoned temporary folders and all but the newest versions (hold build_lock).

    A worker that still maps a removed version keeps its pages until it lets go of them."""
    keep = version_name(current)
    versions = []
    for path in root.iterdir():
        if path.name.startswith(_TMP_PREFIX):
            shutil.rmtree(path, ignore_errors=True)  # left by a build that died
        elif path.is_dir() and path.name.startswith("v-") and path.name != keep:
            versions.append(path)
    versions.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for path in versions[_KEEP - 1 :]:
        shutil.rmtree(path, ignore_errors=True)
