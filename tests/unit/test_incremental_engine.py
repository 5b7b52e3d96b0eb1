"""The incremental engine's own promises: a change rebuilds the pieces of its days only, cold
months are compacted, a failed or rolled-back build never leaves anything that is used."""

from __future__ import annotations

import sqlite3

import pytest

from data.events.analysis.analytics import EventsAnalytics
from data.events.ingest.csv_import import import_records
from data.events.rollup import partitions
from data.events.rollup.files import rollup_root
from data.events.rollup.sqlite_source import publish_committed
from data.events.stores import sqlite_store
from data.events.stores.sqlite_store import COLUMN_NAMES, INSERT_SQL


def event(day: str, user: str = "u1", title: str = "Heat", minutes: int = 10) -> tuple:
    values = {"event_date": f"{day} 12:00:00", "userid": user, "title": title}
    values |= {"totalminuteswatched": minutes, "viewpercentage": 95.0, "sessiontype": "MOVIE"}
    values |= {"device": "iPad", "market": "NO", "contentid": title}
    return tuple(values.get(name) for name in COLUMN_NAMES)


def write(path, rows) -> None:
    """Rows committed as another program would (plain sqlite3)."""
    with sqlite3.connect(path) as conn:
        conn.executemany(INSERT_SQL, rows)
    conn.close()


def pieces(path) -> dict[tuple[int, int], str]:
    state = partitions.load_state(rollup_root(path))
    return {(e.first_day, e.last_day): e.name for e in state.entries}


@pytest.fixture
def store(tmp_path):
    """Two cold months (January, February) and days of March, the hot month."""
    path = tmp_path / "events.sqlite"
    conn = sqlite_store.connect(path)
    sqlite_store.ensure_schema(conn)
    conn.close()
    days = ["2024-01-05", "2024-01-20", "2024-02-10", "2024-03-01", "2024-03-02", "2024-03-03"]
    write(path, [event(day, user=f"u{i}") for i, day in enumerate(days)])
    publish_committed(path)
    return path


def test_the_hot_month_is_made_of_days_the_others_of_months(store):
    spans = sorted(pieces(store))
    assert len(spans) == 5  # January, February, and 1, 2 and 3 March
    assert [last - first for first, last in spans] == [30, 28, 0, 0, 0]


def test_an_append_to_a_day_rebuilds_that_day_only(store):
    before = pieces(store)
    write(store, [event("2024-03-03", user="new")])
    publish_committed(store)
    after = pieces(store)
    changed = {span for span in after if after[span] != before.get(span)}
    assert len(changed) == 1 and next(iter(changed))[0] == next(iter(changed))[1]
    assert EventsAnalytics(store).kpis()["unique_users"] == 7


def test_a_late_row_rebuilds_its_month_only_and_a_new_month_compacts_the_last(store):
    before = pieces(store)
    write(store, [event("2024-01-31", user="late")])
    publish_committed(store)
    after = pieces(store)
    assert {span for span in after if after[span] != before.get(span)} == {(19723, 19753)}
    write(store, [event("2024-04-01", user="april")])
    publish_committed(store)
    spans = sorted(pieces(store))
    # March became one month piece; April is the hot month, one piece for its day.
    assert [last - first for first, last in spans] == [30, 28, 30, 0]
    engine = EventsAnalytics(store)
    assert engine.kpis()["views"] == 8
    assert [row["values"] for row in engine.timeseries("views", "monthly")] == [3, 1, 3, 1]


def test_a_rolled_back_import_is_never_served(store, tmp_path):
    """import-events publishes before it commits; when the commit does not happen, a later
    write of as many rows on the same day must not be mistaken for it."""
    conn = sqlite_store.connect(store)
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(INSERT_SQL, [event("2024-03-03", user="ghost", title="Ghost")])
    from data.events.rollup.sqlite_source import publish_before_commit

    publish_before_commit(conn, store)
    conn.rollback()
    conn.close()
    write(store, [event("2024-03-03", user="real", title="Real")])
    engine = EventsAnalytics(store)
    titles = [row["title"] for row in engine.toplist(10)]
    assert "Ghost" not in titles and "Real" in titles


def test_a_build_that_fails_midway_leaves_the_published_state(store, monkeypatch):
    before = pieces(store)
    state_file = rollup_root(store) / "pieces" / "state.json"
    state_before = state_file.read_bytes()
    write(store, [event("2024-02-11", user="x"), event("2024-03-03", user="y")])
    from data.events.rollup import incremental

    def broken(*args, **kwargs):
        raise RuntimeError("killed")

    monkeypatch.setattr(incremental, "build_piece", broken)
    with pytest.raises(RuntimeError):
        publish_committed(store)
    assert state_file.read_bytes() == state_before and pieces(store) == before
    monkeypatch.undo()
    publish_committed(store)
    folder = rollup_root(store) / "pieces"
    used = set(pieces(store).values())
    names = {p.name for p in folder.iterdir()} - {"state.json"}
    assert {n for n in names if not n.startswith("vocabulary-")} == used  # nothing left over
    assert EventsAnalytics(store).kpis()["views"] == 8


def test_an_import_appends_through_the_same_pieces(store):
    rows = [
        [
            f"2024-03-0{d} 10:00:00",
            f"imp{d}",
            "c",
            "iPad",
            "NO",
            "5",
            "",
            "95",
            "",
            "MOVIE",
            "Heat",
            "",
            "",
        ]
        for d in (3, 4)
    ]
    result = import_records(store, iter(enumerate(rows, start=1)))
    assert result.imported == 2
    assert EventsAnalytics(store).kpis()["views"] == 8
    assert (19786, 19786) in pieces(store)  # 2024-03-04 got its own day piece
