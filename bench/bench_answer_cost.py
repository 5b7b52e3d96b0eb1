"""The dearest legal answers: CPU and size of each, on bench_scale's store (default 10M events).

    python bench/bench_answer_cost.py [--rows 10000000]

Builds (or reuses) bench_scale's SQLite store of --rows demo events, then asks each of the
dearest legal /data answers twice in one process with the memos off (the first time the rollup's
pages are read from disk) and prints the CPU of the second ask, the wall time and the answer's
size. Target: every one under a second of CPU (issue 24's "slowest legal request").
"""

from __future__ import annotations

import argparse
import sys
import time

from scale_database import prepare_database, uncached_app

CPU_TARGET_MS = 1000.0
LONG = "start=1800-01-01&end=2128-07-01"  # 120,000 days: the longest legal daily series
DEAREST = (
    f"/data/views/?{LONG}&resolution=daily",
    f"/data/unique_users/?{LONG}&resolution=daily",
    f"/data/completion_rate/?{LONG}&resolution=daily",
    f"/data/minutes_per_viewer/?{LONG}&resolution=daily",
    "/data/views/?start=1980-01-01&end=2029-12-31&resolution=daily&breakdown=device",
    "/data/unique_users/?start=1980-01-01&end=2029-12-31&resolution=daily&breakdown=market",
    "/data/unique_users/?resolution=daily&breakdown=market&limit=50",
    "/data/toplist/?num=1000",
    "/data/kpis/?compare=previous",
    "/data/retention/?resolution=weekly&periods=52",
    "/data/lifecycle/?resolution=daily",
    f"/data/stickiness/?{LONG}",
    "/data/top10/",
    "/data/dimensions/",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    args = parser.parse_args(argv)
    target, _ = prepare_database(args.rows, 0, "sqlite", "")
    app = uncached_app(target, "answer-cost")
    client = app.server.test_client()
    print(f"{args.rows:,} events; memos off; the second of two asks")
    print(f"{'cpu ms':>8} {'wall ms':>8} {'MB':>6} {'status':>6}  request")
    worst = 0.0
    for path in DEAREST:
        client.get(path)
        cpu, wall = time.thread_time(), time.perf_counter()
        response = client.get(path)
        cpu_ms = (time.thread_time() - cpu) * 1000
        wall_ms = (time.perf_counter() - wall) * 1000
        worst = max(worst, cpu_ms)
        print(
            f"{cpu_ms:>8.0f} {wall_ms:>8.0f} {len(response.data) / 1e6:>6.2f} "
            f"{response.status_code:>6}  {path}"
        )
    verdict = "OK" if worst < CPU_TARGET_MS else "MISSED"
    print(f"dearest: {worst:.0f} ms of CPU; target < {CPU_TARGET_MS:.0f} ms: {verdict}")
    return 0 if worst < CPU_TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
