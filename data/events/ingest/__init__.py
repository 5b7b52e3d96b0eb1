"""Getting events in: CSV files, the demo data, text as exporters write it."""
