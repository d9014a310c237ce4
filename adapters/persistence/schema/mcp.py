"""MCP both ways (Dify's tool_mcp_providers and app_mcp_servers).

A provider's server_url and headers are secrets (a URL often carries a key): sealed by the SecretCipher;
`server_url_hash` (sha256 of the URL) lets the workspace refuse the same server twice without decrypting.
`tools` is the server's tool list at the last refresh, as JSON.
"""

from sqlalchemy import Column, Float, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import UUID

from adapters.persistence.schema.base import at_column, id_column, metadata

tool_mcp_providers = Table(
    "tool_mcp_providers",
    metadata,
    id_column(),
    Column("tenant_id", UUID(as_uuid=True), ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(40), nullable=False),
    Column("server_identifier", String(64), nullable=False),
    Column("server_url", Text, nullable=False),
    Column("server_url_hash", String(64), nullable=False),
    Column("headers", Text, nullable=False, server_default=""),
    Column("icon", Text, nullable=False, server_default=""),
    Column("timeout", Float, nullable=False, server_default="30"),
    Column("sse_read_timeout", Float, nullable=False, server_default="300"),
    Column("tools", Text, nullable=False, server_default="[]"),
    Column("user_id", UUID(as_uuid=True)),
    at_column("created_at"),
    at_column("updated_at"),
    UniqueConstraint("tenant_id", "name"),
    UniqueConstraint("tenant_id", "server_url_hash"),
    UniqueConstraint("tenant_id", "server_identifier"),
)

app_mcp_servers = Table(
    "app_mcp_servers",
    metadata,
    id_column(),
    Column("tenant_id", UUID(as_uuid=True), ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("app_id", UUID(as_uuid=True), ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(255), nullable=False),
    Column("description", Text, nullable=False, server_default=""),
    Column("server_code", String(32), nullable=False),
    Column("status", String(16), nullable=False, server_default="active"),
    Column("parameters", Text, nullable=False, server_default="{}"),
    at_column("created_at"),
    at_column("updated_at"),
    UniqueConstraint("app_id"),
    UniqueConstraint("server_code"),
)
