"""Workflow definitions (Dify's workflows table: one draft per app plus published versions) and app logs."""

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.dialects.postgresql import UUID

from adapters.persistence.schema.base import at_column, id_column, metadata

workflows = Table(
    "workflows",
    metadata,
    id_column(),
    Column("tenant_id", UUID(as_uuid=True), nullable=False),
    Column("app_id", UUID(as_uuid=True), ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("type", String(255), nullable=False),
    Column("version", String(255), nullable=False),
    Column("graph", Text, nullable=False),
    Column("features", Text, nullable=False, server_default="{}"),
    Column("environment_variables", Text, nullable=False, server_default="[]"),
    Column("conversation_variables", Text, nullable=False, server_default="[]"),
    Column("marked_name", String(255), nullable=False, server_default=""),
    Column("marked_comment", String(255), nullable=False, server_default=""),
    Column("created_by", UUID(as_uuid=True), nullable=False),
    at_column("created_at"),
    Column("updated_by", UUID(as_uuid=True)),
    at_column("updated_at"),
    Index(None, "app_id", "version"),
)

workflow_app_logs = Table(
    "workflow_app_logs",
    metadata,
    id_column(),
    Column("tenant_id", UUID(as_uuid=True), nullable=False),
    Column("app_id", UUID(as_uuid=True), ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("workflow_id", UUID(as_uuid=True), nullable=False),
    Column("workflow_run_id", UUID(as_uuid=True), nullable=False),
    Column("created_from", String(255), nullable=False),
    Column("created_by_role", String(255), nullable=False),
    Column("created_by", UUID(as_uuid=True), nullable=False),
    at_column("created_at"),
    Index(None, "app_id", "created_at"),
)
