"""Use cases: one module per command or query. Each takes its ports through its constructor."""
