"""Viewing events: the SQLite store, CSV import, demo data, the analysis and its cache."""
