"""The PostgreSQL schema (Dify's tables and columns) as SQLAlchemy Core tables, one module a context.

Entities in domain/ never see these; repositories map rows to entities and back.
"""

from adapters.persistence.schema import annotations, knowledge  # noqa: F401  (registers their tables on metadata)
from adapters.persistence.schema.agent_thoughts import message_agent_thoughts
from adapters.persistence.schema.apps import (
    api_tokens,
    apps,
    end_users,
    installed_apps,
    pinned_conversations,
    saved_messages,
    sites,
)
from adapters.persistence.schema.base import metadata
from adapters.persistence.schema.conversations import (
    conversations,
    message_feedbacks,
    message_files,
    messages,
    upload_files,
)
from adapters.persistence.schema.human_input import human_input_forms, workflow_pauses
from adapters.persistence.schema.leases import process_leases
from adapters.persistence.schema.mcp import app_mcp_servers, tool_mcp_providers
from adapters.persistence.schema.models import app_model_configs, provider_credentials, tenant_default_models
from adapters.persistence.schema.runs import (
    workflow_inspector_clears,
    workflow_inspector_edits,
    workflow_node_executions,
    workflow_runs,
)
from adapters.persistence.schema.telemetry import trace_records
from adapters.persistence.schema.tenancy import accounts, dify_setups, tenant_account_joins, tenants
from adapters.persistence.schema.tools import tool_api_providers, tool_builtin_providers, tool_workflow_providers
from adapters.persistence.schema.triggers import app_triggers, workflow_webhook_triggers
from adapters.persistence.schema.workflow_defs import workflow_app_logs, workflows

__all__ = [
    "accounts",
    "api_tokens",
    "app_mcp_servers",
    "app_model_configs",
    "app_triggers",
    "apps",
    "conversations",
    "dify_setups",
    "end_users",
    "human_input_forms",
    "installed_apps",
    "message_agent_thoughts",
    "message_feedbacks",
    "message_files",
    "messages",
    "metadata",
    "pinned_conversations",
    "process_leases",
    "provider_credentials",
    "saved_messages",
    "sites",
    "tenant_account_joins",
    "tenant_default_models",
    "tenants",
    "tool_api_providers",
    "tool_builtin_providers",
    "tool_mcp_providers",
    "tool_workflow_providers",
    "trace_records",
    "upload_files",
    "workflow_app_logs",
    "workflow_inspector_clears",
    "workflow_inspector_edits",
    "workflow_node_executions",
    "workflow_pauses",
    "workflow_runs",
    "workflow_webhook_triggers",
    "workflows",
]
