"""Freshness benchmark: how soon rows written while gunicorn serves are answered, and at what cost.

    python bench/bench_freshness.py [--events 10000000] [--store sqlite|postgres]
        [--database-url URL] [--only 1,3] [--pipeline-seconds 600] [--seed 0] [--combos 200]
        [--timeout SECONDS]

The events are bench_scale's cached demo database for --events (built by bench_scale's code
when missing, reused otherwise); the benchmark writes only to a copy of it (a file, or a schema
of its own on the --database-url server) and removes the copy at the end. Figures 1-5 are
measured against one gunicorn of 3 workers (gunicorn.conf.py, as `make serve` starts it),
figure 6 against a new one of 5. Days are derived from the data's own last day, never today.
An answer counts for a worker when /healthz on the same keep-alive connection names that
worker's pid just before and just after it; each worker is polled every 0.25 s.
 1. 1,000 rows INSERTed and committed by another program (sqlite3 / psycopg) on the data's last
    day: seconds from the commit until every worker answers /data/kpis/ for that day with
    exactly those rows added                                                   target <= 5 s
 2. `flask import-events` adding a 10,000-row CSV: its wall time and peak RSS  <= 15 s, <= 1 GB
 3. 1,000 rows INSERTed on a day of an old month: seconds until every worker serves them  <= 10 s
 4. a pipeline INSERTing 50 rows a second (one commit a second, each batch titled apart) for
    --pipeline-seconds on the last day: per commit, seconds until every worker's count for
    that day includes it; the worst                                            <= 10 s
    (an engine that starts a rollup builder per change seen piles them up: the pipeline stops
    early beyond 200 of them or under 3 GB of available memory, and says so)
 5. then, once the builders are done (or after 60 s; it says how many are left), bench_scale's
    new-combination questions (--combos, sent once each): p95                   <= 100 ms
 6. 5 workers after bench_scale's mixed load: the sum of their PSS (smaps_rollup) <= 1.5 GB
The targets are for 10M events; every run prints them.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import random
import shutil
import sqlite3
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import freshness_support as fs
import scale_database as sdb
import scale_questions as sq
import scale_serving as ss

from config import PROJECT_ROOT
from data.events.stores.event_stores import PostgresStore, SqliteStore
from data.events.stores.pg_store import describe
from testkit import postgres
from testkit.demo import OUT
from testkit.serving import make_server, percentile

INSERT_ROWS, IMPORT_ROWS, PIPELINE_RATE = 1_000, 10_000, 50
SERVING_WORKERS, MEMORY_WORKERS = 3, 5
MAX_BUILDERS, MIN_AVAILABLE_MB = 200, 3072  # the pipeline stops early beyond either
DRAIN_SECONDS = 60  # after the pipeline, the longest wait for its rollup builders to end


def _only(text: str) -> tuple[int, ...]:
    try:
        return fs.parse_only(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line (--store postgres and postgresql are the same)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000, help="events in the data")
    parser.add_argument("--store", choices=("sqlite", "postgres", "postgresql"), default="sqlite")
    parser.add_argument(
        "--database-url",
        default=postgres.test_server_url(),
        help="PostgreSQL server for --store postgres (schemas of the benchmark's own)",
    )
    parser.add_argument("--only", type=_only, default=fs.FIGURES, help="figures, e.g. 1,3")
    parser.add_argument("--pipeline-seconds", type=int, default=600)
    parser.add_argument("--seed", type=int, default=0, help="bench_scale's seed of the data")
    parser.add_argument("--combos", type=int, default=200, help="new combinations (figure 5)")
    parser.add_argument(
        "--timeout", type=float, help="longest wait for rows to be served (120 s + 1 s per 10k)"
    )
    args = parser.parse_args(argv)
    args.store = "sqlite" if args.store == "sqlite" else "postgresql"
    args.timeout = args.timeout or 120 + args.events / 10_000
    return args


@dataclass
class Run:
    """What the figures share: the options, the working copy, the data's days, the server."""

    args: argparse.Namespace
    events: fs.Events
    folder: Path
    first: dt.date
    last: dt.date
    server: object = None
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    tag: str = field(default_factory=lambda: f"{os.getpid()}-{int(time.time())}")
    lines: list[str] = field(default_factory=list)

    def say(self, number: int, text: str, ok: bool | None = None) -> None:
        """Print a figure's line (and keep it for the summary)."""
        verdict = "" if ok is None else ("  met" if ok else "  MISSED")
        self.lines.append(f"{number}. {text}{verdict}")
        print(self.lines[-1], flush=True)

    def watch(self, day: dt.date) -> fs.Watch:
        """Every worker's views for day, polled."""
        url = f"/data/kpis/?start={day.isoformat()}&end={day.isoformat()}"
        return fs.Watch(self.server, url, lambda answer: answer["views"], SERVING_WORKERS)


