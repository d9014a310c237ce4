"""MCP providers and app MCP servers in the shapes of Dify's console (ToolProviderApiEntity.to_dict for an
`mcp` provider, ToolApiEntity for its tools, AppMCPServerResponse)."""

import json
from typing import Any

from domain.tools.mcp import AppMcpServer, McpProvider, masked_headers, masked_url
from entrypoints.http.console.tool_views import i18n, tool  # one shape for every provider kind's tools


def icon(stored: str) -> dict[str, str] | str:
    """An emoji icon is stored as JSON ({content, background}) and shown as that object; an image as its URL."""
    try:
        value = json.loads(stored)
    except ValueError:
        return stored
    return value if isinstance(value, dict) else stored


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
