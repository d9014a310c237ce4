"""Workspaces, accounts and the instance setup (Dify's tables and columns)."""

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Index, String, Table, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import UUID

from adapters.persistence.schema.base import at_column, id_column, metadata

dify_setups = Table(
    "dify_setups",
    metadata,
    Column("version", String(255), primary_key=True),
    at_column("setup_at"),
)

tenants = Table(
    "tenants",
    metadata,
    id_column(),
    Column("name", String(255), nullable=False),
    Column("encrypt_public_key", Text),
    Column("plan", String(255), nullable=False, server_default="basic"),
    Column("status", String(255), nullable=False, server_default="normal"),
    Column("custom_config", Text),
    at_column("created_at"),
    at_column("updated_at"),
)

accounts = Table(
    "accounts",
    metadata,
    id_column(),
    Column("name", String(255), nullable=False),
    Column("email", String(255), nullable=False, unique=True),
    Column("password", String(255)),
    Column("password_salt", String(255)),
    Column("avatar", String(255)),
    Column("interface_language", String(255)),
    Column("interface_theme", String(255)),
    Column("timezone", String(255)),
    at_column("last_login_at", nullable=True),
    Column("last_login_ip", String(255)),
    at_column("last_active_at"),
    Column("status", String(16), nullable=False, server_default="active"),
    at_column("initialized_at", nullable=True),
    at_column("created_at"),
    at_column("updated_at"),
)

tenant_account_joins = Table(
    "tenant_account_joins",
    metadata,
    id_column(),
    Column("tenant_id", UUID(as_uuid=True), ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("account_id", UUID(as_uuid=True), ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("current", Boolean, nullable=False, server_default=text("false")),
    Column("role", String(16), nullable=False, server_default="normal"),
    Column("invited_by", UUID(as_uuid=True)),
    at_column("created_at"),
    at_column("updated_at"),
    UniqueConstraint("tenant_id", "account_id"),
    Index(None, "account_id"),
)

# weir's own table (Dify keeps refresh tokens in Redis): the refresh tokens still usable, by SHA-256
# digest, so each one works once and a restart keeps them.
account_refresh_tokens = Table(
    "account_refresh_tokens",
    metadata,
    Column("token_digest", String(64), primary_key=True),
    Column("account_id", UUID(as_uuid=True), ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    at_column("created_at"),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Index(None, "account_id"),
)
