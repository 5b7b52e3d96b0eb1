"""Reliability: gunicorn workers share one rollup per data version, built once.

A database without a rollup is built once at start for all workers; rows that another program
appends while clients poll are rebuilt once, by one builder process, while every worker keeps
answering the previous numbers; then every worker answers the new ones. Each worker maps the
same files (the page cache holds one copy).
"""

from __future__ import annotations

import shutil
import sqlite3
import time
from collections import Counter

import requests

from data.events.rollup.files import rollup_root
from data.events.stores.sqlite_store import COLUMN_NAMES
from testkit.serving import BackgroundClients, wait_for

WORKERS = 3
PROBE = "/data/kpis/?start=2020-01-01&end=2020-01-01"


def probe_views(base_url: str) -> int:
    response = requests.get(base_url + PROBE, timeout=10)  # a new connection: any worker
    assert response.status_code == 200, (response.status_code, response.text[:300])
    return response.json()["views"]


class Pollers(BackgroundClients):
    """Clients asking the probe and a breakdown, recording statuses and answers."""

    def __init__(self, base_url: str):
        super().__init__(base_url, 3)
        self.statuses: Counter = Counter()
        self.answers: Counter = Counter()

    def _run(self) -> None:
        with requests.Session() as session:
            while not self._stop.is_set():
                answer = session.get(self.base_url + PROBE, timeout=30)
                self.statuses[answer.status_code] += 1
                if answer.status_code == 200:
                    self.answers[answer.json()["views"]] += 1
                split = session.get(
                    self.base_url + "/data/unique_users/?resolution=weekly&breakdown=device",
                    timeout=30,
                )
                self.statuses[split.status_code] += 1


def append_outside_reelboard(path, count: int) -> None:
    row = dict.fromkeys(COLUMN_NAMES, "") | {"event_date": "2020-01-01 10:00:00"}
    conn = sqlite3.connect(path)
    conn.executemany(
        f"INSERT INTO movies ({', '.join(COLUMN_NAMES)}) VALUES ({', '.join('?' * 13)})",
        [tuple(f"u{i}" if c == "userid" else row[c] for c in COLUMN_NAMES) for i in range(count)],
    )
    conn.commit()
    conn.close()


def mapped_rollup_files(pid: int) -> set[str]:
    with open(f"/proc/{pid}/maps") as handle:
        return {line.split()[-1] for line in handle if ".rollups/" in line}


def test_workers_build_a_missing_rollup_once_and_map_the_same_files(serve, events_db):
    shutil.rmtree(rollup_root(events_db))
    server = serve(workers=WORKERS)
    pids = server.worker_pids()
    for _ in range(4 * WORKERS):  # new connections, spread over the workers
        assert requests.get(server.url("/data/views/?resolution=monthly"), timeout=10).ok
    # A worker that booted last may still be warming up (waiting on the build lock): give
    # every worker the time to map the version, then compare what they map.
    wait_for(lambda: all(mapped_rollup_files(pid) for pid in pids), 30, 0.1, "every worker to map")
    # The pieces' folder aside (data/events/rollup/partitions.py), one version folder.
    versions = [p for p in rollup_root(events_db).iterdir() if p.is_dir() and p.name != "pieces"]
    assert [p.name[:2] for p in versions] == ["v-"], versions  # one version, nothing half-built
    maps = [mapped_rollup_files(pid) for pid in pids]
    assert all(m == maps[0] for m in maps), maps


def test_rows_from_another_program_are_rebuilt_once_while_the_old_numbers_are_served(
    serve, events_db
):
    server = serve(workers=WORKERS)
    assert probe_views(server.base_url) == 0
    with Pollers(server.base_url) as pollers:
        time.sleep(1)
        append_outside_reelboard(events_db, 25)
        started = time.monotonic()
        wait_for(lambda: probe_views(server.base_url) == 25, 60, 0.05, "the new rows to show")
        seconds = time.monotonic() - started
        time.sleep(1)
        answers = Counter(probe_views(server.base_url) for _ in range(4 * WORKERS))
    assert answers == Counter({25: 4 * WORKERS}), answers
    assert set(pollers.statuses) == {200}, pollers.statuses
    assert set(pollers.answers) <= {0, 25}, pollers.answers  # old or new, never anything else
    # The whole log: the pollers' access lines would push the builder's line out of a tail.
    log = server.log_path.read_text(errors="replace")
    assert log.count("built the rollup") == 1, server.log_tail(40)
    assert "Traceback" not in log
    print(f"\nrows appended by sqlite3 served by every worker after {seconds:.2f} s")
