"""Benchmark: dashboard callback latency at 1M events, and time to interactive in headless Chromium.

    python bench/bench_callbacks.py [--rows 1000000] [--repeat 30] [--no-browser]

Generates (or reuses) bench/out/demo_<rows>_seed0.sqlite, builds the real app, then
1. posts every dashboard callback to /_dash-update-component through the Flask test client,
   warm (same view again) and for views not asked before, beside the /data route for the same
   parameters (the ratio is the Dash layer's cost on top of the shared analysis);
2. serves the app on localhost and measures, in Chromium, the time from navigation start until
   the three charts are drawn and the KPI cards are filled (cold browser cache, then reloads).
Targets: warm callbacks <= 50 ms; interactive <= 2 s.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import threading
import time

from callbacks.state import ViewState, from_store
from layouts import ids
from testkit.dash_client import DashCallbacks
from testkit.demo import build_app, demo_database
from web import services

WARM_TARGET_MS = 50.0
TTI_TARGET_S = 2.0

# Views (URL query -> the state the charts get) measured warm and cold.
VIEWS = [
    ("all days, daily", {"resolution": "daily", "num": 10}),
    (
        "March, weekly, series",
        {
            "resolution": "weekly",
            "num": 10,
            "start": "2025-03-01",
            "end": "2025-03-31",
            "sessiontype": "SERIES",
        },
    ),
    (
        "H2, monthly, movies, top 50",
        {"resolution": "monthly", "num": 50, "start": "2025-07-01", "sessiontype": "MOVIE"},
    ),
    (
        "Q3 weekly by device, compare",
        {
            "resolution": "weekly",
            "start": "2025-07-01",
            "end": "2025-09-30",
            "breakdown": "device",
            "compare": True,
        },
    ),
    (
        "iPad+TV, views, compare",
        {"device": ["Smart TV", "iPad"], "chart1": "views", "chart2": "completion_rate",
         "compare": True},
    ),
]  # fmt: skip


def _state(view: dict) -> dict:
    state = ViewState().to_store()
    state.update(view)
    return state


def _post(callbacks: DashCallbacks, body: dict) -> float:
    """Seconds for one POST; fails loudly on anything but 200."""
    started = time.perf_counter()
    response = callbacks.send(body)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{body['output']}: {response.status_code} {response.data[:200]}")
    return elapsed


def callback_cases(view: dict) -> list[tuple[str, str, dict, str | None]]:
    """(name, first output id, payload values, /data URL with the same parameters)."""
    from urllib.parse import parse_qsl, urlencode

    state = _state(view)
    view_state = from_store(state)
    state_key = f"{ids.STATE}.data"
    filter_keys = ("start", "end", "sessiontype", "device", "market")
    filters = urlencode(
        [(k, v) for k, v in parse_qsl(view_state.query().lstrip("?")) if k in filter_keys]
    )
    series = urlencode(
        [("resolution", view_state.resolution)]
        + ([("breakdown", view_state.breakdown)] if view_state.breakdown else [])
    )
    search = view_state.query()
    theme = {state_key: state, f"{ids.THEME_SWITCH}.value": False}
    chart1, chart2 = view_state.chart1, view_state.chart2
    kpis = f"/data/kpis/?{filters}" + ("&compare=previous" if view_state.compare else "")
    return [
        ("URL -> controls + state", ids.URL, {f"{ids.URL}.search": search}, None),
        (f"{chart1} chart", ids.CHART1_GRAPH, theme, f"/data/{chart1}/?{series}&{filters}"),
        (
            f"{chart2} chart",
            ids.CHART2_GRAPH,
            theme,
            f"/data/{chart2}/?{series}&{filters}",
        ),
        ("toplist chart", ids.TOPLIST_GRAPH, theme, f"/data/toplist/?num={state['num']}&{filters}"),
        ("KPI cards", ids.KPI_UNIQUE_USERS, {state_key: state}, kpis),
        (
            "filter options",
            ids.DIMENSION_FILTERS["device"],
            {state_key: state},
            f"/data/dimensions/?{filters}",
        ),
        (
            "toplist CSV",
            ids.TOPLIST_DOWNLOAD,
            {state_key: state, f"{ids.TOPLIST_CSV_BUTTON}.n_clicks": 1},
            None,
        ),
    ]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:7.2f}"


def bench_callbacks(app, repeat: int) -> float:
    """Print warm and first-time latencies per callback; return the worst warm median (s)."""
    client = app.server.test_client()
    callbacks = DashCallbacks.for_flask(client)
    analytics = services.analytics(app.server)
    started = time.perf_counter()
    analytics.date_bounds()  # the one full read of the table, after start-up
    print(f"first load of {analytics.row_count():,} events: {time.perf_counter() - started:.2f} s")
    # The URL callback runs on page load with nothing triggered; the others on their first input.
    triggered = {ids.URL: []}
    worst = 0.0
    header = f"{'view':28} {'callback':26} {'first ms':>9} {'warm med':>9} {'warm p95':>9}"
    print(f"\n{header} {'/data ms':>9} {'ratio':>6}")
    for view_name, view in VIEWS:
        for name, first_output, values, data_url in callback_cases(view):
            body = callbacks.body(first_output, None, values, triggered.get(first_output))
            first = _post(callbacks, body)
            warm = sorted(_post(callbacks, body) for _ in range(repeat))
            median = statistics.median(warm)
            p95 = warm[int(0.95 * (len(warm) - 1))]
            worst = max(worst, median)
            line = f"{view_name:28} {name:26} {_ms(first):>9} {_ms(median):>9} {_ms(p95):>9}"
            if data_url:
                client.get(data_url)
                data = statistics.median(
                    _timed(lambda url=data_url: client.get(url)) for _ in range(repeat)
                )
                line += f" {_ms(data):>9} {median / data:5.1f}x"
            print(line)
    return worst


def _timed(call) -> float:
    started = time.perf_counter()
    response = call()
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{response.status_code} {response.data[:200]}")
    return elapsed


# The page opened plain, weekly, and with a breakdown and the comparison.
TTI_VIEWS = ("", "?resolution=weekly", "?resolution=weekly&breakdown=device&compare=previous")

READY_ASYNC_JS = """
const done = arguments[arguments.length - 1];
function ready() {
  const graphs = document.querySelectorAll('.js-plotly-plot .main-svg');
  const kpi = document.getElementById('kpi-views');
  const loading = document.querySelectorAll('[data-dash-is-loading="true"]');
  return graphs.length >= 3 && kpi && kpi.textContent.trim() !== '–' && loading.length === 0
    && document.querySelector('#toplist-graph .js-plotly-plot').data;
}
(function poll() {
  if (ready()) { done(performance.now()); } else { setTimeout(poll, 5); }
})();
"""


def bench_browser(app, loads: int) -> float | None:
    """Serve the app on localhost; print time to interactive; return the median of reloads (s)."""
    from werkzeug.serving import make_server

    from testkit.chromium import viewport_chrome

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/"
    driver = viewport_chrome(1400, 1000)
    driver.set_script_timeout(30)
    try:
        times = []
        for attempt in range(loads + 1):
            driver.get(url + TTI_VIEWS[attempt % len(TTI_VIEWS)])
            times.append(driver.execute_async_script(READY_ASYNC_JS) / 1000)
        first, rest = times[0], sorted(times[1:])
        print("\ntime to interactive in Chromium (navigation start -> 3 charts + KPIs drawn):")
        print(f"  first load (empty browser cache): {first:.3f} s")
        print(
            f"  reloads: median {statistics.median(rest):.3f} s, "
            f"max {rest[-1]:.3f} s over {len(rest)} loads"
        )
        return statistics.median(rest)
    finally:
        driver.quit()
        server.shutdown()


def main(argv: list[str] | None = None) -> None:
    """Run both benchmarks and print the figures against the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--loads", type=int, default=6, help="browser page loads to time")
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args(argv)

    db_path = demo_database(args.rows)
    app = build_app(db_path)
    worst = bench_callbacks(app, args.repeat)
    verdict = "OK" if worst * 1000 <= WARM_TARGET_MS else "OVER TARGET"
    print(
        f"\nslowest warm callback median: {worst * 1000:.2f} ms "
        f"(target <= {WARM_TARGET_MS:.0f} ms): {verdict}"
    )
    if not args.no_browser:
        tti = bench_browser(app, args.loads)
        if tti is not None:
            verdict = "OK" if tti <= TTI_TARGET_S else "OVER TARGET"
            print(f"time to interactive: {tti:.3f} s (target <= {TTI_TARGET_S:.0f} s): {verdict}")


if __name__ == "__main__":
    main()
