"""bench_scale's requests to the server: first answers, gunicorn, timed loads, worker memory."""

from __future__ import annotations

import json
import queue
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

from config import PROJECT_ROOT
from data.events.analysis.shows import show_of
from testkit.serving import wait_for

FIRST_URL = "/data/unique_users/?resolution=weekly"
READY_URL = "/data/kpis/"
NAMES_URLS = {level: f"/data/toplist/?num=200&level={level}" for level in ("title", "series")}
_ACCESS = re.compile(r"\[(\d+)\] INFO gunicorn\.access: \S+ \"GET (\S+) HTTP")

# A new process: create_app on the database, then one request through the test client.
_FIRST_ANSWER_CHILD = """
import time
started = time.time()
import json, sys
from pathlib import Path
from testkit.demo import build_app
from web import services
imported = time.time()
database = sys.argv[1] if sys.argv[1].startswith("postgres") else Path(sys.argv[1])
app = build_app(database, Path(sys.argv[2]))
created = time.time()
response = app.server.test_client().get(sys.argv[3])
answered = time.time()
analytics = services.analytics(app.server)
print(json.dumps({"started": started, "imported": imported, "created": created,
                  "answered": answered, "status": response.status_code,
                  "loads": analytics.loads, "load_seconds": analytics.last_load_seconds}))
"""


# -- 2. first answers --------------------------------------------------------------------------


def first_answer_in_new_process(database: Path | str, instance: Path) -> dict:
    """A fresh Python process: seconds from its start, and from create_app, to its first answer."""
    spawned = time.time()
    done = subprocess.run(
        [sys.executable, "-c", _FIRST_ANSWER_CHILD, str(database), str(instance), FIRST_URL],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    child = json.loads(done.stdout.strip().splitlines()[-1])
    return {
        "status": child["status"],
        "start_to_answer_s": child["answered"] - spawned,
        "imports_s": child["imported"] - spawned,
        "create_app_s": child["created"] - child["imported"],
        "create_app_to_answer_s": child["answered"] - child["created"],
        "engine_load_s": child["load_seconds"],
        "versions_loaded": child["loads"],
    }


def start_gunicorn(server, timeout: float = 300.0) -> float:
    """Start the server's gunicorn; seconds until the first 200 on READY_URL."""
    started = time.perf_counter()
    server.launch()

    def answered() -> bool:
        if server.proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.proc.returncode}:\n{server.log_tail()}")
        try:
            return requests.get(server.url(READY_URL), timeout=10).status_code == 200
        except requests.RequestException:
            return False

    wait_for(answered, timeout, 0.01, f"a 200 on {READY_URL}")
    return time.perf_counter() - started


# -- 3. load and memory ------------------------------------------------------------------------


def served_by(server) -> dict[str, set[int]]:
    """URL -> the worker pids whose access log lines show they answered it."""
    found: dict[str, set[int]] = {}
    for match in _ACCESS.finditer(server.log_path.read_text(errors="replace")):
        found.setdefault(match.group(2), set()).add(int(match.group(1)))
    return found


def run_requests(base_url: str, urls: list[str], threads: int, per_connection: int = 10):
    """Every URL once from `threads` threads: [(url, seconds, status, body)]. Each thread opens
    a new connection every per_connection requests, so that the load reaches every worker."""
    todo: queue.Queue = queue.Queue()
    for url in urls:
        todo.put(url)
    results: list[tuple] = []

    def client() -> None:
        while True:
            with requests.Session() as session:
                for _ in range(per_connection):
                    try:
                        url = todo.get_nowait()
                    except queue.Empty:
                        return
                    results.append(_timed(session, base_url + url, url))

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return results


def _timed(session, full_url: str, url: str, headers: dict | None = None) -> tuple:
    started = time.perf_counter()
    try:
        response = session.get(full_url, timeout=60, headers=headers)
        status, body = response.status_code, response.text
    except requests.RequestException as error:
        status, body = 0, repr(error)
    return url, time.perf_counter() - started, status, body


def reach_every_worker(server, urls: list[str], timeout: float = 120.0) -> None:
    """Send each URL on new connections until every worker has answered it."""
    pids = set(server.worker_pids())
    started = time.perf_counter()
    while True:
        seen = served_by(server)
        missing = [url for url in urls if not pids <= seen.get(url, set())]
        if not missing or time.perf_counter() - started > timeout:
            return
        close = {"Connection": "close"}
        jobs = [threading.Thread(target=_send_all, args=(server, missing, close)) for _ in pids]
        for job in jobs:
            job.start()
        for job in jobs:
            job.join()


def _send_all(server, urls: list[str], headers: dict) -> None:
    for url in urls:
        _timed(requests, server.url(url), url, headers)


def smaps_rollup(pid: int) -> dict[str, float]:
    """The memory totals of a process in MB (Rss, Pss, Pss_Anon, Pss_File, ...)."""
    figures = {}
    with open(f"/proc/{pid}/smaps_rollup") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) == 3 and parts[2] == "kB":
                figures[parts[0].rstrip(":")] = int(parts[1]) / 1024
    return figures


def worker_memory(server) -> dict:
    """RSS and PSS of each worker, and the sum of their PSS."""
    workers = []
    for pid in sorted(server.worker_pids()):
        memory = smaps_rollup(pid)
        workers.append(
            {
                "pid": pid,
                "rss_mb": memory.get("Rss", 0.0),
                "pss_mb": memory.get("Pss", 0.0),
                "pss_anon_mb": memory.get("Pss_Anon", 0.0),
                "pss_file_mb": memory.get("Pss_File", 0.0),
            }
        )
    master = smaps_rollup(server.proc.pid)
    return {
        "workers": workers,
        "pss_sum_mb": sum(w["pss_mb"] for w in workers),
        "rss_sum_mb": sum(w["rss_mb"] for w in workers),
        "master_rss_mb": master.get("Rss", 0.0),
        "master_pss_mb": master.get("Pss", 0.0),
    }


def errors_of(results: list[tuple]) -> list[tuple]:
    return [(url, status, body[:300]) for url, _, status, body in results if status != 200]


# -- 4. and 5. latency -------------------------------------------------------------------------


def sequential(server, urls: list[str], sessions: int) -> list[tuple]:
    """The URLs one after another, over a few kept connections (so over several workers)."""
    pool = [requests.Session() for _ in range(sessions)]
    try:
        return [
            _timed(pool[i % sessions], server.url(url), url) for i, url in enumerate(urls)
        ]  # fmt: skip
    finally:
        for session in pool:
            session.close()


def route_names(server) -> dict:
    """Titles and shows to ask /data/title/ about: the 200 most viewed titles, and the shows of
    their episodes that the series-level toplist names (so that each is a show)."""
    listed = {}
    for level, url in NAMES_URLS.items():
        response = requests.get(server.url(url), timeout=60)
        response.raise_for_status()
        listed[level] = [row["title"] for row in response.json()]
    at_series = set(listed["series"])
    shows = sorted({show_of(t) for t in listed["title"] if ", " in t} & at_series)
    return {"titles": listed["title"], "shows": shows}
