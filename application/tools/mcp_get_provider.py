from uuid import UUID

from application.tools.mcp_list_providers import author_names
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.tools.errors import ToolProviderNotFound
from domain.tools.mcp import McpProvider
from domain.tools.unit_of_work import ToolsUnitOfWorkFactory


class GetMcpProvider:
    """One MCP server of the workspace, by id, and its author's name; ToolProviderNotFound otherwise."""

    def __init__(self, tools_uow: ToolsUnitOfWorkFactory, uow: UnitOfWorkFactory) -> None:
        self._tools_uow = tools_uow
        self._uow = uow

    async def execute(self, tenant_id: UUID, provider_id: UUID) -> tuple[McpProvider, str]:
        async with self._tools_uow() as tools:
            provider = await tools.mcp_providers.get(tenant_id, provider_id)
        if provider is None:
            raise ToolProviderNotFound("MCP tool not found")
        names = await author_names(self._uow, {provider.user_id} if provider.user_id else set())
        return provider, names.get(provider.user_id, "Anonymous") if provider.user_id else "Anonymous"
