"""Demo data: deterministic, shaped like the real events, written atomically; its commands."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from data.events.ingest import demo_data
from data.events.ingest.csv_import import import_csv
from data.events.ingest.demo_data import END_DATE, generate_demo
from data.events.ingest.text_decoding import decode_escapes
from data.events.stores.sqlite_store import count_rows, is_demo

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def rows(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT * FROM movies ORDER BY rowid").fetchall()


def query(path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


@pytest.fixture(scope="module")
def demo_100k(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo100k") / "demo.sqlite"
    assert generate_demo(path, rows=100_000, seed=0) == 100_000
    return path


def test_same_seed_same_rows_other_seed_other_rows(tmp_path):
    a, b, c = (tmp_path / f"{name}.sqlite" for name in "abc")
    generate_demo(a, rows=4_000, seed=7)
    generate_demo(b, rows=4_000, seed=7)
    generate_demo(c, rows=4_000, seed=8)
    assert rows(a) == rows(b)
    assert rows(a) != rows(c)


def test_rows_do_not_depend_on_chunk_size(tmp_path, monkeypatch):
    generate_demo(tmp_path / "big_chunks.sqlite", rows=6_000, seed=3)
    monkeypatch.setattr(demo_data, "CHUNK_ROWS", 500)
    generate_demo(tmp_path / "small_chunks.sqlite", rows=6_000, seed=3)
    assert rows(tmp_path / "big_chunks.sqlite") == rows(tmp_path / "small_chunks.sqlite")


def test_exact_row_count_and_demo_flag(tmp_path):
    for count in (0, 1, 2_345):
        path = tmp_path / f"d{count}.sqlite"
        assert generate_demo(path, rows=count) == count
        assert count_rows(path) == count
        assert is_demo(path)


def test_one_year_in_date_order_with_valid_timestamps(demo_100k):
    dates = [r[0] for r in query(demo_100k, "SELECT event_date FROM movies ORDER BY rowid")]
    assert dates == sorted(dates)
    first, last = dt.datetime.fromisoformat(dates[0]), dt.datetime.fromisoformat(dates[-1])
    assert first.date() == END_DATE - dt.timedelta(days=364) and last.date() == END_DATE
    assert all(len(d) == 19 and d[10] == " " for d in dates[::997])
    days = query(demo_100k, "SELECT COUNT(DISTINCT substr(event_date, 1, 10)) FROM movies")[0][0]
    assert days == 365


def test_users_devices_markets(demo_100k):
    users, user_len = query(
        demo_100k, "SELECT COUNT(DISTINCT userid), MIN(LENGTH(userid)) FROM movies"
    )[0]
    assert 2_000 <= users <= 10_000 and user_len == 32
    assert all(
        int(u, 16) >= 0 for (u,) in query(demo_100k, "SELECT DISTINCT userid FROM movies LIMIT 50")
    )
    devices = {d for (d,) in query(demo_100k, "SELECT DISTINCT device FROM movies")}
    assert {"Computer", "iPad", "iPhone", "Android", "Smart TV", "Chromecast"} <= devices
    markets = dict(query(demo_100k, "SELECT market, COUNT(*) FROM movies GROUP BY market"))
    assert {"NO", "SE", "DK", "FI", ""} == set(markets)
    assert 0.1 < markets[""] / 100_000 < 0.4


def test_titles_movies_and_series(demo_100k):
    movies = query(demo_100k, "SELECT COUNT(DISTINCT title) FROM movies WHERE sessiontype='MOVIE'")
    assert movies[0][0] >= 200
    series = query(
        demo_100k,
        "SELECT title, seasonnumber, episodenumber FROM movies WHERE sessiontype = 'SERIES'",
    )
    assert len(series) > 10_000
    assert all(", " in t and s >= 1 and e >= 1 for t, s, e in series)
    shows = {t.split(", ")[0] for t, _, _ in series}
    assert len(shows) >= 20
    assert max(s for _, s, _ in series) >= 3
    movie_meta = query(
        demo_100k,
        "SELECT COUNT(*) FROM movies WHERE sessiontype = 'MOVIE' "
        "AND (seasonnumber IS NOT NULL OR episodenumber IS NOT NULL)",
    )
    assert movie_meta[0][0] == 0


def test_demo_text_holds_no_escapes_the_importer_would_decode(demo_100k):
    # Demo rows are written directly, not through the CSV import; nor would an import of them
    # (a CSV export, say) change a value.
    for column in ("userid", "contentid", "device", "market", "sessiontype", "title"):
        values = [v for (v,) in query(demo_100k, f"SELECT DISTINCT {column} FROM movies")]
        assert [v for v in values if v and decode_escapes(v) != v] == [], column


def test_each_episode_has_its_own_title(demo_100k):
    episodes = query(
        demo_100k,
        "SELECT DISTINCT title, seasonnumber, episodenumber FROM movies "
        "WHERE sessiontype = 'SERIES'",
    )
    titles = [title for title, _, _ in episodes]
    assert len(titles) == len(set(titles)), "two episodes of a show share a name"
    pilots = [(t, s, e) for t, s, e in episodes if ", Pilot" in t]
    assert pilots and all((s, e) == (1, 1) for _, s, e in pilots)
    assert not any(title.startswith("A ") and title[2] in "AEIOU" for title in titles)


def test_about_four_percent_without_title_or_sessiontype(demo_100k):
    empty, both = query(
        demo_100k,
        "SELECT SUM(title = ''), SUM(title = '' AND sessiontype = '') FROM movies",
    )[0]
    assert 0.03 < empty / 100_000 < 0.05
    assert empty == both
    kinds = {k for (k,) in query(demo_100k, "SELECT DISTINCT sessiontype FROM movies")}
    assert kinds == {"MOVIE", "SERIES", ""}


def test_minutes_fit_the_running_time(demo_100k):
    data = query(
        demo_100k,
        "SELECT totalminuteswatched, runningtime, viewpercentage FROM movies "
        "WHERE runningtime IS NOT NULL",
    )
    assert all(m >= 1 for m, _, _ in data)
    assert all(abs(p - round(m / r * 100, 2)) < 1e-9 for m, r, p in data)
    within = sum(m <= r for m, r, _ in data) / len(data)
    assert 0.85 <= within < 1.0


def test_weekends_are_busier_and_the_year_grows(demo_100k):
    per_day = query(
        demo_100k,
        "SELECT substr(event_date, 1, 10) AS day, COUNT(*) FROM movies GROUP BY day ORDER BY day",
    )
    weekend, weekday = [], []
    for day, count in per_day:
        (weekend if dt.date.fromisoformat(day).weekday() >= 5 else weekday).append(count)
    assert sum(weekend) / len(weekend) > 1.2 * sum(weekday) / len(weekday)
    first_quarter = sum(c for d, c in per_day if d < "2025-04-01")
    last_quarter = sum(c for d, c in per_day if d >= "2025-10-01")
    assert last_quarter > 1.3 * first_quarter


def test_title_popularity_is_long_tailed(demo_100k):
    counts = [
        c
        for (c,) in query(
            demo_100k,
            "SELECT COUNT(*) AS n FROM movies WHERE title != '' GROUP BY title ORDER BY n DESC",
        )
    ]
    total = sum(counts)
    top_decile = sum(counts[: len(counts) // 10])
    assert top_decile / total > 0.4
    assert counts[0] / total < 0.15
    assert counts[-1] <= 5  # a long tail of rarely watched titles


def test_generate_replaces_existing_rows(db_path):
    import_csv(db_path, FIXTURES / "events_headerless.csv")
    assert not is_demo(db_path)
    generate_demo(db_path, rows=1_000, seed=2)
    assert count_rows(db_path) == 1_000
    assert "Love, Actually" not in {r[10] for r in rows(db_path)}
    assert is_demo(db_path)


def test_interrupted_generation_changes_nothing(demo_db, monkeypatch):
    before = rows(demo_db)
    real = demo_data._day_rows
    calls = []

    def failing(*args):
        calls.append(1)
        if len(calls) > 40:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(demo_data, "CHUNK_ROWS", 1_000)  # some chunks are inserted first
    monkeypatch.setattr(demo_data, "_day_rows", failing)
    with pytest.raises(KeyboardInterrupt):
        generate_demo(demo_db, rows=50_000, seed=9)
    assert rows(demo_db) == before


def test_demo_data_and_ensure_db_commands(make_app, tmp_path):
    target = tmp_path / "fresh" / "moviedb.sqlite"
    runner = make_app(DATABASE_URL=f"sqlite:///{target}").server.test_cli_runner()

    created = runner.invoke(args=["ensure-db"])
    assert created.exit_code == 0, created.output
    assert "created a demo database" in created.output
    assert "make import FILE=" in created.output  # how to swap it for real events
    assert count_rows(target) == 100_000 and is_demo(target)

    again = runner.invoke(args=["ensure-db"])
    assert again.exit_code == 0 and "existing database" in again.output

    result = runner.invoke(args=["demo-data", "--rows", "2500", "--seed", "4"])
    assert result.exit_code == 0, result.output
    assert "2500 demo events" in result.output
    assert count_rows(target) == 2_500

    bad = runner.invoke(args=["demo-data", "--rows", "-1"])
    assert bad.exit_code == 2 and "--rows" in bad.output
