"""Rows that hold the tutorial file's `<xx>` escapes as written (`sqlite3 .import`, a pipeline's
INSERTs) are analysed decoded on both stores: "p<e5>" and "på" name one title, value, user."""

from __future__ import annotations

import sqlite3

import pandas as pd
import psycopg

from data.events.analysis.analytics import EventsAnalytics
from data.events.params import Filters, parse_filters
from data.events.rollup import files as rollup_files
from data.events.rollup import model as rollup_module
from data.events.rollup.files import open_rollup, rollup_root, version_name
from data.events.rollup.sqlite_source import publish_committed
from data.events.stores.event_stores import PostgresStore, SqliteStore
from data.events.stores.pg_versions import PostgresVersions
from data.events.stores.sqlite_store import COLUMN_NAMES
from tests.unit.analysis_support import TUTORIAL_DDL, rollup_of
from tests.unit.test_postgres_store import answers

MENN = "Menn som stirrer på geiter"
# The 13 columns as the tutorial's CSV has them, escapes as written; one title, one device,
# one market and one user each come in several spellings.
ROWS = [
    ("2017-01-01 10:00:00", "u<e5>", "1", "Sm<e5>rt TV", "<c5>L", "10", "", "95", "", "MOVIE")
    + ("Menn som stirrer p<e5> geiter", "", ""),
    ("2017-01-01 11:00:00", "uå", "1", "Smårt TV", "ÅL", "20", "", "50", "", "MOVIE")
    + (MENN, "", ""),
    ("2017-01-02 12:00:00", "u2", "1", "iPad", "NO", "30", "", "", "", "MOVIE")
    + ("Menn som stirrer p<E5> geiter", "", ""),
    ("2017-01-02 13:00:00", "u2", "2", "iPad", "<c3><85>L", "40", "", "", "", "SERIES")
    + ("<d8>isteins Blyant, Episode 2", "1", "2"),
    ("2017-01-02 14:00:00", "u3", "3", "iPad", "", "5", "", "", "", "MOVIE", "Heat", "", ""),
]
TOPLIST = [
    {"title": MENN, "values": 3},
    {"title": "Heat", "values": 1},
    {"title": "Øisteins Blyant, Episode 2", "values": 1},
]
DIMENSIONS = {
    "device": [{"value": "iPad", "views": 3}, {"value": "Smårt TV", "views": 2}],
    "market": [
        {"value": "ÅL", "views": 3},
        {"value": "(none)", "views": 1},
        {"value": "NO", "views": 1},
    ],
    "sessiontype": [{"value": "MOVIE", "views": 4}, {"value": "SERIES", "views": 1}],
    "season": [{"value": "(none)", "views": 4}, {"value": "1", "views": 1}],
}
PG_DDL = """
CREATE TABLE movies (
    event_date timestamp, userid text, contentid text, device text, market text,
    totalminuteswatched bigint, runningtime bigint, viewpercentage double precision,
    errorperception double precision, sessiontype text, title text, seasonnumber bigint,
    episodenumber bigint
)"""
_NUMBERS = (5, 6, 7, 8, 11, 12)


def write_as_written(store) -> str:
    """The rows INSERTed as another program writes them (escapes kept); the DATABASE_URL."""
    if isinstance(store, SqliteStore):
        conn = sqlite3.connect(store.path)
        conn.execute(TUTORIAL_DDL)
        marks = ", ".join(["cast(? as text)"] * 13)  # as `sqlite3 .import` binds every field
        conn.executemany(f"insert into movies values ({marks})", ROWS)
        conn.commit()
        conn.close()
        return f"sqlite:///{store.path}"
    rows = [[None if i in _NUMBERS and v == "" else v for i, v in enumerate(row)] for row in ROWS]
    with psycopg.connect(store.url) as conn:
        conn.execute(PG_DDL)
        marks = ", ".join(["%s"] * 13)
        conn.cursor().executemany(f"INSERT INTO movies VALUES ({marks})", rows)
    return store.url


def test_data_answers_decoded_and_merged_on_either_store(make_app, event_store):
    client = make_app(DATABASE_URL=write_as_written(event_store)).server.test_client()
    assert client.get("/data/toplist/").get_json() == TOPLIST
    assert client.get("/data/dimensions/").get_json() == DIMENSIONS
    kpis = client.get("/data/kpis/").get_json()
    # "u<e5>" and "uå" are one user, as import-events would have stored both.
    assert (kpis["views"], kpis["unique_users"]) == (5, 3)
    assert client.get("/data/unique_users/").get_json() == [
        {"date": "2017-01-01", "values": 1},
        {"date": "2017-01-02", "values": 2},
    ]


