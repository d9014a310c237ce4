from uuid import UUID

from application.tools.mcp_server_code import new_server_code
from domain.apps.ports import SecretTokenGenerator
from domain.shared.clock import Clock
from domain.shared.errors import NotFound
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.tools.mcp import AppMcpServer


class RegenerateServerCode:
    """Gives an app's MCP server a new code (Dify's GET /apps/{server_id}/server/refresh): the old URL stops
    answering at once."""

    def __init__(self, uow: UnitOfWorkFactory, tokens: SecretTokenGenerator, clock: Clock) -> None:
        self._uow = uow
        self._tokens = tokens
        self._clock = clock

    async def execute(self, tenant_id: UUID, server_id: UUID) -> AppMcpServer:
        async with self._uow() as uow:
            server = await uow.app_mcp_servers.get(tenant_id, server_id)
            if server is None:
                raise NotFound("MCP server not found.")
            server.server_code = new_server_code(self._tokens)
            server.updated_at = self._clock.now()
            await uow.app_mcp_servers.save(server)
            await uow.commit()
        return server
