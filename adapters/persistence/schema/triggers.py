"""Workflow triggers (Dify 1.10+'s tables): the webhook URLs of an app's draft, and the triggers of its published
workflow with, for a schedule, its plan (Dify keeps the plan in a table of its own, workflow_schedule_plans)."""

from sqlalchemy import Column, ForeignKey, Index, String, Table
from sqlalchemy.dialects.postgresql import UUID

from adapters.persistence.schema.base import at_column, id_column, metadata

workflow_webhook_triggers = Table(
    "workflow_webhook_triggers",
    metadata,
    id_column(),
    Column("tenant_id", UUID(as_uuid=True), nullable=False),
    Column("app_id", UUID(as_uuid=True), ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("node_id", String(64), nullable=False),
    Column("webhook_id", String(24), nullable=False, unique=True),
    Column("created_by", UUID(as_uuid=True)),
    at_column("created_at"),
    Index(None, "app_id", "node_id", unique=True),
)

app_triggers = Table(
    "app_triggers",
    metadata,
    id_column(),
    Column("tenant_id", UUID(as_uuid=True), nullable=False),
    Column("app_id", UUID(as_uuid=True), ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("node_id", String(64), nullable=False),
    Column("trigger_type", String(50), nullable=False),
    Column("title", String(255), nullable=False),
    Column("provider_name", String(255), nullable=False, server_default=""),
    Column("status", String(50), nullable=False, server_default="enabled"),
    Column("cron_expression", String(255)),
    Column("timezone", String(64)),
    at_column("next_run_at", nullable=True),
    at_column("created_at"),
    at_column("updated_at"),
    Index(None, "app_id", "node_id", unique=True),
    Index(None, "next_run_at"),
)
