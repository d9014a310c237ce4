"""Executors of Dify's built-in node types (behind domain.workflows.nodes.NodeExecutor)."""
