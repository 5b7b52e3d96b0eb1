"""Alert rules, their evaluation exactly once across processes, and delivery (issue 25)."""
