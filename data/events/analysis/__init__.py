"""The analyses: what every route, callback and MCP tool asks of a rollup."""
