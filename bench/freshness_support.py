"""bench_freshness's parts: a working copy of the events, rows written as another program would,
a measured command, and answers polled from every gunicorn worker with the pid that gave them."""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
import shutil
import sqlite3
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import requests

from data.events.rollup.files import rollup_root
from data.events.rollup.partitions import pieces_root
from data.events.stores.sqlite_store import COLUMN_NAMES
from testkit import postgres

DEVICES = ("Computer", "iPad", "iPhone", "Android", "Smart TV")
MARKETS = ("NO", "SE", "DK", "FI")
POLL_SECONDS = 0.25  # per worker: fine enough for targets of seconds, light on 2 cores
FIGURES = (1, 2, 3, 4, 5, 6)


def parse_only(text: str | None) -> tuple[int, ...]:
    """`--only 1,3` -> (1, 3); None or "" -> every figure. ValueError for anything else."""
    if not text:
        return FIGURES
    chosen = sorted({int(part) for part in text.split(",") if part.strip()})
    if not chosen or any(n not in FIGURES for n in chosen):
        raise ValueError(f"--only takes figure numbers among {FIGURES}, not {text!r}")
    return tuple(chosen)


def make_rows(day: dt.date, count: int, marker: str, rng: random.Random) -> list[tuple]:
    """count plausible events on day (the 13 columns), every one titled marker."""
    rows = []
    for _ in range(count):
        second = rng.randrange(86400)
        stamp = f"{day.isoformat()} {second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
        minutes = rng.randint(1, 120)
        rows.append(
            (stamp, f"{rng.getrandbits(128):032x}", f"fresh-{rng.randrange(10**6)}",
             rng.choice(DEVICES), rng.choice(MARKETS), minutes, 120,
             round(minutes / 1.2, 2), None, "MOVIE", marker, None, None)
        )  # fmt: skip
    return rows


def write_csv(path: Path, rows: list[tuple]) -> None:
    """The tutorial's headerless 13-column CSV (empty fields for None)."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(["" if v is None else v for v in row] for row in rows)


def _link_or_copy(source: str, target: str) -> None:
    # A rollup's files are never rewritten in place (a new version is a new folder).
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


@dataclass
class Events:
    """The working copy the benchmark writes to: a SQLite file or a schema of its own."""

    database: Path | str  # the file, or a postgresql:// URL with its search path
    instance: Path | None  # PostgreSQL: the instance folder that holds the copy's rollups
    server_url: str | None = None
    schema: str | None = None

    def insert(self, rows: list[tuple]) -> None:
        """INSERT and commit the rows as another program would (no Reelboard code involved)."""
        names = ", ".join(COLUMN_NAMES)
        if isinstance(self.database, Path):
            sql = f"INSERT INTO movies ({names}) VALUES ({', '.join('?' * len(COLUMN_NAMES))})"
            conn = sqlite3.connect(self.database, timeout=60)
            try:
                with conn:
                    conn.executemany(sql, rows)
            finally:
                conn.close()
            return
        sql = f"INSERT INTO movies ({names}) VALUES ({', '.join(['%s'] * len(COLUMN_NAMES))})"
        with psycopg.connect(self.database) as conn, conn.cursor() as cursor:
            cursor.executemany(sql, rows)

    def remove(self) -> None:
        """Drop the copy (the file and its rollups, or the schema)."""
        if self.schema is not None:
            with psycopg.connect(self.server_url, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')


def sqlite_copy(source: Path, rollup: Path, folder: Path) -> Events:
    """A copy of the cached SQLite file (and its WAL) with its current rollup beside it."""
    copy = folder / "events.sqlite"
    for suffix in ("", "-wal"):
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{copy}{suffix}")
    if rollup.exists():
        shutil.copytree(rollup, rollup_root(copy) / rollup.name, copy_function=_link_or_copy)
        # The pieces too: without them the copy's first change would rebuild everything.
        pieces = pieces_root(rollup.parent)
        if pieces.exists():
            shutil.copytree(pieces, pieces_root(rollup_root(copy)), copy_function=_link_or_copy)
    return Events(copy, None)


def pg_copy(server_url: str, source_schema: str, rollup: Path, store_of, folder: Path) -> Events:
    """A copy of the cached schema's tables in a schema of its own, its rollup in the instance
    folder under folder (store_of(url, instance) names where the copy's rollups live)."""
    schema = postgres.new_schema_name("reelboard_fresh")
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
        tables = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s", (source_schema,)
        ).fetchall()
        for (table,) in tables:
            target, origin = f'"{schema}"."{table}"', f'"{source_schema}"."{table}"'
            conn.execute(f"CREATE TABLE {target} (LIKE {origin} INCLUDING ALL)")
            conn.execute(f"INSERT INTO {target} SELECT * FROM {origin}")
        conn.execute(f'ANALYZE "{schema}".movies')
    url = postgres.with_search_path(server_url, schema)
    instance = folder / "instance"
    if rollup.exists():
        root = store_of(url, instance).rollup_root
        shutil.copytree(rollup, root / rollup.name, copy_function=_link_or_copy)
        if pieces_root(rollup.parent).exists():
            shutil.copytree(
                pieces_root(rollup.parent), pieces_root(root), copy_function=_link_or_copy
            )
    return Events(url, instance, server_url, schema)


