from uuid import UUID

from application.tools.mcp_create_provider import list_or_refuse
from domain.shared.clock import Clock
from domain.tools.errors import ToolProviderNotFound
from domain.tools.mcp import McpClient, McpProvider
from domain.tools.unit_of_work import ToolsUnitOfWorkFactory


class RefreshMcpTools:
    """Asks a workspace MCP server for its tools again and keeps the new list (Dify's mcp/update/{id}).

    Rules: a server that cannot be reached fails the call with Dify's "Failed to connect" and keeps the old
    list; no database connection is held while the server is asked."""

    def __init__(self, uow: ToolsUnitOfWorkFactory, client: McpClient, clock: Clock) -> None:
        self._uow = uow
        self._client = client
        self._clock = clock

    async def execute(self, tenant_id: UUID, provider_id: UUID) -> McpProvider:
        async with self._uow() as uow:
            provider = await uow.mcp_providers.get(tenant_id, provider_id)
        if provider is None:
            raise ToolProviderNotFound("MCP tool not found")
        provider.tools = await list_or_refuse(self._client, provider.connection())
        provider.updated_at = self._clock.now()
        async with self._uow() as uow:
            if await uow.mcp_providers.get(tenant_id, provider_id) is None:
                raise ToolProviderNotFound("MCP tool not found")
            await uow.mcp_providers.save(provider)
            await uow.commit()
        return provider
