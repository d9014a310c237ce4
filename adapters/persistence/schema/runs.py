"""Workflow runs and node executions (Dify's tables and columns; the workflow issue fills them)."""

from sqlalchemy import Column, Float, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.dialects.postgresql import JSONB, UUID

from adapters.persistence.schema.base import at_column, id_column, metadata

workflow_runs = Table(
    "workflow_runs",
    metadata,
    id_column(),
    Column("tenant_id", UUID(as_uuid=True), nullable=False),
    Column("app_id", UUID(as_uuid=True), ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("workflow_id", UUID(as_uuid=True), nullable=False),
    Column("type", String(255), nullable=False),
    Column("triggered_from", String(255), nullable=False),
    Column("version", String(255), nullable=False),
    Column("graph", Text),
    Column("inputs", Text),
    Column("status", String(255), nullable=False),
    Column("outputs", Text, server_default="{}"),
    Column("error", Text),
    Column("elapsed_time", Float, nullable=False, server_default="0"),
    Column("total_tokens", Integer, nullable=False, server_default="0"),
    Column("total_steps", Integer, server_default="0"),
    Column("exceptions_count", Integer, server_default="0"),
    Column("created_by_role", String(255), nullable=False),
    Column("created_by", UUID(as_uuid=True), nullable=False),
    at_column("created_at"),
    at_column("finished_at", nullable=True),
    Column("lease_owner", UUID(as_uuid=True)),  # beyond Dify: the process executing it in memory (process_leases)
    # beyond Dify's columns: the trigger node a triggered run started from (Dify keeps it in its trigger log)
    Column("root_node_id", String(64)),
    Index(None, "tenant_id", "app_id", "triggered_from", "created_at"),
)

workflow_node_executions = Table(
    "workflow_node_executions",
    metadata,
    id_column(),
    Column("tenant_id", UUID(as_uuid=True), nullable=False),
    Column("app_id", UUID(as_uuid=True), ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("workflow_id", UUID(as_uuid=True), nullable=False),
    Column("triggered_from", String(255), nullable=False),
    Column("workflow_run_id", UUID(as_uuid=True)),
    Column("index", Integer, nullable=False),
    Column("predecessor_node_id", String(255)),
    Column("node_execution_id", String(255)),
    Column("node_id", String(255), nullable=False),
    Column("node_type", String(255), nullable=False),
    Column("title", String(255), nullable=False),
    Column("inputs", Text),
    Column("process_data", Text),
    Column("outputs", Text),
    Column("status", String(255), nullable=False),
    Column("error", Text),
    Column("elapsed_time", Float, nullable=False, server_default="0"),
    Column("execution_metadata", Text),
    at_column("created_at"),
    Column("created_by_role", String(255), nullable=False),
    Column("created_by", UUID(as_uuid=True), nullable=False),
    at_column("finished_at", nullable=True),
    Index(None, "workflow_run_id", "index"),
    Index(None, "tenant_id", "app_id", "workflow_id", "triggered_from", "created_at"),
)

# beyond Dify's tables: when the editor's variable inspector was cleared (all nodes: node_id ''; a whole node:
# name ''), so it hides the values stored runs produced before (Dify deletes its draft variable rows instead).
workflow_inspector_clears = Table(
    "workflow_inspector_clears",
    metadata,
    Column("app_id", UUID(as_uuid=True), ForeignKey("apps.id", ondelete="CASCADE"), primary_key=True),
    Column("node_id", String(255), primary_key=True),
    Column("name", String(255), primary_key=True),
    at_column("cleared_at"),
)

# beyond Dify's columns: a value the editor typed into the inspector for one variable (a node's: node_id; a
# chatflow's conversation variable: node_id 'conversation'); it wins over the node's stored output until the
# node runs again (Dify rewrites its draft variable row instead).
workflow_inspector_edits = Table(
    "workflow_inspector_edits",
    metadata,
    Column("app_id", UUID(as_uuid=True), ForeignKey("apps.id", ondelete="CASCADE"), primary_key=True),
    Column("node_id", String(255), primary_key=True),
    Column("name", String(255), primary_key=True),
    Column("value", JSONB),
    at_column("edited_at"),
)
