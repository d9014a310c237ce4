"""Tasks of the knowledge context (the `dataset` queue)."""
