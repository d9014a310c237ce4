from uuid import UUID

from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.tools.errors import ToolProviderNotFound
from domain.tools.mcp import McpProvider


class GetMcpProvider:
    """One MCP server of the workspace, by id, and its author's name; ToolProviderNotFound otherwise."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, provider_id: UUID) -> tuple[McpProvider, str]:
        async with self._uow() as uow:
            provider = await uow.mcp_providers.get(tenant_id, provider_id)
            if provider is None:
                raise ToolProviderNotFound("MCP tool not found")
            account = await uow.accounts.get(provider.user_id) if provider.user_id else None
        return provider, account.name if account else "Anonymous"
