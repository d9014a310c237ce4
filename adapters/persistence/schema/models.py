"""App model configs and workspace model providers (Dify's app_model_configs, providers, default models)."""

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import UUID

from adapters.persistence.schema.base import at_column, id_column, metadata

app_model_configs = Table(
    "app_model_configs",
    metadata,
    id_column(),
    Column("app_id", UUID(as_uuid=True), ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("provider", String(255)),
    Column("model_id", String(255)),
    Column("model", Text),
    Column("pre_prompt", Text),
    Column("user_input_form", Text),
    Column("opening_statement", Text),
    Column("suggested_questions", Text),
    Column("features", Text),
    Column("dataset_configs", Text),
    Column("file_upload", Text),
    Column("memory_window", String(16)),
    Column("agent_mode", Text),  # JSON: enabled, strategy, tools, max_iteration, prompt (agent-chat apps)
    Column("created_by", UUID(as_uuid=True)),
    at_column("created_at"),
    at_column("updated_at"),
    Index(None, "app_id", "created_at"),
)

# Secrets (the api_key) are encrypted with a key derived from SECRET_KEY; the rest is plain JSON. `config`
# holds the other credential form values, none of them secret: {"settings": {...}, "name": "..."}.
provider_credentials = Table(
    "provider_credentials",
    metadata,
    id_column(),
    Column("tenant_id", UUID(as_uuid=True), ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("provider", String(255), nullable=False),
    Column("endpoint_url", Text, nullable=False),
    Column("encrypted_api_key", Text),
    Column("models", Text, nullable=False, server_default="[]"),
    Column("config", Text, nullable=False, server_default="{}"),
    at_column("created_at"),
    at_column("updated_at"),
    UniqueConstraint("tenant_id", "provider"),
)

tenant_default_models = Table(
    "tenant_default_models",
    metadata,
    id_column(),
    Column("tenant_id", UUID(as_uuid=True), ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("model_type", String(40), nullable=False),
    Column("provider_name", String(255), nullable=False),
    Column("model_name", String(255), nullable=False),
    at_column("created_at"),
    at_column("updated_at"),
    UniqueConstraint("tenant_id", "model_type"),
)
