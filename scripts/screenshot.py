"""Take docs/screenshot.png of the real dashboard in headless Chromium (demo data, ~100k events).

python scripts/screenshot.py                      # serve the app on demo data, light, 1400x1000
python scripts/screenshot.py --dark --width 390 --height 844 --out /tmp/phone-dark.png
python scripts/screenshot.py --url http://127.0.0.1:8050/ --full-page
python scripts/screenshot.py --path '?top10=SERIES' --element top10-table --element lifecycle-graph
python scripts/screenshot.py --drop SE:0.4 --element morning-panel --out docs/screenshot-morning.png
"""

from __future__ import annotations

import argparse
import base64
import logging
import shutil
import sqlite3
import tempfile
import threading
import time
from pathlib import Path

from selenium import webdriver

from testkit.chromium import PAGE_READY_JS, viewport_chrome
from testkit.demo import build_app, demo_database

ROOT = Path(__file__).resolve().parent.parent


def planted_drop(database: Path, market: str, share: float) -> Path:
    """A copy of a demo database ending on its last Tuesday, on which `market` lost `share` of
    its events (issue 25's planted anomaly, for the "Since yesterday" panel)."""
    copy = Path(tempfile.mkdtemp(prefix="reelboard-drop-")) / "demo.sqlite"
    shutil.copy(database, copy)
    with sqlite3.connect(copy) as conn:
        (last,) = conn.execute("SELECT max(substr(event_date, 1, 10)) FROM movies").fetchone()
        (tuesday,) = conn.execute(
            "SELECT date(?, '-' || ((CAST(strftime('%w', ?) AS INTEGER) + 5) % 7) || ' days')",
            (last, last),
        ).fetchone()
        conn.execute("DELETE FROM movies WHERE substr(event_date, 1, 10) > ?", (tuesday,))
        conn.execute(
            "DELETE FROM movies WHERE substr(event_date, 1, 10) = ? AND market = ?"
            " AND abs(rowid * 7919) % 1000 < ?",
            (tuesday, market, round(share * 1000)),
        )
    conn.close()
    return copy


def serve_demo_app(rows: int, drop: str | None = None) -> str:
    """Start the real app on demo data in a background thread; return its URL."""
    from werkzeug.serving import make_server

    database = demo_database(rows)
    if drop:
        market, _, share = drop.partition(":")
        database = planted_drop(database, market, float(share or 0.4))
    app = build_app(database)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}/"


def wait_ready(driver: webdriver.Chrome, timeout: float = 30.0) -> None:
    """Wait for PAGE_READY_JS, then a moment for transitions to settle."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if driver.execute_script(PAGE_READY_JS):
            time.sleep(0.8)
            return
        time.sleep(0.1)
    raise TimeoutError("the dashboard did not finish rendering")


# The page-coordinates box around elements (by id), their cards included.
_BOX_JS = """
const boxes = arguments[0].map(id => document.getElementById(id))
  .map(e => (e.closest('.card') || e).getBoundingClientRect());
const left = Math.min(...boxes.map(b => b.left)), top = Math.min(...boxes.map(b => b.top));
const right = Math.max(...boxes.map(b => b.right)), bottom = Math.max(...boxes.map(b => b.bottom));
return [left + window.scrollX, top + window.scrollY, right - left, bottom - top];
"""


def take(
    url: str,
    out: Path,
    width: int,
    height: int,
    dark: bool,
    full_page: bool,
    elements: tuple[str, ...] = (),
) -> None:
    """Load url, set the theme, wait for the charts, write a PNG."""
    driver = viewport_chrome(width, height)
    try:
        driver.get(url)
        wait_ready(driver)
        switch = driver.find_element("id", "theme-switch")
        if switch.is_selected() != dark:
            driver.execute_script("arguments[0].click();", switch)
            time.sleep(0.3)
            wait_ready(driver)
        if full_page or elements:
            # The cards below the toplist are drawn when they come near the window.
            driver.execute_script("window.scrollTo({top: 1e6, behavior: 'instant'});")
            time.sleep(0.5)
            wait_ready(driver)
            driver.execute_script("window.scrollTo({top: 0, behavior: 'instant'});")
        params = {"format": "png", "captureBeyondViewport": full_page or bool(elements)}
        if elements:
            x, y, w, h = driver.execute_script(_BOX_JS, list(elements))
            margin = 8
            params["clip"] = {
                "x": max(0, x - margin),
                "y": max(0, y - margin),
                "width": w + 2 * margin,
                "height": h + 2 * margin,
                "scale": 1,
            }
        elif full_page:
            size = driver.execute_script(
                "return [document.documentElement.scrollWidth,"
                " document.documentElement.scrollHeight];"
            )
            params["clip"] = {"x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1}
        shot = driver.execute_cdp_cmd("Page.captureScreenshot", params)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(base64.b64decode(shot["data"]))
        print(f"wrote {out} ({width}x{height}{', dark' if dark else ''})")
    finally:
        driver.quit()


def main(argv: list[str] | None = None) -> None:
    """Parse the options and take the screenshot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="screenshot a running server instead of starting one")
    parser.add_argument(
        "--path", default="", help="path and query to open, e.g. '?resolution=weekly'"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=1000)
    parser.add_argument("--dark", action="store_true")
    parser.add_argument("--full-page", action="store_true")
    parser.add_argument(
        "--element",
        action="append",
        default=[],
        help="only the card(s) around this element id (repeatable: their union)",
    )
    parser.add_argument("--rows", type=int, default=100_000, help="demo events when serving")
    parser.add_argument(
        "--drop", help="MARKET:SHARE, e.g. SE:0.4: that market loses that share on the last Tuesday"
    )
    args = parser.parse_args(argv)
    base = args.url or serve_demo_app(args.rows, args.drop)
    take(
        base.rstrip("/") + "/" + args.path.lstrip("/"),
        args.out,
        args.width,
        args.height,
        args.dark,
        args.full_page,
        tuple(args.element),
    )


if __name__ == "__main__":
    main()
