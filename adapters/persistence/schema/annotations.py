"""Annotations (Dify's message_annotations, app_annotation_settings, app_annotation_hit_histories) and weir's
annotation_jobs, where Dify keeps the jobs' status in Redis keys."""

from sqlalchemy import Column, Float, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.dialects.postgresql import JSONB, UUID

from adapters.persistence.schema.base import at_column, id_column, metadata


def _app_column() -> Column:
    return Column("app_id", UUID(as_uuid=True), ForeignKey("apps.id", ondelete="CASCADE"), nullable=False)


message_annotations = Table(
    "message_annotations",
    metadata,
    id_column(),
    _app_column(),
    Column("conversation_id", UUID(as_uuid=True)),
    Column("message_id", UUID(as_uuid=True)),
    Column("question", Text, nullable=False),
    Column("content", Text, nullable=False),
    Column("hit_count", Integer, nullable=False, server_default="0"),
    Column("account_id", UUID(as_uuid=True)),
    at_column("created_at"),
    at_column("updated_at"),
    Index(None, "app_id", "created_at"),
)

app_annotation_settings = Table(
    "app_annotation_settings",
    metadata,
    id_column(),
    Column("app_id", UUID(as_uuid=True), ForeignKey("apps.id", ondelete="CASCADE"), nullable=False, unique=True),
    Column("score_threshold", Float, nullable=False, server_default="0"),
    Column("embedding_provider_name", String(255), nullable=False),
    Column("embedding_model_name", String(255), nullable=False),
    at_column("created_at"),
    at_column("updated_at"),
)

app_annotation_hit_histories = Table(
    "app_annotation_hit_histories",
    metadata,
    id_column(),
    _app_column(),
    Column(
        "annotation_id",
        UUID(as_uuid=True),
        ForeignKey("message_annotations.id", ondelete="CASCADE", name="fk_annotation_hits_annotation_id"),
        nullable=False,
    ),
    Column("source", String(255), nullable=False),
    Column("question", Text, nullable=False),
    Column("score", Float, nullable=False, server_default="0"),
    Column("message_id", UUID(as_uuid=True), nullable=False),
    Column("annotation_question", Text, nullable=False),
    Column("annotation_content", Text, nullable=False),
    Column("account_id", UUID(as_uuid=True)),
    Column("end_user_id", UUID(as_uuid=True)),
    at_column("created_at"),
    Index(None, "annotation_id", "created_at"),
)

annotation_jobs = Table(
    "annotation_jobs",
    metadata,
    id_column(),
    _app_column(),
    Column("kind", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("error", Text, nullable=False, server_default=""),
    Column("payload", JSONB),
    at_column("created_at"),
    Index(None, "app_id", "status"),
)
