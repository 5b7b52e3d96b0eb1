"""The page's side of issue 20's cohort items, through the real Dash endpoint: the retention
card's cohort definition (control, URL, table, CSV)."""

from __future__ import annotations

import pytest

from layouts import ids
from testkit.dash_client import DashCallbacks
from tests.unit.test_callbacks import STATE_KEY, _state
from tests.unit.test_page_controls import _controls
from tests.unit.test_title_page import NEAR, _csv

# The demo data's last 30 days: Tuesday 2 to Wednesday 31 December 2025 (its last day).
LAST_30 = {"start": "2025-12-02", "end": "2025-12-31"}


@pytest.fixture
def dash_api(client) -> DashCallbacks:
    return DashCallbacks.for_flask(client)


def test_the_cohort_control_writes_the_url_and_a_link_sets_it(dash_api):
    sent = _controls(**{f"{ids.RETENTION_COHORT}.value": "in_range"})
    response = dash_api.response(
        ids.URL, "search", sent, triggered=[f"{ids.RETENTION_COHORT}.value"]
    )
    assert response[ids.URL]["search"] == "?cohort=in_range"
    assert response[ids.STATE]["data"] == _state(cohort="in_range")
    loaded = dash_api.response(
        ids.URL, "search", {f"{ids.URL}.search": "?cohort=in_range&start=2025-12-02"}, triggered=[]
    )
    assert loaded[ids.RETENTION_COHORT]["value"] == "in_range"
    assert loaded[ids.STATE]["data"] == _state(cohort="in_range", start="2025-12-02")
    # A bad value in a link falls back to the default, saying so.
    bad = dash_api.response(ids.URL, "search", {f"{ids.URL}.search": "?cohort=all"}, triggered=[])
    assert bad[ids.RETENTION_COHORT]["value"] == "first_ever"
    assert "cohort must be one of first_ever, in_range" in str(bad[ids.URL_NOTICE]["children"])
    # A forged control value is refused, not shown.
    forged = _controls(**{f"{ids.RETENTION_COHORT}.value": "everyone"})
    refused = dash_api.response(
        ids.URL, "search", forged, triggered=[f"{ids.RETENTION_COHORT}.value"]
    )
    assert "cohort must be one of" in str(refused[ids.URL_NOTICE]["children"])


@pytest.mark.parametrize("cohort", ["first_ever", "in_range"])
def test_the_retention_card_shows_the_chosen_definition(client, dash_api, cohort):
    state = _state(resolution="weekly", cohort=cohort, **LAST_30)
    card = dash_api.response(ids.RETENTION_TABLE, "children", {STATE_KEY: state, NEAR: True})
    expected = client.get(f"/data/retention/?start=2025-12-02&end=2025-12-31&cohort={cohort}")
    expected = expected.get_json()
    table = str(card[ids.RETENTION_TABLE]["children"])
    for row in expected:
        assert f"'{row['cohort']}'" in table and f"({row['retained'][-1]:,} of {row['size']:,}" in (
            table
        )
    subtitle = card[ids.RETENTION_SUBTITLE]["children"]
    assert ("first view ever" in subtitle) == (cohort == "first_ever")
    assert ("first view in the range" in subtitle) == (cohort == "in_range")
    _, rows = _csv(dash_api, ids.RETENTION_DOWNLOAD, ids.RETENTION_CSV_BUTTON, state)
    assert [int(row["users"]) for row in rows if row["weeks_after"] == "0"] == [
        row["size"] for row in expected
    ]