def _seconds(value: float | None, timeout: float) -> str:
    return f"not within {timeout:.0f} s" if value is None else f"{value:.2f} s"


def inserted_then_served(run: Run, day: dt.date, marker: str) -> float | None:
    """INSERT_ROWS rows on day by another program: seconds until every worker serves them."""
    with run.watch(day) as watch:
        base = watch.agreed(60)
        run.events.insert(fs.make_rows(day, INSERT_ROWS, marker, run.rng))
        committed = time.perf_counter()
        done = watch.wait_all(committed, lambda v: v == base + INSERT_ROWS, run.args.timeout)
    return None if done is None else done - committed


def figure_1(run: Run) -> None:
    seconds = inserted_then_served(run, run.last, f"freshness last day {run.tag}")
    text = f"{INSERT_ROWS:,} rows INSERTed on the last day ({run.last}), served by every worker"
    ok = seconds is not None and seconds <= 5
    run.say(1, f"{text}: {_seconds(seconds, run.args.timeout)} (target <= 5 s)", ok)


def figure_2(run: Run) -> None:
    path = run.folder / "import.csv"
    rows = fs.make_rows(run.last, IMPORT_ROWS, f"freshness import {run.tag}", run.rng)
    fs.write_csv(path, rows)
    command = [sys.executable, "-m", "flask", "--app", "dashboard_app", "import-events", str(path)]
    with run.watch(run.last) as watch:
        base = watch.agreed(60)
        wall, peak_mb, code, output = fs.measured_command(command, run.server.env, PROJECT_ROOT)
        returned = time.perf_counter()
        served = watch.wait_all(returned, lambda v: v == base + IMPORT_ROWS, run.args.timeout)
    if code != 0:
        run.say(2, f"flask import-events failed ({code}): {output.strip()[-500:]}", False)
        return
    after = "not" if served is None else f"{served - returned:.2f} s after it returned"
    run.say(
        2,
        f"flask import-events of a {IMPORT_ROWS:,}-row CSV: {wall:.2f} s wall (target <= 15 s), "
        f"peak RSS {peak_mb:,.0f} MB (target <= 1024 MB); every worker served the rows {after}",
        wall <= 15 and peak_mb <= 1024,
    )


def figure_3(run: Run) -> None:
    # The 15th of the second month of the data: a month long closed.
    day = min(run.last, max(run.first, (run.first + dt.timedelta(days=40)).replace(day=15)))
    seconds = inserted_then_served(run, day, f"freshness old month {run.tag}")
    text = f"{INSERT_ROWS:,} rows INSERTed on {day} (an old month), served by every worker"
    ok = seconds is not None and seconds <= 10
    run.say(3, f"{text}: {_seconds(seconds, run.args.timeout)} (target <= 10 s)", ok)


