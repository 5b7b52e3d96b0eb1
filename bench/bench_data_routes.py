"""Benchmark the /data routes against the tutorial's per-request analysis, in one run.

    python bench/bench_data_routes.py [--rows 1000000] [--seed 0] [--repeat 200]

Generates (or reuses, under bench/out/) a demo database of --rows events, builds the real app
with create_app (or, if that cannot be built, the data_api blueprint on a bare Flask app) and,
through its test client, measures per /data route:
  load     the first request after start: reads the table and prepares it (once per version);
  cold     the first request for a new parameter combination (computed, not yet memoised);
  warm     repeated requests: p50 / p95 / max.
Then it runs the tutorial's approach (pd.read_sql of the whole table, a Python function per row
for the grouping, zero-fill; bench/tutorial_reference.py) on the same database, checks that it
returns the same numbers, and prints the speed-up ratios measured side by side.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sqlite3
import statistics
import time
from pathlib import Path

from testkit import tutorial_reference as tutorial
from testkit.demo import OUT, build_app, demo_database
from web import services

FILTER = "start=2025-03-05&end=2025-09-20&sessiontype=SERIES"
ROUTES = [
    "/data/unique_users/?resolution=daily",
    "/data/unique_users/?resolution=weekly",
    "/data/unique_users/?resolution=monthly",
    "/data/minutes_watched/?resolution=daily",
    "/data/minutes_watched/?resolution=weekly",
    "/data/minutes_watched/?resolution=monthly",
    "/data/toplist/?num=10",
    "/data/toplist/?num=50",
]
# Tutorial equivalents (no filters in the tutorial): route -> call on a connection.
TUTORIAL = {
    "/data/unique_users/?resolution=daily": lambda c: tutorial.get_users(
        c, "unique_users", "daily"
    ),
    "/data/unique_users/?resolution=weekly": lambda c: tutorial.get_users(
        c, "unique_users", "weekly"
    ),
    "/data/minutes_watched/?resolution=monthly": lambda c: tutorial.get_users(
        c, "minutes_watched", "monthly"
    ),
    "/data/toplist/?num=10": lambda c: tutorial.get_toplist(c, 10),
}


def build_client(db_path: Path):
    """Test client of the real app, or of the blueprint on a bare app when that fails."""
    try:
        app = build_app(db_path, OUT / "instance")
        return app.server.test_client(), "create_app"
    except Exception as error:  # the benchmark still runs on the blueprint
        print(f"create_app failed ({error!r}); using the blueprint on a bare Flask app")
        from flask import Flask

        from data.events.analysis.analytics import EventsAnalytics
        from routes.data_api import bp

        server = Flask("bench")
        services.set_analytics(server, EventsAnalytics(db_path))
        server.register_blueprint(bp)
        return server.test_client(), "bare Flask + data_api blueprint"


def timed_get(client, url: str) -> tuple[float, object]:
    """Seconds for one GET (200 required) and its JSON."""
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{url} -> {response.status_code}: {response.data[:200]!r}")
    return elapsed, response.get_json()


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:9.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=200, help="warm requests per route")
    parser.add_argument("--cold", type=int, default=30, help="new filter combinations to time")
    parser.add_argument("--tutorial-repeat", type=int, default=1)
    parser.add_argument("--skip-tutorial", action="store_true")
    args = parser.parse_args()

    db_path = demo_database(args.rows, args.seed)
    client, kind = build_client(db_path)
    events = sqlite3.connect(db_path).execute("SELECT count(*) FROM movies").fetchone()[0]
    print(f"\n/data routes on {events:,} events ({db_path.name}), app: {kind}")

    load, load_body = timed_get(client, "/data/unique_users/?resolution=monthly")
    print(f"first request (reads and prepares the table once): {load * 1000:.0f} ms\n")

    results = {}
    header = f"{'route':<92} {'cold ms':>9} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9}"
    print(header)
    print("-" * len(header))
    for url in ROUTES + [f"{u}{'&' if '?' in u else '?'}{FILTER}" for u in ROUTES]:
        cold, body = timed_get(client, url)
        warm = [timed_get(client, url)[0] for _ in range(args.repeat)]
        results[url] = (cold, warm, body)
        print(
            f"{url:<92} {ms(cold)} {ms(percentile(warm, 0.5))} {ms(percentile(warm, 0.95))} "
            f"{ms(max(warm))}"
        )

    # Unmemoised answers: fresh random filter combinations, one request each.
    rng = random.Random(args.seed)
    first_day = dt.date.fromisoformat(load_body[0]["date"]) if load_body else dt.date(2025, 1, 1)
    cold_samples = []
    for i in range(args.cold):
        a, b = sorted(rng.sample(range(0, 365), 2))
        start = first_day + dt.timedelta(days=a)
        end = first_day + dt.timedelta(days=b)
        stype = rng.choice(["", "&sessiontype=MOVIE", "&sessiontype=SERIES"])
        base = ROUTES[i % len(ROUTES)]
        cold_samples.append(timed_get(client, f"{base}&start={start}&end={end}{stype}")[0])
    print(
        f"\ncold (new filter combination, {args.cold} requests): p50 "
        f"{percentile(cold_samples, 0.5) * 1000:.2f} ms, p95 "
        f"{percentile(cold_samples, 0.95) * 1000:.2f} ms, max {max(cold_samples) * 1000:.2f} ms"
    )
    all_warm = [s for _, warm, _ in results.values() for s in warm]
    worst_p50 = max(percentile(w, 0.5) for _, w, _ in results.values())
    print(
        f"warm over all routes: p50 {percentile(all_warm, 0.5) * 1000:.2f} ms, p95 "
        f"{percentile(all_warm, 0.95) * 1000:.2f} ms, max {max(all_warm) * 1000:.2f} ms; "
        f"slowest route p50 {worst_p50 * 1000:.2f} ms (target <= 20 ms)"
    )

    if args.skip_tutorial:
        return 0
    print(f"\nthe tutorial's per-request approach on the same {events:,} events:")
    header = f"{'route':<45} {'tutorial ms':>12} {'ours p50 ms':>12} {'speed-up':>10} {'same':>5}"
    print(header)
    print("-" * len(header))
    ratios, tutorial_times = [], []
    conn = sqlite3.connect(db_path)
    for url, call in TUTORIAL.items():
        times = []
        for _ in range(args.tutorial_repeat):
            started = time.perf_counter()
            expected = call(conn)
            times.append(time.perf_counter() - started)
        ours = results[url][2]
        if url.startswith("/data/toplist"):  # the tutorial orders ties arbitrarily
            expected = sorted(expected, key=lambda r: (-r["values"], r["title"]))
            # A tie across the cut may swap which title is 10th: compare the counts.
            same = [r["values"] for r in expected] == [r["values"] for r in ours]
        else:
            same = expected == ours
        slow = statistics.median(times)
        tutorial_times.append(slow)
        fast = percentile(results[url][1], 0.5)
        ratios.append(slow / fast)
        verdict = "yes" if same else "NO"
        print(f"{url:<45} {ms(slow):>12} {ms(fast):>12} {slow / fast:>9.0f}x {verdict:>5}")
    conn.close()
    print(
        f"\nspeed-up, warm p50 vs tutorial: min {min(ratios):,.0f}x, "
        f"median {statistics.median(ratios):,.0f}x (aim >= 500x)"
    )
    tutorial_median = statistics.median(tutorial_times)
    print(
        f"the first request, table load included ({load * 1000:.0f} ms), vs one tutorial request "
        f"({tutorial_median * 1000:.0f} ms): {tutorial_median / load:.1f}x"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
