"""The PostgreSQL schema (Dify's tables and columns), as SQLAlchemy Core tables.

Entities in domain/ never see these; repositories map rows to entities and back.
"""

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import UUID

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _id() -> Column:
    return Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()"))


def _at(name: str, nullable: bool = False) -> Column:
    return Column(name, DateTime(timezone=True), nullable=nullable, server_default=None if nullable else func.now())


dify_setups = Table(
    "dify_setups",
    metadata,
    Column("version", String(255), primary_key=True),
    _at("setup_at"),
)

tenants = Table(
    "tenants",
    metadata,
    _id(),
    Column("name", String(255), nullable=False),
    Column("encrypt_public_key", Text),
    Column("plan", String(255), nullable=False, server_default="basic"),
    Column("status", String(255), nullable=False, server_default="normal"),
    Column("custom_config", Text),
    _at("created_at"),
    _at("updated_at"),
)

accounts = Table(
    "accounts",
    metadata,
    _id(),
    Column("name", String(255), nullable=False),
    Column("email", String(255), nullable=False, unique=True),
    Column("password", String(255)),
    Column("password_salt", String(255)),
    Column("avatar", String(255)),
    Column("interface_language", String(255)),
    Column("interface_theme", String(255)),
    Column("timezone", String(255)),
    _at("last_login_at", nullable=True),
    Column("last_login_ip", String(255)),
    _at("last_active_at"),
    Column("status", String(16), nullable=False, server_default="active"),
    _at("initialized_at", nullable=True),
    _at("created_at"),
    _at("updated_at"),
)

tenant_account_joins = Table(
    "tenant_account_joins",
    metadata,
    _id(),
    Column("tenant_id", UUID(as_uuid=True), ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("account_id", UUID(as_uuid=True), ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("current", Boolean, nullable=False, server_default=text("false")),
    Column("role", String(16), nullable=False, server_default="normal"),
    Column("invited_by", UUID(as_uuid=True)),
    _at("created_at"),
    _at("updated_at"),
    UniqueConstraint("tenant_id", "account_id"),
    Index(None, "account_id"),
)

apps = Table(
    "apps",
    metadata,
    _id(),
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
    _at("created_at"),
    Column("updated_by", UUID(as_uuid=True)),
    _at("updated_at"),
    Index(None, "tenant_id", "created_at"),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    _id(),
    Column("app_id", UUID(as_uuid=True), ForeignKey("apps.id", ondelete="CASCADE")),
    Column("tenant_id", UUID(as_uuid=True), ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("type", String(16), nullable=False),
    Column("token", String(255), nullable=False),
    _at("last_used_at", nullable=True),
    _at("created_at"),
    Index(None, "app_id", "type"),
    Index(None, "token", "type", unique=True),
    Index(None, "tenant_id", "type"),
)

end_users = Table(
    "end_users",
    metadata,
    _id(),
    Column("tenant_id", UUID(as_uuid=True), ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("app_id", UUID(as_uuid=True), ForeignKey("apps.id", ondelete="CASCADE")),
    Column("type", String(255), nullable=False),
    Column("external_user_id", String(255)),
    Column("name", String(255)),
    Column("is_anonymous", Boolean, nullable=False, server_default=text("true")),
    Column("session_id", String(255), nullable=False),
    _at("created_at"),
    _at("updated_at"),
    UniqueConstraint("app_id", "session_id", "type"),
)