def figure_4(run: Run) -> None:
    batches: list[tuple[float, int]] = []
    master, peak, stopped = run.server.proc.pid, 0, ""
    with run.watch(run.last) as watch:
        base = watch.agreed(60)
        started = time.perf_counter()
        for number in range(max(1, run.args.pipeline_seconds)):
            time.sleep(max(0.0, started + number - time.perf_counter()))
            marker = f"freshness pipeline {run.tag} batch {number:06d}"
            run.events.insert(fs.make_rows(run.last, PIPELINE_RATE, marker, run.rng))
            batches.append((time.perf_counter(), (number + 1) * PIPELINE_RATE))
            peak = max(peak, builders := fs.rollup_builders(master))
            # Rebuilding engines start a builder per change seen; each waits, holding memory.
            if builders > MAX_BUILDERS or fs.available_mb() < MIN_AVAILABLE_MB:
                stopped = f"; STOPPED EARLY: {builders} rollup builders, machine memory low"
                break
        total = batches[-1][1]
        watch.wait_all(batches[-1][0], lambda v: v == base + total, run.args.timeout)
        samples = list(watch.samples)
    lags = fs.pipeline_lags(batches, samples, set(run.server.worker_pids()), base)
    served = [lag for lag in lags if lag is not None]
    worst = None if len(served) < len(lags) else max(served)
    span = batches[-1][0] - batches[0][0]
    rate = (len(batches) - 1) / span if span > 0 else float("nan")
    median = f"{percentile(served, 50):.2f} s" if served else "-"
    waited = time.perf_counter()
    # Builds of versions nobody waits for any more may go on; figure 5 says how many are left.
    while fs.rollup_builders(master) and time.perf_counter() < waited + DRAIN_SECONDS:
        time.sleep(0.5)
    run.say(
        4,
        f"pipeline of {len(batches)} commits of {PIPELINE_RATE} rows ({rate:.2f} commits/s, "
        f"{total:,} rows): worst lag {_seconds(worst, run.args.timeout)} (target <= 10 s); "
        f"median {median}, {len(lags) - len(served)} commits never served; at most {peak} "
        f"rollup builders at once{stopped}",
        worst is not None and worst <= 10 and not stopped,
    )


def figure_5(run: Run) -> None:
    questions = sq.new_questions(
        random.Random(run.args.seed), run.args.combos, run.first, run.last, set()
    )
    builders = fs.rollup_builders(run.server.proc.pid)
    results = ss.sequential(run.server, [q.url() for q in questions], 2 * SERVING_WORKERS)
    ms = [seconds * 1000 for _, seconds, _, _ in results]
    p95, errors = percentile(ms, 95), ss.errors_of(results)
    run.say(
        5,
        f"new combinations after the pipeline ({len(ms)} requests): p95 {p95:.1f} ms "
        f"(target <= 100 ms); p50 {percentile(ms, 50):.1f} ms, max {max(ms):.1f} ms, "
        f"{len(errors)} errors; {builders} rollup builders running when it began",
        p95 <= 100 and not errors,
    )


def figure_6(run: Run) -> None:
    load_rng = random.Random(f"load-{run.args.seed}")
    warm = sq.warm_questions(run.first, run.last)
    seen = {q.url() for q in warm}
    load = sq.new_questions(load_rng, 400, run.first, run.last, seen)
    urls = [q.url() for q in load] + [q.url() for q in warm]
    urls += [f"/data/dimensions/?start={run.first + dt.timedelta(days=i)}" for i in range(20)]
    load_rng.shuffle(urls)
    results = ss.run_requests(run.server.base_url, urls, 8)
    ss.reach_every_worker(run.server, [ss.READY_URL])  # every worker has mapped the rollup
    memory = ss.worker_memory(run.server)
    each = ", ".join(f"{w['pss_mb']:.0f}" for w in memory["workers"])
    run.say(
        6,
        f"PSS of {len(memory['workers'])} workers after a mixed load of {len(results)} requests "
        f"({len(ss.errors_of(results))} errors): {memory['pss_sum_mb']:,.0f} MB (target <= "
        f"1536 MB); per worker {each} MB, RSS sum {memory['rss_sum_mb']:,.0f} MB",
        memory["pss_sum_mb"] <= 1536,
    )


