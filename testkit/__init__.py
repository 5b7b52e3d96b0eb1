"""Harness shared by tests/, bench/ and scripts/: Dash callback client, gunicorn runs, Chromium."""
