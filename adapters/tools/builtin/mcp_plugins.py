"""Two marketplace plugins that reach MCP servers named in the app rather than added to the workspace:

- `mcp_sse` (`junjiem/mcp_sse`): the servers config (JSON, see domain/tools/mcp_servers.py) is the provider's
  credential or the tools' `servers_config` parameter; `mcp_sse_list_tools` lists every server's tools,
  `mcp_sse_call_tool` calls one by name on the server that has it.
- `mcp_config` (`arrenxxxxx/mcp_config_during_use`): one server per call, given as `server_url`, `headers`,
  `timeout` and `sse_read_timeout` parameters; `mcp_list_tools` and `mcp_call_tool`.

Both go through weir's MCP client (the official SDK, the SSRF guard of http-request nodes), so a private or
loopback server needs HTTP_REQUEST_ALLOWED_HOSTS as any other outbound call does."""

import json
from collections.abc import Callable, Mapping
from typing import Any

from adapters.tools.builtin.base import BuiltinProvider, BuiltinTool, param
from domain.agents.tool_schema import tool_definition
from domain.tools.entities import (
    CredentialField,
    ParameterForm,
    ParameterType,
    Tool,
    ToolInvocation,
    ToolMessage,
    ToolProviderInfo,
)
from domain.tools.errors import ToolInvokeError
from domain.tools.mcp import McpClient, McpConnection
from domain.tools.mcp_servers import arguments_of, connection_of, parse_servers

ClientFactory = Callable[[], McpClient]


def _listing(tools: list[Tool]) -> list[dict[str, Any]]:
    """Tools as an MCP client lists them: name, description and input schema."""
    return [
        {"name": t.name, "description": t.description, "inputSchema": dict(tool_definition(t).parameters)}
        for t in tools
    ]


def _listed(tools: list[dict[str, Any]]) -> list[ToolMessage]:
    return [ToolMessage.of_text(json.dumps(tools, ensure_ascii=False)), ToolMessage.of_json({"tools": tools})]


def _tool_name(parameters: Mapping[str, Any]) -> str:
    name = str(parameters.get("tool_name") or "").strip()
    if not name:
        raise ToolInvokeError("tool_name is required")
    return name


def mcp_sse_provider(client: ClientFactory) -> BuiltinProvider:
    def servers(parameters: Mapping[str, Any], invocation: ToolInvocation) -> list[tuple[str, McpConnection]]:
        config = parameters.get("servers_config") or invocation.credentials.get("servers_config")
        found = parse_servers(config)
        if not found:
            raise ToolInvokeError(
                "No MCP servers are configured: set servers_config on the MCP SSE provider under Tools, or in the tool."
            )
        return found

    async def list_tools(parameters: Mapping[str, Any], invocation: ToolInvocation) -> list[ToolMessage]:
        listed = []
        for _, connection in servers(parameters, invocation):
            listed.extend(_listing(await client().list_tools(connection)))
        return _listed(listed)

    async def call_tool(parameters: Mapping[str, Any], invocation: ToolInvocation) -> list[ToolMessage]:
        name, arguments = _tool_name(parameters), arguments_of(parameters.get("arguments"))
        configured = servers(parameters, invocation)
        for _, connection in configured:
            if any(t.name == name for t in await client().list_tools(connection)):
                return await client().call_tool(connection, name, arguments)
        raise ToolInvokeError(f"None of the MCP servers ({', '.join(n for n, _ in configured)}) has a tool {name}.")

    def servers_parameter():
        return param("servers_config", description="The MCP servers config (JSON); the provider's when empty")

    def flags():
        return (
            param(
                "resources_as_tools",
                ParameterType.BOOLEAN,
                form=ParameterForm.FORM,
                default=False,
                description="Offer the servers' resources as tools (weir offers their tools only)",
            ),
            param(
                "prompts_as_tools",
                ParameterType.BOOLEAN,
                form=ParameterForm.FORM,
                default=False,
                description="Offer the servers' prompts as tools (weir offers their tools only)",
            ),
        )

    return BuiltinProvider(
        ToolProviderInfo(
            id="mcp_sse",
            type="builtin",
            name="mcp_sse",
            label="MCP SSE / StreamableHTTP",
            plugin_id="junjiem/mcp_sse",
            description="Lists and calls the tools of MCP servers over HTTP with SSE or streamable HTTP.",
            credentials_schema=(
                CredentialField(
                    "servers_config",
                    type="text-input",
                    label="MCP servers config",
                    help='JSON: {"name": {"url": "https://…/sse", "headers": {}, "timeout": 60}}',
                ),
            ),
        ),
        [
            BuiltinTool(
                Tool(
                    "mcp_sse_list_tools",
                    "List tools",
                    "List the tools of the configured MCP servers.",
                    (servers_parameter(), *flags()),
                ),
                list_tools,
            ),
            BuiltinTool(
                Tool(
                    "mcp_sse_call_tool",
                    "Call tool",
                    "Call a tool of the configured MCP servers.",
                    (
                        param("tool_name", required=True, description="The name of the tool to call"),
                        param("arguments", required=True, description="The tool's arguments as a JSON object"),
                        servers_parameter(),
                        *flags(),
                    ),
                ),
                call_tool,
            ),
        ],
    )


def mcp_config_provider(client: ClientFactory) -> BuiltinProvider:
    def server(parameters: Mapping[str, Any]) -> McpConnection:
        return connection_of(
            parameters.get("server_url"),
            parameters.get("headers"),
            parameters.get("timeout"),
            parameters.get("sse_read_timeout"),
        )

    async def list_tools(parameters: Mapping[str, Any], invocation: ToolInvocation) -> list[ToolMessage]:
        return _listed(_listing(await client().list_tools(server(parameters))))

    async def call_tool(parameters: Mapping[str, Any], invocation: ToolInvocation) -> list[ToolMessage]:
        name, arguments = _tool_name(parameters), arguments_of(parameters.get("arguments"))
        return await client().call_tool(server(parameters), name, arguments)

    def connection_parameters():
        return (
            param("server_url", required=True, description="The URL of the MCP server (SSE or streamable HTTP)"),
            param("headers", description='HTTP headers as JSON, e.g. {"Authorization": "Bearer token"}'),
            param("timeout", ParameterType.NUMBER, default=60, description="HTTP timeout in seconds"),
            param(
                "sse_read_timeout",
                ParameterType.NUMBER,
                default=300,
                description="How long to wait for the server's next event, in seconds",
            ),
        )

    return BuiltinProvider(
        ToolProviderInfo(
            id="mcp_config",
            type="builtin",
            name="mcp_config",
            label="MCP (server given at use)",
            plugin_id="arrenxxxxx/mcp_config_during_use",
            description="Lists and calls the tools of an MCP server whose URL the app gives with each call.",
        ),
        [
            BuiltinTool(
                Tool("mcp_list_tools", "List tools", "List the tools of an MCP server.", connection_parameters()),
                list_tools,
            ),
            BuiltinTool(
                Tool(
                    "mcp_call_tool",
                    "Call tool",
                    "Call a tool of an MCP server.",
                    (
                        *connection_parameters(),
                        param("tool_name", required=True, description="The name of the tool to call"),
                        param("arguments", description="The tool's arguments as a JSON object"),
                    ),
                ),
                call_tool,
            ),
        ],
    )
