"""GET /data/kpis/?compare=previous: the KPIs with those of the previous range, and refusals."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from data.events.catalog import METRIC_NAMES
from tests.unit.test_data_api import assert_json_error

KPI_KEYS = {*METRIC_NAMES, "completed_views"}  # every catalog metric


def kpis(client, pairs: list[tuple[str, str]]):
    response = client.get(f"/data/kpis/?{urlencode(pairs)}")
    assert response.status_code == 200, response.data
    return response.get_json()


@pytest.mark.parametrize(
    ("pairs", "previous"),
    [
        # The demo data runs from 2025-01-01 to 2025-12-31.
        (
            [("start", "2025-03-01"), ("end", "2025-03-31"), ("market", "(none)")],
            ("2025-01-29", "2025-02-28"),
        ),
        # All the data: a finished year, so the 365 days just before.
        ([], ("2024-01-02", "2024-12-31")),
        ([("sessiontype", "SERIES")], ("2024-01-02", "2024-12-31")),
        # A missing side is the data's first or last day.
        ([("start", "2025-12-01")], ("2025-10-31", "2025-11-30")),
        (
            [("end", "2025-01-10"), ("device", "iPad"), ("device", "Computer")],
            ("2024-12-22", "2024-12-31"),
        ),
        # Monday 2025-12-29 to the data's last day (a Wednesday): week to date.
        ([("start", "2025-12-29")], ("2025-12-22", "2025-12-24")),
        ([("start", "2025-12-29"), ("end", "2026-01-02")], ("2025-12-22", "2025-12-26")),
        # In the middle of the data a month is compared with the days just before.
        ([("start", "2025-06-01"), ("end", "2025-06-10")], ("2025-05-22", "2025-05-31")),
        # ?resolution is the page's: whole months of a monthly page, whole weeks of a weekly
        # one, against as many just before (issue 20: March against "29 Jan - 28 Feb").
        (
            [("start", "2025-03-01"), ("end", "2025-03-31"), ("resolution", "monthly")],
            ("2025-02-01", "2025-02-28"),
        ),
        (
            [("start", "2025-04-01"), ("end", "2025-06-30"), ("resolution", "Monthly")],
            ("2025-01-01", "2025-03-31"),
        ),
        ([("resolution", "monthly")], ("2024-01-01", "2024-12-31")),
        # "Month to date" of the data's last, complete month.
        ([("start", "2025-12-01"), ("resolution", "monthly")], ("2025-11-01", "2025-11-30")),
        (
            [("start", "2025-06-02"), ("end", "2025-06-29"), ("resolution", "weekly")],
            ("2025-05-05", "2025-06-01"),
        ),
        # Not whole periods: the other rules, as on a daily page.
        ([("start", "2025-12-29"), ("resolution", "monthly")], ("2025-12-22", "2025-12-24")),
        (
            [("start", "2025-06-01"), ("end", "2025-06-10"), ("resolution", "weekly")],
            ("2025-05-22", "2025-05-31"),
        ),
    ],
)
def test_compare_adds_the_previous_range_s_kpis(client, pairs, previous):
    answer = kpis(client, [*pairs, ("compare", "previous")])
    assert set(answer) == KPI_KEYS | {"previous", "previous_range"}
    assert {key: answer[key] for key in KPI_KEYS} == kpis(client, pairs)
    assert answer["previous_range"] == {"start": previous[0], "end": previous[1]}
    dimensions = [(k, v) for k, v in pairs if k not in ("start", "end", "resolution")]
    same_range = [("start", previous[0]), ("end", previous[1]), *dimensions]
    assert answer["previous"] == kpis(client, same_range)
    assert set(answer["previous"]) == KPI_KEYS


def test_the_previous_range_of_the_data_s_first_days_counts_what_exists(client):
    answer = kpis(client, [("start", "2025-01-01"), ("end", "2025-01-31"), ("compare", "previous")])
    assert answer["previous_range"] == {"start": "2024-12-01", "end": "2024-12-31"}
    assert answer["previous"]["views"] == 0 and answer["previous"]["completion_rate"] is None
    answer = kpis(client, [("start", "2025-01-10"), ("end", "2025-01-29"), ("compare", "previous")])
    assert answer["previous_range"] == {"start": "2024-12-21", "end": "2025-01-09"}
    expected = kpis(client, [("start", "2025-01-01"), ("end", "2025-01-09")])
    assert answer["previous"] == expected and expected["views"] > 0


def test_without_compare_the_answer_is_unchanged(client):
    plain = client.get("/data/kpis/?start=2025-03-01&end=2025-03-31")
    assert set(plain.get_json()) == KPI_KEYS
    assert client.get("/data/kpis/?start=2025-03-01&end=2025-03-31&compare=").data == plain.data
    upper = client.get("/data/kpis/?compare=PREVIOUS").get_json()
    assert upper == client.get("/data/kpis/?compare=previous").get_json()


@pytest.mark.parametrize(
    "value", ["next", "previous ", "prev", "1", "previous,next", "previou\u015b"]
)
def test_a_bad_compare_is_a_400_naming_what_is_allowed(client, value):
    response = client.get(f"/data/kpis/?{urlencode({'compare': value})}")
    assert_json_error(response, 400, "compare must be previous", repr(value)[:10])


def test_a_range_with_nothing_before_it_is_a_400(client):
    response = client.get("/data/kpis/?start=0001-01-01&end=0001-01-05&compare=previous")
    assert_json_error(response, 400, "no previous range")
    assert client.get("/data/kpis/?start=0001-01-01&end=0001-01-05").status_code == 200


def test_other_parameters_are_checked_first(client):
    response = client.get("/data/kpis/?start=2025-13-01&compare=next")
    assert_json_error(response, 400, "start must be a real calendar date")
    response = client.get("/data/kpis/?resolution=hourly&compare=previous")
    assert_json_error(response, 400, "resolution must be one of daily, weekly, monthly")
    # Without compare the resolution changes nothing (it is still checked).
    assert kpis(client, [("resolution", "monthly")]) == kpis(client, [])


def test_compare_on_an_empty_database(make_app, db_path):
    client = make_app(DATABASE_URL=f"sqlite:///{db_path}").server.test_client()
    zeros = kpis(client, [])
    answer = kpis(client, [("compare", "previous")])
    assert answer == {**zeros, "previous": zeros, "previous_range": None}
    answer = kpis(client, [("start", "2025-03-01"), ("compare", "previous")])
    assert answer["previous_range"] is None and answer["previous"] == zeros
    answer = kpis(client, [("start", "2025-03-01"), ("end", "2025-03-31"), ("compare", "previous")])
    assert answer["previous_range"] == {"start": "2025-01-29", "end": "2025-02-28"}
    assert answer["previous"] == zeros


def test_a_range_beyond_the_data_has_no_previous_range(client):
    answer = kpis(client, [("start", "2026-03-01"), ("compare", "previous")])
    assert answer["previous_range"] is None
    assert answer["previous"] == {key: answer[key] for key in KPI_KEYS}
    assert answer["views"] == 0
