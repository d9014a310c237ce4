from typing import Any
from uuid import UUID

from application.apps.find_app import app_in_tenant
from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam, NotFound
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.tools.mcp import AppMcpServer, McpServerStatus


class UpdateAppMcpServer:
    """Changes an app's MCP server (Dify's PUT /apps/{id}/server): its description (the app's when empty),
    its parameter descriptions, its status (active / inactive); it takes the app's current name."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(
        self,
        tenant_id: UUID,
        app_id: UUID,
        server_id: UUID,
        description: str | None,
        parameters: dict[str, Any],
        status: str | None,
    ) -> AppMcpServer:
        if status and status not in tuple(McpServerStatus):
            raise InvalidParam("Invalid status", param="status")
        async with self._uow() as uow:
            app = await app_in_tenant(uow, tenant_id, app_id)
            server = await uow.app_mcp_servers.get(tenant_id, server_id)
            if server is None or server.app_id != app.id:
                raise NotFound("MCP server not found.")
            server.name = app.name
            server.description = description or app.description or ""
            server.parameters = dict(parameters)
            if status:
                server.status = McpServerStatus(status)
            server.updated_at = self._clock.now()
            await uow.app_mcp_servers.save(server)
            await uow.commit()
        return server
