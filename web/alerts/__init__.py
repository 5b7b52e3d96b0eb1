"""Alerts and the daily digest on the server: the timer that runs them, the digest itself."""
