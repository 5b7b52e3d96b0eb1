"""Load benchmark: gunicorn as `make serve` runs it, 20 concurrent clients, dashboard and game.

    python bench/bench_load.py [--rows 1000000] [--duration 60] [--clients 20] [--workers N]
                               [--path dashboard|game|both|attack]

Generates (or reuses) bench/out/demo_<rows>_seed0.sqlite (shared with the other benchmarks),
starts gunicorn with gunicorn.conf.py (WORKERS default 2 x cores + 1) on a free port with a
fresh instance folder under bench/out/ (embedded Redis, RATELIMIT_ENABLED=false), warms every
worker, then runs closed-loop clients (no think time) for --duration seconds per path:
(a) dashboard: the dashboard's real callbacks (POST /_dash-update-component, payloads built from
    /_dash-dependencies) mixed with the /data routes, over several filter views;
(b) game: start, guesses by binary search, finished.
Prints requests/s, p50/p95/p99 and errors per path and per request kind.
Targets: p95 <= 100 ms and 0 errors for both paths.
(c) attack (--path attack): the limits as shipped (RATELIMIT_ENABLED, admission by cost); a
    probe from 127.0.0.3 for --duration seconds alone, then again while --clients hostile
    connections from 127.0.0.2 ask the dearest answers (testkit/attack.py); prints the probe's
    latency without and with the attack side by side. Target: p95 <= 100 ms under attack.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import shutil
import threading
import time
from collections import defaultdict
from pathlib import Path

import requests
from bench_callbacks import VIEWS, callback_cases

from testkit.attack import Attack, probe
from testkit.dash_client import CALLBACK_URL, DashCallbacks
from testkit.demo import demo_database
from testkit.serving import make_server, percentile

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"

P95_TARGET_MS = 100.0


def dashboard_requests(base_url: str) -> list[tuple[str, str, str, dict | None]]:
    """(kind, method, path, JSON body) for every callback x view, plus the matching /data routes."""
    callbacks = DashCallbacks.for_server(base_url)
    found = []
    for _view_name, view in VIEWS:
        for name, first_output, values, data_url in callback_cases(view):
            body = callbacks.body(first_output, None, values)
            found.append((f"callback: {name}", "POST", CALLBACK_URL, body))
            if data_url:
                found.append((f"GET {data_url.split('?')[0]}", "GET", data_url, None))
    return found


def _dashboard_client(base_url: str, mix: list, stop_at: float, seed: int, results: list) -> None:
    rng = random.Random(seed)
    with requests.Session() as session:
        while time.perf_counter() < stop_at:
            kind, method, path, body = rng.choice(mix)
            results.append(_timed(session, kind, method, base_url + path, body))


def _game_client(base_url: str, _mix, stop_at: float, seed: int, results: list) -> None:
    rng = random.Random(seed)
    with requests.Session() as session:
        while time.perf_counter() < stop_at:
            max_value = rng.choice([10, 25, 100, 1000])
            result = _timed(
                session, "POST /guess/start", "POST", f"{base_url}/guess/start",
                {"max_value": max_value, "user": f"bench{seed}"},
            )  # fmt: skip
            results.append(result)
            if not result[2]:
                continue
            game_id = result[3]["game_id"]
            low, high = 1, max_value
            while low <= high:
                guess = (low + high) // 2
                result = _timed(
                    session,
                    "POST /guess/<id>",
                    "POST",
                    f"{base_url}/guess/{game_id}",
                    {"guess": guess},
                )
                results.append(result)
                if not result[2]:
                    break
                answer = result[3]["result"]
                if answer == "correct":
                    results.append(
                        _timed(
                            session,
                            "POST /guess/finished",
                            "POST",
                            f"{base_url}/guess/finished",
                            {"game_id": game_id},
                        )  # fmt: skip
                    )
                    break
                low, high = (guess + 1, high) if answer == "higher" else (low, guess - 1)


def _timed(session, kind, method, url, body):
    """(kind, seconds, ok, JSON body or None)."""
    started = time.perf_counter()
    try:
        response = session.request(method, url, json=body, timeout=30)
        elapsed = time.perf_counter() - started
        ok = 200 <= response.status_code < 300
        data = response.json() if ok and kind.startswith("POST /guess/") else None
    except (requests.RequestException, ValueError):
        elapsed, ok, data = time.perf_counter() - started, False, None
    return kind, elapsed, ok, data


CLIENTS = {"dashboard": _dashboard_client, "game": _game_client}


def _process_main(path_name, base_url, mix, stop_at_wall, seeds, queue) -> None:
    """One client process running len(seeds) client threads; sends its results back."""
    stop_at = time.perf_counter() + (stop_at_wall - time.time())
    results: list = []
    threads = [
        threading.Thread(target=CLIENTS[path_name], args=(base_url, mix, stop_at, seed, results))
        for seed in seeds
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put([(kind, elapsed, ok) for kind, elapsed, ok, _ in results])


def run_load(path_name: str, base_url: str, mix, clients: int, duration: float, processes: int):
    """Closed-loop clients over a few processes (the clients' own GIL must not be the limit)."""
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    stop_at = time.time() + duration
    seeds = list(range(clients))
    groups = [seeds[i::processes] for i in range(processes)]
    procs = [
        ctx.Process(target=_process_main, args=(path_name, base_url, mix, stop_at, group, queue))
        for group in groups
        if group
    ]
    for proc in procs:
        proc.start()
    results = [item for _ in procs for item in queue.get(timeout=duration + 120)]
    for proc in procs:
        proc.join()
    return results


def report(title: str, results: list, duration: float) -> dict:
    """Print and return the figures: overall and per request kind."""
    latencies = [elapsed * 1000 for _, elapsed, _ in results]
    errors = sum(1 for _, _, ok in results if not ok)
    figures = {
        "requests": len(results),
        "rps": len(results) / duration,
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
        "errors": errors,
    }
    print(f"\n{title}: {figures['requests']:,} requests in {duration:.0f} s")
    print(f"{'kind':42} {'count':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}")
    by_kind = defaultdict(list)
    for kind, elapsed, ok in results:
        by_kind[kind].append((elapsed * 1000, ok))
    for kind in sorted(by_kind):
        values = [ms for ms, _ in by_kind[kind]]
        bad = sum(1 for _, ok in by_kind[kind] if not ok)
        print(
            f"{kind[:42]:42} {len(values):>7} {percentile(values, 50):>8.1f} "
            f"{percentile(values, 95):>8.1f} {percentile(values, 99):>8.1f} {bad:>6}"
        )
    verdict = "OK" if figures["p95"] <= P95_TARGET_MS and errors == 0 else "MISSED"
    print(
        f"{'ALL':42} {len(results):>7} {figures['p50']:>8.1f} {figures['p95']:>8.1f} "
        f"{figures['p99']:>8.1f} {errors:>6}   {figures['rps']:.0f} req/s   "
        f"target p95 <= {P95_TARGET_MS:.0f} ms, 0 errors: {verdict}"
    )
    return figures


def warm_up(server, mix, seconds: float) -> None:
    """Until every worker has served the dashboard mix (each loads the events once), then more."""
    workers = set(map(str, server.worker_pids()))
    urls = [item for item in mix if item[1] == "GET"] + [item for item in mix if item[1] == "POST"]

    def served_by_all() -> bool:
        lines = server.log_path.read_text(errors="replace").splitlines()
        seen = {line.split("[", 1)[1].split("]", 1)[0] for line in lines if "/data/" in line}
        return workers <= seen

    def hammer():
        for _kind, method, path, body in urls:
            requests.request(
                method, server.url(path), json=body, timeout=120, headers={"Connection": "close"}
            )

    started = time.perf_counter()
    while not served_by_all():
        threads = [threading.Thread(target=hammer) for _ in range(len(workers))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if time.perf_counter() - started > 300:
            raise SystemExit("warm-up did not reach every worker within 5 minutes")
    loaded = time.perf_counter() - started
    run_load("dashboard", server.base_url, mix, 8, seconds, 2)
    print(f"warm-up: every worker loaded the events ({loaded:.1f} s), then {seconds:.0f} s of load")


def run_attack(db_path: Path, workers: int, clients: int, duration: float) -> None:
    """(c): the probe's latency alone and under a hostile address, side by side."""
    folder = OUT / f"attack-run-{int(time.time())}"
    server = make_server(folder, db_path, workers=workers, RATELIMIT_ENABLED="true")
    server.start(timeout=300)
    try:
        probe(server.base_url, 3)  # every worker has loaded the events
        # A probe every 0.15 s: within the probe address's own count (RATELIMIT_DATA).
        calm = probe(server.base_url, duration, interval=0.15)
        with Attack(server.base_url, clients, duration + 3) as attack:
            time.sleep(2)
            hot = probe(server.base_url, duration, interval=0.15)
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    print(f"\n(c) probe GET /data/toplist/?num=5 from another address, {workers} workers")
    print(f"{'':16} {'probes':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  statuses")
    for name, figures in (("alone", calm), (f"{clients} hostile", hot)):
        print(
            f"{name:16} {figures['count']:>7} {figures['p50']:>8.1f} {figures['p95']:>8.1f} "
            f"{figures['max']:>8.1f}  {figures['statuses']}"
        )
    verdict = "OK" if hot["p95"] <= P95_TARGET_MS else "MISSED"
    print(f"hostile answers: {attack.statuses}; target p95 <= {P95_TARGET_MS:.0f} ms: {verdict}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per path")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=None, help="default: 2 x cores + 1")
    parser.add_argument("--processes", type=int, default=4, help="client processes")
    parser.add_argument("--path", choices=["dashboard", "game", "both", "attack"], default="both")
    parser.add_argument(
        "--warmup", type=float, default=5.0, help="seconds of load before measuring"
    )
    args = parser.parse_args(argv)

    db_path = demo_database(args.rows)
    workers = args.workers or 2 * multiprocessing.cpu_count() + 1
    if args.path == "attack":
        run_attack(db_path, workers, args.clients, args.duration)
        return
    folder = OUT / f"load-run-{int(time.time())}"
    server = make_server(folder, db_path, workers=workers)
    print(
        f"gunicorn -c gunicorn.conf.py dashboard_app:server: {workers} workers, "
        f"{args.rows:,} events, {args.clients} clients, {args.duration:.0f} s per path, "
        f"{multiprocessing.cpu_count()} cores (clients run on the same machine)"
    )
    server.start(timeout=300)
    try:
        mix = dashboard_requests(server.base_url)
        warm_up(server, mix, args.warmup)
        summary = {}
        if args.path in ("dashboard", "both"):
            results = run_load(
                "dashboard", server.base_url, mix, args.clients, args.duration, args.processes
            )
            summary["dashboard"] = report("(a) dashboard callbacks + /data", results, args.duration)
        if args.path in ("game", "both"):
            results = run_load(
                "game", server.base_url, None, args.clients, args.duration, args.processes
            )
            summary["game"] = report("(b) game: start, guesses, finished", results, args.duration)
        health = requests.get(server.url("/healthz"), timeout=10)
        print(f"\nafter the run /healthz -> {health.status_code}")
    finally:
        server.stop()
        # The run's instance folder (embedded Redis with bench scores) is not worth keeping.
        shutil.rmtree(folder, ignore_errors=True)
    print("\nsummary:")
    for name, figures in summary.items():
        print(
            f"  {name:10} {figures['rps']:7.0f} req/s  p50 {figures['p50']:6.1f} ms  "
            f"p95 {figures['p95']:6.1f} ms  p99 {figures['p99']:6.1f} ms  "
            f"errors {figures['errors']}"
        )


if __name__ == "__main__":
    main()
