"""Minutes per viewer: the compiled pass's percentile selection against sorting."""

import numpy as np

from data.events.analysis.distribution import _BUCKETS, _percentiles


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
    percents = np.array([1, 30, 50, 69, 70, 71, 90, 99, 100, *rng.integers(1, 101, 20)])
    counts = np.bincount(np.minimum(values.astype(np.int64), _BUCKETS), minlength=_BUCKETS + 1)
    chosen = _percentiles(values, counts, percents, _BUCKETS)
    for percent, value in zip(percents.tolist(), chosen.tolist(), strict=True):
        assert value == ordered[-(-percent * values.size // 100) - 1]