def test_a_filter_value_matches_the_decoded_name_in_either_spelling(make_app, event_store):
    client = make_app(DATABASE_URL=write_as_written(event_store)).server.test_client()
    for market in ("ÅL", "<c5>L", "<C5>L", "<c3><85>L"):
        kpis = client.get("/data/kpis/", query_string={"market": market}).get_json()
        assert (kpis["views"], kpis["unique_users"]) == (3, 2), market
        top = client.get("/data/toplist/", query_string={"market": market}).get_json()
        assert top == [
            {"title": MENN, "values": 2},
            {"title": "Øisteins Blyant, Episode 2", "values": 1},
        ], market
    devices = client.get("/data/views/", query_string={"device": "Sm<e5>rt TV"}).get_json()
    assert devices == [{"date": "2017-01-01", "values": 2}]
    # What was never stored still matches nothing.
    assert client.get("/data/kpis/?market=%3Cc5%3E").get_json()["views"] == 0


def test_titles_stay_sorted_and_unique_when_spellings_merge():
    raw = pd.DataFrame(
        {
            "event_date": ["2017-01-01 10:00:00"] * 6,
            "userid": ["u"] * 6,
            "title": ["b", "p<e5>", "på", "a", "<c3><a5>", "p<E5>"],
        },
        dtype=object,
    )
    rollup = rollup_of(raw)
    assert rollup.titles == ("a", "b", "på", "å")
    assert sorted(set(rollup.title_code.tolist())) == [0, 1, 2, 3]
    views = dict(zip(rollup.total_title.tolist(), rollup.total_views.tolist(), strict=True))
    assert views == {0: 1, 1: 1, 2: 3, 3: 1}  # the three spellings of "på" add up


def test_a_rollup_built_under_the_previous_format_is_not_reused(tmp_path, monkeypatch):
    """Its names were read without decoding: the version folder of format 4 is another one."""
    store = SqliteStore(tmp_path / "tutorial.sqlite")
    write_as_written(store)
    root = rollup_root(store.path)
    monkeypatch.setattr(rollup_files, "FORMAT", 3)
    monkeypatch.setattr(rollup_module, "FORMAT", 3)
    fingerprint = publish_committed(store.path)
    old = version_name(fingerprint)
    monkeypatch.undo()
    assert (root / old).is_dir()
    assert version_name(fingerprint) != old
    assert open_rollup(root, fingerprint) is None  # so the first reader builds it anew
    assert publish_committed(store.path) == fingerprint
    assert open_rollup(root, fingerprint).titles == ("Heat", MENN, "Øisteins Blyant, Episode 2")


def test_the_rows_hold_the_escapes_as_written(event_store):
    """The premise: nothing decoded the stored text, only the analysis reads it decoded."""
    write_as_written(event_store)
    if isinstance(event_store, SqliteStore):
        conn = sqlite3.connect(event_store.path)
        titles = [title for (title,) in conn.execute("select title from movies order by rowid")]
        conn.close()
    else:
        with psycopg.connect(event_store.url) as conn:
            titles = [t for (t,) in conn.execute("SELECT title FROM movies ORDER BY ctid")]
    assert titles == [row[COLUMN_NAMES.index("title")] for row in ROWS]


def test_both_stores_answer_every_question_alike(tmp_path, pg_url, instance_dir):
    on_sqlite = SqliteStore(tmp_path / "tutorial.sqlite")
    write_as_written(on_sqlite)
    write_as_written(PostgresStore(pg_url, instance_dir))
    filters = [Filters(), Filters.of(market="ÅL"), Filters.of(device={"Smårt TV", "(none)"})]
    engines = [
        EventsAnalytics(PostgresVersions(pg_url, instance_dir / "rollups")),
        EventsAnalytics(on_sqlite.path),
    ]
    try:
        on_postgres, on_sqlite_answers = (answers(engine, filters) for engine in engines)
    finally:
        for engine in engines:
            engine.close()
    assert on_postgres == on_sqlite_answers
    assert on_postgres[repr(Filters()), "toplist"] == TOPLIST


def test_a_given_filter_value_is_decoded_like_the_names():
    filters = parse_filters({"market": ["<c5>L", "ÅL"], "device": "Ti <20> tips"})
    assert filters.values("market") == {"ÅL"}
    assert filters.values("device") == {"Ti <20> tips"}  # not a byte above 127: as written
