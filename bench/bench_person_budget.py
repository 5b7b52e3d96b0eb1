"""What a person's use of the page costs against the admission budget (CPU seconds a client).

    python bench/bench_person_budget.py [--rows 10000000]

Builds (or reuses) bench_scale's SQLite store of --rows demo events, then, in one process with
the memos off (every view new), posts the dashboard's callbacks of each of bench_callbacks'
views (the page load and what each control change asks) and prints their CPU seconds, beside
ADMISSION_CPU_BURST and ADMISSION_CPU_PER_MINUTE's defaults. A person fits when a view costs
less than the burst and a minute of steady clicking less than the budget.
"""

from __future__ import annotations

import argparse
import sys
import time

from bench_callbacks import VIEWS, callback_cases
from scale_database import prepare_database, uncached_app

from config import load_config
from testkit.dash_client import DashCallbacks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    args = parser.parse_args(argv)
    target, _ = prepare_database(args.rows, 0, "sqlite", "")
    app = uncached_app(target, "person-budget")
    defaults = load_config({"AUTH": "off"})
    burst, per_minute = defaults["ADMISSION_CPU_BURST"], defaults["ADMISSION_CPU_PER_MINUTE"]
    client = app.server.test_client()
    callbacks = DashCallbacks.for_flask(client)
    print(f"{args.rows:,} events; memos off; budget {per_minute:g} CPU s a minute, burst {burst:g}")
    print(f"{'CPU s':>7} {'callbacks':>9}  view (its whole page load)")
    worst = 0.0
    for name, view in VIEWS:
        started, count = time.thread_time(), 0
        for _case, first_output, values, _url in callback_cases(view):
            response = callbacks.post(first_output, None, values)
            if response.status_code != 200:
                raise SystemExit(f"{name}: {first_output} answered {response.status_code}")
            count += 1
        spent = time.thread_time() - started
        worst = max(worst, spent)
        print(f"{spent:>7.2f} {count:>9}  {name}")
    verdict = "OK" if worst < burst else "MISSED"
    print(
        f"dearest view {worst:.2f} CPU s: within the burst ({burst:g} s): {verdict}; "
        f"{per_minute / max(worst, 1e-9):.0f} such views a minute within the budget"
    )
    return 0 if worst < burst else 1


if __name__ == "__main__":
    sys.exit(main())
