"""In real headless Chromium: a database whose rows another program dated 0001-01-01 and
9999-12-31 opens on the data's real span, and the page says how many rows it left out."""

from __future__ import annotations

import datetime as dt
import sqlite3

from data.events.stores.sqlite_store import CREATE_MOVIES
from layouts import ids
from tests.browser.test_dashboard import data_route, kpi_text, wait_ready, wait_until

NOW = dt.datetime(2026, 3, 10, 15, 30, tzinfo=dt.UTC)  # the app's clock: no test depends on today
ROWS = [
    ("2026-03-02 10:00:00", "a", 30, 95.0, "Heat", "MOVIE"),
    ("2026-03-03 10:00:00", "b", 20, 50.0, "Heat", "MOVIE"),
    ("2026-03-04 10:00:00", "c", 10, 95.0, "Up", "MOVIE"),
    ("9999-12-31 00:00:00", "d", 40, 95.0, "Late", "MOVIE"),
    ("0001-01-01 00:00:00", "e", 40, 95.0, "Old", "MOVIE"),
]


def test_the_page_opens_on_the_real_span_and_names_the_rows_left_out(make_app, start_app, tmp_path):
    path = tmp_path / "events.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute(CREATE_MOVIES)
        conn.executemany(
            "INSERT INTO movies (event_date, userid, totalminuteswatched, viewpercentage, title, "
            "sessiontype) VALUES (?, ?, ?, ?, ?, ?)",
            ROWS,
        )
    conn.close()
    app = make_app(DATABASE_URL=f"sqlite:///{path}", EVENTS_NOW=NOW.isoformat())
    duo = start_app(app)
    wait_ready(duo)
    assert data_route(app, "/data/kpis/")["views"] == 3
    wait_until(lambda: kpi_text(duo, ids.KPI_VIEWS).startswith("3"), "3 views on the card")
    summary = wait_until(lambda: duo.find_element(f"#{ids.DATA_SUMMARY}").text, "the summary")
    assert summary == "Events from 2026-03-02 to 2026-03-04"
    left_out = duo.find_element(f"#{ids.DATA_LEFT_OUT}")
    assert left_out.is_displayed()
    assert left_out.text == "2 events left out, dated before 1970-01-01 or after 2026-03-11"
    assert "EVENTS_EARLIEST_DATE" in left_out.get_attribute("title")
    assert duo.get_logs() == []
