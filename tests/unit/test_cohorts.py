"""GET /data/retention/ and /data/lifecycle/: hand-computed cases on small SQLite files."""

from __future__ import annotations

import itertools

import pytest

from tests.unit.cohort_support import make_db


@pytest.fixture
def events(make_app, tmp_path):
    """Factory: events(rows) -> a test client of an app over a database of just those rows."""
    made = itertools.count()

    def client(rows: list[tuple]):
        path = tmp_path / f"events{next(made)}.sqlite"
        make_db(path, rows)
        return make_app(DATABASE_URL=f"sqlite:///{path}").server.test_client()

    return client


def get(client, route: str, query: str = ""):
    response = client.get(f"/data/{route}/?{query}")
    assert response.status_code == 200, response.data
    assert response.mimetype == "application/json"
    return response.get_json()


def life(date: str, new=0, returning=0, resurrecting=0, dormant=0) -> dict:
    return {
        "date": date,
        "new": new,
        "returning": returning,
        "resurrecting": resurrecting,
        "dormant": dormant,
    }


# --------------------------------------------------------------------------------------------
# Hand-computed cases

# a: the weeks of 3, 17 and 31 March 2025 (a Sunday among them); b: every week from 10 March.
ALTERNATE = [
    ("2025-03-03 08:00:00", "a"),
    ("2025-03-23 23:59:59", "a"),  # Sunday: still the week of 17 March
    ("2025-04-02 12:00:00", "a"),
    ("2025-04-02 13:00:00", "a"),
    *((f"2025-{day} 20:00:00", "b") for day in ("03-10", "03-18", "03-26", "04-03", "04-07")),
]


def test_alternate_weeks(events):
    client = events(ALTERNATE)
    assert get(client, "retention") == [
        {"cohort": "2025-03-03", "size": 1, "retained": [1, 0, 1, 0, 1, 0]},
        {"cohort": "2025-03-10", "size": 1, "retained": [1, 1, 1, 1, 1]},
    ]
    assert get(client, "lifecycle") == [
        life("2025-03-03", new=1),
        life("2025-03-10", new=1, dormant=1),
        life("2025-03-17", returning=1, resurrecting=1),
        life("2025-03-24", returning=1, dormant=1),
        life("2025-03-31", returning=1, resurrecting=1),
        life("2025-04-07", returning=1, dormant=1),
    ]
    assert get(client, "retention", "resolution=weekly&periods=8") == get(client, "retention")


# c: seen in February, back on 12 March; d: 6 and 11 March; e: 13 March only; f: 4 March only.
AROUND_START = [
    ("2025-02-03 10:00:00", "c"),
    ("2025-03-12 10:00:00", "c"),
    ("2025-03-06 10:00:00", "d"),
    ("2025-03-11 10:00:00", "d"),
    ("2025-03-13 10:00:00", "e"),
    ("2025-03-04 10:00:00", "f"),
]


def test_a_cohort_cut_by_start_counts_only_the_days_from_start(events):
    client = events(AROUND_START)
    # Wednesday 5 March: f (Tuesday) is left out, c's cohort is its first week in the range.
    assert get(client, "retention", "start=2025-03-05&end=2025-03-16&cohort=in_range") == [
        {"cohort": "2025-03-03", "size": 1, "retained": [1, 1]},
        {"cohort": "2025-03-10", "size": 2, "retained": [2]},
    ]
    assert get(client, "retention", "start=2025-03-03&end=2025-03-16&cohort=in_range") == [
        {"cohort": "2025-03-03", "size": 2, "retained": [2, 1]},
        {"cohort": "2025-03-10", "size": 2, "retained": [2]},
    ]
    # end cuts a week too: 12 and 13 March are out.
    for cohort in ("in_range", "first_ever"):
        assert get(client, "retention", f"start=2025-03-05&end=2025-03-11&cohort={cohort}") == [
            {"cohort": "2025-03-03", "size": 1, "retained": [1, 1]},
        ]


