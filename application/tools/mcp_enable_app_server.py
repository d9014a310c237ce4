from typing import Any
from uuid import UUID

from application.apps.find_app import app_in_tenant
from application.tools.mcp_server_code import new_server_code
from domain.apps.ports import SecretTokenGenerator
from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam
from domain.shared.ids import IdGenerator
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.tools.mcp import AppMcpServer, McpServerStatus


class EnableAppMcpServer:
    """Serves an app over MCP (Dify's POST /apps/{id}/server).

    Rules: one server per app; it is named after the app and described by `description`, or by the app's
    description when none is given; it starts active with a fresh server code; `parameters` maps the app's
    input names to the descriptions MCP clients see."""

    def __init__(self, uow: UnitOfWorkFactory, tokens: SecretTokenGenerator, clock: Clock, ids: IdGenerator) -> None:
        self._uow = uow
        self._tokens = tokens
        self._clock = clock
        self._ids = ids

    async def execute(
        self, tenant_id: UUID, app_id: UUID, description: str | None, parameters: dict[str, Any]
    ) -> AppMcpServer:
        async with self._uow() as uow:
            app = await app_in_tenant(uow, tenant_id, app_id)
            if await uow.app_mcp_servers.for_app(app.id) is not None:
                raise InvalidParam("The app is already served as an MCP server.")
            now = self._clock.now()
            server = AppMcpServer(
                id=self._ids.new_id(),
                tenant_id=tenant_id,
                app_id=app.id,
                name=app.name,
                description=description or app.description or "",
                server_code=new_server_code(self._tokens),
                status=McpServerStatus.ACTIVE,
                parameters=dict(parameters),
                created_at=now,
                updated_at=now,
            )
            await uow.app_mcp_servers.add(server)
            await uow.commit()
        return server
