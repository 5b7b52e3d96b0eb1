"""GET /data/retention/ and /data/lifecycle/: the demo data against a brute force, and errors."""

from __future__ import annotations

import datetime as dt

import pytest

from data.events.analysis import activity
from data.events.params import Filters
from tests.unit.cohort_support import brute_lifecycle, brute_retention, events_frame
from tests.unit.test_cohorts import get
from tests.unit.test_data_api import analytics_of, assert_json_error

# --------------------------------------------------------------------------------------------
# The demo data, against a brute force over its rows

D = dt.date
DEMO_FILTERS = [
    {},
    {"start": D(2025, 3, 5), "end": D(2025, 6, 18), "device": ["iPad"]},
    {"start": D(2025, 2, 10), "sessiontype": ["SERIES"], "market": ["NO", "(none)"]},
    {"end": D(2025, 9, 20), "device": ["Computer", "Smart TV"]},
]


def _query(filters: dict) -> str:
    parts = []
    for name, value in filters.items():
        values = value if isinstance(value, list) else [value.isoformat()]
        parts += [f"{name}={v}" for v in values]
    return "&".join(parts)


@pytest.fixture(params=["bitmap", "pairs"])
def demo_client(request, app, monkeypatch):
    """The demo app's client, activity as a bitmap or (as beyond 2**28 cells) sorted pairs."""
    if request.param == "pairs":
        monkeypatch.setattr(activity, "_MATRIX_CELLS", 0)
    return app.server.test_client()


@pytest.mark.parametrize("filters", DEMO_FILTERS, ids=["all", "cut-ipad", "series-no", "end"])
def test_demo_data_matches_a_brute_force(demo_client, demo_db, filters):
    frame = events_frame(demo_db)
    query = _query(filters)
    for resolution, periods in (("weekly", 8), ("monthly", 5), ("weekly", 52)):
        for cohort in ("first_ever", "in_range"):
            q = f"resolution={resolution}&periods={periods}&cohort={cohort}&{query}"
            answer = get(demo_client, "retention", q)
            assert answer == brute_retention(frame, resolution, periods, cohort=cohort, **filters)
            assert answer and all(row["retained"][0] == row["size"] for row in answer)
    for resolution in ("daily", "weekly", "monthly"):
        answer = get(demo_client, "lifecycle", f"resolution={resolution}&{query}")
        assert answer == brute_lifecycle(frame, resolution, **filters)


def test_answers_are_memoised_and_handed_out_fresh(app, client):
    analytics = analytics_of(app)
    first = analytics.retention("weekly", 4, Filters())
    first[0]["retained"].append(-1)
    first[0]["size"] = -1
    assert (
        analytics.retention("weekly", 4, Filters())
        == client.get("/data/retention/?periods=4").get_json()
    )
    assert analytics.retention("weekly", 4, Filters())[0]["size"] > 0
    rows = analytics.lifecycle("monthly", Filters())
    rows[0]["new"] = -1
    assert analytics.lifecycle("monthly", Filters())[0]["new"] > 0
    assert get(client, "lifecycle") == get(client, "lifecycle", "resolution=weekly")


# --------------------------------------------------------------------------------------------
# Errors


@pytest.mark.parametrize(
    ("query", "fragments"),
    [
        ("resolution=daily", ["resolution must be one of weekly, monthly", "'daily'"]),
        ("resolution=yearly", ["weekly, monthly"]),
        ("periods=0", ["periods must be an integer from 1 to 52", "got '0'"]),
        ("periods=53", ["from 1 to 52"]),
        ("periods=x", ["from 1 to 52", "'x'"]),
        ("periods=-1", ["from 1 to 52"]),
        ("periods=2.5", ["from 1 to 52"]),
        ("start=2025-02-30", ["start", "YYYY-MM-DD"]),
        ("end=tomorrow", ["end", "YYYY-MM-DD"]),
        ("start=2025-03-02&end=2025-03-01", ["must not be after end"]),
        ("sessiontype=EPISODE", ["MOVIE, SERIES"]),
        ("cohort=first", ["cohort must be one of first_ever, in_range", "'first'"]),
        ("cohort=in-range", ["cohort must be one of", "(default first_ever)"]),
    ],
)
def test_bad_retention_parameters_are_400(client, query, fragments):
    assert_json_error(client.get(f"/data/retention/?{query}"), 400, *fragments)


@pytest.mark.parametrize(
    ("query", "fragments"),
    [
        ("resolution=hourly", ["daily, weekly, monthly", "default weekly"]),
        ("start=2025-1-1", ["YYYY-MM-DD"]),
        ("start=0001-01-01&end=9999-12-31&resolution=daily", ["narrow start..end"]),
        ("device=" + "x" * 101, ["at most 100 characters"]),
    ],
)
def test_bad_lifecycle_parameters_are_400(client, query, fragments):
    assert_json_error(client.get(f"/data/lifecycle/?{query}"), 400, *fragments)


@pytest.mark.parametrize("route", ["retention", "lifecycle"])
def test_post_is_a_json_405_and_unknown_routes_name_these(client, route):
    response = client.post(f"/data/{route}/")
    assert_json_error(response, 405, "POST", "GET")
    assert client.head(f"/data/{route}").status_code == 200
    assert_json_error(client.get("/data/cohorts/"), 404, f"/data/{route}/")