def test_users_seen_before_the_range_are_in_no_cohort_by_default(events):
    client = events(AROUND_START)
    # c watched in February: first seen before the range, so in none of its cohorts (with
    # cohort=in_range, in the week of 10 March); f watched on Tuesday 4 March, before start.
    assert get(client, "retention", "start=2025-03-05&end=2025-03-16") == [
        {"cohort": "2025-03-03", "size": 1, "retained": [1, 1]},
        {"cohort": "2025-03-10", "size": 1, "retained": [1]},
    ]
    assert get(client, "retention", "start=2025-03-03&end=2025-03-16&cohort=FIRST_EVER") == [
        {"cohort": "2025-03-03", "size": 2, "retained": [2, 1]},
        {"cohort": "2025-03-10", "size": 1, "retained": [1]},
    ]
    # Without start nobody was seen before: both definitions agree.
    assert get(client, "retention") == get(client, "retention", "cohort=in_range")
    assert get(client, "retention")[0] == {
        "cohort": "2025-02-03",
        "size": 1,
        "retained": [1, 0, 0, 0, 0, 1],
    }


def test_first_ever_is_among_the_events_the_filters_match(events):
    client = events(DEVICES)
    # g watched on an iPad in the week before, but on a Computer first on 10 March; h on a
    # Computer on 4 March already.
    assert get(client, "retention", "start=2025-03-10&device=Computer") == [
        {"cohort": "2025-03-10", "size": 1, "retained": [1]},
    ]
    assert get(client, "retention", "start=2025-03-10&device=Computer&cohort=in_range") == [
        {"cohort": "2025-03-10", "size": 2, "retained": [2]},
    ]
    assert get(client, "retention", "start=2025-03-10") == []


def test_history_before_start_counts_in_the_lifecycle(events):
    client = events(AROUND_START)
    # c was first seen in February: back after a gap, never new; f's Tuesday counts (history).
    assert get(client, "lifecycle", "start=2025-03-10&end=2025-03-16") == [
        life("2025-03-10", new=1, returning=1, resurrecting=1, dormant=1),
    ]
    assert get(client, "lifecycle", "start=2025-03-05&end=2025-03-16") == [
        life("2025-03-03", new=2),
        life("2025-03-10", new=1, returning=1, resurrecting=1, dormant=1),
    ]
    # Days after end do not count: c (12 March) and e (13 March) are not active yet.
    assert get(client, "lifecycle", "start=2025-03-10&end=2025-03-11") == [
        life("2025-03-10", returning=1, dormant=1),
    ]


# g: on an iPad in the week of 3 March, on a Computer the next week; h: a Computer both weeks.
DEVICES = [
    ("2025-03-03 10:00:00", "g", "iPad"),
    ("2025-03-10 10:00:00", "g", "Computer"),
    ("2025-03-04 10:00:00", "h", "Computer"),
    ("2025-03-11 10:00:00", "h", "Computer", "NO", "SERIES"),
]


def test_dimension_filters_choose_the_events_users_are_seen_by(events):
    client = events(DEVICES)
    assert get(client, "retention", "device=Computer") == [
        {"cohort": "2025-03-03", "size": 1, "retained": [1, 1]},
        {"cohort": "2025-03-10", "size": 1, "retained": [1]},
    ]
    # Without end the last period is the last matching event's; with one it is end's.
    assert get(client, "retention", "device=iPad") == [
        {"cohort": "2025-03-03", "size": 1, "retained": [1]},
    ]
    assert get(client, "retention", "device=iPad&end=2025-03-16") == [
        {"cohort": "2025-03-03", "size": 1, "retained": [1, 0]},
    ]
    assert get(client, "retention", "sessiontype=SERIES&market=NO") == [
        {"cohort": "2025-03-10", "size": 1, "retained": [1]},
    ]
    assert get(client, "lifecycle", "device=Computer") == [
        life("2025-03-03", new=1),
        life("2025-03-10", new=1, returning=1),
    ]
    assert get(client, "lifecycle", "device=iPad&device=Computer") == [
        life("2025-03-03", new=2),
        life("2025-03-10", returning=2),
    ]
    assert get(client, "retention", "device=Toaster") == []
    assert get(client, "lifecycle", "device=Toaster") == []


