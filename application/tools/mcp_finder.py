"""The mcp kind: each MCP server a workspace added is one tool provider, named in DSL files by its
server_identifier (Dify's `provider_id` for MCP tools) or its id."""

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from domain.tools.entities import ProviderType, Tool, ToolInvocation, ToolMessage, ToolProviderInfo
from domain.tools.errors import ToolNotFound, ToolProviderNotFound
from domain.tools.mcp import McpClient, McpConnection, McpProvider
from domain.tools.unit_of_work import ToolsUnitOfWorkFactory


class McpToolProvider:
    """One MCP server as a ToolProvider: a workspace's (`of`, its tools the list kept at the last refresh, which
    the console refreshes) or one an agent node names itself (its tools as listed when the node started). A
    call goes to the server each time, with the connection's headers and timeouts."""

    def __init__(
        self, identifier: str, name: str, connection: McpConnection, tools: list[Tool], client: McpClient,
        icon: str = "",
    ) -> None:
        self._identifier, self._name, self._icon = identifier, name, icon
        self._connection = connection
        self._tools = list(tools)
        self._client = client

    @classmethod
    def of(cls, provider: McpProvider, client: McpClient) -> "McpToolProvider":
        return cls(provider.server_identifier, provider.name, provider.connection(), provider.tools, client,
                   provider.icon)

    def info(self) -> ToolProviderInfo:
        return ToolProviderInfo(
            id=self._identifier,
            type=ProviderType.MCP,
            name=self._name,
            label=self._name,
            icon=self._icon,
            tools=tuple(self._tools),
        )

    async def tools(self) -> list[Tool]:
        return list(self._tools)

    async def invoke(
        self, tool_name: str, parameters: Mapping[str, Any], invocation: ToolInvocation
    ) -> list[ToolMessage]:
        if self._tools and all(t.name != tool_name for t in self._tools):
            raise ToolNotFound(f"MCP server {self._name} has no tool {tool_name}.")
        return await self._client.call_tool(self._connection, tool_name, parameters)


class McpToolFinder:
    """Rules: a provider is found by server_identifier or id within the workspace only; MCP servers carry
    their secrets in their URL and headers, so they have no separate credentials."""

    def __init__(self, uow: ToolsUnitOfWorkFactory, client: McpClient) -> None:
        self._uow = uow
        self._client = client

    async def find(self, tenant_id: UUID, provider_id: str) -> McpToolProvider:
        async with self._uow() as uow:
            provider = await uow.mcp_providers.find(tenant_id, provider_id)
        if provider is None:
            raise ToolProviderNotFound(f"MCP tool provider {provider_id} not found.")
        return McpToolProvider.of(provider, self._client)

    async def credentials(self, tenant_id: UUID, provider_id: str) -> Mapping[str, Any]:
        return {}

    async def listed(self, tenant_id: UUID) -> list[ToolProviderInfo]:
        async with self._uow() as uow:
            providers = await uow.mcp_providers.for_tenant(tenant_id)
        return [McpToolProvider.of(p, self._client).info() for p in providers]
