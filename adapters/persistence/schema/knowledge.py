"""Datasets, documents, segments, child chunks and the embedding cache (Dify's knowledge tables)."""
