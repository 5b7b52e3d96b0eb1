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
    series, /data/top10/, /data/retention/, /data/lifecycle/, and how people watch: /data/when/,
    /data/distribution/, /data/stickiness/, /data/binge/; random.Random(f"routes-{seed}"),
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
import random
import shutil
import statistics
import time
from pathlib import Path

import requests
import scale_duckdb as sd
import scale_questions as sq
from scale_database import Target, current_rollup, data_bounds, folder_mb, prepare_database
from scale_report import by_kind, line_of, ms_text, report, stats
from scale_serving import (
    NAMES_URLS,
    READY_URL,
    errors_of,
    first_answer_in_new_process,
    reach_every_worker,
    route_names,
    run_requests,
    sequential,
    served_by,
    start_gunicorn,
    worker_memory,
)

from data.events.periods import day_number, period_labels, period_of
from data.events.stores.event_stores import PostgresStore
from testkit import postgres
from testkit.demo import OUT
from testkit.serving import make_server

STORES = ("sqlite", "postgresql")


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
            **stats([s for _, s, _, _ in results]),
            "seconds": elapsed,
            "threads": args.threads,
            "errors": errors_of(results),
            "workers_served": len(covered & set(server.worker_pids())),
        }
        print(
            f"mixed load: {len(results)} requests from {args.threads} threads in {elapsed:.1f} s, "
            f"{line_of(figures['load'])}, {len(figures['load']['errors'])} errors"
        )
        figures["memory"] = worker_memory(server)
        print(f"worker memory: PSS sum {figures['memory']['pss_sum_mb']:.1f} MB")

        warm_urls = [q.url() for q in warm]
        reach_every_worker(server, warm_urls)
        repeated = [url for _ in range(args.warm_repeat) for url in warm_urls]
        random.Random(args.seed).shuffle(repeated)
        results = sequential(server, repeated, 2 * args.workers)
        figures["warm"] = {**stats([s for _, s, _, _ in results]), "errors": errors_of(results)}
        print(f"warm: {line_of(figures['warm'])}")

        results = sequential(server, [q.url() for q in questions], 2 * args.workers)
        figures["new_seconds"] = [s for _, s, _, _ in results]
        figures["new_bodies"] = [(status, body) for _, _, status, body in results]
        figures["new"] = {**stats(figures["new_seconds"]), "errors": errors_of(results)}
        print(f"new combinations: {line_of(figures['new'])}")

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
            figures["routes"] = {**stats(seconds), "errors": errors_of(results)}
            figures["routes_by_kind"] = by_kind(routes, seconds)
            figures["route_names"] = {k: len(v) for k, v in names.items()}
            print(f"new combinations of the title and cohort routes: {line_of(figures['routes'])}")
        health = requests.get(server.url("/healthz"), timeout=10).status_code
        figures["healthz_after"] = health
    finally:
        server.stop()
    return figures


def measure_duckdb(db_path: Path, questions, served: dict, args) -> dict:
    """Step 6: load, answer every question in SQL, compare --check answers with the server's."""
    started = time.perf_counter()
    con, rows = sd.load_duckdb(db_path)
    load = time.perf_counter() - started
    print(f"duckdb {sd.duckdb.__version__}: loaded {rows:,} events in {load:.1f} s")
    seconds, answers = sd.timed_answers(con, questions)
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
            else sd.compare(questions[i], json.loads(body), answers[i])
        )
        if reason:
            mismatches.append((questions[i].url(), reason))
    ratios = [d / r for d, r in zip(seconds, served["new_seconds"], strict=True)]
    return {
        "version": sd.duckdb.__version__,
        "threads": threads,
        "rows": rows,
        "load_s": load,
        **stats(seconds),
        "seconds": seconds,
        "median_ratio": statistics.median(ratios),
        "checked": checked,
        "matched": checked - len(mismatches),
        "mismatches": mismatches,
    }


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
    warm = sq.warm_questions(first_day, last_day)
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
            f"{ms_text(first['create_app_to_answer_s'])} after create_app"
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
        "rollup_mb": folder_mb(rollup) if rollup.exists() else 0.0,
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
