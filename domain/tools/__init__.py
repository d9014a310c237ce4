"""Tools: what a tool node, an agent and an agent-chat app can call (builtin, api, workflow, mcp)."""
