"""Scale benchmark: build, first answers, worker memory, warm and new-combination p95, DuckDB.

    python bench/bench_scale.py --rows N [--seed 0] [--workers 5] [--combos 200]
                                [--new-route-combos 40] [--store sqlite|postgresql] [--pg-url URL]
                                [--load-requests 400] [--warm-repeat 50] [--check 20]
                                [--json PATH]

In one run:
 1. build: `flask --app dashboard_app demo-data` into bench/out/scale_<N>_seed<S>.sqlite (the
    writer publishes the rollups beside it before it commits), or with --store postgresql into
    the schema reelboard_bench_<N>_s<S> of --pg-url (default TEST_DATABASE_URL, else this
    machine's server), its rollups in bench/out/scale_pg_<N>_seed<S>.instance; reused when its
    marker bench/out/scale[_pg]_<N>_seed<S>.json (written after a build succeeded) names the
    current rollup format and that version's rollup is there;
 2. first answers once rollups exist: a new Python process (create_app, then the test client),
    and a new gunicorn (start to the first 200 on /data/kpis/); on PostgreSQL also a new app
    server (an empty instance folder: the rollup is built from the database's GROUP BY);
 3. gunicorn (gunicorn.conf.py, --workers) under a mixed load from several threads, then each
    worker's RSS and PSS (/proc/<pid>/smaps_rollup) and the sum of PSS;
 4. warm latency: a fixed set of requests, each served by every worker before it is timed;
 5. new-combination latency: --combos random combinations (random.Random(seed)) never sent
    before, each sent once; then --new-route-combos random combinations of each kind of the
    title and cohort routes (toplist at level season and series, /data/title/ by title and by
    series, /data/top10/, /data/retention/, /data/lifecycle/; random.Random(f"routes-{seed}"),
    titles and shows picked from /data/toplist/?num=200 at title and series level, fetched
    untimed before), never sent before, each sent once, shuffled; figures per kind;
 6. DuckDB (in memory, loaded from the same SQLite rows) answering the same combinations in
    SQL: its load time, p50/p95, the ratios to Reelboard's, and --check answers compared
    (SQLite only: DuckDB loads the SQLite file's rows).
Reelboard is timed over HTTP (JSON and Flask included), DuckDB in-process (rows fetched).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import queue
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import requests
import scale_questions as sq

from config import PROJECT_ROOT
from data.events.analysis.shows import show_of
from data.events.periods import day_number, period_labels, period_of
from data.events.rollup.files import version_name
from data.events.rollup.model import FORMAT
from data.events.stores import pg_store
from data.events.stores.event_stores import PostgresStore, SqliteStore
from data.events.stores.sqlite_store import connect, data_fingerprint
from testkit import postgres
from testkit.demo import OUT
from testkit.serving import make_server, percentile, wait_for

STORES = ("sqlite", "postgresql")
FIRST_URL = "/data/unique_users/?resolution=weekly"
READY_URL = "/data/kpis/"
ROUTE_TARGET_MS = 200  # the title and cohort routes' p95 for a new combination at 10M events
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


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _stats(seconds: list[float]) -> dict:
    """p50 / p95 / max in ms."""
    ms = [s * 1000 for s in seconds]
    return {
        "count": len(ms),
        "p50_ms": percentile(ms, 50),
        "p95_ms": percentile(ms, 95),
        "max_ms": max(ms) if ms else float("nan"),
    }


def _line(figures: dict) -> str:
    return (
        f"p50 {figures['p50_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms, "
        f"max {figures['max_ms']:.1f} ms ({figures['count']} requests)"
    )


# -- 1. the database ---------------------------------------------------------------------------


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


def _folder_mb(path: Path) -> float:
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


def warm_questions(first: dt.date, last: dt.date) -> list[sq.Question]:
    """The fixed set repeated for the warm figures."""
    start, end = first + dt.timedelta(days=60), last - dt.timedelta(days=45)
    q = sq.Question
    return [
        q("series", "unique_users", "daily"),
        q("series", "unique_users", "weekly", sessiontype="SERIES"),
        q("series", "minutes_watched", "monthly"),
        q("series", "views", "weekly", breakdown="device"),
        q("series", "completion_rate", "monthly", market=("NO", "SE")),
        q("series", "unique_users", "monthly", start, end, breakdown="market"),
        q("series", "minutes_watched", "daily", start, end, device=("iPad", "iPhone")),
        q("kpis"),
        q("kpis", start=start, end=end, device=("Smart TV",)),
        q("toplist", num=10),
    ]


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


# -- the run -----------------------------------------------------------------------------------


def measure_server(args, target: Target, folder: Path, questions, load_urls, warm, seen) -> dict:
    """Steps 2 (gunicorn), 3, 4 and 5 against one gunicorn; seen: the URLs sent or to be sent
    (the title and cohort routes' questions are drawn here, after the names are fetched)."""
    figures: dict = {}
    server = make_server(folder, target.database, workers=args.workers, instance=target.instance)
    try:
        figures["gunicorn_first_answer_s"] = start_gunicorn(server)
        ready = figures["gunicorn_first_answer_s"]
        print(f"gunicorn start -> first 200 on {READY_URL}: {ready:.2f} s")

        started = time.perf_counter()
        results = run_requests(server.base_url, load_urls, args.threads)
        elapsed = time.perf_counter() - started
        covered = {pid for pids in served_by(server).values() for pid in pids}
        # Every worker maps the rollup before its memory is read.
        reach_every_worker(server, [READY_URL])
        figures["load"] = {
            **_stats([s for _, s, _, _ in results]),
            "seconds": elapsed,
            "threads": args.threads,
            "errors": errors_of(results),
            "workers_served": len(covered & set(server.worker_pids())),
        }
        print(
            f"mixed load: {len(results)} requests from {args.threads} threads in {elapsed:.1f} s, "
            f"{_line(figures['load'])}, {len(figures['load']['errors'])} errors"
        )
        figures["memory"] = worker_memory(server)
        print(f"worker memory: PSS sum {figures['memory']['pss_sum_mb']:.1f} MB")

        warm_urls = [q.url() for q in warm]
        reach_every_worker(server, warm_urls)
        repeated = [url for _ in range(args.warm_repeat) for url in warm_urls]
        random.Random(args.seed).shuffle(repeated)
        results = sequential(server, repeated, 2 * args.workers)
        figures["warm"] = {**_stats([s for _, s, _, _ in results]), "errors": errors_of(results)}
        print(f"warm: {_line(figures['warm'])}")

        results = sequential(server, [q.url() for q in questions], 2 * args.workers)
        figures["new_seconds"] = [s for _, s, _, _ in results]
        figures["new_bodies"] = [(status, body) for _, _, status, body in results]
        figures["new"] = {**_stats(figures["new_seconds"]), "errors": errors_of(results)}
        print(f"new combinations: {_line(figures['new'])}")

        if args.new_route_combos > 0:
            names = route_names(server)
            seen.update(NAMES_URLS.values())
            first, last = args.bounds
            weeks = (int(period_of(day_number(day), "weekly")) for day in (first, last))
            mondays = [dt.date.fromisoformat(d) for d in period_labels(*weeks, "weekly")]
            rng = random.Random(f"routes-{args.seed}")
            routes = sq.route_questions(
                rng, args.new_route_combos, first, last, names, mondays, seen
            )
            results = sequential(server, [q.url() for q in routes], 2 * args.workers)
            seconds = [s for _, s, _, _ in results]
            figures["routes"] = {**_stats(seconds), "errors": errors_of(results)}
            figures["routes_by_kind"] = by_kind(routes, seconds)
            figures["route_names"] = {k: len(v) for k, v in names.items()}
            print(f"new combinations of the title and cohort routes: {_line(figures['routes'])}")
        health = requests.get(server.url("/healthz"), timeout=10).status_code
        figures["healthz_after"] = health
    finally:
        server.stop()
    return figures


def measure_duckdb(db_path: Path, questions, served: dict, args) -> dict:
    """Step 6: load, answer every question in SQL, compare --check answers with the server's."""
    started = time.perf_counter()
    con, rows = sq.load_duckdb(db_path)
    load = time.perf_counter() - started
    print(f"duckdb {sq.duckdb.__version__}: loaded {rows:,} events in {load:.1f} s")
    seconds, answers = sq.timed_answers(con, questions)
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    con.close()
    step = max(1, len(questions) // max(1, args.check))
    checked, mismatches = 0, []
    for i in range(0, len(questions), step)[: args.check]:
        status, body = served["new_bodies"][i]
        checked += 1
        reason = (
            f"server answered {status}"
            if status != 200
            else sq.compare(questions[i], json.loads(body), answers[i])
        )
        if reason:
            mismatches.append((questions[i].url(), reason))
    ratios = [d / r for d, r in zip(seconds, served["new_seconds"], strict=True)]
    return {
        "version": sq.duckdb.__version__,
        "threads": threads,
        "rows": rows,
        "load_s": load,
        **_stats(seconds),
        "seconds": seconds,
        "median_ratio": statistics.median(ratios),
        "checked": checked,
        "matched": checked - len(mismatches),
        "mismatches": mismatches,
    }


def by_kind(questions, seconds) -> dict:
    kinds: dict[str, list[float]] = {}
    for q, s in zip(questions, seconds, strict=True):
        kinds.setdefault(q.label, []).append(s)
    return {kind: _stats(values) for kind, values in sorted(kinds.items())}


def report(args, target: Target, f: dict) -> None:
    """The labelled summary of every figure."""
    build, first, mem, duck = f["build"], f["first_answer"], f["memory"], f.get("duckdb")
    print(f"\n=== Reelboard scale benchmark: {f['events']:,} events, seed {args.seed}, ", end="")
    print(f"store {args.store}, {args.workers} gunicorn workers, {os.cpu_count()} cores ===")
    print(f"database                    {target.label} (rollup {f['rollup_mb']:.1f} MB on disk)")
    if build["reused"]:
        earlier = build["build_seconds"]
        text = f"reused (built earlier in {earlier:.1f} s)" if earlier else "reused"
    else:
        text = f"{build['build_seconds']:.1f} s (demo-data incl. rollups, CLI start included)"
    print(f"1. build                    {text}")
    print(
        f"2. new process, first answer {first['start_to_answer_s']:.2f} s from process start "
        f"(imports {first['imports_s']:.2f} s, create_app {first['create_app_s']:.2f} s), "
        f"{_ms(first['create_app_to_answer_s'])} from create_app to the answer of {FIRST_URL} "
        f"(status {first['status']}, engine load {_ms(first['engine_load_s'])})"
    )
    cold = f.get("new_app_server_first_answer")
    if cold:
        print(
            f"   new app server (empty instance folder), first answer "
            f"{cold['start_to_answer_s']:.2f} s from process start (rollup built from the "
            f"database's GROUP BY results in {cold['engine_load_s']:.2f} s)"
        )
    print(
        f"   new gunicorn, first answer {f['gunicorn_first_answer_s']:.2f} s from start to the "
        f"first 200 on {READY_URL}"
    )
    load = f["load"]
    print(
        f"3. mixed load                {load['count']} requests, {load['threads']} threads, "
        f"{_line(load)}, {len(load['errors'])} errors; {load['workers_served']}/{args.workers} "
        "workers served"
    )
    print(f"   {'worker pid':>12} {'RSS MB':>9} {'PSS MB':>9} {'PSS anon':>9} {'PSS file':>9}")
    for w in mem["workers"]:
        print(
            f"   {w['pid']:>12} {w['rss_mb']:>9.1f} {w['pss_mb']:>9.1f} "
            f"{w['pss_anon_mb']:>9.1f} {w['pss_file_mb']:>9.1f}"
        )
    print(
        f"   {'sum':>12} {mem['rss_sum_mb']:>9.1f} {mem['pss_sum_mb']:>9.1f}   "
        f"(master: RSS {mem['master_rss_mb']:.1f} MB, PSS {mem['master_pss_mb']:.1f} MB)"
    )
    warm = f"{f['warm']['count'] // args.warm_repeat} requests x {args.warm_repeat}"
    print(f"4. warm ({warm})  {_line(f['warm'])}")
    print(f"5. new combinations         {_line(f['new'])}, {len(f['new']['errors'])} errors")
    for kind, figures in f["new_by_kind"].items():
        print(f"   {kind:24} {_line(figures)}")
    routes = f.get("routes")
    if routes:
        names = f["route_names"]
        print(
            f"   title and cohort routes, new combinations ({args.new_route_combos} per kind; "
            f"/data/title/ over {names['titles']} titles and {names['shows']} shows): "
            f"{_line(routes)}, {len(routes['errors'])} errors"
        )
        for kind, figures in f["routes_by_kind"].items():
            verdict = "met" if figures["p95_ms"] <= ROUTE_TARGET_MS else "MISSED"
            print(f"   {kind:24} {_line(figures)}  p95 <= {ROUTE_TARGET_MS} ms: {verdict}")
    if duck is None:
        why = "--no-duckdb" if args.no_duckdb else "DuckDB loads the SQLite file's rows"
        print(f"6. duckdb                   skipped ({why})")
    else:
        print(
            f"6. duckdb {duck['version']} ({duck['threads']} threads), in memory: load "
            f"{duck['load_s']:.1f} s; same {duck['count']} combinations: {_line(duck)}"
        )
        for kind, figures in f["duckdb_by_kind"].items():
            print(f"   {kind:24} {_line(figures)}")
        print(
            f"   duckdb p95 / reelboard p95 = {duck['p95_ms'] / f['new']['p95_ms']:.2f}x, "
            f"p50 / p50 = {duck['p50_ms'] / f['new']['p50_ms']:.2f}x, median per-combination "
            f"ratio {duck['median_ratio']:.2f}x (above 1: Reelboard faster)"
        )
        print(
            f"   answers equal to the server's JSON: {duck['matched']} of {duck['checked']} checked"
        )
        for url, reason in duck["mismatches"]:
            print(f"     MISMATCH {url}: {reason}")
    errors = f["load"]["errors"] + f["warm"]["errors"] + f["new"]["errors"]
    errors += routes["errors"] if routes else []
    for url, status, body in errors[:10]:
        print(f"   ERROR {status} {url}: {body}")
    print(f"after the run /healthz -> {f['healthz_after']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--combos", type=int, default=200, help="new combinations to time")
    parser.add_argument(
        "--new-route-combos",
        type=int,
        default=40,
        help="new combinations to time per kind of the title and cohort routes (0: none)",
    )
    parser.add_argument("--store", choices=STORES, default="sqlite")
    parser.add_argument(
        "--pg-url",
        default=postgres.test_server_url(),
        help="PostgreSQL server for --store postgresql (a schema of the benchmark's own)",
    )
    parser.add_argument("--load-requests", type=int, default=400, help="mixed-load requests")
    parser.add_argument("--threads", type=int, default=8, help="mixed-load client threads")
    parser.add_argument("--warm-repeat", type=int, default=50, help="repeats of each warm request")
    parser.add_argument("--check", type=int, default=20, help="answers compared with DuckDB's")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--no-duckdb",
        action="store_true",
        help="skip step 6 (at 100M events DuckDB's in-memory copy would not fit beside the rest)",
    )
    args = parser.parse_args(argv)

    target, build = prepare_database(args.rows, args.seed, args.store, args.pg_url)
    first_day, last_day, events = data_bounds(target)
    args.bounds = (first_day, last_day)
    warm = warm_questions(first_day, last_day)
    seen = {q.url() for q in warm}
    questions = sq.new_questions(random.Random(args.seed), args.combos, first_day, last_day, seen)
    load_rng = random.Random(f"load-{args.seed}")
    load_questions = sq.new_questions(load_rng, args.load_requests, first_day, last_day, seen)
    load_urls = [q.url() for q in load_questions] + [q.url() for q in warm]
    load_urls += [f"/data/dimensions/?start={first_day + dt.timedelta(days=i)}" for i in range(20)]
    load_rng.shuffle(load_urls)

    folder = OUT / f"scale-run-{os.getpid()}-{int(time.time())}"
    try:
        first = first_answer_in_new_process(target.database, target.instance or folder / "first")
        print(
            f"new process: first answer {first['start_to_answer_s']:.2f} s after its start, "
            f"{_ms(first['create_app_to_answer_s'])} after create_app"
        )
        cold = None
        if isinstance(target.store, PostgresStore):
            cold = first_answer_in_new_process(target.database, folder / "new-app-server")
            print(
                f"new app server (empty instance folder): first answer "
                f"{cold['start_to_answer_s']:.2f} s after its start "
                f"(rollup built from GROUP BY in {cold['engine_load_s']:.2f} s)"
            )
        served = measure_server(args, target, folder, questions, load_urls, warm, seen)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    use_duckdb = not args.no_duckdb and args.store == "sqlite"
    duck = measure_duckdb(target.database, questions, served, args) if use_duckdb else None

    rollup = current_rollup(target)
    figures = {
        "rows": args.rows,
        "events": events,
        "seed": args.seed,
        "store": args.store,
        "workers": args.workers,
        "rollup_mb": _folder_mb(rollup) if rollup.exists() else 0.0,
        "build": build,
        "first_answer": first,
        "new_app_server_first_answer": cold,
        **{k: v for k, v in served.items() if k not in ("new_seconds", "new_bodies")},
        "new_by_kind": by_kind(questions, served["new_seconds"]),
    }
    if duck is not None:
        figures["duckdb"] = {k: v for k, v in duck.items() if k != "seconds"}
        figures["duckdb_by_kind"] = by_kind(questions, duck["seconds"])
        figures["ratio_p95"] = duck["p95_ms"] / served["new"]["p95_ms"]
    report(args, target, figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=str))
        print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
