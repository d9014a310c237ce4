"""Workflow use cases and the node executors the engine runs."""
