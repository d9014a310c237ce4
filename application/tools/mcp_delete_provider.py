from uuid import UUID

from domain.tools.errors import ToolProviderNotFound
from domain.tools.unit_of_work import ToolsUnitOfWorkFactory


class DeleteMcpProvider:
    """Removes a workspace MCP server; ToolProviderNotFound when the workspace has none with that id."""

    def __init__(self, uow: ToolsUnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, provider_id: UUID) -> None:
        async with self._uow() as uow:
            if not await uow.mcp_providers.delete(tenant_id, provider_id):
                raise ToolProviderNotFound("MCP tool not found")
            await uow.commit()
