"""Reliability: one hostile address cannot starve the others (admission by cost, `make serve`).

Twenty connections from 127.0.0.2 ask the dearest legal answers, MCP calls and layouts as fast
as they can, within every count limit; meanwhile a probe from 127.0.0.3 keeps p95 <= 100 ms and
a person's page (Chromium, from 127.0.0.1) draws every chart.
"""

from __future__ import annotations

import time

from selenium.webdriver.support.ui import WebDriverWait

from testkit.attack import Attack, probe
from testkit.chromium import PAGE_READY_JS

ATTACK_SECONDS = 20
PROBE_P95_MS = 100.0


def test_a_hostile_address_leaves_others_fast_answers_and_a_usable_page(serve, chrome):
    # The limits as shipped (RATELIMIT_ENABLED and the admission defaults); 3 workers on 2 cores.
    server = serve(workers=3, RATELIMIT_ENABLED="true")
    calm = probe(server.base_url, 5)
    with Attack(server.base_url, connections=20, seconds=ATTACK_SECONDS) as attack:
        time.sleep(2)
        hot = probe(server.base_url, 10)
        started = time.perf_counter()
        chrome.get(server.url("/"))
        WebDriverWait(chrome, 30, poll_frequency=0.2).until(
            lambda d: d.execute_script(PAGE_READY_JS)
        )
        page_seconds = time.perf_counter() - started
    print(
        f"\n[fair share] probe p50/p95/max ms: calm {calm['p50']:.0f}/{calm['p95']:.0f}/"
        f"{calm['max']:.0f}, under attack {hot['p50']:.0f}/{hot['p95']:.0f}/{hot['max']:.0f}; "
        f"page drawn in {page_seconds:.1f} s; hostile answers {attack.statuses}"
    )
    assert set(hot["statuses"]) == {200}, hot
    assert hot["p95"] <= PROBE_P95_MS, hot
    # The hostile address was refused (429) past its budget, not served without end.
    assert attack.statuses.get(429, 0) > 0, attack.statuses
    assert attack.statuses.get(200, 0) > 0, attack.statuses
    problems = [
        entry["message"]
        for entry in chrome.get_log("browser")
        if entry["level"] == "SEVERE" and "favicon" not in entry["message"]
    ]
    assert problems == [], problems
