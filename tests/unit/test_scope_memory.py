"""The copies of the data that limited accounts read are bounded by bytes (SCOPED_ROLLUPS_MB):
the least recently used goes first, one larger than the budget is used and not kept, and the
answers are the same whatever is kept."""

from __future__ import annotations

from data.events.analysis.analytics import EventsAnalytics
from data.events.analysis.scope import rollup_bytes, scope_key
from tests.unit.route_fixture import fixture_rows, sqlite_database

NO, SE = {"market": frozenset({"NO"})}, {"market": frozenset({"SE"})}


def _kept(analytics: EventsAnalytics) -> list:
    return list(analytics._scoped.keys())  # what the budget keeps, looked at from a test only


def test_scoped_copies_are_bounded_by_bytes(tmp_path):
    sqlite_database(tmp_path / "events.sqlite", fixture_rows())
    unbounded = EventsAnalytics(tmp_path / "events.sqlite")
    expected = {name: unbounded.scoped(s).kpis() for name, s in (("NO", NO), ("SE", SE))}
    sizes = [rollup_bytes(unbounded.scoped(scope)._rollup()) for scope in (NO, SE)]
    assert min(sizes) > max(sizes) / 2 > 0  # so that a budget fits either, never both
    # Room for one copy: asking for another scope lets the first go; the answers stay.
    roomy = EventsAnalytics(tmp_path / "events.sqlite", scoped_bytes=int(max(sizes) * 1.5))
    tiny = EventsAnalytics(tmp_path / "events.sqlite", scoped_bytes=1)
    try:
        assert roomy.scoped(NO).kpis() == expected["NO"]
        assert len(_kept(roomy)) == 1
        assert roomy.scoped(SE).kpis() == expected["SE"]
        assert _kept(roomy) == [scope_key(SE)]  # NO went to make room
        assert tiny.scoped(SE).kpis() == expected["SE"]  # used, never kept
        assert _kept(tiny) == []
    finally:
        for analytics in (unbounded, roomy, tiny):
            analytics.close()
