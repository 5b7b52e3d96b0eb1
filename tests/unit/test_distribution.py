"""Minutes per viewer: the compiled pass's percentile selection against sorting."""

import numpy as np

from data.events.analysis.distribution import _BUCKETS, _select


def test_the_nearest_rank_selection_equals_sorting_for_fractions_and_long_tails():
    """Minutes per viewer's percentiles are counted in whole-minute buckets, then chosen among
    one bucket's values: fractions, ties and values past the last bucket included."""
    rng = np.random.default_rng(7)
    values = np.concatenate(
        [
            rng.random(500) * 3,  # fractions within the first buckets
            np.full(200, 12.0),  # ties
            _BUCKETS + rng.random(300) * 50_000,  # past the last bucket
        ]
    )
    ordered = np.sort(values)
    for rank in [0, 1, 499, 500, 699, 700, 701, 999, *rng.integers(0, 1000, 20).tolist()]:
        assert _select(values, int(rank), _BUCKETS) == ordered[rank]
