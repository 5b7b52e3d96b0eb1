"""Data and analysis, no web imports: viewing events (data/events/), game scores (data/game/)."""
