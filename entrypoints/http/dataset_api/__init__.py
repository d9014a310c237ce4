"""The Knowledge (dataset) Service API under /v1, authenticated with `dataset-…` keys: one blueprint per module."""
