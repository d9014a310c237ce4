"""MCP providers and app MCP servers in the shapes of Dify's console (ToolProviderApiEntity.to_dict for an
`mcp` provider, ToolApiEntity for its tools, AppMCPServerResponse)."""

import json
from typing import Any

from domain.tools.entities import Tool, ToolParameter
from domain.tools.mcp import AppMcpServer, McpProvider, masked_headers, masked_url


def i18n(text: str) -> dict[str, str]:
    return {"en_US": text, "zh_Hans": text}


def icon(stored: str) -> dict[str, str] | str:
    """An emoji icon is stored as JSON ({content, background}) and shown as that object; an image as its URL."""
    try:
        value = json.loads(stored)
    except ValueError:
        return stored
    return value if isinstance(value, dict) else stored


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


def tool(t: Tool, author: str) -> dict[str, Any]:
    return {
        "author": author,
        "name": t.name,
        "label": i18n(t.label or t.name),
        "description": i18n(t.description),
        "parameters": [parameter(p) for p in t.parameters],
        "labels": [],
        "output_schema": {},
    }


def provider(p: McpProvider, author: str) -> dict[str, Any]:
    return {
        "id": str(p.id),
        "author": author,
        "name": p.name,
        "plugin_id": "",
        "plugin_unique_identifier": p.server_identifier,
        "description": i18n(""),
        "icon": icon(p.icon),
        "icon_dark": "",
        "label": i18n(p.name),
        "type": "mcp",
        "team_credentials": {},
        "masked_credentials": {},  # what Dify's create and detail answers carry (the whole entity)
        "is_team_authorization": True,  # weir stores a provider only once its server listed its tools
        "allow_delete": True,
        "tools": [tool(t, author) for t in p.tools],
        "labels": [],
        "server_url": masked_url(p.server_url),
        "updated_at": int(p.updated_at.timestamp()),
        "server_identifier": p.server_identifier,
        "timeout": p.timeout,
        "sse_read_timeout": p.sse_read_timeout,
        "masked_headers": masked_headers(p.headers),
    }


def app_server(s: AppMcpServer) -> dict[str, Any]:
    return {
        "id": str(s.id),
        "name": s.name,
        "server_code": s.server_code,
        "description": s.description,
        "status": s.status.value,
        "parameters": s.parameters,
        "created_at": int(s.created_at.timestamp()),
        "updated_at": int(s.updated_at.timestamp()),
    }
