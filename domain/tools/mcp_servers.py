"""MCP servers named inside a DSL file rather than added to the workspace: the MCP agent strategies
(`hjlarry/agent`'s `mcp_server`, `junjiem/mcp_sse_agent`'s `mcp_servers_config`) and the MCP tool plugins
(`junjiem/mcp_sse`, `arrenxxxxx/mcp_config_during_use`) take a URL or a JSON servers config, as their users
write it:

    "http://host:8000/sse"
    {"name": {"url": "http://host/sse", "headers": {...}, "timeout": 50, "sse_read_timeout": 50}}
    {"mcpServers": {"name": {...}}}                  (the shape MCP clients such as Claude Desktop use)
    [{"name": "x", "url": "..."}]

`transport` ("sse", "streamable_http") is accepted; the connection picks the transport from the URL as it
does for workspace MCP servers."""

import json
from collections.abc import Mapping
from typing import Any

from domain.tools.errors import ToolInvokeError
from domain.tools.mcp import DEFAULT_SSE_READ_TIMEOUT, DEFAULT_TIMEOUT, McpConnection


class McpServersConfigInvalid(ToolInvokeError):
    default_message = "The MCP servers config is not valid"


def _seconds(value: Any, default: float, what: str) -> float:
    if value in (None, ""):
        return default
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise McpServersConfigInvalid(f"{what} must be a number of seconds, not {value!r}") from None
    if seconds <= 0:
        raise McpServersConfigInvalid(f"{what} must be more than 0 seconds")
    return seconds


def headers_of(value: Any, what: str = "headers") -> dict[str, str]:
    """Headers given as an object or as its JSON text (empty for none)."""
    if value in (None, ""):
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            example = '{"Authorization": "Bearer …"}'
            raise McpServersConfigInvalid(f"{what} must be a JSON object such as {example}") from None
    if not isinstance(value, Mapping):
        raise McpServersConfigInvalid(f"{what} must be a JSON object")
    return {str(k): str(v) for k, v in value.items()}


def connection_of(url: Any, headers: Any = None, timeout: Any = None, sse_read_timeout: Any = None) -> McpConnection:
    text = str(url or "").strip()
    if not text.startswith(("http://", "https://")):
        raise McpServersConfigInvalid(f"An MCP server URL must start with http:// or https://, not {text!r}")
    return McpConnection(
        text,
        headers_of(headers),
        _seconds(timeout, DEFAULT_TIMEOUT, "timeout"),
        _seconds(sse_read_timeout, DEFAULT_SSE_READ_TIMEOUT, "sse_read_timeout"),
    )


def _server(name: str, entry: Any) -> tuple[str, McpConnection]:
    if isinstance(entry, str):
        return name, connection_of(entry)
    if not isinstance(entry, Mapping):
        raise McpServersConfigInvalid(f"MCP server {name} must be an object with a url")
    url = entry.get("url") or entry.get("server_url") or entry.get("baseUrl")
    if not url:
        raise McpServersConfigInvalid(f"MCP server {name} has no url")
    return name, connection_of(url, entry.get("headers"), entry.get("timeout"), entry.get("sse_read_timeout"))


def parse_servers(config: Any) -> list[tuple[str, McpConnection]]:
    """(name, connection) for each server a config names, in its order; [] for an empty config. Raises
    McpServersConfigInvalid saying what is wrong."""
    if config in (None, ""):
        return []
    if isinstance(config, str):
        text = config.strip()
        if not text:
            return []
        if text.startswith(("http://", "https://")):
            return [("mcp_server", connection_of(text))]
        try:
            config = json.loads(text)
        except json.JSONDecodeError as error:
            raise McpServersConfigInvalid(f"The MCP servers config is neither a URL nor JSON: {error}") from None
    if isinstance(config, Mapping) and isinstance(config.get("mcpServers"), Mapping):
        config = config["mcpServers"]
    if isinstance(config, list):
        servers = []
        for index, entry in enumerate(config):
            default = f"server_{index + 1}"
            name = str(entry.get("name") or default) if isinstance(entry, Mapping) else default
            servers.append(_server(name, entry))
        return servers
    if isinstance(config, Mapping):
        if isinstance(config.get("url"), str) or isinstance(config.get("server_url"), str):  # one server, unnamed
            return [_server("mcp_server", config)]
        return [_server(str(name), entry) for name, entry in config.items()]
    raise McpServersConfigInvalid("The MCP servers config must be a URL, an object or a list")


def arguments_of(value: Any) -> dict[str, Any]:
    """A tool call's arguments given as an object or its JSON text (the plugins' `arguments` parameter)."""
    if value in (None, ""):
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as error:
            raise McpServersConfigInvalid(f"arguments must be a JSON object: {error}") from None
    if not isinstance(value, Mapping):
        raise McpServersConfigInvalid("arguments must be a JSON object")
    return dict(value)
