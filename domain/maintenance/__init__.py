"""Housekeeping rules: what expires when, what a stale run is, what an app's deletion removes."""
