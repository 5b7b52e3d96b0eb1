"""The files that imports loaded, by a digest of their bytes, kept in the store beside the events:
the same file is not added twice by mistake (real feeds get loaded twice)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
from dataclasses import dataclass

TABLE = "reelboard_imports"
# Both stores: SQLite takes BIGINT as its INTEGER. Only Reelboard's importer reads or writes it.
CREATE_SQL = (
    f"CREATE TABLE {TABLE} (digest TEXT NOT NULL, file TEXT NOT NULL, "
    "rows BIGINT NOT NULL, loaded_at TEXT NOT NULL)"
)
CREATE_INDEX_SQL = f"CREATE INDEX {TABLE}_digest ON {TABLE} (digest)"
NAME_CHARS = 200  # a file name is kept (and shown) at most this long
_BLOCK = 1 << 20


@dataclass(frozen=True)
class Load:
    """One import of a file: its digest, its name then, the rows it added, when (UTC)."""

    digest: str
    file: str
    rows: int
    loaded_at: str  # 'YYYY-MM-DD HH:MM:SS UTC'


def timestamp(now: dt.datetime) -> str:
    """How a load's time is kept and shown: UTC to the second."""
    if now.tzinfo is not None:
        now = now.astimezone(dt.UTC)
    return now.strftime("%Y-%m-%d %H:%M:%S UTC")


def file_name(path: str | os.PathLike) -> str:
    """The name a load is remembered by: the file's own name, cut to NAME_CHARS."""
    return os.path.basename(os.fspath(path))[:NAME_CHARS]


def file_digest(path: str | os.PathLike) -> str:
    """SHA-256 of a file's bytes, in hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


class HashingReader(io.RawIOBase):
    """A binary stream that hashes what is read through it: the digest of a pipe, which can be
    read only once, is known when the import has read it all."""

    def __init__(self, raw) -> None:
        super().__init__()
        self._raw = raw
        self._digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = self._raw.readinto(buffer)
        if count:
            self._digest.update(memoryview(buffer)[:count])
        return count

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


def loads_of(conn, mark: str, digest: str) -> list[Load]:
    """The earlier loads of a file with that digest, newest first (mark: the driver's '?' or
    '%s')."""
    rows = conn.execute(
        f"SELECT digest, file, rows, loaded_at FROM {TABLE} WHERE digest = {mark} "
        "ORDER BY loaded_at DESC",
        (digest,),
    ).fetchall()
    return [Load(str(d), str(f), int(n), str(at)) for d, f, n, at in rows]


def remember(conn, mark: str, load: Load) -> None:
    """Record a load (inside the import's transaction: it is kept only if the import is)."""
    conn.execute(
        f"INSERT INTO {TABLE} (digest, file, rows, loaded_at) VALUES ({', '.join([mark] * 4)})",
        (load.digest, load.file, load.rows, load.loaded_at),
    )


def forget_all(conn) -> None:
    """Forget every load: the events they added were just deleted (--replace, demo-data)."""
    conn.execute(f"DELETE FROM {TABLE}")


def refusal(file: str, loads: list[Load]) -> str:
    """Why a file already loaded is not imported again, and how to import it anyway."""
    last = loads[0]
    when = f"on {last.loaded_at}" if len(loads) == 1 else f"{len(loads)} times, last on"
    if len(loads) > 1:
        when += f" {last.loaded_at}"
    named = "" if last.file == file else f", as {last.file!r}"
    return (
        f"{file!r} was already imported {when} ({last.rows:,} rows{named}); importing it "
        "again would count its rows twice. Use --again to import it anyway, or --replace to "
        "replace every event with it."
    )
