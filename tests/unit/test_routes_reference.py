"""Every /data route x every catalog dimension's filters ((none) included), on one small
hand-made database, checked number for number against the independent references."""

from __future__ import annotations

import pytest

from testkit import reference_analytics as ref
from testkit import reference_titles as titles
from testkit import reference_top10
from tests.unit.route_fixture import fixture_app, fixture_rows, raw_frame
from tests.unit.route_reference import CHECKED_ROUTES, RouteReference, data_routes, filter_cases


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """(a test client of an app over the hand-made database, its rows), once per module."""
    from web import services

    rows = fixture_rows()
    app = fixture_app(tmp_path_factory.mktemp("routes_reference"), rows)
    yield app, titles.prepare(raw_frame(rows))
    services.analytics(app.server).close()
    provider = services.redis_provider(app.server)
    if provider is not None:
        provider.close()


def test_every_data_route_is_checked(reference):
    app, _ = reference
    assert data_routes(app.server) == set(CHECKED_ROUTES)


@pytest.mark.parametrize("route", CHECKED_ROUTES)
def test_route_matches_the_reference_under_every_filter(reference, route):
    app, raw = reference
    RouteReference(app.server.test_client(), raw).routes([route], filter_cases(raw))


def test_the_fixture_holds_what_the_filters_need(reference):
    """Each dimension has (none) rows and several values; the Top 10 has more than ten
    entries, so its cut, its ranks and its weeks move."""
    _, raw = reference
    for dimension in ref.DIMENSIONS:
        assert (raw[dimension] == "(none)").any() and raw[dimension].nunique() >= 3
    assert len(reference_top10.top10(raw)) == 10
    assert any(e["rank_last_week"] not in (None, e["rank"]) for e in reference_top10.top10(raw))
