"""Data access and analysis: SQLite events, pandas analytics, Redis scores. No web imports."""
