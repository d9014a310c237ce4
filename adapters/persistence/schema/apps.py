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

# An app's web app (Dify's table and columns, with the workspace beside for the tenant checks).
sites = Table(
    "sites",
    metadata,
    id_column(),
    Column("app_id", UUID(as_uuid=True), ForeignKey("apps.id", ondelete="CASCADE"), nullable=False, unique=True),
    Column("tenant_id", UUID(as_uuid=True), nullable=False),
    Column("code", String(255), nullable=False, unique=True),
    Column("title", String(255), nullable=False),
    Column("icon_type", String(255)),
    Column("icon", String(255)),
    Column("icon_background", String(255)),
    Column("description", Text),
    Column("default_language", String(255), nullable=False),
    Column("chat_color_theme", String(255)),
    Column("chat_color_theme_inverted", Boolean, nullable=False, server_default=text("false")),
    Column("customize_domain", String(255)),
    Column("copyright", String(255)),
    Column("privacy_policy", String(255)),
    Column("custom_disclaimer", Text, nullable=False, server_default=""),
    Column("customize_token_strategy", String(255), nullable=False, server_default="not_allow"),
    Column("prompt_public", Boolean, nullable=False, server_default=text("false")),
    Column("show_workflow_steps", Boolean, nullable=False, server_default=text("true")),
    Column("use_icon_as_answer_icon", Boolean, nullable=False, server_default=text("false")),
    Column("input_placeholder", String(255)),
    Column("status", String(255), nullable=False, server_default="normal"),
    Column("created_by", UUID(as_uuid=True)),
    at_column("created_at"),
    Column("updated_by", UUID(as_uuid=True)),
    at_column("updated_at"),
)

# What a web app's user keeps: messages saved for later (completion apps) and conversations pinned to the top.
saved_messages = Table(
    "saved_messages",
    metadata,
    id_column(),
    Column("app_id", UUID(as_uuid=True), ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("message_id", UUID(as_uuid=True), ForeignKey("messages.id", ondelete="CASCADE"), nullable=False),
    Column("created_by_role", String(255), nullable=False, server_default="end_user"),
    Column("created_by", UUID(as_uuid=True), nullable=False),
    at_column("created_at"),
    UniqueConstraint("app_id", "created_by", "message_id"),
)

pinned_conversations = Table(
    "pinned_conversations",
    metadata,
    id_column(),
    Column("app_id", UUID(as_uuid=True), ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("conversation_id", UUID(as_uuid=True), ForeignKey("conversations.id", ondelete="CASCADE"),
           nullable=False),
    Column("created_by_role", String(255), nullable=False, server_default="end_user"),
    Column("created_by", UUID(as_uuid=True), nullable=False),
    at_column("created_at"),
    UniqueConstraint("app_id", "created_by", "conversation_id"),
)

# An app on a workspace's Explore page (Dify's table and columns).
installed_apps = Table(
    "installed_apps",
    metadata,
    id_column(),
    Column("tenant_id", UUID(as_uuid=True), ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("app_id", UUID(as_uuid=True), ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("app_owner_tenant_id", UUID(as_uuid=True), nullable=False),
    Column("position", Integer, nullable=False, server_default="0"),
    Column("is_pinned", Boolean, nullable=False, server_default=text("false")),
    at_column("last_used_at", nullable=True),
    at_column("created_at"),
    UniqueConstraint("tenant_id", "app_id"),
)
