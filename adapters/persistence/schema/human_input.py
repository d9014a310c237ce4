"""Paused runs and their human-input forms (Dify 1.13's human input; its pause and form tables, simplified)."""

from sqlalchemy import Column, DateTime, ForeignKey, Index, String, Table, Text, text
from sqlalchemy.dialects.postgresql import JSONB, UUID

from adapters.persistence.schema.base import at_column, id_column, metadata

# One row per paused run: the engine's state to go on from (domain/workflows/pause.py, as a record).
workflow_pauses = Table(
    "workflow_pauses",
    metadata,
    Column("workflow_run_id", UUID(as_uuid=True), ForeignKey("workflow_runs.id", ondelete="CASCADE"), primary_key=True),
    Column("state", JSONB, nullable=False),
    at_column("created_at"),
)

human_input_forms = Table(
    "human_input_forms",
    metadata,
    id_column(),
    Column("form_token", String(255), nullable=False, unique=True),
    Column("tenant_id", UUID(as_uuid=True), nullable=False),
    Column("app_id", UUID(as_uuid=True), ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("workflow_run_id", UUID(as_uuid=True), ForeignKey("workflow_runs.id", ondelete="CASCADE"), nullable=False),
    Column("node_id", String(255), nullable=False),
    Column("node_title", String(255), nullable=False),
    Column("definition", JSONB, nullable=False),
    Column("status", String(32), nullable=False),
    at_column("created_at"),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("submitted_data", JSONB),
    Column("selected_action_id", String(255)),
    Column("submitted_by", UUID(as_uuid=True)),
    at_column("resolved_at", nullable=True),
    Column("error", Text),
    Index(None, "workflow_run_id"),
    Index("ix_human_input_forms_waiting_expires_at", "expires_at", postgresql_where=text("status = 'waiting'")),
)