def test_null_userid_is_no_user(events):
    client = events(
        [
            ("2025-03-03 10:00:00", "a"),
            ("2025-03-04 10:00:00", None),
            ("2025-03-11 10:00:00", None),  # a matching event: the range reaches its week
        ]
    )
    assert get(client, "retention") == [{"cohort": "2025-03-03", "size": 1, "retained": [1, 0]}]
    assert get(client, "lifecycle") == [
        life("2025-03-03", new=1),
        life("2025-03-10", dormant=1),
    ]


def test_periods_and_the_data_s_last_period_limit_retained(events):
    client = events([(f"2025-03-{3 + 7 * week:02d} 10:00:00", "a") for week in range(4)])
    assert get(client, "retention", "periods=3") == [
        {"cohort": "2025-03-03", "size": 1, "retained": [1, 1, 1]},
    ]
    full = [{"cohort": "2025-03-03", "size": 1, "retained": [1, 1, 1, 1]}]
    assert get(client, "retention") == full
    assert get(client, "retention", "periods=52&end=2026-06-30") == full  # never past the data
    assert get(client, "retention", "periods=1&resolution=MONTHLY") == [
        {"cohort": "2025-03-01", "size": 1, "retained": [1]},
    ]
    assert get(client, "retention", "start=2025-04-01") == []


def test_monthly(events):
    client = events(
        [
            ("2025-01-31 23:00:00", "a"),
            ("2025-03-01 00:00:00", "a"),
            ("2025-02-01 00:00:00", "b"),
            ("2025-02-28 12:00:00", "b"),
        ]
    )
    assert get(client, "retention", "resolution=monthly") == [
        {"cohort": "2025-01-01", "size": 1, "retained": [1, 0, 1]},
        {"cohort": "2025-02-01", "size": 1, "retained": [1, 0]},
    ]
    assert get(client, "lifecycle", "resolution=monthly") == [
        life("2025-01-01", new=1),
        life("2025-02-01", new=1, dormant=1),
        life("2025-03-01", resurrecting=1, dormant=1),
    ]
    # 28 February is cut off: b is in February's cohort by the 1st alone.
    assert get(client, "retention", "resolution=monthly&start=2025-02-01&end=2025-02-27") == [
        {"cohort": "2025-02-01", "size": 1, "retained": [1]},
    ]
    # a watched in January: from February, in March's cohort only when the range decides.
    query = "resolution=monthly&start=2025-02-01"
    assert get(client, "retention", query) == [
        {"cohort": "2025-02-01", "size": 1, "retained": [1, 0]},
    ]
    assert get(client, "retention", f"{query}&cohort=in_range") == [
        {"cohort": "2025-02-01", "size": 1, "retained": [1, 0]},
        {"cohort": "2025-03-01", "size": 1, "retained": [1]},
    ]
    daily = get(client, "lifecycle", "resolution=daily&start=2025-02-27&end=2025-03-01")
    assert daily == [
        life("2025-02-27"),
        life("2025-02-28", resurrecting=1),
        life("2025-03-01", new=0, resurrecting=1, dormant=1),
    ]


def test_lifecycle_is_zero_filled_as_the_time_series_are(events, make_app, db_path):
    client = events(ALTERNATE)
    query = "start=2025-02-24&end=2025-03-09"
    rows = get(client, "lifecycle", query)
    series = get(client, "unique_users", f"resolution=weekly&{query}")
    assert [r["date"] for r in rows] == [r["date"] for r in series] == ["2025-02-24", "2025-03-03"]
    assert rows == [life("2025-02-24"), life("2025-03-03", new=1)]
    assert get(client, "lifecycle", "start=2030-01-01") == []
    empty = make_app(DATABASE_URL=f"sqlite:///{db_path}").server.test_client()
    assert get(empty, "retention") == [] and get(empty, "lifecycle") == []
    assert get(empty, "lifecycle", "start=2025-01-06&end=2025-01-13") == [
        life("2025-01-06"),
        life("2025-01-13"),
    ]
