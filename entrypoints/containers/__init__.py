"""Sub-containers, one a bounded context, attached to the composition root in entrypoints/container.py."""