def rollup_builders(root_pid: int) -> int:
    """How many descendants of root_pid run a rollup builder (python -m data.events.rollup...)."""
    parent, commands = {}, {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    parent[int(entry)] = int(handle.read().rsplit(")", 1)[1].split()[1])
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    commands[int(entry)] = handle.read()
            except (OSError, IndexError, ValueError):
                continue  # a process that just ended
    found, todo = 0, [root_pid]
    while todo:
        pid = todo.pop()
        children = [child for child, up in parent.items() if up == pid]
        todo += children
        found += sum(b"data.events.rollup" in commands.get(child, b"") for child in children)
    return found


def available_mb() -> float:
    """MemAvailable of the machine, in MB."""
    with open("/proc/meminfo") as handle:
        for line in handle:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024
    return float("inf")


def measured_command(command: list[str], env: dict, cwd: Path) -> tuple[float, float, int, str]:
    """Run command: (wall seconds, peak RSS in MB of it and its children, exit code, output)."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage, not every child's
    proc.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - started, usage.ru_maxrss / 1024, proc.returncode, output


class Watch:
    """Threads that each hold a keep-alive connection to a different worker and ask it url
    every POLL_SECONDS. An answer counts with the worker pid that /healthz on the same
    connection names just before and just after it (a reconnect in between is dropped)."""

    def __init__(self, server, url: str, value, workers: int):
        self.server, self.url, self.value = server, url, value
        self.samples: list[tuple[float, int, object]] = []  # (perf_counter, pid, value)
        self._claimed: set[int] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(workers)]

    def __enter__(self) -> Watch:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(60)

    def _pid(self, session) -> int:
        return session.get(self.server.url("/healthz"), timeout=60).json()["worker_pid"]

    def _run(self) -> None:
        while not self._stop.is_set():
            with requests.Session() as session:
                try:
                    self._hold(session)
                except (requests.RequestException, ValueError, KeyError):
                    pass  # a dropped connection or a worker restarting: connect again
            time.sleep(0.02)  # then another connection, maybe to a worker nobody holds

    def _hold(self, session) -> None:
        """Poll on this connection if its worker has no other poller."""
        pid = self._pid(session)
        with self._lock:
            if pid in self._claimed:
                return
            self._claimed.add(pid)
        try:
            self._poll(session, pid)
        finally:
            with self._lock:
                self._claimed.discard(pid)

    def _poll(self, session, pid: int) -> None:
        while not self._stop.is_set():
            answer = session.get(self.server.url(self.url), timeout=60)
            arrived = time.perf_counter()
            value = self.value(answer.json()) if answer.status_code == 200 else None
            if self._pid(session) != pid:
                return  # reconnected to another worker: who answered is unknown
            if value is not None:
                self.samples.append((arrived, pid, value))
            time.sleep(POLL_SECONDS)

    def agreed(self, timeout: float):
        """Wait until every worker answered since now; the value they all gave (else error)."""
        since = time.perf_counter()
        pids = set(self.server.worker_pids())
        deadline = since + timeout
        while time.perf_counter() < deadline:
            latest = {pid: value for t, pid, value in list(self.samples) if t >= since}
            if set(latest) >= pids:
                if len({latest[pid] for pid in pids}) != 1:
                    raise RuntimeError(f"the workers answer {self.url} differently: {latest}")
                return latest[next(iter(pids))]
            time.sleep(0.05)
        raise RuntimeError(f"not every worker answered {self.url} within {timeout:.0f} s")

    def wait_all(self, since: float, ok, timeout: float) -> float | None:
        """The time by which every worker had answered ok(value) after since (None: timeout)."""
        pids = set(self.server.worker_pids())
        deadline = since + timeout
        while True:
            found = served_at(list(self.samples), pids, since, ok)
            if found is not None or time.perf_counter() > deadline:
                return found
            time.sleep(0.05)


def served_at(samples: list[tuple], pids: set[int], since: float, ok) -> float | None:
    """The first time by which every pid had answered ok(value) after since, or None."""
    first: dict[int, float] = {}
    for t, pid, value in samples:
        if t >= since and pid in pids and pid not in first and ok(value):
            first[pid] = t
    return max(first.values()) if set(first) >= pids else None


def pipeline_lags(batches: list[tuple[float, int]], samples: list[tuple], pids, base: int):
    """Per batch (commit time, rows committed so far): seconds until every pid answered a
    count of at least base + those rows (None for a batch some worker never showed)."""
    return [
        None if (t := served_at(samples, set(pids), committed, lambda v, c=rows: v >= base + c))
        is None else t - committed
        for committed, rows in batches
    ]  # fmt: skip
