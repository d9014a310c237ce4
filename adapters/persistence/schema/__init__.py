"""The PostgreSQL schema (Dify's tables and columns) as SQLAlchemy Core tables, one module a context.

Entities in domain/ never see these; repositories map rows to entities and back.
"""

from adapters.persistence.schema.apps import api_tokens, apps, end_users
from adapters.persistence.schema.base import metadata
from adapters.persistence.schema.conversations import conversations, messages
from adapters.persistence.schema.telemetry import trace_records
from adapters.persistence.schema.tenancy import accounts, dify_setups, tenant_account_joins, tenants
from adapters.persistence.schema.workflows import workflow_node_executions, workflow_runs

__all__ = [
    "accounts", "api_tokens", "apps", "conversations", "dify_setups", "end_users", "messages", "metadata",
    "tenant_account_joins", "tenants", "trace_records", "workflow_node_executions", "workflow_runs",
]
