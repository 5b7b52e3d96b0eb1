"""Functions that return Dash component trees; no callbacks, no data access."""
