"""The event stores: SQLite and PostgreSQL tables, their versions, writers and imports' history."""
