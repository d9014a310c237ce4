"""The JSON shapes of Dify's console for tools (api/core/tools/entities/api_entities.py: ToolProviderApiEntity,
ToolApiEntity; api/core/tools/entities/tool_entities.py: ToolParameter, ApiToolBundle)."""

import json
from typing import Any

from quart import request

from domain.tools.entities import CredentialField, ProviderType, Tool, ToolParameter, ToolProviderInfo
from domain.tools.openapi import ApiOperation, ApiSchema
from domain.tools.stored import ApiToolProviderRecord, WorkflowToolProviderRecord


def i18n(text: str | None) -> dict[str, str]:
    text = text or ""
    return {"en_US": text, "zh_Hans": text, "pt_BR": text, "ja_JP": text}


def parameter(p: ToolParameter) -> dict[str, Any]:
    return {
        "name": p.name,
        "label": i18n(p.label or p.name),
        "placeholder": None,
        "scope": None,
        "auto_generate": None,
        "template": None,
        "required": p.required,
        "default": p.default,
        "min": p.min,
        "max": p.max,
        "precision": None,
        "options": [{"value": o.value, "label": i18n(o.label or o.value)} for o in p.options],
        "type": p.type.value,
        "human_description": i18n(p.human_description),
        "form": p.form.value,
        "llm_description": p.llm_description,
    }


def tool(t: Tool, author: str = "weir", labels: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "author": author,
        "name": t.name,
        "label": i18n(t.label or t.name),
        "description": i18n(t.description),
        "parameters": [parameter(p) for p in t.parameters],
        "labels": list(labels),
        "output_schema": {},
    }


def credential_field(f: CredentialField) -> dict[str, Any]:
    return {
        "name": f.name,
        "type": f.type,
        "required": f.required,
        "label": i18n(f.label or f.name),
        "placeholder": i18n(f.placeholder) if f.placeholder else None,
        "help": i18n(f.help) if f.help else None,
        "default": f.default,
        "options": [{"value": o.value, "label": i18n(o.label or o.value)} for o in f.options],
        "url": None,
        "scope": None,
    }


def builtin_icon_url(info: ToolProviderInfo) -> str:
    return f"{request.host_url.rstrip('/')}/console/api/workspaces/current/tool-provider/builtin/{info.id}/icon"


def _icon(info: ToolProviderInfo) -> Any:
    if info.type == ProviderType.BUILTIN:
        return builtin_icon_url(info)
    try:
        icon = json.loads(info.icon) if info.icon else {}
    except ValueError:
        return info.icon
    return icon or {"background": "#252525", "content": "🔧"}


def provider(info: ToolProviderInfo, authorized: bool, credentials: dict | None = None) -> dict[str, Any]:
    builtin = info.type == ProviderType.BUILTIN
    return {
        "id": info.id,
        "author": info.author or "weir",
        "name": info.name,
        "plugin_id": info.plugin_id or None,
        "plugin_unique_identifier": info.plugin_id or None,
        "description": i18n(info.description),
        "icon": _icon(info),
        "icon_dark": None,
        "label": i18n(info.label or info.name),
        "type": info.type.value,
        "team_credentials": credentials or {},
        "is_team_authorization": authorized,
        "allow_delete": not builtin or bool(info.credentials_schema),
        "tools": [tool(t, info.author or "weir") for t in info.tools],
        "labels": [],
    }


def bundle(operation: ApiOperation, icon: Any = None) -> dict[str, Any]:
    """Dify's ApiToolBundle: one operation of a custom provider's schema."""
    t = operation.tool()
    return {
        "server_url": operation.server_url + operation.path,
        "method": operation.method.lower(),
        "summary": operation.summary,
        "operation_id": operation.name,
        "parameters": [parameter(p) for p in t.parameters],
        "author": "",
        "icon": icon,
        "openapi": {},
    }


def api_provider(record: ApiToolProviderRecord, schema: ApiSchema) -> dict[str, Any]:
    return {
        "schema_type": record.schema_type,
        "schema": record.schema,
        "tools": [bundle(op) for op in schema.operations],
        "icon": dict(record.icon),
        "description": record.description,
        "credentials": dict(record.credentials),
        "privacy_policy": record.privacy_policy,
        "custom_disclaimer": record.custom_disclaimer,
        "labels": list(record.labels),
    }


def api_credentials_schema() -> list[dict[str, Any]]:
    return [
        {
            "name": "auth_type",
            "type": "select",
            "required": True,
            "default": "none",
            "options": [{"value": v, "label": i18n(v)} for v in ("none", "api_key_header", "api_key_query")],
            "label": i18n("Auth Type"),
            "placeholder": None,
            "help": None,
        },
        {
            "name": "api_key_header",
            "type": "text-input",
            "required": False,
            "default": "Authorization",
            "label": i18n("Header"),
            "placeholder": None,
            "help": None,
            "options": [],
        },
        {
            "name": "api_key_value",
            "type": "secret-input",
            "required": False,
            "default": "",
            "label": i18n("API Key"),
            "placeholder": None,
            "help": None,
            "options": [],
        },
    ]


def workflow_tool(record: WorkflowToolProviderRecord, t: Tool, synced: bool) -> dict[str, Any]:
    return {
        "name": record.name,
        "label": record.label,
        "workflow_tool_id": str(record.id),
        "workflow_app_id": str(record.app_id),
        "icon": dict(record.icon),
        "description": record.description,
        "parameters": [{"name": p.name, "description": p.description, "form": p.form} for p in record.parameters],
        "tool": tool(t, "", record.labels),
        "synced": synced,
        "privacy_policy": record.privacy_policy,
        "labels": list(record.labels),
    }
