"""Reliability: four live imports into the file that 3 gunicorn workers serve, while clients poll.

Each import runs `flask import-events` in a process of its own, as an operator would. After each
one, every worker must answer the new numbers within 2 s (no stale WAL index, no "malformed"),
and no request of the pollers may fail. Seen before the fix: from the 3rd import on, workers
answered old numbers for 20 s+, or "database disk image is malformed".
"""

from __future__ import annotations

import csv
import subprocess
import sys
import time
from collections import Counter

import pytest
import requests

from config import PROJECT_ROOT
from layouts import ids
from testkit.dash_client import DashCallbacks
from testkit.serving import BackgroundClients, wait_for
from tests.unit.test_events_store import make_tutorial_db

pytestmark = pytest.mark.slow

IMPORTS = 3  # the bug this guards showed from the 3rd import on
WORKERS = 3
PROBE_DAY = "2001-01-01"  # outside the demo data's range: only the imported rows are counted
PROBE_TITLE = "Live Import Probe"
FRESH_WINDOW = 2.0  # seconds within which every worker must answer the new numbers
SAMPLES_AFTER = 24  # fresh connections (spread over the workers) that must all agree afterwards
TOPLIST_PROBE = f"/data/toplist/?start={PROBE_DAY}&end={PROBE_DAY}"
POLLED = (
    "/data/toplist/?num=5",
    "/data/unique_users/?resolution=weekly",
    "/data/minutes_watched/?resolution=monthly",
    TOPLIST_PROBE,
    "/guess/hiscore?max_value=25",
    "/",
)


def _probe_rows(first: int, count: int) -> list[list[str]]:
    """`count` events of the probe title on the probe day, one distinct user each."""
    return [
        [
            f"{PROBE_DAY} 12:00:00",
            f"{index:032x}",
            "probe",
            "Computer",
            "NO",
            "30",
            "90",
            "33.3",
            "",
            "MOVIE",
            PROBE_TITLE,
            "",
            "",
        ]
        for index in range(first, first + count)
    ]


def _write_csv(path, rows) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


def _import(server, csv_path, replace: bool) -> None:
    command = [sys.executable, "-m", "flask", "--app", "dashboard_app", "import-events"]
    command += [str(csv_path), *(["--replace"] if replace else [])]
    done = subprocess.run(
        command, cwd=PROJECT_ROOT, env=server.env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr


def probe_views(base_url: str) -> int:
    """Views of the probe title, asked on a new connection (so all the workers answer in turn)."""
    response = requests.get(base_url + TOPLIST_PROBE, timeout=10)
    assert response.status_code == 200, (response.status_code, response.text[:300])
    rows = [row for row in response.json() if row["title"] == PROBE_TITLE]
    return rows[0]["values"] if rows else 0


class Pollers(BackgroundClients):
    """Background clients on every route and a dashboard callback, recording what fails."""

    def __init__(self, base_url: str, clients: int = 3):
        super().__init__(base_url, clients)
        self.failures: list[str] = []
        self.statuses: Counter = Counter()

    def _record(self, what: str, response: requests.Response) -> None:
        self.statuses[response.status_code] += 1
        if response.status_code >= 500 or "malformed" in response.text:
            self.failures.append(f"{what}: {response.status_code} {response.text[:200]}")

    def _run(self) -> None:
        state = {"resolution": "daily", "num": 10, "start": None, "end": None, "sessiontype": None}
        with requests.Session() as session:
            callbacks = DashCallbacks.for_server(self.base_url, session)
            while not self._stop.is_set():
                for path in POLLED:
                    self._record(path, session.get(self.base_url + path, timeout=30))
                health = session.get(self.base_url + "/healthz", timeout=30)
                self.statuses[health.status_code] += 1
                if health.status_code != 200:
                    self.failures.append(f"/healthz: {health.status_code} {health.text[:300]}")
                answer = callbacks.post(ids.KPI_UNIQUE_USERS, None, {f"{ids.STATE}.data": state})
                self._record("KPI callback", answer)
                answer = callbacks.post(
                    ids.TOPLIST_DOWNLOAD,
                    None,
                    {f"{ids.STATE}.data": state, f"{ids.TOPLIST_CSV_BUTTON}.n_clicks": 1},
                )
                self._record("toplist download callback", answer)


def _run_imports(server, tmp_path, replace: bool) -> list[float]:
    """Ten imports; after each, every worker's answer must be the new count within 2 s."""
    views = probe_views
    delays = []
    with Pollers(server.base_url) as pollers:
        for number in range(1, IMPORTS + 1):
            csv_path = tmp_path / f"import{number}.csv"
            # Appending adds one row each time; replacing writes all `number` rows at once.
            _write_csv(csv_path, _probe_rows(1, number) if replace else _probe_rows(number, 1))
            _import(server, csv_path, replace)
            done = time.monotonic()
            wait_for(
                lambda expected=number: views(server.base_url) == expected,
                FRESH_WINDOW,
                0.02,
                f"import {number} to show",
            )
            delays.append(time.monotonic() - done)
            time.sleep(max(0.0, FRESH_WINDOW - (time.monotonic() - done)))
            answers = Counter(views(server.base_url) for _ in range(SAMPLES_AFTER))
            assert answers == Counter({number: SAMPLES_AFTER}), (
                f"after import {number} + {FRESH_WINDOW} s the workers answered {dict(answers)}"
            )
    assert not pollers.failures, pollers.failures[:10]
    assert sum(pollers.statuses.values()) > 100, pollers.statuses
    return delays


@pytest.mark.parametrize("replace", [False, True], ids=["append", "replace"])
def test_every_worker_sees_each_live_import(serve, tmp_path, replace):
    server = serve(workers=WORKERS)
    assert len(server.worker_pids()) == WORKERS
    delays = _run_imports(server, tmp_path, replace)
    print(f"\nvisible after {', '.join(f'{d:.2f}' for d in delays)} s")
    assert "malformed" not in server.log_tail(400)
    assert "Traceback" not in server.log_tail(400)


def test_live_imports_into_a_tutorial_database(serve, tmp_path, events_db):
    """A database made by `sqlite3 .import` (rollback journal, no WAL, all-TEXT columns)."""
    seed_csv = tmp_path / "seed.csv"
    _write_csv(seed_csv, [_tutorial_row(i) for i in range(200)])
    events_db.unlink()
    make_tutorial_db(events_db, seed_csv)
    server = serve(workers=WORKERS)
    _run_imports(server, tmp_path, replace=False)
    assert "malformed" not in server.log_tail(400)


def _tutorial_row(index: int) -> list[str]:
    day = 1 + index % 28
    return [
        f"2013-02-{day:02d} 20:00:00",
        f"{index % 50:032x}",
        str(index),
        "iPad",
        "",
        str(10 + index % 80),
        "",
        "",
        "",
        "SERIES" if index % 2 else "MOVIE",
        f"Title {index % 17}",
        "",
        "",
    ]
