"""Tools: finding providers, calling tools (checked, timed, traced), and the workspace's custom providers."""
