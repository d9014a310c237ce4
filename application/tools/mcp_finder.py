"""The mcp kind: each MCP server a workspace added is one tool provider, named in DSL files by its
server_identifier (Dify's `provider_id` for MCP tools) or its id."""

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from domain.tools.entities import ProviderType, Tool, ToolInvocation, ToolMessage, ToolProviderInfo
from domain.tools.errors import ToolNotFound, ToolProviderNotFound
from domain.tools.mcp import McpClient, McpProvider
from domain.tools.unit_of_work import ToolsUnitOfWorkFactory


class McpToolProvider:
    """One workspace MCP server as a ToolProvider. Its tools are the list kept at the last refresh (the
    console refreshes it); a call goes to the server each time, with the server's headers and timeouts."""

    def __init__(self, provider: McpProvider, client: McpClient) -> None:
        self._provider = provider
        self._client = client

    def info(self) -> ToolProviderInfo:
        p = self._provider
        return ToolProviderInfo(
            id=p.server_identifier,
            type=ProviderType.MCP,
            name=p.name,
            label=p.name,
            icon=p.icon,
            tools=tuple(p.tools),
        )

    async def tools(self) -> list[Tool]:
        return list(self._provider.tools)

    async def invoke(
        self, tool_name: str, parameters: Mapping[str, Any], invocation: ToolInvocation
    ) -> list[ToolMessage]:
        if self._provider.tools and all(t.name != tool_name for t in self._provider.tools):
            raise ToolNotFound(f"MCP server {self._provider.name} has no tool {tool_name}.")
        return await self._client.call_tool(self._provider.connection(), tool_name, parameters)


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
        return McpToolProvider(provider, self._client)

    async def credentials(self, tenant_id: UUID, provider_id: str) -> Mapping[str, Any]:
        return {}

    async def listed(self, tenant_id: UUID) -> list[ToolProviderInfo]:
        async with self._uow() as uow:
            providers = await uow.mcp_providers.for_tenant(tenant_id)
        return [McpToolProvider(p, self._client).info() for p in providers]
