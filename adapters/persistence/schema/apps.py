"""Apps, their Service API keys and their end users (Dify's tables and columns)."""

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import UUID

from adapters.persistence.schema.base import at_column, id_column, metadata

apps = Table(
    "apps",
    metadata,
    id_column(),
    Column("tenant_id", UUID(as_uuid=True), ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(255), nullable=False),
    Column("description", Text, nullable=False, server_default=""),
    Column("mode", String(255), nullable=False),
    Column("icon_type", String(255)),
    Column("icon", String(255)),
    Column("icon_background", String(255)),
    Column("app_model_config_id", UUID(as_uuid=True)),
    Column("workflow_id", UUID(as_uuid=True)),
    Column("status", String(255), nullable=False, server_default="normal"),
    Column("enable_site", Boolean, nullable=False, server_default=text("true")),
    Column("enable_api", Boolean, nullable=False, server_default=text("true")),
    Column("api_rpm", Integer, nullable=False, server_default="0"),
    Column("api_rph", Integer, nullable=False, server_default="0"),
    Column("is_demo", Boolean, nullable=False, server_default=text("false")),
    Column("is_public", Boolean, nullable=False, server_default=text("false")),
    Column("is_universal", Boolean, nullable=False, server_default=text("false")),
    Column("tracing", Text),
    Column("max_active_requests", Integer),
    Column("use_icon_as_answer_icon", Boolean, nullable=False, server_default=text("false")),
    Column("created_by", UUID(as_uuid=True)),
    at_column("created_at"),
    Column("updated_by", UUID(as_uuid=True)),
    at_column("updated_at"),
    Index(None, "tenant_id", "created_at"),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    id_column(),
    Column("app_id", UUID(as_uuid=True), ForeignKey("apps.id", ondelete="CASCADE")),
    Column("tenant_id", UUID(as_uuid=True), ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("type", String(16), nullable=False),
    Column("token", String(255), nullable=False),
    at_column("last_used_at", nullable=True),
    at_column("created_at"),
    Index(None, "app_id", "type"),
    Index(None, "token", "type", unique=True),
    Index(None, "tenant_id", "type"),
)

end_users = Table(
    "end_users",
    metadata,
    id_column(),
    Column("tenant_id", UUID(as_uuid=True), ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("app_id", UUID(as_uuid=True), ForeignKey("apps.id", ondelete="CASCADE")),
    Column("type", String(255), nullable=False),
    Column("external_user_id", String(255)),
    Column("name", String(255)),
    Column("is_anonymous", Boolean, nullable=False, server_default=text("true")),
    Column("session_id", String(255), nullable=False),
    at_column("created_at"),
    at_column("updated_at"),
    UniqueConstraint("app_id", "session_id", "type"),
)
