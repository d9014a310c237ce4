"""Implementations of the core's ports, one technology a module."""
