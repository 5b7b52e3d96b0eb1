"""The rollup: events encoded, reduced per partition of days, stored and merged."""
