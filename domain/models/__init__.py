"""Chat models: what weir sends to a model provider, what comes back, and what it costs."""
