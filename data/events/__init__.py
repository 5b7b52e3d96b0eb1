"""Viewing events: catalog, parameters, stores/, ingest/, rollup/ and analysis/."""
