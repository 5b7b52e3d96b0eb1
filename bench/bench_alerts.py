"""What a day of alerts costs: evaluating a set of rules once per data version and once a day.

    python bench/bench_alerts.py [--rows 1000000] [--seed 0] [--rules 45]

Generates (or reuses, under bench/out/) a demo database of --rows events and evaluates rules of
every metric, three conditions (above, change, band) and three filters (none, a market, a
device) against its last complete day, as the alert timer does: first right after a new
version is loaded (nothing memoised: "cold"), then again on the same version (the daily pass:
"warm"). The rules' bookkeeping (a claim and a checked mark per rule) is timed on a separate
SQLite file. Prints the seconds per pass and per rule; a day is one cold pass per new version
plus one warm pass.
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
import time
from pathlib import Path

from data.alerts import conditions
from data.alerts.rules_store import AlertStore
from data.events.analysis.analytics import EventsAnalytics
from data.events.catalog import METRIC_NAMES
from data.events.stores.event_stores import SqliteStore
from testkit.demo import demo_database

KINDS = ({"kind": "above", "value": 1000}, {"kind": "change", "percent": 20}, {"kind": "band"})


def rules_for(analytics: EventsAnalytics, count: int) -> list[dict]:
    """count rules: each metric x condition x filter (none, the top market, the top device)."""
    values = analytics.dimensions()
    filters = [{}, {"market": [values["market"][0]["value"]]}]
    filters.append({"device": [values["device"][0]["value"]]})
    combos = itertools.product(METRIC_NAMES, KINDS, filters)
    rules = []
    for n, (metric, condition, where) in enumerate(itertools.islice(combos, count)):
        given = {
            "name": f"rule {n}",
            "metric": metric,
            "filters": where,
            "condition": condition,
            "channels": {"webhook": "http://127.0.0.1:9/"},
        }
        rules.append({**conditions.check_rule(given, "bench"), "id": n, "state": "ok"})
    return rules


def one_pass(analytics: EventsAnalytics, rules: list[dict]) -> float:
    started = time.perf_counter()
    for rule in rules:
        conditions.verdict(rule["condition"], conditions.read(analytics, rule))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rules", type=int, default=45)
    args = parser.parse_args()
    path = demo_database(args.rows, args.seed)
    analytics = EventsAnalytics(SqliteStore(path).versions())
    started = time.perf_counter()
    analytics.row_count()  # load the version (what every request pays once, not the alerts)
    load = time.perf_counter() - started
    rules = rules_for(analytics, args.rules)
    cold = one_pass(analytics, rules)
    warm = one_pass(analytics, rules)
    with tempfile.TemporaryDirectory() as folder:
        alerts = AlertStore(SqliteStore(Path(folder) / "alerts.sqlite"))
        alerts.ensure()
        started = time.perf_counter()
        for rule in rules:
            alerts.claim(f"rule:{rule['id']}", "version:bench")
            alerts.checked(rule["id"], 1.0)
        bookkeeping = time.perf_counter() - started
    n = len(rules)
    print(f"{args.rows:,} events, {n} rules (load of the version: {load:.2f} s, not counted)")
    print(f"  new version, cold:  {cold:.2f} s  ({cold / n * 1000:.1f} ms per rule)")
    print(f"  daily pass, warm:   {warm:.3f} s  ({warm / n * 1000:.2f} ms per rule)")
    print(f"  claims + marks:     {bookkeeping:.3f} s  ({bookkeeping / n * 1000:.2f} ms per rule)")
    print(f"  a day with 1 import: {cold + warm + 2 * bookkeeping:.2f} s of one worker's time")
    analytics.close()


if __name__ == "__main__":
    main()
