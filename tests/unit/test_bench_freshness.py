"""bench_freshness's own arithmetic: which figures --only picks, and how a lag is read from the
answers every worker gave (the benchmark itself is run by hand, not by the suite)."""

from __future__ import annotations

import pytest

from bench.freshness_support import FIGURES, parse_only, pipeline_lags, served_at


def test_only_picks_figures_in_order_and_refuses_others():
    assert parse_only(None) == FIGURES
    assert parse_only("") == FIGURES
    assert parse_only("3,1, 3") == (1, 3)
    for text in ("7", "0,1", "a", ","):
        with pytest.raises(ValueError):
            parse_only(text)


def test_served_at_waits_for_every_worker_after_the_commit():
    samples = [(0.5, 1, 10), (1.5, 1, 11), (2.0, 2, 10), (3.0, 2, 11), (4.0, 1, 11)]
    assert served_at(samples, {1, 2}, 1.0, lambda v: v == 11) == 3.0
    assert served_at(samples, {1, 2, 3}, 1.0, lambda v: v == 11) is None
    # An answer from before the commit never counts, even with the right value.
    assert served_at(samples, {1}, 2.0, lambda v: v == 11) == 4.0


def test_pipeline_lag_is_until_the_slowest_worker_counts_the_batch():
    batches = [(1.0, 50), (2.0, 100), (3.0, 150)]
    samples = [(1.2, 1, 1050), (1.4, 2, 1000), (2.5, 2, 1100), (2.6, 1, 1100), (3.5, 1, 1150)]
    lags = pipeline_lags(batches, samples, {1, 2}, 1000)
    assert lags[0] == pytest.approx(1.5)  # worker 2 first counted it at 2.5
    assert lags[1] == pytest.approx(0.6)
    assert lags[2] is None  # worker 2 never showed the third batch
