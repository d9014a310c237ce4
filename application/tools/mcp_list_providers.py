from uuid import UUID

from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.tools.mcp import McpProvider


class ListMcpProviders:
    """A workspace's MCP servers by name, with the tools each listed at its last refresh, and the names of the
    accounts that added them (Dify shows the author)."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID) -> tuple[list[McpProvider], dict[UUID, str]]:
        async with self._uow() as uow:
            providers = await uow.mcp_providers.for_tenant(tenant_id)
            authors = {}
            for user_id in {p.user_id for p in providers if p.user_id}:
                account = await uow.accounts.get(user_id)
                if account is not None:
                    authors[user_id] = account.name
        return providers, authors