@contextlib.contextmanager
def serving(run: Run, workers: int):
    """A gunicorn of `workers` workers on the working copy, started and stopped."""
    folder = run.folder / f"gunicorn-{workers}"
    run.server = make_server(folder, run.events.database, workers, instance=run.events.instance)
    try:
        seconds = ss.start_gunicorn(run.server, max(300.0, run.args.timeout))
        print(f"gunicorn with {workers} workers: first 200 after {seconds:.1f} s", flush=True)
        yield run.server
    finally:
        run.server.stop()
        run.server.kill()  # the process group: rollup builders the workers left running


def working_copy(args, target: sdb.Target, folder: Path) -> fs.Events:
    """The copy of the cached events the figures write to."""
    rollup = sdb.current_rollup(target)
    if args.store == "sqlite":
        return fs.sqlite_copy(target.store.path, rollup, folder)
    schema = f"reelboard_bench_{args.events}_s{args.seed}"  # bench_scale's, for these events
    return fs.pg_copy(args.database_url, schema, rollup, PostgresStore, folder)


def facts(args, events: fs.Events, build: dict, first, last, count: int) -> None:
    """The machine and the data, printed first."""
    with open("/proc/meminfo") as handle:
        memory_gb = int(handle.readline().split()[1]) / 2**20
    if args.store == "sqlite":
        store = f"SQLite {sqlite3.sqlite_version} (a copy: {events.database})"
    else:
        store = f"PostgreSQL {describe(events.database)}"
    built = "reused" if build["reused"] else f"built in {build['build_seconds']:.0f} s"
    print(f"=== Reelboard freshness benchmark: {count:,} events, store {args.store} ===")
    print(f"machine     {os.cpu_count()} cores, {memory_gb:.1f} GB memory")
    print(f"events      {count:,} from {first} to {last} (bench_scale's cache, {built})")
    print(f"store       {store}")
    print(f"serving     gunicorn.conf.py, {SERVING_WORKERS} workers (figure 6: {MEMORY_WORKERS})")
    print(f"figures     {', '.join(map(str, args.only))}; waits up to {args.timeout:.0f} s")


FIGURES = {1: figure_1, 2: figure_2, 3: figure_3, 4: figure_4, 5: figure_5, 6: figure_6}


def _figure(run: Run, number: int) -> None:
    try:
        FIGURES[number](run)
    except Exception as error:  # one failed figure must not stop the others
        run.say(number, f"failed: {type(error).__name__}: {error}", False)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    target, build = sdb.prepare_database(args.events, args.seed, args.store, args.database_url)
    folder = OUT / f"freshness-{os.getpid()}-{int(time.time())}"
    folder.mkdir(parents=True)
    events = None
    try:
        events = working_copy(args, target, folder)
        store = SqliteStore(events.database) if events.instance is None else None
        store = store or PostgresStore(events.database, events.instance)
        first, last, count = sdb.data_bounds(sdb.Target(events.database, store, events.instance))
        facts(args, events, build, first, last, count)
        run = Run(args, events, folder, first, last, rng=random.Random(args.seed))
        serving_figures = [n for n in args.only if n <= 5]
        if serving_figures:
            with serving(run, SERVING_WORKERS):
                for number in serving_figures:
                    _figure(run, number)
        if 6 in args.only:
            with serving(run, MEMORY_WORKERS):
                _figure(run, 6)
        print(f"\n=== summary ({count:,} events, {args.store}, {os.cpu_count()} cores) ===")
        print("\n".join(run.lines))
    finally:
        if events is not None:
            events.remove()
        shutil.rmtree(folder, ignore_errors=True)
    print(f"the run took {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
