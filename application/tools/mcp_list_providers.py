from uuid import UUID

from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.tools.mcp import McpProvider
from domain.tools.unit_of_work import ToolsUnitOfWorkFactory


class ListMcpProviders:
    """A workspace's MCP servers by name, with the tools each listed at its last refresh, and the names of the
    accounts that added them (Dify shows the author)."""

    def __init__(self, tools_uow: ToolsUnitOfWorkFactory, uow: UnitOfWorkFactory) -> None:
        self._tools_uow = tools_uow
        self._uow = uow

    async def execute(self, tenant_id: UUID) -> tuple[list[McpProvider], dict[UUID, str]]:
        async with self._tools_uow() as tools:
            providers = await tools.mcp_providers.for_tenant(tenant_id)
        return providers, await author_names(self._uow, {p.user_id for p in providers if p.user_id})


async def author_names(uow_factory: UnitOfWorkFactory, user_ids: set[UUID]) -> dict[UUID, str]:
    names = {}
    async with uow_factory() as uow:
        for user_id in user_ids:
            account = await uow.accounts.get(user_id)
            if account is not None:
                names[user_id] = account.name
    return names
