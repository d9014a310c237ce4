"""Tool providers of a workspace (Dify's tool_builtin_providers, tool_api_providers,
tool_workflow_providers). Credentials are one JSON document sealed by the SecretCipher."""

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import UUID

from adapters.persistence.schema.base import at_column, id_column, metadata

tool_builtin_providers = Table(
    "tool_builtin_providers",
    metadata,
    id_column(),
    Column("tenant_id", UUID(as_uuid=True), ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("provider", String(255), nullable=False),
    Column("encrypted_credentials", Text, nullable=False),
    at_column("created_at"),
    at_column("updated_at"),
    UniqueConstraint("tenant_id", "provider"),
)

tool_api_providers = Table(
    "tool_api_providers",
    metadata,
    id_column(),
    Column("tenant_id", UUID(as_uuid=True), ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(255), nullable=False),
    Column("schema", Text, nullable=False),
    Column("schema_type", String(40), nullable=False),
    Column("encrypted_credentials", Text, nullable=False),
    Column("icon", Text, nullable=False, server_default="{}"),
    Column("description", Text, nullable=False, server_default=""),
    Column("privacy_policy", Text, nullable=False, server_default=""),
    Column("custom_disclaimer", Text, nullable=False, server_default=""),
    Column("labels", Text, nullable=False, server_default="[]"),
    Column("created_by", UUID(as_uuid=True)),
    at_column("created_at"),
    at_column("updated_at"),
    UniqueConstraint("tenant_id", "name"),
)

tool_workflow_providers = Table(
    "tool_workflow_providers",
    metadata,
    id_column(),
    Column("tenant_id", UUID(as_uuid=True), ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("app_id", UUID(as_uuid=True), ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(255), nullable=False),
    Column("label", String(255), nullable=False),
    Column("icon", Text, nullable=False, server_default="{}"),
    Column("description", Text, nullable=False, server_default=""),
    Column("parameters", Text, nullable=False, server_default="[]"),
    Column("privacy_policy", Text, nullable=False, server_default=""),
    Column("labels", Text, nullable=False, server_default="[]"),
    Column("version", String(255), nullable=False, server_default=""),
    Column("created_by", UUID(as_uuid=True)),
    at_column("created_at"),
    at_column("updated_at"),
    UniqueConstraint("tenant_id", "name"),
    UniqueConstraint("tenant_id", "app_id"),
)
