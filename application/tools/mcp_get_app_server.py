from uuid import UUID

from application.apps.find_app import app_in_tenant
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.tools.mcp import AppMcpServer


class GetAppMcpServer:
    """An app's MCP server, or None when the app is not served over MCP (the app must be the workspace's)."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, app_id: UUID) -> AppMcpServer | None:
        async with self._uow() as uow:
            app = await app_in_tenant(uow, tenant_id, app_id)
            return await uow.app_mcp_servers.for_app(app.id)
