"""bench_scale's figures: latency percentiles, per-kind figures and the printed summary."""

from __future__ import annotations

import os

from scale_database import Target
from scale_serving import FIRST_URL, READY_URL

from testkit.serving import percentile

ROUTE_TARGET_MS = 200  # the title and cohort routes' p95 for a new combination at 10M events
# How people watch (issue 26): its routes, and the title page that gained binges, the season
# funnel and what comes next, answer a new combination at 10M events in p95 <= 100 ms.
VIEWING_TARGET_MS = 100
VIEWING_KINDS = ("when", "distribution", "stickiness", "binge", "title ?title=", "title ?series=")


def ms_text(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def stats(seconds: list[float]) -> dict:
    """p50 / p95 / max in ms."""
    ms = [s * 1000 for s in seconds]
    return {
        "count": len(ms),
        "p50_ms": percentile(ms, 50),
        "p95_ms": percentile(ms, 95),
        "max_ms": max(ms) if ms else float("nan"),
    }


def line_of(figures: dict) -> str:
    return (
        f"p50 {figures['p50_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms, "
        f"max {figures['max_ms']:.1f} ms ({figures['count']} requests)"
    )


def by_kind(questions, seconds) -> dict:
    kinds: dict[str, list[float]] = {}
    for q, s in zip(questions, seconds, strict=True):
        kinds.setdefault(q.label, []).append(s)
    return {kind: stats(values) for kind, values in sorted(kinds.items())}


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
        f"{ms_text(first['create_app_to_answer_s'])} from create_app to the answer of {FIRST_URL} "
        f"(status {first['status']}, engine load {ms_text(first['engine_load_s'])})"
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
        f"{line_of(load)}, {len(load['errors'])} errors; {load['workers_served']}/{args.workers} "
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
    print(f"4. warm ({warm})  {line_of(f['warm'])}")
    print(f"5. new combinations         {line_of(f['new'])}, {len(f['new']['errors'])} errors")
    for kind, figures in f["new_by_kind"].items():
        print(f"   {kind:24} {line_of(figures)}")
    routes = f.get("routes")
    if routes:
        names = f["route_names"]
        print(
            f"   title and cohort routes, new combinations ({args.new_route_combos} per kind; "
            f"/data/title/ over {names['titles']} titles and {names['shows']} shows): "
            f"{line_of(routes)}, {len(routes['errors'])} errors"
        )
        for kind, figures in f["routes_by_kind"].items():
            target = VIEWING_TARGET_MS if kind in VIEWING_KINDS else ROUTE_TARGET_MS
            verdict = "met" if figures["p95_ms"] <= target else "MISSED"
            print(f"   {kind:24} {line_of(figures)}  p95 <= {target} ms: {verdict}")
    if duck is None:
        why = "--no-duckdb" if args.no_duckdb else "DuckDB loads the SQLite file's rows"
        print(f"6. duckdb                   skipped ({why})")
    else:
        print(
            f"6. duckdb {duck['version']} ({duck['threads']} threads), in memory: load "
            f"{duck['load_s']:.1f} s; same {duck['count']} combinations: {line_of(duck)}"
        )
        for kind, figures in f["duckdb_by_kind"].items():
            print(f"   {kind:24} {line_of(figures)}")
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
